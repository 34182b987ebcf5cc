/* `crmsync check`: loads the configuration (every load error with
 * file:line:col and SPEC ids), connects to both sides, fetches the live
 * schemas (HubSpot contact properties, Salesforce Lead and Contact describe)
 * and checks every mapped name and type against them (R3, C9). Prints OK or
 * every problem. Exit 0 OK (warnings allowed), 1 problems or a side that
 * cannot be reached, 2 a configuration error. */
#include <stdio.h>
#include <stdlib.h>
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

/* A cs_schema view of a connector schema; fields borrowed from s. */
static int schema_view(const cs_object_schema *s, cs_schema *out, cs_schema_field **storage)
{
    cs_schema_field *f = calloc(s->count ? s->count : 1, sizeof *f);
    if (f == NULL)
        return -1;
    for (size_t i = 0; i < s->count; i++) {
        const cs_field_schema *src = &s->fields[i];
        f[i].name = src->name;
        f[i].type = src->type;
        f[i].field_type = src->field_type;
        f[i].options = (const char *const *)src->options;
        f[i].option_count = src->option_count;
        f[i].length = src->length;
        f[i].createable = src->createable;
        f[i].updateable = src->updateable;
        f[i].is_reference = src->is_reference;
        f[i].restricted_picklist = src->restricted_picklist;
    }
    out->object = s->object;
    out->fields = f;
    out->count = s->count;
    *storage = f;
    return 0;
}

static void print_problem(const cs_check_problem *p)
{
    const char *sev = p->severity == CS_CHECK_ERROR ? "error" : "warning";
    if (p->sf_object != NULL && p->sf_field != NULL)
        printf("  %-7s %s <-> %s.%s: %s\n", sev, p->hs_property ? p->hs_property : "-",
               p->sf_object, p->sf_field, p->message);
    else
        printf("  %-7s %s: %s\n", sev, p->hs_property ? p->hs_property : "-", p->message);
}

int cs_cmd_check(int argc, char **argv)
{
    const char *config = CS_CLI_DEFAULT_CONFIG;
    bool missing = false;
    cs_cli_args a;
    cs_cli_args_init(&a, "check", argc, argv);
    while (cs_cli_args_next(&a)) {
        if (cs_cli_args_flag(&a, "--help") || cs_cli_args_flag(&a, "-h")) {
            check_usage(stdout);
            return CS_EXIT_OK;
        } else if (cs_cli_args_value(&a, "--config", &missing)) {
            config = a.value;
        } else {
            return cs_cli_args_bad(&a, missing);
        }
    }
    cs_cli_env env;
    int code = cs_cli_env_open("check", config, CS_CLI_OPEN_CONNECTORS, &env);
    if (code != CS_EXIT_OK) {
        cs_cli_env_close(&env);
        return code;
    }
    const cs_endpoints *ep = cs_config_endpoints(env.cfg);
    printf("configuration %s: loaded\n", config);
    const cs_object_schema *hs = NULL, *lead = NULL, *contact = NULL;
    cs_err err;
    cs_err_clear(&err);
    if (cs_connector_describe(env.hubspot, "contacts", &hs, &err) != 0) {
        printf("HubSpot %s: FAILED\n", ep->hubspot_base_url);
        code = cs_cli_fail("check", &err);
        cs_cli_env_close(&env);
        return code == CS_EXIT_USAGE ? CS_EXIT_FAILURE : code;
    }
    printf("HubSpot %s: contacts have %zu properties\n", ep->hubspot_base_url, hs->count);
    if (cs_connector_describe(env.salesforce, "Lead", &lead, &err) != 0 ||
        cs_connector_describe(env.salesforce, "Contact", &contact, &err) != 0) {
        printf("Salesforce %s: FAILED\n", ep->salesforce_instance_url);
        code = cs_cli_fail("check", &err);
        cs_cli_env_close(&env);
        return code == CS_EXIT_USAGE ? CS_EXIT_FAILURE : code;
    }
    printf("Salesforce %s: Lead has %zu fields, Contact has %zu fields\n",
           ep->salesforce_instance_url, lead->count, contact->count);

    cs_schema v_hs, v_lead, v_contact;
    cs_schema_field *s1 = NULL, *s2 = NULL, *s3 = NULL;
    cs_check_report *rep = NULL;
    if (schema_view(hs, &v_hs, &s1) != 0 || schema_view(lead, &v_lead, &s2) != 0 ||
        schema_view(contact, &v_contact, &s3) != 0) {
        fprintf(stderr, "crmsync check: out of memory\n");
        code = CS_EXIT_FAILURE;
    } else if (cs_config_check(env.cfg, &v_hs, &v_lead, &v_contact, &rep, &err) != 0) {
        code = cs_cli_fail("check", &err);
    } else {
        size_t n = cs_check_report_count(rep), errors = cs_check_report_errors(rep);
        size_t maps = 0;
        cs_config_mappings(env.cfg, &maps);
        for (size_t i = 0; i < n; i++)
            print_problem(cs_check_report_get(rep, i));
        if (errors == 0) {
            printf("OK: %zu mappings checked against the live schemas", maps);
            if (n > errors)
                printf(" (%zu warning%s)", n - errors, n - errors == 1 ? "" : "s");
            printf("\n");
            code = CS_EXIT_OK;
        } else {
            printf("%zu error%s, %zu warning%s in %zu mappings (see docs/configuration.md, "
                   "crmsync check)\n",
                   errors, errors == 1 ? "" : "s", n - errors, n - errors == 1 ? "" : "s", maps);
            code = CS_EXIT_FAILURE;
        }
    }
    cs_check_report_free(rep);
    free(s1);
    free(s2);
    free(s3);
    cs_cli_env_close(&env);
    return code;
}
