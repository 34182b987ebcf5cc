/* One HTTP exchange on the client's libcurl easy handle: set the options,
 * perform, and sort the outcome into "answered", "nothing sent" (safe to
 * retry), "sent but no answer" (outcome unknown for a write) or "local limit".
 *
 * The handle is reset before each exchange (curl_easy_reset keeps the
 * connection cache, so keep-alive survives) and every option is set again:
 * no option can leak from one request into the next. Bounds: the body stops
 * at max_response, header lines at CS_HTTP_MAX_HEADERS x CS_HTTP_MAX_HEADER_LINE,
 * redirects are not followed, only http and https are spoken. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "net/net_int.h"

typedef struct sink {
    cs_http_response *resp;
    int header_lines;
    bool too_large;
    bool header_overflow;
} sink;

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    sink *s = ud;
    size_t n = size * nmemb;
    if (cs_buf_append(&s->resp->body, data, n) != 0) {
        s->too_large = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return n;
}

static void copy_field(char *dst, size_t size, const char *value, size_t len)
{
    if (len >= size)
        len = size - 1;
    memcpy(dst, value, len);
    dst[len] = '\0';
}

/* A new status line starts a new header block (after "100 Continue", or a
 * proxy's CONNECT answer): forget what the previous block said. */
static void forget_headers(cs_http_response *r)
{
    r->content_type[0] = '\0';
    r->retry_after[0] = '\0';
    r->sforce_locator[0] = '\0';
    r->correlation_id[0] = '\0';
    cs_http_usage_init(&r->rate);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    sink *s = ud;
    size_t n = size * nmemb;
    if (++s->header_lines > CS_HTTP_MAX_HEADERS || n > CS_HTTP_MAX_HEADER_LINE) {
        s->header_overflow = true;
        return 0;
    }
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        forget_headers(s->resp);
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (colon == NULL)
        return n;
    char name[128];
    size_t nlen = (size_t)(colon - data);
    if (nlen == 0 || nlen >= sizeof name)
        return n;
    memcpy(name, data, nlen);
    name[nlen] = '\0';
    const char *v = colon + 1;
    size_t vlen = n - nlen - 1;
    while (vlen > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        vlen--;
    }
    while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
        vlen--;
    cs_http_response *r = s->resp;
    if (strcasecmp(name, "Content-Type") == 0)
        copy_field(r->content_type, sizeof r->content_type, v, vlen);
    else if (strcasecmp(name, "Retry-After") == 0)
        copy_field(r->retry_after, sizeof r->retry_after, v, vlen);
    else if (strcasecmp(name, "Sforce-Locator") == 0)
        copy_field(r->sforce_locator, sizeof r->sforce_locator, v, vlen);
    else if (strcasecmp(name, "X-HubSpot-Correlation-Id") == 0)
        copy_field(r->correlation_id, sizeof r->correlation_id, v, vlen);
    else if (vlen < 256) {
        char value[256];
        copy_field(value, sizeof value, v, vlen);
        cs_ratelimit_apply_header(&r->rate, name, value);
    }
    return n;
}

/* libcurl calls this during a transfer, at least about once a second even
 * while the peer is silent: a raised stop flag abandons the exchange. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return net_stopped(ud) ? 1 : 0;
}

/* Whether a libcurl failure happened before any byte of the request could
 * reach the peer. */
static bool before_sending(CURLcode code)
{
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return true;
    default:
        return false;
    }
}

/* Failures that another attempt cannot fix. */
static bool is_local(CURLcode code)
{
    switch (code) {
    case CURLE_OUT_OF_MEMORY:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_NOT_BUILT_IN:
        return true;
    default:
        return false;
    }
}

/* "host:port" of url (at most size - 1 bytes), or "" when it cannot be told. */
static void url_host(const char *url, char *out, size_t size)
{
    out[0] = '\0';
    const char *p = strstr(url, "://");
    if (p == NULL)
        return;
    p += 3;
    size_t len = strcspn(p, "/?#");
    /* Never the userinfo: it may hold a password. */
    for (size_t i = len; i > 0; i--)
        if (p[i - 1] == '@') {
            p += i;
            len -= i;
            break;
        }
    if (len >= size)
        len = size - 1;
    memcpy(out, p, len);
    out[len] = '\0';
}

/* Says which API refused to be trusted, where, and which setting fixes it. */
static int tls_detail(const cs_http_client *c, const char *url, CURLcode rc, const char *why,
                      char *out, size_t size)
{
    char host[256];
    url_host(url, host, sizeof host);
    const char *api = c->api_label ? c->api_label : "the server";
    const char *setting = c->ca_setting ? c->ca_setting : "ca_file";
    if (rc == CURLE_SSL_CACERT_BADFILE)
        return snprintf(out, size, "%s at %s: cannot use the CA file %s (%s): %s", api, host,
                        c->ca_file ? c->ca_file : "(none)", setting, why);
    if (c->ca_file != NULL)
        return snprintf(out, size,
                        "%s at %s: the server's TLS certificate is not signed by the CA in %s "
                        "(%s): %s",
                        api, host, c->ca_file, setting, why);
    return snprintf(out, size,
                    "%s at %s: the server's TLS certificate is not trusted by the system's CA "
                    "store: %s; set %s to the PEM file of the CA that signed it",
                    api, host, why, setting);
}

static CURLcode set_method(CURL *h, cs_http_method method, const char *body, size_t body_len)
{
    CURLcode rc = CURLE_OK;
    if (method == CS_HTTP_GET && body == NULL)
        return curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    if (method != CS_HTTP_POST)
        rc = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, cs_http_method_name(method));
    if (rc == CURLE_OK && (body != NULL || method == CS_HTTP_POST)) {
        rc = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
        if (rc == CURLE_OK)
            rc = curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
    }
    return rc;
}

static CURLcode configure(cs_http_client *c, const net_exchange_spec *spec, sink *s)
{
    CURL *h = c->curl;
    CURLcode rc = CURLE_OK;
    long connect_ms =
        c->connect_timeout_ms < spec->timeout_ms ? c->connect_timeout_ms : spec->timeout_ms;
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (rc == CURLE_OK)                                                                        \
            rc = curl_easy_setopt(h, opt, val);                                                    \
    } while (0)
    SET(CURLOPT_URL, spec->url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_USERAGENT, c->user_agent);
    SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    SET(CURLOPT_TIMEOUT_MS, spec->timeout_ms);
    SET(CURLOPT_HTTPHEADER, spec->headers);
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_response);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, s);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, s);
    SET(CURLOPT_ERRORBUFFER, c->curl_error);
    SET(CURLOPT_TCP_KEEPALIVE, 1L);
    if (c->stop != NULL) {
        SET(CURLOPT_XFERINFOFUNCTION, on_progress);
        SET(CURLOPT_XFERINFODATA, c);
        SET(CURLOPT_NOPROGRESS, 0L);
    }
    /* Peer and host verification stay at libcurl's defaults (on); only the
     * set of trusted CAs can change. */
    if (c->ca_file != NULL)
        SET(CURLOPT_CAINFO, c->ca_file);
    /* A write that must not be replayed gets a connection of its own: libcurl
     * silently re-sends a request when a reused connection turns out dead,
     * which for a create could mean a duplicate. */
    SET(CURLOPT_FRESH_CONNECT, spec->fresh_connection ? 1L : 0L);
#undef SET
    if (rc == CURLE_OK)
        rc = set_method(h, spec->method, spec->body, spec->body_len);
    return rc;
}

void net_exchange_run(cs_http_client *c, const net_exchange_spec *spec, cs_http_response *resp,
                      net_exchange *x)
{
    memset(x, 0, sizeof *x);
    resp->status = 0;
    cs_buf_reset(&resp->body);
    resp->body.max = c->max_response;
    forget_headers(resp);
    resp->policy = CS_RATE_NONE;

    sink s = {.resp = resp};
    curl_easy_reset(c->curl);
    c->curl_error[0] = '\0';
    CURLcode rc = configure(c, spec, &s);
    if (rc == CURLE_OK)
        rc = curl_easy_perform(c->curl);

    long status = 0;
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    long request_size = 0;
    curl_easy_getinfo(c->curl, CURLINFO_REQUEST_SIZE, &request_size);
    x->sent = request_size > 0 || status > 0;
    x->too_large = s.too_large || rc == CURLE_FILESIZE_EXCEEDED;
    x->header_overflow = s.header_overflow;

    const char *why = c->curl_error[0] ? c->curl_error : curl_easy_strerror(rc);
    if (rc == CURLE_OK) {
        x->failure = CS_NET_ANSWERED;
        resp->status = status;
        return;
    }
    resp->status = status;
    int n;
    if (x->too_large) {
        x->failure = CS_NET_LOCAL;
        n = snprintf(x->detail, sizeof x->detail, "answer body larger than the limit of %zu bytes",
                     c->max_response);
    } else if (x->header_overflow) {
        x->failure = CS_NET_LOCAL;
        n = snprintf(x->detail, sizeof x->detail,
                     "answer headers exceed %d lines or %d bytes per line", CS_HTTP_MAX_HEADERS,
                     CS_HTTP_MAX_HEADER_LINE);
    } else if (rc == CURLE_ABORTED_BY_CALLBACK) {
        x->stopped = true;
        x->failure = x->sent ? CS_NET_SENT : CS_NET_NOT_SENT;
        n = snprintf(x->detail, sizeof x->detail, "stopped on signal");
    } else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
        x->failure = CS_NET_LOCAL;
        x->tls_untrusted = true;
        n = tls_detail(c, spec->url, rc, why, x->detail, sizeof x->detail);
    } else {
        if (is_local(rc))
            x->failure = CS_NET_LOCAL;
        else if (before_sending(rc) || !x->sent)
            x->failure = CS_NET_NOT_SENT;
        else
            x->failure = CS_NET_SENT;
        n = snprintf(x->detail, sizeof x->detail, "%s", why);
    }
    if (n < 0)
        x->detail[0] = '\0';
}
