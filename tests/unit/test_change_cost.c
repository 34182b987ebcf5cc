/* Unit tests of what each change scan has seen (store scan_seen, R2): the
 * bookkeeping the window counts rest on. A row keeps the latest time noted;
 * a deletion forgets it; counts and medians look at [from, to) only; a
 * prune forgets the rows a window read did not confirm; writes need the
 * round's transaction; and a store from before the table is upgraded. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite_int.h"
#include "store/store.h"

static cs_store *open_mem(void)
{
    cs_store *s = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_store_open("sqlite::memory:", &s, &err), 0, "%s", err.message);
    return s;
}

static void put(cs_store *s, const char *scan, const char *id, int64_t ms, int64_t confirmed)
{
    cs_err err = {0};
    cr_assert_eq(cs_store_begin(s, &err), 0, "%s", err.message);
    cr_assert_eq(cs_store_seen_put(s, scan, id, ms, confirmed, &err), 0, "%s", err.message);
    cr_assert_eq(cs_store_commit(s, &err), 0, "%s", err.message);
}

static int64_t count(cs_store *s, const char *scan, int64_t from, int64_t to)
{
    cs_err err = {0};
    int64_t n = -1;
    cr_assert_eq(cs_store_seen_count(s, scan, from, to, &n, &err), 0, "%s", err.message);
    return n;
}

Test(change_cost, a_row_keeps_the_latest_time_and_a_deletion_forgets_it)
{
    cs_store *s = open_mem();
    cs_err err = {0};
    int64_t ms = 0;
    put(s, "hubspot.contacts", "1", 5000, 10);
    put(s, "hubspot.contacts", "1", 4000, 20); /* an older copy (index lag) */
    cr_assert_eq(cs_store_seen_get(s, "hubspot.contacts", "1", &ms, &err), 1);
    cr_assert_eq(ms, 5000);
    put(s, "hubspot.contacts", "1", 7000, 30);
    cr_assert_eq(cs_store_seen_get(s, "hubspot.contacts", "1", &ms, &err), 1);
    cr_assert_eq(ms, 7000);
    cr_assert_eq(cs_store_seen_get(s, "salesforce.Lead", "1", &ms, &err), 0, "scans are apart");
    put(s, "hubspot.contacts", "1", -1, 40);
    cr_assert_eq(cs_store_seen_get(s, "hubspot.contacts", "1", &ms, &err), 0);
    cs_store_close(s);
}

Test(change_cost, counts_and_medians_look_at_the_half_open_window)
{
    cs_store *s = open_mem();
    cs_err err = {0};
    char id[8];
    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof id, "r%d", i);
        put(s, "salesforce.Lead", id, 1000 * (i + 1), 1);
    }
    put(s, "salesforce.Contact", "c", 3000, 1);
    cr_assert_eq(count(s, "salesforce.Lead", 1000, 10000), 9, "to is excluded");
    cr_assert_eq(count(s, "salesforce.Lead", 3000, 3001), 1, "from is included");
    cr_assert_eq(count(s, "salesforce.Lead", 20000, 30000), 0);
    cr_assert_eq(count(s, "salesforce.Lead", 5000, 5000), 0, "an empty window");
    int64_t mid = 0;
    cr_assert_eq(cs_store_seen_nth(s, "salesforce.Lead", 2000, 8000, 3, &mid, &err), 1);
    cr_assert_eq(mid, 5000);
    cr_assert_eq(cs_store_seen_nth(s, "salesforce.Lead", 2000, 8000, 6, &mid, &err), 0,
                 "not that many");
    cs_store_close(s);
}

Test(change_cost, a_prune_forgets_what_a_window_read_did_not_confirm)
{
    cs_store *s = open_mem();
    cs_err err = {0};
    put(s, "hubspot.contacts", "gone", 2000, 100);
    put(s, "hubspot.contacts", "there", 2500, 100);
    put(s, "hubspot.contacts", "outside", 9000, 100);
    put(s, "hubspot.contacts", "there", 2500, 300); /* confirmed by the read */
    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert_eq(cs_store_seen_prune(s, "hubspot.contacts", 1000, 5000, 200, &err), 0);
    cr_assert_eq(cs_store_commit(s, &err), 0);
    int64_t ms = 0;
    cr_assert_eq(cs_store_seen_get(s, "hubspot.contacts", "gone", &ms, &err), 0);
    cr_assert_eq(cs_store_seen_get(s, "hubspot.contacts", "there", &ms, &err), 1);
    cr_assert_eq(cs_store_seen_get(s, "hubspot.contacts", "outside", &ms, &err), 1);
    /* below the settled point: everything goes */
    cr_assert_eq(cs_store_begin(s, &err), 0);
    cr_assert_eq(cs_store_seen_prune(s, "hubspot.contacts", 0, 9000, INT64_MAX, &err), 0);
    cr_assert_eq(cs_store_commit(s, &err), 0);
    cr_assert_eq(count(s, "hubspot.contacts", 0, 100000), 1);
    cs_store_close(s);
}

Test(change_cost, writes_need_a_transaction_and_names_are_checked)
{
    cs_store *s = open_mem();
    cs_err err = {0};
    cr_assert_eq(cs_store_seen_put(s, "hubspot.contacts", "1", 5, 5, &err), -1);
    cr_assert(strstr(err.message, "transaction") != NULL, "%s", err.message);
    cr_assert_eq(cs_store_seen_prune(s, "hubspot.contacts", 0, 5, 5, &err), -1);
    int64_t ms = 0;
    cr_assert_eq(cs_store_seen_get(s, "", "1", &ms, &err), -1);
    cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    char big[CS_STORE_ID_MAX + 8];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cr_assert_eq(cs_store_seen_get(s, "hubspot.contacts", big, &ms, &err), -1);
    cr_assert(strstr(err.message, "record id") != NULL, "%s", err.message);
    cs_store_close(s);
}

Test(change_cost, a_version_2_store_gets_the_table)
{
    char dir[] = "/tmp/cs-change-cost-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256], url[300];
    snprintf(path, sizeof path, "%s/old.db", dir);
    snprintf(url, sizeof url, "sqlite:%s", path);
    cs_store *s = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_store_open(url, &s, &err), 0, "%s", err.message);
    cs_store_close(s);
    /* back to version 2: as a store written before scan_seen existed (and
     * before the journal's changes column of version 4) */
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db,
                              "DROP TABLE scan_seen; ALTER TABLE journal DROP COLUMN changes;"
                              "DELETE FROM schema_version WHERE version >= 3",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    cr_assert_eq(cs_store_open(url, &s, &err), 0, "%s", err.message);
    put(s, "hubspot.contacts", "1", 5, 5);
    cr_assert_eq(count(s, "hubspot.contacts", 0, 10), 1);
    cs_store_close(s);
    unlink(path);
    char aux[300];
    snprintf(aux, sizeof aux, "%s-lock", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);
    rmdir(dir);
}
