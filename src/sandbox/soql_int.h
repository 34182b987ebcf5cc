/* Internals of the sandbox's SOQL subset, shared by its lexer (soql_lex.c),
 * parser (soql_parse.c), evaluator (soql_eval.c) and arena (soql_arena.c).
 * Not for use outside those files: everything else goes through soql.h.
 *
 * A parsed query lives in one arena: every node, literal and string is
 * allocated from it and freed at once by sb_soql_free(), so error paths in the
 * parser never leak. */
#ifndef CS_SANDBOX_SOQL_INT_H
#define CS_SANDBOX_SOQL_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "sandbox/soql.h"

/* Limits on input-driven resources (also enforced by the fuzzer). */
#define SB_SOQL_MAX_TEXT      100000 /* characters of query text */
#define SB_SOQL_MAX_DEPTH     64     /* nested parentheses / NOT in WHERE */
#define SB_SOQL_MAX_IN_VALUES 10000  /* values in one IN (...) list */
#define SB_SOQL_MAX_FIELDS    500    /* fields in SELECT */
#define SB_SOQL_MAX_ORDER     32     /* fields in ORDER BY (as Salesforce) */
#define SB_SOQL_MAX_LIMIT     2147483647L
#define SB_SOQL_MAX_N_DAYS    100000 /* n in LAST_N_DAYS:n and friends */
#define SB_SOQL_MAX_OFFSET    2000   /* Salesforce: NUMBER_OUTSIDE_VALID_RANGE past it */
#define SB_SOQL_MAX_STRING    4000   /* Salesforce: characters of one string in WHERE */
#define SB_SOQL_ARENA_MAX     ((size_t)64 * 1024 * 1024)
#define SB_SOQL_DAY_MS        INT64_C(86400000)

/* ---- arena (soql_arena.c) ---- */

typedef struct sb_arena_chunk sb_arena_chunk;

typedef struct sb_arena {
    sb_arena_chunk *head;
    size_t total; /* bytes allocated so far, bounded by SB_SOQL_ARENA_MAX */
} sb_arena;

/* Zeroed, suitably aligned memory owned by the arena; NULL when out of memory
 * or past the arena's bound. */
void *sb_arena_alloc(sb_arena *a, size_t size);
/* Copies len bytes and appends a NUL. */
char *sb_arena_strndup(sb_arena *a, const char *s, size_t len);
/* Grows an arena-owned array of `*cap` elements of `elem` bytes so that it
 * holds at least `need`: returns the (possibly moved) array, or NULL when out
 * of memory (then *cap is unchanged). The old block stays in the arena. */
void *sb_arena_grow(sb_arena *a, void *items, size_t *cap, size_t need, size_t elem);
void sb_arena_release(sb_arena *a);

/* ---- tokens (soql_lex.c) ---- */

typedef enum sb_tok_kind {
    SB_TOK_END,
    SB_TOK_IDENT,    /* a name or keyword; may be a dotted path */
    SB_TOK_STRING,   /* '...' (raw text keeps the quotes and escapes) */
    SB_TOK_INTEGER,  /* optional sign, digits */
    SB_TOK_DECIMAL,  /* optional sign, digits '.' digits */
    SB_TOK_DATE,     /* 2026-01-02 */
    SB_TOK_DATETIME, /* 2026-01-02T03:04:05Z, ...05.000+0000, ...05+01:00 */
    SB_TOK_LPAREN,
    SB_TOK_RPAREN,
    SB_TOK_COMMA,
    SB_TOK_COLON,
    SB_TOK_OP /* = != <> < <= > >= */
} sb_tok_kind;

typedef enum sb_soql_op {
    SB_OP_EQ,
    SB_OP_NE,
    SB_OP_LT,
    SB_OP_LE,
    SB_OP_GT,
    SB_OP_GE,
    SB_OP_LIKE,
    SB_OP_IN,
    SB_OP_NOT_IN,
    SB_OP_INCLUDES, /* multi-select picklists: value lists, ';' joins values */
    SB_OP_EXCLUDES
} sb_soql_op;

typedef struct sb_token {
    sb_tok_kind kind;
    size_t pos; /* byte offset of the raw text in the query */
    size_t len; /* bytes of raw text */
    int dots;   /* IDENT: number of '.' separators */
    sb_soql_op op;
    int64_t ms; /* DATE (midnight UTC) / DATETIME: epoch milliseconds */
} sb_token;

typedef struct sb_lexer {
    const char *src;
    size_t len;
    size_t pos;
} sb_lexer;

/* Reads the next token. On a lexical error (unterminated string, bad escape,
 * bad date, stray character) returns -1 with a positioned message. */
int sb_lex_next(sb_lexer *lx, sb_token *tok, cs_err *err);

/* True when tok is the bare (undotted) keyword kw, compared case-insensitively. */
bool sb_tok_is(const sb_lexer *lx, const sb_token *tok, const char *kw);

/* Decodes a STRING token's raw text (quotes included) into arena memory.
 * With like_pattern, the result is a LIKE pattern in which '%' and '_' are
 * wildcards and a backslash makes the next byte literal (so an escaped \% or \_
 * and a literal backslash stay literal); otherwise it is the plain value.
 * NULL when out of memory (escapes were validated by the lexer). */
char *sb_soql_decode_string(sb_arena *a, const char *raw, size_t len, bool like_pattern);

/* Fills err (CS_ERR_INVALID_INPUT) with a message in Salesforce's
 * MALFORMED_QUERY layout: the query line around pos, a caret under pos,
 * "ERROR at Row:r:Column:c" and the formatted detail. Returns -1. */
int sb_soql_error_at(const sb_lexer *lx, size_t pos, cs_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int sb_soql_verror_at(const sb_lexer *lx, size_t pos, cs_err *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* "unexpected token: 'X'" at tok, or "unexpected end of query" at the end. */
int sb_soql_unexpected(const sb_lexer *lx, const sb_token *tok, cs_err *err);
/* Writes tok's raw text for a message, made printable and valid UTF-8 and
 * truncated to fit out (cap >= 8). */
void sb_soql_token_text(const sb_lexer *lx, const sb_token *tok, char *out, size_t cap);

/* ---- parsed query ---- */

typedef enum sb_lit_kind {
    SB_LIT_NULL,
    SB_LIT_BOOL,
    SB_LIT_NUMBER,
    SB_LIT_STRING,
    SB_LIT_DATE,     /* a whole day: [ms, ms + 1 day) */
    SB_LIT_DATETIME, /* an instant */
    SB_LIT_RELDATE   /* TODAY, LAST_N_DAYS:n, ...: a range of days around now */
} sb_lit_kind;

typedef enum sb_rel_kind {
    SB_REL_TODAY,
    SB_REL_YESTERDAY,
    SB_REL_TOMORROW,
    SB_REL_LAST_N_DAYS, /* today and the n days before it */
    SB_REL_NEXT_N_DAYS, /* the n days after today */
    SB_REL_N_DAYS_AGO   /* the single day n days before today */
} sb_rel_kind;

typedef struct sb_soql_lit {
    sb_lit_kind kind;
    bool b;
    double num;
    const char *str;
    int64_t ms;
    sb_rel_kind rel;
    long n;
    bool integer; /* NUMBER: written without a decimal point */
    bool bad_id;  /* a string compared with an id field that is no id: equals nothing */
} sb_soql_lit;

typedef enum sb_node_kind { SB_NODE_AND, SB_NODE_OR, SB_NODE_NOT, SB_NODE_CMP } sb_node_kind;

typedef struct sb_soql_node sb_soql_node;
struct sb_soql_node {
    sb_node_kind kind;
    sb_soql_node **kids; /* AND/OR: two or more; NOT: one */
    size_t nkids;
    const char *field; /* CMP: the field path as written */
    size_t pos;        /* CMP: byte offset of the field in the query text */
    sb_soql_op op;
    sb_soql_lit *vals; /* CMP: one value, or the IN list */
    size_t nvals;
    const char *pattern; /* LIKE: decoded pattern (see sb_soql_decode_string) */
    const char **strs;   /* string index hints: the values of vals (soql_hint.c) */
    bool id_field;       /* CMP on a Salesforce id field (sb_soql_mark_id) */
};

typedef struct sb_soql_order_key {
    const char *field;
    size_t pos; /* byte offset of the field in the query text */
    bool desc;
    bool nulls_first;
    bool id_field; /* a Salesforce id field: ordered by bytes (sb_soql_mark_id) */
} sb_soql_order_key;

struct sb_soql_query {
    sb_arena arena;
    const char *text; /* the query text (arena copy), for positioned errors */
    size_t text_len;
    const char *from;
    size_t from_pos;
    bool count;
    const char **select;
    size_t nselect;
    const char **refs;
    size_t *ref_pos;  /* per ref: byte offset of its first occurrence */
    bool *ref_filter; /* per ref: used by WHERE or ORDER BY */
    size_t nrefs;
    sb_soql_node *where; /* NULL without WHERE */
    sb_soql_order_key *order;
    size_t norder;
    long limit;
    long offset;
    size_t offset_pos;          /* byte offset of the OFFSET value */
    const sb_soql_node **hints; /* CMP nodes usable as index hints (soql_hint.c) */
    size_t nhints;
};

/* ---- parser state (soql_parse.c, soql_where.c) ---- */

typedef struct sb_parser {
    sb_lexer lx;
    sb_token cur; /* the current (look-ahead) token */
    sb_soql_query *q;
    cs_err *err;
    const char **refs; /* every field occurrence, deduplicated at the end */
    size_t *ref_pos;   /* the byte offset of each occurrence */
    size_t nrefs;
    size_t refs_cap;
    size_t select_refs; /* refs[0..select_refs) come from the SELECT list */
    size_t select_cap;
} sb_parser;

/* Moves to the next token; -1 on a lexical error. */
int sb_parse_advance(sb_parser *p);
/* True when the current token is the keyword kw. */
bool sb_parse_at(const sb_parser *p, const char *kw);
/* "unexpected token" for the current token; returns -1. */
int sb_parse_unexpected(sb_parser *p);
/* The error for an exhausted arena; returns -1. */
int sb_parse_too_large(sb_parser *p);
/* Reads a field path (at most one '.', not a reserved word), copies it into
 * the arena, records it as referenced, and advances. */
int sb_parse_field(sb_parser *p, const char **out);
/* The value of tok when it is an unsigned integer no greater than max, else -1. */
long sb_parse_small_integer(const sb_parser *p, const sb_token *tok, long max);
/* The condition after WHERE (soql_where.c). */
int sb_parse_where(sb_parser *p, sb_soql_node **out);

/* Collects q->hints from the parsed WHERE clause (soql_hint.c); -1 when the
 * arena is exhausted. */
int sb_soql_collect_hints(sb_soql_query *q);

/* sb_soql_error_at for a position in a parsed query's text. Returns -1. */
int sb_soql_query_error_at(const sb_soql_query *q, size_t pos, cs_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Rewrites the string literals compared with path to their 18-character id
 * form and marks those comparisons and ORDER BY keys as id comparisons
 * (soql_eval.c; sb_soql_mark_id and the type checker). */
int sb_soql_mark_path(sb_soql_query *q, const char *path);

/* ---- evaluation helpers (soql_eval.c) ---- */

/* The range [lo, hi) a date, datetime or TODAY-style literal denotes; now_ms
 * anchors TODAY. */
void sb_soql_lit_range(const sb_soql_lit *lit, int64_t now_ms, int64_t *lo, int64_t *hi);

/* True when s matches the LIKE pattern, ASCII case-insensitively; '_' matches
 * one UTF-8 character. Iterative, no recursion. */
bool sb_soql_like(const char *pattern, const char *s);

#endif
