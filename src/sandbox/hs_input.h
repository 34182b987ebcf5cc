/* Parsing and validation of the bodies of HubSpot's CRM batch endpoints
 * (batch/create, read, update, upsert, archive) as a pure module: shapes,
 * the 100-input limit, ids, duplicate ids. The endpoints (hs_batch.c) then
 * validate property values against the schema; the fuzzer drives this
 * directly. */
#ifndef CS_SANDBOX_HS_INPUT_H
#define CS_SANDBOX_HS_INPUT_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"

#define HS_BATCH_INPUTS_MAX 100

typedef enum hs_batch_kind {
    HS_BATCH_CREATE = 0,
    HS_BATCH_READ,
    HS_BATCH_UPDATE,
    HS_BATCH_UPSERT,
    HS_BATCH_ARCHIVE,
} hs_batch_kind;

typedef struct hs_batch_input {
    char id[256];               /* "" for create */
    const char *id_property;    /* per-input idProperty, or NULL (borrowed) */
    const json_t *properties;   /* object (create/update/upsert), borrowed */
    const json_t *associations; /* create: array or NULL, borrowed */
} hs_batch_input;

typedef struct hs_batch {
    hs_batch_kind kind;
    hs_batch_input *inputs;
    size_t n;
    const json_t *properties; /* read: names to return (array) or NULL */
    const char *id_property;  /* read: idProperty, or NULL */
} hs_batch;

/* Parses body for kind. Values stay borrowed from body, which must outlive
 * the batch. On failure returns -1 with a message (CS_ERR_INVALID_INPUT) and
 * leaves *out empty. Dispose with hs_batch_dispose(). */
int hs_batch_parse(const json_t *body, hs_batch_kind kind, hs_batch *out, cs_err *err);
void hs_batch_dispose(hs_batch *b);

#endif
