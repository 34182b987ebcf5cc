/* Unit tests for the SOQL compile-time checks (sb_soql_check): literal types
 * against every field type, the operators each type allows, NULL, TODAY-style
 * literals, IN lists element by element, ids of 15 and 18 characters, the
 * filterable and sortable flags, Salesforce's numeric limits (OFFSET 2,000,
 * 4,000 characters per WHERE string) and the positioned error layout
 * ("ERROR at Row:r:Column:c") of every compile error, multi-line queries and
 * multi-byte text included. The field table stands in for an object's
 * schema; sf_query.c resolves the same types from sf_schema.h. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "sandbox/sf_ids.h"
#include "sandbox/sf_int.h"
#include "sandbox/soql.h"
#include "soql_fixture.h"

typedef struct tfield {
    const char *name;
    sb_soql_ftype type;
    bool filterable;
    bool sortable;
} tfield;

static const tfield fields[] = {
    {"Id", SB_SOQL_F_ID, true, true},
    {"OwnerId", SB_SOQL_F_REFERENCE, true, true},
    {"LastName", SB_SOQL_F_STRING, true, true},
    {"Street", SB_SOQL_F_TEXTAREA, true, true},
    {"Description", SB_SOQL_F_TEXTAREA, false, false},
    {"Email", SB_SOQL_F_EMAIL, true, true},
    {"Phone", SB_SOQL_F_PHONE, true, true},
    {"Website", SB_SOQL_F_URL, true, true},
    {"Status", SB_SOQL_F_PICKLIST, true, true},
    {"Tags__c", SB_SOQL_F_MULTIPICKLIST, true, false},
    {"IsConverted", SB_SOQL_F_BOOLEAN, true, true},
    {"NumberOfEmployees", SB_SOQL_F_INT, true, true},
    {"Score__c", SB_SOQL_F_DOUBLE, true, true},
    {"AnnualRevenue", SB_SOQL_F_CURRENCY, true, true},
    {"Probability", SB_SOQL_F_PERCENT, true, true},
    {"ConvertedDate", SB_SOQL_F_DATE, true, true},
    {"CreatedDate", SB_SOQL_F_DATETIME, true, true},
    {"Opens__c", SB_SOQL_F_TIME, true, true},
    {"Address", SB_SOQL_F_ADDRESS, false, false},
    {"Owner.Email", SB_SOQL_F_EMAIL, true, true},
};

static bool types(void *user, size_t i, const char *path, sb_soql_finfo *out)
{
    (void)user;
    (void)i;
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
        if (strcasecmp(fields[k].name, path) != 0)
            continue;
        const char *dot = strchr(fields[k].name, '.');
        *out = (sb_soql_finfo){fields[k].type, dot ? dot + 1 : fields[k].name, fields[k].filterable,
                               fields[k].sortable};
        return true;
    }
    return false;
}

/* Parses and checks text; returns the error code (NULL when accepted) and
 * leaves the message in err. */
static const char *check(const char *text, cs_err *err)
{
    sb_soql_query *q = parse_ok(text);
    const char *code = NULL;
    int rc = sb_soql_check(q, types, NULL, &code, err);
    sb_soql_free(q);
    cr_assert_eq(rc == 0, code == NULL, "<%s>: rc %d with code %s", text, rc, code ? code : "-");
    return code;
}

static void accepted(const char *cond)
{
    char text[1024];
    snprintf(text, sizeof text, "SELECT Id FROM Lead WHERE %s", cond);
    cs_err err = {0};
    const char *code = check(text, &err);
    cr_assert_null(code, "<%s> refused: %s %s", cond, code, err.message);
}

static void refused(const char *cond, const char *want_code, const char *want_detail)
{
    char text[1024];
    snprintf(text, sizeof text, "SELECT Id FROM Lead WHERE %s", cond);
    cs_err err = {0};
    const char *code = check(text, &err);
    cr_assert_not_null(code, "<%s> accepted", cond);
    cr_assert_str_eq(code, want_code, "<%s>: %s", cond, err.message);
    const char *last = strrchr(err.message, '\n');
    cr_assert_not_null(last, "<%s>: no layout in %s", cond, err.message);
    cr_assert_str_eq(last + 1, want_detail, "<%s>", cond);
    /* Every condition error points at the condition's field: column 27. */
    cr_assert(strstr(err.message, "\nERROR at Row:1:Column:27\n") != NULL, "<%s>: %s", cond,
              err.message);
}

static const char *const FOP = "INVALID_QUERY_FILTER_OPERATOR";

/* ---- literal types, one field type at a time ---- */

Test(soql_types, text_fields_take_quoted_strings)
{
    const char *text[] = {"LastName", "Street", "Email", "Phone", "Website", "Status"};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        char c[256];
        snprintf(c, sizeof c, "%s = 'a'", text[i]);
        accepted(c);
        snprintf(c, sizeof c, "%s LIKE 'a%%'", text[i]);
        accepted(c);
        snprintf(c, sizeof c, "%s > 'a'", text[i]);
        accepted(c);
        snprintf(c, sizeof c, "%s IN ('a', 'b', NULL)", text[i]);
        accepted(c);
        snprintf(c, sizeof c, "%s != NULL", text[i]);
        accepted(c);
        const char *bad[] = {"5",     "5.5",          "TRUE", "2026-01-02", "2026-01-02T00:00:00Z",
                             "TODAY", "LAST_N_DAYS:3"};
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            char want[256];
            snprintf(c, sizeof c, "%s = %s", text[i], bad[b]);
            snprintf(want, sizeof want,
                     "value of filter criterion for field '%s' must be of type string and "
                     "should be enclosed in quotes",
                     text[i]);
            refused(c, FOP, want);
        }
    }
}

Test(soql_types, booleans)
{
    accepted("IsConverted = TRUE");
    accepted("IsConverted != false");
    accepted("IsConverted IN (TRUE, FALSE)");
    accepted("IsConverted = NULL");
    const char *want = "value of filter criterion for field 'IsConverted' must be of type "
                       "boolean and should not be enclosed in quotes";
    refused("IsConverted = 'true'", FOP, want);
    refused("IsConverted = 1", FOP, want);
    refused("IsConverted IN (TRUE, 'false')", FOP, want);
    refused("IsConverted > FALSE", FOP, "invalid operator on boolean field");
    refused("IsConverted <= TRUE", FOP, "invalid operator on boolean field");
    refused("IsConverted LIKE 't%'", FOP, "invalid operator on boolean field");
}

Test(soql_types, numbers)
{
    accepted("NumberOfEmployees = 5");
    accepted("NumberOfEmployees >= -5");
    accepted("NumberOfEmployees IN (1, 2, NULL)");
    refused("NumberOfEmployees = 5.5", FOP,
            "value of filter criterion for field 'NumberOfEmployees' must be of type integer and "
            "should not be enclosed in quotes");
    refused("NumberOfEmployees = '5'", FOP,
            "value of filter criterion for field 'NumberOfEmployees' must be of type integer and "
            "should not be enclosed in quotes");
    refused("NumberOfEmployees LIKE '5%'", FOP, "invalid operator on int field");
    const char *dbl[] = {"Score__c", "AnnualRevenue", "Probability"};
    const char *names[] = {"double", "currency", "percent"};
    for (size_t i = 0; i < 3; i++) {
        char c[256], want[256];
        snprintf(c, sizeof c, "%s > 1.25", dbl[i]);
        accepted(c);
        snprintf(c, sizeof c, "%s < 3", dbl[i]);
        accepted(c);
        snprintf(c, sizeof c, "%s NOT IN (1, 2.5)", dbl[i]);
        accepted(c);
        snprintf(want, sizeof want,
                 "value of filter criterion for field '%s' must be of type double and should not "
                 "be enclosed in quotes",
                 dbl[i]);
        snprintf(c, sizeof c, "%s = '1.5'", dbl[i]);
        refused(c, FOP, want);
        snprintf(c, sizeof c, "%s = TODAY", dbl[i]);
        refused(c, FOP, want);
        snprintf(c, sizeof c, "%s IN (1, FALSE)", dbl[i]);
        refused(c, FOP, want);
        snprintf(c, sizeof c, "%s LIKE '1%%'", dbl[i]);
        snprintf(want, sizeof want, "invalid operator on %s field", names[i]);
        refused(c, FOP, want);
    }
}

Test(soql_types, dates_and_datetimes)
{
    accepted("ConvertedDate = 2026-01-02");
    accepted("ConvertedDate > TODAY");
    accepted("ConvertedDate = LAST_N_DAYS:30");
    accepted("ConvertedDate IN (2026-01-02, YESTERDAY, NULL)");
    accepted("CreatedDate > 2026-01-02T03:04:05Z");
    accepted("CreatedDate >= 2026-01-02T03:04:05.000+0000");
    accepted("CreatedDate = N_DAYS_AGO:2");
    accepted("CreatedDate = NULL");
    const char *want_dt = "value of filter criterion for field 'CreatedDate' must be of type "
                          "dateTime and should not be enclosed in quotes";
    refused("CreatedDate > '2026-01-02T03:04:05Z'", FOP, want_dt);
    /* A date literal against a datetime field is an error, as in Salesforce. */
    refused("CreatedDate > 2026-01-02", FOP, want_dt);
    refused("CreatedDate IN (2026-01-02T03:04:05Z, 2026-01-03)", FOP, want_dt);
    refused("CreatedDate = 1767323045000", FOP, want_dt);
    const char *want_d = "value of filter criterion for field 'ConvertedDate' must be of type "
                         "date and should not be enclosed in quotes";
    refused("ConvertedDate = 2026-01-02T03:04:05Z", FOP, want_d);
    refused("ConvertedDate = '2026-01-02'", FOP, want_d);
    refused("ConvertedDate LIKE '2026%'", FOP, "invalid operator on date field");
    refused("CreatedDate LIKE '2026%'", FOP, "invalid operator on datetime field");
    /* No time literal exists in the sandbox's SOQL: only NULL fits. */
    accepted("Opens__c = NULL");
    refused("Opens__c = '10:00:00.000Z'", FOP,
            "value of filter criterion for field 'Opens__c' must be of type time and should not "
            "be enclosed in quotes");
}

Test(soql_types, multipicklists)
{
    accepted("Tags__c = 'a;b'");
    accepted("Tags__c IN ('a', 'b')");
    accepted("Tags__c != NULL");
    refused("Tags__c LIKE 'a%'", FOP, "invalid operator on multipicklist field");
    refused("Tags__c < 'b'", FOP, "invalid operator on multipicklist field");
    refused("Tags__c = 1", FOP,
            "value of filter criterion for field 'Tags__c' must be of type string and should be "
            "enclosed in quotes");
}

Test(soql_types, ids_in_15_or_18_characters)
{
    char id[SF_ID_LEN + 1], c[256];
    cr_assert_eq(sf_id_make("00Q", 77, id), 0);
    snprintf(c, sizeof c, "Id = '%s'", id);
    accepted(c);
    snprintf(c, sizeof c, "Id IN ('%.15s', '%s')", id, id);
    accepted(c);
    snprintf(c, sizeof c, "Id > '%s'", id);
    accepted(c);
    snprintf(c, sizeof c, "OwnerId != '%.15s'", id);
    accepted(c);
    accepted("OwnerId = ''"); /* read as NULL */
    refused("Id = 'foo'", FOP, "invalid ID field: foo");
    refused("OwnerId = '00Q00000000000'", FOP, "invalid ID field: 00Q00000000000");
    snprintf(c, sizeof c, "Id IN ('%s', 'nope')", id);
    refused(c, FOP, "invalid ID field: nope");
    refused("Id > ''", FOP, "invalid ID field: ");
    refused("Id = 5", FOP,
            "value of filter criterion for field 'Id' must be of type id and should be enclosed "
            "in quotes");
    refused("OwnerId = TRUE", FOP,
            "value of filter criterion for field 'OwnerId' must be of type id and should be "
            "enclosed in quotes");
    refused("Id LIKE '00Q%'", FOP, "invalid operator on id field");
    refused("OwnerId LIKE '005%'", FOP, "invalid operator on id field");
}

Test(soql_types, checked_ids_match_and_empty_means_null)
{
    char id[SF_ID_LEN + 1], text[256];
    cr_assert_eq(sf_id_make("005", 9, id), 0);
    snprintf(text, sizeof text, "SELECT Id FROM Lead WHERE OwnerId = '%.15s'", id);
    sb_soql_query *q = parse_ok(text);
    cs_err err;
    cr_assert_eq(sb_soql_check(q, types, NULL, NULL, &err), 0, "%s", err.message);
    char rec[256];
    snprintf(rec, sizeof rec, "{\"OwnerId\":\"%s\"}", id);
    json_t *r = json_loads(rec, 0, NULL), *none = json_loads("{\"OwnerId\":null}", 0, NULL);
    cr_assert(sb_soql_matches(q, r, resolve, NULL, 0));
    cr_assert_not(sb_soql_matches(q, none, resolve, NULL, 0));
    sb_soql_free(q);
    q = parse_ok("SELECT Id FROM Lead WHERE OwnerId = ''");
    cr_assert_eq(sb_soql_check(q, types, NULL, NULL, &err), 0, "%s", err.message);
    cr_assert(sb_soql_matches(q, none, resolve, NULL, 0));
    cr_assert_not(sb_soql_matches(q, r, resolve, NULL, 0));
    sb_soql_free(q);
    json_decref(r);
    json_decref(none);
}

Test(soql_types, null_fits_every_type)
{
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
        if (!fields[k].filterable)
            continue;
        char c[256];
        snprintf(c, sizeof c, "%s = NULL AND %s != NULL", fields[k].name, fields[k].name);
        accepted(c);
    }
}

/* ---- filterable, sortable, unknown fields ---- */

Test(soql_types, filterable_and_sortable)
{
    refused("Description = 'x'", "INVALID_FIELD",
            "field 'Description' can not be filtered in a query call");
    refused("Address = NULL", "INVALID_FIELD",
            "field 'Address' can not be filtered in a query call");
    cs_err err;
    const char *code = check("SELECT Id FROM Lead ORDER BY LastName, Tags__c", &err);
    cr_assert_str_eq(code, "INVALID_FIELD");
    cr_assert(strstr(err.message, "ERROR at Row:1:Column:40\nfield 'Tags__c' can not be sorted "
                                  "in a query call") != NULL,
              "%s", err.message);
    /* Selecting them is fine. */
    cr_assert_null(check("SELECT Description, Tags__c, Address FROM Lead", &err));
}

Test(soql_types, unknown_field_points_at_first_use)
{
    cs_err err;
    const char *code =
        check("SELECT Id, LastName FROM Lead WHERE Nope__c = 1 OR NOPE__C = 2", &err);
    cr_assert_str_eq(code, "INVALID_FIELD");
    cr_assert_str_eq(err.message,
                     "\nSELECT Id, LastName FROM Lead WHERE Nope__c = 1 OR NOPE__C = 2\n"
                     "                                    ^\n"
                     "ERROR at Row:1:Column:37\n"
                     "No such column 'Nope__c' on entity 'Lead'. If you are attempting to use a "
                     "custom field, be sure to append the '__c' after the custom field name. "
                     "Please reference your WSDL or the describe call for the appropriate names.");
}

/* ---- the error layout ---- */

Test(soql_layout, whole_message)
{
    cs_err err;
    const char *code =
        check("SELECT Id FROM Lead WHERE CreatedDate > '2026-01-01T00:00:00Z'", &err);
    cr_assert_str_eq(code, "INVALID_QUERY_FILTER_OPERATOR");
    cr_assert_str_eq(err.message,
                     "\nSELECT Id FROM Lead WHERE CreatedDate > '2026-01-01T00:00:00Z'\n"
                     "                          ^\n"
                     "ERROR at Row:1:Column:27\n"
                     "value of filter criterion for field 'CreatedDate' must be of type dateTime "
                     "and should not be enclosed in quotes");
}

Test(soql_layout, multi_line_and_multi_byte)
{
    cs_err err;
    const char *code =
        check("SELECT Id\nFROM Lead\nWHERE LastName = 'Müller' AND\n  Id = 'x'", &err);
    cr_assert_str_eq(code, "INVALID_QUERY_FILTER_OPERATOR");
    /* Row 4, column 3: counted from the start of its line. */
    cr_assert_str_eq(err.message,
                     "\n  Id = 'x'\n  ^\nERROR at Row:4:Column:3\ninvalid ID field: x");
    /* Columns count characters, not bytes ("ü" is two bytes). */
    code = check("SELECT Id FROM Lead WHERE LastName = 'Müller' AND Id = 'x'", &err);
    cr_assert(strstr(err.message, "ERROR at Row:1:Column:51\n") != NULL, "%s", err.message);
    /* Nested conditions: the first failure in the text is reported. */
    code = check("SELECT Id FROM Lead WHERE (LastName = 'a' OR (NOT IsConverted = 'x')) AND "
                 "Id = 'y'",
                 &err);
    cr_assert(strstr(err.message, "ERROR at Row:1:Column:51\nvalue of filter criterion for "
                                  "field 'IsConverted'") != NULL,
              "%s", err.message);
}

Test(soql_layout, invalid_id_detail_is_valid_utf8_and_bounded)
{
    cs_err err;
    cs_buf b;
    cs_buf_init(&b, 8192);
    cr_assert_eq(cs_buf_append_str(&b, "SELECT Id FROM Lead WHERE Id = '\xff\xfe"), 0);
    for (int i = 0; i < 300; i++)
        cr_assert_eq(cs_buf_append_str(&b, "é"), 0);
    cr_assert_eq(cs_buf_append_str(&b, "'"), 0);
    char *text = cs_buf_take(&b);
    const char *code = check(text, &err);
    free(text);
    cr_assert_str_eq(code, "INVALID_QUERY_FILTER_OPERATOR");
    const char *detail = strstr(err.message, "invalid ID field: ");
    cr_assert_not_null(detail, "%s", err.message);
    cr_assert(strstr(detail, "\xff") == NULL);
    cr_assert(strstr(detail, "...") != NULL, "a long value is cut: %s", detail);
    cr_assert_lt(strlen(detail), 160);
}

Test(soql_layout, from_and_field_errors_for_callers)
{
    sb_soql_query *q = parse_ok("SELECT Id, Owner.Nope\n  FROM Foo");
    cs_err err;
    cr_assert_eq(sb_soql_from_error(q, &err, "sObject type '%s' is not supported.", "Foo"), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cr_assert_str_eq(err.message, "\n  FROM Foo\n       ^\nERROR at Row:2:Column:8\n"
                                  "sObject type 'Foo' is not supported.");
    cr_assert_eq(sb_soql_field_error(q, 1, &err, "No such column '%s'", "Nope"), -1);
    cr_assert_str_eq(err.message, "\nSELECT Id, Owner.Nope\n           ^\nERROR at "
                                  "Row:1:Column:12\nNo such column 'Nope'");
    sb_soql_free(q);
}

/* ---- Salesforce's numeric limits ---- */

Test(soql_limits, offset_at_most_2000)
{
    cs_err err;
    cr_assert_null(check("SELECT Id FROM Lead ORDER BY Id LIMIT 10 OFFSET 2000", &err));
    const char *code = check("SELECT Id FROM Lead ORDER BY Id LIMIT 10 OFFSET 2001", &err);
    cr_assert_str_eq(code, "NUMBER_OUTSIDE_VALID_RANGE");
    cr_assert_str_eq(err.message, "Maximum SOQL offset allowed is 2000");
}

static char *where_string(const char *head, const char *unit, size_t n, const char *tail)
{
    cs_buf b;
    cs_buf_init(&b, 1 << 20);
    cr_assert_eq(cs_buf_append_str(&b, head), 0);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(cs_buf_append_str(&b, unit), 0);
    cr_assert_eq(cs_buf_append_str(&b, tail), 0);
    return cs_buf_take(&b);
}

static void string_limit(const char *head, const char *tail)
{
    const char *units[] = {"a", "é", "\\'"}; /* characters, not bytes or escapes */
    for (size_t u = 0; u < 3; u++) {
        char *ok = where_string(head, units[u], 4000, tail);
        sb_soql_free(parse_ok(ok));
        free(ok);
        char *big = where_string(head, units[u], 4001, tail);
        sb_soql_query *q = NULL;
        cs_err err;
        cr_assert_eq(sb_soql_parse(big, &q, &err), -1, "%s accepted", units[u]);
        cr_assert_null(q);
        cr_assert(strstr(err.message, "string literal of 4001 characters: strings in a WHERE "
                                      "clause can't exceed 4000 characters") != NULL,
                  "%s", err.message);
        cr_assert(strstr(err.message, "ERROR at Row:1:Column:") != NULL);
        free(big);
    }
}

Test(soql_limits, strings_in_where_at_most_4000_characters)
{
    string_limit("SELECT Id FROM Lead WHERE LastName = '", "'");
    string_limit("SELECT Id FROM Lead WHERE LastName LIKE '", "'");
    string_limit("SELECT Id FROM Lead WHERE LastName IN ('a', '", "')");
}

/* ---- INCLUDES / EXCLUDES ---- */

static bool multi(const char *cond, const char *record_json)
{
    char text[512];
    snprintf(text, sizeof text, "SELECT Id FROM Lead WHERE %s", cond);
    sb_soql_query *q = parse_ok(text);
    cs_err err;
    cr_assert_eq(sb_soql_check(q, types, NULL, NULL, &err), 0, "%s", err.message);
    json_t *rec = json_loads(record_json, 0, NULL);
    cr_assert_not_null(rec);
    bool m = sb_soql_matches(q, rec, resolve, NULL, 0);
    json_decref(rec);
    sb_soql_free(q);
    return m;
}

Test(soql_types, includes_and_excludes)
{
    const char *ab = "{\"Tags__c\":\"Alpha;Beta\"}";
    const char *none = "{\"Tags__c\":null}";
    cr_assert(multi("Tags__c INCLUDES ('beta')", ab)); /* values compare case-insensitively */
    cr_assert(multi("Tags__c INCLUDES ('Gamma', 'Alpha')", ab));
    cr_assert(multi("Tags__c INCLUDES ('Beta ; Alpha')", ab)); /* both values, any order */
    cr_assert_not(multi("Tags__c INCLUDES ('Alpha;Gamma')", ab));
    cr_assert_not(multi("Tags__c INCLUDES ('Alph')", ab)); /* whole values only */
    cr_assert_not(multi("Tags__c INCLUDES ('Alpha')", none));
    cr_assert(multi("Tags__c EXCLUDES ('Gamma')", ab));
    cr_assert_not(multi("Tags__c EXCLUDES ('Gamma', 'Beta')", ab));
    cr_assert(multi("Tags__c EXCLUDES ('Alpha')", none));
    cr_assert(multi("NOT Tags__c EXCLUDES ('Alpha;Beta')", ab));
    refused("LastName INCLUDES ('a')", FOP,
            "includes or excludes operator only valid on multipicklist field");
    refused("Status EXCLUDES ('a')", FOP,
            "includes or excludes operator only valid on multipicklist field");
    refused("Tags__c INCLUDES ('a', 1)", FOP,
            "value of filter criterion for field 'Tags__c' must be of type string and should be "
            "enclosed in quotes");
}

/* ---- the schema's view (sf_soql_field_info), as the query endpoint uses it ---- */

static bool lead_types(void *user, size_t i, const char *path, sb_soql_finfo *out)
{
    (void)i;
    const sf_field *f = sf_object_field(user, path);
    if (f == NULL)
        return false;
    *out = sf_soql_field_info(f);
    return true;
}

static const char *lead_check(const sf_object *lead, const char *text, cs_err *err)
{
    sb_soql_query *q = parse_ok(text);
    const char *code = NULL;
    sb_soql_check(q, lead_types, (void *)lead, &code, err);
    sb_soql_free(q);
    return code;
}

Test(soql_types, lead_schema_types)
{
    sf_schema *s = NULL;
    cs_err err;
    cr_assert_eq(sf_schema_builtin(&s, &err), 0, "%s", err.message);
    const sf_object *lead = sf_schema_object(s, "Lead");
    cr_assert_not_null(lead);
    /* Every field of the built-in Lead compares with NULL unless SOQL cannot
     * filter it (long text areas, the compound address). */
    for (size_t i = 0; i < lead->nfields; i++) {
        const sf_field *f = &lead->fields[i];
        char text[256];
        snprintf(text, sizeof text, "SELECT Id FROM Lead WHERE %s = NULL", f->name);
        const char *code = lead_check(lead, text, &err);
        bool filterable = f->type != SF_T_ADDRESS && !(f->type == SF_T_TEXTAREA && f->length > 255);
        cr_assert_eq(code == NULL, filterable, "%s: %s", f->name, code ? err.message : "accepted");
    }
    cr_assert_null(lead_check(lead,
                              "SELECT Id FROM Lead WHERE IsConverted = false AND CreatedDate > "
                              "2026-01-01T00:00:00Z AND ConvertedDate < TODAY AND "
                              "NumberOfEmployees > 5 AND AnnualRevenue >= 1.5 AND Email LIKE "
                              "'%@x.org' ORDER BY LastModifiedDate DESC, Id",
                              &err),
                   "%s", err.message);
    cr_assert_str_eq(lead_check(lead, "SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01", &err),
                     "INVALID_QUERY_FILTER_OPERATOR");
    cr_assert_str_eq(lead_check(lead, "SELECT Id FROM Lead ORDER BY Description", &err),
                     "INVALID_FIELD");
    cr_assert(strstr(err.message, "field 'Description' can not be sorted") != NULL, "%s",
              err.message);
    sf_schema_free(s);
}
