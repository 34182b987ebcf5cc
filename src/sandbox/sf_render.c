/* Records as the Salesforce API shows them: an "attributes" object, then
 * every field of the object in schema order, null when empty; compound
 * address fields assembled from their parts; IsDeleted from the row. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sandbox/sf_int.h"

json_t *sf_render_attributes(int version, const sf_object *o, const char *id)
{
    char url[256];
    if (id)
        snprintf(url, sizeof url, "/services/data/v%d.%d/sobjects/%s/%s", version / 10,
                 version % 10, o->name, id);
    else
        snprintf(url, sizeof url, "/services/data/v%d.%d/sobjects/%s", version / 10, version % 10,
                 o->name);
    return json_pack("{s:s,s:s}", "type", o->name, "url", url);
}

/* "MailingAddress" is built from MailingStreet, MailingCity, ...; "Address"
 * (Lead) from Street, City, ... */
static json_t *address_value(const sf_field *f, json_t *data)
{
    static const struct {
        const char *suffix, *key;
    } parts[] = {{"City", "city"},
                 {"Country", "country"},
                 {"GeocodeAccuracy", "geocodeAccuracy"},
                 {"Latitude", "latitude"},
                 {"Longitude", "longitude"},
                 {"PostalCode", "postalCode"},
                 {"State", "state"},
                 {"Street", "street"}};
    size_t plen = strlen(f->name) - strlen("Address");
    json_t *out = json_object();
    bool any = false;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        char name[128];
        snprintf(name, sizeof name, "%.*s%s", (int)plen, f->name, parts[i].suffix);
        json_t *v = json_object_get(data, name);
        if (v && !json_is_null(v))
            any = true;
        json_object_set_new(out, parts[i].key, v ? json_incref(v) : json_null());
    }
    if (!any) {
        json_decref(out);
        return json_null();
    }
    return out;
}

json_t *sf_render_value(const sf_object *o, const sf_field *f, json_t *data, bool deleted)
{
    (void)o;
    if (strcmp(f->name, "IsDeleted") == 0)
        return json_boolean(deleted);
    if (f->type == SF_T_ADDRESS)
        return address_value(f, data);
    json_t *v = json_object_get(data, f->name);
    return v ? json_incref(v) : json_null();
}

json_t *sf_render_record(const sf_tx *tx, const sf_object *o, const char *id, json_t *data,
                         bool deleted, const char *fields, char *bad, size_t bad_size)
{
    json_t *out = json_object();
    json_object_set_new(out, "attributes", sf_render_attributes(tx->version, o, id));
    if (fields == NULL || fields[0] == '\0') {
        for (size_t i = 0; i < o->nfields; i++)
            json_object_set_new(out, o->fields[i].name,
                                sf_render_value(o, &o->fields[i], data, deleted));
        return out;
    }
    const char *p = fields;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && *p == ' ') {
            p++;
            len--;
        }
        while (len > 0 && p[len - 1] == ' ')
            len--;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), p);
        const sf_field *f = sf_object_field(o, name);
        if (f == NULL) {
            snprintf(bad, bad_size, "%s", name);
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, f->name, sf_render_value(o, f, data, deleted));
        if (end == NULL)
            break;
        p = end + 1;
    }
    /* The real API always adds the Id to a partial record. */
    if (json_object_get(out, "Id") == NULL)
        json_object_set_new(out, "Id", json_string(id));
    return out;
}
