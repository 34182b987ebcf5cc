/* Value comparison for the sync engine. Both connectors hand the engine field
 * values as text (or null), so deciding whether "HubSpot and Salesforce agree"
 * needs a few rules beyond strcmp: HubSpot treats an empty or whitespace-only
 * value as blank (R1), numbers agree when they are the same number ("1000" and
 * "1000.0"), booleans ignore case. Emails are compared through their dedup key
 * (cs_email_key, C5) for matching only, never here. */
#ifndef CS_ENGINE_VALUE_H
#define CS_ENGINE_VALUE_H

#include <stdbool.h>

/* True when v is NULL, empty or only whitespace: HubSpot's "blank". */
bool cs_value_is_blank(const char *v);

/* Whether two field values agree: both blank; or both canonical decimal
 * numbers with the same value ("1000" == "1000.0" == "1e3", "-0" == "0";
 * numbers with a leading zero or '+' such as "01234" are postal codes or phone
 * numbers and compare as text); or both booleans ("true"/"false", any case,
 * and "1"/"0" against one of those words) with the same value; or both
 * multi-select values (containing ';') with the same items in any order;
 * otherwise byte-equal text. Surrounding whitespace is not ignored for text:
 * "Ann " differs from "Ann". */
bool cs_value_equal(const char *a, const char *b);

/* True when v is "true" (any case, surrounding whitespace allowed). Blank and
 * anything else is false. Used for checkboxes (C10's opt-out). */
bool cs_value_is_true(const char *v);

#endif
