/* Salesforce OAuth 2.0 token grants, so the Salesforce client can start from a
 * refresh token or client credentials and renew its access token after a 401.
 *
 * The grant is a form-encoded POST to the token URL (grant_type, client_id,
 * client_secret, and refresh_token for the refresh grant), sent without an
 * Authorization header. The answer names access_token and instance_url (the
 * org's API host, which the client must then use); a refusal is a 400 with
 * {"error":"invalid_grant","error_description":"…"}, reported as CS_ERR_AUTH.
 * Client secret, refresh token and every access token are registered with the
 * logger and masked in error messages. */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "net/net.h"

#define MAX_TOKEN_ANSWER ((size_t)64 * 1024)

struct cs_oauth {
    char *label;
    bool no_instance_url;
    char *token_url;
    cs_net_grant grant;
    char *client_id;
    char *client_secret;
    char *refresh_token;
    char *access_token;
    char *instance_url;
    unsigned grants;
    cs_http_client *http;
    cs_http_client *follower; /* gets instance_url as base URL after each grant */
};

static char *dup_opt(const char *s, bool *failed)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *failed = true;
    return d;
}

int cs_oauth_new(const cs_oauth_config *cfg, cs_oauth **out, cs_err *err)
{
    if (cfg->token_url == NULL || cfg->token_url[0] == '\0')
        return cs_err_set(err, CS_ERR_CONFIG, "OAuth: no token URL");
    if (cfg->client_id == NULL || cfg->client_id[0] == '\0')
        return cs_err_set(err, CS_ERR_CONFIG, "OAuth: no client id");
    if (cfg->grant == CS_NET_GRANT_CLIENT_CREDENTIALS &&
        (cfg->client_secret == NULL || cfg->client_secret[0] == '\0'))
        return cs_err_set(err, CS_ERR_CONFIG, "OAuth: client_credentials needs a client secret");
    if (cfg->grant == CS_NET_GRANT_REFRESH_TOKEN &&
        (cfg->refresh_token == NULL || cfg->refresh_token[0] == '\0'))
        return cs_err_set(err, CS_ERR_CONFIG, "OAuth: refresh_token grant needs a refresh token");
    cs_oauth *o = calloc(1, sizeof *o);
    if (o == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    bool failed = false;
    o->label = dup_opt(cfg->label ? cfg->label : "OAuth", &failed);
    o->no_instance_url = cfg->no_instance_url;
    o->token_url = dup_opt(cfg->token_url, &failed);
    o->client_id = dup_opt(cfg->client_id, &failed);
    o->client_secret = dup_opt(cfg->client_secret, &failed);
    o->refresh_token = dup_opt(cfg->refresh_token, &failed);
    o->grant = cfg->grant;
    if (failed) {
        cs_oauth_free(o);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    cs_http_options http = cfg->http;
    http.base_url = NULL;
    http.token = NULL;
    http.refresh = NULL;
    http.auth_ud = NULL;
    if (http.max_response == 0)
        http.max_response = MAX_TOKEN_ANSWER;
    if (cs_http_client_new(&http, &o->http, err) != 0) {
        cs_oauth_free(o);
        return -1;
    }
    cs_log_add_secret(o->client_secret);
    cs_log_add_secret(o->refresh_token);
    *out = o;
    return 0;
}

void cs_oauth_free(cs_oauth *o)
{
    if (o == NULL)
        return;
    cs_http_client_free(o->http);
    free(o->label);
    free(o->token_url);
    free(o->client_id);
    free(o->client_secret);
    free(o->refresh_token);
    free(o->access_token);
    free(o->instance_url);
    free(o);
}

static int take_string(json_t *j, const char *key, char **out, cs_err *err)
{
    if (out == NULL)
        return 0;
    const char *s = json_string_value(json_object_get(j, key));
    if (s == NULL || s[0] == '\0')
        return cs_err_set(err, CS_ERR_AUTH, "token answer has no %s", key);
    *out = strdup(s);
    if (*out == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    return 0;
}

int cs_oauth_parse_answer(long status, const char *body, size_t len, char **access_token,
                          char **instance_url, cs_err *err)
{
    if (status != 200) {
        char api[512];
        if (cs_http_api_message(body, len, api, sizeof api))
            return cs_err_set(err, CS_ERR_AUTH, "token endpoint refused the grant: HTTP %ld: %s",
                              status, api);
        return cs_err_set(err, CS_ERR_AUTH, "token endpoint refused the grant: HTTP %ld", status);
    }
    json_error_t jerr;
    json_t *j = json_loadb(body ? body : "", len, 0, &jerr);
    if (!json_is_object(j)) {
        json_decref(j);
        return cs_err_set(err, CS_ERR_AUTH, "token answer is not a JSON object");
    }
    char *tok = NULL, *inst = NULL;
    int rc = take_string(j, "access_token", access_token ? &tok : NULL, err);
    if (rc == 0)
        rc = take_string(j, "instance_url", instance_url ? &inst : NULL, err);
    json_decref(j);
    if (rc != 0) {
        free(tok);
        free(inst);
        return -1;
    }
    if (access_token)
        *access_token = tok;
    if (instance_url)
        *instance_url = inst;
    return 0;
}

static void mask(cs_oauth *o, cs_err *err)
{
    if (err == NULL)
        return;
    cs_net_redact(err->message, sizeof err->message, o->client_secret);
    cs_net_redact(err->message, sizeof err->message, o->refresh_token);
    cs_net_redact(err->message, sizeof err->message, o->access_token);
}

int cs_oauth_fetch(cs_oauth *o, cs_err *err)
{
    cs_http_kv form[4] = {
        {"grant_type",
         o->grant == CS_NET_GRANT_CLIENT_CREDENTIALS ? "client_credentials" : "refresh_token"},
        {"client_id", o->client_id},
        {"client_secret", o->client_secret},
        {"refresh_token", o->grant == CS_NET_GRANT_REFRESH_TOKEN ? o->refresh_token : NULL},
    };
    cs_buf body;
    cs_buf_init(&body, (size_t)16 * 1024);
    if (cs_http_form_encode(&body, form, 4) != 0) {
        cs_buf_free(&body);
        return cs_err_set(err, CS_ERR_CONFIG, "OAuth: credentials too long");
    }
    /* A refused grant is a known outcome and granting twice is harmless, so
     * the grant may be retried like any idempotent call. */
    cs_http_request req = {
        .method = CS_HTTP_POST,
        .path = o->token_url,
        .body = body.data,
        .body_len = body.len,
        .content_type = "application/x-www-form-urlencoded",
        .idempotency = CS_HTTP_IDEMPOTENT,
        .no_auth = true,
    };
    cs_http_response resp;
    cs_http_response_init(&resp);
    cs_err local;
    int rc = cs_http_request_send(o->http, &req, &resp, &local);
    cs_buf_free(&body);
    o->grants++;
    if (rc != 0 && (resp.status == 0 || resp.status == 429 || resp.status >= 500)) {
        /* No answer, or the endpoint failed: not a refusal of the credentials,
         * so keep the network / rate-limit / remote-failure category. */
        if (err)
            *err = local;
        cs_err_prefix(err, "%s: ", o->label);
        mask(o, err);
        cs_http_response_dispose(&resp);
        return -1;
    }
    char *tok = NULL, *inst = NULL;
    rc = cs_oauth_parse_answer(resp.status, cs_buf_str(&resp.body), resp.body.len, &tok,
                               o->no_instance_url ? NULL : &inst, err);
    cs_http_response_dispose(&resp);
    if (rc != 0) {
        cs_err_prefix(err, "%s: %s grant: ", o->label,
                      o->grant == CS_NET_GRANT_CLIENT_CREDENTIALS ? "client_credentials"
                                                                  : "refresh_token");
        mask(o, err);
        return -1;
    }
    cs_log_add_secret(tok);
    free(o->access_token);
    free(o->instance_url);
    o->access_token = tok;
    o->instance_url = inst;
    if (o->follower && inst && cs_http_client_set_base_url(o->follower, inst, err) != 0)
        return -1;
    return 0;
}

void cs_oauth_set_stop(cs_oauth *o, const volatile sig_atomic_t *stop)
{
    if (o != NULL)
        cs_http_client_set_stop(o->http, stop);
}

void cs_oauth_follow_instance(cs_oauth *o, cs_http_client *c)
{
    o->follower = c;
    if (c && o->instance_url)
        cs_http_client_set_base_url(c, o->instance_url, NULL);
}

const char *cs_oauth_access_token(const cs_oauth *o)
{
    return o->access_token;
}

const char *cs_oauth_instance_url(const cs_oauth *o)
{
    return o->instance_url;
}

unsigned cs_oauth_grants(const cs_oauth *o)
{
    return o->grants;
}

int cs_oauth_token_cb(void *ud, const char **token, cs_err *err)
{
    cs_oauth *o = ud;
    if (o->access_token == NULL && cs_oauth_fetch(o, err) != 0)
        return -1;
    *token = o->access_token;
    return 0;
}

int cs_oauth_refresh_cb(void *ud, cs_err *err)
{
    return cs_oauth_fetch(ud, err);
}
