/* The fixture shared by the plan's unit tests: settings and mappings (the
 * defaults of MAPPINGS.md unless a test changes them), compact record
 * builders, and lookups into the plan. Header-only: each test file is its own
 * executable. */
#ifndef CS_TEST_PLAN_FIXTURE_H
#define CS_TEST_PLAN_FIXTURE_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/plan.h"

#define END  ((const char *)NULL)
#define NUL  "\x01null"    /* a JSON null field value in the builders */
#define NOW  1700000000000 /* the pass's time */
#define MAXR 32

/* ---- fixture ----------------------------------------------------------------- */

typedef struct fx {
    cs_contact_settings st;
    cs_field_mapping maps[48];
    size_t nmaps;
    const char *owners[8][2]; /* HS owner id, email */
    size_t nowners;
    const char *users[8][2]; /* SF User id, email */
    bool user_active[8];
    size_t nusers;
    const char *members[8];
    size_t nmembers;
    const char *accounts[8][2]; /* HS id, Account id */
    size_t naccounts;
    cs_plan_input *in;
    cs_plan *plan;
} fx;

static inline void fx_init(fx *f)
{
    memset(f, 0, sizeof *f);
    f->st.create_salesforce_as = CS_CREATE_LEAD;
    f->st.on_salesforce_change = CS_SF_CHANGE_CREATE_OR_UPDATE;
    f->st.required_placeholder = "[not provided]";
    f->st.conflict_winner = CS_WINNER_LATEST;
    size_t n = 0;
    const cs_field_mapping *d = cs_config_default_contact_mappings(&n);
    cr_assert(n < 40);
    memcpy(f->maps, d, n * sizeof *d);
    f->nmaps = n;
}

static inline void fx_fini(fx *f)
{
    cs_plan_free(f->plan);
    cs_plan_input_free(f->in);
    f->plan = NULL;
    f->in = NULL;
}

static inline void set_rule(fx *f, const char *hs, cs_rule rule)
{
    for (size_t i = 0; i < f->nmaps; i++) {
        if (strcmp(f->maps[i].hs, hs) == 0) {
            f->maps[i].rule = rule;
            return;
        }
    }
    cr_assert_fail("no mapping %s", hs);
}

static inline void add_map(fx *f, const char *hs, const char *lead, const char *contact,
                           cs_rule rule)
{
    cs_field_mapping m = {hs, lead, contact, rule, CS_RULES_ANY, 0, 0, 0, NULL, 0};
    f->maps[f->nmaps++] = m;
}

static inline void owner(fx *f, const char *id, const char *email)
{
    f->owners[f->nowners][0] = id;
    f->owners[f->nowners++][1] = email;
}

static inline void user(fx *f, const char *id, const char *email, bool active)
{
    f->users[f->nusers][0] = id;
    f->users[f->nusers][1] = email;
    f->user_active[f->nusers++] = active;
}

/* Creates the input with the fixture's settings, owners, members, accounts. */
static inline void start(fx *f)
{
    cs_err err;
    fx_fini(f);
    cr_assert_eq(cs_plan_input_new(&f->st, f->maps, f->nmaps, NOW, &f->in, &err), 0, "%s",
                 err.message);
    for (size_t i = 0; i < f->nowners; i++)
        cr_assert_eq(cs_plan_input_add_hs_owner(f->in, f->owners[i][0], f->owners[i][1], &err), 0);
    for (size_t i = 0; i < f->nusers; i++)
        cr_assert_eq(cs_plan_input_add_sf_user(f->in, f->users[i][0], f->users[i][1],
                                               f->user_active[i], &err),
                     0);
    for (size_t i = 0; i < f->nmembers; i++)
        cr_assert_eq(cs_plan_input_add_member(f->in, f->members[i], &err), 0);
    for (size_t i = 0; i < f->naccounts; i++)
        cr_assert_eq(
            cs_plan_input_set_company_account(f->in, f->accounts[i][0], f->accounts[i][1], &err),
            0);
}

/* A record from (field, value) pairs ending with END; NUL is a null value. */
static inline void vrecord(cs_record *r, const char *type, const char *id, int64_t ms, va_list ap)
{
    cr_assert_eq(cs_record_init(r, id, type), 0);
    r->modified_ms = ms;
    for (const char *k = va_arg(ap, const char *); k != NULL; k = va_arg(ap, const char *)) {
        const char *v = va_arg(ap, const char *);
        cr_assert_eq(cs_record_set(r, k, strcmp(v, NUL) == 0 ? NULL : v), 0);
    }
}

static inline void add(fx *f, cs_plan_role role, const char *type, const char *id, int64_t ms, ...)
{
    cs_record r;
    va_list ap;
    va_start(ap, ms);
    vrecord(&r, type, id, ms, ap);
    va_end(ap);
    cs_err err;
    cr_assert_eq(cs_plan_input_add_record(f->in, &r, role, &err), 0, "%s", err.message);
}

#define HS(f, role, id, ms, ...)      add(f, role, "contacts", id, ms, __VA_ARGS__, END)
#define LEAD(f, role, id, ms, ...)    add(f, role, "Lead", id, ms, __VA_ARGS__, END)
#define CONTACT(f, role, id, ms, ...) add(f, role, "Contact", id, ms, __VA_ARGS__, END)
#define CHG                           CS_PLAN_CHANGED
#define CTX                           CS_PLAN_CONTEXT

static inline void link(fx *f, const char *hs_id, const char *type, const char *sf_id,
                        const char *snap)
{
    json_t *s = NULL;
    if (snap != NULL) {
        json_error_t je;
        s = json_loads(snap, 0, &je);
        cr_assert_not_null(s, "bad snapshot in test: %s", je.text);
    }
    cs_err err;
    cr_assert_eq(cs_plan_input_add_link(f->in, hs_id, type, sf_id, s, &err), 0, "%s", err.message);
    json_decref(s);
}

/* A link whose snapshot holds every mapped key (null) overridden by the
 * JSON object text over: a pair that synced before with nothing missing. */
static inline void link_full(fx *f, const char *hs_id, const char *type, const char *sf_id,
                             const char *over)
{
    json_error_t je;
    json_t *o = json_loads(over, 0, &je);
    cr_assert_not_null(o, "bad snapshot in test: %s", je.text);
    json_t *s = json_object();
    for (size_t i = 0; i < f->nmaps; i++)
        json_object_set_new(s, f->maps[i].hs, json_null());
    json_object_set_new(s, CS_PLAN_SNAP_SF_OWNER, json_null());
    json_object_update(s, o);
    cs_err err;
    cr_assert_eq(cs_plan_input_add_link(f->in, hs_id, type, sf_id, s, &err), 0, "%s", err.message);
    json_decref(s);
    json_decref(o);
}

static inline const cs_plan *build(fx *f)
{
    cs_err err;
    cs_plan_free(f->plan);
    f->plan = NULL;
    cr_assert_eq(cs_plan_build(f->in, &f->plan, &err), 0, "%s", err.message);
    return f->plan;
}

/* The first op of kind and target (target < 0: any) naming id (NULL: any). */
static inline const cs_plan_op *find(const fx *f, cs_plan_kind kind, int target, const char *id)
{
    for (size_t i = 0; i < cs_plan_count(f->plan); i++) {
        const cs_plan_op *op = cs_plan_get(f->plan, i);
        if (op->kind != kind || (target >= 0 && (int)op->target != target))
            continue;
        if (id == NULL || (op->hs_id && strcmp(op->hs_id, id) == 0) ||
            (op->sf_id && strcmp(op->sf_id, id) == 0))
            return op;
    }
    return NULL;
}

static inline size_t count(const fx *f, cs_plan_kind kind, int target)
{
    return cs_plan_count_kind(f->plan, kind, target);
}

/* A field of an op as text: the value, "<null>", or "<absent>". */
static inline const char *fv(const cs_plan_op *op, const char *name)
{
    cr_assert_not_null(op);
    json_t *v = op->fields ? json_object_get(op->fields, name) : NULL;
    if (v == NULL)
        return "<absent>";
    return json_is_string(v) ? json_string_value(v) : "<null>";
}

static inline const char *sv(const cs_plan_op *op, const char *key)
{
    cr_assert_not_null(op);
    json_t *v = op->snapshot ? json_object_get(op->snapshot, key) : NULL;
    if (v == NULL)
        return "<absent>";
    return json_is_string(v) ? json_string_value(v) : "<null>";
}

static inline const char *why(const cs_plan_op *op, const char *field)
{
    cr_assert_not_null(op);
    for (size_t i = 0; i < op->nchanges; i++) {
        if (strcmp(op->changes[i].field, field) == 0)
            return op->changes[i].reason;
    }
    return "<absent>";
}

static inline bool contains(const char *s, const char *part)
{
    return s != NULL && strstr(s, part) != NULL;
}

/* A snapshot of a pair that synced Ann Lee <ann@x.com> with phone 1. */
#define SNAP_ANN                                                                                   \
    "{\"email\":\"ann@x.com\",\"firstname\":\"Ann\",\"lastname\":\"Lee\",\"phone\":\"1\","         \
    "\"hs_email_optout\":\"false\"}"

#endif
