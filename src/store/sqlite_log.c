/* The SQLite store's records of what happened: the journal of every write
 * (R5), queried newest first by record or run, and the runs (one per sync
 * pass) that `crmsync status` reports. */
#include "store/sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

/* ---- journal (R5) ------------------------------------------------------- */

int cs_sq_journal_add(cs_store *s, const cs_journal_entry *e, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(
        b, SQ_JOURNAL_ADD,
        "INSERT INTO journal (at_ms, run_id, direction, op, object, hs_id, sf_id, field, "
        "old_value, new_value, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, e->at_ms > 0 ? e->at_ms : cs_time_now_ms());
    sqlite3_bind_int64(st, 2, e->run_id);
    cs_sq_bind_text(st, 3, cs_store_dir_name(e->dir));
    cs_sq_bind_text(st, 4, cs_store_op_name(e->op));
    cs_sq_bind_text(st, 5, e->object);
    cs_sq_bind_text(st, 6, e->hs_id);
    cs_sq_bind_text(st, 7, e->sf_id);
    cs_sq_bind_text(st, 8, e->field);
    cs_sq_bind_text(st, 9, e->old_value);
    cs_sq_bind_text(st, 10, e->new_value);
    cs_sq_bind_text(st, 11, e->reason);
    return cs_sq_step_done(b, st, "journaling a write", err);
}

#define JOURNAL_COLUMNS                                                                            \
    "SELECT id, at_ms, run_id, direction, op, object, hs_id, sf_id, field, old_value, "            \
    "new_value, reason FROM journal "

static int read_entry(sq_store *b, sqlite3_stmt *st, cs_journal_list *l, size_t *cap, cs_err *err)
{
    cs_journal_entry *e = cs_sq_grow((void **)&l->items, &l->count, cap, sizeof *e);
    if (e == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    e->id = sqlite3_column_int64(st, 0);
    e->at_ms = sqlite3_column_int64(st, 1);
    e->run_id = sqlite3_column_int64(st, 2);
    const char *dir = (const char *)sqlite3_column_text(st, 3);
    const char *op = (const char *)sqlite3_column_text(st, 4);
    if (cs_store_dir_parse(dir, &e->dir) != 0 || cs_store_op_parse(op, &e->op) != 0)
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: journal entry %lld is damaged (direction %s, op %s)", b->path,
                          (long long)e->id, dir ? dir : "null", op ? op : "null");
    bool failed = false;
    e->object = cs_sq_column_dup(st, 5, &l->strings, &failed);
    e->hs_id = cs_sq_column_dup(st, 6, &l->strings, &failed);
    e->sf_id = cs_sq_column_dup(st, 7, &l->strings, &failed);
    e->field = cs_sq_column_dup(st, 8, &l->strings, &failed);
    e->old_value = cs_sq_column_dup(st, 9, &l->strings, &failed);
    e->new_value = cs_sq_column_dup(st, 10, &l->strings, &failed);
    e->reason = cs_sq_column_dup(st, 11, &l->strings, &failed);
    if (failed)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    return 0;
}

int cs_sq_journal_list(cs_store *s, const cs_journal_query *q, cs_journal_list *out, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st;
    /* One statement per filter, so each can use its index. */
    if (q->record_id != NULL && q->record_id[0] != '\0') {
        st = cs_sq_stmt(b, SQ_JOURNAL_LIST_RECORD,
                        JOURNAL_COLUMNS "WHERE (hs_id = ?4 OR sf_id = ?4) "
                                        "AND (?1 = 0 OR run_id = ?1) "
                                        "ORDER BY id DESC LIMIT ?2 OFFSET ?3",
                        err);
        if (st != NULL)
            cs_sq_bind_text(st, 4, q->record_id);
    } else if (q->run_id != 0) {
        st = cs_sq_stmt(b, SQ_JOURNAL_LIST_RUN,
                        JOURNAL_COLUMNS "WHERE run_id = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
                        err);
    } else {
        st = cs_sq_stmt(b, SQ_JOURNAL_LIST,
                        JOURNAL_COLUMNS "WHERE ?1 = 0 ORDER BY id DESC LIMIT ?2 OFFSET ?3", err);
    }
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, q->run_id);
    sqlite3_bind_int64(st, 2, cs_sq_limit(q->limit));
    sqlite3_bind_int64(st, 3, q->offset > (size_t)INT64_MAX ? INT64_MAX : (int64_t)q->offset);

    cs_journal_list l = {0};
    size_t cap = 0;
    int rc = SQLITE_DONE, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ret = read_entry(b, st, &l, &cap, err);
    if (ret == 0 && rc != SQLITE_DONE)
        ret = cs_sq_fail(b, "reading the journal", err);
    cs_sq_done(st);
    if (ret != 0) {
        cs_journal_list_dispose(&l);
        return -1;
    }
    *out = l;
    return 0;
}

/* ---- runs ----------------------------------------------------------------- */

int cs_sq_run_begin(cs_store *s, int64_t started_ms, int64_t *id, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st =
        cs_sq_stmt(b, SQ_RUN_BEGIN, "INSERT INTO runs (started_ms, status) VALUES (?1, ?2)", err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, started_ms);
    cs_sq_bind_text(st, 2, cs_run_status_name(CS_RUN_RUNNING));
    if (cs_sq_step_done(b, st, "starting a run", err) != 0)
        return -1;
    *id = sqlite3_last_insert_rowid(b->db);
    return 0;
}

int cs_sq_run_finish(cs_store *s, int64_t id, int64_t finished_ms, cs_run_status status,
                     const json_t *counts, const char *message, cs_err *err)
{
    sq_store *b = sq_of(s);
    char *text = counts ? json_dumps(counts, JSON_COMPACT) : NULL;
    if (counts != NULL && text == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: cannot encode the counts of run %lld",
                          (long long)id);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_RUN_FINISH,
                                  "UPDATE runs SET finished_ms = ?2, status = ?3, counts = ?4, "
                                  "message = ?5 WHERE id = ?1",
                                  err);
    if (st == NULL) {
        free(text);
        return -1;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, finished_ms);
    cs_sq_bind_text(st, 3, cs_run_status_name(status));
    cs_sq_bind_text(st, 4, text);
    cs_sq_bind_text(st, 5, message);
    int rc = cs_sq_step_done(b, st, "finishing a run", err);
    free(text);
    if (rc != 0)
        return -1;
    if (sqlite3_changes(b->db) == 0)
        return cs_err_set(err, CS_ERR_NOT_FOUND, "store %s: there is no run %lld", b->path,
                          (long long)id);
    return 0;
}

static int read_run(sq_store *b, sqlite3_stmt *st, cs_run_list *l, size_t *cap, cs_err *err)
{
    cs_run *r = cs_sq_grow((void **)&l->items, &l->count, cap, sizeof *r);
    if (r == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    r->id = sqlite3_column_int64(st, 0);
    r->started_ms = sqlite3_column_int64(st, 1);
    r->finished_ms = sqlite3_column_int64(st, 2);
    const char *status = (const char *)sqlite3_column_text(st, 3);
    if (cs_run_status_parse(status, &r->status) != 0)
        return cs_err_set(err, CS_ERR_STORE, "store %s: run %lld is damaged (status %s)", b->path,
                          (long long)r->id, status ? status : "null");
    const char *counts = (const char *)sqlite3_column_text(st, 4);
    if (counts != NULL) {
        r->counts = json_loadb(counts, (size_t)sqlite3_column_bytes(st, 4), 0, NULL);
        if (!json_is_object(r->counts))
            return cs_err_set(err, CS_ERR_STORE, "store %s: the counts of run %lld are damaged",
                              b->path, (long long)r->id);
    }
    bool failed = false;
    r->message = cs_sq_column_dup(st, 5, &l->strings, &failed);
    if (failed)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    return 0;
}

int cs_sq_run_list(cs_store *s, size_t limit, cs_run_list *out, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_RUN_LIST,
                                  "SELECT id, started_ms, finished_ms, status, counts, message "
                                  "FROM runs ORDER BY id DESC LIMIT ?1",
                                  err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, limit == 0 ? 1 : cs_sq_limit(limit));
    cs_run_list l = {0};
    size_t cap = 0;
    int rc = SQLITE_DONE, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ret = read_run(b, st, &l, &cap, err);
    if (ret == 0 && rc != SQLITE_DONE)
        ret = cs_sq_fail(b, "reading runs", err);
    cs_sq_done(st);
    if (ret != 0) {
        cs_run_list_dispose(&l);
        return -1;
    }
    *out = l;
    return 0;
}
