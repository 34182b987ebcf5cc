/* Fuzzes the net module's parsers of what an API sends back: Retry-After
 * values, rate-limit headers (HubSpot X-HubSpot-RateLimit-*, Salesforce
 * Sforce-Limit-Info), 429/403 bodies, error bodies and OAuth token answers.
 * The first byte picks the parser; the rest is its input. Every parser must
 * return cleanly on any input, with NUL-terminated, bounded outputs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

#define MAX_INPUT 65536

static void header(const char *text)
{
    cs_http_usage u;
    cs_http_usage_init(&u);
    const char *colon = strchr(text, ':');
    if (colon == NULL) {
        cs_ratelimit_apply_header(&u, "Sforce-Limit-Info", text);
        cs_ratelimit_apply_header(&u, "X-HubSpot-RateLimit-Remaining", text);
        return;
    }
    char name[128];
    size_t n = (size_t)(colon - text);
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, text, n);
    name[n] = '\0';
    cs_ratelimit_apply_header(&u, name, colon + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT)
        return 0;
    uint8_t which = data[0] % 7;
    char *text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    size_t len = size - 1;
    int64_t d, a, b, c, e;
    char out[96];
    cs_err err;
    char *tok = NULL, *inst = NULL;
    switch (which) {
    case 0:
        cs_retry_after_parse(text, 1700000000000LL, &d);
        break;
    case 1:
        header(text);
        break;
    case 2:
        cs_ratelimit_parse_sforce(text, &a, &b, &c, &e);
        break;
    case 3:
        cs_ratelimit_classify(429, (const char *)data + 1, len);
        cs_ratelimit_classify(403, (const char *)data + 1, len);
        break;
    case 4:
        cs_http_api_message((const char *)data + 1, len, out, sizeof out);
        if (strlen(out) >= sizeof out)
            abort();
        break;
    case 5:
        if (cs_oauth_parse_answer(200, (const char *)data + 1, len, &tok, &inst, &err) == 0) {
            free(tok);
            free(inst);
        }
        cs_oauth_parse_answer(400, (const char *)data + 1, len, &tok, &inst, &err);
        break;
    default: {
        char buf[64];
        size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
        memcpy(buf, text, n);
        buf[n] = '\0';
        cs_net_redact(buf, sizeof buf, "secret-token");
        if (strstr(buf, "secret-token") != NULL)
            abort();
        break;
    }
    }
    free(text);
    return 0;
}
