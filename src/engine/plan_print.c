/* The plan as people read it (`crmsync plan`): one line per operation naming
 * the records and the reason, then one indented line per field with the old
 * and new value and the rule that decided it, then a summary of the counts.
 * Values are printed JSON-quoted (jansson) so blanks and odd characters show. */
#include <stdlib.h>
#include <string.h>

#include "engine/plan_int.h"

static int quoted(cs_buf *out, const char *v)
{
    if (v == NULL)
        return cs_buf_append_str(out, "null");
    json_t *s = json_string(v);
    char *text = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
    json_decref(s);
    if (text == NULL) /* not valid UTF-8: show it as a placeholder */
        return cs_buf_append_str(out, "\"(unprintable)\"");
    int rc = cs_buf_append_str(out, text);
    free(text);
    return rc;
}

int cs_plan_op_format(const cs_plan_op *op, cs_buf *out)
{
    int rc =
        cs_buf_appendf(out, "%s %s", cs_plan_kind_name(op->kind), cs_plan_target_name(op->target));
    if (op->hs_id != NULL || op->target == CS_PLAN_HUBSPOT)
        rc |= cs_buf_appendf(out, " contact %s", op->hs_id ? op->hs_id : "(new)");
    if (op->prev_sf_type != NULL)
        rc |= cs_buf_appendf(out, " %s %s ->", op->prev_sf_type,
                             op->prev_sf_id ? op->prev_sf_id : "");
    if (op->sf_type != NULL)
        rc |= cs_buf_appendf(out, " %s %s", op->sf_type, op->sf_id ? op->sf_id : "(new)");
    if (op->email != NULL)
        rc |= cs_buf_appendf(out, " <%s>", op->email);
    if (op->kind == CS_PLAN_ERROR)
        rc |= cs_buf_appendf(out, " [%s%s%s]", cs_plan_category_name(op->category),
                             op->field ? " " : "", op->field ? op->field : "");
    if (op->reason != NULL)
        rc |= cs_buf_appendf(out, ": %s", op->reason);
    rc |= cs_buf_append_str(out, "\n");
    for (size_t i = 0; i < op->nchanges; i++) {
        const cs_plan_change *c = &op->changes[i];
        rc |= cs_buf_appendf(out, "    %s: ", c->field);
        rc |= quoted(out, c->old_value);
        rc |= cs_buf_append_str(out, " -> ");
        rc |= quoted(out, c->new_value);
        rc |= cs_buf_appendf(out, "  (%s)\n", c->reason ? c->reason : "");
    }
    return rc ? -1 : 0;
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
    if (rc == 0)
        rc = cs_buf_appendf(&b, "%zu operation%s", cs_plan_count(plan),
                            cs_plan_count(plan) == 1 ? "" : "s");
    for (int k = 0; rc == 0 && k < CS_PLAN_KIND_COUNT; k++) {
        size_t n = cs_plan_count_kind(plan, (cs_plan_kind)k, -1);
        if (n > 0)
            rc = cs_buf_appendf(&b, ", %zu %s", n, cs_plan_kind_name((cs_plan_kind)k));
    }
    if (rc == 0)
        rc = cs_buf_append_str(&b, "\n");
    if (rc == 0 && fputs(cs_buf_str(&b), f) == EOF)
        rc = -1;
    cs_buf_free(&b);
    return rc;
}
