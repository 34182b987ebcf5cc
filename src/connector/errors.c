/* R9: which of HubSpot's Sync Health categories a refusal belongs to, from
 * the codes each API uses, and the per-record result helpers (R4: a refused
 * record keeps the API's own code, fields and message). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/connector_int.h"

typedef struct code_cat {
    const char *code;
    cs_category cat;
} code_cat;

/* Exact Salesforce codes; prefixes below catch the families. */
static const code_cat sf_codes[] = {
    {"DUPLICATE_VALUE", CS_CAT_DUPLICATES},
    {"DUPLICATES_DETECTED", CS_CAT_DUPLICATES},
    {"DUPLICATE_EXTERNAL_ID", CS_CAT_DUPLICATES},
    {"FIELD_CUSTOM_VALIDATION_EXCEPTION", CS_CAT_CUSTOM_CODE},
    {"CANNOT_EXECUTE_FLOW_TRIGGER", CS_CAT_CUSTOM_CODE},
    {"CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", CS_CAT_CUSTOM_CODE},
    {"APEX_ERROR", CS_CAT_CUSTOM_CODE},
    {"FIELD_FILTER_VALIDATION_EXCEPTION", CS_CAT_CUSTOM_CODE},
    {"INVALID_CROSS_REFERENCE_KEY", CS_CAT_ASSOCIATIONS},
    {"ENTITY_IS_DELETED", CS_CAT_ASSOCIATIONS},
    {"INACTIVE_OWNER_OR_USER", CS_CAT_PERMISSIONS},
    {"CANNOT_UPDATE_CONVERTED_LEAD", CS_CAT_PERMISSIONS},
    {"ENTITY_IS_LOCKED", CS_CAT_PERMISSIONS},
    {"REQUEST_LIMIT_EXCEEDED", CS_CAT_SUSPENSION},
    {"INVALID_SESSION_ID", CS_CAT_SUSPENSION},
    {"API_DISABLED_FOR_ORG", CS_CAT_SUSPENSION},
    {"API_CURRENTLY_DISABLED", CS_CAT_SUSPENSION},
    {"INVALID_AUTH_HEADER", CS_CAT_SUSPENSION},
};

static const code_cat sf_prefixes[] = {
    {"INSUFFICIENT_ACCESS", CS_CAT_PERMISSIONS},
    {"DUPLICATE", CS_CAT_DUPLICATES},
};

cs_category cs_conn_category_salesforce(const char *code)
{
    if (code == NULL || code[0] == '\0')
        return CS_CAT_PROPERTY_VALUES;
    for (size_t i = 0; i < sizeof sf_codes / sizeof sf_codes[0]; i++)
        if (strcmp(code, sf_codes[i].code) == 0)
            return sf_codes[i].cat;
    for (size_t i = 0; i < sizeof sf_prefixes / sizeof sf_prefixes[0]; i++)
        if (strncmp(code, sf_prefixes[i].code, strlen(sf_prefixes[i].code)) == 0)
            return sf_prefixes[i].cat;
    /* INVALID_EMAIL_ADDRESS, STRING_TOO_LONG, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST,
     * REQUIRED_FIELD_MISSING, INVALID_TYPE..., NUMBER_OUTSIDE_VALID_RANGE, ... */
    return CS_CAT_PROPERTY_VALUES;
}

cs_category cs_conn_category_hubspot(long status, const char *category, const char *inner_error)
{
    if (status == 401 || status == 429)
        return CS_CAT_SUSPENSION;
    if (category != NULL) {
        if (strcmp(category, "CONFLICT") == 0)
            return CS_CAT_DUPLICATES;
        if (strcmp(category, "RATE_LIMITS") == 0 ||
            strcmp(category, "INVALID_AUTHENTICATION") == 0 ||
            strcmp(category, "EXPIRED_AUTHENTICATION") == 0)
            return CS_CAT_SUSPENSION;
        if (strcmp(category, "MISSING_SCOPES") == 0)
            return CS_CAT_PERMISSIONS;
    }
    if (status == 409)
        return CS_CAT_DUPLICATES;
    if (status == 403)
        return CS_CAT_PERMISSIONS;
    if (inner_error != NULL) {
        if (strstr(inner_error, "OWNER") != NULL)
            return CS_CAT_PERMISSIONS;
        if (strstr(inner_error, "ASSOCIATION") != NULL)
            return CS_CAT_ASSOCIATIONS;
    }
    if (category != NULL && strstr(category, "ASSOCIATION") != NULL)
        return CS_CAT_ASSOCIATIONS;
    return CS_CAT_PROPERTY_VALUES;
}

cs_category cs_conn_category_for_err(cs_err_category c)
{
    switch (c) {
    case CS_ERR_AUTH:
    case CS_ERR_RATE_LIMIT:
        return CS_CAT_SUSPENSION;
    case CS_ERR_NONE:
        return CS_CAT_NONE;
    default:
        /* network, server failures: not the record's fault; the engine retries
         * it later, and suspension is the closest Sync Health category */
        return CS_CAT_SUSPENSION;
    }
}

static void copy(char *dst, size_t size, const char *src)
{
    if (src == NULL) {
        dst[0] = '\0';
        return;
    }
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void cs_write_result_refuse(cs_write_result *r, cs_category cat, const char *code,
                            const char *fields, const char *message)
{
    r->status = CS_WRITE_REFUSED;
    r->id[0] = '\0';
    r->created = false;
    r->existing = false;
    /* A refusal always has a category; one the API gave no clue to is about
     * the record's values. */
    r->category = cat == CS_CAT_NONE ? CS_CAT_PROPERTY_VALUES : cat;
    copy(r->code, sizeof r->code, code);
    copy(r->fields, sizeof r->fields, fields);
    copy(r->message, sizeof r->message, message);
}

void cs_write_result_ok(cs_write_result *r, const char *id, bool created)
{
    memset(r, 0, sizeof *r);
    r->status = CS_WRITE_OK;
    copy(r->id, sizeof r->id, id);
    r->created = created;
}

bool cs_hubspot_existing_id(const char *message, char *id, size_t id_size)
{
    static const char marker[] = "Existing ID: ";
    if (message == NULL || id_size == 0)
        return false;
    const char *p = strstr(message, marker);
    if (p == NULL)
        return false;
    p += sizeof marker - 1;
    size_t n = strspn(p, "0123456789");
    if (n == 0 || n >= id_size)
        return false;
    memcpy(id, p, n);
    id[n] = '\0';
    return true;
}
