/* Time as signed 64-bit milliseconds since the Unix epoch (UTC), converted once
 * at the edges: HubSpot speaks epoch milliseconds and ISO-8601 with 'Z',
 * Salesforce ISO-8601 with a numeric offset ("+0000"). */
#ifndef CS_CORE_TIMEUTIL_H
#define CS_CORE_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define CS_TIME_TEXT_MAX 40

int64_t cs_time_now_ms(void);
/* Monotonic clock in milliseconds, for timeouts and rate windows. */
int64_t cs_time_monotonic_ms(void);

/* "2026-01-02T03:04:05.678Z" (HubSpot). out must hold CS_TIME_TEXT_MAX. */
void cs_time_format_hubspot(int64_t ms, char out[CS_TIME_TEXT_MAX]);
/* "2026-01-02T03:04:05.678+0000" (Salesforce datetime). */
void cs_time_format_salesforce(int64_t ms, char out[CS_TIME_TEXT_MAX]);
/* "2026-01-02" (date part, UTC). */
void cs_time_format_date(int64_t ms, char out[CS_TIME_TEXT_MAX]);

/* Parses "YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss[.fff]]" followed by nothing, 'Z',
 * "+hhmm", "+hh:mm" or "-hh..."; or a string of digits as epoch milliseconds.
 * On failure returns -1 with CS_ERR_INVALID_INPUT and leaves *ms untouched. */
int cs_time_parse(const char *text, int64_t *ms, cs_err *err);

#endif
