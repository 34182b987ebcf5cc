/* /crm/v3/properties/{type}: list, get, create (201) and update (PATCH) of
 * property definitions, with HubSpot's type/fieldType pairs and options.
 * HubSpot-defined properties keep their definition (readOnlyDefinition). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_int.h"

void hs_h_props_list(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "type", res);
    if (t == NULL)
        return;
    json_t *props = hs_type_props(ctx, t);
    if (props == NULL) {
        hs_error(ctx, res, 500, "INTERNAL_ERROR", "cannot read property definitions");
        return;
    }
    json_t *results = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(props, k, v)
    {
        json_array_append(results, v);
    }
    sb_respond_json(res, 200, json_pack("{s:o}", "results", results));
}

static void prop_not_found(sb_ctx *ctx, sb_response *res, const hs_type *t, const char *name)
{
    char msg[300];
    (void)snprintf(msg, sizeof msg, "Unable to find property %.100s for object type %s", name,
                   t->name);
    hs_error(ctx, res, 404, "OBJECT_NOT_FOUND", msg);
}

void hs_h_props_get(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "type", res);
    if (t == NULL)
        return;
    const char *name = sb_param(req, "name");
    json_t *def = hs_type_prop(ctx, t, name);
    if (def == NULL)
        prop_not_found(ctx, res, t, name);
    else
        sb_respond_json(res, 200, json_incref(def));
}

void hs_h_props_create(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "type", res);
    json_t *body = t ? hs_body(ctx, req, res) : NULL;
    if (body == NULL)
        return;
    char why[300];
    cs_err err;
    json_t *def = hs_prop_from_input(body, false, cs_time_now_ms(), why, sizeof why);
    const char *name = json_string_value(json_object_get(body, "name"));
    if (def == NULL) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", why);
    } else if (hs_type_prop(ctx, t, name) != NULL) {
        (void)snprintf(why, sizeof why, "Property named '%.100s' already exists.", name);
        hs_error(ctx, res, 409, "OBJECT_ALREADY_EXISTS", why);
    } else if (json_string_length(json_object_get(def, "groupName")) == 0) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", "groupName is required");
    } else if (hs_prop_store(ctx, t->type_id, def, &err) != 0) {
        hs_error_internal(ctx, res, &err);
    } else {
        sb_respond_json(res, 201, json_incref(def));
    }
    json_decref(def);
    json_decref(body);
}

/* Changes label, description, group, options, order, visibility, type and
 * fieldType of a property the portal created. */
void hs_h_props_update(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "type", res);
    if (t == NULL)
        return;
    const char *name = sb_param(req, "name");
    json_t *cur = hs_type_prop(ctx, t, name);
    if (cur == NULL) {
        prop_not_found(ctx, res, t, name);
        return;
    }
    json_t *body = hs_body(ctx, req, res);
    if (body == NULL)
        return;
    char why[300];
    cs_err err;
    if (!json_is_object(body)) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", "the body must be a JSON object");
        json_decref(body);
        return;
    }
    if (json_is_true(
            json_object_get(json_object_get(cur, "modificationMetadata"), "readOnlyDefinition"))) {
        (void)snprintf(why, sizeof why,
                       "Property %.100s is defined by HubSpot and cannot be changed", name);
        hs_error(ctx, res, 400, "VALIDATION_ERROR", why);
        json_decref(body);
        return;
    }
    json_t *merged = json_deep_copy(cur);
    static const char *const keys[] = {"label",     "description",  "groupName",
                                       "options",   "displayOrder", "hidden",
                                       "formField", "type",         "fieldType"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(body, keys[i]);
        if (v)
            json_object_set(merged, keys[i], v);
    }
    json_object_set(merged, "hasUniqueValue", json_object_get(cur, "hasUniqueValue"));
    json_t *def = hs_prop_from_input(merged, false, cs_time_now_ms(), why, sizeof why);
    json_decref(merged);
    if (def == NULL) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", why);
    } else {
        json_object_set(def, "createdAt", json_object_get(cur, "createdAt"));
        if (hs_prop_store(ctx, t->type_id, def, &err) != 0)
            hs_error_internal(ctx, res, &err);
        else
            sb_respond_json(res, 200, json_incref(def));
    }
    json_decref(def);
    json_decref(body);
}
