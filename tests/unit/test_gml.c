/* Unit tests for the GML reader: what ogr2ogr writes in GML 2, 3 and 3.2,
 * WFS collections, the geometry forms, axis order, and every malformed
 * case with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/alloc.h"
#include "src/feature.h"
#include <evacreg/error.h>

#define MAX_FEATURES 8
#define MAX_PROPS 16

struct seen_feature {
	unsigned line, column, geom_line;
	size_t nprops;
	char *keys[MAX_PROPS];
	char *values[MAX_PROPS];
	enum er_geom_format geom_format;
	char *geom_text;
	char *geom_error;
};

struct seen {
	size_t n;
	struct seen_feature f[MAX_FEATURES];
	const char *secret;
	size_t leaks;
};

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static enum er_code
collect(const struct er_feature *f, void *ud, struct er_error *err)
{
	(void)err;
	struct seen *s = ud;
	if (s->secret)
		for (size_t i = 0; i < f->nprops; i++)
			if (f->values[i] && strstr(f->values[i], s->secret))
				s->leaks++;
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
	c->geom_error = dup_or_null(f->geom_error);
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
		free(s->f[i].geom_error);
	}
	s->n = 0;
}

static void
read_ok(const char *text, struct seen *s)
{
	struct er_error err;
	memset(s, 0, sizeof *s);
	enum er_code rc =
	    er_gml_read("t.gml", text, strlen(text), collect, s, &err);
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
	    er_gml_read("t.gml", text, strlen(text), collect, &s, &err);
	if (rc == ER_OK) {
		/* a bad geometry is reported on its feature, and the rest
		 * of the file is still read */
		char want[1024];
		snprintf(want, sizeof want, "%s: %s", where, message);
		for (size_t i = 0; i < s.n; i++)
			if (s.f[i].geom_error &&
			    strcmp(s.f[i].geom_error, want) == 0) {
				assert_int_equal(s.f[i].geom_format,
						 ER_GEOM_NONE);
				seen_free(&s);
				return;
			}
		seen_free(&s);
		fail_msg("read, but expected \"%s\"", want);
	}
	seen_free(&s);
	assert_int_equal(rc, ER_EPARSE);
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

/* A one-feature ogr collection with geometry property body, in buf. */
static const char *
feature(char *buf, size_t size, const char *body)
{
	snprintf(
	    buf, size,
	    "<ogr:FeatureCollection xmlns:ogr=\"http://ogr.maptools.org/\" "
	    "xmlns:gml=\"http://www.opengis.net/gml\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
	    "<gml:featureMember><ogr:f fid=\"F\">\n"
	    "<ogr:geometryProperty>%s</ogr:geometryProperty>\n"
	    "</ogr:f></gml:featureMember></ogr:FeatureCollection>\n",
	    body);
	return buf;
}

static void
expect_geometry(const char *body, const char *geom)
{
	char buf[4096];
	struct seen s;
	read_ok(feature(buf, sizeof buf, body), &s);
	assert_int_equal(s.n, 1);
	if (!geom) {
		assert_int_equal(s.f[0].geom_format, ER_GEOM_NONE);
		assert_null(s.f[0].geom_text);
	} else {
		assert_int_equal(s.f[0].geom_format, ER_GEOM_GML);
		assert_string_equal(s.f[0].geom_text, geom);
	}
	seen_free(&s);
}

static void
expect_geometry_error(const char *body, const char *message)
{
	char buf[4096];
	expect_error(feature(buf, sizeof buf, body), "t.gml:3", message);
}

/* ogr2ogr -f GML -dsco FORMAT=GML2 (GDAL 3.6.2) from the three shelters */
static const char ogr_gml2[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<ogr:FeatureCollection\n"
    "     xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    "     xsi:schemaLocation=\"http://ogr.maptools.org/ gml2.xsd\"\n"
    "     xmlns:ogr=\"http://ogr.maptools.org/\"\n"
    "     xmlns:gml=\"http://www.opengis.net/gml\">\n"
    "  <gml:boundedBy>\n"
    "    <gml:Box>\n"
    "      <gml:coord><gml:X>141</gml:X><gml:Y>42</gml:Y></gml:coord>\n"
    "      <gml:coord><gml:X>141.6</gml:X><gml:Y>42.7</gml:Y></gml:coord>\n"
    "    </gml:Box>\n"
    "  </gml:boundedBy>\n"
    "                                                                          "
    "                                                                          "
    "  \n"
    "  <gml:featureMember>\n"
    "    <ogr:shelters fid=\"shelters.0\">\n"
    "      <ogr:geometryProperty><gml:Polygon "
    "srsName=\"EPSG:4326\"><gml:outerBoundaryIs><gml:LinearRing><gml:"
    "coordinates>141.5,42.6 141.6,42.6 141.6,42.7 "
    "141.5,42.6</gml:coordinates></gml:LinearRing></"
    "gml:outerBoundaryIs><gml:innerBoundaryIs><gml:LinearRing><gml:coordinates>"
    "141.52,42.62 141.53,42.62 141.53,42.63 "
    "141.52,42.62</gml:coordinates></gml:LinearRing></gml:innerBoundaryIs></"
    "gml:Polygon></ogr:geometryProperty>\n"
    "      <ogr:id>1</ogr:id>\n"
    "      <ogr:name>青葉小学校</ogr:name>\n"
    "      <ogr:capacity>350</ogr:capacity>\n"
    "      <ogr:note>A &amp; B &lt;main&gt;</ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </gml:featureMember>\n"
    "  <gml:featureMember>\n"
    "    <ogr:shelters fid=\"shelters.1\">\n"
    "      <ogr:geometryProperty><gml:MultiPolygon "
    "srsName=\"EPSG:4326\"><gml:polygonMember><gml:Polygon><gml:"
    "outerBoundaryIs><gml:LinearRing><gml:coordinates>141,42 141.1,42.0 "
    "141.1,42.1 "
    "141,42</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></"
    "gml:Polygon></"
    "gml:polygonMember><gml:polygonMember><gml:Polygon><gml:outerBoundaryIs><"
    "gml:LinearRing><gml:coordinates>141.2,42.2 141.3,42.2 141.3,42.3 "
    "141.2,42.2</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></"
    "gml:Polygon></gml:polygonMember></gml:MultiPolygon></"
    "ogr:geometryProperty>\n"
    "      <ogr:id>2</ogr:id>\n"
    "      <ogr:name>North School</ogr:name>\n"
    "      <ogr:capacity xsi:nil=\"true\"/>\n"
    "      <ogr:note></ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </gml:featureMember>\n"
    "  <gml:featureMember>\n"
    "    <ogr:shelters fid=\"shelters.2\">\n"
    "      <ogr:geometryProperty><gml:Point "
    "srsName=\"EPSG:4326\"><gml:coordinates>141.4,42.55</gml:coordinates></"
    "gml:Point></ogr:geometryProperty>\n"
    "      <ogr:id>3</ogr:id>\n"
    "      <ogr:name>錦岡</ogr:name>\n"
    "      <ogr:capacity>40</ogr:capacity>\n"
    "      <ogr:note>津波</ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </gml:featureMember>\n"
    "</ogr:FeatureCollection>\n";

/* ogr2ogr -f GML -dsco FORMAT=GML3: EPSG axis order (latitude first) */
static const char ogr_gml3[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<ogr:FeatureCollection\n"
    "     xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    "     xsi:schemaLocation=\"http://ogr.maptools.org/ gml3.xsd\"\n"
    "     xmlns:ogr=\"http://ogr.maptools.org/\"\n"
    "     xmlns:gml=\"http://www.opengis.net/gml\">\n"
    "  <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:lowerCorner>42 "
    "141</gml:lowerCorner><gml:upperCorner>42.7 "
    "141.6</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "                                                                          "
    "                                                                          "
    "                \n"
    "  <ogr:featureMember>\n"
    "    <ogr:shelters gml:id=\"shelters.0\">\n"
    "      <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:lowerCorner>42.6 "
    "141.5</gml:lowerCorner><gml:upperCorner>42.7 "
    "141.6</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "      <ogr:geometryProperty><gml:Polygon "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:exterior><gml:LinearRing><gml:"
    "posList>42.6 141.5 42.6 141.6 42.7 141.6 42.6 "
    "141.5</gml:posList></gml:LinearRing></"
    "gml:exterior><gml:interior><gml:LinearRing><gml:posList>42.62 141.52 "
    "42.62 141.53 42.63 141.53 42.62 "
    "141.52</gml:posList></gml:LinearRing></gml:interior></gml:Polygon></"
    "ogr:geometryProperty>\n"
    "      <ogr:id>1</ogr:id>\n"
    "      <ogr:name>青葉小学校</ogr:name>\n"
    "      <ogr:capacity>350</ogr:capacity>\n"
    "      <ogr:note>A &amp; B &lt;main&gt;</ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </ogr:featureMember>\n"
    "  <ogr:featureMember>\n"
    "    <ogr:shelters gml:id=\"shelters.1\">\n"
    "      <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:lowerCorner>42 "
    "141</gml:lowerCorner><gml:upperCorner>42.3 "
    "141.3</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "      <ogr:geometryProperty><gml:MultiSurface "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:surfaceMember><gml:Polygon><"
    "gml:exterior><gml:LinearRing><gml:posList>42 141 42.0 141.1 42.1 141.1 42 "
    "141</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></"
    "gml:surfaceMember><gml:surfaceMember><gml:Polygon><gml:exterior><gml:"
    "LinearRing><gml:posList>42.2 141.2 42.2 141.3 42.3 141.3 42.2 "
    "141.2</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></"
    "gml:surfaceMember></gml:MultiSurface></ogr:geometryProperty>\n"
    "      <ogr:id>2</ogr:id>\n"
    "      <ogr:name>North School</ogr:name>\n"
    "      <ogr:capacity xsi:nil=\"true\"/>\n"
    "      <ogr:note></ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </ogr:featureMember>\n"
    "  <ogr:featureMember>\n"
    "    <ogr:shelters gml:id=\"shelters.2\">\n"
    "      <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:lowerCorner>42.55 "
    "141.4</gml:lowerCorner><gml:upperCorner>42.55 "
    "141.4</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "      <ogr:geometryProperty><gml:Point "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>42.55 "
    "141.4</gml:pos></gml:Point></ogr:geometryProperty>\n"
    "      <ogr:id>3</ogr:id>\n"
    "      <ogr:name>錦岡</ogr:name>\n"
    "      <ogr:capacity>40</ogr:capacity>\n"
    "      <ogr:note>津波</ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </ogr:featureMember>\n"
    "</ogr:FeatureCollection>\n";

/* ogr2ogr -f GML -dsco FORMAT=GML3.2 */
static const char ogr_gml32[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<ogr:FeatureCollection\n"
    "     gml:id=\"aFeatureCollection\"\n"
    "     xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    "     xsi:schemaLocation=\"http://ogr.maptools.org/ gml32.xsd\"\n"
    "     xmlns:ogr=\"http://ogr.maptools.org/\"\n"
    "     xmlns:gml=\"http://www.opengis.net/gml/3.2\">\n"
    "  <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:lowerCorner>42 "
    "141</gml:lowerCorner><gml:upperCorner>42.7 "
    "141.6</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "                                                                          "
    "                                                                          "
    "                \n"
    "  <ogr:featureMember>\n"
    "    <ogr:shelters gml:id=\"shelters.0\">\n"
    "      <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:lowerCorner>42.6 "
    "141.5</gml:lowerCorner><gml:upperCorner>42.7 "
    "141.6</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "      <ogr:geometryProperty><gml:Polygon "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\" "
    "gml:id=\"shelters.geom.0\"><gml:exterior><gml:LinearRing><gml:posList>42."
    "6 141.5 42.6 141.6 42.7 141.6 42.6 "
    "141.5</gml:posList></gml:LinearRing></"
    "gml:exterior><gml:interior><gml:LinearRing><gml:posList>42.62 141.52 "
    "42.62 141.53 42.63 141.53 42.62 "
    "141.52</gml:posList></gml:LinearRing></gml:interior></gml:Polygon></"
    "ogr:geometryProperty>\n"
    "      <ogr:id>1</ogr:id>\n"
    "      <ogr:name>青葉小学校</ogr:name>\n"
    "      <ogr:capacity>350</ogr:capacity>\n"
    "      <ogr:note>A &amp; B &lt;main&gt;</ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </ogr:featureMember>\n"
    "  <ogr:featureMember>\n"
    "    <ogr:shelters gml:id=\"shelters.1\">\n"
    "      <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:lowerCorner>42 "
    "141</gml:lowerCorner><gml:upperCorner>42.3 "
    "141.3</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "      <ogr:geometryProperty><gml:MultiSurface "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\" "
    "gml:id=\"shelters.geom.1\"><gml:surfaceMember><gml:Polygon "
    "gml:id=\"shelters.geom.1.0\"><gml:exterior><gml:LinearRing><gml:posList>"
    "42 141 42.0 141.1 42.1 141.1 42 "
    "141</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></"
    "gml:surfaceMember><gml:surfaceMember><gml:Polygon "
    "gml:id=\"shelters.geom.1.1\"><gml:exterior><gml:LinearRing><gml:posList>"
    "42.2 141.2 42.2 141.3 42.3 141.3 42.2 "
    "141.2</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></"
    "gml:surfaceMember></gml:MultiSurface></ogr:geometryProperty>\n"
    "      <ogr:id>2</ogr:id>\n"
    "      <ogr:name>North School</ogr:name>\n"
    "      <ogr:capacity xsi:nil=\"true\"/>\n"
    "      <ogr:note></ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </ogr:featureMember>\n"
    "  <ogr:featureMember>\n"
    "    <ogr:shelters gml:id=\"shelters.2\">\n"
    "      <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:lowerCorner>42.55 "
    "141.4</gml:lowerCorner><gml:upperCorner>42.55 "
    "141.4</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "      <ogr:geometryProperty><gml:Point "
    "srsName=\"urn:ogc:def:crs:EPSG::4326\" "
    "gml:id=\"shelters.geom.2\"><gml:pos>42.55 "
    "141.4</gml:pos></gml:Point></ogr:geometryProperty>\n"
    "      <ogr:id>3</ogr:id>\n"
    "      <ogr:name>錦岡</ogr:name>\n"
    "      <ogr:capacity>40</ogr:capacity>\n"
    "      <ogr:note>津波</ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </ogr:featureMember>\n"
    "</ogr:FeatureCollection>\n";

/* ogr2ogr -f GML -dsco FORMAT=GML3 -t_srs EPSG:6680 (JGD2011 / Japan Plane
 * Rectangular CS XII: northing first) */
static const char ogr_jgd[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<ogr:FeatureCollection\n"
    "     xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    "     xsi:schemaLocation=\"http://ogr.maptools.org/ jgd.xsd\"\n"
    "     xmlns:ogr=\"http://ogr.maptools.org/\"\n"
    "     xmlns:gml=\"http://www.opengis.net/gml\">\n"
    "  <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::6680\"><gml:lowerCorner>-221523.476326274 "
    "-103553.97064219</gml:lowerCorner><gml:upperCorner>-144210.130103204 "
    "-53253.5233601501</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "                                                                          "
    "                                     \n"
    "  <ogr:featureMember>\n"
    "    <ogr:shelters gml:id=\"shelters.0\">\n"
    "      <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::6680\"><gml:lowerCorner>-155317.671253302 "
    "-61544.9241474767</gml:lowerCorner><gml:upperCorner>-144210.130103204 "
    "-53253.5233601501</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "      <ogr:geometryProperty><gml:Polygon "
    "srsName=\"urn:ogc:def:crs:EPSG::6680\"><gml:exterior><gml:LinearRing><gml:"
    "posList>-155249.807315406 -61544.9241474767 -155317.671253302 "
    "-53338.9018032894 -144210.130103204 -53253.5233601501 -155249.807315406 "
    "-61544.9241474767</gml:posList></gml:LinearRing></"
    "gml:exterior><gml:interior><gml:LinearRing><gml:posList>-153042.659736901 "
    "-59884.5555772142 -153049.688946892 -59064.2155073844 -151938.938260429 "
    "-59054.762618937 -153042.659736901 "
    "-59884.5555772142</gml:posList></gml:LinearRing></gml:interior></"
    "gml:Polygon></ogr:geometryProperty>\n"
    "      <ogr:id>1</ogr:id>\n"
    "      <ogr:name>青葉小学校</ogr:name>\n"
    "      <ogr:capacity>350</ogr:capacity>\n"
    "      <ogr:note>A &amp; B &lt;main&gt;</ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </ogr:featureMember>\n"
    "  <ogr:featureMember>\n"
    "    <ogr:shelters gml:id=\"shelters.1\">\n"
    "      <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::6680\"><gml:lowerCorner>-221523.476326274 "
    "-103553.97064219</gml:lowerCorner><gml:upperCorner>-188406.682715266 "
    "-78329.957379261</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "      <ogr:geometryProperty><gml:MultiSurface "
    "srsName=\"urn:ogc:def:crs:EPSG::6680\"><gml:surfaceMember><gml:Polygon><"
    "gml:exterior><gml:LinearRing><gml:posList>-221407.35907324 "
    "-103553.97064219 -221523.476326274 -95269.5294067478 -210416.927271012 "
    "-95120.2003167952 -221407.35907324 "
    "-103553.97064219</gml:posList></gml:LinearRing></gml:exterior></"
    "gml:Polygon></"
    "gml:surfaceMember><gml:surfaceMember><gml:Polygon><gml:exterior><gml:"
    "LinearRing><gml:posList>-199416.70630018 -86712.1723139742 "
    "-199513.535302423 -78453.7909042286 -188406.682715266 -78329.957379261 "
    "-199416.70630018 "
    "-86712.1723139742</gml:posList></gml:LinearRing></gml:exterior></"
    "gml:Polygon></gml:surfaceMember></gml:MultiSurface></"
    "ogr:geometryProperty>\n"
    "      <ogr:id>2</ogr:id>\n"
    "      <ogr:name>North School</ogr:name>\n"
    "      <ogr:capacity xsi:nil=\"true\"/>\n"
    "      <ogr:note></ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </ogr:featureMember>\n"
    "  <ogr:featureMember>\n"
    "    <ogr:shelters gml:id=\"shelters.2\">\n"
    "      <gml:boundedBy><gml:Envelope "
    "srsName=\"urn:ogc:def:crs:EPSG::6680\"><gml:lowerCorner>-160725.967665099 "
    "-69806.7087363088</gml:lowerCorner><gml:upperCorner>-160725.967665099 "
    "-69806.7087363088</gml:upperCorner></gml:Envelope></gml:boundedBy>\n"
    "      <ogr:geometryProperty><gml:Point "
    "srsName=\"urn:ogc:def:crs:EPSG::6680\"><gml:pos>-160725.967665099 "
    "-69806.7087363088</gml:pos></gml:Point></ogr:geometryProperty>\n"
    "      <ogr:id>3</ogr:id>\n"
    "      <ogr:name>錦岡</ogr:name>\n"
    "      <ogr:capacity>40</ogr:capacity>\n"
    "      <ogr:note>津波</ogr:note>\n"
    "    </ogr:shelters>\n"
    "  </ogr:featureMember>\n"
    "</ogr:FeatureCollection>\n";

static const char polygon_4326[] =
    "<gml:Polygon xmlns:gml=\"http://www.opengis.net/gml\" "
    "srsName=\"EPSG:4326\"><gml:exterior><gml:LinearRing><gml:posList>"
    "141.5 42.6 141.6 42.6 141.6 42.7 141.5 42.6</gml:posList>"
    "</gml:LinearRing></gml:exterior><gml:interior><gml:LinearRing>"
    "<gml:posList>141.52 42.62 141.53 42.62 141.53 42.63 141.52 42.62"
    "</gml:posList></gml:LinearRing></gml:interior></gml:Polygon>";

static const char multi_4326[] =
    "<gml:MultiSurface xmlns:gml=\"http://www.opengis.net/gml\" "
    "srsName=\"EPSG:4326\"><gml:surfaceMember><gml:Polygon><gml:exterior>"
    "<gml:LinearRing><gml:posList>141 42 141.1 42.0 141.1 42.1 141 42"
    "</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
    "</gml:surfaceMember><gml:surfaceMember><gml:Polygon><gml:exterior>"
    "<gml:LinearRing><gml:posList>141.2 42.2 141.3 42.2 141.3 42.3 "
    "141.2 42.2</gml:posList></gml:LinearRing></gml:exterior>"
    "</gml:Polygon></gml:surfaceMember></gml:MultiSurface>";

static const char point_4326[] =
    "<gml:Point xmlns:gml=\"http://www.opengis.net/gml\" "
    "srsName=\"EPSG:4326\"><gml:pos>141.4 42.55</gml:pos></gml:Point>";

/* The three shelters as every ogr2ogr GML flavour gives them: the same
 * text, x/y order, EPSG:4326. */
static void
check_ogr_shelters(const char *doc, const unsigned lines[3],
                   const unsigned geom_lines[3])
{
	struct seen s;
	read_ok(doc, &s);
	assert_int_equal(s.n, 3);
	const struct seen_feature *f = &s.f[0];
	assert_int_equal(f->line, lines[0]);
	assert_int_equal(f->column, 0);
	assert_int_equal(f->nprops, 5);
	assert_prop(f, 0, "gml_id", "shelters.0");
	assert_prop(f, 1, "id", "1");
	assert_prop(f, 2, "name", "青葉小学校");
	assert_prop(f, 3, "capacity", "350");
	assert_prop(f, 4, "note", "A & B <main>");
	assert_int_equal(f->geom_format, ER_GEOM_GML);
	assert_int_equal(f->geom_line, geom_lines[0]);
	assert_string_equal(f->geom_text, polygon_4326);

	f = &s.f[1];
	assert_int_equal(f->line, lines[1]);
	assert_int_equal(f->geom_line, geom_lines[1]);
	assert_prop(f, 0, "gml_id", "shelters.1");
	assert_prop(f, 2, "name", "North School");
	assert_prop(f, 3, "capacity", NULL); /* xsi:nil */
	assert_prop(f, 4, "note", "");
	assert_string_equal(f->geom_text, multi_4326);

	f = &s.f[2];
	assert_int_equal(f->line, lines[2]);
	assert_int_equal(f->geom_line, geom_lines[2]);
	assert_prop(f, 2, "name", "錦岡");
	assert_prop(f, 4, "note", "津波");
	assert_string_equal(f->geom_text, point_4326);
	seen_free(&s);
}

static void
test_ogr_gml2(void **state)
{
	(void)state;
	const unsigned lines[] = {15, 24, 33}, glines[] = {16, 25, 34};
	check_ogr_shelters(ogr_gml2, lines, glines);
}

static void
test_ogr_gml3_latitude_first(void **state)
{
	(void)state;
	const unsigned lines[] = {10, 20, 30}, glines[] = {12, 22, 32};
	check_ogr_shelters(ogr_gml3, lines, glines);
}

static void
test_ogr_gml32(void **state)
{
	(void)state;
	const unsigned lines[] = {11, 21, 31}, glines[] = {13, 23, 33};
	check_ogr_shelters(ogr_gml32, lines, glines);
}

static void
test_ogr_japan_plane_rectangular(void **state)
{
	(void)state;
	struct seen s;
	read_ok(ogr_jgd, &s);
	assert_int_equal(s.n, 3);
	/* EPSG:6680 has northing (X) first; written back easting first */
	assert_string_equal(
	    s.f[2].geom_text,
	    "<gml:Point xmlns:gml=\"http://www.opengis.net/gml\" "
	    "srsName=\"EPSG:6680\"><gml:pos>-69806.7087363088 "
	    "-160725.967665099</gml:pos></gml:Point>");
	assert_non_null(strstr(s.f[0].geom_text,
	                       "srsName=\"EPSG:6680\"><gml:exterior>"
	                       "<gml:LinearRing><gml:posList>-61544.9241474767 "
	                       "-155249.807315406 -53338.9018032894 "));
	seen_free(&s);
}

static void
test_wfs_collections(void **state)
{
	(void)state;
	static const char doc[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<wfs:FeatureCollection "
	    "xmlns:wfs=\"http://www.opengis.net/wfs/2.0\"\n"
	    "    xmlns:gml=\"http://www.opengis.net/gml/3.2\"\n"
	    "    xmlns:app=\"http://example.com/app\"\n"
	    "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
	    "    numberMatched=\"3\" numberReturned=\"3\">\n"
	    "  <wfs:member>\n"
	    "    <app:shelter gml:id=\"s1\">\n"
	    "      <gml:name>避難所</gml:name>\n"
	    "      <app:name>A</app:name>\n"
	    "      <app:address><app:street>x</app:street></app:address>\n"
	    "      <app:loc><gml:Point gml:id=\"p1\" "
	    "srsName=\"http://www.opengis.net/def/crs/EPSG/0/4326\">"
	    "<gml:pos>42.6 141.5</gml:pos></gml:Point></app:loc>\n"
	    "    </app:shelter>\n"
	    "  </wfs:member>\n"
	    "  <wfs:member>\n"
	    "    <wfs:FeatureCollection><wfs:member>\n"
	    "      <app:shelter gml:id=\"s2\"><app:name>B</app:name>"
	    "<app:loc xsi:nil=\"true\"/></app:shelter>\n"
	    "    </wfs:member></wfs:FeatureCollection>\n"
	    "  </wfs:member>\n"
	    "</wfs:FeatureCollection>\n";
	struct seen s;
	read_ok(doc, &s);
	assert_int_equal(s.n, 2);
	const struct seen_feature *f = &s.f[0];
	assert_int_equal(f->line, 8);
	assert_int_equal(f->nprops, 3);
	assert_prop(f, 0, "gml_id", "s1");
	assert_prop(f, 1, "gml_name", "避難所");
	assert_prop(f, 2, "name", "A");
	assert_int_equal(f->geom_line, 12);
	assert_string_equal(
	    f->geom_text, "<gml:Point xmlns:gml=\"http://www.opengis.net/gml\" "
	                  "srsName=\"EPSG:4326\"><gml:pos>141.5 42.6</gml:pos>"
	                  "</gml:Point>");
	f = &s.f[1];
	assert_int_equal(f->line, 17);
	assert_prop(f, 1, "name", "B");
	assert_int_equal(f->geom_format, ER_GEOM_NONE);
	seen_free(&s);

	/* GML 3 featureMembers, a gml:FeatureCollection, no srsName */
	static const char members[] =
	    "<gml:FeatureCollection xmlns:gml=\"http://www.opengis.net/gml\" "
	    "xmlns:a=\"urn:a\">\n"
	    "<gml:boundedBy><gml:Envelope><gml:lowerCorner>0 0"
	    "</gml:lowerCorner></gml:Envelope></gml:boundedBy>\n"
	    "<gml:featureMembers>\n"
	    "<a:f><a:v>1</a:v><a:g><gml:Point><gml:pos>1 2</gml:pos>"
	    "</gml:Point></a:g></a:f>\n"
	    "<a:f><a:v>2</a:v><gml:location><gml:Point><gml:pos>3 4 5"
	    "</gml:pos></gml:Point></gml:location></a:f>\n"
	    "</gml:featureMembers>\n"
	    "<gml:featureMember/>\n"
	    "</gml:FeatureCollection>\n";
	read_ok(members, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.f[0].nprops, 1);
	assert_prop(&s.f[0], 0, "v", "1");
	assert_string_equal(
	    s.f[0].geom_text,
	    "<gml:Point xmlns:gml=\"http://www.opengis.net/gml\">"
	    "<gml:pos>1 2</gml:pos></gml:Point>");
	assert_int_equal(s.f[1].line, 5);
	assert_string_equal(
	    s.f[1].geom_text,
	    "<gml:Point xmlns:gml=\"http://www.opengis.net/gml\">"
	    "<gml:pos>3 4 5</gml:pos></gml:Point>");
	seen_free(&s);
}

static void
test_geometry_forms(void **state)
{
	(void)state;
	/* GML 2 coordinates with their own separators; coord */
	expect_geometry(
	    "<gml:LineString><gml:coordinates decimal=\",\" "
	    "cs=\";\" ts=\"|\">1,5;2,5|3;4</gml:coordinates>"
	    "</gml:LineString>",
	    "<gml:LineString xmlns:gml=\"http://www.opengis.net/gml\">"
	    "<gml:posList>1.5 2.5 3 4</gml:posList>"
	    "</gml:LineString>");
	expect_geometry("<gml:Point srsName=\"http://www.opengis.net/gml/srs/"
	                "epsg.xml#4612\"><gml:coord><gml:X>141</gml:X>"
	                "<gml:Y>42</gml:Y></gml:coord></gml:Point>",
	                "<gml:Point xmlns:gml=\"http://www.opengis.net/gml\" "
	                "srsName=\"EPSG:4612\"><gml:pos>141 42</gml:pos>"
	                "</gml:Point>");
	/* a ring is closed; a LinearRing alone is a line */
	expect_geometry(
	    "<gml:Polygon srsName=\"urn:ogc:def:crs:OGC:1.3:CRS84\">"
	    "<gml:exterior><gml:LinearRing><gml:pos>0 0</gml:pos>"
	    "<gml:pos>1 0</gml:pos><gml:pos>1 1</gml:pos>"
	    "</gml:LinearRing></gml:exterior></gml:Polygon>",
	    "<gml:Polygon xmlns:gml=\"http://www.opengis.net/gml\" "
	    "srsName=\"EPSG:4326\"><gml:exterior><gml:LinearRing>"
	    "<gml:posList>0 0 1 0 1 1 0 0</gml:posList>"
	    "</gml:LinearRing></gml:exterior></gml:Polygon>");
	expect_geometry(
	    "<gml:LinearRing><gml:posList>0 0 1 0 1 1 0 0"
	    "</gml:posList></gml:LinearRing>",
	    "<gml:LineString xmlns:gml=\"http://www.opengis.net/gml\">"
	    "<gml:posList>0 0 1 0 1 1 0 0</gml:posList>"
	    "</gml:LineString>");
	/* a Curve of segments is one line; 3D keeps srsDimension */
	expect_geometry(
	    "<gml:Curve srsDimension=\"3\"><gml:segments>"
	    "<gml:LineStringSegment><gml:posList>0 0 0 1 1 1"
	    "</gml:posList></gml:LineStringSegment>"
	    "<gml:LineStringSegment><gml:posList>1 1 1 2 0 2"
	    "</gml:posList></gml:LineStringSegment></gml:segments>"
	    "</gml:Curve>",
	    "<gml:LineString xmlns:gml=\"http://www.opengis.net/gml\">"
	    "<gml:posList srsDimension=\"3\">0 0 0 1 1 1 2 0 2"
	    "</gml:posList></gml:LineString>");
	/* a Surface of two patches is a MultiSurface */
	expect_geometry(
	    "<gml:Surface><gml:patches><gml:PolygonPatch>"
	    "<gml:exterior><gml:LinearRing><gml:posList>0 0 1 0 1 1"
	    "</gml:posList></gml:LinearRing></gml:exterior>"
	    "</gml:PolygonPatch><gml:PolygonPatch><gml:exterior>"
	    "<gml:LinearRing><gml:posList>5 5 6 5 6 6</gml:posList>"
	    "</gml:LinearRing></gml:exterior></gml:PolygonPatch>"
	    "</gml:patches></gml:Surface>",
	    "<gml:MultiSurface xmlns:gml=\"http://www.opengis.net/gml\">"
	    "<gml:surfaceMember><gml:Polygon><gml:exterior>"
	    "<gml:LinearRing><gml:posList>0 0 1 0 1 1 0 0"
	    "</gml:posList></gml:LinearRing></gml:exterior>"
	    "</gml:Polygon></gml:surfaceMember><gml:surfaceMember>"
	    "<gml:Polygon><gml:exterior><gml:LinearRing>"
	    "<gml:posList>5 5 6 5 6 6 5 5</gml:posList>"
	    "</gml:LinearRing></gml:exterior></gml:Polygon>"
	    "</gml:surfaceMember></gml:MultiSurface>");
	/* collections: nested ones are flattened, members choose the kind */
	expect_geometry(
	    "<gml:MultiGeometry><gml:geometryMember>"
	    "<gml:MultiPolygon><gml:polygonMember><gml:Polygon>"
	    "<gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>"
	    "0,0 10,0 10,10 0,0</gml:coordinates></gml:LinearRing>"
	    "</gml:outerBoundaryIs></gml:Polygon></gml:polygonMember>"
	    "</gml:MultiPolygon></gml:geometryMember>"
	    "<gml:geometryMember><gml:Point><gml:coordinates>5,5"
	    "</gml:coordinates></gml:Point></gml:geometryMember>"
	    "</gml:MultiGeometry>",
	    "<gml:MultiGeometry xmlns:gml=\"http://www.opengis.net/gml\">"
	    "<gml:geometryMember><gml:Polygon><gml:exterior>"
	    "<gml:LinearRing><gml:posList>0 0 10 0 10 10 0 0"
	    "</gml:posList></gml:LinearRing></gml:exterior>"
	    "</gml:Polygon></gml:geometryMember><gml:geometryMember>"
	    "<gml:Point><gml:pos>5 5</gml:pos></gml:Point>"
	    "</gml:geometryMember></gml:MultiGeometry>");
	expect_geometry(
	    "<gml:MultiLineString><gml:lineStringMember>"
	    "<gml:LineString><gml:coordinates>0,0 1,1"
	    "</gml:coordinates></gml:LineString>"
	    "</gml:lineStringMember></gml:MultiLineString>",
	    "<gml:MultiCurve xmlns:gml=\"http://www.opengis.net/gml\">"
	    "<gml:curveMember><gml:LineString><gml:posList>0 0 1 1"
	    "</gml:posList></gml:LineString></gml:curveMember>"
	    "</gml:MultiCurve>");
	expect_geometry(
	    "<gml:MultiPoint srsName=\"urn:ogc:def:crs:EPSG::6668\">"
	    "<gml:pointMembers><gml:Point><gml:pos>42 141</gml:pos>"
	    "</gml:Point><gml:Point><gml:pos>43 142</gml:pos>"
	    "</gml:Point></gml:pointMembers></gml:MultiPoint>",
	    "<gml:MultiPoint xmlns:gml=\"http://www.opengis.net/gml\" "
	    "srsName=\"EPSG:6668\"><gml:pointMember><gml:Point>"
	    "<gml:pos>141 42</gml:pos></gml:Point></gml:pointMember>"
	    "<gml:pointMember><gml:Point><gml:pos>142 43</gml:pos>"
	    "</gml:Point></gml:pointMember></gml:MultiPoint>");
	/* members may repeat the CRS in another form, and their own
	 * axis order counts */
	expect_geometry(
	    "<gml:MultiSurface srsName=\"EPSG:4326\">"
	    "<gml:surfaceMember><gml:Polygon "
	    "srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:exterior>"
	    "<gml:LinearRing><gml:posList>42 141 42 142 43 142"
	    "</gml:posList></gml:LinearRing></gml:exterior>"
	    "</gml:Polygon></gml:surfaceMember></gml:MultiSurface>",
	    "<gml:MultiSurface xmlns:gml=\"http://www.opengis.net/gml\" "
	    "srsName=\"EPSG:4326\"><gml:surfaceMember><gml:Polygon>"
	    "<gml:exterior><gml:LinearRing><gml:posList>141 42 142 "
	    "42 142 43 141 42</gml:posList></gml:LinearRing>"
	    "</gml:exterior></gml:Polygon></gml:surfaceMember>"
	    "</gml:MultiSurface>");
	expect_geometry("<gml:MultiSurface/>", NULL);
	expect_geometry("", NULL);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("<ogr:shelters xmlns:ogr=\"http://ogr.maptools.org/\"/>",
	             "t.gml:1",
	             "root element <ogr:shelters> is not a GML feature "
	             "collection");
	expect_error(
	    "<gml:FeatureCollection xmlns:gml=\"http://www.opengis.net"
	    "/gml\">\n<gml:featureMember>\n</gml:FeatureCollection>",
	    "t.gml:3:25",
	    "Opening and ending tag mismatch: featureMember line 2 and "
	    "FeatureCollection");
	expect_error("<wfs:FeatureCollection xmlns:wfs=\"urn:wfs\" "
	             "xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
	             "<wfs:member xlink:href=\"#f1\"/></wfs:FeatureCollection>",
	             "t.gml:2",
	             "<wfs:member> refers to a feature by xlink:href, which is "
	             "not followed");
	expect_geometry_error("<gml:LineString><gml:posList>0 0 1"
	                      "</gml:posList></gml:LineString>",
	                      "feature \"F\": <gml:posList> has 3 numbers, not "
	                      "a multiple of its dimension 2");
	expect_geometry_error(
	    "<gml:LineString><gml:posList srsDimension=\"4\">"
	    "0 0 1 1</gml:posList></gml:LineString>",
	    "feature \"F\": <gml:posList> has srsDimension 4; "
	    "only 2 and 3 are supported");
	expect_geometry_error("<gml:LineString><gml:posList>0 0</gml:posList>"
	                      "</gml:LineString>",
	                      "feature \"F\": <gml:LineString> has 1 position; "
	                      "it needs at least 2");
	expect_geometry_error("<gml:Point><gml:pos>1 2 3 4</gml:pos>"
	                      "</gml:Point>",
	                      "feature \"F\": <gml:pos> has more than 3 "
	                      "numbers");
	expect_geometry_error("<gml:Point><gml:pos>1</gml:pos></gml:Point>",
	                      "feature \"F\": <gml:pos> has 1 number; it needs "
	                      "2");
	expect_geometry_error("<gml:Point/>",
	                      "feature \"F\": <gml:Point> has no positions");
	expect_geometry_error("<gml:Point><gml:coordinates>1,2 3,4"
	                      "</gml:coordinates></gml:Point>",
	                      "feature \"F\": <gml:Point> has 2 positions; it "
	                      "needs exactly 1");
	expect_geometry_error("<gml:Point><gml:pos>1.5.5 2</gml:pos>"
	                      "</gml:Point>",
	                      "feature \"F\": \"1.5.5\" in <gml:pos> is not a "
	                      "number");
	expect_geometry_error(
	    "<gml:Polygon><gml:exterior><gml:LinearRing>"
	    "<gml:posList>0 0 1 1 0 0</gml:posList>"
	    "</gml:LinearRing></gml:exterior></gml:Polygon>",
	    "feature \"F\": <gml:LinearRing> has 3 positions, "
	    "too few for a ring");
	expect_geometry_error("<gml:Polygon><gml:interior/></gml:Polygon>",
	                      "feature \"F\": <gml:Polygon> has no exterior "
	                      "ring");
	expect_geometry_error("<gml:Polygon><gml:exterior><gml:Ring/>"
	                      "</gml:exterior></gml:Polygon>",
	                      "feature \"F\": <gml:exterior> has no "
	                      "<gml:LinearRing> (gml:Ring and xlink references "
	                      "are not supported)");
	expect_geometry_error("<gml:Point srsName=\"EPSG:4326:x\"><gml:pos>1 2"
	                      "</gml:pos></gml:Point>",
	                      "feature \"F\": unknown srsName \"EPSG:4326:x\"; "
	                      "use an EPSG code such as \"EPSG:4326\"");
	expect_geometry_error(
	    "<gml:MultiPoint srsName=\"EPSG:4326\">"
	    "<gml:pointMember><gml:Point srsName=\"EPSG:3857\">"
	    "<gml:pos>1 2</gml:pos></gml:Point>"
	    "</gml:pointMember></gml:MultiPoint>",
	    "feature \"F\": <gml:Point> has srsName EPSG:3857, "
	    "but the geometry is in EPSG:4326");
	expect_geometry_error("<gml:MultiPoint><gml:pointMember><gml:Point>"
	                      "<gml:pos>1 2 3</gml:pos></gml:Point>"
	                      "</gml:pointMember><gml:pointMember><gml:Point>"
	                      "<gml:pos>1 2</gml:pos></gml:Point>"
	                      "</gml:pointMember></gml:MultiPoint>",
	                      "feature \"F\": <gml:MultiPoint> mixes 2D and 3D "
	                      "positions");
	expect_geometry_error("<gml:MultiCurve><gml:curveMember "
	                      "xlink:href=\"#c1\"/></gml:MultiCurve>",
	                      "feature \"F\": <gml:curveMember> refers to a "
	                      "geometry by xlink:href, which is not followed");
	expect_geometry_error(
	    "<gml:Solid/>", "feature \"F\": <gml:Solid> is not a geometry "
	                    "evacreg can read (use Point, LineString, Polygon, "
	                    "their Multi forms, MultiGeometry, Curve or "
	                    "Surface)");
	expect_geometry_error("<gml:Curve><gml:segments><gml:Arc><gml:posList>"
	                      "0 0 1 1 2 0</gml:posList></gml:Arc>"
	                      "</gml:segments></gml:Curve>",
	                      "feature \"F\": <gml:Arc> is not supported in a "
	                      "curve (only gml:LineStringSegment is)");
	expect_geometry_error("<gml:Point><gml:pos>1 2</gml:pos></gml:Point>"
	                      "</ogr:geometryProperty><ogr:other><gml:Point>"
	                      "<gml:pos>1 2</gml:pos></gml:Point></ogr:other>"
	                      "<ogr:geometryProperty>",
	                      "feature \"F\" has two geometries, "
	                      "<ogr:geometryProperty> and <ogr:other>");
	expect_error("<gml:FeatureCollection xmlns:gml=\"http://www.opengis.net"
	             "/gml\" xmlns:a=\"urn:a\"><gml:featureMember>\n<a:f><a:g>"
	             "<gml:Point><gml:pos>x y</gml:pos></gml:Point></a:g></a:f>"
	             "</gml:featureMember></gml:FeatureCollection>",
	             "t.gml:2",
	             "feature <a:f>: \"x\" in <gml:pos> is not a number");
}

static void
test_external_entities(void **state)
{
	(void)state;
	const char *secret = "SECRET-gml-41d2";
	char path[] = "/tmp/er_xxe_gml_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, secret, strlen(secret)),
	                 (ssize_t)strlen(secret));
	close(fd);
	char doc[1024];
	snprintf(
	    doc, sizeof doc,
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE x [<!ENTITY e SYSTEM \"file://%s\">]>\n"
	    "<gml:FeatureCollection xmlns:gml=\"http://www.opengis.net/gml\" "
	    "xmlns:a=\"urn:a\"><gml:featureMember><a:f><a:v>&e;</a:v>"
	    "</a:f></gml:featureMember></gml:FeatureCollection>\n",
	    path);
	struct seen s;
	memset(&s, 0, sizeof s);
	s.secret = secret;
	struct er_error err;
	assert_int_equal(
	    er_gml_read("t.gml", doc, strlen(doc), collect, &s, &err),
	    ER_EPARSE);
	assert_int_equal(s.leaks, 0);
	assert_int_equal(s.n, 0);
	assert_string_equal(err.message,
	                    "the DOCTYPE declares entity \"e\"; documents that "
	                    "declare entities are not read");
	unlink(path);
}

static void
test_out_of_memory(void **state)
{
	(void)state;
	const char *docs[] = {ogr_gml2, ogr_gml3, ogr_gml32};
	for (size_t d = 0; d < 3; d++) {
		int ok = 0;
		for (long fail = 1; fail < 10000 && !ok; fail++) {
			struct seen s;
			memset(&s, 0, sizeof s);
			struct er_error err;
			er_error_clear(&err);
			er_alloc_fail_after(fail);
			enum er_code rc =
			    er_gml_read("t.gml", docs[d], strlen(docs[d]),
			                collect, &s, &err);
			er_alloc_fail_after(0);
			if (rc == ER_OK) {
				ok = 1;
				assert_int_equal(s.n, 3);
			} else {
				assert_int_equal(rc, ER_ENOMEM);
			}
			seen_free(&s);
		}
		assert_true(ok);
	}
	assert_int_equal(er_gml_read("t.gml", "<", 1, collect, NULL, NULL),
	                 ER_EPARSE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ogr_gml2),
	    cmocka_unit_test(test_ogr_gml3_latitude_first),
	    cmocka_unit_test(test_ogr_gml32),
	    cmocka_unit_test(test_ogr_japan_plane_rectangular),
	    cmocka_unit_test(test_wfs_collections),
	    cmocka_unit_test(test_geometry_forms),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_external_entities),
	    cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
