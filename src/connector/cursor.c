/* Cursor texts (R2). A cursor is what the engine stores between passes; its
 * text is defined here: "cs1:<side>:<modified ms>[:<deleted ms>]" where side
 * is "hs" or "sf", the first number is the latest modification time a scan
 * returned and the optional second one how far Salesforce deletions were read.
 * An empty part means "never". The version prefix lets a later form coexist. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "connector/connector_int.h"

static const char *side(cs_connector_kind kind)
{
    return kind == CS_CONNECTOR_SALESFORCE ? "sf" : "hs";
}

int cs_cursor_format(cs_connector_kind kind, int64_t modified_ms, int64_t deleted_ms,
                     char out[CS_CONNECTOR_CURSOR_MAX])
{
    char mod[24] = "", del[24] = "";
    if (modified_ms >= 0)
        (void)snprintf(mod, sizeof mod, "%" PRId64, modified_ms);
    if (deleted_ms >= 0)
        (void)snprintf(del, sizeof del, "%" PRId64, deleted_ms);
    if (modified_ms < 0 && deleted_ms < 0) {
        out[0] = '\0';
        return 0;
    }
    int n = deleted_ms >= 0
                ? snprintf(out, CS_CONNECTOR_CURSOR_MAX, "cs1:%s:%s:%s", side(kind), mod, del)
                : snprintf(out, CS_CONNECTOR_CURSOR_MAX, "cs1:%s:%s", side(kind), mod);
    return n > 0 && n < CS_CONNECTOR_CURSOR_MAX ? 0 : -1;
}

/* Reads an optional non-negative number up to ':' or the end; *p advances. */
static int part(const char **p, int64_t *out)
{
    const char *s = *p;
    int64_t v = 0;
    size_t n = 0;
    for (; *s >= '0' && *s <= '9'; s++, n++) {
        if (n >= 16) /* beyond year 318857: not a time */
            return -1;
        v = v * 10 + (*s - '0');
    }
    *out = n == 0 ? -1 : v;
    *p = s;
    return 0;
}

int cs_cursor_parse(const char *text, cs_connector_kind kind, int64_t *modified_ms,
                    int64_t *deleted_ms, cs_err *err)
{
    if (text == NULL || text[0] == '\0') {
        *modified_ms = -1;
        *deleted_ms = -1;
        return 0;
    }
    char prefix[16];
    (void)snprintf(prefix, sizeof prefix, "cs1:%s:", side(kind));
    size_t plen = strlen(prefix);
    if (strlen(text) >= CS_CONNECTOR_CURSOR_MAX || strncmp(text, prefix, plen) != 0)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "'%.60s' is not a %s cursor", text,
                          kind == CS_CONNECTOR_SALESFORCE ? "Salesforce" : "HubSpot");
    const char *p = text + plen;
    int64_t mod, del = -1;
    if (part(&p, &mod) != 0)
        goto bad;
    if (*p == ':') {
        p++;
        if (part(&p, &del) != 0)
            goto bad;
    }
    if (*p != '\0')
        goto bad;
    *modified_ms = mod;
    *deleted_ms = del;
    return 0;
bad:
    return cs_err_set(err, CS_ERR_INVALID_INPUT, "malformed cursor '%.60s'", text);
}
