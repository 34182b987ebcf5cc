/* Unit tests of store/, part one: opening by URL, the SQLite schema and its
 * migrations, links and snapshots, transactions and durable cursors, argument
 * bounds. test_store_log.c has the journal, record errors, runs and meta. */
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/sqlite_int.h"
#include "store/store.h"
#include "store_fixture.h"

TestSuite(store, .init = store_fixture_setup, .fini = store_fixture_teardown);

/* ---- opening ---------------------------------------------------------- */

Test(store, bad_urls_are_config_errors)
{
    const char *urls[] = {"", "mysql://x", "state.db", "sqlite:", "sqlite://relative.db"};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        cs_store *s = NULL;
        cs_err err = {0};
        cr_assert_eq(cs_store_open(urls[i], &s, &err), -1, "%s", urls[i]);
        cr_assert_eq(err.category, CS_ERR_CONFIG, "%s", urls[i]);
        cr_assert_null(s);
        cr_assert(strstr(err.message, "sqlite:") != NULL, "%s: %s", urls[i], err.message);
    }
    cs_err err = {0};
    cs_store *s = NULL;
    cr_assert_eq(cs_store_open(NULL, &s, &err), -1);
    cr_assert_eq(err.category, CS_ERR_CONFIG);
}

Test(store, postgres_is_recognised_but_not_built)
{
    cs_store *s = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_store_open("postgres://crm:s3cret@db.example/crm", &s, &err), -1);
    cr_assert_eq(err.category, CS_ERR_CONFIG);
    cr_assert(strstr(err.message, "PostgreSQL store is not built") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "s3cret") == NULL, "password leaked: %s", err.message);
}

Test(store, absolute_url_form_and_memory)
{
    char url[600];
    fmt(url, sizeof url, "sqlite://%s/abs.db", g_dir);
    cs_store *s = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_store_open(url, &s, &err), 0, "%s", err.message);
    cr_assert_str_eq(cs_store_url(s), url);
    cs_store_close(s);
    char p[512];
    path_of("abs.db", p, sizeof p);
    cr_assert_eq(access(p, F_OK), 0);

    cr_assert_eq(cs_store_open("sqlite::memory:", &s, &err), 0, "%s", err.message);
    cr_assert_eq(cs_store_link_add(s, "contact", "1", "Lead", "00Q1", &err), 0);
    cs_link l;
    cr_assert_eq(cs_store_link_by_sf(s, "00Q1", &l, &err), 1);
    cs_store_close(s);
    cs_store_close(NULL);
}

Test(store, not_a_database_names_the_path)
{
    const char text[] = "hubspot:\n  base_url: http://127.0.0.1\n this is a yaml file, not a db\n"
                        "padding padding padding padding padding padding padding padding\n";
    write_file("notes.txt", text, sizeof text - 1);
    char p[512];
    path_of("notes.txt", p, sizeof p);
    char url[600];
    fmt(url, sizeof url, "sqlite:%s", p);
    cs_store *s = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_store_open(url, &s, &err), -1);
    cr_assert_eq(err.category, CS_ERR_STORE);
    cr_assert(strstr(err.message, p) != NULL, "%s", err.message);
    cr_assert(strstr(err.message, "not a SQLite database") != NULL, "%s", err.message);
    cr_assert_null(s);
}

Test(store, damaged_database_names_the_path)
{
    /* A SQLite header followed by garbage pages. */
    char data[8192];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)(i * 7 + 3);
    memcpy(data, "SQLite format 3", 16);
    write_file("damaged.db", data, sizeof data);
    char p[512];
    path_of("damaged.db", p, sizeof p);
    char url[600];
    fmt(url, sizeof url, "sqlite:%s", p);
    cs_store *s = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_store_open(url, &s, &err), -1);
    cr_assert_eq(err.category, CS_ERR_STORE);
    cr_assert(strstr(err.message, p) != NULL, "%s", err.message);
}

Test(store, foreign_sqlite_file_is_refused)
{
    char p[512];
    path_of("other.db", p, sizeof p);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(p, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "CREATE TABLE contacts (id INTEGER)", NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    char url[600];
    fmt(url, sizeof url, "sqlite:%s", p);
    cs_store *s = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_store_open(url, &s, &err), -1);
    cr_assert_eq(err.category, CS_ERR_STORE);
    cr_assert(strstr(err.message, "not a crmsync store") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, p) != NULL, "%s", err.message);
    /* ... and left untouched. */
    cr_assert_eq(sqlite3_open(p, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* ---- schema and migrations -------------------------------------------- */

Test(store, fresh_file_gets_every_migration_once)
{
    cs_store *s = open_db();
    cs_store_close(s);
    cr_assert_eq(raw_int("state.db", "SELECT count(*) FROM schema_version"), CS_SQ_SCHEMA_VERSION);
    cr_assert_eq(raw_int("state.db", "SELECT max(version) FROM schema_version"),
                 CS_SQ_SCHEMA_VERSION);
    cr_assert_eq(raw_int("state.db", "PRAGMA application_id"), CS_SQ_APPLICATION_ID);
    cr_assert_eq(raw_int("state.db", "SELECT count(*) FROM sqlite_master WHERE name = 'errors'"),
                 1);
    /* Reopening applies nothing again. */
    s = open_db();
    cs_store_close(s);
    s = open_db();
    cs_store_close(s);
    cr_assert_eq(raw_int("state.db", "SELECT count(*) FROM schema_version"), CS_SQ_SCHEMA_VERSION);
}

Test(store, file_in_wal_mode_readable_by_owner_only)
{
    cs_store *s = open_db();
    cs_store_close(s);
    char p[512];
    path_of("state.db", p, sizeof p);
    struct stat sb;
    cr_assert_eq(stat(p, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0600, "mode %o", (unsigned)(sb.st_mode & 0777));
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(p, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

Test(store, older_file_is_upgraded_in_place)
{
    char p[512];
    path_of("old.db", p, sizeof p);
    sqlite3 *db = NULL;
    cs_err err = {0};
    cr_assert_eq(sqlite3_open(p, &db), SQLITE_OK);
    /* A file as the first version of the schema left it, with a link. */
    cr_assert_eq(cs_sq_schema_upgrade(db, p, 1, &err), 0, "%s", err.message);
    cr_assert_eq(sqlite3_exec(db,
                              "INSERT INTO links (object, hs_id, sf_type, sf_id, created_ms, "
                              "updated_ms) VALUES ('contact', '51', 'Lead', '00Q51', 1, 1)",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    cr_assert_eq(raw_int("old.db", "SELECT max(version) FROM schema_version"), 1);
    cr_assert_eq(raw_int("old.db", "SELECT count(*) FROM sqlite_master WHERE name = 'errors'"), 0);

    cs_store *s = open_named("old.db");
    cs_link l;
    cr_assert_eq(cs_store_link_by_hs(s, "contact", "51", &l, &err), 1);
    cr_assert_str_eq(l.sf_id, "00Q51");
    cs_record_error e = {.side = CS_STORE_SALESFORCE,
                         .object = "contact",
                         .record_key = "51",
                         .category = CS_CAT_PROPERTY_VALUES,
                         .message = "bad"};
    cr_assert_eq(cs_store_error_record(s, &e, 1000, NULL, &err), 0, "%s", err.message);
    cs_store_close(s);
    cr_assert_eq(raw_int("old.db", "SELECT max(version) FROM schema_version"),
                 CS_SQ_SCHEMA_VERSION);
}

Test(store, newer_schema_is_refused)
{
    cs_store *s = open_db();
    cs_store_close(s);
    char p[512];
    path_of("state.db", p, sizeof p);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(p, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "INSERT INTO schema_version VALUES (99, 0, 'from the future')",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    char url[600];
    fmt(url, sizeof url, "sqlite:%s", p);
    cs_err err = {0};
    cr_assert_eq(cs_store_open(url, &s, &err), -1);
    cr_assert_eq(err.category, CS_ERR_STORE);
    cr_assert(strstr(err.message, "99") && strstr(err.message, "newer"), "%s", err.message);
}

/* ---- links and snapshots ---------------------------------------------- */

Test(store, link_round_trip_both_ways)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_link_add(s, "contact", "101", "Lead", "00Q000000000101AAA", &err), 0,
                 "%s", err.message);
    cs_link l;
    memset(&l, 0, sizeof l);
    cr_assert_eq(cs_store_link_by_hs(s, "contact", "101", &l, &err), 1);
    cr_assert_str_eq(l.object, "contact");
    cr_assert_str_eq(l.hs_id, "101");
    cr_assert_str_eq(l.sf_type, "Lead");
    cr_assert_str_eq(l.sf_id, "00Q000000000101AAA");
    cr_assert(l.created_ms > 0 && l.updated_ms == l.created_ms);

    cs_link by_sf;
    cr_assert_eq(cs_store_link_by_sf(s, "00Q000000000101AAA", &by_sf, &err), 1);
    cr_assert_str_eq(by_sf.hs_id, "101");
    cr_assert_str_eq(by_sf.object, "contact");

    /* Not found: 0, and the out-parameter untouched. */
    cs_link untouched;
    memset(&untouched, 0x5a, sizeof untouched);
    cr_assert_eq(cs_store_link_by_hs(s, "contact", "999", &untouched, &err), 0);
    cr_assert_eq(untouched.hs_id[0], 0x5a);
    cr_assert_eq(cs_store_link_by_hs(s, "company", "101", &untouched, &err), 0);
    cr_assert_eq(cs_store_link_by_sf(s, "003000000000999AAA", &untouched, &err), 0);
    cr_assert_eq(untouched.sf_id[0], 0x5a);
    cs_store_close(s);
}

Test(store, second_link_for_either_record_fails_naming_ids)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_link_add(s, "contact", "1", "Lead", "00QA", &err), 0);
    cr_assert_eq(cs_store_link_add(s, "contact", "2", "Contact", "003B", &err), 0);
    /* The same link again is a no-op. */
    cr_assert_eq(cs_store_link_add(s, "contact", "1", "Lead", "00QA", &err), 0, "%s", err.message);

    cr_assert_eq(cs_store_link_add(s, "contact", "1", "Contact", "003C", &err), -1);
    cr_assert_eq(err.category, CS_ERR_STORE);
    cr_assert(strstr(err.message, "contact 1") && strstr(err.message, "003C") &&
                  strstr(err.message, "00QA"),
              "%s", err.message);

    cr_assert_eq(cs_store_link_add(s, "contact", "3", "Contact", "003B", &err), -1);
    cr_assert_eq(err.category, CS_ERR_STORE);
    cr_assert(strstr(err.message, "003B") && strstr(err.message, "contact 3") &&
                  strstr(err.message, "contact 2"),
              "%s", err.message);

    /* HubSpot ids are per object type: company 1 may link elsewhere. */
    cr_assert_eq(cs_store_link_add(s, "company", "1", "Account", "001D", &err), 0, "%s",
                 err.message);
    cs_store_stats st;
    cr_assert_eq(cs_store_get_stats(s, 0, &st, &err), 0);
    cr_assert_eq(st.links, 3);
    cs_store_close(s);
}

static int collect(const cs_link *link, void *ud)
{
    char *acc = ud; /* 128 bytes */
    size_t len = strlen(acc);
    fmt(acc + len, 128 - len, "%s,", link->hs_id);
    return strcmp(link->hs_id, "stop") == 0;
}

Test(store, link_each_filters_and_stops)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_link_add(s, "contact", "a", "Lead", "1", &err), 0);
    cr_assert_eq(cs_store_link_add(s, "company", "b", "Account", "2", &err), 0);
    cr_assert_eq(cs_store_link_add(s, "contact", "c", "Contact", "3", &err), 0);
    cr_assert_eq(cs_store_link_add(s, "contact", "stop", "Contact", "4", &err), 0);
    cr_assert_eq(cs_store_link_add(s, "contact", "e", "Contact", "5", &err), 0);
    char acc[128] = "";
    cr_assert_eq(cs_store_link_each(s, "contact", collect, acc, &err), 0);
    cr_assert_str_eq(acc, "a,c,stop,");
    acc[0] = '\0';
    cr_assert_eq(cs_store_link_each(s, NULL, collect, acc, &err), 0);
    cr_assert_str_eq(acc, "a,b,c,stop,");
    acc[0] = '\0';
    cr_assert_eq(cs_store_link_each(s, "company", collect, acc, &err), 0);
    cr_assert_str_eq(acc, "b,");
    cs_store_close(s);
}

static json_t *fields3(const char *first, const char *last)
{
    json_t *f = json_object();
    json_object_set_new(f, "firstname", first ? json_string(first) : json_null());
    json_object_set_new(f, "lastname", json_string(last));
    json_object_set_new(f, "phone", json_null());
    return f;
}

Test(store, snapshot_round_trip_and_replace)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_link_add(s, "contact", "7", "Lead", "00Q7", &err), 0);
    cs_snapshot snap = {.fields = fields3("Ada", "Lovelace"),
                        .hs_modified_ms = 1700000000123,
                        .sf_modified_ms = 1700000000456};
    cr_assert_eq(cs_store_snapshot_put(s, "contact", "7", &snap, &err), 0, "%s", err.message);

    cs_snapshot got = {0};
    cr_assert_eq(cs_store_snapshot_get(s, "contact", "7", &got, &err), 1, "%s", err.message);
    cr_assert(json_equal(got.fields, snap.fields));
    cr_assert(json_is_null(json_object_get(got.fields, "phone")));
    cr_assert_eq(got.hs_modified_ms, 1700000000123);
    cr_assert_eq(got.sf_modified_ms, 1700000000456);
    cr_assert(got.synced_ms > 0);
    cs_snapshot_dispose(&got);
    json_decref(snap.fields);

    cs_snapshot next = {.fields = fields3(NULL, "Byron"), .hs_modified_ms = 5, .sf_modified_ms = 6};
    cr_assert_eq(cs_store_snapshot_put(s, "contact", "7", &next, &err), 0);
    cr_assert_eq(cs_store_snapshot_get(s, "contact", "7", &got, &err), 1);
    cr_assert(json_equal(got.fields, next.fields));
    cr_assert_eq(got.hs_modified_ms, 5);
    cs_snapshot_dispose(&got);
    cs_snapshot_dispose(NULL);

    /* No link, no snapshot. */
    cr_assert_eq(cs_store_snapshot_put(s, "contact", "8", &next, &err), -1);
    cr_assert_eq(err.category, CS_ERR_NOT_FOUND);
    cr_assert(strstr(err.message, "contact 8") != NULL, "%s", err.message);
    cs_snapshot none = {.fields = NULL, .hs_modified_ms = 77};
    cr_assert_eq(cs_store_snapshot_get(s, "contact", "8", &none, &err), 0);
    cr_assert_eq(none.hs_modified_ms, 77);
    json_decref(next.fields);

    /* Values must be strings or null. */
    json_t *bad = json_pack("{s:i}", "employees", 12);
    cs_snapshot wrong = {.fields = bad};
    cr_assert_eq(cs_store_snapshot_put(s, "contact", "7", &wrong, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cr_assert(strstr(err.message, "employees") != NULL, "%s", err.message);
    json_decref(bad);
    cs_store_close(s);
}

Test(store, relink_moves_the_link_and_keeps_the_snapshot)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_link_add(s, "contact", "9", "Lead", "00Q9", &err), 0);
    cr_assert_eq(cs_store_link_add(s, "contact", "10", "Contact", "00310", &err), 0);
    cs_snapshot snap = {.fields = fields3("Grace", "Hopper")};
    cr_assert_eq(cs_store_snapshot_put(s, "contact", "9", &snap, &err), 0);

    /* C14: the converted Lead's link moves to its Contact. */
    cr_assert_eq(cs_store_link_relink(s, "contact", "9", "Contact", "0039", &err), 0, "%s",
                 err.message);
    cs_link l;
    cr_assert_eq(cs_store_link_by_hs(s, "contact", "9", &l, &err), 1);
    cr_assert_str_eq(l.sf_type, "Contact");
    cr_assert_str_eq(l.sf_id, "0039");
    cr_assert_eq(cs_store_link_by_sf(s, "00Q9", &l, &err), 0);
    cr_assert_eq(cs_store_link_by_sf(s, "0039", &l, &err), 1);
    cs_snapshot got = {0};
    cr_assert_eq(cs_store_snapshot_get(s, "contact", "9", &got, &err), 1);
    cr_assert(json_equal(got.fields, snap.fields));
    cs_snapshot_dispose(&got);
    json_decref(snap.fields);

    cr_assert_eq(cs_store_link_relink(s, "contact", "9", "Contact", "00310", &err), -1);
    cr_assert_eq(err.category, CS_ERR_STORE);
    cr_assert(strstr(err.message, "00310") && strstr(err.message, "contact 10"), "%s", err.message);
    cr_assert_eq(cs_store_link_relink(s, "contact", "404", "Contact", "003404", &err), -1);
    cr_assert_eq(err.category, CS_ERR_NOT_FOUND);
    cs_store_close(s);
}

Test(store, unlink_removes_link_and_snapshot)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_link_add(s, "contact", "5", "Lead", "00Q5", &err), 0);
    cs_snapshot snap = {.fields = fields3("A", "B")};
    cr_assert_eq(cs_store_snapshot_put(s, "contact", "5", &snap, &err), 0);
    json_decref(snap.fields);
    cr_assert_eq(cs_store_link_remove(s, "contact", "5", &err), 1);
    cr_assert_eq(cs_store_link_remove(s, "contact", "5", &err), 0);
    cs_link l;
    cr_assert_eq(cs_store_link_by_sf(s, "00Q5", &l, &err), 0);
    cr_assert_eq(raw_int("state.db", "SELECT count(*) FROM snapshots"), 0);
    /* The ids are free to be linked again. */
    cr_assert_eq(cs_store_link_add(s, "contact", "5", "Contact", "0035", &err), 0);
    cs_snapshot got = {0};
    cr_assert_eq(cs_store_snapshot_get(s, "contact", "5", &got, &err), 0);
    cs_store_close(s);
}

/* ---- transactions and cursors ----------------------------------------- */

Test(store, rollback_discards_links_snapshots_and_cursors)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert_eq(cs_store_cursor_set(s, "hubspot.contacts", 1000, NULL, &err), 0);
    cr_assert_eq(cs_store_commit(s, &err), 0);

    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert(cs_store_in_transaction(s));
    cr_assert_eq(cs_store_link_add(s, "contact", "1", "Lead", "00Q1", &err), 0);
    cs_snapshot snap = {.fields = fields3("A", "B")};
    cr_assert_eq(cs_store_snapshot_put(s, "contact", "1", &snap, &err), 0);
    json_decref(snap.fields);
    cr_assert_eq(cs_store_cursor_set(s, "hubspot.contacts", 2000, "after-2000", &err), 0);
    /* Inside the transaction its writes are visible. */
    cs_cursor c;
    cr_assert_eq(cs_store_cursor_get(s, "hubspot.contacts", &c, &err), 1);
    cr_assert_eq(c.ms, 2000);
    cr_assert_eq(cs_store_rollback(s, &err), 0);
    cr_assert_not(cs_store_in_transaction(s));

    cs_link l;
    cr_assert_eq(cs_store_link_by_hs(s, "contact", "1", &l, &err), 0);
    cr_assert_eq(cs_store_cursor_get(s, "hubspot.contacts", &c, &err), 1);
    cr_assert_eq(c.ms, 1000);
    cr_assert_str_eq(c.token, "");
    cr_assert_eq(raw_int("state.db", "SELECT count(*) FROM snapshots"), 0);
    cs_store_close(s);
}

Test(store, committed_batch_survives_reopening)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_begin(s, &err), 0);
    for (int i = 0; i < 250; i++) {
        char hs[32], sf[32];
        fmt(hs, sizeof hs, "%d", i);
        fmt(sf, sizeof sf, "00Q%015d", i);
        cr_assert_eq(cs_store_link_add(s, "contact", hs, "Lead", sf, &err), 0, "%s", err.message);
    }
    cr_assert_eq(cs_store_cursor_set(s, "salesforce.Lead", 123456789, "00Q000000000000249", &err),
                 0);
    cr_assert_eq(cs_store_commit(s, &err), 0, "%s", err.message);
    cs_store_close(s);

    s = open_db();
    cs_store_stats st;
    cr_assert_eq(cs_store_get_stats(s, 0, &st, &err), 0);
    cr_assert_eq(st.links, 250);
    cs_link l;
    cr_assert_eq(cs_store_link_by_sf(s, "00Q000000000000042", &l, &err), 1);
    cr_assert_str_eq(l.hs_id, "42");
    cs_cursor c;
    cr_assert_eq(cs_store_cursor_get(s, "salesforce.Lead", &c, &err), 1);
    cr_assert_eq(c.ms, 123456789);
    cr_assert_str_eq(c.token, "00Q000000000000249");
    cr_assert(c.updated_ms > 0);
    cs_store_close(s);
}

/* A commit survives kill -9 of the process right after it; an open
 * transaction at the kill leaves nothing behind. */
Test(store, commit_survives_kill_9)
{
    char url[600];
    fmt(url, sizeof url, "sqlite:%s/state.db", g_dir);
    (void)fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        cs_store *s = NULL;
        cs_err err;
        if (cs_store_open(url, &s, &err) != 0)
            _exit(2);
        if (cs_store_begin(s, &err) || cs_store_link_add(s, "contact", "1", "Lead", "00Q1", &err) ||
            cs_store_cursor_set(s, "hubspot.contacts", 111, NULL, &err) || cs_store_commit(s, &err))
            _exit(3);
        if (cs_store_begin(s, &err) || cs_store_link_add(s, "contact", "2", "Lead", "00Q2", &err) ||
            cs_store_cursor_set(s, "hubspot.contacts", 222, NULL, &err))
            _exit(4);
        (void)raise(SIGKILL);
        _exit(5);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status %d", status);

    cs_store *s = open_db();
    cs_err err = {0};
    cs_link l;
    cr_assert_eq(cs_store_link_by_hs(s, "contact", "1", &l, &err), 1);
    cr_assert_eq(cs_store_link_by_hs(s, "contact", "2", &l, &err), 0);
    cs_cursor c;
    cr_assert_eq(cs_store_cursor_get(s, "hubspot.contacts", &c, &err), 1);
    cr_assert_eq(c.ms, 111);
    cs_store_close(s);
}

Test(store, cursors_only_inside_a_transaction)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_cursor_set(s, "hubspot.contacts", 5, NULL, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INTERNAL);
    cr_assert(strstr(err.message, "hubspot.contacts") != NULL, "%s", err.message);
    cs_cursor c = {.ms = -7};
    cr_assert_eq(cs_store_cursor_get(s, "hubspot.contacts", &c, &err), 0);
    cr_assert_eq(c.ms, -7);

    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert_eq(cs_store_cursor_set(s, "a", 1, "x", &err), 0);
    cr_assert_eq(cs_store_cursor_set(s, "a", 2, "y", &err), 0);
    cr_assert_eq(cs_store_cursor_set(s, "salesforce.Lead.deleted", 3, NULL, &err), 0);
    cr_assert_eq(cs_store_commit(s, &err), 0);
    cr_assert_eq(cs_store_cursor_get(s, "a", &c, &err), 1);
    cr_assert_eq(c.ms, 2);
    cr_assert_str_eq(c.token, "y");
    cr_assert_eq(cs_store_cursor_get(s, "salesforce.Lead.deleted", &c, &err), 1);
    cr_assert_eq(c.ms, 3);
    cs_store_close(s);
}

/* If SQLite ends the transaction by itself (as after disk full), the cursor
 * must not be written on its own. */
Test(store, cursor_refused_after_sqlite_rolled_back)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert_eq(cs_store_link_add(s, "contact", "1", "Lead", "00Q1", &err), 0);
    cr_assert_eq(sqlite3_exec(((sq_store *)s)->db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(cs_store_cursor_set(s, "hubspot.contacts", 9, NULL, &err), -1);
    cr_assert_eq(err.category, CS_ERR_STORE);
    cr_assert(strstr(err.message, "rolled back") != NULL, "%s", err.message);
    cr_assert_eq(cs_store_commit(s, &err), -1);
    cr_assert_not(cs_store_in_transaction(s));
    cs_cursor c;
    cr_assert_eq(cs_store_cursor_get(s, "hubspot.contacts", &c, &err), 0);
    cs_store_close(s);
}

Test(store, transaction_misuse_is_reported)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_commit(s, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INTERNAL);
    cr_assert_eq(cs_store_rollback(s, &err), -1);
    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert_eq(cs_store_begin(s, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INTERNAL);
    cr_assert(cs_store_in_transaction(s));
    cr_assert_eq(cs_store_commit(s, &err), 0);
    /* Closing with a transaction open rolls it back. */
    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert_eq(cs_store_link_add(s, "contact", "1", "Lead", "00Q1", &err), 0);
    cs_store_close(s);
    s = open_db();
    cs_link l;
    cr_assert_eq(cs_store_link_by_hs(s, "contact", "1", &l, &err), 0);
    cs_store_close(s);
}

/* A refused write inside a batch undoes only itself: the rest commits. */
Test(store, failed_write_keeps_the_rest_of_the_batch)
{
    cs_store *s = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert_eq(cs_store_link_add(s, "contact", "1", "Lead", "00Q1", &err), 0);
    cr_assert_eq(cs_store_link_add(s, "contact", "2", "Lead", "00Q1", &err), -1);
    cr_assert_eq(cs_store_link_add(s, "contact", "3", "Lead", "00Q3", &err), 0);
    cr_assert_eq(cs_store_commit(s, &err), 0);
    cs_store_stats st;
    cr_assert_eq(cs_store_get_stats(s, 0, &st, &err), 0);
    cr_assert_eq(st.links, 2);
    cs_store_close(s);
}

/* While one connection holds a batch open, another reads the last commit. */
Test(store, readers_see_only_committed_state)
{
    cs_store *w = open_db();
    cs_store *r = open_db();
    cs_err err = {0};
    cr_assert_eq(cs_store_begin(w, &err), 0);
    cr_assert_eq(cs_store_link_add(w, "contact", "1", "Lead", "00Q1", &err), 0);
    cs_link l;
    cr_assert_eq(cs_store_link_by_hs(r, "contact", "1", &l, &err), 0, "%s", err.message);
    cr_assert_eq(cs_store_commit(w, &err), 0);
    cr_assert_eq(cs_store_link_by_hs(r, "contact", "1", &l, &err), 1);
    cs_store_close(r);
    cs_store_close(w);
}

/* ---- argument bounds ---------------------------------------------------- */

Test(store, arguments_are_bounded_and_required)
{
    cs_store *s = open_db();
    cs_err err = {0};
    char long_id[CS_STORE_ID_MAX + 1];
    memset(long_id, '7', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    cr_assert_eq(cs_store_link_add(s, "contact", long_id, "Lead", "00Q1", &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cr_assert(strstr(err.message, "hs_id") != NULL, "%s", err.message);
    cr_assert_eq(cs_store_link_add(s, "", "1", "Lead", "00Q1", &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cr_assert_eq(cs_store_link_add(s, "contact", "1", "Lead", NULL, &err), -1);
    cr_assert(strstr(err.message, "sf_id") != NULL, "%s", err.message);

    char long_token[CS_STORE_TOKEN_MAX + 1];
    memset(long_token, 'x', sizeof long_token - 1);
    long_token[sizeof long_token - 1] = '\0';
    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert_eq(cs_store_cursor_set(s, "c", 1, long_token, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    long_token[CS_STORE_TOKEN_MAX - 1] = '\0'; /* the longest that fits */
    cr_assert_eq(cs_store_cursor_set(s, "c", 1, long_token, &err), 0, "%s", err.message);
    cr_assert_eq(cs_store_commit(s, &err), 0);
    cs_cursor c;
    cr_assert_eq(cs_store_cursor_get(s, "c", &c, &err), 1);
    cr_assert_eq(strlen(c.token), CS_STORE_TOKEN_MAX - 1);

    cs_journal_entry e = {
        .dir = (cs_store_dir)7, .op = CS_STORE_OP_UPDATE, .object = "contact", .reason = "x"};
    cr_assert_eq(cs_store_journal_add(s, &e, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    cr_assert_eq(cs_store_link_add(NULL, "contact", "1", "Lead", "00Q1", &err), -1);
    cr_assert_eq(err.category, CS_ERR_INTERNAL);
    cs_store_close(s);
}

/* A batch of the size the engine writes, many times over, stays consistent. */
Test(store, many_batches_of_links_and_snapshots)
{
    cs_store *s = open_db();
    cs_err err = {0};
    json_t *fields = fields3("First", "Last");
    for (int batch = 0; batch < 10; batch++) {
        cr_assert_eq(cs_store_begin(s, &err), 0);
        for (int i = 0; i < 200; i++) {
            char hs[32], sf[32];
            int n = batch * 200 + i;
            fmt(hs, sizeof hs, "%d", n);
            fmt(sf, sizeof sf, "003%015d", n);
            cs_snapshot snap = {.fields = fields, .hs_modified_ms = n, .sf_modified_ms = n};
            cr_assert_eq(cs_store_link_add(s, "contact", hs, "Contact", sf, &err), 0);
            cr_assert_eq(cs_store_snapshot_put(s, "contact", hs, &snap, &err), 0);
        }
        cr_assert_eq(cs_store_cursor_set(s, "hubspot.contacts", batch, NULL, &err), 0);
        cr_assert_eq(cs_store_commit(s, &err), 0);
    }
    json_decref(fields);
    cs_store_stats st;
    cr_assert_eq(cs_store_get_stats(s, 0, &st, &err), 0);
    cr_assert_eq(st.links, 2000);
    cs_snapshot got = {0};
    cr_assert_eq(cs_store_snapshot_get(s, "contact", "1999", &got, &err), 1);
    cr_assert_eq(got.sf_modified_ms, 1999);
    cs_snapshot_dispose(&got);
    cs_store_close(s);
}
