/* A2's writes to HubSpot: a child record's primary association with its
 * parent (CS_PLAN_ASSOCIATE), or the removal of its association with a
 * former parent (an op whose parent is null, plan_unassociate), sent in
 * batches through the connector's association call with the pair's
 * association type — adds and removals in separate calls — and stored like any
 * write — one transaction per batch holding the merged snapshots, the journal
 * rows (R5) and the errors (R4, R9: a refused association is an
 * Associations error of its record). */
#include <stdlib.h>
#include <string.h>

#include "engine/apply_int.h"

/* The parent id an ASSOCIATE op names (its one field), or for a removal
 * (a null field) the former parent its journal entry names; *remove says
 * which. */
static const char *parent_of(const cs_plan_op *op, bool *remove)
{
    const char *key;
    json_t *v;
    *remove = false;
    json_object_foreach(op->fields, key, v)
    {
        if (json_is_null(v) && op->nchanges > 0) {
            *remove = true;
            return op->changes[0].old_value;
        }
        return json_string_value(v);
    }
    return NULL;
}

static int settle(sync_pass *p, sync_round *r, const cs_plan_op *op, const char *hs_id,
                  const cs_write_result *res, cs_err *err)
{
    if (res->status == CS_WRITE_REFUSED)
        return apply_record_error(p, r, op, CS_STORE_HUBSPOT, hs_id, CS_CAT_ASSOCIATIONS, NULL,
                                  res->message, err);
    if (res->status != CS_WRITE_OK)
        return 0; /* not sent: the pass fails and the next one re-reads */
    if (apply_snapshot_merge(p, hs_id, op, err) != 0)
        return -1;
    if (!cs_map_has(r->results.updated, hs_id)) {
        p->rep->hubspot.updated++;
        if (cs_map_add(r->results.updated, hs_id) < 0)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    if (apply_journal(p, op, CS_STORE_OP_UPDATE, hs_id, op->sf_id, err) != 0)
        return -1;
    return apply_clear_error(p, r, op, CS_STORE_HUBSPOT, hs_id, err);
}

static int send(sync_pass *p, sync_round *r, const cs_plan_op *const *ops, size_t n, cs_err *err);

int apply_associate(sync_pass *p, sync_round *r, const cs_plan_op *const *ops, size_t n,
                    cs_err *err)
{
    /* Adds first, then removals: each connector call takes one kind. */
    const cs_plan_op **sorted = calloc(n ? n : 1, sizeof *sorted);
    if (sorted == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t nadd = 0, k = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            bool remove;
            (void)parent_of(ops[i], &remove);
            if (remove == (pass == 1))
                sorted[k++] = ops[i];
        }
        if (pass == 0)
            nadd = k;
    }
    int rc = 0;
    if (nadd > 0)
        rc = send(p, r, sorted, nadd, err);
    if (rc == 0 && n > nadd)
        rc = send(p, r, sorted + nadd, n - nadd, err);
    free(sorted);
    return rc;
}

static int send(sync_pass *p, sync_round *r, const cs_plan_op *const *ops, size_t n, cs_err *err)
{
    const cs_pair *pair = p->pair;
    if (pair->parent_hs_object == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "sync: an association for a pair without parent");
    cs_assoc_input *in = calloc(n, sizeof *in);
    cs_write_result *res = calloc(n, sizeof *res);
    const char **hs_ids = calloc(n, sizeof *hs_ids);
    int rc = (in && res && hs_ids) ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        hs_ids[i] = apply_hs_id(r, ops[i]);
        bool remove;
        in[i] = (cs_assoc_input){.from_id = hs_ids[i],
                                 .to_id = parent_of(ops[i], &remove),
                                 .type_id = pair->parent_assoc_type};
        in[i].remove = remove;
        if (in[i].to_id == NULL)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "sync: an association without its parent");
    }
    int call = 0;
    cs_err call_err = {0};
    if (rc == 0)
        call = cs_connector_assoc_write(p->s->opt.hubspot, pair->hs_object, pair->parent_hs_object,
                                        in, n, res, &call_err);
    if (rc == 0)
        rc = apply_begin(p, err);
    for (size_t i = 0; rc == 0 && call == 0 && i < n; i++)
        rc = settle(p, r, ops[i], hs_ids[i], &res[i], err);
    if (rc == 0)
        rc = apply_commit(p, err);
    else if (cs_store_in_transaction(p->s->opt.store))
        cs_store_rollback(p->s->opt.store, NULL);
    free(in);
    free(res);
    free(hs_ids);
    if (rc != 0)
        return -1;
    apply_done(p, n);
    if (call != 0) {
        *err = call_err;
        return apply_call_failed(p, p->s->opt.hubspot, err);
    }
    return 0;
}

/* ---- C16: a parent deleted in Salesforce keeps its children ----------------------- */

int apply_detach_children(sync_pass *p, const cs_write_input *in, size_t n, cs_err *err)
{
    const cs_pair *child = sync_child_pair(p);
    if (child == NULL || p->pair->nsf == 0)
        return 0;
    const char **ids = calloc(n ? n : 1, sizeof *ids);
    if (ids == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++)
        ids[i] = in[i].id;
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < child->nsf; k++) {
        const cs_pair_sf *so = &child->sf[k];
        if (so->parent_field == NULL)
            continue;
        json_t *kids = NULL;
        if (cs_connector_children(p->s->opt.salesforce, so->name, so->parent_field, ids, n, &kids,
                                  err) != 0) {
            rc = cs_err_prefix(err, "%s of the %s to delete: ", so->name, p->pair->sf[0].name);
            break;
        }
        size_t total = 0;
        const char *parent;
        json_t *list;
        json_object_foreach(kids, parent, list) total += json_array_size(list);
        cs_write_input *w = calloc(total ? total : 1, sizeof *w);
        cs_write_result *res = calloc(total ? total : 1, sizeof *res);
        json_t *clear = json_pack("{so}", so->parent_field, json_null());
        size_t m = 0;
        if (w == NULL || res == NULL || clear == NULL)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        json_object_foreach(kids, parent, list)
        {
            size_t i;
            json_t *c;
            json_array_foreach(list, i, c)
            {
                if (rc == 0)
                    w[m++] = (cs_write_input){.id = json_string_value(c), .fields = clear};
            }
        }
        /* A refusal leaves that child to the cascade; the delete goes on. */
        if (rc == 0 && m > 0 &&
            cs_connector_write(p->s->opt.salesforce, so->name, CS_WRITE_UPDATE, w, m, res, err) !=
                0)
            rc = cs_err_prefix(err, "detaching %s from the %s to delete: ", so->name,
                               p->pair->sf[0].name);
        free(w);
        free(res);
        json_decref(clear);
        json_decref(kids);
    }
    free(ids);
    return rc;
}
