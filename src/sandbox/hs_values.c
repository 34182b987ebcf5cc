/* Property values on their way in and out of the HubSpot emulation.
 * In: validation and normalisation of a write's properties against the
 * type's definitions, with HubSpot's validation results (PROPERTY_DOESNT_EXIST,
 * READ_ONLY_VALUE, INVALID_EMAIL, INVALID_DECIMAL, INVALID_OPTION, ...); an
 * empty string clears a property. Out: SimplePublicObject JSON with the
 * default or requested properties. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/hs_email.h"
#include "sandbox/hs_int.h"

#define HS_STRING_MAX  65536
#define HS_PROPSEL_MAX 1000

static void add_result(json_t *results, const char *name, const char *error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_result(json_t *results, const char *name, const char *error, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    json_array_append_new(results,
                          json_pack("{s:b,s:s,s:s,s:s,s:s}", "isValid", 0, "message", msg, "error",
                                    error, "name", name, "localizedErrorMessage", msg));
}

/* A scalar input value as text (numbers and booleans written out, null as
 * ""); false for objects and arrays. */
static bool value_text(const json_t *v, char *tmp, size_t size, const char **out)
{
    if (json_is_string(v)) {
        *out = json_string_value(v);
    } else if (json_is_null(v)) {
        *out = "";
    } else if (json_is_boolean(v)) {
        *out = json_is_true(v) ? "true" : "false";
    } else if (json_is_integer(v)) {
        (void)snprintf(tmp, size, "%lld", (long long)json_integer_value(v));
        *out = tmp;
    } else if (json_is_real(v) && isfinite(json_real_value(v))) {
        (void)snprintf(tmp, size, "%.15g", json_real_value(v));
        *out = tmp;
    } else {
        return false;
    }
    return true;
}

static bool valid_number(const char *t)
{
    char *end = NULL;
    errno = 0;
    double d = strtod(t, &end);
    return end != t && *end == '\0' && errno != ERANGE && isfinite(d);
}

static bool option_allowed(const json_t *options, const char *value, size_t len)
{
    size_t i;
    const json_t *o;
    json_array_foreach(options, i, o)
    {
        const char *v = json_string_value(json_object_get(o, "value"));
        if (v && strlen(v) == len && strncmp(v, value, len) == 0)
            return true;
    }
    return false;
}

static void options_summary(const json_t *options, char *out, size_t size)
{
    cs_buf b;
    cs_buf_init(&b, size > 0 ? size - 1 : 0);
    size_t i;
    const json_t *o;
    json_array_foreach(options, i, o)
    {
        const char *v = json_string_value(json_object_get(o, "value"));
        if (cs_buf_appendf(&b, "%s%s", i ? ", " : "", v ? v : "") != 0)
            break;
    }
    (void)snprintf(out, size, "%s", cs_buf_str(&b));
    cs_buf_free(&b);
}

/* Checks one enumeration value (";"-separated parts for checkbox fields). */
static bool enum_ok(sb_ctx *ctx, const json_t *def, const char *name, const char *value)
{
    if (json_is_true(json_object_get(def, "externalOptions"))) {
        if (strcmp(name, "hubspot_owner_id") == 0)
            return hs_owner_exists(ctx, value);
        return true;
    }
    const json_t *options = json_object_get(def, "options");
    const char *field = json_string_value(json_object_get(def, "fieldType"));
    bool multi = field && strcmp(field, "checkbox") == 0;
    if (!multi)
        return option_allowed(options, value, strlen(value));
    for (const char *p = value;;) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        if (len > 0 && !option_allowed(options, p, len))
            return false;
        if (semi == NULL)
            return true;
        p = semi + 1;
    }
}

/* Validates one value; on success stores the normalised text in clean. */
static void check_value(sb_ctx *ctx, const hs_type *t, const char *name, const json_t *def,
                        const char *text, json_t *clean, json_t *results)
{
    hs_ptype type = hs_ptype_from_name(json_string_value(json_object_get(def, "type")));
    size_t len = strlen(text);
    if (type != HS_PT_STRING && len > 0 &&
        (isspace((unsigned char)text[0]) || isspace((unsigned char)text[len - 1]))) {
        add_result(results, name, "LEADING_TRAILING_WHITESPACE",
                   "\"%.200s\" includes leading or trailing whitespace.", text);
        return;
    }
    if (len == 0) {
        json_object_set_new(clean, name, json_string(""));
        return;
    }
    char out[CS_TIME_TEXT_MAX];
    int64_t ms;
    switch (type) {
    case HS_PT_NUMBER:
        if (!valid_number(text)) {
            add_result(results, name, "INVALID_DECIMAL", "%.200s was not a valid number.", text);
            return;
        }
        break;
    case HS_PT_BOOL:
        if (strcasecmp(text, "true") != 0 && strcasecmp(text, "false") != 0) {
            add_result(results, name, "INVALID_BOOLEAN",
                       "%.200s was not a valid boolean: use true or false.", text);
            return;
        }
        json_object_set_new(clean, name,
                            json_string(strcasecmp(text, "true") == 0 ? "true" : "false"));
        return;
    case HS_PT_DATE:
        if (cs_time_parse(text, &ms, NULL) != 0 || ms % 86400000 != 0) {
            add_result(results, name, "INVALID_DATE",
                       "%.200s is not a valid date: use YYYY-MM-DD or epoch milliseconds at "
                       "midnight UTC.",
                       text);
            return;
        }
        cs_time_format_date(ms, out);
        json_object_set_new(clean, name, json_string(out));
        return;
    case HS_PT_DATETIME:
        if (cs_time_parse(text, &ms, NULL) != 0) {
            add_result(results, name, "INVALID_DATETIME",
                       "%.200s is not a valid date-time: use ISO-8601 or epoch milliseconds.",
                       text);
            return;
        }
        cs_time_format_hubspot(ms, out);
        json_object_set_new(clean, name, json_string(out));
        return;
    case HS_PT_ENUM:
        if (!enum_ok(ctx, def, name, text)) {
            char opts[400];
            options_summary(json_object_get(def, "options"), opts, sizeof opts);
            add_result(results, name, "INVALID_OPTION",
                       "%.200s was not one of the allowed options: [%s]", text, opts);
            return;
        }
        break;
    case HS_PT_STRING:
        if (strcmp(t->type_id, HS_CONTACTS) == 0 && strcmp(name, "email") == 0 &&
            !hs_email_valid(text, NULL, 0)) {
            add_result(results, name, "INVALID_EMAIL", "Email address %.200s is invalid", text);
            return;
        }
        if (len > HS_STRING_MAX) {
            add_result(results, name, "STRING_TOO_LONG",
                       "Property %s is too long: %zu characters (at most %d).", name, len,
                       HS_STRING_MAX);
            return;
        }
        break;
    }
    json_object_set_new(clean, name, json_string(text));
}

json_t *hs_values_check(sb_ctx *ctx, const hs_type *t, const json_t *input, bool system,
                        json_t **clean)
{
    json_t *results = json_array();
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)input, k, v)
    {
        const json_t *def = hs_type_prop(ctx, t, k);
        char tmp[64];
        const char *text = NULL;
        if (def == NULL) {
            add_result(results, k, "PROPERTY_DOESNT_EXIST", "Property \"%.200s\" does not exist",
                       k);
        } else if (!value_text(v, tmp, sizeof tmp, &text)) {
            add_result(results, k, "INVALID_PROPERTY_VALUE",
                       "Property \"%.200s\" needs a string, number or boolean value", k);
        } else if (!system && json_is_true(json_object_get(
                                  json_object_get(def, "modificationMetadata"), "readOnlyValue"))) {
            add_result(results, k, "READ_ONLY_VALUE",
                       json_is_true(json_object_get(def, "calculated"))
                           ? "\"%.200s\" is a calculated property; its value cannot be set."
                           : "\"%.200s\" is a read only property; its value cannot be set.",
                       k);
        } else {
            check_value(ctx, t, k, def, text, out, results);
        }
    }
    if (json_array_size(results) > 0) {
        json_decref(out);
        return results;
    }
    json_decref(results);
    *clean = out;
    return NULL;
}

json_t *hs_values_required(const hs_type *t, const json_t *values)
{
    json_t *results = json_array();
    size_t i;
    const json_t *name;
    json_array_foreach(json_object_get(t->def, "requiredProperties"), i, name)
    {
        const char *n = json_string_value(name);
        if (n != NULL && json_string_length(json_object_get(values, n)) == 0)
            add_result(results, n, "REQUIRED_PROPERTY",
                       "Required property \"%.200s\" is missing or empty", n);
    }
    if (json_array_size(results) == 0) {
        json_decref(results);
        return NULL;
    }
    return results;
}

/* --- rendering -------------------------------------------------------------- */

static const char *const contact_defaults[] = {
    "createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"};
static const char *const company_defaults[] = {"createdate", "domain", "hs_lastmodifieddate",
                                               "hs_object_id", "name"};
static const char *const custom_defaults[] = {"hs_createdate", "hs_lastmodifieddate",
                                              "hs_object_id"};

static void defaults_of(const hs_type *t, const char *const **names, size_t *n)
{
    if (strcmp(t->type_id, HS_CONTACTS) == 0) {
        *names = contact_defaults;
        *n = sizeof contact_defaults / sizeof contact_defaults[0];
    } else if (strcmp(t->type_id, HS_COMPANIES) == 0) {
        *names = company_defaults;
        *n = sizeof company_defaults / sizeof company_defaults[0];
    } else {
        *names = custom_defaults;
        *n = sizeof custom_defaults / sizeof custom_defaults[0];
    }
}

static void put_value(json_t *props, const hs_type *t, const hs_obj *o, const char *name)
{
    char buf[48];
    const char *v = hs_obj_value(t, o, name, false, buf);
    json_object_set_new(props, name, v ? json_string(v) : json_null());
}

static json_t *envelope(const hs_type *t, const hs_obj *o, json_t *props)
{
    char id[24], created[CS_TIME_TEXT_MAX], updated[CS_TIME_TEXT_MAX];
    (void)snprintf(id, sizeof id, "%lld", (long long)o->id);
    cs_time_format_hubspot(o->created_ms, created);
    cs_time_format_hubspot(o->updated_ms, updated);
    json_t *j = json_pack("{s:s,s:o,s:s,s:s,s:b}", "id", id, "properties", props, "createdAt",
                          created, "updatedAt", updated, "archived", o->archived);
    if (o->archived) {
        char at[CS_TIME_TEXT_MAX];
        cs_time_format_hubspot(o->archived_ms, at);
        json_object_set_new(j, "archivedAt", json_string(at));
    }
    (void)t;
    return j;
}

json_t *hs_obj_json(sb_ctx *ctx, const hs_type *t, const hs_obj *o, const hs_propsel *sel)
{
    json_t *props = json_object();
    const char *const *names;
    size_t n;
    if (sel == NULL || sel->names == NULL) {
        defaults_of(t, &names, &n);
        for (size_t i = 0; i < n; i++)
            put_value(props, t, o, names[i]);
    } else {
        put_value(props, t, o, hs_type_createprop(t));
        put_value(props, t, o, hs_type_modprop(t));
        put_value(props, t, o, "hs_object_id");
        for (size_t i = 0; i < sel->nnames; i++)
            if (hs_type_prop(ctx, t, sel->names[i]) != NULL)
                put_value(props, t, o, sel->names[i]);
    }
    return envelope(t, o, props);
}

json_t *hs_obj_json_with(sb_ctx *ctx, const hs_type *t, const hs_obj *o, const json_t *extra)
{
    json_t *j = hs_obj_json(ctx, t, o, NULL);
    json_t *props = json_object_get(j, "properties");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)extra, k, v)
    {
        if (hs_type_prop(ctx, t, k) != NULL)
            put_value(props, t, o, k);
    }
    return j;
}

/* --- property selection ------------------------------------------------------ */

static void add_names(json_t *list, const char *csv)
{
    for (const char *p = csv; *p && json_array_size(list) < HS_PROPSEL_MAX;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len > 0 && len < 256)
            json_array_append_new(list, json_stringn(p, len));
        p += len;
        if (*p == ',')
            p++;
    }
}

static void collect_properties(const char *key, const char *value, void *user)
{
    if (strcmp(key, "properties") == 0)
        add_names(user, value);
}

static void propsel_from_list(json_t *list, hs_propsel *sel)
{
    sel->list = list;
    sel->nnames = json_array_size(list);
    sel->names = calloc(sel->nnames ? sel->nnames : 1, sizeof(char *));
    if (sel->names == NULL) {
        sel->nnames = 0;
        return;
    }
    for (size_t i = 0; i < sel->nnames; i++)
        ((const char **)sel->names)[i] = json_string_value(json_array_get(list, i));
}

void hs_propsel_from_query(const sb_request *req, hs_propsel *sel)
{
    memset(sel, 0, sizeof *sel);
    if (sb_query(req, "properties") == NULL)
        return;
    json_t *list = json_array();
    sb_query_each(req, collect_properties, list);
    propsel_from_list(list, sel);
}

void hs_propsel_from_json(const json_t *arr, hs_propsel *sel)
{
    memset(sel, 0, sizeof *sel);
    if (!json_is_array(arr))
        return;
    json_t *list = json_array();
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v) && i < HS_PROPSEL_MAX)
            json_array_append(list, (json_t *)v);
    }
    propsel_from_list(list, sel);
}

void hs_propsel_dispose(hs_propsel *sel)
{
    if (sel == NULL)
        return;
    free((void *)sel->names);
    json_decref(sel->list);
    memset(sel, 0, sizeof *sel);
}
