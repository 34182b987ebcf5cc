/* The Salesforce connector's lookup by email (C5) with many emails at once:
 * every record found comes back grouped under the email asked for, in the
 * order the emails were asked, against a sandbox seeded with leads. The
 * grouping is a hash lookup per record, so this also runs in linear time. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connector/connector.h"
#include "sandbox/sandbox.h"

#define SEEDED 3000

Test(sf_find_email, many_emails_come_back_in_the_order_asked)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/cs-sffind-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cs_sandbox_options o;
    cs_sandbox_options_default(&o);
    o.data_dir = dir;
    o.seed_leads = SEEDED;
    o.hubspot_limit_per_10s = 0;
    o.salesforce_daily_limit = 0;
    cs_sandbox *sb = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_sandbox_start(&o, &sb, &err), 0, "sandbox: %s", err.message);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", cs_sandbox_salesforce_port(sb));
    cs_connector_options co = {
        .base_url = url, .token = "sandbox-token", .max_retries = 2, .api_version = "60.0"};
    cs_connector *sf = NULL;
    cr_assert_eq(cs_salesforce_connector_new(&co, &sf, &err), 0, "%s", err.message);

    /* Every seeded lead, asked in reverse order and in mixed case, plus
     * addresses nobody has. */
    size_t n = SEEDED + 2;
    char(*text)[64] = calloc(n, sizeof *text);
    const char **emails = calloc(n, sizeof *emails);
    cr_assert(text && emails);
    for (size_t i = 0; i < SEEDED; i++) {
        snprintf(text[i], sizeof text[i], "%sLead%zu@Example.org", i % 2 ? " " : "",
                 (size_t)SEEDED - i);
        emails[i] = text[i];
    }
    emails[SEEDED] = "nobody@example.org";
    emails[SEEDED + 1] = "";
    cs_record_list l;
    cs_record_list_init(&l);
    cr_assert_eq(cs_connector_find_by_email(sf, "Lead", emails, n, &l, &err), 0, "%s", err.message);
    cr_assert_eq(l.len, SEEDED);
    for (size_t i = 0; i < l.len; i++) {
        char want[64];
        snprintf(want, sizeof want, "lead%zu@example.org", (size_t)SEEDED - i);
        const char *got = cs_record_get(&l.items[i], "Email");
        cr_assert(got && strcasecmp(got, want) == 0, "record %zu: %s, want %s", i,
                  got ? got : "(null)", want);
    }
    cs_record_list_dispose(&l);
    free(text);
    free(emails);
    cs_connector_free(sf);
    cs_sandbox_stop(sb);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}
