/* Internals of the config module, shared by its .c files only: the YAML tree
 * with positions (config_yaml.c), the loader's problem list and typed value
 * readers (config_values.c), the section walkers (config_load.c,
 * config_contacts.c) and the model itself. */
#ifndef CS_CONFIG_CONFIG_INT_H
#define CS_CONFIG_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "core/buf.h"

/* ---- YAML tree (config_yaml.c) ------------------------------------------ */

typedef enum cfg_kind { CFG_SCALAR, CFG_MAP, CFG_SEQ } cfg_kind;

typedef struct cfg_node cfg_node;
typedef struct cfg_pair {
    cfg_node *key; /* always a scalar */
    cfg_node *value;
} cfg_pair;

struct cfg_node {
    cfg_kind kind;
    int line, col; /* 1-based */
    /* CFG_SCALAR */
    char *text; /* NUL-terminated, no embedded NUL */
    bool plain; /* unquoted: null/true/false/numbers are recognised only then */
    /* CFG_MAP: pairs; CFG_SEQ: items */
    cfg_pair *pairs;
    cfg_node **items;
    size_t count, cap;
};

#define CFG_MAX_DEPTH  32
#define CFG_MAX_NODES  20000
#define CFG_MAX_SCALAR 4096

/* Parses text into a tree. Returns the root (NULL for an empty document)
 * and 0, or -1 with the problems added to ctx. */
typedef struct cfg_ctx cfg_ctx;
int cfg_yaml_parse(cfg_ctx *ctx, const char *text, size_t len, cfg_node **root);
void cfg_node_free(cfg_node *n);

/* ---- Loader context and problems (config_values.c) ---------------------- */

#define CFG_MAX_PROBLEMS 64

typedef struct cfg_problem_line {
    int line, col;
    char *text; /* the whole formatted line */
} cfg_problem_line;

struct cfg_ctx {
    const char *name; /* file name in messages */
    cfg_problem_line problems[CFG_MAX_PROBLEMS];
    int nproblems; /* may exceed CFG_MAX_PROBLEMS: the rest are counted only */
    bool oom;
};

void cfg_ctx_init(cfg_ctx *ctx, const char *name);
void cfg_ctx_dispose(cfg_ctx *ctx);
/* Records "name:line:col: path: message [ids]". path may be NULL. */
void cfg_problem(cfg_ctx *ctx, int line, int col, const char *path, const char *ids,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void cfg_problem_at(cfg_ctx *ctx, const cfg_node *at, const char *path, const char *ids,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Moves the problems into err (CS_ERR_CONFIG), in file order, as many lines
 * as fit; appends every one of them to all when it is not NULL. */
int cfg_ctx_fail(cfg_ctx *ctx, cs_buf *all, cs_err *err);

/* Child path "parent.key" or "parent[i]" into out (truncated safely). */
void cfg_path(char *out, size_t size, const char *parent, const char *key);
void cfg_path_index(char *out, size_t size, const char *parent, size_t index);

/* Looks a key up in a mapping node (NULL when absent or map is not a map). */
const cfg_pair *cfg_lookup(const cfg_node *map, const char *key);
/* Reports every key of map not in known (NULL-terminated), suggesting the
 * closest known key. */
void cfg_check_keys(cfg_ctx *ctx, const cfg_node *map, const char *path, const char *const *known,
                    const char *ids);
/* Closest candidate to word by edit distance (case-insensitive), or NULL when
 * nothing is close enough to be a plausible typo. */
const char *cfg_suggest(const char *word, const char *const *candidates);
/* The rule a mistyped or HubSpot-worded rule name ("Always use Salesforce")
 * most likely means, or NULL. */
const char *cfg_rule_suggest(const char *word);

bool cfg_is_null(const cfg_node *n);
const char *cfg_kind_name(const cfg_node *n); /* "a mapping", "a list", "a boolean", ... */

/* Typed readers. Each reports its own problem (at the value, or at the key
 * when the value is empty) and returns -1 on failure; out is written only on
 * success. */
int cfg_read_string(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                    bool nullable, char **out);
int cfg_read_enum(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                  const char *const *names, int *out);
int cfg_read_int(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids, long min,
                 long max, long *out);
int cfg_read_duration(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                      long min_ms, long max_ms, long *out);
int cfg_read_budget(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                    cs_budget *out);
/* A mapping or a null (an empty section); -1 otherwise. *out may be NULL. */
int cfg_read_map(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                 const cfg_node **out);
int cfg_read_seq(cfg_ctx *ctx, const cfg_pair *p, const char *path, const char *ids,
                 const cfg_node **out);

/* Pure value parsers (also used by tests through the loader). */
int cfg_parse_duration(const char *s, long *ms);
bool cfg_valid_env_name(const char *s);
bool cfg_valid_hs_name(const char *s);
bool cfg_valid_sf_name(const char *s);

/* ---- The model ----------------------------------------------------------- */

struct cs_config {
    char *source;
    cs_endpoints ep;
    char *store_url;
    cs_sync_settings sync;
    cs_contact_settings contacts;
    cs_field_mapping *mappings; /* defaults first, then custom */
    size_t nmappings;
    size_t ndefaults;
    cs_company_settings companies;
    cs_field_mapping *company_mappings; /* defaults first, then custom */
    size_t ncompany_mappings;
    size_t ncompany_defaults;
    /* Owned strings and arrays (value maps) behind the borrowed pointers above. */
    void **owned;
    size_t nowned, capowned;
};

/* Takes ownership of s (which may be NULL) and returns it, or NULL when
 * memory ran out (s is then freed and ctx marked). */
char *cfg_own(cs_config *cfg, cfg_ctx *ctx, char *s);
char *cfg_own_dup(cs_config *cfg, cfg_ctx *ctx, const char *s);
/* The same for any block from malloc (freed with free()). */
void *cfg_own_mem(cs_config *cfg, cfg_ctx *ctx, void *p);

/* Section walkers (config_load.c, config_contacts.c). */
void cfg_load_contacts(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section);
/* companies: (config_companies.c, A1). */
void cfg_load_companies(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section);
/* Appends one custom mapping to cfg->mappings (room is reserved by the
 * caller) or reports why it is refused (config_custom.c). */
void cfg_load_custom(cfg_ctx *ctx, cs_config *cfg, const cfg_node *entry, const char *path);

/* Value maps (config_valuemap.c, R3). Reads node (HS option -> SF value, or
 * null for none) into an array owned by cfg: 0 with *pairs and *count set
 * (NULL/0 for an empty map), or -1 after reporting every problem. */
int cfg_read_value_map(cfg_ctx *ctx, cs_config *cfg, const cfg_node *node, const char *path,
                       const cs_value_pair **pairs, size_t *count);
/* contacts.values: HS property -> value map, for mappings already loaded.
 * mappings is the contacts.mappings list (NULL when absent), to tell where
 * a custom mapping already has its own `values`. */
void cfg_load_values(cfg_ctx *ctx, cs_config *cfg, const cfg_pair *section,
                     const cfg_node *mappings);

/* The default table and the static knowledge about Salesforce references and
 * HubSpot system properties (config_defaults.c). */
const cs_field_mapping *cfg_default_by_hs(const char *hs);
/* The default row whose Lead (lead=true) or Contact field is sf, or NULL. */
const cs_field_mapping *cfg_default_by_sf(const char *sf, bool lead);
bool cfg_is_known_sf_reference(const char *field);
bool cfg_is_sf_system_field(const char *field);
bool cfg_is_hs_system_property(const char *name);
bool cfg_is_maintained_property(const char *name);

#endif
