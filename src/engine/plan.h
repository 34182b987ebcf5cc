/* The plan step of a sync pass (DESIGN: detect → plan → apply → store): a pure
 * function from what changed on both sides, the links with their last-synced
 * snapshots and the contact mapping config to the list of operations a pass
 * would perform. No I/O: `crmsync plan` prints the result, `crmsync sync`
 * hands it to apply, unit tests drive it with no server.
 *
 * Input (cs_plan_input, filled with the builder functions below):
 *   - the contact settings and field mappings of the config;
 *   - records: HubSpot contacts (type "contacts", fields by HS property,
 *     modified_ms = lastmodifieddate) and Salesforce Leads/Contacts (type
 *     "Lead"/"Contact", fields by API name including Email, IsConverted,
 *     ConvertedContactId, OwnerId, HasOptedOutOfEmail; modified_ms =
 *     SystemModstamp; deleted for records the API reported deleted). Each is
 *     either CHANGED (read from a change cursor: it triggers a sync) or
 *     CONTEXT (fetched so the plan can see it: the counterpart of a changed
 *     linked record, every record whose email matches a changed unlinked one);
 *   - links (hs_id, sf_type, sf_id) with their snapshot;
 *   - owners: HS owner id → email, SF User id → email (active or not) (C17);
 *   - the inclusion list's members when contacts.inclusion_list is set (C2);
 *   - for contact_if_company_linked (C15), the SF Account linked to a contact's
 *     HS company;
 *   - properties to backfill (R1: a new mapping only fills blanks otherwise).
 *
 * Snapshots: a JSON object, HS property → the value both sides held after the
 * last sync (string or null), in HubSpot's terms. The owner row also keeps the
 * Salesforce side under "sf:OwnerId" (the two sides use different ids). A key
 * that is absent (as opposed to null) means the mapping is newer than the
 * pair's last sync.
 *
 * Output (cs_plan): operations ordered for apply (see cs_plan_kind), each
 * naming its target, the records, the fields to write in the target's names
 * (value or null = clear), the snapshot keys it settles, and one journal entry
 * per field with the rule that decided it (R5). The same input always gives
 * the same plan. */
#ifndef CS_ENGINE_PLAN_H
#define CS_ENGINE_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/category.h"
#include "core/err.h"
#include "core/record.h"

/* HS properties crmsync maintains (MAPPINGS): the id of the linked record. */
#define CS_PLAN_PROP_LEAD_ID    "salesforceleadid"
#define CS_PLAN_PROP_CONTACT_ID "salesforcecontactid"
/* Snapshot key of the Salesforce side of the owner row (C17). */
#define CS_PLAN_SNAP_SF_OWNER "sf:OwnerId"

/* Bounds on input: longer ids and emails are refused (CS_ERR_INVALID_INPUT). */
#define CS_PLAN_ID_MAX    64  /* including the NUL */
#define CS_PLAN_EMAIL_MAX 256 /* including the NUL */

/* ---- input ---------------------------------------------------------------- */

typedef struct cs_plan_input cs_plan_input;

typedef enum cs_plan_role {
    CS_PLAN_CHANGED = 0, /* reported by a change cursor: triggers a sync */
    CS_PLAN_CONTEXT      /* fetched for the plan's view only */
} cs_plan_role;

/* A new, empty input. settings and mappings are borrowed and must outlive the
 * input (cs_config_contacts() / cs_config_mappings() of a loaded config).
 * now_ms is the time of the pass. Caller frees with cs_plan_input_free(). */
int cs_plan_input_new(const cs_contact_settings *settings, const cs_field_mapping *mappings,
                      size_t nmappings, int64_t now_ms, cs_plan_input **out, cs_err *err);
/* A new, empty input for one pair (engine/pair.h; borrowed, must outlive the
 * input). cs_plan_input_new is this for the contacts pair of settings and
 * mappings. */
struct cs_pair;
int cs_plan_input_new_pair(const struct cs_pair *pair, int64_t now_ms, cs_plan_input **out,
                           cs_err *err);
/* The same from a loaded config (borrowed; must outlive the input). */
int cs_plan_input_from_config(const cs_config *cfg, int64_t now_ms, cs_plan_input **out,
                              cs_err *err);
void cs_plan_input_free(cs_plan_input *in);

/* Moves rec into the input (rec is zeroed, whatever the outcome). Its side
 * comes from its type: "contacts" → HubSpot; "Lead"/"Contact" → Salesforce;
 * anything else, a missing or over-long id → CS_ERR_INVALID_INPUT. A record
 * whose id is already present is merged: CHANGED wins over CONTEXT and the
 * copy with the later modified_ms is kept. */
int cs_plan_input_add_record(cs_plan_input *in, cs_record *rec, cs_plan_role role, cs_err *err);
/* Adds a link and its snapshot (borrowed, deep-copied; NULL = never synced:
 * the pair's next sync is a first sync). The snapshot must be an object whose
 * values are strings or null. hs_id and sf_id may appear in one link each. */
int cs_plan_input_add_link(cs_plan_input *in, const char *hs_id, const char *sf_type,
                           const char *sf_id, const json_t *snapshot, cs_err *err);
/* C17: an HS owner and its email; an SF User, its email and whether active. */
int cs_plan_input_add_hs_owner(cs_plan_input *in, const char *owner_id, const char *email,
                               cs_err *err);
int cs_plan_input_add_sf_user(cs_plan_input *in, const char *user_id, const char *email,
                              bool active, cs_err *err);
/* C2: an HS contact that is a member of the inclusion list. Only consulted
 * when the settings name an inclusion list. */
int cs_plan_input_add_member(cs_plan_input *in, const char *hs_id, cs_err *err);
/* C15: the SF Account linked to the HS company of contact hs_id. */
int cs_plan_input_set_company_account(cs_plan_input *in, const char *hs_id, const char *account_id,
                                      cs_err *err);
/* A1 (a pair matched by link): child_hs_id, a record of the child pair, is
 * associated with this pair's HS record hs_id. child_sf_parent: the parent
 * the child's linked SF record names (its Contact's AccountId), or NULL;
 * needs_parent: the child's linked SF record has no parent and can have
 * one; creates_with_parent: the unlinked child will be created in
 * Salesforce as a record with a parent (create_salesforce_as: contact). */
int cs_plan_input_add_child(cs_plan_input *in, const char *hs_id, const char *child_hs_id,
                            const char *child_sf_parent, bool needs_parent,
                            bool creates_with_parent, cs_err *err);
/* A2 (a pair with a parent pair): HS record hs_id's primary parent on
 * HubSpot's side (hs_parent, NULL: none) and the SF record that parent is
 * linked to (sf_parent, NULL: none yet). Also C15's company account. */
int cs_plan_input_set_hs_parent(cs_plan_input *in, const char *hs_id, const char *hs_parent,
                                const char *sf_parent, cs_err *err);
/* A2: the parent pair's link of SF record sf_parent to HS record hs_parent. */
int cs_plan_input_set_parent_link(cs_plan_input *in, const char *sf_parent, const char *hs_parent,
                                  cs_err *err);
/* R1: sync this HS property's mapping as on a first sync for every pair (a
 * backfill), even where the snapshot predates the mapping. */
int cs_plan_input_add_backfill(cs_plan_input *in, const char *hs_property, cs_err *err);

/* ---- output ---------------------------------------------------------------- */

/* Where an operation acts. STORE: only crmsync's own state (links, snapshots). */
typedef enum cs_plan_target {
    CS_PLAN_HUBSPOT = 0,
    CS_PLAN_SALESFORCE,
    CS_PLAN_STORE
} cs_plan_target;

/* In the order apply performs them; within a kind, ops are grouped by target
 * and SF type (creates and updates per target/type are contiguous), then
 * ordered by a stable key. */
typedef enum cs_plan_kind {
    CS_PLAN_LINK = 0,    /* STORE: link hs_id ⇄ sf_id (C5 match); snapshot = the pair's base */
    CS_PLAN_RELINK,      /* STORE: C14, move the link from prev_sf_* to sf_*; snapshot kept */
    CS_PLAN_UNLINK,      /* STORE: forget the link and its snapshot (C16) */
    CS_PLAN_CREATE,      /* HS or SF: create a record; on success link it to the other id */
    CS_PLAN_UPDATE,      /* HS or SF: write fields of an existing record */
    CS_PLAN_UNSUBSCRIBE, /* HS: opt the contact out through communication preferences (C10) */
    /* HS: make the record's primary parent the HS record in fields (A2):
     * fields = {parent HS object: parent id}. */
    CS_PLAN_ASSOCIATE,
    CS_PLAN_ARCHIVE, /* HS: archive the contact; SF: delete the record (C16); unlinks */
    CS_PLAN_REFRESH, /* STORE: both sides already agree; record it in the snapshot */
    CS_PLAN_SKIP,    /* nothing to do, with a reason (R7, C2, C3, C5) */
    CS_PLAN_ERROR,   /* a record that cannot sync: store it as an error (R4, R9) */
    CS_PLAN_KIND_COUNT
} cs_plan_kind;

/* One field an operation writes, journaled (R5). Values NULL = blank. */
typedef struct cs_plan_change {
    char *field; /* in the target's names */
    char *old_value;
    char *new_value;
    char *reason; /* the rule and decision: "two_way: conflict, latest (salesforce) won" */
} cs_plan_change;

/* Everything is owned by the plan and valid until cs_plan_free(). */
typedef struct cs_plan_op {
    cs_plan_kind kind;
    cs_plan_target target;
    char *hs_id;        /* NULL for an HS CREATE: apply fills in the new id */
    char *sf_type;      /* "Lead" / "Contact"; NULL when no SF record is involved */
    char *sf_id;        /* NULL for an SF CREATE */
    char *prev_sf_type; /* RELINK: the record the link moves away from */
    char *prev_sf_id;
    char *email;    /* the dedup key (C5): idempotent creates look it up, errors show it; or NULL */
    json_t *fields; /* CREATE/UPDATE: target names → string or null; else NULL */
    /* The snapshot keys this op settles (an object, see the top of this file),
     * or NULL when it settles none. Once the op succeeds, the pair's snapshot
     * is its previous snapshot updated with these keys
     * (cs_plan_snapshot_merge); for LINK and CREATE the previous one is {}. */
    json_t *snapshot;
    int64_t hs_modified_ms; /* the records' modification times the plan saw; 0 if none */
    int64_t sf_modified_ms;
    /* SF CREATE: the HS property (salesforceleadid / salesforcecontactid)
     * apply sets on contact hs_id to the new record's id. NULL otherwise. */
    char *link_property;
    cs_plan_change *changes;
    size_t nchanges;
    char *reason;         /* whole-record reason (LINK, SKIP, ERROR, ...) or NULL */
    cs_category category; /* ERROR only */
    char *field;          /* ERROR: the field at fault, or NULL */
    /* What the pair calls its HubSpot record ("contact", "company"):
     * static or borrowed from the config, for messages. */
    const char *hs_label;
} cs_plan_op;

typedef struct cs_plan cs_plan;

/* Builds the plan. Pure: reads only in. On success *out is the plan (free
 * with cs_plan_free()); on failure (memory, malformed input) *out is
 * untouched and err says why. */
int cs_plan_build(const cs_plan_input *in, cs_plan **out, cs_err *err);
void cs_plan_free(cs_plan *plan);

/* Moves every op of from to the end of into (a dry run over several pairs:
 * each pair's ops stay together, in its order); from is left empty. */
int cs_plan_append(cs_plan *into, cs_plan *from, cs_err *err);

size_t cs_plan_count(const cs_plan *plan);
/* Borrowed; NULL when i is out of range. */
const cs_plan_op *cs_plan_get(const cs_plan *plan, size_t i);
/* How many ops of kind there are for target (target < 0: any target). */
size_t cs_plan_count_kind(const cs_plan *plan, cs_plan_kind kind, int target);
/* True when the plan writes nothing to either API (only SKIP/ERROR/REFRESH
 * or nothing at all). */
bool cs_plan_writes_nothing(const cs_plan *plan);

/* Applies what op settles to snapshot (an object, modified in place). */
int cs_plan_snapshot_merge(json_t *snapshot, const cs_plan_op *op);

/* Stable names: "link", "create", ...; "hubspot", "salesforce", "store".
 * An ERROR's category is named by cs_category_name. */
const char *cs_plan_kind_name(cs_plan_kind kind);
const char *cs_plan_target_name(cs_plan_target target);

/* Appends a human-readable rendering of op to out: one line for the record
 * and one indented line per field with old → new and the reason. */
int cs_plan_op_format(const cs_plan_op *op, cs_buf *out);
/* Writes every op (cs_plan_op_format) and a summary line to f. 0 or -1. */
int cs_plan_print(const cs_plan *plan, FILE *f);

#endif
