/* Shared by the SOQL unit tests: a resolver over JSON records that finds
 * "Field" and "Parent.Field" case-insensitively, as the sandbox's query
 * handler does, and a parse helper that fails the test on a parse error. */
#ifndef CS_TESTS_SOQL_FIXTURE_H
#define CS_TESTS_SOQL_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>
#include <strings.h>

#include "sandbox/soql.h"

static inline json_t *member(json_t *obj, const char *name, size_t len)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        if (strlen(key) == len && strncasecmp(key, name, len) == 0)
            return value;
    }
    return NULL;
}

static inline json_t *resolve(void *user, json_t *record, const char *path)
{
    (void)user;
    const char *dot = strchr(path, '.');
    if (dot == NULL)
        return member(record, path, strlen(path));
    json_t *parent = member(record, path, (size_t)(dot - path));
    return json_is_object(parent) ? member(parent, dot + 1, strlen(dot + 1)) : NULL;
}

static inline sb_soql_query *parse_ok(const char *text)
{
    sb_soql_query *q = NULL;
    cs_err err = {0};
    int rc = sb_soql_parse(text, &q, &err);
    cr_assert_eq(rc, 0, "parse failed for <%s>: %s", text, err.message);
    cr_assert_not_null(q);
    return q;
}

#endif
