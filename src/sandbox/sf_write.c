/* The write pipeline every Salesforce endpoint goes through (single record,
 * collections, upsert, admin conversion): validation against the schema,
 * reference checks against stored records, defaults, server-maintained
 * fields (Id, audit fields, SystemModstamp, compound Name), uniqueness,
 * validation and duplicate rules (sf_rules_check.c), then storage. A refused record yields a
 * SaveResult error, never a partial write: each record runs inside a savepoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sf_int.h"

void sf_save_init(sf_save *s)
{
    memset(s, 0, sizeof *s);
    sf_verr_init(&s->err);
}

void sf_save_dispose(sf_save *s)
{
    sf_verr_dispose(&s->err);
}

json_t *sf_save_json(const sf_save *s, bool with_created)
{
    json_t *o = json_object();
    if (s->ok)
        json_object_set_new(o, "id", json_string(s->id));
    json_object_set_new(o, "success", json_boolean(s->ok));
    json_t *errors = json_array();
    if (!s->ok)
        sf_verr_json_all(&s->err, true, errors);
    json_object_set_new(o, "errors", errors);
    if (with_created && s->ok)
        json_object_set_new(o, "created", json_boolean(s->created));
    return o;
}

static bool prefix_allowed(const sf_schema *schema, const sf_field *f, const char *id)
{
    const sf_object *target = sf_schema_object_by_prefix(schema, id);
    if (target == NULL || f->reference_to == NULL)
        return false;
    const char *p = f->reference_to;
    size_t len = strlen(target->name);
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, target->name, n) == 0)
            return true;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return false;
}

/* Checks that each reference value in vals points to a live record of an
 * allowed type (and that a new owner is an active user). */
static int check_references(sf_tx *tx, const sf_object *o, json_t *vals, sf_verr *e, cs_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(vals, key, v)
    {
        const sf_field *f = sf_object_field(o, key);
        if (f->type != SF_T_REFERENCE || !json_is_string(v))
            continue;
        const char *id = json_string_value(v);
        if (!prefix_allowed(tx->schema, f, id))
            return sf_verr_set(e, "FIELD_INTEGRITY_EXCEPTION", f->name,
                               "%s: id value of incorrect type: %s", f->label, id);
        json_t *data = NULL;
        bool deleted = false;
        int rc = sf_store_get(tx, id, &data, &deleted, err);
        if (rc < 0)
            return -2;
        if (rc == 1) {
            return sf_verr_set(e, "INVALID_CROSS_REFERENCE_KEY", f->name,
                               "invalid cross reference id");
        }
        bool inactive = json_is_false(json_object_get(data, "IsActive"));
        bool is_user = strncmp(id, "005", 3) == 0;
        json_decref(data);
        if (deleted)
            return sf_verr_set(e, "ENTITY_IS_DELETED", f->name, "entity is deleted");
        if (is_user && inactive && strcmp(f->name, "OwnerId") == 0)
            return sf_verr_set(e, "INACTIVE_OWNER_OR_USER", NULL,
                               "operation performed with inactive user [%s] as owner of %s", id,
                               o->name);
    }
    return 0;
}

/* DUPLICATE_VALUE for unique fields whose value another live record has. */
static int check_unique(sf_tx *tx, const sf_object *o, const char *self, json_t *data, sf_verr *e,
                        cs_err *err)
{
    for (size_t i = 0; i < o->nfields; i++) {
        const sf_field *f = &o->fields[i];
        if (!(f->flags & SF_F_UNIQ) || f->type == SF_T_ID)
            continue;
        json_t *v = json_object_get(data, f->name);
        if (!json_is_string(v))
            continue;
        char ids[2][SF_ID_LEN + 1];
        int n = 0;
        if (sf_store_find_ext(tx, o, f, json_string_value(v), ids, 2, &n, err) != 0)
            return -2;
        for (int k = 0; k < n; k++)
            if (self == NULL || strcmp(ids[k], self) != 0)
                return sf_verr_set(e, "DUPLICATE_VALUE", f->name,
                                   "duplicate value found: %s duplicates value on record with "
                                   "id: %.15s",
                                   f->name, ids[k]);
    }
    return 0;
}

static void set_compound_name(const sf_object *o, json_t *data)
{
    if (!(o->flags & SF_O_NAME_COMPOUND))
        return;
    const char *first = json_string_value(json_object_get(data, "FirstName"));
    const char *last = json_string_value(json_object_get(data, "LastName"));
    first = first ? first : "";
    last = last ? last : "";
    char name[256];
    snprintf(name, sizeof name, "%s%s%s", first, first[0] && last[0] ? " " : "", last);
    json_object_set_new(data, "Name", name[0] ? json_string(name) : json_null());
}

static void apply_defaults(sf_tx *tx, const sf_object *o, json_t *data)
{
    for (size_t i = 0; i < o->nfields; i++) {
        const sf_field *f = &o->fields[i];
        json_t *cur = json_object_get(data, f->name);
        if (cur && !json_is_null(cur))
            continue;
        if (f->type == SF_T_BOOLEAN && f->default_value)
            json_object_set_new(data, f->name, json_boolean(strcmp(f->default_value, "true") == 0));
        else if ((f->flags & SF_F_DEF) && f->default_value &&
                 (f->type == SF_T_PICKLIST || f->type == SF_T_STRING))
            json_object_set_new(data, f->name, json_string(f->default_value));
    }
    if (sf_object_field(o, "OwnerId") && !json_is_string(json_object_get(data, "OwnerId")) &&
        tx->user_id[0])
        json_object_set_new(data, "OwnerId", json_string(tx->user_id));
}

static void stamp_record(sf_tx *tx, json_t *data, bool create)
{
    if (create) {
        json_object_set_new(data, "CreatedDate", json_string(tx->stamp));
        if (tx->user_id[0])
            json_object_set_new(data, "CreatedById", json_string(tx->user_id));
    }
    json_object_set_new(data, "LastModifiedDate", json_string(tx->stamp));
    if (tx->user_id[0])
        json_object_set_new(data, "LastModifiedById", json_string(tx->user_id));
    json_object_set_new(data, "SystemModstamp", json_string(tx->stamp));
}

/* CampaignMember: one of LeadId/ContactId, one membership per person and
 * campaign, and the person's details copied in (read-only fields). */
static int campaign_member(sf_tx *tx, json_t *data, sf_verr *e, cs_err *err)
{
    const char *lead = json_string_value(json_object_get(data, "LeadId"));
    const char *contact = json_string_value(json_object_get(data, "ContactId"));
    const char *campaign = json_string_value(json_object_get(data, "CampaignId"));
    if (lead == NULL && contact == NULL)
        return sf_verr_set(e, "REQUIRED_FIELD_MISSING", "ContactId",
                           "Required fields are missing: [ContactId, LeadId]");
    const char *person = contact ? contact : lead;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(tx->ctx->db,
                           "SELECT 1 FROM sf_records WHERE object = 'CampaignMember' AND "
                           "is_deleted = 0 AND json_extract(data, '$.CampaignId') = ? AND "
                           "json_extract(data, '$.LeadOrContactId') = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
        return -2;
    }
    sqlite3_bind_text(st, 1, campaign ? campaign : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, person, -1, SQLITE_STATIC);
    bool dup = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (dup)
        return sf_verr_set(e, "DUPLICATE_VALUE", NULL, "Already a campaign member.");
    json_t *p = NULL;
    bool deleted = false;
    int rc = sf_store_get(tx, person, &p, &deleted, err);
    if (rc < 0)
        return -2;
    if (rc == 0) {
        static const char *const copied[] = {"Salutation",
                                             "FirstName",
                                             "LastName",
                                             "Name",
                                             "Title",
                                             "Email",
                                             "Phone",
                                             "Fax",
                                             "MobilePhone",
                                             "Description",
                                             "DoNotCall",
                                             "HasOptedOutOfEmail",
                                             "HasOptedOutOfFax",
                                             "LeadSource"};
        for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++) {
            json_t *v = json_object_get(p, copied[i]);
            if (v)
                json_object_set(data, copied[i], v);
        }
        json_t *company = json_object_get(p, "Company");
        if (company)
            json_object_set(data, "CompanyOrAccount", company);
        json_t *owner = json_object_get(p, "OwnerId");
        if (owner)
            json_object_set(data, "LeadOrContactOwnerId", owner);
        json_decref(p);
    }
    json_object_set_new(data, "Type", json_string(contact ? "Contact" : "Lead"));
    json_object_set_new(data, "LeadOrContactId", json_string(person));
    return 0;
}

/* Runs fn inside a savepoint, rolling the record back when it is refused. */
static int finish_record(sf_tx *tx, int rc, sf_save *s, cs_err *err)
{
    if (rc == -2 || (rc < 0 && s->err.code == NULL)) {
        sf_tx_rollback_to(tx, NULL);
        return -1;
    }
    if (rc < 0) {
        s->ok = false;
        return sf_tx_rollback_to(tx, err);
    }
    s->ok = true;
    return sf_tx_release(tx, err);
}

static int create_inner(sf_tx *tx, const sf_object *o, json_t *in, sf_save *s, cs_err *err)
{
    if (!(o->flags & SF_O_CREATE))
        return sf_verr_set(&s->err, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", NULL,
                           "entity type %s does not support create", o->name);
    json_t *vals = NULL;
    if (sf_validate_record(o, in, SF_WRITE_CREATE, &vals, &s->err) != 0)
        return -1;
    int rc = check_references(tx, o, vals, &s->err, err);
    if (rc == 0) {
        apply_defaults(tx, o, vals);
        rc = sf_validate_required(o, vals, &s->err);
    }
    if (rc == 0)
        rc = check_unique(tx, o, NULL, vals, &s->err, err);
    if (rc == 0 && strcmp(o->name, "CampaignMember") == 0)
        rc = campaign_member(tx, vals, &s->err, err);
    if (rc == 0 && strcmp(o->name, "Lead") == 0 &&
        json_is_true(json_object_get(vals, "IsConverted")))
        rc = sf_verr_set(&s->err, "FIELD_INTEGRITY_EXCEPTION", "IsConverted",
                         "Converted: a lead is converted through lead conversion only");
    if (rc == 0) {
        /* Rules see the record as saved, but without its Id yet, as a
         * new record's rules do in Salesforce ("Id = null" holds on create). */
        if (sf_object_has_isdeleted(o))
            json_object_set_new(vals, "IsDeleted", json_false());
        set_compound_name(o, vals);
        rc = sf_rules_enforce(tx, o, NULL, vals, true, &s->err, err);
    }
    if (rc == 0) {
        sf_store_new_id(tx, o, s->id);
        json_object_set_new(vals, "Id", json_string(s->id));
        stamp_record(tx, vals, true);
        rc = sf_store_insert(tx, o, s->id, vals, err) == 0 ? 0 : -2;
        s->created = true;
    }
    json_decref(vals);
    return rc;
}

int sf_write_create(sf_tx *tx, const sf_object *o, json_t *in, sf_save *s, cs_err *err)
{
    if (sf_tx_savepoint(tx, err) != 0)
        return -1;
    return finish_record(tx, create_inner(tx, o, in, s, err), s, err);
}

/* Loads the record to change: MALFORMED_ID, a wrong type, missing or deleted
 * records become SaveResult errors. */
static int load_target(sf_tx *tx, const sf_object **o, const char *id_text, json_t **data,
                       sf_save *s, cs_err *err)
{
    if (id_text == NULL || sf_id_normalize(id_text, s->id) != 0)
        return sf_verr_set(&s->err, "MALFORMED_ID", "Id",
                           "%s ID: id value of incorrect type: %.40s", *o ? (*o)->label : "Record",
                           id_text ? id_text : "");
    const sf_object *actual = sf_schema_object_by_prefix(tx->schema, s->id);
    if (actual == NULL || (*o && actual != *o))
        return sf_verr_set(&s->err, "MALFORMED_ID", "Id", "%s ID: id value of incorrect type: %s",
                           *o ? (*o)->label : "Record", id_text);
    bool deleted = false;
    int rc = sf_store_get(tx, s->id, data, &deleted, err);
    if (rc < 0)
        return -2;
    if (rc == 1)
        return sf_verr_set(&s->err, "INVALID_CROSS_REFERENCE_KEY", NULL,
                           "invalid cross reference id");
    if (deleted) {
        json_decref(*data);
        *data = NULL;
        return sf_verr_set(&s->err, "ENTITY_IS_DELETED", NULL, "entity is deleted");
    }
    *o = actual;
    return 0;
}

static int update_inner(sf_tx *tx, const sf_object *o, const char *id, json_t *in, sf_save *s,
                        cs_err *err)
{
    json_t *data = NULL;
    int rc = load_target(tx, &o, id, &data, s, err);
    if (rc != 0)
        return rc;
    json_t *vals = NULL;
    if (!(o->flags & SF_O_UPDATE))
        rc = sf_verr_set(&s->err, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", NULL,
                         "entity type %s does not support update", o->name);
    else if (strcmp(o->name, "Lead") == 0 && json_is_true(json_object_get(data, "IsConverted")))
        rc = sf_verr_set(&s->err, "CANNOT_UPDATE_CONVERTED_LEAD", NULL,
                         "cannot reference converted lead");
    else
        rc = sf_validate_record(o, in, SF_WRITE_UPDATE, &vals, &s->err);
    if (rc == 0)
        rc = check_references(tx, o, vals, &s->err, err);
    if (rc == 0) {
        json_object_update(data, vals);
        rc = check_unique(tx, o, s->id, data, &s->err, err);
    }
    if (rc == 0) {
        set_compound_name(o, data);
        rc = sf_rules_enforce(tx, o, s->id, data, false, &s->err, err);
    }
    if (rc == 0) {
        stamp_record(tx, data, false);
        rc = sf_store_update(tx, o, s->id, data, false, err) == 0 ? 0 : -2;
    }
    json_decref(vals);
    json_decref(data);
    return rc;
}

int sf_write_update(sf_tx *tx, const sf_object *o, const char *id, json_t *in, sf_save *s,
                    cs_err *err)
{
    if (sf_tx_savepoint(tx, err) != 0)
        return -1;
    return finish_record(tx, update_inner(tx, o, id, in, s, err), s, err);
}

int sf_write_upsert(sf_tx *tx, const sf_object *o, const sf_field *f, const char *value, json_t *in,
                    sf_save *s, cs_err *err)
{
    if (strcmp(f->name, "Id") == 0) {
        char id[SF_ID_LEN + 1];
        if (value[0] == '\0')
            return sf_write_create(tx, o, in, s, err);
        if (sf_id_normalize(value, id) != 0) {
            s->ok = false;
            sf_verr_set(&s->err, "MALFORMED_ID", "Id", "%s ID: id value of incorrect type: %.40s",
                        o->label, value);
            return 0;
        }
        s->matches = 1;
        return sf_write_update(tx, o, id, in, s, err);
    }
    char ids[2][SF_ID_LEN + 1];
    int n = 0;
    if (sf_store_find_ext(tx, o, f, value, ids, 2, &n, err) != 0)
        return -1;
    s->matches = n;
    if (n > 1) {
        memcpy(s->match_ids, ids, sizeof ids);
        s->ok = false;
        sf_verr_set(&s->err, "DUPLICATE_EXTERNAL_ID", f->name,
                    "%s: more than one record found for external id field: [%s, %s]", f->label,
                    ids[0], ids[1]);
        return 0;
    }
    /* The external id value from the path (or the collection record) is part
     * of the record written. */
    json_t *body = json_deep_copy(in);
    if (!json_is_object(body)) {
        json_decref(body);
        body = json_object();
    }
    int rc;
    if (n == 1) {
        json_object_del(body, f->name);
        rc = sf_write_update(tx, o, ids[0], body, s, err);
    } else {
        json_object_set_new(body, f->name, json_string(value));
        rc = sf_write_create(tx, o, body, s, err);
    }
    json_decref(body);
    return rc;
}

/* Salesforce deletes an Account's Contacts with it (the Contacts
 * relationship is cascadeDelete, as describe says): each goes to the
 * recycle bin and shows in /deleted like any delete. */
static int cascade_contacts(sf_tx *tx, const char *account_id, cs_err *err)
{
    const sf_object *contact = sf_schema_object(tx->schema, "Contact");
    if (contact == NULL)
        return 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(tx->ctx->db,
                           "SELECT id FROM sf_records WHERE object = 'Contact' AND is_deleted = 0"
                           " AND json_extract(data, '$.AccountId') = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return cs_err_set(err, CS_ERR_INTERNAL, "sandbox: %s", sqlite3_errmsg(tx->ctx->db));
    sqlite3_bind_text(st, 1, account_id, -1, SQLITE_STATIC);
    json_t *ids = json_array();
    while (ids && sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(ids, json_string((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    if (ids == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    int rc = 0;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        json_t *data = NULL;
        bool deleted = false;
        int got = rc == 0 ? sf_store_get(tx, json_string_value(v), &data, &deleted, err) : 1;
        if (got != 0) {
            rc = got < 0 ? -1 : rc;
            json_decref(data);
            continue;
        }
        json_object_set_new(data, "IsDeleted", json_true());
        stamp_record(tx, data, false);
        rc = sf_store_update(tx, contact, json_string_value(v), data, true, err);
        json_decref(data);
    }
    json_decref(ids);
    return rc;
}

static int delete_inner(sf_tx *tx, const sf_object *o, const char *id, sf_save *s, cs_err *err)
{
    json_t *data = NULL;
    int rc = load_target(tx, &o, id, &data, s, err);
    if (rc != 0) {
        if (s->err.code && strcmp(s->err.code, "MALFORMED_ID") == 0)
            sf_verr_set(&s->err, "MALFORMED_ID", NULL, "bad id %.40s", id ? id : "");
        return rc;
    }
    if (!(o->flags & SF_O_DELETE)) {
        rc = sf_verr_set(&s->err, "INSUFFICIENT_ACCESS_OR_READONLY", NULL,
                         "insufficient access rights on object id");
    } else {
        json_object_set_new(data, "IsDeleted", json_true());
        stamp_record(tx, data, false);
        rc = sf_store_update(tx, o, s->id, data, true, err) == 0 ? 0 : -2;
        if (rc == 0 && strcmp(o->name, "Account") == 0 && cascade_contacts(tx, s->id, err) != 0)
            rc = -2;
    }
    json_decref(data);
    return rc;
}

int sf_write_delete(sf_tx *tx, const sf_object *o, const char *id, sf_save *s, cs_err *err)
{
    if (sf_tx_savepoint(tx, err) != 0)
        return -1;
    return finish_record(tx, delete_inner(tx, o, id, s, err), s, err);
}
