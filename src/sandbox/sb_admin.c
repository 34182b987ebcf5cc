/* The admin API no real service has, served on both ports under /__sandbox/:
 * request statistics, fault injection, limits, token expiry, and the routes
 * each emulated API adds (convert a lead, define a custom sObject, ...).
 * Documented in docs/sandbox.md. */
#include "sandbox/sb_admin.h"

#include <stdio.h>
#include <string.h>

#include "core/timeutil.h"
#include "sandbox/sandbox.h"
#include "sandbox/sb_http.h"

static json_t *stats_json(const sb_stats *st)
{
    return json_pack("{s:I,s:O,s:O}", "requests", (json_int_t)st->requests, "by_endpoint",
                     st->by_endpoint, "by_status", st->by_status);
}

static void get_stats(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)req;
    sb_respond_json(res, 200,
                    json_pack("{s:o,s:o}", "hubspot", stats_json(&ctx->stats[SB_HUBSPOT]),
                              "salesforce", stats_json(&ctx->stats[SB_SALESFORCE])));
}

static void reset_stats(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)req;
    for (int i = 0; i < SB_API_COUNT; i++) {
        ctx->stats[i].requests = 0;
        json_object_clear(ctx->stats[i].by_endpoint);
        json_object_clear(ctx->stats[i].by_status);
    }
    sb_respond_json(res, 200, json_pack("{s:b}", "ok", 1));
}

static json_t *faults_json(const sb_faults *f)
{
    json_t *o = json_pack("{s:f,s:f,s:f,s:i,s:f,s:f}", "rate_429", f->rate_429, "rate_500",
                          f->rate_500, "rate_slow", f->rate_slow, "slow_ms", f->slow_ms,
                          "rate_drop", f->rate_drop, "rate_drop_after", f->rate_drop_after);
    if (o != NULL && f->only[0] != '\0') {
        json_t *list = json_array();
        for (const char *p = f->only; list != NULL && *p != '\0';) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            json_array_append_new(list, json_stringn(p, n));
            p += n + (nl != NULL);
        }
        json_object_set_new(o, "only", list);
    }
    return o;
}

static void get_faults(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)req;
    sb_respond_json(res, 200,
                    json_pack("{s:o,s:o}", "hubspot", faults_json(&ctx->faults[SB_HUBSPOT]),
                              "salesforce", faults_json(&ctx->faults[SB_SALESFORCE])));
}

/* Reads an optional rate in [0,1]; returns -1 (and answers 400) when invalid. */
static int read_rate(json_t *body, const char *key, double *out, sb_response *res)
{
    json_t *v = json_object_get(body, key);
    if (v == NULL)
        return 0;
    if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s must be a number between 0 and 1", key);
        sb_respond_admin_error(res, 400, "%s", msg);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

/* "only": one pattern ("METHOD /path", '*' at the end for a prefix) or an
 * array of them, kept newline-separated in f->only. */
static int read_only(const json_t *only, sb_faults *f, sb_response *res)
{
    if (only == NULL)
        return 0;
    size_t n = json_is_array(only) ? json_array_size(only) : 1, used = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_is_array(only) ? json_array_get(only, i) : only;
        const char *s = json_string_value(v);
        size_t len = s ? strlen(s) : 0;
        if (len == 0 || strchr(s, '\n') != NULL || used + len + 1 >= sizeof f->only) {
            sb_respond_admin_error(res, 400,
                                   "only must be a non-empty string (\"METHOD /path\") or an "
                                   "array of them, %zu bytes in all at most",
                                   sizeof f->only - 1);
            return -1;
        }
        if (used > 0)
            f->only[used++] = '\n';
        memcpy(f->only + used, s, len + 1);
        used += len;
    }
    return 0;
}

/* Body: {"api": "hubspot"|"salesforce"|"both", "rate_429", "rate_500",
 * "rate_slow", "slow_ms", "rate_drop", "rate_drop_after", "only", "seed"}.
 * Omitted rates become 0 (and "only" none), so {} clears. */
static void set_faults(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    char why[160];
    json_t *body = req->body_len ? sb_body_json(req, why, sizeof why) : json_object();
    if (!json_is_object(body)) {
        json_decref(body);
        sb_respond_admin_error(res, 400, "body must be a JSON object");
        return;
    }
    sb_faults f = {0};
    char api[16] = "both";
    json_t *a = json_object_get(body, "api");
    if (a && json_is_string(a))
        snprintf(api, sizeof api, "%s", json_string_value(a));
    if (strcmp(api, "both") != 0 && strcmp(api, "hubspot") != 0 && strcmp(api, "salesforce") != 0) {
        json_decref(body);
        sb_respond_admin_error(res, 400, "api must be hubspot, salesforce or both");
        return;
    }
    if (read_rate(body, "rate_429", &f.rate_429, res) ||
        read_rate(body, "rate_500", &f.rate_500, res) ||
        read_rate(body, "rate_slow", &f.rate_slow, res) ||
        read_rate(body, "rate_drop", &f.rate_drop, res) ||
        read_rate(body, "rate_drop_after", &f.rate_drop_after, res)) {
        json_decref(body);
        return;
    }
    if (read_only(json_object_get(body, "only"), &f, res) != 0) {
        json_decref(body);
        return;
    }
    /* A seed makes the draws that follow reproducible (a test's faults). */
    json_t *seed = json_object_get(body, "seed");
    if (seed != NULL && (!json_is_integer(seed) || json_integer_value(seed) <= 0)) {
        json_decref(body);
        sb_respond_admin_error(res, 400, "seed must be a positive integer");
        return;
    }
    if (seed != NULL)
        ctx->rng = (uint64_t)json_integer_value(seed) * 0x9E3779B97F4A7C15ULL | 1u;
    json_t *slow = json_object_get(body, "slow_ms");
    if (slow) {
        if (!json_is_integer(slow) || json_integer_value(slow) < 0 ||
            json_integer_value(slow) > 60000) {
            json_decref(body);
            sb_respond_admin_error(res, 400, "slow_ms must be an integer between 0 and 60000");
            return;
        }
        f.slow_ms = (int)json_integer_value(slow);
    } else if (f.rate_slow > 0) {
        f.slow_ms = 2000;
    }
    json_decref(body);
    if (strcmp(api, "salesforce") != 0)
        ctx->faults[SB_HUBSPOT] = f;
    if (strcmp(api, "hubspot") != 0)
        ctx->faults[SB_SALESFORCE] = f;
    get_faults(ctx, req, res);
}

static json_t *limits_json(const sb_ctx *ctx)
{
    return json_pack("{s:i,s:I,s:I,s:I,s:I,s:i,s:i}", "hubspot_per_10s", ctx->hubspot_limit_per_10s,
                     "hubspot_daily", (json_int_t)ctx->hubspot_daily_limit, "hubspot_daily_used",
                     (json_int_t)ctx->hs_daily_used, "salesforce_daily",
                     (json_int_t)ctx->salesforce_daily_limit, "salesforce_daily_used",
                     (json_int_t)ctx->sf_daily_used, "hubspot_search_per_second",
                     ctx->hubspot_search_rate, "hubspot_search_lag_ms", ctx->hubspot_search_lag_ms);
}

static void get_limits(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)req;
    sb_respond_json(res, 200, limits_json(ctx));
}

static int read_limit(json_t *body, const char *key, long *out, sb_response *res)
{
    json_t *v = json_object_get(body, key);
    if (v == NULL)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s must be a non-negative integer (0 = unlimited)", key);
        sb_respond_admin_error(res, 400, "%s", msg);
        return -1;
    }
    *out = (long)json_integer_value(v);
    return 0;
}

/* Body: {"hubspot_per_10s", "hubspot_daily", "salesforce_daily",
 * "hubspot_search_per_second", "hubspot_search_lag_ms", "reset_usage"}. */
static void set_limits(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    char why[160];
    json_t *body = sb_body_json(req, why, sizeof why);
    if (!json_is_object(body)) {
        json_decref(body);
        sb_respond_admin_error(res, 400, "body must be a JSON object");
        return;
    }
    long per10 = ctx->hubspot_limit_per_10s, hs_daily = ctx->hubspot_daily_limit,
         sf_daily = ctx->salesforce_daily_limit;
    if (read_limit(body, "hubspot_per_10s", &per10, res) ||
        read_limit(body, "hubspot_daily", &hs_daily, res) ||
        read_limit(body, "salesforce_daily", &sf_daily, res)) {
        json_decref(body);
        return;
    }
    if (per10 > 1000000) {
        json_decref(body);
        sb_respond_admin_error(res, 400, "hubspot_per_10s is too large");
        return;
    }
    long search_rate = ctx->hubspot_search_rate, lag = ctx->hubspot_search_lag_ms;
    if (read_limit(body, "hubspot_search_per_second", &search_rate, res) ||
        read_limit(body, "hubspot_search_lag_ms", &lag, res)) {
        json_decref(body);
        return;
    }
    if (search_rate > CS_SANDBOX_SEARCH_RATE_MAX || lag > CS_SANDBOX_SEARCH_LAG_MAX) {
        char msg[160];
        (void)snprintf(msg, sizeof msg,
                       "hubspot_search_per_second must be at most %d and hubspot_search_lag_ms"
                       " at most %d",
                       CS_SANDBOX_SEARCH_RATE_MAX, CS_SANDBOX_SEARCH_LAG_MAX);
        json_decref(body);
        sb_respond_admin_error(res, 400, "%s", msg);
        return;
    }
    ctx->hubspot_search_rate = (int)search_rate;
    hs_search_lag_set(ctx, (int)lag);
    ctx->hubspot_limit_per_10s = (int)per10;
    ctx->hubspot_daily_limit = hs_daily;
    ctx->salesforce_daily_limit = sf_daily;
    if (json_is_true(json_object_get(body, "reset_usage"))) {
        ctx->hs_daily_used = 0;
        ctx->sf_daily_used = 0;
        ctx->hs_window_count = 0;
        memset(ctx->hs_search_sent_ms, 0, sizeof ctx->hs_search_sent_ms);
    }
    json_decref(body);
    sb_respond_json(res, 200, limits_json(ctx));
}

/* Body (optional): {"api": "hubspot" | "salesforce" | "both"}, default both. */
static void expire_tokens(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    char why[160];
    char api[16] = "both";
    if (req->body_len > 0) {
        json_t *body = sb_body_json(req, why, sizeof why);
        json_t *a = json_object_get(body, "api");
        if (!json_is_object(body) || (a && !json_is_string(a))) {
            json_decref(body);
            sb_respond_admin_error(res, 400,
                                   "body must be {\"api\": \"hubspot\"|\"salesforce\"|\"both\"}");
            return;
        }
        if (a)
            snprintf(api, sizeof api, "%s", json_string_value(a));
        json_decref(body);
    }
    bool hs = strcmp(api, "both") == 0 || strcmp(api, "hubspot") == 0;
    bool sf = strcmp(api, "both") == 0 || strcmp(api, "salesforce") == 0;
    if (!hs && !sf) {
        sb_respond_admin_error(res, 400, "api must be hubspot, salesforce or both");
        return;
    }
    cs_err err;
    const char *sql = hs && sf ? "DELETE FROM sandbox_tokens"
                      : hs     ? "DELETE FROM sandbox_tokens WHERE api = 'hubspot'"
                               : "DELETE FROM sandbox_tokens WHERE api = 'salesforce'";
    if (sb_exec(ctx, sql, &err) != 0) {
        sb_respond_admin_error(res, 500, "%s", err.message);
        return;
    }
    /* HubSpot OAuth tokens are kept, expired now: their next use answers
     * EXPIRED_AUTHENTICATION, as an expired token does at HubSpot. */
    char expire[160];
    long long now = (long long)cs_time_now_ms();
    (void)snprintf(expire, sizeof expire,
                   "UPDATE hs_oauth_tokens SET expires_ms = %lld WHERE expires_ms > %lld", now,
                   now);
    if (hs && sb_exec(ctx, expire, &err) != 0) {
        sb_respond_admin_error(res, 500, "%s", err.message);
        return;
    }
    ctx->token_expired[SB_HUBSPOT] |= hs;
    ctx->token_expired[SB_SALESFORCE] |= sf;
    sb_respond_json(res, 200, json_pack("{s:b,s:b}", "hubspot", hs, "salesforce", sf));
}

static const sb_route admin_routes[] = {
    {"GET", "/__sandbox/stats", get_stats, 0},
    {"POST", "/__sandbox/reset-stats", reset_stats, 0},
    {"GET", "/__sandbox/faults", get_faults, 0},
    {"POST", "/__sandbox/faults", set_faults, 0},
    {"GET", "/__sandbox/limits", get_limits, 0},
    {"POST", "/__sandbox/limits", set_limits, 0},
    {"POST", "/__sandbox/expire-tokens", expire_tokens, 0},
    {NULL, NULL, NULL, 0},
};

void sb_admin_handle(sb_ctx *ctx, sb_request *req, sb_response *res)
{
    const sb_route *tables[] = {admin_routes, sb_hubspot_api.admin_routes,
                                sb_salesforce_api.admin_routes};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        if (tables[i] == NULL)
            continue;
        sb_route_scratch scratch = {0};
        const sb_route *r = sb_route_lookup(tables[i], req, &scratch);
        if (r) {
            r->handler(ctx, req, res);
            sb_route_scratch_dispose(&scratch);
            return;
        }
        sb_route_scratch_dispose(&scratch);
    }
    sb_respond_admin_error(res, 404, "no such sandbox admin endpoint");
}
