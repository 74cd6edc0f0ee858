/* evacreg init: create a new register file. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void
help(void)
{
	puts("Usage: evacreg init DB [--crs CRS] [--consent-regime opt-in|opt-out]\n"
	     "\n"
	     "Creates a new register (a SpatiaLite file, readable by its owner\n"
	     "only). Refuses to overwrite an existing file.\n"
	     "\n"
	     "Options:\n"
	     "  --crs CRS        projected CRS for distances and printed maps,\n"
	     "                   e.g. EPSG:6680 (JGD2011 zone XII). Without it,\n"
	     "                   evacreg picks the JGD2011 plane rectangular "
	     "zone\n"
	     "                   (EPSG:6669-6687) that fits the first imported\n"
	     "                   districts.\n"
	     "  --consent-regime opt-in (default): only residents who consented\n"
	     "                   may be shared in normal times; opt-out: also\n"
	     "                   those who did not answer (presumed consent,\n"
	     "                   refusal honoured).\n"
	     "  -h, --help       show this help");
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"crs", required_argument, NULL, 'c'},
		{"consent-regime", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct er_init_options o = {0};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o.crs = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "opt-in") == 0)
				o.regime = ER_CONSENT_OPT_IN;
			else if (strcmp(optarg, "opt-out") == 0)
				o.regime = ER_CONSENT_OPT_OUT;
			else
				return cli_usage("init",
						 "--consent-regime is opt-in "
						 "or opt-out, not \"%s\"",
						 optarg);
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return cli_usage("init", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage("init", "expected one register file");
	struct er_error err = {0};
	if (er_register_init(argv[optind], &o, &err) != ER_OK)
		return cli_fail(&err);
	printf("created %s (%s consent", argv[optind],
	       o.regime == ER_CONSENT_OPT_OUT ? "opt-out" : "opt-in");
	if (o.crs)
		printf(", CRS %s", o.crs);
	puts(")");
	return EXIT_OK;
}
