/* The engine as the commands run it: creation from an opened configuration,
 * the progress line, and the stop flag raised by SIGINT/SIGTERM. See
 * cli_engine.h. */
#include "cli/cli_engine.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_report.h"
#include "core/timeutil.h"

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
        return "reading changes";
    case CS_SYNC_PHASE_PLAN:
        return "planned";
    case CS_SYNC_PHASE_APPLY:
        return "writing";
    case CS_SYNC_PHASE_DONE:
        return "done";
    }
    return "";
}

void cs_cli_progress_cb(const cs_sync_progress *pr, void *ud)
{
    cs_cli_progress *p = ud;
    if (p->quiet)
        return;
    int64_t now = cs_time_monotonic_ms();
    bool phase_changed = (int)pr->phase != p->last_phase;
    int64_t gap = p->tty ? 100 : 2000;
    if (!phase_changed && pr->phase != CS_SYNC_PHASE_DONE && now - p->last_ms < gap)
        return;
    if (!p->tty && pr->phase == CS_SYNC_PHASE_DONE)
        return; /* the summary follows */
    p->last_ms = now;
    p->last_phase = (int)pr->phase;
    const cs_sync_report *r = pr->so_far;
    unsigned long long written =
        r->hubspot.created + r->hubspot.updated + r->salesforce.created + r->salesforce.updated;
    unsigned long long errors =
        cs_sync_side_errors(&r->hubspot) + cs_sync_side_errors(&r->salesforce);
    fprintf(p->f,
            "%ssync: %-15s read HubSpot %llu, Salesforce %llu | %llu/%llu operations | %llu "
            "written, %llu linked, %llu errors | %.1fs%s",
            p->tty ? "\r" : "", phase_name(pr->phase), (unsigned long long)r->hubspot.read,
            (unsigned long long)r->salesforce.read, (unsigned long long)pr->ops_applied,
            (unsigned long long)pr->ops_planned, written, (unsigned long long)r->linked, errors,
            (double)pr->elapsed_ms / 1000.0, p->tty ? "\033[K" : "\n");
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
    if (cs_sync_new(&o, out, &err) != 0)
        return cs_cli_fail(command, &err);
    return CS_EXIT_OK;
}

/* ---- the summary ------------------------------------------------------------------ */

/* Prints the summary of a pass and returns the exit code it calls for. */
int cs_cli_sync_summary(const char *command, const cs_sync_report *rep, int rc, const cs_err *err,
                        FILE *f)
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
        fprintf(f,
                "%lld record%s could not be synced: 'crmsync errors' lists each with the "
                "API's message.\n",
                (long long)errors, errors == 1 ? "" : "s");
    if (rep->outcome != CS_SYNC_COMPLETED) {
        fprintf(f, "%s\n", rep->message);
        return CS_EXIT_FAILURE;
    }
    return CS_EXIT_OK;
}
