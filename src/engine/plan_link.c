/* Pairs matched by link, and the parent of a child pair (A1, A2).
 *
 * A1 (plan_match_link): a changed unlinked Salesforce record (an Account)
 * creates its HubSpot record (a company). A changed unlinked HubSpot record
 * is first matched through its children: when one of its associated
 * contacts is linked to a Contact whose AccountId names an unlinked Account,
 * the two are linked. Otherwise it creates its Salesforce record only when a
 * child needs it — a linked Contact without an Account, or a contact about
 * to be created as a Contact (create_salesforce_as: contact) — and is skipped
 * with A1's reason when none does: no children, or children that sync to
 * Leads. Never by a field value such as the domain. The other way, a
 * changed unlinked Salesforce record (a new Account) that one of an unlinked
 * HubSpot record's children names as its parent is linked to that record
 * (read as context when it did not change) rather than creating a second
 * one.
 *
 * A2 (plan_merge_parent): for a linked child whose Salesforce object has a
 * parent field (Contact.AccountId), the parent field ⇄ the HubSpot record's
 * primary association, both ways, compared as the Account id they stand for
 * and settled in the pair's snapshot under PLAN_SNAP_PARENT. A side that
 * points to a parent the other side does not know yet (not linked) is an
 * Associations error (R9) that waits for the parent. A removed parent is
 * propagated like a moved one: a cleared AccountId removes the contact's
 * association with its primary company (plan_unassociate), a removed primary
 * association clears AccountId. */
#include <stdio.h>
#include <string.h>

#include "engine/plan_int.h"
#include "engine/value.h"

/* A2: the primary HS parent of hs_id and (sf, may be NULL) the SF record
 * it is linked to; NULL for each when there is none or it was not read. */
static const char *plan_hs_parent(const cs_plan_input *in, const char *hs_id, const char **sf)
{
    const plan_parent *hp = cs_map_get(in->hs_parent, hs_id);
    if (sf != NULL)
        *sf = hp && hp->sf[0] ? hp->sf : NULL;
    return hp && hp->hs[0] ? hp->hs : NULL;
}

/* The children facts of HS record hs_id (cs_plan_input_add_child); an
 * empty list when there are none. */
static plan_children children_of(const cs_plan_input *in, const char *hs_id)
{
    const plan_children *list = cs_map_get(in->children, hs_id);
    return list ? *list : (plan_children){0};
}

/* A1: the unlinked SF parent one of hs's children names, not yet claimed. */
static const plan_rec *match_through_children(const cs_plan_input *in, const plan_rec *hs,
                                              const cs_map *claimed_sf, const char **child)
{
    plan_children list = children_of(in, hs->rec.id);
    for (size_t i = 0; i < list.n; i++) {
        const plan_child *c = &list.items[i];
        if (c->sf_parent[0] == '\0' || plan_link_by_sf(in, c->sf_parent) != NULL ||
            plan_set_has(claimed_sf, c->sf_parent))
            continue;
        const plan_rec *sf = plan_sf_find(in, c->sf_parent);
        if (sf != NULL && !sf->rec.deleted) {
            *child = c->hs_id;
            return sf;
        }
    }
    return NULL;
}

/* A1: why hs creates its SF record, or NULL when no child needs it. */
static const char *create_reason(const cs_plan_input *in, const plan_rec *hs, char *buf,
                                 size_t size)
{
    const char *label = in->pair.hs_label;
    const char *sf = in->pair.sf[in->pair.create_default].name;
    plan_children list = children_of(in, hs->rec.id);
    for (size_t i = 0; i < list.n; i++) {
        const char *child = list.items[i].hs_id;
        if (list.items[i].needs_parent) {
            if (snprintf(buf, size,
                         "A1: new Salesforce %s: its contact %s syncs to a Salesforce record "
                         "without one",
                         sf, child) < 0)
                return NULL;
            return buf;
        }
        if (list.items[i].creates_with_parent) {
            if (snprintf(buf, size,
                         "A1: new Salesforce %s: its contact %s is created in Salesforce "
                         "with its %s",
                         sf, child, label) < 0)
                return NULL;
            return buf;
        }
    }
    return NULL;
}

/* A1 from the Salesforce side: the unlinked, unclaimed HS record one of
 * whose children names sf as its parent, or NULL. */
static const plan_rec *match_sf_through_children(const cs_plan_input *in, const plan_rec *sf,
                                                 const cs_map *claimed_hs, const cs_map *taken,
                                                 const char **child)
{
    const char *hs_id;
    void *v;
    for (size_t it = cs_map_next(in->children, 0, &hs_id, &v); it;
         it = cs_map_next(in->children, it, &hs_id, &v)) {
        if (plan_link_by_hs(in, hs_id) != NULL || plan_set_has(claimed_hs, hs_id) ||
            plan_set_has(taken, hs_id))
            continue;
        const plan_children *list = v;
        for (size_t i = 0; i < list->n; i++) {
            const plan_child *c = &list->items[i];
            if (strcmp(c->sf_parent, sf->rec.id) != 0)
                continue;
            const plan_rec *hs = plan_hs_find(in, hs_id);
            if (hs != NULL && !hs->rec.deleted) {
                *child = c->hs_id;
                return hs;
            }
        }
    }
    return NULL;
}

/* A1: links hs and sf through child, whose Salesforce record names sf as
 * its parent; hs is taken, and sf claimed when claimed is not NULL. */
static int link_through_child(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs,
                              const plan_rec *sf, const char *child, cs_map *claimed, cs_map *taken)
{
    char why[256];
    if (snprintf(why, sizeof why,
                 "A1: matched through contact %s, whose Salesforce record belongs to this %s",
                 child, sf->rec.type) < 0)
        why[0] = '\0';
    int rc = plan_link_pair(in, plan, hs, sf, true, why);
    rc = rc || claimed == NULL ? rc : plan_set_add(claimed, sf->rec.id);
    return rc ? rc : plan_set_add(taken, hs->rec.id);
}

int plan_match_link(const cs_plan_input *in, cs_plan *plan, const cs_map *claimed_hs,
                    const cs_map *claimed_sf)
{
    cs_map *claimed = cs_map_new(NULL); /* claimed_sf and the SF records linked here */
    cs_map *taken = cs_map_new(NULL);   /* HS records linked here */
    int rc = claimed && taken ? 0 : -1;
    const char *key;
    for (size_t it = cs_map_next(claimed_sf, 0, &key, NULL); rc == 0 && it;
         it = cs_map_next(claimed_sf, it, &key, NULL))
        rc = plan_set_add(claimed, key);
    for (size_t i = 0; rc == 0 && i < in->nhs; i++) {
        const plan_rec *hs = &in->hs[i];
        if (!hs->changed || hs->rec.deleted || plan_link_by_hs(in, hs->rec.id) != NULL ||
            plan_set_has(claimed_hs, hs->rec.id))
            continue;
        const char *child = NULL;
        const plan_rec *sf = match_through_children(in, hs, claimed, &child);
        if (sf != NULL) {
            rc = link_through_child(in, plan, hs, sf, child, claimed, taken);
            continue;
        }
        char why[256];
        const char *reason = create_reason(in, hs, why, sizeof why);
        if (reason != NULL)
            rc = plan_create_sf_why(in, plan, hs, reason);
        else
            rc = plan_skip(plan, hs->rec.id, NULL, NULL, NULL,
                           "A1: no associated contact needs a Salesforce %s (none, or all "
                           "sync to Leads); nothing is created",
                           in->pair.sf[in->pair.create_default].name);
    }
    for (size_t i = 0; rc == 0 && i < in->nsf; i++) {
        const plan_rec *sf = &in->sf[i];
        if (!sf->changed || sf->rec.deleted || plan_link_by_sf(in, sf->rec.id) != NULL ||
            plan_set_has(claimed, sf->rec.id))
            continue;
        const char *child = NULL;
        const plan_rec *hs = match_sf_through_children(in, sf, claimed_hs, taken, &child);
        if (hs != NULL) {
            rc = link_through_child(in, plan, hs, sf, child, NULL, taken);
            continue;
        }
        char why[256];
        if (snprintf(why, sizeof why, "A1: a new Salesforce %s creates a HubSpot %s", sf->rec.type,
                     in->pair.hs_label) < 0)
            why[0] = '\0';
        rc = plan_create_hs_why(in, plan, sf, why);
    }
    cs_map_free(claimed);
    cs_map_free(taken);
    return rc;
}

/* ---- A2 ------------------------------------------------------------------------ */

int plan_associate(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs, const plan_rec *sf,
                   const char *hs_parent, const char *sf_value, const char *why)
{
    cs_plan_op op;
    plan_op_init(&op, CS_PLAN_ASSOCIATE, CS_PLAN_HUBSPOT);
    op.hs_modified_ms = hs ? hs->rec.modified_ms : 0;
    op.sf_modified_ms = sf->rec.modified_ms;
    const char *old = NULL;
    if (hs != NULL)
        old = plan_hs_parent(in, hs->rec.id, NULL);
    const char *email = hs && hs->has_email ? hs->email : sf->has_email ? sf->email : NULL;
    char field[128];
    if (snprintf(field, sizeof field, "association:%s", in->pair.parent_hs_object) < 0 ||
        plan_op_ids(&op, hs ? hs->rec.id : NULL, sf->rec.type, sf->rec.id) != 0 ||
        (email != NULL && (op.email = strdup(email)) == NULL) ||
        (op.fields = json_pack("{ss}", in->pair.parent_hs_object, hs_parent)) == NULL ||
        plan_op_journal(&op, field, old, hs_parent, why) != 0 ||
        plan_op_snap(&op, PLAN_SNAP_PARENT, sf_value) != 0) {
        plan_op_dispose(&op);
        return -1;
    }
    return plan_push(plan, &op);
}

int plan_unassociate(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs, const plan_rec *sf,
                     const char *hs_parent, const char *why)
{
    cs_plan_op op;
    plan_op_init(&op, CS_PLAN_ASSOCIATE, CS_PLAN_HUBSPOT);
    op.hs_modified_ms = hs->rec.modified_ms;
    op.sf_modified_ms = sf->rec.modified_ms;
    const char *email = hs->has_email ? hs->email : sf->has_email ? sf->email : NULL;
    char field[128];
    /* An ASSOCIATE op whose parent is null removes the association with the
     * parent its journal entry names (the old value). */
    if (snprintf(field, sizeof field, "association:%s", in->pair.parent_hs_object) < 0 ||
        plan_op_ids(&op, hs->rec.id, sf->rec.type, sf->rec.id) != 0 ||
        (email != NULL && (op.email = strdup(email)) == NULL) ||
        (op.fields = json_pack("{so}", in->pair.parent_hs_object, json_null())) == NULL ||
        plan_op_journal(&op, field, hs_parent, NULL, why) != 0 ||
        plan_op_snap(&op, PLAN_SNAP_PARENT, NULL) != 0) {
        plan_op_dispose(&op);
        return -1;
    }
    return plan_push(plan, &op);
}

static int to_hs(plan_pair *pp, const char *hs_parent, const char *sf_value, const char *why)
{
    return plan_associate(pp->in, pp->plan, pp->hs, pp->sf, hs_parent, sf_value, why);
}

/* R9: the parent on one side is not linked yet; the child waits for it.
 * to_sf: HubSpot's parent (id, of the parent pair's HS object) has no
 * Salesforce record yet; else Salesforce's parent (id) has no HubSpot one. */
static int waits(plan_pair *pp, bool to_sf, const char *field, const char *id)
{
    const char *email = pp->hs->has_email ? pp->hs->email : NULL;
    if (to_sf)
        return plan_error(pp->plan, CS_PLAN_SALESFORCE, CS_CAT_ASSOCIATIONS, pp->hs->rec.id,
                          pp->sf_type, pp->sf->rec.id, email, field,
                          "A2: its HubSpot parent (%s %s) has not synced to Salesforce yet; "
                          "the record's parent follows once it has",
                          pp->in->pair.parent_hs_object, id);
    return plan_error(pp->plan, CS_PLAN_HUBSPOT, CS_CAT_ASSOCIATIONS, pp->hs->rec.id, pp->sf_type,
                      pp->sf->rec.id, email, field,
                      "A2: Salesforce parent %s has not synced to HubSpot yet; the record's "
                      "association follows once it has",
                      id);
}

/* The HubSpot rows that mirror the parent field as text (C6's Account ID,
 * salesforceaccountid ← Contact.AccountId) follow the value A2 writes into
 * Salesforce in the same pass, so the pair does not wait for the next pass
 * to read its own write back. Rows that do not sync towards HubSpot are left
 * alone. */
static int mirror_parent(plan_pair *pp, const char *parent_field, const char *value)
{
    for (size_t i = 0; i < pp->in->nmaps; i++) {
        const cs_field_mapping *m = &pp->in->maps[i];
        const char *f = plan_sf_field(pp->in, m, pp->sf_type);
        if (f == NULL || strcmp(f, parent_field) != 0 || m->rule == CS_RULE_DONT_SYNC ||
            m->rule == CS_RULE_ALWAYS_HS || m->rule == CS_RULE_PREFER_HS_UNLESS_BLANK ||
            (m->flags & (CS_MAP_OWNER | CS_MAP_OPTOUT)) != 0)
            continue;
        if (cs_value_equal(cs_record_get(&pp->hs->rec, m->hs), value))
            continue;
        if (plan_pair_to_hs(pp, m, value, value,
                            "A2: follows the Salesforce parent written in this pass") != 0)
            return -1;
    }
    return 0;
}

int plan_merge_parent(plan_pair *pp)
{
    const cs_plan_input *in = pp->in;
    const cs_pair_sf *so = cs_pair_sf_find(&in->pair, pp->sf_type);
    if (in->pair.parent < 0 || so == NULL || so->parent_field == NULL)
        return 0;
    if (!cs_map_has(in->hs_parent, pp->hs->rec.id))
        return 0; /* HubSpot's side was not read: nothing to decide */
    const char *hs_value = NULL;
    const char *hs_parent = plan_hs_parent(in, pp->hs->rec.id, &hs_value);
    const char *sf_value = cs_record_get(&pp->sf->rec, so->parent_field);
    if (cs_value_is_blank(sf_value))
        sf_value = NULL;
    /* HubSpot names a parent that has no Salesforce record yet. */
    bool hs_pending = hs_parent != NULL && hs_value == NULL;
    if (hs_pending && sf_value == NULL)
        return waits(pp, true, so->parent_field, hs_parent);
    if (cs_value_equal(hs_value, sf_value))
        return plan_pair_agree(pp, PLAN_SNAP_PARENT, sf_value);

    const char *snap = NULL;
    bool hs_moved, sf_moved;
    if (plan_pair_snap(pp, PLAN_SNAP_PARENT, &snap) == PLAN_SNAP_PRESENT) {
        hs_moved = hs_pending || !cs_value_equal(hs_value, snap);
        sf_moved = !cs_value_equal(sf_value, snap);
    } else {
        /* The pair's first parent sync: Salesforce's unless blank. */
        sf_moved = sf_value != NULL;
        hs_moved = !sf_moved;
    }
    bool into_hs = sf_moved && !hs_moved;
    if (sf_moved && hs_moved) {
        cs_conflict_winner w = in->settings->conflict_winner;
        into_hs = w == CS_WINNER_SALESFORCE ||
                  (w == CS_WINNER_LATEST && pp->sf->rec.modified_ms >= pp->hs->rec.modified_ms);
    }
    if (into_hs) {
        if (sf_value == NULL && hs_parent == NULL)
            return plan_pair_agree(pp, PLAN_SNAP_PARENT, NULL);
        if (sf_value == NULL)
            return plan_unassociate(in, pp->plan, pp->hs, pp->sf, hs_parent,
                                    "A2: the Salesforce record's parent was cleared");
        const char *parent = cs_map_get(in->sf_parent_hs, sf_value);
        if (parent == NULL)
            return waits(pp, false, so->parent_field, sf_value);
        return to_hs(pp, parent, sf_value,
                     "A2: the Salesforce record's parent, as the primary association");
    }
    if (hs_pending)
        return waits(pp, true, so->parent_field, hs_parent);
    if (!pp->allow_to_sf)
        return 0;
    /* hs_value NULL here: HubSpot's record has no primary parent any more. */
    if (plan_op_write(&pp->sf_op, so->parent_field, sf_value, hs_value,
                      hs_value ? "A2: the HubSpot record's primary association"
                               : "A2: the HubSpot record's primary association was removed") != 0)
        return -1;
    if (mirror_parent(pp, so->parent_field, hs_value) != 0)
        return -1;
    return plan_op_snap(&pp->sf_op, PLAN_SNAP_PARENT, hs_value);
}
