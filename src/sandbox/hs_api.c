/* HubSpot CRM API emulation: the route table and API-wide behaviour (auth
 * errors, rate limits, error bodies). */
#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "sandbox/sb.h"

static void hs_error(sb_ctx *ctx, sb_response *res, int status, const char *category,
                     const char *message)
{
    char cid[37];
    sb_uuid(ctx, cid);
    sb_respond_json(res, status,
                    json_pack("{s:s,s:s,s:s,s:s}", "status", "error", "message", message,
                              "correlationId", cid, "category", category));
}

static int hs_init(sb_ctx *ctx, cs_err *err)
{
    (void)ctx;
    (void)err;
    return 0;
}

static int hs_seed(sb_ctx *ctx, int n, cs_err *err)
{
    (void)ctx;
    (void)n;
    (void)err;
    return 0;
}

static void hs_unauthorized(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)req;
    hs_error(ctx, res, 401, "INVALID_AUTHENTICATION",
             "Authentication credentials not found. This API supports OAuth 2.0 authentication "
             "and you can find more details at https://developers.hubspot.com/docs/methods/auth/"
             "oauth-overview");
}

static void hs_not_found(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)req;
    hs_error(ctx, res, 404, "OBJECT_NOT_FOUND", "resource not found");
}

static void hs_fault(sb_ctx *ctx, int status, sb_response *res)
{
    if (status == 429)
        hs_error(ctx, res, 429, "RATE_LIMITS", "You have reached your secondly limit.");
    else
        hs_error(ctx, res, status, "INTERNAL_ERROR", "internal error");
}

static const sb_route hs_routes[] = {
    {NULL, NULL, NULL, 0},
};

const sb_api_ops sb_hubspot_api = {
    .name = "hubspot",
    .routes = hs_routes,
    .admin_routes = NULL,
    .init = hs_init,
    .seed = hs_seed,
    .unauthorized = hs_unauthorized,
    .not_found = hs_not_found,
    .fault = hs_fault,
    .admit = NULL,
    .finish = NULL,
};
