/* What each change scan has seen (R2), the public side: arguments are checked
 * here and handed to the backend. A backend older than version 3 of the
 * operations table keeps nothing: lookups find nothing and counts are zero,
 * so a pass re-reads what it would otherwise recognise, never less. */
#include <stdint.h>
#include <string.h>

#include "store/store_int.h"

static int check(const cs_store *s, const char *scan, const char *id, cs_err *err)
{
    if (s == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: not open");
    if (scan == NULL || scan[0] == '\0' || strnlen(scan, CS_STORE_NAME_MAX) >= CS_STORE_NAME_MAX)
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "store: a scan name of 1 to %d bytes is needed", CS_STORE_NAME_MAX - 1);
    if (id != NULL && (id[0] == '\0' || strnlen(id, CS_STORE_ID_MAX) >= CS_STORE_ID_MAX))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "store: a record id of 1 to %d bytes is needed", CS_STORE_ID_MAX - 1);
    return 0;
}

static bool has_seen(const cs_store *s)
{
    return s->ops->version >= 3 && s->ops->seen_put != NULL;
}

int cs_store_seen_put(cs_store *s, const char *scan, const char *id, int64_t modified_ms,
                      int64_t confirmed_ms, cs_err *err)
{
    if (check(s, scan, id == NULL ? "" : id, err) != 0)
        return -1;
    if (!s->in_tx)
        return cs_err_set(err, CS_ERR_INTERNAL,
                          "store %s: what scan %s saw may only be noted inside a transaction",
                          s->url, scan);
    return has_seen(s) ? s->ops->seen_put(s, scan, id, modified_ms, confirmed_ms, err) : 0;
}

int cs_store_seen_get(cs_store *s, const char *scan, const char *id, int64_t *modified_ms,
                      cs_err *err)
{
    if (check(s, scan, id == NULL ? "" : id, err) != 0)
        return -1;
    return has_seen(s) ? s->ops->seen_get(s, scan, id, modified_ms, err) : 0;
}

int cs_store_seen_count(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms, int64_t *n,
                        cs_err *err)
{
    *n = 0;
    if (check(s, scan, NULL, err) != 0)
        return -1;
    return has_seen(s) && from_ms < to_ms ? s->ops->seen_count(s, scan, from_ms, to_ms, n, err) : 0;
}

int cs_store_seen_nth(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms, int64_t k,
                      int64_t *modified_ms, cs_err *err)
{
    if (check(s, scan, NULL, err) != 0)
        return -1;
    if (!has_seen(s) || from_ms >= to_ms || k < 0)
        return 0;
    return s->ops->seen_nth(s, scan, from_ms, to_ms, k, modified_ms, err);
}

int cs_store_seen_prune(cs_store *s, const char *scan, int64_t from_ms, int64_t to_ms,
                        int64_t confirmed_before_ms, cs_err *err)
{
    if (check(s, scan, NULL, err) != 0)
        return -1;
    if (!s->in_tx)
        return cs_err_set(err, CS_ERR_INTERNAL,
                          "store %s: what scan %s saw may only be pruned inside a transaction",
                          s->url, scan);
    if (!has_seen(s) || from_ms >= to_ms)
        return 0;
    return s->ops->seen_prune(s, scan, from_ms, to_ms, confirmed_before_ms, err);
}
