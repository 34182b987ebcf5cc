/* The starter crmsync.yaml that `crmsync init` writes: the HubSpot and
 * Salesforce URLs given (or a local sandbox's), every other key with its
 * default and a comment, the rule of every default mapping and the default
 * value maps, commented (both generated from the default table, so they
 * cannot drift), and a commented custom mapping. It loads back as it is. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config/config_int.h"

/* A YAML double-quoted scalar; refuses control characters. */
static int quoted(cs_buf *out, const char *s)
{
    if (cs_buf_append_str(out, "\"") != 0)
        return -1;
    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            return -1;
        int rc =
            (c == '"' || c == '\\') ? cs_buf_appendf(out, "\\%c", c) : cs_buf_append(out, p, 1);
        if (rc != 0)
            return -1;
    }
    return cs_buf_append_str(out, "\"");
}

static int rule_line(cs_buf *out, const cs_field_mapping *m)
{
    char fields[96];
    int n;
    if (m->sf_lead != NULL && m->sf_contact != NULL && strcmp(m->sf_lead, m->sf_contact) == 0)
        n = snprintf(fields, sizeof fields, "Lead/Contact.%s", m->sf_lead); /* C8 */
    else if (m->sf_lead != NULL && m->sf_contact != NULL)
        n = snprintf(fields, sizeof fields, "Lead.%s, Contact.%s", m->sf_lead, m->sf_contact);
    else if (m->sf_lead != NULL)
        n = snprintf(fields, sizeof fields, "Lead.%s only", m->sf_lead);
    else
        n = snprintf(fields, sizeof fields, "Contact.%s only", m->sf_contact);
    if (n < 0 || (size_t)n >= sizeof fields)
        return -1;
    const char *note = "";
    if (m->allowed != CS_RULES_ANY) {
        if (m->flags & CS_MAP_EMAIL)
            note = "; or two_way (C5)";
        else if (m->flags & CS_MAP_OWNER)
            note = "; two_way only (C17)";
        else if (m->flags & CS_MAP_OPTOUT)
            note = "; fixed (C10)";
        else
            note = "; always_sf only";
    } else if (m->flags & CS_MAP_LEAD_ONLY) {
        note = " (C9)";
    }
    char key[64];
    n = snprintf(key, sizeof key, "%s:", m->hs);
    if (n < 0 || (size_t)n >= sizeof key)
        return -1;
    return cs_buf_appendf(out, "    %-21s %-23s # %s%s\n", key, cs_rule_name(m->rule), fields,
                          note);
}

/* companies: (A1, A2): off by default, with every key and the default
 * company mappings' rules. */
static int companies_section(cs_buf *out)
{
    int rc = cs_buf_append_str(
        out, "\n"
             "# HubSpot companies <-> Salesforce Accounts (A1, A2). A new Account creates a\n"
             "# company; a company creates an Account only when one of its contacts needs\n"
             "# it. Companies match by link and through their contacts, never by domain.\n"
             "# Contact.AccountId follows the contact's primary company both ways (A2).\n"
             "companies:\n"
             "  enabled: false\n"
             "  conflict_winner: latest                 # two_way conflicts: latest | hubspot | "
             "salesforce (R1)\n"
             "  on_salesforce_delete: nothing           # nothing | delete: an Account delete "
             "deletes the company\n"
             "  on_hubspot_delete: nothing              # nothing | delete: a company delete "
             "deletes the Account\n"
             "  rules:\n");
    size_t n;
    const cs_field_mapping *d = cs_config_default_company_mappings(&n);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char key[64];
        int k = snprintf(key, sizeof key, "%s:", d[i].hs);
        if (k < 0 || (size_t)k >= sizeof key)
            return -1;
        rc |=
            cs_buf_appendf(out, "    %-21s %-23s # Account.%s%s\n", key, cs_rule_name(d[i].rule),
                           d[i].sf_lead, (d[i].flags & CS_MAP_OWNER) ? "; two_way only (C17)" : "");
    }
    rc |= cs_buf_append_str(out, "  mappings: []\n"
                                 "  #  - { hubspot: tier, salesforce: Tier__c, rule: two_way }\n");
    return rc;
}

/* The default value maps (R3), commented out: uncommented as they are, they
 * change nothing. */
static int values_lines(cs_buf *out, const cs_field_mapping *d, size_t n)
{
    int rc = cs_buf_append_str(
        out, "\n"
             "  # Value maps (R3): HubSpot option -> Salesforce value, per enumeration\n"
             "  # mapping. Values a map does not list pass through unchanged (a value the\n"
             "  # other side lacks is then that record's Property values error). Several\n"
             "  # options may share one value; Salesforce -> HubSpot takes the first one\n"
             "  # listed. The default map of hs_lead_status is shown; give your own to\n"
             "  # replace it, or `hs_lead_status: {}` to turn it off.\n"
             "  # values:\n");
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (d[i].nvalues == 0)
            continue;
        rc |= cs_buf_appendf(out, "  #   %s:\n", d[i].hs);
        for (size_t k = 0; k < d[i].nvalues && rc == 0; k++) {
            rc |= cs_buf_appendf(out, "  #     %s: ", d[i].values[k].hs);
            rc |= quoted(out, d[i].values[k].sf);
            rc |= cs_buf_append_str(out, "\n");
        }
    }
    return rc;
}

static const char g_head[] =
    "# crmsync.yaml: what crmsync syncs between HubSpot and Salesforce, and how.\n"
    "# Written by `crmsync init` for a local sandbox (`crmsync sandbox`).\n"
    "# Every key but hubspot.base_url and salesforce.instance_url has a default,\n"
    "# and the values below are those defaults. docs/configuration.md describes\n"
    "# every key; docs/rules.md describes every sync rule.\n"
    "#\n"
    "# Secrets never go in this file: it names the environment variables that\n"
    "# hold them. The sandbox accepts the token it was started with, by default:\n"
    "#   export HUBSPOT_TOKEN=sandbox-token SALESFORCE_TOKEN=sandbox-token\n"
    "\n";

/* The loader's limit on a URL's length. */
#define INIT_MAX_URL 2048

static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

/* Copies the base URL given (or the sandbox's on port) into url without
 * trailing slashes, after the checks the config loader makes on it. */
static int base_url(const char *given, int port, const char *what, char *url, size_t size,
                    cs_err *err)
{
    url[0] = '\0';
    if (given == NULL) {
        int n = port > 0 && port <= 65535 ? snprintf(url, size, "http://127.0.0.1:%d", port) : -1;
        if (n < 0 || (size_t)n >= size)
            return cs_err_set(err, CS_ERR_CONFIG, "init: the %s port must be 1 to 65535", what);
        return 0;
    }
    size_t len = strlen(given);
    const char *host = strncmp(given, "https://", 8) == 0  ? given + 8
                       : strncmp(given, "http://", 7) == 0 ? given + 7
                                                           : NULL;
    if (has_control(given))
        return cs_err_set(err, CS_ERR_CONFIG, "init: the %s URL contains control characters", what);
    if (host == NULL || host[0] == '\0' || host[0] == '/' || len >= size ||
        strpbrk(given, " ?#\"'\\") != NULL)
        return cs_err_set(err, CS_ERR_CONFIG,
                          "init: the %s URL '%.120s' is not an http:// or https:// URL with a "
                          "host and without spaces, quotes, query or fragment",
                          what, given);
    memcpy(url, given, len + 1);
    while (len > 0 && url[len - 1] == '/')
        url[--len] = '\0';
    return 0;
}

/* "  ca_file: PATH" when a CA file was given; otherwise a comment saying
 * what the key is for. */
static int ca_line(cs_buf *out, const char *ca_file)
{
    if (ca_file == NULL)
        return cs_buf_append_str(out, "  # ca_file: ca.pem   # trust this CA (PEM) instead of the "
                                      "system's, e.g. a `sandbox --tls` CA\n");
    int rc = cs_buf_append_str(out, "  ca_file: ");
    rc |= quoted(out, ca_file);
    rc |= cs_buf_append_str(out, "   # the CA (PEM) that signed the server's certificate\n");
    return rc;
}

int cs_config_init_text(const cs_config_init_options *opts, cs_buf *out, cs_err *err)
{
    char hs[INIT_MAX_URL + 1], sf[INIT_MAX_URL + 1];
    if (base_url(opts->hubspot_url, opts->hubspot_port, "HubSpot", hs, sizeof hs, err) != 0 ||
        base_url(opts->salesforce_url, opts->salesforce_port, "Salesforce", sf, sizeof sf, err) !=
            0)
        return -1;
    const char *store = opts->store ? opts->store : "sqlite:crmsync.db";
    if (has_control(store))
        return cs_err_set(err, CS_ERR_CONFIG, "init: the store URL contains control characters");
    if (opts->ca_file != NULL && (opts->ca_file[0] == '\0' || has_control(opts->ca_file)))
        return cs_err_set(err, CS_ERR_CONFIG,
                          "init: the CA file must be a path without control characters");
    int rc = cs_buf_append_str(out, g_head);
    rc |= cs_buf_append_str(out, "hubspot:\n  base_url: ");
    rc |= quoted(out, hs);
    rc |= cs_buf_append_str(out, "   # https://api.hubapi.com for a real portal\n");
    rc |= ca_line(out, opts->ca_file);
    rc |= cs_buf_append_str(
        out, "  token_env: HUBSPOT_TOKEN   # variable holding the private-app token; or instead\n"
             "  # oauth:                   # of token_env, get tokens as an OAuth app:\n"
             "  #   client_id_env: HUBSPOT_CLIENT_ID\n"
             "  #   client_secret_env: HUBSPOT_CLIENT_SECRET\n"
             "  #   refresh_token_env: HUBSPOT_REFRESH_TOKEN\n"
             "\n");
    rc |= cs_buf_append_str(out, "salesforce:\n  instance_url: ");
    rc |= quoted(out, sf);
    rc |= cs_buf_append_str(out, "   # https://yourorg.my.salesforce.com for a real org\n");
    rc |= ca_line(out, opts->ca_file);
    rc |= cs_buf_appendf(
        out,
        "  api_version: \"60.0\"\n"
        "  token_env: SALESFORCE_TOKEN   # variable holding an access token; or instead\n"
        "  # oauth:                      # of token_env, get tokens from a connected app:\n"
        "  #   grant: refresh_token      # refresh_token | client_credentials\n"
        "  #   token_url: %s/services/oauth2/token   # the default\n"
        "  #   client_id_env: SALESFORCE_CLIENT_ID\n"
        "  #   client_secret_env: SALESFORCE_CLIENT_SECRET\n"
        "  #   refresh_token_env: SALESFORCE_REFRESH_TOKEN\n"
        "\n",
        sf);
    rc |= cs_buf_append_str(out, "store: ");
    rc |= quoted(out, store);
    rc |= cs_buf_append_str(out, "   # sqlite:PATH (a PostgreSQL store is planned)\n\n");
    rc |= cs_buf_append_str(
        out, "sync:\n"
             "  interval: 2s        # pause between passes of `crmsync run` (ms, s, m, h)\n"
             "  overlap: 5m         # how late a write may show up in a change read (R2)\n"
             "  hs_batch_size: 100  # records per HubSpot batch call (1 to 100)\n"
             "  sf_batch_size: 200  # records per Salesforce collection call (1 to 200)\n"
             "  hs_search_rate: 5   # HubSpot searches per second at most (0: unpaced)\n"
             "  sf_api_budget: 80%  # SF calls per 24 h: % of the org's daily allocation, or a "
             "number (R6)\n"
             "  retry_budget: 75%   # retries of failed records stop at this share of it (R6)\n"
             "  bulk_threshold: 10000  # Bulk API 2.0 above this many records per pass and "
             "object (0: never)\n"
             "\n");
    rc |= cs_buf_append_str(
        out,
        "contacts:\n"
        "  create_salesforce_as: lead              # lead | contact | "
        "contact_if_company_linked (C15)\n"
        "  on_salesforce_change: create_or_update  # create_or_update | nothing (C3)\n"
        "  required_placeholder: \"[not provided]\"  # sent when SF requires a value HS lacks; "
        "null refuses (C13)\n"
        "  conflict_winner: latest                 # two_way conflicts: latest | hubspot | "
        "salesforce (R1)\n"
        "  inclusion_list: null                    # an HS list id: only its members sync to "
        "SF (C2)\n"
        "  on_salesforce_delete: nothing           # nothing | delete: an SF delete deletes the "
        "HS contact (C16)\n"
        "  on_hubspot_delete: nothing              # nothing | delete: an HS delete deletes in "
        "SF (C16)\n"
        "\n"
        "  # The default mappings (C6) cannot be removed; each rule can change within\n"
        "  # what its row allows. Rules: prefer_sf_unless_blank, always_sf, two_way,\n"
        "  # dont_sync, always_hs, prefer_hs_unless_blank (docs/rules.md).\n"
        "  rules:\n");
    size_t n;
    const cs_field_mapping *d = cs_config_default_contact_mappings(&n);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc |= rule_line(out, &d[i]);
    rc |= values_lines(out, d, n);
    rc |= cs_buf_append_str(
        out, "\n"
             "  # Custom mappings (C7): `salesforce` names the same field on Lead and\n"
             "  # Contact (C8); salesforce_lead and salesforce_contact name them apart.\n"
             "  # The rule defaults to prefer_sf_unless_blank. `crmsync check` compares\n"
             "  # the names and types with both sides' live schemas (R3).\n"
             "  mappings: []\n"
             "  #  - { hubspot: favorite_color, salesforce: Favorite_Color__c, rule: two_way }\n"
             "  #  - { hubspot: region, salesforce_lead: Region__c, salesforce_contact: "
             "Sales_Region__c }\n");
    rc |= companies_section(out);
    if (rc != 0)
        return cs_err_set(err, CS_ERR_INTERNAL, "init: the text does not fit its buffer");
    return 0;
}
