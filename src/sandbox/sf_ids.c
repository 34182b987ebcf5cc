/* Salesforce id generation and checking (see sf_ids.h). */
#include "sandbox/sf_ids.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* Digits, then upper case, then lower case: byte order equals numeric order. */
static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char suffix_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

void sf_id_suffix(const char *id15, char out[4])
{
    for (int chunk = 0; chunk < 3; chunk++) {
        unsigned bits = 0;
        for (int i = 0; i < 5; i++) {
            char c = id15[chunk * 5 + i];
            if (c >= 'A' && c <= 'Z')
                bits |= 1u << i;
        }
        out[chunk] = suffix_chars[bits];
    }
    out[3] = '\0';
}

int sf_id_make(const char *prefix, uint64_t seq, char out[SF_ID_LEN + 1])
{
    if (prefix == NULL || strlen(prefix) != 3)
        return -1;
    for (int i = 0; i < 3; i++)
        if (!isalnum((unsigned char)prefix[i]))
            return -1;
    /* prefix, a fixed 2-character "pod" part, then 10 base-62 digits. */
    memcpy(out, prefix, 3);
    out[3] = 'H';
    out[4] = 'o';
    for (int i = 14; i >= 5; i--) {
        out[i] = base62[seq % 62];
        seq /= 62;
    }
    sf_id_suffix(out, out + 15);
    out[SF_ID_LEN] = '\0';
    return 0;
}

int sf_id_normalize(const char *text, char out[SF_ID_LEN + 1])
{
    if (text == NULL)
        return -1;
    size_t len = strlen(text);
    if (len != 15 && len != 18)
        return -1;
    char tmp[SF_ID_LEN + 1];
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)text[i]))
            return -1;
        tmp[i] = text[i];
    }
    if (len == 18) {
        /* The suffix says which letters are upper case: restore them, so an
         * 18-character id is read without regard to case. */
        for (int chunk = 0; chunk < 3; chunk++) {
            const char *pos = strchr(suffix_chars, toupper((unsigned char)text[15 + chunk]));
            if (pos == NULL)
                return -1;
            unsigned bits = (unsigned)(pos - suffix_chars);
            for (int i = 0; i < 5; i++) {
                char *c = &tmp[chunk * 5 + i];
                bool upper = (bits >> i) & 1u;
                if (isdigit((unsigned char)*c)) {
                    if (upper)
                        return -1;
                } else {
                    *c = (char)(upper ? toupper((unsigned char)*c) : tolower((unsigned char)*c));
                }
            }
        }
    }
    sf_id_suffix(tmp, tmp + 15);
    tmp[SF_ID_LEN] = '\0';
    memcpy(out, tmp, sizeof tmp);
    return 0;
}

bool sf_id_valid(const char *text)
{
    char tmp[SF_ID_LEN + 1];
    return sf_id_normalize(text, tmp) == 0;
}
