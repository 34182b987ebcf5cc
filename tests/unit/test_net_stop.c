/* The HTTP client's stop flag (cs_http_options.stop), on the real clock
 * against the scripted server: a stop signal raised while the client waits
 * out a long Retry-After, or while the peer is silent on a request in flight,
 * ends the request within about a second instead of after the wait or the
 * attempt timeout; a raised flag keeps any new request from being sent; a
 * write abandoned after it was sent says its outcome is unknown. Before the
 * flag existed, `crmsync sync` with answers 60 s slow took about 295 s to
 * stop. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "net/net.h"
#include "net_test_server.h"

#define RAISE_AFTER_MS 300
#define STOP_WITHIN_MS 2500 /* libcurl's progress callback comes about once a second */

typedef struct raiser {
    volatile sig_atomic_t flag;
    pthread_t thread;
} raiser;

static void *raise_later(void *ud)
{
    raiser *r = ud;
    struct timespec ts = {.tv_sec = 0, .tv_nsec = RAISE_AFTER_MS * 1000000L};
    nanosleep(&ts, NULL);
    r->flag = 1;
    return NULL;
}

typedef struct fixture {
    test_server srv;
    raiser stop;
    cs_http_client *client;
    cs_http_response resp;
    cs_err err;
} fixture;

static void setup(fixture *f, const ts_step *steps, int n)
{
    memset(f, 0, sizeof *f);
    cr_assert_eq(ts_start(&f->srv, steps, n), 0, "server started");
    cs_http_options o = {.base_url = f->srv.base,
                         .max_retries = 3,
                         .attempt_timeout_ms = 30000,
                         .max_wait_ms = 60000,
                         .stop = &f->stop.flag};
    cr_assert_eq(cs_http_client_new(&o, &f->client, &f->err), 0);
    cs_http_response_init(&f->resp);
}

static void teardown(fixture *f)
{
    cs_http_response_dispose(&f->resp);
    cs_http_client_free(f->client);
    ts_stop(&f->srv);
}

/* Sends the request with the flag raised RAISE_AFTER_MS after the start;
 * returns the request's duration in ms. */
static int64_t send_stopped(fixture *f, cs_http_method m, int *rc)
{
    cs_http_request req = {.method = m, .path = "/crm/v3/objects/contacts"};
    if (m == CS_HTTP_POST) {
        req.body = "{\"properties\":{}}";
        req.body_len = strlen(req.body);
    }
    cr_assert_eq(pthread_create(&f->stop.thread, NULL, raise_later, &f->stop), 0);
    int64_t t0 = cs_time_monotonic_ms();
    *rc = cs_http_request_send(f->client, &req, &f->resp, &f->err);
    int64_t took = cs_time_monotonic_ms() - t0;
    pthread_join(f->stop.thread, NULL);
    return took;
}

Test(stop, ends_a_long_retry_wait)
{
    ts_step steps[] = {{.status = 503, .body = "{}", .headers = {"Retry-After: 30"}},
                       {.status = 200, .body = "{}"}};
    fixture f;
    setup(&f, steps, 2);
    int rc;
    int64_t took = send_stopped(&f, CS_HTTP_GET, &rc);
    cr_assert_eq(rc, -1, "the request fails instead of waiting 30 s");
    cr_assert_lt(took, STOP_WITHIN_MS, "stopped after %lld ms", (long long)took);
    cr_assert_eq(f.err.category, CS_ERR_NETWORK);
    cr_assert(strstr(f.err.message, "stopped on signal while waiting to retry") != NULL, "%s",
              f.err.message);
    cr_assert_eq(ts_requests(&f.srv), 1, "no retry is sent after the stop");
    cr_assert_eq(ts_connections(&f.srv), 1);
    teardown(&f);
}

Test(stop, abandons_a_read_in_flight)
{
    ts_step steps[] = {{.action = TS_HANG, .hang_ms = 6000, .status = 200, .body = "{}"}};
    fixture f;
    setup(&f, steps, 1);
    int rc;
    int64_t took = send_stopped(&f, CS_HTTP_GET, &rc);
    cr_assert_eq(rc, -1);
    cr_assert_lt(took, STOP_WITHIN_MS, "stopped after %lld ms, not when the answer came",
                 (long long)took);
    cr_assert_eq(f.err.category, CS_ERR_NETWORK);
    cr_assert(strstr(f.err.message, "GET /crm/v3/objects/contacts: stopped on signal before the "
                                    "answer came") != NULL,
              "%s", f.err.message);
    cr_assert_not(f.resp.outcome_unknown, "a read has no outcome to reconcile");
    cr_assert_eq(f.resp.attempts, 1, "not retried");
    teardown(&f);
}

Test(stop, a_write_abandoned_in_flight_has_an_unknown_outcome)
{
    ts_step steps[] = {{.action = TS_HANG, .hang_ms = 6000, .status = 201, .body = "{}"}};
    fixture f;
    setup(&f, steps, 1);
    int rc;
    int64_t took = send_stopped(&f, CS_HTTP_POST, &rc);
    cr_assert_eq(rc, -1);
    cr_assert_lt(took, STOP_WITHIN_MS, "stopped after %lld ms", (long long)took);
    cr_assert(f.resp.outcome_unknown, "the create may have been applied: %s", f.err.message);
    cr_assert(strstr(f.err.message, "outcome unknown") != NULL, "%s", f.err.message);
    teardown(&f);
}

Test(stop, a_raised_flag_sends_nothing)
{
    ts_step steps[] = {{.status = 200, .body = "{}"}};
    fixture f;
    setup(&f, steps, 1);
    f.stop.flag = 1;
    cs_http_request req = {.method = CS_HTTP_GET, .path = "/crm/v3/objects/contacts"};
    cr_assert_eq(cs_http_request_send(f.client, &req, &f.resp, &f.err), -1);
    cr_assert_eq(ts_requests(&f.srv), 0, "nothing reached the server");
    cr_assert(strstr(f.err.message, "stopped on signal before the request was sent") != NULL, "%s",
              f.err.message);
    cr_assert_not(f.resp.outcome_unknown);
    /* Cleared, the same client works again. */
    f.stop.flag = 0;
    cr_assert_eq(cs_http_request_send(f.client, &req, &f.resp, &f.err), 0, "%s", f.err.message);
    teardown(&f);
}
