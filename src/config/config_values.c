/* The loader's toolbox: the list of problems (each one line naming the file,
 * line, column, key path and SPEC ids), key lookup with "did you mean"
 * suggestions, and typed readers for the value kinds crmsync.yaml uses
 * (strings, enumerations, integers, durations, API budgets). Every reader
 * reports its own problem so that a walker can keep going and report every
 * mistake in one run. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_int.h"

void cfg_ctx_init(cfg_ctx *ctx, const char *name)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->name = name;
}

void cfg_ctx_dispose(cfg_ctx *ctx)
{
    int n = ctx->nproblems < CFG_MAX_PROBLEMS ? ctx->nproblems : CFG_MAX_PROBLEMS;
    for (int i = 0; i < n; i++)
        free(ctx->problems[i].text);
    ctx->nproblems = 0;
}

/* Records one formatted message as "name:line:col: path: message [ids]". */
static void record(cfg_ctx *ctx, int line, int col, const char *path, const char *ids,
                   const char *msg)
{
    int slot = ctx->nproblems++;
    if (slot >= CFG_MAX_PROBLEMS)
        return;
    cs_buf b;
    cs_buf_init(&b, 4096);
    int rc = 0;
    if (line > 0)
        rc |= cs_buf_appendf(&b, "%s:%d:%d: ", ctx->name, line, col);
    else
        rc |= cs_buf_appendf(&b, "%s: ", ctx->name);
    if (path != NULL && path[0] != '\0')
        rc |= cs_buf_appendf(&b, "%s: ", path);
    rc |= cs_buf_appendf(&b, "%s [%s]", msg, ids);
    if (rc != 0) {
        cs_buf_free(&b);
        ctx->oom = true;
        ctx->nproblems--;
        return;
    }
    ctx->problems[slot].line = line;
    ctx->problems[slot].col = col;
    ctx->problems[slot].text = cs_buf_take(&b);
}

void cfg_problem(cfg_ctx *ctx, int line, int col, const char *path, const char *ids,
                 const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(msg, sizeof msg, fmt, ap) < 0)
        msg[0] = '\0';
    va_end(ap);
    record(ctx, line, col, path, ids, msg);
}

void cfg_problem_at(cfg_ctx *ctx, const cfg_node *at, const char *path, const char *ids,
                    const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(msg, sizeof msg, fmt, ap) < 0)
        msg[0] = '\0';
    va_end(ap);
    record(ctx, at ? at->line : 0, at ? at->col : 0, path, ids, msg);
}

static bool before(const cfg_problem_line *a, const cfg_problem_line *b)
{
    return a->line < b->line || (a->line == b->line && a->col < b->col);
}

int cfg_ctx_fail(cfg_ctx *ctx, cs_buf *all, cs_err *err)
{
    int stored = ctx->nproblems < CFG_MAX_PROBLEMS ? ctx->nproblems : CFG_MAX_PROBLEMS;
    if (stored == 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "%s: out of memory", ctx->name);
    /* Stable insertion sort into file order (walkers visit sections in
     * their own order). */
    for (int i = 1; i < stored; i++) {
        cfg_problem_line cur = ctx->problems[i];
        int j = i;
        while (j > 0 && before(&cur, &ctx->problems[j - 1])) {
            ctx->problems[j] = ctx->problems[j - 1];
            j--;
        }
        ctx->problems[j] = cur;
    }
    if (all != NULL) {
        for (int i = 0; i < stored; i++)
            (void)cs_buf_appendf(all, "%s\n", ctx->problems[i].text);
        if (ctx->nproblems > stored)
            (void)cs_buf_appendf(all, "(%d more problems)\n", ctx->nproblems - stored);
    }
    /* As many whole lines as fit, then a count of the rest. */
    char out[CS_ERR_MESSAGE_MAX];
    size_t used = 0;
    int shown = 0;
    for (int i = 0; i < stored; i++) {
        const char *t = ctx->problems[i].text;
        size_t len = strlen(t);
        if (used + len + 1 + 40 >= sizeof out)
            break;
        if (shown > 0)
            out[used++] = '\n';
        memcpy(out + used, t, len);
        used += len;
        shown++;
    }
    out[used] = '\0';
    int rest = ctx->nproblems - shown;
    if (rest > 0) {
        int n = snprintf(out + used, sizeof out - used, "%s(%d more problem%s)",
                         shown > 0 ? "\n" : "", rest, rest == 1 ? "" : "s");
        if (n < 0)
            out[used] = '\0';
    }
    return cs_err_set(err, CS_ERR_CONFIG, "%s", out);
}

void cfg_path(char *out, size_t size, const char *parent, const char *key)
{
    int n = (parent && parent[0]) ? snprintf(out, size, "%s.%s", parent, key)
                                  : snprintf(out, size, "%s", key);
    if (n < 0 && size > 0)
        out[0] = '\0';
}

void cfg_path_index(char *out, size_t size, const char *parent, size_t index)
{
    int n = snprintf(out, size, "%s[%zu]", parent, index);
    if (n < 0 && size > 0)
        out[0] = '\0';
}

const cfg_pair *cfg_lookup(const cfg_node *map, const char *key)
{
    if (map == NULL || map->kind != CFG_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++) {
        if (strcmp(map->pairs[i].key->text, key) == 0)
            return &map->pairs[i];
    }
    return NULL;
}

/* Levenshtein distance, case-insensitive; INT_MAX for words too long to be
 * worth comparing. */
static int distance(const char *a, const char *b)
{
    enum { MAXW = 64 };
    size_t la = strlen(a), lb = strlen(b);
    if (la > MAXW || lb > MAXW)
        return INT_MAX;
    int prev[MAXW + 1], cur[MAXW + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

const char *cfg_suggest(const char *word, const char *const *candidates)
{
    size_t len = strlen(word);
    int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    int best_d = INT_MAX;
    for (size_t i = 0; candidates[i] != NULL; i++) {
        int d = distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    /* A prefix is a plausible slip too ("create_as" for "create_salesforce_as"). */
    if (best_d > limit) {
        for (size_t i = 0; candidates[i] != NULL; i++) {
            if (len >= 4 && strncasecmp(candidates[i], word, len) == 0)
                return candidates[i];
        }
        return NULL;
    }
    return best;
}

void cfg_check_keys(cfg_ctx *ctx, const cfg_node *map, const char *path, const char *const *known,
                    const char *ids)
{
    if (map == NULL || map->kind != CFG_MAP)
        return;
    for (size_t i = 0; i < map->count; i++) {
        const cfg_node *key = map->pairs[i].key;
        bool found = false;
        for (size_t k = 0; known[k] != NULL && !found; k++)
            found = strcmp(known[k], key->text) == 0;
        if (found)
            continue;
        char kp[256];
        cfg_path(kp, sizeof kp, path, key->text);
        const char *s = cfg_suggest(key->text, known);
        if (s != NULL)
            cfg_problem_at(ctx, key, kp, ids, "unknown key (did you mean '%s'?)", s);
        else
            cfg_problem_at(ctx, key, kp, ids, "unknown key");
    }
}

bool cfg_is_null(const cfg_node *n)
{
    if (n == NULL)
        return true;
    if (n->kind != CFG_SCALAR || !n->plain)
        return false;
    const char *t = n->text;
    return t[0] == '\0' || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 ||
           strcmp(t, "Null") == 0 || strcmp(t, "NULL") == 0;
}

static bool is_bool_text(const char *t)
{
    static const char *const words[] = {"true", "True", "TRUE", "false", "False", "FALSE", NULL};
    for (size_t i = 0; words[i] != NULL; i++) {
        if (strcmp(t, words[i]) == 0)
            return true;
    }
    return false;
}

static bool is_number_text(const char *t)
{
    if (*t == '-' || *t == '+')
        t++;
    if (!isdigit((unsigned char)*t) && !(*t == '.' && isdigit((unsigned char)t[1])))
        return false;
    char *end;
    errno = 0;
    (void)strtod(t, &end);
    return *end == '\0';
}

const char *cfg_kind_name(const cfg_node *n)
{
    if (n == NULL || cfg_is_null(n))
        return "null";
    switch (n->kind) {
    case CFG_MAP:
        return "a mapping";
    case CFG_SEQ:
        return "a list";
    case CFG_SCALAR:
        break;
    }
    if (n->plain && is_bool_text(n->text))
        return "a boolean";
    if (n->plain && is_number_text(n->text))
        return "a number";
    return "a string";
}

/* The value node to point at, or the key when the value is empty and has no
 * position of its own. */
static const cfg_node *where(const cfg_pair *p)
{
    return (p->value != NULL && p->value->line > 0) ? p->value : p->key;
}

/* The scalar text of p's value, or NULL after reporting why it is not one. */
static const char *scalar(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                          const char *expected)
{
    const cfg_node *v = p->value;
    if (v == NULL || v->kind != CFG_SCALAR || cfg_is_null(v) ||
        (v->plain && is_bool_text(v->text))) {
        cfg_problem_at(ctx, where(p), path, ids, "expected %s, got %s", expected, cfg_kind_name(v));
        return NULL;
    }
    return v->text;
}

int cfg_read_string(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                    bool nullable, char **out)
{
    if (nullable && cfg_is_null(p->value)) {
        *out = NULL;
        return 0;
    }
    const char *t = scalar(ctx, p, path, ids, nullable ? "a string or null" : "a string");
    if (t == NULL)
        return -1;
    char *copy = strdup(t);
    if (copy == NULL) {
        ctx->oom = true;
        return -1;
    }
    *out = copy;
    return 0;
}

int cfg_read_enum(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                  const char *const *names, int *out)
{
    char expected[256];
    size_t used = 0;
    expected[0] = '\0';
    for (size_t i = 0; names[i] != NULL; i++) {
        int n = snprintf(expected + used, sizeof expected - used, "%s%s", i ? " | " : "", names[i]);
        if (n < 0 || (size_t)n >= sizeof expected - used)
            break;
        used += (size_t)n;
    }
    char want[300];
    if (snprintf(want, sizeof want, "one of: %s", expected) < 0)
        want[0] = '\0';
    const char *t = scalar(ctx, p, path, ids, want);
    if (t == NULL)
        return -1;
    for (size_t i = 0; names[i] != NULL; i++) {
        if (strcmp(t, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    const char *s = cfg_suggest(t, names);
    if (s != NULL)
        cfg_problem_at(ctx, where(p), path, ids,
                       "unknown value '%s' (did you mean '%s'?; one of: %s)", t, s, expected);
    else
        cfg_problem_at(ctx, where(p), path, ids, "unknown value '%s' (one of: %s)", t, expected);
    return -1;
}

int cfg_read_int(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids, long min,
                 long max, long *out)
{
    const cfg_node *v = p->value;
    if (v == NULL || v->kind != CFG_SCALAR || !v->plain || cfg_is_null(v)) {
        cfg_problem_at(ctx, where(p), path, ids, "expected a whole number, got %s",
                       cfg_kind_name(v));
        return -1;
    }
    const char *t = v->text;
    const char *digits = t[0] == '-' ? t + 1 : t;
    if (!isdigit((unsigned char)digits[0])) {
        cfg_problem_at(ctx, v, path, ids, "expected a whole number, got '%s'", t);
        return -1;
    }
    char *end = NULL;
    errno = 0;
    long n = strtol(t, &end, 10);
    if (end == NULL || *end != '\0' || errno != 0) {
        cfg_problem_at(ctx, v, path, ids, "expected a whole number, got '%s'", t);
        return -1;
    }
    if (n < min || n > max) {
        cfg_problem_at(ctx, v, path, ids, "%ld is out of range (%ld to %ld)", n, min, max);
        return -1;
    }
    *out = n;
    return 0;
}

int cfg_parse_duration(const char *s, long *ms)
{
    if (!isdigit((unsigned char)s[0]))
        return -1;
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (errno != 0 || n < 0)
        return -1;
    long mult;
    if (strcmp(end, "ms") == 0)
        mult = 1;
    else if (strcmp(end, "s") == 0)
        mult = 1000;
    else if (strcmp(end, "m") == 0)
        mult = 60L * 1000;
    else if (strcmp(end, "h") == 0)
        mult = 3600L * 1000;
    else
        return -1;
    if (n > LONG_MAX / mult)
        return -1;
    *ms = n * mult;
    return 0;
}

static void format_ms(char *out, size_t size, long ms)
{
    int n;
    if (ms % 3600000 == 0 && ms > 0)
        n = snprintf(out, size, "%ldh", ms / 3600000);
    else if (ms % 60000 == 0 && ms > 0)
        n = snprintf(out, size, "%ldm", ms / 60000);
    else if (ms % 1000 == 0)
        n = snprintf(out, size, "%lds", ms / 1000);
    else
        n = snprintf(out, size, "%ldms", ms);
    if (n < 0 && size > 0)
        out[0] = '\0';
}

int cfg_read_duration(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                      long min_ms, long max_ms, long *out)
{
    const char *t = scalar(ctx, p, path, ids, "a duration such as 2s, 500ms, 5m or 1h");
    if (t == NULL)
        return -1;
    long ms;
    if (cfg_parse_duration(t, &ms) != 0) {
        bool bare = t[0] != '\0' && strspn(t, "0123456789") == strlen(t);
        if (bare)
            cfg_problem_at(ctx, where(p), path, ids, "'%s' needs a unit: ms, s, m or h (e.g. %ss)",
                           t, t);
        else
            cfg_problem_at(ctx, where(p), path, ids,
                           "'%s' is not a duration (a whole number and ms, s, m or h: 2s, "
                           "500ms, 5m, 1h)",
                           t);
        return -1;
    }
    if (ms < min_ms || ms > max_ms) {
        char lo[32], hi[32];
        format_ms(lo, sizeof lo, min_ms);
        format_ms(hi, sizeof hi, max_ms);
        cfg_problem_at(ctx, where(p), path, ids, "%s is out of range (%s to %s)", t, lo, hi);
        return -1;
    }
    *out = ms;
    return 0;
}

int cfg_read_budget(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                    cs_budget *out)
{
    const char *t = scalar(ctx, p, path, ids, "a number of calls or a percentage such as 80%");
    if (t == NULL)
        return -1;
    char *end;
    errno = 0;
    long n = isdigit((unsigned char)t[0]) ? strtol(t, &end, 10) : -1;
    if (n >= 0 && errno == 0 && strcmp(end, "%") == 0) {
        if (n < 1 || n > 100) {
            cfg_problem_at(ctx, where(p), path, ids, "%s is out of range (1%% to 100%%)", t);
            return -1;
        }
        out->percent = true;
        out->value = n;
        return 0;
    }
    if (n >= 0 && errno == 0 && *end == '\0' && p->value->plain) {
        if (n < 1) {
            cfg_problem_at(ctx, where(p), path, ids, "a budget of %ld calls allows nothing", n);
            return -1;
        }
        out->percent = false;
        out->value = n;
        return 0;
    }
    cfg_problem_at(ctx, where(p), path, ids,
                   "'%s' is not a budget (a number of calls per 24 hours such as 12000, or a "
                   "percentage of the daily allocation such as 80%%)",
                   t);
    return -1;
}

int cfg_read_map(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                 const cfg_node **out)
{
    if (cfg_is_null(p->value)) {
        *out = NULL;
        return 0;
    }
    if (p->value->kind != CFG_MAP) {
        cfg_problem_at(ctx, where(p), path, ids, "expected a mapping of keys, got %s",
                       cfg_kind_name(p->value));
        return -1;
    }
    *out = p->value;
    return 0;
}

int cfg_read_seq(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                 const cfg_node **out)
{
    if (cfg_is_null(p->value)) {
        *out = NULL;
        return 0;
    }
    if (p->value->kind != CFG_SEQ) {
        cfg_problem_at(ctx, where(p), path, ids, "expected a list, got %s",
                       cfg_kind_name(p->value));
        return -1;
    }
    *out = p->value;
    return 0;
}

bool cfg_valid_env_name(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > 128 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return false;
    }
    return true;
}

static bool ident(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len == 0 || len > max || !isalpha((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return false;
    }
    return true;
}

bool cfg_valid_hs_name(const char *s)
{
    return ident(s, 100);
}

bool cfg_valid_sf_name(const char *s)
{
    return ident(s, 80);
}

/* Replaces every from with to in s (NUL-terminated, size bytes); to is
 * never longer than from, so the result always fits. */
static void shrink_all(char *s, size_t size, const char *from, const char *to)
{
    char out[96];
    size_t fl = strlen(from), tl = strlen(to), o = 0;
    if (size > sizeof out)
        return;
    for (const char *p = s; *p != '\0' && o + 1 < sizeof out;) {
        if (strncmp(p, from, fl) == 0 && o + tl < sizeof out) {
            memcpy(out + o, to, tl);
            o += tl;
            p += fl;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    memcpy(s, out, o + 1);
}

const char *cfg_rule_suggest(const char *word)
{
    static const char *const rules[] = {
        "prefer_sf_unless_blank", "always_sf", "two_way", "dont_sync", "always_hs",
        "prefer_hs_unless_blank", NULL};
    /* HubSpot's own wording ("Always use Salesforce", "Two-way", "Don't
     * sync") normalised to crmsync's rule names. */
    char norm[96];
    size_t len = strlen(word);
    if (len >= sizeof norm)
        return cfg_suggest(word, rules);
    for (size_t i = 0; i <= len; i++) {
        int c = tolower((unsigned char)word[i]);
        norm[i] = (char)((c == '-' || c == ' ') ? '_' : c);
    }
    shrink_all(norm, sizeof norm, "salesforce", "sf");
    shrink_all(norm, sizeof norm, "hubspot", "hs");
    shrink_all(norm, sizeof norm, "use_", "");
    shrink_all(norm, sizeof norm, "do_not_", "dont_");
    shrink_all(norm, sizeof norm, "don't_", "dont_");
    shrink_all(norm, sizeof norm, "twoway", "two_way");
    for (size_t i = 0; rules[i] != NULL; i++) {
        if (strcmp(norm, rules[i]) == 0)
            return rules[i];
    }
    const char *s = cfg_suggest(word, rules);
    return s ? s : cfg_suggest(norm, rules);
}
