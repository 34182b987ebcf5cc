/* Validation and duplicate rule definitions of the Salesforce sandbox
 * (sandbox/sf_rules.h) against the built-in schema: what a rule body must
 * hold, the refusals naming what and where, a condition's evaluation on
 * the record as it would be saved, the keys duplicate rules compare, and
 * the error lists (sf_verr) that report every failing rule of a record, as
 * SPEC R4 records them. */
#include <criterion/criterion.h>
#include <string.h>

#include "sandbox/sf_rules.h"
#include "sandbox/sf_validate.h"

static sf_schema *schema;

static void setup(void)
{
    cs_err err;
    cr_assert_eq(sf_schema_builtin(&schema, &err), 0);
}

static void teardown(void)
{
    sf_schema_free(schema);
}

TestSuite(sf_rules, .init = setup, .fini = teardown);

static json_t *js(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    cr_assert_not_null(j, "test JSON parses: %s: %s", text, e.text);
    return j;
}

static void vrule_ok(const char *body, sf_vrule *out)
{
    json_t *b = js(body);
    char why[600] = "";
    cr_assert_eq(sf_vrule_compile(schema, b, out, why, sizeof why), 0, "%s: %s", body, why);
    json_decref(b);
}

/* Compiles a rule expected to be refused; checks why contains want. */
static void vrule_refused(const char *body, const char *want)
{
    json_t *b = js(body);
    char why[600] = "";
    sf_vrule r;
    cr_assert_eq(sf_vrule_compile(schema, b, &r, why, sizeof why), -1, "accepted: %s", body);
    cr_assert(strstr(why, want) != NULL, "%s\n  got:  %s\n  want: %s", body, why, want);
    json_decref(b);
}

static bool fails(const char *condition, const char *record)
{
    char body[1200];
    snprintf(body, sizeof body,
             "{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":\"%s\",\"message\":\"m\"}",
             condition);
    sf_vrule r;
    vrule_ok(body, &r);
    json_t *rec = js(record);
    bool out = sf_vrule_fails(&r, schema, sf_schema_object(schema, "Lead"), rec, NULL, NULL,
                              1767225600000LL /* 2026-01-01T00:00:00Z */);
    json_decref(rec);
    sf_vrule_dispose(&r);
    return out;
}

Test(sf_rules, api_names)
{
    cr_assert(sf_rule_name_ok("Web_needs_phone"));
    cr_assert(sf_rule_name_ok("A1"));
    cr_assert(sf_rule_name_ok("abcdefghijabcdefghijabcdefghijabcdefghij")); /* 40 */
    cr_assert_not(sf_rule_name_ok(""));
    cr_assert_not(sf_rule_name_ok("1st"));
    cr_assert_not(sf_rule_name_ok("_x"));
    cr_assert_not(sf_rule_name_ok("x_"));
    cr_assert_not(sf_rule_name_ok("a__b"));
    cr_assert_not(sf_rule_name_ok("a-b"));
    cr_assert_not(sf_rule_name_ok("a b"));
    cr_assert_not(sf_rule_name_ok("abcdefghijabcdefghijabcdefghijabcdefghijk")); /* 41 */
}

Test(sf_rules, validation_rule_is_normalised)
{
    sf_vrule r;
    vrule_ok("{\"object\":\"lead\",\"name\":\"Web_needs_phone\",\"error_condition\":"
             "\"LeadSource = 'Web' AND Phone = null\",\"message\":\"Web leads need a phone\","
             "\"field\":\"PHONE\"}",
             &r);
    cr_assert_str_eq(r.object, "Lead");
    cr_assert_str_eq(r.field, "Phone");
    cr_assert_str_eq(r.message, "Web leads need a phone");
    cr_assert(r.active);
    json_t *want = js("{\"object\":\"Lead\",\"name\":\"Web_needs_phone\",\"error_condition\":"
                      "\"LeadSource = 'Web' AND Phone = null\",\"message\":"
                      "\"Web leads need a phone\",\"field\":\"Phone\",\"active\":true}");
    cr_assert(json_equal(r.def, want));
    json_decref(want);
    sf_vrule_dispose(&r);

    vrule_ok("{\"object\":\"Lead\",\"name\":\"Off\",\"error_condition\":\"Phone = null\","
             "\"message\":\"m\",\"active\":false}",
             &r);
    cr_assert_not(r.active);
    cr_assert_null(r.field);
    sf_vrule_dispose(&r);
    sf_vrule_dispose(NULL);
}

Test(sf_rules, bad_validation_rules_name_the_problem)
{
    vrule_refused("[]", "body must be a JSON object");
    vrule_refused("{\"name\":\"R\",\"error_condition\":\"Phone = null\",\"message\":\"m\"}",
                  "object is required");
    vrule_refused("{\"object\":\"Nope\",\"name\":\"R\",\"error_condition\":\"Phone = null\","
                  "\"message\":\"m\"}",
                  "object: no sObject named 'Nope'");
    vrule_refused("{\"object\":\"Lead\",\"error_condition\":\"Phone = null\",\"message\":\"m\"}",
                  "name is required");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R__x\",\"error_condition\":\"Phone = null\","
                  "\"message\":\"m\"}",
                  "name 'R__x' is not a valid API name");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"message\":\"m\"}",
                  "error_condition is required");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":\"Phone = null\"}",
                  "message is required");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":\"Phone = null\","
                  "\"message\":\"m\",\"field\":\"Nope\"}",
                  "field: no field 'Nope' on Lead");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":\"Phone = null\","
                  "\"message\":\"m\",\"extra\":1}",
                  "unknown key 'extra'");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":\"Phone = \","
                  "\"message\":\"m\"}",
                  "error_condition: unexpected end of query (row 1, column 9 of the condition)");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":\"Phone = null\\nAND "
                  "AND\",\"message\":\"m\"}",
                  "error_condition: unexpected token: 'AND' (row 2, column 5 of the condition)");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":\"Phonez = null\","
                  "\"message\":\"m\"}",
                  "error_condition: No such column 'Phonez' on entity 'Lead'");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":\"Owner.Nope = null\","
                  "\"message\":\"m\"}",
                  "No such column 'Nope' on entity 'User'");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":\"Phone = null LIMIT "
                  "1\",\"message\":\"m\"}",
                  "ORDER BY, LIMIT and OFFSET");
    /* The query checker's compile errors apply to conditions too: a literal
     * of the wrong type, an operator the type refuses, a string that is no
     * id, a field that cannot be filtered. */
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":"
                  "\"AnnualRevenue = 'abc'\",\"message\":\"m\"}",
                  "value of filter criterion for field 'AnnualRevenue' must be of type");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":"
                  "\"CreatedDate > 2026-01-01\",\"message\":\"m\"}",
                  "must be of type dateTime");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":"
                  "\"OwnerId = 'someone'\",\"message\":\"m\"}",
                  "invalid ID field: someone");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":"
                  "\"HasOptedOutOfEmail > true\",\"message\":\"m\"}",
                  "invalid operator on boolean field");
    vrule_refused("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":"
                  "\"Description = 'x'\",\"message\":\"m\"}",
                  "can not be filtered");
}

Test(sf_rules, condition_reads_the_record_as_saved)
{
    const char *cond = "LeadSource = 'Web' AND Phone = null";
    cr_assert(fails(cond, "{\"LeadSource\":\"Web\"}"));
    cr_assert(fails(cond, "{\"LeadSource\":\"web\",\"Phone\":null}"));
    cr_assert_not(fails(cond, "{\"LeadSource\":\"Web\",\"Phone\":\"555\"}"));
    cr_assert_not(fails(cond, "{\"LeadSource\":\"Other\"}"));
    cr_assert_not(fails(cond, "{}"));
    /* Field names are resolved case-insensitively against the schema. */
    cr_assert(fails("leadsource = 'Web' OR annualrevenue > 1000",
                    "{\"LeadSource\":null,\"AnnualRevenue\":5000}"));
    cr_assert(fails("NOT (Email LIKE '%@example.com')", "{\"Email\":\"a@other.org\"}"));
    cr_assert_not(fails("NOT (Email LIKE '%@example.com')", "{\"Email\":\"A@EXAMPLE.COM\"}"));
    /* Ids compare as ids: a 15-character literal matches the stored id. */
    cr_assert(fails("OwnerId = '005000000000001'", "{\"OwnerId\":\"005000000000001AAA\"}"));
    /* Date literals are anchored at the time given. */
    cr_assert(fails("CreatedDate = TODAY", "{\"CreatedDate\":\"2026-01-01T10:00:00.000+0000\"}"));
    cr_assert_not(
        fails("CreatedDate = TODAY", "{\"CreatedDate\":\"2025-12-31T10:00:00.000+0000\"}"));
    /* Without a parent lookup a parent path reads as null. */
    cr_assert(fails("Owner.Name = null", "{\"OwnerId\":\"005000000000001AAA\"}"));
}

static json_t *owner_named_ada(void *user, const char *id)
{
    int *calls = user;
    (*calls)++;
    static json_t *ada;
    if (ada == NULL)
        ada = json_pack("{s:s,s:s}", "Id", "005000000000001AAA", "Name", "Ada Admin");
    return strcmp(id, "005000000000001AAA") == 0 ? ada : NULL;
}

Test(sf_rules, parent_paths_read_the_parent_record)
{
    sf_vrule r;
    vrule_ok("{\"object\":\"Lead\",\"name\":\"R\",\"error_condition\":\"Owner.Name = 'Ada "
             "Admin'\",\"message\":\"m\"}",
             &r);
    const sf_object *lead = sf_schema_object(schema, "Lead");
    int calls = 0;
    json_t *mine = js("{\"OwnerId\":\"005000000000001AAA\"}");
    json_t *other = js("{\"OwnerId\":\"005000000000002AAA\"}");
    cr_assert(sf_vrule_fails(&r, schema, lead, mine, owner_named_ada, &calls, 0));
    cr_assert_not(sf_vrule_fails(&r, schema, lead, other, owner_named_ada, &calls, 0));
    cr_assert_eq(calls, 2);
    json_decref(mine);
    json_decref(other);
    sf_vrule_dispose(&r);
}

static void duprule_refused(const char *body, const char *want)
{
    json_t *b = js(body);
    char why[600] = "";
    sf_duprule r;
    cr_assert_eq(sf_duprule_compile(schema, b, "Gen", &r, why, sizeof why), -1, "accepted: %s",
                 body);
    cr_assert(strstr(why, want) != NULL, "%s\n  got:  %s\n  want: %s", body, why, want);
    json_decref(b);
}

Test(sf_rules, duplicate_rule_defaults_and_refusals)
{
    json_t *b = js("{\"object\":\"lead\",\"fields\":[\"email\",\"LASTNAME\"]}");
    char why[600] = "";
    sf_duprule r;
    cr_assert_eq(sf_duprule_compile(schema, b, "Lead_Duplicate_Rule_1", &r, why, sizeof why), 0,
                 "%s", why);
    cr_assert_str_eq(r.name, "Lead_Duplicate_Rule_1");
    cr_assert_eq(r.nfields, 2);
    cr_assert_str_eq(r.fields[0], "Email");
    cr_assert_str_eq(r.fields[1], "LastName");
    cr_assert_eq(r.action, SF_DUP_BLOCK);
    cr_assert_eq(r.on, SF_DUP_ON_CREATE | SF_DUP_ON_UPDATE);
    cr_assert_str_eq(r.message, SF_DUP_MESSAGE);
    json_t *want = js("{\"object\":\"Lead\",\"name\":\"Lead_Duplicate_Rule_1\",\"fields\":"
                      "[\"Email\",\"LastName\"],\"action\":\"block\",\"on\":[\"create\","
                      "\"update\"],\"message\":\"Use one of these records?\",\"active\":true}");
    cr_assert(json_equal(r.def, want));
    json_decref(want);
    json_decref(b);
    sf_duprule_dispose(&r);

    b = js("{\"object\":\"Contact\",\"name\":\"Mine\",\"fields\":[\"Email\"],\"action\":"
           "\"allow\",\"on\":[\"create\"],\"message\":\"Seen before\"}");
    cr_assert_eq(sf_duprule_compile(schema, b, "Gen", &r, why, sizeof why), 0, "%s", why);
    cr_assert_str_eq(r.name, "Mine");
    cr_assert_eq(r.action, SF_DUP_ALLOW);
    cr_assert_eq(r.on, SF_DUP_ON_CREATE);
    cr_assert_str_eq(r.message, "Seen before");
    json_decref(b);
    sf_duprule_dispose(&r);

    b = js("{\"object\":\"Lead\",\"fields\":[\"Email\"],\"action\":\"alert\"}");
    cr_assert_eq(sf_duprule_compile(schema, b, "Gen", &r, why, sizeof why), 0, "%s", why);
    cr_assert_eq(r.action, SF_DUP_ALERT);
    cr_assert_str_eq(r.name, "Gen");
    json_decref(b);
    sf_duprule_dispose(&r);

    duprule_refused("{\"object\":\"Lead\"}", "fields is required");
    duprule_refused("{\"object\":\"Lead\",\"fields\":\"Email\"}", "fields is required");
    duprule_refused("{\"object\":\"Lead\",\"fields\":[1]}", "fields[0] must be a string");
    duprule_refused("{\"object\":\"Lead\",\"fields\":[\"Email\",\"Nope\"]}",
                    "fields[1]: no field 'Nope' on Lead");
    duprule_refused("{\"object\":\"Lead\",\"fields\":[\"Email\",\"EMAIL\"]}",
                    "fields[1]: Email is listed twice");
    duprule_refused("{\"object\":\"Lead\",\"fields\":[\"Address\"]}", "compound address");
    duprule_refused("{\"object\":\"Lead\",\"fields\":[\"Email\"],\"action\":\"warn\"}",
                    "action must be \"block\", \"alert\" or \"allow\", not 'warn'");
    duprule_refused("{\"object\":\"Lead\",\"fields\":[\"Email\"],\"on\":[]}",
                    "on must be a non-empty array");
    duprule_refused("{\"object\":\"Lead\",\"fields\":[\"Email\"],\"on\":[\"edit\"]}",
                    "on[0] must be \"create\" or \"update\"");
    duprule_refused("{\"object\":\"Lead\",\"fields\":[\"A\",\"B\",\"C\",\"D\",\"E\",\"F\",\"G\","
                    "\"H\",\"I\",\"J\",\"K\"]}",
                    "at most 10 fields");
}

Test(sf_rules, duplicate_keys_ignore_case_and_blanks)
{
    json_t *rec = js("{\"Email\":\"Ada@Example.COM\",\"Blank\":\"  \",\"Empty\":\"\","
                     "\"Null\":null,\"Num\":12.5}");
    char *k = sf_dup_key(rec, "Email");
    cr_assert_str_eq(k, "ada@example.com");
    free(k);
    cr_assert_null(sf_dup_key(rec, "Blank"));
    cr_assert_null(sf_dup_key(rec, "Empty"));
    cr_assert_null(sf_dup_key(rec, "Null"));
    cr_assert_null(sf_dup_key(rec, "Missing"));
    k = sf_dup_key(rec, "Num");
    cr_assert_str_eq(k, "12.5");
    free(k);
    json_decref(rec);
}

Test(sf_rules, every_error_of_a_record_is_reported)
{
    sf_verr e;
    sf_verr_init(&e);
    sf_verr_set(&e, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Phone", "Web leads need a phone");
    sf_verr *second = sf_verr_append(&e);
    cr_assert_not_null(second);
    sf_verr_set(second, "DUPLICATES_DETECTED", NULL, "Use one of these records?");
    second->extra = json_pack("{s:{s:b}}", "duplicateResult", "allowSave", 0);
    json_t *arr = json_array();
    sf_verr_json_all(&e, false, arr);
    json_t *want = js("[{\"errorCode\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\",\"message\":"
                      "\"Web leads need a phone\",\"fields\":[\"Phone\"]},{\"errorCode\":"
                      "\"DUPLICATES_DETECTED\",\"message\":\"Use one of these records?\","
                      "\"fields\":[],\"duplicateResult\":{\"allowSave\":false}}]");
    cr_assert(json_equal(arr, want));
    json_decref(arr);
    json_decref(want);
    arr = json_array();
    sf_verr_json_all(&e, true, arr);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, 1), "statusCode")),
                     "DUPLICATES_DETECTED");
    json_decref(arr);
    /* Setting the error again replaces the whole list (ALL_OR_NONE roll back). */
    sf_verr_set(&e, "ALL_OR_NONE_OPERATION_ROLLED_BACK", NULL, "rolled back");
    cr_assert_null(e.next);
    cr_assert_null(e.extra);
    arr = json_array();
    sf_verr_json_all(&e, true, arr);
    cr_assert_eq(json_array_size(arr), 1);
    json_decref(arr);
    sf_verr_dispose(&e);
    sf_verr_dispose(&e);
}
