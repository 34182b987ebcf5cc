/* The sync engine's driver: creating a cs_sync (and choosing the fields each
 * side reads), one pass as a sequence of rounds recorded as a run in the
 * store, the dry run behind `crmsync plan`, the R6 budget guards on the
 * connector, and the continuous loop behind `crmsync run` with its
 * interruptible pause and its backoff after failed passes. A round is a
 * sequence of phase calls, each handing its data to the next (changes:
 * detect.c; context: context.c; plan: plan.c; writes and durable results:
 * apply.c); no phase calls back into this file (docs/architecture.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"
#include "engine/apply_int.h"
#include "engine/context_int.h"

/* ---- creating ---------------------------------------------------------------- */

/* Selects what one object of a pair reads: the planner's extra fields and
 * every synced mapping's field in that object's column. */
static int select_object(cs_connector *c, const cs_pair *pair, const char *object,
                         const char *const *extra, size_t nextra, cs_err *err)
{
    bool hub = cs_pair_is_hs(pair, object);
    const char **names = calloc(pair->nmaps + nextra + 1, sizeof *names);
    if (names == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < nextra; i++)
        names[n++] = extra[i];
    for (size_t i = 0; i < pair->nmaps; i++) {
        const cs_field_mapping *m = &pair->maps[i];
        int column = hub ? -1 : cs_pair_sf_find(pair, object)->column;
        const char *name = column < 0 ? m->hs : column == 0 ? m->sf_lead : m->sf_contact;
        if (name != NULL && m->rule != CS_RULE_DONT_SYNC)
            names[n++] = name;
    }
    int rc = cs_connector_select_fields(c, object, names, n, err);
    free(names);
    return rc;
}

static int setup_guard(void *ud, bool write, cs_err *err);

static int select_pair(const cs_sync_options *o, const cs_pair *pair, cs_err *err)
{
    if (select_object(o->hubspot, pair, pair->hs_object, pair->hs_extra, pair->nhs_extra, err) != 0)
        return -1;
    for (size_t k = 0; k < pair->nsf; k++) {
        const cs_pair_sf *so = &pair->sf[k];
        if (select_object(o->salesforce, pair, so->name, so->extra, so->nextra, err) != 0)
            return -1;
    }
    return 0;
}

int cs_sync_new(const cs_sync_options *opts, cs_sync **out, cs_err *err)
{
    if (opts == NULL || opts->config == NULL || opts->store == NULL || opts->hubspot == NULL ||
        opts->salesforce == NULL || out == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "sync: config, store and both connectors needed");
    if (cs_connector_get_kind(opts->hubspot) != CS_CONNECTOR_HUBSPOT ||
        cs_connector_get_kind(opts->salesforce) != CS_CONNECTOR_SALESFORCE)
        return cs_err_set(err, CS_ERR_INTERNAL, "sync: the connectors are not HubSpot, Salesforce");
    cs_sync *s = calloc(1, sizeof *s);
    if (s == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    s->opt = *opts;
    s->settings = cs_config_sync(opts->config);
    s->round_records = opts->round_records ? opts->round_records : SYNC_DEFAULT_ROUND;
    cs_connector_set_guard(opts->salesforce, setup_guard, s);
    int rc = cs_pair_compile(opts->config, s->pairs, &s->npairs, err);
    for (size_t i = 0; rc == 0 && i < s->npairs; i++)
        rc = select_pair(opts, &s->pairs[i], err);
    cs_connector_set_guard(opts->salesforce, NULL, NULL);
    if (rc != 0) {
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void cs_sync_free(cs_sync *s)
{
    free(s);
}

/* The schemas read before any pass count against the budget too. */
static int setup_guard(void *ud, bool write, cs_err *err)
{
    (void)write;
    long long used = 0;
    long limit = 0;
    if (sync_within_budget(ud, false, &used, &limit))
        return 0;
    return cs_err_set(err, CS_ERR_RATE_LIMIT, "R6: " SYNC_BUDGET_REACHED "; nothing more is read",
                      used, limit);
}

/* R6, call by call: every Salesforce call of a pass, reads included, is
 * checked against the budget before it is sent, so a pass never goes past
 * it (checked between batches only, one pass made 176 calls against a budget
 * of 160: the calls inside a batch and the reads of a round went unchecked). */
static int budget_guard(void *ud, bool write, cs_err *err)
{
    (void)write;
    sync_pass *p = ud;
    if (sync_budget_ok(p, false))
        return 0;
    return cs_err_set(err, CS_ERR_RATE_LIMIT, "%s", p->rep->message);
}

/* ---- one pass ---------------------------------------------------------------------- */

static void summary(cs_sync_report *r)
{
    if (r->message[0] != '\0')
        return;
    snprintf(r->message, sizeof r->message,
             "HubSpot: %llu read, %llu created, %llu updated, %llu errors; Salesforce: %llu read, "
             "%llu created, %llu updated, %llu errors; %llu linked",
             (unsigned long long)r->hubspot.read, (unsigned long long)r->hubspot.created,
             (unsigned long long)r->hubspot.updated,
             (unsigned long long)cs_sync_side_errors(&r->hubspot),
             (unsigned long long)r->salesforce.read, (unsigned long long)r->salesforce.created,
             (unsigned long long)r->salesforce.updated,
             (unsigned long long)cs_sync_side_errors(&r->salesforce),
             (unsigned long long)r->linked);
}

/* The rounds of one pair. dry: one round that reads everything, planned
 * only (its plan is merged into *plan_out). */
static int pair_rounds(sync_pass *p, const cs_pair *pair, cs_plan **plan_out, cs_err *err)
{
    if (detect_begin(p, pair, err) != 0)
        return -1;
    while (!detect_finished(p) && p->halt == SYNC_GO) {
        if (sync_stopped(p)) {
            p->halt = SYNC_HALT_INTERRUPTED;
            break;
        }
        if (!p->dry_run && !sync_budget_ok(p, false))
            break;
        /* a round: changes → context → plan → writes and durable results */
        sync_round r;
        int rc = detect_round(p, &r, p->dry_run ? 0 : sync_bulk_round(p, p->s->round_records), err);
        if (rc == 0 && !sync_stopped(p))
            rc = context_round(p, &r, err);
        if (rc == 0 && sync_stopped(p)) {
            p->halt = SYNC_HALT_INTERRUPTED;
            sync_round_dispose(&r);
            break;
        }
        cs_plan *plan = NULL;
        rc = rc ? rc : cs_plan_build(r.input.in, &plan, err);
        if (rc == 0) {
            size_t n = cs_plan_count(plan);
            p->ops_planned += n;
            p->rep->ops += n;
            p->rep->rounds++;
            sync_progress(p, CS_SYNC_PHASE_PLAN);
        }
        if (rc == 0 && p->dry_run) {
            rc = *plan_out == NULL ? 0 : cs_plan_append(*plan_out, plan, err);
            if (*plan_out == NULL)
                *plan_out = plan;
            else
                cs_plan_free(plan);
            sync_round_dispose(&r);
            return rc;
        }
        rc = rc ? rc : apply_plan(p, &r, plan, true, err);
        cs_plan_free(plan);
        sync_round_dispose(&r);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Every pair in turn, parents first (A2). */
static int rounds(sync_pass *p, cs_plan **plan_out, cs_err *err)
{
    if (sync_bulk_begin(p, err) != 0 || detect_pass_begin(p, err) != 0)
        return -1;
    for (size_t i = 0; i < p->s->npairs && p->halt == SYNC_GO; i++) {
        if (pair_rounds(p, &p->s->pairs[i], plan_out, err) != 0)
            return -1;
    }
    return 0;
}

static int pass(cs_sync *s, cs_sync_report *rep, bool dry, cs_plan **plan_out, cs_err *err)
{
    cs_sync_report_init(rep);
    rep->started_ms = cs_time_now_ms();
    sync_pass p;
    memset(&p, 0, sizeof p);
    p.s = s;
    p.rep = rep;
    p.dry_run = dry;
    p.now_ms = rep->started_ms;
    p.started_mono = cs_time_monotonic_ms();
    cs_record_list_init(&p.owners);
    cs_record_list_init(&p.users);
    cs_connector_get_usage(s->opt.hubspot, &p.hs_usage0);
    cs_connector_get_usage(s->opt.salesforce, &p.sf_usage0);
    p.followups = cs_map_new(free);
    p.handoff = cs_map_new(NULL);
    cs_err local = {0};
    cs_err *e = err ? err : &local;
    int rc = p.followups && p.handoff ? 0 : cs_err_set(e, CS_ERR_INTERNAL, "out of memory");
    if (rc == 0 && !dry)
        rc = cs_store_run_begin(s->opt.store, rep->started_ms, &rep->run_id, e);
    bool run_open = rc == 0 && !dry;
    if (rc == 0 && sync_stopped(&p))
        p.halt = SYNC_HALT_INTERRUPTED;
    else if (rc == 0) {
        if (!dry)
            cs_connector_set_guard(s->opt.salesforce, budget_guard, &p);
        rc = rounds(&p, plan_out, e);
        sync_bulk_end(&p);
        cs_connector_set_guard(s->opt.salesforce, NULL, NULL);
    }
    if (rc != 0 && p.halt == SYNC_HALT_PAUSED && e->category == CS_ERR_RATE_LIMIT) {
        /* The budget guard refused a call (a read, or a write outside a
         * batch the engine checks itself): the pass pauses, as at a batch. */
        rc = 0;
    }
    if (rc != 0 && !dry && sync_stopped(&p) && e->category == CS_ERR_NETWORK) {
        /* A stop signal abandons the call in flight or its retry wait: that
         * failure is the interruption itself, and whatever the call left
         * undone (a create with an unknown outcome included) is re-read and
         * settled by the next pass, as after any interruption. */
        rc = 0;
        p.halt = SYNC_HALT_INTERRUPTED;
    }
    if (cs_store_in_transaction(s->opt.store))
        cs_store_rollback(s->opt.store, NULL);
    detect_pass_end(&p);
    cs_map_free(p.followups);
    cs_map_free(p.handoff);
    cs_map_free(p.child_members);
    sync_update_usage(&p);
    rep->finished_ms = cs_time_now_ms();

    cs_run_status status = CS_RUN_COMPLETED;
    if (rc != 0) {
        rep->outcome = CS_SYNC_FAILED;
        status = CS_RUN_FAILED;
        if (snprintf(rep->message, sizeof rep->message, "failed (%s): %.990s",
                     cs_err_category_name(e->category), e->message) < 0)
            rep->message[0] = '\0';
    } else if (p.halt == SYNC_HALT_PAUSED) {
        rep->outcome = CS_SYNC_PAUSED;
        status = CS_RUN_PAUSED; /* R6: not "completed": records were left for the next pass */
    } else if (p.halt == SYNC_HALT_INTERRUPTED) {
        rep->outcome = CS_SYNC_INTERRUPTED;
        status = CS_RUN_INTERRUPTED;
        snprintf(rep->message, sizeof rep->message,
                 "interrupted by a stop signal; the next pass re-reads from the stored cursors");
    }
    summary(rep);
    if (run_open) {
        json_t *counts = cs_sync_report_json(rep);
        cs_err ferr = {0};
        if (cs_store_run_finish(s->opt.store, rep->run_id, rep->finished_ms, status, counts,
                                rep->message, &ferr) != 0 &&
            rc == 0) {
            *e = ferr;
            rc = -1;
            rep->outcome = CS_SYNC_FAILED;
        }
        json_decref(counts);
    }
    sync_progress(&p, CS_SYNC_PHASE_DONE);
    return rc;
}

int cs_sync_pass(cs_sync *s, cs_sync_report *report, cs_err *err)
{
    cs_sync_report local;
    cs_sync_report *rep = report ? report : &local;
    if (s == NULL) {
        cs_sync_report_init(rep);
        return cs_err_set(err, CS_ERR_INTERNAL, "sync: no engine");
    }
    return pass(s, rep, false, NULL, err);
}

int cs_sync_plan_only(cs_sync *s, cs_plan **plan_out, cs_sync_report *report, cs_err *err)
{
    cs_sync_report local;
    cs_sync_report *rep = report ? report : &local;
    if (s == NULL || plan_out == NULL) {
        cs_sync_report_init(rep);
        return cs_err_set(err, CS_ERR_INTERNAL, "sync: no engine or no plan output");
    }
    cs_plan *plan = NULL;
    int rc = pass(s, rep, true, &plan, err);
    if (rc != 0 || rep->outcome != CS_SYNC_COMPLETED) {
        cs_plan_free(plan);
        if (rc == 0)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "plan: %s", rep->message);
        return rc;
    }
    *plan_out = plan;
    return 0;
}

/* ---- the continuous loop ------------------------------------------------------------ */

/* Sleeps ms in short slices so the stop flag ends the pause at once. */
static void pause_ms(const cs_sync *s, long ms)
{
    int64_t end = cs_time_monotonic_ms() + ms;
    for (;;) {
        if (s->opt.stop != NULL && *s->opt.stop != 0)
            return;
        int64_t left = end - cs_time_monotonic_ms();
        if (left <= 0)
            return;
        if (left > 100)
            left = 100;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)left * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
            if (s->opt.stop != NULL && *s->opt.stop != 0)
                return;
        }
    }
}

int cs_sync_run(cs_sync *s, const cs_sync_run_options *opts, cs_err *err)
{
    if (s == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "sync: no engine");
    cs_sync_run_options o = {0};
    if (opts != NULL)
        o = *opts;
    long interval = o.interval_ms > 0 ? o.interval_ms : s->settings->interval_ms;
    if (interval <= 0)
        interval = 60000;
    long cap =
        o.max_backoff_ms > 0 ? o.max_backoff_ms : (interval > 360000 ? 3600000 : interval * 10);
    if (cap < interval)
        cap = interval;
    long passes = 0;
    int failures = 0;
    while (s->opt.stop == NULL || *s->opt.stop == 0) {
        cs_sync_report rep;
        cs_err perr = {0};
        int rc = cs_sync_pass(s, &rep, &perr);
        passes++;
        if (o.on_pass != NULL)
            o.on_pass(&rep, rc, rc != 0 ? &perr : NULL, o.ud);
        failures = rc != 0 ? (failures < 30 ? failures + 1 : failures) : 0;
        if (o.max_passes > 0 && passes >= o.max_passes)
            break;
        long wait = interval;
        for (int i = 0; i < failures && wait < cap; i++)
            wait = wait > cap / 2 ? cap : wait * 2;
        pause_ms(s, wait);
    }
    return 0;
}
