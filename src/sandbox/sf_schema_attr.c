/* Describe attributes that follow from a field's type, flags and object
 * rather than being stored per field: which fields can be filtered, sorted,
 * grouped and aggregated, the byte length, the compound field a component
 * belongs to and the extraTypeInfo hint. The rules are those the real
 * Lead, Contact and Account describes show (tests/fixtures/salesforce); the
 * few standard fields that break them carry an explicit flag instead
 * (SF_F_NOPERM, SF_F_NOFILTER, SF_F_IMAGE, SF_F_PERSONNAME). */
#include <string.h>

#include "sandbox/sf_schema.h"

/* A long text area (over 255 characters) can be neither filtered, sorted,
 * grouped nor aggregated. */
static bool long_text(const sf_field *f)
{
    return f->type == SF_T_TEXTAREA && f->length > 255;
}

bool sf_field_filterable(const sf_field *f)
{
    return !long_text(f) && !(f->flags & SF_F_NOFILTER);
}

bool sf_field_sortable(const sf_field *f)
{
    return sf_field_filterable(f) && f->type != SF_T_ADDRESS && f->type != SF_T_MULTIPICKLIST;
}

bool sf_field_groupable(const sf_field *f)
{
    switch (f->type) {
    case SF_T_DOUBLE:
    case SF_T_CURRENCY:
    case SF_T_PERCENT:
    case SF_T_DATETIME:
    case SF_T_ADDRESS:
    case SF_T_MULTIPICKLIST:
        return false;
    default:
        return !long_text(f);
    }
}

bool sf_field_aggregatable(const sf_field *f)
{
    return !long_text(f) && f->type != SF_T_BOOLEAN && f->type != SF_T_ADDRESS &&
           f->type != SF_T_MULTIPICKLIST;
}

/* Salesforce counts three bytes a character for text, one for the ASCII of
 * ids and the packed values of a multi-select picklist. */
int sf_field_byte_length(const sf_field *f)
{
    switch (f->type) {
    case SF_T_ID:
    case SF_T_REFERENCE:
    case SF_T_MULTIPICKLIST:
        return f->length;
    case SF_T_STRING:
    case SF_T_TEXTAREA:
    case SF_T_EMAIL:
    case SF_T_PHONE:
    case SF_T_URL:
    case SF_T_PICKLIST:
        return f->length * 3;
    default:
        return 0;
    }
}

static bool is_name_part(const sf_object *o, const sf_field *f)
{
    static const char *const parts[] = {"Salutation", "FirstName", "MiddleName", "LastName",
                                        "Suffix"};
    if (!(o->flags & SF_O_NAME_COMPOUND) || (f->flags & SF_F_CUSTOM))
        return false;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (strcmp(f->name, parts[i]) == 0)
            return true;
    return false;
}

/* The address field "<prefix>Address" that "<prefix><part>" belongs to. */
static const char *address_of(const sf_object *o, const sf_field *f)
{
    static const char *const parts[] = {"Street",     "City",           "State",       "StateCode",
                                        "PostalCode", "Country",        "CountryCode", "Latitude",
                                        "Longitude",  "GeocodeAccuracy"};
    if (f->flags & SF_F_CUSTOM)
        return NULL;
    size_t n = strlen(f->name);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t plen = strlen(parts[i]);
        if (n < plen || strcmp(f->name + n - plen, parts[i]) != 0)
            continue;
        char name[64];
        size_t prefix = n - plen;
        if (prefix + sizeof "Address" > sizeof name)
            return NULL;
        memcpy(name, f->name, prefix);
        memcpy(name + prefix, "Address", sizeof "Address");
        const sf_field *a = sf_object_field(o, name);
        return a && a->type == SF_T_ADDRESS ? a->name : NULL;
    }
    return NULL;
}

const char *sf_field_compound(const sf_object *o, const sf_field *f)
{
    if (f->flags & SF_F_PERSONNAME)
        return f->name;
    if (is_name_part(o, f)) {
        const sf_field *name = sf_object_field(o, "Name");
        return name ? name->name : NULL;
    }
    return address_of(o, f);
}

const char *sf_field_extra_type(const sf_object *o, const sf_field *f)
{
    if (f->type == SF_T_TEXTAREA)
        return "plaintextarea";
    if (f->flags & SF_F_IMAGE)
        return "imageurl";
    if (f->flags & SF_F_PERSONNAME)
        return "switchablepersonname";
    if (is_name_part(o, f) ||
        ((o->flags & SF_O_NAME_COMPOUND) && (f->flags & SF_F_NAME) && !(f->flags & SF_F_CUSTOM)))
        return "personname";
    return NULL;
}

/* Profiles can hide an optional field; not the parts of a person's name, nor
 * the fields flagged otherwise. A compound address is permissionable as a
 * whole although it is written through its parts. */
bool sf_field_permissionable(const sf_object *o, const sf_field *f)
{
    if (!(f->flags & SF_F_NIL) || (f->flags & SF_F_NOPERM) || is_name_part(o, f))
        return false;
    return (f->flags & SF_F_UPD) || f->type == SF_T_ADDRESS;
}
