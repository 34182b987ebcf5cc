/* `crmsync check`: the loaded mappings against both sides' live schemas.
 * Every mapped HS property and SF field must exist; their types must be
 * compatible per MAPPINGS.md's table (R3) — never text onto a lookup (C9,
 * O3); a field a rule writes into must be writable; enumeration options are
 * compared through the mapping's value map (a value one side lacks becomes a
 * per-record error, so it is a warning), and every value a value map names
 * must exist on its side (R3, a warning naming both sides). The properties
 * crmsync maintains must exist and be writable.
 * Every problem is reported, not just the first. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_int.h"

struct cs_check_report {
    cs_check_problem *items;
    size_t count, cap;
    size_t errors;
    bool oom;
};

typedef enum hs_kind {
    HK_STRING,
    HK_NUMBER,
    HK_BOOL,
    HK_ENUM,
    HK_MULTI,
    HK_DATE,
    HK_DATETIME,
    HK_REF,
    HK_OTHER
} hs_kind;

typedef enum sf_kind {
    SK_TEXT,
    SK_PICKLIST,
    SK_MULTI,
    SK_BOOL,
    SK_NUMBER,
    SK_DATE,
    SK_DATETIME,
    SK_REF,
    SK_OTHER
} sf_kind;

static bool eq(const char *a, const char *b)
{
    return a != NULL && strcmp(a, b) == 0;
}

static hs_kind hs_kind_of(const cs_schema_field *f)
{
    if (f->is_reference)
        return HK_REF;
    const char *t = f->type, *ft = f->field_type;
    if (eq(ft, "booleancheckbox") || eq(t, "bool"))
        return HK_BOOL;
    if (eq(t, "enumeration"))
        return eq(ft, "checkbox") ? HK_MULTI : HK_ENUM;
    if (eq(t, "number"))
        return HK_NUMBER;
    if (eq(t, "string") || eq(t, "phone_number"))
        return HK_STRING;
    if (eq(t, "date"))
        return HK_DATE;
    if (eq(t, "datetime"))
        return HK_DATETIME;
    return HK_OTHER;
}

static sf_kind sf_kind_of(const cs_schema_field *f)
{
    const char *t = f->type;
    if (eq(t, "string") || eq(t, "textarea") || eq(t, "email") || eq(t, "phone") || eq(t, "url"))
        return SK_TEXT;
    if (eq(t, "picklist"))
        return SK_PICKLIST;
    if (eq(t, "multipicklist"))
        return SK_MULTI;
    if (eq(t, "boolean"))
        return SK_BOOL;
    if (eq(t, "double") || eq(t, "int") || eq(t, "currency") || eq(t, "percent"))
        return SK_NUMBER;
    if (eq(t, "date"))
        return SK_DATE;
    if (eq(t, "datetime"))
        return SK_DATETIME;
    if (eq(t, "reference") || eq(t, "id") || f->is_reference)
        return SK_REF;
    return SK_OTHER;
}

/* MAPPINGS.md's type compatibility table (R3). */
static bool compatible(hs_kind h, sf_kind s)
{
    switch (h) {
    case HK_STRING:
        return s == SK_TEXT || s == SK_PICKLIST;
    case HK_ENUM:
        return s == SK_PICKLIST;
    case HK_MULTI:
        return s == SK_MULTI;
    case HK_BOOL:
        return s == SK_BOOL;
    case HK_NUMBER:
        return s == SK_NUMBER;
    case HK_DATE:
        return s == SK_DATE;
    case HK_DATETIME:
        return s == SK_DATETIME || s == SK_DATE;
    case HK_REF:
    case HK_OTHER:
        return false;
    }
    return false;
}

/* The HS type to create a missing property with, from its SF counterpart. */
static const char *hs_type_for(const cs_schema_field *sf)
{
    if (sf == NULL)
        return "type string, fieldType text";
    switch (sf_kind_of(sf)) {
    case SK_PICKLIST:
        return "type enumeration, fieldType select, with the picklist's values as options";
    case SK_MULTI:
        return "type enumeration, fieldType checkbox, with the picklist's values as options";
    case SK_BOOL:
        return "type bool, fieldType booleancheckbox";
    case SK_NUMBER:
        return "type number, fieldType number";
    case SK_DATE:
        return "type date, fieldType date";
    case SK_DATETIME:
        return "type datetime, fieldType date";
    case SK_TEXT:
        return eq(sf->type, "textarea") ? "type string, fieldType textarea"
                                        : "type string, fieldType text";
    case SK_REF:
    case SK_OTHER:
        break;
    }
    return "type string, fieldType text";
}

__attribute__((format(printf, 7, 8))) static void add(cs_check_report *r, cs_check_severity sev,
                                                      const char *hs, const char *sf_object,
                                                      const char *sf_field, const char *ids,
                                                      const char *fmt, ...)
{
    if (r->oom)
        return;
    if (r->count == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 16;
        cs_check_problem *p = realloc(r->items, ncap * sizeof *p);
        if (p == NULL) {
            r->oom = true;
            return;
        }
        r->items = p;
        r->cap = ncap;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    char full[1100];
    n = snprintf(full, sizeof full, "%s [%s]", msg, ids);
    if (n < 0)
        full[0] = '\0';
    cs_check_problem *p = &r->items[r->count];
    p->severity = sev;
    p->sf_object = sf_object;
    p->rule_ids = ids;
    p->hs_property = hs ? strdup(hs) : NULL;
    p->sf_field = sf_field ? strdup(sf_field) : NULL;
    p->message = strdup(full);
    if (p->message == NULL || (hs && !p->hs_property) || (sf_field && !p->sf_field)) {
        free((char *)p->hs_property);
        free((char *)p->sf_field);
        free((char *)p->message);
        r->oom = true;
        return;
    }
    r->count++;
    if (sev == CS_CHECK_ERROR)
        r->errors++;
}

static const cs_schema_field *find(const cs_schema *s, const char *name, bool ci)
{
    for (size_t i = 0; s != NULL && i < s->count; i++) {
        const char *n = s->fields[i].name;
        if (n != NULL && (ci ? strcasecmp(n, name) == 0 : strcmp(n, name) == 0))
            return &s->fields[i];
    }
    return NULL;
}

static bool has_option(const cs_schema_field *f, const char *v, bool ci)
{
    for (size_t i = 0; i < f->option_count; i++) {
        if (f->options[i] != NULL &&
            (ci ? strcasecmp(f->options[i], v) : strcmp(f->options[i], v)) == 0)
            return true;
    }
    return false;
}

/* "a, b, c" of the options of from that to lacks once translated through
 * m's value map in direction dir (at most a few). Returns how many are
 * missing. */
static size_t missing_options(const cs_field_mapping *m, cs_value_dir dir,
                              const cs_schema_field *from, const cs_schema_field *to, char *out,
                              size_t size)
{
    size_t missing = 0, used = 0;
    out[0] = '\0';
    cs_buf scratch;
    cs_buf_init(&scratch, 4096);
    for (size_t i = 0; i < from->option_count; i++) {
        const char *v = from->options[i], *t;
        if (v == NULL || cs_values_translate(m, dir, v, &scratch, &t) != 0 ||
            has_option(to, t, false))
            continue;
        if (missing++ < 5) {
            int n = snprintf(out + used, size - used, "%s'%s'", used ? ", " : "", v);
            if (n > 0 && (size_t)n < size - used)
                used += (size_t)n;
        }
    }
    cs_buf_free(&scratch);
    if (missing > 5) {
        int n = snprintf(out + used, size - used, " and %zu more", missing - 5);
        if (n < 0)
            out[used] = '\0';
    }
    return missing;
}

typedef struct pair_ctx {
    cs_check_report *r;
    const cs_config *cfg;
    const cs_field_mapping *m;
    char where[160]; /* " (crmsync.yaml:12:5)" or "" */
} pair_ctx;

/* " (crmsync.yaml:12:7)" for a pair the file set, " (the default value
 * map)" for one of the default table. */
static void pair_where(const pair_ctx *c, const cs_value_pair *p, char *out, size_t size)
{
    int n = p->line > 0 ? snprintf(out, size, " (%s:%d:%d)", c->cfg->source, p->line, p->column)
                        : snprintf(out, size, " (the default value map)");
    if (n < 0 && size > 0)
        out[0] = '\0';
}

/* R3: every SF value of m's value map must be a value of the SF picklist it
 * is written to; one that is not would be refused (or, unrestricted, stored
 * as a value the org does not know). */
static void check_value_map_sf(pair_ctx *c, const cs_schema_field *sf, const char *object)
{
    const cs_field_mapping *m = c->m;
    if (sf->option_count == 0 || !cs_rule_writes_sf(m->rule))
        return;
    for (size_t i = 0; i < m->nvalues; i++) {
        const cs_value_pair *p = &m->values[i];
        if (has_option(sf, p->sf, false))
            continue;
        char where[160];
        pair_where(c, p, where, sizeof where);
        if (sf->restricted_picklist)
            add(c->r, CS_CHECK_WARNING, m->hs, object, sf->name, "R3, R4",
                "the value map of %s sends HubSpot option '%s' to %s.%s as '%s', which is not a "
                "value of that restricted picklist; records with it become Property values "
                "errors%s",
                m->hs, p->hs, object, sf->name, p->sf, where);
        else
            add(c->r, CS_CHECK_WARNING, m->hs, object, sf->name, "R3",
                "the value map of %s sends HubSpot option '%s' to %s.%s as '%s', which is not a "
                "value of that picklist; Salesforce stores it as a value its picklist does not "
                "list%s",
                m->hs, p->hs, object, sf->name, p->sf, where);
    }
}

/* R3: every HS option of m's value map must be an option of the HS
 * property; one that is not would be refused by HubSpot. A value map on a
 * number, date or checkbox property translates nothing sensible: an error. */
static void check_value_map_hs(pair_ctx *c, const cs_schema_field *hs)
{
    const cs_field_mapping *m = c->m;
    if (m->nvalues == 0)
        return;
    char where[160];
    pair_where(c, &m->values[0], where, sizeof where);
    hs_kind hk = hs_kind_of(hs);
    if (hk != HK_ENUM && hk != HK_MULTI && hk != HK_STRING) {
        add(c->r, CS_CHECK_ERROR, m->hs, NULL, NULL, "R3",
            "%s has a value map, but it is a HubSpot %s property: value maps translate "
            "enumeration options (or text)%s",
            m->hs, hs->type ? hs->type : "?", where);
        return;
    }
    if (hs->option_count == 0 || !cs_rule_writes_hs(m->rule))
        return;
    for (size_t i = 0; i < m->nvalues; i++) {
        const cs_value_pair *p = &m->values[i];
        if (has_option(hs, p->hs, false))
            continue;
        pair_where(c, p, where, sizeof where);
        add(c->r, CS_CHECK_WARNING, m->hs, NULL, NULL, "R3, R4",
            "the value map of %s lists '%s' (for Salesforce '%s'), which is not an option of "
            "HubSpot property %s; records with it become Property values errors%s",
            m->hs, p->hs, p->sf, m->hs, where);
    }
}

static void check_options(pair_ctx *c, const cs_schema_field *hs, const cs_schema_field *sf,
                          const char *object)
{
    const cs_field_mapping *m = c->m;
    char list[512];
    hs_kind hk = hs_kind_of(hs);
    bool hs_enum = hk == HK_ENUM || hk == HK_MULTI;
    /* Compared through the value map (R3): what each side receives. */
    const char *via = m->nvalues > 0 ? " (after the value map)" : "";
    if (hs_enum && cs_rule_writes_sf(m->rule) && sf->restricted_picklist &&
        missing_options(m, CS_VALUES_TO_SF, hs, sf, list, sizeof list) > 0)
        add(c->r, CS_CHECK_WARNING, m->hs, object, sf->name, "R3, R4",
            "%s.%s (restricted picklist) lacks HubSpot options of %s%s: %s; records with those "
            "values become Property values errors%s",
            object, sf->name, m->hs, via, list, c->where);
    if (hs_enum && cs_rule_writes_hs(m->rule) &&
        missing_options(m, CS_VALUES_TO_HS, sf, hs, list, sizeof list) > 0)
        add(c->r, CS_CHECK_WARNING, m->hs, object, sf->name, "R3, R4",
            "HubSpot property %s lacks values of %s.%s%s: %s; records with those values become "
            "Property values errors%s",
            m->hs, object, sf->name, via, list, c->where);
    check_value_map_sf(c, sf, object);
    if (hk == HK_STRING && cs_rule_writes_sf(m->rule) && sf->restricted_picklist)
        add(c->r, CS_CHECK_WARNING, m->hs, object, sf->name, "R3, R4",
            "%s.%s is a restricted picklist and %s is free text: values outside the picklist "
            "become Property values errors%s",
            object, sf->name, m->hs, c->where);
}

static void check_side(pair_ctx *c, const cs_schema_field *hs, const cs_schema *schema,
                       const char *field)
{
    const cs_field_mapping *m = c->m;
    const char *object = schema->object ? schema->object : "Salesforce";
    const cs_schema_field *sf = find(schema, field, true);
    if (sf == NULL) {
        add(c->r, CS_CHECK_ERROR, m->hs, object, field, (m->flags & CS_MAP_DEFAULT) ? "C6" : "C7",
            "Salesforce %s field %s (mapped to %s) does not exist%s", object, field, m->hs,
            c->where);
        return;
    }
    if (cs_rule_writes_sf(m->rule) && !sf->updateable) {
        add(c->r, sf->createable ? CS_CHECK_WARNING : CS_CHECK_ERROR, m->hs, object, sf->name, "R1",
            sf->createable ? "%s.%s can be set on create only, so rule %s updates it from %s "
                             "only when crmsync creates the record%s"
                           : "%s.%s is read-only, but rule %s writes HubSpot values of %s into "
                             "it; use always_sf or dont_sync%s",
            object, sf->name, cs_rule_name(m->rule), m->hs, c->where);
    }
    if (hs == NULL || (m->flags & CS_MAP_SF_REFERENCE))
        return; /* the fixed lookup rows (C17, AccountId) translate ids themselves */
    hs_kind hk = hs_kind_of(hs);
    sf_kind sk = sf_kind_of(sf);
    if (sk == SK_REF) {
        add(c->r, CS_CHECK_ERROR, m->hs, object, sf->name, "R3, C9, O3",
            "%s (HubSpot %s) cannot map to %s.%s, a lookup: a property cannot map to a lookup "
            "field; lookups sync through associations%s",
            m->hs, hs->type ? hs->type : "?", object, sf->name, c->where);
        return;
    }
    if (hk == HK_REF) {
        add(c->r, CS_CHECK_ERROR, m->hs, object, sf->name, "R3, MAPPINGS",
            "%s is a HubSpot user/owner-type property and cannot map to a Salesforce field "
            "(only hubspot_owner_id maps, to OwnerId)%s",
            m->hs, c->where);
        return;
    }
    if (!compatible(hk, sk)) {
        add(c->r, CS_CHECK_ERROR, m->hs, object, sf->name, "R3",
            "%s (HubSpot %s%s%s) cannot map to %s.%s (Salesforce %s): the types are not "
            "compatible%s",
            m->hs, hs->type ? hs->type : "?", hs->field_type ? "/" : "",
            hs->field_type ? hs->field_type : "", object, sf->name, sf->type ? sf->type : "?",
            c->where);
        return;
    }
    check_options(c, hs, sf, object);
}

static void check_mapping(pair_ctx *c, const cs_schema *hs_s, const cs_schema *lead_s,
                          const cs_schema *contact_s)
{
    const cs_field_mapping *m = c->m;
    const cs_schema_field *hs = find(hs_s, m->hs, false);
    if (hs_s != NULL && hs == NULL) {
        const cs_schema_field *sf = NULL;
        if (m->sf_lead != NULL && lead_s != NULL)
            sf = find(lead_s, m->sf_lead, true);
        if (sf == NULL && m->sf_contact != NULL && contact_s != NULL)
            sf = find(contact_s, m->sf_contact, true);
        if (m->flags & CS_MAP_DEFAULT)
            add(c->r, CS_CHECK_ERROR, m->hs, NULL, NULL, "C6, MAPPINGS",
                "HubSpot contact property %s does not exist: create it (%s, e.g. POST "
                "/crm/v3/properties/contacts) or set contacts.rules.%s: dont_sync",
                m->hs, hs_type_for(sf), m->hs);
        else
            add(c->r, CS_CHECK_ERROR, m->hs, NULL, NULL, "C7",
                "HubSpot contact property %s does not exist: create it (%s) or fix the "
                "mapping%s",
                m->hs, hs_type_for(sf), c->where);
    }
    /* C10: HubSpot's opt-out property is read-only through the properties
     * API; crmsync unsubscribes through the subscription API instead. */
    if (hs != NULL && cs_rule_writes_hs(m->rule) && !hs->updateable && !(m->flags & CS_MAP_OPTOUT))
        add(c->r, CS_CHECK_ERROR, m->hs, NULL, NULL, "R1",
            "HubSpot property %s is read-only, but rule %s writes Salesforce values into it; "
            "use always_hs or dont_sync%s",
            m->hs, cs_rule_name(m->rule), c->where);
    if (hs != NULL)
        check_value_map_hs(c, hs);
    if (m->sf_lead != NULL && lead_s != NULL)
        check_side(c, hs, lead_s, m->sf_lead);
    if (m->sf_contact != NULL && contact_s != NULL)
        check_side(c, hs, contact_s, m->sf_contact);
}

static void check_maintained(cs_check_report *r, const cs_schema *hs_s)
{
    size_t n;
    const cs_maintained_property *mp = cs_config_maintained_properties(&n);
    for (size_t i = 0; i < n; i++) {
        const cs_schema_field *f = find(hs_s, mp[i].name, false);
        if (f == NULL)
            add(r, CS_CHECK_ERROR, mp[i].name, NULL, NULL, "MAPPINGS",
                "HubSpot contact property %s, which crmsync maintains (%s), does not exist: "
                "create it with type %s",
                mp[i].name, mp[i].description, mp[i].type);
        else if (!f->updateable)
            add(r, CS_CHECK_ERROR, mp[i].name, NULL, NULL, "MAPPINGS",
                "HubSpot contact property %s, which crmsync maintains, is read-only for "
                "crmsync's token",
                mp[i].name);
    }
}

int cs_config_check(const cs_config *cfg, const cs_schema *hs_contacts, const cs_schema *sf_lead,
                    const cs_schema *sf_contact, cs_check_report **out, cs_err *err)
{
    cs_check_report *r = calloc(1, sizeof *r);
    if (r == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < cfg->nmappings; i++) {
        pair_ctx c;
        c.r = r;
        c.cfg = cfg;
        c.m = &cfg->mappings[i];
        if (c.m->rule == CS_RULE_DONT_SYNC)
            continue; /* nothing flows: the names need not exist */
        c.where[0] = '\0';
        if (c.m->line > 0 && snprintf(c.where, sizeof c.where, " (%s:%d:%d)", cfg->source,
                                      c.m->line, c.m->column) < 0)
            c.where[0] = '\0';
        check_mapping(&c, hs_contacts, sf_lead, sf_contact);
    }
    if (hs_contacts != NULL)
        check_maintained(r, hs_contacts);
    if (r->oom) {
        cs_check_report_free(r);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    *out = r;
    return 0;
}

int cs_config_check_companies(const cs_config *cfg, const cs_schema *hs_companies,
                              const cs_schema *sf_account, cs_check_report *r, cs_err *err)
{
    if (!cfg->companies.enabled)
        return 0;
    for (size_t i = 0; i < cfg->ncompany_mappings; i++) {
        pair_ctx c;
        c.r = r;
        c.cfg = cfg;
        c.m = &cfg->company_mappings[i];
        if (c.m->rule == CS_RULE_DONT_SYNC)
            continue;
        c.where[0] = '\0';
        if (c.m->line > 0 && snprintf(c.where, sizeof c.where, " (%s:%d:%d)", cfg->source,
                                      c.m->line, c.m->column) < 0)
            c.where[0] = '\0';
        const cs_schema_field *hs = find(hs_companies, c.m->hs, false);
        if (hs_companies != NULL && hs == NULL)
            add(r, CS_CHECK_ERROR, c.m->hs, NULL, NULL, "A1, MAPPINGS",
                "HubSpot company property %s does not exist: create it (POST "
                "/crm/v3/properties/companies) or %s%s",
                c.m->hs,
                (c.m->flags & CS_MAP_DEFAULT) ? "set its rule under companies.rules to dont_sync"
                                              : "fix the mapping",
                c.where);
        if (hs != NULL && cs_rule_writes_hs(c.m->rule) && !hs->updateable)
            add(r, CS_CHECK_ERROR, c.m->hs, NULL, NULL, "R1",
                "HubSpot company property %s is read-only, but rule %s writes Salesforce values "
                "into it; use always_hs or dont_sync%s",
                c.m->hs, cs_rule_name(c.m->rule), c.where);
        if (hs != NULL)
            check_value_map_hs(&c, hs);
        if (c.m->sf_lead != NULL && sf_account != NULL)
            check_side(&c, hs, sf_account, c.m->sf_lead);
    }
    /* The company's link property (the linked Account's id). */
    const cs_schema_field *f = find(hs_companies, "salesforceaccountid", false);
    if (hs_companies != NULL && (f == NULL || !f->updateable))
        add(r, CS_CHECK_ERROR, "salesforceaccountid", NULL, NULL, "A1, MAPPINGS",
            "HubSpot company property salesforceaccountid, which crmsync maintains (the linked "
            "Account's id), %s",
            f == NULL ? "does not exist: create it with type string" : "is read-only");
    if (r->oom)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    return 0;
}

size_t cs_check_report_count(const cs_check_report *r)
{
    return r ? r->count : 0;
}

size_t cs_check_report_errors(const cs_check_report *r)
{
    return r ? r->errors : 0;
}

const cs_check_problem *cs_check_report_get(const cs_check_report *r, size_t i)
{
    return (r != NULL && i < r->count) ? &r->items[i] : NULL;
}

void cs_check_report_free(cs_check_report *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->count; i++) {
        free((char *)r->items[i].hs_property);
        free((char *)r->items[i].sf_field);
        free((char *)r->items[i].message);
    }
    free(r->items);
    free(r);
}
