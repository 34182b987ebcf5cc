/* Tests of the net module's pure pieces: backoff and full jitter, Retry-After,
 * HubSpot and Salesforce rate-limit headers and 429/403 bodies (R6), the retry
 * decision table (writes of unknown outcome are never retried), API error
 * messages, redaction, form encoding and OAuth token answers. The client
 * itself is tested against a peer in test_net_client.c. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

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

Test(backoff, equal_jitter_stays_within_half_and_the_ceiling)
{
    cs_backoff b = {.base_ms = 100, .cap_ms = 10000};
    uint64_t rng = 42;
    int64_t lo = INT64_MAX, hi = -1, sum = 0;
    for (int i = 0; i < 2000; i++) {
        int64_t d = cs_backoff_delay_ms(&b, 3, &rng);
        cr_assert(d >= 400 && d <= 800, "delay %lld outside [400, 800]", (long long)d);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
        sum += d;
    }
    cr_assert_lt(lo, 450, "draws reach near half the ceiling");
    cr_assert_gt(hi, 750, "draws reach near the ceiling");
    int64_t mean = sum / 2000;
    cr_assert(mean > 560 && mean < 640, "mean %lld is not about 3/4 of the ceiling",
              (long long)mean);
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

Test(retry_after, dates_too_far_ahead_are_refused_without_overflow)
{
    /* Found by fuzz_net_parse: a year this large overflowed seconds → ms. */
    int64_t d = 77;
    cr_assert_eq(cs_retry_after_parse("Wed, 21 Oct 2000000 07:28:00 GMT", 0, &d), -1);
    cr_assert_eq(d, 77);
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
    const char *multiline = "{\"message\":\"line one\\nline two\"}";
    cr_assert_eq(cs_http_api_message(multiline, strlen(multiline), out, sizeof out), 1);
    cr_assert_str_eq(out, "line one line two", "one line for the logs");
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
