/* Links and snapshots in the SQLite store: adding a link (refusing a second
 * link for either record, with both links named), lookups from either side,
 * moving a link to another SF record (C14), removing one, iterating, and the
 * last-synced snapshot of each linked pair kept as JSON text. */
#include "store/sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

#define LINK_COLUMNS "object, hs_id, sf_type, sf_id, created_ms, updated_ms"

static void read_link(sqlite3_stmt *st, cs_link *out)
{
    cs_sq_column_copy(st, 0, out->object, sizeof out->object);
    cs_sq_column_copy(st, 1, out->hs_id, sizeof out->hs_id);
    cs_sq_column_copy(st, 2, out->sf_type, sizeof out->sf_type);
    cs_sq_column_copy(st, 3, out->sf_id, sizeof out->sf_id);
    out->created_ms = sqlite3_column_int64(st, 4);
    out->updated_ms = sqlite3_column_int64(st, 5);
}

/* Steps a lookup that answers at most one link: 1 found, 0 not, -1 error. */
static int step_link(sq_store *b, sqlite3_stmt *st, cs_link *out, cs_err *err)
{
    int rc = sqlite3_step(st);
    int ret = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (ret == 1) {
        cs_link found;
        read_link(st, &found);
        *out = found;
    } else if (ret < 0) {
        cs_sq_fail(b, "reading a link", err);
    }
    cs_sq_done(st);
    return ret;
}

int cs_sq_link_by_hs(cs_store *s, const char *object, const char *hs_id, cs_link *out, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st =
        cs_sq_stmt(b, SQ_LINK_BY_HS,
                   "SELECT " LINK_COLUMNS " FROM links WHERE object = ?1 AND hs_id = ?2", err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, object);
    cs_sq_bind_text(st, 2, hs_id);
    return step_link(b, st, out, err);
}

int cs_sq_link_by_sf(cs_store *s, const char *sf_id, cs_link *out, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st =
        cs_sq_stmt(b, SQ_LINK_BY_SF, "SELECT " LINK_COLUMNS " FROM links WHERE sf_id = ?1", err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, sf_id);
    return step_link(b, st, out, err);
}

/* After a uniqueness violation: says which existing link is in the way. */
static int conflict(sq_store *b, const char *verb, const char *object, const char *hs_id,
                    const char *sf_type, const char *sf_id, cs_err *err)
{
    cs_link by_hs, by_sf;
    int has_hs = cs_sq_link_by_hs(&b->base, object, hs_id, &by_hs, err);
    int has_sf = has_hs < 0 ? -1 : cs_sq_link_by_sf(&b->base, sf_id, &by_sf, err);
    if (has_hs < 0 || has_sf < 0)
        return -1;
    if (has_sf == 1 && !(strcmp(by_sf.object, object) == 0 && strcmp(by_sf.hs_id, hs_id) == 0))
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: cannot %s %s %s to %s %s: %s %s is already linked to %s %s",
                          b->path, verb, object, hs_id, sf_type, sf_id, by_sf.sf_type, sf_id,
                          by_sf.object, by_sf.hs_id);
    if (has_hs == 1)
        return cs_err_set(err, CS_ERR_STORE,
                          "store %s: cannot %s %s %s to %s %s: %s %s is already linked to %s %s",
                          b->path, verb, object, hs_id, sf_type, sf_id, object, hs_id,
                          by_hs.sf_type, by_hs.sf_id);
    return cs_err_set(err, CS_ERR_STORE, "store %s: cannot %s %s %s to %s %s: %s", b->path, verb,
                      object, hs_id, sf_type, sf_id, sqlite3_errmsg(b->db));
}

static bool is_unique_violation(sq_store *b)
{
    int ext = sqlite3_extended_errcode(b->db);
    return ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY;
}

int cs_sq_link_add(cs_store *s, const char *object, const char *hs_id, const char *sf_type,
                   const char *sf_id, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_LINK_ADD,
                                  "INSERT INTO links (object, hs_id, sf_type, sf_id, created_ms, "
                                  "updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, object);
    cs_sq_bind_text(st, 2, hs_id);
    cs_sq_bind_text(st, 3, sf_type);
    cs_sq_bind_text(st, 4, sf_id);
    sqlite3_bind_int64(st, 5, cs_time_now_ms());
    int rc = sqlite3_step(st);
    cs_sq_done(st);
    if (rc == SQLITE_DONE)
        return 0;
    if (!is_unique_violation(b))
        return cs_sq_fail(b, "adding a link", err);
    cs_link existing;
    int found = cs_sq_link_by_hs(s, object, hs_id, &existing, err);
    if (found < 0)
        return -1;
    if (found == 1 && strcmp(existing.sf_id, sf_id) == 0 && strcmp(existing.sf_type, sf_type) == 0)
        return 0; /* exactly this link exists already */
    return conflict(b, "link", object, hs_id, sf_type, sf_id, err);
}

/* C14 */
int cs_sq_link_relink(cs_store *s, const char *object, const char *hs_id, const char *sf_type,
                      const char *sf_id, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_LINK_RELINK,
                                  "UPDATE links SET sf_type = ?3, sf_id = ?4, updated_ms = ?5 "
                                  "WHERE object = ?1 AND hs_id = ?2",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, object);
    cs_sq_bind_text(st, 2, hs_id);
    cs_sq_bind_text(st, 3, sf_type);
    cs_sq_bind_text(st, 4, sf_id);
    sqlite3_bind_int64(st, 5, cs_time_now_ms());
    int rc = sqlite3_step(st);
    cs_sq_done(st);
    if (rc != SQLITE_DONE) {
        if (is_unique_violation(b))
            return conflict(b, "relink", object, hs_id, sf_type, sf_id, err);
        return cs_sq_fail(b, "relinking", err);
    }
    if (sqlite3_changes(b->db) == 0)
        return cs_err_set(err, CS_ERR_NOT_FOUND, "store %s: cannot relink %s %s: it is not linked",
                          b->path, object, hs_id);
    return 0;
}

int cs_sq_link_remove(cs_store *s, const char *object, const char *hs_id, cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st =
        cs_sq_stmt(b, SQ_LINK_REMOVE, "DELETE FROM links WHERE object = ?1 AND hs_id = ?2", err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, object);
    cs_sq_bind_text(st, 2, hs_id);
    if (cs_sq_step_done(b, st, "removing a link", err) != 0)
        return -1;
    return sqlite3_changes(b->db) > 0 ? 1 : 0; /* the snapshot went with it (CASCADE) */
}

int cs_sq_link_each(cs_store *s, const char *object, cs_link_fn fn, void *userdata, cs_err *err)
{
    sq_store *b = sq_of(s);
    if (b->in_link_each)
        return cs_err_set(err, CS_ERR_INTERNAL, "store %s: link_each called from its callback",
                          b->path);
    sqlite3_stmt *st = cs_sq_stmt(
        b, SQ_LINK_EACH,
        "SELECT " LINK_COLUMNS " FROM links WHERE ?1 IS NULL OR object = ?1 ORDER BY id", err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, object);
    b->in_link_each = true;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cs_link link;
        read_link(st, &link);
        if (fn(&link, userdata) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    b->in_link_each = false;
    if (rc != SQLITE_DONE)
        cs_sq_fail(b, "reading links", err);
    cs_sq_done(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- snapshots ------------------------------------------------------------ */

int cs_sq_snapshot_put(cs_store *s, const char *object, const char *hs_id, const cs_snapshot *snap,
                       cs_err *err)
{
    sq_store *b = sq_of(s);
    char *text = json_dumps(snap->fields, JSON_COMPACT);
    if (text == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: cannot encode the snapshot of %s %s",
                          object, hs_id);
    if (strlen(text) > CS_STORE_TEXT_MAX) {
        free(text);
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "store: snapshot of %s %s is larger than %zu bytes", object, hs_id,
                          CS_STORE_TEXT_MAX);
    }
    /* The WHERE makes the SELECT's ON CONFLICT unambiguous for SQLite's parser. */
    sqlite3_stmt *st = cs_sq_stmt(
        b, SQ_SNAP_PUT,
        "INSERT INTO snapshots (link_id, fields, hs_modified_ms, sf_modified_ms, synced_ms) "
        "SELECT id, ?3, ?4, ?5, ?6 FROM links WHERE object = ?1 AND hs_id = ?2 "
        "ON CONFLICT (link_id) DO UPDATE SET fields = excluded.fields, "
        "hs_modified_ms = excluded.hs_modified_ms, sf_modified_ms = excluded.sf_modified_ms, "
        "synced_ms = excluded.synced_ms",
        err);
    if (st == NULL) {
        free(text);
        return -1;
    }
    cs_sq_bind_text(st, 1, object);
    cs_sq_bind_text(st, 2, hs_id);
    cs_sq_bind_text(st, 3, text);
    sqlite3_bind_int64(st, 4, snap->hs_modified_ms);
    sqlite3_bind_int64(st, 5, snap->sf_modified_ms);
    sqlite3_bind_int64(st, 6, cs_time_now_ms());
    int rc = cs_sq_step_done(b, st, "writing a snapshot", err);
    free(text);
    if (rc != 0)
        return -1;
    if (sqlite3_changes(b->db) == 0)
        return cs_err_set(err, CS_ERR_NOT_FOUND,
                          "store %s: no snapshot can be kept for %s %s: it is not linked", b->path,
                          object, hs_id);
    return 0;
}

int cs_sq_snapshot_get(cs_store *s, const char *object, const char *hs_id, cs_snapshot *out,
                       cs_err *err)
{
    sq_store *b = sq_of(s);
    sqlite3_stmt *st = cs_sq_stmt(b, SQ_SNAP_GET,
                                  "SELECT s.fields, s.hs_modified_ms, s.sf_modified_ms, "
                                  "s.synced_ms FROM snapshots s JOIN links l ON l.id = s.link_id "
                                  "WHERE l.object = ?1 AND l.hs_id = ?2",
                                  err);
    if (st == NULL)
        return -1;
    cs_sq_bind_text(st, 1, object);
    cs_sq_bind_text(st, 2, hs_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE)
            cs_sq_fail(b, "reading a snapshot", err);
        cs_sq_done(st);
        return rc == SQLITE_DONE ? 0 : -1;
    }
    const char *text = (const char *)sqlite3_column_text(st, 0);
    size_t len = text ? (size_t)sqlite3_column_bytes(st, 0) : 0;
    json_t *fields = text ? json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    cs_snapshot snap = {
        .fields = fields,
        .hs_modified_ms = sqlite3_column_int64(st, 1),
        .sf_modified_ms = sqlite3_column_int64(st, 2),
        .synced_ms = sqlite3_column_int64(st, 3),
    };
    cs_sq_done(st);
    if (!json_is_object(fields)) {
        json_decref(fields);
        return cs_err_set(err, CS_ERR_STORE, "store %s: the snapshot of %s %s is damaged", b->path,
                          object, hs_id);
    }
    *out = snap;
    return 1;
}
