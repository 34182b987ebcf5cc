/* The schema a request works with: the standard objects from the static
 * tables, plus custom objects and fields merged from their stored
 * definitions, each object with a small hash index for case-insensitive field
 * lookups (validation looks fields up for every value of every record). */
#include "sandbox/sf_schema.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sb.h"

typedef const sf_field *(*builtin_fn)(size_t *n);

static const struct {
    const char *name, *label, *plural, *prefix;
    unsigned flags;
    builtin_fn fields;
} builtin_objects[] = {
    {"Account", "Account", "Accounts", "001", SF_O_CREATE | SF_O_UPDATE | SF_O_DELETE,
     sf_builtin_account_fields},
    {"Campaign", "Campaign", "Campaigns", "701", SF_O_CREATE | SF_O_UPDATE | SF_O_DELETE,
     sf_builtin_campaign_fields},
    {"CampaignMember", "Campaign Member", "Campaign Members", "00v",
     SF_O_CREATE | SF_O_UPDATE | SF_O_DELETE, sf_builtin_campaignmember_fields},
    {"Contact", "Contact", "Contacts", "003",
     SF_O_CREATE | SF_O_UPDATE | SF_O_DELETE | SF_O_NAME_COMPOUND, sf_builtin_contact_fields},
    {"Lead", "Lead", "Leads", "00Q", SF_O_CREATE | SF_O_UPDATE | SF_O_DELETE | SF_O_NAME_COMPOUND,
     sf_builtin_lead_fields},
    {"RecordType", "Record Type", "Record Types", "012", 0, sf_builtin_recordtype_fields},
    {"User", "User", "Users", "005", SF_O_CREATE | SF_O_UPDATE | SF_O_NAME_COMPOUND,
     sf_builtin_user_fields},
};

/* Standard fields every custom object has (Name's label is set per object). */
/* clang-format off */
static const sf_field custom_object_fields[] = {
    {"Id", "Record ID", SF_T_ID, 18, 0, 0, SF_F_DEF | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"OwnerId", "Owner ID", SF_T_REFERENCE, 18, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, "Group,User", "Owner", NULL, NULL},
    {"IsDeleted", "Deleted", SF_T_BOOLEAN, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, "false"},
    {"Name", "Name", SF_T_STRING, 80, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD | SF_F_NAME | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"CreatedDate", "Created Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"CreatedById", "Created By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "CreatedBy", NULL, NULL},
    {"LastModifiedDate", "Last Modified Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"LastModifiedById", "Last Modified By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "LastModifiedBy", NULL, NULL},
    {"SystemModstamp", "System Modstamp", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"LastViewedDate", "Last Viewed Date", SF_T_DATETIME, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"LastReferencedDate", "Last Referenced Date", SF_T_DATETIME, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
};
/* clang-format on */

static const char *const type_names[] = {
    [SF_T_ID] = "id",
    [SF_T_STRING] = "string",
    [SF_T_TEXTAREA] = "textarea",
    [SF_T_EMAIL] = "email",
    [SF_T_PHONE] = "phone",
    [SF_T_URL] = "url",
    [SF_T_PICKLIST] = "picklist",
    [SF_T_MULTIPICKLIST] = "multipicklist",
    [SF_T_BOOLEAN] = "boolean",
    [SF_T_INT] = "int",
    [SF_T_DOUBLE] = "double",
    [SF_T_CURRENCY] = "currency",
    [SF_T_PERCENT] = "percent",
    [SF_T_DATE] = "date",
    [SF_T_DATETIME] = "datetime",
    [SF_T_REFERENCE] = "reference",
    [SF_T_ADDRESS] = "address",
};

const char *sf_type_name(sf_type t)
{
    return type_names[t];
}

const char *sf_type_soap(sf_type t)
{
    switch (t) {
    case SF_T_ID:
    case SF_T_REFERENCE:
        return "tns:ID";
    case SF_T_BOOLEAN:
        return "xsd:boolean";
    case SF_T_INT:
        return "xsd:int";
    case SF_T_DOUBLE:
    case SF_T_CURRENCY:
    case SF_T_PERCENT:
        return "xsd:double";
    case SF_T_DATE:
        return "xsd:date";
    case SF_T_DATETIME:
        return "xsd:dateTime";
    case SF_T_ADDRESS:
        return "urn:address";
    default:
        return "xsd:string";
    }
}

int sf_type_parse(const char *name, sf_type *out)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        if (type_names[i] && strcmp(type_names[i], name) == 0) {
            *out = (sf_type)i;
            return 0;
        }
    }
    return -1;
}

bool sf_picklist_has(const char *picklist, const char *value, size_t value_len)
{
    const char *p = picklist;
    while (p && *p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *tab = memchr(p, '\t', len);
        size_t vlen = tab ? (size_t)(tab - p) : len;
        if (vlen == value_len && memcmp(p, value, vlen) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

static uint32_t hash_ci(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (uint32_t)tolower((unsigned char)*s);
        h *= 16777619u;
    }
    return h;
}

static int index_object(sf_object *o)
{
    free(o->slots);
    size_t n = 16;
    while (n < o->nfields * 2)
        n *= 2;
    o->slots = calloc(n, sizeof *o->slots);
    if (o->slots == NULL)
        return -1;
    o->nslots = n;
    for (size_t i = 0; i < o->nfields; i++) {
        size_t h = hash_ci(o->fields[i].name) & (n - 1);
        while (o->slots[h] != 0)
            h = (h + 1) & (n - 1);
        o->slots[h] = (unsigned)(i + 1);
    }
    return 0;
}

const sf_field *sf_object_field(const sf_object *o, const char *name)
{
    if (o == NULL || name == NULL || o->nslots == 0)
        return NULL;
    size_t h = hash_ci(name) & (o->nslots - 1);
    while (o->slots[h] != 0) {
        const sf_field *f = &o->fields[o->slots[h] - 1];
        if (strcasecmp(f->name, name) == 0)
            return f;
        h = (h + 1) & (o->nslots - 1);
    }
    return NULL;
}

const sf_field *sf_object_relationship(const sf_object *o, const char *rel)
{
    for (size_t i = 0; o && i < o->nfields; i++) {
        const sf_field *f = &o->fields[i];
        if (f->type == SF_T_REFERENCE && f->relationship && strcasecmp(f->relationship, rel) == 0)
            return f;
    }
    return NULL;
}

bool sf_object_has_isdeleted(const sf_object *o)
{
    return sf_object_field(o, "IsDeleted") != NULL;
}

const sf_object *sf_schema_object(const sf_schema *s, const char *name)
{
    for (size_t i = 0; s && name && i < s->nobjects; i++)
        if (strcasecmp(s->objects[i].name, name) == 0)
            return &s->objects[i];
    return NULL;
}

const sf_object *sf_schema_object_by_prefix(const sf_schema *s, const char *id)
{
    if (id == NULL || strlen(id) < 3)
        return NULL;
    for (size_t i = 0; i < s->nobjects; i++)
        if (strncmp(s->objects[i].key_prefix, id, 3) == 0)
            return &s->objects[i];
    return NULL;
}

const sf_object *sf_field_target(const sf_schema *s, const sf_field *f)
{
    if (f->reference_to == NULL)
        return NULL;
    const char *p = f->reference_to;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        for (size_t i = 0; i < s->nobjects; i++)
            if (strlen(s->objects[i].name) == len && strncmp(s->objects[i].name, p, len) == 0)
                return &s->objects[i];
        if (end == NULL)
            break;
        p = end + 1;
    }
    return NULL;
}

static sf_object *add_object(sf_schema *s, const char *name, const char *label, const char *plural,
                             const char *prefix, unsigned flags, const sf_field *fields,
                             size_t nfields)
{
    sf_object *objs = realloc(s->objects, (s->nobjects + 1) * sizeof *objs);
    if (objs == NULL)
        return NULL;
    s->objects = objs;
    sf_object *o = &objs[s->nobjects];
    memset(o, 0, sizeof *o);
    o->fields = malloc((nfields ? nfields : 1) * sizeof *o->fields);
    if (o->fields == NULL)
        return NULL;
    memcpy(o->fields, fields, nfields * sizeof *fields);
    o->nfields = o->nbuiltin = nfields;
    o->name = name;
    o->label = label;
    o->label_plural = plural;
    o->key_prefix = prefix;
    o->flags = flags;
    s->nobjects++;
    if (index_object(o) != 0)
        return NULL;
    return o;
}

int sf_schema_builtin(sf_schema **out, cs_err *err)
{
    sf_schema *s = calloc(1, sizeof *s);
    if (s == NULL || (s->defs = json_array()) == NULL) {
        free(s);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    for (size_t i = 0; i < sizeof builtin_objects / sizeof builtin_objects[0]; i++) {
        size_t n;
        const sf_field *f = builtin_objects[i].fields(&n);
        if (add_object(s, builtin_objects[i].name, builtin_objects[i].label,
                       builtin_objects[i].plural, builtin_objects[i].prefix,
                       builtin_objects[i].flags, f, n) == NULL) {
            sf_schema_free(s);
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
    }
    *out = s;
    return 0;
}

static const char *str_or_null(json_t *def, const char *key)
{
    return json_string_value(json_object_get(def, key));
}

static int apply_object(sf_schema *s, json_t *def, cs_err *err)
{
    const char *name = str_or_null(def, "name");
    const char *label = str_or_null(def, "label");
    const char *plural = str_or_null(def, "labelPlural");
    const char *prefix = str_or_null(def, "keyPrefix");
    const char *name_label = str_or_null(def, "nameLabel");
    if (!name || !label || !plural || !prefix || !name_label)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "custom object definition is incomplete");
    if (sf_schema_object(s, name))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "object %s already exists", name);
    sf_object *o = add_object(
        s, name, label, plural, prefix, SF_O_CUSTOM | SF_O_CREATE | SF_O_UPDATE | SF_O_DELETE,
        custom_object_fields, sizeof custom_object_fields / sizeof custom_object_fields[0]);
    if (o == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < o->nfields; i++)
        if (strcmp(o->fields[i].name, "Name") == 0)
            o->fields[i].label = name_label;
    return 0;
}

static int apply_field(sf_schema *s, json_t *def, cs_err *err)
{
    const char *oname = str_or_null(def, "object");
    sf_object *o = (sf_object *)sf_schema_object(s, oname);
    if (o == NULL)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "no such object %s", oname ? oname : "?");
    sf_field f;
    memset(&f, 0, sizeof f);
    f.name = str_or_null(def, "name");
    f.label = str_or_null(def, "label");
    const char *type = str_or_null(def, "type");
    if (!f.name || !f.label || !type || sf_type_parse(type, &f.type) != 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "custom field definition is incomplete");
    if (sf_object_field(o, f.name))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "field %s.%s already exists", o->name, f.name);
    f.length = (int)json_integer_value(json_object_get(def, "length"));
    f.precision = (int)json_integer_value(json_object_get(def, "precision"));
    f.scale = (int)json_integer_value(json_object_get(def, "scale"));
    f.flags = (unsigned)json_integer_value(json_object_get(def, "flags")) | SF_F_CUSTOM;
    f.reference_to = str_or_null(def, "referenceTo");
    f.relationship = str_or_null(def, "relationshipName");
    f.picklist = str_or_null(def, "picklist");
    f.default_value = str_or_null(def, "defaultValue");
    sf_field *fields = realloc(o->fields, (o->nfields + 1) * sizeof *fields);
    if (fields == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    o->fields = fields;
    o->fields[o->nfields++] = f;
    if (index_object(o) != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    return 0;
}

int sf_schema_apply(sf_schema *s, json_t *def, cs_err *err)
{
    const char *kind = str_or_null(def, "kind");
    int rc;
    if (kind && strcmp(kind, "object") == 0)
        rc = apply_object(s, def, err);
    else if (kind && strcmp(kind, "field") == 0)
        rc = apply_field(s, def, err);
    else
        rc = cs_err_set(err, CS_ERR_INVALID_INPUT, "unknown custom definition kind");
    if (rc == 0)
        json_array_append(s->defs, def);
    return rc;
}

int sf_schema_load(sb_ctx *ctx, sf_schema **out, cs_err *err)
{
    sf_schema *s;
    if (sf_schema_builtin(&s, err) != 0)
        return -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT def FROM sf_custom ORDER BY seq", -1, &st, NULL) !=
        SQLITE_OK) {
        cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(ctx->db));
        sf_schema_free(s);
        return -1;
    }
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        json_t *def = text ? json_loads(text, 0, NULL) : NULL;
        if (def == NULL)
            rc = cs_err_set(err, CS_ERR_STORE, "sandbox database: bad custom definition");
        else
            rc = sf_schema_apply(s, def, err);
        json_decref(def);
    }
    sqlite3_finalize(st);
    if (rc != 0) {
        sf_schema_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void sf_schema_free(sf_schema *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nobjects; i++) {
        free(s->objects[i].fields);
        free(s->objects[i].slots);
    }
    free(s->objects);
    json_decref(s->defs);
    free(s);
}
