/* The cs_store_* functions: each checks its arguments once for every backend
 * (required values present, identifiers and text within their bounds, enums
 * in range, cursors only inside a transaction) and then dispatches through the
 * backend's ops table. Opening by URL is store_open.c. */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

/* ---- argument checks ---------------------------------------------------- */

static int check_str(const char *what, const char *value, size_t max, bool required, cs_err *err)
{
    if (value == NULL || value[0] == '\0') {
        if (required)
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "store: %s is required", what);
        return 0;
    }
    size_t len = strnlen(value, max);
    if (len >= max)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "store: %s is too long (at most %zu bytes)",
                          what, max - 1);
    return 0;
}

#define ID(what, v)     check_str(what, v, CS_STORE_ID_MAX, true, err)
#define NAME(what, v)   check_str(what, v, CS_STORE_NAME_MAX, true, err)
#define OPT_ID(what, v) check_str(what, v, CS_STORE_ID_MAX, false, err)
#define OPT_NAME(w, v)  check_str(w, v, CS_STORE_NAME_MAX, false, err)
#define TEXT(what, v)   check_str(what, v, CS_STORE_TEXT_MAX + 1, false, err)

static int check_enum(const char *what, int value, int last, cs_err *err)
{
    if (value < 0 || value > last)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "store: %s %d is out of range", what, value);
    return 0;
}

/* R9: every kept error is filed under one of the six categories. */
static int check_category(cs_category c, cs_err *err)
{
    if (c == CS_CAT_NONE)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "store: an error needs a category (not none)");
    return 0;
}

static int check_store(const cs_store *s, cs_err *err)
{
    if (s == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: not open");
    return 0;
}

void cs_store_close(cs_store *s)
{
    if (s == NULL)
        return;
    char *url = s->url;
    s->ops->close(s);
    free(url);
}

const char *cs_store_url(const cs_store *s)
{
    return s ? s->url : "";
}

bool cs_store_in_transaction(const cs_store *s)
{
    return s != NULL && s->in_tx;
}

/* ---- the writer lock ------------------------------------------------------ */

/* Runs newest first: a run left "running" is recent, and every lock taken
 * since marked the older ones, so this bound only matters for a store used
 * before the lock existed. */
#define ORPHAN_RUNS_MAX 1000

/* Marks the runs no live process is running (the caller holds the lock). */
static int mark_orphan_runs(cs_store *s, const char *holder, int64_t *count, cs_err *err)
{
    cs_run_list runs = {0};
    if (s->ops->run_list(s, ORPHAN_RUNS_MAX, &runs, err) != 0)
        return -1;
    int64_t now = cs_time_now_ms();
    char message[256];
    if (snprintf(message, sizeof message,
                 "interrupted: its process ended without finishing the run (killed or crashed); "
                 "found by %.64s",
                 holder && holder[0] ? holder : "the next writer") < 0)
        message[0] = '\0';
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < runs.count; i++) {
        const cs_run *r = &runs.items[i];
        if (r->status != CS_RUN_RUNNING)
            continue;
        rc = s->ops->run_finish(s, r->id, now, CS_RUN_INTERRUPTED, r->counts, message, err);
        if (rc == 0)
            (*count)++;
    }
    cs_run_list_dispose(&runs);
    return rc;
}

int cs_store_lock(cs_store *s, const char *holder, int64_t *interrupted, cs_err *err)
{
    if (check_store(s, err) || OPT_NAME("lock holder", holder))
        return -1;
    if (s->in_tx)
        return cs_err_set(err, CS_ERR_INTERNAL, "store %s: lock inside a transaction", s->url);
    if (s->ops->version < 2 || s->ops->lock == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store %s: the %s store has no writer lock", s->url,
                          s->ops->name);
    if (s->ops->lock(s, holder, err) != 0)
        return -1;
    int64_t n = 0;
    if (mark_orphan_runs(s, holder, &n, err) != 0) {
        s->ops->unlock(s);
        return -1;
    }
    s->locked = true;
    if (interrupted != NULL)
        *interrupted = n;
    return 0;
}

void cs_store_unlock(cs_store *s)
{
    if (s == NULL || !s->locked)
        return;
    s->ops->unlock(s);
    s->locked = false;
}

bool cs_store_locked(const cs_store *s)
{
    return s != NULL && s->locked;
}

/* ---- transactions ------------------------------------------------------- */

int cs_store_begin(cs_store *s, cs_err *err)
{
    if (check_store(s, err))
        return -1;
    if (s->in_tx)
        return cs_err_set(err, CS_ERR_INTERNAL, "store %s: a transaction is already open", s->url);
    if (s->ops->begin(s, err) != 0)
        return -1;
    s->in_tx = true;
    return 0;
}

int cs_store_commit(cs_store *s, cs_err *err)
{
    if (check_store(s, err))
        return -1;
    if (!s->in_tx)
        return cs_err_set(err, CS_ERR_INTERNAL, "store %s: commit without a transaction", s->url);
    s->in_tx = false; /* whatever happens, the backend leaves no transaction open */
    return s->ops->commit(s, err);
}

int cs_store_rollback(cs_store *s, cs_err *err)
{
    if (check_store(s, err))
        return -1;
    if (!s->in_tx)
        return cs_err_set(err, CS_ERR_INTERNAL, "store %s: rollback without a transaction", s->url);
    s->in_tx = false;
    return s->ops->rollback(s, err);
}

/* ---- links and snapshots ---------------------------------------------- */

int cs_store_link_add(cs_store *s, const char *object, const char *hs_id, const char *sf_type,
                      const char *sf_id, cs_err *err)
{
    if (check_store(s, err) || NAME("object", object) || ID("hs_id", hs_id) ||
        NAME("sf_type", sf_type) || ID("sf_id", sf_id))
        return -1;
    return s->ops->link_add(s, object, hs_id, sf_type, sf_id, err);
}

int cs_store_link_by_hs(cs_store *s, const char *object, const char *hs_id, cs_link *out,
                        cs_err *err)
{
    if (check_store(s, err) || NAME("object", object) || ID("hs_id", hs_id))
        return -1;
    return s->ops->link_by_hs(s, object, hs_id, out, err);
}

int cs_store_link_by_sf(cs_store *s, const char *sf_id, cs_link *out, cs_err *err)
{
    if (check_store(s, err) || ID("sf_id", sf_id))
        return -1;
    return s->ops->link_by_sf(s, sf_id, out, err);
}

int cs_store_link_relink(cs_store *s, const char *object, const char *hs_id, const char *sf_type,
                         const char *sf_id, cs_err *err)
{
    if (check_store(s, err) || NAME("object", object) || ID("hs_id", hs_id) ||
        NAME("sf_type", sf_type) || ID("sf_id", sf_id))
        return -1;
    return s->ops->link_relink(s, object, hs_id, sf_type, sf_id, err);
}

int cs_store_link_remove(cs_store *s, const char *object, const char *hs_id, cs_err *err)
{
    if (check_store(s, err) || NAME("object", object) || ID("hs_id", hs_id))
        return -1;
    return s->ops->link_remove(s, object, hs_id, err);
}

int cs_store_link_each(cs_store *s, const char *object, cs_link_fn fn, void *userdata, cs_err *err)
{
    if (check_store(s, err) || OPT_NAME("object", object))
        return -1;
    if (fn == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: link_each without a callback");
    return s->ops->link_each(s, object, fn, userdata, err);
}

int cs_store_snapshot_put(cs_store *s, const char *object, const char *hs_id,
                          const cs_snapshot *snap, cs_err *err)
{
    if (check_store(s, err) || NAME("object", object) || ID("hs_id", hs_id))
        return -1;
    if (snap == NULL || !json_is_object(snap->fields))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "store: snapshot of %s %s: fields must be a JSON object", object, hs_id);
    const char *name;
    const json_t *value;
    json_object_foreach((json_t *)snap->fields, name, value)
    {
        if (!json_is_string(value) && !json_is_null(value))
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "store: snapshot of %s %s: field %s must be a string or null", object,
                              hs_id, name);
    }
    return s->ops->snapshot_put(s, object, hs_id, snap, err);
}

int cs_store_snapshot_get(cs_store *s, const char *object, const char *hs_id, cs_snapshot *out,
                          cs_err *err)
{
    if (check_store(s, err) || NAME("object", object) || ID("hs_id", hs_id))
        return -1;
    return s->ops->snapshot_get(s, object, hs_id, out, err);
}

/* ---- cursors -------------------------------------------------------------- */

int cs_store_cursor_get(cs_store *s, const char *name, cs_cursor *out, cs_err *err)
{
    if (check_store(s, err) || NAME("cursor name", name))
        return -1;
    return s->ops->cursor_get(s, name, out, err);
}

int cs_store_cursor_set(cs_store *s, const char *name, int64_t ms, const char *token, cs_err *err)
{
    if (check_store(s, err) || NAME("cursor name", name) ||
        check_str("cursor token", token, CS_STORE_TOKEN_MAX, false, err))
        return -1;
    /* Cursors advance only past what is durable: together with their batch. */
    if (!s->in_tx)
        return cs_err_set(err, CS_ERR_INTERNAL,
                          "store %s: cursor %s may only be set inside a transaction", s->url, name);
    return s->ops->cursor_set(s, name, ms, token, err);
}

/* ---- journal -------------------------------------------------------------- */

int cs_store_journal_add(cs_store *s, const cs_journal_entry *e, cs_err *err)
{
    if (check_store(s, err))
        return -1;
    if (e == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: journal entry missing");
    if (check_enum("journal direction", (int)e->dir, CS_STORE_SF_TO_HS, err) ||
        check_enum("journal operation", (int)e->op, CS_STORE_OP_ASSOCIATE, err) ||
        NAME("journal object", e->object) || OPT_ID("journal hs_id", e->hs_id) ||
        OPT_ID("journal sf_id", e->sf_id) || OPT_NAME("journal field", e->field) ||
        TEXT("journal old value", e->old_value) || TEXT("journal new value", e->new_value) ||
        check_str("journal reason", e->reason, CS_STORE_TEXT_MAX + 1, true, err))
        return -1;
    if (e->nchanges > 0 && e->changes == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: journal changes missing");
    for (size_t i = 0; i < e->nchanges; i++) {
        const cs_journal_change *c = &e->changes[i];
        if (NAME("journal field", c->field) || TEXT("journal old value", c->old_value) ||
            TEXT("journal new value", c->new_value) ||
            check_str("journal reason", c->reason, CS_STORE_TEXT_MAX + 1, false, err))
            return -1;
    }
    return s->ops->journal_add(s, e, err);
}

int cs_store_journal_list(cs_store *s, const cs_journal_query *q, cs_journal_list *out, cs_err *err)
{
    cs_journal_query all = {0};
    if (check_store(s, err) || (q && OPT_ID("journal record id", q->record_id)))
        return -1;
    return s->ops->journal_list(s, q ? q : &all, out, err);
}

/* ---- record errors -------------------------------------------------------- */

int cs_store_error_record(cs_store *s, const cs_record_error *e, int64_t now_ms,
                          const cs_retry_policy *policy, cs_err *err)
{
    if (check_store(s, err))
        return -1;
    if (e == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: record error missing");
    if (check_enum("error side", (int)e->side, CS_STORE_SALESFORCE, err) ||
        check_enum("error category", (int)e->category, CS_CAT_SUSPENSION, err) ||
        check_category(e->category, err) || NAME("error object", e->object) ||
        NAME("error record key", e->record_key) || OPT_NAME("error field", e->field) ||
        check_str("error message", e->message, CS_STORE_TEXT_MAX + 1, true, err) ||
        TEXT("error email", e->email) || OPT_ID("error hs_id", e->hs_id) ||
        OPT_ID("error sf_id", e->sf_id))
        return -1;
    return s->ops->error_record(s, e, now_ms, policy ? policy : &cs_retry_policy_default, err);
}

int cs_store_error_clear(cs_store *s, cs_store_side side, const char *object,
                         const char *record_key, int64_t now_ms, cs_err *err)
{
    if (check_store(s, err) || check_enum("error side", (int)side, CS_STORE_SALESFORCE, err) ||
        NAME("error object", object) || NAME("error record key", record_key))
        return -1;
    return s->ops->error_clear(s, side, object, record_key, now_ms, err);
}

int cs_store_error_dismiss(cs_store *s, int64_t id, int64_t now_ms, cs_err *err)
{
    if (check_store(s, err))
        return -1;
    return s->ops->error_dismiss(s, id, now_ms, err);
}

int cs_store_error_list(cs_store *s, const cs_error_query *q, cs_record_error_list *out,
                        cs_err *err)
{
    cs_error_query all = {0};
    if (check_store(s, err))
        return -1;
    return s->ops->error_list(s, q ? q : &all, out, err);
}

int cs_store_error_history(cs_store *s, cs_store_side side, const char *object,
                           const char *record_key, cs_error_event_list *out, cs_err *err)
{
    if (check_store(s, err) || check_enum("error side", (int)side, CS_STORE_SALESFORCE, err) ||
        NAME("error object", object) || NAME("error record key", record_key))
        return -1;
    return s->ops->error_history(s, side, object, record_key, out, err);
}

/* ---- runs, meta, counts ------------------------------------------------- */

int cs_store_run_begin(cs_store *s, int64_t started_ms, int64_t *id, cs_err *err)
{
    if (check_store(s, err))
        return -1;
    return s->ops->run_begin(s, started_ms, id, err);
}

int cs_store_run_finish(cs_store *s, int64_t id, int64_t finished_ms, cs_run_status status,
                        const json_t *counts, const char *message, cs_err *err)
{
    if (check_store(s, err) || check_enum("run status", (int)status, CS_RUN_PAUSED, err) ||
        TEXT("run message", message))
        return -1;
    if (counts != NULL && !json_is_object(counts))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "store: run counts must be a JSON object");
    return s->ops->run_finish(s, id, finished_ms, status, counts, message, err);
}

int cs_store_run_list(cs_store *s, size_t limit, cs_run_list *out, cs_err *err)
{
    if (check_store(s, err))
        return -1;
    return s->ops->run_list(s, limit, out, err);
}

int cs_store_meta_get(cs_store *s, const char *key, char **value, cs_err *err)
{
    if (check_store(s, err) || NAME("meta key", key))
        return -1;
    return s->ops->meta_get(s, key, value, err);
}

int cs_store_meta_set(cs_store *s, const char *key, const char *value, cs_err *err)
{
    if (check_store(s, err) || NAME("meta key", key) ||
        check_str("meta value", value, CS_STORE_TEXT_MAX + 1, false, err))
        return -1;
    if (value == NULL)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "store: meta %s: value missing", key);
    return s->ops->meta_set(s, key, value, err);
}

int cs_store_get_stats(cs_store *s, int64_t now_ms, cs_store_stats *out, cs_err *err)
{
    if (check_store(s, err))
        return -1;
    return s->ops->stats(s, now_ms, out, err);
}
