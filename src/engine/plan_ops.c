/* The plan's operations: building one (ids, fields with their journal
 * entries, the snapshot keys it settles), collecting them, the stable order
 * apply relies on (kinds in execution order, creates and updates grouped per
 * target and SF type), and the read-only accessors. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/plan_int.h"
#include "engine/value.h"

void plan_op_init(cs_plan_op *op, cs_plan_kind kind, cs_plan_target target)
{
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->target = target;
}

void plan_op_dispose(cs_plan_op *op)
{
    if (op == NULL)
        return;
    free(op->hs_id);
    free(op->sf_type);
    free(op->sf_id);
    free(op->prev_sf_type);
    free(op->prev_sf_id);
    free(op->email);
    json_decref(op->fields);
    json_decref(op->snapshot);
    free(op->link_property);
    for (size_t i = 0; i < op->nchanges; i++) {
        free(op->changes[i].field);
        free(op->changes[i].old_value);
        free(op->changes[i].new_value);
        free(op->changes[i].reason);
    }
    free(op->changes);
    free(op->reason);
    free(op->field);
    memset(op, 0, sizeof *op);
}

/* Replaces *dst with a copy of src (NULL stays NULL). 0 or -1. */
static int dup_into(char **dst, const char *src)
{
    char *copy = NULL;
    if (src != NULL && (copy = strdup(src)) == NULL)
        return -1;
    free(*dst);
    *dst = copy;
    return 0;
}

int plan_op_ids(cs_plan_op *op, const char *hs_id, const char *sf_type, const char *sf_id)
{
    if (dup_into(&op->hs_id, hs_id) != 0 || dup_into(&op->sf_type, sf_type) != 0 ||
        dup_into(&op->sf_id, sf_id) != 0)
        return -1;
    return 0;
}

static int vreason(char **dst, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static int vreason(char **dst, const char *fmt, va_list ap)
{
    cs_buf b;
    cs_buf_init(&b, 4096);
    if (cs_buf_vappendf(&b, fmt, ap) != 0) {
        cs_buf_free(&b);
        return -1;
    }
    free(*dst);
    *dst = cs_buf_take(&b);
    return *dst ? 0 : -1;
}

int plan_op_reason(cs_plan_op *op, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vreason(&op->reason, fmt, ap);
    va_end(ap);
    return rc;
}

static json_t *text_or_null(const char *v)
{
    return cs_value_is_blank(v) ? json_null() : json_string(v);
}

int plan_op_write(cs_plan_op *op, const char *field, const char *old_value, const char *value,
                  const char *reason)
{
    if (op->fields == NULL && (op->fields = json_object()) == NULL)
        return -1;
    if (json_object_set_new(op->fields, field, text_or_null(value)) != 0)
        return -1;
    return plan_op_journal(op, field, old_value, value, reason);
}

int plan_op_journal(cs_plan_op *op, const char *field, const char *old_value, const char *value,
                    const char *reason)
{
    /* A field written twice keeps one journal entry: the last decision. */
    cs_plan_change *c = NULL;
    for (size_t i = 0; i < op->nchanges; i++) {
        if (strcmp(op->changes[i].field, field) == 0)
            c = &op->changes[i];
    }
    if (c == NULL) {
        cs_plan_change *p = realloc(op->changes, (op->nchanges + 1) * sizeof *p);
        if (p == NULL)
            return -1;
        op->changes = p;
        c = &op->changes[op->nchanges++];
        memset(c, 0, sizeof *c);
        if (dup_into(&c->field, field) != 0)
            return -1;
    }
    if (dup_into(&c->old_value, cs_value_is_blank(old_value) ? NULL : old_value) != 0 ||
        dup_into(&c->new_value, cs_value_is_blank(value) ? NULL : value) != 0 ||
        dup_into(&c->reason, reason) != 0)
        return -1;
    return 0;
}

int plan_op_snap(cs_plan_op *op, const char *key, const char *value)
{
    if (op->snapshot == NULL && (op->snapshot = json_object()) == NULL)
        return -1;
    return json_object_set_new(op->snapshot, key, text_or_null(value)) == 0 ? 0 : -1;
}

int plan_push(cs_plan *plan, cs_plan_op *op)
{
    if (plan->nops == plan->cap) {
        size_t cap = plan->cap ? plan->cap * 2 : 64;
        cs_plan_op *p = realloc(plan->ops, cap * sizeof *p);
        if (p == NULL) {
            plan_op_dispose(op);
            return -1;
        }
        plan->ops = p;
        plan->cap = cap;
    }
    if (op->hs_label == NULL)
        op->hs_label = plan->hs_label;
    plan->ops[plan->nops++] = *op;
    memset(op, 0, sizeof *op);
    return 0;
}

int plan_skip(cs_plan *plan, const char *hs_id, const char *sf_type, const char *sf_id,
              const char *email, const char *fmt, ...)
{
    cs_plan_op op;
    plan_op_init(&op, CS_PLAN_SKIP, hs_id ? CS_PLAN_HUBSPOT : CS_PLAN_SALESFORCE);
    va_list ap;
    va_start(ap, fmt);
    int rc = vreason(&op.reason, fmt, ap);
    va_end(ap);
    if (rc != 0 || plan_op_ids(&op, hs_id, sf_type, sf_id) != 0 ||
        dup_into(&op.email, email) != 0) {
        plan_op_dispose(&op);
        return -1;
    }
    return plan_push(plan, &op);
}

int plan_error(cs_plan *plan, cs_plan_target target, cs_category category, const char *hs_id,
               const char *sf_type, const char *sf_id, const char *email, const char *field,
               const char *fmt, ...)
{
    cs_plan_op op;
    plan_op_init(&op, CS_PLAN_ERROR, target);
    op.category = category;
    va_list ap;
    va_start(ap, fmt);
    int rc = vreason(&op.reason, fmt, ap);
    va_end(ap);
    if (rc != 0 || plan_op_ids(&op, hs_id, sf_type, sf_id) != 0 ||
        dup_into(&op.email, email) != 0 || dup_into(&op.field, field) != 0) {
        plan_op_dispose(&op);
        return -1;
    }
    return plan_push(plan, &op);
}

/* ---- order ---------------------------------------------------------------------- */

static int cmp_str(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

int plan_cmp_id(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a != NULL) - (b != NULL);
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a, b);
}

static int cmp_op(const void *pa, const void *pb)
{
    const cs_plan_op *a = pa, *b = pb;
    int c;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->target != b->target)
        return a->target < b->target ? -1 : 1;
    if ((c = cmp_str(a->sf_type, b->sf_type)) != 0)
        return c;
    if ((c = plan_cmp_id(a->hs_id, b->hs_id)) != 0)
        return c;
    if ((c = plan_cmp_id(a->sf_id, b->sf_id)) != 0)
        return c;
    if ((c = cmp_str(a->email, b->email)) != 0)
        return c;
    if ((c = cmp_str(a->field, b->field)) != 0)
        return c;
    return cmp_str(a->reason, b->reason);
}

void plan_sort(cs_plan *plan)
{
    if (plan->nops > 1)
        qsort(plan->ops, plan->nops, sizeof plan->ops[0], cmp_op);
}

int cs_plan_append(cs_plan *into, cs_plan *from, cs_err *err)
{
    for (size_t i = 0; i < from->nops; i++) {
        if (plan_push(into, &from->ops[i]) != 0) {
            for (size_t k = i + 1; k < from->nops; k++)
                plan_op_dispose(&from->ops[k]);
            from->nops = 0;
            return cs_err_set(err, CS_ERR_INTERNAL, "plan: out of memory");
        }
    }
    from->nops = 0;
    return 0;
}

/* ---- public accessors ------------------------------------------------------------- */

void cs_plan_free(cs_plan *plan)
{
    if (plan == NULL)
        return;
    for (size_t i = 0; i < plan->nops; i++)
        plan_op_dispose(&plan->ops[i]);
    free(plan->ops);
    free(plan);
}

size_t cs_plan_count(const cs_plan *plan)
{
    return plan ? plan->nops : 0;
}

const cs_plan_op *cs_plan_get(const cs_plan *plan, size_t i)
{
    return plan && i < plan->nops ? &plan->ops[i] : NULL;
}

size_t cs_plan_count_kind(const cs_plan *plan, cs_plan_kind kind, int target)
{
    size_t n = 0;
    for (size_t i = 0; plan && i < plan->nops; i++) {
        if (plan->ops[i].kind == kind && (target < 0 || (int)plan->ops[i].target == target))
            n++;
    }
    return n;
}

bool cs_plan_writes_nothing(const cs_plan *plan)
{
    for (size_t i = 0; plan && i < plan->nops; i++) {
        cs_plan_kind k = plan->ops[i].kind;
        if (k != CS_PLAN_SKIP && k != CS_PLAN_ERROR && k != CS_PLAN_REFRESH)
            return false;
    }
    return true;
}

int cs_plan_snapshot_merge(json_t *snapshot, const cs_plan_op *op)
{
    if (!json_is_object(snapshot))
        return -1;
    if (op->snapshot == NULL)
        return 0;
    return json_object_update(snapshot, op->snapshot) == 0 ? 0 : -1;
}

const char *cs_plan_kind_name(cs_plan_kind kind)
{
    static const char *const names[CS_PLAN_KIND_COUNT] = {
        "link",      "relink",  "unlink",  "create", "update", "unsubscribe",
        "associate", "archive", "refresh", "skip",   "error"};
    return (unsigned)kind < CS_PLAN_KIND_COUNT ? names[kind] : "unknown";
}

const char *cs_plan_target_name(cs_plan_target target)
{
    switch (target) {
    case CS_PLAN_HUBSPOT:
        return "hubspot";
    case CS_PLAN_SALESFORCE:
        return "salesforce";
    case CS_PLAN_STORE:
        return "store";
    }
    return "unknown";
}
