/* The contacts section of crmsync.yaml: the create/update/delete settings
 * (C2, C3, C13, C15, C16, R1's conflict winner), `rules` (changing a default
 * mapping's rule within what its row allows, C6 and MAPPINGS) and `mappings`
 * (custom mappings, C7/C8), with the load-time checks of C6 (defaults cannot
 * be removed, redefined or disabled by omission) and C9 (no text onto a
 * lookup; company only with leads), and `values` (value maps of enumeration
 * mappings, R3, config_valuemap.c). The result is the final mapping list:
 * every default row, then the custom rows in file order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_int.h"

#define MAX_CUSTOM 500

static const char *const g_contact_keys[] = {"create_salesforce_as",
                                             "on_salesforce_change",
                                             "required_placeholder",
                                             "conflict_winner",
                                             "inclusion_list",
                                             "on_salesforce_delete",
                                             "on_hubspot_delete",
                                             "rules",
                                             "mappings",
                                             "values",
                                             NULL};
/* Keys someone might try to switch the default mappings off with (C6). */
static const char *const g_c6_traps[] = {"default_mappings",
                                         "defaults",
                                         "use_default_mappings",
                                         "use_defaults",
                                         "remove",
                                         "remove_mappings",
                                         "exclude",
                                         "disable",
                                         "disabled",
                                         "delete",
                                         "replace_defaults",
                                         "overrides",
                                         NULL};
/* Rule values that would mean "remove this mapping" (C6). */
static const char *const g_removal_words[] = {
    "none",    "off",      "no",      "false", "remove",   "delete", "deleted",
    "disable", "disabled", "exclude", "skip",  "unmapped", NULL};

static const char *const g_create_as[] = {"lead", "contact", "contact_if_company_linked", NULL};
static const char *const g_on_sf_change[] = {"create_or_update", "nothing", NULL};
static const char *const g_winners[] = {"latest", "hubspot", "salesforce", NULL};
static const char *const g_delete[] = {"nothing", "delete", NULL};

static bool word_in(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcasecmp(list[i], w) == 0)
            return true;
    }
    return false;
}

/* "prefer_sf_unless_blank, two_way" */
static void allowed_list(char *out, size_t size, unsigned allowed)
{
    size_t used = 0;
    out[0] = '\0';
    for (int r = 0; r < CS_RULE_COUNT; r++) {
        if (!(allowed & CS_RULE_BIT(r)))
            continue;
        int n =
            snprintf(out + used, size - used, "%s%s", used ? ", " : "", cs_rule_name((cs_rule)r));
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

/* SPEC ids cited for a default row's rule problems. */
static const char *row_ids(const cs_field_mapping *m)
{
    if (m->flags & CS_MAP_OWNER)
        return "C17, MAPPINGS";
    if (m->flags & CS_MAP_OPTOUT)
        return "C10, MAPPINGS";
    return "C6, MAPPINGS";
}

static void contact_keys(cfg_ctx *ctx, const cfg_node *map)
{
    for (size_t i = 0; map != NULL && i < map->count; i++) {
        const cfg_node *key = map->pairs[i].key;
        if (word_in(key->text, g_contact_keys))
            continue;
        char path[256];
        cfg_path(path, sizeof path, "contacts", key->text);
        const char *s = cfg_suggest(key->text, g_contact_keys);
        if (word_in(key->text, g_c6_traps))
            cfg_problem_at(ctx, key, path, "C6",
                           "default mappings cannot be removed or turned off; change a "
                           "default's rule under contacts.rules (dont_sync where its row "
                           "allows it)");
        else if (s != NULL)
            cfg_problem_at(ctx, key, path, "config", "unknown key (did you mean '%s'?)", s);
        else
            cfg_problem_at(ctx, key, path, "config", "unknown key");
    }
}

static void load_settings(cfg_ctx *ctx, cs_config *cfg, const cfg_node *map)
{
    cs_contact_settings *c = &cfg->contacts;
    const cfg_pair *p;
    int v;
    if ((p = cfg_lookup(map, "create_salesforce_as")) != NULL &&
        cfg_read_enum(ctx, p, "contacts.create_salesforce_as", "C15", g_create_as, &v) == 0)
        c->create_salesforce_as = (cs_create_as)v;
    if ((p = cfg_lookup(map, "on_salesforce_change")) != NULL &&
        cfg_read_enum(ctx, p, "contacts.on_salesforce_change", "C3", g_on_sf_change, &v) == 0)
        c->on_salesforce_change = (cs_on_sf_change)v;
    if ((p = cfg_lookup(map, "conflict_winner")) != NULL &&
        cfg_read_enum(ctx, p, "contacts.conflict_winner", "R1", g_winners, &v) == 0)
        c->conflict_winner = (cs_conflict_winner)v;
    if ((p = cfg_lookup(map, "on_salesforce_delete")) != NULL &&
        cfg_read_enum(ctx, p, "contacts.on_salesforce_delete", "C16", g_delete, &v) == 0)
        c->on_salesforce_delete = (cs_delete_action)v;
    if ((p = cfg_lookup(map, "on_hubspot_delete")) != NULL &&
        cfg_read_enum(ctx, p, "contacts.on_hubspot_delete", "C16", g_delete, &v) == 0)
        c->on_hubspot_delete = (cs_delete_action)v;

    char *s;
    if ((p = cfg_lookup(map, "required_placeholder")) != NULL &&
        cfg_read_string(ctx, p, "contacts.required_placeholder", "C13", true, &s) == 0) {
        /* SF's LastName holds 80 characters; a blank would be refused as missing. */
        if (s != NULL && (strspn(s, " \t") == strlen(s) || strlen(s) > 80)) {
            cfg_problem_at(ctx, p->value, "contacts.required_placeholder", "C13",
                           "the placeholder must be 1 to 80 characters and not blank; use null "
                           "to refuse records that lack a required value");
            free(s);
        } else {
            c->required_placeholder = s ? cfg_own(cfg, ctx, s) : NULL;
        }
    }
    if ((p = cfg_lookup(map, "inclusion_list")) != NULL &&
        cfg_read_string(ctx, p, "contacts.inclusion_list", "C2", true, &s) == 0) {
        if (s != NULL && (s[0] == '\0' || strlen(s) > 20 || strspn(s, "0123456789") != strlen(s))) {
            cfg_problem_at(ctx, p->value, "contacts.inclusion_list", "C2",
                           "'%s' is not a HubSpot list id (digits, e.g. 42); use null to sync "
                           "every contact",
                           s);
            free(s);
        } else {
            c->inclusion_list = s ? cfg_own(cfg, ctx, s) : NULL;
        }
    }
}

/* The line of the custom mapping entry whose hubspot key is name, or 0. */
static int custom_line(const cfg_node *mappings, const char *name)
{
    for (size_t i = 0; mappings != NULL && i < mappings->count; i++) {
        const cfg_pair *h = cfg_lookup(mappings->items[i], "hubspot");
        if (h != NULL && h->value->kind == CFG_SCALAR && strcmp(h->value->text, name) == 0)
            return mappings->items[i]->line;
    }
    return 0;
}

static void rule_for_default(cfg_ctx *ctx, cs_field_mapping *m, const cfg_pair *p, const char *path)
{
    char allowed[160];
    allowed_list(allowed, sizeof allowed, m->allowed);
    const cfg_node *v = p->value;
    bool removal = cfg_is_null(v) || (v->kind == CFG_SCALAR && word_in(v->text, g_removal_words));
    if (removal) {
        if (m->allowed & CS_RULE_BIT(CS_RULE_DONT_SYNC))
            cfg_problem_at(ctx, p->key, path, "C6",
                           "a default mapping cannot be removed; to stop syncing %s use rule "
                           "dont_sync",
                           m->hs);
        else
            cfg_problem_at(ctx, p->key, path, "C6",
                           "a default mapping cannot be removed; %s allows only: %s", m->hs,
                           allowed);
        return;
    }
    if (v->kind != CFG_SCALAR) {
        cfg_problem_at(ctx, p->key, path, "R1", "expected a rule name, got %s", cfg_kind_name(v));
        return;
    }
    cs_rule rule;
    if (cs_rule_parse(v->text, &rule) != 0) {
        const char *s = cfg_rule_suggest(v->text);
        if (s != NULL)
            cfg_problem_at(ctx, p->key, path, "R1", "unknown rule '%s' (did you mean '%s'?)",
                           v->text, s);
        else
            cfg_problem_at(ctx, p->key, path, "R1",
                           "unknown rule '%s' (rules: prefer_sf_unless_blank, always_sf, "
                           "two_way, dont_sync, always_hs, prefer_hs_unless_blank)",
                           v->text);
        return;
    }
    if (!(m->allowed & CS_RULE_BIT(rule))) {
        cfg_problem_at(ctx, p->key, path, row_ids(m),
                       "rule '%s' is not allowed for the default mapping %s (allowed: %s)", v->text,
                       m->hs, allowed);
        return;
    }
    m->rule = rule;
    m->line = p->key->line;
    m->column = p->key->col;
}

static void load_rules(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section,
                       const cfg_node *mappings)
{
    const cfg_node *map = NULL;
    if (cfg_read_map(ctx, section, "contacts.rules", "C6, MAPPINGS", &map) != 0 || map == NULL)
        return;
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < cfg->ndefaults && n + 1 < 64; i++)
        names[n++] = cfg->mappings[i].hs;
    names[n] = NULL;
    for (size_t i = 0; i < map->count; i++) {
        const cfg_pair *p = &map->pairs[i];
        const char *k = p->key->text;
        char path[256];
        cfg_path(path, sizeof path, "contacts.rules", k);
        cs_field_mapping *m = NULL;
        for (size_t d = 0; d < cfg->ndefaults && m == NULL; d++) {
            if (strcmp(cfg->mappings[d].hs, k) == 0)
                m = &cfg->mappings[d];
        }
        if (m != NULL) {
            rule_for_default(ctx, m, p, path);
            continue;
        }
        int line = custom_line(mappings, k);
        const cs_field_mapping *by_sf = cfg_default_by_sf(k, true);
        if (by_sf == NULL)
            by_sf = cfg_default_by_sf(k, false);
        const char *s = cfg_suggest(k, names);
        if (line > 0)
            cfg_problem_at(ctx, p->key, path, "C7",
                           "%s is a custom mapping: set its rule in its contacts.mappings entry "
                           "(line %d)",
                           k, line);
        else if (by_sf != NULL)
            cfg_problem_at(ctx, p->key, path, "C6, MAPPINGS",
                           "rules are keyed by the HubSpot property: '%s' is the Salesforce "
                           "field of '%s'",
                           k, by_sf->hs);
        else if (s != NULL)
            cfg_problem_at(ctx, p->key, path, "C6, MAPPINGS",
                           "'%s' is not a default mapping (did you mean '%s'?)", k, s);
        else
            cfg_problem_at(ctx, p->key, path, "C6, MAPPINGS",
                           "'%s' is not a default mapping; add it under contacts.mappings", k);
    }
}

static void load_mappings(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section,
                          const cfg_node **seq_out)
{
    const cfg_node *seq = NULL;
    if (cfg_read_seq(ctx, section, "contacts.mappings", "C7", &seq) != 0 || seq == NULL)
        return;
    *seq_out = seq;
    if (seq->count > MAX_CUSTOM) {
        cfg_problem_at(ctx, seq, "contacts.mappings", "C7",
                       "%zu custom mappings; at most %d are supported", seq->count, MAX_CUSTOM);
        return;
    }
    cs_field_mapping *grown =
        realloc(cfg->mappings, (cfg->ndefaults + seq->count) * sizeof *cfg->mappings);
    if (grown == NULL) {
        ctx->oom = true;
        return;
    }
    cfg->mappings = grown;
    for (size_t i = 0; i < seq->count; i++) {
        char path[256];
        cfg_path_index(path, sizeof path, "contacts.mappings", i);
        cfg_load_custom(ctx, cfg, seq->items[i], path);
    }
}

void cfg_load_contacts(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section)
{
    size_t nd;
    const cs_field_mapping *defaults = cs_config_default_contact_mappings(&nd);
    cfg->mappings = malloc(nd * sizeof *cfg->mappings);
    if (cfg->mappings == NULL) {
        ctx->oom = true;
        return;
    }
    memcpy(cfg->mappings, defaults, nd * sizeof *defaults);
    cfg->ndefaults = cfg->nmappings = nd;

    const cfg_node *map = NULL;
    if (section == NULL || cfg_read_map(ctx, section, "contacts", "config", &map) != 0 ||
        map == NULL)
        return;
    contact_keys(ctx, map);
    load_settings(ctx, cfg, map);
    const cfg_node *seq = NULL;
    const cfg_pair *mp = cfg_lookup(map, "mappings");
    if (mp != NULL)
        load_mappings(ctx, cfg, mp, &seq);
    else
        seq = NULL;
    const cfg_pair *rp = cfg_lookup(map, "rules");
    if (rp != NULL)
        load_rules(ctx, cfg, rp, seq);
    const cfg_pair *vp = cfg_lookup(map, "values");
    if (vp != NULL)
        cfg_load_values(ctx, cfg, vp, seq);
}
