/* Printing a sync pass's report for people: the summary table of `crmsync
 * sync` and `crmsync demo`, the one-line form of `crmsync run`, and the last
 * run in `crmsync status`. Everything prints from the report's JSON form
 * (cs_sync_report_json, what the store keeps as a run's counts), so a pass
 * just made and a pass read back from the store look the same. */
#ifndef CS_CLI_CLI_REPORT_H
#define CS_CLI_CLI_REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

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

#endif
