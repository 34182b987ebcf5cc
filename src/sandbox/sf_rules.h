/* Validation rules and duplicate rules of the Salesforce emulation, as
 * definitions: checking a rule body posted to the admin API against the
 * schema (once, when the rule is saved), and evaluating a validation rule's
 * condition on a record. Pure: no database (parent records come through a
 * callback); storage, the cache and enforcement in the write pipeline live
 * in sf_rules_store.c and sf_rules_check.c.
 *
 * A validation rule's error condition is a SOQL WHERE condition; it is
 * parsed as "SELECT Id FROM <object> WHERE <condition>" so that it means
 * exactly what the same condition means in a query. */
#ifndef CS_SANDBOX_SF_RULES_H
#define CS_SANDBOX_SF_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sandbox/sf_schema.h"
#include "sandbox/soql.h"

#define SF_RULE_NAME_MAX      40   /* API names of rules, as Salesforce limits them */
#define SF_RULE_MESSAGE_MAX   255  /* a validation rule's error message */
#define SF_RULE_CONDITION_MAX 3900 /* an error condition formula */
#define SF_DUP_FIELDS_MAX     10
#define SF_DUP_MESSAGE        "Use one of these records?"

/* A validation rule. Strings are borrowed from def. */
typedef struct sf_vrule {
    json_t *def; /* owned: the normalised definition, as GET shows it */
    const char *object;
    const char *name;
    const char *message;
    const char *field; /* canonical field name; NULL for the top of the page */
    bool active;
    sb_soql_query *q; /* owned */
} sf_vrule;

enum sf_dup_on { SF_DUP_ON_CREATE = 1u << 0, SF_DUP_ON_UPDATE = 1u << 1 };

/* What a duplicate rule does to a matching save through the API: refuse it
 * (Salesforce's Block), refuse it unless the request says allowSave=true in
 * Sforce-Duplicate-Rule-Header (Allow with an alert), or let it through
 * (Allow, report only). */
typedef enum sf_dup_action { SF_DUP_BLOCK, SF_DUP_ALERT, SF_DUP_ALLOW } sf_dup_action;

/* A duplicate rule: a record whose listed fields all equal another live
 * record's (case-insensitively, none blank) is a duplicate. Strings are
 * borrowed from def. */
typedef struct sf_duprule {
    json_t *def; /* owned */
    const char *object;
    const char *name;
    const char *message;
    const char *fields[SF_DUP_FIELDS_MAX]; /* canonical field names */
    size_t nfields;
    sf_dup_action action;
    unsigned on; /* sf_dup_on */
    bool active;
} sf_duprule;

/* True for an API name Salesforce accepts: 1..40 letters, digits and
 * underscores, starting with a letter, no "__", not ending with "_". */
bool sf_rule_name_ok(const char *name);

/* Checks a posted validation rule body ({"object","name","error_condition",
 * "message","field"?,"active"?}) against schema s. On success fills *out
 * (free with sf_vrule_dispose) and returns 0; on failure returns -1 with a
 * message naming the problem in why (for error_condition, the SOQL error
 * and its column within the condition). */
int sf_vrule_compile(const sf_schema *s, json_t *body, sf_vrule *out, char *why, size_t why_size);
void sf_vrule_dispose(sf_vrule *r);

/* A parent record by id for relationship paths such as Owner.Name;
 * borrowed, NULL when missing. */
typedef json_t *(*sf_rule_parent_fn)(void *user, const char *id);

/* True when r's error condition holds for data (a stored-form record of r's
 * object o: canonical field name -> value), i.e. the save must be refused.
 * now_ms anchors date literals such as TODAY. parent may be NULL (parent
 * paths then read as null). */
bool sf_vrule_fails(const sf_vrule *r, const sf_schema *s, const sf_object *o, json_t *data,
                    sf_rule_parent_fn parent, void *user, int64_t now_ms);

/* Checks a posted duplicate rule body ({"object","fields","action"?,
 * "name"?,"on"?,"message"?,"active"?}); a missing name becomes
 * default_name. As sf_vrule_compile otherwise. */
int sf_duprule_compile(const sf_schema *s, json_t *body, const char *default_name, sf_duprule *out,
                       char *why, size_t why_size);
void sf_duprule_dispose(sf_duprule *r);

/* The value of field `field` of data as a duplicate rule compares it:
 * lower-cased text (numbers in JSON form), or NULL when blank (missing,
 * null, or only spaces). Caller frees. */
char *sf_dup_key(json_t *data, const char *field);

#endif
