/* Unit tests of the configuration's authentication and transport keys:
 * hubspot.oauth (an OAuth app's refresh_token grant, secrets named by *_env
 * keys and read from the environment only), hubspot.ca_file and
 * salesforce.ca_file (a CA to trust instead of the system store), with every
 * refusal reported at its file:line:col, and `crmsync init`'s ca_file. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/err.h"
#include "tmp_fixture.h"

static cs_config *load_ok(const char *yaml)
{
    cs_config *cfg = NULL;
    cs_err err;
    cs_err_clear(&err);
    int rc = cs_config_load_string("crmsync.yaml", yaml, strlen(yaml), &cfg, &err);
    cr_assert_eq(rc, 0, "load failed: %s\n%s", err.message, yaml);
    return cfg;
}

/* The document fails with exactly this one problem line. */
static void expect_only(const char *yaml, const char *line)
{
    cs_config *cfg = NULL;
    cs_err err;
    cs_err_clear(&err);
    cs_buf all;
    cs_buf_init(&all, 1 << 16);
    int rc = cs_config_load_string_all("crmsync.yaml", yaml, strlen(yaml), &cfg, &all, &err);
    cr_assert_eq(rc, -1, "loaded although it should not:\n%s", yaml);
    cr_assert_null(cfg);
    cr_assert_eq(err.category, CS_ERR_CONFIG);
    char want[1024];
    snprintf(want, sizeof want, "%s\n", line);
    cr_expect_str_eq(cs_buf_str(&all), want, "document:\n%s", yaml);
    cs_buf_free(&all);
}

/* A readable CA file for the tests (contents do not matter at load time). */
static char g_ca[4096];

static void make_ca(void)
{
    tmp_template(g_ca, sizeof g_ca, "crmsync-ca-");
    int fd = mkstemp(g_ca);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "-----BEGIN CERTIFICATE-----\n", 28), 28);
    close(fd);
}

static void drop_ca(void)
{
    unlink(g_ca);
}

Test(config_auth, defaults_are_a_private_app_token_and_the_system_store)
{
    cs_config *cfg = load_ok("hubspot: {base_url: \"https://api.hubapi.com\"}\n"
                             "salesforce: {instance_url: \"https://x.my.salesforce.com\"}\n");
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_eq(ep->hubspot_auth, CS_HS_AUTH_TOKEN);
    cr_expect_str_eq(ep->hubspot_token_env, "HUBSPOT_TOKEN");
    cr_expect_null(ep->hs_oauth_token_url);
    cr_expect_null(ep->hubspot_ca_file);
    cr_expect_null(ep->salesforce_ca_file);
    cs_config_free(cfg);
}

Test(config_auth, hubspot_oauth_defaults)
{
    cs_config *cfg = load_ok("hubspot:\n"
                             "  base_url: \"https://api.hubapi.com/\"\n"
                             "  oauth: {}\n"
                             "salesforce: {instance_url: \"https://x.my.salesforce.com\"}\n");
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_eq(ep->hubspot_auth, CS_HS_AUTH_OAUTH);
    cr_expect_str_eq(ep->hs_oauth_token_url, "https://api.hubapi.com/oauth/v1/token");
    cr_expect_str_eq(ep->hs_oauth_client_id_env, "HUBSPOT_CLIENT_ID");
    cr_expect_str_eq(ep->hs_oauth_client_secret_env, "HUBSPOT_CLIENT_SECRET");
    cr_expect_str_eq(ep->hs_oauth_refresh_token_env, "HUBSPOT_REFRESH_TOKEN");
    cr_expect_eq(ep->salesforce_auth, CS_SF_AUTH_TOKEN, "Salesforce keeps its own setting");
    cs_config_free(cfg);
}

Test(config_auth, hubspot_oauth_every_key)
{
    cs_config *cfg = load_ok("hubspot:\n"
                             "  base_url: \"http://127.0.0.1:1\"\n"
                             "  oauth:\n"
                             "    token_url: \"https://auth.example.com/token/\"\n"
                             "    client_id_env: APP_ID\n"
                             "    client_secret_env: APP_SECRET\n"
                             "    refresh_token_env: APP_REFRESH\n"
                             "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n");
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_str_eq(ep->hs_oauth_token_url, "https://auth.example.com/token");
    cr_expect_str_eq(ep->hs_oauth_client_id_env, "APP_ID");
    cr_expect_str_eq(ep->hs_oauth_client_secret_env, "APP_SECRET");
    cr_expect_str_eq(ep->hs_oauth_refresh_token_env, "APP_REFRESH");
    cs_config_free(cfg);
}

Test(config_auth, hubspot_token_env_and_oauth_are_exclusive)
{
    expect_only("hubspot:\n"
                "  base_url: \"http://127.0.0.1:1\"\n"
                "  token_env: HUBSPOT_TOKEN\n"
                "  oauth: {client_id_env: A}\n"
                "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n",
                "crmsync.yaml:4:3: hubspot.oauth: give either token_env (line 3) or an oauth "
                "block, not both [config]");
}

Test(config_auth, hubspot_oauth_refuses_a_grant_key)
{
    /* HubSpot apps have the refresh_token grant only: no `grant` to choose. */
    expect_only("hubspot:\n"
                "  base_url: \"http://127.0.0.1:1\"\n"
                "  oauth:\n"
                "    grant: client_credentials\n"
                "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n",
                "crmsync.yaml:4:5: hubspot.oauth.grant: unknown key [config]");
}

Test(config_auth, hubspot_oauth_env_names_are_checked)
{
    expect_only("hubspot:\n"
                "  base_url: \"http://127.0.0.1:1\"\n"
                "  oauth:\n"
                "    client_secret_env: \"s3cr3t value\"\n"
                "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n",
                "crmsync.yaml:4:24: hubspot.oauth.client_secret_env: 's3cr3t value' is not an "
                "environment variable name (the file names the variable holding the secret, "
                "never the secret itself) [config]");
}

Test(config_auth, hubspot_oauth_token_url_must_be_a_url)
{
    expect_only("hubspot:\n"
                "  base_url: \"http://127.0.0.1:1\"\n"
                "  oauth: {token_url: \"ftp://x/token\"}\n"
                "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n",
                "crmsync.yaml:3:22: hubspot.oauth.token_url: 'ftp://x/token' is not an http:// "
                "or https:// URL without query or fragment [config]");
}

Test(config_auth, hubspot_oauth_must_be_a_map)
{
    cs_config *cfg = NULL;
    cs_err err;
    const char *yaml = "hubspot:\n"
                       "  base_url: \"http://127.0.0.1:1\"\n"
                       "  oauth: yes\n"
                       "salesforce: {instance_url: \"http://127.0.0.1:2\"}\n";
    cr_assert_eq(cs_config_load_string("crmsync.yaml", yaml, strlen(yaml), &cfg, &err), -1);
    cr_expect(strstr(err.message, "crmsync.yaml:3:") == err.message, "%s", err.message);
    cr_expect_not_null(strstr(err.message, "hubspot.oauth"), "%s", err.message);
}

Test(config_auth, ca_files_are_kept, .init = make_ca, .fini = drop_ca)
{
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "hubspot: {base_url: \"https://127.0.0.1:1\", ca_file: \"%s\"}\n"
             "salesforce: {instance_url: \"https://127.0.0.1:2\", ca_file: \"%s\"}\n",
             g_ca, g_ca);
    cs_config *cfg = load_ok(yaml);
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_str_eq(ep->hubspot_ca_file, g_ca);
    cr_expect_str_eq(ep->salesforce_ca_file, g_ca);
    cs_config_free(cfg);
}

Test(config_auth, an_unreadable_ca_file_is_reported_at_its_line)
{
    expect_only("hubspot: {base_url: \"https://127.0.0.1:1\"}\n"
                "salesforce:\n"
                "  instance_url: \"https://127.0.0.1:2\"\n"
                "  ca_file: /nonexistent/crmsync/ca.pem\n",
                "crmsync.yaml:4:12: salesforce.ca_file: cannot read the CA file "
                "'/nonexistent/crmsync/ca.pem': No such file or directory (give the PEM file of "
                "the CA that signed the server's certificate) [config]");
}

Test(config_auth, a_ca_file_must_be_a_string)
{
    cs_config *cfg = NULL;
    cs_err err;
    const char *yaml = "hubspot: {base_url: \"https://127.0.0.1:1\", ca_file: [a, b]}\n"
                       "salesforce: {instance_url: \"https://127.0.0.1:2\"}\n";
    cr_assert_eq(cs_config_load_string("crmsync.yaml", yaml, strlen(yaml), &cfg, &err), -1);
    cr_expect(strstr(err.message, "crmsync.yaml:1:") == err.message, "%s", err.message);
    cr_expect_not_null(strstr(err.message, "hubspot.ca_file"), "%s", err.message);
}

/* ---- secrets --------------------------------------------------------------- */

static cs_config *oauth_config(void)
{
    return load_ok("hubspot:\n"
                   "  base_url: \"http://127.0.0.1:1\"\n"
                   "  oauth: {client_id_env: T_HS_ID, client_secret_env: T_HS_SECRET, "
                   "refresh_token_env: T_HS_REFRESH}\n"
                   "salesforce: {instance_url: \"http://127.0.0.1:2\", token_env: T_SF}\n");
}

Test(config_auth, hubspot_oauth_secrets_come_from_the_environment)
{
    unsetenv("HUBSPOT_TOKEN");
    setenv("T_HS_ID", "app-id", 1);
    setenv("T_HS_SECRET", " app-secret\n", 1);
    setenv("T_HS_REFRESH", "app-refresh", 1);
    setenv("T_SF", "sf-token", 1);
    cs_config *cfg = oauth_config();
    cs_credentials c;
    cs_err err;
    cr_assert_eq(cs_config_credentials(cfg, &c, &err), 0, "%s", err.message);
    cr_expect_str_eq(c.hubspot_client_id, "app-id");
    cr_expect_str_eq(c.hubspot_client_secret, "app-secret", "blanks around a secret are dropped");
    cr_expect_str_eq(c.hubspot_refresh_token, "app-refresh");
    cr_expect_null(c.hubspot_token, "no private-app token is read with oauth");
    cs_credentials_dispose(&c);
    cs_config_free(cfg);
}

Test(config_auth, a_missing_hubspot_oauth_variable_is_named)
{
    setenv("T_HS_ID", "app-id", 1);
    setenv("T_HS_SECRET", "app-secret", 1);
    unsetenv("T_HS_REFRESH");
    setenv("T_SF", "sf-token", 1);
    cs_config *cfg = oauth_config();
    cs_credentials c;
    cs_err err;
    cr_assert_eq(cs_config_credentials(cfg, &c, &err), -1);
    cr_expect_eq(err.category, CS_ERR_AUTH);
    cr_expect_str_eq(err.message, "environment variable T_HS_REFRESH is not set (it must hold "
                                  "the HubSpot OAuth refresh token)");
    cs_config_free(cfg);
}

/* ---- crmsync init ------------------------------------------------------------ */

Test(config_auth, init_writes_ca_file_for_both_apis, .init = make_ca, .fini = drop_ca)
{
    cs_config_init_options o = {.hubspot_url = "https://127.0.0.1:1",
                                .salesforce_url = "https://127.0.0.1:2",
                                .ca_file = g_ca};
    cs_buf text;
    cs_buf_init(&text, 1 << 20);
    cs_err err;
    cr_assert_eq(cs_config_init_text(&o, &text, &err), 0, "%s", err.message);
    cs_config *cfg = load_ok(cs_buf_str(&text));
    const cs_endpoints *ep = cs_config_endpoints(cfg);
    cr_expect_str_eq(ep->hubspot_ca_file, g_ca);
    cr_expect_str_eq(ep->salesforce_ca_file, g_ca);
    cr_expect_eq(ep->hubspot_auth, CS_HS_AUTH_TOKEN, "the oauth block stays commented");
    cr_expect_not_null(strstr(cs_buf_str(&text), "  # oauth:"));
    cr_expect_not_null(strstr(cs_buf_str(&text), "#   refresh_token_env: HUBSPOT_REFRESH_TOKEN"));
    cs_config_free(cfg);
    cs_buf_free(&text);
}

Test(config_auth, init_without_ca_file_writes_none)
{
    cs_config_init_options o = {.hubspot_port = 8081, .salesforce_port = 8082};
    cs_buf text;
    cs_buf_init(&text, 1 << 20);
    cs_err err;
    cr_assert_eq(cs_config_init_text(&o, &text, &err), 0, "%s", err.message);
    cr_expect_null(strstr(cs_buf_str(&text), "\n  ca_file:"));
    cs_config *cfg = load_ok(cs_buf_str(&text));
    cr_expect_null(cs_config_endpoints(cfg)->hubspot_ca_file);
    cs_config_free(cfg);
    cs_buf_free(&text);
}

Test(config_auth, init_refuses_a_ca_file_with_control_characters)
{
    cs_config_init_options o = {.hubspot_port = 8081, .salesforce_port = 8082, .ca_file = "a\nb"};
    cs_buf text;
    cs_buf_init(&text, 1 << 20);
    cs_err err;
    cr_expect_eq(cs_config_init_text(&o, &text, &err), -1);
    cr_expect_eq(err.category, CS_ERR_CONFIG);
    cr_expect_eq(text.len, 0u, "nothing is appended on failure");
    cs_buf_free(&text);
}
