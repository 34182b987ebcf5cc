/* sync.bulk_threshold: its default (10,000 records per pass per object),
 * 0 to never use the Bulk API, and a clear file:line:column error for a
 * value that is not a whole number in range. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

#define BASE                                                                                       \
    "hubspot: {base_url: \"http://127.0.0.1:1\"}\n"                                                \
    "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n"

static long threshold_of(const char *yaml)
{
    cs_config *cfg = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_config_load_string("crmsync.yaml", yaml, strlen(yaml), &cfg, &err), 0, "%s",
                 err.message);
    long t = cs_config_sync(cfg)->bulk_threshold;
    cs_config_free(cfg);
    return t;
}

static void refused(const char *yaml, const char *want)
{
    cs_config *cfg = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_config_load_string("crmsync.yaml", yaml, strlen(yaml), &cfg, &err), -1);
    cr_assert_eq(err.category, CS_ERR_CONFIG);
    cr_assert_str_eq(err.message, want);
}

Test(bulk_config, default_zero_and_a_value)
{
    cr_assert_eq(threshold_of(BASE), 10000);
    cr_assert_eq(threshold_of(BASE "sync:\n  bulk_threshold: 0\n"), 0);
    cr_assert_eq(threshold_of(BASE "sync:\n  bulk_threshold: 50\n"), 50);
}

Test(bulk_config, bad_values_name_file_line_and_key)
{
    refused(BASE "sync:\n  bulk_threshold: -1\n",
            "crmsync.yaml:4:19: sync.bulk_threshold: -1 is out of range (0 to 100000000) [config]");
    refused(BASE "sync:\n  bulk_threshold: many\n",
            "crmsync.yaml:4:19: sync.bulk_threshold: expected a whole number, got 'many' [config]");
    refused(BASE "sync:\n  bulk_threshold: 100000001\n",
            "crmsync.yaml:4:19: sync.bulk_threshold: 100000001 is out of range (0 to 100000000) "
            "[config]");
}
