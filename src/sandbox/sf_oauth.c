/* The Salesforce endpoints that are not about records: the OAuth 2.0 token
 * endpoint (refresh_token, client_credentials and password grants; how a
 * client recovers after /__sandbox/expire-tokens), the version list, the
 * resources of a version, and /limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sf_int.h"

#define ORG_SEQ 1

/* --- token --------------------------------------------------------------- */

static void oauth_error(sb_response *res, int status, const char *error, const char *description)
{
    sb_respond_json(res, status,
                    json_pack("{s:s,s:s}", "error", error, "error_description", description));
}

static const char *form_get(json_t *form, const char *key)
{
    const char *v = json_string_value(json_object_get(form, key));
    return v && v[0] ? v : NULL;
}

/* True when username names an active User. */
static bool active_username(sb_ctx *ctx, const char *username)
{
    sqlite3_stmt *st = NULL;
    bool ok = false;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT json_extract(data, '$.IsActive') FROM sf_records "
                           "WHERE object = 'User' AND lower(json_extract(data, '$.Username')) = "
                           "lower(?)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    }
    sqlite3_finalize(st);
    return ok;
}

static void integration_user(sb_ctx *ctx, char out[SF_ID_LEN + 1])
{
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(ctx->db, "SELECT value FROM sf_meta WHERE key = 'integration_user'", -1,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, SF_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static void random_text(sb_ctx *ctx, char *out, size_t n)
{
    static const char alphabet[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[sb_random(ctx) % (sizeof alphabet - 1)];
    out[n] = '\0';
}

void sf_h_token(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    json_t *form = sb_body_form(req);
    if (form == NULL) {
        oauth_error(res, 400, "invalid_request", "malformed request body");
        return;
    }
    const char *grant = form_get(form, "grant_type");
    const char *client_id = form_get(form, "client_id");
    if (grant == NULL) {
        oauth_error(res, 400, "invalid_request", "grant type not supported");
    } else if (strcmp(grant, "refresh_token") != 0 && strcmp(grant, "client_credentials") != 0 &&
               strcmp(grant, "password") != 0) {
        oauth_error(res, 400, "unsupported_grant_type", "grant type not supported");
    } else if (client_id == NULL) {
        oauth_error(res, 400, "invalid_client_id", "client identifier invalid");
    } else if (strcmp(grant, "refresh_token") == 0 && form_get(form, "refresh_token") == NULL) {
        oauth_error(res, 400, "invalid_grant", "expired access/refresh token");
    } else if (strcmp(grant, "client_credentials") == 0 &&
               form_get(form, "client_secret") == NULL) {
        oauth_error(res, 400, "invalid_client", "invalid client credentials");
    } else if (strcmp(grant, "password") == 0 &&
               (form_get(form, "username") == NULL || form_get(form, "password") == NULL ||
                !active_username(ctx, form_get(form, "username")))) {
        oauth_error(res, 400, "invalid_grant", "authentication failure");
    } else {
        char org[SF_ID_LEN + 1], user[SF_ID_LEN + 1], secret[97], token[128], sig[45];
        sf_id_make("00D", ORG_SEQ, org);
        integration_user(ctx, user);
        random_text(ctx, secret, 96);
        snprintf(token, sizeof token, "%.15s!%s", org, secret);
        random_text(ctx, sig, 43);
        sig[43] = '=';
        sig[44] = '\0';
        sqlite3_stmt *st = NULL;
        int64_t now = cs_time_now_ms();
        bool stored = sqlite3_prepare_v2(ctx->db,
                                         "INSERT INTO sandbox_tokens(token, api, issued_ms) "
                                         "VALUES (?, 'salesforce', ?)",
                                         -1, &st, NULL) == SQLITE_OK;
        if (stored) {
            sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, now);
            stored = sqlite3_step(st) == SQLITE_DONE;
        }
        sqlite3_finalize(st);
        if (!stored) {
            oauth_error(res, 500, "server_error", sqlite3_errmsg(ctx->db));
        } else {
            char instance[64], id_url[160], issued[32];
            snprintf(instance, sizeof instance, "%s://127.0.0.1:%d", ctx->tls ? "https" : "http",
                     ctx->ports[SB_SALESFORCE]);
            snprintf(id_url, sizeof id_url, "%s/id/%s/%s", instance, org, user);
            snprintf(issued, sizeof issued, "%lld", (long long)now);
            sb_respond_json(res, 200,
                            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "access_token", token,
                                      "instance_url", instance, "id", id_url, "token_type",
                                      "Bearer", "issued_at", issued, "signature", sig, "scope",
                                      "api refresh_token"));
        }
    }
    json_decref(form);
}

/* --- versions, resources, limits ----------------------------------------- */

/* v20.0 was Winter '11, then Spring and Summer: three releases a year. */
static const char *release_label(int major)
{
    static const char *const seasons[] = {"Winter", "Spring", "Summer"};
    return seasons[(major - 20) % 3];
}

void sf_h_versions(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)ctx;
    (void)req;
    json_t *arr = json_array();
    for (int v = SF_VERSION_MIN; v <= SF_VERSION_MAX; v += 10) {
        int major = v / 10;
        int year = 11 + (major - 20) / 3;
        char version[16], url[48], label[32];
        snprintf(version, sizeof version, "%d.0", major);
        snprintf(url, sizeof url, "/services/data/v%d.0", major);
        snprintf(label, sizeof label, "%s '%02d", release_label(major), year % 100);
        json_array_append_new(
            arr, json_pack("{s:s,s:s,s:s}", "label", label, "url", url, "version", version));
    }
    sb_respond_json(res, 200, arr);
}

void sf_h_resources(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)ctx;
    int v = sf_version_or_404(req, res);
    if (v < 0)
        return;
    static const char *const names[] = {"sobjects", "query", "queryAll", "limits", "composite"};
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char url[96];
        snprintf(url, sizeof url, "/services/data/v%d.%d/%s", v / 10, v % 10, names[i]);
        json_object_set_new(o, names[i], json_string(url));
    }
    sb_respond_json(res, 200, o);
}

static json_t *limit(long max, long remaining)
{
    return json_pack("{s:I,s:I}", "Max", (json_int_t)max, "Remaining",
                     (json_int_t)(remaining < 0 ? 0 : remaining));
}

void sf_h_limits(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    if (sf_version_or_404(req, res) < 0)
        return;
    long max = ctx->salesforce_daily_limit > 0 ? ctx->salesforce_daily_limit : 1000000000L;
    static const struct {
        const char *name;
        long max;
    } fixed[] = {
        {"ConcurrentAsyncGetReportInstances", 200},
        {"ConcurrentSyncReportRuns", 20},
        {"DailyAsyncApexExecutions", 250000},
        {"DailyBulkApiBatches", 15000},
        {"DailyBulkV2QueryFileStorageMB", 976562},
        {"DailyBulkV2QueryJobs", 10000},
        {"DailyDurableStreamingApiEvents", 10000},
        {"DailyGenericStreamingApiEvents", 10000},
        {"DailyStreamingApiEvents", 10000},
        {"DailyWorkflowEmails", 390},
        {"DataStorageMB", 5},
        {"FileStorageMB", 20},
        {"HourlyAsyncReportRuns", 1200},
        {"HourlyDashboardRefreshes", 200},
        {"HourlyODataCallout", 10000},
        {"HourlySyncReportRuns", 500},
        {"HourlyTimeBasedWorkflow", 50},
        {"MassEmail", 10},
        {"SingleEmail", 15},
        {"StreamingApiConcurrentClients", 20},
    };
    json_t *o = json_object();
    json_object_set_new(o, "DailyApiRequests", limit(max, max - ctx->sf_daily_used));
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        json_object_set_new(o, fixed[i].name, limit(fixed[i].max, fixed[i].max));
    sb_respond_json(res, 200, o);
}
