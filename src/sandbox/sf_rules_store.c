/* Validation and duplicate rules: their storage (table sf_rules, so they
 * survive a restart), the parsed set the write pipeline reads (kept across
 * requests in the sf_store state and rebuilt from the table after a change,
 * so a write never parses a condition), and the sandbox-only admin routes
 * that manage them:
 *   POST   /__sandbox/salesforce/validation-rules
 *   GET    /__sandbox/salesforce/validation-rules[?object=Lead]
 *   DELETE /__sandbox/salesforce/validation-rules/{Object.Name | Name}
 * and the same under duplicate-rules. A rule's name is unique per object and
 * kind (case-insensitively, as API names are); posting a name again
 * replaces that rule, as deploying it again would. Errors answer 400/404
 * {"error": "..."} naming the offending input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sf_int.h"

#define RULES_MAX      500 /* per kind, over all objects */
#define DUP_ACTIVE_MAX 5   /* active duplicate rules per object, as in Salesforce */

typedef enum rule_kind { KIND_VALIDATION, KIND_DUPLICATE } rule_kind;

static const char *const kind_key[] = {"validation", "duplicate"};
static const char *const kind_label[] = {"validation rule", "duplicate rule"};

int sf_rules_init(sb_ctx *ctx, cs_err *err)
{
    return sb_exec(ctx,
                   "CREATE TABLE IF NOT EXISTS sf_rules(seq INTEGER PRIMARY KEY,"
                   "  kind TEXT NOT NULL, object TEXT NOT NULL, name TEXT NOT NULL,"
                   "  def TEXT NOT NULL);",
                   err);
}

void sf_ruleset_free(sf_ruleset *rs)
{
    if (rs == NULL)
        return;
    for (size_t i = 0; i < rs->nv; i++)
        sf_vrule_dispose(&rs->v[i]);
    for (size_t i = 0; i < rs->nd; i++)
        sf_duprule_dispose(&rs->d[i]);
    for (int i = 0; i < SF_DUP_ST_COUNT; i++)
        sqlite3_finalize(rs->st[i]);
    free(rs->v);
    free(rs->d);
    free(rs);
}

/* Compiles one stored definition into rs. The admin routes never store
 * more than RULES_MAX of a kind; a table holding more is refused. */
static int load_one(sf_tx *tx, sf_ruleset *rs, const char *kind, const char *text, cs_err *err)
{
    if (kind == NULL ||
        (strcmp(kind, kind_key[KIND_VALIDATION]) == 0 ? rs->nv : rs->nd) >= RULES_MAX)
        return cs_err_set(err, CS_ERR_STORE,
                          "sandbox database: more than %d stored rules of a kind", RULES_MAX);
    json_t *def = text ? json_loads(text, 0, NULL) : NULL;
    char why[600];
    int rc;
    if (def == NULL)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: a stored rule is corrupt");
    if (strcmp(kind, kind_key[KIND_VALIDATION]) == 0)
        rc = sf_vrule_compile(tx->schema, def, &rs->v[rs->nv], why, sizeof why);
    else
        rc = sf_duprule_compile(tx->schema, def, NULL, &rs->d[rs->nd], why, sizeof why);
    if (rc != 0)
        cs_err_set(err, CS_ERR_STORE, "sandbox database: stored %s rule %s.%s: %s", kind,
                   json_string_value(json_object_get(def, "object")),
                   json_string_value(json_object_get(def, "name")), why);
    else if (strcmp(kind, kind_key[KIND_VALIDATION]) == 0)
        rs->nv++;
    else
        rs->nd++;
    json_decref(def);
    return rc;
}

static sf_ruleset *load(sf_tx *tx, cs_err *err)
{
    sf_ruleset *rs = calloc(1, sizeof *rs);
    if (rs) {
        rs->v = calloc(RULES_MAX, sizeof *rs->v);
        rs->d = calloc(RULES_MAX, sizeof *rs->d);
    }
    if (rs == NULL || rs->v == NULL || rs->d == NULL) {
        sf_ruleset_free(rs);
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(tx->ctx->db, "SELECT kind, def FROM sf_rules ORDER BY seq", -1, &st,
                           NULL) != SQLITE_OK) {
        cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
        sf_ruleset_free(rs);
        return NULL;
    }
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
        rc = load_one(tx, rs, (const char *)sqlite3_column_text(st, 0),
                      (const char *)sqlite3_column_text(st, 1), err);
    sqlite3_finalize(st);
    if (rc != 0) {
        sf_ruleset_free(rs);
        return NULL;
    }
    return rs;
}

sf_ruleset *sf_rules_get(sf_tx *tx, cs_err *err)
{
    sf_ruleset **slot = sf_store_rules_slot(tx->ctx);
    if (slot == NULL) {
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    if (*slot == NULL)
        *slot = load(tx, err);
    return *slot;
}

/* Drops the parsed set after a change: the next write rebuilds it from the
 * table, so the cache never disagrees with what is stored. */
static void invalidate(sb_ctx *ctx)
{
    sf_ruleset **slot = sf_store_rules_slot(ctx);
    if (slot) {
        sf_ruleset_free(*slot);
        *slot = NULL;
    }
}

/* The definition of rule i of kind k. */
static json_t *rule_def(const sf_ruleset *rs, rule_kind k, size_t i)
{
    return k == KIND_VALIDATION ? rs->v[i].def : rs->d[i].def;
}

static size_t rule_count(const sf_ruleset *rs, rule_kind k)
{
    return k == KIND_VALIDATION ? rs->nv : rs->nd;
}

static const char *def_str(json_t *def, const char *key)
{
    return json_string_value(json_object_get(def, key));
}

static json_t *shown(json_t *def)
{
    json_t *out = json_copy(def);
    char full[256];
    snprintf(full, sizeof full, "%s.%s", def_str(def, "object"), def_str(def, "name"));
    json_object_set_new(out, "fullName", json_string(full));
    return out;
}

/* Index of the rule of kind k on object with name (case-insensitive), or -1. */
static long find_rule(const sf_ruleset *rs, rule_kind k, const char *object, const char *name)
{
    for (size_t i = 0; i < rule_count(rs, k); i++) {
        json_t *def = rule_def(rs, k, i);
        if ((object == NULL || strcasecmp(def_str(def, "object"), object) == 0) &&
            strcasecmp(def_str(def, "name"), name) == 0)
            return (long)i;
    }
    return -1;
}

static int exec_bound(sf_tx *tx, const char *sql, const char *const *args, int nargs, cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(tx->ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
    for (int i = 0; i < nargs; i++)
        sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    if (rc != 0)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
    tx->wrote = true;
    return 0;
}

/* A name for a duplicate rule posted without one: <Object>_Duplicate_Rule_<n>
 * with the smallest n free ("Thing__c" contributes "Thing"). */
static void generated_name(const sf_ruleset *rs, const char *object, char *out, size_t size)
{
    char base[64];
    size_t n = 0;
    for (const char *p = object; *p && n + 1 < sizeof base && n < 20; p++) {
        if (strcmp(p, "__c") == 0)
            break;
        if (*p == '_' && (n == 0 || base[n - 1] == '_'))
            continue;
        base[n++] = *p;
    }
    while (n > 0 && base[n - 1] == '_')
        n--;
    base[n] = '\0';
    for (int k = 1; k <= RULES_MAX + 1; k++) {
        snprintf(out, size, "%s_Duplicate_Rule_%d", base[0] ? base : "Object", k);
        if (find_rule(rs, KIND_DUPLICATE, object, out) < 0)
            return;
    }
}

/* Active duplicate rules of object, not counting rule `except` (-1: none). */
static int active_duplicate_rules(const sf_ruleset *rs, const char *object, long except)
{
    int n = 0;
    for (size_t i = 0; i < rs->nd; i++)
        if ((long)i != except && rs->d[i].active && strcmp(rs->d[i].object, object) == 0)
            n++;
    return n;
}

static void post_rule(sf_tx *tx, rule_kind k, json_t *body, sb_response *res)
{
    cs_err err;
    sf_ruleset *rs = sf_rules_get(tx, &err);
    if (rs == NULL) {
        sb_respond_admin_error(res, 500, "%s", err.message);
        return;
    }
    char why[600], name[96] = "";
    sf_vrule v;
    sf_duprule d;
    json_t *def;
    if (k == KIND_VALIDATION) {
        if (sf_vrule_compile(tx->schema, body, &v, why, sizeof why) != 0) {
            sb_respond_admin_error(res, 400, "validation rule: %s", why);
            return;
        }
        def = json_incref(v.def);
        sf_vrule_dispose(&v);
    } else {
        const sf_object *o =
            sf_schema_object(tx->schema, def_str(body, "object") ? def_str(body, "object") : "");
        if (o)
            generated_name(rs, o->name, name, sizeof name);
        if (sf_duprule_compile(tx->schema, body, name[0] ? name : NULL, &d, why, sizeof why) != 0) {
            sb_respond_admin_error(res, 400, "duplicate rule: %s", why);
            return;
        }
        def = json_incref(d.def);
        sf_duprule_dispose(&d);
    }
    const char *object = def_str(def, "object"), *rname = def_str(def, "name");
    long at = find_rule(rs, k, object, rname);
    if (k == KIND_DUPLICATE && json_is_true(json_object_get(def, "active")) &&
        active_duplicate_rules(rs, object, at) >= DUP_ACTIVE_MAX) {
        sb_respond_admin_error(
            res, 400,
            "duplicate rule: %s already has %d active duplicate rules, Salesforce's "
            "limit per object: deactivate or delete one first",
            object, DUP_ACTIVE_MAX);
        json_decref(def);
        return;
    }
    char *text = json_dumps(def, JSON_COMPACT);
    int rc;
    if (text == NULL) {
        rc = cs_err_set(&err, CS_ERR_INTERNAL, "out of memory");
    } else if (at >= 0) {
        const char *args[] = {rname, text, kind_key[k], object, rname};
        rc = exec_bound(tx,
                        "UPDATE sf_rules SET name = ?1, def = ?2 WHERE kind = ?3 AND object = ?4 "
                        "AND name = ?5 COLLATE NOCASE",
                        args, 5, &err);
    } else if (rule_count(rs, k) >= RULES_MAX) {
        sb_respond_admin_error(res, 400, "at most %d %ss", RULES_MAX, kind_label[k]);
        free(text);
        json_decref(def);
        return;
    } else {
        const char *args[] = {kind_key[k], object, rname, text};
        rc = exec_bound(tx, "INSERT INTO sf_rules(kind, object, name, def) VALUES (?,?,?,?)", args,
                        4, &err);
    }
    free(text);
    if (rc == 0)
        rc = sf_tx_commit(tx, &err);
    if (rc != 0) {
        sb_respond_admin_error(res, 500, "%s", err.message);
    } else {
        invalidate(tx->ctx);
        sb_respond_json(res, at >= 0 ? 200 : 201, shown(def));
    }
    json_decref(def);
}

static void list_rules(sf_tx *tx, rule_kind k, const char *object, sb_response *res)
{
    cs_err err;
    sf_ruleset *rs = sf_rules_get(tx, &err);
    if (rs == NULL) {
        sb_respond_admin_error(res, 500, "%s", err.message);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < rule_count(rs, k); i++) {
        json_t *def = rule_def(rs, k, i);
        if (object == NULL || strcasecmp(def_str(def, "object"), object) == 0)
            json_array_append_new(arr, shown(def));
    }
    sb_respond_json(res, 200, arr);
}

/* DELETE by "Object.Name" (the rule's full name) or by "Name" alone when
 * only one object has a rule of that name. */
static void delete_rule(sf_tx *tx, rule_kind k, const char *full, sb_response *res)
{
    cs_err err;
    sf_ruleset *rs = sf_rules_get(tx, &err);
    if (rs == NULL) {
        sb_respond_admin_error(res, 500, "%s", err.message);
        return;
    }
    char object[128] = "";
    const char *name = full ? full : "";
    const char *dot = strchr(name, '.');
    if (dot) {
        snprintf(object, sizeof object, "%.*s", (int)(dot - name), name);
        name = dot + 1;
    }
    long at = -1;
    int found = 0;
    cs_buf objects;
    cs_buf_init(&objects, 4096);
    for (size_t i = 0; i < rule_count(rs, k); i++) {
        json_t *def = rule_def(rs, k, i);
        if ((object[0] && strcasecmp(def_str(def, "object"), object) != 0) ||
            strcasecmp(def_str(def, "name"), name) != 0)
            continue;
        at = (long)i;
        cs_buf_appendf(&objects, "%s%s", found++ ? ", " : "", def_str(def, "object"));
    }
    if (found == 0) {
        sb_respond_admin_error(res, 404, "no %s named '%.100s'", kind_label[k], full ? full : "");
    } else if (found > 1) {
        sb_respond_admin_error(res, 400,
                               "%ss named '%.100s' exist on several objects (%.300s): name one as "
                               "Object.Name",
                               kind_label[k], name, cs_buf_str(&objects));
    } else {
        json_t *def = rule_def(rs, k, (size_t)at);
        const char *args[] = {kind_key[k], def_str(def, "object"), def_str(def, "name")};
        int rc = exec_bound(tx, "DELETE FROM sf_rules WHERE kind = ? AND object = ? AND name = ?",
                            args, 3, &err);
        if (rc == 0)
            rc = sf_tx_commit(tx, &err);
        if (rc != 0) {
            sb_respond_admin_error(res, 500, "%s", err.message);
        } else {
            invalidate(tx->ctx);
            sb_respond_empty(res, 204);
        }
    }
    cs_buf_free(&objects);
}

/* POST, GET or DELETE of one kind, inside a transaction over the current
 * schema. */
static void handle(sb_ctx *ctx, const sb_request *req, sb_response *res, rule_kind k)
{
    sf_tx tx;
    cs_err err;
    json_t *body = NULL;
    if (strcmp(req->method, "POST") == 0) {
        char why[200];
        body = sb_body_json(req, why, sizeof why);
        if (!json_is_object(body)) {
            sb_respond_admin_error(res, 400, "body must be a JSON object%s%s", body ? "" : ": ",
                                   body ? "" : why);
            json_decref(body);
            return;
        }
    }
    if (sf_tx_begin(ctx, &tx, SF_VERSION_MAX, &err) != 0)
        sb_respond_admin_error(res, 500, "%s", err.message);
    else if (body)
        post_rule(&tx, k, body, res);
    else if (strcmp(req->method, "GET") == 0)
        list_rules(&tx, k, sb_query(req, "object"), res);
    else
        delete_rule(&tx, k, sb_param(req, "name"), res);
    sf_tx_end(&tx);
    json_decref(body);
}

void sf_h_admin_validation_rules(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    handle(ctx, req, res, KIND_VALIDATION);
}

void sf_h_admin_duplicate_rules(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    handle(ctx, req, res, KIND_DUPLICATE);
}
