/* The pure half of `crmsync verify`: given every record of both sides, the
 * links, the owners and the records with open errors, list what disagrees
 * (see verify.h for the rules). Values compare as the plan compares them:
 * in HubSpot's terms, through the mapping's value map (R3). No I/O. */
#include <stdlib.h>
#include <string.h>

#include "engine/value.h"
#include "engine/verify.h"
#include "engine/verify_int.h"

#define EMAIL_KEY_MAX 256
#define VALUE_MAX     ((size_t)1 << 20) /* one value translated through a value map */

const char *cs_verify_kind_name(cs_verify_kind kind)
{
    static const char *const names[] = {"fields",    "unlinked",  "gone",      "converted",
                                        "not_in_sf", "not_in_hs", "duplicate", "sf_duplicate"};
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}

static void item_dispose(cs_verify_item *it)
{
    free(it->email);
    free(it->hs_id);
    free(it->sf_type);
    free(it->sf_id);
    for (size_t i = 0; i < it->ndiffs; i++) {
        free(it->diffs[i].hs_property);
        free(it->diffs[i].sf_field);
        free(it->diffs[i].hs_value);
        free(it->diffs[i].sf_value);
    }
    free(it->diffs);
    free(it->detail);
    free(it->open_error);
}

void cs_verify_report_free(cs_verify_report *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->count; i++)
        item_dispose(&r->items[i]);
    free(r->items);
    free(r);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Appends an item (strings copied). Returns it, or NULL when memory ran out. */
static cs_verify_item *add_item(cs_verify_report *r, cs_verify_kind kind, const char *email,
                                const char *hs_id, const char *sf_type, const char *sf_id,
                                const char *detail, const char *open_error)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        cs_verify_item *items = realloc(r->items, cap * sizeof *items);
        if (items == NULL)
            return NULL;
        r->items = items;
        r->cap = cap;
    }
    cs_verify_item *it = &r->items[r->count];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->email = dup_or_null(email);
    it->hs_id = dup_or_null(hs_id);
    it->sf_type = dup_or_null(sf_type);
    it->sf_id = dup_or_null(sf_id);
    it->detail = dup_or_null(detail);
    it->open_error = dup_or_null(open_error);
    if ((email && !it->email) || (hs_id && !it->hs_id) || (sf_type && !it->sf_type) ||
        (sf_id && !it->sf_id) || (detail && !it->detail) || (open_error && !it->open_error)) {
        item_dispose(it);
        return NULL;
    }
    r->count++;
    if (open_error)
        r->explained++;
    else
        r->divergences++;
    return it;
}

static int add_diff(cs_verify_item *it, const char *hs, const char *sf, const char *hv,
                    const char *sv)
{
    cs_verify_diff *d = realloc(it->diffs, (it->ndiffs + 1) * sizeof *d);
    if (d == NULL)
        return -1;
    it->diffs = d;
    cs_verify_diff *x = &d[it->ndiffs];
    x->hs_property = strdup(hs);
    x->sf_field = strdup(sf);
    x->hs_value = dup_or_null(hv);
    x->sf_value = dup_or_null(sv);
    it->ndiffs++;
    if (!x->hs_property || !x->sf_field || (hv && !x->hs_value) || (sv && !x->sf_value))
        return -1;
    return 0;
}

/* ---- indexes --------------------------------------------------------------------- */

typedef struct vindex {
    json_t *by_id;          /* id → record vindex (integer), per list */
    json_t *hs_email;       /* email key → array of HS record indexes */
    json_t *sf_email;       /* email key → array of [0 lead or 1 contact, index] */
    json_t *owner_email;    /* HS owner id → email */
    json_t *owner_by_email; /* email → HS owner id */
    json_t *user_email;     /* SF User id → email */
    json_t *hs_linked, *sf_linked;
} vindex;

static const char *error_of(const cs_verify_input *in, const char *id)
{
    return id && in->open_errors ? json_string_value(json_object_get(in->open_errors, id)) : NULL;
}

static int index_build(const cs_verify_input *in, vindex *ix)
{
    memset(ix, 0, sizeof *ix);
    ix->by_id = json_object();
    ix->hs_email = json_object();
    ix->sf_email = json_object();
    ix->owner_email = json_object();
    ix->owner_by_email = json_object();
    ix->user_email = json_object();
    ix->hs_linked = json_object();
    ix->sf_linked = json_object();
    if (!ix->by_id || !ix->hs_email || !ix->sf_email || !ix->owner_email || !ix->owner_by_email ||
        !ix->user_email || !ix->hs_linked || !ix->sf_linked)
        return -1;
    char key[EMAIL_KEY_MAX];
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < in->hubspot->len; i++) {
        const cs_record *r = &in->hubspot->items[i];
        rc |= json_object_set_new(ix->by_id, r->id, json_integer((json_int_t)i));
        if (cs_email_key(cs_record_get(r, "email"), key, sizeof key)) {
            json_t *a = json_object_get(ix->hs_email, key);
            if (a == NULL) {
                a = json_array();
                rc |= json_object_set_new(ix->hs_email, key, a);
            }
            rc |= json_array_append_new(a, json_integer((json_int_t)i));
        }
    }
    const cs_record_list *sf[2] = {in->leads, in->contacts};
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; rc == 0 && i < sf[l]->len; i++) {
            const cs_record *r = &sf[l]->items[i];
            rc |= json_object_set_new(ix->by_id, r->id, json_integer((json_int_t)i));
            if (l == 0 && cs_value_is_true(cs_record_get(r, "IsConverted")))
                continue;
            if (cs_email_key(cs_record_get(r, "Email"), key, sizeof key)) {
                json_t *a = json_object_get(ix->sf_email, key);
                if (a == NULL) {
                    a = json_array();
                    rc |= json_object_set_new(ix->sf_email, key, a);
                }
                rc |= json_array_append_new(a, json_pack("[ii]", l, (json_int_t)i));
            }
        }
    }
    for (size_t i = 0; rc == 0 && in->hs_owners && i < in->hs_owners->len; i++) {
        const cs_record *o = &in->hs_owners->items[i];
        if (cs_email_key(cs_record_get(o, "email"), key, sizeof key)) {
            rc |= json_object_set_new(ix->owner_email, o->id, json_string(key));
            rc |= json_object_set_new(ix->owner_by_email, key, json_string(o->id));
        }
    }
    for (size_t i = 0; rc == 0 && in->sf_users && i < in->sf_users->len; i++) {
        const cs_record *u = &in->sf_users->items[i];
        if (cs_email_key(cs_record_get(u, "email"), key, sizeof key))
            rc |= json_object_set_new(ix->user_email, u->id, json_string(key));
    }
    for (size_t i = 0; rc == 0 && i < in->nlinks; i++) {
        rc |= json_object_set_new(ix->hs_linked, in->links[i].hs_id, json_true());
        rc |= json_object_set_new(ix->sf_linked, in->links[i].sf_id, json_true());
    }
    return rc == 0 ? 0 : -1;
}

static void index_dispose(vindex *ix)
{
    json_decref(ix->by_id);
    json_decref(ix->hs_email);
    json_decref(ix->sf_email);
    json_decref(ix->owner_email);
    json_decref(ix->owner_by_email);
    json_decref(ix->user_email);
    json_decref(ix->hs_linked);
    json_decref(ix->sf_linked);
}

static const cs_record *find(const cs_record_list *l, const vindex *ix, const char *id)
{
    json_t *v = json_object_get(ix->by_id, id);
    if (v == NULL)
        return NULL;
    size_t i = (size_t)json_integer_value(v);
    return i < l->len && strcmp(l->items[i].id, id) == 0 ? &l->items[i] : NULL;
}

/* ---- one linked pair --------------------------------------------------------------- */

/* Whether the two values of mapping m agree once its rule is applied: 1
 * they agree, 0 they differ, -1 out of memory. sb: two scratch buffers for
 * the value map's multi-select translations. */
static int field_agrees(const cs_verify_input *in, const vindex *ix, const cs_field_mapping *m,
                        const char *h, const char *s, cs_buf *sb)
{
    if (m->flags & CS_MAP_OPTOUT) /* C10: a checkbox; blank is false */
        return cs_value_is_true(h) == cs_value_is_true(s);
    if (m->flags & CS_MAP_EMAIL) {
        char a[EMAIL_KEY_MAX], b[EMAIL_KEY_MAX];
        bool ha = cs_email_key(h, a, sizeof a), hb = cs_email_key(s, b, sizeof b);
        return ha == hb && (!ha || strcmp(a, b) == 0);
    }
    if (m->flags & CS_MAP_OWNER) {
        /* C17: the two ids agree when they name one person (by email). An SF
         * owner with no HubSpot owner cannot be mirrored: not a divergence. */
        const char *se =
            cs_value_is_blank(s) ? NULL : json_string_value(json_object_get(ix->user_email, s));
        if (se == NULL || json_object_get(ix->owner_by_email, se) == NULL)
            return true;
        const char *he =
            cs_value_is_blank(h) ? NULL : json_string_value(json_object_get(ix->owner_email, h));
        return he != NULL && strcmp(he, se) == 0;
    }
    const char *ph = cs_config_contacts(in->config)->required_placeholder;
    if ((m->flags & CS_MAP_SF_REQUIRED) && ph && s && strcmp(s, ph) == 0)
        s = NULL; /* C13: the placeholder reads as blank */
    if (m->rule == CS_RULE_ALWAYS_SF && cs_value_is_blank(s))
        return true; /* SF has nothing to impose; HS keeps its own */
    if (m->rule == CS_RULE_ALWAYS_HS && cs_value_is_blank(h))
        return true;
    /* R3: compared in HubSpot's terms, as the plan compares them. */
    const char *hc, *sc;
    if (cs_values_translate(m, CS_VALUES_CANONICAL, h, &sb[0], &hc) != 0 ||
        cs_values_translate(m, CS_VALUES_TO_HS, s, &sb[1], &sc) != 0)
        return -1;
    return cs_value_equal(hc, sc);
}

static int compare_pair(const cs_verify_input *in, const vindex *ix, const cs_verify_link *l,
                        cs_verify_report *r, cs_buf *sb)
{
    bool lead = strcmp(l->sf_type, "Lead") == 0;
    const cs_record *h = find(in->hubspot, ix, l->hs_id);
    const cs_record *s = find(lead ? in->leads : in->contacts, ix, l->sf_id);
    const char *oerr = error_of(in, l->hs_id) ? error_of(in, l->hs_id) : error_of(in, l->sf_id);
    char detail[512];
    if (h == NULL || s == NULL) {
        if (snprintf(detail, sizeof detail, "linked, but the %s %s was not found",
                     h == NULL ? "HubSpot contact"
                               : (lead ? "Salesforce Lead" : "Salesforce Contact"),
                     h == NULL ? l->hs_id : l->sf_id) < 0)
            detail[0] = '\0';
        return add_item(r, CS_VERIFY_GONE, NULL, l->hs_id, l->sf_type, l->sf_id, detail, oerr) ? 0
                                                                                               : -1;
    }
    const char *email = cs_record_get(h, "email");
    if (lead && cs_value_is_true(cs_record_get(s, "IsConverted"))) {
        const char *cid = cs_record_get(s, "ConvertedContactId");
        if (snprintf(detail, sizeof detail,
                     "the linked Lead was converted to Contact %s but the link has not moved (C14)",
                     cid ? cid : "?") < 0)
            detail[0] = '\0';
        return add_item(r, CS_VERIFY_CONVERTED, email, l->hs_id, l->sf_type, l->sf_id, detail, oerr)
                   ? 0
                   : -1;
    }
    r->pairs_compared++;
    size_t n;
    const cs_field_mapping *maps = cs_config_mappings(in->config, &n);
    cs_verify_item *it = NULL;
    for (size_t i = 0; i < n; i++) {
        const cs_field_mapping *m = &maps[i];
        const char *field = lead ? m->sf_lead : m->sf_contact;
        if (field == NULL || m->rule == CS_RULE_DONT_SYNC)
            continue;
        r->fields_compared++;
        const char *hv = cs_record_get(h, m->hs), *sv = cs_record_get(s, field);
        int agrees = field_agrees(in, ix, m, hv, sv, sb);
        if (agrees < 0)
            return -1;
        if (agrees)
            continue;
        if (it == NULL) {
            it = add_item(r, CS_VERIFY_FIELDS, email, l->hs_id, l->sf_type, l->sf_id,
                          "linked, but mapped fields differ", oerr);
            if (it == NULL)
                return -1;
        }
        if (add_diff(it, m->hs, field, hv, sv) != 0)
            return -1;
    }
    return 0;
}

/* ---- records without their counterpart ------------------------------------------ */

static int unlinked_hs(const cs_verify_input *in, const vindex *ix, cs_verify_report *r)
{
    const cs_contact_settings *cs = cs_config_contacts(in->config);
    const char *key;
    json_t *arr;
    char detail[512];
    json_object_foreach(ix->hs_email, key, arr)
    {
        size_t nhs = json_array_size(arr);
        const cs_record *first = &in->hubspot->items[json_integer_value(json_array_get(arr, 0))];
        if (nhs > 1) {
            const cs_record *second =
                &in->hubspot->items[json_integer_value(json_array_get(arr, 1))];
            if (snprintf(detail, sizeof detail, "%zu HubSpot contacts share this email (%s, %s%s)",
                         nhs, first->id, second->id, nhs > 2 ? ", ..." : "") < 0)
                detail[0] = '\0';
            if (!add_item(r, CS_VERIFY_DUPLICATE, key, first->id, NULL, NULL, detail, NULL))
                return -1;
        }
        for (size_t k = 0; k < nhs; k++) {
            const cs_record *h = &in->hubspot->items[json_integer_value(json_array_get(arr, k))];
            if (json_object_get(ix->hs_linked, h->id))
                continue;
            json_t *sfs = json_object_get(ix->sf_email, key);
            const cs_record *peer = NULL;
            const char *peer_type = NULL;
            size_t j;
            json_t *e;
            json_array_foreach(sfs, j, e)
            {
                int list = (int)json_integer_value(json_array_get(e, 0));
                const cs_record_list *l = list == 0 ? in->leads : in->contacts;
                const cs_record *s = &l->items[json_integer_value(json_array_get(e, 1))];
                if (json_object_get(ix->sf_linked, s->id))
                    continue;
                if (peer == NULL || (list == 1 && strcmp(peer_type, "Lead") == 0)) {
                    peer = s;
                    peer_type = list == 0 ? "Lead" : "Contact";
                }
            }
            const char *oerr = error_of(in, h->id);
            if (peer != NULL) {
                if (oerr == NULL)
                    oerr = error_of(in, peer->id);
                if (snprintf(detail, sizeof detail,
                             "HubSpot contact %s and Salesforce %s %s share this email but are not "
                             "linked (C5)",
                             h->id, peer_type, peer->id) < 0)
                    detail[0] = '\0';
                if (!add_item(r, CS_VERIFY_UNLINKED, key, h->id, peer_type, peer->id, detail, oerr))
                    return -1;
            } else if (json_array_size(sfs) == 0 && (cs->inclusion_list == NULL || oerr != NULL)) {
                if (snprintf(detail, sizeof detail,
                             "HubSpot contact %s has no Salesforce Lead or Contact", h->id) < 0)
                    detail[0] = '\0';
                if (!add_item(r, CS_VERIFY_NOT_IN_SF, key, h->id, NULL, NULL, detail, oerr))
                    return -1;
            }
        }
    }
    return 0;
}

static int unlinked_sf(const cs_verify_input *in, const vindex *ix, cs_verify_report *r)
{
    const cs_contact_settings *cs = cs_config_contacts(in->config);
    const char *key;
    json_t *arr;
    char detail[512];
    json_object_foreach(ix->sf_email, key, arr)
    {
        if (json_object_get(ix->hs_email, key) != NULL)
            continue; /* linked, reported as unlinked above, or a C5 duplicate */
        /* C5: the record that would sync: a Contact over a Lead. */
        const cs_record *pick = NULL;
        const char *type = NULL;
        bool any_linked = false;
        size_t j;
        json_t *e;
        json_array_foreach(arr, j, e)
        {
            int list = (int)json_integer_value(json_array_get(e, 0));
            const cs_record_list *l = list == 0 ? in->leads : in->contacts;
            const cs_record *s = &l->items[json_integer_value(json_array_get(e, 1))];
            if (json_object_get(ix->sf_linked, s->id))
                any_linked = true;
            if (pick == NULL || (list == 1 && strcmp(type, "Lead") == 0)) {
                pick = s;
                type = list == 0 ? "Lead" : "Contact";
            }
        }
        if (any_linked || pick == NULL) /* linked: its HubSpot contact's email changed since,
                                         * so it is compared as a pair */
            continue;
        const char *oerr = NULL;
        json_array_foreach(arr, j, e)
        {
            int list = (int)json_integer_value(json_array_get(e, 0));
            const cs_record_list *l = list == 0 ? in->leads : in->contacts;
            const char *id = l->items[json_integer_value(json_array_get(e, 1))].id;
            if (oerr == NULL)
                oerr = error_of(in, id);
        }
        if (cs->on_salesforce_change == CS_SF_CHANGE_NOTHING && oerr == NULL)
            continue; /* C3: SF records start no sync */
        if (snprintf(detail, sizeof detail, "Salesforce %s %s has no HubSpot contact", type,
                     pick->id) < 0)
            detail[0] = '\0';
        if (!add_item(r, CS_VERIFY_NOT_IN_HS, key, NULL, type, pick->id, detail, oerr))
            return -1;
    }
    return 0;
}

/* C5 on the Salesforce side: among the open Leads, and among the Contacts,
 * one record per email. A Lead and a Contact sharing one is allowed (the
 * Contact is preferred); converted Leads are history and not indexed. */
static int sf_duplicates(const cs_verify_input *in, const vindex *ix, cs_verify_report *r)
{
    const char *key;
    json_t *arr;
    char detail[512];
    json_object_foreach(ix->sf_email, key, arr)
    {
        for (int list = 0; list < 2; list++) {
            const cs_record_list *l = list == 0 ? in->leads : in->contacts;
            const char *type = list == 0 ? "Lead" : "Contact";
            const cs_record *found[2] = {NULL, NULL};
            size_t n = 0, j;
            json_t *e;
            json_array_foreach(arr, j, e)
            {
                if ((int)json_integer_value(json_array_get(e, 0)) != list)
                    continue;
                if (n < 2)
                    found[n] = &l->items[json_integer_value(json_array_get(e, 1))];
                n++;
            }
            if (n < 2)
                continue;
            if (snprintf(detail, sizeof detail,
                         "%zu Salesforce %ss share this email (%s, %s%s); the sync never creates "
                         "a second one (C5)",
                         n, type, found[0]->id, found[1]->id, n > 2 ? ", ..." : "") < 0)
                detail[0] = '\0';
            if (!add_item(r, CS_VERIFY_SF_DUPLICATE, key, NULL, type, found[0]->id, detail, NULL))
                return -1;
        }
    }
    return 0;
}

int cs_verify_compare(const cs_verify_input *in, cs_verify_report **out, cs_err *err)
{
    if (in == NULL || in->config == NULL || in->hubspot == NULL || in->leads == NULL ||
        in->contacts == NULL || (in->nlinks > 0 && in->links == NULL))
        return cs_err_set(err, CS_ERR_INTERNAL, "verify: incomplete input");
    cs_verify_report *r = calloc(1, sizeof *r);
    if (r == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "verify: out of memory");
    r->hs_records = in->hubspot->len;
    r->sf_leads = in->leads->len;
    r->sf_contacts = in->contacts->len;
    r->links = in->nlinks;
    vindex ix;
    cs_buf sb[2];
    cs_buf_init(&sb[0], VALUE_MAX);
    cs_buf_init(&sb[1], VALUE_MAX);
    int rc = index_build(in, &ix);
    for (size_t i = 0; rc == 0 && i < in->nlinks; i++)
        rc = compare_pair(in, &ix, &in->links[i], r, sb);
    cs_buf_free(&sb[0]);
    cs_buf_free(&sb[1]);
    if (rc == 0)
        rc = unlinked_hs(in, &ix, r);
    if (rc == 0)
        rc = unlinked_sf(in, &ix, r);
    if (rc == 0)
        rc = sf_duplicates(in, &ix, r);
    index_dispose(&ix);
    if (rc != 0) {
        cs_verify_report_free(r);
        return cs_err_set(err, CS_ERR_INTERNAL, "verify: out of memory");
    }
    *out = r;
    return 0;
}

/* ---- for verify_companies.c ---------------------------------------------------- */

cs_verify_item *verify_add_item(cs_verify_report *r, cs_verify_kind kind, const char *email,
                                const char *hs_id, const char *sf_type, const char *sf_id,
                                const char *detail, const char *open_error)
{
    return add_item(r, kind, email, hs_id, sf_type, sf_id, detail, open_error);
}

int verify_add_diff(cs_verify_item *it, const char *hs, const char *sf, const char *hv,
                    const char *sv)
{
    return add_diff(it, hs, sf, hv, sv);
}
