/* The sandbox: one local server that speaks HubSpot's CRM API and Salesforce's
 * REST API on two loopback ports, backed by SQLite in a data directory. The
 * demo, the integration tests and the benchmarks run against it. */
#ifndef CS_SANDBOX_SANDBOX_H
#define CS_SANDBOX_SANDBOX_H

#include <stdbool.h>

#include "core/err.h"

typedef struct cs_sandbox cs_sandbox;

typedef struct cs_sandbox_options {
    const char *data_dir;        /* required; created if missing */
    int hubspot_port;            /* 0 = a free port */
    int salesforce_port;         /* 0 = a free port */
    const char *token;           /* bearer token both APIs accept; NULL = "sandbox-token" */
    int seed_contacts;           /* HS contacts to create if the data dir is new or has fewer */
    int seed_leads;              /* SF leads to create likewise */
    int hubspot_limit_per_10s;   /* burst limit; 0 = unlimited */
    long salesforce_daily_limit; /* DailyApiRequests Max; 0 = unlimited */
    /* HubSpot OAuth app: the credentials POST /oauth/v1/token accepts (NULL =
     * "sandbox-client-id", "sandbox-client-secret", "sandbox-refresh-token")
     * and the lifetime of the access tokens it issues (0 = 1800 s). */
    const char *hubspot_client_id;
    const char *hubspot_client_secret;
    const char *hubspot_refresh_token;
    int hubspot_token_lifetime_s;
    /* Serve HTTPS with a server certificate signed by a CA the sandbox keeps
     * in the data directory (created on first start, see
     * cs_sandbox_ca_file()). */
    bool tls;
    int hubspot_search_rate;   /* searches per second; 0 = unlimited */
    int hubspot_search_lag_ms; /* a write reaches search after this long; 0 = at once */
} cs_sandbox_options;

/* The largest --hubspot-search-rate and --hubspot-search-lag-ms. */
#define CS_SANDBOX_SEARCH_RATE_MAX 1000
#define CS_SANDBOX_SEARCH_LAG_MAX  600000

void cs_sandbox_options_default(cs_sandbox_options *opts);

/* Opens (or creates) the data directory and starts both servers. On success
 * *out owns the running sandbox; stop and free it with cs_sandbox_stop(). */
int cs_sandbox_start(const cs_sandbox_options *opts, cs_sandbox **out, cs_err *err);
int cs_sandbox_hubspot_port(const cs_sandbox *sb);
int cs_sandbox_salesforce_port(const cs_sandbox *sb);
/* "http" or "https". */
const char *cs_sandbox_scheme(const cs_sandbox *sb);
/* With tls: the path of the CA certificate (PEM) clients must trust;
 * otherwise NULL. Borrowed; valid until cs_sandbox_stop(). */
const char *cs_sandbox_ca_file(const cs_sandbox *sb);
/* Stops both servers, closes the database. Accepts NULL. */
void cs_sandbox_stop(cs_sandbox *sb);

#endif
