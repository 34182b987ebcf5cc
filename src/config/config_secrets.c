/* Secrets: crmsync.yaml names environment variables, never values, and this
 * is the one place that reads them. The values go to the caller only (never
 * into the model), are registered with the logger's redaction at once, and
 * are wiped when disposed. A value that could break an HTTP header (control
 * characters, over-long) is refused without echoing it. */
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"
#include "core/log.h"

#define MAX_SECRET 8192

static int read_secret(const char *var, const char *what, char **out, cs_err *err)
{
    const char *v = getenv(var);
    if (v == NULL || v[0] == '\0')
        return cs_err_set(err, CS_ERR_AUTH,
                          "environment variable %s is not set (it must hold the %s)", var, what);
    /* Surrounding blanks are a copy-and-paste accident, not part of a token. */
    while (*v == ' ' || *v == '\t')
        v++;
    size_t len = strnlen(v, MAX_SECRET + 1);
    while (len > 0 &&
           (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\n' || v[len - 1] == '\r'))
        len--;
    if (len == 0)
        return cs_err_set(err, CS_ERR_AUTH,
                          "environment variable %s is blank (it must hold the %s)", var, what);
    if (len > MAX_SECRET)
        return cs_err_set(err, CS_ERR_AUTH, "environment variable %s is longer than %d bytes", var,
                          MAX_SECRET);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c == 0x7f)
            return cs_err_set(err, CS_ERR_AUTH,
                              "environment variable %s contains control characters", var);
    }
    char *copy = strndup(v, len);
    if (copy == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    cs_log_add_secret(copy);
    *out = copy;
    return 0;
}

static void wipe(char **s)
{
    if (*s != NULL) {
        explicit_bzero(*s, strlen(*s));
        free(*s);
        *s = NULL;
    }
}

void cs_credentials_dispose(cs_credentials *c)
{
    if (c == NULL)
        return;
    wipe(&c->hubspot_token);
    wipe(&c->hubspot_client_id);
    wipe(&c->hubspot_client_secret);
    wipe(&c->hubspot_refresh_token);
    wipe(&c->salesforce_token);
    wipe(&c->salesforce_client_id);
    wipe(&c->salesforce_client_secret);
    wipe(&c->salesforce_refresh_token);
}

int cs_config_credentials(const cs_config *cfg, cs_credentials *out, cs_err *err)
{
    const cs_endpoints *ep = &cfg->ep;
    cs_credentials c;
    memset(&c, 0, sizeof c);
    int rc = 0;
    if (ep->hubspot_auth == CS_HS_AUTH_TOKEN)
        rc = read_secret(ep->hubspot_token_env, "HubSpot private-app token", &c.hubspot_token, err);
    if (rc == 0 && ep->hubspot_auth == CS_HS_AUTH_OAUTH) {
        rc = read_secret(ep->hs_oauth_client_id_env, "HubSpot OAuth app's client id",
                         &c.hubspot_client_id, err);
        if (rc == 0)
            rc = read_secret(ep->hs_oauth_client_secret_env, "HubSpot OAuth app's client secret",
                             &c.hubspot_client_secret, err);
        if (rc == 0)
            rc = read_secret(ep->hs_oauth_refresh_token_env, "HubSpot OAuth refresh token",
                             &c.hubspot_refresh_token, err);
    }
    if (rc == 0 && ep->salesforce_auth == CS_SF_AUTH_TOKEN)
        rc = read_secret(ep->salesforce_token_env, "Salesforce access token", &c.salesforce_token,
                         err);
    if (rc == 0 && ep->salesforce_auth == CS_SF_AUTH_OAUTH) {
        rc = read_secret(ep->oauth_client_id_env, "Salesforce connected app's client id",
                         &c.salesforce_client_id, err);
        if (rc == 0)
            rc =
                read_secret(ep->oauth_client_secret_env, "Salesforce connected app's client secret",
                            &c.salesforce_client_secret, err);
        if (rc == 0 && ep->oauth_grant == CS_OAUTH_REFRESH_TOKEN)
            rc = read_secret(ep->oauth_refresh_token_env, "Salesforce refresh token",
                             &c.salesforce_refresh_token, err);
    }
    if (rc != 0) {
        cs_credentials_dispose(&c);
        return rc;
    }
    *out = c;
    return 0;
}
