/* Value maps (R3): HubSpot enumeration options and the Salesforce values they
 * stand for, per mapping. HubSpot's hs_lead_status offers NEW, OPEN,
 * IN_PROGRESS, ... while a Salesforce Lead's Status holds "Open - Not
 * Contacted", "Working - Contacted", ...; without a translation every value
 * one side writes is refused by the other.
 *
 * Here: reading a map from crmsync.yaml (contacts.values, keyed by HS
 * property, and `values` inside a custom mapping), with its load-time
 * checks, and cs_values_translate(), the one translation the plan and verify
 * both use. A map lists HS option -> SF value; several HS options may share
 * one SF value, and SF -> HS then takes the first of them. Values the map
 * does not list pass through unchanged, so that a value the other side does
 * not offer becomes that record's Property values error (R3, R4). */
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"

/* ---- reading ------------------------------------------------------------------ */

/* Whether n is a scalar that YAML reads as a string (not null, a boolean or
 * a number), so that `1: x` or `true: x` is not silently taken as text. */
static bool is_text(const cfg_node *n)
{
    return n != NULL && n->kind == CFG_SCALAR && strcmp(cfg_kind_name(n), "a string") == 0;
}

/* Checks one side of an entry; reports and returns false when it is refused. */
static bool entry_text(cfg_ctx *ctx, const cfg_node *n, const char *path, const char *what,
                       const char *quote_hint)
{
    if (!is_text(n)) {
        if (n != NULL && n->kind == CFG_SCALAR && !cfg_is_null(n))
            cfg_problem_at(ctx, n, path, "R3",
                           "%s '%s' reads as %s in YAML; quote it (\"%s\") if it is %s", what,
                           n->text, cfg_kind_name(n), n->text, quote_hint);
        else
            cfg_problem_at(ctx, n, path, "R3", "%s must be a string, got %s", what,
                           cfg_kind_name(n));
        return false;
    }
    size_t len = strlen(n->text);
    if (strspn(n->text, " \t") == len) {
        cfg_problem_at(ctx, n, path, "R3", "%s must not be blank", what);
        return false;
    }
    if (len > CS_VALUES_MAX_LEN) {
        cfg_problem_at(ctx, n, path, "R3", "%s is %zu characters long; at most %d", what, len,
                       CS_VALUES_MAX_LEN);
        return false;
    }
    return true;
}

int cfg_read_value_map(cfg_ctx *ctx, cs_config *cfg, const cfg_node *node, const char *path,
                       const cs_value_pair **pairs, size_t *count)
{
    if (cfg_is_null(node) || (node->kind == CFG_MAP && node->count == 0)) {
        *pairs = NULL;
        *count = 0;
        return 0;
    }
    if (node->kind != CFG_MAP) {
        cfg_problem_at(ctx, node, path, "R3",
                       "expected a mapping of HubSpot option: Salesforce value (e.g. NEW: "
                       "\"Open - Not Contacted\"), got %s",
                       cfg_kind_name(node));
        return -1;
    }
    if (node->count > CS_VALUES_MAX_ENTRIES) {
        cfg_problem_at(ctx, node, path, "R3", "%zu values; at most %d are supported", node->count,
                       CS_VALUES_MAX_ENTRIES);
        return -1;
    }
    bool ok = true;
    for (size_t i = 0; i < node->count; i++) {
        const cfg_pair *p = &node->pairs[i];
        char kp[300];
        cfg_path(kp, sizeof kp, path, p->key->text);
        bool good_k =
            entry_text(ctx, p->key, kp, "the HubSpot option", "an option's internal value");
        bool good_v;
        if (p->value == NULL || p->value->line == 0) {
            /* An empty value has no position of its own: point at the key. */
            cfg_problem_at(ctx, p->key, kp, "R3", "the Salesforce value must be a string, got %s",
                           cfg_kind_name(p->value));
            good_v = false;
        } else {
            good_v = entry_text(ctx, p->value, kp, "the Salesforce value", "a picklist value");
        }
        ok = ok && good_k && good_v;
    }
    if (!ok)
        return -1;
    cs_value_pair *out = calloc(node->count, sizeof *out);
    if (cfg_own_mem(cfg, ctx, out) == NULL) {
        ctx->oom = true;
        return -1;
    }
    for (size_t i = 0; i < node->count; i++) {
        const cfg_pair *p = &node->pairs[i];
        out[i].hs = cfg_own_dup(cfg, ctx, p->key->text);
        out[i].sf = cfg_own_dup(cfg, ctx, p->value->text);
        out[i].line = p->key->line;
        out[i].column = p->key->col;
        if (out[i].hs == NULL || out[i].sf == NULL)
            return -1;
    }
    *pairs = out;
    *count = node->count;
    return 0;
}

/* Why a fixed row takes no value map, or NULL when m may have one. */
static const char *fixed_reason(const cs_field_mapping *m)
{
    if (m->flags & CS_MAP_EMAIL)
        return "email addresses are not options (C5)";
    if (m->flags & CS_MAP_OWNER)
        return "owners are translated through Salesforce Users by email (C17)";
    if (m->flags & CS_MAP_OPTOUT)
        return "the opt-out is a checkbox (C10)";
    if (m->flags & CS_MAP_ACCOUNT_ID)
        return "it holds a Salesforce record id";
    return NULL;
}

/* The contacts.mappings entry whose hubspot key is hs, or NULL. */
static const cfg_node *custom_entry(const cfg_node *mappings, const char *hs)
{
    for (size_t i = 0; mappings != NULL && i < mappings->count; i++) {
        const cfg_pair *h = cfg_lookup(mappings->items[i], "hubspot");
        if (h != NULL && h->value->kind == CFG_SCALAR && strcmp(h->value->text, hs) == 0)
            return mappings->items[i];
    }
    return NULL;
}

static void unknown_property(cfg_ctx *ctx, const cs_config *cfg, const cfg_node *key,
                             const char *path)
{
    const char *k = key->text;
    const cs_field_mapping *by_sf = cfg_default_by_sf(k, true);
    if (by_sf == NULL)
        by_sf = cfg_default_by_sf(k, false);
    const char *names[CS_VALUES_MAX_ENTRIES + 1];
    size_t n = 0;
    for (size_t i = 0; i < cfg->nmappings && n < CS_VALUES_MAX_ENTRIES; i++)
        names[n++] = cfg->mappings[i].hs;
    names[n] = NULL;
    const char *s = cfg_suggest(k, names);
    if (cfg_is_maintained_property(k))
        cfg_problem_at(ctx, key, path, "R3, MAPPINGS",
                       "%s is maintained by crmsync and is not mapped; a value map belongs to "
                       "a mapped property",
                       k);
    else if (by_sf != NULL)
        cfg_problem_at(ctx, key, path, "R3, C6",
                       "value maps are keyed by the HubSpot property: '%s' is the Salesforce "
                       "field of '%s'",
                       k, by_sf->hs);
    else if (s != NULL)
        cfg_problem_at(ctx, key, path, "R3, C7",
                       "'%s' is not a mapped HubSpot property (did you mean '%s'?)", k, s);
    else
        cfg_problem_at(ctx, key, path, "R3, C7",
                       "'%s' is not a mapped HubSpot property; map it under contacts.mappings "
                       "first",
                       k);
}

void cfg_load_values(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section,
                     const cfg_node *mappings)
{
    const cfg_node *map = NULL;
    if (cfg_read_map(ctx, section, "contacts.values", "R3", &map) != 0 || map == NULL)
        return;
    for (size_t i = 0; i < map->count; i++) {
        const cfg_pair *p = &map->pairs[i];
        char path[300];
        cfg_path(path, sizeof path, "contacts.values", p->key->text);
        cs_field_mapping *m = NULL;
        for (size_t j = 0; j < cfg->nmappings && m == NULL; j++) {
            if (strcmp(cfg->mappings[j].hs, p->key->text) == 0)
                m = &cfg->mappings[j];
        }
        const cfg_node *entry = custom_entry(mappings, p->key->text);
        if (m == NULL) {
            if (entry == NULL) /* else a refused custom mapping, reported already */
                unknown_property(ctx, cfg, p->key, path);
            continue;
        }
        const char *why = fixed_reason(m);
        if (why != NULL) {
            cfg_problem_at(ctx, p->key, path, "R3", "%s takes no value map: %s", m->hs, why);
            continue;
        }
        const cfg_pair *own = cfg_lookup(entry, "values");
        if (own != NULL) {
            cfg_problem_at(ctx, p->key, path, "R3, C7",
                           "%s already has values in its contacts.mappings entry (line %d): "
                           "give them in one place",
                           m->hs, own->key->line);
            continue;
        }
        const cs_value_pair *pairs;
        size_t count;
        if (cfg_read_value_map(ctx, cfg, p->value, path, &pairs, &count) == 0) {
            m->values = pairs;
            m->nvalues = count;
        }
    }
}

/* ---- translating -------------------------------------------------------------- */

/* The map's translation of the len bytes at v in direction TO_SF or TO_HS,
 * or NULL when the map does not list them. */
static const char *lookup(const cs_field_mapping *m, cs_value_dir dir, const char *v, size_t len)
{
    for (size_t i = 0; i < m->nvalues; i++) {
        const char *from = dir == CS_VALUES_TO_SF ? m->values[i].hs : m->values[i].sf;
        if (from != NULL && strncmp(from, v, len) == 0 && from[len] == '\0')
            return dir == CS_VALUES_TO_SF ? m->values[i].sf : m->values[i].hs;
    }
    return NULL;
}

/* One value (or one item of a multi-select): the translation, or v itself.
 * *out_len is the result's length. */
static const char *one(const cs_field_mapping *m, cs_value_dir dir, const char *v, size_t len,
                       size_t *out_len)
{
    const char *r;
    if (dir == CS_VALUES_CANONICAL) {
        /* HS -> SF -> HS: the first HS option of the SF value it stands for. */
        const char *sf = lookup(m, CS_VALUES_TO_SF, v, len);
        size_t sf_len = sf ? strlen(sf) : len;
        r = lookup(m, CS_VALUES_TO_HS, sf ? sf : v, sf_len);
    } else {
        r = lookup(m, dir, v, len);
    }
    if (r == NULL) {
        *out_len = len;
        return v;
    }
    *out_len = strlen(r);
    return r;
}

/* Whether the ';'-joined items in b already hold the len bytes at item. */
static bool has_item(const cs_buf *b, const char *item, size_t len)
{
    const char *p = cs_buf_str(b);
    size_t total = b->len;
    if (total == 0)
        return false;
    for (size_t start = 0; start <= total;) {
        const char *e = memchr(p + start, ';', total - start);
        size_t end = e ? (size_t)(e - p) : total;
        if (end - start == len && memcmp(p + start, item, len) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

int cs_values_translate(const cs_field_mapping *m, cs_value_dir dir, const char *value,
                        cs_buf *scratch, const char **out)
{
    if (m == NULL || m->nvalues == 0 || value == NULL || value[0] == '\0') {
        *out = value;
        return 0;
    }
    size_t len = strlen(value), rlen;
    const char *whole = one(m, dir, value, len, &rlen);
    if (whole != value || strchr(value, ';') == NULL) {
        *out = whole;
        return 0;
    }
    /* A multi-select: item by item, without duplicates. */
    cs_buf_reset(scratch);
    bool changed = false, first = true;
    for (const char *p = value;;) {
        const char *e = strchr(p, ';');
        size_t ilen = e ? (size_t)(e - p) : strlen(p);
        const char *t = one(m, dir, p, ilen, &rlen);
        if (t != p)
            changed = true;
        if (!first && has_item(scratch, t, rlen)) {
            changed = true;
        } else {
            if ((!first && cs_buf_append(scratch, ";", 1) != 0) ||
                (rlen > 0 && cs_buf_append(scratch, t, rlen) != 0))
                return -1;
            first = false;
        }
        if (e == NULL)
            break;
        p = e + 1;
    }
    *out = changed ? cs_buf_str(scratch) : value;
    return 0;
}
