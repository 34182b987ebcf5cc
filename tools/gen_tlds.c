/* Build-time generator of the sandbox's table of top-level domains
 * (src/sandbox/hs_email.c checks an email's TLD against it, as HubSpot
 * does). Reads the Public Suffix List (Debian's publicsuffix package:
 * public_suffix_list.dat), keeps the single-label rules of its ICANN
 * section, i.e. the delegated TLDs, writes internationalised ones in their
 * ASCII (punycode, "xn--") form, and writes a C file with the sorted table.
 *
 * usage: gen_tlds public_suffix_list.dat OUT.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 512
#define LABEL_MAX    63
#define TLDS_MAX     4096

/* RFC 3492 parameters. */
enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, BIAS0 = 72, N0 = 128 };

static uint32_t adapt(uint32_t delta, uint32_t points, int first)
{
    delta = first ? delta / DAMP : delta / 2;
    delta += delta / points;
    uint32_t k = 0;
    while (delta > ((BASE - TMIN) * TMAX) / 2) {
        delta /= BASE - TMIN;
        k += BASE;
    }
    return k + (((BASE - TMIN + 1) * delta) / (delta + SKEW));
}

static char digit(uint32_t d)
{
    return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

/* Decodes UTF-8 text into code points; -1 on malformed input. */
static int utf8_decode(const char *s, uint32_t *cp, size_t max, size_t *n)
{
    *n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c;
        int extra;
        if (*p < 0x80) {
            c = *p;
            extra = 0;
        } else if ((*p & 0xE0) == 0xC0) {
            c = *p & 0x1F;
            extra = 1;
        } else if ((*p & 0xF0) == 0xE0) {
            c = *p & 0x0F;
            extra = 2;
        } else if ((*p & 0xF8) == 0xF0) {
            c = *p & 0x07;
            extra = 3;
        } else {
            return -1;
        }
        p++;
        for (int i = 0; i < extra; i++, p++) {
            if ((*p & 0xC0) != 0x80)
                return -1;
            c = (c << 6) | (*p & 0x3F);
        }
        if (*n == max)
            return -1;
        cp[(*n)++] = c;
    }
    return 0;
}

/* The ASCII form of one label: itself when ASCII, else "xn--" + punycode.
 * Returns -1 when it does not fit out or is malformed. */
static int to_ascii(const char *label, char *out, size_t size)
{
    uint32_t cp[LABEL_MAX * 4];
    size_t n;
    if (utf8_decode(label, cp, sizeof cp / sizeof cp[0], &n) != 0 || n == 0)
        return -1;
    size_t basic = 0;
    for (size_t i = 0; i < n; i++)
        basic += cp[i] < 0x80;
    size_t o = 0;
#define PUT(ch)                                                                                    \
    do {                                                                                           \
        if (o + 1 >= size)                                                                         \
            return -1;                                                                             \
        out[o++] = (ch);                                                                           \
    } while (0)
    if (basic == n) {
        for (size_t i = 0; i < n; i++)
            PUT((char)cp[i]);
        out[o] = '\0';
        return 0;
    }
    PUT('x');
    PUT('n');
    PUT('-');
    PUT('-');
    for (size_t i = 0; i < n; i++)
        if (cp[i] < 0x80)
            PUT((char)cp[i]);
    if (basic > 0)
        PUT('-');
    uint32_t next = N0, delta = 0, bias = BIAS0;
    size_t handled = basic;
    while (handled < n) {
        uint32_t m = UINT32_MAX;
        for (size_t i = 0; i < n; i++)
            if (cp[i] >= next && cp[i] < m)
                m = cp[i];
        delta += (m - next) * (uint32_t)(handled + 1);
        next = m;
        for (size_t i = 0; i < n; i++) {
            if (cp[i] < next)
                delta++;
            if (cp[i] != next)
                continue;
            uint32_t q = delta;
            for (uint32_t k = BASE;; k += BASE) {
                uint32_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
                if (q < t)
                    break;
                PUT(digit(t + (q - t) % (BASE - t)));
                q = (q - t) / (BASE - t);
            }
            PUT(digit(q));
            bias = adapt(delta, (uint32_t)(handled + 1), handled == basic);
            delta = 0;
            handled++;
        }
        delta++;
        next++;
    }
#undef PUT
    out[o] = '\0';
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_tlds public_suffix_list.dat OUT.c\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (in == NULL) {
        perror(argv[1]);
        return 1;
    }
    static char *tlds[TLDS_MAX];
    size_t ntlds = 0;
    char line[LINE_MAX_LEN];
    int section = 0; /* 0 before ICANN, 1 inside, 2 after */
    unsigned lineno = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        lineno++;
        if (strstr(line, "===BEGIN ICANN DOMAINS===") != NULL)
            section = 1;
        else if (strstr(line, "===END ICANN DOMAINS===") != NULL)
            section = 2;
        if (section != 1)
            continue;
        line[strcspn(line, " \t\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '/' || line[0] == '!' || line[0] == '*' ||
            strchr(line, '.') != NULL)
            continue;
        char ascii[LINE_MAX_LEN];
        if (to_ascii(line, ascii, sizeof ascii) != 0 || strlen(ascii) > LABEL_MAX) {
            fprintf(stderr, "%s:%u: not a domain label: %s\n", argv[1], lineno, line);
            fclose(in);
            return 1;
        }
        for (char *p = ascii; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        if (ntlds == TLDS_MAX) {
            fprintf(stderr, "%s: more than %d top-level domains\n", argv[1], TLDS_MAX);
            fclose(in);
            return 1;
        }
        tlds[ntlds] = strdup(ascii);
        if (tlds[ntlds] == NULL) {
            fclose(in);
            return 1;
        }
        ntlds++;
    }
    fclose(in);
    if (section != 2 || ntlds < 100) {
        fprintf(stderr, "%s: no ICANN section with top-level domains found\n", argv[1]);
        return 1;
    }
    qsort(tlds, ntlds, sizeof tlds[0], cmp_str);
    FILE *out = fopen(argv[2], "w");
    if (out == NULL) {
        perror(argv[2]);
        return 1;
    }
    fprintf(out, "/* Generated at build time by tools/gen_tlds.c from the Public Suffix\n"
                 " * List (ICANN section): the top-level domains, sorted, ASCII form. */\n"
                 "#include <stddef.h>\n\n#include \"sandbox/hs_email.h\"\n\n"
                 "const char *const hs_tlds[] = {\n");
    size_t kept = 0;
    for (size_t i = 0; i < ntlds; i++) {
        if (i > 0 && strcmp(tlds[i], tlds[i - 1]) == 0)
            continue;
        fprintf(out, "    \"%s\",\n", tlds[i]);
        kept++;
    }
    fprintf(out, "};\n\nconst size_t hs_ntlds = %zu;\n", kept);
    for (size_t i = 0; i < ntlds; i++)
        free(tlds[i]);
    if (fclose(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
