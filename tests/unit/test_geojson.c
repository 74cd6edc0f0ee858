/* Unit tests for the GeoJSON reader: features, property text, exact
 * geometry text, positions, every malformed case, and real city data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/alloc.h"
#include "src/feature.h"
#include <evacreg/error.h>

/* Copies of what the callback saw. */
#define MAX_FEATURES 8
#define MAX_PROPS 24

struct seen_feature {
	unsigned line, column, geom_line;
	size_t nprops;
	char *keys[MAX_PROPS];
	char *values[MAX_PROPS]; /* NULL for null */
	enum er_geom_format geom_format;
	char *geom_text;
};

struct seen {
	size_t n;
	struct seen_feature f[MAX_FEATURES];
	size_t stop_after; /* callback fails on this feature (1-based) */
};

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static enum er_code
collect(const struct er_feature *f, void *ud, struct er_error *err)
{
	struct seen *s = ud;
	if (s->stop_after && s->n + 1 == s->stop_after)
		return er_fail(err, ER_EINVALID, "cb", "stop here");
	if (s->n == MAX_FEATURES)
		return ER_OK;
	struct seen_feature *c = &s->f[s->n++];
	c->line = f->line;
	c->column = f->column;
	c->geom_line = f->geom_line;
	c->nprops = f->nprops;
	for (size_t i = 0; i < f->nprops && i < MAX_PROPS; i++) {
		c->keys[i] = strdup(f->keys[i]);
		c->values[i] = dup_or_null(f->values[i]);
	}
	c->geom_format = f->geom_format;
	c->geom_text = dup_or_null(f->geom_text);
	return ER_OK;
}

static void
seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < s->f[i].nprops && j < MAX_PROPS; j++) {
			free(s->f[i].keys[j]);
			free(s->f[i].values[j]);
		}
		free(s->f[i].geom_text);
	}
	memset(s, 0, sizeof *s);
}

static void
read_ok(const char *text, struct seen *s)
{
	struct er_error err;
	memset(s, 0, sizeof *s);
	enum er_code rc =
	    er_geojson_read("t.geojson", text, strlen(text), collect, s, &err);
	if (rc != ER_OK)
		fail_msg("read failed: %s: %s", err.where, err.message);
}

static void
expect_error(const char *text, const char *where, const char *message)
{
	struct er_error err;
	struct seen s;
	memset(&s, 0, sizeof s);
	enum er_code rc =
	    er_geojson_read("t.geojson", text, strlen(text), collect, &s, &err);
	seen_free(&s);
	if (rc == ER_OK)
		fail_msg("read, but expected \"%s\"", message);
	assert_int_equal(rc, ER_EPARSE);
	assert_int_equal(err.code, ER_EPARSE);
	assert_string_equal(err.where, where);
	assert_string_equal(err.message, message);
}

static void
assert_prop(const struct seen_feature *f, size_t i, const char *key,
            const char *value)
{
	assert_true(i < f->nprops);
	assert_string_equal(f->keys[i], key);
	if (!value)
		assert_null(f->values[i]);
	else
		assert_string_equal(f->values[i], value);
}

static const char collection[] =
    "{\n"
    "\"type\": \"FeatureCollection\",\n"
    "\"name\": \"shelters\",\n"
    "\"features\": [\n"
    "{ \"type\": \"Feature\", \"properties\": { \"名称\": "
    "\"苫小牧市立青葉小学校\", "
    "\"capacity\": 350, \"area\": 1.50e+3, \"open\": true, \"closed\": false, "
    "\"note\": null, \"tags\": [\"school\", 2], \"meta\": {\"a\": {\"b\": "
    "[]}}, "
    "\"esc\": \"a\\\"b\\u3042\" },\n"
    "  \"geometry\": { \"type\": \"Polygon\", \"coordinates\": "
    "[ [ [141.5, 42.6], [141.6, 42.6], [141.6, 42.7], [141.5, 42.6] ],\n"
    "    [ [141.52, 42.62], [141.53, 42.62], [141.53, 42.63], [141.52, 42.62] "
    "] ] } },\n"
    "  {\"type\":\"Feature\",\"properties\":null,\"geometry\":"
    "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]],"
    "[[[5,5],[6,5],[6,6],[5,5]],[[5.1,5.1],[5.2,5.1],[5.2,5.2],[5.1,5.1]]]]}},"
    "\n"
    "  "
    "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"id\":\"x\"}},\n"
    "  {\"geometry\":{\"type\":\"Point\",\"coordinates\":[141.1,42.2]},"
    "\"id\": 7, \"type\":\"Feature\"}\n"
    "]\n"
    "}\n";

static void
test_feature_collection(void **state)
{
	(void)state;
	struct seen s;
	read_ok(collection, &s);
	assert_int_equal(s.n, 4);

	const struct seen_feature *f = &s.f[0];
	assert_int_equal(f->line, 5);
	assert_int_equal(f->column, 1);
	assert_int_equal(f->nprops, 9);
	assert_prop(f, 0, "名称", "苫小牧市立青葉小学校");
	assert_prop(f, 1, "capacity", "350");
	assert_prop(f, 2, "area", "1.50e+3");
	assert_prop(f, 3, "open", "true");
	assert_prop(f, 4, "closed", "false");
	assert_prop(f, 5, "note", NULL);
	assert_prop(f, 6, "tags", "[\"school\", 2]");
	assert_prop(f, 7, "meta", "{\"a\": {\"b\": []}}");
	assert_prop(f, 8, "esc", "a\"bあ");
	assert_int_equal(f->geom_format, ER_GEOM_GEOJSON);
	assert_int_equal(f->geom_line, 6);
	assert_string_equal(
	    f->geom_text,
	    "{ \"type\": \"Polygon\", \"coordinates\": "
	    "[ [ [141.5, 42.6], [141.6, 42.6], [141.6, 42.7], [141.5, 42.6] "
	    "],\n"
	    "    [ [141.52, 42.62], [141.53, 42.62], [141.53, 42.63], "
	    "[141.52, 42.62] ] ] }");

	f = &s.f[1];
	assert_int_equal(f->line, 8);
	assert_int_equal(f->column, 3);
	assert_int_equal(f->nprops, 0);
	assert_int_equal(f->geom_format, ER_GEOM_GEOJSON);
	assert_string_equal(f->geom_text,
	                    "{\"type\":\"MultiPolygon\",\"coordinates\":"
	                    "[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],"
	                    "[5,5]],[[5.1,5.1],[5.2,5.1],[5.2,5.2],"
	                    "[5.1,5.1]]]]}");

	f = &s.f[2];
	assert_int_equal(f->geom_format, ER_GEOM_NONE);
	assert_null(f->geom_text);
	assert_prop(f, 0, "id", "x");

	f = &s.f[3];
	assert_int_equal(f->line, 10);
	assert_int_equal(f->nprops, 0);
	assert_string_equal(
	    f->geom_text, "{\"type\":\"Point\",\"coordinates\":[141.1,42.2]}");
	seen_free(&s);
}

static void
test_single_feature_and_lookup(void **state)
{
	(void)state;
	static const char text[] =
	    "\xEF\xBB\xBF{\"type\":\"Feature\",\"properties\":{\"S_NAME\":"
	    "\"青葉町\",\"s_name\":\"lower\",\"Key\":\"k\"},\"geometry\":"
	    "{\"type\":\"GeometryCollection\",\"geometries\":[]}}";
	struct seen s;
	read_ok(text, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.f[0].line, 1);
	assert_int_equal(s.f[0].column, 1);
	assert_string_equal(s.f[0].geom_text,
	                    "{\"type\":\"GeometryCollection\","
	                    "\"geometries\":[]}");
	seen_free(&s);

	/* er_feature_get: exact match first, then case-insensitive */
	struct er_feature f;
	memset(&f, 0, sizeof f);
	struct er_error err;
	assert_int_equal(er_feature_add_prop(&f, "S_NAME", "upper", &err),
	                 ER_OK);
	assert_int_equal(er_feature_add_prop(&f, "s_name", "lower", &err),
	                 ER_OK);
	assert_int_equal(er_feature_add_prop(&f, "nothing", NULL, &err), ER_OK);
	assert_int_equal(er_feature_add_propn(&f, "cut", "abcdef", 3, &err),
	                 ER_OK);
	for (int i = 0; i < 40; i++) {
		char k[16];
		snprintf(k, sizeof k, "k%d", i);
		assert_int_equal(er_feature_add_prop(&f, k, k, &err), ER_OK);
	}
	assert_int_equal(f.nprops, 44);
	assert_string_equal(er_feature_get(&f, "S_NAME"), "upper");
	assert_string_equal(er_feature_get(&f, "s_name"), "lower");
	assert_string_equal(er_feature_get(&f, "S_name"), "upper");
	assert_string_equal(er_feature_get(&f, "CUT"), "abc");
	assert_string_equal(er_feature_get(&f, "k39"), "k39");
	assert_null(er_feature_get(&f, "nothing"));
	assert_null(er_feature_get(&f, "absent"));
	assert_null(er_feature_get(NULL, "absent"));
	er_feature_finish(&f);
	assert_int_equal(f.nprops, 0);
	assert_null(f.keys);
	er_feature_finish(&f);
	er_feature_finish(NULL);

	char q[32];
	er_feature_quote(q, sizeof q, "a\"b\\c\nd", 7);
	assert_string_equal(q, "a\\\"b\\\\c\\x0Ad");
	er_feature_quote(q, 16, "苫小牧市立青葉", strlen("苫小牧市立青葉"));
	assert_string_equal(q, "苫小牧...");
}

static void
test_document_errors(void **state)
{
	(void)state;
	expect_error("[1]", "t.geojson:1:1",
	             "expected a GeoJSON FeatureCollection or Feature object, "
	             "found an array");
	expect_error("\"x\"", "t.geojson:1:1",
	             "expected a GeoJSON FeatureCollection or Feature object, "
	             "found \"x\"");
	expect_error("{\"features\":[]}", "t.geojson:1:1",
	             "GeoJSON object has no \"type\" member");
	expect_error("{\n \"type\": \"Polygon\", \"coordinates\": []}",
	             "t.geojson:2:10",
	             "expected \"type\": \"FeatureCollection\" or \"Feature\", "
	             "found \"Polygon\"");
	expect_error("{\"type\": 3}", "t.geojson:1:10",
	             "expected \"type\": \"FeatureCollection\" or \"Feature\", "
	             "found a number");
	expect_error("{\"type\":\"FeatureCollection\"}", "t.geojson:1:1",
	             "FeatureCollection has no \"features\" member");
	expect_error("{\"type\":\"FeatureCollection\",\"features\":{}}",
	             "t.geojson:1:40",
	             "\"features\" must be an array, not an object");
	/* JSON errors come through unchanged */
	expect_error("{\"type\":\"FeatureCollection\",\"features\":[}",
	             "t.geojson:1:41", "expected a value or ']'");
	expect_error("", "t.geojson:1:1", "the input is empty");
}

static void
test_feature_errors(void **state)
{
	(void)state;
	expect_error(
	    "{\"type\":\"FeatureCollection\",\"features\":[\n"
	    "  {\"type\":\"Feature\",\"properties\":{},\"geometry\":null},\n"
	    "  42]}",
	    "t.geojson:3:3", "features[1] is a number, not a Feature object");
	expect_error("{\"type\":\"FeatureCollection\",\"features\":[\n"
	             "  {\"properties\":{}}]}",
	             "t.geojson:2:3",
	             "features[0] has no \"type\": \"Feature\"");
	expect_error("{\"type\":\"FeatureCollection\",\"features\":[\n"
	             "  {\"type\":\"Point\",\"coordinates\":[1,2]}]}",
	             "t.geojson:2:11",
	             "expected \"type\": \"Feature\", found \"Point\"");
	expect_error("{\"type\":\"Feature\",\"properties\":\"a=b\"}",
	             "t.geojson:1:32",
	             "\"properties\" must be an object or null, not \"a=b\"");
	expect_error("{\"type\":\"Feature\",\"properties\":[]}",
	             "t.geojson:1:32",
	             "\"properties\" must be an object or null, not an array");
	expect_error("{\"type\":\"Feature\",\"geometry\":\"POINT(1 2)\"}",
	             "t.geojson:1:30",
	             "\"geometry\" must be an object or null, not "
	             "\"POINT(1 2)\"");
	expect_error(
	    "{\"type\":\"Feature\",\"geometry\":{\"coordinates\":[1,2]}}",
	    "t.geojson:1:30", "geometry has no \"type\" member");
	expect_error("{\"type\":\"Feature\",\"geometry\":{\"type\":\"point\","
	             "\"coordinates\":[1,2]}}",
	             "t.geojson:1:38", "unknown geometry type \"point\"");
	expect_error("{\"type\":\"Feature\",\"geometry\":{\"type\":null}}",
	             "t.geojson:1:38", "unknown geometry type null");
	expect_error(
	    "{\"type\":\"Feature\",\"properties\":{\"a\":\"x\\u0000y\"}}",
	    "t.geojson:1:37",
	    "property \"a\" contains a NUL character (\\u0000)");
	expect_error("{\"type\":\"Feature\",\"properties\":{\"a\\u0000b\":1}}",
	             "t.geojson:1:33",
	             "property name \"a\\x00b\" contains a NUL character "
	             "(\\u0000)");
}

static void
test_callback_stops(void **state)
{
	(void)state;
	struct seen s;
	memset(&s, 0, sizeof s);
	s.stop_after = 2;
	struct er_error err;
	enum er_code rc = er_geojson_read(
	    "t.geojson", collection, strlen(collection), collect, &s, &err);
	assert_int_equal(rc, ER_EINVALID);
	assert_string_equal(err.message, "stop here");
	assert_int_equal(s.n, 1);
	seen_free(&s);
	/* err may be NULL */
	memset(&s, 0, sizeof s);
	assert_int_equal(
	    er_geojson_read("t.geojson", "[", 1, collect, &s, NULL), ER_EPARSE);
	assert_int_equal(er_geojson_read(NULL, collection, strlen(collection),
	                                 collect, &s, NULL),
	                 ER_OK);
	seen_free(&s);
}

static void
test_out_of_memory(void **state)
{
	(void)state;
	int ok = 0;
	for (long fail = 1; fail < 10000 && !ok; fail++) {
		struct seen s;
		memset(&s, 0, sizeof s);
		struct er_error err;
		er_error_clear(&err);
		er_alloc_fail_after(fail);
		enum er_code rc =
		    er_geojson_read("t.geojson", collection, strlen(collection),
		                    collect, &s, &err);
		er_alloc_fail_after(0);
		if (rc == ER_OK) {
			ok = 1;
			assert_int_equal(s.n, 4);
		} else {
			assert_int_equal(rc, ER_ENOMEM);
			assert_int_equal(err.code, ER_ENOMEM);
		}
		seen_free(&s);
	}
	assert_true(ok);
}

struct city {
	size_t n, with_names;
	unsigned last_line;
	int bad;
};

static enum er_code
count_city(const struct er_feature *f, void *ud, struct er_error *err)
{
	(void)err;
	struct city *c = ud;
	c->n++;
	const char *key = er_feature_get(f, "KEY_CODE");
	const char *name = er_feature_get(f, "S_NAME");
	if (key && name && !strncmp(key, "01213", 5) && name[0])
		c->with_names++;
	if (f->geom_format != ER_GEOM_GEOJSON ||
	    strncmp(f->geom_text, "{ \"type\": \"MultiPolygon\"", 24) != 0 ||
	    f->line <= c->last_line)
		c->bad++;
	c->last_line = f->line;
	return ER_OK;
}

static void
test_tomakomai_districts(void **state)
{
	(void)state;
	/* the shipped copy of ../shared's file, so the test never depends
	 * on what lies beside the checkout */
	const char *root = getenv("ER_SOURCE_ROOT");
	assert_non_null(root);
	char path[4096];
	snprintf(path, sizeof path, "%s/data/tomakomai/districts.geojson",
	         root);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot read %s", path);
	fseek(fp, 0, SEEK_END);
	long len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	assert_true(len > 0);
	char *data = malloc((size_t)len);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	struct city c = {0, 0, 0, 0};
	struct er_error err;
	enum er_code rc =
	    er_geojson_read(path, data, (size_t)len, count_city, &c, &err);
	if (rc != ER_OK)
		fail_msg("%s: %s", err.where, err.message);
	assert_int_equal(c.n, 299);
	assert_int_equal(c.with_names, 299);
	assert_int_equal(c.bad, 0);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_feature_collection),
	    cmocka_unit_test(test_single_feature_and_lookup),
	    cmocka_unit_test(test_document_errors),
	    cmocka_unit_test(test_feature_errors),
	    cmocka_unit_test(test_callback_stops),
	    cmocka_unit_test(test_out_of_memory),
	    cmocka_unit_test(test_tomakomai_districts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
