/* Unit tests of the starter crmsync.yaml builder (cs_config_init_text) with
 * the base URLs given directly: the text carries them, loads back with the
 * config loader, and every URL the loader would refuse is refused up front
 * without appending anything. */
#include <criterion/criterion.h>
#include <string.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/err.h"

/* Builds the text for opts and loads it back; returns the config. */
static cs_config *build_and_load(const cs_config_init_options *opts)
{
    cs_buf out;
    cs_buf_init(&out, CS_CONFIG_MAX_BYTES);
    cs_err err;
    cs_err_clear(&err);
    cr_assert_eq(cs_config_init_text(opts, &out, &err), 0, "%s", err.message);
    cs_config *cfg = NULL;
    int rc = cs_config_load_string("crmsync.yaml", cs_buf_str(&out), out.len, &cfg, &err);
    cr_assert_eq(rc, 0, "the starter text does not load back: %s", err.message);
    cs_buf_free(&out);
    return cfg;
}

Test(config_init_urls, the_urls_given_are_the_ones_loaded)
{
    cs_config_init_options o = {.hubspot_url = "https://api.hubapi.com/",
                                .salesforce_url = "https://acme.my.salesforce.com//",
                                .store = "sqlite:/tmp/state.db"};
    cs_config *cfg = build_and_load(&o);
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_str_eq(ep->hubspot_base_url, "https://api.hubapi.com");
    cr_expect_str_eq(ep->salesforce_instance_url, "https://acme.my.salesforce.com");
    cr_expect_str_eq(cs_config_store_url(cfg), "sqlite:/tmp/state.db");
    cs_config_free(cfg);
}

Test(config_init_urls, a_url_with_a_port_and_path_keeps_them)
{
    cs_config_init_options o = {.hubspot_url = "http://[::1]:8081/hs",
                                .salesforce_url = "http://sf.internal:9000/base"};
    cs_config *cfg = build_and_load(&o);
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_str_eq(ep->hubspot_base_url, "http://[::1]:8081/hs");
    cr_expect_str_eq(ep->salesforce_instance_url, "http://sf.internal:9000/base");
    cs_config_free(cfg);
}

Test(config_init_urls, one_url_and_one_sandbox_port)
{
    cs_config_init_options o = {.hubspot_url = "https://api.hubapi.com", .salesforce_port = 4242};
    cs_config *cfg = build_and_load(&o);
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_str_eq(ep->hubspot_base_url, "https://api.hubapi.com");
    cr_expect_str_eq(ep->salesforce_instance_url, "http://127.0.0.1:4242");
    cs_config_free(cfg);
}

Test(config_init_urls, the_oauth_example_names_the_instance)
{
    cs_config_init_options o = {.hubspot_url = "https://api.hubapi.com",
                                .salesforce_url = "https://acme.my.salesforce.com/"};
    cs_buf out;
    cs_buf_init(&out, CS_CONFIG_MAX_BYTES);
    cs_err err;
    cr_assert_eq(cs_config_init_text(&o, &out, &err), 0, "%s", err.message);
    cr_expect(strstr(cs_buf_str(&out),
                     "token_url: https://acme.my.salesforce.com/services/oauth2/token") != NULL);
    cs_buf_free(&out);
}

/* Each bad URL is refused as a CS_ERR_CONFIG error naming the side, and out
 * stays empty. */
static void expect_refused(const char *hs, const char *sf, const char *side)
{
    cs_config_init_options o = {.hubspot_url = hs, .salesforce_url = sf};
    cs_buf out;
    cs_buf_init(&out, CS_CONFIG_MAX_BYTES);
    cs_err err;
    cs_err_clear(&err);
    cr_expect_eq(cs_config_init_text(&o, &out, &err), -1, "accepted %s / %s", hs, sf);
    cr_expect_eq(err.category, CS_ERR_CONFIG);
    cr_expect(strstr(err.message, side) != NULL, "%s", err.message);
    cr_expect_eq(out.len, 0, "appended before refusing %s / %s", hs, sf);
    cs_buf_free(&out);
}

Test(config_init_urls, urls_the_loader_refuses_are_refused_first)
{
    const char *ok = "https://ok.example";
    const char *bad[] = {"ftp://host",        "host.example",
                         "http://",           "https:///path",
                         "http://host/a b",   "http://host/?q=1",
                         "http://host/#frag", "http://host/\"x",
                         "http://host/\\x",   "http://host/\ntoken_env: X",
                         "http://host/\x7f",  ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_refused(bad[i], ok, "HubSpot");
        expect_refused(ok, bad[i], "Salesforce");
    }
    char huge[4096];
    memcpy(huge, "http://", 7);
    memset(huge + 7, 'a', sizeof huge - 8);
    huge[sizeof huge - 1] = '\0';
    expect_refused(huge, ok, "HubSpot");
}

Test(config_init_urls, a_missing_url_needs_a_valid_port)
{
    expect_refused(NULL, "https://ok.example", "HubSpot");
    cs_config_init_options o = {.hubspot_port = 65536, .salesforce_port = 1};
    cs_buf out;
    cs_buf_init(&out, CS_CONFIG_MAX_BYTES);
    cs_err err;
    cr_expect_eq(cs_config_init_text(&o, &out, &err), -1);
    cr_expect_eq(out.len, 0);
    cs_buf_free(&out);
}
