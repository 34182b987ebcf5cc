/* The writes and durable results of a round (apply*.c): a plan applied in
 * batches, each batch's links, snapshots, journal rows and errors in one
 * store transaction, the scans' cursors and windows in the last one. */
#ifndef CS_ENGINE_APPLY_INT_H
#define CS_ENGINE_APPLY_INT_H

#include "engine/detect_int.h"

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

#endif
