/* Test fixture for the sync engine's suites: an in-process sandbox (both APIs
 * on 127.0.0.1, port 0) in a temporary directory, HTTP clients that seed and
 * edit records through the APIs and read the sandbox's request statistics,
 * and the engine itself (config, store, connectors, cs_sync) pointed at it.
 * Header-only (static inline) so each suite is one self-contained file. */
#ifndef CS_TESTS_SYNC_FIXTURE_H
#define CS_TESTS_SYNC_FIXTURE_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "connector/connector.h"
#include "engine/sync.h"
#include "net/net.h"
#include "sandbox/sandbox.h"
#include "store/store.h"
#include "tmp_fixture.h"

#define FX_TOKEN "sync-test-token"
#define FX_SF    "/services/data/v60.0"

typedef struct fx {
    char dir[128];
    cs_sandbox *sb;
    int hs_port, sf_port;
    cs_http_client *hs_http, *sf_http; /* seeding and checks, straight to the sandbox */
    cs_config *cfg;
    cs_store *store;
    cs_connector *hs, *sf;
    cs_sync *sync;
    volatile sig_atomic_t stop;
    cs_sync_progress_fn progress;
    void *progress_ud;
    size_t round_records;
    int hs_batch;                        /* HubSpot inputs per write call; 0: the API's maximum */
    const cs_retry_policy *retry_policy; /* R8 schedule; NULL: the default */
} fx;

static inline void fx_rmrf(const char *dir)
{
    char cmd[300];
    if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) > 0 && system(cmd) != 0)
        cr_log_warn("could not remove %s", dir);
}

static inline cs_http_client *fx_client(int port)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    cs_http_options o = {.base_url = url, .no_retry = true};
    cs_http_client *c = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_http_client_new(&o, &c, &err), 0, "%s", err.message);
    return c;
}

/* Starts the sandbox (no seed data). */
static inline void fx_sandbox(fx *f)
{
    memset(f, 0, sizeof *f);
    tmp_dir(f->dir, sizeof f->dir, "crmsync-sync-");
    cs_sandbox_options o;
    cs_sandbox_options_default(&o);
    o.data_dir = f->dir;
    o.token = FX_TOKEN;
    o.hubspot_limit_per_10s = 0;
    cs_err err = {0};
    cr_assert_eq(cs_sandbox_start(&o, &f->sb, &err), 0, "%s", err.message);
    f->hs_port = cs_sandbox_hubspot_port(f->sb);
    f->sf_port = cs_sandbox_salesforce_port(f->sb);
    f->hs_http = fx_client(f->hs_port);
    f->sf_http = fx_client(f->sf_port);
}

/* One API or admin call; the answer (NULL when empty) or a failed test. */
static inline json_t *fx_call_status(cs_http_client *c, cs_http_method m, const char *path,
                                     json_t *body, long *status)
{
    cs_http_kv auth = {"Authorization", "Bearer " FX_TOKEN};
    cs_http_request req = {.method = m, .path = path, .headers = &auth, .nheaders = 1};
    cs_http_response resp;
    cs_http_response_init(&resp);
    json_t *out = NULL;
    cs_err err = {0};
    int rc = cs_http_request_json(c, &req, body, &out, &resp, &err);
    /* HubSpot's search allows 5 requests a second: wait one out, as its SDK
     * does, rather than switch the limit off. */
    for (int i = 0; rc != 0 && i < 5 && resp.policy == CS_RATE_HS_SECONDLY; i++) {
        usleep(1000 * 1000);
        cs_http_response_dispose(&resp);
        cs_http_response_init(&resp);
        rc = cs_http_request_json(c, &req, body, &out, &resp, &err);
    }
    json_decref(body);
    *status = resp.status;
    cs_http_response_dispose(&resp);
    if (rc != 0)
        return NULL;
    return out ? out : json_object();
}

static inline json_t *fx_call(cs_http_client *c, cs_http_method m, const char *path, json_t *body)
{
    long status = 0;
    json_t *out = fx_call_status(c, m, path, body, &status);
    cr_assert_not_null(out, "%s %s answered %ld", cs_http_method_name(m), path, status);
    return out;
}

/* Creates an HS contact from "k", "v", ... pairs (NULL-terminated); returns its id. */
static inline char *fx_hs_create(fx *f, json_t *props)
{
    json_t *ans = fx_call(f->hs_http, CS_HTTP_POST, "/crm/v3/objects/contacts",
                          json_pack("{s:o,s:[]}", "properties", props, "associations"));
    char *id = strdup(json_string_value(json_object_get(ans, "id")));
    json_decref(ans);
    return id;
}

static inline void fx_hs_patch(fx *f, const char *id, json_t *props)
{
    char path[128];
    snprintf(path, sizeof path, "/crm/v3/objects/contacts/%s", id);
    json_decref(fx_call(f->hs_http, CS_HTTP_PATCH, path, json_pack("{s:o}", "properties", props)));
}

static inline char *fx_sf_create(fx *f, const char *type, json_t *fields)
{
    char path[128];
    snprintf(path, sizeof path, FX_SF "/sobjects/%s", type);
    json_t *ans = fx_call(f->sf_http, CS_HTTP_POST, path, fields);
    char *id = strdup(json_string_value(json_object_get(ans, "id")));
    json_decref(ans);
    return id;
}

static inline void fx_sf_patch(fx *f, const char *type, const char *id, json_t *fields)
{
    char path[160];
    snprintf(path, sizeof path, FX_SF "/sobjects/%s/%s", type, id);
    json_decref(fx_call(f->sf_http, CS_HTTP_PATCH, path, fields));
}

/* A field of one record read straight from the API (a new string or NULL). */
static inline char *fx_hs_get(fx *f, const char *id, const char *prop)
{
    char path[256];
    snprintf(path, sizeof path, "/crm/v3/objects/contacts/%s?properties=%s", id, prop);
    json_t *ans = fx_call(f->hs_http, CS_HTTP_GET, path, NULL);
    const char *v = json_string_value(json_object_get(json_object_get(ans, "properties"), prop));
    char *out = v ? strdup(v) : NULL;
    json_decref(ans);
    return out;
}

static inline char *fx_sf_get(fx *f, const char *type, const char *id, const char *field)
{
    char path[256];
    snprintf(path, sizeof path, FX_SF "/sobjects/%s/%s", type, id);
    json_t *ans = fx_call(f->sf_http, CS_HTTP_GET, path, NULL);
    json_t *v = json_object_get(ans, field);
    char *out = NULL;
    if (json_is_string(v))
        out = strdup(json_string_value(v));
    else if (json_is_boolean(v))
        out = strdup(json_is_true(v) ? "true" : "false");
    json_decref(ans);
    return out;
}

/* The ids of the HS contacts with this email (exact), as a JSON array. */
static inline json_t *fx_hs_by_email(fx *f, const char *email)
{
    json_t *body =
        json_pack("{s:[{s:[{s:s,s:s,s:s}]}],s:[s,s,s],s:i}", "filterGroups", "filters",
                  "propertyName", "email", "operator", "EQ", "value", email, "properties", "email",
                  "salesforceleadid", "salesforcecontactid", "limit", 100);
    json_t *ans = fx_call(f->hs_http, CS_HTTP_POST, "/crm/v3/objects/contacts/search", body);
    json_t *ids = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(ans, "results"), i, r)
        json_array_append(ids, json_object_get(r, "id"));
    json_decref(ans);
    return ids;
}

/* SOQL through the API: the records array of the answer (new reference). */
static inline json_t *fx_soql(fx *f, const char *soql)
{
    cs_http_kv q = {"q", soql};
    cs_http_kv auth = {"Authorization", "Bearer " FX_TOKEN};
    cs_http_request req = {.method = CS_HTTP_GET,
                           .path = FX_SF "/query",
                           .query = &q,
                           .nquery = 1,
                           .headers = &auth,
                           .nheaders = 1};
    json_t *out = NULL;
    cs_err err = {0};
    cr_assert_eq(cs_http_request_json(f->sf_http, &req, NULL, &out, NULL, &err), 0, "%s: %s", soql,
                 err.message);
    json_t *records = json_incref(json_object_get(out, "records"));
    json_decref(out);
    return records;
}

/* Requests counted by the sandbox that write: every POST/PATCH/PUT/DELETE
 * except searches, batch reads, Salesforce retrieves and OAuth. */
static inline long fx_writes(fx *f, bool hubspot)
{
    json_t *st = fx_call(hubspot ? f->hs_http : f->sf_http, CS_HTTP_GET, "/__sandbox/stats", NULL);
    json_t *by =
        json_object_get(json_object_get(st, hubspot ? "hubspot" : "salesforce"), "by_endpoint");
    long n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(by, key, v)
    {
        bool write = strncmp(key, "POST ", 5) == 0 || strncmp(key, "PATCH ", 6) == 0 ||
                     strncmp(key, "PUT ", 4) == 0 || strncmp(key, "DELETE ", 7) == 0;
        if (!write || strstr(key, "/search") || strstr(key, "/batch/read") ||
            strstr(key, "oauth2") ||
            (hubspot == false && strstr(key, "POST ") == key &&
             strstr(key, "/composite/sobjects/") != NULL))
            continue;
        n += (long)json_integer_value(v);
    }
    json_decref(st);
    return n;
}

/* Requests counted by the sandbox whose endpoint key ("POST /crm/v3/...")
 * contains part. */
static inline long fx_calls(fx *f, bool hubspot, const char *part)
{
    json_t *st = fx_call(hubspot ? f->hs_http : f->sf_http, CS_HTTP_GET, "/__sandbox/stats", NULL);
    json_t *by =
        json_object_get(json_object_get(st, hubspot ? "hubspot" : "salesforce"), "by_endpoint");
    long n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(by, key, v)
    {
        if (strstr(key, part) != NULL)
            n += (long)json_integer_value(v);
    }
    json_decref(st);
    return n;
}

/* The open error of one record (side, object, record key): a copy in *out
 * (strings borrowed from *l, which the caller disposes); false when none. */
static inline bool fx_error(fx *f, cs_store_side side, const char *object, const char *key,
                            cs_record_error_list *l, cs_record_error *out)
{
    memset(l, 0, sizeof *l);
    cs_error_query q = {.limit = CS_STORE_LIST_MAX};
    cs_err err = {0};
    cr_assert_eq(cs_store_error_list(f->store, &q, l, &err), 0, "%s", err.message);
    for (size_t i = 0; i < l->count; i++) {
        const cs_record_error *e = &l->items[i];
        if (e->side == side && strcmp(e->object, object) == 0 && strcmp(e->record_key, key) == 0) {
            *out = *e;
            return true;
        }
    }
    return false;
}

static inline void fx_reset_stats(fx *f)
{
    json_decref(fx_call(f->hs_http, CS_HTTP_POST, "/__sandbox/reset-stats", NULL));
}

static inline void fx_faults(fx *f, const char *api, double rate_drop)
{
    json_decref(fx_call(f->hs_http, CS_HTTP_POST, "/__sandbox/faults",
                        json_pack("{s:s,s:f}", "api", api, "rate_drop", rate_drop)));
}

/* Builds the engine against the sandbox. contacts_yaml: the `contacts:`
 * section's body (indented two spaces) or NULL; sync_yaml likewise for
 * `sync:`; store_url NULL: a private in-memory store; sf_port 0: the
 * sandbox's own (a test proxy's otherwise). */
static inline void fx_engine_at(fx *f, const char *contacts_yaml, const char *sync_yaml,
                                const char *store_url, int sf_port)
{
    char yaml[4096];
    int n = snprintf(yaml, sizeof yaml,
                     "hubspot: {base_url: \"http://127.0.0.1:%d\"}\n"
                     "salesforce: {instance_url: \"http://127.0.0.1:%d\"}\n"
                     "sync:\n  overlap: 5m\n%s"
                     "contacts:\n  required_placeholder: \"[not provided]\"\n%s",
                     f->hs_port, sf_port ? sf_port : f->sf_port, sync_yaml ? sync_yaml : "",
                     contacts_yaml ? contacts_yaml : "");
    cr_assert(n > 0 && (size_t)n < sizeof yaml);
    cs_err err = {0};
    cr_assert_eq(cs_config_load_string("crmsync.yaml", yaml, strlen(yaml), &f->cfg, &err), 0, "%s",
                 err.message);
    cr_assert_eq(cs_store_open(store_url ? store_url : "sqlite::memory:", &f->store, &err), 0, "%s",
                 err.message);
    char hs_url[64], sf_url[64];
    snprintf(hs_url, sizeof hs_url, "http://127.0.0.1:%d", f->hs_port);
    snprintf(sf_url, sizeof sf_url, "http://127.0.0.1:%d", sf_port ? sf_port : f->sf_port);
    cs_connector_options ho = {
        .base_url = hs_url, .token = FX_TOKEN, .max_retries = -1, .batch_size = f->hs_batch};
    cs_connector_options so = {.base_url = sf_url, .token = FX_TOKEN, .max_retries = -1};
    cr_assert_eq(cs_hubspot_connector_new(&ho, &f->hs, &err), 0, "%s", err.message);
    cr_assert_eq(cs_salesforce_connector_new(&so, &f->sf, &err), 0, "%s", err.message);
    cs_sync_options opts = {.config = f->cfg,
                            .store = f->store,
                            .hubspot = f->hs,
                            .salesforce = f->sf,
                            .stop = &f->stop,
                            .progress = f->progress,
                            .progress_ud = f->progress_ud,
                            .round_records = f->round_records,
                            .retry_policy = f->retry_policy};
    cr_assert_eq(cs_sync_new(&opts, &f->sync, &err), 0, "%s", err.message);
}

static inline void fx_engine(fx *f, const char *contacts_yaml)
{
    fx_engine_at(f, contacts_yaml, NULL, NULL, 0);
}

/* Frees the engine only (the sandbox keeps running). */
static inline void fx_engine_free(fx *f)
{
    cs_sync_free(f->sync);
    cs_connector_free(f->hs);
    cs_connector_free(f->sf);
    cs_store_close(f->store);
    cs_config_free(f->cfg);
    f->sync = NULL;
    f->hs = f->sf = NULL;
    f->store = NULL;
    f->cfg = NULL;
}

static inline void fx_stop(fx *f)
{
    fx_engine_free(f);
    cs_http_client_free(f->hs_http);
    cs_http_client_free(f->sf_http);
    cs_sandbox_stop(f->sb);
    fx_rmrf(f->dir);
}

/* Logs the store's open errors (shown when a test fails). */
static inline void fx_log_errors(fx *f)
{
    cs_record_error_list l;
    memset(&l, 0, sizeof l);
    cs_error_query q = {.limit = 50};
    cs_err err = {0};
    if (cs_store_error_list(f->store, &q, &l, &err) != 0)
        return;
    for (size_t i = 0; i < l.count; i++)
        cr_log_info("error: %s %s %s %s field=%s: %s", cs_store_side_name(l.items[i].side),
                    l.items[i].object, l.items[i].record_key, cs_category_name(l.items[i].category),
                    l.items[i].field ? l.items[i].field : "-", l.items[i].message);
    cs_record_error_list_dispose(&l);
}

/* One pass that must complete; its report. */
static inline cs_sync_report fx_pass(fx *f)
{
    cs_sync_report rep;
    cs_err err = {0};
    int rc = cs_sync_pass(f->sync, &rep, &err);
    if (rc != 0 || cs_sync_side_errors(&rep.hubspot) + cs_sync_side_errors(&rep.salesforce) > 0)
        fx_log_errors(f);
    cr_assert_eq(rc, 0, "pass failed: %s", err.message);
    cr_assert_eq(rep.outcome, CS_SYNC_COMPLETED, "%s", rep.message);
    return rep;
}

static inline long fx_links(fx *f)
{
    cs_store_stats st;
    cs_err err = {0};
    cr_assert_eq(cs_store_get_stats(f->store, 0, &st, &err), 0, "%s", err.message);
    return (long)st.links;
}

#endif
