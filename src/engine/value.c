/* Value comparison for the sync engine (see value.h): blank detection, numeric
 * and boolean equality, so that a value that round-trips through an API in a
 * different spelling ("1000" sent, "1000.0" read back) is not seen as a change. */
#include "engine/value.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longer text is never treated as a number (no double can tell them apart). */
#define NUMBER_MAX_LEN 64

bool cs_value_is_blank(const char *v)
{
    if (v == NULL)
        return true;
    for (; *v != '\0'; v++) {
        if (!isspace((unsigned char)*v))
            return false;
    }
    return true;
}

/* The parts of a canonical decimal: [-](0|[1-9][0-9]*)[.[0-9]+][(e|E)[+-][0-9]+]. */
typedef struct number {
    bool negative;
    const char *int_digits;
    size_t int_len;
    const char *frac_digits; /* trailing zeros removed */
    size_t frac_len;
    bool has_exponent;
} number;

static bool parse_number(const char *s, number *out)
{
    size_t len = strlen(s);
    if (len == 0 || len > NUMBER_MAX_LEN)
        return false;
    const char *p = s;
    memset(out, 0, sizeof *out);
    if (*p == '-') {
        out->negative = true;
        p++;
    }
    if (!isdigit((unsigned char)*p))
        return false;
    out->int_digits = p;
    if (*p == '0' && isdigit((unsigned char)p[1]))
        return false; /* a leading zero: a code, not a number */
    while (isdigit((unsigned char)*p))
        p++;
    out->int_len = (size_t)(p - out->int_digits);
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        out->frac_digits = p;
        while (isdigit((unsigned char)*p))
            p++;
        out->frac_len = (size_t)(p - out->frac_digits);
        while (out->frac_len > 0 && out->frac_digits[out->frac_len - 1] == '0')
            out->frac_len--;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
        out->has_exponent = true;
    }
    if (*p != '\0')
        return false;
    /* -0 and -0.0 are zero. */
    if (out->int_len == 1 && out->int_digits[0] == '0' && out->frac_len == 0 && !out->has_exponent)
        out->negative = false;
    return true;
}

static bool numbers_equal(const char *a, const number *na, const char *b, const number *nb)
{
    if (!na->has_exponent && !nb->has_exponent) {
        /* Exact, digit by digit: no rounding for long integers. */
        return na->negative == nb->negative && na->int_len == nb->int_len &&
               memcmp(na->int_digits, nb->int_digits, na->int_len) == 0 &&
               na->frac_len == nb->frac_len &&
               (na->frac_len == 0 || memcmp(na->frac_digits, nb->frac_digits, na->frac_len) == 0);
    }
    double da = strtod(a, NULL);
    double db = strtod(b, NULL);
    if (!isfinite(da) || !isfinite(db))
        return strcmp(a, b) == 0;
    return da == db;
}

/* 1 true, 0 false, -1 not a boolean. */
static int parse_bool(const char *v)
{
    while (isspace((unsigned char)*v))
        v++;
    size_t len = strlen(v);
    while (len > 0 && isspace((unsigned char)v[len - 1]))
        len--;
    if (len == 4 && strncasecmp(v, "true", 4) == 0)
        return 1;
    if (len == 5 && strncasecmp(v, "false", 5) == 0)
        return 0;
    return -1;
}

/* A boolean in either spelling: the words, or "1"/"0" next to a word. */
static bool bools_equal(const char *a, const char *b, bool *equal)
{
    int ba = parse_bool(a), bb = parse_bool(b);
    if (ba < 0 && bb >= 0 && (strcmp(a, "1") == 0 || strcmp(a, "0") == 0))
        ba = a[0] == '1';
    if (bb < 0 && ba >= 0 && (strcmp(b, "1") == 0 || strcmp(b, "0") == 0))
        bb = b[0] == '1';
    if (ba < 0 || bb < 0)
        return false;
    *equal = ba == bb;
    return true;
}

/* The next ';'-separated item of *p, trimmed, into [*start, *start + *len). */
static bool next_item(const char **p, const char **start, size_t *len)
{
    if (*p == NULL)
        return false;
    const char *s = *p, *end = strchr(s, ';');
    *p = end ? end + 1 : NULL;
    if (end == NULL)
        end = s + strlen(s);
    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    *start = s;
    *len = (size_t)(end - s);
    return true;
}

/* Whether every non-empty item of a occurs among the items of b. */
static bool items_within(const char *a, const char *b)
{
    const char *pa = a, *ia;
    size_t la;
    while (next_item(&pa, &ia, &la)) {
        if (la == 0)
            continue;
        bool found = false;
        const char *pb = b, *ib;
        size_t lb;
        while (!found && next_item(&pb, &ib, &lb))
            found = lb == la && memcmp(ia, ib, la) == 0;
        if (!found)
            return false;
    }
    return true;
}

bool cs_value_equal(const char *a, const char *b)
{
    bool blank_a = cs_value_is_blank(a);
    bool blank_b = cs_value_is_blank(b);
    if (blank_a || blank_b)
        return blank_a && blank_b;
    if (strcmp(a, b) == 0)
        return true;
    number na, nb;
    if (parse_number(a, &na) && parse_number(b, &nb))
        return numbers_equal(a, &na, b, &nb);
    bool eq;
    if (bools_equal(a, b, &eq))
        return eq;
    /* Multi-select values (';'-joined on both sides) are sets. */
    if (strchr(a, ';') != NULL && strchr(b, ';') != NULL)
        return items_within(a, b) && items_within(b, a);
    return false;
}

bool cs_value_is_true(const char *v)
{
    return v != NULL && parse_bool(v) == 1;
}
