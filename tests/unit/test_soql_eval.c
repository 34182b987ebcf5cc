/* Unit tests for the sandbox's SOQL evaluation (src/sandbox/soql.h): WHERE
 * for every operator and literal type (strings, numbers, booleans, NULL,
 * dates, datetimes, TODAY-style literals, LIKE, IN), AND/OR/NOT, and the
 * ORDER BY comparison with nulls. Records are JSON objects; a parent
 * relationship (Account.Name) is a nested object, as the sandbox stores it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/soql.h"
#include "soql_fixture.h"

/* 2026-01-02T03:04:05Z: "today" for every date-literal test. */
#define NOW_MS INT64_C(1767323045000)

/* Parses "SELECT Id FROM Lead WHERE <cond>" and evaluates it against record. */
static bool where(const char *cond, const char *record_json)
{
    char text[2048];
    int n = snprintf(text, sizeof text, "SELECT Id FROM Lead WHERE %s", cond);
    cr_assert(n > 0 && (size_t)n < sizeof text);
    sb_soql_query *q = parse_ok(text);
    json_error_t jerr;
    json_t *rec = json_loads(record_json, 0, &jerr);
    cr_assert_not_null(rec, "bad test record: %s", jerr.text);
    bool m = sb_soql_matches(q, rec, resolve, NULL, NOW_MS);
    json_decref(rec);
    sb_soql_free(q);
    return m;
}

static const char *REC = "{\"Id\":\"00Q1\",\"Name\":\"Acme_Corp\",\"Email\":\"Ann@Example.com\","
                         "\"Amount\":\"12.5\",\"Employees\":3,\"Score\":2.5,\"IsActive\":true,"
                         "\"Flag\":\"false\",\"Empty\":null,"
                         "\"CreatedDate\":\"2026-01-02T01:00:00.000+0000\","
                         "\"CloseDate\":\"2026-01-01\",\"Note\":\"it's a \\\"test\\\"\\n\\t\\\\\","
                         "\"Pct\":\"50%_off\",\"Word\":\"caf\\u00e9\","
                         "\"Account\":{\"Name\":\"Parent Co\",\"Industry\":null}}";

/* ---- evaluation ---- */

Test(soql_eval, string_comparisons_are_case_insensitive)
{
    cr_assert(where("Name = 'ACME_CORP'", REC));
    cr_assert(where("name = 'acme_corp'", REC), "field names resolve case-insensitively");
    cr_assert_not(where("Name = 'Acme'", REC));
    cr_assert(where("Name != 'Acme'", REC));
    cr_assert(where("Name <> 'Acme'", REC));
    cr_assert(where("Name > 'ACME'", REC));
    cr_assert(where("Name < 'b'", REC));
    cr_assert(where("Name <= 'acme_corp'", REC));
    cr_assert(where("Name >= 'ACME_CORP'", REC));
    cr_assert_not(where("Name > 'B'", REC));
    cr_assert(where("Employees = '3'", REC), "a number compared with a string uses its text");
}

Test(soql_eval, string_escapes_decode)
{
    cr_assert(where("Note = 'it\\'s a \\\"test\\\"\\n\\t\\\\'", REC));
    cr_assert(where("Word = 'caf\\u00e9'", REC));
    cr_assert(where("Word = 'CAF\\u00e9'", REC));
    cr_assert_not(where("Word = 'cafe'", REC));
}

Test(soql_eval, number_comparisons)
{
    cr_assert(where("Employees = 3", REC));
    cr_assert(where("Employees = 3.0", REC));
    cr_assert(where("Employees > 2", REC));
    cr_assert(where("Employees >= 3", REC));
    cr_assert_not(where("Employees < 3", REC));
    cr_assert(where("Employees <= 3", REC));
    cr_assert(where("Employees != 4", REC));
    cr_assert(where("Employees > -1", REC));
    cr_assert(where("Score = 2.5", REC));
    cr_assert(where("Amount > 12", REC), "numeric strings compare as numbers");
    cr_assert(where("Amount < 100", REC), "numerically, not as text ('12.5' > '100')");
    cr_assert_not(where("Amount = 12", REC));
}

Test(soql_eval, boolean_comparisons)
{
    cr_assert(where("IsActive = TRUE", REC));
    cr_assert_not(where("IsActive = false", REC));
    cr_assert(where("IsActive != FALSE", REC));
    cr_assert(where("Flag = false", REC), "\"false\" reads as a boolean");
}

Test(soql_eval, null_semantics)
{
    cr_assert(where("Missing = NULL", REC));
    cr_assert(where("Empty = null", REC));
    cr_assert_not(where("Name = NULL", REC));
    cr_assert(where("Name != NULL", REC));
    cr_assert_not(where("Empty != NULL", REC));
    cr_assert(where("Missing != 'x'", REC), "!= holds for a null field");
    cr_assert(where("Missing != 5", REC));
    cr_assert_not(where("Missing = 'x'", REC));
    cr_assert_not(where("Missing < 5", REC));
    cr_assert_not(where("Missing > 5", REC));
    cr_assert_not(where("Missing <= 2026-01-01", REC));
    cr_assert_not(where("Missing LIKE '%'", REC));
    cr_assert(where("Account.Industry = NULL", REC));
    cr_assert(where("Owner.Email = NULL", REC), "a missing parent reads as null");
}

Test(soql_eval, unreadable_values_match_nothing)
{
    cr_assert_not(where("Name = 5", REC));
    cr_assert_not(where("Name != 5", REC));
    cr_assert_not(where("Name < 5", REC));
    cr_assert_not(where("Name = TRUE", REC));
    cr_assert_not(where("Name > 2026-01-01", REC));
    cr_assert_not(where("Name != TODAY", REC));
    cr_assert_not(where("Name NOT IN (1, 2)", REC));
    cr_assert(where("NOT Name = 5", REC), "NOT still negates");
    cr_assert_not(where("Account = 'x'", REC), "an object value has no text");
    cr_assert_not(where("Employees = 2026-01-02", REC), "digits are not a date");
}

Test(soql_eval, like_patterns)
{
    cr_assert(where("Name LIKE 'acme%'", REC));
    cr_assert(where("Name LIKE '%CORP'", REC));
    cr_assert(where("Name LIKE '%me_c%'", REC));
    cr_assert(where("Name LIKE 'Acme_Corp'", REC));
    cr_assert(where("Name LIKE '_cme%'", REC));
    cr_assert(where("Name LIKE '%'", REC));
    cr_assert_not(where("Name LIKE 'acme'", REC));
    cr_assert_not(where("Name LIKE '_acme%'", REC));
    cr_assert(where("Email LIKE '%@example.COM'", REC));
    cr_assert(where("Pct LIKE '50\\%\\_off'", REC), "escaped wildcards are literal");
    cr_assert(where("Pct LIKE '%\\%%'", REC));
    cr_assert_not(where("Name LIKE 'Acme\\%'", REC));
    cr_assert_not(where("Name LIKE 'Acme\\_Cor'", REC));
    cr_assert(where("Word LIKE 'caf_'", REC), "_ matches one UTF-8 character");
    cr_assert_not(where("Word LIKE 'caf__'", REC));
    cr_assert(where("Note LIKE '%\\\\'", REC), "an escaped backslash is a literal backslash");
    cr_assert(where("v LIKE 'x\\\\%'", "{\"v\":\"x\\\\abc\"}"),
              "a literal backslash before a wildcard leaves the wildcard active");
    cr_assert(where("Employees LIKE '3'", REC));
    cr_assert(where("Name LIKE '%%%_%%'", REC));
}

Test(soql_eval, in_and_not_in)
{
    cr_assert(where("Name IN ('x', 'acme_corp')", REC));
    cr_assert_not(where("Name IN ('x', 'y')", REC));
    cr_assert(where("Name NOT IN ('x', 'y')", REC));
    cr_assert_not(where("Name NOT IN ('x', 'ACME_CORP')", REC));
    cr_assert(where("Employees IN (1, 2, 3)", REC));
    cr_assert(where("Missing IN ('a', NULL)", REC));
    cr_assert_not(where("Missing IN ('a', 'b')", REC));
    cr_assert(where("Missing NOT IN ('a', 'b')", REC));
    cr_assert_not(where("Missing NOT IN ('a', NULL)", REC));
    cr_assert(where("CloseDate IN (2025-12-31, 2026-01-01)", REC));
}

Test(soql_eval, parent_relationship_fields)
{
    cr_assert(where("Account.Name = 'parent co'", REC));
    cr_assert(where("ACCOUNT.name LIKE 'Par%'", REC));
    cr_assert_not(where("Account.Name = 'Other'", REC));
}

Test(soql_eval, logic_and_precedence)
{
    cr_assert(where("Name = 'acme_corp' AND Employees = 3", REC));
    cr_assert_not(where("Name = 'acme_corp' AND Employees = 4", REC));
    cr_assert(where("Name = 'x' OR Employees = 3", REC));
    cr_assert_not(where("Name = 'x' OR Employees = 4", REC));
    cr_assert(where("NOT Name = 'x'", REC));
    /* NOT binds tighter than AND: (NOT Name = 'x') AND Employees = 3. */
    cr_assert(where("NOT Name = 'x' AND Employees = 3", REC));
    cr_assert_not(where("NOT (Name = 'acme_corp' AND Employees = 3)", REC));
    cr_assert(where("(Name = 'x' OR Employees = 3) AND (IsActive = true OR Missing = 'y')", REC));
    cr_assert_not(where("Name = 'x' OR (Employees = 3 AND IsActive = false)", REC));
    cr_assert(where("NOT NOT Employees = 3", REC));
}

Test(soql_eval, datetime_literals_compare_instants)
{
    /* CreatedDate is 2026-01-02T01:00:00Z. */
    cr_assert(where("CreatedDate = 2026-01-02T01:00:00Z", REC));
    cr_assert(where("CreatedDate = 2026-01-02T02:00:00+01:00", REC), "offsets are honoured");
    cr_assert(where("CreatedDate = 2026-01-01T17:00:00-0800", REC));
    cr_assert(where("CreatedDate = 2026-01-02T01:00:00.000+0000", REC));
    cr_assert(where("CreatedDate < 2026-01-02T01:00:00.001Z", REC));
    cr_assert_not(where("CreatedDate < 2026-01-02T01:00:00Z", REC));
    cr_assert(where("CreatedDate <= 2026-01-02T01:00:00Z", REC));
    cr_assert(where("CreatedDate > 2026-01-02T00:59:59Z", REC));
    cr_assert(where("CreatedDate >= 2026-01-02T01:00:00Z", REC));
    cr_assert(where("CreatedDate != 2026-01-02T01:00:01Z", REC));
    cr_assert(where("CloseDate < 2026-01-01T00:00:01Z", REC), "a date value is its midnight");
}

Test(soql_eval, date_literals_cover_whole_days)
{
    /* A date literal against a datetime value compares the day. */
    cr_assert(where("CreatedDate = 2026-01-02", REC));
    cr_assert_not(where("CreatedDate = 2026-01-01", REC));
    cr_assert(where("CreatedDate > 2026-01-01", REC));
    cr_assert_not(where("CreatedDate > 2026-01-02", REC), "> a day means after that day");
    cr_assert(where("CreatedDate >= 2026-01-02", REC));
    cr_assert(where("CreatedDate <= 2026-01-02", REC));
    cr_assert_not(where("CreatedDate < 2026-01-02", REC));
    cr_assert(where("CreatedDate != 2026-01-03", REC));
    cr_assert(where("CloseDate = 2026-01-01", REC));
    cr_assert(where("CloseDate < 2026-01-02", REC));
}

Test(soql_eval, relative_date_literals)
{
    /* Now is 2026-01-02T03:04:05Z; CreatedDate is today, CloseDate yesterday. */
    cr_assert(where("CreatedDate = TODAY", REC));
    cr_assert_not(where("CreatedDate = YESTERDAY", REC));
    cr_assert(where("CloseDate = YESTERDAY", REC));
    cr_assert(where("CloseDate < TODAY", REC));
    cr_assert(where("CreatedDate < TOMORROW", REC));
    cr_assert_not(where("CreatedDate = TOMORROW", REC));
    cr_assert(where("CreatedDate > YESTERDAY", REC));
    cr_assert(where("CloseDate = LAST_N_DAYS:1", REC), "LAST_N_DAYS:1 is yesterday and today");
    cr_assert(where("CreatedDate = LAST_N_DAYS:1", REC));
    cr_assert(where("CreatedDate = LAST_N_DAYS:0", REC));
    cr_assert_not(where("CloseDate = LAST_N_DAYS:0", REC));
    cr_assert_not(where("CreatedDate = NEXT_N_DAYS:3", REC), "NEXT_N_DAYS starts tomorrow");
    cr_assert(where("CreatedDate < NEXT_N_DAYS:3", REC));
    cr_assert(where("CloseDate = N_DAYS_AGO:1", REC));
    cr_assert_not(where("CreatedDate = N_DAYS_AGO:1", REC));
    cr_assert_not(where("CloseDate > LAST_N_DAYS:1", REC));
    cr_assert(where("d = NEXT_N_DAYS:3", "{\"d\":\"2026-01-05T23:59:59Z\"}"));
    cr_assert_not(where("d = NEXT_N_DAYS:3", "{\"d\":\"2026-01-06\"}"));
    cr_assert(where("d = LAST_N_DAYS:7", "{\"d\":\"2025-12-26T00:00:00Z\"}"));
    cr_assert_not(where("d = LAST_N_DAYS:7", "{\"d\":\"2025-12-25T23:59:59Z\"}"));
}

/* ---- ORDER BY ---- */

/* Insertion sort of a JSON array of records by the query's ORDER BY; returns
 * the "Id" values joined by commas. */
static void sorted_ids(const char *order_by, const char *records, char *out, size_t cap)
{
    char text[256];
    int len = snprintf(text, sizeof text, "SELECT Id FROM Lead ORDER BY %s", order_by);
    cr_assert(len > 0 && (size_t)len < sizeof text);
    sb_soql_query *q = parse_ok(text);
    json_t *arr = json_loads(records, 0, NULL);
    cr_assert(json_is_array(arr));
    size_t n = json_array_size(arr);
    json_t *recs[16];
    cr_assert(n <= 16);
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(arr, i);
        size_t j = i;
        while (j > 0 && sb_soql_compare(q, recs[j - 1], r, resolve, NULL) > 0) {
            recs[j] = recs[j - 1];
            j--;
        }
        recs[j] = r;
    }
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *id = json_string_value(json_object_get(recs[i], "Id"));
        int w = snprintf(out + used, cap - used, "%s%s", i ? "," : "", id);
        cr_assert(w > 0 && (size_t)w < cap - used);
        used += (size_t)w;
    }
    json_decref(arr);
    sb_soql_free(q);
}

static const char *ROWS = "[{\"Id\":\"a\",\"N\":10,\"S\":\"banana\",\"B\":true,"
                          "\"T\":\"2026-01-02T03:00:00.000+0000\",\"P\":{\"Name\":\"y\"}},"
                          "{\"Id\":\"b\",\"N\":9,\"S\":\"Apple\",\"B\":false,"
                          "\"T\":\"2026-01-02T04:00:00+02:00\",\"P\":{\"Name\":\"x\"}},"
                          "{\"Id\":\"c\",\"N\":null,\"S\":\"cherry\",\"B\":null},"
                          "{\"Id\":\"d\",\"N\":100,\"S\":\"apple\",\"B\":true,"
                          "\"T\":\"2026-01-01T23:00:00Z\",\"P\":{\"Name\":\"z\"}}]";

Test(soql_order, numbers_sort_numerically_nulls_first_for_asc)
{
    char ids[64];
    sorted_ids("N", ROWS, ids, sizeof ids);
    cr_assert_str_eq(ids, "c,b,a,d");
    sorted_ids("N ASC NULLS LAST", ROWS, ids, sizeof ids);
    cr_assert_str_eq(ids, "b,a,d,c");
}

Test(soql_order, desc_puts_nulls_last_by_default)
{
    char ids[64];
    sorted_ids("N DESC", ROWS, ids, sizeof ids);
    cr_assert_str_eq(ids, "d,a,b,c");
    sorted_ids("N DESC NULLS FIRST", ROWS, ids, sizeof ids);
    cr_assert_str_eq(ids, "c,d,a,b");
}

Test(soql_order, strings_case_insensitive_with_tie_breaks)
{
    char ids[64];
    /* "Apple" and "apple" tie; the second key decides. */
    sorted_ids("S, N DESC", ROWS, ids, sizeof ids);
    cr_assert_str_eq(ids, "d,b,a,c");
    sorted_ids("S DESC, N", ROWS, ids, sizeof ids);
    cr_assert_str_eq(ids, "c,a,b,d");
}

Test(soql_order, datetimes_by_instant_booleans_and_parent_fields)
{
    char ids[64];
    /* b is 02:00Z, a 03:00Z, d the day before; c has none. */
    sorted_ids("T", ROWS, ids, sizeof ids);
    cr_assert_str_eq(ids, "c,d,b,a");
    sorted_ids("B, Id DESC", ROWS, ids, sizeof ids);
    cr_assert_str_eq(ids, "c,b,d,a");
    sorted_ids("P.Name DESC", ROWS, ids, sizeof ids);
    cr_assert_str_eq(ids, "d,a,b,c");
}

/* ---- Salesforce ids (sb_soql_mark_id) ---- */

/* Parses text and declares every referenced field named in ids (a
 * comma-separated list) an id field, as sf_query.c does from the schema. */
static sb_soql_query *parse_ids(const char *text, const char *ids)
{
    sb_soql_query *q = parse_ok(text);
    for (size_t i = 0; i < sb_soql_referenced_count(q); i++) {
        const char *f = sb_soql_referenced_field(q, i);
        char key[64];
        int n = snprintf(key, sizeof key, ",%s,", f);
        char list[256];
        int m = snprintf(list, sizeof list, ",%s,", ids);
        cr_assert(n > 0 && m > 0 && (size_t)n < sizeof key && (size_t)m < sizeof list);
        if (strcasestr(list, key) != NULL)
            cr_assert_eq(sb_soql_mark_id(q, i), 0);
    }
    return q;
}

static bool where_ids(const char *cond, const char *record_json)
{
    char text[2048];
    int n = snprintf(text, sizeof text, "SELECT Id FROM Lead WHERE %s", cond);
    cr_assert(n > 0 && (size_t)n < sizeof text);
    sb_soql_query *q = parse_ids(text, "Id,OwnerId");
    json_t *rec = json_loads(record_json, 0, NULL);
    cr_assert_not_null(rec);
    bool m = sb_soql_matches(q, rec, resolve, NULL, NOW_MS);
    json_decref(rec);
    sb_soql_free(q);
    return m;
}

/* 00Q00000000000d and 00Q00000000000D are two different records. */
#define ID_LOW  "00Q00000000000dEAA"
#define ID_UP   "00Q00000000000DEAQ"
#define ID_LOWE "00Q00000000000eEAA"
#define ID_UPE  "00Q00000000000EEAQ"

Test(soql_ids, order_by_id_is_binary)
{
    static const char rows[] = "[{\"Id\":\"" ID_LOWE "\"},{\"Id\":\"" ID_UP "\"},"
                               "{\"Id\":\"" ID_UPE "\"},{\"Id\":\"" ID_LOW "\"}]";
    sb_soql_query *q = parse_ids("SELECT Id FROM Lead ORDER BY Id", "Id");
    json_t *arr = json_loads(rows, 0, NULL);
    json_t *recs[4];
    for (size_t i = 0; i < 4; i++) {
        json_t *r = json_array_get(arr, i);
        size_t j = i;
        while (j > 0 && sb_soql_compare(q, recs[j - 1], r, resolve, NULL) > 0) {
            recs[j] = recs[j - 1];
            j--;
        }
        recs[j] = r;
    }
    static const char *const want[] = {ID_UP, ID_UPE, ID_LOW, ID_LOWE};
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(json_string_value(json_object_get(recs[i], "Id")), want[i]);
    json_decref(arr);
    sb_soql_free(q);
}

Test(soql_ids, comparisons_on_ids_are_binary_for_keyset_paging)
{
    static const char low[] = "{\"Id\":\"" ID_LOW "\"}", up_e[] = "{\"Id\":\"" ID_UPE "\"}";
    /* Binary: 'D' < 'E' < 'd' < 'e'. */
    cr_assert(where_ids("Id > '" ID_UP "'", up_e));
    cr_assert(where_ids("Id > '" ID_UPE "'", low), "lower case sorts after upper case");
    cr_assert_not(where_ids("Id < '" ID_UPE "'", low));
    cr_assert(where_ids("Id >= '" ID_LOW "'", low));
    cr_assert_not(where_ids("Id > '" ID_LOW "'", low));
    /* Without the mark, the same strings compare case-insensitively. */
    cr_assert_not(where("Id > '" ID_UPE "'", low));
}

Test(soql_ids, equality_takes_15_and_18_character_forms)
{
    static const char low[] = "{\"Id\":\"" ID_LOW "\",\"OwnerId\":\"" ID_UP "\"}";
    cr_assert(where_ids("Id = '" ID_LOW "'", low));
    cr_assert(where_ids("Id = '00Q00000000000d'", low), "a 15-character id");
    cr_assert_not(where_ids("Id = '00Q00000000000D'", low), "15 characters are case-sensitive");
    cr_assert(where_ids("Id = '00q00000000000DEAA'", low), "the suffix restores the case");
    cr_assert_not(where_ids("Id = '" ID_UP "'", low), "another record's id");
    cr_assert(where_ids("Id IN ('00Q00000000000D', '00Q00000000000d')", low));
    cr_assert_not(where_ids("Id IN ('00Q00000000000D', 'nonsense')", low));
    cr_assert(where_ids("Id NOT IN ('00Q00000000000D')", low));
    cr_assert_not(where_ids("Id != '00Q00000000000d'", low));
    cr_assert(where_ids("OwnerId = '00Q00000000000D'", low), "reference fields too");
    cr_assert_not(where_ids("Id = 'not-an-id'", low));
    cr_assert(where_ids("Id != 'not-an-id'", low));
}

Test(soql_ids, index_hints_carry_the_18_character_form)
{
    sb_soql_query *q =
        parse_ids("SELECT Id FROM Lead WHERE Id IN ('00Q00000000000d', '" ID_UP "')", "Id");
    cr_assert_eq(sb_soql_hint_count(q), 1);
    sb_soql_hint h;
    cr_assert(sb_soql_hint_get(q, 0, NOW_MS, &h));
    cr_assert_eq(h.nvals, 2);
    cr_assert_str_eq(h.vals[0], ID_LOW);
    cr_assert_str_eq(h.vals[1], ID_UP);
    sb_soql_free(q);
}
