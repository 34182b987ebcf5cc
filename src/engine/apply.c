/* The apply step of a round: the plan's operations in their order (links,
 * creates, updates, opt-outs, archives, then skips and errors), API writes in
 * batches per target and type (HubSpot <= 100, Salesforce <= 200, the
 * connector's batch size), and one store transaction per batch, committed as
 * soon as the API batch has answered (DESIGN: cursors advance only past what
 * is durable). A refused record becomes an error with its R9 category and the
 * API's message (R4); the rest of its batch lands. The round's last
 * transaction holds its skips, its plan errors, the clearing of retried
 * errors that did not fail again (R8) and, when the round completed, the
 * cursors of the scans it covered. Creates live in apply_create.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/apply_int.h"

static cs_store_side side_of(cs_plan_target t)
{
    return t == CS_PLAN_HUBSPOT ? CS_STORE_HUBSPOT : CS_STORE_SALESFORCE;
}

/* ---- store-only ops: LINK, RELINK, UNLINK, REFRESH ---------------------------- */

static int store_op(sync_pass *p, sync_round *r, const cs_plan_op *op, cs_err *err)
{
    cs_store *st = p->s->opt.store;
    cs_err e2 = {0};
    int rc = 0;
    switch (op->kind) {
    case CS_PLAN_LINK: {
        /* C5: the pair's base snapshot holds the values pending writes replace,
         * so a write that fails is retried by the next pass. */
        if (cs_store_link_add(st, p->pair->link_object, op->hs_id, op->sf_type, op->sf_id, &e2) !=
            0) {
            if (e2.category != CS_ERR_STORE) {
                *err = e2;
                return -1;
            }
            if (cs_map_add(r->results.broken, op->hs_id) < 0 ||
                cs_map_add(r->results.broken, op->sf_id) < 0)
                return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
            return apply_record_error(p, r, op, CS_STORE_SALESFORCE, op->hs_id, CS_CAT_DUPLICATES,
                                      NULL, e2.message, err);
        }
        cs_snapshot snap = {.fields = json_object(),
                            .hs_modified_ms = op->hs_modified_ms,
                            .sf_modified_ms = op->sf_modified_ms};
        rc = snap.fields ? cs_plan_snapshot_merge(snap.fields, op) : -1;
        if (rc != 0) {
            json_decref(snap.fields);
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        }
        rc = cs_store_snapshot_put(st, p->pair->link_object, op->hs_id, &snap, err);
        json_decref(snap.fields);
        rc = rc ? rc : apply_journal(p, op, CS_STORE_OP_LINK, op->hs_id, op->sf_id, err);
        p->rep->linked += rc == 0;
        return rc;
    }
    case CS_PLAN_RELINK:
        /* C14: the converted Lead's link moves to its Contact. */
        if (cs_store_link_relink(st, p->pair->link_object, op->hs_id, op->sf_type, op->sf_id,
                                 &e2) != 0) {
            if (e2.category != CS_ERR_STORE && e2.category != CS_ERR_NOT_FOUND) {
                *err = e2;
                return -1;
            }
            if (cs_map_add(r->results.broken, op->hs_id) < 0)
                return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
            return apply_record_error(p, r, op, CS_STORE_SALESFORCE, op->hs_id, CS_CAT_DUPLICATES,
                                      NULL, e2.message, err);
        }
        rc = apply_journal(p, op, CS_STORE_OP_RELINK, op->hs_id, op->sf_id, err);
        p->rep->relinked += rc == 0;
        return rc;
    case CS_PLAN_UNLINK:
        /* C16: only an explicit delete gets here, never a missing record. */
        if (cs_store_link_remove(st, p->pair->link_object, op->hs_id, err) < 0)
            return -1;
        rc = apply_journal(p, op, CS_STORE_OP_UNLINK, op->hs_id, op->sf_id, err);
        p->rep->unlinked += rc == 0;
        return rc;
    case CS_PLAN_REFRESH:
        rc = apply_snapshot_merge(p, op->hs_id, op, err);
        p->rep->refreshed += rc == 0;
        return rc;
    default:
        return 0;
    }
}

static int store_ops(sync_pass *p, sync_round *r, const cs_plan *plan, cs_err *err)
{
    size_t n = 0, total = cs_plan_count(plan);
    for (size_t i = 0; i < total; i++) {
        cs_plan_kind k = cs_plan_get(plan, i)->kind;
        n +=
            k == CS_PLAN_LINK || k == CS_PLAN_RELINK || k == CS_PLAN_UNLINK || k == CS_PLAN_REFRESH;
    }
    if (n == 0)
        return 0;
    if (apply_begin(p, err) != 0)
        return -1;
    for (size_t i = 0; i < total; i++) {
        if (store_op(p, r, cs_plan_get(plan, i), err) != 0) {
            cs_store_rollback(p->s->opt.store, NULL);
            return -1;
        }
    }
    if (apply_commit(p, err) != 0)
        return -1;
    apply_done(p, n);
    return 0;
}

/* ---- API writes: UPDATE, UNSUBSCRIBE, ARCHIVE ---------------------------------- */

/* The fields an op sends: its own, or for an opt-out the property it sets. */
static json_t *op_fields(const cs_plan_op *op)
{
    if (op->kind == CS_PLAN_UPDATE)
        return json_incref(op->fields);
    json_t *f = json_object();
    for (size_t i = 0; f && op->kind == CS_PLAN_UNSUBSCRIBE && i < op->nchanges; i++)
        json_object_set_new(f, op->changes[i].field, json_string("true")); /* C10 */
    return f;
}

/* One result of an update, opt-out or archive (which sent fields), inside
 * the batch transaction. */
static int settle(sync_pass *p, sync_round *r, const cs_plan_op *op, const char *hs_id,
                  const json_t *fields, const cs_write_result *res, cs_err *err)
{
    cs_store_side side = side_of(op->target);
    cs_sync_side_report *rs = sync_report_side(p->rep, op->target);
    if (res->status == CS_WRITE_REFUSED) {
        bool hub = op->target == CS_PLAN_HUBSPOT;
        if (retry_learn(p, hub, hub ? p->pair->hs_object : op->sf_type, fields, res, err) != 0)
            return -1;
        return apply_record_error(p, r, op, side, hs_id, res->category, res->fields, res->message,
                                  err);
    }
    if (res->status != CS_WRITE_OK)
        return 0; /* not sent: the pass fails and the next one re-reads */
    bool to_hs = op->target == CS_PLAN_HUBSPOT;
    if (detect_window_wrote(p, to_hs ? p->pair->hs_object : op->sf_type, to_hs ? hs_id : op->sf_id,
                            op->kind == CS_PLAN_ARCHIVE, p->now_ms, err) != 0)
        return -1;
    cs_store_op kind = CS_STORE_OP_UPDATE;
    if (op->kind == CS_PLAN_ARCHIVE) {
        kind = CS_STORE_OP_DELETE;
        if (cs_store_link_remove(p->s->opt.store, p->pair->link_object, hs_id, err) < 0)
            return -1;
        rs->archived++;
    } else {
        if (apply_snapshot_merge(p, hs_id, op, err) != 0)
            return -1;
        /* R5: an opt-out is a write to the contact too, so it counts as an
         * update of it (once per contact and round; not for a contact this
         * round created, which counts as created), and as an opt-out. */
        bool hub = op->target == CS_PLAN_HUBSPOT;
        bool new_contact = op->kind == CS_PLAN_UNSUBSCRIBE && op->hs_id == NULL;
        if (op->kind == CS_PLAN_UNSUBSCRIBE)
            rs->unsubscribed++;
        if (!new_contact && !(hub && cs_map_has(r->results.updated, hs_id)))
            rs->updated++;
        if (hub && cs_map_add(r->results.updated, hs_id) < 0)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    if (apply_journal(p, op, kind, hs_id, op->sf_id, err) != 0)
        return -1;
    return apply_clear_error(p, r, op, side, hs_id, err);
}

/* Sends one batch of ops (same kind, target and SF type) and stores the
 * results in one transaction. An op holding a value this side refused
 * earlier in the pass is refused without being sent (sync_retry.c). */
static int write_batch(sync_pass *p, sync_round *r, const cs_plan_op *const *ops, size_t n,
                       cs_err *err)
{
    const cs_plan_op *first = ops[0];
    bool hub = first->target == CS_PLAN_HUBSPOT;
    cs_connector *c = hub ? p->s->opt.hubspot : p->s->opt.salesforce;
    const char *object = hub ? p->pair->hs_object : first->sf_type;
    cs_write_kind kind = first->kind == CS_PLAN_ARCHIVE ? CS_WRITE_DELETE : CS_WRITE_UPDATE;
    cs_write_input *in = calloc(n, sizeof *in);
    cs_write_result *res = calloc(n, sizeof *res);
    cs_write_result *sent = calloc(n, sizeof *sent);
    size_t *at = calloc(n, sizeof *at);
    json_t **fields = calloc(n, sizeof *fields);
    const char **hs_ids = calloc(n, sizeof *hs_ids);
    int rc = (in && res && sent && at && fields && hs_ids)
                 ? 0
                 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t m = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        hs_ids[i] = apply_hs_id(r, ops[i]);
        fields[i] = kind == CS_WRITE_DELETE ? NULL : op_fields(ops[i]);
        if (fields[i] != NULL && retry_known_bad(p, hub, object, fields[i], &res[i])) {
            sync_report_side(p->rep, first->target)->refused_unsent++;
            continue;
        }
        in[m].id = hub ? hs_ids[i] : ops[i]->sf_id;
        in[m].fields = fields[i];
        at[m++] = i;
    }
    int call = 0;
    cs_err call_err = {0};
    /* A company deleted in HubSpot deletes its Account (C16): its Contacts
     * are detached first, or Salesforce's cascade would delete them too. */
    if (rc == 0 && m > 0 && !hub && kind == CS_WRITE_DELETE) {
        call = apply_detach_children(p, in, m, &call_err);
        for (size_t k = 0; call != 0 && k < m; k++)
            sent[k].status = CS_WRITE_NOT_SENT;
    }
    if (rc == 0 && m > 0 && call == 0) {
        call = sync_write(p, c, object, kind, in, m, sent, &call_err);
        for (size_t k = 0; k < m; k++)
            res[at[k]] = sent[k];
    }
    if (rc == 0)
        rc = apply_begin(p, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = settle(p, r, ops[i], hs_ids[i], fields[i], &res[i], err);
    if (rc == 0)
        rc = apply_commit(p, err);
    else if (cs_store_in_transaction(p->s->opt.store))
        cs_store_rollback(p->s->opt.store, NULL);
    for (size_t i = 0; fields && i < n; i++)
        json_decref(fields[i]);
    free(in);
    free(res);
    free(sent);
    free(at);
    free(fields);
    free(hs_ids);
    if (rc != 0)
        return -1;
    apply_done(p, n);
    if (call != 0) {
        *err = call_err;
        return apply_call_failed(p, c, err);
    }
    return 0;
}

static bool same_group(const cs_plan_op *a, const cs_plan_op *b)
{
    if (a->kind != b->kind || a->target != b->target)
        return false;
    if (a->target == CS_PLAN_HUBSPOT)
        return true;
    return a->sf_type && b->sf_type && strcmp(a->sf_type, b->sf_type) == 0;
}

static bool halted(sync_pass *p)
{
    if (p->halt != SYNC_GO)
        return true;
    if (sync_stopped(p)) {
        p->halt = SYNC_HALT_INTERRUPTED;
        return true;
    }
    return false;
}

/* UPDATE, UNSUBSCRIBE and ARCHIVE ops of one group [from, to). */
static int write_group(sync_pass *p, sync_round *r, const cs_plan *plan, size_t from, size_t to,
                       cs_err *err)
{
    const cs_plan_op *first = cs_plan_get(plan, from);
    cs_connector *c = first->target == CS_PLAN_HUBSPOT ? p->s->opt.hubspot : p->s->opt.salesforce;
    size_t max = sync_bulk_batch(p, first, to - from, cs_connector_batch_max(c));
    const cs_plan_op **batch = calloc(max ? max : 1, sizeof *batch);
    if (batch == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t n = 0, skipped = 0;
    int rc = 0;
    for (size_t i = from; rc == 0 && i <= to; i++) {
        if (i < to) {
            const cs_plan_op *op = cs_plan_get(plan, i);
            bool sendable = !apply_is_broken(r, op) && apply_hs_id(r, op) != NULL &&
                            (first->target == CS_PLAN_HUBSPOT || op->sf_id != NULL);
            int waits = sendable ? apply_op_waits(p, r, op, side_of(op->target), err)
                                 : apply_keep_error(p, r, op, side_of(op->target), err);
            if (waits < 0) {
                rc = -1;
                break;
            }
            if (sendable && !waits)
                batch[n++] = op;
            else
                skipped++; /* its pair did not come to be in this round, or it waits (R8) */
            if (n < max)
                continue;
        }
        if (n == 0)
            continue;
        if (halted(p))
            break;
        if (first->target == CS_PLAN_SALESFORCE && !sync_budget_ok(p, false))
            break;
        rc = first->kind == CS_PLAN_ASSOCIATE ? apply_associate(p, r, batch, n, err)
                                              : write_batch(p, r, batch, n, err);
        n = 0;
    }
    free(batch);
    if (skipped)
        apply_done(p, skipped);
    return rc;
}

/* ---- skips, plan errors, retries, cursors ------------------------------------- */

/* R4: what the plan cannot write is an error of the side it was for. */
static cs_store_side plan_error_side(const cs_plan_op *op)
{
    return op->target == CS_PLAN_HUBSPOT ? CS_STORE_HUBSPOT : CS_STORE_SALESFORCE;
}

static int plan_error_op(sync_pass *p, sync_round *r, const cs_plan_op *op, cs_err *err)
{
    /* R8: a record whose error the plan raises again while it is unchanged
     * since that error waits for its retry like any refused record. */
    int waits = apply_op_waits(p, r, op, plan_error_side(op), err);
    if (waits != 0)
        return waits < 0 ? -1 : 0;
    /* A2: a child waiting for its parent is due again on the next pass,
     * which finds the parent linked once it has synced. */
    static const cs_retry_policy parent_wait = {
        .step_ms = 1, .fast_attempts = 10, .nightly_hour_utc = 3, .min_gap_ms = 20 * 60 * 1000};
    if (op->category == CS_CAT_ASSOCIATIONS)
        p->policy = &parent_wait;
    int rc = apply_record_error(p, r, op, plan_error_side(op), op->hs_id, op->category, op->field,
                                op->reason, err);
    p->policy = NULL;
    return rc;
}

/* The records the plan refuses count as failed for the whole round, so a
 * write of another of their fields that lands does not clear the error. */
static int note_plan_errors(const sync_pass *p, sync_round *r, const cs_plan *plan, cs_err *err)
{
    for (size_t i = 0; i < cs_plan_count(plan); i++) {
        const cs_plan_op *op = cs_plan_get(plan, i);
        if (op->kind != CS_PLAN_ERROR)
            continue;
        const char *object, *key;
        apply_error_identity(p->pair, op, plan_error_side(op), op->hs_id, &object, &key);
        char k[3 * CS_STORE_NAME_MAX];
        sync_error_key(k, sizeof k, plan_error_side(op), object, key);
        if (key[0] != '\0' && cs_map_add(r->results.failed, k) < 0)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    return 0;
}

/* R4, R8: a record re-evaluated in this round (due for its retry, or changed
 * since it failed) that neither failed again nor waits is resolved. */
static int clear_retried(sync_pass *p, sync_round *r, cs_err *err)
{
    const char *key;
    for (size_t it = cs_map_next(r->changes.retried, 0, &key, NULL); it;
         it = cs_map_next(r->changes.retried, it, &key, NULL)) {
        if (cs_map_has(r->results.failed, key) || cs_map_has(r->results.held, key))
            continue;
        retry_note_cleared(p, key);
        char side = key[0];
        const char *obj = key + 2;
        const char *bar = strchr(obj, '|');
        if (bar == NULL || (size_t)(bar - obj) >= CS_STORE_NAME_MAX)
            continue;
        char object[CS_STORE_NAME_MAX];
        memcpy(object, obj, (size_t)(bar - obj));
        object[bar - obj] = '\0';
        if (cs_store_error_clear(p->s->opt.store,
                                 side == 'h' ? CS_STORE_HUBSPOT : CS_STORE_SALESFORCE, object,
                                 bar + 1, p->now_ms, err) < 0)
            return -1;
    }
    return 0;
}

static int set_cursors(sync_pass *p, cs_err *err)
{
    for (size_t i = 0; i < p->nscans; i++) {
        if (p->scans[i] == NULL)
            continue;
        const char *cur = cs_change_scan_cursor(p->scans[i]);
        if (cur == NULL || strcmp(cur, p->stored_cursor[i]) == 0)
            continue;
        int64_t ms = 0;
        if (cs_connector_cursor_time(cur, &ms, err) != 0)
            return -1;
        if (cs_store_cursor_set(p->s->opt.store, sync_scan_cursor(p, i), ms < 0 ? 0 : ms, cur,
                                err) != 0)
            return -1;
    }
    return 0;
}

/* After the cursors are durable, remember them as stored. */
static void cursors_stored(sync_pass *p)
{
    for (size_t i = 0; i < p->nscans; i++) {
        const char *cur = p->scans[i] ? cs_change_scan_cursor(p->scans[i]) : NULL;
        if (cur == NULL || strcmp(cur, p->stored_cursor[i]) == 0)
            continue;
        snprintf(p->stored_cursor[i], sizeof p->stored_cursor[i], "%s", cur);
        p->rep->cursors_advanced = true;
    }
}

static int finish_round(sync_pass *p, sync_round *r, const cs_plan *plan, bool advance, cs_err *err)
{
    size_t n = 0;
    if (apply_begin(p, err) != 0)
        return -1;
    int rc = 0;
    bool complete = p->halt == SYNC_GO;
    for (size_t i = 0; rc == 0 && i < cs_plan_count(plan); i++) {
        const cs_plan_op *op = cs_plan_get(plan, i);
        if (op->kind == CS_PLAN_SKIP) {
            sync_report_skip(p->rep, op);
            n++;
        } else if (op->kind == CS_PLAN_ERROR) {
            /* A round the pass left halfway (R6 budget, stop signal) keeps
             * its cursors, so the next pass plans its records again and
             * raises these errors then. Filed now, they would stand for
             * writes never tried (a C17 owner error for a Lead not created)
             * and make those records wait for their retry (R8). */
            if (complete)
                rc = plan_error_op(p, r, op, err);
            n++;
        }
    }
    if (rc == 0 && complete)
        rc = clear_retried(p, r, err);
    if (rc == 0 && complete && advance)
        rc = set_cursors(p, err);
    if (rc == 0 && complete && advance)
        rc = detect_window_commit(p, r, err);
    if (rc != 0) {
        cs_store_rollback(p->s->opt.store, NULL);
        return -1;
    }
    if (apply_commit(p, err) != 0)
        return -1;
    if (complete && advance)
        cursors_stored(p);
    apply_done(p, n);
    return 0;
}

int apply_plan(sync_pass *p, sync_round *r, const cs_plan *plan, bool advance, cs_err *err)
{
    if (note_plan_errors(p, r, plan, err) != 0 || store_ops(p, r, plan, err) != 0)
        return -1;
    size_t total = cs_plan_count(plan);
    size_t i = 0;
    while (i < total && p->halt == SYNC_GO) {
        const cs_plan_op *op = cs_plan_get(plan, i);
        size_t j = i + 1;
        while (j < total && same_group(op, cs_plan_get(plan, j)))
            j++;
        int rc = 0;
        if (op->kind == CS_PLAN_CREATE)
            rc = apply_creates(p, r, plan, i, j, err);
        else if (op->kind == CS_PLAN_UPDATE || op->kind == CS_PLAN_UNSUBSCRIBE ||
                 op->kind == CS_PLAN_ASSOCIATE || op->kind == CS_PLAN_ARCHIVE)
            rc = write_group(p, r, plan, i, j, err);
        if (rc != 0)
            return -1;
        i = j;
    }
    return finish_round(p, r, plan, advance, err);
}
