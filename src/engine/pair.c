/* The object-pair model's lookups (pair.h) and the compile of a loaded
 * config into its pairs: each enabled section becomes one cs_pair, parents
 * before their children so that a pass links a parent before the children
 * that point to it (A2). */
#include <string.h>

#include "engine/pair.h"
#include "engine/sync.h"

int cs_pair_sf_index(const cs_pair *p, const char *name)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < p->nsf; i++) {
        if (strcmp(p->sf[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

const cs_pair_sf *cs_pair_sf_find(const cs_pair *p, const char *name)
{
    int i = cs_pair_sf_index(p, name);
    return i < 0 ? NULL : &p->sf[i];
}

const char *cs_pair_field(const cs_pair *p, const cs_field_mapping *m, const char *name)
{
    const cs_pair_sf *o = cs_pair_sf_find(p, name);
    if (o == NULL)
        return NULL;
    if (o->column == 0)
        return m->sf_lead;
    /* C9: a text column of the first object never maps to the second. */
    return (m->flags & CS_MAP_LEAD_ONLY) ? NULL : m->sf_contact;
}

bool cs_pair_is_hs(const cs_pair *p, const char *type)
{
    return type != NULL && strcmp(type, p->hs_object) == 0;
}

int cs_pair_compile(const cs_config *cfg, cs_pair *out, size_t *n, cs_err *err)
{
    if (cfg == NULL || out == NULL || n == NULL)
        return cs_err_set(err, CS_ERR_INTERNAL, "pairs: no config");
    size_t k = 0;
    size_t nmaps = 0;
    int companies = -1;
    const cs_company_settings *cs = cs_config_companies(cfg);
    if (cs->enabled) {
        const cs_field_mapping *cmaps = cs_config_company_mappings(cfg, &nmaps);
        companies = (int)k;
        cs_pair_companies(cs, cmaps, nmaps, &out[k++]);
    }
    const cs_field_mapping *maps = cs_config_mappings(cfg, &nmaps);
    cs_pair_contacts(cs_config_contacts(cfg), maps, nmaps, &out[k]);
    if (companies >= 0)
        cs_pair_set_parent(&out[k], companies, &out[companies]);
    k++;
    *n = k;
    return 0;
}

size_t cs_sync_cursor_names(const cs_config *cfg, const char **out, size_t max)
{
    cs_pair pairs[CS_PAIR_MAX];
    size_t n = 0, k = 0;
    if (cs_pair_compile(cfg, pairs, &n, NULL) != 0)
        return 0;
    /* Contacts first, as `crmsync status` always listed them. */
    for (size_t j = n; j-- > 0;) {
        const cs_pair *p = &pairs[j];
        if (k < max)
            out[k++] = p->hs_cursor;
        for (size_t i = 0; i < p->nsf && k < max; i++)
            out[k++] = p->sf[i].cursor;
    }
    return k;
}

const char *cs_sync_link_object(const char *object)
{
    if (object == NULL)
        return NULL;
    /* The names of a pair do not depend on its settings or mappings. */
    cs_contact_settings contacts = {0};
    cs_company_settings companies = {0};
    cs_pair pairs[2];
    cs_pair_contacts(&contacts, NULL, 0, &pairs[0]);
    cs_pair_companies(&companies, NULL, 0, &pairs[1]);
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (cs_pair_is_hs(&pairs[i], object) || cs_pair_sf_index(&pairs[i], object) >= 0)
            return pairs[i].link_object;
    }
    return NULL;
}
