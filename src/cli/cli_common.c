/* Shared plumbing of the sync commands: one option syntax, configuration
 * loading with every problem printed, and opening the store, the secrets and
 * both connectors from a loaded configuration. See cli_common.h. */
#include "cli/cli_common.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "core/url_redact.h"
#include "net/net.h"

/* ---- option parsing ---------------------------------------------------------- */

void cs_cli_args_init(cs_cli_args *a, const char *command, int argc, char **argv)
{
    a->command = command;
    a->argc = argc;
    a->argv = argv;
    a->i = 0;
    a->value = NULL;
}

bool cs_cli_args_next(cs_cli_args *a)
{
    a->i++;
    a->value = NULL;
    return a->i < a->argc;
}

bool cs_cli_args_flag(const cs_cli_args *a, const char *name)
{
    return strcmp(a->argv[a->i], name) == 0;
}

bool cs_cli_args_value(cs_cli_args *a, const char *name, bool *missing)
{
    const char *arg = a->argv[a->i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '=') {
        a->value = arg + n + 1;
        return true;
    }
    if (arg[n] != '\0')
        return false;
    if (a->i + 1 >= a->argc) {
        *missing = true;
        return false;
    }
    a->i++;
    a->value = a->argv[a->i];
    return true;
}

int cs_cli_args_bad(const cs_cli_args *a, bool missing)
{
    if (missing)
        fprintf(stderr, "crmsync %s: option '%s' needs a value\n", a->command, a->argv[a->i]);
    else
        fprintf(stderr, "crmsync %s: unknown option '%s'\n", a->command, a->argv[a->i]);
    fprintf(stderr, "Run 'crmsync %s --help' for its options.\n", a->command);
    return CS_EXIT_USAGE;
}

int cs_cli_config_only(const char *command, int argc, char **argv, void (*usage)(FILE *),
                       const char **config)
{
    bool missing = false;
    cs_cli_args a;
    cs_cli_args_init(&a, command, argc, argv);
    while (cs_cli_args_next(&a)) {
        if (cs_cli_args_flag(&a, "--help") || cs_cli_args_flag(&a, "-h")) {
            usage(stdout);
            return CS_EXIT_OK;
        }
        if (!cs_cli_args_value(&a, "--config", &missing))
            return cs_cli_args_bad(&a, missing);
        *config = a.value;
    }
    return -1;
}

/* A duration as the configuration spells it (sync.interval): a whole number
 * and a unit. */
static int duration_ms(const char *s, long *ms)
{
    if (!isdigit((unsigned char)s[0]))
        return -1;
    char *end = NULL;
    errno = 0;
    long n = strtol(s, &end, 10);
    long unit = strcmp(end, "ms") == 0  ? 1
                : strcmp(end, "s") == 0 ? 1000
                : strcmp(end, "m") == 0 ? 60000
                : strcmp(end, "h") == 0 ? 3600000
                                        : 0;
    if (errno != 0 || unit == 0 || n > LONG_MAX / unit)
        return -1;
    *ms = n * unit;
    return 0;
}

/* 2h, 5m, 3s or 250ms: the largest unit that divides ms. */
static void format_duration(char *out, size_t size, long ms)
{
    int n = ms > 0 && ms % 3600000 == 0 ? snprintf(out, size, "%ldh", ms / 3600000)
            : ms > 0 && ms % 60000 == 0 ? snprintf(out, size, "%ldm", ms / 60000)
            : ms % 1000 == 0            ? snprintf(out, size, "%lds", ms / 1000)
                                        : snprintf(out, size, "%ldms", ms);
    if (n < 0 && size > 0)
        out[0] = '\0';
}

int cs_cli_parse_duration(const char *option, const char *value, long min_ms, long max_ms,
                          long *out_ms)
{
    const char *t = value ? value : "";
    long ms = 0;
    if (duration_ms(t, &ms) != 0) {
        if (t[0] != '\0' && strspn(t, "0123456789") == strlen(t))
            fprintf(stderr, "crmsync: %s: '%s' needs a unit: ms, s, m or h (e.g. %ss)\n", option, t,
                    t);
        else
            fprintf(stderr,
                    "crmsync: %s: '%s' is not a duration (a whole number and ms, s, m or h: 2s, "
                    "500ms, 5m, 1h)\n",
                    option, t);
        return -1;
    }
    if (ms < min_ms || ms > max_ms) {
        char lo[32], hi[32];
        format_duration(lo, sizeof lo, min_ms);
        format_duration(hi, sizeof hi, max_ms);
        fprintf(stderr, "crmsync: %s: %s is out of range (%s to %s)\n", option, t, lo, hi);
        return -1;
    }
    *out_ms = ms;
    return 0;
}

/* ---- configuration ---------------------------------------------------------- */

int cs_cli_load_config(const char *command, const char *path, cs_config **out)
{
    cs_buf problems;
    cs_buf_init(&problems, (size_t)1 << 20);
    cs_err err;
    cs_err_clear(&err);
    int rc = cs_config_load_all(path, out, &problems, &err);
    if (rc == 0) {
        cs_buf_free(&problems);
        return CS_EXIT_OK;
    }
    if (problems.len > 0) {
        fprintf(stderr, "%s", cs_buf_str(&problems));
        if (problems.data[problems.len - 1] != '\n')
            fputc('\n', stderr);
    } else {
        fprintf(stderr, "%s\n", err.message);
    }
    if (err.category == CS_ERR_IO)
        fprintf(stderr,
                "crmsync %s: cannot read the configuration '%s' (write one with 'crmsync init', "
                "or give --config FILE)\n",
                command, path);
    else
        fprintf(stderr,
                "crmsync %s: the configuration '%s' has errors (see docs/configuration.md)\n",
                command, path);
    cs_buf_free(&problems);
    return CS_EXIT_USAGE;
}

int cs_cli_fail(const char *command, const cs_err *err)
{
    fprintf(stderr, "crmsync %s: %s\n", command, err->message);
    return err->category == CS_ERR_CONFIG ? CS_EXIT_USAGE : CS_EXIT_FAILURE;
}

static int open_connectors(cs_cli_env *env, cs_err *err)
{
    const cs_endpoints *ep = cs_config_endpoints(env->cfg);
    const cs_sync_settings *ss = cs_config_sync(env->cfg);
    if (cs_config_credentials(env->cfg, &env->creds, err) != 0)
        return -1;
    cs_connector_options o;
    memset(&o, 0, sizeof o);
    o.base_url = ep->hubspot_base_url;
    o.batch_size = ss->hs_batch_size;
    o.search_rate = ss->hs_search_rate;
    o.max_retries = -1;
    o.ca_file = ep->hubspot_ca_file;
    o.api_label = "HubSpot";
    o.ca_setting = "hubspot.ca_file";
    if (ep->hubspot_auth == CS_HS_AUTH_OAUTH) {
        cs_oauth_config oc;
        memset(&oc, 0, sizeof oc);
        oc.token_url = ep->hs_oauth_token_url;
        oc.grant = CS_NET_GRANT_REFRESH_TOKEN;
        oc.client_id = env->creds.hubspot_client_id;
        oc.client_secret = env->creds.hubspot_client_secret;
        oc.refresh_token = env->creds.hubspot_refresh_token;
        oc.label = "HubSpot OAuth (hubspot.oauth)";
        oc.no_instance_url = true;
        oc.http.ca_file = ep->hubspot_ca_file;
        oc.http.api_label = "HubSpot";
        oc.http.ca_setting = "hubspot.ca_file";
        /* The first token now: bad app credentials are reported before any
         * work starts, not in the middle of a pass. */
        if (cs_oauth_new(&oc, &env->hs_oauth, err) != 0 || cs_oauth_fetch(env->hs_oauth, err) != 0)
            return -1;
        o.token_cb = cs_oauth_token_cb;
        o.refresh_cb = cs_oauth_refresh_cb;
        o.auth_ud = env->hs_oauth;
    } else {
        o.token = env->creds.hubspot_token;
    }
    if (cs_hubspot_connector_new(&o, &env->hubspot, err) != 0)
        return -1;
    memset(&o, 0, sizeof o);
    o.ca_file = ep->salesforce_ca_file;
    o.api_label = "Salesforce";
    o.ca_setting = "salesforce.ca_file";
    o.base_url = ep->salesforce_instance_url;
    o.api_version = ep->salesforce_api_version;
    o.batch_size = ss->sf_batch_size;
    o.max_retries = -1;
    if (ep->salesforce_auth == CS_SF_AUTH_OAUTH) {
        cs_oauth_config oc;
        memset(&oc, 0, sizeof oc);
        oc.token_url = ep->oauth_token_url;
        oc.grant = (cs_net_grant)ep->oauth_grant;
        oc.client_id = env->creds.salesforce_client_id;
        oc.client_secret = env->creds.salesforce_client_secret;
        oc.refresh_token = env->creds.salesforce_refresh_token;
        oc.label = "Salesforce OAuth (salesforce.oauth)";
        oc.http.ca_file = ep->salesforce_ca_file;
        oc.http.api_label = "Salesforce";
        oc.http.ca_setting = "salesforce.ca_file";
        if (cs_oauth_new(&oc, &env->oauth, err) != 0)
            return -1;
        o.token_cb = cs_oauth_token_cb;
        o.refresh_cb = cs_oauth_refresh_cb;
        o.auth_ud = env->oauth;
    } else {
        o.token = env->creds.salesforce_token;
    }
    return cs_salesforce_connector_new(&o, &env->salesforce, err);
}

/* One writer per store: taken before the connectors open, so a refused
 * command makes no API call. */
static int lock_store(const char *command, cs_cli_env *env)
{
    char holder[64];
    if (snprintf(holder, sizeof holder, "crmsync %s", command) < 0)
        holder[0] = '\0';
    int64_t interrupted = 0;
    cs_err err;
    cs_err_clear(&err);
    if (cs_store_lock(env->store, holder, &interrupted, &err) != 0) {
        fprintf(stderr, "crmsync %s: %s\n", command, err.message);
        return CS_EXIT_FAILURE;
    }
    if (interrupted > 0)
        fprintf(stderr,
                "crmsync %s: %lld earlier run%s had no process left to finish %s (killed or "
                "crashed): marked interrupted; this pass re-reads from the last durable point\n",
                command, (long long)interrupted, interrupted == 1 ? "" : "s",
                interrupted == 1 ? "it" : "them");
    return CS_EXIT_OK;
}

/* Only a command that writes the store creates it: a reader given a path
 * that does not exist (a typo, another directory) says so and creates
 * nothing. */
static int open_store(const char *command, unsigned what, cs_cli_env *env)
{
    const char *url = cs_config_store_url(env->cfg);
    char shown[CS_URL_SHOWN_MAX];
    cs_url_redact(url, shown, sizeof shown);
    cs_err err;
    cs_err_clear(&err);
    int rc = (what & CS_CLI_OPEN_WRITE) ? cs_store_open(url, &env->store, &err)
                                        : cs_store_open_existing(url, &env->store, &err);
    if (rc != 0 && err.category == CS_ERR_NOT_FOUND && (what & CS_CLI_OPEN_MAY_BE_NEW)) {
        fprintf(stderr,
                "crmsync %s: no state store at '%s' yet (store: in %s): planning as for a first "
                "pass\n",
                command, shown, cs_config_source(env->cfg));
        cs_err_clear(&err);
        rc = cs_store_open("sqlite::memory:", &env->store, &err);
    }
    if (rc == 0)
        return CS_EXIT_OK;
    if (err.category == CS_ERR_NOT_FOUND) {
        fprintf(stderr,
                "crmsync %s: no state store at '%s' (store: in %s): nothing has synced with this "
                "configuration yet, or the path is mistyped; `crmsync sync` creates the store\n",
                command, shown, cs_config_source(env->cfg));
        return CS_EXIT_FAILURE;
    }
    fprintf(stderr, "crmsync %s: state store '%s' (store: in %s): %s\n", command, shown,
            cs_config_source(env->cfg), err.message);
    return err.category == CS_ERR_CONFIG ? CS_EXIT_USAGE : CS_EXIT_FAILURE;
}

int cs_cli_env_open(const char *command, const char *config_path, unsigned what, cs_cli_env *env)
{
    memset(env, 0, sizeof *env);
    int code = cs_cli_load_config(command, config_path, &env->cfg);
    if (code != CS_EXIT_OK)
        return code;
    cs_err err;
    cs_err_clear(&err);
    if (what & (CS_CLI_OPEN_STORE | CS_CLI_OPEN_WRITE)) {
        code = open_store(command, what, env);
        if (code != CS_EXIT_OK)
            return code;
    }
    if ((what & CS_CLI_OPEN_WRITE) && lock_store(command, env) != CS_EXIT_OK)
        return CS_EXIT_FAILURE;
    if ((what & CS_CLI_OPEN_CONNECTORS) && open_connectors(env, &err) != 0) {
        if (err.category == CS_ERR_AUTH && env->hs_oauth != NULL && env->hubspot == NULL) {
            const cs_endpoints *ep = cs_config_endpoints(env->cfg);
            fprintf(stderr, "crmsync %s: %s\n", command, err.message);
            fprintf(stderr,
                    "HubSpot refused the OAuth app's credentials: check the client id, client "
                    "secret and refresh token in %s, %s and %s (hubspot.oauth in %s).\n",
                    ep->hs_oauth_client_id_env, ep->hs_oauth_client_secret_env,
                    ep->hs_oauth_refresh_token_env, cs_config_source(env->cfg));
            return CS_EXIT_USAGE;
        }
        if (err.category == CS_ERR_AUTH) {
            fprintf(stderr, "crmsync %s: %s\n", command, err.message);
            fprintf(stderr,
                    "Secrets come from the environment only: the variables named by token_env, "
                    "or by the oauth block's *_env keys, in %s.\n",
                    cs_config_source(env->cfg));
            return CS_EXIT_USAGE;
        }
        return cs_cli_fail(command, &err);
    }
    return CS_EXIT_OK;
}

void cs_cli_env_close(cs_cli_env *env)
{
    if (env == NULL)
        return;
    cs_connector_free(env->hubspot);
    cs_connector_free(env->salesforce);
    cs_oauth_free(env->oauth);
    cs_oauth_free(env->hs_oauth);
    cs_store_close(env->store);
    cs_credentials_dispose(&env->creds);
    cs_config_free(env->cfg);
    memset(env, 0, sizeof *env);
}

/* ---- the live check (crmsync check, demo) ---- */

/* A cs_schema view of a connector schema; fields borrowed from s. */
static int schema_view(const cs_object_schema *s, cs_schema *out, cs_schema_field **storage)
{
    cs_schema_field *f = calloc(s->count ? s->count : 1, sizeof *f);
    if (f == NULL)
        return -1;
    for (size_t i = 0; i < s->count; i++) {
        const cs_field_schema *src = &s->fields[i];
        f[i].name = src->name;
        f[i].type = src->type;
        f[i].field_type = src->field_type;
        f[i].options = (const char *const *)src->options;
        f[i].option_count = src->option_count;
        f[i].length = src->length;
        f[i].createable = src->createable;
        f[i].updateable = src->updateable;
        f[i].is_reference = src->is_reference;
        f[i].restricted_picklist = src->restricted_picklist;
    }
    out->object = s->object;
    out->fields = f;
    out->count = s->count;
    *storage = f;
    return 0;
}

static void print_problem(FILE *f, const cs_check_problem *p)
{
    const char *sev = p->severity == CS_CHECK_ERROR ? "error" : "warning";
    if (p->sf_object != NULL && p->sf_field != NULL)
        fprintf(f, "  %-7s %s <-> %s.%s: %s\n", sev, p->hs_property ? p->hs_property : "-",
                p->sf_object, p->sf_field, p->message);
    else
        fprintf(f, "  %-7s %s: %s\n", sev, p->hs_property ? p->hs_property : "-", p->message);
}

/* A1: with companies: enabled, the company mappings against HubSpot's
 * companies and Salesforce's Account, appended to rep. */
static int check_companies(cs_cli_env *env, FILE *f, cs_check_report *rep, cs_err *err)
{
    if (!cs_config_companies(env->cfg)->enabled)
        return 0;
    const cs_object_schema *hs = NULL, *account = NULL;
    if (cs_connector_describe(env->hubspot, "companies", &hs, err) != 0 ||
        cs_connector_describe(env->salesforce, "Account", &account, err) != 0)
        return -1;
    fprintf(f, "companies: HubSpot companies have %zu properties, Account has %zu fields\n",
            hs->count, account->count);
    cs_schema v_hs, v_account;
    cs_schema_field *s1 = NULL, *s2 = NULL;
    int rc = 0;
    if (schema_view(hs, &v_hs, &s1) != 0 || schema_view(account, &v_account, &s2) != 0)
        rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    else
        rc = cs_config_check_companies(env->cfg, &v_hs, &v_account, rep, err);
    free(s1);
    free(s2);
    return rc;
}

/* Fetches the three schemas, checks every mapping against them and prints
 * the result to f (each problem when verbose). See cli_common.h. */
int cs_cli_check_live(cs_cli_env *env, FILE *f, bool verbose)
{
    const cs_endpoints *ep = cs_config_endpoints(env->cfg);
    const cs_object_schema *hs = NULL, *lead = NULL, *contact = NULL;
    cs_err err;
    cs_err_clear(&err);
    char hs_url[CS_URL_SHOWN_MAX], sf_url[CS_URL_SHOWN_MAX];
    cs_url_redact(ep->hubspot_base_url, hs_url, sizeof hs_url);
    cs_url_redact(ep->salesforce_instance_url, sf_url, sizeof sf_url);
    if (cs_connector_describe(env->hubspot, "contacts", &hs, &err) != 0) {
        fprintf(f, "HubSpot %s: FAILED\n", hs_url);
        cs_cli_fail("check", &err);
        return CS_EXIT_FAILURE;
    }
    fprintf(f, "HubSpot %s: contacts have %zu properties\n", hs_url, hs->count);
    if (cs_connector_describe(env->salesforce, "Lead", &lead, &err) != 0 ||
        cs_connector_describe(env->salesforce, "Contact", &contact, &err) != 0) {
        fprintf(f, "Salesforce %s: FAILED\n", sf_url);
        cs_cli_fail("check", &err);
        return CS_EXIT_FAILURE;
    }
    fprintf(f, "Salesforce %s: Lead has %zu fields, Contact has %zu fields\n", sf_url, lead->count,
            contact->count);
    cs_schema v_hs, v_lead, v_contact;
    cs_schema_field *s1 = NULL, *s2 = NULL, *s3 = NULL;
    cs_check_report *rep = NULL;
    int code;
    if (schema_view(hs, &v_hs, &s1) != 0 || schema_view(lead, &v_lead, &s2) != 0 ||
        schema_view(contact, &v_contact, &s3) != 0) {
        fprintf(stderr, "crmsync check: out of memory\n");
        code = CS_EXIT_FAILURE;
    } else if (cs_config_check(env->cfg, &v_hs, &v_lead, &v_contact, &rep, &err) != 0 ||
               check_companies(env, f, rep, &err) != 0) {
        code = cs_cli_fail("check", &err);
    } else {
        size_t n = cs_check_report_count(rep), errors = cs_check_report_errors(rep);
        size_t maps = 0, cmaps = 0;
        cs_config_mappings(env->cfg, &maps);
        if (cs_config_companies(env->cfg)->enabled)
            cs_config_company_mappings(env->cfg, &cmaps);
        maps += cmaps;
        for (size_t i = 0; i < n; i++) {
            const cs_check_problem *p = cs_check_report_get(rep, i);
            if (verbose || p->severity == CS_CHECK_ERROR)
                print_problem(f, p);
        }
        if (errors == 0) {
            fprintf(f, "OK: %zu mappings checked against the live schemas", maps);
            if (n > errors)
                fprintf(f, " (%zu warning%s)", n - errors, n - errors == 1 ? "" : "s");
            fprintf(f, "\n");
            code = CS_EXIT_OK;
        } else {
            fprintf(f,
                    "%zu error%s, %zu warning%s in %zu mappings (see docs/configuration.md, "
                    "crmsync check)\n",
                    errors, errors == 1 ? "" : "s", n - errors, n - errors == 1 ? "" : "s", maps);
            code = CS_EXIT_FAILURE;
        }
    }
    cs_check_report_free(rep);
    free(s1);
    free(s2);
    free(s3);
    return code;
}

/* ---- printing ------------------------------------------------------------- */

void cs_cli_format_time(int64_t ms, char out[32])
{
    if (ms <= 0) {
        snprintf(out, 32, "-");
        return;
    }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(out, 32, "%lld", (long long)ms);
}

static void span(int64_t d, char *out, size_t size)
{
    int64_t s = d / 1000;
    if (s < 60)
        snprintf(out, size, "%llds", (long long)s);
    else if (s < 3600)
        snprintf(out, size, "%lldm %02llds", (long long)(s / 60), (long long)(s % 60));
    else if (s < 86400)
        snprintf(out, size, "%lldh %02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else
        snprintf(out, size, "%lldd %02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
}

void cs_cli_format_relative(int64_t ms, int64_t now_ms, char out[32])
{
    char s[24];
    if (ms <= 0) {
        snprintf(out, 32, "-");
    } else if (ms <= now_ms) {
        span(now_ms - ms, s, sizeof s);
        snprintf(out, 32, "%s ago", s);
    } else {
        span(ms - now_ms, s, sizeof s);
        snprintf(out, 32, "in %s", s);
    }
}

const char *cs_cli_cell(const char *s, size_t width, char *buf, size_t size)
{
    if (s == NULL || s[0] == '\0')
        return "-";
    size_t len = strlen(s);
    if (len <= width || size < 8)
        return s;
    size_t keep = width > 3 ? width - 3 : 0;
    if (keep > size - 4)
        keep = size - 4;
    /* Never cut inside a UTF-8 sequence. */
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
        keep--;
    memcpy(buf, s, keep);
    memcpy(buf + keep, "...", 4);
    return buf;
}

void cs_cli_pass_options_init(cs_cli_pass_options *o)
{
    memset(o, 0, sizeof *o);
    o->config = CS_CLI_DEFAULT_CONFIG;
}

int cs_cli_pass_option(cs_cli_args *a, cs_cli_pass_options *o, bool *missing)
{
    if (cs_cli_args_flag(a, "--full")) {
        o->full = true;
    } else if (cs_cli_args_value(a, "--config", missing)) {
        o->config = a->value;
    } else if (cs_cli_args_value(a, "--backfill", missing)) {
        if (o->nbackfill == CS_CLI_MAX_BACKFILL) {
            fprintf(stderr, "crmsync %s: at most %d --backfill options\n", a->command,
                    CS_CLI_MAX_BACKFILL);
            return CS_EXIT_USAGE;
        }
        o->backfill[o->nbackfill++] = a->value;
    } else {
        return 0;
    }
    return 1;
}
