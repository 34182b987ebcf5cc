/* The planner's driver (cs_plan_build): first every linked pair that one of
 * its records changed — deletes (C16), lead conversion (C14), the inclusion
 * list (C2), then the field merge — and then every changed unlinked record
 * through email matching (plan_match.c). Finally the ops are put in apply's
 * order. Records a linked pair used are claimed so matching never sees them
 * twice (a converted Lead's new Contact is not a "new" record). */
#include <stdlib.h>
#include <string.h>

#include "engine/plan_int.h"
#include "engine/value.h"

typedef struct build {
    const cs_plan_input *in;
    cs_plan *plan;
    cs_map *claimed_hs; /* ids a linked pair used: matching skips them */
    cs_map *claimed_sf;
} build;

static const char *link_property(const cs_plan_input *in, const char *sf_type)
{
    const cs_pair_sf *o = cs_pair_sf_find(&in->pair, sf_type);
    return o ? o->link_property : NULL;
}

/* C14: the record a converted SF record became, or NULL; *into its object. */
static const char *converted_into(const cs_plan_input *in, const plan_rec *sf, const char **into)
{
    const cs_pair_sf *o = sf ? cs_pair_sf_find(&in->pair, sf->rec.type) : NULL;
    if (o == NULL || o->converts_to < 0 ||
        !cs_value_is_true(cs_record_get(&sf->rec, o->converted_flag)))
        return NULL;
    const char *cid = cs_record_get(&sf->rec, o->converted_id);
    if (cs_value_is_blank(cid))
        return NULL;
    *into = in->pair.sf[o->converts_to].name;
    return cid;
}

/* A store-only or whole-record op about a link. */
static int link_op(build *b, cs_plan_kind kind, cs_plan_target target, const plan_link *l,
                   const char *reason)
{
    cs_plan_op op;
    plan_op_init(&op, kind, target);
    if (plan_op_ids(&op, l->hs_id, l->sf_type, l->sf_id) != 0 ||
        plan_op_reason(&op, "%s", reason) != 0) {
        plan_op_dispose(&op);
        return -1;
    }
    return plan_push(b->plan, &op);
}

/* The HS contact's link properties (MAPPINGS: maintained by crmsync) after
 * the link changed: set[] = {property, value} pairs, value NULL to clear. A
 * property the record already holds is not rewritten. */
static int link_props_op(build *b, const char *hs_id, const plan_rec *hs, const char *sf_type,
                         const char *sf_id, const char *const set[][2], size_t n,
                         const char *reason)
{
    cs_plan_op op;
    plan_op_init(&op, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT);
    if (plan_op_ids(&op, hs_id, sf_type, sf_id) != 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        if (set[i][0] == NULL)
            continue; /* the pair keeps no link property for that object */
        const char *cur = hs ? cs_record_get(&hs->rec, set[i][0]) : NULL;
        if (hs != NULL && cs_value_equal(cur, set[i][1]))
            continue;
        if (plan_op_write(&op, set[i][0], cur, set[i][1], reason) != 0)
            goto fail;
    }
    if (op.fields == NULL) {
        plan_op_dispose(&op);
        return 0;
    }
    return plan_push(b->plan, &op);
fail:
    plan_op_dispose(&op);
    return -1;
}

/* C16: one side reported the record deleted. Nothing is ever deleted because
 * it is merely missing from a read: only an explicit delete gets here. With
 * the setting at "nothing", the link is dropped (and the HS contact's link
 * property cleared), so a later change re-matches it by email like any
 * unlinked contact — the way HubSpot's connector treats a deleted record. */
static int deleted_pair(build *b, const plan_link *l, const plan_rec *hs, const plan_rec *sf)
{
    const cs_contact_settings *st = b->in->settings;
    const char *label = b->in->pair.hs_label;
    char reason[256];
    if (hs != NULL && hs->rec.deleted) {
        bool del = st->on_hubspot_delete == CS_DELETE_DELETE && !(sf && sf->rec.deleted);
        if (snprintf(reason, sizeof reason, "C16: HubSpot %s deleted; %s", label,
                     del ? "on_hubspot_delete is delete: the Salesforce record is deleted"
                         : "the Salesforce record is kept and the link dropped") < 0)
            reason[0] = '\0';
        return link_op(b, del ? CS_PLAN_ARCHIVE : CS_PLAN_UNLINK,
                       del ? CS_PLAN_SALESFORCE : CS_PLAN_STORE, l, reason);
    }
    if (st->on_salesforce_delete == CS_DELETE_DELETE) {
        if (snprintf(reason, sizeof reason,
                     "C16: Salesforce %s deleted; on_salesforce_delete is delete: the HubSpot "
                     "%s is archived",
                     l->sf_type, label) < 0)
            reason[0] = '\0';
        return link_op(b, CS_PLAN_ARCHIVE, CS_PLAN_HUBSPOT, l, reason);
    }
    if (snprintf(reason, sizeof reason,
                 "C16: Salesforce %s deleted; the HubSpot %s is kept and the link dropped",
                 l->sf_type, label) < 0)
        reason[0] = '\0';
    if (link_op(b, CS_PLAN_UNLINK, CS_PLAN_STORE, l, reason) != 0)
        return -1;
    const char *prop = link_property(b->in, l->sf_type);
    if (prop == NULL)
        return 0;
    const char *const set[][2] = {{prop, NULL}};
    return link_props_op(b, l->hs_id, hs, l->sf_type, l->sf_id, set, 1, reason);
}

/* Keeps the HS contact's link property right on an existing pair, when the
 * record carries it (a user may have cleared it). */
static int check_link_property(plan_pair *pp)
{
    const char *prop = link_property(pp->in, pp->sf_type);
    if (prop == NULL || json_object_get(pp->hs->rec.fields, prop) == NULL)
        return 0;
    const char *cur = cs_record_get(&pp->hs->rec, prop);
    if (cs_value_equal(cur, pp->sf->rec.id))
        return 0;
    return plan_op_write(&pp->hs_op, prop, cur, pp->sf->rec.id,
                         "link: the linked Salesforce record");
}

/* C3, with on_salesforce_change: nothing, SF changes start no sync: the pair
 * syncs only when its HS contact was reported changed (hs_changed) and really
 * differs from the snapshot — the HS cursor's overlap window re-reads
 * contacts crmsync itself wrote, equal to their snapshot — or the pair never
 * synced, or a backfill asks for it. *rc is -1 when memory ran out. */
static bool sync_started(const cs_plan_input *in, const plan_link *l, const plan_rec *hs,
                         const plan_rec *sf, bool hs_changed, int *rc)
{
    *rc = 0;
    if (in->settings->on_salesforce_change != CS_SF_CHANGE_NOTHING)
        return true;
    if (!hs_changed || hs == NULL || sf == NULL)
        return false;
    int d = plan_hs_differs(in, hs, sf->rec.type, l->snapshot);
    if (d < 0)
        *rc = -1;
    return d == 1;
}

/* One linked pair that one of its records changed: hs_changed / sf_changed
 * say which side the change cursors reported. */
static int linked_pair(build *b, const plan_link *l, bool hs_changed, bool sf_changed)
{
    const cs_plan_input *in = b->in;
    const plan_rec *hs = plan_hs_find(in, l->hs_id);
    const plan_rec *sf = plan_sf_find(in, l->sf_id);
    if (plan_set_add(b->claimed_hs, l->hs_id) != 0 || plan_set_add(b->claimed_sf, l->sf_id) != 0)
        return -1;
    if ((hs && hs->rec.deleted) || (sf && sf->rec.deleted))
        return deleted_pair(b, l, hs, sf);

    const char *relinked = NULL;
    const char *into = NULL;
    const char *cid = converted_into(in, sf, &into);
    if (cid != NULL) {
        /* C14: the link follows the Lead to its Contact; nothing new in HS. */
        const plan_link *other = plan_link_by_sf(in, cid);
        if (other != NULL && strcmp(other->hs_id, l->hs_id) != 0)
            return plan_error(b->plan, CS_PLAN_STORE, CS_CAT_DUPLICATES, l->hs_id, l->sf_type,
                              l->sf_id, plan_rec_email(hs), NULL,
                              "C14: Lead %s was converted to Contact %s, which is already "
                              "linked to HubSpot contact %s",
                              l->sf_id, cid, other->hs_id);
        cs_plan_op op;
        plan_op_init(&op, CS_PLAN_RELINK, CS_PLAN_STORE);
        if (plan_op_ids(&op, l->hs_id, into, cid) != 0 ||
            (op.prev_sf_type = strdup(l->sf_type)) == NULL ||
            (op.prev_sf_id = strdup(l->sf_id)) == NULL ||
            plan_op_reason(&op,
                           "C14: Lead %s converted to Contact %s; the link moves, nothing is "
                           "created in HubSpot",
                           l->sf_id, cid) != 0) {
            plan_op_dispose(&op);
            return -1;
        }
        if (plan_push(b->plan, &op) != 0 || plan_set_add(b->claimed_sf, cid) != 0)
            return -1;
        relinked = cid;
        sf = plan_sf_find(in, cid);
    }
    const char *sf_type = relinked ? into : l->sf_type;
    const char *sf_id = relinked ? relinked : l->sf_id;
    const char *const relink_set[][2] = {{relinked ? link_property(in, into) : NULL, relinked},
                                         {link_property(in, l->sf_type), NULL}};
    bool member = plan_is_member(in, l->hs_id);
    int rc = 0;
    bool started = sync_started(in, l, hs, sf, hs_changed, &rc);
    if (rc != 0)
        return -1;
    if (hs == NULL || sf == NULL || !member || !started) {
        if (relinked && link_props_op(b, l->hs_id, hs, sf_type, sf_id, relink_set, 2,
                                      "C14: the converted Lead's Contact") != 0)
            return -1;
        if (!member)
            return plan_skip(b->plan, l->hs_id, sf_type, sf_id, hs ? hs->email : NULL,
                             "C2: not in the inclusion list; the linked pair is not updated");
        bool both = hs != NULL && sf != NULL;
        if (!started && both && !sf_changed)
            return 0; /* the HS contact, re-read, holds what the last sync left */
        if (!started && (both || !hs_changed))
            return plan_skip(b->plan, l->hs_id, sf_type, sf_id, hs ? hs->email : NULL,
                             "C3: on_salesforce_change is nothing; a Salesforce change starts "
                             "no sync");
        if (relinked)
            return 0; /* the Contact merges when it is read */
        return plan_skip(b->plan, l->hs_id, sf_type, sf_id, NULL,
                         "the linked %s record was not read in this pass",
                         hs == NULL ? "HubSpot" : "Salesforce");
    }

    plan_pair pp;
    rc = plan_pair_init(&pp, in, b->plan, hs, sf, l->snapshot, false);
    rc = rc ? rc : plan_pair_merge(&pp);
    if (rc == 0 && relinked) {
        for (size_t i = 0; rc == 0 && i < 2; i++) {
            if (relink_set[i][0] == NULL)
                continue;
            const char *cur = cs_record_get(&hs->rec, relink_set[i][0]);
            if (!cs_value_equal(cur, relink_set[i][1]))
                rc = plan_op_write(&pp.hs_op, relink_set[i][0], cur, relink_set[i][1],
                                   "C14: the converted Lead's Contact");
        }
    } else if (rc == 0) {
        rc = check_link_property(&pp);
    }
    rc = rc ? rc : plan_merge_parent(&pp);
    rc = rc ? rc : plan_pair_emit(&pp);
    plan_pair_dispose(&pp);
    return rc;
}

/* Links that one of their records changed, by HS id, in a stable order. */
static int cmp_link(const void *pa, const void *pb)
{
    const plan_link *a = *(const plan_link *const *)pa, *b = *(const plan_link *const *)pb;
    return plan_cmp_id(a->hs_id, b->hs_id);
}

static int linked_pairs(build *b)
{
    const cs_plan_input *in = b->in;
    /* hit[k] & 1: link k's SF record changed; hit[k] & 2: its HS contact did. */
    unsigned char *hit = calloc(in->nlinks ? in->nlinks : 1, sizeof *hit);
    const plan_link **due = calloc(in->nlinks ? in->nlinks : 1, sizeof *due);
    int rc = (hit && due) ? 0 : -1;
    size_t n = 0;
    for (size_t i = 0; rc == 0 && i < in->nhs + in->nsf; i++) {
        bool hub = i < in->nhs;
        const plan_rec *r = hub ? &in->hs[i] : &in->sf[i - in->nhs];
        if (!r->changed)
            continue;
        const plan_link *l = hub ? plan_link_by_hs(in, r->rec.id) : plan_link_by_sf(in, r->rec.id);
        if (l == NULL)
            continue;
        size_t k = (size_t)(l - in->links);
        if (!hit[k])
            due[n++] = l;
        hit[k] |= hub ? 2 : 1;
    }
    if (rc == 0 && n > 1)
        qsort(due, n, sizeof *due, cmp_link);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = linked_pair(b, due[i], (hit[due[i] - in->links] & 2) != 0,
                         (hit[due[i] - in->links] & 1) != 0);
    free(hit);
    free(due);
    return rc;
}

int cs_plan_build(const cs_plan_input *in, cs_plan **out, cs_err *err)
{
    if (in == NULL || out == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "plan: no input");
    build b = {in, calloc(1, sizeof(cs_plan)), cs_map_new(NULL), cs_map_new(NULL)};
    int rc = (b.plan && b.claimed_hs && b.claimed_sf) ? 0 : -1;
    if (rc == 0)
        b.plan->hs_label = in->pair.hs_label;
    rc = rc ? rc : linked_pairs(&b);
    if (in->pair.match == CS_PAIR_MATCH_LINK)
        rc = rc ? rc : plan_match_link(in, b.plan, b.claimed_hs, b.claimed_sf);
    else
        rc = rc ? rc : plan_match(in, b.plan, b.claimed_hs, b.claimed_sf);
    cs_map_free(b.claimed_hs);
    cs_map_free(b.claimed_sf);
    if (rc != 0) {
        cs_plan_free(b.plan);
        return cs_err_set(err, CS_ERR_INTERNAL, "plan: out of memory");
    }
    plan_sort(b.plan);
    *out = b.plan;
    return 0;
}
