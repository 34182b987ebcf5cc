/* The search index's lag (--hubspot-search-lag-ms): HubSpot's search reads
 * an index that a write reaches only seconds later, while reads by id, batch
 * reads and lists see the record at once.
 *
 * Rather than keep a second copy of every record, the sandbox keeps only the
 * difference: hs_search_stale holds, for each record written in the last
 * lag ms, the record as search last indexed it (present = 0 for a record
 * created since, which search does not know yet) and when the index catches
 * up (due_ms: the last write plus the lag). Search reads hs_objects minus
 * those records plus their indexed copies (hs_index_source), so filters,
 * sorts, `total` and the properties shown all come from the indexed record,
 * as on HubSpot, where search serves the indexed document. A further write
 * before due_ms moves due_ms on and keeps the older indexed copy: search
 * sees a record only lag ms after its last write. Rows past due_ms are
 * dropped before each search, so the index then shows the current record,
 * an archived one no longer at all.
 *
 * The table is TEMP (in memory, per connection): it is rolled back with the
 * write that made it, and a restart starts with everything indexed. With a
 * lag of 0, or nothing pending, nothing here costs more than a test of two
 * fields, and search keeps its indexed fast paths (hs_search.c). */
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_int.h"

int hs_index_create_tables(sb_ctx *ctx, cs_err *err)
{
    return sb_exec(ctx,
                   "CREATE TEMP TABLE IF NOT EXISTS hs_search_stale("
                   "  type_id TEXT NOT NULL, object_id INTEGER NOT NULL,"
                   "  due_ms INTEGER NOT NULL, present INTEGER NOT NULL,"
                   "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
                   "  props TEXT NOT NULL, PRIMARY KEY(type_id, object_id));"
                   "CREATE INDEX IF NOT EXISTS temp.hs_search_stale_by_due"
                   "  ON hs_search_stale(due_ms);",
                   err);
}

/* Records a write to a record: keeps the indexed copy (before, or "absent"
 * when before is NULL) unless one is kept already, and moves due_ms on. */
static int note_write(sb_ctx *ctx, const hs_type *t, int64_t id, const hs_obj *before,
                      int64_t now_ms, cs_err *err)
{
    hs_state *hs = hs_state_get(ctx);
    if (hs == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_STALE_PUT, err);
    if (st == NULL)
        return -1;
    char *text = before ? json_dumps(before->props, JSON_COMPACT) : NULL;
    if (before && text == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sqlite3_bind_text(st, 1, t->type_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, now_ms + ctx->hubspot_search_lag_ms);
    sqlite3_bind_int(st, 4, before != NULL);
    sqlite3_bind_int64(st, 5, before ? before->created_ms : 0);
    sqlite3_bind_int64(st, 6, before ? before->updated_ms : 0);
    sqlite3_bind_text(st, 7, text ? text : "{}", -1, text ? free : SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : hs_db_error(ctx, err, "search index");
    sqlite3_reset(st);
    if (rc == 0)
        hs->stale_maybe = true;
    return rc;
}

int hs_index_note_new(sb_ctx *ctx, const hs_type *t, int64_t id, int64_t now_ms, cs_err *err)
{
    if (ctx->hubspot_search_lag_ms <= 0)
        return 0;
    return note_write(ctx, t, id, NULL, now_ms, err);
}

int hs_index_note_change(sb_ctx *ctx, const hs_type *t, const hs_obj *before, int64_t now_ms,
                         cs_err *err)
{
    if (ctx->hubspot_search_lag_ms <= 0)
        return 0;
    return note_write(ctx, t, before->id, before, now_ms, err);
}

int hs_index_note_archive(sb_ctx *ctx, const hs_type *t, int64_t id, int64_t now_ms, cs_err *err)
{
    if (ctx->hubspot_search_lag_ms <= 0)
        return 0;
    hs_obj o = {0};
    int rc = hs_obj_load(ctx, t, id, false, &o, err);
    if (rc <= 0)
        return rc;
    rc = note_write(ctx, t, id, &o, now_ms, err);
    hs_obj_dispose(&o);
    return rc;
}

int hs_index_catch_up(sb_ctx *ctx, int64_t now_ms, bool *pending, cs_err *err)
{
    *pending = false;
    hs_state *hs = hs_state_get(ctx);
    if (hs == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    if (!hs->stale_maybe)
        return 0;
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_STALE_EXPIRE, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return hs_db_error(ctx, err, "search index");
    st = hs_stmt(ctx, HS_ST_STALE_ANY, err);
    if (st == NULL)
        return -1;
    rc = sqlite3_step(st);
    *pending = rc == SQLITE_ROW;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return hs_db_error(ctx, err, "search index");
    hs->stale_maybe = *pending;
    return 0;
}

const char *hs_index_source(void)
{
    /* Records not written lately, as they are, and the indexed copies of
     * the others. Columns match hs_objects' for the search's conditions. */
    return "(SELECT id, type_id, created_ms, updated_ms, archived, props FROM hs_objects o"
           " WHERE NOT EXISTS (SELECT 1 FROM hs_search_stale s"
           "   WHERE s.type_id = o.type_id AND s.object_id = o.id)"
           " UNION ALL SELECT object_id, type_id, created_ms, updated_ms, 0, props"
           " FROM hs_search_stale WHERE present = 1)";
}

int hs_index_load(sb_ctx *ctx, const hs_type *t, int64_t id, hs_obj *out, cs_err *err)
{
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_STALE_GET, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, t->type_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return hs_obj_load(ctx, t, id, false, out, err);
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return hs_db_error(ctx, err, "search index");
    }
    bool present = sqlite3_column_int(st, 0) != 0;
    hs_obj o = {.id = id};
    o.created_ms = sqlite3_column_int64(st, 1);
    o.updated_ms = sqlite3_column_int64(st, 2);
    const char *text = (const char *)sqlite3_column_text(st, 3);
    o.props = present && text ? json_loads(text, 0, NULL) : NULL;
    sqlite3_reset(st);
    if (!present)
        return 0;
    if (!json_is_object(o.props)) {
        json_decref(o.props);
        o.props = json_object();
    }
    *out = o;
    return 1;
}

void hs_search_lag_set(sb_ctx *ctx, int lag_ms)
{
    if (lag_ms <= 0 && ctx->hubspot_search_lag_ms > 0) {
        /* No lag from now on: the index catches up at once. */
        cs_err err;
        if (sb_exec(ctx, "DELETE FROM temp.hs_search_stale", &err) == 0 && ctx->hs)
            ((hs_state *)ctx->hs)->stale_maybe = false;
    }
    ctx->hubspot_search_lag_ms = lag_ms > 0 ? lag_ms : 0;
}
