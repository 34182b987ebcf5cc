/* The per-field three-way merge of R1: given the HubSpot value, the Salesforce
 * value and the value both held at the last sync, which side (if any) is
 * overwritten and why. Pure and table-testable; the owner (C17) and opt-out
 * (C10) rows have their own logic in plan_special.c. Internal to the engine. */
#ifndef CS_ENGINE_PLAN_MERGE_H
#define CS_ENGINE_PLAN_MERGE_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"

typedef enum cs_merge_snap {
    CS_MERGE_FIRST = 0,   /* no snapshot: the pair's first sync (or a backfill) */
    CS_MERGE_NEW_MAPPING, /* the pair synced before this mapping existed */
    CS_MERGE_SNAPSHOT     /* snapshot holds the last-synced value (maybe null) */
} cs_merge_snap;

typedef enum cs_merge_action {
    CS_MERGE_NOTHING = 0, /* dont_sync: the field is not synced at all */
    CS_MERGE_AGREED,      /* both sides hold the same value (blank = blank) */
    CS_MERGE_TO_HS,       /* HubSpot := value */
    CS_MERGE_TO_SF,       /* Salesforce := value */
    CS_MERGE_DIFFER,      /* R1: a new mapping leaves differing values alone */
    CS_MERGE_KEEP         /* the rule writes neither side now (always_sf with a
                           * Salesforce value that is blank but was not cleared);
                           * value: the source side's value, which the snapshot keeps */
} cs_merge_action;

typedef struct cs_merge_in {
    cs_rule rule;
    const char *hs;   /* HubSpot value, NULL = blank */
    const char *sf;   /* Salesforce value (a C13 placeholder already read as blank) */
    const char *snap; /* last-synced value when state is CS_MERGE_SNAPSHOT */
    cs_merge_snap state;
    cs_conflict_winner winner; /* two_way conflicts */
    int64_t hs_modified_ms;    /* for winner latest */
    int64_t sf_modified_ms;
} cs_merge_in;

#define CS_MERGE_REASON_MAX 128

typedef struct cs_merge_out {
    cs_merge_action action;
    const char *value; /* TO_HS/TO_SF/AGREED: the value (borrowed from in; NULL = clear) */
    bool conflict;     /* two_way: both sides changed the field */
    char reason[CS_MERGE_REASON_MAX];
} cs_merge_out;

/* Decides one field. Never fails. */
void cs_merge_field(const cs_merge_in *in, cs_merge_out *out);

#endif
