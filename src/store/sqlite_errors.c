/* Record errors in the SQLite store (R4, R8, R9): the current error of each
 * record with its attempt count and next retry, and the history of every
 * failure, resolution and dismissal in error_events, which outlives the error
 * itself. Each operation that writes both tables is one atomic group. */
#include "store/sqlite_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define ERROR_COLUMNS                                                                              \
    "SELECT id, side, object, record_key, category, field, message, email, hs_id, sf_id, "         \
    "attempts, first_seen_ms, last_seen_ms, next_retry_ms, dismissed FROM errors "

static int add_event(sq_store *b, const char *side, const char *object, const char *record_key,
                     int64_t at_ms, cs_error_event_kind kind, int attempt, const char *category,
                     const char *field, const char *message, cs_err *err)
{
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_ERROR_EVENT_ADD,
                                  "INSERT INTO error_events (side, object, record_key, at_ms, "
                                  "kind, attempt, category, field, message) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, side);
    cs_sq_bind_text(st, 2, object);
    cs_sq_bind_text(st, 3, record_key);
    sqlite3_bind_int64(st, 4, at_ms);
    cs_sq_bind_text(st, 5, cs_error_event_kind_name(kind));
    sqlite3_bind_int(st, 6, attempt);
    cs_sq_bind_text(st, 7, category);
    cs_sq_bind_text(st, 8, field);
    cs_sq_bind_text(st, 9, message);
    return cs_sq_step_done(b, st, "recording error history", err);
}

/* The attempts and dismissed flag of the current error: 1 found, 0 not. */
static int current(sq_store *b, const char *side, const char *object, const char *record_key,
                   int *attempts, bool *dismissed, cs_err *err)
{
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_ERROR_GET,
                                  "SELECT attempts, dismissed FROM errors "
                                  "WHERE side = ?1 AND object = ?2 AND record_key = ?3",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, side);
    cs_sq_bind_text(st, 2, object);
    cs_sq_bind_text(st, 3, record_key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int64_t n = sqlite3_column_int64(st, 0);
        *attempts = n < 0 ? 0 : n > INT_MAX - 1 ? INT_MAX - 1 : (int)n;
        *dismissed = sqlite3_column_int(st, 1) != 0;
    } else if (rc != SQLITE_DONE) {
        cs_sq_fail(b, "reading an error", err);
    }
    cs_sq_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int write_error(sq_store *b, const cs_record_error *e, int found, int attempts,
                       int64_t now_ms, int64_t next_ms, cs_err *err)
{
    const char *side = cs_store_side_name(e->side);
    const char *category = cs_category_name(e->category);
    sqlite3_stmt *st;
    if (found) {
        /* A reopened (dismissed) error starts a new episode: first_seen moves. */
        st = cs_sq_stmt(b, SQ_ERROR_UPDATE,
                        "UPDATE errors SET category = ?4, field = ?5, message = ?6, "
                        "email = coalesce(?7, email), hs_id = coalesce(?8, hs_id), "
                        "sf_id = coalesce(?9, sf_id), attempts = ?10, "
                        "first_seen_ms = CASE WHEN dismissed THEN ?11 ELSE first_seen_ms END, "
                        "last_seen_ms = ?11, next_retry_ms = ?12, dismissed = 0 "
                        "WHERE side = ?1 AND object = ?2 AND record_key = ?3",
                        err);
    } else {
        st = cs_sq_stmt(b, SQ_ERROR_INSERT,
                        "INSERT INTO errors (side, object, record_key, category, field, "
                        "message, email, hs_id, sf_id, attempts, first_seen_ms, last_seen_ms, "
                        "next_retry_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                        "?11, ?12)",
                        err);
    }
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, side);
    cs_sq_bind_text(st, 2, e->object);
    cs_sq_bind_text(st, 3, e->record_key);
    cs_sq_bind_text(st, 4, category);
    cs_sq_bind_text(st, 5, e->field);
    cs_sq_bind_text(st, 6, e->message);
    cs_sq_bind_text(st, 7, e->email);
    cs_sq_bind_text(st, 8, e->hs_id);
    cs_sq_bind_text(st, 9, e->sf_id);
    sqlite3_bind_int(st, 10, attempts);
    sqlite3_bind_int64(st, 11, now_ms);
    sqlite3_bind_int64(st, 12, next_ms);
    if (cs_sq_step_done(b, st, "recording an error", err) != 0)
        return -1;
    return add_event(b, side, e->object, e->record_key, now_ms, CS_ERROR_EVENT_FAILED, attempts,
                     category, e->field, e->message, err);
}

/* R4, R8 */
int cs_sq_error_record(cs_store *s, const cs_record_error *e, int64_t now_ms,
                       const cs_retry_policy *policy, cs_err *err)
{
    sq_store *b = sq_of(s);
    bool outer;
    if (cs_sq_group_begin(b, &outer, err) != 0)
        return -1;
    int attempts = 0;
    bool dismissed = false;
    int found = current(b, cs_store_side_name(e->side), e->object, e->record_key, &attempts,
                        &dismissed, err);
    int rc = found < 0 ? -1 : 0;
    if (rc == 0) {
        attempts = (found && !dismissed) ? attempts + 1 : 1;
        int64_t next_ms = cs_retry_next_ms(policy, attempts, now_ms);
        rc = write_error(b, e, found, attempts, now_ms, next_ms, err);
    }
    return cs_sq_group_end(b, outer, rc, err);
}

int cs_sq_error_clear(cs_store *s, cs_store_side side, const char *object, const char *record_key,
                      int64_t now_ms, cs_err *err)
{
    sq_store *b = sq_of(s);
    const char *side_name = cs_store_side_name(side);
    /* The engine clears after every successful write: most records have no
     * error, and finding that out is one indexed read. */
    int attempts = 0;
    bool dismissed = false;
    int found = current(b, side_name, object, record_key, &attempts, &dismissed, err);
    if (found <= 0)
        return found;
    bool outer;
    if (cs_sq_group_begin(b, &outer, err) != 0)
        return -1;
    sqlite3_stmt *st =
        cs_sq_stmt(b, SQ_ERROR_DELETE,
                   "DELETE FROM errors WHERE side = ?1 AND object = ?2 AND record_key = ?3 "
                   "RETURNING category",
                   err);
    int rc = st ? 0 : -1;
    bool cleared = false;
    char category[CS_STORE_NAME_MAX] = "";
    if (st != NULL) {
        cs_sq_bind_text(st, 1, side_name);
        cs_sq_bind_text(st, 2, object);
        cs_sq_bind_text(st, 3, record_key);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            cleared = true;
            cs_sq_column_copy(st, 0, category, sizeof category);
        }
        if (step != SQLITE_DONE)
            rc = cs_sq_fail(b, "clearing an error", err);
        cs_sq_done(st);
    }
    if (rc == 0 && cleared)
        rc = add_event(b, side_name, object, record_key, now_ms, CS_ERROR_EVENT_RESOLVED, 0,
                       category, NULL, NULL, err);
    if (cs_sq_group_end(b, outer, rc, err) != 0)
        return -1;
    return cleared ? 1 : 0;
}

int cs_sq_error_dismiss(cs_store *s, int64_t id, int64_t now_ms, cs_err *err)
{
    sq_store *b = sq_of(s);
    bool outer;
    if (cs_sq_group_begin(b, &outer, err) != 0)
        return -1;
    /* Only an open error changes (and gets a history entry); dismissing a
     * dismissed one again is a no-op. */
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_ERROR_DISMISS,
                                  "UPDATE errors SET dismissed = 1 WHERE id = ?1 AND dismissed = 0 "
                                  "RETURNING side, object, record_key, category",
                                  err);
    int rc = st ? 0 : -1;
    bool changed = false;
    char side[CS_STORE_NAME_MAX] = "", object[CS_STORE_NAME_MAX] = "", key[CS_STORE_NAME_MAX] = "",
         category[CS_STORE_NAME_MAX] = "";
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, id);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            changed = true;
            cs_sq_column_copy(st, 0, side, sizeof side);
            cs_sq_column_copy(st, 1, object, sizeof object);
            cs_sq_column_copy(st, 2, key, sizeof key);
            cs_sq_column_copy(st, 3, category, sizeof category);
        }
        if (step != SQLITE_DONE)
            rc = cs_sq_fail(b, "dismissing an error", err);
        cs_sq_done(st);
    }
    if (rc == 0 && changed)
        rc = add_event(b, side, object, key, now_ms, CS_ERROR_EVENT_DISMISSED, 0, category, NULL,
                       NULL, err);
    if (rc == 0 && !changed) {
        st = cs_sq_stmt(b, SQ_ERROR_BY_ID, "SELECT 1 FROM errors WHERE id = ?1", err);
        if (st == NULL) {
            rc = -1;
        } else {
            sqlite3_bind_int64(st, 1, id);
            int step = sqlite3_step(st);
            if (step == SQLITE_DONE)
                rc = cs_err_set(err, CS_ERR_NOT_FOUND, "store %s: there is no error %lld", b->path,
                                (long long)id);
            else if (step != SQLITE_ROW)
                rc = cs_sq_fail(b, "reading an error", err);
            cs_sq_done(st);
        }
    }
    return cs_sq_group_end(b, outer, rc, err);
}

static int read_error(sq_store *b, sqlite3_stmt *st, cs_record_error_list *l, size_t *cap,
                      cs_err *err)
{
    cs_record_error *e = cs_sq_grow((void **)&l->items, &l->count, cap, sizeof *e);
    if (e == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    e->id = sqlite3_column_int64(st, 0);
    const char *side = (const char *)sqlite3_column_text(st, 1);
    const char *category = (const char *)sqlite3_column_text(st, 4);
    if (cs_store_side_parse(side, &e->side) != 0 || cs_category_parse(category, &e->category) != 0)
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: error %lld is damaged (side %s, category %s)", b->path,
                          (long long)e->id, side ? side : "null", category ? category : "null");
    bool failed = false;
    e->object = cs_sq_column_dup(st, 2, &l->strings, &failed);
    e->record_key = cs_sq_column_dup(st, 3, &l->strings, &failed);
    e->field = cs_sq_column_dup(st, 5, &l->strings, &failed);
    e->message = cs_sq_column_dup(st, 6, &l->strings, &failed);
    e->email = cs_sq_column_dup(st, 7, &l->strings, &failed);
    e->hs_id = cs_sq_column_dup(st, 8, &l->strings, &failed);
    e->sf_id = cs_sq_column_dup(st, 9, &l->strings, &failed);
    if (failed)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    int64_t attempts = sqlite3_column_int64(st, 10);
    e->attempts = attempts < 0 ? 0 : attempts > INT_MAX ? INT_MAX : (int)attempts;
    e->first_seen_ms = sqlite3_column_int64(st, 11);
    e->last_seen_ms = sqlite3_column_int64(st, 12);
    e->next_retry_ms = sqlite3_column_int64(st, 13);
    e->dismissed = sqlite3_column_int(st, 14) != 0;
    return 0;
}

int cs_sq_error_list(cs_store *s, const cs_error_query *q, cs_record_error_list *out, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_ERROR_LIST,
                                  ERROR_COLUMNS "WHERE (?1 OR dismissed = 0) "
                                                "AND (NOT ?2 OR (dismissed = 0 AND "
                                                "next_retry_ms <= ?3)) "
                                                "ORDER BY next_retry_ms, id LIMIT ?4 OFFSET ?5",
                                  err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int(st, 1, q->include_dismissed ? 1 : 0);
    sqlite3_bind_int(st, 2, q->due_only ? 1 : 0);
    sqlite3_bind_int64(st, 3, q->now_ms);
    sqlite3_bind_int64(st, 4, cs_sq_limit(q->limit));
    sqlite3_bind_int64(st, 5, q->offset > (size_t)INT64_MAX ? INT64_MAX : (int64_t)q->offset);
    cs_record_error_list l = {0};
    size_t cap = 0;
    int rc = SQLITE_DONE, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ret = read_error(b, st, &l, &cap, err);
    if (ret == 0 && rc != SQLITE_DONE)
        ret = cs_sq_fail(b, "reading errors", err);
    cs_sq_done(st);
    if (ret != 0) {
        cs_record_error_list_dispose(&l);
        return -1;
    }
    *out = l;
    return 0;
}

static int read_event(sq_store *b, sqlite3_stmt *st, cs_error_event_list *l, size_t *cap,
                      cs_err *err)
{
    cs_error_event *ev = cs_sq_grow((void **)&l->items, &l->count, cap, sizeof *ev);
    if (ev == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    ev->at_ms = sqlite3_column_int64(st, 0);
    const char *kind = (const char *)sqlite3_column_text(st, 1);
    const char *category = (const char *)sqlite3_column_text(st, 3);
    if (cs_error_event_kind_parse(kind, &ev->kind) != 0 ||
        cs_category_parse(category, &ev->category) != 0)
        return cs_err_set(err, CS_ERR_STORE, "store %s: error history is damaged (%s, %s)", b->path,
                          kind ? kind : "null", category ? category : "null");
    int64_t attempt = sqlite3_column_int64(st, 2);
    ev->attempt = attempt < 0 ? 0 : attempt > INT_MAX ? INT_MAX : (int)attempt;
    bool failed = false;
    ev->field = cs_sq_column_dup(st, 4, &l->strings, &failed);
    ev->message = cs_sq_column_dup(st, 5, &l->strings, &failed);
    if (failed)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    return 0;
}

int cs_sq_error_history(cs_store *s, cs_store_side side, const char *object, const char *record_key,
                        cs_error_event_list *out, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_ERROR_HISTORY,
                                  "SELECT at_ms, kind, attempt, category, field, message "
                                  "FROM error_events WHERE side = ?1 AND object = ?2 AND "
                                  "record_key = ?3 ORDER BY id LIMIT ?4",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, cs_store_side_name(side));
    cs_sq_bind_text(st, 2, object);
    cs_sq_bind_text(st, 3, record_key);
    sqlite3_bind_int64(st, 4, CS_STORE_LIST_MAX);
    cs_error_event_list l = {0};
    size_t cap = 0;
    int rc = SQLITE_DONE, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ret = read_event(b, st, &l, &cap, err);
    if (ret == 0 && rc != SQLITE_DONE)
        ret = cs_sq_fail(b, "reading error history", err);
    cs_sq_done(st);
    if (ret != 0) {
        cs_error_event_list_dispose(&l);
        return -1;
    }
    *out = l;
    return 0;
}
