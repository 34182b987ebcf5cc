/* Error values: category + formatted message. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cs_err_set(cs_err *err, cs_err_category category, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    err->category = category;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (n < 0)
        err->message[0] = '\0';
    return -1;
}

int cs_err_prefix(cs_err *err, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    char prefix[CS_ERR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    char joined[CS_ERR_MESSAGE_MAX];
    n = snprintf(joined, sizeof joined, "%s%s", prefix, err->message);
    if (n < 0)
        return -1;
    memcpy(err->message, joined, sizeof err->message);
    return -1;
}

void cs_err_clear(cs_err *err)
{
    if (err == NULL)
        return;
    err->category = CS_ERR_NONE;
    err->message[0] = '\0';
}

const char *cs_err_category_name(cs_err_category category)
{
    switch (category) {
    case CS_ERR_NONE:
        return "none";
    case CS_ERR_CONFIG:
        return "config";
    case CS_ERR_INVALID_INPUT:
        return "invalid_input";
    case CS_ERR_NETWORK:
        return "network";
    case CS_ERR_AUTH:
        return "auth";
    case CS_ERR_RATE_LIMIT:
        return "rate_limit";
    case CS_ERR_REMOTE_REJECTED:
        return "remote_rejected";
    case CS_ERR_REMOTE_FAILED:
        return "remote_failed";
    case CS_ERR_NOT_FOUND:
        return "not_found";
    case CS_ERR_STORE:
        return "store";
    case CS_ERR_IO:
        return "io";
    case CS_ERR_INTERNAL:
        return "internal";
    }
    return "unknown";
}
