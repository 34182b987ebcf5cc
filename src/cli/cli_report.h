/* Printing a sync pass's report for people: the summary table of `crmsync
 * sync` and `crmsync demo`, the one-line form of `crmsync run`, and the last
 * run in `crmsync status`. Everything prints from the report's JSON form
 * (cs_sync_report_json, what the store keeps as a run's counts), so a pass
 * just made and a pass read back from the store look the same. */
#ifndef CS_CLI_CLI_REPORT_H
#define CS_CLI_CLI_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/sync.h"
#include "store/store.h"

/* "Property values" for "property_values" (R9's wording); the name itself
 * when unknown. */
const char *cs_cli_category_label(const char *name);

/* The table: per side records read, created, updated, linked, skipped (by
 * reason), errors (by R9 category) and API calls. indent prefixes each line. */
void cs_cli_print_report(FILE *f, const json_t *counts, const char *indent);

/* One line: "completed in 1.2s: HS 3 created, 2 updated, 0 errors; SF ...;
 * API calls HS 4, SF 3". */
void cs_cli_print_report_line(FILE *f, const json_t *counts);

/* Total errors over both sides. */
int64_t cs_cli_report_errors(const json_t *counts);

/* ---- record errors as people read them (crmsync errors, sync, demo) ----- */

/* Whether crmsync's own rules raised the error rather than an API refusing
 * a write: the plan holds a value back or refuses a record (C13 no
 * placeholder, C14, C17 owner without an active SF User), and files the error
 * with its reason, which starts with the SPEC rule id ("C17: ..."). API
 * messages never start that way. The id goes into rule (at least 8 bytes). */
bool cs_cli_error_rule(const char *message, char *rule, size_t size);

/* Who raised it, for a column: "crmsync rule C17", or "Salesforce refused" /
 * "HubSpot refused" (the side written to). Into buf; returns buf. */
const char *cs_cli_error_origin(const cs_record_error *e, char *buf, size_t size);

/* Whether the record of the error is part of a linked pair (it synced; only
 * the field, or that update, did not): both ids on the error, or a link of
 * the one it names in the store. 1, 0, or -1 when the store cannot say. */
int cs_cli_error_linked(cs_store *store, const cs_record_error *e);

/* The errors a pass filed (seen since it started, not dismissed), as people
 * count them: records, of which raised by crmsync's rules, and of which not
 * synced at all (no linked pair). 0, or -1 when the store cannot say. */
typedef struct cs_cli_error_counts {
    size_t records;
    size_t by_rule;
    size_t not_synced;
} cs_cli_error_counts;
int cs_cli_count_errors(cs_store *store, int64_t since_ms, cs_cli_error_counts *out);

/* After a pass with errors: "5 records with errors: 4 refused by an API, 1
 * held back by crmsync's rules." and "4 did not sync at all, 1 is linked but
 * not fully synced; ..." (from the store), or only the report's total when
 * the store cannot say or does not agree with it. */
void cs_cli_print_error_summary(FILE *f, cs_store *store, const cs_sync_report *rep);

#endif
