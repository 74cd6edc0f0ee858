/* evacreg demo: a register of real districts and shelters (Tomakomai,
 * from data/) with a synthetic population, then its coverage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void
help(void)
{
	puts(
	    "Usage: evacreg demo OUTDIR [--registrants N] [--seed S]\n"
	    "\n"
	    "Builds OUTDIR/register.db from the real district boundaries and\n"
	    "shelters of 苫小牧市 (Tomakomai) shipped in evacreg's data "
	    "folder\n"
	    "and a synthetic register (OUTDIR/synth/*.csv; fictional people),\n"
	    "then prints the coverage by association and for the city and\n"
	    "writes OUTDIR/kml/: a KML map of unassigned households per "
	    "district\n"
	    "and index.kml (as 'evacreg export kml --all', normal mode), and\n"
	    "OUTDIR/atlas.pdf: the printed atlas of every district (as\n"
	    "'evacreg export pdf --all', normal mode).\n"
	    "Re-running replaces the demo register in OUTDIR.\n"
	    "\n"
	    "Options:\n"
	    "  --registrants N  synthetic registrants (default 8000)\n"
	    "  --seed S         random seed (default 2026)\n"
	    "  -h, --help       show this help\n"
	    "\n"
	    "EVACREG_DATADIR overrides where the data folder is looked for.");
}

static int
import(struct er_register *reg, enum er_import_kind kind, const char *path,
       const char *shelter_kind)
{
	struct er_import_options o = {
	    .kind = kind,
	    .path = path,
	    .shelter_kind = shelter_kind,
	};
	struct er_import_result res;
	struct er_error err = {0};
	if (er_register_import(reg, &o, &res, &err) != ER_OK)
		return cli_fail(&err);
	printf("  %-14s %6ld added  (%s)\n", er_import_kind_name(kind),
	       res.added, path);
	fflush(stdout);
	return EXIT_OK;
}

static int
coverage(struct er_register *reg, enum er_coverage_by by)
{
	struct er_error err = {0};
	struct er_coverage *cov = er_coverage_compute(reg, by, &err);
	int st = EXIT_OK;
	if (!cov || er_coverage_write(cov, ER_FORMAT_TABLE, stdout, &err))
		st = cli_fail(&err);
	er_coverage_destroy(cov);
	return st;
}

/* OUTDIR/kml: one KML per district and index.kml, normal mode. */
/* OUTDIR/atlas.pdf: the printed atlas of every district, normal mode. */
static int
atlas(struct er_register *reg, const char *out)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/atlas.pdf", out);
	struct er_atlas_options o = {.all = 1, .out = path};
	struct er_export_result res;
	struct er_error err = {0};
	if (er_export_atlas(reg, &o, &res, &err) != ER_OK)
		return cli_fail(&err);
	printf("\nPrinted atlas (evacreg export pdf %s --all --out %s):\n"
	       "  %ld households, %ld registrants; %ld without consent not "
	       "shown\n",
	       er_register_path(reg), path, res.households, res.registrants,
	       res.withheld);
	return EXIT_OK;
}

static int
kml(struct er_register *reg, const char *out)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/kml", out);
	struct er_kml_options o = {.all = 1, .out = dir};
	struct er_export_result res;
	struct er_error err = {0};
	if (er_export_kml(reg, &o, &res, &err) != ER_OK)
		return cli_fail(&err);
	printf("\nMaps of unassigned households (evacreg export kml %s "
	       "--all --out %s):\n  %ld files, %ld households, %ld "
	       "registrants; %ld without consent not shown\n"
	       "  open %s/index.kml in Google Earth or QGIS\n",
	       er_register_path(reg), dir, res.files, res.households,
	       res.registrants, res.withheld, dir);
	return EXIT_OK;
}

static void
remove_register(const char *db)
{
	char p[4300];
	unlink(db);
	snprintf(p, sizeof p, "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db);
	unlink(p);
}

int
cmd_demo(int argc, char **argv)
{
	enum { O_N = 256, O_SEED };
	static const struct option opts[] = {
	    {"registrants", required_argument, NULL, O_N},
	    {"seed", required_argument, NULL, O_SEED},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct er_synth_options so = {
	    .seed = 2026,
	    .registrants = 8000,
	    .assigned_share = 0.7,
	    .consent_yes = 0.6,
	    .consent_no = 0.1,
	};
	int ch;
	long n;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case O_N:
			if (cli_long("demo", "--registrants", optarg,
			             &so.registrants))
				return EXIT_USAGE;
			break;
		case O_SEED:
			if (cli_long("demo", "--seed", optarg, &n))
				return EXIT_USAGE;
			so.seed = (unsigned long)n;
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return cli_usage("demo", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage("demo", "expected one output folder");
	const char *out = argv[optind];
	const char *data = cli_datadir();
	if (!data) {
		fprintf(stderr, "evacreg: cannot find the data folder; set "
		                "EVACREG_DATADIR\n");
		return EXIT_IO;
	}
	if (mkdir(out, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "evacreg: %s: cannot create: %s\n", out,
		        strerror(errno));
		return EXIT_IO;
	}
	char db[4200], synth[4200], path[4400];
	snprintf(db, sizeof db, "%s/register.db", out);
	snprintf(synth, sizeof synth, "%s/synth", out);
	remove_register(db);
	struct er_error err = {0};
	if (er_register_init(db, NULL, &err) != ER_OK)
		return cli_fail(&err);
	struct er_register *reg = cli_open(db, 0);
	if (!reg)
		return EXIT_IO;
	int st;
	printf("Building %s from %s\n", db, data);
	fflush(stdout); /* before the imports' warnings on stderr */
	snprintf(path, sizeof path, "%s/tomakomai/districts.geojson", data);
	if ((st = import(reg, ER_IMPORT_DISTRICTS, path, NULL)))
		goto out;
	snprintf(path, sizeof path, "%s/tomakomai/shelters_designated.geojson",
	         data);
	if ((st = import(reg, ER_IMPORT_SHELTERS, path, "designated")))
		goto out;
	snprintf(path, sizeof path, "%s/tomakomai/shelters_emergency.geojson",
	         data);
	if ((st = import(reg, ER_IMPORT_SHELTERS, path, "emergency")))
		goto out;
	so.outdir = synth;
	if (er_synth(reg, &so, &err) != ER_OK) {
		st = cli_fail(&err);
		goto out;
	}
	static const struct {
		enum er_import_kind kind;
		const char *file;
	} steps[] = {
	    {ER_IMPORT_ASSOCIATIONS, "associations.csv"},
	    {ER_IMPORT_REGISTRANTS, "registrants.csv"},
	    {ER_IMPORT_SUPPORTERS, "supporters.csv"},
	    {ER_IMPORT_ASSIGNMENTS, "assignments.csv"},
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", synth, steps[i].file);
		if ((st = import(reg, steps[i].kind, path, NULL)))
			goto out;
	}
	printf("\nCoverage by association (evacreg coverage %s --by "
	       "association):\n\n",
	       db);
	if ((st = coverage(reg, ER_BY_ASSOCIATION)))
		goto out;
	printf("\nCity figures (evacreg coverage %s --by city):\n\n", db);
	if ((st = coverage(reg, ER_BY_CITY)))
		goto out;
	if ((st = kml(reg, out)))
		goto out;
	st = atlas(reg, out);
out:
	er_register_close(reg);
	return st;
}
