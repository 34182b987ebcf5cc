/* Salesforce REST API emulation: the route table and API-wide behaviour (auth
 * errors, rate limits, error bodies). */
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "sandbox/sb.h"

static void sf_error(sb_ctx *ctx, sb_response *res, int status, const char *category,
                     const char *message)
{
    char cid[37];
    sb_uuid(ctx, cid);
    sb_respond_json(res, status,
                    json_pack("{s:s,s:s,s:s,s:s}", "status", "error", "message", message,
                              "correlationId", cid, "category", category));
}

static int sf_init(sb_ctx *ctx, cs_err *err)
{
    (void)ctx;
    (void)err;
    return 0;
}

static int sf_seed(sb_ctx *ctx, int n, cs_err *err)
{
    (void)ctx;
    (void)n;
    (void)err;
    return 0;
}

static void sf_unauthorized(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)req;
    sf_error(ctx, res, 401, "INVALID_AUTHENTICATION",
             "Authentication credentials not found. This API supports OAuth 2.0 authentication "
             "and you can find more details at https://developers.hubspot.com/docs/methods/auth/"
             "oauth-overview");
}

static void sf_not_found(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)req;
    sf_error(ctx, res, 404, "OBJECT_NOT_FOUND", "resource not found");
}

static void sf_fault(sb_ctx *ctx, int status, sb_response *res)
{
    if (status == 429)
        sf_error(ctx, res, 429, "RATE_LIMITS", "You have reached your secondly limit.");
    else
        sf_error(ctx, res, status, "INTERNAL_ERROR", "internal error");
}

static const sb_route sf_routes[] = {
    {NULL, NULL, NULL, 0},
};

const sb_api_ops sb_salesforce_api = {
    .name = "salesforce",
    .routes = sf_routes,
    .admin_routes = NULL,
    .init = sf_init,
    .seed = sf_seed,
    .unauthorized = sf_unauthorized,
    .not_found = sf_not_found,
    .fault = sf_fault,
    .admit = NULL,
    .finish = NULL,
};
