/* The state store: everything crmsync remembers between passes — links between
 * HubSpot and Salesforce records, the last-synced snapshot of every linked pair,
 * durable change cursors, the journal of writes (R5), record errors with their
 * retry schedule and history (R4, R8, R9), runs, and a few meta values.
 *
 * A store is opened from a URL (`sqlite:PATH`) and used through the cs_store_*
 * functions below, which validate their arguments (every identifier and text is
 * bounded) and dispatch through the backend's cs_store_ops table. A backend
 * embeds the base struct of store_int.h as its first member, the way SQLite's
 * VFS implementations embed sqlite3_vfs.
 *
 * Transactions: the engine writes one batch (links, snapshots, journal rows,
 * errors, cursors) between cs_store_begin() and cs_store_commit(); a commit
 * either makes all of it durable or none of it. Cursors may only be set inside
 * a transaction, so a cursor never advances past what is durable. Outside a
 * transaction each write is its own transaction. A failed write inside a
 * transaction (a uniqueness violation, say) undoes only that write; the caller
 * decides whether to commit the rest or roll back.
 *
 * Lookups return 1 when found (the out-parameter filled), 0 when not found (the
 * out-parameter untouched), -1 on error. Other functions return 0 or -1. On
 * failure, err says what and where and out-parameters are left untouched.
 *
 * Threads: a cs_store is used by one thread at a time; open one per thread. */
#ifndef CS_STORE_STORE_H
#define CS_STORE_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/category.h"
#include "core/err.h"

typedef struct cs_store cs_store;

/* Bounds on identifiers (including the terminating NUL). Longer input is
 * refused with CS_ERR_INVALID_INPUT. */
#define CS_STORE_ID_MAX    64   /* record ids: HubSpot numeric ids, 18-char Salesforce ids */
#define CS_STORE_NAME_MAX  128  /* object kinds, SF types, field and cursor names, keys */
#define CS_STORE_TOKEN_MAX 1024 /* a cursor's opaque string */
/* Bound on free text: values, messages, reasons, meta values, snapshot JSON. */
#define CS_STORE_TEXT_MAX ((size_t)1024 * 1024)
/* Most rows one list call returns; page with offset for more. */
#define CS_STORE_LIST_MAX 10000

typedef enum cs_store_side { CS_STORE_HUBSPOT = 0, CS_STORE_SALESFORCE = 1 } cs_store_side;

/* Direction of a journaled write. */
typedef enum cs_store_dir { CS_STORE_HS_TO_SF = 0, CS_STORE_SF_TO_HS = 1 } cs_store_dir;

typedef enum cs_store_op {
    CS_STORE_OP_CREATE = 0,
    CS_STORE_OP_UPDATE,
    CS_STORE_OP_DELETE,
    CS_STORE_OP_LINK,
    CS_STORE_OP_RELINK, /* C14: a converted Lead's link moves to its Contact */
    CS_STORE_OP_UNLINK,
    CS_STORE_OP_ASSOCIATE
} cs_store_op;

typedef enum cs_run_status {
    CS_RUN_RUNNING = 0,
    CS_RUN_COMPLETED,   /* the pass finished, possibly with record errors */
    CS_RUN_FAILED,      /* the pass stopped on an error */
    CS_RUN_INTERRUPTED, /* stopped by a signal, or its process died (cs_store_lock) */
    CS_RUN_PAUSED       /* R6: stopped at an API budget; the rest waits for the next pass */
} cs_run_status;

typedef enum cs_error_event_kind {
    CS_ERROR_EVENT_FAILED = 0,
    CS_ERROR_EVENT_RESOLVED, /* the record synced: the error was cleared */
    CS_ERROR_EVENT_DISMISSED
} cs_error_event_kind;

/* Stable lower-case names, as stored and printed: "hubspot", "hs_to_sf",
 * "create", "property_values", "completed", "failed" ... Unknown → "unknown". */
const char *cs_store_side_name(cs_store_side side);
const char *cs_store_dir_name(cs_store_dir dir);
const char *cs_store_op_name(cs_store_op op);
const char *cs_run_status_name(cs_run_status status);
const char *cs_error_event_kind_name(cs_error_event_kind kind);
/* Parse those names (and "hs"/"sf" for sides); return 0, or -1 when unknown
 * (*out untouched). */
int cs_store_side_parse(const char *name, cs_store_side *out);
int cs_store_dir_parse(const char *name, cs_store_dir *out);
int cs_store_op_parse(const char *name, cs_store_op *out);
int cs_run_status_parse(const char *name, cs_run_status *out);
int cs_error_event_kind_parse(const char *name, cs_error_event_kind *out);

/* ---- rows ------------------------------------------------------------- */

/* A link: the remembered pair of records that are the same thing. Unique per
 * (object, hs_id) — HubSpot ids are unique within an object type — and per
 * sf_id — Salesforce ids are unique across the whole org. */
typedef struct cs_link {
    char object[CS_STORE_NAME_MAX]; /* "contact", "company", a custom object */
    char hs_id[CS_STORE_ID_MAX];
    char sf_type[CS_STORE_NAME_MAX]; /* "Lead", "Contact", "Account", ... */
    char sf_id[CS_STORE_ID_MAX];
    int64_t created_ms;
    int64_t updated_ms; /* last relink */
} cs_link;

/* The last-synced state of a linked pair: every mapped field's value as it
 * was written to both sides, and the modification times seen then. */
typedef struct cs_snapshot {
    json_t *fields;         /* object: field name → string or null */
    int64_t hs_modified_ms; /* 0 when unknown */
    int64_t sf_modified_ms; /* 0 when unknown */
    int64_t synced_ms;      /* set by the store when written */
} cs_snapshot;

/* Drops what a snapshot filled by cs_store_snapshot_get() holds. Accepts NULL. */
void cs_snapshot_dispose(cs_snapshot *snap);

/* A named durable cursor ("hubspot.contacts", "salesforce.Lead.deleted"). */
typedef struct cs_cursor {
    int64_t ms;                     /* a point in time; 0 when unused */
    char token[CS_STORE_TOKEN_MAX]; /* an opaque continuation; "" when unused */
    int64_t updated_ms;             /* when it was last set */
} cs_cursor;

/* One field of a record write journaled as a whole (cs_journal_entry.changes).
 * Pointers are borrowed; reason NULL: the entry's reason. */
typedef struct cs_journal_change {
    const char *field;
    const char *old_value;
    const char *new_value;
    const char *reason;
} cs_journal_change;

/* One journaled write (R5). As input every pointer is borrowed from the caller
 * and may be NULL except reason; as output the pointers are borrowed from the
 * list that holds the entry. As input, changes/nchanges journal the fields of
 * one record write as one row (field, old_value and new_value are then
 * ignored); a list gives each of them back as its own entry, sharing the
 * row's id, so readers see the same entries as for one row per field. */
typedef struct cs_journal_entry {
    int64_t id;     /* output only: increasing in write order; one per row */
    int64_t at_ms;  /* input: 0 means now */
    int64_t run_id; /* 0 when written outside a run */
    cs_store_dir dir;
    cs_store_op op;
    const char *object;
    const char *hs_id;
    const char *sf_id;
    const char *field;     /* NULL for whole-record operations */
    const char *old_value; /* NULL: no value (blank or absent) */
    const char *new_value;
    const char *reason;               /* the rule or decision: "two_way", "conflict: latest won" */
    const cs_journal_change *changes; /* input only; NULL on output */
    size_t nchanges;
} cs_journal_entry;

typedef struct cs_store_strings cs_store_strings; /* private string storage */

typedef struct cs_journal_list {
    cs_journal_entry *items;
    size_t count;
    cs_store_strings *strings;
} cs_journal_list;

typedef struct cs_journal_query {
    const char *record_id; /* only entries whose hs_id or sf_id is this; NULL: all */
    int64_t run_id;        /* only this run; 0: all */
    size_t limit;          /* 0 or above CS_STORE_LIST_MAX: CS_STORE_LIST_MAX */
    size_t offset;
} cs_journal_query;

/* The current error of one record (R4): which side refused it, why, and when
 * it is retried (R8). The record is named by the caller's record_key (the id
 * of the record being synced, on its source side) within (side, object).
 * As input, id, attempts, the times and dismissed are ignored; pointers are
 * borrowed as in cs_journal_entry, and field/email/hs_id/sf_id may be NULL. */
typedef struct cs_record_error {
    int64_t id;
    cs_store_side side; /* the side whose API refused the write */
    const char *object;
    const char *record_key;
    cs_category category;
    const char *field;
    const char *message; /* the API's own message */
    const char *email;
    const char *hs_id;
    const char *sf_id;
    int attempts;
    int64_t first_seen_ms;
    int64_t last_seen_ms;
    int64_t next_retry_ms;
    bool dismissed;
} cs_record_error;

typedef struct cs_record_error_list {
    cs_record_error *items;
    size_t count;
    cs_store_strings *strings;
} cs_record_error_list;

typedef struct cs_error_query {
    bool due_only;          /* only errors whose next_retry_ms <= now_ms */
    int64_t now_ms;         /* used with due_only */
    bool include_dismissed; /* dismissed errors are never due */
    size_t limit;           /* as in cs_journal_query */
    size_t offset;
} cs_error_query;

/* One entry of an error's history, oldest first. */
typedef struct cs_error_event {
    int64_t at_ms;
    cs_error_event_kind kind;
    int attempt; /* the attempt number of a failure; 0 otherwise */
    cs_category category;
    const char *field;
    const char *message;
} cs_error_event;

typedef struct cs_error_event_list {
    cs_error_event *items;
    size_t count;
    cs_store_strings *strings;
} cs_error_event_list;

typedef struct cs_run {
    int64_t id;
    int64_t started_ms;
    int64_t finished_ms; /* 0 while running */
    cs_run_status status;
    json_t *counts;      /* owned by the list; NULL when none */
    const char *message; /* borrowed from the list; NULL when none */
} cs_run;

typedef struct cs_run_list {
    cs_run *items; /* newest first */
    size_t count;
    cs_store_strings *strings;
} cs_run_list;

typedef struct cs_store_stats {
    int64_t links;
    int64_t errors_open; /* not dismissed */
    int64_t errors_due;  /* not dismissed and due at now_ms */
    int64_t errors_dismissed;
    int64_t journal_entries;
    int64_t runs;
} cs_store_stats;

/* Free what a list holds (not the list struct itself). Accept NULL. */
void cs_journal_list_dispose(cs_journal_list *l);
void cs_record_error_list_dispose(cs_record_error_list *l);
void cs_error_event_list_dispose(cs_error_event_list *l);
void cs_run_list_dispose(cs_run_list *l);

/* ---- retry schedule (R8) ------------------------------------------------ */

/* HubSpot retries a failed record every 20 minutes up to 10 times, then
 * nightly. crmsync backs off linearly instead (step × attempts), which retries
 * sooner at first and never spins, then switches to once a night. */
typedef struct cs_retry_policy {
    int64_t step_ms;      /* delay after attempt n is step_ms × n ... */
    int fast_attempts;    /* ... for attempts 1..fast_attempts */
    int nightly_hour_utc; /* afterwards: the next time this hour starts (UTC) */
    int64_t min_gap_ms;   /* a nightly retry is at least this long after the failure */
} cs_retry_policy;

/* The default: 20 minutes × attempts for 10 attempts, then 03:00 UTC nightly,
 * at least 20 minutes after the failure. */
extern const cs_retry_policy cs_retry_policy_default;

/* When a record that has now failed `attempts` times (1 for the first failure,
 * clamped to at least 1), the last time at failed_ms, is next retried. Pure.
 * policy NULL means cs_retry_policy_default. Always > failed_ms. */
int64_t cs_retry_next_ms(const cs_retry_policy *policy, int attempts, int64_t failed_ms);

/* ---- the backend table ---------------------------------------------------- */

typedef int (*cs_link_fn)(const cs_link *link, void *userdata);

/* What a backend implements. Arguments reach a backend already validated by
 * the cs_store_* functions: non-NULL where required, within the bounds above.
 * version lets later members be added the way sqlite3_vfs does. */
typedef struct cs_store_ops {
    int version; /* 2 */
    const char *name;
    void (*close)(cs_store *s);
    int (*begin)(cs_store *s, cs_err *err);
    int (*commit)(cs_store *s, cs_err *err);
    int (*rollback)(cs_store *s, cs_err *err);

    int (*link_add)(cs_store *s, const char *object, const char *hs_id, const char *sf_type,
                    const char *sf_id, cs_err *err);
    int (*link_by_hs)(cs_store *s, const char *object, const char *hs_id, cs_link *out,
                      cs_err *err);
    int (*link_by_sf)(cs_store *s, const char *sf_id, cs_link *out, cs_err *err);
    int (*link_relink)(cs_store *s, const char *object, const char *hs_id, const char *sf_type,
                       const char *sf_id, cs_err *err);
    int (*link_remove)(cs_store *s, const char *object, const char *hs_id, cs_err *err);
    int (*link_each)(cs_store *s, const char *object, cs_link_fn fn, void *userdata, cs_err *err);

    int (*snapshot_put)(cs_store *s, const char *object, const char *hs_id, const cs_snapshot *snap,
                        cs_err *err);
    int (*snapshot_get)(cs_store *s, const char *object, const char *hs_id, cs_snapshot *out,
                        cs_err *err);

    int (*cursor_get)(cs_store *s, const char *name, cs_cursor *out, cs_err *err);
    int (*cursor_set)(cs_store *s, const char *name, int64_t ms, const char *token, cs_err *err);

    int (*journal_add)(cs_store *s, const cs_journal_entry *e, cs_err *err);
    int (*journal_list)(cs_store *s, const cs_journal_query *q, cs_journal_list *out, cs_err *err);

    int (*error_record)(cs_store *s, const cs_record_error *e, int64_t now_ms,
                        const cs_retry_policy *policy, cs_err *err);
    int (*error_clear)(cs_store *s, cs_store_side side, const char *object, const char *record_key,
                       int64_t now_ms, cs_err *err);
    int (*error_dismiss)(cs_store *s, int64_t id, int64_t now_ms, cs_err *err);
    int (*error_list)(cs_store *s, const cs_error_query *q, cs_record_error_list *out, cs_err *err);
    int (*error_history)(cs_store *s, cs_store_side side, const char *object,
                         const char *record_key, cs_error_event_list *out, cs_err *err);

    int (*run_begin)(cs_store *s, int64_t started_ms, int64_t *id, cs_err *err);
    int (*run_finish)(cs_store *s, int64_t id, int64_t finished_ms, cs_run_status status,
                      const json_t *counts, const char *message, cs_err *err);
    int (*run_list)(cs_store *s, size_t limit, cs_run_list *out, cs_err *err);

    int (*meta_get)(cs_store *s, const char *key, char **value, cs_err *err);
    int (*meta_set)(cs_store *s, const char *key, const char *value, cs_err *err);
    int (*stats)(cs_store *s, int64_t now_ms, cs_store_stats *out, cs_err *err);

    /* Version 2: the writer lock (cs_store_lock). lock returns 0 when this
     * handle now holds it (or held it already), -1 when another holds it or
     * it cannot be taken; it never waits. unlock releases it (no-op when not
     * held); close must release it too. A backend whose storage is private to
     * the handle (an in-memory SQLite) may succeed without locking. */
    int (*lock)(cs_store *s, const char *holder, cs_err *err);
    void (*unlock)(cs_store *s);

    /* Version 3: what each change scan has seen (cs_store_seen_*). */
    int (*seen_put)(cs_store *s, const char *scan, const char *id, int64_t modified_ms,
                    int64_t confirmed_ms, cs_err *err);
    int (*seen_get)(cs_store *s, const char *scan, const char *id, int64_t *modified_ms,
                    cs_err *err);
    int (*seen_count)(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms, int64_t *n,
                      cs_err *err);
    int (*seen_nth)(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms, int64_t k,
                    int64_t *modified_ms, cs_err *err);
    int (*seen_prune)(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms,
                      int64_t confirmed_before_ms, cs_err *err);
} cs_store_ops;

/* ---- opening ------------------------------------------------------------ */

/* Opens (creating if needed, and upgrading its schema) the store named by url:
 * `sqlite:PATH` or `sqlite:///ABSOLUTE/PATH` (`sqlite::memory:` for a private
 * in-memory store). `postgres://` URLs are recognised but not built in this
 * version (CS_ERR_CONFIG). A file that is not a crmsync store, or a newer
 * schema than this build knows, is refused with CS_ERR_STORE naming the path.
 * Caller closes *out with cs_store_close(). */
int cs_store_open(const char *url, cs_store **out, cs_err *err);
/* As cs_store_open, for commands that only read the state: a store file that
 * does not exist is refused with CS_ERR_NOT_FOUND naming its path, and no
 * file is created (a mistyped path must not leave an empty store behind). */
int cs_store_open_existing(const char *url, cs_store **out, cs_err *err);
/* Rolls back an open transaction and frees s. Accepts NULL. */
void cs_store_close(cs_store *s);
/* The URL the store was opened with; borrowed, valid until cs_store_close(). */
const char *cs_store_url(const cs_store *s);
bool cs_store_in_transaction(const cs_store *s);

/* ---- the writer lock ---------------------------------------------------- */

/* One writer per store. Every command that writes the store (a sync pass,
 * continuous sync) holds this lock from before its first read of the links
 * to the end: two passes over one store would each find the same unlinked
 * records and each create them (C5). Reading (status, errors, journal, plan,
 * verify) needs no lock: every transaction sees a consistent state anyway.
 *
 * cs_store_lock takes it without waiting. When another process holds it, it
 * fails with CS_ERR_STORE and a message naming the store and, as far as the
 * holder recorded it, its pid, what it runs (holder, e.g. "crmsync sync") and
 * since when. A holder that dies releases it: the SQLite store's lock is an
 * flock the kernel drops with the process; a PostgreSQL store would use a
 * session advisory lock, which ends with the session. Having taken it, it
 * marks every run still "running" as interrupted: their process is gone
 * (a live one would hold the lock), killed or crashed mid-pass. *interrupted
 * (may be NULL) is set to how many. The lock is released by cs_store_unlock()
 * or cs_store_close(). */
int cs_store_lock(cs_store *s, const char *holder, int64_t *interrupted, cs_err *err);
void cs_store_unlock(cs_store *s);
/* True while this handle holds the writer lock. */
bool cs_store_locked(const cs_store *s);

/* ---- transactions ----------------------------------------------------- */

/* Begins a write transaction (one at a time: nesting is CS_ERR_INTERNAL). */
int cs_store_begin(cs_store *s, cs_err *err);
/* Makes the transaction durable. If the commit fails, the transaction has been
 * rolled back: nothing of it is kept and no transaction remains open. */
int cs_store_commit(cs_store *s, cs_err *err);
int cs_store_rollback(cs_store *s, cs_err *err);

/* ---- links and snapshots ---------------------------------------------- */

/* Links hs_id (of object) to sf_id (of sf_type). Adding a link that exists
 * exactly is a no-op; a link for an hs_id or sf_id that is already linked to
 * another record fails with CS_ERR_STORE naming both links. */
int cs_store_link_add(cs_store *s, const char *object, const char *hs_id, const char *sf_type,
                      const char *sf_id, cs_err *err);
int cs_store_link_by_hs(cs_store *s, const char *object, const char *hs_id, cs_link *out,
                        cs_err *err);
int cs_store_link_by_sf(cs_store *s, const char *sf_id, cs_link *out, cs_err *err);
/* C14: moves the link of hs_id to another SF record (a converted Lead's
 * Contact), keeping its snapshot. CS_ERR_NOT_FOUND when hs_id is not linked;
 * CS_ERR_STORE when sf_id is linked to another record. */
int cs_store_link_relink(cs_store *s, const char *object, const char *hs_id, const char *sf_type,
                         const char *sf_id, cs_err *err);
/* Removes the link of hs_id and its snapshot. Returns 1 if there was one, 0
 * if not, -1 on error. */
int cs_store_link_remove(cs_store *s, const char *object, const char *hs_id, cs_err *err);
/* Calls fn for every link of object (every link when object is NULL), in
 * insertion order, until fn returns non-zero. fn must not call
 * cs_store_link_each itself. */
int cs_store_link_each(cs_store *s, const char *object, cs_link_fn fn, void *userdata, cs_err *err);

/* Replaces the snapshot of the link of hs_id with snap (fields borrowed: an
 * object whose values are strings or null). CS_ERR_NOT_FOUND when hs_id is
 * not linked. */
int cs_store_snapshot_put(cs_store *s, const char *object, const char *hs_id,
                          const cs_snapshot *snap, cs_err *err);
/* On 1, out holds a new reference in out->fields: cs_snapshot_dispose(out). */
int cs_store_snapshot_get(cs_store *s, const char *object, const char *hs_id, cs_snapshot *out,
                          cs_err *err);

/* ---- cursors -------------------------------------------------------------- */

int cs_store_cursor_get(cs_store *s, const char *name, cs_cursor *out, cs_err *err);
/* Sets a cursor; only inside a transaction (CS_ERR_INTERNAL otherwise), so it
 * becomes durable together with the writes it covers. token may be NULL. */
int cs_store_cursor_set(cs_store *s, const char *name, int64_t ms, const char *token, cs_err *err);

/* ---- journal (R5) ------------------------------------------------------- */

int cs_store_journal_add(cs_store *s, const cs_journal_entry *e, cs_err *err);
/* Newest first. On success out owns its rows: cs_journal_list_dispose(out). */
int cs_store_journal_list(cs_store *s, const cs_journal_query *q, cs_journal_list *out,
                          cs_err *err);

/* ---- record errors (R4, R8, R9) ------------------------------------------ */

/* Records a failure of e's record at now_ms: the first one creates the error
 * (attempts 1), later ones count attempts up; next_retry_ms follows policy
 * (NULL: the default). Every failure is appended to the error's history. A
 * failure of a dismissed error reopens it with attempts starting again at 1. */
int cs_store_error_record(cs_store *s, const cs_record_error *e, int64_t now_ms,
                          const cs_retry_policy *policy, cs_err *err);
/* The record synced: its current error goes away (its history stays).
 * Returns 1 if there was an error, 0 if not, -1 on error. */
int cs_store_error_clear(cs_store *s, cs_store_side side, const char *object,
                         const char *record_key, int64_t now_ms, cs_err *err);
/* Stops retrying and showing error id (CS_ERR_NOT_FOUND if there is none). */
int cs_store_error_dismiss(cs_store *s, int64_t id, int64_t now_ms, cs_err *err);
/* Current errors, soonest retry first. out: cs_record_error_list_dispose(). */
int cs_store_error_list(cs_store *s, const cs_error_query *q, cs_record_error_list *out,
                        cs_err *err);
/* Every failure, resolution and dismissal of a record, oldest first, up to
 * CS_STORE_LIST_MAX. out: cs_error_event_list_dispose(). */
int cs_store_error_history(cs_store *s, cs_store_side side, const char *object,
                           const char *record_key, cs_error_event_list *out, cs_err *err);

/* ---- runs, meta, counts ------------------------------------------------- */

/* Starts a run (status running); *id receives its id. */
int cs_store_run_begin(cs_store *s, int64_t started_ms, int64_t *id, cs_err *err);
/* counts (borrowed, may be NULL) is any JSON object; message may be NULL. */
int cs_store_run_finish(cs_store *s, int64_t id, int64_t finished_ms, cs_run_status status,
                        const json_t *counts, const char *message, cs_err *err);
/* The newest runs first, at most limit (0: one). out: cs_run_list_dispose(). */
int cs_store_run_list(cs_store *s, size_t limit, cs_run_list *out, cs_err *err);

/* On 1, *value is a copy the caller frees with free(). */
int cs_store_meta_get(cs_store *s, const char *key, char **value, cs_err *err);
int cs_store_meta_set(cs_store *s, const char *key, const char *value, cs_err *err);

int cs_store_get_stats(cs_store *s, int64_t now_ms, cs_store_stats *out, cs_err *err);

/* ---- what each change scan has seen (R2) ---------------------------------- */

/* For every scan (named like its cursor), the latest modification time of
 * each record the scan returned, and when a read last confirmed it. A pass
 * recognises a record it already saw at the same time without any lookup,
 * and counts the records it knows in a window of time to compare them with
 * the API's count (docs/change-detection.md). Writes belong inside the
 * transaction that makes the records' results durable. */

/* Notes id at modified_ms (confirmed at confirmed_ms); modified_ms < 0
 * forgets it (a deletion). confirmed_ms < 0 notes a write: the record is
 * counted at modified_ms but cs_store_seen_get answers -1 for it until a
 * read notes it again (that read's time then stands, older or not). */
int cs_store_seen_put(cs_store *s, const char *scan, const char *id, int64_t modified_ms,
                      int64_t confirmed_ms, cs_err *err);
/* 1 with *modified_ms when the scan saw id, 0 when not, -1 on error. */
int cs_store_seen_get(cs_store *s, const char *scan, const char *id, int64_t *modified_ms,
                      cs_err *err);
/* The records whose time is in [from_ms, to_ms). */
int cs_store_seen_count(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms, int64_t *n,
                        cs_err *err);
/* The time of the k-th (from 0) record by time in [from_ms, to_ms): 1, or 0
 * when there are not that many. */
int cs_store_seen_nth(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms, int64_t k,
                      int64_t *modified_ms, cs_err *err);
/* Forgets the records in [from_ms, to_ms) last confirmed before
 * confirmed_before_ms (INT64_MAX: all of them). */
int cs_store_seen_prune(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms,
                        int64_t confirmed_before_ms, cs_err *err);

#endif
