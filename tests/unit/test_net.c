/* Tests of the net module: the pure retry/backoff policy, rate-limit header and
 * body parsing, error-message extraction and redaction, then the client
 * against a scripted in-process server (net_test_server.h) with a fake clock,
 * so retries and waits are observed without sleeping (R6 for rate limits). */
#include <criterion/criterion.h>
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

/* --- backoff ---------------------------------------------------------------- */

Test(backoff, grows_exponentially_up_to_the_cap)
{
    cs_backoff b = {.base_ms = 100, .cap_ms = 1000};
    cr_assert_eq(cs_backoff_ceiling_ms(&b, 0), 100);
    cr_assert_eq(cs_backoff_ceiling_ms(&b, 1), 200);
    cr_assert_eq(cs_backoff_ceiling_ms(&b, 2), 400);
    cr_assert_eq(cs_backoff_ceiling_ms(&b, 3), 800);
    cr_assert_eq(cs_backoff_ceiling_ms(&b, 4), 1000);
    cr_assert_eq(cs_backoff_ceiling_ms(&b, 5), 1000);
    cr_assert_eq(cs_backoff_ceiling_ms(&b, 1000), 1000, "no overflow on large retry counts");
    cs_backoff big = {.base_ms = INT64_MAX / 4, .cap_ms = INT64_MAX};
    cr_assert_eq(cs_backoff_ceiling_ms(&big, 40), INT64_MAX);
}

Test(backoff, full_jitter_stays_within_zero_and_the_ceiling)
{
    cs_backoff b = {.base_ms = 100, .cap_ms = 10000};
    uint64_t rng = 42;
    int64_t lo = INT64_MAX, hi = -1, sum = 0;
    for (int i = 0; i < 2000; i++) {
        int64_t d = cs_backoff_delay_ms(&b, 3, &rng);
        cr_assert(d >= 0 && d <= 800, "delay %lld outside [0, 800]", (long long)d);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
        sum += d;
    }
    cr_assert_lt(lo, 50, "draws reach near zero");
    cr_assert_gt(hi, 750, "draws reach near the ceiling");
    int64_t mean = sum / 2000;
    cr_assert(mean > 340 && mean < 460, "mean %lld is not about half the ceiling", (long long)mean);
}

Test(backoff, same_seed_same_delays_and_zero_seed_works)
{
    cs_backoff b = {.base_ms = 1000, .cap_ms = 60000};
    uint64_t r1 = 7, r2 = 7, r0 = 0;
    for (int i = 0; i < 10; i++)
        cr_assert_eq(cs_backoff_delay_ms(&b, i, &r1), cs_backoff_delay_ms(&b, i, &r2));
    cs_backoff_delay_ms(&b, 1, &r0);
    cr_assert_neq(r0, 0, "a zero seed is replaced, not stuck at zero");
}

/* --- Retry-After -------------------------------------------------------------- */

Test(retry_after, delta_seconds)
{
    int64_t d = -1;
    cr_assert_eq(cs_retry_after_parse("120", 0, &d), 0);
    cr_assert_eq(d, 120000);
    cr_assert_eq(cs_retry_after_parse("  7 \r", 0, &d), 0);
    cr_assert_eq(d, 7000);
    cr_assert_eq(cs_retry_after_parse("0", 0, &d), 0);
    cr_assert_eq(d, 0);
}

Test(retry_after, http_dates_in_three_forms)
{
    /* Wed, 21 Oct 2015 07:28:00 GMT = 1445412480 s */
    int64_t when = 1445412480LL * 1000;
    int64_t d = -1;
    cr_assert_eq(cs_retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT", when - 30000, &d), 0);
    cr_assert_eq(d, 30000);
    cr_assert_eq(cs_retry_after_parse("Wednesday, 21-Oct-15 07:28:00 GMT", when - 5000, &d), 0);
    cr_assert_eq(d, 5000);
    cr_assert_eq(cs_retry_after_parse("Wed Oct 21 07:28:00 2015", when - 1000, &d), 0);
    cr_assert_eq(d, 1000);
    cr_assert_eq(cs_retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT", when + 9000, &d), 0);
    cr_assert_eq(d, 0, "a date in the past means no wait");
}

Test(retry_after, malformed_values_are_refused_and_leave_the_output)
{
    const char *bad[] = {"",    "soon",        "5 apples",         "-3",
                         "1.5", "99999999999", "Xyz, 99 Foo 2015", NULL};
    for (int i = 0; bad[i]; i++) {
        int64_t d = 1234;
        cr_assert_eq(cs_retry_after_parse(bad[i], 0, &d), -1, "accepted '%s'", bad[i]);
        cr_assert_eq(d, 1234);
    }
    int64_t d = 1;
    cr_assert_eq(cs_retry_after_parse(NULL, 0, &d), -1);
}

/* --- rate-limit headers and bodies ---------------------------------------------- */

Test(ratelimit, hubspot_headers_fill_the_usage)
{
    cs_http_usage u;
    cs_http_usage_init(&u);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Daily", "250000"), 1);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "x-hubspot-ratelimit-daily-remaining", "249990"), 1);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Secondly", "10"), 1);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Secondly-Remaining", "9"), 1);
    cr_assert_eq(
        cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Interval-Milliseconds", "10000"), 1);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Max", "100"), 1);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Remaining", "0"), 1);
    cr_assert_eq(u.hs_daily_max, 250000);
    cr_assert_eq(u.hs_daily_remaining, 249990);
    cr_assert_eq(u.hs_secondly_max, 10);
    cr_assert_eq(u.hs_secondly_remaining, 9);
    cr_assert_eq(u.hs_interval_ms, 10000);
    cr_assert_eq(u.hs_interval_max, 100);
    cr_assert_eq(u.hs_interval_remaining, 0);
    /* Garbage and unknown headers change nothing. */
    cr_assert_eq(cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Max", "lots"), 0);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Max", "-5"), 0);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Max", "12abc"), 0);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Other", "1"), 0);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "Content-Type", "1"), 0);
    cr_assert_eq(u.hs_interval_max, 100);
    cr_assert_eq(u.sf_api_used, -1);
}

Test(ratelimit, salesforce_limit_info)
{
    int64_t a, b, c, d;
    cr_assert_eq(cs_ratelimit_parse_sforce("api-usage=18/5000", &a, &b, &c, &d), 0);
    cr_assert(a == 18 && b == 5000 && c == -1 && d == -1);
    cr_assert_eq(cs_ratelimit_parse_sforce("api-usage=18/5000; api-bursts=1/750", &a, &b, &c, &d),
                 0);
    cr_assert(a == 18 && b == 5000 && c == 1 && d == 750);
    cr_assert_eq(cs_ratelimit_parse_sforce("api-bursts=1/750;api-usage=3/15000", &a, &b, &c, &d),
                 0);
    cr_assert(a == 3 && b == 15000 && c == 1 && d == 750);
    cr_assert_eq(cs_ratelimit_parse_sforce("api-usage=18", &a, &b, &c, &d), -1);
    cr_assert_eq(cs_ratelimit_parse_sforce("nonsense", &a, &b, &c, &d), -1);
    cr_assert_eq(cs_ratelimit_parse_sforce("", &a, &b, &c, &d), -1);

    cs_http_usage u;
    cs_http_usage_init(&u);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "Sforce-Limit-Info", "api-usage=42/15000"), 1);
    cr_assert_eq(u.sf_api_used, 42);
    cr_assert_eq(u.sf_api_max, 15000);
    cr_assert_eq(cs_ratelimit_apply_header(&u, "sforce-limit-info", "api-usage=x/y"), 0);
    cr_assert_eq(u.sf_api_used, 42);
}

Test(ratelimit, bodies_name_the_policy)
{
    const char *daily = "{\"status\":\"error\",\"message\":\"You have reached your daily limit.\","
                        "\"errorType\":\"RATE_LIMIT\",\"correlationId\":\"c\",\"policyName\":"
                        "\"DAILY\",\"requestId\":\"r\"}";
    const char *burst = "{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_"
                        "rolling limit.\",\"errorType\":\"RATE_LIMIT\",\"policyName\":"
                        "\"TEN_SECONDLY_ROLLING\"}";
    const char *secondly = "{\"status\":\"error\",\"message\":\"You have reached your secondly "
                           "limit.\",\"category\":\"RATE_LIMITS\"}";
    const char *sf = "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":"
                     "\"REQUEST_LIMIT_EXCEEDED\"}]";
    const char *sf_perm = "[{\"message\":\"no\",\"errorCode\":\"INSUFFICIENT_ACCESS\"}]";
    cr_assert_eq(cs_ratelimit_classify(429, daily, strlen(daily)), CS_RATE_HS_DAILY);
    cr_assert_eq(cs_ratelimit_classify(429, burst, strlen(burst)), CS_RATE_HS_TEN_SECONDLY);
    cr_assert_eq(cs_ratelimit_classify(429, secondly, strlen(secondly)), CS_RATE_HS_SECONDLY);
    cr_assert_eq(cs_ratelimit_classify(403, sf, strlen(sf)), CS_RATE_SF_REQUEST_LIMIT);
    cr_assert_eq(cs_ratelimit_classify(403, sf_perm, strlen(sf_perm)), CS_RATE_NONE);
    cr_assert_eq(cs_ratelimit_classify(429, "<html>", 6), CS_RATE_OTHER);
    cr_assert_eq(cs_ratelimit_classify(429, NULL, 0), CS_RATE_OTHER);
    cr_assert_eq(cs_ratelimit_classify(200, daily, strlen(daily)), CS_RATE_NONE);
}

Test(ratelimit, rolling_window_rest)
{
    cs_rate_window w;
    cs_rate_window_init(&w);
    cr_assert_eq(cs_rate_window_rest(&w, 5000, 10000), 0, "no send, no wait");
    cs_rate_window_note(&w, 1000);
    cs_rate_window_note(&w, 3000);
    cs_rate_window_note(&w, 4000);
    cr_assert_eq(cs_rate_window_rest(&w, 5000, 10000), 6000, "oldest at 1000 leaves at 11000");
    cr_assert_eq(cs_rate_window_rest(&w, 12000, 10000), 1000, "1000 left; 3000 leaves at 13000");
    cr_assert_eq(cs_rate_window_rest(&w, 20000, 10000), 0);
    /* Overfilling keeps the newest entries only. */
    for (int i = 0; i < CS_RATE_WINDOW_SLOTS + 10; i++)
        cs_rate_window_note(&w, 100000 + i);
    cr_assert_eq(cs_rate_window_rest(&w, 100000 + CS_RATE_WINDOW_SLOTS + 10, 1000),
                 1000 - CS_RATE_WINDOW_SLOTS, "oldest kept is entry 10");
}

/* --- retry decisions ------------------------------------------------------------ */

static cs_retry_decision decide(cs_net_failure f, long status, bool idem, cs_rate_policy p,
                                int64_t retry_after, int retry)
{
    cs_retry_input in = {.failure = f,
                         .status = status,
                         .idempotent = idem,
                         .policy = p,
                         .retry_after_ms = retry_after,
                         .window_rest_ms = 0,
                         .retry = retry,
                         .max_retries = 3,
                         .max_wait_ms = 60000};
    cs_backoff b = {.base_ms = 100, .cap_ms = 5000};
    uint64_t rng = 99;
    cs_retry_decision d;
    cs_retry_decide(&in, &b, &rng, &d);
    return d;
}

Test(retry_policy, writes_whose_outcome_is_unknown_are_not_retried)
{
    cs_retry_decision d = decide(CS_NET_SENT, 0, false, CS_RATE_NONE, -1, 0);
    cr_assert(!d.retry && d.outcome_unknown && d.category == CS_ERR_NETWORK);
    d = decide(CS_NET_SENT, 0, true, CS_RATE_NONE, -1, 0);
    cr_assert(d.retry && !d.outcome_unknown, "an idempotent request is retried");
    d = decide(CS_NET_NOT_SENT, 0, false, CS_RATE_NONE, -1, 0);
    cr_assert(d.retry, "nothing was sent: safe to retry a create");
    for (long st = 500; st <= 504; st += 2) {
        d = decide(CS_NET_ANSWERED, st == 502 ? 502 : st, false, CS_RATE_NONE, -1, 0);
        cr_assert(!d.retry && d.outcome_unknown && d.category == CS_ERR_REMOTE_FAILED,
                  "%ld on a create", st);
        d = decide(CS_NET_ANSWERED, st, true, CS_RATE_NONE, -1, 0);
        cr_assert(d.retry, "%ld on an idempotent request", st);
    }
    d = decide(CS_NET_ANSWERED, 503, false, CS_RATE_NONE, -1, 0);
    cr_assert(d.retry, "503 is a known 'not applied'");
    d = decide(CS_NET_ANSWERED, 429, false, CS_RATE_OTHER, 2000, 0);
    cr_assert(d.retry && d.delay_ms == 2000, "429 honours Retry-After");
}

Test(retry_policy, final_answers)
{
    cs_retry_decision d = decide(CS_NET_ANSWERED, 429, true, CS_RATE_HS_DAILY, 1, 0);
    cr_assert(!d.retry && d.category == CS_ERR_RATE_LIMIT && !d.outcome_unknown);
    d = decide(CS_NET_ANSWERED, 403, true, CS_RATE_SF_REQUEST_LIMIT, -1, 0);
    cr_assert(!d.retry && d.category == CS_ERR_RATE_LIMIT);
    d = decide(CS_NET_ANSWERED, 403, true, CS_RATE_NONE, -1, 0);
    cr_assert(!d.retry && d.category == CS_ERR_REMOTE_REJECTED);
    d = decide(CS_NET_ANSWERED, 404, true, CS_RATE_NONE, -1, 0);
    cr_assert(!d.retry && d.category == CS_ERR_NOT_FOUND);
    d = decide(CS_NET_ANSWERED, 400, true, CS_RATE_NONE, -1, 0);
    cr_assert(!d.retry && d.category == CS_ERR_REMOTE_REJECTED);
    d = decide(CS_NET_ANSWERED, 401, true, CS_RATE_NONE, -1, 0);
    cr_assert(!d.retry && d.category == CS_ERR_AUTH);
    d = decide(CS_NET_ANSWERED, 201, false, CS_RATE_NONE, -1, 0);
    cr_assert(!d.retry && d.category == CS_ERR_NONE);
    d = decide(CS_NET_LOCAL, 200, true, CS_RATE_NONE, -1, 0);
    cr_assert(!d.retry);
}

Test(retry_policy, budget_and_longest_wait)
{
    cs_retry_decision d = decide(CS_NET_ANSWERED, 503, true, CS_RATE_NONE, -1, 3);
    cr_assert(!d.retry && d.category == CS_ERR_REMOTE_FAILED, "max_retries reached");
    d = decide(CS_NET_ANSWERED, 429, true, CS_RATE_OTHER, 120000, 0);
    cr_assert(!d.retry && d.category == CS_ERR_RATE_LIMIT, "a wait past max_wait ends it");
    d = decide(CS_NET_ANSWERED, 503, true, CS_RATE_NONE, -1, 2);
    cr_assert(d.retry && d.delay_ms >= 0 && d.delay_ms <= 400, "jittered backoff %lld",
              (long long)d.delay_ms);
}

Test(retry_policy, hubspot_windows_are_waited_out)
{
    cs_retry_input in = {.failure = CS_NET_ANSWERED,
                         .status = 429,
                         .idempotent = false,
                         .policy = CS_RATE_HS_TEN_SECONDLY,
                         .retry_after_ms = -1,
                         .window_rest_ms = 7300,
                         .max_retries = 3,
                         .max_wait_ms = 60000};
    cs_backoff b = {.base_ms = 100, .cap_ms = 5000};
    uint64_t rng = 5;
    cs_retry_decision d;
    cs_retry_decide(&in, &b, &rng, &d);
    cr_assert(d.retry && d.delay_ms >= 7300 && d.delay_ms <= 7400, "waited %lld",
              (long long)d.delay_ms);
    in.policy = CS_RATE_HS_SECONDLY;
    in.window_rest_ms = 600;
    in.retry_after_ms = 900;
    cs_retry_decide(&in, &b, &rng, &d);
    cr_assert(d.retry && d.delay_ms >= 900 && d.delay_ms <= 1000, "the longer of the two");
}

/* --- messages, redaction, encoding ----------------------------------------------- */

Test(messages, api_messages_of_both_apis)
{
    char out[256];
    const char *hs = "{\"status\":\"error\",\"message\":\"Contact already exists. Existing ID: 37"
                     "\",\"correlationId\":\"x\",\"category\":\"CONFLICT\"}";
    cr_assert_eq(cs_http_api_message(hs, strlen(hs), out, sizeof out), 1);
    cr_assert_str_eq(out, "Contact already exists. Existing ID: 37 (CONFLICT)");
    const char *sf = "[{\"message\":\"Email: invalid email address: foo\",\"errorCode\":"
                     "\"INVALID_EMAIL_ADDRESS\",\"fields\":[\"Email\"]},{\"message\":\"m2\","
                     "\"errorCode\":\"E2\"}]";
    cr_assert_eq(cs_http_api_message(sf, strlen(sf), out, sizeof out), 1);
    cr_assert_str_eq(out, "INVALID_EMAIL_ADDRESS: Email: invalid email address: foo; E2: m2");
    const char *oauth = "{\"error\":\"invalid_grant\",\"error_description\":\"expired access/"
                        "refresh token\"}";
    cr_assert_eq(cs_http_api_message(oauth, strlen(oauth), out, sizeof out), 1);
    cr_assert_str_eq(out, "invalid_grant: expired access/refresh token");
    cr_assert_eq(cs_http_api_message("<html>", 6, out, sizeof out), 0);
    cr_assert_str_eq(out, "");
    cr_assert_eq(cs_http_api_message("{}", 2, out, sizeof out), 0);
    char tiny[8];
    cr_assert_eq(cs_http_api_message(hs, strlen(hs), tiny, sizeof tiny), 1);
    cr_assert_str_eq(tiny, "Contact", "truncated, still terminated");
}

Test(messages, redaction)
{
    char text[64] = "token abcd1234 and again abcd1234.";
    cs_net_redact(text, sizeof text, "abcd1234");
    cr_assert_str_eq(text, "token [redacted] and again [redacted].");
    char small[20] = "x abcd y";
    cs_net_redact(small, sizeof small, "abcd");
    cr_assert_str_eq(small, "x [redacted] y");
    char tight[12] = "1234567 abc";
    cs_net_redact(tight, sizeof tight, "abc");
    cr_assert_str_eq(tight, "1234567 abc", "secrets under 4 bytes are left alone");
    char cut[16] = "12345678 secret";
    cs_net_redact(cut, sizeof cut, "secret");
    cr_assert(strstr(cut, "secret") == NULL, "never left in when the mask does not fit: %s", cut);
    char line[128];
    cs_net_header_for_log("Authorization", "Bearer pat-na1-xyz", line, sizeof line);
    cr_assert_str_eq(line, "Authorization: Bearer [redacted]");
    cs_net_header_for_log("authorization", "Basic dXNlcjpw", line, sizeof line);
    cr_assert_str_eq(line, "authorization: [redacted]");
    cs_net_header_for_log("Accept", "application/json", line, sizeof line);
    cr_assert_str_eq(line, "Accept: application/json");
}

Test(messages, form_encoding)
{
    cs_buf b;
    cs_buf_init(&b, 1024);
    cs_http_kv kv[] = {{"grant_type", "refresh_token"},
                       {"q", "SELECT Id FROM Lead WHERE Email = 'a+b@c.d'"},
                       {"skip", NULL},
                       {"u", "é&="}};
    cr_assert_eq(cs_http_form_encode(&b, kv, 4), 0);
    cr_assert_str_eq(cs_buf_str(&b), "grant_type=refresh_token&q=SELECT%20Id%20FROM%20Lead%20WHERE"
                                     "%20Email%20%3D%20%27a%2Bb%40c.d%27&u=%C3%A9%26%3D");
    cs_buf_free(&b);
    cs_buf_init(&b, 10);
    cr_assert_eq(cs_http_form_encode(&b, kv, 1), -1, "the buffer bound holds");
    cs_buf_free(&b);
}

Test(oauth, token_answers)
{
    const char *ok = "{\"access_token\":\"00Dxx!AQ\",\"instance_url\":\"https://x.my.salesforce."
                     "com\",\"id\":\"https://login.salesforce.com/id/00D/005\",\"token_type\":"
                     "\"Bearer\",\"issued_at\":\"1700000000000\",\"signature\":\"s\"}";
    char *tok = NULL, *inst = NULL;
    cs_err err;
    cr_assert_eq(cs_oauth_parse_answer(200, ok, strlen(ok), &tok, &inst, &err), 0);
    cr_assert_str_eq(tok, "00Dxx!AQ");
    cr_assert_str_eq(inst, "https://x.my.salesforce.com");
    free(tok);
    free(inst);
    const char *refused = "{\"error\":\"invalid_grant\",\"error_description\":\"expired access/"
                          "refresh token\"}";
    tok = NULL;
    cr_assert_eq(cs_oauth_parse_answer(400, refused, strlen(refused), &tok, &inst, &err), -1);
    cr_assert_eq(err.category, CS_ERR_AUTH);
    cr_assert(strstr(err.message, "expired access/refresh token") != NULL, "%s", err.message);
    cr_assert_null(tok);
    const char *partial = "{\"instance_url\":\"https://x\"}";
    cr_assert_eq(cs_oauth_parse_answer(200, partial, strlen(partial), &tok, &inst, &err), -1);
    cr_assert(strstr(err.message, "access_token") != NULL);
    cr_assert_eq(cs_oauth_parse_answer(200, "nope", 4, &tok, &inst, &err), -1);
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
                         .jitter_seed = 1234};
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
    cr_assert(took >= 150 && took < 650, "the exchange took %lld ms, not about 200",
              (long long)took);
    teardown(&f);
}

Test(client, refused_connection_is_retried_even_for_a_create)
{
    test_server gone;
    ts_step steps[] = {{.status = 200}};
    cr_assert_eq(ts_start(&gone, steps, 1), 0);
    char base[64];
    snprintf(base, sizeof base, "%s", gone.base);
    ts_stop(&gone);
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
    setup(&f, steps, 1, CS_HTTP_NO_RETRY);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/x"), -1);
    cr_assert_eq(f.resp.attempts, 1, "CS_HTTP_NO_RETRY never retries");
    cs_http_client_free(f.client);
    cs_http_options o = {.base_url = f.srv.base,
                         .clock = {fake_wall, fake_mono, fake_sleep, &f.clock}};
    cr_assert_eq(cs_http_client_new(&o, &f.client, &f.err), 0);
    cr_assert_eq(send_req(&f, CS_HTTP_GET, "/x"), -1);
    cr_assert_eq(f.resp.attempts, 1 + CS_HTTP_DEFAULT_MAX_RETRIES,
                 "zero-initialised options retry by default");
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
                          .grant = CS_OAUTH_REFRESH_TOKEN,
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
                          .grant = CS_OAUTH_CLIENT_CREDENTIALS,
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
    oc.grant = CS_OAUTH_CLIENT_CREDENTIALS;
    cr_assert_eq(cs_oauth_new(&oc, &o, &err), -1, "client credentials without a secret");
    cr_assert_null(o);
}
