/* /crm/v3/objects/{type}: get by id (or by a unique property through
 * idProperty), list with after/limit paging, create (201), update (PATCH,
 * 200) and archive (DELETE, 204), for contacts, companies and custom
 * objects. Contact email is unique case-insensitively: a second contact with
 * the same email is a 409 naming the existing id, like HubSpot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_int.h"

const hs_type *hs_req_type(sb_ctx *ctx, const sb_request *req, const char *param, sb_response *res)
{
    const char *seg = sb_param(req, param);
    const hs_type *t = hs_type_find(ctx, seg);
    if (t == NULL)
        hs_error_unknown_type(ctx, res, seg ? seg : "");
    return t;
}

bool hs_is_unique_prop(sb_ctx *ctx, const hs_type *t, const char *name)
{
    if (strcmp(name, "hs_object_id") == 0)
        return true;
    if (strcmp(t->type_id, HS_CONTACTS) == 0 && strcmp(name, "email") == 0)
        return true;
    return json_is_true(json_object_get(hs_type_prop(ctx, t, name), "hasUniqueValue"));
}

int hs_unique_conflict(sb_ctx *ctx, const hs_type *t, const json_t *clean, int64_t self_id,
                       char *msg, size_t msg_size, cs_err *err)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)clean, k, v)
    {
        if (json_string_length(v) == 0 || strcmp(k, "hs_object_id") == 0 ||
            !hs_is_unique_prop(ctx, t, k))
            continue;
        int64_t other;
        int rc = hs_obj_find_by(ctx, t, k, json_string_value(v), &other, err);
        if (rc < 0)
            return -1;
        if (rc == 1 && other != self_id) {
            if (strcmp(t->type_id, HS_CONTACTS) == 0 && strcmp(k, "email") == 0)
                (void)snprintf(msg, msg_size, "Contact already exists. Existing ID: %lld",
                               (long long)other);
            else
                (void)snprintf(msg, msg_size,
                               "%s already has that value on another record. Existing ID: %lld", k,
                               (long long)other);
            return 1;
        }
    }
    return 0;
}

/* Resolves {id} with an optional idProperty; 1 found, 0 answered 404/400. */
static int resolve_id(sb_ctx *ctx, const sb_request *req, const hs_type *t, sb_response *res,
                      int64_t *id)
{
    const char *raw = sb_param(req, "id");
    const char *idprop = sb_query(req, "idProperty");
    cs_err err;
    if (idprop && idprop[0] && !hs_is_unique_prop(ctx, t, idprop)) {
        char msg[300];
        (void)snprintf(msg, sizeof msg,
                       "Property %.100s is not a unique identifier property for %s", idprop,
                       t->name);
        hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
        return 0;
    }
    int rc;
    if (idprop && idprop[0])
        rc = hs_obj_find_by(ctx, t, idprop, raw, id, &err);
    else
        rc = hs_parse_id(raw, id) ? 1 : 0;
    if (rc < 0) {
        hs_error_internal(ctx, res, &err);
        return 0;
    }
    if (rc == 0)
        hs_error_ctx(ctx, res, 404, "OBJECT_NOT_FOUND",
                     "Object not found.  objectId are usually numeric.",
                     json_pack("{s:[s]}", "id", raw ? raw : ""), NULL);
    return rc;
}

void hs_h_obj_get(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "type", res);
    int64_t id;
    if (t == NULL || resolve_id(ctx, req, t, res, &id) != 1)
        return;
    const char *arch = sb_query(req, "archived");
    bool archived = arch && strcmp(arch, "true") == 0;
    hs_obj o = {0};
    cs_err err;
    int rc = hs_obj_load(ctx, t, id, archived, &o, &err);
    if (rc < 0) {
        hs_error_internal(ctx, res, &err);
        return;
    }
    if (rc == 0) {
        hs_error_ctx(ctx, res, 404, "OBJECT_NOT_FOUND",
                     "Object not found.  objectId are usually numeric.",
                     json_pack("{s:[s]}", "id", sb_param(req, "id")), NULL);
        return;
    }
    hs_propsel sel;
    hs_propsel_from_query(req, &sel);
    json_t *j = hs_obj_json(ctx, t, &o, &sel);
    const char *assoc = sb_query(req, "associations");
    if (assoc && assoc[0])
        hs_assoc_attach_v3(ctx, t, o.id, assoc, j);
    sb_respond_json(res, 200, j);
    hs_propsel_dispose(&sel);
    hs_obj_dispose(&o);
}

void hs_h_obj_list(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "type", res);
    if (t == NULL)
        return;
    const char *lim = sb_query(req, "limit");
    const char *after = sb_query(req, "after");
    const char *arch = sb_query(req, "archived");
    int64_t limit = 10, from = 0;
    if (lim && (!hs_parse_id(lim, &limit) || limit > HS_LIST_PAGE_MAX)) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", "limit must be between 1 and 100");
        return;
    }
    if (after && after[0] && !hs_parse_id(after, &from)) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR",
                 "after must be a paging cursor from a previous page");
        return;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT id, created_ms, updated_ms, archived_ms, props FROM hs_objects"
                           " WHERE type_id = ?1 AND archived = ?2 AND id >= ?3 ORDER BY id"
                           " LIMIT ?4",
                           -1, &st, NULL) != SQLITE_OK) {
        cs_err err;
        hs_db_error(ctx, &err, "list");
        hs_error_internal(ctx, res, &err);
        return;
    }
    sqlite3_bind_text(st, 1, t->type_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, arch && strcmp(arch, "true") == 0);
    sqlite3_bind_int64(st, 3, from);
    sqlite3_bind_int64(st, 4, limit + 1);
    hs_propsel sel;
    hs_propsel_from_query(req, &sel);
    json_t *results = json_array();
    json_t *body = json_object();
    while (sqlite3_step(st) == SQLITE_ROW) {
        hs_obj o = {0};
        o.id = sqlite3_column_int64(st, 0);
        if ((int64_t)json_array_size(results) == limit) {
            char next[24];
            (void)snprintf(next, sizeof next, "%lld", (long long)o.id);
            char base[128];
            (void)snprintf(base, sizeof base, "/crm/v3/objects/%s", t->name);
            json_object_set_new(body, "paging", hs_paging_next(next, base));
            break;
        }
        o.created_ms = sqlite3_column_int64(st, 1);
        o.updated_ms = sqlite3_column_int64(st, 2);
        o.archived_ms = sqlite3_column_int64(st, 3);
        o.archived = arch && strcmp(arch, "true") == 0;
        const char *text = (const char *)sqlite3_column_text(st, 4);
        o.props = text ? json_loads(text, 0, NULL) : json_object();
        json_array_append_new(results, hs_obj_json(ctx, t, &o, &sel));
        hs_obj_dispose(&o);
    }
    sqlite3_finalize(st);
    hs_propsel_dispose(&sel);
    json_object_set_new(body, "results", results);
    sb_respond_json(res, 200, body);
}

/* The "properties" object of a create/update body, or NULL after a 400. */
static const json_t *body_properties(sb_ctx *ctx, const json_t *body, sb_response *res)
{
    const json_t *props = json_object_get(body, "properties");
    if (!json_is_object(body) || !json_is_object(props)) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR",
                 "Invalid input JSON: the body needs a \"properties\" object");
        return NULL;
    }
    return props;
}

void hs_h_obj_create(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "type", res);
    json_t *body = t ? hs_body(ctx, req, res) : NULL;
    const json_t *props = body ? body_properties(ctx, body, res) : NULL;
    json_t *clean = NULL;
    json_t *bad = props ? hs_values_check(ctx, t, props, false, &clean) : NULL;
    if (props != NULL && bad == NULL && (bad = hs_values_required(t, clean)) != NULL) {
        json_decref(clean);
        clean = NULL;
    }
    if (props == NULL || bad != NULL) {
        if (bad)
            hs_error_values(ctx, res, bad);
        json_decref(body);
        return;
    }
    cs_err err;
    char msg[256];
    hs_obj o = {0};
    int64_t now = cs_time_now_ms();
    int conflict = hs_unique_conflict(ctx, t, clean, 0, msg, sizeof msg, &err);
    if (conflict > 0) {
        hs_error(ctx, res, 409, "CONFLICT", msg);
    } else if (conflict < 0 || hs_begin(ctx, &err) != 0 ||
               hs_obj_insert(ctx, t, clean, now, &o, &err) != 0) {
        hs_error_internal(ctx, res, &err);
    } else {
        int arc = hs_assoc_create_inline(ctx, t, o.id, json_object_get(body, "associations"), msg,
                                         sizeof msg, &err);
        if (arc > 0) {
            hs_rollback(ctx);
            hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
        } else if (arc < 0 || hs_commit(ctx, &err) != 0) {
            hs_error_internal(ctx, res, &err);
        } else {
            sb_respond_json(res, 201, hs_obj_json_with(ctx, t, &o, clean));
        }
    }
    hs_obj_dispose(&o);
    json_decref(clean);
    json_decref(body);
}

void hs_h_obj_update(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "type", res);
    int64_t id;
    if (t == NULL || resolve_id(ctx, req, t, res, &id) != 1)
        return;
    json_t *body = hs_body(ctx, req, res);
    const json_t *props = body ? body_properties(ctx, body, res) : NULL;
    json_t *clean = NULL;
    json_t *bad = props ? hs_values_check(ctx, t, props, false, &clean) : NULL;
    if (props == NULL || bad != NULL) {
        if (bad)
            hs_error_values(ctx, res, bad);
        json_decref(body);
        return;
    }
    cs_err err;
    char msg[256];
    hs_obj o = {0};
    int rc = hs_obj_load(ctx, t, id, false, &o, &err);
    int conflict = rc == 1 ? hs_unique_conflict(ctx, t, clean, id, msg, sizeof msg, &err) : 0;
    if (rc == 0) {
        hs_error_ctx(ctx, res, 404, "OBJECT_NOT_FOUND",
                     "Object not found.  objectId are usually numeric.",
                     json_pack("{s:[s]}", "id", sb_param(req, "id")), NULL);
    } else if (conflict > 0) {
        hs_error(ctx, res, 409, "CONFLICT", msg);
    } else if (rc < 0 || conflict < 0 || hs_begin(ctx, &err) != 0 ||
               hs_obj_update(ctx, t, &o, clean, cs_time_now_ms(), &err) != 0 ||
               hs_commit(ctx, &err) != 0) {
        hs_error_internal(ctx, res, &err);
    } else {
        sb_respond_json(res, 200, hs_obj_json_with(ctx, t, &o, clean));
    }
    hs_obj_dispose(&o);
    json_decref(clean);
    json_decref(body);
}

void hs_h_obj_archive(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "type", res);
    if (t == NULL)
        return;
    int64_t id;
    cs_err err;
    /* HubSpot answers 204 for an id that does not exist, too. */
    if (hs_parse_id(sb_param(req, "id"), &id)) {
        if (hs_begin(ctx, &err) != 0 || hs_obj_archive(ctx, t, id, cs_time_now_ms(), &err) != 0 ||
            hs_commit(ctx, &err) != 0) {
            hs_error_internal(ctx, res, &err);
            return;
        }
    }
    sb_respond_empty(res, 204);
}
