/* CSV as Salesforce's Bulk API 2.0 speaks it (comma, LF line endings,
 * RFC 4180 quoting), private to the Salesforce connector and its tests:
 * a reader that walks rows of an answer in place, a writer for uploads,
 * the conversion of query rows into normalised records through the
 * object's describe metadata (CSV has no types), and the parsing of
 * failedResults' sf__Error text. */
#ifndef CS_CONNECTOR_BULK_CSV_H
#define CS_CONNECTOR_BULK_CSV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

#define CS_CSV_MAX_CELLS 5000 /* columns of a row (the Bulk API's limit of fields per record) */

/* One row: cells point into the row's own buffer (valid until the next read
 * into the row). */
typedef struct cs_csv_row {
    char **cells;
    size_t *lens;
    size_t n;
    size_t cap;
    cs_buf text; /* the unquoted cells, each NUL-terminated */
} cs_csv_row;

void cs_csv_row_init(cs_csv_row *r);
void cs_csv_row_dispose(cs_csv_row *r);

/* Reads the row at *at of text[0..len) into row and moves *at past it.
 * Returns 1 with a row, 0 at the end of the text, -1 on malformed CSV
 * (an unescaped quote, an unterminated quoted cell, too many cells) with
 * err naming the line. Blank lines are skipped; a CRLF ending is accepted
 * as LF. *line counts lines read (for messages; may be NULL). */
int cs_csv_read(const char *text, size_t len, size_t *at, size_t *line, cs_csv_row *row,
                cs_err *err);

/* Appends one cell, quoted when it holds a comma, a quote, a line break or
 * leading/trailing blanks, with a leading comma unless first. */
int cs_csv_put(cs_buf *b, const char *cell, size_t len, bool first);
/* Ends a row (LF). */
int cs_csv_end_row(cs_buf *b);

/* sf__Error ("CODE:message:Field1,Field2 --") into its parts, each
 * truncated to its buffer. */
void cs_csv_sf_error(const char *text, char *code, size_t code_size, char *message,
                     size_t message_size, char *fields, size_t fields_size);

#endif
