/* Shared fixture of the store's unit tests: each test gets its own temporary
 * directory (Criterion runs every test in its own process), helpers open a
 * store in it and read a file's tables directly through SQLite. */
#ifndef CS_TEST_STORE_FIXTURE_H
#define CS_TEST_STORE_FIXTURE_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "tmp_fixture.h"

#define MIN_MS (60 * 1000LL)
#define HOUR   (60 * MIN_MS)
#define DAY_MS (24 * HOUR)

static char g_dir[256]; /* this test process's directory */

/* snprintf that fails the test instead of truncating. */
static inline void fmt(char *out, size_t cap, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static inline void fmt(char *out, size_t cap, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(out, cap, format, ap);
    va_end(ap);
    cr_assert(n >= 0 && (size_t)n < cap, "formatting %s", format);
}

static inline void store_fixture_setup(void)
{
    tmp_dir(g_dir, sizeof g_dir, "cs_store_");
}

static inline void store_fixture_teardown(void)
{
    DIR *d = opendir(g_dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[512];
        int n = snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
        if (n > 0 && (size_t)n < sizeof p)
            (void)unlink(p);
    }
    closedir(d);
    rmdir(g_dir);
}

static inline void path_of(const char *name, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", g_dir, name);
    cr_assert(n > 0 && (size_t)n < cap);
}

static inline cs_store *open_named(const char *name)
{
    char url[600];
    fmt(url, sizeof url, "sqlite:%s/%s", g_dir, name);
    cs_store *s = NULL;
    cs_err err = {0};
    int rc = cs_store_open(url, &s, &err);
    cr_assert_eq(rc, 0, "open %s: %s", url, err.message);
    cr_assert_not_null(s);
    return s;
}

static inline cs_store *open_db(void)
{
    return open_named("state.db");
}

static inline void write_file(const char *name, const void *data, size_t len)
{
    char p[512];
    path_of(name, p, sizeof p);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static inline int64_t raw_int(const char *name, const char *sql)
{
    char p[512];
    path_of(name, p, sizeof p);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

#endif
