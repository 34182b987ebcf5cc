/* HubSpot batch writes (R4, R9, C5, C10): batch/create, batch/update,
 * batch/upsert (idProperty email) and batch/archive, at most 100 inputs.
 *
 * HubSpot refuses a whole batch when one input is invalid (400
 * VALIDATION_ERROR) or when a create collides with an existing email (409
 * "Contact already exists. Existing ID: N", naming only the first conflict).
 * To give every record its own result while the rest lands, a refused batch
 * is narrowed down: the failing inputs are found from the error (the property
 * it names and the value its message quotes — HubSpot refuses that value
 * whichever input holds it, and an "allowed options" message also rules out
 * every value outside its list — or the existing record's email), refused
 * (or, for a 409 create, linked to the existing record), and the rest is
 * sent again; when the error does not say which input failed, the batch is
 * split in halves. A create that collided is reported OK with existing = true.
 *
 * A create sent without an answer is reported UNKNOWN and never resent here:
 * the engine upserts it by email instead. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connector/hubspot_int.h"

#define EMAIL_KEY_MAX 320

typedef struct wctx {
    cs_connector *c;
    const char *object;
    cs_write_kind kind;
    const cs_object_schema *schema; /* the object's properties (borrowed) */
    const cs_write_input *in;
    cs_write_result *res;
    json_t **props;             /* converted properties per input; NULL: nothing to send */
    char (*key)[EMAIL_KEY_MAX]; /* email dedup key per input, "" when none */
    bool *optout;               /* C10: unsubscribe once written */
} wctx;

static const char *endpoint(cs_write_kind k)
{
    switch (k) {
    case CS_WRITE_CREATE:
        return "create";
    case CS_WRITE_UPDATE:
        return "update";
    case CS_WRITE_UPSERT_EMAIL:
        return "upsert";
    case CS_WRITE_DELETE:
        return "archive";
    }
    return "create";
}

/* Converts one input's normalised fields to HubSpot property values; refuses
 * it locally when a field does not exist, is read-only or does not fit. */
static int prepare(wctx *w, size_t i, const cs_object_schema *s, cs_err *err)
{
    const cs_write_input *in = &w->in[i];
    if (w->kind == CS_WRITE_DELETE) {
        w->props[i] = json_object();
        return w->props[i] ? 0 : cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    const char *email = json_string_value(json_object_get(in->fields, "email"));
    if (!cs_email_key(email, w->key[i], sizeof w->key[i]))
        w->key[i][0] = '\0';
    if (w->kind == CS_WRITE_UPSERT_EMAIL && w->key[i][0] == '\0') {
        cs_write_result_refuse(&w->res[i], CS_CAT_PROPERTY_VALUES, "MISSING_EMAIL", "email",
                               "an upsert by email needs an email");
        return 0;
    }
    json_t *props = json_object();
    if (props == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)in->fields, k, v)
    {
        if (strcmp(k, "hs_email_optout") == 0) {
            /* C10: read-only in HubSpot and sticky: only "true" acts */
            w->optout[i] = json_is_string(v) && strcmp(json_string_value(v), "true") == 0;
            continue;
        }
        const cs_field_schema *f = cs_object_schema_field(s, k);
        char msg[CS_WRITE_MESSAGE_MAX];
        if (f == NULL || !f->updateable) {
            (void)snprintf(msg, sizeof msg,
                           f ? "\"%.200s\" is a read only property; its value cannot be set."
                             : "Property \"%.200s\" does not exist",
                           k);
            cs_write_result_refuse(&w->res[i], CS_CAT_PROPERTY_VALUES,
                                   f ? "READ_ONLY_VALUE" : "PROPERTY_DOESNT_EXIST", k, msg);
            json_decref(props);
            return 0;
        }
        cs_err verr = {0};
        json_t *hv = cs_value_to_hubspot(f->kind, v, &verr);
        if (hv == NULL) {
            (void)snprintf(msg, sizeof msg, "%.100s: %.300s", k, verr.message);
            cs_write_result_refuse(&w->res[i], CS_CAT_PROPERTY_VALUES, "INVALID_VALUE", k, msg);
            json_decref(props);
            return 0;
        }
        json_object_set_new(props, k, hv);
    }
    if (w->kind == CS_WRITE_UPDATE && json_object_size(props) == 0) {
        /* nothing but the opt-out: no property write */
        cs_write_result_ok(&w->res[i], in->id, false);
        json_decref(props);
        return 0;
    }
    w->props[i] = props;
    return 0;
}

static json_t *input_json(const wctx *w, size_t i)
{
    switch (w->kind) {
    case CS_WRITE_CREATE:
        return json_pack("{s:O,s:[]}", "properties", w->props[i], "associations");
    case CS_WRITE_UPDATE:
        return json_pack("{s:s,s:O}", "id", w->in[i].id, "properties", w->props[i]);
    case CS_WRITE_UPSERT_EMAIL:
        return json_pack("{s:s,s:s,s:O}", "id", w->key[i], "idProperty", "email", "properties",
                         w->props[i]);
    case CS_WRITE_DELETE:
        return json_pack("{s:s}", "id", w->in[i].id);
    }
    return NULL;
}

static const char *result_email(const json_t *r)
{
    return json_string_value(json_object_get(json_object_get(r, "properties"), "email"));
}

/* The input of the group whose email key is email; SIZE_MAX when none. */
static size_t by_email(const wctx *w, const size_t *idx, size_t n, const char *email)
{
    char key[320];
    if (!cs_email_key(email, key, sizeof key))
        return SIZE_MAX;
    for (size_t j = 0; j < n; j++)
        if (strcmp(w->key[idx[j]], key) == 0)
            return idx[j];
    return SIZE_MAX;
}

/* A 2xx answer: one result per input. */
static void apply_answer(wctx *w, const size_t *idx, size_t n, const json_t *ans)
{
    const json_t *results = json_object_get(ans, "results");
    if (w->kind == CS_WRITE_DELETE) {
        for (size_t j = 0; j < n; j++)
            cs_write_result_ok(&w->res[idx[j]], w->in[idx[j]].id, false);
        return;
    }
    bool keyed = w->kind != CS_WRITE_UPDATE;
    for (size_t j = 0; j < n && keyed; j++)
        keyed = w->key[idx[j]][0] != '\0';
    size_t i;
    const json_t *r;
    json_array_foreach(results, i, r)
    {
        const char *id = json_string_value(json_object_get(r, "id"));
        if (id == NULL)
            continue;
        size_t k = SIZE_MAX;
        if (w->kind == CS_WRITE_UPDATE) {
            for (size_t j = 0; j < n && k == SIZE_MAX; j++)
                if (strcmp(w->in[idx[j]].id, id) == 0)
                    k = idx[j];
        } else if (keyed) {
            k = by_email(w, idx, n, result_email(r));
        } else if (i < n && json_array_size(results) == n) {
            k = idx[i]; /* no email to match on: HubSpot keeps the input order */
        }
        if (k == SIZE_MAX)
            continue;
        bool created = w->kind == CS_WRITE_CREATE || json_is_true(json_object_get(r, "new"));
        cs_write_result_ok(&w->res[k], id, created);
    }
    /* 207: ids that do not exist (updates, upserts by id) */
    const json_t *e;
    json_array_foreach(json_object_get(ans, "errors"), i, e)
    {
        const char *msg = json_string_value(json_object_get(e, "message"));
        const char *cat = json_string_value(json_object_get(e, "category"));
        size_t j;
        const json_t *id;
        json_array_foreach(json_object_get(json_object_get(e, "context"), "ids"), j, id)
        {
            for (size_t x = 0; x < n; x++) {
                size_t k = idx[x];
                const char *mine = w->kind == CS_WRITE_UPDATE ? w->in[k].id : w->key[k];
                if (json_is_string(id) && strcmp(mine, json_string_value(id)) == 0) {
                    cs_write_result_refuse(&w->res[k], CS_CAT_ASSOCIATIONS,
                                           cat ? cat : "OBJECT_NOT_FOUND", NULL, msg);
                    w->res[k].status = CS_WRITE_REFUSED;
                }
            }
        }
    }
    for (size_t j = 0; j < n; j++) {
        cs_write_result *res = &w->res[idx[j]];
        if (res->status != CS_WRITE_NOT_SENT)
            continue;
        if (w->kind == CS_WRITE_UPDATE) {
            cs_write_result_ok(res, w->in[idx[j]].id, false);
        } else {
            /* a create the answer does not account for: it may exist */
            res->status = CS_WRITE_UNKNOWN;
            (void)snprintf(res->message, sizeof res->message,
                           "HubSpot's answer did not include it");
        }
    }
}

/* Refuses input k from a HubSpot error body (R4: the API's own message). */
static void refuse_one(wctx *w, size_t k, long status, const json_t *body, const json_t *detail)
{
    const char *category = json_string_value(json_object_get(body, "category"));
    const char *message = json_string_value(json_object_get(body, "message"));
    if (detail == NULL)
        detail = json_array_get(json_object_get(body, "errors"), 0);
    const char *code = json_string_value(json_object_get(detail, "code"));
    const char *dmsg = json_string_value(json_object_get(detail, "message"));
    const char *field = json_string_value(
        json_array_get(json_object_get(json_object_get(detail, "context"), "propertyName"), 0));
    char fallback[64];
    if (message == NULL && dmsg == NULL) {
        (void)snprintf(fallback, sizeof fallback, "HubSpot answered HTTP %ld", status);
        message = fallback;
    }
    cs_write_result_refuse(&w->res[k], cs_conn_category_hubspot(status, category, code),
                           code ? code : category, field, dmsg ? dmsg : message);
}

static int send_group(wctx *w, size_t *idx, size_t n, cs_err *err);

static int send_rest(wctx *w, const size_t *idx, size_t n, size_t skip, cs_err *err)
{
    size_t *rest = malloc((n ? n : 1) * sizeof *rest);
    if (rest == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (idx[j] != skip && w->res[idx[j]].status == CS_WRITE_NOT_SENT)
            rest[m++] = idx[j];
    int rc = m > 0 ? send_group(w, rest, m, err) : 0;
    free(rest);
    return rc;
}

static int bisect(wctx *w, size_t *idx, size_t n, cs_err *err)
{
    size_t half = n / 2;
    if (send_group(w, idx, half, err) != 0)
        return -1;
    return send_group(w, idx + half, n - half, err);
}

/* The email of record id, read with one call; "" when unknown. */
static int email_of(wctx *w, const char *id, char key[320], cs_err *err)
{
    char path[300];
    (void)snprintf(path, sizeof path, "/crm/v3/objects/%s/batch/read", w->object);
    json_t *body = json_pack("{s:[{s:s}],s:[s]}", "inputs", "id", id, "properties", "email");
    cs_http_request req = {.method = CS_HTTP_POST, .path = path, .idempotency = CS_HTTP_IDEMPOTENT};
    json_t *ans = NULL;
    int rc = cs_conn_call(w->c, false, &req, body, &ans, NULL, err);
    json_decref(body);
    key[0] = '\0';
    if (rc == 0 &&
        !cs_email_key(result_email(json_array_get(json_object_get(ans, "results"), 0)), key, 320))
        key[0] = '\0';
    json_decref(ans);
    return rc;
}

/* Where value is quoted in msg as a whole word (not inside a longer one);
 * SIZE_MAX when it is not. */
static size_t quoted_at(const char *msg, const char *value)
{
    size_t vlen = strlen(value);
    for (const char *p = msg; vlen > 0 && (p = strstr(p, value)) != NULL; p++) {
        bool start = p == msg || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
        bool end = !(isalnum((unsigned char)p[vlen]) || p[vlen] == '_');
        if (start && end)
            return (size_t)(p - msg);
    }
    return SIZE_MAX;
}

/* Refuses input k with a message that quotes its own value: HubSpot's
 * message (which quotes bad at its start) with v in place of bad. */
static void refuse_as(wctx *w, size_t k, long status, const json_t *body, const json_t *detail,
                      const char *msg, const char *bad, const char *v)
{
    refuse_one(w, k, status, body, detail);
    size_t blen = strlen(bad);
    if (msg != NULL && strncmp(msg, bad, blen) == 0)
        (void)snprintf(w->res[k].message, sizeof w->res[k].message, "%s%s", v, msg + blen);
}

/* The option list of an "allowed options" message: the text between
 * "allowed options: [" and the message's last ']' (*len bytes), or NULL
 * when there is none or it looks cut short. */
static const char *option_list(const char *msg, size_t *len)
{
    static const char marker[] = "allowed options: [";
    const char *open = msg ? strstr(msg, marker) : NULL;
    const char *close = msg ? strrchr(msg, ']') : NULL;
    if (open == NULL || close == NULL || close < open + sizeof marker - 1)
        return NULL;
    open += sizeof marker - 1;
    *len = (size_t)(close - open);
    return *len > 0 ? open : NULL;
}

/* Whether the option list holds item (len bytes) as a whole entry: in
 * HubSpot's plain form "a, b, c" between separators, or in its long form as
 * `value: "a"`. A value with separators inside may look listed when it is
 * not; then it is sent and the next answer decides — never refused wrongly. */
static bool option_listed(const char *list, size_t llen, const char *item, size_t len)
{
    for (size_t at = 0; len > 0 && at + len <= llen; at++) {
        if (memcmp(list + at, item, len) != 0)
            continue;
        bool start = at == 0 || (at >= 2 && memcmp(list + at - 2, ", ", 2) == 0);
        bool end =
            at + len == llen || (at + len + 2 <= llen && memcmp(list + at + len, ", ", 2) == 0);
        bool quoted = at >= 8 && memcmp(list + at - 8, "value: \"", 8) == 0 && at + len < llen &&
                      list[at + len] == '"';
        if ((start && end) || quoted)
            return true;
    }
    return false;
}

/* Whether value v is outside the option list (every item of a ';'-joined
 * multi-select value must be listed) and outside the options the property's
 * schema gave (a list HubSpot cut short must not refuse a valid option). */
static bool option_refused(const char *list, size_t llen, const cs_field_schema *f, const char *v)
{
    if (option_listed(list, llen, v, strlen(v)))
        return false;
    bool unlisted = false;
    for (const char *p = v; !unlisted;) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        unlisted = len > 0 && !option_listed(list, llen, p, len);
        if (semi == NULL)
            break;
        p = semi + 1;
    }
    if (!unlisted)
        return false;
    for (size_t i = 0; f != NULL && i < f->option_count; i++)
        if (strcmp(f->options[i], v) == 0)
            return false;
    return true;
}

/* The refused value of one validation error about prop: among the values
 * the unsent inputs hold, the one the message quotes first (HubSpot's
 * messages start with the bad value; option lists come after it), the
 * longest when several start there; or, when the message quotes none, the
 * value every holder shares. NULL when it cannot be told. */
static const char *refused_value(const wctx *w, const size_t *idx, size_t n, const char *prop,
                                 const char *msg)
{
    const char *best = NULL, *shared = NULL;
    size_t best_at = SIZE_MAX;
    bool mixed = false;
    for (size_t j = 0; j < n; j++) {
        size_t k = idx[j];
        const char *v = w->res[k].status == CS_WRITE_NOT_SENT
                            ? json_string_value(json_object_get(w->props[k], prop))
                            : NULL;
        if (v == NULL)
            continue;
        mixed = mixed || (shared != NULL && strcmp(shared, v) != 0);
        shared = shared ? shared : v;
        size_t at = msg != NULL ? quoted_at(msg, v) : SIZE_MAX;
        if (at < best_at || (at == best_at && at != SIZE_MAX && strlen(v) > strlen(best))) {
            best_at = at;
            best = v;
        }
    }
    return best != NULL ? best : (mixed ? NULL : shared);
}

/* Finds which inputs a 400's validation errors are about and refuses them
 * (R4). HubSpot's verdict on a value depends only on the property and the
 * value, so every input holding the refused value of the named property is
 * refused, and for an "allowed options" message also every input holding a
 * value outside the listed options. Returns how many were refused. */
static size_t attribute(wctx *w, const size_t *idx, size_t n, long status, const json_t *body)
{
    size_t found = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(body, "errors"), i, e)
    {
        const char *prop = json_string_value(
            json_array_get(json_object_get(json_object_get(e, "context"), "propertyName"), 0));
        const char *msg = json_string_value(json_object_get(e, "message"));
        if (prop == NULL)
            continue;
        const char *bad = refused_value(w, idx, n, prop, msg);
        size_t llen = 0;
        const char *list = option_list(msg, &llen);
        const cs_field_schema *f = cs_object_schema_field(w->schema, prop);
        /* bad points into an input's properties, which refusing does not
         * touch: copy it before the inputs change state. */
        char badv[CS_WRITE_MESSAGE_MAX];
        if (bad != NULL && strlen(bad) >= sizeof badv)
            bad = NULL; /* longer than any message could quote */
        if (bad != NULL)
            (void)snprintf(badv, sizeof badv, "%s", bad);
        for (size_t j = 0; j < n; j++) {
            size_t k = idx[j];
            if (w->res[k].status != CS_WRITE_NOT_SENT)
                continue;
            const char *v = json_string_value(json_object_get(w->props[k], prop));
            if (v == NULL)
                continue;
            if (bad != NULL && strcmp(v, badv) == 0) {
                refuse_one(w, k, status, body, e);
                found++;
            } else if (bad != NULL && list != NULL && option_refused(list, llen, f, v)) {
                refuse_as(w, k, status, body, e, msg, badv, v);
                found++;
            }
        }
    }
    return found;
}

/* A refused batch (400, 403, 404, 409): gives each input its own result. */
static int narrow(wctx *w, size_t *idx, size_t n, long status, const json_t *body, cs_err *err)
{
    const char *message = json_string_value(json_object_get(body, "message"));
    char existing[CS_CONNECTOR_ID_MAX];
    bool conflict = status == 409 && w->kind == CS_WRITE_CREATE &&
                    cs_hubspot_existing_id(message, existing, sizeof existing);
    if (n == 1) {
        if (conflict) {
            /* C5: the contact exists already: link to it instead of creating */
            cs_write_result_ok(&w->res[idx[0]], existing, false);
            w->res[idx[0]].existing = true;
        } else {
            refuse_one(w, idx[0], status, body, NULL);
        }
        return 0;
    }
    if (conflict) {
        char key[320];
        if (email_of(w, existing, key, err) != 0)
            return -1;
        size_t k = key[0] ? by_email(w, idx, n, key) : SIZE_MAX;
        if (k != SIZE_MAX) {
            cs_write_result_ok(&w->res[k], existing, false);
            w->res[k].existing = true;
            return send_rest(w, idx, n, k, err);
        }
        return bisect(w, idx, n, err);
    }
    if (status == 400 && attribute(w, idx, n, status, body) > 0)
        return send_rest(w, idx, n, SIZE_MAX, err);
    if (status == 400 || status == 409)
        return bisect(w, idx, n, err);
    /* 403, 404, other refusals of the whole call: every input gets the message */
    for (size_t j = 0; j < n; j++)
        refuse_one(w, idx[j], status, body, NULL);
    return 0;
}

static int send_group(wctx *w, size_t *idx, size_t n, cs_err *err)
{
    if (n == 0)
        return 0;
    json_t *inputs = json_array();
    for (size_t j = 0; j < n; j++)
        json_array_append_new(inputs, input_json(w, idx[j]));
    json_t *body = json_pack("{s:o}", "inputs", inputs);
    if (body == NULL || json_array_size(inputs) != n) {
        json_decref(body);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    char path[300];
    (void)snprintf(path, sizeof path, "/crm/v3/objects/%s/batch/%s", w->object, endpoint(w->kind));
    cs_http_request req = {.method = CS_HTTP_POST,
                           .path = path,
                           .idempotency = w->kind == CS_WRITE_CREATE ? CS_HTTP_NOT_IDEMPOTENT
                                                                     : CS_HTTP_IDEMPOTENT};
    cs_http_response resp;
    cs_http_response_init(&resp);
    json_t *ans = NULL;
    int rc = cs_conn_call(w->c, true, &req, body, &ans, &resp, err);
    json_decref(body);
    if (rc == 0) {
        apply_answer(w, idx, n, ans);
        json_decref(ans);
        cs_http_response_dispose(&resp);
        return 0;
    }
    long status = resp.status;
    bool refused = status >= 400 && status < 500 && status != 401 && status != 408 &&
                   status != 429 && err->category != CS_ERR_RATE_LIMIT &&
                   err->category != CS_ERR_AUTH;
    json_t *ebody = refused ? cs_conn_error_body(&resp) : NULL;
    bool unknown = resp.outcome_unknown || status == 0 || status >= 500;
    cs_http_response_dispose(&resp);
    if (refused) {
        rc = narrow(w, idx, n, status, ebody, err);
        json_decref(ebody);
        return rc;
    }
    /* the call failed as a whole: creates that may have landed are unknown */
    for (size_t j = 0; j < n; j++)
        if (w->kind == CS_WRITE_CREATE && unknown)
            w->res[idx[j]].status = CS_WRITE_UNKNOWN;
    return -1;
}

/* C10: unsubscribes the contacts written with hs_email_optout "true". */
static int opt_out(wctx *w, size_t n, cs_err *err)
{
    size_t cnt = n ? n : 1;
    const char **emails = calloc(cnt, sizeof(const char *));
    size_t *which = calloc(cnt, sizeof(size_t));
    char(*looked)[EMAIL_KEY_MAX] = calloc(cnt, EMAIL_KEY_MAX);
    cs_write_result *res = calloc(cnt, sizeof(cs_write_result));
    int rc = 0;
    size_t m = 0;
    if (emails == NULL || which == NULL || looked == NULL || res == NULL) {
        rc = cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!w->optout[i] || w->res[i].status != CS_WRITE_OK)
            continue;
        const char *email = w->key[i];
        if (email[0] == '\0') {
            rc = email_of(w, w->res[i].id, looked[i], err);
            email = looked[i];
        }
        if (rc == 0 && email[0] != '\0') {
            emails[m] = email;
            which[m++] = i;
        }
    }
    if (rc == 0 && m > 0)
        rc = cs_hsc_unsubscribe(w->c, emails, m, res, err);
    for (size_t j = 0; j < m; j++) {
        if (res[j].status == CS_WRITE_REFUSED) {
            char id[CS_CONNECTOR_ID_MAX];
            memcpy(id, w->res[which[j]].id, sizeof id);
            w->res[which[j]] = res[j];
            memcpy(w->res[which[j]].id, id, sizeof id);
        }
    }
done:
    free(emails);
    free(which);
    free(looked);
    free(res);
    return rc;
}

int cs_hsc_write(cs_connector *c, const char *object, cs_write_kind kind, const cs_write_input *in,
                 size_t n, cs_write_result *res, cs_err *err)
{
    const cs_object_schema *s = cs_conn_schema(c, object, err);
    if (s == NULL)
        return -1;
    wctx w = {.c = c, .object = object, .kind = kind, .schema = s, .in = in, .res = res};
    size_t cnt = n ? n : 1;
    w.props = calloc(cnt, sizeof(json_t *));
    w.key = calloc(cnt, EMAIL_KEY_MAX);
    w.optout = calloc(cnt, sizeof(bool));
    size_t *idx = calloc(cnt, sizeof(size_t));
    int rc = 0;
    if (w.props == NULL || w.key == NULL || w.optout == NULL || idx == NULL) {
        free(w.props);
        free(w.key);
        free(w.optout);
        free(idx);
        return cs_err_set(err, CS_ERR_INTERNAL, "out of memory");
    }
    size_t m = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = prepare(&w, i, s, err);
        if (rc == 0 && w.props[i] != NULL && res[i].status == CS_WRITE_NOT_SENT)
            idx[m++] = i;
    }
    if (rc == 0)
        rc = send_group(&w, idx, m, err);
    if (rc == 0)
        rc = opt_out(&w, n, err);
    for (size_t i = 0; w.props && i < n; i++)
        json_decref(w.props[i]);
    free(w.props);
    free(w.key);
    free(w.optout);
    free(idx);
    return rc;
}
