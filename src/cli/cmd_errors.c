/* `crmsync errors`: every record that failed to sync (R4), with what an admin
 * needs to fix it — the email and the ids on both sides, the field, the R9
 * category, who raised it (the API that refused it, with its message, or
 * crmsync's own rule, C13/C14/C17), whether the record synced anyway (linked),
 * how many attempts were made and when the next retry is (R8). `--all` includes dismissed errors,
 * `--category` keeps one category. Reads the state store only. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "cli/cli_report.h"
#include "core/timeutil.h"

static void errors_usage(FILE *out)
{
    fprintf(out, "usage: crmsync errors [--config FILE] [--all] [--category C] [--limit N]\n\n"
                 "Lists each record with an error: who raised it (the API that refused it, or\n"
                 "crmsync's own rule), whether it synced anyway, email, ids on both sides, field,\n"
                 "category, the message, attempts and the next retry. Soonest retry first.\n\n"
                 "  --config FILE   configuration (default ./crmsync.yaml)\n"
                 "  --all           include dismissed errors\n"
                 "  --category C    only one category: associations, custom_code, duplicates,\n"
                 "                  permissions, property_values, suspension (R9)\n"
                 "  --limit N       show at most N (default 1000)\n\n"
                 "Exit codes: 0 listed (even when there are errors), 1 the store cannot be read,\n"
                 "2 usage or configuration error.\n");
}

/* One error: who raised it (an API refusing the write, or crmsync's own
 * rule holding a value back), the record, whether it synced anyway, the
 * message, and the retry schedule. */
static void print_error(cs_store *store, const cs_record_error *e, int64_t now)
{
    char first[32], last[32], next[32], nextrel[32], rule[8];
    cs_cli_format_time(e->first_seen_ms, first);
    cs_cli_format_time(e->last_seen_ms, last);
    cs_cli_format_time(e->next_retry_ms, next);
    cs_cli_format_relative(e->next_retry_ms, now, nextrel);
    const char *side = e->side == CS_STORE_HUBSPOT ? "HubSpot" : "Salesforce";
    bool by_rule = cs_cli_error_rule(e->message, rule, sizeof rule);
    printf("#%lld  %s  ", (long long)e->id, cs_cli_category_label(cs_category_name(e->category)));
    if (by_rule)
        printf("raised by crmsync (%s), writing to %s", rule, side);
    else
        printf("refused by %s", side);
    printf("  %s %s\n", e->email && e->email[0] ? "email" : "record",
           e->email && e->email[0] ? e->email : e->record_key);
    printf("      HubSpot id %s, Salesforce id %s, field %s\n", e->hs_id ? e->hs_id : "-",
           e->sf_id ? e->sf_id : "-", e->field ? e->field : "-");
    int linked = cs_cli_error_linked(store, e);
    if (linked == 1)
        printf("      linked: the pair syncs; %s%s did not\n", e->field ? "field " : "this write",
               e->field ? e->field : "");
    else if (linked == 0)
        printf("      not synced: no %s record is linked to it yet\n", side);
    printf("      %s %s\n", by_rule ? "rule:   " : "message:", e->message ? e->message : "-");
    if (e->dismissed)
        printf("      attempts %d, first %s, last %s, dismissed (no more retries)\n", e->attempts,
               first, last);
    else
        printf("      attempts %d, first %s, last %s, next retry %s (%s)\n", e->attempts, first,
               last, next, nextrel);
}

int cs_cmd_errors(int argc, char **argv)
{
    const char *config = CS_CLI_DEFAULT_CONFIG;
    bool all = false, missing = false, have_cat = false;
    cs_category cat = CS_CAT_PROPERTY_VALUES;
    long limit = 1000;
    cs_cli_args a;
    cs_cli_args_init(&a, "errors", argc, argv);
    while (cs_cli_args_next(&a)) {
        if (cs_cli_args_flag(&a, "--help") || cs_cli_args_flag(&a, "-h")) {
            errors_usage(stdout);
            return CS_EXIT_OK;
        } else if (cs_cli_args_flag(&a, "--all")) {
            all = true;
        } else if (cs_cli_args_value(&a, "--config", &missing)) {
            config = a.value;
        } else if (cs_cli_args_value(&a, "--category", &missing)) {
            if (cs_category_parse(a.value, &cat) != 0) {
                fprintf(stderr,
                        "crmsync errors: --category: unknown category '%s' (associations, "
                        "custom_code, duplicates, permissions, property_values, suspension)\n",
                        a.value);
                return CS_EXIT_USAGE;
            }
            have_cat = true;
        } else if (cs_cli_args_value(&a, "--limit", &missing)) {
            if (cs_cli_parse_int("--limit", a.value, 1, CS_STORE_LIST_MAX, &limit) != 0)
                return CS_EXIT_USAGE;
        } else {
            return cs_cli_args_bad(&a, missing);
        }
    }
    cs_cli_env env;
    int code = cs_cli_env_open("errors", config, CS_CLI_OPEN_STORE, &env);
    if (code != CS_EXIT_OK) {
        cs_cli_env_close(&env);
        return code;
    }
    int64_t now = cs_time_now_ms();
    cs_error_query q = {.include_dismissed = all, .limit = CS_STORE_LIST_MAX};
    cs_record_error_list list = {0};
    cs_err err;
    cs_err_clear(&err);
    if (cs_store_error_list(env.store, &q, &list, &err) != 0) {
        code = cs_cli_fail("errors", &err);
        cs_cli_env_close(&env);
        return code;
    }
    size_t shown = 0, matching = 0, by_rule = 0, not_synced = 0;
    size_t per_cat[CS_CAT_SUSPENSION + 1] = {0};
    for (size_t i = 0; i < list.count; i++) {
        const cs_record_error *e = &list.items[i];
        if (have_cat && e->category != cat)
            continue;
        matching++;
        char rule[8];
        by_rule += cs_cli_error_rule(e->message, rule, sizeof rule);
        not_synced += cs_cli_error_linked(env.store, e) == 0;
        if ((unsigned)e->category <= CS_CAT_SUSPENSION)
            per_cat[e->category]++;
        if (shown < (size_t)limit) {
            print_error(env.store, e, now);
            shown++;
        }
    }
    if (matching == 0) {
        printf("No %s%s%serrors.\n", all ? "" : "open ", have_cat ? cs_category_name(cat) : "",
               have_cat ? " " : "");
    } else {
        printf("\n%zu record%s with errors", matching, matching == 1 ? "" : "s");
        const char *sep = ": ";
        for (unsigned c = 0; c <= CS_CAT_SUSPENSION; c++) {
            if (per_cat[c] == 0)
                continue;
            printf("%s%s %zu", sep, cs_cli_category_label(cs_category_name(c)), per_cat[c]);
            sep = ", ";
        }
        printf("%s\n", shown < matching ? " (use --limit to see more)" : "");
        printf("%zu refused by an API, %zu raised by crmsync's rules; %zu did not sync at all, "
               "%zu linked but not fully synced.\n",
               matching - by_rule, by_rule, not_synced, matching - not_synced);
        printf("A failed record is retried when it changes again and on its retry schedule.\n");
    }
    cs_record_error_list_dispose(&list);
    cs_cli_env_close(&env);
    return CS_EXIT_OK;
}
