/* Unit tests of core/map.h: the engine's typed maps and sets. Insertion order
 * is part of the contract (the engine derives op order from it), so several
 * tests check it across growth and deletes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/map.h"

static int freed;
static void count_free(void *v)
{
    freed++;
    free(v);
}

Test(map, put_get_replace_borrowed)
{
    cs_map *m = cs_map_new(NULL);
    cr_assert_not_null(m);
    char a[] = "A", b[] = "B";
    cr_assert_eq(cs_map_put(m, "00Q1", a), 0);
    cr_assert_eq(cs_map_get(m, "00Q1"), a);
    cr_assert_eq(cs_map_put(m, "00Q1", b), 0);
    cr_assert_eq(cs_map_get(m, "00Q1"), b);
    cr_assert_eq(cs_map_len(m), 1);
    cr_assert_null(cs_map_get(m, "00Q2"));
    cr_assert_null(cs_map_get(m, NULL));
    cr_assert_eq(cs_map_put(m, NULL, a), -1);
    cr_assert_not(cs_map_has(m, "00q1"), "keys compare byte for byte");
    cs_map_free(m);
    cs_map_free(NULL);
}

Test(map, owned_values_freed_on_replace_delete_and_free)
{
    freed = 0;
    cs_map *m = cs_map_new(count_free);
    cr_assert_eq(cs_map_put(m, "k", strdup("one")), 0);
    cr_assert_eq(cs_map_put(m, "k", strdup("two")), 0);
    cr_assert_eq(freed, 1, "the replaced value is freed");
    cr_assert_str_eq(cs_map_get(m, "k"), "two");
    cr_assert_eq(cs_map_put(m, "j", strdup("three")), 0);
    cr_assert(cs_map_del(m, "k"));
    cr_assert_eq(freed, 2);
    cr_assert_not(cs_map_del(m, "k"));
    cr_assert_eq(cs_map_put(m, NULL, strdup("lost")), -1);
    cr_assert_eq(freed, 3, "a value the map could not take is freed, not leaked");
    cs_map_free(m);
    cr_assert_eq(freed, 4);
}

Test(map, numbers)
{
    cs_map *m = cs_map_new(NULL);
    size_t n = 99;
    cr_assert_eq(cs_map_put_num(m, "zero", 0), 0);
    cr_assert(cs_map_get_num(m, "zero", &n));
    cr_assert_eq(n, 0, "0 is a value, not absence");
    cr_assert_not(cs_map_get_num(m, "none", &n));
    cr_assert(cs_map_get_num(m, "zero", NULL));
    cs_map_free(m);
}

Test(map, set_add_has)
{
    cs_map *s = cs_map_new(NULL);
    cr_assert_eq(cs_map_add(s, "x@example.com"), 1);
    cr_assert_eq(cs_map_add(s, "x@example.com"), 0);
    cr_assert(cs_map_has(s, "x@example.com"));
    cr_assert_not(cs_map_has(s, NULL));
    cr_assert_eq(cs_map_add(s, NULL), -1);
    cr_assert_eq(cs_map_len(s), 1);
    cs_map_free(s);
}

/* Many keys (several growths), a third deleted, others re-added: every
 * lookup right, and iteration in insertion order of the surviving keys. */
Test(map, growth_deletes_and_insertion_order)
{
    enum { N = 20000 };
    cs_map *m = cs_map_new(NULL);
    char k[32];
    for (size_t i = 0; i < N; i++) {
        snprintf(k, sizeof k, "id-%zu", i);
        cr_assert_eq(cs_map_put_num(m, k, i), 0);
    }
    for (size_t i = 0; i < N; i += 3) {
        snprintf(k, sizeof k, "id-%zu", i);
        cr_assert(cs_map_del(m, k));
    }
    /* re-added keys go to the end of the order */
    for (size_t i = 0; i < 30; i += 3) {
        snprintf(k, sizeof k, "id-%zu", i);
        cr_assert_eq(cs_map_put_num(m, k, N + i), 0);
    }
    size_t expect = N - (N + 2) / 3 + 10;
    cr_assert_eq(cs_map_len(m), expect);
    for (size_t i = 0; i < N; i++) {
        snprintf(k, sizeof k, "id-%zu", i);
        size_t v;
        bool has = cs_map_get_num(m, k, &v);
        if (i % 3 == 0 && i >= 30) {
            cr_assert_not(has, "%s was deleted", k);
        } else {
            cr_assert(has, "%s is there", k);
            cr_assert_eq(v, i % 3 == 0 ? N + i : i);
        }
    }
    const char *key;
    size_t v, seen = 0, last = 0;
    bool in_tail = false;
    for (size_t it = cs_map_next_num(m, 0, &key, &v); it; it = cs_map_next_num(m, it, &key, &v)) {
        if (v >= N)
            in_tail = true;
        else
            cr_assert_not(in_tail, "re-added keys come after every original one");
        if (seen > 0)
            cr_assert_gt(v, last, "insertion order");
        last = v;
        seen++;
    }
    cr_assert_eq(seen, expect);
    cs_map_free(m);
}

Test(map, delete_current_while_iterating)
{
    cs_map *m = cs_map_new(NULL);
    cs_map_add(m, "a");
    cs_map_add(m, "b");
    cs_map_add(m, "c");
    const char *key;
    for (size_t it = cs_map_next(m, 0, &key, NULL); it; it = cs_map_next(m, it, &key, NULL))
        if (strcmp(key, "b") != 0)
            cr_assert(cs_map_del(m, key));
    cr_assert_eq(cs_map_len(m), 1);
    cr_assert(cs_map_has(m, "b"));
    cs_map_clear(m);
    cr_assert_eq(cs_map_len(m), 0);
    cr_assert_not(cs_map_has(m, "b"));
    cr_assert_eq(cs_map_add(m, "b"), 1, "a cleared map is usable again");
    cs_map_free(m);
}

Test(map, long_keys_and_empty_key)
{
    cs_map *m = cs_map_new(NULL);
    size_t len = 40000; /* longer than a key block */
    char *big = malloc(len + 1);
    memset(big, 'k', len);
    big[len] = '\0';
    cr_assert_eq(cs_map_add(m, big), 1);
    cr_assert_eq(cs_map_add(m, ""), 1);
    cr_assert(cs_map_has(m, big));
    cr_assert(cs_map_has(m, ""));
    big[len - 1] = 'j';
    cr_assert_not(cs_map_has(m, big));
    free(big);
    cs_map_free(m);
}
