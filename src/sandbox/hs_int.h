/* Private interface shared by the HubSpot emulation's files (hs_*.c).
 *
 * State: ctx->hs holds an hs_state kept across requests and released by
 * the API's dispose hook at shutdown: prepared statements, the object types
 * and property definitions read from the database, and the search count
 * cache (hs_search.c). At the end of each request (hs_api.c's finish hook)
 * statements are reset, a transaction left open is rolled back, and types
 * are dropped when the request changed a schema or property (so a change
 * that was rolled back is never remembered). All of it runs under ctx->lock
 * (sb.h).
 *
 * Tables (all prefixed hs_): hs_types (object types and custom schemas),
 * hs_props (property definitions as HubSpot's JSON), hs_objects (records;
 * properties as a JSON object of strings), hs_unique (values of unique
 * properties, email included, for lookups and conflicts), hs_assoc_types /
 * hs_assoc (v4 associations), hs_lists / hs_list_members, hs_owners,
 * hs_sub_defs / hs_sub_status (communication preferences). */
#ifndef CS_SANDBOX_HS_INT_H
#define CS_SANDBOX_HS_INT_H

#include "core/timeutil.h"
#include "sandbox/hs_filter.h"
#include "sandbox/sb.h"

/* The portal ("hub") id the sandbox pretends to be: custom objects' fully
 * qualified names are "p<portal>_<name>". */
#define HS_PORTAL_ID     "123456"
#define HS_BATCH_MAX     100 /* inputs of a CRM batch call */
#define HS_LIST_PAGE_MAX 100 /* objects list page size */
#define HS_CONTACTS      "0-1"
#define HS_COMPANIES     "0-2"
/* The integration API writes come from (hs_object_source_id, _detail_1). */
#define HS_APP_ID   "2718281"
#define HS_APP_NAME "crmsync sandbox"

/* --- object types (hs_types.c) ------------------------------------------ */

typedef struct hs_type {
    char *type_id;  /* "0-1", "2-100001" */
    char *name;     /* "contacts", "cars" */
    char *singular; /* "contact", "car" */
    char *fqn;      /* "contacts", "p123456_cars" */
    bool custom;
    json_t *def;   /* stored definition (labels, requiredProperties, ...) */
    json_t *props; /* name -> property JSON, loaded on first use; NULL before */
} hs_type;

/* The type a path segment names (objectTypeId, name, singular name or fully
 * qualified name, case-insensitive), or NULL. Borrowed for the request. */
const hs_type *hs_type_find(sb_ctx *ctx, const char *segment);
/* Property definitions of a type (name -> HubSpot property JSON), or NULL on
 * a database error. Borrowed for the request. */
json_t *hs_type_props(sb_ctx *ctx, const hs_type *t);
/* The definition of one property, or NULL. Borrowed. */
json_t *hs_type_prop(sb_ctx *ctx, const hs_type *t, const char *name);
/* Forgets the types read so far (after a schema or property change). */
void hs_types_invalidate(sb_ctx *ctx);
/* The property holding the last-modification time: "lastmodifieddate" on
 * contacts, "hs_lastmodifieddate" elsewhere; and the creation time:
 * "createdate" on contacts and companies, "hs_createdate" elsewhere. */
const char *hs_type_modprop(const hs_type *t);
const char *hs_type_createprop(const hs_type *t);
/* Also true for the other names HubSpot gives the same time on every object:
 * "hs_lastmodifieddate" and "hs_createdate". */
bool hs_type_is_modprop(const hs_type *t, const char *name);
bool hs_type_is_createprop(const hs_type *t, const char *name);
/* "CONTACT", "COMPANY", custom: the singular name upper-cased. */
void hs_type_upper(const hs_type *t, char *out, size_t size);
/* Object types as the schemas API shows them. */
int hs_types_create_tables(sb_ctx *ctx, cs_err *err);
int hs_types_install_builtin(sb_ctx *ctx, cs_err *err);
/* Builds a property definition JSON from the fields of a create request,
 * with HubSpot's defaults. Returns NULL and fills why on invalid input. */
json_t *hs_prop_from_input(const json_t *in, bool hubspot_defined, int64_t now_ms, char *why,
                           size_t why_size);
/* Inserts or replaces an object type row (custom schemas). */
int hs_type_store(sb_ctx *ctx, const char *type_id, const char *name, const char *singular,
                  const char *fqn, json_t *def, cs_err *err);
/* Adds the built-in properties of type_id that are missing. */
int hs_props_install_builtin(sb_ctx *ctx, const char *type_id, int64_t now_ms, cs_err *err);
/* The built-in property definitions of a type (contacts, companies, or the
 * server properties of a custom object) as a new JSON array. */
json_t *hs_builtin_props(const char *type_id, int64_t now_ms);
/* Stores (inserts or replaces) one property definition. */
int hs_prop_store(sb_ctx *ctx, const char *type_id, json_t *def, cs_err *err);

/* --- state kept across requests (hs_store.c) --------------------------- */

typedef enum hs_stmt_id {
    HS_ST_OBJ_GET = 0,
    HS_ST_OBJ_INSERT,
    HS_ST_OBJ_UPDATE,
    HS_ST_OBJ_ARCHIVE,
    HS_ST_UNIQUE_FIND,
    HS_ST_UNIQUE_PUT,
    HS_ST_UNIQUE_DEL_OBJ,
    HS_ST_UNIQUE_DEL_ONE,
    HS_ST_ASSOC_DEL_OBJ,
    HS_ST_LIST_DEL_OBJ,
    HS_ST_OBJ_COUNT_MOD,
    HS_ST_STALE_PUT,
    HS_ST_STALE_EXPIRE,
    HS_ST_STALE_ANY,
    HS_ST_STALE_GET,
    HS_ST_COUNT
} hs_stmt_id;

/* The number of live records of one type modified in [from_ms, to_ms], as
 * of the last search that counted them; writes keep it current (see
 * hs_count_note). Lets the sync engine's paging ("modification date GTE x"
 * and LTE a fixed bound, x rising page by page) count only what lies
 * between two lower bounds instead of every record in the window on each
 * page. */
typedef struct hs_count_cache {
    bool valid;
    char type_id[64];
    int64_t from_ms;
    int64_t to_ms; /* INT64_MAX: no upper bound */
    int64_t count;
} hs_count_cache;

typedef struct hs_state {
    sqlite3_stmt *stmts[HS_ST_COUNT];
    hs_type *types;
    size_t ntypes;
    bool types_loaded;
    bool types_changed; /* a schema or property was written by this request */
    hs_count_cache count;
    bool stale_maybe; /* hs_search_stale may hold rows (hs_index.c) */
} hs_state;

hs_state *hs_state_get(sb_ctx *ctx);
/* Finalizes the statements and frees the state; ctx->hs becomes NULL. */
void hs_state_release(sb_ctx *ctx);
/* The end of a request: see the top of this file. */
void hs_state_end_request(sb_ctx *ctx);
/* A record of type t went from (was_live, old_ms) to (live, new_ms), live
 * meaning not archived and *_ms its modification time (hs_records.c). */
void hs_count_note(sb_ctx *ctx, const hs_type *t, bool was_live, int64_t old_ms, bool live,
                   int64_t new_ms);
/* Forgets the count cache (after a rollback, or a change it cannot follow). */
void hs_count_forget(sb_ctx *ctx);
/* A cached prepared statement, reset and with bindings cleared, or NULL
 * (err filled) when it cannot be prepared. */
sqlite3_stmt *hs_stmt(sb_ctx *ctx, hs_stmt_id id, cs_err *err);
int hs_begin(sb_ctx *ctx, cs_err *err);
int hs_commit(sb_ctx *ctx, cs_err *err);
void hs_rollback(sb_ctx *ctx);
int hs_db_error(sb_ctx *ctx, cs_err *err, const char *what);

/* --- records (hs_records.c) --------------------------------------------- */

typedef struct hs_obj {
    int64_t id;
    int64_t created_ms, updated_ms, archived_ms;
    bool archived;
    json_t *props; /* owned: name -> string */
} hs_obj;

void hs_obj_dispose(hs_obj *o);
/* Loads a record of type t by id. Returns 1 found, 0 not found (or archived
 * when archived is false; only archived ones when it is true), -1 error. */
int hs_obj_load(sb_ctx *ctx, const hs_type *t, int64_t id, bool archived, hs_obj *out, cs_err *err);
/* Finds a live record by a unique property's value (email: case-insensitive;
 * hs_object_id: the id). Returns 1 found (*id set), 0 not, -1 error. */
int hs_obj_find_by(sb_ctx *ctx, const hs_type *t, const char *prop, const char *value, int64_t *id,
                   cs_err *err);
/* Inserts a record with the (validated) values; empty values are dropped.
 * Returns 0 and fills out (caller disposes), -1 on error. */
int hs_obj_insert(sb_ctx *ctx, const hs_type *t, const json_t *values, int64_t now_ms, hs_obj *out,
                  cs_err *err);
/* Applies validated values to a loaded record ("" clears) and stores it. */
int hs_obj_update(sb_ctx *ctx, const hs_type *t, hs_obj *o, const json_t *values, int64_t now_ms,
                  cs_err *err);
/* Archives a record and drops its unique values, associations and list
 * memberships. */
int hs_obj_archive(sb_ctx *ctx, const hs_type *t, int64_t id, int64_t now_ms, cs_err *err);
/* A record's property value as the search evaluator and renderer see it,
 * server-maintained and derived read-only defaults included (timestamps as epoch ms digits when
 * raw is true, ISO-8601 otherwise). buf holds synthesized values. */
const char *hs_obj_value(const hs_type *t, const hs_obj *o, const char *name, bool raw,
                         char buf[48]);
/* True for properties the server shows from a record's columns
 * (hs_object_id, the create and modification dates under all their names). */
bool hs_is_server_prop(const hs_type *t, const char *name);
/* Parses a record id ("123"); false when it is not a positive integer. */
bool hs_parse_id(const char *text, int64_t *id);

/* --- the search index's lag (hs_index.c) ------------------------------- */

int hs_index_create_tables(sb_ctx *ctx, cs_err *err);
/* Before a write reaches the record (all three do nothing at lag 0): a new
 * record (absent from search until indexed), a change of a live record
 * (before: as it was, which search keeps seeing), an archive. */
int hs_index_note_new(sb_ctx *ctx, const hs_type *t, int64_t id, int64_t now_ms, cs_err *err);
int hs_index_note_change(sb_ctx *ctx, const hs_type *t, const hs_obj *before, int64_t now_ms,
                         cs_err *err);
int hs_index_note_archive(sb_ctx *ctx, const hs_type *t, int64_t id, int64_t now_ms, cs_err *err);
/* Indexes what is due by now_ms; *pending tells whether search must still
 * read through hs_index_source() instead of hs_objects. */
int hs_index_catch_up(sb_ctx *ctx, int64_t now_ms, bool *pending, cs_err *err);
/* An SQL table expression with hs_objects' columns showing what search
 * sees while writes are pending. */
const char *hs_index_source(void);
/* A live record as search sees it: 1 found, 0 not (yet) indexed, -1 error. */
int hs_index_load(sb_ctx *ctx, const hs_type *t, int64_t id, hs_obj *out, cs_err *err);

/* --- values and rendering (hs_values.c) --------------------------------- */

/* Validates input properties for a write to type t. On success returns NULL
 * and *clean holds name -> normalised string ("" = clear). Otherwise returns
 * a JSON array of HubSpot validation results ({isValid,message,error,name}).
 * A JSON null in *clean on a hard failure is never returned. */
json_t *hs_values_check(sb_ctx *ctx, const hs_type *t, const json_t *input, bool system,
                        json_t **clean);

/* The requiredProperties of t's schema that values (name -> clean string)
 * leaves unset or empty, as HubSpot validation results
 * ({isValid,message,error:"REQUIRED_PROPERTY",name}); NULL when none are
 * missing. Applies to creates only (single, batch, an upsert that creates). */
json_t *hs_values_required(const hs_type *t, const json_t *values);

/* Which properties a response shows. */
typedef struct hs_propsel {
    const char *const *names; /* NULL: the type's default properties */
    size_t nnames;
    json_t *list; /* owned list, when built from a query string */
} hs_propsel;

/* Properties from a "properties=a,b" query argument (repeatable). */
void hs_propsel_from_query(const sb_request *req, hs_propsel *sel);
/* Properties from a JSON array (borrowed; may be NULL). */
void hs_propsel_from_json(const json_t *arr, hs_propsel *sel);
void hs_propsel_dispose(hs_propsel *sel);
/* SimplePublicObject JSON of a record. */
json_t *hs_obj_json(sb_ctx *ctx, const hs_type *t, const hs_obj *o, const hs_propsel *sel);
/* Same, showing the default properties plus every name in extra. */
json_t *hs_obj_json_with(sb_ctx *ctx, const hs_type *t, const hs_obj *o, const json_t *extra);

/* --- OAuth (hs_oauth.c) ------------------------------------------------ */

void hs_h_oauth_token(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_oauth_access_token(sb_ctx *ctx, const sb_request *req, sb_response *res);
/* When the request's bearer token is an OAuth token the sandbox issued and
 * it has expired: answers 401 EXPIRED_AUTHENTICATION and returns true. */
bool hs_oauth_answer_expired(sb_ctx *ctx, const sb_request *req, sb_response *res);

/* --- answers (hs_api.c) ------------------------------------------------- */

/* {"status":"error","message",...,"correlationId","category"}; context may be
 * NULL (taken). */
void hs_error(sb_ctx *ctx, sb_response *res, int status, const char *category, const char *message);
void hs_error_ctx(sb_ctx *ctx, sb_response *res, int status, const char *category,
                  const char *message, json_t *context, json_t *errors);
/* 400 VALIDATION_ERROR "Property values were not valid: [...]" (takes results). */
void hs_error_values(sb_ctx *ctx, sb_response *res, json_t *results);
/* 500 for a failure of the sandbox itself (database). */
void hs_error_internal(sb_ctx *ctx, sb_response *res, const cs_err *err);
/* 400 for a body that is not the expected JSON. */
void hs_error_body(sb_ctx *ctx, sb_response *res, const char *why);
/* 404 for an object type no schema defines. */
void hs_error_unknown_type(sb_ctx *ctx, sb_response *res, const char *segment);
/* The parsed JSON body, or NULL after answering 400. */
json_t *hs_body(sb_ctx *ctx, const sb_request *req, sb_response *res);
/* Standard error object used inside batch answers (StandardError). */
json_t *hs_standard_error(const char *category, const char *message, json_t *context);
/* requestedAt/startedAt/completedAt batch envelope around results. */
json_t *hs_batch_envelope(json_t *results, json_t *errors, int64_t started_ms);
/* "?after=..." paging object for list answers. */
json_t *hs_paging_next(const char *after, const char *base_path);

/* --- shared by the object endpoints (hs_objects.c) ---------------------- */

/* The type named by path parameter param, or NULL after answering 400. */
const hs_type *hs_req_type(sb_ctx *ctx, const sb_request *req, const char *param, sb_response *res);
/* True for hs_object_id, contact email, and hasUniqueValue properties. */
bool hs_is_unique_prop(sb_ctx *ctx, const hs_type *t, const char *name);
/* Checks clean values of unique properties against other live records.
 * Returns 1 with HubSpot's 409 message in msg, 0 none, -1 error. */
int hs_unique_conflict(sb_ctx *ctx, const hs_type *t, const json_t *clean, int64_t self_id,
                       char *msg, size_t msg_size, cs_err *err);

/* --- associations used by other parts (hs_assoc.c) ---------------------- */

/* Creates the associations of a v3 create body ([{to:{id},types:[...]}]).
 * Returns 0, 1 with msg filled for invalid input, -1 on error. */
int hs_assoc_create_inline(sb_ctx *ctx, const hs_type *t, int64_t id, const json_t *assocs,
                           char *msg, size_t msg_size, cs_err *err);
/* Adds "associations" to a v3 object JSON for "associations=companies,...". */
void hs_assoc_attach_v3(sb_ctx *ctx, const hs_type *t, int64_t id, const char *csv, json_t *obj);

/* --- handlers ------------------------------------------------------------ */

void hs_h_obj_get(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_obj_list(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_obj_create(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_obj_update(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_obj_archive(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_batch_create(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_batch_read(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_batch_update(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_batch_upsert(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_batch_archive(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_search(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_props_list(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_props_get(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_props_create(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_props_update(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_schemas_list(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_schemas_get(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_schemas_create(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_assoc_put(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_assoc_put_default(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_assoc_list(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_assoc_delete(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_assoc_batch_create(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_assoc_batch_default(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_assoc_batch_read(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_assoc_batch_archive(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_lists_create(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_lists_get(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_lists_members_add(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_lists_members_remove(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_lists_members_get(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_lists_of_record(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_prefs_definitions(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_prefs_status(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_prefs_subscribe(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_prefs_unsubscribe(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_owners_list(sb_ctx *ctx, const sb_request *req, sb_response *res);
void hs_h_owners_get(sb_ctx *ctx, const sb_request *req, sb_response *res);

/* --- tables and seeds of the other parts -------------------------------- */

int hs_records_create_tables(sb_ctx *ctx, cs_err *err);
int hs_assoc_create_tables(sb_ctx *ctx, cs_err *err);
int hs_lists_create_tables(sb_ctx *ctx, cs_err *err);
int hs_owners_install(sb_ctx *ctx, cs_err *err);
int hs_prefs_install(sb_ctx *ctx, cs_err *err);
/* True when an owner with this id exists (hubspot_owner_id validation). */
bool hs_owner_exists(sb_ctx *ctx, const char *id);
/* Seeds contacts so that at least n exist (hs_seed.c). */
int hs_seed_contacts(sb_ctx *ctx, int n, cs_err *err);
/* Association types between two object types (v4), creating the pair's
 * unlabeled types for a new custom object. */
int hs_assoc_define_pair(sb_ctx *ctx, const char *from_type, const char *to_type, cs_err *err);
/* Association definitions of a type, as the schemas API shows them. */
json_t *hs_assoc_definitions(sb_ctx *ctx, const char *type_id);

#endif
