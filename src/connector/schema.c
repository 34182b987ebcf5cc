/* Parsing of HubSpot property lists and Salesforce describe answers into the
 * neutral cs_object_schema (see schema.h). Every count read from the answer is
 * bounded; a malformed answer is CS_ERR_INVALID_INPUT naming what is wrong. */
#include "connector/schema.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void field_dispose(cs_field_schema *f)
{
    free(f->name);
    free(f->label);
    free(f->type);
    free(f->field_type);
    for (size_t i = 0; i < f->reference_count; i++)
        free(f->reference_to[i]);
    free(f->reference_to);
    for (size_t i = 0; i < f->option_count; i++)
        free(f->options[i]);
    free(f->options);
}

void cs_object_schema_free(cs_object_schema *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->count; i++)
        field_dispose(&s->fields[i]);
    free(s->fields);
    free(s->object);
    free(s);
}

/* strdup of a JSON string member, "" (as NULL) allowed; -1 only when memory ran out. */
static int dup_member(const json_t *obj, const char *key, char **out)
{
    const char *v = json_string_value(json_object_get(obj, key));
    *out = NULL;
    if (v == NULL)
        return 0;
    *out = strdup(v);
    return *out ? 0 : -1;
}

static bool bool_member(const json_t *obj, const char *key, bool dflt)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

/* Appends the "value" of each object of arr (skipping inactive or hidden ones
 * when the flag names one) to f->options. */
static int parse_options(cs_field_schema *f, const json_t *arr, const char *skip_flag,
                         bool skip_when, cs_err *err)
{
    if (!json_is_array(arr))
        return 0;
    size_t n = json_array_size(arr);
    if (n > CS_SCHEMA_MAX_OPTIONS)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "field '%s' has %zu options (at most %d)",
                          f->name, n, CS_SCHEMA_MAX_OPTIONS);
    if (n == 0)
        return 0;
    f->options = calloc(n, sizeof *f->options);
    if (f->options == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(arr, i);
        const char *v = json_string_value(json_object_get(o, "value"));
        if (v == NULL)
            continue;
        const json_t *flag = json_object_get(o, skip_flag);
        if (json_is_boolean(flag) && json_is_true(flag) == skip_when)
            continue;
        f->options[f->option_count] = strdup(v);
        if (f->options[f->option_count] == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        f->option_count++;
    }
    return 0;
}

static int cmp_field(const void *a, const void *b)
{
    return strcmp(((const cs_field_schema *)a)->name, ((const cs_field_schema *)b)->name);
}

static int new_schema(const char *object, size_t n, cs_object_schema **out, cs_err *err)
{
    if (n > CS_SCHEMA_MAX_FIELDS) {
        cs_err_set(err, CS_ERR_INVALID_INPUT, "%s has %zu fields (at most %d)", object, n,
                   CS_SCHEMA_MAX_FIELDS);
        return -1;
    }
    cs_object_schema *s = calloc(1, sizeof *s);
    if (s == NULL || (s->object = strdup(object)) == NULL ||
        (s->fields = calloc(n ? n : 1, sizeof *s->fields)) == NULL) {
        cs_object_schema_free(s);
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        return -1;
    }
    *out = s;
    return 0;
}

/* Sorts the fields and refuses duplicates (lookups are binary searches). */
static int finish(cs_object_schema *s, cs_err *err)
{
    if (s->count > 1)
        qsort(s->fields, s->count, sizeof *s->fields, cmp_field);
    for (size_t i = 1; i < s->count; i++)
        if (strcmp(s->fields[i].name, s->fields[i - 1].name) == 0)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "%s lists the field '%s' twice", s->object,
                              s->fields[i].name);
    return 0;
}

/* Fills what one side adds to f (the name, label and type are set). 0, or
 * -1 with err set. */
typedef int (*fill_fn)(cs_field_schema *f, const json_t *p, cs_err *err);

/* The loop both sides share: a schema for object with one field per entry of
 * arr (what names the answer in messages), each named and filled by fill,
 * sorted and checked for duplicates. */
static int parse_fields(const char *what, const char *object, const json_t *arr, fill_fn fill,
                        cs_object_schema **out, cs_err *err)
{
    cs_object_schema *s = NULL;
    if (new_schema(object, json_array_size(arr), &s, err) != 0 || s == NULL)
        return -1;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *p = json_array_get(arr, i);
        const char *name = json_string_value(json_object_get(p, "name"));
        if (!json_is_object(p) || name == NULL || name[0] == '\0') {
            cs_object_schema_free(s);
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "%s of %s: entry %zu has no name", what,
                              object, i);
        }
        cs_field_schema *f = &s->fields[s->count++];
        if (dup_member(p, "name", &f->name) || dup_member(p, "label", &f->label) ||
            dup_member(p, "type", &f->type)) {
            cs_object_schema_free(s);
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
        if (fill(f, p, err) != 0) {
            cs_object_schema_free(s);
            return -1;
        }
    }
    if (finish(s, err) != 0) {
        cs_object_schema_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

static int fill_hubspot(cs_field_schema *f, const json_t *p, cs_err *err)
{
    if (dup_member(p, "fieldType", &f->field_type) != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    f->kind = cs_value_kind_hubspot(f->type, f->field_type);
    const json_t *meta = json_object_get(p, "modificationMetadata");
    bool ro = bool_member(meta, "readOnlyValue", false) || bool_member(p, "calculated", false);
    f->createable = !ro;
    f->updateable = !ro;
    f->nillable = true;
    f->unique = bool_member(p, "hasUniqueValue", false);
    const char *ref = json_string_value(json_object_get(p, "referencedObjectType"));
    if (ref != NULL && ref[0] != '\0') {
        f->is_reference = true;
        f->reference_to = calloc(1, sizeof *f->reference_to);
        if (f->reference_to == NULL || (f->reference_to[0] = strdup(ref)) == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        f->reference_count = 1;
    }
    return parse_options(f, json_object_get(p, "options"), "hidden", true, err);
}

int cs_schema_parse_hubspot(const char *object, const json_t *body, cs_object_schema **out,
                            cs_err *err)
{
    const json_t *arr = json_is_array(body) ? body : json_object_get(body, "results");
    if (!json_is_array(arr))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "HubSpot properties of %s: expected {\"results\":[...]}", object);
    return parse_fields("HubSpot properties", object, arr, fill_hubspot, out, err);
}

static int fill_salesforce(cs_field_schema *f, const json_t *p, cs_err *err)
{
    f->kind = cs_value_kind_salesforce(f->type);
    f->integer = f->type != NULL && strcmp(f->type, "int") == 0;
    json_int_t len = json_integer_value(json_object_get(p, "length"));
    f->length = len > 0 && len < 100000000 ? (long)len : 0;
    f->nillable = bool_member(p, "nillable", true);
    f->createable = bool_member(p, "createable", false);
    f->updateable = bool_member(p, "updateable", false);
    f->unique = bool_member(p, "unique", false);
    f->restricted_picklist = bool_member(p, "restrictedPicklist", false);
    f->is_reference = f->type != NULL && strcmp(f->type, "reference") == 0;
    const json_t *refs = json_object_get(p, "referenceTo");
    size_t nrefs = json_array_size(refs);
    if (nrefs > 0 && nrefs <= CS_SCHEMA_MAX_OPTIONS) {
        f->reference_to = calloc(nrefs, sizeof *f->reference_to);
        if (f->reference_to == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        for (size_t r = 0; r < nrefs; r++) {
            const char *ref = json_string_value(json_array_get(refs, r));
            if (ref == NULL)
                continue;
            if ((f->reference_to[f->reference_count] = strdup(ref)) == NULL)
                return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
            f->reference_count++;
        }
    }
    return parse_options(f, json_object_get(p, "picklistValues"), "active", false, err);
}

int cs_schema_parse_salesforce(const json_t *describe, cs_object_schema **out, cs_err *err)
{
    const char *object = json_string_value(json_object_get(describe, "name"));
    const json_t *arr = json_object_get(describe, "fields");
    if (object == NULL || !json_is_array(arr))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "Salesforce describe: expected {\"name\":...,\"fields\":[...]}");
    return parse_fields("Salesforce describe", object, arr, fill_salesforce, out, err);
}

const cs_field_schema *cs_object_schema_field(const cs_object_schema *s, const char *name)
{
    if (s == NULL || name == NULL)
        return NULL;
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, s->fields[mid].name);
        if (c == 0)
            return &s->fields[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const cs_field_schema *cs_object_schema_field_nocase(const cs_object_schema *s, const char *name)
{
    const cs_field_schema *f = cs_object_schema_field(s, name);
    if (f != NULL || s == NULL || name == NULL)
        return f;
    for (size_t i = 0; i < s->count; i++)
        if (strcasecmp(s->fields[i].name, name) == 0)
            return &s->fields[i];
    return NULL;
}
