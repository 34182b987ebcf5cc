/* `crmsync verify`: reads both sides in full, applies the mapping and lists
 * every linked pair whose mapped fields differ and every pair that should be
 * linked but is not (engine/verify.h has the rules). Exit 1 on any
 * divergence, so scripts and CI can use it as a check. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "engine/verify.h"

static void verify_usage(FILE *out)
{
    fprintf(out, "usage: crmsync verify [--config FILE] [--limit N]\n\n"
                 "Reads every HubSpot contact and every Salesforce Lead and Contact, applies the\n"
                 "mapping, and lists each linked pair whose mapped fields differ, each record\n"
                 "linked to something that is gone, and each pair with the same email that is not\n"
                 "linked (C5). Differences explained by an open sync error (crmsync errors) are\n"
                 "listed apart and do not count.\n\n"
                 "  --config FILE   configuration (default ./crmsync.yaml)\n"
                 "  --limit N       print at most N items (default 100; all are counted)\n\n"
                 "Exit codes: 0 in sync, 1 divergences found or a side could not be read,\n"
                 "2 usage or configuration error.\n");
}

int cs_cmd_verify(int argc, char **argv)
{
    const char *config = CS_CLI_DEFAULT_CONFIG;
    long limit = 100;
    bool missing = false;
    cs_cli_args a;
    cs_cli_args_init(&a, "verify", argc, argv);
    while (cs_cli_args_next(&a)) {
        if (cs_cli_args_flag(&a, "--help") || cs_cli_args_flag(&a, "-h")) {
            verify_usage(stdout);
            return CS_EXIT_OK;
        } else if (cs_cli_args_value(&a, "--config", &missing)) {
            config = a.value;
        } else if (cs_cli_args_value(&a, "--limit", &missing)) {
            if (cs_cli_parse_int("--limit", a.value, 1, 1000000, &limit) != 0)
                return CS_EXIT_USAGE;
        } else {
            return cs_cli_args_bad(&a, missing);
        }
    }
    cs_cli_env env;
    int code = cs_cli_env_open("verify", config, CS_CLI_OPEN_STORE | CS_CLI_OPEN_CONNECTORS, &env);
    if (code == CS_EXIT_OK) {
        cs_verify_options o = {.config = env.cfg,
                               .store = env.store,
                               .hubspot = env.hubspot,
                               .salesforce = env.salesforce};
        cs_verify_report *r = NULL;
        cs_err err;
        cs_err_clear(&err);
        if (cs_verify_run(&o, &r, &err) != 0) {
            code = cs_cli_fail("verify", &err);
        } else {
            cs_verify_print(r, stdout, (size_t)limit);
            code = r->divergences > 0 ? CS_EXIT_FAILURE : CS_EXIT_OK;
        }
        cs_verify_report_free(r);
    }
    cs_cli_env_close(&env);
    return code;
}
