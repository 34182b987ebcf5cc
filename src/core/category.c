/* The names and labels of the R9 categories (category.h), in enum order. */
#include "core/category.h"

#include <stddef.h>
#include <string.h>

static const char *const names[CS_CAT_COUNT] = {
    [CS_CAT_NONE] = "none",
    [CS_CAT_ASSOCIATIONS] = "associations",
    [CS_CAT_CUSTOM_CODE] = "custom_code",
    [CS_CAT_DUPLICATES] = "duplicates",
    [CS_CAT_PERMISSIONS] = "permissions",
    [CS_CAT_PROPERTY_VALUES] = "property_values",
    [CS_CAT_SUSPENSION] = "suspension",
};

static const char *const labels[CS_CAT_COUNT] = {
    [CS_CAT_NONE] = "None",
    [CS_CAT_ASSOCIATIONS] = "Associations",
    [CS_CAT_CUSTOM_CODE] = "Custom code",
    [CS_CAT_DUPLICATES] = "Duplicates",
    [CS_CAT_PERMISSIONS] = "Permissions",
    [CS_CAT_PROPERTY_VALUES] = "Property values",
    [CS_CAT_SUSPENSION] = "Suspension",
};

const char *cs_category_label(cs_category c)
{
    if ((unsigned)c >= CS_CAT_COUNT)
        return "Unknown";
    return labels[c];
}

const char *cs_category_name(cs_category c)
{
    if ((unsigned)c >= CS_CAT_COUNT)
        return "unknown";
    return names[c];
}

int cs_category_parse(const char *name, cs_category *out)
{
    if (name == NULL)
        return -1;
    for (size_t i = CS_CAT_ASSOCIATIONS; i < CS_CAT_COUNT; i++) {
        if (strcmp(names[i], name) == 0) {
            *out = (cs_category)i;
            return 0;
        }
    }
    return -1;
}
