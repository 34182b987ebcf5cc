/* Processing of Bulk API 2.0 ingest jobs, one bounded step at a time
 * (called by the worker, under ctx->lock):
 * 1. the whole upload is checked first (CSV syntax, the documented record
 *    limits, header columns against the object): a problem fails the job
 *    with an InvalidBatch message and writes nothing, as a job-level error;
 * 2. then each step writes at most CHUNK_ROWS records (or STEP_BUDGET_MS
 *    worth) in one transaction, through sf_write.c like every other
 *    endpoint, so validation, duplicate and required-field rules apply;
 *    each record gives one successfulResults or failedResults line, and
 *    the cursor saved with them says where the next step resumes.
 *
 * A cell is a field's text: empty leaves the field as it is (null on
 * insert), "#N/A" sets it to null, booleans take true/false/1/0 in any
 * case; other types are checked by sf_validate.c (numbers, dates,
 * datetimes). A header "Rel.ExtField" (Account.External_Id__c) sets the
 * reference field from the parent found by that external id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sf_bulk_int.h"

#define CHUNK_ROWS     2000
#define STEP_BUDGET_MS 100

typedef struct ingest_cache {
    char *data;
    size_t len;
    sf_csv_row header;
    sf_csv_row row;
} ingest_cache;

enum col_role { COL_FIELD, COL_ID, COL_EXT, COL_REL, COL_IGNORE };

typedef struct col {
    enum col_role role;
    const sf_field *f;       /* COL_FIELD/COL_EXT: the field; COL_REL: the reference field */
    const sf_object *target; /* COL_REL */
    const sf_field *tf;      /* COL_REL: the parent's external id field */
} col;

typedef struct ingest {
    sb_ctx *ctx;
    sf_tx tx;
    sf_bulk_job *job;
    ingest_cache *c;
    const sf_object *o;
    const sf_field *ext; /* upsert */
    col *cols;
    sf_csv_dialect d;
    size_t header_lines; /* lines the header row spans */
} ingest;

void sf_bulk_ingest_cache_free(void *cache)
{
    ingest_cache *c = cache;
    if (c == NULL)
        return;
    free(c->data);
    sf_csv_row_dispose(&c->header);
    sf_csv_row_dispose(&c->row);
    free(c);
}

static bool is_op(const sf_bulk_job *job, const char *op)
{
    return strcmp(job->operation, op) == 0;
}

static bool by_id(const sf_bulk_job *job)
{
    return is_op(job, "update") || is_op(job, "delete") || is_op(job, "hardDelete");
}

/* Resolves header cell i; -1 with the job failed when unknown. */
static int resolve_column(ingest *in, size_t i)
{
    const char *name = sf_csv_cell(&in->c->header, i);
    col *c = &in->cols[i];
    const char *dot = strchr(name, '.');
    if (dot != NULL) {
        char rel[SF_BULK_NAME_MAX];
        snprintf(rel, sizeof rel, "%.*s", (int)(dot - name), name);
        c->role = COL_REL;
        c->f = sf_object_relationship(in->o, rel);
        c->target = c->f ? sf_field_target(in->tx.schema, c->f) : NULL;
        c->tf = c->target ? sf_object_field(c->target, dot + 1) : NULL;
        if (c->tf && (c->tf->flags & (SF_F_EXT | SF_F_LOOKUP)))
            return 0;
    } else {
        c->f = sf_object_field(in->o, name);
        c->role = COL_FIELD;
        if (c->f && strcmp(c->f->name, "Id") == 0 && (by_id(in->job) || in->ext == c->f))
            c->role = COL_ID;
        else if (c->f && in->ext == c->f)
            c->role = COL_EXT;
        else if (c->f && (is_op(in->job, "delete") || is_op(in->job, "hardDelete")))
            c->role = COL_IGNORE;
        if (c->f)
            return 0;
    }
    sf_bulk_job_fail(in->job, "InvalidBatch : Field name not found : %.200s", name);
    return -1;
}

/* Checks the header: known, distinct columns, and the key column the
 * operation needs. -1 with the job failed. */
static int resolve_header(ingest *in)
{
    size_t n = in->c->header.ncells;
    in->cols = calloc(n ? n : 1, sizeof *in->cols);
    if (in->cols == NULL) {
        sf_bulk_job_fail(in->job, "InternalServerError : out of memory");
        return -1;
    }
    bool key = false;
    for (size_t i = 0; i < n; i++) {
        if (resolve_column(in, i) != 0)
            return -1;
        for (size_t k = 0; k < i; k++)
            if (strcasecmp(sf_csv_cell(&in->c->header, k), sf_csv_cell(&in->c->header, i)) == 0) {
                sf_bulk_job_fail(in->job, "InvalidBatch : Duplicate field name : %.200s",
                                 sf_csv_cell(&in->c->header, i));
                return -1;
            }
        key |= in->cols[i].role == COL_ID || in->cols[i].role == COL_EXT;
    }
    if (!key && !is_op(in->job, "insert")) {
        sf_bulk_job_fail(in->job, "InvalidBatch : Field name not found : %s",
                         in->ext ? in->ext->name : "Id");
        return -1;
    }
    return 0;
}

/* The first step: reads every row once, so a malformed upload fails the
 * job before any record is written. */
static int validate(ingest *in, cs_err *err)
{
    sf_csv_cursor cur = {(size_t)in->job->header_end, in->header_lines};
    int64_t rows = 0;
    cs_err bad;
    int rc;
    while ((rc = sf_csv_read(in->c->data, in->c->len, &cur, in->d, &in->c->row, &bad)) == 1) {
        if (in->c->row.ncells != in->c->header.ncells) {
            sf_bulk_job_fail(in->job,
                             "InvalidBatch : Failed to parse CSV. Line %zu: %zu values where the "
                             "header has %zu",
                             in->c->row.line, in->c->row.ncells, in->c->header.ncells);
            return 0;
        }
        rows++;
    }
    if (rc < 0) {
        sf_bulk_job_fail(in->job, "InvalidBatch : %s", bad.message);
        return 0;
    }
    in->job->rows = rows;
    in->job->cursor = in->job->header_end;
    in->job->cursor_line = (int64_t)in->header_lines;
    /* Kept without a row ending: results put their own columns first. */
    cs_buf h;
    cs_buf_init(&h, (size_t)SF_CSV_RECORD_CHARS_MAX * 8);
    for (size_t i = 0; i < in->c->header.ncells; i++) {
        const char *name = sf_csv_cell(&in->c->header, i);
        if (sf_csv_put(&h, in->d, i == 0, name, strlen(name)) != 0) {
            cs_buf_free(&h);
            return cs_err_set(err, CS_ERR_INTERNAL, "header too long");
        }
    }
    char *text = cs_buf_take(&h);
    if (text == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    rc = sf_bulk_job_set_text(in->ctx, in->job->id, "header", text, err);
    free(text);
    return rc;
}

static json_t *cell_value(const sf_field *f, const char *cell)
{
    if (strcmp(cell, "#N/A") == 0)
        return json_null();
    if (f->type == SF_T_BOOLEAN) {
        if (strcasecmp(cell, "true") == 0 || strcmp(cell, "1") == 0)
            return json_string("true");
        if (strcasecmp(cell, "false") == 0 || strcmp(cell, "0") == 0)
            return json_string("false");
    }
    return json_string(cell);
}

/* The reference id for a parent external id value; a row error in s when
 * none or several match. 0, or -1 on an internal error. */
static int parent_id(ingest *in, const col *c, const char *value, json_t *rec, sf_save *s,
                     cs_err *err)
{
    char ids[2][SF_ID_LEN + 1];
    int n = 0;
    if (strcmp(c->tf->name, "Id") == 0) {
        json_object_set_new(rec, c->f->name, json_string(value));
        return 0;
    }
    if (sf_store_find_ext(&in->tx, c->target, c->tf, value, ids, 2, &n, err) != 0)
        return -1;
    if (n == 1)
        json_object_set_new(rec, c->f->name, json_string(ids[0]));
    else if (n == 0)
        sf_verr_set(&s->err, "INVALID_FIELD", NULL,
                    "Foreign key external ID: %.200s not found for field %s in entity %s", value,
                    c->tf->name, c->target->name);
    else
        sf_verr_set(&s->err, "INVALID_FIELD", NULL,
                    "More than 1 record found for external id field %s in entity %s: %.200s",
                    c->tf->name, c->target->name, value);
    return 0;
}

static int hard_delete(ingest *in, const char *id, cs_err *err)
{
    static const char *const sqls[] = {"DELETE FROM sf_extids WHERE id = ?",
                                       "DELETE FROM sf_records WHERE id = ?"};
    for (size_t i = 0; i < 2; i++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(in->ctx->db, sqls[i], -1, &st, NULL) != SQLITE_OK)
            return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s",
                              sqlite3_errmsg(in->ctx->db));
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(st);
        if (rc != 0)
            return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s",
                              sqlite3_errmsg(in->ctx->db));
    }
    return 0;
}

/* Writes one record; s says how it went. -1 only on an internal error. */
static int write_row(ingest *in, const sf_csv_row *row, sf_save *s, cs_err *err)
{
    json_t *rec = json_object();
    const char *key = NULL;
    int rc = 0;
    for (size_t i = 0; i < row->ncells && rc == 0 && s->err.code == NULL; i++) {
        const char *cell = sf_csv_cell(row, i);
        const col *c = &in->cols[i];
        if (c->role == COL_ID || c->role == COL_EXT)
            key = cell;
        else if (c->role == COL_IGNORE || cell[0] == '\0')
            continue;
        else if (c->role == COL_REL && strcmp(cell, "#N/A") == 0)
            json_object_set_new(rec, c->f->name, json_null());
        else if (c->role == COL_REL)
            rc = parent_id(in, c, cell, rec, s, err);
        else
            json_object_set_new(rec, c->f->name, cell_value(c->f, cell));
    }
    const sf_bulk_job *job = in->job;
    if (rc == 0 && s->err.code == NULL) {
        if (!is_op(job, "insert") && (key == NULL || key[0] == '\0'))
            sf_verr_set(&s->err, "MISSING_ARGUMENT", NULL, "%s not specified",
                        in->ext ? in->ext->name : "Id");
        else if (is_op(job, "insert"))
            rc = sf_write_create(&in->tx, in->o, rec, s, err);
        else if (is_op(job, "update"))
            rc = sf_write_update(&in->tx, in->o, key, rec, s, err);
        else if (is_op(job, "upsert"))
            rc = sf_write_upsert(&in->tx, in->o, in->ext, key, rec, s, err);
        else
            rc = sf_write_delete(&in->tx, in->o, key, s, err);
        if (rc == 0 && s->ok && is_op(job, "hardDelete"))
            rc = hard_delete(in, s->id, err);
    }
    if (s->err.code != NULL)
        s->ok = false;
    json_decref(rec);
    return rc;
}

/* "CODE:message:Field1,Field2 --", as failedResults show an error. */
static int error_text(const sf_verr *e, cs_buf *out)
{
    int rc = cs_buf_appendf(out, "%s:%s:", e->code, e->message);
    for (size_t i = 0; i < json_array_size(e->fields); i++)
        rc |= cs_buf_appendf(out, "%s%s", i ? "," : "",
                             json_string_value(json_array_get(e->fields, i)));
    rc |= cs_buf_append_str(out, json_array_size(e->fields) ? " --" : "--");
    return rc;
}

static int result_line(ingest *in, const sf_csv_row *row, const sf_save *s, cs_buf *line)
{
    cs_buf_reset(line);
    const char *id = s->ok || !is_op(in->job, "insert") ? s->id : "";
    int rc = sf_csv_put(line, in->d, true, id, strlen(id));
    if (s->ok) {
        const char *created = s->created ? "true" : "false";
        rc |= sf_csv_put(line, in->d, false, created, strlen(created));
    } else {
        cs_buf err;
        cs_buf_init(&err, (size_t)SF_VERR_MESSAGE_MAX * 2);
        rc |= error_text(&s->err, &err);
        rc |= sf_csv_put(line, in->d, false, cs_buf_str(&err), err.len);
        cs_buf_free(&err);
    }
    for (size_t i = 0; i < row->ncells; i++) {
        const char *cell = sf_csv_cell(row, i);
        rc |= sf_csv_put(line, in->d, false, cell, strlen(cell));
    }
    return rc;
}

static int process_chunk(ingest *in, cs_err *err)
{
    sf_bulk_job *job = in->job;
    sf_bulk_writer w;
    if (sf_bulk_writer_open(in->ctx, job->id, &w, err) != 0)
        return -1;
    cs_buf line;
    cs_buf_init(&line, (size_t)SF_CSV_RECORD_CHARS_MAX * 8);
    sf_csv_cursor cur = {(size_t)job->cursor, (size_t)job->cursor_line};
    int64_t until = cs_time_monotonic_ms() + STEP_BUDGET_MS;
    int rc = 0;
    for (int n = 0; n < CHUNK_ROWS && rc == 0 && cs_time_monotonic_ms() < until; n++) {
        cs_err bad;
        int got = sf_csv_read(in->c->data, in->c->len, &cur, in->d, &in->c->row, &bad);
        if (got <= 0) {
            /* Checked by validate(): only the end can come here. */
            if (got < 0)
                rc = cs_err_set(err, CS_ERR_INTERNAL, "%s", bad.message);
            break;
        }
        sf_save s;
        sf_save_init(&s);
        rc = write_row(in, &in->c->row, &s, err);
        int64_t seq = job->processed;
        if (rc == 0 && result_line(in, &in->c->row, &s, &line) != 0)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "result line too long");
        if (rc == 0)
            rc = sf_bulk_writer_add(&w, s.ok ? SF_BULK_OK : SF_BULK_FAILED, seq, line.data,
                                    line.len, err);
        if (rc == 0) {
            job->processed++;
            job->failed += s.ok ? 0 : 1;
            job->cursor = (int64_t)cur.pos;
            job->cursor_line = (int64_t)cur.line;
        }
        sf_save_dispose(&s);
    }
    cs_buf_free(&line);
    sf_bulk_writer_close(&w);
    if (rc == 0 && job->processed >= job->rows)
        snprintf(job->state, sizeof job->state, "JobComplete");
    return rc;
}

static int load_cache(sb_ctx *ctx, sf_bulk_job *job, ingest_cache **out, cs_err *err)
{
    ingest_cache *c = calloc(1, sizeof *c);
    if (c == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    sf_csv_row_init(&c->header);
    sf_csv_row_init(&c->row);
    if (sf_bulk_data_load(ctx, job->id, &c->data, &c->len, err) != 0) {
        sf_bulk_ingest_cache_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int sf_bulk_ingest_step(sb_ctx *ctx, sf_bulk_job *job, void **cache, cs_err *err)
{
    if (*cache == NULL && load_cache(ctx, job, (ingest_cache **)cache, err) != 0)
        return -1;
    ingest in = {.ctx = ctx, .job = job, .c = *cache, .d = sf_bulk_dialect(job)};
    if (sf_tx_begin(ctx, &in.tx, job->version, err) != 0)
        return -1;
    int rc = 0;
    sf_csv_cursor cur = {0, 0};
    cs_err bad;
    in.o = sf_schema_object(in.tx.schema, job->object);
    in.ext = in.o && job->ext_field[0] ? sf_object_field(in.o, job->ext_field) : NULL;
    if (in.o == NULL) {
        sf_bulk_job_fail(job, "InvalidJob : Unable to find object: %s", job->object);
    } else if (in.c->data == NULL) {
        sf_bulk_job_fail(job, "InvalidBatch : No data uploaded for the job");
    } else if (job->ext_field[0] && in.ext == NULL) {
        sf_bulk_job_fail(job, "InvalidJob : Field name not found : %s", job->ext_field);
    } else if (sf_csv_read(in.c->data, in.c->len, &cur, in.d, &in.c->header, &bad) != 1) {
        sf_bulk_job_fail(job, "InvalidBatch : %s",
                         in.c->len ? bad.message : "Failed to parse CSV: no header row");
    } else if (resolve_header(&in) == 0) {
        job->header_end = (int64_t)cur.pos;
        in.header_lines = cur.line;
        if (job->rows < 0)
            rc = validate(&in, err);
        else
            rc = process_chunk(&in, err);
    }
    if (rc == 0 && job->rows == 0 && strcmp(job->state, "InProgress") == 0)
        snprintf(job->state, sizeof job->state, "JobComplete");
    if (rc == 0)
        rc = sf_bulk_job_save(ctx, job, err);
    if (rc == 0)
        rc = sf_tx_commit(&in.tx, err);
    sf_tx_end(&in.tx);
    free(in.cols);
    if (rc != 0)
        return -1;
    return strcmp(job->state, "InProgress") == 0 ? 1 : 0;
}
