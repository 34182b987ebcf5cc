/* The Bulk API 2.0's CSV, read and written (bulk_csv.h). Reading works in
 * place over an answer already in memory, one row at a time, so a page of
 * 100,000 rows never becomes 100,000 JSON objects at once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/bulk_csv.h"

#define ROW_TEXT_MAX ((size_t)64 * 1024 * 1024) /* one row's cells (an answer's size) */

void cs_csv_row_init(cs_csv_row *r)
{
    memset(r, 0, sizeof *r);
    cs_buf_init(&r->text, ROW_TEXT_MAX);
}

void cs_csv_row_dispose(cs_csv_row *r)
{
    free(r->cells);
    free(r->lens);
    cs_buf_free(&r->text);
    memset(r, 0, sizeof *r);
}

/* Cell starts are kept as offsets while the buffer may still move. */
static int add_cell(cs_csv_row *r, size_t start, size_t len, cs_err *err)
{
    if (r->n == CS_CSV_MAX_CELLS)
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "a CSV row has more than %d cells",
                          CS_CSV_MAX_CELLS);
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        char **cells = realloc(r->cells, cap * sizeof *cells);
        if (cells == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        r->cells = cells;
        size_t *lens = realloc(r->lens, cap * sizeof *lens);
        if (lens == NULL)
            return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        r->lens = lens;
        r->cap = cap;
    }
    r->cells[r->n] = (char *)(uintptr_t)start;
    r->lens[r->n++] = len;
    if (cs_buf_append(&r->text, "", 1) != 0) /* the cell's NUL */
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "a CSV row is too long");
    return 0;
}

int cs_csv_read(const char *text, size_t len, size_t *at, size_t *line, cs_csv_row *row,
                cs_err *err)
{
    size_t i = *at;
    size_t lines = 0;
    /* blank lines (and a byte order mark at the start) are no rows */
    if (i == 0 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (text[i] == '\n' || text[i] == '\r')) {
        lines += text[i] == '\n';
        i++;
    }
    if (line != NULL)
        *line += lines;
    if (i >= len) {
        *at = i;
        return 0;
    }
    row->n = 0;
    cs_buf_reset(&row->text);
    size_t lineno = (line ? *line : 0) + 1;
    for (;;) {
        size_t start = row->text.len;
        if (i < len && text[i] == '"') {
            i++;
            for (;;) {
                if (i >= len)
                    return cs_err_set(err, CS_ERR_INVALID_INPUT,
                                      "CSV line %zu: a quoted cell does not end", lineno);
                if (text[i] == '"') {
                    if (i + 1 < len && text[i + 1] == '"') {
                        if (cs_buf_append(&row->text, "\"", 1) != 0)
                            return cs_err_set(err, CS_ERR_INVALID_INPUT, "a CSV row is too long");
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                size_t run = i;
                while (run < len && text[run] != '"')
                    run++;
                for (size_t k = i; k < run; k++)
                    lines += text[k] == '\n';
                if (cs_buf_append(&row->text, text + i, run - i) != 0)
                    return cs_err_set(err, CS_ERR_INVALID_INPUT, "a CSV row is too long");
                i = run;
            }
            if (i < len && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
                return cs_err_set(err, CS_ERR_INVALID_INPUT,
                                  "CSV line %zu: text after a quoted cell", lineno);
        } else {
            size_t run = i;
            while (run < len && text[run] != ',' && text[run] != '\n' && text[run] != '\r') {
                if (text[run] == '"')
                    return cs_err_set(err, CS_ERR_INVALID_INPUT,
                                      "CSV line %zu: a quote inside an unquoted cell", lineno);
                run++;
            }
            if (cs_buf_append(&row->text, text + i, run - i) != 0)
                return cs_err_set(err, CS_ERR_INVALID_INPUT, "a CSV row is too long");
            i = run;
        }
        if (add_cell(row, start, row->text.len - start, err) != 0)
            return -1;
        if (i < len && text[i] == ',') {
            i++;
            continue;
        }
        if (i < len && text[i] == '\r')
            i++;
        if (i < len && text[i] == '\n')
            i++;
        break;
    }
    for (size_t k = 0; k < row->n; k++)
        row->cells[k] = row->text.data + (uintptr_t)row->cells[k];
    if (line != NULL)
        *line += 1 + lines;
    *at = i;
    return 1;
}

int cs_csv_put(cs_buf *b, const char *cell, size_t len, bool first)
{
    int rc = first ? 0 : cs_buf_append(b, ",", 1);
    bool quote = len > 0 && (cell[0] == ' ' || cell[len - 1] == ' ');
    for (size_t i = 0; i < len && !quote; i++)
        quote = cell[i] == ',' || cell[i] == '"' || cell[i] == '\n' || cell[i] == '\r';
    if (!quote)
        return rc | cs_buf_append(b, cell, len);
    rc |= cs_buf_append(b, "\"", 1);
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (cell[i] != '"')
            continue;
        rc |= cs_buf_append(b, cell + from, i + 1 - from); /* through the quote ... */
        rc |= cs_buf_append(b, "\"", 1);                   /* ... and once more */
        from = i + 1;
    }
    rc |= cs_buf_append(b, cell + from, len - from);
    return rc | cs_buf_append(b, "\"", 1);
}

int cs_csv_end_row(cs_buf *b)
{
    return cs_buf_append(b, "\n", 1);
}

static void copy(char *out, size_t size, const char *from, size_t len)
{
    if (size == 0)
        return;
    if (len >= size)
        len = size - 1;
    memcpy(out, from, len);
    out[len] = '\0';
}

void cs_csv_sf_error(const char *text, char *code, size_t code_size, char *message,
                     size_t message_size, char *fields, size_t fields_size)
{
    copy(code, code_size, "", 0);
    copy(message, message_size, "", 0);
    copy(fields, fields_size, "", 0);
    if (text == NULL)
        return;
    size_t len = strlen(text);
    /* the trailing " --" closes the list of fields */
    while (len > 0 && text[len - 1] == ' ')
        len--;
    if (len >= 2 && text[len - 1] == '-' && text[len - 2] == '-') {
        len -= 2;
        while (len > 0 && text[len - 1] == ' ')
            len--;
    }
    const char *colon = memchr(text, ':', len);
    bool upper = colon != NULL && colon > text;
    for (const char *p = text; upper && p < colon; p++)
        upper = (*p >= 'A' && *p <= 'Z') || *p == '_' || (*p >= '0' && *p <= '9');
    if (!upper) {
        /* not the CODE:message:fields form: the whole text is the message */
        copy(message, message_size, text, len);
        return;
    }
    copy(code, code_size, text, (size_t)(colon - text));
    const char *rest = colon + 1;
    size_t rlen = len - (size_t)(rest - text);
    /* the fields follow the last colon; a message may hold colons itself */
    const char *last = NULL;
    for (size_t k = rlen; k > 0; k--)
        if (rest[k - 1] == ':') {
            last = rest + k - 1;
            break;
        }
    if (last == NULL) {
        copy(message, message_size, rest, rlen);
        return;
    }
    const char *f = last + 1;
    size_t flen = rlen - (size_t)(f - rest);
    bool names = true;
    for (size_t k = 0; k < flen && names; k++)
        names = f[k] != ' ' || (k > 0 && f[k - 1] == ',');
    if (!names) {
        /* "Email: invalid email address: x" with no field list at the end */
        copy(message, message_size, rest, rlen);
        return;
    }
    copy(message, message_size, rest, (size_t)(last - rest));
    /* "LastName" or "FirstName, LastName": stored comma-separated, no blanks */
    size_t o = 0;
    for (size_t k = 0; k < flen && o + 1 < fields_size; k++)
        if (f[k] != ' ')
            fields[o++] = f[k];
    if (fields_size > 0)
        fields[o] = '\0';
}
