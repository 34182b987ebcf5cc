/* What a round needs to know about associations between pairs (A1, A2,
 * C15), read after the round's records and their context:
 *
 *   - for a parent pair (companies): the children of every unlinked HubSpot
 *     record of the round — its associated contacts, each one's link (the
 *     store's), the parent its linked Salesforce record names (a Contact's
 *     AccountId, read in one query per object) and whether it will be created
 *     in Salesforce with a parent. An unlinked Account a child names is read
 *     as context so the plan can link through it (A1). The children are handed
 *     to the child pair, which reads them as changed in its first round
 *     (A2 for a parent created now).
 *   - for a child pair (contacts): the primary parent of every HubSpot record
 *     of the round and that parent's link (A2, C15), and the HubSpot record
 *     of every parent the round's Salesforce records name (A2).
 *
 *   - for a parent pair, also the other way (A1): an unlinked Salesforce
 *     record of the round (a new Account) whose children (its Contacts) are
 *     linked to HubSpot records with a primary parent that is not linked
 *     yet brings that parent into the round (as context, with its
 *     children), so the plan links the two through the child instead of
 *     creating a second company.
 *
 * Association reads are batched (100 per HubSpot call); links come from the
 * store. Nothing is read when no pair has a parent. */
#include <stdlib.h>
#include <string.h>

#include "engine/context_int.h"

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

/* The link of id (HS side when hub) in pair q, or 0 when there is none. */
static int link_of(sync_pass *p, const cs_pair *q, bool hub, const char *id, cs_link *l,
                   cs_err *err)
{
    int found = hub ? cs_store_link_by_hs(p->s->opt.store, q->link_object, id, l, err)
                    : cs_store_link_by_sf(p->s->opt.store, id, l, err);
    if (found == 1 && strcmp(l->object, q->link_object) != 0)
        return 0;
    return found;
}

/* Calls fn(ud, link, err) with the link in pair q of every id listed in
 * lists (the connector's id → array of ids: a side's HS ids when hub, else
 * its SF ids), skipping ids without one. 0, or -1 at the first failure. */
static int each_link(sync_pass *p, const cs_pair *q, bool hub, const json_t *lists,
                     int (*fn)(void *ud, const cs_link *l, cs_err *err), void *ud, cs_err *err)
{
    const char *key;
    json_t *list;
    json_object_foreach((json_t *)lists, key, list)
    {
        size_t i;
        json_t *c;
        json_array_foreach(list, i, c)
        {
            cs_link l;
            int found = link_of(p, q, hub, json_string_value(c), &l, err);
            if (found < 0 || (found == 1 && fn(ud, &l, err) != 0))
                return -1;
        }
    }
    return 0;
}

/* Frees a set held as a map's value. */
static void set_free(void *set)
{
    cs_map_free(set);
}

/* each_link: by_type (SF object → set of SF ids) gains the link's SF id. */
static int group_by_type(void *ud, const cs_link *l, cs_err *err)
{
    cs_map *by_type = ud;
    cs_map *set = cs_map_get(by_type, l->sf_type);
    if (set == NULL &&
        ((set = cs_map_new(NULL)) == NULL || cs_map_put(by_type, l->sf_type, set) != 0))
        return oom(err);
    return cs_map_add(set, l->sf_id) < 0 ? oom(err) : 0;
}

/* each_link: the links' HS ids, owned copies, into an array sized for all. */
typedef struct hs_ids {
    const char **ids;
    size_t n;
} hs_ids;

static int collect_hs(void *ud, const cs_link *l, cs_err *err)
{
    hs_ids *h = ud;
    char *copy = strdup(l->hs_id);
    if (copy == NULL)
        return oom(err);
    h->ids[h->n++] = copy;
    return 0;
}

/* C2 for the child pair: whether child hs_id is in its inclusion list. */
static int child_member(sync_pass *p, const cs_pair *child, const char *hs_id, bool *member,
                        cs_err *err)
{
    const char *list = child->settings.inclusion_list;
    *member = true;
    if (list == NULL)
        return 0;
    if (p->child_members == NULL) {
        json_t *members = NULL;
        if (cs_connector_list_members(p->s->opt.hubspot, list, &members, err) != 0)
            return cs_err_prefix(err, "inclusion list %s: ", list);
        cs_map *set = cs_map_new(NULL);
        int rc = set ? 0 : -1;
        size_t i;
        json_t *m;
        json_array_foreach(members, i, m)
        {
            if (rc == 0 && json_is_string(m) && cs_map_add(set, json_string_value(m)) < 0)
                rc = -1;
        }
        json_decref(members);
        if (rc != 0) {
            cs_map_free(set);
            return oom(err);
        }
        p->child_members = set;
    }
    *member = cs_map_has(p->child_members, hs_id);
    return 0;
}

/* The parent field of each linked child record, by SF id: one read per SF
 * object of the child pair. by_type: SF object → set of ids. out: SF id →
 * parent id (an owned copy), or no value when the record names none. */
static int child_parents(sync_pass *p, const cs_pair *child, const cs_map *by_type, cs_map *out,
                         cs_err *err)
{
    for (size_t k = 0; k < child->nsf; k++) {
        const cs_pair_sf *so = &child->sf[k];
        const cs_map *set = cs_map_get(by_type, so->name);
        if (so->parent_field == NULL || set == NULL || cs_map_len(set) == 0)
            continue;
        size_t n = 0;
        const char **ids = detect_keys_of(set, NULL, NULL, &n);
        if (ids == NULL)
            return oom(err);
        cs_record_list got;
        cs_record_list_init(&got);
        int rc = cs_connector_read(p->s->opt.salesforce, so->name, ids, n, &got, err);
        free(ids);
        if (rc != 0) {
            cs_record_list_dispose(&got);
            return cs_err_prefix(err, "reading %s for their parents: ", so->name);
        }
        p->rep->salesforce.context += got.len;
        for (size_t i = 0; i < got.len && rc == 0; i++) {
            const char *v = cs_record_get(&got.items[i], so->parent_field);
            bool ok = v != NULL && v[0] != '\0' && strlen(v) < CS_PLAN_ID_MAX;
            if ((ok ? sync_map_put_str(out, got.items[i].id, v)
                    : cs_map_put(out, got.items[i].id, NULL)) != 0)
                rc = oom(err);
        }
        cs_record_list_dispose(&got);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* One child of parent hs_id, as a fact for the plan. */
static int add_child(sync_pass *p, sync_round *r, const cs_pair *child, const char *hs_id,
                     const char *child_id, const cs_link *l, const cs_map *parents, cs_map *need_sf,
                     cs_err *err)
{
    const char *sf_parent = NULL;
    bool needs = false, creates = false;
    if (l != NULL) {
        const cs_pair_sf *so = cs_pair_sf_find(child, l->sf_type);
        if (so != NULL && so->parent_field != NULL && cs_map_has(parents, l->sf_id)) {
            sf_parent = cs_map_get(parents, l->sf_id);
            needs = sf_parent == NULL;
        }
    } else if (child->settings.create_salesforce_as == CS_CREATE_CONTACT) {
        if (child_member(p, child, child_id, &creates, err) != 0)
            return -1;
    }
    if (sf_parent != NULL && !cs_map_has(r->input.sf_seen, sf_parent)) {
        cs_link pl;
        int found = link_of(p, p->pair, false, sf_parent, &pl, err);
        if (found < 0)
            return -1;
        if (found == 0 && cs_map_add(need_sf, sf_parent) < 0)
            return oom(err);
    }
    if (cs_map_add(p->handoff, child_id) < 0)
        return oom(err);
    return cs_plan_input_add_child(r->input.in, hs_id, child_id, sf_parent, needs, creates, err);
}

/* A1: the children of the round's unlinked HubSpot records. */
static int children(sync_pass *p, sync_round *r, const cs_pair *child, cs_err *err)
{
    size_t n = 0;
    const char **ids = detect_keys_of(r->input.hs_seen, r->input.link_hs, NULL, &n);
    if (ids == NULL)
        return oom(err);
    json_t *assoc = NULL;
    /* SF object → set of the linked children's ids; SF id → its parent;
     * the SF parents to read */
    cs_map *by_type = cs_map_new(set_free), *parents = cs_map_new(free),
           *need_sf = cs_map_new(NULL);
    int rc = by_type && parents && need_sf ? 0 : oom(err);
    if (rc == 0 && n > 0 &&
        cs_connector_assoc_read(p->s->opt.hubspot, p->pair->hs_object, child->hs_object, ids, n,
                                &assoc, err) != 0)
        rc = cs_err_prefix(err, "associations of %s: ", p->pair->hs_object);
    /* The links of every child, grouped by SF object for one read each. */
    if (rc == 0)
        rc = each_link(p, child, true, assoc, group_by_type, by_type, err);
    const char *hs_id;
    json_t *list;
    if (rc == 0)
        rc = child_parents(p, child, by_type, parents, err);
    json_object_foreach(assoc, hs_id, list)
    {
        size_t i;
        json_t *c;
        json_array_foreach(list, i, c)
        {
            const char *cid = json_string_value(c);
            cs_link l;
            int found = rc == 0 ? link_of(p, child, true, cid, &l, err) : 0;
            if (found < 0)
                rc = -1;
            if (rc == 0)
                rc = add_child(p, r, child, hs_id, cid, found == 1 ? &l : NULL, parents, need_sf,
                               err);
        }
    }
    /* A1: the Accounts children name, so the plan can link through them. */
    size_t m = 0;
    const char **acc = rc == 0 ? detect_keys_of(need_sf, r->input.sf_seen, NULL, &m) : NULL;
    if (rc == 0 && acc == NULL)
        rc = oom(err);
    if (rc == 0 && m > 0)
        rc = detect_read(p, r, false, p->pair->sf[0].name, acc, m, CS_PLAN_CONTEXT, err);
    free(acc);
    free(ids);
    json_decref(assoc);
    cs_map_free(by_type);
    cs_map_free(parents);
    cs_map_free(need_sf);
    return rc;
}

/* A2, C15: the primary parent of each HubSpot record of the round and the
 * HubSpot record of each parent the round's SF records name. */
static int parents(sync_pass *p, sync_round *r, const cs_pair *parent, cs_err *err)
{
    size_t n = 0;
    const char **ids = detect_keys_of(r->input.hs_seen, NULL, NULL, &n);
    if (ids == NULL)
        return oom(err);
    json_t *assoc = NULL;
    int rc = 0;
    /* A2 maps the primary association only: a record associated with
     * parents none of which is primary has no parent. */
    if (n > 0 && cs_connector_assoc_primary(p->s->opt.hubspot, p->pair->hs_object,
                                            parent->hs_object, ids, n, &assoc, err) != 0)
        rc = cs_err_prefix(err, "associations of %s: ", p->pair->hs_object);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *company = json_string_value(json_object_get(assoc, ids[i]));
        const char *sf_parent = NULL;
        cs_link l;
        if (company != NULL) {
            int found = link_of(p, parent, true, company, &l, err);
            if (found < 0) {
                rc = -1;
                break;
            }
            sf_parent = found == 1 ? l.sf_id : NULL;
        }
        rc = cs_plan_input_set_hs_parent(r->input.in, ids[i], company, sf_parent, err);
        if (rc == 0 && sf_parent != NULL)
            rc = cs_plan_input_set_parent_link(r->input.in, sf_parent, company, err);
    }
    free(ids);
    json_decref(assoc);
    const char *sf_id;
    for (size_t it = cs_map_next(r->needs.parents, 0, &sf_id, NULL); it;
         it = cs_map_next(r->needs.parents, it, &sf_id, NULL)) {
        cs_link l;
        int found = rc == 0 ? link_of(p, parent, false, sf_id, &l, err) : 0;
        if (found < 0)
            rc = -1;
        if (rc == 0 && found == 1)
            rc = cs_plan_input_set_parent_link(r->input.in, sf_id, l.hs_id, err);
    }
    return rc;
}

/* A1 from the Salesforce side: the unlinked HubSpot parents of the linked
 * children of the round's unlinked SF records, read as changed. */
static int parents_of_new_sf(sync_pass *p, sync_round *r, const cs_pair *child, cs_err *err)
{
    size_t n = 0;
    const char **ids = detect_keys_of(r->input.sf_seen, r->input.link_sf, p->pair->sf[0].name, &n);
    if (ids == NULL)
        return oom(err);
    json_t *kids = NULL, *primary = NULL;
    cs_map *want = cs_map_new(NULL);
    const char **hs = NULL;
    size_t nhs = 0;
    int rc = want ? 0 : oom(err);
    /* The SF children of each: one query for the round (Contact.AccountId). */
    for (size_t k = 0; rc == 0 && n > 0 && k < child->nsf && kids == NULL; k++) {
        if (child->sf[k].parent_field == NULL)
            continue;
        if (cs_connector_children(p->s->opt.salesforce, child->sf[k].name,
                                  child->sf[k].parent_field, ids, n, &kids, err) != 0)
            rc = cs_err_prefix(err, "%s of new %s: ", child->sf[k].name, p->pair->sf[0].name);
    }
    size_t total = 0;
    const char *sf_id;
    json_t *list;
    json_object_foreach(kids, sf_id, list) total += json_array_size(list);
    if (rc == 0 && total > 0 && (hs = calloc(total, sizeof *hs)) == NULL)
        rc = oom(err);
    hs_ids got = {hs, 0};
    if (rc == 0)
        rc = each_link(p, child, false, kids, collect_hs, &got, err);
    nhs = got.n;
    if (rc == 0 && nhs > 0 &&
        cs_connector_assoc_primary(p->s->opt.hubspot, child->hs_object, p->pair->hs_object, hs, nhs,
                                   &primary, err) != 0)
        rc = cs_err_prefix(err, "primary %s of %s: ", p->pair->hs_object, child->hs_object);
    const char *hs_id;
    json_t *v;
    json_object_foreach(primary, hs_id, v)
    {
        const char *parent = json_string_value(v);
        cs_link l;
        int found = rc == 0 && parent != NULL ? link_of(p, p->pair, true, parent, &l, err) : 1;
        if (found < 0)
            rc = -1;
        else if (found == 0 && cs_map_add(want, parent) < 0)
            rc = oom(err);
    }
    /* As context: such a parent may be waiting for its retry (R8, an
     * Account it could not create); children() then gives the plan its
     * children, through which the plan links it to the new SF record. */
    size_t m = 0;
    const char **more = rc == 0 ? detect_keys_of(want, r->input.hs_seen, NULL, &m) : NULL;
    if (rc == 0 && more == NULL)
        rc = oom(err);
    if (rc == 0 && m > 0)
        rc = detect_read(p, r, true, p->pair->hs_object, more, m, CS_PLAN_CONTEXT, err);
    free(more);
    for (size_t i = 0; i < nhs; i++)
        free((char *)hs[i]);
    free(hs);
    free(ids);
    json_decref(kids);
    json_decref(primary);
    cs_map_free(want);
    return rc;
}

int context_associations(sync_pass *p, sync_round *r, cs_err *err)
{
    const cs_pair *child = sync_child_pair(p);
    if (child != NULL && parents_of_new_sf(p, r, child, err) != 0)
        return -1;
    if (child != NULL && children(p, r, child, err) != 0)
        return -1;
    if (p->pair->parent >= 0 && parents(p, r, &p->s->pairs[p->pair->parent], err) != 0)
        return -1;
    return 0;
}
