/* What each change scan has seen, in the SQLite store (R2): one row per scan
 * and record with the record's latest modification time a scan returned and
 * when a read last confirmed it, indexed by time so that a window's rows are
 * counted, split at their median and pruned without a table scan. */
#include "store/sqlite_int.h"

int cs_sq_seen_put(cs_store *s, const char *scan, const char *id, int64_t modified_ms,
                   int64_t confirmed_ms, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st =
        modified_ms < 0
            ? cs_sq_stmt(b, SQ_SEEN_FORGET, "DELETE FROM scan_seen WHERE scan = ?1 AND id = ?2",
                         err)
            : cs_sq_stmt(b, SQ_SEEN_PUT,
                         "INSERT INTO scan_seen (scan, id, modified_ms, confirmed_ms) "
                         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (scan, id) DO UPDATE SET "
                         /* a write's row (confirmed < 0) gives way to the next read */
                         "modified_ms = CASE WHEN excluded.confirmed_ms < 0 OR confirmed_ms < 0 "
                         "THEN excluded.modified_ms "
                         "ELSE max(modified_ms, excluded.modified_ms) END, "
                         "confirmed_ms = CASE WHEN excluded.confirmed_ms < 0 THEN -1 "
                         "ELSE max(confirmed_ms, excluded.confirmed_ms) END",
                         err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, scan);
    cs_sq_bind_text(st, 2, id);
    if (modified_ms >= 0) {
        sqlite3_bind_int64(st, 3, modified_ms);
        sqlite3_bind_int64(st, 4, confirmed_ms);
    }
    return cs_sq_step_done(b, st, "noting a record a scan saw", err);
}

int cs_sq_seen_get(cs_store *s, const char *scan, const char *id, int64_t *modified_ms, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_SEEN_GET,
                                  "SELECT CASE WHEN confirmed_ms < 0 THEN -1 ELSE modified_ms END "
                                  "FROM scan_seen WHERE scan = ?1 AND id = ?2",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, scan);
    cs_sq_bind_text(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *modified_ms = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        cs_sq_fail(b, "reading what a scan saw", err);
    cs_sq_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int cs_sq_seen_count(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms, int64_t *n,
                     cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_SEEN_COUNT,
                                  "SELECT count(*) FROM scan_seen WHERE scan = ?1 AND "
                                  "modified_ms >= ?2 AND modified_ms < ?3",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, scan);
    sqlite3_bind_int64(st, 2, from_ms);
    sqlite3_bind_int64(st, 3, to_ms);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        cs_sq_fail(b, "counting what a scan saw", err);
    cs_sq_done(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int cs_sq_seen_nth(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms, int64_t k,
                   int64_t *modified_ms, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_SEEN_NTH,
                                  "SELECT modified_ms FROM scan_seen WHERE scan = ?1 AND "
                                  "modified_ms >= ?2 AND modified_ms < ?3 "
                                  "ORDER BY modified_ms LIMIT 1 OFFSET ?4",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, scan);
    sqlite3_bind_int64(st, 2, from_ms);
    sqlite3_bind_int64(st, 3, to_ms);
    sqlite3_bind_int64(st, 4, k);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *modified_ms = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        cs_sq_fail(b, "reading what a scan saw", err);
    cs_sq_done(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int cs_sq_seen_prune(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms,
                     int64_t confirmed_before_ms, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_SEEN_PRUNE,
                                  "DELETE FROM scan_seen WHERE scan = ?1 AND modified_ms >= ?2 "
                                  "AND modified_ms < ?3 AND confirmed_ms < ?4",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, scan);
    sqlite3_bind_int64(st, 2, from_ms);
    sqlite3_bind_int64(st, 3, to_ms);
    sqlite3_bind_int64(st, 4, confirmed_before_ms);
    return cs_sq_step_done(b, st, "pruning what a scan saw", err);
}
