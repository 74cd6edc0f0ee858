/* Base-map import from GeoJSON and OpenStreetMap XML: features per
 * layer, lines vs polygons, features outside the districts skipped,
 * re-import replaces the layer, refusals, and the audit row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "src/basemap.h"
#include "src/export.h"
#include "testutil.h"
#include <evacreg/evacreg.h>
#include <evacreg/export.h>

static const char districts[] =
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
    "\"properties\":{\"code\":\"D1\",\"name\":\"錦町\"},\"geometry\":{"
    "\"type\":\"Polygon\",\"coordinates\":[[[141.59,42.62],[141.62,42.62],"
    "[141.62,42.64],[141.59,42.64],[141.59,42.62]]]}}]}\n";

/* two roads, a building, a point (refused: not a line or polygon), a
 * road in Osaka (refused: outside), and a broken geometry */
static const char roads[] =
    "{\"type\":\"FeatureCollection\",\"features\":[\n"
    "{\"type\":\"Feature\",\"properties\":{\"kind\":\"primary\",\"name\":"
    "\"国道36号\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":"
    "[[141.595,42.625],[141.615,42.635]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"kind\":\"residential\"},"
    "\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":"
    "[[[141.60,42.63],[141.61,42.63]],[[141.60,42.631],[141.60,42.639]]]}}"
    ",\n"
    "{\"type\":\"Feature\",\"properties\":{\"kind\":\"building\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[141.60,42.63],"
    "[141.601,42.63],[141.601,42.631],[141.60,42.63]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
    "\"Point\",\"coordinates\":[141.6,42.63]}},\n"
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
    "\"LineString\",\"coordinates\":[[135.5,34.6],[135.6,34.7]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
    "\"LineString\",\"coordinates\":[[141.6]]}}\n"
    "]}\n";

struct count {
	const char *layer;
	long n, lines, polys;
	char names[512];
};

static enum er_code
count_fn(const struct er_xfeature *f, void *ud, struct er_error *err)
{
	(void)err;
	struct count *c = ud;
	if (strcmp(f->layer, c->layer) != 0)
		return ER_OK;
	c->n++;
	/* WKB: byte order, then the type */
	assert_true(f->wkb_len >= 5);
	uint32_t type;
	memcpy(&type, f->wkb + 1, 4);
	if (type == 2 || type == 5)
		c->lines++;
	else if (type == 3 || type == 6)
		c->polys++;
	else
		fail_msg("unexpected WKB type %u", type);
	if (f->name) {
		size_t l = strlen(c->names);
		snprintf(c->names + l, sizeof c->names - l, "%s;", f->name);
	}
	return ER_OK;
}

/* Features of layer in the register. */
static struct count
layer_count(struct er_register *reg, const char *layer)
{
	struct count c = {.layer = layer};
	struct er_error err = {0};
	assert_int_equal(
	    er_x_basemap(reg, 120, 20, 155, 46, count_fn, &c, &err), ER_OK);
	return c;
}

static void *
setup_register(char **dirp)
{
	char *dir = tu_tmpdir();
	char *db = tu_path(dir, "r.db");
	char *dp = tu_path(dir, "d.geojson");
	tu_writes(dp, districts);
	struct er_error err = {0};
	assert_int_equal(er_register_init(db, NULL, &err), ER_OK);
	struct er_register *reg = er_register_open(db, 0, &err);
	assert_non_null(reg);
	struct er_import_options o = {.kind = ER_IMPORT_DISTRICTS, .path = dp};
	struct er_import_result res;
	if (er_register_import(reg, &o, &res, &err))
		fail_msg("%s: %s", err.where, err.message);
	free(db);
	free(dp);
	*dirp = dir;
	return reg;
}

static void
test_geojson(void **state)
{
	(void)state;
	char *dir;
	struct er_register *reg = setup_register(&dir);
	char *p = tu_path(dir, "roads.geojson");
	tu_writes(p, roads);
	struct er_import_result res;
	struct er_error err = {0};
	if (er_basemap_import(reg, p, "roads", &res, &err))
		fail_msg("%s: %s", err.where, err.message);
	assert_int_equal(res.read, 6);
	assert_int_equal(res.added, 3);
	assert_int_equal(res.rejected, 3);
	struct count c = layer_count(reg, "roads");
	assert_int_equal(c.n, 3);
	assert_int_equal(c.lines, 2);
	assert_int_equal(c.polys, 1);
	assert_string_equal(c.names, "国道36号;");
	/* again: the layer is replaced, not doubled */
	assert_int_equal(er_basemap_import(reg, p, "roads", &res, &err), ER_OK);
	assert_int_equal(layer_count(reg, "roads").n, 3);
	/* another layer name keeps the first */
	assert_int_equal(er_basemap_import(reg, p, "buildings", &res, &err),
	                 ER_OK);
	assert_int_equal(layer_count(reg, "roads").n, 3);
	assert_int_equal(layer_count(reg, "buildings").n, 3);
	er_register_close(reg);
	free(p);
	tu_rmdir(dir);
}

struct audit_seen {
	int basemap, water;
	char sha[65];
};

static enum er_code
audit_fn(const struct er_audit_entry *e, void *ud, struct er_error *err)
{
	(void)err;
	struct audit_seen *a = ud;
	if (strcmp(e->action, "import basemap") == 0) {
		a->basemap++;
		snprintf(a->sha, sizeof a->sha, "%s", e->file_sha256);
		a->water += strstr(e->detail, "\"layer\":\"water\"") != NULL;
	}
	return ER_OK;
}

static void
test_osm(void **state)
{
	(void)state;
	char *dir;
	struct er_register *reg = setup_register(&dir);
	char *src = tu_path(getenv("ER_SOURCE_ROOT"),
	                    "tests/fuzz/corpus/osm/small.osm");
	char *text = tu_read(src);
	assert_non_null(text);
	char *p = tu_path(dir, "map.osm");
	tu_writes(p, text);
	struct er_import_result res;
	struct er_error err = {0};
	static const struct {
		const char *layer;
		long added, lines, polys;
		const char *names;
	} want[] = {
	    /* 100, 101 (a missing node dropped); 106 keeps one point */
	    {"roads", 2, 2, 0, "錦町通;"},
	    {"buildings", 1, 0, 1, ""},
	    {"water", 1, 0, 1, "池;"},
	    {"rivers", 1, 1, 0, "幌内川;"},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		if (er_basemap_import(reg, p, want[i].layer, &res, &err))
			fail_msg("%s: %s", err.where, err.message);
		assert_int_equal(res.added, want[i].added);
		assert_int_equal(res.rejected, 0);
		struct count c = layer_count(reg, want[i].layer);
		assert_int_equal(c.n, want[i].added);
		assert_int_equal(c.lines, want[i].lines);
		assert_int_equal(c.polys, want[i].polys);
		assert_string_equal(c.names, want[i].names);
	}
	struct audit_seen a = {0};
	assert_int_equal(er_register_audit_list(reg, audit_fn, &a, &err),
	                 ER_OK);
	assert_int_equal(a.basemap, 4);
	assert_int_equal(a.water, 1);
	assert_int_equal(strlen(a.sha), 64);

	/* OSM holds four layers only */
	assert_int_equal(er_basemap_import(reg, p, "parks", &res, &err),
	                 ER_EUSAGE);
	/* a map layer's own name is refused */
	assert_int_equal(er_basemap_import(reg, p, "household", &res, &err),
	                 ER_EUSAGE);
	/* a DOCTYPE is refused and nothing changes */
	char *bad = tu_path(dir, "bad.osm");
	tu_writes(bad, "<?xml version=\"1.0\"?>\n<!DOCTYPE osm>\n<osm>"
	               "<node id=\"1\" lat=\"42.63\" lon=\"141.6\"/>"
	               "<node id=\"2\" lat=\"42.64\" lon=\"141.6\"/>"
	               "<way id=\"3\"><nd ref=\"1\"/><nd ref=\"2\"/>"
	               "<tag k=\"highway\" v=\"x\"/></way></osm>\n");
	assert_int_equal(er_basemap_import(reg, bad, "roads", &res, &err),
	                 ER_EPARSE);
	assert_non_null(strstr(err.where, "bad.osm:2"));
	assert_int_equal(layer_count(reg, "roads").n, 2);
	/* malformed XML: the line is named, the layer kept */
	tu_writes(bad, "<osm>\n<node id=\"1\" lat=\"42.63\" lon=\"141.6\">"
	               "\n</osm>\n");
	assert_int_equal(er_basemap_import(reg, bad, "roads", &res, &err),
	                 ER_EPARSE);
	assert_non_null(strstr(err.where, "bad.osm:3"));
	assert_int_equal(layer_count(reg, "roads").n, 2);
	er_register_close(reg);
	free(bad);
	free(p);
	free(src);
	free(text);
	tu_rmdir(dir);
}

static void
test_needs_districts(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *db = tu_path(dir, "r.db");
	char *p = tu_path(dir, "roads.geojson");
	tu_writes(p, roads);
	struct er_error err = {0};
	assert_int_equal(er_register_init(db, NULL, &err), ER_OK);
	struct er_register *reg = er_register_open(db, 0, &err);
	assert_non_null(reg);
	struct er_import_result res;
	assert_int_equal(er_basemap_import(reg, p, "roads", &res, &err),
	                 ER_EUSAGE);
	assert_non_null(strstr(err.message, "import districts"));
	er_register_close(reg);
	free(db);
	free(p);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_geojson),
	    cmocka_unit_test(test_osm),
	    cmocka_unit_test(test_needs_districts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
