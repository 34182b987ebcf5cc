/* Text-keyed hash map (core/map.h). Entries live in one array in insertion
 * order; an open-addressing table of entry positions (linear probing) finds
 * them. A deleted entry stays in the array, keyless, until the next growth
 * compacts the array, so iteration order and positions are stable while no
 * entry is added. Keys are copied into arena blocks: one allocation per
 * block rather than per key, which is most of what a JSON object spent. */
#include "core/map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAP_MIN_SLOTS 16u
#define KEY_BLOCK     16384u

typedef struct entry {
    const char *key; /* in the arena; NULL once deleted */
    uint64_t hash;
    union {
        void *ptr;
        size_t num;
    } v;
} entry;

typedef struct key_block {
    struct key_block *next;
    size_t used, size;
    char data[];
} key_block;

struct cs_map {
    cs_map_free_fn free_value;
    entry *entries; /* insertion order; deleted ones keyless */
    size_t nentries, capentries, live;
    uint32_t *slots; /* 0 empty, else entry position + 1 */
    size_t nslots;   /* a power of two, at least twice nentries */
    key_block *keys;
};

static uint64_t hash_key(const char *k, size_t *len)
{
    /* FNV-1a: ids and email keys are short; this is fast enough and even. */
    uint64_t h = 1469598103934665603ull;
    const unsigned char *s = (const unsigned char *)k;
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        h ^= s[n];
        h *= 1099511628211ull;
    }
    *len = n;
    return h;
}

static const char *keep_key(cs_map *m, const char *key, size_t len)
{
    key_block *b = m->keys;
    if (b == NULL || b->size - b->used < len + 1) {
        size_t size = len + 1 > KEY_BLOCK ? len + 1 : KEY_BLOCK;
        b = malloc(sizeof *b + size);
        if (b == NULL)
            return NULL;
        b->next = m->keys;
        b->used = 0;
        b->size = size;
        m->keys = b;
    }
    char *k = b->data + b->used;
    memcpy(k, key, len + 1);
    b->used += len + 1;
    return k;
}

static void free_keys(cs_map *m)
{
    while (m->keys != NULL) {
        key_block *next = m->keys->next;
        free(m->keys);
        m->keys = next;
    }
}

cs_map *cs_map_new(cs_map_free_fn free_value)
{
    cs_map *m = calloc(1, sizeof *m);
    if (m != NULL)
        m->free_value = free_value;
    return m;
}

static void drop_values(cs_map *m)
{
    if (m->free_value == NULL)
        return;
    for (size_t i = 0; i < m->nentries; i++)
        if (m->entries[i].key != NULL && m->entries[i].v.ptr != NULL)
            m->free_value(m->entries[i].v.ptr);
}

void cs_map_free(cs_map *m)
{
    if (m == NULL)
        return;
    drop_values(m);
    free(m->entries);
    free(m->slots);
    free_keys(m);
    free(m);
}

void cs_map_clear(cs_map *m)
{
    drop_values(m);
    m->nentries = 0;
    m->live = 0;
    if (m->slots != NULL)
        memset(m->slots, 0, m->nslots * sizeof *m->slots);
    free_keys(m);
}

size_t cs_map_len(const cs_map *m)
{
    return m->live;
}

/* The entry position of key, or SIZE_MAX; *slot is where it is or would go. */
static size_t find(const cs_map *m, const char *key, uint64_t h, size_t *slot)
{
    if (m->nslots == 0) {
        *slot = 0;
        return SIZE_MAX;
    }
    size_t mask = m->nslots - 1;
    for (size_t s = (size_t)h & mask;; s = (s + 1) & mask) {
        uint32_t at = m->slots[s];
        if (at == 0) {
            *slot = s;
            return SIZE_MAX;
        }
        const entry *e = &m->entries[at - 1];
        if (e->hash == h && e->key != NULL && strcmp(e->key, key) == 0) {
            *slot = s;
            return at - 1;
        }
    }
}

/* Makes room for one more entry: drops deleted entries when they are many,
 * grows the tables when the live ones are. */
static int reserve(cs_map *m)
{
    if (m->nentries < m->capentries)
        return 0;
    size_t need = m->live + 1;
    size_t cap = m->capentries ? m->capentries : MAP_MIN_SLOTS / 2;
    while (need * 4 > cap * 3) /* a quarter free after compaction */
        cap *= 2;
    if (cap > UINT32_MAX / 4)
        return -1;
    size_t nslots = MAP_MIN_SLOTS;
    while (nslots < cap * 2) /* at most half the slots used */
        nslots *= 2;
    entry *entries = m->entries;
    if (cap != m->capentries) {
        entries = realloc(m->entries, cap * sizeof *entries);
        if (entries == NULL)
            return -1;
        m->entries = entries;
        m->capentries = cap;
    }
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (slots == NULL)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < m->nentries; i++)
        if (entries[i].key != NULL)
            entries[n++] = entries[i];
    m->nentries = n;
    size_t mask = nslots - 1;
    for (size_t i = 0; i < n; i++) {
        size_t s = (size_t)entries[i].hash & mask;
        while (slots[s] != 0)
            s = (s + 1) & mask;
        slots[s] = (uint32_t)(i + 1);
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = nslots;
    return 0;
}

/* The entry for key, added keyed and valueless when new (*added true).
 * NULL when memory ran out or key is NULL. */
static entry *upsert(cs_map *m, const char *key, bool *added)
{
    *added = false;
    if (key == NULL)
        return NULL;
    size_t len, slot;
    uint64_t h = hash_key(key, &len);
    size_t at = find(m, key, h, &slot);
    if (at != SIZE_MAX)
        return &m->entries[at];
    if (reserve(m) != 0)
        return NULL;
    find(m, key, h, &slot); /* the tables may have been rebuilt */
    const char *k = keep_key(m, key, len);
    if (k == NULL)
        return NULL;
    entry *e = &m->entries[m->nentries];
    e->key = k;
    e->hash = h;
    e->v.ptr = NULL;
    m->slots[slot] = (uint32_t)(m->nentries + 1);
    m->nentries++;
    m->live++;
    *added = true;
    return e;
}

int cs_map_put(cs_map *m, const char *key, void *value)
{
    bool added;
    entry *e = upsert(m, key, &added);
    if (e == NULL) {
        if (m->free_value != NULL && value != NULL)
            m->free_value(value);
        return -1;
    }
    if (!added && m->free_value != NULL && e->v.ptr != NULL && e->v.ptr != value)
        m->free_value(e->v.ptr);
    e->v.ptr = value;
    return 0;
}

int cs_map_put_num(cs_map *m, const char *key, size_t n)
{
    bool added;
    entry *e = upsert(m, key, &added);
    if (e == NULL)
        return -1;
    e->v.num = n;
    return 0;
}

int cs_map_add(cs_map *m, const char *key)
{
    bool added;
    return upsert(m, key, &added) == NULL ? -1 : added ? 1 : 0;
}

static const entry *lookup(const cs_map *m, const char *key)
{
    if (key == NULL || m->live == 0)
        return NULL;
    size_t len, slot;
    size_t at = find(m, key, hash_key(key, &len), &slot);
    return at == SIZE_MAX ? NULL : &m->entries[at];
}

void *cs_map_get(const cs_map *m, const char *key)
{
    const entry *e = lookup(m, key);
    return e ? e->v.ptr : NULL;
}

bool cs_map_get_num(const cs_map *m, const char *key, size_t *n)
{
    const entry *e = lookup(m, key);
    if (e != NULL && n != NULL)
        *n = e->v.num;
    return e != NULL;
}

bool cs_map_has(const cs_map *m, const char *key)
{
    return lookup(m, key) != NULL;
}

bool cs_map_del(cs_map *m, const char *key)
{
    entry *e = (entry *)lookup(m, key);
    if (e == NULL)
        return false;
    /* The slot keeps pointing at the keyless entry so probes pass over it;
     * the next growth drops both. */
    if (m->free_value != NULL && e->v.ptr != NULL)
        m->free_value(e->v.ptr);
    e->key = NULL;
    e->v.ptr = NULL;
    m->live--;
    return true;
}

static size_t next_live(const cs_map *m, size_t it)
{
    while (it < m->nentries && m->entries[it].key == NULL)
        it++;
    return it;
}

size_t cs_map_next(const cs_map *m, size_t it, const char **key, void **value)
{
    size_t i = next_live(m, it);
    if (i >= m->nentries)
        return 0;
    if (key != NULL)
        *key = m->entries[i].key;
    if (value != NULL)
        *value = m->entries[i].v.ptr;
    return i + 1;
}

size_t cs_map_next_num(const cs_map *m, size_t it, const char **key, size_t *n)
{
    size_t i = next_live(m, it);
    if (i >= m->nentries)
        return 0;
    if (key != NULL)
        *key = m->entries[i].key;
    if (n != NULL)
        *n = m->entries[i].v.num;
    return i + 1;
}
