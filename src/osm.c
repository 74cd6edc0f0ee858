/* OpenStreetMap XML (.osm) for base maps: a streaming libxml2 reader that
 * turns roads, buildings, water and rivers into GeoJSON features. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "alloc.h"
#include "basemap.h"
#include "xml.h"

/* No entity substitution, DTD loading or network (see xml.c). */
#define READER_OPTIONS                                                         \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |           \
	 XML_PARSE_BIG_LINES)

struct node {
	int64_t id;
	double lon, lat;
};

/* The tags of one way that matter here. */
enum {
	T_HIGHWAY,
	T_BUILDING,
	T_NATURAL,
	T_LANDUSE,
	T_WATERWAY,
	T_NAME,
	T_AREA,
	T_COUNT
};
static const char *const tag_keys[T_COUNT] = {
    "highway", "building", "natural", "landuse", "waterway", "name", "area",
};

struct osm {
	const char *path;
	xmlTextReaderPtr r;
	er_feature_fn fn;
	void *ud;
	struct er_error *err;
	struct node *nodes;
	size_t nnodes, capnodes;
	int sorted;
	/* the way being read */
	int in_way;
	char way_id[32];
	unsigned way_line;
	int64_t *refs;
	size_t nrefs, caprefs;
	char *tags[T_COUNT];
	/* first libxml2 error */
	int have_error, nomem;
	int error_line;
	char error_message[300];
};

static void
reader_error(void *arg, xmlErrorPtr e)
{
	struct osm *o = arg;
	if (!e || e->level < XML_ERR_ERROR)
		return;
	if (e->code == XML_ERR_NO_MEMORY)
		o->nomem = 1;
	if (o->have_error)
		return;
	o->have_error = 1;
	o->error_line = e->line;
	snprintf(o->error_message, sizeof o->error_message, "%s",
	         e->message ? e->message : "malformed XML");
	size_t n = strlen(o->error_message);
	while (n && (o->error_message[n - 1] == '\n' ||
	             o->error_message[n - 1] == ' '))
		o->error_message[--n] = '\0';
	for (char *p = o->error_message; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

static unsigned
line_now(struct osm *o)
{
	int l = xmlTextReaderGetParserLineNumber(o->r);
	return l > 0 ? (unsigned)l : 0;
}

static enum er_code
fail_at(struct osm *o, unsigned line, const char *msg, const char *value)
{
	char where[300];
	snprintf(where, sizeof where, "%s:%u", o->path, line);
	char q[80];
	if (value) {
		er_feature_quote(q, sizeof q, value, strlen(value));
		return er_fail(o->err, ER_EPARSE, where, "%s \"%s\"", msg, q);
	}
	return er_fail(o->err, ER_EPARSE, where, "%s", msg);
}

static enum er_code
nomem(struct osm *o)
{
	return er_fail(o->err, ER_ENOMEM, o->path, "out of memory");
}

/* An attribute of the current element as a new string (er_free), or
 * NULL when absent; *oom is set when copying failed. */
static char *
attr(struct osm *o, const char *name, int *oom)
{
	xmlChar *v = xmlTextReaderGetAttribute(o->r, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *s = er_strdup((const char *)v);
	xmlFree(v);
	if (!s)
		*oom = 1;
	return s;
}

static int
parse_i64(const char *s, int64_t *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int
parse_coord(const char *s, double lo, double hi, double *out)
{
	if (!s || er_xml_number_check(s, strlen(s)))
		return -1;
	double v = strtod(s, NULL);
	if (!(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

static enum er_code
read_node(struct osm *o)
{
	int oom = 0;
	char *id = attr(o, "id", &oom);
	char *lat = attr(o, "lat", &oom);
	char *lon = attr(o, "lon", &oom);
	enum er_code rc = ER_OK;
	struct node n;
	if (oom) {
		rc = nomem(o);
	} else if (parse_i64(id, &n.id)) {
		rc = fail_at(o, line_now(o),
		             "<node> has no valid id:", id ? id : "");
	} else if (!lat && !lon) {
		/* deleted nodes in change files carry no position */
		goto out;
	} else if (parse_coord(lat, -90, 90, &n.lat)) {
		rc = fail_at(o, line_now(o),
		             "<node> has no valid lat:", lat ? lat : "");
	} else if (parse_coord(lon, -180, 180, &n.lon)) {
		rc = fail_at(o, line_now(o),
		             "<node> has no valid lon:", lon ? lon : "");
	} else {
		if (o->nnodes == o->capnodes) {
			size_t c = o->capnodes ? o->capnodes * 2 : 1024;
			struct node *x = er_realloc(o->nodes, c * sizeof *x);
			if (!x) {
				rc = nomem(o);
				goto out;
			}
			o->nodes = x;
			o->capnodes = c;
		}
		if (o->nnodes && o->nodes[o->nnodes - 1].id >= n.id)
			o->sorted = 0;
		o->nodes[o->nnodes++] = n;
	}
out:
	er_free(id);
	er_free(lat);
	er_free(lon);
	return rc;
}

static int
cmp_node(const void *a, const void *b)
{
	int64_t x = ((const struct node *)a)->id;
	int64_t y = ((const struct node *)b)->id;
	return (x > y) - (x < y);
}

static const struct node *
find_node(struct osm *o, int64_t id)
{
	if (!o->sorted) {
		qsort(o->nodes, o->nnodes, sizeof *o->nodes, cmp_node);
		o->sorted = 1;
	}
	struct node key = {.id = id};
	return bsearch(&key, o->nodes, o->nnodes, sizeof *o->nodes, cmp_node);
}

static void
way_clear(struct osm *o)
{
	o->in_way = 0;
	o->nrefs = 0;
	for (int i = 0; i < T_COUNT; i++)
		ER_FREE(o->tags[i]);
}

static enum er_code
read_nd(struct osm *o)
{
	int oom = 0;
	char *ref = attr(o, "ref", &oom);
	int64_t id;
	enum er_code rc = ER_OK;
	if (oom)
		rc = nomem(o);
	else if (parse_i64(ref, &id))
		rc = fail_at(o, line_now(o),
		             "<nd> has no valid ref:", ref ? ref : "");
	else if (o->nrefs == o->caprefs) {
		size_t c = o->caprefs ? o->caprefs * 2 : 64;
		int64_t *x = er_realloc(o->refs, c * sizeof *x);
		if (!x)
			rc = nomem(o);
		else {
			o->refs = x;
			o->caprefs = c;
		}
	}
	if (!rc)
		o->refs[o->nrefs++] = id;
	er_free(ref);
	return rc;
}

static enum er_code
read_tag(struct osm *o)
{
	int oom = 0;
	char *k = attr(o, "k", &oom);
	enum er_code rc = ER_OK;
	for (int i = 0; k && i < T_COUNT; i++) {
		if (strcmp(k, tag_keys[i]) != 0 || o->tags[i])
			continue;
		o->tags[i] = attr(o, "v", &oom);
		if (!o->tags[i] && !oom)
			rc =
			    fail_at(o, line_now(o), "<tag> has no v for k:", k);
	}
	if (oom)
		rc = nomem(o);
	er_free(k);
	return rc;
}

static int
is(const char *v, const char *a)
{
	return v && strcmp(v, a) == 0;
}

/* Which base-map layer a way belongs to, its kind, and whether it is
 * an area; NULL when it is none of ours. */
static const char *
classify(struct osm *o, const char **kind, int *area)
{
	char **t = o->tags;
	*area = 0;
	if (t[T_BUILDING] && !is(t[T_BUILDING], "no")) {
		*kind = t[T_BUILDING];
		*area = 1;
		return "buildings";
	}
	if (is(t[T_NATURAL], "water") || is(t[T_LANDUSE], "reservoir")) {
		*kind = t[T_NATURAL] ? t[T_NATURAL] : t[T_LANDUSE];
		*area = 1;
		return "water";
	}
	if (is(t[T_WATERWAY], "river") || is(t[T_WATERWAY], "stream")) {
		*kind = t[T_WATERWAY];
		return "rivers";
	}
	if (t[T_HIGHWAY]) {
		*kind = t[T_HIGHWAY];
		*area = is(t[T_AREA], "yes");
		return "roads";
	}
	return NULL;
}

static void
add_point(struct er_xml_buf *b, const struct node *n, int first)
{
	char s[64];
	snprintf(s, sizeof s, "%s[%.7f,%.7f]", first ? "" : ",", n->lon,
	         n->lat);
	er_xml_buf_puts(b, s);
}

static enum er_code
finish_way(struct osm *o)
{
	const char *kind;
	int area;
	const char *layer = classify(o, &kind, &area);
	if (!layer)
		return ER_OK;
	/* the way's points that this file has */
	size_t npts = 0;
	for (size_t i = 0; i < o->nrefs; i++)
		npts += find_node(o, o->refs[i]) != NULL;
	if (npts < 2)
		return ER_OK;
	int closed = o->nrefs >= 4 && o->refs[0] == o->refs[o->nrefs - 1] &&
	             npts == o->nrefs;
	int polygon = area && closed;
	struct er_xml_buf b = {0};
	er_xml_buf_puts(&b, polygon ? "{\"type\":\"Polygon\",\"coordinates\":[["
	                            : "{\"type\":\"LineString\","
	                              "\"coordinates\":[");
	int first = 1;
	for (size_t i = 0; i < o->nrefs; i++) {
		const struct node *n = find_node(o, o->refs[i]);
		if (!n)
			continue;
		add_point(&b, n, first);
		first = 0;
	}
	er_xml_buf_puts(&b, polygon ? "]]}" : "]}");
	struct er_feature f = {.line = o->way_line,
	                       .geom_format = ER_GEOM_GEOJSON,
	                       .geom_line = o->way_line};
	f.geom_text = er_xml_buf_take(&b);
	enum er_code rc = ER_OK;
	if (!f.geom_text || er_feature_add_prop(&f, "layer", layer, o->err) ||
	    er_feature_add_prop(&f, "kind", kind, o->err) ||
	    er_feature_add_prop(&f, "osm_id", o->way_id, o->err) ||
	    (o->tags[T_NAME] &&
	     er_feature_add_prop(&f, "name", o->tags[T_NAME], o->err)))
		rc = nomem(o);
	else
		rc = o->fn(&f, o->ud, o->err);
	er_feature_finish(&f);
	return rc;
}

static enum er_code
start_way(struct osm *o)
{
	int oom = 0;
	char *id = attr(o, "id", &oom);
	int64_t v;
	enum er_code rc = ER_OK;
	if (oom)
		rc = nomem(o);
	else if (parse_i64(id, &v))
		rc = fail_at(o, line_now(o),
		             "<way> has no valid id:", id ? id : "");
	else {
		way_clear(o);
		o->in_way = 1;
		o->way_line = line_now(o);
		snprintf(o->way_id, sizeof o->way_id, "%lld", (long long)v);
	}
	er_free(id);
	return rc;
}

/* Line of the first "<!DOCTYPE" in data, 0 when there is none. */
static unsigned
doctype_line(const char *data, size_t len)
{
	static const char needle[] = "<!DOCTYPE";
	unsigned line = 1;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n')
			line++;
		else if (data[i] == '<' && len - i >= sizeof needle - 1 &&
		         memcmp(data + i, needle, sizeof needle - 1) == 0)
			return line;
	}
	return 0;
}

static enum er_code
run(struct osm *o)
{
	int ret, seen_root = 0;
	while ((ret = xmlTextReaderRead(o->r)) == 1) {
		int type = xmlTextReaderNodeType(o->r);
		int depth = xmlTextReaderDepth(o->r);
		const char *name =
		    (const char *)xmlTextReaderConstLocalName(o->r);
		enum er_code rc = ER_OK;
		if (type == XML_READER_TYPE_ELEMENT && depth == 0) {
			if (!is(name, "osm"))
				return fail_at(o, line_now(o),
				               "not OpenStreetMap XML: the "
				               "root element is",
				               name ? name : "");
			seen_root = 1;
		} else if (type == XML_READER_TYPE_ELEMENT && depth == 1) {
			if (is(name, "node"))
				rc = read_node(o);
			else if (is(name, "way")) {
				rc = start_way(o);
				if (!rc && xmlTextReaderIsEmptyElement(o->r)) {
					rc = finish_way(o);
					way_clear(o);
				}
			}
		} else if (type == XML_READER_TYPE_ELEMENT && depth == 2 &&
		           o->in_way) {
			if (is(name, "nd"))
				rc = read_nd(o);
			else if (is(name, "tag"))
				rc = read_tag(o);
		} else if (type == XML_READER_TYPE_END_ELEMENT && depth == 1 &&
		           o->in_way && is(name, "way")) {
			rc = finish_way(o);
			way_clear(o);
		}
		if (rc)
			return rc;
	}
	if (o->nomem)
		return nomem(o);
	if (ret < 0 || o->have_error) {
		char where[300];
		snprintf(where, sizeof where, "%s:%d", o->path,
		         o->error_line > 0 ? o->error_line : 1);
		return er_fail(o->err, ER_EPARSE, where, "%s",
		               o->have_error ? o->error_message
		                             : "malformed XML");
	}
	if (!seen_root)
		return er_fail(o->err, ER_EPARSE, o->path,
		               "not OpenStreetMap XML: no <osm> element");
	return ER_OK;
}

enum er_code
er_osm_read(const char *path, const char *data, size_t len, er_feature_fn fn,
            void *ud, struct er_error *err)
{
	if (len > INT_MAX)
		return er_fail(err, ER_EPARSE, path, "file is too large");
	unsigned dl = doctype_line(data, len);
	if (dl) {
		char where[300];
		snprintf(where, sizeof where, "%s:%u", path, dl);
		return er_fail(err, ER_EPARSE, where,
		               "OpenStreetMap XML has no DOCTYPE; refused");
	}
	xmlInitParser();
	struct osm o = {
	    .path = path, .fn = fn, .ud = ud, .err = err, .sorted = 1};
	o.r = xmlReaderForMemory(data, (int)len, path, NULL, READER_OPTIONS);
	if (!o.r)
		return er_fail(err, ER_ENOMEM, path, "out of memory");
	xmlTextReaderSetStructuredErrorHandler(o.r, reader_error, &o);
	enum er_code rc = run(&o);
	xmlFreeTextReader(o.r);
	way_clear(&o);
	er_free(o.refs);
	er_free(o.nodes);
	return rc;
}
