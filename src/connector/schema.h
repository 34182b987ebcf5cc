/* Object schemas in a neutral form: what HubSpot's properties API
 * (GET /crm/v3/properties/{object}) and Salesforce's describe
 * (GET /sobjects/{object}/describe) say about each field — its type, options,
 * length and whether it can be written. The connectors use it to normalise
 * values (value.h); `crmsync check` hands a view of it (the config module's
 * cs_schema, whose strings it borrows from here) to the live check. Parsing
 * is pure, so it is tested without a server. */
#ifndef CS_CONNECTOR_SCHEMA_H
#define CS_CONNECTOR_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "connector/value.h"
#include "core/err.h"

#define CS_SCHEMA_MAX_FIELDS  5000 /* fields one object may have */
#define CS_SCHEMA_MAX_OPTIONS 5000 /* options one field may have */

typedef struct cs_field_schema {
    char *name; /* internal / API name */
    char *label;
    char *type;       /* HubSpot "type" (string, number, enumeration, ...); Salesforce "type" */
    char *field_type; /* HubSpot "fieldType" (text, select, checkbox, ...); Salesforce NULL */
    cs_value_kind kind;
    bool integer;    /* Salesforce int or a number without decimals (scale 0) */
    long length;     /* Salesforce text length; 0 when unknown or unbounded */
    bool nillable;   /* Salesforce nillable; HubSpot: true */
    bool createable; /* HubSpot: not read-only */
    bool updateable;
    bool is_reference;        /* Salesforce reference; HubSpot referencedObjectType (owners) */
    bool restricted_picklist; /* Salesforce: values outside options are refused */
    bool unique;              /* HubSpot hasUniqueValue; Salesforce unique */
    char **reference_to;      /* Salesforce referenceTo; HubSpot: the referenced type */
    size_t reference_count;
    char **options; /* enumeration / picklist values (active ones) */
    size_t option_count;
} cs_field_schema;

typedef struct cs_object_schema {
    char *object;            /* "contacts", "Lead", ... */
    cs_field_schema *fields; /* sorted by name (strcmp) */
    size_t count;
} cs_object_schema;

/* Parses HubSpot's answer to GET /crm/v3/properties/{object}
 * ({"results":[...]}; a bare array is accepted too). */
int cs_schema_parse_hubspot(const char *object, const json_t *body, cs_object_schema **out,
                            cs_err *err);
/* Parses a Salesforce describe answer ({"name":..., "fields":[...]}). */
int cs_schema_parse_salesforce(const json_t *describe, cs_object_schema **out, cs_err *err);

/* The field with exactly this name, or NULL. Borrowed from s. */
const cs_field_schema *cs_object_schema_field(const cs_object_schema *s, const char *name);
/* The same, ignoring case (Salesforce API names are case-insensitive). */
const cs_field_schema *cs_object_schema_field_nocase(const cs_object_schema *s, const char *name);
/* Accepts NULL. */
void cs_object_schema_free(cs_object_schema *s);

#endif
