/* Command dispatch, usage text and the small helpers commands share. */
#include "cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CS_VERSION "0.1.0"

static const cs_command commands[] = {
    {"init", "write a commented crmsync.yaml (for a sandbox, or given URLs)", cs_cmd_init},
    {"check", "validate the config against both sides' live schemas", cs_cmd_check},
    {"plan", "dry run: what a pass would write, per record and field, and why", cs_cmd_plan},
    {"sync", "one sync pass, with a summary per side", cs_cmd_sync},
    {"run", "sync continuously until Ctrl-C or SIGTERM", cs_cmd_run},
    {"status", "last run, links, errors, cursors, API usage", cs_cmd_status},
    {"errors", "records that failed to sync, with the API's message", cs_cmd_errors},
    {"journal", "every write crmsync made, newest first", cs_cmd_journal},
    {"verify", "diff both sides under the mapping; exit 1 on divergence", cs_cmd_verify},
    {"sandbox", "serve the HubSpot and Salesforce APIs locally (SQLite-backed)", cs_cmd_sandbox},
    {"demo", "sync sample data between two local sandboxed APIs, end to end", cs_cmd_demo},
    {NULL, NULL, NULL},
};

const cs_command *cs_cli_commands(void)
{
    return commands;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: crmsync COMMAND [OPTIONS]\n\n"
                 "Keeps a HubSpot account and a Salesforce org in sync, both ways.\n\n"
                 "Commands:\n");
    for (const cs_command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "\nRun 'crmsync COMMAND --help' for a command's options.\n");
}

int cs_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("crmsync %s\n", CS_VERSION);
        return 0;
    }
    for (const cs_command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "crmsync: unknown command '%s'\n\n", name);
    usage(stderr);
    return 2;
}

void cs_cli_block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    /* A client that goes away must not kill the process. */
    signal(SIGPIPE, SIG_IGN);
}

int cs_cli_wait_signal(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    return sig;
}

int cs_cli_parse_int(const char *option, const char *value, long min, long max, long *out)
{
    if (value == NULL) {
        fprintf(stderr, "crmsync: %s needs a value\n", option);
        return -1;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "crmsync: %s: '%s' is not a whole number between %ld and %ld\n", option,
                value, min, max);
        return -1;
    }
    *out = v;
    return 0;
}
