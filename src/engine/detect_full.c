/* Full reads with local matching (C5, R2): what a pass does for a scan that
 * has no cursor (the first pass, `--full`, a newly enabled pair).
 *
 * Such a scan reads its side in full (HubSpot through its object listing,
 * Salesforce through its SOQL listing). For a pair matched by email, its
 * records are matched here, against compact indexes, instead of looking each
 * email up (a pair matched by link only needs no index):
 *
 * - When the HubSpot scan is full, the records of the pair's Salesforce
 *   objects with an email are indexed first (two fields, 2,000 a call), and
 *   the Salesforce scans wait until the HubSpot scan is over. A HubSpot
 *   record then reads as context only the Salesforce records its email
 *   names, by id.
 * - The HubSpot scan indexes every record's email as it goes, so once it is
 *   over a Salesforce record's email names its HubSpot match, if any, with
 *   no lookup; an email in neither index has no match.
 * - A Salesforce record linked during this pass (its pair was just made,
 *   from a copy read in this pass) and not modified since is not planned
 *   again when the Salesforce scan reaches it.
 *
 * The indexes hold, per record, a 32-bit hash of its normalised email key
 * and its id (in one arena), sorted by hash once complete: 8 bytes plus the
 * id's length a record (16 to 28 bytes), so 100,000 records on each side
 * cost about 4.5 MiB. The keys are not kept (they were about half
 * of the size): a lookup may name a record of another email whose hash is
 * the same, which the plan then matches by its own email. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/detect_int.h"

/* ---- a compact multimap email key -> (type, id) ----------------------------- */

/* An entry's type: 'H' for the HubSpot object, '0' + k for the pair's k-th
 * Salesforce object. */
#define TYPE_HS 'H'

/* An entry: a 32-bit hash of its key and the arena offset of its type and
 * id, 8 bytes. The key itself is not kept: a record another email hashes to
 * is read as context and matched by its own email in the plan (C5), so a
 * collision (about one lookup in 40,000 at 100,000 records) costs one read
 * by id, or one email lookup when it makes the email look shared. */
typedef struct ix_entry {
    uint32_t hash, off;
} ix_entry;

typedef struct email_index {
    ix_entry *e;
    size_t count, cap;
    char *arena; /* type-char "id\0" ... */
    size_t used, acap;
    bool sorted; /* e is sorted by hash (done before the first lookup) */
} email_index;

/* FNV-1a, folded to 32 bits. */
static uint32_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (uint32_t)(h ^ (h >> 32));
}

static void index_dispose(email_index *x)
{
    free(x->e);
    free(x->arena);
    memset(x, 0, sizeof *x);
}

static int cmp_entry(const void *pa, const void *pb)
{
    const ix_entry *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a->off < b->off ? -1 : a->off > b->off;
}

/* Adds (key, type, id); the same key may come more than once. */
static int index_add(email_index *x, const char *key, char type, const char *id)
{
    size_t il = strlen(id) + 1;
    if (x->count == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 4096;
        ix_entry *e = realloc(x->e, cap * sizeof *e);
        if (e == NULL)
            return -1;
        x->e = e;
        x->cap = cap;
    }
    if (x->used + 1 + il > x->acap) {
        size_t cap = x->acap ? x->acap * 2 : 64 * 1024;
        while (cap < x->used + 1 + il)
            cap *= 2;
        if (cap > UINT32_MAX)
            return -1;
        char *a = realloc(x->arena, cap);
        if (a == NULL)
            return -1;
        x->arena = a;
        x->acap = cap;
    }
    x->e[x->count++] = (ix_entry){hash_key(key), (uint32_t)x->used};
    x->arena[x->used] = type;
    memcpy(x->arena + x->used + 1, id, il);
    x->used += 1 + il;
    x->sorted = false;
    return 0;
}

/* Calls fn for every entry of key. */
static int index_each(email_index *x, const char *key,
                      int (*fn)(void *ud, char type, const char *id), void *ud)
{
    if (x->count == 0)
        return 0;
    if (!x->sorted) {
        qsort(x->e, x->count, sizeof *x->e, cmp_entry);
        x->sorted = true;
    }
    ix_entry want = {hash_key(key), 0};
    size_t lo = 0, hi = x->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_entry(&x->e[mid], &want) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < x->count && x->e[lo].hash == want.hash; lo++) {
        const char *at = x->arena + x->e[lo].off;
        if (fn(ud, at[0], at + 1) != 0)
            return -1;
    }
    return 0;
}

/* ---- the pass's state ----------------------------------------------------------- */

struct detect_full {
    bool scan_full[CS_PAIR_SCANS_MAX];
    bool sf_ready;  /* sf holds every record of the pair's SF objects with an email */
    email_index sf; /* type '0' + k */
    email_index hs; /* type TYPE_HS; complete once the HubSpot scan is done */
};

static int oom(cs_err *err)
{
    return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
}

typedef struct sf_fill {
    email_index *x;
    char type;
} sf_fill;

static int sf_add(void *ud, const char *id, const char *email, cs_err *err)
{
    sf_fill *f = ud;
    char key[CS_PLAN_EMAIL_MAX];
    if (!cs_email_key(email, key, sizeof key))
        return 0;
    return index_add(f->x, key, f->type, id) == 0 ? 0 : oom(err);
}

int detect_full_begin(sync_pass *p, const bool full[CS_PAIR_SCANS_MAX], cs_err *err)
{
    const cs_pair *pair = p->pair;
    bool any = false;
    for (size_t i = 0; i < p->nscans; i++)
        any = any || full[i];
    if (!any || p->dry_run || pair->match != CS_PAIR_MATCH_EMAIL)
        return 0;
    detect_full *f = calloc(1, sizeof *f);
    if (f == NULL)
        return oom(err);
    memcpy(f->scan_full, full, sizeof f->scan_full);
    p->full = f;
    if (!full[SYNC_SCAN_HS])
        return 0;
    for (size_t k = 0; k < pair->nsf; k++) {
        sf_fill fill = {&f->sf, (char)('0' + k)};
        if (cs_connector_email_index(p->s->opt.salesforce, pair->sf[k].name, sf_add, &fill, err) !=
            0)
            return -1;
    }
    f->sf_ready = true;
    return 0;
}

void detect_full_end(sync_pass *p)
{
    if (p->full == NULL)
        return;
    index_dispose(&p->full->sf);
    index_dispose(&p->full->hs);
    free(p->full);
    p->full = NULL;
}

bool detect_full_hold(const sync_pass *p, size_t scan)
{
    const detect_full *f = p->full;
    return f != NULL && scan != SYNC_SCAN_HS && f->scan_full[SYNC_SCAN_HS] &&
           !p->scan_done[SYNC_SCAN_HS];
}

/* A Salesforce record linked in this pass and not modified since the link
 * was made: its pair was planned from a copy read in this pass. */
static int handled(sync_pass *p, const cs_record *rec, bool *yes, cs_err *err)
{
    *yes = false;
    if (rec->deleted)
        return 0;
    cs_link l;
    int found = cs_store_link_by_sf(p->s->opt.store, rec->id, &l, err);
    if (found < 0)
        return -1;
    int64_t since = l.updated_ms > l.created_ms ? l.updated_ms : l.created_ms;
    *yes = found == 1 && since >= p->rep->started_ms && rec->modified_ms <= since;
    return 0;
}

int detect_full_filter(sync_pass *p, size_t scan, cs_record_list *got, cs_err *err)
{
    detect_full *f = p->full;
    if (f == NULL || !f->scan_full[scan])
        return 0;
    if (scan == SYNC_SCAN_HS) {
        for (size_t i = 0; i < got->len; i++) {
            const cs_record *r = &got->items[i];
            char key[CS_PLAN_EMAIL_MAX];
            if (!r->deleted && r->id &&
                cs_email_key(cs_record_get(r, p->pair->hs_email), key, sizeof key) &&
                index_add(&f->hs, key, TYPE_HS, r->id) != 0)
                return oom(err);
        }
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < got->len; i++) {
        bool skip = false;
        if (handled(p, &got->items[i], &skip, err) != 0)
            return -1;
        if (skip) {
            /* A record created after the pass began is this pass's own
             * create, met again by the listing: not input, so not read. */
            if (got->items[i].created_ms >= p->rep->started_ms && p->rep->salesforce.read > 0) {
                p->rep->salesforce.read--;
                p->rep->salesforce.own_reread++;
            } else {
                p->rep->salesforce.settled++;
            }
            cs_record_dispose(&got->items[i]);
            continue;
        }
        got->items[k++] = got->items[i];
    }
    got->len = k;
    return 0;
}

typedef struct need_fill {
    const cs_pair *pair;
    sync_round *r;
    int rc;
    size_t count;
} need_fill;

static int need(void *ud, char type, const char *id)
{
    need_fill *n = ud;
    n->count++;
    int rc = type == TYPE_HS
                 ? cs_map_add(n->r->needs.need_hs, id)
                 : cs_map_put(n->r->needs.need_sf, id, (void *)n->pair->sf[type - '0'].name);
    if (rc < 0)
        n->rc = -1;
    return n->rc;
}

int detect_full_emails(sync_pass *p, sync_round *r, cs_map *left_hs, cs_map *left_sf, cs_err *err)
{
    detect_full *f = p->full;
    bool hs_ready = f != NULL && f->scan_full[SYNC_SCAN_HS] && p->scan_done[SYNC_SCAN_HS];
    bool hs_full = f != NULL && f->scan_full[SYNC_SCAN_HS];
    need_fill n = {.pair = p->pair, .r = r};
    const char *email;
    size_t from;
    for (size_t it = cs_map_next_num(r->needs.emails, 0, &email, &from); it;
         it = cs_map_next_num(r->needs.emails, it, &email, &from)) {
        bool only_hs = from == SYNC_EMAIL_HS;
        n.count = 0;
        if (f != NULL && f->sf_ready)
            (void)index_each(&f->sf, email, need, &n);
        else if (cs_map_add(left_sf, email) < 0)
            return oom(err);
        /* Salesforce records sharing an email (C5): one of them may have got
         * a HubSpot contact in this pass, which the index does not hold */
        bool shared = !only_hs && n.count > 1;
        /* HubSpot emails are unique: a HubSpot contact of a full scan is
         * the only one with its email */
        if (only_hs && hs_full)
            continue;
        if (hs_ready && !shared)
            (void)index_each(&f->hs, email, need, &n);
        else if (cs_map_add(left_hs, email) < 0)
            return oom(err);
    }
    return n.rc == 0 ? 0 : oom(err);
}

int detect_note_email(sync_round *r, const char *email, bool hub)
{
    size_t had = 0;
    (void)cs_map_get_num(r->needs.emails, email, &had);
    return cs_map_put_num(r->needs.emails, email, had | (hub ? SYNC_EMAIL_HS : SYNC_EMAIL_SF));
}
