/* The Salesforce connector's Bulk API 2.0 CSV (connector/bulk_csv.h): rows
 * read back as written (quotes, commas, line breaks, empty cells, CRLF, a
 * byte order mark), malformed CSV refused with its line, and failedResults'
 * sf__Error split into code, message and fields as Salesforce writes it. */
#include <criterion/criterion.h>
#include <string.h>

#include "connector/bulk_csv.h"

static void row_is(cs_csv_row *row, size_t n, const char *const *want)
{
    cr_assert_eq(row->n, n, "cells: %zu, want %zu", row->n, n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(row->lens[i], strlen(want[i]), "cell %zu length", i);
        cr_assert_str_eq(row->cells[i], want[i], "cell %zu", i);
    }
}

Test(bulk_csv, writes_what_it_reads)
{
    const char *cells[] = {"plain", "a, b", "say \"hi\"", "two\nlines", "", " padded ", "#N/A"};
    size_t n = sizeof cells / sizeof cells[0];
    cs_buf b;
    cs_buf_init(&b, 4096);
    for (int r = 0; r < 2; r++) {
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(cs_csv_put(&b, cells[i], strlen(cells[i]), i == 0), 0);
        cr_assert_eq(cs_csv_end_row(&b), 0);
    }
    cr_assert_str_eq(cs_buf_str(&b),
                     "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",,\" padded \",#N/A\n"
                     "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",,\" padded \",#N/A\n");
    cs_csv_row row;
    cs_csv_row_init(&row);
    size_t at = 0, line = 0;
    cs_err err = {0};
    cr_assert_eq(cs_csv_read(b.data, b.len, &at, &line, &row, &err), 1, "%s", err.message);
    row_is(&row, n, cells);
    cr_assert_eq(line, 2, "a quoted line break counts as a line");
    cr_assert_eq(cs_csv_read(b.data, b.len, &at, &line, &row, &err), 1, "%s", err.message);
    row_is(&row, n, cells);
    cr_assert_eq(cs_csv_read(b.data, b.len, &at, &line, &row, &err), 0, "then the end");
    cs_csv_row_dispose(&row);
    cs_buf_free(&b);
}

Test(bulk_csv, reads_the_query_results_form)
{
    /* Every value quoted, null as "", a BOM, CRLF endings and a blank line. */
    const char *text = "\xEF\xBB\xBF\"Id\",\"Email\",\"IsDeleted\"\r\n"
                       "\"00Q1\",\"\",\"false\"\r\n\r\n"
                       "\"00Q2\",\"x@example.com\",\"true\"\r\n";
    cs_csv_row row;
    cs_csv_row_init(&row);
    size_t at = 0;
    cs_err err = {0};
    size_t len = strlen(text);
    cr_assert_eq(cs_csv_read(text, len, &at, NULL, &row, &err), 1);
    row_is(&row, 3, (const char *[]){"Id", "Email", "IsDeleted"});
    cr_assert_eq(cs_csv_read(text, len, &at, NULL, &row, &err), 1);
    row_is(&row, 3, (const char *[]){"00Q1", "", "false"});
    cr_assert_eq(cs_csv_read(text, len, &at, NULL, &row, &err), 1);
    row_is(&row, 3, (const char *[]){"00Q2", "x@example.com", "true"});
    cr_assert_eq(cs_csv_read(text, len, &at, NULL, &row, &err), 0);
    cs_csv_row_dispose(&row);
}

Test(bulk_csv, malformed_csv_names_its_line)
{
    const struct {
        const char *text;
        const char *message;
    } cases[] = {
        {"a,b\nc,\"d\n", "CSV line 2: a quoted cell does not end"},
        {"a,b\nc,d\"e\n", "CSV line 2: a quote inside an unquoted cell"},
        {"\"a\"b,c\n", "CSV line 1: text after a quoted cell"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_csv_row row;
        cs_csv_row_init(&row);
        size_t at = 0, line = 0;
        cs_err err = {0};
        int rc;
        while ((rc = cs_csv_read(cases[i].text, strlen(cases[i].text), &at, &line, &row, &err)) ==
               1)
            ;
        cr_assert_eq(rc, -1, "case %zu is refused", i);
        cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
        cr_assert_str_eq(err.message, cases[i].message);
        cs_csv_row_dispose(&row);
    }
}

Test(bulk_csv, too_many_cells_are_refused)
{
    cs_buf b;
    cs_buf_init(&b, 1 << 20);
    for (int i = 0; i <= CS_CSV_MAX_CELLS; i++)
        cs_csv_put(&b, "x", 1, i == 0);
    cs_csv_row row;
    cs_csv_row_init(&row);
    size_t at = 0;
    cs_err err = {0};
    cr_assert_eq(cs_csv_read(b.data, b.len, &at, NULL, &row, &err), -1);
    cr_assert(strstr(err.message, "more than 5000 cells") != NULL, "%s", err.message);
    cs_csv_row_dispose(&row);
    cs_buf_free(&b);
}

static void error_is(const char *text, const char *code, const char *message, const char *fields)
{
    char c[64], m[512], f[256];
    cs_csv_sf_error(text, c, sizeof c, m, sizeof m, f, sizeof f);
    cr_assert_str_eq(c, code, "code of '%s'", text);
    cr_assert_str_eq(m, message, "message of '%s'", text);
    cr_assert_str_eq(f, fields, "fields of '%s'", text);
}

Test(bulk_csv, sf_error_splits_as_salesforce_writes_it)
{
    error_is("REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --",
             "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", "LastName");
    /* a message holding colons keeps them */
    error_is("INVALID_EMAIL_ADDRESS:Email: invalid email address: x:Email --",
             "INVALID_EMAIL_ADDRESS", "Email: invalid email address: x", "Email");
    error_is("MISSING_ARGUMENT:Ext_Id__c not specified:--", "MISSING_ARGUMENT",
             "Ext_Id__c not specified", "");
    error_is("FIELD_CUSTOM_VALIDATION_EXCEPTION:Interns are not sales leads:Title --",
             "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Interns are not sales leads", "Title");
    error_is("REQUIRED_FIELD_MISSING:Required fields are missing: [LastName, Company]:LastName, "
             "Company --",
             "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName, Company]",
             "LastName,Company");
    /* not the CODE:message:fields form: all of it is the message */
    error_is("something went wrong", "", "something went wrong", "");
    error_is("UNABLE_TO_LOCK_ROW:unable to obtain exclusive access: try again",
             "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access: try again", "");
    error_is(NULL, "", "", "");
}
