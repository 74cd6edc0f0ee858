/* evacreg synth: generate a synthetic register as CSV files. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static void
help(void)
{
	puts("Usage: evacreg synth DB --out DIR [OPTIONS]\n"
	     "\n"
	     "Writes a synthetic (fictional) register placed inside the "
	     "districts\n"
	     "of DB, weighted by their census population: associations.csv,\n"
	     "registrants.csv, supporters.csv and assignments.csv, ready for\n"
	     "'evacreg import'. Names, addresses and needs look real but are\n"
	     "random; the same seed gives the same files.\n"
	     "\n"
	     "Options:\n"
	     "  --out DIR            folder for the CSV files (created)\n"
	     "  --registrants N      1 to 10000000 (default 5000)\n"
	     "  --supporters N       default: registrants / 2\n"
	     "  --seed S             random seed (default 1)\n"
	     "  --assigned-share X   mean share of registrants with a "
	     "supporter\n"
	     "                       (default 0.7; varies by association)\n"
	     "  --consent-yes X      share who consented (default 0.6)\n"
	     "  --consent-no X       share who refused (default 0.1)\n"
	     "  -h, --help           show this help");
}

int
cmd_synth(int argc, char **argv)
{
	enum { O_OUT = 256, O_N, O_SUP, O_SEED, O_ASG, O_YES, O_NO };
	static const struct option opts[] = {
		{"out", required_argument, NULL, O_OUT},
		{"registrants", required_argument, NULL, O_N},
		{"supporters", required_argument, NULL, O_SUP},
		{"seed", required_argument, NULL, O_SEED},
		{"assigned-share", required_argument, NULL, O_ASG},
		{"consent-yes", required_argument, NULL, O_YES},
		{"consent-no", required_argument, NULL, O_NO},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct er_synth_options o = {
		.seed = 1,
		.registrants = 5000,
		.assigned_share = 0.7,
		.consent_yes = 0.6,
		.consent_no = 0.1,
	};
	int ch;
	long n;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case O_OUT:
			o.outdir = optarg;
			break;
		case O_N:
			if (cli_long("synth", "--registrants", optarg,
				     &o.registrants))
				return EXIT_USAGE;
			break;
		case O_SUP:
			if (cli_long("synth", "--supporters", optarg,
				     &o.supporters))
				return EXIT_USAGE;
			break;
		case O_SEED:
			if (cli_long("synth", "--seed", optarg, &n))
				return EXIT_USAGE;
			o.seed = (unsigned long)n;
			break;
		case O_ASG:
			if (cli_double("synth", "--assigned-share", optarg,
				       &o.assigned_share))
				return EXIT_USAGE;
			break;
		case O_YES:
			if (cli_double("synth", "--consent-yes", optarg,
				       &o.consent_yes))
				return EXIT_USAGE;
			break;
		case O_NO:
			if (cli_double("synth", "--consent-no", optarg,
				       &o.consent_no))
				return EXIT_USAGE;
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return cli_usage("synth", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage("synth", "expected one register file");
	if (!o.outdir)
		return cli_usage("synth", "--out DIR is required");
	struct er_register *reg = cli_open(argv[optind], ER_OPEN_READONLY);
	if (!reg)
		return EXIT_IO;
	struct er_error err = {0};
	enum er_code rc = er_synth(reg, &o, &err);
	er_register_close(reg);
	if (rc)
		return cli_fail(&err);
	printf("wrote %ld synthetic registrants to %s\n", o.registrants,
	       o.outdir);
	return EXIT_OK;
}
