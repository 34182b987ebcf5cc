/* Unit tests of the engine's per-field merge (R1) and value comparison: one
 * table row per rule and situation — first sync, changed on one side, changed
 * on both (conflict winner), clears, a mapping newer than the snapshot. */
#include <criterion/criterion.h>
#include <string.h>

#include "engine/plan_merge.h"
#include "engine/value.h"

#define F CS_MERGE_FIRST
#define S CS_MERGE_SNAPSHOT
#define N CS_MERGE_NEW_MAPPING

typedef struct row {
    const char *name;
    cs_rule rule;
    cs_merge_snap state;
    const char *snap, *hs, *sf;
    cs_conflict_winner winner;
    int64_t hs_ms, sf_ms;
    cs_merge_action want;
    const char *want_value;
    bool conflict;
} row;

static const row rows[] = {
    /* R1 prefer_sf_unless_blank (the default). */
    {"psf first: SF value wins", CS_RULE_PREFER_SF_UNLESS_BLANK, F, NULL, "a", "b", 0, 0, 0,
     CS_MERGE_TO_HS, "b", false},
    {"psf first: SF blank, HS fills it", CS_RULE_PREFER_SF_UNLESS_BLANK, F, NULL, "a", NULL, 0, 0,
     0, CS_MERGE_TO_SF, "a", false},
    {"psf first: HS blank", CS_RULE_PREFER_SF_UNLESS_BLANK, F, NULL, "", "b", 0, 0, 0,
     CS_MERGE_TO_HS, "b", false},
    {"psf: changed in SF", CS_RULE_PREFER_SF_UNLESS_BLANK, S, "a", "a", "b", 0, 0, 0,
     CS_MERGE_TO_HS, "b", false},
    {"psf: changed in HS, SF not blank: SF overwrites", CS_RULE_PREFER_SF_UNLESS_BLANK, S, "a", "b",
     "a", 0, 0, 0, CS_MERGE_TO_HS, "a", false},
    {"psf: cleared in SF clears HS", CS_RULE_PREFER_SF_UNLESS_BLANK, S, "a", "a", NULL, 0, 0, 0,
     CS_MERGE_TO_HS, NULL, false},
    {"psf: HS filled while SF blank", CS_RULE_PREFER_SF_UNLESS_BLANK, S, NULL, "b", "  ", 0, 0, 0,
     CS_MERGE_TO_SF, "b", false},
    {"psf: both changed: SF wins, journaled as a conflict", CS_RULE_PREFER_SF_UNLESS_BLANK, S, "a",
     "b", "c", 0, 9, 0, CS_MERGE_TO_HS, "c", true},
    {"psf: agreed", CS_RULE_PREFER_SF_UNLESS_BLANK, S, "a", "a", "a", 0, 0, 0, CS_MERGE_AGREED, "a",
     false},
    {"psf: numbers agree", CS_RULE_PREFER_SF_UNLESS_BLANK, S, "1", "1000", "1000.0", 0, 0, 0,
     CS_MERGE_AGREED, "1000", false},
    {"psf: blank = whitespace", CS_RULE_PREFER_SF_UNLESS_BLANK, S, "x", " \t", NULL, 0, 0, 0,
     CS_MERGE_AGREED, NULL, false},
    /* R1 prefer_hs_unless_blank (mirror). */
    {"phs first: HS value wins", CS_RULE_PREFER_HS_UNLESS_BLANK, F, NULL, "a", "b", 0, 0, 0,
     CS_MERGE_TO_SF, "a", false},
    {"phs first: HS blank, SF fills it", CS_RULE_PREFER_HS_UNLESS_BLANK, F, NULL, NULL, "b", 0, 0,
     0, CS_MERGE_TO_HS, "b", false},
    {"phs: cleared in HS clears SF", CS_RULE_PREFER_HS_UNLESS_BLANK, S, "a", NULL, "a", 0, 0, 0,
     CS_MERGE_TO_SF, NULL, false},
    {"phs: changed in SF, HS not blank: HS overwrites", CS_RULE_PREFER_HS_UNLESS_BLANK, S, "a", "a",
     "b", 0, 0, 0, CS_MERGE_TO_SF, "a", false},
    {"phs: SF filled while HS blank", CS_RULE_PREFER_HS_UNLESS_BLANK, S, NULL, NULL, "b", 0, 0, 0,
     CS_MERGE_TO_HS, "b", false},
    /* R1 always_sf / always_hs. */
    {"asf first: SF blank imposes nothing", CS_RULE_ALWAYS_SF, F, NULL, "a", NULL, 0, 0, 0,
     CS_MERGE_KEEP, NULL, false},
    {"asf: cleared in SF clears HS", CS_RULE_ALWAYS_SF, S, "a", "a", NULL, 0, 0, 0, CS_MERGE_TO_HS,
     NULL, false},
    {"asf: HS edit while SF stays blank is kept", CS_RULE_ALWAYS_SF, S, NULL, "b", NULL, 0, 0, 0,
     CS_MERGE_KEEP, NULL, false},
    {"asf: both changed: SF wins, journaled as a conflict", CS_RULE_ALWAYS_SF, S, "a", "b", "c", 0,
     9, 0, CS_MERGE_TO_HS, "c", true},
    {"asf: HS edit reverted", CS_RULE_ALWAYS_SF, S, "a", "b", "a", 0, 9, 0, CS_MERGE_TO_HS, "a",
     false},
    {"ahs first: HS blank imposes nothing", CS_RULE_ALWAYS_HS, F, NULL, NULL, "b", 0, 0, 0,
     CS_MERGE_KEEP, NULL, false},
    {"ahs: cleared in HS clears SF", CS_RULE_ALWAYS_HS, S, "a", NULL, "a", 0, 0, 0, CS_MERGE_TO_SF,
     NULL, false},
    {"ahs: SF edit reverted", CS_RULE_ALWAYS_HS, S, "a", "a", "b", 0, 0, 9, CS_MERGE_TO_SF, "a",
     false},
    /* R1 two_way. */
    {"2w: changed in HS", CS_RULE_TWO_WAY, S, "a", "b", "a", 0, 0, 0, CS_MERGE_TO_SF, "b", false},
    {"2w: changed in SF", CS_RULE_TWO_WAY, S, "a", "a", "b", 0, 0, 0, CS_MERGE_TO_HS, "b", false},
    {"2w: cleared in HS", CS_RULE_TWO_WAY, S, "a", "", "a", 0, 0, 0, CS_MERGE_TO_SF, NULL, false},
    {"2w: cleared in SF", CS_RULE_TWO_WAY, S, "a", "a", NULL, 0, 0, 0, CS_MERGE_TO_HS, NULL, false},
    {"2w conflict latest: HS newer", CS_RULE_TWO_WAY, S, "a", "b", "c", CS_WINNER_LATEST, 20, 10,
     CS_MERGE_TO_SF, "b", true},
    {"2w conflict latest: SF newer", CS_RULE_TWO_WAY, S, "a", "b", "c", CS_WINNER_LATEST, 10, 20,
     CS_MERGE_TO_HS, "c", true},
    {"2w conflict latest: tie goes to SF", CS_RULE_TWO_WAY, S, "a", "b", "c", CS_WINNER_LATEST, 10,
     10, CS_MERGE_TO_HS, "c", true},
    {"2w conflict winner hubspot", CS_RULE_TWO_WAY, S, "a", "b", "c", CS_WINNER_HUBSPOT, 10, 20,
     CS_MERGE_TO_SF, "b", true},
    {"2w conflict winner salesforce", CS_RULE_TWO_WAY, S, "a", "b", "c", CS_WINNER_SALESFORCE, 20,
     10, CS_MERGE_TO_HS, "c", true},
    {"2w conflict: a clear can win", CS_RULE_TWO_WAY, S, "a", NULL, "c", CS_WINNER_HUBSPOT, 0, 0,
     CS_MERGE_TO_SF, NULL, true},
    {"2w first: fills blank HS", CS_RULE_TWO_WAY, F, NULL, NULL, "b", 0, 0, 0, CS_MERGE_TO_HS, "b",
     false},
    {"2w first: fills blank SF", CS_RULE_TWO_WAY, F, NULL, "a", NULL, 0, 0, 0, CS_MERGE_TO_SF, "a",
     false},
    {"2w first: both set, latest", CS_RULE_TWO_WAY, F, NULL, "a", "b", CS_WINNER_LATEST, 30, 20,
     CS_MERGE_TO_SF, "a", true},
    /* dont_sync. */
    {"dont_sync", CS_RULE_DONT_SYNC, S, "a", "b", "c", 0, 0, 0, CS_MERGE_NOTHING, NULL, false},
    /* R1: a mapping newer than the pair's snapshot fills blanks only. */
    {"new mapping fills HS", CS_RULE_PREFER_SF_UNLESS_BLANK, N, NULL, NULL, "b", 0, 0, 0,
     CS_MERGE_TO_HS, "b", false},
    {"new mapping fills SF", CS_RULE_PREFER_SF_UNLESS_BLANK, N, NULL, "a", NULL, 0, 0, 0,
     CS_MERGE_TO_SF, "a", false},
    {"new mapping never rewrites", CS_RULE_TWO_WAY, N, NULL, "a", "b", 0, 0, 0, CS_MERGE_DIFFER,
     NULL, false},
    {"new mapping always_sf never writes SF", CS_RULE_ALWAYS_SF, N, NULL, "a", NULL, 0, 0, 0,
     CS_MERGE_DIFFER, NULL, false},
};

static bool same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

Test(merge, every_rule_table_R1)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row *r = &rows[i];
        cs_merge_in in = {r->rule, r->hs, r->sf, r->snap, r->state, r->winner, r->hs_ms, r->sf_ms};
        cs_merge_out out;
        cs_merge_field(&in, &out);
        cr_assert_eq(out.action, r->want, "%s: action %d, want %d", r->name, out.action, r->want);
        if (r->want == CS_MERGE_TO_HS || r->want == CS_MERGE_TO_SF || r->want == CS_MERGE_KEEP)
            cr_assert(same(out.value, r->want_value), "%s: value '%s', want '%s'", r->name,
                      out.value ? out.value : "(null)", r->want_value ? r->want_value : "(null)");
        cr_assert_eq(out.conflict, r->conflict, "%s: conflict flag", r->name);
        cr_assert(out.reason[0] != '\0', "%s: a reason is given", r->name);
    }
}

Test(merge, reasons_name_the_rule_and_the_winner_R1_R5)
{
    cs_merge_in in = {CS_RULE_PREFER_SF_UNLESS_BLANK, "a", "b", "a", S, CS_WINNER_LATEST, 0, 0};
    cs_merge_out out;
    cs_merge_field(&in, &out);
    cr_assert_str_eq(out.reason, "prefer_sf_unless_blank: Salesforce value wins");
    cs_merge_in c = {CS_RULE_TWO_WAY, "x", "y", "a", S, CS_WINNER_LATEST, 1, 2};
    cs_merge_field(&c, &out);
    cr_assert_str_eq(out.reason, "two_way: conflict, latest (salesforce) won");
    c.winner = CS_WINNER_HUBSPOT;
    cs_merge_field(&c, &out);
    cr_assert_str_eq(out.reason, "two_way: conflict, hubspot won");
}

Test(value, blank_numbers_booleans)
{
    cr_assert(cs_value_is_blank(NULL));
    cr_assert(cs_value_is_blank(" \t\n"));
    cr_assert_not(cs_value_is_blank(" x "));
    cr_assert(cs_value_equal(NULL, ""));
    cr_assert(cs_value_equal("1000", "1000.0"));
    cr_assert(cs_value_equal("1000", "1e3"));
    cr_assert(cs_value_equal("-0", "0.00"));
    cr_assert(cs_value_equal("12.50", "12.5"));
    cr_assert_not(cs_value_equal("12.5", "12.51"));
    /* Integers beyond a double's precision still compare exactly. */
    cr_assert_not(cs_value_equal("12345678901234567", "12345678901234568"));
    /* Codes with a leading zero or '+' are text. */
    cr_assert_not(cs_value_equal("01234", "1234"));
    cr_assert_not(cs_value_equal("+1", "1"));
    cr_assert(cs_value_equal("TRUE", "true"));
    cr_assert_not(cs_value_equal("true", "false"));
    cr_assert_not(cs_value_equal("Ann", "ann"));
    cr_assert_not(cs_value_equal("Ann", NULL));
    cr_assert(cs_value_equal("1", "true"));
    cr_assert(cs_value_equal("False", "0"));
    cr_assert_not(cs_value_equal("1", "false"));
    cr_assert(cs_value_equal("a;b;c", "c; a;b"));
    cr_assert_not(cs_value_equal("a;b", "a;c"));
    cr_assert_not(cs_value_equal("a;b", "a;b;c"));
    cr_assert(cs_value_is_true(" True "));
    cr_assert_not(cs_value_is_true("yes"));
    cr_assert_not(cs_value_is_true(NULL));
}
