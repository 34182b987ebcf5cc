/* Pure parts of the connector module: value normalisation both ways for every
 * type (R2: equal values never look like a change; R3: lossless conversions),
 * schema parsing of both APIs, cursor texts (R2), R9 categories and the
 * HubSpot 409 "Existing ID" parsing (C5). No server. */
#include <criterion/criterion.h>
#include <string.h>

#include "connector/connector_int.h"
#include "connector/schema.h"
#include "connector/value.h"

/* ---- numbers ------------------------------------------------------------- */

static void canon_is(const char *in, const char *want)
{
    char out[CS_VALUE_NUMBER_MAX];
    cs_err err = {0};
    cr_assert_eq(cs_value_number_canon(in, out, &err), 0, "'%s': %s", in, err.message);
    cr_assert_str_eq(out, want, "'%s' -> '%s', want '%s'", in, out, want);
}

static void canon_fails(const char *in)
{
    char out[CS_VALUE_NUMBER_MAX];
    cs_err err = {0};
    cr_assert_eq(cs_value_number_canon(in, out, &err), -1, "'%s' accepted as '%s'", in, out);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
}

Test(values, number_canonical_text)
{
    canon_is("1000", "1000");
    canon_is("1000.0", "1000");
    canon_is("1000.000", "1000");
    canon_is("01000", "1000");
    canon_is("1.50", "1.5");
    canon_is("-1.50", "-1.5");
    canon_is("+7", "7");
    canon_is("-0", "0");
    canon_is("-0.000", "0");
    canon_is("0", "0");
    canon_is(".5", "0.5");
    canon_is("5.", "5");
    canon_is("0.05", "0.05");
    canon_is("1e3", "1000");
    canon_is("1.5E-3", "0.0015");
    canon_is("12.5e1", "125");
    canon_is("  42 ", "42");
    canon_is("0e99999999", "0");
    canon_is("123456789012345678901234567890", "123456789012345678901234567890");
}

Test(values, number_refuses_non_numbers)
{
    canon_fails("");
    canon_fails("abc");
    canon_fails("1,000");
    canon_fails("1 000");
    canon_fails("1e");
    canon_fails("-");
    canon_fails(".");
    canon_fails("0x10");
    canon_fails("NaN");
    canon_fails("1e999");
    canon_fails("1e-999");
}

Test(values, number_from_double_is_shortest)
{
    char out[CS_VALUE_NUMBER_MAX];
    cs_err err = {0};
    cr_assert_eq(cs_value_number_from_double(1000.0, out, &err), 0);
    cr_assert_str_eq(out, "1000");
    cr_assert_eq(cs_value_number_from_double(0.1, out, &err), 0);
    cr_assert_str_eq(out, "0.1");
    cr_assert_eq(cs_value_number_from_double(-2.5, out, &err), 0);
    cr_assert_str_eq(out, "-2.5");
    cr_assert_eq(cs_value_number_from_double(1e21, out, &err), 0);
    cr_assert_str_eq(out, "1000000000000000000000");
    cr_assert_eq(cs_value_number_from_double(1.0 / 3.0, out, &err), 0);
    cr_assert_str_eq(out, "0.3333333333333333");
}

/* ---- normalisation of each kind ------------------------------------------ */

static void norm_is(cs_value_kind k, const char *in, const char *want)
{
    cs_err err = {0};
    json_t *v = cs_value_normalize(k, in, &err);
    cr_assert_not_null(v, "%s '%s': %s", cs_value_kind_name(k), in, err.message);
    if (want == NULL)
        cr_assert(json_is_null(v), "%s '%s' should be null", cs_value_kind_name(k), in);
    else
        cr_assert_str_eq(json_string_value(v), want, "%s '%s'", cs_value_kind_name(k), in);
    json_decref(v);
}

static void norm_fails(cs_value_kind k, const char *in)
{
    cs_err err = {0};
    json_t *v = cs_value_normalize(k, in, &err);
    cr_assert_null(v, "%s '%s' accepted", cs_value_kind_name(k), in);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
}

Test(values, normalize_every_kind)
{
    norm_is(CS_VALUE_TEXT, "Ada", "Ada");
    norm_is(CS_VALUE_TEXT, " Ada ", " Ada ");
    norm_is(CS_VALUE_TEXT, "", NULL);
    norm_is(CS_VALUE_NUMBER, "", NULL);
    norm_is(CS_VALUE_NUMBER, "  ", NULL);
    norm_is(CS_VALUE_BOOL, "true", "true");
    norm_is(CS_VALUE_BOOL, "FALSE", "false");
    norm_is(CS_VALUE_BOOL, "1", "true");
    norm_is(CS_VALUE_BOOL, "0", "false");
    norm_fails(CS_VALUE_BOOL, "maybe");
    norm_is(CS_VALUE_DATE, "2026-01-02", "2026-01-02");
    norm_is(CS_VALUE_DATE, "1767312000000", "2026-01-02");             /* HubSpot epoch ms */
    norm_is(CS_VALUE_DATE, "2026-01-02T23:30:00-05:00", "2026-01-03"); /* UTC date */
    norm_fails(CS_VALUE_DATE, "02/01/2026");
    norm_is(CS_VALUE_DATETIME, "2026-01-02T03:04:05.000+0000", "2026-01-02T03:04:05.000Z");
    norm_is(CS_VALUE_DATETIME, "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z");
    norm_is(CS_VALUE_DATETIME, "1767323045678", "2026-01-02T03:04:05.678Z");
    norm_is(CS_VALUE_DATETIME, "2026-01-02T04:04:05.000+01:00", "2026-01-02T03:04:05.000Z");
    norm_fails(CS_VALUE_DATETIME, "yesterday");
    norm_fails(CS_VALUE_DATETIME, "2111111111111111111"); /* past year 9999 */
    norm_fails(CS_VALUE_DATE, "-99999999999999999");
    norm_is(CS_VALUE_MULTI, "b;a", "a;b");
    norm_is(CS_VALUE_MULTI, " a ; b;;a ", "a;b");
    norm_is(CS_VALUE_MULTI, " ; ", NULL);
}

/* ---- from the wire -------------------------------------------------------- */

static void from_sf_is(cs_value_kind k, const char *json, const char *want)
{
    json_error_t jerr;
    json_t *in = json_loads(json, JSON_DECODE_ANY, &jerr);
    cr_assert_not_null(in, "bad test JSON %s", json);
    cs_err err = {0};
    json_t *v = cs_value_from_salesforce(k, in, &err);
    cr_assert_not_null(v, "%s: %s", json, err.message);
    if (want == NULL)
        cr_assert(json_is_null(v), "%s should be null", json);
    else
        cr_assert_str_eq(json_string_value(v), want, "%s", json);
    json_decref(v);
    json_decref(in);
}

static void from_hs_is(cs_value_kind k, const char *text, const char *want)
{
    json_t *in = text ? json_string(text) : json_null();
    cs_err err = {0};
    json_t *v = cs_value_from_hubspot(k, in, &err);
    cr_assert_not_null(v, "'%s': %s", text, err.message);
    if (want == NULL)
        cr_assert(json_is_null(v), "'%s' should be null", text);
    else
        cr_assert_str_eq(json_string_value(v), want, "'%s'", text);
    json_decref(v);
    json_decref(in);
}

Test(values, both_sides_agree_on_equal_values)
{
    /* the same value as each API sends it normalises to the same text */
    from_hs_is(CS_VALUE_NUMBER, "1000", "1000");
    from_sf_is(CS_VALUE_NUMBER, "1000.0", "1000");
    from_sf_is(CS_VALUE_NUMBER, "1000", "1000");
    from_hs_is(CS_VALUE_NUMBER, "2500.50", "2500.5");
    from_sf_is(CS_VALUE_NUMBER, "2500.5", "2500.5");
    from_hs_is(CS_VALUE_BOOL, "true", "true");
    from_sf_is(CS_VALUE_BOOL, "true", "true");
    from_sf_is(CS_VALUE_BOOL, "false", "false");
    from_hs_is(CS_VALUE_DATE, "1767312000000", "2026-01-02");
    from_sf_is(CS_VALUE_DATE, "\"2026-01-02\"", "2026-01-02");
    from_hs_is(CS_VALUE_DATETIME, "2026-01-02T03:04:05.678Z", "2026-01-02T03:04:05.678Z");
    from_sf_is(CS_VALUE_DATETIME, "\"2026-01-02T03:04:05.678+0000\"", "2026-01-02T03:04:05.678Z");
    from_hs_is(CS_VALUE_MULTI, "red;blue", "blue;red");
    from_sf_is(CS_VALUE_MULTI, "\"blue;red\"", "blue;red");
    /* blank is null on both sides */
    from_hs_is(CS_VALUE_TEXT, "", NULL);
    from_hs_is(CS_VALUE_TEXT, NULL, NULL);
    from_sf_is(CS_VALUE_TEXT, "null", NULL);
    /* a number or boolean in a text field keeps its canonical text */
    from_sf_is(CS_VALUE_TEXT, "12.50", "12.5");
    from_sf_is(CS_VALUE_TEXT, "true", "true");
}

Test(values, wire_values_that_do_not_fit_are_refused)
{
    cs_err err = {0};
    json_t *obj = json_pack("{s:s}", "street", "x");
    cr_assert_null(cs_value_from_salesforce(CS_VALUE_TEXT, obj, &err));
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    json_decref(obj);
    json_t *t = json_true();
    cr_assert_null(cs_value_from_salesforce(CS_VALUE_NUMBER, t, &err));
    json_t *s = json_string("ten");
    cr_assert_null(cs_value_from_hubspot(CS_VALUE_NUMBER, s, &err));
    json_decref(s);
}

/* ---- to the wire ------------------------------------------------------------ */

static json_t *to_sf(cs_value_kind k, bool integer, const char *norm)
{
    json_t *in = norm ? json_string(norm) : json_null();
    cs_err err = {0};
    json_t *v = cs_value_to_salesforce(k, integer, in, &err);
    json_decref(in);
    return v;
}

static void to_hs_is(cs_value_kind k, const char *norm, const char *want)
{
    json_t *in = norm ? json_string(norm) : json_null();
    cs_err err = {0};
    json_t *v = cs_value_to_hubspot(k, in, &err);
    cr_assert_not_null(v, "'%s': %s", norm, err.message);
    cr_assert(json_is_string(v), "HubSpot values are strings");
    cr_assert_str_eq(json_string_value(v), want, "'%s'", norm);
    json_decref(v);
    json_decref(in);
}

Test(values, to_salesforce_per_type)
{
    json_t *v = to_sf(CS_VALUE_NUMBER, true, "1000");
    cr_assert(json_is_integer(v) && json_integer_value(v) == 1000);
    json_decref(v);
    v = to_sf(CS_VALUE_NUMBER, false, "2500.5");
    cr_assert(json_is_real(v) && json_real_value(v) == 2500.5);
    json_decref(v);
    v = to_sf(CS_VALUE_NUMBER, false, "2500");
    cr_assert(json_is_integer(v) && json_integer_value(v) == 2500);
    json_decref(v);
    cr_assert_null(to_sf(CS_VALUE_NUMBER, true, "2.5"), "an int field refuses a fraction");
    cr_assert_null(to_sf(CS_VALUE_NUMBER, false, "lots"));
    v = to_sf(CS_VALUE_BOOL, false, "true");
    cr_assert(json_is_true(v));
    json_decref(v);
    v = to_sf(CS_VALUE_BOOL, false, "false");
    cr_assert(json_is_false(v));
    json_decref(v);
    v = to_sf(CS_VALUE_DATE, false, "2026-01-02T03:04:05.000Z");
    cr_assert_str_eq(json_string_value(v), "2026-01-02", "a datetime maps to its date (R3)");
    json_decref(v);
    v = to_sf(CS_VALUE_DATETIME, false, "2026-01-02T03:04:05.678Z");
    cr_assert_str_eq(json_string_value(v), "2026-01-02T03:04:05.678+0000");
    json_decref(v);
    v = to_sf(CS_VALUE_MULTI, false, "b;a");
    cr_assert_str_eq(json_string_value(v), "a;b");
    json_decref(v);
    v = to_sf(CS_VALUE_TEXT, false, NULL);
    cr_assert(json_is_null(v), "null clears a Salesforce field");
    json_decref(v);
    v = to_sf(CS_VALUE_TEXT, false, "Ada");
    cr_assert_str_eq(json_string_value(v), "Ada");
    json_decref(v);
}

Test(values, to_hubspot_per_type)
{
    to_hs_is(CS_VALUE_NUMBER, "1000", "1000");
    to_hs_is(CS_VALUE_BOOL, "true", "true");
    to_hs_is(CS_VALUE_DATE, "2026-01-02", "2026-01-02");
    to_hs_is(CS_VALUE_DATETIME, "2026-01-02T03:04:05.678Z", "2026-01-02T03:04:05.678Z");
    to_hs_is(CS_VALUE_MULTI, "b;a", "a;b");
    to_hs_is(CS_VALUE_TEXT, "Ada", "Ada");
    to_hs_is(CS_VALUE_TEXT, NULL, ""); /* HubSpot clears with "" */
    cs_err err = {0};
    json_t *bad = json_string("x");
    cr_assert_null(cs_value_to_hubspot(CS_VALUE_NUMBER, bad, &err));
    json_decref(bad);
}

Test(values, round_trips_are_stable)
{
    /* normalised -> wire -> normalised gives the same text: echo suppression (R2) */
    const struct {
        cs_value_kind k;
        const char *v;
    } cases[] = {{CS_VALUE_NUMBER, "1000"},     {CS_VALUE_NUMBER, "0.1"},
                 {CS_VALUE_NUMBER, "-12.75"},   {CS_VALUE_BOOL, "false"},
                 {CS_VALUE_DATE, "1999-12-31"}, {CS_VALUE_DATETIME, "2026-01-02T03:04:05.678Z"},
                 {CS_VALUE_MULTI, "a;b;c"},     {CS_VALUE_TEXT, "Zoë"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_err err = {0};
        json_t *norm = json_string(cases[i].v);
        json_t *sf = cs_value_to_salesforce(cases[i].k, false, norm, &err);
        cr_assert_not_null(sf, "%s", cases[i].v);
        /* what a Salesforce answer would carry after a round trip through JSON text */
        char *text = json_dumps(sf, JSON_ENCODE_ANY);
        json_t *back_in = json_loads(text, JSON_DECODE_ANY, NULL);
        json_t *back = cs_value_from_salesforce(cases[i].k, back_in, &err);
        cr_assert_not_null(back);
        cr_assert_str_eq(json_string_value(back), cases[i].v, "SF round trip of %s", cases[i].v);
        json_t *hs = cs_value_to_hubspot(cases[i].k, norm, &err);
        json_t *back2 = cs_value_from_hubspot(cases[i].k, hs, &err);
        cr_assert_str_eq(json_string_value(back2), cases[i].v, "HS round trip of %s", cases[i].v);
        free(text);
        json_decref(back_in);
        json_decref(back);
        json_decref(back2);
        json_decref(hs);
        json_decref(sf);
        json_decref(norm);
    }
}

Test(values, kinds_from_types)
{
    cr_assert_eq(cs_value_kind_hubspot("number", "number"), CS_VALUE_NUMBER);
    cr_assert_eq(cs_value_kind_hubspot("bool", "booleancheckbox"), CS_VALUE_BOOL);
    cr_assert_eq(cs_value_kind_hubspot("enumeration", "booleancheckbox"), CS_VALUE_BOOL);
    cr_assert_eq(cs_value_kind_hubspot("enumeration", "checkbox"), CS_VALUE_MULTI);
    cr_assert_eq(cs_value_kind_hubspot("enumeration", "select"), CS_VALUE_TEXT);
    cr_assert_eq(cs_value_kind_hubspot("datetime", "date"), CS_VALUE_DATETIME);
    cr_assert_eq(cs_value_kind_hubspot("date", "date"), CS_VALUE_DATE);
    cr_assert_eq(cs_value_kind_hubspot("string", "text"), CS_VALUE_TEXT);
    cr_assert_eq(cs_value_kind_salesforce("currency"), CS_VALUE_NUMBER);
    cr_assert_eq(cs_value_kind_salesforce("int"), CS_VALUE_NUMBER);
    cr_assert_eq(cs_value_kind_salesforce("percent"), CS_VALUE_NUMBER);
    cr_assert_eq(cs_value_kind_salesforce("boolean"), CS_VALUE_BOOL);
    cr_assert_eq(cs_value_kind_salesforce("multipicklist"), CS_VALUE_MULTI);
    cr_assert_eq(cs_value_kind_salesforce("picklist"), CS_VALUE_TEXT);
    cr_assert_eq(cs_value_kind_salesforce("datetime"), CS_VALUE_DATETIME);
    cr_assert_eq(cs_value_kind_salesforce("date"), CS_VALUE_DATE);
}

/* ---- schemas ----------------------------------------------------------------- */

Test(schema, hubspot_properties)
{
    const char *text =
        "{\"results\":["
        "{\"name\":\"email\",\"label\":\"Email\",\"type\":\"string\",\"fieldType\":\"text\","
        "\"hasUniqueValue\":true,\"modificationMetadata\":{\"readOnlyValue\":false}},"
        "{\"name\":\"hs_lead_status\",\"type\":\"enumeration\",\"fieldType\":\"select\","
        "\"options\":[{\"label\":\"New\",\"value\":\"NEW\",\"hidden\":false},"
        "{\"label\":\"Old\",\"value\":\"OLD\",\"hidden\":true}]},"
        "{\"name\":\"lastmodifieddate\",\"type\":\"datetime\",\"fieldType\":\"date\","
        "\"modificationMetadata\":{\"readOnlyValue\":true}},"
        "{\"name\":\"hubspot_owner_id\",\"type\":\"enumeration\",\"fieldType\":\"select\","
        "\"referencedObjectType\":\"OWNER\"},"
        "{\"name\":\"annualrevenue\",\"type\":\"number\",\"fieldType\":\"number\"}]}";
    json_t *body = json_loads(text, 0, NULL);
    cs_object_schema *s = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_schema_parse_hubspot("contacts", body, &s, &err), 0, "%s", err.message);
    cr_assert_eq(s->count, 5);
    cr_assert_str_eq(s->object, "contacts");
    const cs_field_schema *f = cs_object_schema_field(s, "hs_lead_status");
    cr_assert_not_null(f);
    cr_assert_eq(f->option_count, 1, "hidden options are left out");
    cr_assert_str_eq(f->options[0], "NEW");
    f = cs_object_schema_field(s, "lastmodifieddate");
    cr_assert(!f->updateable && !f->createable);
    cr_assert_eq(f->kind, CS_VALUE_DATETIME);
    f = cs_object_schema_field(s, "email");
    cr_assert(f->unique && f->updateable);
    f = cs_object_schema_field(s, "hubspot_owner_id");
    cr_assert(f->is_reference);
    cr_assert_str_eq(f->reference_to[0], "OWNER");
    cr_assert_eq(cs_object_schema_field(s, "annualrevenue")->kind, CS_VALUE_NUMBER);
    cr_assert_null(cs_object_schema_field(s, "nope"));
    cs_object_schema_free(s);
    json_decref(body);
}

Test(schema, salesforce_describe)
{
    const char *text =
        "{\"name\":\"Lead\",\"fields\":["
        "{\"name\":\"Email\",\"label\":\"Email\",\"type\":\"email\",\"length\":80,"
        "\"nillable\":true,\"createable\":true,\"updateable\":true},"
        "{\"name\":\"NumberOfEmployees\",\"type\":\"int\",\"createable\":true,"
        "\"updateable\":true},"
        "{\"name\":\"OwnerId\",\"type\":\"reference\",\"referenceTo\":[\"Group\",\"User\"],"
        "\"createable\":true,\"updateable\":true},"
        "{\"name\":\"Tier__c\",\"type\":\"picklist\",\"restrictedPicklist\":true,"
        "\"picklistValues\":[{\"value\":\"Gold\",\"active\":true},"
        "{\"value\":\"Tin\",\"active\":false}]},"
        "{\"name\":\"SystemModstamp\",\"type\":\"datetime\",\"nillable\":false}]}";
    json_t *body = json_loads(text, 0, NULL);
    cs_object_schema *s = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_schema_parse_salesforce(body, &s, &err), 0, "%s", err.message);
    cr_assert_str_eq(s->object, "Lead");
    const cs_field_schema *f = cs_object_schema_field_nocase(s, "email");
    cr_assert_not_null(f, "Salesforce names match case-insensitively");
    cr_assert_eq(f->length, 80);
    f = cs_object_schema_field(s, "NumberOfEmployees");
    cr_assert(f->integer);
    cr_assert_eq(f->kind, CS_VALUE_NUMBER);
    f = cs_object_schema_field(s, "OwnerId");
    cr_assert(f->is_reference);
    cr_assert_eq(f->reference_count, 2);
    cr_assert_str_eq(f->reference_to[1], "User");
    f = cs_object_schema_field(s, "Tier__c");
    cr_assert(f->restricted_picklist);
    cr_assert_eq(f->option_count, 1, "inactive values are left out");
    f = cs_object_schema_field(s, "SystemModstamp");
    cr_assert(!f->nillable && !f->createable && !f->updateable);
    cs_object_schema_free(s);
    json_decref(body);
}

Test(schema, malformed_answers_are_refused)
{
    cs_object_schema *s = NULL;
    cs_err err = {0};
    json_t *b = json_loads("{\"results\":[{\"label\":\"no name\"}]}", 0, NULL);
    cr_assert_eq(cs_schema_parse_hubspot("contacts", b, &s, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    json_decref(b);
    b = json_loads("{\"results\":[{\"name\":\"a\"},{\"name\":\"a\"}]}", 0, NULL);
    cr_assert_eq(cs_schema_parse_hubspot("contacts", b, &s, &err), -1, "duplicate names");
    json_decref(b);
    b = json_loads("{\"fields\":[]}", 0, NULL);
    cr_assert_eq(cs_schema_parse_salesforce(b, &s, &err), -1, "describe without a name");
    json_decref(b);
    cr_assert_null(s);
}

/* ---- cursors (R2) ------------------------------------------------------------ */

Test(cursor, format_and_parse)
{
    char out[CS_CONNECTOR_CURSOR_MAX];
    cr_assert_eq(cs_cursor_format(CS_CONNECTOR_HUBSPOT, 1767312000000, -1, out), 0);
    cr_assert_str_eq(out, "cs1:hs:1767312000000");
    cr_assert_eq(cs_cursor_format(CS_CONNECTOR_SALESFORCE, 5, 7, out), 0);
    cr_assert_str_eq(out, "cs1:sf:5:7");
    cr_assert_eq(cs_cursor_format(CS_CONNECTOR_SALESFORCE, -1, -1, out), 0);
    cr_assert_str_eq(out, "");
    int64_t m = 0, d = 0;
    cs_err err = {0};
    cr_assert_eq(cs_cursor_parse("cs1:sf:5:7", CS_CONNECTOR_SALESFORCE, &m, &d, &err), 0);
    cr_assert(m == 5 && d == 7);
    cr_assert_eq(cs_cursor_parse("cs1:sf::7", CS_CONNECTOR_SALESFORCE, &m, &d, &err), 0);
    cr_assert(m == -1 && d == 7);
    cr_assert_eq(cs_cursor_parse(NULL, CS_CONNECTOR_HUBSPOT, &m, &d, &err), 0);
    cr_assert(m == -1 && d == -1);
    cr_assert_eq(cs_cursor_parse("cs1:sf:5", CS_CONNECTOR_HUBSPOT, &m, &d, &err), -1,
                 "a Salesforce cursor is not a HubSpot one");
    cr_assert_eq(cs_cursor_parse("cs1:hs:5x", CS_CONNECTOR_HUBSPOT, &m, &d, &err), -1);
    cr_assert_eq(cs_cursor_parse("cs1:hs:99999999999999999", CS_CONNECTOR_HUBSPOT, &m, &d, &err),
                 -1);
    int64_t t;
    cr_assert_eq(cs_connector_cursor_time("cs1:sf:1234:99", &t, &err), 0);
    cr_assert_eq(t, 1234);
    cr_assert_eq(cs_connector_cursor_time("", &t, &err), 0);
    cr_assert_eq(t, -1);
}

/* ---- R9 categories ------------------------------------------------------------ */

Test(categories, salesforce_codes)
{
    cr_assert_eq(cs_conn_category_salesforce("INVALID_EMAIL_ADDRESS"), CS_CAT_PROPERTY_VALUES);
    cr_assert_eq(cs_conn_category_salesforce("STRING_TOO_LONG"), CS_CAT_PROPERTY_VALUES);
    cr_assert_eq(cs_conn_category_salesforce("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
                 CS_CAT_PROPERTY_VALUES);
    cr_assert_eq(cs_conn_category_salesforce("REQUIRED_FIELD_MISSING"), CS_CAT_PROPERTY_VALUES);
    cr_assert_eq(cs_conn_category_salesforce("INVALID_TYPE_ON_FIELD_IN_RECORD"),
                 CS_CAT_PROPERTY_VALUES);
    cr_assert_eq(cs_conn_category_salesforce("DUPLICATE_VALUE"), CS_CAT_DUPLICATES);
    cr_assert_eq(cs_conn_category_salesforce("DUPLICATES_DETECTED"), CS_CAT_DUPLICATES);
    cr_assert_eq(cs_conn_category_salesforce("FIELD_CUSTOM_VALIDATION_EXCEPTION"),
                 CS_CAT_CUSTOM_CODE);
    cr_assert_eq(cs_conn_category_salesforce("CANNOT_EXECUTE_FLOW_TRIGGER"), CS_CAT_CUSTOM_CODE);
    cr_assert_eq(cs_conn_category_salesforce("INSUFFICIENT_ACCESS_OR_READONLY"),
                 CS_CAT_PERMISSIONS);
    cr_assert_eq(cs_conn_category_salesforce("INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY"),
                 CS_CAT_PERMISSIONS);
    cr_assert_eq(cs_conn_category_salesforce("REQUEST_LIMIT_EXCEEDED"), CS_CAT_SUSPENSION);
    cr_assert_eq(cs_conn_category_salesforce("INVALID_CROSS_REFERENCE_KEY"), CS_CAT_ASSOCIATIONS);
    cr_assert_str_eq(cs_category_name(CS_CAT_CUSTOM_CODE), "custom_code");
    cr_assert_str_eq(cs_category_name(CS_CAT_PROPERTY_VALUES), "property_values");
}

Test(categories, hubspot_errors)
{
    cr_assert_eq(cs_conn_category_hubspot(409, "CONFLICT", NULL), CS_CAT_DUPLICATES);
    cr_assert_eq(cs_conn_category_hubspot(400, "VALIDATION_ERROR", "INVALID_EMAIL"),
                 CS_CAT_PROPERTY_VALUES);
    cr_assert_eq(cs_conn_category_hubspot(400, "VALIDATION_ERROR", "INVALID_OWNER_ID"),
                 CS_CAT_PERMISSIONS);
    cr_assert_eq(cs_conn_category_hubspot(401, "INVALID_AUTHENTICATION", NULL), CS_CAT_SUSPENSION);
    cr_assert_eq(cs_conn_category_hubspot(429, "RATE_LIMITS", NULL), CS_CAT_SUSPENSION);
    cr_assert_eq(cs_conn_category_hubspot(403, "MISSING_SCOPES", NULL), CS_CAT_PERMISSIONS);
    cr_assert_eq(cs_conn_category_for_err(CS_ERR_AUTH), CS_CAT_SUSPENSION);
    cr_assert_eq(cs_conn_category_for_err(CS_ERR_RATE_LIMIT), CS_CAT_SUSPENSION);
}

Test(categories, hubspot_existing_id)
{
    char id[32];
    cr_assert(
        cs_hubspot_existing_id("Contact already exists. Existing ID: 37765128953", id, sizeof id));
    cr_assert_str_eq(id, "37765128953");
    cr_assert_not(cs_hubspot_existing_id("Contact already exists.", id, sizeof id));
    cr_assert_not(cs_hubspot_existing_id("Existing ID: ", id, sizeof id));
    cr_assert_not(cs_hubspot_existing_id("Existing ID: 123456", id, 4), "too long for the buffer");
}

Test(categories, refused_result_keeps_the_api_message)
{
    cs_write_result r;
    char longmsg[2000];
    memset(longmsg, 'x', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    cs_write_result_refuse(&r, CS_CAT_PROPERTY_VALUES, "STRING_TOO_LONG", "LastName", longmsg);
    cr_assert_eq(r.status, CS_WRITE_REFUSED);
    cr_assert_str_eq(r.code, "STRING_TOO_LONG");
    cr_assert_str_eq(r.fields, "LastName");
    cr_assert_eq(strlen(r.message), CS_WRITE_MESSAGE_MAX - 1, "truncated, terminated");
    cs_write_result_ok(&r, "003000000000001AAA", true);
    cr_assert_eq(r.status, CS_WRITE_OK);
    cr_assert(r.created);
    cr_assert_str_eq(r.id, "003000000000001AAA");
}
