/* Custom object schemas at /crm-object-schemas/v3/schemas (where the official
 * SDK calls them) and /crm/v3/schemas: create (201), list, get by
 * objectTypeId ("2-100001"), name or fully qualified name
 * ("p123456_cars"). A new schema gets the server properties every custom
 * object has, its own properties, and association types to the objects in
 * associatedObjects (SPEC O1, O8: a schema has required properties). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/hs_int.h"

static json_t *schema_json(sb_ctx *ctx, const hs_type *t)
{
    json_t *j = json_deep_copy(t->def);
    json_t *props = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(hs_type_props(ctx, t), k, v)
    {
        json_array_append(props, v);
    }
    json_object_set_new(j, "id", json_string(t->custom ? t->type_id + 2 : t->type_id));
    json_object_set_new(j, "objectTypeId", json_string(t->type_id));
    json_object_set_new(j, "name", json_string(t->name));
    json_object_set_new(j, "fullyQualifiedName", json_string(t->fqn));
    json_object_set_new(j, "properties", props);
    json_object_set_new(j, "associations", hs_assoc_definitions(ctx, t->type_id));
    return j;
}

void hs_h_schemas_list(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)req;
    hs_type_find(ctx, ""); /* loads the types */
    hs_state *st = hs_state_get(ctx);
    json_t *results = json_array();
    for (size_t i = 0; st && i < st->ntypes; i++)
        if (st->types[i].custom)
            json_array_append_new(results, schema_json(ctx, &st->types[i]));
    sb_respond_json(res, 200, json_pack("{s:o}", "results", results));
}

void hs_h_schemas_get(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const char *seg = sb_param(req, "objectType");
    const hs_type *t = hs_type_find(ctx, seg);
    if (t == NULL) {
        char msg[300];
        (void)snprintf(msg, sizeof msg, "Unable to find object type %.200s", seg ? seg : "");
        hs_error(ctx, res, 404, "OBJECT_NOT_FOUND", msg);
        return;
    }
    sb_respond_json(res, 200, schema_json(ctx, t));
}

static bool valid_object_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 60 || !isalpha((unsigned char)name[0]))
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return false;
    return true;
}

/* Every name in list must be a property of the new schema. */
static bool names_defined(const json_t *list, const json_t *props, const char **missing)
{
    size_t i;
    const json_t *n;
    json_array_foreach(list, i, n)
    {
        if (!json_is_string(n) || json_object_get(props, json_string_value(n)) == NULL) {
            *missing = json_is_string(n) ? json_string_value(n) : "?";
            return false;
        }
    }
    return true;
}

static int next_type_number(sb_ctx *ctx)
{
    sqlite3_stmt *st = NULL;
    int n = 100001;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT COALESCE(MAX(CAST(substr(type_id, 3) AS INTEGER)), 100000) + 1"
                           " FROM hs_types WHERE custom = 1",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Validates the egg; returns the new properties (name -> def) or NULL with
 * why filled. */
static json_t *egg_properties(const json_t *egg, int64_t now, char *why, size_t why_size)
{
    const json_t *in = json_object_get(egg, "properties");
    if (!json_is_array(in) || json_array_size(in) == 0) {
        (void)snprintf(why, why_size, "properties must be a non-empty array");
        return NULL;
    }
    if (json_array_size(in) > 500) {
        (void)snprintf(why, why_size, "too many properties");
        return NULL;
    }
    json_t *props = json_object();
    size_t i;
    const json_t *p;
    json_array_foreach(in, i, p)
    {
        json_t *def = hs_prop_from_input(p, false, now, why, why_size);
        if (def == NULL) {
            json_decref(props);
            return NULL;
        }
        json_object_set_new(props, json_string_value(json_object_get(def, "name")), def);
    }
    const char *missing = NULL;
    const json_t *required = json_object_get(egg, "requiredProperties");
    if (!json_is_array(required) || !names_defined(required, props, &missing) ||
        !names_defined(json_object_get(egg, "searchableProperties"), props, &missing) ||
        !names_defined(json_object_get(egg, "secondaryDisplayProperties"), props, &missing)) {
        (void)snprintf(why, why_size,
                       missing
                           ? "Property %.100s is named in the schema but not defined in properties"
                           : "requiredProperties must be an array%s",
                       missing ? missing : "");
        json_decref(props);
        return NULL;
    }
    const char *primary = json_string_value(json_object_get(egg, "primaryDisplayProperty"));
    if (primary && json_object_get(props, primary) == NULL) {
        (void)snprintf(why, why_size, "primaryDisplayProperty %.100s is not defined in properties",
                       primary);
        json_decref(props);
        return NULL;
    }
    return props;
}

/* "CONTACT", "COMPANY", "0-1", "contacts", a custom object's id or name. */
static const char *associated_type(sb_ctx *ctx, const char *name)
{
    const hs_type *t = hs_type_find(ctx, name);
    return t ? t->type_id : NULL;
}

void hs_h_schemas_create(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    json_t *egg = hs_body(ctx, req, res);
    if (egg == NULL)
        return;
    char why[300];
    cs_err err;
    int64_t now = cs_time_now_ms();
    const char *name = json_string_value(json_object_get(egg, "name"));
    const json_t *labels = json_object_get(egg, "labels");
    const json_t *assoc = json_object_get(egg, "associatedObjects");
    json_t *props = NULL;
    if (name == NULL || !valid_object_name(name)) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR",
                 "name is required: letters, digits and underscores, starting with a letter");
    } else if (!json_is_string(json_object_get(labels, "singular")) ||
               !json_is_string(json_object_get(labels, "plural"))) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", "labels needs singular and plural");
    } else if (!json_is_array(assoc)) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", "associatedObjects must be an array");
    } else if (hs_type_find(ctx, name) != NULL) {
        (void)snprintf(why, sizeof why, "Object type with name %.100s already exists", name);
        hs_error(ctx, res, 409, "OBJECT_ALREADY_EXISTS", why);
    } else if ((props = egg_properties(egg, now, why, sizeof why)) == NULL) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", why);
    } else {
        const char *targets[16];
        size_t ntargets = 0;
        size_t i;
        const json_t *a;
        json_array_foreach(assoc, i, a)
        {
            const char *tt = json_is_string(a) ? associated_type(ctx, json_string_value(a)) : NULL;
            if (tt == NULL || ntargets == 16) {
                (void)snprintf(why, sizeof why, "associatedObjects[%zu] is not an object type", i);
                hs_error(ctx, res, 400, "VALIDATION_ERROR", why);
                json_decref(props);
                json_decref(egg);
                return;
            }
            targets[ntargets++] = tt;
        }
        char type_id[32], fqn[128], when[CS_TIME_TEXT_MAX];
        (void)snprintf(type_id, sizeof type_id, "2-%d", next_type_number(ctx));
        (void)snprintf(fqn, sizeof fqn, "p%s_%s", HS_PORTAL_ID, name);
        cs_time_format_hubspot(now, when);
        const json_t *primary = json_object_get(egg, "primaryDisplayProperty");
        const json_t *search = json_object_get(egg, "searchableProperties");
        const json_t *second = json_object_get(egg, "secondaryDisplayProperties");
        const json_t *desc = json_object_get(egg, "description");
        json_t *def = json_pack(
            "{s:O,s:O,s:o,s:o,s:o,s:s,s:s,s:b,s:s}", "labels", labels, "requiredProperties",
            json_object_get(egg, "requiredProperties"), "searchableProperties",
            json_is_array(search) ? json_incref((json_t *)search) : json_array(),
            "secondaryDisplayProperties",
            json_is_array(second) ? json_incref((json_t *)second) : json_array(),
            "primaryDisplayProperty",
            json_is_string(primary) ? json_incref((json_t *)primary) : json_null(), "createdAt",
            when, "updatedAt", when, "archived", 0, "metaType", "PORTAL_SPECIFIC");
        if (json_is_string(desc))
            json_object_set(def, "description", (json_t *)desc);
        /* Copies of the target ids: storing invalidates the loaded types. */
        char target_ids[16][32];
        for (i = 0; i < ntargets; i++)
            (void)snprintf(target_ids[i], sizeof target_ids[i], "%s", targets[i]);
        int rc = hs_begin(ctx, &err) != 0 ||
                 hs_type_store(ctx, type_id, name, name, fqn, def, &err) != 0 ||
                 hs_props_install_builtin(ctx, type_id, now, &err) != 0;
        const char *k;
        json_t *v;
        json_object_foreach(props, k, v)
        {
            if (rc == 0)
                rc = hs_prop_store(ctx, type_id, v, &err) != 0;
        }
        for (i = 0; rc == 0 && i < ntargets; i++)
            rc = hs_assoc_define_pair(ctx, type_id, target_ids[i], &err) != 0;
        if (rc == 0)
            rc = hs_commit(ctx, &err) != 0;
        json_decref(def);
        hs_types_invalidate(ctx);
        const hs_type *t = rc == 0 ? hs_type_find(ctx, type_id) : NULL;
        if (t == NULL)
            hs_error_internal(ctx, res, &err);
        else
            sb_respond_json(res, 201, schema_json(ctx, t));
    }
    json_decref(props);
    json_decref(egg);
}
