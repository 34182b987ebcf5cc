/* The HubSpot emulation's email check (sandbox/hs_email.h) and its table of
 * top-level domains generated from the Public Suffix List: what HubSpot
 * refuses with INVALID_EMAIL (R4), edge by edge. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sandbox/hs_email.h"

static void accepts(const char *email)
{
    char why[128] = "";
    cr_expect(hs_email_valid(email, why, sizeof why), "%s refused: %s", email, why);
}

static void refuses(const char *email, const char *reason_part)
{
    char why[128] = "";
    cr_expect_not(hs_email_valid(email, why, sizeof why), "%s accepted", email);
    cr_expect(strstr(why, reason_part) != NULL, "%s: '%s' does not say '%s'", email, why,
              reason_part);
}

Test(hs_tlds, table_is_sorted_unique_lower_ascii)
{
    cr_assert_gt(hs_ntlds, 1000, "only %zu top-level domains", hs_ntlds);
    for (size_t i = 0; i < hs_ntlds; i++) {
        for (const char *p = hs_tlds[i]; *p; p++)
            cr_assert((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-',
                      "%s is not lower-case ASCII", hs_tlds[i]);
        if (i > 0)
            cr_assert_lt(strcmp(hs_tlds[i - 1], hs_tlds[i]), 0, "%s before %s", hs_tlds[i - 1],
                         hs_tlds[i]);
    }
}

Test(hs_tlds, known_and_unknown)
{
    cr_expect(hs_tld_known("com", 3));
    cr_expect(hs_tld_known("COM", 3));
    cr_expect(hs_tld_known("uk", 2));
    cr_expect(hs_tld_known("museum", 6));
    cr_expect(hs_tld_known("comx", 3), "the length bounds the label");
    cr_expect_not(hs_tld_known("con", 3));
    cr_expect_not(hs_tld_known("co.uk", 5), "a suffix of two labels is no TLD");
    cr_expect_not(hs_tld_known("", 0));
    cr_expect_not(hs_tld_known("localhost", 9));
    cr_expect_not(hs_tld_known("example", 7), "reserved names are not delegated");
}

Test(hs_tlds, idn_in_punycode)
{
    /* .рф and .中国 as the Public Suffix List spells them in Unicode. */
    cr_expect(hs_tld_known("xn--p1ai", 8));
    cr_expect(hs_tld_known("xn--fiqs8s", 10));
    cr_expect(hs_tld_known("XN--P1AI", 8));
    cr_expect_not(hs_tld_known("xn--zzzzzz", 10));
}

Test(hs_email, ordinary_addresses)
{
    accepts("ann@example.com");
    accepts("Ann.Lee@Example.COM");
    accepts("ann+crm@example.co.uk");
    accepts("o'brien@example.ie");
    accepts("a_b-c@sub.example-site.io");
    accepts("x@example.xn--p1ai");
    accepts("x@example.museum");
    /* Comments are taken as part of the local part (Salesforce refuses them). */
    accepts("ann(work)@example.com");
}

Test(hs_email, unknown_or_missing_tld)
{
    refuses("ann@example.con", "top-level domain does not exist");
    refuses("ann@example.invalid", "top-level domain does not exist");
    refuses("ann@localhost", "no top-level domain");
    refuses("ann@example.c0m", "top-level domain does not exist");
    refuses("ann@example.xn--zzzzzz", "top-level domain does not exist");
}

Test(hs_email, shape)
{
    refuses("", "empty");
    refuses("ann.example.com", "no '@'");
    refuses("ann@@example.com", "more than one '@'");
    refuses("a@b@example.com", "more than one '@'");
    refuses("@example.com", "local part");
    refuses("ann@", "domain");
    refuses("ann@example.com.", "ends with a dot");
    refuses("ann@.example.com", "empty label");
    refuses("ann@example..com", "empty label");
    refuses(".ann@example.com", "starts or ends with a dot");
    refuses("ann.@example.com", "starts or ends with a dot");
    refuses("an..n@example.com", "two dots");
    refuses("ann@-example.com", "hyphen");
    refuses("ann@example-.com", "hyphen");
    refuses("ann@exa_mple.com", "host name");
    refuses("ann@[192.0.2.1]", "literals");
    refuses("\"ann lee\"@example.com", "space");
    refuses("\"ann\"@example.com", "quoted");
    refuses("ann lee@example.com", "space");
    refuses("ann,b@example.com", "not allowed");
    refuses("ann<b>@example.com", "not allowed");
    refuses("ann:b@example.com", "not allowed");
    refuses("ann\\b@example.com", "not allowed");
    refuses("anné@example.com", "non-ASCII");
    refuses("ann@exämple.com", "non-ASCII");
}

Test(hs_email, length_limits)
{
    char local[80], label[80], addr[400];
    memset(local, 'a', 64);
    local[64] = '\0';
    (void)snprintf(addr, sizeof addr, "%s@example.com", local);
    accepts(addr);
    memset(local, 'a', 65);
    local[65] = '\0';
    (void)snprintf(addr, sizeof addr, "%s@example.com", local);
    refuses(addr, "longer than 64");
    memset(label, 'b', 63);
    label[63] = '\0';
    (void)snprintf(addr, sizeof addr, "a@%s.com", label);
    accepts(addr);
    memset(label, 'b', 64);
    label[64] = '\0';
    (void)snprintf(addr, sizeof addr, "a@%s.com", label);
    refuses(addr, "longer than 63");
    /* 254 characters in all is the most: a@ + 4 labels of 60 + 3 dots + ".com"
     * is 2 + 243 + 4 = 249; one more label of 4 makes 254, of 5 makes 255. */
    char dom[300];
    memset(label, 'c', 60);
    label[60] = '\0';
    (void)snprintf(dom, sizeof dom, "%s.%s.%s.%s", label, label, label, label);
    (void)snprintf(addr, sizeof addr, "a@%s.dddd.com", dom);
    cr_expect_eq(strlen(addr), 254);
    accepts(addr);
    (void)snprintf(addr, sizeof addr, "a@%s.ddddd.com", dom);
    refuses(addr, "longer than 254");
}
