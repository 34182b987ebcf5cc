/* /crm/v3/owners: the portal's users that can own records, list (paged,
 * filter by email, archived) and get by id. Seeded with three owners; two of
 * them share their email with active Users of the Salesforce sandbox, the
 * third exists only in HubSpot, so owner mapping (SPEC C17) has both cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_int.h"

#define OWNERS_PAGE_MAX 500

typedef struct seed_owner {
    int64_t id, user_id;
    const char *email, *first, *last;
} seed_owner;

static const seed_owner seed_owners[] = {
    {70000001, 9000001, "owner.alice@example.com", "Alice", "Anders"},
    {70000002, 9000002, "owner.bob@example.com", "Bob", "Brown"},
    {70000003, 9000003, "owner.carol@example.com", "Carol", "Clark"},
};

int hs_owners_install(sb_ctx *ctx, cs_err *err)
{
    if (sb_exec(ctx,
                "CREATE TABLE IF NOT EXISTS hs_owners("
                "  id INTEGER PRIMARY KEY, email TEXT NOT NULL, first_name TEXT NOT NULL,"
                "  last_name TEXT NOT NULL, user_id INTEGER NOT NULL,"
                "  archived INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL,"
                "  updated_ms INTEGER NOT NULL);",
                err) != 0)
        return -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "INSERT OR IGNORE INTO hs_owners VALUES(?1, ?2, ?3, ?4, ?5, 0, ?6, ?6)",
                           -1, &st, NULL) != SQLITE_OK)
        return hs_db_error(ctx, err, "owners");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof seed_owners / sizeof seed_owners[0]; i++) {
        const seed_owner *o = &seed_owners[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, o->id);
        sqlite3_bind_text(st, 2, o->email, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, o->first, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, o->last, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, o->user_id);
        sqlite3_bind_int64(st, 6, cs_time_now_ms());
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = hs_db_error(ctx, err, "owners");
    }
    sqlite3_finalize(st);
    return rc;
}

bool hs_owner_exists(sb_ctx *ctx, const char *id)
{
    int64_t v;
    if (!hs_parse_id(id, &v))
        return false;
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(ctx->db, "SELECT 1 FROM hs_owners WHERE id = ?1 AND archived = 0", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, v);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

static json_t *owner_json(sqlite3_stmt *st)
{
    char id[24], created[CS_TIME_TEXT_MAX], updated[CS_TIME_TEXT_MAX];
    (void)snprintf(id, sizeof id, "%lld", (long long)sqlite3_column_int64(st, 0));
    cs_time_format_hubspot(sqlite3_column_int64(st, 6), created);
    cs_time_format_hubspot(sqlite3_column_int64(st, 7), updated);
    json_int_t user = (json_int_t)sqlite3_column_int64(st, 4);
    return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:s,s:b,s:[]}", "id", id, "email",
                     (const char *)sqlite3_column_text(st, 1), "firstName",
                     (const char *)sqlite3_column_text(st, 2), "lastName",
                     (const char *)sqlite3_column_text(st, 3), "userId", user,
                     "userIdIncludingInactive", user, "type", "PERSON", "createdAt", created,
                     "updatedAt", updated, "archived", sqlite3_column_int(st, 5), "teams");
}

#define OWNER_COLUMNS "id, email, first_name, last_name, user_id, archived, created_ms, updated_ms"

void hs_h_owners_list(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const char *email = sb_query(req, "email");
    const char *after = sb_query(req, "after");
    const char *lim = sb_query(req, "limit");
    const char *arch = sb_query(req, "archived");
    int64_t from = 0, limit = 100;
    if ((after && after[0] && !hs_parse_id(after, &from)) ||
        (lim && (!hs_parse_id(lim, &limit) || limit > OWNERS_PAGE_MAX))) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR",
                 "after must be a paging cursor and limit between 1 and 500");
        return;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT " OWNER_COLUMNS " FROM hs_owners WHERE archived = ?1"
                           " AND id >= ?2 AND (?3 IS NULL OR lower(email) = lower(?3))"
                           " ORDER BY id LIMIT ?4",
                           -1, &st, NULL) != SQLITE_OK) {
        cs_err err;
        hs_db_error(ctx, &err, "owners");
        hs_error_internal(ctx, res, &err);
        return;
    }
    sqlite3_bind_int(st, 1, arch && strcmp(arch, "true") == 0);
    sqlite3_bind_int64(st, 2, from);
    if (email)
        sqlite3_bind_text(st, 3, email, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, limit + 1);
    json_t *results = json_array();
    json_t *body = json_object();
    while (sqlite3_step(st) == SQLITE_ROW) {
        if ((int64_t)json_array_size(results) == limit) {
            char next[24];
            (void)snprintf(next, sizeof next, "%lld", (long long)sqlite3_column_int64(st, 0));
            json_object_set_new(body, "paging", hs_paging_next(next, "/crm/v3/owners/"));
            break;
        }
        json_array_append_new(results, owner_json(st));
    }
    sqlite3_finalize(st);
    json_object_set_new(body, "results", results);
    sb_respond_json(res, 200, body);
}

void hs_h_owners_get(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const char *idp = sb_query(req, "idProperty");
    bool by_user = idp && strcmp(idp, "userId") == 0;
    int64_t id;
    sqlite3_stmt *st = NULL;
    json_t *owner = NULL;
    if (hs_parse_id(sb_param(req, "ownerId"), &id) &&
        sqlite3_prepare_v2(ctx->db,
                           by_user ? "SELECT " OWNER_COLUMNS " FROM hs_owners WHERE user_id = ?1"
                                   : "SELECT " OWNER_COLUMNS " FROM hs_owners WHERE id = ?1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW)
            owner = owner_json(st);
    }
    sqlite3_finalize(st);
    if (owner)
        sb_respond_json(res, 200, owner);
    else
        hs_error(ctx, res, 404, "OBJECT_NOT_FOUND", "resource not found");
}
