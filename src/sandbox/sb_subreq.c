/* Subrequests of composite resources: URL decoding into a path and query
 * arguments, route lookup and the handler call (see sb_subreq.h). */
#include "sandbox/sb_subreq.h"

#include <stdlib.h>
#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX escapes (and '+' as a space when plus is true) in place; a
 * malformed escape stays as written, as libmicrohttpd leaves it. */
static void unescape(char *s, bool plus)
{
    char *out = s;
    for (const char *p = s; *p; p++) {
        int hi = p[0] == '%' ? hex_value(p[1]) : -1;
        int lo = hi >= 0 ? hex_value(p[2]) : -1;
        if (lo >= 0) {
            unsigned char byte = (unsigned char)(hi * 16 + lo);
            memcpy(out++, &byte, 1); /* the byte as is, whatever char's signedness */
            p += 2;
        } else if (plus && *p == '+') {
            *out++ = ' ';
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
}

/* Splits "a=1&b=2" in place into s->args. */
static int split_args(sb_subreq *s, cs_err *err)
{
    char *save = NULL;
    for (char *tok = strtok_r(s->query, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
        if (s->req.nsub_args == SB_SUB_MAX_ARGS)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "more than %d query arguments",
                              SB_SUB_MAX_ARGS);
        char *eq = strchr(tok, '=');
        char *value = "";
        if (eq) {
            *eq = '\0';
            value = eq + 1;
            unescape(value, true);
        }
        unescape(tok, true);
        s->args[s->req.nsub_args].name = tok;
        s->args[s->req.nsub_args].value = value;
        s->req.nsub_args++;
    }
    return 0;
}

int sb_subreq_init(sb_subreq *s, sb_api_id api, const sb_route *routes, const char *method,
                   const char *url, const char *body, size_t body_len, const sb_pair *headers,
                   int nheaders, cs_err *err)
{
    memset(s, 0, sizeof *s);
    const char *q = strchr(url, '?');
    size_t path_len = q ? (size_t)(q - url) : strlen(url);
    s->path = strndup(url, path_len);
    s->query = strdup(q ? q + 1 : "");
    if (s->path == NULL || s->query == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    unescape(s->path, false);
    s->req.api = api;
    s->req.method = method;
    s->req.path = s->path;
    s->req.body = body;
    s->req.body_len = body_len;
    s->req.sub_args = s->args;
    s->req.sub_headers = headers;
    s->req.nsub_headers = nheaders;
    if (split_args(s, err) != 0)
        return -1;
    s->route = sb_route_lookup(routes, &s->req, &s->scratch);
    return 0;
}

void sb_subreq_run(sb_ctx *ctx, const sb_api_ops *ops, sb_subreq *s, sb_response *res)
{
    if (s->route)
        s->route->handler(ctx, &s->req, res);
    else
        ops->not_found(ctx, &s->req, res);
}

void sb_subreq_dispose(sb_subreq *s)
{
    sb_route_scratch_dispose(&s->scratch);
    free(s->path);
    free(s->query);
    s->path = s->query = NULL;
}

void sb_response_init(sb_response *res)
{
    memset(res, 0, sizeof *res);
    cs_buf_init(&res->body, (size_t)SB_BODY_MAX * 4);
    res->status = 200;
    res->content_type = "application/json;charset=UTF-8";
}

void sb_response_dispose(sb_response *res)
{
    cs_buf_free(&res->body);
    for (int i = 0; i < res->nheaders; i++) {
        free(res->header_names[i]);
        free(res->header_values[i]);
    }
    res->nheaders = 0;
}
