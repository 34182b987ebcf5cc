/* `crmsync plan`: the dry run. Detects what changed since the cursors and
 * plans the pass exactly as `crmsync sync` would, then prints, per record and
 * field, what it would write and why (the rule and decision, R1) — without
 * writing anything to either API or the state store. `--backfill MAPPING`
 * shows what applying a new mapping to existing pairs would change (R1). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_engine.h"

static void plan_usage(FILE *out)
{
    fprintf(out,
            "usage: crmsync plan [--config FILE] [--backfill MAPPING]... [--full]\n\n"
            "Dry run: shows what one sync pass would write now, per record and field, with\n"
            "the rule that decides it. Nothing is written to HubSpot, Salesforce or the store.\n\n"
            "  --config FILE        configuration (default ./crmsync.yaml)\n"
            "  --backfill MAPPING   show what applying MAPPING (its HubSpot property) to every\n"
            "                       linked pair would change (R1)\n"
            "  --full               consider every record, not only changes since the cursors\n\n"
            "Exit codes: 0 the plan was shown, 1 a side could not be read, 2 usage or\n"
            "configuration error.\n");
}

int cs_cmd_plan(int argc, char **argv)
{
    cs_cli_pass_options o;
    cs_cli_pass_options_init(&o);
    bool missing = false;
    cs_cli_args a;
    cs_cli_args_init(&a, "plan", argc, argv);
    while (cs_cli_args_next(&a)) {
        int taken;
        if (cs_cli_args_flag(&a, "--help") || cs_cli_args_flag(&a, "-h")) {
            plan_usage(stdout);
            return CS_EXIT_OK;
        } else if ((taken = cs_cli_pass_option(&a, &o, &missing)) > 1) {
            return taken;
        } else if (taken == 0) {
            return cs_cli_args_bad(&a, missing);
        }
    }
    cs_cli_block_signals();
    const volatile sig_atomic_t *stop = cs_cli_stop_on_signals();
    cs_cli_env env;
    int code =
        cs_cli_env_open("plan", o.config,
                        CS_CLI_OPEN_STORE | CS_CLI_OPEN_MAY_BE_NEW | CS_CLI_OPEN_CONNECTORS, &env);
    cs_sync *sync = NULL;
    if (code == CS_EXIT_OK)
        code = cs_cli_sync_new("plan", &env, o.backfill, o.nbackfill, o.full, stop, NULL, &sync);
    if (code == CS_EXIT_OK) {
        cs_sync_report rep;
        cs_plan *plan = NULL;
        cs_err err;
        cs_err_clear(&err);
        if (cs_sync_plan_only(sync, &plan, &rep, &err) != 0) {
            code = cs_cli_fail("plan", &err);
            if (code == CS_EXIT_USAGE)
                code = CS_EXIT_FAILURE;
        } else {
            printf("Dry run: nothing is written. Read %llu HubSpot and %llu Salesforce records "
                   "changed since the last pass%s.\n\n",
                   (unsigned long long)rep.hubspot.read, (unsigned long long)rep.salesforce.read,
                   o.full || o.nbackfill ? " (every record: --full or --backfill)" : "");
            if (cs_plan_print(plan, stdout) != 0) {
                fprintf(stderr, "crmsync plan: could not print the plan\n");
                code = CS_EXIT_FAILURE;
            } else if (cs_plan_writes_nothing(plan)) {
                printf("\nA pass now would write nothing to either side.\n");
            }
        }
        cs_plan_free(plan);
    }
    cs_sync_free(sync);
    cs_cli_env_close(&env);
    return code;
}
