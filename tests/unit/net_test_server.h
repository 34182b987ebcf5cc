/* A scripted HTTP peer for the net module's tests: libmicrohttpd on 127.0.0.1,
 * port 0, one thread per connection. Each request consumes the next scripted
 * step (the last step repeats): answer with a status, headers and a body
 * (fixed or generated, with a length or chunked), drop the connection without
 * answering, or hang before answering. The server records every request it saw
 * (method, URL, Authorization, Content-Type, body) and counts the TCP
 * connections it accepted, so tests can assert on retries and keep-alive. */
#ifndef CS_TESTS_NET_TEST_SERVER_H
#define CS_TESTS_NET_TEST_SERVER_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TS_MAX_STEPS   16
#define TS_MAX_SEEN    32
#define TS_MAX_HEADERS 8

typedef enum ts_action { TS_ANSWER = 0, TS_DROP, TS_HANG } ts_action;

typedef struct ts_step {
    ts_action action;
    int status;
    const char *body;
    size_t big;   /* when > 0: answer with this many 'x' bytes instead of body */
    bool chunked; /* send the big body without a Content-Length */
    const char *headers[TS_MAX_HEADERS]; /* "Name: value" */
    int hang_ms;
    int extra_headers; /* this many more "X-Filler-N: v" headers */
} ts_step;

typedef struct ts_seen {
    char method[16];
    char url[512];
    char auth[256];
    char content_type[128];
    char body[2048];
} ts_seen;

typedef struct test_server {
    struct MHD_Daemon *daemon;
    int port;
    char base[64];
    pthread_mutex_t lock;
    ts_step steps[TS_MAX_STEPS];
    int nsteps;
    int next;
    ts_seen seen[TS_MAX_SEEN];
    int nseen;
    int connections;
} test_server;

typedef struct ts_conn {
    bool started;
    char raw_url[512]; /* as sent, query string included */
    char body[2048];
    size_t len;
} ts_conn;

static void *ts_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    ts_conn *cc = calloc(1, sizeof *cc);
    if (cc)
        snprintf(cc->raw_url, sizeof cc->raw_url, "%s", uri);
    return cc;
}

typedef struct ts_gen {
    size_t left;
} ts_gen;

static ssize_t ts_gen_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    ts_gen *g = cls;
    if (g->left == 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = max < g->left ? max : g->left;
    memset(buf, 'x', n);
    g->left -= n;
    return (ssize_t)n;
}

static void ts_copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void ts_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                      enum MHD_ConnectionNotificationCode code)
{
    (void)c;
    (void)socket_context;
    test_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        pthread_mutex_lock(&s->lock);
        s->connections++;
        pthread_mutex_unlock(&s->lock);
    }
}

static void ts_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

static enum MHD_Result ts_handle(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    (void)version;
    test_server *s = cls;
    ts_conn *cc = *con_cls;
    if (cc == NULL)
        return MHD_NO;
    if (!cc->started) {
        cc->started = true;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t room = sizeof cc->body - 1 - cc->len;
        size_t n = *upload_data_size < room ? *upload_data_size : room;
        memcpy(cc->body + cc->len, upload_data, n);
        cc->len += n;
        *upload_data_size = 0;
        return MHD_YES;
    }

    ts_step step;
    pthread_mutex_lock(&s->lock);
    if (s->nseen < TS_MAX_SEEN) {
        ts_seen *seen = &s->seen[s->nseen++];
        ts_copy(seen->method, sizeof seen->method, method);
        (void)url;
        ts_copy(seen->url, sizeof seen->url, cc->raw_url);
        ts_copy(seen->auth, sizeof seen->auth,
                MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization"));
        ts_copy(seen->content_type, sizeof seen->content_type,
                MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"));
        ts_copy(seen->body, sizeof seen->body, cc->body);
    }
    int i = s->next < s->nsteps ? s->next : s->nsteps - 1;
    if (s->next < s->nsteps)
        s->next++;
    step = s->steps[i < 0 ? 0 : i];
    pthread_mutex_unlock(&s->lock);

    if (step.action == TS_DROP)
        return MHD_NO; /* closes the connection without an answer */
    if (step.action == TS_HANG)
        usleep((useconds_t)step.hang_ms * 1000);

    struct MHD_Response *r;
    ts_gen *gen = NULL;
    if (step.big > 0 && step.chunked) {
        gen = malloc(sizeof *gen);
        if (gen == NULL)
            return MHD_NO;
        gen->left = step.big;
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, ts_gen_read, gen, free);
    } else if (step.big > 0) {
        char *big = malloc(step.big);
        if (big == NULL)
            return MHD_NO;
        memset(big, 'x', step.big);
        r = MHD_create_response_from_buffer(step.big, big, MHD_RESPMEM_MUST_FREE);
    } else {
        const char *b = step.body ? step.body : "";
        r = MHD_create_response_from_buffer(strlen(b), (void *)b, MHD_RESPMEM_MUST_COPY);
    }
    if (r == NULL)
        return MHD_NO;
    for (int h = 0; h < TS_MAX_HEADERS && step.headers[h]; h++) {
        char name[128];
        const char *colon = strchr(step.headers[h], ':');
        size_t n = colon ? (size_t)(colon - step.headers[h]) : 0;
        if (colon == NULL || n >= sizeof name)
            continue;
        memcpy(name, step.headers[h], n);
        name[n] = '\0';
        const char *v = colon + 1;
        while (*v == ' ')
            v++;
        MHD_add_response_header(r, name, v);
    }
    for (int h = 0; h < step.extra_headers; h++) {
        char name[32];
        snprintf(name, sizeof name, "X-Filler-%d", h);
        MHD_add_response_header(r, name, "v");
    }
    if (step.body && step.big == 0)
        MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)step.status, r);
    MHD_destroy_response(r);
    return rc;
}

/* Starts the server with the given script; returns 0 on success. */
static int ts_start(test_server *s, const ts_step *steps, int nsteps)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    for (int i = 0; i < nsteps && i < TS_MAX_STEPS; i++)
        s->steps[i] = steps[i];
    s->nsteps = nsteps < TS_MAX_STEPS ? nsteps : TS_MAX_STEPS;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->daemon = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, ts_handle,
        s, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_CONNECTION, ts_notify, s,
        MHD_OPTION_NOTIFY_COMPLETED, ts_completed, s, MHD_OPTION_URI_LOG_CALLBACK, ts_uri_log, s,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
    if (s->daemon == NULL)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    return s->port > 0 ? 0 : -1;
}

static void ts_stop(test_server *s)
{
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
    pthread_mutex_destroy(&s->lock);
}

static int ts_requests(test_server *s)
{
    pthread_mutex_lock(&s->lock);
    int n = s->nseen;
    pthread_mutex_unlock(&s->lock);
    return n;
}

static int ts_connections(test_server *s)
{
    pthread_mutex_lock(&s->lock);
    int n = s->connections;
    pthread_mutex_unlock(&s->lock);
    return n;
}

#endif
