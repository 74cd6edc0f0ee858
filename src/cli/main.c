/* evacreg: command-line entry point — global options and dispatch. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cli.h"

static void
usage(FILE *out)
{
	int n;
	const struct command *c = cli_commands(&n);
	fputs("Usage: evacreg COMMAND [OPTIONS] [ARGS]\n"
	      "\n"
	      "evacreg keeps a city's register of residents who need help to\n"
	      "evacuate (避難行動要支援者名簿), the neighbourhood associations\n"
	      "and supporters who help them, and reports coverage.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (int i = 0; i < n; i++)
		fprintf(out, "  %-10s %s\n", c[i].name, c[i].summary);
	fputs("\n"
	      "Options:\n"
	      "  -h, --help     show this help; 'evacreg COMMAND --help' for a "
	      "command\n"
	      "  -V, --version  print the version\n"
	      "\n"
	      "Exit status: 0 success, 1 invalid input data, 2 usage error,\n"
	      "3 I/O or database error.\n",
	      out);
}

int
cmd_help(int argc, char **argv)
{
	if (argc > 1) {
		const struct command *c = cli_find_command(argv[1]);
		if (!c)
			return cli_usage("help", "unknown command \"%s\"",
					 argv[1]);
		char *args[] = {argv[1], "--help", NULL};
		return c->run(2, args);
	}
	usage(stdout);
	return EXIT_OK;
}

int
cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("evacreg %s\n", er_version());
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	cli_set_argv(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0)
		return cmd_version(0, NULL);
	const struct command *c = cli_find_command(name);
	if (!c) {
		fprintf(stderr,
			"evacreg: unknown command \"%s\"\n"
			"Try 'evacreg --help'.\n",
			name);
		return EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}
