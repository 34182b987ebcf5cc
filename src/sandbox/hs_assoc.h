/* Associations between HubSpot records (private to the HubSpot emulation):
 * association types and the stored associations, used by the v4 endpoints
 * (hs_assoc_api.c), by v3 creates with "associations" and by schemas. */
#ifndef CS_SANDBOX_HS_ASSOC_H
#define CS_SANDBOX_HS_ASSOC_H

#include "sandbox/hs_int.h"

typedef struct hs_assoc_type {
    int64_t id;
    char from_type[32], to_type[32];
    char category[32]; /* HUBSPOT_DEFINED, USER_DEFINED */
    char label[128];
    bool has_label;
    int64_t inverse_id;
    bool is_default; /* the pair's unlabeled type */
} hs_assoc_type;

/* 1 found, 0 unknown id, -1 error. */
int hs_assoc_type_get(sb_ctx *ctx, int64_t id, hs_assoc_type *out, cs_err *err);
/* The unlabeled type from one object type to another: 1 found, 0 none. */
int hs_assoc_default_type(sb_ctx *ctx, const char *from, const char *to, int64_t *id, cs_err *err);
/* Parses {associationCategory, associationTypeId} and checks it fits the
 * pair (a NULL type matches any). 0 ok, 1 invalid (msg), -1 error. */
int hs_assoc_spec(sb_ctx *ctx, const json_t *spec, const char *from_type, const char *to_type,
                  hs_assoc_type *out, char *msg, size_t msg_size, cs_err *err);
/* Stores an association of type at and its inverse (and the unlabeled type
 * for a labeled one). */
int hs_assoc_put(sb_ctx *ctx, int64_t from_id, int64_t to_id, const hs_assoc_type *at, cs_err *err);
/* Before record id is archived: removes its primary associations and clears
 * associatedcompanyid on the contacts whose primary company it was. */
int hs_assoc_before_archive(sb_ctx *ctx, int64_t id, cs_err *err);
/* Removes every association between two records, both directions. A
 * removed primary association clears the contact's associatedcompanyid
 * (hs_assoc_put sets it), which counts as a change of the contact. */
int hs_assoc_remove_pair(sb_ctx *ctx, int64_t from_id, int64_t to_id, cs_err *err);
/* [{toObjectId, associationTypes:[{category,typeId,label}]}] of one record
 * to records of to_type, from to_id >= after, at most limit targets; *next is
 * the first target left out (0 when none). */
json_t *hs_assoc_list(sb_ctx *ctx, int64_t from_id, const char *to_type, int64_t after,
                      size_t limit, int64_t *next);

#endif
