/* The SQLite store's records of what happened: the journal of every write
 * (R5), queried newest first by record or run, and the runs (one per sync
 * pass) that `crmsync status` reports. */
#include "store/sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

/* ---- journal (R5) ------------------------------------------------------- */

/* The fields of one record write as the row's changes column: a JSON array
 * of [field, old, new, reason], reason null where it is the row's. One row
 * per record write instead of one per field: a first pass journals every
 * field of every record it creates. NULL with err set on failure. */
static char *encode_changes(const cs_journal_entry *e, cs_err *err)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < e->nchanges; i++) {
        const cs_journal_change *c = &e->changes[i];
        const char *why = c->reason && strcmp(c->reason, e->reason) != 0 ? c->reason : NULL;
        if (json_array_append_new(
                a, json_pack("[ss?s?s?]", c->field, c->old_value, c->new_value, why)) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    if (text == NULL)
        cs_err_set(err, CS_ERR_INTERNAL, "store: cannot encode the journaled fields of %s",
                   e->hs_id ? e->hs_id : (e->sf_id ? e->sf_id : e->object));
    return text;
}

int cs_sq_journal_add(cs_store *s, const cs_journal_entry *e, cs_err *err)
{
    sq_store *b = sq_of(s);
    char *changes = NULL;
    if (e->nchanges > 0 && (changes = encode_changes(e, err)) == NULL)
        return -1;
    sqlite3_stmt *st = cs_sq_stmt(
        b, SQ_JOURNAL_ADD,
        "INSERT INTO journal (at_ms, run_id, direction, op, object, hs_id, sf_id, field, "
        "old_value, new_value, reason, changes) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        err);
    if (st == NULL) {
        free(changes);
        return -1;
    }
    sqlite3_bind_int64(st, 1, e->at_ms > 0 ? e->at_ms : cs_time_now_ms());
    sqlite3_bind_int64(st, 2, e->run_id);
    cs_sq_bind_text(st, 3, cs_store_dir_name(e->dir));
    cs_sq_bind_text(st, 4, cs_store_op_name(e->op));
    cs_sq_bind_text(st, 5, e->object);
    cs_sq_bind_text(st, 6, e->hs_id);
    cs_sq_bind_text(st, 7, e->sf_id);
    cs_sq_bind_text(st, 8, changes ? NULL : e->field);
    cs_sq_bind_text(st, 9, changes ? NULL : e->old_value);
    cs_sq_bind_text(st, 10, changes ? NULL : e->new_value);
    cs_sq_bind_text(st, 11, e->reason);
    cs_sq_bind_text(st, 12, changes);
    int rc = cs_sq_step_done(b, st, "journaling a write", err);
    free(changes);
    return rc;
}

#define JOURNAL_COLUMNS                                                                            \
    "SELECT id, at_ms, run_id, direction, op, object, hs_id, sf_id, field, old_value, "            \
    "new_value, reason, changes FROM journal "

/* Where a list is filled: entries before skip are counted, not kept; the
 * list stops at want entries. */
typedef struct jfill {
    cs_journal_list l;
    size_t cap;
    size_t skip;
    size_t want;
} jfill;

static const char *dup_str(jfill *f, const json_t *v, bool *failed)
{
    const char *s = json_string_value(v);
    return s ? cs_store_strings_dup(&f->l.strings, s, json_string_length(v), failed) : NULL;
}

/* One entry per journaled field, last field first: the order one row per
 * field gave, newest first. */
static int expand(sq_store *b, jfill *f, const cs_journal_entry *row, const char *text, size_t len,
                  cs_err *err)
{
    json_t *a = json_loadb(text, len, 0, NULL);
    if (!json_is_array(a) || json_array_size(a) == 0) {
        json_decref(a);
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: the fields of journal entry %lld are damaged", b->path,
                          (long long)row->id);
    }
    int rc = 0;
    for (size_t i = json_array_size(a); rc == 0 && i-- > 0 && f->l.count < f->want;) {
        json_t *c = json_array_get(a, i);
        if (!json_is_array(c) || !json_is_string(json_array_get(c, 0))) {
            rc = cs_err_set(err, CS_ERR_STORE,
                            "store %s: field %zu of journal entry %lld is damaged", b->path, i,
                            (long long)row->id);
            break;
        }
        if (f->skip > 0) {
            f->skip--;
            continue;
        }
        cs_journal_entry *e = cs_sq_grow((void **)&f->l.items, &f->l.count, &f->cap, sizeof *e);
        if (e == NULL) {
            rc = cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
            break;
        }
        *e = *row;
        bool failed = false;
        e->field = dup_str(f, json_array_get(c, 0), &failed);
        e->old_value = dup_str(f, json_array_get(c, 1), &failed);
        e->new_value = dup_str(f, json_array_get(c, 2), &failed);
        const char *why = dup_str(f, json_array_get(c, 3), &failed);
        if (why != NULL)
            e->reason = why;
        if (failed)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    }
    json_decref(a);
    return rc;
}

static int read_entry(sq_store *b, sqlite3_stmt *st, jfill *f, cs_err *err)
{
    cs_journal_entry row = {0};
    row.id = sqlite3_column_int64(st, 0);
    row.at_ms = sqlite3_column_int64(st, 1);
    row.run_id = sqlite3_column_int64(st, 2);
    const char *dir = (const char *)sqlite3_column_text(st, 3);
    const char *op = (const char *)sqlite3_column_text(st, 4);
    if (cs_store_dir_parse(dir, &row.dir) != 0 || cs_store_op_parse(op, &row.op) != 0)
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: journal entry %lld is damaged (direction %s, op %s)", b->path,
                          (long long)row.id, dir ? dir : "null", op ? op : "null");
    const char *changes = (const char *)sqlite3_column_text(st, 12);
    if (changes == NULL && f->skip > 0) {
        f->skip--;
        return 0;
    }
    bool failed = false;
    row.object = cs_sq_column_dup(st, 5, &f->l.strings, &failed);
    row.hs_id = cs_sq_column_dup(st, 6, &f->l.strings, &failed);
    row.sf_id = cs_sq_column_dup(st, 7, &f->l.strings, &failed);
    row.reason = cs_sq_column_dup(st, 11, &f->l.strings, &failed);
    if (failed)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    if (changes != NULL)
        return expand(b, f, &row, changes, (size_t)sqlite3_column_bytes(st, 12), err);
    row.field = cs_sq_column_dup(st, 8, &f->l.strings, &failed);
    row.old_value = cs_sq_column_dup(st, 9, &f->l.strings, &failed);
    row.new_value = cs_sq_column_dup(st, 10, &f->l.strings, &failed);
    cs_journal_entry *e = cs_sq_grow((void **)&f->l.items, &f->l.count, &f->cap, sizeof *e);
    if (failed || e == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    *e = row;
    return 0;
}

int cs_sq_journal_list(cs_store *s, const cs_journal_query *q, cs_journal_list *out, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st;
    /* One statement per filter, so each can use its index. A row holds one
     * or more entries: limit and offset count entries, so rows are read up
     * to offset + limit and the entries cut here. */
    if (q->record_id != NULL && q->record_id[0] != '\0') {
        st = cs_sq_stmt(b, SQ_JOURNAL_LIST_RECORD,
                        JOURNAL_COLUMNS "WHERE (hs_id = ?3 OR sf_id = ?3) "
                                        "AND (?1 = 0 OR run_id = ?1) "
                                        "ORDER BY id DESC LIMIT ?2",
                        err);
        if (st != NULL)
            cs_sq_bind_text(st, 3, q->record_id);
    } else if (q->run_id != 0) {
        st = cs_sq_stmt(b, SQ_JOURNAL_LIST_RUN,
                        JOURNAL_COLUMNS "WHERE run_id = ?1 ORDER BY id DESC LIMIT ?2", err);
    } else {
        st = cs_sq_stmt(b, SQ_JOURNAL_LIST,
                        JOURNAL_COLUMNS "WHERE ?1 = 0 ORDER BY id DESC LIMIT ?2", err);
    }
    if (st == NULL)
        return -1;
    jfill f = {.skip = q->offset, .want = (size_t)cs_sq_limit(q->limit)};
    int64_t rows = q->offset > (size_t)(INT64_MAX - CS_STORE_LIST_MAX)
                       ? INT64_MAX
                       : (int64_t)q->offset + (int64_t)f.want;
    sqlite3_bind_int64(st, 1, q->run_id);
    sqlite3_bind_int64(st, 2, rows);
    int rc = SQLITE_DONE, ret = 0;
    while (ret == 0 && f.l.count < f.want && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ret = read_entry(b, st, &f, err);
    if (ret == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
        ret = cs_sq_fail(b, "reading the journal", err);
    cs_sq_done(st);
    if (ret != 0) {
        cs_journal_list_dispose(&f.l);
        return -1;
    }
    *out = f.l;
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
