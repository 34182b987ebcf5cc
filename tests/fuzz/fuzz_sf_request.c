/* libFuzzer target for the Salesforce emulation's handling of request JSON:
 * sObject Collections bodies ({"allOrNone", "records": [...]}) and single
 * record bodies go through the same validation the endpoints use (unknown
 * fields, types, lengths, emails, picklists, ids, required fields). Any
 * input must give a clear error or a normalised record, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sandbox/sf_ids.h"
#include "sandbox/sf_validate.h"

static void check_record(const sf_schema *s, const char *type, json_t *rec)
{
    const sf_object *o = sf_schema_object(s, type);
    if (o == NULL)
        return;
    for (int mode = SF_WRITE_CREATE; mode <= SF_WRITE_UPDATE; mode++) {
        sf_verr e;
        sf_verr_init(&e);
        json_t *vals = NULL;
        if (sf_validate_record(o, rec, (sf_write_mode)mode, &vals, &e) == 0) {
            if (mode == SF_WRITE_CREATE)
                sf_validate_required(o, vals, &e);
            json_decref(vals);
        }
        json_t *err = sf_verr_json(&e, mode == SF_WRITE_UPDATE);
        json_decref(err);
        sf_verr_dispose(&e);
    }
    const char *id = json_string_value(json_object_get(rec, "Id"));
    char norm[SF_ID_LEN + 1];
    if (id)
        sf_id_normalize(id, norm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (body == NULL)
        return 0;
    sf_schema *s = NULL;
    if (sf_schema_builtin(&s, NULL) != 0) {
        json_decref(body);
        return 0;
    }
    json_t *records = json_object_get(body, "records");
    if (json_is_array(records)) {
        size_t i;
        json_t *rec;
        json_array_foreach(records, i, rec)
        {
            const char *type =
                json_string_value(json_object_get(json_object_get(rec, "attributes"), "type"));
            check_record(s, type ? type : "Lead", rec);
        }
    } else {
        const char *objects[] = {"Lead",     "Contact",        "Account",
                                 "Campaign", "CampaignMember", "User"};
        for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++)
            check_record(s, objects[i], body);
    }
    sf_schema_free(s);
    json_decref(body);
    return 0;
}
