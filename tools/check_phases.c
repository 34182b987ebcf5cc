/* check_phases PHASES DIR: checks that the engine's files call each other in
 * one direction only, down the phases of a pass (docs/architecture.md).
 * check_layering holds modules to their declared dependencies; inside the
 * engine every file once included one shared header, so any file could call
 * any other, and the files of a pass called each other in a circle. The
 * phases now each declare their functions in a header of their own, and a
 * file sees only the headers of its own phase and of the phases below it, so
 * a call back up is a compile error. This check keeps that arrangement
 * honest: it reads every #include "engine/..." of DIR's .c and .h files
 * against PHASES.
 *
 * PHASES has one line per phase, bottom first ('#' starts a comment):
 *   phase NAME HEADER FILE...     (HEADER "-" for a phase without one)
 * A file of phase k may include the header of phase j <= k (a header: j < k,
 * or its own phase's header is itself). A file of DIR that includes any
 * phase header must be listed in exactly one phase. Exit status 0 when every
 * include is allowed, 1 when one is not (each printed as FILE:LINE: why),
 * 2 on a usage or input error. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 4096
#define NAME_MAX_LEN 128
#define PHASES_MAX   16
#define FILES_MAX    64

typedef struct phase {
    char name[NAME_MAX_LEN];
    char header[NAME_MAX_LEN]; /* "" when none */
    char files[FILES_MAX][NAME_MAX_LEN];
    size_t nfiles;
} phase;

static int copy_word(char dst[NAME_MAX_LEN], const char *src, size_t lineno)
{
    size_t n = strlen(src);
    if (n == 0 || n >= NAME_MAX_LEN) {
        fprintf(stderr, "phases:%zu: '%s' is empty or longer than %d bytes\n", lineno, src,
                NAME_MAX_LEN - 1);
        return -1;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

/* Calls fn(ud, line, lineno) on every line of path until it returns
 * nonzero; returns that, 0 at the end, or -1 when path cannot be read. */
static int each_line(const char *path, int (*fn)(void *ud, char *line, size_t lineno), void *ud)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "phases: cannot open %s\n", path);
        return -1;
    }
    char line[LINE_MAX_LEN];
    int rc = 0;
    for (size_t lineno = 1; rc == 0 && fgets(line, sizeof line, f) != NULL; lineno++)
        rc = fn(ud, line, lineno);
    fclose(f);
    return rc;
}

typedef struct phases {
    const char *path;
    phase *ph;
    size_t n;
} phases;

/* One line of PHASES. */
static int phase_line(void *ud, char *line, size_t lineno)
{
    phases *all = ud;
    char *hash = strchr(line, '#');
    if (hash != NULL)
        *hash = '\0';
    char *save = NULL;
    char *word = strtok_r(line, " \t\r\n", &save);
    if (word == NULL)
        return 0;
    char *name = strtok_r(NULL, " \t\r\n", &save);
    char *header = strtok_r(NULL, " \t\r\n", &save);
    if (strcmp(word, "phase") != 0 || name == NULL || header == NULL || all->n >= PHASES_MAX) {
        fprintf(stderr, "%s:%zu: expected 'phase NAME HEADER FILE...' (at most %d)\n", all->path,
                lineno, PHASES_MAX);
        return -1;
    }
    phase *p = &all->ph[all->n++];
    memset(p, 0, sizeof *p);
    if (copy_word(p->name, name, lineno) != 0 ||
        (strcmp(header, "-") != 0 && copy_word(p->header, header, lineno) != 0))
        return -1;
    for (char *file = strtok_r(NULL, " \t\r\n", &save); file != NULL;
         file = strtok_r(NULL, " \t\r\n", &save)) {
        if (p->nfiles >= FILES_MAX || copy_word(p->files[p->nfiles], file, lineno) != 0) {
            fprintf(stderr, "%s:%zu: too many files or a bad name\n", all->path, lineno);
            return -1;
        }
        p->nfiles++;
    }
    return 0;
}

/* The phase whose header is name, or -1. */
static int phase_of_header(const phase *ph, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (ph[i].header[0] != '\0' && strcmp(ph[i].header, name) == 0)
            return (int)i;
    }
    return -1;
}

/* The phase listing file name (its header counts as listed), or -1. */
static int phase_of_file(const phase *ph, size_t n, const char *name)
{
    int hdr = phase_of_header(ph, n, name);
    if (hdr >= 0)
        return hdr;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < ph[i].nfiles; k++) {
            if (strcmp(ph[i].files[k], name) == 0)
                return (int)i;
        }
    }
    return -1;
}

/* The file being checked. */
typedef struct checked {
    const char *name;
    const phase *ph;
    size_t n;
    int mine; /* its phase, or -1 */
    bool is_header;
    size_t *nincludes;
    int bad;
} checked;

/* One line of a checked file: an include of a phase header is allowed when
 * that phase is not after the file's own (for a header: is below it). */
static int include_line(void *ud, char *line, size_t lineno)
{
    checked *c = ud;
    const char *s = line;
    while (*s == ' ' || *s == '\t')
        s++;
    const char *pre = "#include \"engine/";
    if (strncmp(s, pre, strlen(pre)) != 0)
        return 0;
    s += strlen(pre);
    const char *end = strchr(s, '"');
    if (end == NULL || (size_t)(end - s) >= NAME_MAX_LEN)
        return 0;
    char inc[NAME_MAX_LEN];
    memcpy(inc, s, (size_t)(end - s));
    inc[end - s] = '\0';
    int theirs = phase_of_header(c->ph, c->n, inc);
    if (theirs < 0)
        return 0; /* a public header of the engine, or the planner's */
    (*c->nincludes)++;
    if (c->mine < 0) {
        printf("%s:%zu: includes %s of phase %s, but is listed in no phase\n", c->name, lineno, inc,
               c->ph[theirs].name);
        c->bad = 1;
    } else if (theirs > c->mine || (c->is_header && theirs == c->mine)) {
        printf("%s:%zu: phase %s includes %s of phase %s, which is not below it\n", c->name, lineno,
               c->ph[c->mine].name, inc, c->ph[theirs].name);
        c->bad = 1;
    }
    return 0;
}

/* Checks one file's includes; counts them. 0 ok, 1 a break, -1 an error. */
static int check_file(const char *dir, const char *name, const phase *ph, size_t n,
                      size_t *nincludes)
{
    char path[LINE_MAX_LEN];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= sizeof path) {
        fprintf(stderr, "phases: path too long: %s/%s\n", dir, name);
        return -1;
    }
    const char *dot = strrchr(name, '.');
    checked c = {.name = name,
                 .ph = ph,
                 .n = n,
                 .mine = phase_of_file(ph, n, name),
                 .is_header = dot != NULL && strcmp(dot, ".h") == 0,
                 .nincludes = nincludes};
    if (each_line(path, include_line, &c) != 0)
        return -1;
    return c.bad;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: check_phases PHASES DIR\n");
        return 2;
    }
    static phase ph[PHASES_MAX];
    phases all = {.path = argv[1], .ph = ph};
    if (each_line(argv[1], phase_line, &all) != 0)
        return 2;
    size_t n = all.n;
    DIR *d = opendir(argv[2]);
    if (d == NULL) {
        fprintf(stderr, "phases: cannot list %s\n", argv[2]);
        return 2;
    }
    size_t nfiles = 0, nincludes = 0;
    int bad = 0, failed = 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        const char *dot = strrchr(e->d_name, '.');
        if (dot == NULL || (strcmp(dot, ".c") != 0 && strcmp(dot, ".h") != 0))
            continue;
        nfiles++;
        int rc = check_file(argv[2], e->d_name, ph, n, &nincludes);
        if (rc < 0)
            failed = 1;
        else if (rc > 0)
            bad = 1;
    }
    closedir(d);
    if (failed)
        return 2;
    int len;
    /* every listed file exists: a renamed file must not leave its phase */
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < ph[i].nfiles; k++) {
            char path[LINE_MAX_LEN];
            len = snprintf(path, sizeof path, "%s/%s", argv[2], ph[i].files[k]);
            FILE *f = len > 0 && (size_t)len < sizeof path ? fopen(path, "r") : NULL;
            if (f == NULL) {
                printf("%s: listed in phase %s, but there is no such file\n", ph[i].files[k],
                       ph[i].name);
                bad = 1;
                continue;
            }
            fclose(f);
        }
    }
    if (bad)
        return 1;
    printf("phases ok: %zu phases, %zu files, %zu includes\n", n, nfiles, nincludes);
    return 0;
}
