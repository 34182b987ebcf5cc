/* The changes phase of a round (R2, R8, C2, C17, A2): what changed on both
 * sides since the durable cursors.
 *
 * A round takes up to a bounded number of changed records from each scan
 * (the pair's HubSpot object and each of its Salesforce objects, deletions
 * included), then — once the scans are over — the windows behind the
 * cursors (detect_window.c), plus — in the first round — the records whose
 * error is due for a retry (R8), re-read even when unchanged, the pass's
 * follow-ups once every scan is done, and the children a parent pair handed
 * to this pair (A2). Records go into the round through detect_input.c; the
 * context they call for is read by the next phase (context.c). Owners, Users
 * (C17) and the inclusion list (C2) are read once per pass or pair. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "engine/detect_int.h"

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

static int add(cs_map *set, const char *key)
{
    return cs_map_add(set, key) < 0 ? -1 : 0;
}

static int detect_add_changed(sync_pass *p, sync_round *r, size_t i, cs_record_list *got,
                              cs_err *err);

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
        int found = cs_store_cursor_get(s->opt.store, sync_scan_cursor(p, i), &cur, err);
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
        cs_scan_options o = {.object = sync_scan_object(p, i),
                             .cursor = s->opt.full ? NULL : p->stored_cursor[i],
                             .overlap_ms = from[i] >= 0 && cur_ms >= from[i]
                                               ? cur_ms - from[i]
                                               : s->settings->overlap_ms,
                             .include_deleted = true,
                             .full = full[i]};
        if (cs_connector_scan_begin(scan_conn(p, i), &o, &p->scans[i], err) != 0)
            return cs_err_prefix(err, "change detection of %s: ", sync_scan_object(p, i));
    }
    if (detect_full_begin(p, full, err) != 0)
        return -1;
    /* A2: a child whose parent was examined earlier in this pass is due now
     * if it waits for that parent (R9), whichever read brings it. */
    const char *child;
    for (size_t it = pair->parent >= 0 ? cs_map_next(p->handoff, 0, &child, NULL) : 0; it;
         it = cs_map_next(p->handoff, it, &child, NULL)) {
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

bool detect_finished(const sync_pass *p)
{
    for (size_t i = 0; i < p->nscans; i++) {
        if (!p->scan_done[i])
            return false;
    }
    return detect_window_finished(p) && cs_map_len(p->followups) == 0;
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
            cs_err_prefix(err, "change detection of %s: ", sync_scan_object(p, i));
        p->scan_done[i] = rc == 0 && done;
    }
    rc = rc ? rc : detect_add_changed(p, r, i, &got, err);
    cs_record_list_dispose(&got);
    return rc;
}

/* Takes a page of changed records of scan i into the round: counts them as
 * read, drops those settled already (detect_full.c, detect_window.c) and
 * adds the rest as changed. Empties got. */
static int detect_add_changed(sync_pass *p, sync_round *r, size_t i, cs_record_list *got,
                              cs_err *err)
{
    cs_sync_side_report *side = i == SYNC_SCAN_HS ? &p->rep->hubspot : &p->rep->salesforce;
    side->read += got->len;
    /* every record is noted as seen before either filter drops it */
    int rc = detect_window_filter(p, r, i, got, err);
    rc = rc ? rc : detect_full_filter(p, i, got, err);
    rc = rc ? rc : detect_take(p, r, got, CS_PLAN_CHANGED, err);
    for (size_t k = 0; k < got->len; k++)
        cs_record_dispose(&got->items[k]);
    got->len = 0;
    return rc;
}

/* One empty set of ids per scan of the current pair. */
static int want_init(const sync_pass *p, cs_map *want[CS_PAIR_SCANS_MAX], cs_err *err)
{
    for (size_t k = 0; k < p->nscans; k++) {
        if ((want[k] = cs_map_new(NULL)) == NULL)
            return oom(err);
    }
    return 0;
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
    cs_map *want[CS_PAIR_SCANS_MAX] = {NULL};
    int rc = want_init(p, want, err);
    for (size_t i = 0; rc == 0 && i < errs.count; i++) {
        const cs_record_error *e = &errs.items[i];
        int k = scan_of(p, e->object);
        if (k < 0)
            continue;
        char key[3 * CS_STORE_NAME_MAX];
        sync_error_key(key, sizeof key, e->side, e->object, e->record_key);
        if (add(want[k], e->record_key) != 0 || add(r->changes.retried, key) != 0)
            rc = oom(err);
    }
    cs_record_error_list_dispose(&errs);
    for (size_t k = 0; rc == 0 && k < p->nscans; k++) {
        size_t n = 0;
        const char **ids = detect_keys_of(
            want[k], k == SYNC_SCAN_HS ? r->input.hs_seen : r->input.sf_seen, NULL, &n);
        if (ids == NULL) {
            rc = oom(err);
            break;
        }
        cs_sync_side_report *side = k == SYNC_SCAN_HS ? &p->rep->hubspot : &p->rep->salesforce;
        side->retried += n;
        rc = detect_read_ids(p, r, scan_conn(p, k), sync_scan_object(p, k), ids, n, CS_PLAN_CHANGED,
                             err);
        free(ids);
    }
    for (size_t k = 0; k < p->nscans; k++)
        cs_map_free(want[k]);
    return rc;
}

int detect_read_changed(sync_pass *p, sync_round *r, cs_map *set, cs_err *err)
{
    size_t n = 0;
    const char **ids = detect_keys_of(set, r->input.hs_seen, NULL, &n);
    if (ids == NULL)
        return oom(err);

    int rc =
        detect_read_ids(p, r, p->s->opt.hubspot, p->pair->hs_object, ids, n, CS_PLAN_CHANGED, err);
    free(ids);
    cs_map_clear(set);
    return rc;
}

/* The pass's follow-ups: pairs linked without a snapshot get their first
 * merge, both records read as changed. */
static int followups(sync_pass *p, sync_round *r, cs_err *err)
{
    cs_map *want[CS_PAIR_SCANS_MAX] = {NULL};
    int rc = want_init(p, want, err);
    const char *hs_id;
    void *v;
    for (size_t it = cs_map_next(p->followups, 0, &hs_id, &v); rc == 0 && it;
         it = cs_map_next(p->followups, it, &hs_id, &v)) {
        const sync_followup *f = v;
        int k = scan_of(p, f->sf_type);
        if (k <= SYNC_SCAN_HS)
            continue;
        if (add(want[SYNC_SCAN_HS], hs_id) != 0 || add(want[k], f->sf_id) != 0)
            rc = oom(err);
    }
    cs_map_clear(p->followups);
    r->changes.followup = true;
    for (size_t k = 0; rc == 0 && k < p->nscans; k++) {
        size_t n = 0;
        const char **ids = detect_keys_of(want[k], NULL, NULL, &n);
        if (ids == NULL) {
            rc = oom(err);
            break;
        }
        rc = detect_read_ids(p, r, scan_conn(p, k), sync_scan_object(p, k), ids, n, CS_PLAN_CHANGED,
                             err);
        free(ids);
    }
    for (size_t k = 0; k < p->nscans; k++)
        cs_map_free(want[k]);
    return rc;
}

int detect_round(sync_pass *p, sync_round *r, size_t limit, cs_err *err)
{
    p->now_ms = cs_time_now_ms();
    if (sync_round_init(p, r, err) != 0)
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
        cs_record_list got[CS_PAIR_SCANS_MAX];
        for (size_t i = 0; i < CS_PAIR_SCANS_MAX; i++)
            cs_record_list_init(&got[i]);
        int rc = detect_window_pull(p, r, limit, got, err);
        for (size_t i = 0; i < p->nscans; i++) {
            if (rc == 0)
                rc = detect_add_changed(p, r, i, &got[i], err);
            cs_record_list_dispose(&got[i]);
        }
        if (rc != 0)
            return -1;
    }
    if (!p->retries_done && due_retries(p, r, limit, err) != 0)
        return -1;
    if (!scanned && cs_map_len(p->followups) > 0 && followups(p, r, err) != 0)
        return -1;
    /* A2: children of parents examined earlier in this pass. */
    if (p->pair->parent >= 0 && cs_map_len(p->handoff) > 0 &&
        detect_read_changed(p, r, p->handoff, err) != 0)
        return -1;
    return 0;
}
