/* HubSpot email subscriptions (C10). hs_email_optout ("unsubscribed from all
 * email") is read-only through the objects API: an address opts out of all
 * email by being unsubscribed from every subscription type, through the
 * communication preferences API. The opt-out is sticky in HubSpot, so this
 * connector never subscribes anyone back. */
#include <stdio.h>
#include <string.h>

#include "connector/hubspot_int.h"

#define HS_MAX_SUBSCRIPTIONS 100

/* The ids of the subscription types, fetched once per connector. */
static const json_t *subscriptions(cs_connector *c, cs_err *err)
{
    cs_hsc_conn *h = (cs_hsc_conn *)c;
    if (h->subscriptions != NULL)
        return h->subscriptions;
    cs_http_request req = {.method = CS_HTTP_GET,
                           .path = "/communication-preferences/v3/definitions"};
    json_t *ans = NULL;
    if (cs_conn_call(c, false, &req, NULL, &ans, NULL, err) != 0)
        return NULL;
    json_t *ids = json_array();
    size_t i;
    const json_t *d;
    json_array_foreach(json_object_get(ans, "subscriptionDefinitions"), i, d)
    {
        const json_t *id = json_object_get(d, "id");
        const json_t *active = json_object_get(d, "isActive");
        if (json_is_false(active) || json_array_size(ids) >= HS_MAX_SUBSCRIPTIONS)
            continue;
        char buf[32];
        const char *text = cs_hsc_id_text(id, buf);
        if (text != NULL)
            json_array_append_new(ids, json_string(text));
    }
    json_decref(ans);
    h->subscriptions = ids;
    return ids;
}

int cs_hsc_unsubscribe(cs_connector *c, const char *const *emails, size_t n, cs_write_result *res,
                       cs_err *err)
{
    const json_t *subs = subscriptions(c, err);
    if (subs == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        cs_write_result_ok(&res[i], "", false);
        size_t j;
        const json_t *sub;
        json_array_foreach(subs, j, sub)
        {
            json_t *body =
                json_pack("{s:s,s:O,s:s,s:s}", "emailAddress", emails[i], "subscriptionId", sub,
                          "legalBasis", "LEGITIMATE_INTEREST_CLIENT", "legalBasisExplanation",
                          "Opted out of email in Salesforce (synced by crmsync)");
            /* unsubscribing twice changes nothing: safe to retry */
            cs_http_request req = {.method = CS_HTTP_POST,
                                   .path = "/communication-preferences/v3/unsubscribe",
                                   .idempotency = CS_HTTP_IDEMPOTENT};
            cs_http_response resp;
            cs_http_response_init(&resp);
            int rc = cs_conn_call(c, true, &req, body, NULL, &resp, err);
            json_decref(body);
            long status = resp.status;
            char msg[CS_WRITE_MESSAGE_MAX];
            if (rc != 0 && status >= 400 && status < 500 && status != 401 && status != 429 &&
                err->category != CS_ERR_RATE_LIMIT) {
                cs_http_api_message(resp.body.data, resp.body.len, msg, sizeof msg);
                /* already unsubscribed counts as done */
                if (strstr(msg, "already") == NULL) {
                    cs_write_result_refuse(&res[i], cs_conn_category_hubspot(status, NULL, NULL),
                                           "UNSUBSCRIBE_FAILED", "hs_email_optout", msg);
                }
                rc = 0;
            }
            cs_http_response_dispose(&resp);
            if (rc != 0)
                return -1;
            if (res[i].status != CS_WRITE_OK)
                break;
        }
    }
    return 0;
}
