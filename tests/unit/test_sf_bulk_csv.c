/* The Bulk API 2.0 CSV reader and writer (sandbox/sf_bulk_csv.h): RFC 4180
 * quoting, the six delimiters and two line endings a job may name, and the
 * documented per-record limits. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sf_bulk_csv.h"

static sf_csv_dialect dialect(const char *delim, const char *ending)
{
    sf_csv_dialect d;
    cr_assert_eq(sf_csv_dialect_parse(delim, ending, &d), 0);
    return d;
}

/* Reads every row of text; returns the rows joined as "a|b/c|d" (cells by
 * '|', rows by '/'), or the error message. */
static char *read_all(const char *text, size_t len, sf_csv_dialect d)
{
    sf_csv_row row;
    sf_csv_row_init(&row);
    sf_csv_cursor cur = {0, 0};
    cs_buf out;
    cs_buf_init(&out, 1u << 24);
    cs_err err;
    int rc;
    while ((rc = sf_csv_read(text, len, &cur, d, &row, &err)) == 1) {
        if (out.len)
            cs_buf_append_str(&out, "/");
        for (size_t i = 0; i < row.ncells; i++)
            cs_buf_appendf(&out, "%s%s", i ? "|" : "", sf_csv_cell(&row, i));
    }
    if (rc < 0) {
        cs_buf_reset(&out);
        cs_buf_append_str(&out, err.message);
    }
    sf_csv_row_dispose(&row);
    return cs_buf_take(&out);
}

static void expect(const char *text, sf_csv_dialect d, const char *want)
{
    char *got = read_all(text, strlen(text), d);
    cr_assert_str_eq(got, want, "input %s", text);
    free(got);
}

Test(sf_bulk_csv, dialect_names)
{
    sf_csv_dialect d = dialect(NULL, NULL);
    cr_assert_eq(d.delim, ',');
    cr_assert(!d.crlf);
    cr_assert_eq(dialect("TAB", "CRLF").delim, '\t');
    cr_assert(dialect("TAB", "CRLF").crlf);
    cr_assert_eq(dialect("PIPE", NULL).delim, '|');
    cr_assert_eq(dialect("SEMICOLON", NULL).delim, ';');
    cr_assert_eq(dialect("CARET", NULL).delim, '^');
    cr_assert_eq(dialect("BACKQUOTE", NULL).delim, '`');
    cr_assert_eq(sf_csv_dialect_parse("COLON", NULL, &d), -1);
    cr_assert_eq(sf_csv_dialect_parse(NULL, "CR", &d), -1);
    cr_assert_eq(sf_csv_dialect_parse("comma", NULL, &d), -1, "names are case-sensitive");
}

Test(sf_bulk_csv, rfc4180_quoting)
{
    sf_csv_dialect d = dialect(NULL, NULL);
    expect("a,b\n1,2\n", d, "a|b/1|2");
    expect("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n", d, "a|b/x, y|say \"hi\"");
    expect("a\n\"two\nlines\"\n", d, "a/two\nlines");
    expect("a,b\n,\n", d, "a|b/|");
    expect("a,b\n\"\",x", d, "a|b/|x");
    /* A last row without its line ending is still a row. */
    expect("a\nlast", d, "a/last");
}

Test(sf_bulk_csv, blank_lines_and_bom)
{
    sf_csv_dialect d = dialect(NULL, NULL);
    expect("\xEF\xBB\xBF"
           "Name\nx\n",
           d, "Name/x");
    expect("a\n\n\nb\n\n", d, "a/b");
    expect("", d, "");
}

Test(sf_bulk_csv, line_endings)
{
    /* An LF job keeps a CR as data (so a CRLF file in an LF job shows it). */
    expect("a,b\r\n1,2\r\n", dialect(NULL, "LF"), "a|b\r/1|2\r");
    expect("a,b\r\n1,2\r\n", dialect(NULL, "CRLF"), "a|b/1|2");
    /* A bare LF inside a CRLF file is data. */
    expect("a\r\nx\ny\r\n", dialect(NULL, "CRLF"), "a/x\ny");
    expect("a\tb\r\n\"t\tab\"\tz\r\n", dialect("TAB", "CRLF"), "a|b/t\tab|z");
    expect("a|b\n1,2|3\n", dialect("PIPE", NULL), "a|b/1,2|3");
}

Test(sf_bulk_csv, malformed_rows_name_line_and_column)
{
    sf_csv_dialect d = dialect(NULL, NULL);
    expect("a,b\nx,\"bad\"y\n", d,
           "line 2, column 2: Failed to parse CSV. Found unescaped quote. A value with a quote "
           "should be within a quote");
    expect("a,b\nx,ba\"d\n", d,
           "line 2, column 2: Failed to parse CSV. Found unescaped quote. A value with a quote "
           "should be within a quote");
    expect("a\n\"open\n\n", d, "line 2, column 1: Failed to parse CSV. Unterminated quoted value");
    /* Lines inside a quoted cell count. */
    expect("a,b\n\"1\n2\",x\n3,\"y\"z\n", d,
           "line 4, column 2: Failed to parse CSV. Found unescaped quote. A value with a quote "
           "should be within a quote");
}

Test(sf_bulk_csv, cursor_resumes_where_it_stopped)
{
    const char *text = "h1,h2\nr1,x\nr2,y\n";
    sf_csv_dialect d = dialect(NULL, NULL);
    sf_csv_row row;
    sf_csv_row_init(&row);
    sf_csv_cursor cur = {0, 0};
    cs_err err;
    cr_assert_eq(sf_csv_read(text, strlen(text), &cur, d, &row, &err), 1);
    cr_assert_eq(cur.pos, 6);
    sf_csv_cursor saved = cur;
    cr_assert_eq(sf_csv_read(text, strlen(text), &cur, d, &row, &err), 1);
    cr_assert_str_eq(sf_csv_cell(&row, 0), "r1");
    cr_assert_eq(row.line, 2);
    cr_assert_eq(sf_csv_read(text, strlen(text), &saved, d, &row, &err), 1);
    cr_assert_str_eq(sf_csv_cell(&row, 0), "r1", "reading again from a saved cursor");
    cr_assert_eq(sf_csv_read(text, strlen(text), &cur, d, &row, &err), 1);
    cr_assert_str_eq(sf_csv_cell(&row, 1), "y");
    cr_assert_eq(row.line, 3);
    cr_assert_eq(sf_csv_read(text, strlen(text), &cur, d, &row, &err), 0);
    sf_csv_row_dispose(&row);
}

static char *repeat(const char *unit, size_t n, const char *prefix, const char *suffix)
{
    size_t u = strlen(unit), p = strlen(prefix), s = strlen(suffix);
    char *out = malloc(p + u * n + s + 1);
    memcpy(out, prefix, p);
    for (size_t i = 0; i < n; i++)
        memcpy(out + p + i * u, unit, u);
    memcpy(out + p + u * n, suffix, s + 1);
    return out;
}

Test(sf_bulk_csv, field_limit_counts_characters_not_bytes)
{
    sf_csv_dialect d = dialect(NULL, NULL);
    /* 131,072 two-byte characters: at the limit, accepted. */
    char *ok = repeat("\xC3\xA9", SF_CSV_FIELD_CHARS_MAX, "a\n", "\n");
    char *got = read_all(ok, strlen(ok), d);
    cr_assert_eq(strlen(got), 2 + 2 * (size_t)SF_CSV_FIELD_CHARS_MAX);
    free(got);
    free(ok);
    char *over = repeat("x", SF_CSV_FIELD_CHARS_MAX + 1, "a\n", "\n");
    got = read_all(over, strlen(over), d);
    cr_assert_str_eq(got, "line 2, column 1: a field has more than 131072 characters");
    free(got);
    free(over);
}

Test(sf_bulk_csv, record_and_field_count_limits)
{
    sf_csv_dialect d = dialect(NULL, NULL);
    char *wide = repeat("c,", SF_CSV_FIELDS_MAX - 1, "", "c\n");
    char *got = read_all(wide, strlen(wide), d);
    cr_assert_eq(strncmp(got, "c|c|", 4), 0, "5000 fields are allowed");
    free(got);
    free(wide);
    wide = repeat("c,", SF_CSV_FIELDS_MAX, "", "c\n");
    got = read_all(wide, strlen(wide), d);
    cr_assert_str_eq(got, "line 1, column 5001: a record has more than 5000 fields");
    free(got);
    free(wide);
    char *cell = repeat("y", 100000, "", "");
    char *rec = malloc(5 * 100001 + 2);
    rec[0] = '\0';
    for (int i = 0; i < 5; i++) {
        strcat(rec, cell);
        strcat(rec, i < 4 ? "," : "\n");
    }
    got = read_all(rec, strlen(rec), d);
    cr_assert_str_eq(got, "line 1, column 5: a record has more than 400000 characters");
    free(got);
    free(rec);
    free(cell);
}

Test(sf_bulk_csv, writer_quotes_every_cell)
{
    cs_buf out;
    cs_buf_init(&out, 1024);
    sf_csv_dialect d = dialect(NULL, NULL);
    cr_assert_eq(sf_csv_put(&out, d, true, "plain", 5), 0);
    cr_assert_eq(sf_csv_put(&out, d, false, "say \"hi\"", 8), 0);
    cr_assert_eq(sf_csv_put(&out, d, false, "", 0), 0);
    cr_assert_eq(sf_csv_put(&out, d, false, "a,b\nc", 5), 0);
    cr_assert_eq(sf_csv_end_row(&out, d), 0);
    cr_assert_str_eq(cs_buf_str(&out), "\"plain\",\"say \"\"hi\"\"\",\"\",\"a,b\nc\"\n");
    cs_buf_reset(&out);
    d = dialect("SEMICOLON", "CRLF");
    cr_assert_eq(sf_csv_put(&out, d, true, "x", 1), 0);
    cr_assert_eq(sf_csv_put(&out, d, false, "y", 1), 0);
    cr_assert_eq(sf_csv_end_row(&out, d), 0);
    cr_assert_str_eq(cs_buf_str(&out), "\"x\";\"y\"\r\n");
    cs_buf_free(&out);
}

Test(sf_bulk_csv, written_rows_read_back_unchanged)
{
    static const char *const cells[] = {"", "\"", "a,b", "line\nbreak", "tab\there", "é€", ";"};
    const char *names[] = {"COMMA", "TAB", "PIPE", "SEMICOLON", "CARET", "BACKQUOTE"};
    for (size_t k = 0; k < 6; k++) {
        for (int crlf = 0; crlf < 2; crlf++) {
            sf_csv_dialect d = dialect(names[k], crlf ? "CRLF" : "LF");
            cs_buf out;
            cs_buf_init(&out, 4096);
            for (size_t i = 0; i < 7; i++)
                sf_csv_put(&out, d, i == 0, cells[i], strlen(cells[i]));
            sf_csv_end_row(&out, d);
            sf_csv_row row;
            sf_csv_row_init(&row);
            sf_csv_cursor cur = {0, 0};
            cs_err err;
            cr_assert_eq(sf_csv_read(out.data, out.len, &cur, d, &row, &err), 1, "%s", names[k]);
            cr_assert_eq(row.ncells, 7);
            for (size_t i = 0; i < 7; i++)
                cr_assert_str_eq(sf_csv_cell(&row, i), cells[i], "%s cell %zu", names[k], i);
            cr_assert_eq(cur.pos, out.len);
            sf_csv_row_dispose(&row);
            cs_buf_free(&out);
        }
    }
}
