/* Records for the unit tests, written as (field, value) pairs: the verify
 * tests build the lists each side would read this way. */
#ifndef CS_TESTS_RECORD_FIXTURE_H
#define CS_TESTS_RECORD_FIXTURE_H

#include <criterion/criterion.h>
#include <stdarg.h>

#include "core/record.h"

#define END ((const char *)NULL)

/* Pushes a record of `type` and `id` onto l, its fields from (field, value)
 * pairs ending with END; a NULL value is null. */
static inline void rec(cs_record_list *l, const char *type, const char *id, ...)
{
    cs_record r;
    cr_assert_eq(cs_record_init(&r, id, type), 0);
    va_list ap;
    va_start(ap, id);
    for (const char *k = va_arg(ap, const char *); k != NULL; k = va_arg(ap, const char *))
        cr_assert_eq(cs_record_set(&r, k, va_arg(ap, const char *)), 0);
    va_end(ap);
    cr_assert_eq(cs_record_list_push(l, &r), 0);
}

#endif
