/* Unit tests of the net module's HubSpot OAuth path against the scripted
 * server: the refresh_token grant without instance_url (the client keeps its
 * base URL), a 401 EXPIRED_AUTHENTICATION followed by one refresh and one
 * retry, a second 401 in the same request being final, HubSpot's BAD_*
 * refusals read into the error with the label naming the API and setting,
 * and no secret in any message. */
#include <criterion/criterion.h>

#include "net/net.h"
#include "net_test_server.h"

#define EXPIRED                                                                                    \
    "{\"status\":\"error\",\"message\":\"The OAuth token used to make this call expired 3 "        \
    "second(s) ago.\",\"correlationId\":\"0b5c1f47-1f5a-4a0e-9a52-0d6f8b1c2a11\",\"category\":"    \
    "\"EXPIRED_AUTHENTICATION\"}"
#define GRANT(tok)                                                                                 \
    "{\"token_type\":\"bearer\",\"refresh_token\":\"hs-refresh-SECRET\",\"access_token\":\"" tok   \
    "\",\"expires_in\":1800}"

typedef struct rig {
    test_server srv;
    cs_oauth *oauth;
    cs_http_client *client;
    cs_http_response resp;
    cs_err err;
} rig;

static void rig_start(rig *r, const ts_step *steps, int n)
{
    cr_assert_eq(ts_start(&r->srv, steps, n), 0);
    char token_url[128];
    snprintf(token_url, sizeof token_url, "%s/oauth/v1/token", r->srv.base);
    cs_oauth_config oc = {.token_url = token_url,
                          .grant = CS_NET_GRANT_REFRESH_TOKEN,
                          .client_id = "hs-client-id",
                          .client_secret = "hs-client-SECRET",
                          .refresh_token = "hs-refresh-SECRET",
                          .label = "HubSpot OAuth (hubspot.oauth)",
                          .no_instance_url = true,
                          .http = {.max_retries = 1, .backoff = {1, 1}}};
    cr_assert_eq(cs_oauth_new(&oc, &r->oauth, &r->err), 0, "%s", r->err.message);
    cs_http_options ho = {.base_url = r->srv.base,
                          .token = cs_oauth_token_cb,
                          .refresh = cs_oauth_refresh_cb,
                          .auth_ud = r->oauth,
                          .backoff = {1, 1}};
    cr_assert_eq(cs_http_client_new(&ho, &r->client, &r->err), 0);
    cs_http_response_init(&r->resp);
}

static void rig_stop(rig *r)
{
    cs_http_response_dispose(&r->resp);
    cs_http_client_free(r->client);
    cs_oauth_free(r->oauth);
    ts_stop(&r->srv);
}

static int get_contacts(rig *r)
{
    cs_http_request req = {.method = CS_HTTP_GET, .path = "/crm/v3/objects/contacts"};
    return cs_http_request_send(r->client, &req, &r->resp, &r->err);
}

Test(hubspot_oauth, expired_token_is_refreshed_once_and_the_call_repeated)
{
    ts_step steps[] = {{.status = 200, .body = GRANT("CJ-ACCESS-1")},
                       {.status = 401, .body = EXPIRED},
                       {.status = 200, .body = GRANT("CJ-ACCESS-2")},
                       {.status = 200, .body = "{\"results\":[]}"}};
    rig r;
    rig_start(&r, steps, 4);
    cr_assert_eq(get_contacts(&r), 0, "%s", r.err.message);
    cr_expect_eq(cs_oauth_grants(r.oauth), 2);
    cr_expect_str_eq(cs_http_client_base_url(r.client), r.srv.base,
                     "HubSpot's grant names no instance: the base URL stays");
    cr_expect_null(cs_oauth_instance_url(r.oauth));
    cr_expect_str_eq(r.srv.seen[0].url, "/oauth/v1/token");
    cr_expect_str_eq(r.srv.seen[0].auth, "", "the token endpoint gets no bearer token");
    cr_expect_str_eq(r.srv.seen[0].body, "grant_type=refresh_token&client_id=hs-client-id&"
                                         "client_secret=hs-client-SECRET&refresh_token=hs-"
                                         "refresh-SECRET");
    cr_expect_str_eq(r.srv.seen[1].auth, "Bearer CJ-ACCESS-1");
    cr_expect_str_eq(r.srv.seen[2].url, "/oauth/v1/token");
    cr_expect_str_eq(r.srv.seen[3].auth, "Bearer CJ-ACCESS-2");
    cr_expect_geq(ts_connections(&r.srv), 2, "the token endpoint has a client of its own");
    rig_stop(&r);
}

Test(hubspot_oauth, a_second_401_in_the_same_request_is_final)
{
    ts_step steps[] = {{.status = 200, .body = GRANT("CJ-ACCESS-1")},
                       {.status = 401, .body = EXPIRED},
                       {.status = 200, .body = GRANT("CJ-ACCESS-2")},
                       {.status = 401, .body = EXPIRED}};
    rig r;
    rig_start(&r, steps, 4);
    cr_assert_eq(get_contacts(&r), -1);
    cr_expect_eq(r.err.category, CS_ERR_AUTH);
    cr_expect_eq(ts_requests(&r.srv), 4, "one refresh, one repeat, then stop");
    cr_expect_not_null(strstr(r.err.message, "EXPIRED_AUTHENTICATION"), "%s", r.err.message);
    cr_expect_null(strstr(r.err.message, "CJ-ACCESS"), "tokens are masked: %s", r.err.message);
    rig_stop(&r);
}

Test(hubspot_oauth, a_bad_refresh_token_names_hubspot_the_setting_and_the_refusal)
{
    ts_step steps[] = {{.status = 400,
                        .body =
                            "{\"status\":\"BAD_REFRESH_TOKEN\",\"message\":\"missing or unknown "
                            "refresh token\",\"correlationId\":\"x\",\"requestId\":\"y\"}"}};
    rig r;
    rig_start(&r, steps, 1);
    cr_assert_eq(get_contacts(&r), -1);
    cr_expect_eq(r.err.category, CS_ERR_AUTH);
    cr_expect_not_null(strstr(r.err.message, "HubSpot OAuth (hubspot.oauth): refresh_token grant"),
                       "%s", r.err.message);
    cr_expect_not_null(
        strstr(r.err.message, "missing or unknown refresh token (BAD_REFRESH_TOKEN)"), "%s",
        r.err.message);
    cr_expect_null(strstr(r.err.message, "SECRET"), "no secret: %s", r.err.message);
    cr_expect_eq(ts_requests(&r.srv), 1, "a refusal is not retried");
    rig_stop(&r);
}

Test(hubspot_oauth, an_unreachable_token_endpoint_keeps_the_network_category)
{
    ts_step steps[] = {{.status = 503, .body = "{\"status\":\"error\",\"message\":\"down\"}"}};
    rig r;
    rig_start(&r, steps, 1);
    cr_assert_eq(cs_oauth_fetch(r.oauth, &r.err), -1);
    cr_expect_eq(r.err.category, CS_ERR_REMOTE_FAILED);
    cr_expect(strncmp(r.err.message, "HubSpot OAuth (hubspot.oauth): ", 31) == 0, "%s",
              r.err.message);
    rig_stop(&r);
}

Test(hubspot_oauth, api_message_reads_the_token_endpoint_status)
{
    char out[256];
    const char *body =
        "{\"status\":\"BAD_CLIENT_ID\",\"message\":\"missing or unknown client id\"}";
    cr_assert_eq(cs_http_api_message(body, strlen(body), out, sizeof out), 1);
    cr_expect_str_eq(out, "missing or unknown client id (BAD_CLIENT_ID)");
    /* A CRM error keeps its category; "status":"error" is not a category. */
    const char *crm = "{\"status\":\"error\",\"message\":\"resource not found\",\"category\":"
                      "\"OBJECT_NOT_FOUND\"}";
    cr_assert_eq(cs_http_api_message(crm, strlen(crm), out, sizeof out), 1);
    cr_expect_str_eq(out, "resource not found (OBJECT_NOT_FOUND)");
    const char *plain = "{\"status\":\"error\",\"message\":\"down\"}";
    cr_assert_eq(cs_http_api_message(plain, strlen(plain), out, sizeof out), 1);
    cr_expect_str_eq(out, "down");
}
