/* `crmsync status`: what the state store says, without calling either API —
 * the last run (when, how it ended, what it did, API calls per side), how
 * many pairs are linked, open errors (and how many are due for a retry, R8),
 * the journal's size (R5) and where each change cursor stands (R2). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "cli/cli_report.h"
#include "connector/connector.h"
#include "core/timeutil.h"
#include "core/url_redact.h"
#include "engine/sync.h"

static void status_usage(FILE *out)
{
    fprintf(out, "usage: crmsync status [--config FILE]\n\n"
                 "Shows the last sync run, the number of linked pairs, open errors, the journal\n"
                 "and the change cursors, from the state store (no API is called).\n\n"
                 "  --config FILE   configuration (default ./crmsync.yaml)\n\n"
                 "Exit codes: 0 shown, 1 the store cannot be read, 2 configuration error.\n");
}

static int print_cursors(const cs_config *cfg, cs_store *store, int64_t now, cs_err *err)
{
    /* Every scan of every pair the config syncs (contacts; companies when on). */
    const char *g_cursors[CS_SYNC_CURSORS_MAX];
    size_t ncursors = cs_sync_cursor_names(cfg, g_cursors, CS_SYNC_CURSORS_MAX);
    for (size_t i = 0; i < ncursors; i++) {
        cs_cursor c;
        int found = cs_store_cursor_get(store, g_cursors[i], &c, err);
        if (found < 0)
            return -1;
        const char *label = i == 0 ? "cursors" : "";
        if (found == 0) {
            printf("%-14s %-20s not started (the first pass reads everything)\n", label,
                   g_cursors[i]);
            continue;
        }
        int64_t ms = c.ms;
        cs_err ignored;
        if (ms <= 0 && c.token[0] != '\0' && cs_connector_cursor_time(c.token, &ms, &ignored) != 0)
            ms = 0;
        char at[32], ago[32], set[32];
        cs_cli_format_time(ms, at);
        cs_cli_format_relative(ms, now, ago);
        cs_cli_format_relative(c.updated_ms, now, set);
        printf("%-14s %-20s changes up to %s (%s), stored %s\n", label, g_cursors[i], at, ago, set);
    }
    return 0;
}

static int print_last_run(cs_store *store, int64_t now, cs_err *err)
{
    cs_run_list runs = {0};
    if (cs_store_run_list(store, 1, &runs, err) != 0)
        return -1;
    if (runs.count == 0) {
        printf("%-14s none yet (run 'crmsync sync')\n", "last run");
        cs_run_list_dispose(&runs);
        return 0;
    }
    const cs_run *r = &runs.items[0];
    char at[32], ago[32];
    cs_cli_format_time(r->started_ms, at);
    cs_cli_format_relative(r->started_ms, now, ago);
    printf("%-14s #%lld %s, started %s (%s)", "last run", (long long)r->id,
           cs_run_status_name(r->status), at, ago);
    if (r->finished_ms > 0)
        printf(", took %.1fs", (double)(r->finished_ms - r->started_ms) / 1000.0);
    printf("\n");
    if (r->status != CS_RUN_COMPLETED && r->message && r->message[0])
        printf("%-14s %s\n", "", r->message);
    if (json_is_object(r->counts))
        cs_cli_print_report(stdout, r->counts, "             ");
    cs_run_list_dispose(&runs);
    return 0;
}

int cs_cmd_status(int argc, char **argv)
{
    const char *config = CS_CLI_DEFAULT_CONFIG;
    int parsed = cs_cli_config_only("status", argc, argv, status_usage, &config);
    if (parsed >= 0)
        return parsed;
    cs_cli_env env;
    int code = cs_cli_env_open("status", config, CS_CLI_OPEN_STORE, &env);
    if (code != CS_EXIT_OK) {
        cs_cli_env_close(&env);
        return code;
    }
    int64_t now = cs_time_now_ms();
    cs_err err;
    cs_err_clear(&err);
    cs_store_stats st;
    printf("%-14s %s\n", "configuration", config);
    char shown[CS_URL_SHOWN_MAX];
    printf("%-14s %s\n", "store", cs_url_redact(cs_store_url(env.store), shown, sizeof shown));
    if (cs_store_get_stats(env.store, now, &st, &err) != 0 ||
        print_last_run(env.store, now, &err) != 0) {
        code = cs_cli_fail("status", &err);
    } else {
        printf("%-14s %lld contact pairs\n", "links", (long long)st.links);
        printf("%-14s %lld open, %lld due for retry now, %lld dismissed%s\n", "errors",
               (long long)st.errors_open, (long long)st.errors_due, (long long)st.errors_dismissed,
               st.errors_open ? " (crmsync errors)" : "");
        printf("%-14s %lld writes journaled (crmsync journal), %lld runs\n", "journal",
               (long long)st.journal_entries, (long long)st.runs);
        if (print_cursors(env.cfg, env.store, now, &err) != 0)
            code = cs_cli_fail("status", &err);
    }
    cs_cli_env_close(&env);
    return code;
}
