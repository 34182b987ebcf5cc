/* URLs and form bodies: percent-encoding of query strings and
 * application/x-www-form-urlencoded bodies (the OAuth token endpoint), the
 * join of base URL and path, and the path shown in messages (never the query,
 * which may hold emails or SOQL). */
#include <stdio.h>
#include <string.h>

#include "core/url_redact.h"
#include "net/net_int.h"

static bool unreserved(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

static int encode(cs_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (unreserved(*p)) {
            if (cs_buf_append(b, p, 1) != 0)
                return -1;
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            if (cs_buf_append(b, esc, 3) != 0)
                return -1;
        }
    }
    return 0;
}

int cs_http_form_encode(cs_buf *b, const cs_http_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (kv[i].name == NULL || kv[i].value == NULL)
            continue;
        if (b->len > 0 && cs_buf_append(b, "&", 1) != 0)
            return -1;
        if (encode(b, kv[i].name) != 0 || cs_buf_append(b, "=", 1) != 0 ||
            encode(b, kv[i].value) != 0)
            return -1;
    }
    return 0;
}

static bool is_absolute(const char *path)
{
    return strncmp(path, "http://", 7) == 0 || strncmp(path, "https://", 8) == 0;
}

/* Control characters and spaces would let a path smuggle headers or break
 * the request line. */
static bool clean(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7f)
            return false;
    return true;
}

int net_build_url(const char *base, const cs_http_request *req, cs_buf *url, cs_err *err)
{
    const char *path = req->path;
    if (path == NULL || (!is_absolute(path) && path[0] != '/'))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "request path must start with '/' or be an http(s) URL");
    if (!clean(path))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "request path contains a space or a control character");
    int rc = 0;
    if (!is_absolute(path)) {
        if (base == NULL || base[0] == '\0')
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "relative path without a base URL");
        size_t blen = strlen(base);
        while (blen > 0 && base[blen - 1] == '/')
            blen--;
        rc |= cs_buf_append(url, base, blen);
    }
    rc |= cs_buf_append_str(url, path);
    if (req->nquery > 0) {
        bool has_query = strchr(path, '?') != NULL;
        rc |= cs_buf_append(url, has_query ? "&" : "?", 1);
        cs_buf params;
        cs_buf_init(&params, url->max);
        rc |= cs_http_form_encode(&params, req->query, req->nquery);
        rc |= cs_buf_append(url, cs_buf_str(&params), params.len);
        cs_buf_free(&params);
    }
    if (rc != 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "request URL longer than %zu bytes", url->max);
    return 0;
}

void net_display_path(const char *path, char *out, size_t out_size)
{
    if (out_size == 0)
        return;
    if (path == NULL)
        path = "";
    size_t n = strcspn(path, "?#");
    if (n >= out_size)
        n = out_size - 1;
    char cut[CS_HTTP_MAX_URL];
    if (n >= sizeof cut)
        n = sizeof cut - 1;
    memcpy(cut, path, n);
    cut[n] = '\0';
    /* An absolute URL (a token endpoint) may carry a password. */
    cs_url_redact(cut, out, out_size);
}
