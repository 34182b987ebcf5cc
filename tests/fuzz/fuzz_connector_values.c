/* Fuzzes the connector module's parsers of what the APIs send: value
 * normalisation for every kind (numbers, booleans, dates, datetimes,
 * multi-selects, text) from either side and back, cursor texts, the HubSpot
 * 409 "Existing ID" message, and schema answers (HubSpot properties,
 * Salesforce describe) as JSON. The first byte picks the parser; the rest is
 * its input. Every parser must return cleanly on any input, and a value that
 * normalises must normalise to itself again (the canonical form is stable). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "connector/connector_int.h"
#include "connector/schema.h"
#include "connector/value.h"

#define MAX_INPUT 65536

static void values(cs_value_kind kind, const char *text)
{
    cs_err err;
    json_t *v = cs_value_normalize(kind, text, &err);
    if (v == NULL)
        return;
    if (json_is_string(v)) {
        /* idempotent: canonical text normalises to itself */
        json_t *again = cs_value_normalize(kind, json_string_value(v), &err);
        if (again == NULL || !json_equal(again, v))
            abort();
        json_decref(again);
    }
    json_t *hs = cs_value_to_hubspot(kind, v, &err);
    json_t *sf = cs_value_to_salesforce(kind, false, v, &err);
    json_t *back = sf ? cs_value_from_salesforce(kind, sf, &err) : NULL;
    json_decref(back);
    json_decref(hs);
    json_decref(sf);
    json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_INPUT)
        return 0;
    uint8_t which = data[0] % 5;
    char *text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    cs_err err;
    switch (which) {
    case 0:
        for (int k = CS_VALUE_TEXT; k <= CS_VALUE_MULTI; k++)
            values((cs_value_kind)k, text);
        break;
    case 1: {
        char out[CS_VALUE_NUMBER_MAX];
        if (cs_value_number_canon(text, out, &err) == 0 && strlen(out) >= sizeof out)
            abort();
        break;
    }
    case 2: {
        int64_t m, d;
        cs_cursor_parse(text, CS_CONNECTOR_HUBSPOT, &m, &d, &err);
        if (cs_cursor_parse(text, CS_CONNECTOR_SALESFORCE, &m, &d, &err) == 0) {
            char out[CS_CONNECTOR_CURSOR_MAX];
            if (cs_cursor_format(CS_CONNECTOR_SALESFORCE, m, d, out) != 0)
                abort();
        }
        char id[CS_CONNECTOR_ID_MAX];
        cs_hubspot_existing_id(text, id, sizeof id);
        break;
    }
    case 3:
    case 4: {
        json_t *j = json_loadb(text, size - 1, 0, NULL);
        cs_object_schema *s = NULL;
        int rc = which == 3 ? cs_schema_parse_hubspot("contacts", j, &s, &err)
                            : cs_schema_parse_salesforce(j, &s, &err);
        if (rc == 0) {
            for (size_t i = 0; i < s->count; i++)
                if (cs_object_schema_field(s, s->fields[i].name) != &s->fields[i])
                    abort();
        }
        cs_object_schema_free(s);
        json_decref(j);
        break;
    }
    }
    free(text);
    return 0;
}
