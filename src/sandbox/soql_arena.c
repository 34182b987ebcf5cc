/* The arena a parsed SOQL query lives in (see soql_int.h): chunks of memory
 * handed out in order and released together, with a hard bound on the total so
 * that no query text can make the parser allocate without limit. */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/soql_int.h"

#define SB_ARENA_CHUNK ((size_t)16384)
#define SB_ARENA_ALIGN (alignof(max_align_t))

struct sb_arena_chunk {
    sb_arena_chunk *next;
    size_t used;
    size_t cap;
    max_align_t data[]; /* cap bytes */
};

static size_t round_up(size_t n)
{
    return (n + SB_ARENA_ALIGN - 1) / SB_ARENA_ALIGN * SB_ARENA_ALIGN;
}

void *sb_arena_alloc(sb_arena *a, size_t size)
{
    if (size == 0)
        size = 1;
    if (size > SB_SOQL_ARENA_MAX)
        return NULL;
    size = round_up(size);
    sb_arena_chunk *c = a->head;
    if (c == NULL || c->cap - c->used < size) {
        size_t cap = size > SB_ARENA_CHUNK ? size : SB_ARENA_CHUNK;
        if (a->total + cap > SB_SOQL_ARENA_MAX)
            return NULL;
        c = malloc(sizeof *c + cap);
        if (c == NULL)
            return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
        a->total += cap;
    }
    unsigned char *p = (unsigned char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *sb_arena_strndup(sb_arena *a, const char *s, size_t len)
{
    char *p = sb_arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void *sb_arena_grow(sb_arena *a, void *items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    if (ncap > SB_SOQL_ARENA_MAX / elem)
        return NULL;
    void *n = sb_arena_alloc(a, ncap * elem);
    if (n == NULL)
        return NULL;
    if (*cap)
        memcpy(n, items, *cap * elem);
    *cap = ncap;
    return n;
}

void sb_arena_release(sb_arena *a)
{
    if (a == NULL)
        return;
    sb_arena_chunk *c = a->head;
    while (c != NULL) {
        sb_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}
