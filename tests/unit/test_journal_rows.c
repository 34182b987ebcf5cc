/* Unit tests of the journal's one row per record write (R5): the fields of a
 * write go into one row, and every reader still gets one entry per field, in
 * the order one row per field gave (newest first), with each field's own
 * reason or the write's; limits and offsets count entries, not rows; counts
 * count fields; and a file journaled one row per field before the migration
 * reads the same after it. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "store/store.h"
#include "store_fixture.h"

TestSuite(journal_rows, .init = store_fixture_setup, .fini = store_fixture_teardown);

static const cs_journal_change CREATE_FIELDS[] = {
    {.field = "FirstName", .new_value = "Ada"},
    {.field = "LastName", .new_value = "Lovelace", .reason = "C13: placeholder"},
    {.field = "Title", .old_value = "Eng", .new_value = NULL},
};

static void add(cs_store *s, int64_t run, const char *hs, const char *sf, cs_store_op op,
                const cs_journal_change *ch, size_t n, const char *reason)
{
    cs_journal_entry e = {.at_ms = 1000,
                          .run_id = run,
                          .dir = CS_STORE_HS_TO_SF,
                          .op = op,
                          .object = "contact",
                          .hs_id = hs,
                          .sf_id = sf,
                          .reason = reason,
                          .changes = ch,
                          .nchanges = n};
    cs_err err = {0};
    cr_assert_eq(cs_store_journal_add(s, &e, &err), 0, "%s", err.message);
}

static cs_journal_list list(cs_store *s, const char *record, size_t limit, size_t offset)
{
    cs_journal_query q = {.record_id = record, .limit = limit, .offset = offset};
    cs_journal_list l = {0};
    cs_err err = {0};
    cr_assert_eq(cs_store_journal_list(s, &q, &l, &err), 0, "%s", err.message);
    return l;
}

Test(journal_rows, a_record_write_is_one_row_listed_as_one_entry_per_field)
{
    cs_store *s = open_db();
    add(s, 7, "1", "00Q1", CS_STORE_OP_CREATE, CREATE_FIELDS, 3, "two_way");
    cs_store_close(s);
    cr_assert_eq(raw_int("state.db", "SELECT count(*) FROM journal"), 1, "one row per write");

    s = open_db();
    cs_journal_list l = list(s, NULL, 0, 0);
    cr_assert_eq(l.count, 3);
    /* Newest first: the last field journaled comes first, as with one row
     * per field. */
    cr_assert_str_eq(l.items[0].field, "Title");
    cr_assert_str_eq(l.items[0].old_value, "Eng");
    cr_assert_null(l.items[0].new_value, "a cleared value stays NULL");
    cr_assert_str_eq(l.items[0].reason, "two_way", "no own reason: the write's");
    cr_assert_str_eq(l.items[1].field, "LastName");
    cr_assert_str_eq(l.items[1].reason, "C13: placeholder", "a field's own reason is kept");
    cr_assert_str_eq(l.items[2].field, "FirstName");
    cr_assert_null(l.items[2].old_value);
    cr_assert_str_eq(l.items[2].new_value, "Ada");
    for (size_t i = 0; i < l.count; i++) {
        cr_assert_eq(l.items[i].op, CS_STORE_OP_CREATE);
        cr_assert_eq(l.items[i].run_id, 7);
        cr_assert_eq(l.items[i].at_ms, 1000);
        cr_assert_str_eq(l.items[i].hs_id, "1");
        cr_assert_str_eq(l.items[i].sf_id, "00Q1");
        cr_assert_eq(l.items[i].id, l.items[0].id, "the fields share the row's id");
    }
    cs_journal_list_dispose(&l);

    cs_store_stats st;
    cs_err err = {0};
    cr_assert_eq(cs_store_get_stats(s, 0, &st, &err), 0, "%s", err.message);
    cr_assert_eq(st.journal_entries, 3, "status counts journaled fields, not rows");
    cs_store_close(s);
}

Test(journal_rows, limit_and_offset_count_entries_across_rows)
{
    cs_store *s = open_db();
    add(s, 1, "1", "00Q1", CS_STORE_OP_CREATE, CREATE_FIELDS, 3, "two_way");
    add(s, 1, "2", "00Q2", CS_STORE_OP_LINK, NULL, 0, "C5: matched by email");
    add(s, 2, "1", "00Q1", CS_STORE_OP_UPDATE, CREATE_FIELDS, 2, "sync");

    /* 6 entries in all: update (LastName, FirstName), link, create (Title,
     * LastName, FirstName). */
    cs_journal_list l = list(s, NULL, 0, 0);
    cr_assert_eq(l.count, 6);
    cs_journal_list_dispose(&l);

    l = list(s, NULL, 3, 0);
    cr_assert_eq(l.count, 3, "the limit cuts inside the rows");
    cr_assert_eq(l.items[0].op, CS_STORE_OP_UPDATE);
    cr_assert_str_eq(l.items[1].field, "FirstName");
    cr_assert_eq(l.items[2].op, CS_STORE_OP_LINK);
    cs_journal_list_dispose(&l);

    l = list(s, NULL, 2, 1);
    cr_assert_eq(l.count, 2);
    cr_assert_str_eq(l.items[0].field, "FirstName", "the offset skips one field of a row");
    cr_assert_eq(l.items[1].op, CS_STORE_OP_LINK);
    cs_journal_list_dispose(&l);

    l = list(s, NULL, 10, 4);
    cr_assert_eq(l.count, 2);
    cr_assert_str_eq(l.items[0].field, "LastName");
    cr_assert_str_eq(l.items[1].field, "FirstName");
    cs_journal_list_dispose(&l);

    l = list(s, "00Q1", 0, 0);
    cr_assert_eq(l.count, 5, "a record's entries: both of its writes, every field");
    cs_journal_list_dispose(&l);

    l = list(s, NULL, 0, 6);
    cr_assert_eq(l.count, 0);
    cs_journal_list_dispose(&l);
    cs_store_close(s);
}

Test(journal_rows, a_field_change_is_checked_like_a_field_row)
{
    cs_store *s = open_db();
    const cs_journal_change nameless[] = {{.field = NULL, .new_value = "x"}};
    cs_journal_entry e = {.dir = CS_STORE_HS_TO_SF,
                          .op = CS_STORE_OP_UPDATE,
                          .object = "contact",
                          .hs_id = "1",
                          .reason = "sync",
                          .changes = nameless,
                          .nchanges = 1};
    cs_err err = {0};
    cr_assert_neq(cs_store_journal_add(s, &e, &err), 0);
    cr_assert(strstr(err.message, "journal field") != NULL, "%s", err.message);
    e.changes = NULL;
    cr_assert_neq(cs_store_journal_add(s, &e, &err), 0, "changes counted but missing");
    cs_store_close(s);
    cr_assert_eq(raw_int("state.db", "SELECT count(*) FROM journal"), 0);
}

Test(journal_rows, a_damaged_row_is_an_error_naming_the_entry)
{
    cs_store *s = open_db();
    add(s, 1, "1", "00Q1", CS_STORE_OP_CREATE, CREATE_FIELDS, 3, "two_way");
    cs_store_close(s);
    char p[512];
    path_of("state.db", p, sizeof p);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(p, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "UPDATE journal SET changes = '[{\"x\":1}'", NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    s = open_db();
    cs_journal_list l = {0};
    cs_err err = {0};
    cr_assert_neq(cs_store_journal_list(s, NULL, &l, &err), 0);
    cr_assert_eq(err.category, CS_ERR_STORE);
    cr_assert(strstr(err.message, "journal entry 1") != NULL, "%s", err.message);
    cs_store_close(s);
}

Test(journal_rows, rows_journaled_per_field_before_the_migration_read_the_same)
{
    char p[512];
    path_of("v3.db", p, sizeof p);
    sqlite3 *db = NULL;
    cs_err err = {0};
    cr_assert_eq(sqlite3_open(p, &db), SQLITE_OK);
    cr_assert_eq(cs_sq_schema_upgrade(db, p, 3, &err), 0, "%s", err.message);
    cr_assert_eq(sqlite3_exec(db,
                              "INSERT INTO journal (at_ms, run_id, direction, op, object, hs_id, "
                              "sf_id, field, old_value, new_value, reason) VALUES "
                              "(5, 1, 'hs_to_sf', 'create', 'contact', '9', '00Q9', 'FirstName', "
                              "NULL, 'Bo', 'two_way'),"
                              "(5, 1, 'hs_to_sf', 'create', 'contact', '9', '00Q9', 'LastName', "
                              "NULL, 'Li', 'two_way')",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);

    cs_store *s = open_named("v3.db");
    cr_assert_eq(raw_int("v3.db", "SELECT max(version) FROM schema_version"), CS_SQ_SCHEMA_VERSION);
    add(s, 2, "9", "00Q9", CS_STORE_OP_UPDATE, CREATE_FIELDS, 1, "sync");
    cs_journal_list l = list(s, "9", 0, 0);
    cr_assert_eq(l.count, 3);
    cr_assert_str_eq(l.items[0].field, "FirstName");
    cr_assert_eq(l.items[0].op, CS_STORE_OP_UPDATE);
    cr_assert_str_eq(l.items[1].field, "LastName");
    cr_assert_str_eq(l.items[1].new_value, "Li");
    cr_assert_str_eq(l.items[2].field, "FirstName");
    cr_assert_str_eq(l.items[2].new_value, "Bo");
    cs_journal_list_dispose(&l);
    cs_store_stats st;
    cr_assert_eq(cs_store_get_stats(s, 0, &st, &err), 0, "%s", err.message);
    cr_assert_eq(st.journal_entries, 3);
    cs_store_close(s);
}
