/* Email validation as HubSpot does it for contacts (INVALID_EMAIL): the
 * address must be ASCII, at most 254 characters, with exactly one '@'; the
 * local part 1-64 printable characters other than the separators
 * " , ; : < > [ ] \, without a dot first, last or twice in a row (so quoted
 * local parts such as "a b"@x.com are refused); the domain a host name of at
 * least two labels (1-63 letters, digits or hyphens, no hyphen first or
 * last, no trailing dot, no [address] literal) whose last label is a real
 * top-level domain: "a@b.con" is refused, "a@b.xn--p1ai" (.рф) is taken.
 * Case does not matter; plus-addressing is an ordinary local part. */
#include "sandbox/hs_email.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct tld_key {
    const char *text;
    size_t len;
} tld_key;

static int cmp_tld(const void *key, const void *elem)
{
    const tld_key *k = key;
    const char *tld = *(const char *const *)elem;
    size_t n = strlen(tld);
    size_t common = k->len < n ? k->len : n;
    for (size_t i = 0; i < common; i++) {
        int a = tolower((unsigned char)k->text[i]), b = (unsigned char)tld[i];
        if (a != b)
            return a - b;
    }
    return k->len < n ? -1 : k->len > n;
}

bool hs_tld_known(const char *label, size_t len)
{
    if (label == NULL || len == 0 || len > HS_EMAIL_LABEL_MAX)
        return false;
    tld_key k = {label, len};
    return bsearch(&k, hs_tlds, hs_ntlds, sizeof hs_tlds[0], cmp_tld) != NULL;
}

static bool refuse(char *why, size_t size, const char *reason)
{
    if (why && size > 0)
        (void)snprintf(why, size, "%s", reason);
    return false;
}

/* Printable ASCII but for the separators an address list or a quoted
 * string would need: HubSpot takes "ann(work)@example.com", which Salesforce
 * refuses (the demo data and the sync tests rely on that difference). */
static bool local_char(unsigned char c)
{
    return c > ' ' && c < 0x7F && strchr("\",;:<>[]\\@", c) == NULL;
}

static bool local_ok(const char *s, size_t n, char *why, size_t size)
{
    if (n == 0)
        return refuse(why, size, "the local part (before '@') is empty");
    if (n > HS_EMAIL_LOCAL_MAX)
        return refuse(why, size, "the local part is longer than 64 characters");
    if (s[0] == '"')
        return refuse(why, size, "quoted local parts are not accepted");
    if (s[0] == '.' || s[n - 1] == '.')
        return refuse(why, size, "the local part starts or ends with a dot");
    for (size_t i = 0; i < n; i++) {
        if (!local_char((unsigned char)s[i]))
            return refuse(why, size, "the local part has a character not allowed there");
        if (s[i] == '.' && i + 1 < n && s[i + 1] == '.')
            return refuse(why, size, "the local part has two dots in a row");
    }
    return true;
}

static bool domain_ok(const char *s, size_t n, char *why, size_t size)
{
    if (n == 0)
        return refuse(why, size, "the domain (after '@') is empty");
    if (s[0] == '[')
        return refuse(why, size, "address literals are not accepted");
    if (s[n - 1] == '.')
        return refuse(why, size, "the domain ends with a dot");
    if (memchr(s, '.', n) == NULL)
        return refuse(why, size, "the domain has no top-level domain");
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            unsigned char c = (unsigned char)s[i];
            if (!isalnum(c) && c != '-')
                return refuse(why, size, "the domain has a character not allowed in a host name");
            continue;
        }
        size_t len = i - start;
        if (len == 0)
            return refuse(why, size, "the domain has an empty label");
        if (len > HS_EMAIL_LABEL_MAX)
            return refuse(why, size, "a domain label is longer than 63 characters");
        if (s[start] == '-' || s[i - 1] == '-')
            return refuse(why, size, "a domain label starts or ends with a hyphen");
        if (i == n && !hs_tld_known(s + start, len))
            return refuse(why, size, "the top-level domain does not exist");
        start = i + 1;
    }
    return true;
}

bool hs_email_valid(const char *email, char *why, size_t why_size)
{
    if (email == NULL || email[0] == '\0')
        return refuse(why, why_size, "the address is empty");
    size_t n = strlen(email);
    if (n > HS_EMAIL_MAX)
        return refuse(why, why_size, "the address is longer than 254 characters");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)email[i] >= 0x80 || (unsigned char)email[i] <= 0x20)
            return refuse(why, why_size, "the address has a space, control or non-ASCII character");
    const char *at = strrchr(email, '@');
    if (at == NULL)
        return refuse(why, why_size, "the address has no '@'");
    if (memchr(email, '@', (size_t)(at - email)) != NULL)
        return refuse(why, why_size, "the address has more than one '@'");
    return local_ok(email, (size_t)(at - email), why, why_size) &&
           domain_ok(at + 1, n - (size_t)(at - email) - 1, why, why_size);
}
