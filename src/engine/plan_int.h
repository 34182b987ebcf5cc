/* Internals of the plan step shared by plan*.c: the input's storage and
 * indexes, the plan's op array and op builders, and the per-pair merge state.
 * Nothing outside src/engine/plan*.c includes this header. */
#ifndef CS_ENGINE_PLAN_INT_H
#define CS_ENGINE_PLAN_INT_H

#include "core/map.h"
#include "engine/pair.h"
#include "engine/plan.h"

/* ---- input ---------------------------------------------------------------- */

typedef struct plan_rec {
    cs_record rec;
    bool changed;
    bool has_email;
    char email[CS_PLAN_EMAIL_MAX]; /* the dedup key (C5) when has_email */
} plan_rec;

typedef struct plan_link {
    char *hs_id;
    char *sf_type;
    char *sf_id;
    json_t *snapshot; /* NULL: never synced */
} plan_link;

/* A1: one child of an HS parent record (cs_plan_input_add_child). */
typedef struct plan_child {
    char hs_id[CS_PLAN_ID_MAX];
    char sf_parent[CS_PLAN_ID_MAX]; /* the child's SF parent id; "" when none */
    bool needs_parent;              /* the child's SF record needs a parent */
    bool creates_with_parent;       /* the child will be created with a parent */
} plan_child;

typedef struct plan_children {
    plan_child *items;
    size_t n, cap;
} plan_children;

/* A2: an HS record's primary parent; "" when there is none. */
typedef struct plan_parent {
    char hs[CS_PLAN_ID_MAX]; /* the HS parent */
    char sf[CS_PLAN_ID_MAX]; /* the SF record it is linked to */
} plan_parent;

struct cs_plan_input {
    cs_pair pair; /* the pair planned (a copy; its strings and mappings borrowed) */
    const cs_contact_settings *settings; /* &pair.settings */
    const cs_field_mapping *maps;
    size_t nmaps;
    int64_t now_ms;
    plan_rec *hs, *sf; /* HubSpot contacts; Salesforce Leads and Contacts */
    size_t nhs, caphs, nsf, capsf;
    cs_map *hs_index, *sf_index; /* id → index into hs / sf */
    plan_link *links;
    size_t nlinks, caplinks;
    cs_map *link_by_hs, *link_by_sf; /* id → index into links */
    /* Owned strings: */
    cs_map *hs_owner_email;     /* HS owner id → email key */
    cs_map *hs_owner_by_email;  /* email key → HS owner id (the smallest id) */
    cs_map *sf_user_email;      /* SF User id → email key */
    cs_map *sf_active_by_email; /* email key → active SF User id (the smallest id) */
    cs_map *members;            /* set: HS ids in the inclusion list */
    cs_map *company_account;    /* HS id → SF Account id (owned string) */
    /* A1: HS parent id → plan_children (owned): its children. */
    cs_map *children;
    /* A2: HS child id → plan_parent (owned): the HS side's primary parent,
     * for every child read. */
    cs_map *hs_parent;
    cs_map *sf_parent_hs; /* A2: SF parent id → its linked HS record (owned string) */
    cs_map *backfill;     /* set: HS properties */
};

const plan_rec *plan_hs_find(const cs_plan_input *in, const char *id);
const plan_rec *plan_sf_find(const cs_plan_input *in, const char *id);
/* The record's dedup key (C5), or NULL (no record, no email). */
const char *plan_rec_email(const plan_rec *r);
const plan_link *plan_link_by_hs(const cs_plan_input *in, const char *hs_id);
const plan_link *plan_link_by_sf(const cs_plan_input *in, const char *sf_id);
/* C2: whether hs_id may sync to SF (always true without an inclusion list). */
bool plan_is_member(const cs_plan_input *in, const char *hs_id);
/* The mapping with flag (CS_MAP_EMAIL, ...), or NULL. */
const cs_field_mapping *plan_mapping_with(const cs_plan_input *in, unsigned flag);
/* The SF field of m for sf_type (an SF object of the pair), or NULL (C8, C9). */
const char *plan_sf_field(const cs_plan_input *in, const cs_field_mapping *m, const char *sf_type);
/* C13: whether m is a field SF requires on records of sf_type. */
bool plan_sf_required(const cs_plan_input *in, const cs_field_mapping *m, const char *sf_type);

/* ---- output ---------------------------------------------------------------- */

struct cs_plan {
    cs_plan_op *ops;
    size_t nops, cap;
    const char *hs_label; /* given to every op pushed (cs_plan_op.hs_label) */
};

/* Zeroes op and sets kind and target. */
void plan_op_init(cs_plan_op *op, cs_plan_kind kind, cs_plan_target target);
/* Frees what op holds. Accepts NULL. */
void plan_op_dispose(cs_plan_op *op);
/* Copies the ids (each may be NULL). 0 or -1. */
int plan_op_ids(cs_plan_op *op, const char *hs_id, const char *sf_type, const char *sf_id);
int plan_op_reason(cs_plan_op *op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets fields[field] = value (NULL or blank → JSON null) and journals it. */
int plan_op_write(cs_plan_op *op, const char *field, const char *old_value, const char *value,
                  const char *reason);
/* Journals a change without writing a field (UNSUBSCRIBE). */
int plan_op_journal(cs_plan_op *op, const char *field, const char *old_value, const char *value,
                    const char *reason);
/* Sets snapshot[key] = value (NULL or blank → null), creating the object. */
int plan_op_snap(cs_plan_op *op, const char *key, const char *value);
/* Moves op into the plan (op is zeroed). On failure op is disposed. */
int plan_push(cs_plan *plan, cs_plan_op *op);
/* Pushes a SKIP or ERROR op for a record (email: the dedup key, or NULL). */
int plan_skip(cs_plan *plan, const char *hs_id, const char *sf_type, const char *sf_id,
              const char *email, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int plan_error(cs_plan *plan, cs_plan_target target, cs_category category, const char *hs_id,
               const char *sf_type, const char *sf_id, const char *email, const char *field,
               const char *fmt, ...) __attribute__((format(printf, 9, 10)));
/* Ids in a stable order: shorter first (HubSpot's numeric "9" before "10"),
 * then bytes; NULL first. */
int plan_cmp_id(const char *a, const char *b);
/* Orders the ops (see cs_plan_kind). */
void plan_sort(cs_plan *plan);

/* The sets of ids the planner claims (0 or -1 when memory ran out). */
int plan_set_add(cs_map *set, const char *key);
bool plan_set_has(const cs_map *set, const char *key);

/* ---- one pair (plan_pair.c, plan_special.c) -------------------------------- */

/* The merge of one HS contact with one SF record: existing pairs and the
 * first sync of a new link. hs_op and sf_op collect the writes of each side
 * (kind UPDATE); base collects the snapshot values settled without a write
 * (and, for a new pair, the value each pending write replaces, so that a
 * failed write is retried by the next pass). */
typedef struct plan_pair {
    const cs_plan_input *in;
    cs_plan *plan; /* where errors go */
    const plan_rec *hs;
    const plan_rec *sf;
    const char *sf_type;
    const json_t *snap; /* NULL: first sync */
    bool new_pair;      /* LINK: the pair has never synced */
    bool allow_to_sf;   /* C2/C3: HS → SF writes allowed */
    cs_plan_op hs_op, sf_op, unsub_op;
    bool unsubscribe;
    json_t *base;
} plan_pair;

/* Initialises pp (ops of kind UPDATE for hs and sf). 0 or -1. */
int plan_pair_init(plan_pair *pp, const cs_plan_input *in, cs_plan *plan, const plan_rec *hs,
                   const plan_rec *sf, const json_t *snap, bool new_pair);
void plan_pair_dispose(plan_pair *pp);
/* Merges every mapping of the pair (R1, C8-C11, C13, C17). 0 or -1. */
int plan_pair_merge(plan_pair *pp);
/* Pushes the pair's ops: HS and SF updates, the unsubscribe, and a REFRESH
 * when nothing is written but the snapshot is stale. For a new pair the
 * caller pushes the LINK with pp->base first. 0 or -1. */
int plan_pair_emit(plan_pair *pp);

/* C3: whether HS contact hs changed since its pair (with SF type sf_type)
 * last synced: a mapped field that syncs for the pair differs from snapshot
 * snap; or the pair never synced (snap NULL); or a backfill names one of its
 * mappings. The change cursor's overlap window re-reads contacts crmsync
 * itself just wrote: those equal their snapshot and are not a change made in
 * HubSpot. 1, 0, or -1 (memory). */
int plan_hs_differs(const cs_plan_input *in, const plan_rec *hs, const char *sf_type,
                    const json_t *snap);

/* The snapshot state of one mapping in the pair. */
typedef enum plan_snap_state {
    PLAN_SNAP_NONE = 0, /* first sync (or a backfill) */
    PLAN_SNAP_ABSENT,   /* the mapping is newer than the snapshot (R1) */
    PLAN_SNAP_PRESENT
} plan_snap_state;
plan_snap_state plan_pair_snap(const plan_pair *pp, const char *key, const char **value);

/* Writes: value into HS (hs_op) or SF (sf_op), journaled with reason, and the
 * snapshot value it settles (HS terms). SF writes of a blank required field
 * use the placeholder or become a property_values error (C13). 0 or -1. */
int plan_pair_to_hs(plan_pair *pp, const cs_field_mapping *m, const char *value,
                    const char *snap_value, const char *reason);
int plan_pair_to_sf(plan_pair *pp, const cs_field_mapping *m, const char *sf_field,
                    const char *value, const char *snap_value, const char *reason);
/* Records an agreed snapshot value in base when the snapshot lacks it. */
int plan_pair_agree(plan_pair *pp, const char *key, const char *value);
/* Records the value a pending write replaces, for a new pair. */
int plan_pair_pending(plan_pair *pp, const char *key, const char *value);

/* Special rows (plan_special.c). */
int plan_merge_optout(plan_pair *pp, const cs_field_mapping *m, const char *sf_field);
int plan_merge_owner(plan_pair *pp, const cs_field_mapping *m, const char *sf_field);
/* C17 lookups: the active SF User for an HS owner, the HS owner for an SF
 * User. Borrowed from in, or NULL. */
const char *plan_owner_hs_to_sf(const cs_plan_input *in, const char *hs_owner);
const char *plan_owner_sf_to_hs(const cs_plan_input *in, const char *sf_user);
/* C13: the SF value as HS should read it (the placeholder reads as blank). */
const char *plan_sf_read(const cs_plan_input *in, const cs_field_mapping *m, const char *sf_type,
                         const char *value);

/* R3: the bound on one translated value (a multi-select through a value map). */
#define PLAN_VALUE_MAX ((size_t)1 << 20)
/* reason, followed by the value map's step from -> to when a value map
 * translated from into to (they differ); written into out (size bytes).
 * Returns out, or reason itself when there is nothing to add. */
const char *plan_values_reason(char *out, size_t size, const char *reason, const char *from,
                               const char *to);

/* ---- creates and matching (plan_create.c, plan_match.c) --------------------- */

/* C15, C13: creates an SF record for HS contact hs. 0 or -1. */
int plan_create_sf(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs);
/* C3: creates an HS contact for SF record sf. 0 or -1. */
int plan_create_hs(const cs_plan_input *in, cs_plan *plan, const plan_rec *sf);
/* The same with the create's reason (NULL: C15's / C3's). */
int plan_create_sf_why(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs,
                       const char *reason);
int plan_create_hs_why(const cs_plan_input *in, cs_plan *plan, const plan_rec *sf,
                       const char *reason);
/* A1: matches and creates for a pair matched by link (plan_link.c). */
int plan_match_link(const cs_plan_input *in, cs_plan *plan, const cs_map *claimed_hs,
                    const cs_map *claimed_sf);
/* A2: the parent of a linked pair (plan_link.c): the SF record's parent
 * field ⇄ the HS record's primary association, settled in the snapshot under
 * PLAN_SNAP_PARENT. 0 or -1. */
int plan_merge_parent(plan_pair *pp);
#define PLAN_SNAP_PARENT "@parent"
/* A2: an ASSOCIATE op making hs_parent the primary parent of hs (NULL: the
 * HS record an HS create makes for sf in this round), settling sf_value. */
int plan_associate(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs, const plan_rec *sf,
                   const char *hs_parent, const char *sf_value, const char *why);
/* A2: an ASSOCIATE op removing hs's association with hs_parent (its former
 * primary parent), settling the pair's parent as none. */
int plan_unassociate(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs, const plan_rec *sf,
                     const char *hs_parent, const char *why);
/* C5: links hs and sf (first sync of the pair), why being the match's
 * reason. allow_to_sf false: C3 link of a contact outside the inclusion list,
 * SF → HS only. 0 or -1. */
int plan_link_pair(const cs_plan_input *in, cs_plan *plan, const plan_rec *hs, const plan_rec *sf,
                   bool allow_to_sf, const char *why);
/* Matches and creates for every changed unlinked record (C2, C3, C5, R7).
 * claimed_hs / claimed_sf: ids already handled by linked pairs (C14). */
int plan_match(const cs_plan_input *in, cs_plan *plan, const cs_map *claimed_hs,
               const cs_map *claimed_sf);

#endif
