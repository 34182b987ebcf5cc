/* The companies section of crmsync.yaml (A1, A2): HubSpot companies ⇄
 * Salesforce Accounts. It takes the keys of contacts: that apply to a pair
 * without email or conversion — enabled, conflict_winner, rules (a default
 * row's rule, within what the row allows), mappings (custom rows: hubspot,
 * salesforce, rule, values), values (value maps of the default rows, R3),
 * on_salesforce_delete and on_hubspot_delete (C16's choices for companies).
 * Creation is A1's, not a setting. The default rows are MAPPINGS.md's
 * company table; the Account field sits in a mapping's first SF column
 * (sf_lead), the second stays NULL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_int.h"

#define MAX_CUSTOM 200
#define B(r)       CS_RULE_BIT(CS_RULE_##r)
#define DEF        CS_MAP_DEFAULT
#define PSUB       CS_RULE_PREFER_SF_UNLESS_BLANK

/* MAPPINGS.md's company table, in its order. */
static const cs_field_mapping g_company_defaults[] = {
    /* Salesforce requires Account.Name on create. */
    {"name", "Name", NULL, PSUB, CS_RULES_ANY, DEF | CS_MAP_SF_REQUIRED, 0, 0, NULL, 0},
    {"domain", "Website", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"phone", "Phone", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"industry", "Industry", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"annualrevenue", "AnnualRevenue", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"numberofemployees", "NumberOfEmployees", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"address", "BillingStreet", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"city", "BillingCity", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"state", "BillingState", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"zip", "BillingPostalCode", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"country", "BillingCountry", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    {"description", "Description", NULL, PSUB, CS_RULES_ANY, DEF, 0, 0, NULL, 0},
    /* C17: owners resolve through users by email, as for contacts. */
    {"hubspot_owner_id", "OwnerId", NULL, CS_RULE_TWO_WAY, B(TWO_WAY),
     DEF | CS_MAP_OWNER | CS_MAP_SF_REFERENCE, 0, 0, NULL, 0},
};
#define NDEFAULTS (sizeof g_company_defaults / sizeof g_company_defaults[0])

/* The HS company property crmsync maintains with the linked Account's id. */
#define LINK_PROPERTY "salesforceaccountid"

static const char *const g_keys[] = {"enabled",
                                     "conflict_winner",
                                     "rules",
                                     "mappings",
                                     "values",
                                     "on_salesforce_delete",
                                     "on_hubspot_delete",
                                     NULL};
static const char *const g_entry_keys[] = {"hubspot", "salesforce", "rule", "values", NULL};
/* contacts: keys that have no meaning for companies, with why. */
static const struct {
    const char *key, *why;
} g_contact_only[] = {
    {"create_salesforce_as", "A1 decides when a company creates an Account"},
    {"on_salesforce_change", "a company changed in Salesforce always syncs"},
    {"required_placeholder", "a company without a name is refused (Account.Name is required)"},
    {"inclusion_list", "companies follow their contacts (A1)"},
};
static const char *const g_winners[] = {"latest", "hubspot", "salesforce", NULL};
static const char *const g_delete[] = {"nothing", "delete", NULL};

const cs_field_mapping *cs_config_default_company_mappings(size_t *count)
{
    if (count)
        *count = NDEFAULTS;
    return g_company_defaults;
}

static void section_keys(cfg_ctx *ctx, const cfg_node *map)
{
    for (size_t i = 0; i < map->count; i++) {
        const cfg_node *key = map->pairs[i].key;
        bool known = false;
        for (size_t k = 0; g_keys[k] != NULL && !known; k++)
            known = strcmp(g_keys[k], key->text) == 0;
        if (known)
            continue;
        char path[256];
        cfg_path(path, sizeof path, "companies", key->text);
        const char *why = NULL;
        for (size_t k = 0; k < sizeof g_contact_only / sizeof g_contact_only[0]; k++) {
            if (strcmp(g_contact_only[k].key, key->text) == 0)
                why = g_contact_only[k].why;
        }
        const char *s = cfg_suggest(key->text, g_keys);
        if (why != NULL)
            cfg_problem_at(ctx, key, path, "A1", "a contacts key that does not apply here: %s",
                           why);
        else if (s != NULL)
            cfg_problem_at(ctx, key, path, "config", "unknown key (did you mean '%s'?)", s);
        else
            cfg_problem_at(ctx, key, path, "config", "unknown key");
    }
}

static void load_settings(cfg_ctx *ctx, cs_config *cfg, const cfg_node *map)
{
    cs_company_settings *c = &cfg->companies;
    const cfg_pair *p;
    int v;
    if ((p = cfg_lookup(map, "enabled")) != NULL) {
        if (p->value->kind == CFG_SCALAR && p->value->plain &&
            (strcmp(p->value->text, "true") == 0 || strcmp(p->value->text, "false") == 0))
            c->enabled = strcmp(p->value->text, "true") == 0;
        else
            cfg_problem_at(ctx, p->value, "companies.enabled", "A1",
                           "expected true or false, got %s", cfg_kind_name(p->value));
    }
    if ((p = cfg_lookup(map, "conflict_winner")) != NULL &&
        cfg_read_enum(ctx, p, "companies.conflict_winner", "R1", g_winners, &v) == 0)
        c->conflict_winner = (cs_conflict_winner)v;
    if ((p = cfg_lookup(map, "on_salesforce_delete")) != NULL &&
        cfg_read_enum(ctx, p, "companies.on_salesforce_delete", "C16", g_delete, &v) == 0)
        c->on_salesforce_delete = (cs_delete_action)v;
    if ((p = cfg_lookup(map, "on_hubspot_delete")) != NULL &&
        cfg_read_enum(ctx, p, "companies.on_hubspot_delete", "C16", g_delete, &v) == 0)
        c->on_hubspot_delete = (cs_delete_action)v;
}

/* A rule name at p, or -1 after reporting. */
static int read_rule(cfg_ctx *ctx, const cfg_pair *p, const char *path, cs_rule *out)
{
    const cfg_node *v = p->value;
    if (v->kind != CFG_SCALAR || cfg_is_null(v)) {
        cfg_problem_at(ctx, p->key, path, "C6, R1",
                       "expected a rule name, got %s (a default mapping cannot be removed; use "
                       "dont_sync where its row allows it)",
                       cfg_kind_name(v));
        return -1;
    }
    if (cs_rule_parse(v->text, out) == 0 && *out != CS_RULE_FIXED_OPTOUT)
        return 0;
    const char *s = cfg_rule_suggest(v->text);
    if (s != NULL)
        cfg_problem_at(ctx, p->key, path, "R1", "unknown rule '%s' (did you mean '%s'?)", v->text,
                       s);
    else
        cfg_problem_at(ctx, p->key, path, "R1",
                       "unknown rule '%s' (rules: prefer_sf_unless_blank, always_sf, two_way, "
                       "dont_sync, always_hs, prefer_hs_unless_blank)",
                       v->text);
    return -1;
}

static cs_field_mapping *by_hs(cs_config *cfg, const char *hs)
{
    for (size_t i = 0; i < cfg->ncompany_mappings; i++) {
        if (strcmp(cfg->company_mappings[i].hs, hs) == 0)
            return &cfg->company_mappings[i];
    }
    return NULL;
}

static void load_rules(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section)
{
    const cfg_node *map = NULL;
    if (cfg_read_map(ctx, section, "companies.rules", "A1, MAPPINGS", &map) != 0 || map == NULL)
        return;
    const char *names[NDEFAULTS + 1];
    for (size_t i = 0; i < NDEFAULTS; i++)
        names[i] = g_company_defaults[i].hs;
    names[NDEFAULTS] = NULL;
    for (size_t i = 0; i < map->count; i++) {
        const cfg_pair *p = &map->pairs[i];
        char path[256];
        cfg_path(path, sizeof path, "companies.rules", p->key->text);
        cs_field_mapping *m = by_hs(cfg, p->key->text);
        if (m == NULL || !(m->flags & CS_MAP_DEFAULT)) {
            const char *s = cfg_suggest(p->key->text, names);
            if (m != NULL)
                cfg_problem_at(ctx, p->key, path, "C7",
                               "%s is a custom mapping: set its rule in its companies.mappings "
                               "entry",
                               p->key->text);
            else if (s != NULL)
                cfg_problem_at(ctx, p->key, path, "A1, MAPPINGS",
                               "'%s' is not a default company mapping (did you mean '%s'?)",
                               p->key->text, s);
            else
                cfg_problem_at(ctx, p->key, path, "A1, MAPPINGS",
                               "'%s' is not a default company mapping; add it under "
                               "companies.mappings",
                               p->key->text);
            continue;
        }
        cs_rule rule;
        if (read_rule(ctx, p, path, &rule) != 0)
            continue;
        if (!(m->allowed & CS_RULE_BIT(rule))) {
            cfg_problem_at(ctx, p->key, path, "C17, MAPPINGS",
                           "rule '%s' is not allowed for the default company mapping %s",
                           p->value->text, m->hs);
            continue;
        }
        m->rule = rule;
        m->line = p->key->line;
        m->column = p->key->col;
    }
}

static bool sf_taken(const cs_config *cfg, const char *sf)
{
    for (size_t i = 0; i < cfg->ncompany_mappings; i++) {
        if (cfg->company_mappings[i].sf_lead != NULL &&
            strcasecmp(cfg->company_mappings[i].sf_lead, sf) == 0)
            return true;
    }
    return false;
}

/* A name at key, valid for its side, owned by cfg; NULL after reporting. */
static const char *entry_name(cfg_ctx *ctx, cs_config *cfg, const cfg_node *entry, const char *key,
                              const char *parent, bool hs)
{
    char path[300];
    cfg_path(path, sizeof path, parent, key);
    const cfg_pair *p = cfg_lookup(entry, key);
    if (p == NULL) {
        cfg_problem_at(ctx, entry, path, "C7",
                       "missing (a company mapping has hubspot and "
                       "salesforce)");
        return NULL;
    }
    char *s;
    if (cfg_read_string(ctx, p, path, "C7", false, &s) != 0)
        return NULL;
    if (!(hs ? cfg_valid_hs_name(s) : cfg_valid_sf_name(s))) {
        cfg_problem_at(ctx, p->value, path, "C7",
                       hs ? "'%s' is not a HubSpot property internal name (letters, digits, _)"
                          : "'%s' is not a Salesforce field API name (letters, digits, _)",
                       s);
        free(s);
        return NULL;
    }
    return cfg_own(cfg, ctx, s);
}

static void load_custom(cfg_ctx *ctx, cs_config *cfg, const cfg_node *entry, const char *path)
{
    if (entry->kind != CFG_MAP) {
        cfg_problem_at(ctx, entry, path, "C7",
                       "expected a mapping {hubspot, salesforce, rule, values}, got %s",
                       cfg_kind_name(entry));
        return;
    }
    cfg_check_keys(ctx, entry, path, g_entry_keys, "C7");
    const char *hs = entry_name(ctx, cfg, entry, "hubspot", path, true);
    const char *sf = entry_name(ctx, cfg, entry, "salesforce", path, false);
    if (hs == NULL || sf == NULL)
        return;
    const cfg_pair *hp = cfg_lookup(entry, "hubspot");
    const cfg_pair *sp = cfg_lookup(entry, "salesforce");
    const cs_field_mapping *had = by_hs(cfg, hs);
    if (had != NULL && (had->flags & CS_MAP_DEFAULT)) {
        cfg_problem_at(ctx, hp->value, path, "C6",
                       "%s is a default company mapping; change its rule under companies.rules",
                       hs);
        return;
    }
    if (had != NULL) {
        cfg_problem_at(ctx, hp->value, path, "C7", "%s is mapped twice", hs);
        return;
    }
    if (strcmp(hs, LINK_PROPERTY) == 0) {
        cfg_problem_at(ctx, hp->value, path, "MAPPINGS",
                       "%s is maintained by crmsync (the linked Account's id) and cannot be "
                       "mapped",
                       hs);
        return;
    }
    if (sf_taken(cfg, sf)) {
        cfg_problem_at(ctx, sp->value, path, "C7", "the Account field %s is mapped twice", sf);
        return;
    }
    cs_field_mapping m = {.hs = hs,
                          .sf_lead = sf,
                          .rule = PSUB,
                          .allowed = CS_RULES_ANY,
                          .line = entry->line,
                          .column = entry->col};
    const cfg_pair *rp = cfg_lookup(entry, "rule");
    char rpath[300];
    cfg_path(rpath, sizeof rpath, path, "rule");
    if (rp != NULL && read_rule(ctx, rp, rpath, &m.rule) != 0)
        return;
    const cfg_pair *vp = cfg_lookup(entry, "values");
    char vpath[300];
    cfg_path(vpath, sizeof vpath, path, "values");
    if (vp != NULL && cfg_read_value_map(ctx, cfg, vp->value, vpath, &m.values, &m.nvalues) != 0)
        return;
    cfg->company_mappings[cfg->ncompany_mappings++] = m;
}

static void load_mappings(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section)
{
    const cfg_node *seq = NULL;
    if (cfg_read_seq(ctx, section, "companies.mappings", "C7", &seq) != 0 || seq == NULL)
        return;
    if (seq->count > MAX_CUSTOM) {
        cfg_problem_at(ctx, seq, "companies.mappings", "C7",
                       "%zu custom company mappings; at most %d are supported", seq->count,
                       MAX_CUSTOM);
        return;
    }
    cs_field_mapping *grown =
        realloc(cfg->company_mappings, (NDEFAULTS + seq->count) * sizeof *cfg->company_mappings);
    if (grown == NULL) {
        ctx->oom = true;
        return;
    }
    cfg->company_mappings = grown;
    for (size_t i = 0; i < seq->count; i++) {
        char path[256];
        cfg_path_index(path, sizeof path, "companies.mappings", i);
        load_custom(ctx, cfg, seq->items[i], path);
    }
}

/* companies.values: HS property → value map, for default rows (a custom
 * row carries its own). */
static void load_values(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section)
{
    const cfg_node *map = NULL;
    if (cfg_read_map(ctx, section, "companies.values", "R3", &map) != 0 || map == NULL)
        return;
    for (size_t i = 0; i < map->count; i++) {
        const cfg_pair *p = &map->pairs[i];
        char path[256];
        cfg_path(path, sizeof path, "companies.values", p->key->text);
        cs_field_mapping *m = by_hs(cfg, p->key->text);
        if (m == NULL) {
            cfg_problem_at(ctx, p->key, path, "R3", "'%s' is not a company mapping", p->key->text);
            continue;
        }
        if (!(m->flags & CS_MAP_DEFAULT)) {
            cfg_problem_at(ctx, p->key, path, "R3",
                           "%s is a custom mapping: give its value map as `values` in its "
                           "companies.mappings entry",
                           m->hs);
            continue;
        }
        if (m->flags & CS_MAP_OWNER) {
            cfg_problem_at(ctx, p->key, path, "C17",
                           "owners are matched through users by email; no value map applies");
            continue;
        }
        cfg_read_value_map(ctx, cfg, p->value, path, &m->values, &m->nvalues);
    }
}

void cfg_load_companies(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section)
{
    cfg->company_mappings = malloc(NDEFAULTS * sizeof *cfg->company_mappings);
    if (cfg->company_mappings == NULL) {
        ctx->oom = true;
        return;
    }
    memcpy(cfg->company_mappings, g_company_defaults, sizeof g_company_defaults);
    cfg->ncompany_defaults = cfg->ncompany_mappings = NDEFAULTS;

    const cfg_node *map = NULL;
    if (section == NULL || cfg_read_map(ctx, section, "companies", "A1", &map) != 0 || map == NULL)
        return;
    section_keys(ctx, map);
    load_settings(ctx, cfg, map);
    const cfg_pair *p;
    if ((p = cfg_lookup(map, "mappings")) != NULL)
        load_mappings(ctx, cfg, p);
    if ((p = cfg_lookup(map, "rules")) != NULL)
        load_rules(ctx, cfg, p);
    if ((p = cfg_lookup(map, "values")) != NULL)
        load_values(ctx, cfg, p);
}
