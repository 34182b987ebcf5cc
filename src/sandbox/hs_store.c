/* The HubSpot emulation's state kept across requests: prepared statements
 * (prepared on first use, finalized at shutdown), the end-of-request
 * clean-up, the search count cache's bookkeeping and transaction helpers.
 * See hs_int.h for what lives how long. */
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_int.h"

static const char *const stmt_sql[HS_ST_COUNT] = {
    [HS_ST_OBJ_GET] = "SELECT created_ms, updated_ms, archived, archived_ms, props FROM hs_objects"
                      " WHERE id = ?1 AND type_id = ?2",
    [HS_ST_OBJ_INSERT] = "INSERT INTO hs_objects(type_id, created_ms, updated_ms, props)"
                         " VALUES(?1, ?2, ?2, ?3)",
    [HS_ST_OBJ_UPDATE] = "UPDATE hs_objects SET updated_ms = ?1, props = ?2 WHERE id = ?3",
    [HS_ST_OBJ_ARCHIVE] = "UPDATE hs_objects SET archived = 1, archived_ms = ?1, updated_ms = ?1"
                          " WHERE id = ?2 AND type_id = ?3 AND archived = 0",
    [HS_ST_UNIQUE_FIND] = "SELECT object_id FROM hs_unique WHERE type_id = ?1 AND name = ?2"
                          " AND value_lc = ?3",
    [HS_ST_UNIQUE_PUT] = "INSERT OR REPLACE INTO hs_unique(type_id, name, value_lc, object_id)"
                         " VALUES(?1, ?2, ?3, ?4)",
    [HS_ST_UNIQUE_DEL_OBJ] = "DELETE FROM hs_unique WHERE object_id = ?1",
    [HS_ST_UNIQUE_DEL_ONE] = "DELETE FROM hs_unique WHERE type_id = ?1 AND name = ?2"
                             " AND object_id = ?3",
    [HS_ST_ASSOC_DEL_OBJ] = "DELETE FROM hs_assoc WHERE from_id = ?1 OR to_id = ?1",
    [HS_ST_LIST_DEL_OBJ] = "DELETE FROM hs_list_members WHERE record_id = ?1",
    [HS_ST_OBJ_COUNT_MOD] = "SELECT COUNT(*) FROM hs_objects WHERE type_id = ?1 AND archived = 0"
                            " AND updated_ms BETWEEN ?2 AND ?3",
    [HS_ST_STALE_PUT] = "INSERT INTO temp.hs_search_stale(type_id, object_id, due_ms, present,"
                        " created_ms, updated_ms, props) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                        " ON CONFLICT(type_id, object_id) DO UPDATE SET due_ms = excluded.due_ms",
    [HS_ST_STALE_EXPIRE] = "DELETE FROM temp.hs_search_stale WHERE due_ms <= ?1",
    [HS_ST_STALE_ANY] = "SELECT 1 FROM temp.hs_search_stale LIMIT 1",
    [HS_ST_STALE_GET] = "SELECT present, created_ms, updated_ms, props FROM temp.hs_search_stale"
                        " WHERE type_id = ?1 AND object_id = ?2",
};

hs_state *hs_state_get(sb_ctx *ctx)
{
    if (ctx->hs == NULL)
        ctx->hs = calloc(1, sizeof(hs_state));
    return ctx->hs;
}

static void types_free(hs_state *st)
{
    for (size_t i = 0; i < st->ntypes; i++) {
        hs_type *t = &st->types[i];
        free(t->type_id);
        free(t->name);
        free(t->singular);
        free(t->fqn);
        json_decref(t->def);
        json_decref(t->props);
    }
    free(st->types);
    st->types = NULL;
    st->ntypes = 0;
    st->types_loaded = false;
}

void hs_types_invalidate(sb_ctx *ctx)
{
    hs_state *st = ctx->hs;
    if (st) {
        types_free(st);
        st->types_changed = true;
    }
}

void hs_state_end_request(sb_ctx *ctx)
{
    hs_state *st = ctx->hs;
    if (st == NULL)
        return;
    hs_rollback(ctx);
    for (int i = 0; i < HS_ST_COUNT; i++)
        if (st->stmts[i])
            sqlite3_reset(st->stmts[i]);
    if (st->types_changed) {
        types_free(st);
        st->types_changed = false;
    }
}

void hs_count_forget(sb_ctx *ctx)
{
    hs_state *st = ctx->hs;
    if (st)
        st->count.valid = false;
}

void hs_count_note(sb_ctx *ctx, const hs_type *t, bool was_live, int64_t old_ms, bool live,
                   int64_t new_ms)
{
    hs_state *st = ctx->hs;
    if (st == NULL || !st->count.valid || strcmp(st->count.type_id, t->type_id) != 0)
        return;
    const hs_count_cache *c = &st->count;
    st->count.count -= was_live && old_ms >= c->from_ms && old_ms <= c->to_ms;
    st->count.count += live && new_ms >= c->from_ms && new_ms <= c->to_ms;
}

void hs_state_release(sb_ctx *ctx)
{
    hs_state *st = ctx->hs;
    if (st == NULL)
        return;
    for (int i = 0; i < HS_ST_COUNT; i++)
        sqlite3_finalize(st->stmts[i]);
    types_free(st);
    free(st);
    ctx->hs = NULL;
}

int hs_db_error(sb_ctx *ctx, cs_err *err, const char *what)
{
    return cs_err_set(err, CS_ERR_STORE, "sandbox database (%s): %s", what,
                      sqlite3_errmsg(ctx->db));
}

sqlite3_stmt *hs_stmt(sb_ctx *ctx, hs_stmt_id id, cs_err *err)
{
    hs_state *st = hs_state_get(ctx);
    if (st == NULL) {
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    sqlite3_stmt *s = st->stmts[id];
    if (s == NULL) {
        if (sqlite3_prepare_v2(ctx->db, stmt_sql[id], -1, &s, NULL) != SQLITE_OK) {
            hs_db_error(ctx, err, "prepare");
            return NULL;
        }
        st->stmts[id] = s;
    } else {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
    return s;
}

int hs_begin(sb_ctx *ctx, cs_err *err)
{
    return sb_exec(ctx, "BEGIN IMMEDIATE", err);
}

int hs_commit(sb_ctx *ctx, cs_err *err)
{
    if (sb_exec(ctx, "COMMIT", err) != 0) {
        hs_rollback(ctx);
        return -1;
    }
    return 0;
}

void hs_rollback(sb_ctx *ctx)
{
    if (!sqlite3_get_autocommit(ctx->db)) {
        sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
        hs_count_forget(ctx);
    }
}
