/* The SOQL lexer: turns query text into tokens (names and dotted paths,
 * quoted strings with SOQL's backslash escapes, numbers, unquoted date and
 * datetime literals, operators, punctuation), decodes string literals, and
 * formats errors the way Salesforce reports MALFORMED_QUERY: the query line,
 * a caret under the offending spot, "ERROR at Row:r:Column:c", then the
 * detail. Every message is valid UTF-8 (query bytes are sanitised) because it
 * ends up in a JSON error body. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/timeutil.h"
#include "sandbox/soql_int.h"

#define SB_EXCERPT_BYTES 40 /* bytes of the query shown either side of an error */
#define SB_TOKEN_SHOWN   60 /* bytes of a token quoted in a message */

/* Length of the valid UTF-8 sequence at s (at most avail bytes), or 0 when
 * the bytes there are not valid UTF-8 (overlongs and surrogates included). */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* Appends s[0..len) to out (NUL-terminated, capacity cap) as printable valid
 * UTF-8: controls become ' ', invalid bytes '?'. Stops before overflowing.
 * Returns the number of characters written. */
static size_t clean_append(char *out, size_t cap, size_t *olen, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t chars = 0, i = 0;
    while (i < len) {
        size_t n = utf8_seq_len(u + i, len - i);
        if (*olen + (n ? n : 1) + 1 > cap)
            break;
        if (n == 0) {
            out[(*olen)++] = '?';
            i++;
        } else if (n == 1) {
            out[(*olen)++] = (char)((u[i] < 0x20 || u[i] == 0x7F) ? ' ' : u[i]);
            i++;
        } else {
            memcpy(out + *olen, s + i, n);
            *olen += n;
            i += n;
        }
        chars++;
    }
    out[*olen] = '\0';
    return chars;
}

/* Characters in s[0..len), counting each invalid byte as one. */
static size_t count_chars(const char *s, size_t len)
{
    size_t chars = 0;
    for (size_t i = 0; i < len; chars++) {
        size_t n = utf8_seq_len((const unsigned char *)s + i, len - i);
        i += n ? n : 1;
    }
    return chars;
}

/* Moves a byte offset back to the start of a UTF-8 character. */
static size_t char_start(const char *s, size_t pos, size_t floor)
{
    while (pos > floor && ((unsigned char)s[pos] & 0xC0) == 0x80)
        pos--;
    return pos;
}

int sb_soql_error_at(const sb_lexer *lx, size_t pos, cs_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = sb_soql_verror_at(lx, pos, err, fmt, ap);
    va_end(ap);
    return rc;
}

int sb_soql_verror_at(const sb_lexer *lx, size_t pos, cs_err *err, const char *fmt, va_list ap)
{
    char raw[640], detail[640];
    int n = vsnprintf(raw, sizeof raw, fmt, ap);
    size_t dlen = 0;
    /* Details quote query text (a literal, a name): keep them valid UTF-8. */
    clean_append(detail, sizeof detail, &dlen, raw, n < 0 ? 0 : strlen(raw));
    if (pos > lx->len)
        pos = lx->len;
    size_t row = 1, line = 0;
    for (size_t i = 0; i < pos; i++)
        if (lx->src[i] == '\n') {
            row++;
            line = i + 1;
        }
    size_t line_end = pos;
    while (line_end < lx->len && lx->src[line_end] != '\n')
        line_end++;
    size_t column = 1 + count_chars(lx->src + line, pos - line);
    size_t from =
        pos - line > SB_EXCERPT_BYTES ? char_start(lx->src, pos - SB_EXCERPT_BYTES, line) : line;
    size_t to = line_end - pos > SB_EXCERPT_BYTES ? pos + SB_EXCERPT_BYTES : line_end;
    char excerpt[4 * SB_EXCERPT_BYTES + 16];
    size_t elen = 0;
    size_t caret = clean_append(excerpt, sizeof excerpt, &elen, lx->src + from, pos - from);
    clean_append(excerpt, sizeof excerpt, &elen, lx->src + pos, to - pos);
    return cs_err_set(err, CS_ERR_INVALID_INPUT, "\n%s\n%*s^\nERROR at Row:%zu:Column:%zu\n%s",
                      excerpt, (int)caret, "", row, column, detail);
}

void sb_soql_token_text(const sb_lexer *lx, const sb_token *tok, char *out, size_t cap)
{
    size_t olen = 0;
    size_t len = tok->len;
    if (len > SB_TOKEN_SHOWN) {
        len = char_start(lx->src + tok->pos, SB_TOKEN_SHOWN, 0);
        if (len == 0)
            len = SB_TOKEN_SHOWN;
    }
    out[0] = '\0';
    clean_append(out, cap - 4, &olen, lx->src + tok->pos, len);
    if (len < tok->len) {
        memcpy(out + olen, "...", 4);
    }
}

int sb_soql_unexpected(const sb_lexer *lx, const sb_token *tok, cs_err *err)
{
    if (tok->kind == SB_TOK_END)
        return sb_soql_error_at(lx, lx->len, err, "unexpected end of query");
    char text[4 * SB_TOKEN_SHOWN + 8];
    sb_soql_token_text(lx, tok, text, sizeof text);
    return sb_soql_error_at(lx, tok->pos, err, "unexpected token: '%s'", text);
}

bool sb_tok_is(const sb_lexer *lx, const sb_token *tok, const char *kw)
{
    size_t n = strlen(kw);
    return tok->kind == SB_TOK_IDENT && tok->dots == 0 && tok->len == n &&
           strncasecmp(lx->src + tok->pos, kw, n) == 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The code point of a \uXXXX escape at s (pointing at 'u'), or -1 when it is
 * not four hex digits naming a non-NUL, non-surrogate character. */
static long unicode_escape(const char *s, size_t avail)
{
    if (avail < 5)
        return -1;
    long cp = 0;
    for (int i = 1; i <= 4; i++) {
        int v = hexval(s[i]);
        if (v < 0)
            return -1;
        cp = cp * 16 + v;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    return cp;
}

/* SOQL's escapes: \n \r \t \b \f (either case), \" \' \\, and \% \_ (which
 * matter in LIKE), plus \uXXXX. Returns the escape's length after the
 * backslash, or 0 when it is not one of those. */
static size_t escape_len(const char *s, size_t avail)
{
    if (avail == 0)
        return 0;
    if (strchr("nNrRtTbBfF\"'\\%_", s[0]) != NULL)
        return 1;
    if (s[0] == 'u' || s[0] == 'U')
        return unicode_escape(s, avail) < 0 ? 0 : 5;
    return 0;
}

static int lex_string(sb_lexer *lx, sb_token *tok, cs_err *err)
{
    size_t i = lx->pos + 1;
    while (i < lx->len) {
        char c = lx->src[i];
        if (c == '\'') {
            tok->kind = SB_TOK_STRING;
            tok->len = i + 1 - tok->pos;
            lx->pos = i + 1;
            return 0;
        }
        if (c == '\\') {
            size_t n = escape_len(lx->src + i + 1, lx->len - i - 1);
            if (n == 0) {
                if (i + 1 >= lx->len)
                    break;
                char shown[8];
                size_t olen = 0;
                size_t seq = utf8_seq_len((const unsigned char *)lx->src + i + 1, lx->len - i - 1);
                clean_append(shown, sizeof shown, &olen, lx->src + i + 1, seq ? seq : 1);
                return sb_soql_error_at(
                    lx, i, err, "Illegal character sequence '\\%s' in string literal", shown);
            }
            i += 1 + n;
            continue;
        }
        i++;
    }
    return sb_soql_error_at(lx, tok->pos, err, "unterminated string literal");
}

static void put_utf8(char *out, size_t *o, long cp)
{
    if (cp < 0x80) {
        out[(*o)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*o)++] = (char)(0xC0 | (cp >> 6));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*o)++] = (char)(0xE0 | (cp >> 12));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*o)++] = (char)(0x80 | (cp & 0x3F));
    }
}

char *sb_soql_decode_string(sb_arena *a, const char *raw, size_t len, bool like_pattern)
{
    /* Worst case: every byte escaped for a LIKE pattern. */
    char *out = sb_arena_alloc(a, 2 * len + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 1; i + 1 < len; i++) {
        char c = raw[i];
        if (c != '\\') {
            out[o++] = c;
            continue;
        }
        char e = raw[++i];
        long cp;
        switch (e) {
        case 'n':
        case 'N':
            cp = '\n';
            break;
        case 'r':
        case 'R':
            cp = '\r';
            break;
        case 't':
        case 'T':
            cp = '\t';
            break;
        case 'b':
        case 'B':
            cp = '\b';
            break;
        case 'f':
        case 'F':
            cp = '\f';
            break;
        case 'u':
        case 'U':
            cp = unicode_escape(raw + i, len - 1 - i);
            i += 4;
            break;
        default:
            cp = (unsigned char)e;
            break;
        }
        if (like_pattern && (cp == '%' || cp == '_' || cp == '\\'))
            out[o++] = '\\';
        put_utf8(out, &o, cp);
    }
    out[o] = '\0';
    return out;
}

static int days_in_month(int year, int mon)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return mon == 2 && leap ? 29 : days[mon - 1];
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Checks the exact shapes SOQL accepts: YYYY-MM-DD, or
 * YYYY-MM-DDThh:mm:ss[.fff...] followed by Z, +hh:mm, -hh:mm, +hhmm or -hhmm. */
static bool date_shape_ok(const char *s, size_t n)
{
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int mon = (s[5] - '0') * 10 + (s[6] - '0');
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon))
        return false;
    if (n == 10)
        return true;
    if (n < 20 || s[10] != 'T' || !all_digits(s + 11, 2) || s[13] != ':' ||
        !all_digits(s + 14, 2) || s[16] != ':' || !all_digits(s + 17, 2))
        return false;
    size_t i = 19;
    if (s[i] == '.') {
        size_t d = i + 1;
        while (d < n && isdigit((unsigned char)s[d]))
            d++;
        if (d == i + 1)
            return false;
        i = d;
    }
    if (i < n && s[i] == 'Z')
        return i + 1 == n;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
        size_t rest = n - i - 1;
        const char *z = s + i + 1;
        if (rest == 4)
            return all_digits(z, 4);
        if (rest == 5)
            return all_digits(z, 2) && z[2] == ':' && all_digits(z + 3, 2);
    }
    return false;
}

static int lex_date(sb_lexer *lx, sb_token *tok, cs_err *err)
{
    size_t end = tok->pos + 10;
    if (end < lx->len && lx->src[end] == 'T') {
        end++;
        while (end < lx->len && strchr("0123456789:.+-Z", lx->src[end]) != NULL &&
               lx->src[end] != '\0')
            end++;
    }
    tok->len = end - tok->pos;
    tok->kind = tok->len == 10 ? SB_TOK_DATE : SB_TOK_DATETIME;
    char text[CS_TIME_TEXT_MAX];
    bool ok = tok->len < sizeof text && date_shape_ok(lx->src + tok->pos, tok->len);
    if (ok) {
        memcpy(text, lx->src + tok->pos, tok->len);
        text[tok->len] = '\0';
        ok = cs_time_parse(text, &tok->ms, NULL) == 0;
    }
    if (!ok) {
        char shown[4 * SB_TOKEN_SHOWN + 8];
        sb_soql_token_text(lx, tok, shown, sizeof shown);
        return sb_soql_error_at(lx, tok->pos, err,
                                "invalid date or datetime literal '%s': expected YYYY-MM-DD or "
                                "YYYY-MM-DDThh:mm:ssZ (or an offset such as +01:00)",
                                shown);
    }
    lx->pos = end;
    return 0;
}

static bool looks_like_date(const char *s, size_t avail)
{
    return avail >= 10 && all_digits(s, 4) && s[4] == '-' && all_digits(s + 5, 2) && s[7] == '-' &&
           all_digits(s + 8, 2);
}

static void lex_number(sb_lexer *lx, sb_token *tok)
{
    size_t i = lx->pos;
    if (lx->src[i] == '-' || lx->src[i] == '+')
        i++;
    while (i < lx->len && isdigit((unsigned char)lx->src[i]))
        i++;
    tok->kind = SB_TOK_INTEGER;
    if (i + 1 < lx->len && lx->src[i] == '.' && isdigit((unsigned char)lx->src[i + 1])) {
        i++;
        while (i < lx->len && isdigit((unsigned char)lx->src[i]))
            i++;
        tok->kind = SB_TOK_DECIMAL;
    }
    tok->len = i - tok->pos;
    lx->pos = i;
}

static void lex_ident(sb_lexer *lx, sb_token *tok)
{
    size_t i = lx->pos;
    tok->kind = SB_TOK_IDENT;
    tok->dots = 0;
    for (;;) {
        while (i < lx->len && (isalnum((unsigned char)lx->src[i]) || lx->src[i] == '_'))
            i++;
        if (i + 1 < lx->len && lx->src[i] == '.' && isalpha((unsigned char)lx->src[i + 1])) {
            tok->dots++;
            i++;
            continue;
        }
        break;
    }
    tok->len = i - tok->pos;
    lx->pos = i;
}

static bool lex_operator(sb_lexer *lx, sb_token *tok)
{
    const char *s = lx->src + lx->pos;
    size_t avail = lx->len - lx->pos;
    static const struct {
        const char *text;
        sb_soql_op op;
    } ops[] = {{"!=", SB_OP_NE}, {"<>", SB_OP_NE}, {"<=", SB_OP_LE}, {">=", SB_OP_GE},
               {"=", SB_OP_EQ},  {"<", SB_OP_LT},  {">", SB_OP_GT}};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t n = strlen(ops[k].text);
        if (avail >= n && memcmp(s, ops[k].text, n) == 0) {
            tok->kind = SB_TOK_OP;
            tok->op = ops[k].op;
            tok->len = n;
            lx->pos += n;
            return true;
        }
    }
    return false;
}

int sb_lex_next(sb_lexer *lx, sb_token *tok, cs_err *err)
{
    while (lx->pos < lx->len && strchr(" \t\r\n\f\v", lx->src[lx->pos]) != NULL)
        lx->pos++;
    memset(tok, 0, sizeof *tok);
    tok->pos = lx->pos;
    if (lx->pos >= lx->len) {
        tok->kind = SB_TOK_END;
        return 0;
    }
    const char *s = lx->src + lx->pos;
    size_t avail = lx->len - lx->pos;
    char c = s[0];
    if (c == '\'')
        return lex_string(lx, tok, err);
    if (looks_like_date(s, avail))
        return lex_date(lx, tok, err);
    if (isdigit((unsigned char)c) ||
        ((c == '-' || c == '+') && avail > 1 && isdigit((unsigned char)s[1]))) {
        lex_number(lx, tok);
        return 0;
    }
    if (isalpha((unsigned char)c)) {
        lex_ident(lx, tok);
        return 0;
    }
    if (lex_operator(lx, tok))
        return 0;
    static const char punct[] = "(),:";
    static const sb_tok_kind kinds[] = {SB_TOK_LPAREN, SB_TOK_RPAREN, SB_TOK_COMMA, SB_TOK_COLON};
    const char *p = strchr(punct, c);
    if (p != NULL) {
        tok->kind = kinds[p - punct];
        tok->len = 1;
        lx->pos++;
        return 0;
    }
    size_t seq = utf8_seq_len((const unsigned char *)s, avail);
    char shown[8];
    size_t olen = 0;
    clean_append(shown, sizeof shown, &olen, s, seq ? seq : 1);
    return sb_soql_error_at(lx, lx->pos, err, "no viable alternative at character '%s'", shown);
}
