/* The SQLite store's writer lock: one process writes a store at a time.
 *
 * SQLite's own locking keeps each transaction consistent, but not a sync
 * pass: two passes over one store each read the links, each find the same
 * unlinked records, and each create them (C5 forbids the duplicates that
 * follow). So a writer holds an exclusive flock(2) on PATH-lock, a file next
 * to the database, for as long as it is open. The kernel drops the lock when
 * the file is closed, including when the process dies (kill -9, a crash, an
 * OOM kill), so a dead holder never leaves the store stuck and there is no
 * lease to expire or stale pid to guess about. The descriptor is O_CLOEXEC, so
 * a program the holder starts does not inherit the lock.
 *
 * The file's content is informative only: the holder writes its pid, when it
 * took the lock and what it is ("crmsync sync"), so a refused process can say
 * who holds the store. The file is never removed: removing it while another
 * process waits on the old inode would let two processes hold "the" lock. */
#include "store/sqlite_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/timeutil.h"

#define LOCK_SUFFIX   "-lock"
#define LOCK_INFO_MAX 512

static char *lock_path(const char *path)
{
    size_t n = strlen(path) + sizeof LOCK_SUFFIX;
    char *p = malloc(n);
    if (p != NULL && snprintf(p, n, "%s%s", path, LOCK_SUFFIX) != (int)(n - 1)) {
        free(p);
        p = NULL;
    }
    return p;
}

/* "pid 1234 (crmsync sync) since 2026-12-07 16:10:00 UTC" from the holder's
 * lines, or "" when the file says nothing usable (the holder may be writing
 * it at this moment). */
static void describe_holder(int fd, char *out, size_t cap)
{
    out[0] = '\0';
    char buf[LOCK_INFO_MAX];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return;
    buf[n] = '\0';
    char *end = NULL;
    errno = 0;
    long long pid = strtoll(buf, &end, 10);
    if (errno != 0 || end == buf || *end != '\n' || pid <= 0)
        return;
    char *p = end + 1;
    long long since = strtoll(p, &end, 10);
    if (errno != 0 || end == p || *end != '\n')
        return;
    char *holder = end + 1;
    holder[strcspn(holder, "\n")] = '\0';
    char when[64] = "an unknown time";
    time_t t = (time_t)(since / 1000);
    struct tm tm;
    if (since > 0 && gmtime_r(&t, &tm) != NULL)
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    if (snprintf(out, cap, "pid %lld%s%s%s since %s", pid, holder[0] ? " (" : "", holder,
                 holder[0] ? ")" : "", when) < 0)
        out[0] = '\0';
}

static int write_holder(sq_store *b, const char *holder, cs_err *err)
{
    char info[LOCK_INFO_MAX];
    int n = snprintf(info, sizeof info, "%lld\n%lld\n%.200s\n", (long long)getpid(),
                     (long long)cs_time_now_ms(), holder ? holder : "");
    if (n < 0 || (size_t)n >= sizeof info)
        return cs_err_set(err, CS_ERR_INTERNAL, "store %s: lock note too long", b->path);
    if (ftruncate(b->lock_fd, 0) != 0 || pwrite(b->lock_fd, info, (size_t)n, 0) != (ssize_t)n)
        return cs_err_set(err, CS_ERR_STORE, "store %s: cannot write the lock file %s%s: %s",
                          b->path, b->path, LOCK_SUFFIX, strerror(errno));
    return 0;
}

int cs_sq_lock(cs_store *s, const char *holder, cs_err *err)
{
    sq_store *b = sq_of(s);
    if (b->lock_fd >= 0)
        return 0; /* this handle holds it already */
    if (strcmp(b->path, ":memory:") == 0)
        return 0; /* private to this handle: nobody else can write it */
    char *lp = lock_path(b->path);
    if (lp == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "store: out of memory");
    int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        cs_err_set(err, CS_ERR_STORE, "store %s: cannot open the lock file %s: %s", b->path, lp,
                   strerror(errno));
        free(lp);
        return -1;
    }
    int rc;
    do
        rc = flock(fd, LOCK_EX | LOCK_NB);
    while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            char who[LOCK_INFO_MAX];
            /* The holder writes its note just after taking the lock: a
             * moment's patience (up to a second, for a loaded machine)
             * spares a refusal that cannot say who. */
            describe_holder(fd, who, sizeof who);
            for (int i = 0; i < 100 && who[0] == '\0'; i++) {
                struct timespec ts = {0, 10 * 1000 * 1000};
                nanosleep(&ts, NULL);
                describe_holder(fd, who, sizeof who);
            }
            cs_err_set(err, CS_ERR_STORE,
                       "store %s is in use by another crmsync process%s%s%s: one process writes a "
                       "store at a time (lock file %s); let it finish, or stop it, and try again",
                       b->path, who[0] ? " (" : "", who, who[0] ? ")" : "", lp);
        } else {
            cs_err_set(err, CS_ERR_STORE, "store %s: cannot lock %s: %s", b->path, lp, strerror(e));
        }
        close(fd);
        free(lp);
        return -1;
    }
    free(lp);
    b->lock_fd = fd;
    if (write_holder(b, holder, err) != 0) {
        cs_sq_unlock(s);
        return -1;
    }
    return 0;
}

void cs_sq_unlock(cs_store *s)
{
    sq_store *b = sq_of(s);
    if (b->lock_fd < 0)
        return;
    /* Emptied first, so nobody reads a departed holder's note as current. */
    int rc = ftruncate(b->lock_fd, 0);
    (void)rc; /* the note is informative; closing releases the lock either way */
    close(b->lock_fd);
    b->lock_fd = -1;
}
