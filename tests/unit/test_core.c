/* Unit tests of core/: errors, bounded buffers, time conversions, logger
 * redaction. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timeutil.h"

Test(err, set_returns_minus_one_and_formats)
{
    cs_err err;
    int rc = cs_err_set(&err, CS_ERR_CONFIG, "%s:%d: bad", "a.yaml", 3);
    cr_assert_eq(rc, -1);
    cr_assert_eq(err.category, CS_ERR_CONFIG);
    cr_assert_str_eq(err.message, "a.yaml:3: bad");
    cs_err_prefix(&err, "loading %s: ", "config");
    cr_assert_str_eq(err.message, "loading config: a.yaml:3: bad");
    cr_assert_str_eq(cs_err_category_name(CS_ERR_RATE_LIMIT), "rate_limit");
    cr_assert_eq(cs_err_set(NULL, CS_ERR_IO, "x"), -1);
}

Test(buf, append_and_bound)
{
    cs_buf b;
    cs_buf_init(&b, 8);
    cr_assert_str_eq(cs_buf_str(&b), "");
    cr_assert_eq(cs_buf_append_str(&b, "abc"), 0);
    cr_assert_eq(cs_buf_appendf(&b, "%d", 12345), 0);
    cr_assert_str_eq(cs_buf_str(&b), "abc12345");
    cr_assert_eq(b.len, 8);
    /* Past the maximum: refused, contents unchanged. */
    cr_assert_eq(cs_buf_append_str(&b, "x"), -1);
    cr_assert_str_eq(cs_buf_str(&b), "abc12345");
    char *taken = cs_buf_take(&b);
    cr_assert_str_eq(taken, "abc12345");
    free(taken);
    cr_assert_eq(b.len, 0);
    cs_buf_free(&b);
    cs_buf_free(NULL);
}

Test(buf, grows_past_initial_capacity)
{
    cs_buf b;
    cs_buf_init(&b, 1 << 20);
    for (int i = 0; i < 10000; i++)
        cr_assert_eq(cs_buf_append(&b, "0123456789", 10), 0);
    cr_assert_eq(b.len, 100000);
    cr_assert_eq(b.data[99999], '9');
    cs_buf_free(&b);
}

Test(timeutil, formats_both_apis)
{
    char out[CS_TIME_TEXT_MAX];
    int64_t ms = 1767323045678; /* 2026-01-02T03:04:05.678Z */
    cs_time_format_hubspot(ms, out);
    cr_assert_str_eq(out, "2026-01-02T03:04:05.678Z");
    cs_time_format_salesforce(ms, out);
    cr_assert_str_eq(out, "2026-01-02T03:04:05.678+0000");
    cs_time_format_date(ms, out);
    cr_assert_str_eq(out, "2026-01-02");
}

Test(timeutil, parses_all_forms)
{
    int64_t ms = 0;
    cr_assert_eq(cs_time_parse("2026-01-02T03:04:05.678Z", &ms, NULL), 0);
    cr_assert_eq(ms, 1767323045678);
    cr_assert_eq(cs_time_parse("2026-01-02T03:04:05.678+0000", &ms, NULL), 0);
    cr_assert_eq(ms, 1767323045678);
    cr_assert_eq(cs_time_parse("2026-01-02T05:04:05.678+02:00", &ms, NULL), 0);
    cr_assert_eq(ms, 1767323045678);
    cr_assert_eq(cs_time_parse("2026-01-02T03:04:05Z", &ms, NULL), 0);
    cr_assert_eq(ms, 1767323045000);
    cr_assert_eq(cs_time_parse("2026-01-02", &ms, NULL), 0);
    cr_assert_eq(ms, 1767312000000);
    cr_assert_eq(cs_time_parse("2024-02-29T00:00:00Z", &ms, NULL), 0); /* leap day */
    cr_assert_eq(ms, 1709164800000);
    cr_assert_eq(cs_time_parse("1969-12-31T23:59:59.999Z", &ms, NULL), 0);
    cr_assert_eq(ms, -1);
    cr_assert_eq(cs_time_parse("1767323045678", &ms, NULL), 0);
    cr_assert_eq(ms, 1767323045678);
}

Test(timeutil, rejects_garbage_without_touching_output)
{
    const char *bad[] = {"",
                         "2026-13-01",
                         "2026-01-02T25:00:00Z",
                         "2026-01-02T03:04:05.Z",
                         "yesterday",
                         "2026-01-02T03:04:05Zjunk",
                         "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t ms = 42;
        cs_err err;
        cr_assert_eq(cs_time_parse(bad[i], &ms, &err), -1, "accepted '%s'", bad[i]);
        cr_assert_eq(ms, 42);
        cr_assert_eq(err.category, CS_ERR_INVALID_INPUT);
    }
}

Test(timeutil, round_trips)
{
    for (int64_t ms = 0; ms < 4000000000000; ms += 123456789011) {
        char out[CS_TIME_TEXT_MAX];
        int64_t back = -1;
        cs_time_format_salesforce(ms, out);
        cr_assert_eq(cs_time_parse(out, &back, NULL), 0);
        cr_assert_eq(back, ms, "%s", out);
    }
}

Test(log, secrets_are_redacted, .init = cr_redirect_stderr)
{
    cs_log_set_level(CS_LOG_INFO);
    cs_log_add_secret("pat-na1-secret-token");
    cs_info("test", "calling with Bearer pat-na1-secret-token twice pat-na1-secret-token");
    fflush(stderr);
    char line[4096] = {0};
    FILE *f = cr_get_redirected_stderr();
    size_t n = fread(line, 1, sizeof line - 1, f);
    line[n] = '\0';
    cr_assert_null(strstr(line, "pat-na1-secret-token"), "%s", line);
    cr_assert_not_null(strstr(line, "Bearer [redacted] twice [redacted]"), "%s", line);
}

Test(log, newest_secrets_stay_redacted_after_many_rotations, .init = cr_redirect_stderr)
{
    cs_log_set_level(CS_LOG_INFO);
    char tok[32];
    for (int i = 0; i < 200; i++) {
        snprintf(tok, sizeof tok, "rotated-token-%04d", i);
        cs_log_add_secret(tok);
    }
    cs_info("test", "now using %s", tok);
    fflush(stderr);
    char line[4096] = {0};
    size_t n = fread(line, 1, sizeof line - 1, cr_get_redirected_stderr());
    line[n] = '\0';
    cr_assert_null(strstr(line, "rotated-token-0199"), "%s", line);
    cr_assert_not_null(strstr(line, "now using [redacted]"), "%s", line);
}

Test(log, level_filter)
{
    cs_log_level lvl;
    cr_assert_eq(cs_log_level_parse("warn", &lvl), 0);
    cr_assert_eq(lvl, CS_LOG_WARN);
    cr_assert_eq(cs_log_level_parse("loud", &lvl), -1);
}

#include "core/record.h"

Test(record, set_get_blank_and_copy)
{
    cs_record r;
    cr_assert_eq(cs_record_init(&r, "101", "contacts"), 0);
    cr_assert_eq(cs_record_set(&r, "email", "A@B.io"), 0);
    cr_assert_eq(cs_record_set(&r, "phone", NULL), 0);
    cr_assert_eq(cs_record_set(&r, "city", "   "), 0);
    cr_assert_str_eq(cs_record_get(&r, "email"), "A@B.io");
    cr_assert_null(cs_record_get(&r, "phone"));
    cr_assert(cs_record_is_blank(&r, "phone"));
    cr_assert(cs_record_is_blank(&r, "city"));
    cr_assert(cs_record_is_blank(&r, "missing"));
    cr_assert_not(cs_record_is_blank(&r, "email"));
    cs_record c;
    cr_assert_eq(cs_record_copy(&c, &r), 0);
    cs_record_set(&r, "email", "changed@b.io");
    cr_assert_str_eq(cs_record_get(&c, "email"), "A@B.io");
    cs_record_dispose(&c);
    cs_record_dispose(&r);
    cs_record_dispose(NULL);
}

Test(record, list_owns_and_finds)
{
    cs_record_list l;
    cs_record_list_init(&l);
    for (int i = 0; i < 40; i++) {
        char id[16];
        snprintf(id, sizeof id, "id%d", i);
        cs_record r;
        cr_assert_eq(cs_record_init(&r, id, "Lead"), 0);
        cr_assert_eq(cs_record_list_push(&l, &r), 0);
        cr_assert_null(r.id);
    }
    cr_assert_eq(l.len, 40);
    cr_assert_not_null(cs_record_list_find(&l, "id39"));
    cr_assert_null(cs_record_list_find(&l, "id40"));
    cs_record_list_dispose(&l);
}

Test(record, email_key_is_trimmed_and_lowercase)
{
    char key[64];
    cr_assert(cs_email_key("  Jane.Doe@Example.COM \t", key, sizeof key)); /* C5 */
    cr_assert_str_eq(key, "jane.doe@example.com");
    cr_assert_not(cs_email_key("   ", key, sizeof key)); /* R7: no email */
    cr_assert_not(cs_email_key(NULL, key, sizeof key));
    char tiny[4];
    cr_assert_not(cs_email_key("long@example.com", tiny, sizeof tiny));
}
