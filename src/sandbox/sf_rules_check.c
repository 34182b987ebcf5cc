/* Rule enforcement in the write pipeline (sf_write.c calls sf_rules_enforce
 * for every create and update, upserts included, from every endpoint):
 * validation rules first, each evaluated on the record as it would be
 * saved, every failing rule reported (FIELD_CUSTOM_VALIDATION_EXCEPTION,
 * fields naming the rule's error field); then, when none failed, the
 * blocking duplicate rules (DUPLICATES_DETECTED with the duplicateResult the
 * REST API documents, for the first rule that finds matches). Salesforce runs them in that order
 * and stops a save that failed validation before its duplicate rules run.
 *
 * A duplicate lookup costs one index probe: through sf_extids when a rule
 * field is an external id or unique, through the email column for Email,
 * else through the object's rows with the first field compared in SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sf_int.h"

/* Matching records named in one duplicateResult. */
#define DUP_MATCH_MAX 50

static const char *const dup_sql[SF_DUP_ST_COUNT] = {
    [SF_DUP_ST_EXT] = "SELECT r.id, r.data FROM sf_extids e JOIN sf_records r ON r.id = e.id "
                      "WHERE e.object = ?1 AND e.field = ?2 AND e.value = ?3 "
                      "AND r.is_deleted = 0 ORDER BY r.rid",
    [SF_DUP_ST_EMAIL] = "SELECT id, data FROM sf_records WHERE object = ?1 AND email = ?2 "
                        "AND is_deleted = 0 ORDER BY rid",
    [SF_DUP_ST_SCAN] = "SELECT id, data FROM sf_records WHERE object = ?1 AND is_deleted = 0 "
                       "AND lower(json_extract(data, '$.' || ?2)) = ?3 ORDER BY rid",
};

typedef struct parent_ctx {
    sf_tx *tx;
    json_t *cache;
} parent_ctx;

static json_t *parent_of(void *user, const char *id)
{
    parent_ctx *p = user;
    if (p->cache == NULL)
        p->cache = json_object();
    return p->cache ? sf_store_parent(p->tx, p->cache, id) : NULL;
}

static int validation(sf_tx *tx, const sf_ruleset *rs, const sf_object *o, json_t *data, sf_verr *e,
                      cs_err *err)
{
    parent_ctx pc = {.tx = tx, .cache = NULL};
    int failed = 0;
    for (size_t i = 0; i < rs->nv; i++) {
        const sf_vrule *r = &rs->v[i];
        if (!r->active || strcmp(r->object, o->name) != 0)
            continue;
        if (!sf_vrule_fails(r, tx->schema, o, data, parent_of, &pc, tx->stamp_ms))
            continue;
        sf_verr *slot = failed++ ? sf_verr_append(e) : e;
        if (slot == NULL) {
            json_decref(pc.cache);
            cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
            return -2;
        }
        sf_verr_set(slot, "FIELD_CUSTOM_VALIDATION_EXCEPTION", r->field, "%s", r->message);
    }
    json_decref(pc.cache);
    return failed ? -1 : 0;
}

/* The statement and bindings that list the candidates of rule r for the
 * record's keys: those sharing the value of one rule field. */
static sqlite3_stmt *candidates(sf_tx *tx, sf_ruleset *rs, const sf_object *o, const sf_duprule *r,
                                char **keys, cs_err *err)
{
    size_t pick = 0;
    enum sf_dup_stmt kind = SF_DUP_ST_SCAN;
    for (size_t i = 0; i < r->nfields && kind == SF_DUP_ST_SCAN; i++) {
        const sf_field *f = sf_object_field(o, r->fields[i]);
        if (f && sf_store_indexed(f)) {
            kind = SF_DUP_ST_EXT;
            pick = i;
        }
    }
    for (size_t i = 0; i < r->nfields && kind == SF_DUP_ST_SCAN; i++)
        if (strcmp(r->fields[i], "Email") == 0) {
            kind = SF_DUP_ST_EMAIL;
            pick = i;
        }
    if (rs->st[kind] == NULL &&
        sqlite3_prepare_v2(tx->ctx->db, dup_sql[kind], -1, &rs->st[kind], NULL) != SQLITE_OK) {
        cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
        return NULL;
    }
    sqlite3_stmt *st = rs->st[kind];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    sqlite3_bind_text(st, 1, o->name, -1, SQLITE_STATIC);
    if (kind == SF_DUP_ST_EMAIL) {
        sqlite3_bind_text(st, 2, keys[pick], -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_text(st, 2, r->fields[pick], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, keys[pick], -1, SQLITE_STATIC);
    }
    return st;
}

/* True when every rule field of candidate c has the record's key. */
static bool same_keys(const sf_duprule *r, char **keys, json_t *c)
{
    for (size_t i = 0; i < r->nfields; i++) {
        char *k = sf_dup_key(c, r->fields[i]);
        bool same = k && strcmp(k, keys[i]) == 0;
        free(k);
        if (!same)
            return false;
    }
    return true;
}

/* Live records other than self that match data under r: up to
 * DUP_MATCH_MAX ids in ids, their count in *n. */
static int matches(sf_tx *tx, sf_ruleset *rs, const sf_object *o, const sf_duprule *r,
                   const char *self, json_t *data, char (*ids)[SF_ID_LEN + 1], size_t *n,
                   cs_err *err)
{
    char *keys[SF_DUP_FIELDS_MAX] = {0};
    *n = 0;
    bool blank = false;
    for (size_t i = 0; i < r->nfields; i++)
        blank |= (keys[i] = sf_dup_key(data, r->fields[i])) == NULL;
    int rc = 0;
    sqlite3_stmt *st = blank ? NULL : candidates(tx, rs, o, r, keys, err);
    if (!blank && st == NULL)
        rc = -1;
    while (st && *n < DUP_MATCH_MAX) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(tx->ctx->db));
            break;
        }
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (id == NULL || (self && strcmp(id, self) == 0))
            continue;
        json_t *c = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
        if (c && same_keys(r, keys, c))
            snprintf(ids[(*n)++], SF_ID_LEN + 1, "%s", id);
        json_decref(c);
    }
    if (st)
        sqlite3_reset(st);
    for (size_t i = 0; i < r->nfields; i++)
        free(keys[i]);
    return rc;
}

/* {"duplicateResult": {...}} for a refusal by rule r with the given
 * matches, as the REST API answers it. */
static json_t *duplicate_result(const sf_tx *tx, const sf_object *o, const sf_duprule *r,
                                char (*ids)[SF_ID_LEN + 1], size_t n)
{
    json_t *records = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *rec = json_object();
        json_object_set_new(rec, "attributes", sf_render_attributes(tx->version, o, ids[i]));
        json_object_set_new(rec, "Id", json_string(ids[i]));
        json_array_append_new(records,
                              json_pack("{s:[],s:[],s:f,s:o}", "additionalInformation",
                                        "fieldDiffs", "matchConfidence", 100.0, "record", rec));
    }
    char rule[SF_RULE_NAME_MAX + 16];
    snprintf(rule, sizeof rule, "%s_Match", r->name);
    json_t *match = json_pack("{s:s,s:[],s:s,s:o,s:s,s:i,s:b}", "entityType", o->name, "errors",
                              "matchEngine", "ExactMatchEngine", "matchRecords", records, "rule",
                              rule, "size", (int)n, "success", 1);
    json_t *result = json_pack("{s:b,s:s,s:s,s:s,s:[o]}", "allowSave", r->action == SF_DUP_ALERT,
                               "duplicateRule", r->name, "duplicateRuleEntityType", o->name,
                               "errorMessage", r->message, "matchResults", match);
    return json_pack("{s:o}", "duplicateResult", result);
}

/* The first blocking rule (in the order rules were defined, Salesforce's
 * sort order) that finds matches refuses the save: one DuplicateResult per
 * error, one error per save. */
static int duplicates(sf_tx *tx, sf_ruleset *rs, const sf_object *o, const char *self, json_t *data,
                      bool create, sf_verr *e, cs_err *err)
{
    unsigned when = create ? SF_DUP_ON_CREATE : SF_DUP_ON_UPDATE;
    const sf_request_opts *opts = sf_store_request_opts(tx->ctx);
    bool allow_save = opts && opts->dup_allow_save;
    for (size_t i = 0; i < rs->nd; i++) {
        const sf_duprule *r = &rs->d[i];
        bool refuses = r->action == SF_DUP_BLOCK || (r->action == SF_DUP_ALERT && !allow_save);
        if (!r->active || !refuses || !(r->on & when) || strcmp(r->object, o->name) != 0)
            continue;
        char ids[DUP_MATCH_MAX][SF_ID_LEN + 1];
        size_t n = 0;
        if (matches(tx, rs, o, r, self, data, ids, &n, err) != 0)
            return -2;
        if (n == 0)
            continue;
        sf_verr_set(e, "DUPLICATES_DETECTED", NULL, "%s", r->message);
        e->extra = duplicate_result(tx, o, r, ids, n);
        return -1;
    }
    return 0;
}

int sf_rules_enforce(sf_tx *tx, const sf_object *o, const char *self, json_t *data, bool create,
                     sf_verr *e, cs_err *err)
{
    sf_ruleset *rs = sf_rules_get(tx, err);
    if (rs == NULL)
        return -2;
    if (rs->nv == 0 && rs->nd == 0)
        return 0;
    int rc = validation(tx, rs, o, data, e, err);
    if (rc == 0)
        rc = duplicates(tx, rs, o, self, data, create, e, err);
    return rc;
}
