/* Replication API: GET /sobjects/X/updated and /deleted with start and end
 * (ISO-8601, minute granularity). "updated" lists live records whose
 * SystemModstamp falls in [start, end) and covers at most 30 days back;
 * "deleted" lists soft-deleted records by deletion time and covers 15 days
 * back. Both refuse more than 600,000 ids. */
#include <stdio.h>
#include <string.h>

#include "sandbox/sf_int.h"

#define MINUTE_MS    60000LL
#define DAY_MS       86400000LL
#define MAX_IDS      600000
#define UPDATED_DAYS 30
#define DELETED_DAYS 15

static int64_t floor_minute(int64_t ms)
{
    int64_t r = ms % MINUTE_MS;
    return r < 0 ? ms - r - MINUTE_MS : ms - r;
}

static void replication(sb_ctx *ctx, const sb_request *req, sb_response *res, bool deleted)
{
    int v = sf_version_or_404(req, res);
    if (v < 0)
        return;
    sf_schema *s = NULL;
    cs_err err;
    if (sf_schema_load(ctx, &s, &err) != 0) {
        sf_respond_internal(res, &err);
        return;
    }
    const sf_object *o = sf_schema_object(s, sb_param(req, "object"));
    const char *start_text = sb_query(req, "start");
    const char *end_text = sb_query(req, "end");
    int64_t start = 0, end = 0, now = cs_time_now_ms();
    int days = deleted ? DELETED_DAYS : UPDATED_DAYS;
    if (o == NULL) {
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
    } else if (start_text == NULL || end_text == NULL) {
        sf_respond_error(res, 400, "MISSING_ARGUMENT",
                         start_text ? "end parameter is missing" : "start parameter is missing");
    } else if (cs_time_parse(start_text, &start, NULL) != 0 ||
               cs_time_parse(end_text, &end, NULL) != 0) {
        sf_respond_error(res, 400, "INVALID_REPLICATION_DATE",
                         "start and end must be dateTime values such as 2026-01-02T03:04:00Z");
    } else if (floor_minute(end) - floor_minute(start) < MINUTE_MS) {
        sf_respond_error(res, 400, "INVALID_REPLICATION_DATE",
                         "startDate must chronologically precede endDate by more than one minute");
    } else if (start < now - days * DAY_MS) {
        char msg[120];
        snprintf(msg, sizeof msg, "startDate cannot be more than %d days ago", days);
        sf_respond_error(res, 400, "INVALID_REPLICATION_DATE", msg);
    } else {
        int64_t from = floor_minute(start);
        int64_t covered = floor_minute(end < now ? end : now);
        sqlite3_stmt *st = NULL;
        const char *sql =
            deleted ? "SELECT id, deleted_ms FROM sf_records WHERE object = ? AND is_deleted = 1 "
                      "AND deleted_ms >= ? AND deleted_ms < ? ORDER BY deleted_ms, rid LIMIT ?"
                    : "SELECT id FROM sf_records WHERE object = ? AND modstamp >= ? AND "
                      "modstamp < ? AND is_deleted = 0 ORDER BY modstamp, rid LIMIT ?";
        if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
            cs_err_set(&err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(ctx->db));
            sf_respond_internal(res, &err);
        } else {
            sqlite3_bind_text(st, 1, o->name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, from);
            sqlite3_bind_int64(st, 3, covered);
            sqlite3_bind_int(st, 4, MAX_IDS + 1);
            json_t *arr = json_array();
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char *id = (const char *)sqlite3_column_text(st, 0);
                if (deleted) {
                    char when[CS_TIME_TEXT_MAX];
                    cs_time_format_salesforce(sqlite3_column_int64(st, 1), when);
                    json_array_append_new(arr,
                                          json_pack("{s:s,s:s}", "id", id, "deletedDate", when));
                } else {
                    json_array_append_new(arr, json_string(id));
                }
            }
            sqlite3_finalize(st);
            char latest[CS_TIME_TEXT_MAX], earliest[CS_TIME_TEXT_MAX];
            cs_time_format_salesforce(covered, latest);
            cs_time_format_salesforce(floor_minute(now - DELETED_DAYS * DAY_MS), earliest);
            if (json_array_size(arr) > MAX_IDS) {
                json_decref(arr);
                sf_respond_error(res, 400, "EXCEEDED_ID_LIMIT",
                                 "too many ids: narrow the start and end range");
            } else if (deleted) {
                sb_respond_json(res, 200,
                                json_pack("{s:o,s:s,s:s}", "deletedRecords", arr,
                                          "earliestDateAvailable", earliest, "latestDateCovered",
                                          latest));
            } else {
                sb_respond_json(res, 200,
                                json_pack("{s:o,s:s}", "ids", arr, "latestDateCovered", latest));
            }
        }
    }
    sf_schema_free(s);
}

void sf_h_updated(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    replication(ctx, req, res, false);
}

void sf_h_deleted(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    replication(ctx, req, res, true);
}
