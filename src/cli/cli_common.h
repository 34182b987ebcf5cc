/* Helpers the sync commands share: option parsing in one style (`--opt VALUE`
 * or `--opt=VALUE`, `--config FILE` defaulting to ./crmsync.yaml, `--help`),
 * loading the configuration and printing every problem it has, and opening
 * what a command works on — the state store, the credentials from the
 * environment and both connectors — from that configuration.
 *
 * Exit codes (docs/commands.md): 0 ok, 1 a failure or a divergence, 2 a usage
 * or configuration error. These helpers print their own errors (cli/ is the
 * edge) and return the exit code a command should end with. */
#ifndef CS_CLI_CLI_COMMON_H
#define CS_CLI_CLI_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "connector/connector.h"
#include "core/err.h"
#include "store/store.h"

#define CS_EXIT_OK      0
#define CS_EXIT_FAILURE 1
#define CS_EXIT_USAGE   2

#define CS_CLI_DEFAULT_CONFIG "crmsync.yaml"

/* ---- option parsing ------------------------------------------------------- */

/* Walks argv (argv[0] is the command name). */
typedef struct cs_cli_args {
    const char *command; /* "sync", for messages */
    int argc;
    char **argv;
    int i;             /* index of the current argument */
    const char *value; /* the value of the last option matched with a value */
} cs_cli_args;

void cs_cli_args_init(cs_cli_args *a, const char *command, int argc, char **argv);
/* Moves to the next argument; false when none is left. */
bool cs_cli_args_next(cs_cli_args *a);
/* True when the current argument is the flag name (no value). */
bool cs_cli_args_flag(const cs_cli_args *a, const char *name);
/* True when the current argument is `name VALUE` or `name=VALUE`; a.value
 * then holds VALUE. Sets *missing (and returns false) when the option is
 * given without a value. */
bool cs_cli_args_value(cs_cli_args *a, const char *name, bool *missing);
/* Prints "crmsync CMD: unknown option 'X'" (or "... needs a value") and a
 * pointer to --help on stderr; returns CS_EXIT_USAGE. */
int cs_cli_args_bad(const cs_cli_args *a, bool missing);

/* The whole argument list of a command whose only option is --config (with
 * --help / -h): sets *config (borrowed from argv; left as it was when not
 * given) and returns -1 to go on, or the exit code to return at once (after
 * printing the usage, or why an argument is refused). */
int cs_cli_config_only(const char *command, int argc, char **argv, void (*usage)(FILE *),
                       const char **config);

#define CS_CLI_MAX_BACKFILL 64

/* The options `plan` and `sync` share: --config, --full, --backfill MAPPING
 * (repeatable). Strings are borrowed from argv. */
typedef struct cs_cli_pass_options {
    const char *config;
    const char *backfill[CS_CLI_MAX_BACKFILL];
    size_t nbackfill;
    bool full;
} cs_cli_pass_options;

void cs_cli_pass_options_init(cs_cli_pass_options *o);
/* Consumes the current argument when it is one of the shared options: returns
 * 1 when it was, 0 when it is not one of them, or an exit code (> 1) after
 * printing why it is refused. */
int cs_cli_pass_option(cs_cli_args *a, cs_cli_pass_options *o, bool *missing);

/* A duration as the configuration spells one: a whole number and a unit,
 * "2s", "500ms", "1m", "1h" (a bare number needs a unit, as in sync.interval).
 * Prints an error naming the option (with the configuration's wording) and
 * returns -1 when it is not one, or when it is outside [min_ms, max_ms]. */
int cs_cli_parse_duration(const char *option, const char *value, long min_ms, long max_ms,
                          long *out_ms);

/* ---- the configuration and what it opens ---------------------------------- */

enum {
    CS_CLI_OPEN_STORE = 1u << 0,
    CS_CLI_OPEN_CONNECTORS = 1u << 1, /* needs the secrets from the environment */
    /* The command writes the store: take its writer lock (cs_store_lock) or
     * refuse with CS_EXIT_FAILURE when another process holds it. Implies
     * CS_CLI_OPEN_STORE. */
    CS_CLI_OPEN_WRITE = 1u << 2,
    /* Without CS_CLI_OPEN_WRITE the store must exist (nothing is created);
     * with this flag a missing one is replaced by an empty store in memory,
     * as a first pass would find it (plan before the first sync). */
    CS_CLI_OPEN_MAY_BE_NEW = 1u << 3,
};

typedef struct cs_cli_env {
    cs_config *cfg;
    cs_store *store;       /* CS_CLI_OPEN_STORE */
    cs_connector *hubspot; /* CS_CLI_OPEN_CONNECTORS */
    cs_connector *salesforce;
    struct cs_oauth *oauth;    /* Salesforce OAuth, when the config asks for it */
    struct cs_oauth *hs_oauth; /* HubSpot OAuth, when the config asks for it */
    cs_credentials creds;
} cs_cli_env;

/* Loads the configuration at path and prints every problem to stderr (one
 * per line, file:line:col and SPEC ids). Returns CS_EXIT_OK with *out set, or
 * CS_EXIT_USAGE. */
int cs_cli_load_config(const char *command, const char *path, cs_config **out);

/* Loads the configuration and opens what `what` asks for. Returns an exit
 * code; on CS_EXIT_OK env holds everything (cs_cli_env_close() it either way). */
int cs_cli_env_open(const char *command, const char *config_path, unsigned what, cs_cli_env *env);
void cs_cli_env_close(cs_cli_env *env);

/* Prints "crmsync CMD: message" for err on stderr and returns the exit code
 * its category calls for (CS_EXIT_USAGE for configuration errors,
 * CS_EXIT_FAILURE otherwise). */
int cs_cli_fail(const char *command, const cs_err *err);

/* Fetches the live schemas (HubSpot contacts, Salesforce Lead and Contact)
 * through env's connectors and checks every mapping against them (R3, C9),
 * printing to f a line per side, each problem (warnings too when verbose)
 * and an OK or error count. Returns CS_EXIT_OK, or CS_EXIT_FAILURE when a
 * side cannot be read or a problem is an error. */
int cs_cli_check_live(cs_cli_env *env, FILE *f, bool verbose);

/* ---- printing ------------------------------------------------------------- */

/* "2026-01-02 03:04:05 UTC", or "-" for 0. */
void cs_cli_format_time(int64_t ms, char out[32]);
/* "3m 20s ago" / "in 12m" relative to now_ms; "-" for 0. */
void cs_cli_format_relative(int64_t ms, int64_t now_ms, char out[32]);
/* s, or "-" when NULL or empty; cut to at most width characters with "…". */
const char *cs_cli_cell(const char *s, size_t width, char *buf, size_t size);

#endif
