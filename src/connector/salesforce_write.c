/* Salesforce writes through sObject Collections (R4, R9): POST (create) and
 * PATCH (update) /composite/sobjects with allOrNone false, and DELETE
 * /composite/sobjects?ids=..., at most 200 records. A well-formed call
 * answers 200 with one SaveResult per record in input order, so each record
 * gets its own result and the rest of the batch lands. More than one
 * collection goes out as one POST /composite of up to 5 collection
 * subrequests (1,000 records a call), allOrNone false at both levels so
 * each collection, and each record in it, lands or fails alone. Values are converted
 * to each field's type first; a field that does not exist or cannot be
 * written refuses its record here instead of failing the whole call.
 *
 * A create sent without an answer is UNKNOWN: the engine looks the record up
 * by email before anything is sent again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/salesforce_int.h"

/* Converts one input into a collection record; refuses it locally when a
 * field does not exist, cannot be written this way, or its value does not fit. */
json_t *cs_sfc_prepare(cs_connector *c, const char *object, const cs_object_schema *s,
                       cs_write_kind kind, const cs_write_input *in, cs_write_result *res)
{
    (void)c;
    json_t *rec = json_pack("{s:{s:s}}", "attributes", "type", object);
    if (rec == NULL)
        return NULL;
    if (kind == CS_WRITE_UPDATE)
        json_object_set_new(rec, "id", json_string(in->id));
    const char *k;
    json_t *v;
    char msg[CS_WRITE_MESSAGE_MAX];
    json_object_foreach((json_t *)in->fields, k, v)
    {
        const cs_field_schema *f = cs_object_schema_field_nocase(s, k);
        bool writable = f && (kind == CS_WRITE_CREATE ? f->createable : f->updateable);
        if (!writable) {
            if (f == NULL)
                (void)snprintf(msg, sizeof msg, "No such column '%.100s' on sobject of type %.60s",
                               k, object);
            else
                (void)snprintf(msg, sizeof msg, "Unable to %s the field %.100s on %.60s",
                               kind == CS_WRITE_CREATE ? "create" : "update", f->name, object);
            cs_write_result_refuse(res, CS_CAT_PROPERTY_VALUES,
                                   f ? "INVALID_FIELD_FOR_INSERT_UPDATE" : "INVALID_FIELD", k, msg);
            json_decref(rec);
            return NULL;
        }
        cs_err verr = {0};
        json_t *sv = cs_value_to_salesforce(f->kind, f->integer, v, &verr);
        if (sv == NULL) {
            (void)snprintf(msg, sizeof msg, "%.100s: %.300s", f->name, verr.message);
            cs_write_result_refuse(res, CS_CAT_PROPERTY_VALUES, "INVALID_TYPE_ON_FIELD_IN_RECORD",
                                   f->name, msg);
            json_decref(rec);
            return NULL;
        }
        json_object_set_new(rec, f->name, sv);
    }
    return rec;
}

/* A SaveResult's errors into a refused result (R4: the API's own words). */
static void refuse_from(cs_write_result *res, const json_t *errors)
{
    const json_t *first = json_array_get(errors, 0);
    const char *code = json_string_value(json_object_get(first, "statusCode"));
    if (code == NULL)
        code = json_string_value(json_object_get(first, "errorCode"));
    char fields[CS_WRITE_FIELDS_MAX] = "", msg[CS_WRITE_MESSAGE_MAX] = "";
    size_t i;
    const json_t *e;
    json_array_foreach(errors, i, e)
    {
        const char *m = json_string_value(json_object_get(e, "message"));
        size_t used = strlen(msg);
        if (m != NULL && used < sizeof msg - 1)
            (void)snprintf(msg + used, sizeof msg - used, "%s%s", used ? "; " : "", m);
        size_t j;
        const json_t *f;
        json_array_foreach(json_object_get(e, "fields"), j, f)
        {
            const char *name = json_string_value(f);
            size_t fu = strlen(fields);
            if (name != NULL && fu < sizeof fields - 1 && strstr(fields, name) == NULL)
                (void)snprintf(fields + fu, sizeof fields - fu, "%s%s", fu ? "," : "", name);
        }
    }
    if (msg[0] == '\0')
        (void)snprintf(msg, sizeof msg, "Salesforce refused the record");
    cs_write_result_refuse(res, cs_conn_category_salesforce(code), code ? code : "UNKNOWN_ERROR",
                           fields, msg);
}

static void apply_results(cs_write_kind kind, const json_t *ans, const size_t *idx, size_t n,
                          const cs_write_input *in, cs_write_result *res)
{
    for (size_t j = 0; j < n; j++) {
        const json_t *r = json_array_get(ans, j);
        cs_write_result *out = &res[idx[j]];
        if (r == NULL) {
            /* an answer shorter than the request: what happened is unknown */
            out->status = kind == CS_WRITE_CREATE ? CS_WRITE_UNKNOWN : CS_WRITE_NOT_SENT;
            (void)snprintf(out->message, sizeof out->message,
                           "Salesforce's answer did not include it");
            continue;
        }
        if (json_is_true(json_object_get(r, "success"))) {
            const char *id = json_string_value(json_object_get(r, "id"));
            cs_write_result_ok(out, id ? id : (in[idx[j]].id ? in[idx[j]].id : ""),
                               kind == CS_WRITE_CREATE);
        } else {
            refuse_from(out, json_object_get(r, "errors"));
        }
    }
}

static int send_group(cs_connector *c, cs_write_kind kind, json_t *const *recs,
                      const cs_write_input *in, const size_t *idx, size_t n, cs_write_result *res,
                      cs_err *err);

/* A 400 for the whole call names no record: halve until it does. */
static int narrow(cs_connector *c, cs_write_kind kind, json_t *const *recs,
                  const cs_write_input *in, const size_t *idx, size_t n, cs_write_result *res,
                  const json_t *body, cs_err *err)
{
    if (n == 1) {
        json_t *none = json_array();
        refuse_from(&res[idx[0]], json_is_array(body) ? body : none);
        json_decref(none);
        return 0;
    }
    size_t half = n / 2;
    if (send_group(c, kind, recs, in, idx, half, res, err) != 0)
        return -1;
    return send_group(c, kind, recs, in, idx + half, n - half, res, err);
}

static int send_group(cs_connector *c, cs_write_kind kind, json_t *const *recs,
                      const cs_write_input *in, const size_t *idx, size_t n, cs_write_result *res,
                      cs_err *err)
{
    if (n == 0)
        return 0;
    char path[300];
    (void)snprintf(path, sizeof path, "%s/composite/sobjects", cs_sfc_prefix(c));
    cs_http_request req = {.path = path};
    json_t *body = NULL;
    cs_buf ids;
    cs_buf_init(&ids, (size_t)SF_COLLECTION_LIMIT * 20);
    cs_http_kv q[2] = {{"ids", ""}, {"allOrNone", "false"}};
    if (kind == CS_WRITE_DELETE) {
        for (size_t j = 0; j < n; j++)
            cs_buf_appendf(&ids, "%s%s", j ? "," : "", in[idx[j]].id);
        q[0].value = cs_buf_str(&ids);
        req.method = CS_HTTP_DELETE;
        req.query = q;
        req.nquery = 2;
    } else {
        json_t *arr = json_array();
        for (size_t j = 0; j < n; j++)
            json_array_append(arr, recs[idx[j]]);
        body = json_pack("{s:b,s:o}", "allOrNone", 0, "records", arr);
        req.method = kind == CS_WRITE_CREATE ? CS_HTTP_POST : CS_HTTP_PATCH;
    }
    cs_http_response resp;
    cs_http_response_init(&resp);
    json_t *ans = NULL;
    int rc = cs_conn_call(c, true, &req, body, &ans, &resp, err);
    json_decref(body);
    cs_buf_free(&ids);
    long status = resp.status;
    if (rc == 0) {
        if (!json_is_array(ans)) {
            json_decref(ans);
            cs_http_response_dispose(&resp);
            for (size_t j = 0; j < n; j++)
                if (kind == CS_WRITE_CREATE)
                    res[idx[j]].status = CS_WRITE_UNKNOWN;
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "Salesforce answered a collection call with no SaveResults");
        }
        apply_results(kind, ans, idx, n, in, res);
        json_decref(ans);
        cs_http_response_dispose(&resp);
        return 0;
    }
    bool refused = status == 400 || status == 404;
    json_t *ebody = refused ? cs_conn_error_body(&resp) : NULL;
    bool unknown = resp.outcome_unknown || status == 0 || status >= 500;
    cs_http_response_dispose(&resp);
    if (refused) {
        rc = narrow(c, kind, recs, in, idx, n, res, ebody, err);
        json_decref(ebody);
        return rc;
    }
    /* auth, API limits (REQUEST_LIMIT_EXCEEDED), network: the call failed as a whole */
    for (size_t j = 0; j < n; j++)
        if (kind == CS_WRITE_CREATE && unknown)
            res[idx[j]].status = CS_WRITE_UNKNOWN;
    return -1;
}

/* One collection subrequest of a /composite body. */
static json_t *subrequest(cs_connector *c, cs_write_kind kind, json_t *const *recs,
                          const cs_write_input *in, const size_t *idx, size_t n, size_t group)
{
    cs_buf url;
    cs_buf_init(&url, 512 + n * CS_CONNECTOR_ID_MAX);
    int rc = cs_buf_appendf(&url, "%s/composite/sobjects", cs_sfc_prefix(c));
    json_t *body = NULL;
    if (kind == CS_WRITE_DELETE) {
        rc = rc ? rc : cs_buf_appendf(&url, "?allOrNone=false&ids=");
        for (size_t j = 0; rc == 0 && j < n; j++)
            rc = cs_buf_appendf(&url, "%s%s", j ? "," : "", in[idx[j]].id);
    } else {
        json_t *arr = json_array();
        for (size_t j = 0; arr != NULL && j < n; j++)
            json_array_append(arr, recs[idx[j]]);
        body = json_pack("{s:b,s:o*}", "allOrNone", 0, "records", arr);
        rc = rc ? rc : (body == NULL ? -1 : 0);
    }
    if (rc != 0) {
        cs_buf_free(&url);
        json_decref(body);
        return NULL;
    }
    char ref[32];
    (void)snprintf(ref, sizeof ref, "collection%zu", group);
    const char *method = kind == CS_WRITE_CREATE   ? "POST"
                         : kind == CS_WRITE_DELETE ? "DELETE"
                                                   : "PATCH";
    json_t *sub =
        json_pack("{s:s,s:s,s:s}", "method", method, "url", cs_buf_str(&url), "referenceId", ref);
    cs_buf_free(&url);
    if (sub != NULL && body != NULL && json_object_set_new(sub, "body", body) != 0) {
        json_decref(sub);
        return NULL;
    }
    if (sub == NULL)
        json_decref(body);
    return sub;
}

/* The answer of one collection subrequest: SaveResults, or a refusal of the
 * whole collection (narrowed through direct collection calls, as a 400 of
 * a direct call is), or a failure of the subrequest. */
static int subresponse(cs_connector *c, cs_write_kind kind, json_t *const *recs,
                       const cs_write_input *in, const size_t *idx, size_t n, cs_write_result *res,
                       const json_t *sub, cs_err *err)
{
    json_int_t status = json_integer_value(json_object_get(sub, "httpStatusCode"));
    const json_t *body = json_object_get(sub, "body");
    if (status >= 200 && status < 300 && json_is_array(body)) {
        apply_results(kind, body, idx, n, in, res);
        return 0;
    }
    if (status == 400 || status == 404)
        return narrow(c, kind, recs, in, idx, n, res, body, err);
    for (size_t j = 0; j < n; j++)
        if (kind == CS_WRITE_CREATE)
            res[idx[j]].status = CS_WRITE_UNKNOWN;
    const json_t *first = json_array_get(body, 0);
    const char *msg = json_string_value(json_object_get(first, "message"));
    cs_err_category cat = status == 401   ? CS_ERR_AUTH
                          : status == 403 ? CS_ERR_RATE_LIMIT
                                          : CS_ERR_REMOTE_FAILED;
    return cs_err_set(err, cat,
                      "Salesforce /composite: a collection subrequest answered %lld: %.300s",
                      (long long)status, msg ? msg : "no message");
}

/* Up to 5 collections of group_max records in one POST /composite. */
static int send_composite(cs_connector *c, cs_write_kind kind, json_t *const *recs,
                          const cs_write_input *in, const size_t *idx, size_t m,
                          cs_write_result *res, cs_err *err)
{
    size_t g = c->group_max;
    size_t groups = (m + g - 1) / g;
    json_t *subs = json_array();
    json_t *body = json_pack("{s:b,s:o*}", "allOrNone", 0, "compositeRequest", subs);
    if (body == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t k = 0; k < groups; k++) {
        size_t n = m - k * g < g ? m - k * g : g;
        json_t *sub = subrequest(c, kind, recs, in, idx + k * g, n, k);
        if (sub == NULL || json_array_append_new(subs, sub) != 0) {
            json_decref(body);
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
    }
    char path[300];
    (void)snprintf(path, sizeof path, "%s/composite", cs_sfc_prefix(c));
    /* A POST, but one of updates only sets the same values again when sent
     * twice: retried on a 5xx or a lost answer like the PATCH it wraps. */
    cs_http_request req = {.method = CS_HTTP_POST,
                           .path = path,
                           .idempotency =
                               kind == CS_WRITE_UPDATE ? CS_HTTP_IDEMPOTENT : CS_HTTP_BY_METHOD};
    cs_http_response resp;
    cs_http_response_init(&resp);
    json_t *ans = NULL;
    int rc = cs_conn_call(c, true, &req, body, &ans, &resp, err);
    json_decref(body);
    long status = resp.status;
    bool unknown = resp.outcome_unknown || status == 0 || status >= 500;
    cs_http_response_dispose(&resp);
    if (rc != 0 && (status == 400 || status == 404)) {
        /* the composite envelope itself was refused: each collection alone */
        rc = 0;
        for (size_t k = 0; k < groups && rc == 0; k++) {
            size_t n = m - k * g < g ? m - k * g : g;
            rc = send_group(c, kind, recs, in, idx + k * g, n, res, err);
        }
        return rc;
    }
    if (rc != 0) {
        for (size_t j = 0; j < m; j++)
            if (kind == CS_WRITE_CREATE && unknown)
                res[idx[j]].status = CS_WRITE_UNKNOWN;
        return -1;
    }
    const json_t *answers = json_object_get(ans, "compositeResponse");
    if (!json_is_array(answers) || json_array_size(answers) != groups) {
        json_decref(ans);
        for (size_t j = 0; j < m; j++)
            if (kind == CS_WRITE_CREATE)
                res[idx[j]].status = CS_WRITE_UNKNOWN;
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "Salesforce answered a /composite call of %zu collections without "
                          "%zu subrequest answers",
                          groups, groups);
    }
    int out = 0;
    for (size_t k = 0; k < groups; k++) {
        size_t n = m - k * g < g ? m - k * g : g;
        cs_err serr = {0};
        if (subresponse(c, kind, recs, in, idx + k * g, n, res, json_array_get(answers, k),
                        &serr) != 0 &&
            out == 0) {
            if (err)
                *err = serr;
            out = -1;
        }
    }
    json_decref(ans);
    return out;
}

int cs_sfc_write(cs_connector *c, const char *object, cs_write_kind kind, const cs_write_input *in,
                 size_t n, cs_write_result *res, cs_err *err)
{
    if (kind == CS_WRITE_UPSERT_EMAIL)
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "Salesforce has no upsert by email: look the record up by email "
                          "(cs_connector_find_by_email) and update or create it");
    const cs_object_schema *s = cs_conn_schema(c, object, err);
    if (s == NULL)
        return -1;
    json_t **recs = calloc(n ? n : 1, sizeof(json_t *));
    size_t *idx = calloc(n ? n : 1, sizeof(size_t));
    if (recs == NULL || idx == NULL) {
        free(recs);
        free(idx);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    int rc = 0;
    size_t m = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (kind == CS_WRITE_DELETE) {
            if (cs_sfc_id_ok(in[i].id))
                idx[m++] = i;
            else
                cs_write_result_refuse(&res[i], CS_CAT_PROPERTY_VALUES, "MALFORMED_ID", "Id",
                                       "not a Salesforce id");
            continue;
        }
        if (kind == CS_WRITE_UPDATE && !cs_sfc_id_ok(in[i].id)) {
            cs_write_result_refuse(&res[i], CS_CAT_PROPERTY_VALUES, "MALFORMED_ID", "Id",
                                   "not a Salesforce id");
            continue;
        }
        recs[i] = cs_sfc_prepare(c, object, s, kind, &in[i], &res[i]);
        if (recs[i] != NULL)
            idx[m++] = i;
    }
    if (rc == 0 && m <= c->group_max)
        rc = send_group(c, kind, recs, in, idx, m, res, err);
    else if (rc == 0)
        rc = send_composite(c, kind, recs, in, idx, m, res, err);
    for (size_t i = 0; i < n; i++)
        json_decref(recs[i]);
    free(recs);
    free(idx);
    return rc;
}
