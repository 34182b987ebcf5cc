/* The sync engine's public interface: one sync pass (detect → plan → apply →
 * store, DESIGN), the dry run behind `crmsync plan`, and the continuous loop
 * behind `crmsync run`.
 *
 * A cs_sync is created from a loaded config, an open store and two
 * connectors, all borrowed (so tests can hand it sandbox-backed connectors).
 * It never builds connectors itself and never talks HTTP or SQL directly.
 *
 * One pass:
 *   - detect (R2): each side is scanned from its durable cursor (with the
 *     overlap window) — HubSpot contacts, Salesforce Leads and Contacts (and
 *     their deletions). Records due for retry in the store's error table are
 *     re-read even when unchanged (R8), within the retry budget (R6). Context
 *     is fetched for the planner: the counterpart of every linked changed
 *     record, every record on either side whose email matches a changed
 *     unlinked one (C5), the Contact of a converted Lead (C14), owners and
 *     users (C17), the inclusion list's members (C2). A record missing from
 *     a read is never taken as deleted (C16).
 *   - plan: cs_plan_build (engine/plan.h), a pure function.
 *   - apply: creates and updates per target and type in batches (HubSpot
 *     <= 100, Salesforce <= 200); one store transaction per batch, committed
 *     as soon as the API batch returns, holding the links, merged snapshots,
 *     journal rows (R5) and errors (R4, R8, R9) of that batch. A refused
 *     record becomes an error; the rest of its batch lands. A create whose
 *     outcome is unknown is reconciled first (Salesforce: looked up by email;
 *     HubSpot: upsert by email) and never sent twice blindly.
 *   - cursors: a pass reads in rounds of a bounded number of records; a
 *     side's cursor is stored only once every batch of the rounds it covers
 *     is durable. A pass that stops early (failure, budget, stop flag) leaves
 *     the cursors where they were, so the next pass re-reads; links,
 *     snapshots and idempotent creates make that re-read write nothing twice.
 *
 * Every pass is recorded as a run in the store (started, finished, status,
 * the report as counts JSON, a message).
 *
 * Threads: a cs_sync, like its store and connectors, is used by one thread. */
#ifndef CS_ENGINE_SYNC_H
#define CS_ENGINE_SYNC_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "connector/connector.h"
#include "core/err.h"
#include "engine/plan.h"
#include "store/store.h"

typedef struct cs_sync cs_sync;

/* ---- the pass report ------------------------------------------------------ */

/* Why a record was skipped, from the rule that decided it. */
typedef enum cs_sync_skip {
    CS_SYNC_SKIP_NO_EMAIL = 0,  /* R7: a contact without email never syncs */
    CS_SYNC_SKIP_NOT_IN_LIST,   /* C2: outside the inclusion list */
    CS_SYNC_SKIP_SF_CHANGE_OFF, /* C3: on_salesforce_change is nothing */
    CS_SYNC_SKIP_DUPLICATE,     /* C5: another record with this email syncs */
    CS_SYNC_SKIP_CONVERTED,     /* C14: a converted Lead; its Contact syncs */
    CS_SYNC_SKIP_OTHER,         /* anything else (e.g. a counterpart not readable now) */
    CS_SYNC_SKIP_COUNT
} cs_sync_skip;

/* What a pass did to (or read from) one side. Writes count records the side's
 * API accepted; skipped counts records of this side the plan skipped; errors
 * count records whose write this side's API refused (or that the plan could
 * not write to this side), by R9 category. */
typedef struct cs_sync_side_report {
    uint64_t read;    /* records change detection returned (deletions included) */
    uint64_t context; /* records read by id or email for the plan's view */
    /* Of the records read: those that needed no plan and no lookup, already
     * settled in this pass or at this modification time (R2). */
    uint64_t settled;
    uint64_t retried; /* records re-read because their retry was due (R8) */
    /* Records (errors filed under them) whose write to this side, or plan
     * error, waited for its retry: refused before, unchanged since (R8). */
    uint64_t waiting;
    /* Of the errors: records not sent because this side refused the same
     * value of the same field earlier in the pass. */
    uint64_t refused_unsent;
    uint64_t created;
    uint64_t updated;
    uint64_t unsubscribed; /* HubSpot only: opt-outs (C10) */
    uint64_t archived;     /* HubSpot archive / Salesforce delete (C16) */
    /* Records a full read met again that this pass had just created on this
     * side (its own writes, not input): not counted in read. */
    uint64_t own_reread;
    uint64_t skipped[CS_SYNC_SKIP_COUNT];
    uint64_t errors[CS_CAT_COUNT];
    /* API usage during the pass, from the connector's counters. */
    uint64_t api_calls;   /* requests sent, retries included */
    uint64_t read_calls;  /* logical read calls */
    uint64_t write_calls; /* logical write calls */
    uint64_t bulk_jobs;   /* Salesforce: Bulk API 2.0 ingest jobs (sync.bulk_threshold) */
    int64_t daily_used;   /* what the API last reported; -1 when never */
    int64_t daily_max;
} cs_sync_side_report;

typedef enum cs_sync_outcome {
    CS_SYNC_COMPLETED = 0, /* everything read was planned and applied */
    CS_SYNC_PAUSED,        /* R6: the Salesforce API budget was reached; writing stopped */
    CS_SYNC_INTERRUPTED,   /* the stop flag was raised; stopped between batches */
    CS_SYNC_FAILED         /* an error stopped the pass (network, auth, store) */
} cs_sync_outcome;

typedef struct cs_sync_report {
    cs_sync_outcome outcome;
    int64_t run_id; /* the run recorded in the store; 0 for a dry run */
    int64_t started_ms;
    int64_t finished_ms;
    int64_t duration_ms;
    uint64_t rounds; /* detect→apply rounds the pass took */
    uint64_t ops;    /* operations planned */
    /* Of the operations planned, those applied or settled as errors and
     * skips; ops - ops_applied were left undone by a budget stop, a stop
     * signal or a failure (the outcome says which). */
    uint64_t ops_applied;
    /* Pairs: the same count for both sides, so kept once. */
    uint64_t linked;       /* records matched by email and linked (C5) */
    uint64_t relinked;     /* C14: converted Leads whose link moved to the Contact */
    uint64_t unlinked;     /* C16: links dropped after a delete */
    uint64_t refreshed;    /* both sides agreed; only the snapshot was updated */
    uint64_t reconciled;   /* creates with an unknown outcome, settled without a duplicate */
    bool cursors_advanced; /* at least one side's cursor moved */
    bool retry_paused;     /* R6: due retries were left for later (retry budget reached) */
    cs_sync_side_report hubspot;
    cs_sync_side_report salesforce;
    /* One line for people: why the pass paused, failed or was interrupted,
     * or a summary. */
    char message[CS_ERR_MESSAGE_MAX];
} cs_sync_report;

void cs_sync_report_init(cs_sync_report *r);
/* Totals over the categories / reasons of one side. */
uint64_t cs_sync_side_errors(const cs_sync_side_report *s);
uint64_t cs_sync_side_skipped(const cs_sync_side_report *s);
/* Stable names: "no_email", "not_in_list", ...; "completed", "paused", ... */
const char *cs_sync_skip_name(cs_sync_skip skip);
const char *cs_sync_outcome_name(cs_sync_outcome outcome);
/* The report as a JSON object (what the store keeps as a run's counts):
 * {"outcome", "duration_ms", "rounds", "ops", "linked", ..., "hubspot": {
 * "read", "created", ..., "skipped": {"no_email": n, ...}, "errors":
 * {"property_values": n, ...}, "api_calls", ...}, "salesforce": {...}}.
 * New reference, or NULL when memory ran out. */
json_t *cs_sync_report_json(const cs_sync_report *r);

/* ---- progress --------------------------------------------------------------- */

typedef enum cs_sync_phase {
    CS_SYNC_PHASE_DETECT = 0, /* reading changes and context */
    CS_SYNC_PHASE_PLAN,
    CS_SYNC_PHASE_APPLY, /* called after every committed batch */
    CS_SYNC_PHASE_DONE
} cs_sync_phase;

typedef struct cs_sync_progress {
    cs_sync_phase phase;
    const cs_sync_report *so_far; /* borrowed, valid during the call */
    uint64_t ops_planned;         /* operations planned so far in this pass */
    uint64_t ops_applied;         /* of which applied (or settled as errors/skips) */
    int64_t elapsed_ms;
} cs_sync_progress;

/* Called from inside a pass, on the pass's thread; must not call back into
 * the cs_sync. For `crmsync sync`'s progress line and the dashboard. */
typedef void (*cs_sync_progress_fn)(const cs_sync_progress *p, void *ud);

/* ---- creating a sync ---------------------------------------------------------- */

typedef struct cs_sync_options {
    const cs_config *config;  /* required; borrowed */
    cs_store *store;          /* required; borrowed */
    cs_connector *hubspot;    /* required; a HubSpot connector, borrowed */
    cs_connector *salesforce; /* required; a Salesforce connector, borrowed */
    /* Checked between pages, batches and rounds, and while the run loop
     * sleeps; a non-zero value stops the work cleanly. Set it from a signal
     * handler (which should do nothing else). May be NULL. */
    const volatile sig_atomic_t *stop;
    cs_sync_progress_fn progress; /* may be NULL */
    void *progress_ud;
    /* Changed records per round (each side); 0: 2000. Bounds the memory of
     * a pass; cursors move at the end of every round. */
    size_t round_records;
    /* Read every record, ignoring the stored cursors (cursors still advance). */
    bool full;
    /* R1 backfill: HS properties whose mapping syncs as on a first sync for
     * every pair read (use with full to reach every pair). Borrowed. */
    const char *const *backfill;
    size_t nbackfill;
    /* R8 retry schedule; NULL: cs_retry_policy_default. Borrowed. */
    const cs_retry_policy *retry_policy;
} cs_sync_options;

/* Checks the options and selects the fields each side reads (every mapped
 * field plus what the planner needs: Email, IsConverted, ConvertedContactId,
 * the link properties ...), which fetches both sides' schemas: an unknown
 * mapped name is CS_ERR_CONFIG. Caller frees with cs_sync_free(). */
int cs_sync_new(const cs_sync_options *opts, cs_sync **out, cs_err *err);
/* Accepts NULL. Frees nothing it borrowed. */
void cs_sync_free(cs_sync *s);

/* ---- running ---------------------------------------------------------------- */

/* One pass. report is always filled (whatever the return value) and the pass
 * is recorded as a run. Returns 0 when the pass completed, paused for the API
 * budget (R6) or was interrupted by the stop flag — record errors included,
 * they are in the report and the store; -1 when it failed (network, auth,
 * store): err says why, and the cursors did not move past anything that is
 * not durable. */
int cs_sync_pass(cs_sync *s, cs_sync_report *report, cs_err *err);

/* The dry run of `crmsync plan`: detect (everything since the cursors, in one
 * round) and plan, without writing anything to either API or the store. On
 * success *plan_out is the plan (cs_plan_free()) and report holds what was
 * read (run_id 0). */
int cs_sync_plan_only(cs_sync *s, cs_plan **plan_out, cs_sync_report *report, cs_err *err);

/* Called after every pass of cs_sync_run with its report, its return value
 * and, when it failed, the error. */
typedef void (*cs_sync_pass_fn)(const cs_sync_report *r, int rc, const cs_err *err, void *ud);

typedef struct cs_sync_run_options {
    long interval_ms; /* pause between passes; 0: the config's sync.interval */
    long max_passes;  /* stop after this many passes; 0: until stopped */
    /* After a failed pass the pause doubles (interval × 2^failures) up to
     * this; 0: ten times the interval, at most an hour. */
    long max_backoff_ms;
    cs_sync_pass_fn on_pass; /* may be NULL */
    void *ud;
} cs_sync_run_options;

/* The continuous loop of `crmsync run`: a pass, a pause of the interval
 * (cut short by the stop flag), and again, until the stop flag is raised or
 * max_passes is reached. A failing pass (network down, authentication) is
 * reported through on_pass and tried again after a backoff; it never ends
 * the loop. Returns 0 on a clean stop; -1 only when the loop cannot run at
 * all (err). */
int cs_sync_run(cs_sync *s, const cs_sync_run_options *opts, cs_err *err);

/* The names of the durable cursors a pass keeps in the store (for `crmsync
 * status`): "hubspot.contacts", "salesforce.Lead", "salesforce.Contact". */
#define CS_SYNC_CURSOR_HS_CONTACTS "hubspot.contacts"
#define CS_SYNC_CURSOR_SF_LEAD     "salesforce.Lead"
#define CS_SYNC_CURSOR_SF_CONTACT  "salesforce.Contact"

/* The durable cursors of every pair cfg syncs, in pass order (its HubSpot
 * scan, then its Salesforce scans): up to max static names into out; the
 * count is returned. */
#define CS_SYNC_CURSORS_MAX 12

/* The store's link object ("contact", "company") of the pair that syncs
 * object, a HubSpot object ("contacts") or a Salesforce one ("Account"),
 * as record errors name it; NULL when no built-in pair syncs it. Static. */
const char *cs_sync_link_object(const char *object);
size_t cs_sync_cursor_names(const cs_config *cfg, const char **out, size_t max);

/* The object name the engine uses for contact links in the store. */
#define CS_SYNC_OBJECT_CONTACT "contact"

#endif
