/* Record storage of the Salesforce emulation (tables described in
 * sf_int.h) and the per-request transaction: one SQLite transaction per
 * request, one SystemModstamp per transaction (like a real save, every record
 * written by one request carries the same stamp, and stamps strictly
 * increase from request to request even within one millisecond).
 *
 * Statements are prepared on first use and kept in ctx->sf for the life of
 * the sandbox: reset when a request ends (so none holds a read open),
 * finalized by the API's dispose hook before the database closes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sf_int.h"

static const char *const stmt_sql[SF_ST_COUNT] = {
    [SF_ST_GET] = "SELECT data, is_deleted FROM sf_records WHERE id = ?",
    [SF_ST_INSERT] = "INSERT INTO sf_records(id, object, data, is_deleted, modstamp, email) "
                     "VALUES (?, ?, ?, 0, ?, ?)",
    [SF_ST_UPDATE] = "UPDATE sf_records SET data = ?, is_deleted = ?, modstamp = ?, email = ?, "
                     "deleted_ms = CASE WHEN ? THEN coalesce(deleted_ms, ?) END WHERE id = ?",
    [SF_ST_EXT_FIND] = "SELECT e.id FROM sf_extids e JOIN sf_records r ON r.id = e.id "
                       "WHERE e.object = ? AND e.field = ? AND e.value = ? AND r.is_deleted = 0 "
                       "ORDER BY r.rid LIMIT ?",
    [SF_ST_EXT_INSERT] =
        "INSERT OR IGNORE INTO sf_extids(object, field, value, id) VALUES (?,?,?,?)",
    [SF_ST_EXT_DELETE] = "DELETE FROM sf_extids WHERE id = ?",
    [SF_ST_META_GET] = "SELECT value FROM sf_meta WHERE key = ?",
    [SF_ST_META_SAVE] = "UPDATE sf_meta SET value = CASE key WHEN 'stamp' THEN ?1 "
                        "ELSE ?2 END WHERE key IN ('stamp', 'id_seq')",
};

typedef struct sf_state {
    sqlite3_stmt *st[SF_ST_COUNT];
    sf_ruleset *rules; /* sf_rules_store.c */
    sf_request_opts opts;
    int depth; /* open sf_tx transactions: more than one inside /composite */
} sf_state;

int sf_store_init(sb_ctx *ctx, cs_err *err)
{
    return sb_exec(
        ctx,
        "CREATE TABLE IF NOT EXISTS sf_meta(key TEXT PRIMARY KEY, value);"
        "CREATE TABLE IF NOT EXISTS sf_records("
        "  rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, object TEXT NOT NULL,"
        "  data TEXT NOT NULL, is_deleted INTEGER NOT NULL DEFAULT 0,"
        "  modstamp INTEGER NOT NULL, deleted_ms INTEGER, email TEXT);"
        "CREATE INDEX IF NOT EXISTS sf_records_obj ON sf_records(object, is_deleted);"
        "CREATE INDEX IF NOT EXISTS sf_records_mod ON sf_records(object, modstamp);"
        "CREATE INDEX IF NOT EXISTS sf_records_email ON sf_records(object, email);"
        /* SOQL compares Id case-insensitively (sf_query.c looks ids up here) */
        "CREATE INDEX IF NOT EXISTS sf_records_id_nocase ON sf_records(id COLLATE NOCASE);"
        "CREATE INDEX IF NOT EXISTS sf_records_del ON sf_records(object, deleted_ms)"
        "  WHERE deleted_ms IS NOT NULL;"
        "CREATE TABLE IF NOT EXISTS sf_extids(object TEXT NOT NULL, field TEXT NOT NULL,"
        "  value TEXT NOT NULL, id TEXT NOT NULL,"
        "  PRIMARY KEY(object, field, value, id)) WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS sf_extids_id ON sf_extids(id);"
        "CREATE TABLE IF NOT EXISTS sf_custom(seq INTEGER PRIMARY KEY, def TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS sf_locators(locator TEXT PRIMARY KEY,"
        "  soql TEXT NOT NULL, ids BLOB NOT NULL, batch INTEGER NOT NULL,"
        "  created_ms INTEGER NOT NULL);"
        "INSERT OR IGNORE INTO sf_meta(key, value) VALUES ('id_seq', 1), ('stamp', 0);"
        /* Users written before User.Name was maintained get it now (the
         * compound of sf_write.c: FirstName LastName, or LastName alone). */
        "UPDATE sf_records SET data = json_set(data, '$.Name',"
        "  CASE WHEN coalesce(json_extract(data, '$.FirstName'), '') = ''"
        "  THEN json_extract(data, '$.LastName')"
        "  ELSE json_extract(data, '$.FirstName') || ' ' || json_extract(data, '$.LastName') END)"
        " WHERE object = 'User' AND json_extract(data, '$.Name') IS NULL"
        "  AND json_extract(data, '$.LastName') IS NOT NULL;",
        err);
}

static int db_error(sf_tx *tx, cs_err *err)
{
    return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
}

/* The API's kept state, created on first use; NULL (err filled when not
 * NULL) when out of memory. */
static sf_state *state_of(sb_ctx *ctx, cs_err *err)
{
    if (ctx->sf == NULL)
        ctx->sf = calloc(1, sizeof(sf_state));
    if (ctx->sf == NULL && err != NULL)
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    return ctx->sf;
}

/* A kept statement, reset and with bindings cleared; NULL when it cannot be
 * prepared (err filled when err is not NULL). */
static sqlite3_stmt *ctx_stmt(sb_ctx *ctx, enum sf_stmt_id id, cs_err *err)
{
    sf_state *state = state_of(ctx, err);
    if (state == NULL)
        return NULL;
    if (state->st[id] == NULL &&
        sqlite3_prepare_v2(ctx->db, stmt_sql[id], -1, &state->st[id], NULL) != SQLITE_OK) {
        if (err)
            cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(ctx->db));
        return NULL;
    }
    sqlite3_reset(state->st[id]);
    sqlite3_clear_bindings(state->st[id]);
    return state->st[id];
}

sf_ruleset **sf_store_rules_slot(sb_ctx *ctx)
{
    if (ctx->sf == NULL)
        ctx->sf = calloc(1, sizeof(sf_state));
    sf_state *state = ctx->sf;
    return state ? &state->rules : NULL;
}

sf_request_opts *sf_store_request_opts(sb_ctx *ctx)
{
    if (ctx->sf == NULL)
        ctx->sf = calloc(1, sizeof(sf_state));
    sf_state *state = ctx->sf;
    return state ? &state->opts : NULL;
}

static sqlite3_stmt *stmt(sf_tx *tx, enum sf_stmt_id id, cs_err *err)
{
    return ctx_stmt(tx->ctx, id, err);
}

static void reset_all(sb_ctx *ctx)
{
    sf_state *state = ctx->sf;
    for (int i = 0; state && i < SF_ST_COUNT; i++)
        if (state->st[i])
            sqlite3_reset(state->st[i]);
}

void sf_store_dispose(sb_ctx *ctx)
{
    sf_state *state = ctx->sf;
    if (state == NULL)
        return;
    for (int i = 0; i < SF_ST_COUNT; i++)
        sqlite3_finalize(state->st[i]);
    sf_ruleset_free(state->rules);
    free(state);
    ctx->sf = NULL;
}

static int64_t meta_int(sb_ctx *ctx, const char *key)
{
    sqlite3_stmt *st = ctx_stmt(ctx, SF_ST_META_GET, NULL);
    int64_t v = 0;
    if (st) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    return v;
}

static void meta_text(sb_ctx *ctx, const char *key, char *out, size_t size)
{
    sqlite3_stmt *st = ctx_stmt(ctx, SF_ST_META_GET, NULL);
    out[0] = '\0';
    if (st) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_reset(st);
    }
}

/* A transaction begun while another is open (a subrequest of /composite runs
 * its handler inside the composite's transaction) is a savepoint: its commit
 * releases it into the outer transaction and its end rolls back only its own
 * writes, so the outer one can still commit or roll back everything. */
int sf_tx_begin(sb_ctx *ctx, sf_tx *tx, int version, cs_err *err)
{
    memset(tx, 0, sizeof *tx);
    tx->ctx = ctx;
    tx->version = version;
    sf_state *state = state_of(ctx, err);
    if (state == NULL)
        return -1;
    if (sf_schema_load(ctx, &tx->schema, err) != 0)
        return -1;
    tx->nested = state->depth > 0;
    if (sb_exec(ctx, tx->nested ? "SAVEPOINT sf_tx" : "BEGIN IMMEDIATE", err) != 0) {
        sf_schema_free(tx->schema);
        tx->schema = NULL;
        return -1;
    }
    state->depth++;
    tx->open = true;
    int64_t last = meta_int(ctx, "stamp");
    int64_t now = cs_time_now_ms();
    tx->stamp_ms = now > last ? now : last + 1;
    cs_time_format_salesforce(tx->stamp_ms, tx->stamp);
    tx->next_seq = tx->first_seq = (uint64_t)meta_int(ctx, "id_seq");
    meta_text(ctx, "integration_user", tx->user_id, sizeof tx->user_id);
    return 0;
}

static int save_meta(sf_tx *tx, cs_err *err)
{
    sqlite3_stmt *st = stmt(tx, SF_ST_META_SAVE, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, tx->stamp_ms);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)tx->next_seq);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(tx, err);
    sqlite3_reset(st);
    return rc;
}

int sf_tx_commit(sf_tx *tx, cs_err *err)
{
    if (!tx->open)
        return 0;
    if ((tx->wrote || tx->next_seq != tx->first_seq) && save_meta(tx, err) != 0)
        return -1;
    if (sb_exec(tx->ctx, tx->nested ? "RELEASE sf_tx" : "COMMIT", err) != 0)
        return -1;
    tx->open = false;
    ((sf_state *)tx->ctx->sf)->depth--;
    return 0;
}

void sf_tx_end(sf_tx *tx)
{
    reset_all(tx->ctx);
    if (tx->open) {
        sqlite3_exec(tx->ctx->db, tx->nested ? "ROLLBACK TO sf_tx; RELEASE sf_tx" : "ROLLBACK",
                     NULL, NULL, NULL);
        tx->open = false;
        ((sf_state *)tx->ctx->sf)->depth--;
    }
    sf_schema_free(tx->schema);
    tx->schema = NULL;
}

int sf_tx_savepoint(sf_tx *tx, cs_err *err)
{
    return sb_exec(tx->ctx, "SAVEPOINT sf_sp", err);
}

int sf_tx_release(sf_tx *tx, cs_err *err)
{
    return sb_exec(tx->ctx, "RELEASE sf_sp", err);
}

int sf_tx_rollback_to(sf_tx *tx, cs_err *err)
{
    return sb_exec(tx->ctx, "ROLLBACK TO sf_sp; RELEASE sf_sp", err);
}

int sf_store_new_id(sf_tx *tx, const sf_object *o, char out[SF_ID_LEN + 1])
{
    return sf_id_make(o->key_prefix, tx->next_seq++, out);
}

int sf_store_get(sf_tx *tx, const char *id, json_t **data, bool *deleted, cs_err *err)
{
    sqlite3_stmt *st = stmt(tx, SF_ST_GET, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return db_error(tx, err);
    const char *text = (const char *)sqlite3_column_text(st, 0);
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    if (j == NULL)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: record %s is corrupt", id);
    *deleted = sqlite3_column_int(st, 1) != 0;
    *data = j;
    return 0;
}

json_t *sf_store_parent(sf_tx *tx, json_t *cache, const char *id)
{
    json_t *p = json_object_get(cache, id);
    if (p)
        return json_is_null(p) ? NULL : p;
    json_t *data = NULL;
    bool deleted = false;
    cs_err err;
    if (sf_store_get(tx, id, &data, &deleted, &err) != 0)
        data = json_null();
    json_object_set_new(cache, id, data);
    return json_is_null(data) ? NULL : data;
}

bool sf_store_indexed(const sf_field *f)
{
    return (f->flags & (SF_F_EXT | SF_F_UNIQ)) && f->type != SF_T_ID;
}

/* Lower-cased copy of a text value (external ids and emails compare without
 * case). Caller frees. */
static char *lower_dup(const char *s)
{
    char *out = strdup(s);
    for (char *p = out; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

static char *value_text(json_t *v)
{
    if (json_is_string(v))
        return lower_dup(json_string_value(v));
    if (json_is_null(v) || v == NULL)
        return NULL;
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

static int index_ext(sf_tx *tx, const sf_object *o, const char *id, json_t *data, cs_err *err)
{
    for (size_t i = 0; i < o->nfields; i++) {
        const sf_field *f = &o->fields[i];
        if (!sf_store_indexed(f))
            continue;
        char *v = value_text(json_object_get(data, f->name));
        if (v == NULL)
            continue;
        sqlite3_stmt *st = stmt(tx, SF_ST_EXT_INSERT, err);
        if (st == NULL) {
            free(v);
            return -1;
        }
        sqlite3_bind_text(st, 1, o->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, v, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        free(v);
        if (rc != SQLITE_DONE)
            return db_error(tx, err);
    }
    return 0;
}

static void bind_email(sqlite3_stmt *st, int col, json_t *data)
{
    const char *email = json_string_value(json_object_get(data, "Email"));
    char *lower = email ? lower_dup(email) : NULL;
    if (lower)
        sqlite3_bind_text(st, col, lower, -1, free);
    else
        sqlite3_bind_null(st, col);
}

int sf_store_insert(sf_tx *tx, const sf_object *o, const char *id, json_t *data, cs_err *err)
{
    char *text = json_dumps(data, JSON_COMPACT);
    if (text == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sqlite3_stmt *st = stmt(tx, SF_ST_INSERT, err);
    if (st == NULL) {
        free(text);
        return -1;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, text, -1, free);
    sqlite3_bind_int64(st, 4, tx->stamp_ms);
    bind_email(st, 5, data);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_error(tx, err);
    tx->wrote = true;
    return index_ext(tx, o, id, data, err);
}

int sf_store_update(sf_tx *tx, const sf_object *o, const char *id, json_t *data, bool deleted,
                    cs_err *err)
{
    char *text = json_dumps(data, JSON_COMPACT);
    if (text == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sqlite3_stmt *st = stmt(tx, SF_ST_UPDATE, err);
    if (st == NULL) {
        free(text);
        return -1;
    }
    sqlite3_bind_text(st, 1, text, -1, free);
    sqlite3_bind_int(st, 2, deleted);
    sqlite3_bind_int64(st, 3, tx->stamp_ms);
    bind_email(st, 4, data);
    sqlite3_bind_int(st, 5, deleted);
    sqlite3_bind_int64(st, 6, tx->stamp_ms);
    sqlite3_bind_text(st, 7, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_error(tx, err);
    tx->wrote = true;
    st = stmt(tx, SF_ST_EXT_DELETE, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_error(tx, err);
    return deleted ? 0 : index_ext(tx, o, id, data, err);
}

int sf_store_find_ext(sf_tx *tx, const sf_object *o, const sf_field *f, const char *value,
                      char (*ids)[SF_ID_LEN + 1], int max, int *n, cs_err *err)
{
    *n = 0;
    sqlite3_stmt *st = stmt(tx, SF_ST_EXT_FIND, err);
    if (st == NULL)
        return -1;
    char *lower = lower_dup(value);
    if (lower == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sqlite3_bind_text(st, 1, o->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, lower, -1, free);
    sqlite3_bind_int(st, 4, max);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        snprintf(ids[*n], SF_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
        (*n)++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(tx, err);
    return 0;
}
