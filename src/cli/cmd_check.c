/* `crmsync check`: loads the configuration (every load error with
 * file:line:col and SPEC ids), connects to both sides, fetches the live
 * schemas (HubSpot contact properties, Salesforce Lead and Contact describe)
 * and checks every mapped name and type against them (R3, C9). Prints OK or
 * every problem. Exit 0 OK (warnings allowed), 1 problems or a side that
 * cannot be reached, 2 a configuration error. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"

static void check_usage(FILE *out)
{
    fprintf(out,
            "usage: crmsync check [--config FILE]\n\n"
            "Validates the configuration, connects to HubSpot and Salesforce, and checks every\n"
            "mapping against both sides' live schemas: names exist, types are compatible (R3),\n"
            "no text is mapped onto a lookup (C9), written fields are writable, picklist\n"
            "options agree.\n\n"
            "  --config FILE   configuration (default ./crmsync.yaml)\n\n"
            "Exit codes: 0 OK (warnings allowed), 1 problems found or a side unreachable,\n"
            "2 the configuration has errors or a secret is missing from the environment.\n");
}

int cs_cmd_check(int argc, char **argv)
{
    const char *config = CS_CLI_DEFAULT_CONFIG;
    int parsed = cs_cli_config_only("check", argc, argv, check_usage, &config);
    if (parsed >= 0)
        return parsed;
    cs_cli_env env;
    int code = cs_cli_env_open("check", config, CS_CLI_OPEN_CONNECTORS, &env);
    if (code != CS_EXIT_OK) {
        cs_cli_env_close(&env);
        return code;
    }
    printf("configuration %s: loaded\n", config);
    code = cs_cli_check_live(&env, stdout, true);
    cs_cli_env_close(&env);
    return code;
}
