/* CSV as Salesforce's Bulk API 2.0 reads and writes it: RFC 4180 quoting,
 * one of six column delimiters, LF or CRLF row endings (the job's
 * lineEnding: with LF a carriage return is data), a leading UTF-8 byte order
 * mark ignored, blank lines skipped, and the documented per-record limits
 * (characters in a field, fields in a record, characters in a record).
 * Results are written with every cell quoted, as Salesforce writes them.
 *
 * Pure: no database, no HTTP; the unit tests and the fuzz target use it
 * directly. */
#ifndef CS_SANDBOX_SF_BULK_CSV_H
#define CS_SANDBOX_SF_BULK_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

#define SF_CSV_FIELD_CHARS_MAX  131072 /* characters in one field */
#define SF_CSV_FIELDS_MAX       5000   /* fields in one record */
#define SF_CSV_RECORD_CHARS_MAX 400000 /* characters in one record, all fields */

typedef struct sf_csv_dialect {
    char delim; /* ',' '\t' '|' ';' '^' '`' */
    bool crlf;  /* rows end with CRLF (else LF) */
} sf_csv_dialect;

/* The dialect of a job's columnDelimiter (COMMA, TAB, PIPE, SEMICOLON,
 * CARET, BACKQUOTE) and lineEnding (LF, CRLF); NULL names take the defaults
 * (COMMA, LF). -1 when a name is unknown. */
int sf_csv_dialect_parse(const char *delimiter, const char *line_ending, sf_csv_dialect *out);

/* One parsed row: cells stored one after another, each NUL-terminated. */
typedef struct sf_csv_row {
    cs_buf text;
    size_t *offsets; /* owned: start of cell i in text */
    size_t ncells;
    size_t cap;
    size_t line; /* 1-based line on which the row starts */
} sf_csv_row;

void sf_csv_row_init(sf_csv_row *row);
void sf_csv_row_dispose(sf_csv_row *row);
/* Cell i (i < ncells); borrowed, valid until the next read into row. */
const char *sf_csv_cell(const sf_csv_row *row, size_t i);

/* A position in the data being read: *line counts lines consumed. */
typedef struct sf_csv_cursor {
    size_t pos;
    size_t line;
} sf_csv_cursor;

/* Reads the row at cur of data[0..len) into row, moving cur past it.
 * Returns 1 for a row, 0 at the end of the data, -1 when the data is
 * malformed or passes a limit (err names the line and what is wrong;
 * cur is then left unchanged). */
int sf_csv_read(const char *data, size_t len, sf_csv_cursor *cur, sf_csv_dialect d, sf_csv_row *row,
                cs_err *err);

/* Appends one quoted cell (quotes doubled), preceded by the delimiter
 * unless first. 0, or -1 when out lacks room. */
int sf_csv_put(cs_buf *out, sf_csv_dialect d, bool first, const char *s, size_t len);
/* Appends the row ending of d. */
int sf_csv_end_row(cs_buf *out, sf_csv_dialect d);
/* Appends every cell of row as one quoted row. */
int sf_csv_put_row(cs_buf *out, sf_csv_dialect d, const sf_csv_row *row);

#endif
