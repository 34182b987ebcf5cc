/* A growable byte buffer with an explicit length and a mandatory maximum size,
 * so input-driven growth (response bodies, request bodies) is always bounded.
 * The buffer is always NUL-terminated after a successful append. */
#ifndef CS_CORE_BUF_H
#define CS_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct cs_buf {
    char *data; /* owned; NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* appends that would pass max fail */
} cs_buf;

void cs_buf_init(cs_buf *b, size_t max);
/* Returns 0, or -1 when the buffer would exceed its maximum or memory ran out
 * (the buffer is then unchanged). */
int cs_buf_append(cs_buf *b, const void *data, size_t len);
int cs_buf_append_str(cs_buf *b, const char *s);
int cs_buf_appendf(cs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cs_buf_vappendf(cs_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Borrowed view of the contents, "" when empty; valid until the next append. */
const char *cs_buf_str(const cs_buf *b);
void cs_buf_reset(cs_buf *b);
/* Hands the storage to the caller (who frees it with free()) and empties b. */
char *cs_buf_take(cs_buf *b);
void cs_buf_free(cs_buf *b);

#endif
