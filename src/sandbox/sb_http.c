/* The sandbox's HTTP layer: libmicrohttpd glue, routing on path templates,
 * bearer-token auth, fault injection, request statistics. Each emulated API
 * supplies a route table and its own error bodies through sb_api_ops.
 *
 * Route templates: literal segments, `{name}` (captured, kept as a template in
 * the statistics key) and `[name]` (captured, and its value written into the
 * statistics key, so "POST /crm/v3/objects/contacts/batch/create" and the same
 * call on companies count apart). */
#include "sandbox/sb_http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/log.h"
#include "core/timeutil.h"
#include "sandbox/sb_admin.h"

#define MAX_SEGMENTS 24

typedef struct conn_state {
    cs_buf body;
    bool too_large;
} conn_state;

typedef struct listener {
    sb_ctx *ctx;
    sb_api_id api;
    const sb_api_ops *ops;
} listener;

struct sb_server {
    struct MHD_Daemon *daemon;
    listener l;
    int port;
};

/* --- request helpers ---------------------------------------------------- */

/* A subrequest's argument or header (case-insensitive for headers). */
static const char *sub_lookup(const sb_pair *pairs, int n, const char *name, bool nocase)
{
    for (int i = 0; i < n; i++)
        if ((nocase ? strcasecmp(pairs[i].name, name) : strcmp(pairs[i].name, name)) == 0)
            return pairs[i].value;
    return NULL;
}

const char *sb_query(const sb_request *req, const char *key)
{
    if (req->conn == NULL)
        return sub_lookup(req->sub_args, req->nsub_args, key, false);
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_GET_ARGUMENT_KIND,
                                       key);
}

const char *sb_header(const sb_request *req, const char *name)
{
    if (req->conn == NULL)
        return sub_lookup(req->sub_headers, req->nsub_headers, name, true);
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND, name);
}

const char *sb_param(const sb_request *req, const char *name)
{
    for (int i = 0; i < req->nparams; i++)
        if (strcmp(req->param_names[i], name) == 0)
            return req->param_values[i];
    return NULL;
}

json_t *sb_body_json(const sb_request *req, char *error, size_t error_size)
{
    if (req->body_len == 0) {
        snprintf(error, error_size, "request body is empty");
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (j == NULL) {
        int n = snprintf(error, error_size, "%s at line %d column %d", jerr.text, jerr.line,
                         jerr.column);
        if (n < 0 && error_size > 0)
            error[0] = '\0';
    }
    return j;
}

#define FORM_MAX 8192

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Both OAuth token endpoints take application/x-www-form-urlencoded bodies. */
json_t *sb_body_form(const sb_request *req)
{
    const char *body = req->body;
    size_t len = req->body_len;
    if (len > FORM_MAX)
        return NULL;
    json_t *out = json_object();
    size_t i = 0;
    while (i < len) {
        char key[256], val[FORM_MAX + 1];
        size_t k = 0, v = 0;
        bool in_value = false;
        for (; i < len && body[i] != '&'; i++) {
            char c = body[i];
            if (c == '=' && !in_value) {
                in_value = true;
                continue;
            }
            if (c == '+') {
                c = ' ';
            } else if (c == '%') {
                if (i + 2 >= len || hexval(body[i + 1]) < 0 || hexval(body[i + 2]) < 0) {
                    json_decref(out);
                    return NULL;
                }
                c = (char)(hexval(body[i + 1]) * 16 + hexval(body[i + 2]));
                i += 2;
            }
            if (in_value && v < FORM_MAX)
                val[v++] = c;
            else if (!in_value && k < sizeof key - 1)
                key[k++] = c;
        }
        i++;
        key[k] = '\0';
        val[v] = '\0';
        if (k > 0 && json_object_get(out, key) == NULL)
            json_object_set_new(out, key, json_stringn(val, v));
    }
    return out;
}

typedef struct query_iter {
    void (*fn)(const char *, const char *, void *);
    void *user;
} query_iter;

static enum MHD_Result query_iter_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    query_iter *it = cls;
    it->fn(key, value ? value : "", it->user);
    return MHD_YES;
}

void sb_query_each(const sb_request *req,
                   void (*fn)(const char *key, const char *value, void *user), void *user)
{
    if (req->conn == NULL) {
        for (int i = 0; i < req->nsub_args; i++)
            fn(req->sub_args[i].name, req->sub_args[i].value, user);
        return;
    }
    query_iter it = {fn, user};
    MHD_get_connection_values((struct MHD_Connection *)req->conn, MHD_GET_ARGUMENT_KIND,
                              query_iter_cb, &it);
}

/* --- response helpers --------------------------------------------------- */

/* jansson hands the serialiser's output over in small pieces: they are
 * gathered in a chunk and appended to the body a chunk at a time. */
typedef struct dump_chunk {
    cs_buf *out;
    size_t n;
    char data[16384];
} dump_chunk;

static int dump_flush(dump_chunk *c)
{
    int rc = cs_buf_append(c->out, c->data, c->n);
    c->n = 0;
    return rc;
}

static int dump_to_body(const char *buffer, size_t size, void *data)
{
    dump_chunk *c = data;
    if (c->n + size > sizeof c->data && dump_flush(c) != 0)
        return -1;
    if (size > sizeof c->data)
        return cs_buf_append(c->out, buffer, size);
    memcpy(c->data + c->n, buffer, size);
    c->n += size;
    return 0;
}

/* Reals printed with 15 significant digits read back exactly? Depth is
 * bounded: a deeper value keeps the 17 digits that always round-trip. */
static bool reals_fit_15(const json_t *v, int depth)
{
    if (depth > 64)
        return false;
    if (json_is_real(v)) {
        char text[32];
        double d = json_real_value(v);
        (void)snprintf(text, sizeof text, "%.15g", d);
        return strtod(text, NULL) == d;
    }
    const json_t *item;
    if (json_is_array(v)) {
        size_t i;
        json_array_foreach(v, i, item)
        {
            if (!reals_fit_15(item, depth + 1))
                return false;
        }
    } else if (json_is_object(v)) {
        const char *key;
        json_object_foreach((json_t *)v, key, item)
        {
            if (!reals_fit_15(item, depth + 1))
                return false;
        }
    }
    return true;
}

size_t sb_json_real_flags(const json_t *v)
{
    return reals_fit_15(v, 0) ? JSON_REAL_PRECISION(15) : 0;
}

void sb_respond_json(sb_response *res, int status, json_t *body)
{
    res->status = status;
    res->content_type = "application/json;charset=UTF-8";
    cs_buf_reset(&res->body);
    if (body == NULL)
        return;
    /* Straight into the body: large query pages are not copied twice. */
    dump_chunk *chunk = malloc(sizeof *chunk);
    int rc = -1;
    if (chunk != NULL) {
        chunk->out = &res->body;
        chunk->n = 0;
        rc = json_dump_callback(body, dump_to_body, chunk,
                                JSON_COMPACT | JSON_ENCODE_ANY | sb_json_real_flags(body));
        if (rc == 0)
            rc = dump_flush(chunk);
    }
    free(chunk);
    json_decref(body);
    if (rc != 0) {
        res->status = 500;
        cs_buf_reset(&res->body);
    }
}

void sb_respond_json_buf(sb_response *res, int status, cs_buf *text)
{
    res->status = status;
    res->content_type = "application/json;charset=UTF-8";
    cs_buf taken = *text;
    cs_buf_init(text, taken.max);
    cs_buf_free(&res->body);
    res->body = taken;
}

void sb_respond_admin_error(sb_response *res, int status, const char *fmt, ...)
{
    char msg[1000];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    sb_respond_json(res, status, json_pack("{s:s}", "error", msg));
}

void sb_respond_text(sb_response *res, int status, const char *content_type, const char *text)
{
    res->status = status;
    res->content_type = content_type;
    cs_buf_reset(&res->body);
    if (text && cs_buf_append_str(&res->body, text) != 0)
        res->status = 500;
}

void sb_respond_empty(sb_response *res, int status)
{
    res->status = status;
    res->content_type = NULL;
    cs_buf_reset(&res->body);
}

void sb_response_header(sb_response *res, const char *name, const char *value)
{
    if (res->nheaders >= SB_MAX_HEADERS)
        return;
    char *n = strdup(name);
    char *v = strdup(value);
    if (n == NULL || v == NULL) {
        free(n);
        free(v);
        return;
    }
    res->header_names[res->nheaders] = n;
    res->header_values[res->nheaders] = v;
    res->nheaders++;
}

static void response_dispose(sb_response *res)
{
    cs_buf_free(&res->body);
    for (int i = 0; i < res->nheaders; i++) {
        free(res->header_names[i]);
        free(res->header_values[i]);
    }
    res->nheaders = 0;
}

/* --- routing ------------------------------------------------------------ */

static int split_path(char *path, char *segs[MAX_SEGMENTS])
{
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(path, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (n == MAX_SEGMENTS)
            return -1;
        segs[n++] = tok;
    }
    return n;
}

/* Matches path segments against a template; on success fills req params
 * (names point into the static template copy kept in `names`). */
static bool route_matches(const char *pattern, char *segs[], int nsegs, sb_request *req,
                          char names[SB_MAX_PARAMS][SB_PARAM_NAME_MAX])
{
    const char *p = pattern;
    int i = 0;
    int nparams = 0;
    while (*p == '/')
        p++;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (i >= nsegs)
            return false;
        bool capture =
            len >= 2 && ((p[0] == '{' && p[len - 1] == '}') || (p[0] == '[' && p[len - 1] == ']'));
        if (capture) {
            if (nparams == SB_MAX_PARAMS || len - 2 >= SB_PARAM_NAME_MAX)
                return false;
            memcpy(names[nparams], p + 1, len - 2);
            names[nparams][len - 2] = '\0';
            req->param_names[nparams] = names[nparams];
            req->param_values[nparams] = segs[i];
            nparams++;
        } else if (strlen(segs[i]) != len || strncmp(segs[i], p, len) != 0) {
            return false;
        }
        i++;
        p += len;
        while (*p == '/')
            p++;
    }
    if (i != nsegs)
        return false;
    req->nparams = nparams;
    return true;
}

/* "POST /crm/v3/objects/contacts/batch/create": [name] segments show their value. */
static void stats_key(const sb_request *req, char *out, size_t size)
{
    cs_buf key;
    cs_buf_init(&key, 1024);
    cs_buf_appendf(&key, "%s ", req->method);
    if (req->route_pattern == NULL) {
        cs_buf_append_str(&key, "(unmatched)");
    } else {
        const char *p = req->route_pattern;
        while (*p) {
            if (*p == '[') {
                const char *close = strchr(p, ']');
                if (close == NULL)
                    break;
                char name[48];
                size_t len = (size_t)(close - p - 1);
                if (len >= sizeof name)
                    len = sizeof name - 1;
                memcpy(name, p + 1, len);
                name[len] = '\0';
                const char *v = sb_param(req, name);
                cs_buf_append_str(&key, v ? v : "?");
                p = close + 1;
            } else {
                cs_buf_append(&key, p, 1);
                p++;
            }
        }
    }
    snprintf(out, size, "%s", cs_buf_str(&key));
    cs_buf_free(&key);
}

static void record_stats(sb_ctx *ctx, const sb_request *req, int status)
{
    sb_stats *st = &ctx->stats[req->api];
    char key[512];
    stats_key(req, key, sizeof key);
    st->requests++;
    json_t *cur = json_object_get(st->by_endpoint, key);
    json_object_set_new(st->by_endpoint, key, json_integer(cur ? json_integer_value(cur) + 1 : 1));
    char code[16];
    snprintf(code, sizeof code, "%d", status);
    cur = json_object_get(st->by_status, code);
    json_object_set_new(st->by_status, code, json_integer(cur ? json_integer_value(cur) + 1 : 1));
}

static bool bearer_ok(sb_ctx *ctx, const sb_request *req)
{
    const char *auth = sb_header(req, "Authorization");
    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
        return false;
    const char *tok = auth + 7;
    while (*tok == ' ')
        tok++;
    return sb_token_valid(ctx, req->api, tok);
}

enum { SB_FAULT_DROP = -1, SB_FAULT_DROP_AFTER = -2 };

/* Whether pattern[0..n) ("METHOD /path", or a prefix of it ending in '*')
 * names req. */
static bool pattern_names(const char *pattern, size_t n, const sb_request *req)
{
    size_t m = strlen(req->method);
    if (n <= m || strncmp(pattern, req->method, m) != 0 || pattern[m] != ' ')
        return false;
    const char *path = pattern + m + 1;
    size_t len = n - m - 1;
    if (len > 0 && path[len - 1] == '*')
        return strncmp(req->path, path, len - 1) == 0;
    return strlen(req->path) == len && strncmp(req->path, path, len) == 0;
}

/* Whether a fault limited to `only` (newline-separated patterns) may hit req. */
static bool fault_applies(const char *only, const sb_request *req)
{
    for (const char *p = only; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (pattern_names(p, n, req))
            return true;
        p += n + (nl != NULL);
    }
    return false;
}

/* Decides injected faults for one API request; returns the fault status (429,
 * 500), SB_FAULT_DROP (close before handling), SB_FAULT_DROP_AFTER (handle,
 * then close without answering) or 0 for none; *slow_ms gets a delay. */
static int pick_fault(sb_ctx *ctx, const sb_request *req, int *slow_ms)
{
    sb_faults *f = &ctx->faults[req->api];
    *slow_ms = 0;
    if (f->only[0] != '\0' && !fault_applies(f->only, req))
        return 0;
    if (f->rate_slow > 0 && sb_random_unit(ctx) < f->rate_slow)
        *slow_ms = f->slow_ms;
    if (f->rate_drop > 0 && sb_random_unit(ctx) < f->rate_drop)
        return SB_FAULT_DROP;
    if (f->rate_drop_after > 0 && sb_random_unit(ctx) < f->rate_drop_after)
        return SB_FAULT_DROP_AFTER;
    if (f->rate_429 > 0 && sb_random_unit(ctx) < f->rate_429)
        return 429;
    if (f->rate_500 > 0 && sb_random_unit(ctx) < f->rate_500)
        return 500;
    return 0;
}

const sb_route *sb_route_lookup(const sb_route *routes, sb_request *req, sb_route_scratch *scratch)
{
    scratch->path = strdup(req->path);
    char *segs[MAX_SEGMENTS];
    int nsegs = scratch->path ? split_path(scratch->path, segs) : -1;
    if (nsegs < 0)
        return NULL;
    for (const sb_route *r = routes; r->method; r++) {
        if (strcmp(r->method, req->method) != 0)
            continue;
        if (route_matches(r->pattern, segs, nsegs, req, scratch->names)) {
            req->route_pattern = r->pattern;
            return r;
        }
    }
    return NULL;
}

void sb_route_scratch_dispose(sb_route_scratch *scratch)
{
    free(scratch->path);
    scratch->path = NULL;
}

static void dispatch(listener *l, sb_request *req, const sb_route *route, sb_response *res)
{
    sb_ctx *ctx = l->ctx;
    const sb_api_ops *ops = l->ops;
    if (route == NULL) {
        if (!bearer_ok(ctx, req))
            ops->unauthorized(ctx, req, res);
        else
            ops->not_found(ctx, req, res);
    } else if (!(route->flags & SB_ROUTE_NO_AUTH) && !bearer_ok(ctx, req)) {
        ops->unauthorized(ctx, req, res);
    } else if (ops->admit == NULL || !ops->admit(ctx, req, route->flags, res)) {
        route->handler(ctx, req, res);
    }
    if (ops->finish)
        ops->finish(ctx, req, res);
    record_stats(ctx, req, res->status);
}

static enum MHD_Result send_response(struct MHD_Connection *conn, sb_response *res)
{
    size_t len = res->body.len;
    char *data = cs_buf_take(&res->body);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(data);
        return MHD_NO;
    }
    if (res->content_type && len > 0)
        MHD_add_response_header(r, "Content-Type", res->content_type);
    for (int i = 0; i < res->nheaders; i++)
        MHD_add_response_header(r, res->header_names[i], res->header_values[i]);
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    listener *l = cls;
    conn_state *st = *con_cls;
    if (st == NULL) {
        st = calloc(1, sizeof *st);
        if (st == NULL)
            return MHD_NO;
        cs_buf_init(&st->body, SB_BODY_MAX);
        *con_cls = st;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!st->too_large && cs_buf_append(&st->body, upload_data, *upload_data_size) != 0)
            st->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }

    sb_request req;
    memset(&req, 0, sizeof req);
    req.api = l->api;
    req.method = method;
    req.path = url;
    req.body = cs_buf_str(&st->body);
    req.body_len = st->body.len;
    req.conn = conn;
    sb_response res;
    memset(&res, 0, sizeof res);
    cs_buf_init(&res.body, SB_BODY_MAX * 4);
    res.status = 200;
    res.content_type = "application/json;charset=UTF-8";

    sb_ctx *ctx = l->ctx;
    bool admin = strncmp(url, "/__sandbox/", 11) == 0 || strcmp(url, "/__sandbox") == 0;
    if (admin) {
        pthread_mutex_lock(&ctx->lock);
        sb_admin_handle(ctx, &req, &res);
        pthread_mutex_unlock(&ctx->lock);
    } else if (st->too_large) {
        sb_respond_text(&res, 413, "text/plain", "request body too large\n");
    } else {
        int slow_ms = 0;
        /* Matched first, so even a dropped request counts under its endpoint. */
        sb_route_scratch scratch = {0};
        const sb_route *route = sb_route_lookup(l->ops->routes, &req, &scratch);
        pthread_mutex_lock(&ctx->lock);
        int fault = pick_fault(ctx, &req, &slow_ms);
        pthread_mutex_unlock(&ctx->lock);
        if (slow_ms > 0)
            usleep((useconds_t)slow_ms * 1000u);
        pthread_mutex_lock(&ctx->lock);
        if (fault == SB_FAULT_DROP) {
            res.drop_connection = true;
            record_stats(ctx, &req, 0);
        } else if (fault > 0) {
            l->ops->fault(ctx, fault, &res);
            /* Injected answers carry the headers every real answer does. */
            if (l->ops->finish)
                l->ops->finish(ctx, &req, &res);
            record_stats(ctx, &req, res.status);
        } else {
            dispatch(l, &req, route, &res);
            /* Applied, but the client never learns it: an unknown outcome. */
            if (fault == SB_FAULT_DROP_AFTER)
                res.drop_connection = true;
        }
        pthread_mutex_unlock(&ctx->lock);
        sb_route_scratch_dispose(&scratch);
    }
    enum MHD_Result rc = res.drop_connection ? MHD_NO : send_response(conn, &res);
    response_dispose(&res);
    return rc;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    conn_state *st = *con_cls;
    if (st) {
        cs_buf_free(&st->body);
        free(st);
        *con_cls = NULL;
    }
}

sb_server *sb_server_start(sb_ctx *ctx, sb_api_id api, const sb_api_ops *ops, int port,
                           const sb_tls *tls, cs_err *err)
{
    if (tls != NULL && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        cs_err_set(err, CS_ERR_CONFIG, "--tls: this libmicrohttpd was built without TLS support");
        return NULL;
    }
    sb_server *s = calloc(1, sizeof *s);
    if (s == NULL) {
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    s->l.ctx = ctx;
    s->l.api = api;
    s->l.ops = ops;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    /* The PEM strings stay owned by the caller, alive until the server stops. */
    if (tls != NULL)
        s->daemon = MHD_start_daemon(
            flags | MHD_USE_TLS, 0, NULL, NULL, on_request, &s->l, MHD_OPTION_SOCK_ADDR,
            (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_CONNECTION_LIMIT,
            (unsigned)256, MHD_OPTION_HTTPS_MEM_KEY, tls->key_pem, MHD_OPTION_HTTPS_MEM_CERT,
            tls->cert_pem, MHD_OPTION_END);
    else
        s->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, &s->l, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
            (unsigned)120, MHD_OPTION_CONNECTION_LIMIT, (unsigned)256, MHD_OPTION_END);
    if (s->daemon == NULL) {
        cs_err_set(err, CS_ERR_IO, "%s API: cannot listen on 127.0.0.1:%d", ops->name, port);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    return s;
}

int sb_server_port(const sb_server *s)
{
    return s->port;
}

void sb_server_stop(sb_server *s)
{
    if (s == NULL)
        return;
    MHD_stop_daemon(s->daemon);
    free(s);
}
