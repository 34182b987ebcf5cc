/* The SQLite store's schema and its forward migrations. A file records every
 * migration applied to it in schema_version; opening a file applies the
 * missing ones in one transaction, so an older file is upgraded in place and
 * a current one is left alone. Migrations are only ever appended: a released
 * step is never edited, since files out there already went through it. */
#include "store/sqlite_int.h"

#include <string.h>

#include "core/timeutil.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

typedef struct migration {
    const char *description;
    const char *sql; /* constant text only: no value is ever formatted into it */
} migration;

static const migration migrations[CS_SQ_SCHEMA_VERSION] = {
    {
        "links, snapshots, cursors, journal, runs, meta",
        "PRAGMA application_id = " STR(
            CS_SQ_APPLICATION_ID) ";"
                                  "CREATE TABLE schema_version ("
                                  "  version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL,"
                                  "  description TEXT NOT NULL);"
                                  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) "
                                  "WITHOUT ROWID;"
                                  /* HubSpot ids are unique per object type, Salesforce ids
                                     org-wide. */
                                  "CREATE TABLE links ("
                                  "  id INTEGER PRIMARY KEY, object TEXT NOT NULL, hs_id TEXT NOT "
                                  "NULL,"
                                  "  sf_type TEXT NOT NULL, sf_id TEXT NOT NULL,"
                                  "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
                                  "  UNIQUE (object, hs_id), UNIQUE (sf_id));"
                                  "CREATE TABLE snapshots ("
                                  "  link_id INTEGER PRIMARY KEY REFERENCES links (id) ON DELETE "
                                  "CASCADE,"
                                  "  fields TEXT NOT NULL, hs_modified_ms INTEGER NOT NULL,"
                                  "  sf_modified_ms INTEGER NOT NULL, synced_ms INTEGER NOT NULL);"
                                  "CREATE TABLE cursors ("
                                  "  name TEXT PRIMARY KEY, ms INTEGER NOT NULL, token TEXT NOT "
                                  "NULL,"
                                  "  updated_ms INTEGER NOT NULL) WITHOUT ROWID;"
                                  "CREATE TABLE runs ("
                                  "  id INTEGER PRIMARY KEY, started_ms INTEGER NOT NULL,"
                                  "  finished_ms INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,"
                                  "  counts TEXT, message TEXT);"
                                  /* R5 */
                                  "CREATE TABLE journal ("
                                  "  id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, run_id "
                                  "INTEGER NOT NULL,"
                                  "  direction TEXT NOT NULL, op TEXT NOT NULL, object TEXT NOT "
                                  "NULL,"
                                  "  hs_id TEXT, sf_id TEXT, field TEXT, old_value TEXT, new_value "
                                  "TEXT,"
                                  "  reason TEXT NOT NULL);"
                                  "CREATE INDEX journal_by_hs_id ON journal (hs_id);"
                                  "CREATE INDEX journal_by_sf_id ON journal (sf_id);"
                                  "CREATE INDEX journal_by_run ON journal (run_id);",
    },
    {
        /* R4, R8, R9 */
        "record errors with retry schedule and history",
        "CREATE TABLE errors ("
        "  id INTEGER PRIMARY KEY, side TEXT NOT NULL, object TEXT NOT NULL,"
        "  record_key TEXT NOT NULL, category TEXT NOT NULL, field TEXT,"
        "  message TEXT NOT NULL, email TEXT, hs_id TEXT, sf_id TEXT,"
        "  attempts INTEGER NOT NULL, first_seen_ms INTEGER NOT NULL,"
        "  last_seen_ms INTEGER NOT NULL, next_retry_ms INTEGER NOT NULL,"
        "  dismissed INTEGER NOT NULL DEFAULT 0,"
        "  UNIQUE (side, object, record_key));"
        "CREATE INDEX errors_by_retry ON errors (dismissed, next_retry_ms);"
        "CREATE TABLE error_events ("
        "  id INTEGER PRIMARY KEY, side TEXT NOT NULL, object TEXT NOT NULL,"
        "  record_key TEXT NOT NULL, at_ms INTEGER NOT NULL, kind TEXT NOT NULL,"
        "  attempt INTEGER NOT NULL, category TEXT NOT NULL, field TEXT, message TEXT);"
        "CREATE INDEX error_events_by_record ON error_events (side, object, record_key, id);",
    },
    {
        "scan_seen: what each change scan has seen (R2)",
        "CREATE TABLE scan_seen ("
        "  scan TEXT NOT NULL, id TEXT NOT NULL, modified_ms INTEGER NOT NULL,"
        "  confirmed_ms INTEGER NOT NULL, PRIMARY KEY (scan, id)) WITHOUT ROWID;"
        "CREATE INDEX scan_seen_by_time ON scan_seen (scan, modified_ms);",
    },
    {
        /* R5: the fields of one record write in one row (sqlite_log.c) */
        "journal: one row per record write",
        "ALTER TABLE journal ADD COLUMN changes TEXT;",
    },
};

/* A failure while reading the file, said in words a user can act on. */
static int read_fail(sqlite3 *db, const char *path, cs_err *err)
{
    int code = sqlite3_errcode(db) & 0xff;
    if (code == SQLITE_NOTADB)
        return cs_err_set(err, CS_ERR_STORE, "store %s: not a SQLite database (%s)", path,
                          sqlite3_errmsg(db));
    if (code == SQLITE_CORRUPT)
        return cs_err_set(err, CS_ERR_STORE, "store %s: the database file is damaged (%s)", path,
                          sqlite3_errmsg(db));
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: another process kept the database locked for too long while "
                          "this one opened it; try again",
                          path);
    return cs_err_set(err, CS_ERR_STORE, "store %s: cannot read the schema: %s", path,
                      sqlite3_errmsg(db));
}

/* The single integer answered by sql. */
static int query_int(sqlite3 *db, const char *path, const char *sql, int64_t *out, cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        read_fail(db, path, err);
        sqlite3_finalize(st);
        return -1;
    }
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        read_fail(db, path, err);
        sqlite3_finalize(st);
        return -1;
    }
    *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}

static int read_version(sqlite3 *db, const char *path, int *version, cs_err *err);

/* The reads below are one read transaction: read one by one, a process that
 * commits a new store's first migration in between would show "application
 * id 0" and "17 tables", a store this function would then refuse as not
 * crmsync's. Inside the caller's transaction (the upgrade) they already are. */
int cs_sq_schema_version(sqlite3 *db, const char *path, int *version, cs_err *err)
{
    if (!sqlite3_get_autocommit(db))
        return read_version(db, path, version, err);
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        read_fail(db, path, err);
        return -1;
    }
    int rc = read_version(db, path, version, err);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

static int read_version(sqlite3 *db, const char *path, int *version, cs_err *err)
{
    int64_t app_id = 0, tables = 0, v = 0;
    if (query_int(db, path, "PRAGMA application_id", &app_id, err) != 0 ||
        query_int(db, path, "SELECT count(*) FROM sqlite_master", &tables, err) != 0)
        return -1;
    if (app_id == 0 && tables == 0) {
        *version = 0; /* a new, empty file */
        return 0;
    }
    if (app_id != CS_SQ_APPLICATION_ID)
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: a SQLite database, but not a crmsync store "
                          "(application_id %lld, %lld tables); refusing to use it",
                          path, (long long)app_id, (long long)tables);
    if (query_int(db, path, "SELECT coalesce(max(version), 0) FROM schema_version", &v, err) != 0)
        return -1;
    if (v < 0 || v > 1000000)
        return cs_err_set(err, CS_ERR_STORE, "store %s: schema version %lld is not valid", path,
                          (long long)v);
    *version = (int)v;
    return 0;
}

static int apply(sqlite3 *db, const char *path, int version, cs_err *err)
{
    const migration *m = &migrations[version - 1];
    char *msg = NULL;
    if (sqlite3_exec(db, m->sql, NULL, NULL, &msg) != SQLITE_OK) {
        cs_err_set(err, CS_ERR_STORE, "store %s: migration %d (%s) failed: %s", path, version,
                   m->description, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "INSERT INTO schema_version (version, applied_ms, description) "
                                "VALUES (?1, ?2, ?3)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int(st, 1, version);
        sqlite3_bind_int64(st, 2, cs_time_now_ms());
        sqlite3_bind_text(st, 3, m->description, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cs_err_set(err, CS_ERR_STORE, "store %s: recording migration %d: %s", path, version,
                          sqlite3_errmsg(db));
    return 0;
}

int cs_sq_schema_upgrade(sqlite3 *db, const char *path, int target, cs_err *err)
{
    if (target < 1 || target > CS_SQ_SCHEMA_VERSION)
        target = CS_SQ_SCHEMA_VERSION;
    int version = 0;
    if (cs_sq_schema_version(db, path, &version, err) != 0)
        return -1;
    if (version > CS_SQ_SCHEMA_VERSION)
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: schema version %d is newer than this crmsync knows (%d); "
                          "upgrade crmsync",
                          path, version, CS_SQ_SCHEMA_VERSION);
    if (version >= target)
        return 0;

    /* Another process may be upgrading the same file: take the write lock,
     * then look again. */
    char *msg = NULL;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK) {
        cs_err_set(err, CS_ERR_STORE, "store %s: cannot lock for the schema upgrade: %s", path,
                   msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    int rc = cs_sq_schema_version(db, path, &version, err);
    if (rc == 0 && version > CS_SQ_SCHEMA_VERSION)
        rc = cs_err_set(err, CS_ERR_STORE, "store %s: schema version %d is newer than %d", path,
                        version, CS_SQ_SCHEMA_VERSION);
    for (int v = version + 1; rc == 0 && v <= target; v++)
        rc = apply(db, path, v, err);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = cs_err_set(err, CS_ERR_STORE, "store %s: committing the schema upgrade: %s", path,
                        sqlite3_errmsg(db));
    if (rc != 0 && !sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
