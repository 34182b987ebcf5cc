/* Validation of Salesforce record values against the built-in schema
 * (sandbox/sf_validate.h): the error codes and messages SPEC R4 records. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/buf.h"
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

TestSuite(sf_validate, .init = setup, .fini = teardown);

/* Validates a create of object with the JSON text body; returns the error
 * code (static) or NULL, and copies the message. */
static const char *check(const char *object, const char *body, sf_write_mode mode, char *message,
                         json_t **out)
{
    const sf_object *o = sf_schema_object(schema, object);
    cr_assert_not_null(o);
    json_t *in = json_loads(body, 0, NULL);
    cr_assert_not_null(in, "test body parses: %s", body);
    sf_verr e;
    sf_verr_init(&e);
    json_t *vals = NULL;
    int rc = sf_validate_record(o, in, mode, &vals, &e);
    if (rc == 0 && mode == SF_WRITE_CREATE)
        rc = sf_validate_required(o, vals, &e);
    const char *code = rc == 0 ? NULL : e.code;
    if (message)
        strcpy(message, e.message);
    if (out)
        *out = vals;
    else
        json_decref(vals);
    sf_verr_dispose(&e);
    json_decref(in);
    return code;
}

Test(sf_validate, valid_lead_is_normalised)
{
    json_t *vals = NULL;
    cr_assert_null(check("Lead",
                         "{\"attributes\":{\"type\":\"Lead\"},\"LastName\":\"Rossi\","
                         "\"Company\":\"Acme\",\"Email\":\"a.b@example.org\","
                         "\"NumberOfEmployees\":\"12\",\"HasOptedOutOfEmail\":true,"
                         "\"OwnerId\":\"00300000003T2PG\"}",
                         SF_WRITE_CREATE, NULL, &vals));
    cr_assert_eq(json_integer_value(json_object_get(vals, "NumberOfEmployees")), 12);
    cr_assert_str_eq(json_string_value(json_object_get(vals, "OwnerId")), "00300000003T2PGAA0");
    cr_assert_null(json_object_get(vals, "attributes"));
    json_decref(vals);
}

Test(sf_validate, field_names_are_case_insensitive_and_canonicalised)
{
    json_t *vals = NULL;
    cr_assert_null(check("Contact", "{\"lastname\":\"X\",\"EMAIL\":\"x@y.io\"}", SF_WRITE_CREATE,
                         NULL, &vals));
    cr_assert_str_eq(json_string_value(json_object_get(vals, "LastName")), "X");
    cr_assert_str_eq(json_string_value(json_object_get(vals, "Email")), "x@y.io");
    json_decref(vals);
}

Test(sf_validate, required_fields_listed_by_api_name)
{
    char msg[SF_VERR_MESSAGE_MAX];
    cr_assert_str_eq(check("Lead", "{\"FirstName\":\"A\"}", SF_WRITE_CREATE, msg, NULL),
                     "REQUIRED_FIELD_MISSING");
    cr_assert_str_eq(msg, "Required fields are missing: [LastName, Company]");
    cr_assert_str_eq(check("Contact", "{}", SF_WRITE_CREATE, msg, NULL), "REQUIRED_FIELD_MISSING");
    cr_assert_str_eq(msg, "Required fields are missing: [LastName]");
    cr_assert_str_eq(check("Account", "{\"Phone\":\"1\"}", SF_WRITE_CREATE, msg, NULL),
                     "REQUIRED_FIELD_MISSING");
    cr_assert_str_eq(msg, "Required fields are missing: [Name]");
    /* Clearing a required field on update. */
    cr_assert_str_eq(check("Lead", "{\"LastName\":null}", SF_WRITE_UPDATE, msg, NULL),
                     "REQUIRED_FIELD_MISSING");
}

Test(sf_validate, string_too_long_uses_the_label)
{
    char msg[SF_VERR_MESSAGE_MAX];
    char body[400];
    snprintf(body, sizeof body, "{\"Name\":\"%0256d\"}", 0);
    cr_assert_str_eq(check("Account", body, SF_WRITE_UPDATE, msg, NULL), "STRING_TOO_LONG");
    cr_assert(strncmp(msg, "Account Name: data value too large: 000", 39) == 0, "%s", msg);
    cr_assert(strstr(msg, "(max length=255)") != NULL, "%s", msg);
    /* Characters, not bytes: 40 two-byte characters fit FirstName (40). */
    cs_buf b;
    cs_buf_init(&b, 1024);
    cs_buf_append_str(&b, "{\"FirstName\":\"");
    for (int i = 0; i < 40; i++)
        cs_buf_append_str(&b, "\xc3\xa9");
    cs_buf_append_str(&b, "\"}");
    cr_assert_null(check("Lead", cs_buf_str(&b), SF_WRITE_UPDATE, NULL, NULL));
    cs_buf_free(&b);
}

Test(sf_validate, email_syntax)
{
    char msg[SF_VERR_MESSAGE_MAX];
    cr_assert_str_eq(check("Lead", "{\"Email\":\"foo\"}", SF_WRITE_UPDATE, msg, NULL),
                     "INVALID_EMAIL_ADDRESS");
    cr_assert_str_eq(msg, "Email: invalid email address: foo");
    const char *bad[] = {"a@b",      "@b.com",   "a@@b.com", "a b@c.com",
                         "a@b..com", "a@.b.com", "a.@b.com"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_not(sf_email_valid(bad[i]), "%s", bad[i]);
    const char *good[] = {"a@b.co", "first.last+tag@sub.example.org", "X_Y@EXAMPLE.COM"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        cr_assert(sf_email_valid(good[i]), "%s", good[i]);
}

Test(sf_validate, restricted_picklist)
{
    char msg[SF_VERR_MESSAGE_MAX];
    cr_assert_str_eq(check("Lead", "{\"GeocodeAccuracy\":\"Galaxy\"}", SF_WRITE_UPDATE, msg, NULL),
                     "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    cr_assert_str_eq(msg, "Geocode Accuracy: bad value for restricted picklist field: Galaxy");
    cr_assert_null(check("Lead", "{\"GeocodeAccuracy\":\"Zip\"}", SF_WRITE_UPDATE, NULL, NULL));
    /* Unrestricted picklists take any value. */
    cr_assert_null(check("Lead", "{\"Industry\":\"Space mining\"}", SF_WRITE_UPDATE, NULL, NULL));
}

Test(sf_validate, unknown_and_read_only_fields)
{
    char msg[SF_VERR_MESSAGE_MAX];
    cr_assert_str_eq(check("Lead", "{\"Foo\":1}", SF_WRITE_UPDATE, msg, NULL), "INVALID_FIELD");
    cr_assert_str_eq(msg, "No such column 'Foo' on sobject of type Lead");
    cr_assert_str_eq(
        check("Lead", "{\"Name\":\"x\",\"IsConverted\":true}", SF_WRITE_UPDATE, msg, NULL),
        "INVALID_FIELD_FOR_INSERT_UPDATE");
    cr_assert(strncmp(msg, "Unable to create/update fields: Name, IsConverted.", 50) == 0, "%s",
              msg);
    cr_assert_str_eq(check("Lead",
                           "{\"Id\":\"00Q000000000001\",\"LastName\":\"x\",\"Company\":\"y\"}",
                           SF_WRITE_CREATE, msg, NULL),
                     "INVALID_FIELD");
}

Test(sf_validate, json_types)
{
    cr_assert_str_eq(check("Lead", "{\"NumberOfEmployees\":\"many\"}", SF_WRITE_UPDATE, NULL, NULL),
                     "INVALID_TYPE_ON_FIELD_IN_RECORD");
    cr_assert_str_eq(check("Lead", "{\"NumberOfEmployees\":1.5}", SF_WRITE_UPDATE, NULL, NULL),
                     "INVALID_TYPE_ON_FIELD_IN_RECORD");
    cr_assert_str_eq(check("Lead", "{\"HasOptedOutOfEmail\":\"yes\"}", SF_WRITE_UPDATE, NULL, NULL),
                     "INVALID_TYPE_ON_FIELD_IN_RECORD");
    cr_assert_str_eq(check("Lead", "{\"Title\":{\"a\":1}}", SF_WRITE_UPDATE, NULL, NULL),
                     "INVALID_TYPE_ON_FIELD_IN_RECORD");
    cr_assert_str_eq(check("Contact", "{\"Birthdate\":\"yesterday\"}", SF_WRITE_UPDATE, NULL, NULL),
                     "INVALID_TYPE_ON_FIELD_IN_RECORD");
    cr_assert_str_eq(
        check("Lead", "{\"NumberOfEmployees\":12345678901}", SF_WRITE_UPDATE, NULL, NULL),
        "NUMBER_OUTSIDE_VALID_RANGE");
}

Test(sf_validate, dates_and_ids_are_normalised)
{
    json_t *vals = NULL;
    cr_assert_null(
        check("Contact",
              "{\"Birthdate\":\"1990-05-17\",\"EmailBouncedDate\":\"2026-01-02T04:04:05+01:00\","
              "\"AccountId\":\"001d000000injveial\"}",
              SF_WRITE_UPDATE, NULL, &vals));
    cr_assert_str_eq(json_string_value(json_object_get(vals, "Birthdate")), "1990-05-17");
    cr_assert_str_eq(json_string_value(json_object_get(vals, "EmailBouncedDate")),
                     "2026-01-02T03:04:05.000+0000");
    cr_assert_str_eq(json_string_value(json_object_get(vals, "AccountId")), "001D000000INjVeIAL");
    json_decref(vals);
    char msg[SF_VERR_MESSAGE_MAX];
    cr_assert_str_eq(check("Contact", "{\"AccountId\":\"nope\"}", SF_WRITE_UPDATE, msg, NULL),
                     "MALFORMED_ID");
    cr_assert_str_eq(msg, "Account ID: id value of incorrect type: nope");
}

Test(sf_validate, error_json_shapes)
{
    sf_verr e;
    sf_verr_init(&e);
    sf_verr_set(&e, "STRING_TOO_LONG", "LastName", "Last Name: %s", "x");
    json_t *single = sf_verr_json(&e, false);
    json_t *coll = sf_verr_json(&e, true);
    cr_assert_str_eq(json_string_value(json_object_get(single, "errorCode")), "STRING_TOO_LONG");
    cr_assert_null(json_object_get(single, "statusCode"));
    cr_assert_str_eq(json_string_value(json_object_get(coll, "statusCode")), "STRING_TOO_LONG");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(coll, "fields"), 0)),
                     "LastName");
    json_decref(single);
    json_decref(coll);
    sf_verr_dispose(&e);
}
