/* Internals of the sync engine shared by sync.c, detect.c, apply*.c and
 * sync_report.c: the cs_sync context, the state of one pass and of one round
 * of a pass (detect → plan → apply for a bounded number of changed records).
 * Nothing outside src/engine/ includes this header. */
#ifndef CS_ENGINE_SYNC_INT_H
#define CS_ENGINE_SYNC_INT_H

#include "engine/pair.h"
#include "engine/sync.h"

#define SYNC_DEFAULT_ROUND 2000
/* A pair's scans: its HubSpot object first, then its Salesforce objects in
 * the pair's order (scan 1 + k reads pair->sf[k]). */
#define SYNC_SCAN_HS 0
/* Creates of one batch whose outcome stays unknown are settled within this
 * many attempts (send, look up by email, send what was not found) or the
 * pass fails. Under faults on a third of the requests (chaos.sh), eight
 * leave a batch unsettled about once in 15,000. */
#define SYNC_CREATE_ATTEMPTS 8

struct cs_sync {
    cs_sync_options opt; /* pointers borrowed from the caller */
    const cs_sync_settings *settings;
    /* The config's pairs (pair.h), in the order a pass syncs them. */
    cs_pair pairs[CS_PAIR_MAX];
    size_t npairs;
    size_t round_records;
};

/* How a round or a pass ended early. */
typedef enum sync_halt {
    SYNC_GO = 0,
    SYNC_HALT_PAUSED,     /* R6: budget reached */
    SYNC_HALT_INTERRUPTED /* stop flag */
} sync_halt;

typedef struct sync_pass {
    cs_sync *s;
    cs_sync_report *rep;
    bool dry_run;
    int64_t now_ms;
    int64_t started_mono;
    /* The pair the current rounds sync, and its scans (SYNC_SCAN_HS, then
     * one per SF object): opened by detect_begin, closed by detect_end. */
    const cs_pair *pair;
    size_t nscans;
    cs_change_scan *scans[CS_PAIR_SCANS_MAX];
    bool scan_done[CS_PAIR_SCANS_MAX];
    char stored_cursor[CS_PAIR_SCANS_MAX][CS_CONNECTOR_CURSOR_MAX];
    cs_record_list owners; /* HubSpot owners (C17) */
    cs_record_list users;  /* Salesforce Users (C17) */
    json_t *members;       /* C2: inclusion list member ids (array) or NULL */
    /* R8: open errors, sync_error_key → [last_seen_ms, next_retry_ms], read at
     * the start of the pass and kept up to date by the failures and clears of
     * the pass. A record re-read by the overlap window (R2) that has not
     * changed since it failed waits for its retry instead of failing again on
     * every pass (sync_retry.c). */
    struct cs_map *open_errors;
    /* Values an API refused in this pass (property_values naming one field):
     * sync_retry.c key → [category, field, message]. Later records with the
     * same value are refused without being sent. */
    struct cs_map *bad_values;
    bool retries_done; /* due errors were re-read (first round) */
    /* Pairs linked in this pass without a snapshot (a create reconciled onto
     * an existing record, a 409 on create): hs_id → [sf_type, sf_id]. They
     * get a first-sync merge in a round of their own at the end of the pass. */
    json_t *followups;
    /* A1 → A2: HS ids of child records (of the child pair) whose parent was
     * examined in this pass; the child pair reads them as changed in its
     * first round, so a parent created now gives them their parent now. */
    json_t *handoff;
    json_t *child_members; /* C2 members of the child pair's inclusion list, read once */
    sync_halt halt;
    /* The retry schedule of the error being recorded when it is not the
     * options' (A2's waits for a parent); NULL otherwise. */
    const cs_retry_policy *policy;
    uint64_t ops_planned;
    uint64_t ops_applied;
    cs_connector_usage hs_usage0, sf_usage0;
    struct detect_full *full;  /* full reads matched locally (detect_full.c); NULL: none */
    struct detect_window *win; /* the scans' windows (detect_window.c); NULL: none */
    struct sync_bulk *bulk;    /* Bulk API 2.0 use of the pass (sync_bulk.c); NULL: dry run */
} sync_pass;

typedef struct sync_round {
    cs_plan_input *in;
    json_t *hs_seen; /* HS id → true: in the input */
    json_t *sf_seen; /* SF id → type */
    json_t *link_hs; /* HS id → SF id: links given to the input */
    json_t *link_sf; /* SF id → HS id */
    json_t *need_hs; /* HS ids to read as context → true */
    json_t *need_sf; /* SF ids to read as context → type */
    json_t *emails;  /* email keys of changed unlinked records → true */
    json_t *recs;    /* id → [modified_ms, email or null] of every record read */
    json_t *retried; /* error keys of records re-evaluated: due, or changed since they failed */
    json_t *failed;  /* error keys that failed (again) in this round, or will (plan errors) */
    json_t *held;    /* error keys whose ops waited for their retry in this round */
    json_t *broken;  /* HS and SF ids whose LINK failed: their other ops are skipped */
    json_t *created; /* SF id → new HS id of an HS create (for its UNSUBSCRIBE) */
    json_t *updated; /* HS ids counted as updated in this round (an opt-out counts once, R5) */
    json_t *parents; /* A2: SF parent ids the round's SF records name → true */
    bool followup;   /* this round merges the pass's follow-ups */
    /* R2: per scan, id → modification time (null: deleted) of every record
     * the scan returned in this round, noted as seen when the round commits;
     * and the scans whose windows were all read in this round. */
    json_t *scanned[CS_PAIR_SCANS_MAX];
    bool window_done[CS_PAIR_SCANS_MAX];
} sync_round;

/* ---- sync.c helpers ---------------------------------------------------------- */

bool sync_stopped(const sync_pass *p);
/* Whether object is the HubSpot object of one of the pass's pairs. */
bool sync_is_hs_object(const sync_pass *p, const char *object);
/* R6: whether the Salesforce budget allows more writes (or, with retries,
 * more retries of errored records). Sets p->halt and the report's message
 * when it does not (writes only). */
bool sync_budget_ok(sync_pass *p, bool retries);
void sync_progress(sync_pass *p, cs_sync_phase phase);

/* ---- detect.c ------------------------------------------------------------------ */

/* Once per pass: the open errors (R8) and, when a pair syncs owners, the
 * owners and users (C17). */
int detect_pass_begin(sync_pass *p, cs_err *err);
void detect_pass_end(sync_pass *p);
/* Makes pair the pass's current pair: opens its scans from the stored
 * cursors and reads its inclusion list's members (C2). */
int detect_begin(sync_pass *p, const cs_pair *pair, cs_err *err);
void detect_end(sync_pass *p);
/* The store's name of scan i of the current pair's cursor, and its object. */
const char *detect_scan_cursor(const sync_pass *p, size_t i);
const char *detect_scan_object(const sync_pass *p, size_t i);
/* Fills r (which it initialises) with the next round: up to round_records
 * changed records per scan, due retries in the first round, the pass's
 * follow-ups once every scan is done, and the context the plan needs.
 * limit 0: no limit (dry run). */
int detect_round(sync_pass *p, sync_round *r, size_t limit, cs_err *err);
void sync_round_dispose(sync_round *r);
/* detect_assoc.c: A1's children facts (a pair with a child pair) and A2's
 * parents (a pair with a parent pair) for the records of the round. */
int detect_associations(sync_pass *p, sync_round *r, cs_err *err);
/* The pair whose parent is the current pair, or NULL. */
const cs_pair *detect_child_pair(const sync_pass *p);
/* The records of the current pair's HubSpot object named in set (keys),
 * not yet in the round, read as changed. */
int detect_read_changed(sync_pass *p, sync_round *r, json_t *set, cs_err *err);
/* Takes a page of changed records of scan i into the round: counts them as
 * read, drops those settled already (detect_full.c, detect_window.c) and
 * adds the rest as changed. Empties got. */
int detect_add_changed(sync_pass *p, sync_round *r, size_t i, cs_record_list *got, cs_err *err);
/* Reads ids of object on one side into the round with role. */
int detect_read(sync_pass *p, sync_round *r, bool hub, const char *object, const char *const *ids,
                size_t n, cs_plan_role role, cs_err *err);

/* True when every scan is done and no follow-up is waiting. */
bool detect_finished(const sync_pass *p);

/* The keys of a set as an array of borrowed strings (caller frees the array),
 * skipping those already present in skip (may be NULL) and, with type, those
 * whose value differs; NULL when memory ran out. */
const char **detect_keys_of(const json_t *set, const json_t *skip, const char *type, size_t *n);

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
int detect_full_emails(sync_pass *p, sync_round *r, json_t *left_hs, json_t *left_sf, cs_err *err);
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
 * records of the window reads a count calls for. */
int detect_window_pull(sync_pass *p, sync_round *r, size_t limit, cs_err *err);
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
/* ---- sync_bulk.c: Salesforce Bulk API 2.0 (sync.bulk_threshold) ----------------- */

/* Gives the Salesforce connector the threshold and the journal of its
 * ingest jobs, then settles the jobs an earlier pass left. */
int sync_bulk_begin(sync_pass *p, cs_err *err);
void sync_bulk_end(sync_pass *p);
/* Records per scan in a round of the current pair: round, or the threshold
 * (at most 50,000) when the pair is read in full and Bulk may be used. */
size_t sync_bulk_round(const sync_pass *p, size_t round);
/* Inputs per write call for a group of n ops like first: batch_max, or n
 * when the group goes out as one ingest job (counts the group). */
size_t sync_bulk_batch(sync_pass *p, const struct cs_plan_op *first, size_t n, size_t batch_max);
/* cs_connector_write(), through one ingest job when the pass's writes to
 * object passed the threshold and n is big enough for a job. */
int sync_write(sync_pass *p, cs_connector *c, const char *object, cs_write_kind kind,
               const cs_write_input *in, size_t n, cs_write_result *res, cs_err *err);

/* ---- apply*.c -------------------------------------------------------------------- */

/* Applies a plan: store-only ops, creates, updates, opt-outs and archives in
 * batches, each batch with its own transaction, then skips and errors and —
 * when advance is true and nothing stopped the round — the cursors, in the
 * round's last transaction. Returns 0 (p->halt says whether it stopped early)
 * or -1 (err). */
int apply_plan(sync_pass *p, sync_round *r, const cs_plan *plan, bool advance, cs_err *err);

/* apply_create.c: the CREATE ops in [from, to) of one target and type. */
int apply_creates(sync_pass *p, sync_round *r, const cs_plan *plan, size_t from, size_t to,
                  cs_err *err);

/* apply_assoc.c: before n SF records of a parent pair are deleted (C16),
 * clears the parent field of their child records (an Account's Contacts'
 * AccountId), which Salesforce's cascade would delete with them. 0 also
 * when the pair has no child; -1 when a call failed (nothing deleted). */
int apply_detach_children(sync_pass *p, const cs_write_input *in, size_t n, cs_err *err);
/* apply_assoc.c: n ASSOCIATE ops (A2) in one batch. */
int apply_associate(sync_pass *p, sync_round *r, const struct cs_plan_op *const *ops, size_t n,
                    cs_err *err);

/* Shared by apply.c and apply_create.c. */
typedef struct apply_batch {
    const cs_plan_op **ops;
    size_t n;
} apply_batch;

/* The key of a record's error in p->failed / r->retried: the side whose API
 * refused, the source record's object and id. */
void sync_error_key(char *out, size_t size, cs_store_side side, const char *object,
                    const char *record_key);
/* The error identity of an op written to side: the source record (an HS
 * contact for writes to Salesforce, the SF record for writes to HubSpot). */
void apply_error_identity(const cs_pair *pair, const cs_plan_op *op, cs_store_side side,
                          const char *hs_id, const char **object, const char **record_key);
/* Records the failure of op on side (inside the caller's transaction). */
int apply_record_error(sync_pass *p, sync_round *r, const cs_plan_op *op, cs_store_side side,
                       const char *hs_id, cs_category cat, const char *field, const char *message,
                       cs_err *err);
/* The write of op on side succeeded: its error (if any) goes away, unless
 * the same record failed (or is planned to fail) in this round. */
int apply_clear_error(sync_pass *p, sync_round *r, const cs_plan_op *op, cs_store_side side,
                      const char *hs_id, cs_err *err);
/* An op that was not sent in this round (its pair did not come to be): its
 * record's error, if any, stays as it is. 0 or -1 (memory). */
int apply_keep_error(const sync_pass *p, sync_round *r, const cs_plan_op *op, cs_store_side side,
                     cs_err *err);
/* R8: whether op (to be written to side, or a plan error of side) waits for
 * its record's retry; if so it is noted in r->held and counted. 1, 0 or -1. */
int apply_op_waits(sync_pass *p, sync_round *r, const cs_plan_op *op, cs_store_side side,
                   cs_err *err);
/* Journals every change of op (R5) as store_op, with the ids given. */
int apply_journal(sync_pass *p, const cs_plan_op *op, cs_store_op store_op, const char *hs_id,
                  const char *sf_id, cs_err *err);
/* The same, with note (or NULL) appended to every row's reason. */
int apply_journal_note(sync_pass *p, const cs_plan_op *op, cs_store_op store_op, const char *hs_id,
                       const char *sf_id, const char *note, cs_err *err);
/* Merges op's snapshot keys into the stored snapshot of hs_id's link. */
int apply_snapshot_merge(sync_pass *p, const char *hs_id, const cs_plan_op *op, cs_err *err);
/* Begins / commits a batch transaction (rolls back on a failed commit). */
int apply_begin(sync_pass *p, cs_err *err);
int apply_commit(sync_pass *p, cs_err *err);
/* After a failed write call: R6 limits pause the pass (returns 0 with
 * p->halt set); anything else fails it (-1, err kept). */
int apply_call_failed(sync_pass *p, cs_connector *c, cs_err *err);
/* Counts an op as done and reports progress. */
void apply_done(sync_pass *p, size_t n);
/* The HS id an op acts on: its own, or the new contact an HS create made for
 * its SF record in this round. NULL when there is none. */
const char *apply_hs_id(const sync_round *r, const cs_plan_op *op);
/* Whether op touches a pair whose LINK failed in this round. */
bool apply_is_broken(const sync_round *r, const cs_plan_op *op);

/* ---- apply_defaults.c: what Salesforce gave the records crmsync created ------ */

/* One Salesforce record created in this pass for HubSpot contact op->hs_id,
 * whose contact gets the new record's id in its link property right after
 * (MAPPINGS). */
typedef struct apply_default {
    const cs_plan_op *op; /* the SF CREATE */
    const char *sf_id;    /* the new record */
    /* The HubSpot write that follows (the link property): the values
     * Salesforce filled in on its own are added to it. Borrowed. */
    json_t *fields;
    /* Set by apply_defaults_read (new references, NULL when nothing): the
     * snapshot keys to merge and the journal rows (HS property → [old, new,
     * reason]) once that write has landed. */
    json_t *snapshot;
    json_t *journal;
    /* The snapshot fields the create stored (a reference), so landing the
     * defaults does not read them back; NULL: read them from the store. */
    json_t *stored;
} apply_default;

/* Echo suppression for creates (R2): reads the new records back (one query
 * per Salesforce batch) and, for every mapped field whose rule lets
 * Salesforce write HubSpot, where the create settled a blank and Salesforce
 * now holds a value (a picklist default such as Lead.Status, the default
 * OwnerId, C17), adds that value — through the value map (R3) — to the
 * HubSpot write of d->fields. 0, or -1 when the read failed (err). */
int apply_defaults_read(sync_pass *p, const char *sf_type, apply_default *d, size_t n, cs_err *err);
/* After the HubSpot write of d landed on contact hs_id: the journal rows
 * (R5) and the pair's snapshot. Inside the caller's transaction. */
int apply_defaults_landed(sync_pass *p, const apply_default *d, const char *hs_id, cs_err *err);
/* Drops what apply_defaults_read set. */
void apply_default_dispose(apply_default *d);

/* ---- sync_retry.c: when a refused record is written again (R4, R8) ---------- */

/* Reads every open error into p->open_errors and prepares p->bad_values. */
int retry_begin(sync_pass *p, cs_err *err);
void retry_end(sync_pass *p);
/* Whether the record of error key (side, object, record_key), last modified
 * at modified_ms, waits for its retry: it has an open error that is not due
 * and it has not changed since it failed, crmsync's own writes to it aside
 * (the journal, R5, says when those landed). *waits is set; 0 or -1. */
int retry_waits(sync_pass *p, cs_store_side side, const char *object, const char *record_key,
                int64_t modified_ms, bool *waits, cs_err *err);
/* Makes the open error key due now (A2: its record's parent has just been
 * examined, so the record is worth another look at once). */
void retry_make_due(sync_pass *p, const char *key);
/* Whether error key is open (as loaded and updated during the pass). */
bool retry_is_open(const sync_pass *p, const char *key);
/* Keeps p->open_errors current: a failure recorded now, an error cleared. */
int retry_note_failure(sync_pass *p, const char *key, cs_err *err);
void retry_note_cleared(sync_pass *p, const char *key);
/* After a refusal (res) of a write of fields to object on one side:
 * remembers the value when it alone explains the refusal. 0 or -1. */
int retry_learn(sync_pass *p, bool hubspot, const char *object, const json_t *fields,
                const cs_write_result *res, cs_err *err);
/* When fields (a write to object on one side) hold a value refused earlier
 * in the pass, fills res with that refusal and returns true. */
bool retry_known_bad(const sync_pass *p, bool hubspot, const char *object, const json_t *fields,
                     cs_write_result *res);

/* ---- sync_report.c ------------------------------------------------------------ */

/* Counts a SKIP op by the rule its reason cites. */
void sync_report_skip(cs_sync_report *rep, const cs_plan_op *op);
cs_sync_side_report *sync_report_side(cs_sync_report *rep, cs_plan_target target);

#endif
