/* Private to the SQLite store (sqlite*.c): the backend struct, the ids of its
 * cached prepared statements, and the small helpers every file uses to get a
 * statement, bind values (always bound, never formatted into SQL) and turn a
 * SQLite failure into a cs_err naming the file. */
#ifndef CS_STORE_SQLITE_INT_H
#define CS_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store_int.h"

/* The schema version this build writes; files at a lower version are
 * upgraded on open, files at a higher one are refused. */
#define CS_SQ_SCHEMA_VERSION 4
/* PRAGMA application_id of a crmsync store: 0x4353594E, "CSYN" in ASCII, in
 * decimal so it can be spelt inside the migration's SQL. Another SQLite file
 * given by mistake is refused instead of being filled with our tables. */
#define CS_SQ_APPLICATION_ID 1129535822

/* One slot per statement; each is prepared on first use and kept. */
typedef enum sq_stmt_id {
    SQ_BEGIN = 0,
    SQ_COMMIT,
    SQ_ROLLBACK,
    SQ_SAVEPOINT,
    SQ_RELEASE,
    SQ_ROLLBACK_TO,
    SQ_LINK_ADD,
    SQ_LINK_BY_HS,
    SQ_LINK_BY_SF,
    SQ_LINK_RELINK,
    SQ_LINK_REMOVE,
    SQ_LINK_EACH,
    SQ_SNAP_PUT,
    SQ_SNAP_GET,
    SQ_CURSOR_GET,
    SQ_CURSOR_SET,
    SQ_JOURNAL_ADD,
    SQ_JOURNAL_LIST,
    SQ_JOURNAL_LIST_RECORD,
    SQ_JOURNAL_LIST_RUN,
    SQ_ERROR_GET,
    SQ_ERROR_INSERT,
    SQ_ERROR_UPDATE,
    SQ_ERROR_DELETE,
    SQ_ERROR_DISMISS,
    SQ_ERROR_BY_ID,
    SQ_ERROR_EVENT_ADD,
    SQ_ERROR_LIST,
    SQ_ERROR_HISTORY,
    SQ_RUN_BEGIN,
    SQ_RUN_FINISH,
    SQ_RUN_LIST,
    SQ_META_GET,
    SQ_META_SET,
    SQ_STATS,
    SQ_SEEN_PUT,
    SQ_SEEN_FORGET,
    SQ_SEEN_GET,
    SQ_SEEN_COUNT,
    SQ_SEEN_NTH,
    SQ_SEEN_PRUNE,
    SQ_STMT_COUNT
} sq_stmt_id;

typedef struct sq_store {
    cs_store base; /* first: a cs_store * is a sq_store * */
    sqlite3 *db;
    char *path; /* for messages */
    sqlite3_stmt *stmts[SQ_STMT_COUNT];
    bool in_link_each; /* SQ_LINK_EACH is stepping: it cannot be reused */
    int lock_fd;       /* the writer lock file (sqlite_lock.c), or -1 */
} sq_store;

static inline sq_store *sq_of(cs_store *s)
{
    return (sq_store *)s;
}

/* The cached statement for id, prepared from sql on first use (sql must be
 * the same text every time for an id). NULL with err set on failure. */
sqlite3_stmt *cs_sq_stmt(sq_store *b, sq_stmt_id id, const char *sql, cs_err *err);
/* Resets a statement after use (releasing its read snapshot) and clears its
 * bindings, so no borrowed string outlives the call. Accepts NULL. */
void cs_sq_done(sqlite3_stmt *st);
/* CS_ERR_STORE "store PATH: what: <SQLite's message>"; returns -1. */
int cs_sq_fail(sq_store *b, const char *what, cs_err *err);
/* Binds text, or NULL when text is NULL; SQLITE_STATIC, so the text must live
 * until cs_sq_done(). Returns the SQLite result code. */
int cs_sq_bind_text(sqlite3_stmt *st, int index, const char *text);
/* Copies a text column into a fixed buffer ("" for NULL; cut at cap-1). */
void cs_sq_column_copy(sqlite3_stmt *st, int col, char *dst, size_t cap);
/* Copies a text column into pool (NULL for NULL). */
const char *cs_sq_column_dup(sqlite3_stmt *st, int col, cs_store_strings **pool, bool *failed);
/* Steps a statement that returns no rows; resets it. 0 or -1. */
int cs_sq_step_done(sq_store *b, sqlite3_stmt *st, const char *what, cs_err *err);

/* Appends a zeroed row of size bytes to a growing array (*items, *count,
 * *cap); NULL when memory ran out. */
void *cs_sq_grow(void **items, size_t *count, size_t *cap, size_t size);

/* Makes several statements one atomic step: outside a transaction it opens
 * one (BEGIN IMMEDIATE … COMMIT), inside the caller's it uses a savepoint, so
 * a failure halfway leaves the caller's transaction as it was. */
int cs_sq_group_begin(sq_store *b, bool *outer, cs_err *err);
/* Ends the group: keeps its writes when ok is 0, undoes them otherwise.
 * Returns ok, or -1 when keeping them failed. */
int cs_sq_group_end(sq_store *b, bool outer, int ok, cs_err *err);

/* Schema (sqlite_schema.c): checks that db is a crmsync store (or empty) and
 * applies the forward migrations up to target. Idempotent. */
int cs_sq_schema_upgrade(sqlite3 *db, const char *path, int target, cs_err *err);
/* The version of the schema in db: 0 for an empty file. */
int cs_sq_schema_version(sqlite3 *db, const char *path, int *version, cs_err *err);

/* The writer lock (sqlite_lock.c): an exclusive flock on PATH-lock. */
int cs_sq_lock(cs_store *s, const char *holder, cs_err *err);
void cs_sq_unlock(cs_store *s);

/* Operations, one file per idea. */
int cs_sq_link_add(cs_store *s, const char *object, const char *hs_id, const char *sf_type,
                   const char *sf_id, cs_err *err);
/* sqlite_seen.c: what each change scan has seen (R2). */
int cs_sq_seen_put(cs_store *s, const char *scan, const char *id, int64_t modified_ms,
                   int64_t confirmed_ms, cs_err *err);
int cs_sq_seen_get(cs_store *s, const char *scan, const char *id, int64_t *modified_ms,
                   cs_err *err);
int cs_sq_seen_count(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms, int64_t *n,
                     cs_err *err);
int cs_sq_seen_nth(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms, int64_t k,
                   int64_t *modified_ms, cs_err *err);
int cs_sq_seen_prune(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms,
                     int64_t confirmed_before_ms, cs_err *err);
int cs_sq_link_by_hs(cs_store *s, const char *object, const char *hs_id, cs_link *out, cs_err *err);
int cs_sq_link_by_sf(cs_store *s, const char *sf_id, cs_link *out, cs_err *err);
int cs_sq_link_relink(cs_store *s, const char *object, const char *hs_id, const char *sf_type,
                      const char *sf_id, cs_err *err);
int cs_sq_link_remove(cs_store *s, const char *object, const char *hs_id, cs_err *err);
int cs_sq_link_each(cs_store *s, const char *object, cs_link_fn fn, void *userdata, cs_err *err);
int cs_sq_snapshot_put(cs_store *s, const char *object, const char *hs_id, const cs_snapshot *snap,
                       cs_err *err);
int cs_sq_snapshot_get(cs_store *s, const char *object, const char *hs_id, cs_snapshot *out,
                       cs_err *err);

int cs_sq_journal_add(cs_store *s, const cs_journal_entry *e, cs_err *err);
int cs_sq_journal_list(cs_store *s, const cs_journal_query *q, cs_journal_list *out, cs_err *err);
int cs_sq_run_begin(cs_store *s, int64_t started_ms, int64_t *id, cs_err *err);
int cs_sq_run_finish(cs_store *s, int64_t id, int64_t finished_ms, cs_run_status status,
                     const json_t *counts, const char *message, cs_err *err);
int cs_sq_run_list(cs_store *s, size_t limit, cs_run_list *out, cs_err *err);

int cs_sq_error_record(cs_store *s, const cs_record_error *e, int64_t now_ms,
                       const cs_retry_policy *policy, cs_err *err);
int cs_sq_error_clear(cs_store *s, cs_store_side side, const char *object, const char *record_key,
                      int64_t now_ms, cs_err *err);
int cs_sq_error_dismiss(cs_store *s, int64_t id, int64_t now_ms, cs_err *err);
int cs_sq_error_list(cs_store *s, const cs_error_query *q, cs_record_error_list *out, cs_err *err);
int cs_sq_error_history(cs_store *s, cs_store_side side, const char *object, const char *record_key,
                        cs_error_event_list *out, cs_err *err);

/* The row limit of a list call: 0 or too many means CS_STORE_LIST_MAX. */
static inline int64_t cs_sq_limit(size_t limit)
{
    return (limit == 0 || limit > CS_STORE_LIST_MAX) ? CS_STORE_LIST_MAX : (int64_t)limit;
}

#endif
