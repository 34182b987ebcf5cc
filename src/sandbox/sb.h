/* Private interface of the sandbox, shared by its HTTP layer (sb_http.c), its
 * admin API (sb_admin.c) and the two emulated APIs (hs_*.c, sf_*.c).
 *
 * Threading: libmicrohttpd runs a thread per connection; sb_http.c holds
 * ctx->lock around every handler call, so handlers use ctx->db freely and
 * never lock themselves. Injected slowness is applied outside the lock. */
#ifndef CS_SANDBOX_SB_H
#define CS_SANDBOX_SB_H

#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* Room for the searches of one second (--hubspot-search-rate at most). */
#define SB_SEARCH_RATE_MAX 1000

typedef enum sb_api_id { SB_HUBSPOT = 0, SB_SALESFORCE = 1, SB_API_COUNT = 2 } sb_api_id;

#define SB_MAX_PARAMS  8
#define SB_MAX_HEADERS 16
#define SB_BODY_MAX    (64u * 1024u * 1024u)

typedef struct sb_ctx sb_ctx;

/* A name and its value, both borrowed (a subrequest's query arguments and
 * headers). */
typedef struct sb_pair {
    const char *name;
    const char *value;
} sb_pair;

typedef struct sb_request {
    sb_api_id api;
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* decoded path, without the query string */
    const char *body;   /* NUL-terminated; "" when none */
    size_t body_len;
    void *conn; /* struct MHD_Connection *, for sb_query/sb_header */
    const char *param_names[SB_MAX_PARAMS];
    const char *param_values[SB_MAX_PARAMS]; /* path segments captured by {name} */
    int nparams;
    const char *route_pattern; /* the matched template, e.g. "/crm/v3/objects/{type}" */
    /* A subrequest of a composite resource (sb_subreq.h) has no connection:
     * conn is NULL and sb_query/sb_header read these instead. */
    const sb_pair *sub_args; /* decoded query arguments, in order */
    int nsub_args;
    const sb_pair *sub_headers;
    int nsub_headers;
} sb_request;

typedef struct sb_response {
    int status;
    cs_buf body;
    const char *content_type; /* static string; default application/json */
    char *header_names[SB_MAX_HEADERS];
    char *header_values[SB_MAX_HEADERS];
    int nheaders;
    bool drop_connection; /* close without answering (fault injection) */
} sb_response;

typedef void (*sb_handler)(sb_ctx *ctx, const sb_request *req, sb_response *res);

enum sb_route_flags {
    SB_ROUTE_NO_AUTH = 1 << 0,       /* no bearer token needed (OAuth endpoints) */
    SB_ROUTE_NO_RATE_LIMIT = 1 << 1, /* exempt from the burst limit (HS search) */
};

typedef struct sb_route {
    const char *method;  /* NULL terminates a table */
    const char *pattern; /* literal segments and {name} placeholders */
    sb_handler handler;
    unsigned flags;
} sb_route;

/* What each emulated API plugs into the HTTP layer. */
typedef struct sb_api_ops {
    const char *name; /* "hubspot" / "salesforce": stats keys, logs */
    const sb_route *routes;
    /* Routes of the sandbox-only admin API for this emulated service, served
     * under /__sandbox/ on both ports without auth, e.g.
     * "/__sandbox/salesforce/convert-lead". May be NULL. */
    const sb_route *admin_routes;
    /* Creates tables and the built-in schema; called once at start. */
    int (*init)(sb_ctx *ctx, cs_err *err);
    /* Seeds n records unless the data already holds at least n. */
    int (*seed)(sb_ctx *ctx, int n, cs_err *err);
    /* The API's own answers for: missing/bad token, unknown path, injected
     * 429 and 500. */
    void (*unauthorized)(sb_ctx *ctx, const sb_request *req, sb_response *res);
    void (*not_found)(sb_ctx *ctx, const sb_request *req, sb_response *res);
    void (*fault)(sb_ctx *ctx, int status, sb_response *res);
    /* Before the handler, under the lock: enforce limits; return true when it
     * answered (then the handler is not called). May be NULL. */
    bool (*admit)(sb_ctx *ctx, const sb_request *req, unsigned route_flags, sb_response *res);
    /* After the handler, under the lock: add headers every answer carries. */
    void (*finish)(sb_ctx *ctx, const sb_request *req, sb_response *res);
    /* At shutdown, after both servers stopped and before the database
     * closes: releases the state the API keeps across requests (ctx->hs /
     * ctx->sf: prepared statements, cached schema). May be NULL. */
    void (*dispose)(sb_ctx *ctx);
} sb_api_ops;

extern const sb_api_ops sb_hubspot_api;
extern const sb_api_ops sb_salesforce_api;

#define SB_FAULTS_ONLY_MAX 1024

typedef struct sb_faults {
    double rate_429;
    double rate_500;
    double rate_slow;
    int slow_ms;
    double rate_drop;       /* close before handling: nothing applied */
    double rate_drop_after; /* handle, then close unanswered: outcome unknown */
    /* When set, the faults hit only requests whose "METHOD /path" is one of
     * these patterns (newline-separated; e.g. "POST /crm/v3/objects/
     * contacts/batch/create"), or starts with one that ends in '*'. */
    char only[SB_FAULTS_ONLY_MAX];
} sb_faults;

typedef struct sb_stats {
    long requests;
    json_t *by_endpoint; /* "METHOD /template" -> count */
    json_t *by_status;   /* "201" -> count */
} sb_stats;

struct sb_ctx {
    pthread_mutex_t lock;
    sqlite3 *db;
    char *data_dir;
    char *token;
    int ports[SB_API_COUNT];
    /* Limits, changeable at run time through /__sandbox/limits. */
    int hubspot_limit_per_10s;
    long hubspot_daily_limit;
    long salesforce_daily_limit;
    /* HubSpot search: requests per second (0 = unlimited) and how long a
     * write takes to reach the search index, in ms (0 = at once; hs_index.c). */
    int hubspot_search_rate;
    int hubspot_search_lag_ms;
    /* Usage counters the APIs keep themselves (under the lock). */
    int64_t hs_window_start_ms; /* monotonic start of the current 10 s window */
    int hs_window_count;
    long hs_daily_used;
    long sf_daily_used;
    /* Monotonic times of the searches admitted in the last second (ring). */
    int64_t hs_search_sent_ms[SB_SEARCH_RATE_MAX];
    int hs_search_head;
    /* Set per API by /__sandbox/expire-tokens: the start token stops working
     * there and clients must obtain a new one (Salesforce OAuth). */
    bool token_expired[SB_API_COUNT];
    /* HubSpot's OAuth app (hs_oauth.c): the one client the token endpoint
     * accepts, its refresh token, and the lifetime of the access tokens it
     * issues (rows of hs_oauth_tokens, checked by sb_token_valid). */
    char *hs_client_id;
    char *hs_client_secret;
    char *hs_refresh_token;
    int hs_token_lifetime_s;
    bool tls; /* the servers speak HTTPS (sb_tls.c) */
    sb_stats stats[SB_API_COUNT];
    sb_faults faults[SB_API_COUNT];
    uint64_t rng; /* xorshift state for fault rates and ids */
    /* Per-API private state (hs_*.c / sf_*.c own these), kept across
     * requests and released by sb_api_ops.dispose. */
    void *hs;
    void *sf;
    void *sf_bulk; /* the Bulk API job worker (sf_bulk_worker.c), or NULL */
};

/* --- request helpers --------------------------------------------------- */

/* A query-string argument (decoded), or NULL. Borrowed for the request. */
const char *sb_query(const sb_request *req, const char *key);
/* A request header (case-insensitive), or NULL. Borrowed for the request. */
const char *sb_header(const sb_request *req, const char *name);
/* A {name} path parameter, or NULL. */
const char *sb_param(const sb_request *req, const char *name);
/* Parses the body as JSON. NULL (and *error set to a short reason) when the
 * body is empty or malformed. Caller owns the result. */
json_t *sb_body_json(const sb_request *req, char *error, size_t error_size);
/* Decodes an application/x-www-form-urlencoded body into a JSON object of
 * strings (the first value of each key wins). NULL when malformed or larger
 * than 8 KiB. Caller owns the result. */
json_t *sb_body_form(const sb_request *req);
/* Calls fn(key, value, user) for each query argument, in order. */
void sb_query_each(const sb_request *req,
                   void (*fn)(const char *key, const char *value, void *user), void *user);

/* --- response helpers -------------------------------------------------- */

/* Sets status and a JSON body; takes ownership of body (may be NULL: no body). */
void sb_respond_json(sb_response *res, int status, json_t *body);
/* jansson dump flags for printing v's reals: JSON_REAL_PRECISION(15) when
 * every real in v reads back exactly from 15 significant digits (so 0.3
 * prints "0.3", not "0.29999999999999999"), else the default 17 digits, which
 * always round-trip. */
size_t sb_json_real_flags(const json_t *v);
/* Sets status and a body of JSON text the caller wrote; takes the text,
 * leaving *text empty (freeing it again is harmless). */
void sb_respond_json_buf(sb_response *res, int status, cs_buf *text);
void sb_respond_text(sb_response *res, int status, const char *content_type, const char *text);
/* The admin API's error answer: status and {"error": message}, the message
 * formatted (cut at 1,000 bytes). */
void sb_respond_admin_error(sb_response *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sb_respond_empty(sb_response *res, int status);
/* Adds a header (copied). Silently ignores headers past SB_MAX_HEADERS. */
void sb_response_header(sb_response *res, const char *name, const char *value);

/* --- misc --------------------------------------------------------------- */

/* Sets the HubSpot search index's lag; going to 0 indexes every pending
 * write at once (hs_index.c). */
void hs_search_lag_set(sb_ctx *ctx, int lag_ms);

uint64_t sb_random(sb_ctx *ctx);
/* A random value in [0, 1). */
double sb_random_unit(sb_ctx *ctx);
/* A random RFC-4122 style UUID (correlation ids). out must hold 37 bytes. */
void sb_uuid(sb_ctx *ctx, char out[37]);
/* Runs SQL with no results; on failure fills err with the SQLite message. */
int sb_exec(sb_ctx *ctx, const char *sql, cs_err *err);

#endif
