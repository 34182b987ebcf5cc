/* Salesforce record ids: generation, the 18-character case suffix, and the
 * MALFORMED_ID rule (sandbox/sf_ids.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "sandbox/sf_ids.h"

Test(sf_ids, suffix_matches_known_ids)
{
    /* The pair Salesforce's help article on 15/18-character ids uses. */
    char out[SF_ID_LEN + 1];
    cr_assert_eq(sf_id_normalize("00300000003T2PG", out), 0);
    cr_assert_str_eq(out, "00300000003T2PGAA0");
    /* By hand: "001D0" has D upper (bit 3: 'I'), "00000" none ('A'),
     * "INjVe" has I, N, V upper (bits 0, 1, 3 = 11: 'L'). */
    cr_assert_eq(sf_id_normalize("001D000000INjVe", out), 0);
    cr_assert_str_eq(out, "001D000000INjVeIAL");
}

Test(sf_ids, made_ids_carry_prefix_and_valid_suffix)
{
    char id[SF_ID_LEN + 1], norm[SF_ID_LEN + 1];
    cr_assert_eq(sf_id_make("00Q", 12345, id), 0);
    cr_assert_eq(strlen(id), 18);
    cr_assert_eq(strncmp(id, "00Q", 3), 0);
    cr_assert_eq(sf_id_normalize(id, norm), 0);
    cr_assert_str_eq(norm, id);
}

Test(sf_ids, increasing_sequence_sorts_increasing)
{
    char a[SF_ID_LEN + 1], b[SF_ID_LEN + 1];
    for (uint64_t seq = 1; seq < 200000; seq = seq * 3 + 7) {
        sf_id_make("003", seq, a);
        sf_id_make("003", seq + 1, b);
        cr_assert_lt(strncmp(a, b, 15), 0, "%s < %s", a, b);
    }
}

Test(sf_ids, eighteen_characters_are_case_insensitive)
{
    char out[SF_ID_LEN + 1];
    cr_assert_eq(sf_id_normalize("001d000000injveial", out), 0);
    cr_assert_str_eq(out, "001D000000INjVeIAL");
}

Test(sf_ids, malformed_ids_are_refused)
{
    char out[SF_ID_LEN + 1] = "unchanged";
    const char *bad[] = {"",
                         "abc",
                         "00300000003T2P",
                         "00300000003T2PG-",
                         "003000000 3T2PG",
                         "00300000003T2PGAA",
                         "00300000003T2PGAA0X",
                         "00300000003T2PGaa!",
                         "00300000003T2PG999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(sf_id_normalize(bad[i], out), -1, "%s", bad[i]);
        cr_assert_not(sf_id_valid(bad[i]));
    }
    cr_assert_str_eq(out, "unchanged", "out is not written on failure");
    cr_assert_eq(sf_id_normalize(NULL, out), -1);
}

Test(sf_ids, bad_prefix_is_refused)
{
    char id[SF_ID_LEN + 1];
    cr_assert_eq(sf_id_make("0Q", 1, id), -1);
    cr_assert_eq(sf_id_make("0-Q", 1, id), -1);
}
