/* /crm/v3/lists: create a MANUAL or SNAPSHOT list (200, ListCreateResponse),
 * get it with its size, add and remove members (PUT with an array of record
 * ids; the answer keeps HubSpot's typo "recordsIdsAdded"), and read the
 * memberships page by page with each member's membershipTimestamp, so a sync
 * engine sees when a record joined (SPEC C2, C4). Adding or removing members
 * bumps the list's updatedAt; an archived record leaves its lists. DYNAMIC
 * lists (filter definitions) are not emulated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_int.h"

#define MEMBERS_PAGE_MAX 250

int hs_lists_create_tables(sb_ctx *ctx, cs_err *err)
{
    return sb_exec(ctx,
                   "CREATE TABLE IF NOT EXISTS hs_lists("
                   "  list_id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,"
                   "  object_type_id TEXT NOT NULL, processing_type TEXT NOT NULL,"
                   "  created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
                   "  UNIQUE(object_type_id, name));"
                   "CREATE TABLE IF NOT EXISTS hs_list_members("
                   "  list_id INTEGER NOT NULL, record_id INTEGER NOT NULL,"
                   "  added_ms INTEGER NOT NULL, PRIMARY KEY(list_id, record_id)) WITHOUT ROWID;"
                   "CREATE INDEX IF NOT EXISTS hs_list_members_by_record"
                   "  ON hs_list_members(record_id);",
                   err);
}

typedef struct list_row {
    int64_t id;
    char name[256];
    char type_id[32];
    char processing[16];
    int64_t created_ms, updated_ms, size;
} list_row;

/* 1 found, 0 not, -1 error. */
static int list_load(sb_ctx *ctx, int64_t id, list_row *out, cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT name, object_type_id, processing_type, created_ms, updated_ms,"
                           " (SELECT COUNT(*) FROM hs_list_members m WHERE m.list_id = l.list_id)"
                           " FROM hs_lists l WHERE list_id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return hs_db_error(ctx, err, "lists");
    sqlite3_bind_int64(st, 1, id);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->id = id;
        (void)snprintf(out->name, sizeof out->name, "%s", sqlite3_column_text(st, 0));
        (void)snprintf(out->type_id, sizeof out->type_id, "%s", sqlite3_column_text(st, 1));
        (void)snprintf(out->processing, sizeof out->processing, "%s", sqlite3_column_text(st, 2));
        out->created_ms = sqlite3_column_int64(st, 3);
        out->updated_ms = sqlite3_column_int64(st, 4);
        out->size = sqlite3_column_int64(st, 5);
        rc = 1;
    }
    sqlite3_finalize(st);
    return rc;
}

static json_t *list_json(const list_row *l)
{
    char id[24], created[CS_TIME_TEXT_MAX], updated[CS_TIME_TEXT_MAX];
    (void)snprintf(id, sizeof id, "%lld", (long long)l->id);
    cs_time_format_hubspot(l->created_ms, created);
    cs_time_format_hubspot(l->updated_ms, updated);
    return json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "listId", id, "listVersion", 1,
                     "name", l->name, "objectTypeId", l->type_id, "processingType", l->processing,
                     "processingStatus", "COMPLETE", "createdAt", created, "updatedAt", updated,
                     "filtersUpdatedAt", created, "size", (json_int_t)l->size);
}

/* The list named by {listId}, or false after answering 404. */
static bool req_list(sb_ctx *ctx, const sb_request *req, sb_response *res, list_row *l)
{
    int64_t id;
    cs_err err;
    int rc = hs_parse_id(sb_param(req, "listId"), &id) ? list_load(ctx, id, l, &err) : 0;
    if (rc < 0)
        hs_error_internal(ctx, res, &err);
    else if (rc == 0)
        hs_error(ctx, res, 404, "OBJECT_NOT_FOUND", "List does not exist");
    return rc == 1;
}

void hs_h_lists_create(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    json_t *body = hs_body(ctx, req, res);
    if (body == NULL)
        return;
    const char *name = json_string_value(json_object_get(body, "name"));
    const char *type = json_string_value(json_object_get(body, "objectTypeId"));
    const char *proc = json_string_value(json_object_get(body, "processingType"));
    const hs_type *t = type ? hs_type_find(ctx, type) : NULL;
    cs_err err;
    if (name == NULL || name[0] == '\0' || strlen(name) > 255) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", "name is required");
    } else if (t == NULL) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", "objectTypeId must name an object type");
    } else if (proc == NULL || (strcmp(proc, "MANUAL") != 0 && strcmp(proc, "SNAPSHOT") != 0 &&
                                strcmp(proc, "DYNAMIC") != 0)) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR",
                 "processingType must be MANUAL, SNAPSHOT or DYNAMIC");
    } else if (strcmp(proc, "DYNAMIC") == 0) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR",
                 "DYNAMIC lists are not supported by the sandbox: use MANUAL or SNAPSHOT");
    } else {
        sqlite3_stmt *st = NULL;
        int64_t now = cs_time_now_ms();
        int rc = sqlite3_prepare_v2(ctx->db,
                                    "INSERT INTO hs_lists(name, object_type_id, processing_type,"
                                    " created_ms, updated_ms) VALUES(?1, ?2, ?3, ?4, ?4)",
                                    -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, t->type_id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, proc, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 4, now);
            rc = sqlite3_step(st);
        }
        sqlite3_finalize(st);
        list_row l = {0};
        if (rc == SQLITE_CONSTRAINT) {
            char msg[400];
            (void)snprintf(msg, sizeof msg, "A list named '%.255s' already exists", name);
            hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
        } else if (rc != SQLITE_DONE ||
                   list_load(ctx, sqlite3_last_insert_rowid(ctx->db), &l, &err) != 1) {
            hs_db_error(ctx, &err, "lists");
            hs_error_internal(ctx, res, &err);
        } else {
            sb_respond_json(res, 200, json_pack("{s:o}", "list", list_json(&l)));
        }
    }
    json_decref(body);
}

void hs_h_lists_get(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    list_row l = {0};
    if (req_list(ctx, req, res, &l))
        sb_respond_json(res, 200, json_pack("{s:o}", "list", list_json(&l)));
}

/* Adds (add=true) or removes the record ids of the body; answers with the
 * ids that changed and the ones that do not exist (or were not members). */
static void change_members(sb_ctx *ctx, const sb_request *req, sb_response *res, bool add)
{
    list_row l = {0};
    if (!req_list(ctx, req, res, &l))
        return;
    json_t *body = hs_body(ctx, req, res);
    if (body == NULL)
        return;
    if (!json_is_array(body) || json_array_size(body) > 100000) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", "the body must be an array of record ids");
        json_decref(body);
        return;
    }
    const hs_type *t = hs_type_find(ctx, l.type_id);
    json_t *changed = json_array(), *missing = json_array();
    cs_err err;
    int64_t now = cs_time_now_ms();
    sqlite3_stmt *st = NULL;
    int rc =
        t ? hs_begin(ctx, &err) : cs_err_set(&err, CS_ERR_INTERNAL, "list object type is gone");
    if (rc == 0 && sqlite3_prepare_v2(ctx->db,
                                      add ? "INSERT OR IGNORE INTO hs_list_members VALUES(?1,?2,?3)"
                                          : "DELETE FROM hs_list_members WHERE list_id = ?1"
                                            " AND record_id = ?2",
                                      -1, &st, NULL) != SQLITE_OK)
        rc = hs_db_error(ctx, &err, "lists");
    size_t i;
    const json_t *v;
    json_array_foreach(body, i, v)
    {
        if (rc != 0)
            break;
        char text[32];
        int64_t id = 0;
        if (json_is_integer(v))
            (void)snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
        else
            (void)snprintf(text, sizeof text, "%.30s",
                           json_is_string(v) ? json_string_value(v) : "");
        hs_obj o = {0};
        int found = hs_parse_id(text, &id) ? hs_obj_load(ctx, t, id, false, &o, &err) : 0;
        if (found < 0) {
            rc = -1;
            break;
        }
        if (found == 1)
            hs_obj_dispose(&o);
        if (found == 1) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, l.id);
            sqlite3_bind_int64(st, 2, id);
            sqlite3_bind_int64(st, 3, now);
            if (sqlite3_step(st) != SQLITE_DONE) {
                rc = hs_db_error(ctx, &err, "lists");
                break;
            }
        }
        if (found == 1 && sqlite3_changes(ctx->db) > 0)
            json_array_append_new(changed, json_string(text));
        else if (found == 0 || !add)
            json_array_append_new(missing, json_string(text));
    }
    sqlite3_finalize(st);
    if (rc == 0 && json_array_size(changed) > 0) {
        char sql[128];
        (void)snprintf(sql, sizeof sql,
                       "UPDATE hs_lists SET updated_ms = %lld WHERE list_id = %lld", (long long)now,
                       (long long)l.id);
        rc = sb_exec(ctx, sql, &err);
    }
    if (rc != 0 || hs_commit(ctx, &err) != 0) {
        json_decref(changed);
        json_decref(missing);
        hs_error_internal(ctx, res, &err);
    } else {
        sb_respond_json(res, 200,
                        json_pack("{s:o,s:o,s:o}", add ? "recordsIdsAdded" : "recordIdsRemoved",
                                  changed, add ? "recordIdsRemoved" : "recordsIdsAdded",
                                  json_array(), "recordIdsMissing", missing));
    }
    json_decref(body);
}

void hs_h_lists_members_add(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    change_members(ctx, req, res, true);
}

void hs_h_lists_members_remove(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    change_members(ctx, req, res, false);
}

/* Members in record id order; `after` is the last record id of the previous
 * page. */
void hs_h_lists_members_get(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    list_row l = {0};
    if (!req_list(ctx, req, res, &l))
        return;
    int64_t after = 0, limit = 100;
    const char *a = sb_query(req, "after"), *lim = sb_query(req, "limit");
    if ((a && a[0] && !hs_parse_id(a, &after)) ||
        (lim && (!hs_parse_id(lim, &limit) || limit > MEMBERS_PAGE_MAX))) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR",
                 "after must be a paging cursor and limit between 1 and 250");
        return;
    }
    sqlite3_stmt *st = NULL;
    cs_err err;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT record_id, added_ms FROM hs_list_members WHERE list_id = ?1"
                           " AND record_id > ?2 ORDER BY record_id LIMIT ?3",
                           -1, &st, NULL) != SQLITE_OK) {
        hs_db_error(ctx, &err, "lists");
        hs_error_internal(ctx, res, &err);
        return;
    }
    sqlite3_bind_int64(st, 1, l.id);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int64(st, 3, limit + 1);
    json_t *results = json_array();
    json_t *body = json_object();
    while (sqlite3_step(st) == SQLITE_ROW) {
        if ((int64_t)json_array_size(results) == limit) {
            json_t *last = json_array_get(results, json_array_size(results) - 1);
            const char *last_id = json_string_value(json_object_get(last, "recordId"));
            json_object_set_new(body, "paging", json_pack("{s:{s:s}}", "next", "after", last_id));
            break;
        }
        char id[24], when[CS_TIME_TEXT_MAX];
        (void)snprintf(id, sizeof id, "%lld", (long long)sqlite3_column_int64(st, 0));
        cs_time_format_hubspot(sqlite3_column_int64(st, 1), when);
        json_array_append_new(results,
                              json_pack("{s:s,s:s}", "recordId", id, "membershipTimestamp", when));
    }
    sqlite3_finalize(st);
    json_object_set_new(body, "total", json_integer((json_int_t)l.size));
    json_object_set_new(body, "results", results);
    sb_respond_json(res, 200, body);
}

/* The lists a record belongs to (GET /crm/v3/lists/records/{type}/{id}/memberships). */
void hs_h_lists_of_record(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const hs_type *t = hs_req_type(ctx, req, "objectTypeId", res);
    if (t == NULL)
        return;
    int64_t id = 0;
    sqlite3_stmt *st = NULL;
    cs_err err;
    if (!hs_parse_id(sb_param(req, "recordId"), &id)) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", "recordId must be a record id");
        return;
    }
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT m.list_id, m.added_ms FROM hs_list_members m"
                           " JOIN hs_lists l ON l.list_id = m.list_id"
                           " WHERE m.record_id = ?1 AND l.object_type_id = ?2 ORDER BY m.list_id",
                           -1, &st, NULL) != SQLITE_OK) {
        hs_db_error(ctx, &err, "lists");
        hs_error_internal(ctx, res, &err);
        return;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, t->type_id, -1, SQLITE_STATIC);
    json_t *results = json_array();
    while (sqlite3_step(st) == SQLITE_ROW) {
        char list_id[24], when[CS_TIME_TEXT_MAX];
        (void)snprintf(list_id, sizeof list_id, "%lld", (long long)sqlite3_column_int64(st, 0));
        cs_time_format_hubspot(sqlite3_column_int64(st, 1), when);
        json_array_append_new(results, json_pack("{s:s,s:i,s:s,s:s,s:b}", "listId", list_id,
                                                 "listVersion", 1, "firstAddedTimestamp", when,
                                                 "lastAddedTimestamp", when, "isPublicList", 0));
    }
    sqlite3_finalize(st);
    sb_respond_json(
        res, 200,
        json_pack("{s:I,s:o}", "total", (json_int_t)json_array_size(results), "results", results));
}
