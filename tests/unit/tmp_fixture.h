/* Scratch paths for the unit tests: under $TMPDIR (or /tmp when it is unset
 * or empty), so a run on a machine whose /tmp is small or read-only can
 * point the tests elsewhere. */
#ifndef CS_TESTS_TMP_FIXTURE_H
#define CS_TESTS_TMP_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

/* Writes "$TMPDIR/<prefix>XXXXXX" into buf, ready for mkdtemp or mkstemp;
 * fails the test when the path does not fit in size bytes. */
static inline void tmp_template(char *buf, size_t size, const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(buf, size, "%s/%sXXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
    cr_assert(n > 0 && (size_t)n < size, "TMPDIR is too long for a scratch path");
}

/* A fresh scratch directory; its path is written into buf. */
static inline void tmp_dir(char *buf, size_t size, const char *prefix)
{
    tmp_template(buf, size, prefix);
    cr_assert_not_null(mkdtemp(buf), "mkdtemp %s", buf);
}

#endif
