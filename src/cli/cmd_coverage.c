/* evacreg coverage: support coverage report. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void
help(void)
{
	puts("Usage: evacreg coverage DB [--by district|association|city]\n"
	     "                           [--format table|csv|json]\n"
	     "\n"
	     "Counts active registrants and how many have a supporter.\n"
	     "A registrant's location is its own, else its household's; it "
	     "belongs\n"
	     "to the one district that contains it (the lowest code on a "
	     "shared\n"
	     "edge). Registrants in no district, or with no location, form "
	     "the\n"
	     "row \"(outside)\".\n"
	     "\n"
	     "  registrants            active registrants\n"
	     "  consented              of these, shareable in normal times "
	     "under the\n"
	     "                         register's consent regime\n"
	     "  assigned / unassigned  with / without any supporter\n"
	     "  households             distinct households\n"
	     "  unassigned_households  households with an unassigned member\n"
	     "  support_rate           assigned / registrants x 100, one "
	     "decimal\n"
	     "\n"
	     "--by city adds consent_rate, associations, "
	     "associations_with_agreement,\n"
	     "jishubo_associations, jishubo_organisation_rate and\n"
	     "jishubo_household_coverage (households of associations with a\n"
	     "自主防災組織 / all association households, two decimals).\n"
	     "\n"
	     "Options:\n"
	     "  --by WHAT      district (default), association or city\n"
	     "  --format FMT   table (default, aligned for a terminal), csv "
	     "or json\n"
	     "  -h, --help     show this help");
}

int
cmd_coverage(int argc, char **argv)
{
	static const struct option opts[] = {
		{"by", required_argument, NULL, 'b'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	enum er_coverage_by by = ER_BY_DISTRICT;
	enum er_format fmt = ER_FORMAT_TABLE;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			if (strcmp(optarg, "district") == 0)
				by = ER_BY_DISTRICT;
			else if (strcmp(optarg, "association") == 0)
				by = ER_BY_ASSOCIATION;
			else if (strcmp(optarg, "city") == 0)
				by = ER_BY_CITY;
			else
				return cli_usage("coverage",
						 "--by is district, "
						 "association or city, not "
						 "\"%s\"",
						 optarg);
			break;
		case 'f':
			if (strcmp(optarg, "table") == 0)
				fmt = ER_FORMAT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				fmt = ER_FORMAT_CSV;
			else if (strcmp(optarg, "json") == 0)
				fmt = ER_FORMAT_JSON;
			else
				return cli_usage("coverage",
						 "--format is table, csv or "
						 "json, not \"%s\"",
						 optarg);
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return cli_usage("coverage", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage("coverage", "expected one register file");
	struct er_register *reg = cli_open(argv[optind], ER_OPEN_READONLY);
	if (!reg)
		return EXIT_IO;
	struct er_error err = {0};
	struct er_coverage *cov = er_coverage_compute(reg, by, &err);
	int status = EXIT_OK;
	if (!cov || er_coverage_write(cov, fmt, stdout, &err) != ER_OK)
		status = cli_fail(&err);
	er_coverage_destroy(cov);
	er_register_close(reg);
	return status;
}
