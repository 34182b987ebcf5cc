/* Validation of record values against the schema, as Salesforce checks them
 * on create and update: unknown and read-only fields, JSON types, lengths,
 * email syntax, restricted picklists, number ranges, date formats, id
 * syntax, required fields. Pure: no database (references are checked for
 * syntax here and for existence by the caller). Values come out normalised
 * (18-character ids, "2026-01-02T03:04:05.000+0000" datetimes, numbers). */
#ifndef CS_SANDBOX_SF_VALIDATE_H
#define CS_SANDBOX_SF_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>

#include "sandbox/sf_schema.h"

#define SF_VERR_MESSAGE_MAX 1200

/* One Salesforce error: {statusCode|errorCode, message, fields}. A record
 * can fail for several reasons at once (several validation rules): the
 * further errors hang off `next`, in the order they are reported. */
typedef struct sf_verr {
    const char *code; /* static, e.g. "STRING_TOO_LONG" */
    char message[SF_VERR_MESSAGE_MAX];
    json_t *fields;       /* owned array of field names; NULL until set */
    json_t *extra;        /* owned object of further members (duplicateResult); NULL */
    struct sf_verr *next; /* owned: the record's further errors; NULL */
} sf_verr;

void sf_verr_init(sf_verr *e);
/* Fills e (dropping any further errors it had) and returns -1; fields is a
 * field name or NULL (no fields). */
int sf_verr_set(sf_verr *e, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A new, empty error appended at the end of e's list (fill it with
 * sf_verr_set); owned by e. NULL when out of memory. */
sf_verr *sf_verr_append(sf_verr *e);
/* Frees e's contents and further errors (e itself is the caller's). */
void sf_verr_dispose(sf_verr *e);
/* {"message","errorCode","fields"} (single-record endpoints) or with
 * "statusCode" (inside collection results) when status_code is true, plus
 * e->extra's members; e alone, not its further errors. New ref. */
json_t *sf_verr_json(const sf_verr *e, bool status_code);
/* Appends sf_verr_json of e and each further error to arr. */
void sf_verr_json_all(const sf_verr *e, bool status_code, json_t *arr);

typedef enum sf_write_mode { SF_WRITE_CREATE, SF_WRITE_UPDATE } sf_write_mode;

/* Checks and normalises one value for field f. On success *out is a new
 * reference to the value to store (json null clears). */
int sf_validate_value(const sf_field *f, json_t *value, json_t **out, sf_verr *e);

/* Checks an input record (a JSON object of field -> value) for object o:
 * skips "attributes" (and "Id" on update: the caller reads it), rejects
 * unknown fields (INVALID_FIELD), fields not createable/updateable
 * (INVALID_FIELD_FOR_INSERT_UPDATE), then each value. On success *out is a
 * new object of canonical field name -> normalised value. Reports the first
 * error only, as the real API does for one record. */
int sf_validate_record(const sf_object *o, json_t *in, sf_write_mode mode, json_t **out,
                       sf_verr *e);

/* REQUIRED_FIELD_MISSING when the merged record lacks a value for a field
 * that is createable, not nillable and not defaulted on create. */
int sf_validate_required(const sf_object *o, json_t *merged, sf_verr *e);

/* True when text is an acceptable email address. */
bool sf_email_valid(const char *text);

#endif
