/* Records and record lists (see record.h). */
#include "core/record.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int cs_record_init(cs_record *r, const char *id, const char *type)
{
    memset(r, 0, sizeof *r);
    r->id = id ? strdup(id) : NULL;
    r->type = type ? strdup(type) : NULL;
    r->fields = json_object();
    if ((id && !r->id) || (type && !r->type) || !r->fields) {
        cs_record_dispose(r);
        return -1;
    }
    return 0;
}

void cs_record_dispose(cs_record *r)
{
    if (r == NULL)
        return;
    free(r->id);
    free(r->type);
    json_decref(r->fields);
    memset(r, 0, sizeof *r);
}

int cs_record_copy(cs_record *out, const cs_record *src)
{
    if (cs_record_init(out, src->id, src->type) != 0)
        return -1;
    out->modified_ms = src->modified_ms;
    out->created_ms = src->created_ms;
    out->deleted = src->deleted;
    json_decref(out->fields);
    out->fields = json_deep_copy(src->fields);
    if (out->fields == NULL) {
        cs_record_dispose(out);
        return -1;
    }
    return 0;
}

const char *cs_record_get(const cs_record *r, const char *field)
{
    json_t *v = json_object_get(r->fields, field);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int cs_record_set(cs_record *r, const char *field, const char *value)
{
    json_t *v = value ? json_string(value) : json_null();
    if (v == NULL)
        return -1;
    return json_object_set_new(r->fields, field, v) == 0 ? 0 : -1;
}

bool cs_record_is_blank(const cs_record *r, const char *field)
{
    const char *v = cs_record_get(r, field);
    if (v == NULL)
        return true;
    for (; *v; v++)
        if (!isspace((unsigned char)*v))
            return false;
    return true;
}

void cs_record_list_init(cs_record_list *l)
{
    l->items = NULL;
    l->len = 0;
    l->cap = 0;
}

int cs_record_list_push(cs_record_list *l, cs_record *r)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        cs_record *p = realloc(l->items, cap * sizeof *p);
        if (p == NULL)
            return -1;
        l->items = p;
        l->cap = cap;
    }
    l->items[l->len++] = *r;
    memset(r, 0, sizeof *r);
    return 0;
}

void cs_record_list_dispose(cs_record_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->len; i++)
        cs_record_dispose(&l->items[i]);
    free(l->items);
    cs_record_list_init(l);
}

const cs_record *cs_record_list_find(const cs_record_list *l, const char *id)
{
    for (size_t i = 0; i < l->len; i++)
        if (l->items[i].id && strcmp(l->items[i].id, id) == 0)
            return &l->items[i];
    return NULL;
}

bool cs_email_key(const char *email, char *out, size_t out_size)
{
    if (email == NULL || out_size == 0)
        return false;
    while (isspace((unsigned char)*email))
        email++;
    size_t len = strlen(email);
    while (len > 0 && isspace((unsigned char)email[len - 1]))
        len--;
    if (len == 0 || len >= out_size)
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)email[i]);
    out[len] = '\0';
    return true;
}
