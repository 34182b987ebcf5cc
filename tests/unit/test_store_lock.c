/* The store's writer lock: one process writes a store at a time (two passes
 * over one store each create the same records, against C5), a refusal names
 * the store and its holder, the lock goes with its handle's close and with
 * its process's death (kill -9 included), and a run a dead holder left
 * "running" is marked interrupted by the next writer. A paused pass (R6) is
 * stored as "paused". */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "store_fixture.h"

TestSuite(store_lock, .init = store_fixture_setup, .fini = store_fixture_teardown);

static int lock(cs_store *s, const char *holder, int64_t *interrupted, cs_err *err)
{
    cs_err_clear(err);
    return cs_store_lock(s, holder, interrupted, err);
}

Test(store_lock, a_second_handle_is_refused_with_the_holder_named)
{
    cs_store *a = open_db(), *b = open_db();
    cs_err err;
    int64_t n = -1;
    cr_assert_eq(lock(a, "crmsync sync", &n, &err), 0, "%s", err.message);
    cr_assert_eq(n, 0);
    cr_assert(cs_store_locked(a));
    /* The same handle again: it holds it already. */
    cr_assert_eq(lock(a, "crmsync sync", NULL, &err), 0, "%s", err.message);

    cr_assert_eq(lock(b, "crmsync run", NULL, &err), -1);
    cr_assert_eq(err.category, CS_ERR_STORE);
    char want[64];
    fmt(want, sizeof want, "pid %lld (crmsync sync) since ", (long long)getpid());
    cr_assert(strstr(err.message, "in use by another crmsync process") != NULL, "%s", err.message);
    cr_assert(strstr(err.message, want) != NULL, "%s", err.message);
    cr_assert(strstr(err.message, g_dir) != NULL, "names the store: %s", err.message);
    cr_assert_not(cs_store_locked(b));

    /* Reading needs no lock. */
    cs_store_stats st;
    cr_assert_eq(cs_store_get_stats(b, 0, &st, &err), 0, "%s", err.message);
    cs_store_close(b);
    cs_store_close(a);
}

Test(store_lock, released_by_unlock_and_by_close)
{
    cs_store *a = open_db(), *b = open_db();
    cs_err err;
    cr_assert_eq(lock(a, "one", NULL, &err), 0, "%s", err.message);
    cs_store_unlock(a);
    cr_assert_not(cs_store_locked(a));
    cr_assert_eq(lock(b, "two", NULL, &err), 0, "%s", err.message);
    cr_assert_eq(lock(a, "one", NULL, &err), -1);
    cr_assert(strstr(err.message, "(two)") != NULL, "%s", err.message);
    cs_store_close(b);
    cr_assert_eq(lock(a, "one", NULL, &err), 0, "%s", err.message);
    cs_store_close(a);
}

Test(store_lock, stores_in_different_files_do_not_share_it)
{
    cs_store *a = open_named("a.db"), *b = open_named("b.db");
    cs_err err;
    cr_assert_eq(lock(a, "one", NULL, &err), 0, "%s", err.message);
    cr_assert_eq(lock(b, "two", NULL, &err), 0, "%s", err.message);
    cs_store_close(a);
    cs_store_close(b);
}

Test(store_lock, an_in_memory_store_is_private)
{
    cs_store *s = NULL;
    cs_err err;
    cs_err_clear(&err);
    cr_assert_eq(cs_store_open("sqlite::memory:", &s, &err), 0, "%s", err.message);
    cr_assert_eq(lock(s, "x", NULL, &err), 0, "%s", err.message);
    cs_store_close(s);
}

/* A child takes the lock, begins a run and stops mid-pass; the parent is
 * refused until the child is killed with SIGKILL, which runs no cleanup. */
Test(store_lock, released_when_the_holder_is_killed)
{
    int ready[2];
    cr_assert_eq(pipe(ready), 0);
    pid_t child = fork();
    cr_assert(child >= 0);
    if (child == 0) {
        close(ready[0]);
        cs_store *s = open_db();
        cs_err err;
        int64_t run = 0;
        if (lock(s, "crmsync sync", NULL, &err) != 0 || cs_store_run_begin(s, 1000, &run, &err))
            _exit(3);
        char c = 'k';
        if (write(ready[1], &c, 1) != 1)
            _exit(4);
        for (;;)
            pause();
    }
    close(ready[1]);
    char c = 0;
    cr_assert_eq(read(ready[0], &c, 1), 1, "the child took the lock");
    close(ready[0]);

    cs_store *s = open_db();
    cs_err err;
    cr_assert_eq(lock(s, "crmsync run", NULL, &err), -1);
    char want[64];
    fmt(want, sizeof want, "pid %lld (crmsync sync)", (long long)child);
    cr_assert(strstr(err.message, want) != NULL, "%s", err.message);

    cr_assert_eq(kill(child, SIGKILL), 0);
    int status = 0;
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    int64_t n = 0;
    cr_assert_eq(lock(s, "crmsync run", &n, &err), 0, "%s", err.message);
    cr_assert_eq(n, 1, "the killed child's run is found");
    cs_run_list runs = {0};
    cr_assert_eq(cs_store_run_list(s, 10, &runs, &err), 0, "%s", err.message);
    cr_assert_eq(runs.count, 1);
    cr_assert_eq(runs.items[0].status, CS_RUN_INTERRUPTED);
    cr_assert_gt(runs.items[0].finished_ms, 0);
    cr_assert(strstr(runs.items[0].message, "killed or crashed") != NULL, "%s",
              runs.items[0].message);
    cs_run_list_dispose(&runs);

    /* Marked once: the next writer finds nothing left. */
    cs_store_close(s);
    s = open_db();
    n = -1;
    cr_assert_eq(lock(s, "crmsync sync", &n, &err), 0, "%s", err.message);
    cr_assert_eq(n, 0);
    cs_store_close(s);
}

/* A run of this process that is still going is not touched by its own lock:
 * only runs found when the lock is taken are orphans. */
Test(store_lock, finished_runs_keep_their_status)
{
    cs_store *s = open_db();
    cs_err err;
    cs_err_clear(&err);
    int64_t done = 0, paused = 0;
    cr_assert_eq(cs_store_run_begin(s, 1000, &done, &err), 0, "%s", err.message);
    cr_assert_eq(cs_store_run_finish(s, done, 2000, CS_RUN_COMPLETED, NULL, NULL, &err), 0);
    cr_assert_eq(cs_store_run_begin(s, 3000, &paused, &err), 0, "%s", err.message);
    cr_assert_eq(cs_store_run_finish(s, paused, 4000, CS_RUN_PAUSED, NULL, "R6 budget", &err), 0,
                 "%s", err.message);
    int64_t n = -1;
    cr_assert_eq(lock(s, "crmsync sync", &n, &err), 0, "%s", err.message);
    cr_assert_eq(n, 0);
    cs_run_list runs = {0};
    cr_assert_eq(cs_store_run_list(s, 10, &runs, &err), 0, "%s", err.message);
    cr_assert_eq(runs.count, 2);
    cr_assert_eq(runs.items[0].status, CS_RUN_PAUSED);
    cr_assert_str_eq(cs_run_status_name(runs.items[0].status), "paused");
    cr_assert_eq(runs.items[1].status, CS_RUN_COMPLETED);
    cs_run_list_dispose(&runs);
    cs_run_status rs;
    cr_assert_eq(cs_run_status_parse("paused", &rs), 0);
    cr_assert_eq(rs, CS_RUN_PAUSED);
    cs_store_close(s);
}
