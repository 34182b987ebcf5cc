/* When a pass uses Salesforce's Bulk API 2.0 (sync.bulk_threshold), and
 * the durable record of its ingest jobs.
 *
 * Reads: the Salesforce connector decides by itself for full reads (one
 * SELECT COUNT() against the threshold); the pass only gives it the
 * threshold.
 *
 * Writes are planned round by round, so the decision is made per group of
 * one round's writes of one kind to one object: the group goes out as one
 * ingest job when the pass's writes of that object, this group included,
 * pass the threshold and the group is big enough for a job to cost fewer
 * calls than /composite (a job is about seven calls whatever its size; a
 * /composite call carries 1,000 records). For a round to hold groups that
 * big, a pair whose HubSpot side is read in full (first pass, --full) takes
 * rounds of up to the threshold instead of 2,000 records per scan, but only
 * when a job can be sent: when the HubSpot object holds more records than
 * the threshold (one count, after the first normal round), since each
 * HubSpot record of such a pass gives at most one Salesforce write. A round
 * costs memory in proportion to its size (its records, their context and
 * plan: about 10 KB a record), so a pass that cannot send a job keeps the
 * normal rounds. A pass that changes a few records never uses Bulk.
 *
 * A job runs on Salesforce's side once closed, whatever happens to the
 * process. Its id is kept in the store (meta "bulk.ingest_jobs") from its
 * creation until its results are read; a pass first settles every job a
 * former process left (aborts it unless it ended, waits for its end). Only
 * then do its reads run, so the email index or lookup finds every record
 * such a job created and nothing is created twice. */
#include <stdlib.h>
#include <string.h>

#include "engine/sync_int.h"

#define JOBS_KEY    "bulk.ingest_jobs"
#define MIN_JOB     5000 /* records below which a job costs more calls than /composite */
#define MAX_OBJECTS 16
#define MAX_PENDING 64 /* ingest jobs the store keeps at once */
#define MAX_ROUND   50000

typedef struct sync_bulk {
    size_t threshold;
    /* Round sizing for the current pair (sync_bulk_round). large: -1 not
     * decided, 0 normal rounds, 1 rounds of the threshold. */
    const cs_pair *pair;
    size_t pair_rounds;
    int large;
    struct {
        char object[CS_STORE_NAME_MAX];
        size_t writes;
    } objects[MAX_OBJECTS];
    size_t nobjects;
} sync_bulk;

/* The ids kept, as a JSON array (new reference; empty when none). */
static json_t *pending(cs_store *st, cs_err *err)
{
    char *text = NULL;
    int found = cs_store_meta_get(st, JOBS_KEY, &text, err);
    if (found < 0)
        return NULL;
    json_t *ids = found == 1 ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!json_is_array(ids)) {
        json_decref(ids);
        ids = json_array();
    }
    if (ids == NULL)
        cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    return ids;
}

static int save(cs_store *st, const json_t *ids, cs_err *err)
{
    char *text = json_dumps(ids, JSON_COMPACT);
    if (text == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    int rc = cs_store_meta_set(st, JOBS_KEY, text, err);
    free(text);
    return rc;
}

static int journal(void *ud, const char *job_id, bool open, cs_err *err)
{
    cs_store *st = ud;
    json_t *ids = pending(st, err);
    if (ids == NULL)
        return -1;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        if (strcmp(json_string_value(v), job_id) == 0)
            break;
    }
    int rc = 0;
    if (open && i == json_array_size(ids)) {
        if (i >= MAX_PENDING)
            rc = cs_err_set(err, CS_ERR_INTERNAL,
                            "%d Bulk API jobs are still to be settled: not starting another",
                            MAX_PENDING);
        else if (json_array_append_new(ids, json_string(job_id)) != 0)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    } else if (!open && i < json_array_size(ids)) {
        json_array_remove(ids, i);
    } else {
        json_decref(ids);
        return 0;
    }
    rc = rc ? rc : save(st, ids, err);
    json_decref(ids);
    return rc;
}

/* The jobs a former pass left, each aborted unless it ended and waited for. */
static int settle(sync_pass *p, cs_err *err)
{
    cs_store *st = p->s->opt.store;
    json_t *ids = pending(st, err);
    if (ids == NULL)
        return -1;
    int rc = 0;
    while (rc == 0 && json_array_size(ids) > 0) {
        const char *id = json_string_value(json_array_get(ids, 0));
        if (id != NULL && cs_connector_bulk_settle(p->s->opt.salesforce, id, err) != 0) {
            rc = cs_err_prefix(err, "a Bulk API job of an earlier pass: ");
            break;
        }
        json_array_remove(ids, 0);
        rc = save(st, ids, err);
    }
    json_decref(ids);
    return rc;
}

int sync_bulk_begin(sync_pass *p, cs_err *err)
{
    long t = p->s->settings->bulk_threshold;
    cs_connector_set_bulk_threshold(p->s->opt.salesforce, t > 0 ? (size_t)t : 0);
    if (p->dry_run)
        return 0;
    p->bulk = calloc(1, sizeof *p->bulk);
    if (p->bulk == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    p->bulk->threshold = t > 0 ? (size_t)t : 0;
    cs_connector_set_bulk_journal(p->s->opt.salesforce, journal, p->s->opt.store);
    return settle(p, err);
}

void sync_bulk_end(sync_pass *p)
{
    cs_connector_set_bulk_journal(p->s->opt.salesforce, NULL, NULL);
    free(p->bulk);
    p->bulk = NULL;
}

/* Whether the current pair's HubSpot scan reads in full (no cursor, or
 * --full): only then can one round's Salesforce writes of one object fill
 * a job (each HubSpot record of such a round gives at most one Salesforce
 * create or update). */
static bool hs_full(const sync_pass *p)
{
    if (p->s->opt.full)
        return true;
    int64_t since = -1;
    return p->nscans > 0 &&
           (cs_connector_cursor_time(p->stored_cursor[SYNC_SCAN_HS], &since, NULL) != 0 ||
            since < 0);
}

size_t sync_bulk_round(const sync_pass *p, size_t round)
{
    sync_bulk *b = p->bulk;
    if (b == NULL || b->threshold <= round || p->s->opt.round_records != 0)
        return round;
    if (b->pair != p->pair) {
        b->pair = p->pair;
        b->pair_rounds = 0;
        b->large = -1;
    }
    b->pair_rounds++;
    if (p->scan_done[SYNC_SCAN_HS] || !hs_full(p))
        return round;
    /* A scan that ends within its first normal round cannot fill a job, and
     * costs no count. Past it, one count of the HubSpot object decides: the
     * pass's Salesforce writes of an object are at most one per HubSpot
     * record, so with no more records than the threshold no job can be sent
     * and large rounds would only cost memory. A failed count keeps the
     * normal rounds: it only sizes them, and /composite writes the same. */
    if (b->pair_rounds == 1)
        return round;
    if (b->large < 0) {
        int64_t n = 0;
        cs_err ignored = {0};
        b->large = cs_connector_count_modified(p->s->opt.hubspot, p->pair->hs_object, 0,
                                               p->now_ms + 1, &n, &ignored) == 0 &&
                   (uint64_t)n > b->threshold;
    }
    if (!b->large)
        return round;
    return b->threshold < MAX_ROUND ? b->threshold : MAX_ROUND;
}

/* The pass's count of writes to object; NULL when it cannot be kept. */
static size_t *writes_of(sync_bulk *b, const char *object)
{
    size_t k = 0;
    while (k < b->nobjects && strcmp(b->objects[k].object, object) != 0)
        k++;
    if (k < b->nobjects)
        return &b->objects[k].writes;
    if (k == MAX_OBJECTS || strlen(object) >= sizeof b->objects[k].object)
        return NULL;
    memcpy(b->objects[k].object, object, strlen(object) + 1);
    b->objects[k].writes = 0;
    b->nobjects++;
    return &b->objects[k].writes;
}

/* Whether n writes to object go out as one ingest job. */
static bool bulk_for(sync_bulk *b, const char *object, size_t n)
{
    if (b == NULL || b->threshold == 0)
        return false;
    size_t *w = writes_of(b, object);
    size_t min_job = b->threshold < MIN_JOB ? b->threshold : MIN_JOB;
    return w != NULL && *w > b->threshold && n >= min_job;
}

size_t sync_bulk_batch(sync_pass *p, const cs_plan_op *first, size_t n, size_t batch_max)
{
    sync_bulk *b = p->bulk;
    if (b == NULL || b->threshold == 0 || first->target != CS_PLAN_SALESFORCE ||
        (first->kind != CS_PLAN_CREATE && first->kind != CS_PLAN_UPDATE) || first->sf_type == NULL)
        return batch_max;
    size_t *w = writes_of(b, first->sf_type);
    if (w == NULL)
        return batch_max;
    *w += n;
    return bulk_for(b, first->sf_type, n) && n > batch_max ? n : batch_max;
}

int sync_write(sync_pass *p, cs_connector *c, const char *object, cs_write_kind kind,
               const cs_write_input *in, size_t n, cs_write_result *res, cs_err *err)
{
    if (cs_connector_get_kind(c) == CS_CONNECTOR_SALESFORCE &&
        (kind == CS_WRITE_CREATE || kind == CS_WRITE_UPDATE) && bulk_for(p->bulk, object, n)) {
        p->rep->salesforce.bulk_jobs++;
        return cs_connector_write_bulk(c, object, kind, in, n, res, err);
    }
    return cs_connector_write(c, object, kind, in, n, res, err);
}
