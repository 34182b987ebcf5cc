/* `crmsync sync`: one sync pass (detect → plan → apply → store) with a
 * progress line, then a summary per side: records read, created, updated,
 * linked, skipped, errors by R9 category, API calls. A pass that completes
 * exits 0 even when some records were refused: they are in `crmsync errors`
 * (R4). `--backfill MAPPING` applies a new mapping to existing pairs (R1). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_engine.h"
#include "cli/cli_report.h"

static void sync_usage(FILE *out)
{
    fprintf(out,
            "usage: crmsync sync [--config FILE] [--backfill MAPPING]... [--full] [--quiet]\n\n"
            "Runs one sync pass: reads what changed on both sides since the last pass, writes\n"
            "the differences under each field's rule, and prints a summary.\n\n"
            "  --config FILE        configuration (default ./crmsync.yaml)\n"
            "  --backfill MAPPING   apply MAPPING (its HubSpot property) to every linked pair\n"
            "                       as on a first sync, not only to changed records (R1);\n"
            "                       'crmsync plan --backfill MAPPING' shows what it would do\n"
            "  --full               read every record, not only changes since the cursors\n"
            "  --quiet              no progress line\n\n"
            "Exit codes: 0 the pass completed (record errors included: see crmsync errors),\n"
            "1 the pass failed, paused at the API budget (R6) or was interrupted, or another\n"
            "crmsync process is writing the same store (one writer per store; it does not wait),\n"
            "2 usage or configuration error.\n");
}

int cs_cmd_sync(int argc, char **argv)
{
    cs_cli_pass_options o;
    cs_cli_pass_options_init(&o);
    bool quiet = false;
    bool missing = false;
    cs_cli_args a;
    cs_cli_args_init(&a, "sync", argc, argv);
    while (cs_cli_args_next(&a)) {
        int taken;
        if (cs_cli_args_flag(&a, "--help") || cs_cli_args_flag(&a, "-h")) {
            sync_usage(stdout);
            return CS_EXIT_OK;
        } else if (cs_cli_args_flag(&a, "--quiet")) {
            quiet = true;
        } else if ((taken = cs_cli_pass_option(&a, &o, &missing)) > 1) {
            return taken;
        } else if (taken == 0) {
            return cs_cli_args_bad(&a, missing);
        }
    }
    cs_cli_block_signals();
    const volatile sig_atomic_t *stop = cs_cli_stop_on_signals();
    cs_cli_env env;
    int code = cs_cli_env_open("sync", o.config, CS_CLI_OPEN_WRITE | CS_CLI_OPEN_CONNECTORS, &env);
    cs_sync *sync = NULL;
    cs_cli_progress progress;
    cs_cli_progress_init(&progress, stderr, quiet);
    if (code == CS_EXIT_OK)
        code =
            cs_cli_sync_new("sync", &env, o.backfill, o.nbackfill, o.full, stop, &progress, &sync);
    if (code == CS_EXIT_OK) {
        cs_sync_report rep;
        cs_err err;
        cs_err_clear(&err);
        int rc = cs_sync_pass(sync, &rep, &err);
        cs_cli_progress_end(&progress);
        code = cs_cli_sync_summary("sync", &rep, rc, &err, env.store, stdout);
    }
    cs_sync_free(sync);
    cs_cli_env_close(&env);
    return code;
}
