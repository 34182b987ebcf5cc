/* A record as the engine sees it, whichever side it comes from: its id, its
 * type ("contacts" on HubSpot, "Lead"/"Contact" on Salesforce), its last
 * modification time and its field values, all normalised to text or null (the
 * connectors convert numbers, booleans and dates once, at the edge). */
#ifndef CS_CORE_RECORD_H
#define CS_CORE_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cs_record {
    char *id;            /* owned */
    char *type;          /* owned */
    int64_t modified_ms; /* lastmodifieddate / SystemModstamp */
    int64_t created_ms;
    bool deleted;
    json_t *fields; /* owned: field name -> JSON string or null */
} cs_record;

/* A growable array of records; owns every record in it. */
typedef struct cs_record_list {
    cs_record *items;
    size_t len;
    size_t cap;
} cs_record_list;

/* Initialises r with copies of id and type and an empty field object.
 * Returns 0, or -1 when memory ran out (r is then disposed). */
int cs_record_init(cs_record *r, const char *id, const char *type);
/* Frees what r owns (not r itself). Accepts NULL. */
void cs_record_dispose(cs_record *r);
/* Deep copy into out. Returns 0 or -1. */
int cs_record_copy(cs_record *out, const cs_record *src);

/* Field value as text, or NULL when absent or null. Borrowed from r. */
const char *cs_record_get(const cs_record *r, const char *field);
/* Sets a field to a copy of value, or to null when value is NULL. */
int cs_record_set(cs_record *r, const char *field, const char *value);
/* True when the field is absent, null, or only whitespace (HubSpot's "blank"). */
bool cs_record_is_blank(const cs_record *r, const char *field);

void cs_record_list_init(cs_record_list *l);
/* Moves r into the list (the list owns it afterwards; r is zeroed). */
int cs_record_list_push(cs_record_list *l, cs_record *r);
/* Frees every record and the array. Accepts NULL. */
void cs_record_list_dispose(cs_record_list *l);
/* Linear lookup by id; borrowed, or NULL. */
const cs_record *cs_record_list_find(const cs_record_list *l, const char *id);

/* Email as the dedup key (C5): trimmed and lower-cased into out; returns false
 * when there is no usable email (R7). */
bool cs_email_key(const char *email, char *out, size_t out_size);

#endif
