/* URLs as they may be shown: a password inside a URL (the userinfo of
 * postgres://user:password@host/db or https://user:password@host) never
 * reaches a message, a log line or the terminal. */
#ifndef CS_CORE_URL_REDACT_H
#define CS_CORE_URL_REDACT_H

#include <stddef.h>

/* Copies url into out (at most size - 1 bytes, always NUL-terminated) with
 * the password of its userinfo replaced by "***": "postgres://crm:***@db/x".
 * A user name without a password is kept; a URL without userinfo is copied
 * unchanged. url may be NULL (out becomes ""). Returns out. */
const char *cs_url_redact(const char *url, char *out, size_t size);

/* Large enough for any URL crmsync accepts in its configuration. */
#define CS_URL_SHOWN_MAX 4352

#endif
