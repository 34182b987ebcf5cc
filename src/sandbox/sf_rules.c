/* Rule definitions (see sf_rules.h): the checks a posted validation or
 * duplicate rule goes through, its normalised form (canonical object and
 * field names, defaults filled in), and the evaluation of a validation
 * rule's condition on a record. Every refusal names the key at fault and,
 * for a condition, the SOQL error with its position within the condition. */
#include "sandbox/sf_rules.h"
#include "sandbox/sf_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PATH_MAX_LEN 200

static int fail(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(why, size, fmt, ap);
    va_end(ap);
    if (n < 0 && size > 0)
        why[0] = '\0';
    return -1;
}

bool sf_rule_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > SF_RULE_NAME_MAX || !isalpha((unsigned char)name[0]) || name[n - 1] == '_')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!(isalnum(c) || c == '_') || c > 127)
            return false;
        if (c == '_' && name[i + 1] == '_')
            return false;
    }
    return true;
}

/* Refuses keys outside allowed (a misspelt key would otherwise be ignored
 * silently and the rule would not do what its author meant). */
static int only_keys(json_t *body, const char *const *allowed, char *why, size_t size)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        bool known = false;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (!known)
            return fail(why, size, "unknown key '%.100s'", key);
    }
    return 0;
}

/* The object named by body.object, or NULL with why filled. */
static const sf_object *object_of(const sf_schema *s, json_t *body, char *why, size_t size)
{
    const char *name = json_string_value(json_object_get(body, "object"));
    if (name == NULL || name[0] == '\0') {
        fail(why, size, "object is required (a string, e.g. \"Lead\")");
        return NULL;
    }
    const sf_object *o = sf_schema_object(s, name);
    if (o == NULL)
        fail(why, size, "object: no sObject named '%.100s'", name);
    return o;
}

/* body[key] as an optional string of at most max bytes: 0 with *out NULL
 * when absent or null, -1 when of another type or too long. */
static int opt_string(json_t *body, const char *key, size_t max, const char **out, char *why,
                      size_t size)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return fail(why, size, "%s must be a string", key);
    if (json_string_length(v) > max)
        return fail(why, size, "%s is longer than %zu characters", key, max);
    *out = json_string_value(v);
    return 0;
}

static int opt_bool(json_t *body, const char *key, bool def, bool *out, char *why, size_t size)
{
    json_t *v = json_object_get(body, key);
    if (v == NULL || json_is_null(v)) {
        *out = def;
        return 0;
    }
    if (!json_is_boolean(v))
        return fail(why, size, "%s must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

static int rule_name(json_t *body, const char *def, const char **out, char *why, size_t size)
{
    const char *name = NULL;
    if (opt_string(body, "name", 1000, &name, why, size) != 0)
        return -1;
    if (name == NULL)
        name = def;
    if (name == NULL)
        return fail(why, size, "name is required");
    if (!sf_rule_name_ok(name))
        return fail(why, size,
                    "name '%.100s' is not a valid API name: 1 to %d letters, digits and "
                    "underscores, starting with a letter, without '__' and not ending with '_'",
                    name, SF_RULE_NAME_MAX);
    *out = name;
    return 0;
}

/* Rewrites sb_soql_parse's message (whose position counts from the start of
 * "SELECT Id FROM X WHERE ") to name the position within the condition. */
static void condition_error(const char *msg, size_t prefix, char *why, size_t size)
{
    const char *detail = strrchr(msg, '\n');
    detail = detail ? detail + 1 : msg;
    const char *at = strstr(msg, "ERROR at Row:");
    unsigned long row = 0, col = 0;
    if (at == NULL || sscanf(at, "ERROR at Row:%lu:Column:%lu", &row, &col) != 2) {
        fail(why, size, "error_condition: %s", detail);
        return;
    }
    if (row == 1)
        col = col > prefix ? col - prefix : 1;
    fail(why, size, "error_condition: %s (row %lu, column %lu of the condition)", detail, row, col);
}

/* Resolves a path of the condition against o: a field, or one parent
 * relationship and a field of its target. Returns the field a value of the
 * path has, or NULL with why filled. */
static const sf_field *resolve(const sf_schema *s, const sf_object *o, const char *path, char *why,
                               size_t size)
{
    const char *dot = strchr(path, '.');
    const sf_field *f;
    if (dot == NULL) {
        f = sf_object_field(o, path);
        if (f == NULL)
            fail(why, size, "error_condition: No such column '%.100s' on entity '%s'", path,
                 o->name);
    } else {
        char rel[PATH_MAX_LEN + 1];
        snprintf(rel, sizeof rel, "%.*s", (int)(dot - path), path);
        const sf_field *rf = sf_object_relationship(o, rel);
        const sf_object *target = rf ? sf_field_target(s, rf) : NULL;
        if (target == NULL) {
            fail(why, size,
                 "error_condition: Didn't understand relationship '%.100s' on entity "
                 "'%s'",
                 rel, o->name);
            return NULL;
        }
        f = sf_object_field(target, dot + 1);
        if (f == NULL)
            fail(why, size, "error_condition: No such column '%.100s' on entity '%s'", dot + 1,
                 target->name);
    }
    if (f && f->type == SF_T_ADDRESS) {
        fail(why, size,
             "error_condition: compound field '%.100s' cannot be compared; compare its parts "
             "(such as City or PostalCode)",
             path);
        return NULL;
    }
    return f;
}

/* sb_soql_check's resolver over the fields parse_condition resolved. */
static bool condition_field(void *user, size_t i, const char *path, sb_soql_finfo *out)
{
    (void)path;
    const sf_field *const *fields = user;
    *out = sf_soql_field_info(fields[i]);
    return true;
}

static int parse_condition(const sf_schema *s, const sf_object *o, const char *cond,
                           sb_soql_query **out, char *why, size_t size)
{
    char prefix[160];
    int plen = snprintf(prefix, sizeof prefix, "SELECT Id FROM %s WHERE ", o->name);
    if (plen < 0 || (size_t)plen >= sizeof prefix)
        return fail(why, size, "object name too long");
    size_t clen = strlen(cond);
    char *text = malloc((size_t)plen + clen + 1);
    if (text == NULL)
        return fail(why, size, "out of memory");
    memcpy(text, prefix, (size_t)plen);
    memcpy(text + plen, cond, clen + 1);
    sb_soql_query *q = NULL;
    cs_err err;
    int rc = sb_soql_parse(text, &q, &err);
    free(text);
    if (rc != 0) {
        condition_error(err.message, (size_t)plen, why, size);
        return -1;
    }
    /* What follows WHERE in a query but is no condition. */
    if (sb_soql_has_order(q) || sb_soql_limit(q) >= 0 || sb_soql_offset(q) >= 0) {
        sb_soql_free(q);
        return fail(why, size,
                    "error_condition: ORDER BY, LIMIT and OFFSET have no place in a "
                    "condition");
    }
    size_t nrefs = sb_soql_referenced_count(q);
    const sf_field **fields = calloc(nrefs ? nrefs : 1, sizeof *fields);
    if (fields == NULL) {
        sb_soql_free(q);
        return fail(why, size, "out of memory");
    }
    for (size_t i = 0; i < nrefs; i++) {
        fields[i] = resolve(s, o, sb_soql_referenced_field(q, i), why, size);
        if (fields[i] == NULL) {
            free(fields);
            sb_soql_free(q);
            return -1;
        }
    }
    /* The same compile-time checks as a query's (literal types, operators,
     * ids; this also turns id literals into their 18-character form), so a
     * condition that could never be true is refused when posted. */
    const char *code = NULL;
    rc = sb_soql_check(q, condition_field, fields, &code, &err);
    free(fields);
    if (rc != 0) {
        sb_soql_free(q);
        if (err.category == CS_ERR_INTERNAL)
            return fail(why, size, "%s", err.message);
        condition_error(err.message, (size_t)plen, why, size);
        return -1;
    }
    *out = q;
    return 0;
}

int sf_vrule_compile(const sf_schema *s, json_t *body, sf_vrule *out, char *why, size_t why_size)
{
    static const char *const keys[] = {"object", "name", "error_condition", "message", "field",
                                       "active", NULL};
    if (!json_is_object(body))
        return fail(why, why_size, "body must be a JSON object");
    if (only_keys(body, keys, why, why_size) != 0)
        return -1;
    const sf_object *o = object_of(s, body, why, why_size);
    const char *name = NULL, *cond = NULL, *message = NULL, *field = NULL;
    bool active = true;
    if (o == NULL || rule_name(body, NULL, &name, why, why_size) != 0 ||
        opt_string(body, "error_condition", SF_RULE_CONDITION_MAX, &cond, why, why_size) != 0 ||
        opt_string(body, "message", SF_RULE_MESSAGE_MAX, &message, why, why_size) != 0 ||
        opt_string(body, "field", 1000, &field, why, why_size) != 0 ||
        opt_bool(body, "active", true, &active, why, why_size) != 0)
        return -1;
    if (cond == NULL || cond[strspn(cond, " \t\r\n")] == '\0')
        return fail(why, why_size, "error_condition is required (a SOQL WHERE condition)");
    if (message == NULL || message[0] == '\0')
        return fail(why, why_size, "message is required (the error the save is refused with)");
    const sf_field *f = NULL;
    if (field) {
        f = sf_object_field(o, field);
        if (f == NULL)
            return fail(why, why_size, "field: no field '%.100s' on %s", field, o->name);
    }
    sb_soql_query *q = NULL;
    if (parse_condition(s, o, cond, &q, why, why_size) != 0)
        return -1;
    json_t *def = json_pack("{s:s,s:s,s:s,s:s,s:o,s:b}", "object", o->name, "name", name,
                            "error_condition", cond, "message", message, "field",
                            f ? json_string(f->name) : json_null(), "active", active);
    if (def == NULL) {
        sb_soql_free(q);
        return fail(why, why_size, "out of memory");
    }
    memset(out, 0, sizeof *out);
    out->def = def;
    out->object = json_string_value(json_object_get(def, "object"));
    out->name = json_string_value(json_object_get(def, "name"));
    out->message = json_string_value(json_object_get(def, "message"));
    out->field = json_string_value(json_object_get(def, "field"));
    out->active = active;
    out->q = q;
    return 0;
}

void sf_vrule_dispose(sf_vrule *r)
{
    if (r == NULL)
        return;
    sb_soql_free(r->q);
    json_decref(r->def);
    memset(r, 0, sizeof *r);
}

typedef struct eval_ctx {
    const sf_schema *s;
    const sf_object *o;
    sf_rule_parent_fn parent;
    void *user;
} eval_ctx;

static json_t *resolver(void *user, json_t *record, const char *path)
{
    const eval_ctx *c = user;
    const char *dot = strchr(path, '.');
    if (dot == NULL) {
        const sf_field *f = sf_object_field(c->o, path);
        return f ? json_object_get(record, f->name) : NULL;
    }
    if (c->parent == NULL)
        return NULL;
    char rel[PATH_MAX_LEN + 1];
    snprintf(rel, sizeof rel, "%.*s", (int)(dot - path), path);
    const sf_field *rf = sf_object_relationship(c->o, rel);
    const sf_object *target = rf ? sf_field_target(c->s, rf) : NULL;
    const sf_field *f = target ? sf_object_field(target, dot + 1) : NULL;
    const char *id = rf ? json_string_value(json_object_get(record, rf->name)) : NULL;
    json_t *p = f && id ? c->parent(c->user, id) : NULL;
    return p ? json_object_get(p, f->name) : NULL;
}

bool sf_vrule_fails(const sf_vrule *r, const sf_schema *s, const sf_object *o, json_t *data,
                    sf_rule_parent_fn parent, void *user, int64_t now_ms)
{
    eval_ctx c = {.s = s, .o = o, .parent = parent, .user = user};
    return sb_soql_matches(r->q, data, resolver, &c, now_ms);
}

/* --- duplicate rules ----------------------------------------------------- */

static int dup_fields(const sf_object *o, json_t *body, json_t *names, char *why, size_t size)
{
    json_t *list = json_object_get(body, "fields");
    if (!json_is_array(list) || json_array_size(list) == 0)
        return fail(why, size, "fields is required: a non-empty array of field names");
    if (json_array_size(list) > SF_DUP_FIELDS_MAX)
        return fail(why, size, "fields: at most %d fields", SF_DUP_FIELDS_MAX);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *name = json_string_value(v);
        const sf_field *f = name ? sf_object_field(o, name) : NULL;
        if (name == NULL)
            return fail(why, size, "fields[%zu] must be a string", i);
        if (f == NULL)
            return fail(why, size, "fields[%zu]: no field '%.100s' on %s", i, name, o->name);
        if (f->type == SF_T_ADDRESS || f->type == SF_T_BOOLEAN)
            return fail(why, size,
                        "fields[%zu]: %s is a %s field, which a matching rule cannot "
                        "compare",
                        i, f->name, f->type == SF_T_ADDRESS ? "compound address" : "checkbox");
        for (size_t k = 0; k < json_array_size(names); k++)
            if (strcmp(json_string_value(json_array_get(names, k)), f->name) == 0)
                return fail(why, size, "fields[%zu]: %s is listed twice", i, f->name);
        json_array_append_new(names, json_string(f->name));
    }
    return 0;
}

static int dup_on(json_t *body, unsigned *on, json_t *names, char *why, size_t size)
{
    json_t *list = json_object_get(body, "on");
    if (list == NULL || json_is_null(list)) {
        *on = SF_DUP_ON_CREATE | SF_DUP_ON_UPDATE;
    } else {
        if (!json_is_array(list) || json_array_size(list) == 0)
            return fail(why, size, "on must be a non-empty array of \"create\" and \"update\"");
        *on = 0;
        size_t i;
        json_t *v;
        json_array_foreach(list, i, v)
        {
            const char *t = json_string_value(v);
            if (t && strcmp(t, "create") == 0)
                *on |= SF_DUP_ON_CREATE;
            else if (t && strcmp(t, "update") == 0)
                *on |= SF_DUP_ON_UPDATE;
            else
                return fail(why, size, "on[%zu] must be \"create\" or \"update\"", i);
        }
    }
    if (*on & SF_DUP_ON_CREATE)
        json_array_append_new(names, json_string("create"));
    if (*on & SF_DUP_ON_UPDATE)
        json_array_append_new(names, json_string("update"));
    return 0;
}

int sf_duprule_compile(const sf_schema *s, json_t *body, const char *default_name, sf_duprule *out,
                       char *why, size_t why_size)
{
    static const char *const keys[] = {"object", "name",    "fields", "action",
                                       "on",     "message", "active", NULL};
    if (!json_is_object(body))
        return fail(why, why_size, "body must be a JSON object");
    if (only_keys(body, keys, why, why_size) != 0)
        return -1;
    const sf_object *o = object_of(s, body, why, why_size);
    const char *name = NULL, *action = NULL, *message = NULL;
    bool active = true;
    if (o == NULL || rule_name(body, default_name, &name, why, why_size) != 0 ||
        opt_string(body, "action", 100, &action, why, why_size) != 0 ||
        opt_string(body, "message", SF_RULE_MESSAGE_MAX, &message, why, why_size) != 0 ||
        opt_bool(body, "active", true, &active, why, why_size) != 0)
        return -1;
    if (action == NULL)
        action = "block";
    static const char *const actions[] = {
        [SF_DUP_BLOCK] = "block", [SF_DUP_ALERT] = "alert", [SF_DUP_ALLOW] = "allow"};
    int act = -1;
    for (int i = 0; i < 3 && act < 0; i++)
        if (strcmp(action, actions[i]) == 0)
            act = i;
    if (act < 0)
        return fail(why, why_size, "action must be \"block\", \"alert\" or \"allow\", not '%.100s'",
                    action);
    if (message == NULL || message[0] == '\0')
        message = SF_DUP_MESSAGE;
    json_t *fields = json_array(), *on_names = json_array();
    unsigned on = 0;
    if (dup_fields(o, body, fields, why, why_size) != 0 ||
        dup_on(body, &on, on_names, why, why_size) != 0) {
        json_decref(fields);
        json_decref(on_names);
        return -1;
    }
    json_t *def =
        json_pack("{s:s,s:s,s:o,s:s,s:o,s:s,s:b}", "object", o->name, "name", name, "fields",
                  fields, "action", action, "on", on_names, "message", message, "active", active);
    if (def == NULL)
        return fail(why, why_size, "out of memory");
    memset(out, 0, sizeof *out);
    out->def = def;
    out->object = json_string_value(json_object_get(def, "object"));
    out->name = json_string_value(json_object_get(def, "name"));
    out->message = json_string_value(json_object_get(def, "message"));
    json_t *names = json_object_get(def, "fields");
    out->nfields = json_array_size(names);
    for (size_t i = 0; i < out->nfields; i++)
        out->fields[i] = json_string_value(json_array_get(names, i));
    out->action = (sf_dup_action)act;
    out->on = on;
    out->active = active;
    return 0;
}

void sf_duprule_dispose(sf_duprule *r)
{
    if (r == NULL)
        return;
    json_decref(r->def);
    memset(r, 0, sizeof *r);
}

char *sf_dup_key(json_t *data, const char *field)
{
    json_t *v = json_object_get(data, field);
    if (v == NULL || json_is_null(v))
        return NULL;
    if (!json_is_string(v))
        return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    const char *t = json_string_value(v);
    if (t[strspn(t, " \t\r\n")] == '\0')
        return NULL;
    char *out = strdup(t);
    for (char *p = out; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}
