/* The engine as the commands run it: creation from an opened configuration,
 * the progress line, and the stop flag raised by SIGINT/SIGTERM. See
 * cli_engine.h. */
#include "cli/cli_engine.h"

#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli_report.h"
#include "core/timeutil.h"
#include "net/net.h"

/* The one piece of process state a signal handler may touch. */
static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    if (g_stop) {
        /* A second signal: the user insists. The store's transactions keep
         * the state consistent; the next pass re-reads. */
        static const char msg[] = "\ncrmsync: stopped at once\n";
        ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)n;
        _exit(130);
    }
    g_stop = 1;
}

const volatile sig_atomic_t *cs_cli_stop_on_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return &g_stop;
}

/* ---- progress ----------------------------------------------------------------- */

void cs_cli_progress_init(cs_cli_progress *p, FILE *f, bool quiet)
{
    memset(p, 0, sizeof *p);
    p->f = f;
    p->quiet = quiet;
    p->tty = isatty(fileno(f)) == 1;
    p->last_phase = -1;
}

static const char *phase_name(cs_sync_phase ph)
{
    switch (ph) {
    case CS_SYNC_PHASE_DETECT:
        return "reading";
    case CS_SYNC_PHASE_PLAN:
        return "planned";
    case CS_SYNC_PHASE_APPLY:
        return "writing";
    case CS_SYNC_PHASE_DONE:
        return "done";
    }
    return "";
}

/* Records this side's API accepted a write for. */
static unsigned long long side_written(const cs_sync_side_report *s)
{
    /* An unsubscribe (C10) already counts in updated. */
    return s->created + s->updated + s->archived;
}

/* The terminal's width, for a line rewritten in place: a wider one would
 * wrap, and "\r" would then rewrite only its last row. */
static size_t terminal_columns(FILE *f)
{
    struct winsize ws;
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

/* One progress line: how far the pass is through its planned operations
 * (writes, links, skips and errors alike; first, so a narrow terminal keeps
 * it), then per side the records read and written (what an admin counts),
 * then what the pass settled without a write. While reading there is no
 * plan yet. */
static void progress_line(cs_cli_progress *p, const cs_sync_progress *pr)
{
    const cs_sync_report *r = pr->so_far;
    bool planned = pr->phase != CS_SYNC_PHASE_DETECT || pr->ops_planned > 0;
    char ops[64] = "";
    if (planned)
        snprintf(ops, sizeof ops, "%llu/%llu operations, ", (unsigned long long)pr->ops_applied,
                 (unsigned long long)pr->ops_planned);
    unsigned long long skipped =
        cs_sync_side_skipped(&r->hubspot) + cs_sync_side_skipped(&r->salesforce);
    unsigned long long errors =
        cs_sync_side_errors(&r->hubspot) + cs_sync_side_errors(&r->salesforce);
    char line[512];
    snprintf(line, sizeof line,
             "sync: %-7s %s%.1fs | HubSpot %llu read, %llu written | Salesforce %llu read, %llu "
             "written | %llu linked, %llu skipped, %llu errors",
             phase_name(pr->phase), ops, (double)pr->elapsed_ms / 1000.0,
             (unsigned long long)r->hubspot.read, side_written(&r->hubspot),
             (unsigned long long)r->salesforce.read, side_written(&r->salesforce),
             (unsigned long long)r->linked, skipped, errors);
    if (p->tty) {
        size_t cols = terminal_columns(p->f);
        if (strlen(line) >= cols)
            line[cols - 1] = '\0';
        fprintf(p->f, "\r%s\033[K", line);
    } else {
        fprintf(p->f, "%s\n", line);
    }
}

void cs_cli_progress_cb(const cs_sync_progress *pr, void *ud)
{
    cs_cli_progress *p = ud;
    if (p->quiet)
        return;
    int64_t now = cs_time_monotonic_ms();
    bool phase_changed = (int)pr->phase != p->last_phase;
    int64_t gap = p->tty ? 100 : 2000;
    /* A phase change and the end always show, so the last line is the
     * pass's final count; in between at most one line per gap. */
    if (!phase_changed && pr->phase != CS_SYNC_PHASE_DONE && now - p->last_ms < gap)
        return;
    const cs_sync_report *r = pr->so_far;
    if (!p->tty && pr->phase == CS_SYNC_PHASE_DETECT && pr->ops_planned == 0 &&
        r->hubspot.read + r->salesforce.read == 0)
        return; /* a log gets no line of zeros before the first page is read */
    p->last_ms = now;
    p->last_phase = (int)pr->phase;
    progress_line(p, pr);
    p->dirty = p->tty;
    fflush(p->f);
}

void cs_cli_progress_end(cs_cli_progress *p)
{
    if (p->dirty) {
        fputc('\n', p->f);
        p->dirty = false;
    }
}

/* ---- the engine ------------------------------------------------------------------ */

int cs_cli_sync_new(const char *command, cs_cli_env *env, const char *const *backfill,
                    size_t nbackfill, bool full, const volatile sig_atomic_t *stop,
                    cs_cli_progress *progress, cs_sync **out)
{
    for (size_t i = 0; i < nbackfill; i++) {
        const cs_field_mapping *m = cs_config_mapping_by_hs(env->cfg, backfill[i]);
        if (m == NULL) {
            fprintf(stderr,
                    "crmsync %s: --backfill: '%s' is not the HubSpot property of a mapping in "
                    "%s [R1]\n",
                    command, backfill[i], cs_config_source(env->cfg));
            return CS_EXIT_USAGE;
        }
        if (m->rule == CS_RULE_DONT_SYNC) {
            fprintf(stderr, "crmsync %s: --backfill: the mapping of '%s' is dont_sync [R1]\n",
                    command, backfill[i]);
            return CS_EXIT_USAGE;
        }
    }
    /* The same flag reaches the HTTP clients: a stop signal then also ends
     * a retry wait or a request in flight, not only the pass between batches. */
    cs_http_client_set_stop(cs_connector_http(env->hubspot), stop);
    cs_http_client_set_stop(cs_connector_http(env->salesforce), stop);
    cs_oauth_set_stop(env->oauth, stop);
    cs_oauth_set_stop(env->hs_oauth, stop);
    cs_sync_options o;
    memset(&o, 0, sizeof o);
    o.config = env->cfg;
    o.store = env->store;
    o.hubspot = env->hubspot;
    o.salesforce = env->salesforce;
    o.stop = stop;
    if (progress != NULL) {
        o.progress = cs_cli_progress_cb;
        o.progress_ud = progress;
    }
    o.backfill = backfill;
    o.nbackfill = nbackfill;
    o.full = full || nbackfill > 0;
    cs_err err;
    cs_err_clear(&err);
    if (cs_sync_new(&o, out, &err) != 0) {
        if (stop != NULL && *stop) {
            /* The schemas are read before the first pass: a signal there
             * abandons that read, which is no failure of the configuration. */
            fprintf(stderr, "crmsync %s: stopped on signal before the first pass (%s)\n", command,
                    err.message);
            return CS_EXIT_FAILURE;
        }
        return cs_cli_fail(command, &err);
    }
    return CS_EXIT_OK;
}

/* ---- the summary ------------------------------------------------------------------ */

/* Prints the summary of a pass and returns the exit code it calls for. */
int cs_cli_sync_summary(const char *command, const cs_sync_report *rep, int rc, const cs_err *err,
                        cs_store *store, FILE *f)
{
    json_t *counts = cs_sync_report_json(rep);
    const char *what = cs_sync_outcome_name(rep->outcome);
    fprintf(f, "\nSync pass %s in %.1fs", what, (double)rep->duration_ms / 1000.0);
    if (rep->run_id > 0)
        fprintf(f, " (run %lld)", (long long)rep->run_id);
    fprintf(f, "\n");
    if (counts != NULL)
        cs_cli_print_report(f, counts, "");
    int64_t errors = counts ? cs_cli_report_errors(counts) : 0;
    json_decref(counts);
    if (rc != 0) {
        fprintf(stderr, "crmsync %s: the pass failed: %s\n", command, err->message);
        fprintf(stderr, "Nothing was lost: the next pass re-reads from the last durable point.\n");
        return CS_EXIT_FAILURE;
    }
    if (errors > 0)
        cs_cli_print_error_summary(f, store, rep);
    if (rep->outcome != CS_SYNC_COMPLETED) {
        fprintf(f, "%s\n", rep->message);
        return CS_EXIT_FAILURE;
    }
    return CS_EXIT_OK;
}
