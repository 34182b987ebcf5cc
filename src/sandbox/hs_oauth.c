/* HubSpot's OAuth 2.0 endpoints, for clients that authenticate as an OAuth
 * app rather than with a private-app token: POST /oauth/v1/token (the
 * refresh_token grant; form-encoded, no Authorization header) and GET
 * /oauth/v1/access-tokens/{token} (what a token is, and how long it lives).
 *
 * The sandbox has one app: the client id, client secret and refresh token it
 * was started with (ctx->hs_client_id, ...). An access token it issues lives
 * ctx->hs_token_lifetime_s seconds (HubSpot: 1800), or until
 * /__sandbox/expire-tokens; after that the CRM API answers 401
 * EXPIRED_AUTHENTICATION saying how long ago it expired, as HubSpot does,
 * instead of INVALID_AUTHENTICATION for a token it never issued. Tokens are
 * rows of hs_oauth_tokens (created with the sandbox's own tables), so they
 * survive a restart like HubSpot's do. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sandbox/hs_int.h"

#define TOKEN_CHARS    148 /* HubSpot's are about this long (its docs: allow 300) */
#define APP_ID         424242
#define USER_ID        7000001
#define PRUNE_AFTER_MS (24LL * 3600 * 1000)

/* {"status":"BAD_…","message":"…","correlationId","requestId"}: the token
 * endpoint's refusals name the problem in "status", not "category". */
static void refuse(sb_ctx *ctx, sb_response *res, const char *status, const char *message)
{
    char cid[37], rid[37];
    sb_uuid(ctx, cid);
    sb_uuid(ctx, rid);
    sb_respond_json(res, 400,
                    json_pack("{s:s,s:s,s:s,s:s}", "status", status, "message", message,
                              "correlationId", cid, "requestId", rid));
}

static const char *form_get(json_t *form, const char *key)
{
    const char *v = json_string_value(json_object_get(form, key));
    return v && v[0] ? v : NULL;
}

static void random_token(sb_ctx *ctx, char out[TOKEN_CHARS + 1])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    out[0] = 'C';
    for (size_t i = 1; i < TOKEN_CHARS; i++)
        out[i] = alphabet[sb_random(ctx) % (sizeof alphabet - 1)];
    out[TOKEN_CHARS] = '\0';
}

/* Stores an issued token. Tokens expired for more than a day are dropped
 * first, so the table stays bounded however many grants clients make (such
 * an old token then answers INVALID_AUTHENTICATION). */
static int store_token(sb_ctx *ctx, const char *token, int64_t now, int64_t expires)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(ctx->db, "DELETE FROM hs_oauth_tokens WHERE expires_ms < ?", -1,
                                &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, now - PRUNE_AFTER_MS);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK)
        return -1;
    rc = sqlite3_prepare_v2(ctx->db,
                            "INSERT INTO hs_oauth_tokens(token, issued_ms, expires_ms) "
                            "VALUES (?, ?, ?)",
                            -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_int64(st, 3, expires);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

void hs_h_oauth_token(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    json_t *form = sb_body_form(req);
    if (form == NULL) {
        refuse(ctx, res, "BAD_REQUEST", "malformed form body");
        return;
    }
    const char *grant = form_get(form, "grant_type");
    const char *id = form_get(form, "client_id");
    const char *secret = form_get(form, "client_secret");
    const char *refresh = form_get(form, "refresh_token");
    if (grant == NULL ||
        (strcmp(grant, "refresh_token") != 0 && strcmp(grant, "authorization_code") != 0)) {
        refuse(ctx, res, "BAD_GRANT_TYPE", "missing or unknown grant type");
    } else if (id == NULL || strcmp(id, ctx->hs_client_id) != 0) {
        refuse(ctx, res, "BAD_CLIENT_ID", "missing or unknown client id");
    } else if (secret == NULL || strcmp(secret, ctx->hs_client_secret) != 0) {
        refuse(ctx, res, "BAD_CLIENT_SECRET", "missing or invalid client secret");
    } else if (strcmp(grant, "authorization_code") == 0) {
        /* The sandbox has no install flow: it never hands out a code. */
        refuse(ctx, res, "BAD_AUTH_CODE", "missing or unknown auth code");
    } else if (refresh == NULL || strcmp(refresh, ctx->hs_refresh_token) != 0) {
        refuse(ctx, res, "BAD_REFRESH_TOKEN", "missing or unknown refresh token");
    } else {
        char token[TOKEN_CHARS + 1];
        random_token(ctx, token);
        int64_t now = cs_time_now_ms();
        int64_t life = ctx->hs_token_lifetime_s;
        if (store_token(ctx, token, now, now + life * 1000) != 0) {
            hs_error(ctx, res, 500, "INTERNAL_ERROR", sqlite3_errmsg(ctx->db));
        } else {
            /* The grant hands back the same refresh token, as HubSpot's does. */
            sb_respond_json(res, 200,
                            json_pack("{s:s,s:s,s:s,s:I}", "token_type", "bearer", "refresh_token",
                                      ctx->hs_refresh_token, "access_token", token, "expires_in",
                                      (json_int_t)life));
        }
    }
    json_decref(form);
}

/* 1 with *expires_ms when token is one the token endpoint issued, 0 when it
 * is not, -1 on a database error. */
static int token_expiry(sb_ctx *ctx, const char *token, int64_t *expires_ms)
{
    sqlite3_stmt *st = NULL;
    int found = -1;
    if (sqlite3_prepare_v2(ctx->db, "SELECT expires_ms FROM hs_oauth_tokens WHERE token = ?", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
        if (found == 1)
            *expires_ms = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return found;
}

void hs_h_oauth_access_token(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const char *token = sb_param(req, "token");
    int64_t expires = 0;
    int found = token ? token_expiry(ctx, token, &expires) : 0;
    int64_t left_ms = expires - cs_time_now_ms();
    if (found < 0) {
        hs_error(ctx, res, 500, "INTERNAL_ERROR", sqlite3_errmsg(ctx->db));
        return;
    }
    if (found == 0 || left_ms <= 0) {
        hs_error(ctx, res, 404, "OBJECT_NOT_FOUND", "access token not found or expired");
        return;
    }
    sb_respond_json(res, 200,
                    json_pack("{s:s,s:s,s:s,s:[s,s,s,s],s:I,s:I,s:I,s:I,s:s}", "token", token,
                              "user", "sandbox-user@example.com", "hub_domain",
                              "sandbox.hubspot.com", "scopes", "oauth", "crm.objects.contacts.read",
                              "crm.objects.contacts.write", "crm.schemas.contacts.read", "hub_id",
                              (json_int_t)strtoll(HS_PORTAL_ID, NULL, 10), "app_id",
                              (json_int_t)APP_ID, "expires_in", (json_int_t)(left_ms / 1000),
                              "user_id", (json_int_t)USER_ID, "token_type", "access"));
}

bool hs_oauth_answer_expired(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const char *auth = sb_header(req, "Authorization");
    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
        return false;
    const char *token = auth + 7;
    while (*token == ' ')
        token++;
    int64_t expires = 0;
    if (token_expiry(ctx, token, &expires) != 1)
        return false;
    int64_t ago_ms = cs_time_now_ms() - expires;
    if (ago_ms < 0)
        return false;
    char msg[160];
    (void)snprintf(msg, sizeof msg,
                   "The OAuth token used to make this call expired %lld second(s) ago.",
                   (long long)(ago_ms / 1000));
    hs_error(ctx, res, 401, "EXPIRED_AUTHENTICATION", msg);
    return true;
}
