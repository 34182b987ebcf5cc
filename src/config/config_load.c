/* Loading crmsync.yaml: read the file (bounded), build the positioned YAML
 * tree, then walk the sections hubspot, salesforce (with its optional oauth
 * block), store and sync into the model, reporting every problem with its
 * position. The contacts section lives in config_contacts.c. Every key but
 * hubspot.base_url and salesforce.instance_url has a default. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_int.h"
#include "core/url_redact.h"

#define MAX_URL 2048

static const char *const g_top_keys[] = {"hubspot",  "salesforce", "store", "sync",
                                         "contacts", "companies",  NULL};
static const char *const g_hubspot_keys[] = {"base_url", "token_env", "oauth", "ca_file", NULL};
static const char *const g_salesforce_keys[] = {"instance_url", "api_version", "token_env",
                                                "oauth",        "ca_file",     NULL};
static const char *const g_hs_oauth_keys[] = {"token_url", "client_id_env", "client_secret_env",
                                              "refresh_token_env", NULL};
static const char *const g_oauth_keys[] = {
    "token_url", "grant", "client_id_env", "client_secret_env", "refresh_token_env", NULL};
static const char *const g_grants[] = {"refresh_token", "client_credentials", NULL};
static const char *const g_sync_keys[] = {"interval",       "overlap",        "hs_batch_size",
                                          "sf_batch_size",  "sf_api_budget",  "retry_budget",
                                          "bulk_threshold", "hs_search_rate", NULL};

static void set_defaults(cs_config *cfg)
{
    cs_endpoints *ep = &cfg->ep;
    ep->hubspot_token_env = "HUBSPOT_TOKEN";
    ep->hs_oauth_client_id_env = "HUBSPOT_CLIENT_ID";
    ep->hs_oauth_client_secret_env = "HUBSPOT_CLIENT_SECRET";
    ep->hs_oauth_refresh_token_env = "HUBSPOT_REFRESH_TOKEN";
    ep->salesforce_api_version = "60.0";
    ep->salesforce_auth = CS_SF_AUTH_TOKEN;
    ep->salesforce_token_env = "SALESFORCE_TOKEN";
    ep->oauth_grant = CS_OAUTH_REFRESH_TOKEN;
    ep->oauth_client_id_env = "SALESFORCE_CLIENT_ID";
    ep->oauth_client_secret_env = "SALESFORCE_CLIENT_SECRET";
    ep->oauth_refresh_token_env = "SALESFORCE_REFRESH_TOKEN";
    cfg->store_url = "sqlite:crmsync.db";
    cfg->sync.interval_ms = 2000;
    cfg->sync.overlap_ms = 5L * 60 * 1000;
    cfg->sync.hs_batch_size = 100;
    cfg->sync.sf_batch_size = 200;
    cfg->sync.hs_search_rate = 5;
    cfg->sync.sf_api_budget = (cs_budget){.percent = true, .value = 80};
    cfg->sync.retry_budget = (cs_budget){.percent = true, .value = 75};
    cfg->sync.bulk_threshold = CS_BULK_THRESHOLD_DEFAULT;
    cs_contact_settings *c = &cfg->contacts;
    c->create_salesforce_as = CS_CREATE_LEAD;
    c->on_salesforce_change = CS_SF_CHANGE_CREATE_OR_UPDATE;
    c->required_placeholder = "[not provided]";
    c->conflict_winner = CS_WINNER_LATEST;
    c->inclusion_list = NULL;
    c->on_salesforce_delete = CS_DELETE_NOTHING;
    c->on_hubspot_delete = CS_DELETE_NOTHING;
}

/* Reads an http(s) URL and drops trailing slashes. */
static int read_url(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *p, const char *path,
                    const char **out)
{
    char *s;
    if (cfg_read_string(ctx, p, path, "config", false, &s) != 0)
        return -1;
    const char *host = strncmp(s, "https://", 8) == 0  ? s + 8
                       : strncmp(s, "http://", 7) == 0 ? s + 7
                                                       : NULL;
    bool bad = host == NULL || host[0] == '\0' || host[0] == '/' || strlen(s) > MAX_URL ||
               strpbrk(s, " \t\r\n?#") != NULL;
    if (bad) {
        char shown[CS_URL_SHOWN_MAX];
        cfg_problem_at(ctx, p->value, path, "config",
                       "'%s' is not an http:// or https:// URL without query or fragment",
                       cs_url_redact(s, shown, sizeof shown));
        free(s);
        return -1;
    }
    size_t len = strlen(s);
    while (len > 0 && s[len - 1] == '/')
        s[--len] = '\0';
    *out = cfg_own(cfg, ctx, s);
    return *out ? 0 : -1;
}

static int read_env_name(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *p, const char *path,
                         const char **out)
{
    char *s;
    if (cfg_read_string(ctx, p, path, "config", false, &s) != 0)
        return -1;
    if (!cfg_valid_env_name(s)) {
        cfg_problem_at(ctx, p->value, path, "config",
                       "'%s' is not an environment variable name (the file names the variable "
                       "holding the secret, never the secret itself)",
                       s);
        free(s);
        return -1;
    }
    *out = cfg_own(cfg, ctx, s);
    return *out ? 0 : -1;
}

/* What kind of file st is, for a refusal. */
static const char *file_kind(const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return "a directory";
    if (S_ISFIFO(st->st_mode))
        return "a FIFO (named pipe)";
    if (S_ISSOCK(st->st_mode))
        return "a socket";
    if (S_ISCHR(st->st_mode))
        return "a character device";
    if (S_ISBLK(st->st_mode))
        return "a block device";
    return "not a regular file";
}

/* Opens path for reading only when it is a regular file. The open does not
 * block (O_NONBLOCK): opening a FIFO with no writer would otherwise wait
 * forever, before any check could refuse it. On failure returns NULL with
 * why filled ("No such file or directory", "a FIFO (named pipe)"). */
static FILE *open_regular(const char *path, char *why, size_t size)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, size, "%s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(why, size, "%s", strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, size, "%s, not a regular file", file_kind(&st));
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (f == NULL) {
        snprintf(why, size, "%s", strerror(errno));
        close(fd);
    }
    return f;
}

/* A CA file: a path to a readable file, checked now so that a typo is a
 * configuration error at its line rather than a TLS failure later. */
static int read_ca_file(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *p, const char *path,
                        const char **out)
{
    char *s;
    if (cfg_read_string(ctx, p, path, "config", false, &s) != 0)
        return -1;
    char why[128] = "path too long";
    FILE *f = strlen(s) <= MAX_URL ? open_regular(s, why, sizeof why) : NULL;
    if (f == NULL) {
        cfg_problem_at(ctx, p->value, path, "config",
                       "cannot read the CA file '%.200s': %s (give the PEM file of the CA that "
                       "signed the server's certificate)",
                       s, why);
        free(s);
        return -1;
    }
    (void)fclose(f);
    *out = cfg_own(cfg, ctx, s);
    return *out ? 0 : -1;
}

static void missing(cfg_ctx *ctx, const cfg_node *at, const char *path)
{
    cfg_problem(ctx, at ? at->line : 1, at ? at->col : 1, path, "config",
                "required key is missing");
}

/* HubSpot OAuth apps use the refresh_token grant only: the refresh token
 * comes from installing the app, once, in a browser. */
static void load_hs_oauth(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section)
{
    const cfg_node *map = NULL;
    if (cfg_read_map(ctx, section, "hubspot.oauth", "config", &map) != 0)
        return;
    cs_endpoints *ep = &cfg->ep;
    ep->hubspot_auth = CS_HS_AUTH_OAUTH;
    cfg_check_keys(ctx, map, "hubspot.oauth", g_hs_oauth_keys, "config");
    const cfg_pair *p;
    if ((p = cfg_lookup(map, "token_url")) != NULL)
        read_url(ctx, cfg, p, "hubspot.oauth.token_url", &ep->hs_oauth_token_url);
    if ((p = cfg_lookup(map, "client_id_env")) != NULL)
        read_env_name(ctx, cfg, p, "hubspot.oauth.client_id_env", &ep->hs_oauth_client_id_env);
    if ((p = cfg_lookup(map, "client_secret_env")) != NULL)
        read_env_name(ctx, cfg, p, "hubspot.oauth.client_secret_env",
                      &ep->hs_oauth_client_secret_env);
    if ((p = cfg_lookup(map, "refresh_token_env")) != NULL)
        read_env_name(ctx, cfg, p, "hubspot.oauth.refresh_token_env",
                      &ep->hs_oauth_refresh_token_env);
}

static void load_hubspot(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section,
                         const cfg_node *root)
{
    const cfg_node *map = NULL;
    if (section != NULL && cfg_read_map(ctx, section, "hubspot", "config", &map) != 0)
        return;
    cfg_check_keys(ctx, map, "hubspot", g_hubspot_keys, "config");
    const cfg_pair *p = cfg_lookup(map, "base_url");
    if (p != NULL)
        read_url(ctx, cfg, p, "hubspot.base_url", &cfg->ep.hubspot_base_url);
    else
        missing(ctx, section ? section->key : root, "hubspot.base_url");
    if ((p = cfg_lookup(map, "ca_file")) != NULL)
        read_ca_file(ctx, cfg, p, "hubspot.ca_file", &cfg->ep.hubspot_ca_file);
    const cfg_pair *tok = cfg_lookup(map, "token_env");
    const cfg_pair *oauth = cfg_lookup(map, "oauth");
    if (tok != NULL && oauth != NULL && !cfg_is_null(oauth->value)) {
        cfg_problem_at(ctx, oauth->key, "hubspot.oauth", "config",
                       "give either token_env (line %d) or an oauth block, not both",
                       tok->key->line);
        return;
    }
    if (tok != NULL)
        read_env_name(ctx, cfg, tok, "hubspot.token_env", &cfg->ep.hubspot_token_env);
    if (oauth != NULL && !cfg_is_null(oauth->value))
        load_hs_oauth(ctx, cfg, oauth);
}

static void load_oauth(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section)
{
    const cfg_node *map = NULL;
    if (cfg_read_map(ctx, section, "salesforce.oauth", "config", &map) != 0)
        return;
    cs_endpoints *ep = &cfg->ep;
    ep->salesforce_auth = CS_SF_AUTH_OAUTH;
    cfg_check_keys(ctx, map, "salesforce.oauth", g_oauth_keys, "config");
    const cfg_pair *p;
    if ((p = cfg_lookup(map, "grant")) != NULL) {
        int g;
        if (cfg_read_enum(ctx, p, "salesforce.oauth.grant", "config", g_grants, &g) == 0)
            ep->oauth_grant = (cs_oauth_grant)g;
    }
    if ((p = cfg_lookup(map, "token_url")) != NULL)
        read_url(ctx, cfg, p, "salesforce.oauth.token_url", &ep->oauth_token_url);
    if ((p = cfg_lookup(map, "client_id_env")) != NULL)
        read_env_name(ctx, cfg, p, "salesforce.oauth.client_id_env", &ep->oauth_client_id_env);
    if ((p = cfg_lookup(map, "client_secret_env")) != NULL)
        read_env_name(ctx, cfg, p, "salesforce.oauth.client_secret_env",
                      &ep->oauth_client_secret_env);
    if ((p = cfg_lookup(map, "refresh_token_env")) != NULL) {
        if (ep->oauth_grant == CS_OAUTH_CLIENT_CREDENTIALS)
            cfg_problem_at(ctx, p->key, "salesforce.oauth.refresh_token_env", "config",
                           "the client_credentials grant uses no refresh token; remove this "
                           "key or use grant: refresh_token");
        else
            read_env_name(ctx, cfg, p, "salesforce.oauth.refresh_token_env",
                          &ep->oauth_refresh_token_env);
    }
    if (ep->oauth_grant == CS_OAUTH_CLIENT_CREDENTIALS)
        ep->oauth_refresh_token_env = NULL;
}

/* "NN.0" or "NNN.0" (Salesforce's REST versions), from 20.0 on. */
static bool valid_api_version(const char *v)
{
    size_t digits = strspn(v, "0123456789");
    return (digits == 2 || digits == 3) && v[0] != '0' && !(digits == 2 && v[0] < '2') &&
           strcmp(v + digits, ".0") == 0;
}

static void load_salesforce(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section,
                            const cfg_node *root)
{
    const cfg_node *map = NULL;
    if (section != NULL && cfg_read_map(ctx, section, "salesforce", "config", &map) != 0)
        return;
    cfg_check_keys(ctx, map, "salesforce", g_salesforce_keys, "config");
    cs_endpoints *ep = &cfg->ep;
    const cfg_pair *p = cfg_lookup(map, "instance_url");
    if (p != NULL)
        read_url(ctx, cfg, p, "salesforce.instance_url", &ep->salesforce_instance_url);
    else
        missing(ctx, section ? section->key : root, "salesforce.instance_url");
    if ((p = cfg_lookup(map, "api_version")) != NULL) {
        char *v;
        if (cfg_read_string(ctx, p, "salesforce.api_version", "config", false, &v) == 0) {
            if (!valid_api_version(v)) {
                cfg_problem_at(ctx, p->value, "salesforce.api_version", "config",
                               "'%s' is not a Salesforce API version such as \"60.0\"", v);
                free(v);
            } else {
                ep->salesforce_api_version = cfg_own(cfg, ctx, v);
            }
        }
    }
    if ((p = cfg_lookup(map, "ca_file")) != NULL)
        read_ca_file(ctx, cfg, p, "salesforce.ca_file", &ep->salesforce_ca_file);
    const cfg_pair *tok = cfg_lookup(map, "token_env");
    const cfg_pair *oauth = cfg_lookup(map, "oauth");
    if (tok != NULL && oauth != NULL && !cfg_is_null(oauth->value)) {
        cfg_problem_at(ctx, oauth->key, "salesforce.oauth", "config",
                       "give either token_env (line %d) or an oauth block, not both",
                       tok->key->line);
        return;
    }
    if (tok != NULL)
        read_env_name(ctx, cfg, tok, "salesforce.token_env", &ep->salesforce_token_env);
    if (oauth != NULL && !cfg_is_null(oauth->value))
        load_oauth(ctx, cfg, oauth);
}

static void load_store(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *p)
{
    char *s;
    if (cfg_read_string(ctx, p, "store", "config", false, &s) != 0)
        return;
    bool ok = false;
    if (strncmp(s, "sqlite:", 7) == 0)
        ok = s[7] != '\0';
    else if (strncmp(s, "postgres://", 11) == 0)
        ok = s[11] != '\0';
    else if (strncmp(s, "postgresql://", 13) == 0)
        ok = s[13] != '\0';
    if (!ok || strlen(s) > MAX_URL) {
        cfg_problem_at(ctx, p->value, "store", "config",
                       "'%s' is not a store URL (sqlite:PATH or postgres://user@host/db)", s);
        free(s);
        return;
    }
    cfg->store_url = cfg_own(cfg, ctx, s);
}

static void load_sync(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section)
{
    const cfg_node *map = NULL;
    if (cfg_read_map(ctx, section, "sync", "config", &map) != 0)
        return;
    cfg_check_keys(ctx, map, "sync", g_sync_keys, "config");
    cs_sync_settings *s = &cfg->sync;
    const long hour = 3600L * 1000;
    const cfg_pair *p;
    long v;
    if ((p = cfg_lookup(map, "interval")) != NULL)
        cfg_read_duration(ctx, p, "sync.interval", "R2", 100, 24 * hour, &s->interval_ms);
    if ((p = cfg_lookup(map, "overlap")) != NULL)
        cfg_read_duration(ctx, p, "sync.overlap", "R2", 0, 24 * hour, &s->overlap_ms);
    if ((p = cfg_lookup(map, "hs_batch_size")) != NULL &&
        cfg_read_int(ctx, p, "sync.hs_batch_size", "config", 1, 100, &v) == 0)
        s->hs_batch_size = (int)v;
    if ((p = cfg_lookup(map, "hs_search_rate")) != NULL &&
        cfg_read_int(ctx, p, "sync.hs_search_rate", "config", 0, 100, &v) == 0)
        s->hs_search_rate = (int)v;
    if ((p = cfg_lookup(map, "sf_batch_size")) != NULL &&
        cfg_read_int(ctx, p, "sync.sf_batch_size", "config", 1, 200, &v) == 0)
        s->sf_batch_size = (int)v;
    if ((p = cfg_lookup(map, "sf_api_budget")) != NULL)
        cfg_read_budget(ctx, p, "sync.sf_api_budget", "R6", &s->sf_api_budget);
    if ((p = cfg_lookup(map, "bulk_threshold")) != NULL &&
        cfg_read_int(ctx, p, "sync.bulk_threshold", "config", 0, CS_BULK_THRESHOLD_MAX, &v) == 0)
        s->bulk_threshold = v;
    const cfg_pair *r = cfg_lookup(map, "retry_budget");
    if (r != NULL && cfg_read_budget(ctx, r, "sync.retry_budget", "R6", &s->retry_budget) == 0 &&
        !s->retry_budget.percent && !s->sf_api_budget.percent &&
        s->retry_budget.value > s->sf_api_budget.value)
        cfg_problem_at(ctx, r->value, "sync.retry_budget", "R6",
                       "%ld calls is more than sync.sf_api_budget (%ld): retries stop before "
                       "the budget, never after",
                       s->retry_budget.value, s->sf_api_budget.value);
}

static void load_root(cfg_ctx *ctx, cs_config *cfg, const cfg_node *root)
{
    if (root != NULL && root->kind != CFG_MAP) {
        cfg_problem_at(ctx, root, NULL, "config",
                       "expected a mapping of sections (hubspot, salesforce, store, sync, "
                       "contacts), got %s",
                       cfg_kind_name(root));
        return;
    }
    cfg_check_keys(ctx, root, NULL, g_top_keys, "config");
    load_hubspot(ctx, cfg, cfg_lookup(root, "hubspot"), root);
    load_salesforce(ctx, cfg, cfg_lookup(root, "salesforce"), root);
    const cfg_pair *p;
    if ((p = cfg_lookup(root, "store")) != NULL)
        load_store(ctx, cfg, p);
    if ((p = cfg_lookup(root, "sync")) != NULL)
        load_sync(ctx, cfg, p);
    cfg_load_contacts(ctx, cfg, cfg_lookup(root, "contacts"));
    cfg_load_companies(ctx, cfg, cfg_lookup(root, "companies"));
}

/* base + suffix, owned by cfg; NULL when memory ran out. */
static const char *joined(cfg_ctx *ctx, cs_config *cfg, const char *base, const char *suffix)
{
    size_t n = strlen(base) + strlen(suffix) + 1;
    char *url = malloc(n);
    if (url == NULL) {
        ctx->oom = true;
        return NULL;
    }
    if (snprintf(url, n, "%s%s", base, suffix) < 0)
        url[0] = '\0';
    return cfg_own(cfg, ctx, url);
}

/* The token URLs default to the API's own OAuth endpoint. */
static void finish_endpoints(cfg_ctx *ctx, cs_config *cfg)
{
    cs_endpoints *ep = &cfg->ep;
    if (ep->hubspot_auth == CS_HS_AUTH_OAUTH && ep->hs_oauth_token_url == NULL &&
        ep->hubspot_base_url != NULL)
        ep->hs_oauth_token_url = joined(ctx, cfg, ep->hubspot_base_url, "/oauth/v1/token");
    if (ep->salesforce_auth != CS_SF_AUTH_OAUTH || ep->oauth_token_url != NULL ||
        ep->salesforce_instance_url == NULL)
        return;
    size_t n = strlen(ep->salesforce_instance_url) + sizeof "/services/oauth2/token";
    char *url = malloc(n);
    if (url == NULL) {
        ctx->oom = true;
        return;
    }
    if (snprintf(url, n, "%s/services/oauth2/token", ep->salesforce_instance_url) < 0)
        url[0] = '\0';
    ep->oauth_token_url = cfg_own(cfg, ctx, url);
}

int cs_config_load_string_all(const char *name, const char *text, size_t len, cs_config **out,
                              cs_buf *problems, cs_err *err)
{
    if (name == NULL)
        name = "crmsync.yaml";
    if (len > CS_CONFIG_MAX_BYTES)
        return cs_err_set(err, CS_ERR_CONFIG, "%s: larger than %zu bytes", name,
                          CS_CONFIG_MAX_BYTES);
    cfg_ctx ctx;
    cfg_ctx_init(&ctx, name);
    cs_config *cfg = calloc(1, sizeof *cfg);
    if (cfg == NULL) {
        cfg_ctx_dispose(&ctx);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    set_defaults(cfg);
    cfg->source = cfg_own_dup(cfg, &ctx, name);
    cfg_node *root = NULL;
    if (cfg_yaml_parse(&ctx, text, len, &root) == 0) {
        load_root(&ctx, cfg, root);
        finish_endpoints(&ctx, cfg);
    }
    cfg_node_free(root);
    if (ctx.nproblems > 0 || ctx.oom) {
        int rc = cfg_ctx_fail(&ctx, problems, err);
        cfg_ctx_dispose(&ctx);
        cs_config_free(cfg);
        return rc;
    }
    cfg_ctx_dispose(&ctx);
    *out = cfg;
    return 0;
}

int cs_config_load_string(const char *name, const char *text, size_t len, cs_config **out,
                          cs_err *err)
{
    return cs_config_load_string_all(name, text, len, out, NULL, err);
}

int cs_config_load_all(const char *path, cs_config **out, cs_buf *problems, cs_err *err)
{
    char why[128];
    FILE *f = open_regular(path, why, sizeof why);
    if (f == NULL)
        return cs_err_set(err, CS_ERR_IO, "%s: cannot open: %s", path, why);
    char *text = malloc(CS_CONFIG_MAX_BYTES + 1);
    if (text == NULL) {
        (void)fclose(f);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    size_t len = fread(text, 1, CS_CONFIG_MAX_BYTES + 1, f);
    bool failed = ferror(f) != 0;
    (void)fclose(f);
    int rc;
    if (failed)
        rc = cs_err_set(err, CS_ERR_IO, "%s: cannot read", path);
    else if (len > CS_CONFIG_MAX_BYTES)
        rc = cs_err_set(err, CS_ERR_CONFIG, "%s: larger than %zu bytes", path, CS_CONFIG_MAX_BYTES);
    else
        rc = cs_config_load_string_all(path, text, len, out, problems, err);
    free(text);
    return rc;
}

int cs_config_load(const char *path, cs_config **out, cs_err *err)
{
    return cs_config_load_all(path, out, NULL, err);
}
