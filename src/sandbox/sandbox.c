/* Sandbox lifecycle: the data directory and its SQLite database (WAL), the
 * shared context, both listening servers, and the helpers every emulated API
 * uses (random ids, SQL execution, token checks). */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "sandbox/sb.h"
#include "sandbox/sb_http.h"

_Static_assert(CS_SANDBOX_SEARCH_RATE_MAX == SB_SEARCH_RATE_MAX, "one search rate bound");

struct cs_sandbox {
    sb_ctx ctx;
    sb_server *servers[SB_API_COUNT];
    sb_tls tls; /* with --tls: read by the servers until they stop */
};

void cs_sandbox_options_default(cs_sandbox_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->token = "sandbox-token";
    opts->hubspot_limit_per_10s = 150;
    opts->salesforce_daily_limit = 1000000;
    opts->hubspot_client_id = "sandbox-client-id";
    opts->hubspot_client_secret = "sandbox-client-secret";
    opts->hubspot_refresh_token = "sandbox-refresh-token";
    opts->hubspot_token_lifetime_s = 1800;
    opts->hubspot_search_rate = 5;
}

uint64_t sb_random(sb_ctx *ctx)
{
    /* xorshift64*: fast, and good enough for fault rates and ids. */
    uint64_t x = ctx->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    ctx->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

double sb_random_unit(sb_ctx *ctx)
{
    return (double)(sb_random(ctx) >> 11) / (double)(1ULL << 53);
}

void sb_uuid(sb_ctx *ctx, char out[37])
{
    uint64_t a = sb_random(ctx), b = sb_random(ctx);
    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)((a >> 16) & 0xffff), (unsigned)(a & 0xfff),
             (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
             (unsigned long long)(b & 0xffffffffffffULL));
}

int sb_exec(sb_ctx *ctx, const char *sql, cs_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(ctx->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", msg ? msg : "unknown error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

bool sb_token_valid(sb_ctx *ctx, sb_api_id api, const char *tok)
{
    if (!ctx->token_expired[api] && strcmp(tok, ctx->token) == 0)
        return true;
    sqlite3_stmt *st = NULL;
    bool ok = false;
    if (sqlite3_prepare_v2(ctx->db, "SELECT 1 FROM sandbox_tokens WHERE token = ? AND api = ?", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, tok, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, api == SB_HUBSPOT ? "hubspot" : "salesforce", -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    st = NULL;
    /* HubSpot OAuth tokens (hs_oauth.c) live until their expiry time. */
    if (!ok && api == SB_HUBSPOT &&
        sqlite3_prepare_v2(ctx->db,
                           "SELECT 1 FROM hs_oauth_tokens WHERE token = ? AND expires_ms > ?", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, tok, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, cs_time_now_ms());
        ok = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return ok;
}

static int ensure_dir(const char *dir, cs_err *err)
{
    struct stat sbuf;
    if (stat(dir, &sbuf) == 0) {
        if (!S_ISDIR(sbuf.st_mode))
            return cs_err_set(err, CS_ERR_IO, "--data %s: not a directory", dir);
        return 0;
    }
    if (mkdir(dir, 0700) != 0)
        return cs_err_set(err, CS_ERR_IO, "--data %s: cannot create: %s", dir, strerror(errno));
    return 0;
}

static int open_db(sb_ctx *ctx, cs_err *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/sandbox.db", ctx->data_dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return cs_err_set(err, CS_ERR_IO, "--data path too long");
    if (sqlite3_open_v2(path, &ctx->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        cs_err_set(err, CS_ERR_STORE, "%s: %s", path, sqlite3_errmsg(ctx->db));
        sqlite3_close(ctx->db);
        ctx->db = NULL;
        return -1;
    }
    sqlite3_busy_timeout(ctx->db, 5000);
    if (sb_exec(ctx,
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
                "CREATE TABLE IF NOT EXISTS sandbox_tokens("
                "  token TEXT PRIMARY KEY, api TEXT NOT NULL, issued_ms INTEGER NOT NULL);"
                "CREATE TABLE IF NOT EXISTS hs_oauth_tokens("
                "  token TEXT PRIMARY KEY, issued_ms INTEGER NOT NULL,"
                "  expires_ms INTEGER NOT NULL);",
                err) != 0)
        return cs_err_prefix(err, "%s: ", path);
    return 0;
}

static void ctx_dispose(sb_ctx *ctx)
{
    if (ctx->db)
        sqlite3_close(ctx->db);
    for (int i = 0; i < SB_API_COUNT; i++) {
        json_decref(ctx->stats[i].by_endpoint);
        json_decref(ctx->stats[i].by_status);
    }
    free(ctx->data_dir);
    free(ctx->token);
    free(ctx->hs_client_id);
    free(ctx->hs_client_secret);
    free(ctx->hs_refresh_token);
    pthread_mutex_destroy(&ctx->lock);
}

int cs_sandbox_start(const cs_sandbox_options *opts, cs_sandbox **out, cs_err *err)
{
    if (opts->data_dir == NULL || opts->data_dir[0] == '\0')
        return cs_err_set(err, CS_ERR_CONFIG, "sandbox: --data DIR is required");
    if (opts->seed_contacts < 0 || opts->seed_leads < 0)
        return cs_err_set(err, CS_ERR_CONFIG, "sandbox: seed counts must not be negative");
    if (opts->hubspot_token_lifetime_s < 0)
        return cs_err_set(err, CS_ERR_CONFIG, "sandbox: the token lifetime must not be negative");
    if (opts->hubspot_search_rate < 0 || opts->hubspot_search_rate > CS_SANDBOX_SEARCH_RATE_MAX)
        return cs_err_set(err, CS_ERR_CONFIG, "sandbox: search rate must be 0..%d",
                          CS_SANDBOX_SEARCH_RATE_MAX);
    if (opts->hubspot_search_lag_ms < 0 || opts->hubspot_search_lag_ms > CS_SANDBOX_SEARCH_LAG_MAX)
        return cs_err_set(err, CS_ERR_CONFIG, "sandbox: search lag must be 0..%d ms",
                          CS_SANDBOX_SEARCH_LAG_MAX);
    if (ensure_dir(opts->data_dir, err) != 0)
        return -1;
    cs_sandbox *sb = calloc(1, sizeof *sb);
    if (sb == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sb_ctx *ctx = &sb->ctx;
    pthread_mutex_init(&ctx->lock, NULL);
    ctx->data_dir = strdup(opts->data_dir);
    ctx->token = strdup(opts->token ? opts->token : "sandbox-token");
    ctx->hubspot_limit_per_10s = opts->hubspot_limit_per_10s;
    ctx->salesforce_daily_limit = opts->salesforce_daily_limit;
    ctx->hs_client_id =
        strdup(opts->hubspot_client_id ? opts->hubspot_client_id : "sandbox-client-id");
    ctx->hs_client_secret =
        strdup(opts->hubspot_client_secret ? opts->hubspot_client_secret : "sandbox-client-secret");
    ctx->hs_refresh_token =
        strdup(opts->hubspot_refresh_token ? opts->hubspot_refresh_token : "sandbox-refresh-token");
    ctx->hs_token_lifetime_s =
        opts->hubspot_token_lifetime_s > 0 ? opts->hubspot_token_lifetime_s : 1800;
    ctx->tls = opts->tls;
    ctx->rng = (uint64_t)cs_time_now_ms() * 6364136223846793005ULL ^ (uint64_t)getpid();
    if (ctx->rng == 0)
        ctx->rng = 88172645463325252ULL;
    for (int i = 0; i < SB_API_COUNT; i++) {
        ctx->stats[i].by_endpoint = json_object();
        ctx->stats[i].by_status = json_object();
    }
    const sb_api_ops *apis[SB_API_COUNT] = {&sb_hubspot_api, &sb_salesforce_api};
    const int seeds[SB_API_COUNT] = {opts->seed_contacts, opts->seed_leads};
    const int ports[SB_API_COUNT] = {opts->hubspot_port, opts->salesforce_port};
    if (ctx->data_dir == NULL || ctx->token == NULL || ctx->hs_client_id == NULL ||
        ctx->hs_client_secret == NULL || ctx->hs_refresh_token == NULL) {
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        goto fail;
    }
    if (open_db(ctx, err) != 0 || (opts->tls && sb_tls_prepare(ctx->data_dir, &sb->tls, err) != 0))
        goto fail;
    for (int i = 0; i < SB_API_COUNT; i++) {
        if (apis[i]->init(ctx, err) != 0 || apis[i]->seed(ctx, seeds[i], err) != 0)
            goto fail;
    }
    /* Set after seeding: seeded records are indexed before anyone searches. */
    ctx->hubspot_search_rate = opts->hubspot_search_rate;
    ctx->hubspot_search_lag_ms = opts->hubspot_search_lag_ms;
    for (int i = 0; i < SB_API_COUNT; i++) {
        sb->servers[i] =
            sb_server_start(ctx, (sb_api_id)i, apis[i], ports[i], opts->tls ? &sb->tls : NULL, err);
        if (sb->servers[i] == NULL)
            goto fail;
        ctx->ports[i] = sb_server_port(sb->servers[i]);
    }
    *out = sb;
    return 0;
fail:
    cs_sandbox_stop(sb);
    return -1;
}

int cs_sandbox_hubspot_port(const cs_sandbox *sb)
{
    return sb->ctx.ports[SB_HUBSPOT];
}

int cs_sandbox_salesforce_port(const cs_sandbox *sb)
{
    return sb->ctx.ports[SB_SALESFORCE];
}

const char *cs_sandbox_scheme(const cs_sandbox *sb)
{
    return sb->ctx.tls ? "https" : "http";
}

const char *cs_sandbox_ca_file(const cs_sandbox *sb)
{
    return sb->ctx.tls ? sb->tls.ca_file : NULL;
}

void cs_sandbox_stop(cs_sandbox *sb)
{
    if (sb == NULL)
        return;
    for (int i = 0; i < SB_API_COUNT; i++)
        sb_server_stop(sb->servers[i]);
    /* Statements still prepared would keep the database from closing. */
    const sb_api_ops *apis[SB_API_COUNT] = {&sb_hubspot_api, &sb_salesforce_api};
    for (int i = 0; i < SB_API_COUNT; i++)
        if (apis[i]->dispose)
            apis[i]->dispose(&sb->ctx);
    if (sb->ctx.db)
        sqlite3_exec(sb->ctx.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    ctx_dispose(&sb->ctx);
    sb_tls_dispose(&sb->tls);
    free(sb);
}
