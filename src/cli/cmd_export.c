/* evacreg export: maps of unassigned households for neighbourhood
 * associations. Subcommands: kml (KML/KMZ), pdf (printed atlas). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static int
parse_mode(const char *cmd, const char *arg, enum er_mode *mode)
{
	if (strcmp(arg, "normal") == 0)
		*mode = ER_MODE_NORMAL;
	else if (strcmp(arg, "disaster") == 0)
		*mode = ER_MODE_DISASTER;
	else
		return cli_usage(cmd, "--mode is normal or disaster, not \"%s\"",
				 arg) != 0;
	return 0;
}

static void
print_result(const struct er_export_result *res, const char *where,
	     enum er_mode mode)
{
	printf("wrote %ld file%s to %s: %ld households, %ld registrants "
	       "(%s mode)\n",
	       res->files, res->files == 1 ? "" : "s", where, res->households,
	       res->registrants,
	       mode == ER_MODE_DISASTER ? "disaster" : "normal");
	if (mode == ER_MODE_NORMAL && res->withheld)
		printf("%ld unassigned registrants without consent to share "
		       "are not shown\n",
		       res->withheld);
}

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
	    "SOURCE_DATE_EPOCH, when set, is the export time written in the "
	    "files.\n"
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
			if (parse_mode("export kml", optarg, &o.mode))
				return EXIT_USAGE;
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
	print_result(&res, o.out, o.mode);
	return EXIT_OK;
}

static void
help_pdf(void)
{
	puts(
	    "Usage: evacreg export pdf DB (--district CODE | --all) --out "
	    "FILE\n"
	    "                          [--by-association DIR] [--paper A4|A3]\n"
	    "                          [--orientation "
	    "portrait|landscape|auto]\n"
	    "                          [--mode normal|disaster --reason TEXT]\n"
	    "                          [--style FILE.sld] [--title TEXT]\n"
	    "                          [--format pdf|png|svg] [--dpi N]\n"
	    "                          [--maps-only]\n"
	    "\n"
	    "Writes the printed atlas that association leaders walk their\n"
	    "district with. Per district: a map page in the register's\n"
	    "projected CRS (the district highlighted, neighbours faint with\n"
	    "their names, hazard zones, shelters, base-map layers imported\n"
	    "with 'evacreg import basemap', and a numbered marker for each\n"
	    "unassigned household, labels moved and given leader lines so\n"
	    "none overlap), with a legend from the style, scale bar, north\n"
	    "arrow, CRS, data date and the district's figures; then list\n"
	    "pages of the numbered households: number, address, names and\n"
	    "kana of the unassigned registrants, age, needs, mobility and\n"
	    "phone. Numbers are the KML export's. Every page's footer says\n"
	    "取扱注意／個人情報, the recipient association, the mode, the\n"
	    "export time and page x/y. Fonts (Noto Sans CJK JP) are embedded.\n"
	    "\n"
	    "Every file written gets one row in the audit log with its\n"
	    "SHA-256; files are created mode 0600 and renamed into place only\n"
	    "when complete. SOURCE_DATE_EPOCH, when set, is the export time.\n"
	    "\n"
	    "Options:\n"
	    "  --district CODE      one district\n"
	    "  --all                every district with registrants, in code\n"
	    "                       order, after a cover page with the city\n"
	    "                       coloured by support rate and a table of\n"
	    "                       contents\n"
	    "  --out FILE           the PDF (with --format png/svg: the base\n"
	    "                       name; pages go to FILE-1.png, "
	    "FILE-2.png...)\n"
	    "  --by-association DIR with --all: one file per association,\n"
	    "                       DIR/<association code>.pdf, holding its\n"
	    "                       districts, ready to hand over (districts\n"
	    "                       without one: no-association.pdf); DIR is\n"
	    "                       created 0700; --out is not needed\n"
	    "  --paper A4|A3        paper size (default A4)\n"
	    "  --orientation O      portrait, landscape or auto (default: "
	    "each\n"
	    "                       map page the way its district fits best;\n"
	    "                       lists portrait)\n"
	    "  --mode MODE          normal (default): only registrants who\n"
	    "                       consented to sharing, as in the KML\n"
	    "                       export; the map page says how many were\n"
	    "                       left out. disaster: every active\n"
	    "                       unassigned registrant; needs --reason\n"
	    "  --reason TEXT        why a disaster-mode export is made "
	    "(logged\n"
	    "                       and printed in every footer)\n"
	    "  --style FILE         an SLD 1.0/SE 1.1 style (default:\n"
	    "                       styles/default.sld): layers district,\n"
	    "                       neighbour, household (rules on mobility),\n"
	    "                       shelter (kind), hazard_zone (kind),\n"
	    "                       coverage (support_rate) and base-map "
	    "layers\n"
	    "                       by name; rule titles make the legend\n"
	    "  --title TEXT         the atlas title (default: "
	    "避難行動要支援者\n"
	    "                       未支援世帯地図)\n"
	    "  --format F           pdf (default), png or svg (one file per\n"
	    "                       page, drawn by the same code)\n"
	    "  --dpi N              PNG resolution (default 150)\n"
	    "  --maps-only          map pages only, no list pages (with --all\n"
	    "                       the cover and contents stay): for drill\n"
	    "                       planners, and to compare with GIS tools\n"
	    "  -h, --help           show this help");
}

static int
export_pdf(int argc, char **argv)
{
	enum {
		O_DISTRICT = 256,
		O_ALL,
		O_OUT,
		O_BYASSOC,
		O_PAPER,
		O_ORIENT,
		O_MODE,
		O_REASON,
		O_STYLE,
		O_TITLE,
		O_FORMAT,
		O_DPI,
		O_MAPS_ONLY,
	};
	static const struct option opts[] = {
	    {"district", required_argument, NULL, O_DISTRICT},
	    {"all", no_argument, NULL, O_ALL},
	    {"out", required_argument, NULL, O_OUT},
	    {"by-association", required_argument, NULL, O_BYASSOC},
	    {"paper", required_argument, NULL, O_PAPER},
	    {"orientation", required_argument, NULL, O_ORIENT},
	    {"mode", required_argument, NULL, O_MODE},
	    {"reason", required_argument, NULL, O_REASON},
	    {"style", required_argument, NULL, O_STYLE},
	    {"title", required_argument, NULL, O_TITLE},
	    {"format", required_argument, NULL, O_FORMAT},
	    {"dpi", required_argument, NULL, O_DPI},
	    {"maps-only", no_argument, NULL, O_MAPS_ONLY},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct er_atlas_options o = {.mode = ER_MODE_NORMAL};
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
		case O_BYASSOC:
			o.by_association_dir = optarg;
			break;
		case O_PAPER:
			if (strcasecmp(optarg, "A4") == 0)
				o.paper = ER_PAPER_A4;
			else if (strcasecmp(optarg, "A3") == 0)
				o.paper = ER_PAPER_A3;
			else
				return cli_usage("export pdf",
						 "--paper is A4 or A3, not "
						 "\"%s\"",
						 optarg);
			break;
		case O_ORIENT:
			if (strcmp(optarg, "auto") == 0)
				o.orientation = ER_ORIENT_AUTO;
			else if (strcmp(optarg, "portrait") == 0)
				o.orientation = ER_ORIENT_PORTRAIT;
			else if (strcmp(optarg, "landscape") == 0)
				o.orientation = ER_ORIENT_LANDSCAPE;
			else
				return cli_usage("export pdf",
						 "--orientation is portrait, "
						 "landscape or auto, not "
						 "\"%s\"",
						 optarg);
			break;
		case O_MODE:
			if (parse_mode("export pdf", optarg, &o.mode))
				return EXIT_USAGE;
			break;
		case O_REASON:
			o.reason = optarg;
			break;
		case O_STYLE:
			o.style = optarg;
			break;
		case O_TITLE:
			o.title = optarg;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "pdf") == 0)
				o.format = ER_PAGES_PDF;
			else if (strcmp(optarg, "png") == 0)
				o.format = ER_PAGES_PNG;
			else if (strcmp(optarg, "svg") == 0)
				o.format = ER_PAGES_SVG;
			else
				return cli_usage("export pdf",
						 "--format is pdf, png or svg, "
						 "not \"%s\"",
						 optarg);
			break;
		case O_DPI:
			if (cli_double("export pdf", "--dpi", optarg,
				       &o.png_dpi))
				return EXIT_USAGE;
			if (o.png_dpi < 1 || o.png_dpi > 1200)
				return cli_usage("export pdf",
						 "--dpi is 1 to 1200, not "
						 "\"%s\"",
						 optarg);
			break;
		case O_MAPS_ONLY:
			o.maps_only = 1;
			break;
		case 'h':
			help_pdf();
			return EXIT_OK;
		default:
			return cli_usage("export pdf", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage("export pdf", "expected one register file");
	struct er_error err = {0};
	struct er_register *reg = cli_open(argv[optind], 0);
	if (!reg)
		return EXIT_IO;
	struct er_export_result res;
	enum er_code rc = er_export_atlas(reg, &o, &res, &err);
	er_register_close(reg);
	if (rc)
		return cli_fail(&err);
	print_result(&res, o.by_association_dir ? o.by_association_dir : o.out,
		     o.mode);
	return EXIT_OK;
}

int
cmd_export(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage("export", "expected a format: kml or pdf");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		help();
		putchar('\n');
		help_pdf();
		return EXIT_OK;
	}
	if (strcmp(argv[1], "kml") == 0)
		return export_kml(argc - 1, argv + 1);
	if (strcmp(argv[1], "pdf") == 0)
		return export_pdf(argc - 1, argv + 1);
	return cli_usage("export", "unknown format \"%s\" (kml or pdf)",
			 argv[1]);
}
