/* The plan as a CRM admin reads it (`crmsync plan`): one heading per
 * operation that says what happens to which record, in the words of the two
 * systems ("update Salesforce Lead 00Q... (HubSpot contact 1, a@b.c)"), with
 * the reason; then one indented line per field with the old and new value and
 * the rule that decided it; then a summary of what would be written where.
 * Values: text JSON-quoted (jansson) so that spaces and odd characters show,
 * checkbox values (true/false) bare, no value as (blank). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/plan_int.h"
#include "engine/value.h"

/* A checkbox value as its API spells it, either case. */
static bool boolean_word(const char *v)
{
    return v != NULL && (strcasecmp(v, "true") == 0 || strcasecmp(v, "false") == 0);
}

static int value(cs_buf *out, const char *v, bool boolean)
{
    if (v == NULL || v[0] == '\0')
        return cs_buf_append_str(out, "(blank)");
    if (boolean)
        return cs_buf_append_str(out, cs_value_is_true(v) ? "true" : "false");
    json_t *s = json_string(v);
    char *text = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
    json_decref(s);
    if (text == NULL) /* not valid UTF-8: show it as a placeholder */
        return cs_buf_append_str(out, "\"(unprintable)\"");
    int rc = cs_buf_append_str(out, text);
    free(text);
    return rc;
}

/* "HubSpot contact 7", or "a new HubSpot contact" when apply creates it. */
static int hs_name(cs_buf *out, const cs_plan_op *op)
{
    const char *label = op->hs_label ? op->hs_label : "record";
    if (op->hs_id == NULL)
        return cs_buf_appendf(out, "a new HubSpot %s", label);
    return cs_buf_appendf(out, "HubSpot %s %s", label, op->hs_id);
}

/* "Salesforce Lead 00Q...", or "a new Salesforce Lead". */
static int sf_name(cs_buf *out, const char *type, const char *id)
{
    const char *t = type ? type : "record";
    if (id == NULL)
        return cs_buf_appendf(out, "a new Salesforce %s", t);
    return cs_buf_appendf(out, "Salesforce %s %s", t, id);
}

/* " (other record, email)": what the heading's record is paired with. */
static int aside(cs_buf *out, const cs_plan_op *op, bool hs_first)
{
    bool other = hs_first ? op->sf_type != NULL : (op->hs_id != NULL || op->sf_type != NULL);
    if (!other && op->email == NULL)
        return 0;
    int rc = cs_buf_append_str(out, " (");
    if (other)
        rc |= hs_first ? sf_name(out, op->sf_type, op->sf_id) : hs_name(out, op);
    if (op->email != NULL)
        rc |= cs_buf_appendf(out, "%s%s", other ? ", " : "", op->email);
    return rc | cs_buf_append_str(out, ")");
}

/* "HubSpot contact 1 and Salesforce Lead 00Q... (a@b.c)" with a verb's word
 * between them ("and", "to", "from"). */
static int pair(cs_buf *out, const cs_plan_op *op, const char *between)
{
    int rc = hs_name(out, op);
    rc |= cs_buf_appendf(out, " %s ", between);
    rc |= sf_name(out, op->sf_type, op->sf_id);
    if (op->email != NULL)
        rc |= cs_buf_appendf(out, " (%s)", op->email);
    return rc;
}

static int heading_error(cs_buf *out, const cs_plan_op *op)
{
    int rc;
    switch (op->target) {
    case CS_PLAN_HUBSPOT:
        rc = cs_buf_append_str(out, "error writing ");
        rc |= hs_name(out, op);
        rc |= aside(out, op, true);
        break;
    case CS_PLAN_SALESFORCE:
        rc = cs_buf_append_str(out, "error writing ");
        rc |= sf_name(out, op->sf_type, op->sf_id);
        rc |= aside(out, op, false);
        break;
    case CS_PLAN_STORE:
    default:
        rc = cs_buf_append_str(out, "error linking ");
        rc |= pair(out, op, "and");
        break;
    }
    rc |= cs_buf_appendf(out, " [%s", cs_category_label(op->category));
    if (op->field != NULL)
        rc |= cs_buf_appendf(out, ", field %s", op->field);
    return rc | cs_buf_append_str(out, "]");
}

/* The heading's words before the reason. */
static int heading(cs_buf *out, const cs_plan_op *op)
{
    bool hub = op->target == CS_PLAN_HUBSPOT;
    int rc = 0;
    switch (op->kind) {
    case CS_PLAN_CREATE:
        if (hub) {
            rc = cs_buf_appendf(out, "create HubSpot %s from ",
                                op->hs_label ? op->hs_label : "record");
            rc |= sf_name(out, op->sf_type, op->sf_id);
        } else {
            rc = cs_buf_appendf(out, "create Salesforce %s from ",
                                op->sf_type ? op->sf_type : "record");
            rc |= hs_name(out, op);
        }
        if (op->email != NULL)
            rc |= cs_buf_appendf(out, " (%s)", op->email);
        return rc;
    case CS_PLAN_UPDATE:
    case CS_PLAN_ARCHIVE:
        if (hub) {
            rc = cs_buf_append_str(out, op->kind == CS_PLAN_UPDATE ? "update " : "archive ");
            rc |= hs_name(out, op);
        } else {
            rc = cs_buf_append_str(out, op->kind == CS_PLAN_UPDATE ? "update " : "delete ");
            rc |= sf_name(out, op->sf_type, op->sf_id);
        }
        return rc | aside(out, op, hub);
    case CS_PLAN_UNSUBSCRIBE:
        rc = cs_buf_append_str(out, "unsubscribe ");
        rc |= op->hs_id ? hs_name(out, op)
                        : cs_buf_appendf(out, "the new HubSpot %s",
                                         op->hs_label ? op->hs_label : "record");
        rc |= cs_buf_append_str(out, " from email");
        return rc | aside(out, op, true);
    case CS_PLAN_ASSOCIATE: {
        const char *key = NULL;
        json_t *v = NULL;
        json_object_foreach(op->fields, key, v) break;
        if (json_is_null(v) && op->nchanges > 0) {
            /* plan_unassociate: the old parent is the journal's old value */
            rc = cs_buf_append_str(out, "remove ");
            rc |= hs_name(out, op);
            rc |= cs_buf_appendf(out, "'s association with %s %s", key ? key : "parent",
                                 op->changes[0].old_value ? op->changes[0].old_value : "?");
            return rc | aside(out, op, true);
        }
        rc = cs_buf_append_str(out, "associate ");
        rc |= hs_name(out, op);
        rc |= cs_buf_appendf(out, " with its primary %s %s", key ? key : "parent",
                             json_is_string(v) ? json_string_value(v) : "?");
        return rc | aside(out, op, true);
    }
    case CS_PLAN_LINK:
        rc = cs_buf_append_str(out, "link ");
        return rc | pair(out, op, "to");
    case CS_PLAN_RELINK:
        rc = cs_buf_append_str(out, "relink ");
        rc |= hs_name(out, op);
        rc |= cs_buf_append_str(out, " from ");
        rc |= sf_name(out, op->prev_sf_type, op->prev_sf_id);
        rc |= cs_buf_append_str(out, " to ");
        rc |= sf_name(out, op->sf_type, op->sf_id);
        if (op->email != NULL)
            rc |= cs_buf_appendf(out, " (%s)", op->email);
        return rc;
    case CS_PLAN_UNLINK:
        rc = cs_buf_append_str(out, "unlink ");
        return rc | pair(out, op, "from");
    case CS_PLAN_REFRESH:
        rc = cs_buf_append_str(out, "no write for ");
        return rc | pair(out, op, "and");
    case CS_PLAN_SKIP:
        rc = cs_buf_append_str(out, "skip ");
        if (op->hs_id != NULL) {
            rc |= hs_name(out, op);
            return rc | aside(out, op, true);
        }
        rc |= sf_name(out, op->sf_type, op->sf_id);
        return rc | aside(out, op, false);
    case CS_PLAN_ERROR:
        return heading_error(out, op);
    case CS_PLAN_KIND_COUNT:
    default:
        return cs_buf_append_str(out, cs_plan_kind_name(op->kind));
    }
}

int cs_plan_op_format(const cs_plan_op *op, cs_buf *out)
{
    int rc = heading(out, op);
    if (op->reason != NULL)
        rc |= cs_buf_appendf(out, ": %s", op->reason);
    rc |= cs_buf_append_str(out, "\n");
    for (size_t i = 0; i < op->nchanges; i++) {
        const cs_plan_change *c = &op->changes[i];
        /* A checkbox: both values are true/false (or blank), at least one set. */
        bool boolean = (boolean_word(c->old_value) || boolean_word(c->new_value)) &&
                       (boolean_word(c->old_value) || cs_value_is_blank(c->old_value)) &&
                       (boolean_word(c->new_value) || cs_value_is_blank(c->new_value));
        rc |= cs_buf_appendf(out, "    %s: ", c->field);
        rc |= value(out, c->old_value, boolean && !cs_value_is_blank(c->old_value));
        rc |= cs_buf_append_str(out, " -> ");
        rc |= value(out, c->new_value, boolean && !cs_value_is_blank(c->new_value));
        rc |= cs_buf_appendf(out, "  (%s)\n", c->reason ? c->reason : "");
    }
    return rc ? -1 : 0;
}

/* "N word" when N > 0, after a comma unless *first. */
static int count_item(cs_buf *out, size_t n, const char *word, bool *first)
{
    if (n == 0)
        return 0;
    int rc = cs_buf_appendf(out, "%s%zu %s", *first ? "" : ", ", n, word);
    *first = false;
    return rc;
}

/* "HubSpot: 2 to create, 1 to update. " for one API side. */
static int side_summary(cs_buf *out, const cs_plan *plan, cs_plan_target t, const char *name)
{
    bool first = true;
    size_t n[5] = {
        cs_plan_count_kind(plan, CS_PLAN_CREATE, (int)t),
        cs_plan_count_kind(plan, CS_PLAN_UPDATE, (int)t),
        cs_plan_count_kind(plan, CS_PLAN_UNSUBSCRIBE, (int)t),
        cs_plan_count_kind(plan, CS_PLAN_ARCHIVE, (int)t),
        cs_plan_count_kind(plan, CS_PLAN_ASSOCIATE, (int)t),
    };
    if (n[0] + n[1] + n[2] + n[3] + n[4] == 0)
        return 0;
    int rc = cs_buf_appendf(out, " %s: ", name);
    rc |= count_item(out, n[0], "to create", &first);
    rc |= count_item(out, n[1], "to update", &first);
    rc |= count_item(out, n[2], "to unsubscribe", &first);
    rc |= count_item(out, n[4], "to associate with a parent", &first);
    rc |= count_item(out, n[3], t == CS_PLAN_HUBSPOT ? "to archive" : "to delete", &first);
    return rc | cs_buf_append_str(out, ".");
}

int cs_plan_print(const cs_plan *plan, FILE *f)
{
    cs_buf b;
    cs_buf_init(&b, 1u << 20);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < cs_plan_count(plan); i++) {
        cs_buf_reset(&b);
        rc = cs_plan_op_format(cs_plan_get(plan, i), &b);
        if (rc == 0 && fputs(cs_buf_str(&b), f) == EOF)
            rc = -1;
    }
    cs_buf_reset(&b);
    size_t total = cs_plan_count(plan);
    if (rc == 0)
        rc = cs_buf_appendf(&b, "%s%zu operation%s.", total ? "\n" : "", total,
                            total == 1 ? "" : "s");
    rc = rc ? rc : side_summary(&b, plan, CS_PLAN_HUBSPOT, "HubSpot");
    rc = rc ? rc : side_summary(&b, plan, CS_PLAN_SALESFORCE, "Salesforce");
    bool first = true;
    size_t links = cs_plan_count_kind(plan, CS_PLAN_LINK, -1);
    size_t relinks = cs_plan_count_kind(plan, CS_PLAN_RELINK, -1);
    size_t unlinks = cs_plan_count_kind(plan, CS_PLAN_UNLINK, -1);
    size_t refresh = cs_plan_count_kind(plan, CS_PLAN_REFRESH, -1);
    if (rc == 0 && links + relinks + unlinks + refresh > 0) {
        rc = cs_buf_append_str(&b, " In crmsync's store: ");
        rc |= count_item(&b, links, links == 1 ? "new link" : "new links", &first);
        rc |= count_item(&b, relinks, relinks == 1 ? "link moved" : "links moved", &first);
        rc |= count_item(&b, unlinks, unlinks == 1 ? "link dropped" : "links dropped", &first);
        rc |=
            count_item(&b, refresh, refresh == 1 ? "snapshot update" : "snapshot updates", &first);
        rc |= cs_buf_append_str(&b, ".");
    }
    size_t skips = cs_plan_count_kind(plan, CS_PLAN_SKIP, -1);
    size_t errors = cs_plan_count_kind(plan, CS_PLAN_ERROR, -1);
    if (rc == 0 && skips > 0)
        rc = cs_buf_appendf(&b, " %zu skipped.", skips);
    if (rc == 0 && errors > 0)
        rc = cs_buf_appendf(&b, " %zu error%s.", errors, errors == 1 ? "" : "s");
    if (rc == 0)
        rc = cs_buf_append_str(&b, "\n");
    if (rc == 0 && fputs(cs_buf_str(&b), f) == EOF)
        rc = -1;
    cs_buf_free(&b);
    return rc;
}
