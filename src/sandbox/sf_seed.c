/* Seed data of the Salesforce emulation. Once per data directory: the users
 * (the integration user every write defaults to as owner and creator, two
 * active owners and an inactive one, SPEC C17), two campaigns and two record
 * types. On request: deterministic, realistic Leads up to a count. */
#include <stdio.h>
#include <string.h>

#include "sandbox/sf_int.h"

static const struct {
    const char *first, *last, *email, *alias;
    bool active;
} seed_users[] = {
    {"Integration", "User", SF_INTEGRATION_USER_EMAIL, "integ", true},
    {"Alice", "Owner", "owner.alice@example.com", "aowner", true},
    {"Bob", "Owner", "owner.bob@example.com", "bowner", true},
    {"Dan", "Former", "former.dan@example.com", "dformer", false},
};

static int meta_flag(sb_ctx *ctx, const char *key)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(ctx->db, "SELECT 1 FROM sf_meta WHERE key = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

static int meta_set(sb_ctx *ctx, const char *key, const char *value, cs_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "INSERT OR REPLACE INTO sf_meta(key, value) VALUES (?, ?)", -1,
                           &st, NULL) != SQLITE_OK)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(ctx->db));
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    if (rc != 0)
        return cs_err_set(err, CS_ERR_STORE, "sandbox database: %s", sqlite3_errmsg(ctx->db));
    return 0;
}

/* Creates one record through the write pipeline; a refusal is a bug here. */
static int seed_create(sf_tx *tx, const char *object, json_t *rec, char id[SF_ID_LEN + 1],
                       cs_err *err)
{
    const sf_object *o = sf_schema_object(tx->schema, object);
    sf_save s;
    sf_save_init(&s);
    int rc = sf_write_create(tx, o, rec, &s, err);
    if (rc == 0 && !s.ok)
        rc = cs_err_set(err, CS_ERR_INTERNAL, "seeding %s: %s: %s", object, s.err.code,
                        s.err.message);
    if (rc == 0 && id)
        memcpy(id, s.id, sizeof s.id);
    sf_save_dispose(&s);
    json_decref(rec);
    return rc;
}

/* Record types are not createable through the API: written directly. */
static int seed_record_type(sf_tx *tx, const char *name, const char *dev, const char *sobject,
                            cs_err *err)
{
    const sf_object *o = sf_schema_object(tx->schema, "RecordType");
    char id[SF_ID_LEN + 1];
    sf_store_new_id(tx, o, id);
    json_t *rec =
        json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:s,s:s,s:s,s:s}", "Id", id, "Name", name,
                  "DeveloperName", dev, "SobjectType", sobject, "IsActive", 1, "IsPersonType", 0,
                  "CreatedDate", tx->stamp, "CreatedById", tx->user_id, "LastModifiedDate",
                  tx->stamp, "LastModifiedById", tx->user_id, "SystemModstamp", tx->stamp);
    int rc = sf_store_insert(tx, o, id, rec, err);
    json_decref(rec);
    return rc;
}

static int seed_base_tx(sf_tx *tx, cs_err *err)
{
    for (size_t i = 0; i < sizeof seed_users / sizeof seed_users[0]; i++) {
        char name[128];
        snprintf(name, sizeof name, "%s %s", seed_users[i].first, seed_users[i].last);
        json_t *u =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "FirstName", seed_users[i].first, "LastName",
                      seed_users[i].last, "Email", seed_users[i].email, "Username",
                      seed_users[i].email, "Alias", seed_users[i].alias, "IsActive",
                      seed_users[i].active, "CommunityNickname", seed_users[i].alias);
        char id[SF_ID_LEN + 1];
        if (seed_create(tx, "User", u, id, err) != 0)
            return -1;
        if (i == 0) {
            if (meta_set(tx->ctx, "integration_user", id, err) != 0)
                return -1;
            memcpy(tx->user_id, id, sizeof id);
        }
    }
    if (seed_create(tx, "Campaign",
                    json_pack("{s:s,s:s,s:s,s:b,s:s}", "Name", "Spring Webinar 2026", "Type",
                              "Webinar", "Status", "In Progress", "IsActive", 1, "StartDate",
                              "2026-03-01"),
                    NULL, err) != 0 ||
        seed_create(tx, "Campaign",
                    json_pack("{s:s,s:s,s:s,s:b}", "Name", "Trade Show Milan", "Type", "Trade Show",
                              "Status", "Planned", "IsActive", 1),
                    NULL, err) != 0)
        return -1;
    if (seed_record_type(tx, "Partner Lead", "Partner_Lead", "Lead", err) != 0 ||
        seed_record_type(tx, "Partner Contact", "Partner_Contact", "Contact", err) != 0)
        return -1;
    return meta_set(tx->ctx, "seeded", "1", err);
}

int sf_seed_base(sb_ctx *ctx, cs_err *err)
{
    if (meta_flag(ctx, "seeded"))
        return 0;
    sf_tx tx;
    if (sf_tx_begin(ctx, &tx, SF_VERSION_MAX, err) != 0)
        return -1;
    int rc = seed_base_tx(&tx, err);
    if (rc == 0)
        rc = sf_tx_commit(&tx, err);
    sf_tx_end(&tx);
    return rc == 0 ? 0 : cs_err_prefix(err, "salesforce seed: ");
}

static long count_leads(sb_ctx *ctx)
{
    sqlite3_stmt *st = NULL;
    long n = 0;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT count(*) FROM sf_records WHERE object = 'Lead' AND "
                           "is_deleted = 0",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int owner_ids(sb_ctx *ctx, char ids[3][SF_ID_LEN + 1])
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(ctx->db,
                           "SELECT id FROM sf_records WHERE object = 'User' AND "
                           "json_extract(data, '$.IsActive') = 1 ORDER BY rid LIMIT 3",
                           -1, &st, NULL) == SQLITE_OK) {
        while (n < 3 && sqlite3_step(st) == SQLITE_ROW)
            snprintf(ids[n++], SF_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return n;
}

int sf_seed_leads(sb_ctx *ctx, int n, cs_err *err)
{
    static const char *const firsts[] = {"Anna",   "Marco", "Giulia", "Luca",  "Sofia",
                                         "Pietro", "Elena", "James",  "Maria", "Tom"};
    static const char *const lasts[] = {"Rossi", "Bianchi", "Smith",  "Johnson", "Ferrari",
                                        "Brown", "Romano",  "Garcia", "Miller",  "Esposito"};
    static const char *const industries[] = {"Technology", "Banking", "Retail", "Education",
                                             "Healthcare"};
    static const char *const sources[] = {"Web", "Phone Inquiry", "Partner Referral",
                                          "Purchased List", "Other"};
    static const char *const cities[] = {"Milano", "Roma", "Torino", "London", "Boston"};
    long have = count_leads(ctx);
    if (n <= 0 || have >= n)
        return 0;
    char owners[3][SF_ID_LEN + 1];
    int nowners = owner_ids(ctx, owners);
    sf_tx tx;
    if (sf_tx_begin(ctx, &tx, SF_VERSION_MAX, err) != 0)
        return -1;
    int rc = 0;
    for (long i = have + 1; rc == 0 && i <= n; i++) {
        char email[64], company[64], phone[32];
        snprintf(email, sizeof email, "lead%ld@example.org", i);
        snprintf(company, sizeof company, "%s %s Srl", lasts[(i / 10) % 10], cities[i % 5]);
        snprintf(phone, sizeof phone, "+39 02 %07ld", i % 10000000);
        json_t *rec =
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "FirstName", firsts[i % 10],
                      "LastName", lasts[(i / 7) % 10], "Email", email, "Company", company, "Phone",
                      phone, "Industry", industries[i % 5], "LeadSource", sources[(i / 3) % 5],
                      "City", cities[i % 5], "NumberOfEmployees", (int)(10 + (i * 37) % 5000));
        if (nowners > 0)
            json_object_set_new(rec, "OwnerId", json_string(owners[i % nowners]));
        rc = seed_create(&tx, "Lead", rec, NULL, err);
    }
    if (rc == 0)
        rc = sf_tx_commit(&tx, err);
    sf_tx_end(&tx);
    return rc == 0 ? 0 : cs_err_prefix(err, "salesforce seed: ");
}
