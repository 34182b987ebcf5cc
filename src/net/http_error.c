/* The API's own words in an error answer, so that an error message says what
 * the API said and not only the status (R4):
 *   HubSpot     {"status":"error","message":"…","category":"CONFLICT",…}
 *   Salesforce  [{"message":"…","errorCode":"INVALID_EMAIL_ADDRESS","fields":[…]}]
 *   OAuth       {"error":"invalid_grant","error_description":"…"} (Salesforce),
 *               {"status":"BAD_REFRESH_TOKEN","message":"…"} (HubSpot)
 * Anything else (HTML from a proxy, empty bodies) yields nothing: the caller
 * then reports the status alone. */
#include <string.h>

#include "net/net.h"

#define MAX_SF_ERRORS 3 /* an array may hold many; the first few say enough */

/* Appends s to out, truncating at size (*used never passes size - 1).
 * Control characters become spaces: the text ends up in one-line logs. */
static void put(char *out, size_t size, size_t *used, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p && *used + 1 < size; p++)
        out[(*used)++] = (char)(*p < 0x20 || *p == 0x7f ? ' ' : *p);
    if (*used < size)
        out[*used] = '\0';
}

static int hubspot_or_oauth(json_t *j, char *out, size_t size)
{
    size_t used = 0;
    const char *msg = json_string_value(json_object_get(j, "message"));
    const char *cat = json_string_value(json_object_get(j, "category"));
    const char *oerr = json_string_value(json_object_get(j, "error"));
    const char *odesc = json_string_value(json_object_get(j, "error_description"));
    /* HubSpot's OAuth refusals name the problem in "status" (BAD_REFRESH_TOKEN). */
    const char *status = json_string_value(json_object_get(j, "status"));
    if (cat == NULL && status != NULL && strcmp(status, "error") != 0)
        cat = status;
    if (msg && cat) {
        put(out, size, &used, msg);
        put(out, size, &used, " (");
        put(out, size, &used, cat);
        put(out, size, &used, ")");
    } else if (msg) {
        put(out, size, &used, msg);
    } else if (oerr && odesc) {
        put(out, size, &used, oerr);
        put(out, size, &used, ": ");
        put(out, size, &used, odesc);
    } else if (oerr) {
        put(out, size, &used, oerr);
    }
    return used > 0;
}

static int salesforce(json_t *j, char *out, size_t size)
{
    size_t used = 0;
    size_t i;
    json_t *e;
    json_array_foreach(j, i, e)
    {
        if (i >= MAX_SF_ERRORS)
            break;
        const char *msg = json_string_value(json_object_get(e, "message"));
        const char *code = json_string_value(json_object_get(e, "errorCode"));
        if (msg == NULL && code == NULL)
            continue;
        if (used > 0)
            put(out, size, &used, "; ");
        if (code && msg) {
            put(out, size, &used, code);
            put(out, size, &used, ": ");
            put(out, size, &used, msg);
        } else {
            put(out, size, &used, code ? code : msg);
        }
    }
    return used > 0;
}

int cs_http_api_message(const char *body, size_t len, char *out, size_t out_size)
{
    if (out_size == 0)
        return 0;
    out[0] = '\0';
    if (body == NULL || len == 0)
        return 0;
    json_t *j = json_loadb(body, len, 0, NULL);
    int found = 0;
    if (json_is_object(j))
        found = hubspot_or_oauth(j, out, out_size);
    else if (json_is_array(j))
        found = salesforce(j, out, out_size);
    json_decref(j);
    if (!found)
        out[0] = '\0';
    return found;
}
