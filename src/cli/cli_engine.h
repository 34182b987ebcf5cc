/* What the commands that run the engine (sync, plan, run, demo) share: the
 * engine built from an opened configuration, the progress line, and a clean
 * stop on SIGINT/SIGTERM (the handler only raises a flag the engine checks
 * between pages and batches; a second signal ends the process at once). */
#ifndef CS_CLI_CLI_ENGINE_H
#define CS_CLI_CLI_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli_common.h"
#include "engine/sync.h"

/* Installs the SIGINT/SIGTERM handler and unblocks both signals in the calling
 * thread (threads started before, with cs_cli_block_signals() in force, keep
 * them blocked). Returns the flag the handler raises. Process-wide: call once,
 * from the command's thread. */
const volatile sig_atomic_t *cs_cli_stop_on_signals(void);

/* The progress line: on a terminal one line rewritten in place, otherwise a
 * line per phase at most every few seconds. Written to f. */
typedef struct cs_cli_progress {
    FILE *f;
    bool tty;
    bool quiet;
    bool dirty; /* a line without its newline is on the terminal */
    int64_t last_ms;
    int last_phase;
} cs_cli_progress;

void cs_cli_progress_init(cs_cli_progress *p, FILE *f, bool quiet);
/* A cs_sync_progress_fn; ud is the cs_cli_progress. */
void cs_cli_progress_cb(const cs_sync_progress *pr, void *ud);
/* Ends the line on a terminal. */
void cs_cli_progress_end(cs_cli_progress *p);

/* Creates the engine over env (store and connectors open). backfill names HS
 * properties of existing mappings (checked here: an unknown one prints an
 * error and returns CS_EXIT_USAGE); a backfill reads every record (R1).
 * Returns an exit code; *out set on CS_EXIT_OK. */
int cs_cli_sync_new(const char *command, cs_cli_env *env, const char *const *backfill,
                    size_t nbackfill, bool full, const volatile sig_atomic_t *stop,
                    cs_cli_progress *progress, cs_sync **out);

/* Prints the summary of a pass (the report table; when records failed, how
 * many did not sync and who raised their errors, read from store, which may
 * be NULL, and a pointer to `crmsync errors`) to f, the failure to stderr,
 * and returns the exit code it calls for: 0 completed (record errors
 * included), 1 failed, paused (R6) or interrupted. */
int cs_cli_sync_summary(const char *command, const cs_sync_report *rep, int rc, const cs_err *err,
                        cs_store *store, FILE *f);

#endif
