/* cs_url_redact: the password inside a URL never reaches a message (crmsync
 * check used to print a HubSpot base URL or a store URL with its password). */
#include <criterion/criterion.h>
#include <string.h>

#include "core/url_redact.h"

static const char *shown(const char *url)
{
    static char out[256];
    return cs_url_redact(url, out, sizeof out);
}

Test(url_redact, masks_the_password_of_the_userinfo)
{
    cr_assert_str_eq(shown("postgres://crm:s3cret@db.example.com/crm"),
                     "postgres://crm:***@db.example.com/crm");
    cr_assert_str_eq(shown("https://admin:pw@api.example.com:8443/x?y=1"),
                     "https://admin:***@api.example.com:8443/x?y=1");
    cr_assert_str_eq(shown("https://:pw@h"), "https://:***@h");
}

Test(url_redact, a_password_holding_at_or_colon_is_masked_whole)
{
    cr_assert_str_eq(shown("postgres://u:p@ss:w@rd@db/x"), "postgres://u:***@db/x");
}

Test(url_redact, leaves_urls_without_a_password_alone)
{
    cr_assert_str_eq(shown("https://api.hubapi.com"), "https://api.hubapi.com");
    cr_assert_str_eq(shown("postgres://crm@db/x"), "postgres://crm@db/x");
    cr_assert_str_eq(shown("sqlite:state.db"), "sqlite:state.db");
    cr_assert_str_eq(shown("sqlite:///var/lib/a:b@c.db"), "sqlite:///var/lib/a:b@c.db",
                     "an '@' in the path is not userinfo");
    cr_assert_str_eq(shown("https://h/p?u=a:b@c"), "https://h/p?u=a:b@c");
    cr_assert_str_eq(shown(NULL), "");
}

Test(url_redact, truncates_safely)
{
    char small[12];
    cs_url_redact("postgres://crm:s3cret@db.example.com/crm", small, sizeof small);
    cr_assert_eq(strlen(small), sizeof small - 1);
    cr_assert_null(strstr(small, "s3cret"));
    cr_assert_str_eq(small, "postgres://");
}
