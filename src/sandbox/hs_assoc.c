/* Association types and associations (CRM v4), with HubSpot's default type
 * ids between contacts and companies: 279 contact→company and 280 back
 * (unlabeled), 1/2 "Primary" (a contact has at most one primary company).
 * A new custom object gets a pair of unlabeled types to each object in its
 * associatedObjects. Every association is stored in both directions; a
 * labeled one implies the unlabeled one, as in HubSpot. Endpoints live in
 * hs_assoc_api.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_assoc.h"

int hs_assoc_create_tables(sb_ctx *ctx, cs_err *err)
{
    return sb_exec(ctx,
                   "CREATE TABLE IF NOT EXISTS hs_assoc_types("
                   "  id INTEGER PRIMARY KEY, from_type TEXT NOT NULL, to_type TEXT NOT NULL,"
                   "  category TEXT NOT NULL, label TEXT, inverse_id INTEGER NOT NULL,"
                   "  is_default INTEGER NOT NULL, created_ms INTEGER NOT NULL);"
                   "CREATE TABLE IF NOT EXISTS hs_assoc("
                   "  from_id INTEGER NOT NULL, to_id INTEGER NOT NULL, type_id INTEGER NOT NULL,"
                   "  from_type TEXT NOT NULL, to_type TEXT NOT NULL, created_ms INTEGER NOT NULL,"
                   "  PRIMARY KEY(from_id, to_type, to_id, type_id)) WITHOUT ROWID;"
                   "CREATE INDEX IF NOT EXISTS hs_assoc_by_to ON hs_assoc(to_id);",
                   err);
}

static int exec_bind(sb_ctx *ctx, const char *sql, const char *a, const char *b, int64_t x,
                     int64_t y, int64_t z, cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        return hs_db_error(ctx, err, "associations");
    if (a)
        sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, x);
    sqlite3_bind_int64(st, 4, y);
    sqlite3_bind_int64(st, 5, z);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : hs_db_error(ctx, err, "associations");
}

static int insert_type(sb_ctx *ctx, int64_t id, const char *from, const char *to,
                       const char *category, const char *label, int64_t inverse, bool is_default,
                       cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "INSERT OR IGNORE INTO hs_assoc_types VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
                           -1, &st, NULL) != SQLITE_OK)
        return hs_db_error(ctx, err, "association types");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, category, -1, SQLITE_STATIC);
    if (label)
        sqlite3_bind_text(st, 5, label, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, inverse);
    sqlite3_bind_int(st, 7, is_default);
    sqlite3_bind_int64(st, 8, cs_time_now_ms());
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : hs_db_error(ctx, err, "association types");
    sqlite3_finalize(st);
    return rc;
}

int hs_assoc_type_get(sb_ctx *ctx, int64_t id, hs_assoc_type *out, cs_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT from_type, to_type, category, label, inverse_id, is_default"
                           " FROM hs_assoc_types WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return hs_db_error(ctx, err, "association types");
    sqlite3_bind_int64(st, 1, id);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = id;
        (void)snprintf(out->from_type, sizeof out->from_type, "%s", sqlite3_column_text(st, 0));
        (void)snprintf(out->to_type, sizeof out->to_type, "%s", sqlite3_column_text(st, 1));
        (void)snprintf(out->category, sizeof out->category, "%s", sqlite3_column_text(st, 2));
        const unsigned char *label = sqlite3_column_text(st, 3);
        out->has_label = label != NULL;
        (void)snprintf(out->label, sizeof out->label, "%s", label ? (const char *)label : "");
        out->inverse_id = sqlite3_column_int64(st, 4);
        out->is_default = sqlite3_column_int(st, 5) != 0;
        rc = 1;
    }
    sqlite3_finalize(st);
    return rc;
}

int hs_assoc_default_type(sb_ctx *ctx, const char *from, const char *to, int64_t *id, cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT id FROM hs_assoc_types WHERE from_type = ?1 AND to_type = ?2"
                           " AND is_default = 1",
                           -1, &st, NULL) != SQLITE_OK)
        return hs_db_error(ctx, err, "association types");
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        rc = 1;
    }
    sqlite3_finalize(st);
    return rc;
}

int hs_assoc_define_pair(sb_ctx *ctx, const char *from_type, const char *to_type, cs_err *err)
{
    if (strcmp(from_type, HS_CONTACTS) == 0 && strcmp(to_type, HS_COMPANIES) == 0) {
        return insert_type(ctx, 279, HS_CONTACTS, HS_COMPANIES, "HUBSPOT_DEFINED", NULL, 280, true,
                           err) ||
                       insert_type(ctx, 280, HS_COMPANIES, HS_CONTACTS, "HUBSPOT_DEFINED", NULL,
                                   279, true, err) ||
                       insert_type(ctx, 1, HS_CONTACTS, HS_COMPANIES, "HUBSPOT_DEFINED", "Primary",
                                   2, false, err) ||
                       insert_type(ctx, 2, HS_COMPANIES, HS_CONTACTS, "HUBSPOT_DEFINED", "Primary",
                                   1, false, err)
                   ? -1
                   : 0;
    }
    int64_t existing;
    int rc = hs_assoc_default_type(ctx, from_type, to_type, &existing, err);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    sqlite3_stmt *st = NULL;
    int64_t next = 1000;
    if (sqlite3_prepare_v2(ctx->db, "SELECT MAX(id) + 1 FROM hs_assoc_types WHERE id >= 1000", -1,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        next = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (insert_type(ctx, next, from_type, to_type, "USER_DEFINED", NULL, next + 1, true, err) != 0)
        return -1;
    if (strcmp(from_type, to_type) == 0)
        return 0;
    return insert_type(ctx, next + 1, to_type, from_type, "USER_DEFINED", NULL, next, true, err);
}

json_t *hs_assoc_definitions(sb_ctx *ctx, const char *type_id)
{
    json_t *out = json_array();
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT id, from_type, to_type, label, created_ms FROM hs_assoc_types"
                           " WHERE from_type = ?1 ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return out;
    sqlite3_bind_text(st, 1, type_id, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char id[24], when[CS_TIME_TEXT_MAX];
        (void)snprintf(id, sizeof id, "%lld", (long long)sqlite3_column_int64(st, 0));
        cs_time_format_hubspot(sqlite3_column_int64(st, 4), when);
        const char *label = (const char *)sqlite3_column_text(st, 3);
        json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "fromObjectTypeId",
                              (const char *)sqlite3_column_text(st, 1), "toObjectTypeId",
                              (const char *)sqlite3_column_text(st, 2), "createdAt", when,
                              "updatedAt", when);
        if (label)
            json_object_set_new(d, "name", json_string(label));
        json_array_append_new(out, d);
    }
    sqlite3_finalize(st);
    return out;
}

static int put_row(sb_ctx *ctx, int64_t from_id, int64_t to_id, const hs_assoc_type *at,
                   int64_t type_id, bool reverse, cs_err *err)
{
    return exec_bind(ctx,
                     "INSERT OR IGNORE INTO hs_assoc(from_id, to_id, type_id, from_type, to_type,"
                     " created_ms) VALUES(?3, ?4, ?5, ?1, ?2, CAST(strftime('%s','now') AS"
                     " INTEGER) * 1000)",
                     reverse ? at->to_type : at->from_type, reverse ? at->from_type : at->to_type,
                     from_id, to_id, type_id, err);
}

static int put_typed(sb_ctx *ctx, int64_t from_id, int64_t to_id, const hs_assoc_type *at,
                     cs_err *err);

/* ---- a contact's primary company as a property ----------------------------------
 *
 * HubSpot keeps a contact's primary company in the read-only contact
 * property associatedcompanyid. A new, moved or removed primary association
 * changes that property, and with it the contact's last-modified date; that
 * is how a change of a contact's company shows in a change scan (by
 * modification date) although no property was written. The sandbox does the
 * same, so the engine cannot pass here by a scan that would miss such a
 * change in production. */

/* The contact's primary company id, or 0 when it has none. */
static int64_t primary_company(sb_ctx *ctx, int64_t contact)
{
    sqlite3_stmt *st = NULL;
    int64_t company = 0;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT to_id FROM hs_assoc WHERE from_id = ?1 AND type_id = 1 LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, contact);
    if (sqlite3_step(st) == SQLITE_ROW)
        company = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return company;
}

/* Sets associatedcompanyid of a live contact to its primary company (or
 * clears it); the contact counts as modified only when the value changes. */
static int refresh_primary(sb_ctx *ctx, int64_t contact, cs_err *err)
{
    const hs_type *t = hs_type_find(ctx, "contacts");
    hs_obj o = {0};
    int found = t ? hs_obj_load(ctx, t, contact, false, &o, err) : 0;
    if (found != 1)
        return found < 0 ? -1 : 0;
    char want[24] = "";
    int64_t company = primary_company(ctx, contact);
    if (company != 0)
        (void)snprintf(want, sizeof want, "%lld", (long long)company);
    const char *have = json_string_value(json_object_get(o.props, "associatedcompanyid"));
    int rc = 0;
    if (strcmp(have ? have : "", want) != 0) {
        json_t *values = json_pack("{ss}", "associatedcompanyid", want);
        rc = values ? hs_obj_update(ctx, t, &o, values, cs_time_now_ms(), err)
                    : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        json_decref(values);
    }
    hs_obj_dispose(&o);
    return rc;
}

/* The contact of a primary association between a and b (either direction),
 * or 0 when the two have none. */
static int64_t primary_between(sb_ctx *ctx, int64_t a, int64_t b)
{
    sqlite3_stmt *st = NULL;
    int64_t contact = 0;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT from_id FROM hs_assoc WHERE type_id = 1 AND"
                           " ((from_id = ?1 AND to_id = ?2) OR (from_id = ?2 AND to_id = ?1))",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    if (sqlite3_step(st) == SQLITE_ROW)
        contact = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return contact;
}

int hs_assoc_before_archive(sb_ctx *ctx, int64_t id, cs_err *err)
{
    /* The contacts whose primary company is id lose it with its archive. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT from_id FROM hs_assoc WHERE type_id = 1 AND to_id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return hs_db_error(ctx, err, "associations");
    sqlite3_bind_int64(st, 1, id);
    json_t *contacts = json_array();
    while (contacts && sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(contacts, json_integer(sqlite3_column_int64(st, 0)));
    sqlite3_finalize(st);
    if (contacts == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    int rc = exec_bind(
        ctx, "DELETE FROM hs_assoc WHERE (type_id IN (1, 2)) AND (from_id = ?3 OR to_id = ?3)",
        NULL, NULL, id, 0, 0, err);
    size_t i;
    json_t *c;
    json_array_foreach(contacts, i, c)
    {
        if (rc == 0)
            rc = refresh_primary(ctx, json_integer_value(c), err);
    }
    json_decref(contacts);
    return rc;
}

int hs_assoc_put(sb_ctx *ctx, int64_t from_id, int64_t to_id, const hs_assoc_type *at, cs_err *err)
{
    if (put_typed(ctx, from_id, to_id, at, err) != 0)
        return -1;
    if (at->id == 1 || at->id == 2)
        return refresh_primary(ctx, at->id == 1 ? from_id : to_id, err);
    return 0;
}

static int put_typed(sb_ctx *ctx, int64_t from_id, int64_t to_id, const hs_assoc_type *at,
                     cs_err *err)
{
    /* A contact has one primary company: the new one replaces the old. */
    if (at->id == 1 || at->id == 2) {
        int64_t contact = at->id == 1 ? from_id : to_id;
        int64_t company = at->id == 1 ? to_id : from_id;
        if (exec_bind(ctx,
                      "DELETE FROM hs_assoc WHERE (type_id = 1 AND from_id = ?3 AND to_id != ?4)"
                      " OR (type_id = 2 AND to_id = ?3 AND from_id != ?4)",
                      NULL, NULL, contact, company, 0, err) != 0)
            return -1;
    }
    if (put_row(ctx, from_id, to_id, at, at->id, false, err) != 0 ||
        put_row(ctx, to_id, from_id, at, at->inverse_id, true, err) != 0)
        return -1;
    if (at->is_default)
        return 0;
    int64_t def = 0;
    hs_assoc_type dt = {0};
    if (hs_assoc_default_type(ctx, at->from_type, at->to_type, &def, err) != 1 ||
        hs_assoc_type_get(ctx, def, &dt, err) != 1)
        return 0;
    return put_row(ctx, from_id, to_id, &dt, dt.id, false, err) != 0 ||
                   put_row(ctx, to_id, from_id, &dt, dt.inverse_id, true, err) != 0
               ? -1
               : 0;
}

int hs_assoc_remove_pair(sb_ctx *ctx, int64_t from_id, int64_t to_id, cs_err *err)
{
    int64_t contact = primary_between(ctx, from_id, to_id);
    if (exec_bind(ctx,
                  "DELETE FROM hs_assoc WHERE (from_id = ?3 AND to_id = ?4)"
                  " OR (from_id = ?4 AND to_id = ?3)",
                  NULL, NULL, from_id, to_id, 0, err) != 0)
        return -1;
    return contact != 0 ? refresh_primary(ctx, contact, err) : 0;
}

json_t *hs_assoc_list(sb_ctx *ctx, int64_t from_id, const char *to_type, int64_t after,
                      size_t limit, int64_t *next)
{
    json_t *out = json_array();
    sqlite3_stmt *st = NULL;
    *next = 0;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT a.to_id, a.type_id, t.category, t.label FROM hs_assoc a"
                           " JOIN hs_assoc_types t ON t.id = a.type_id"
                           " WHERE a.from_id = ?1 AND a.to_type = ?2 AND a.to_id >= ?3"
                           " ORDER BY a.to_id, a.type_id",
                           -1, &st, NULL) != SQLITE_OK)
        return out;
    sqlite3_bind_int64(st, 1, from_id);
    sqlite3_bind_text(st, 2, to_type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, after);
    json_t *cur = NULL;
    int64_t cur_id = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t to = sqlite3_column_int64(st, 0);
        if (cur == NULL || to != cur_id) {
            if (json_array_size(out) == limit) {
                *next = to;
                break;
            }
            cur = json_pack("{s:I,s:[]}", "toObjectId", (json_int_t)to, "associationTypes");
            json_array_append_new(out, cur);
            cur_id = to;
        }
        const char *label = (const char *)sqlite3_column_text(st, 3);
        json_array_append_new(json_object_get(cur, "associationTypes"),
                              json_pack("{s:s,s:I,s:s?}", "category",
                                        (const char *)sqlite3_column_text(st, 2), "typeId",
                                        (json_int_t)sqlite3_column_int64(st, 1), "label", label));
    }
    sqlite3_finalize(st);
    return out;
}

/* Parses one {associationCategory, associationTypeId} against the pair. */
int hs_assoc_spec(sb_ctx *ctx, const json_t *spec, const char *from_type, const char *to_type,
                  hs_assoc_type *out, char *msg, size_t msg_size, cs_err *err)
{
    const json_t *id = json_object_get(spec, "associationTypeId");
    const char *cat = json_string_value(json_object_get(spec, "associationCategory"));
    if (!json_is_integer(id) || cat == NULL) {
        (void)snprintf(msg, msg_size,
                       "each association type needs associationCategory and "
                       "associationTypeId");
        return 1;
    }
    int rc = hs_assoc_type_get(ctx, json_integer_value(id), out, err);
    if (rc < 0)
        return -1;
    if (rc == 0 || strcmp(out->category, cat) != 0 ||
        (to_type && strcmp(out->to_type, to_type) != 0) ||
        (from_type && strcmp(out->from_type, from_type) != 0)) {
        (void)snprintf(msg, msg_size, "%s association type %lld is not valid between %s and %s",
                       cat, (long long)json_integer_value(id), from_type ? from_type : "?",
                       to_type ? to_type : "?");
        return 1;
    }
    return 0;
}

int hs_assoc_create_inline(sb_ctx *ctx, const hs_type *t, int64_t id, const json_t *assocs,
                           char *msg, size_t msg_size, cs_err *err)
{
    size_t i;
    const json_t *a;
    json_array_foreach(assocs, i, a)
    {
        const json_t *types = json_object_get(a, "types");
        int64_t to_id;
        if (!hs_parse_id(json_string_value(json_object_get(json_object_get(a, "to"), "id")),
                         &to_id) ||
            !json_is_array(types) || json_array_size(types) == 0) {
            (void)snprintf(msg, msg_size, "associations[%zu] needs to.id and types", i);
            return 1;
        }
        size_t k;
        const json_t *spec;
        json_array_foreach(types, k, spec)
        {
            hs_assoc_type at = {0};
            int rc = hs_assoc_spec(ctx, spec, t->type_id, NULL, &at, msg, msg_size, err);
            if (rc != 0)
                return rc;
            const hs_type *to = hs_type_find(ctx, at.to_type);
            hs_obj o = {0};
            rc = to ? hs_obj_load(ctx, to, to_id, false, &o, err) : 0;
            if (rc < 0)
                return -1;
            if (rc == 0) {
                (void)snprintf(msg, msg_size, "associations[%zu]: no %s with id %lld exists", i,
                               to ? to->singular : "record", (long long)to_id);
                return 1;
            }
            hs_obj_dispose(&o);
            if (hs_assoc_put(ctx, id, to_id, &at, err) != 0)
                return -1;
        }
    }
    return 0;
}

/* v3 names: "contact_to_company" (primary), "contact_to_company_unlabeled". */
static void v3_type_name(const hs_type *from, const hs_type *to, const json_t *spec, char *out,
                         size_t size)
{
    const char *label = json_string_value(json_object_get(spec, "label"));
    bool hubspot =
        strcmp(json_string_value(json_object_get(spec, "category")), "HUBSPOT_DEFINED") == 0;
    (void)snprintf(out, size, "%s_to_%s%s", from->singular, to->singular,
                   hubspot && label == NULL && !from->custom && !to->custom ? "_unlabeled" : "");
}

void hs_assoc_attach_v3(sb_ctx *ctx, const hs_type *t, int64_t id, const char *csv, json_t *obj)
{
    json_t *all = json_object();
    for (const char *p = csv; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[128];
        (void)snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1),
                       p);
        const hs_type *to = hs_type_find(ctx, name);
        if (to) {
            int64_t next;
            json_t *list = hs_assoc_list(ctx, id, to->type_id, 0, 500, &next);
            json_t *results = json_array();
            size_t i;
            json_t *item;
            json_array_foreach(list, i, item)
            {
                char oid[24];
                (void)snprintf(oid, sizeof oid, "%lld",
                               (long long)json_integer_value(json_object_get(item, "toObjectId")));
                size_t k;
                json_t *spec;
                json_array_foreach(json_object_get(item, "associationTypes"), k, spec)
                {
                    char tname[160];
                    v3_type_name(t, to, spec, tname, sizeof tname);
                    json_array_append_new(results,
                                          json_pack("{s:s,s:s}", "id", oid, "type", tname));
                }
            }
            json_decref(list);
            if (json_array_size(results) > 0)
                json_object_set_new(all, to->name, json_pack("{s:o}", "results", results));
            else
                json_decref(results);
        }
        p += len;
        if (*p == ',')
            p++;
    }
    if (json_object_size(all) > 0)
        json_object_set_new(obj, "associations", all);
    else
        json_decref(all);
}
