/* sObject Collections (/composite/sobjects): create, update, upsert by
 * external id, delete and retrieve of up to 200 records in one request and
 * one transaction. A well-formed request answers 200 with one SaveResult per
 * record, in input order, errors carrying "statusCode". With allOrNone, any
 * failure rolls every record back and the others report
 * ALL_OR_NONE_OPERATION_ROLLED_BACK. A malformed request (bad JSON, unknown
 * object or field, too many records) answers 400 with the error array. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sf_int.h"

#define RETRIEVE_MAX 2000

typedef enum coll_op { COLL_CREATE, COLL_UPDATE, COLL_UPSERT } coll_op;

static int begin(sb_ctx *ctx, const sb_request *req, sb_response *res, sf_tx *tx, int min)
{
    memset(tx, 0, sizeof *tx);
    int v = sf_request_version(req);
    if (v < min) {
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
        return -1;
    }
    cs_err err;
    if (sf_tx_begin(ctx, tx, v, &err) != 0) {
        sf_respond_internal(res, &err);
        return -1;
    }
    return 0;
}

static const char *record_type(json_t *rec)
{
    return json_string_value(json_object_get(json_object_get(rec, "attributes"), "type"));
}

/* The id of a record in an update: "id" or "Id". */
static const char *record_id(json_t *rec)
{
    const char *key;
    json_t *v;
    json_object_foreach(rec, key, v)
    {
        if (strcasecmp(key, "id") == 0)
            return json_string_value(v);
    }
    return NULL;
}

/* Checks the request shape and every record's object and field names, which
 * the real API rejects while reading the request, before saving anything. */
static int check_request(sf_tx *tx, json_t *body, coll_op op, const sf_object *fixed,
                         sb_response *res)
{
    json_t *records = json_object_get(body, "records");
    json_t *aon = json_object_get(body, "allOrNone");
    if (!json_is_array(records) || (aon && !json_is_boolean(aon))) {
        sf_respond_error(res, 400, "JSON_PARSER_ERROR",
                         "Expected {\"allOrNone\": boolean, \"records\": [...]}");
        return -1;
    }
    if (json_array_size(records) > SF_COLLECTION_MAX) {
        sf_respond_error(res, 400, "EXCEEDED_ID_LIMIT",
                         "record limit reached. cannot submit more than 200 records into this "
                         "call");
        return -1;
    }
    size_t i;
    json_t *rec;
    json_array_foreach(records, i, rec)
    {
        if (!json_is_object(rec)) {
            sf_respond_error(res, 400, "JSON_PARSER_ERROR", "Each record must be a JSON object");
            return -1;
        }
        const char *type = record_type(rec);
        const sf_object *o = fixed;
        if (type) {
            o = sf_schema_object(tx->schema, type);
            if (o == NULL || (fixed && o != fixed)) {
                char msg[200];
                snprintf(msg, sizeof msg, "sObject type '%.60s' is not supported.", type);
                sf_respond_error(res, 400, "INVALID_TYPE", msg);
                return -1;
            }
        } else if (op == COLL_CREATE) {
            sf_respond_error(res, 400, "INVALID_TYPE",
                             "Each record must specify its type in attributes");
            return -1;
        }
        if (o == NULL) /* update without a type: the id decides */
            continue;
        const char *key;
        json_t *v;
        json_object_foreach(rec, key, v)
        {
            if (strcmp(key, "attributes") == 0 || strcasecmp(key, "Id") == 0 ||
                sf_object_field(o, key))
                continue;
            char msg[200];
            snprintf(msg, sizeof msg, "No such column '%.60s' on sobject of type %s", key, o->name);
            sf_respond_error(res, 400, "INVALID_FIELD", msg);
            return -1;
        }
    }
    return 0;
}

static void roll_back_results(sf_save *saves, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!saves[i].ok)
            continue;
        saves[i].ok = false;
        sf_verr_set(&saves[i].err, "ALL_OR_NONE_OPERATION_ROLLED_BACK", NULL,
                    "Record rolled back because not all records were valid and the request was "
                    "using AllOrNone header");
    }
}

/* Runs one save per record inside an outer savepoint, then answers. */
static void run(sf_tx *tx, json_t *records, bool all_or_none, coll_op op, const sf_object *fixed,
                const sf_field *ext, sb_response *res)
{
    size_t n = json_array_size(records);
    sf_save *saves = calloc(n ? n : 1, sizeof *saves);
    cs_err err;
    if (saves == NULL || sb_exec(tx->ctx, "SAVEPOINT sf_all", &err) != 0) {
        free(saves);
        sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", "out of memory");
        return;
    }
    int rc = 0;
    bool failed = false;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *rec = json_array_get(records, i);
        sf_save *s = &saves[i];
        sf_save_init(s);
        const char *type = record_type(rec);
        const sf_object *o = type ? sf_schema_object(tx->schema, type) : fixed;
        if (op == COLL_CREATE) {
            rc = sf_write_create(tx, o, rec, s, &err);
        } else if (op == COLL_UPDATE) {
            const char *id = record_id(rec);
            if (id == NULL)
                sf_verr_set(&s->err, "MISSING_ARGUMENT", NULL,
                            "Id not specified in an update call");
            else
                rc = sf_write_update(tx, o, id, rec, s, &err);
        } else {
            json_t *key = json_object_get(rec, ext->name);
            const char *value =
                strcmp(ext->name, "Id") == 0 ? record_id(rec) : json_string_value(key);
            char num[64];
            if (value == NULL && json_is_number(key)) {
                snprintf(num, sizeof num, "%.17g", json_number_value(key));
                value = num;
            }
            if (value == NULL)
                sf_verr_set(&s->err, "MISSING_ARGUMENT", ext->name, "%s not specified", ext->name);
            else
                rc = sf_write_upsert(tx, o, ext, value, rec, s, &err);
        }
        if (rc == 0 && !s->ok)
            failed = true;
    }
    if (rc != 0) {
        sf_respond_internal(res, &err);
    } else {
        if (all_or_none && failed) {
            sb_exec(tx->ctx, "ROLLBACK TO sf_all", NULL);
            roll_back_results(saves, n);
        }
        sb_exec(tx->ctx, "RELEASE sf_all", NULL);
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, sf_save_json(&saves[i], op == COLL_UPSERT));
        if (sf_tx_commit(tx, &err) != 0) {
            json_decref(arr);
            sf_respond_internal(res, &err);
        } else {
            sb_respond_json(res, 200, arr);
        }
    }
    for (size_t i = 0; i < n; i++)
        sf_save_dispose(&saves[i]);
    free(saves);
}

static json_t *body_json(const sb_request *req, sb_response *res)
{
    char why[200];
    json_t *j = sb_body_json(req, why, sizeof why);
    if (!json_is_object(j)) {
        json_decref(j);
        sf_respond_error(res, 400, "JSON_PARSER_ERROR", j ? "Expected a JSON object" : why);
        return NULL;
    }
    return j;
}

static void collection(sb_ctx *ctx, const sb_request *req, sb_response *res, coll_op op)
{
    sf_tx tx;
    int min = op == COLL_UPSERT ? SF_UPSERT_BODY_MIN : SF_COLLECTIONS_MIN;
    if (begin(ctx, req, res, &tx, min) != 0) {
        sf_tx_end(&tx);
        return;
    }
    const sf_object *fixed = NULL;
    const sf_field *ext = NULL;
    if (op == COLL_UPSERT) {
        fixed = sf_schema_object(tx.schema, sb_param(req, "object"));
        ext = fixed ? sf_object_field(fixed, sb_param(req, "field")) : NULL;
        if (fixed == NULL) {
            sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
        } else if (ext == NULL || !(strcmp(ext->name, "Id") == 0 || (ext->flags & SF_F_EXT))) {
            char msg[200];
            snprintf(msg, sizeof msg,
                     "Provided external ID field does not exist or is not accessible: %.60s",
                     sb_param(req, "field"));
            sf_respond_error(res, 404, "NOT_FOUND", msg);
            fixed = NULL;
        }
        if (fixed == NULL) {
            sf_tx_end(&tx);
            return;
        }
    }
    json_t *body = body_json(req, res);
    if (body && check_request(&tx, body, op, fixed, res) == 0)
        run(&tx, json_object_get(body, "records"), json_is_true(json_object_get(body, "allOrNone")),
            op, fixed, ext, res);
    json_decref(body);
    sf_tx_end(&tx);
}

void sf_h_coll_create(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    collection(ctx, req, res, COLL_CREATE);
}

void sf_h_coll_update(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    collection(ctx, req, res, COLL_UPDATE);
}

void sf_h_coll_upsert(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    collection(ctx, req, res, COLL_UPSERT);
}

/* Splits "a,b,c" into a JSON array of strings; NULL past max entries. */
static json_t *split_ids(const char *text, size_t max)
{
    json_t *arr = json_array();
    const char *p = text ? text : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0)
            json_array_append_new(arr, json_stringn(p, len));
        if (json_array_size(arr) > max) {
            json_decref(arr);
            return NULL;
        }
        if (end == NULL)
            break;
        p = end + 1;
    }
    return arr;
}

void sf_h_coll_delete(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_tx tx;
    if (begin(ctx, req, res, &tx, SF_COLLECTIONS_MIN) != 0) {
        sf_tx_end(&tx);
        return;
    }
    json_t *ids = split_ids(sb_query(req, "ids"), SF_COLLECTION_MAX);
    const char *aon = sb_query(req, "allOrNone");
    bool all_or_none = aon && strcasecmp(aon, "true") == 0;
    if (ids == NULL) {
        sf_respond_error(res, 400, "EXCEEDED_ID_LIMIT",
                         "record limit reached. cannot submit more than 200 records into this "
                         "call");
    } else if (json_array_size(ids) == 0) {
        sf_respond_error(res, 400, "MISSING_ARGUMENT", "ids not specified");
    } else {
        size_t n = json_array_size(ids);
        sf_save *saves = calloc(n, sizeof *saves);
        cs_err err;
        int rc = saves ? sb_exec(ctx, "SAVEPOINT sf_all", &err) : -1;
        bool failed = false;
        for (size_t i = 0; rc == 0 && i < n; i++) {
            sf_save_init(&saves[i]);
            rc = sf_write_delete(&tx, NULL, json_string_value(json_array_get(ids, i)), &saves[i],
                                 &err);
            failed |= rc == 0 && !saves[i].ok;
        }
        if (rc != 0) {
            sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", saves ? err.message : "out of memory");
        } else {
            if (all_or_none && failed) {
                sb_exec(ctx, "ROLLBACK TO sf_all", NULL);
                roll_back_results(saves, n);
            }
            sb_exec(ctx, "RELEASE sf_all", NULL);
            json_t *arr = json_array();
            for (size_t i = 0; i < n; i++) {
                json_t *r = sf_save_json(&saves[i], false);
                /* Delete results name the id even when they fail. */
                const char *given = json_string_value(json_array_get(ids, i));
                if (!saves[i].ok && given)
                    json_object_set_new(r, "id", json_string(saves[i].id[0] ? saves[i].id : given));
                json_array_append_new(arr, r);
            }
            if (sf_tx_commit(&tx, &err) != 0) {
                json_decref(arr);
                sf_respond_internal(res, &err);
            } else {
                sb_respond_json(res, 200, arr);
            }
        }
        for (size_t i = 0; saves && i < n; i++)
            sf_save_dispose(&saves[i]);
        free(saves);
    }
    json_decref(ids);
    sf_tx_end(&tx);
}

/* POST /composite/sobjects/{Object} {"ids": [...], "fields": [...]}: the
 * records in order, null for ids that name no live record. */
void sf_h_coll_retrieve(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_tx tx;
    if (begin(ctx, req, res, &tx, SF_COLLECTIONS_MIN) != 0) {
        sf_tx_end(&tx);
        return;
    }
    const sf_object *o = sf_schema_object(tx.schema, sb_param(req, "object"));
    json_t *body = o ? body_json(req, res) : NULL;
    if (o == NULL)
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
    json_t *ids = json_object_get(body, "ids");
    json_t *fields = json_object_get(body, "fields");
    cs_buf list;
    cs_buf_init(&list, 64 * 1024);
    bool shape = json_is_array(ids) && json_is_array(fields) && json_array_size(fields) > 0;
    size_t i;
    json_t *v;
    json_array_foreach(fields, i, v)
    {
        if (!json_is_string(v) || strchr(json_string_value(v), ',') ||
            (list.len && cs_buf_append_str(&list, ",") != 0) ||
            cs_buf_append_str(&list, json_string_value(v)) != 0)
            shape = false;
    }
    if (body && !shape) {
        sf_respond_error(res, 400, "JSON_PARSER_ERROR",
                         "Expected {\"ids\": [...], \"fields\": [...]}");
    } else if (body && json_array_size(ids) > RETRIEVE_MAX) {
        sf_respond_error(res, 400, "EXCEEDED_ID_LIMIT",
                         "record limit reached. cannot submit more than 2000 records into this "
                         "call");
    } else if (body) {
        json_t *arr = json_array();
        bool ok = true;
        json_array_foreach(ids, i, v)
        {
            char id[SF_ID_LEN + 1];
            const char *text = json_string_value(v);
            if (text == NULL || sf_id_normalize(text, id) != 0) {
                char msg[200];
                snprintf(msg, sizeof msg, "invalid record id: %.40s", text ? text : "");
                sf_respond_error(res, 400, "MALFORMED_ID", msg);
                ok = false;
                break;
            }
            json_t *data = NULL;
            bool deleted = false;
            cs_err err;
            int rc = sf_schema_object_by_prefix(tx.schema, id) == o
                         ? sf_store_get(&tx, id, &data, &deleted, &err)
                         : 1;
            if (rc < 0) {
                sf_respond_internal(res, &err);
                ok = false;
                break;
            }
            if (rc == 1 || deleted) {
                json_decref(data);
                json_array_append_new(arr, json_null());
                continue;
            }
            char bad[128] = "";
            json_t *r =
                sf_render_record(&tx, o, id, data, deleted, cs_buf_str(&list), bad, sizeof bad);
            json_decref(data);
            if (r == NULL) {
                char msg[300];
                snprintf(msg, sizeof msg, "No such column '%s' on entity '%s'.", bad, o->name);
                sf_respond_error(res, 400, "INVALID_FIELD", msg);
                ok = false;
                break;
            }
            json_array_append_new(arr, r);
        }
        if (ok)
            sb_respond_json(res, 200, arr);
        else
            json_decref(arr);
    }
    cs_buf_free(&list);
    json_decref(body);
    sf_tx_end(&tx);
}
