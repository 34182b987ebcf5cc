/* Unit tests of the engine's plan step (engine/plan.h): every rule it
 * implements, driven with in-memory records and no server. Each test names
 * the SPEC rule it proves. A small in-memory "world" applies a plan the way
 * apply would (writes, links, snapshots) so the tests can prove that a pass
 * right after a pass writes nothing (echo suppression). */
#include "plan_fixture.h"

/* ---- R1 on later syncs ------------------------------------------------------------ */

Test(plan, r1_psf_changed_in_sf_only_updates_hubspot)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CTX, "1", 100, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "phone",
       "1");
    LEAD(&f, CHG, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Anna", "LastName", "Lee",
         "Phone", "1");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    const cs_plan_op *u = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    cr_assert_str_eq(fv(u, "firstname"), "Anna");
    cr_assert_str_eq(why(u, "firstname"), "prefer_sf_unless_blank: Salesforce value wins");
    cr_assert_str_eq(sv(u, "firstname"), "Anna");
    cr_assert_eq(u->nchanges, 1, "only the changed field is written");
    cr_assert_null(find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, NULL));
    fx_fini(&f);
}

Test(plan, r1_psf_hubspot_edit_is_overwritten_by_nonblank_sf)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "firstname", "Annie", "lastname", "Lee", "phone",
       "1");
    LEAD(&f, CTX, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Ann", "LastName", "Lee", "Phone",
         "1");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1"), "firstname"), "Ann");
    cr_assert_null(find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, NULL));
    fx_fini(&f);
}

Test(plan, r1_psf_clear_in_sf_clears_hubspot_and_blank_sf_is_filled)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CTX, "1", 100, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "phone", "1",
       "jobtitle", "CTO");
    LEAD(&f, CHG, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Ann", "LastName", "Lee", "Phone",
         NUL, "Title", NUL);
    link(&f, "1", "Lead", "00Q1",
         "{\"email\":\"ann@x.com\",\"firstname\":\"Ann\",\"lastname\":\"Lee\",\"phone\":\"1\","
         "\"jobtitle\":null}");
    build(&f);
    const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    cr_assert_str_eq(fv(h, "phone"), "<null>");
    cr_assert_str_eq(why(h, "phone"), "prefer_sf_unless_blank: cleared in Salesforce");
    const cs_plan_op *s = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1");
    cr_assert_str_eq(fv(s, "Title"), "CTO");
    cr_assert_str_eq(sv(s, "jobtitle"), "CTO");
    fx_fini(&f);
}

Test(plan, r1_two_way_one_side_changed_copies_it_clears_too)
{
    fx f;
    fx_init(&f);
    set_rule(&f, "firstname", CS_RULE_TWO_WAY);
    set_rule(&f, "phone", CS_RULE_TWO_WAY);
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "firstname", "Annie", "lastname", "Lee", "phone",
       "1");
    LEAD(&f, CHG, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Ann", "LastName", "Lee", "Phone",
         "");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    const cs_plan_op *s = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1");
    cr_assert_str_eq(fv(s, "FirstName"), "Annie");
    cr_assert_str_eq(why(s, "FirstName"), "two_way: changed in HubSpot");
    const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    cr_assert_str_eq(fv(h, "phone"), "<null>");
    cr_assert_str_eq(why(h, "phone"), "two_way: cleared in Salesforce");
    fx_fini(&f);
}

Test(plan, r1_two_way_same_field_conflict_each_winner)
{
    const struct {
        cs_conflict_winner w;
        int64_t hs_ms, sf_ms;
        const char *hs_gets, *sf_gets, *reason;
    } cases[] = {
        {CS_WINNER_LATEST, 300, 200, "<absent>", "Annie",
         "two_way: conflict, latest (hubspot) won"},
        {CS_WINNER_LATEST, 200, 300, "Anne", "<absent>",
         "two_way: conflict, latest (salesforce) won"},
        {CS_WINNER_LATEST, 200, 200, "Anne", "<absent>",
         "two_way: conflict, latest (salesforce) won"},
        {CS_WINNER_HUBSPOT, 200, 300, "<absent>", "Annie", "two_way: conflict, hubspot won"},
        {CS_WINNER_SALESFORCE, 300, 200, "Anne", "<absent>", "two_way: conflict, salesforce won"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx f;
        fx_init(&f);
        f.st.conflict_winner = cases[i].w;
        set_rule(&f, "firstname", CS_RULE_TWO_WAY);
        start(&f);
        HS(&f, CHG, "1", cases[i].hs_ms, "email", "ann@x.com", "firstname", "Annie", "lastname",
           "Lee", "phone", "1");
        LEAD(&f, CHG, "00Q1", cases[i].sf_ms, "Email", "ann@x.com", "FirstName", "Anne", "LastName",
             "Lee", "Phone", "1");
        link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
        build(&f);
        const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
        const cs_plan_op *s = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1");
        cr_assert_str_eq(h ? fv(h, "firstname") : "<absent>", cases[i].hs_gets, "case %zu", i);
        cr_assert_str_eq(s ? fv(s, "FirstName") : "<absent>", cases[i].sf_gets, "case %zu", i);
        cr_assert_str_eq(why(h ? h : s, h ? "firstname" : "FirstName"), cases[i].reason,
                         "case %zu: the conflict is journaled", i);
        fx_fini(&f);
    }
}

Test(plan, r1_different_fields_edited_on_both_sides_both_survive)
{
    fx f;
    fx_init(&f);
    set_rule(&f, "firstname", CS_RULE_TWO_WAY);
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "firstname", "Annie", "lastname", "Lee", "phone",
       "1");
    LEAD(&f, CHG, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Ann", "LastName", "Lee", "Phone",
         "2");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    const cs_plan_op *s = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1");
    const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    cr_assert_str_eq(fv(s, "FirstName"), "Annie");
    cr_assert_str_eq(fv(s, "Phone"), "<absent>");
    cr_assert_str_eq(fv(h, "phone"), "2");
    cr_assert_str_eq(fv(h, "firstname"), "<absent>");
    fx_fini(&f);
}

Test(plan, r1_always_and_dont_sync_rules)
{
    fx f;
    fx_init(&f);
    set_rule(&f, "firstname", CS_RULE_ALWAYS_HS);
    set_rule(&f, "phone", CS_RULE_ALWAYS_SF);
    set_rule(&f, "jobtitle", CS_RULE_DONT_SYNC);
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "phone", "5",
       "jobtitle", "CTO");
    LEAD(&f, CHG, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Anne", "LastName", "Lee",
         "Phone", NUL, "Title", "CEO");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    const cs_plan_op *s = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1");
    const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    cr_assert_str_eq(fv(s, "FirstName"), "Ann", "always_hs reverts the SF edit");
    cr_assert_str_eq(fv(h, "phone"), "<null>", "always_sf: the SF blank overwrites HS");
    cr_assert_str_eq(fv(s, "Title"), "<absent>", "dont_sync");
    cr_assert_str_eq(fv(h, "jobtitle"), "<absent>", "dont_sync");
    fx_fini(&f);
}

Test(plan, r1_first_sync_of_a_link_per_rule)
{
    fx f;
    fx_init(&f);
    set_rule(&f, "jobtitle", CS_RULE_TWO_WAY);
    set_rule(&f, "fax", CS_RULE_PREFER_HS_UNLESS_BLANK);
    start(&f);
    HS(&f, CHG, "1", 300, "email", "Ann@X.com", "firstname", "Ann", "lastname", NUL, "phone", "1",
       "jobtitle", "CTO", "fax", "9");
    LEAD(&f, CTX, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Anne", "LastName", "Lee",
         "Phone", NUL, "Title", "CEO", "Fax", "8");
    build(&f);
    const cs_plan_op *l = find(&f, CS_PLAN_LINK, CS_PLAN_STORE, "1");
    cr_assert_not_null(l, "C5: linked instead of creating");
    const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    const cs_plan_op *s = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1");
    cr_assert_str_eq(fv(h, "firstname"), "Anne", "psf: SF non-blank wins");
    cr_assert_str_eq(fv(h, "lastname"), "Lee", "psf: HS blank filled");
    cr_assert_str_eq(fv(s, "Phone"), "1", "psf: SF blank filled from HS");
    cr_assert_str_eq(fv(s, "Title"), "CTO", "two_way first sync: latest (HS) wins");
    cr_assert_str_eq(fv(s, "Fax"), "9", "prefer_hs: HS wins");
    cr_assert_str_eq(fv(h, "salesforceleadid"), "00Q1", "the maintained link property");
    cr_assert_eq(count(&f, CS_PLAN_CREATE, -1), 0);
    /* The link's base snapshot holds, for each pending write, the value it
     * replaces: a failed write is redone by the next pass. */
    cr_assert_str_eq(sv(l, "firstname"), "Ann");
    cr_assert_str_eq(sv(l, "phone"), "<null>");
    cr_assert_str_eq(sv(h, "firstname"), "Anne");
    fx_fini(&f);
}

Test(plan, r1_new_mapping_never_rewrites_unless_backfilled)
{
    fx f;
    fx_init(&f);
    add_map(&f, "favorite_color", "Favorite_Color__c", "Favorite_Color__c",
            CS_RULE_PREFER_SF_UNLESS_BLANK);
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "phone", "1",
       "favorite_color", "red");
    LEAD(&f, CTX, "00Q1", 200, "Email", "ann@x.com", "FirstName", "Ann", "LastName", "Lee", "Phone",
         "1", "Favorite_Color__c", "blue");
    link(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    cr_assert(cs_plan_writes_nothing(f.plan), "R1: a new mapping does not rewrite values");
    cs_err err;
    cr_assert_eq(cs_plan_input_add_backfill(f.in, "favorite_color", &err), 0);
    build(&f);
    cr_assert_str_eq(fv(find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1"), "favorite_color"), "blue");
    fx_fini(&f);
}

/* ---- echo suppression, no-ops, determinism ------------------------------------------ */

Test(plan, echo_all_agree_with_snapshot_gives_no_op)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "firstname", "Ann", "lastname", "Lee", "phone", "1",
       "hs_email_optout", "false");
    LEAD(&f, CHG, "00Q1", 310, "Email", "ann@x.com", "FirstName", "Ann", "LastName", "Lee", "Phone",
         "1.0", "HasOptedOutOfEmail", "false");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    cr_assert_eq(cs_plan_count(f.plan), 0, "no op, not an empty update");
    fx_fini(&f);
}

Test(plan, echo_stale_snapshot_is_refreshed_without_writes)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "firstname", "Anna", "lastname", "Lee", "phone",
       "1");
    LEAD(&f, CHG, "00Q1", 310, "Email", "ann@x.com", "FirstName", "Anna", "LastName", "Lee",
         "Phone", "1");
    link_full(&f, "1", "Lead", "00Q1", SNAP_ANN);
    build(&f);
    cr_assert_eq(cs_plan_count(f.plan), 1);
    const cs_plan_op *r = find(&f, CS_PLAN_REFRESH, CS_PLAN_STORE, "1");
    cr_assert_str_eq(sv(r, "firstname"), "Anna");
    cr_assert(cs_plan_writes_nothing(f.plan));
    fx_fini(&f);
}

/* ---- the world: apply a plan in memory ------------------------------------------------ */

typedef struct world {
    cs_record hs[MAXR], sf[MAXR];
    size_t nhs, nsf;
    struct {
        char hs[32], type[16], sf[32];
        json_t *snap;
        bool used;
    } links[MAXR];
    int next;
    int64_t clock;
} world;

static cs_record *w_find(cs_record *v, size_t n, const char *id)
{
    for (size_t i = 0; id && i < n; i++) {
        if (strcmp(v[i].id, id) == 0)
            return &v[i];
    }
    return NULL;
}

static int w_link(world *w, const char *hs, const char *sf)
{
    for (int i = 0; i < MAXR; i++) {
        if (w->links[i].used &&
            ((hs && strcmp(w->links[i].hs, hs) == 0) || (sf && strcmp(w->links[i].sf, sf) == 0)))
            return i;
    }
    return -1;
}

static void w_add_link(world *w, const char *hs, const char *type, const char *sf,
                       const json_t *snap)
{
    for (int i = 0; i < MAXR; i++) {
        if (!w->links[i].used) {
            w->links[i].used = true;
            snprintf(w->links[i].hs, sizeof w->links[i].hs, "%s", hs);
            snprintf(w->links[i].type, sizeof w->links[i].type, "%s", type);
            snprintf(w->links[i].sf, sizeof w->links[i].sf, "%s", sf);
            w->links[i].snap = snap ? json_deep_copy(snap) : json_object();
            return;
        }
    }
    cr_assert_fail("world: too many links");
}

static void w_write(world *w, cs_record *r, const json_t *fields)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)fields, k, v)
    {
        cs_record_set(r, k, json_is_string(v) ? json_string_value(v) : NULL);
    }
    r->modified_ms = ++w->clock;
}

static void w_merge(world *w, int li, const cs_plan_op *op)
{
    if (li >= 0)
        cr_assert_eq(cs_plan_snapshot_merge(w->links[li].snap, op), 0);
}

/* Applies every op the way apply would, all of them succeeding. */
static void w_apply(world *w, const cs_plan *plan)
{
    for (size_t i = 0; i < cs_plan_count(plan); i++) {
        const cs_plan_op *op = cs_plan_get(plan, i);
        bool hub = op->target == CS_PLAN_HUBSPOT;
        cs_record *r = NULL;
        char id[32];
        switch (op->kind) {
        case CS_PLAN_LINK:
            w_add_link(w, op->hs_id, op->sf_type, op->sf_id, op->snapshot);
            break;
        case CS_PLAN_RELINK: {
            int li = w_link(w, op->hs_id, NULL);
            snprintf(w->links[li].type, sizeof w->links[li].type, "%s", op->sf_type);
            snprintf(w->links[li].sf, sizeof w->links[li].sf, "%s", op->sf_id);
            break;
        }
        case CS_PLAN_UNLINK:
        case CS_PLAN_ARCHIVE: {
            int li = w_link(w, op->hs_id, op->sf_id);
            json_decref(w->links[li].snap);
            w->links[li].used = false;
            break;
        }
        case CS_PLAN_CREATE:
            snprintf(id, sizeof id, "%s%d",
                     hub ? "" : (strcmp(op->sf_type, "Lead") ? "003" : "00Q"), 500 + w->next++);
            r = hub ? &w->hs[w->nhs++] : &w->sf[w->nsf++];
            cs_record_init(r, id, hub ? "contacts" : op->sf_type);
            w_write(w, r, op->fields);
            w_add_link(w, hub ? id : op->hs_id, op->sf_type, hub ? op->sf_id : id, op->snapshot);
            if (!hub) {
                cs_record *h = w_find(w->hs, w->nhs, op->hs_id);
                cs_record_set(h, op->link_property, id);
                h->modified_ms = ++w->clock;
            }
            break;
        case CS_PLAN_UPDATE: {
            r = hub ? w_find(w->hs, w->nhs, op->hs_id) : w_find(w->sf, w->nsf, op->sf_id);
            cr_assert_not_null(r);
            w_write(w, r, op->fields);
            int li = w_link(w, op->hs_id, op->sf_id);
            if (op->snapshot != NULL && li >= 0 && strcmp(w->links[li].sf, op->sf_id) == 0)
                w_merge(w, li, op);
            break;
        }
        case CS_PLAN_UNSUBSCRIBE: {
            int li = w_link(w, op->hs_id, op->sf_id);
            r = w_find(w->hs, w->nhs, w->links[li].hs);
            cs_record_set(r, "hs_email_optout", "true");
            r->modified_ms = ++w->clock;
            w_merge(w, li, op);
            break;
        }
        case CS_PLAN_REFRESH:
            w_merge(w, w_link(w, op->hs_id, NULL), op);
            break;
        default:
            break;
        }
    }
}

/* Plans a pass in which every record of the world is reported changed. */
static void w_plan(fx *f, world *w)
{
    start(f);
    cs_err err;
    for (size_t i = 0; i < w->nhs + w->nsf; i++) {
        cs_record c;
        cr_assert_eq(cs_record_copy(&c, i < w->nhs ? &w->hs[i] : &w->sf[i - w->nhs]), 0);
        cr_assert_eq(cs_plan_input_add_record(f->in, &c, CS_PLAN_CHANGED, &err), 0);
    }
    for (int i = 0; i < MAXR; i++) {
        if (w->links[i].used)
            cr_assert_eq(cs_plan_input_add_link(f->in, w->links[i].hs, w->links[i].type,
                                                w->links[i].sf, w->links[i].snap, &err),
                         0, "%s", err.message);
    }
    build(f);
}

static void w_put(world *w, bool hub, const char *type, const char *id, int64_t ms, ...)
{
    va_list ap;
    va_start(ap, ms);
    cs_record *r = hub ? &w->hs[w->nhs++] : &w->sf[w->nsf++];
    vrecord(r, type, id, ms, ap);
    va_end(ap);
    if (ms > w->clock)
        w->clock = ms;
}

static void w_free(world *w)
{
    for (size_t i = 0; i < w->nhs; i++)
        cs_record_dispose(&w->hs[i]);
    for (size_t i = 0; i < w->nsf; i++)
        cs_record_dispose(&w->sf[i]);
    for (int i = 0; i < MAXR; i++) {
        if (w->links[i].used)
            json_decref(w->links[i].snap);
    }
}

static void w_assert_agree(world *w, const char *hs_field, const char *sf_field)
{
    for (int i = 0; i < MAXR; i++) {
        if (!w->links[i].used)
            continue;
        const char *h = cs_record_get(w_find(w->hs, w->nhs, w->links[i].hs), hs_field);
        const char *s = cs_record_get(w_find(w->sf, w->nsf, w->links[i].sf), sf_field);
        cr_assert(h && s && strcmp(h, s) == 0, "pair %s/%s: %s '%s' vs %s '%s'", w->links[i].hs,
                  w->links[i].sf, hs_field, h ? h : "(null)", sf_field, s ? s : "(null)");
    }
}

Test(plan, echo_a_pass_right_after_a_pass_writes_nothing)
{
    fx f;
    fx_init(&f);
    set_rule(&f, "firstname", CS_RULE_TWO_WAY);
    owner(&f, "7", "boss@x.com");
    user(&f, "005B", "boss@x.com", true);
    world w;
    memset(&w, 0, sizeof w);
    /* HS only (→ SF Lead create), SF only (→ HS create), matched pair with
     * differing values and an owner, an SF opt-out, an HS-only blank lastname. */
    w_put(&w, true, "contacts", "1", 100, "email", "a@x.com", "firstname", "Al", "lastname", "A",
          "hubspot_owner_id", "7", END);
    w_put(&w, false, "Contact", "0031", 110, "Email", "b@x.com", "FirstName", "Bo", "LastName", "B",
          "OwnerId", "005B", "HasOptedOutOfEmail", "true", END);
    w_put(&w, true, "contacts", "3", 120, "email", "c@x.com", "firstname", "Cy", "phone", "5", END);
    w_put(&w, false, "Lead", "00Q3", 130, "Email", "C@x.com", "FirstName", "Cyd", "LastName", "C",
          "Company", "Acme", "OwnerId", "005B", END);
    w_put(&w, true, "contacts", "4", 140, "email", "d@x.com", "firstname", "Di", END);
    w_plan(&f, &w);
    cr_assert_eq(count(&f, CS_PLAN_CREATE, CS_PLAN_SALESFORCE), 2);
    cr_assert_eq(count(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT), 1);
    cr_assert_eq(count(&f, CS_PLAN_LINK, CS_PLAN_STORE), 1);
    cr_assert_eq(count(&f, CS_PLAN_UNSUBSCRIBE, CS_PLAN_HUBSPOT), 1);
    w_apply(&w, f.plan);

    w_plan(&f, &w);
    if (cs_plan_count(f.plan) != 0)
        cs_plan_print(f.plan, stderr);
    cr_assert_eq(cs_plan_count(f.plan), 0, "the echo of our own writes plans nothing");
    w_assert_agree(&w, "firstname", "FirstName");
    w_assert_agree(&w, "email", "Email");

    /* A later edit on one side flows once, then the pass after is quiet. */
    cs_record_set(w_find(w.sf, w.nsf, "00Q3"), "FirstName", "Cyrus");
    w_find(w.sf, w.nsf, "00Q3")->modified_ms = ++w.clock;
    w_plan(&f, &w);
    cr_assert_eq(cs_plan_count(f.plan), 1);
    w_apply(&w, f.plan);
    w_plan(&f, &w);
    cr_assert_eq(cs_plan_count(f.plan), 0);
    w_assert_agree(&w, "firstname", "FirstName");
    fx_fini(&f);
    w_free(&w);
}

Test(plan, echo_a_failed_write_is_planned_again)
{
    fx f;
    fx_init(&f);
    world w;
    memset(&w, 0, sizeof w);
    w_put(&w, true, "contacts", "1", 100, "email", "a@x.com", "firstname", "Al", "lastname", "A",
          END);
    w_put(&w, false, "Lead", "00Q1", 110, "Email", "a@x.com", "FirstName", "Alan", "LastName", "A",
          "Company", "Acme", END);
    w_plan(&f, &w);
    const cs_plan_op *l = find(&f, CS_PLAN_LINK, CS_PLAN_STORE, "1");
    cr_assert_not_null(l);
    /* Only the link lands; the HS update fails. */
    w_add_link(&w, "1", "Lead", "00Q1", l->snapshot);
    w_plan(&f, &w);
    const cs_plan_op *h = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
    cr_assert_str_eq(fv(h, "firstname"), "Alan");
    fx_fini(&f);
    w_free(&w);
}

Test(plan, determinism_same_input_same_plan_in_any_order)
{
    char *text[2];
    for (int round = 0; round < 2; round++) {
        fx f;
        fx_init(&f);
        start(&f);
        if (round == 0) {
            HS(&f, CHG, "10", 1, "email", "a@x.com", "firstname", "A");
            HS(&f, CHG, "9", 1, "email", "b@x.com", "firstname", "B");
            LEAD(&f, CHG, "00Q2", 1, "Email", "c@x.com", "LastName", "C");
            HS(&f, CHG, "11", 1, "firstname", "No email");
        } else {
            HS(&f, CHG, "11", 1, "firstname", "No email");
            LEAD(&f, CHG, "00Q2", 1, "Email", "c@x.com", "LastName", "C");
            HS(&f, CHG, "9", 1, "email", "b@x.com", "firstname", "B");
            HS(&f, CHG, "10", 1, "email", "a@x.com", "firstname", "A");
        }
        build(&f);
        cs_buf b;
        cs_buf_init(&b, 1 << 20);
        for (size_t i = 0; i < cs_plan_count(f.plan); i++)
            cr_assert_eq(cs_plan_op_format(cs_plan_get(f.plan, i), &b), 0);
        text[round] = cs_buf_take(&b);
        fx_fini(&f);
    }
    cr_assert_str_eq(text[0], text[1]);
    cr_assert(contains(text[0], "create Salesforce Lead from HubSpot contact 9 (b@x.com)"), "%s",
              text[0]);
    cr_assert(strstr(text[0], "contact 9 ") < strstr(text[0], "contact 10 "), "9 before 10");
    free(text[0]);
    free(text[1]);
}
