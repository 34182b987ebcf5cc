/* Record value validation (see sf_validate.h). The messages follow the real
 * API's wording: "<Field Label>: data value too large: <value> (max
 * length=80)", "Email: invalid email address: foo", "Required fields are
 * missing: [LastName]", ... */
#include "sandbox/sf_validate.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "sandbox/sf_ids.h"

/* Values quoted in messages are cut here so a message stays bounded. */
#define QUOTE_MAX 300

void sf_verr_init(sf_verr *e)
{
    e->code = NULL;
    e->message[0] = '\0';
    e->fields = NULL;
    e->extra = NULL;
    e->next = NULL;
}

/* Frees the chain of further errors hanging off e. */
static void drop_next(sf_verr *e)
{
    sf_verr *p = e->next;
    e->next = NULL;
    while (p) {
        sf_verr *n = p->next;
        json_decref(p->fields);
        json_decref(p->extra);
        free(p);
        p = n;
    }
}

int sf_verr_set(sf_verr *e, const char *code, const char *field, const char *fmt, ...)
{
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    if (n < 0)
        e->message[0] = '\0';
    json_decref(e->fields);
    json_decref(e->extra);
    e->extra = NULL;
    drop_next(e);
    e->fields = json_array();
    if (field)
        json_array_append_new(e->fields, json_string(field));
    return -1;
}

sf_verr *sf_verr_append(sf_verr *e)
{
    sf_verr *last = e;
    while (last->next)
        last = last->next;
    sf_verr *n = malloc(sizeof *n);
    if (n == NULL)
        return NULL;
    sf_verr_init(n);
    last->next = n;
    return n;
}

void sf_verr_dispose(sf_verr *e)
{
    json_decref(e->fields);
    e->fields = NULL;
    json_decref(e->extra);
    e->extra = NULL;
    drop_next(e);
}

json_t *sf_verr_json(const sf_verr *e, bool status_code)
{
    json_t *o = json_object();
    json_object_set_new(o, status_code ? "statusCode" : "errorCode",
                        json_string(e->code ? e->code : "UNKNOWN_EXCEPTION"));
    json_object_set_new(o, "message", json_string(e->message));
    json_object_set_new(o, "fields", e->fields ? json_copy(e->fields) : json_array());
    if (e->extra)
        json_object_update(o, e->extra);
    return o;
}

void sf_verr_json_all(const sf_verr *e, bool status_code, json_t *arr)
{
    for (; e; e = e->next)
        json_array_append_new(arr, sf_verr_json(e, status_code));
}

/* A printable rendering of a value for messages, cut at QUOTE_MAX. */
static void quote(json_t *v, char *out, size_t size)
{
    char *text = NULL;
    const char *s;
    if (json_is_string(v)) {
        s = json_string_value(v);
    } else {
        text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        s = text ? text : "?";
    }
    snprintf(out, size, "%.*s", QUOTE_MAX, s);
    free(text);
}

bool sf_email_valid(const char *s)
{
    const char *at = strchr(s, '@');
    if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
        return false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c == '(' || c == ')' || c == ',' || c == ';' || c == ':' || c == '<' ||
            c == '>' || c == '[' || c == ']' || c == '\\' || c == '"')
            return false;
    }
    const char *domain = at + 1;
    const char *dot = strrchr(domain, '.');
    if (dot == NULL || dot == domain || dot[1] == '\0' || strstr(domain, "..") != NULL ||
        domain[0] == '.' || s[0] == '.' || at[-1] == '.')
        return false;
    return strlen(dot + 1) >= 2;
}

/* UTF-8 code points in s (length checks count characters, not bytes). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int check_text(const sf_field *f, const char *s, sf_verr *e)
{
    char q[QUOTE_MAX + 1];
    snprintf(q, sizeof q, "%.*s", QUOTE_MAX, s);
    if (f->length > 0 && utf8_chars(s) > (size_t)f->length)
        return sf_verr_set(e, "STRING_TOO_LONG", f->name,
                           "%s: data value too large: %s (max length=%d)", f->label, q, f->length);
    if (f->type == SF_T_EMAIL && s[0] != '\0' && !sf_email_valid(s))
        return sf_verr_set(e, "INVALID_EMAIL_ADDRESS", f->name, "%s: invalid email address: %s",
                           f->label, q);
    if (f->type == SF_T_PICKLIST && (f->flags & SF_F_RESTR) && s[0] != '\0' &&
        !sf_picklist_has(f->picklist, s, strlen(s)))
        return sf_verr_set(e, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f->name,
                           "%s: bad value for restricted picklist field: %s", f->label, q);
    if (f->type == SF_T_MULTIPICKLIST && (f->flags & SF_F_RESTR)) {
        const char *p = s;
        while (*p) {
            const char *end = strchr(p, ';');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (len > 0 && !sf_picklist_has(f->picklist, p, len))
                return sf_verr_set(e, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f->name,
                                   "%s: bad value for restricted picklist field: %.*s", f->label,
                                   (int)(len < QUOTE_MAX ? len : QUOTE_MAX), p);
            if (end == NULL)
                break;
            p = end + 1;
        }
    }
    return 0;
}

static int type_error(const sf_field *f, json_t *v, sf_verr *e)
{
    char q[QUOTE_MAX + 1];
    quote(v, q, sizeof q);
    return sf_verr_set(e, "INVALID_TYPE_ON_FIELD_IN_RECORD", f->name,
                       "%s: value not of required type: %s", f->label, q);
}

static int check_number(const sf_field *f, json_t *v, json_t **out, sf_verr *e)
{
    double d;
    if (json_is_number(v)) {
        d = json_number_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end = NULL;
        if (*s == '\0' || isspace((unsigned char)*s))
            return type_error(f, v, e);
        d = strtod(s, &end);
        if (end == s || *end != '\0')
            return type_error(f, v, e);
    } else {
        return type_error(f, v, e);
    }
    if (!isfinite(d))
        return type_error(f, v, e);
    int digits = f->precision - f->scale;
    if (f->type == SF_T_INT) {
        if (d != floor(d))
            return type_error(f, v, e);
        if (digits <= 0)
            digits = 9;
    }
    if (digits > 0 && digits < 19 && fabs(d) >= pow(10.0, digits)) {
        char q[QUOTE_MAX + 1];
        quote(v, q, sizeof q);
        return sf_verr_set(e, "NUMBER_OUTSIDE_VALID_RANGE", f->name,
                           "%s: value outside of valid range on numeric field: %s", f->label, q);
    }
    if (f->type == SF_T_INT)
        *out = json_integer((json_int_t)d);
    else if (json_is_integer(v))
        *out = json_integer(json_integer_value(v));
    else
        *out = json_real(d);
    return 0;
}

static int check_time(const sf_field *f, json_t *v, json_t **out, sf_verr *e)
{
    if (!json_is_string(v))
        return type_error(f, v, e);
    const char *s = json_string_value(v);
    int64_t ms;
    if (strlen(s) > 40 || cs_time_parse(s, &ms, NULL) != 0 || strspn(s, "0123456789") == strlen(s))
        return type_error(f, v, e);
    char text[CS_TIME_TEXT_MAX];
    if (f->type == SF_T_DATE) {
        if (strlen(s) < 10)
            return type_error(f, v, e);
        /* A date keeps its calendar day whatever the time part says. */
        snprintf(text, sizeof text, "%.10s", s);
    } else {
        cs_time_format_salesforce(ms, text);
    }
    *out = json_string(text);
    return 0;
}

int sf_validate_value(const sf_field *f, json_t *v, json_t **out, sf_verr *e)
{
    if (json_is_null(v)) {
        *out = json_null();
        return 0;
    }
    switch (f->type) {
    case SF_T_BOOLEAN:
        if (json_is_boolean(v)) {
            *out = json_incref(v);
            return 0;
        }
        if (json_is_string(v) && (strcmp(json_string_value(v), "true") == 0 ||
                                  strcmp(json_string_value(v), "false") == 0)) {
            *out = json_boolean(strcmp(json_string_value(v), "true") == 0);
            return 0;
        }
        return type_error(f, v, e);
    case SF_T_INT:
    case SF_T_DOUBLE:
    case SF_T_CURRENCY:
    case SF_T_PERCENT:
        return check_number(f, v, out, e);
    case SF_T_DATE:
    case SF_T_DATETIME:
        return check_time(f, v, out, e);
    case SF_T_ID:
    case SF_T_REFERENCE: {
        if (!json_is_string(v))
            return type_error(f, v, e);
        const char *s = json_string_value(v);
        if (s[0] == '\0') {
            *out = json_null();
            return 0;
        }
        char id[SF_ID_LEN + 1];
        if (sf_id_normalize(s, id) != 0)
            return sf_verr_set(e, "MALFORMED_ID", f->name, "%s: id value of incorrect type: %.*s",
                               f->label, QUOTE_MAX, s);
        *out = json_string(id);
        return 0;
    }
    case SF_T_ADDRESS:
        return type_error(f, v, e);
    default:
        break;
    }
    /* Text types. Numbers and booleans are accepted and stored as text, as
     * the real API does when it deserialises into a string field. */
    if (json_is_object(v) || json_is_array(v))
        return type_error(f, v, e);
    char *text = json_is_string(v) ? strdup(json_string_value(v))
                                   : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (text == NULL)
        return sf_verr_set(e, "UNKNOWN_EXCEPTION", NULL, "out of memory");
    if (text[0] == '\0') {
        free(text);
        *out = json_null(); /* an empty string clears the field */
        return 0;
    }
    int rc = check_text(f, text, e);
    if (rc == 0)
        *out = json_string(text);
    free(text);
    return rc;
}

static int not_writable(const sf_object *o, json_t *in, sf_write_mode mode, sf_verr *e)
{
    unsigned need = mode == SF_WRITE_CREATE ? SF_F_CRE : SF_F_UPD;
    cs_buf names;
    cs_buf_init(&names, 4096);
    json_t *fields = json_array();
    const char *key;
    json_t *value;
    json_object_foreach(in, key, value)
    {
        const sf_field *f = sf_object_field(o, key);
        if (f == NULL || (f->flags & need) || strcmp(f->name, "Id") == 0)
            continue;
        if (names.len)
            cs_buf_append_str(&names, ", ");
        cs_buf_append_str(&names, f->name);
        json_array_append_new(fields, json_string(f->name));
    }
    int rc = 0;
    if (json_array_size(fields) > 0) {
        rc = sf_verr_set(e, "INVALID_FIELD_FOR_INSERT_UPDATE", NULL,
                         "Unable to create/update fields: %s. Please check the security settings "
                         "of this field and verify that it is read/write for your profile or "
                         "permission set.",
                         cs_buf_str(&names));
        json_decref(e->fields);
        e->fields = json_incref(fields);
    }
    json_decref(fields);
    cs_buf_free(&names);
    return rc;
}

int sf_validate_record(const sf_object *o, json_t *in, sf_write_mode mode, json_t **out, sf_verr *e)
{
    if (!json_is_object(in))
        return sf_verr_set(e, "JSON_PARSER_ERROR", NULL,
                           "Cannot deserialize instance of %s from a non-object value", o->name);
    const char *key;
    json_t *value;
    json_object_foreach(in, key, value)
    {
        if (strcmp(key, "attributes") == 0)
            continue;
        if (strcasecmp(key, "Id") == 0) {
            if (mode == SF_WRITE_CREATE)
                return sf_verr_set(e, "INVALID_FIELD", NULL, "cannot specify Id in an insert call");
            continue;
        }
        if (sf_object_field(o, key) == NULL)
            return sf_verr_set(e, "INVALID_FIELD", NULL,
                               "No such column '%.*s' on sobject of type %s", QUOTE_MAX, key,
                               o->name);
    }
    if (not_writable(o, in, mode, e) != 0)
        return -1;
    json_t *norm = json_object();
    json_object_foreach(in, key, value)
    {
        if (strcmp(key, "attributes") == 0 || strcasecmp(key, "Id") == 0)
            continue;
        const sf_field *f = sf_object_field(o, key);
        json_t *v = NULL;
        if (sf_validate_value(f, value, &v, e) != 0) {
            json_decref(norm);
            return -1;
        }
        if (json_is_null(v) && !(f->flags & SF_F_NIL) && mode == SF_WRITE_UPDATE &&
            f->type != SF_T_BOOLEAN) {
            json_decref(v);
            json_decref(norm);
            return sf_verr_set(e, "REQUIRED_FIELD_MISSING", f->name,
                               "Required fields are missing: [%s]", f->name);
        }
        json_object_set_new(norm, f->name, v);
    }
    *out = norm;
    return 0;
}

int sf_validate_required(const sf_object *o, json_t *merged, sf_verr *e)
{
    cs_buf names;
    cs_buf_init(&names, 4096);
    json_t *fields = json_array();
    for (size_t i = 0; i < o->nfields; i++) {
        const sf_field *f = &o->fields[i];
        if (!(f->flags & SF_F_CRE) || (f->flags & (SF_F_NIL | SF_F_DEF)) || f->type == SF_T_BOOLEAN)
            continue;
        json_t *v = json_object_get(merged, f->name);
        if (v && !json_is_null(v))
            continue;
        if (names.len)
            cs_buf_append_str(&names, ", ");
        cs_buf_append_str(&names, f->name);
        json_array_append_new(fields, json_string(f->name));
    }
    int rc = 0;
    if (json_array_size(fields) > 0) {
        rc = sf_verr_set(e, "REQUIRED_FIELD_MISSING", NULL, "Required fields are missing: [%s]",
                         cs_buf_str(&names));
        json_decref(e->fields);
        e->fields = json_incref(fields);
    }
    json_decref(fields);
    cs_buf_free(&names);
    return rc;
}
