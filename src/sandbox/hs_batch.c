/* /crm/v3/objects/{type}/batch/{create,read,update,upsert,archive}: at most
 * 100 inputs, one transaction per call. Status codes as HubSpot documents
 * them: create 201, read/update/upsert 200 or 207 with per-record errors
 * (ids that do not exist), archive 204. Invalid property values fail the
 * whole batch with 400, a duplicate contact email with 409 naming the
 * existing id (only the first conflict), like HubSpot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/hs_input.h"
#include "sandbox/hs_int.h"

typedef struct batch_call {
    const hs_type *t;
    json_t *body;
    hs_batch b;
    json_t **clean; /* validated values per input (create/update/upsert) */
    int64_t started;
} batch_call;

static void call_dispose(batch_call *c)
{
    if (c->clean) {
        for (size_t i = 0; i < c->b.n; i++)
            json_decref(c->clean[i]);
        free(c->clean);
    }
    hs_batch_dispose(&c->b);
    json_decref(c->body);
}

/* Parses and validates; false after answering. */
static bool call_open(sb_ctx *ctx, const sb_request *req, sb_response *res, hs_batch_kind kind,
                      batch_call *c)
{
    memset(c, 0, sizeof *c);
    c->started = cs_time_now_ms();
    c->t = hs_req_type(ctx, req, "type", res);
    if (c->t == NULL)
        return false;
    c->body = hs_body(ctx, req, res);
    if (c->body == NULL)
        return false;
    cs_err err;
    if (hs_batch_parse(c->body, kind, &c->b, &err) != 0) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", err.message);
        return false;
    }
    if (kind == HS_BATCH_READ || kind == HS_BATCH_ARCHIVE)
        return true;
    c->clean = calloc(c->b.n ? c->b.n : 1, sizeof(json_t *));
    if (c->clean == NULL) {
        hs_error(ctx, res, 500, "INTERNAL_ERROR", "out of memory");
        return false;
    }
    for (size_t i = 0; i < c->b.n; i++) {
        json_t *bad = hs_values_check(ctx, c->t, c->b.inputs[i].properties, false, &c->clean[i]);
        if (bad == NULL && kind == HS_BATCH_CREATE)
            bad = hs_values_required(c->t, c->clean[i]);
        if (bad) {
            hs_error_values(ctx, res, bad);
            return false;
        }
    }
    return true;
}

/* Checks an idProperty; false after answering 400. A write (update,
 * upsert) names the record by a property with unique values, never by
 * hs_object_id (the record id goes in "id" without idProperty): HubSpot
 * answers "Unable to perform update/upsert by non-unique 0-1 property
 * firstname in portal ID ...". */
static bool id_property_ok(sb_ctx *ctx, const hs_type *t, const char *idp, bool write,
                           sb_response *res)
{
    if (idp == NULL ||
        (hs_is_unique_prop(ctx, t, idp) && !(write && strcmp(idp, "hs_object_id") == 0)))
        return true;
    char msg[300];
    if (write)
        (void)snprintf(msg, sizeof msg,
                       "Unable to perform update/upsert by non-unique %s property %.100s in portal "
                       "ID " HS_PORTAL_ID,
                       t->type_id, idp);
    else
        (void)snprintf(msg, sizeof msg,
                       "Property %.100s is not a unique identifier property for %s", idp, t->name);
    hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
    return false;
}

/* Unique values repeated inside the batch or taken by other records;
 * returns 1 after answering, -1 on error. */
static int batch_conflicts(sb_ctx *ctx, batch_call *c, const int64_t *self_ids, sb_response *res,
                           cs_err *err)
{
    char msg[256];
    for (size_t i = 0; i < c->b.n; i++) {
        int rc = hs_unique_conflict(ctx, c->t, c->clean[i], self_ids ? self_ids[i] : 0, msg,
                                    sizeof msg, err);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            hs_error(ctx, res, 409, "CONFLICT", msg);
            return 1;
        }
        const char *email = json_string_value(json_object_get(c->clean[i], "email"));
        for (size_t j = 0; email && email[0] && j < i; j++) {
            const char *other = json_string_value(json_object_get(c->clean[j], "email"));
            if (other && strcasecmp(email, other) == 0 && strcmp(c->t->type_id, HS_CONTACTS) == 0) {
                (void)snprintf(msg, sizeof msg,
                               "Duplicate email addresses found in batch input: [%.200s]", email);
                hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
                return 1;
            }
        }
    }
    return 0;
}

static json_t *not_found_error(const hs_type *t, json_t *ids)
{
    char upper[64], msg[200];
    hs_type_upper(t, upper, sizeof upper);
    (void)snprintf(
        msg, sizeof msg,
        "Could not get some %s objects, they may be deleted or not exist. Check that ids "
        "are valid.",
        upper);
    return hs_standard_error("OBJECT_NOT_FOUND", msg, json_pack("{s:o}", "ids", ids));
}

static void respond_batch(sb_response *res, int ok_status, json_t *results, json_t *missing,
                          const hs_type *t, int64_t started)
{
    json_t *errors = json_array();
    if (json_array_size(missing) > 0)
        json_array_append_new(errors, not_found_error(t, json_incref(missing)));
    json_decref(missing);
    int status = json_array_size(errors) > 0 ? 207 : ok_status;
    sb_respond_json(res, status, hs_batch_envelope(results, errors, started));
}

void hs_h_batch_create(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    batch_call c;
    cs_err err;
    char msg[256];
    if (!call_open(ctx, req, res, HS_BATCH_CREATE, &c)) {
        call_dispose(&c);
        return;
    }
    int rc = batch_conflicts(ctx, &c, NULL, res, &err);
    if (rc != 0 || hs_begin(ctx, &err) != 0) {
        if (rc <= 0)
            hs_error_internal(ctx, res, &err);
        call_dispose(&c);
        return;
    }
    json_t *results = json_array();
    int64_t now = cs_time_now_ms();
    for (size_t i = 0; i < c.b.n && rc == 0; i++) {
        hs_obj o = {0};
        if (hs_obj_insert(ctx, c.t, c.clean[i], now, &o, &err) != 0) {
            rc = -1;
            break;
        }
        rc = hs_assoc_create_inline(ctx, c.t, o.id, c.b.inputs[i].associations, msg, sizeof msg,
                                    &err);
        json_array_append_new(results, hs_obj_json_with(ctx, c.t, &o, c.clean[i]));
        hs_obj_dispose(&o);
    }
    if (rc > 0) {
        hs_rollback(ctx);
        hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
        json_decref(results);
    } else if (rc < 0 || hs_commit(ctx, &err) != 0) {
        hs_error_internal(ctx, res, &err);
        json_decref(results);
    } else {
        sb_respond_json(res, 201, hs_batch_envelope(results, NULL, c.started));
    }
    call_dispose(&c);
}

void hs_h_batch_read(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    batch_call c;
    cs_err err;
    if (!call_open(ctx, req, res, HS_BATCH_READ, &c) ||
        !id_property_ok(ctx, c.t, c.b.id_property, false, res)) {
        call_dispose(&c);
        return;
    }
    const char *arch = sb_query(req, "archived");
    bool archived = arch && strcmp(arch, "true") == 0;
    hs_propsel sel;
    hs_propsel_from_json(json_array_size(c.b.properties) ? c.b.properties : NULL, &sel);
    json_t *results = json_array(), *missing = json_array();
    int rc = 0;
    for (size_t i = 0; i < c.b.n && rc >= 0; i++) {
        int64_t id = 0;
        hs_obj o = {0};
        const char *idp = c.b.id_property;
        rc = idp ? hs_obj_find_by(ctx, c.t, idp, c.b.inputs[i].id, &id, &err)
                 : hs_parse_id(c.b.inputs[i].id, &id);
        if (rc == 1)
            rc = hs_obj_load(ctx, c.t, id, archived, &o, &err);
        if (rc == 1) {
            json_array_append_new(results, hs_obj_json(ctx, c.t, &o, &sel));
            hs_obj_dispose(&o);
        } else if (rc == 0) {
            json_array_append_new(missing, json_string(c.b.inputs[i].id));
        }
    }
    hs_propsel_dispose(&sel);
    if (rc < 0) {
        json_decref(results);
        json_decref(missing);
        hs_error_internal(ctx, res, &err);
    } else {
        respond_batch(res, 200, results, missing, c.t, c.started);
    }
    call_dispose(&c);
}

void hs_h_batch_update(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    batch_call c;
    cs_err err;
    if (!call_open(ctx, req, res, HS_BATCH_UPDATE, &c)) {
        call_dispose(&c);
        return;
    }
    int64_t *ids = calloc(c.b.n ? c.b.n : 1, sizeof *ids);
    int rc = ids ? 0 : -1;
    for (size_t i = 0; i < c.b.n && rc >= 0; i++) {
        const char *idp = c.b.inputs[i].id_property;
        if (!id_property_ok(ctx, c.t, idp, true, res)) {
            rc = 1;
            break;
        }
        int found = idp ? hs_obj_find_by(ctx, c.t, idp, c.b.inputs[i].id, &ids[i], &err)
                        : hs_parse_id(c.b.inputs[i].id, &ids[i]);
        if (found < 0)
            rc = -1;
        else if (found == 0)
            ids[i] = 0;
    }
    if (rc == 0)
        rc = batch_conflicts(ctx, &c, ids, res, &err);
    if (rc != 0 || hs_begin(ctx, &err) != 0) {
        if (rc <= 0)
            hs_error_internal(ctx, res, &err);
        free(ids);
        call_dispose(&c);
        return;
    }
    json_t *results = json_array(), *missing = json_array();
    int64_t now = cs_time_now_ms();
    for (size_t i = 0; i < c.b.n && rc >= 0; i++) {
        hs_obj o = {0};
        rc = ids[i] ? hs_obj_load(ctx, c.t, ids[i], false, &o, &err) : 0;
        if (rc == 0) {
            json_array_append_new(missing, json_string(c.b.inputs[i].id));
        } else if (rc == 1) {
            if (hs_obj_update(ctx, c.t, &o, c.clean[i], now, &err) != 0)
                rc = -1;
            else
                json_array_append_new(results, hs_obj_json_with(ctx, c.t, &o, c.clean[i]));
            hs_obj_dispose(&o);
        }
    }
    free(ids);
    if (rc < 0 || hs_commit(ctx, &err) != 0) {
        json_decref(results);
        json_decref(missing);
        hs_error_internal(ctx, res, &err);
    } else {
        respond_batch(res, 200, results, missing, c.t, c.started);
    }
    call_dispose(&c);
}

/* One upsert input: update the record idProperty=id names, or create it.
 * Returns 0, 1 with a 409 message in msg, 2 with the missing required
 * properties or an invalid id value in *invalid, -1 on error. */
static int upsert_one(sb_ctx *ctx, batch_call *c, size_t i, int64_t now, json_t *results,
                      json_t *missing, char msg[256], json_t **invalid, cs_err *err)
{
    const hs_batch_input *in = &c->b.inputs[i];
    const char *idp = in->id_property ? in->id_property : "hs_object_id";
    int64_t id = 0;
    int rc = hs_obj_find_by(ctx, c->t, idp, in->id, &id, err);
    if (rc < 0)
        return -1;
    hs_obj o = {0};
    bool created = rc == 0;
    if (created && strcmp(idp, "hs_object_id") == 0) {
        json_array_append_new(missing, json_string(in->id));
        return 0;
    }
    json_t *values = json_deep_copy(c->clean[i]);
    if (created && json_string_length(json_object_get(values, idp)) == 0) {
        /* The id becomes the new record's value: checked like one (an email
         * with an unknown top-level domain is INVALID_EMAIL). */
        json_t *given = json_pack("{s:s}", idp, in->id), *clean = NULL;
        *invalid = hs_values_check(ctx, c->t, given, false, &clean);
        json_decref(given);
        if (*invalid != NULL) {
            json_decref(values);
            return 2;
        }
        json_object_update(values, clean);
        json_decref(clean);
    }
    if (created && (*invalid = hs_values_required(c->t, values)) != NULL) {
        json_decref(values);
        return 2;
    }
    rc = hs_unique_conflict(ctx, c->t, values, id, msg, 256, err);
    if (rc != 0) {
        json_decref(values);
        return rc;
    }
    if (created) {
        rc = hs_obj_insert(ctx, c->t, values, now, &o, err);
    } else {
        rc = hs_obj_load(ctx, c->t, id, false, &o, err) == 1
                 ? hs_obj_update(ctx, c->t, &o, c->clean[i], now, err)
                 : -1;
    }
    if (rc == 0) {
        json_t *j = hs_obj_json_with(ctx, c->t, &o, values);
        json_object_set_new(j, "new", json_boolean(created));
        json_array_append_new(results, j);
    }
    json_decref(values);
    hs_obj_dispose(&o);
    return rc;
}

void hs_h_batch_upsert(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    batch_call c;
    cs_err err;
    if (!call_open(ctx, req, res, HS_BATCH_UPSERT, &c)) {
        call_dispose(&c);
        return;
    }
    for (size_t i = 0; i < c.b.n; i++) {
        if (!id_property_ok(ctx, c.t, c.b.inputs[i].id_property, true, res)) {
            call_dispose(&c);
            return;
        }
    }
    if (hs_begin(ctx, &err) != 0) {
        hs_error_internal(ctx, res, &err);
        call_dispose(&c);
        return;
    }
    json_t *results = json_array(), *missing = json_array();
    int64_t now = cs_time_now_ms();
    int rc = 0;
    char msg[256];
    json_t *invalid = NULL;
    for (size_t i = 0; i < c.b.n && rc == 0; i++)
        rc = upsert_one(ctx, &c, i, now, results, missing, msg, &invalid, &err);
    if (rc > 0) {
        hs_rollback(ctx);
        json_decref(results);
        json_decref(missing);
        if (rc == 2)
            hs_error_values(ctx, res, invalid);
        else
            hs_error(ctx, res, 409, "CONFLICT", msg);
    } else if (rc < 0 || hs_commit(ctx, &err) != 0) {
        json_decref(results);
        json_decref(missing);
        hs_error_internal(ctx, res, &err);
    } else {
        respond_batch(res, 200, results, missing, c.t, c.started);
    }
    call_dispose(&c);
}

void hs_h_batch_archive(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    batch_call c;
    cs_err err;
    if (!call_open(ctx, req, res, HS_BATCH_ARCHIVE, &c)) {
        call_dispose(&c);
        return;
    }
    int rc = hs_begin(ctx, &err);
    int64_t now = cs_time_now_ms();
    for (size_t i = 0; i < c.b.n && rc == 0; i++) {
        int64_t id;
        if (hs_parse_id(c.b.inputs[i].id, &id))
            rc = hs_obj_archive(ctx, c.t, id, now, &err);
    }
    if (rc != 0 || hs_commit(ctx, &err) != 0)
        hs_error_internal(ctx, res, &err);
    else
        sb_respond_empty(res, 204);
    call_dispose(&c);
}
