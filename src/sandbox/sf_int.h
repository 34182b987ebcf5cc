/* Private interface of the Salesforce emulation, shared by the sf_*.c files:
 * API versions and error bodies (sf_api.c), the per-request transaction and
 * record storage (sf_store.c), the write pipeline every endpoint goes through
 * (sf_write.c), record rendering (sf_render.c) and the HTTP handlers of each
 * resource family.
 *
 * Storage: table sf_records holds one row per record (id, object, JSON of
 * its non-null fields, is_deleted, SystemModstamp in ms); sf_extids indexes
 * external-id and unique field values; sf_custom holds custom object/field
 * definitions; sf_locators the remaining rows of paged queries; sf_meta the
 * id sequence and the last SystemModstamp; sf_rules the validation and
 * duplicate rules. */
#ifndef CS_SANDBOX_SF_INT_H
#define CS_SANDBOX_SF_INT_H

#include "core/timeutil.h"
#include "sandbox/sb.h"
#include "sandbox/sf_ids.h"
#include "sandbox/sf_rules.h"
#include "sandbox/sf_schema.h"
#include "sandbox/sf_validate.h"
#include "sandbox/soql.h"

/* Supported API versions, in tenths: v31.0 .. v62.0. */
#define SF_VERSION_MIN            310
#define SF_VERSION_MAX            620
#define SF_COLLECTIONS_MIN        420 /* sObject Collections */
#define SF_UPSERT_BODY_MIN        460 /* upsert answers 200 + body; collection upsert */
#define SF_COLLECTION_MAX         200
#define SF_INTEGRATION_USER_EMAIL "integration@example.com"

/* --- sf_api.c: versions and error bodies -------------------------------- */

/* The {version} path parameter ("v60.0") in tenths; -1 when missing,
 * malformed or outside the supported range. */
int sf_request_version(const sb_request *req);
/* As sf_request_version, answering 404 NOT_FOUND itself when invalid. */
int sf_version_or_404(const sb_request *req, sb_response *res);
/* [{"message","errorCode"}] (fields omitted when field is NULL and
 * with_fields is false). */
void sf_respond_error(sb_response *res, int status, const char *code, const char *message);
void sf_respond_verr(sb_response *res, int status, const sf_verr *e);
/* 500 with the message of an internal error. */
void sf_respond_internal(sb_response *res, const cs_err *err);

/* --- sf_store.c: transaction, ids, records ------------------------------ */

enum sf_stmt_id {
    SF_ST_GET,
    SF_ST_INSERT,
    SF_ST_UPDATE,
    SF_ST_EXT_FIND,
    SF_ST_EXT_INSERT,
    SF_ST_EXT_DELETE,
    SF_ST_META_GET,
    SF_ST_META_SAVE,
    SF_ST_COUNT
};

/* One request's view: the schema, an open SQLite transaction, the
 * SystemModstamp every write of the request gets (strictly greater than any
 * earlier one) and the id sequence. Its statements are prepared once and
 * kept in ctx->sf across requests (sf_store.c). */
typedef struct sf_tx {
    sb_ctx *ctx;
    sf_schema *schema;
    int version; /* API version of the request, tenths */
    bool open;
    bool nested; /* a savepoint inside an open transaction (/composite) */
    bool wrote;
    int64_t stamp_ms;
    char stamp[CS_TIME_TEXT_MAX];
    uint64_t next_seq;
    uint64_t first_seq;
    char user_id[SF_ID_LEN + 1]; /* the integration user: CreatedById, default OwnerId */
} sf_tx;

/* Creates the tables (idempotent). */
int sf_store_init(sb_ctx *ctx, cs_err *err);
/* Finalizes the statements kept in ctx->sf (the API's dispose hook). */
void sf_store_dispose(sb_ctx *ctx);
/* Loads the schema and begins a transaction. */
int sf_tx_begin(sb_ctx *ctx, sf_tx *tx, int version, cs_err *err);
int sf_tx_commit(sf_tx *tx, cs_err *err);
/* Rolls back when still open, resets the statements, frees the schema. */
void sf_tx_end(sf_tx *tx);
/* Savepoints for allOrNone / per-record atomicity. */
int sf_tx_savepoint(sf_tx *tx, cs_err *err);
int sf_tx_release(sf_tx *tx, cs_err *err);
int sf_tx_rollback_to(sf_tx *tx, cs_err *err);

int sf_store_new_id(sf_tx *tx, const sf_object *o, char out[SF_ID_LEN + 1]);
/* Reads a record: 0 found (*data new ref, *deleted), 1 not found, -1 error. */
int sf_store_get(sf_tx *tx, const char *id, json_t **data, bool *deleted, cs_err *err);
int sf_store_insert(sf_tx *tx, const sf_object *o, const char *id, json_t *data, cs_err *err);
/* Rewrites a record (data is the full record), keeping sf_extids current. */
int sf_store_update(sf_tx *tx, const sf_object *o, const char *id, json_t *data, bool deleted,
                    cs_err *err);
/* Ids of live records whose field equals value (case-insensitive), up to
 * max; *n gets the count found (capped at max). */
int sf_store_find_ext(sf_tx *tx, const sf_object *o, const sf_field *f, const char *value,
                      char (*ids)[SF_ID_LEN + 1], int max, int *n, cs_err *err);
/* True when the field's values are indexed in sf_extids. */
bool sf_store_indexed(const sf_field *f);
/* A record read through cache (a JSON object: id -> record, or null when
 * missing) for relationship paths; borrowed from cache, NULL when missing. */
json_t *sf_store_parent(sf_tx *tx, json_t *cache, const char *id);

/* --- sf_write.c: the write pipeline --------------------------------------- */

typedef struct sf_save {
    bool ok;
    bool created;
    char id[SF_ID_LEN + 1];
    int matches; /* upsert: records matching the external id (300 when > 1) */
    char match_ids[2][SF_ID_LEN + 1];
    sf_verr err;
} sf_save;

void sf_save_init(sf_save *s);
void sf_save_dispose(sf_save *s);
/* Each returns -1 only on an internal error (err set); a refused record
 * returns 0 with s->ok false and s->err filled. */
int sf_write_create(sf_tx *tx, const sf_object *o, json_t *in, sf_save *s, cs_err *err);
/* id as given by the client (15/18 characters, or malformed). */
int sf_write_update(sf_tx *tx, const sf_object *o, const char *id, json_t *in, sf_save *s,
                    cs_err *err);
/* Upsert by external id field f (or Id) = value. */
int sf_write_upsert(sf_tx *tx, const sf_object *o, const sf_field *f, const char *value, json_t *in,
                    sf_save *s, cs_err *err);
/* o may be NULL (collections delete: any object). */
int sf_write_delete(sf_tx *tx, const sf_object *o, const char *id, sf_save *s, cs_err *err);
/* SaveResult JSON ({id?, success, errors[, created]}) with statusCode errors. */
json_t *sf_save_json(const sf_save *s, bool with_created);

/* --- sf_render.c: records as the API shows them --------------------------- */

/* {"attributes":{type,url}, every field...} for GET /sobjects/X/{id};
 * fields (comma-separated list) restricts it. New ref, or NULL with *bad set
 * to the first unknown field name. */
json_t *sf_render_record(const sf_tx *tx, const sf_object *o, const char *id, json_t *data,
                         bool deleted, const char *fields, char *bad, size_t bad_size);
/* {"type","url"} attributes object. */
json_t *sf_render_attributes(int version, const sf_object *o, const char *id);
/* The value of a field of a stored record (compound Address fields built
 * from their parts). New ref; json null when empty. */
json_t *sf_render_value(const sf_object *o, const sf_field *f, json_t *data, bool deleted);

/* --- sf_page.c: the records of a query page ------------------------------ */

/* A field path of a query resolved against the schema. */
typedef struct sf_qpath {
    const char *path;      /* as written */
    const sf_field *field; /* on the FROM object (the reference field for Rel.Field) */
    const sf_object *target;
    const sf_field *target_field; /* NULL for a plain field */
} sf_qpath;

/* Appends to out the JSON array of the records ids[from..to) of object o
 * (SF_ID_LEN bytes per id; ids no longer stored are left out) with the
 * selected paths, as the query API shows them. */
int sf_page_records(sf_tx *tx, const sf_object *o, const sf_qpath *sel, size_t nsel,
                    const char *ids, size_t from, size_t to, cs_buf *out, cs_err *err);

/* --- sf_query.c: SOQL compile checks against the schema ------------------- */

/* The SOQL checker's view of a schema field (soql.h, sb_soql_check): its type
 * and whether SOQL may filter and sort on it. For every path that compiles
 * SOQL against the schema, so they refuse the same queries. */
sb_soql_finfo sf_soql_field_info(const sf_field *f);

/* --- handlers (sf_oauth.c, sf_describe.c, sf_sobjects.c, sf_composite.c,
 *     sf_query.c, sf_replication.c, sf_admin.c) ---------------------------- */

void sf_h_token(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_versions(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_resources(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_limits(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_describe_global(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_describe(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_basic_info(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_create(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_get(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_update(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_delete(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_upsert(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_get_by_ext(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_updated(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_deleted(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_coll_create(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_coll_update(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_coll_delete(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_coll_upsert(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_coll_retrieve(sb_ctx *ctx, const sb_request *req, sb_response *res);
/* sf_composite_run.c: the Composite resource (subrequests, references). */
void sf_h_composite(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_query(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_query_all(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_query_more(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_admin_convert(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_admin_define(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_admin_fields(sb_ctx *ctx, const sb_request *req, sb_response *res);

/* --- sf_rules_store.c, sf_rules_check.c: validation and duplicate rules -- */

enum sf_dup_stmt { SF_DUP_ST_EXT, SF_DUP_ST_EMAIL, SF_DUP_ST_SCAN, SF_DUP_ST_COUNT };

/* Every stored rule, parsed, kept across requests (sf_store_rules_slot) and
 * rebuilt after a change; plus the statements duplicate lookups use. */
typedef struct sf_ruleset {
    sf_vrule *v;
    size_t nv;
    sf_duprule *d;
    size_t nd;
    sqlite3_stmt *st[SF_DUP_ST_COUNT];
} sf_ruleset;

/* Creates table sf_rules (idempotent). */
int sf_rules_init(sb_ctx *ctx, cs_err *err);
/* The parsed rules, loaded from sf_rules on first use. Borrowed; valid until
 * a rule changes. NULL on error (err set). */
sf_ruleset *sf_rules_get(sf_tx *tx, cs_err *err);
void sf_ruleset_free(sf_ruleset *rs);
/* Where sf_store keeps the parsed rules (NULL when out of memory). */
sf_ruleset **sf_store_rules_slot(sb_ctx *ctx);
/* Options of the request being handled, read from its headers by the admit
 * hook and cleared by the finish hook (requests run one at a time under the
 * lock): Sforce-Duplicate-Rule-Header allowSave=true. NULL when out of
 * memory. */
typedef struct sf_request_opts {
    bool dup_allow_save;
} sf_request_opts;
sf_request_opts *sf_store_request_opts(sb_ctx *ctx);
/* Runs the active validation rules of o on data, the record as it would be
 * saved (self: its id on update, NULL on create), then, when none fails,
 * its blocking duplicate rules. 0: the save may go on; -1: refused, e holds
 * every failing validation rule's FIELD_CUSTOM_VALIDATION_EXCEPTION, or the
 * first matching duplicate rule's DUPLICATES_DETECTED with its
 * duplicateResult; -2: internal error (err). */
int sf_rules_enforce(sf_tx *tx, const sf_object *o, const char *self, json_t *data, bool create,
                     sf_verr *e, cs_err *err);

void sf_h_admin_validation_rules(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_admin_duplicate_rules(sb_ctx *ctx, const sb_request *req, sb_response *res);

/* --- sf_query.c, for Bulk API query jobs: plan and ids of a SOQL text ---- */

typedef struct sf_qrun sf_qrun;
typedef struct sf_qresult {
    const sf_object *o;  /* the FROM object */
    const sf_qpath *sel; /* the SELECT paths, borrowed from run */
    size_t nsel;
    bool is_count;   /* SELECT COUNT() */
    bool has_offset; /* an OFFSET clause, which Bulk query jobs refuse */
    char *ids;       /* owned: n ids of SF_ID_LEN bytes, in result order */
    size_t n;
    sf_qrun *run; /* owned plan */
} sf_qresult;

/* Parses and checks text against the schema; on failure answers res as the
 * REST query does (MALFORMED_QUERY, INVALID_TYPE, INVALID_FIELD) and returns
 * -1. out is always to be disposed. */
int sf_query_prepare(sf_tx *tx, const char *text, sf_qresult *out, sb_response *res);
/* Fills out->ids/n with the matching ids (query: live rows; all_rows:
 * queryAll), ordered and cut as the REST query would. */
int sf_query_ids(sf_tx *tx, sf_qresult *out, bool all_rows, cs_err *err);
void sf_qresult_dispose(sf_qresult *r);

/* --- sf_bulk_*.c: Bulk API 2.0 ingest and query jobs --------------------- */

/* Creates the job tables (idempotent). */
int sf_bulk_init(sb_ctx *ctx, cs_err *err);
/* Stops the job worker thread, if one runs. Called without the lock. */
void sf_bulk_dispose(sb_ctx *ctx);
void sf_h_bulk_ingest_create(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_bulk_query_create(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_bulk_list(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_bulk_get(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_bulk_patch(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_bulk_delete(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_bulk_upload(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_bulk_successful(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_bulk_failed(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_bulk_unprocessed(sb_ctx *ctx, const sb_request *req, sb_response *res);
void sf_h_bulk_query_results(sb_ctx *ctx, const sb_request *req, sb_response *res);

/* sf_seed.c */
int sf_seed_base(sb_ctx *ctx, cs_err *err);
int sf_seed_leads(sb_ctx *ctx, int n, cs_err *err);

#endif
