/* libFuzzer target for the Bulk API 2.0 CSV reader (src/sandbox/sf_bulk_csv.h).
 * The first byte picks the dialect (delimiter and line ending); the rest is
 * read row by row as an uploaded job would be. Each read must move the cursor
 * forward, stay within the documented limits, and a row written back by the
 * writer must read back as the same cells. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sf_bulk_csv.h"

static const char *const delimiters[] = {"COMMA", "TAB", "PIPE", "SEMICOLON", "CARET", "BACKQUOTE"};

static void check_round_trip(const sf_csv_row *row, sf_csv_dialect d)
{
    cs_buf out;
    cs_buf_init(&out, (size_t)SF_CSV_RECORD_CHARS_MAX * 8 + 4 * SF_CSV_FIELDS_MAX);
    if (sf_csv_put_row(&out, d, row) != 0)
        abort();
    sf_csv_row again;
    sf_csv_row_init(&again);
    sf_csv_cursor cur = {0, 0};
    cs_err err;
    /* A row of one empty cell writes as "" and reads back the same. */
    if (sf_csv_read(out.data, out.len, &cur, d, &again, &err) != 1 || again.ncells != row->ncells)
        abort();
    for (size_t i = 0; i < row->ncells; i++)
        if (strcmp(sf_csv_cell(row, i), sf_csv_cell(&again, i)) != 0)
            abort();
    sf_csv_row_dispose(&again);
    cs_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    sf_csv_dialect d;
    if (sf_csv_dialect_parse(delimiters[data[0] % 6], (data[0] & 0x80) ? "CRLF" : "LF", &d) != 0)
        abort();
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    sf_csv_row row;
    sf_csv_row_init(&row);
    sf_csv_cursor cur = {0, 0};
    cs_err err;
    int rc;
    while ((rc = sf_csv_read(text, len, &cur, d, &row, &err)) == 1) {
        if (cur.pos > len || row.ncells == 0 || row.ncells > SF_CSV_FIELDS_MAX)
            abort();
        check_round_trip(&row, d);
    }
    if (rc < 0 && strncmp(err.message, "line ", 5) != 0)
        abort();
    sf_csv_row_dispose(&row);
    return 0;
}
