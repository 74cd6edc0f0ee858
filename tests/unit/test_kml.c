/* Unit tests for the KML reader and the XML helpers: what ogr2ogr writes,
 * KML namespaces, ExtendedData, geometry rewritten for SpatiaLite, every
 * malformed case, external entities (XXE) and the OGC conformance files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/alloc.h"
#include "src/feature.h"
#include "src/xml.h"
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
	const char *secret; /* when set: counts texts that contain it */
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
	if (s->secret) {
		for (size_t i = 0; i < f->nprops; i++)
			if ((f->values[i] && strstr(f->values[i], s->secret)) ||
			    strstr(f->keys[i], s->secret))
				s->leaks++;
		if (f->geom_text && strstr(f->geom_text, s->secret))
			s->leaks++;
	}
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
	    er_kml_read("t.kml", text, strlen(text), collect, s, &err);
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
	    er_kml_read("t.kml", text, strlen(text), collect, &s, &err);
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

/* A one-Placemark KML 2.2 document around body, in buf. */
static const char *
placemark(char *buf, size_t size, const char *body)
{
	snprintf(buf, size,
	         "<kml xmlns=\"http://www.opengis.net/kml/2.2\" "
	         "xmlns:gx=\"http://www.google.com/kml/ext/2.2\">\n"
	         "<Placemark><name>P</name>\n%s\n</Placemark></kml>\n",
	         body);
	return buf;
}

/* The geometry text the reader makes of Placemark body. */
static void
expect_geometry(const char *body, const char *geom)
{
	char buf[4096];
	struct seen s;
	read_ok(placemark(buf, sizeof buf, body), &s);
	assert_int_equal(s.n, 1);
	if (!geom) {
		assert_int_equal(s.f[0].geom_format, ER_GEOM_NONE);
		assert_null(s.f[0].geom_text);
	} else {
		assert_int_equal(s.f[0].geom_format, ER_GEOM_KML);
		assert_string_equal(s.f[0].geom_text, geom);
	}
	seen_free(&s);
}

static void
expect_geometry_error(const char *body, const char *where, const char *message)
{
	char buf[4096];
	expect_error(placemark(buf, sizeof buf, body), where, message);
}

/* The source of the ogr2ogr files below and in test_gml.c, kept for
 * regenerating them: ogr2ogr -f KML kml.kml src.geojson, ogr2ogr -f LIBKML
 * libkml.kml src.geojson, ogr2ogr -f GML -dsco FORMAT=GML2 ... */
static const char src_geojson[] __attribute__((unused)) =
    "{\n"
    "\"type\": \"FeatureCollection\",\n"
    "\"name\": \"shelters\",\n"
    "\"features\": [\n"
    "{ \"type\": \"Feature\", \"properties\": { \"id\": 1, \"name\": "
    "\"青葉小学校\", \"capacity\": 350, \"note\": \"A & B <main>\" }, "
    "\"geometry\": { \"type\": \"Polygon\", \"coordinates\": [ [ [141.5, "
    "42.6], [141.6, 42.6], [141.6, 42.7], [141.5, 42.6] ], [ [141.52, 42.62], "
    "[141.53, 42.62], [141.53, 42.63], [141.52, 42.62] ] ] } },\n"
    "{ \"type\": \"Feature\", \"properties\": { \"id\": 2, \"name\": \"North "
    "School\", \"capacity\": null, \"note\": \"\" }, \"geometry\": { \"type\": "
    "\"MultiPolygon\", \"coordinates\": [ [ [ [141.0, 42.0], [141.1, 42.0], "
    "[141.1, 42.1], [141.0, 42.0] ] ], [ [ [141.2, 42.2], [141.3, 42.2], "
    "[141.3, 42.3], [141.2, 42.2] ] ] ] } },\n"
    "{ \"type\": \"Feature\", \"properties\": { \"id\": 3, \"name\": \"錦岡\", "
    "\"capacity\": 40, \"note\": \"津波\" }, \"geometry\": { \"type\": "
    "\"Point\", \"coordinates\": [141.4, 42.55] } }\n"
    "]\n"
    "}\n";

/* ogr2ogr -f KML (GDAL 3.6.2) from the three shelters in src_geojson */
static const char ogr_kml[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n"
    "<Document id=\"root_doc\">\n"
    "<Schema name=\"shelters\" id=\"shelters\">\n"
    "\t<SimpleField name=\"id\" type=\"int\"></SimpleField>\n"
    "\t<SimpleField name=\"capacity\" type=\"int\"></SimpleField>\n"
    "\t<SimpleField name=\"note\" type=\"string\"></SimpleField>\n"
    "</Schema>\n"
    "<Folder><name>shelters</name>\n"
    "  <Placemark>\n"
    "\t<name>青葉小学校</name>\n"
    "\t<Style><LineStyle><color>ff0000ff</color></"
    "LineStyle><PolyStyle><fill>0</fill></PolyStyle></Style>\n"
    "\t<ExtendedData><SchemaData schemaUrl=\"#shelters\">\n"
    "\t\t<SimpleData name=\"id\">1</SimpleData>\n"
    "\t\t<SimpleData name=\"capacity\">350</SimpleData>\n"
    "\t\t<SimpleData name=\"note\">A &amp; B &lt;main&gt;</SimpleData>\n"
    "\t</SchemaData></ExtendedData>\n"
    "      <Polygon><outerBoundaryIs><LinearRing><coordinates>141.5,42.6 "
    "141.6,42.6 141.6,42.7 "
    "141.5,42.6</coordinates></LinearRing></"
    "outerBoundaryIs><innerBoundaryIs><LinearRing><coordinates>141.52,42.62 "
    "141.53,42.62 141.53,42.63 "
    "141.52,42.62</coordinates></LinearRing></innerBoundaryIs></Polygon>\n"
    "  </Placemark>\n"
    "  <Placemark>\n"
    "\t<name>North School</name>\n"
    "\t<Style><LineStyle><color>ff0000ff</color></"
    "LineStyle><PolyStyle><fill>0</fill></PolyStyle></Style>\n"
    "\t<ExtendedData><SchemaData schemaUrl=\"#shelters\">\n"
    "\t\t<SimpleData name=\"id\">2</SimpleData>\n"
    "\t\t<SimpleData name=\"note\"></SimpleData>\n"
    "\t</SchemaData></ExtendedData>\n"
    "      "
    "<MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>141,42 "
    "141.1,42.0 141.1,42.1 "
    "141,42</coordinates></LinearRing></outerBoundaryIs></"
    "Polygon><Polygon><outerBoundaryIs><LinearRing><coordinates>141.2,42.2 "
    "141.3,42.2 141.3,42.3 "
    "141.2,42.2</coordinates></LinearRing></outerBoundaryIs></Polygon></"
    "MultiGeometry>\n"
    "  </Placemark>\n"
    "  <Placemark>\n"
    "\t<name>錦岡</name>\n"
    "\t<ExtendedData><SchemaData schemaUrl=\"#shelters\">\n"
    "\t\t<SimpleData name=\"id\">3</SimpleData>\n"
    "\t\t<SimpleData name=\"capacity\">40</SimpleData>\n"
    "\t\t<SimpleData name=\"note\">津波</SimpleData>\n"
    "\t</SchemaData></ExtendedData>\n"
    "      <Point><coordinates>141.4,42.55</coordinates></Point>\n"
    "  </Placemark>\n"
    "</Folder>\n"
    "</Document></kml>\n";

/* ogr2ogr -f LIBKML (GDAL 3.6.2) from the same */
static const char ogr_libkml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n"
    "  <Document id=\"root_doc\">\n"
    "    <Schema id=\"shelters.schema\">\n"
    "      <SimpleField name=\"id\" type=\"int\"/>\n"
    "      <SimpleField name=\"capacity\" type=\"int\"/>\n"
    "      <SimpleField name=\"note\" type=\"string\"/>\n"
    "    </Schema>\n"
    "    <Document id=\"shelters\">\n"
    "      <name>shelters</name>\n"
    "      <Placemark id=\"shelters.1\">\n"
    "        <name>青葉小学校</name>\n"
    "        <ExtendedData>\n"
    "          <SchemaData schemaUrl=\"#shelters.schema\">\n"
    "            <SimpleData name=\"id\">1</SimpleData>\n"
    "            <SimpleData name=\"capacity\">350</SimpleData>\n"
    "            <SimpleData name=\"note\"><![CDATA[A & B "
    "<main>]]></SimpleData>\n"
    "          </SchemaData>\n"
    "        </ExtendedData>\n"
    "        <Polygon>\n"
    "          <outerBoundaryIs>\n"
    "            <LinearRing>\n"
    "              <coordinates>\n"
    "                141.5,42.6,0\n"
    "                141.6,42.6,0\n"
    "                141.6,42.7,0\n"
    "                141.5,42.6,0\n"
    "              </coordinates>\n"
    "            </LinearRing>\n"
    "          </outerBoundaryIs>\n"
    "          <innerBoundaryIs>\n"
    "            <LinearRing>\n"
    "              <coordinates>\n"
    "                141.52,42.62,0\n"
    "                141.53,42.62,0\n"
    "                141.53,42.63,0\n"
    "                141.52,42.62,0\n"
    "              </coordinates>\n"
    "            </LinearRing>\n"
    "          </innerBoundaryIs>\n"
    "        </Polygon>\n"
    "      </Placemark>\n"
    "      <Placemark id=\"shelters.2\">\n"
    "        <name>North School</name>\n"
    "        <ExtendedData>\n"
    "          <SchemaData schemaUrl=\"#shelters.schema\">\n"
    "            <SimpleData name=\"id\">2</SimpleData>\n"
    "          </SchemaData>\n"
    "        </ExtendedData>\n"
    "        <MultiGeometry>\n"
    "          <Polygon>\n"
    "            <outerBoundaryIs>\n"
    "              <LinearRing>\n"
    "                <coordinates>\n"
    "                  141,42,0\n"
    "                  141.1,42,0\n"
    "                  141.1,42.1,0\n"
    "                  141,42,0\n"
    "                </coordinates>\n"
    "              </LinearRing>\n"
    "            </outerBoundaryIs>\n"
    "          </Polygon>\n"
    "          <Polygon>\n"
    "            <outerBoundaryIs>\n"
    "              <LinearRing>\n"
    "                <coordinates>\n"
    "                  141.2,42.2,0\n"
    "                  141.3,42.2,0\n"
    "                  141.3,42.3,0\n"
    "                  141.2,42.2,0\n"
    "                </coordinates>\n"
    "              </LinearRing>\n"
    "            </outerBoundaryIs>\n"
    "          </Polygon>\n"
    "        </MultiGeometry>\n"
    "      </Placemark>\n"
    "      <Placemark id=\"shelters.3\">\n"
    "        <name>錦岡</name>\n"
    "        <ExtendedData>\n"
    "          <SchemaData schemaUrl=\"#shelters.schema\">\n"
    "            <SimpleData name=\"id\">3</SimpleData>\n"
    "            <SimpleData name=\"capacity\">40</SimpleData>\n"
    "            <SimpleData name=\"note\">津波</SimpleData>\n"
    "          </SchemaData>\n"
    "        </ExtendedData>\n"
    "        <Point>\n"
    "          <coordinates>\n"
    "            141.4,42.55,0\n"
    "          </coordinates>\n"
    "        </Point>\n"
    "      </Placemark>\n"
    "    </Document>\n"
    "  </Document>\n"
    "</kml>\n";

static void
test_ogr_kml(void **state)
{
	(void)state;
	struct seen s;
	read_ok(ogr_kml, &s);
	assert_int_equal(s.n, 3);
	const struct seen_feature *f = &s.f[0];
	assert_int_equal(f->line, 10);
	assert_int_equal(f->column, 0);
	assert_int_equal(f->nprops, 4);
	assert_prop(f, 0, "name", "青葉小学校");
	assert_prop(f, 1, "id", "1");
	assert_prop(f, 2, "capacity", "350");
	assert_prop(f, 3, "note", "A & B <main>");
	assert_int_equal(f->geom_format, ER_GEOM_KML);
	assert_int_equal(f->geom_line, 18);
	assert_string_equal(
	    f->geom_text,
	    "<Polygon><outerBoundaryIs><LinearRing><coordinates>141.5,42.6 "
	    "141.6,42.6 141.6,42.7 141.5,42.6</coordinates></LinearRing>"
	    "</outerBoundaryIs><innerBoundaryIs><LinearRing><coordinates>"
	    "141.52,42.62 141.53,42.62 141.53,42.63 141.52,42.62"
	    "</coordinates></LinearRing></innerBoundaryIs></Polygon>");

	f = &s.f[1];
	assert_int_equal(f->line, 20);
	assert_int_equal(f->nprops, 3);
	assert_prop(f, 0, "name", "North School");
	assert_prop(f, 1, "id", "2");
	assert_prop(f, 2, "note", "");
	assert_string_equal(
	    f->geom_text,
	    "<MultiGeometry><Polygon><outerBoundaryIs><LinearRing>"
	    "<coordinates>141,42 141.1,42.0 141.1,42.1 141,42</coordinates>"
	    "</LinearRing></outerBoundaryIs></Polygon><Polygon>"
	    "<outerBoundaryIs><LinearRing><coordinates>141.2,42.2 "
	    "141.3,42.2 141.3,42.3 141.2,42.2</coordinates></LinearRing>"
	    "</outerBoundaryIs></Polygon></MultiGeometry>");

	f = &s.f[2];
	assert_int_equal(f->line, 29);
	assert_prop(f, 0, "name", "錦岡");
	assert_prop(f, 3, "note", "津波");
	assert_int_equal(f->geom_line, 36);
	assert_string_equal(f->geom_text,
	                    "<Point><coordinates>141.4,42.55</coordinates>"
	                    "</Point>");
	seen_free(&s);
}

static void
test_ogr_libkml(void **state)
{
	(void)state;
	struct seen s;
	read_ok(ogr_libkml, &s);
	assert_int_equal(s.n, 3);
	const struct seen_feature *f = &s.f[0];
	assert_int_equal(f->line, 11);
	assert_prop(f, 0, "name", "青葉小学校");
	assert_prop(f, 3, "note", "A & B <main>"); /* from CDATA */
	assert_int_equal(f->geom_line, 20);
	assert_string_equal(
	    f->geom_text,
	    "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
	    "141.5,42.6,0 141.6,42.6,0 141.6,42.7,0 141.5,42.6,0"
	    "</coordinates></LinearRing></outerBoundaryIs><innerBoundaryIs>"
	    "<LinearRing><coordinates>141.52,42.62,0 141.53,42.62,0 "
	    "141.53,42.63,0 141.52,42.62,0</coordinates></LinearRing>"
	    "</innerBoundaryIs></Polygon>");
	f = &s.f[1];
	assert_int_equal(f->line, 43);
	assert_int_equal(f->nprops, 2);
	assert_string_equal(
	    f->geom_text,
	    "<MultiGeometry><Polygon><outerBoundaryIs><LinearRing>"
	    "<coordinates>141,42,0 141.1,42,0 141.1,42.1,0 141,42,0"
	    "</coordinates></LinearRing></outerBoundaryIs></Polygon>"
	    "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
	    "141.2,42.2,0 141.3,42.2,0 141.3,42.3,0 141.2,42.2,0"
	    "</coordinates></LinearRing></outerBoundaryIs></Polygon>"
	    "</MultiGeometry>");
	f = &s.f[2];
	assert_int_equal(f->line, 77);
	assert_string_equal(f->geom_text,
	                    "<Point><coordinates>141.4,42.55,0</coordinates>"
	                    "</Point>");
	seen_free(&s);
}

static void
test_namespaces(void **state)
{
	(void)state;
	static const char *const docs[] = {
	    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>"
	    "<Folder><Folder><Placemark><name>A</name><Point><coordinates>"
	    "1,2</coordinates></Point></Placemark></Folder></Folder>"
	    "</Document></kml>",
	    "<kml xmlns=\"http://earth.google.com/kml/2.1\"><Placemark>"
	    "<name>A</name><Point><coordinates>1,2</coordinates></Point>"
	    "</Placemark></kml>",
	    "<kml xmlns=\"http://earth.google.com/kml/2.0\"><Placemark>"
	    "<name>A</name><Point><coordinates>1,2</coordinates></Point>"
	    "</Placemark></kml>",
	    "<kml xmlns=\"http://earth.google.com/kml/2.2\"><Placemark>"
	    "<name>A</name><Point><coordinates>1,2</coordinates></Point>"
	    "</Placemark></kml>",
	    "<kml><Document><Placemark><name>A</name><Point><coordinates>"
	    "1,2</coordinates></Point></Placemark></Document></kml>",
	    "<k:kml xmlns:k=\"http://www.opengis.net/kml/2.2\"><k:Placemark>"
	    "<k:name>A</k:name><k:Point><k:coordinates>1,2</k:coordinates>"
	    "</k:Point></k:Placemark></k:kml>",
	    "<Placemark xmlns=\"http://www.opengis.net/kml/2.2\"><name>A"
	    "</name><x:name xmlns:x=\"urn:x\">not this</x:name><Point>"
	    "<x:coordinates xmlns:x=\"urn:x\">9,9</x:coordinates>"
	    "<coordinates>1,2</coordinates></Point></Placemark>",
	};
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		struct seen s;
		read_ok(docs[i], &s);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.f[0].nprops, 1);
		assert_prop(&s.f[0], 0, "name", "A");
		assert_string_equal(s.f[0].geom_text,
		                    "<Point><coordinates>1,2</coordinates>"
		                    "</Point>");
		seen_free(&s);
	}
	expect_error("<foo xmlns=\"urn:x\"><Placemark/></foo>", "t.kml:1",
	             "root element <foo> is not KML (namespace \"urn:x\")");
	expect_error("<?xml version=\"1.0\"?>\n<gml:FeatureCollection "
	             "xmlns:gml=\"http://www.opengis.net/gml\"/>",
	             "t.kml:2",
	             "root element <gml:FeatureCollection> is not KML "
	             "(namespace \"http://www.opengis.net/gml\")");
}

static void
test_properties(void **state)
{
	(void)state;
	static const char doc[] =
	    "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n"
	    "<Document><name>not a feature</name>\n"
	    "<Placemark id=\"p1\">\n"
	    "  <name>北 &amp; 南</name>\n"
	    "  <description><![CDATA[<b>bold</b> text]]></description>\n"
	    "  <ExtendedData>\n"
	    "    <Data name=\"収容人数\"><displayName>Capacity</displayName>"
	    "<value>120</value></Data>\n"
	    "    <Data name=\"empty\"><value/></Data>\n"
	    "    <Data name=\"novalue\"></Data>\n"
	    "    <Data><value>no name</value></Data>\n"
	    "    <SchemaData schemaUrl=\"#s\">\n"
	    "      <SimpleData name=\"code\">0121</SimpleData>\n"
	    "      <SimpleData name=\"code\">dup</SimpleData>\n"
	    "    </SchemaData>\n"
	    "    <x:other xmlns:x=\"urn:x\" name=\"ignored\">x</x:other>\n"
	    "  </ExtendedData>\n"
	    "</Placemark>\n"
	    "<Placemark/>\n"
	    "<NetworkLinkControl><Update><Create><Document>"
	    "<Placemark><name>update</name></Placemark>"
	    "</Document></Create></Update></NetworkLinkControl>\n"
	    "</Document></kml>\n";
	struct seen s;
	read_ok(doc, &s);
	assert_int_equal(s.n, 2);
	const struct seen_feature *f = &s.f[0];
	assert_int_equal(f->line, 3);
	assert_int_equal(f->nprops, 7);
	assert_prop(f, 0, "name", "北 & 南");
	assert_prop(f, 1, "description", "<b>bold</b> text");
	assert_prop(f, 2, "収容人数", "120");
	assert_prop(f, 3, "empty", "");
	assert_prop(f, 4, "novalue", NULL);
	assert_prop(f, 5, "code", "0121");
	assert_prop(f, 6, "code", "dup");
	assert_int_equal(f->geom_format, ER_GEOM_NONE);
	assert_null(f->geom_text);
	f = &s.f[1];
	assert_int_equal(f->line, 18);
	assert_int_equal(f->nprops, 0);
	assert_int_equal(f->geom_format, ER_GEOM_NONE);
	seen_free(&s);
}

static void
test_geometry_rewritten(void **state)
{
	(void)state;
	/* what SpatiaLite's GeomFromKml() would crash on is left out */
	expect_geometry("<Polygon id=\"x\"><extrude>1</extrude><tessellate>1"
	                "</tessellate><altitudeMode>absolute</altitudeMode>"
	                "<outerBoundaryIs><LinearRing><coordinates>\n"
	                "  0,0,5\n  10,0,5\n  10,10,5\n  0,0,5\n"
	                "</coordinates></LinearRing></outerBoundaryIs>"
	                "</Polygon>",
	                "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
	                "0,0,5 10,0,5 10,10,5 0,0,5</coordinates></LinearRing>"
	                "</outerBoundaryIs></Polygon>");
	/* rings are closed; KML 2.1 rings share an innerBoundaryIs */
	expect_geometry("<Polygon><outerBoundaryIs><LinearRing><coordinates>"
	                "0,0 10,0 10,10</coordinates></LinearRing>"
	                "</outerBoundaryIs><innerBoundaryIs><LinearRing>"
	                "<coordinates>1,1 2,1 2,2 1.0,1e0</coordinates>"
	                "</LinearRing><LinearRing><coordinates>5,5 6,5 6,6"
	                "</coordinates></LinearRing></innerBoundaryIs>"
	                "</Polygon>",
	                "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
	                "0,0 10,0 10,10 0,0</coordinates></LinearRing>"
	                "</outerBoundaryIs><innerBoundaryIs><LinearRing>"
	                "<coordinates>1,1 2,1 2,2 1.0,1e0</coordinates>"
	                "</LinearRing></innerBoundaryIs><innerBoundaryIs>"
	                "<LinearRing><coordinates>5,5 6,5 6,6 5,5</coordinates>"
	                "</LinearRing></innerBoundaryIs></Polygon>");
	/* a 3D ring whose ends differ only in height is closed again */
	expect_geometry("<Polygon><outerBoundaryIs><LinearRing><coordinates>"
	                "0,0,1 1,0,1 1,1,1 0,0,2</coordinates></LinearRing>"
	                "</outerBoundaryIs></Polygon>",
	                "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
	                "0,0,1 1,0,1 1,1,1 0,0,2 0,0,1</coordinates>"
	                "</LinearRing></outerBoundaryIs></Polygon>");
	/* nested MultiGeometry is flattened; white space next to commas,
	 * comments and CDATA are fine */
	expect_geometry("<MultiGeometry><MultiGeometry><Point><coordinates>"
	                "1 , 2</coordinates></Point></MultiGeometry>"
	                "<LineString><tessellate>1</tessellate><coordinates>"
	                "0,0<!-- x --> <![CDATA[1,1]]></coordinates>"
	                "</LineString><MultiGeometry/></MultiGeometry>",
	                "<MultiGeometry><Point><coordinates>1,2</coordinates>"
	                "</Point><LineString><coordinates>0,0 1,1</coordinates>"
	                "</LineString></MultiGeometry>");
	expect_geometry("<MultiGeometry><MultiGeometry/></MultiGeometry>",
	                NULL);
	expect_geometry("<LinearRing><coordinates>0,0 1,0 1,1 0,0"
	                "</coordinates></LinearRing>",
	                "<LineString><coordinates>0,0 1,0 1,1 0,0</coordinates>"
	                "</LineString>");
	expect_geometry("<Model><altitudeMode>absolute</altitudeMode><Location>"
	                "<longitude> 141.5 </longitude><latitude>42.6"
	                "</latitude><altitude>3</altitude></Location></Model>",
	                "<Point><coordinates>141.5,42.6,3</coordinates>"
	                "</Point>");
	expect_geometry("<gx:Track><when>2010-05-28T02:02:09Z</when>"
	                "<gx:coord>141.1 42.1 15.0</gx:coord>"
	                "<gx:coord>141.2 42.2 16</gx:coord></gx:Track>",
	                "<LineString><coordinates>141.1,42.1,15.0 "
	                "141.2,42.2,16</coordinates></LineString>");
	expect_geometry("<gx:MultiTrack><gx:Track><gx:coord>1 2</gx:coord>"
	                "</gx:Track><gx:Track><gx:coord>3 4</gx:coord>"
	                "<gx:coord>5 6</gx:coord></gx:Track></gx:MultiTrack>",
	                "<MultiGeometry><Point><coordinates>1,2</coordinates>"
	                "</Point><LineString><coordinates>3,4 5,6</coordinates>"
	                "</LineString></MultiGeometry>");
	expect_geometry("<Point><coordinates>+1.5e3,-2.</coordinates></Point>",
	                "<Point><coordinates>+1.5e3,-2.</coordinates></Point>");
}

static void
test_geometry_errors(void **state)
{
	(void)state;
	expect_geometry_error(
	    "<LineString><tessellate>1</tessellate>\n"
	    "<coordinates>-122.378009,37.830128,0"
	    "</coordinates></LineString>",
	    "t.kml:4",
	    "Placemark \"P\": <LineString> has 1 position; it "
	    "needs at least 2");
	expect_geometry_error("<Point><coordinates>1,2 3,4</coordinates>"
	                      "</Point>",
	                      "t.kml:3",
	                      "Placemark \"P\": <Point> has 2 positions; it "
	                      "needs exactly 1");
	expect_geometry_error("<Point><coordinates/></Point>", "t.kml:3",
	                      "Placemark \"P\": <Point> has 0 positions; it "
	                      "needs exactly 1");
	expect_geometry_error("<Point/>", "t.kml:3",
	                      "Placemark \"P\": <Point> has no <coordinates>");
	expect_geometry_error("<Point><coordinates>1.5.5,2</coordinates>"
	                      "</Point>",
	                      "t.kml:3",
	                      "Placemark \"P\": \"1.5.5\" in <coordinates> is "
	                      "not a number");
	expect_geometry_error(
	    "<Point><coordinates>nan,inf</coordinates>"
	    "</Point>",
	    "t.kml:3",
	    "Placemark \"P\": \"nan\" in <coordinates> is not "
	    "a number");
	expect_geometry_error("<Point><coordinates>1e999,2</coordinates>"
	                      "</Point>",
	                      "t.kml:3",
	                      "Placemark \"P\": \"1e999\" in <coordinates> is "
	                      "out of range");
	expect_geometry_error(
	    "<Point><coordinates>1,"
	    "2000000000000000000000000000000000000000000000000"
	    "0000000000000000000</coordinates></Point>",
	    "t.kml:3",
	    "Placemark \"P\": \"2000000000000000000000000000"
	    "0000000000000000000000000000...\" in "
	    "<coordinates> is too long");
	expect_geometry_error("<Point><coordinates>1,2,</coordinates></Point>",
	                      "t.kml:3",
	                      "Placemark \"P\": <coordinates> has an empty "
	                      "number (two commas in a row, or a comma at an "
	                      "end)");
	expect_geometry_error(
	    "<Point><coordinates>1,2,3,4</coordinates>"
	    "</Point>",
	    "t.kml:3",
	    "Placemark \"P\": a position in <coordinates> has "
	    "more than 3 numbers");
	expect_geometry_error(
	    "<LineString><coordinates>1 2</coordinates>"
	    "</LineString>",
	    "t.kml:3",
	    "Placemark \"P\": position \"1\" in <coordinates> "
	    "has 1 number; it needs 2 or 3 separated by "
	    "commas");
	expect_geometry_error("<Polygon><outerBoundaryIs><LinearRing>"
	                      "<coordinates>0,0 1,1 0,0</coordinates>"
	                      "</LinearRing></outerBoundaryIs></Polygon>",
	                      "t.kml:3",
	                      "Placemark \"P\": <LinearRing> has 3 positions, "
	                      "too few for a ring");
	expect_geometry_error("<Polygon><innerBoundaryIs/></Polygon>",
	                      "t.kml:3",
	                      "Placemark \"P\": <Polygon> has no "
	                      "<outerBoundaryIs>");
	expect_geometry_error("<Polygon><outerBoundaryIs/></Polygon>",
	                      "t.kml:3",
	                      "Placemark \"P\": <outerBoundaryIs> has no "
	                      "<LinearRing>");
	expect_geometry_error("<Polygon><outerBoundaryIs><LinearRing>"
	                      "<coordinates>0,0 1,0 1,1</coordinates>"
	                      "</LinearRing></outerBoundaryIs>\n"
	                      "<outerBoundaryIs/></Polygon>",
	                      "t.kml:4",
	                      "Placemark \"P\": <Polygon> has more than one "
	                      "<outerBoundaryIs>");
	expect_geometry_error("<Point><coordinates>1,2</coordinates></Point>\n"
	                      "<LineString/>",
	                      "t.kml:4",
	                      "Placemark \"P\" has two geometries, <Point> and "
	                      "<LineString>");
	expect_geometry_error("<Model><Location><longitude>1</longitude>"
	                      "</Location></Model>",
	                      "t.kml:3",
	                      "Placemark \"P\": <Location> has no <latitude>");
	expect_geometry_error("<gx:Track><gx:coord>1</gx:coord></gx:Track>",
	                      "t.kml:3",
	                      "Placemark \"P\": a <gx:coord> has 1 number; it "
	                      "needs 2 or 3");
	expect_error(
	    "<kml><Placemark>\n<name>a\"b\n</name>"
	    "<Point><coordinates>x</coordinates></Point>"
	    "</Placemark></kml>",
	    "t.kml:3",
	    "Placemark \"a\\\"b\\x0A\": \"x\" in <coordinates> is not a "
	    "number");
	expect_error("<kml><Placemark><Point><coordinates>x</coordinates>"
	             "</Point></Placemark></kml>",
	             "t.kml:1",
	             "Placemark: \"x\" in <coordinates> is not a number");
}

static void
test_xml_errors(void **state)
{
	(void)state;
	expect_error("<kml>\n<Placemark><name>a</Placemark></kml>",
	             "t.kml:2:31",
	             "Opening and ending tag mismatch: name line 2 and "
	             "Placemark");
	expect_error("<kml>\n<Placemark>", "t.kml:2:12",
	             "Premature end of data in tag Placemark line 2");
	expect_error("", "t.kml:1:1", "the document is empty");
	expect_error("   ", "t.kml:1:4", "Start tag expected, '<' not found");
	expect_error("<kml>\xC3\x28</kml>", "t.kml:1:6",
	             "Input is not proper UTF-8, indicate encoding ! Bytes: "
	             "0xC3 0x28 0x3C 0x2F");
	expect_error("<k:kml><k:Placemark/></k:kml>", "t.kml:1:7",
	             "Namespace prefix k on kml is not defined");
	expect_error("PK\x03\x04zipped", "t.kml",
	             "this is a KMZ (zip) archive, not KML; unzip it and read "
	             "its .kml file");
	expect_error("<?xml version=\"1.0\"?>\n<!DOCTYPE kml [\n"
	             "  <!ENTITY name \"x\">\n]>\n<kml/>",
	             "t.kml:3:3",
	             "the DOCTYPE declares entity \"name\"; documents that "
	             "declare entities are not read");
	struct er_error err;
	assert_int_equal(er_kml_read("t.kml", NULL, 0, collect, NULL, &err),
	                 ER_EPARSE);
	assert_int_equal(er_kml_read("t.kml", "<", 1, collect, NULL, NULL),
	                 ER_EPARSE);
}

/* Writes a file holding a secret and returns its path (static). */
static const char *
secret_file(const char *secret, const char *suffix)
{
	static char path[2][64];
	static int which;
	char *p = path[which++ % 2];
	snprintf(p, 64, "/tmp/er_xxe_XXXXXX%s", suffix);
	int fd = mkstemps(p, (int)strlen(suffix));
	assert_true(fd >= 0);
	assert_int_equal(write(fd, secret, strlen(secret)),
	                 (ssize_t)strlen(secret));
	close(fd);
	return p;
}

static void
test_external_entities(void **state)
{
	(void)state;
	const char *secret = "SECRET-7f3a9c";
	const char *file = secret_file(secret, ".txt");
	char dtd_text[256];
	snprintf(dtd_text, sizeof dtd_text,
	         "<!ENTITY e \"%s\"><!ENTITY f SYSTEM \"file://%s\">", secret,
	         file);
	const char *dtd = secret_file(dtd_text, ".dtd");
	const char *const templates[] = {
	    /* classic XXE: a general entity from a local file */
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE kml [<!ENTITY e SYSTEM \"file://%1$s\">]>\n"
	    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Placemark>"
	    "<name>a&e;b</name><description>&e;</description>"
	    "<ExtendedData><Data name=\"d\"><value>&e;</value></Data>"
	    "</ExtendedData><Point><coordinates>1,2</coordinates></Point>"
	    "</Placemark></kml>\n",
	    /* the same through a parameter entity */
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE kml [<!ENTITY %% p SYSTEM \"file://%1$s\"> %%p;]>\n"
	    "<kml><Placemark><name>x</name></Placemark></kml>\n",
	    /* an external DTD that would declare the entity */
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE kml SYSTEM \"file://%2$s\">\n"
	    "<kml><Placemark><name>a&e;&f;b</name></Placemark></kml>\n",
	    /* no DOCTYPE: XInclude must not run */
	    "<kml xmlns:xi=\"http://www.w3.org/2001/XInclude\"><Placemark>"
	    "<name><xi:include href=\"file://%1$s\" parse=\"text\"/></name>"
	    "</Placemark></kml>\n",
	};
	for (size_t i = 0; i < sizeof templates / sizeof *templates; i++) {
		char doc[1024];
		snprintf(doc, sizeof doc, templates[i], file, dtd);
		struct seen s;
		memset(&s, 0, sizeof s);
		s.secret = secret;
		struct er_error err;
		enum er_code rc =
		    er_kml_read("t.kml", doc, strlen(doc), collect, &s, &err);
		assert_true(rc == ER_OK || rc == ER_EPARSE);
		assert_int_equal(s.leaks, 0);
		if (rc != ER_OK)
			assert_null(strstr(err.message, secret));
		seen_free(&s);
	}
	/* the first one is refused with a clear message */
	char doc[1024];
	snprintf(doc, sizeof doc, templates[0], file, dtd);
	struct er_error err;
	assert_int_equal(
	    er_kml_read("t.kml", doc, strlen(doc), collect, NULL, &err),
	    ER_EPARSE);
	assert_string_equal(err.where, "t.kml:2:16");
	assert_string_equal(err.message,
	                    "the DOCTYPE declares entity \"e\"; documents that "
	                    "declare entities are not read");
	unlink(file);
	unlink(dtd);
}

static void
test_xml_helpers(void **state)
{
	(void)state;
	static const char text[] =
	    "<a:r xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" xmlns=\"urn:d\">\n"
	    "<b:x b:k=\"v&amp;w\" k=\"plain\">one<!-- c --><![CDATA[<two>]]>"
	    "<y>three</y></b:x><z/></a:r>";
	struct er_error err;
	xmlDoc *doc = er_xml_parse("t.xml", text, sizeof text - 1, &err);
	assert_non_null(doc);
	xmlNode *root = xmlDocGetRootElement(doc);
	assert_true(er_xml_is(root, "urn:a", "r"));
	assert_false(er_xml_is(root, NULL, "r"));
	assert_string_equal(er_xml_ns(root), "urn:a");
	xmlNode *x = er_xml_first_element(root);
	assert_true(er_xml_is(x, "urn:b", "x"));
	assert_int_equal(er_xml_line(x), 2);
	xmlNode *z = er_xml_next_element(x);
	assert_true(er_xml_is(z, "urn:d", "z"));
	assert_null(er_xml_next_element(z));
	assert_null(er_xml_first_element(z));

	char *s = er_xml_text(x);
	assert_string_equal(s, "one<two>three");
	er_free(s);
	const xmlAttr *a = er_xml_attr(x, "urn:b", "k");
	assert_non_null(a);
	s = er_xml_text((const xmlNode *)a);
	assert_string_equal(s, "v&w");
	er_free(s);
	a = er_xml_attr(x, NULL, "k");
	s = er_xml_text((const xmlNode *)a);
	assert_string_equal(s, "plain");
	er_free(s);
	assert_null(er_xml_attr(x, NULL, "none"));

	/* a dump stands alone: it declares the namespaces it uses */
	s = er_xml_dump(x);
	assert_non_null(s);
	assert_non_null(strstr(s, "xmlns:b=\"urn:b\""));
	assert_non_null(strstr(s, "<![CDATA[<two>]]>"));
	assert_null(strstr(s, "urn:a"));
	xmlDoc *again = er_xml_parse("dump", s, strlen(s), &err);
	assert_non_null(again);
	xmlFreeDoc(again);
	er_free(s);
	assert_null(er_xml_dump(NULL));
	xmlFreeDoc(doc);

	/* numbers as SpatiaLite reads them */
	assert_null(er_xml_number_check("141.5", 5));
	assert_null(er_xml_number_check("-.5", 3));
	assert_null(er_xml_number_check("+5.", 3));
	assert_null(er_xml_number_check("1E-7", 4));
	assert_string_equal(er_xml_number_check(".", 1), "is not a number");
	assert_string_equal(er_xml_number_check("1e", 2), "is not a number");
	assert_string_equal(er_xml_number_check("0x1", 3), "is not a number");
	assert_string_equal(er_xml_number_check("", 0), "is not a number");
	assert_string_equal(er_xml_number_check("9e300", 5), "is out of range");
	assert_null(er_xml_number_check("9e299", 5));
	assert_null(er_xml_number_check("0.000001e305", 12));
	assert_true(er_xml_number_equal("1.50", 4, "+1.5e0", 6));
	assert_true(er_xml_number_equal("100", 3, "1e2", 3));
	assert_true(er_xml_number_equal("0.001", 5, "1E-3", 4));
	assert_true(er_xml_number_equal("-0", 2, "0.0", 3));
	assert_false(er_xml_number_equal("1.5", 3, "-1.5", 4));
	assert_false(er_xml_number_equal("141.5", 5, "141.50001", 9));
	assert_false(er_xml_number_equal("10", 2, "1", 1));
}

static void
test_big_line_numbers(void **state)
{
	(void)state;
	size_t lines = 70000;
	size_t cap = lines + 512;
	char *doc = malloc(cap);
	assert_non_null(doc);
	size_t n = (size_t)snprintf(doc, cap, "<kml>");
	memset(doc + n, '\n', lines);
	n += lines;
	n += (size_t)snprintf(doc + n, cap - n,
	                      "<Placemark><Point><coordinates>1,2</coordinates>"
	                      "</Point></Placemark></kml>");
	struct seen s;
	memset(&s, 0, sizeof s);
	struct er_error err;
	assert_int_equal(er_kml_read("t.kml", doc, n, collect, &s, &err),
	                 ER_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.f[0].line, 70001);
	assert_int_equal(s.f[0].geom_line, 70001);
	seen_free(&s);
	free(doc);
}

static void
test_out_of_memory(void **state)
{
	(void)state;
	const char *docs[] = {ogr_kml, ogr_libkml};
	for (size_t d = 0; d < 2; d++) {
		int ok = 0;
		for (long fail = 1; fail < 10000 && !ok; fail++) {
			struct seen s;
			memset(&s, 0, sizeof s);
			struct er_error err;
			er_error_clear(&err);
			er_alloc_fail_after(fail);
			enum er_code rc =
			    er_kml_read("t.kml", docs[d], strlen(docs[d]),
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
}

struct walk {
	size_t files, features, errors;
};

static enum er_code
count_only(const struct er_feature *f, void *ud, struct er_error *err)
{
	(void)err;
	struct walk *w = ud;
	w->features++;
	/* what would go to SpatiaLite is plain KML */
	if (f->geom_text &&
	    (strchr(f->geom_text, ':') || strstr(f->geom_text, "tessellate") ||
	     strstr(f->geom_text, "altitudeMode")))
		return er_fail(err, ER_EINVALID, NULL, "unsafe geometry %s",
		               f->geom_text);
	return ER_OK;
}

static void
walk_dir(const char *dir, struct walk *w)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			walk_dir(path, w);
			continue;
		}
		FILE *fp = fopen(path, "rb");
		assert_non_null(fp);
		char *data = malloc((size_t)st.st_size + 1);
		assert_non_null(data);
		assert_int_equal(fread(data, 1, (size_t)st.st_size, fp),
		                 (size_t)st.st_size);
		fclose(fp);
		struct er_error err;
		er_error_clear(&err);
		enum er_code rc = er_kml_read(path, data, (size_t)st.st_size,
		                              count_only, w, &err);
		if (rc != ER_OK && rc != ER_EPARSE)
			fail_msg("%s: %s: %s", path, err.where, err.message);
		if (rc == ER_EPARSE) {
			/* a clear error: where names the file */
			assert_true(strncmp(err.where, path, strlen(path)) ==
			            0);
			assert_true(err.message[0] != '\0');
			w->errors++;
		}
		w->files++;
		free(data);
	}
	closedir(d);
}

static void
test_ogc_conformance_files(void **state)
{
	(void)state;
	/* the OGC suite lives in ../shared, which the README requires
	 * beside the checkout: its absence is a failure, not a pass */
	const char *shared = getenv("ER_SHARED");
	assert_non_null(shared);
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/testsuites/ogc-kml22", shared);
	struct stat st;
	if (stat(dir, &st) != 0)
		fail_msg("%s not found: the checkout needs ../shared beside it",
		         dir);
	struct walk w = {0, 0, 0};
	walk_dir(dir, &w);
	assert_true(w.files >= 60);
	assert_true(w.features >= 40);
	assert_true(w.errors < w.files);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ogr_kml),
	    cmocka_unit_test(test_ogr_libkml),
	    cmocka_unit_test(test_namespaces),
	    cmocka_unit_test(test_properties),
	    cmocka_unit_test(test_geometry_rewritten),
	    cmocka_unit_test(test_geometry_errors),
	    cmocka_unit_test(test_xml_errors),
	    cmocka_unit_test(test_external_entities),
	    cmocka_unit_test(test_xml_helpers),
	    cmocka_unit_test(test_big_line_numbers),
	    cmocka_unit_test(test_out_of_memory),
	    cmocka_unit_test(test_ogc_conformance_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
