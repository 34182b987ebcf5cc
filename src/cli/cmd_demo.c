/* `crmsync demo`: the whole product in under a minute on one machine. Starts
 * a sandbox in a temporary directory (in-process, free ports), fills both
 * sides with overlapping sample data and a few bad records (demo_data.c),
 * writes a configuration for it, checks it against the live schemas, runs
 * one sync pass with a progress line, shows the summary and the records that
 * failed, proves echo suppression with a second pass that writes nothing,
 * and ends with a verify that shows both sides agree. Exit 0 when they do. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_engine.h"
#include "cli/cli_report.h"
#include "cli/demo_data.h"
#include "core/log.h"
#include "engine/verify.h"
#include "sandbox/sandbox.h"

#define DEMO_TOKEN   "sandbox-token"
#define DEMO_RECORDS 1000

static void demo_usage(FILE *out)
{
    fprintf(out,
            "usage: crmsync demo [--records N] [--keep]\n\n"
            "Runs crmsync end to end against a local sandbox that plays both HubSpot and\n"
            "Salesforce: sample data on both sides (overlapping emails, differing values,\n"
            "a few bad records), a configuration, a check, one sync pass, the errors, and a\n"
            "verify that both sides agree. Needs no account and no network.\n\n"
            "  --records N   HubSpot contacts and Salesforce records to create (default 1000)\n"
            "  --keep        keep the temporary directory (sandbox data, crmsync.yaml, state)\n\n"
            "Exit codes: 0 the demo ran and both sides agree, 1 something failed, 2 usage.\n");
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void step(const char *title)
{
    printf("\n== %s\n", title);
    fflush(stdout);
}

/* The configuration: `crmsync init`'s text for the sandbox's ports with the
 * demo's custom mapping (C7). */
static int write_config(const char *dir, int hs_port, int sf_port, char *path, size_t size)
{
    char store[600];
    snprintf(store, sizeof store, "sqlite:%s/crmsync.db", dir);
    cs_config_init_options io = {
        .hubspot_port = hs_port, .salesforce_port = sf_port, .store = store};
    cs_buf text;
    cs_buf_init(&text, (size_t)CS_CONFIG_MAX_BYTES);
    cs_err err;
    int rc = cs_config_init_text(&io, &text, &err);
    const char *anchor = "  mappings: []\n";
    const char *at = rc == 0 ? strstr(cs_buf_str(&text), anchor) : NULL;
    snprintf(path, size, "%s/crmsync.yaml", dir);
    FILE *f = at ? fopen(path, "we") : NULL;
    if (f == NULL) {
        fprintf(stderr, "crmsync demo: cannot write %s\n", path);
        cs_buf_free(&text);
        return -1;
    }
    fwrite(cs_buf_str(&text), 1, (size_t)(at - cs_buf_str(&text)), f);
    fprintf(f, "  mappings:\n    - { hubspot: %s, salesforce: %s, rule: two_way }\n",
            CS_DEMO_HS_COLOR, CS_DEMO_SF_COLOR);
    /* companies: on, so the demo shows an Account becoming a company (A1) and
     * its Contacts' AccountId becoming their primary company (A2). */
    const char *rest = at + strlen(anchor);
    const char *off = strstr(rest, "\ncompanies:\n  enabled: false");
    if (off != NULL) {
        fwrite(rest, 1, (size_t)(off - rest), f);
        fputs("\ncompanies:\n  enabled: true", f);
        rest = off + strlen("\ncompanies:\n  enabled: false");
    }
    fputs(rest, f);
    rc = fclose(f);
    cs_buf_free(&text);
    return rc == 0 ? 0 : -1;
}

/* The errors of the pass, one line each: category, who raised it (an API
 * refusing the write, or crmsync's own rule), whether the record synced
 * anyway, the email and the message. */
static void show_errors(cs_store *store)
{
    cs_error_query q = {.limit = 20};
    cs_record_error_list l = {0};
    cs_err err;
    if (cs_store_error_list(store, &q, &l, &err) != 0)
        return;
    for (size_t i = 0; i < l.count; i++) {
        const cs_record_error *e = &l.items[i];
        char origin[48];
        int linked = cs_cli_error_linked(store, e);
        printf("  %-16s %-19s %-10s %-28s %s\n",
               cs_cli_category_label(cs_category_name(e->category)),
               cs_cli_error_origin(e, origin, sizeof origin),
               linked == 1   ? "linked"
               : linked == 0 ? "not synced"
                             : "",
               e->email ? e->email : (e->hs_id ? e->hs_id : e->record_key),
               e->message ? e->message : "");
    }
    if (l.count == 0)
        printf("  none\n");
    cs_record_error_list_dispose(&l);
}

typedef struct demo {
    cs_cli_env env;
    cs_sync *sync;
    const volatile sig_atomic_t *stop;
    const cs_demo_counts *counts;
} demo;

/* A1, A2: the company the sync made for the demo's Account, and the
 * contacts whose primary company it is, read back from HubSpot. */
static void show_company(demo *d)
{
    cs_err err;
    cs_err_clear(&err);
    cs_link l;
    if (cs_store_link_by_sf(d->env.store, d->counts->account_id, &l, &err) != 1) {
        printf("  the Account %s has no company yet\n", d->counts->account_id);
        return;
    }
    const char *ids[] = {l.hs_id};
    json_t *assoc = NULL;
    cs_record_list people;
    cs_record_list_init(&people);
    if (cs_connector_assoc_read(d->env.hubspot, "companies", "contacts", ids, 1, &assoc, &err) ==
        0) {
        json_t *list = json_object_get(assoc, l.hs_id);
        size_t n = json_array_size(list);
        const char **cids = calloc(n ? n : 1, sizeof *cids);
        for (size_t i = 0; cids && i < n; i++)
            cids[i] = json_string_value(json_array_get(list, i));
        if (cids != NULL && n > 0)
            cs_connector_read(d->env.hubspot, "contacts", cids, n, &people, &err);
        free(cids);
    }
    printf("  Salesforce Account %s \"%s\" -> HubSpot company %s, with %zu contacts:\n", l.sf_id,
           CS_DEMO_ACCOUNT, l.hs_id, people.len);
    for (size_t i = 0; i < people.len; i++) {
        const char *e = cs_record_get(&people.items[i], "email");
        printf("    %s (HubSpot contact %s)\n", e ? e : "?", people.items[i].id);
    }
    cs_record_list_dispose(&people);
    json_decref(assoc);
}

static int run_demo(demo *d, const char *config, int64_t *second_writes)
{
    cs_err err;
    cs_err_clear(&err);
    int code = cs_cli_env_open("demo", config, CS_CLI_OPEN_WRITE | CS_CLI_OPEN_CONNECTORS, &d->env);
    if (code != CS_EXIT_OK)
        return CS_EXIT_FAILURE;

    step("Step 3: check the mappings against both sides' live schemas (crmsync check)");
    if (cs_cli_check_live(&d->env, stdout, false) != CS_EXIT_OK)
        return CS_EXIT_FAILURE;
    printf("  (`crmsync check` also prints each warning, e.g. picklist values one side "
           "lacks.)\n");

    step("Step 4: one sync pass (crmsync sync)");
    cs_cli_progress progress;
    cs_cli_progress_init(&progress, stdout, false);
    code = cs_cli_sync_new("demo", &d->env, NULL, 0, false, d->stop, &progress, &d->sync);
    if (code != CS_EXIT_OK)
        return CS_EXIT_FAILURE;
    cs_sync_report rep;
    int rc = cs_sync_pass(d->sync, &rep, &err);
    cs_cli_progress_end(&progress);
    code = cs_cli_sync_summary("demo", &rep, rc, &err, d->env.store, stdout);
    if (code != CS_EXIT_OK)
        return CS_EXIT_FAILURE;

    printf("\nA company and its contacts (A1: a new Account creates a company; A2: each\n"
           "Contact's AccountId becomes its contact's primary company):\n");
    show_company(d);

    step("Step 5: the records with errors (crmsync errors)");
    show_errors(d->env.store);
    printf("  'refused': the API's own message; 'crmsync rule': a value crmsync held back\n"
           "  (the record itself may have synced: 'linked'). Each stays listed and is retried\n"
           "  when it changes (R4, R8).\n");

    step("Step 6: a second pass right away writes nothing (echo suppression)");
    rc = cs_sync_pass(d->sync, &rep, &err);
    cs_cli_progress_end(&progress);
    if (rc != 0)
        return cs_cli_sync_summary("demo", &rep, rc, &err, d->env.store, stdout);
    *second_writes = (int64_t)(rep.hubspot.write_calls + rep.salesforce.write_calls);
    printf("  read %llu HubSpot and %llu Salesforce records it had just written: %lld write "
           "calls, %llu records created or updated.\n",
           (unsigned long long)rep.hubspot.read, (unsigned long long)rep.salesforce.read,
           (long long)*second_writes,
           (unsigned long long)(rep.hubspot.created + rep.hubspot.updated + rep.salesforce.created +
                                rep.salesforce.updated));

    step("Step 7: both sides read in full and compared under the mapping (crmsync verify)");
    cs_verify_options vo = {.config = d->env.cfg,
                            .store = d->env.store,
                            .hubspot = d->env.hubspot,
                            .salesforce = d->env.salesforce};
    cs_verify_report *vr = NULL;
    if (cs_verify_run(&vo, &vr, &err) != 0) {
        cs_cli_fail("demo", &err);
        return CS_EXIT_FAILURE;
    }
    cs_verify_print(vr, stdout, 12);
    code = vr->divergences == 0 && *second_writes == 0 ? CS_EXIT_OK : CS_EXIT_FAILURE;
    cs_verify_report_free(vr);
    return code;
}

int cs_cmd_demo(int argc, char **argv)
{
    long records = DEMO_RECORDS;
    bool keep = false, missing = false;
    cs_cli_args a;
    cs_cli_args_init(&a, "demo", argc, argv);
    while (cs_cli_args_next(&a)) {
        if (cs_cli_args_flag(&a, "--help") || cs_cli_args_flag(&a, "-h")) {
            demo_usage(stdout);
            return CS_EXIT_OK;
        } else if (cs_cli_args_flag(&a, "--keep")) {
            keep = true;
        } else if (cs_cli_args_value(&a, "--records", &missing)) {
            if (cs_cli_parse_int("--records", a.value, 10, 100000, &records) != 0)
                return CS_EXIT_USAGE;
        } else {
            return cs_cli_args_bad(&a, missing);
        }
    }
    cs_log_set_level(CS_LOG_ERROR);
    const char *tmp = getenv("TMPDIR");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/crmsync-demo-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("crmsync demo: mkdtemp");
        return CS_EXIT_FAILURE;
    }
    printf("crmsync demo: a local sandbox plays HubSpot and Salesforce; nothing leaves this "
           "machine.\n");
    step("Step 1: start the sandbox (both APIs, SQLite in a temporary directory)");
    /* Server threads must never take SIGINT: block it before they start. */
    cs_cli_block_signals();
    cs_sandbox_options so;
    cs_sandbox_options_default(&so);
    so.data_dir = dir;
    so.token = DEMO_TOKEN;
    cs_sandbox *sb = NULL;
    cs_err err;
    cs_err_clear(&err);
    if (cs_sandbox_start(&so, &sb, &err) != 0) {
        fprintf(stderr, "crmsync demo: starting the sandbox: %s\n", err.message);
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        return CS_EXIT_FAILURE;
    }
    demo d;
    memset(&d, 0, sizeof d);
    cs_demo_counts counts;
    d.counts = &counts;
    d.stop = cs_cli_stop_on_signals();
    char hs[64], sf[64], config[600];
    snprintf(hs, sizeof hs, "http://127.0.0.1:%d", cs_sandbox_hubspot_port(sb));
    snprintf(sf, sizeof sf, "http://127.0.0.1:%d", cs_sandbox_salesforce_port(sb));
    printf("  HubSpot API    %s\n  Salesforce API %s\n  data           %s\n", hs, sf, dir);

    step("Step 2: sample data, created through the APIs");
    int code = CS_EXIT_FAILURE;
    int64_t second_writes = -1;
    if (cs_demo_seed(hs, sf, DEMO_TOKEN, (size_t)records, &counts, &err) != 0) {
        fprintf(stderr, "crmsync demo: %s\n", err.message);
    } else {
        printf("  HubSpot:    %zu contacts\n  Salesforce: %zu Leads, %zu Contacts\n"
               "  %zu emails on both sides (some with different values), %zu on a Lead and a "
               "Contact at once,\n  %zu bad records (an address Salesforce refuses, a name too "
               "long, a colour outside\n  a restricted picklist, an owner with no Salesforce "
               "User, no email, an unknown lead status)\n",
               counts.hs_contacts, counts.sf_leads, counts.sf_contacts, counts.both_sides,
               counts.lead_and_contact, counts.bad);
        printf("  an Account, \"%s\", with %zu of those Contacts under it\n", CS_DEMO_ACCOUNT,
               counts.account_contacts);
        setenv("HUBSPOT_TOKEN", DEMO_TOKEN, 1);
        setenv("SALESFORCE_TOKEN", DEMO_TOKEN, 1);
        if (write_config(dir, cs_sandbox_hubspot_port(sb), cs_sandbox_salesforce_port(sb), config,
                         sizeof config) == 0) {
            printf("  configuration: %s (crmsync init's file plus a custom mapping\n"
                   "  favorite_color <-> Favorite_Color__c, two_way, and companies: enabled)\n",
                   config);
            code = run_demo(&d, config, &second_writes);
        }
    }
    cs_sync_free(d.sync);
    cs_cli_env_close(&d.env);
    cs_sandbox_stop(sb);
    if (*d.stop)
        printf("\ncrmsync demo: interrupted.\n");
    else if (code == CS_EXIT_OK)
        printf("\nDemo complete: both sides agree. Try it yourself: crmsync sandbox, crmsync "
               "init, crmsync sync (see README.md).\n");
    else
        printf("\nDemo finished with a problem (see above).\n");
    if (keep)
        printf("Kept %s (sandbox data, crmsync.yaml, crmsync.db).\n", dir);
    else
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return code;
}
