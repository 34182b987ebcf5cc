/* Unit tests of config/: loading crmsync.yaml into the mapping model, every
 * load-time error with its position and SPEC ids (C6, C7, C8, C9, C10, C13,
 * C15, C17, R1, R2, R6, MAPPINGS), the starter file of `crmsync init`,
 * secrets from the environment, and the live-schema check (R3, C9, O3). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/log.h"
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
    cr_assert_eq(rc, 0, "load failed: %s", err.message);
    cr_assert_not_null(cfg);
    return cfg;
}

/* Loads a document that must fail; returns every problem line (caller frees). */
static char *load_fail(const char *yaml)
{
    cs_config *cfg = NULL;
    cs_err err;
    cs_err_clear(&err);
    cs_buf all;
    cs_buf_init(&all, 1 << 20);
    int rc = cs_config_load_string_all("crmsync.yaml", yaml, strlen(yaml), &cfg, &all, &err);
    cr_assert_eq(rc, -1, "loaded although it should not:\n%s", yaml);
    cr_assert_null(cfg);
    cr_assert_eq(err.category, CS_ERR_CONFIG);
    /* err starts with the same first problem as the full list. */
    const char *first_nl = strchr(cs_buf_str(&all), '\n');
    cr_assert_not_null(first_nl);
    size_t first_len = (size_t)(first_nl - cs_buf_str(&all));
    cr_assert_eq(strncmp(err.message, cs_buf_str(&all), first_len), 0);
    char *text = cs_buf_take(&all);
    return text;
}

/* The document fails with exactly this one problem. */
static void expect_only(const char *yaml, const char *line)
{
    char *all = load_fail(yaml);
    size_t len = strlen(all);
    cr_expect(len > 0 && all[len - 1] == '\n');
    if (len > 0)
        all[len - 1] = '\0';
    cr_expect_str_eq(all, line, "document:\n%s\ngot:\n%s\nwant:\n%s", yaml, all, line);
    free(all);
}

/* ---- The example configuration ------------------------------------------ */

static char *fixture_path(const char *name)
{
    const char *self = __FILE__;
    const char *slash = strrchr(self, '/');
    size_t dir = slash ? (size_t)(slash - self) : 0;
    size_t n = dir + strlen("/data/config/") + strlen(name) + 1;
    char *p = malloc(n);
    cr_assert_not_null(p);
    snprintf(p, n, "%.*s/data/config/%s", (int)dir, self, name);
    return p;
}

Test(config_load, example_file_values)
{
    char *path = fixture_path("example.yaml");
    cs_config *cfg = NULL;
    cs_err err;
    cr_assert_eq(cs_config_load(path, &cfg, &err), 0, "%s", err.message);
    cr_expect_str_eq(cs_config_source(cfg), path);
    free(path);

    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_str_eq(ep->hubspot_base_url, "https://api.hubapi.com"); /* trailing / dropped */
    cr_expect_str_eq(ep->hubspot_token_env, "HUBSPOT_TOKEN");
    cr_expect_str_eq(ep->salesforce_instance_url, "https://example.my.salesforce.com");
    cr_expect_str_eq(ep->salesforce_api_version, "60.0");
    cr_expect_eq(ep->salesforce_auth, CS_SF_AUTH_TOKEN);
    cr_expect_str_eq(ep->salesforce_token_env, "SALESFORCE_TOKEN");
    cr_expect_str_eq(cs_config_store_url(cfg), "sqlite:crmsync.db");

    const cs_sync_settings *s = cs_config_sync(cfg);
    cr_expect_eq(s->interval_ms, 500);
    cr_expect_eq(s->overlap_ms, 3600000);
    cr_expect_eq(s->hs_batch_size, 50);
    cr_expect_eq(s->sf_batch_size, 150);
    cr_expect(!s->sf_api_budget.percent);
    cr_expect_eq(s->sf_api_budget.value, 12000);
    cr_expect(s->retry_budget.percent);
    cr_expect_eq(s->retry_budget.value, 60);

    const cs_contact_settings *c = cs_config_contacts(cfg);
    cr_expect_eq(c->create_salesforce_as, CS_CREATE_LEAD);
    cr_expect_eq(c->on_salesforce_change, CS_SF_CHANGE_CREATE_OR_UPDATE);
    cr_expect_str_eq(c->required_placeholder, "[not provided]");
    cr_expect_eq(c->conflict_winner, CS_WINNER_SALESFORCE);
    cr_expect_str_eq(c->inclusion_list, "42");
    cr_expect_eq(c->on_salesforce_delete, CS_DELETE_DELETE);
    cr_expect_eq(c->on_hubspot_delete, CS_DELETE_NOTHING);

    /* Rules changed under contacts.rules, with where they were set. */
    const cs_field_mapping *m = cs_config_mapping_by_hs(cfg, "firstname");
    cr_assert_not_null(m);
    cr_expect_eq(m->rule, CS_RULE_TWO_WAY);
    cr_expect_eq(m->line, 26);
    cr_expect_eq(cs_config_mapping_by_hs(cfg, "email")->rule, CS_RULE_TWO_WAY);
    cr_expect_eq(cs_config_mapping_by_hs(cfg, "phone")->rule, CS_RULE_ALWAYS_HS);
    cr_expect_eq(cs_config_mapping_by_hs(cfg, "lastname")->rule, CS_RULE_PREFER_SF_UNLESS_BLANK);
    cr_expect_eq(cs_config_mapping_by_hs(cfg, "lastname")->line, 0);

    /* Custom mappings follow the 24 defaults, in file order (C7, C8). */
    size_t n;
    const cs_field_mapping *all = cs_config_mappings(cfg, &n);
    cr_assert_eq(n, 24 + 3);
    const cs_field_mapping *fav = &all[24];
    cr_expect_str_eq(fav->hs, "favorite_color");
    cr_expect_str_eq(fav->sf_lead, "Favorite_Color__c"); /* C8: one name, both objects */
    cr_expect_str_eq(fav->sf_contact, "Favorite_Color__c");
    cr_expect_eq(fav->rule, CS_RULE_TWO_WAY);
    cr_expect_eq(fav->flags & CS_MAP_DEFAULT, 0);
    cr_expect_eq(fav->line, 28);
    cr_expect_eq(fav->column, 7);
    cr_expect_str_eq(all[25].hs, "region");
    cr_expect_str_eq(all[25].sf_lead, "Region__c");
    cr_expect_str_eq(all[25].sf_contact, "Sales_Region__c");
    cr_expect_eq(all[25].rule, CS_RULE_PREFER_SF_UNLESS_BLANK); /* the R1 default */
    cr_expect_str_eq(all[26].sf_lead, "Score__c");
    cr_expect_null(all[26].sf_contact);
    cr_expect_eq(all[26].rule, CS_RULE_ALWAYS_HS);
    cs_config_free(cfg);
}

Test(config_load, minimal_file_takes_every_default)
{
    cs_config *cfg = load_ok(BASE);
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_str_eq(ep->hubspot_token_env, "HUBSPOT_TOKEN");
    cr_expect_str_eq(ep->salesforce_api_version, "60.0");
    cr_expect_str_eq(ep->salesforce_token_env, "SALESFORCE_TOKEN");
    cr_expect_str_eq(cs_config_store_url(cfg), "sqlite:crmsync.db");
    const cs_sync_settings *s = cs_config_sync(cfg);
    cr_expect_eq(s->interval_ms, 2000);
    cr_expect_eq(s->overlap_ms, 300000);
    cr_expect_eq(s->hs_batch_size, 100);
    cr_expect_eq(s->sf_batch_size, 200);
    cr_expect_eq(s->hs_search_rate, 5, "HubSpot's 5 searches a second");
    cr_expect(s->sf_api_budget.percent && s->sf_api_budget.value == 80);
    cr_expect(s->retry_budget.percent && s->retry_budget.value == 75);
    const cs_contact_settings *c = cs_config_contacts(cfg);
    cr_expect_eq(c->create_salesforce_as, CS_CREATE_LEAD);
    cr_expect_eq(c->on_salesforce_change, CS_SF_CHANGE_CREATE_OR_UPDATE);
    cr_expect_str_eq(c->required_placeholder, "[not provided]");
    cr_expect_eq(c->conflict_winner, CS_WINNER_LATEST);
    cr_expect_null(c->inclusion_list);
    cr_expect_eq(c->on_salesforce_delete, CS_DELETE_NOTHING);
    cr_expect_eq(c->on_hubspot_delete, CS_DELETE_NOTHING);
    size_t n;
    cs_config_mappings(cfg, &n);
    cr_expect_eq(n, 24);
    cs_config_free(cfg);
}

/* MAPPINGS.md's contact table, written out independently of the code. */
static const struct {
    const char *hs, *lead, *contact, *rule;
} g_expected_defaults[] = {
    {"email", "Email", "Email", "prefer_sf_unless_blank"},
    {"firstname", "FirstName", "FirstName", "prefer_sf_unless_blank"},
    {"lastname", "LastName", "LastName", "prefer_sf_unless_blank"},
    {"salutation", "Salutation", "Salutation", "prefer_sf_unless_blank"},
    {"jobtitle", "Title", "Title", "prefer_sf_unless_blank"},
    {"phone", "Phone", "Phone", "prefer_sf_unless_blank"},
    {"fax", "Fax", "Fax", "prefer_sf_unless_blank"},
    {"company", "Company", NULL, "prefer_sf_unless_blank"},
    {"website", "Website", NULL, "prefer_sf_unless_blank"},
    {"industry", "Industry", NULL, "prefer_sf_unless_blank"},
    {"annualrevenue", "AnnualRevenue", NULL, "prefer_sf_unless_blank"},
    {"numemployees", "NumberOfEmployees", NULL, "prefer_sf_unless_blank"},
    {"address", "Street", "MailingStreet", "prefer_sf_unless_blank"},
    {"city", "City", "MailingCity", "prefer_sf_unless_blank"},
    {"state", "State", "MailingState", "prefer_sf_unless_blank"},
    {"zip", "PostalCode", "MailingPostalCode", "prefer_sf_unless_blank"},
    {"country", "Country", "MailingCountry", "prefer_sf_unless_blank"},
    {"hs_lead_status", "Status", NULL, "prefer_sf_unless_blank"},
    {"leadsource", "LeadSource", "LeadSource", "prefer_sf_unless_blank"},
    {"rating", "Rating", NULL, "prefer_sf_unless_blank"},
    {"description", "Description", "Description", "prefer_sf_unless_blank"},
    {"hubspot_owner_id", "OwnerId", "OwnerId", "two_way"},
    {"hs_email_optout", "HasOptedOutOfEmail", "HasOptedOutOfEmail", "fixed"},
    {"salesforceaccountid", NULL, "AccountId", "always_sf"},
};

static void expect_field(const char *got, const char *want, const char *hs)
{
    if (want == NULL)
        cr_expect_null(got, "%s: expected no field, got %s", hs, got);
    else
        cr_expect(got != NULL && strcmp(got, want) == 0, "%s: expected %s, got %s", hs, want,
                  got ? got : "(none)");
}

Test(config_defaults, every_default_row_with_its_default_rule)
{
    cs_config *cfg = load_ok(BASE);
    size_t n;
    const cs_field_mapping *m = cs_config_mappings(cfg, &n);
    size_t want = sizeof g_expected_defaults / sizeof g_expected_defaults[0];
    cr_assert_eq(n, want);
    for (size_t i = 0; i < want; i++) {
        cr_expect_str_eq(m[i].hs, g_expected_defaults[i].hs);
        expect_field(m[i].sf_lead, g_expected_defaults[i].lead, m[i].hs);
        expect_field(m[i].sf_contact, g_expected_defaults[i].contact, m[i].hs);
        cr_expect_str_eq(cs_rule_name(m[i].rule), g_expected_defaults[i].rule, "%s", m[i].hs);
        cr_expect(m[i].flags & CS_MAP_DEFAULT, "%s", m[i].hs);
        cr_expect(m[i].allowed & CS_RULE_BIT(m[i].rule), "%s: default rule not allowed", m[i].hs);
    }
    cs_config_free(cfg);
}

Test(config_defaults, special_rows_flags_and_allowed_rules)
{
    cs_config *cfg = load_ok(BASE);
    const cs_field_mapping *email = cs_config_mapping_by_hs(cfg, "email");
    cr_expect_eq(email->allowed,
                 CS_RULE_BIT(CS_RULE_PREFER_SF_UNLESS_BLANK) | CS_RULE_BIT(CS_RULE_TWO_WAY));
    cr_expect(email->flags & CS_MAP_EMAIL);
    const cs_field_mapping *owner = cs_config_mapping_by_hs(cfg, "hubspot_owner_id");
    cr_expect_eq(owner->allowed, CS_RULE_BIT(CS_RULE_TWO_WAY));
    cr_expect(owner->flags & CS_MAP_OWNER);
    const cs_field_mapping *optout = cs_config_mapping_by_hs(cfg, "hs_email_optout");
    cr_expect_eq(optout->allowed, CS_RULE_BIT(CS_RULE_FIXED_OPTOUT));
    cr_expect(optout->flags & CS_MAP_OPTOUT);
    const cs_field_mapping *acct = cs_config_mapping_by_hs(cfg, "salesforceaccountid");
    cr_expect_eq(acct->allowed, CS_RULE_BIT(CS_RULE_ALWAYS_SF));
    cr_expect(acct->flags & CS_MAP_ACCOUNT_ID);
    const cs_field_mapping *company = cs_config_mapping_by_hs(cfg, "company");
    cr_expect(company->flags & CS_MAP_LEAD_ONLY);
    cr_expect(company->flags & CS_MAP_SF_REQUIRED); /* C13 */
    cr_expect(cs_config_mapping_by_hs(cfg, "lastname")->flags & CS_MAP_SF_REQUIRED);
    cr_expect_eq(cs_config_mapping_by_hs(cfg, "phone")->allowed, CS_RULES_ANY);
    cr_expect_null(cs_config_mapping_by_hs(cfg, "salesforceleadid"));
    size_t n;
    const cs_maintained_property *mp = cs_config_maintained_properties(&n);
    cr_expect_eq(n, 4);
    cr_expect_str_eq(mp[0].name, "salesforceleadid");
    cr_expect_str_eq(mp[3].name, "salesforcelastsynctime");
    cs_config_free(cfg);
}

Test(config_rules, names_and_directions)
{
    for (int r = 0; r < CS_RULE_COUNT; r++) {
        cs_rule back;
        cr_expect_eq(cs_rule_parse(cs_rule_name((cs_rule)r), &back), 0);
        cr_expect_eq(back, (cs_rule)r);
    }
    cs_rule x;
    cr_expect_eq(cs_rule_parse("TWO_WAY", &x), -1);
    /* R1: which way each rule can copy values. */
    cr_expect(cs_rule_writes_sf(CS_RULE_PREFER_SF_UNLESS_BLANK)); /* fills a blank SF field */
    cr_expect(cs_rule_writes_hs(CS_RULE_PREFER_SF_UNLESS_BLANK));
    cr_expect(!cs_rule_writes_sf(CS_RULE_ALWAYS_SF));
    cr_expect(cs_rule_writes_hs(CS_RULE_ALWAYS_SF));
    cr_expect(cs_rule_writes_sf(CS_RULE_ALWAYS_HS));
    cr_expect(!cs_rule_writes_hs(CS_RULE_ALWAYS_HS));
    cr_expect(!cs_rule_writes_sf(CS_RULE_DONT_SYNC) && !cs_rule_writes_hs(CS_RULE_DONT_SYNC));
    cr_expect(cs_rule_writes_sf(CS_RULE_TWO_WAY) && cs_rule_writes_hs(CS_RULE_TWO_WAY));
    cr_expect(cs_rule_writes_sf(CS_RULE_PREFER_HS_UNLESS_BLANK) &&
              cs_rule_writes_hs(CS_RULE_PREFER_HS_UNLESS_BLANK));
}

Test(config_load, rules_change_within_allowed_sets)
{
    cs_config *cfg = load_ok(BASE "contacts:\n"
                                  "  rules:\n"
                                  "    email: two_way\n"
                                  "    hubspot_owner_id: two_way\n"
                                  "    hs_email_optout: fixed\n"
                                  "    salesforceaccountid: always_sf\n"
                                  "    company: dont_sync\n"
                                  "    jobtitle: prefer_hs_unless_blank\n");
    cr_expect_eq(cs_config_mapping_by_hs(cfg, "email")->rule, CS_RULE_TWO_WAY);
    cr_expect_eq(cs_config_mapping_by_hs(cfg, "company")->rule, CS_RULE_DONT_SYNC);
    cr_expect_eq(cs_config_mapping_by_hs(cfg, "jobtitle")->rule, CS_RULE_PREFER_HS_UNLESS_BLANK);
    cr_expect_eq(cs_config_mapping_by_hs(cfg, "jobtitle")->line, 10);
    cr_expect_eq(cs_config_mapping_by_hs(cfg, "jobtitle")->column, 5);
    cs_config_free(cfg);
}

Test(config_load, oauth_block_with_defaults)
{
    cs_config *cfg = load_ok("hubspot: {base_url: \"http://127.0.0.1:1\"}\n"
                             "salesforce:\n"
                             "  instance_url: https://x.my.salesforce.com/\n"
                             "  oauth: {}\n");
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_eq(ep->salesforce_auth, CS_SF_AUTH_OAUTH);
    cr_expect_eq(ep->oauth_grant, CS_OAUTH_REFRESH_TOKEN);
    cr_expect_str_eq(ep->oauth_token_url, "https://x.my.salesforce.com/services/oauth2/token");
    cr_expect_str_eq(ep->oauth_client_id_env, "SALESFORCE_CLIENT_ID");
    cr_expect_str_eq(ep->oauth_client_secret_env, "SALESFORCE_CLIENT_SECRET");
    cr_expect_str_eq(ep->oauth_refresh_token_env, "SALESFORCE_REFRESH_TOKEN");
    cs_config_free(cfg);

    cfg = load_ok("hubspot: {base_url: \"http://127.0.0.1:1\"}\n"
                  "salesforce:\n"
                  "  instance_url: https://x.my.salesforce.com\n"
                  "  oauth:\n"
                  "    grant: client_credentials\n"
                  "    token_url: https://login.example.com/services/oauth2/token\n"
                  "    client_id_env: MY_ID\n"
                  "    client_secret_env: MY_SECRET\n"
                  "store: postgresql://crm@db.internal/crmsync\n");
    ep = cs_config_endpoints(cfg);
    cr_expect_eq(ep->oauth_grant, CS_OAUTH_CLIENT_CREDENTIALS);
    cr_expect_str_eq(ep->oauth_token_url, "https://login.example.com/services/oauth2/token");
    cr_expect_str_eq(ep->oauth_client_id_env, "MY_ID");
    cr_expect_str_eq(ep->oauth_client_secret_env, "MY_SECRET");
    cr_expect_null(ep->oauth_refresh_token_env);
    cr_expect_str_eq(cs_config_store_url(cfg), "postgresql://crm@db.internal/crmsync");
    cs_config_free(cfg);
}

Test(config_load, nullable_settings_and_plain_api_version)
{
    cs_config *cfg = load_ok("hubspot: {base_url: \"http://127.0.0.1:1\"}\n"
                             "salesforce: {instance_url: \"http://127.0.0.1:2\", api_version: "
                             "61.0}\n"
                             "contacts:\n"
                             "  required_placeholder: null\n"
                             "  inclusion_list: ~\n"
                             "  create_salesforce_as: contact_if_company_linked\n"
                             "  on_salesforce_change: nothing\n"
                             "  mappings:\n"
                             "  rules:\n");
    cr_expect_str_eq(cs_config_endpoints(cfg)->salesforce_api_version, "61.0");
    const cs_contact_settings *c = cs_config_contacts(cfg);
    cr_expect_null(c->required_placeholder); /* C13: refuse instead of a placeholder */
    cr_expect_null(c->inclusion_list);
    cr_expect_eq(c->create_salesforce_as, CS_CREATE_CONTACT_IF_COMPANY_LINKED);
    cr_expect_eq(c->on_salesforce_change, CS_SF_CHANGE_NOTHING);
    cs_config_free(cfg);
}

Test(config_load, budgets_resolve_against_daily_allocation)
{
    cs_sync_settings s = {0};
    long sync, retry;
    s.sf_api_budget = (cs_budget){true, 80};
    s.retry_budget = (cs_budget){true, 75};
    cs_sync_call_limits(&s, 15000, &sync, &retry);
    cr_expect_eq(sync, 12000);
    cr_expect_eq(retry, 9000);
    s.sf_api_budget = (cs_budget){false, 20000}; /* never more than the org has */
    s.retry_budget = (cs_budget){false, 5000};
    cs_sync_call_limits(&s, 15000, &sync, &retry);
    cr_expect_eq(sync, 15000);
    cr_expect_eq(retry, 5000);
    s.sf_api_budget = (cs_budget){false, 1000};
    s.retry_budget = (cs_budget){true, 50};
    cs_sync_call_limits(&s, 0, &sync, &retry);
    cr_expect_eq(sync, 1000);
    cr_expect_eq(retry, 500);
}

Test(config_load, io_errors)
{
    cs_config *cfg = NULL;
    cs_err err;
    cr_expect_eq(cs_config_load("/nonexistent/crmsync.yaml", &cfg, &err), -1);
    cr_expect_eq(err.category, CS_ERR_IO);
    cr_expect(strstr(err.message, "/nonexistent/crmsync.yaml: cannot open") == err.message);
    cr_expect_null(cfg);
    cs_config_free(NULL);
}

/* ---- Errors: position, key path, message and SPEC ids --------------------- */

Test(config_errors, example_message_of_the_issue)
{
    /* A rule the row does not allow (C6, MAPPINGS): email keeps a valid
     * address, so only prefer_sf_unless_blank and two_way. */
    expect_only(BASE "contacts:\n"
                     "  create_salesforce_as: lead\n"
                     "  rules:\n"
                     "    email: always_hs\n",
                "crmsync.yaml:6:5: contacts.rules.email: rule 'always_hs' is not allowed for "
                "the default mapping email (allowed: prefer_sf_unless_blank, two_way) "
                "[C6, MAPPINGS]");
}

Test(config_errors, rules_the_fixed_rows_do_not_allow)
{
    expect_only(BASE "contacts:\n  rules:\n    hubspot_owner_id: prefer_sf_unless_blank\n",
                "crmsync.yaml:5:5: contacts.rules.hubspot_owner_id: rule "
                "'prefer_sf_unless_blank' is not allowed for the default mapping "
                "hubspot_owner_id (allowed: two_way) [C17, MAPPINGS]");
    expect_only(BASE "contacts:\n  rules:\n    hs_email_optout: two_way\n",
                "crmsync.yaml:5:5: contacts.rules.hs_email_optout: rule 'two_way' is not "
                "allowed for the default mapping hs_email_optout (allowed: fixed) "
                "[C10, MAPPINGS]");
    expect_only(BASE "contacts:\n  rules: {salesforceaccountid: two_way}\n",
                "crmsync.yaml:4:11: contacts.rules.salesforceaccountid: rule 'two_way' is not "
                "allowed for the default mapping salesforceaccountid (allowed: always_sf) "
                "[C6, MAPPINGS]");
    expect_only(BASE "contacts:\n  rules:\n    email: dont_sync\n",
                "crmsync.yaml:5:5: contacts.rules.email: rule 'dont_sync' is not allowed for "
                "the default mapping email (allowed: prefer_sf_unless_blank, two_way) "
                "[C6, MAPPINGS]");
    expect_only(BASE "contacts:\n  rules:\n    firstname: fixed\n",
                "crmsync.yaml:5:5: contacts.rules.firstname: rule 'fixed' is not allowed for "
                "the default mapping firstname (allowed: prefer_sf_unless_blank, always_sf, "
                "two_way, dont_sync, always_hs, prefer_hs_unless_blank) [C6, MAPPINGS]");
}

Test(config_errors, unknown_rule_name)
{
    expect_only(BASE "contacts:\n  rules:\n    firstname: tow_way\n",
                "crmsync.yaml:5:5: contacts.rules.firstname: unknown rule 'tow_way' (did you "
                "mean 'two_way'?) [R1]");
    expect_only(BASE "contacts:\n  rules:\n    firstname: sometimes\n",
                "crmsync.yaml:5:5: contacts.rules.firstname: unknown rule 'sometimes' (rules: "
                "prefer_sf_unless_blank, always_sf, two_way, dont_sync, always_hs, "
                "prefer_hs_unless_blank) [R1]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: x, salesforce: X__c, rule: "
                     "always_salesforce}\n",
                "crmsync.yaml:5:44: contacts.mappings[0].rule: unknown rule 'always_salesforce' "
                "(did you mean 'always_sf'?) [R1]");
}

Test(config_errors, removing_a_default_mapping_c6)
{
    /* Through contacts.mappings. */
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: firstname, salesforce: FirstName}\n",
                "crmsync.yaml:5:17: contacts.mappings[0]: firstname is a default mapping "
                "(FirstName/FirstName): it cannot be redefined, removed or disabled through "
                "contacts.mappings; change its rule under contacts.rules [C6, MAPPINGS]");
    expect_only(BASE "contacts:\n  mappings:\n    - hubspot: phone\n      remove: true\n",
                "crmsync.yaml:5:16: contacts.mappings[0]: phone is a default mapping "
                "(Phone/Phone): it cannot be redefined, removed or disabled through "
                "contacts.mappings; change its rule under contacts.rules [C6, MAPPINGS]\n"
                "crmsync.yaml:6:7: contacts.mappings[0].remove: unknown key (a mapping has "
                "hubspot, salesforce or salesforce_lead/salesforce_contact, rule and values) [C7]");
    /* By emptying its rule or naming a removal. */
    expect_only(BASE "contacts:\n  rules:\n    firstname: ~\n",
                "crmsync.yaml:5:5: contacts.rules.firstname: a default mapping cannot be "
                "removed; to stop syncing firstname use rule dont_sync [C6]");
    expect_only(BASE "contacts:\n  rules:\n    lastname:\n",
                "crmsync.yaml:5:5: contacts.rules.lastname: a default mapping cannot be "
                "removed; to stop syncing lastname use rule dont_sync [C6]");
    expect_only(BASE "contacts:\n  rules: {email: none}\n",
                "crmsync.yaml:4:11: contacts.rules.email: a default mapping cannot be removed; "
                "email allows only: prefer_sf_unless_blank, two_way [C6]");
    expect_only(BASE "contacts:\n  rules: {city: false}\n",
                "crmsync.yaml:4:11: contacts.rules.city: a default mapping cannot be removed; "
                "to stop syncing city use rule dont_sync [C6]");
    /* By a switch that does not exist. */
    expect_only(BASE "contacts:\n  default_mappings: false\n",
                "crmsync.yaml:4:3: contacts.default_mappings: default mappings cannot be "
                "removed or turned off; change a default's rule under contacts.rules "
                "(dont_sync where its row allows it) [C6]");
}

Test(config_errors, rules_keyed_by_something_else)
{
    expect_only(BASE "contacts:\n  rules:\n    Title: two_way\n",
                "crmsync.yaml:5:5: contacts.rules.Title: rules are keyed by the HubSpot "
                "property: 'Title' is the Salesforce field of 'jobtitle' [C6, MAPPINGS]");
    expect_only(BASE "contacts:\n  rules:\n    fristname: two_way\n",
                "crmsync.yaml:5:5: contacts.rules.fristname: 'fristname' is not a default "
                "mapping (did you mean 'firstname'?) [C6, MAPPINGS]");
    expect_only(BASE "contacts:\n  rules:\n    favorite_color: two_way\n"
                     "  mappings:\n    - {hubspot: favorite_color, salesforce: Fav__c}\n",
                "crmsync.yaml:5:5: contacts.rules.favorite_color: favorite_color is a custom "
                "mapping: set its rule in its contacts.mappings entry (line 7) [C7]");
}

Test(config_errors, custom_mapping_reuses_a_default_field)
{
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: mobile, salesforce: Phone}\n",
                "crmsync.yaml:5:25: contacts.mappings[0].salesforce: Lead/Contact field Phone "
                "is already mapped by the default mapping phone; change that mapping's rule "
                "under contacts.rules instead [C6, C7]");
    /* SF API names are case-insensitive. */
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: street2, salesforce_contact: "
                     "mailingstreet}\n",
                "crmsync.yaml:5:26: contacts.mappings[0].salesforce_contact: Contact field "
                "mailingstreet is already mapped by the default mapping address; change that "
                "mapping's rule under contacts.rules instead [C6, C7]");
}

Test(config_errors, custom_mapping_onto_a_lookup_c9)
{
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: acct, salesforce_contact: "
                     "AccountId}\n",
                "crmsync.yaml:5:23: contacts.mappings[0].salesforce_contact: Contact field "
                "AccountId is a lookup to an Account: a property cannot map to a lookup; the "
                "account syncs through the company association (A2) and the default mapping "
                "salesforceaccountid [C9, O3]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: rep, salesforce: OwnerId}\n",
                "crmsync.yaml:5:22: contacts.mappings[0].salesforce: Lead/Contact field OwnerId "
                "is a lookup to a User: a property cannot map to a lookup; the owner syncs "
                "through the default mapping hubspot_owner_id [C9, C17]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: boss, salesforce_contact: "
                     "ReportsToId}\n",
                "crmsync.yaml:5:23: contacts.mappings[0].salesforce_contact: Contact field "
                "ReportsToId is a lookup (reference): a property cannot map to a lookup "
                "[C9, O3]");
}

Test(config_errors, company_to_a_contact_field_c9)
{
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: company, salesforce_contact: "
                     "Company__c}\n",
                "crmsync.yaml:5:26: contacts.mappings[0]: company syncs only with leads "
                "(Lead.Company is text; a Contact's company is its Account, the AccountId "
                "lookup): it cannot map to Contact field 'Company__c' [C9]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: company, salesforce: Company}\n",
                "crmsync.yaml:5:26: contacts.mappings[0]: company syncs only with leads "
                "(Lead.Company is text; a Contact's company is its Account, the AccountId "
                "lookup): it cannot map to Contact field 'Company' [C9]");
}

Test(config_errors, custom_mapping_shape_c7_c8)
{
    expect_only(BASE "contacts:\n  mappings:\n    - {salesforce: X__c}\n",
                "crmsync.yaml:5:7: contacts.mappings[0].hubspot: required key is missing (the "
                "HubSpot property) [C7]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: x}\n",
                "crmsync.yaml:5:7: contacts.mappings[0].salesforce: required key is missing: "
                "salesforce, or salesforce_lead and/or salesforce_contact [C7, C8]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: x, salesforce: X__c, "
                     "salesforce_lead: Y__c}\n",
                "crmsync.yaml:5:38: contacts.mappings[0].salesforce_lead: give either "
                "salesforce (the same field on Lead and Contact) or "
                "salesforce_lead/salesforce_contact, not both [C8]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: x, salesforce: X__c, type: "
                     "string}\n",
                "crmsync.yaml:5:38: contacts.mappings[0].type: no type is needed: types come "
                "from both sides' live schemas (crmsync check) [R3]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: x, salesforce: X__c}\n"
                     "    - {hubspot: x, salesforce: Y__c}\n",
                "crmsync.yaml:6:17: contacts.mappings[1].hubspot: x is already mapped (line "
                "5): a property takes one mapping [C7]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: x, salesforce_lead: X__c}\n"
                     "    - {hubspot: y, salesforce_lead: x__C}\n",
                "crmsync.yaml:6:20: contacts.mappings[1].salesforce_lead: Lead field x__C is "
                "already mapped to x (line 5): a field takes one mapping [C7]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: x, salesforce: X__c, rule: "
                     "fixed}\n",
                "crmsync.yaml:5:44: contacts.mappings[0].rule: rule 'fixed' belongs to the "
                "default mapping hs_email_optout only [C10]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: salesforceleadid, salesforce: "
                     "L__c}\n",
                "crmsync.yaml:5:17: contacts.mappings[0].hubspot: salesforceleadid is "
                "maintained by crmsync (read-only for users) and cannot be mapped [MAPPINGS]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: \"my prop\", salesforce: X__c}\n",
                "crmsync.yaml:5:17: contacts.mappings[0].hubspot: 'my prop' is not a HubSpot "
                "property internal name (letters, digits, _) [C7]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: x, salesforce: X-c}\n",
                "crmsync.yaml:5:32: contacts.mappings[0].salesforce: 'X-c' is not a Salesforce "
                "field API name (letters, digits, _) [C7]");
    expect_only(BASE "contacts:\n  mappings:\n    - hubspot\n",
                "crmsync.yaml:5:7: contacts.mappings[0]: expected a mapping such as { hubspot: "
                "favorite_color, salesforce: Favorite_Color__c, rule: two_way }, got a string "
                "[C7]");
}

Test(config_errors, fields_the_other_system_sets_r1)
{
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: sf_created, salesforce: "
                     "CreatedDate, rule: two_way}\n",
                "crmsync.yaml:5:29: contacts.mappings[0].salesforce: Salesforce sets "
                "Lead/Contact field CreatedDate itself and refuses writes; only rule always_sf "
                "can read it into HubSpot [R1, C7]");
    cs_config *cfg = load_ok(BASE "contacts:\n  mappings:\n    - {hubspot: sf_created, "
                                  "salesforce: CreatedDate, rule: always_sf}\n"
                                  "    - {hubspot: createdate, salesforce: HS_Created__c, "
                                  "rule: always_hs}\n");
    cs_config_free(cfg);
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: createdate, salesforce: "
                     "HS_Created__c}\n",
                "crmsync.yaml:5:17: contacts.mappings[0].hubspot: HubSpot sets createdate "
                "itself and refuses writes; only rule always_hs can send it to Salesforce "
                "[R1, C7]");
}

Test(config_errors, unknown_keys_with_suggestions)
{
    expect_only(BASE "hubspt:\n  base_url: x\n",
                "crmsync.yaml:3:1: hubspt: unknown key (did you mean 'hubspot'?) [config]");
    expect_only("hubspot:\n  base_ulr: http://h\n  base_url: http://h\n"
                "salesforce: {instance_url: \"http://s\"}\n",
                "crmsync.yaml:2:3: hubspot.base_ulr: unknown key (did you mean 'base_url'?) "
                "[config]");
    expect_only(BASE "contacts:\n  create_salesforce: lead\n",
                "crmsync.yaml:4:3: contacts.create_salesforce: unknown key (did you mean "
                "'create_salesforce_as'?) [config]");
    expect_only(BASE "sync:\n  intervall: 2s\n",
                "crmsync.yaml:4:3: sync.intervall: unknown key (did you mean 'interval'?) "
                "[config]");
    expect_only(BASE "deals: {}\n", "crmsync.yaml:3:1: deals: unknown key [config]");
    expect_only(BASE "contacts:\n  mappings:\n    - {hubspot: x, salesfroce: X__c}\n",
                "crmsync.yaml:5:7: contacts.mappings[0].salesforce: required key is missing: "
                "salesforce, or salesforce_lead and/or salesforce_contact [C7, C8]\n"
                "crmsync.yaml:5:20: contacts.mappings[0].salesfroce: unknown key (did you mean "
                "'salesforce'?) [C7]");
}

Test(config_errors, wrong_value_types)
{
    expect_only(BASE "sync:\n  hs_batch_size: many\n",
                "crmsync.yaml:4:18: sync.hs_batch_size: expected a whole number, got 'many' "
                "[config]");
    expect_only(BASE "sync:\n  hs_batch_size: \"50\"\n",
                "crmsync.yaml:4:18: sync.hs_batch_size: expected a whole number, got a string "
                "[config]");
    expect_only(BASE "sync:\n  hs_batch_size: 101\n",
                "crmsync.yaml:4:18: sync.hs_batch_size: 101 is out of range (1 to 100) "
                "[config]");
    expect_only(BASE "sync:\n  hs_search_rate: 101\n",
                "crmsync.yaml:4:19: sync.hs_search_rate: 101 is out of range (0 to 100) "
                "[config]");
    expect_only(BASE "sync:\n  sf_batch_size: 0\n",
                "crmsync.yaml:4:18: sync.sf_batch_size: 0 is out of range (1 to 200) [config]");
    expect_only(BASE "contacts:\n  rules: [firstname]\n",
                "crmsync.yaml:4:10: contacts.rules: expected a mapping of keys, got a list "
                "[C6, MAPPINGS]");
    expect_only(BASE "contacts:\n  mappings: {hubspot: x}\n",
                "crmsync.yaml:4:13: contacts.mappings: expected a list, got a mapping [C7]");
    expect_only(BASE "contacts:\n  required_placeholder: true\n",
                "crmsync.yaml:4:25: contacts.required_placeholder: expected a string or null, "
                "got a boolean [C13]");
    expect_only(BASE "contacts:\n  create_salesforce_as: [lead]\n",
                "crmsync.yaml:4:25: contacts.create_salesforce_as: expected one of: lead | "
                "contact | contact_if_company_linked, got a list [C15]");
    expect_only(BASE "contacts:\n  create_salesforce_as: leads\n",
                "crmsync.yaml:4:25: contacts.create_salesforce_as: unknown value 'leads' (did "
                "you mean 'lead'?; one of: lead | contact | contact_if_company_linked) [C15]");
    expect_only(BASE "contacts:\n  on_salesforce_change: ignore\n",
                "crmsync.yaml:4:25: contacts.on_salesforce_change: unknown value 'ignore' (one "
                "of: create_or_update | nothing) [C3]");
    expect_only(BASE "contacts:\n  conflict_winner: newest\n",
                "crmsync.yaml:4:20: contacts.conflict_winner: unknown value 'newest' (one of: "
                "latest | hubspot | salesforce) [R1]");
    expect_only(BASE "contacts:\n  on_hubspot_delete: remove\n",
                "crmsync.yaml:4:22: contacts.on_hubspot_delete: unknown value 'remove' (one of: "
                "nothing | delete) [C16]");
    expect_only(BASE "contacts:\n  inclusion_list: my-list\n",
                "crmsync.yaml:4:19: contacts.inclusion_list: 'my-list' is not a HubSpot list id "
                "(digits, e.g. 42); use null to sync every contact [C2]");
    expect_only(BASE "contacts:\n  required_placeholder: \"  \"\n",
                "crmsync.yaml:4:25: contacts.required_placeholder: the placeholder must be 1 to "
                "80 characters and not blank; use null to refuse records that lack a required "
                "value [C13]");
    expect_only(BASE "contacts: [a]\n",
                "crmsync.yaml:3:11: contacts: expected a mapping of keys, got a list [config]");
    expect_only("- a\n- b\n", "crmsync.yaml:1:1: expected a mapping of sections (hubspot, "
                              "salesforce, store, sync, contacts), got a list [config]");
}

Test(config_errors, endpoints_and_secrets_names)
{
    expect_only("hubspot: {base_url: \"ftp://h\"}\nsalesforce: {instance_url: \"http://s\"}\n",
                "crmsync.yaml:1:21: hubspot.base_url: 'ftp://h' is not an http:// or https:// "
                "URL without query or fragment [config]");
    expect_only(BASE "hubspot: {base_url: \"http://h\", token_env: \"pat-na1-1234\"}\n",
                "crmsync.yaml:3:1: duplicate key 'hubspot' (first at line 1) [YAML]");
    expect_only("hubspot: {base_url: \"http://h\", token_env: \"pat-na1-1234\"}\n"
                "salesforce: {instance_url: \"http://s\"}\n",
                "crmsync.yaml:1:44: hubspot.token_env: 'pat-na1-1234' is not an environment "
                "variable name (the file names the variable holding the secret, never the "
                "secret itself) [config]");
    expect_only("hubspot: {base_url: \"http://h\"}\n"
                "salesforce: {instance_url: \"http://s\", api_version: \"v60\"}\n",
                "crmsync.yaml:2:53: salesforce.api_version: 'v60' is not a Salesforce API "
                "version such as \"60.0\" [config]");
    expect_only("hubspot: {base_url: \"http://h\"}\n"
                "salesforce:\n  instance_url: http://s\n  token_env: SF\n"
                "  oauth: {grant: refresh_token}\n",
                "crmsync.yaml:5:3: salesforce.oauth: give either token_env (line 4) or an oauth "
                "block, not both [config]");
    expect_only("hubspot: {base_url: \"http://h\"}\n"
                "salesforce:\n  instance_url: http://s\n"
                "  oauth: {grant: client_credentials, refresh_token_env: RT}\n",
                "crmsync.yaml:4:38: salesforce.oauth.refresh_token_env: the client_credentials "
                "grant uses no refresh token; remove this key or use grant: refresh_token "
                "[config]");
    expect_only("hubspot: {base_url: \"http://h\"}\n"
                "salesforce:\n  instance_url: http://s\n"
                "  oauth: {grant: password}\n",
                "crmsync.yaml:4:18: salesforce.oauth.grant: unknown value 'password' (one of: "
                "refresh_token | client_credentials) [config]");
}

Test(config_errors, missing_required_keys)
{
    expect_only("salesforce: {instance_url: \"http://s\"}\n",
                "crmsync.yaml:1:1: hubspot.base_url: required key is missing [config]");
    expect_only("hubspot:\n  token_env: HS\nsalesforce: {instance_url: \"http://s\"}\n",
                "crmsync.yaml:1:1: hubspot.base_url: required key is missing [config]");
    expect_only("hubspot: {base_url: \"http://h\"}\nsalesforce:\n",
                "crmsync.yaml:2:1: salesforce.instance_url: required key is missing [config]");
    expect_only("", "crmsync.yaml:1:1: hubspot.base_url: required key is missing [config]\n"
                    "crmsync.yaml:1:1: salesforce.instance_url: required key is missing "
                    "[config]");
}

Test(config_errors, store_urls)
{
    expect_only(BASE "store: mysql://db/crm\n",
                "crmsync.yaml:3:8: store: 'mysql://db/crm' is not a store URL (sqlite:PATH or "
                "postgres://user@host/db) [config]");
    expect_only(BASE "store: \"sqlite:\"\n",
                "crmsync.yaml:3:8: store: 'sqlite:' is not a store URL (sqlite:PATH or "
                "postgres://user@host/db) [config]");
    expect_only(BASE "store: crmsync.db\n",
                "crmsync.yaml:3:8: store: 'crmsync.db' is not a store URL (sqlite:PATH or "
                "postgres://user@host/db) [config]");
    cs_config *cfg = load_ok(BASE "store: postgres://u@h/db\n");
    cr_expect_str_eq(cs_config_store_url(cfg), "postgres://u@h/db");
    cs_config_free(cfg);
    cfg = load_ok(BASE "store: sqlite:/var/lib/crmsync/state.db\n");
    cr_expect_str_eq(cs_config_store_url(cfg), "sqlite:/var/lib/crmsync/state.db");
    cs_config_free(cfg);
}

Test(config_errors, durations_and_budgets)
{
    expect_only(BASE "sync:\n  interval: 5\n",
                "crmsync.yaml:4:13: sync.interval: '5' needs a unit: ms, s, m or h (e.g. 5s) "
                "[R2]");
    expect_only(BASE "sync:\n  overlap: 5 minutes\n",
                "crmsync.yaml:4:12: sync.overlap: '5 minutes' is not a duration (a whole number "
                "and ms, s, m or h: 2s, 500ms, 5m, 1h) [R2]");
    expect_only(BASE "sync:\n  interval: 25h\n",
                "crmsync.yaml:4:13: sync.interval: 25h is out of range (100ms to 24h) [R2]");
    expect_only(BASE "sync:\n  interval: 50ms\n",
                "crmsync.yaml:4:13: sync.interval: 50ms is out of range (100ms to 24h) [R2]");
    expect_only(BASE "sync:\n  sf_api_budget: 120%\n",
                "crmsync.yaml:4:18: sync.sf_api_budget: 120% is out of range (1% to 100%) [R6]");
    expect_only(BASE "sync:\n  sf_api_budget: lots\n",
                "crmsync.yaml:4:18: sync.sf_api_budget: 'lots' is not a budget (a number of "
                "calls per 24 hours such as 12000, or a percentage of the daily allocation such "
                "as 80%) [R6]");
    expect_only(BASE "sync:\n  sf_api_budget: 1000\n  retry_budget: 2000\n",
                "crmsync.yaml:5:17: sync.retry_budget: 2000 calls is more than "
                "sync.sf_api_budget (1000): retries stop before the budget, never after [R6]");
    cs_config *cfg = load_ok(BASE "sync:\n  interval: 1h\n  overlap: 0s\n");
    cr_expect_eq(cs_config_sync(cfg)->interval_ms, 3600000);
    cr_expect_eq(cs_config_sync(cfg)->overlap_ms, 0);
    cs_config_free(cfg);
}

Test(config_errors, invalid_yaml_with_libfyaml_positions)
{
    char *all = load_fail(BASE "contacts:\n  rules: {firstname: two_way\n");
    cr_expect(strstr(all, "crmsync.yaml:") == all);
    cr_expect(strstr(all, "[YAML]") != NULL);
    cr_expect(strstr(all, "flow mapping") != NULL, "%s", all);
    free(all);
    all = load_fail(BASE "contacts:\n  rules:\n    email: two_way\n   firstname: two_way\n");
    int line = 0, col = 0;
    cr_expect_eq(sscanf(all, "crmsync.yaml:%d:%d:", &line, &col), 2, "%s", all);
    cr_expect(line >= 5 && line <= 6, "%s", all);
    cr_expect(strstr(all, "[YAML]") != NULL);
    free(all);
    expect_only(BASE "contacts: &c {}\nsync: *c\n",
                "crmsync.yaml:4:7: aliases (*name) are not supported; write the value out "
                "[YAML]");
    expect_only(BASE "store: !!str sqlite:x\n",
                "crmsync.yaml:3:8: YAML tags (!!type) are not used here [YAML]");
    expect_only(BASE "---\nstore: sqlite:x\n",
                "crmsync.yaml:3:1: crmsync.yaml holds one YAML document; found a second one "
                "[YAML]");
    const char nul[] = "hubspot:\n  base_url: \"http://h\0\"\n";
    cs_config *cfg = NULL;
    cs_err err;
    cr_expect_eq(cs_config_load_string("crmsync.yaml", nul, sizeof nul - 1, &cfg, &err), -1);
    cr_expect_str_eq(err.message, "crmsync.yaml:2:22: the file contains a NUL byte [YAML]");
    /* Refused before libfyaml sees it: a directive with invalid UTF-8 made
     * libfyaml 0.7 loop forever. */
    const char bad_utf8[] = "%x\xd3\n";
    cr_expect_eq(cs_config_load_string("crmsync.yaml", bad_utf8, sizeof bad_utf8 - 1, &cfg, &err),
                 -1);
    cr_expect_str_eq(err.message, "crmsync.yaml:1:3: the file is not valid UTF-8 here [YAML]");
    const char overlong[] = BASE "store: \"sqlite:\xc0\xaf\"\n";
    cr_expect_eq(cs_config_load_string("crmsync.yaml", overlong, sizeof overlong - 1, &cfg, &err),
                 -1);
    cr_expect_str_eq(err.message, "crmsync.yaml:3:16: the file is not valid UTF-8 here [YAML]");
    cfg = load_ok(BASE "contacts: {required_placeholder: \"[non fourni] \xc3\xa9\"}\n");
    cr_expect_str_eq(cs_config_contacts(cfg)->required_placeholder, "[non fourni] \xc3\xa9");
    cs_config_free(cfg);
}

Test(config_errors, duplicate_keys)
{
    expect_only(BASE "contacts:\n  rules:\n    firstname: two_way\n    firstname: always_sf\n",
                "crmsync.yaml:6:5: duplicate key 'firstname' (first at line 5) [YAML]");
    expect_only(BASE "store: sqlite:a\nstore: sqlite:b\n",
                "crmsync.yaml:4:1: duplicate key 'store' (first at line 3) [YAML]");
}

Test(config_errors, every_problem_in_file_order)
{
    /* The walker visits mappings before rules; problems come out in file
     * order all the same, and every one is reported. */
    char *all = load_fail(BASE "sync:\n  interval: 5\n"
                               "contacts:\n"
                               "  rules:\n    email: always_hs\n"
                               "  mappings:\n    - {hubspot: phone, salesforce: Phone}\n"
                               "  bogus: 1\n");
    const char *want = "crmsync.yaml:4:13: sync.interval:";
    cr_expect(strncmp(all, want, strlen(want)) == 0, "%s", all);
    const char *a = strstr(all, "contacts.rules.email");
    const char *b = strstr(all, "contacts.mappings[0]");
    const char *c = strstr(all, "contacts.bogus");
    cr_expect(a && b && c && a < b && b < c, "%s", all);
    int lines = 0;
    for (const char *p = all; *p; p++)
        lines += *p == '\n';
    cr_expect_eq(lines, 4, "%s", all);
    free(all);
}

Test(config_errors, err_message_is_bounded_and_counts_the_rest)
{
    cs_buf doc;
    cs_buf_init(&doc, 1 << 20);
    cs_buf_append_str(&doc, BASE "contacts:\n  rules:\n");
    for (int i = 0; i < 100; i++)
        cs_buf_appendf(&doc, "    nosuch%d: two_way\n", i);
    cs_config *cfg = NULL;
    cs_err err;
    cr_assert_eq(cs_config_load_string("crmsync.yaml", cs_buf_str(&doc), doc.len, &cfg, &err), -1);
    cr_expect(strlen(err.message) < CS_ERR_MESSAGE_MAX);
    cr_expect(strstr(err.message, "more problems)") != NULL, "%s", err.message);
    cs_buf_free(&doc);
}

/* ---- crmsync init ---------------------------------------------------------- */

Test(config_init, starter_file_loads_back_with_the_defaults)
{
    cs_config_init_options opts = {.hubspot_port = 18081, .salesforce_port = 18082};
    cs_buf out;
    cs_buf_init(&out, 1 << 20);
    cs_err err;
    cr_assert_eq(cs_config_init_text(&opts, &out, &err), 0, "%s", err.message);
    const char *text = cs_buf_str(&out);
    cr_expect(strstr(text, "# ") == text); /* commented */
    cs_config *cfg = load_ok(text);
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_str_eq(ep->hubspot_base_url, "http://127.0.0.1:18081");
    cr_expect_str_eq(ep->salesforce_instance_url, "http://127.0.0.1:18082");
    cr_expect_str_eq(cs_config_store_url(cfg), "sqlite:crmsync.db");
    const cs_sync_settings *s = cs_config_sync(cfg);
    cr_expect_eq(s->interval_ms, 2000);
    cr_expect_eq(s->overlap_ms, 300000);
    cr_expect_str_eq(cs_config_contacts(cfg)->required_placeholder, "[not provided]");
    size_t n;
    const cs_field_mapping *m = cs_config_mappings(cfg, &n);
    cr_expect_eq(n, 24);
    for (size_t i = 0; i < n; i++) {
        cr_expect_str_eq(cs_rule_name(m[i].rule), g_expected_defaults[i].rule, "%s", m[i].hs);
        cr_expect(m[i].line > 0, "%s: the starter file names every default's rule", m[i].hs);
    }
    cs_config_free(cfg);
    cs_buf_free(&out);

    opts.store = "sqlite:/tmp/with \"quote\".db";
    cs_buf_init(&out, 1 << 20);
    cr_assert_eq(cs_config_init_text(&opts, &out, &err), 0);
    cfg = load_ok(cs_buf_str(&out));
    cr_expect_str_eq(cs_config_store_url(cfg), "sqlite:/tmp/with \"quote\".db");
    cs_config_free(cfg);
    cs_buf_free(&out);

    opts.hubspot_port = 0;
    cs_buf_init(&out, 1 << 20);
    cr_expect_eq(cs_config_init_text(&opts, &out, &err), -1);
    cs_buf_free(&out);
}

/* ---- Secrets --------------------------------------------------------------- */

Test(config_secrets, read_from_the_environment_only)
{
    cs_config *cfg = load_ok("hubspot: {base_url: \"http://h\", token_env: CFGTEST_HS}\n"
                             "salesforce: {instance_url: \"http://s\", token_env: CFGTEST_SF}\n");
    cs_credentials c;
    memset(&c, 0x5a, sizeof c); /* untouched on failure */
    cs_err err;
    unsetenv("CFGTEST_HS");
    unsetenv("CFGTEST_SF");
    cr_expect_eq(cs_config_credentials(cfg, &c, &err), -1);
    cr_expect_eq(err.category, CS_ERR_AUTH);
    cr_expect_str_eq(err.message, "environment variable CFGTEST_HS is not set (it must hold the "
                                  "HubSpot private-app token)");
    setenv("CFGTEST_HS", "pat-na1-secret-value\n", 1);
    cr_expect_eq(cs_config_credentials(cfg, &c, &err), -1);
    cr_expect(strstr(err.message, "CFGTEST_SF") != NULL);
    cr_expect(strstr(err.message, "secret-value") == NULL);
    setenv("CFGTEST_SF", "00Dxx!sf-token", 1);
    cr_assert_eq(cs_config_credentials(cfg, &c, &err), 0, "%s", err.message);
    cr_expect_str_eq(c.hubspot_token, "pat-na1-secret-value"); /* trailing newline trimmed */
    cr_expect_str_eq(c.salesforce_token, "00Dxx!sf-token");
    cr_expect_null(c.salesforce_client_id);
    cs_credentials_dispose(&c);
    cr_expect_null(c.hubspot_token);
    cs_credentials_dispose(NULL);

    setenv("CFGTEST_SF", "abc\r\nX-Injected: 1", 1);
    cr_expect_eq(cs_config_credentials(cfg, &c, &err), -1);
    cr_expect_str_eq(err.message, "environment variable CFGTEST_SF contains control characters");
    cs_config_free(cfg);
}

Test(config_secrets, values_are_redacted_in_logs, .init = cr_redirect_stderr)
{
    cs_config *cfg = load_ok("hubspot: {base_url: \"http://h\", token_env: CFGTEST_HS3}\n"
                             "salesforce: {instance_url: \"http://s\", token_env: CFGTEST_SF3}\n");
    setenv("CFGTEST_HS3", "pat-na1-0f1e2d3c", 1);
    setenv("CFGTEST_SF3", "00DAbCdEfGhIjK!sf", 1);
    cs_credentials c;
    cs_err err;
    cr_assert_eq(cs_config_credentials(cfg, &c, &err), 0, "%s", err.message);
    cs_log_set_level(CS_LOG_INFO);
    cs_info("test", "hs=%s sf=%s", c.hubspot_token, c.salesforce_token);
    fflush(stderr);
    char line[4096] = {0};
    size_t n = fread(line, 1, sizeof line - 1, cr_get_redirected_stderr());
    line[n] = '\0';
    cr_expect_null(strstr(line, "pat-na1-0f1e2d3c"), "%s", line);
    cr_expect_null(strstr(line, "00DAbCdEfGhIjK!sf"), "%s", line);
    cr_expect_not_null(strstr(line, "hs=[redacted] sf=[redacted]"), "%s", line);
    cs_credentials_dispose(&c);
    cs_config_free(cfg);
}

Test(config_secrets, oauth_variables)
{
    cs_config *cfg = load_ok("hubspot: {base_url: \"http://h\", token_env: CFGTEST_HS2}\n"
                             "salesforce:\n  instance_url: http://s\n"
                             "  oauth: {client_id_env: CFGTEST_ID, client_secret_env: CFGTEST_CS, "
                             "refresh_token_env: CFGTEST_RT}\n");
    setenv("CFGTEST_HS2", "hs-token", 1);
    setenv("CFGTEST_ID", "client-id", 1);
    setenv("CFGTEST_CS", "client-secret", 1);
    unsetenv("CFGTEST_RT");
    cs_credentials c;
    cs_err err;
    cr_expect_eq(cs_config_credentials(cfg, &c, &err), -1);
    cr_expect_str_eq(err.message, "environment variable CFGTEST_RT is not set (it must hold the "
                                  "Salesforce refresh token)");
    setenv("CFGTEST_RT", "refresh-token", 1);
    cr_assert_eq(cs_config_credentials(cfg, &c, &err), 0, "%s", err.message);
    cr_expect_null(c.salesforce_token);
    cr_expect_str_eq(c.salesforce_client_id, "client-id");
    cr_expect_str_eq(c.salesforce_client_secret, "client-secret");
    cr_expect_str_eq(c.salesforce_refresh_token, "refresh-token");
    cs_credentials_dispose(&c);
    cs_config_free(cfg);
}

/* ---- Live schemas (crmsync check) ------------------------------------------ */

#define HSF(n, t, ft)                                                                              \
    {                                                                                              \
        .name = n, .type = t, .field_type = ft, .createable = true, .updateable = true             \
    }
#define SFF(n, t)                                                                                  \
    {                                                                                              \
        .name = n, .type = t, .createable = true, .updateable = true                               \
    }

static const char *const g_color_hs_options[] = {"red", "green", "blue"};
static const char *const g_color_sf_options[] = {"red", "green"};
/* HubSpot's lead status options and Salesforce's default Lead Status values:
 * they agree only through the default value map (R3). */
static const char *const g_hs_status_options[] = {
    "NEW",       "OPEN",      "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "ATTEMPTED_TO_CONTACT",
    "CONNECTED", "BAD_TIMING"};
static const char *const g_sf_status_values[] = {"Open - Not Contacted", "Working - Contacted",
                                                 "Closed - Converted", "Closed - Not Converted"};

/* A HubSpot contact schema with every default property and crmsync's own. */
static const cs_schema_field g_hs_fields[] = {
    HSF("email", "string", "text"),
    HSF("firstname", "string", "text"),
    HSF("lastname", "string", "text"),
    HSF("salutation", "string", "text"),
    HSF("jobtitle", "string", "text"),
    HSF("phone", "string", "phonenumber"),
    HSF("fax", "string", "phonenumber"),
    HSF("company", "string", "text"),
    HSF("website", "string", "text"),
    HSF("industry", "string", "text"),
    HSF("annualrevenue", "number", "number"),
    HSF("numemployees", "number", "number"),
    HSF("address", "string", "text"),
    HSF("city", "string", "text"),
    HSF("state", "string", "text"),
    HSF("zip", "string", "text"),
    HSF("country", "string", "text"),
    {.name = "hs_lead_status",
     .type = "enumeration",
     .field_type = "radio",
     .options = g_hs_status_options,
     .option_count = 8,
     .createable = true,
     .updateable = true},
    HSF("leadsource", "string", "text"),
    HSF("rating", "string", "text"),
    HSF("description", "string", "textarea"),
    {.name = "hubspot_owner_id",
     .type = "enumeration",
     .field_type = "select",
     .is_reference = true,
     .createable = true,
     .updateable = true},
    /* Read-only through the properties API (C10: unsubscribes go through
     * the subscription API). */
    {.name = "hs_email_optout", .type = "bool", .field_type = "booleancheckbox"},
    HSF("salesforceaccountid", "string", "text"),
    HSF("salesforceleadid", "string", "text"),
    HSF("salesforcecontactid", "string", "text"),
    HSF("salesforcecampaignids", "string", "text"),
    HSF("salesforcelastsynctime", "datetime", "date"),
    HSF("favorite_color", "enumeration", "select"),
    HSF("nickname", "string", "text"),
    HSF("visits", "number", "number"),
};

static const cs_schema_field g_lead_fields[] = {
    SFF("Email", "email"),
    SFF("FirstName", "string"),
    SFF("LastName", "string"),
    SFF("Salutation", "picklist"),
    SFF("Title", "string"),
    SFF("Phone", "phone"),
    SFF("Fax", "phone"),
    SFF("Company", "string"),
    SFF("Website", "url"),
    SFF("Industry", "picklist"),
    SFF("AnnualRevenue", "currency"),
    SFF("NumberOfEmployees", "int"),
    SFF("Street", "textarea"),
    SFF("City", "string"),
    SFF("State", "string"),
    SFF("PostalCode", "string"),
    SFF("Country", "string"),
    {.name = "Status",
     .type = "picklist",
     .options = g_sf_status_values,
     .option_count = 4,
     .restricted_picklist = true,
     .createable = true,
     .updateable = true},
    SFF("LeadSource", "picklist"),
    SFF("Rating", "picklist"),
    SFF("Description", "textarea"),
    {.name = "OwnerId",
     .type = "reference",
     .is_reference = true,
     .createable = true,
     .updateable = true},
    SFF("HasOptedOutOfEmail", "boolean"),
    {.name = "Favorite_Color__c",
     .type = "picklist",
     .options = g_color_sf_options,
     .option_count = 2,
     .restricted_picklist = true,
     .createable = true,
     .updateable = true},
    {.name = "Partner__c",
     .type = "reference",
     .is_reference = true,
     .createable = true,
     .updateable = true},
    SFF("Visits__c", "string"),
    {.name = "Formula__c", .type = "string"},
};

static const cs_schema_field g_contact_fields[] = {
    SFF("Email", "email"),
    SFF("FirstName", "string"),
    SFF("LastName", "string"),
    SFF("Salutation", "picklist"),
    SFF("Title", "string"),
    SFF("Phone", "phone"),
    SFF("Fax", "phone"),
    SFF("MailingStreet", "textarea"),
    SFF("MailingCity", "string"),
    SFF("MailingState", "string"),
    SFF("MailingPostalCode", "string"),
    SFF("MailingCountry", "string"),
    SFF("LeadSource", "picklist"),
    SFF("Description", "textarea"),
    {.name = "OwnerId",
     .type = "reference",
     .is_reference = true,
     .createable = true,
     .updateable = true},
    SFF("HasOptedOutOfEmail", "boolean"),
    {.name = "AccountId",
     .type = "reference",
     .is_reference = true,
     .createable = true,
     .updateable = true},
    {.name = "Favorite_Color__c",
     .type = "picklist",
     .options = g_color_sf_options,
     .option_count = 2,
     .restricted_picklist = true,
     .createable = true,
     .updateable = true},
};

static cs_schema_field g_hs_copy[sizeof g_hs_fields / sizeof g_hs_fields[0]];

static cs_schema hs_schema(void)
{
    memcpy(g_hs_copy, g_hs_fields, sizeof g_hs_fields);
    for (size_t i = 0; i < sizeof g_hs_copy / sizeof g_hs_copy[0]; i++) {
        if (strcmp(g_hs_copy[i].name, "favorite_color") == 0) {
            g_hs_copy[i].options = g_color_hs_options;
            g_hs_copy[i].option_count = 3;
        }
    }
    return (cs_schema){"contacts", g_hs_copy, sizeof g_hs_copy / sizeof g_hs_copy[0]};
}

static const cs_schema g_lead = {"Lead", g_lead_fields,
                                 sizeof g_lead_fields / sizeof g_lead_fields[0]};
static const cs_schema g_contact = {"Contact", g_contact_fields,
                                    sizeof g_contact_fields / sizeof g_contact_fields[0]};

static cs_check_report *check(const char *yaml, const cs_schema *hs)
{
    cs_config *cfg = load_ok(yaml);
    cs_check_report *r = NULL;
    cs_err err;
    cr_assert_eq(cs_config_check(cfg, hs, &g_lead, &g_contact, &r, &err), 0, "%s", err.message);
    cs_config_free(cfg); /* the report owns its strings */
    return r;
}

static const cs_check_problem *find_problem(const cs_check_report *r, const char *hs,
                                            const char *object)
{
    for (size_t i = 0; i < cs_check_report_count(r); i++) {
        const cs_check_problem *p = cs_check_report_get(r, i);
        bool obj = object == NULL ? p->sf_object == NULL
                                  : (p->sf_object && strcmp(p->sf_object, object) == 0);
        if (p->hs_property && strcmp(p->hs_property, hs) == 0 && obj)
            return p;
    }
    return NULL;
}

Test(config_check, defaults_against_matching_schemas_are_clean)
{
    cs_schema hs = hs_schema();
    cs_check_report *r = check(BASE, &hs);
    for (size_t i = 0; i < cs_check_report_count(r); i++)
        cr_log_info("%s", cs_check_report_get(r, i)->message);
    cr_expect_eq(cs_check_report_count(r), 0);
    cr_expect_eq(cs_check_report_errors(r), 0);
    cr_expect_null(cs_check_report_get(r, 0));
    cs_check_report_free(r);
    cs_check_report_free(NULL);
}

Test(config_check, finds_every_missing_field_and_mismatch)
{
    cs_schema hs = hs_schema();
    hs.count -= 4; /* drop favorite_color, nickname, visits and salesforcelastsynctime */
    cs_check_report *r =
        check(BASE "contacts:\n  mappings:\n"
                   "    - {hubspot: favorite_color, salesforce: Favorite_Color__c}\n"
                   "    - {hubspot: nickname, salesforce_lead: Partner__c}\n"
                   "    - {hubspot: shoe_size, salesforce_lead: Shoe_Size__c}\n",
              &hs);
    /* Missing on HubSpot (a mapping and a maintained property). */
    const cs_check_problem *p = find_problem(r, "favorite_color", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(p->severity, CS_CHECK_ERROR);
    cr_expect_str_eq(p->rule_ids, "C7");
    cr_expect(strstr(p->message, "favorite_color does not exist") != NULL, "%s", p->message);
    /* The SF side tells what to create it as. */
    cr_expect(strstr(p->message, "type enumeration, fieldType select") != NULL, "%s", p->message);
    cr_expect(strstr(p->message, "(crmsync.yaml:5:7)") != NULL, "%s", p->message);
    cr_expect_not_null(find_problem(r, "salesforcelastsynctime", NULL));
    /* Missing on Salesforce. */
    p = find_problem(r, "shoe_size", "Lead");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->sf_field, "Shoe_Size__c");
    cr_expect(strstr(p->message, "Salesforce Lead field Shoe_Size__c (mapped to shoe_size) does "
                                 "not exist") != NULL,
              "%s", p->message);
    cr_expect_eq(cs_check_report_errors(r), 5,
                 "favorite_color, nickname, shoe_size x2, "
                 "salesforcelastsynctime");
    cs_check_report_free(r);
}

Test(config_check, text_onto_a_lookup_and_type_mismatches)
{
    cs_schema hs = hs_schema();
    cs_check_report *r = check(BASE "contacts:\n  mappings:\n"
                                    "    - {hubspot: nickname, salesforce_lead: Partner__c}\n"
                                    "    - {hubspot: visits, salesforce_lead: Visits__c}\n",
                               &hs);
    /* text <-> lookup (C9, O3): only known from the live schema for custom lookups. */
    const cs_check_problem *p = find_problem(r, "nickname", "Lead");
    cr_assert_not_null(p);
    cr_expect_eq(p->severity, CS_CHECK_ERROR);
    cr_expect_str_eq(p->rule_ids, "R3, C9, O3");
    cr_expect(strstr(p->message, "cannot map to Lead.Partner__c, a lookup") != NULL, "%s",
              p->message);
    /* number <-> string (R3). */
    p = find_problem(r, "visits", "Lead");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->rule_ids, "R3");
    cr_expect_str_eq(p->message, "visits (HubSpot number/number) cannot map to Lead.Visits__c "
                                 "(Salesforce string): the types are not compatible "
                                 "(crmsync.yaml:6:7) [R3]");
    cr_expect_eq(cs_check_report_errors(r), 2);
    cs_check_report_free(r);
}

Test(config_check, options_read_only_and_dont_sync)
{
    cs_schema hs = hs_schema();
    cs_check_report *r = check(BASE "contacts:\n"
                                    "  rules: {rating: dont_sync}\n"
                                    "  mappings:\n"
                                    "    - {hubspot: favorite_color, salesforce: Favorite_Color__c,"
                                    " rule: two_way}\n"
                                    "    - {hubspot: nickname, salesforce_lead: Formula__c}\n",
                               &hs);
    /* 'blue' is not in the restricted SF picklist: a warning for each object. */
    const cs_check_problem *p = find_problem(r, "favorite_color", "Lead");
    cr_assert_not_null(p);
    cr_expect_eq(p->severity, CS_CHECK_WARNING);
    cr_expect(strstr(p->message, "'blue'") != NULL, "%s", p->message);
    cr_expect_not_null(find_problem(r, "favorite_color", "Contact"));
    /* A read-only SF field that the rule writes into. */
    p = find_problem(r, "nickname", "Lead");
    cr_assert_not_null(p);
    cr_expect_eq(p->severity, CS_CHECK_ERROR);
    cr_expect_str_eq(p->rule_ids, "R1");
    cr_expect(strstr(p->message, "Lead.Formula__c is read-only") != NULL, "%s", p->message);
    cr_expect_eq(cs_check_report_errors(r), 1);
    cs_check_report_free(r);

    /* rating missing in a real portal: an error unless its rule is dont_sync. */
    cs_schema_field fields[sizeof g_hs_fields / sizeof g_hs_fields[0]];
    size_t n = 0;
    for (size_t i = 0; i < sizeof g_hs_fields / sizeof g_hs_fields[0]; i++) {
        if (strcmp(g_hs_fields[i].name, "rating") != 0)
            fields[n++] = g_hs_fields[i];
    }
    cs_schema without = {"contacts", fields, n};
    r = check(BASE, &without);
    p = find_problem(r, "rating", NULL);
    cr_assert_not_null(p);
    cr_expect_str_eq(p->rule_ids, "C6, MAPPINGS");
    cr_expect(strstr(p->message, "or set contacts.rules.rating: dont_sync") != NULL, "%s",
              p->message);
    cs_check_report_free(r);
    r = check(BASE "contacts: {rules: {rating: dont_sync}}\n", &without);
    cr_expect_null(find_problem(r, "rating", NULL));
    cs_check_report_free(r);
}

Test(config, hs_search_rate_zero_turns_pacing_off)
{
    cs_config *cfg = load_ok(BASE "sync:\n  hs_search_rate: 0\n");
    cr_expect_eq(cs_config_sync(cfg)->hs_search_rate, 0);
    cs_config_free(cfg);
}
