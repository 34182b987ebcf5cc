/* Unit tests of value maps (R3) in config/: the default map of hs_lead_status,
 * contacts.values and `values` in a custom mapping, every load-time error
 * with its position, the translation cs_values_translate() that the plan and
 * verify share, the commented map in `crmsync init`'s file, and the live
 * check that names both sides of a value one side lacks. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/err.h"

/* The two required keys, on lines 1 and 2: test documents start at line 3. */
#define BASE                                                                                       \
    "hubspot: {base_url: \"http://127.0.0.1:1\"}\n"                                                \
    "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n"

static cs_config *load_ok(const char *yaml)
{
    cs_config *cfg = NULL;
    cs_err err;
    cs_err_clear(&err);
    int rc = cs_config_load_string("crmsync.yaml", yaml, strlen(yaml), &cfg, &err);
    cr_assert_eq(rc, 0, "load failed: %s\n%s", err.message, yaml);
    return cfg;
}

/* The document fails with exactly these problem lines ("\n"-separated). */
static void expect_problems(const char *yaml, const char *want)
{
    cs_config *cfg = NULL;
    cs_err err;
    cs_buf all;
    cs_buf_init(&all, 1 << 20);
    int rc = cs_config_load_string_all("crmsync.yaml", yaml, strlen(yaml), &cfg, &all, &err);
    cr_assert_eq(rc, -1, "loaded although it should not:\n%s", yaml);
    cr_assert_null(cfg);
    cr_assert_eq(err.category, CS_ERR_CONFIG);
    char *got = cs_buf_take(&all);
    size_t len = strlen(got);
    if (len > 0 && got[len - 1] == '\n')
        got[len - 1] = '\0';
    cr_expect_str_eq(got, want, "document:\n%s\ngot:\n%s\nwant:\n%s", yaml, got, want);
    free(got);
}

static const cs_field_mapping *lead_status(const cs_config *cfg)
{
    const cs_field_mapping *m = cs_config_mapping_by_hs(cfg, "hs_lead_status");
    cr_assert_not_null(m);
    return m;
}

/* ---- the default map ---------------------------------------------------------- */

Test(config_values, default_lead_status_map)
{
    cs_config *cfg = load_ok(BASE);
    const cs_field_mapping *m = lead_status(cfg);
    static const char *const want[][2] = {
        {"NEW", "Open - Not Contacted"},      {"IN_PROGRESS", "Working - Contacted"},
        {"OPEN_DEAL", "Closed - Converted"},  {"UNQUALIFIED", "Closed - Not Converted"},
        {"OPEN", "Open - Not Contacted"},     {"ATTEMPTED_TO_CONTACT", "Working - Contacted"},
        {"CONNECTED", "Working - Contacted"}, {"BAD_TIMING", "Closed - Not Converted"},
    };
    cr_assert_eq(m->nvalues, 8);
    for (size_t i = 0; i < 8; i++) {
        cr_expect_str_eq(m->values[i].hs, want[i][0]);
        cr_expect_str_eq(m->values[i].sf, want[i][1]);
        cr_expect_eq(m->values[i].line, 0, "a default pair has no position");
    }
    /* No other default row translates values. */
    size_t n;
    const cs_field_mapping *all = cs_config_mappings(cfg, &n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(all[i].hs, "hs_lead_status") != 0)
            cr_expect_eq(all[i].nvalues, 0, "%s", all[i].hs);
    }
    cs_config_free(cfg);
}

Test(config_values, contacts_values_replaces_the_default_map)
{
    cs_config *cfg = load_ok(BASE "contacts:\n"
                                  "  values:\n"
                                  "    hs_lead_status:\n"
                                  "      NEW: \"Open\"\n"
                                  "      'CONNECTED': Working\n"
                                  "      OPEN: \"Open\"\n");
    const cs_field_mapping *m = lead_status(cfg);
    cr_assert_eq(m->nvalues, 3);
    cr_expect_str_eq(m->values[0].hs, "NEW");
    cr_expect_str_eq(m->values[0].sf, "Open");
    cr_expect_str_eq(m->values[1].hs, "CONNECTED");
    cr_expect_str_eq(m->values[1].sf, "Working");
    cr_expect_eq(m->values[1].line, 7);
    cr_expect_eq(m->values[1].column, 7);
    cr_expect_str_eq(m->values[2].hs, "OPEN");
    cs_config_free(cfg);

    /* An empty map, or null, turns the translation off. */
    const char *off[] = {BASE "contacts: {values: {hs_lead_status: {}}}\n",
                         BASE "contacts: {values: {hs_lead_status: null}}\n",
                         BASE "contacts:\n  values:\n    hs_lead_status:\n"};
    for (size_t i = 0; i < 3; i++) {
        cfg = load_ok(off[i]);
        cr_expect_eq(lead_status(cfg)->nvalues, 0, "%s", off[i]);
        cr_expect_null(lead_status(cfg)->values);
        cs_config_free(cfg);
    }
    /* An empty values section changes nothing. */
    cfg = load_ok(BASE "contacts: {values: null}\n");
    cr_expect_eq(lead_status(cfg)->nvalues, 8);
    cs_config_free(cfg);
}

Test(config_values, custom_mapping_values_inline_or_in_contacts_values)
{
    cs_config *cfg = load_ok(BASE "contacts:\n"
                                  "  mappings:\n"
                                  "    - hubspot: tier\n"
                                  "      salesforce: Tier__c\n"
                                  "      values: {gold: Gold, silver: Silver, platinum: Gold}\n"
                                  "    - {hubspot: region, salesforce_lead: Region__c}\n"
                                  "  values:\n"
                                  "    region: {emea: EMEA}\n");
    const cs_field_mapping *tier = cs_config_mapping_by_hs(cfg, "tier");
    cr_assert_not_null(tier);
    cr_assert_eq(tier->nvalues, 3);
    cr_expect_str_eq(tier->values[2].hs, "platinum");
    cr_expect_str_eq(tier->values[2].sf, "Gold");
    const cs_field_mapping *region = cs_config_mapping_by_hs(cfg, "region");
    cr_assert_not_null(region);
    cr_assert_eq(region->nvalues, 1);
    cr_expect_str_eq(region->values[0].sf, "EMEA");
    cr_expect_eq(region->values[0].line, 10);
    /* The default map stays. */
    cr_expect_eq(lead_status(cfg)->nvalues, 8);
    cs_config_free(cfg);
}

/* ---- load-time errors ---------------------------------------------------------- */

Test(config_values, unknown_or_unmapped_properties)
{
    expect_problems(BASE "contacts:\n  values:\n    hs_lead_stats: {NEW: Open}\n",
                    "crmsync.yaml:5:5: contacts.values.hs_lead_stats: 'hs_lead_stats' is not a "
                    "mapped HubSpot property (did you mean 'hs_lead_status'?) [R3, C7]");
    expect_problems(BASE "contacts:\n  values:\n    Status: {NEW: Open}\n",
                    "crmsync.yaml:5:5: contacts.values.Status: value maps are keyed by the "
                    "HubSpot property: 'Status' is the Salesforce field of 'hs_lead_status' "
                    "[R3, C6]");
    expect_problems(BASE "contacts:\n  values:\n    shoe_size: {big: Big}\n",
                    "crmsync.yaml:5:5: contacts.values.shoe_size: 'shoe_size' is not a mapped "
                    "HubSpot property; map it under contacts.mappings first [R3, C7]");
    expect_problems(BASE "contacts:\n  values:\n    salesforceleadid: {a: b}\n",
                    "crmsync.yaml:5:5: contacts.values.salesforceleadid: salesforceleadid is "
                    "maintained by crmsync and is not mapped; a value map belongs to a mapped "
                    "property [R3, MAPPINGS]");
    expect_problems(BASE "contacts:\n  values:\n    hubspot_owner_id: {a: b}\n",
                    "crmsync.yaml:5:5: contacts.values.hubspot_owner_id: hubspot_owner_id takes "
                    "no value map: owners are translated through Salesforce Users by email "
                    "(C17) [R3]");
    expect_problems(BASE "contacts:\n  values:\n    hs_email_optout: {a: b}\n",
                    "crmsync.yaml:5:5: contacts.values.hs_email_optout: hs_email_optout takes no "
                    "value map: the opt-out is a checkbox (C10) [R3]");
    expect_problems(BASE "contacts:\n  values: [hs_lead_status]\n",
                    "crmsync.yaml:4:11: contacts.values: expected a mapping of keys, got a list "
                    "[R3]");
    /* A refused custom mapping is reported once, not again for its values. */
    expect_problems(BASE "contacts:\n"
                         "  mappings:\n"
                         "    - {hubspot: tier, salesforce: AccountId}\n"
                         "  values:\n"
                         "    tier: {gold: Gold}\n",
                    "crmsync.yaml:5:23: contacts.mappings[0].salesforce: Lead/Contact field "
                    "AccountId is a lookup to an Account: a property cannot map to a lookup; the "
                    "account syncs through the company association (A2) and the default mapping "
                    "salesforceaccountid [C9, O3]");
}

Test(config_values, entries_must_be_strings)
{
    expect_problems(BASE "contacts:\n  values:\n    hs_lead_status: {1: Hot, true: Yes}\n",
                    "crmsync.yaml:5:22: contacts.values.hs_lead_status.1: the HubSpot option '1' "
                    "reads as a number in YAML; quote it (\"1\") if it is an option's internal "
                    "value [R3]\n"
                    "crmsync.yaml:5:30: contacts.values.hs_lead_status.true: the HubSpot option "
                    "'true' reads as a boolean in YAML; quote it (\"true\") if it is an option's "
                    "internal value [R3]");
    expect_problems(BASE "contacts:\n"
                         "  values:\n"
                         "    hs_lead_status:\n"
                         "      NEW: 2\n"
                         "      OPEN: [a, b]\n"
                         "      CONNECTED:\n"
                         "      BAD_TIMING: \"  \"\n"
                         "      ~: Open\n",
                    "crmsync.yaml:6:12: contacts.values.hs_lead_status.NEW: the Salesforce value "
                    "'2' reads as a number in YAML; quote it (\"2\") if it is a picklist value "
                    "[R3]\n"
                    "crmsync.yaml:7:13: contacts.values.hs_lead_status.OPEN: the Salesforce value "
                    "must be a string, got a list [R3]\n"
                    "crmsync.yaml:8:7: contacts.values.hs_lead_status.CONNECTED: the Salesforce "
                    "value must be a string, got null [R3]\n"
                    "crmsync.yaml:9:19: contacts.values.hs_lead_status.BAD_TIMING: the "
                    "Salesforce value must not be blank [R3]\n"
                    "crmsync.yaml:10:7: contacts.values.hs_lead_status.~: the HubSpot option "
                    "must be a string, got null [R3]");
    expect_problems(BASE "contacts:\n  values:\n    hs_lead_status: [NEW, OPEN]\n",
                    "crmsync.yaml:5:21: contacts.values.hs_lead_status: expected a mapping of "
                    "HubSpot option: Salesforce value (e.g. NEW: \"Open - Not Contacted\"), got "
                    "a list [R3]");
    char long_value[300];
    memset(long_value, 'x', 256);
    long_value[256] = '\0';
    char doc[600];
    snprintf(doc, sizeof doc, BASE "contacts: {values: {hs_lead_status: {NEW: %s}}}\n", long_value);
    expect_problems(doc, "crmsync.yaml:3:43: contacts.values.hs_lead_status.NEW: the Salesforce "
                         "value is 256 characters long; at most 255 [R3]");
}

Test(config_values, duplicates)
{
    /* The same HubSpot option twice: the YAML layer refuses it, with both lines. */
    expect_problems(BASE "contacts:\n"
                         "  values:\n"
                         "    hs_lead_status:\n"
                         "      NEW: Open\n"
                         "      NEW: Working\n",
                    "crmsync.yaml:7:7: duplicate key 'NEW' (first at line 6) [YAML]");
    /* The same property in contacts.values twice. */
    expect_problems(BASE "contacts:\n"
                         "  values:\n"
                         "    hs_lead_status: {NEW: Open}\n"
                         "    hs_lead_status: {NEW: Working}\n",
                    "crmsync.yaml:6:5: duplicate key 'hs_lead_status' (first at line 5) [YAML]");
    /* A custom mapping's values given twice. */
    expect_problems(BASE "contacts:\n"
                         "  mappings:\n"
                         "    - {hubspot: tier, salesforce: Tier__c, values: {gold: Gold}}\n"
                         "  values:\n"
                         "    tier: {gold: GOLD}\n",
                    "crmsync.yaml:7:5: contacts.values.tier: tier already has values in its "
                    "contacts.mappings entry (line 5): give them in one place [R3, C7]");
    /* Several options onto one Salesforce value are allowed (many to one). */
    cs_config *cfg =
        load_ok(BASE "contacts: {values: {hs_lead_status: {NEW: Open, OPEN: Open}}}\n");
    cr_expect_eq(lead_status(cfg)->nvalues, 2);
    cs_config_free(cfg);
}

Test(config_values, inline_values_errors)
{
    expect_problems(BASE "contacts:\n"
                         "  mappings:\n"
                         "    - {hubspot: tier, salesforce: Tier__c, values: [gold]}\n",
                    "crmsync.yaml:5:52: contacts.mappings[0].values: expected a mapping of "
                    "HubSpot option: Salesforce value (e.g. NEW: \"Open - Not Contacted\"), got "
                    "a list [R3]");
    expect_problems(BASE "contacts:\n"
                         "  mappings:\n"
                         "    - {hubspot: tier, salesforce: Tier__c, values: {gold: false}}\n",
                    "crmsync.yaml:5:59: contacts.mappings[0].values.gold: the Salesforce value "
                    "'false' reads as a boolean in YAML; quote it (\"false\") if it is a "
                    "picklist value [R3]");
}

/* ---- translation ---------------------------------------------------------------- */

static const cs_value_pair g_pairs[] = {
    {"NEW", "Open - Not Contacted", 0, 0},
    {"IN_PROGRESS", "Working - Contacted", 0, 0},
    {"CONNECTED", "Working - Contacted", 0, 0},
    {"OPEN_DEAL", "Closed - Converted", 0, 0},
};

static cs_field_mapping mapping(void)
{
    cs_field_mapping m;
    memset(&m, 0, sizeof m);
    m.hs = "hs_lead_status";
    m.sf_lead = "Status";
    m.values = g_pairs;
    m.nvalues = sizeof g_pairs / sizeof g_pairs[0];
    return m;
}

static const char *tr(const cs_field_mapping *m, cs_value_dir dir, const char *v, cs_buf *b)
{
    const char *out = "<untouched>";
    cr_assert_eq(cs_values_translate(m, dir, v, b, &out), 0);
    return out;
}

Test(config_values, translate_single_values)
{
    cs_field_mapping m = mapping();
    cs_buf b;
    cs_buf_init(&b, 1024);
    cr_expect_str_eq(tr(&m, CS_VALUES_TO_SF, "IN_PROGRESS", &b), "Working - Contacted");
    cr_expect_str_eq(tr(&m, CS_VALUES_TO_SF, "OPEN_DEAL", &b), "Closed - Converted");
    cr_expect_str_eq(tr(&m, CS_VALUES_TO_HS, "Working - Contacted", &b), "IN_PROGRESS",
                     "many to one: the first HS option listed");
    cr_expect_str_eq(tr(&m, CS_VALUES_TO_SF, "CONNECTED", &b), "Working - Contacted");
    cr_expect_str_eq(tr(&m, CS_VALUES_CANONICAL, "CONNECTED", &b), "IN_PROGRESS");
    cr_expect_str_eq(tr(&m, CS_VALUES_CANONICAL, "NEW", &b), "NEW");
    /* Unlisted values pass through unchanged, as the same pointer. */
    const char *odd = "Nurturing";
    cr_expect_eq(tr(&m, CS_VALUES_TO_HS, odd, &b), odd);
    cr_expect_eq(tr(&m, CS_VALUES_TO_SF, odd, &b), odd);
    cr_expect_eq(tr(&m, CS_VALUES_CANONICAL, odd, &b), odd);
    /* An SF value in HubSpot's terms is canonical: what SF holds reads back the same. */
    cr_expect_str_eq(tr(&m, CS_VALUES_CANONICAL, "Working - Contacted", &b), "IN_PROGRESS");
    /* Exact match only: no case folding, no trimming. */
    cr_expect_str_eq(tr(&m, CS_VALUES_TO_SF, "new", &b), "new");
    cr_expect_str_eq(tr(&m, CS_VALUES_TO_SF, "NEW ", &b), "NEW ");
    /* Blank values and mappings without a map. */
    cr_expect_null(tr(&m, CS_VALUES_TO_SF, NULL, &b));
    cr_expect_str_eq(tr(&m, CS_VALUES_TO_HS, "", &b), "");
    cs_field_mapping plain = m;
    plain.values = NULL;
    plain.nvalues = 0;
    const char *v = "IN_PROGRESS";
    cr_expect_eq(tr(&plain, CS_VALUES_TO_SF, v, &b), v);
    cr_expect_eq(tr(NULL, CS_VALUES_TO_SF, v, &b), v);
    cr_expect_eq(b.len, 0, "single values never use the scratch buffer");
    cs_buf_free(&b);
}

Test(config_values, translate_multi_select_values)
{
    cs_field_mapping m = mapping();
    cs_buf b;
    cs_buf_init(&b, 1024);
    cr_expect_str_eq(tr(&m, CS_VALUES_TO_SF, "NEW;OPEN_DEAL;Other", &b),
                     "Open - Not Contacted;Closed - Converted;Other");
    /* Items that become the same value appear once. */
    cr_expect_str_eq(tr(&m, CS_VALUES_TO_SF, "IN_PROGRESS;CONNECTED", &b), "Working - Contacted");
    cr_expect_str_eq(tr(&m, CS_VALUES_CANONICAL, "CONNECTED;NEW", &b), "IN_PROGRESS;NEW");
    cr_expect_str_eq(tr(&m, CS_VALUES_TO_HS, "Closed - Converted;Working - Contacted", &b),
                     "OPEN_DEAL;IN_PROGRESS");
    /* Nothing listed: the value itself. */
    const char *v = "a;b;c";
    cr_expect_eq(tr(&m, CS_VALUES_TO_SF, v, &b), v);
    /* The scratch buffer's maximum bounds the result. */
    cs_buf small;
    cs_buf_init(&small, 8);
    const char *out = "<untouched>";
    cr_expect_eq(cs_values_translate(&m, CS_VALUES_TO_SF, "NEW;OPEN_DEAL", &small, &out), -1);
    cr_expect_str_eq(out, "<untouched>");
    cs_buf_free(&small);
    cs_buf_free(&b);
}

/* ---- crmsync init ------------------------------------------------------------------- */

Test(config_values, init_text_shows_the_default_map)
{
    cs_config_init_options o = {.hubspot_port = 1, .salesforce_port = 2};
    cs_buf text;
    cs_buf_init(&text, 1 << 20);
    cs_err err;
    cr_assert_eq(cs_config_init_text(&o, &text, &err), 0, "%s", err.message);
    const char *t = cs_buf_str(&text);
    cr_assert_not_null(strstr(t, "  # values:\n  #   hs_lead_status:\n"
                                 "  #     NEW: \"Open - Not Contacted\"\n"
                                 "  #     IN_PROGRESS: \"Working - Contacted\"\n"),
                       "%s", t);
    cr_expect_not_null(strstr(t, "  #     BAD_TIMING: \"Closed - Not Converted\"\n"));
    /* Uncommented as it is, the block loads and equals the default. */
    cs_buf un;
    cs_buf_init(&un, 1 << 20);
    bool in_block = false;
    for (const char *line = t; *line != '\0';) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (strncmp(line, "  # values:", 11) == 0)
            in_block = true;
        else if (strncmp(line, "  #   ", 6) != 0)
            in_block = false;
        int rc = in_block ? cs_buf_append(&un, "  ", 2) | cs_buf_append(&un, line + 4, len - 4)
                          : cs_buf_append(&un, line, len);
        cr_assert_eq(rc, 0);
        line += len;
    }
    cs_config *cfg = load_ok(cs_buf_str(&un));
    const cs_field_mapping *m = lead_status(cfg);
    cr_assert_eq(m->nvalues, 8);
    cr_expect_str_eq(m->values[7].hs, "BAD_TIMING");
    cr_expect_gt(m->values[7].line, 0, "it came from the file");
    cs_config_free(cfg);
    cs_buf_free(&un);
    cs_buf_free(&text);
}

/* ---- crmsync check ------------------------------------------------------------------ */

static const char *const g_hs_options[] = {"NEW",       "OPEN",        "IN_PROGRESS",
                                           "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT",
                                           "CONNECTED", "BAD_TIMING"};
static const char *const g_sf_values[] = {"Open - Not Contacted", "Working - Contacted",
                                          "Closed - Converted", "Closed - Not Converted"};

static const cs_schema_field g_hs_fields[] = {
    {.name = "hs_lead_status",
     .type = "enumeration",
     .field_type = "radio",
     .options = g_hs_options,
     .option_count = 8,
     .createable = true,
     .updateable = true},
    {.name = "visits",
     .type = "number",
     .field_type = "number",
     .createable = true,
     .updateable = true},
};
static const cs_schema_field g_lead_fields[] = {
    {.name = "Status",
     .type = "picklist",
     .options = g_sf_values,
     .option_count = 4,
     .restricted_picklist = true,
     .createable = true,
     .updateable = true},
    {.name = "Visits__c", .type = "double", .createable = true, .updateable = true},
};
static const cs_schema g_hs = {"contacts", g_hs_fields, 2};
static const cs_schema g_lead = {"Lead", g_lead_fields, 2};

/* Every problem about property hs (the schemas above lack the other rows). */
static size_t problems_of(const cs_check_report *r, const char *hs, const cs_check_problem **out,
                          size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < cs_check_report_count(r); i++) {
        const cs_check_problem *p = cs_check_report_get(r, i);
        if (p->hs_property && strcmp(p->hs_property, hs) == 0 && n < max)
            out[n++] = p;
    }
    return n;
}

static cs_check_report *check(const char *yaml)
{
    cs_config *cfg = load_ok(yaml);
    cs_check_report *r = NULL;
    cs_err err;
    cr_assert_eq(cs_config_check(cfg, &g_hs, &g_lead, NULL, &r, &err), 0, "%s", err.message);
    cs_config_free(cfg);
    return r;
}

Test(config_values_check, default_map_fits_hubspot_and_salesforce_defaults)
{
    cs_check_report *r = check(BASE);
    const cs_check_problem *p[8];
    size_t n = problems_of(r, "hs_lead_status", p, 8);
    for (size_t i = 0; i < n; i++)
        cr_log_error("%s", p[i]->message);
    cr_expect_eq(n, 0);
    cs_check_report_free(r);

    /* Without the map, both sides lack each other's values. */
    r = check(BASE "contacts: {values: {hs_lead_status: {}}}\n");
    n = problems_of(r, "hs_lead_status", p, 8);
    cr_assert_eq(n, 2);
    cr_expect_eq(p[0]->severity, CS_CHECK_WARNING);
    cr_expect_not_null(strstr(p[0]->message, "Lead.Status (restricted picklist) lacks HubSpot "
                                             "options of hs_lead_status: 'NEW', 'OPEN'"),
                       "%s", p[0]->message);
    cr_expect_not_null(strstr(p[1]->message, "HubSpot property hs_lead_status lacks values of "
                                             "Lead.Status: 'Open - Not Contacted'"),
                       "%s", p[1]->message);
    cs_check_report_free(r);
}

Test(config_values_check, values_one_side_lacks_name_both)
{
    cs_check_report *r = check(BASE "contacts:\n"
                                    "  values:\n"
                                    "    hs_lead_status:\n"
                                    "      NEW: \"Open - Not Contacted\"\n"
                                    "      NURTURE: \"Working - Contacted\"\n"
                                    "      IN_PROGRESS: \"Working\"\n");
    const cs_check_problem *p[8];
    size_t n = problems_of(r, "hs_lead_status", p, 8);
    cr_assert_eq(n, 4);
    /* The HS option the property lacks: HubSpot's side, once. */
    cr_expect_null(p[0]->sf_object);
    cr_expect_eq(p[0]->severity, CS_CHECK_WARNING);
    cr_expect_str_eq(p[0]->message,
                     "the value map of hs_lead_status lists 'NURTURE' (for Salesforce 'Working - "
                     "Contacted'), which is not an option of HubSpot property hs_lead_status; "
                     "records with it become Property values errors (crmsync.yaml:7:7) [R3, R4]");
    /* HubSpot options still unmapped, and the Salesforce value the picklist lacks. */
    cr_expect_str_eq(p[1]->sf_object, "Lead");
    cr_expect_not_null(strstr(p[1]->message, "lacks HubSpot options of hs_lead_status (after the "
                                             "value map): 'OPEN', 'IN_PROGRESS'"),
                       "%s", p[1]->message);
    cr_expect_not_null(strstr(p[2]->message, "HubSpot property hs_lead_status lacks values of "
                                             "Lead.Status (after the value map): 'Working - "
                                             "Contacted', 'Closed - Converted'"),
                       "%s", p[2]->message);
    cr_expect_str_eq(p[3]->sf_field, "Status");
    cr_expect_str_eq(p[3]->message,
                     "the value map of hs_lead_status sends HubSpot option 'IN_PROGRESS' to "
                     "Lead.Status as 'Working', which is not a value of that restricted "
                     "picklist; records with it become Property values errors "
                     "(crmsync.yaml:8:7) [R3, R4]");
    cr_expect_eq(cs_check_report_errors(r) > 0, true, "the other rows are missing here");
    cs_check_report_free(r);
}

Test(config_values_check, unrestricted_picklist_stores_what_it_does_not_list)
{
    cs_schema_field lead[2];
    memcpy(lead, g_lead_fields, sizeof lead);
    lead[0].restricted_picklist = false;
    cs_schema open_lead = {"Lead", lead, 2};
    const char *yaml = BASE "contacts: {values: {hs_lead_status: {NEW: \"Fresh\"}}}\n";
    cs_config *cfg = load_ok(yaml);
    cs_check_report *r = NULL;
    cs_err err;
    cr_assert_eq(cs_config_check(cfg, &g_hs, &open_lead, NULL, &r, &err), 0, "%s", err.message);
    cs_config_free(cfg);
    const cs_check_problem *p[8];
    size_t n = problems_of(r, "hs_lead_status", p, 8);
    cr_assert_eq(n, 2);
    /* HubSpot lacks the SF values the map leaves unlisted; the map's own value. */
    cr_expect_not_null(strstr(p[0]->message, "HubSpot property hs_lead_status lacks values"));
    cr_expect_str_eq(p[1]->rule_ids, "R3");
    cr_expect_str_eq(p[1]->message,
                     "the value map of hs_lead_status sends HubSpot option 'NEW' to Lead.Status "
                     "as 'Fresh', which is not a value of that picklist; Salesforce stores it as "
                     "a value its picklist does not list (crmsync.yaml:3:38) [R3]");
    cs_check_report_free(r);
}

Test(config_values_check, map_on_a_number_is_an_error)
{
    cs_check_report *r = check(BASE "contacts:\n"
                                    "  mappings:\n"
                                    "    - {hubspot: visits, salesforce_lead: Visits__c,\n"
                                    "       values: {many: \"100\"}}\n");
    const cs_check_problem *p[4];
    size_t n = problems_of(r, "visits", p, 4);
    cr_assert_eq(n, 1);
    cr_expect_eq(p[0]->severity, CS_CHECK_ERROR);
    cr_expect_str_eq(p[0]->message, "visits has a value map, but it is a HubSpot number "
                                    "property: value maps translate enumeration options (or "
                                    "text) (crmsync.yaml:6:17) [R3]");
    cs_check_report_free(r);
}
