/* HubSpot records in SQLite: load, insert, update, archive, lookup by a
 * unique property. A record's writable properties are one JSON object of
 * strings (hs_objects.props); the server-maintained ones (hs_object_id, the
 * create and modification dates) are columns, shown as properties.
 * hs_unique indexes the values of unique properties (contact email,
 * lower-cased, and every property defined with hasUniqueValue) so lookups
 * and conflicts never scan records. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_assoc.h"
#include "sandbox/hs_int.h"

int hs_records_create_tables(sb_ctx *ctx, cs_err *err)
{
    return sb_exec(
        ctx,
        "CREATE TABLE IF NOT EXISTS hs_objects("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT, type_id TEXT NOT NULL,"
        "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
        "  archived INTEGER NOT NULL DEFAULT 0, archived_ms INTEGER NOT NULL DEFAULT 0,"
        "  props TEXT NOT NULL);"
        "CREATE INDEX IF NOT EXISTS hs_objects_by_type ON hs_objects(type_id, archived, id);"
        "CREATE INDEX IF NOT EXISTS hs_objects_by_updated"
        "  ON hs_objects(type_id, archived, updated_ms, id);"
        "CREATE INDEX IF NOT EXISTS hs_objects_by_created"
        "  ON hs_objects(type_id, archived, created_ms, id);"
        "CREATE TABLE IF NOT EXISTS hs_unique("
        "  type_id TEXT NOT NULL, name TEXT NOT NULL, value_lc TEXT NOT NULL,"
        "  object_id INTEGER NOT NULL, PRIMARY KEY(type_id, name, value_lc)) WITHOUT ROWID;"
        "CREATE INDEX IF NOT EXISTS hs_unique_by_object ON hs_unique(object_id);",
        err);
}

bool hs_parse_id(const char *text, int64_t *id)
{
    if (text == NULL || text[0] == '\0' || strlen(text) > 18)
        return false;
    int64_t v = 0;
    for (const char *p = text; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v <= 0)
        return false;
    *id = v;
    return true;
}

void hs_obj_dispose(hs_obj *o)
{
    if (o == NULL)
        return;
    json_decref(o->props);
    o->props = NULL;
}

bool hs_is_server_prop(const hs_type *t, const char *name)
{
    return strcmp(name, "hs_object_id") == 0 || hs_type_is_modprop(t, name) ||
           hs_type_is_createprop(t, name);
}

/* The read-only defaults of contacts and companies that follow from the
 * record rather than being stored with it (so records cost nothing more to
 * parse): every record comes from an integration through the API, which is
 * no user, so hs_object_source* name the integration and the *_by_user_id
 * ones stay unset; hs_all_owner_ids is the owner. NULL for other names. */
static const char *derived_value(const hs_type *t, const hs_obj *o, const char *name, bool *found)
{
    *found = false;
    if (t->custom || strncmp(name, "hs_", 3) != 0)
        return NULL;
    *found = true;
    if (strcmp(name, "hs_object_source") == 0 || strcmp(name, "hs_object_source_label") == 0)
        return "INTEGRATION";
    if (strcmp(name, "hs_object_source_id") == 0)
        return HS_APP_ID;
    if (strcmp(name, "hs_object_source_detail_1") == 0)
        return HS_APP_NAME;
    if (strcmp(name, "hs_all_owner_ids") == 0)
        return json_string_value(json_object_get(o->props, "hubspot_owner_id"));
    *found = false;
    return NULL;
}

const char *hs_obj_value(const hs_type *t, const hs_obj *o, const char *name, bool raw,
                         char buf[48])
{
    bool derived;
    const char *v = derived_value(t, o, name, &derived);
    if (derived)
        return v;
    if (strcmp(name, "hs_object_id") == 0) {
        (void)snprintf(buf, 48, "%lld", (long long)o->id);
        return buf;
    }
    int64_t ms;
    if (hs_type_is_modprop(t, name))
        ms = o->updated_ms;
    else if (hs_type_is_createprop(t, name))
        ms = o->created_ms;
    else
        return json_string_value(json_object_get(o->props, name));
    if (raw) {
        (void)snprintf(buf, 48, "%lld", (long long)ms);
    } else {
        char iso[CS_TIME_TEXT_MAX];
        cs_time_format_hubspot(ms, iso);
        (void)snprintf(buf, 48, "%s", iso);
    }
    return buf;
}

/* A lower-cased copy (ASCII, like SQLite's lower()); caller frees. */
static char *lower_dup(const char *in)
{
    char *out = strdup(in);
    for (char *p = out; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

int hs_obj_load(sb_ctx *ctx, const hs_type *t, int64_t id, bool archived, hs_obj *out, cs_err *err)
{
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_OBJ_GET, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, t->type_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    if (rc != SQLITE_ROW)
        return hs_db_error(ctx, err, "load record");
    bool is_archived = sqlite3_column_int(st, 2) != 0;
    if (is_archived != archived) {
        sqlite3_reset(st);
        return 0;
    }
    hs_obj o = {0};
    o.id = id;
    o.created_ms = sqlite3_column_int64(st, 0);
    o.updated_ms = sqlite3_column_int64(st, 1);
    o.archived = is_archived;
    o.archived_ms = sqlite3_column_int64(st, 3);
    const char *text = (const char *)sqlite3_column_text(st, 4);
    o.props = text ? json_loads(text, 0, NULL) : NULL;
    sqlite3_reset(st);
    if (!json_is_object(o.props)) {
        json_decref(o.props);
        o.props = json_object();
    }
    *out = o;
    return 1;
}

int hs_obj_find_by(sb_ctx *ctx, const hs_type *t, const char *prop, const char *value, int64_t *id,
                   cs_err *err)
{
    if (value == NULL || value[0] == '\0')
        return 0;
    if (prop == NULL || strcmp(prop, "hs_object_id") == 0) {
        int64_t want;
        hs_obj o = {0};
        if (!hs_parse_id(value, &want))
            return 0;
        int rc = hs_obj_load(ctx, t, want, false, &o, err);
        if (rc == 1) {
            hs_obj_dispose(&o);
            *id = want;
        }
        return rc;
    }
    char *lc = lower_dup(value);
    if (lc == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_UNIQUE_FIND, err);
    if (st == NULL) {
        free(lc);
        return -1;
    }
    sqlite3_bind_text(st, 1, t->type_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, prop, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, lc, -1, free);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : hs_db_error(ctx, err, "unique lookup");
}

static int unique_put(sb_ctx *ctx, const hs_type *t, const char *name, const char *value,
                      int64_t id, cs_err *err)
{
    char *lc = lower_dup(value);
    if (lc == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_UNIQUE_PUT, err);
    if (st == NULL) {
        free(lc);
        return -1;
    }
    sqlite3_bind_text(st, 1, t->type_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, lc, -1, free);
    sqlite3_bind_int64(st, 4, id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : hs_db_error(ctx, err, "unique value");
    sqlite3_reset(st);
    return rc;
}

static int unique_del(sb_ctx *ctx, const hs_type *t, const char *name, int64_t id, cs_err *err)
{
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_UNIQUE_DEL_ONE, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, t->type_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : hs_db_error(ctx, err, "unique value");
    sqlite3_reset(st);
    return rc;
}

static int bind_props(sqlite3_stmt *st, int col, const json_t *props, cs_err *err)
{
    char *text = json_dumps(props, JSON_COMPACT);
    if (text == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sqlite3_bind_text(st, col, text, -1, free);
    return 0;
}

int hs_obj_insert(sb_ctx *ctx, const hs_type *t, const json_t *values, int64_t now_ms, hs_obj *out,
                  cs_err *err)
{
    json_t *props = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)values, k, v)
    {
        if (json_is_string(v) && json_string_length(v) > 0 && !hs_is_server_prop(t, k))
            json_object_set(props, k, v);
    }
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_OBJ_INSERT, err);
    if (st == NULL) {
        json_decref(props);
        return -1;
    }
    sqlite3_bind_text(st, 1, t->type_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    if (bind_props(st, 3, props, err) != 0) {
        json_decref(props);
        return -1;
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        json_decref(props);
        sqlite3_reset(st);
        return hs_db_error(ctx, err, "insert record");
    }
    sqlite3_reset(st);
    int64_t id = sqlite3_last_insert_rowid(ctx->db);
    hs_count_note(ctx, t, false, 0, true, now_ms);
    if (hs_index_note_new(ctx, t, id, now_ms, err) != 0) {
        json_decref(props);
        return -1;
    }
    json_object_foreach(props, k, v)
    {
        if (hs_is_unique_prop(ctx, t, k) &&
            unique_put(ctx, t, k, json_string_value(v), id, err) != 0) {
            json_decref(props);
            return -1;
        }
    }
    hs_obj o = {.id = id, .created_ms = now_ms, .updated_ms = now_ms, .props = props};
    *out = o;
    return 0;
}

int hs_obj_update(sb_ctx *ctx, const hs_type *t, hs_obj *o, const json_t *values, int64_t now_ms,
                  cs_err *err)
{
    if (!o->archived && hs_index_note_change(ctx, t, o, now_ms, err) != 0)
        return -1;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)values, k, v)
    {
        if (!json_is_string(v) || hs_is_server_prop(t, k))
            continue;
        bool unique = hs_is_unique_prop(ctx, t, k);
        if (unique && unique_del(ctx, t, k, o->id, err) != 0)
            return -1;
        if (json_string_length(v) == 0) {
            json_object_del(o->props, k);
        } else {
            json_object_set(o->props, k, v);
            if (unique && unique_put(ctx, t, k, json_string_value(v), o->id, err) != 0)
                return -1;
        }
    }
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_OBJ_UPDATE, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    if (bind_props(st, 2, o->props, err) != 0)
        return -1;
    sqlite3_bind_int64(st, 3, o->id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : hs_db_error(ctx, err, "update record");
    sqlite3_reset(st);
    if (rc == 0) {
        hs_count_note(ctx, t, !o->archived, o->updated_ms, !o->archived, now_ms);
        o->updated_ms = now_ms;
    }
    return rc;
}

static int exec_id(sb_ctx *ctx, hs_stmt_id which, int64_t id, cs_err *err)
{
    sqlite3_stmt *st = hs_stmt(ctx, which, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : hs_db_error(ctx, err, "archive record");
    sqlite3_reset(st);
    return rc;
}

int hs_obj_archive(sb_ctx *ctx, const hs_type *t, int64_t id, int64_t now_ms, cs_err *err)
{
    if (hs_index_note_archive(ctx, t, id, now_ms, err) != 0)
        return -1;
    sqlite3_stmt *st = hs_stmt(ctx, HS_ST_OBJ_ARCHIVE, err);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, t->type_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return hs_db_error(ctx, err, "archive record");
    if (sqlite3_changes(ctx->db) == 0)
        return 0;
    hs_count_forget(ctx); /* the record's previous modification time is not at hand */
    if (exec_id(ctx, HS_ST_UNIQUE_DEL_OBJ, id, err) != 0 ||
        hs_assoc_before_archive(ctx, id, err) != 0 ||
        exec_id(ctx, HS_ST_ASSOC_DEL_OBJ, id, err) != 0 ||
        exec_id(ctx, HS_ST_LIST_DEL_OBJ, id, err) != 0)
        return -1;
    return 0;
}
