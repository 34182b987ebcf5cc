/* `crmsync demo`: the main job on the embedded default. Starts a sandbox in a
 * temporary directory, seeds both sides and shows what it serves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/log.h"
#include "sandbox/sandbox.h"

int cs_cmd_demo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: crmsync demo\n\nStarts a sandbox in a temporary directory, seeds it "
                   "with HubSpot contacts and Salesforce leads, and shows what it serves.\n");
            return 0;
        }
        fprintf(stderr, "crmsync demo: unknown option '%s'\n", argv[i]);
        return 2;
    }
    cs_log_set_level(CS_LOG_WARN);
    char dir[] = "/tmp/crmsync-demo-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("crmsync demo: mkdtemp");
        return 1;
    }
    cs_sandbox_options opts;
    cs_sandbox_options_default(&opts);
    opts.data_dir = dir;
    opts.seed_contacts = 1000;
    opts.seed_leads = 1000;
    cs_cli_block_signals();
    cs_sandbox *sb = NULL;
    cs_err err;
    if (cs_sandbox_start(&opts, &sb, &err) != 0) {
        fprintf(stderr, "crmsync demo: %s\n", err.message);
        return 1;
    }
    printf("sandbox data in %s\n", dir);
    printf("hubspot http://127.0.0.1:%d\n", cs_sandbox_hubspot_port(sb));
    printf("salesforce http://127.0.0.1:%d\n", cs_sandbox_salesforce_port(sb));
    cs_sandbox_stop(sb);
    return 0;
}
