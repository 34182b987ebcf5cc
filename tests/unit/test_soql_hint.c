/* Unit tests for the index hints of the sandbox's SOQL subset
 * (sb_soql_hint_count / sb_soql_hint_get in src/sandbox/soql.h) and for
 * sb_soql_referenced_in_filter: which conjuncts give hints, the values and
 * ranges they carry, what gives none (OR, NOT, !=, NOT IN, LIKE, NULL and
 * non-string IN values, numbers), and a soundness check that every record
 * sb_soql_matches accepts satisfies every hint of its query, which is what
 * lets the Salesforce emulation read candidates through an index. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/timeutil.h"
#include "sandbox/soql.h"

/* 2026-01-02T03:04:05Z: "now" for TODAY-style literals. */
#define NOW_MS   INT64_C(1767323045000)
#define DAY_MS   INT64_C(86400000)
#define TODAY_MS (NOW_MS - NOW_MS % DAY_MS)

static sb_soql_query *parse_where(const char *cond)
{
    char text[2048];
    int n = snprintf(text, sizeof text, "SELECT Id FROM Lead WHERE %s", cond);
    cr_assert(n > 0 && (size_t)n < sizeof text);
    sb_soql_query *q = NULL;
    cs_err err = {0};
    cr_assert_eq(sb_soql_parse(text, &q, &err), 0, "parse failed for <%s>: %s", text, err.message);
    return q;
}

static size_t hints_of(const char *cond)
{
    sb_soql_query *q = parse_where(cond);
    size_t n = sb_soql_hint_count(q);
    sb_soql_free(q);
    return n;
}

static sb_soql_hint only_hint(sb_soql_query *q)
{
    cr_assert_eq(sb_soql_hint_count(q), 1);
    sb_soql_hint h;
    cr_assert(sb_soql_hint_get(q, 0, NOW_MS, &h));
    return h;
}

Test(soql_hint, equality_and_in_lists_of_strings)
{
    sb_soql_query *q = parse_where("Email IN ('A@Example.com', 'b@example.com') AND "
                                   "IsConverted = false");
    sb_soql_hint h = only_hint(q);
    cr_assert_eq(h.kind, SB_SOQL_HINT_IN);
    cr_assert_str_eq(h.field, "Email");
    cr_assert_eq(h.nvals, 2);
    cr_assert_str_eq(h.vals[0], "A@Example.com"); /* as written; matching folds case */
    cr_assert_str_eq(h.vals[1], "b@example.com");
    sb_soql_free(q);

    q = parse_where("id = '00Q000000000001AAA'");
    h = only_hint(q);
    cr_assert_eq(h.kind, SB_SOQL_HINT_IN);
    cr_assert_str_eq(h.field, "id");
    cr_assert_eq(h.nvals, 1);
    cr_assert_str_eq(h.vals[0], "00Q000000000001AAA");
    sb_soql_free(q);

    /* escapes are decoded */
    q = parse_where("LastName = 'O\\'Brien'");
    h = only_hint(q);
    cr_assert_str_eq(h.vals[0], "O'Brien");
    sb_soql_free(q);
}

Test(soql_hint, datetime_and_date_ranges)
{
    const int64_t at = INT64_C(1767323045000); /* 2026-01-02T03:04:05Z */
    sb_soql_query *q = parse_where("SystemModstamp >= 2026-01-02T03:04:05Z");
    sb_soql_hint h = only_hint(q);
    cr_assert_eq(h.kind, SB_SOQL_HINT_RANGE);
    cr_assert_str_eq(h.field, "SystemModstamp");
    cr_assert_eq(h.lo_ms, at);
    cr_assert_eq(h.hi_ms, INT64_MAX);
    sb_soql_free(q);

    q = parse_where("SystemModstamp > 2026-01-02T03:04:05.000+0000");
    h = only_hint(q);
    cr_assert_eq(h.lo_ms, at + 1);
    cr_assert_eq(h.hi_ms, INT64_MAX);
    sb_soql_free(q);

    q = parse_where("SystemModstamp < 2026-01-02T03:04:05Z");
    h = only_hint(q);
    cr_assert_eq(h.lo_ms, INT64_MIN);
    cr_assert_eq(h.hi_ms, at);
    sb_soql_free(q);

    q = parse_where("SystemModstamp <= 2026-01-02T03:04:05Z");
    h = only_hint(q);
    cr_assert_eq(h.hi_ms, at + 1);
    sb_soql_free(q);

    /* a date is its whole UTC day */
    q = parse_where("CreatedDate > 2026-01-02");
    h = only_hint(q);
    cr_assert_eq(h.lo_ms, TODAY_MS + DAY_MS);
    sb_soql_free(q);

    q = parse_where("CreatedDate = 2026-01-02");
    h = only_hint(q);
    cr_assert_eq(h.lo_ms, TODAY_MS);
    cr_assert_eq(h.hi_ms, TODAY_MS + DAY_MS);
    sb_soql_free(q);

    /* relative dates are anchored at now */
    q = parse_where("LastModifiedDate = LAST_N_DAYS:2");
    h = only_hint(q);
    cr_assert_eq(h.lo_ms, TODAY_MS - 2 * DAY_MS);
    cr_assert_eq(h.hi_ms, TODAY_MS + DAY_MS);
    sb_soql_free(q);
}

Test(soql_hint, every_top_level_conjunct_nested_ands_included)
{
    sb_soql_query *q = parse_where("(Email = 'a@x.com' AND (Id IN ('1', '2'))) AND "
                                   "(LastName = 'x' OR LastName = 'y') AND "
                                   "SystemModstamp >= 2026-01-01T00:00:00Z");
    cr_assert_eq(sb_soql_hint_count(q), 3);
    sb_soql_hint h;
    cr_assert(sb_soql_hint_get(q, 0, NOW_MS, &h));
    cr_assert_str_eq(h.field, "Email");
    cr_assert(sb_soql_hint_get(q, 1, NOW_MS, &h));
    cr_assert_str_eq(h.field, "Id");
    cr_assert_eq(h.nvals, 2);
    cr_assert(sb_soql_hint_get(q, 2, NOW_MS, &h));
    cr_assert_str_eq(h.field, "SystemModstamp");
    cr_assert_eq(h.kind, SB_SOQL_HINT_RANGE);
    cr_assert_not(sb_soql_hint_get(q, 3, NOW_MS, &h));
    sb_soql_free(q);
}

Test(soql_hint, conditions_that_bound_nothing_give_none)
{
    static const char *const conds[] = {
        "Email = 'a@x.com' OR Email = 'b@x.com'",
        "NOT Email = 'a@x.com'",
        "NOT (Email = 'a@x.com' AND Id = '1')",
        "Email != 'a@x.com'",
        "Email <> 'a@x.com'",
        "Email NOT IN ('a@x.com')",
        "Email LIKE 'a%'",
        "Email = NULL",
        "Email IN ('a@x.com', NULL)",
        "Email IN ('a@x.com', 5)",
        "NumberOfEmployees = 5",
        "IsConverted = false",
        "Email < 'b'",
        "SystemModstamp != 2026-01-02T03:04:05Z",
        "SystemModstamp IN (2026-01-02T03:04:05Z)",
        "SystemModstamp NOT IN (2026-01-02T03:04:05Z)",
        "(Email = 'a@x.com' AND Id = '1') OR LastName = 'x'",
    };
    for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++)
        cr_expect_eq(hints_of(conds[i]), 0, "expected no hint for <%s>", conds[i]);
    sb_soql_query *q = NULL;
    cs_err err = {0};
    cr_assert_eq(sb_soql_parse("SELECT Id FROM Lead ORDER BY Id LIMIT 5", &q, &err), 0);
    cr_assert_eq(sb_soql_hint_count(q), 0);
    sb_soql_hint h;
    cr_assert_not(sb_soql_hint_get(q, 0, NOW_MS, &h));
    sb_soql_free(q);
}

static json_t *resolve(void *user, json_t *record, const char *path)
{
    (void)user;
    const char *key;
    json_t *value;
    json_object_foreach(record, key, value)
    {
        if (strcasecmp(key, path) == 0)
            return value;
    }
    return NULL;
}

/* True when the record satisfies the hint as soql.h states it. */
static bool satisfies(json_t *rec, const sb_soql_hint *h)
{
    json_t *v = resolve(NULL, rec, h->field);
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    if (h->kind == SB_SOQL_HINT_IN) {
        for (size_t i = 0; i < h->nvals; i++)
            if (strcasecmp(s, h->vals[i]) == 0)
                return true;
        return false;
    }
    int64_t ms;
    return cs_time_parse(s, &ms, NULL) == 0 && ms >= h->lo_ms && ms < h->hi_ms;
}

/* Every record a query matches satisfies all its hints; the table makes
 * sure each query both matches and rejects some records. */
Test(soql_hint, matching_records_satisfy_every_hint)
{
    static const char *const records[] = {
        "{\"Id\":\"00Q1\",\"Email\":\"Ann@Example.com\",\"IsConverted\":false,"
        "\"SystemModstamp\":\"2026-01-02T03:04:05.000+0000\",\"LastName\":\"Ann\"}",
        "{\"Id\":\"00q2\",\"Email\":\"bob@example.com\",\"IsConverted\":true,"
        "\"SystemModstamp\":\"2026-01-01T23:59:59.999+0000\",\"LastName\":\"Bob\"}",
        "{\"Id\":\"00Q3\",\"Email\":null,\"IsConverted\":false,"
        "\"SystemModstamp\":\"2026-01-03T00:00:00.000+0000\",\"LastName\":\"Cy\"}",
        "{\"Id\":\"00Q4\",\"Email\":\"cy@example.com\",\"IsConverted\":false,"
        "\"SystemModstamp\":\"2025-12-31T10:00:00.000+0000\",\"LastName\":\"O'Brien\"}",
    };
    static const char *const conds[] = {
        "Email IN ('ann@example.COM', 'BOB@example.com') AND IsConverted = false",
        "Id IN ('00q1', '00Q2')",
        "Id = '00Q2' AND Email = 'bob@example.com'",
        "SystemModstamp >= 2026-01-02T00:00:00Z",
        "SystemModstamp > 2026-01-01T23:59:59.999Z AND LastName != 'Cy'",
        "SystemModstamp < 2026-01-02T00:00:00Z",
        "SystemModstamp = 2026-01-02 AND (LastName = 'Ann' OR LastName = 'Bob')",
        "SystemModstamp <= YESTERDAY",
        "LastModifiedDate = TODAY OR Email = 'cy@example.com'",
        "LastName = 'o\\'brien'",
    };
    size_t nrec = sizeof records / sizeof records[0];
    for (size_t c = 0; c < sizeof conds / sizeof conds[0]; c++) {
        sb_soql_query *q = parse_where(conds[c]);
        size_t matched = 0;
        for (size_t r = 0; r < nrec; r++) {
            json_t *rec = json_loads(records[r], 0, NULL);
            cr_assert_not_null(rec);
            if (sb_soql_matches(q, rec, resolve, NULL, NOW_MS)) {
                matched++;
                for (size_t i = 0; i < sb_soql_hint_count(q); i++) {
                    sb_soql_hint h;
                    cr_assert(sb_soql_hint_get(q, i, NOW_MS, &h));
                    cr_expect(satisfies(rec, &h), "record %zu matches <%s> but not hint %zu", r,
                              conds[c], i);
                }
            }
            json_decref(rec);
        }
        cr_expect(matched > 0 && matched < nrec, "<%s> matched %zu of %zu records", conds[c],
                  matched, nrec);
        sb_soql_free(q);
    }
}

Test(soql_hint, referenced_in_filter_marks_where_and_order_fields)
{
    sb_soql_query *q = NULL;
    cs_err err = {0};
    cr_assert_eq(sb_soql_parse("SELECT Id, Email, Name, Account.Name FROM Lead "
                               "WHERE email = 'x' AND account.name != 'y' "
                               "ORDER BY LastModifiedDate DESC",
                               &q, &err),
                 0, "%s", err.message);
    static const struct {
        const char *path;
        bool filter;
    } want[] = {{"Id", false},
                {"Email", true},
                {"Name", false},
                {"Account.Name", true},
                {"LastModifiedDate", true}};
    cr_assert_eq(sb_soql_referenced_count(q), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        cr_expect_str_eq(sb_soql_referenced_field(q, i), want[i].path);
        cr_expect_eq(sb_soql_referenced_in_filter(q, i), want[i].filter, "%s", want[i].path);
    }
    cr_assert_not(sb_soql_referenced_in_filter(q, 99));
    sb_soql_free(q);

    cr_assert_eq(sb_soql_parse("SELECT COUNT() FROM Lead WHERE Id = '1'", &q, &err), 0);
    cr_assert_eq(sb_soql_referenced_count(q), 1);
    cr_assert(sb_soql_referenced_in_filter(q, 0));
    sb_soql_free(q);
}
