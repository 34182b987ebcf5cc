/* Echo suppression for the records crmsync creates in Salesforce (R2, DESIGN:
 * a pass right after a pass writes nothing). Salesforce fills in fields a
 * create leaves empty — picklist defaults such as Lead.Status ("Open - Not
 * Contacted"), the default OwnerId (the API user) — so the new record holds
 * values the HubSpot contact lacks and the create's snapshot does not know.
 * Left alone, `crmsync verify` reports them right after the pass and the next
 * pass writes them. Instead, after a create batch, the new records are read
 * back (one query per batch of <= 200) and every such value whose rule lets
 * Salesforce write HubSpot is folded, through the value map (R3), into the
 * HubSpot write crmsync sends anyway right after the create (the link
 * property, MAPPINGS) — no extra HubSpot call — and, once that write landed,
 * into the pair's snapshot and the journal (R5). The owner follows C17: when
 * the contact has none, the default User's HubSpot owner (by email), or only
 * the snapshot when there is none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/map.h"
#include "engine/apply_int.h"
#include "engine/value.h"

#define DEFAULT_REASON "Salesforce default on create"

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

void apply_default_dispose(apply_default *d)
{
    if (d == NULL)
        return;
    json_decref(d->snapshot);
    json_decref(d->journal);
    json_decref(d->stored);
    d->snapshot = d->journal = d->stored = NULL;
}

/* A string value of the create's snapshot; absent and null alike are NULL. */
static const char *snap_value(const cs_plan_op *op, const char *key, bool *present)
{
    json_t *v = op->snapshot ? json_object_get(op->snapshot, key) : NULL;
    *present = v != NULL;
    return json_string_value(v);
}

/* C17: the HS owner whose email is SF User user_id's, the smallest id when
 * several share it (as the plan picks), or NULL. */
static const char *owner_of_user(const sync_pass *p, const char *user_id)
{
    char want[CS_PLAN_EMAIL_MAX] = "";
    for (size_t i = 0; i < p->users.len && want[0] == '\0'; i++) {
        const cs_record *u = &p->users.items[i];
        if (u->id && strcmp(u->id, user_id) == 0 &&
            !cs_email_key(cs_record_get(u, "email"), want, sizeof want))
            want[0] = '\0';
    }
    if (want[0] == '\0')
        return NULL;
    const char *best = NULL;
    for (size_t i = 0; i < p->owners.len; i++) {
        const cs_record *o = &p->owners.items[i];
        char key[CS_PLAN_EMAIL_MAX];
        if (o->id && cs_email_key(cs_record_get(o, "email"), key, sizeof key) &&
            strcmp(key, want) == 0 && (best == NULL || strcmp(o->id, best) < 0))
            best = o->id;
    }
    return best;
}

/* Adds one value to the HubSpot write, the snapshot keys and the journal. */
static int fold(apply_default *d, const char *prop, const char *old, const char *value,
                const char *reason, cs_err *err)
{
    if (d->snapshot == NULL && (d->snapshot = json_object()) == NULL)
        return oom(err);
    if (d->journal == NULL && (d->journal = json_object()) == NULL)
        return oom(err);
    if (json_object_set_new(d->fields, prop, json_string(value)) != 0 ||
        json_object_set_new(d->snapshot, prop, json_string(value)) != 0 ||
        json_object_set_new(d->journal, prop, json_pack("[s?ss]", old, value, reason)) != 0)
        return oom(err);
    return 0;
}

/* Only a snapshot key, no write (the SF owner that has no HS owner). */
static int remember(apply_default *d, const char *key, const char *value, cs_err *err)
{
    if (d->snapshot == NULL && (d->snapshot = json_object()) == NULL)
        return oom(err);
    return json_object_set_new(d->snapshot, key, json_string(value)) == 0 ? 0 : oom(err);
}

/* C17: the owner Salesforce assigned because the create named none. */
static int fold_owner(sync_pass *p, apply_default *d, const cs_field_mapping *m, const char *user,
                      cs_err *err)
{
    bool present, h_present;
    const char *s = snap_value(d->op, CS_PLAN_SNAP_SF_OWNER, &present);
    const char *h = snap_value(d->op, m->hs, &h_present);
    /* Only an owner HubSpot lacks: crmsync set the owner itself, or the HS
     * owner matched no SF User — then the plan's C17 rules keep the SF side
     * unset in the snapshot so that owner replaces the default once it
     * resolves (R8 retry). */
    if (!present || !h_present || !cs_value_is_blank(s) || !cs_value_is_blank(h) ||
        cs_value_is_blank(user))
        return 0;
    const char *owner = owner_of_user(p, user);
    if (remember(d, CS_PLAN_SNAP_SF_OWNER, user, err) != 0)
        return -1;
    if (owner == NULL)
        return 0; /* no HS owner has that email: HubSpot stays blank (C17) */
    char why[256];
    int n = snprintf(why, sizeof why, "two_way: %s; C17: Salesforce User %s is HubSpot owner %s",
                     DEFAULT_REASON, user, owner);
    return fold(d, m->hs, h, owner, n > 0 && (size_t)n < sizeof why ? why : DEFAULT_REASON, err);
}

/* One ordinary row: SF holds a value where the create settled a blank. */
static int fold_plain(sync_pass *p, apply_default *d, const cs_field_mapping *m, const char *raw,
                      cs_err *err)
{
    bool present;
    const char *snap = snap_value(d->op, m->hs, &present);
    if (!present || !cs_value_is_blank(snap) || !cs_rule_writes_hs(m->rule))
        return 0;
    const char *ph = p->pair->settings.required_placeholder;
    if (cs_value_is_blank(raw) ||
        ((m->flags & CS_MAP_SF_REQUIRED) && ph != NULL && cs_value_equal(raw, ph)))
        return 0; /* C13: the placeholder is never copied back */
    cs_buf sb;
    cs_buf_init(&sb, CS_VALUES_MAX_LEN * 8 + 1);
    const char *v = NULL;
    int rc = 0;
    if (cs_values_translate(m, CS_VALUES_TO_HS, raw, &sb, &v) != 0)
        v = NULL; /* too long to translate: the next pass's merge decides */
    json_t *probe = v && !cs_value_is_blank(v) ? json_pack("{ss}", m->hs, v) : NULL;
    cs_write_result known;
    /* A value HubSpot refused earlier in the pass is not sent again. */
    if (probe != NULL && !retry_known_bad(p, true, p->pair->hs_object, probe, &known)) {
        char why[256 + 2 * CS_VALUES_MAX_LEN];
        int n = strcmp(raw, v) == 0
                    ? snprintf(why, sizeof why, "%s: %s", cs_rule_name(m->rule), DEFAULT_REASON)
                    : snprintf(why, sizeof why, "%s: %s; R3: value map '%s' -> '%s'",
                               cs_rule_name(m->rule), DEFAULT_REASON, raw, v);
        rc = fold(d, m->hs, NULL, v, n > 0 && (size_t)n < sizeof why ? why : DEFAULT_REASON, err);
    }
    json_decref(probe);
    cs_buf_free(&sb);
    return rc;
}

/* Every mapped row of one new record. */
static int fold_record(sync_pass *p, apply_default *d, const char *sf_type, const cs_record *rec,
                       cs_err *err)
{
    for (size_t i = 0; i < p->pair->nmaps; i++) {
        const cs_field_mapping *m = &p->pair->maps[i];
        const char *field = cs_pair_field(p->pair, m, sf_type);
        if (field == NULL || m->rule == CS_RULE_DONT_SYNC || (m->flags & CS_MAP_OPTOUT))
            continue; /* C10: an unticked box is HubSpot's blank */
        const char *raw = cs_record_get(rec, field);
        int rc = (m->flags & CS_MAP_OWNER) ? fold_owner(p, d, m, raw, err)
                                           : fold_plain(p, d, m, raw, err);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int apply_defaults_read(sync_pass *p, const char *sf_type, apply_default *d, size_t n, cs_err *err)
{
    if (n == 0)
        return 0;
    const char **ids = calloc(n, sizeof *ids);
    if (ids == NULL)
        return oom(err);
    for (size_t i = 0; i < n; i++)
        ids[i] = d[i].sf_id;
    cs_record_list got;
    cs_record_list_init(&got);
    int rc = cs_connector_read(p->s->opt.salesforce, sf_type, ids, n, &got, err);
    free(ids);
    /* The answer's records by id, so a batch costs n lookups, not n x n
     * comparisons. */
    cs_map *by_id = rc == 0 ? cs_map_new(NULL) : NULL;
    if (rc == 0 && by_id == NULL)
        rc = oom(err);
    for (size_t k = 0; rc == 0 && k < got.len; k++)
        if (got.items[k].id != NULL && !cs_map_has(by_id, got.items[k].id) &&
            cs_map_put(by_id, got.items[k].id, &got.items[k]) != 0)
            rc = oom(err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const cs_record *rec = cs_map_get(by_id, d[i].sf_id);
        if (rec != NULL && d[i].snapshot == NULL)
            rc = fold_record(p, &d[i], sf_type, rec, err);
    }
    cs_map_free(by_id);
    cs_record_list_dispose(&got);
    return rc;
}

int apply_defaults_landed(sync_pass *p, const apply_default *d, const char *hs_id, cs_err *err)
{
    if (d->snapshot == NULL)
        return 0;
    const char *prop;
    json_t *row;
    json_object_foreach(d->journal, prop, row)
    {
        cs_journal_entry e = {.run_id = p->rep->run_id,
                              .dir = CS_STORE_SF_TO_HS,
                              .op = CS_STORE_OP_UPDATE,
                              .object = p->pair->link_object,
                              .hs_id = hs_id,
                              .sf_id = d->sf_id,
                              .field = prop,
                              .old_value = json_string_value(json_array_get(row, 0)),
                              .new_value = json_string_value(json_array_get(row, 1)),
                              .reason = json_string_value(json_array_get(row, 2))};
        if (cs_store_journal_add(p->s->opt.store, &e, err) != 0)
            return -1;
    }
    cs_snapshot snap;
    memset(&snap, 0, sizeof snap);
    int found = 1;
    if (d->stored != NULL) /* the create's own snapshot, stored in this batch */
        snap = (cs_snapshot){.fields = json_incref(d->stored),
                             .hs_modified_ms = d->op->hs_modified_ms,
                             .sf_modified_ms = d->op->sf_modified_ms};
    else
        found = cs_store_snapshot_get(p->s->opt.store, p->pair->link_object, hs_id, &snap, err);
    if (found != 1)
        return found < 0 ? -1 : 0; /* the create's link keeps no snapshot: the merge decides */
    int rc = json_object_update(snap.fields, d->snapshot) == 0 ? 0 : oom(err);
    if (rc == 0)
        rc = cs_store_snapshot_put(p->s->opt.store, p->pair->link_object, hs_id, &snap, err);
    cs_snapshot_dispose(&snap);
    return rc;
}
