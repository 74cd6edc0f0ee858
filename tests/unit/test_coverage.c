/* Coverage against an independent calculation: districts with holes, a
 * multipolygon, shared edges and gaps are laid on a grid whose cells are
 * exact binary fractions, registrants are placed by construction in a
 * known region, and the expected figures are counted here without any
 * geometry code. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <evacreg/evacreg.h>
#include "testutil.h"

#define LON0 141.0
#define LAT0 43.0
#define CELL 0.0078125 /* 2^-7 degrees: exact in binary */

static double
X(double u)
{
	return LON0 + u * CELL;
}

static double
Y(double v)
{
	return LAT0 + v * CELL;
}

/* Regions in grid units. District codes sort D01 < D02 < D03 < D04. */
enum region {
	R_D01,       /* D01 body: [0,1]^2 minus holes */
	R_D02,       /* [1,2]x[0,1] */
	R_D03A,      /* D03 part 1: [0,1]x[1,2] */
	R_D03B,      /* D03 part 2: [1.5,2]x[1.5,2] */
	R_D04,       /* fills D01's hole A: [0.5,0.75]^2 */
	R_HOLEB,     /* D01's empty hole B [0.125,0.25]^2: outside */
	R_GAP,       /* [1,1.5]x[1,1.5]: outside */
	R_FAR,       /* far away: outside */
	R_EDGE12,    /* x = 1 between D01 and D02: D01 */
	R_EDGE13,    /* y = 1 between D01 and D03: D01 */
	R_EDGE_HOLEA, /* on hole A's ring: D01 (and D04): D01 */
	R_EDGE_HOLEB, /* on hole B's ring: D01 only */
	R_EDGE23,    /* x = 1, y in (1, 1.5): D03 only? no: edge of D03A
			with the gap: D03 */
	R_NREGIONS,
};

static const char *const expect_code[R_NREGIONS] = {
	"D01", "D02", "D03", "D03", "D04", NULL, NULL, NULL,
	"D01", "D01", "D01", "D01", "D03",
};

struct rng {
	uint64_t s;
};

static uint64_t
rnd(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

/* A grid position in (lo, hi), on multiples of 1/64 so values stay
 * exact. */
static double
between(struct rng *r, double lo, double hi)
{
	int steps = (int)((hi - lo) * 64);
	return lo + (double)(1 + (int)(rnd(r) % (uint64_t)(steps - 1))) / 64.0;
}

static void
place(struct rng *r, enum region g, double *u, double *v)
{
	switch (g) {
	case R_D01:
		/* the top strip [0,1]x(0.75,1) avoids both holes */
		*u = between(r, 0, 1);
		*v = between(r, 0.75, 1);
		break;
	case R_D02:
		*u = between(r, 1, 2);
		*v = between(r, 0, 1);
		break;
	case R_D03A:
		*u = between(r, 0, 1);
		*v = between(r, 1, 2);
		break;
	case R_D03B:
		*u = between(r, 1.5, 2);
		*v = between(r, 1.5, 2);
		break;
	case R_D04:
		*u = between(r, 0.5, 0.75);
		*v = between(r, 0.5, 0.75);
		break;
	case R_HOLEB:
		*u = between(r, 0.125, 0.25);
		*v = between(r, 0.125, 0.25);
		break;
	case R_GAP:
		*u = between(r, 1, 1.5);
		*v = between(r, 1, 1.5);
		break;
	case R_FAR:
		*u = 40 + between(r, 0, 10);
		*v = 40 + between(r, 0, 10);
		break;
	case R_EDGE12:
		*u = 1;
		*v = between(r, 0, 1);
		break;
	case R_EDGE13:
		*u = between(r, 0, 1);
		*v = 1;
		break;
	case R_EDGE_HOLEA:
		*u = 0.5;
		*v = between(r, 0.5, 0.75);
		break;
	case R_EDGE_HOLEB:
		*u = between(r, 0.125, 0.25);
		*v = 0.25;
		break;
	case R_EDGE23:
		*u = 1;
		*v = between(r, 1, 1.5);
		break;
	default:
		abort();
	}
}

static void
ring(FILE *f, double u0, double v0, double u1, double v1, int reverse)
{
	double pts[5][2] = {{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}, {u0, v0}};
	fputc('[', f);
	for (int i = 0; i < 5; i++) {
		int k = reverse ? 4 - i : i;
		fprintf(f, "%s[%.17g,%.17g]", i ? "," : "", X(pts[k][0]),
			Y(pts[k][1]));
	}
	fputc(']', f);
}

static void
write_districts(const char *path)
{
	FILE *f = fopen(path, "w");
	fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", f);
	/* D01 with holes A and B */
	fputs("{\"type\":\"Feature\",\"properties\":{\"code\":\"D01\","
	      "\"name\":\"一丁目\",\"association\":\"A1\"},\"geometry\":{"
	      "\"type\":\"Polygon\",\"coordinates\":[",
	      f);
	ring(f, 0, 0, 1, 1, 0);
	fputc(',', f);
	ring(f, 0.5, 0.5, 0.75, 0.75, 1);
	fputc(',', f);
	ring(f, 0.125, 0.125, 0.25, 0.25, 1);
	fputs("]}},\n", f);
	fputs("{\"type\":\"Feature\",\"properties\":{\"code\":\"D02\","
	      "\"name\":\"二丁目\",\"association\":\"A1\"},\"geometry\":{"
	      "\"type\":\"Polygon\",\"coordinates\":[",
	      f);
	ring(f, 1, 0, 2, 1, 0);
	fputs("]}},\n", f);
	fputs("{\"type\":\"Feature\",\"properties\":{\"code\":\"D03\","
	      "\"name\":\"三丁目\",\"association\":\"A2\"},\"geometry\":{"
	      "\"type\":\"MultiPolygon\",\"coordinates\":[[",
	      f);
	ring(f, 0, 1, 1, 2, 0);
	fputs("],[", f);
	ring(f, 1.5, 1.5, 2, 2, 0);
	fputs("]]}},\n", f);
	fputs("{\"type\":\"Feature\",\"properties\":{\"code\":\"D04\","
	      "\"name\":\"四丁目\",\"association\":\"A2\"},\"geometry\":{"
	      "\"type\":\"Polygon\",\"coordinates\":[",
	      f);
	ring(f, 0.5, 0.5, 0.75, 0.75, 0);
	fputs("]}}\n]}\n", f);
	fclose(f);
}

#define NREG 1500
#define NDIST 4

struct person {
	char id[16], hh[16];
	int region; /* where the location used lies */
	int has_own;
	int active;
	const char *consent;
	int assigned;
};

struct expect {
	long n, ok, asg, hh, uhh;
};

/* distinct (district, household) pairs, and with an unassigned member */
static long
count_households(const struct person *p, int n, int dist, int unassigned_only,
		 int regime_unused)
{
	(void)regime_unused;
	long count = 0;
	for (int i = 0; i < n; i++) {
		if (!p[i].active)
			continue;
		const char *code = expect_code[p[i].region];
		int d = code ? code[2] - '1' : NDIST;
		if (d != dist)
			continue;
		if (unassigned_only && p[i].assigned)
			continue;
		int seen = 0;
		for (int j = 0; j < i && !seen; j++) {
			if (!p[j].active || strcmp(p[j].hh, p[i].hh) != 0)
				continue;
			const char *cj = expect_code[p[j].region];
			int dj = cj ? cj[2] - '1' : NDIST;
			if (dj == dist && (!unassigned_only || !p[j].assigned))
				seen = 1;
		}
		count += !seen;
	}
	return count;
}

static void
run_case(int regime)
{
	char *dir = tu_tmpdir();
	char *db = tu_path(dir, "r.db");
	char *dpath = tu_path(dir, "d.geojson");
	char *apath = tu_path(dir, "a.csv");
	char *rpath = tu_path(dir, "r.csv");
	char *spath = tu_path(dir, "s.csv");
	char *xpath = tu_path(dir, "x.csv");
	write_districts(dpath);
	tu_writes(apath, "code,name,agreement_signed_on,has_jishubo,households\n"
			 "A1,一町内会,2020-04-01,1,300\n"
			 "A2,二町内会,,0,100\n");
	tu_writes(spath, "id,name,association\nS1,支援 一郎,A1\n");

	static struct person p[NREG];
	struct rng r = {0x9e3779b97f4a7c15ULL + (uint64_t)regime};
	FILE *fr = fopen(rpath, "w");
	FILE *fx = fopen(xpath, "w");
	fputs("id,household_id,name,consent,status,lat,lon\n", fr);
	fputs("registrant_id,supporter_id\n", fx);
	static const char *const consents[] = {"yes", "no", "unanswered"};
	int i = 0;
	while (i < NREG) {
		int size = 1 + (int)(rnd(&r) % 3);
		int region = (int)(rnd(&r) % R_NREGIONS);
		double hu, hv;
		place(&r, (enum region)region, &hu, &hv);
		char hh[16];
		snprintf(hh, sizeof hh, "H%05d", i);
		for (int m = 0; m < size && i < NREG; m++, i++) {
			struct person *q = &p[i];
			snprintf(q->id, sizeof q->id, "R%05d", i);
			snprintf(q->hh, sizeof q->hh, "%s", size > 1 ? hh : q->id);
			q->active = rnd(&r) % 10 != 0;
			q->consent = consents[rnd(&r) % 3];
			q->assigned = rnd(&r) % 2;
			double u = hu, v = hv;
			/* members after the first: usually no own point
			 * (household's is used), sometimes their own */
			q->has_own = m == 0 || rnd(&r) % 4 == 0;
			q->region = region;
			if (m > 0 && q->has_own) {
				q->region = (int)(rnd(&r) % R_NREGIONS);
				place(&r, (enum region)q->region, &u, &v);
			}
			fprintf(fr, "%s,%s,人 %d,%s,%s,", q->id,
				size > 1 ? hh : "", i, q->consent,
				q->active ? "active" : "moved");
			if (q->has_own)
				fprintf(fr, "%.17g,%.17g\n", Y(v), X(u));
			else
				fputs(",\n", fr);
			if (q->assigned)
				fprintf(fx, "%s,S1\n", q->id);
		}
	}
	fclose(fr);
	fclose(fx);

	struct er_error err = {0};
	struct er_init_options io = {.regime = regime};
	assert_int_equal(er_register_init(db, &io, &err), ER_OK);
	struct er_register *reg = er_register_open(db, 0, &err);
	assert_non_null(reg);
	struct {
		enum er_import_kind k;
		const char *path;
	} steps[] = {
		{ER_IMPORT_DISTRICTS, dpath},	{ER_IMPORT_ASSOCIATIONS, apath},
		{ER_IMPORT_REGISTRANTS, rpath}, {ER_IMPORT_SUPPORTERS, spath},
		{ER_IMPORT_ASSIGNMENTS, xpath},
	};
	for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
		struct er_import_options o = {.kind = steps[s].k,
					      .path = steps[s].path};
		if (steps[s].k == ER_IMPORT_DISTRICTS)
			o.association_field = "association";
		struct er_import_result res;
		if (er_register_import(reg, &o, &res, &err) != ER_OK)
			fail_msg("%s: %s", err.where, err.message);
	}

	/* independent expectation */
	struct expect e[NDIST + 1] = {0};
	struct expect city = {0};
	for (int k = 0; k < NREG; k++) {
		if (!p[k].active)
			continue;
		const char *code = expect_code[p[k].region];
		int d = code ? code[2] - '1' : NDIST;
		int ok = strcmp(p[k].consent, "yes") == 0 ||
			 (regime == ER_CONSENT_OPT_OUT &&
			  strcmp(p[k].consent, "unanswered") == 0);
		e[d].n++;
		e[d].ok += ok;
		e[d].asg += p[k].assigned;
		city.n++;
		city.ok += ok;
		city.asg += p[k].assigned;
	}
	for (int d = 0; d <= NDIST; d++) {
		e[d].hh = count_households(p, NREG, d, 0, regime);
		e[d].uhh = count_households(p, NREG, d, 1, regime);
	}

	struct er_coverage *cov = er_coverage_compute(reg, ER_BY_DISTRICT, &err);
	assert_non_null(cov);
	assert_int_equal(cov->nrows, NDIST + (e[NDIST].n > 0));
	assert_true(e[NDIST].n > 0);
	for (size_t k = 0; k < cov->nrows; k++) {
		const struct er_coverage_row *row = &cov->rows[k];
		int d = k < NDIST ? (int)k : NDIST;
		if (d < NDIST) {
			char code[8];
			snprintf(code, sizeof code, "D%02d", d + 1);
			assert_string_equal(row->code, code);
		} else {
			assert_string_equal(row->code, "(outside)");
		}
		assert_int_equal(row->registrants, e[d].n);
		assert_int_equal(row->consented, e[d].ok);
		assert_int_equal(row->assigned, e[d].asg);
		assert_int_equal(row->unassigned, e[d].n - e[d].asg);
		assert_int_equal(row->households, e[d].hh);
		assert_int_equal(row->unassigned_households, e[d].uhh);
	}
	assert_int_equal(cov->city.registrants, city.n);
	assert_int_equal(cov->city.assigned, city.asg);
	assert_int_equal(cov->city.consented, city.ok);
	assert_int_equal(cov->city.outside, e[NDIST].n);
	assert_int_equal(cov->city.associations, 2);
	assert_int_equal(cov->city.associations_with_agreement, 1);
	assert_int_equal(cov->city.jishubo_associations, 1);
	assert_int_equal(cov->city.association_households, 400);
	assert_int_equal(cov->city.jishubo_households, 300);

	/* the CSV: exact header, one row per district, support_rate */
	char *csvp = tu_path(dir, "cov.csv");
	FILE *out = fopen(csvp, "w");
	assert_int_equal(er_coverage_write(cov, ER_FORMAT_CSV, out, &err), ER_OK);
	fclose(out);
	char *text = tu_read(csvp);
	const char *head = "district_code,district_name,association_code,"
			   "registrants,consented,assigned,unassigned,"
			   "households,unassigned_households,support_rate\n";
	assert_memory_equal(text, head, strlen(head));
	char want[256];
	long rate = er_rate(e[0].asg, e[0].n, 1);
	snprintf(want, sizeof want, "\nD01,一丁目,A1,%ld,%ld,%ld,%ld,%ld,%ld,%ld.%ld\n",
		 e[0].n, e[0].ok, e[0].asg, e[0].n - e[0].asg, e[0].hh,
		 e[0].uhh, rate / 10, rate % 10);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "\n(outside),,,"));
	free(text);
	free(csvp);
	er_coverage_destroy(cov);

	/* by association: A1 = D01 + D02, A2 = D03 + D04 */
	cov = er_coverage_compute(reg, ER_BY_ASSOCIATION, &err);
	assert_non_null(cov);
	assert_int_equal(cov->nrows, 3);
	assert_string_equal(cov->rows[0].code, "A1");
	assert_int_equal(cov->rows[0].registrants, e[0].n + e[1].n);
	assert_int_equal(cov->rows[0].assigned, e[0].asg + e[1].asg);
	assert_int_equal(cov->rows[0].districts, 2);
	assert_string_equal(cov->rows[0].agreement_signed_on, "2020-04-01");
	assert_string_equal(cov->rows[1].code, "A2");
	assert_int_equal(cov->rows[1].registrants, e[2].n + e[3].n);
	assert_null(cov->rows[1].agreement_signed_on);
	assert_string_equal(cov->rows[2].code, "(outside)");
	assert_int_equal(cov->rows[2].registrants, e[NDIST].n);
	er_coverage_destroy(cov);

	er_register_close(reg);
	free(db);
	free(dpath);
	free(apath);
	free(rpath);
	free(spath);
	free(xpath);
	tu_rmdir(dir);
}

static void
test_coverage_opt_in(void **state)
{
	(void)state;
	run_case(ER_CONSENT_OPT_IN);
}

static void
test_coverage_opt_out(void **state)
{
	(void)state;
	run_case(ER_CONSENT_OPT_OUT);
}

static void
test_city_rates(void **state)
{
	(void)state;
	/* the plan's figures: 90.08% household coverage prints as 90.08 */
	struct er_coverage cov = {.by = ER_BY_CITY};
	cov.city.registrants = 3;
	cov.city.assigned = 2;
	cov.city.consented = 1;
	cov.city.unassigned = 1;
	cov.city.associations = 60;
	cov.city.associations_with_agreement = 43;
	cov.city.jishubo_associations = 55;
	cov.city.association_households = 10000;
	cov.city.jishubo_households = 9008;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct er_error err;
	assert_int_equal(er_coverage_write(&cov, ER_FORMAT_CSV, f, &err), ER_OK);
	fclose(f);
	assert_string_equal(buf,
			    "registrants,assigned,unassigned,support_rate,"
			    "consented,consent_rate,households,"
			    "unassigned_households,outside,associations,"
			    "associations_with_agreement,jishubo_associations,"
			    "jishubo_organisation_rate,association_households,"
			    "jishubo_households,jishubo_household_coverage\n"
			    "3,2,1,66.7,1,33.3,0,0,0,60,43,55,91.7,10000,9008,"
			    "90.08\n");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coverage_opt_in),
		cmocka_unit_test(test_coverage_opt_out),
		cmocka_unit_test(test_city_rates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
