/* Rate limits and API usage, as pure functions (R6).
 *
 * HubSpot reports its limits in response headers (X-HubSpot-RateLimit-Daily,
 * -Daily-Remaining, -Secondly, -Secondly-Remaining, and the rolling window's
 * -Interval-Milliseconds, -Max, -Remaining) and names the limit that was hit in
 * the 429 body (policyName DAILY or TEN_SECONDLY_ROLLING, or the search
 * endpoints' message "You have reached your secondly limit."). Salesforce
 * reports the org's daily allocation in every answer as
 * "Sforce-Limit-Info: api-usage=18/5000; api-bursts=1/750" and refuses with
 * 403 REQUEST_LIMIT_EXCEEDED once it is spent.
 *
 * cs_rate_window remembers when this client sent its recent requests, so a
 * rolling-window 429 waits only until the oldest of them leaves the window. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "net/net.h"

#define MAX_LIMIT_VALUE 1000000000000LL

void cs_http_usage_init(cs_http_usage *u)
{
    u->requests = 0;
    u->retries = 0;
    u->hs_daily_max = -1;
    u->hs_daily_remaining = -1;
    u->hs_secondly_max = -1;
    u->hs_secondly_remaining = -1;
    u->hs_interval_ms = -1;
    u->hs_interval_max = -1;
    u->hs_interval_remaining = -1;
    u->sf_api_used = -1;
    u->sf_api_max = -1;
    u->sf_bursts_used = -1;
    u->sf_bursts_max = -1;
}

/* A non-negative decimal, surrounded by optional blanks, at most 10^12. */
static int parse_count(const char *s, const char **end, int64_t *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (!isdigit((unsigned char)*s))
        return -1;
    int64_t v = 0;
    while (isdigit((unsigned char)*s)) {
        v = v * 10 + (*s - '0');
        if (v > MAX_LIMIT_VALUE)
            return -1;
        s++;
    }
    *out = v;
    if (end)
        *end = s;
    return 0;
}

static int parse_whole(const char *s, int64_t *out)
{
    const char *end;
    int64_t v;
    if (parse_count(s, &end, &v) != 0)
        return -1;
    while (*end == ' ' || *end == '\t' || *end == '\r')
        end++;
    if (*end != '\0')
        return -1;
    *out = v;
    return 0;
}

int cs_ratelimit_parse_sforce(const char *value, int64_t *api_used, int64_t *api_max,
                              int64_t *bursts_used, int64_t *bursts_max)
{
    int64_t used = -1, max = -1, bused = -1, bmax = -1;
    const char *p = value;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ';' || *p == ',')
            p++;
        const char *eq = strchr(p, '=');
        if (eq == NULL)
            break;
        size_t klen = (size_t)(eq - p);
        int64_t a, b;
        const char *q;
        if (parse_count(eq + 1, &q, &a) == 0 && *q == '/' && parse_count(q + 1, &q, &b) == 0) {
            if (klen == 9 && strncasecmp(p, "api-usage", 9) == 0) {
                used = a;
                max = b;
            } else if (klen == 10 && strncasecmp(p, "api-bursts", 10) == 0) {
                bused = a;
                bmax = b;
            }
            p = q;
        } else {
            p = eq + 1;
        }
        p = strpbrk(p, ";,");
    }
    *api_used = used;
    *api_max = max;
    *bursts_used = bused;
    *bursts_max = bmax;
    return used >= 0 ? 0 : -1;
}

int cs_ratelimit_apply_header(cs_http_usage *u, const char *name, const char *value)
{
    static const char hs[] = "x-hubspot-ratelimit-";
    if (strcasecmp(name, "sforce-limit-info") == 0) {
        int64_t a, b, c, d;
        if (cs_ratelimit_parse_sforce(value, &a, &b, &c, &d) != 0)
            return 0;
        u->sf_api_used = a;
        u->sf_api_max = b;
        if (c >= 0) {
            u->sf_bursts_used = c;
            u->sf_bursts_max = d;
        }
        return 1;
    }
    if (strncasecmp(name, hs, sizeof hs - 1) != 0)
        return 0;
    const char *k = name + sizeof hs - 1;
    int64_t *slot = NULL;
    if (strcasecmp(k, "daily") == 0)
        slot = &u->hs_daily_max;
    else if (strcasecmp(k, "daily-remaining") == 0)
        slot = &u->hs_daily_remaining;
    else if (strcasecmp(k, "secondly") == 0)
        slot = &u->hs_secondly_max;
    else if (strcasecmp(k, "secondly-remaining") == 0)
        slot = &u->hs_secondly_remaining;
    else if (strcasecmp(k, "interval-milliseconds") == 0)
        slot = &u->hs_interval_ms;
    else if (strcasecmp(k, "max") == 0)
        slot = &u->hs_interval_max;
    else if (strcasecmp(k, "remaining") == 0)
        slot = &u->hs_interval_remaining;
    int64_t v;
    if (slot == NULL || parse_whole(value, &v) != 0)
        return 0;
    *slot = v;
    return 1;
}

void cs_http_usage_merge(cs_http_usage *dst, const cs_http_usage *src)
{
#define MERGE(f)                                                                                   \
    do {                                                                                           \
        if (src->f >= 0)                                                                           \
            dst->f = src->f;                                                                       \
    } while (0)
    MERGE(hs_daily_max);
    MERGE(hs_daily_remaining);
    MERGE(hs_secondly_max);
    MERGE(hs_secondly_remaining);
    MERGE(hs_interval_ms);
    MERGE(hs_interval_max);
    MERGE(hs_interval_remaining);
    MERGE(sf_api_used);
    MERGE(sf_api_max);
    MERGE(sf_bursts_used);
    MERGE(sf_bursts_max);
#undef MERGE
}

static bool json_str_eq(json_t *obj, const char *key, const char *want)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL && strcmp(s, want) == 0;
}

static cs_rate_policy classify_hubspot(json_t *j)
{
    if (!json_is_object(j))
        return CS_RATE_OTHER;
    const char *policy = json_string_value(json_object_get(j, "policyName"));
    if (policy && strcmp(policy, "DAILY") == 0)
        return CS_RATE_HS_DAILY;
    if (policy && strcmp(policy, "TEN_SECONDLY_ROLLING") == 0)
        return CS_RATE_HS_TEN_SECONDLY;
    if (json_str_eq(j, "message", "You have reached your secondly limit."))
        return CS_RATE_HS_SECONDLY;
    const char *msg = json_string_value(json_object_get(j, "message"));
    if (policy == NULL && msg && strstr(msg, "daily limit") != NULL)
        return CS_RATE_HS_DAILY;
    return CS_RATE_OTHER;
}

static bool sf_has_code(json_t *j, const char *code)
{
    if (!json_is_array(j))
        return false;
    size_t i;
    json_t *e;
    json_array_foreach(j, i, e)
    {
        if (json_str_eq(e, "errorCode", code))
            return true;
    }
    return false;
}

cs_rate_policy cs_ratelimit_classify(long status, const char *body, size_t len)
{
    if (status != 429 && status != 403)
        return CS_RATE_NONE;
    json_t *j = NULL;
    if (body != NULL && len > 0)
        j = json_loadb(body, len, 0, NULL);
    cs_rate_policy p = CS_RATE_NONE;
    if (status == 429)
        p = classify_hubspot(j);
    else if (sf_has_code(j, "REQUEST_LIMIT_EXCEEDED"))
        p = CS_RATE_SF_REQUEST_LIMIT;
    json_decref(j);
    return p;
}

const char *cs_rate_policy_name(cs_rate_policy p)
{
    switch (p) {
    case CS_RATE_NONE:
        return "none";
    case CS_RATE_OTHER:
        return "rate limit";
    case CS_RATE_HS_TEN_SECONDLY:
        return "HubSpot ten-secondly limit";
    case CS_RATE_HS_SECONDLY:
        return "HubSpot secondly limit";
    case CS_RATE_HS_DAILY:
        return "HubSpot daily limit";
    case CS_RATE_SF_REQUEST_LIMIT:
        return "Salesforce daily API request limit";
    }
    return "unknown";
}

void cs_rate_window_init(cs_rate_window *w)
{
    memset(w, 0, sizeof *w);
}

void cs_rate_window_note(cs_rate_window *w, int64_t mono_ms)
{
    w->sent_ms[w->head] = mono_ms;
    w->head = (w->head + 1) % CS_RATE_WINDOW_SLOTS;
    if (w->count < CS_RATE_WINDOW_SLOTS)
        w->count++;
}

int64_t cs_rate_window_rest(const cs_rate_window *w, int64_t now_mono_ms, int64_t window_ms)
{
    if (window_ms <= 0)
        return 0;
    int64_t oldest = INT64_MAX;
    for (size_t i = 0; i < w->count; i++) {
        int64_t t = w->sent_ms[i];
        if (t > now_mono_ms - window_ms && t <= now_mono_ms && t < oldest)
            oldest = t;
    }
    if (oldest == INT64_MAX)
        return 0;
    return oldest + window_ms - now_mono_ms;
}

int64_t cs_rate_window_room(const cs_rate_window *w, int64_t now_mono_ms, int64_t window_ms,
                            int max)
{
    if (window_ms <= 0 || max <= 0 || max > CS_RATE_WINDOW_SLOTS || w->count < (size_t)max)
        return 0;
    /* The max-th most recent send: once it leaves the window, max - 1 are
     * left in it and one more fits. */
    size_t nth = (w->head + CS_RATE_WINDOW_SLOTS - (size_t)max) % CS_RATE_WINDOW_SLOTS;
    int64_t t = w->sent_ms[nth];
    if (t <= now_mono_ms - window_ms)
        return 0;
    return t + window_ms - now_mono_ms;
}
