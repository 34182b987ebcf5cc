/* The environment of a pass, below its phases (docs/architecture.md): the
 * cs_sync context, the state of one pass and of one round of a pass, and the
 * pass-wide services every phase may use (stop flag, R6 budget, progress,
 * retries, Bulk API use, the report). Each phase declares its own functions
 * in a header of its own — detect_int.h (changes), context_int.h (context),
 * apply_int.h (writes and durable results) — which includes the headers of
 * the phases below it only, so a phase cannot call back up; src/engine/
 * phases.txt lists them and unit.phases checks it. Nothing outside
 * src/engine/ includes these headers. */
#ifndef CS_ENGINE_SYNC_INT_H
#define CS_ENGINE_SYNC_INT_H

#include "core/map.h"
#include "engine/pair.h"
#include "engine/sync.h"

#define SYNC_DEFAULT_ROUND 2000
/* A pair's scans: its HubSpot object first, then its Salesforce objects in
 * the pair's order (scan 1 + k reads pair->sf[k]). */
#define SYNC_SCAN_HS 0
/* Creates of one batch whose outcome stays unknown are settled within this
 * many attempts (send, look up by email, send what was not found) or the
 * pass fails. Under faults on a third of the requests (chaos.sh), eight
 * leave a batch unsettled about once in 15,000. */
#define SYNC_CREATE_ATTEMPTS 8

struct cs_sync {
    cs_sync_options opt; /* pointers borrowed from the caller */
    const cs_sync_settings *settings;
    /* The config's pairs (pair.h), in the order a pass syncs them. */
    cs_pair pairs[CS_PAIR_MAX];
    size_t npairs;
    size_t round_records;
};

/* How a round or a pass ended early. */
typedef enum sync_halt {
    SYNC_GO = 0,
    SYNC_HALT_PAUSED,     /* R6: budget reached */
    SYNC_HALT_INTERRUPTED /* stop flag */
} sync_halt;

/* The state of one pass, made and freed by sync.c's pass(). Grouped by who
 * writes it; the environment at the top is what every phase reads. */
typedef struct sync_pass {
    /* -- the environment (sync.c, sync_env.c): read by every phase -- */
    cs_sync *s; /* connectors, store, settings, pairs: borrowed */
    cs_sync_report *rep;
    bool dry_run;
    int64_t now_ms;
    int64_t started_mono;
    const cs_pair *pair; /* the pair the current rounds sync */
    sync_halt halt;
    uint64_t ops_planned;
    uint64_t ops_applied;
    cs_connector_usage hs_usage0, sf_usage0;

    /* -- the changes phase's state for the current pair (detect*.c): its
     * scans (SYNC_SCAN_HS, then one per SF object), opened by detect_begin,
     * closed by detect_end -- */
    size_t nscans;
    cs_change_scan *scans[CS_PAIR_SCANS_MAX];
    bool scan_done[CS_PAIR_SCANS_MAX];
    char stored_cursor[CS_PAIR_SCANS_MAX][CS_CONNECTOR_CURSOR_MAX];
    bool retries_done;         /* due errors were re-read (first round) */
    struct detect_full *full;  /* full reads matched locally (detect_full.c); NULL: none */
    struct detect_window *win; /* the scans' windows (detect_window.c); NULL: none */
    json_t *members;           /* C2: inclusion list member ids (array) or NULL */

    /* -- read once per pass for the context phase -- */
    cs_record_list owners; /* HubSpot owners (C17) */
    cs_record_list users;  /* Salesforce Users (C17) */
    /* C2 members of the child pair's inclusion list (a set), read once;
     * NULL until then. */
    cs_map *child_members;

    /* -- handed from one round to a later one -- */
    /* Pairs linked in this pass without a snapshot (a create reconciled onto
     * an existing record, a 409 on create): hs_id → sync_followup (owned),
     * noted by apply. They get a first-sync merge in a round of their own at
     * the end of the pair. */
    cs_map *followups;
    /* A1 → A2: HS ids of child records (of the child pair) whose parent was
     * examined in this pass (a set), noted by the context phase; the child
     * pair reads them as changed in its first round, so a parent created now
     * gives them their parent now. */
    cs_map *handoff;

    /* -- pass-wide services -- */
    /* R8: open errors, sync_error_key → [last_seen_ms, next_retry_ms], read at
     * the start of the pass and kept up to date by the failures and clears of
     * the pass. A record re-read by the overlap window (R2) that has not
     * changed since it failed waits for its retry instead of failing again on
     * every pass (sync_retry.c). */
    struct cs_map *open_errors;
    /* Values an API refused in this pass (property_values naming one field):
     * sync_retry.c key → [category, field, message]. Later records with the
     * same value are refused without being sent. */
    struct cs_map *bad_values;
    /* The retry schedule of the error being recorded when it is not the
     * options' (A2's waits for a parent); NULL otherwise. */
    const cs_retry_policy *policy;
    struct sync_bulk *bulk; /* Bulk API 2.0 use of the pass (sync_bulk.c); NULL: dry run */
} sync_pass;

/* A follow-up (sync_pass.followups): the Salesforce record an HS record was
 * linked to without a snapshot. */
typedef struct sync_followup {
    char sf_type[CS_PLAN_ID_MAX];
    char sf_id[CS_PLAN_ID_MAX];
} sync_followup;

/* What the round knows of a record it read (sync_round.recs): for the retry
 * guard (R8) and the error rows (R4). */
typedef struct sync_rec {
    int64_t modified_ms;
    char email[CS_PLAN_EMAIL_MAX]; /* raw, as the API holds it; "" when none */
} sync_rec;

/* The sides an email of sync_round.emails was seen on (bits). */
#define SYNC_EMAIL_HS 1u
#define SYNC_EMAIL_SF 2u

/* One round hands its data forward in four parts, each filled by one phase
 * and read by the phases after it (docs/architecture.md). Their maps
 * (core/map.h) are made by sync_round_init and freed by sync_round_dispose
 * (detect_input.c): sets carry no value; "→ name" values are a Salesforce
 * object's name borrowed from the pair; "→ id" values are owned copies. */

/* The round's input: every record taken into the round with its link and
 * snapshot. Filled by the changes and context phases (detect_input.c); the
 * plan is built from in; apply reads the links and records for its error
 * rows and retry guard. */
typedef struct sync_input {
    cs_plan_input *in;
    cs_map *hs_seen; /* set of HS ids in the input */
    cs_map *sf_seen; /* SF id → name of its object */
    cs_map *link_hs; /* HS id → SF id: links given to the input */
    cs_map *link_sf; /* SF id → HS id */
    cs_map *recs;    /* id → sync_rec (owned) of every record read */
} sync_input;

/* What the changed records call for, noted as they are taken in (changes
 * phase) and read by the context phase. */
typedef struct sync_needs {
    cs_map *need_hs; /* set of HS ids to read as context */
    cs_map *need_sf; /* SF ids to read as context → name of their object */
    cs_map *emails;  /* email keys of changed unlinked records → SYNC_EMAIL_* (number) */
    cs_map *parents; /* A2: set of SF parent ids the round's SF records name */
} sync_needs;

/* What the changes phase saw, made durable by apply in the round's last
 * transaction. */
typedef struct sync_changes {
    cs_map *retried; /* error keys of records re-evaluated: due, or changed since they failed */
    bool followup;   /* this round merges the pass's follow-ups */
    /* R2: per scan, id → modification time of every record the scan
     * returned in this round (detect_window.c encodes it as a number),
     * noted as seen when the round commits; NULL until a scan returns one;
     * and the scans whose windows were all read in this round. */
    cs_map *scanned[CS_PAIR_SCANS_MAX];
    bool window_done[CS_PAIR_SCANS_MAX];
} sync_changes;

/* What the writes did, kept by apply while it works through the plan. */
typedef struct sync_results {
    cs_map *failed;  /* error keys that failed (again) in this round, or will (plan errors) */
    cs_map *held;    /* error keys whose ops waited for their retry in this round */
    cs_map *broken;  /* HS and SF ids whose LINK failed: their other ops are skipped */
    cs_map *created; /* SF id → new HS id of an HS create (for its UNSUBSCRIBE) */
    cs_map *updated; /* HS ids counted as updated in this round (an opt-out counts once, R5) */
} sync_results;

typedef struct sync_round {
    sync_input input;     /* changes, context → plan, apply */
    sync_needs needs;     /* changes → context */
    sync_changes changes; /* changes → apply (durable results) */
    sync_results results; /* apply */
} sync_round;

/* Sets key to an owned copy of value in m (a map that frees its values).
 * 0, or -1 when memory ran out. */
int sync_map_put_str(cs_map *m, const char *key, const char *value);
/* Notes a follow-up of the pass: hs_id was linked to (sf_type, sf_id)
 * without a snapshot. 0, or -1 when memory ran out. */
int sync_followup_add(sync_pass *p, const char *hs_id, const char *sf_type, const char *sf_id);

/* ---- sync_env.c: the pass's environment, below every phase ------------------- */

bool sync_stopped(const sync_pass *p);
/* Whether object is the HubSpot object of one of the pass's pairs. */
bool sync_is_hs_object(const sync_pass *p, const char *object);
#define SYNC_BUDGET_REACHED                                                                        \
    "the Salesforce API budget is reached (%lld of %ld calls used in the last 24 hours)"
/* Whether s's Salesforce usage is below its budget (retries: the retry
 * budget); *used and *limit say where it stands when it is not. */
bool sync_within_budget(const cs_sync *s, bool retries, long long *used, long *limit);
/* R6: whether the Salesforce budget allows more writes (or, with retries,
 * more retries of errored records). Sets p->halt and the report's message
 * when it does not (writes only). */
bool sync_budget_ok(sync_pass *p, bool retries);
/* The report's API usage and duration, as of now. */
void sync_update_usage(sync_pass *p);
void sync_progress(sync_pass *p, cs_sync_phase phase);
/* The store's name of scan i of the current pair's cursor, and its object. */
const char *sync_scan_cursor(const sync_pass *p, size_t i);
const char *sync_scan_object(const sync_pass *p, size_t i);
/* The pair whose parent is the current pair, or NULL. */
const cs_pair *sync_child_pair(const sync_pass *p);

/* ---- sync_bulk.c: Salesforce Bulk API 2.0 (sync.bulk_threshold) ----------------- */

/* Gives the Salesforce connector the threshold and the journal of its
 * ingest jobs, then settles the jobs an earlier pass left. */
int sync_bulk_begin(sync_pass *p, cs_err *err);
void sync_bulk_end(sync_pass *p);
/* Records per scan in a round of the current pair: round, or the threshold
 * (at most 50,000) when the pair is read in full and Bulk may be used. */
size_t sync_bulk_round(const sync_pass *p, size_t round);
/* Inputs per write call for a group of n ops like first: batch_max, or n
 * when the group goes out as one ingest job (counts the group). */
size_t sync_bulk_batch(sync_pass *p, const struct cs_plan_op *first, size_t n, size_t batch_max);
/* cs_connector_write(), through one ingest job when the pass's writes to
 * object passed the threshold and n is big enough for a job. */
int sync_write(sync_pass *p, cs_connector *c, const char *object, cs_write_kind kind,
               const cs_write_input *in, size_t n, cs_write_result *res, cs_err *err);

/* The key of a record's error in r->failed / r->retried: the side whose API
 * refused, the source record's object and id (sync_retry.c; every phase
 * uses it). */
void sync_error_key(char *out, size_t size, cs_store_side side, const char *object,
                    const char *record_key);
/* ---- sync_retry.c: when a refused record is written again (R4, R8) ---------- */

/* Reads every open error into p->open_errors and prepares p->bad_values. */
int retry_begin(sync_pass *p, cs_err *err);
void retry_end(sync_pass *p);
/* Whether the record of error key (side, object, record_key), last modified
 * at modified_ms, waits for its retry: it has an open error that is not due
 * and it has not changed since it failed, crmsync's own writes to it aside
 * (the journal, R5, says when those landed). *waits is set; 0 or -1. */
int retry_waits(sync_pass *p, cs_store_side side, const char *object, const char *record_key,
                int64_t modified_ms, bool *waits, cs_err *err);
/* Makes the open error key due now (A2: its record's parent has just been
 * examined, so the record is worth another look at once). */
void retry_make_due(sync_pass *p, const char *key);
/* Whether error key is open (as loaded and updated during the pass). */
bool retry_is_open(const sync_pass *p, const char *key);
/* Keeps p->open_errors current: a failure recorded now, an error cleared. */
int retry_note_failure(sync_pass *p, const char *key, cs_err *err);
void retry_note_cleared(sync_pass *p, const char *key);
/* After a refusal (res) of a write of fields to object on one side:
 * remembers the value when it alone explains the refusal. 0 or -1. */
int retry_learn(sync_pass *p, bool hubspot, const char *object, const json_t *fields,
                const cs_write_result *res, cs_err *err);
/* When fields (a write to object on one side) hold a value refused earlier
 * in the pass, fills res with that refusal and returns true. */
bool retry_known_bad(const sync_pass *p, bool hubspot, const char *object, const json_t *fields,
                     cs_write_result *res);

/* ---- sync_report.c ------------------------------------------------------------ */

/* Counts a SKIP op by the rule its reason cites. */
void sync_report_skip(cs_sync_report *rep, const cs_plan_op *op);
cs_sync_side_report *sync_report_side(cs_sync_report *rep, cs_plan_target target);

#endif
