/* Field values at the edge: the one canonical text form per type that records
 * carry inside crmsync, and the conversions from and to each API's wire form.
 *
 * HubSpot sends every property value as a string (numbers as decimal text,
 * booleans "true"/"false", dates and datetimes as ISO-8601 or epoch
 * milliseconds); Salesforce sends JSON numbers, booleans, null, dates
 * "YYYY-MM-DD" and datetimes "...+0000". Both are normalised here to:
 *
 *   number    "1000", "-1.5", "0.25" (no exponent, no trailing zeros, no "-0")
 *   boolean   "true" / "false"
 *   date      "2026-01-02"
 *   datetime  "2026-01-02T03:04:05.000Z" (UTC, milliseconds)
 *   multi     "a;b;c" (trimmed, without empties or repeats, sorted)
 *   text      as sent
 *
 * and an empty value (HubSpot "", Salesforce null) is JSON null, so a value
 * that did not change never compares different (R2, R3). Pure: no I/O. */
#ifndef CS_CONNECTOR_VALUE_H
#define CS_CONNECTOR_VALUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef enum cs_value_kind {
    CS_VALUE_TEXT = 0,
    CS_VALUE_NUMBER,
    CS_VALUE_BOOL,
    CS_VALUE_DATE,
    CS_VALUE_DATETIME,
    CS_VALUE_MULTI /* multi-select / multipicklist, ";"-joined on both sides */
} cs_value_kind;

#define CS_VALUE_NUMBER_MAX 128                   /* bytes of a canonical number, NUL included */
#define CS_VALUE_TEXT_MAX   ((size_t)1024 * 1024) /* longest value accepted from either API */

/* "text", "number", ... */
const char *cs_value_kind_name(cs_value_kind k);
/* The kind of a HubSpot property from its type and fieldType. */
cs_value_kind cs_value_kind_hubspot(const char *type, const char *field_type);
/* The kind of a Salesforce field from its describe type. */
cs_value_kind cs_value_kind_salesforce(const char *type);

/* Canonical decimal text of a number written as decimal text (an optional
 * sign, digits, an optional fraction and exponent; surrounding blanks are
 * ignored). Returns 0, or -1 with CS_ERR_INVALID_INPUT when text is not a
 * number or its canonical form would not fit CS_VALUE_NUMBER_MAX. */
int cs_value_number_canon(const char *text, char out[CS_VALUE_NUMBER_MAX], cs_err *err);
/* The shortest decimal text that reads back as v, canonical. Non-finite
 * values are refused. */
int cs_value_number_from_double(double v, char out[CS_VALUE_NUMBER_MAX], cs_err *err);

/* Normalises text of any accepted form for kind (see the top of this file;
 * dates and datetimes also as epoch milliseconds or with any offset; a
 * datetime becomes its UTC date for CS_VALUE_DATE). Returns a new reference:
 * a JSON string, or JSON null for an empty (or, for multi, all-blank) value;
 * NULL with CS_ERR_INVALID_INPUT when the text does not fit the kind. */
json_t *cs_value_normalize(cs_value_kind kind, const char *text, cs_err *err);

/* A HubSpot property value (a JSON string, or null/absent as NULL) to the
 * canonical form. Same return contract as cs_value_normalize(). */
json_t *cs_value_from_hubspot(cs_value_kind kind, const json_t *value, cs_err *err);
/* A Salesforce field value (any JSON) to the canonical form. */
json_t *cs_value_from_salesforce(cs_value_kind kind, const json_t *value, cs_err *err);

/* A canonical value (JSON string or null) to what HubSpot accepts for a
 * property of this kind: always a JSON string, "" to clear. */
json_t *cs_value_to_hubspot(cs_value_kind kind, const json_t *value, cs_err *err);
/* A canonical value to Salesforce's JSON for a field of this kind: numbers as
 * JSON numbers (integers when integer is true, which refuses a fraction),
 * booleans as JSON booleans, dates "YYYY-MM-DD", datetimes
 * "YYYY-MM-DDThh:mm:ss.fff+0000", null to clear. */
json_t *cs_value_to_salesforce(cs_value_kind kind, bool integer, const json_t *value, cs_err *err);

#endif
