/* Keeping secrets out of text: tokens are masked in error messages the client
 * builds (an API may echo what it was sent) and in debug logs of request
 * headers. The logger masks registered secrets as well (cs_log_add_secret);
 * this is the second, local line of defence. */
#include <string.h>
#include <strings.h>
#include <stdio.h>

#include "net/net.h"

#define MASK "[redacted]"

void cs_net_redact(char *text, size_t size, const char *secret)
{
    if (text == NULL || secret == NULL || size == 0)
        return;
    size_t slen = strlen(secret);
    if (slen < 4)
        return;
    const size_t mlen = sizeof MASK - 1;
    char *from = text;
    char *hit;
    while ((hit = strstr(from, secret)) != NULL) {
        size_t head = (size_t)(hit - text);
        size_t tail = strlen(hit + slen);
        /* Keep the result inside size bytes, dropping the end if needed. */
        if (head + mlen >= size) {
            /* Not even the mask fits: cut the text at the secret. */
            *hit = '\0';
            return;
        }
        if (head + mlen + tail + 1 > size)
            tail = size - head - mlen - 1;
        memmove(hit + mlen, hit + slen, tail);
        hit[mlen + tail] = '\0';
        memcpy(hit, MASK, mlen);
        from = hit + mlen;
    }
}

static bool is_secret_header(const char *name)
{
    return strcasecmp(name, "Authorization") == 0 || strcasecmp(name, "Proxy-Authorization") == 0 ||
           strcasecmp(name, "Cookie") == 0 || strcasecmp(name, "Set-Cookie") == 0;
}

void cs_net_header_for_log(const char *name, const char *value, char *out, size_t out_size)
{
    if (out_size == 0)
        return;
    const char *shown = is_secret_header(name) ? MASK : value;
    /* Keep the scheme ("Bearer") visible: it helps debugging and is no secret. */
    if (is_secret_header(name) && strncasecmp(value, "Bearer ", 7) == 0)
        shown = "Bearer " MASK;
    int n = snprintf(out, out_size, "%s: %s", name, shown);
    if (n < 0)
        out[0] = '\0';
}
