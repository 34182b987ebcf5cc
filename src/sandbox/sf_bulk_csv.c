/* The Bulk API 2.0 CSV reader and writer (sf_bulk_csv.h). The reader walks
 * the uploaded bytes once, a row at a time, so a job's data is never split
 * into more than one row in memory; its limits are Salesforce's documented
 * ones, counted in characters (UTF-8 code points), not bytes. Messages follow
 * the wording of Salesforce's own CSV errors ("Found unescaped quote"). */
#include "sandbox/sf_bulk_csv.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    char delim;
} delimiters[] = {
    {"COMMA", ','},     {"TAB", '\t'},  {"PIPE", '|'},
    {"SEMICOLON", ';'}, {"CARET", '^'}, {"BACKQUOTE", '`'},
};

int sf_csv_dialect_parse(const char *delimiter, const char *line_ending, sf_csv_dialect *out)
{
    sf_csv_dialect d = {',', false};
    if (delimiter != NULL) {
        size_t i = 0, n = sizeof delimiters / sizeof delimiters[0];
        while (i < n && strcmp(delimiters[i].name, delimiter) != 0)
            i++;
        if (i == n)
            return -1;
        d.delim = delimiters[i].delim;
    }
    if (line_ending != NULL) {
        if (strcmp(line_ending, "CRLF") == 0)
            d.crlf = true;
        else if (strcmp(line_ending, "LF") != 0)
            return -1;
    }
    *out = d;
    return 0;
}

void sf_csv_row_init(sf_csv_row *row)
{
    memset(row, 0, sizeof *row);
    cs_buf_init(&row->text, (size_t)SF_CSV_RECORD_CHARS_MAX * 4 + SF_CSV_FIELDS_MAX + 16);
}

void sf_csv_row_dispose(sf_csv_row *row)
{
    cs_buf_free(&row->text);
    free(row->offsets);
    memset(row, 0, sizeof *row);
}

const char *sf_csv_cell(const sf_csv_row *row, size_t i)
{
    return row->text.data + row->offsets[i];
}

/* Starts a new cell at the current end of the text. */
static int begin_cell(sf_csv_row *row)
{
    if (row->ncells == row->cap) {
        size_t cap = row->cap ? row->cap * 2 : 32;
        size_t *grown = realloc(row->offsets, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        row->offsets = grown;
        row->cap = cap;
    }
    row->offsets[row->ncells++] = row->text.len;
    return 0;
}

static bool is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Length of the row ending at p (0 when none): LF, or CRLF for d.crlf. */
static size_t row_end(const char *p, const char *end, sf_csv_dialect d)
{
    if (d.crlf)
        return end - p >= 2 && p[0] == '\r' && p[1] == '\n' ? 2 : 0;
    return p < end && p[0] == '\n' ? 1 : 0;
}

typedef struct reader {
    const char *p, *end;
    size_t line;
    size_t field_chars, record_chars;
    sf_csv_row *row;
    sf_csv_dialect d;
    cs_err *err;
} reader;

static int fail(reader *r, const char *what)
{
    return cs_err_set(r->err, CS_ERR_INVALID_INPUT, "line %zu, column %zu: %s", r->line,
                      r->row->ncells, what);
}

/* Appends one byte of cell content, counting characters against the limits. */
static int take(reader *r, char c)
{
    if (!is_continuation((unsigned char)c)) {
        if (++r->field_chars > SF_CSV_FIELD_CHARS_MAX)
            return fail(r, "a field has more than 131072 characters");
        if (++r->record_chars > SF_CSV_RECORD_CHARS_MAX)
            return fail(r, "a record has more than 400000 characters");
    }
    if (c == '\n')
        r->line++;
    if (cs_buf_append(&r->row->text, &c, 1) != 0)
        return fail(r, "out of memory");
    return 0;
}

/* Reads a quoted cell; r->p is on the opening quote. */
static int quoted_cell(reader *r)
{
    r->p++;
    for (;;) {
        if (r->p >= r->end) {
            /* Named by the line its row starts on, not the end of the data. */
            r->line = r->row->line;
            return fail(r, "Failed to parse CSV. Unterminated quoted value");
        }
        if (*r->p == '"') {
            if (r->p + 1 < r->end && r->p[1] == '"') {
                if (take(r, '"') != 0)
                    return -1;
                r->p += 2;
                continue;
            }
            r->p++;
            if (r->p < r->end && *r->p != r->d.delim && row_end(r->p, r->end, r->d) == 0)
                return fail(r, "Failed to parse CSV. Found unescaped quote. A value with a quote "
                               "should be within a quote");
            return 0;
        }
        if (take(r, *r->p) != 0)
            return -1;
        r->p++;
    }
}

static int plain_cell(reader *r)
{
    while (r->p < r->end && *r->p != r->d.delim && row_end(r->p, r->end, r->d) == 0) {
        if (*r->p == '"')
            return fail(r, "Failed to parse CSV. Found unescaped quote. A value with a quote "
                           "should be within a quote");
        if (take(r, *r->p) != 0)
            return -1;
        r->p++;
    }
    return 0;
}

int sf_csv_read(const char *data, size_t len, sf_csv_cursor *cur, sf_csv_dialect d, sf_csv_row *row,
                cs_err *err)
{
    reader r = {.p = data + cur->pos,
                .end = data + len,
                .line = cur->line + 1,
                .row = row,
                .d = d,
                .err = err};
    if (cur->pos == 0 && len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r.p += 3;
    /* Blank lines between rows are not records. */
    for (size_t n; (n = row_end(r.p, r.end, d)) > 0; r.p += n)
        r.line++;
    if (r.p >= r.end)
        return 0;
    cs_buf_reset(&row->text);
    row->ncells = 0;
    row->line = r.line;
    for (;;) {
        if (row->ncells == SF_CSV_FIELDS_MAX) {
            row->ncells++;
            return fail(&r, "a record has more than 5000 fields");
        }
        if (begin_cell(row) != 0)
            return fail(&r, "out of memory");
        r.field_chars = 0;
        int rc = r.p < r.end && *r.p == '"' ? quoted_cell(&r) : plain_cell(&r);
        if (rc != 0 || cs_buf_append(&row->text, "", 1) != 0)
            return rc != 0 ? -1 : fail(&r, "out of memory");
        if (r.p < r.end && *r.p == d.delim) {
            r.p++;
            continue;
        }
        size_t n = row_end(r.p, r.end, d);
        r.p += n;
        cur->pos = (size_t)(r.p - data);
        cur->line = r.line;
        return 1;
    }
}

int sf_csv_put(cs_buf *out, sf_csv_dialect d, bool first, const char *s, size_t len)
{
    if (!first && cs_buf_append(out, &d.delim, 1) != 0)
        return -1;
    if (cs_buf_append(out, "\"", 1) != 0)
        return -1;
    const char *p = s, *stop = s + len;
    while (p < stop) {
        const char *q = memchr(p, '"', (size_t)(stop - p));
        size_t n = q ? (size_t)(q - p) + 1 : (size_t)(stop - p);
        if (cs_buf_append(out, p, n) != 0 || (q && cs_buf_append(out, "\"", 1) != 0))
            return -1;
        p += n;
    }
    return cs_buf_append(out, "\"", 1);
}

int sf_csv_end_row(cs_buf *out, sf_csv_dialect d)
{
    return d.crlf ? cs_buf_append(out, "\r\n", 2) : cs_buf_append(out, "\n", 1);
}

int sf_csv_put_row(cs_buf *out, sf_csv_dialect d, const sf_csv_row *row)
{
    for (size_t i = 0; i < row->ncells; i++) {
        const char *c = sf_csv_cell(row, i);
        if (sf_csv_put(out, d, i == 0, c, strlen(c)) != 0)
            return -1;
    }
    return sf_csv_end_row(out, d);
}
