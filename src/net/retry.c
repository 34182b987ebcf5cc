/* The retry policy as pure functions: exponential backoff with equal jitter,
 * Retry-After parsing, and the decision taken after each exchange. The client
 * loop (http_client.c) only executes what cs_retry_decide returns, so every
 * rule below is unit-tested without a server.
 *
 * The rules (R6 for the rate limits):
 *   - nothing was sent (connect refused, DNS): always safe to retry;
 *   - sent but no answer (reset, timeout): retried only when idempotent, else
 *     the outcome is unknown and the caller reconciles before any retry;
 *   - 429: HubSpot DAILY is final (rate_limit); TEN_SECONDLY_ROLLING and the
 *     secondly message wait out their window; others honour Retry-After;
 *   - 403 REQUEST_LIMIT_EXCEEDED (Salesforce daily allocation) is final;
 *   - 503 is a known "not applied" and retried; 500/502/504 only when the
 *     request is idempotent (for a write they leave the outcome unknown);
 *   - a requested wait longer than max_wait_ms ends the request. */
#include <ctype.h>
#include <stdint.h>
#include <curl/curl.h>
#include <limits.h>
#include <string.h>

#include "net/net.h"

#define SEED_WHEN_ZERO    0x9E3779B97F4A7C15ull
#define MAX_RETRY_AFTER_S 86400 /* a day; beyond that the value is nonsense */

uint64_t cs_net_rand(uint64_t *rng)
{
    uint64_t x = *rng ? *rng : SEED_WHEN_ZERO;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *rng = x;
    return x * 0x2545F4914F6CDD1Dull;
}

int64_t cs_backoff_ceiling_ms(const cs_backoff *b, int retry)
{
    int64_t base = b->base_ms > 0 ? b->base_ms : 1;
    int64_t cap = b->cap_ms > 0 ? b->cap_ms : base;
    if (retry < 0)
        retry = 0;
    int64_t d = base;
    for (int i = 0; i < retry && d < cap; i++)
        d = d > INT64_MAX / 2 ? INT64_MAX : d * 2;
    return d < cap ? d : cap;
}

int64_t cs_backoff_delay_ms(const cs_backoff *b, int retry, uint64_t *rng)
{
    /* Equal jitter: half the ceiling is always waited, so a retry never comes
     * at once (a full-jitter draw of 0 would spin on a refusing peer); the
     * other half is random, so clients still spread out. */
    int64_t ceiling = cs_backoff_ceiling_ms(b, retry);
    int64_t half = ceiling / 2;
    return half + (int64_t)(cs_net_rand(rng) % ((uint64_t)(ceiling - half) + 1));
}

static bool all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

int cs_retry_after_parse(const char *value, int64_t now_wall_ms, int64_t *delay_ms)
{
    if (value == NULL)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    size_t n = strlen(value);
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\r'))
        n--;
    if (n == 0 || n > 63)
        return -1;
    if (all_digits(value, n)) {
        int64_t secs = 0;
        for (size_t i = 0; i < n; i++) {
            secs = secs * 10 + (value[i] - '0');
            if (secs > MAX_RETRY_AFTER_S)
                return -1;
        }
        *delay_ms = secs * 1000;
        return 0;
    }
    /* An HTTP date must name a weekday first: that keeps curl's lenient date
     * parser from accepting things like "5 apples". */
    if (!isalpha((unsigned char)value[0]))
        return -1;
    char copy[64];
    memcpy(copy, value, n);
    copy[n] = '\0';
    time_t when = curl_getdate(copy, NULL);
    /* Dates far in the future would overflow the millisecond product. */
    if (when == (time_t)-1 || (int64_t)when > INT64_MAX / 2000 || (int64_t)when < 0)
        return -1;
    int64_t ms = (int64_t)when * 1000 - now_wall_ms;
    if (ms > (int64_t)MAX_RETRY_AFTER_S * 1000)
        return -1;
    *delay_ms = ms > 0 ? ms : 0;
    return 0;
}

static cs_err_category status_category(long status)
{
    if (status >= 200 && status < 300)
        return CS_ERR_NONE;
    if (status == 401)
        return CS_ERR_AUTH;
    if (status == 404)
        return CS_ERR_NOT_FOUND;
    if (status == 429)
        return CS_ERR_RATE_LIMIT;
    if (status >= 500)
        return CS_ERR_REMOTE_FAILED;
    return CS_ERR_REMOTE_REJECTED;
}

static void stop(cs_retry_decision *out, cs_err_category category, bool unknown)
{
    out->retry = false;
    out->delay_ms = 0;
    out->category = category;
    out->outcome_unknown = unknown;
}

/* Schedules a retry after `wait` (already including any server-requested
 * wait), unless the budget of retries or the longest wait says otherwise. */
static void retry_after(const cs_retry_input *in, int64_t wait, cs_err_category on_stop,
                        cs_retry_decision *out)
{
    if (in->retry >= in->max_retries || wait > in->max_wait_ms) {
        stop(out, on_stop, false);
        return;
    }
    out->retry = true;
    out->delay_ms = wait;
    out->category = on_stop;
    out->outcome_unknown = false;
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

void cs_retry_decide(const cs_retry_input *in, const cs_backoff *b, uint64_t *rng,
                     cs_retry_decision *out)
{
    int64_t jitter = cs_backoff_delay_ms(b, in->retry, rng);
    int64_t server_wait = in->retry_after_ms >= 0 ? in->retry_after_ms : -1;

    switch (in->failure) {
    case CS_NET_LOCAL:
        stop(out, CS_ERR_INVALID_INPUT, false);
        return;
    case CS_NET_NOT_SENT:
        retry_after(in, jitter, CS_ERR_NETWORK, out);
        return;
    case CS_NET_SENT:
        if (!in->idempotent) {
            stop(out, CS_ERR_NETWORK, true);
            return;
        }
        retry_after(in, jitter, CS_ERR_NETWORK, out);
        return;
    case CS_NET_ANSWERED:
        break;
    }

    long st = in->status;
    if (st >= 200 && st < 300) {
        stop(out, CS_ERR_NONE, false);
        return;
    }
    if (in->policy == CS_RATE_HS_DAILY || in->policy == CS_RATE_SF_REQUEST_LIMIT) {
        stop(out, CS_ERR_RATE_LIMIT, false); /* R6: the engine pauses */
        return;
    }
    if (st == 429) {
        int64_t wait;
        if (in->policy == CS_RATE_HS_TEN_SECONDLY || in->policy == CS_RATE_HS_SECONDLY) {
            /* Wait out the window, plus a little jitter so that clients
             * sharing the account do not all come back at the same instant. */
            int64_t small = cs_backoff_delay_ms(b, 0, rng);
            wait = max64(server_wait, in->window_rest_ms) + small;
        } else {
            wait = server_wait >= 0 ? server_wait : jitter;
        }
        retry_after(in, wait, CS_ERR_RATE_LIMIT, out);
        return;
    }
    if (st == 503) {
        retry_after(in, server_wait >= 0 ? server_wait : jitter, CS_ERR_REMOTE_FAILED, out);
        return;
    }
    if (st == 500 || st == 502 || st == 504) {
        if (!in->idempotent) {
            stop(out, CS_ERR_REMOTE_FAILED, true);
            return;
        }
        retry_after(in, server_wait >= 0 ? max64(server_wait, jitter) : jitter,
                    CS_ERR_REMOTE_FAILED, out);
        return;
    }
    stop(out, status_category(st), st >= 500 && !in->idempotent);
}
