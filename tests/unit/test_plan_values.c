/* Unit tests of value maps in the plan (R3): values cross between HubSpot's
 * options and Salesforce's picklist values through the mapping's map (the
 * default one of hs_lead_status here), comparisons run in HubSpot's terms,
 * unmapped values pass through, several options of one SF value are one
 * value, and every pass is followed by a second pass over the records as
 * the first pass left them, which must write nothing (echo suppression). */
#include "plan_fixture.h"

/* ---- a two-pass world ------------------------------------------------------------- */

/* One HS contact and one SF Lead as field objects, and the pair's snapshot
 * (NULL: not linked yet, so the plan matches them by email). */
typedef struct world {
    json_t *hs, *sf, *snap;
    int64_t hs_ms, sf_ms;
} world;

static void add_json(fx *f, const char *type, const char *id, int64_t ms, const json_t *fields)
{
    cs_record r;
    cr_assert_eq(cs_record_init(&r, id, type), 0);
    r.modified_ms = ms;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)fields, k, v)
    {
        cr_assert_eq(cs_record_set(&r, k, json_is_string(v) ? json_string_value(v) : NULL), 0);
    }
    cs_err err;
    cr_assert_eq(cs_plan_input_add_record(f->in, &r, CS_PLAN_CHANGED, &err), 0, "%s", err.message);
}

/* Plans one pass over w (both records reported changed). */
static void plan_world(fx *f, const world *w)
{
    start(f);
    add_json(f, "contacts", "1", w->hs_ms, w->hs);
    add_json(f, "Lead", "00Q1", w->sf_ms, w->sf);
    if (w->snap != NULL) {
        cs_err err;
        cr_assert_eq(cs_plan_input_add_link(f->in, "1", "Lead", "00Q1", w->snap, &err), 0, "%s",
                     err.message);
    }
    build(f);
}

/* What apply would leave: the written fields on each side, the snapshot
 * every op settles, and later modification times. */
static void apply_world(const fx *f, world *w)
{
    if (w->snap == NULL)
        w->snap = json_object();
    for (size_t i = 0; i < cs_plan_count(f->plan); i++) {
        const cs_plan_op *op = cs_plan_get(f->plan, i);
        cr_assert(op->kind != CS_PLAN_ERROR, "unexpected error: %s", op->reason);
        if (op->kind == CS_PLAN_UPDATE)
            cr_assert_eq(
                json_object_update(op->target == CS_PLAN_HUBSPOT ? w->hs : w->sf, op->fields), 0);
        cr_assert_eq(cs_plan_snapshot_merge(w->snap, op), 0);
    }
    w->hs_ms += 1000;
    w->sf_ms += 1000;
}

static bool writes_nothing(const fx *f)
{
    return cs_plan_writes_nothing(f->plan) && count(f, CS_PLAN_REFRESH, -1) == 0;
}

static void world_free(world *w)
{
    json_decref(w->hs);
    json_decref(w->sf);
    json_decref(w->snap);
}

/* ---- the table ----------------------------------------------------------------------- */

/* A snapshot of a pair that synced Ann Lee <ann@x.com>: every mapped key. */
static json_t *synced_snapshot(const fx *f)
{
    json_t *snap = json_object();
    for (size_t k = 0; k < f->nmaps; k++)
        json_object_set_new(snap, f->maps[k].hs, json_null());
    json_object_set_new(snap, CS_PLAN_SNAP_SF_OWNER, json_null());
    json_object_set_new(snap, "email", json_string("ann@x.com"));
    json_object_set_new(snap, "lastname", json_string("Lee"));
    json_object_set_new(snap, "hs_email_optout", json_string("false"));
    return snap;
}

#define NONE  ((const char *)NULL) /* no write of the field */
#define CLEAR "<null>"             /* a write that clears it */
#define FIRST g_first              /* no snapshot: linked by email on this pass */
#define PSUB  CS_RULE_PREFER_SF_UNLESS_BLANK
#define TWO   CS_RULE_TWO_WAY

static const char g_first[] = "first";

typedef struct vrow {
    const char *name;
    cs_rule rule;
    const char *snap;    /* hs_lead_status in the snapshot (NULL: null), or FIRST */
    const char *hs, *sf; /* hs_lead_status and Lead.Status now (NULL: blank) */
    const char *want_hs; /* what HubSpot is sent, NONE, or CLEAR */
    const char *want_sf; /* what Salesforce is sent, NONE, or CLEAR */
} vrow;

static const vrow g_rows[] = {
    {"SF 'Working - Contacted' arrives in HubSpot as IN_PROGRESS", PSUB, "NEW", "NEW",
     "Working - Contacted", "IN_PROGRESS", NONE},
    {"HS OPEN_DEAL is written to SF as 'Closed - Converted'", TWO, "NEW", "OPEN_DEAL",
     "Open - Not Contacted", NONE, "Closed - Converted"},
    {"a blank SF status is filled from HubSpot through the map", PSUB, NULL, "UNQUALIFIED", NULL,
     NONE, "Closed - Not Converted"},
    {"an SF value the map does not list passes through", PSUB, "NEW", "NEW", "Nurturing",
     "Nurturing", NONE},
    {"an HS value the map does not list passes through", TWO, "NEW", "LEGACY",
     "Open - Not Contacted", NONE, "LEGACY"},
    {"many to one: SF to HS takes the first option listed", PSUB, FIRST, NULL,
     "Working - Contacted", "IN_PROGRESS", NONE},
    {"many to one: CONNECTED agrees with 'Working - Contacted'", PSUB, "IN_PROGRESS", "CONNECTED",
     "Working - Contacted", NONE, NONE},
    {"many to one: HS CONNECTED is written as 'Working - Contacted'", TWO, "NEW", "CONNECTED",
     "Open - Not Contacted", NONE, "Working - Contacted"},
    {"moving between options of one SF value writes nothing", TWO, "IN_PROGRESS",
     "ATTEMPTED_TO_CONTACT", "Working - Contacted", NONE, NONE},
    {"first link: OPEN and 'Open - Not Contacted' agree", PSUB, FIRST, "OPEN",
     "Open - Not Contacted", NONE, NONE},
    {"cleared in HubSpot clears Salesforce (two_way)", TWO, "NEW", NULL, "Open - Not Contacted",
     NONE, CLEAR},
    {"cleared in Salesforce clears HubSpot", PSUB, "NEW", "NEW", NULL, CLEAR, NONE},
    {"a snapshot in Salesforce's terms still compares", PSUB, "Working - Contacted", "IN_PROGRESS",
     "Working - Contacted", NONE, NONE},
    {"two_way conflict: the later SF value wins, translated", TWO, "NEW", "CONNECTED",
     "Closed - Converted", "OPEN_DEAL", NONE},
    {"always_hs sends the HubSpot option as its SF value", CS_RULE_ALWAYS_HS, "NEW", "BAD_TIMING",
     "Open - Not Contacted", NONE, "Closed - Not Converted"},
};

static json_t *fields(const char *email_key, const char *last_key, const char *status_key,
                      const char *status)
{
    json_t *o = json_pack("{s:s,s:s}", email_key, "ann@x.com", last_key, "Lee");
    cr_assert_not_null(o);
    if (status != NULL)
        json_object_set_new(o, status_key, json_string(status));
    return o;
}

/* The value op writes into field: NONE when op is NULL or lacks it. */
static const char *written(const cs_plan_op *op, const char *field)
{
    if (op == NULL || op->fields == NULL || json_object_get(op->fields, field) == NULL)
        return NONE;
    return fv(op, field);
}

Test(plan_values, table_r3_with_a_second_pass_that_writes_nothing)
{
    for (size_t i = 0; i < sizeof g_rows / sizeof g_rows[0]; i++) {
        const vrow *r = &g_rows[i];
        fx f;
        fx_init(&f);
        set_rule(&f, "hs_lead_status", r->rule);
        world w = {fields("email", "lastname", "hs_lead_status", r->hs),
                   fields("Email", "LastName", "Status", r->sf), NULL, 100, 200};
        json_object_set_new(w.sf, "Company", json_string("Acme"));
        if (r->snap != FIRST) {
            w.snap = synced_snapshot(&f);
            if (r->snap != NULL)
                json_object_set_new(w.snap, "hs_lead_status", json_string(r->snap));
            json_object_set_new(w.hs, "salesforceleadid", json_string("00Q1"));
        }
        plan_world(&f, &w);
        const cs_plan_op *hs_up = find(&f, CS_PLAN_UPDATE, CS_PLAN_HUBSPOT, "1");
        const cs_plan_op *sf_up = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "00Q1");
        const char *got_hs = written(hs_up, "hs_lead_status");
        const char *got_sf = written(sf_up, "Status");
        if (r->want_hs == NONE)
            cr_expect_null(got_hs, "%s: HubSpot was sent %s", r->name, got_hs);
        else
            cr_expect(got_hs && strcmp(got_hs, r->want_hs) == 0, "%s: HubSpot was sent %s", r->name,
                      got_hs ? got_hs : "nothing");
        if (r->want_sf == NONE)
            cr_expect_null(got_sf, "%s: Salesforce was sent %s", r->name, got_sf);
        else
            cr_expect(got_sf && strcmp(got_sf, r->want_sf) == 0, "%s: Salesforce was sent %s",
                      r->name, got_sf ? got_sf : "nothing");
        /* A translated write says so in its journal entry (R5). */
        if (got_sf != NONE && strcmp(got_sf, CLEAR) != 0 && r->hs && strcmp(got_sf, r->hs) != 0)
            cr_expect(contains(why(sf_up, "Status"), "R3: value map"), "%s: %s", r->name,
                      why(sf_up, "Status"));
        /* The second pass over what the first left writes nothing. */
        apply_world(&f, &w);
        plan_world(&f, &w);
        for (size_t k = 0; k < cs_plan_count(f.plan); k++) {
            cs_buf b;
            cs_buf_init(&b, 1 << 16);
            cs_plan_op_format(cs_plan_get(f.plan, k), &b);
            cr_log_error("%s: second pass: %s", r->name, cs_buf_str(&b));
            cs_buf_free(&b);
        }
        cr_expect(writes_nothing(&f), "%s: the second pass wrote", r->name);
        world_free(&w);
        fx_fini(&f);
    }
}

/* ---- creates ------------------------------------------------------------------------- */

Test(plan_values, creates_translate_both_ways)
{
    fx f;
    fx_init(&f);
    start(&f);
    HS(&f, CHG, "1", 100, "email", "ann@x.com", "lastname", "Lee", "hs_lead_status", "CONNECTED");
    LEAD(&f, CHG, "00Q2", 100, "Email", "bob@x.com", "LastName", "Bo", "Company", "B", "Status",
         "Closed - Not Converted");
    build(&f);
    const cs_plan_op *sf = find(&f, CS_PLAN_CREATE, CS_PLAN_SALESFORCE, "1");
    cr_assert_str_eq(fv(sf, "Status"), "Working - Contacted");
    cr_expect_str_eq(sv(sf, "hs_lead_status"), "IN_PROGRESS", "the snapshot in HubSpot's terms");
    cr_expect(contains(why(sf, "Status"), "R3: value map 'CONNECTED' -> 'Working - Contacted'"),
              "%s", why(sf, "Status"));
    const cs_plan_op *hs = find(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT, "00Q2");
    cr_assert_str_eq(fv(hs, "hs_lead_status"), "UNQUALIFIED");
    cr_expect_str_eq(sv(hs, "hs_lead_status"), "UNQUALIFIED");

    /* The next pass sees both new records as they were created: nothing to write. */
    json_t *snap1 = json_object(), *snap2 = json_object();
    cr_assert_eq(cs_plan_snapshot_merge(snap1, sf), 0);
    cr_assert_eq(cs_plan_snapshot_merge(snap2, hs), 0);
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "lastname", "Lee", "hs_lead_status", "CONNECTED",
       "salesforceleadid", "00Q1");
    LEAD(&f, CHG, "00Q1", 300, "Email", "ann@x.com", "LastName", "Lee", "Company", "[not provided]",
         "Status", "Working - Contacted");
    HS(&f, CHG, "2", 300, "email", "bob@x.com", "lastname", "Bo", "company", "B", "hs_lead_status",
       "UNQUALIFIED", "salesforceleadid", "00Q2");
    LEAD(&f, CHG, "00Q2", 300, "Email", "bob@x.com", "LastName", "Bo", "Company", "B", "Status",
         "Closed - Not Converted");
    cs_err err;
    cr_assert_eq(cs_plan_input_add_link(f.in, "1", "Lead", "00Q1", snap1, &err), 0);
    cr_assert_eq(cs_plan_input_add_link(f.in, "2", "Lead", "00Q2", snap2, &err), 0);
    build(&f);
    cr_expect(writes_nothing(&f), "%zu ops", cs_plan_count(f.plan));
    json_decref(snap1);
    json_decref(snap2);
    fx_fini(&f);
}

Test(plan_values, without_a_map_values_pass_through)
{
    fx f;
    fx_init(&f);
    for (size_t i = 0; i < f.nmaps; i++) {
        if (strcmp(f.maps[i].hs, "hs_lead_status") == 0) {
            f.maps[i].values = NULL;
            f.maps[i].nvalues = 0;
        }
    }
    start(&f);
    LEAD(&f, CHG, "00Q2", 100, "Email", "bob@x.com", "LastName", "Bo", "Company", "B", "Status",
         "Working - Contacted");
    build(&f);
    cr_expect_str_eq(fv(find(&f, CS_PLAN_CREATE, CS_PLAN_HUBSPOT, "00Q2"), "hs_lead_status"),
                     "Working - Contacted");
    fx_fini(&f);
}

/* ---- a custom multi-select mapping ------------------------------------------------------ */

static const cs_value_pair g_tiers[] = {
    {"gold", "Gold", 0, 0},
    {"platinum", "Gold", 0, 0},
    {"silver", "Silver", 0, 0},
};

Test(plan_values, multi_select_items_translate_one_by_one)
{
    fx f;
    fx_init(&f);
    add_map(&f, "tiers", "Tiers__c", "Tiers__c", TWO);
    f.maps[f.nmaps - 1].values = g_tiers;
    f.maps[f.nmaps - 1].nvalues = 3;
    start(&f);
    HS(&f, CHG, "1", 300, "email", "ann@x.com", "lastname", "Lee", "tiers", "platinum;silver;gold",
       "salesforcecontactid", "0031");
    CONTACT(&f, CHG, "0031", 100, "Email", "ann@x.com", "LastName", "Lee", "Tiers__c", "Silver");
    link_full(&f, "1", "Contact", "0031", "{\"tiers\":\"silver\"}");
    build(&f);
    const cs_plan_op *up = find(&f, CS_PLAN_UPDATE, CS_PLAN_SALESFORCE, "0031");
    cr_assert_str_eq(fv(up, "Tiers__c"), "Gold;Silver", "platinum and gold are one SF value");
    cr_expect_str_eq(sv(up, "tiers"), "gold;silver");
    cr_expect(contains(why(up, "Tiers__c"), "two_way: changed in HubSpot"));

    /* Salesforce reads back "Silver;Gold": the same set, nothing to write. */
    json_t *snap = synced_snapshot(&f);
    json_object_set_new(snap, "tiers", json_string("silver"));
    cr_assert_eq(cs_plan_snapshot_merge(snap, up), 0);
    start(&f);
    HS(&f, CHG, "1", 500, "email", "ann@x.com", "lastname", "Lee", "tiers", "platinum;silver;gold",
       "salesforcecontactid", "0031");
    CONTACT(&f, CHG, "0031", 500, "Email", "ann@x.com", "LastName", "Lee", "Tiers__c",
            "Silver;Gold");
    cs_err err;
    cr_assert_eq(cs_plan_input_add_link(f.in, "1", "Contact", "0031", snap, &err), 0);
    build(&f);
    cr_expect(writes_nothing(&f), "%zu ops", cs_plan_count(f.plan));
    json_decref(snap);
    fx_fini(&f);
}
