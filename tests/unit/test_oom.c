/* Out-of-memory: every allocation of the readers fails in turn; each
 * failure must come back as ER_ENOMEM (or a clean error), never a crash
 * or a leak (the suite runs under ASan/LeakSanitizer too). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <evacreg/evacreg.h>
#include "alloc.h"
#include "csv.h"
#include "feature.h"

static enum er_code
touch(const struct er_feature *f, void *ud, struct er_error *err)
{
	(void)err;
	size_t *n = ud;
	*n += f->nprops;
	return ER_OK;
}

/* Runs fn with the nth allocation failing, for n = 1, 2, ... until a run
 * completes before its nth allocation; returns the number of failures
 * injected. A failed allocation must surface as ER_ENOMEM. */
static int
each_failure(enum er_code (*fn)(struct er_error *err))
{
	for (long n = 1;; n++) {
		struct er_error err = {0};
		er_alloc_fail_after(n);
		enum er_code rc = fn(&err);
		long left = er_alloc_countdown();
		er_alloc_fail_after(0);
		if (left > 0) {
			assert_int_equal(rc, ER_OK); /* no failure injected */
			return (int)n - 1;
		}
		if (rc != ER_ENOMEM)
			fail_msg("allocation %ld failed but the reader "
				 "returned %d (%s)",
				 n, rc, err.message);
	}
}

static const char csv_text[] =
	"\xef\xbb\xbfid,name,note\n1,\"山田, 太郎\",\"two\nlines\"\n2,b,c\n";

static enum er_code
run_csv(struct er_error *err)
{
	struct er_csv *c = er_csv_open_mem("t.csv", csv_text, strlen(csv_text),
					   ER_ENC_AUTO, err);
	if (!c)
		return err->code;
	int r;
	while ((r = er_csv_next(c, err)) == 1)
		;
	er_csv_close(c);
	return r < 0 ? err->code : ER_OK;
}

static const char sjis_text[] = "id,\x8e\x81\x96\xbc\n1,\x87\x40\n";

static enum er_code
run_csv_cp932(struct er_error *err)
{
	struct er_csv *c = er_csv_open_mem("t.csv", sjis_text,
					   strlen(sjis_text), ER_ENC_AUTO, err);
	if (!c)
		return err->code;
	int r;
	while ((r = er_csv_next(c, err)) == 1)
		;
	er_csv_close(c);
	return r < 0 ? err->code : ER_OK;
}

static const char geojson_text[] =
	"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
	"\"properties\":{\"code\":\"D1\",\"name\":\"一丁目\",\"n\":[1,2]},"
	"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[141,43],"
	"[141.1,43],[141.1,43.1],[141,43]]]}}]}";

static enum er_code
run_geojson(struct er_error *err)
{
	size_t n = 0;
	return er_geojson_read("t.geojson", geojson_text, strlen(geojson_text),
			       touch, &n, err);
}

static const char kml_text[] =
	"<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Placemark>"
	"<name>a</name><ExtendedData><Data name=\"code\"><value>K1</value>"
	"</Data></ExtendedData><Polygon><outerBoundaryIs><LinearRing>"
	"<coordinates>141,43 141.1,43 141.1,43.1 141,43</coordinates>"
	"</LinearRing></outerBoundaryIs></Polygon></Placemark></Document>"
	"</kml>";

static enum er_code
run_kml(struct er_error *err)
{
	size_t n = 0;
	return er_kml_read("t.kml", kml_text, strlen(kml_text), touch, &n,
			   err);
}

static void
test_csv(void **state)
{
	(void)state;
	assert_true(each_failure(run_csv) > 1);
	assert_true(each_failure(run_csv_cp932) > 1);
}

static void
test_geojson(void **state)
{
	(void)state;
	assert_true(each_failure(run_geojson) > 1);
}

static void
test_kml(void **state)
{
	(void)state;
	assert_true(each_failure(run_kml) > 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_geojson),
		cmocka_unit_test(test_kml),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
