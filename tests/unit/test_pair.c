/* The object-pair model (engine/pair.h): what each config section compiles
 * into, the plan of a pair matched by link (A1), the parent of a child pair
 * (A2, R9), the companies delete policies (C16) — and that the engine
 * outside the section compilers names no object. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "engine/pair.h"
#include "engine/plan.h"
#include "engine/sync.h"

#define BASE                                                                                       \
    "hubspot: {base_url: \"http://127.0.0.1:1\"}\nsalesforce: {instance_url: \"http://s\"}\n"
#define NOW 1700000000000

static cs_config *load(const char *yaml)
{
    cs_config *cfg = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_config_load_string("crmsync.yaml", yaml, strlen(yaml), &cfg, &err), 0, "%s",
                 err.message);
    return cfg;
}

static void compile(const cs_config *cfg, cs_pair *pairs, size_t *n)
{
    cs_err err = {0};
    cr_assert_eq(cs_pair_compile(cfg, pairs, n, &err), 0, "%s", err.message);
}

Test(pair_compile, contacts_only_by_default)
{
    cs_config *cfg = load(BASE);
    cs_pair p[CS_PAIR_MAX];
    size_t n = 0;
    compile(cfg, p, &n);
    cr_assert_eq(n, 1, "companies are off unless enabled (A1)");
    cr_expect_str_eq(p[0].section, "contacts");
    cr_expect_str_eq(p[0].hs_object, "contacts");
    cr_expect_str_eq(p[0].hs_cursor, "hubspot.contacts");
    cr_assert_eq(p[0].nsf, 2);
    cr_expect_str_eq(p[0].sf[0].cursor, "salesforce.Lead");
    cr_expect_str_eq(p[0].sf[1].cursor, "salesforce.Contact");
    cr_expect_eq(p[0].match, CS_PAIR_MATCH_EMAIL);
    cr_expect_eq(p[0].sf[0].converts_to, 1, "C14: a Lead converts into a Contact");
    cr_expect(p[0].sf[1].preferred, "C5: a Contact is preferred over a Lead");
    cr_expect_eq(p[0].parent, -1);
    cr_expect_str_eq(cs_pair_field(&p[0], &p[0].maps[0], "Lead"), "Email");
    cs_config_free(cfg);
}

Test(pair_compile, companies_section)
{
    cs_config *cfg = load(BASE "contacts: {create_salesforce_as: contact}\n"
                               "companies:\n  enabled: true\n  conflict_winner: hubspot\n"
                               "  on_salesforce_delete: delete\n  rules: {phone: two_way}\n"
                               "  mappings:\n    - {hubspot: tier, salesforce: Tier__c}\n");
    cs_pair p[CS_PAIR_MAX];
    size_t n = 0;
    compile(cfg, p, &n);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(p[0].section, "companies", "parents sync first (A2)");
    cr_expect_str_eq(p[0].hs_cursor, "hubspot.companies");
    cr_assert_eq(p[0].nsf, 1);
    cr_expect_str_eq(p[0].sf[0].name, "Account");
    cr_expect_str_eq(p[0].sf[0].cursor, "salesforce.Account");
    cr_expect_eq(p[0].match, CS_PAIR_MATCH_LINK, "A1: never by domain");
    cr_expect_eq(p[0].hs_to_sf_create, CS_PAIR_CREATE_FOR_CHILDREN);
    cr_expect_eq(p[0].settings.conflict_winner, CS_WINNER_HUBSPOT);
    cr_expect_eq(p[0].settings.on_salesforce_delete, CS_DELETE_DELETE);
    cr_expect_eq(p[1].parent, 0);
    cr_expect_str_eq(p[1].parent_hs_object, "companies");
    cr_expect_eq(p[1].parent_assoc_type, 1, "the primary company (A2)");
    size_t nm = 0;
    const cs_field_mapping *m = cs_config_company_mappings(cfg, &nm);
    cr_assert_eq(nm, 14, "13 default rows of MAPPINGS.md and one custom");
    cr_expect_str_eq(m[0].hs, "name");
    cr_expect_str_eq(cs_pair_field(&p[0], &m[0], "Account"), "Name");
    cr_expect_eq(m[2].rule, CS_RULE_TWO_WAY);
    cr_expect_str_eq(m[13].sf_lead, "Tier__c");
    cs_config_free(cfg);
}

static void load_fails(const char *yaml, const char *want)
{
    cs_config *cfg = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_config_load_string("crmsync.yaml", yaml, strlen(yaml), &cfg, &err), -1);
    cr_expect(strstr(err.message, want) != NULL, "want '%s' in: %s", want, err.message);
}

Test(pair_compile, companies_section_errors)
{
    load_fails(BASE "companies: {enabled: yes please}\n", "companies.enabled");
    load_fails(BASE "companies: {inclusion_list: \"42\"}\n", "does not apply here");
    load_fails(BASE "companies: {rules: {hubspot_owner_id: always_sf}}\n", "not allowed");
    load_fails(BASE "companies: {rules: {industy: two_way}}\n", "did you mean 'industry'");
    load_fails(BASE "companies: {rules: {name: null}}\n", "cannot be removed");
    load_fails(BASE "companies: {mappings: [{hubspot: name, salesforce: X__c}]}\n",
               "default company mapping");
    load_fails(BASE "companies: {mappings: [{hubspot: salesforceaccountid, salesforce: X__c}]}\n",
               "maintained by crmsync");
    load_fails(BASE "companies: {mappings: [{hubspot: a, salesforce: Phone}]}\n", "mapped twice");
}

/* ---- plans of the companies pair ------------------------------------------------ */

typedef struct cfx {
    cs_config *cfg;
    cs_pair pairs[CS_PAIR_MAX];
    size_t npairs;
    cs_plan_input *in;
    cs_plan *plan;
} cfx;

static void cfx_start(cfx *f, const char *extra, size_t which)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, BASE "companies:\n  enabled: true\n%s", extra);
    f->cfg = load(yaml);
    compile(f->cfg, f->pairs, &f->npairs);
    cs_err err = {0};
    cr_assert_eq(cs_plan_input_new_pair(&f->pairs[which], NOW, &f->in, &err), 0, "%s", err.message);
}

static void cfx_end(cfx *f)
{
    cs_plan_free(f->plan);
    cs_plan_input_free(f->in);
    cs_config_free(f->cfg);
}

static void rec(cfx *f, cs_plan_role role, const char *type, const char *id, const char *k1,
                const char *v1, const char *k2, const char *v2)
{
    cs_record r;
    cr_assert_eq(cs_record_init(&r, id, type), 0);
    r.modified_ms = NOW - 1000;
    if (k1)
        cr_assert_eq(cs_record_set(&r, k1, v1), 0);
    if (k2)
        cr_assert_eq(cs_record_set(&r, k2, v2), 0);
    cs_err err = {0};
    cr_assert_eq(cs_plan_input_add_record(f->in, &r, role, &err), 0, "%s", err.message);
}

static const cs_plan *plan(cfx *f)
{
    cs_err err = {0};
    cs_plan_free(f->plan);
    f->plan = NULL;
    cr_assert_eq(cs_plan_build(f->in, &f->plan, &err), 0, "%s", err.message);
    return f->plan;
}

static const cs_plan_op *op_of(const cfx *f, cs_plan_kind kind, int target)
{
    for (size_t i = 0; i < cs_plan_count(f->plan); i++) {
        const cs_plan_op *op = cs_plan_get(f->plan, i);
        if (op->kind == kind && (target < 0 || (int)op->target == target))
            return op;
    }
    return NULL;
}

Test(pair_plan, a1_account_creates_company)
{
    cfx f = {0};
    cfx_start(&f, "", 0);
    rec(&f, CS_PLAN_CHANGED, "Account", "001A", "Name", "Globex", "Phone", "1");
    plan(&f);
    const cs_plan_op *op = op_of(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT);
    cr_assert_not_null(op);
    cr_expect_str_eq(json_string_value(json_object_get(op->fields, "name")), "Globex");
    cr_expect_str_eq(json_string_value(json_object_get(op->fields, "salesforceaccountid")), "001A");
    cr_expect(strstr(op->reason, "A1") != NULL, "%s", op->reason);
    cfx_end(&f);
}

Test(pair_plan, a1_company_creates_account_only_for_a_child)
{
    cfx f = {0};
    cfx_start(&f, "", 0);
    rec(&f, CS_PLAN_CHANGED, "companies", "1", "name", "Lonely", NULL, NULL);
    rec(&f, CS_PLAN_CHANGED, "companies", "2", "name", "Leady", NULL, NULL);
    rec(&f, CS_PLAN_CHANGED, "companies", "3", "name", "Needed", NULL, NULL);
    cs_err err = {0};
    /* 2's contact syncs to a Lead: no parent field, no need. */
    cr_assert_eq(cs_plan_input_add_child(f.in, "2", "20", NULL, false, false, &err), 0);
    /* 3's contact syncs to a Contact without an Account. */
    cr_assert_eq(cs_plan_input_add_child(f.in, "3", "30", NULL, true, false, &err), 0);
    plan(&f);
    cr_expect_eq(cs_plan_count_kind(f.plan, CS_PLAN_SKIP, -1), 2, "no contacts; only Leads");
    const cs_plan_op *op = op_of(&f, CS_PLAN_CREATE, CS_PLAN_SALESFORCE);
    cr_assert_not_null(op);
    cr_expect_str_eq(op->hs_id, "3");
    cr_expect_str_eq(op->sf_type, "Account");
    cr_expect_str_eq(json_string_value(json_object_get(op->fields, "Name")), "Needed");
    cr_expect(strstr(op->reason, "contact 30") != NULL, "%s", op->reason);
    cfx_end(&f);
}

Test(pair_plan, a1_matches_through_a_child_not_by_domain)
{
    cfx f = {0};
    cfx_start(&f, "", 0);
    rec(&f, CS_PLAN_CHANGED, "companies", "1", "name", "Initech", "domain", "initech.com");
    rec(&f, CS_PLAN_CONTEXT, "Account", "001B", "Name", "Initech Corp", NULL, NULL);
    rec(&f, CS_PLAN_CHANGED, "Account", "001C", "Name", "Other", "Website", "initech.com");
    cs_err err = {0};
    cr_assert_eq(cs_plan_input_add_child(f.in, "1", "10", "001B", false, false, &err), 0);
    plan(&f);
    const cs_plan_op *op = op_of(&f, CS_PLAN_LINK, CS_PLAN_STORE);
    cr_assert_not_null(op);
    cr_expect_str_eq(op->sf_id, "001B");
    op = op_of(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT);
    cr_assert_not_null(op, "the same domain is no match: 001C gets its own company");
    cr_expect_str_eq(op->sf_id, "001C");
    cr_expect_null(op_of(&f, CS_PLAN_CREATE, CS_PLAN_SALESFORCE));
    cfx_end(&f);
}

Test(pair_plan, c16_account_delete_policies)
{
    for (int del = 0; del < 2; del++) {
        cfx f = {0};
        cfx_start(&f, del ? "  on_salesforce_delete: delete\n" : "", 0);
        cs_record r;
        cr_assert_eq(cs_record_init(&r, "001D", "Account"), 0);
        r.deleted = true;
        cs_err err = {0};
        cr_assert_eq(cs_plan_input_add_record(f.in, &r, CS_PLAN_CHANGED, &err), 0);
        rec(&f, CS_PLAN_CONTEXT, "companies", "4", "name", "Doomed", NULL, NULL);
        cr_assert_eq(cs_plan_input_add_link(f.in, "4", "Account", "001D", NULL, &err), 0);
        plan(&f);
        if (del)
            cr_expect_not_null(op_of(&f, CS_PLAN_ARCHIVE, CS_PLAN_HUBSPOT));
        else
            cr_expect_not_null(op_of(&f, CS_PLAN_UNLINK, CS_PLAN_STORE));
        cfx_end(&f);
    }
}

/* ---- A2 on the contacts pair ------------------------------------------------------ */

static void linked_contact(cfx *f, const char *account)
{
    rec(f, CS_PLAN_CHANGED, "contacts", "7", "email", "a@x.com", NULL, NULL);
    rec(f, CS_PLAN_CONTEXT, "Contact", "003A", "Email", "a@x.com", "AccountId", account);
    cs_err err = {0};
    cr_assert_eq(cs_plan_input_add_link(f->in, "7", "Contact", "003A", NULL, &err), 0);
}

Test(pair_plan, a2_company_to_account_id)
{
    cfx f = {0};
    cfx_start(&f, "", 1);
    linked_contact(&f, "");
    cs_err err = {0};
    cr_assert_eq(cs_plan_input_set_hs_parent(f.in, "7", "1", "001A", &err), 0);
    plan(&f);
    const cs_plan_op *op = op_of(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE);
    cr_assert_not_null(op);
    cr_expect_str_eq(json_string_value(json_object_get(op->fields, "AccountId")), "001A");
    cfx_end(&f);
}

Test(pair_plan, a2_account_id_to_primary_company)
{
    cfx f = {0};
    cfx_start(&f, "", 1);
    linked_contact(&f, "001B");
    cs_err err = {0};
    cr_assert_eq(cs_plan_input_set_hs_parent(f.in, "7", NULL, NULL, &err), 0);
    cr_assert_eq(cs_plan_input_set_parent_link(f.in, "001B", "2", &err), 0);
    plan(&f);
    const cs_plan_op *op = op_of(&f, CS_PLAN_ASSOCIATE, CS_PLAN_HUBSPOT);
    cr_assert_not_null(op);
    cr_expect_str_eq(op->hs_id, "7");
    cr_expect_str_eq(json_string_value(json_object_get(op->fields, "companies")), "2");
    cr_expect_str_eq(cs_plan_kind_name(op->kind), "associate");
    cfx_end(&f);
}

Test(pair_plan, a2_child_waits_for_its_parent)
{
    cfx f = {0};
    cfx_start(&f, "", 1);
    linked_contact(&f, "");
    cs_err err = {0};
    cr_assert_eq(cs_plan_input_set_hs_parent(f.in, "7", "9", NULL, &err), 0);
    plan(&f);
    const cs_plan_op *op = op_of(&f, CS_PLAN_ERROR, CS_PLAN_SALESFORCE);
    cr_assert_not_null(op);
    cr_expect_eq(op->category, CS_CAT_ASSOCIATIONS, "R9");
    cr_expect(strstr(op->reason, "companies 9") != NULL, "%s", op->reason);
    cfx_end(&f);
}

Test(pair_plan, c15_contact_created_with_its_account)
{
    cfx f = {0};
    cfx_start(&f, "contacts: {create_salesforce_as: contact_if_company_linked}\n", 1);
    rec(&f, CS_PLAN_CHANGED, "contacts", "8", "email", "b@x.com", "lastname", "B");
    rec(&f, CS_PLAN_CHANGED, "contacts", "9", "email", "c@x.com", "lastname", "C");
    cs_err err = {0};
    cr_assert_eq(cs_plan_input_set_hs_parent(f.in, "8", "1", "001A", &err), 0);
    cr_assert_eq(cs_plan_input_set_hs_parent(f.in, "9", NULL, NULL, &err), 0);
    plan(&f);
    for (size_t i = 0; i < cs_plan_count(f.plan); i++) {
        const cs_plan_op *op = cs_plan_get(f.plan, i);
        if (op->kind != CS_PLAN_CREATE)
            continue;
        if (strcmp(op->hs_id, "8") == 0) {
            cr_expect_str_eq(op->sf_type, "Contact");
            cr_expect_str_eq(json_string_value(json_object_get(op->fields, "AccountId")), "001A");
        } else {
            cr_expect_str_eq(op->sf_type, "Lead");
        }
    }
    cr_expect_eq(cs_plan_count_kind(f.plan, CS_PLAN_CREATE, CS_PLAN_SALESFORCE), 2);
    cfx_end(&f);
}

/* ---- the engine names no object ----------------------------------------------------- */

/* Object and cursor names the engine must take from its pairs. Only the
 * section compilers (pair_*.c) and verify (a contacts check) spell them. */
static const char *const g_names[] = {"\"Lead\"",
                                      "\"Contact\"",
                                      "\"Account\"",
                                      "\"contacts\"",
                                      "\"companies\"",
                                      "\"salesforceleadid\"",
                                      "\"AccountId\"",
                                      "\"ConvertedContactId\"",
                                      "\"salesforceaccountid\"",
                                      "\"salesforce.Lead\"",
                                      "\"hubspot.contacts\"",
                                      NULL};

/* `crmsync errors` finds an error's link under its pair's link object: a
 * company's or an Account's error under "company", not "contact" (R9). */
Test(pair_compile, link_object_of_each_synced_object)
{
    cr_assert_str_eq(cs_sync_link_object("contacts"), "contact");
    cr_assert_str_eq(cs_sync_link_object("Lead"), "contact");
    cr_assert_str_eq(cs_sync_link_object("Contact"), "contact");
    cr_assert_str_eq(cs_sync_link_object("companies"), "company");
    cr_assert_str_eq(cs_sync_link_object("Account"), "company");
    cr_assert_null(cs_sync_link_object("Opportunity"));
    cr_assert_null(cs_sync_link_object(NULL));
}

Test(pair_names, engine_names_no_object)
{
    const char *self = __FILE__;
    const char *slash = strrchr(self, '/');
    char dir[512];
    snprintf(dir, sizeof dir, "%.*s/../../src/engine", (int)(slash - self), self);
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
            continue;
        if (strncmp(e->d_name, "pair_", 5) == 0 || strncmp(e->d_name, "verify", 6) == 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f, "%s", path);
        char line[1024];
        int no = 0;
        while (fgets(line, sizeof line, f) != NULL) {
            no++;
            for (size_t k = 0; g_names[k] != NULL; k++)
                cr_expect(strstr(line, g_names[k]) == NULL, "%s:%d names %s: take it from the pair",
                          e->d_name, no, g_names[k]);
        }
        fclose(f);
        files++;
    }
    closedir(d);
    cr_expect_gt(files, 15, "the engine's sources were found");
}
