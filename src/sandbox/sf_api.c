/* Salesforce REST API emulation: the route table, API versions, the error
 * bodies every endpoint shares (a JSON array of {message, errorCode}), the
 * daily API request limit (403 REQUEST_LIMIT_EXCEEDED, SPEC R6) and the
 * Sforce-Limit-Info header every answer but the version list carries. The
 * admit hook also reads the request options the write pipeline honours
 * (Sforce-Duplicate-Rule-Header, for duplicate rules). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sf_int.h"

/* --- versions and errors ------------------------------------------------- */

int sf_request_version(const sb_request *req)
{
    const char *v = sb_param(req, "version");
    if (v == NULL || v[0] != 'v')
        return -1;
    int major = 0, minor = 0, n = 0;
    if (sscanf(v + 1, "%3d.%1d%n", &major, &minor, &n) != 2 || v[1 + n] != '\0')
        return -1;
    int tenths = major * 10 + minor;
    if (minor != 0 || tenths < SF_VERSION_MIN || tenths > SF_VERSION_MAX)
        return -1;
    return tenths;
}

void sf_respond_error(sb_response *res, int status, const char *code, const char *message)
{
    sb_respond_json(res, status, json_pack("[{s:s,s:s}]", "message", message, "errorCode", code));
}

int sf_version_or_404(const sb_request *req, sb_response *res)
{
    int v = sf_request_version(req);
    if (v < 0)
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
    return v;
}

void sf_respond_verr(sb_response *res, int status, const sf_verr *e)
{
    json_t *arr = json_array();
    sf_verr_json_all(e, false, arr);
    sb_respond_json(res, status, arr);
}

void sf_respond_internal(sb_response *res, const cs_err *err)
{
    sf_respond_error(res, 500, "UNKNOWN_EXCEPTION", err->message);
}

/* --- sb_api_ops ---------------------------------------------------------- */

static int sf_init(sb_ctx *ctx, cs_err *err)
{
    if (sf_store_init(ctx, err) != 0 || sf_rules_init(ctx, err) != 0 || sf_bulk_init(ctx, err) != 0)
        return -1;
    return sf_seed_base(ctx, err);
}

/* The job worker uses the statements sf_store_dispose finalizes: it stops
 * first. */
static void sf_dispose(sb_ctx *ctx)
{
    sf_bulk_dispose(ctx);
    sf_store_dispose(ctx);
}

static int sf_seed(sb_ctx *ctx, int n, cs_err *err)
{
    return sf_seed_leads(ctx, n, err);
}

static void sf_unauthorized(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)ctx;
    (void)req;
    sf_respond_error(res, 401, "INVALID_SESSION_ID", "Session expired or invalid");
}

static void sf_not_found(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)ctx;
    (void)req;
    sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
}

static void sf_fault(sb_ctx *ctx, int status, sb_response *res)
{
    if (status == 429) {
        sf_respond_error(res, 429, "REQUEST_LIMIT_EXCEEDED",
                         "ConcurrentPerOrgLongTxn Limit exceeded.");
        return;
    }
    char msg[160];
    snprintf(msg, sizeof msg,
             "An unexpected error occurred. Please include this ErrorId if you contact support: "
             "%u-%u (%d)",
             (unsigned)(sb_random(ctx) % 900000000u + 100000000u),
             (unsigned)(sb_random(ctx) % 90000u + 10000u), -(int)(sb_random(ctx) % 2000000000u));
    sf_respond_error(res, status, "UNKNOWN_EXCEPTION", msg);
}

/* The version list and the OAuth endpoint are not API calls: not counted,
 * and they carry no Sforce-Limit-Info. */
static bool counted(const sb_request *req)
{
    return !(strcmp(req->path, "/services/data") == 0 ||
             strcmp(req->path, "/services/data/") == 0 ||
             strncmp(req->path, "/services/oauth2/", 17) == 0);
}

static long limit_max(const sb_ctx *ctx)
{
    return ctx->salesforce_daily_limit > 0 ? ctx->salesforce_daily_limit : 1000000000L;
}

/* True when Sforce-Duplicate-Rule-Header says allowSave=true
 * ("allowSave=true; includeRecordDetails=false", ';' or ',' between). */
static bool header_allow_save(const sb_request *req)
{
    const char *h = sb_header(req, "Sforce-Duplicate-Rule-Header");
    while (h && *h) {
        h += strspn(h, " \t;,");
        size_t n = strcspn(h, ";,");
        char item[64];
        snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item ? n : sizeof item - 1), h);
        char *end = item + strlen(item);
        while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (strcasecmp(item, "allowSave=true") == 0)
            return true;
        h += n;
    }
    return false;
}

static bool sf_admit(sb_ctx *ctx, const sb_request *req, unsigned route_flags, sb_response *res)
{
    sf_request_opts *opts = sf_store_request_opts(ctx);
    if (opts)
        opts->dup_allow_save = header_allow_save(req);
    if ((route_flags & SB_ROUTE_NO_AUTH) || !counted(req))
        return false;
    if (ctx->salesforce_daily_limit > 0 && ctx->sf_daily_used >= ctx->salesforce_daily_limit) {
        sf_respond_error(res, 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
        return true;
    }
    ctx->sf_daily_used++;
    return false;
}

static void sf_finish(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    sf_request_opts *opts = sf_store_request_opts(ctx);
    if (opts)
        opts->dup_allow_save = false;
    if (!counted(req))
        return;
    char value[64];
    snprintf(value, sizeof value, "api-usage=%ld/%ld", ctx->sf_daily_used, limit_max(ctx));
    sb_response_header(res, "Sforce-Limit-Info", value);
}

#define V "/services/data/{version}"

static const sb_route sf_routes[] = {
    {"POST", "/services/oauth2/token", sf_h_token, SB_ROUTE_NO_AUTH},
    {"GET", "/services/data", sf_h_versions, SB_ROUTE_NO_AUTH},
    {"GET", V, sf_h_resources, 0},
    {"GET", V "/limits", sf_h_limits, 0},
    {"GET", V "/query", sf_h_query, 0},
    {"GET", V "/queryAll", sf_h_query_all, 0},
    {"GET", V "/query/{locator}", sf_h_query_more, 0},
    {"GET", V "/queryAll/{locator}", sf_h_query_more, 0},
    {"GET", V "/sobjects", sf_h_describe_global, 0},
    {"GET", V "/sobjects/[object]", sf_h_basic_info, 0},
    {"POST", V "/sobjects/[object]", sf_h_create, 0},
    {"GET", V "/sobjects/[object]/describe", sf_h_describe, 0},
    {"GET", V "/sobjects/[object]/updated", sf_h_updated, 0},
    {"GET", V "/sobjects/[object]/deleted", sf_h_deleted, 0},
    {"GET", V "/sobjects/[object]/{id}", sf_h_get, 0},
    {"PATCH", V "/sobjects/[object]/{id}", sf_h_update, 0},
    {"DELETE", V "/sobjects/[object]/{id}", sf_h_delete, 0},
    {"GET", V "/sobjects/[object]/[field]/{value}", sf_h_get_by_ext, 0},
    {"PATCH", V "/sobjects/[object]/[field]/{value}", sf_h_upsert, 0},
    {"POST", V "/composite/sobjects", sf_h_coll_create, 0},
    {"PATCH", V "/composite/sobjects", sf_h_coll_update, 0},
    {"DELETE", V "/composite/sobjects", sf_h_coll_delete, 0},
    {"POST", V "/composite/sobjects/[object]", sf_h_coll_retrieve, 0},
    {"PATCH", V "/composite/sobjects/[object]/[field]", sf_h_coll_upsert, 0},
    {"POST", V "/composite", sf_h_composite, 0},
    {"POST", V "/jobs/ingest", sf_h_bulk_ingest_create, 0},
    {"GET", V "/jobs/ingest", sf_h_bulk_list, 0},
    {"GET", V "/jobs/ingest/{job}", sf_h_bulk_get, 0},
    {"PATCH", V "/jobs/ingest/{job}", sf_h_bulk_patch, 0},
    {"DELETE", V "/jobs/ingest/{job}", sf_h_bulk_delete, 0},
    {"PUT", V "/jobs/ingest/{job}/batches", sf_h_bulk_upload, 0},
    {"GET", V "/jobs/ingest/{job}/successfulResults", sf_h_bulk_successful, 0},
    {"GET", V "/jobs/ingest/{job}/failedResults", sf_h_bulk_failed, 0},
    {"GET", V "/jobs/ingest/{job}/unprocessedrecords", sf_h_bulk_unprocessed, 0},
    {"POST", V "/jobs/query", sf_h_bulk_query_create, 0},
    {"GET", V "/jobs/query", sf_h_bulk_list, 0},
    {"GET", V "/jobs/query/{job}", sf_h_bulk_get, 0},
    {"PATCH", V "/jobs/query/{job}", sf_h_bulk_patch, 0},
    {"DELETE", V "/jobs/query/{job}", sf_h_bulk_delete, 0},
    {"GET", V "/jobs/query/{job}/results", sf_h_bulk_query_results, 0},
    {NULL, NULL, NULL, 0},
};

static const sb_route sf_admin_routes[] = {
    {"POST", "/__sandbox/salesforce/convert-lead", sf_h_admin_convert, 0},
    {"POST", "/__sandbox/salesforce/sobjects", sf_h_admin_define, 0},
    {"POST", "/__sandbox/salesforce/sobjects/[object]/fields", sf_h_admin_fields, 0},
    {"POST", "/__sandbox/salesforce/validation-rules", sf_h_admin_validation_rules, 0},
    {"GET", "/__sandbox/salesforce/validation-rules", sf_h_admin_validation_rules, 0},
    {"DELETE", "/__sandbox/salesforce/validation-rules/{name}", sf_h_admin_validation_rules, 0},
    {"POST", "/__sandbox/salesforce/duplicate-rules", sf_h_admin_duplicate_rules, 0},
    {"GET", "/__sandbox/salesforce/duplicate-rules", sf_h_admin_duplicate_rules, 0},
    {"DELETE", "/__sandbox/salesforce/duplicate-rules/{name}", sf_h_admin_duplicate_rules, 0},
    {NULL, NULL, NULL, 0},
};

#undef V

const sb_api_ops sb_salesforce_api = {
    .name = "salesforce",
    .routes = sf_routes,
    .admin_routes = sf_admin_routes,
    .init = sf_init,
    .seed = sf_seed,
    .unauthorized = sf_unauthorized,
    .not_found = sf_not_found,
    .fault = sf_fault,
    .admit = sf_admit,
    .finish = sf_finish,
    .dispose = sf_dispose,
};
