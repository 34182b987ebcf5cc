/* The configuration of crmsync: crmsync.yaml parsed (libfyaml) into a
 * validated model that the engine, the connectors and the commands read.
 *
 * Loading checks every SPEC rule that can be checked without talking to either
 * API (unknown keys, value types, rule names, C6 default mappings that cannot be
 * removed, the allowed rules of each default row, C7/C8/C9 custom mappings) and
 * reports each problem as "file:line:col: key.path: message [SPEC ids]".
 * cs_config_check() later checks the mapped names and types against both sides'
 * live schemas (R3, C9, O3). Secrets never live in the model: it holds the
 * names of the environment variables, and cs_config_credentials() reads them. */
#ifndef CS_CONFIG_CONFIG_H
#define CS_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

typedef struct cs_config cs_config;

/* ---- Sync rules (R1) ---------------------------------------------------- */

typedef enum cs_rule {
    CS_RULE_PREFER_SF_UNLESS_BLANK = 0, /* the default */
    CS_RULE_ALWAYS_SF,
    CS_RULE_TWO_WAY,
    CS_RULE_DONT_SYNC,
    CS_RULE_ALWAYS_HS,
    CS_RULE_PREFER_HS_UNLESS_BLANK,
    CS_RULE_FIXED_OPTOUT, /* hs_email_optout only: sticky opt-out (C10) */
    CS_RULE_COUNT
} cs_rule;

#define CS_RULE_BIT(r) (1u << (unsigned)(r))
/* The six rules a user may choose for an ordinary mapping. */
#define CS_RULES_ANY                                                                               \
    (CS_RULE_BIT(CS_RULE_PREFER_SF_UNLESS_BLANK) | CS_RULE_BIT(CS_RULE_ALWAYS_SF) |                \
     CS_RULE_BIT(CS_RULE_TWO_WAY) | CS_RULE_BIT(CS_RULE_DONT_SYNC) |                               \
     CS_RULE_BIT(CS_RULE_ALWAYS_HS) | CS_RULE_BIT(CS_RULE_PREFER_HS_UNLESS_BLANK))

/* The name used in crmsync.yaml ("two_way", ...; "fixed" for the opt-out). */
const char *cs_rule_name(cs_rule rule);
/* Parses a rule name; returns 0, or -1 when the name is not a rule. */
int cs_rule_parse(const char *name, cs_rule *out);
/* Whether the rule ever copies an HS value into SF, or an SF value into HS. */
bool cs_rule_writes_sf(cs_rule rule);
bool cs_rule_writes_hs(cs_rule rule);

/* ---- Field mappings (C6-C10, C17, MAPPINGS) ----------------------------- */

enum {
    CS_MAP_DEFAULT = 1u << 0,      /* a default row: cannot be removed (C6) */
    CS_MAP_EMAIL = 1u << 1,        /* the dedup key (C5) */
    CS_MAP_OWNER = 1u << 2,        /* hubspot_owner_id <-> OwnerId via SF Users (C17) */
    CS_MAP_OPTOUT = 1u << 3,       /* hs_email_optout, sticky in HS (C10) */
    CS_MAP_ACCOUNT_ID = 1u << 4,   /* salesforceaccountid <- Contact.AccountId, always_sf */
    CS_MAP_LEAD_ONLY = 1u << 5,    /* company: Lead.Company only, never a Contact (C9) */
    CS_MAP_SF_REQUIRED = 1u << 6,  /* SF requires it on create: placeholder applies (C13) */
    CS_MAP_SF_REFERENCE = 1u << 7, /* the SF side is a lookup (only the fixed rows) */
};

/* One entry of a mapping's value map (R3): an HS enumeration option and the
 * SF value (picklist API name) it stands for. Several HS options may share
 * one SF value; SF -> HS then uses the first of them in the map's order. */
typedef struct cs_value_pair {
    const char *hs;
    const char *sf;
    int line, column; /* where the file set it; 0 = the default map */
} cs_value_pair;

/* One mapped field. The engine iterates these; all strings are borrowed from
 * the cs_config (or static for the default table) and valid until
 * cs_config_free(). */
typedef struct cs_field_mapping {
    const char *hs;         /* HS contact property (internal name) */
    const char *sf_lead;    /* SF Lead field API name, or NULL: the row skips leads */
    const char *sf_contact; /* SF Contact field API name, or NULL: the row skips contacts */
    cs_rule rule;           /* the effective rule */
    unsigned allowed;       /* CS_RULE_BIT set of rules this row accepts */
    unsigned flags;         /* CS_MAP_* */
    int line, column;       /* where the file set this row or its rule; 0 = untouched default */
    /* The value map (contacts.values, or `values` in a custom mapping), in
     * the file's order; NULL/0: values pass through unchanged. */
    const cs_value_pair *values;
    size_t nvalues;
} cs_field_mapping;

/* The default contact mappings of MAPPINGS.md in their documented order, with
 * their default rules (static storage). */
const cs_field_mapping *cs_config_default_contact_mappings(size_t *count);

/* ---- Value maps (R3) ---------------------------------------------------- */

/* At most this many entries per map; option values at most this long
 * (Salesforce's limit for a picklist value's API name). */
#define CS_VALUES_MAX_ENTRIES 500
#define CS_VALUES_MAX_LEN     255

typedef enum cs_value_dir {
    CS_VALUES_TO_SF,    /* an HS value as Salesforce receives it */
    CS_VALUES_TO_HS,    /* an SF value as HubSpot receives it (the first HS option listed) */
    CS_VALUES_CANONICAL /* an HS value as TO_HS would give it back: HS options that share
                         * one SF value compare equal in this form */
} cs_value_dir;

/* Translates value through m's value map in direction dir. A value the map
 * does not list passes through unchanged (the other side then accepts or
 * refuses it, R3/R4); so do blank values and every value of a mapping
 * without a map. A value that is not listed as a whole but holds ';' is a
 * multi-select: each item is translated, duplicates dropped, and the items
 * joined with ';' in scratch (reset first; its maximum bounds the result).
 * On success *out is value itself, a string of the map (borrowed from the
 * config, like m), or scratch's contents (valid until scratch changes), and
 * 0 is returned; -1 when scratch cannot hold the result (*out untouched). */
int cs_values_translate(const cs_field_mapping *m, cs_value_dir dir, const char *value,
                        cs_buf *scratch, const char **out);

/* The HS contact properties crmsync itself maintains (salesforceleadid, ...):
 * read-only for users, never mappable. NULL-terminated, static. */
typedef struct cs_maintained_property {
    const char *name;
    const char *type;        /* HS property type to create it with ("string", "datetime") */
    const char *description; /* what crmsync writes there */
} cs_maintained_property;
const cs_maintained_property *cs_config_maintained_properties(size_t *count);

/* ---- Settings ----------------------------------------------------------- */

typedef enum cs_sf_auth { CS_SF_AUTH_TOKEN = 0, CS_SF_AUTH_OAUTH } cs_sf_auth;
typedef enum cs_oauth_grant {
    CS_OAUTH_REFRESH_TOKEN = 0,
    CS_OAUTH_CLIENT_CREDENTIALS
} cs_oauth_grant;

/* How crmsync authenticates to HubSpot: a private-app token, or an OAuth
 * app's refresh token exchanged for short-lived access tokens. */
typedef enum cs_hs_auth { CS_HS_AUTH_TOKEN = 0, CS_HS_AUTH_OAUTH } cs_hs_auth;

typedef struct cs_endpoints {
    const char *hubspot_base_url; /* no trailing slash */
    cs_hs_auth hubspot_auth;
    const char *hubspot_token_env; /* CS_HS_AUTH_TOKEN */
    /* CS_HS_AUTH_OAUTH (hubspot.oauth): */
    const char *hs_oauth_token_url; /* default base_url + /oauth/v1/token */
    const char *hs_oauth_client_id_env;
    const char *hs_oauth_client_secret_env;
    const char *hs_oauth_refresh_token_env;
    /* hubspot.ca_file / salesforce.ca_file: a PEM file of the CA certificates
     * to trust for that API (and its token URL) instead of the system store;
     * NULL = the system store. TLS verification is never turned off. */
    const char *hubspot_ca_file;
    const char *salesforce_ca_file;
    const char *salesforce_instance_url; /* no trailing slash */
    const char *salesforce_api_version;  /* "60.0" */
    cs_sf_auth salesforce_auth;
    const char *salesforce_token_env; /* CS_SF_AUTH_TOKEN */
    /* CS_SF_AUTH_OAUTH: */
    cs_oauth_grant oauth_grant;
    const char *oauth_token_url; /* default instance_url + /services/oauth2/token */
    const char *oauth_client_id_env;
    const char *oauth_client_secret_env;
    const char *oauth_refresh_token_env; /* NULL for client_credentials */
} cs_endpoints;

/* An API call budget (R6): an absolute number of calls per rolling 24 hours,
 * or a percentage (1-100). */
typedef struct cs_budget {
    bool percent;
    long value;
} cs_budget;

typedef struct cs_sync_settings {
    long interval_ms;  /* pause between passes of `crmsync run` */
    long overlap_ms;   /* cursor overlap window (R2) */
    int hs_batch_size; /* <= 100 */
    int sf_batch_size; /* <= 200 */
    /* HubSpot searches started per second at most (HubSpot allows 5 per
     * account and says so in no header); 0: not paced, 429s are retried. */
    int hs_search_rate;
    cs_budget sf_api_budget; /* percent of the org's DailyApiRequests Max, or calls */
    cs_budget retry_budget;  /* percent of the resolved sf_api_budget, or calls */
    /* Salesforce Bulk API 2.0 above this many records per pass per object
     * (full reads, writes); 0: never. */
    long bulk_threshold;
} cs_sync_settings;

#define CS_BULK_THRESHOLD_DEFAULT 10000L
#define CS_BULK_THRESHOLD_MAX     100000000L

/* The two limits of R6 for an org whose daily allocation is daily_max (the
 * Max of DailyApiRequests; ignored when both budgets are absolute): the
 * calls a 24-hour window may spend in total and on retries of errored
 * records. Never more than daily_max when daily_max > 0. */
void cs_sync_call_limits(const cs_sync_settings *s, long daily_max, long *sync_limit,
                         long *retry_limit);

typedef enum cs_create_as {
    CS_CREATE_LEAD = 0,
    CS_CREATE_CONTACT,
    CS_CREATE_CONTACT_IF_COMPANY_LINKED /* crmsync's C15 rule */
} cs_create_as;
typedef enum cs_on_sf_change {
    CS_SF_CHANGE_CREATE_OR_UPDATE = 0,
    CS_SF_CHANGE_NOTHING
} cs_on_sf_change;
typedef enum cs_conflict_winner {
    CS_WINNER_LATEST = 0,
    CS_WINNER_HUBSPOT,
    CS_WINNER_SALESFORCE
} cs_conflict_winner;
typedef enum cs_delete_action { CS_DELETE_NOTHING = 0, CS_DELETE_DELETE } cs_delete_action;

typedef struct cs_contact_settings {
    cs_create_as create_salesforce_as;     /* C15 */
    cs_on_sf_change on_salesforce_change;  /* C3 */
    const char *required_placeholder;      /* C13; NULL = refuse the record */
    cs_conflict_winner conflict_winner;    /* R1, two_way conflicts */
    const char *inclusion_list;            /* C2; HS list id, NULL = every contact */
    cs_delete_action on_salesforce_delete; /* C16: what an SF delete does in HS */
    cs_delete_action on_hubspot_delete;    /* C16: what an HS delete does in SF */
} cs_contact_settings;

/* The companies: section (A1, A2): HubSpot companies ⇄ Salesforce Accounts.
 * Off unless enabled. Creation follows A1 (not a setting); matching is by
 * link and association only, never by domain. */
typedef struct cs_company_settings {
    bool enabled;
    cs_conflict_winner conflict_winner;    /* R1, two_way conflicts */
    cs_delete_action on_salesforce_delete; /* an Account delete in HubSpot */
    cs_delete_action on_hubspot_delete;    /* a company delete in Salesforce */
} cs_company_settings;

const char *cs_create_as_name(cs_create_as v);
const char *cs_conflict_winner_name(cs_conflict_winner v);

/* ---- Loading ------------------------------------------------------------ */

#define CS_CONFIG_MAX_BYTES ((size_t)1024 * 1024) /* crmsync.yaml larger than this is refused */

/* Loads and validates a configuration file. On success *out owns the model
 * (free with cs_config_free()). On failure *out is untouched and err
 * (category CS_ERR_CONFIG, or CS_ERR_IO when the file cannot be read) holds
 * every problem found, one per line, "path:line:col: key: message [ids]". */
int cs_config_load(const char *path, cs_config **out, cs_err *err);
/* The same from text in memory; name is used in messages ("crmsync.yaml"). */
int cs_config_load_string(const char *name, const char *text, size_t len, cs_config **out,
                          cs_err *err);
/* The same, also appending every problem (one line each, in file order) to
 * problems when it is not NULL: err holds only as many as its message fits. */
int cs_config_load_all(const char *path, cs_config **out, cs_buf *problems, cs_err *err);
int cs_config_load_string_all(const char *name, const char *text, size_t len, cs_config **out,
                              cs_buf *problems, cs_err *err);
/* Accepts NULL. */
void cs_config_free(cs_config *cfg);

/* Accessors. Returned pointers are borrowed and valid until cs_config_free(). */
const char *cs_config_source(const cs_config *cfg); /* the name it was loaded from */
const cs_endpoints *cs_config_endpoints(const cs_config *cfg);
const char *cs_config_store_url(const cs_config *cfg); /* "sqlite:PATH" or "postgres://..." */
const cs_sync_settings *cs_config_sync(const cs_config *cfg);
const cs_contact_settings *cs_config_contacts(const cs_config *cfg);
/* Every contact mapping: the defaults (MAPPINGS.md order, rules as
 * configured) followed by the custom mappings in file order. */
const cs_field_mapping *cs_config_mappings(const cs_config *cfg, size_t *count);
/* The mapping of an HS property, or NULL. */
const cs_field_mapping *cs_config_mapping_by_hs(const cs_config *cfg, const char *hs);
const cs_company_settings *cs_config_companies(const cs_config *cfg);
/* Every company mapping (HS company property ⇄ SF Account field, the
 * Account field in sf_lead, sf_contact NULL): the defaults of MAPPINGS.md in
 * order, rules as configured, then companies.mappings in file order. */
const cs_field_mapping *cs_config_company_mappings(const cs_config *cfg, size_t *count);
/* The default company mappings (static storage). */
const cs_field_mapping *cs_config_default_company_mappings(size_t *count);

/* ---- Secrets ------------------------------------------------------------ */

/* The secrets named by the configuration, read from the environment. Owned
 * by the caller; dispose with cs_credentials_dispose(), which wipes them. */
typedef struct cs_credentials {
    char *hubspot_token;            /* CS_HS_AUTH_TOKEN */
    char *hubspot_client_id;        /* CS_HS_AUTH_OAUTH */
    char *hubspot_client_secret;    /* CS_HS_AUTH_OAUTH */
    char *hubspot_refresh_token;    /* CS_HS_AUTH_OAUTH */
    char *salesforce_token;         /* CS_SF_AUTH_TOKEN */
    char *salesforce_client_id;     /* CS_SF_AUTH_OAUTH */
    char *salesforce_client_secret; /* CS_SF_AUTH_OAUTH */
    char *salesforce_refresh_token; /* CS_OAUTH_REFRESH_TOKEN */
} cs_credentials;

/* Reads every secret the configuration needs from the environment and
 * registers each with the logger's redaction (cs_log_add_secret). A missing
 * or empty variable is a CS_ERR_AUTH error naming the variable (never a
 * value). On failure *out is untouched. */
int cs_config_credentials(const cs_config *cfg, cs_credentials *out, cs_err *err);
/* Wipes and frees what c holds. Accepts NULL. */
void cs_credentials_dispose(cs_credentials *c);

/* ---- crmsync init -------------------------------------------------------- */

typedef struct cs_config_init_options {
    /* The HubSpot API root and the Salesforce instance: http:// or https://
     * URLs with a host and without query, fragment, spaces or control
     * characters (trailing slashes are dropped). NULL = a sandbox on
     * 127.0.0.1 at the port below. */
    const char *hubspot_url;
    const char *salesforce_url;
    int hubspot_port;    /* the sandbox's HubSpot port, when hubspot_url is NULL */
    int salesforce_port; /* the sandbox's Salesforce port, when salesforce_url is NULL */
    const char *store;   /* NULL = "sqlite:crmsync.db" */
    /* A CA file both APIs are to trust (a `crmsync sandbox --tls`'s), written
     * as hubspot.ca_file and salesforce.ca_file; NULL = none. */
    const char *ca_file;
} cs_config_init_options;

/* Appends a commented crmsync.yaml to out: both base URLs, every other key
 * with its default, the rules of every default mapping, and a commented
 * example custom mapping. The text loads back with cs_config_load_string().
 * A URL that is not acceptable (or a port outside 1..65535 where it stands
 * for a URL) is a CS_ERR_CONFIG error naming it; nothing is appended then. */
int cs_config_init_text(const cs_config_init_options *opts, cs_buf *out, cs_err *err);

/* ---- Live schemas (crmsync check) -------------------------------------- */

/* One field of a live schema, in a neutral form the connectors fill from
 * HubSpot's properties API or Salesforce's describe. Strings are borrowed. */
typedef struct cs_schema_field {
    const char *name;
    /* HubSpot: the property "type" (string, number, bool, enumeration, date,
     * datetime, phone_number); Salesforce: the describe "type" (string,
     * textarea, email, phone, url, picklist, multipicklist, boolean, double,
     * int, currency, percent, date, datetime, reference, id, ...). */
    const char *type;
    /* HubSpot: "fieldType" (text, textarea, select, radio, checkbox,
     * booleancheckbox, number, date, ...); Salesforce: NULL. */
    const char *field_type;
    const char *const *options; /* enumeration / picklist values */
    size_t option_count;
    long length;              /* SF text length; 0 when unknown */
    bool createable;          /* SF createable; HS: not read-only */
    bool updateable;          /* SF updateable; HS: not read-only */
    bool is_reference;        /* SF reference/lookup; HS referencedObjectType (owner, user) */
    bool restricted_picklist; /* SF picklist refuses values not in options */
} cs_schema_field;

typedef struct cs_schema {
    const char *object; /* "contacts", "Lead", "Contact" (used in messages) */
    const cs_schema_field *fields;
    size_t count;
} cs_schema;

typedef enum cs_check_severity { CS_CHECK_ERROR = 0, CS_CHECK_WARNING } cs_check_severity;

typedef struct cs_check_problem {
    cs_check_severity severity;
    const char *hs_property; /* the mapping's HS property */
    const char *sf_object;   /* "Lead", "Contact", or NULL for an HS-side problem */
    const char *sf_field;    /* or NULL */
    const char *rule_ids;    /* SPEC ids, e.g. "R3, C9" */
    const char *message;     /* a full sentence naming the field and the ids */
} cs_check_problem;

typedef struct cs_check_report cs_check_report;

/* Checks every mapping of cfg (and the properties crmsync maintains) against
 * the live schemas: every mapped name exists, the types are compatible
 * (MAPPINGS.md's table, R3), no text is mapped to a lookup (C9, O3), read-only
 * fields are not written, and enumeration options agree. A NULL schema skips
 * that side. Finds every problem, not just the first. Returns 0 with *out set
 * (free with cs_check_report_free()), or -1 when memory ran out. */
int cs_config_check(const cs_config *cfg, const cs_schema *hs_contacts, const cs_schema *sf_lead,
                    const cs_schema *sf_contact, cs_check_report **out, cs_err *err);
/* The companies section (when enabled) against the HubSpot companies and
 * Salesforce Account schemas, appended to r (from cs_config_check). 0, or
 * -1 when memory ran out. */
int cs_config_check_companies(const cs_config *cfg, const cs_schema *hs_companies,
                              const cs_schema *sf_account, cs_check_report *r, cs_err *err);
size_t cs_check_report_count(const cs_check_report *r);
size_t cs_check_report_errors(const cs_check_report *r); /* problems of severity error */
/* Borrowed, valid until cs_check_report_free(). */
const cs_check_problem *cs_check_report_get(const cs_check_report *r, size_t i);
void cs_check_report_free(cs_check_report *r);

#endif
