/* libFuzzer target for the configuration loader (src/config/config.h): each
 * input is loaded as a crmsync.yaml of exactly that many bytes (a heap copy
 * with no terminating NUL, so a read past the length is caught). A refusal
 * must leave the output untouched, be a config error with a message, agree
 * with the all-problems variant and list at least one problem there. A model
 * that loads must keep the promises of config.h (URLs without trailing
 * slashes, batch sizes in range, every default row present with a rule it
 * allows, lookups by HS name that find each mapping) and survive the
 * live-schema check and every value map in both directions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/err.h"

static const char *const g_status_options[] = {"NEW", "OPEN", "IN_PROGRESS", "UNQUALIFIED"};

static const cs_schema_field g_hs_fields[] = {
    {.name = "email",
     .type = "string",
     .field_type = "text",
     .createable = true,
     .updateable = true},
    {.name = "firstname",
     .type = "string",
     .field_type = "text",
     .createable = true,
     .updateable = true},
    {.name = "hs_lead_status",
     .type = "enumeration",
     .field_type = "radio",
     .options = g_status_options,
     .option_count = 4,
     .createable = true,
     .updateable = true},
    {.name = "numemployees",
     .type = "number",
     .field_type = "number",
     .createable = true,
     .updateable = true},
    {.name = "favorite_color",
     .type = "string",
     .field_type = "text",
     .createable = true,
     .updateable = true},
};

static const char *const g_sf_status[] = {"Open - Not Contacted", "Working - Contacted",
                                          "Closed - Not Converted"};

static const cs_schema_field g_lead_fields[] = {
    {.name = "Email", .type = "email", .length = 80, .createable = true, .updateable = true},
    {.name = "FirstName", .type = "string", .length = 40, .createable = true, .updateable = true},
    {.name = "Status",
     .type = "picklist",
     .options = g_sf_status,
     .option_count = 3,
     .createable = true,
     .updateable = true,
     .restricted_picklist = true},
    {.name = "NumberOfEmployees", .type = "int", .createable = true, .updateable = true},
    {.name = "OwnerId",
     .type = "reference",
     .createable = true,
     .updateable = true,
     .is_reference = true},
    {.name = "Favorite_Color__c",
     .type = "string",
     .length = 20,
     .createable = true,
     .updateable = true},
};

static const cs_schema_field g_contact_fields[] = {
    {.name = "Email", .type = "email", .length = 80, .createable = true, .updateable = true},
    {.name = "AccountId",
     .type = "reference",
     .createable = true,
     .updateable = true,
     .is_reference = true},
    {.name = "Favorite_Color__c", .type = "id", .createable = false, .updateable = false},
};

static bool url_ok(const char *u)
{
    if (u == NULL || (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0))
        return false;
    size_t len = strlen(u);
    return len > 0 && u[len - 1] != '/';
}

static void exercise_values(const cs_field_mapping *m)
{
    cs_buf scratch;
    cs_buf_init(&scratch, 4096);
    static const cs_value_dir dirs[] = {CS_VALUES_TO_SF, CS_VALUES_TO_HS, CS_VALUES_CANONICAL};
    for (size_t i = 0; i < m->nvalues; i++) {
        const cs_value_pair *p = &m->values[i];
        if (p->hs == NULL || p->sf == NULL)
            abort();
        for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
            const char *out = NULL;
            const char *in = dirs[d] == CS_VALUES_TO_HS ? p->sf : p->hs;
            if (cs_values_translate(m, dirs[d], in, &scratch, &out) == 0 && out == NULL)
                abort();
        }
    }
    /* Multi-select text built from the map's own values, and a value it does
     * not list, which passes through unchanged. */
    const char *out = NULL;
    if (cs_values_translate(m, CS_VALUES_TO_SF, "a;b;;c", &scratch, &out) == 0 && out == NULL)
        abort();
    if (m->nvalues == 0 &&
        (cs_values_translate(m, CS_VALUES_TO_HS, "Not listed", &scratch, &out) != 0 ||
         strcmp(out, "Not listed") != 0))
        abort();
    cs_buf_free(&scratch);
}

static void exercise(const cs_config *cfg)
{
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    if (!url_ok(ep->hubspot_base_url) || !url_ok(ep->salesforce_instance_url))
        abort();
    if (ep->salesforce_auth == CS_SF_AUTH_OAUTH && !url_ok(ep->oauth_token_url))
        abort();
    if (cs_config_store_url(cfg) == NULL || cs_config_source(cfg) == NULL)
        abort();
    const cs_sync_settings *s = cs_config_sync(cfg);
    if (s->hs_batch_size < 1 || s->hs_batch_size > 100 || s->sf_batch_size < 1 ||
        s->sf_batch_size > 200 || s->interval_ms < 0 || s->overlap_ms < 0)
        abort();
    long sync_limit = 0, retry_limit = 0;
    cs_sync_call_limits(s, 15000, &sync_limit, &retry_limit);
    if (sync_limit > 15000 || retry_limit > 15000)
        abort();
    const cs_contact_settings *c = cs_config_contacts(cfg);
    (void)cs_create_as_name(c->create_salesforce_as);
    (void)cs_conflict_winner_name(c->conflict_winner);

    size_t ndefaults, n;
    (void)cs_config_default_contact_mappings(&ndefaults);
    const cs_field_mapping *m = cs_config_mappings(cfg, &n);
    if (n < ndefaults) /* C6: the default rows cannot be removed */
        abort();
    for (size_t i = 0; i < n; i++) {
        if (m[i].hs == NULL || (m[i].sf_lead == NULL && m[i].sf_contact == NULL))
            abort();
        if (m[i].rule >= CS_RULE_COUNT || cs_rule_name(m[i].rule) == NULL ||
            (m[i].allowed & CS_RULE_BIT(m[i].rule)) == 0)
            abort();
        if ((i < ndefaults) != ((m[i].flags & CS_MAP_DEFAULT) != 0))
            abort();
        if (cs_config_mapping_by_hs(cfg, m[i].hs) != &m[i])
            abort();
        exercise_values(&m[i]);
    }

    const cs_schema hs = {"contacts", g_hs_fields, sizeof g_hs_fields / sizeof g_hs_fields[0]};
    const cs_schema lead = {"Lead", g_lead_fields, sizeof g_lead_fields / sizeof g_lead_fields[0]};
    const cs_schema contact = {"Contact", g_contact_fields,
                               sizeof g_contact_fields / sizeof g_contact_fields[0]};
    cs_check_report *report = NULL;
    cs_err err;
    cs_err_clear(&err);
    if (cs_config_check(cfg, &hs, &lead, &contact, &report, &err) != 0)
        return; /* out of memory */
    size_t count = cs_check_report_count(report);
    if (cs_check_report_errors(report) > count)
        abort();
    for (size_t i = 0; i < count; i++) {
        const cs_check_problem *p = cs_check_report_get(report, i);
        if (p == NULL || p->message == NULL || p->hs_property == NULL)
            abort();
    }
    cs_check_report_free(report);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CS_CONFIG_MAX_BYTES)
        return 0;
    char *text = malloc(size > 0 ? size : 1);
    if (text == NULL)
        return 0;
    if (size > 0)
        memcpy(text, data, size);

    static char sentinel;
    cs_config *const untouched = (cs_config *)&sentinel;
    cs_config *cfg = untouched;
    cs_err err;
    cs_err_clear(&err);
    int rc = cs_config_load_string("crmsync.yaml", text, size, &cfg, &err);

    cs_buf problems;
    cs_buf_init(&problems, (size_t)1 << 20);
    cs_config *cfg_all = untouched;
    cs_err err_all;
    cs_err_clear(&err_all);
    int rc_all =
        cs_config_load_string_all("crmsync.yaml", text, size, &cfg_all, &problems, &err_all);
    if (rc != rc_all)
        abort();

    if (rc == 0) {
        if (cfg == untouched || cfg == NULL || cfg_all == untouched || cfg_all == NULL)
            abort();
        exercise(cfg);
        cs_config_free(cfg);
        cs_config_free(cfg_all);
    } else {
        if (rc != -1 || cfg != untouched || cfg_all != untouched)
            abort();
        if (err.category != CS_ERR_CONFIG && err.category != CS_ERR_INTERNAL)
            abort();
        if (err.message[0] == '\0' || strcmp(err.message, err_all.message) != 0)
            abort();
        if (err.category == CS_ERR_CONFIG && problems.len == 0)
            abort();
    }
    cs_buf_free(&problems);
    free(text);
    return 0;
}
