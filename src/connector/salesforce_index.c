/* The email index of a Salesforce object (C5): every record that has an
 * email, as (id, email) pairs, read with one SOQL listing of 2,000 rows a
 * page and only those two fields. A first pass matches its records against
 * it locally instead of looking each email up; converted Leads are left
 * out, as the lookup leaves them out. */
#include <stdio.h>
#include <string.h>

#include "connector/salesforce_int.h"

int cs_sfc_email_index(cs_connector *c, const char *object, cs_email_index_fn fn, void *ud,
                       cs_err *err)
{
    char soql[256];
    (void)snprintf(soql, sizeof soql, "SELECT Id, Email FROM %s WHERE Email != null%s", object,
                   strcmp(object, "Lead") == 0 ? " AND IsConverted = false" : "");
    char next[1000] = "";
    for (int page = 0; page < SF_MAX_PAGES; page++) {
        json_t *ans = NULL;
        if (cs_sfc_query_page(c, page == 0 ? soql : NULL, page == 0 ? NULL : next, 2000, &ans,
                              err) != 0)
            return cs_err_prefix(err, "email index of %s: ", object);
        int rc = 0;
        size_t i;
        const json_t *r;
        json_array_foreach(json_object_get(ans, "records"), i, r)
        {
            const char *id = json_string_value(json_object_get(r, "Id"));
            const char *email = json_string_value(json_object_get(r, "Email"));
            if (rc == 0 && id != NULL && email != NULL && strlen(id) < CS_CONNECTOR_ID_MAX)
                rc = fn(ud, id, email, err);
        }
        const char *url = json_string_value(json_object_get(ans, "nextRecordsUrl"));
        bool more =
            !json_is_true(json_object_get(ans, "done")) && url != NULL && strlen(url) < sizeof next;
        if (more)
            (void)snprintf(next, sizeof next, "%s", url);
        json_decref(ans);
        if (rc != 0)
            return -1;
        if (!more)
            return 0;
    }
    return cs_err_set(err, CS_ERR_INVALID_INPUT, "email index of %s: more than %d pages", object,
                      SF_MAX_PAGES);
}
