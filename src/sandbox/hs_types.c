/* HubSpot object types and property definitions: the hs_types and hs_props
 * tables, the built-in contacts/companies types, lookup of a type by any of
 * the names HubSpot accepts in a path, and validation of property
 * definitions (the properties and schemas APIs create them through here). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/hs_int.h"

int hs_types_create_tables(sb_ctx *ctx, cs_err *err)
{
    return sb_exec(ctx,
                   "CREATE TABLE IF NOT EXISTS hs_types("
                   "  type_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
                   "  singular TEXT NOT NULL, fqn TEXT NOT NULL, custom INTEGER NOT NULL,"
                   "  def TEXT NOT NULL);"
                   "CREATE TABLE IF NOT EXISTS hs_props("
                   "  type_id TEXT NOT NULL, name TEXT NOT NULL, def TEXT NOT NULL,"
                   "  PRIMARY KEY(type_id, name)) WITHOUT ROWID;",
                   err);
}

static int insert_type(sb_ctx *ctx, const char *type_id, const char *name, const char *singular,
                       const char *fqn, bool custom, json_t *def, bool replace, cs_err *err)
{
    char *text = json_dumps(def, JSON_COMPACT);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    const char *sql = replace ? "INSERT OR REPLACE INTO hs_types VALUES(?1,?2,?3,?4,?5,?6)"
                              : "INSERT OR IGNORE INTO hs_types VALUES(?1,?2,?3,?4,?5,?6)";
    if (text == NULL) {
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    } else if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
        hs_db_error(ctx, err, "hs_types");
    } else {
        sqlite3_bind_text(st, 1, type_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, singular, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, fqn, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, custom);
        sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : hs_db_error(ctx, err, "hs_types");
    }
    sqlite3_finalize(st);
    free(text);
    return rc;
}

int hs_type_store(sb_ctx *ctx, const char *type_id, const char *name, const char *singular,
                  const char *fqn, json_t *def, cs_err *err)
{
    return insert_type(ctx, type_id, name, singular, fqn, true, def, true, err);
}

static int store_prop(sb_ctx *ctx, const char *type_id, json_t *def, bool replace, cs_err *err)
{
    char *text = json_dumps(def, JSON_COMPACT);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    const char *sql = replace ? "INSERT OR REPLACE INTO hs_props VALUES(?1,?2,?3)"
                              : "INSERT OR IGNORE INTO hs_props VALUES(?1,?2,?3)";
    if (text == NULL) {
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    } else if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
        hs_db_error(ctx, err, "hs_props");
    } else {
        sqlite3_bind_text(st, 1, type_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, json_string_value(json_object_get(def, "name")), -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : hs_db_error(ctx, err, "hs_props");
    }
    sqlite3_finalize(st);
    free(text);
    hs_types_invalidate(ctx);
    return rc;
}

int hs_prop_store(sb_ctx *ctx, const char *type_id, json_t *def, cs_err *err)
{
    return store_prop(ctx, type_id, def, true, err);
}

int hs_props_install_builtin(sb_ctx *ctx, const char *type_id, int64_t now_ms, cs_err *err)
{
    json_t *props = hs_builtin_props(type_id, now_ms);
    size_t i;
    json_t *p;
    int rc = 0;
    json_array_foreach(props, i, p)
    {
        if (store_prop(ctx, type_id, p, false, err) != 0) {
            rc = -1;
            break;
        }
    }
    json_decref(props);
    return rc;
}

static json_t *builtin_def(const char *singular, const char *plural, const char *primary,
                           const char *searchable, int64_t now_ms)
{
    char when[CS_TIME_TEXT_MAX];
    cs_time_format_hubspot(now_ms, when);
    json_t *search = json_array();
    for (const char *p = searchable; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        json_array_append_new(search, json_stringn(p, len));
        p += len + (comma != NULL);
    }
    return json_pack("{s:{s:s,s:s},s:s,s:[],s:o,s:[],s:s,s:s,s:b}", "labels", "singular", singular,
                     "plural", plural, "primaryDisplayProperty", primary, "requiredProperties",
                     "searchableProperties", search, "secondaryDisplayProperties", "createdAt",
                     when, "updatedAt", when, "archived", 0);
}

int hs_types_install_builtin(sb_ctx *ctx, cs_err *err)
{
    int64_t now = cs_time_now_ms();
    json_t *contacts =
        builtin_def("Contact", "Contacts", "email", "firstname,lastname,email,phone,company", now);
    json_t *companies =
        builtin_def("Company", "Companies", "name", "name,domain,phone,website", now);
    int rc = insert_type(ctx, HS_CONTACTS, "contacts", "contact", "contacts", false, contacts,
                         false, err);
    if (rc == 0)
        rc = insert_type(ctx, HS_COMPANIES, "companies", "company", "companies", false, companies,
                         false, err);
    json_decref(contacts);
    json_decref(companies);
    if (rc == 0)
        rc = hs_props_install_builtin(ctx, HS_CONTACTS, now, err);
    if (rc == 0)
        rc = hs_props_install_builtin(ctx, HS_COMPANIES, now, err);
    return rc;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return strdup(t ? (const char *)t : "");
}

static int load_types(sb_ctx *ctx, hs_state *hs)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT type_id, name, singular, fqn, custom, def FROM hs_types"
                           " ORDER BY rowid",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (hs->ntypes == cap) {
            cap = cap ? cap * 2 : 8;
            hs_type *n = realloc(hs->types, cap * sizeof *n);
            if (n == NULL)
                break;
            hs->types = n;
        }
        hs_type *t = &hs->types[hs->ntypes];
        memset(t, 0, sizeof *t);
        t->type_id = dup_col(st, 0);
        t->name = dup_col(st, 1);
        t->singular = dup_col(st, 2);
        t->fqn = dup_col(st, 3);
        t->custom = sqlite3_column_int(st, 4) != 0;
        const char *def = (const char *)sqlite3_column_text(st, 5);
        t->def = def ? json_loads(def, 0, NULL) : NULL;
        if (t->def == NULL)
            t->def = json_object();
        hs->ntypes++;
    }
    sqlite3_finalize(st);
    hs->types_loaded = true;
    return 0;
}

const hs_type *hs_type_find(sb_ctx *ctx, const char *segment)
{
    hs_state *hs = hs_state_get(ctx);
    if (hs == NULL || segment == NULL)
        return NULL;
    if (!hs->types_loaded && load_types(ctx, hs) != 0)
        return NULL;
    for (size_t i = 0; i < hs->ntypes; i++) {
        const hs_type *t = &hs->types[i];
        if (strcmp(t->type_id, segment) == 0 || strcasecmp(t->name, segment) == 0 ||
            strcasecmp(t->singular, segment) == 0 || strcasecmp(t->fqn, segment) == 0)
            return t;
    }
    return NULL;
}

json_t *hs_type_props(sb_ctx *ctx, const hs_type *ct)
{
    hs_type *t = (hs_type *)ct; /* the cache is part of the request state */
    if (t->props)
        return t->props;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT def FROM hs_props WHERE type_id = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, t->type_id, -1, SQLITE_STATIC);
    json_t *props = json_object();
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        json_t *def = text ? json_loads(text, 0, NULL) : NULL;
        const char *name = json_string_value(json_object_get(def, "name"));
        if (name)
            json_object_set_new(props, name, def);
        else
            json_decref(def);
    }
    sqlite3_finalize(st);
    t->props = props;
    return props;
}

json_t *hs_type_prop(sb_ctx *ctx, const hs_type *t, const char *name)
{
    return json_object_get(hs_type_props(ctx, t), name);
}

const char *hs_type_modprop(const hs_type *t)
{
    return strcmp(t->type_id, HS_CONTACTS) == 0 ? "lastmodifieddate" : "hs_lastmodifieddate";
}

const char *hs_type_createprop(const hs_type *t)
{
    return t->custom ? "hs_createdate" : "createdate";
}

bool hs_type_is_modprop(const hs_type *t, const char *name)
{
    return strcmp(name, hs_type_modprop(t)) == 0 || strcmp(name, "hs_lastmodifieddate") == 0;
}

bool hs_type_is_createprop(const hs_type *t, const char *name)
{
    return strcmp(name, hs_type_createprop(t)) == 0 || strcmp(name, "hs_createdate") == 0;
}

void hs_type_upper(const hs_type *t, char *out, size_t size)
{
    size_t i = 0;
    for (; t->singular[i] && i + 1 < size; i++)
        out[i] = (char)toupper((unsigned char)t->singular[i]);
    if (size > 0)
        out[i] = '\0';
}

/* --- property definitions from API input ------------------------------------ */

static bool valid_prop_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 100 || !islower((unsigned char)name[0]))
        return false;
    for (const char *p = name; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

/* HubSpot's type / fieldType pairs. */
static bool field_type_fits(const char *type, const char *field)
{
    static const char *const pairs[][2] = {
        {"string", "text"},
        {"string", "textarea"},
        {"string", "phonenumber"},
        {"string", "html"},
        {"string", "file"},
        {"number", "number"},
        {"number", "calculation_equation"},
        {"date", "date"},
        {"datetime", "date"},
        {"enumeration", "select"},
        {"enumeration", "radio"},
        {"enumeration", "checkbox"},
        {"enumeration", "booleancheckbox"},
        {"bool", "booleancheckbox"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (strcmp(pairs[i][0], type) == 0 && strcmp(pairs[i][1], field) == 0)
            return true;
    return false;
}

static const char *default_field_type(const char *type)
{
    if (strcmp(type, "number") == 0)
        return "number";
    if (strcmp(type, "date") == 0 || strcmp(type, "datetime") == 0)
        return "date";
    if (strcmp(type, "enumeration") == 0)
        return "select";
    if (strcmp(type, "bool") == 0)
        return "booleancheckbox";
    return "text";
}

static json_t *options_from_input(const json_t *in, char *why, size_t why_size)
{
    json_t *out = json_array();
    size_t i;
    const json_t *o;
    json_array_foreach(in, i, o)
    {
        const json_t *label = json_object_get(o, "label");
        const json_t *value = json_object_get(o, "value");
        if (!json_is_string(label) || !json_is_string(value) || json_string_length(value) == 0) {
            (void)snprintf(why, why_size, "options[%zu] needs a string label and a non-empty value",
                           i);
            json_decref(out);
            return NULL;
        }
        const json_t *order = json_object_get(o, "displayOrder");
        const json_t *desc = json_object_get(o, "description");
        json_array_append_new(
            out, json_pack("{s:O,s:O,s:I,s:b,s:s}", "label", label, "value", value, "displayOrder",
                           (json_int_t)(json_is_integer(order) ? json_integer_value(order)
                                                               : (json_int_t)i),
                           "hidden", json_is_true(json_object_get(o, "hidden")), "description",
                           json_is_string(desc) ? json_string_value(desc) : ""));
    }
    return out;
}

json_t *hs_prop_from_input(const json_t *in, bool hubspot_defined, int64_t now_ms, char *why,
                           size_t why_size)
{
    if (!json_is_object(in)) {
        (void)snprintf(why, why_size, "a property definition must be an object");
        return NULL;
    }
    const char *name = json_string_value(json_object_get(in, "name"));
    const char *label = json_string_value(json_object_get(in, "label"));
    const char *type = json_string_value(json_object_get(in, "type"));
    const char *field = json_string_value(json_object_get(in, "fieldType"));
    const char *group = json_string_value(json_object_get(in, "groupName"));
    const char *desc = json_string_value(json_object_get(in, "description"));
    if (name == NULL || !valid_prop_name(name)) {
        (void)snprintf(why, why_size,
                       "Property name '%.100s' is not valid: use lower-case letters, digits and "
                       "underscores, starting with a letter",
                       name ? name : "");
        return NULL;
    }
    if (label == NULL || label[0] == '\0') {
        (void)snprintf(why, why_size, "Property '%s' needs a label", name);
        return NULL;
    }
    if (type == NULL || hs_ptype_from_name(type) == HS_PT_STRING) {
        if (type == NULL || strcmp(type, "string") != 0) {
            (void)snprintf(why, why_size,
                           "Property '%s': type must be one of string, number, date, datetime, "
                           "enumeration, bool",
                           name);
            return NULL;
        }
    }
    if (field == NULL)
        field = default_field_type(type);
    if (!field_type_fits(type, field)) {
        (void)snprintf(why, why_size, "Property '%s': fieldType '%.40s' does not fit type '%s'",
                       name, field, type);
        return NULL;
    }
    json_t *options;
    const json_t *opt_in = json_object_get(in, "options");
    if (strcmp(type, "bool") == 0 && (opt_in == NULL || json_array_size(opt_in) == 0)) {
        options = json_pack("[{s:s,s:s,s:i,s:b},{s:s,s:s,s:i,s:b}]", "label", "Yes", "value",
                            "true", "displayOrder", 0, "hidden", 0, "label", "No", "value", "false",
                            "displayOrder", 1, "hidden", 0);
    } else if (opt_in == NULL || json_is_null(opt_in)) {
        options = json_array();
    } else if (!json_is_array(opt_in)) {
        (void)snprintf(why, why_size, "Property '%s': options must be an array", name);
        return NULL;
    } else {
        options = options_from_input(opt_in, why, why_size);
        if (options == NULL)
            return NULL;
    }
    if (strcmp(type, "enumeration") == 0 && json_array_size(options) == 0) {
        json_decref(options);
        (void)snprintf(why, why_size, "Property '%s': an enumeration needs options", name);
        return NULL;
    }
    char when[CS_TIME_TEXT_MAX];
    cs_time_format_hubspot(now_ms, when);
    const json_t *order = json_object_get(in, "displayOrder");
    return json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:I,s:b,s:b,s:b,s:b,s:b,s:{s:b,s:b,s:b},s:b,s:s,s:s,s:b}",
        "name", name, "label", label, "type", type, "fieldType", field, "description",
        desc ? desc : "", "groupName", group ? group : "", "options", options, "displayOrder",
        (json_int_t)(json_is_integer(order) ? json_integer_value(order) : -1), "calculated", 0,
        "externalOptions", 0, "hasUniqueValue", json_is_true(json_object_get(in, "hasUniqueValue")),
        "hidden", json_is_true(json_object_get(in, "hidden")), "hubspotDefined", hubspot_defined,
        "modificationMetadata", "archivable", 1, "readOnlyDefinition", 0, "readOnlyValue", 0,
        "formField",
        json_object_get(in, "formField") ? json_is_true(json_object_get(in, "formField")) : 1,
        "createdAt", when, "updatedAt", when, "archived", 0);
}
