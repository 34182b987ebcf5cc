/* The detect step of a pass (R2, R8, C2, C5, C14, C16, C17): what changed on
 * both sides since the durable cursors, and everything the planner needs to
 * see next to it.
 *
 * A round takes up to a bounded number of changed records from each scan
 * (HubSpot contacts; Salesforce Leads and Contacts, deletions included), plus
 * — in the first round — the records whose error is due for a retry (R8),
 * re-read even when unchanged, and — once every scan is done — the pass's
 * follow-ups. A changed record that was refused before and has not changed
 * since waits for its retry (sync_retry.c) and is read as context only. Then
 * the context: the links and snapshots of every record read,
 * the counterpart of every linked changed record, the records of both sides
 * whose email matches a changed unlinked one (C5: Leads and Contacts alike),
 * the Contact a converted Lead became (C14). Owners, Users (C17) and the
 * inclusion list (C2) are read once per pass. A record missing from a read is
 * simply absent: nothing here ever infers a delete (C16). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "engine/sync_int.h"

const char *detect_scan_object(const sync_pass *p, size_t i)
{
    return i == SYNC_SCAN_HS ? p->pair->hs_object : p->pair->sf[i - 1].name;
}

const char *detect_scan_cursor(const sync_pass *p, size_t i)
{
    return i == SYNC_SCAN_HS ? p->pair->hs_cursor : p->pair->sf[i - 1].cursor;
}

static cs_connector *scan_conn(const sync_pass *p, size_t i)
{
    return i == SYNC_SCAN_HS ? p->s->opt.hubspot : p->s->opt.salesforce;
}

/* The scan reading object (a record type of the current pair), or -1. */
static int scan_of(const sync_pass *p, const char *object)
{
    if (cs_pair_is_hs(p->pair, object))
        return SYNC_SCAN_HS;
    int k = cs_pair_sf_index(p->pair, object);
    return k < 0 ? -1 : 1 + k;
}

int detect_pass_begin(sync_pass *p, cs_err *err)
{
    cs_sync *s = p->s;
    if (retry_begin(p, err) != 0)
        return -1;
    bool owners = false;
    for (size_t i = 0; i < s->npairs; i++)
        owners = owners || s->pairs[i].owners;
    if (!owners)
        return 0;
    /* C17: owners and users, once per pass. */
    if (cs_connector_users(s->opt.hubspot, &p->owners, err) != 0)
        return cs_err_prefix(err, "HubSpot owners: ");
    if (cs_connector_users(s->opt.salesforce, &p->users, err) != 0)
        return cs_err_prefix(err, "Salesforce users: ");
    return 0;
}

void detect_pass_end(sync_pass *p)
{
    detect_end(p);
    cs_record_list_dispose(&p->owners);
    cs_record_list_dispose(&p->users);
    retry_end(p);
}

int detect_begin(sync_pass *p, const cs_pair *pair, cs_err *err)
{
    cs_sync *s = p->s;
    detect_end(p);
    p->pair = pair;
    p->nscans = 1 + pair->nsf;
    p->retries_done = false;
    bool full[CS_PAIR_SCANS_MAX] = {false};
    for (size_t i = 0; i < p->nscans; i++) {
        p->scan_done[i] = false;
        p->stored_cursor[i][0] = '\0';
        cs_cursor cur;
        int found = cs_store_cursor_get(s->opt.store, detect_scan_cursor(p, i), &cur, err);
        if (found < 0)
            return -1;
        if (found == 1 && strlen(cur.token) < CS_CONNECTOR_CURSOR_MAX)
            memcpy(p->stored_cursor[i], cur.token, strlen(cur.token) + 1);
        int64_t since = -1;
        full[i] = s->opt.full || cs_connector_cursor_time(p->stored_cursor[i], &since, NULL) != 0 ||
                  since < 0;
    }
    /* R2: new changes are read from the cursor on; the window behind it is
     * counted, not re-read (detect_window.c) */
    int64_t from[CS_PAIR_SCANS_MAX];
    if (detect_window_begin(p, full, from, err) != 0)
        return -1;
    for (size_t i = 0; i < p->nscans; i++) {
        int64_t cur_ms = -1;
        if (!full[i] && cs_connector_cursor_time(p->stored_cursor[i], &cur_ms, NULL) != 0)
            cur_ms = -1;
        cs_scan_options o = {.object = detect_scan_object(p, i),
                             .cursor = s->opt.full ? NULL : p->stored_cursor[i],
                             .overlap_ms = from[i] >= 0 && cur_ms >= from[i]
                                               ? cur_ms - from[i]
                                               : s->settings->overlap_ms,
                             .include_deleted = true,
                             .full = full[i]};
        if (cs_connector_scan_begin(scan_conn(p, i), &o, &p->scans[i], err) != 0)
            return cs_err_prefix(err, "change detection of %s: ", detect_scan_object(p, i));
    }
    if (detect_full_begin(p, full, err) != 0)
        return -1;
    /* A2: a child whose parent was examined earlier in this pass is due now
     * if it waits for that parent (R9), whichever read brings it. */
    const char *child;
    json_t *v;
    json_object_foreach(pair->parent >= 0 ? p->handoff : NULL, child, v)
    {
        char key[3 * CS_STORE_NAME_MAX];
        sync_error_key(key, sizeof key, CS_STORE_SALESFORCE, pair->hs_object, child);
        retry_make_due(p, key);
    }
    /* C2: the inclusion list's members. */
    const char *list = pair->settings.inclusion_list;
    if (list != NULL && cs_connector_list_members(s->opt.hubspot, list, &p->members, err) != 0)
        return cs_err_prefix(err, "inclusion list %s: ", list);
    return 0;
}

void detect_end(sync_pass *p)
{
    for (size_t i = 0; i < CS_PAIR_SCANS_MAX; i++) {
        cs_change_scan_free(p->scans[i]);
        p->scans[i] = NULL;
    }
    json_decref(p->members);
    p->members = NULL;
    detect_full_end(p);
    detect_window_end(p);
}

const cs_pair *detect_child_pair(const sync_pass *p)
{
    for (size_t i = 0; i < p->s->npairs; i++) {
        const cs_pair *q = &p->s->pairs[i];
        if (q->parent >= 0 && &p->s->pairs[q->parent] == p->pair)
            return q;
    }
    return NULL;
}

bool detect_finished(const sync_pass *p)
{
    for (size_t i = 0; i < p->nscans; i++) {
        if (!p->scan_done[i])
            return false;
    }
    return detect_window_finished(p) && json_object_size(p->followups) == 0;
}

void sync_round_dispose(sync_round *r)
{
    if (r == NULL)
        return;
    cs_plan_input_free(r->in);
    json_t **sets[] = {&r->hs_seen, &r->sf_seen, &r->link_hs, &r->link_sf, &r->need_hs,
                       &r->need_sf, &r->emails,  &r->recs,    &r->retried, &r->failed,
                       &r->held,    &r->broken,  &r->created, &r->updated, &r->parents};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        json_decref(*sets[i]);
    for (size_t i = 0; i < CS_PAIR_SCANS_MAX; i++)
        json_decref(r->scanned[i]);
    memset(r, 0, sizeof *r);
}

static int round_init(sync_pass *p, sync_round *r, cs_err *err)
{
    memset(r, 0, sizeof *r);
    json_t **sets[] = {&r->hs_seen, &r->sf_seen, &r->link_hs, &r->link_sf, &r->need_hs,
                       &r->need_sf, &r->emails,  &r->recs,    &r->retried, &r->failed,
                       &r->held,    &r->broken,  &r->created, &r->updated, &r->parents};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        if ((*sets[i] = json_object()) == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    return cs_plan_input_new_pair(p->pair, p->now_ms, &r->in, err);
}

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

static int set_str(json_t *set, const char *key, const char *value)
{
    return json_object_set_new(set, key, value ? json_string(value) : json_true());
}

/* Hands the link of a record to the plan input, with its snapshot. */
static int add_link(sync_pass *p, sync_round *r, const cs_link *l, cs_err *err)
{
    if (json_object_get(r->link_hs, l->hs_id) || json_object_get(r->link_sf, l->sf_id))
        return 0;
    cs_snapshot snap;
    memset(&snap, 0, sizeof snap);
    int found = cs_store_snapshot_get(p->s->opt.store, p->pair->link_object, l->hs_id, &snap, err);
    if (found < 0)
        return -1;
    int rc = cs_plan_input_add_link(r->in, l->hs_id, l->sf_type, l->sf_id,
                                    found == 1 ? snap.fields : NULL, err);
    cs_snapshot_dispose(&snap);
    if (rc != 0)
        return -1;
    if (set_str(r->link_hs, l->hs_id, l->sf_id) != 0 ||
        set_str(r->link_sf, l->sf_id, l->hs_id) != 0)
        return oom(err);
    return 0;
}

/* The record's email (C5), or NULL: none, or a pair that does not match by
 * email. */
static const char *rec_email(const sync_pass *p, const cs_record *rec, bool hub)
{
    const char *field = hub ? p->pair->hs_email : p->pair->sf_email;
    return rec->deleted || field == NULL ? NULL : cs_record_get(rec, field);
}

/* Notes a record the round reads: its modification time and email (for the
 * retry guard and the error rows), and for a changed one whether it waits for
 * its retry (R8: then it is only context; its pair still syncs when the other
 * record changed, and apply holds back its own writes) or is re-evaluated
 * with an open error (which then clears unless it fails again, R4). */
static int note_record(sync_pass *p, sync_round *r, const cs_record *rec, bool hub,
                       cs_plan_role *role, cs_err *err)
{
    const json_t *had = json_object_get(r->recs, rec->id);
    if (had == NULL || json_integer_value(json_array_get(had, 0)) < rec->modified_ms) {
        const char *email = rec_email(p, rec, hub);
        json_t *v =
            json_pack("[Is?]", (json_int_t)rec->modified_ms,
                      email && email[0] && strlen(email) < CS_PLAN_EMAIL_MAX ? email : NULL);
        if (v == NULL || json_object_set_new(r->recs, rec->id, v) != 0)
            return oom(err);
    }
    if (*role != CS_PLAN_CHANGED)
        return 0;
    /* Errors are filed under the source record, on the side that refused it. */
    cs_store_side side = hub ? CS_STORE_SALESFORCE : CS_STORE_HUBSPOT;
    bool waits = false;
    if (!r->followup &&
        retry_waits(p, side, rec->type, rec->id, rec->modified_ms, &waits, err) != 0)
        return -1;
    if (waits) {
        *role = CS_PLAN_CONTEXT;
        return 0;
    }
    char key[3 * CS_STORE_NAME_MAX];
    sync_error_key(key, sizeof key, side, rec->type, rec->id);
    if (retry_is_open(p, key) && json_object_set_new(r->retried, key, json_true()) != 0)
        return oom(err);
    return 0;
}

/* Adds one record (moved into the input) and notes what it calls for: its
 * link, and for a changed record its counterpart or its email (C5) and the
 * Contact of a converted Lead (C14). */
static int add_record(sync_pass *p, sync_round *r, cs_record *rec, cs_plan_role role, cs_err *err)
{
    bool hub = cs_pair_is_hs(p->pair, rec->type);
    char id[CS_PLAN_ID_MAX], type[CS_PLAN_ID_MAX], email[CS_PLAN_EMAIL_MAX],
        converted[CS_PLAN_ID_MAX];
    if (rec->id == NULL || strlen(rec->id) >= sizeof id || rec->type == NULL ||
        strlen(rec->type) >= sizeof type) {
        cs_record_dispose(rec);
        return 0; /* nothing the plan could use; the connectors never send it */
    }
    memcpy(id, rec->id, strlen(rec->id) + 1);
    memcpy(type, rec->type, strlen(rec->type) + 1);
    bool has_email = cs_email_key(rec_email(p, rec, hub), email, sizeof email);
    const cs_pair_sf *so = hub ? NULL : cs_pair_sf_find(p->pair, type);
    const char *cid = so && so->converted_id ? cs_record_get(rec, so->converted_id) : NULL;
    const char *into = so && so->converts_to >= 0 ? p->pair->sf[so->converts_to].name : NULL;
    const char *parent = so && so->parent_field && p->pair->parent >= 0 && !rec->deleted
                             ? cs_record_get(rec, so->parent_field)
                             : NULL;
    if (parent != NULL && parent[0] != '\0' && strlen(parent) < CS_PLAN_ID_MAX &&
        set_str(r->parents, parent, NULL) != 0) {
        cs_record_dispose(rec);
        return oom(err);
    }
    converted[0] = '\0';
    if (cid != NULL && strlen(cid) < sizeof converted)
        memcpy(converted, cid, strlen(cid) + 1);
    if (note_record(p, r, rec, hub, &role, err) != 0) {
        cs_record_dispose(rec);
        return -1;
    }
    if (cs_plan_input_add_record(r->in, rec, role, err) != 0)
        return -1;
    if (set_str(hub ? r->hs_seen : r->sf_seen, id, hub ? NULL : type) != 0)
        return oom(err);

    cs_link l;
    int found = hub ? cs_store_link_by_hs(p->s->opt.store, p->pair->link_object, id, &l, err)
                    : cs_store_link_by_sf(p->s->opt.store, id, &l, err);
    if (found < 0)
        return -1;
    if (found == 1 && strcmp(l.object, p->pair->link_object) != 0)
        found = 0; /* another pair's record */
    if (found == 1 && add_link(p, r, &l, err) != 0)
        return -1;
    if (role != CS_PLAN_CHANGED)
        return 0;
    int rc = 0;
    if (found == 1 && hub && !json_object_get(r->sf_seen, l.sf_id))
        rc = set_str(r->need_sf, l.sf_id, l.sf_type);
    else if (found == 1 && !hub && !json_object_get(r->hs_seen, l.hs_id))
        rc = set_str(r->need_hs, l.hs_id, NULL);
    else if (found == 0 && has_email)
        rc = detect_note_email(r, email, hub);
    if (rc == 0 && into != NULL && converted[0] != '\0' && !json_object_get(r->sf_seen, converted))
        rc = set_str(r->need_sf, converted, into);
    return rc == 0 ? 0 : oom(err);
}

/* Moves every record of l into the input. */
static int add_list(sync_pass *p, sync_round *r, cs_record_list *l, cs_plan_role role, cs_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < l->len; i++) {
        if (rc == 0)
            rc = add_record(p, r, &l->items[i], role, err);
        else
            cs_record_dispose(&l->items[i]);
    }
    l->len = 0;
    return rc;
}

const char **detect_keys_of(const json_t *set, const json_t *skip, const char *type, size_t *n)
{
    const char **out = calloc(json_object_size(set) + 1, sizeof *out);
    if (out == NULL)
        return NULL;
    size_t k = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)set, key, v)
    {
        if (skip && json_object_get(skip, key))
            continue;
        if (type && (!json_is_string(v) || strcmp(json_string_value(v), type) != 0))
            continue;
        out[k++] = key;
    }
    *n = k;
    return out;
}

/* Reads ids of object from c as context (or as changed, for retries and
 * follow-ups) and adds them. */
static int read_ids(sync_pass *p, sync_round *r, cs_connector *c, const char *object,
                    const char *const *ids, size_t n, cs_plan_role role, cs_err *err)
{
    if (n == 0)
        return 0;
    cs_record_list got;
    cs_record_list_init(&got);
    if (cs_connector_read(c, object, ids, n, &got, err) != 0) {
        cs_record_list_dispose(&got);
        return cs_err_prefix(err, "reading %s: ", object);
    }
    cs_sync_side_report *side = c == p->s->opt.hubspot ? &p->rep->hubspot : &p->rep->salesforce;
    if (role == CS_PLAN_CONTEXT)
        side->context += got.len;
    int rc = add_list(p, r, &got, role, err);
    cs_record_list_dispose(&got);
    return rc;
}

/* C5: every record with a changed unlinked record's email, on both sides
 * (in Salesforce, every object of the pair, so the plan can prefer), for the
 * emails left to look up (the others were answered by detect_full.c). */
static int by_email(sync_pass *p, sync_round *r, const json_t *left_hs, const json_t *left_sf,
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
        rc = rc ? rc : add_list(p, r, &got, CS_PLAN_CONTEXT, err);
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
        rc = rc ? rc : add_list(p, r, &got, CS_PLAN_CONTEXT, err);
    }
    cs_record_list_dispose(&got);
    free(emails);
    return rc;
}

static int context(sync_pass *p, sync_round *r, cs_err *err)
{
    cs_sync *s = p->s;
    const cs_pair *pair = p->pair;
    size_t n = 0;
    int rc = 0;
    json_t *left_hs = r->emails, *left_sf = r->emails;
    if (p->full != NULL) {
        left_hs = json_object();
        left_sf = json_object();
        rc = left_hs && left_sf ? detect_full_emails(p, r, left_hs, left_sf, err) : oom(err);
    }
    const char **ids = rc == 0 ? detect_keys_of(r->need_hs, r->hs_seen, NULL, &n) : NULL;
    if (rc == 0 && ids == NULL)
        rc = oom(err);
    if (rc == 0) {
        rc = read_ids(p, r, s->opt.hubspot, pair->hs_object, ids, n, CS_PLAN_CONTEXT, err);
        free(ids);
    }
    for (size_t t = 0; rc == 0 && t < pair->nsf; t++) {
        ids = detect_keys_of(r->need_sf, r->sf_seen, pair->sf[t].name, &n);
        if (ids == NULL) {
            rc = oom(err);
            break;
        }
        rc = read_ids(p, r, s->opt.salesforce, pair->sf[t].name, ids, n, CS_PLAN_CONTEXT, err);
        free(ids);
    }
    if (rc == 0)
        rc = by_email(p, r, left_hs, left_sf, err);
    if (p->full != NULL) {
        json_decref(left_hs);
        json_decref(left_sf);
    }
    return rc;
}

/* Owners, users, members and backfills: the same for every round. */
static int pass_inputs(sync_pass *p, sync_round *r, cs_err *err)
{
    for (size_t i = 0; i < p->owners.len; i++) {
        const cs_record *o = &p->owners.items[i];
        const char *email = cs_record_get(o, "email");
        if (email && cs_plan_input_add_hs_owner(r->in, o->id, email, err) != 0)
            return -1;
    }
    for (size_t i = 0; i < p->users.len; i++) {
        const cs_record *u = &p->users.items[i];
        const char *email = cs_record_get(u, "email");
        const char *active = cs_record_get(u, "active");
        if (email && cs_plan_input_add_sf_user(r->in, u->id, email,
                                               active && strcmp(active, "true") == 0, err) != 0)
            return -1;
    }
    size_t i;
    json_t *m;
    json_array_foreach(p->members, i, m)
    {
        if (json_is_string(m) && cs_plan_input_add_member(r->in, json_string_value(m), err) != 0)
            return -1;
    }
    for (size_t k = 0; k < p->s->opt.nbackfill; k++) {
        if (cs_plan_input_add_backfill(r->in, p->s->opt.backfill[k], err) != 0)
            return -1;
    }
    return 0;
}

/* Pulls pages of one scan until limit records came or the scan is done. */
static int pull(sync_pass *p, sync_round *r, size_t i, size_t limit, cs_err *err)
{
    cs_record_list got;
    cs_record_list_init(&got);
    int rc = 0;
    while (rc == 0 && !p->scan_done[i] && (limit == 0 || got.len < limit) && !sync_stopped(p)) {
        bool done = false;
        rc = cs_change_scan_next(p->scans[i], &got, &done, err);
        if (rc != 0)
            cs_err_prefix(err, "change detection of %s: ", detect_scan_object(p, i));
        p->scan_done[i] = rc == 0 && done;
    }
    rc = rc ? rc : detect_add_changed(p, r, i, &got, err);
    cs_record_list_dispose(&got);
    return rc;
}

int detect_add_changed(sync_pass *p, sync_round *r, size_t i, cs_record_list *got, cs_err *err)
{
    cs_sync_side_report *side = i == SYNC_SCAN_HS ? &p->rep->hubspot : &p->rep->salesforce;
    side->read += got->len;
    /* every record is noted as seen before either filter drops it */
    int rc = detect_window_filter(p, r, i, got, err);
    rc = rc ? rc : detect_full_filter(p, i, got, err);
    rc = rc ? rc : add_list(p, r, got, CS_PLAN_CHANGED, err);
    for (size_t k = 0; k < got->len; k++)
        cs_record_dispose(&got->items[k]);
    got->len = 0;
    return rc;
}

/* R8: records whose error is due are re-read as if they changed, as long as
 * the retry budget allows (R6). */
static int due_retries(sync_pass *p, sync_round *r, size_t limit, cs_err *err)
{
    p->retries_done = true;
    if (!sync_budget_ok(p, true)) {
        p->rep->retry_paused = true;
        return 0;
    }
    cs_error_query q = {
        .due_only = true, .now_ms = p->now_ms, .limit = limit ? limit : CS_STORE_LIST_MAX};
    cs_record_error_list errs;
    memset(&errs, 0, sizeof errs);
    if (cs_store_error_list(p->s->opt.store, &q, &errs, err) != 0)
        return -1;
    json_t *want[CS_PAIR_SCANS_MAX] = {NULL};
    int rc = 0;
    for (size_t k = 0; k < p->nscans; k++) {
        if ((want[k] = json_object()) == NULL)
            rc = oom(err);
    }
    for (size_t i = 0; rc == 0 && i < errs.count; i++) {
        const cs_record_error *e = &errs.items[i];
        int k = scan_of(p, e->object);
        if (k < 0)
            continue;
        char key[3 * CS_STORE_NAME_MAX];
        sync_error_key(key, sizeof key, e->side, e->object, e->record_key);
        if (json_object_set_new(want[k], e->record_key, json_true()) != 0 ||
            json_object_set_new(r->retried, key, json_true()) != 0)
            rc = oom(err);
    }
    cs_record_error_list_dispose(&errs);
    for (size_t k = 0; rc == 0 && k < p->nscans; k++) {
        size_t n = 0;
        const char **ids =
            detect_keys_of(want[k], k == SYNC_SCAN_HS ? r->hs_seen : r->sf_seen, NULL, &n);
        if (ids == NULL) {
            rc = oom(err);
            break;
        }
        cs_sync_side_report *side = k == SYNC_SCAN_HS ? &p->rep->hubspot : &p->rep->salesforce;
        side->retried += n;
        rc =
            read_ids(p, r, scan_conn(p, k), detect_scan_object(p, k), ids, n, CS_PLAN_CHANGED, err);
        free(ids);
    }
    for (size_t k = 0; k < p->nscans; k++)
        json_decref(want[k]);
    return rc;
}

int detect_read(sync_pass *p, sync_round *r, bool hub, const char *object, const char *const *ids,
                size_t n, cs_plan_role role, cs_err *err)
{
    return read_ids(p, r, hub ? p->s->opt.hubspot : p->s->opt.salesforce, object, ids, n, role,
                    err);
}

int detect_read_changed(sync_pass *p, sync_round *r, json_t *set, cs_err *err)
{
    size_t n = 0;
    const char **ids = detect_keys_of(set, r->hs_seen, NULL, &n);
    if (ids == NULL)
        return oom(err);

    int rc = read_ids(p, r, p->s->opt.hubspot, p->pair->hs_object, ids, n, CS_PLAN_CHANGED, err);
    free(ids);
    json_object_clear(set);
    return rc;
}

/* The pass's follow-ups: pairs linked without a snapshot get their first
 * merge, both records read as changed. */
static int followups(sync_pass *p, sync_round *r, cs_err *err)
{
    json_t *want[CS_PAIR_SCANS_MAX] = {NULL};
    int rc = 0;
    for (size_t k = 0; k < p->nscans; k++) {
        if ((want[k] = json_object()) == NULL)
            rc = oom(err);
    }
    const char *hs_id;
    json_t *v;
    json_object_foreach(p->followups, hs_id, v)
    {
        const char *type = json_string_value(json_array_get(v, 0));
        const char *sf_id = json_string_value(json_array_get(v, 1));
        int k = scan_of(p, type);
        if (rc != 0 || k <= SYNC_SCAN_HS || sf_id == NULL)
            continue;
        if (json_object_set_new(want[SYNC_SCAN_HS], hs_id, json_true()) != 0 ||
            json_object_set_new(want[k], sf_id, json_true()) != 0)
            rc = oom(err);
    }
    json_object_clear(p->followups);
    r->followup = true;
    for (size_t k = 0; rc == 0 && k < p->nscans; k++) {
        size_t n = 0;
        const char **ids = detect_keys_of(want[k], NULL, NULL, &n);
        if (ids == NULL) {
            rc = oom(err);
            break;
        }
        rc =
            read_ids(p, r, scan_conn(p, k), detect_scan_object(p, k), ids, n, CS_PLAN_CHANGED, err);
        free(ids);
    }
    for (size_t k = 0; k < p->nscans; k++)
        json_decref(want[k]);
    return rc;
}

int detect_round(sync_pass *p, sync_round *r, size_t limit, cs_err *err)
{
    p->now_ms = cs_time_now_ms();
    if (round_init(p, r, err) != 0)
        return -1;
    sync_progress(p, CS_SYNC_PHASE_DETECT);
    bool scanned = false;
    for (size_t i = 0; i < p->nscans; i++) {
        if (p->scan_done[i])
            continue;
        scanned = true;
        if (detect_full_hold(p, i))
            continue;
        if (pull(p, r, i, limit, err) != 0)
            return -1;
    }
    /* R2: once the scans are over (and their records durable, except on a
     * dry run, which has one round), the windows behind the cursors */
    bool over = true;
    for (size_t i = 0; i < p->nscans; i++)
        over = over && p->scan_done[i];
    if (over && (!scanned || p->dry_run) && !detect_window_finished(p)) {
        scanned = true;
        if (detect_window_pull(p, r, limit, err) != 0)
            return -1;
    }
    if (!p->retries_done && due_retries(p, r, limit, err) != 0)
        return -1;
    if (!scanned && json_object_size(p->followups) > 0 && followups(p, r, err) != 0)
        return -1;
    /* A2: children of parents examined earlier in this pass. */
    if (p->pair->parent >= 0 && json_object_size(p->handoff) > 0 &&
        detect_read_changed(p, r, p->handoff, err) != 0)
        return -1;
    if (sync_stopped(p))
        return 0;
    if (context(p, r, err) != 0 || detect_associations(p, r, err) != 0 ||
        pass_inputs(p, r, err) != 0)
        return -1;
    sync_progress(p, CS_SYNC_PHASE_DETECT);
    return 0;
}
