/* `crmsync run`: continuous sync. A pass, a pause of --interval, and again,
 * printing one line per pass, until SIGINT or SIGTERM, which stop it cleanly
 * within a second or two (the handler only raises a flag, which the engine
 * reads between batches and the HTTP clients during requests and retry waits;
 * signals are blocked before any thread starts). A failing pass (network down, authentication) is
 * reported and retried after a growing pause; it never ends the loop. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_engine.h"
#include "cli/cli_report.h"

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: crmsync run [--config FILE] [--interval DURATION] [--max-passes N]\n\n"
            "Syncs continuously: one pass, a pause, another pass, printing one line per pass,\n"
            "until SIGINT (Ctrl-C) or SIGTERM, which stop it cleanly within a second or two.\n\n"
            "  --config FILE          configuration (default ./crmsync.yaml)\n"
            "  --interval DURATION    pause between passes, e.g. 2s, 500ms, 1m (default: the\n"
            "                         config's sync.interval)\n"
            "  --max-passes N         stop after N passes (default: run until stopped)\n\n"
            "Exit codes: 0 stopped cleanly, 1 could not start (among other reasons: another\n"
            "crmsync process is writing the same store; run does not wait for it), 2 usage or\n"
            "configuration error.\n");
}

typedef struct run_state {
    long passes;
    long failed;
} run_state;

static void on_pass(const cs_sync_report *r, int rc, const cs_err *err, void *ud)
{
    run_state *st = ud;
    st->passes++;
    char at[32];
    cs_cli_format_time(r->started_ms, at);
    printf("%s  pass %ld (run %lld) ", at, st->passes, (long long)r->run_id);
    if (rc != 0) {
        st->failed++;
        printf("failed: %s (retrying after a pause)\n", err ? err->message : r->message);
    } else {
        json_t *counts = cs_sync_report_json(r);
        if (counts != NULL)
            cs_cli_print_report_line(stdout, counts);
        else
            printf("%s\n", r->message);
        json_decref(counts);
        if (r->outcome == CS_SYNC_PAUSED || r->outcome == CS_SYNC_INTERRUPTED)
            printf("    %s\n", r->message);
    }
    fflush(stdout);
}

int cs_cmd_run(int argc, char **argv)
{
    const char *config = CS_CLI_DEFAULT_CONFIG;
    long interval = 0, max_passes = 0;
    bool missing = false;
    cs_cli_args a;
    cs_cli_args_init(&a, "run", argc, argv);
    while (cs_cli_args_next(&a)) {
        if (cs_cli_args_flag(&a, "--help") || cs_cli_args_flag(&a, "-h")) {
            run_usage(stdout);
            return CS_EXIT_OK;
        } else if (cs_cli_args_value(&a, "--config", &missing)) {
            config = a.value;
        } else if (cs_cli_args_value(&a, "--interval", &missing)) {
            if (cs_cli_parse_duration("--interval", a.value, 100, 86400000L, &interval) != 0)
                return CS_EXIT_USAGE;
        } else if (cs_cli_args_value(&a, "--max-passes", &missing)) {
            if (cs_cli_parse_int("--max-passes", a.value, 1, 1000000000L, &max_passes) != 0)
                return CS_EXIT_USAGE;
        } else {
            return cs_cli_args_bad(&a, missing);
        }
    }
    cs_cli_block_signals();
    const volatile sig_atomic_t *stop = cs_cli_stop_on_signals();
    cs_cli_env env;
    int code = cs_cli_env_open("run", config, CS_CLI_OPEN_WRITE | CS_CLI_OPEN_CONNECTORS, &env);
    cs_sync *sync = NULL;
    bool stopped_early = false;
    if (code == CS_EXIT_OK) {
        code = cs_cli_sync_new("run", &env, NULL, 0, false, stop, NULL, &sync);
        if (code != CS_EXIT_OK && *stop) {
            printf("crmsync run: stopped on signal after 0 passes (0 failed)\n");
            code = CS_EXIT_OK; /* a stop is a clean end, even before the first pass */
            stopped_early = true;
        }
    }
    if (code == CS_EXIT_OK && !stopped_early) {
        long every = interval > 0 ? interval : cs_config_sync(env.cfg)->interval_ms;
        printf("crmsync run: syncing every %.1fs; Ctrl-C or SIGTERM stops it\n",
               (double)every / 1000.0);
        fflush(stdout);
        run_state st = {0};
        cs_sync_run_options ro = {
            .interval_ms = interval, .max_passes = max_passes, .on_pass = on_pass, .ud = &st};
        cs_err err;
        cs_err_clear(&err);
        if (cs_sync_run(sync, &ro, &err) != 0) {
            code = cs_cli_fail("run", &err);
        } else {
            printf("crmsync run: stopped%s after %ld pass%s (%ld failed)\n",
                   *stop ? " on signal" : "", st.passes, st.passes == 1 ? "" : "es", st.failed);
        }
    }
    cs_sync_free(sync);
    cs_cli_env_close(&env);
    return code;
}
