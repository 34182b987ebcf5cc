/* The per-field three-way merge of R1 (see plan_merge.h). Each rule is spelled
 * out for the first sync of a pair, for a pair with a snapshot (only what
 * changed since the last sync propagates; clears count as changes), and for a
 * mapping added after the pair last synced (it fills blanks, never rewrites). */
#include "engine/plan_merge.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/value.h"

static const char *nonblank(const char *v)
{
    return cs_value_is_blank(v) ? NULL : v;
}

static void set(cs_merge_out *out, cs_merge_action action, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set(cs_merge_out *out, cs_merge_action action, const char *value, const char *fmt, ...)
{
    out->action = action;
    out->value = value;
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(out->reason, sizeof out->reason, fmt, ap) < 0)
        out->reason[0] = '\0';
    va_end(ap);
}

/* Whether a rule ever copies a value into HubSpot / into Salesforce. */
static bool rule_writes_hs(cs_rule r)
{
    return r == CS_RULE_PREFER_SF_UNLESS_BLANK || r == CS_RULE_ALWAYS_SF || r == CS_RULE_TWO_WAY ||
           r == CS_RULE_PREFER_HS_UNLESS_BLANK;
}

static bool rule_writes_sf(cs_rule r)
{
    return r == CS_RULE_PREFER_HS_UNLESS_BLANK || r == CS_RULE_ALWAYS_HS || r == CS_RULE_TWO_WAY ||
           r == CS_RULE_PREFER_SF_UNLESS_BLANK;
}

/* R1 two_way: both sides changed (or, on a first sync, both hold different
 * values): the conflict winner decides; latest compares the records'
 * modification times and a tie goes to Salesforce. */
static void conflict(const cs_merge_in *in, const char *h, const char *s, cs_merge_out *out)
{
    bool hs_wins;
    const char *label;
    switch (in->winner) {
    case CS_WINNER_HUBSPOT:
        hs_wins = true;
        label = "hubspot";
        break;
    case CS_WINNER_SALESFORCE:
        hs_wins = false;
        label = "salesforce";
        break;
    case CS_WINNER_LATEST:
    default:
        hs_wins = in->hs_modified_ms > in->sf_modified_ms;
        label = hs_wins ? "latest (hubspot)" : "latest (salesforce)";
        break;
    }
    out->conflict = true;
    if (hs_wins)
        set(out, CS_MERGE_TO_SF, h, "two_way: conflict, %s won", label);
    else
        set(out, CS_MERGE_TO_HS, s, "two_way: conflict, %s won", label);
}

static void new_mapping(const cs_merge_in *in, const char *h, const char *s, cs_merge_out *out)
{
    const char *rule = cs_rule_name(in->rule);
    if (h == NULL && rule_writes_hs(in->rule))
        set(out, CS_MERGE_TO_HS, s, "%s: new mapping fills the blank HubSpot value", rule);
    else if (s == NULL && rule_writes_sf(in->rule))
        set(out, CS_MERGE_TO_SF, h, "%s: new mapping fills the blank Salesforce value", rule);
    else
        set(out, CS_MERGE_DIFFER, NULL,
            "%s: new mapping, values differ; left as they are until a backfill (R1)", rule);
}

void cs_merge_field(const cs_merge_in *in, cs_merge_out *out)
{
    memset(out, 0, sizeof *out);
    const char *h = nonblank(in->hs);
    const char *s = nonblank(in->sf);
    if (in->rule == CS_RULE_DONT_SYNC || in->rule == CS_RULE_FIXED_OPTOUT ||
        in->rule >= CS_RULE_COUNT) {
        set(out, CS_MERGE_NOTHING, NULL, "%s", "dont_sync");
        return;
    }
    if (cs_value_equal(h, s)) {
        set(out, CS_MERGE_AGREED, h, "%s", "agreed");
        return;
    }
    if (in->state == CS_MERGE_NEW_MAPPING) {
        new_mapping(in, h, s, out);
        return;
    }
    bool first = in->state == CS_MERGE_FIRST;
    bool hs_changed = first || !cs_value_equal(h, in->snap);
    bool sf_changed = first || !cs_value_equal(s, in->snap);
    bool both = !first && hs_changed && sf_changed; /* journaled as a conflict (R1) */
    out->conflict = both;
    switch (in->rule) {
    case CS_RULE_PREFER_SF_UNLESS_BLANK:
        if (s != NULL)
            set(out, CS_MERGE_TO_HS, s, "prefer_sf_unless_blank: Salesforce value wins%s",
                both ? " (changed on both sides)" : "");
        else if (!first && sf_changed)
            set(out, CS_MERGE_TO_HS, NULL, "%s", "prefer_sf_unless_blank: cleared in Salesforce");
        else
            set(out, CS_MERGE_TO_SF, h, "%s",
                "prefer_sf_unless_blank: Salesforce blank, HubSpot value fills it");
        return;
    case CS_RULE_PREFER_HS_UNLESS_BLANK:
        if (h != NULL)
            set(out, CS_MERGE_TO_SF, h, "prefer_hs_unless_blank: HubSpot value wins%s",
                both ? " (changed on both sides)" : "");
        else if (!first && hs_changed)
            set(out, CS_MERGE_TO_SF, NULL, "%s", "prefer_hs_unless_blank: cleared in HubSpot");
        else
            set(out, CS_MERGE_TO_HS, s, "%s",
                "prefer_hs_unless_blank: HubSpot blank, Salesforce value fills it");
        return;
    case CS_RULE_ALWAYS_SF:
        /* HubSpot's "Always use Salesforce": an SF value, or an SF clear,
         * overwrites HS; an SF field that is merely blank imposes nothing. */
        if (s != NULL)
            set(out, CS_MERGE_TO_HS, s, "always_sf: Salesforce value wins%s",
                both ? " (changed on both sides)" : "");
        else if (!first && sf_changed)
            set(out, CS_MERGE_TO_HS, NULL, "%s", "always_sf: cleared in Salesforce");
        else
            set(out, CS_MERGE_KEEP, s, "%s",
                "always_sf: Salesforce blank; HubSpot keeps its value");
        return;
    case CS_RULE_ALWAYS_HS:
        if (h != NULL)
            set(out, CS_MERGE_TO_SF, h, "always_hs: HubSpot value wins%s",
                both ? " (changed on both sides)" : "");
        else if (!first && hs_changed)
            set(out, CS_MERGE_TO_SF, NULL, "%s", "always_hs: cleared in HubSpot");
        else
            set(out, CS_MERGE_KEEP, h, "%s",
                "always_hs: HubSpot blank; Salesforce keeps its value");
        return;
    case CS_RULE_TWO_WAY:
        if (first) {
            if (h == NULL)
                set(out, CS_MERGE_TO_HS, s, "%s",
                    "two_way: first sync fills the blank HubSpot value");
            else if (s == NULL)
                set(out, CS_MERGE_TO_SF, h, "%s",
                    "two_way: first sync fills the blank Salesforce value");
            else
                conflict(in, h, s, out);
        } else if (hs_changed && !sf_changed) {
            set(out, CS_MERGE_TO_SF, h, "%s",
                h ? "two_way: changed in HubSpot" : "two_way: cleared in HubSpot");
        } else if (sf_changed && !hs_changed) {
            set(out, CS_MERGE_TO_HS, s, "%s",
                s ? "two_way: changed in Salesforce" : "two_way: cleared in Salesforce");
        } else {
            conflict(in, h, s, out);
        }
        return;
    default:
        set(out, CS_MERGE_NOTHING, NULL, "%s", "dont_sync");
        return;
    }
}
