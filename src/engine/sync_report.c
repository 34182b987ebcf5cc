/* The pass report: its stable names, its totals, the classification of skips
 * by the rule their reason cites (R7, C2, C3, C5, C14), and its JSON form,
 * which the store keeps as a run's counts and `crmsync status` shows. */
#include <string.h>

#include "engine/sync_int.h"

void cs_sync_report_init(cs_sync_report *r)
{
    memset(r, 0, sizeof *r);
    r->hubspot.daily_used = r->hubspot.daily_max = -1;
    r->salesforce.daily_used = r->salesforce.daily_max = -1;
}

uint64_t cs_sync_side_errors(const cs_sync_side_report *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < CS_CAT_COUNT; i++)
        n += s->errors[i];
    return n;
}

uint64_t cs_sync_side_skipped(const cs_sync_side_report *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < CS_SYNC_SKIP_COUNT; i++)
        n += s->skipped[i];
    return n;
}

const char *cs_sync_skip_name(cs_sync_skip skip)
{
    static const char *const names[CS_SYNC_SKIP_COUNT] = {
        "no_email", "not_in_list", "sf_change_off", "duplicate", "converted", "other"};
    return (unsigned)skip < CS_SYNC_SKIP_COUNT ? names[skip] : "unknown";
}

const char *cs_sync_outcome_name(cs_sync_outcome outcome)
{
    switch (outcome) {
    case CS_SYNC_COMPLETED:
        return "completed";
    case CS_SYNC_PAUSED:
        return "paused";
    case CS_SYNC_INTERRUPTED:
        return "interrupted";
    case CS_SYNC_FAILED:
        return "failed";
    }
    return "unknown";
}

cs_sync_side_report *sync_report_side(cs_sync_report *rep, cs_plan_target target)
{
    return target == CS_PLAN_HUBSPOT ? &rep->hubspot : &rep->salesforce;
}

/* The rule id a reason starts with decides the bucket ("R7: no email"). */
static cs_sync_skip classify(const char *reason)
{
    static const struct {
        const char *prefix;
        cs_sync_skip skip;
    } rules[] = {{"R7:", CS_SYNC_SKIP_NO_EMAIL},
                 {"C2:", CS_SYNC_SKIP_NOT_IN_LIST},
                 {"C3:", CS_SYNC_SKIP_SF_CHANGE_OFF},
                 {"C5:", CS_SYNC_SKIP_DUPLICATE},
                 {"C14:", CS_SYNC_SKIP_CONVERTED}};
    if (reason == NULL)
        return CS_SYNC_SKIP_OTHER;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (strncmp(reason, rules[i].prefix, strlen(rules[i].prefix)) == 0)
            return rules[i].skip;
    }
    return CS_SYNC_SKIP_OTHER;
}

void sync_report_skip(cs_sync_report *rep, const cs_plan_op *op)
{
    /* A skip names the record it skips: an HS contact when it has an HS id. */
    cs_sync_side_report *side = op->hs_id ? &rep->hubspot : &rep->salesforce;
    side->skipped[classify(op->reason)]++;
}

static json_t *side_json(const cs_sync_side_report *s)
{
    json_t *skipped = json_object();
    json_t *errors = json_object();
    json_t *o = json_object();
    if (skipped == NULL || errors == NULL || o == NULL)
        goto fail;
    for (size_t i = 0; i < CS_SYNC_SKIP_COUNT; i++) {
        if (s->skipped[i] && json_object_set_new(skipped, cs_sync_skip_name((cs_sync_skip)i),
                                                 json_integer((json_int_t)s->skipped[i])) != 0)
            goto fail;
    }
    for (size_t i = 0; i < CS_CAT_COUNT; i++) {
        if (s->errors[i] && json_object_set_new(errors, cs_category_name((cs_category)i),
                                                json_integer((json_int_t)s->errors[i])) != 0)
            goto fail;
    }
    const struct {
        const char *key;
        uint64_t v;
    } counts[] = {{"read", s->read},
                  {"context", s->context},
                  {"settled", s->settled},
                  {"retried", s->retried},
                  {"waiting", s->waiting},
                  {"refused_unsent", s->refused_unsent},
                  {"created", s->created},
                  {"updated", s->updated},
                  {"unsubscribed", s->unsubscribed},
                  {"archived", s->archived},
                  {"own_reread", s->own_reread},
                  {"skipped_total", cs_sync_side_skipped(s)},
                  {"errors_total", cs_sync_side_errors(s)},
                  {"api_calls", s->api_calls},
                  {"read_calls", s->read_calls},
                  {"write_calls", s->write_calls},
                  {"bulk_jobs", s->bulk_jobs}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        if (json_object_set_new(o, counts[i].key, json_integer((json_int_t)counts[i].v)) != 0)
            goto fail;
    }
    if (json_object_set_new(o, "daily_used", json_integer((json_int_t)s->daily_used)) != 0 ||
        json_object_set_new(o, "daily_max", json_integer((json_int_t)s->daily_max)) != 0 ||
        json_object_set_new(o, "skipped", skipped) != 0) {
        skipped = NULL;
        goto fail;
    }
    skipped = NULL;
    if (json_object_set_new(o, "errors", errors) != 0) {
        errors = NULL;
        goto fail;
    }
    return o;
fail:
    json_decref(skipped);
    json_decref(errors);
    json_decref(o);
    return NULL;
}

json_t *cs_sync_report_json(const cs_sync_report *r)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    const struct {
        const char *key;
        uint64_t v;
    } counts[] = {{"rounds", r->rounds},
                  {"ops", r->ops},
                  {"ops_applied", r->ops_applied},
                  {"ops_left", r->ops > r->ops_applied ? r->ops - r->ops_applied : 0},
                  {"linked", r->linked},
                  {"relinked", r->relinked},
                  {"unlinked", r->unlinked},
                  {"refreshed", r->refreshed},
                  {"reconciled", r->reconciled}};
    int rc = json_object_set_new(o, "outcome", json_string(cs_sync_outcome_name(r->outcome)));
    rc |= json_object_set_new(o, "duration_ms", json_integer((json_int_t)r->duration_ms));
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        rc |= json_object_set_new(o, counts[i].key, json_integer((json_int_t)counts[i].v));
    rc |= json_object_set_new(o, "cursors_advanced", json_boolean(r->cursors_advanced));
    rc |= json_object_set_new(o, "retry_paused", json_boolean(r->retry_paused));
    rc |= json_object_set_new(o, "hubspot", side_json(&r->hubspot));
    rc |= json_object_set_new(o, "salesforce", side_json(&r->salesforce));
    if (rc != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}
