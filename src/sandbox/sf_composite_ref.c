/* References between the subrequests of a Composite request: "@{ref.path}"
 * in a subrequest's URL or anywhere in its body reads a value from the
 * response body of an earlier subrequest. A reference that names no earlier
 * subrequest, one that failed, or a path with no value makes the subrequest
 * answer PROCESSING_HALTED (sf_composite_run.c), with the message written
 * here in Salesforce's words. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "sandbox/sf_composite.h"

#define EXPR_MAX  512 /* characters between "@{" and "}" */
#define DEPTH_MAX 64  /* nesting of a body that references are looked for in */

bool sf_cref_valid_id(const char *id)
{
    if (id == NULL || !isalpha((unsigned char)id[0]))
        return false;
    size_t n = 0;
    for (const char *p = id; *p; p++, n++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return false;
    return n <= SF_COMPOSITE_REF_MAX;
}

static void no_value(const char *expr, size_t len, char *msg, size_t msg_size)
{
    size_t id_len = 0;
    while (id_len < len && (isalnum((unsigned char)expr[id_len]) || expr[id_len] == '_'))
        id_len++;
    int n = snprintf(msg, msg_size, "Invalid reference specified. No value for %.*s found in %.*s",
                     (int)len, expr, (int)id_len, expr);
    if (n < 0 && msg_size > 0)
        msg[0] = '\0';
}

/* The value expr (len bytes, "ref.a[0].b") names, borrowed; NULL when none. */
static json_t *lookup(const sf_crefs *refs, const char *expr, size_t len)
{
    size_t i = 0;
    while (i < len && (isalnum((unsigned char)expr[i]) || expr[i] == '_'))
        i++;
    json_t *cur = NULL;
    for (int k = 0; k < refs->n; k++) {
        const sf_cref *r = &refs->items[k];
        if (strlen(r->id) == i && strncmp(r->id, expr, i) == 0) {
            cur = r->ok ? r->body : NULL;
            break;
        }
    }
    while (cur && i < len) {
        if (expr[i] == '.') {
            size_t start = ++i;
            while (i < len && expr[i] != '.' && expr[i] != '[')
                i++;
            char name[EXPR_MAX + 1];
            memcpy(name, expr + start, i - start);
            name[i - start] = '\0';
            cur = i > start ? json_object_get(cur, name) : NULL;
        } else if (expr[i] == '[') {
            size_t start = ++i;
            size_t index = 0;
            while (i < len && isdigit((unsigned char)expr[i]) && i - start < 9)
                index = index * 10 + (size_t)(expr[i++] - '0');
            if (i == start || i >= len || expr[i] != ']')
                return NULL;
            i++;
            cur = json_array_get(cur, index);
        } else {
            return NULL;
        }
    }
    return json_is_null(cur) ? NULL : cur;
}

/* An expression starts with a referenceId and holds no space or brace. */
static bool is_expr(const char *e, size_t len)
{
    if (len == 0 || len > EXPR_MAX || !isalpha((unsigned char)e[0]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (isspace((unsigned char)e[i]) || e[i] == '{' || e[i] == '@')
            return false;
    return true;
}

/* Finds the next "@{expr}" at or after p: its start and the expression.
 * Text that does not read as a reference stays as written. */
static const char *next_ref(const char *p, const char **expr, size_t *len)
{
    for (const char *at = strstr(p, "@{"); at; at = strstr(at + 2, "@{")) {
        const char *close = strchr(at + 2, '}');
        if (close == NULL)
            return NULL;
        if (is_expr(at + 2, (size_t)(close - at - 2))) {
            *expr = at + 2;
            *len = (size_t)(close - at - 2);
            return at;
        }
    }
    return NULL;
}

/* Writes a referenced value into text: strings as they are, other values
 * as JSON. */
static int append_value(cs_buf *out, json_t *v)
{
    if (json_is_string(v))
        return cs_buf_append(out, json_string_value(v), json_string_length(v));
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    int rc = text ? cs_buf_append_str(out, text) : -1;
    free(text);
    return rc;
}

char *sf_cref_resolve_text(const sf_crefs *refs, const char *text, char *msg, size_t msg_size)
{
    cs_buf out;
    cs_buf_init(&out, (size_t)64 * 1024 * 1024);
    const char *p = text;
    const char *expr;
    size_t len;
    for (const char *at = next_ref(p, &expr, &len); at; at = next_ref(p, &expr, &len)) {
        json_t *v = lookup(refs, expr, len);
        if (v == NULL) {
            no_value(expr, len, msg, msg_size);
            cs_buf_free(&out);
            return NULL;
        }
        if (cs_buf_append(&out, p, (size_t)(at - p)) != 0 || append_value(&out, v) != 0) {
            (void)snprintf(msg, msg_size, "out of memory");
            cs_buf_free(&out);
            return NULL;
        }
        p = expr + len + 1;
    }
    if (cs_buf_append_str(&out, p) != 0) {
        (void)snprintf(msg, msg_size, "out of memory");
        cs_buf_free(&out);
        return NULL;
    }
    char *result = out.data ? cs_buf_take(&out) : strdup("");
    if (result == NULL)
        (void)snprintf(msg, msg_size, "out of memory");
    return result;
}

static json_t *resolve(const sf_crefs *refs, json_t *v, int depth, char *msg, size_t msg_size)
{
    if (depth > DEPTH_MAX) {
        (void)snprintf(msg, msg_size, "The body is nested more than %d levels deep", DEPTH_MAX);
        return NULL;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        const char *expr;
        size_t len;
        const char *at = next_ref(s, &expr, &len);
        if (at == NULL)
            return json_incref(v);
        /* Exactly one reference: the referenced value, with its own type. */
        if (at == s && expr[len + 1] == '\0') {
            json_t *found = lookup(refs, expr, len);
            if (found == NULL)
                no_value(expr, len, msg, msg_size);
            return found ? json_deep_copy(found) : NULL;
        }
        char *text = sf_cref_resolve_text(refs, s, msg, msg_size);
        json_t *r = text ? json_string(text) : NULL;
        free(text);
        return r;
    }
    json_t *copy = NULL;
    if (json_is_object(v)) {
        copy = json_object();
        const char *key;
        json_t *item;
        json_object_foreach(v, key, item)
        {
            json_t *r = resolve(refs, item, depth + 1, msg, msg_size);
            if (r == NULL || json_object_set_new(copy, key, r) != 0) {
                json_decref(copy);
                return NULL;
            }
        }
    } else if (json_is_array(v)) {
        copy = json_array();
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            json_t *r = resolve(refs, item, depth + 1, msg, msg_size);
            if (r == NULL || json_array_append_new(copy, r) != 0) {
                json_decref(copy);
                return NULL;
            }
        }
    } else {
        copy = json_incref(v);
    }
    return copy;
}

json_t *sf_cref_resolve(const sf_crefs *refs, json_t *v, char *msg, size_t msg_size)
{
    return resolve(refs, v, 0, msg, msg_size);
}
