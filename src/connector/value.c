/* Value normalisation at the edge (see value.h): one canonical text form per
 * type, so values read from either API compare equal when they mean the same
 * thing, and the conversions back to each API's wire form for writes. */
#include "connector/value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/timeutil.h"

const char *cs_value_kind_name(cs_value_kind k)
{
    switch (k) {
    case CS_VALUE_TEXT:
        return "text";
    case CS_VALUE_NUMBER:
        return "number";
    case CS_VALUE_BOOL:
        return "boolean";
    case CS_VALUE_DATE:
        return "date";
    case CS_VALUE_DATETIME:
        return "datetime";
    case CS_VALUE_MULTI:
        return "multi-select";
    }
    return "text";
}

cs_value_kind cs_value_kind_hubspot(const char *type, const char *field_type)
{
    if (type == NULL)
        return CS_VALUE_TEXT;
    if (strcmp(type, "number") == 0)
        return CS_VALUE_NUMBER;
    if (strcmp(type, "bool") == 0 || strcmp(type, "boolean") == 0)
        return CS_VALUE_BOOL;
    if (strcmp(type, "date") == 0)
        return CS_VALUE_DATE;
    if (strcmp(type, "datetime") == 0)
        return CS_VALUE_DATETIME;
    if (strcmp(type, "enumeration") == 0) {
        /* checkbox is HubSpot's multiple checkboxes; booleancheckbox a bool */
        if (field_type && strcmp(field_type, "checkbox") == 0)
            return CS_VALUE_MULTI;
        if (field_type && strcmp(field_type, "booleancheckbox") == 0)
            return CS_VALUE_BOOL;
    }
    return CS_VALUE_TEXT;
}

cs_value_kind cs_value_kind_salesforce(const char *type)
{
    static const char *const numbers[] = {"double", "int", "long", "currency", "percent"};
    if (type == NULL)
        return CS_VALUE_TEXT;
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (strcmp(type, numbers[i]) == 0)
            return CS_VALUE_NUMBER;
    if (strcmp(type, "boolean") == 0)
        return CS_VALUE_BOOL;
    if (strcmp(type, "date") == 0)
        return CS_VALUE_DATE;
    if (strcmp(type, "datetime") == 0)
        return CS_VALUE_DATETIME;
    if (strcmp(type, "multipicklist") == 0)
        return CS_VALUE_MULTI;
    return CS_VALUE_TEXT;
}

/* ---- numbers --------------------------------------------------------------- */

#define EXP_HUGE 100000L

int cs_value_number_canon(const char *text, char out[CS_VALUE_NUMBER_MAX], cs_err *err)
{
    if (text == NULL)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "not a number: null");
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    /* the significant digits, without the point: at most what the output can hold */
    char digits[CS_VALUE_NUMBER_MAX];
    size_t nd = 0;
    long point = 0; /* digits before the decimal point */
    size_t seen = 0;
    bool leading = true;
    for (; isdigit((unsigned char)*p); p++, seen++) {
        if (leading && *p == '0')
            continue;
        leading = false;
        if (nd + 1 >= sizeof digits)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "number too long: %.40s", text);
        digits[nd++] = *p;
        point++;
    }
    if (*p == '.') {
        p++;
        for (; isdigit((unsigned char)*p); p++, seen++) {
            if (leading && *p == '0') {
                point--;
                continue;
            }
            leading = false;
            if (nd + 1 >= sizeof digits)
                return cs_err_set(err, CS_ERR_INVALID_INPUT, "number too long: %.40s", text);
            digits[nd++] = *p;
        }
    }
    if (seen == 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "not a number: '%.40s'", text);
    if (*p == 'e' || *p == 'E') {
        p++;
        bool eneg = false;
        if (*p == '+' || *p == '-')
            eneg = *p++ == '-';
        if (!isdigit((unsigned char)*p))
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "not a number: '%.40s'", text);
        long e = 0;
        for (; isdigit((unsigned char)*p); p++)
            if (e < EXP_HUGE)
                e = e * 10 + (*p - '0');
        point += eneg ? -e : e;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '\0')
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "not a number: '%.40s'", text);
    while (nd > 0 && digits[nd - 1] == '0')
        nd--;
    if (nd == 0) {
        memcpy(out, "0", 2);
        return 0;
    }
    /* value = 0.DIGITS x 10^point */
    size_t need = (neg ? 1u : 0u) + 1u;
    if (point <= 0)
        need += 2u + (size_t)(-point < EXP_HUGE ? -point : EXP_HUGE) + nd;
    else if ((size_t)point >= nd)
        need += (size_t)(point < EXP_HUGE ? point : EXP_HUGE);
    else
        need += nd + 1u;
    if (need > CS_VALUE_NUMBER_MAX)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "number out of range: '%.40s'", text);
    char *o = out;
    if (neg)
        *o++ = '-';
    if (point <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (long i = 0; i < -point; i++)
            *o++ = '0';
        memcpy(o, digits, nd);
        o += nd;
    } else if ((size_t)point >= nd) {
        memcpy(o, digits, nd);
        o += nd;
        for (size_t i = nd; i < (size_t)point; i++)
            *o++ = '0';
    } else {
        memcpy(o, digits, (size_t)point);
        o += point;
        *o++ = '.';
        memcpy(o, digits + point, nd - (size_t)point);
        o += nd - (size_t)point;
    }
    *o = '\0';
    return 0;
}

int cs_value_number_from_double(double v, char out[CS_VALUE_NUMBER_MAX], cs_err *err)
{
    if (!isfinite(v))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "not a finite number");
    char buf[64];
    for (int prec = 15; prec <= 17; prec++) {
        int n = snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (n < 0 || (size_t)n >= sizeof buf)
            return cs_err_set(err, CS_ERR_INTERNAL, "cannot format a number");
        if (strtod(buf, NULL) == v)
            break;
    }
    return cs_value_number_canon(buf, out, err);
}

/* ---- the other kinds ----------------------------------------------------------- */

static bool blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* Copies s without surrounding blanks into a new string of length *len. */
static char *trimmed(const char *s, size_t *len)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    char *t = strndup(s, n);
    if (t)
        *len = n;
    return t;
}

static json_t *norm_bool(const char *text, cs_err *err)
{
    size_t n;
    char *t = trimmed(text, &n);
    if (t == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory"), NULL;
    int v = -1;
    if (strcasecmp(t, "true") == 0 || strcmp(t, "1") == 0)
        v = 1;
    else if (strcasecmp(t, "false") == 0 || strcmp(t, "0") == 0)
        v = 0;
    free(t);
    if (v < 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "not a boolean: '%.40s'", text), NULL;
    return json_string(v ? "true" : "false");
}

#define TIME_MIN_MS (-62135596800000LL) /* 0001-01-01T00:00:00Z */
#define TIME_MAX_MS 253402300799999LL   /* 9999-12-31T23:59:59.999Z */

static json_t *norm_time(cs_value_kind kind, const char *text, cs_err *err)
{
    size_t n;
    char *t = trimmed(text, &n);
    if (t == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory"), NULL;
    int64_t ms;
    int rc = cs_time_parse(t, &ms, err);
    free(t);
    if (rc != 0)
        return NULL;
    if (ms < TIME_MIN_MS || ms > TIME_MAX_MS) /* four-digit years only */
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "date out of range: '%.40s'", text), NULL;
    char out[CS_TIME_TEXT_MAX];
    if (kind == CS_VALUE_DATE)
        cs_time_format_date(ms, out);
    else
        cs_time_format_hubspot(ms, out);
    if (out[0] == '\0')
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "date out of range: '%.40s'", text), NULL;
    return json_string(out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* C12 and R3: multi-selects compare as sets, so both sides' orders agree. */
static json_t *norm_multi(const char *text, cs_err *err)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ';';
    char **parts = calloc(cap, sizeof *parts);
    char *copy = strdup(text);
    json_t *res = NULL;
    size_t n = 0;
    if (parts == NULL || copy == NULL)
        goto oom;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
        size_t len;
        char *t = trimmed(tok, &len);
        if (t == NULL)
            goto oom;
        if (len == 0) {
            free(t);
            continue;
        }
        parts[n++] = t;
    }
    if (n == 0) {
        res = json_null();
        goto done;
    }
    qsort(parts, n, sizeof *parts, cmp_str);
    cs_buf b;
    cs_buf_init(&b, CS_VALUE_TEXT_MAX);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(parts[i], parts[i - 1]) == 0)
            continue;
        if ((b.len > 0 && cs_buf_append_str(&b, ";") != 0) ||
            cs_buf_append_str(&b, parts[i]) != 0) {
            cs_buf_free(&b);
            goto oom;
        }
    }
    res = json_string(cs_buf_str(&b));
    cs_buf_free(&b);
    if (res == NULL)
        goto oom;
    goto done;
oom:
    cs_err_set(err, CS_ERR_INTERNAL, "out of memory normalising a multi-select value");
done:
    for (size_t i = 0; i < n; i++)
        free(parts[i]);
    free(parts);
    free(copy);
    return res;
}

json_t *cs_value_normalize(cs_value_kind kind, const char *text, cs_err *err)
{
    if (text == NULL || text[0] == '\0')
        return json_null();
    if (strlen(text) > CS_VALUE_TEXT_MAX)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "value longer than %zu bytes",
                          CS_VALUE_TEXT_MAX),
               NULL;
    if (kind != CS_VALUE_TEXT && blank(text))
        return json_null();
    switch (kind) {
    case CS_VALUE_NUMBER: {
        char out[CS_VALUE_NUMBER_MAX];
        if (cs_value_number_canon(text, out, err) != 0)
            return NULL;
        return json_string(out);
    }
    case CS_VALUE_BOOL:
        return norm_bool(text, err);
    case CS_VALUE_DATE:
    case CS_VALUE_DATETIME:
        return norm_time(kind, text, err);
    case CS_VALUE_MULTI:
        return norm_multi(text, err);
    case CS_VALUE_TEXT:
        break;
    }
    json_t *s = json_string(text);
    if (s == NULL)
        cs_err_set(err, CS_ERR_INVALID_INPUT, "value is not valid UTF-8");
    return s;
}

/* Any scalar JSON to text for normalisation; NULL (and *is_null) for null. */
static json_t *scalar(cs_value_kind kind, const json_t *value, cs_err *err)
{
    if (value == NULL || json_is_null(value))
        return json_null();
    if (json_is_string(value)) {
        const char *text = json_string_value(value);
        size_t len = json_string_length(value);
        /* Text the JSON parser has already checked (UTF-8, no NUL inside)
         * is shared rather than copied: one allocation less per field read. */
        if (kind == CS_VALUE_TEXT && len > 0 && len <= CS_VALUE_TEXT_MAX &&
            memchr(text, '\0', len) == NULL)
            return json_incref((json_t *)value);
        return cs_value_normalize(kind, text, err);
    }
    if (json_is_boolean(value)) {
        if (kind == CS_VALUE_NUMBER)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "a boolean where a number belongs"), NULL;
        return cs_value_normalize(kind == CS_VALUE_BOOL ? kind : CS_VALUE_TEXT,
                                  json_is_true(value) ? "true" : "false", err);
    }
    if (json_is_integer(value) || json_is_real(value)) {
        char num[CS_VALUE_NUMBER_MAX] = "";
        if (json_is_integer(value)) {
            int n = snprintf(num, sizeof num, "%lld", (long long)json_integer_value(value));
            if (n < 0 || (size_t)n >= sizeof num)
                return cs_err_set(err, CS_ERR_INTERNAL, "cannot format a number"), NULL;
        } else if (cs_value_number_from_double(json_real_value(value), num, err) != 0) {
            return NULL;
        }
        /* epoch milliseconds are a valid date/datetime; a number in a text
         * field keeps its canonical text */
        return cs_value_normalize(kind == CS_VALUE_MULTI ? CS_VALUE_TEXT : kind, num, err);
    }
    return cs_err_set(err, CS_ERR_INVALID_INPUT, "a JSON %s where a %s value belongs",
                      json_is_object(value) ? "object" : "array", cs_value_kind_name(kind)),
           NULL;
}

json_t *cs_value_from_hubspot(cs_value_kind kind, const json_t *value, cs_err *err)
{
    return scalar(kind, value, err);
}

json_t *cs_value_from_salesforce(cs_value_kind kind, const json_t *value, cs_err *err)
{
    return scalar(kind, value, err);
}

json_t *cs_value_to_hubspot(cs_value_kind kind, const json_t *value, cs_err *err)
{
    json_t *norm = scalar(kind, value, err);
    if (norm == NULL)
        return NULL;
    if (json_is_null(norm)) {
        json_decref(norm);
        return json_string(""); /* HubSpot clears a property with "" */
    }
    return norm;
}

/* A canonical integer's value; -1 when it has a fraction or is out of range. */
static int whole(const char *canon, long long *out)
{
    if (strchr(canon, '.') != NULL)
        return -1;
    const char *d = canon[0] == '-' ? canon + 1 : canon;
    if (strlen(d) > 18)
        return -1;
    char *end = NULL;
    long long v = strtoll(canon, &end, 10);
    if (end == NULL || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

json_t *cs_value_to_salesforce(cs_value_kind kind, bool integer, const json_t *value, cs_err *err)
{
    json_t *norm = scalar(kind, value, err);
    if (norm == NULL || json_is_null(norm))
        return norm;
    const char *s = json_string_value(norm);
    json_t *res = NULL;
    switch (kind) {
    case CS_VALUE_NUMBER: {
        long long v;
        if (whole(s, &v) == 0)
            res = json_integer((json_int_t)v);
        else if (integer)
            cs_err_set(err, CS_ERR_INVALID_INPUT, "not a whole number: '%.40s'", s);
        else
            res = json_real(strtod(s, NULL));
        break;
    }
    case CS_VALUE_BOOL:
        res = json_boolean(strcmp(s, "true") == 0);
        break;
    case CS_VALUE_DATETIME: {
        int64_t ms;
        char out[CS_TIME_TEXT_MAX];
        if (cs_time_parse(s, &ms, err) == 0) {
            cs_time_format_salesforce(ms, out);
            res = json_string(out);
        }
        break;
    }
    case CS_VALUE_DATE:
    case CS_VALUE_MULTI:
    case CS_VALUE_TEXT:
        res = json_incref(norm);
        break;
    }
    json_decref(norm);
    return res;
}
