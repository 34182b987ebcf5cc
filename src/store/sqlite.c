/* The SQLite store, the embedded default: opening a file (WAL, durability
 * settings, schema upgrade), the prepared-statement cache and helpers shared by
 * sqlite_*.c, transactions, cursors, meta values and counts, and the ops table.
 *
 * Durability: journal_mode=WAL with synchronous=FULL. In WAL mode a commit
 * appends the transaction to the WAL file; with NORMAL that write reaches the
 * operating system before COMMIT returns, so a commit already survives
 * `kill -9` of the process — the case the engine's cursors rely on. FULL also
 * fsyncs the WAL at every commit, so a commit survives power loss or a kernel
 * crash too: without it, the last batches could vanish after Salesforce and
 * HubSpot had accepted their writes, and the links made by creates would be
 * forgotten. The cost is one fsync per batch of 100–200 records, small beside
 * the API round trips that batch needed. */
#include "store/sqlite_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/timeutil.h"

#define BUSY_TIMEOUT_MS 10000

/* ---- helpers shared by sqlite_*.c ------------------------------------------ */

int cs_sq_fail(sq_store *b, const char *what, cs_err *err)
{
    return cs_err_set(err, CS_ERR_STORE, "store %s: %s: %s", b->path, what, sqlite3_errmsg(b->db));
}

sqlite3_stmt *cs_sq_stmt(sq_store *b, sq_stmt_id id, const char *sql, cs_err *err)
{
    if (b->stmts[id] == NULL && sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                                   &b->stmts[id], NULL) != SQLITE_OK) {
        cs_sq_fail(b, "preparing a statement", err);
        sqlite3_finalize(b->stmts[id]);
        b->stmts[id] = NULL;
        return NULL;
    }
    return b->stmts[id];
}

void cs_sq_done(sqlite3_stmt *st)
{
    if (st == NULL)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

int cs_sq_bind_text(sqlite3_stmt *st, int index, const char *text)
{
    if (text == NULL)
        return sqlite3_bind_null(st, index);
    return sqlite3_bind_text(st, index, text, -1, SQLITE_STATIC);
}

void cs_sq_column_copy(sqlite3_stmt *st, int col, char *dst, size_t cap)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    size_t len = text ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (len >= cap)
        len = cap - 1;
    if (len > 0)
        memcpy(dst, text, len);
    dst[len] = '\0';
}

const char *cs_sq_column_dup(sqlite3_stmt *st, int col, cs_store_strings **pool, bool *failed)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    if (text == NULL)
        return NULL;
    return cs_store_strings_dup(pool, (const char *)text, (size_t)sqlite3_column_bytes(st, col),
                                failed);
}

int cs_sq_step_done(sq_store *b, sqlite3_stmt *st, const char *what, cs_err *err)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        cs_sq_fail(b, what, err);
        cs_sq_done(st);
        return -1;
    }
    cs_sq_done(st);
    return 0;
}

void *cs_sq_grow(void **items, size_t *count, size_t *cap, size_t size)
{
    if (*count == *cap) {
        size_t n = *cap ? *cap * 2 : 32;
        void *p = realloc(*items, n * size);
        if (p == NULL)
            return NULL;
        *items = p;
        *cap = n;
    }
    char *row = (char *)*items + *count * size;
    memset(row, 0, size);
    (*count)++;
    return row;
}

static int run_cached(sq_store *b, sq_stmt_id id, const char *sql, cs_err *err)
{
    sqlite3_stmt *st = cs_sq_stmt(b, id, sql, err);
    return st ? cs_sq_step_done(b, st, sql, err) : -1;
}

int cs_sq_group_begin(sq_store *b, bool *outer, cs_err *err)
{
    *outer = sqlite3_get_autocommit(b->db) != 0;
    if (*outer)
        return run_cached(b, SQ_BEGIN, "BEGIN IMMEDIATE", err);
    return run_cached(b, SQ_SAVEPOINT, "SAVEPOINT cs_group", err);
}

int cs_sq_group_end(sq_store *b, bool outer, int ok, cs_err *err)
{
    if (ok == 0) {
        if (run_cached(b, outer ? SQ_COMMIT : SQ_RELEASE, outer ? "COMMIT" : "RELEASE cs_group",
                       err) == 0)
            return 0;
        ok = -1;
    }
    cs_err keep; /* the first failure is the one to report */
    cs_err_clear(&keep);
    if (outer) {
        if (!sqlite3_get_autocommit(b->db))
            run_cached(b, SQ_ROLLBACK, "ROLLBACK", &keep);
    } else if (run_cached(b, SQ_ROLLBACK_TO, "ROLLBACK TO cs_group", &keep) == 0) {
        run_cached(b, SQ_RELEASE, "RELEASE cs_group", &keep);
    }
    return ok;
}

/* ---- transactions ------------------------------------------------------- */

/* IMMEDIATE takes the write lock up front: a second writer waits (busy
 * timeout) at BEGIN instead of failing halfway through a batch. */
static int sq_begin(cs_store *s, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_BEGIN, "BEGIN IMMEDIATE", err);
    return st ? cs_sq_step_done(b, st, "begin", err) : -1;
}

static void rollback_if_open(sq_store *b)
{
    if (!sqlite3_get_autocommit(b->db))
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
}

static int sq_commit(cs_store *s, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_COMMIT, "COMMIT", err);
    if (st == NULL || cs_sq_step_done(b, st, "commit", err) != 0) {
        rollback_if_open(b); /* the contract: a failed commit keeps nothing */
        return -1;
    }
    return 0;
}

static int sq_rollback(cs_store *s, cs_err *err)
{
    sq_store *b = sq_of(s);
    if (sqlite3_get_autocommit(b->db))
        return 0; /* SQLite already rolled back (after an I/O error, say) */
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_ROLLBACK, "ROLLBACK", err);
    return st ? cs_sq_step_done(b, st, "rollback", err) : -1;
}

/* ---- cursors -------------------------------------------------------------- */

static int sq_cursor_get(cs_store *s, const char *name, cs_cursor *out, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_CURSOR_GET,
                                  "SELECT ms, token, updated_ms FROM cursors WHERE name = ?1", err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->ms = sqlite3_column_int64(st, 0);
        cs_sq_column_copy(st, 1, out->token, sizeof out->token);
        out->updated_ms = sqlite3_column_int64(st, 2);
    } else if (rc != SQLITE_DONE) {
        cs_sq_fail(b, "reading a cursor", err);
    }
    cs_sq_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int sq_cursor_set(cs_store *s, const char *name, int64_t ms, const char *token, cs_err *err)
{
    sq_store *b = sq_of(s);
    /* SQLite ends a transaction by itself after some failures (disk full, I/O
     * error): a cursor written then would commit alone, ahead of its batch. */
    if (sqlite3_get_autocommit(b->db))
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: cursor %s not set: the transaction was rolled back "
                          "after an earlier failure",
                          b->path, name);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_CURSOR_SET,
                                  "INSERT INTO cursors (name, ms, token, updated_ms) "
                                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET "
                                  "ms = excluded.ms, token = excluded.token, "
                                  "updated_ms = excluded.updated_ms",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, ms);
    cs_sq_bind_text(st, 3, token ? token : "");
    sqlite3_bind_int64(st, 4, cs_time_now_ms());
    return cs_sq_step_done(b, st, "setting a cursor", err);
}

/* ---- meta and counts ------------------------------------------------------ */

static int sq_meta_get(cs_store *s, const char *key, char **value, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_META_GET, "SELECT value FROM meta WHERE key = ?1", err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    int ret = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (ret < 0) {
        cs_sq_fail(b, "reading a meta value", err);
    } else if (ret == 1) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        char *copy = strdup(text ? text : "");
        if (copy == NULL)
            ret = cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
        else
            *value = copy;
    }
    cs_sq_done(st);
    return ret;
}

static int sq_meta_set(cs_store *s, const char *key, const char *value, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_META_SET,
                                  "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, key);
    cs_sq_bind_text(st, 2, value);
    return cs_sq_step_done(b, st, "writing a meta value", err);
}

static int sq_stats(cs_store *s, int64_t now_ms, cs_store_stats *out, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(
        b, SQ_STATS,
        "SELECT (SELECT count(*) FROM links),"
        " (SELECT count(*) FROM errors WHERE dismissed = 0),"
        " (SELECT count(*) FROM errors WHERE dismissed = 0 AND next_retry_ms <= ?1),"
        " (SELECT count(*) FROM errors WHERE dismissed = 1),"
        " (SELECT coalesce(sum(coalesce(json_array_length(changes), 1)), 0) FROM journal),"
        " (SELECT count(*) FROM runs)",
        err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    if (sqlite3_step(st) != SQLITE_ROW) {
        cs_sq_fail(b, "counting", err);
        cs_sq_done(st);
        return -1;
    }
    cs_store_stats c = {
        .links = sqlite3_column_int64(st, 0),
        .errors_open = sqlite3_column_int64(st, 1),
        .errors_due = sqlite3_column_int64(st, 2),
        .errors_dismissed = sqlite3_column_int64(st, 3),
        .journal_entries = sqlite3_column_int64(st, 4),
        .runs = sqlite3_column_int64(st, 5),
    };
    cs_sq_done(st);
    *out = c;
    return 0;
}

/* ---- open and close -------------------------------------------------------- */

static void sq_close(cs_store *s)
{
    sq_store *b = sq_of(s);
    for (int i = 0; i < SQ_STMT_COUNT; i++)
        sqlite3_finalize(b->stmts[i]);
    if (b->db != NULL) {
        rollback_if_open(b);
        sqlite3_exec(b->db, "PRAGMA optimize", NULL, NULL, NULL);
        sqlite3_close_v2(b->db);
    }
    cs_sq_unlock(s); /* after the last write is closed out */
    free(b->path);
    free(b);
}

static const cs_store_ops sqlite_ops = {
    .version = 3,
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .link_add = cs_sq_link_add,
    .link_by_hs = cs_sq_link_by_hs,
    .link_by_sf = cs_sq_link_by_sf,
    .link_relink = cs_sq_link_relink,
    .link_remove = cs_sq_link_remove,
    .link_each = cs_sq_link_each,
    .snapshot_put = cs_sq_snapshot_put,
    .snapshot_get = cs_sq_snapshot_get,
    .cursor_get = sq_cursor_get,
    .cursor_set = sq_cursor_set,
    .journal_add = cs_sq_journal_add,
    .journal_list = cs_sq_journal_list,
    .error_record = cs_sq_error_record,
    .error_clear = cs_sq_error_clear,
    .error_dismiss = cs_sq_error_dismiss,
    .error_list = cs_sq_error_list,
    .error_history = cs_sq_error_history,
    .run_begin = cs_sq_run_begin,
    .run_finish = cs_sq_run_finish,
    .run_list = cs_sq_run_list,
    .meta_get = sq_meta_get,
    .meta_set = sq_meta_set,
    .stats = sq_stats,
    .lock = cs_sq_lock,
    .unlock = cs_sq_unlock,
    .seen_put = cs_sq_seen_put,
    .seen_get = cs_sq_seen_get,
    .seen_count = cs_sq_seen_count,
    .seen_nth = cs_sq_seen_nth,
    .seen_prune = cs_sq_seen_prune,
};

/* Runs a PRAGMA that answers one text row (journal_mode) or none. Switching
 * a new file to WAL needs it to itself, and SQLite answers "locked" at once,
 * without its busy handler, while another process is opening the same new
 * file: so a busy answer is tried again, for up to the busy timeout. */
static int pragma(sq_store *b, const char *sql, char *answer, size_t cap, cs_err *err)
{
    int64_t give_up = cs_time_monotonic_ms() + BUSY_TIMEOUT_MS;
    for (;;) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
            return cs_sq_fail(b, sql, err);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && answer != NULL)
            cs_sq_column_copy(st, 0, answer, cap);
        sqlite3_finalize(st);
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            return 0;
        int code = rc & 0xff;
        if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || cs_time_monotonic_ms() >= give_up)
            break;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    int code = sqlite3_errcode(b->db) & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: another process kept the database locked for %d s while this "
                          "one opened it; try again",
                          b->path, BUSY_TIMEOUT_MS / 1000);
    return cs_sq_fail(b, sql, err);
}

/* The state holds names, emails and field values: a new file is readable by
 * its owner only (SQLite gives its -wal and -shm files the same mode). */
static int create_private(const char *path, cs_err *err)
{
    if (strcmp(path, ":memory:") == 0)
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    if (errno == EEXIST)
        return 0;
    return cs_err_set(err, CS_ERR_STORE, "store %s: cannot create: %s", path, strerror(errno));
}

int cs_store_sqlite_open(const char *path, cs_store **out, cs_err *err)
{
    if (create_private(path, err) != 0)
        return -1;
    sq_store *b = calloc(1, sizeof *b);
    if (b == NULL || (b->path = strdup(path)) == NULL) {
        free(b);
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    }
    b->base.ops = &sqlite_ops;
    b->lock_fd = -1;
    /* NOMUTEX: a store is used by one thread at a time (store.h). */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &b->db, flags, NULL) != SQLITE_OK) {
        if (b->db == NULL)
            cs_err_set(err, CS_ERR_STORE, "store %s: cannot open: out of memory", path);
        else
            cs_sq_fail(b, "cannot open", err);
        sq_close(&b->base);
        return -1;
    }
    sqlite3_extended_result_codes(b->db, 1);
    sqlite3_busy_timeout(b->db, BUSY_TIMEOUT_MS);

    int version = 0;
    char mode[32] = "";
    if (cs_sq_schema_version(b->db, path, &version, err) != 0 ||
        pragma(b, "PRAGMA journal_mode = WAL", mode, sizeof mode, err) != 0 ||
        pragma(b, "PRAGMA synchronous = FULL", NULL, 0, err) != 0 ||
        pragma(b, "PRAGMA foreign_keys = ON", NULL, 0, err) != 0 ||
        pragma(b, "PRAGMA temp_store = MEMORY", NULL, 0, err) != 0 ||
        /* 4 MiB of page cache: 16 MiB measured no faster on a 10k first
         * pass (misses are served from the OS cache) and cost 12 MiB of
         * peak RSS (bench/RESULTS.md). */
        pragma(b, "PRAGMA cache_size = -4096", NULL, 0, err) != 0) {
        sq_close(&b->base);
        return -1;
    }
    /* ":memory:" stays in memory mode; a file must be in WAL. */
    if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0) {
        cs_err_set(err, CS_ERR_STORE, "store %s: cannot switch to WAL mode (journal mode is %s)",
                   path, mode);
        sq_close(&b->base);
        return -1;
    }
    if (cs_sq_schema_upgrade(b->db, path, CS_SQ_SCHEMA_VERSION, err) != 0) {
        sq_close(&b->base);
        return -1;
    }
    *out = &b->base;
    return 0;
}
