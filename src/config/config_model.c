/* The loaded model: ownership of its strings, the accessors the engine and
 * the commands use, rule names and directions (R1), and how the two API
 * budgets of R6 resolve against an org's daily allocation. */
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"

static const char *const g_rule_names[CS_RULE_COUNT] = {
    [CS_RULE_PREFER_SF_UNLESS_BLANK] = "prefer_sf_unless_blank",
    [CS_RULE_ALWAYS_SF] = "always_sf",
    [CS_RULE_TWO_WAY] = "two_way",
    [CS_RULE_DONT_SYNC] = "dont_sync",
    [CS_RULE_ALWAYS_HS] = "always_hs",
    [CS_RULE_PREFER_HS_UNLESS_BLANK] = "prefer_hs_unless_blank",
    [CS_RULE_FIXED_OPTOUT] = "fixed",
};

const char *cs_rule_name(cs_rule rule)
{
    if ((unsigned)rule >= CS_RULE_COUNT)
        return "unknown";
    return g_rule_names[rule];
}

int cs_rule_parse(const char *name, cs_rule *out)
{
    for (int r = 0; r < CS_RULE_COUNT; r++) {
        if (strcmp(g_rule_names[r], name) == 0) {
            *out = (cs_rule)r;
            return 0;
        }
    }
    return -1;
}

bool cs_rule_writes_sf(cs_rule rule)
{
    /* prefer_sf_unless_blank fills a blank SF field from HS (R1). */
    return rule == CS_RULE_PREFER_SF_UNLESS_BLANK || rule == CS_RULE_TWO_WAY ||
           rule == CS_RULE_ALWAYS_HS || rule == CS_RULE_PREFER_HS_UNLESS_BLANK ||
           rule == CS_RULE_FIXED_OPTOUT;
}

bool cs_rule_writes_hs(cs_rule rule)
{
    return rule == CS_RULE_PREFER_SF_UNLESS_BLANK || rule == CS_RULE_ALWAYS_SF ||
           rule == CS_RULE_TWO_WAY || rule == CS_RULE_PREFER_HS_UNLESS_BLANK ||
           rule == CS_RULE_FIXED_OPTOUT;
}

const char *cs_create_as_name(cs_create_as v)
{
    switch (v) {
    case CS_CREATE_LEAD:
        return "lead";
    case CS_CREATE_CONTACT:
        return "contact";
    case CS_CREATE_CONTACT_IF_COMPANY_LINKED:
        return "contact_if_company_linked";
    }
    return "unknown";
}

const char *cs_conflict_winner_name(cs_conflict_winner v)
{
    switch (v) {
    case CS_WINNER_LATEST:
        return "latest";
    case CS_WINNER_HUBSPOT:
        return "hubspot";
    case CS_WINNER_SALESFORCE:
        return "salesforce";
    }
    return "unknown";
}

/* R6: a percentage resolves against the org's daily allocation; the retry
 * budget (percent) against the resolved sync budget. */
void cs_sync_call_limits(const cs_sync_settings *s, long daily_max, long *sync_limit,
                         long *retry_limit)
{
    long sync = s->sf_api_budget.value;
    if (s->sf_api_budget.percent)
        sync = daily_max > 0 ? daily_max / 100 * sync + daily_max % 100 * sync / 100 : 0;
    if (daily_max > 0 && sync > daily_max)
        sync = daily_max;
    long retry = s->retry_budget.value;
    if (s->retry_budget.percent)
        retry = sync / 100 * retry + sync % 100 * retry / 100;
    if (retry > sync)
        retry = sync;
    *sync_limit = sync;
    *retry_limit = retry;
}

void *cfg_own_mem(cs_config *cfg, cfg_ctx *ctx, void *block)
{
    if (block == NULL)
        return NULL;
    if (cfg->nowned == cfg->capowned) {
        size_t ncap = cfg->capowned ? cfg->capowned * 2 : 16;
        void **p = realloc(cfg->owned, ncap * sizeof *p);
        if (p == NULL) {
            free(block);
            ctx->oom = true;
            return NULL;
        }
        cfg->owned = p;
        cfg->capowned = ncap;
    }
    cfg->owned[cfg->nowned++] = block;
    return block;
}

char *cfg_own(cs_config *cfg, cfg_ctx *ctx, char *s)
{
    return cfg_own_mem(cfg, ctx, s);
}

char *cfg_own_dup(cs_config *cfg, cfg_ctx *ctx, const char *s)
{
    char *copy = strdup(s);
    if (copy == NULL) {
        ctx->oom = true;
        return NULL;
    }
    return cfg_own(cfg, ctx, copy);
}

void cs_config_free(cs_config *cfg)
{
    if (cfg == NULL)
        return;
    for (size_t i = 0; i < cfg->nowned; i++)
        free(cfg->owned[i]);
    free(cfg->owned);
    free(cfg->mappings);
    free(cfg->company_mappings);
    free(cfg);
}

const char *cs_config_source(const cs_config *cfg)
{
    return cfg->source;
}

const cs_endpoints *cs_config_endpoints(const cs_config *cfg)
{
    return &cfg->ep;
}

const char *cs_config_store_url(const cs_config *cfg)
{
    return cfg->store_url;
}

const cs_sync_settings *cs_config_sync(const cs_config *cfg)
{
    return &cfg->sync;
}

const cs_contact_settings *cs_config_contacts(const cs_config *cfg)
{
    return &cfg->contacts;
}

const cs_company_settings *cs_config_companies(const cs_config *cfg)
{
    return &cfg->companies;
}

const cs_field_mapping *cs_config_company_mappings(const cs_config *cfg, size_t *count)
{
    if (count)
        *count = cfg->ncompany_mappings;
    return cfg->company_mappings;
}

const cs_field_mapping *cs_config_mappings(const cs_config *cfg, size_t *count)
{
    if (count)
        *count = cfg->nmappings;
    return cfg->mappings;
}

const cs_field_mapping *cs_config_mapping_by_hs(const cs_config *cfg, const char *hs)
{
    for (size_t i = 0; i < cfg->nmappings; i++) {
        if (strcmp(cfg->mappings[i].hs, hs) == 0)
            return &cfg->mappings[i];
    }
    return NULL;
}
