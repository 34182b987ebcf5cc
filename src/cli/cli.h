/* Command-line front end: one function per command, each parsing its own
 * options and returning the process exit code. Only cli/ prints errors and
 * decides exit codes. */
#ifndef CS_CLI_CLI_H
#define CS_CLI_CLI_H

typedef struct cs_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} cs_command;

/* The table of commands, terminated by an entry with a NULL name. */
const cs_command *cs_cli_commands(void);

/* Runs the whole CLI (what main() calls). */
int cs_cli_main(int argc, char **argv);

int cs_cmd_init(int argc, char **argv);
int cs_cmd_check(int argc, char **argv);
int cs_cmd_plan(int argc, char **argv);
int cs_cmd_sync(int argc, char **argv);
int cs_cmd_run(int argc, char **argv);
int cs_cmd_status(int argc, char **argv);
int cs_cmd_errors(int argc, char **argv);
int cs_cmd_journal(int argc, char **argv);
int cs_cmd_verify(int argc, char **argv);
int cs_cmd_sandbox(int argc, char **argv);
int cs_cmd_demo(int argc, char **argv);

/* Blocks SIGINT/SIGTERM in the calling thread (call before starting any
 * thread, so that servers' threads never receive them), and later waits for
 * one. Returns the signal number. */
void cs_cli_block_signals(void);
int cs_cli_wait_signal(void);

/* Parses a non-negative int option value; prints an error naming the option
 * and returns -1 when it is not one. */
int cs_cli_parse_int(const char *option, const char *value, long min, long max, long *out);

#endif
