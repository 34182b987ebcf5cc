/* The pass's environment, below every phase: the stop flag, the R6 budget,
 * progress reports, the current pair's scans and child pair, and small
 * helpers over the state one phase hands to the next (the owned strings of
 * the round's maps, the pass's follow-ups). Every phase may call these; they
 * call no phase. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "engine/sync_int.h"

int sync_map_put_str(cs_map *m, const char *key, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    if (value != NULL && copy == NULL)
        return -1;
    return cs_map_put(m, key, copy);
}

int sync_followup_add(sync_pass *p, const char *hs_id, const char *sf_type, const char *sf_id)
{
    sync_followup *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    if (sf_type == NULL || sf_id == NULL || strlen(sf_type) >= sizeof f->sf_type ||
        strlen(sf_id) >= sizeof f->sf_id) {
        free(f);
        return 0; /* no id a read could use: the connectors never give one */
    }
    memcpy(f->sf_type, sf_type, strlen(sf_type) + 1);
    memcpy(f->sf_id, sf_id, strlen(sf_id) + 1);
    return cs_map_put(p->followups, hs_id, f);
}

bool sync_stopped(const sync_pass *p)
{
    return p->s->opt.stop != NULL && *p->s->opt.stop != 0;
}

bool sync_is_hs_object(const sync_pass *p, const char *object)
{
    for (size_t i = 0; i < p->s->npairs; i++) {
        if (cs_pair_is_hs(&p->s->pairs[i], object))
            return true;
    }
    return false;
}

bool sync_within_budget(const cs_sync *s, bool retries, long long *used, long *limit)
{
    cs_connector_usage u;
    cs_connector_get_usage(s->opt.salesforce, &u);
    const cs_sync_settings *st = s->settings;
    if (u.daily_used < 0)
        return true; /* the org has not told its usage yet */
    if ((st->sf_api_budget.percent || st->retry_budget.percent) && u.daily_max <= 0)
        return true; /* a share of an allocation the org has not reported */
    long sync_limit = 0, retry_limit = 0;
    cs_sync_call_limits(st, (long)u.daily_max, &sync_limit, &retry_limit);
    *limit = retries ? retry_limit : sync_limit;
    *used = (long long)u.daily_used;
    return u.daily_used < (int64_t)*limit;
}

bool sync_budget_ok(sync_pass *p, bool retries)
{
    long long used = 0;
    long limit = 0;
    if (sync_within_budget(p->s, retries, &used, &limit))
        return true;
    if (!retries) {
        p->halt = SYNC_HALT_PAUSED;
        snprintf(p->rep->message, sizeof p->rep->message,
                 "paused (R6): " SYNC_BUDGET_REACHED "; writing resumes when usage falls below it",
                 used, limit);
    }
    return false;
}

static void side_usage(cs_sync_side_report *rs, const cs_connector *c, const cs_connector_usage *u0)
{
    cs_connector_usage u;
    cs_connector_get_usage(c, &u);
    rs->api_calls = u.calls - u0->calls;
    rs->read_calls = u.read_calls - u0->read_calls;
    rs->write_calls = u.write_calls - u0->write_calls;
    rs->daily_used = u.daily_used;
    rs->daily_max = u.daily_max;
}

void sync_update_usage(sync_pass *p)
{
    side_usage(&p->rep->hubspot, p->s->opt.hubspot, &p->hs_usage0);
    side_usage(&p->rep->salesforce, p->s->opt.salesforce, &p->sf_usage0);
    int64_t now = cs_time_monotonic_ms();
    p->rep->duration_ms = now - p->started_mono;
    p->rep->ops_applied = p->ops_applied;
}

void sync_progress(sync_pass *p, cs_sync_phase phase)
{
    if (p->s->opt.progress == NULL)
        return;
    sync_update_usage(p);
    cs_sync_progress pr = {.phase = phase,
                           .so_far = p->rep,
                           .ops_planned = p->ops_planned,
                           .ops_applied = p->ops_applied,
                           .elapsed_ms = p->rep->duration_ms};
    p->s->opt.progress(&pr, p->s->opt.progress_ud);
}

const char *sync_scan_object(const sync_pass *p, size_t i)
{
    return i == SYNC_SCAN_HS ? p->pair->hs_object : p->pair->sf[i - 1].name;
}

const char *sync_scan_cursor(const sync_pass *p, size_t i)
{
    return i == SYNC_SCAN_HS ? p->pair->hs_cursor : p->pair->sf[i - 1].cursor;
}

const cs_pair *sync_child_pair(const sync_pass *p)
{
    for (size_t i = 0; i < p->s->npairs; i++) {
        const cs_pair *q = &p->s->pairs[i];
        if (q->parent >= 0 && &p->s->pairs[q->parent] == p->pair)
            return q;
    }
    return NULL;
}
