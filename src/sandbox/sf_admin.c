/* Sandbox-only admin routes of the Salesforce emulation (no real API has
 * them; no auth): lead conversion (SPEC C14: Lead -> Contact + Account,
 * IsConverted, ConvertedContactId, ConvertedAccountId, ConvertedDate), and
 * schema changes: define a custom object, add custom fields to any object.
 * Definitions are stored in sf_custom and survive restarts. Errors answer
 * 400/404 {"error": "..."} naming the offending input. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sf_int.h"

#define NAME_MAX_LEN  40
#define LABEL_MAX_LEN 80
#define FIELDS_MAX    100
#define PICKLIST_MAX  500

static json_t *admin_body(const sb_request *req, sb_response *res)
{
    char why[200];
    json_t *j = sb_body_json(req, why, sizeof why);
    if (!json_is_object(j)) {
        sb_respond_admin_error(res, 400, "body must be a JSON object%s%s", j ? "" : ": ",
                               j ? "" : why);
        json_decref(j);
        return NULL;
    }
    return j;
}

/* --- lead conversion ----------------------------------------------------- */

static const char *const lead_to_contact[][2] = {
    {"FirstName", "FirstName"},
    {"LastName", "LastName"},
    {"Salutation", "Salutation"},
    {"Title", "Title"},
    {"Email", "Email"},
    {"Phone", "Phone"},
    {"Fax", "Fax"},
    {"MobilePhone", "MobilePhone"},
    {"LeadSource", "LeadSource"},
    {"Description", "Description"},
    {"HasOptedOutOfEmail", "HasOptedOutOfEmail"},
    {"DoNotCall", "DoNotCall"},
    {"Street", "MailingStreet"},
    {"City", "MailingCity"},
    {"State", "MailingState"},
    {"PostalCode", "MailingPostalCode"},
    {"Country", "MailingCountry"},
    {"OwnerId", "OwnerId"},
};

static const char *const lead_to_account[][2] = {
    {"Company", "Name"},
    {"Phone", "Phone"},
    {"Website", "Website"},
    {"Industry", "Industry"},
    {"AnnualRevenue", "AnnualRevenue"},
    {"NumberOfEmployees", "NumberOfEmployees"},
    {"Street", "BillingStreet"},
    {"City", "BillingCity"},
    {"State", "BillingState"},
    {"PostalCode", "BillingPostalCode"},
    {"Country", "BillingCountry"},
    {"OwnerId", "OwnerId"},
    {"Rating", "Rating"},
};

static json_t *copy_fields(json_t *lead, const char *const map[][2], size_t n)
{
    json_t *out = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(lead, map[i][0]);
        if (v && !json_is_null(v))
            json_object_set(out, map[i][1], v);
    }
    return out;
}

/* An existing live record of the given object, or an answered 400. */
static int existing(sf_tx *tx, const char *object, const char *text, char id[SF_ID_LEN + 1],
                    json_t **data, sb_response *res)
{
    bool deleted = false;
    cs_err err;
    const sf_object *o = sf_schema_object(tx->schema, object);
    if (text == NULL || sf_id_normalize(text, id) != 0 ||
        sf_schema_object_by_prefix(tx->schema, id) != o) {
        sb_respond_admin_error(res, 400, "'%.40s' is not a %s id", text ? text : "", object);
        return -1;
    }
    int rc = sf_store_get(tx, id, data, &deleted, &err);
    if (rc < 0) {
        sb_respond_admin_error(res, 500, "%s", err.message);
        return -1;
    }
    if (rc == 1 || deleted) {
        if (rc == 0)
            json_decref(*data);
        sb_respond_admin_error(res, 404, "%s %s does not exist", object, id);
        return -1;
    }
    return 0;
}

static int create_from_lead(sf_tx *tx, const char *object, json_t *rec, char id[SF_ID_LEN + 1],
                            sb_response *res)
{
    sf_save s;
    sf_save_init(&s);
    cs_err err;
    int rc = sf_write_create(tx, sf_schema_object(tx->schema, object), rec, &s, &err);
    if (rc != 0)
        sb_respond_admin_error(res, 500, "%s", err.message);
    else if (!s.ok)
        sb_respond_admin_error(res, 400, "cannot create the %s: %s: %s", object, s.err.code,
                               s.err.message);
    else
        memcpy(id, s.id, sizeof s.id);
    sf_save_dispose(&s);
    json_decref(rec);
    return rc == 0 && s.ok ? 0 : -1;
}

static void convert(sf_tx *tx, json_t *body, sb_response *res)
{
    const char *status = json_string_value(json_object_get(body, "convertedStatus"));
    const sf_object *lead_o = sf_schema_object(tx->schema, "Lead");
    const sf_field *status_f = sf_object_field(lead_o, "Status");
    if (status == NULL)
        status = "Closed - Converted";
    else if (!sf_picklist_has(status_f->picklist, status, strlen(status))) {
        sb_respond_admin_error(res, 400, "convertedStatus '%.60s' is not a Lead Status value",
                               status);
        return;
    }
    char lead_id[SF_ID_LEN + 1], account_id[SF_ID_LEN + 1], contact_id[SF_ID_LEN + 1];
    json_t *lead = NULL, *account = NULL, *contact = NULL;
    if (existing(tx, "Lead", json_string_value(json_object_get(body, "leadId")), lead_id, &lead,
                 res) != 0)
        return;
    if (json_is_true(json_object_get(lead, "IsConverted"))) {
        json_decref(lead);
        sb_respond_admin_error(res, 400, "Lead %s is already converted", lead_id);
        return;
    }
    const char *acc = json_string_value(json_object_get(body, "accountId"));
    const char *con = json_string_value(json_object_get(body, "contactId"));
    int rc = 0;
    if (acc)
        rc = existing(tx, "Account", acc, account_id, &account, res);
    else
        rc = create_from_lead(
            tx, "Account",
            copy_fields(lead, lead_to_account, sizeof lead_to_account / sizeof lead_to_account[0]),
            account_id, res);
    if (rc == 0 && con) {
        rc = existing(tx, "Contact", con, contact_id, &contact, res);
    } else if (rc == 0) {
        json_t *rec =
            copy_fields(lead, lead_to_contact, sizeof lead_to_contact / sizeof lead_to_contact[0]);
        json_object_set_new(rec, "AccountId", json_string(account_id));
        rc = create_from_lead(tx, "Contact", rec, contact_id, res);
    }
    if (rc == 0) {
        /* IsConverted and the Converted* fields are read-only through the
         * API: written here directly, with a new SystemModstamp. */
        char today[CS_TIME_TEXT_MAX];
        cs_time_format_date(tx->stamp_ms, today);
        json_object_set_new(lead, "IsConverted", json_true());
        json_object_set_new(lead, "ConvertedContactId", json_string(contact_id));
        json_object_set_new(lead, "ConvertedAccountId", json_string(account_id));
        json_object_set_new(lead, "ConvertedDate", json_string(today));
        json_object_set_new(lead, "Status", json_string(status));
        json_object_set_new(lead, "LastModifiedDate", json_string(tx->stamp));
        json_object_set_new(lead, "SystemModstamp", json_string(tx->stamp));
        cs_err err;
        if (sf_store_update(tx, lead_o, lead_id, lead, false, &err) != 0 ||
            sf_tx_commit(tx, &err) != 0)
            sb_respond_admin_error(res, 500, "%s", err.message);
        else
            sb_respond_json(res, 200,
                            json_pack("{s:s,s:s,s:s,s:n,s:b}", "leadId", lead_id, "accountId",
                                      account_id, "contactId", contact_id, "opportunityId",
                                      "success", 1));
    }
    json_decref(lead);
    json_decref(account);
    json_decref(contact);
}

void sf_h_admin_convert(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    json_t *body = admin_body(req, res);
    if (body == NULL)
        return;
    sf_tx tx;
    cs_err err;
    if (sf_tx_begin(ctx, &tx, SF_VERSION_MAX, &err) != 0)
        sb_respond_admin_error(res, 500, "%s", err.message);
    else
        convert(&tx, body, res);
    sf_tx_end(&tx);
    json_decref(body);
}

/* --- custom objects and fields ------------------------------------------- */

/* API names: a letter, then letters, digits and single underscores, ending
 * in "__c"; at most 40 characters. */
static bool custom_name_ok(const char *name)
{
    size_t len = strlen(name);
    if (len < 4 || len > NAME_MAX_LEN || strcmp(name + len - 3, "__c") != 0 ||
        !isalpha((unsigned char)name[0]))
        return false;
    for (size_t i = 0; i < len - 3; i++) {
        if (!isalnum((unsigned char)name[i]) && name[i] != '_')
            return false;
        if (name[i] == '_' && (name[i + 1] == '_' || i + 1 == len - 3))
            return false;
    }
    return true;
}

static const char *label_of(json_t *def, const char *key, sb_response *res, const char *what)
{
    const char *label = json_string_value(json_object_get(def, key));
    if (label == NULL || label[0] == '\0' || strlen(label) > LABEL_MAX_LEN) {
        sb_respond_admin_error(res, 400,
                               "%s: \"%s\" must be a non-empty string of at most %d characters",
                               what, key, LABEL_MAX_LEN);
        return NULL;
    }
    return label;
}

/* Picklist values: ["a", "b"] or [{"value","label","default"}]. */
static int picklist_of(json_t *in, json_t *def, const char *fname, sb_response *res)
{
    if (!json_is_array(in) || json_array_size(in) == 0 || json_array_size(in) > PICKLIST_MAX) {
        sb_respond_admin_error(res, 400,
                               "field %s: picklistValues must be a non-empty array (at most %d)",
                               fname, PICKLIST_MAX);
        return -1;
    }
    cs_buf list;
    cs_buf_init(&list, 1 << 20);
    size_t i;
    json_t *v;
    json_array_foreach(in, i, v)
    {
        const char *value = json_is_string(v) ? json_string_value(v)
                                              : json_string_value(json_object_get(v, "value"));
        const char *label =
            json_is_object(v) ? json_string_value(json_object_get(v, "label")) : NULL;
        if (value == NULL || value[0] == '\0' || strlen(value) > 255 || strpbrk(value, "\n\t;") ||
            (label && strpbrk(label, "\n\t"))) {
            cs_buf_free(&list);
            sb_respond_admin_error(
                res, 400,
                "field %s: picklist value %zu must be a non-empty string of at most 255 "
                "characters without tabs, newlines or ';'",
                fname, i);
            return -1;
        }
        if (json_is_true(json_object_get(v, "default")))
            json_object_set_new(def, "defaultValue", json_string(value));
        cs_buf_appendf(&list, "%s%s%s%s", i ? "\n" : "", value, label ? "\t" : "",
                       label ? label : "");
    }
    json_object_set_new(def, "picklist", json_string(cs_buf_str(&list)));
    cs_buf_free(&list);
    return 0;
}

static int int_of(json_t *in, const char *key, int def, int min, int max, const char *fname,
                  int *out, sb_response *res)
{
    json_t *v = json_object_get(in, key);
    if (v == NULL) {
        *out = def;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        sb_respond_admin_error(res, 400, "field %s: %s must be an integer between %d and %d", fname,
                               key, min, max);
        return -1;
    }
    *out = (int)json_integer_value(v);
    return 0;
}

/* Turns one admin field definition into the stored form. */
static json_t *field_def(sf_tx *tx, const char *object, json_t *in, sb_response *res)
{
    if (!json_is_object(in)) {
        sb_respond_admin_error(res, 400, "each field must be a JSON object");
        return NULL;
    }
    const char *name = json_string_value(json_object_get(in, "name"));
    if (name == NULL || !custom_name_ok(name)) {
        sb_respond_admin_error(
            res, 400,
            "field name '%.60s' is not a custom field API name (letters, digits and "
            "single underscores, ending in __c, at most %d characters)",
            name ? name : "", NAME_MAX_LEN);
        return NULL;
    }
    const char *type_name = json_string_value(json_object_get(in, "type"));
    sf_type type;
    if (type_name == NULL || sf_type_parse(type_name, &type) != 0 || type == SF_T_ID ||
        type == SF_T_ADDRESS) {
        sb_respond_admin_error(
            res, 400,
            "field %s: type must be one of string, textarea, email, phone, url, "
            "picklist, multipicklist, boolean, int, double, currency, percent, date, "
            "datetime, reference",
            name);
        return NULL;
    }
    const char *label = json_object_get(in, "label") ? label_of(in, "label", res, name) : name;
    if (label == NULL)
        return NULL;
    bool required = json_is_true(json_object_get(in, "required"));
    bool ext = json_is_true(json_object_get(in, "externalId"));
    bool uniq = json_is_true(json_object_get(in, "unique"));
    bool restricted = json_is_true(json_object_get(in, "restricted"));
    json_t *def = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", "field", "object", object, "name",
                            name, "label", label, "type", type_name);
    int length = 0, precision = 0, scale = 0;
    bool text = type == SF_T_STRING || type == SF_T_EMAIL || type == SF_T_PHONE || type == SF_T_URL;
    int rc = 0;
    if (text)
        rc = int_of(in, "length",
                    type == SF_T_EMAIL   ? 80
                    : type == SF_T_PHONE ? 40
                                         : 255,
                    1, 255, name, &length, res);
    else if (type == SF_T_TEXTAREA)
        rc = int_of(in, "length", 255, 1, 131072, name, &length, res);
    else if (type == SF_T_PICKLIST || type == SF_T_MULTIPICKLIST)
        length = type == SF_T_PICKLIST ? 255 : 4099;
    else if (type == SF_T_REFERENCE)
        length = SF_ID_LEN;
    if (rc == 0 && (type == SF_T_INT || type == SF_T_DOUBLE || type == SF_T_CURRENCY ||
                    type == SF_T_PERCENT)) {
        rc = int_of(in, "precision", 18, 1, 18, name, &precision, res);
        if (rc == 0)
            rc = int_of(in, "scale", type == SF_T_INT ? 0 : 2, 0, precision, name, &scale, res);
    }
    if (rc == 0 && (type == SF_T_PICKLIST || type == SF_T_MULTIPICKLIST))
        rc = picklist_of(json_object_get(in, "picklistValues"), def, name, res);
    if (rc == 0 && ext && !(text || type == SF_T_INT || type == SF_T_DOUBLE)) {
        sb_respond_admin_error(res, 400,
                               "field %s: only text, email, phone, url and number fields can be "
                               "external ids",
                               name);
        rc = -1;
    }
    if (rc == 0 && type == SF_T_REFERENCE) {
        const char *to = json_string_value(json_object_get(in, "referenceTo"));
        const sf_object *target = to ? sf_schema_object(tx->schema, to) : NULL;
        if (target == NULL) {
            sb_respond_admin_error(res, 400, "field %s: referenceTo must name an existing object",
                                   name);
            rc = -1;
        } else {
            char rel[NAME_MAX_LEN + 2];
            snprintf(rel, sizeof rel, "%.*s__r", (int)(strlen(name) - 3), name);
            json_object_set_new(def, "referenceTo", json_string(target->name));
            json_object_set_new(def, "relationshipName", json_string(rel));
        }
    }
    if (rc != 0) {
        json_decref(def);
        return NULL;
    }
    unsigned flags = SF_F_CRE | SF_F_UPD;
    if (type == SF_T_BOOLEAN) {
        flags |= SF_F_DEF;
        json_object_set_new(
            def, "defaultValue",
            json_string(json_is_true(json_object_get(in, "defaultValue")) ? "true" : "false"));
    } else if (!required) {
        flags |= SF_F_NIL;
    }
    if (ext)
        flags |= SF_F_EXT | SF_F_LOOKUP;
    if (uniq)
        flags |= SF_F_UNIQ;
    if (restricted && (type == SF_T_PICKLIST || type == SF_T_MULTIPICKLIST))
        flags |= SF_F_RESTR;
    json_object_set_new(def, "length", json_integer(length));
    json_object_set_new(def, "precision", json_integer(precision));
    json_object_set_new(def, "scale", json_integer(scale));
    json_object_set_new(def, "flags", json_integer(flags));
    return def;
}

static int store_def(sf_tx *tx, json_t *def, cs_err *err)
{
    char *text = json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (text && sqlite3_prepare_v2(tx->ctx->db, "INSERT INTO sf_custom(def) VALUES (?)", -1, &st,
                                   NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    free(text);
    if (rc != 0)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
    tx->wrote = true;
    return 0;
}

/* The next free key prefix of custom objects: a00, a01, ... */
static void next_prefix(const sf_schema *s, char out[4])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for (size_t i = 0; i < 62 * 62; i++) {
        out[0] = 'a';
        out[1] = digits[i / 62];
        out[2] = digits[i % 62];
        out[3] = '\0';
        bool used = false;
        for (size_t k = 0; k < s->nobjects && !used; k++)
            used = strcmp(s->objects[k].key_prefix, out) == 0;
        if (!used)
            return;
    }
}

/* Adds the fields of body to object name (already in the schema); answers. */
static int add_fields(sf_tx *tx, const char *name, json_t *fields, json_t *added, sb_response *res)
{
    if (fields == NULL)
        return 0;
    if (!json_is_array(fields) || json_array_size(fields) > FIELDS_MAX) {
        sb_respond_admin_error(res, 400, "fields must be an array of at most %d field definitions",
                               FIELDS_MAX);
        return -1;
    }
    size_t i;
    json_t *in;
    json_array_foreach(fields, i, in)
    {
        json_t *def = field_def(tx, name, in, res);
        cs_err err;
        if (def == NULL)
            return -1;
        if (sf_schema_apply(tx->schema, def, &err) != 0) {
            json_decref(def);
            sb_respond_admin_error(res, 400, "%s", err.message);
            return -1;
        }
        int rc = store_def(tx, def, &err);
        json_array_append_new(added, json_string(json_string_value(json_object_get(def, "name"))));
        json_decref(def);
        if (rc != 0) {
            sb_respond_admin_error(res, 500, "%s", err.message);
            return -1;
        }
    }
    return 0;
}

static void define(sf_tx *tx, json_t *body, const char *object, sb_response *res)
{
    const char *name = object ? object : json_string_value(json_object_get(body, "name"));
    if (name == NULL) {
        sb_respond_admin_error(res, 400,
                               "\"name\" is required (an object API name such as Thing__c)");
        return;
    }
    const sf_object *o = sf_schema_object(tx->schema, name);
    json_t *added = json_array();
    bool created = false;
    char prefix[4] = "";
    if (o == NULL && object) {
        sb_respond_admin_error(res, 404, "no such object %.60s", object);
        json_decref(added);
        return;
    }
    if (o == NULL) {
        if (!custom_name_ok(name)) {
            sb_respond_admin_error(
                res, 400,
                "object name '%.60s' is not a custom object API name (letters, digits "
                "and single underscores, ending in __c, at most %d characters)",
                name, NAME_MAX_LEN);
            json_decref(added);
            return;
        }
        const char *label = label_of(body, "label", res, name);
        const char *plural =
            json_object_get(body, "labelPlural") ? label_of(body, "labelPlural", res, name) : label;
        if (label == NULL || plural == NULL) {
            json_decref(added);
            return;
        }
        next_prefix(tx->schema, prefix);
        char name_label[LABEL_MAX_LEN + 8];
        snprintf(name_label, sizeof name_label, "%s Name", label);
        json_t *def =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "object", "name", name, "label", label,
                      "labelPlural", plural, "keyPrefix", prefix, "nameLabel", name_label);
        cs_err err;
        int rc = sf_schema_apply(tx->schema, def, &err);
        if (rc == 0)
            rc = store_def(tx, def, &err);
        json_decref(def);
        if (rc != 0) {
            sb_respond_admin_error(res, 500, "%s", err.message);
            json_decref(added);
            return;
        }
        created = true;
        o = sf_schema_object(tx->schema, name);
    }
    const char *canonical = o->name;
    if (add_fields(tx, canonical, json_object_get(body, "fields"), added, res) == 0) {
        cs_err err;
        o = sf_schema_object(tx->schema, canonical);
        if (sf_tx_commit(tx, &err) != 0) {
            sb_respond_admin_error(res, 500, "%s", err.message);
        } else {
            sb_respond_json(res, created ? 201 : 200,
                            json_pack("{s:s,s:s,s:b,s:O}", "name", o->name, "keyPrefix",
                                      o->key_prefix, "created", created, "fieldsAdded", added));
        }
    }
    json_decref(added);
}

void sf_h_admin_define(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    json_t *body = admin_body(req, res);
    if (body == NULL)
        return;
    sf_tx tx;
    cs_err err;
    if (sf_tx_begin(ctx, &tx, SF_VERSION_MAX, &err) != 0)
        sb_respond_admin_error(res, 500, "%s", err.message);
    else
        define(&tx, body, NULL, res);
    sf_tx_end(&tx);
    json_decref(body);
}

void sf_h_admin_fields(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    json_t *body = admin_body(req, res);
    if (body == NULL)
        return;
    sf_tx tx;
    cs_err err;
    if (json_object_get(body, "fields") == NULL)
        sb_respond_admin_error(res, 400, "\"fields\" is required");
    else if (sf_tx_begin(ctx, &tx, SF_VERSION_MAX, &err) != 0)
        sb_respond_admin_error(res, 500, "%s", err.message);
    else {
        define(&tx, body, sb_param(req, "object"), res);
        sf_tx_end(&tx);
    }
    json_decref(body);
}
