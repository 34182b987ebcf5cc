/* The password inside a URL, masked before the URL is shown. The authority
 * ends at the first '/', '?' or '#' after "scheme://"; its userinfo is what
 * comes before the last '@' in it (a password may itself hold an '@' when the
 * user did not percent-encode it), and the password is what follows the first
 * ':' of the userinfo. */
#include "core/url_redact.h"

#include <stdio.h>
#include <string.h>

#define MASK "***"

const char *cs_url_redact(const char *url, char *out, size_t size)
{
    if (size == 0)
        return out;
    out[0] = '\0';
    if (url == NULL)
        return out;
    const char *scheme_end = strstr(url, "://");
    const char *auth = scheme_end ? scheme_end + 3 : NULL;
    const char *at = NULL;
    const char *colon = NULL;
    if (auth != NULL) {
        size_t alen = strcspn(auth, "/?#");
        for (size_t i = alen; i > 0; i--)
            if (auth[i - 1] == '@') {
                at = auth + i - 1;
                break;
            }
        if (at != NULL)
            colon = memchr(auth, ':', (size_t)(at - auth));
    }
    int n;
    if (colon == NULL)
        n = snprintf(out, size, "%s", url);
    else
        n = snprintf(out, size, "%.*s" MASK "%s", (int)(colon + 1 - url), url, at);
    if (n < 0)
        out[0] = '\0';
    return out;
}
