/* Communication preferences v3: subscription definitions, an email's
 * subscription statuses, subscribe and unsubscribe. An address unsubscribed
 * from every definition has opted out of all email: its contact's
 * hs_email_optout becomes "true" (and lastmodifieddate moves), which is the
 * only way that property changes — the objects API refuses to write it
 * (READ_ONLY_VALUE). The opt-out is sticky (SPEC C10): subscribing an
 * address that opted out of all email is refused, as HubSpot's API does;
 * only the contact can opt back in. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/hs_int.h"

typedef struct sub_def {
    const char *id, *name, *description, *purpose;
    bool is_default;
} sub_def;

static const sub_def builtin_defs[] = {
    {"1001", "Marketing Information", "Marketing offers and updates.", "Marketing", true},
    {"1002", "One to One", "One to one emails from the sales team.", "Sales", true},
};

int hs_prefs_install(sb_ctx *ctx, cs_err *err)
{
    if (sb_exec(
            ctx,
            "CREATE TABLE IF NOT EXISTS hs_sub_defs("
            "  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL,"
            "  purpose TEXT NOT NULL, is_default INTEGER NOT NULL, created_ms INTEGER NOT NULL);"
            "CREATE TABLE IF NOT EXISTS hs_sub_status("
            "  email_lc TEXT NOT NULL, sub_id TEXT NOT NULL, status TEXT NOT NULL,"
            "  legal_basis TEXT, legal_basis_explanation TEXT, updated_ms INTEGER NOT NULL,"
            "  PRIMARY KEY(email_lc, sub_id)) WITHOUT ROWID;",
            err) != 0)
        return -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "INSERT OR IGNORE INTO hs_sub_defs VALUES(?1,?2,?3,?4,?5,?6)",
                           -1, &st, NULL) != SQLITE_OK)
        return hs_db_error(ctx, err, "subscription definitions");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof builtin_defs / sizeof builtin_defs[0]; i++) {
        const sub_def *d = &builtin_defs[i];
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, d->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, d->description, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, d->purpose, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, d->is_default);
        sqlite3_bind_int64(st, 6, cs_time_now_ms());
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = hs_db_error(ctx, err, "subscription definitions");
    }
    sqlite3_finalize(st);
    return rc;
}

void hs_h_prefs_definitions(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    (void)req;
    sqlite3_stmt *st = NULL;
    json_t *defs = json_array();
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT id, name, description, purpose, is_default, created_ms"
                           " FROM hs_sub_defs ORDER BY id",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            char when[CS_TIME_TEXT_MAX];
            cs_time_format_hubspot(sqlite3_column_int64(st, 5), when);
            json_array_append_new(
                defs,
                json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:s,s:s,s:i}", "id",
                          (const char *)sqlite3_column_text(st, 0), "name",
                          (const char *)sqlite3_column_text(st, 1), "description",
                          (const char *)sqlite3_column_text(st, 2), "purpose",
                          (const char *)sqlite3_column_text(st, 3), "communicationMethod", "Email",
                          "isActive", 1, "isDefault", sqlite3_column_int(st, 4), "isInternal", 0,
                          "createdAt", when, "updatedAt", when, "businessUnitId", 0));
        }
    }
    sqlite3_finalize(st);
    sb_respond_json(res, 200, json_pack("{s:o}", "subscriptionDefinitions", defs));
}

static void lower(const char *in, char *out, size_t size)
{
    size_t i = 0;
    for (; in[i] && i + 1 < size; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

/* True when the address is NOT_SUBSCRIBED from every definition. */
static bool opted_out_of_all(sb_ctx *ctx, const char *email_lc)
{
    sqlite3_stmt *st = NULL;
    bool all = false;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT COUNT(*) = (SELECT COUNT(*) FROM hs_sub_defs) FROM hs_sub_status"
                           " WHERE email_lc = ?1 AND status = 'NOT_SUBSCRIBED'",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, email_lc, -1, SQLITE_STATIC);
        all = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    }
    sqlite3_finalize(st);
    return all;
}

/* One PublicSubscriptionStatus per definition (subscription_id NULL) or for
 * one definition. */
static json_t *statuses(sb_ctx *ctx, const char *email_lc, const char *subscription_id)
{
    bool all_out = opted_out_of_all(ctx, email_lc);
    sqlite3_stmt *st = NULL;
    json_t *out = json_array();
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT d.id, d.name, d.description, s.status, s.legal_basis,"
                           " s.legal_basis_explanation FROM hs_sub_defs d LEFT JOIN hs_sub_status s"
                           " ON s.sub_id = d.id AND s.email_lc = ?1"
                           " WHERE ?2 IS NULL OR d.id = ?2 ORDER BY d.id",
                           -1, &st, NULL) != SQLITE_OK)
        return out;
    sqlite3_bind_text(st, 1, email_lc, -1, SQLITE_STATIC);
    if (subscription_id)
        sqlite3_bind_text(st, 2, subscription_id, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *status = (const char *)sqlite3_column_text(st, 3);
        json_t *s =
            json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", (const char *)sqlite3_column_text(st, 0),
                      "name", (const char *)sqlite3_column_text(st, 1), "description",
                      (const char *)sqlite3_column_text(st, 2), "status",
                      all_out  ? "NOT_SUBSCRIBED"
                      : status ? status
                               : "NOT_SUBSCRIBED",
                      "sourceOfStatus", all_out ? "PORTAL_WIDE_STATUS" : "SUBSCRIPTION_STATUS");
        const char *basis = (const char *)sqlite3_column_text(st, 4);
        const char *why = (const char *)sqlite3_column_text(st, 5);
        if (basis)
            json_object_set_new(s, "legalBasis", json_string(basis));
        if (why)
            json_object_set_new(s, "legalBasisExplanation", json_string(why));
        json_array_append_new(out, s);
    }
    sqlite3_finalize(st);
    return out;
}

void hs_h_prefs_status(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    const char *email = sb_param(req, "email");
    char lc[320];
    lower(email ? email : "", lc, sizeof lc);
    sb_respond_json(res, 200,
                    json_pack("{s:s,s:o}", "recipient", email ? email : "", "subscriptionStatuses",
                              statuses(ctx, lc, NULL)));
}

/* Sets hs_email_optout on the contact with this address (if any). */
static int sync_contact_optout(sb_ctx *ctx, const char *email, bool out, cs_err *err)
{
    const hs_type *t = hs_type_find(ctx, HS_CONTACTS);
    int64_t id;
    int rc = t ? hs_obj_find_by(ctx, t, "email", email, &id, err) : 0;
    if (rc <= 0)
        return rc;
    hs_obj o = {0};
    if (hs_obj_load(ctx, t, id, false, &o, err) != 1)
        return -1;
    const char *cur = json_string_value(json_object_get(o.props, "hs_email_optout"));
    const char *want = out ? "true" : "false";
    if (cur == NULL || strcmp(cur, want) != 0) {
        json_t *values = json_pack("{s:s}", "hs_email_optout", want);
        rc = hs_obj_update(ctx, t, &o, values, cs_time_now_ms(), err);
        json_decref(values);
    }
    hs_obj_dispose(&o);
    return rc;
}

static void update_status(sb_ctx *ctx, const sb_request *req, sb_response *res, bool subscribe)
{
    json_t *body = hs_body(ctx, req, res);
    if (body == NULL)
        return;
    const char *email = json_string_value(json_object_get(body, "emailAddress"));
    const char *sub = json_string_value(json_object_get(body, "subscriptionId"));
    const char *basis = json_string_value(json_object_get(body, "legalBasis"));
    const char *why = json_string_value(json_object_get(body, "legalBasisExplanation"));
    char lc[320], msg[400];
    cs_err err;
    lower(email ? email : "", lc, sizeof lc);
    json_t *found = sub ? statuses(ctx, lc, sub) : NULL;
    if (email == NULL || strchr(email, '@') == NULL || strlen(email) >= sizeof lc) {
        hs_error(ctx, res, 400, "VALIDATION_ERROR", "emailAddress must be an email address");
    } else if (json_array_size(found) == 0) {
        (void)snprintf(msg, sizeof msg, "No subscription definition with id %.40s",
                       sub ? sub : "(missing subscriptionId)");
        hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
    } else if (subscribe && opted_out_of_all(ctx, lc)) {
        (void)snprintf(
            msg, sizeof msg,
            "%.200s has opted out of all email and cannot be resubscribed through the API", email);
        hs_error(ctx, res, 400, "VALIDATION_ERROR", msg);
    } else {
        sqlite3_stmt *st = NULL;
        int rc = hs_begin(ctx, &err);
        if (rc == 0 && sqlite3_prepare_v2(ctx->db,
                                          "INSERT OR REPLACE INTO hs_sub_status"
                                          " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                                          -1, &st, NULL) != SQLITE_OK)
            rc = hs_db_error(ctx, &err, "subscriptions");
        if (rc == 0) {
            sqlite3_bind_text(st, 1, lc, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, sub, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, subscribe ? "SUBSCRIBED" : "NOT_SUBSCRIBED", -1,
                              SQLITE_STATIC);
            if (basis)
                sqlite3_bind_text(st, 4, basis, -1, SQLITE_STATIC);
            if (why)
                sqlite3_bind_text(st, 5, why, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 6, cs_time_now_ms());
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = hs_db_error(ctx, &err, "subscriptions");
        }
        sqlite3_finalize(st);
        if (rc == 0 && !subscribe && opted_out_of_all(ctx, lc))
            rc = sync_contact_optout(ctx, email, true, &err);
        if (rc != 0 || hs_commit(ctx, &err) != 0) {
            hs_error_internal(ctx, res, &err);
        } else {
            json_t *now = statuses(ctx, lc, sub);
            sb_respond_json(res, 200, json_incref(json_array_get(now, 0)));
            json_decref(now);
        }
    }
    json_decref(found);
    json_decref(body);
}

void hs_h_prefs_subscribe(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    update_status(ctx, req, res, true);
}

void hs_h_prefs_unsubscribe(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    update_status(ctx, req, res, false);
}
