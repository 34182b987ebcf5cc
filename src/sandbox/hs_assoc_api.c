/* The CRM v4 association endpoints: PUT one association (201, as the SDK
 * demands) or the default one (200), list a record's associations to a type,
 * DELETE every association of a pair (204), and the batch create, associate
 * default, read and archive calls under /crm/v4/associations/{from}/{to}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_assoc.h"

#define ASSOC_BATCH_MAX 2000
#define ASSOC_PAGE_MAX  500

/* 1 when a live record of type t has this id, 0 not, -1 error. */
static int record_exists(sb_ctx *ctx, const hs_type *t, int64_t id, cs_err *err)
{
    hs_obj o = {0};
    int rc = hs_obj_load(ctx, t, id, false, &o, err);
    if (rc == 1)
        hs_obj_dispose(&o);
    return rc;
}

static bool read_pair(sb_ctx *ctx, const sb_request *req, sb_response *res, const hs_type **from,
                      const hs_type **to, int64_t *id, int64_t *to_id)
{
    *from = hs_req_type(ctx, req, "from", res);
    *to = *from ? hs_req_type(ctx, req, "to", res) : NULL;
    if (*to == NULL)
        return false;
    cs_err err;
    int a = 0, b = 0;
    if (hs_parse_id(sb_param(req, "id"), id))
        a = record_exists(ctx, *from, *id, &err);
    if (a == 1 && to_id && hs_parse_id(sb_param(req, "toId"), to_id))
        b = record_exists(ctx, *to, *to_id, &err);
    if (a < 0 || b < 0) {
        hs_error_internal(ctx, res, &err);
        return false;
    }
    if (a == 0 || (to_id && b == 0)) {
        char msg[200];
        (void)snprintf(msg, sizeof msg, "No %s with id %s exists",
                       a == 0 ? (*from)->singular : (*to)->singular,
                       a == 0 ? sb_param(req, "id") : sb_param(req, "toId"));
        hs_error(ctx, res, 404, "OBJECT_NOT_FOUND", msg);
        return false;
    }
    return true;
}

static json_t *labels_between(sb_ctx *ctx, const hs_type *from, const hs_type *to, int64_t id,
                              int64_t to_id)
{
    int64_t next;
    json_t *list = hs_assoc_list(ctx, id, to->type_id, to_id, 1, &next);
    json_t *labels = json_array();
    json_t *item = json_array_get(list, 0);
    if (item && json_integer_value(json_object_get(item, "toObjectId")) == to_id) {
        size_t i;
        json_t *spec;
        json_array_foreach(json_object_get(item, "associationTypes"), i, spec)
        {
            json_t *label = json_object_get(spec, "label");
            if (json_is_string(label))
                json_array_append(labels, label);
        }
    }
    json_decref(list);
    return json_pack("{s:s,s:I,s:s,s:I,s:o}", "fromObjectTypeId", from->type_id, "fromObjectId",
                     (json_int_t)id, "toObjectTypeId", to->type_id, "toObjectId", (json_int_t)to_id,
                     "labels", labels);
}

/* Creates the associations of one spec array; 0, 1 (msg), -1. */
static int put_specs(sb_ctx *ctx, const hs_type *from, const hs_type *to, int64_t id, int64_t to_id,
                     const json_t *specs, char *msg, size_t size, cs_err *err)
{
    if (!json_is_array(specs) || json_array_size(specs) == 0) {
        (void)snprintf(msg, size, "the body must be a non-empty array of association types");
        return 1;
    }
    size_t i;
    const json_t *spec;
    json_array_foreach(specs, i, spec)
    {
        hs_assoc_type at = {0};
        int rc = hs_assoc_spec(ctx, spec, from->type_id, to->type_id, &at, msg, size, err);
        if (rc == 0)
            rc = hs_assoc_put(ctx, id, to_id, &at, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void hs_h_assoc_put(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *from, *to;
    int64_t id, to_id;
    if (!read_pair(ctx, req, res, &from, &to, &id, &to_id))
        return;
    json_t *body = hs_body(ctx, req, res);
    if (body == NULL)
        return;
    char msg[256];
    cs_err err;
    int rc = hs_begin(ctx, &err) != 0
                 ? -1
                 : put_specs(ctx, from, to, id, to_id, body, msg, sizeof msg, &err);
    if (rc > 0) {
        hs_rollback(ctx);
        hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
    } else if (rc < 0 || hs_commit(ctx, &err) != 0) {
        hs_error_internal(ctx, res, &err);
    } else {
        sb_respond_json(res, 201, labels_between(ctx, from, to, id, to_id));
    }
    json_decref(body);
}

static json_t *default_result(const hs_assoc_type *at, int64_t id, int64_t to_id)
{
    char a[24], b[24];
    (void)snprintf(a, sizeof a, "%lld", (long long)id);
    (void)snprintf(b, sizeof b, "%lld", (long long)to_id);
    return json_pack("{s:{s:s},s:{s:s},s:{s:s,s:I}}", "from", "id", a, "to", "id", b,
                     "associationSpec", "associationCategory", at->category, "associationTypeId",
                     (json_int_t)at->id);
}

/* The pair's unlabeled association; 0, 1 (msg), -1. */
static int put_default(sb_ctx *ctx, const hs_type *from, const hs_type *to, int64_t id,
                       int64_t to_id, hs_assoc_type *at, char *msg, size_t size, cs_err *err)
{
    int64_t type_id;
    int rc = hs_assoc_default_type(ctx, from->type_id, to->type_id, &type_id, err);
    if (rc == 1)
        rc = hs_assoc_type_get(ctx, type_id, at, err);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        (void)snprintf(msg, size, "%s and %s cannot be associated", from->name, to->name);
        return 1;
    }
    return hs_assoc_put(ctx, id, to_id, at, err);
}

void hs_h_assoc_put_default(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *from, *to;
    int64_t id, to_id;
    if (!read_pair(ctx, req, res, &from, &to, &id, &to_id))
        return;
    int64_t started = cs_time_now_ms();
    char msg[256];
    cs_err err;
    hs_assoc_type at = {0};
    int rc = hs_begin(ctx, &err) != 0
                 ? -1
                 : put_default(ctx, from, to, id, to_id, &at, msg, sizeof msg, &err);
    if (rc > 0) {
        hs_rollback(ctx);
        hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
    } else if (rc < 0 || hs_commit(ctx, &err) != 0) {
        hs_error_internal(ctx, res, &err);
    } else {
        json_t *results = json_array();
        json_array_append_new(results, default_result(&at, id, to_id));
        sb_respond_json(res, 200, hs_batch_envelope(results, NULL, started));
    }
}

void hs_h_assoc_list(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *from, *to;
    int64_t id, after = 0, limit = ASSOC_PAGE_MAX;
    if (!read_pair(ctx, req, res, &from, &to, &id, NULL))
        return;
    const char *a = sb_query(req, "after"), *l = sb_query(req, "limit");
    if ((a && a[0] && !hs_parse_id(a, &after)) ||
        (l && (!hs_parse_id(l, &limit) || limit > ASSOC_PAGE_MAX))) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR",
                 "after must be a paging cursor and limit 1..500");
        return;
    }
    int64_t next;
    json_t *results = hs_assoc_list(ctx, id, to->type_id, after, (size_t)limit, &next);
    json_t *body = json_pack("{s:o}", "results", results);
    if (next) {
        char n[24], base[200];
        (void)snprintf(n, sizeof n, "%lld", (long long)next);
        (void)snprintf(base, sizeof base, "/crm/v4/objects/%s/%lld/associations/%s", from->name,
                       (long long)id, to->name);
        json_object_set_new(body, "paging", hs_paging_next(n, base));
    }
    sb_respond_json(res, 200, body);
}

void hs_h_assoc_delete(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *from = hs_req_type(ctx, req, "from", res);
    const hs_type *to = from ? hs_req_type(ctx, req, "to", res) : NULL;
    int64_t id, to_id;
    cs_err err;
    if (to == NULL)
        return;
    if (hs_parse_id(sb_param(req, "id"), &id) && hs_parse_id(sb_param(req, "toId"), &to_id) &&
        (hs_begin(ctx, &err) != 0 || hs_assoc_remove_pair(ctx, id, to_id, &err) != 0 ||
         hs_commit(ctx, &err) != 0)) {
        hs_error_internal(ctx, res, &err);
        return;
    }
    sb_respond_empty(res, 204);
}

/* --- batch ----------------------------------------------------------------- */

typedef struct assoc_batch {
    const hs_type *from, *to;
    json_t *body;
    const json_t *inputs;
    int64_t started;
} assoc_batch;

static bool batch_open(sb_ctx *ctx, const sb_request *req, sb_response *res, assoc_batch *b)
{
    memset(b, 0, sizeof *b);
    b->started = cs_time_now_ms();
    b->from = hs_req_type(ctx, req, "from", res);
    b->to = b->from ? hs_req_type(ctx, req, "to", res) : NULL;
    b->body = b->to ? hs_body(ctx, req, res) : NULL;
    if (b->body == NULL)
        return false;
    b->inputs = json_object_get(b->body, "inputs");
    if (!json_is_array(b->inputs) || json_array_size(b->inputs) > ASSOC_BATCH_MAX) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR",
                 "the body needs an \"inputs\" array of at most 2000 inputs");
        json_decref(b->body);
        b->body = NULL;
        return false;
    }
    return true;
}

static int64_t object_id(const json_t *obj)
{
    int64_t id = 0;
    const json_t *v = json_object_get(obj, "id");
    if (json_is_integer(v))
        return json_integer_value(v) > 0 ? json_integer_value(v) : 0;
    return hs_parse_id(json_string_value(v), &id) ? id : 0;
}

/* Both ends of one input exist: 1, 0 (msg), -1. */
static int pair_exists(sb_ctx *ctx, const assoc_batch *b, int64_t id, int64_t to_id, char *msg,
                       size_t size, cs_err *err)
{
    int rc = id ? record_exists(ctx, b->from, id, err) : 0;
    if (rc == 1)
        rc = to_id ? record_exists(ctx, b->to, to_id, err) : 0;
    if (rc == 0)
        (void)snprintf(msg, size, "No %s with id %lld or %s with id %lld exists", b->from->singular,
                       (long long)id, b->to->singular, (long long)to_id);
    return rc;
}

static void batch_finish(sb_ctx *ctx, sb_response *res, int rc, int ok_status, json_t *results,
                         json_t *errors, int64_t started, cs_err *err)
{
    if (rc < 0 || hs_commit(ctx, err) != 0) {
        json_decref(results);
        json_decref(errors);
        hs_error_internal(ctx, res, err);
        return;
    }
    int status = json_array_size(errors) > 0 ? 207 : ok_status;
    sb_respond_json(res, status, hs_batch_envelope(results, errors, started));
}

static void batch_write(sb_ctx *ctx, const sb_request *req, sb_response *res, bool with_types)
{
    assoc_batch b;
    cs_err err;
    if (!batch_open(ctx, req, res, &b))
        return;
    json_t *results = json_array(), *errors = json_array();
    int rc = hs_begin(ctx, &err);
    size_t i;
    const json_t *in;
    json_array_foreach(b.inputs, i, in)
    {
        if (rc < 0)
            break;
        char msg[256];
        int64_t id = object_id(json_object_get(in, "from"));
        int64_t to_id = object_id(json_object_get(in, "to"));
        hs_assoc_type at = {0};
        rc = pair_exists(ctx, &b, id, to_id, msg, sizeof msg, &err);
        if (rc == 1) {
            int w = with_types
                        ? put_specs(ctx, b.from, b.to, id, to_id, json_object_get(in, "types"), msg,
                                    sizeof msg, &err)
                        : put_default(ctx, b.from, b.to, id, to_id, &at, msg, sizeof msg, &err);
            rc = w < 0 ? -1 : w == 0 ? 1 : 0;
        }
        if (rc < 0)
            break;
        if (rc == 1) {
            json_array_append_new(results, with_types ? labels_between(ctx, b.from, b.to, id, to_id)
                                                      : default_result(&at, id, to_id));
            rc = 0;
        } else if (rc == 0) {
            json_array_append_new(errors, hs_standard_error("VALIDATION_ERROR", msg, NULL));
        }
    }
    batch_finish(ctx, res, rc, with_types ? 201 : 200, results, errors, b.started, &err);
    json_decref(b.body);
}

void hs_h_assoc_batch_create(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    batch_write(ctx, req, res, true);
}

void hs_h_assoc_batch_default(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    batch_write(ctx, req, res, false);
}

void hs_h_assoc_batch_read(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    assoc_batch b;
    if (!batch_open(ctx, req, res, &b))
        return;
    json_t *results = json_array(), *errors = json_array();
    size_t i;
    const json_t *in;
    json_array_foreach(b.inputs, i, in)
    {
        int64_t id = object_id(in), after = 0, next = 0;
        const char *a = json_string_value(json_object_get(in, "after"));
        if (a)
            hs_parse_id(a, &after);
        json_t *to =
            id ? hs_assoc_list(ctx, id, b.to->type_id, after, ASSOC_PAGE_MAX, &next) : json_array();
        if (json_array_size(to) == 0) {
            char msg[200], idtext[24];
            (void)snprintf(idtext, sizeof idtext, "%lld", (long long)id);
            (void)snprintf(msg, sizeof msg, "No %s is associated with %s %lld.", b.to->singular,
                           b.from->singular, (long long)id);
            json_t *e = hs_standard_error("OBJECT_NOT_FOUND", msg,
                                          json_pack("{s:[s]}", "fromObjectId", idtext));
            json_object_set_new(e, "subCategory",
                                json_string("crm.associations.NO_ASSOCIATIONS_FOUND"));
            json_array_append_new(errors, e);
            json_decref(to);
            continue;
        }
        char idtext[24];
        (void)snprintf(idtext, sizeof idtext, "%lld", (long long)id);
        json_t *r = json_pack("{s:{s:s},s:o}", "from", "id", idtext, "to", to);
        if (next) {
            char n[24];
            (void)snprintf(n, sizeof n, "%lld", (long long)next);
            json_object_set_new(r, "paging", json_pack("{s:{s:s}}", "next", "after", n));
        }
        json_array_append_new(results, r);
    }
    int status = json_array_size(errors) > 0 ? 207 : 200;
    sb_respond_json(res, status, hs_batch_envelope(results, errors, b.started));
    json_decref(b.body);
}

void hs_h_assoc_batch_archive(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    assoc_batch b;
    cs_err err;
    if (!batch_open(ctx, req, res, &b))
        return;
    int rc = hs_begin(ctx, &err);
    size_t i;
    const json_t *in;
    json_array_foreach(b.inputs, i, in)
    {
        int64_t id = object_id(json_object_get(in, "from"));
        size_t k;
        const json_t *to;
        json_array_foreach(json_object_get(in, "to"), k, to)
        {
            int64_t to_id = object_id(to);
            if (rc == 0 && id && to_id)
                rc = hs_assoc_remove_pair(ctx, id, to_id, &err);
        }
    }
    if (rc != 0 || hs_commit(ctx, &err) != 0)
        hs_error_internal(ctx, res, &err);
    else
        sb_respond_empty(res, 204);
    json_decref(b.body);
}
