/* evacreg audit: list audit_log rows. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void
help(void)
{
	puts("Usage: evacreg audit DB [--format table|csv]\n"
	     "\n"
	     "Lists every import and export recorded in the register: time "
	     "(UTC),\n"
	     "OS user, action, file and its SHA-256, mode, reason, district,\n"
	     "registrants and households written, and the command line.\n"
	     "\n"
	     "Options:\n"
	     "  --format FMT  table (default) or csv\n"
	     "  -h, --help    show this help");
}

static const char *
s(const char *x)
{
	return x ? x : "";
}

static void
csv(const char *x)
{
	x = s(x);
	if (strpbrk(x, ",\"\n\r")) {
		putchar('"');
		for (; *x; x++) {
			if (*x == '"')
				putchar('"');
			putchar(*x);
		}
		putchar('"');
	} else {
		fputs(x, stdout);
	}
}

static enum er_code
row_csv(const struct er_audit_entry *e, void *ud, struct er_error *err)
{
	(void)ud;
	(void)err;
	printf("%ld,", e->id);
	const char *f[] = {e->at,     e->os_user, e->action,
			   e->file,   e->file_sha256, e->mode,
			   e->reason, e->district_code};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		csv(f[i]);
		putchar(',');
	}
	if (e->registrants >= 0)
		printf("%ld", e->registrants);
	putchar(',');
	if (e->households >= 0)
		printf("%ld", e->households);
	putchar(',');
	csv(e->command);
	putchar(',');
	csv(e->detail);
	putchar('\n');
	return ER_OK;
}

static enum er_code
row_table(const struct er_audit_entry *e, void *ud, struct er_error *err)
{
	(void)ud;
	(void)err;
	printf("#%ld %s %s %s %s\n", e->id, s(e->at), s(e->os_user),
	       s(e->action), s(e->file));
	if (e->mode || e->reason || e->district_code)
		printf("    mode %s%s%s%s%s\n", e->mode ? e->mode : "-",
		       e->reason ? ", reason: " : "", s(e->reason),
		       e->district_code ? ", district " : "",
		       s(e->district_code));
	if (e->registrants >= 0 || e->households >= 0)
		printf("    %ld registrants, %ld households\n", e->registrants,
		       e->households);
	if (e->file_sha256)
		printf("    sha256 %s\n", e->file_sha256);
	if (e->detail)
		printf("    %s\n", e->detail);
	printf("    $ %s\n", s(e->command));
	return ER_OK;
}

int
cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int use_csv = 0, ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				use_csv = 1;
			else if (strcmp(optarg, "table") != 0)
				return cli_usage("audit",
						 "--format is table or csv");
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return cli_usage("audit", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage("audit", "expected one register file");
	struct er_register *reg = cli_open(argv[optind], ER_OPEN_READONLY);
	if (!reg)
		return EXIT_IO;
	if (use_csv)
		puts("id,at,os_user,action,file,file_sha256,mode,reason,"
		     "district_code,registrants,households,command,detail");
	struct er_error err = {0};
	enum er_code rc = er_register_audit_list(
		reg, use_csv ? row_csv : row_table, NULL, &err);
	er_register_close(reg);
	return rc ? cli_fail(&err) : EXIT_OK;
}
