/* evacreg export: maps of unassigned households for neighbourhood
 * associations. Subcommands: kml (KML/KMZ). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void
help(void)
{
	puts(
	    "Usage: evacreg export kml DB (--district CODE | --all) --out "
	    "PATH\n"
	    "                          [--kmz] [--mode normal|disaster "
	    "--reason TEXT]\n"
	    "                          [--style FILE.sld]\n"
	    "\n"
	    "Writes maps of the households that still have no supporter, "
	    "for\n"
	    "neighbourhood associations to open in Google Earth, Google My "
	    "Maps or\n"
	    "QGIS.\n"
	    "\n"
	    "kml   One KML document per district: the district boundary "
	    "(holes and\n"
	    "      multipolygons kept); a folder of unassigned households, "
	    "one\n"
	    "      placemark each, named with the household's number in the "
	    "district\n"
	    "      (given at its first export and kept, so the PDF atlas and "
	    "last\n"
	    "      year's printout agree), with its unassigned registrants' "
	    "names,\n"
	    "      kana, ages, needs and phones; shelters in and within 500 m "
	    "of the\n"
	    "      district; and the district's figures. Coordinates are "
	    "WGS84\n"
	    "      lon,lat with 7 decimals.\n"
	    "\n"
	    "Every file written gets one row in the register's audit log "
	    "(time,\n"
	    "OS user, command line, mode, reason, district, registrants and\n"
	    "households written, SHA-256): see 'evacreg audit DB'. Files are "
	    "created\n"
	    "mode 0600 and renamed into place only when complete.\n"
	    "\n"
	    "Options:\n"
	    "  --district CODE  the district to write; --out is the file\n"
	    "  --all            every district with registrants: --out is a "
	    "folder\n"
	    "                   (created 0700) that gets CODE.kml (or .kmz) "
	    "per\n"
	    "                   district and index.kml, which links them and "
	    "shows\n"
	    "                   every district coloured by support rate\n"
	    "  --out PATH       the file (--district) or folder (--all)\n"
	    "  --kmz            write zipped KMZ (doc.kml first, the style's "
	    "icons\n"
	    "                   under files/) instead of KML\n"
	    "  --mode MODE      normal (default): only registrants who "
	    "consented to\n"
	    "                   sharing (opt-in registers: consent yes; "
	    "opt-out: yes\n"
	    "                   or unanswered). A household none of whose "
	    "unassigned\n"
	    "                   members consented is left off; the document "
	    "says how\n"
	    "                   many registrants were left out, never who or "
	    "where.\n"
	    "                   disaster: every active unassigned registrant, "
	    "marked\n"
	    "                   【災害時提供】 (disaster-time provision); "
	    "needs --reason\n"
	    "  --reason TEXT    why a disaster-mode export is made (logged)\n"
	    "  --style FILE     an SLD 1.0/SE 1.1 style (default: "
	    "styles/default.sld);\n"
	    "                   its rules on the layers district, household "
	    "(mobility,\n"
	    "                   number, persons), shelter (kind) and coverage\n"
	    "                   (support_rate, registrants) become KML "
	    "styles\n"
	    "  -h, --help       show this help");
}

static int
export_kml(int argc, char **argv)
{
	enum {
		O_DISTRICT = 256,
		O_ALL,
		O_OUT,
		O_KMZ,
		O_MODE,
		O_REASON,
		O_STYLE
	};
	static const struct option opts[] = {
	    {"district", required_argument, NULL, O_DISTRICT},
	    {"all", no_argument, NULL, O_ALL},
	    {"out", required_argument, NULL, O_OUT},
	    {"kmz", no_argument, NULL, O_KMZ},
	    {"mode", required_argument, NULL, O_MODE},
	    {"reason", required_argument, NULL, O_REASON},
	    {"style", required_argument, NULL, O_STYLE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct er_kml_options o = {.mode = ER_MODE_NORMAL};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case O_DISTRICT:
			o.district = optarg;
			break;
		case O_ALL:
			o.all = 1;
			break;
		case O_OUT:
			o.out = optarg;
			break;
		case O_KMZ:
			o.kmz = 1;
			break;
		case O_MODE:
			if (strcmp(optarg, "normal") == 0)
				o.mode = ER_MODE_NORMAL;
			else if (strcmp(optarg, "disaster") == 0)
				o.mode = ER_MODE_DISASTER;
			else
				return cli_usage("export kml",
				                 "--mode is normal or "
				                 "disaster, not \"%s\"",
				                 optarg);
			break;
		case O_REASON:
			o.reason = optarg;
			break;
		case O_STYLE:
			o.style = optarg;
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return cli_usage("export kml", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage("export kml", "expected one register file");
	/* the library checks --district/--all, --out and --mode/--reason
	 * together and says what is wrong (exit status 2) */
	struct er_error err = {0};
	struct er_register *reg = cli_open(argv[optind], 0);
	if (!reg)
		return EXIT_IO;
	struct er_export_result res;
	enum er_code rc = er_export_kml(reg, &o, &res, &err);
	er_register_close(reg);
	if (rc)
		return cli_fail(&err);
	printf("wrote %ld file%s to %s: %ld households, %ld registrants "
	       "(%s mode)\n",
	       res.files, res.files == 1 ? "" : "s", o.out, res.households,
	       res.registrants,
	       o.mode == ER_MODE_DISASTER ? "disaster" : "normal");
	if (o.mode == ER_MODE_NORMAL && res.withheld)
		printf("%ld unassigned registrants without consent to share "
		       "are not shown\n",
		       res.withheld);
	return EXIT_OK;
}

int
cmd_export(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage("export", "expected a format: kml");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		help();
		return EXIT_OK;
	}
	if (strcmp(argv[1], "kml") == 0)
		return export_kml(argc - 1, argv + 1);
	/* further formats (pdf) are dispatched here */
	return cli_usage("export", "unknown format \"%s\" (kml)", argv[1]);
}
