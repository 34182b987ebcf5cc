/* The HTTP client: lifecycle, and the request loop that runs exchanges
 * (http_exchange.c) and obeys the retry policy (retry.c).
 *
 * Per request: build the URL once; then per attempt wait out a rolling
 * HubSpot window the last answer said was spent (R6), ask the token callback
 * for the bearer token, run one exchange, fold the answer's rate-limit headers
 * into the client's usage, on a first 401 refresh the token and go again, and
 * otherwise let cs_retry_decide say whether and how long to wait. A request
 * never outlives its deadline. The error a failed request returns names the
 * method, the path (no query), the status and the API's own message, with the
 * current token masked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "net/net_int.h"

#define HS_DEFAULT_WINDOW_MS  10000
#define HS_SECONDLY_WINDOW_MS 1000
/* The second the pacing counts in, with room for the sends' own delays: the
 * server counts a request when it arrives, a little after it started here. */
#define PACED_WINDOW_MS 1050

/* --- clock ------------------------------------------------------------------ */

int64_t net_wall_ms(const cs_http_client *c)
{
    return c->clock.wall_ms ? c->clock.wall_ms(c->clock.ud) : cs_time_now_ms();
}

int64_t net_mono_ms(const cs_http_client *c)
{
    return c->clock.mono_ms ? c->clock.mono_ms(c->clock.ud) : cs_time_monotonic_ms();
}

bool net_stopped(const cs_http_client *c)
{
    return c->stop != NULL && *c->stop != 0;
}

/* With a stop flag the wait is cut into slices of at most STOP_SLICE_MS, so a
 * signal ends a retry wait of a minute within a tenth of a second. */
#define STOP_SLICE_MS 100

void net_sleep_ms(const cs_http_client *c, int64_t ms)
{
    while (ms > 0 && !net_stopped(c)) {
        int64_t slice = c->stop != NULL && ms > STOP_SLICE_MS ? STOP_SLICE_MS : ms;
        ms -= slice;
        if (c->clock.sleep_ms) {
            c->clock.sleep_ms(c->clock.ud, slice);
            continue;
        }
        struct timespec ts = {.tv_sec = (time_t)(slice / 1000),
                              .tv_nsec = (long)(slice % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && !net_stopped(c))
            ;
    }
}

/* --- lifecycle -------------------------------------------------------------- */

const char *cs_http_method_name(cs_http_method m)
{
    switch (m) {
    case CS_HTTP_GET:
        return "GET";
    case CS_HTTP_POST:
        return "POST";
    case CS_HTTP_PUT:
        return "PUT";
    case CS_HTTP_PATCH:
        return "PATCH";
    case CS_HTTP_DELETE:
        return "DELETE";
    }
    return "GET";
}

void cs_http_response_init(cs_http_response *r)
{
    memset(r, 0, sizeof *r);
    cs_buf_init(&r->body, CS_HTTP_DEFAULT_MAX_RESPONSE);
    cs_http_usage_init(&r->rate);
}

void cs_http_response_dispose(cs_http_response *r)
{
    if (r == NULL)
        return;
    cs_buf_free(&r->body);
}

static char *dup_or_null(const char *s, bool *failed)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *failed = true;
    return d;
}

int cs_http_client_new(const cs_http_options *o, cs_http_client **out, cs_err *err)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return cs_err_set(err, CS_ERR_INTERNAL, "libcurl could not be initialised");
    cs_http_client *c = calloc(1, sizeof *c);
    if (c == NULL) {
        curl_global_cleanup();
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    bool failed = false;
    c->curl = curl_easy_init();
    c->base_url = dup_or_null(o->base_url, &failed);
    c->user_agent = dup_or_null(o->user_agent ? o->user_agent : "crmsync/0.1", &failed);
    c->ca_file = dup_or_null(o->ca_file, &failed);
    c->api_label = dup_or_null(o->api_label, &failed);
    c->ca_setting = dup_or_null(o->ca_setting, &failed);
    if (c->curl == NULL || failed) {
        cs_http_client_free(c);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory creating the HTTP client");
    }
    c->connect_timeout_ms =
        o->connect_timeout_ms > 0 ? o->connect_timeout_ms : CS_HTTP_DEFAULT_CONNECT_MS;
    c->attempt_timeout_ms =
        o->attempt_timeout_ms > 0 ? o->attempt_timeout_ms : CS_HTTP_DEFAULT_ATTEMPT_MS;
    c->deadline_ms = o->deadline_ms > 0 ? o->deadline_ms : CS_HTTP_DEFAULT_DEADLINE_MS;
    c->max_retries = o->no_retry           ? 0
                     : o->max_retries <= 0 ? CS_HTTP_DEFAULT_MAX_RETRIES
                                           : o->max_retries;
    if (c->max_retries > CS_HTTP_MAX_RETRIES_LIMIT)
        c->max_retries = CS_HTTP_MAX_RETRIES_LIMIT;
    c->backoff.base_ms = o->backoff.base_ms > 0 ? o->backoff.base_ms : CS_HTTP_DEFAULT_BACKOFF_BASE;
    c->backoff.cap_ms = o->backoff.cap_ms > 0 ? o->backoff.cap_ms : CS_HTTP_DEFAULT_BACKOFF_CAP;
    c->max_wait_ms = o->max_wait_ms > 0 ? o->max_wait_ms : CS_HTTP_DEFAULT_MAX_WAIT_MS;
    c->max_response = o->max_response > 0 ? o->max_response : CS_HTTP_DEFAULT_MAX_RESPONSE;
    c->token = o->token;
    c->refresh = o->refresh;
    c->auth_ud = o->auth_ud;
    c->clock = o->clock;
    c->stop = o->stop;
    c->rng = o->jitter_seed ? o->jitter_seed
                            : (uint64_t)cs_time_now_ms() ^ (uint64_t)(uintptr_t)c ^ 0x5bd1e995u;
    cs_http_usage_init(&c->usage);
    cs_rate_window_init(&c->window);
    cs_rate_window_init(&c->paced);
    c->paced_per_second = o->paced_per_second > 0 && o->paced_per_second <= CS_RATE_WINDOW_SLOTS
                              ? o->paced_per_second
                              : 0;
    *out = c;
    return 0;
}

void cs_http_client_free(cs_http_client *c)
{
    if (c == NULL)
        return;
    if (c->curl)
        curl_easy_cleanup(c->curl);
    free(c->base_url);
    free(c->user_agent);
    free(c->last_token);
    free(c->ca_file);
    free(c->api_label);
    free(c->ca_setting);
    free(c);
    curl_global_cleanup();
}

void cs_http_client_set_stop(cs_http_client *c, const volatile sig_atomic_t *stop)
{
    if (c != NULL)
        c->stop = stop;
}

bool cs_http_client_stopped(const cs_http_client *c)
{
    return net_stopped(c);
}

void cs_http_client_sleep(const cs_http_client *c, int64_t ms)
{
    net_sleep_ms(c, ms);
}

const cs_http_usage *cs_http_client_usage(const cs_http_client *c)
{
    return &c->usage;
}

const char *cs_http_client_base_url(const cs_http_client *c)
{
    return c->base_url ? c->base_url : "";
}

int cs_http_client_set_base_url(cs_http_client *c, const char *base_url, cs_err *err)
{
    char *copy = strdup(base_url ? base_url : "");
    if (copy == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    free(c->base_url);
    c->base_url = copy;
    return 0;
}

/* --- one request ------------------------------------------------------------ */

typedef struct request_state {
    const cs_http_request *req;
    bool idempotent;
    char shown[256]; /* "POST /crm/v3/objects/contacts" */
    int64_t deadline;
    int retry;
    bool refreshed;
    cs_buf *url;
} request_state;

static bool is_idempotent(const cs_http_request *req)
{
    if (req->idempotency == CS_HTTP_IDEMPOTENT)
        return true;
    if (req->idempotency == CS_HTTP_NOT_IDEMPOTENT)
        return false;
    return req->method != CS_HTTP_POST;
}

static bool header_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == '\r' || *p == '\n' || *p == 0)
            return false;
    return true;
}

/* Fetches the token and remembers it (for masking) when it changed. */
static int current_token(cs_http_client *c, const cs_http_request *req, const char **token,
                         cs_err *err)
{
    *token = NULL;
    if (req->no_auth || c->token == NULL)
        return 0;
    if (c->token(c->auth_ud, token, err) != 0)
        return -1;
    if (*token && (*token)[0] == '\0')
        *token = NULL;
    if (*token && !header_ok(*token))
        return cs_err_set(err, CS_ERR_AUTH, "the access token contains a line break");
    if (*token && (c->last_token == NULL || strcmp(c->last_token, *token) != 0)) {
        char *copy = strdup(*token);
        if (copy == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        free(c->last_token);
        c->last_token = copy;
        cs_log_add_secret(copy);
    }
    return 0;
}

static int add_header(struct curl_slist **list, const char *name, const char *value)
{
    char line[CS_HTTP_MAX_HEADER_LINE];
    int n = snprintf(line, sizeof line, "%s: %s", name, value);
    if (n < 0 || (size_t)n >= sizeof line)
        return -1;
    struct curl_slist *l = curl_slist_append(*list, line);
    if (l == NULL)
        return -1;
    *list = l;
    return 0;
}

static int build_headers(const cs_http_request *req, const char *token, struct curl_slist **out,
                         cs_err *err)
{
    struct curl_slist *h = NULL;
    int rc = add_header(&h, "Accept", "application/json");
    if (req->body != NULL)
        rc |= add_header(&h, "Content-Type",
                         req->content_type ? req->content_type : "application/json");
    if (token) {
        char auth[CS_HTTP_MAX_HEADER_LINE - 32];
        int n = snprintf(auth, sizeof auth, "Bearer %s", token);
        rc |= (n < 0 || (size_t)n >= sizeof auth) ? -1 : add_header(&h, "Authorization", auth);
    }
    /* No "Expect: 100-continue" round trip before bodies. */
    struct curl_slist *l = curl_slist_append(h, "Expect:");
    if (l == NULL)
        rc = -1;
    else
        h = l;
    for (size_t i = 0; i < req->nheaders && rc == 0; i++)
        rc |= add_header(&h, req->headers[i].name, req->headers[i].value);
    if (rc != 0) {
        curl_slist_free_all(h);
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "request headers too long");
    }
    *out = h;
    return 0;
}

static void log_request(const cs_http_client *c, const request_state *st,
                        const struct curl_slist *headers, int attempt)
{
    if (!CS_LOG_ENABLED(CS_LOG_DEBUG))
        return;
    cs_buf line;
    cs_buf_init(&line, 4096);
    for (const struct curl_slist *h = headers; h; h = h->next) {
        char name[128];
        const char *colon = strchr(h->data, ':');
        size_t nlen = colon ? (size_t)(colon - h->data) : strlen(h->data);
        if (nlen >= sizeof name)
            nlen = sizeof name - 1;
        memcpy(name, h->data, nlen);
        name[nlen] = '\0';
        const char *value = colon ? colon + 1 : "";
        while (*value == ' ')
            value++;
        char shown[512];
        cs_net_header_for_log(name, value, shown, sizeof shown);
        if (cs_buf_appendf(&line, " [%s]", shown) != 0)
            break;
    }
    char text[4096];
    int n = snprintf(text, sizeof text, "%s", cs_buf_str(&line));
    if (n >= 0)
        cs_net_redact(text, sizeof text, c->last_token);
    cs_debug("net", "request %s attempt=%d headers=%s", st->shown, attempt, text);
    cs_buf_free(&line);
}

/* Waits, before sending, for a HubSpot window the last answer said was spent:
 * the request would only earn a 429 (R6). */
static void respect_spent_window(cs_http_client *c, const request_state *st)
{
    int64_t wait = 0;
    if (c->window_spent) {
        int64_t window =
            c->usage.hs_interval_ms > 0 ? c->usage.hs_interval_ms : HS_DEFAULT_WINDOW_MS;
        wait = cs_rate_window_rest(&c->window, net_mono_ms(c), window);
    }
    if (c->secondly_spent) {
        int64_t w = cs_rate_window_rest(&c->window, net_mono_ms(c), HS_SECONDLY_WINDOW_MS);
        wait = w > wait ? w : wait;
    }
    c->window_spent = false;
    c->secondly_spent = false;
    int64_t left = st->deadline - net_mono_ms(c);
    if (wait > c->max_wait_ms)
        wait = c->max_wait_ms;
    if (wait > left)
        wait = left;
    if (wait > 0) {
        cs_debug("net", "%s: waiting %lld ms for the rate window", st->shown, (long long)wait);
        net_sleep_ms(c, wait);
    }
}

/* A paced request waits until its second has room (cs_http_options). */
static void respect_pace(cs_http_client *c, const cs_http_request *req, const request_state *st)
{
    if (!req->paced || c->paced_per_second == 0)
        return;
    int64_t wait =
        cs_rate_window_room(&c->paced, net_mono_ms(c), PACED_WINDOW_MS, c->paced_per_second);
    int64_t left = st->deadline - net_mono_ms(c);
    if (wait > left)
        wait = left;
    if (wait > 0) {
        cs_debug("net", "%s: waiting %lld ms for the paced rate", st->shown, (long long)wait);
        net_sleep_ms(c, wait);
    }
}

static void fail(cs_http_client *c, const request_state *st, const cs_http_response *resp,
                 const net_exchange *x, cs_err_category category, cs_err *err)
{
    char api[512] = "";
    char what[640] = "";
    int n = 0;
    if (x->failure == CS_NET_ANSWERED) {
        cs_http_api_message(cs_buf_str(&resp->body), resp->body.len, api, sizeof api);
        if (resp->policy != CS_RATE_NONE)
            n = snprintf(what, sizeof what, "HTTP %ld (%s)%s%s", resp->status,
                         cs_rate_policy_name(resp->policy), api[0] ? ": " : "", api);
        else
            n = snprintf(what, sizeof what, "HTTP %ld%s%s", resp->status, api[0] ? ": " : "", api);
    } else if (x->stopped) {
        n = snprintf(what, sizeof what, "stopped on signal %s",
                     !x->sent                ? "before the request was sent"
                     : resp->outcome_unknown ? "before the answer came (outcome unknown)"
                                             : "before the answer came");
    } else if (x->failure == CS_NET_SENT && resp->outcome_unknown) {
        n = snprintf(what, sizeof what,
                     "no answer after the request was sent, outcome unknown, not retried: %s",
                     x->detail);
    } else {
        n = snprintf(what, sizeof what, "%s%s",
                     x->failure == CS_NET_NOT_SENT ? "could not send the request: " : "",
                     x->detail);
    }
    if (n < 0)
        what[0] = '\0';
    if (x->failure == CS_NET_ANSWERED && resp->outcome_unknown)
        cs_err_set(err, category, "%s: %s (outcome unknown, not retried)", st->shown, what);
    else if (resp->attempts > 1)
        cs_err_set(err, category, "%s: %s (after %d attempts)", st->shown, what, resp->attempts);
    else
        cs_err_set(err, category, "%s: %s", st->shown, what);
    if (err)
        cs_net_redact(err->message, sizeof err->message, c->last_token);
}

/* Runs one exchange; returns 1 to go again, 0 on success, -1 on failure. */
static int attempt(cs_http_client *c, request_state *st, cs_http_response *resp, cs_err *err)
{
    const cs_http_request *req = st->req;
    respect_spent_window(c, st);
    respect_pace(c, req, st);
    if (net_stopped(c)) {
        /* No new exchange once the process is told to stop; the caller sees
         * a network failure and the engine ends the pass as interrupted. */
        net_exchange none = {.failure = CS_NET_NOT_SENT, .stopped = true};
        fail(c, st, resp, &none, CS_ERR_NETWORK, err);
        return -1;
    }
    const char *token;
    if (current_token(c, req, &token, err) != 0)
        return cs_err_prefix(err, "%s: ", st->shown);
    /* Built per attempt, after the token: a grant may have moved the client
     * to another instance URL. */
    cs_buf_reset(st->url);
    if (net_build_url(c->base_url, req, st->url, err) != 0)
        return cs_err_prefix(err, "%s: ", st->shown);
    const char *url = cs_buf_str(st->url);
    struct curl_slist *headers = NULL;
    if (build_headers(req, token, &headers, err) != 0)
        return cs_err_prefix(err, "%s: ", st->shown);
    resp->attempts++;
    log_request(c, st, headers, resp->attempts);

    /* No exchange may run past the request's deadline. */
    int64_t started = net_mono_ms(c);
    int64_t left = st->deadline - started;
    net_exchange_spec spec = {
        .method = req->method,
        .url = url,
        .headers = headers,
        .body = req->body,
        .body_len = req->body_len,
        .fresh_connection = !st->idempotent,
        .timeout_ms =
            left < c->attempt_timeout_ms ? (long)(left > 1 ? left : 1) : c->attempt_timeout_ms,
    };
    net_exchange x;
    net_exchange_run(c, &spec, resp, &x);
    curl_slist_free_all(headers);
    if (x.sent) {
        c->usage.requests++;
        cs_rate_window_note(&c->window, started);
        if (req->paced)
            cs_rate_window_note(&c->paced, started);
    }
    if (x.failure == CS_NET_ANSWERED) {
        cs_http_usage_merge(&c->usage, &resp->rate);
        c->window_spent = resp->rate.hs_interval_remaining == 0;
        c->secondly_spent = resp->rate.hs_secondly_remaining == 0;
        resp->policy = cs_ratelimit_classify(resp->status, cs_buf_str(&resp->body), resp->body.len);
        cs_debug("net", "answer %s status=%ld bytes=%zu", st->shown, resp->status, resp->body.len);
    } else {
        cs_debug("net", "failure %s: %s", st->shown, x.detail);
    }

    if (x.stopped) {
        resp->outcome_unknown = x.sent && !st->idempotent;
        fail(c, st, resp, &x, CS_ERR_NETWORK, err);
        return -1;
    }

    /* A 401 is a known "not applied": refresh once and go again. */
    if (x.failure == CS_NET_ANSWERED && resp->status == 401 && c->refresh && !req->no_auth &&
        !st->refreshed) {
        st->refreshed = true;
        if (c->refresh(c->auth_ud, err) != 0) {
            cs_err_prefix(err, "%s: HTTP 401, token refresh failed: ", st->shown);
            if (err)
                cs_net_redact(err->message, sizeof err->message, c->last_token);
            return -1;
        }
        return 1;
    }

    cs_retry_input in = {
        .failure = x.failure,
        .status = resp->status,
        .idempotent = st->idempotent,
        .policy = resp->policy,
        .retry_after_ms = -1,
        .retry = st->retry,
        .max_retries = c->max_retries,
        .max_wait_ms = c->max_wait_ms,
    };
    if (resp->retry_after[0])
        cs_retry_after_parse(resp->retry_after, net_wall_ms(c), &in.retry_after_ms);
    if (resp->policy == CS_RATE_HS_TEN_SECONDLY) {
        int64_t window =
            c->usage.hs_interval_ms > 0 ? c->usage.hs_interval_ms : HS_DEFAULT_WINDOW_MS;
        in.window_rest_ms = cs_rate_window_rest(&c->window, net_mono_ms(c), window);
    } else if (resp->policy == CS_RATE_HS_SECONDLY) {
        /* Search's own limit counts searches only, which the client's window
         * does not tell apart from other requests: every search the server
         * took came before this refusal, so a whole second from now they have
         * all left its window (the official SDK waits 1 s too). */
        in.window_rest_ms = HS_SECONDLY_WINDOW_MS;
    }
    cs_retry_decision d;
    cs_retry_decide(&in, &c->backoff, &c->rng, &d);
    if (!d.retry) {
        if (d.category == CS_ERR_NONE)
            return 0;
        resp->outcome_unknown =
            d.outcome_unknown || (x.failure == CS_NET_LOCAL && x.sent && !st->idempotent);
        cs_err_category cat = d.category;
        if (x.failure == CS_NET_LOCAL && !x.too_large && !x.header_overflow)
            cat = x.tls_untrusted ? CS_ERR_CONFIG : CS_ERR_NETWORK;
        fail(c, st, resp, &x, cat, err);
        return -1;
    }
    if (net_mono_ms(c) + d.delay_ms > st->deadline) {
        fail(c, st, resp, &x, d.category, err);
        return cs_err_prefix(err, "request deadline of %ld ms reached: ", c->deadline_ms);
    }
    cs_debug("net", "%s: retry %d in %lld ms", st->shown, st->retry + 1, (long long)d.delay_ms);
    net_sleep_ms(c, d.delay_ms);
    if (net_stopped(c)) {
        fail(c, st, resp, &x, CS_ERR_NETWORK, err);
        return cs_err_prefix(err, "stopped on signal while waiting to retry: ");
    }
    st->retry++;
    c->usage.retries++;
    return 1;
}

static int check_request(const cs_http_request *req, cs_err *err)
{
    if (req->nheaders > CS_HTTP_MAX_REQUEST_HEADERS)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "more than %d request headers",
                          CS_HTTP_MAX_REQUEST_HEADERS);
    for (size_t i = 0; i < req->nheaders; i++) {
        const cs_http_kv *h = &req->headers[i];
        if (h->name == NULL || h->value == NULL || h->name[0] == '\0' || !header_ok(h->name) ||
            !header_ok(h->value) || strchr(h->name, ':') != NULL)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "malformed request header");
    }
    if (req->body == NULL && req->body_len != 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "request body length without a body");
    if (req->content_type && !header_ok(req->content_type))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "malformed content type");
    return 0;
}

int cs_http_request_send(cs_http_client *c, const cs_http_request *req, cs_http_response *resp,
                         cs_err *err)
{
    request_state st = {.req = req, .idempotent = is_idempotent(req)};
    char path[200];
    net_display_path(req->path, path, sizeof path);
    int n = snprintf(st.shown, sizeof st.shown, "%s %s", cs_http_method_name(req->method), path);
    if (n < 0)
        st.shown[0] = '\0';
    resp->status = 0;
    resp->attempts = 0;
    resp->outcome_unknown = false;
    resp->policy = CS_RATE_NONE;
    if (check_request(req, err) != 0)
        return cs_err_prefix(err, "%s: ", st.shown);
    cs_buf url;
    cs_buf_init(&url, CS_HTTP_MAX_URL);
    st.url = &url;
    st.deadline = net_mono_ms(c) + c->deadline_ms;
    int rc;
    while ((rc = attempt(c, &st, resp, err)) == 1)
        ;
    cs_buf_free(&url);
    return rc;
}

int cs_http_request_json(cs_http_client *c, const cs_http_request *req, const json_t *body,
                         json_t **out, cs_http_response *resp, cs_err *err)
{
    cs_http_request r = *req;
    char *text = NULL;
    if (body != NULL) {
        text = json_dumps(body, JSON_COMPACT);
        if (text == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "could not serialise the request body");
        r.body = text;
        r.body_len = strlen(text);
        r.content_type = "application/json";
    }
    cs_http_response local;
    cs_http_response *rp = resp;
    if (rp == NULL) {
        cs_http_response_init(&local);
        rp = &local;
    }
    int rc = cs_http_request_send(c, &r, rp, err);
    free(text);
    json_t *parsed = NULL;
    if (rc == 0 && rp->body.len > 0) {
        json_error_t jerr;
        parsed = json_loadb(rp->body.data, rp->body.len, 0, &jerr);
        if (parsed == NULL) {
            char path[200];
            net_display_path(req->path, path, sizeof path);
            rc = cs_err_set(err, CS_ERR_INVALID_INPUT,
                            "%s %s: HTTP %ld answer is not JSON: %s at line %d column %d",
                            cs_http_method_name(req->method), path, rp->status, jerr.text,
                            jerr.line, jerr.column);
        }
    }
    if (rp == &local)
        cs_http_response_dispose(&local);
    if (rc == 0)
        *out = parsed;
    return rc;
}
