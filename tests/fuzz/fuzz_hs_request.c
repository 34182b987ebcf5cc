/* libFuzzer target for the HubSpot sandbox's request-JSON handling: each
 * input is a request body, parsed as a search request (src/sandbox/hs_filter)
 * and as each kind of CRM batch input (src/sandbox/hs_input). A failure must
 * leave the out parameter untouched and give a non-empty message; a search
 * that parses is resolved against a small schema and evaluated against a few
 * fixed records (unset values, numbers, dates, multi-value enumerations), and
 * its sort compared across them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_filter.h"
#include "sandbox/hs_input.h"

typedef struct rec {
    const char *const *kv; /* name, value, ..., NULL */
} rec;

static const char *const rec_a[] = {
    "email",  "ann@example.com", "n",      "42",   "seen", "2024-01-02T00:00:00.000Z",
    "status", "NEW;OPEN",        "optout", "true", NULL};
static const char *const rec_b[] = {"email",         "",     "n",          "abc", "seen",
                                    "1704153600000", "born", "2000-01-01", NULL};
static const char *const rec_c[] = {NULL};

static const char *get(void *record, const char *property)
{
    const rec *r = record;
    for (const char *const *p = r->kv; p[0] && p[1]; p += 2)
        if (strcmp(p[0], property) == 0)
            return p[1];
    return NULL;
}

static int type_of(void *user, const char *property)
{
    (void)user;
    static const char *const names[] = {"email", "n", "born", "seen", "status", "optout"};
    static const hs_ptype types[] = {HS_PT_STRING,   HS_PT_NUMBER, HS_PT_DATE,
                                     HS_PT_DATETIME, HS_PT_ENUM,   HS_PT_BOOL};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i], property) == 0)
            return (int)types[i];
    return -1;
}

static void check_failure(int rc, const cs_err *err)
{
    if (rc == 0)
        return;
    if (rc != -1 || err->message[0] == '\0')
        abort();
}

static void search(const uint8_t *data, size_t size)
{
    hs_search *s = NULL;
    cs_err err;
    cs_err_clear(&err);
    int rc = hs_search_parse_text((const char *)data, size, &s, &err);
    check_failure(rc, &err);
    if (rc != 0) {
        if (s != NULL)
            abort();
        return;
    }
    if (s->limit > HS_SEARCH_MAX_LIMIT || s->after >= HS_SEARCH_MAX_RESULTS)
        abort();
    rc = hs_search_resolve(s, type_of, NULL, &err);
    check_failure(rc, &err);
    if (rc == 0) {
        rec records[] = {{rec_a}, {rec_b}, {rec_c}};
        for (size_t i = 0; i < 3; i++) {
            (void)hs_search_match(s, get, &records[i]);
            for (size_t j = 0; j < s->nsorts; j++)
                for (size_t k = 0; k < 3; k++) {
                    const char *a = get(&records[i], s->sorts[j].property);
                    const char *b = get(&records[k], s->sorts[j].property);
                    int ab = hs_value_compare(s->sorts[j].type, a, b);
                    int ba = hs_value_compare(s->sorts[j].type, b, a);
                    if ((ab > 0 && ba >= 0) || (ab < 0 && ba <= 0) || (ab == 0 && ba != 0))
                        abort(); /* the order must be antisymmetric */
                }
        }
        const char *values[] = {"Ann", "ann@example.com", NULL};
        (void)hs_query_match(s->query, values, 3);
    }
    hs_search_free(s);
}

static void batches(const uint8_t *data, size_t size)
{
    json_t *body = json_loadb((const char *)data, size, 0, NULL);
    if (body == NULL)
        return;
    for (int kind = HS_BATCH_CREATE; kind <= HS_BATCH_ARCHIVE; kind++) {
        hs_batch b;
        cs_err err;
        cs_err_clear(&err);
        int rc = hs_batch_parse(body, (hs_batch_kind)kind, &b, &err);
        check_failure(rc, &err);
        if (rc == 0) {
            if (b.n > HS_BATCH_INPUTS_MAX)
                abort();
            for (size_t i = 0; i < b.n; i++) {
                if (kind != HS_BATCH_CREATE && b.inputs[i].id[0] == '\0')
                    abort();
                if ((kind == HS_BATCH_CREATE || kind == HS_BATCH_UPDATE ||
                     kind == HS_BATCH_UPSERT) &&
                    !json_is_object(b.inputs[i].properties))
                    abort();
            }
        } else if (b.inputs != NULL || b.n != 0) {
            abort();
        }
        hs_batch_dispose(&b);
    }
    json_decref(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    search(data, size);
    batches(data, size);
    return 0;
}
