/* HubSpot CRM API emulation: the route table and API-wide behaviour — error
 * bodies ({"status":"error",...,"category"}), 401/404 answers, rate limits
 * (a per-10-second burst limit that search is exempt from, and a daily
 * limit, both with the 429 bodies the official SDK's retry logic keys on),
 * X-HubSpot-RateLimit-* and X-HubSpot-Correlation-Id headers, and the
 * init/seed entry points. Endpoints live in hs_objects.c, hs_batch.c,
 * hs_search.c, hs_properties.c, hs_schemas.c, hs_assoc.c, hs_lists.c,
 * hs_prefs.c and hs_owners.c; docs/sandbox-hubspot.md lists them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_int.h"

#define HS_WINDOW_MS        10000
#define HS_SEARCH_WINDOW_MS 1000

/* --- error bodies ------------------------------------------------------------ */

void hs_error_ctx(sb_ctx *ctx, sb_response *res, int status, const char *category,
                  const char *message, json_t *context, json_t *errors)
{
    char cid[37];
    sb_uuid(ctx, cid);
    json_t *body = json_pack("{s:s,s:s,s:s,s:s}", "status", "error", "message", message,
                             "correlationId", cid, "category", category);
    if (context)
        json_object_set_new(body, "context", context);
    if (errors)
        json_object_set_new(body, "errors", errors);
    sb_respond_json(res, status, body);
}

void hs_error(sb_ctx *ctx, sb_response *res, int status, const char *category, const char *message)
{
    hs_error_ctx(ctx, res, status, category, message, NULL, NULL);
}

void hs_error_values(sb_ctx *ctx, sb_response *res, json_t *results)
{
    char *inner = json_dumps(results, JSON_COMPACT);
    cs_buf msg;
    cs_buf_init(&msg, 1u << 20);
    cs_buf_appendf(&msg, "Property values were not valid: %s", inner ? inner : "[]");
    free(inner);
    json_t *errors = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r)
    {
        json_array_append_new(errors, json_pack("{s:O,s:O,s:{s:[O]}}", "message",
                                                json_object_get(r, "message"), "code",
                                                json_object_get(r, "error"), "context",
                                                "propertyName", json_object_get(r, "name")));
    }
    hs_error_ctx(ctx, res, 400, "VALIDATION_ERROR", cs_buf_str(&msg), NULL, errors);
    cs_buf_free(&msg);
    json_decref(results);
}

void hs_error_internal(sb_ctx *ctx, sb_response *res, const cs_err *err)
{
    hs_rollback(ctx);
    hs_error(ctx, res, 500, "INTERNAL_ERROR", err ? err->message : "internal error");
}

void hs_error_body(sb_ctx *ctx, sb_response *res, const char *why)
{
    char msg[512];
    (void)snprintf(msg, sizeof msg, "Invalid input JSON: %s", why);
    hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
}

void hs_error_unknown_type(sb_ctx *ctx, sb_response *res, const char *segment)
{
    char msg[300];
    (void)snprintf(msg, sizeof msg, "Unable to infer object type from: %.200s", segment);
    hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
}

/* A body that is not JSON reads as HubSpot's (a Java JSON parser's) does:
 * "Invalid input JSON on line 1, column 15: <what the parser says>". */
json_t *hs_body(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    if (req->body_len == 0) {
        hs_error_body(ctx, res, "No content to map due to end-of-input");
        return NULL;
    }
    json_error_t jerr;
    json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (body == NULL) {
        char msg[400];
        (void)snprintf(msg, sizeof msg, "Invalid input JSON on line %d, column %d: %s",
                       jerr.line > 0 ? jerr.line : 1, jerr.column > 0 ? jerr.column : 1, jerr.text);
        hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
    }
    return body;
}

json_t *hs_standard_error(const char *category, const char *message, json_t *context)
{
    return json_pack("{s:s,s:s,s:s,s:o,s:[],s:{}}", "status", "error", "category", category,
                     "message", message, "context", context ? context : json_object(), "errors",
                     "links");
}

json_t *hs_batch_envelope(json_t *results, json_t *errors, int64_t started_ms)
{
    char started[CS_TIME_TEXT_MAX], done[CS_TIME_TEXT_MAX];
    cs_time_format_hubspot(started_ms, started);
    cs_time_format_hubspot(cs_time_now_ms(), done);
    json_t *j = json_pack("{s:s,s:o,s:s,s:s,s:s}", "status", "COMPLETE", "results", results,
                          "requestedAt", started, "startedAt", started, "completedAt", done);
    if (errors && json_array_size(errors) > 0) {
        json_object_set_new(j, "numErrors", json_integer((json_int_t)json_array_size(errors)));
        json_object_set_new(j, "errors", errors);
    } else {
        json_decref(errors);
    }
    return j;
}

json_t *hs_paging_next(const char *after, const char *base_path)
{
    char link[512];
    (void)snprintf(link, sizeof link, "%s?after=%s", base_path, after);
    return json_pack("{s:{s:s,s:s}}", "next", "after", after, "link", link);
}

/* --- API-wide answers ---------------------------------------------------------- */

static void hs_unauthorized(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    if (hs_oauth_answer_expired(ctx, req, res))
        return;
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

static void rate_limited(sb_ctx *ctx, sb_response *res, const char *policy, const char *message)
{
    char cid[37], rid[37];
    sb_uuid(ctx, cid);
    sb_uuid(ctx, rid);
    sb_respond_json(res, 429,
                    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "status", "error", "message",
                              message, "errorType", "RATE_LIMIT", "correlationId", cid, "category",
                              "RATE_LIMITS", "policyName", policy, "requestId", rid));
}

static void hs_fault(sb_ctx *ctx, int status, sb_response *res)
{
    if (status == 429)
        rate_limited(ctx, res, "SECONDLY", "You have reached your secondly limit.");
    else
        hs_error(ctx, res, status, "INTERNAL_ERROR", "internal error");
}

static bool is_search_route(const sb_request *req)
{
    const char *p = req->route_pattern;
    size_t len = p ? strlen(p) : 0;
    return len >= 7 && strcmp(p + len - 7, "/search") == 0;
}

/* The search endpoints' own limit: at most hubspot_search_rate searches in
 * any rolling second. The ring keeps the times of the last admitted
 * searches, so the rate-th most recent one tells whether the second is
 * full; a refused search does not count. */
static bool search_limited(sb_ctx *ctx)
{
    int rate = ctx->hubspot_search_rate;
    if (rate <= 0)
        return false;
    if (rate > SB_SEARCH_RATE_MAX)
        rate = SB_SEARCH_RATE_MAX;
    int64_t now = cs_time_monotonic_ms();
    int nth = (ctx->hs_search_head - rate + SB_SEARCH_RATE_MAX) % SB_SEARCH_RATE_MAX;
    int64_t then = ctx->hs_search_sent_ms[nth];
    if (then != 0 && now - then < HS_SEARCH_WINDOW_MS)
        return true;
    ctx->hs_search_sent_ms[ctx->hs_search_head] = now > 0 ? now : 1;
    ctx->hs_search_head = (ctx->hs_search_head + 1) % SB_SEARCH_RATE_MAX;
    return false;
}

/* Burst limit per 10-second window (search exempt: it has its own secondly
 * limit) and daily limit; a limit of 0 means none. R6 relies on all three
 * answering like HubSpot: the search 429 names the secondly limit in the
 * message the official SDK retries after a second, and, like every search
 * answer, carries no rate-limit headers (hs_finish). */
static bool hs_admit(sb_ctx *ctx, const sb_request *req, unsigned flags, sb_response *res)
{
    if (flags & SB_ROUTE_NO_AUTH) /* the OAuth endpoints are not CRM API calls */
        return false;
    if (ctx->hubspot_daily_limit > 0 && ctx->hs_daily_used >= ctx->hubspot_daily_limit) {
        rate_limited(ctx, res, "DAILY", "You have reached your daily limit.");
        return true;
    }
    if (is_search_route(req) && search_limited(ctx)) {
        rate_limited(ctx, res, "SECONDLY", "You have reached your secondly limit.");
        return true;
    }
    if (!(flags & SB_ROUTE_NO_RATE_LIMIT) && ctx->hubspot_limit_per_10s > 0) {
        int64_t now = cs_time_monotonic_ms();
        if (ctx->hs_window_start_ms == 0 || now - ctx->hs_window_start_ms >= HS_WINDOW_MS) {
            ctx->hs_window_start_ms = now;
            ctx->hs_window_count = 0;
        }
        if (ctx->hs_window_count >= ctx->hubspot_limit_per_10s) {
            rate_limited(ctx, res, "TEN_SECONDLY_ROLLING",
                         "You have reached your ten_secondly_rolling limit.");
            return true;
        }
        ctx->hs_window_count++;
    }
    ctx->hs_daily_used++;
    return false;
}

static void header_long(sb_response *res, const char *name, long long v)
{
    char text[32];
    (void)snprintf(text, sizeof text, "%lld", v);
    sb_response_header(res, name, text);
}

/* Every answer carries a correlation id (the one in an error body when there
 * is one); non-search answers carry the rate-limit headers. */
static void hs_finish(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    char cid[37];
    const char *body = cs_buf_str(&res->body);
    const char *found = strstr(body, "\"correlationId\":\"");
    if (found != NULL && strlen(found + 17) >= 36) {
        memcpy(cid, found + 17, 36);
        cid[36] = '\0';
    } else {
        sb_uuid(ctx, cid);
    }
    sb_response_header(res, "X-HubSpot-Correlation-Id", cid);
    /* The OAuth endpoints are not CRM API calls: no rate-limit headers. */
    if (req->route_pattern != NULL && !is_search_route(req) &&
        strncmp(req->route_pattern, "/oauth/", 7) != 0) {
        if (ctx->hubspot_daily_limit > 0) {
            header_long(res, "X-HubSpot-RateLimit-Daily", ctx->hubspot_daily_limit);
            long left = ctx->hubspot_daily_limit - ctx->hs_daily_used;
            header_long(res, "X-HubSpot-RateLimit-Daily-Remaining", left > 0 ? left : 0);
        }
        if (ctx->hubspot_limit_per_10s > 0) {
            int left = ctx->hubspot_limit_per_10s - ctx->hs_window_count;
            header_long(res, "X-HubSpot-RateLimit-Interval-Milliseconds", HS_WINDOW_MS);
            header_long(res, "X-HubSpot-RateLimit-Max", ctx->hubspot_limit_per_10s);
            header_long(res, "X-HubSpot-RateLimit-Remaining", left > 0 ? left : 0);
            header_long(res, "X-HubSpot-RateLimit-Secondly", (ctx->hubspot_limit_per_10s + 9) / 10);
            header_long(res, "X-HubSpot-RateLimit-Secondly-Remaining",
                        left > 0 ? (left + 9) / 10 : 0);
        }
    }
    hs_state_end_request(ctx);
}

/* --- lifecycle ------------------------------------------------------------------- */

static int hs_init(sb_ctx *ctx, cs_err *err)
{
    int rc = 0;
    if (hs_types_create_tables(ctx, err) != 0 || hs_records_create_tables(ctx, err) != 0 ||
        hs_index_create_tables(ctx, err) != 0 || hs_assoc_create_tables(ctx, err) != 0 ||
        hs_lists_create_tables(ctx, err) != 0 || hs_begin(ctx, err) != 0 ||
        hs_types_install_builtin(ctx, err) != 0 || hs_owners_install(ctx, err) != 0 ||
        hs_prefs_install(ctx, err) != 0 ||
        hs_assoc_define_pair(ctx, HS_CONTACTS, HS_COMPANIES, err) != 0)
        rc = -1;
    if (rc == 0 && !sqlite3_get_autocommit(ctx->db))
        rc = hs_commit(ctx, err);
    hs_rollback(ctx);
    hs_state_release(ctx);
    return rc == 0 ? 0 : cs_err_prefix(err, "hubspot: ");
}

static int hs_seed(sb_ctx *ctx, int n, cs_err *err)
{
    int rc = hs_seed_contacts(ctx, n, err);
    hs_state_release(ctx);
    return rc;
}

/* Specific routes come before the ones with a capture in the same place. */
static const sb_route hs_routes[] = {
    {"POST", "/crm/v3/objects/[type]/search", hs_h_search, SB_ROUTE_NO_RATE_LIMIT},
    {"POST", "/crm/v3/objects/[type]/batch/create", hs_h_batch_create, 0},
    {"POST", "/crm/v3/objects/[type]/batch/read", hs_h_batch_read, 0},
    {"POST", "/crm/v3/objects/[type]/batch/update", hs_h_batch_update, 0},
    {"POST", "/crm/v3/objects/[type]/batch/upsert", hs_h_batch_upsert, 0},
    {"POST", "/crm/v3/objects/[type]/batch/archive", hs_h_batch_archive, 0},
    {"GET", "/crm/v3/objects/[type]", hs_h_obj_list, 0},
    {"POST", "/crm/v3/objects/[type]", hs_h_obj_create, 0},
    {"GET", "/crm/v3/objects/[type]/{id}", hs_h_obj_get, 0},
    {"PATCH", "/crm/v3/objects/[type]/{id}", hs_h_obj_update, 0},
    {"DELETE", "/crm/v3/objects/[type]/{id}", hs_h_obj_archive, 0},

    {"GET", "/crm/v3/properties/[type]", hs_h_props_list, 0},
    {"POST", "/crm/v3/properties/[type]", hs_h_props_create, 0},
    {"GET", "/crm/v3/properties/[type]/{name}", hs_h_props_get, 0},
    {"PATCH", "/crm/v3/properties/[type]/{name}", hs_h_props_update, 0},

    {"GET", "/crm-object-schemas/v3/schemas", hs_h_schemas_list, 0},
    {"POST", "/crm-object-schemas/v3/schemas", hs_h_schemas_create, 0},
    {"GET", "/crm-object-schemas/v3/schemas/{objectType}", hs_h_schemas_get, 0},
    {"GET", "/crm/v3/schemas", hs_h_schemas_list, 0},
    {"POST", "/crm/v3/schemas", hs_h_schemas_create, 0},
    {"GET", "/crm/v3/schemas/{objectType}", hs_h_schemas_get, 0},

    {"PUT", "/crm/v4/objects/[from]/{id}/associations/default/[to]/{toId}", hs_h_assoc_put_default,
     0},
    {"PUT", "/crm/v4/objects/[from]/{id}/associations/[to]/{toId}", hs_h_assoc_put, 0},
    {"DELETE", "/crm/v4/objects/[from]/{id}/associations/[to]/{toId}", hs_h_assoc_delete, 0},
    {"GET", "/crm/v4/objects/[from]/{id}/associations/[to]", hs_h_assoc_list, 0},
    {"POST", "/crm/v4/associations/[from]/[to]/batch/create", hs_h_assoc_batch_create, 0},
    {"POST", "/crm/v4/associations/[from]/[to]/batch/associate/default", hs_h_assoc_batch_default,
     0},
    {"POST", "/crm/v4/associations/[from]/[to]/batch/read", hs_h_assoc_batch_read, 0},
    {"POST", "/crm/v4/associations/[from]/[to]/batch/archive", hs_h_assoc_batch_archive, 0},

    {"POST", "/crm/v3/lists", hs_h_lists_create, 0},
    {"GET", "/crm/v3/lists/records/[objectTypeId]/{recordId}/memberships", hs_h_lists_of_record, 0},
    {"GET", "/crm/v3/lists/{listId}", hs_h_lists_get, 0},
    {"PUT", "/crm/v3/lists/{listId}/memberships/add", hs_h_lists_members_add, 0},
    {"PUT", "/crm/v3/lists/{listId}/memberships/remove", hs_h_lists_members_remove, 0},
    {"GET", "/crm/v3/lists/{listId}/memberships", hs_h_lists_members_get, 0},

    {"GET", "/communication-preferences/v3/definitions", hs_h_prefs_definitions, 0},
    {"GET", "/communication-preferences/v3/status/email/{email}", hs_h_prefs_status, 0},
    {"POST", "/communication-preferences/v3/subscribe", hs_h_prefs_subscribe, 0},
    {"POST", "/communication-preferences/v3/unsubscribe", hs_h_prefs_unsubscribe, 0},

    {"GET", "/crm/v3/owners", hs_h_owners_list, 0},
    {"GET", "/crm/v3/owners/{ownerId}", hs_h_owners_get, 0},

    {"POST", "/oauth/v1/token", hs_h_oauth_token, SB_ROUTE_NO_AUTH},
    {"GET", "/oauth/v1/access-tokens/{token}", hs_h_oauth_access_token, SB_ROUTE_NO_AUTH},
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
    .admit = hs_admit,
    .finish = hs_finish,
    .dispose = hs_state_release,
};
