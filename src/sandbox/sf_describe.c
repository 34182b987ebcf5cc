/* Describe resources: describeGlobal (GET /sobjects), the basic information
 * of one object (GET /sobjects/X) and its full describe (GET
 * /sobjects/X/describe), in the shape of the real DescribeSObjectResult. */
#include <stdio.h>
#include <string.h>

#include "sandbox/sf_int.h"

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

/* The object-level properties describeGlobal and describe share. */
static json_t *object_json(int v, const sf_object *o)
{
    bool custom = o->flags & SF_O_CUSTOM;
    bool del = o->flags & SF_O_DELETE;
    json_t *j = json_object();
    json_object_set_new(j, "activateable", json_false());
    json_object_set_new(j, "createable", json_boolean(o->flags & SF_O_CREATE));
    json_object_set_new(j, "custom", json_boolean(custom));
    json_object_set_new(j, "customSetting", json_false());
    json_object_set_new(j, "deletable", json_boolean(del));
    json_object_set_new(j, "deprecatedAndHidden", json_false());
    json_object_set_new(j, "feedEnabled", json_boolean(!custom && del));
    json_object_set_new(j, "keyPrefix", json_string(o->key_prefix));
    json_object_set_new(j, "label", json_string(o->label));
    json_object_set_new(j, "labelPlural", json_string(o->label_plural));
    json_object_set_new(j, "layoutable", json_true());
    json_object_set_new(j, "mergeable",
                        json_boolean(strcmp(o->name, "Lead") == 0 ||
                                     strcmp(o->name, "Contact") == 0 ||
                                     strcmp(o->name, "Account") == 0));
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

static json_t *field_json(const sf_field *f)
{
    bool text = f->type == SF_T_STRING || f->type == SF_T_TEXTAREA || f->type == SF_T_EMAIL ||
                f->type == SF_T_PHONE || f->type == SF_T_URL || f->type == SF_T_PICKLIST ||
                f->type == SF_T_MULTIPICKLIST || f->type == SF_T_ID || f->type == SF_T_REFERENCE;
    bool long_text = f->type == SF_T_TEXTAREA && f->length > 255;
    bool filterable = !long_text && f->type != SF_T_ADDRESS;
    bool numeric = f->type == SF_T_DOUBLE || f->type == SF_T_CURRENCY || f->type == SF_T_PERCENT;
    json_t *j = json_object();
    json_object_set_new(j, "aggregatable", json_boolean(filterable && f->type != SF_T_BOOLEAN));
    json_object_set_new(j, "autoNumber", json_false());
    json_object_set_new(j, "byteLength", json_integer(text ? f->length * 3 : 0));
    json_object_set_new(j, "calculated", json_boolean(f->flags & SF_F_CALC));
    json_object_set_new(j, "calculatedFormula", json_null());
    json_object_set_new(j, "cascadeDelete", json_false());
    json_object_set_new(j, "caseSensitive", json_false());
    json_object_set_new(j, "compoundFieldName", json_null());
    json_object_set_new(j, "controllerName", json_null());
    json_object_set_new(j, "createable", json_boolean(f->flags & SF_F_CRE));
    json_object_set_new(j, "custom", json_boolean(f->flags & SF_F_CUSTOM));
    json_object_set_new(j, "defaultValue", default_json(f));
    json_object_set_new(j, "defaultValueFormula", json_null());
    json_object_set_new(j, "defaultedOnCreate", json_boolean(f->flags & SF_F_DEF));
    json_object_set_new(j, "dependentPicklist", json_false());
    json_object_set_new(j, "deprecatedAndHidden", json_false());
    json_object_set_new(j, "digits", json_integer(f->type == SF_T_INT ? f->precision : 0));
    json_object_set_new(j, "encrypted", json_false());
    json_object_set_new(j, "externalId", json_boolean(f->flags & SF_F_EXT));
    json_object_set_new(j, "extraTypeInfo", json_null());
    json_object_set_new(j, "filterable", json_boolean(filterable));
    json_object_set_new(j, "groupable", json_boolean(filterable && !numeric));
    json_object_set_new(j, "htmlFormatted", json_false());
    json_object_set_new(j, "idLookup", json_boolean(f->flags & SF_F_LOOKUP));
    json_object_set_new(j, "inlineHelpText", json_null());
    json_object_set_new(j, "label", json_string(f->label));
    json_object_set_new(j, "length", json_integer(f->length));
    json_object_set_new(j, "name", json_string(f->name));
    json_object_set_new(j, "nameField", json_boolean(f->flags & SF_F_NAME));
    json_object_set_new(j, "namePointing",
                        json_boolean(f->reference_to && strchr(f->reference_to, ',') != NULL));
    json_object_set_new(j, "nillable", json_boolean(f->flags & SF_F_NIL));
    json_object_set_new(j, "permissionable",
                        json_boolean((f->flags & SF_F_NIL) && (f->flags & SF_F_UPD)));
    json_object_set_new(j, "picklistValues", picklist_json(f));
    json_object_set_new(j, "polymorphicForeignKey",
                        json_boolean(f->reference_to && strchr(f->reference_to, ',') != NULL));
    json_object_set_new(j, "precision", json_integer(numeric ? f->precision : 0));
    json_object_set_new(j, "referenceTargetField", json_null());
    json_object_set_new(j, "referenceTo", references_json(f));
    json_object_set_new(j, "relationshipName",
                        f->relationship ? json_string(f->relationship) : json_null());
    json_object_set_new(j, "relationshipOrder", json_null());
    json_object_set_new(j, "restrictedDelete", json_false());
    json_object_set_new(j, "restrictedPicklist", json_boolean(f->flags & SF_F_RESTR));
    json_object_set_new(j, "scale", json_integer(numeric ? f->scale : 0));
    json_object_set_new(j, "soapType", json_string(sf_type_soap(f->type)));
    json_object_set_new(j, "sortable", json_boolean(filterable));
    json_object_set_new(j, "type", json_string(sf_type_name(f->type)));
    json_object_set_new(j, "unique", json_boolean(f->flags & SF_F_UNIQ));
    json_object_set_new(j, "updateable", json_boolean(f->flags & SF_F_UPD));
    json_object_set_new(j, "writeRequiresMasterRead", json_false());
    return j;
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
    json_t *j = object_json(v, o);
    json_t *fields = json_array();
    for (size_t i = 0; i < o->nfields; i++)
        json_array_append_new(fields, field_json(&o->fields[i]));
    json_object_set_new(j, "fields", fields);
    /* Children: the reference fields of every object that point here. */
    json_t *children = json_array();
    for (size_t i = 0; i < s->nobjects; i++) {
        const sf_object *c = &s->objects[i];
        for (size_t k = 0; k < c->nfields; k++) {
            const sf_field *f = &c->fields[k];
            if (f->type != SF_T_REFERENCE || sf_field_target(s, f) != o)
                continue;
            json_array_append_new(children, json_pack("{s:b,s:s,s:b,s:s,s:n,s:b}", "cascadeDelete",
                                                      0, "childSObject", c->name,
                                                      "deprecatedAndHidden", 0, "field", f->name,
                                                      "relationshipName", "restrictedDelete", 0));
        }
    }
    json_object_set_new(j, "childRelationships", children);
    char layout[160];
    url(layout, sizeof layout, v, o, "/describe/layouts/012000000000000AAA");
    json_object_set_new(j, "recordTypeInfos",
                        json_pack("[{s:b,s:b,s:b,s:s,s:b,s:s,s:s,s:{s:s}}]", "active", 1,
                                  "available", 1, "defaultRecordTypeMapping", 1, "developerName",
                                  "Master", "master", 1, "name", "Master", "recordTypeId",
                                  "012000000000000AAA", "urls", "layout", layout));
    json_object_set_new(j, "supportedScopes", json_array());
    json_object_set_new(j, "namedLayoutInfos", json_array());
    json_object_set_new(j, "compactLayoutable", json_true());
    json_object_set_new(j, "listviewable", json_null());
    json_object_set_new(j, "lookupLayoutable", json_null());
    json_object_set_new(j, "searchLayoutable", json_true());
    json_object_set_new(j, "networkScopeFieldName", json_null());
    json_object_set_new(j, "sobjectDescribeOption", json_string("FULL"));
    json_object_set_new(j, "isSubtype", json_false());
    json_object_set_new(j, "isInterface", json_false());
    json_object_set_new(j, "hasSubtypes", json_false());
    json_object_set_new(j, "actionOverrides", json_array());
    sf_schema_free(s);
    sb_respond_json(res, 200, j);
}
