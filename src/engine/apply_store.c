/* What apply writes to the store around the API calls of a batch: journal rows
 * (R5), merged snapshots (echo suppression), record errors with their R9
 * category, the API's message, the record's email and ids on both sides and
 * the retry schedule (R4, R8, R9), the clearing of an error once its record
 * synced, and whether an op waits for its record's retry (R8, sync_retry.c). Also the batch
 * transaction itself and the reaction to a write call that failed as a whole (R6: API limits pause
 * the pass; anything else fails it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/apply_int.h"

void apply_error_identity(const cs_pair *pair, const cs_plan_op *op, cs_store_side side,
                          const char *hs_id, const char **object, const char **record_key)
{
    /* Writes to Salesforce carry an HS contact's data, writes to HubSpot an
     * SF record's: the error is filed under that source record, so a change
     * of it (or its due retry) brings it back. */
    bool from_hs = side == CS_STORE_SALESFORCE ? hs_id != NULL : op->sf_id == NULL;
    if (from_hs && hs_id != NULL) {
        *object = pair->hs_object;
        *record_key = hs_id;
    } else if (op->sf_id != NULL) {
        *object = op->sf_type ? op->sf_type : pair->sf[pair->create_default].name;
        *record_key = op->sf_id;
    } else {
        *object = pair->hs_object;
        *record_key = hs_id ? hs_id : "";
    }
}

/* The email of a record the round read (raw, as the API holds it), or NULL. */
static const char *round_email(const sync_round *r, const char *id)
{
    const sync_rec *rec = id ? cs_map_get(r->input.recs, id) : NULL;
    return rec && rec->email[0] ? rec->email : NULL;
}

int apply_record_error(sync_pass *p, sync_round *r, const cs_plan_op *op, cs_store_side side,
                       const char *hs_id, cs_category cat, const char *field, const char *message,
                       cs_err *err)
{
    const char *object, *key;
    apply_error_identity(p->pair, op, side, hs_id, &object, &key);
    if (key[0] == '\0')
        return 0;
    /* R4: the row names the record on both sides, like `crmsync errors`
     * shows it: the plan's email, else the one read with the record or its
     * counterpart; the other side's id from the round's links or the store
     * (a record created in this round is linked by now). */
    const char *sf_id = op->sf_id;
    if (hs_id == NULL && sf_id != NULL)
        hs_id = cs_map_get(r->input.link_sf, sf_id);
    cs_link link;
    if (sf_id == NULL && hs_id != NULL) {
        sf_id = cs_map_get(r->input.link_hs, hs_id);
        int found =
            sf_id ? 1
                  : cs_store_link_by_hs(p->s->opt.store, p->pair->link_object, hs_id, &link, err);
        if (found < 0)
            return -1;
        if (sf_id == NULL && found == 1)
            sf_id = link.sf_id;
    }
    const char *email = op->email;
    if (email == NULL)
        email = round_email(r, key);
    if (email == NULL)
        email = round_email(r, hs_id);
    if (email == NULL)
        email = round_email(r, sf_id);
    cs_record_error e = {.side = side,
                         .object = object,
                         .record_key = key,
                         .category = cat,
                         .field = field && field[0] ? field : NULL,
                         .message = message && message[0] ? message : "refused",
                         .email = email,
                         .hs_id = hs_id,
                         .sf_id = sf_id};
    if (cs_store_error_record(p->s->opt.store, &e, p->now_ms,
                              p->policy ? p->policy : p->s->opt.retry_policy, err) != 0)
        return -1;
    char k[3 * CS_STORE_NAME_MAX];
    sync_error_key(k, sizeof k, side, object, key);
    if (cs_map_add(r->results.failed, k) < 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    if (retry_note_failure(p, k, err) != 0)
        return -1;
    cs_sync_side_report *rs = side == CS_STORE_HUBSPOT ? &p->rep->hubspot : &p->rep->salesforce;
    if ((unsigned)cat < CS_CAT_COUNT)
        rs->errors[cat]++;
    return 0;
}

int apply_clear_error(sync_pass *p, sync_round *r, const cs_plan_op *op, cs_store_side side,
                      const char *hs_id, cs_err *err)
{
    const char *object, *key;
    apply_error_identity(p->pair, op, side, hs_id, &object, &key);
    if (key[0] == '\0')
        return 0;
    char k[3 * CS_STORE_NAME_MAX];
    sync_error_key(k, sizeof k, side, object, key);
    if (cs_map_has(r->results.failed, k))
        return 0; /* another write of the record failed, or the plan refuses it */
    retry_note_cleared(p, k);
    return cs_store_error_clear(p->s->opt.store, side, object, key, p->now_ms, err) < 0 ? -1 : 0;
}

int apply_keep_error(const sync_pass *p, sync_round *r, const cs_plan_op *op, cs_store_side side,
                     cs_err *err)
{
    const char *object, *key;
    apply_error_identity(p->pair, op, side, apply_hs_id(r, op), &object, &key);
    char k[3 * CS_STORE_NAME_MAX];
    sync_error_key(k, sizeof k, side, object, key);
    if (key[0] != '\0' && cs_map_add(r->results.held, k) < 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    return 0;
}

int apply_op_waits(sync_pass *p, sync_round *r, const cs_plan_op *op, cs_store_side side,
                   cs_err *err)
{
    const char *object, *key;
    const char *hs_id = apply_hs_id(r, op);
    apply_error_identity(p->pair, op, side, hs_id, &object, &key);
    const sync_rec *rec = cs_map_get(r->input.recs, key);
    if (key[0] == '\0' || rec == NULL)
        return 0; /* not a record this round read: nothing to compare */
    bool waits = false;
    if (retry_waits(p, side, object, key, rec->modified_ms, &waits, err) != 0)
        return -1;
    if (!waits)
        return 0;
    char k[3 * CS_STORE_NAME_MAX];
    sync_error_key(k, sizeof k, side, object, key);
    if (cs_map_has(r->results.held, k))
        return 1;
    if (cs_map_add(r->results.held, k) < 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    cs_sync_side_report *rs = side == CS_STORE_HUBSPOT ? &p->rep->hubspot : &p->rep->salesforce;
    rs->waiting++;
    return 1;
}

int apply_journal(sync_pass *p, const cs_plan_op *op, cs_store_op store_op, const char *hs_id,
                  const char *sf_id, cs_err *err)
{
    return apply_journal_note(p, op, store_op, hs_id, sf_id, NULL, err);
}

/* reason, or reason + note in buf when there is a note that fits. */
static const char *noted(char *buf, size_t size, const char *reason, const char *note)
{
    if (note == NULL)
        return reason;
    int n = snprintf(buf, size, "%s; %s", reason, note);
    return n > 0 && (size_t)n < size ? buf : reason;
}

int apply_journal_note(sync_pass *p, const cs_plan_op *op, cs_store_op store_op, const char *hs_id,
                       const char *sf_id, const char *note, cs_err *err)
{
    char buf[1024];
    const char *base =
        op->reason ? op->reason : (op->nchanges ? "sync" : cs_plan_kind_name(op->kind));
    cs_journal_entry e = {.run_id = p->rep->run_id,
                          .dir =
                              op->target == CS_PLAN_HUBSPOT ? CS_STORE_SF_TO_HS : CS_STORE_HS_TO_SF,
                          .op = store_op,
                          .object = p->pair->link_object,
                          .hs_id = hs_id,
                          .sf_id = sf_id,
                          .reason = noted(buf, sizeof buf, base, note)};
    if (op->nchanges == 0)
        return cs_store_journal_add(p->s->opt.store, &e, err);
    /* R5: the record's fields in one row (one per record write, not per
     * field); a note is added to every field's own reason. */
    cs_journal_change *ch = calloc(op->nchanges, sizeof *ch);
    char **own = note ? calloc(op->nchanges, sizeof *own) : NULL;
    if (ch == NULL || (note != NULL && own == NULL)) {
        free(ch);
        free(own);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    for (size_t i = 0; i < op->nchanges; i++) {
        const cs_plan_change *c = &op->changes[i];
        ch[i] = (cs_journal_change){.field = c->field,
                                    .old_value = c->old_value,
                                    .new_value = c->new_value,
                                    .reason = c->reason};
        if (c->reason != NULL && note != NULL) {
            char one[1024];
            const char *r = noted(one, sizeof one, c->reason, note);
            own[i] = strdup(r);
            ch[i].reason = own[i] ? own[i] : c->reason;
        }
    }
    e.changes = ch;
    e.nchanges = op->nchanges;
    int rc = cs_store_journal_add(p->s->opt.store, &e, err);
    for (size_t i = 0; own != NULL && i < op->nchanges; i++)
        free(own[i]);
    free(own);
    free(ch);
    return rc;
}

int apply_snapshot_merge(sync_pass *p, const char *hs_id, const cs_plan_op *op, cs_err *err)
{
    if (op->snapshot == NULL || hs_id == NULL)
        return 0;
    cs_snapshot snap;
    memset(&snap, 0, sizeof snap);
    int found = cs_store_snapshot_get(p->s->opt.store, p->pair->link_object, hs_id, &snap, err);
    if (found < 0)
        return -1;
    if (found == 0) {
        /* The link has no snapshot (or is gone): only a linked pair keeps one. */
        cs_link l;
        int linked = cs_store_link_by_hs(p->s->opt.store, p->pair->link_object, hs_id, &l, err);
        if (linked != 1)
            return linked < 0 ? -1 : 0;
        snap.fields = json_object();
        if (snap.fields == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    int rc = cs_plan_snapshot_merge(snap.fields, op) == 0
                 ? 0
                 : cs_err_set(err, CS_ERR_INTERNAL, "snapshot merge of %s", hs_id);
    if (op->hs_modified_ms > 0)
        snap.hs_modified_ms = op->hs_modified_ms;
    if (op->sf_modified_ms > 0)
        snap.sf_modified_ms = op->sf_modified_ms;
    if (rc == 0)
        rc = cs_store_snapshot_put(p->s->opt.store, p->pair->link_object, hs_id, &snap, err);
    cs_snapshot_dispose(&snap);
    return rc;
}

int apply_begin(sync_pass *p, cs_err *err)
{
    return cs_store_begin(p->s->opt.store, err);
}

int apply_commit(sync_pass *p, cs_err *err)
{
    /* On failure the store has rolled the batch back: nothing of it, and
     * no cursor, is durable. */
    return cs_store_commit(p->s->opt.store, err);
}

int apply_call_failed(sync_pass *p, cs_connector *c, cs_err *err)
{
    if (err != NULL && err->category == CS_ERR_RATE_LIMIT) {
        if (p->halt == SYNC_HALT_PAUSED)
            return 0; /* the budget check said why already */
        p->halt = SYNC_HALT_PAUSED;
        snprintf(p->rep->message, sizeof p->rep->message,
                 "paused (R6): %s API limit reached: %.900s", cs_connector_name(c), err->message);
        return 0;
    }
    return -1;
}

void apply_done(sync_pass *p, size_t n)
{
    p->ops_applied += n;
    sync_progress(p, CS_SYNC_PHASE_APPLY);
}

const char *apply_hs_id(const sync_round *r, const cs_plan_op *op)
{
    if (op->hs_id != NULL)
        return op->hs_id;
    if (op->sf_id == NULL)
        return NULL;
    return cs_map_get(r->results.created, op->sf_id);
}

bool apply_is_broken(const sync_round *r, const cs_plan_op *op)
{
    return cs_map_has(r->results.broken, op->hs_id) || cs_map_has(r->results.broken, op->sf_id);
}
