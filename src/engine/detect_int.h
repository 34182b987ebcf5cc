/* The changes phase of a round (detect.c, detect_input.c, detect_full.c,
 * detect_window.c): what changed since the durable cursors, taken into the
 * round. Below the context and apply phases, above the pass's environment. */
#ifndef CS_ENGINE_DETECT_INT_H
#define CS_ENGINE_DETECT_INT_H

#include "engine/sync_int.h"

/* ---- detect.c ------------------------------------------------------------------ */

/* Once per pass: the open errors (R8) and, when a pair syncs owners, the
 * owners and users (C17). */
int detect_pass_begin(sync_pass *p, cs_err *err);
void detect_pass_end(sync_pass *p);
/* Makes pair the pass's current pair: opens its scans from the stored
 * cursors and reads its inclusion list's members (C2). */
int detect_begin(sync_pass *p, const cs_pair *pair, cs_err *err);
void detect_end(sync_pass *p);
/* The changes phase: fills r (which it initialises) with the next round's
 * changed records: up to limit per scan (0: no limit, a dry run), then the
 * windows behind the cursors, due retries in the first round, the pass's
 * follow-ups once every scan is done, and the children a parent pair handed
 * forward. */
int detect_round(sync_pass *p, sync_round *r, size_t limit, cs_err *err);
/* The records of the current pair's HubSpot object named in set (keys),
 * not yet in the round, read as changed; empties set. */
int detect_read_changed(sync_pass *p, sync_round *r, cs_map *set, cs_err *err);

/* True when every scan is done and no follow-up is waiting. */
bool detect_finished(const sync_pass *p);

/* ---- detect_input.c: taking records into the round ---------------------------- */

int sync_round_init(sync_pass *p, sync_round *r, cs_err *err);
void sync_round_dispose(sync_round *r);
/* Moves every record of l into the round with role (detect_input.c says
 * what each calls for); empties l. */
int detect_take(sync_pass *p, sync_round *r, cs_record_list *l, cs_plan_role role, cs_err *err);
/* Reads ids of object from c (one of the pass's connectors) into the round
 * with role; counts context reads. */
int detect_read_ids(sync_pass *p, sync_round *r, cs_connector *c, const char *object,
                    const char *const *ids, size_t n, cs_plan_role role, cs_err *err);
/* The same, by side. */
int detect_read(sync_pass *p, sync_round *r, bool hub, const char *object, const char *const *ids,
                size_t n, cs_plan_role role, cs_err *err);
/* The keys of a set as an array of borrowed strings (caller frees the array),
 * skipping those already present in skip (may be NULL) and, with type, those
 * whose value differs; NULL when memory ran out. */
const char **detect_keys_of(const cs_map *set, const cs_map *skip, const char *type, size_t *n);

/* ---- detect_full.c: full reads matched locally (first pass, --full) ---------- */

typedef struct detect_full detect_full;
/* full[i]: scan i of the current pair reads its side in full. For a pair
 * matched by email, reads the Salesforce email index when the HubSpot scan
 * is full. Nothing when no scan is full, the pair matches by link only, or
 * on a dry run. */
int detect_full_begin(sync_pass *p, const bool full[CS_PAIR_SCANS_MAX], cs_err *err);
void detect_full_end(sync_pass *p);
/* Whether scan waits for the full HubSpot scan to end. */
bool detect_full_hold(const sync_pass *p, size_t scan);
/* After a page of scan: indexes HubSpot emails; drops Salesforce records
 * already settled in this pass (counted as settled). */
int detect_full_filter(sync_pass *p, size_t scan, cs_record_list *got, cs_err *err);
/* Resolves r->emails through the indexes into r->need_hs / r->need_sf; the
 * emails they cannot answer go into left_hs / left_sf (sets) to look up. */
int detect_full_emails(sync_pass *p, sync_round *r, cs_map *left_hs, cs_map *left_sf, cs_err *err);
/* Notes the email of a changed unlinked record in r->emails with its side.
 * 0 or -1 (memory). */
int detect_note_email(sync_round *r, const char *email, bool hub);

/* ---- detect_window.c: what each scan saw, and its window (R2) -------------- */

typedef struct detect_window detect_window;
/* Opens the windows of the current pair's scans. full[i]: scan i reads in
 * full (it keeps no window this pass). *since[i] is set to where scan i's
 * read of new changes starts (whole seconds). */
int detect_window_begin(sync_pass *p, const bool full[CS_PAIR_SCANS_MAX],
                        int64_t since[CS_PAIR_SCANS_MAX], cs_err *err);
void detect_window_end(sync_pass *p);
/* Whether every window read this pass needs is over. */
bool detect_window_finished(const sync_pass *p);
/* Once the scans are done: counts the windows, and pulls up to limit
 * records of the window reads a count calls for, scan i's into got[i]. */
int detect_window_pull(sync_pass *p, sync_round *r, size_t limit,
                       cs_record_list got[CS_PAIR_SCANS_MAX], cs_err *err);
/* After a page of scan i: drops records the scan saw before at the same
 * time (counted as settled) and notes every record in r->scanned[i]. */
int detect_window_filter(sync_pass *p, sync_round *r, size_t scan, cs_record_list *got,
                         cs_err *err);
/* After a write landed on object's record id (inside the batch transaction):
 * notes that the record left the window, at a time at or after before_ms
 * (deleted: gone). */
int detect_window_wrote(sync_pass *p, const char *object, const char *id, bool deleted,
                        int64_t before_ms, cs_err *err);
/* Inside the round's last transaction, with the cursors: notes what the
 * round's scans returned, and settles the windows read in full. */
int detect_window_commit(sync_pass *p, const sync_round *r, cs_err *err);

#endif
