/* The sync engine when things go wrong: a batch whose store transaction fails
 * leaves the cursors where they were and the rerun duplicates nothing
 * (DESIGN: cursors advance only past what is durable; idempotent creates);
 * a create whose answer is lost after the API applied it is reconciled (by
 * an email lookup on the side it targets) without a duplicate; the R6
 * budget pauses writing; the stop flag interrupts between batches; the run
 * loop survives failing passes; the dry run writes nothing. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/socket.h>

#include "sync_fixture.h"

static fx F;

static void setup(void)
{
    fx_sandbox(&F);
}

static void teardown(void)
{
    fx_stop(&F);
}

TestSuite(faults, .init = setup, .fini = teardown, .timeout = 120);

#define NO_STATUS "  rules: {hs_lead_status: dont_sync}\n"

static json_t *contact(const char *email, const char *first, const char *last)
{
    return json_pack("{s:s,s:s,s:s}", "email", email, "firstname", first, "lastname", last);
}

static size_t sf_count(const char *type, const char *email)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT Id FROM %s WHERE Email = '%s'", type, email);
    json_t *r = fx_soql(&F, q);
    size_t n = json_array_size(r);
    json_decref(r);
    return n;
}

static size_t hs_count(const char *email)
{
    json_t *ids = fx_hs_by_email(&F, email);
    size_t n = json_array_size(ids);
    json_decref(ids);
    return n;
}

static bool cursor(const char *name, cs_cursor *out)
{
    cs_err err = {0};
    int rc = cs_store_cursor_get(F.store, name, out, &err);
    cr_assert_geq(rc, 0, "%s", err.message);
    return rc == 1;
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s", msg ? msg : "");
    sqlite3_close(db);
}

/* A store transaction that fails after the API batch landed (as a crash
 * between the answer and the commit would): the pass fails, no cursor moves,
 * and the next pass finds what the lost batch created by email instead of
 * creating it again. */
Test(faults, failed_batch_keeps_cursors_and_rerun_duplicates_nothing)
{
    char path[200], url[220];
    snprintf(path, sizeof path, "%s/state.db", F.dir);
    snprintf(url, sizeof url, "sqlite:%s", path);
    for (int i = 0; i < 3; i++) {
        char email[64];
        snprintf(email, sizeof email, "crash%d@example.com", i);
        free(fx_hs_create(&F, contact(email, "Cal", "Crash")));
    }
    free(fx_sf_create(&F, "Lead",
                      json_pack("{s:s,s:s,s:s}", "LastName", "Lee", "Company", "Lee AG", "Email",
                                "lee@example.com")));
    fx_engine_at(&F, NO_STATUS, NULL, url, 0);
    exec_sql(path, "CREATE TRIGGER fail_journal BEFORE INSERT ON journal "
                   "BEGIN SELECT RAISE(ABORT, 'injected store failure'); END;");

    cs_sync_report r;
    cs_err err = {0};
    cr_expect_eq(cs_sync_pass(F.sync, &r, &err), -1);
    cr_expect_eq(r.outcome, CS_SYNC_FAILED);
    cr_expect(strstr(err.message, "injected") != NULL, "%s", err.message);
    cs_cursor c;
    cr_expect_not(cursor(CS_SYNC_CURSOR_HS_CONTACTS, &c), "no HubSpot cursor after a failed pass");
    cr_expect_not(cursor(CS_SYNC_CURSOR_SF_LEAD, &c), "no Lead cursor after a failed pass");
    cr_expect_eq(fx_links(&F), 0);
    /* The API batch itself landed (HubSpot creates go first). */
    cr_expect_eq(hs_count("lee@example.com"), 1);
    cs_run_list runs;
    memset(&runs, 0, sizeof runs);
    cr_assert_eq(cs_store_run_list(F.store, 1, &runs, &err), 0, "%s", err.message);
    cr_expect_eq(runs.items[0].status, CS_RUN_FAILED);
    cs_run_list_dispose(&runs);

    exec_sql(path, "DROP TRIGGER fail_journal;");
    cs_sync_report again = fx_pass(&F);
    cr_expect(cursor(CS_SYNC_CURSOR_HS_CONTACTS, &c));
    cr_expect_gt(c.ms, 0);
    cr_expect(cursor(CS_SYNC_CURSOR_SF_LEAD, &c));
    cr_expect_eq(hs_count("lee@example.com"), 1, "no duplicate in HubSpot");
    cr_expect_eq(again.hubspot.created, 0);
    cr_expect_geq(again.linked, 1, "the contact the lost batch made is linked by email");
    for (int i = 0; i < 3; i++) {
        char email[64];
        snprintf(email, sizeof email, "crash%d@example.com", i);
        cr_expect_eq(sf_count("Lead", email), 1, "%s", email);
    }
    cr_expect_eq(fx_links(&F), 4);
    fx_reset_stats(&F);
    fx_pass(&F);
    cr_expect_eq(fx_writes(&F, true) + fx_writes(&F, false), 0);
}

/* ---- a proxy that loses answers -------------------------------------------------- */

/* Forwards HTTP/1.1 exchanges to the sandbox; the first `drop` requests whose
 * request line starts with `match` reach the sandbox (which applies them)
 * but their answer never comes back: the connection is closed instead. */
typedef struct proxy {
    int fd;
    int port;
    int upstream;
    char match[128];
    atomic_int drop;
    atomic_int dropped;
    atomic_int live;
    atomic_int stop;
    pthread_t thread;
} proxy;

typedef struct conn_arg {
    proxy *p;
    int fd;
} conn_arg;

/* Reads one HTTP message (headers, then a Content-Length body) into buf.
 * Returns its length, 0 when the peer closed first, -1 on error. */
static ssize_t read_message(int fd, char *buf, size_t cap, bool response)
{
    size_t len = 0;
    char *end = NULL;
    while (end == NULL) {
        if (len + 1 >= cap)
            return -1;
        ssize_t n = recv(fd, buf + len, cap - 1 - len, 0);
        if (n <= 0)
            return len == 0 ? 0 : -1;
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t head = (size_t)(end - buf) + 4;
    size_t body = 0;
    for (char *line = strstr(buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "Content-Length:", 15) == 0)
            body = (size_t)strtoul(line + 17, NULL, 10);
    }
    if (response && (strncmp(buf + 9, "204", 3) == 0 || strncmp(buf + 9, "304", 3) == 0))
        body = 0;
    while (len < head + body) {
        if (len >= cap)
            return -1;
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0)
            return -1;
        len += (size_t)n;
    }
    return (ssize_t)len;
}

static bool send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

#define PROXY_BUF (8 * 1024 * 1024)

static void *serve_conn(void *arg)
{
    conn_arg *ca = arg;
    proxy *p = ca->p;
    int cfd = ca->fd;
    free(ca);
    int ufd = dial(p->upstream);
    char *buf = malloc(PROXY_BUF);
    while (ufd >= 0 && buf != NULL) {
        ssize_t n = read_message(cfd, buf, PROXY_BUF, false);
        if (n <= 0)
            break;
        bool lose = strncmp(buf, p->match, strlen(p->match)) == 0 && atomic_load(&p->drop) > 0;
        if (!send_all(ufd, buf, (size_t)n))
            break;
        n = read_message(ufd, buf, PROXY_BUF, true);
        if (n <= 0)
            break;
        if (lose) {
            atomic_fetch_sub(&p->drop, 1);
            atomic_fetch_add(&p->dropped, 1);
            break; /* applied upstream; the client never hears of it */
        }
        if (!send_all(cfd, buf, (size_t)n))
            break;
    }
    free(buf);
    if (ufd >= 0)
        close(ufd);
    close(cfd);
    atomic_fetch_sub(&p->live, 1);
    return NULL;
}

static void *accept_loop(void *arg)
{
    proxy *p = arg;
    while (!atomic_load(&p->stop)) {
        struct pollfd pf = {.fd = p->fd, .events = POLLIN};
        if (poll(&pf, 1, 50) <= 0)
            continue;
        int cfd = accept4(p->fd, NULL, NULL, SOCK_CLOEXEC);
        if (cfd < 0)
            continue;
        conn_arg *ca = malloc(sizeof *ca);
        pthread_t t;
        atomic_fetch_add(&p->live, 1);
        if (ca == NULL) {
            close(cfd);
            atomic_fetch_sub(&p->live, 1);
            continue;
        }
        *ca = (conn_arg){p, cfd};
        if (pthread_create(&t, NULL, serve_conn, ca) != 0) {
            free(ca);
            close(cfd);
            atomic_fetch_sub(&p->live, 1);
            continue;
        }
        pthread_detach(t);
    }
    return NULL;
}

static void proxy_start(proxy *p, int upstream, const char *match, int drop)
{
    memset(p, 0, sizeof *p);
    p->upstream = upstream;
    snprintf(p->match, sizeof p->match, "%s", match);
    atomic_store(&p->drop, drop);
    p->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(p->fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t alen = sizeof a;
    cr_assert_eq(getsockname(p->fd, (struct sockaddr *)&a, &alen), 0);
    p->port = ntohs(a.sin_port);
    cr_assert_eq(listen(p->fd, 16), 0);
    cr_assert_eq(pthread_create(&p->thread, NULL, accept_loop, p), 0);
}

/* Call after the clients using the proxy are gone. */
static void proxy_stop(proxy *p)
{
    atomic_store(&p->stop, 1);
    pthread_join(p->thread, NULL);
    close(p->fd);
    for (int i = 0; i < 200 && atomic_load(&p->live) > 0; i++)
        usleep(10000);
}

/* R5: the journal of a pass shows a reconciled create as a create (op
 * create, its reason noting the reconciliation), never as a link. Returns
 * the number of such rows (one per field written) for record_id. */
static size_t journal_reconciled(const char *record_id)
{
    cs_journal_list j;
    memset(&j, 0, sizeof j);
    cs_journal_query q = {.record_id = record_id};
    cs_err err = {0};
    cr_assert_eq(cs_store_journal_list(F.store, &q, &j, &err), 0, "%s", err.message);
    size_t creates = 0;
    for (size_t i = 0; i < j.count; i++) {
        cr_expect_neq(j.items[i].op, CS_STORE_OP_LINK, "%s journaled as a link: %s", record_id,
                      j.items[i].reason ? j.items[i].reason : "");
        creates += j.items[i].op == CS_STORE_OP_CREATE && j.items[i].reason &&
                   strstr(j.items[i].reason, "reconciled") != NULL;
    }
    cs_journal_list_dispose(&j);
    return creates;
}

/* Salesforce applied the create batch but its answer was lost: the engine
 * looks the records up by email and links them — one Lead per contact. */
Test(faults, unknown_salesforce_create_is_reconciled_without_duplicate)
{
    for (int i = 0; i < 4; i++) {
        char email[64];
        snprintf(email, sizeof email, "lost%d@example.com", i);
        free(fx_hs_create(&F, contact(email, "Lou", "Lost")));
    }
    proxy px;
    proxy_start(&px, F.sf_port, "POST " FX_SF "/composite/sobjects ", 1);
    fx_engine_at(&F, NO_STATUS, NULL, NULL, px.port);
    cs_sync_report r = fx_pass(&F);
    cr_expect_eq(atomic_load(&px.dropped), 1, "the proxy lost one answer");
    cr_expect_eq(r.reconciled, 4, "reconciled %llu", (unsigned long long)r.reconciled);
    /* R5: crmsync created them; the report and the journal say so. */
    cr_expect_eq(r.salesforce.created, 4, "created %llu", (unsigned long long)r.salesforce.created);
    cr_expect_eq(r.linked, 0, "linked %llu", (unsigned long long)r.linked);
    for (int i = 0; i < 4; i++) {
        char email[64];
        snprintf(email, sizeof email, "lost%d@example.com", i);
        cr_expect_eq(sf_count("Lead", email), 1, "%s", email);
        char q[128];
        snprintf(q, sizeof q, "SELECT Id FROM Lead WHERE Email = '%s'", email);
        json_t *rec = fx_soql(&F, q);
        const char *id = json_string_value(json_object_get(json_array_get(rec, 0), "Id"));
        cr_expect_gt(journal_reconciled(id), 0, "%s: no create row noting the reconciliation",
                     email);
        json_decref(rec);
    }
    cr_expect_eq(fx_links(&F), 4);
    /* The follow-up merge settled the pairs: nothing left to write. */
    fx_reset_stats(&F);
    fx_pass(&F);
    cr_expect_eq(fx_writes(&F, true) + fx_writes(&F, false), 0);
    fx_engine_free(&F);
    proxy_stop(&px);
}

/* HubSpot applied the batch create but its answer was lost: the engine
 * reads the batch's emails back (batch/read by email, not search), finds
 * the contacts the lost call made and links them. */
Test(faults, unknown_hubspot_create_is_upserted_without_duplicate)
{
    for (int i = 0; i < 3; i++) {
        char email[64];
        snprintf(email, sizeof email, "gone%d@example.com", i);
        free(fx_sf_create(
            &F, "Lead",
            json_pack("{s:s,s:s,s:s}", "LastName", "Gone", "Company", "Gone Ltd", "Email", email)));
    }
    proxy px;
    proxy_start(&px, F.hs_port, "POST /crm/v3/objects/contacts/batch/create ", 1);
    int sf_port = F.sf_port;
    F.hs_port = px.port; /* the engine talks to HubSpot through the proxy */
    fx_engine_at(&F, NO_STATUS, NULL, NULL, sf_port);
    F.hs_port = cs_sandbox_hubspot_port(F.sb);
    cs_sync_report r = fx_pass(&F);
    cr_expect_eq(atomic_load(&px.dropped), 1);
    cr_expect_eq(r.reconciled, 3);
    cr_expect_eq(r.hubspot.created, 3, "created %llu", (unsigned long long)r.hubspot.created);
    cr_expect_eq(r.linked, 0, "linked %llu", (unsigned long long)r.linked);
    for (int i = 0; i < 3; i++) {
        char email[64];
        snprintf(email, sizeof email, "gone%d@example.com", i);
        cr_expect_eq(hs_count(email), 1, "%s", email);
        json_t *ids = fx_hs_by_email(&F, email);
        const char *id = json_string_value(json_array_get(ids, 0));
        cr_expect_gt(id ? journal_reconciled(id) : 0, 0,
                     "%s: no create row noting the reconciliation", email);
        json_decref(ids);
    }
    cr_expect_eq(fx_links(&F), 3);
    fx_reset_stats(&F);
    fx_pass(&F);
    cr_expect_eq(fx_writes(&F, true) + fx_writes(&F, false), 0);
    fx_engine_free(&F);
    proxy_stop(&px);
}

/* R6: past the Salesforce budget the pass pauses before writing, says so,
 * and keeps its cursors. */
Test(faults, salesforce_budget_pauses_writing)
{
    free(fx_hs_create(&F, contact("budget@example.com", "Bud", "Get")));
    fx_engine_at(&F, NO_STATUS, "  sf_api_budget: 3\n  retry_budget: 2\n", NULL, 0);
    cs_sync_report r;
    cs_err err = {0};
    cr_assert_eq(cs_sync_pass(F.sync, &r, &err), 0, "%s", err.message);
    cr_expect_eq(r.outcome, CS_SYNC_PAUSED);
    cr_expect(strstr(r.message, "budget") != NULL, "%s", r.message);
    cr_expect_eq(sf_count("Lead", "budget@example.com"), 0);
    cr_expect_eq(r.salesforce.write_calls, 0);
    cs_cursor c;
    cr_expect_not(cursor(CS_SYNC_CURSOR_HS_CONTACTS, &c));
    cs_run_list runs;
    memset(&runs, 0, sizeof runs);
    cr_assert_eq(cs_store_run_list(F.store, 1, &runs, &err), 0, "%s", err.message);
    cr_expect_str_eq(json_string_value(json_object_get(runs.items[0].counts, "outcome")), "paused");
    cr_expect_eq(runs.items[0].status, CS_RUN_PAUSED, "a paused pass is not stored as completed");
    cs_run_list_dispose(&runs);
}

static void stop_at_plan(const cs_sync_progress *p, void *ud)
{
    if (p->phase == CS_SYNC_PHASE_PLAN)
        *(volatile sig_atomic_t *)ud = 1;
}

/* The stop flag ends a pass between batches: nothing half-done, cursors kept;
 * the next pass does the work. */
Test(faults, stop_flag_interrupts_between_batches)
{
    free(fx_hs_create(&F, contact("halt@example.com", "Hal", "Halt")));
    F.progress = stop_at_plan;
    F.progress_ud = (void *)&F.stop;
    fx_engine(&F, NO_STATUS);
    cs_sync_report r;
    cs_err err = {0};
    cr_assert_eq(cs_sync_pass(F.sync, &r, &err), 0, "%s", err.message);
    cr_expect_eq(r.outcome, CS_SYNC_INTERRUPTED);
    cr_expect_eq(sf_count("Lead", "halt@example.com"), 0);
    cs_cursor c;
    cr_expect_not(cursor(CS_SYNC_CURSOR_HS_CONTACTS, &c));
    fx_engine_free(&F);

    F.progress = NULL;
    F.stop = 0;
    fx_engine(&F, NO_STATUS);
    fx_pass(&F);
    cr_expect_eq(sf_count("Lead", "halt@example.com"), 1);
}

typedef struct loop_log {
    int passes, failures;
    volatile sig_atomic_t *stop;
    int stop_after;
} loop_log;

static void on_pass(const cs_sync_report *r, int rc, const cs_err *err, void *ud)
{
    loop_log *l = ud;
    l->passes++;
    if (rc != 0) {
        l->failures++;
        cr_expect_not_null(err);
        cr_expect_eq(r->outcome, CS_SYNC_FAILED);
    }
    if (l->stop_after && l->passes >= l->stop_after)
        *l->stop = 1;
}

/* The run loop: passes until stopped; a failing pass (Salesforce
 * unreachable) is reported and retried, never the end of the loop. */
Test(faults, run_loop_survives_failing_passes_and_stops_cleanly)
{
    free(fx_hs_create(&F, contact("loop@example.com", "Lo", "Op")));
    fx_engine(&F, NO_STATUS);
    loop_log log = {.stop = &F.stop, .stop_after = 3};
    cs_sync_run_options o = {.interval_ms = 20, .on_pass = on_pass, .ud = &log};
    cs_err err = {0};
    cr_assert_eq(cs_sync_run(F.sync, &o, &err), 0, "%s", err.message);
    cr_expect_eq(log.passes, 3);
    cr_expect_eq(log.failures, 0);
    cr_expect_eq(sf_count("Lead", "loop@example.com"), 1);
    fx_engine_free(&F);

    /* Every session expired (authentication refused): every pass fails. */
    F.stop = 0;
    fx_engine(&F, NO_STATUS);
    json_decref(fx_call(F.hs_http, CS_HTTP_POST, "/__sandbox/expire-tokens", NULL));
    loop_log bad = {.stop = &F.stop};
    cs_sync_run_options o2 = {
        .interval_ms = 10, .max_backoff_ms = 40, .max_passes = 3, .on_pass = on_pass, .ud = &bad};
    cr_assert_eq(cs_sync_run(F.sync, &o2, &err), 0, "%s", err.message);
    cr_expect_eq(bad.passes, 3);
    cr_expect_eq(bad.failures, 3);
    cs_run_list runs;
    memset(&runs, 0, sizeof runs);
    cr_assert_eq(cs_store_run_list(F.store, 5, &runs, &err), 0, "%s", err.message);
    cr_expect_eq(runs.count, 3);
    for (size_t i = 0; i < runs.count; i++) {
        cr_expect_eq(runs.items[i].status, CS_RUN_FAILED);
        cr_expect(runs.items[i].message && strstr(runs.items[i].message, "auth"), "%s",
                  runs.items[i].message);
    }
    cs_run_list_dispose(&runs);
}

/* `crmsync plan`: detect and plan, no write to either API or the store. */
Test(faults, dry_run_writes_nothing)
{
    free(fx_hs_create(&F, contact("dry@example.com", "Dr", "Y")));
    free(fx_sf_create(&F, "Lead",
                      json_pack("{s:s,s:s,s:s}", "LastName", "Wet", "Company", "Wet Co", "Email",
                                "wet@example.com")));
    fx_engine(&F, NO_STATUS);
    fx_reset_stats(&F);
    cs_plan *plan = NULL;
    cs_sync_report r;
    cs_err err = {0};
    cr_assert_eq(cs_sync_plan_only(F.sync, &plan, &r, &err), 0, "%s", err.message);
    cr_expect_eq(cs_plan_count_kind(plan, CS_PLAN_CREATE, CS_PLAN_SALESFORCE), 1);
    cr_expect_eq(cs_plan_count_kind(plan, CS_PLAN_CREATE, CS_PLAN_HUBSPOT), 1);
    cr_expect_eq(r.run_id, 0);
    cs_plan_free(plan);
    cr_expect_eq(fx_writes(&F, true) + fx_writes(&F, false), 0);
    cr_expect_eq(fx_links(&F), 0);
    cs_run_list runs;
    memset(&runs, 0, sizeof runs);
    cr_assert_eq(cs_store_run_list(F.store, 5, &runs, &err), 0, "%s", err.message);
    cr_expect_eq(runs.count, 0);
    cs_run_list_dispose(&runs);
    cs_cursor c;
    cr_expect_not(cursor(CS_SYNC_CURSOR_HS_CONTACTS, &c));
}
