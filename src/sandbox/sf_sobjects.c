/* Single-record resources: POST /sobjects/X (create), GET/PATCH/DELETE
 * /sobjects/X/{id}, upsert PATCH /sobjects/X/{ExtIdField}/{value} and GET by
 * external id. Each request is one transaction; writes go through
 * sf_write.c. */
#include <stdio.h>
#include <string.h>

#include "sandbox/sf_int.h"

#define NOT_FOUND_MSG "The requested resource does not exist"

/* Begins the request: version, transaction, object. Answers the errors and
 * returns NULL on failure (the caller still calls sf_tx_end). */
static const sf_object *begin(sb_ctx *ctx, const sb_request *req, sb_response *res, sf_tx *tx)
{
    memset(tx, 0, sizeof *tx);
    int v = sf_version_or_404(req, res);
    if (v < 0)
        return NULL;
    cs_err err;
    if (sf_tx_begin(ctx, tx, v, &err) != 0) {
        sf_respond_internal(res, &err);
        return NULL;
    }
    const sf_object *o = sf_schema_object(tx->schema, sb_param(req, "object"));
    if (o == NULL) {
        char msg[200];
        snprintf(msg, sizeof msg, "The requested resource does not exist");
        sf_respond_error(res, 404, "NOT_FOUND", msg);
    }
    return o;
}

/* Parses the body as a JSON object; answers JSON_PARSER_ERROR otherwise. */
static json_t *body_object(const sb_request *req, sb_response *res)
{
    char why[200];
    json_t *j = sb_body_json(req, why, sizeof why);
    if (!json_is_object(j)) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", j ? "Expected a JSON object for the record body" : why);
        json_decref(j);
        sf_respond_error(res, 400, "JSON_PARSER_ERROR", msg);
        return NULL;
    }
    return j;
}

/* A created record's URL, in the Location header of a 201 (the Composite
 * resource shows it in the subrequest's httpHeaders). */
static void location(sb_response *res, const sf_tx *tx, const sf_object *o, const char *id)
{
    char url[160];
    int n = snprintf(url, sizeof url, "/services/data/v%d.%d/sobjects/%s/%s", tx->version / 10,
                     tx->version % 10, o->name, id);
    if (n > 0 && (size_t)n < sizeof url)
        sb_response_header(res, "Location", url);
}

static void commit_or_500(sf_tx *tx, sb_response *res)
{
    cs_err err;
    if (sf_tx_commit(tx, &err) != 0)
        sf_respond_internal(res, &err);
}

/* Resolves the {id} segment to a live record of object o: 404 NOT_FOUND for
 * a malformed, unknown or foreign id, 404 ENTITY_IS_DELETED for a deleted
 * one (unless allow_deleted). */
static int target(sf_tx *tx, const sf_object *o, const char *text, char id[SF_ID_LEN + 1],
                  json_t **data, bool *deleted, bool allow_deleted, sb_response *res)
{
    if (sf_id_normalize(text, id) != 0) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "Provided external ID field does not exist or is not "
                 "accessible: %.60s",
                 text);
        sf_respond_error(res, 404, "NOT_FOUND", msg);
        return -1;
    }
    cs_err err;
    json_t *j = NULL;
    int rc = sf_schema_object_by_prefix(tx->schema, id) == o
                 ? sf_store_get(tx, id, &j, deleted, &err)
                 : 1;
    if (rc < 0) {
        sf_respond_internal(res, &err);
        return -1;
    }
    if (rc == 1) {
        sf_respond_error(res, 404, "NOT_FOUND", NOT_FOUND_MSG);
        return -1;
    }
    if (*deleted && !allow_deleted) {
        json_decref(j);
        json_t *arr = json_pack("[{s:s,s:s,s:[]}]", "errorCode", "ENTITY_IS_DELETED", "message",
                                "entity is deleted", "fields");
        sb_respond_json(res, 404, arr);
        return -1;
    }
    if (data)
        *data = j;
    else
        json_decref(j);
    return 0;
}

void sf_h_create(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_tx tx;
    const sf_object *o = begin(ctx, req, res, &tx);
    json_t *body = o ? body_object(req, res) : NULL;
    if (body) {
        sf_save s;
        sf_save_init(&s);
        cs_err err;
        if (sf_write_create(&tx, o, body, &s, &err) != 0) {
            sf_respond_internal(res, &err);
        } else if (!s.ok) {
            sf_respond_verr(res, 400, &s.err);
        } else {
            sb_respond_json(res, 201,
                            json_pack("{s:s,s:b,s:[]}", "id", s.id, "success", 1, "errors"));
            location(res, &tx, o, s.id);
            commit_or_500(&tx, res);
        }
        sf_save_dispose(&s);
    }
    json_decref(body);
    sf_tx_end(&tx);
}

void sf_h_get(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_tx tx;
    const sf_object *o = begin(ctx, req, res, &tx);
    char id[SF_ID_LEN + 1];
    json_t *data = NULL;
    bool deleted = false;
    if (o && target(&tx, o, sb_param(req, "id"), id, &data, &deleted, false, res) == 0) {
        char bad[128] = "";
        json_t *rec =
            sf_render_record(&tx, o, id, data, deleted, sb_query(req, "fields"), bad, sizeof bad);
        if (rec == NULL) {
            char msg[400];
            snprintf(msg, sizeof msg,
                     "No such column '%s' on entity '%s'. If you are attempting to use a custom "
                     "field, be sure to append the '__c' after the custom field name. Please "
                     "reference your WSDL or the describe call for the appropriate names.",
                     bad, o->name);
            sf_respond_error(res, 400, "INVALID_FIELD", msg);
        } else {
            sb_respond_json(res, 200, rec);
        }
    }
    json_decref(data);
    sf_tx_end(&tx);
}

/* Maps a refused single-record write to its HTTP status. */
static void respond_refused(sb_response *res, const sf_save *s)
{
    int status = 400;
    if (s->err.code && strcmp(s->err.code, "ENTITY_IS_DELETED") == 0 &&
        json_array_size(s->err.fields) == 0)
        status = 404;
    sf_respond_verr(res, status, &s->err);
}

void sf_h_update(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_tx tx;
    const sf_object *o = begin(ctx, req, res, &tx);
    char id[SF_ID_LEN + 1];
    bool deleted = false;
    json_t *body = NULL;
    if (o && target(&tx, o, sb_param(req, "id"), id, NULL, &deleted, false, res) == 0)
        body = body_object(req, res);
    if (body) {
        sf_save s;
        sf_save_init(&s);
        cs_err err;
        if (sf_write_update(&tx, o, id, body, &s, &err) != 0) {
            sf_respond_internal(res, &err);
        } else if (!s.ok) {
            respond_refused(res, &s);
        } else {
            sb_respond_empty(res, 204);
            commit_or_500(&tx, res);
        }
        sf_save_dispose(&s);
    }
    json_decref(body);
    sf_tx_end(&tx);
}

void sf_h_delete(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_tx tx;
    const sf_object *o = begin(ctx, req, res, &tx);
    char id[SF_ID_LEN + 1];
    bool deleted = false;
    if (o && target(&tx, o, sb_param(req, "id"), id, NULL, &deleted, false, res) == 0) {
        sf_save s;
        sf_save_init(&s);
        cs_err err;
        if (sf_write_delete(&tx, o, id, &s, &err) != 0) {
            sf_respond_internal(res, &err);
        } else if (!s.ok) {
            respond_refused(res, &s);
        } else {
            sb_respond_empty(res, 204);
            commit_or_500(&tx, res);
        }
        sf_save_dispose(&s);
    }
    sf_tx_end(&tx);
}

/* The [field] segment of an upsert or external-id read: Id or a field marked
 * externalId; 404 NOT_FOUND otherwise, in the real API's words. */
static const sf_field *ext_field(const sf_object *o, const sb_request *req, sb_response *res)
{
    const char *name = sb_param(req, "field");
    const sf_field *f = sf_object_field(o, name);
    if (f == NULL || !(strcmp(f->name, "Id") == 0 || (f->flags & SF_F_EXT))) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "Provided external ID field does not exist or is not accessible: %.60s", name);
        sf_respond_error(res, 404, "NOT_FOUND", msg);
        return NULL;
    }
    return f;
}

static void respond_multiple(sb_response *res, const sf_tx *tx, const sf_object *o,
                             const sf_save *s)
{
    json_t *arr = json_array();
    for (int i = 0; i < 2; i++) {
        char url[160];
        snprintf(url, sizeof url, "/services/data/v%d.%d/sobjects/%s/%s", tx->version / 10,
                 tx->version % 10, o->name, s->match_ids[i]);
        json_array_append_new(arr, json_string(url));
    }
    sb_respond_json(res, 300, arr);
}

void sf_h_upsert(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_tx tx;
    const sf_object *o = begin(ctx, req, res, &tx);
    const sf_field *f = o ? ext_field(o, req, res) : NULL;
    json_t *body = f ? body_object(req, res) : NULL;
    if (body) {
        sf_save s;
        sf_save_init(&s);
        cs_err err;
        bool by_id = strcmp(f->name, "Id") == 0;
        if (sf_write_upsert(&tx, o, f, sb_param(req, "value"), body, &s, &err) != 0) {
            sf_respond_internal(res, &err);
        } else if (s.matches > 1) {
            respond_multiple(res, &tx, o, &s);
        } else if (!s.ok && by_id && s.err.code &&
                   strcmp(s.err.code, "INVALID_CROSS_REFERENCE_KEY") == 0 &&
                   json_array_size(s.err.fields) == 0) {
            sf_respond_error(res, 404, "NOT_FOUND", NOT_FOUND_MSG);
        } else if (!s.ok) {
            respond_refused(res, &s);
        } else {
            /* v46.0 and later answer an update with 200 and a body. */
            if (s.created) {
                sb_respond_json(res, 201,
                                json_pack("{s:s,s:b,s:[],s:b}", "id", s.id, "success", 1, "errors",
                                          "created", 1));
                location(res, &tx, o, s.id);
            } else if (tx.version >= SF_UPSERT_BODY_MIN)
                sb_respond_json(res, 200,
                                json_pack("{s:s,s:b,s:[],s:b}", "id", s.id, "success", 1, "errors",
                                          "created", 0));
            else
                sb_respond_empty(res, 204);
            commit_or_500(&tx, res);
        }
        sf_save_dispose(&s);
    }
    json_decref(body);
    sf_tx_end(&tx);
}

void sf_h_get_by_ext(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_tx tx;
    const sf_object *o = begin(ctx, req, res, &tx);
    const sf_field *f = o ? ext_field(o, req, res) : NULL;
    if (f) {
        const char *value = sb_param(req, "value");
        char ids[2][SF_ID_LEN + 1];
        int n = 0;
        cs_err err;
        if (strcmp(f->name, "Id") == 0) {
            char id[SF_ID_LEN + 1];
            bool deleted = false;
            json_t *data = NULL;
            if (target(&tx, o, value, id, &data, &deleted, false, res) == 0)
                sb_respond_json(res, 200,
                                sf_render_record(&tx, o, id, data, deleted, NULL, NULL, 0));
            json_decref(data);
        } else if (sf_store_find_ext(&tx, o, f, value, ids, 2, &n, &err) != 0) {
            sf_respond_internal(res, &err);
        } else if (n == 0) {
            sf_respond_error(res, 404, "NOT_FOUND", NOT_FOUND_MSG);
        } else if (n > 1) {
            sf_save s;
            sf_save_init(&s);
            memcpy(s.match_ids, ids, sizeof ids);
            respond_multiple(res, &tx, o, &s);
        } else {
            char id[SF_ID_LEN + 1];
            bool deleted = false;
            json_t *data = NULL;
            if (target(&tx, o, ids[0], id, &data, &deleted, false, res) == 0)
                sb_respond_json(res, 200,
                                sf_render_record(&tx, o, id, data, deleted, NULL, NULL, 0));
            json_decref(data);
        }
    }
    sf_tx_end(&tx);
}
