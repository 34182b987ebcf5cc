/* Seeding: `--seed-contacts N` makes sure at least N live contacts exist,
 * with deterministic, realistic values (contact{i}@example.com, names,
 * company, phone, city, country, job title, lead status, owner), all in one
 * transaction through the cached insert statements. */
#include <stdio.h>
#include <string.h>

#include "sandbox/hs_int.h"

static const char *const first_names[] = {"Anna",  "Ben",   "Chloe",  "David", "Emma",  "Felix",
                                          "Grace", "Henry", "Iris",   "Jonas", "Klara", "Liam",
                                          "Mia",   "Noah",  "Olivia", "Paul",  "Rosa",  "Sam"};
static const char *const last_names[] = {"Smith", "Jones",  "Garcia", "Miller", "Davis",
                                         "Lopez", "Wilson", "Moore",  "Taylor", "Clark",
                                         "Lewis", "Walker", "Young",  "King",   "Wright"};
static const char *const companies[] = {"Acme Corp", "Globex",     "Initech",   "Umbrella",
                                        "Hooli",     "Stark Labs", "Wayne Ltd", "Soylent",
                                        "Vandelay",  "Pied Piper", "Cyberdyne", "Tyrell"};
static const char *const cities[][2] = {{"Berlin", "Germany"},        {"Paris", "France"},
                                        {"Milan", "Italy"},           {"Madrid", "Spain"},
                                        {"London", "United Kingdom"}, {"Boston", "United States"},
                                        {"Toronto", "Canada"},        {"Sydney", "Australia"}};
static const char *const titles[] = {
    "CEO",     "CTO",       "Sales Manager", "Engineer", "Marketing Lead", "Account Executive",
    "Analyst", "Consultant"};
static const char *const lead_statuses[] = {"NEW", "OPEN", "IN_PROGRESS", "CONNECTED"};
static const char *const owners[] = {"70000001", "70000002", "70000003", ""};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static long live_contacts(sb_ctx *ctx)
{
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT COUNT(*) FROM hs_objects WHERE type_id = '" HS_CONTACTS
                           "' AND archived = 0",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static json_t *contact_values(long i)
{
    char email[64], phone[32];
    (void)snprintf(email, sizeof email, "contact%ld@example.com", i);
    (void)snprintf(phone, sizeof phone, "+1-555-%04ld", i % 10000);
    size_t c = (size_t)i % COUNT(cities);
    json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "email", email, "firstname",
                          first_names[(size_t)i % COUNT(first_names)], "lastname",
                          last_names[(size_t)(i / 7) % COUNT(last_names)], "company",
                          companies[(size_t)(i / 3) % COUNT(companies)], "phone", phone, "city",
                          cities[c][0], "country", cities[c][1], "jobtitle",
                          titles[(size_t)(i / 5) % COUNT(titles)], "lifecyclestage", "lead",
                          "hs_lead_status", lead_statuses[(size_t)i % COUNT(lead_statuses)]);
    const char *owner = owners[(size_t)i % COUNT(owners)];
    if (owner[0])
        json_object_set_new(v, "hubspot_owner_id", json_string(owner));
    return v;
}

int hs_seed_contacts(sb_ctx *ctx, int n, cs_err *err)
{
    long have = live_contacts(ctx);
    if (have < 0)
        return hs_db_error(ctx, err, "seed");
    if (have >= n)
        return 0;
    const hs_type *t = hs_type_find(ctx, HS_CONTACTS);
    if (t == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "hubspot: contacts type missing");
    if (hs_begin(ctx, err) != 0)
        return -1;
    int64_t now = cs_time_now_ms();
    /* Numbering continues past existing seeds; taken emails are skipped. */
    for (long i = 1; have < n; i++) {
        json_t *values = contact_values(i);
        int64_t existing;
        int rc = hs_obj_find_by(
            ctx, t, "email", json_string_value(json_object_get(values, "email")), &existing, err);
        hs_obj o = {0};
        if (rc == 0 && hs_obj_insert(ctx, t, values, now, &o, err) == 0) {
            hs_obj_dispose(&o);
            have++;
        } else if (rc != 1) {
            json_decref(values);
            hs_rollback(ctx);
            return cs_err_prefix(err, "hubspot seed: ");
        }
        json_decref(values);
    }
    return hs_commit(ctx, err);
}
