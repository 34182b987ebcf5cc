/* HubSpot batch request bodies: {"inputs":[...]} of at most 100 inputs whose
 * shape depends on the endpoint (see hs_input.h). Pure: no SQLite, no HTTP. */
#include "sandbox/hs_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"create", "read", "update", "upsert", "archive"};

void hs_batch_dispose(hs_batch *b)
{
    if (b == NULL)
        return;
    free(b->inputs);
    b->inputs = NULL;
    b->n = 0;
}

/* Record ids arrive as strings; integers are accepted and written out. */
static int read_id(const json_t *v, char out[256], size_t i, cs_err *err)
{
    if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < 256) {
        memcpy(out, json_string_value(v), json_string_length(v) + 1);
        if (strlen(out) != json_string_length(v))
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "inputs[%zu].id contains a NUL byte", i);
        return 0;
    }
    if (json_is_integer(v) && json_integer_value(v) > 0) {
        (void)snprintf(out, 256, "%lld", (long long)json_integer_value(v));
        return 0;
    }
    return cs_err_set(err, CS_ERR_INVALID_INPUT, "inputs[%zu].id must be a non-empty string", i);
}

static int read_input(const json_t *in, hs_batch_kind kind, size_t i, hs_batch_input *out,
                      cs_err *err)
{
    if (!json_is_object(in))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "inputs[%zu] must be an object", i);
    memset(out, 0, sizeof *out);
    if (kind != HS_BATCH_CREATE && read_id(json_object_get(in, "id"), out->id, i, err) != 0)
        return -1;
    const json_t *idp = json_object_get(in, "idProperty");
    if (idp != NULL && !json_is_null(idp)) {
        if (!json_is_string(idp) || json_string_length(idp) == 0 || json_string_length(idp) > 100)
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "inputs[%zu].idProperty must be a property name", i);
        out->id_property = json_string_value(idp);
    }
    if (kind == HS_BATCH_CREATE || kind == HS_BATCH_UPDATE || kind == HS_BATCH_UPSERT) {
        const json_t *props = json_object_get(in, "properties");
        if (!json_is_object(props))
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "inputs[%zu].properties must be an object",
                              i);
        out->properties = props;
    }
    if (kind == HS_BATCH_CREATE) {
        const json_t *assoc = json_object_get(in, "associations");
        if (assoc != NULL && !json_is_null(assoc) && !json_is_array(assoc))
            return cs_err_set(err, CS_ERR_INVALID_INPUT,
                              "inputs[%zu].associations must be an array", i);
        out->associations = json_is_array(assoc) ? assoc : NULL;
    }
    return 0;
}

/* HubSpot refuses an update or upsert that names one record twice. */
static int check_duplicates(const hs_batch *b, cs_err *err)
{
    if (b->kind != HS_BATCH_UPDATE && b->kind != HS_BATCH_UPSERT)
        return 0;
    for (size_t i = 1; i < b->n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(b->inputs[i].id, b->inputs[j].id) == 0)
                return cs_err_set(err, CS_ERR_INVALID_INPUT,
                                  "Duplicate IDs found in batch input: [%s]. IDs must be unique",
                                  b->inputs[i].id);
    return 0;
}

int hs_batch_parse(const json_t *body, hs_batch_kind kind, hs_batch *out, cs_err *err)
{
    memset(out, 0, sizeof *out);
    if ((size_t)kind >= sizeof kind_names / sizeof kind_names[0])
        return cs_err_set(err, CS_ERR_INTERNAL, "unknown batch kind");
    if (!json_is_object(body))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "the batch %s body must be a JSON object",
                          kind_names[kind]);
    const json_t *inputs = json_object_get(body, "inputs");
    if (!json_is_array(inputs))
        return cs_err_set(err, CS_ERR_INVALID_INPUT, "the batch %s body needs an \"inputs\" array",
                          kind_names[kind]);
    size_t n = json_array_size(inputs);
    if (n > HS_BATCH_INPUTS_MAX)
        return cs_err_set(err, CS_ERR_INVALID_INPUT,
                          "Batch input size %zu is larger than the limit of %d inputs", n,
                          HS_BATCH_INPUTS_MAX);
    hs_batch b = {.kind = kind};
    if (kind == HS_BATCH_READ) {
        const json_t *props = json_object_get(body, "properties");
        if (props != NULL && !json_is_null(props) && !json_is_array(props))
            return cs_err_set(err, CS_ERR_INVALID_INPUT, "properties must be an array of names");
        b.properties = json_is_array(props) ? props : NULL;
        const json_t *idp = json_object_get(body, "idProperty");
        if (idp != NULL && !json_is_null(idp)) {
            if (!json_is_string(idp) || json_string_length(idp) == 0 ||
                json_string_length(idp) > 100)
                return cs_err_set(err, CS_ERR_INVALID_INPUT, "idProperty must be a property name");
            b.id_property = json_string_value(idp);
        }
    }
    b.inputs = calloc(n ? n : 1, sizeof *b.inputs);
    if (b.inputs == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (read_input(json_array_get(inputs, i), kind, i, &b.inputs[i], err) != 0) {
            hs_batch_dispose(&b);
            return -1;
        }
        b.n = i + 1;
    }
    if (check_duplicates(&b, err) != 0) {
        hs_batch_dispose(&b);
        return -1;
    }
    *out = b;
    return 0;
}
