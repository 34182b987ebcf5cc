/* Records that start a pair: an SF Lead or Contact created for an HS contact
 * (C15, with C13's placeholders for required fields), an HS contact created
 * for an SF record (C3), and the link of two records matched by email (C5),
 * whose first sync is an ordinary pair merge with no snapshot.
 *
 * A create copies every non-blank mapped value the new record's type has,
 * for every row whose rule can write in that direction (not dont_sync, not
 * always_sf towards SF, not always_hs towards HS).
 * Values cross through the mapping's value map (R3); the snapshot keeps
 * HubSpot's terms. The snapshot a create settles holds every value as it
 * will be on both sides, so the pass after it has nothing to write (echo
 * suppression). */
#include <stdio.h>
#include <string.h>

#include "engine/plan_int.h"
#include "engine/value.h"

static const char *link_property(const cs_plan_input *in, const char *sf_type)
{
    const cs_pair_sf *o = cs_pair_sf_find(&in->pair, sf_type);
    return o ? o->link_property : NULL;
}

/* C15: the SF type of a new record, and the parent record (the Account) it
 * belongs to. A pair with one SF object always creates that one. */
static const char *create_type(const cs_plan_input *in, const char *hs_id, const char **account,
                               const char **why)
{
    const cs_pair *pair = &in->pair;
    const char *dflt = pair->sf[pair->create_default].name;
    const char *alt = pair->sf[pair->create_alternate].name;
    *account = cs_map_get(in->company_account, hs_id);
    if (pair->create_default == pair->create_alternate) {
        *why = "new Salesforce record";
        return dflt;
    }
    switch (in->settings->create_salesforce_as) {
    case CS_CREATE_CONTACT:
        *why = "C15: new Salesforce Contact (create_salesforce_as: contact)";
        return alt;
    case CS_CREATE_CONTACT_IF_COMPANY_LINKED:
        if (*account != NULL) {
            *why = "C15: new Salesforce Contact: the contact's company is linked to an Account";
            return alt;
        }
        *why = "C15: new Salesforce Lead: the contact's company is not linked to an Account";
        return dflt;
    case CS_CREATE_LEAD:
    default:
        *account = NULL;
        *why = "C15: new Salesforce Lead (create_salesforce_as: lead)";
        return dflt;
    }
}

/* R3: a non-blank HS value of a new SF record, through the value map; the
 * snapshot keeps HubSpot's terms. 0 or -1. */
static int create_value_to_sf(const cs_field_mapping *m, cs_plan_op *op, const char *field,
                              const char *h)
{
    cs_buf sb[2];
    cs_buf_init(&sb[0], PLAN_VALUE_MAX);
    cs_buf_init(&sb[1], PLAN_VALUE_MAX);
    const char *canon, *to_sf;
    char why[128 + 2 * CS_VALUES_MAX_LEN];
    int rc = -1;
    if (cs_values_translate(m, CS_VALUES_CANONICAL, h, &sb[0], &canon) == 0 &&
        cs_values_translate(m, CS_VALUES_TO_SF, h, &sb[1], &to_sf) == 0 &&
        plan_op_snap(op, m->hs, canon) == 0 &&
        plan_op_write(op, field, NULL, to_sf,
                      plan_values_reason(why, sizeof why, "create: HubSpot value", h, to_sf)) == 0)
        rc = 0;
    cs_buf_free(&sb[0]);
    cs_buf_free(&sb[1]);
    return rc;
}

/* One row of an SF create. *refused is set when C13 refuses the record. */
static int sf_create_field(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs,
                           const char *type, const cs_field_mapping *m, cs_plan_op *op,
                           bool *refused)
{
    const char *field = plan_sf_field(in, m, type);
    const char *h = cs_record_get(&hs->rec, m->hs);
    if (m->flags & CS_MAP_OPTOUT) {
        bool out = cs_value_is_true(h);
        if (out && plan_op_write(op, field, NULL, "true", "C10: opted out in HubSpot") != 0)
            return -1;
        return plan_op_snap(op, m->hs, out ? "true" : "false");
    }
    if (m->flags & CS_MAP_OWNER) {
        /* The SF side is recorded as unset unless we set it, so the owner SF
         * assigns by default counts as an SF change on the next pass (C17). */
        const char *user = plan_owner_hs_to_sf(in, h);
        if (plan_op_snap(op, m->hs, h) != 0 || plan_op_snap(op, CS_PLAN_SNAP_SF_OWNER, user) != 0)
            return -1;
        if (cs_value_is_blank(h))
            return 0;
        if (user == NULL) /* the SF default owner applies; the next pass reverts HS */
            return plan_error(plan, CS_PLAN_SALESFORCE, CS_CAT_PERMISSIONS, hs->rec.id, type, NULL,
                              plan_rec_email(hs), field,
                              "C17: HubSpot owner %s matches no active Salesforce User by "
                              "email; the new %s gets Salesforce's default owner",
                              h, type);
        char why[160];
        int n = snprintf(why, sizeof why, "C17: owner %s is Salesforce User %s", h, user);
        return plan_op_write(op, field, NULL, user, n > 0 ? why : "C17");
    }
    /* A rule that never writes HS → SF sends nothing; the snapshot then holds
     * the new record's blank, so HubSpot's value is not mistaken for an SF
     * clear on the next pass. Lookups are read from SF, never written (C9). */
    if (m->rule == CS_RULE_ALWAYS_SF || (m->flags & CS_MAP_SF_REFERENCE))
        return plan_op_snap(op, m->hs, NULL);
    if (!cs_value_is_blank(h))
        return create_value_to_sf(m, op, field, h);
    if (plan_op_snap(op, m->hs, h) != 0)
        return -1;
    if (!plan_sf_required(in, m, type))
        return 0;
    const char *ph = in->settings->required_placeholder;
    if (ph != NULL) {
        char why[160];
        int n = snprintf(why, sizeof why, "C13: placeholder for required %s", field);
        return plan_op_write(op, field, NULL, ph, n > 0 ? why : "C13");
    }
    *refused = true;
    return plan_error(plan, CS_PLAN_SALESFORCE, CS_CAT_PROPERTY_VALUES, hs->rec.id, type, NULL,
                      plan_rec_email(hs), field,
                      "C13: Salesforce requires %s on a %s and the HubSpot contact has none "
                      "(required_placeholder is off); nothing created",
                      field, type);
}

int plan_create_sf(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs)
{
    return plan_create_sf_why(in, plan, hs, NULL);
}

int plan_create_sf_why(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs,
                       const char *reason)
{
    const char *account, *why;
    const char *type = create_type(in, hs->rec.id, &account, &why);
    why = reason ? reason : why;
    cs_plan_op op;
    plan_op_init(&op, CS_PLAN_CREATE, CS_PLAN_SALESFORCE);
    op.hs_modified_ms = hs->rec.modified_ms;
    if (plan_op_ids(&op, hs->rec.id, type, NULL) != 0 || plan_op_reason(&op, "%s", why) != 0 ||
        (op.email = strdup(hs->email)) == NULL ||
        (link_property(in, type) != NULL &&
         (op.link_property = strdup(link_property(in, type))) == NULL))
        goto fail;
    bool refused = false;
    for (size_t i = 0; i < in->nmaps; i++) {
        const cs_field_mapping *m = &in->maps[i];
        if (plan_sf_field(in, m, type) == NULL || m->rule == CS_RULE_DONT_SYNC)
            continue; /* C8, C9 */
        if (sf_create_field(in, plan, hs, type, m, &op, &refused) != 0)
            goto fail;
    }
    const cs_pair_sf *so = cs_pair_sf_find(&in->pair, type);
    if (account != NULL && so->parent_field != NULL &&
        (plan_op_write(&op, so->parent_field, NULL, account,
                       "C15, A2: the contact's company is linked to this Account") != 0 ||
         plan_op_snap(&op, PLAN_SNAP_PARENT, account) != 0))
        goto fail;
    if (refused) {
        plan_op_dispose(&op);
        return 0;
    }
    return plan_push(plan, &op);
fail:
    plan_op_dispose(&op);
    return -1;
}

int plan_create_hs(const cs_plan_input *in, cs_plan *plan, const plan_rec *sf)
{
    return plan_create_hs_why(in, plan, sf, NULL);
}

int plan_create_hs_why(const cs_plan_input *in, cs_plan *plan, const plan_rec *sf,
                       const char *reason)
{
    const char *type = sf->rec.type;
    cs_plan_op op, unsub;
    cs_buf sb; /* multi-select translations (R3) */
    cs_buf_init(&sb, PLAN_VALUE_MAX);
    plan_op_init(&op, CS_PLAN_CREATE, CS_PLAN_HUBSPOT);
    plan_op_init(&unsub, CS_PLAN_UNSUBSCRIBE, CS_PLAN_HUBSPOT);
    bool unsubscribe = false;
    op.sf_modified_ms = sf->rec.modified_ms;
    if (plan_op_ids(&op, NULL, type, sf->rec.id) != 0 ||
        plan_op_reason(&op, "%s",
                       reason ? reason : "C3: on_salesforce_change is create_or_update") != 0 ||
        (op.email = strdup(sf->email)) == NULL)
        goto fail;
    for (size_t i = 0; i < in->nmaps; i++) {
        const cs_field_mapping *m = &in->maps[i];
        const char *field = plan_sf_field(in, m, type);
        if (field == NULL || m->rule == CS_RULE_DONT_SYNC)
            continue;
        const char *s = cs_record_get(&sf->rec, field);
        int rc = 0;
        if (m->flags & CS_MAP_OPTOUT) {
            rc = plan_op_snap(&op, m->hs, "false");
            if (rc == 0 && cs_value_is_true(s)) {
                unsubscribe = true;
                rc = plan_op_journal(&unsub, m->hs, NULL, "true", "C10: opted out in Salesforce");
                rc = rc ? rc : plan_op_snap(&unsub, m->hs, "true");
            }
        } else if (m->flags & CS_MAP_OWNER) {
            const char *owner = plan_owner_sf_to_hs(in, s);
            rc = plan_op_snap(&op, m->hs, owner);
            rc = rc ? rc : plan_op_snap(&op, CS_PLAN_SNAP_SF_OWNER, s);
            if (rc == 0 && owner != NULL)
                rc = plan_op_write(&op, m->hs, NULL, owner,
                                   "C17: the Salesforce owner's HubSpot owner");
        } else if (m->rule == CS_RULE_ALWAYS_HS) {
            rc = plan_op_snap(&op, m->hs, NULL); /* SF never writes HS: nothing sent */
        } else {
            /* R3: the SF value as HubSpot receives it, through the value map. */
            const char *raw = plan_sf_read(in, m, type, s), *v;
            char why[128 + 2 * CS_VALUES_MAX_LEN];
            rc = cs_values_translate(m, CS_VALUES_TO_HS, raw, &sb, &v);
            rc = rc ? rc : plan_op_snap(&op, m->hs, v);
            if (rc == 0 && !cs_value_is_blank(v))
                rc = plan_op_write(
                    &op, m->hs, NULL, v,
                    plan_values_reason(why, sizeof why, "create: Salesforce value", raw, v));
        }
        if (rc != 0)
            goto fail;
    }
    if (link_property(in, type) != NULL &&
        plan_op_write(&op, link_property(in, type), NULL, sf->rec.id,
                      "link: the Salesforce record") != 0)
        goto fail;
    if (unsubscribe) {
        unsub.sf_modified_ms = sf->rec.modified_ms;
        if (plan_op_ids(&unsub, NULL, type, sf->rec.id) != 0 ||
            (unsub.email = strdup(sf->email)) == NULL)
            goto fail;
    }
    cs_buf_free(&sb);
    if (plan_push(plan, &op) != 0) {
        plan_op_dispose(&unsub);
        return -1;
    }
    if (unsubscribe && plan_push(plan, &unsub) != 0)
        return -1;
    /* A2: the new record's primary parent, when the SF record's is linked. */
    const cs_pair_sf *so = cs_pair_sf_find(&in->pair, type);
    const char *parent = so && so->parent_field && in->pair.parent >= 0
                             ? cs_record_get(&sf->rec, so->parent_field)
                             : NULL;
    const char *hs_parent = parent ? cs_map_get(in->sf_parent_hs, parent) : NULL;
    if (hs_parent != NULL)
        return plan_associate(in, plan, NULL, sf, hs_parent, parent,
                              "A2: the Salesforce record's parent, as the primary association");
    return 0;
fail:
    cs_buf_free(&sb);
    plan_op_dispose(&op);
    plan_op_dispose(&unsub);
    return -1;
}

int plan_link_pair(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs, const plan_rec *sf,
                   bool allow_to_sf, const char *why)
{
    plan_pair pp;
    cs_plan_op link;
    plan_op_init(&link, CS_PLAN_LINK, CS_PLAN_STORE);
    if (plan_pair_init(&pp, in, plan, hs, sf, NULL, true) != 0)
        goto fail;
    pp.allow_to_sf = allow_to_sf;
    if (plan_pair_merge(&pp) != 0)
        goto fail;
    const char *prop = link_property(in, sf->rec.type);
    const char *cur = prop ? cs_record_get(&hs->rec, prop) : NULL;
    if (prop != NULL && !cs_value_equal(cur, sf->rec.id) &&
        plan_op_write(&pp.hs_op, prop, cur, sf->rec.id, "C5: the linked Salesforce record") != 0)
        goto fail;
    if (plan_merge_parent(&pp) != 0)
        goto fail;
    link.hs_modified_ms = hs->rec.modified_ms;
    link.sf_modified_ms = sf->rec.modified_ms;
    if (plan_op_ids(&link, hs->rec.id, sf->rec.type, sf->rec.id) != 0 ||
        (link.email = strdup(hs->email)) == NULL ||
        plan_op_reason(&link, "%s%s", why,
                       allow_to_sf ? ""
                                   : "; C3: the contact is outside the inclusion list, so only "
                                     "Salesforce values flow") != 0)
        goto fail;
    link.snapshot = json_incref(pp.base);
    if (plan_push(plan, &link) != 0 || plan_pair_emit(&pp) != 0) {
        plan_pair_dispose(&pp);
        return -1;
    }
    plan_pair_dispose(&pp);
    return 0;
fail:
    plan_op_dispose(&link);
    plan_pair_dispose(&pp);
    return -1;
}
