/* Shared by the evacreg subcommands: the command table and helpers. */
#ifndef ER_SRC_CLI_CLI_H
#define ER_SRC_CLI_CLI_H

#include <evacreg/evacreg.h>

/* Exit statuses (documented in evacreg --help and doc/evacreg.1). */
enum {
	EXIT_OK = 0,
	EXIT_DATA = 1,  /* bad input data */
	EXIT_USAGE = 2, /* bad command line */
	EXIT_IO = 3,    /* I/O or database failure */
};

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

const struct command *cli_find_command(const char *name);
const struct command *cli_commands(int *n);

/* Prints "evacreg: where: message" and returns the exit status. */
int cli_fail(const struct er_error *err);
/* Prints a usage error and a hint to run --help; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_exit_code(enum er_code code);
/* The log callback: "where: message" or "where: warning: message". */
void cli_log(enum er_severity sev, const char *where, const char *message,
	     void *ud);
/* Opens a register with the log and command line set; NULL after
 * printing the error. */
struct er_register *cli_open(const char *path, unsigned flags);
/* The whole command line, for audit_log. */
void cli_set_argv(int argc, char **argv);
const char *cli_command_line(void);
/* Parses a double/long option value; prints and returns -1 on error. */
int cli_double(const char *cmd, const char *opt, const char *s, double *out);
int cli_long(const char *cmd, const char *opt, const char *s, long *out);
/* Finds the folder with evacreg's shipped data; NULL if none. */
const char *cli_datadir(void);

int cmd_audit(int argc, char **argv);
int cmd_coverage(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
