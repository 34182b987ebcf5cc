/* One HS contact merged with one SF record, field by field: the three-way
 * merge of every mapping (R1, via plan_merge.c; owner and opt-out via
 * plan_special.c), the writes it implies on each side with their journal
 * entries, the snapshot values each write settles, and the ops that come out
 * of it. Mapped values are compared in HubSpot's terms through the mapping's
 * value map (R3). A pair whose fields all agree with each other and with the
 * snapshot produces no op at all (echo suppression). Also here: whether the
 * HS side of a pair really changed since the last sync (C3's "started from
 * HubSpot"), by the same comparisons. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/plan_int.h"
#include "engine/plan_merge.h"
#include "engine/value.h"

int plan_pair_init(plan_pair *pp, const cs_plan_input *in, cs_plan *plan, const plan_rec *hs,
                   const plan_rec *sf, const json_t *snap, bool new_pair)
{
    memset(pp, 0, sizeof *pp);
    pp->in = in;
    pp->plan = plan;
    pp->hs = hs;
    pp->sf = sf;
    pp->sf_type = sf->rec.type;
    pp->snap = snap;
    pp->new_pair = new_pair;
    pp->allow_to_sf = true;
    plan_op_init(&pp->hs_op, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT);
    plan_op_init(&pp->sf_op, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE);
    plan_op_init(&pp->unsub_op, CS_PLAN_UNSUBSCRIBE, CS_PLAN_HUBSPOT);
    pp->base = json_object();
    if (pp->base == NULL)
        return -1;
    cs_plan_op *ops[] = {&pp->hs_op, &pp->sf_op, &pp->unsub_op};
    for (size_t i = 0; i < 3; i++) {
        cs_plan_op *op = ops[i];
        if (plan_op_ids(op, hs->rec.id, sf->rec.type, sf->rec.id) != 0)
            return -1;
        if (hs->has_email && (op->email = strdup(hs->email)) == NULL)
            return -1;
        op->hs_modified_ms = hs->rec.modified_ms;
        op->sf_modified_ms = sf->rec.modified_ms;
    }
    return 0;
}

void plan_pair_dispose(plan_pair *pp)
{
    plan_op_dispose(&pp->hs_op);
    plan_op_dispose(&pp->sf_op);
    plan_op_dispose(&pp->unsub_op);
    json_decref(pp->base);
    pp->base = NULL;
}

plan_snap_state plan_pair_snap(const plan_pair *pp, const char *key, const char **value)
{
    *value = NULL;
    if (pp->snap == NULL || cs_map_has(pp->in->backfill, key))
        return PLAN_SNAP_NONE;
    json_t *v = json_object_get(pp->snap, key);
    if (v == NULL)
        return PLAN_SNAP_ABSENT;
    *value = json_is_string(v) ? json_string_value(v) : NULL;
    return PLAN_SNAP_PRESENT;
}

int plan_pair_agree(plan_pair *pp, const char *key, const char *value)
{
    if (!pp->new_pair && pp->snap != NULL) {
        json_t *v = json_object_get(pp->snap, key);
        if (v != NULL && cs_value_equal(json_is_string(v) ? json_string_value(v) : NULL, value))
            return 0; /* the snapshot already says so */
    }
    json_t *j = cs_value_is_blank(value) ? json_null() : json_string(value);
    return json_object_set_new(pp->base, key, j) == 0 ? 0 : -1;
}

int plan_pair_pending(plan_pair *pp, const char *key, const char *value)
{
    if (!pp->new_pair)
        return 0;
    json_t *j = cs_value_is_blank(value) ? json_null() : json_string(value);
    return json_object_set_new(pp->base, key, j) == 0 ? 0 : -1;
}

int plan_pair_to_hs(plan_pair *pp, const cs_field_mapping *m, const char *value,
                    const char *snap_value, const char *reason)
{
    const char *old = cs_record_get(&pp->hs->rec, m->hs);
    if (plan_op_write(&pp->hs_op, m->hs, old, value, reason) != 0 ||
        plan_op_snap(&pp->hs_op, m->hs, snap_value) != 0)
        return -1;
    return 0;
}

int plan_pair_to_sf(plan_pair *pp, const cs_field_mapping *m, const char *sf_field,
                    const char *value, const char *snap_value, const char *reason)
{
    const char *old = cs_record_get(&pp->sf->rec, sf_field);
    if (cs_value_is_blank(value) && plan_sf_required(pp->in, m, pp->sf_type)) {
        /* C13: SF refuses a blank required field: the placeholder, or an error. */
        const char *ph = pp->in->settings->required_placeholder;
        if (ph == NULL)
            return plan_error(pp->plan, CS_PLAN_SALESFORCE, CS_CAT_PROPERTY_VALUES, pp->hs->rec.id,
                              pp->sf_type, pp->sf->rec.id, plan_rec_email(pp->hs), sf_field,
                              "C13: Salesforce requires %s on a %s; the blank HubSpot value "
                              "cannot be written (required_placeholder is off)",
                              sf_field, pp->sf_type);
        if (cs_value_equal(old, ph))
            return plan_pair_agree(pp, m->hs, NULL);
        char why[256];
        int n = snprintf(why, sizeof why, "%s; C13: placeholder for required %s", reason, sf_field);
        if (plan_op_write(&pp->sf_op, sf_field, old, ph, n > 0 ? why : reason) != 0 ||
            plan_op_snap(&pp->sf_op, m->hs, NULL) != 0)
            return -1;
        return 0;
    }
    if (plan_op_write(&pp->sf_op, sf_field, old, value, reason) != 0 ||
        plan_op_snap(&pp->sf_op, m->hs, snap_value) != 0)
        return -1;
    return 0;
}

static cs_merge_snap merge_state(plan_snap_state s)
{
    switch (s) {
    case PLAN_SNAP_PRESENT:
        return CS_MERGE_SNAPSHOT;
    case PLAN_SNAP_ABSENT:
        return CS_MERGE_NEW_MAPPING;
    case PLAN_SNAP_NONE:
    default:
        return CS_MERGE_FIRST;
    }
}

/* An ordinary row: the R1 merge, then the writes it decides. With a value
 * map (R3) the merge runs in HubSpot's terms: the SF value as HubSpot would
 * receive it, the HS value and the snapshot in their canonical form (HS
 * options that stand for one SF value are equal); SF writes are translated
 * back. sb: four scratch buffers for multi-select translations. */
static int merge_mapped(plan_pair *pp, const cs_field_mapping *m, const char *sf_field, cs_buf *sb)
{
    cs_merge_in mi;
    memset(&mi, 0, sizeof mi);
    mi.rule = m->rule;
    const char *h_raw = cs_record_get(&pp->hs->rec, m->hs);
    const char *s_raw = plan_sf_read(pp->in, m, pp->sf_type, cs_record_get(&pp->sf->rec, sf_field));
    const char *snap_raw;
    mi.state = merge_state(plan_pair_snap(pp, m->hs, &snap_raw));
    if (cs_values_translate(m, CS_VALUES_CANONICAL, h_raw, &sb[0], &mi.hs) != 0 ||
        cs_values_translate(m, CS_VALUES_TO_HS, s_raw, &sb[1], &mi.sf) != 0 ||
        cs_values_translate(m, CS_VALUES_CANONICAL, snap_raw, &sb[2], &mi.snap) != 0)
        return -1;
    mi.winner = pp->in->settings->conflict_winner;
    mi.hs_modified_ms = pp->hs->rec.modified_ms;
    mi.sf_modified_ms = pp->sf->rec.modified_ms;
    cs_merge_out mo;
    cs_merge_field(&mi, &mo);
    char why[CS_MERGE_REASON_MAX + 2 * CS_VALUES_MAX_LEN + 64];
    switch (mo.action) {
    case CS_MERGE_AGREED:
        return plan_pair_agree(pp, m->hs, mo.value);
    case CS_MERGE_TO_HS:
        if (plan_pair_pending(pp, m->hs, mi.hs) != 0)
            return -1;
        return plan_pair_to_hs(pp, m, mo.value, mo.value,
                               plan_values_reason(why, sizeof why, mo.reason, s_raw, mo.value));
    case CS_MERGE_TO_SF: {
        /* C2/C3: HS → SF only for members; a lookup row is never written. The
         * snapshot keeps the SF value, so the HS value still counts as a
         * change once the contact may sync. */
        if (plan_pair_pending(pp, m->hs, mi.sf) != 0)
            return -1;
        if (!pp->allow_to_sf || (m->flags & CS_MAP_SF_REFERENCE))
            return 0;
        const char *to_sf;
        if (cs_values_translate(m, CS_VALUES_TO_SF, mo.value, &sb[3], &to_sf) != 0)
            return -1;
        return plan_pair_to_sf(pp, m, sf_field, to_sf, mo.value,
                               plan_values_reason(why, sizeof why, mo.reason, h_raw, to_sf));
    }
    case CS_MERGE_KEEP:
        /* Nothing written; the snapshot keeps the source side's value so a
         * later change there is seen. */
        return plan_pair_pending(pp, m->hs, mo.value);
    case CS_MERGE_NOTHING:
    case CS_MERGE_DIFFER:
    default:
        return 0;
    }
}

static int merge_plain(plan_pair *pp, const cs_field_mapping *m, const char *sf_field)
{
    cs_buf sb[4];
    for (size_t i = 0; i < 4; i++)
        cs_buf_init(&sb[i], PLAN_VALUE_MAX);
    int rc = merge_mapped(pp, m, sf_field, sb);
    for (size_t i = 0; i < 4; i++)
        cs_buf_free(&sb[i]);
    return rc;
}

int plan_pair_merge(plan_pair *pp)
{
    for (size_t i = 0; i < pp->in->nmaps; i++) {
        const cs_field_mapping *m = &pp->in->maps[i];
        const char *sf_field = plan_sf_field(pp->in, m, pp->sf_type);
        if (sf_field == NULL || m->rule == CS_RULE_DONT_SYNC)
            continue; /* C8, C9: no field on this SF type */
        int rc;
        if (m->flags & CS_MAP_OPTOUT)
            rc = plan_merge_optout(pp, m, sf_field);
        else if (m->flags & CS_MAP_OWNER)
            rc = plan_merge_owner(pp, m, sf_field);
        else
            rc = merge_plain(pp, m, sf_field);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* One mapping: whether the HS value differs from the snapshot, compared as
 * the merge compares (the opt-out as a checkbox, C10; the owner by HS id,
 * C17; mapped values in HubSpot's canonical terms, R3). 1, 0, or -1. */
static int hs_field_differs(const cs_field_mapping *m, const char *h, const char *snap)
{
    if (m->flags & CS_MAP_OPTOUT)
        return cs_value_is_true(h) != cs_value_is_true(snap);
    if (m->flags & CS_MAP_OWNER)
        return !cs_value_equal(h, snap);
    cs_buf sb[2];
    cs_buf_init(&sb[0], PLAN_VALUE_MAX);
    cs_buf_init(&sb[1], PLAN_VALUE_MAX);
    const char *hc, *sc;
    int rc = cs_values_translate(m, CS_VALUES_CANONICAL, h, &sb[0], &hc) != 0 ||
                     cs_values_translate(m, CS_VALUES_CANONICAL, snap, &sb[1], &sc) != 0
                 ? -1
                 : !cs_value_equal(hc, sc);
    cs_buf_free(&sb[0]);
    cs_buf_free(&sb[1]);
    return rc;
}

int plan_hs_differs(const cs_plan_input *in, const plan_rec *hs, const char *sf_type,
                    const json_t *snap)
{
    if (snap == NULL)
        return 1; /* never synced: the first sync */
    for (size_t i = 0; i < in->nmaps; i++) {
        const cs_field_mapping *m = &in->maps[i];
        if (plan_sf_field(in, m, sf_type) == NULL || m->rule == CS_RULE_DONT_SYNC)
            continue; /* C8, C9: the field does not sync for this pair */
        if (cs_map_has(in->backfill, m->hs))
            return 1; /* R1: a backfill was asked for */
        const json_t *v = json_object_get(snap, m->hs);
        if (v == NULL)
            continue; /* a mapping newer than the pair's last sync: not an HS edit */
        int d = hs_field_differs(m, cs_record_get(&hs->rec, m->hs),
                                 json_is_string(v) ? json_string_value(v) : NULL);
        if (d != 0)
            return d;
    }
    return 0;
}

/* Adds the base's keys an op does not settle itself. */
static int add_base(cs_plan_op *op, const json_t *base)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)base, key, v)
    {
        if (op->snapshot != NULL && json_object_get(op->snapshot, key) != NULL)
            continue;
        if (op->snapshot == NULL && (op->snapshot = json_object()) == NULL)
            return -1;
        if (json_object_set(op->snapshot, key, v) != 0)
            return -1;
    }
    return 0;
}

int plan_pair_emit(plan_pair *pp)
{
    bool wrote = false;
    cs_plan_op *ops[] = {&pp->hs_op, &pp->sf_op, &pp->unsub_op};
    for (size_t i = 0; i < 3; i++) {
        cs_plan_op *op = ops[i];
        bool has = op == &pp->unsub_op ? pp->unsubscribe : op->fields != NULL;
        if (!has)
            continue;
        if (!pp->new_pair && add_base(op, pp->base) != 0)
            return -1;
        if (plan_push(pp->plan, op) != 0)
            return -1;
        wrote = true;
    }
    if (wrote || pp->new_pair || json_object_size(pp->base) == 0)
        return 0;
    /* Both sides agree but the snapshot is stale (both changed the same way,
     * or a new mapping whose values already match): remember it, write nothing. */
    cs_plan_op op;
    plan_op_init(&op, CS_PLAN_REFRESH, CS_PLAN_STORE);
    if (plan_op_ids(&op, pp->hs->rec.id, pp->sf_type, pp->sf->rec.id) != 0 ||
        plan_op_reason(&op, "both sides already agree; only crmsync's snapshot is updated") != 0) {
        plan_op_dispose(&op);
        return -1;
    }
    op.snapshot = json_incref(pp->base);
    op.hs_modified_ms = pp->hs->rec.modified_ms;
    op.sf_modified_ms = pp->sf->rec.modified_ms;
    return plan_push(pp->plan, &op);
}
