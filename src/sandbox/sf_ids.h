/* Salesforce record ids: 15 case-sensitive characters (3-character key
 * prefix of the object, then a base-62 body) plus, in the 18-character form
 * the API returns, a 3-character suffix that encodes which of the first 15
 * characters are upper case. Pure functions, no state. */
#ifndef CS_SANDBOX_SF_IDS_H
#define CS_SANDBOX_SF_IDS_H

#include <stdbool.h>
#include <stdint.h>

#define SF_ID_LEN 18

/* Writes the 18-character id for prefix (3 characters) and sequence number
 * seq into out (19 bytes with the NUL). Ids of increasing seq sort in
 * increasing byte order. Returns -1 when prefix is not 3 alphanumerics. */
int sf_id_make(const char *prefix, uint64_t seq, char out[SF_ID_LEN + 1]);

/* Computes the 3-character suffix of a 15-character id. */
void sf_id_suffix(const char *id15, char out[4]);

/* Normalises a 15- or 18-character id to its 18-character form. Returns -1
 * (MALFORMED_ID) when text is not 15/18 alphanumerics or an 18-character id's
 * suffix is not a valid case code for its first 15 characters. An 18-character
 * id is read without regard to case: the suffix restores the case of the
 * letters, as Salesforce does. */
int sf_id_normalize(const char *text, char out[SF_ID_LEN + 1]);

/* True when text looks like an id (same rule as sf_id_normalize). */
bool sf_id_valid(const char *text);

#endif
