/* Unit tests for the sandbox's SOQL parser (src/sandbox/soql.h): parsing of
 * every construct and the accessors, LIMIT/OFFSET, the input bounds, and a
 * table of malformed queries that must each give a clear MALFORMED_QUERY-style
 * error instead of a crash. Evaluation and ordering are in test_soql_eval.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "sandbox/soql.h"
#include "soql_fixture.h"

/* 2026-01-02T03:04:05Z: "now" for every evaluation. */
#define NOW_MS INT64_C(1767323045000)

/* ---- parsing and accessors ---- */

Test(soql_parse, select_list_from_and_accessors)
{
    sb_soql_query *q = parse_ok("SELECT Id, Name, Account.Name FROM Contact");
    cr_assert_str_eq(sb_soql_from(q), "Contact");
    cr_assert_not(sb_soql_is_count(q));
    cr_assert_eq(sb_soql_select_count(q), 3);
    cr_assert_str_eq(sb_soql_select_field(q, 0), "Id");
    cr_assert_str_eq(sb_soql_select_field(q, 2), "Account.Name");
    cr_assert_null(sb_soql_select_field(q, 3));
    cr_assert_eq(sb_soql_limit(q), -1);
    cr_assert_eq(sb_soql_offset(q), -1);
    cr_assert_not(sb_soql_has_order(q));
    json_t *rec = json_object();
    cr_assert(sb_soql_matches(q, rec, resolve, NULL, NOW_MS), "no WHERE matches everything");
    cr_assert_eq(sb_soql_compare(q, rec, rec, resolve, NULL), 0);
    json_decref(rec);
    sb_soql_free(q);
}

Test(soql_parse, keywords_are_case_insensitive_and_names_keep_their_case)
{
    sb_soql_query *q = parse_ok("select id from lead where NAME like 'a%' and not email = null "
                                "order by name desc nulls first limit 5 offset 10");
    cr_assert_str_eq(sb_soql_from(q), "lead");
    cr_assert_str_eq(sb_soql_select_field(q, 0), "id");
    cr_assert_eq(sb_soql_limit(q), 5);
    cr_assert_eq(sb_soql_offset(q), 10);
    cr_assert(sb_soql_has_order(q));
    sb_soql_free(q);
}

Test(soql_parse, count_query)
{
    sb_soql_query *q = parse_ok("SELECT COUNT() FROM Lead WHERE IsConverted = false");
    cr_assert(sb_soql_is_count(q));
    cr_assert_eq(sb_soql_select_count(q), 0);
    cr_assert_eq(sb_soql_referenced_count(q), 1);
    cr_assert_str_eq(sb_soql_referenced_field(q, 0), "IsConverted");
    sb_soql_free(q);
}

Test(soql_parse, referenced_fields_cover_every_clause_deduplicated_case_insensitively)
{
    sb_soql_query *q =
        parse_ok("SELECT Id, Name, Account.Name FROM Contact WHERE name = 'x' AND "
                 "(Email LIKE '%@x.com' OR account.NAME IN ('a')) AND NOT Owner.Email != null "
                 "ORDER BY LastName, EMAIL DESC");
    const char *want[] = {"Id", "Name", "Account.Name", "Email", "Owner.Email", "LastName"};
    cr_assert_eq(sb_soql_referenced_count(q), 6);
    for (size_t i = 0; i < 6; i++)
        cr_assert_str_eq(sb_soql_referenced_field(q, i), want[i], "ref %zu", i);
    cr_assert_null(sb_soql_referenced_field(q, 6));
    sb_soql_free(q);
}

Test(soql_parse, whitespace_and_newlines_between_tokens)
{
    sb_soql_query *q = parse_ok("\n  SELECT\tId ,Name\r\nFROM   Lead\nWHERE(Name='a')LIMIT\n1");
    cr_assert_eq(sb_soql_select_count(q), 2);
    cr_assert_eq(sb_soql_limit(q), 1);
    sb_soql_free(q);
}

Test(soql_parse, every_literal_form_parses)
{
    const char *conds[] = {
        "x = 'str'",
        "x = 42",
        "x = -42",
        "x = +7",
        "x = 3.25",
        "x = -0.5",
        "x = TRUE",
        "x = false",
        "x = NULL",
        "x != null",
        "x <> 1",
        "x = 2026-01-02",
        "x = 2026-01-02T03:04:05Z",
        "x = 2026-01-02T03:04:05.000+0000",
        "x = 2026-01-02T03:04:05+01:00",
        "x = 2026-01-02T03:04:05-08:00",
        "x = TODAY",
        "x = yesterday",
        "x = TOMORROW",
        "x = LAST_N_DAYS:30",
        "x = NEXT_N_DAYS:0",
        "x = N_DAYS_AGO:3",
        "x IN ('a', 1, TRUE, NULL, 2026-01-02, TODAY)",
        "x NOT IN ('a')",
        "x LIKE 'a\\%b\\_c%'",
        "x = 'esc \\' \\\\ \\n \\t \\\" \\r \\b \\f \\u00e9'",
        "NOT NOT x = 1",
        "((((x = 1))))",
    };
    for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
        char text[256];
        int n = snprintf(text, sizeof text, "SELECT Id FROM Lead WHERE %s", conds[i]);
        cr_assert(n > 0 && (size_t)n < sizeof text);
        sb_soql_free(parse_ok(text));
    }
}

Test(soql_parse, and_or_need_parentheses_to_mix)
{
    sb_soql_query *q = NULL;
    cs_err err = {0};
    cr_assert_eq(sb_soql_parse("SELECT Id FROM Lead WHERE a = 1 AND b = 2 OR c = 3", &q, &err), -1);
    cr_assert_null(q);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cr_assert(strstr(err.message, "unexpected token: 'OR'") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "Row:1:Column:43") != NULL, "%s", err.message);
    cr_assert_eq(sb_soql_parse("SELECT Id FROM Lead WHERE a = 1 OR b = 2 AND c = 3", &q, &err), -1);
    cr_assert(strstr(err.message, "unexpected token: 'AND'") != NULL, "%s", err.message);
    sb_soql_free(parse_ok("SELECT Id FROM Lead WHERE (a = 1 AND b = 2) OR c = 3"));
    sb_soql_free(parse_ok("SELECT Id FROM Lead WHERE a = 1 AND (b = 2 OR c = 3) AND d = 4"));
    sb_soql_free(parse_ok("SELECT Id FROM Lead WHERE a = 1 OR b = 2 OR c = 3"));
}

/* ---- LIMIT / OFFSET and bounds ---- */

Test(soql_parse, limit_and_offset)
{
    sb_soql_query *q = parse_ok("SELECT Id FROM Lead LIMIT 0");
    cr_assert_eq(sb_soql_limit(q), 0);
    cr_assert_eq(sb_soql_offset(q), -1);
    sb_soql_free(q);
    q = parse_ok("SELECT Id FROM Lead OFFSET 2000");
    cr_assert_eq(sb_soql_limit(q), -1);
    cr_assert_eq(sb_soql_offset(q), 2000);
    sb_soql_free(q);
    q = parse_ok("SELECT Id FROM Lead LIMIT 2147483647");
    cr_assert_eq(sb_soql_limit(q), 2147483647L);
    sb_soql_free(q);
}

static void expect_error(const char *text, const char *fragment)
{
    sb_soql_query *q = NULL;
    cs_err err = {0};
    int rc = sb_soql_parse(text, &q, &err);
    cr_assert_eq(rc, -1, "<%.80s> should fail", text);
    cr_assert_null(q, "*out must stay untouched on failure");
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cr_assert(strstr(err.message, fragment) != NULL, "<%.80s>: want '%s' in: %s", text, fragment,
              err.message);
    json_t *s = json_string(err.message);
    cr_assert_not_null(s, "error message must be valid UTF-8: %s", err.message);
    json_decref(s);
}

/* head + n copies of unit + tail; caller frees. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    cs_buf b;
    cs_buf_init(&b, (size_t)1 << 24);
    cr_assert_eq(cs_buf_append_str(&b, head), 0);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(cs_buf_append_str(&b, unit), 0);
    cr_assert_eq(cs_buf_append_str(&b, tail), 0);
    return cs_buf_take(&b);
}

Test(soql_bounds, text_length)
{
    /* Padded with blanks: one string in WHERE may not exceed 4,000 characters
     * (test_soql_types.c). */
    char *ok = repeat("SELECT Id FROM Lead WHERE Name = 'a'", " ", 100000 - 36, "");
    cr_assert_eq(strlen(ok), 100000);
    sb_soql_free(parse_ok(ok));
    free(ok);
    char *big = repeat("SELECT Id FROM Lead WHERE Name = 'a'", " ", 100000 - 35, "");
    expect_error(big, "longer than 100000 characters");
    free(big);
}

Test(soql_bounds, nesting_depth)
{
    char *ok = repeat("SELECT Id FROM Lead WHERE ", "(", 63, "x = 1");
    char *okfull = repeat(ok, ")", 63, "");
    sb_soql_free(parse_ok(okfull));
    char *deep = repeat("SELECT Id FROM Lead WHERE ", "(", 64, "x = 1");
    expect_error(deep, "nested too deeply");
    char *nots = repeat("SELECT Id FROM Lead WHERE ", "NOT ", 100, "x = 1");
    expect_error(nots, "nested too deeply");
    char *huge = repeat("SELECT Id FROM Lead WHERE ", "(", 90000, "");
    expect_error(huge, "nested too deeply");
    free(ok);
    free(okfull);
    free(deep);
    free(nots);
    free(huge);
}

Test(soql_bounds, in_list_size)
{
    char *ok = repeat("SELECT Id FROM Lead WHERE x IN (0", ",1", 9999, ")");
    sb_soql_query *q = parse_ok(ok);
    json_t *rec = json_pack("{s:i}", "x", 1);
    cr_assert(sb_soql_matches(q, rec, resolve, NULL, NOW_MS));
    json_decref(rec);
    sb_soql_free(q);
    char *big = repeat("SELECT Id FROM Lead WHERE x IN (0", ",1", 10000, ")");
    expect_error(big, "too many values in IN list");
    free(ok);
    free(big);
}

Test(soql_bounds, select_list_size)
{
    cs_buf b;
    cs_buf_init(&b, 65536);
    cr_assert_eq(cs_buf_append_str(&b, "SELECT F0"), 0);
    for (int i = 1; i < 500; i++)
        cr_assert_eq(cs_buf_appendf(&b, ", F%d", i), 0);
    size_t list_len = b.len;
    cr_assert_eq(cs_buf_append_str(&b, " FROM Lead"), 0);
    sb_soql_query *q = parse_ok(cs_buf_str(&b));
    cr_assert_eq(sb_soql_select_count(q), 500);
    cr_assert_eq(sb_soql_referenced_count(q), 500);
    cr_assert_str_eq(sb_soql_select_field(q, 499), "F499");
    sb_soql_free(q);
    b.len = list_len;
    cr_assert_eq(cs_buf_append_str(&b, ", F500 FROM Lead"), 0);
    expect_error(cs_buf_str(&b), "too many fields in SELECT");
    cs_buf_free(&b);
}

Test(soql_bounds, many_conditions_and_distinct_fields)
{
    /* 5,000 distinct fields in one WHERE: referenced fields stay deduplicated. */
    cs_buf b;
    cs_buf_init(&b, 100000);
    cr_assert_eq(cs_buf_append_str(&b, "SELECT Id FROM Lead WHERE f0 = 1"), 0);
    for (int i = 1; i < 5000; i++)
        cr_assert_eq(cs_buf_appendf(&b, " OR F%d = %d", i % 2500, i), 0);
    sb_soql_query *q = parse_ok(cs_buf_str(&b));
    cr_assert_eq(sb_soql_referenced_count(q), 2501); /* Id + f0..f2499 */
    cr_assert_str_eq(sb_soql_referenced_field(q, 1), "f0");
    json_t *rec = json_pack("{s:i}", "F2499", 4999);
    cr_assert(sb_soql_matches(q, rec, resolve, NULL, NOW_MS));
    json_decref(rec);
    sb_soql_free(q);
    cs_buf_free(&b);
}

/* ---- malformed queries ---- */

Test(soql_errors, malformed_queries_give_clear_errors)
{
    static const struct {
        const char *text;
        const char *fragment;
    } cases[] = {
        {"", "unexpected end of query"},
        {"   ", "unexpected end of query"},
        {"SELEC Id FROM Lead", "unexpected token: 'SELEC'"},
        {"SELECT Id FORM Account", "unexpected token: 'FORM'"},
        {"SELECT Id FORM Account", "ERROR at Row:1:Column:11"},
        {"SELECT Id\nFROM Lead\nWHERE Name = = 'x'", "ERROR at Row:3:Column:14"},
        {"SELECT Id FROM", "unexpected end of query"},
        {"SELECT FROM Lead", "unexpected token: 'FROM'"},
        {"SELECT Id, FROM Lead", "unexpected token: 'FROM'"},
        {"SELECT Id Name FROM Lead", "unexpected token: 'Name'"},
        {"SELECT Id FROM Lead WHERE", "unexpected end of query"},
        {"SELECT Id FROM Lead WHERE Name", "unexpected end of query"},
        {"SELECT Id FROM Lead WHERE Name =", "unexpected end of query"},
        {"SELECT Id FROM Lead WHERE Name = Email", "unexpected token: 'Email'"},
        {"SELECT Id FROM Lead WHERE (Name = 'x'", "expecting a right parentheses, found end"},
        {"SELECT Id FROM Lead WHERE (Name = 'x' LIMIT 5", "expecting a right parentheses, "
                                                          "found 'LIMIT'"},
        {"SELECT Id FROM Lead WHERE x IN ('a' 'b')", "expecting a right parentheses, found "
                                                     "''b''"},
        {"SELECT Id FROM Lead WHERE x IN ()", "unexpected token: ')'"},
        {"SELECT Id FROM Lead WHERE x IN 'a'", "unexpected token: ''a''"},
        {"SELECT Id FROM Lead WHERE x NOT LIKE 'a'", "unexpected token: 'LIKE'"},
        {"SELECT Id FROM Lead WHERE Name = 'abc", "unterminated string literal"},
        {"SELECT Id FROM Lead WHERE Name = 'a\\q'", "Illegal character sequence '\\q'"},
        {"SELECT Id FROM Lead WHERE Name = 'a\\u12'", "Illegal character sequence '\\u'"},
        {"SELECT Id FROM Lead WHERE Name = 'a\\u0000'", "Illegal character sequence"},
        {"SELECT Id FROM Lead WHERE Name = 'a\\", "unterminated string literal"},
        {"SELECT Id FROM Lead WHERE x LIKE 5", "LIKE needs a quoted string pattern"},
        {"SELECT Id FROM Lead WHERE x < NULL", "NULL can only be compared with = or !="},
        {"SELECT Id FROM Lead WHERE x LIKE NULL", "LIKE needs a quoted string pattern"},
        {"SELECT Id FROM Lead WHERE x = :name", "Bind variables only allowed in Apex code"},
        {"SELECT Id FROM Lead WHERE x = 2026-13-01", "invalid date or datetime literal"},
        {"SELECT Id FROM Lead WHERE x = 2026-02-29", "invalid date or datetime literal"},
        {"SELECT Id FROM Lead WHERE x = 2026-01-02T03:04:05", "invalid date or datetime"},
        {"SELECT Id FROM Lead WHERE x = 2026-01-02T25:04:05Z", "invalid date or datetime"},
        {"SELECT Id FROM Lead WHERE x = 2026-01-02T03:04Z", "invalid date or datetime"},
        {"SELECT Id FROM Lead WHERE x = LAST_N_DAYS", "unexpected end of query"},
        {"SELECT Id FROM Lead WHERE x = LAST_N_DAYS:-1", "LAST_N_DAYS needs a whole number"},
        {"SELECT Id FROM Lead WHERE x = LAST_N_DAYS:1.5", "LAST_N_DAYS needs a whole number"},
        {"SELECT Id FROM Lead WHERE x = THIS_QUARTER", "date literal 'THIS_QUARTER' is not "
                                                       "supported"},
        {"SELECT Id FROM Lead WHERE x = 1e999", "unexpected token: 'e999'"},
        {"SELECT Id FROM Lead WHERE x & 1", "no viable alternative at character '&'"},
        {"SELECT Id FROM Lead WHERE x = 1 AND", "unexpected end of query"},
        {"SELECT Id FROM Lead WHERE NOT", "unexpected end of query"},
        {"SELECT Id FROM Lead WHERE Id IN (SELECT LeadId FROM CampaignMember)", "semi-join"},
        {"SELECT Id FROM Lead LIMIT -1", "LIMIT must be a non-negative integer"},
        {"SELECT Id FROM Lead LIMIT 1.5", "LIMIT must be a non-negative integer"},
        {"SELECT Id FROM Lead LIMIT abc", "LIMIT must be a non-negative integer, found 'abc'"},
        {"SELECT Id FROM Lead LIMIT 2147483648", "LIMIT must be at most 2147483647"},
        {"SELECT Id FROM Lead LIMIT", "unexpected end of query"},
        {"SELECT Id FROM Lead OFFSET -5", "OFFSET must be a non-negative integer"},
        {"SELECT Id FROM Lead OFFSET 1 LIMIT 1", "unexpected token: 'LIMIT'"},
        {"SELECT Id FROM Lead LIMIT 1 WHERE x = 1", "unexpected token: 'WHERE'"},
        {"SELECT Id FROM Lead ORDER Name", "unexpected token: 'Name'"},
        {"SELECT Id FROM Lead ORDER BY", "unexpected end of query"},
        {"SELECT Id FROM Lead ORDER BY Name NULLS", "unexpected end of query"},
        {"SELECT Id FROM Lead ORDER BY Name NULLS MIDDLE", "unexpected token: 'MIDDLE'"},
        {"SELECT Id FROM Lead ORDER BY Name ASC DESC", "unexpected token: 'DESC'"},
        {"SELECT Id FROM Lead GROUP BY Name", "GROUP is not supported by the sandbox"},
        {"SELECT Id FROM Lead WITH SECURITY_ENFORCED", "WITH is not supported"},
        {"SELECT Id FROM Lead FOR UPDATE", "FOR is not supported"},
        {"SELECT Id FROM Lead l", "unexpected token: 'l'"},
        {"SELECT Id FROM Lead.Name", "unexpected token: 'Lead.Name'"},
        {"SELECT Id FROM WHERE", "unexpected token: 'WHERE'"},
        {"SELECT Account.Owner.Name FROM Contact", "relationship path 'Account.Owner.Name' is "
                                                   "too deep"},
        {"SELECT Id FROM Contact WHERE Account.Owner.Email = 'x'", "too deep"},
        {"SELECT Id FROM Contact ORDER BY A.B.C", "too deep"},
        {"SELECT Id, id FROM Lead", "duplicate field selected: id"},
        {"SELECT COUNT(Id) FROM Lead", "aggregate functions other than COUNT()"},
        {"SELECT COUNT(), Id FROM Lead", "COUNT() cannot be combined"},
        {"SELECT Id, COUNT() FROM Lead", "COUNT() cannot be combined"},
        {"SELECT toLabel(Status) FROM Lead", "functions such as toLabel() are not supported"},
        {"SELECT Id, (SELECT Id FROM Contacts) FROM Account", "child relationship subqueries"},
        {"SELECT Id FROM Lead WHERE Name = 'x' \xff", "no viable alternative at character '?'"},
        {"SELECT Id FROM Lead WHERE N\xc3\xa4me = 1", "no viable alternative at character "
                                                      "'\xc3\xa4'"},
        {"SELECT Id FROM Lead WHERE x = 1 ;", "no viable alternative at character ';'"},
        {"SELECT Id FROM Lead WHERE x = 'a' AND y = 2 OR z = 3", "unexpected token: 'OR'"},
        {"SELECT Id FROM Lead.", "no viable alternative at character '.'"},
        {"SELECT Id FROM Lead WHERE x = .5", "no viable alternative at character '.'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(cases[i].text, cases[i].fragment);
}

Test(soql_errors, numbers_out_of_double_range)
{
    char *huge = repeat("SELECT Id FROM Lead WHERE x = 9", "9", 400, "");
    expect_error(huge, "number out of range");
    free(huge);
    char *big = repeat("SELECT Id FROM Lead WHERE x = 9", "9", 300, "");
    sb_soql_free(parse_ok(big));
    free(big);
}

Test(soql_errors, message_has_salesforce_layout)
{
    sb_soql_query *q = NULL;
    cs_err err = {0};
    cr_assert_eq(sb_soql_parse("SELECT Id FORM Account", &q, &err), -1);
    cr_assert_str_eq(err.message, "\nSELECT Id FORM Account\n          ^\n"
                                  "ERROR at Row:1:Column:11\nunexpected token: 'FORM'");
}

Test(soql_errors, long_lines_are_excerpted_and_tokens_truncated)
{
    char *text = repeat("SELECT Id FROM Lead WHERE Name = 'x' AND ", "a", 5000, "");
    sb_soql_query *q = NULL;
    cs_err err = {0};
    cr_assert_eq(sb_soql_parse(text, &q, &err), -1);
    cr_assert(strstr(err.message, "unexpected end of query") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "Column:5042") != NULL, "%s", err.message);
    cr_assert(strlen(err.message) < 300, "excerpt bounded: %zu", strlen(err.message));
    free(text);
    text = repeat("SELECT Id FROM Lead ", "b", 5000, "");
    cr_assert_eq(sb_soql_parse(text, &q, &err), -1);
    cr_assert(strstr(err.message, "...'") != NULL, "long token is truncated: %s", err.message);
    free(text);
}

Test(soql_errors, null_text_is_refused)
{
    sb_soql_query *q = NULL;
    cs_err err = {0};
    cr_assert_eq(sb_soql_parse(NULL, &q, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cr_assert_null(q);
    sb_soql_free(NULL);
}
