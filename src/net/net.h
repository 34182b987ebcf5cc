/* The net module: one HTTP client on libcurl for both CRM APIs.
 *
 * A cs_http_client owns one libcurl easy handle, so connections are kept alive
 * and reused between requests. It is NOT thread-safe: use one client per
 * thread. Every request goes through one loop that
 *   - retries with exponential backoff and equal jitter on 429, 503, connection
 *     failures, and (for idempotent requests only) 500/502/504 and timeouts,
 *     honouring Retry-After and HubSpot's rate-limit bodies and headers;
 *   - never retries blindly a write whose outcome is unknown: a non-idempotent
 *     request that failed after it was sent comes back as CS_ERR_NETWORK with
 *     response.outcome_unknown set, so the caller can reconcile first;
 *   - returns HubSpot DAILY 429s and Salesforce REQUEST_LIMIT_EXCEEDED at once
 *     as CS_ERR_RATE_LIMIT, so the engine can pause (R6);
 *   - on a 401 asks the refresh callback once for a new token, then retries;
 *   - records the APIs' usage headers (HubSpot X-HubSpot-RateLimit-*,
 *     Salesforce Sforce-Limit-Info) and counts every request it sends (R6).
 * Tokens never appear in error messages or logs.
 *
 * The pure pieces (backoff, Retry-After, rate-limit headers and bodies, error
 * bodies, OAuth answers) are public so they can be tested without a peer. */
#ifndef CS_NET_NET_H
#define CS_NET_NET_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* --- defaults and hard bounds -------------------------------------------- */

#define CS_HTTP_DEFAULT_MAX_RESPONSE ((size_t)64 * 1024 * 1024)
#define CS_HTTP_DEFAULT_CONNECT_MS   10000
#define CS_HTTP_DEFAULT_ATTEMPT_MS   60000  /* one exchange */
#define CS_HTTP_DEFAULT_DEADLINE_MS  300000 /* one request, retries and waits included */
/* Retries of one request. Ten: with a third of all requests failing (5xx,
 * dropped, 429) a read still fails only about once in 100,000 calls, so a
 * pass over 100,000 records gets through; the deadline bounds the waits. */
#define CS_HTTP_DEFAULT_MAX_RETRIES  10
#define CS_HTTP_DEFAULT_BACKOFF_BASE 250
#define CS_HTTP_DEFAULT_BACKOFF_CAP  30000
#define CS_HTTP_DEFAULT_MAX_WAIT_MS  60000 /* longest single wait the client accepts */
#define CS_HTTP_MAX_RETRIES_LIMIT    20
#define CS_HTTP_MAX_HEADERS          200  /* response header lines per exchange */
#define CS_HTTP_MAX_HEADER_LINE      8192 /* bytes per response header line */
#define CS_HTTP_MAX_URL              16384
#define CS_HTTP_MAX_REQUEST_HEADERS  32

/* --- time hooks ----------------------------------------------------------- */

/* Clock and sleep used by the retry loop. Any NULL member falls back to the
 * real clock (core/timeutil.h) or nanosleep. Tests pass a fake one so backoff
 * is observed without sleeping. */
typedef struct cs_net_clock {
    int64_t (*wall_ms)(void *ud);           /* epoch ms, for Retry-After dates */
    int64_t (*mono_ms)(void *ud);           /* monotonic ms: deadlines, rate windows */
    void (*sleep_ms)(void *ud, int64_t ms); /* waits between attempts */
    void *ud;
} cs_net_clock;

/* --- backoff policy (retry.c, pure) ---------------------------------------- */

typedef struct cs_backoff {
    int64_t base_ms; /* ceiling of the first retry's delay */
    int64_t cap_ms;  /* no computed delay exceeds this */
} cs_backoff;

/* Ceiling for retry number `retry` (0 for the first retry): min(cap, base*2^retry),
 * without overflow. */
int64_t cs_backoff_ceiling_ms(const cs_backoff *b, int retry);
/* Equal jitter: a uniform draw in [ceiling/2, ceiling], never 0. rng is the caller's PRNG state
 * (any value; 0 is replaced by a fixed non-zero seed). */
int64_t cs_backoff_delay_ms(const cs_backoff *b, int retry, uint64_t *rng);
/* The next value of a xorshift64* generator. */
uint64_t cs_net_rand(uint64_t *rng);

/* Parses a Retry-After value: delta-seconds ("120") or an HTTP date
 * ("Wed, 21 Oct 2015 07:28:00 GMT", also the RFC 850 and asctime forms).
 * A date in the past gives 0. Returns 0 with *delay_ms set, or -1 when the
 * value is malformed (*delay_ms untouched). */
int cs_retry_after_parse(const char *value, int64_t now_wall_ms, int64_t *delay_ms);

/* --- rate limits and usage (ratelimit.c, pure) ----------------------------- */

/* What an API reported about its limits. -1 means "never reported". */
typedef struct cs_http_usage {
    uint64_t requests; /* exchanges sent by this client (every retry counts) */
    uint64_t retries;  /* of which were retries */
    /* HubSpot X-HubSpot-RateLimit-* (private apps; search sends none) */
    int64_t hs_daily_max;
    int64_t hs_daily_remaining;
    int64_t hs_secondly_max;
    int64_t hs_secondly_remaining;
    int64_t hs_interval_ms; /* rolling window, normally 10000 */
    int64_t hs_interval_max;
    int64_t hs_interval_remaining;
    /* Salesforce Sforce-Limit-Info: api-usage=USED/MAX[; api-bursts=USED/MAX] */
    int64_t sf_api_used;
    int64_t sf_api_max;
    int64_t sf_bursts_used;
    int64_t sf_bursts_max;
} cs_http_usage;

void cs_http_usage_init(cs_http_usage *u);
/* Applies one response header to u when it is a rate-limit header (names are
 * case-insensitive). Returns 1 when recognised and valid, 0 otherwise. */
int cs_ratelimit_apply_header(cs_http_usage *u, const char *name, const char *value);
/* Parses "api-usage=18/5000; api-bursts=1/750". Missing parts leave -1.
 * Returns 0 when api-usage was found, -1 otherwise. */
int cs_ratelimit_parse_sforce(const char *value, int64_t *api_used, int64_t *api_max,
                              int64_t *bursts_used, int64_t *bursts_max);
/* Copies into dst every value src reported (src values of -1 are skipped). */
void cs_http_usage_merge(cs_http_usage *dst, const cs_http_usage *src);

/* Which limit an answer says was hit. */
typedef enum cs_rate_policy {
    CS_RATE_NONE = 0,
    CS_RATE_OTHER,           /* a 429 without a recognised policy */
    CS_RATE_HS_TEN_SECONDLY, /* policyName TEN_SECONDLY_ROLLING: wait out the window */
    CS_RATE_HS_SECONDLY,     /* "You have reached your secondly limit." (search) */
    CS_RATE_HS_DAILY,        /* policyName DAILY: not retried (R6) */
    CS_RATE_SF_REQUEST_LIMIT /* 403 REQUEST_LIMIT_EXCEEDED: not retried (R6) */
} cs_rate_policy;

/* Classifies an answer from its status and body (body may be NULL). */
cs_rate_policy cs_ratelimit_classify(long status, const char *body, size_t len);
const char *cs_rate_policy_name(cs_rate_policy p);

/* The send times of a client's recent requests, to know when a rolling window
 * frees a slot. Fixed size: when full the oldest entry is dropped, which only
 * makes the computed wait longer (conservative). */
#define CS_RATE_WINDOW_SLOTS 256
typedef struct cs_rate_window {
    int64_t sent_ms[CS_RATE_WINDOW_SLOTS];
    size_t head;  /* next slot to write */
    size_t count; /* valid entries */
} cs_rate_window;

void cs_rate_window_init(cs_rate_window *w);
void cs_rate_window_note(cs_rate_window *w, int64_t mono_ms);
/* Milliseconds until the oldest send inside (now - window_ms, now] leaves the
 * window; 0 when no send is inside it. */
int64_t cs_rate_window_rest(const cs_rate_window *w, int64_t now_mono_ms, int64_t window_ms);
/* Milliseconds until fewer than max sends lie inside (now - window_ms, now],
 * so that one more keeps the window at max; 0 when there is room now (or
 * when max is out of 1..CS_RATE_WINDOW_SLOTS). */
int64_t cs_rate_window_room(const cs_rate_window *w, int64_t now_mono_ms, int64_t window_ms,
                            int max);

/* --- retry decision (retry.c, pure) -------------------------------------- */

typedef enum cs_net_failure {
    CS_NET_ANSWERED = 0, /* an HTTP status came back */
    CS_NET_NOT_SENT,     /* nothing left this host: connect refused, DNS, TLS handshake */
    CS_NET_SENT,         /* reset, timeout or silence after the request was (partly) sent */
    CS_NET_LOCAL         /* a local limit or error: never retried */
} cs_net_failure;

typedef struct cs_retry_input {
    cs_net_failure failure;
    long status; /* when failure == CS_NET_ANSWERED */
    bool idempotent;
    cs_rate_policy policy;
    int64_t retry_after_ms; /* -1 when the answer carried none */
    int64_t window_rest_ms; /* rest of the window the policy names (TEN_SECONDLY, SECONDLY) */
    int retry;              /* retries already made */
    int max_retries;
    int64_t max_wait_ms; /* a longer requested wait ends the request instead */
} cs_retry_input;

typedef struct cs_retry_decision {
    bool retry;
    int64_t delay_ms;         /* when retry */
    bool outcome_unknown;     /* when !retry: a write may or may not have happened */
    cs_err_category category; /* when !retry and the exchange failed; NONE on 2xx */
} cs_retry_decision;

/* Decides what to do after one exchange (401 is handled by the caller first).
 * Pure apart from drawing jitter from rng. */
void cs_retry_decide(const cs_retry_input *in, const cs_backoff *b, uint64_t *rng,
                     cs_retry_decision *out);

/* --- error bodies and redaction (http_error.c, redact.c, pure) ------------ */

/* Extracts the API's own message from an error body into out (NUL-terminated,
 * truncated to out_size): HubSpot {"message","category"}, Salesforce
 * [{"message","errorCode"}] and OAuth {"error","error_description"}. Returns 1
 * when a message was found, 0 otherwise (out is then ""). */
int cs_http_api_message(const char *body, size_t len, char *out, size_t out_size);

/* Replaces every occurrence of secret (when at least 4 bytes) in the
 * NUL-terminated text with "[redacted]", in place within size bytes. */
void cs_net_redact(char *text, size_t size, const char *secret);
/* Writes a header line for a debug log: the value of Authorization,
 * Proxy-Authorization and Cookie headers becomes "[redacted]". */
void cs_net_header_for_log(const char *name, const char *value, char *out, size_t out_size);

/* --- the client ------------------------------------------------------------ */

typedef struct cs_http_client cs_http_client;

/* Fills *token with a bearer token (borrowed; valid until the next call of
 * either callback) or NULL for "no Authorization header". */
typedef int (*cs_http_token_fn)(void *ud, const char **token, cs_err *err);
/* Obtains a new token after a 401; the token callback then returns it. */
typedef int (*cs_http_refresh_fn)(void *ud, cs_err *err);

typedef struct cs_http_options {
    const char *base_url;       /* "https://api.hubapi.com"; relative paths are appended */
    const char *user_agent;     /* NULL: "crmsync/<version>" */
    long connect_timeout_ms;    /* 0: default */
    long attempt_timeout_ms;    /* one exchange; 0: default */
    long deadline_ms;           /* one request including retries and waits; 0: default */
    int max_retries;            /* <= 0: default; capped at CS_HTTP_MAX_RETRIES_LIMIT */
    bool no_retry;              /* never retry (max_retries is then ignored) */
    cs_backoff backoff;         /* zero members: defaults */
    int64_t max_wait_ms;        /* 0: default */
    size_t max_response;        /* body bytes; 0: default */
    cs_http_token_fn token;     /* NULL: no Authorization header */
    cs_http_refresh_fn refresh; /* NULL: a 401 is final */
    void *auth_ud;
    /* TLS: verification is always on. ca_file names a PEM file of the CA
     * certificates to trust instead of the system store (NULL: the system
     * store). api_label ("HubSpot") and ca_setting ("hubspot.ca_file") make
     * an untrusted certificate's error say which API and which setting. */
    const char *ca_file;
    const char *api_label;
    const char *ca_setting;
    cs_net_clock clock;
    uint64_t jitter_seed; /* 0: seeded from the clock */
    /* A flag a signal handler raises to stop the process (NULL: none). Once
     * it is set, a retry wait ends at once, an exchange in flight is abandoned
     * within about a second, and no new exchange starts: the request fails in
     * category network, "stopped", with outcome_unknown for a write that was
     * already sent. */
    const volatile sig_atomic_t *stop;
    /* Requests marked paced (HubSpot search, whose own limit counts them per
     * second and sends no headers to pace by) start at most paced_per_second
     * in any second: the client waits for room instead of meeting a 429 and
     * its backoff. 0: not paced. */
    int paced_per_second;
} cs_http_options;

/* Creates a client. The options' strings are copied. Caller frees with
 * cs_http_client_free(). */
int cs_http_client_new(const cs_http_options *opts, cs_http_client **out, cs_err *err);
void cs_http_client_free(cs_http_client *c);
/* The usage the APIs reported so far and the request counters (borrowed,
 * updated by every request). */
const cs_http_usage *cs_http_client_usage(const cs_http_client *c);
const char *cs_http_client_base_url(const cs_http_client *c);
/* Sets (or clears, with NULL) the stop flag of cs_http_options.stop. c may
 * be NULL. */
void cs_http_client_set_stop(cs_http_client *c, const volatile sig_atomic_t *stop);
/* Whether the stop flag is raised. */
bool cs_http_client_stopped(const cs_http_client *c);
/* Waits ms (with the client's clock), ending early when the stop flag
 * rises: what a poll between requests waits. */
void cs_http_client_sleep(const cs_http_client *c, int64_t ms);
/* Replaces the base URL (Salesforce: the instance_url an OAuth grant returned). */
int cs_http_client_set_base_url(cs_http_client *c, const char *base_url, cs_err *err);

typedef enum cs_http_method {
    CS_HTTP_GET = 0,
    CS_HTTP_POST,
    CS_HTTP_PUT,
    CS_HTTP_PATCH,
    CS_HTTP_DELETE
} cs_http_method;

const char *cs_http_method_name(cs_http_method m);

typedef enum cs_http_idempotency {
    CS_HTTP_BY_METHOD = 0, /* GET, PUT, PATCH (sets values), DELETE yes; POST no */
    CS_HTTP_IDEMPOTENT,    /* e.g. HubSpot search, batch read, batch upsert */
    CS_HTTP_NOT_IDEMPOTENT
} cs_http_idempotency;

typedef struct cs_http_kv {
    const char *name;
    const char *value;
} cs_http_kv;

typedef struct cs_http_request {
    cs_http_method method;
    const char *path;        /* "/crm/v3/objects/contacts" or an absolute http(s) URL */
    const cs_http_kv *query; /* URL-encoded and appended; may be NULL */
    size_t nquery;
    const cs_http_kv *headers; /* extra request headers; may be NULL */
    size_t nheaders;
    const char *body; /* may be NULL */
    size_t body_len;
    const char *content_type; /* NULL with a body: application/json */
    cs_http_idempotency idempotency;
    bool no_auth; /* send no Authorization header (OAuth token endpoint) */
    bool paced;   /* counts against cs_http_options.paced_per_second */
} cs_http_request;

typedef struct cs_http_response {
    long status; /* 0 when no answer came */
    cs_buf body; /* bounded by max_response */
    char content_type[128];
    char retry_after[64];
    char sforce_locator[128]; /* Bulk API 2.0 query paging */
    char correlation_id[64];  /* X-HubSpot-Correlation-Id */
    cs_http_usage rate;       /* the rate-limit headers of this answer only */
    cs_rate_policy policy;    /* which limit the answer says was hit */
    bool outcome_unknown;     /* a write may or may not have been applied */
    int attempts;             /* exchanges tried for this request */
} cs_http_response;

void cs_http_response_init(cs_http_response *r);
/* Frees the body; the struct can be reused after cs_http_response_init(). */
void cs_http_response_dispose(cs_http_response *r);

/* Performs a request with retries. Returns 0 on a 2xx answer. Otherwise -1
 * with err naming the method, the path (never the query or a token), the
 * status and the API's own message, in category network, auth, rate_limit,
 * not_found (404), remote_rejected (other 3xx/4xx), remote_failed (5xx) or
 * invalid_input (a malformed request, or an answer past its bounds); resp
 * still holds the last status and body so callers can read per-record errors.
 * A request that is not idempotent runs on a fresh connection (libcurl would
 * otherwise replay it when a kept-alive connection turns out dead). resp must
 * have been initialised; it is overwritten. */
int cs_http_request_send(cs_http_client *c, const cs_http_request *req, cs_http_response *resp,
                         cs_err *err);

/* JSON convenience: serialises body (may be NULL) as the request body and
 * parses a non-empty 2xx answer into *out (caller decrefs; NULL for an empty
 * answer). resp may be NULL. On failure *out is untouched. */
int cs_http_request_json(cs_http_client *c, const cs_http_request *req, const json_t *body,
                         json_t **out, cs_http_response *resp, cs_err *err);

/* Appends name=value pairs, percent-encoded as application/x-www-form-urlencoded
 * (also used for query strings). Returns 0, or -1 when b's bound is hit. */
int cs_http_form_encode(cs_buf *b, const cs_http_kv *kv, size_t n);

/* --- OAuth token grants (oauth.c) -------------------------------------------
 * Private-app tokens are static: give the client a token callback that returns
 * it. OAuth apps' tokens (Salesforce connected apps, HubSpot OAuth apps) come
 * from POST {token_url} with a form body. */

/* Same values as config's cs_oauth_grant, so the two convert by cast. */
typedef enum cs_net_grant {
    CS_NET_GRANT_REFRESH_TOKEN = 0,
    CS_NET_GRANT_CLIENT_CREDENTIALS
} cs_net_grant;

typedef struct cs_oauth_config {
    const char *token_url; /* "https://login.salesforce.com/services/oauth2/token" */
    cs_net_grant grant;
    const char *client_id;
    const char *client_secret;
    const char *refresh_token; /* for CS_NET_GRANT_REFRESH_TOKEN */
    /* Starts every error message, e.g. "HubSpot OAuth (hubspot.oauth)";
     * NULL: "OAuth". */
    const char *label;
    /* HubSpot's answers carry no instance_url (the API host never moves). */
    bool no_instance_url;
    cs_http_options http; /* base_url, token and refresh are ignored; ca_file applies */
} cs_oauth_config;

typedef struct cs_oauth cs_oauth;

/* Copies the config and registers its secrets with the logger. Performs no
 * request: the first token callback (or cs_oauth_fetch) does. Caller frees
 * with cs_oauth_free(). */
int cs_oauth_new(const cs_oauth_config *cfg, cs_oauth **out, cs_err *err);
void cs_oauth_free(cs_oauth *o);
/* Performs the grant; on success the access token and instance URL change.
 * A 400 invalid_grant (or any refusal) is CS_ERR_AUTH naming the
 * error_description. */
int cs_oauth_fetch(cs_oauth *o, cs_err *err);
/* Borrowed; NULL before the first successful grant. */
const char *cs_oauth_access_token(const cs_oauth *o);
const char *cs_oauth_instance_url(const cs_oauth *o);
/* After each grant, sets c's base URL to the instance_url the grant returned
 * (borrowed: c must outlive o or be unbound with NULL). A URL built before a
 * mid-request refresh keeps the old host for that request's retry. */
void cs_oauth_follow_instance(cs_oauth *o, cs_http_client *c);
/* Sets the stop flag of the grant's HTTP client (see cs_http_options.stop). */
void cs_oauth_set_stop(cs_oauth *o, const volatile sig_atomic_t *stop);
/* Grants performed so far (each counts as an API call). */
unsigned cs_oauth_grants(const cs_oauth *o);
/* Adapters for cs_http_options.token / .refresh with auth_ud = the cs_oauth.
 * The token callback performs the first grant when none was made yet. */
int cs_oauth_token_cb(void *ud, const char **token, cs_err *err);
int cs_oauth_refresh_cb(void *ud, cs_err *err);

/* Parses a token endpoint answer. On 200 copies access_token and instance_url
 * (either may be absent from the answer only if the argument is NULL) into
 * freshly allocated strings the caller frees. On any other status returns -1
 * with CS_ERR_AUTH naming "error: error_description". */
int cs_oauth_parse_answer(long status, const char *body, size_t len, char **access_token,
                          char **instance_url, cs_err *err);

#endif
