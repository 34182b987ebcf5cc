/* Errors that carry a category and a message naming what failed and where.
 * Functions that can fail return int (0 ok, negative on failure) and fill a
 * caller-provided cs_err; the edge (cli/) decides how to show it. */
#ifndef CS_CORE_ERR_H
#define CS_CORE_ERR_H

#include <stddef.h>

typedef enum cs_err_category {
    CS_ERR_NONE = 0,
    CS_ERR_CONFIG,          /* bad configuration file or option */
    CS_ERR_INVALID_INPUT,   /* malformed data from outside (JSON, SOQL, filters) */
    CS_ERR_NETWORK,         /* connection, timeout, unknown outcome */
    CS_ERR_AUTH,            /* 401, expired or missing credentials */
    CS_ERR_RATE_LIMIT,      /* 429, API budget exhausted */
    CS_ERR_REMOTE_REJECTED, /* the API refused a request (4xx with a body) */
    CS_ERR_REMOTE_FAILED,   /* the API failed (5xx) */
    CS_ERR_NOT_FOUND,       /* the thing asked for does not exist */
    CS_ERR_STORE,           /* state store (SQLite, PostgreSQL) */
    CS_ERR_IO,              /* files, sockets, processes */
    CS_ERR_INTERNAL         /* a bug: an invariant did not hold */
} cs_err_category;

#define CS_ERR_MESSAGE_MAX 1024

typedef struct cs_err {
    cs_err_category category;
    char message[CS_ERR_MESSAGE_MAX];
} cs_err;

/* Fills err (which may be NULL) and returns -1, so callers can write
 * `return cs_err_set(err, CS_ERR_CONFIG, "...", ...);`. */
int cs_err_set(cs_err *err, cs_err_category category, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the message already in err with more context ("file.yaml: ").
 * Keeps the category. Returns -1. */
int cs_err_prefix(cs_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void cs_err_clear(cs_err *err);

/* Stable lower-case name of a category ("config", "rate_limit", ...). */
const char *cs_err_category_name(cs_err_category category);

#endif
