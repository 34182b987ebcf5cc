/* check_layering LAYERING SRC_DIR: checks every #include of the source tree
 * against the module layering the build declares (cmake/CsModules.cmake
 * writes LAYERING). The per-module include trees and link checks already stop
 * most breaks; this catches the rest: a header of a module declared in the
 * same directory as another (the store's backends), a private header reached
 * through a directory a module may see, an external package's header included
 * by a module that does not declare the package (/usr/include is visible to
 * all), and a cycle among the declarations themselves.
 *
 * LAYERING has one declaration per line:
 *   module NAME DEPS PACKAGES     (comma lists, "-" for none)
 *   implements NAME MODULE        (NAME is a backend of MODULE: it may include
 *                                  MODULE's private headers)
 *   public NAME PATH              (a header other modules may include)
 *   file NAME PATH                (a file of the module, relative to SRC_DIR)
 *   header PACKAGE PREFIX         (a header of PACKAGE; PREFIX ending in '/'
 *                                  covers a directory)
 * Exit status 0 when every include is allowed, 1 when one is not (each
 * printed as FILE:LINE: why), 2 on a usage or input error. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 4096
#define NAME_MAX_LEN 128
#define LIST_MAX     32

typedef struct module {
    char name[NAME_MAX_LEN];
    char deps[LIST_MAX][NAME_MAX_LEN];
    size_t ndeps;
    char packages[LIST_MAX][NAME_MAX_LEN];
    size_t npackages;
    char implements[NAME_MAX_LEN];
    int state; /* cycle search: 0 unseen, 1 on the path, 2 done */
} module;

typedef struct entry {
    char *path;
    size_t module; /* index into modules; for headers, index into packages names */
    char package[NAME_MAX_LEN];
} entry;

typedef struct layering {
    module *modules;
    size_t nmodules;
    entry *files;
    size_t nfiles;
    entry *publics;
    size_t npublics;
    entry *headers; /* path is the prefix, package the package */
    size_t nheaders;
} layering;

static int copy_name(char dst[NAME_MAX_LEN], const char *src, const char *what, size_t lineno)
{
    size_t n = strlen(src);
    if (n == 0 || n >= NAME_MAX_LEN) {
        fprintf(stderr, "layering:%zu: %s '%s' is empty or longer than %d bytes\n", lineno, what,
                src, NAME_MAX_LEN - 1);
        return -1;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

static int split_list(const char *text, char out[LIST_MAX][NAME_MAX_LEN], size_t *n, size_t lineno)
{
    *n = 0;
    if (strcmp(text, "-") == 0)
        return 0;
    const char *p = text;
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (*n >= LIST_MAX || len == 0 || len >= NAME_MAX_LEN) {
            fprintf(stderr, "layering:%zu: bad list '%s' (at most %d names of < %d bytes)\n",
                    lineno, text, LIST_MAX, NAME_MAX_LEN);
            return -1;
        }
        memcpy(out[*n], p, len);
        out[*n][len] = '\0';
        (*n)++;
        p += len + (comma ? 1 : 0);
    }
    return 0;
}

static long find_module(const layering *l, const char *name)
{
    for (size_t i = 0; i < l->nmodules; i++)
        if (strcmp(l->modules[i].name, name) == 0)
            return (long)i;
    return -1;
}

static int grow(void **items, size_t n, size_t size)
{
    void *bigger = realloc(*items, (n + 1) * size);
    if (bigger == NULL) {
        fprintf(stderr, "check_layering: out of memory\n");
        return -1;
    }
    *items = bigger;
    return 0;
}

/* Adds PATH to LIST, naming its module (which must be declared by now). */
static int add_entry(layering *l, entry **list, size_t *n, const char *mod, const char *path,
                     size_t lineno)
{
    long m = find_module(l, mod);
    if (m < 0) {
        fprintf(stderr, "layering:%zu: module '%s' is not declared (before this line)\n", lineno,
                mod);
        return -1;
    }
    if (grow((void **)list, *n, sizeof **list) != 0)
        return -1;
    entry *e = &(*list)[*n];
    memset(e, 0, sizeof *e);
    e->path = strdup(path);
    if (e->path == NULL)
        return -1;
    e->module = (size_t)m;
    (*n)++;
    return 0;
}

static int parse_line(layering *l, char *line, size_t lineno)
{
    line += strspn(line, " \t");
    if (line[0] == '#')
        return 0;
    char *words[5] = {0};
    size_t n = 0;
    for (char *save = NULL, *w = strtok_r(line, " \t\r\n", &save); w != NULL;
         w = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == 5) {
            fprintf(stderr, "layering:%zu: too many words\n", lineno);
            return -1;
        }
        words[n++] = w;
    }
    if (n == 0)
        return 0;
    const char *kind = words[0];
    if (strcmp(kind, "module") == 0 && n == 4) {
        if (find_module(l, words[1]) >= 0) {
            fprintf(stderr, "layering:%zu: module '%s' declared twice\n", lineno, words[1]);
            return -1;
        }
        if (grow((void **)&l->modules, l->nmodules, sizeof *l->modules) != 0)
            return -1;
        module *m = &l->modules[l->nmodules];
        memset(m, 0, sizeof *m);
        if (copy_name(m->name, words[1], "module", lineno) != 0 ||
            split_list(words[2], m->deps, &m->ndeps, lineno) != 0 ||
            split_list(words[3], m->packages, &m->npackages, lineno) != 0)
            return -1;
        l->nmodules++;
        return 0;
    }
    if (strcmp(kind, "implements") == 0 && n == 3) {
        long m = find_module(l, words[1]);
        if (m < 0) {
            fprintf(stderr, "layering:%zu: module '%s' is not declared\n", lineno, words[1]);
            return -1;
        }
        return copy_name(l->modules[m].implements, words[2], "module", lineno);
    }
    if (strcmp(kind, "public") == 0 && n == 3)
        return add_entry(l, &l->publics, &l->npublics, words[1], words[2], lineno);
    if (strcmp(kind, "file") == 0 && n == 3)
        return add_entry(l, &l->files, &l->nfiles, words[1], words[2], lineno);
    if (strcmp(kind, "header") == 0 && n == 3) {
        if (grow((void **)&l->headers, l->nheaders, sizeof *l->headers) != 0)
            return -1;
        entry *e = &l->headers[l->nheaders];
        memset(e, 0, sizeof *e);
        if (copy_name(e->package, words[1], "package", lineno) != 0)
            return -1;
        e->path = strdup(words[2]);
        if (e->path == NULL)
            return -1;
        l->nheaders++;
        return 0;
    }
    fprintf(stderr, "layering:%zu: expected module, implements, public, file or header\n", lineno);
    return -1;
}

static bool has(const char list[LIST_MAX][NAME_MAX_LEN], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* The declarations themselves: dependencies name modules, and no cycle (which
 * static libraries would link without complaint). */
static int check_graph(layering *l, size_t i, int depth)
{
    module *m = &l->modules[i];
    if (m->state == 2)
        return 0;
    if (m->state == 1 || depth > (int)l->nmodules) {
        fprintf(stderr, "layering: the module dependencies form a cycle through '%s'\n", m->name);
        return -1;
    }
    m->state = 1;
    for (size_t d = 0; d < m->ndeps; d++) {
        long k = find_module(l, m->deps[d]);
        if (k < 0) {
            fprintf(stderr, "layering: module '%s' depends on '%s', which is not declared\n",
                    m->name, m->deps[d]);
            return -1;
        }
        if (check_graph(l, (size_t)k, depth + 1) != 0)
            return -1;
    }
    if (m->implements[0] != '\0' && find_module(l, m->implements) < 0) {
        fprintf(stderr, "layering: module '%s' implements '%s', which is not declared\n", m->name,
                m->implements);
        return -1;
    }
    m->state = 2;
    return 0;
}

static const entry *find_entry(const entry *list, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].path, path) == 0)
            return &list[i];
    return NULL;
}

static const char *package_of(const layering *l, const char *header)
{
    for (size_t i = 0; i < l->nheaders; i++) {
        const char *prefix = l->headers[i].path;
        size_t n = strlen(prefix);
        bool dir = n > 0 && prefix[n - 1] == '/';
        if (dir ? strncmp(header, prefix, n) == 0 : strcmp(header, prefix) == 0)
            return l->headers[i].package;
    }
    return NULL;
}

static void print_list(const char list[LIST_MAX][NAME_MAX_LEN], size_t n)
{
    if (n == 0)
        fprintf(stdout, "nothing");
    for (size_t i = 0; i < n; i++)
        fprintf(stdout, "%s%s", i ? ", " : "", list[i]);
}

/* One include of FILE (of module M); returns 1 when it breaks the layering. */
static int check_include(const layering *l, const entry *file, size_t lineno, char delim,
                         const char *target)
{
    const module *m = &l->modules[file->module];
    if (delim == '<') {
        const char *pkg = package_of(l, target);
        if (pkg == NULL || has(m->packages, m->npackages, pkg))
            return 0;
        fprintf(stdout,
                "%s:%zu: module %s includes <%s> of package %s, which it does not "
                "declare (it declares: ",
                file->path, lineno, m->name, target, pkg);
        print_list(m->packages, m->npackages);
        fprintf(stdout, ")\n");
        return 1;
    }
    const entry *owner = find_entry(l->files, l->nfiles, target);
    if (owner == NULL) {
        fprintf(stdout,
                "%s:%zu: module %s includes \"%s\", which is no module's file (name it "
                "from src/, as \"core/err.h\")\n",
                file->path, lineno, m->name, target);
        return 1;
    }
    const module *om = &l->modules[owner->module];
    if (owner->module == file->module || strcmp(m->implements, om->name) == 0)
        return 0;
    if (!has(m->deps, m->ndeps, om->name)) {
        fprintf(stdout,
                "%s:%zu: module %s includes %s of module %s, which it does not declare "
                "(it declares: ",
                file->path, lineno, m->name, target, om->name);
        print_list(m->deps, m->ndeps);
        fprintf(stdout, ")\n");
        return 1;
    }
    if (find_entry(l->publics, l->npublics, target) == NULL) {
        fprintf(stdout, "%s:%zu: module %s includes %s, a private header of module %s\n",
                file->path, lineno, m->name, target, om->name);
        return 1;
    }
    return 0;
}

/* The target of an #include line, or NULL: its delimiter in *delim. */
static char *include_target(char *line, char *delim)
{
    char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    if (*p++ != '#')
        return NULL;
    while (isspace((unsigned char)*p))
        p++;
    if (strncmp(p, "include", 7) != 0)
        return NULL;
    p += 7;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '"' && *p != '<')
        return NULL;
    *delim = *p;
    char *start = ++p;
    char *end = strchr(start, *delim == '"' ? '"' : '>');
    if (end == NULL)
        return NULL;
    *end = '\0';
    return start;
}

static int check_file(const layering *l, const entry *file, const char *src_dir, size_t *includes)
{
    char path[LINE_MAX_LEN];
    int n = snprintf(path, sizeof path, "%s/%s", src_dir, file->path);
    if (n < 0 || (size_t)n >= sizeof path) {
        fprintf(stderr, "%s: path too long\n", file->path);
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[LINE_MAX_LEN];
    size_t lineno = 0;
    int breaks = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        lineno++;
        char delim = 0;
        const char *target = include_target(line, &delim);
        if (target == NULL)
            continue;
        (*includes)++;
        breaks += check_include(l, file, lineno, delim, target);
    }
    fclose(f);
    return breaks;
}

static void layering_free(layering *l)
{
    for (size_t i = 0; i < l->nfiles; i++)
        free(l->files[i].path);
    for (size_t i = 0; i < l->npublics; i++)
        free(l->publics[i].path);
    for (size_t i = 0; i < l->nheaders; i++)
        free(l->headers[i].path);
    free(l->files);
    free(l->publics);
    free(l->headers);
    free(l->modules);
}

static int load(layering *l, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[LINE_MAX_LEN];
    size_t lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
        lineno++;
        rc = parse_line(l, line, lineno);
    }
    fclose(f);
    for (size_t i = 0; rc == 0 && i < l->nmodules; i++)
        rc = check_graph(l, i, 0);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: check_layering LAYERING SRC_DIR\n");
        return 2;
    }
    layering l = {0};
    if (load(&l, argv[1]) != 0) {
        layering_free(&l);
        return 2;
    }
    int breaks = 0;
    size_t includes = 0;
    for (size_t i = 0; i < l.nfiles; i++) {
        int b = check_file(&l, &l.files[i], argv[2], &includes);
        if (b < 0) {
            layering_free(&l);
            return 2;
        }
        breaks += b;
    }
    if (breaks > 0)
        fprintf(stdout, "%d include(s) break the declared layering\n", breaks);
    else
        fprintf(stdout, "layering ok: %zu modules, %zu files, %zu includes\n", l.nmodules, l.nfiles,
                includes);
    layering_free(&l);
    return breaks > 0 ? 1 : 0;
}
