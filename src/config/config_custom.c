/* One custom contact mapping (C7) from contacts.mappings:
 *   { hubspot: x, salesforce: Same__c, rule: two_way }            (C8: Lead and Contact)
 *   { hubspot: x, salesforce_lead: A__c, salesforce_contact: B__c } (different names)
 * with the load-time checks: a default mapping cannot be redefined or removed
 * here (C6); company never maps to a Contact field and nothing maps onto a
 * known Salesforce lookup (C9); no HS property or SF field is mapped twice;
 * crmsync's own properties are not mappable; fields the other system sets
 * itself can only be read (R1). An entry may carry its own value map
 * (`values`, R3). Types are checked later against the live schemas
 * (cs_config_check, R3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_int.h"

static const char *const g_mapping_keys[] = {
    "hubspot", "salesforce", "salesforce_lead", "salesforce_contact", "rule", "values", NULL};

typedef struct entry {
    const cfg_pair *hs, *sf, *lead, *contact, *rule, *values;
} entry;

static void entry_keys(cfg_ctx *ctx, const cfg_node *map, const char *path)
{
    for (size_t i = 0; i < map->count; i++) {
        const cfg_node *key = map->pairs[i].key;
        bool known = false;
        for (size_t k = 0; g_mapping_keys[k] != NULL && !known; k++)
            known = strcmp(g_mapping_keys[k], key->text) == 0;
        if (known)
            continue;
        char kp[300];
        cfg_path(kp, sizeof kp, path, key->text);
        const char *s = cfg_suggest(key->text, g_mapping_keys);
        if (strcmp(key->text, "type") == 0)
            cfg_problem_at(ctx, key, kp, "R3",
                           "no type is needed: types come from both sides' live schemas "
                           "(crmsync check)");
        else if (s != NULL)
            cfg_problem_at(ctx, key, kp, "C7", "unknown key (did you mean '%s'?)", s);
        else
            cfg_problem_at(ctx, key, kp, "C7",
                           "unknown key (a mapping has hubspot, salesforce or salesforce_lead/"
                           "salesforce_contact, rule and values)");
    }
}

/* Reads a name; reports and returns NULL when it is not a valid one. */
static char *read_name(cfg_ctx *ctx, const cfg_pair *p, const char *parent, bool hs)
{
    char path[300];
    cfg_path(path, sizeof path, parent, p->key->text);
    char *s;
    if (cfg_read_string(ctx, p, path, "C7", false, &s) != 0)
        return NULL;
    bool ok = hs ? cfg_valid_hs_name(s) : cfg_valid_sf_name(s);
    if (!ok) {
        cfg_problem_at(ctx, p->value, path, "C7",
                       hs ? "'%s' is not a HubSpot property internal name (letters, digits, _)"
                          : "'%s' is not a Salesforce field API name (letters, digits, _)",
                       s);
        free(s);
        return NULL;
    }
    return s;
}

/* The custom mapping (already loaded) using this HS name or SF field. */
static const cs_field_mapping *custom_by_hs(const cs_config *cfg, const char *hs)
{
    for (size_t i = cfg->ndefaults; i < cfg->nmappings; i++) {
        if (strcmp(cfg->mappings[i].hs, hs) == 0)
            return &cfg->mappings[i];
    }
    return NULL;
}

static const cs_field_mapping *custom_by_sf(const cs_config *cfg, const char *sf, bool lead)
{
    for (size_t i = cfg->ndefaults; i < cfg->nmappings; i++) {
        const char *f = lead ? cfg->mappings[i].sf_lead : cfg->mappings[i].sf_contact;
        if (f != NULL && strcasecmp(f, sf) == 0)
            return &cfg->mappings[i];
    }
    return NULL;
}

/* Checks one SF side of the mapping; returns false when it is refused. */
static bool check_sf(cfg_ctx *ctx, const cs_config *cfg, const cfg_pair *p, const char *parent,
                     const char *field, bool lead, cs_rule rule)
{
    char path[300];
    cfg_path(path, sizeof path, parent, p->key->text);
    /* `salesforce:` names one field on both objects (C8). */
    const char *object = strcmp(p->key->text, "salesforce") == 0 ? "Lead/Contact"
                         : lead                                  ? "Lead"
                                                                 : "Contact";
    if (cfg_is_known_sf_reference(field)) {
        if (strcasecmp(field, "OwnerId") == 0)
            cfg_problem_at(
                ctx, p->key, path, "C9, C17",
                "%s field OwnerId is a lookup to a User: a property cannot map to a lookup; "
                "the owner syncs through the default mapping hubspot_owner_id",
                object);
        else if (strcasecmp(field, "AccountId") == 0)
            cfg_problem_at(
                ctx, p->key, path, "C9, O3",
                "%s field AccountId is a lookup to an Account: a property cannot map to a "
                "lookup; the account syncs through the company association (A2) and "
                "the default mapping salesforceaccountid",
                object);
        else
            cfg_problem_at(ctx, p->key, path, "C9, O3",
                           "%s field %s is a lookup (reference): a property cannot map to a "
                           "lookup",
                           object, field);
        return false;
    }
    const cs_field_mapping *d = cfg_default_by_sf(field, lead);
    if (d != NULL) {
        cfg_problem_at(ctx, p->key, path, "C6, C7",
                       "%s field %s is already mapped by the default mapping %s; change that "
                       "mapping's rule under contacts.rules instead",
                       object, field, d->hs);
        return false;
    }
    const cs_field_mapping *c = custom_by_sf(cfg, field, lead);
    if (c != NULL) {
        cfg_problem_at(ctx, p->key, path, "C7",
                       "%s field %s is already mapped to %s (line %d): a field takes one mapping",
                       object, field, c->hs, c->line);
        return false;
    }
    if (cfg_is_sf_system_field(field) && cs_rule_writes_sf(rule)) {
        cfg_problem_at(ctx, p->key, path, "R1, C7",
                       "Salesforce sets %s field %s itself and refuses writes; only rule always_sf "
                       "can read it into HubSpot",
                       object, field);
        return false;
    }
    return true;
}

static int read_rule(cfg_ctx *ctx, const cfg_pair *p, const char *parent, cs_rule *out)
{
    char path[300];
    cfg_path(path, sizeof path, parent, "rule");
    char *s;
    if (cfg_read_string(ctx, p, path, "R1", false, &s) != 0)
        return -1;
    cs_rule r;
    int rc = 0;
    if (cs_rule_parse(s, &r) != 0) {
        const char *sug = cfg_rule_suggest(s);
        if (sug != NULL)
            cfg_problem_at(ctx, p->value, path, "R1", "unknown rule '%s' (did you mean '%s'?)", s,
                           sug);
        else
            cfg_problem_at(ctx, p->value, path, "R1",
                           "unknown rule '%s' (rules: prefer_sf_unless_blank, always_sf, "
                           "two_way, dont_sync, always_hs, prefer_hs_unless_blank)",
                           s);
        rc = -1;
    } else if (r == CS_RULE_FIXED_OPTOUT) {
        cfg_problem_at(ctx, p->value, path, "C10",
                       "rule 'fixed' belongs to the default mapping hs_email_optout only");
        rc = -1;
    } else {
        *out = r;
    }
    free(s);
    return rc;
}

/* C6 and C9 for an entry naming a default HS property. */
static void default_named(cfg_ctx *ctx, const cfg_node *node, const entry *e,
                          const cs_field_mapping *d, const char *path)
{
    const cfg_pair *contact = e->contact ? e->contact : e->sf;
    if ((d->flags & CS_MAP_LEAD_ONLY) && contact != NULL) {
        const char *f = contact->value->kind == CFG_SCALAR ? contact->value->text : "?";
        cfg_problem_at(ctx, contact->key, path, "C9",
                       "%s syncs only with leads (Lead.%s is text; a Contact's company is its "
                       "Account, the AccountId lookup): it cannot map to Contact field '%s'",
                       d->hs, d->sf_lead, f);
        return;
    }
    cfg_problem_at(ctx, e->hs->value->line ? e->hs->value : node, path, "C6, MAPPINGS",
                   "%s is a default mapping (%s/%s): it cannot be redefined, removed or disabled "
                   "through contacts.mappings; change its rule under contacts.rules",
                   d->hs, d->sf_lead ? d->sf_lead : "-", d->sf_contact ? d->sf_contact : "-");
}

void cfg_load_custom(cfg_ctx *ctx, cs_config *cfg, const cfg_node *node, const char *path)
{
    if (node->kind != CFG_MAP) {
        cfg_problem_at(ctx, node, path, "C7",
                       "expected a mapping such as { hubspot: favorite_color, salesforce: "
                       "Favorite_Color__c, rule: two_way }, got %s",
                       cfg_kind_name(node));
        return;
    }
    entry_keys(ctx, node, path);
    entry e = {cfg_lookup(node, "hubspot"),
               cfg_lookup(node, "salesforce"),
               cfg_lookup(node, "salesforce_lead"),
               cfg_lookup(node, "salesforce_contact"),
               cfg_lookup(node, "rule"),
               cfg_lookup(node, "values")};
    if (e.hs == NULL) {
        char kp[300];
        cfg_path(kp, sizeof kp, path, "hubspot");
        cfg_problem_at(ctx, node, kp, "C7", "required key is missing (the HubSpot property)");
        return;
    }
    char *hs = read_name(ctx, e.hs, path, true);
    if (hs == NULL)
        return;
    const cs_field_mapping *d = cfg_default_by_hs(hs);
    if (d != NULL) {
        default_named(ctx, node, &e, d, path);
        free(hs);
        return;
    }
    char hp[300];
    cfg_path(hp, sizeof hp, path, "hubspot");
    bool ok = true;
    const cs_field_mapping *dup = custom_by_hs(cfg, hs);
    if (cfg_is_maintained_property(hs)) {
        cfg_problem_at(ctx, e.hs->value, hp, "MAPPINGS",
                       "%s is maintained by crmsync (read-only for users) and cannot be mapped",
                       hs);
        ok = false;
    } else if (dup != NULL) {
        cfg_problem_at(ctx, e.hs->value, hp, "C7",
                       "%s is already mapped (line %d): a property takes one mapping", hs,
                       dup->line);
        ok = false;
    }

    cs_rule rule = CS_RULE_PREFER_SF_UNLESS_BLANK;
    if (e.rule != NULL && read_rule(ctx, e.rule, path, &rule) != 0)
        ok = false;
    if (ok && cfg_is_hs_system_property(hs) && cs_rule_writes_hs(rule)) {
        cfg_problem_at(ctx, e.hs->value, hp, "R1, C7",
                       "HubSpot sets %s itself and refuses writes; only rule always_hs can send "
                       "it to Salesforce",
                       hs);
        ok = false;
    }

    /* Which SF fields: `salesforce` (C8: the same API name on Lead and
     * Contact) or salesforce_lead and/or salesforce_contact. */
    char *lead = NULL, *contact = NULL;
    const cfg_pair *lead_p = e.lead, *contact_p = e.contact;
    if (e.sf != NULL && (e.lead != NULL || e.contact != NULL)) {
        const cfg_pair *other = e.lead ? e.lead : e.contact;
        char kp[300];
        cfg_path(kp, sizeof kp, path, other->key->text);
        cfg_problem_at(ctx, other->key, kp, "C8",
                       "give either salesforce (the same field on Lead and Contact) or "
                       "salesforce_lead/salesforce_contact, not both");
        free(hs);
        return;
    }
    if (e.sf == NULL && e.lead == NULL && e.contact == NULL) {
        char kp[300];
        cfg_path(kp, sizeof kp, path, "salesforce");
        cfg_problem_at(ctx, node, kp, "C7, C8",
                       "required key is missing: salesforce, or salesforce_lead and/or "
                       "salesforce_contact");
        free(hs);
        return;
    }
    if (e.sf != NULL) {
        lead_p = contact_p = e.sf;
        lead = read_name(ctx, e.sf, path, false);
        contact = lead ? strdup(lead) : NULL;
        if (lead == NULL || contact == NULL) {
            ctx->oom = ctx->oom || (lead != NULL && contact == NULL);
            ok = false;
        }
    } else {
        if (e.lead != NULL && (lead = read_name(ctx, e.lead, path, false)) == NULL)
            ok = false;
        if (e.contact != NULL && (contact = read_name(ctx, e.contact, path, false)) == NULL)
            ok = false;
    }
    /* R3: the value map of an enumeration mapping (HS option -> SF value). */
    const cs_value_pair *values = NULL;
    size_t nvalues = 0;
    if (e.values != NULL) {
        char vp[300];
        cfg_path(vp, sizeof vp, path, "values");
        if (cfg_read_value_map(ctx, cfg, e.values->value, vp, &values, &nvalues) != 0)
            ok = false;
    }
    if (lead != NULL && !check_sf(ctx, cfg, lead_p, path, lead, true, rule))
        ok = false;
    /* With `salesforce`, one problem per field name is enough. */
    if (contact != NULL && (e.sf == NULL || ok) &&
        !check_sf(ctx, cfg, contact_p, path, contact, false, rule))
        ok = false;
    if (!ok) {
        free(hs);
        free(lead);
        free(contact);
        return;
    }
    cs_field_mapping *m = &cfg->mappings[cfg->nmappings];
    memset(m, 0, sizeof *m);
    m->hs = cfg_own(cfg, ctx, hs);
    m->sf_lead = cfg_own(cfg, ctx, lead);
    m->sf_contact = cfg_own(cfg, ctx, contact);
    m->rule = rule;
    m->allowed = CS_RULES_ANY;
    m->flags = 0;
    m->line = node->line;
    m->column = node->col;
    m->values = values;
    m->nvalues = nvalues;
    if (m->hs != NULL)
        cfg->nmappings++;
}
