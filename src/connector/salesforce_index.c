/* The email index of a Salesforce object (C5): every record that has an
 * email, as (id, email) pairs, read with one SOQL listing of 2,000 rows a
 * page and only those two fields. A first pass matches its records against
 * it locally instead of looking each email up; converted Leads are left
 * out, as the lookup leaves them out. Above the Bulk API threshold the same
 * listing is one query job (salesforce_bulk.c). */
#include <stdio.h>
#include <string.h>

#include "connector/salesforce_int.h"

typedef struct index_ctx {
    cs_email_index_fn fn;
    void *ud;
} index_ctx;

static int index_page(void *ud, const json_t *ans, cs_err *err)
{
    const index_ctx *x = ud;
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(ans, "records"), i, r)
    {
        const char *id = json_string_value(json_object_get(r, "Id"));
        const char *email = json_string_value(json_object_get(r, "Email"));
        if (id != NULL && email != NULL && strlen(id) < CS_CONNECTOR_ID_MAX &&
            x->fn(x->ud, id, email, err) != 0)
            return -1;
    }
    return 0;
}

static int index_row(void *ud, const json_t *r, cs_err *err)
{
    const index_ctx *x = ud;
    const char *id = json_string_value(json_object_get(r, "Id"));
    const char *email = json_string_value(json_object_get(r, "Email"));
    if (id != NULL && email != NULL && strlen(id) < CS_CONNECTOR_ID_MAX)
        return x->fn(x->ud, id, email, err);
    return 0;
}

int cs_sfc_email_index(cs_connector *c, const char *object, cs_email_index_fn fn, void *ud,
                       cs_err *err)
{
    char where[128], soql[256];
    (void)snprintf(where, sizeof where, "Email != null%s",
                   strcmp(object, "Lead") == 0 ? " AND IsConverted = false" : "");
    (void)snprintf(soql, sizeof soql, "SELECT Id, Email FROM %s WHERE %s", object, where);
    char what[160];
    (void)snprintf(what, sizeof what, "email index of %s", object);
    index_ctx x = {fn, ud};
    cs_sfc_bulk_query *q = NULL;
    if (cs_sfc_bulk_query_maybe(c, object, soql, where, &q, err) != 0)
        return cs_err_prefix(err, "%s: ", what);
    if (q == NULL)
        return cs_sfc_query_pages(c, what, soql, 2000, index_page, &x, err);
    bool done = false;
    int rc = 0;
    while (rc == 0 && !done)
        rc = cs_sfc_bulk_query_next(q, 0, index_row, &x, &done, err);
    cs_sfc_bulk_query_free(q);
    return rc == 0 ? 0 : cs_err_prefix(err, "%s: ", what);
}
