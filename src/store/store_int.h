/* Private to the store module: the base struct every backend embeds as its
 * first member, the backends' constructors, and the string storage that list
 * results borrow their text from. */
#ifndef CS_STORE_STORE_INT_H
#define CS_STORE_STORE_INT_H

#include "store/store.h"

/* The part of a store the dispatch layer (store.c) owns. A backend allocates
 * its own struct with `cs_store base;` first and sets ops; store.c sets url
 * and keeps in_tx in step with begin/commit/rollback. */
struct cs_store {
    const cs_store_ops *ops;
    char *url;   /* owned by store.c */
    bool in_tx;  /* a transaction opened by cs_store_begin() is open */
    bool locked; /* cs_store_lock() succeeded and no unlock since */
};

/* Opens the SQLite store at path (a file name, or ":memory:"); url is only
 * used in messages. Caller sets (*out)->url. */
int cs_store_sqlite_open(const char *path, cs_store **out, cs_err *err);

/* Text storage for list results: copies live until cs_store_strings_free(). */
struct cs_store_strings {
    struct cs_store_strings *next;
    size_t used;
    size_t cap;
    char data[];
};

/* Copies len bytes of text (plus a NUL) into *pool, growing it; NULL text
 * gives NULL. Returns the copy, or NULL with *failed set when memory ran out. */
const char *cs_store_strings_dup(cs_store_strings **pool, const char *text, size_t len,
                                 bool *failed);
void cs_store_strings_free(cs_store_strings *pool);

#endif
