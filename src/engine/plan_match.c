/* Matching of unlinked records by email (C5) and what follows from it: a
 * link, a create on the other side (C15 for SF, C3 for HS), or a skip with the
 * reason (R7 no email, C2 outside the inclusion list, C3 creation turned off,
 * C5 duplicate). Records are grouped by their email key and each group is
 * decided once, so one plan never holds two creates for one email on either
 * side. In SF a Contact is preferred over a Lead and, among several, the most
 * recently modified one; a Lead shadowed that way is skipped as a duplicate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/plan_int.h"
#include "engine/value.h"

typedef struct entry {
    const plan_rec *r;
    bool hubspot;
    bool linked; /* already linked (or claimed by a linked pair this pass) */
} entry;

static int cmp_entry(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int c = strcmp(a->r->email, b->r->email);
    if (c != 0)
        return c;
    if (a->hubspot != b->hubspot)
        return a->hubspot ? -1 : 1;
    return strcmp(a->r->rec.id, b->r->rec.id);
}

/* C14: a record its object's conversion flag marks converted. */
static bool is_converted_lead(const cs_plan_input *in, const plan_rec *r)
{
    const cs_pair_sf *o = cs_pair_sf_find(&in->pair, r->rec.type);
    return o != NULL && o->converted_flag != NULL &&
           cs_value_is_true(cs_record_get(&r->rec, o->converted_flag));
}

static bool preferred(const cs_plan_input *in, const plan_rec *r)
{
    const cs_pair_sf *o = cs_pair_sf_find(&in->pair, r->rec.type);
    return o != NULL && o->preferred;
}

/* C5: whether SF record a is preferred over b: a Contact over a Lead, then
 * the most recently modified, then the smaller id. */
static bool sf_better(const cs_plan_input *in, const plan_rec *a, const plan_rec *b)
{
    bool ca = preferred(in, a), cb = preferred(in, b);
    if (ca != cb)
        return ca;
    if (a->rec.modified_ms != b->rec.modified_ms)
        return a->rec.modified_ms > b->rec.modified_ms;
    return plan_cmp_id(a->rec.id, b->rec.id) < 0;
}

static bool hs_better(const plan_rec *a, const plan_rec *b)
{
    if (a->rec.modified_ms != b->rec.modified_ms)
        return a->rec.modified_ms > b->rec.modified_ms;
    return plan_cmp_id(a->rec.id, b->rec.id) < 0;
}

typedef struct group {
    const entry *items;
    size_t n;
    const plan_rec *hs;        /* the chosen unlinked HS contact */
    const plan_rec *sf;        /* the chosen unlinked SF record */
    const plan_rec *hs_linked; /* an HS contact with this email that is already linked */
    const plan_rec *sf_linked;
    bool trig_hs, trig_sf; /* a changed unlinked record on that side */
} group;

static const char *sf_preference(const group *g, const plan_rec *other)
{
    if (strcmp(g->sf->rec.type, other->rec.type) != 0)
        return "a Contact is preferred over a Lead";
    if (g->sf->rec.modified_ms != other->rec.modified_ms)
        return "the most recently modified is preferred";
    return "the smallest id is preferred";
}

/* Skips every changed unlinked record of the group except the chosen ones. */
static int skip_duplicates(cs_plan *plan, const group *g)
{
    for (size_t i = 0; i < g->n; i++) {
        const entry *e = &g->items[i];
        if (e->linked || !e->r->changed || e->r == g->hs || e->r == g->sf)
            continue;
        int rc;
        if (e->hubspot)
            rc = plan_skip(plan, e->r->rec.id, NULL, NULL, e->r->email,
                           "C5: duplicate email; HubSpot contact %s syncs it",
                           g->hs ? g->hs->rec.id : "(another)");
        else if (g->sf != NULL)
            rc = plan_skip(plan, NULL, e->r->rec.type, e->r->rec.id, e->r->email,
                           "C5: duplicate email; Salesforce %s %s syncs it (%s)", g->sf->rec.type,
                           g->sf->rec.id, sf_preference(g, e->r));
        else
            rc = plan_skip(plan, NULL, e->r->rec.type, e->r->rec.id, e->r->email,
                           "C5: duplicate email");
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Skips every changed unlinked record of one side with the same reason. */
static int skip_side(cs_plan *plan, const group *g, bool hubspot, const char *reason)
{
    for (size_t i = 0; i < g->n; i++) {
        const entry *e = &g->items[i];
        if (e->linked || !e->r->changed || e->hubspot != hubspot)
            continue;
        int rc = hubspot ? plan_skip(plan, e->r->rec.id, NULL, NULL, e->r->email, "%s", reason)
                         : plan_skip(plan, NULL, e->r->rec.type, e->r->rec.id, e->r->email, "%s",
                                     reason);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int decide(const cs_plan_input *in, cs_plan *plan, group *g)
{
    bool create_ok = in->settings->on_salesforce_change == CS_SF_CHANGE_CREATE_OR_UPDATE;
    if (g->hs != NULL && g->sf != NULL) {
        bool member = plan_is_member(in, g->hs->rec.id);
        char why[256];
        int n = snprintf(why, sizeof why, "C5: matched by email to %s %s", g->sf->rec.type,
                         g->sf->rec.id);
        if (n < 0)
            why[0] = '\0';
        if ((g->trig_hs && member) || (g->trig_sf && create_ok)) {
            /* C3: an SF change links even outside the inclusion list, but
             * then only SF values flow. */
            if (plan_link_pair(in, plan, g->hs, g->sf, member, why) != 0)
                return -1;
            return skip_duplicates(plan, g);
        }
        if (skip_side(plan, g, true, "C2: not in the inclusion list") != 0)
            return -1;
        return skip_side(plan, g, false, "C3: on_salesforce_change is nothing");
    }
    if (g->hs != NULL) {
        if (!g->trig_hs)
            return 0;
        if (g->sf_linked != NULL) {
            const plan_link *l = plan_link_by_sf(in, g->sf_linked->rec.id);
            return plan_skip(plan, g->hs->rec.id, NULL, NULL, g->hs->email,
                             "C5: Salesforce %s %s with this email is already linked to "
                             "HubSpot contact %s",
                             g->sf_linked->rec.type, g->sf_linked->rec.id,
                             l ? l->hs_id : "(linked this pass)");
        }
        if (!plan_is_member(in, g->hs->rec.id))
            return skip_side(plan, g, true, "C2: not in the inclusion list");
        if (plan_create_sf(in, plan, g->hs) != 0)
            return -1;
        return skip_duplicates(plan, g);
    }
    if (g->sf != NULL) {
        if (!g->trig_sf)
            return 0;
        if (g->hs_linked != NULL) {
            const plan_link *l = plan_link_by_hs(in, g->hs_linked->rec.id);
            char reason[256];
            int n = snprintf(reason, sizeof reason,
                             "C5: HubSpot contact %s with this email is already linked to %s %s",
                             g->hs_linked->rec.id, l ? l->sf_type : "a Salesforce record",
                             l ? l->sf_id : "");
            return skip_side(plan, g, false, n > 0 ? reason : "C5: duplicate email");
        }
        if (!create_ok)
            return skip_side(plan, g, false, "C3: on_salesforce_change is nothing");
        if (plan_create_hs(in, plan, g->sf) != 0)
            return -1;
        return skip_duplicates(plan, g);
    }
    return 0;
}

static int collect(const cs_plan_input *in, cs_plan *plan, const cs_map *claimed_hs,
                   const cs_map *claimed_sf, entry *out, size_t *count)
{
    size_t n = 0;
    for (size_t i = 0; i < in->nhs; i++) {
        const plan_rec *r = &in->hs[i];
        bool linked = plan_link_by_hs(in, r->rec.id) || plan_set_has(claimed_hs, r->rec.id);
        if (r->rec.deleted)
            continue;
        if (!r->has_email) {
            if (r->changed && !linked &&
                plan_skip(plan, r->rec.id, NULL, NULL, NULL, "R7: no email") != 0)
                return -1;
            continue;
        }
        out[n++] = (entry){r, true, linked};
    }
    for (size_t i = 0; i < in->nsf; i++) {
        const plan_rec *r = &in->sf[i];
        bool linked = plan_link_by_sf(in, r->rec.id) || plan_set_has(claimed_sf, r->rec.id);
        if (r->rec.deleted || (linked && !r->has_email))
            continue;
        if (!linked && is_converted_lead(in, r)) {
            if (r->changed &&
                plan_skip(plan, NULL, r->rec.type, r->rec.id, r->has_email ? r->email : NULL,
                          "C14: converted Lead; its Contact syncs instead") != 0)
                return -1;
            continue;
        }
        if (!r->has_email) {
            if (r->changed &&
                plan_skip(plan, NULL, r->rec.type, r->rec.id, NULL, "R7: no email") != 0)
                return -1;
            continue;
        }
        out[n++] = (entry){r, false, linked};
    }
    *count = n;
    return 0;
}

int plan_match(const cs_plan_input *in, cs_plan *plan, const cs_map *claimed_hs,
               const cs_map *claimed_sf)
{
    size_t total = in->nhs + in->nsf;
    entry *items = calloc(total ? total : 1, sizeof *items);
    if (items == NULL)
        return -1;
    size_t n = 0;
    int rc = collect(in, plan, claimed_hs, claimed_sf, items, &n);
    if (rc == 0 && n > 1)
        qsort(items, n, sizeof *items, cmp_entry);
    for (size_t i = 0; rc == 0 && i < n;) {
        size_t j = i;
        group g;
        memset(&g, 0, sizeof g);
        g.items = &items[i];
        while (j < n && strcmp(items[j].r->email, items[i].r->email) == 0) {
            const entry *e = &items[j++];
            if (e->hubspot && e->linked)
                g.hs_linked = g.hs_linked ? g.hs_linked : e->r;
            else if (!e->hubspot && e->linked)
                g.sf_linked = g.sf_linked ? g.sf_linked : e->r;
            else if (e->hubspot)
                g.hs = (g.hs == NULL || hs_better(e->r, g.hs)) ? e->r : g.hs;
            else
                g.sf = (g.sf == NULL || sf_better(in, e->r, g.sf)) ? e->r : g.sf;
            if (!e->linked && e->r->changed) {
                g.trig_hs = g.trig_hs || e->hubspot;
                g.trig_sf = g.trig_sf || !e->hubspot;
            }
        }
        g.n = j - i;
        rc = decide(in, plan, &g);
        i = j;
    }
    free(items);
    return rc;
}
