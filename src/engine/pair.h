/* The object-pair model: one synced pair of objects (a HubSpot object on one
 * side, one or more Salesforce objects on the other) as everything the engine
 * needs to know about it — its scans and their durable cursors, how unlinked
 * records are matched, its mappings with their rules, value maps and conflict
 * winner, its create and delete policies, and its association to another
 * pair. Each section of the config (contacts:, companies:) compiles into one
 * instance (pair_contacts.c, pair_companies.c); the rest of the engine reads
 * the instance and names no object itself.
 *
 * A pair is a plain value: every string and the mappings are borrowed from
 * the config (or static) and valid as long as the config is. Internal to the
 * engine and its unit tests. */
#ifndef CS_ENGINE_PAIR_H
#define CS_ENGINE_PAIR_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "core/err.h"

/* At most this many Salesforce objects per pair (contacts: Lead and Contact). */
#define CS_PAIR_SF_MAX 2
/* One HubSpot scan plus one per Salesforce object. */
#define CS_PAIR_SCANS_MAX (1 + CS_PAIR_SF_MAX)
#define CS_PAIR_EXTRA_MAX 8
/* At most this many pairs in one config. */
#define CS_PAIR_MAX 4

/* How unlinked records find their counterpart. */
typedef enum cs_pair_match {
    /* C5: by email key on both sides; a record without email never syncs
     * (R7). */
    CS_PAIR_MATCH_EMAIL = 0,
    /* A1: only through links — the store's, and those the associated pair's
     * links imply (a linked child's parent lookup on one side and its
     * association on the other). Never by a field value. */
    CS_PAIR_MATCH_LINK
} cs_pair_match;

/* One Salesforce object of a pair. */
typedef struct cs_pair_sf {
    const char *name;   /* API name */
    const char *cursor; /* the store's name of its change cursor */
    /* The mapping column holding this object's field: 0 = sf_lead (the first
     * column), 1 = sf_contact (the second). */
    int column;
    /* The HS property crmsync maintains with the linked record's id (the
     * link property, MAPPINGS), or NULL. */
    const char *link_property;
    /* C5: when several records of the pair's SF objects match one key, the
     * preferred object's record wins. */
    bool preferred;
    /* C14: a record of this object may turn into a record of object
     * converts_to (an index into the pair's sf[], or -1): converted_flag says
     * it did, converted_id names the new record. */
    int converts_to;
    const char *converted_flag;
    const char *converted_id;
    /* A2: the lookup field naming the parent pair's SF record, or NULL. */
    const char *parent_field;
    /* Fields the planner reads besides the mapped ones. */
    const char *extra[CS_PAIR_EXTRA_MAX];
    size_t nextra;
} cs_pair_sf;

/* What new records of the other side become (C15, A1). */
typedef enum cs_pair_create {
    CS_PAIR_CREATE_ALWAYS = 0, /* every qualifying record */
    /* A1: an HS record creates an SF record only when one of its
     * associated children needs it as a parent. */
    CS_PAIR_CREATE_FOR_CHILDREN
} cs_pair_create;

typedef struct cs_pair {
    const char *section;     /* the config section: "contacts", "companies" */
    const char *link_object; /* the store's name for the pair's links and snapshots */
    const char *hs_object;   /* HubSpot object type */
    const char *hs_label;    /* what one HS record is called in messages */
    const char *hs_cursor;   /* the store's name of its HubSpot change cursor */
    const char *hs_extra[CS_PAIR_EXTRA_MAX];
    size_t nhs_extra;
    cs_pair_sf sf[CS_PAIR_SF_MAX];
    size_t nsf;
    cs_pair_match match;
    /* CS_PAIR_MATCH_EMAIL: the email field on each side. */
    const char *hs_email;
    const char *sf_email;
    /* Settings: create and delete policies, conflict winner, C2, C3, C13.
     * For a section without some of them, the defaults of contacts. */
    cs_contact_settings settings;
    /* SF objects a new SF record may be: create_default is what C15's
     * default makes, create_alternate what `contact` / a linked parent makes
     * (indexes into sf[]; equal when the pair has one SF object). */
    int create_default;
    int create_alternate;
    cs_pair_create hs_to_sf_create;
    /* Whether the pair reads owners and users (C17) for its owner row. */
    bool owners;
    const cs_field_mapping *maps;
    size_t nmaps;
    /* A2: the pair its SF records' parent_field points into and its HS
     * records are associated with (primary association), or -1. An index
     * into the compiled pairs. */
    int parent;
    /* The association type (HubSpot v4 type id) of child → parent and the
     * parent's HubSpot object; 0 / NULL when the pair has no parent. */
    int parent_assoc_type;
    const char *parent_hs_object;
} cs_pair;

/* The index of the SF object named name in p, or -1. */
int cs_pair_sf_index(const cs_pair *p, const char *name);
/* The SF object named name in p, or NULL. */
const cs_pair_sf *cs_pair_sf_find(const cs_pair *p, const char *name);
/* The SF field of m for SF object name, or NULL (the row skips that object,
 * C8, C9). */
const char *cs_pair_field(const cs_pair *p, const cs_field_mapping *m, const char *name);
/* Whether type names the pair's HubSpot object. */
bool cs_pair_is_hs(const cs_pair *p, const char *type);

/* contacts: ⇄ Lead and Contact (C1-C17). settings and maps are borrowed. */
void cs_pair_contacts(const cs_contact_settings *settings, const cs_field_mapping *maps,
                      size_t nmaps, cs_pair *out);

/* companies: ⇄ Account (A1). settings and maps are borrowed. */
void cs_pair_companies(const cs_company_settings *settings, const cs_field_mapping *maps,
                       size_t nmaps, cs_pair *out);
/* A2: child's SF parent_field points into pair parent, and its HS records'
 * primary association names the parent's HS record. */
void cs_pair_set_parent(cs_pair *child, int parent, const cs_pair *pair);

/* Every enabled section of cfg, in the order a pass syncs them (parents
 * first, so a child finds its parent linked). *n pairs in out[CS_PAIR_MAX]. */
int cs_pair_compile(const cs_config *cfg, cs_pair *out, size_t *n, cs_err *err);

#endif
