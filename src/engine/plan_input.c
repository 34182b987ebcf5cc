/* The plan's input (see plan.h): the builder functions that fill it, with the
 * validation every outside value gets (bounded ids and emails, known record
 * types, well-formed snapshots), and the lookups the planner uses. Records are
 * indexed by id, links by both ids, owners and Users by email, each through a
 * typed map (core/map.h); parent and child lists stay JSON arrays. */
#include <stdlib.h>
#include <string.h>

#include "engine/plan_int.h"
#include "engine/value.h"

static bool id_ok(const char *id)
{
    return id != NULL && id[0] != '\0' && strlen(id) < CS_PLAN_ID_MAX;
}

static bool sf_type_ok(const cs_plan_input *in, const char *t)
{
    return cs_pair_sf_index(&in->pair, t) >= 0;
}

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "plan input: out of memory");
}

static void children_free(void *v)
{
    plan_children *list = v;
    free(list->items);
    free(list);
}

int cs_plan_input_new(const cs_contact_settings *settings, const cs_field_mapping *mappings,
                      size_t nmappings, int64_t now_ms, cs_plan_input **out, cs_err *err)
{
    if (settings == NULL || (mappings == NULL && nmappings > 0))
        return cs_err_set(err, CS_ERR_INTERNAL, "plan input: settings and mappings are required");
    cs_pair pair;
    cs_pair_contacts(settings, mappings, nmappings, &pair);
    return cs_plan_input_new_pair(&pair, now_ms, out, err);
}

int cs_plan_input_new_pair(const cs_pair *pair, int64_t now_ms, cs_plan_input **out, cs_err *err)
{
    if (pair == NULL || (pair->maps == NULL && pair->nmaps > 0))
        return cs_err_set(err, CS_ERR_INTERNAL, "plan input: a pair with its mappings is required");
    cs_plan_input *in = calloc(1, sizeof *in);
    if (in == NULL)
        return oom(err);
    in->pair = *pair;
    in->settings = &in->pair.settings;
    in->maps = pair->maps;
    in->nmaps = pair->nmaps;
    in->now_ms = now_ms;
    cs_map **maps[] = {&in->hs_index,   &in->sf_index, &in->link_by_hs,
                       &in->link_by_sf, &in->members,  &in->backfill};
    cs_map **strings[] = {&in->hs_owner_email, &in->hs_owner_by_email, &in->sf_user_email,
                          &in->sf_active_by_email};
    cs_map **owned[] = {&in->company_account, &in->hs_parent, &in->sf_parent_hs};
    bool ok = true;
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        ok = ok && (*maps[i] = cs_map_new(NULL)) != NULL;
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        ok = ok && (*strings[i] = cs_map_new(free)) != NULL;
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        ok = ok && (*owned[i] = cs_map_new(free)) != NULL;
    ok = ok && (in->children = cs_map_new(children_free)) != NULL;
    if (!ok) {
        cs_plan_input_free(in);
        return oom(err);
    }
    *out = in;
    return 0;
}

int cs_plan_input_from_config(const cs_config *cfg, int64_t now_ms, cs_plan_input **out,
                              cs_err *err)
{
    size_t n = 0;
    const cs_field_mapping *maps = cs_config_mappings(cfg, &n);
    return cs_plan_input_new(cs_config_contacts(cfg), maps, n, now_ms, out, err);
}

void cs_plan_input_free(cs_plan_input *in)
{
    if (in == NULL)
        return;
    for (size_t i = 0; i < in->nhs; i++)
        cs_record_dispose(&in->hs[i].rec);
    for (size_t i = 0; i < in->nsf; i++)
        cs_record_dispose(&in->sf[i].rec);
    free(in->hs);
    free(in->sf);
    for (size_t i = 0; i < in->nlinks; i++) {
        free(in->links[i].hs_id);
        free(in->links[i].sf_type);
        free(in->links[i].sf_id);
        json_decref(in->links[i].snapshot);
    }
    free(in->links);
    cs_map_free(in->hs_index);
    cs_map_free(in->sf_index);
    cs_map_free(in->link_by_hs);
    cs_map_free(in->link_by_sf);
    cs_map_free(in->hs_owner_email);
    cs_map_free(in->hs_owner_by_email);
    cs_map_free(in->sf_user_email);
    cs_map_free(in->sf_active_by_email);
    cs_map_free(in->members);
    cs_map_free(in->company_account);
    cs_map_free(in->backfill);
    cs_map_free(in->children);
    cs_map_free(in->hs_parent);
    cs_map_free(in->sf_parent_hs);
    free(in);
}

/* Grows an array of elem-sized items to hold one more. 0 or -1. */
static int grow(void **items, size_t *cap, size_t len, size_t elem)
{
    if (len < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 32;
    if (ncap > SIZE_MAX / elem)
        return -1;
    void *p = realloc(*items, ncap * elem);
    if (p == NULL)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

static const char *email_field(const cs_plan_input *in, bool hubspot, const char *sf_type)
{
    const cs_field_mapping *m = plan_mapping_with(in, CS_MAP_EMAIL);
    if (m == NULL)
        return hubspot ? in->pair.hs_email : in->pair.sf_email;
    return hubspot ? m->hs : plan_sf_field(in, m, sf_type);
}

int cs_plan_input_add_record(cs_plan_input *in, cs_record *rec, cs_plan_role role, cs_err *err)
{
    cs_record r = *rec;
    memset(rec, 0, sizeof *rec);
    int rc = -1;
    if (!id_ok(r.id)) {
        rc = cs_err_set(err, CS_ERR_INVALID_INPUT,
                        "plan input: record id missing or longer than %d", CS_PLAN_ID_MAX - 1);
        goto out;
    }
    bool hubspot = cs_pair_is_hs(&in->pair, r.type);
    if (!hubspot && !sf_type_ok(in, r.type)) {
        rc = cs_err_set(err, CS_ERR_INVALID_INPUT,
                        "plan input: record %s has type '%s' (not an object of the %s pair)", r.id,
                        r.type ? r.type : "(none)", in->pair.section);
        goto out;
    }
    if (!json_is_object(r.fields)) {
        rc = cs_err_set(err, CS_ERR_INVALID_INPUT, "plan input: record %s has no fields", r.id);
        goto out;
    }
    cs_map *index = hubspot ? in->hs_index : in->sf_index;
    plan_rec **items = hubspot ? &in->hs : &in->sf;
    size_t *len = hubspot ? &in->nhs : &in->nsf;
    size_t *cap = hubspot ? &in->caphs : &in->capsf;
    bool changed = role == CS_PLAN_CHANGED;

    size_t at;
    if (cs_map_get_num(index, r.id, &at)) {
        plan_rec *old = &(*items)[at];
        if (hubspot != (cs_pair_is_hs(&in->pair, old->rec.type)) ||
            (!hubspot && strcmp(old->rec.type, r.type) != 0)) {
            rc = cs_err_set(err, CS_ERR_INVALID_INPUT,
                            "plan input: record %s given as both %s and %s", r.id, old->rec.type,
                            r.type);
            goto out;
        }
        old->changed = old->changed || changed;
        if (r.modified_ms > old->rec.modified_ms || (r.deleted && !old->rec.deleted)) {
            cs_record_dispose(&old->rec);
            old->rec = r;
            memset(&r, 0, sizeof r);
        } else {
            rc = 0;
            goto out;
        }
        plan_rec *p = old;
        const char *ef = email_field(in, hubspot, p->rec.type);
        const char *e = ef ? cs_record_get(&p->rec, ef) : NULL;
        p->has_email = e != NULL && cs_email_key(e, p->email, sizeof p->email);
        return 0;
    }
    if (grow((void **)items, cap, *len, sizeof(plan_rec)) != 0) {
        rc = oom(err);
        goto out;
    }
    plan_rec *p = &(*items)[*len];
    memset(p, 0, sizeof *p);
    p->rec = r;
    p->changed = changed;
    const char *ef = email_field(in, hubspot, p->rec.type);
    const char *e = ef ? cs_record_get(&p->rec, ef) : NULL;
    p->has_email = e != NULL && cs_email_key(e, p->email, sizeof p->email);
    if (cs_map_put_num(index, p->rec.id, *len) != 0) {
        memset(p, 0, sizeof *p);
        cs_record_dispose(&r);
        return oom(err);
    }
    (*len)++;
    return 0;
out:
    cs_record_dispose(&r);
    return rc;
}

static bool snapshot_ok(const json_t *snap)
{
    if (!json_is_object(snap))
        return false;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)snap, key, v)
    {
        if (!json_is_string(v) && !json_is_null(v))
            return false;
    }
    return true;
}

int cs_plan_input_add_link(cs_plan_input *in, const char *hs_id, const char *sf_type,
                           const char *sf_id, const json_t *snapshot, cs_err *err)
{
    if (!id_ok(hs_id) || !id_ok(sf_id) || !sf_type_ok(in, sf_type))
        return cs_err_set(
            err, CS_ERR_INVALID_INPUT,
            "plan input: link needs an HS id, an SF object of the %s pair and an SF id",
            in->pair.section);
    if (snapshot != NULL && !snapshot_ok(snapshot))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "plan input: snapshot of HS contact %s is not an object of strings",
                          hs_id);
    if (cs_map_has(in->link_by_hs, hs_id) || cs_map_has(in->link_by_sf, sf_id))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "plan input: HS contact %s or SF record %s is linked twice", hs_id,
                          sf_id);
    if (grow((void **)&in->links, &in->caplinks, in->nlinks, sizeof(plan_link)) != 0)
        return oom(err);
    plan_link *l = &in->links[in->nlinks];
    l->hs_id = strdup(hs_id);
    l->sf_type = strdup(sf_type);
    l->sf_id = strdup(sf_id);
    l->snapshot = snapshot ? json_deep_copy(snapshot) : NULL;
    bool ok = l->hs_id && l->sf_type && l->sf_id && (snapshot == NULL || l->snapshot) &&
              cs_map_put_num(in->link_by_hs, hs_id, in->nlinks) == 0 &&
              cs_map_put_num(in->link_by_sf, sf_id, in->nlinks) == 0;
    if (!ok) {
        cs_map_del(in->link_by_hs, hs_id);
        cs_map_del(in->link_by_sf, sf_id);
        free(l->hs_id);
        free(l->sf_type);
        free(l->sf_id);
        json_decref(l->snapshot);
        return oom(err);
    }
    in->nlinks++;
    return 0;
}

/* Sets key to a copy of value in a map that owns its strings. */
static int put_str(cs_map *m, const char *key, const char *value)
{
    char *v = strdup(value);
    return v != NULL ? cs_map_put(m, key, v) : -1;
}

/* Keeps the smallest id per email so the choice does not depend on order. */
static int index_by_email(cs_map *by_email, const char *email, const char *id)
{
    const char *cur = cs_map_get(by_email, email);
    if (cur != NULL && strcmp(cur, id) <= 0)
        return 0;
    return put_str(by_email, email, id);
}

int cs_plan_input_add_hs_owner(cs_plan_input *in, const char *owner_id, const char *email,
                               cs_err *err)
{
    char key[CS_PLAN_EMAIL_MAX];
    if (!id_ok(owner_id))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "plan input: HS owner id missing or too long");
    if (!cs_email_key(email, key, sizeof key))
        return 0; /* an owner without an email matches no SF User (C17) */
    if (put_str(in->hs_owner_email, owner_id, key) != 0 ||
        index_by_email(in->hs_owner_by_email, key, owner_id) != 0)
        return oom(err);
    return 0;
}

int cs_plan_input_add_sf_user(cs_plan_input *in, const char *user_id, const char *email,
                              bool active, cs_err *err)
{
    char key[CS_PLAN_EMAIL_MAX];
    if (!id_ok(user_id))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "plan input: SF User id missing or too long");
    if (!cs_email_key(email, key, sizeof key))
        return 0;
    if (put_str(in->sf_user_email, user_id, key) != 0)
        return oom(err);
    if (active && index_by_email(in->sf_active_by_email, key, user_id) != 0)
        return oom(err);
    return 0;
}

int cs_plan_input_add_member(cs_plan_input *in, const char *hs_id, cs_err *err)
{
    if (!id_ok(hs_id))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "plan input: list member id missing or too long");
    return cs_map_add(in->members, hs_id) >= 0 ? 0 : oom(err);
}

int cs_plan_input_set_company_account(cs_plan_input *in, const char *hs_id, const char *account_id,
                                      cs_err *err)
{
    if (!id_ok(hs_id) || !id_ok(account_id))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "plan input: company account needs a contact id and an Account id");
    return put_str(in->company_account, hs_id, account_id) == 0 ? 0 : oom(err);
}

int cs_plan_input_add_child(cs_plan_input *in, const char *hs_id, const char *child_hs_id,
                            const char *child_sf_parent, bool needs_parent,
                            bool creates_with_parent, cs_err *err)
{
    if (!id_ok(hs_id) || !id_ok(child_hs_id) ||
        (child_sf_parent != NULL && !id_ok(child_sf_parent)))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "plan input: a child needs its parent's and its own id");
    plan_children *list = cs_map_get(in->children, hs_id);
    if (list == NULL) {
        if ((list = calloc(1, sizeof *list)) == NULL || cs_map_put(in->children, hs_id, list) != 0)
            return oom(err);
    }
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 4;
        plan_child *items = realloc(list->items, cap * sizeof *items);
        if (items == NULL)
            return oom(err);
        list->items = items;
        list->cap = cap;
    }
    plan_child *c = &list->items[list->n++];
    memset(c, 0, sizeof *c);
    memcpy(c->hs_id, child_hs_id, strlen(child_hs_id) + 1);
    if (child_sf_parent != NULL)
        memcpy(c->sf_parent, child_sf_parent, strlen(child_sf_parent) + 1);
    c->needs_parent = needs_parent;
    c->creates_with_parent = creates_with_parent;
    return 0;
}

int cs_plan_input_set_hs_parent(cs_plan_input *in, const char *hs_id, const char *hs_parent,
                                const char *sf_parent, cs_err *err)
{
    if (!id_ok(hs_id) || (hs_parent != NULL && !id_ok(hs_parent)) ||
        (sf_parent != NULL && !id_ok(sf_parent)))
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "plan input: a record's parent needs bounded ids");
    plan_parent *v = calloc(1, sizeof *v);
    if (v == NULL)
        return oom(err);
    if (hs_parent != NULL)
        memcpy(v->hs, hs_parent, strlen(hs_parent) + 1);
    if (sf_parent != NULL)
        memcpy(v->sf, sf_parent, strlen(sf_parent) + 1);
    if (cs_map_put(in->hs_parent, hs_id, v) != 0)
        return oom(err);
    /* C15: a contact whose company is linked is created with its Account. */
    if (sf_parent != NULL)
        return cs_plan_input_set_company_account(in, hs_id, sf_parent, err);
    return 0;
}

int cs_plan_input_set_parent_link(cs_plan_input *in, const char *sf_parent, const char *hs_parent,
                                  cs_err *err)
{
    if (!id_ok(sf_parent) || !id_ok(hs_parent))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "plan input: a parent link needs both ids");
    return put_str(in->sf_parent_hs, sf_parent, hs_parent) == 0 ? 0 : oom(err);
}

int cs_plan_input_add_backfill(cs_plan_input *in, const char *hs_property, cs_err *err)
{
    if (hs_property == NULL || hs_property[0] == '\0' || strlen(hs_property) >= CS_PLAN_EMAIL_MAX)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "plan input: backfill property missing");
    return cs_map_add(in->backfill, hs_property) >= 0 ? 0 : oom(err);
}

/* ---- lookups ------------------------------------------------------------------ */

static const plan_rec *find(const cs_map *index, const plan_rec *items, const char *id)
{
    size_t at;
    return cs_map_get_num(index, id, &at) ? &items[at] : NULL;
}

const plan_rec *plan_hs_find(const cs_plan_input *in, const char *id)
{
    return find(in->hs_index, in->hs, id);
}

const plan_rec *plan_sf_find(const cs_plan_input *in, const char *id)
{
    return find(in->sf_index, in->sf, id);
}

const char *plan_rec_email(const plan_rec *r)
{
    return r != NULL && r->has_email ? r->email : NULL;
}

const plan_link *plan_link_by_hs(const cs_plan_input *in, const char *hs_id)
{
    size_t at;
    return cs_map_get_num(in->link_by_hs, hs_id, &at) ? &in->links[at] : NULL;
}

const plan_link *plan_link_by_sf(const cs_plan_input *in, const char *sf_id)
{
    size_t at;
    return cs_map_get_num(in->link_by_sf, sf_id, &at) ? &in->links[at] : NULL;
}

bool plan_is_member(const cs_plan_input *in, const char *hs_id)
{
    if (in->settings->inclusion_list == NULL)
        return true;
    return cs_map_has(in->members, hs_id);
}

const cs_field_mapping *plan_mapping_with(const cs_plan_input *in, unsigned flag)
{
    for (size_t i = 0; i < in->nmaps; i++) {
        if (in->maps[i].flags & flag)
            return &in->maps[i];
    }
    return NULL;
}

const char *plan_sf_field(const cs_plan_input *in, const cs_field_mapping *m, const char *sf_type)
{
    return cs_pair_field(&in->pair, m, sf_type);
}

bool plan_sf_required(const cs_plan_input *in, const cs_field_mapping *m, const char *sf_type)
{
    return (m->flags & CS_MAP_SF_REQUIRED) && plan_sf_field(in, m, sf_type) != NULL;
}

int plan_set_add(cs_map *set, const char *key)
{
    return cs_map_add(set, key) < 0 ? -1 : 0;
}

bool plan_set_has(const cs_map *set, const char *key)
{
    return cs_map_has(set, key);
}
