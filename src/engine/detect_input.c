/* The round's input, shared by the changes and the context phases: a record
 * taken into the round goes into the plan input with its role, and is noted
 * with what it calls for — its link and snapshot, for a changed record its
 * counterpart or its email (C5), the Contact of a converted Lead (C14), the
 * parent it names (A2) — and for a changed record whether it waits for its
 * retry (R8). A record missing from a read is simply absent: nothing here
 * ever infers a delete (C16). Reads by id go through here too. */
#include <stdlib.h>
#include <string.h>

#include "engine/detect_int.h"

void sync_round_dispose(sync_round *r)
{
    if (r == NULL)
        return;
    cs_plan_input_free(r->input.in);
    cs_map **maps[] = {&r->input.hs_seen,   &r->input.sf_seen,   &r->input.link_hs,
                       &r->input.link_sf,   &r->input.recs,      &r->needs.need_hs,
                       &r->needs.need_sf,   &r->needs.emails,    &r->needs.parents,
                       &r->changes.retried, &r->results.failed,  &r->results.held,
                       &r->results.broken,  &r->results.created, &r->results.updated};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        cs_map_free(*maps[i]);
    for (size_t i = 0; i < CS_PAIR_SCANS_MAX; i++)
        cs_map_free(r->changes.scanned[i]);
    memset(r, 0, sizeof *r);
}

int sync_round_init(sync_pass *p, sync_round *r, cs_err *err)
{
    memset(r, 0, sizeof *r);
    /* the maps whose values are owned copies; the others borrow or count */
    cs_map **owned[] = {&r->input.link_hs, &r->input.link_sf, &r->input.recs, &r->results.created};
    cs_map **plain[] = {&r->input.hs_seen,   &r->input.sf_seen,  &r->needs.need_hs,
                        &r->needs.need_sf,   &r->needs.emails,   &r->needs.parents,
                        &r->changes.retried, &r->results.failed, &r->results.held,
                        &r->results.broken,  &r->results.updated};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++) {
        if ((*owned[i] = cs_map_new(free)) == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if ((*plain[i] = cs_map_new(NULL)) == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    return cs_plan_input_new_pair(p->pair, p->now_ms, &r->input.in, err);
}

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

static int add(cs_map *set, const char *key)
{
    return cs_map_add(set, key) < 0 ? -1 : 0;
}

/* The pair's name of SF object type (borrowed from the pair), or NULL. */
static const char *sf_name(const cs_pair *pair, const char *type)
{
    const cs_pair_sf *so = type ? cs_pair_sf_find(pair, type) : NULL;
    return so ? so->name : NULL;
}

/* Hands the link of a record to the plan input, with its snapshot. */
static int add_link(sync_pass *p, sync_round *r, const cs_link *l, cs_err *err)
{
    if (cs_map_has(r->input.link_hs, l->hs_id) || cs_map_has(r->input.link_sf, l->sf_id))
        return 0;
    cs_snapshot snap;
    memset(&snap, 0, sizeof snap);
    int found = cs_store_snapshot_get(p->s->opt.store, p->pair->link_object, l->hs_id, &snap, err);
    if (found < 0)
        return -1;
    int rc = cs_plan_input_add_link(r->input.in, l->hs_id, l->sf_type, l->sf_id,
                                    found == 1 ? snap.fields : NULL, err);
    cs_snapshot_dispose(&snap);
    if (rc != 0)
        return -1;
    if (sync_map_put_str(r->input.link_hs, l->hs_id, l->sf_id) != 0 ||
        sync_map_put_str(r->input.link_sf, l->sf_id, l->hs_id) != 0)
        return oom(err);
    return 0;
}

/* The record's email (C5), or NULL: none, or a pair that does not match by
 * email. */
static const char *rec_email(const sync_pass *p, const cs_record *rec, bool hub)
{
    const char *field = hub ? p->pair->hs_email : p->pair->sf_email;
    return rec->deleted || field == NULL ? NULL : cs_record_get(rec, field);
}

/* Notes a record the round reads: its modification time and email (for the
 * retry guard and the error rows), and for a changed one whether it waits for
 * its retry (R8: then it is only context; its pair still syncs when the other
 * record changed, and apply holds back its own writes) or is re-evaluated
 * with an open error (which then clears unless it fails again, R4). */
static int note_record(sync_pass *p, sync_round *r, const cs_record *rec, bool hub,
                       cs_plan_role *role, cs_err *err)
{
    const sync_rec *had = cs_map_get(r->input.recs, rec->id);
    if (had == NULL || had->modified_ms < rec->modified_ms) {
        const char *email = rec_email(p, rec, hub);
        sync_rec *v = calloc(1, sizeof *v);
        if (v == NULL)
            return oom(err);
        v->modified_ms = rec->modified_ms;
        if (email != NULL && strlen(email) < sizeof v->email)
            memcpy(v->email, email, strlen(email) + 1);
        if (cs_map_put(r->input.recs, rec->id, v) != 0)
            return oom(err);
    }
    if (*role != CS_PLAN_CHANGED)
        return 0;
    /* Errors are filed under the source record, on the side that refused it. */
    cs_store_side side = hub ? CS_STORE_SALESFORCE : CS_STORE_HUBSPOT;
    bool waits = false;
    if (!r->changes.followup &&
        retry_waits(p, side, rec->type, rec->id, rec->modified_ms, &waits, err) != 0)
        return -1;
    if (waits) {
        *role = CS_PLAN_CONTEXT;
        return 0;
    }
    char key[3 * CS_STORE_NAME_MAX];
    sync_error_key(key, sizeof key, side, rec->type, rec->id);
    if (retry_is_open(p, key) && add(r->changes.retried, key) != 0)
        return oom(err);
    return 0;
}

/* Adds one record (moved into the input) and notes what it calls for: its
 * link, and for a changed record its counterpart or its email (C5) and the
 * Contact of a converted Lead (C14). */
static int add_record(sync_pass *p, sync_round *r, cs_record *rec, cs_plan_role role, cs_err *err)
{
    bool hub = cs_pair_is_hs(p->pair, rec->type);
    char id[CS_PLAN_ID_MAX], type[CS_PLAN_ID_MAX], email[CS_PLAN_EMAIL_MAX],
        converted[CS_PLAN_ID_MAX];
    if (rec->id == NULL || strlen(rec->id) >= sizeof id || rec->type == NULL ||
        strlen(rec->type) >= sizeof type) {
        cs_record_dispose(rec);
        return 0; /* nothing the plan could use; the connectors never send it */
    }
    memcpy(id, rec->id, strlen(rec->id) + 1);
    memcpy(type, rec->type, strlen(rec->type) + 1);
    bool has_email = cs_email_key(rec_email(p, rec, hub), email, sizeof email);
    const cs_pair_sf *so = hub ? NULL : cs_pair_sf_find(p->pair, type);
    const char *cid = so && so->converted_id ? cs_record_get(rec, so->converted_id) : NULL;
    const char *into = so && so->converts_to >= 0 ? p->pair->sf[so->converts_to].name : NULL;
    const char *parent = so && so->parent_field && p->pair->parent >= 0 && !rec->deleted
                             ? cs_record_get(rec, so->parent_field)
                             : NULL;
    if (parent != NULL && parent[0] != '\0' && strlen(parent) < CS_PLAN_ID_MAX &&
        add(r->needs.parents, parent) != 0) {
        cs_record_dispose(rec);
        return oom(err);
    }
    converted[0] = '\0';
    if (cid != NULL && strlen(cid) < sizeof converted)
        memcpy(converted, cid, strlen(cid) + 1);
    if (note_record(p, r, rec, hub, &role, err) != 0) {
        cs_record_dispose(rec);
        return -1;
    }
    if (cs_plan_input_add_record(r->input.in, rec, role, err) != 0)
        return -1;
    if ((hub ? add(r->input.hs_seen, id)
             : cs_map_put(r->input.sf_seen, id, (void *)sf_name(p->pair, type))) != 0)
        return oom(err);

    cs_link l;
    int found = hub ? cs_store_link_by_hs(p->s->opt.store, p->pair->link_object, id, &l, err)
                    : cs_store_link_by_sf(p->s->opt.store, id, &l, err);
    if (found < 0)
        return -1;
    if (found == 1 && strcmp(l.object, p->pair->link_object) != 0)
        found = 0; /* another pair's record */
    if (found == 1 && add_link(p, r, &l, err) != 0)
        return -1;
    if (role != CS_PLAN_CHANGED)
        return 0;
    int rc = 0;
    /* a link of another SF object than the pair's is never read (no name) */
    const char *need_type = found == 1 && hub ? sf_name(p->pair, l.sf_type) : NULL;
    if (need_type != NULL && !cs_map_has(r->input.sf_seen, l.sf_id))
        rc = cs_map_put(r->needs.need_sf, l.sf_id, (void *)need_type);
    else if (found == 1 && !hub && !cs_map_has(r->input.hs_seen, l.hs_id))
        rc = add(r->needs.need_hs, l.hs_id);
    else if (found == 0 && has_email)
        rc = detect_note_email(r, email, hub);
    if (rc == 0 && into != NULL && converted[0] != '\0' && !cs_map_has(r->input.sf_seen, converted))
        rc = cs_map_put(r->needs.need_sf, converted, (void *)into);
    return rc == 0 ? 0 : oom(err);
}

int detect_take(sync_pass *p, sync_round *r, cs_record_list *l, cs_plan_role role, cs_err *err)
{
    int rc = 0;
    for (size_t i = 0; i < l->len; i++) {
        if (rc == 0)
            rc = add_record(p, r, &l->items[i], role, err);
        else
            cs_record_dispose(&l->items[i]);
    }
    l->len = 0;
    return rc;
}

const char **detect_keys_of(const cs_map *set, const cs_map *skip, const char *type, size_t *n)
{
    const char **out = calloc(cs_map_len(set) + 1, sizeof *out);
    if (out == NULL)
        return NULL;
    size_t k = 0;
    const char *key;
    void *v;
    for (size_t it = cs_map_next(set, 0, &key, &v); it; it = cs_map_next(set, it, &key, &v)) {
        if (skip && cs_map_has(skip, key))
            continue;
        if (type && (v == NULL || strcmp((const char *)v, type) != 0))
            continue;
        out[k++] = key;
    }
    *n = k;
    return out;
}

int detect_read_ids(sync_pass *p, sync_round *r, cs_connector *c, const char *object,
                    const char *const *ids, size_t n, cs_plan_role role, cs_err *err)
{
    if (n == 0)
        return 0;
    cs_record_list got;
    cs_record_list_init(&got);
    if (cs_connector_read(c, object, ids, n, &got, err) != 0) {
        cs_record_list_dispose(&got);
        return cs_err_prefix(err, "reading %s: ", object);
    }
    cs_sync_side_report *side = c == p->s->opt.hubspot ? &p->rep->hubspot : &p->rep->salesforce;
    if (role == CS_PLAN_CONTEXT)
        side->context += got.len;
    int rc = detect_take(p, r, &got, role, err);
    cs_record_list_dispose(&got);
    return rc;
}

int detect_read(sync_pass *p, sync_round *r, bool hub, const char *object, const char *const *ids,
                size_t n, cs_plan_role role, cs_err *err)
{
    return detect_read_ids(p, r, hub ? p->s->opt.hubspot : p->s->opt.salesforce, object, ids, n,
                           role, err);
}
