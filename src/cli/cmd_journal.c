/* `crmsync journal`: the write journal (R5), newest first — when, which
 * record on which side, which field, old → new, and the rule or decision
 * that caused the write. `--record ID` keeps the writes of one HubSpot or
 * Salesforce id; `--run N` those of one run. Reads the state store only. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"

static void journal_usage(FILE *out)
{
    fprintf(out, "usage: crmsync journal [--config FILE] [--record ID] [--run N] [--limit N]\n\n"
                 "Shows every write crmsync made (R5), newest first: when, the record, the\n"
                 "field, old -> new, and why (the rule, or how a conflict was decided).\n\n"
                 "  --config FILE   configuration (default ./crmsync.yaml)\n"
                 "  --record ID     only writes to this HubSpot or Salesforce record id\n"
                 "  --run N         only writes of run N (see crmsync status)\n"
                 "  --limit N       at most N entries (default 50, at most 10000)\n\n"
                 "Exit codes: 0 shown, 1 the store cannot be read, 2 usage or configuration "
                 "error.\n");
}

static const char *target_of(const cs_journal_entry *e)
{
    if (e->op == CS_STORE_OP_LINK || e->op == CS_STORE_OP_RELINK || e->op == CS_STORE_OP_UNLINK)
        return "crmsync";
    return e->dir == CS_STORE_HS_TO_SF ? "Salesforce" : "HubSpot";
}

static void print_entry(const cs_journal_entry *e)
{
    char at[32], b1[72], b2[72];
    cs_cli_format_time(e->at_ms, at);
    printf("%s  #%lld  %s in %s: HubSpot id %s, Salesforce id %s", at, (long long)e->id,
           cs_store_op_name(e->op), target_of(e), e->hs_id ? e->hs_id : "-",
           e->sf_id ? e->sf_id : "-");
    if (e->run_id > 0)
        printf("  (run %lld)", (long long)e->run_id);
    printf("\n");
    if (e->field != NULL)
        printf("      %s: %s -> %s\n", e->field, cs_cli_cell(e->old_value, 60, b1, sizeof b1),
               cs_cli_cell(e->new_value, 60, b2, sizeof b2));
    if (e->reason != NULL && e->reason[0])
        printf("      why: %s\n", e->reason);
}

int cs_cmd_journal(int argc, char **argv)
{
    const char *config = CS_CLI_DEFAULT_CONFIG, *record = NULL;
    long limit = 50, run = 0;
    bool missing = false;
    cs_cli_args a;
    cs_cli_args_init(&a, "journal", argc, argv);
    while (cs_cli_args_next(&a)) {
        if (cs_cli_args_flag(&a, "--help") || cs_cli_args_flag(&a, "-h")) {
            journal_usage(stdout);
            return CS_EXIT_OK;
        } else if (cs_cli_args_value(&a, "--config", &missing)) {
            config = a.value;
        } else if (cs_cli_args_value(&a, "--record", &missing)) {
            record = a.value;
            if (record[0] == '\0' || strlen(record) >= CS_STORE_ID_MAX) {
                fprintf(stderr, "crmsync journal: --record: '%s' is not a record id\n", record);
                return CS_EXIT_USAGE;
            }
        } else if (cs_cli_args_value(&a, "--run", &missing)) {
            if (cs_cli_parse_int("--run", a.value, 1, 0x7fffffffL, &run) != 0)
                return CS_EXIT_USAGE;
        } else if (cs_cli_args_value(&a, "--limit", &missing)) {
            if (cs_cli_parse_int("--limit", a.value, 1, CS_STORE_LIST_MAX, &limit) != 0)
                return CS_EXIT_USAGE;
        } else {
            return cs_cli_args_bad(&a, missing);
        }
    }
    cs_cli_env env;
    int code = cs_cli_env_open("journal", config, CS_CLI_OPEN_STORE, &env);
    if (code != CS_EXIT_OK) {
        cs_cli_env_close(&env);
        return code;
    }
    cs_journal_query q = {.record_id = record, .run_id = run, .limit = (size_t)limit};
    cs_journal_list list = {0};
    cs_err err;
    cs_err_clear(&err);
    if (cs_store_journal_list(env.store, &q, &list, &err) != 0) {
        code = cs_cli_fail("journal", &err);
    } else {
        for (size_t i = 0; i < list.count; i++)
            print_entry(&list.items[i]);
        if (list.count == 0)
            printf("No journaled writes%s%s.\n", record ? " for record " : "",
                   record ? record : "");
        else if (list.count == (size_t)limit)
            printf("(the newest %zu; --limit N for more)\n", list.count);
    }
    cs_journal_list_dispose(&list);
    cs_cli_env_close(&env);
    return code;
}
