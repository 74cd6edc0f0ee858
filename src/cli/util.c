/* Helpers shared by the subcommands: errors, exit codes, options. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "cli.h"

static char cmdline[8192];

int
cli_exit_code(enum er_code code)
{
	switch (code) {
	case ER_OK:
		return EXIT_OK;
	case ER_EPARSE:
	case ER_EINVALID:
	case ER_ECRS:
		return EXIT_DATA;
	case ER_EUSAGE:
		return EXIT_USAGE;
	default:
		return EXIT_IO;
	}
}

int
cli_fail(const struct er_error *err)
{
	if (err->where[0])
		fprintf(stderr, "evacreg: %s: %s\n", err->where, err->message);
	else
		fprintf(stderr, "evacreg: %s\n", err->message);
	return cli_exit_code(err->code);
}

int
cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "evacreg %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'evacreg %s --help'.\n", cmd);
	return EXIT_USAGE;
}

void
cli_log(enum er_severity sev, const char *where, const char *message,
	void *ud)
{
	(void)ud;
	if (sev == ER_SEV_WARNING)
		fprintf(stderr, "%s: warning: %s\n", where, message);
	else
		fprintf(stderr, "%s: %s\n", where, message);
}

void
cli_set_argv(int argc, char **argv)
{
	size_t n = 0;
	cmdline[0] = '\0';
	for (int i = 0; i < argc && n < sizeof cmdline; i++) {
		const char *a = argv[i];
		int quote = a[0] == '\0' || strpbrk(a, " \t\"'\\$") != NULL;
		n += (size_t)snprintf(cmdline + n, sizeof cmdline - n,
				      quote ? "%s'%s'" : "%s%s", i ? " " : "",
				      a);
	}
}

const char *
cli_command_line(void)
{
	return cmdline;
}

struct er_register *
cli_open(const char *path, unsigned flags)
{
	struct er_error err = {0};
	struct er_register *reg = er_register_open(path, flags, &err);
	if (!reg) {
		cli_fail(&err);
		return NULL;
	}
	er_register_set_log(reg, cli_log, NULL);
	if (er_register_set_command(reg, cli_command_line(), &err) != ER_OK) {
		cli_fail(&err);
		er_register_close(reg);
		return NULL;
	}
	return reg;
}

int
cli_double(const char *cmd, const char *opt, const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v)) {
		cli_usage(cmd, "%s needs a number, not \"%s\"", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

int
cli_long(const char *cmd, const char *opt, const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end) {
		cli_usage(cmd, "%s needs a whole number, not \"%s\"", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int
is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

const char *
cli_datadir(void)
{
	static char buf[4096];
	const char *env = getenv("EVACREG_DATADIR");
	if (env && is_dir(env))
		return env;
	snprintf(buf, sizeof buf, "%s/data", ER_SOURCE_DATADIR);
	if (is_dir(buf))
		return buf;
	snprintf(buf, sizeof buf, "%s/data", ER_INSTALL_DATADIR);
	if (is_dir(buf))
		return buf;
	return NULL;
}
