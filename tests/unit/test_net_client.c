/* Tests of the net module's HTTP client against a scripted in-process server
 * (net_test_server.h) with a fake clock, so retries and waits are observed
 * without sleeping: keep-alive, 429/5xx retries, writes of unknown outcome
 * (never retried), token refresh on 401, rate limits that end a request (R6),
 * bounds, deadlines, secrets kept out of errors, and Salesforce OAuth grants. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "net/net.h"
#include "net_test_server.h"

/* --- fake clock ------------------------------------------------------------- */

#define FAKE_EPOCH_MS 1700000000000LL

typedef struct fake_clock {
    int64_t now; /* ms since the test started */
    int64_t sleeps[64];
    int nsleeps;
    int64_t slept;
} fake_clock;

static int64_t fake_wall(void *ud)
{
    return FAKE_EPOCH_MS + ((fake_clock *)ud)->now;
}

static int64_t fake_mono(void *ud)
{
    return ((fake_clock *)ud)->now;
}

static void fake_sleep(void *ud, int64_t ms)
{
    fake_clock *f = ud;
    if (f->nsleeps < 64)
        f->sleeps[f->nsleeps++] = ms;
    f->slept += ms;
    f->now += ms;
}

/* --- the client against a scripted server ----------------------------------------- */

typedef struct auth_state {
    const char *token;
    const char *next_token;
    int refreshes;
} auth_state;

static int static_token(void *ud, const char **token, cs_err *err)
{
    (void)err;
    *token = ((auth_state *)ud)->token;
    return 0;
}

static int swap_token(void *ud, cs_err *err)
{
    auth_state *a = ud;
    a->refreshes++;
    if (a->next_token == NULL)
        return cs_err_set(err, CS_ERR_AUTH, "no refresh possible");
    a->token = a->next_token;
    return 0;
}

typedef struct fixture {
    test_server srv;
    fake_clock clock;
    auth_state auth;
    cs_http_client *client;
    cs_http_response resp;
    cs_err err;
} fixture;

/* paced_per_second of the next setup() (then back to 0: unpaced). */
static int g_paced_per_second;

static void setup(fixture *f, const ts_step *steps, int n, int max_retries)
{
    memset(f, 0, sizeof *f);
    cr_assert_eq(ts_start(&f->srv, steps, n), 0, "server started");
    f->auth.token = "tok-SECRET-123456";
    cs_http_options o = {.base_url = f->srv.base,
                         .max_retries = max_retries,
                         .backoff = {.base_ms = 100, .cap_ms = 2000},
                         .attempt_timeout_ms = 5000,
                         .token = static_token,
                         .refresh = swap_token,
                         .auth_ud = &f->auth,
                         .clock = {fake_wall, fake_mono, fake_sleep, &f->clock},
                         .jitter_seed = 1234,
                         .paced_per_second = g_paced_per_second};
    g_paced_per_second = 0;
    cr_assert_eq(cs_http_client_new(&o, &f->client, &f->err), 0);
    cs_http_response_init(&f->resp);
}

static void teardown(fixture *f)
{
    cs_http_response_dispose(&f->resp);
    cs_http_client_free(f->client);
    ts_stop(&f->srv);
}

static int send_req(fixture *f, cs_http_method m, const char *path)
{
    cs_http_request req = {.method = m, .path = path};
    if (m == CS_HTTP_POST || m == CS_HTTP_PATCH) {
        req.body = "{\"properties\":{}}";
        req.body_len = strlen(req.body);
    }
    return cs_http_request_send(f->client, &req, &f->resp, &f->err);
}

#define HS_HEADERS                                                                                 \
    "X-HubSpot-RateLimit-Daily: 250000", "X-HubSpot-RateLimit-Daily-Remaining: 249000",            \
        "X-HubSpot-RateLimit-Interval-Milliseconds: 10000", "X-HubSpot-RateLimit-Max: 100",        \
        "X-HubSpot-RateLimit-Remaining: 99"

Test(client, success_reuses_one_connection)
{
    ts_step steps[] = {{.status = 200, .body = "{\"ok\":true}", .headers = {HS_HEADERS}}};
    fixture f;
    setup(&f, steps, 1, 3);
    cs_http_kv q[] = {{"limit", "100"}, {"after", "a b&c"}};
    for (int i = 0; i < 3; i++) {
        cs_http_request req = {
            .method = CS_HTTP_GET, .path = "/crm/v3/objects/contacts", .query = q, .nquery = 2};
        cr_assert_eq(cs_http_request_send(f.client, &req, &f.resp, &f.err), 0, "%s", f.err.message);
        cr_assert_eq(f.resp.status, 200);
        cr_assert_str_eq(cs_buf_str(&f.resp.body), "{\"ok\":true}");
        cr_assert_str_eq(f.resp.content_type, "application/json");
        cr_assert_eq(f.resp.attempts, 1);
    }
    cr_assert_eq(ts_requests(&f.srv), 3);
    cr_assert_eq(ts_connections(&f.srv), 1, "keep-alive: one connection for three requests");
    cr_assert_str_eq(f.srv.seen[0].url, "/crm/v3/objects/contacts?limit=100&after=a%20b%26c");
    cr_assert_str_eq(f.srv.seen[0].auth, "Bearer tok-SECRET-123456");
    cr_assert_str_eq(f.srv.seen[0].content_type, "", "GET carries no Content-Type");
    const cs_http_usage *u = cs_http_client_usage(f.client);
    cr_assert_eq(u->requests, 3);
    cr_assert_eq(u->retries, 0);
    cr_assert_eq(u->hs_daily_remaining, 249000);
    cr_assert_eq(u->hs_interval_remaining, 99);
    cr_assert_eq(f.clock.nsleeps, 0);
    teardown(&f);
}

Test(client, rate_limited_then_success_honours_retry_after)
{
    ts_step steps[] = {{.status = 429,
                        .body = "{\"status\":\"error\",\"message\":\"slow down\"}",
                        .headers = {"Retry-After: 3"}},
                       {.status = 200, .body = "{}"}};
    fixture f;
    setup(&f, steps, 2, 3);
    cr_assert_eq(send_req(&f, CS_HTTP_POST, "/crm/v3/objects/contacts"), 0, "%s", f.err.message);
    cr_assert_eq(f.resp.attempts, 2);
    cr_assert_eq(ts_requests(&f.srv), 2, "a 429 on a create is a known outcome: retried");
    cr_assert_eq(f.clock.nsleeps, 1);
    cr_assert_eq(f.clock.sleeps[0], 3000);
    cr_assert_eq(cs_http_client_usage(f.client)->retries, 1);
    cr_assert_eq(cs_http_client_usage(f.client)->requests, 2);
    teardown(&f);
}

Test(client, ten_secondly_429_waits_out_the_window)
{
    ts_step steps[] = {{.status = 429,
                        .body = "{\"status\":\"error\",\"message\":\"You have reached your "
                                "ten_secondly_rolling limit.\",\"errorType\":\"RATE_LIMIT\","
                                "\"policyName\":\"TEN_SECONDLY_ROLLING\"}"},
                       {.status = 200, .body = "{}"}};
    fixture f;
    setup(&f, steps, 2, 3);
    f.clock.now = 50000;
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/crm/v3/objects/contacts/1"), 0, "%s", f.err.message);
    cr_assert_eq(f.clock.nsleeps, 1);
    cr_assert(f.clock.sleeps[0] >= 10000 && f.clock.sleeps[0] <= 10100,
              "waited %lld ms, not the rest of the 10 s window", (long long)f.clock.sleeps[0]);
    teardown(&f);
}

Test(client, spent_window_is_waited_out_before_sending)
{
    ts_step steps[] = {
        {.status = 200,
         .body = "{}",
         .headers = {"X-HubSpot-RateLimit-Interval-Milliseconds: 10000",
                     "X-HubSpot-RateLimit-Max: 100", "X-HubSpot-RateLimit-Remaining: 0"}},
        {.status = 200, .body = "{}"}};
    fixture f;
    setup(&f, steps, 2, 3);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/a"), 0);
    f.clock.now += 4000;
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/b"), 0);
    cr_assert_eq(f.clock.nsleeps, 1);
    cr_assert_eq(f.clock.sleeps[0], 6000, "the first request leaves the window 6 s later");
    cr_assert_eq(ts_requests(&f.srv), 2, "no request was spent on a 429");
    cr_assert_eq(cs_http_client_usage(f.client)->hs_interval_remaining, 0,
                 "usage still says what the API reported");
    f.clock.now += 1;
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/c"), 0);
    cr_assert_eq(f.clock.nsleeps, 1, "the second answer carried no spent window");
    teardown(&f);
}

Test(client, server_error_on_get_is_retried)
{
    ts_step steps[] = {{.status = 500, .body = "{\"message\":\"boom\"}"},
                       {.status = 502, .body = ""},
                       {.status = 200, .body = "{\"id\":\"1\"}"}};
    fixture f;
    setup(&f, steps, 3, 3);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/crm/v3/objects/contacts/1"), 0, "%s", f.err.message);
    cr_assert_eq(f.resp.attempts, 3);
    cr_assert_eq(f.clock.nsleeps, 2);
    cr_assert(f.clock.sleeps[0] <= 100 && f.clock.sleeps[1] <= 200, "backoff ceilings");
    teardown(&f);
}

Test(client, server_error_on_create_is_not_retried)
{
    ts_step steps[] = {{.status = 500, .body = "{\"message\":\"internal\",\"category\":\"ERR\"}"},
                       {.status = 201, .body = "{}"}};
    fixture f;
    setup(&f, steps, 2, 3);
    cr_assert_eq(send_req(&f, CS_HTTP_POST, "/crm/v3/objects/contacts"), -1);
    cr_assert_eq(f.err.category, CS_ERR_REMOTE_FAILED);
    cr_assert(f.resp.outcome_unknown);
    cr_assert_eq(f.resp.attempts, 1);
    cr_assert_eq(ts_requests(&f.srv), 1);
    cr_assert(strstr(f.err.message, "POST /crm/v3/objects/contacts") != NULL, "%s", f.err.message);
    cr_assert(strstr(f.err.message, "HTTP 500") != NULL, "%s", f.err.message);
    cr_assert(strstr(f.err.message, "internal (ERR)") != NULL, "%s", f.err.message);
    teardown(&f);
}

Test(client, idempotent_post_is_retried_on_server_error)
{
    ts_step steps[] = {{.status = 500, .body = "{}"}, {.status = 200, .body = "{\"total\":0}"}};
    fixture f;
    setup(&f, steps, 2, 3);
    const char *body = "{\"filterGroups\":[]}";
    cs_http_request req = {.method = CS_HTTP_POST,
                           .path = "/crm/v3/objects/contacts/search",
                           .body = body,
                           .body_len = strlen(body),
                           .idempotency = CS_HTTP_IDEMPOTENT};
    cr_assert_eq(cs_http_request_send(f.client, &req, &f.resp, &f.err), 0, "%s", f.err.message);
    cr_assert_eq(ts_requests(&f.srv), 2);
    cr_assert_str_eq(f.srv.seen[1].body, body);
    cr_assert_str_eq(f.srv.seen[1].content_type, "application/json");
    teardown(&f);
}

Test(client, dropped_connection_on_create_leaves_the_outcome_unknown)
{
    ts_step steps[] = {{.action = TS_DROP}, {.status = 201, .body = "{}"}};
    fixture f;
    setup(&f, steps, 2, 3);
    cr_assert_eq(send_req(&f, CS_HTTP_POST, "/crm/v3/objects/contacts"), -1);
    cr_assert_eq(f.err.category, CS_ERR_NETWORK);
    cr_assert(f.resp.outcome_unknown);
    cr_assert_eq(f.resp.attempts, 1);
    cr_assert_eq(ts_requests(&f.srv), 1, "never re-sent, not even by libcurl");
    cr_assert(strstr(f.err.message, "outcome unknown") != NULL, "%s", f.err.message);
    teardown(&f);
}

Test(client, dropped_connection_on_a_reused_connection_is_not_replayed)
{
    /* A GET opens a kept-alive connection; the create after it must not be
     * silently re-sent on a fresh connection when its answer never comes. */
    ts_step steps[] = {
        {.status = 200, .body = "{}"}, {.action = TS_DROP}, {.status = 201, .body = "{}"}};
    fixture f;
    setup(&f, steps, 3, 3);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/x"), 0);
    cr_assert_eq(send_req(&f, CS_HTTP_POST, "/crm/v3/objects/contacts"), -1);
    cr_assert(f.resp.outcome_unknown);
    cr_assert_eq(ts_requests(&f.srv), 2);
    teardown(&f);
}

Test(client, dropped_connection_on_get_is_retried)
{
    ts_step steps[] = {{.action = TS_DROP}, {.status = 200, .body = "{}"}};
    fixture f;
    setup(&f, steps, 2, 3);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/crm/v3/objects/contacts/7"), 0, "%s", f.err.message);
    cr_assert_eq(f.resp.attempts, 2);
    cr_assert_eq(ts_requests(&f.srv), 2);
    teardown(&f);
}

Test(client, timeout_on_create_leaves_the_outcome_unknown)
{
    ts_step steps[] = {{.action = TS_HANG, .hang_ms = 600, .status = 201, .body = "{}"}};
    fixture f;
    memset(&f, 0, sizeof f);
    cr_assert_eq(ts_start(&f.srv, steps, 1), 0);
    cs_http_options o = {.base_url = f.srv.base,
                         .max_retries = 3,
                         .attempt_timeout_ms = 150,
                         .clock = {fake_wall, fake_mono, fake_sleep, &f.clock}};
    cr_assert_eq(cs_http_client_new(&o, &f.client, &f.err), 0);
    cs_http_response_init(&f.resp);
    cr_assert_eq(send_req(&f, CS_HTTP_POST, "/services/data/v60.0/sobjects/Lead"), -1);
    cr_assert_eq(f.err.category, CS_ERR_NETWORK);
    cr_assert(f.resp.outcome_unknown);
    cr_assert_eq(f.resp.attempts, 1);
    teardown(&f);
}

Test(client, deadline_caps_a_single_exchange)
{
    ts_step steps[] = {{.action = TS_HANG, .hang_ms = 700, .status = 201, .body = "{}"}};
    fixture f;
    memset(&f, 0, sizeof f);
    cr_assert_eq(ts_start(&f.srv, steps, 1), 0);
    cs_http_options o = {.base_url = f.srv.base,
                         .attempt_timeout_ms = 30000,
                         .deadline_ms = 200,
                         .clock = {fake_wall, fake_mono, fake_sleep, &f.clock}};
    cr_assert_eq(cs_http_client_new(&o, &f.client, &f.err), 0);
    cs_http_response_init(&f.resp);
    int64_t t0 = cs_time_monotonic_ms();
    cr_assert_eq(send_req(&f, CS_HTTP_POST, "/crm/v3/objects/contacts"), -1);
    int64_t took = cs_time_monotonic_ms() - t0;
    cr_assert_eq(f.err.category, CS_ERR_NETWORK);
    cr_assert(f.resp.outcome_unknown);
    cr_assert(took >= 150 && took < 5000,
              "the exchange took %lld ms, not about 200 (the attempt timeout is 30 s)",
              (long long)took);
    teardown(&f);
}

Test(client, refused_connection_is_retried_even_for_a_create)
{
    /* A port that is bound but not listening refuses connections, and stays
     * ours: no server of a test running in parallel can take it. */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    socklen_t alen = sizeof addr;
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&addr, &alen), 0);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", ntohs(addr.sin_port));
    fake_clock clock = {0};
    cs_http_options o = {
        .base_url = base, .max_retries = 2, .clock = {fake_wall, fake_mono, fake_sleep, &clock}};
    cs_http_client *c;
    cs_err err;
    cr_assert_eq(cs_http_client_new(&o, &c, &err), 0);
    cs_http_response resp;
    cs_http_response_init(&resp);
    cs_http_request req = {
        .method = CS_HTTP_POST, .path = "/crm/v3/objects/contacts", .body = "{}", .body_len = 2};
    cr_assert_eq(cs_http_request_send(c, &req, &resp, &err), -1);
    cr_assert_eq(err.category, CS_ERR_NETWORK);
    cr_assert(!resp.outcome_unknown, "nothing was sent");
    cr_assert_eq(resp.attempts, 3);
    cr_assert_eq(clock.nsleeps, 2);
    cr_assert_eq(cs_http_client_usage(c)->requests, 0, "no request reached the API");
    cr_assert(strstr(err.message, "after 3 attempts") != NULL, "%s", err.message);
    cs_http_response_dispose(&resp);
    cs_http_client_free(c);
    close(fd);
}

Test(client, unauthorized_refreshes_once_and_retries_with_the_new_token)
{
    ts_step steps[] = {{.status = 401,
                        .body = "[{\"message\":\"Session expired or invalid\",\"errorCode\":"
                                "\"INVALID_SESSION_ID\"}]"},
                       {.status = 200, .body = "{\"totalSize\":0}"}};
    fixture f;
    setup(&f, steps, 2, 3);
    f.auth.next_token = "tok-NEW-987654";
    cr_assert_eq(send_req(&f, CS_HTTP_POST, "/services/data/v60.0/sobjects/Lead"), 0, "%s",
                 f.err.message);
    cr_assert_eq(f.auth.refreshes, 1);
    cr_assert_str_eq(f.srv.seen[0].auth, "Bearer tok-SECRET-123456");
    cr_assert_str_eq(f.srv.seen[1].auth, "Bearer tok-NEW-987654");
    cr_assert_eq(f.clock.nsleeps, 0, "no backoff for a refresh");
    teardown(&f);
}

Test(client, unauthorized_twice_is_an_auth_error)
{
    ts_step steps[] = {{.status = 401,
                        .body = "{\"status\":\"error\",\"message\":\"Authentication credentials "
                                "not found.\",\"category\":\"INVALID_AUTHENTICATION\"}"}};
    fixture f;
    setup(&f, steps, 1, 3);
    f.auth.next_token = "tok-NEW-987654";
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/crm/v3/objects/contacts"), -1);
    cr_assert_eq(f.err.category, CS_ERR_AUTH);
    cr_assert_eq(f.auth.refreshes, 1, "refreshed once only");
    cr_assert_eq(ts_requests(&f.srv), 2);
    cr_assert(strstr(f.err.message, "INVALID_AUTHENTICATION") != NULL, "%s", f.err.message);
    cr_assert(strstr(f.err.message, "tok-") == NULL, "%s", f.err.message);
    teardown(&f);
}

Test(client, daily_limit_and_salesforce_request_limit_are_not_retried)
{
    ts_step steps[] = {
        {.status = 429,
         .body = "{\"status\":\"error\",\"message\":\"You have reached your daily limit.\","
                 "\"errorType\":\"RATE_LIMIT\",\"correlationId\":\"c\",\"policyName\":\"DAILY\"}",
         .headers = {"Retry-After: 1"}},
        {.status = 403,
         .body = "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":"
                 "\"REQUEST_LIMIT_EXCEEDED\"}]",
         .headers = {"Sforce-Limit-Info: api-usage=15000/15000"}},
        {.status = 200, .body = "{}"}};
    fixture f;
    setup(&f, steps, 3, 3);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/crm/v3/objects/contacts"), -1);
    cr_assert_eq(f.err.category, CS_ERR_RATE_LIMIT);
    cr_assert_eq(f.resp.policy, CS_RATE_HS_DAILY);
    cr_assert_eq(f.resp.attempts, 1);
    cr_assert(strstr(f.err.message, "daily limit") != NULL, "%s", f.err.message);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/services/data/v60.0/query"), -1);
    cr_assert_eq(f.err.category, CS_ERR_RATE_LIMIT);
    cr_assert_eq(f.resp.attempts, 1);
    cr_assert(strstr(f.err.message, "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.") !=
                  NULL,
              "%s", f.err.message);
    cr_assert_eq(cs_http_client_usage(f.client)->sf_api_used, 15000);
    cr_assert_eq(cs_http_client_usage(f.client)->sf_api_max, 15000);
    cr_assert_eq(ts_requests(&f.srv), 2);
    cr_assert_eq(f.clock.nsleeps, 0);
    teardown(&f);
}

Test(client, oversize_bodies_are_refused_clearly)
{
    ts_step steps[] = {{.status = 200, .big = 300000},
                       {.status = 200, .big = 300000, .chunked = true}};
    fixture f;
    memset(&f, 0, sizeof f);
    cr_assert_eq(ts_start(&f.srv, steps, 2), 0);
    cs_http_options o = {.base_url = f.srv.base,
                         .max_response = 100000,
                         .clock = {fake_wall, fake_mono, fake_sleep, &f.clock}};
    cr_assert_eq(cs_http_client_new(&o, &f.client, &f.err), 0);
    cs_http_response_init(&f.resp);
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(send_req(&f, CS_HTTP_GET, "/big"), -1);
        cr_assert_eq(f.err.category, CS_ERR_INVALID_INPUT);
        cr_assert(strstr(f.err.message, "larger than the limit of 100000 bytes") != NULL, "%s",
                  f.err.message);
        cr_assert_leq(f.resp.body.len, 100000);
        cr_assert_eq(f.resp.attempts, 1, "not retried");
    }
    teardown(&f);
}

Test(client, token_never_appears_in_an_error)
{
    ts_step steps[] = {
        {.status = 400,
         .body = "{\"status\":\"error\",\"message\":\"Bad header Bearer tok-SECRET-123456\","
                 "\"category\":\"VALIDATION_ERROR\"}"}};
    fixture f;
    setup(&f, steps, 1, 3);
    cs_http_kv q[] = {{"email", "someone@example.com"}};
    cs_http_request req = {.method = CS_HTTP_GET, .path = "/crm/v3/x", .query = q, .nquery = 1};
    cr_assert_eq(cs_http_request_send(f.client, &req, &f.resp, &f.err), -1);
    cr_assert_eq(f.err.category, CS_ERR_REMOTE_REJECTED);
    cr_assert(strstr(f.err.message, "tok-SECRET-123456") == NULL, "%s", f.err.message);
    cr_assert(strstr(f.err.message, "[redacted]") != NULL, "%s", f.err.message);
    cr_assert(strstr(f.err.message, "someone@example.com") == NULL, "no query: %s", f.err.message);
    cr_assert(strstr(f.err.message, "GET /crm/v3/x: HTTP 400") != NULL, "%s", f.err.message);
    teardown(&f);
}

Test(client, header_flood_is_refused)
{
    ts_step steps[] = {{.status = 200, .body = "{}", .extra_headers = CS_HTTP_MAX_HEADERS + 5},
                       {.status = 200, .body = "{}", .extra_headers = 20}};
    fixture f;
    setup(&f, steps, 2, 3);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/flood"), -1);
    cr_assert_eq(f.err.category, CS_ERR_INVALID_INPUT);
    cr_assert(strstr(f.err.message, "headers exceed") != NULL, "%s", f.err.message);
    cr_assert_eq(f.resp.attempts, 1);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/fine"), 0, "%s", f.err.message);
    teardown(&f);
}

Test(client, debug_log_masks_the_token, .init = cr_redirect_stderr)
{
    ts_step steps[] = {{.status = 200, .body = "{}"}};
    fixture f;
    setup(&f, steps, 1, 3);
    cs_log_set_level(CS_LOG_DEBUG);
    cr_assert_eq(send_req(&f, CS_HTTP_POST, "/crm/v3/objects/contacts"), 0);
    cs_log_set_level(CS_LOG_INFO);
    fflush(stderr);
    FILE *log = cr_get_redirected_stderr();
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, log);
    text[n] = '\0';
    cr_assert(strstr(text, "POST /crm/v3/objects/contacts") != NULL, "logged: %s", text);
    cr_assert(strstr(text, "Authorization: Bearer [redacted]") != NULL, "logged: %s", text);
    cr_assert(strstr(text, "tok-SECRET") == NULL, "logged: %s", text);
    teardown(&f);
}

Test(client, deadline_bounds_the_whole_request)
{
    ts_step steps[] = {{.status = 503, .body = "{}", .headers = {"Retry-After: 30"}}};
    fixture f;
    memset(&f, 0, sizeof f);
    cr_assert_eq(ts_start(&f.srv, steps, 1), 0);
    cs_http_options o = {.base_url = f.srv.base,
                         .max_retries = 10,
                         .deadline_ms = 45000,
                         .clock = {fake_wall, fake_mono, fake_sleep, &f.clock}};
    cr_assert_eq(cs_http_client_new(&o, &f.client, &f.err), 0);
    cs_http_response_init(&f.resp);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/slow"), -1);
    cr_assert_eq(f.err.category, CS_ERR_REMOTE_FAILED);
    cr_assert_eq(f.resp.attempts, 2, "t=0 and t=30 s; t=60 s would pass 45 s");
    cr_assert(strstr(f.err.message, "deadline") != NULL, "%s", f.err.message);
    teardown(&f);
}

Test(client, retry_budget_zero_and_default)
{
    ts_step steps[] = {{.status = 503, .body = "{}"}};
    fixture f;
    setup(&f, steps, 1, 3);
    cs_http_client_free(f.client);
    cs_http_options o = {.base_url = f.srv.base,
                         .max_retries = 4,
                         .no_retry = true,
                         .clock = {fake_wall, fake_mono, fake_sleep, &f.clock}};
    cr_assert_eq(cs_http_client_new(&o, &f.client, &f.err), 0);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/x"), -1);
    cr_assert_eq(f.resp.attempts, 1, "no_retry never retries");
    for (int m = 0; m >= -1; m--) {
        cs_http_client_free(f.client);
        o.no_retry = false;
        o.max_retries = m;
        cr_assert_eq(cs_http_client_new(&o, &f.client, &f.err), 0);
        cr_assert_eq(send_req(&f, CS_HTTP_GET, "/x"), -1);
        cr_assert_eq(f.resp.attempts, 1 + CS_HTTP_DEFAULT_MAX_RETRIES,
                     "max_retries %d means the default", m);
    }
    cr_assert_eq(f.err.category, CS_ERR_REMOTE_FAILED);
    teardown(&f);
}

Test(client, json_variant_round_trip)
{
    ts_step steps[] = {{.status = 201, .body = "{\"id\":\"51\",\"properties\":{}}"},
                       {.status = 204},
                       {.status = 200, .body = "not json"}};
    fixture f;
    setup(&f, steps, 3, 3);
    json_t *body = json_pack("{s:{s:s}}", "properties", "email", "a@b.c");
    json_t *out = NULL;
    cs_http_request req = {.method = CS_HTTP_POST, .path = "/crm/v3/objects/contacts"};
    cr_assert_eq(cs_http_request_json(f.client, &req, body, &out, NULL, &f.err), 0, "%s",
                 f.err.message);
    cr_assert_str_eq(json_string_value(json_object_get(out, "id")), "51");
    cr_assert_str_eq(f.srv.seen[0].body, "{\"properties\":{\"email\":\"a@b.c\"}}");
    json_decref(out);
    out = (json_t *)1;
    req.method = CS_HTTP_DELETE;
    req.path = "/crm/v3/objects/contacts/51";
    cr_assert_eq(cs_http_request_json(f.client, &req, NULL, &out, &f.resp, &f.err), 0);
    cr_assert_null(out, "204 gives no JSON");
    cr_assert_str_eq(f.srv.seen[1].method, "DELETE");
    out = NULL;
    req.method = CS_HTTP_GET;
    cr_assert_eq(cs_http_request_json(f.client, &req, NULL, &out, NULL, &f.err), -1);
    cr_assert_eq(f.err.category, CS_ERR_INVALID_INPUT);
    cr_assert_null(out, "untouched on failure");
    json_decref(body);
    teardown(&f);
}

Test(client, malformed_requests_are_refused_before_sending)
{
    ts_step steps[] = {{.status = 200, .body = "{}"}};
    fixture f;
    setup(&f, steps, 1, 3);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "no-slash"), -1);
    cr_assert_eq(f.err.category, CS_ERR_INVALID_INPUT);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/a b"), -1);
    cs_http_kv bad[] = {{"X-Evil", "a\r\nInjected: 1"}};
    cs_http_request req = {.method = CS_HTTP_GET, .path = "/ok", .headers = bad, .nheaders = 1};
    cr_assert_eq(cs_http_request_send(f.client, &req, &f.resp, &f.err), -1);
    cr_assert_eq(f.err.category, CS_ERR_INVALID_INPUT);
    cr_assert_eq(ts_requests(&f.srv), 0);
    teardown(&f);
}

/* --- Salesforce OAuth against the scripted server ---------------------------------- */

Test(oauth, refresh_grant_then_refresh_after_401)
{
    char answer[256], answer2[256];
    ts_step steps[] = {{.status = 200, .body = answer},
                       {.status = 401,
                        .body = "[{\"message\":\"Session expired or invalid\",\"errorCode\":"
                                "\"INVALID_SESSION_ID\"}]"},
                       {.status = 200, .body = answer2},
                       {.status = 200, .body = "{\"totalSize\":0,\"done\":true,\"records\":[]}"}};
    test_server srv;
    /* The answer names the server itself as the instance, so it is written
     * after the port is known (the step keeps a pointer to it). */
    cr_assert_eq(ts_start(&srv, steps, 4), 0);
    snprintf(answer, sizeof answer,
             "{\"access_token\":\"00D-ACCESS-1\",\"instance_url\":\"%s\",\"token_type\":"
             "\"Bearer\",\"issued_at\":\"1\"}",
             srv.base);
    snprintf(answer2, sizeof answer2, "{\"access_token\":\"00D-ACCESS-2\",\"instance_url\":\"%s\"}",
             srv.base);
    char token_url[128];
    snprintf(token_url, sizeof token_url, "%s/services/oauth2/token", srv.base);
    fake_clock clock = {0};
    cs_oauth_config oc = {.token_url = token_url,
                          .grant = CS_NET_GRANT_REFRESH_TOKEN,
                          .client_id = "cid",
                          .client_secret = "csecret-XYZ",
                          .refresh_token = "rt-ABC-123",
                          .http = {.clock = {fake_wall, fake_mono, fake_sleep, &clock}}};
    cs_oauth *o;
    cs_err err;
    cr_assert_eq(cs_oauth_new(&oc, &o, &err), 0, "%s", err.message);
    cs_http_options ho = {.base_url = "http://127.0.0.1:1",
                          .token = cs_oauth_token_cb,
                          .refresh = cs_oauth_refresh_cb,
                          .auth_ud = o,
                          .clock = {fake_wall, fake_mono, fake_sleep, &clock}};
    cs_http_client *c;
    cr_assert_eq(cs_http_client_new(&ho, &c, &err), 0);
    cs_oauth_follow_instance(o, c);
    cs_http_response resp;
    cs_http_response_init(&resp);
    cs_http_request req = {.method = CS_HTTP_GET, .path = "/services/data/v60.0/query"};
    /* The first token callback performs the grant, which also moves the
     * client to the instance URL; the first API call then gets a 401, the
     * refresh grant runs and the call is repeated with the new token. */
    cr_assert_eq(cs_http_request_send(c, &req, &resp, &err), 0, "%s", err.message);
    cr_assert_str_eq(cs_http_client_base_url(c), srv.base);
    cr_assert_eq(cs_oauth_grants(o), 2);
    cr_assert_eq(ts_requests(&srv), 4);
    cr_assert_str_eq(srv.seen[0].method, "POST");
    cr_assert_str_eq(srv.seen[0].url, "/services/oauth2/token");
    cr_assert_str_eq(srv.seen[0].content_type, "application/x-www-form-urlencoded");
    cr_assert_str_eq(srv.seen[0].body, "grant_type=refresh_token&client_id=cid&client_secret="
                                       "csecret-XYZ&refresh_token=rt-ABC-123");
    cr_assert_str_eq(srv.seen[0].auth, "", "the token endpoint gets no bearer token");
    cr_assert_str_eq(srv.seen[1].url, "/services/data/v60.0/query");
    cr_assert_str_eq(srv.seen[1].auth, "Bearer 00D-ACCESS-1");
    cr_assert_str_eq(srv.seen[2].url, "/services/oauth2/token");
    cr_assert_str_eq(srv.seen[3].auth, "Bearer 00D-ACCESS-2");
    cr_assert_str_eq(cs_oauth_access_token(o), "00D-ACCESS-2");
    cs_http_response_dispose(&resp);
    cs_http_client_free(c);
    cs_oauth_free(o);
    ts_stop(&srv);
}

Test(oauth, invalid_grant_is_an_auth_error_naming_the_description)
{
    ts_step steps[] = {{.status = 400,
                        .body = "{\"error\":\"invalid_grant\",\"error_description\":\"expired "
                                "access/refresh token\"}"}};
    test_server srv;
    cr_assert_eq(ts_start(&srv, steps, 1), 0);
    char token_url[128];
    snprintf(token_url, sizeof token_url, "%s/services/oauth2/token", srv.base);
    cs_oauth_config oc = {.token_url = token_url,
                          .grant = CS_NET_GRANT_CLIENT_CREDENTIALS,
                          .client_id = "cid",
                          .client_secret = "csecret-XYZ"};
    cs_oauth *o;
    cs_err err;
    cr_assert_eq(cs_oauth_new(&oc, &o, &err), 0);
    cr_assert_eq(cs_oauth_fetch(o, &err), -1);
    cr_assert_eq(err.category, CS_ERR_AUTH);
    cr_assert(strstr(err.message, "invalid_grant: expired access/refresh token") != NULL, "%s",
              err.message);
    cr_assert(strstr(err.message, "client_credentials") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "csecret") == NULL);
    cr_assert_null(cs_oauth_access_token(o));
    cr_assert_str_eq(srv.seen[0].body,
                     "grant_type=client_credentials&client_id=cid&client_secret=csecret-XYZ");
    cr_assert_eq(ts_requests(&srv), 1, "a refusal is not retried");
    cs_oauth_free(o);
    ts_stop(&srv);
}

Test(oauth, config_is_checked)
{
    cs_oauth *o = NULL;
    cs_err err;
    cs_oauth_config oc = {.token_url = "http://127.0.0.1:1/t", .client_id = "cid"};
    cr_assert_eq(cs_oauth_new(&oc, &o, &err), -1, "refresh grant without a refresh token");
    cr_assert_eq(err.category, CS_ERR_CONFIG);
    oc.grant = CS_NET_GRANT_CLIENT_CREDENTIALS;
    cr_assert_eq(cs_oauth_new(&oc, &o, &err), -1, "client credentials without a secret");
    cr_assert_null(o);
}

/* HubSpot search: 5 a second and no header to pace by. Paced requests wait
 * for room in their second (with a 50 ms margin for the time a request takes
 * to arrive) instead of meeting a 429; other requests never wait for them. */
static int send_paced(fixture *f, const char *path)
{
    cs_http_request req = {.method = CS_HTTP_POST,
                           .path = path,
                           .body = "{}",
                           .body_len = 2,
                           .idempotency = CS_HTTP_IDEMPOTENT,
                           .paced = true};
    return cs_http_request_send(f->client, &req, &f->resp, &f->err);
}

Test(client, paced_requests_wait_for_room_in_their_second)
{
    ts_step steps[8];
    for (int i = 0; i < 8; i++)
        steps[i] = (ts_step){.status = 200, .body = "{}"};
    fixture f;
    g_paced_per_second = 3;
    setup(&f, steps, 8, 3);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(send_paced(&f, "/search"), 0);
        f.clock.now += 100;
    }
    cr_assert_eq(f.clock.nsleeps, 0, "three in a second fit");
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/list"), 0);
    cr_assert_eq(f.clock.nsleeps, 0, "an unpaced request does not wait for the paced ones");
    cr_assert_eq(send_paced(&f, "/search"), 0);
    cr_assert_eq(f.clock.nsleeps, 1);
    cr_assert_eq(f.clock.sleeps[0], 750, "the fourth waits until the first is 1,050 ms old");
    cr_assert_eq(f.clock.now, 1050);
    f.clock.now += 2000;
    cr_assert_eq(send_paced(&f, "/search"), 0);
    cr_assert_eq(f.clock.nsleeps, 1, "an idle second leaves room at once");
    cr_assert_eq(ts_requests(&f.srv), 6);
    teardown(&f);
}

Test(client, unpaced_client_never_waits_for_paced_requests)
{
    ts_step steps[6];
    for (int i = 0; i < 6; i++)
        steps[i] = (ts_step){.status = 200, .body = "{}"};
    fixture f;
    setup(&f, steps, 6, 3);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(send_paced(&f, "/search"), 0);
    cr_assert_eq(f.clock.nsleeps, 0, "paced_per_second 0 is off");
    teardown(&f);
}

Test(rate_window, room_counts_the_max_th_most_recent_send)
{
    cs_rate_window w;
    cs_rate_window_init(&w);
    cr_assert_eq(cs_rate_window_room(&w, 0, 1000, 2), 0, "empty");
    cs_rate_window_note(&w, 0);
    cs_rate_window_note(&w, 400);
    cr_assert_eq(cs_rate_window_room(&w, 500, 1000, 2), 500, "until the send at 0 leaves");
    cr_assert_eq(cs_rate_window_room(&w, 500, 1000, 3), 0, "a third fits");
    cr_assert_eq(cs_rate_window_room(&w, 1000, 1000, 2), 0, "the send at 0 has left");
    cr_assert_eq(cs_rate_window_room(&w, 500, 1000, 0), 0, "no limit");
    cr_assert_eq(cs_rate_window_room(&w, 500, 1000, CS_RATE_WINDOW_SLOTS + 1), 0, "out of range");
    for (int i = 0; i < CS_RATE_WINDOW_SLOTS + 10; i++)
        cs_rate_window_note(&w, 2000 + i);
    cr_assert_eq(cs_rate_window_room(&w, 2300, 1000, 5),
                 2000 + CS_RATE_WINDOW_SLOTS + 10 - 5 + 1000 - 2300,
                 "after the ring wrapped, the 5th most recent send");
}
