/* The Salesforce sandbox's schema: sObjects and their fields. The standard
 * objects are static tables (sf_schema_*.c); custom objects and custom fields
 * defined through the admin API live in the database and are merged in when a
 * request loads the schema (sf_schema_load), so one sf_schema value is the
 * whole, consistent view a request works with. */
#ifndef CS_SANDBOX_SF_SCHEMA_H
#define CS_SANDBOX_SF_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef struct sb_ctx sb_ctx;

typedef enum sf_type {
    SF_T_ID,
    SF_T_STRING,
    SF_T_TEXTAREA,
    SF_T_EMAIL,
    SF_T_PHONE,
    SF_T_URL,
    SF_T_PICKLIST,
    SF_T_MULTIPICKLIST,
    SF_T_BOOLEAN,
    SF_T_INT,
    SF_T_DOUBLE,
    SF_T_CURRENCY,
    SF_T_PERCENT,
    SF_T_DATE,
    SF_T_DATETIME,
    SF_T_REFERENCE,
    SF_T_ADDRESS
} sf_type;

enum sf_field_flags {
    SF_F_NIL = 1u << 0,    /* nillable */
    SF_F_CRE = 1u << 1,    /* createable */
    SF_F_UPD = 1u << 2,    /* updateable */
    SF_F_DEF = 1u << 3,    /* defaultedOnCreate */
    SF_F_EXT = 1u << 4,    /* externalId */
    SF_F_UNIQ = 1u << 5,   /* unique */
    SF_F_RESTR = 1u << 6,  /* restrictedPicklist */
    SF_F_NAME = 1u << 7,   /* nameField */
    SF_F_LOOKUP = 1u << 8, /* idLookup */
    SF_F_CALC = 1u << 9,   /* calculated */
    SF_F_CUSTOM = 1u << 10 /* custom (__c) */
};

/* Describe-only attributes the real metadata gives a few standard fields and
 * no rule derives (see sf_field_* below for the derived ones). High bits, so
 * the behaviour flags above can grow without meeting them. */
enum sf_field_describe_flags {
    SF_F_NOPERM = 1u << 20,    /* not permissionable though nillable and updateable */
    SF_F_NOFILTER = 1u << 21,  /* neither filterable nor sortable */
    SF_F_PREFILTER = 1u << 22, /* searchPrefilterable */
    SF_F_IMAGE = 1u << 23,     /* url of an image: extraTypeInfo "imageurl" */
    SF_F_PERSONNAME = 1u << 24 /* Account.Name: may hold a person's name */
};

/* One field. Strings are static for the built-in tables and owned by the
 * schema for custom fields. */
typedef struct sf_field {
    const char *name;
    const char *label;
    sf_type type;
    int length;    /* characters for text types, 18 for ids and references */
    int precision; /* digits of numbers (for int: digits) */
    int scale;
    unsigned flags;
    const char *reference_to;  /* "User" or "Group,User"; NULL */
    const char *relationship;  /* "Owner"; NULL */
    const char *picklist;      /* values separated by '\n'; "value\tlabel" when they differ */
    const char *default_value; /* "false" for booleans, the default picklist value */
} sf_field;

enum sf_object_flags {
    SF_O_CUSTOM = 1u << 0,
    SF_O_CREATE = 1u << 1,
    SF_O_UPDATE = 1u << 2,
    SF_O_DELETE = 1u << 3,
    SF_O_NAME_COMPOUND = 1u << 4 /* Name = FirstName + LastName (Lead, Contact, User) */
};

typedef struct sf_object {
    const char *name;
    const char *label;
    const char *label_plural;
    const char *key_prefix;
    unsigned flags;
    sf_field *fields; /* owned array (entries borrow their strings) */
    size_t nfields;
    size_t nbuiltin; /* fields[0..nbuiltin) are standard fields */
    unsigned *slots; /* hash index: field position + 1, 0 = empty */
    size_t nslots;
} sf_object;

typedef struct sf_schema {
    sf_object *objects;
    size_t nobjects;
    json_t *defs; /* custom definitions loaded from the database; owns their strings */
} sf_schema;

/* Built-in field tables (sf_schema_*.c). */
const sf_field *sf_builtin_lead_fields(size_t *n);
const sf_field *sf_builtin_contact_fields(size_t *n);
const sf_field *sf_builtin_account_fields(size_t *n);
const sf_field *sf_builtin_campaign_fields(size_t *n);
const sf_field *sf_builtin_campaignmember_fields(size_t *n);
const sf_field *sf_builtin_user_fields(size_t *n);
const sf_field *sf_builtin_recordtype_fields(size_t *n);

/* Builds the schema: the standard objects plus the custom objects and fields
 * stored in ctx->db (table sf_custom, see sf_schema_store_*). Caller frees
 * with sf_schema_free(). */
int sf_schema_load(sb_ctx *ctx, sf_schema **out, cs_err *err);
/* The standard objects only (no database); for pure unit tests and fuzzing. */
int sf_schema_builtin(sf_schema **out, cs_err *err);
/* Merges one custom definition ({"kind":"object"|"field",...}, the form
 * sf_admin.c stores) into a schema. The schema keeps a reference to def. */
int sf_schema_apply(sf_schema *s, json_t *def, cs_err *err);
void sf_schema_free(sf_schema *s);

/* Case-insensitive lookups; NULL when absent. */
const sf_object *sf_schema_object(const sf_schema *s, const char *name);
const sf_object *sf_schema_object_by_prefix(const sf_schema *s, const char *id);
const sf_field *sf_object_field(const sf_object *o, const char *name);
/* The reference field whose relationshipName is rel ("Account", "Owner",
 * "Thing__r"), case-insensitive; NULL when none. */
const sf_field *sf_object_relationship(const sf_object *o, const char *rel);
/* The object a reference field points to (the first of referenceTo that the
 * schema knows); NULL when none is known. */
const sf_object *sf_field_target(const sf_schema *s, const sf_field *f);
/* True when the object has soft delete (an IsDeleted field). */
bool sf_object_has_isdeleted(const sf_object *o);

/* Describe names: "string", "picklist", ... and the SOAP type "xsd:string". */
const char *sf_type_name(sf_type t);
const char *sf_type_soap(sf_type t);
/* Parses a describe type name; -1 when unknown. */
int sf_type_parse(const char *name, sf_type *out);
/* Describe attributes derived from a field's type, flags and object, by the
 * rules the real describe follows (sf_schema_attr.c); whatever checks them
 * (a query's WHERE, ORDER BY, GROUP BY) should ask here, as describe does. */
bool sf_field_filterable(const sf_field *f);
bool sf_field_sortable(const sf_field *f);
bool sf_field_groupable(const sf_field *f);
bool sf_field_aggregatable(const sf_field *f);
bool sf_field_permissionable(const sf_object *o, const sf_field *f);
int sf_field_byte_length(const sf_field *f);
/* The compound field f belongs to ("Name", "MailingAddress"), NULL when none;
 * the returned name is the compound field's own (it lives as long as o). */
const char *sf_field_compound(const sf_object *o, const sf_field *f);
/* extraTypeInfo: "plaintextarea", "personname", "imageurl", ...; NULL when none. */
const char *sf_field_extra_type(const sf_object *o, const sf_field *f);

/* True when the picklist (see sf_field.picklist) holds value exactly. */
bool sf_picklist_has(const char *picklist, const char *value, size_t value_len);

#endif
