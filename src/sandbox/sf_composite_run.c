/* The Composite resource: POST /services/data/vXX.X/composite runs up to 25
 * subrequests, in order, through the same route table and handlers as
 * top-level requests, inside one database transaction (each subrequest's
 * own transaction becomes a savepoint in it, sf_store.c), and answers 200
 * with one {body, httpHeaders, httpStatusCode, referenceId} per subrequest.
 *
 * allOrNone true: the first failing subrequest (status 400 or more, or an
 * sObject Collections write with a refused record, whose own allOrNone is
 * forced true) ends the run; everything is rolled back, it keeps its answer
 * and every other subrequest answers 400 PROCESSING_HALTED. allOrNone false:
 * each subrequest commits or fails alone, and one whose references read a
 * failed subrequest answers PROCESSING_HALTED without running.
 *
 * A malformed request (JSON, shape, methods, URLs, referenceIds, forbidden
 * headers, more than 25 subrequests or more than 5 collections and queries)
 * answers 400 with the error array before anything runs. The whole request
 * is one API call: sf_api.c admits and counts it once, and its subrequests
 * bypass admission and statistics. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sb_subreq.h"
#include "sandbox/sf_composite.h"
#include "sandbox/sf_int.h"

#define ROLLED_BACK_MSG                                                                            \
    "The transaction was rolled back since another operation in the same transaction failed."
#define DATA_PREFIX "/services/data/"

typedef enum sub_kind { KIND_SOBJECT, KIND_QUERY, KIND_COLLECTION } sub_kind;

/* One checked subrequest; every pointer borrowed from the request body. */
typedef struct sub_in {
    const char *method;
    const char *url;
    const char *ref;
    json_t *body; /* NULL when absent */
    sub_kind kind;
    sb_pair headers[SB_MAX_HEADERS];
    int nheaders;
} sub_in;

/* One subrequest's answer. */
typedef struct sub_out {
    int status;
    json_t *body;    /* owned; json null for an empty body */
    json_t *headers; /* owned object */
    bool failed;
} sub_out;

typedef struct composite {
    bool all_or_none;
    sub_in in[SF_COMPOSITE_MAX];
    sub_out out[SF_COMPOSITE_MAX];
    int n;
} composite;

/* --- checking the request ----------------------------------------------- */

static int refuse(sb_response *res, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Answers 400 [{errorCode: code, message}]; returns -1. */
static int refuse(sb_response *res, const char *code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    sf_respond_error(res, 400, code, msg);
    return -1;
}

/* The resource a subrequest URL names, after "/services/data/vXX.X/":
 * sObject resources, query/queryAll and sObject Collections are supported. */
static int url_kind(const char *url, sub_kind *kind)
{
    if (strncmp(url, DATA_PREFIX, strlen(DATA_PREFIX)) != 0)
        return -1;
    const char *rest = strchr(url + strlen(DATA_PREFIX), '/');
    if (rest == NULL)
        return -1;
    rest++;
    size_t len = strcspn(rest, "/?");
    if (len == 8 && strncmp(rest, "sobjects", 8) == 0) {
        *kind = KIND_SOBJECT;
        return 0;
    }
    if ((len == 5 && strncmp(rest, "query", 5) == 0) ||
        (len == 8 && strncmp(rest, "queryAll", 8) == 0)) {
        *kind = KIND_QUERY;
        return 0;
    }
    if (len == 9 && strncmp(rest, "composite", 9) == 0 && strncmp(rest + 9, "/sobjects", 9) == 0 &&
        strchr("/?", rest[18]) != NULL) {
        *kind = KIND_COLLECTION;
        return 0;
    }
    return -1;
}

static int check_headers(json_t *h, sub_in *in, int i, sb_response *res)
{
    if (h == NULL)
        return 0;
    if (!json_is_object(h))
        return refuse(res, "JSON_PARSER_ERROR",
                      "compositeRequest[%d].httpHeaders must be an object of strings", i);
    const char *name;
    json_t *value;
    json_object_foreach(h, name, value)
    {
        if (!json_is_string(value))
            return refuse(res, "JSON_PARSER_ERROR",
                          "compositeRequest[%d].httpHeaders.%.60s must be a string", i, name);
        if (strcasecmp(name, "Accept") == 0 || strcasecmp(name, "Authorization") == 0 ||
            strcasecmp(name, "Content-Type") == 0)
            return refuse(res, "INVALID_INPUT",
                          "compositeRequest[%d]: the %s header is inherited from the composite "
                          "request and cannot be set on a subrequest",
                          i, name);
        if (in->nheaders == SB_MAX_HEADERS)
            return refuse(res, "INVALID_INPUT", "compositeRequest[%d]: more than %d httpHeaders", i,
                          SB_MAX_HEADERS);
        in->headers[in->nheaders].name = name;
        in->headers[in->nheaders].value = json_string_value(value);
        in->nheaders++;
    }
    return 0;
}

static int check_sub(composite *c, json_t *item, int i, sb_response *res)
{
    sub_in *in = &c->in[i];
    if (!json_is_object(item))
        return refuse(res, "JSON_PARSER_ERROR", "compositeRequest[%d] must be an object", i);
    in->method = json_string_value(json_object_get(item, "method"));
    in->url = json_string_value(json_object_get(item, "url"));
    in->ref = json_string_value(json_object_get(item, "referenceId"));
    in->body = json_object_get(item, "body");
    if (in->method == NULL || in->url == NULL || in->ref == NULL)
        return refuse(res, "JSON_PARSER_ERROR",
                      "compositeRequest[%d]: method, url and referenceId are required strings", i);
    static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE"};
    bool known = false;
    for (size_t k = 0; k < sizeof methods / sizeof methods[0]; k++)
        known |= strcmp(in->method, methods[k]) == 0;
    if (!known)
        return refuse(res, "INVALID_INPUT",
                      "compositeRequest[%d]: method '%.20s' is not one of GET, POST, PATCH, PUT "
                      "and DELETE",
                      i, in->method);
    if (!sf_cref_valid_id(in->ref))
        return refuse(res, "INVALID_INPUT",
                      "compositeRequest[%d]: referenceId '%.100s' must start with a letter and "
                      "hold only letters, digits and underscores (at most %d characters)",
                      i, in->ref, SF_COMPOSITE_REF_MAX);
    for (int k = 0; k < i; k++)
        if (strcmp(c->in[k].ref, in->ref) == 0)
            return refuse(res, "INVALID_INPUT",
                          "compositeRequest[%d]: duplicate referenceId '%s' (also "
                          "compositeRequest[%d])",
                          i, in->ref, k);
    if (url_kind(in->url, &in->kind) != 0)
        return refuse(res, "INVALID_INPUT",
                      "compositeRequest[%d]: url '%.200s' must start with "
                      "/services/data/vXX.X/ and name an sObject, query, queryAll or sObject "
                      "Collections resource",
                      i, in->url);
    return check_headers(json_object_get(item, "httpHeaders"), in, i, res);
}

static int check_request(composite *c, json_t *body, sb_response *res)
{
    json_t *aon = json_object_get(body, "allOrNone");
    json_t *collate = json_object_get(body, "collateSubrequests");
    json_t *list = json_object_get(body, "compositeRequest");
    if ((aon && !json_is_boolean(aon)) || (collate && !json_is_boolean(collate)))
        return refuse(res, "JSON_PARSER_ERROR",
                      "allOrNone and collateSubrequests must be booleans");
    if (!json_is_array(list) || json_array_size(list) == 0)
        return refuse(res, "JSON_PARSER_ERROR",
                      "compositeRequest must be a non-empty array of subrequests");
    if (json_array_size(list) > SF_COMPOSITE_MAX)
        return refuse(res, "LIMIT_EXCEEDED",
                      "A composite request can hold at most %d subrequests; this one holds %zu",
                      SF_COMPOSITE_MAX, json_array_size(list));
    c->all_or_none = json_is_true(aon);
    c->n = (int)json_array_size(list);
    int heavy = 0;
    for (int i = 0; i < c->n; i++) {
        if (check_sub(c, json_array_get(list, (size_t)i), i, res) != 0)
            return -1;
        heavy += c->in[i].kind != KIND_SOBJECT;
    }
    if (heavy > SF_COMPOSITE_MAX_HEAVY)
        return refuse(res, "LIMIT_EXCEEDED",
                      "A composite request can hold at most %d sObject Collections, query and "
                      "queryAll subrequests; this one holds %d",
                      SF_COMPOSITE_MAX_HEAVY, heavy);
    return 0;
}

/* --- running the subrequests -------------------------------------------- */

static void set_error(sub_out *out, int status, const char *code, const char *message)
{
    json_decref(out->body);
    json_decref(out->headers);
    out->status = status;
    out->body = json_pack("[{s:s,s:s}]", "errorCode", code, "message", message);
    out->headers = json_object();
}

/* A collection write whose results hold a refused record. */
static bool collection_refused(const sub_in *in, const sub_out *out)
{
    if (in->kind != KIND_COLLECTION || out->status != 200 || !json_is_array(out->body))
        return false;
    size_t i;
    json_t *r;
    json_array_foreach(out->body, i, r)
    {
        if (json_is_false(json_object_get(r, "success")))
            return true;
    }
    return false;
}

/* Under the composite's allOrNone, a collection write is all-or-none too. */
static void force_all_or_none(const sub_in *in, json_t *body, sb_subreq *s)
{
    if (in->kind != KIND_COLLECTION)
        return;
    if (strcmp(in->method, "DELETE") == 0) {
        for (int i = 0; i < s->req.nsub_args; i++)
            if (strcmp(s->args[i].name, "allOrNone") == 0) {
                s->args[i].value = "true";
                return;
            }
        if (s->req.nsub_args < SB_SUB_MAX_ARGS) {
            s->args[s->req.nsub_args].name = "allOrNone";
            s->args[s->req.nsub_args].value = "true";
            s->req.nsub_args++;
        }
    } else if (json_is_object(body) && json_object_get(body, "records")) {
        json_object_set_new(body, "allOrNone", json_true());
    }
}

static void take_answer(sb_response *r, sub_out *out)
{
    json_error_t jerr;
    out->status = r->status;
    out->body = r->body.len == 0 ? json_null() : json_loadb(r->body.data, r->body.len, 0, &jerr);
    if (out->body == NULL)
        out->body = json_stringn(r->body.data, r->body.len);
    if (out->body == NULL) /* text that is not UTF-8 */
        out->body = json_null();
    out->headers = json_object();
    for (int i = 0; i < r->nheaders; i++)
        json_object_set_new(out->headers, r->header_names[i], json_string(r->header_values[i]));
}

/* Resolves one subrequest's references and runs it. */
static void run_one(sb_ctx *ctx, const sf_crefs *refs, bool all_or_none, const sub_in *in,
                    sub_out *out)
{
    char msg[600];
    char *url = sf_cref_resolve_text(refs, in->url, msg, sizeof msg);
    bool has_body = in->body && strcmp(in->method, "GET") != 0 && strcmp(in->method, "DELETE") != 0;
    json_t *body = url && has_body ? sf_cref_resolve(refs, in->body, msg, sizeof msg) : NULL;
    if (url == NULL || (has_body && body == NULL)) {
        set_error(out, 400, "PROCESSING_HALTED", msg);
        out->failed = true;
        free(url);
        return;
    }
    sb_subreq s;
    cs_err err;
    if (sb_subreq_init(&s, SB_SALESFORCE, sb_salesforce_api.routes, in->method, url, "", 0,
                       in->headers, in->nheaders, &err) != 0) {
        set_error(out, 400, "INVALID_INPUT", err.message);
    } else {
        if (all_or_none)
            force_all_or_none(in, body, &s);
        char *text = body ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        s.req.body = text ? text : "";
        s.req.body_len = text ? strlen(text) : 0;
        sb_response r;
        sb_response_init(&r);
        sb_subreq_run(ctx, &sb_salesforce_api, &s, &r);
        take_answer(&r, out);
        sb_response_dispose(&r);
        free(text);
    }
    out->failed = out->status >= 400 || (all_or_none && collection_refused(in, out));
    sb_subreq_dispose(&s);
    json_decref(body);
    free(url);
}

static json_t *answer(const composite *c)
{
    json_t *list = json_array();
    for (int i = 0; i < c->n; i++) {
        const sub_out *o = &c->out[i];
        json_array_append_new(list, json_pack("{s:O,s:O,s:i,s:s}", "body", o->body, "httpHeaders",
                                              o->headers, "httpStatusCode", o->status,
                                              "referenceId", c->in[i].ref));
    }
    return json_pack("{s:o}", "compositeResponse", list);
}

static void run(sb_ctx *ctx, composite *c, sf_tx *tx, sb_response *res)
{
    sf_crefs refs = {.n = 0};
    int failed_at = -1;
    for (int i = 0; i < c->n && failed_at < 0; i++) {
        run_one(ctx, &refs, c->all_or_none, &c->in[i], &c->out[i]);
        refs.items[refs.n++] = (sf_cref){c->in[i].ref, c->out[i].body, !c->out[i].failed};
        if (c->all_or_none && c->out[i].failed)
            failed_at = i;
    }
    cs_err err;
    if (failed_at >= 0) {
        sf_tx_end(tx); /* rolls every subrequest back */
        for (int i = 0; i < c->n; i++)
            if (i != failed_at)
                set_error(&c->out[i], 400, "PROCESSING_HALTED", ROLLED_BACK_MSG);
    } else if (sf_tx_commit(tx, &err) != 0) {
        sf_respond_internal(res, &err);
        return;
    }
    sb_respond_json(res, 200, answer(c));
}

void sf_h_composite(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    int v = sf_request_version(req);
    if (v < SF_COMPOSITE_MIN) {
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
        return;
    }
    char why[200];
    json_t *body = sb_body_json(req, why, sizeof why);
    if (!json_is_object(body)) {
        sf_respond_error(res, 400, "JSON_PARSER_ERROR", body ? "Expected a JSON object" : why);
        json_decref(body);
        return;
    }
    composite *c = calloc(1, sizeof *c);
    sf_tx tx;
    cs_err err;
    memset(&tx, 0, sizeof tx);
    if (c == NULL) {
        sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", "out of memory");
    } else if (check_request(c, body, res) == 0) {
        if (sf_tx_begin(ctx, &tx, v, &err) != 0)
            sf_respond_internal(res, &err);
        else
            run(ctx, c, &tx, res);
        sf_tx_end(&tx);
    }
    for (int i = 0; c && i < c->n; i++) {
        json_decref(c->out[i].body);
        json_decref(c->out[i].headers);
    }
    free(c);
    json_decref(body);
}
