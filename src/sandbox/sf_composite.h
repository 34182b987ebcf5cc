/* Internals of the Composite resource (POST /services/data/vXX.X/composite),
 * shared by its two files: sf_composite_ref.c resolves references between
 * subrequests, sf_composite_run.c checks the request, runs each subrequest
 * through the API's own handlers inside one transaction and answers. (The
 * sObject Collections resources live in sf_composite.c.) */
#ifndef CS_SANDBOX_SF_COMPOSITE_H
#define CS_SANDBOX_SF_COMPOSITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define SF_COMPOSITE_MIN       380 /* the resource exists from v38.0 */
#define SF_COMPOSITE_MAX       25  /* subrequests per request */
#define SF_COMPOSITE_MAX_HEAVY 5   /* of which sObject Collections or query/queryAll */
#define SF_COMPOSITE_REF_MAX   80  /* characters of a referenceId */

/* What a reference may read: one subrequest run so far. */
typedef struct sf_cref {
    const char *id; /* its referenceId; borrowed from the request */
    json_t *body;   /* its response body; borrowed, NULL when it had none */
    bool ok;        /* it ran and succeeded (a reference to it can resolve) */
} sf_cref;

typedef struct sf_crefs {
    sf_cref items[SF_COMPOSITE_MAX];
    int n;
} sf_crefs;

/* True for a valid referenceId: a letter, then letters, digits and
 * underscores, at most SF_COMPOSITE_REF_MAX characters. */
bool sf_cref_valid_id(const char *id);

/* A copy of v in which every string holding @{ref.path} references reads
 * them from the subrequests run so far: a string that is exactly one
 * reference becomes the referenced JSON value; elsewhere the value is written
 * into the text. A path is a chain of .field and [index] steps into the
 * referenced subrequest's response body ("refQuery.records[0].Id").
 * Returns a new value, or NULL with the error message written to msg when a
 * reference names no earlier successful subrequest or no value in it. */
json_t *sf_cref_resolve(const sf_crefs *refs, json_t *v, char *msg, size_t msg_size);

/* As sf_cref_resolve, for text (a subrequest's URL). Returns a string the
 * caller frees, or NULL with msg set. */
char *sf_cref_resolve_text(const sf_crefs *refs, const char *text, char *msg, size_t msg_size);

#endif
