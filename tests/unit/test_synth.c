/* Synthetic registers: deterministic, importable, placed inside the
 * districts; and the point-in-polygon code synth relies on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <evacreg/evacreg.h>
#include "geom.h"
#include "testutil.h"

static void
test_point_in_polygon(void **state)
{
	(void)state;
	/* WKB MultiPolygon (little endian): square 0..4 with hole 1..2,
	 * and a second square 10..11 */
	unsigned char wkb[512];
	size_t n = 0;
#define U8(v) (wkb[n++] = (unsigned char)(v))
#define U32(v)                                                                 \
	do {                                                                   \
		uint32_t x_ = (v);                                             \
		memcpy(wkb + n, &x_, 4);                                       \
		n += 4;                                                        \
	} while (0)
#define F64(v)                                                                 \
	do {                                                                   \
		double d_ = (v);                                               \
		memcpy(wkb + n, &d_, 8);                                       \
		n += 8;                                                        \
	} while (0)
	U8(1);
	U32(6);
	U32(2);
	U8(1);
	U32(3);
	U32(2);
	double sq[5][2] = {{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}};
	U32(5);
	for (int i = 0; i < 5; i++) {
		F64(sq[i][0]);
		F64(sq[i][1]);
	}
	U32(5);
	for (int i = 0; i < 5; i++) {
		F64(1 + sq[i][0] / 4);
		F64(1 + sq[i][1] / 4);
	}
	U8(1);
	U32(3);
	U32(1);
	U32(5);
	for (int i = 0; i < 5; i++) {
		F64(10 + sq[i][0] / 4);
		F64(10 + sq[i][1] / 4);
	}
	struct er_mpoly mp;
	struct er_error err;
	assert_int_equal(er_mpoly_from_wkb(wkb, n, &mp, &err), ER_OK);
	assert_int_equal(mp.npolys, 2);
	assert_true(er_mpoly_contains(&mp, 3, 3));
	assert_false(er_mpoly_contains(&mp, 1.5, 1.5)); /* in the hole */
	assert_true(er_mpoly_contains(&mp, 1, 1.5));    /* hole's edge */
	assert_true(er_mpoly_contains(&mp, 4, 2));      /* outer edge */
	assert_true(er_mpoly_contains(&mp, 10.5, 10.5));
	assert_false(er_mpoly_contains(&mp, 7, 7));
	assert_false(er_mpoly_contains(&mp, -1, 2));
	er_mpoly_finish(&mp);
	/* truncated input is an error, never a crash */
	for (size_t k = 0; k < n; k += 7)
		assert_int_equal(er_mpoly_from_wkb(wkb, k, &mp, &err),
				 ER_EPARSE);
}

static enum er_code
import(struct er_register *reg, enum er_import_kind kind, const char *dir,
       const char *name, struct er_import_result *res)
{
	char *p = tu_path(dir, name);
	struct er_import_options o = {.kind = kind, .path = p};
	struct er_error err;
	enum er_code rc = er_register_import(reg, &o, res, &err);
	if (rc)
		fprintf(stderr, "%s: %s\n", err.where, err.message);
	free(p);
	return rc;
}

static void
test_synth_register(void **state)
{
	(void)state;
	const char *root = getenv("ER_SOURCE_ROOT");
	if (!root)
		skip();
	char *dir = tu_tmpdir();
	char *db = tu_path(dir, "r.db");
	char *out1 = tu_path(dir, "s1");
	char *out2 = tu_path(dir, "s2");
	struct er_error err;
	assert_int_equal(er_register_init(db, NULL, &err), ER_OK);
	struct er_register *reg = er_register_open(db, 0, &err);
	char p[4096];
	snprintf(p, sizeof p, "%s/data/tomakomai/districts.geojson", root);
	struct er_import_options o = {.kind = ER_IMPORT_DISTRICTS, .path = p};
	struct er_import_result res;
	assert_int_equal(er_register_import(reg, &o, &res, &err), ER_OK);

	struct er_synth_options so = {.seed = 42,
				      .registrants = 3000,
				      .assigned_share = 0.6,
				      .consent_yes = 0.5,
				      .consent_no = 0.2,
				      .outdir = out1};
	assert_int_equal(er_synth(reg, &so, &err), ER_OK);
	so.outdir = out2;
	assert_int_equal(er_synth(reg, &so, &err), ER_OK);
	static const char *const files[] = {"associations.csv",
					    "registrants.csv",
					    "supporters.csv",
					    "assignments.csv"};
	for (int i = 0; i < 4; i++) {
		char *a = tu_path(out1, files[i]), *b = tu_path(out2, files[i]);
		char *ta = tu_read(a), *tb = tu_read(b);
		assert_non_null(ta);
		assert_string_equal(ta, tb); /* same seed, same files */
		assert_int_equal(tu_mode(a), 0600);
		free(ta);
		free(tb);
		free(a);
		free(b);
	}
	assert_int_equal(import(reg, ER_IMPORT_ASSOCIATIONS, out1,
				"associations.csv", &res),
			 ER_OK);
	assert_true(res.added > 50);
	assert_int_equal(import(reg, ER_IMPORT_REGISTRANTS, out1,
				"registrants.csv", &res),
			 ER_OK);
	assert_int_equal(res.added, 3000);
	assert_int_equal(import(reg, ER_IMPORT_SUPPORTERS, out1,
				"supporters.csv", &res),
			 ER_OK);
	assert_int_equal(import(reg, ER_IMPORT_ASSIGNMENTS, out1,
				"assignments.csv", &res),
			 ER_OK);
	struct er_coverage *cov = er_coverage_compute(reg, ER_BY_CITY, &err);
	assert_non_null(cov);
	/* everyone lies inside a district (they were placed there) */
	assert_int_equal(cov->city.outside, 0);
	/* about 97% stay active; shares near what was asked */
	assert_true(cov->city.registrants > 2850 &&
		    cov->city.registrants < 3000);
	long share = er_rate(cov->city.assigned, cov->city.registrants, 1);
	assert_true(share > 450 && share < 750);
	long yes = er_rate(cov->city.consented, cov->city.registrants, 1);
	assert_true(yes > 450 && yes < 550);
	er_coverage_destroy(cov);
	/* a different seed gives a different register */
	so.seed = 43;
	assert_int_equal(er_synth(reg, &so, &err), ER_OK);
	char *a = tu_path(out1, "registrants.csv");
	char *b = tu_path(out2, "registrants.csv");
	char *ta = tu_read(a), *tb = tu_read(b);
	assert_string_not_equal(ta, tb);
	free(ta);
	free(tb);
	free(a);
	free(b);
	/* limits */
	so.registrants = 0;
	assert_int_equal(er_synth(reg, &so, &err), ER_EUSAGE);
	so.registrants = 10000001;
	assert_int_equal(er_synth(reg, &so, &err), ER_EUSAGE);
	er_register_close(reg);
	free(db);
	free(out1);
	free(out2);
	tu_rmdir(dir);
}

static void
test_synth_needs_districts(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *db = tu_path(dir, "r.db");
	struct er_error err;
	assert_int_equal(er_register_init(db, NULL, &err), ER_OK);
	struct er_register *reg = er_register_open(db, 0, &err);
	struct er_synth_options so = {.registrants = 10, .outdir = dir};
	assert_int_equal(er_synth(reg, &so, &err), ER_EINVALID);
	assert_non_null(strstr(err.message, "import districts first"));
	er_register_close(reg);
	free(db);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_point_in_polygon),
		cmocka_unit_test(test_synth_register),
		cmocka_unit_test(test_synth_needs_districts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
