/* Opening a store by URL: the one place that knows the backends. It lives
 * apart from store.c, the backend-neutral checks and dispatch the engine
 * links, so that code which only uses an open store (the engine) does not link
 * SQLite: a call to cs_store_open from there is a link error (the layering in
 * docs/layering.md). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store_int.h"

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int open_url(const char *url, bool existing, cs_store **out, cs_err *err);

int cs_store_open(const char *url, cs_store **out, cs_err *err)
{
    return open_url(url, false, out, err);
}

int cs_store_open_existing(const char *url, cs_store **out, cs_err *err)
{
    return open_url(url, true, out, err);
}

/* existing: a file that is not there is refused, and none is created. */
static int open_url(const char *url, bool existing, cs_store **out, cs_err *err)
{
    if (url == NULL || url[0] == '\0')
        return cs_err_set(err, CS_ERR_CONFIG, "store: no URL given (expected sqlite:PATH)");
    if (strnlen(url, 4096) >= 4096)
        return cs_err_set(err, CS_ERR_CONFIG, "store: URL is too long (at most 4095 bytes)");

    const char *path = NULL;
    if (has_prefix(url, "sqlite://")) {
        path = url + strlen("sqlite://");
        if (path[0] != '/')
            return cs_err_set(err, CS_ERR_CONFIG,
                              "store URL '%s': after sqlite:// an absolute path is expected "
                              "(sqlite:///var/lib/crmsync.db), or write sqlite:RELATIVE/PATH",
                              url);
    } else if (has_prefix(url, "sqlite:")) {
        path = url + strlen("sqlite:");
    } else if (has_prefix(url, "postgres://") || has_prefix(url, "postgresql://")) {
        /* The URL may carry a password: it is not repeated. */
        return cs_err_set(err, CS_ERR_CONFIG,
                          "store URL postgres://…: PostgreSQL store is not built in this "
                          "version; use sqlite:PATH");
    } else {
        return cs_err_set(err, CS_ERR_CONFIG,
                          "store URL '%s': unknown scheme (expected sqlite:PATH or postgres://…)",
                          url);
    }
    if (path[0] == '\0')
        return cs_err_set(err, CS_ERR_CONFIG, "store URL '%s': the path is empty", url);

    struct stat sb;
    if (existing && strcmp(path, ":memory:") != 0 && stat(path, &sb) != 0) {
        if (errno == ENOENT)
            return cs_err_set(err, CS_ERR_NOT_FOUND, "store %s does not exist", path);
        return cs_err_set(err, CS_ERR_STORE, "store %s: %s", path, strerror(errno));
    }
    char *copy = strdup(url);
    if (copy == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    cs_store *s = NULL;
    if (cs_store_sqlite_open(path, &s, err) != 0) {
        free(copy);
        return -1;
    }
    s->url = copy;
    s->in_tx = false;
    s->locked = false;
    *out = s;
    return 0;
}
