/* evacreg import: load a CSV, GeoJSON, KML or GML file into a register. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <evacreg/export.h>
#include "cli.h"

static void
help(void)
{
	puts("Usage: evacreg import KIND DB FILE [OPTIONS]\n"
	     "\n"
	     "KIND is one of:\n"
	     "  associations  CSV: code(町内会コード), name(町内会名),\n"
	     "                agreement_signed_on(協定締結日; empty = none),\n"
	     "                has_jishubo(自主防災組織: 1/0/有/無), "
	     "households(世帯数),\n"
	     "                districts(担当地区: district codes separated "
	     "by ;)\n"
	     "  districts     GeoJSON, KML or GML polygons (holes kept)\n"
	     "  registrants   CSV: id(宛名番号), household_id(世帯番号), "
	     "name(氏名),\n"
	     "                kana(フリガナ), birth_date(生年月日: ISO, "
	     "YYYY/MM/DD or\n"
	     "                wareki such as 昭和15年3月1日 or S15.3.1), "
	     "sex(性別),\n"
	     "                address(住所), phone(電話番号), "
	     "reasons(要支援事由),\n"
	     "                consent(同意), lat(緯度), lon(経度), "
	     "status(状態),\n"
	     "                mobility(移動手段)\n"
	     "  supporters    CSV: id(支援者番号), name(氏名), phone,\n"
	     "                association(町内会コード), lat, lon,\n"
	     "                capacity(支援可能人数, default 1)\n"
	     "  assignments   CSV: registrant_id(宛名番号), "
	     "supporter_id(支援者番号),\n"
	     "                role(primary/secondary, 主/副)\n"
	     "  shelters      CSV (id, name, kind, lat, lon, capacity, "
	     "address) or\n"
	     "                GeoJSON/KML/GML points (GSI 避難所 files "
	     "included)\n"
	     "  basemap       lines and polygons for printed maps, into the "
	     "layer\n"
	     "                named by --layer (replacing it): GeoJSON, or\n"
	     "                OpenStreetMap XML (.osm), where --layer picks "
	     "roads\n"
	     "                (highway=*), buildings (building=*), water\n"
	     "                (natural=water, landuse=reservoir) or rivers\n"
	     "                (waterway=river/stream); closed ways become\n"
	     "                polygons. Features beyond the districts are "
	     "skipped;\n"
	     "                the map style (SLD) decides how a layer is "
	     "drawn.\n"
	     "\n"
	     "Headers may be English or Japanese; CSV may be UTF-8 (with or\n"
	     "without BOM) or CP932. A column 個人番号/マイナンバー is "
	     "refused.\n"
	     "Imports are all-or-nothing: on any invalid row nothing is "
	     "written\n"
	     "and every error is listed as FILE:LINE: column NAME: message.\n"
	     "\n"
	     "Options:\n"
	     "  --dry-run              validate only; write nothing\n"
	     "  --skip-invalid         import the valid rows; write the others "
	     "with\n"
	     "                         a reason to FILE.rejects.csv\n"
	     "  --rejects PATH         where --skip-invalid writes rejects\n"
	     "  --replace              (registrants, assignments) the file is "
	     "the\n"
	     "                         whole set: registrants missing from it "
	     "are\n"
	     "                         marked removed (kept for history);\n"
	     "                         assignments missing from it are "
	     "deleted\n"
	     "  --encoding ENC         auto (default), utf-8 or cp932\n"
	     "  --max-errors N         errors listed before stopping "
	     "(default 20)\n"
	     "  --code-field F         districts/shelters: property holding "
	     "the code\n"
	     "                         (default: code, KEY_CODE, ...)\n"
	     "  --name-field F         districts/shelters: property holding "
	     "the name\n"
	     "                         (default: name, S_NAME, ...)\n"
	     "  --association-field F  districts: property holding the "
	     "association\n"
	     "                         code\n"
	     "  --population-field F   districts: population (default "
	     "JINKO, ...)\n"
	     "  --households-field F   districts: households (default "
	     "SETAI, ...)\n"
	     "  --kind K               shelters: kind for every row, e.g.\n"
	     "                         designated or emergency\n"
	     "  --layer NAME           basemap: the layer to fill (roads, "
	     "buildings,\n"
	     "                         water, rivers or a name of your own)\n"
	     "  -h, --help             show this help");
}

static int
import_basemap(const char *db, const char *path, const char *layer)
{
	if (!layer)
		return cli_usage("import",
				 "basemap needs --layer NAME (roads, "
				 "buildings, water, rivers, ...)");
	struct er_register *reg = cli_open(db, 0);
	if (!reg)
		return EXIT_IO;
	struct er_import_result res;
	struct er_error err = {0};
	enum er_code rc = er_basemap_import(reg, path, layer, &res, &err);
	er_register_close(reg);
	if (rc != ER_OK)
		return cli_fail(&err);
	printf("%s: layer %s: %ld read, %ld added, %ld skipped (not a line or "
	       "polygon, or outside the districts)\n",
	       path, layer, res.read, res.added, res.rejected);
	return EXIT_OK;
}

int
cmd_import(int argc, char **argv)
{
	enum {
		O_DRY = 256,
		O_SKIP,
		O_REJ,
		O_REPL,
		O_ENC,
		O_MAX,
		O_CODE,
		O_NAME,
		O_ASSOC,
		O_POP,
		O_HH,
		O_KIND,
		O_LAYER,
	};
	static const struct option opts[] = {
		{"dry-run", no_argument, NULL, O_DRY},
		{"skip-invalid", no_argument, NULL, O_SKIP},
		{"rejects", required_argument, NULL, O_REJ},
		{"replace", no_argument, NULL, O_REPL},
		{"encoding", required_argument, NULL, O_ENC},
		{"max-errors", required_argument, NULL, O_MAX},
		{"code-field", required_argument, NULL, O_CODE},
		{"name-field", required_argument, NULL, O_NAME},
		{"association-field", required_argument, NULL, O_ASSOC},
		{"population-field", required_argument, NULL, O_POP},
		{"households-field", required_argument, NULL, O_HH},
		{"kind", required_argument, NULL, O_KIND},
		{"layer", required_argument, NULL, O_LAYER},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct er_import_options o = {0};
	const char *layer = NULL;
	int ch;
	long n;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case O_DRY:
			o.flags |= ER_IMPORT_DRY_RUN;
			break;
		case O_SKIP:
			o.flags |= ER_IMPORT_SKIP_INVALID;
			break;
		case O_REJ:
			o.rejects_path = optarg;
			break;
		case O_REPL:
			o.flags |= ER_IMPORT_REPLACE;
			break;
		case O_ENC:
			if (strcasecmp(optarg, "auto") == 0)
				o.encoding = ER_INPUT_AUTO;
			else if (strcasecmp(optarg, "utf-8") == 0 ||
				 strcasecmp(optarg, "utf8") == 0)
				o.encoding = ER_INPUT_UTF8;
			else if (strcasecmp(optarg, "cp932") == 0 ||
				 strcasecmp(optarg, "shift_jis") == 0 ||
				 strcasecmp(optarg, "sjis") == 0 ||
				 strcasecmp(optarg, "windows-31j") == 0)
				o.encoding = ER_INPUT_CP932;
			else
				return cli_usage("import",
						 "--encoding is auto, utf-8 or "
						 "cp932, not \"%s\"",
						 optarg);
			break;
		case O_MAX:
			if (cli_long("import", "--max-errors", optarg, &n) ||
			    n < 1)
				return EXIT_USAGE;
			o.max_errors = (unsigned)n;
			break;
		case O_CODE:
			o.code_field = optarg;
			break;
		case O_NAME:
			o.name_field = optarg;
			break;
		case O_ASSOC:
			o.association_field = optarg;
			break;
		case O_POP:
			o.population_field = optarg;
			break;
		case O_HH:
			o.households_field = optarg;
			break;
		case O_KIND:
			o.shelter_kind = optarg;
			break;
		case O_LAYER:
			layer = optarg;
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return cli_usage("import", "bad option");
		}
	}
	if (argc - optind != 3)
		return cli_usage("import", "expected KIND DB FILE");
	if (strcmp(argv[optind], "basemap") == 0 &&
	    (o.flags || o.rejects_path || o.encoding || o.max_errors ||
	     o.code_field || o.name_field || o.association_field ||
	     o.population_field || o.households_field || o.shelter_kind))
		return cli_usage("import", "basemap takes --layer only");
	if (strcmp(argv[optind], "basemap") == 0)
		return import_basemap(argv[optind + 1], argv[optind + 2],
				      layer);
	if (layer)
		return cli_usage("import", "--layer is for basemap imports");
	o.kind = er_import_kind_parse(argv[optind]);
	if (!o.kind)
		return cli_usage("import",
				 "unknown kind \"%s\" (associations, "
				 "districts, registrants, supporters, "
				 "assignments, shelters or basemap)",
				 argv[optind]);
	o.path = argv[optind + 2];
	struct er_register *reg = cli_open(argv[optind + 1], 0);
	if (!reg)
		return EXIT_IO;
	struct er_import_result res;
	struct er_error err = {0};
	enum er_code rc = er_register_import(reg, &o, &res, &err);
	er_register_close(reg);
	if (rc != ER_OK)
		return cli_fail(&err);
	printf("%s%s%s%s: %ld read, %ld added, %ld updated, %ld unchanged, "
	       "%ld removed, %ld rejected",
	       o.path, res.encoding[0] ? " (" : "", res.encoding,
	       res.encoding[0] ? ")" : "", res.read, res.added, res.updated,
	       res.unchanged, res.removed, res.rejected);
	if (res.warnings)
		printf(", %ld warning%s", res.warnings,
		       res.warnings == 1 ? "" : "s");
	putchar('\n');
	if (o.flags & ER_IMPORT_DRY_RUN)
		puts("dry run: nothing was written; the counts are what "
		     "the import would do");
	if (res.rejects_path[0])
		printf("rejected rows written to %s\n", res.rejects_path);
	return EXIT_OK;
}
