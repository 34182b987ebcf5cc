/* The demo's sample data (see demo_data.h), written through the connectors'
 * batch writes and two sandbox admin calls, so that the data a sync later
 * finds is exactly what the APIs accepted. Deterministic: the same n gives
 * the same records.
 *
 * Layout for n = 1000 (everything scales with n):
 *   - HubSpot contacts person0000..person0999@example.com, each with one of
 *     HubSpot's lead statuses (NEW, IN_PROGRESS, CONNECTED, ...);
 *   - Salesforce Leads person0600..person1299, Contacts person1300..1599;
 *     each Lead has one of Salesforce's default Lead Status values ("Open -
 *     Not Contacted", "Working - Contacted", ...), which the default value
 *     map translates (R3); emails 0600..0999 are on both sides, every fourth
 *     with another job title in Salesforce, every fifth with no phone there
 *     and some with another lead status;
 *   - a second Salesforce record for a few emails: Contacts for some
 *     overlapping Leads (0950..0979) and Leads for some Contacts
 *     (1400..1449), so C5 must prefer the Contact;
 *   - bad records: an address Salesforce refuses, a first name longer than
 *     Salesforce's 40 characters, a colour outside the restricted picklist,
 *     an owner with no Salesforce User (C17), a contact with no email (R7),
 *     and a Lead whose Status is a custom value HubSpot does not offer. */
#include "cli/demo_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/connector.h"
#include "net/net.h"

static const char *const g_first[] = {"Anna",  "Marco", "Giulia", "Ben",   "Chloe",
                                      "David", "Emma",  "Felix",  "Grace", "Jonas"};
static const char *const g_last[] = {"Rossi", "Smith", "Garcia", "Miller", "Bianchi",
                                     "Brown", "Lopez", "Wilson", "Romano", "Clark"};
static const char *const g_company[] = {"Acme Corp", "Globex", "Initech",
                                        "Umbrella",  "Hooli",  "Stark Labs"};
static const char *const g_title[] = {"CEO", "CTO", "Sales Manager", "Engineer", "Analyst"};
static const char *const g_city[][2] = {{"Milano", "Italy"},
                                        {"Berlin", "Germany"},
                                        {"Boston", "United States"},
                                        {"London", "United Kingdom"}};
/* Lead statuses as each side spells them: HubSpot's hs_lead_status options
 * and Salesforce's default Lead Status values; the default value map of
 * hs_lead_status translates between them (R3). */
static const char *const g_hs_status[] = {
    "NEW",         "OPEN",       "IN_PROGRESS",          "OPEN_DEAL",
    "UNQUALIFIED", "BAD_TIMING", "ATTEMPTED_TO_CONTACT", "CONNECTED"};
static const char *const g_sf_status[] = {"Open - Not Contacted", "Working - Contacted",
                                          "Closed - Converted", "Closed - Not Converted"};
static const char *const g_color[] = {"red", "green", "blue"};

#define PICK(a, i) ((a)[(size_t)(i) % (sizeof(a) / sizeof((a)[0]))])

/* ---- admin calls -------------------------------------------------------------- */

static int post_json(const char *base, const char *token, const char *path, json_t *body,
                     cs_err *err)
{
    cs_http_options ho;
    memset(&ho, 0, sizeof ho);
    ho.base_url = base;
    cs_http_client *c = NULL;
    int rc = cs_http_client_new(&ho, &c, err);
    if (rc == 0) {
        char *text = json_dumps(body, JSON_COMPACT);
        cs_http_kv auth = {"Authorization", NULL};
        char bearer[256];
        snprintf(bearer, sizeof bearer, "Bearer %s", token);
        auth.value = bearer;
        cs_http_request req = {.method = CS_HTTP_POST,
                               .path = path,
                               .headers = &auth,
                               .nheaders = 1,
                               .body = text,
                               .body_len = text ? strlen(text) : 0};
        cs_http_response resp;
        cs_http_response_init(&resp);
        rc = text ? cs_http_request_send(c, &req, &resp, err)
                  : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        cs_http_response_dispose(&resp);
        free(text);
    }
    cs_http_client_free(c);
    json_decref(body);
    return rc;
}

/* The custom field on both sides: a restricted picklist in Salesforce (on
 * Lead and Contact, one API name: C8) and a text property in HubSpot. */
static int define_color(const char *hs, const char *sf, const char *token, cs_err *err)
{
    if (post_json(hs, token, "/crm/v3/properties/contacts",
                  json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", CS_DEMO_HS_COLOR, "label",
                            "Favorite color", "type", "string", "fieldType", "text", "groupName",
                            "contactinformation"),
                  err) != 0)
        return cs_err_prefix(err, "demo: creating the HubSpot property %s: ", CS_DEMO_HS_COLOR);
    const char *objects[] = {"Lead", "Contact"};
    for (size_t i = 0; i < 2; i++) {
        json_t *field = json_pack("{s:s,s:s,s:s,s:b,s:[sss]}", "name", CS_DEMO_SF_COLOR, "label",
                                  "Favorite Color", "type", "picklist", "restricted", 1,
                                  "picklistValues", "red", "green", "blue");
        if (post_json(sf, token, "/__sandbox/salesforce/sobjects",
                      json_pack("{s:s,s:[o]}", "name", objects[i], "fields", field), err) != 0)
            return cs_err_prefix(err, "demo: defining %s.%s: ", objects[i], CS_DEMO_SF_COLOR);
    }
    return 0;
}

/* ---- records -------------------------------------------------------------------- */

typedef struct batch {
    json_t *items; /* array of field objects */
} batch;

static int add(batch *b, json_t *fields)
{
    return fields ? json_array_append_new(b->items, fields) : -1;
}

static int write_all(cs_connector *c, const char *object, batch *b, cs_err *err)
{
    size_t n = json_array_size(b->items);
    cs_write_input *in = calloc(n ? n : 1, sizeof *in);
    cs_write_result *res = calloc(n ? n : 1, sizeof *res);
    int rc = in && res ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++)
        in[i].fields = json_array_get(b->items, i);
    if (rc == 0)
        rc = cs_connector_write(c, object, CS_WRITE_CREATE, in, n, res, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (res[i].status != CS_WRITE_OK)
            rc = cs_err_set(err, CS_ERR_REMOTE_REJECTED, "demo: creating %s record %zu: %s", object,
                            i, res[i].message);
    }
    free(in);
    free(res);
    return rc;
}

static void email_of(size_t i, char out[64])
{
    snprintf(out, 64, "person%04zu@example.com", i);
}

static json_t *hs_contact(size_t i)
{
    char email[64], phone[32];
    email_of(i, email);
    snprintf(phone, sizeof phone, "+1 617 555 %04zu", i % 10000);
    json_t *f =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "email", email, "firstname",
                  PICK(g_first, i), "lastname", PICK(g_last, i / 10), "company",
                  PICK(g_company, i / 3), "phone", phone, "city", PICK(g_city, i)[0], "country",
                  PICK(g_city, i)[1], "jobtitle", PICK(g_title, i / 2), "hs_lead_status",
                  PICK(g_hs_status, i), "hubspot_owner_id", i % 2 ? "70000002" : "70000001");
    if (f && i % 3 == 0)
        json_object_set_new(f, CS_DEMO_HS_COLOR, json_string(PICK(g_color, i / 3)));
    return f;
}

static json_t *sf_record(size_t i, bool lead, const char *owner, size_t n)
{
    char email[64], phone[32], employees[16];
    email_of(i, email);
    snprintf(phone, sizeof phone, "+39 02 555 %04zu", i % 10000);
    snprintf(employees, sizeof employees, "%zu", 10 + (i * 37) % 5000);
    json_t *f = json_pack("{s:s,s:s,s:s,s:s}", "Email", email, "FirstName", PICK(g_first, i),
                          "LastName", PICK(g_last, i / 10), "OwnerId", owner);
    if (f == NULL)
        return NULL;
    bool overlap = i < n;
    /* Overlapping records differ: another title on every fourth, no phone
     * on every fifth (so HubSpot's fills Salesforce's blank, R1). */
    const char *title = overlap && i % 4 == 0 ? "VP Sales" : PICK(g_title, i / 2);
    json_object_set_new(f, "Title", json_string(title));
    if (!(overlap && i % 5 == 0))
        json_object_set_new(f, "Phone", json_string(phone));
    if (lead) {
        json_object_set_new(f, "Company", json_string(PICK(g_company, i / 3)));
        json_object_set_new(f, "City", json_string(PICK(g_city, i)[0]));
        json_object_set_new(f, "Status", json_string(PICK(g_sf_status, i / 2)));
        json_object_set_new(f, "NumberOfEmployees", json_string(employees));
    } else {
        json_object_set_new(f, "MailingCity", json_string(PICK(g_city, i)[0]));
        json_object_set_new(f, "MailingCountry", json_string(PICK(g_city, i)[1]));
    }
    if (i % 4 == 1)
        json_object_set_new(f, CS_DEMO_SF_COLOR, json_string(PICK(g_color, i)));
    return f;
}

static int seed_hubspot(cs_connector *hs, size_t n, cs_demo_counts *out, cs_err *err)
{
    batch b = {json_array()};
    int rc = b.items ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = add(&b, hs_contact(i));
    /* Bad records (R4): each refused by Salesforce for its own reason. */
    rc |= add(&b, json_pack("{s:s,s:s,s:s}", "email", "rosa(work)@example.com", "firstname", "Rosa",
                            "lastname", "Invalid-Email"));
    rc |= add(&b,
              json_pack("{s:s,s:s,s:s}", "email", "maximiliana@example.com", "firstname",
                        "Maximiliana-Alexandrina-Konstantina-Bartholomea", "lastname", "Too-Long"));
    rc |= add(&b, json_pack("{s:s,s:s,s:s,s:s}", "email", "pietro.purple@example.com", "firstname",
                            "Pietro", "lastname", "Purple", CS_DEMO_HS_COLOR, "purple"));
    rc |= add(&b, json_pack("{s:s,s:s,s:s,s:s,s:s}", "email", "carol.client@example.com",
                            "firstname", "Carla", "lastname", "Carol-Owned", "hs_lead_status",
                            "NEW", "hubspot_owner_id", "70000003"));
    rc |= add(&b, json_pack("{s:s,s:s}", "firstname", "Nora", "lastname", "No-Email"));
    if (rc != 0) {
        json_decref(b.items);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    out->hs_contacts = json_array_size(b.items);
    out->bad += 5;
    rc = write_all(hs, "contacts", &b, err);
    json_decref(b.items);
    return rc;
}

static int seed_salesforce(cs_connector *sf, size_t n, cs_demo_counts *out, cs_err *err)
{
    cs_record_list users;
    cs_record_list_init(&users);
    if (cs_connector_users(sf, &users, err) != 0)
        return -1;
    char owners[2][CS_CONNECTOR_ID_MAX] = {"", ""};
    for (size_t i = 0; i < users.len; i++) {
        const char *e = cs_record_get(&users.items[i], "email");
        if (e && strcmp(e, "owner.alice@example.com") == 0)
            snprintf(owners[0], sizeof owners[0], "%s", users.items[i].id);
        if (e && strcmp(e, "owner.bob@example.com") == 0)
            snprintf(owners[1], sizeof owners[1], "%s", users.items[i].id);
    }
    cs_record_list_dispose(&users);
    if (owners[0][0] == '\0' || owners[1][0] == '\0')
        return cs_err_set(err, CS_ERR_NOT_FOUND, "demo: the sandbox has no owner Users");
    size_t first = n * 6 / 10, contacts_from = n * 13 / 10, end = n * 16 / 10;
    batch leads = {json_array()}, contacts = {json_array()};
    int rc = leads.items && contacts.items ? 0 : -1;
    for (size_t i = first; rc == 0 && i < end; i++) {
        bool lead = i < contacts_from;
        rc = add(lead ? &leads : &contacts, sf_record(i, lead, owners[i % 2], n));
    }
    /* C5: a second record for some emails — a Contact next to an
     * overlapping Lead, a Lead next to a Contact. */
    size_t twins = n / 20 > 0 ? n / 20 : 1;
    for (size_t k = 0; rc == 0 && k < twins * 6 / 10; k++)
        rc = add(&contacts, sf_record(n * 95 / 100 + k, false, owners[k % 2], n));
    for (size_t k = 0; rc == 0 && k < twins; k++)
        rc = add(&leads, sf_record(n * 14 / 10 + k, true, owners[k % 2], n));
    /* A Lead whose Status is a value the org added itself: neither the
     * value map lists it nor does HubSpot's hs_lead_status offer it. */
    if (rc == 0) {
        json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "Email", "nadia.nurture@example.com",
                              "FirstName", "Nadia", "LastName", "Nurture", "Company", "Globex",
                              "Status", "Nurturing", "OwnerId", owners[0]);
        rc = add(&leads, f);
    }
    if (rc != 0) {
        json_decref(leads.items);
        json_decref(contacts.items);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    out->sf_leads = json_array_size(leads.items);
    out->sf_contacts = json_array_size(contacts.items);
    out->both_sides = n - first;
    out->lead_and_contact = twins + twins * 6 / 10;
    out->bad += 1;
    rc = write_all(sf, "Lead", &leads, err);
    if (rc == 0)
        rc = write_all(sf, "Contact", &contacts, err);
    json_decref(leads.items);
    json_decref(contacts.items);
    return rc;
}

/* A1, A2: an Account with a few Contacts under it; the sync creates its
 * company and associates the contacts with it. */
static int seed_account(cs_connector *sf, cs_demo_counts *out, cs_err *err)
{
    json_t *acc = json_pack("{s:s,s:s,s:s,s:s}", "Name", CS_DEMO_ACCOUNT, "Phone", "555-0100",
                            "Industry", "Manufacturing", "BillingCity", "Springfield");
    if (acc == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    cs_write_input in = {.fields = acc};
    cs_write_result res;
    memset(&res, 0, sizeof res);
    int rc = cs_connector_write(sf, "Account", CS_WRITE_CREATE, &in, 1, &res, err);
    json_decref(acc);
    if (rc == 0 && res.status != CS_WRITE_OK)
        rc = cs_err_set(err, CS_ERR_REMOTE_REJECTED, "demo: creating the Account: %s", res.message);
    if (rc != 0)
        return -1;
    snprintf(out->account_id, sizeof out->account_id, "%s", res.id);
    static const char *const people[CS_DEMO_ACCOUNT_CONTACTS][2] = {
        {"Hank", "Scorpio"}, {"Marge", "Bouvier"}, {"Frank", "Grimes"}};
    batch contacts = {json_array()};
    rc = contacts.items ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; rc == 0 && i < CS_DEMO_ACCOUNT_CONTACTS; i++) {
        char email[96];
        snprintf(email, sizeof email, "%s.%s@example.com", people[i][0], people[i][1]);
        for (char *c = email; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        if (add(&contacts, json_pack("{s:s,s:s,s:s,s:s}", "Email", email, "FirstName", people[i][0],
                                     "LastName", people[i][1], "AccountId", res.id)) != 0)
            rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    if (rc == 0)
        rc = write_all(sf, "Contact", &contacts, err);
    json_decref(contacts.items);
    if (rc == 0) {
        out->account_contacts = CS_DEMO_ACCOUNT_CONTACTS;
        out->sf_contacts += CS_DEMO_ACCOUNT_CONTACTS;
    }
    return rc;
}

int cs_demo_seed(const char *hs_url, const char *sf_url, const char *token, size_t n,
                 cs_demo_counts *out, cs_err *err)
{
    memset(out, 0, sizeof *out);
    if (n < 10)
        n = 10;
    if (define_color(hs_url, sf_url, token, err) != 0)
        return -1;
    cs_connector_options o;
    memset(&o, 0, sizeof o);
    o.base_url = hs_url;
    o.token = token;
    o.max_retries = -1;
    cs_connector *hs = NULL, *sf = NULL;
    int rc = cs_hubspot_connector_new(&o, &hs, err);
    o.base_url = sf_url;
    if (rc == 0)
        rc = cs_salesforce_connector_new(&o, &sf, err);
    if (rc == 0)
        rc = seed_hubspot(hs, n, out, err);
    if (rc == 0)
        rc = seed_salesforce(sf, n, out, err);
    if (rc == 0)
        rc = seed_account(sf, out, err);
    cs_connector_free(hs);
    cs_connector_free(sf);
    return rc;
}
