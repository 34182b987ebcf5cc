/* `crmsync sandbox`: serve both emulated APIs until SIGINT/SIGTERM. Prints
 * two lines on stdout once ready:
 *   hubspot http://127.0.0.1:PORT
 *   salesforce http://127.0.0.1:PORT
 * With --tls the URLs are https:// and a third line names the CA file that
 * clients must trust:
 *   ca DATA/tls/ca.pem */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "sandbox/sandbox.h"

static void sandbox_usage(FILE *out)
{
    fprintf(out,
            "usage: crmsync sandbox --data DIR [OPTIONS]\n\n"
            "Serves HubSpot's CRM API and Salesforce's REST API on 127.0.0.1, with state\n"
            "kept in DIR (SQLite). Prints the two base URLs, then runs until SIGINT/SIGTERM.\n\n"
            "  --data DIR                 data directory (created if missing; required)\n"
            "  --hubspot-port N           HubSpot API port (default 0: a free port)\n"
            "  --salesforce-port N        Salesforce API port (default 0: a free port)\n"
            "  --token T                  bearer token both APIs accept (default sandbox-token)\n"
            "  --seed-contacts N          make sure HubSpot holds at least N contacts\n"
            "  --seed-leads N             make sure Salesforce holds at least N leads\n"
            "  --hubspot-rate-limit N     requests per 10 s before 429 (default 150; 0 = off)\n"
            "  --salesforce-daily-limit N DailyApiRequests maximum (default 1000000; 0 = off)\n"
            "  --tls                      serve HTTPS with a certificate from a CA kept in\n"
            "                             DIR/tls (made on first start); prints its path\n"
            "  --hubspot-client-id ID     the HubSpot OAuth app's client id (default\n"
            "                             sandbox-client-id)\n"
            "  --hubspot-client-secret S  its client secret (default sandbox-client-secret)\n"
            "  --hubspot-refresh-token T  the refresh token POST /oauth/v1/token accepts\n"
            "                             (default sandbox-refresh-token)\n"
            "  --hubspot-token-lifetime N seconds an issued access token lives (default 1800)\n"
            "  --hubspot-search-rate N    HubSpot searches per second before 429 (default 5;\n"
            "                             0 = off)\n"
            "  --hubspot-search-lag-ms N  a HubSpot write reaches search N ms later (default 0)\n"
            "  --log-level L              debug|info|warn|error|off (default warn)\n");
}

int cs_cmd_sandbox(int argc, char **argv)
{
    cs_sandbox_options opts;
    cs_sandbox_options_default(&opts);
    cs_log_set_level(CS_LOG_WARN);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            sandbox_usage(stdout);
            return 0;
        } else if (strcmp(a, "--data") == 0 && v) {
            opts.data_dir = v;
            i++;
        } else if (strcmp(a, "--token") == 0 && v) {
            if (v[0] == '\0') {
                fprintf(stderr, "crmsync sandbox: --token must not be empty\n");
                return 2;
            }
            opts.token = v;
            i++;
        } else if (strcmp(a, "--hubspot-port") == 0) {
            if (cs_cli_parse_int(a, v, 0, 65535, &n))
                return 2;
            opts.hubspot_port = (int)n;
            i++;
        } else if (strcmp(a, "--salesforce-port") == 0) {
            if (cs_cli_parse_int(a, v, 0, 65535, &n))
                return 2;
            opts.salesforce_port = (int)n;
            i++;
        } else if (strcmp(a, "--seed-contacts") == 0) {
            if (cs_cli_parse_int(a, v, 0, 10000000, &n))
                return 2;
            opts.seed_contacts = (int)n;
            i++;
        } else if (strcmp(a, "--seed-leads") == 0) {
            if (cs_cli_parse_int(a, v, 0, 10000000, &n))
                return 2;
            opts.seed_leads = (int)n;
            i++;
        } else if (strcmp(a, "--hubspot-rate-limit") == 0) {
            if (cs_cli_parse_int(a, v, 0, 1000000, &n))
                return 2;
            opts.hubspot_limit_per_10s = (int)n;
            i++;
        } else if (strcmp(a, "--salesforce-daily-limit") == 0) {
            if (cs_cli_parse_int(a, v, 0, 1000000000, &n))
                return 2;
            opts.salesforce_daily_limit = n;
            i++;
        } else if (strcmp(a, "--tls") == 0) {
            opts.tls = true;
        } else if ((strcmp(a, "--hubspot-client-id") == 0 ||
                    strcmp(a, "--hubspot-client-secret") == 0 ||
                    strcmp(a, "--hubspot-refresh-token") == 0) &&
                   v) {
            if (v[0] == '\0') {
                fprintf(stderr, "crmsync sandbox: %s must not be empty\n", a);
                return 2;
            }
            if (strcmp(a, "--hubspot-client-id") == 0)
                opts.hubspot_client_id = v;
            else if (strcmp(a, "--hubspot-client-secret") == 0)
                opts.hubspot_client_secret = v;
            else
                opts.hubspot_refresh_token = v;
            i++;
        } else if (strcmp(a, "--hubspot-token-lifetime") == 0) {
            if (cs_cli_parse_int(a, v, 1, 86400 * 365, &n))
                return 2;
            opts.hubspot_token_lifetime_s = (int)n;
            i++;
        } else if (strcmp(a, "--hubspot-search-rate") == 0) {
            if (cs_cli_parse_int(a, v, 0, CS_SANDBOX_SEARCH_RATE_MAX, &n))
                return 2;
            opts.hubspot_search_rate = (int)n;
            i++;
        } else if (strcmp(a, "--hubspot-search-lag-ms") == 0) {
            if (cs_cli_parse_int(a, v, 0, CS_SANDBOX_SEARCH_LAG_MAX, &n))
                return 2;
            opts.hubspot_search_lag_ms = (int)n;
            i++;
        } else if (strcmp(a, "--log-level") == 0 && v) {
            cs_log_level lvl;
            if (cs_log_level_parse(v, &lvl) != 0) {
                fprintf(stderr, "crmsync sandbox: --log-level: unknown level '%s'\n", v);
                return 2;
            }
            cs_log_set_level(lvl);
            i++;
        } else {
            fprintf(stderr, "crmsync sandbox: unknown or incomplete option '%s'\n\n", a);
            sandbox_usage(stderr);
            return 2;
        }
    }
    if (opts.data_dir == NULL) {
        fprintf(stderr, "crmsync sandbox: --data DIR is required\n\n");
        sandbox_usage(stderr);
        return 2;
    }
    cs_cli_block_signals();
    cs_sandbox *sb = NULL;
    cs_err err;
    if (cs_sandbox_start(&opts, &sb, &err) != 0) {
        fprintf(stderr, "crmsync sandbox: %s\n", err.message);
        return 1;
    }
    const char *scheme = cs_sandbox_scheme(sb);
    printf("hubspot %s://127.0.0.1:%d\n", scheme, cs_sandbox_hubspot_port(sb));
    printf("salesforce %s://127.0.0.1:%d\n", scheme, cs_sandbox_salesforce_port(sb));
    if (cs_sandbox_ca_file(sb) != NULL)
        printf("ca %s\n", cs_sandbox_ca_file(sb));
    fflush(stdout);
    int sig = cs_cli_wait_signal();
    cs_info("sandbox", "stopping on signal %d", sig);
    cs_sandbox_stop(sb);
    return 0;
}
