/* Describe resources: describeGlobal (GET /sobjects), the basic information
 * of one object (GET /sobjects/X) and its full describe (GET
 * /sobjects/X/describe), in the shape of the real DescribeSObjectResult.
 * Every key a real describe has is here; for Lead, Contact and Account the
 * values are held to recorded real describes (tests/fixtures/salesforce). */
#include <stdio.h>
#include <string.h>

#include "sandbox/sf_int.h"

/* The id every object's master record type has in every org. */
#define SF_MASTER_RECORD_TYPE "012000000000000AAA"

static void url(char *out, size_t size, int v, const sf_object *o, const char *tail)
{
    snprintf(out, size, "/services/data/v%d.%d/sobjects/%s%s", v / 10, v % 10, o->name, tail);
}

static json_t *urls_json(int v, const sf_object *o)
{
    char sobject[160], describe[160], row[160];
    url(sobject, sizeof sobject, v, o, "");
    url(describe, sizeof describe, v, o, "/describe");
    url(row, sizeof row, v, o, "/{ID}");
    return json_pack("{s:s,s:s,s:s}", "sobject", sobject, "describe", describe, "rowTemplate", row);
}

/* What the recorded describes say of the standard objects beyond their
 * schema: whether they deep-clone, keep most-recently-used lists, and the
 * list-view scopes ("name\tlabel" lines) they support. Objects without a
 * recorded describe have no scopes; custom objects keep MRU lists. */
static const struct object_traits {
    const char *name;
    bool deep_cloneable, mru;
    const char *scopes;
} standard_traits[] = {
    {"Account", false, true,
     "everything\tAll accounts\nmine\tMy accounts\nteam\tMy team's accounts"},
    {"Campaign", true, true, NULL},
    {"CampaignMember", false, false, NULL},
    {"Contact", false, true,
     "everything\tAll contacts\nmine\tMy contacts\nscopingRule\tFilter by scope\nteam\tMy "
     "team's contacts"},
    {"Lead", false, true,
     "everything\tAll leads\nmine\tMy leads\nqueue_owned\tQueue owned leads\nscopingRule\tFilter "
     "by scope\nteam\tMy team's leads\nuser_owned\tUser owned leads"},
    {"RecordType", false, false, NULL},
    {"User", false, true, NULL},
};

static const struct object_traits *traits(const sf_object *o)
{
    static const struct object_traits custom = {NULL, false, true, NULL};
    for (size_t i = 0; i < sizeof standard_traits / sizeof standard_traits[0]; i++)
        if (!(o->flags & SF_O_CUSTOM) && strcmp(standard_traits[i].name, o->name) == 0)
            return &standard_traits[i];
    return &custom;
}

static json_t *scopes_json(const sf_object *o)
{
    json_t *arr = json_array();
    const char *p = traits(o)->scopes;
    while (p && *p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *tab = memchr(p, '\t', len);
        if (tab)
            json_array_append_new(arr, json_pack("{s:s%,s:s%}", "label", tab + 1,
                                                 len - (size_t)(tab + 1 - p), "name", p,
                                                 (size_t)(tab - p)));
        p = end ? end + 1 : NULL;
    }
    return arr;
}

/* The object-level properties describeGlobal and describe share. */
static json_t *object_json(int v, const sf_object *o)
{
    bool custom = o->flags & SF_O_CUSTOM;
    bool del = o->flags & SF_O_DELETE;
    const struct object_traits *t = traits(o);
    json_t *j = json_object();
    json_object_set_new(j, "activateable", json_false());
    json_object_set_new(j, "associateEntityType", json_null());
    json_object_set_new(j, "associateParentEntity", json_null());
    json_object_set_new(j, "createable", json_boolean(o->flags & SF_O_CREATE));
    json_object_set_new(j, "custom", json_boolean(custom));
    json_object_set_new(j, "customSetting", json_false());
    json_object_set_new(j, "deepCloneable", json_boolean(t->deep_cloneable));
    json_object_set_new(j, "deletable", json_boolean(del));
    json_object_set_new(j, "deprecatedAndHidden", json_false());
    json_object_set_new(j, "feedEnabled", json_boolean(!custom && del));
    json_object_set_new(j, "hasSubtypes", json_false());
    json_object_set_new(j, "isInterface", json_false());
    json_object_set_new(j, "isSubtype", json_false());
    json_object_set_new(j, "keyPrefix", json_string(o->key_prefix));
    json_object_set_new(j, "label", json_string(o->label));
    json_object_set_new(j, "labelPlural", json_string(o->label_plural));
    json_object_set_new(j, "layoutable", json_true());
    json_object_set_new(j, "mergeable",
                        json_boolean(strcmp(o->name, "Lead") == 0 ||
                                     strcmp(o->name, "Contact") == 0 ||
                                     strcmp(o->name, "Account") == 0));
    json_object_set_new(j, "mruEnabled", json_boolean(t->mru));
    json_object_set_new(j, "name", json_string(o->name));
    json_object_set_new(j, "queryable", json_true());
    json_object_set_new(j, "replicateable", json_true());
    json_object_set_new(j, "retrieveable", json_true());
    json_object_set_new(j, "searchable", json_boolean(strcmp(o->name, "RecordType") != 0));
    json_object_set_new(j, "triggerable", json_boolean(o->flags & SF_O_CREATE));
    json_object_set_new(j, "undeletable", json_boolean(del));
    json_object_set_new(j, "updateable", json_boolean(o->flags & SF_O_UPDATE));
    json_object_set_new(j, "urls", urls_json(v, o));
    return j;
}

static json_t *picklist_json(const sf_field *f)
{
    json_t *arr = json_array();
    const char *p = f->picklist;
    while (p && *p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *tab = memchr(p, '\t', len);
        size_t vlen = tab ? (size_t)(tab - p) : len;
        json_t *value = json_stringn(p, vlen);
        json_t *label = tab ? json_stringn(tab + 1, len - vlen - 1) : json_incref(value);
        bool def = f->default_value && strlen(f->default_value) == vlen &&
                   strncmp(f->default_value, p, vlen) == 0;
        json_array_append_new(arr, json_pack("{s:b,s:b,s:o,s:n,s:o}", "active", 1, "defaultValue",
                                             def, "label", label, "validFor", "value", value));
        p = end ? end + 1 : NULL;
    }
    return arr;
}

static json_t *references_json(const sf_field *f)
{
    json_t *arr = json_array();
    const char *p = f->reference_to;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        json_array_append_new(arr, json_stringn(p, len));
        p = end ? end + 1 : NULL;
    }
    return arr;
}

static json_t *default_json(const sf_field *f)
{
    if (f->default_value == NULL)
        return json_null();
    if (f->type == SF_T_BOOLEAN)
        return json_boolean(strcmp(f->default_value, "true") == 0);
    return json_string(f->default_value);
}

static json_t *nullable_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *field_json(const sf_object *o, const sf_field *f)
{
    bool numeric = f->type == SF_T_DOUBLE || f->type == SF_T_CURRENCY || f->type == SF_T_PERCENT;
    json_t *j = json_object();
    json_object_set_new(j, "aggregatable", json_boolean(sf_field_aggregatable(f)));
    json_object_set_new(j, "aiPredictionField", json_false());
    json_object_set_new(j, "autoNumber", json_false());
    json_object_set_new(j, "byteLength", json_integer(sf_field_byte_length(f)));
    json_object_set_new(j, "calculated", json_boolean(f->flags & SF_F_CALC));
    json_object_set_new(j, "calculatedFormula", json_null());
    json_object_set_new(j, "cascadeDelete", json_false());
    json_object_set_new(j, "caseSensitive", json_false());
    json_object_set_new(j, "compoundFieldName", nullable_string(sf_field_compound(o, f)));
    json_object_set_new(j, "controllerName", json_null());
    json_object_set_new(j, "createable", json_boolean(f->flags & SF_F_CRE));
    json_object_set_new(j, "custom", json_boolean(f->flags & SF_F_CUSTOM));
    json_object_set_new(j, "defaultValue", default_json(f));
    json_object_set_new(j, "defaultValueFormula", json_null());
    json_object_set_new(j, "defaultedOnCreate", json_boolean(f->flags & SF_F_DEF));
    json_object_set_new(j, "dependentPicklist", json_false());
    json_object_set_new(j, "deprecatedAndHidden", json_false());
    json_object_set_new(j, "digits", json_integer(f->type == SF_T_INT ? f->precision : 0));
    json_object_set_new(j, "displayLocationInDecimal", json_false());
    json_object_set_new(j, "encrypted", json_false());
    json_object_set_new(j, "externalId", json_boolean(f->flags & SF_F_EXT));
    json_object_set_new(j, "extraTypeInfo", nullable_string(sf_field_extra_type(o, f)));
    json_object_set_new(j, "filterable", json_boolean(sf_field_filterable(f)));
    json_object_set_new(j, "filteredLookupInfo", json_null());
    json_object_set_new(j, "formulaTreatNullNumberAsZero", json_false());
    json_object_set_new(j, "groupable", json_boolean(sf_field_groupable(f)));
    json_object_set_new(j, "highScaleNumber", json_false());
    json_object_set_new(j, "htmlFormatted", json_false());
    json_object_set_new(j, "idLookup", json_boolean(f->flags & SF_F_LOOKUP));
    json_object_set_new(j, "inlineHelpText", json_null());
    json_object_set_new(j, "label", json_string(f->label));
    json_object_set_new(j, "length", json_integer(f->length));
    json_object_set_new(j, "mask", json_null());
    json_object_set_new(j, "maskType", json_null());
    json_object_set_new(j, "name", json_string(f->name));
    json_object_set_new(j, "nameField", json_boolean(f->flags & SF_F_NAME));
    json_object_set_new(j, "namePointing",
                        json_boolean(f->reference_to && strchr(f->reference_to, ',') != NULL));
    json_object_set_new(j, "nillable", json_boolean(f->flags & SF_F_NIL));
    json_object_set_new(j, "permissionable", json_boolean(sf_field_permissionable(o, f)));
    json_object_set_new(j, "picklistValues", picklist_json(f));
    json_object_set_new(j, "polymorphicForeignKey",
                        json_boolean(f->reference_to && strchr(f->reference_to, ',') != NULL));
    json_object_set_new(j, "precision", json_integer(numeric ? f->precision : 0));
    json_object_set_new(j, "queryByDistance", json_boolean(f->type == SF_T_ADDRESS));
    json_object_set_new(j, "referenceTargetField", json_null());
    json_object_set_new(j, "referenceTo", references_json(f));
    json_object_set_new(j, "relationshipName",
                        f->relationship ? json_string(f->relationship) : json_null());
    json_object_set_new(j, "relationshipOrder", json_null());
    json_object_set_new(j, "restrictedDelete", json_false());
    json_object_set_new(j, "restrictedPicklist", json_boolean(f->flags & SF_F_RESTR));
    json_object_set_new(j, "scale", json_integer(numeric ? f->scale : 0));
    json_object_set_new(j, "searchPrefilterable", json_boolean(f->flags & SF_F_PREFILTER));
    json_object_set_new(j, "soapType", json_string(sf_type_soap(f->type)));
    json_object_set_new(j, "sortable", json_boolean(sf_field_sortable(f)));
    json_object_set_new(j, "type", json_string(sf_type_name(f->type)));
    json_object_set_new(j, "unique", json_boolean(f->flags & SF_F_UNIQ));
    json_object_set_new(j, "updateable", json_boolean(f->flags & SF_F_UPD));
    json_object_set_new(j, "writeRequiresMasterRead", json_false());
    return j;
}

/* The named child relationships of the standard objects (the name a parent
 * query's subselect uses) and whether deleting the parent deletes the child;
 * every other reference is an unnamed relationship. */
static const struct {
    const char *child, *field, *name;
    bool cascade;
} named_children[] = {
    {"Account", "ParentId", "ChildAccounts", false},
    {"Campaign", "ParentId", "ChildCampaigns", false},
    {"CampaignMember", "CampaignId", "CampaignMembers", true},
    {"CampaignMember", "ContactId", "CampaignMembers", true},
    {"CampaignMember", "LeadId", "CampaignMembers", true},
    {"Contact", "AccountId", "Contacts", true},
};

/* True when the comma-separated referenceTo of f names the object. */
static bool refers_to(const sf_field *f, const char *object)
{
    size_t n = strlen(object);
    for (const char *p = f->reference_to; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, object, n) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* childRelationships: the reference fields of every object that point at o,
 * polymorphic ones (LeadOrContactId) under each of their targets, in the
 * order of the child objects' names as the real describe lists them. */
static json_t *children_json(const sf_schema *s, const sf_object *o)
{
    json_t *children = json_array();
    for (size_t i = 0; i < s->nobjects; i++) {
        const sf_object *c = &s->objects[i];
        for (size_t k = 0; k < c->nfields; k++) {
            const sf_field *f = &c->fields[k];
            /* A merge's survivor pointer is no relationship anyone queries. */
            if (f->type != SF_T_REFERENCE || !refers_to(f, o->name) ||
                strcmp(f->name, "MasterRecordId") == 0)
                continue;
            const char *name = NULL;
            bool cascade = false;
            for (size_t n = 0; n < sizeof named_children / sizeof named_children[0]; n++) {
                if (!(c->flags & SF_O_CUSTOM) && !(f->flags & SF_F_CUSTOM) &&
                    strcmp(named_children[n].child, c->name) == 0 &&
                    strcmp(named_children[n].field, f->name) == 0) {
                    name = named_children[n].name;
                    cascade = named_children[n].cascade;
                }
            }
            json_array_append_new(children,
                                  json_pack("{s:b,s:s,s:b,s:s,s:[],s:[],s:o,s:b}", "cascadeDelete",
                                            cascade, "childSObject", c->name, "deprecatedAndHidden",
                                            0, "field", f->name, "junctionIdListNames",
                                            "junctionReferenceTo", "relationshipName",
                                            nullable_string(name), "restrictedDelete", 0));
        }
    }
    return children;
}

/* Salesforce allows 200 record types an object; the sandbox lists no more. */
enum { RECORD_TYPES_MAX = 200 };

static json_t *record_type_json(int v, const sf_object *o, const char *id, const char *name,
                                const char *dev, bool master)
{
    char layout[200];
    char tail[64];
    snprintf(tail, sizeof tail, "/describe/layouts/%s", id);
    url(layout, sizeof layout, v, o, tail);
    return json_pack("{s:b,s:b,s:b,s:s,s:b,s:s,s:s,s:{s:s}}", "active", 1, "available", 1,
                     "defaultRecordTypeMapping", master, "developerName", dev, "master", master,
                     "name", name, "recordTypeId", id, "urls", "layout", layout);
}

/* recordTypeInfos: the master record type and the object's active record
 * types (RecordType records), by name as Salesforce orders them. The master
 * stays the default mapping: the sandbox assigns no profile another one. */
static json_t *record_types_json(sb_ctx *ctx, int v, const sf_object *o, cs_err *err)
{
    static const char sql[] =
        "SELECT id, json_extract(data, '$.Name'), json_extract(data, '$.DeveloperName') "
        "FROM sf_records WHERE object = 'RecordType' AND is_deleted = 0 "
        "AND json_extract(data, '$.SobjectType') = ? AND json_extract(data, '$.IsActive') "
        "ORDER BY json_extract(data, '$.Name') LIMIT ?";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
        cs_err_set(err, CS_ERR_STORE, "sandbox database: record types of %s: %s", o->name,
                   sqlite3_errmsg(ctx->db));
        return NULL;
    }
    sqlite3_bind_text(st, 1, o->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, RECORD_TYPES_MAX);
    json_t *arr = json_array();
    bool master_done = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *dev = (const char *)sqlite3_column_text(st, 2);
        if (id == NULL || name == NULL || dev == NULL)
            continue;
        if (!master_done && strcmp(name, "Master") > 0) {
            json_array_append_new(
                arr, record_type_json(v, o, SF_MASTER_RECORD_TYPE, "Master", "Master", true));
            master_done = true;
        }
        json_array_append_new(arr, record_type_json(v, o, id, name, dev, false));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        cs_err_set(err, CS_ERR_STORE, "sandbox database: record types of %s: %s", o->name,
                   sqlite3_errmsg(ctx->db));
        return NULL;
    }
    if (!master_done)
        json_array_append_new(
            arr, record_type_json(v, o, SF_MASTER_RECORD_TYPE, "Master", "Master", true));
    return arr;
}

/* Loads the schema and the [object] parameter, answering the errors. */
static const sf_object *object_param(sf_schema **schema, sb_ctx *ctx, const sb_request *req,
                                     sb_response *res)
{
    cs_err err;
    if (sf_schema_load(ctx, schema, &err) != 0) {
        sf_respond_internal(res, &err);
        return NULL;
    }
    const sf_object *o = sf_schema_object(*schema, sb_param(req, "object"));
    if (o == NULL)
        sf_respond_error(res, 404, "NOT_FOUND", "The requested resource does not exist");
    return o;
}

void sf_h_describe_global(sb_ctx *ctx, const sb_request *req, sb_response *res)
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
    json_t *arr = json_array();
    for (size_t i = 0; i < s->nobjects; i++)
        json_array_append_new(arr, object_json(v, &s->objects[i]));
    sf_schema_free(s);
    sb_respond_json(res, 200,
                    json_pack("{s:s,s:i,s:o}", "encoding", "UTF-8", "maxBatchSize",
                              SF_COLLECTION_MAX, "sobjects", arr));
}

void sf_h_basic_info(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    int v = sf_version_or_404(req, res);
    if (v < 0)
        return;
    sf_schema *s = NULL;
    const sf_object *o = object_param(&s, ctx, req, res);
    if (o)
        sb_respond_json(
            res, 200, json_pack("{s:o,s:[]}", "objectDescribe", object_json(v, o), "recentItems"));
    sf_schema_free(s);
}

void sf_h_describe(sb_ctx *ctx, const sb_request *req, sb_response *res)
{
    int v = sf_version_or_404(req, res);
    if (v < 0)
        return;
    sf_schema *s = NULL;
    const sf_object *o = object_param(&s, ctx, req, res);
    if (o == NULL) {
        sf_schema_free(s);
        return;
    }
    cs_err err;
    json_t *j = object_json(v, o);
    json_t *fields = json_array();
    for (size_t i = 0; i < o->nfields; i++)
        json_array_append_new(fields, field_json(o, &o->fields[i]));
    json_object_set_new(j, "fields", fields);
    json_object_set_new(j, "childRelationships", children_json(s, o));
    json_t *types = record_types_json(ctx, v, o, &err);
    if (types == NULL) {
        json_decref(j);
        sf_schema_free(s);
        sf_respond_internal(res, &err);
        return;
    }
    json_object_set_new(j, "recordTypeInfos", types);
    json_object_set_new(j, "supportedScopes", scopes_json(o));
    json_object_set_new(j, "defaultImplementation", json_null());
    json_object_set_new(j, "extendedBy", json_null());
    json_object_set_new(j, "extendsInterfaces", json_null());
    json_object_set_new(j, "implementedBy", json_null());
    json_object_set_new(j, "implementsInterfaces", json_null());
    json_object_set_new(j, "namedLayoutInfos", json_array());
    json_object_set_new(j, "compactLayoutable", json_true());
    json_object_set_new(j, "listviewable", json_null());
    json_object_set_new(j, "lookupLayoutable", json_null());
    json_object_set_new(j, "searchLayoutable", json_true());
    json_object_set_new(j, "networkScopeFieldName", json_null());
    json_object_set_new(j, "sobjectDescribeOption", json_string("FULL"));
    json_object_set_new(j, "actionOverrides", json_array());
    sf_schema_free(s);
    sb_respond_json(res, 200, j);
}
