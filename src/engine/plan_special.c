/* The mapping rows that do not follow R1's plain merge:
 *   - C10/C11 email opt-out: sticky in HubSpot. An SF tick opts the HS contact
 *     out (through an UNSUBSCRIBE, since HubSpot does not let the objects API
 *     write hs_email_optout); an HS opt-out ticks SF and keeps re-ticking it;
 *     only an HS opt-in (true → false in HubSpot) unticks SF.
 *   - C17 owner: hubspot_owner_id ⇄ OwnerId, two-way, translated through the
 *     owners' and Users' emails. An HS owner reaches SF only as an active SF
 *     User; otherwise HubSpot reverts to the SF owner (when it has an HS
 *     owner) and a permissions error is recorded, every time the pair is
 *     planned while it lasts. The snapshot keeps both sides' ids.
 *   - C13 placeholders read back from SF as blank, and the journal note of
 *     a value translated through a value map (R3). */
#include <stdio.h>
#include <string.h>

#include "engine/plan_int.h"
#include "engine/value.h"

const char *plan_sf_read(const cs_plan_input *in, const cs_field_mapping *m, const char *sf_type,
                         const char *value)
{
    const char *ph = in->settings->required_placeholder;
    if (ph != NULL && plan_sf_required(in, m, sf_type) && cs_value_equal(value, ph))
        return NULL; /* C13: never copied back to HubSpot */
    return value;
}

const char *plan_values_reason(char *out, size_t size, const char *reason, const char *from,
                               const char *to)
{
    if (from == NULL || to == NULL || strcmp(from, to) == 0)
        return reason;
    int n = snprintf(out, size, "%s; R3: value map '%s' -> '%s'", reason, from, to);
    return n > 0 && (size_t)n < size ? out : reason;
}

const char *plan_owner_hs_to_sf(const cs_plan_input *in, const char *hs_owner)
{
    if (cs_value_is_blank(hs_owner))
        return NULL;
    const char *email = cs_map_get(in->hs_owner_email, hs_owner);
    return email ? cs_map_get(in->sf_active_by_email, email) : NULL;
}

const char *plan_owner_sf_to_hs(const cs_plan_input *in, const char *sf_user)
{
    if (cs_value_is_blank(sf_user))
        return NULL;
    const char *email = cs_map_get(in->sf_user_email, sf_user);
    return email ? cs_map_get(in->hs_owner_by_email, email) : NULL;
}

/* ---- C10, C11: email opt-out ------------------------------------------------- */

int plan_merge_optout(plan_pair *pp, const cs_field_mapping *m, const char *sf_field)
{
    const char *h_raw = cs_record_get(&pp->hs->rec, m->hs);
    const char *s_raw = cs_record_get(&pp->sf->rec, sf_field);
    bool h = cs_value_is_true(h_raw);
    bool s = cs_value_is_true(s_raw);
    const char *snap;
    bool known = plan_pair_snap(pp, m->hs, &snap) == PLAN_SNAP_PRESENT;
    bool was = cs_value_is_true(snap);

    if (h == s)
        return plan_pair_agree(pp, m->hs, h ? "true" : "false");
    if (h) {
        /* Opted out in HubSpot (or SF was unticked while HubSpot says opted
         * out: C10 re-ticks it). */
        if (plan_pair_pending(pp, m->hs, "false") != 0)
            return -1;
        if (!pp->allow_to_sf)
            return 0;
        const char *why = known && was ? "C10: opt-out is sticky in HubSpot; ticked again"
                                       : "C10: opted out in HubSpot";
        if (plan_op_write(&pp->sf_op, sf_field, s_raw, "true", why) != 0 ||
            plan_op_snap(&pp->sf_op, m->hs, "true") != 0)
            return -1;
        return 0;
    }
    if (known && was) {
        /* HubSpot went true → false while SF still says true: the contact
         * opted back in, in HubSpot; the only way back (C10). */
        if (plan_pair_pending(pp, m->hs, "true") != 0)
            return -1;
        if (!pp->allow_to_sf)
            return 0;
        if (plan_op_write(&pp->sf_op, sf_field, s_raw, "false", "C10: opted back in, in HubSpot") !=
                0 ||
            plan_op_snap(&pp->sf_op, m->hs, "false") != 0)
            return -1;
        return 0;
    }
    /* Ticked in SF: opt the HS contact out. */
    if (plan_pair_pending(pp, m->hs, "false") != 0)
        return -1;
    pp->unsubscribe = true;
    if (plan_op_journal(&pp->unsub_op, m->hs, h_raw, "true", "C10: opted out in Salesforce") != 0 ||
        plan_op_snap(&pp->unsub_op, m->hs, "true") != 0)
        return -1;
    return 0;
}

/* ---- C17: owner ----------------------------------------------------------------- */

typedef enum owner_dir { OWNER_NONE, OWNER_TO_SF, OWNER_TO_HS } owner_dir;

static owner_dir owner_winner(const plan_pair *pp, char *label, size_t size)
{
    bool hs_wins;
    const char *name;
    switch (pp->in->settings->conflict_winner) {
    case CS_WINNER_HUBSPOT:
        hs_wins = true;
        name = "hubspot";
        break;
    case CS_WINNER_SALESFORCE:
        hs_wins = false;
        name = "salesforce";
        break;
    case CS_WINNER_LATEST:
    default:
        hs_wins = pp->hs->rec.modified_ms > pp->sf->rec.modified_ms;
        name = hs_wins ? "latest (hubspot)" : "latest (salesforce)";
        break;
    }
    if (snprintf(label, size, "two_way: conflict, %s won", name) < 0 && size > 0)
        label[0] = '\0';
    return hs_wins ? OWNER_TO_SF : OWNER_TO_HS;
}

/* Records both owner keys as agreed. 0 or -1. */
static int agree_both(plan_pair *pp, const char *key_h, const char *h, const char *s)
{
    if (plan_pair_agree(pp, key_h, h) != 0 || plan_pair_agree(pp, CS_PLAN_SNAP_SF_OWNER, s) != 0)
        return -1;
    return 0;
}

/* C17: the HS owner cannot reach SF and SF's owner has no HS owner to revert
 * to. The snapshot keeps what it had (a new pair records no HS owner), so
 * the pair's next planning raises the error again — it waits for its retry
 * (R8) — until the owner changes or becomes resolvable. */
static int keep_unresolved(plan_pair *pp, const char *key_h, const char *s)
{
    if (!pp->new_pair)
        return 0;
    if (plan_pair_pending(pp, key_h, NULL) != 0 ||
        plan_pair_pending(pp, CS_PLAN_SNAP_SF_OWNER, s) != 0)
        return -1;
    return 0;
}

/* HS → SF: the HS owner's active SF User, or revert HubSpot and record a
 * permissions error (C17). */
static int owner_to_sf(plan_pair *pp, const cs_field_mapping *m, const char *sf_field,
                       const char *h, const char *s, const char *why)
{
    const char *key_h = m->hs, *key_s = CS_PLAN_SNAP_SF_OWNER;
    const char *user = plan_owner_hs_to_sf(pp->in, h);
    if (user != NULL) {
        if (plan_pair_pending(pp, key_s, s) != 0)
            return -1;
        if (!pp->allow_to_sf)
            return 0;
        char reason[256];
        int n = snprintf(reason, sizeof reason, "%s; C17: owner %s is Salesforce User %s", why, h,
                         user);
        if (plan_op_write(&pp->sf_op, sf_field, s, user, n > 0 ? reason : why) != 0 ||
            plan_op_snap(&pp->sf_op, key_h, h) != 0 || plan_op_snap(&pp->sf_op, key_s, user) != 0)
            return -1;
        return 0;
    }
    if (!pp->allow_to_sf)
        return plan_pair_pending(pp, key_s, s);
    /* A cleared HS owner cannot reach SF either: SF requires an owner. */
    if ((h ? plan_error(pp->plan, CS_PLAN_SALESFORCE, CS_CAT_PERMISSIONS, pp->hs->rec.id,
                        pp->sf_type, pp->sf->rec.id, plan_rec_email(pp->hs), sf_field,
                        "C17: HubSpot owner %s matches no active Salesforce User by email; "
                        "HubSpot keeps the Salesforce owner",
                        h)
           : plan_error(pp->plan, CS_PLAN_SALESFORCE, CS_CAT_PERMISSIONS, pp->hs->rec.id,
                        pp->sf_type, pp->sf->rec.id, plan_rec_email(pp->hs), sf_field,
                        "C17: the HubSpot owner was cleared and Salesforce requires one; "
                        "HubSpot keeps the Salesforce owner")) != 0)
        return -1;
    const char *back = plan_owner_sf_to_hs(pp->in, s);
    if (back == NULL || cs_value_equal(back, h))
        return keep_unresolved(pp, key_h, s);
    if (plan_pair_pending(pp, key_h, h) != 0)
        return -1;
    if (plan_op_write(&pp->hs_op, key_h, h, back,
                      "C17: HubSpot owner has no active Salesforce User; reverted to the "
                      "Salesforce owner") != 0 ||
        plan_op_snap(&pp->hs_op, key_h, back) != 0 || plan_op_snap(&pp->hs_op, key_s, s) != 0)
        return -1;
    return 0;
}

/* SF → HS: the SF User's HS owner by email. When that User has no HS owner,
 * HubSpot is left as is, and then: an HS owner that matches no active SF
 * User either is the C17 permissions error (it can reach SF no more than SF's
 * owner can reach HS), raised while it lasts; and an HS owner that does match
 * one replaces the owner SF gave a record crmsync created (the snapshot's SF
 * side still unset), which is how the retry of that error succeeds. */
static int owner_to_hs(plan_pair *pp, const cs_field_mapping *m, const char *sf_field,
                       const char *h, const char *s, bool sf_default, const char *why)
{
    const char *key_h = m->hs, *key_s = CS_PLAN_SNAP_SF_OWNER;
    const char *owner = plan_owner_sf_to_hs(pp->in, s);
    if (owner == NULL && h != NULL && pp->allow_to_sf) {
        if (plan_owner_hs_to_sf(pp->in, h) == NULL) {
            if (plan_error(pp->plan, CS_PLAN_SALESFORCE, CS_CAT_PERMISSIONS, pp->hs->rec.id,
                           pp->sf_type, pp->sf->rec.id, plan_rec_email(pp->hs), sf_field,
                           "C17: HubSpot owner %s matches no active Salesforce User by email, "
                           "and Salesforce owner %s has no HubSpot owner; both keep their owner",
                           h, s ? s : "(none)") != 0)
                return -1;
            return keep_unresolved(pp, key_h, s);
        }
        if (sf_default)
            return owner_to_sf(pp, m, sf_field, h, s,
                               "C17: the HubSpot owner replaces Salesforce's default owner");
    }
    if (owner == NULL || cs_value_equal(owner, h))
        return agree_both(pp, key_h, h, s);
    if (plan_pair_pending(pp, key_h, h) != 0)
        return -1;
    char reason[256];
    int n =
        snprintf(reason, sizeof reason, "%s; C17: Salesforce User %s is owner %s", why, s, owner);
    if (plan_op_write(&pp->hs_op, key_h, h, owner, n > 0 ? reason : why) != 0 ||
        plan_op_snap(&pp->hs_op, key_h, owner) != 0 || plan_op_snap(&pp->hs_op, key_s, s) != 0)
        return -1;
    return 0;
}

int plan_merge_owner(plan_pair *pp, const cs_field_mapping *m, const char *sf_field)
{
    const char *h = cs_record_get(&pp->hs->rec, m->hs);
    const char *s = cs_record_get(&pp->sf->rec, sf_field);
    h = cs_value_is_blank(h) ? NULL : h;
    s = cs_value_is_blank(s) ? NULL : s;
    if ((h == NULL && s == NULL) || (h != NULL && s != NULL &&
                                     (cs_value_equal(plan_owner_hs_to_sf(pp->in, h), s) ||
                                      cs_value_equal(plan_owner_sf_to_hs(pp->in, s), h))))
        return agree_both(pp, m->hs, h, s);

    const char *snap_h, *snap_s;
    plan_snap_state st_h = plan_pair_snap(pp, m->hs, &snap_h);
    plan_snap_state st_s = plan_pair_snap(pp, CS_PLAN_SNAP_SF_OWNER, &snap_s);
    bool first = st_h == PLAN_SNAP_NONE;
    bool hs_changed = first || st_h != PLAN_SNAP_PRESENT || !cs_value_equal(h, snap_h);
    bool sf_changed = first || st_s != PLAN_SNAP_PRESENT || !cs_value_equal(s, snap_s);
    char label[128];
    const char *why = label;
    owner_dir dir = OWNER_NONE;
    if (first && h == NULL) {
        dir = OWNER_TO_HS;
        why = "two_way: first sync fills the blank HubSpot value";
    } else if (first && s == NULL) {
        dir = OWNER_TO_SF;
        why = "two_way: first sync fills the blank Salesforce value";
    } else if (!first && hs_changed && !sf_changed) {
        dir = OWNER_TO_SF;
        why = "two_way: changed in HubSpot";
    } else if (!first && sf_changed && !hs_changed) {
        dir = OWNER_TO_HS;
        why = "two_way: changed in Salesforce";
    } else if (hs_changed && sf_changed) {
        dir = owner_winner(pp, label, sizeof label);
    }
    switch (dir) {
    case OWNER_TO_SF:
        return owner_to_sf(pp, m, sf_field, h, s, why);
    case OWNER_TO_HS:
        return owner_to_hs(pp, m, sf_field, h, s, st_s == PLAN_SNAP_PRESENT && snap_s == NULL, why);
    case OWNER_NONE:
    default:
        return 0; /* settled at the last sync: they differ, nothing changed */
    }
}
