/* The pass report for people, printed from its JSON form (see cli_report.h).
 * Missing keys read as 0, so an older run's counts still print. Also how a
 * stored record error reads: who raised it (crmsync's rule or an API) and
 * whether its record synced anyway. */
#include "cli/cli_report.h"

#include <ctype.h>
#include <string.h>

static const struct {
    const char *name, *label;
} g_categories[] = {
    {"associations", "Associations"},       {"custom_code", "Custom code"},
    {"duplicates", "Duplicates"},           {"permissions", "Permissions"},
    {"property_values", "Property values"}, {"suspension", "Suspension"},
};

static const struct {
    const char *name, *label;
} g_skips[] = {
    {"no_email", "no email (R7)"},
    {"not_in_list", "not in the inclusion list (C2)"},
    {"sf_change_off", "SF changes start no sync (C3)"},
    {"duplicate", "email already synced by another record (C5)"},
    {"converted", "converted Lead (C14)"},
    {"other", "other"},
};

const char *cs_cli_category_label(const char *name)
{
    for (size_t i = 0; i < sizeof g_categories / sizeof g_categories[0]; i++)
        if (strcmp(g_categories[i].name, name) == 0)
            return g_categories[i].label;
    return name;
}

static json_int_t num(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static json_int_t sub(const json_t *o, const char *side, const char *key)
{
    return num(json_object_get(o, side), key);
}

static json_int_t sub2(const json_t *o, const char *side, const char *group, const char *key)
{
    return num(json_object_get(json_object_get(o, side), group), key);
}

static void row(FILE *f, const char *indent, const char *label, json_int_t hs, json_int_t sf,
                int always)
{
    if (!always && hs == 0 && sf == 0)
        return;
    fprintf(f, "%s  %-46s %10lld %10lld\n", indent, label, (long long)hs, (long long)sf);
}

static void usage_row(FILE *f, const char *indent, const json_t *c)
{
    fprintf(f, "%s  %-46s %10lld %10lld\n", indent, "API calls (retries included)",
            (long long)sub(c, "hubspot", "api_calls"),
            (long long)sub(c, "salesforce", "api_calls"));
    fprintf(f, "%s  %-46s %10lld %10lld\n", indent, "  of which wrote",
            (long long)sub(c, "hubspot", "write_calls"),
            (long long)sub(c, "salesforce", "write_calls"));
    json_int_t used = sub(c, "salesforce", "daily_used"), max = sub(c, "salesforce", "daily_max");
    if (used >= 0 && max > 0)
        fprintf(f, "%s  Salesforce daily API usage: %lld of %lld (%.1f%%)\n", indent,
                (long long)used, (long long)max, 100.0 * (double)used / (double)max);
}

/* Operations planned and what became of them: nothing a pass leaves undone
 * goes unsaid. Record errors and skips are done (counted above); what is
 * left was never tried, and the outcome says why. */
static void left_row(FILE *f, const char *indent, const json_t *c)
{
    if (json_object_get(c, "ops_applied") == NULL)
        return; /* a run recorded before these counts existed */
    json_int_t planned = num(c, "ops"), left = num(c, "ops_left");
    fprintf(f, "%s  operations planned %lld, done %lld (errors and skips included)", indent,
            (long long)planned, (long long)(planned - left));
    const char *outcome = json_string_value(json_object_get(c, "outcome"));
    if (outcome == NULL || strcmp(outcome, "completed") == 0) {
        fprintf(f, "\n");
        return;
    }
    const char *why = "the pass failed";
    if (strcmp(outcome, "paused") == 0)
        why = "the Salesforce API budget was reached (R6)";
    else if (strcmp(outcome, "interrupted") == 0)
        why = "the pass was stopped";
    /* A pass that stops early may also have read records it did not plan
     * yet: the cursors stay where they were, so the next pass reads them. */
    fprintf(f,
            ", %lld left undone: %s; the next pass does them and plans what this one read "
            "but did not plan\n",
            (long long)left, why);
}

void cs_cli_print_report(FILE *f, const json_t *c, const char *indent)
{
    fprintf(f, "%s  %-46s %10s %10s\n", indent, "", "HubSpot", "Salesforce");
    row(f, indent, "records read (changed since the last pass)", sub(c, "hubspot", "read"),
        sub(c, "salesforce", "read"), 1);
    row(f, indent, "records read for context (by id or email)", sub(c, "hubspot", "context"),
        sub(c, "salesforce", "context"), 0);
    row(f, indent, "own creates met again (not counted as read)", sub(c, "hubspot", "own_reread"),
        sub(c, "salesforce", "own_reread"), 0);
    row(f, indent, "of the records read, already settled", sub(c, "hubspot", "settled"),
        sub(c, "salesforce", "settled"), 0);
    row(f, indent, "failed records retried (R8)", sub(c, "hubspot", "retried"),
        sub(c, "salesforce", "retried"), 0);
    row(f, indent, "created", sub(c, "hubspot", "created"), sub(c, "salesforce", "created"), 1);
    if (num(c, "reconciled"))
        fprintf(
            f, "%s    (of which %lld found by email after an unknown outcome, not created twice)\n",
            indent, (long long)num(c, "reconciled"));
    row(f, indent, "updated", sub(c, "hubspot", "updated"), sub(c, "salesforce", "updated"), 1);
    row(f, indent, "  of which unsubscribed (C10)", sub(c, "hubspot", "unsubscribed"), 0, 0);
    row(f, indent, "deleted / archived (C16)", sub(c, "hubspot", "archived"),
        sub(c, "salesforce", "archived"), 0);
    row(f, indent, "skipped", sub(c, "hubspot", "skipped_total"),
        sub(c, "salesforce", "skipped_total"), 1);
    for (size_t i = 0; i < sizeof g_skips / sizeof g_skips[0]; i++) {
        char label[64];
        snprintf(label, sizeof label, "  %s", g_skips[i].label);
        row(f, indent, label, sub2(c, "hubspot", "skipped", g_skips[i].name),
            sub2(c, "salesforce", "skipped", g_skips[i].name), 0);
    }
    row(f, indent, "errors (writing to this side)", sub(c, "hubspot", "errors_total"),
        sub(c, "salesforce", "errors_total"), 1);
    for (size_t i = 0; i < sizeof g_categories / sizeof g_categories[0]; i++) {
        char label[64];
        snprintf(label, sizeof label, "  %s", g_categories[i].label);
        row(f, indent, label, sub2(c, "hubspot", "errors", g_categories[i].name),
            sub2(c, "salesforce", "errors", g_categories[i].name), 0);
    }
    row(f, indent, "  of which waited for their retry (R8)", sub(c, "hubspot", "waiting"),
        sub(c, "salesforce", "waiting"), 0);
    left_row(f, indent, c);
    usage_row(f, indent, c);
    fprintf(f, "%s  pairs linked by email (C5): %lld", indent, (long long)num(c, "linked"));
    if (num(c, "relinked"))
        fprintf(f, ", moved to a converted Lead's Contact (C14): %lld",
                (long long)num(c, "relinked"));
    if (num(c, "unlinked"))
        fprintf(f, ", unlinked after a delete (C16): %lld", (long long)num(c, "unlinked"));
    fprintf(f, "\n");
}

int64_t cs_cli_report_errors(const json_t *c)
{
    return (int64_t)(sub(c, "hubspot", "errors_total") + sub(c, "salesforce", "errors_total"));
}

void cs_cli_print_report_line(FILE *f, const json_t *c)
{
    const char *outcome = json_string_value(json_object_get(c, "outcome"));
    double secs = (double)num(c, "duration_ms") / 1000.0;
    fprintf(f,
            "%s in %.1fs: HubSpot %lld created, %lld updated, %lld errors; Salesforce %lld "
            "created, %lld updated, %lld errors; %lld linked; API calls HubSpot %lld, "
            "Salesforce %lld\n",
            outcome ? outcome : "unknown", secs, (long long)sub(c, "hubspot", "created"),
            (long long)sub(c, "hubspot", "updated"), (long long)sub(c, "hubspot", "errors_total"),
            (long long)sub(c, "salesforce", "created"), (long long)sub(c, "salesforce", "updated"),
            (long long)sub(c, "salesforce", "errors_total"), (long long)num(c, "linked"),
            (long long)sub(c, "hubspot", "api_calls"),
            (long long)sub(c, "salesforce", "api_calls"));
}

/* ---- record errors ------------------------------------------------------------------ */

bool cs_cli_error_rule(const char *message, char *rule, size_t size)
{
    if (message == NULL || (message[0] != 'C' && message[0] != 'R'))
        return false;
    size_t n = 1;
    while (n < 4 && isdigit((unsigned char)message[n]))
        n++;
    if (n == 1 || n == 4 || message[n] != ':' || n >= size)
        return false;
    memcpy(rule, message, n);
    rule[n] = '\0';
    return true;
}

const char *cs_cli_error_origin(const cs_record_error *e, char *buf, size_t size)
{
    char rule[8];
    if (cs_cli_error_rule(e->message, rule, sizeof rule))
        snprintf(buf, size, "crmsync rule %s", rule);
    else
        snprintf(buf, size, "%s refused", e->side == CS_STORE_HUBSPOT ? "HubSpot" : "Salesforce");
    return buf;
}

static bool has(const char *s)
{
    return s != NULL && s[0] != '\0';
}

int cs_cli_error_linked(cs_store *store, const cs_record_error *e)
{
    if (has(e->hs_id) && has(e->sf_id))
        return 1;
    if (store == NULL || (!has(e->hs_id) && !has(e->sf_id)))
        return has(e->hs_id) || has(e->sf_id) ? -1 : 0;
    cs_link l;
    cs_err err;
    cs_err_clear(&err);
    /* An error names its source record's object; its link lives under the
     * link object of that record's pair (a company's under "company"). */
    const char *link_object = cs_sync_link_object(e->object);
    return has(e->hs_id)
               ? cs_store_link_by_hs(store, link_object ? link_object : CS_SYNC_OBJECT_CONTACT,
                                     e->hs_id, &l, &err)
               : cs_store_link_by_sf(store, e->sf_id, &l, &err);
}

int cs_cli_count_errors(cs_store *store, int64_t since_ms, cs_cli_error_counts *out)
{
    memset(out, 0, sizeof *out);
    cs_error_query q = {.limit = CS_STORE_LIST_MAX};
    cs_record_error_list l = {0};
    cs_err err;
    cs_err_clear(&err);
    if (store == NULL || cs_store_error_list(store, &q, &l, &err) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < l.count; i++) {
        const cs_record_error *e = &l.items[i];
        if (e->dismissed || e->last_seen_ms < since_ms)
            continue;
        char rule[8];
        int linked = cs_cli_error_linked(store, e);
        if (linked < 0)
            rc = -1;
        out->records++;
        out->by_rule += cs_cli_error_rule(e->message, rule, sizeof rule);
        out->not_synced += linked == 0;
    }
    cs_record_error_list_dispose(&l);
    return rc;
}

void cs_cli_print_error_summary(FILE *f, cs_store *store, const cs_sync_report *rep)
{
    uint64_t total = cs_sync_side_errors(&rep->hubspot) + cs_sync_side_errors(&rep->salesforce);
    if (total == 0)
        return;
    cs_cli_error_counts c;
    if (cs_cli_count_errors(store, rep->started_ms, &c) != 0 || c.records != total) {
        fprintf(f, "%llu record%s with errors: 'crmsync errors' lists each with its message.\n",
                (unsigned long long)total, total == 1 ? "" : "s");
        return;
    }
    size_t api = c.records - c.by_rule, synced = c.records - c.not_synced;
    fprintf(f, "%zu record%s with errors: ", c.records, c.records == 1 ? "" : "s");
    if (api > 0)
        fprintf(f, "%zu refused by an API%s", api, c.by_rule ? ", " : "");
    if (c.by_rule > 0)
        fprintf(f, "%zu held back by crmsync's rules", c.by_rule);
    fprintf(f, ".\n");
    if (c.not_synced > 0)
        fprintf(f, "%zu did not sync at all%s", c.not_synced, synced ? ", " : "");
    if (synced > 0)
        fprintf(f, "%zu %s linked but not fully synced", synced, synced == 1 ? "is" : "are");
    fprintf(f, "; 'crmsync errors' lists each with its message.\n");
}
