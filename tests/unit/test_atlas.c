/* The atlas through the library: files, modes, audit rows with each
 * file's SHA-256, result counts against an independent count, refusals
 * that leave nothing behind, and a golden PNG of a small map page
 * (ER_UPDATE_GOLDEN=1 rewrites tests/golden-png/). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cairo.h>

#include "src/regimpl.h"
#include "testutil.h"
#include <evacreg/evacreg.h>
#include <evacreg/export.h>

#define LON0 141.60
#define LAT0 42.63
#define SIDE 0.004 /* degrees: about 330 m x 440 m */
#define NHH 36     /* households, 12 per district */

struct person {
	char id[8], hh[8];
	int district; /* 0..2 */
	const char *consent;
	int assigned;
};

static struct person people[NHH * 2];
static int npeople;

static uint64_t
rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static void
write_inputs(const char *dir)
{
	char *p = tu_path(dir, "d.geojson");
	FILE *f = fopen(p, "w");
	fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
	for (int i = 0; i < 3; i++) {
		double x0 = LON0 + i * SIDE, x1 = x0 + SIDE;
		fprintf(f,
		        "%s{\"type\":\"Feature\",\"properties\":{\"code\":"
		        "\"D0%d\",\"name\":\"試験町%d丁目\"},\"geometry\":{"
		        "\"type\":\"Polygon\",\"coordinates\":[[[%.6f,%.6f],"
		        "[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]}}",
		        i ? "," : "", i + 1, i + 1, x0, LAT0, x1, LAT0, x1,
		        LAT0 + SIDE, x0, LAT0 + SIDE, x0, LAT0);
	}
	fputs("]}\n", f);
	fclose(f);
	free(p);
	p = tu_path(dir, "a.csv");
	tu_writes(p, "code,name,households,districts\n"
	             "A1,試験第一町内会,100,D01;D02\n"
	             "A2,試験第二町内会,50,D03\n");
	free(p);
	p = tu_path(dir, "s.csv");
	tu_writes(p, "id,name,association,capacity\nS1,支援者,A1,99\n");
	free(p);
	char *rp = tu_path(dir, "r.csv"), *xp = tu_path(dir, "x.csv");
	FILE *fr = fopen(rp, "w"), *fx = fopen(xp, "w");
	fputs("id,household_id,name,kana,birth_date,address,reasons,consent,"
	      "lat,lon,mobility\n",
	      fr);
	fputs("registrant_id,supporter_id\n", fx);
	static const char *const consents[] = {"yes", "no", "unanswered",
	                                       "yes"};
	static const char *const mob[] = {"walk", "cane", "wheelchair",
	                                  "bedridden"};
	uint64_t s = 42;
	npeople = 0;
	for (int h = 0; h < NHH; h++) {
		int dist = h % 3;
		/* inside, away from the edges */
		double lon =
		    LON0 + dist * SIDE +
		    SIDE * (0.1 + 0.8 * (double)(rnd(&s) % 1000) / 1000);
		double lat =
		    LAT0 + SIDE * (0.1 + 0.8 * (double)(rnd(&s) % 1000) / 1000);
		int size = 1 + (int)(rnd(&s) % 2);
		for (int m = 0; m < size; m++) {
			struct person *q = &people[npeople++];
			snprintf(q->id, sizeof q->id, "R%02d%d", h, m);
			snprintf(q->hh, sizeof q->hh, "H%02d", h);
			q->district = dist;
			q->consent = consents[rnd(&s) % 4];
			q->assigned = rnd(&s) % 3 == 0;
			fprintf(fr,
			        "%s,%s,試験 %s,シケン,1940-01-01,試験町%d丁目"
			        "%d番,care,%s,",
			        q->id, q->hh, q->id, dist + 1, h, q->consent);
			if (m == 0)
				fprintf(fr, "%.7f,%.7f,", lat, lon);
			else
				fputs(",,", fr);
			fprintf(fr, "%s\n", mob[rnd(&s) % 4]);
			if (q->assigned)
				fprintf(fx, "%s,S1\n", q->id);
		}
	}
	fclose(fr);
	fclose(fx);
	free(rp);
	free(xp);
}

static struct er_register *
build(const char *dir)
{
	write_inputs(dir);
	char *db = tu_path(dir, "r.db");
	struct er_error err = {0};
	assert_int_equal(er_register_init(db, NULL, &err), ER_OK);
	struct er_register *reg = er_register_open(db, 0, &err);
	assert_non_null(reg);
	static const struct {
		enum er_import_kind k;
		const char *file;
	} steps[] = {
	    {ER_IMPORT_DISTRICTS, "d.geojson"},
	    {ER_IMPORT_ASSOCIATIONS, "a.csv"},
	    {ER_IMPORT_REGISTRANTS, "r.csv"},
	    {ER_IMPORT_SUPPORTERS, "s.csv"},
	    {ER_IMPORT_ASSIGNMENTS, "x.csv"},
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		char *p = tu_path(dir, steps[i].file);
		struct er_import_options o = {.kind = steps[i].k, .path = p};
		struct er_import_result res;
		if (er_register_import(reg, &o, &res, &err))
			fail_msg("%s: %s: %s", p, err.where, err.message);
		free(p);
	}
	free(db);
	return reg;
}

/* Expected shown registrants and households of district d (-1: all)
 * in normal mode (opt-in: consent yes) or disaster mode. */
static void
expect(int d, int disaster, long *registrants, long *households)
{
	*registrants = *households = 0;
	for (int i = 0; i < npeople; i++) {
		const struct person *q = &people[i];
		if ((d >= 0 && q->district != d) || q->assigned ||
		    (!disaster && strcmp(q->consent, "yes") != 0))
			continue;
		++*registrants;
		int first = 1;
		for (int j = 0; j < i; j++)
			if (strcmp(people[j].hh, q->hh) == 0 &&
			    !people[j].assigned &&
			    (disaster || strcmp(people[j].consent, "yes") == 0))
				first = 0;
		*households += first;
	}
}

struct audit {
	int n;
	char action[8][32], file[8][4200], sha[8][65], district[8][8];
	char mode[8][16];
	long registrants[8], households[8];
};

static enum er_code
audit_fn(const struct er_audit_entry *e, void *ud, struct er_error *err)
{
	(void)err;
	struct audit *a = ud;
	if (strncmp(e->action, "export ", 7) != 0 || a->n == 8)
		return ER_OK;
	int i = a->n++;
	snprintf(a->action[i], sizeof a->action[i], "%s", e->action);
	snprintf(a->file[i], sizeof a->file[i], "%s", e->file);
	snprintf(a->sha[i], sizeof a->sha[i], "%s",
	         e->file_sha256 ? e->file_sha256 : "");
	snprintf(a->district[i], sizeof a->district[i], "%s",
	         e->district_code ? e->district_code : "");
	snprintf(a->mode[i], sizeof a->mode[i], "%s", e->mode ? e->mode : "");
	a->registrants[i] = e->registrants;
	a->households[i] = e->households;
	return ER_OK;
}

static struct audit
audits(struct er_register *reg)
{
	struct audit a;
	memset(&a, 0, sizeof a);
	struct er_error err = {0};
	assert_int_equal(er_register_audit_list(reg, audit_fn, &a, &err),
	                 ER_OK);
	return a;
}

/* Names in dir other than the register's own files. */
static int
count_outputs(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static void
check_sha(const char *path, const char *sha)
{
	char hex[65];
	struct er_error err = {0};
	assert_int_equal(er_sha256_file(path, hex, &err), ER_OK);
	assert_string_equal(hex, sha);
}

static void
test_pdf_file_and_audit(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	struct er_register *reg = build(dir);
	char *out = tu_path(dir, "d1.pdf");
	struct er_atlas_options o = {.district = "D01", .out = out};
	struct er_export_result res;
	struct er_error err = {0};
	if (er_export_atlas(reg, &o, &res, &err))
		fail_msg("%s: %s", err.where, err.message);
	long er, eh;
	expect(0, 0, &er, &eh);
	assert_true(eh > 0);
	assert_int_equal(res.files, 1);
	assert_int_equal(res.registrants, er);
	assert_int_equal(res.households, eh);
	assert_int_equal(tu_mode(out), 0600);
	/* the temporary file is gone */
	assert_int_equal(count_outputs(dir, "d1.pdf"), 1);
	char *pdf = tu_read(out);
	assert_memory_equal(pdf, "%PDF-", 5);
	free(pdf);
	struct audit a = audits(reg);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.action[0], "export pdf");
	assert_string_equal(a.file[0], out);
	assert_string_equal(a.district[0], "D01");
	assert_string_equal(a.mode[0], "normal");
	assert_int_equal(a.registrants[0], er);
	assert_int_equal(a.households[0], eh);
	check_sha(out, a.sha[0]);

	/* disaster mode: everyone unassigned */
	o.mode = ER_MODE_DISASTER;
	o.reason = "避難訓練";
	assert_int_equal(er_export_atlas(reg, &o, &res, &err), ER_OK);
	expect(0, 1, &er, &eh);
	assert_int_equal(res.registrants, er);
	assert_int_equal(res.households, eh);
	a = audits(reg);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.mode[1], "disaster");
	check_sha(out, a.sha[1]);
	er_register_close(reg);
	free(out);
	tu_rmdir(dir);
}

static void
test_png_pages_and_by_association(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	struct er_register *reg = build(dir);
	char *out = tu_path(dir, "pg.png");
	struct er_atlas_options o = {.district = "D02",
	                             .out = out,
	                             .format = ER_PAGES_PNG,
	                             .png_dpi = 20};
	struct er_export_result res;
	struct er_error err = {0};
	if (er_export_atlas(reg, &o, &res, &err))
		fail_msg("%s: %s", err.where, err.message);
	/* a map page and a list page, each its own file and audit row */
	assert_int_equal(res.files, 2);
	assert_int_equal(count_outputs(dir, "pg"), 2);
	struct audit a = audits(reg);
	assert_int_equal(a.n, 2);
	for (int i = 0; i < 2; i++) {
		char name[32];
		snprintf(name, sizeof name, "pg-%d.png", i + 1);
		char *p = tu_path(dir, name);
		assert_int_equal(tu_mode(p), 0600);
		assert_string_equal(a.action[i], "export png");
		assert_string_equal(a.file[i], p);
		check_sha(p, a.sha[i]);
		cairo_surface_t *img = cairo_image_surface_create_from_png(p);
		assert_int_equal(cairo_surface_status(img),
		                 CAIRO_STATUS_SUCCESS);
		/* A4 at 20 dpi, landscape or portrait */
		int w = cairo_image_surface_get_width(img);
		int h = cairo_image_surface_get_height(img);
		assert_true((w == 234 && h == 166) || (w == 166 && h == 234));
		cairo_surface_destroy(img);
		free(p);
	}

	char *bydir = tu_path(dir, "byassoc");
	struct er_atlas_options b = {.all = 1, .by_association_dir = bydir};
	if (er_export_atlas(reg, &b, &res, &err))
		fail_msg("%s: %s", err.where, err.message);
	assert_int_equal(res.files, 2);
	long er, eh;
	expect(-1, 0, &er, &eh);
	assert_int_equal(res.registrants, er);
	assert_int_equal(res.households, eh);
	char *a1 = tu_path(bydir, "A1.pdf"), *a2 = tu_path(bydir, "A2.pdf");
	assert_int_equal(tu_mode(a1), 0600);
	assert_int_equal(tu_mode(a2), 0600);
	assert_int_equal(tu_mode(bydir), 0700);
	a = audits(reg);
	assert_int_equal(a.n, 4);
	assert_string_equal(a.file[2], a1);
	assert_string_equal(a.district[2], ""); /* two districts */
	assert_string_equal(a.file[3], a2);
	assert_string_equal(a.district[3], "D03");
	long r3, h3;
	expect(2, 0, &r3, &h3);
	assert_int_equal(a.households[3], h3);
	check_sha(a1, a.sha[2]);
	check_sha(a2, a.sha[3]);
	er_register_close(reg);
	free(a1);
	free(a2);
	free(bydir);
	free(out);
	tu_rmdir(dir);
}

static void
test_refusals_leave_nothing(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	struct er_register *reg = build(dir);
	char *out = tu_path(dir, "x.pdf");
	struct er_export_result res;
	struct er_error err = {0};
	struct er_atlas_options o = {
	    .district = "D01", .out = out, .mode = ER_MODE_DISASTER};
	assert_int_equal(er_export_atlas(reg, &o, &res, &err), ER_EUSAGE);
	o.mode = ER_MODE_NORMAL;
	o.district = "D99";
	assert_int_equal(er_export_atlas(reg, &o, &res, &err), ER_EUSAGE);
	assert_non_null(strstr(err.message, "D99"));
	o.district = NULL;
	assert_int_equal(er_export_atlas(reg, &o, &res, &err), ER_EUSAGE);
	o.district = "D01";
	o.style = "/nonexistent/style.sld";
	assert_int_equal(er_export_atlas(reg, &o, &res, &err), ER_EIO);
	o.style = NULL;
	assert_int_equal(count_outputs(dir, "x.pdf"), 0);
	/* a folder that does not exist: nothing written, nothing logged */
	char *bad = tu_path(dir, "missing/x.pdf");
	o.out = bad;
	assert_int_equal(er_export_atlas(reg, &o, &res, &err), ER_EIO);
	assert_int_equal(audits(reg).n, 0);
	er_register_close(reg);
	free(bad);
	free(out);
	tu_rmdir(dir);
}

/* Pixels that differ by more than 48 in a channel, within x < xmax. */
static long
differing(cairo_surface_t *a, cairo_surface_t *b, int xmax)
{
	int w = cairo_image_surface_get_width(a);
	int h = cairo_image_surface_get_height(a);
	if (w != cairo_image_surface_get_width(b) ||
	    h != cairo_image_surface_get_height(b))
		return -1;
	cairo_surface_flush(a);
	cairo_surface_flush(b);
	const unsigned char *pa = cairo_image_surface_get_data(a);
	const unsigned char *pb = cairo_image_surface_get_data(b);
	int sa = cairo_image_surface_get_stride(a);
	int sb = cairo_image_surface_get_stride(b);
	long n = 0;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w && x < xmax; x++)
			for (int c = 0; c < 3; c++) {
				int d = pa[y * sa + 4 * x + c] -
				        pb[y * sb + 4 * x + c];
				if (d > 48 || d < -48) {
					n++;
					break;
				}
			}
	return n;
}

static void
test_golden_png(void **state)
{
	(void)state;
	setenv("SOURCE_DATE_EPOCH", "1790000000", 1);
	setenv("TZ", "UTC", 1);
	char *dir = tu_tmpdir();
	struct er_register *reg = build(dir);
	char *out = tu_path(dir, "g.png");
	struct er_atlas_options o = {.district = "D01",
	                             .out = out,
	                             .format = ER_PAGES_PNG,
	                             .orientation = ER_ORIENT_LANDSCAPE,
	                             .png_dpi = 50};
	struct er_export_result res;
	struct er_error err = {0};
	if (er_export_atlas(reg, &o, &res, &err))
		fail_msg("%s: %s", err.where, err.message);
	char *page1 = tu_path(dir, "g-1.png");
	char *page2 = tu_path(dir, "g-2.png");
	char golden[4200];
	snprintf(golden, sizeof golden, "%s/tests/golden-png/atlas-d01-map.png",
	         getenv("ER_SOURCE_ROOT"));
	const char *up = getenv("ER_UPDATE_GOLDEN");
	if (up && strcmp(up, "1") == 0) {
		char *png = NULL;
		FILE *f = fopen(page1, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		fseek(f, 0, SEEK_SET);
		png = malloc((size_t)n);
		assert_int_equal(fread(png, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		tu_write(golden, png, (size_t)n);
		free(png);
	}
	cairo_surface_t *want = cairo_image_surface_create_from_png(golden);
	cairo_surface_t *got = cairo_image_surface_create_from_png(page1);
	cairo_surface_t *list = cairo_image_surface_create_from_png(page2);
	assert_int_equal(cairo_surface_status(want), CAIRO_STATUS_SUCCESS);
	assert_int_equal(cairo_surface_status(got), CAIRO_STATUS_SUCCESS);
	assert_int_equal(cairo_surface_status(list), CAIRO_STATUS_SUCCESS);
	int w = cairo_image_surface_get_width(want);
	int h = cairo_image_surface_get_height(want);
	/* the map, title and footer (left of the sidebar, whose data date
	 * is the day the test register was built) all but match; the
	 * whole page within 1% */
	int map_w = w * 3 / 4;
	long d_map = differing(got, want, map_w);
	long d_all = differing(got, want, w);
	if (d_map < 0 || d_map > (long)map_w * h / 2000 ||
	    d_all > (long)w * h / 100)
		fail_msg("page 1 differs from %s: %ld pixels in the map, %ld "
		         "in all (ER_UPDATE_GOLDEN=1 rewrites it; look at "
		         "it first)",
		         golden, d_map, d_all);
	/* and the comparison can tell pages apart: the list page fails */
	long d_list = differing(list, want, w);
	assert_true(d_list < 0 || d_list > (long)w * h / 100);
	cairo_surface_destroy(want);
	cairo_surface_destroy(got);
	cairo_surface_destroy(list);
	er_register_close(reg);
	free(page1);
	free(page2);
	free(out);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pdf_file_and_audit),
	    cmocka_unit_test(test_png_pages_and_by_association),
	    cmocka_unit_test(test_refusals_leave_nothing),
	    cmocka_unit_test(test_golden_png),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
