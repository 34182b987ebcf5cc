/* crmsync.yaml as a small tree of scalars, mappings and lists, each node
 * carrying its line and column, built from libfyaml's event parser (its
 * document API hides the position of mappings and lists). libfyaml's own
 * diagnostics are collected, never printed, and become problems with their
 * positions. Invalid UTF-8, duplicate keys, aliases and tags are refused
 * here; depth, node count and scalar length are bounded. */
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"

typedef struct frame {
    cfg_node *node;
    cfg_node *pending_key; /* CFG_MAP: a key waiting for its value */
} frame;

typedef struct builder {
    cfg_ctx *ctx;
    cfg_node *root;
    frame stack[CFG_MAX_DEPTH];
    int depth;
    size_t nodes;
    int documents;
    bool failed;
} builder;

void cfg_node_free(cfg_node *n)
{
    if (n == NULL)
        return;
    free(n->text);
    for (size_t i = 0; i < n->count; i++) {
        if (n->kind == CFG_MAP) {
            cfg_node_free(n->pairs[i].key);
            cfg_node_free(n->pairs[i].value);
        } else if (n->kind == CFG_SEQ) {
            cfg_node_free(n->items[i]);
        }
    }
    free(n->pairs);
    free(n->items);
    free(n);
}

static void mark_pos(struct fy_event *e, int *line, int *col)
{
    const struct fy_mark *m = fy_event_start_mark(e);
    if (m != NULL && m->line >= 0 && m->column >= 0) {
        *line = m->line + 1;
        *col = m->column + 1;
    } else {
        *line = 0;
        *col = 0;
    }
}

static cfg_node *node_new(builder *b, cfg_kind kind, struct fy_event *e)
{
    if (++b->nodes > CFG_MAX_NODES) {
        int line, col;
        mark_pos(e, &line, &col);
        cfg_problem(b->ctx, line, col, NULL, "YAML", "too many values (more than %d)",
                    CFG_MAX_NODES);
        return NULL;
    }
    cfg_node *n = calloc(1, sizeof *n);
    if (n == NULL) {
        b->ctx->oom = true;
        return NULL;
    }
    n->kind = kind;
    mark_pos(e, &n->line, &n->col);
    return n;
}

static int grow(void **arr, size_t *cap, size_t count, size_t elem)
{
    if (count < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *p = realloc(*arr, ncap * elem);
    if (p == NULL)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

/* Hands a finished node to its parent (or makes it the root). Takes
 * ownership of n in every case. */
static int attach(builder *b, cfg_node *n)
{
    if (b->depth == 0) {
        b->root = n;
        return 0;
    }
    frame *f = &b->stack[b->depth - 1];
    cfg_node *parent = f->node;
    if (parent->kind == CFG_SEQ) {
        if (grow((void **)&parent->items, &parent->cap, parent->count, sizeof(cfg_node *))) {
            cfg_node_free(n);
            b->ctx->oom = true;
            return -1;
        }
        parent->items[parent->count++] = n;
        return 0;
    }
    if (f->pending_key == NULL) {
        if (n->kind != CFG_SCALAR) {
            cfg_problem(b->ctx, n->line, n->col, NULL, "YAML", "a key must be a plain name, not %s",
                        cfg_kind_name(n));
            cfg_node_free(n);
            return -1;
        }
        for (size_t i = 0; i < parent->count; i++) {
            if (strcmp(parent->pairs[i].key->text, n->text) == 0) {
                cfg_problem(b->ctx, n->line, n->col, NULL, "YAML",
                            "duplicate key '%s' (first at line %d)", n->text,
                            parent->pairs[i].key->line);
                break;
            }
        }
        f->pending_key = n;
        return 0;
    }
    if (grow((void **)&parent->pairs, &parent->cap, parent->count, sizeof *parent->pairs)) {
        cfg_node_free(n);
        b->ctx->oom = true;
        return -1;
    }
    parent->pairs[parent->count].key = f->pending_key;
    parent->pairs[parent->count].value = n;
    parent->count++;
    f->pending_key = NULL;
    return 0;
}

/* Reported where the tag itself starts. */
static void tag_problem(builder *b, struct fy_token *tag, int line, int col)
{
    const struct fy_mark *m = fy_token_start_mark(tag);
    if (m != NULL && m->line >= 0) {
        line = m->line + 1;
        col = m->column + 1;
    }
    cfg_problem(b->ctx, line, col, NULL, "YAML", "YAML tags (!!type) are not used here");
}

static int on_scalar(builder *b, struct fy_event *e)
{
    int line, col;
    mark_pos(e, &line, &col);
    if (e->scalar.tag != NULL) {
        tag_problem(b, e->scalar.tag, line, col);
        return -1;
    }
    size_t len = 0;
    const char *text = e->scalar.value ? fy_token_get_text(e->scalar.value, &len) : NULL;
    if (text == NULL)
        len = 0;
    if (len > CFG_MAX_SCALAR) {
        cfg_problem(b->ctx, line, col, NULL, "YAML", "value longer than %d bytes", CFG_MAX_SCALAR);
        return -1;
    }
    if (len > 0 && memchr(text, '\0', len) != NULL) {
        cfg_problem(b->ctx, line, col, NULL, "YAML", "value contains a NUL character");
        return -1;
    }
    cfg_node *n = node_new(b, CFG_SCALAR, e);
    if (n == NULL)
        return -1;
    n->text = malloc(len + 1);
    if (n->text == NULL) {
        free(n);
        b->ctx->oom = true;
        return -1;
    }
    if (len > 0)
        memcpy(n->text, text, len);
    n->text[len] = '\0';
    enum fy_scalar_style style =
        e->scalar.value ? fy_token_scalar_style(e->scalar.value) : FYSS_PLAIN;
    n->plain = style == FYSS_PLAIN;
    /* libfyaml marks a quoted scalar at its first character inside the
     * quotes; point at the opening quote, where the value starts. */
    if ((style == FYSS_SINGLE_QUOTED || style == FYSS_DOUBLE_QUOTED) && n->col > 1)
        n->col--;
    return attach(b, n);
}

static int on_open(builder *b, struct fy_event *e, cfg_kind kind)
{
    struct fy_token *tag = kind == CFG_MAP ? e->mapping_start.tag : e->sequence_start.tag;
    if (tag != NULL) {
        int line, col;
        mark_pos(e, &line, &col);
        tag_problem(b, tag, line, col);
        return -1;
    }
    if (b->depth >= CFG_MAX_DEPTH) {
        int line, col;
        mark_pos(e, &line, &col);
        cfg_problem(b->ctx, line, col, NULL, "YAML", "nesting deeper than %d levels",
                    CFG_MAX_DEPTH);
        return -1;
    }
    cfg_node *n = node_new(b, kind, e);
    if (n == NULL)
        return -1;
    b->stack[b->depth].node = n;
    b->stack[b->depth].pending_key = NULL;
    b->depth++;
    return 0;
}

static int on_close(builder *b)
{
    if (b->depth == 0)
        return -1;
    b->depth--;
    frame f = b->stack[b->depth];
    cfg_node_free(f.pending_key); /* only on malformed input */
    return attach(b, f.node);
}

static int on_event(builder *b, struct fy_event *e)
{
    switch (e->type) {
    case FYET_DOCUMENT_START:
        if (++b->documents > 1) {
            int line, col;
            mark_pos(e, &line, &col);
            cfg_problem(b->ctx, line, col, NULL, "YAML",
                        "crmsync.yaml holds one YAML document; found a second one");
            return -1;
        }
        return 0;
    case FYET_SCALAR:
        return on_scalar(b, e);
    case FYET_MAPPING_START:
        return on_open(b, e, CFG_MAP);
    case FYET_SEQUENCE_START:
        return on_open(b, e, CFG_SEQ);
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END:
        return on_close(b);
    case FYET_ALIAS: {
        int line, col;
        mark_pos(e, &line, &col);
        if (col > 1)
            col--; /* libfyaml marks the name; point at the '*' */
        cfg_problem(b->ctx, line, col, NULL, "YAML",
                    "aliases (*name) are not supported; write the value out");
        return -1;
    }
    default:
        return 0;
    }
}

/* Discards anything libfyaml would print: errors are collected instead. */
static void diag_sink(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static void collect_diag(cfg_ctx *ctx, struct fy_diag *diag)
{
    void *it = NULL;
    struct fy_diag_error *de;
    int n = 0;
    while ((de = fy_diag_errors_iterate(diag, &it)) != NULL) {
        if (de->type < FYET_ERROR)
            continue;
        cfg_problem(ctx, de->line, de->column, NULL, "YAML", "%s",
                    de->msg ? de->msg : "invalid YAML");
        n++;
    }
    if (n == 0)
        cfg_problem(ctx, 0, 0, NULL, "YAML", "invalid YAML");
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (avail < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    }
    return n;
}

/* YAML text is UTF-8 without NUL bytes. Checked before libfyaml sees it
 * (libfyaml 0.7 can loop forever on invalid UTF-8 in a directive). */
static int check_text(cfg_ctx *ctx, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    int line = 1, col = 1;
    size_t i = 0;
    while (i < len) {
        size_t n = p[i] == 0 ? 0 : utf8_seq(p + i, len - i);
        if (n == 0) {
            cfg_problem(ctx, line, col, NULL, "YAML",
                        p[i] == 0 ? "the file contains a NUL byte"
                                  : "the file is not valid UTF-8 here");
            return -1;
        }
        if (p[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += n;
    }
    return 0;
}

int cfg_yaml_parse(cfg_ctx *ctx, const char *text, size_t len, cfg_node **root)
{
    *root = NULL;
    if (check_text(ctx, text, len) != 0)
        return -1;

    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = diag_sink;
    dcfg.user = NULL;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (diag == NULL) {
        ctx->oom = true;
        return -1;
    }
    fy_diag_set_collect_errors(diag, true);

    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_DEFAULT_VERSION_1_2;
    pcfg.diag = diag;
    struct fy_parser *fyp = fy_parser_create(&pcfg);
    if (fyp == NULL || fy_parser_set_string(fyp, text, len) != 0) {
        if (fyp)
            fy_parser_destroy(fyp);
        fy_diag_destroy(diag);
        ctx->oom = true;
        return -1;
    }

    builder b;
    memset(&b, 0, sizeof b);
    b.ctx = ctx;
    struct fy_event *e;
    while (!b.failed && (e = fy_parser_parse(fyp)) != NULL) {
        if (on_event(&b, e) != 0)
            b.failed = true;
        fy_parser_event_free(fyp, e);
    }
    if (!b.failed && fy_parser_get_stream_error(fyp)) {
        collect_diag(ctx, diag);
        b.failed = true;
    }
    while (b.depth > 0) { /* unwind what an error left open */
        b.depth--;
        cfg_node_free(b.stack[b.depth].pending_key);
        cfg_node_free(b.stack[b.depth].node);
    }
    fy_parser_destroy(fyp);
    fy_diag_destroy(diag);
    if (b.failed || ctx->oom) {
        cfg_node_free(b.root);
        return -1;
    }
    *root = b.root;
    return 0;
}
