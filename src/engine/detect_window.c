/* What each change scan has seen, and the window behind its cursor (R2; see
 * docs/change-detection.md).
 *
 * A scan with a cursor C reads its new changes from W = C (for Salesforce,
 * which compares whole seconds, C rounded down to the second). Behind W lies the window [S, W):
 * records a search index may still show late, or a Salesforce commit may date back into. Instead of
 * re-reading it on every pass, the pass compares the API's count of records
 * modified in the window (one call) with the records the store knows there
 * (scan_seen). Both sides move together: a record re-modified leaves the
 * window on the API's side and its row moves to the newer time when the new
 * read returns it; a deleted one leaves with its row (deletion feeds); a
 * record crmsync updates leaves at the time of the write. Only an API count
 * above the store's costs reads (a record the store does not know is
 * there): the window is split at the median time it knows, each half
 * counted again, and only the halves with more on the API's side are read.
 *
 * A count cannot tell a missing record from an extra one: a deletion the
 * store never heard of and a record indexed late in the same window cancel.
 * So once a stretch of the window is older than sync.overlap (and at least a
 * minute long, so the cost is spread over many passes) it is read once in
 * full, about a thousand known records per pass at most, and S moves past it: every record is read
 * at least once after it could still show up late, and the store forgets the rows below S.
 *
 * A record returned at the very time the store has for it was planned
 * before; it is dropped here, before any counterpart read or email lookup,
 * and counted as settled. What the scans returned is noted in the round's
 * last transaction, with the cursors, so a crash re-reads and never skips. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "engine/detect_int.h"

#define SECOND_MS          1000
#define WIN_READS_MAX      32
#define WIN_DEPTH_MAX      12
#define WIN_SETTLE_MIN_MS  60000 /* a settle read covers at least this much time */
#define WIN_SETTLE_RECORDS 1000  /* records a pass settles per scan, about */

typedef struct win_read {
    int64_t from_ms, to_ms;
} win_read;

typedef struct win_scan {
    bool active;        /* an incremental scan: it has a window this pass */
    int64_t floor_ms;   /* records modified before this are not noted */
    int64_t from_ms;    /* S: everything before it was read once it was final */
    int64_t to_ms;      /* W: where the read of new changes starts */
    int64_t settle_ms;  /* S once this pass's window work is durable */
    bool planned, done; /* counted; every read it called for is over */
    bool full_noted;    /* a full read is over and its settled point stored */
    win_read reads[WIN_READS_MAX];
    size_t nreads, next;
    int64_t started_ms; /* rows of a read window confirmed before this are gone */
    cs_change_scan *scan;
} win_scan;

struct detect_window {
    win_scan s[CS_PAIR_SCANS_MAX];
};

static int64_t floor_second(int64_t ms)
{
    return ms <= 0 ? 0 : ms - ms % SECOND_MS;
}

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

static cs_connector *conn_of(const sync_pass *p, size_t i)
{
    return i == SYNC_SCAN_HS ? p->s->opt.hubspot : p->s->opt.salesforce;
}

static void settled_name(const sync_pass *p, size_t i, char out[CS_STORE_NAME_MAX])
{
    (void)snprintf(out, CS_STORE_NAME_MAX, "%s#settled", sync_scan_cursor(p, i));
}

static int64_t overlap_of(const sync_pass *p)
{
    int64_t o = p->s->settings->overlap_ms;
    return o < 0 ? CS_CONNECTOR_DEFAULT_OVERLAP_MS : o;
}

int detect_window_begin(sync_pass *p, const bool full[CS_PAIR_SCANS_MAX],
                        int64_t since[CS_PAIR_SCANS_MAX], cs_err *err)
{
    detect_window_end(p);
    if ((p->win = calloc(1, sizeof *p->win)) == NULL)
        return oom(err);
    int64_t now = cs_time_now_ms(), overlap = overlap_of(p);
    for (size_t i = 0; i < p->nscans; i++) {
        win_scan *w = &p->win->s[i];
        since[i] = -1;
        int64_t c = -1;
        if (!full[i] && cs_connector_cursor_time(p->stored_cursor[i], &c, NULL) != 0)
            c = -1;
        if (full[i] || c < 0) {
            /* the next pass's window starts about an overlap before now */
            w->floor_ms = now - overlap - 2 * SECOND_MS;
            continue;
        }
        w->active = true;
        /* HubSpot compares milliseconds; Salesforce whole seconds */
        w->to_ms = i == SYNC_SCAN_HS ? c : floor_second(c);
        w->from_ms = floor_second(w->to_ms - overlap);
        char name[CS_STORE_NAME_MAX];
        settled_name(p, i, name);
        cs_cursor cur;
        int found = cs_store_cursor_get(p->s->opt.store, name, &cur, err);
        if (found < 0)
            return -1;
        if (found == 1 && cur.ms >= 0 && cur.ms <= w->to_ms)
            w->from_ms = floor_second(cur.ms);
        w->floor_ms = w->from_ms;
        w->settle_ms = w->from_ms;
        since[i] = w->to_ms;
    }
    return 0;
}

void detect_window_end(sync_pass *p)
{
    if (p->win == NULL)
        return;
    for (size_t i = 0; i < CS_PAIR_SCANS_MAX; i++)
        cs_change_scan_free(p->win->s[i].scan);
    free(p->win);
    p->win = NULL;
}

bool detect_window_finished(const sync_pass *p)
{
    for (size_t i = 0; p->win != NULL && i < p->nscans; i++) {
        if (p->win->s[i].active && !p->win->s[i].done)
            return false;
    }
    return true;
}

/* Adds [from, to) to the reads of w, joined to the last one when adjacent. */
static void add_read(win_scan *w, int64_t from, int64_t to)
{
    if (w->nreads > 0 && w->reads[w->nreads - 1].to_ms == from) {
        w->reads[w->nreads - 1].to_ms = to;
        return;
    }
    w->reads[w->nreads].from_ms = from;
    w->reads[w->nreads].to_ms = to;
    w->nreads++;
}

/* Compares the API's count of [from, to) with the store's and, where they
 * differ, splits the window at the median time the store knows there until
 * a part is small enough to read (one page or so), or reads it whole. */
static int check(sync_pass *p, size_t i, int64_t from, int64_t to, int depth, cs_err *err)
{
    win_scan *w = &p->win->s[i];
    const char *scan = sync_scan_cursor(p, i);
    int64_t api = 0, known = 0;
    if (cs_connector_count_modified(conn_of(p, i), sync_scan_object(p, i), from, to, &api, err) !=
            0 ||
        cs_store_seen_count(p->s->opt.store, scan, from, to, &known, err) != 0)
        return -1;
    /* Fewer on the API's side: records the store knows moved on (edited
     * since the read of new changes, which the next one returns) or were
     * deleted; nothing unknown can be proved there, and a late record that
     * such a move hides is read by the final read. More: some record there
     * is unknown to the store. */
    if (api <= known)
        return 0;
    int64_t page = i == SYNC_SCAN_HS ? 200 : 2000;
    int64_t mid = -1;
    bool whole = w->nreads + 2 >= WIN_READS_MAX || depth >= WIN_DEPTH_MAX ||
                 (known <= page && api <= page) || to - from <= 2 * SECOND_MS;
    if (!whole) {
        int found = cs_store_seen_nth(p->s->opt.store, scan, from, to, known / 2, &mid, err);
        if (found < 0)
            return -1;
        mid = found == 1 ? floor_second(mid) : -1;
        if (mid <= from || mid >= to)
            mid = floor_second(from + (to - from) / 2);
        whole = mid <= from || mid >= to;
    }
    if (whole) {
        add_read(w, from, to);
        return 0;
    }
    if (check(p, i, from, mid, depth + 1, err) != 0)
        return -1;
    return check(p, i, mid, to, depth + 1, err);
}

/* The window work of scan i: a settle read of the part older than the
 * overlap when enough of it has aged, then counts of the rest. */
static int plan(sync_pass *p, size_t i, cs_err *err)
{
    win_scan *w = &p->win->s[i];
    int64_t overlap = overlap_of(p);
    int64_t aged = floor_second(p->now_ms - overlap);
    int64_t step = overlap > WIN_SETTLE_MIN_MS ? overlap : WIN_SETTLE_MIN_MS;
    int64_t rest = w->from_ms;
    if (aged - w->from_ms >= step) {
        int64_t top = aged < w->to_ms ? aged : w->to_ms, cap = -1;
        /* a bounded share per pass: a burst of writes is settled over a few
         * passes rather than all in the next one */
        int found = cs_store_seen_nth(p->s->opt.store, sync_scan_cursor(p, i), w->from_ms, top,
                                      WIN_SETTLE_RECORDS, &cap, err);
        if (found < 0)
            return -1;
        if (found == 1 && floor_second(cap) > w->from_ms)
            top = floor_second(cap);
        if (top > w->from_ms)
            add_read(w, w->from_ms, top);
        rest = top > w->from_ms ? top : w->from_ms;
    }
    w->settle_ms = rest;
    w->started_ms = p->now_ms;
    if (rest < w->to_ms && check(p, i, rest, w->to_ms, 0, err) != 0)
        return -1;
    return 0;
}

int detect_window_pull(sync_pass *p, sync_round *r, size_t limit,
                       cs_record_list got[CS_PAIR_SCANS_MAX], cs_err *err)
{
    for (size_t i = 0; p->win != NULL && i < p->nscans; i++) {
        win_scan *w = &p->win->s[i];
        if (!w->active || w->done)
            continue;
        if (!w->planned) {
            if (plan(p, i, err) != 0)
                return cs_err_prefix(err, "change window of %s: ", sync_scan_object(p, i));
            w->planned = true;
        }
        int rc = 0;
        while (rc == 0 && w->next < w->nreads && (limit == 0 || got[i].len < limit) &&
               !sync_stopped(p)) {
            if (w->scan == NULL) {
                cs_scan_options o = {.object = sync_scan_object(p, i),
                                     .window_from_ms = w->reads[w->next].from_ms,
                                     .window_to_ms = w->reads[w->next].to_ms};
                rc = cs_connector_scan_begin(conn_of(p, i), &o, &w->scan, err);
                if (rc != 0)
                    break;
            }
            bool done = false;
            rc = cs_change_scan_next(w->scan, &got[i], &done, err);
            if (rc == 0 && done) {
                cs_change_scan_free(w->scan);
                w->scan = NULL;
                w->next++;
            }
        }
        if (rc != 0)
            return cs_err_prefix(err, "change window of %s: ", sync_scan_object(p, i));
        if (w->next >= w->nreads && !sync_stopped(p)) {
            w->done = true;
            r->changes.window_done[i] = true;
        }
    }
    return 0;
}

/* What the store knows of rec's pair: whether it is linked, whether it has
 * a snapshot, and the modification time of rec's side the snapshot reflects
 * (0: unknown). A record seen before at the same time is still planned when
 * its pair is linked without a snapshot: it waits for its first merge (a
 * pass that stopped before its follow-ups), which only planning gives it. */
static int pair_state(sync_pass *p, const cs_record *rec, bool *linked, bool *has_snap,
                      int64_t *stamp, cs_err *err)
{
    *linked = *has_snap = false;
    *stamp = 0;
    bool hub = cs_pair_is_hs(p->pair, rec->type);
    cs_link l;
    int found = hub ? cs_store_link_by_hs(p->s->opt.store, p->pair->link_object, rec->id, &l, err)
                    : cs_store_link_by_sf(p->s->opt.store, rec->id, &l, err);
    if (found <= 0 || strcmp(l.object, p->pair->link_object) != 0)
        return found < 0 ? -1 : 0;
    *linked = true;
    cs_snapshot snap;
    memset(&snap, 0, sizeof snap);
    found = cs_store_snapshot_get(p->s->opt.store, p->pair->link_object, l.hs_id, &snap, err);
    if (found == 1) {
        *has_snap = true;
        *stamp = hub ? snap.hs_modified_ms : snap.sf_modified_ms;
    }
    cs_snapshot_dispose(&snap);
    return found < 0 ? -1 : 0;
}

/* r->changes.scanned[i] holds numbers: a record's modification time (never
 * negative: at or after the window's floor), or SCANNED_DELETED. */
#define SCANNED_DELETED SIZE_MAX

int detect_window_filter(sync_pass *p, sync_round *r, size_t scan, cs_record_list *got, cs_err *err)
{
    if (p->win == NULL || got->len == 0)
        return 0;
    const win_scan *w = &p->win->s[scan];
    if (r->changes.scanned[scan] == NULL && (r->changes.scanned[scan] = cs_map_new(NULL)) == NULL)
        return oom(err);
    cs_map *noted = r->changes.scanned[scan];
    const char *name = sync_scan_cursor(p, scan);
    size_t keep = 0;
    int rc = 0;
    for (size_t k = 0; k < got->len; k++) {
        cs_record *rec = &got->items[k];
        bool drop = false;
        if (rc == 0 && rec->id != NULL && strlen(rec->id) < CS_STORE_ID_MAX) {
            int64_t ms = -1;
            int found = 0;
            if (w->active && !rec->deleted)
                found = cs_store_seen_get(p->s->opt.store, name, rec->id, &ms, err);
            bool linked = false, has_snap = false;
            int64_t stamp = 0;
            if (found == 1)
                rc = pair_state(p, rec, &linked, &has_snap, &stamp, err);
            rc = found < 0 ? -1 : rc;
            /* On HubSpot, a copy no newer than the version the pair's
             * snapshot reflects is the search index showing the record as it
             * was before crmsync's own write (R2): planning it would undo
             * that write, and noting it would date the record back.
             * Salesforce's queries have no such lag, and its times are whole
             * seconds, so there a same-second edit must not pass for a copy. */
            bool stale = scan == SYNC_SCAN_HS && has_snap && rec->modified_ms > 0 &&
                         stamp >= rec->modified_ms;
            drop = rc == 0 && found == 1 &&
                   (stale || (ms == rec->modified_ms && (!linked || has_snap)));
            size_t had = SCANNED_DELETED;
            (void)cs_map_get_num(noted, rec->id, &had);
            if (rc == 0 && !stale) {
                if (rec->deleted)
                    rc = cs_map_put_num(noted, rec->id, SCANNED_DELETED) ? oom(err) : 0;
                else if (rec->modified_ms >= w->floor_ms && rec->modified_ms >= 0 &&
                         (had == SCANNED_DELETED || (int64_t)had < rec->modified_ms))
                    rc = cs_map_put_num(noted, rec->id, (size_t)rec->modified_ms) ? oom(err) : 0;
            }
        }
        if (drop || rc != 0) {
            if (drop)
                (scan == SYNC_SCAN_HS ? &p->rep->hubspot : &p->rep->salesforce)->settled++;
            cs_record_dispose(rec);
            continue;
        }
        if (keep != k)
            got->items[keep] = *rec;
        keep++;
    }
    got->len = keep;
    return rc;
}

int detect_window_wrote(sync_pass *p, const char *object, const char *id, bool deleted,
                        int64_t before_ms, cs_err *err)
{
    if (p->win == NULL || object == NULL || id == NULL || strlen(id) >= CS_STORE_ID_MAX)
        return 0;
    int i = SYNC_SCAN_HS;
    if (!cs_pair_is_hs(p->pair, object)) {
        int k = cs_pair_sf_index(p->pair, object);
        if (k < 0)
            return 0;
        i = 1 + k;
    }
    if (!p->win->s[i].active)
        return 0;
    /* The write moved the record to a time at or after before_ms, out of the
     * window; the next read of new changes returns it at its exact time. A
     * write's row never makes a read "already seen" (confirmed -1). */
    return cs_store_seen_put(p->s->opt.store, sync_scan_cursor(p, (size_t)i), id,
                             deleted ? -1 : before_ms, -1, err);
}

int detect_window_commit(sync_pass *p, const sync_round *r, cs_err *err)
{
    cs_store *st = p->s->opt.store;
    for (size_t i = 0; p->win != NULL && i < p->nscans; i++) {
        const char *name = sync_scan_cursor(p, i);
        const char *id;
        size_t v;
        for (size_t it = r->changes.scanned[i] ? cs_map_next_num(r->changes.scanned[i], 0, &id, &v)
                                               : 0;
             it; it = cs_map_next_num(r->changes.scanned[i], it, &id, &v)) {
            int64_t ms = v == SCANNED_DELETED ? -1 : (int64_t)v;
            if (cs_store_seen_put(st, name, id, ms, p->now_ms, err) != 0)
                return -1;
        }
        win_scan *w = &p->win->s[i];
        char settled[CS_STORE_NAME_MAX];
        settled_name(p, i, settled);
        if (!w->active && p->scan_done[i] && !w->full_noted) {
            /* a full read saw every record as of its start: the window
             * behind the new cursor starts an overlap before that */
            int64_t from = floor_second(w->floor_ms);
            if (cs_store_cursor_set(st, settled, from, "", err) != 0 ||
                cs_store_seen_prune(st, name, 0, from, INT64_MAX, err) != 0)
                return -1;
            w->full_noted = true;
            continue;
        }
        if (!r->changes.window_done[i] || !w->active)
            continue;
        /* a row of a window read in full that the read did not confirm is
         * gone from that window (deleted, merged, or shown elsewhere) */
        for (size_t k = 0; k < w->nreads; k++) {
            if (cs_store_seen_prune(st, name, w->reads[k].from_ms, w->reads[k].to_ms, w->started_ms,
                                    err) != 0)
                return -1;
        }
        if (cs_store_cursor_set(st, settled, w->settle_ms, "", err) != 0 ||
            cs_store_seen_prune(st, name, 0, w->settle_ms, INT64_MAX, err) != 0)
            return -1;
    }
    return 0;
}
