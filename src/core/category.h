/* R9: the categories of HubSpot's Sync Health, the one vocabulary every layer
 * files a record's error under: the connectors when an API refuses a record,
 * the plan when a rule does, the store when it keeps the error, and the CLI
 * when it lists them. One enum, so an error keeps its category from where it
 * arises to where it is shown, with no conversion between layers. */
#ifndef CS_CORE_CATEGORY_H
#define CS_CORE_CATEGORY_H

typedef enum cs_category {
    CS_CAT_NONE = 0, /* no category (a write that was not refused): never stored */
    CS_CAT_ASSOCIATIONS,
    CS_CAT_CUSTOM_CODE, /* Salesforce validation rules, flows, triggers */
    CS_CAT_DUPLICATES,
    CS_CAT_PERMISSIONS,
    CS_CAT_PROPERTY_VALUES,
    CS_CAT_SUSPENSION /* authentication or API limits */
} cs_category;

/* Arrays indexed by category have this many entries (NONE's included). */
#define CS_CAT_COUNT (CS_CAT_SUSPENSION + 1)

/* The stable lower-case name, as stored and printed: "associations",
 * "custom_code", "duplicates", "permissions", "property_values",
 * "suspension"; "none" for NONE and "unknown" out of range. */
const char *cs_category_name(cs_category c);

/* As HubSpot's Sync Health shows it: "Associations", "Custom code",
 * "Duplicates", "Permissions", "Property values", "Suspension"; "None" for
 * NONE and "Unknown" out of range. */
const char *cs_category_label(cs_category c);

/* One of the six names to its category: 0, or -1 (*out untouched) for
 * anything else, "none" included, since no error is filed under NONE. */
int cs_category_parse(const char *name, cs_category *out);

#endif
