/* The context phase of a round (C2, C5, C14, C17, A1, A2): everything the
 * planner needs next to the round's changed records. The counterpart of
 * every linked changed record, the records of both sides whose email
 * matches a changed unlinked one (C5: Leads and Contacts alike; answered
 * from the full reads' indexes when there are some, detect_full.c), the
 * associations (context_assoc.c), and the pass's owners, users (C17),
 * inclusion list (C2) and backfills. Its reads add records as context. */
#include <stdlib.h>
#include <string.h>

#include "engine/context_int.h"

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

/* C5: every record with a changed unlinked record's email, on both sides
 * (in Salesforce, every object of the pair, so the plan can prefer), for the
 * emails left to look up (the others were answered by detect_full.c). */
static int by_email(sync_pass *p, sync_round *r, const cs_map *left_hs, const cs_map *left_sf,
                    cs_err *err)
{
    cs_sync *s = p->s;
    const cs_pair *pair = p->pair;
    size_t n = 0;
    int rc = 0;
    cs_record_list got;
    cs_record_list_init(&got);
    const char **emails = detect_keys_of(left_hs, NULL, NULL, &n);
    if (emails == NULL)
        return oom(err);
    if (n > 0) {
        rc = cs_connector_find_by_email(s->opt.hubspot, pair->hs_object, emails, n, &got, err);
        if (rc != 0)
            cs_err_prefix(err, "HubSpot %s by email: ", pair->hs_object);
        p->rep->hubspot.context += rc == 0 ? got.len : 0;
        rc = rc ? rc : detect_take(p, r, &got, CS_PLAN_CONTEXT, err);
    }
    free(emails);
    emails = rc == 0 ? detect_keys_of(left_sf, NULL, NULL, &n) : NULL;
    if (rc == 0 && emails == NULL)
        rc = oom(err);
    if (rc == 0 && n > 0) {
        rc = cs_connector_find_by_email(s->opt.salesforce, NULL, emails, n, &got, err);
        if (rc != 0)
            cs_err_prefix(err, "Salesforce records by email: ");
        p->rep->salesforce.context += rc == 0 ? got.len : 0;
        rc = rc ? rc : detect_take(p, r, &got, CS_PLAN_CONTEXT, err);
    }
    cs_record_list_dispose(&got);
    free(emails);
    return rc;
}

/* The counterparts of the round's linked changed records, and the records
 * sharing an email with its unlinked ones. */
static int counterparts(sync_pass *p, sync_round *r, cs_err *err)
{
    cs_sync *s = p->s;
    const cs_pair *pair = p->pair;
    size_t n = 0;
    int rc = 0;
    cs_map *left_hs = r->needs.emails, *left_sf = r->needs.emails;
    if (p->full != NULL) {
        left_hs = cs_map_new(NULL);
        left_sf = cs_map_new(NULL);
        rc = left_hs && left_sf ? detect_full_emails(p, r, left_hs, left_sf, err) : oom(err);
    }
    const char **ids =
        rc == 0 ? detect_keys_of(r->needs.need_hs, r->input.hs_seen, NULL, &n) : NULL;
    if (rc == 0 && ids == NULL)
        rc = oom(err);
    if (rc == 0) {
        rc = detect_read_ids(p, r, s->opt.hubspot, pair->hs_object, ids, n, CS_PLAN_CONTEXT, err);
        free(ids);
    }
    for (size_t t = 0; rc == 0 && t < pair->nsf; t++) {
        ids = detect_keys_of(r->needs.need_sf, r->input.sf_seen, pair->sf[t].name, &n);
        if (ids == NULL) {
            rc = oom(err);
            break;
        }
        rc = detect_read_ids(p, r, s->opt.salesforce, pair->sf[t].name, ids, n, CS_PLAN_CONTEXT,
                             err);
        free(ids);
    }
    if (rc == 0)
        rc = by_email(p, r, left_hs, left_sf, err);
    if (p->full != NULL) {
        cs_map_free(left_hs);
        cs_map_free(left_sf);
    }
    return rc;
}

/* Owners, users, members and backfills: the same for every round. */
static int pass_inputs(sync_pass *p, sync_round *r, cs_err *err)
{
    for (size_t i = 0; i < p->owners.len; i++) {
        const cs_record *o = &p->owners.items[i];
        const char *email = cs_record_get(o, "email");
        if (email && cs_plan_input_add_hs_owner(r->input.in, o->id, email, err) != 0)
            return -1;
    }
    for (size_t i = 0; i < p->users.len; i++) {
        const cs_record *u = &p->users.items[i];
        const char *email = cs_record_get(u, "email");
        const char *active = cs_record_get(u, "active");
        if (email && cs_plan_input_add_sf_user(r->input.in, u->id, email,
                                               active && strcmp(active, "true") == 0, err) != 0)
            return -1;
    }
    size_t i;
    json_t *m;
    json_array_foreach(p->members, i, m)
    {
        if (json_is_string(m) &&
            cs_plan_input_add_member(r->input.in, json_string_value(m), err) != 0)
            return -1;
    }
    for (size_t k = 0; k < p->s->opt.nbackfill; k++) {
        if (cs_plan_input_add_backfill(r->input.in, p->s->opt.backfill[k], err) != 0)
            return -1;
    }
    return 0;
}

int context_round(sync_pass *p, sync_round *r, cs_err *err)
{
    if (counterparts(p, r, err) != 0 || context_associations(p, r, err) != 0 ||
        pass_inputs(p, r, err) != 0)
        return -1;
    sync_progress(p, CS_SYNC_PHASE_DETECT);
    return 0;
}
