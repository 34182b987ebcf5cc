/* Backend-independent pieces of the store's rows: the stable names of its
 * enums (as stored in the database and printed by the CLI), the retry schedule
 * of record errors (R8) as a pure function, and the string storage and
 * dispose functions of list results. */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- names -------------------------------------------------------------- */

static const char *const side_names[] = {"hubspot", "salesforce"};
static const char *const dir_names[] = {"hs_to_sf", "sf_to_hs"};
static const char *const op_names[] = {"create", "update", "delete",   "link",
                                       "relink", "unlink", "associate"};
/* R9 */
static const char *const run_status_names[] = {"running", "completed", "failed", "interrupted",
                                               "paused"};
static const char *const event_names[] = {"failed", "resolved", "dismissed"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, int value)
{
    if (value < 0 || (size_t)value >= n)
        return "unknown";
    return names[value];
}

static int parse_name(const char *const *names, size_t n, const char *name, int *out)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    return -1;
}

const char *cs_store_side_name(cs_store_side side)
{
    return name_of(side_names, COUNT(side_names), (int)side);
}

const char *cs_store_dir_name(cs_store_dir dir)
{
    return name_of(dir_names, COUNT(dir_names), (int)dir);
}

const char *cs_store_op_name(cs_store_op op)
{
    return name_of(op_names, COUNT(op_names), (int)op);
}

const char *cs_run_status_name(cs_run_status status)
{
    return name_of(run_status_names, COUNT(run_status_names), (int)status);
}

const char *cs_error_event_kind_name(cs_error_event_kind kind)
{
    return name_of(event_names, COUNT(event_names), (int)kind);
}

int cs_store_side_parse(const char *name, cs_store_side *out)
{
    int v;
    if (name != NULL && strcmp(name, "hs") == 0)
        v = CS_STORE_HUBSPOT;
    else if (name != NULL && strcmp(name, "sf") == 0)
        v = CS_STORE_SALESFORCE;
    else if (parse_name(side_names, COUNT(side_names), name, &v) != 0)
        return -1;
    *out = (cs_store_side)v;
    return 0;
}

int cs_store_dir_parse(const char *name, cs_store_dir *out)
{
    int v;
    if (parse_name(dir_names, COUNT(dir_names), name, &v) != 0)
        return -1;
    *out = (cs_store_dir)v;
    return 0;
}

int cs_store_op_parse(const char *name, cs_store_op *out)
{
    int v;
    if (parse_name(op_names, COUNT(op_names), name, &v) != 0)
        return -1;
    *out = (cs_store_op)v;
    return 0;
}

int cs_run_status_parse(const char *name, cs_run_status *out)
{
    int v;
    if (parse_name(run_status_names, COUNT(run_status_names), name, &v) != 0)
        return -1;
    *out = (cs_run_status)v;
    return 0;
}

int cs_error_event_kind_parse(const char *name, cs_error_event_kind *out)
{
    int v;
    if (parse_name(event_names, COUNT(event_names), name, &v) != 0)
        return -1;
    *out = (cs_error_event_kind)v;
    return 0;
}

/* ---- retry schedule (R8) -------------------------------------------------- */

#define MINUTE_MS (60 * 1000LL)
#define HOUR_MS   (60 * MINUTE_MS)
#define DAY_MS    (24 * HOUR_MS)

const cs_retry_policy cs_retry_policy_default = {
    .step_ms = 20 * MINUTE_MS,
    .fast_attempts = 10,
    .nightly_hour_utc = 3,
    .min_gap_ms = 20 * MINUTE_MS,
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Every delay is at least a minute and at most a day: whatever the policy
 * says, a failing record is never retried in a tight loop. */
int64_t cs_retry_next_ms(const cs_retry_policy *policy, int attempts, int64_t failed_ms)
{
    const cs_retry_policy *p = policy ? policy : &cs_retry_policy_default;
    if (attempts < 1)
        attempts = 1;
    if (failed_ms > INT64_MAX - 3 * DAY_MS)
        return INT64_MAX;
    if (attempts <= p->fast_attempts) {
        int64_t step = p->step_ms < MINUTE_MS ? MINUTE_MS : p->step_ms;
        if (step > DAY_MS)
            step = DAY_MS;
        int64_t delay = step * attempts; /* attempts <= fast_attempts: fits easily */
        if (delay > DAY_MS)
            delay = DAY_MS;
        return failed_ms + delay;
    }
    int hour = p->nightly_hour_utc;
    if (hour < 0 || hour > 23)
        hour = cs_retry_policy_default.nightly_hour_utc;
    int64_t gap = p->min_gap_ms < MINUTE_MS ? MINUTE_MS : p->min_gap_ms;
    if (gap > DAY_MS)
        gap = DAY_MS;
    int64_t earliest = failed_ms + gap;
    int64_t at = floor_div(earliest, DAY_MS) * DAY_MS + hour * HOUR_MS;
    if (at < earliest)
        at += DAY_MS;
    return at;
}

/* ---- list storage --------------------------------------------------------- */

#define STRINGS_CHUNK 16384u

const char *cs_store_strings_dup(cs_store_strings **pool, const char *text, size_t len,
                                 bool *failed)
{
    if (text == NULL)
        return NULL;
    cs_store_strings *head = *pool;
    if (head == NULL || head->cap - head->used < len + 1) {
        size_t cap = len + 1 > STRINGS_CHUNK ? len + 1 : STRINGS_CHUNK;
        cs_store_strings *chunk = malloc(sizeof *chunk + cap);
        if (chunk == NULL) {
            *failed = true;
            return NULL;
        }
        chunk->next = head;
        chunk->used = 0;
        chunk->cap = cap;
        *pool = chunk;
        head = chunk;
    }
    char *copy = head->data + head->used;
    memcpy(copy, text, len);
    copy[len] = '\0';
    head->used += len + 1;
    return copy;
}

void cs_store_strings_free(cs_store_strings *pool)
{
    while (pool != NULL) {
        cs_store_strings *next = pool->next;
        free(pool);
        pool = next;
    }
}

void cs_snapshot_dispose(cs_snapshot *snap)
{
    if (snap == NULL)
        return;
    json_decref(snap->fields);
    snap->fields = NULL;
}

void cs_journal_list_dispose(cs_journal_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    cs_store_strings_free(l->strings);
    memset(l, 0, sizeof *l);
}

void cs_record_error_list_dispose(cs_record_error_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    cs_store_strings_free(l->strings);
    memset(l, 0, sizeof *l);
}

void cs_error_event_list_dispose(cs_error_event_list *l)
{
    if (l == NULL)
        return;
    free(l->items);
    cs_store_strings_free(l->strings);
    memset(l, 0, sizeof *l);
}

void cs_run_list_dispose(cs_run_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->count; i++)
        json_decref(l->items[i].counts);
    free(l->items);
    cs_store_strings_free(l->strings);
    memset(l, 0, sizeof *l);
}
