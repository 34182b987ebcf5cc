/* Idempotent creates (DESIGN, C5): the CREATE ops of one target and type, in
 * batches of the connector's size. Every batch's results are stored in one
 * transaction right after the API answered: a new record is linked to the
 * record it came from with the snapshot the plan settled (so the next pass
 * sees nothing to write back), a refused one becomes an error (R4).
 *
 * A create whose outcome is unknown (the request went out and the API
 * answered 5xx, or the connection ended without an answer) is never sent
 * again blindly, and does not end the pass: its records are looked up by
 * email on the side it targets, in one batched read, and only the ones not
 * found are sent again. HubSpot is read through batch/read with idProperty
 * email, never search: search shows what its index held some seconds ago
 * (R2) and would miss what the lost request made. Salesforce is queried by
 * email, Contacts before Leads (C5). The lookup runs after the request's
 * answer or its connection ended, so a create it does not see never landed
 * (the API applies a request before it answers; a dropped connection takes
 * the request with it). If the lookup itself fails, the pass ends as
 * before: the next pass re-reads the records and finds them by email. A
 * record without an email (a company) has no key to look it up by: its
 * unknown create ends the pass rather than risk a second one.
 *
 * A pair linked after a lookup (or onto an existing HubSpot contact that
 * answered 409) has no trustworthy snapshot: it is linked without one and
 * merged as a first sync in the pass's follow-up round. Such a create is
 * still one crmsync made: it is counted as created (and as reconciled) and
 * journaled as a create whose reason says how it was settled (R5). After a
 * Salesforce create, the HubSpot contact gets the new record's id in
 * salesforceleadid / salesforcecontactid (MAPPINGS), together with the
 * values Salesforce filled in on its own (apply_defaults.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/apply_int.h"

typedef enum cmode {
    C_SEND = 0, /* create it */
    C_LOOKUP,   /* outcome unknown: look it up by email on the target */
    C_UNKNOWN,  /* outcome unknown and no email to look it up by: the pass ends */
    C_DONE
} cmode;

typedef struct cbatch {
    sync_pass *p;
    sync_round *r;
    const cs_plan_op **ops;
    size_t n;
    cmode *mode;
    bool hub; /* target HubSpot */
    /* Salesforce creates: HS contacts that get the new id in their link
     * property (props_in[k].id), with what the write carries (defs[k]);
     * fresh[k]: created now with a snapshot (not reconciled), so the values
     * Salesforce defaulted are folded in. */
    cs_write_input *props_in;
    apply_default *defs;
    bool *fresh;
    size_t nprops;
} cbatch;

/* How a record came to be linked to the op's record. */
typedef enum lhow {
    L_CREATED = 0, /* created by this request: the plan's snapshot holds */
    L_EXISTING,    /* HubSpot answered 409: the contact existed; linked (C5) */
    L_RECONCILED   /* outcome unknown, then found by email */
} lhow;

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

/* Links the new (or found) record of op. Only L_CREATED stores the plan's
 * snapshot; the others are merged as a first sync in the follow-up round.
 * note: how a reconciled create was settled, for its journal rows (R5). */
static int link_created(cbatch *b, size_t i, const char *new_id, lhow how, const char *note,
                        cs_err *err)
{
    sync_pass *p = b->p;
    const cs_plan_op *op = b->ops[i];
    const char *hs_id = b->hub ? new_id : op->hs_id;
    const char *sf_id = b->hub ? op->sf_id : new_id;
    cs_store_side side = b->hub ? CS_STORE_HUBSPOT : CS_STORE_SALESFORCE;
    cs_err e2 = {0};
    if (cs_store_link_add(p->s->opt.store, p->pair->link_object, hs_id, op->sf_type, sf_id, &e2) !=
        0) {
        if (e2.category != CS_ERR_STORE) {
            *err = e2;
            return -1;
        }
        /* C5: the record found is already linked to another one. */
        return apply_record_error(p, b->r, op, side, op->hs_id, CS_CAT_DUPLICATES, NULL, e2.message,
                                  err);
    }
    json_t *stored = NULL; /* the snapshot stored, for the defaults (apply_defaults.c) */
    if (how == L_CREATED) {
        cs_snapshot snap = {.fields = json_object(),
                            .hs_modified_ms = op->hs_modified_ms,
                            .sf_modified_ms = op->sf_modified_ms};
        if (snap.fields == NULL || cs_plan_snapshot_merge(snap.fields, op) != 0) {
            json_decref(snap.fields);
            return oom(err);
        }
        int rc = cs_store_snapshot_put(p->s->opt.store, p->pair->link_object, hs_id, &snap, err);
        if (rc != 0) {
            json_decref(snap.fields);
            return -1;
        }
        stored = snap.fields;
    } else {
        if (sync_followup_add(p, hs_id, op->sf_type, sf_id) != 0)
            return oom(err);
    }
    if (apply_journal_note(p, op, how == L_EXISTING ? CS_STORE_OP_LINK : CS_STORE_OP_CREATE, hs_id,
                           sf_id, how == L_RECONCILED ? note : NULL, err) != 0 ||
        apply_clear_error(p, b->r, op, side, op->hs_id, err) != 0) {
        json_decref(stored);
        return -1;
    }
    if (b->hub) {
        json_decref(stored);
        if (sync_map_put_str(b->r->results.created, op->sf_id, hs_id) != 0)
            return oom(err);
    } else if (op->link_property != NULL) {
        json_t *f = json_pack("{ss}", op->link_property, sf_id);
        if (f == NULL) {
            json_decref(stored);
            return oom(err);
        }
        apply_default *d = &b->defs[b->nprops];
        memset(d, 0, sizeof *d);
        d->op = op;
        d->sf_id = json_string_value(json_object_get(f, op->link_property));
        d->fields = f;
        d->stored = stored;
        b->fresh[b->nprops] = how == L_CREATED;
        b->props_in[b->nprops].id = op->hs_id;
        b->props_in[b->nprops].fields = f;
        b->nprops++;
    } else {
        json_decref(stored);
    }
    return 0;
}

/* One write result of a create, inside the batch transaction. */
static int settle(cbatch *b, size_t i, const cs_write_result *res, cs_err *err)
{
    sync_pass *p = b->p;
    const cs_plan_op *op = b->ops[i];
    cs_sync_side_report *rs = sync_report_side(p->rep, op->target);
    cs_store_side side = b->hub ? CS_STORE_HUBSPOT : CS_STORE_SALESFORCE;
    switch (res->status) {
    case CS_WRITE_OK:
        b->mode[i] = C_DONE;
        if (res->existing) {
            p->rep->linked++; /* C5: HubSpot already had a contact with this email */
            return link_created(b, i, res->id, L_EXISTING, NULL, err);
        }
        rs->created++;
        return link_created(b, i, res->id, L_CREATED, NULL, err);
    case CS_WRITE_REFUSED:
        b->mode[i] = C_DONE;
        if (retry_learn(p, b->hub, b->hub ? p->pair->hs_object : op->sf_type, op->fields, res,
                        err) != 0)
            return -1;
        return apply_record_error(p, b->r, op, side, op->hs_id, res->category, res->fields,
                                  res->message, err);
    case CS_WRITE_UNKNOWN:
        b->mode[i] = op->email != NULL && op->email[0] != '\0' ? C_LOOKUP : C_UNKNOWN;
        return 0;
    case CS_WRITE_NOT_SENT:
    default:
        return 0; /* sent again in the next attempt */
    }
}

/* Whether a failed create call leaves its records to a lookup by email
 * rather than ending the pass: the request went out and the API failed
 * (5xx) or the connection ended without an answer. Other failures (auth,
 * rate limits, a local error) say nothing was applied, or end the pass. */
static bool lookup_settles(const cs_write_result *res, size_t m, const cs_err *call_err)
{
    if (call_err->category != CS_ERR_NETWORK && call_err->category != CS_ERR_REMOTE_FAILED)
        return false;
    for (size_t k = 0; k < m; k++)
        if (res[k].status == CS_WRITE_UNKNOWN)
            return true;
    return false;
}

/* Sends the ops in C_SEND and stores the results. */
static int send(cbatch *b, cs_err *err)
{
    sync_pass *p = b->p;
    cs_connector *c = b->hub ? p->s->opt.hubspot : p->s->opt.salesforce;
    size_t *idx = calloc(b->n, sizeof *idx);
    cs_write_input *in = calloc(b->n, sizeof *in);
    cs_write_result *res = calloc(b->n, sizeof *res);
    int rc = (idx && in && res) ? 0 : oom(err);
    size_t m = 0;
    for (size_t i = 0; rc == 0 && i < b->n; i++) {
        if (b->mode[i] != C_SEND)
            continue;
        idx[m] = i;
        in[m].fields = b->ops[i]->fields;
        m++;
    }
    if (rc != 0 || m == 0) {
        free(idx);
        free(in);
        free(res);
        return rc;
    }
    cs_err call_err = {0};
    int call = sync_write(p, c, b->hub ? p->pair->hs_object : b->ops[0]->sf_type, CS_WRITE_CREATE,
                          in, m, res, &call_err);
    rc = apply_begin(p, err);
    for (size_t k = 0; rc == 0 && k < m; k++)
        rc = settle(b, idx[k], &res[k], err);
    if (rc == 0)
        rc = apply_commit(p, err);
    else
        cs_store_rollback(p->s->opt.store, NULL);
    bool settles = call != 0 && lookup_settles(res, m, &call_err);
    free(idx);
    free(in);
    free(res);
    if (rc != 0 || call == 0)
        return rc;
    if (settles)
        return 0; /* C5: the next attempt's lookup tells what the request made */
    *err = call_err;
    return apply_call_failed(p, c, err);
}

/* The email of a record found by a lookup, as a dedup key (C5). */
static bool found_key(const cbatch *b, const cs_record *r, char *key, size_t size)
{
    const sync_pass *p = b->p;
    const char *field = b->hub ? p->pair->hs_email : p->pair->sf_email;
    if (field == NULL)
        field = b->hub ? "email" : "Email";
    return cs_email_key(cs_record_get(r, field), key, size);
}

/* The creates with an unknown outcome, looked up by email on the side they
 * target in one batched read (HubSpot batch/read by email; Salesforce by
 * email, Contacts first, then the newest Lead, C5). Found: the lost request
 * made it, linked as a reconciled create. Not found: sent again. */
static int lookup(cbatch *b, cs_err *err)
{
    sync_pass *p = b->p;
    cs_connector *c = b->hub ? p->s->opt.hubspot : p->s->opt.salesforce;
    const char **emails = calloc(b->n, sizeof *emails);
    if (emails == NULL)
        return oom(err);
    size_t m = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->mode[i] == C_LOOKUP)
            emails[m++] = b->ops[i]->email;
    if (m == 0) {
        free(emails);
        return 0;
    }
    cs_record_list got;
    cs_record_list_init(&got);
    int rc =
        cs_connector_find_by_email(c, b->hub ? p->pair->hs_object : NULL, emails, m, &got, err);
    free(emails);
    if (rc != 0) {
        cs_record_list_dispose(&got);
        /* The safe way out: the pass ends; the next one finds them by email. */
        return apply_call_failed(p, c, err);
    }
    rc = apply_begin(p, err);
    for (size_t i = 0; rc == 0 && i < b->n; i++) {
        if (b->mode[i] != C_LOOKUP)
            continue;
        const cs_record *hit = NULL;
        for (size_t k = 0; k < got.len && hit == NULL; k++) {
            char key[CS_PLAN_EMAIL_MAX];
            if (found_key(b, &got.items[k], key, sizeof key) && strcmp(key, b->ops[i]->email) == 0)
                hit = &got.items[k]; /* C5 order: the first match wins */
        }
        if (hit == NULL) {
            b->mode[i] = C_SEND; /* the lost request never landed */
            continue;
        }
        b->mode[i] = C_DONE;
        p->rep->reconciled++;
        sync_report_side(p->rep, b->ops[i]->target)->created++; /* R5: the lost request's */
        rc = link_created(b, i, hit->id, L_RECONCILED,
                          "reconciled: the request's outcome was unknown; it had created the "
                          "record, found by email",
                          err);
    }
    if (rc == 0)
        rc = apply_commit(p, err);
    else
        cs_store_rollback(p->s->opt.store, NULL);
    cs_record_list_dispose(&got);
    return rc;
}

/* Salesforce: the values the records created in this attempt got by default
 * (apply_defaults.c), one read per batch. -1 when the read failed (err): the
 * link properties are still written, without defaults. */
static int read_defaults(cbatch *b, cs_err *err)
{
    size_t n = 0;
    for (size_t k = 0; k < b->nprops; k++)
        n += b->fresh[k];
    if (n == 0)
        return 0;
    apply_default *d = calloc(n, sizeof *d);
    if (d == NULL)
        return oom(err);
    size_t m = 0;
    for (size_t k = 0; k < b->nprops; k++)
        if (b->fresh[k])
            d[m++] = b->defs[k];
    int rc = apply_defaults_read(b->p, b->ops[0]->sf_type, d, m, err);
    m = 0;
    for (size_t k = 0; k < b->nprops; k++) {
        if (!b->fresh[k])
            continue;
        b->defs[k] = d[m++]; /* what was folded, also when the read stopped midway */
        b->fresh[k] = false;
    }
    free(d);
    return rc;
}

/* The journal row of a link property written (MAPPINGS). */
static int journal_link(sync_pass *p, const apply_default *d, const char *hs_id, cs_err *err)
{
    const char *prop = d->op->link_property;
    cs_journal_entry e = {.run_id = p->rep->run_id,
                          .dir = CS_STORE_SF_TO_HS,
                          .op = CS_STORE_OP_UPDATE,
                          .object = p->pair->link_object,
                          .hs_id = hs_id,
                          .sf_id = d->sf_id,
                          .field = prop,
                          .new_value = d->sf_id,
                          .reason = "link: the new Salesforce record"};
    return cs_store_journal_add(p->s->opt.store, &e, err);
}

/* The link properties of the contacts whose write (with defaults) HubSpot
 * refused, sent again alone: a default HubSpot does not take must not cost
 * the link; the next pass's merge meets that value as an ordinary change. */
static int resend_links(cbatch *b, const size_t *idx, size_t n, cs_err *err)
{
    sync_pass *p = b->p;
    cs_write_input *in = calloc(n, sizeof *in);
    cs_write_result *res = calloc(n, sizeof *res);
    json_t **f = calloc(n, sizeof *f);
    int rc = (in && res && f) ? 0 : oom(err);
    for (size_t k = 0; rc == 0 && k < n; k++) {
        const apply_default *d = &b->defs[idx[k]];
        f[k] = json_pack("{ss}", d->op->link_property, d->sf_id);
        in[k].id = b->props_in[idx[k]].id;
        in[k].fields = f[k];
        rc = f[k] ? 0 : oom(err);
    }
    cs_err call_err = {0};
    int call = rc == 0 ? cs_connector_write(p->s->opt.hubspot, p->pair->hs_object, CS_WRITE_UPDATE,
                                            in, n, res, &call_err)
                       : 0;
    if (rc == 0)
        rc = apply_begin(p, err);
    for (size_t k = 0; rc == 0 && k < n; k++)
        if (res[k].status == CS_WRITE_OK)
            rc = journal_link(p, &b->defs[idx[k]], in[k].id, err);
    if (rc == 0)
        rc = apply_commit(p, err);
    else if (cs_store_in_transaction(p->s->opt.store))
        cs_store_rollback(p->s->opt.store, NULL);
    for (size_t k = 0; f && k < n; k++)
        json_decref(f[k]);
    free(in);
    free(res);
    free(f);
    if (rc != 0 || call == 0)
        return rc;
    *err = call_err;
    return apply_call_failed(p, p->s->opt.hubspot, err);
}

static void drop_props(cbatch *b)
{
    for (size_t k = 0; k < b->nprops; k++) {
        json_decref(b->defs[k].fields);
        apply_default_dispose(&b->defs[k]);
    }
    b->nprops = 0;
}

/* After Salesforce creates: the HS contacts' link properties (MAPPINGS) and
 * what Salesforce defaulted, in one HubSpot write. */
static int write_link_props(cbatch *b, cs_err *err)
{
    if (b->nprops == 0)
        return 0;
    sync_pass *p = b->p;
    cs_write_result *res = calloc(b->nprops, sizeof *res);
    size_t *again = calloc(b->nprops, sizeof *again);
    if (res == NULL || again == NULL) {
        free(res);
        free(again);
        return oom(err);
    }
    size_t nagain = 0;
    cs_err call_err = {0};
    int call = cs_connector_write(p->s->opt.hubspot, p->pair->hs_object, CS_WRITE_UPDATE,
                                  b->props_in, b->nprops, res, &call_err);
    int rc = apply_begin(p, err);
    for (size_t k = 0; rc == 0 && k < b->nprops; k++) {
        const char *hs_id = b->props_in[k].id;
        if (res[k].status == CS_WRITE_REFUSED && b->defs[k].journal != NULL)
            again[nagain++] = k;
        if (res[k].status != CS_WRITE_OK)
            continue; /* the pair's next merge writes it again */
        rc = journal_link(p, &b->defs[k], hs_id, err);
        if (rc == 0)
            rc = apply_defaults_landed(p, &b->defs[k], hs_id, err);
    }
    if (rc == 0)
        rc = apply_commit(p, err);
    else
        cs_store_rollback(p->s->opt.store, NULL);
    free(res);
    if (rc == 0 && call == 0 && nagain > 0)
        rc = resend_links(b, again, nagain, err);
    free(again);
    drop_props(b);
    if (rc != 0 || call == 0)
        return rc;
    *err = call_err;
    return apply_call_failed(p, p->s->opt.hubspot, err);
}

static size_t pending(const cbatch *b, cmode mode)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        n += mode == C_DONE ? b->mode[i] != C_DONE : b->mode[i] == mode;
    return n;
}

/* Creates holding a value this side refused earlier in the pass are refused
 * without being sent (sync_retry.c), in one transaction. */
static int refuse_known_bad(cbatch *b, cs_err *err)
{
    sync_pass *p = b->p;
    int rc = 0;
    bool open = false;
    for (size_t i = 0; rc == 0 && i < b->n; i++) {
        cs_write_result res;
        const cs_plan_op *op = b->ops[i];
        if (!retry_known_bad(p, b->hub, b->hub ? p->pair->hs_object : op->sf_type, op->fields,
                             &res))
            continue;
        if (!open) {
            rc = apply_begin(p, err);
            open = rc == 0;
        }
        sync_report_side(p->rep, op->target)->refused_unsent++;
        rc = rc ? rc : settle(b, i, &res, err);
    }
    if (open && rc == 0)
        return apply_commit(p, err);
    if (open)
        cs_store_rollback(p->s->opt.store, NULL);
    return rc;
}

static int create_batch(sync_pass *p, sync_round *r, const cs_plan_op **ops, size_t n, cs_err *err)
{
    cbatch b = {.p = p, .r = r, .ops = ops, .n = n, .hub = ops[0]->target == CS_PLAN_HUBSPOT};
    b.mode = calloc(n, sizeof *b.mode);
    b.props_in = calloc(n, sizeof *b.props_in);
    b.defs = calloc(n, sizeof *b.defs);
    b.fresh = calloc(n, sizeof *b.fresh);
    int rc = (b.mode && b.props_in && b.defs && b.fresh) ? 0 : oom(err);
    if (rc == 0)
        rc = refuse_known_bad(&b, err);
    /* Each attempt settles the unknown outcomes of the one before, then
     * sends what is known not to exist. */
    for (int attempt = 0; rc == 0 && attempt < SYNC_CREATE_ATTEMPTS && pending(&b, C_DONE) > 0 &&
                          pending(&b, C_UNKNOWN) == 0;
         attempt++) {
        if (p->halt != SYNC_GO)
            break;
        rc = lookup(&b, err);
        if (rc == 0 && p->halt == SYNC_GO)
            rc = send(&b, err);
        cs_err read_err = {0};
        int read = 0;
        if (rc == 0 && p->halt == SYNC_GO && !b.hub)
            read = read_defaults(&b, &read_err);
        if (rc == 0 && p->halt == SYNC_GO)
            rc = write_link_props(&b, err);
        if (rc == 0 && read != 0) {
            *err = read_err;
            rc = read_err.category == CS_ERR_INTERNAL
                     ? -1
                     : apply_call_failed(p, p->s->opt.salesforce, err);
        }
    }
    if (rc == 0 && p->halt == SYNC_GO && pending(&b, C_UNKNOWN) > 0)
        rc = cs_err_set(err, CS_ERR_NETWORK,
                        "%zu %s creates have an unknown outcome and no email to look them up by "
                        "(C5); the pass ends rather than risk creating them twice",
                        pending(&b, C_UNKNOWN), b.hub ? "HubSpot" : "Salesforce");
    else if (rc == 0 && p->halt == SYNC_GO && pending(&b, C_DONE) > 0)
        rc =
            cs_err_set(err, CS_ERR_NETWORK,
                       "%zu %s creates could not be settled after %d attempts; the next pass "
                       "re-reads them and finds them by email",
                       pending(&b, C_DONE), b.hub ? "HubSpot" : "Salesforce", SYNC_CREATE_ATTEMPTS);
    if (b.defs)
        drop_props(&b);
    free(b.mode);
    free(b.props_in);
    free(b.defs);
    free(b.fresh);
    if (rc == 0)
        apply_done(p, n);
    return rc;
}

int apply_creates(sync_pass *p, sync_round *r, const cs_plan *plan, size_t from, size_t to,
                  cs_err *err)
{
    const cs_plan_op *first = cs_plan_get(plan, from);
    bool hub = first->target == CS_PLAN_HUBSPOT;
    cs_connector *c = hub ? p->s->opt.hubspot : p->s->opt.salesforce;
    size_t max = sync_bulk_batch(p, first, to - from, cs_connector_batch_max(c));
    const cs_plan_op **batch = calloc(max ? max : 1, sizeof *batch);
    if (batch == NULL)
        return oom(err);
    size_t n = 0, waiting = 0;
    int rc = 0;
    for (size_t i = from; rc == 0 && i <= to; i++) {
        if (i < to) {
            const cs_plan_op *op = cs_plan_get(plan, i);
            /* R8: a record refused before and unchanged since waits. */
            int waits = apply_op_waits(p, r, op, hub ? CS_STORE_HUBSPOT : CS_STORE_SALESFORCE, err);
            if (waits < 0) {
                rc = -1;
                break;
            }
            waiting += waits == 1;
            if (waits == 0)
                batch[n++] = op;
            if (n < max)
                continue;
        }
        if (n == 0)
            continue;
        if (p->halt != SYNC_GO)
            break;
        if (sync_stopped(p)) {
            p->halt = SYNC_HALT_INTERRUPTED;
            break;
        }
        if (!hub && !sync_budget_ok(p, false))
            break;
        rc = create_batch(p, r, batch, n, err);
        n = 0;
    }
    free(batch);
    if (waiting)
        apply_done(p, waiting);
    return rc;
}
