/* When a record an API refused is written again (R4, R8; R2 "never spin").
 *
 * A refused record becomes an error that is retried on its schedule (R8) or
 * as soon as the record changes again (R4). Change detection re-reads every
 * record in its overlap window (R2), and a record's pair is planned when
 * either of its two records changed, so without a guard a refused write would
 * be sent, and counted as a new attempt, on every pass for as long as the
 * record stays in the window. The guard here decides, per record, whether it
 * waits: it has an open error whose retry is not due, and it has not changed
 * since the failure. "Changed" means its modification time moved past the
 * time the failure was recorded for a reason other than crmsync's own writes:
 * when the newest write crmsync journaled (R5) into that record came after
 * the failure and at or after its modification time, the change is crmsync's
 * own (a value synced to it from the other side, the HubSpot link property)
 * and the record still waits. Its time and the journal's come from different
 * clocks (the API's and ours); a skew can cost one early retry, never a spin.
 *
 * Within a pass, records refused by a value are known bad for the rest of
 * the pass: a refusal of category property_values that names a single field
 * is a verdict on that field's value (an invalid email, a value too long, an
 * option the field does not have), so a later record holding the same value
 * in the same field of the same object is refused with the same message
 * without being sent. This keeps a batch full of one bad value from costing
 * one narrowing call per record in every batch after the first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/map.h"
#include "engine/sync_int.h"

void sync_error_key(char *out, size_t size, cs_store_side side, const char *object,
                    const char *record_key)
{
    if (snprintf(out, size, "%c|%s|%s", side == CS_STORE_HUBSPOT ? 'h' : 's', object, record_key) <
            0 &&
        size > 0)
        out[0] = '\0';
}

#define RETRY_ERRORS_MAX  200000 /* open errors a pass looks at */
#define RETRY_JOURNAL_MAX 64     /* journal rows looked at per record */
#define RETRY_KEY_MAX     1024   /* longer values are not remembered */

/* An open error's times (p->open_errors values, owned by the map). */
typedef struct open_error {
    int64_t failed_ms;
    int64_t next_retry_ms;
} open_error;

/* A value refused in this pass (p->bad_values values, owned by the map). */
typedef struct bad_value {
    cs_category category;
    char *field;
    char *message;
} bad_value;

static void bad_value_free(void *v)
{
    bad_value *b = v;
    free(b->field);
    free(b->message);
    free(b);
}

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

static int put_open(sync_pass *p, const char *key, int64_t failed_ms, int64_t next_retry_ms)
{
    open_error *e = malloc(sizeof *e);
    if (e == NULL)
        return -1;
    e->failed_ms = failed_ms;
    e->next_retry_ms = next_retry_ms;
    return cs_map_put(p->open_errors, key, e);
}

int retry_begin(sync_pass *p, cs_err *err)
{
    if ((p->open_errors = cs_map_new(free)) == NULL ||
        (p->bad_values = cs_map_new(bad_value_free)) == NULL)
        return oom(err);
    for (size_t offset = 0; offset < RETRY_ERRORS_MAX; offset += CS_STORE_LIST_MAX) {
        cs_error_query q = {.limit = CS_STORE_LIST_MAX, .offset = offset};
        cs_record_error_list l;
        memset(&l, 0, sizeof l);
        if (cs_store_error_list(p->s->opt.store, &q, &l, err) != 0)
            return -1;
        int rc = 0;
        for (size_t i = 0; rc == 0 && i < l.count; i++) {
            const cs_record_error *e = &l.items[i];
            char key[3 * CS_STORE_NAME_MAX];
            sync_error_key(key, sizeof key, e->side, e->object, e->record_key);
            if (put_open(p, key, e->last_seen_ms, e->next_retry_ms) != 0)
                rc = oom(err);
        }
        size_t n = l.count;
        cs_record_error_list_dispose(&l);
        if (rc != 0)
            return -1;
        if (n < CS_STORE_LIST_MAX)
            break;
    }
    return 0;
}

void retry_end(sync_pass *p)
{
    cs_map_free(p->open_errors);
    p->open_errors = NULL;
    cs_map_free(p->bad_values);
    p->bad_values = NULL;
}

bool retry_is_open(const sync_pass *p, const char *key)
{
    return p->open_errors != NULL && cs_map_has(p->open_errors, key);
}

int retry_note_failure(sync_pass *p, const char *key, cs_err *err)
{
    /* The store computed the real next retry; within this pass all that
     * matters is that it is later than now. */
    int64_t next = cs_retry_next_ms(p->s->opt.retry_policy, 1, p->now_ms);
    return put_open(p, key, p->now_ms, next) == 0 ? 0 : oom(err);
}

void retry_note_cleared(sync_pass *p, const char *key)
{
    if (p->open_errors != NULL)
        cs_map_del(p->open_errors, key);
}

/* Whether the newest write crmsync journaled into record_key (of the source
 * side the object names) landed after failed_ms and at or after modified_ms. */
static int own_write(sync_pass *p, const char *object, const char *record_key, int64_t failed_ms,
                     int64_t modified_ms, bool *own, cs_err *err)
{
    /* Writes into a HubSpot contact run SF → HS, into a Lead or Contact HS → SF. */
    cs_store_dir into = sync_is_hs_object(p, object) ? CS_STORE_SF_TO_HS : CS_STORE_HS_TO_SF;
    cs_journal_query q = {.record_id = record_key, .limit = RETRY_JOURNAL_MAX};
    cs_journal_list l;
    memset(&l, 0, sizeof l);
    if (cs_store_journal_list(p->s->opt.store, &q, &l, err) != 0)
        return -1;
    *own = false;
    for (size_t i = 0; i < l.count; i++) { /* newest first */
        const cs_journal_entry *e = &l.items[i];
        if (e->at_ms < failed_ms)
            break;
        if (e->dir != into)
            continue;
        *own = e->at_ms >= modified_ms;
        break;
    }
    cs_journal_list_dispose(&l);
    return 0;
}

void retry_make_due(sync_pass *p, const char *key)
{
    open_error *e = p->open_errors != NULL ? cs_map_get(p->open_errors, key) : NULL;
    if (e != NULL)
        e->next_retry_ms = p->now_ms;
}

int retry_waits(sync_pass *p, cs_store_side side, const char *object, const char *record_key,
                int64_t modified_ms, bool *waits, cs_err *err)
{
    *waits = false;
    if (p->open_errors == NULL || cs_map_len(p->open_errors) == 0)
        return 0;
    char key[3 * CS_STORE_NAME_MAX];
    sync_error_key(key, sizeof key, side, object, record_key);
    const open_error *v = cs_map_get(p->open_errors, key);
    if (v == NULL)
        return 0;
    int64_t failed = v->failed_ms;
    int64_t next_retry = v->next_retry_ms;
    if (next_retry <= p->now_ms)
        return 0; /* due (R8) */
    if (modified_ms <= failed) {
        *waits = true; /* unchanged since it failed */
        return 0;
    }
    return own_write(p, object, record_key, failed, modified_ms, waits, err);
}

/* ---- values refused in this pass ------------------------------------------- */

/* The key of one field value: "h|contacts|hs_lead_status|=Open" ("|-" for a
 * clear). False when it does not fit. */
static bool value_key(char *out, size_t size, bool hubspot, const char *object, const char *field,
                      const json_t *value)
{
    if (value != NULL && !json_is_null(value) && !json_is_string(value))
        return false;
    const char *s = json_is_string(value) ? json_string_value(value) : NULL;
    int n = snprintf(out, size, "%c|%s|%s|%s%s", hubspot ? 'h' : 's', object, field,
                     s != NULL ? "=" : "-", s != NULL ? s : "");
    return n > 0 && (size_t)n < size;
}

int retry_learn(sync_pass *p, bool hubspot, const char *object, const json_t *fields,
                const cs_write_result *res, cs_err *err)
{
    if (res->status != CS_WRITE_REFUSED || res->category != CS_CAT_PROPERTY_VALUES ||
        res->fields[0] == '\0' || strchr(res->fields, ',') != NULL || object == NULL)
        return 0;
    const json_t *value = json_object_get(fields, res->fields);
    if (value == NULL)
        return 0; /* the field was not sent: not a verdict on a value */
    char key[RETRY_KEY_MAX];
    if (!value_key(key, sizeof key, hubspot, object, res->fields, value) ||
        cs_map_has(p->bad_values, key))
        return 0;
    bad_value *b = calloc(1, sizeof *b);
    if (b == NULL)
        return oom(err);
    b->category = res->category;
    b->field = strdup(res->fields);
    b->message = strdup(res->message);
    if (b->field == NULL || b->message == NULL) {
        bad_value_free(b);
        return oom(err);
    }
    return cs_map_put(p->bad_values, key, b) == 0 ? 0 : oom(err);
}

bool retry_known_bad(const sync_pass *p, bool hubspot, const char *object, const json_t *fields,
                     cs_write_result *res)
{
    if (p->bad_values == NULL || cs_map_len(p->bad_values) == 0 || object == NULL ||
        !json_is_object(fields))
        return false;
    const char *field;
    json_t *value;
    json_object_foreach((json_t *)fields, field, value)
    {
        char key[RETRY_KEY_MAX];
        if (!value_key(key, sizeof key, hubspot, object, field, value))
            continue;
        const bad_value *bad = cs_map_get(p->bad_values, key);
        if (bad == NULL)
            continue;
        memset(res, 0, sizeof *res);
        res->status = CS_WRITE_REFUSED;
        res->category = bad->category;
        if (snprintf(res->fields, sizeof res->fields, "%s", bad->field) < 0)
            res->fields[0] = '\0';
        if (snprintf(res->message, sizeof res->message, "%s", bad->message) < 0)
            res->message[0] = '\0';
        return true;
    }
    return false;
}
