/* GML reader: the features of a GML 2, 3 or 3.2 feature collection (WFS,
 * ogr2ogr), their simple properties as text, and their geometry rewritten
 * as the GML that SpatiaLite's GeomFromGML() reads, in x/y axis order. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "alloc.h"
#include "feature.h"
#include "xml.h"
#include <evacreg/error.h>

/* SpatiaLite 5.0.1's GeomFromGML() reads only the "gml:" prefix or none,
 * knows neither gml:Surface nor GML 3.2's prefixes, does not nest
 * collections, keeps coordinates in the order written (so
 * urn:ogc:def:crs:EPSG::4326 data, which ogr2ogr writes latitude first,
 * comes out transposed), copies each GML 2 coordinate into a 1024-byte
 * stack buffer and crashes on a self-closed root. So the geometry is
 * checked here and written again in one form it reads well:
 *
 *   <gml:Polygon xmlns:gml="http://www.opengis.net/gml" srsName="EPSG:n">
 *   <gml:exterior><gml:LinearRing><gml:posList>x y x y ...
 *
 * with gml:Point/gml:pos, gml:LineString/gml:posList and, for several
 * parts, gml:MultiPoint/pointMember, gml:MultiCurve/curveMember,
 * gml:MultiSurface/surfaceMember or gml:MultiGeometry/geometryMember.
 * Numbers are copied as written, swapped to x/y order when the srsName
 * says the CRS has latitude or northing first. */

#define GML_NS "http://www.opengis.net/gml"
#define GML32_NS "http://www.opengis.net/gml/3.2"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define XLINK_NS "http://www.w3.org/1999/xlink"

enum gkind {
	G_NONE = 0,
	G_POINT,
	G_LINESTRING,
	G_LINEARRING,
	G_CURVE,
	G_POLYGON,
	G_SURFACE,
	G_MULTI,
	G_UNSUPPORTED,
};

/* What a written part is, to choose the collection that holds it. */
enum leaf {
	L_POINT = 1,
	L_LINE = 2,
	L_POLYGON = 4,
};

static const struct {
	const char *name;
	enum gkind kind;
} geometry_names[] = {
    {"Point", G_POINT},
    {"LineString", G_LINESTRING},
    {"LinearRing", G_LINEARRING},
    {"Curve", G_CURVE},
    {"Polygon", G_POLYGON},
    {"Surface", G_SURFACE},
    {"MultiPoint", G_MULTI},
    {"MultiLineString", G_MULTI},
    {"MultiCurve", G_MULTI},
    {"MultiPolygon", G_MULTI},
    {"MultiSurface", G_MULTI},
    {"MultiGeometry", G_MULTI},
    {"Box", G_UNSUPPORTED},
    {"Ring", G_UNSUPPORTED},
    {"CompositeCurve", G_UNSUPPORTED},
    {"CompositeSurface", G_UNSUPPORTED},
    {"CompositeSolid", G_UNSUPPORTED},
    {"GeometricComplex", G_UNSUPPORTED},
    {"OrientableCurve", G_UNSUPPORTED},
    {"OrientableSurface", G_UNSUPPORTED},
    {"PolyhedralSurface", G_UNSUPPORTED},
    {"TriangulatedSurface", G_UNSUPPORTED},
    {"Tin", G_UNSUPPORTED},
    {"Solid", G_UNSUPPORTED},
    {"MultiSolid", G_UNSUPPORTED},
};

/* One srsName: an EPSG code, and whether positions are written with
 * latitude/northing first. */
struct srs {
	long code;
	int swap;
};

struct gml {
	const char *path;
	er_feature_fn fn;
	void *ud;
	struct er_error *err;
	char label[160]; /* "feature \"id\"", for messages */
	/* the geometry being written */
	const xmlNode *geom_root;
	struct srs srs;          /* of the whole geometry; code 0: none given */
	struct er_xml_buf parts; /* each written part, one after another */
	struct part {
		enum leaf kind;
		size_t off, len;
	} * part;
	size_t nparts, capparts;
	unsigned dims; /* bit 2: some part is 2D; bit 3: some is 3D */
};

static int
is_gml_ns(const xmlNode *n)
{
	const char *ns = er_xml_ns(n);
	return ns && (!strcmp(ns, GML_NS) || !strcmp(ns, GML32_NS));
}

static int
is_gml(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE &&
	       !strcmp((const char *)n->name, name) && is_gml_ns(n);
}

static enum gkind
geometry_kind(const xmlNode *n)
{
	if (!n || n->type != XML_ELEMENT_NODE || !is_gml_ns(n))
		return G_NONE;
	for (size_t i = 0; i < sizeof geometry_names / sizeof *geometry_names;
	     i++)
		if (!strcmp((const char *)n->name, geometry_names[i].name))
			return geometry_names[i].kind;
	return G_NONE;
}

static enum er_code fail_node(struct gml *g, const xmlNode *n, const char *fmt,
                              ...) __attribute__((format(printf, 3, 4)));

static enum er_code
fail_node(struct gml *g, const xmlNode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum er_code rc = er_xml_vfail(g->err, g->path, n, g->label, fmt, ap);
	va_end(ap);
	return rc;
}

static enum er_code
fail_nomem(struct gml *g)
{
	return er_fail(g->err, ER_ENOMEM, g->path, "out of memory reading GML");
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* CRSs whose EPSG axis order puts latitude or northing first, among
 * those a Japanese municipality meets. Only the URN and OGC URL forms of
 * srsName promise EPSG axis order; "EPSG:n" means x/y. */
static int
north_first(long code)
{
	if (code >= 4000 && code <= 4999)
		return code != 4978; /* geographic CRSs; 4978 is geocentric */
	if (code == 6667 || code == 6668) /* JGD2011 geographic */
		return 1;
	if (code >= 2443 && code <= 2461) /* JGD2000 / Japan Plane Rect. */
		return 1;
	if (code >= 6669 && code <= 6687) /* JGD2011 / Japan Plane Rect. */
		return 1;
	if (code >= 30161 && code <= 30179) /* Tokyo / Japan Plane Rect. */
		return 1;
	return 0;
}

/* The EPSG code at the end of s after its last sep, or -1. */
static long
code_after(const char *s, char sep)
{
	const char *p = strrchr(s, sep);
	if (!p || !p[1] || strlen(p + 1) > 9)
		return -1;
	long v = 0;
	for (p++; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v > 0 ? v : -1;
}

static int
starts(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Parses srsName s; -1 when it is none we know. */
static int
parse_srs(const char *s, struct srs *out)
{
	out->swap = 0;
	if (starts(s, "urn:ogc:def:crs:OGC:") ||
	    starts(s, "http://www.opengis.net/def/crs/OGC/")) {
		size_t n = strlen(s);
		if (n >= 5 && !strcasecmp(s + n - 5, "CRS84")) {
			out->code = 4326; /* longitude first */
			return 0;
		}
		return -1;
	}
	if (starts(s, "EPSG:")) {
		out->code = code_after(s, ':');
		return s[5] && strchr(s + 5, ':') ? -1 : out->code > 0 ? 0 : -1;
	}
	if (starts(s, "http://www.opengis.net/gml/srs/epsg.xml#")) {
		out->code = code_after(s, '#');
		return out->code > 0 ? 0 : -1;
	}
	if (starts(s, "urn:ogc:def:crs:EPSG:") ||
	    starts(s, "urn:x-ogc:def:crs:EPSG:")) {
		out->code = code_after(s, ':');
		out->swap = north_first(out->code);
		return out->code > 0 ? 0 : -1;
	}
	if (starts(s, "http://www.opengis.net/def/crs/EPSG/")) {
		out->code = code_after(s, '/');
		out->swap = north_first(out->code);
		return out->code > 0 ? 0 : -1;
	}
	return -1;
}

/* Reads the srsName of element n into *out; 1 if it has one, 0 if not,
 * -1 after an error. */
static int
read_srs(struct gml *g, const xmlNode *n, struct srs *out)
{
	const xmlAttr *a = er_xml_attr(n, NULL, "srsName");
	if (!a)
		return 0;
	char *s = er_xml_text((const xmlNode *)a);
	if (!s) {
		fail_nomem(g);
		return -1;
	}
	int rc = 1;
	if (parse_srs(s, out)) {
		char q[96];
		er_feature_quote(q, sizeof q, s, strlen(s));
		fail_node(g, n,
		          "unknown srsName \"%s\"; use an EPSG code such as "
		          "\"EPSG:4326\"",
		          q);
		rc = -1;
	}
	er_free(s);
	return rc;
}

/* Finds the srsName of the geometry: the root's, or the first one below
 * it; every other one must name the same CRS. */
static enum er_code
geometry_srs(struct gml *g, const xmlNode *root)
{
	memset(&g->srs, 0, sizeof g->srs);
	const xmlNode *first = NULL;
	for (const xmlNode *n = root; n;) {
		struct srs s;
		int r = read_srs(g, n, &s);
		if (r < 0)
			return g->err->code;
		if (r && !first) {
			first = n;
			g->srs = s;
		} else if (r && s.code != g->srs.code) {
			char t[128];
			return fail_node(g, n,
			                 "%s has srsName EPSG:%ld, but the "
			                 "geometry is in EPSG:%ld",
			                 er_xml_tag(n, t, sizeof t), s.code,
			                 g->srs.code);
		}
		/* next element in document order under root */
		const xmlNode *c = er_xml_first_element(n);
		if (c) {
			n = c;
			continue;
		}
		while (n && n != root && !er_xml_next_element(n))
			n = n->parent;
		n = n && n != root ? er_xml_next_element(n) : NULL;
	}
	return ER_OK;
}

/* Whether positions under element n are written latitude/northing
 * first: the nearest srsName up to the geometry root decides. */
static int
swapped(struct gml *g, const xmlNode *n)
{
	for (; n; n = n->parent) {
		const xmlAttr *a = er_xml_attr(n, NULL, "srsName");
		if (a) {
			char *s = er_xml_text((const xmlNode *)a);
			struct srs srs = {0, 0};
			int ok = s && parse_srs(s, &srs) == 0;
			er_free(s);
			return ok ? srs.swap : g->srs.swap;
		}
		if (n == g->geom_root)
			break;
	}
	return g->srs.swap;
}

/* The srsDimension (or GML 3.0 dimension) of n or its nearest ancestor
 * up to the geometry root; 0 when none says. */
static int
dimension(struct gml *g, const xmlNode *n)
{
	for (; n; n = n->parent) {
		const xmlAttr *a = er_xml_attr(n, NULL, "srsDimension");
		if (!a)
			a = er_xml_attr(n, NULL, "dimension");
		if (a) {
			char *s = er_xml_text((const xmlNode *)a);
			int d = s ? atoi(s) : 0;
			er_free(s);
			return d;
		}
		if (n == g->geom_root)
			break;
	}
	return 0;
}

/* The positions of one line or ring, and the texts they point into. */
struct coords {
	struct er_xml_posv pv;
	char **texts;
	size_t ntexts, captexts;
};

static void
coords_finish(struct coords *c)
{
	for (size_t i = 0; i < c->ntexts; i++)
		er_free(c->texts[i]);
	er_free(c->texts);
	er_xml_posv_finish(&c->pv);
	memset(c, 0, sizeof *c);
}

/* The text of el, kept in c until coords_finish(). */
static char *
coords_text(struct gml *g, struct coords *c, const xmlNode *el)
{
	if (c->ntexts == c->captexts) {
		size_t cap = c->captexts ? c->captexts * 2 : 8;
		char **t = er_realloc(c->texts, cap * sizeof *t);
		if (!t) {
			fail_nomem(g);
			return NULL;
		}
		c->texts = t;
		c->captexts = cap;
	}
	char *s = er_xml_text(el);
	if (!s) {
		fail_nomem(g);
		return NULL;
	}
	c->texts[c->ntexts++] = s;
	return s;
}

static enum er_code
check_number(struct gml *g, const xmlNode *el, const char *s, size_t n)
{
	const char *why = er_xml_number_check(s, n);
	if (!why)
		return ER_OK;
	char q[64], t[128];
	er_feature_quote(q, sizeof q, s, n);
	return fail_node(g, el, "\"%s\" in %s %s", q, er_xml_tag(el, t, sizeof t),
	                 why);
}

/* Adds to pos the numbers of el's text, separated by white space. */
static enum er_code
read_numbers(struct gml *g, struct coords *c, const xmlNode *el, int dim,
             int many)
{
	char t[128];
	char *text = coords_text(g, c, el);
	if (!text)
		return g->err->code;
	size_t count = 0;
	struct er_xml_pos pos;
	memset(&pos, 0, sizeof pos);
	for (const char *p = text;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && !is_space(*p))
			p++;
		enum er_code rc = check_number(g, el, s, (size_t)(p - s));
		if (rc)
			return rc;
		if (pos.dim == 3)
			return fail_node(g, el, "%s has more than 3 numbers",
			                 er_xml_tag(el, t, sizeof t));
		pos.v[pos.dim] = s;
		pos.n[pos.dim] = (unsigned char)(p - s);
		pos.dim++;
		count++;
		if (many && pos.dim == dim) {
			if (er_xml_posv_push(&c->pv, &pos))
				return fail_nomem(g);
			memset(&pos, 0, sizeof pos);
		}
	}
	if (many) {
		if (pos.dim)
			return fail_node(g, el,
			                 "%s has %zu numbers, not a multiple "
			                 "of its dimension %d",
			                 er_xml_tag(el, t, sizeof t), count, dim);
		return ER_OK;
	}
	if (pos.dim < 2 || (dim && pos.dim != dim))
		return fail_node(g, el, "%s has %zu number%s; it needs %d",
		                 er_xml_tag(el, t, sizeof t), count,
		                 count == 1 ? "" : "s", dim ? dim : 2);
	if (er_xml_posv_push(&c->pv, &pos))
		return fail_nomem(g);
	return ER_OK;
}

/* The single character of attribute name of el, or def. */
static char
separator(struct gml *g, const xmlNode *el, const char *name, char def,
          int *bad)
{
	const xmlAttr *a = er_xml_attr(el, NULL, name);
	if (!a)
		return def;
	char *s = er_xml_text((const xmlNode *)a);
	if (!s) {
		*bad = 1;
		fail_nomem(g);
		return def;
	}
	char c = s[0];
	if (strlen(s) != 1) {
		char t[128];
		*bad = 1;
		fail_node(g, el,
		          "%s has %s=\"%.8s\"; only one character is "
		          "supported",
		          er_xml_tag(el, t, sizeof t), name, s);
	}
	er_free(s);
	return c;
}

/* GML 2 <gml:coordinates>: tuples "x,y[,z]" separated by white space
 * (or the cs, ts and decimal characters its attributes give). */
static enum er_code
read_coordinates(struct gml *g, struct coords *c, const xmlNode *el)
{
	int bad = 0;
	char cs = separator(g, el, "cs", ',', &bad);
	char ts = separator(g, el, "ts", ' ', &bad);
	char dec = separator(g, el, "decimal", '.', &bad);
	if (bad)
		return g->err->code;
	char t[128];
	if (cs == ts || cs == dec || ts == dec || is_space(cs))
		return fail_node(g, el,
		                 "%s has conflicting cs, ts and decimal "
		                 "characters",
		                 er_xml_tag(el, t, sizeof t));
	char *text = coords_text(g, c, el);
	if (!text)
		return g->err->code;
	if (dec != '.')
		for (char *q = text; *q; q++)
			if (*q == dec)
				*q = '.';
	const char *p = text;
	for (;;) {
		while (is_space(*p) || *p == ts)
			p++;
		if (!*p)
			return ER_OK;
		struct er_xml_pos pos;
		memset(&pos, 0, sizeof pos);
		for (;;) {
			const char *s = p;
			while (*p && !is_space(*p) && *p != ts && *p != cs)
				p++;
			enum er_code rc =
			    check_number(g, el, s, (size_t)(p - s));
			if (rc)
				return rc;
			if (pos.dim == 3)
				return fail_node(g, el,
				                 "a tuple in %s has more than "
				                 "3 numbers",
				                 er_xml_tag(el, t, sizeof t));
			pos.v[pos.dim] = s;
			pos.n[pos.dim] = (unsigned char)(p - s);
			pos.dim++;
			if (*p != cs)
				break;
			p++;
		}
		if (pos.dim < 2)
			return fail_node(g, el,
			                 "a tuple in %s has 1 number; it "
			                 "needs 2 or 3",
			                 er_xml_tag(el, t, sizeof t));
		if (er_xml_posv_push(&c->pv, &pos))
			return fail_nomem(g);
	}
}

/* GML 2 <gml:coord><gml:X>..</gml:X><gml:Y>..</gml:Y>[<gml:Z>]. */
static enum er_code
read_coord(struct gml *g, struct coords *c, const xmlNode *el)
{
	static const char *const axes[] = {"X", "Y", "Z"};
	struct er_xml_pos pos;
	memset(&pos, 0, sizeof pos);
	for (int i = 0; i < 3; i++) {
		const xmlNode *a = er_xml_first_element(el);
		while (a && !is_gml(a, axes[i]))
			a = er_xml_next_element(a);
		if (!a) {
			if (i < 2)
				return fail_node(g, el,
				                 "<gml:coord> has no "
				                 "<gml:%s>",
				                 axes[i]);
			break;
		}
		char *text = coords_text(g, c, a);
		if (!text)
			return g->err->code;
		while (is_space(*text))
			text++;
		size_t n = strlen(text);
		while (n && is_space(text[n - 1]))
			n--;
		enum er_code rc = check_number(g, a, text, n);
		if (rc)
			return rc;
		pos.v[i] = text;
		pos.n[i] = (unsigned char)n;
		pos.dim++;
	}
	if (er_xml_posv_push(&c->pv, &pos))
		return fail_nomem(g);
	return ER_OK;
}

static enum er_code read_positions(struct gml *g, struct coords *c,
                                   const xmlNode *owner);

/* Appends the positions of the children of owner (a line, ring, segment
 * or point): posList, pos, coordinates, coord or pointProperty. */
static enum er_code
read_positions(struct gml *g, struct coords *c, const xmlNode *owner)
{
	enum er_code rc = ER_OK;
	for (const xmlNode *el = er_xml_first_element(owner); el && !rc;
	     el = er_xml_next_element(el)) {
		if (is_gml(el, "posList")) {
			int dim = dimension(g, el);
			if (dim == 0)
				dim = 2;
			if (dim != 2 && dim != 3) {
				char t[128];
				return fail_node(g, el,
				                 "%s has srsDimension %d; only "
				                 "2 and 3 are supported",
				                 er_xml_tag(el, t, sizeof t), dim);
			}
			rc = read_numbers(g, c, el, dim, 1);
		} else if (is_gml(el, "pos")) {
			rc = read_numbers(g, c, el, dimension(g, el), 0);
		} else if (is_gml(el, "coordinates")) {
			rc = read_coordinates(g, c, el);
		} else if (is_gml(el, "coord")) {
			rc = read_coord(g, c, el);
		} else if (is_gml(el, "pointProperty") ||
		           is_gml(el, "pointRep")) {
			const xmlNode *pt = er_xml_first_element(el);
			if (!is_gml(pt, "Point")) {
				char t[128];
				return fail_node(g, el,
				                 "%s has no <gml:Point> (xlink "
				                 "references are not followed)",
				                 er_xml_tag(el, t, sizeof t));
			}
			size_t before = c->pv.n;
			rc = read_positions(g, c, pt);
			if (!rc && c->pv.n != before + 1)
				return fail_node(
				    g, pt,
				    "<gml:Point> needs exactly one "
				    "position");
		}
	}
	return rc;
}

/* Writes positions as "x y[ z] ..." in x/y order. */
static void
put_positions(struct er_xml_buf *out, const struct er_xml_posv *pv, int swap)
{
	for (size_t i = 0; i < pv->n; i++) {
		const struct er_xml_pos *p = &pv->p[i];
		for (unsigned d = 0; d < p->dim; d++) {
			unsigned k = swap && d < 2 ? 1 - d : d;
			if (i || d)
				er_xml_buf_add(out, " ", 1);
			er_xml_buf_add(out, p->v[k], p->n[k]);
		}
	}
}

/* Reads the positions of owner (min of them, exactly one when min is 0;
 * a ring when ring) and writes them as a gml:pos or gml:posList. */
static enum er_code
write_positions(struct gml *g, const xmlNode *owner, size_t min, int ring,
                struct er_xml_buf *out)
{
	char t[128];
	struct coords c;
	memset(&c, 0, sizeof c);
	enum er_code rc = read_positions(g, &c, owner);
	size_t given = c.pv.n;
	if (!rc && ring && er_xml_ring_close(&c.pv))
		rc = fail_nomem(g);
	if (rc)
		goto done;
	if (given == 0) {
		rc = fail_node(g, owner, "%s has no positions",
		               er_xml_tag(owner, t, sizeof t));
		goto done;
	}
	if (ring && c.pv.n < 4) {
		rc = fail_node(g, owner,
		               "%s has %zu position%s, too few for a "
		               "ring",
		               er_xml_tag(owner, t, sizeof t), given,
		               given == 1 ? "" : "s");
		goto done;
	}
	if (!ring && min == 0 && c.pv.n != 1) {
		rc = fail_node(g, owner,
		               "%s has %zu positions; it needs "
		               "exactly 1",
		               er_xml_tag(owner, t, sizeof t), c.pv.n);
		goto done;
	}
	if (!ring && c.pv.n < min) {
		rc = fail_node(g, owner,
		               "%s has %zu position%s; it needs at least %zu",
		               er_xml_tag(owner, t, sizeof t), c.pv.n,
		               c.pv.n == 1 ? "" : "s", min);
		goto done;
	}
	unsigned dim = c.pv.p[0].dim;
	for (size_t i = 1; i < c.pv.n; i++)
		if (c.pv.p[i].dim != dim) {
			rc = fail_node(g, owner, "%s mixes 2D and 3D positions",
			               er_xml_tag(owner, t, sizeof t));
			goto done;
		}
	g->dims |= 1u << dim;
	int swap = swapped(g, owner);
	if (min == 0 && !ring) {
		er_xml_buf_puts(out, "<gml:pos>");
		put_positions(out, &c.pv, swap);
		er_xml_buf_puts(out, "</gml:pos>");
	} else {
		er_xml_buf_puts(out, dim == 3
		                         ? "<gml:posList srsDimension=\"3\">"
		                         : "<gml:posList>");
		put_positions(out, &c.pv, swap);
		er_xml_buf_puts(out, "</gml:posList>");
	}
done:
	coords_finish(&c);
	return rc;
}

/* Starts a part of kind kind at the end of g->parts. */
static enum er_code
begin_part(struct gml *g, enum leaf kind)
{
	if (g->nparts == g->capparts) {
		size_t cap = g->capparts ? g->capparts * 2 : 8;
		struct part *p = er_realloc(g->part, cap * sizeof *p);
		if (!p)
			return fail_nomem(g);
		g->part = p;
		g->capparts = cap;
	}
	g->part[g->nparts].kind = kind;
	g->part[g->nparts].off = g->parts.len;
	g->part[g->nparts].len = 0;
	g->nparts++;
	return ER_OK;
}

static void
end_part(struct gml *g)
{
	struct part *p = &g->part[g->nparts - 1];
	p->len = g->parts.len - p->off;
}

static enum er_code
write_ring(struct gml *g, const xmlNode *boundary)
{
	char t[128];
	const xmlNode *ring = er_xml_first_element(boundary);
	if (!is_gml(ring, "LinearRing"))
		return fail_node(g, boundary,
		                 "%s has no <gml:LinearRing> (gml:Ring and "
		                 "xlink references are not supported)",
		                 er_xml_tag(boundary, t, sizeof t));
	er_xml_buf_puts(&g->parts, "<gml:LinearRing>");
	enum er_code rc = write_positions(g, ring, 4, 1, &g->parts);
	er_xml_buf_puts(&g->parts, "</gml:LinearRing>");
	return rc;
}

/* A Polygon or PolygonPatch: GML 2 outerBoundaryIs/innerBoundaryIs or
 * GML 3 exterior/interior. */
static enum er_code
write_polygon(struct gml *g, const xmlNode *pg)
{
	char t[128];
	const xmlNode *outer = NULL;
	for (const xmlNode *c = er_xml_first_element(pg); c;
	     c = er_xml_next_element(c)) {
		if (!is_gml(c, "exterior") && !is_gml(c, "outerBoundaryIs"))
			continue;
		if (outer)
			return fail_node(g, c, "%s has more than one exterior",
			                 er_xml_tag(pg, t, sizeof t));
		outer = c;
	}
	if (!outer)
		return fail_node(g, pg, "%s has no exterior ring",
		                 er_xml_tag(pg, t, sizeof t));
	enum er_code rc = begin_part(g, L_POLYGON);
	if (rc)
		return rc;
	er_xml_buf_puts(&g->parts, "<gml:Polygon><gml:exterior>");
	rc = write_ring(g, outer);
	er_xml_buf_puts(&g->parts, "</gml:exterior>");
	for (const xmlNode *c = er_xml_first_element(pg); c && !rc;
	     c = er_xml_next_element(c)) {
		if (!is_gml(c, "interior") && !is_gml(c, "innerBoundaryIs"))
			continue;
		er_xml_buf_puts(&g->parts, "<gml:interior>");
		rc = write_ring(g, c);
		er_xml_buf_puts(&g->parts, "</gml:interior>");
	}
	er_xml_buf_puts(&g->parts, "</gml:Polygon>");
	end_part(g);
	return rc;
}

static enum er_code
write_line(struct gml *g, const xmlNode *owner)
{
	enum er_code rc = begin_part(g, L_LINE);
	if (rc)
		return rc;
	er_xml_buf_puts(&g->parts, "<gml:LineString>");
	rc = write_positions(g, owner, 2, 0, &g->parts);
	er_xml_buf_puts(&g->parts, "</gml:LineString>");
	end_part(g);
	return rc;
}

/* A gml:Curve of gml:LineStringSegments, as one LineString. */
static enum er_code
write_curve(struct gml *g, const xmlNode *curve)
{
	char t[128];
	const xmlNode *segs = er_xml_first_element(curve);
	while (segs && !is_gml(segs, "segments"))
		segs = er_xml_next_element(segs);
	if (!segs)
		return fail_node(g, curve, "%s has no <gml:segments>",
		                 er_xml_tag(curve, t, sizeof t));
	struct coords c;
	memset(&c, 0, sizeof c);
	enum er_code rc = ER_OK;
	for (const xmlNode *s = er_xml_first_element(segs); s && !rc;
	     s = er_xml_next_element(s)) {
		if (!is_gml(s, "LineStringSegment")) {
			rc = fail_node(g, s,
			               "%s is not supported in a curve (only "
			               "gml:LineStringSegment is)",
			               er_xml_tag(s, t, sizeof t));
			break;
		}
		size_t before = c.pv.n;
		rc = read_positions(g, &c, s);
		/* a segment starts where the one before ended */
		if (!rc && before && c.pv.n > before &&
		    er_xml_pos_equal(&c.pv.p[before - 1], &c.pv.p[before], 0)) {
			memmove(&c.pv.p[before], &c.pv.p[before + 1],
			        (c.pv.n - before - 1) * sizeof *c.pv.p);
			c.pv.n--;
		}
	}
	if (!rc && c.pv.n < 2)
		rc = fail_node(
		    g, curve, "%s has %zu position%s; it needs at least 2",
		    er_xml_tag(curve, t, sizeof t), c.pv.n, c.pv.n == 1 ? "" : "s");
	for (size_t i = 1; !rc && i < c.pv.n; i++)
		if (c.pv.p[i].dim != c.pv.p[0].dim)
			rc = fail_node(g, curve, "%s mixes 2D and 3D positions",
			               er_xml_tag(curve, t, sizeof t));
	if (!rc) {
		g->dims |= 1u << c.pv.p[0].dim;
		rc = begin_part(g, L_LINE);
		if (!rc) {
			er_xml_buf_puts(&g->parts,
			                c.pv.p[0].dim == 3
			                    ? "<gml:LineString><gml:posList "
			                      "srsDimension=\"3\">"
			                    : "<gml:LineString><gml:posList>");
			put_positions(&g->parts, &c.pv, swapped(g, curve));
			er_xml_buf_puts(&g->parts,
			                "</gml:posList></gml:LineString>");
			end_part(g);
		}
	}
	coords_finish(&c);
	return rc;
}

static enum er_code
unsupported(struct gml *g, const xmlNode *n)
{
	char t[128];
	return fail_node(g, n,
	                 "%s is not a geometry evacreg can read (use Point, "
	                 "LineString, Polygon, their Multi forms, "
	                 "MultiGeometry, Curve or Surface)",
	                 er_xml_tag(n, t, sizeof t));
}

/* Writes geometry n as parts in g; collections are flattened. */
static enum er_code
write_geometry(struct gml *g, const xmlNode *n)
{
	enum er_code rc = ER_OK;
	switch (geometry_kind(n)) {
	case G_NONE:
		return ER_OK;
	case G_UNSUPPORTED:
		return unsupported(g, n);
	case G_POINT:
		rc = begin_part(g, L_POINT);
		if (rc)
			return rc;
		er_xml_buf_puts(&g->parts, "<gml:Point>");
		rc = write_positions(g, n, 0, 0, &g->parts);
		er_xml_buf_puts(&g->parts, "</gml:Point>");
		end_part(g);
		return rc;
	case G_LINESTRING:
	case G_LINEARRING: /* a ring on its own is a closed line */
		return write_line(g, n);
	case G_CURVE:
		return write_curve(g, n);
	case G_POLYGON:
		return write_polygon(g, n);
	case G_SURFACE:
		for (const xmlNode *p = er_xml_first_element(n); p && !rc;
		     p = er_xml_next_element(p)) {
			if (!is_gml(p, "patches") &&
			    !is_gml(p, "polygonPatches"))
				continue;
			for (const xmlNode *q = er_xml_first_element(p);
			     q && !rc; q = er_xml_next_element(q)) {
				if (is_gml(q, "PolygonPatch"))
					rc = write_polygon(g, q);
				else
					rc = unsupported(g, q);
			}
		}
		return rc;
	case G_MULTI:
		/* members: fooMember holds one geometry, fooMembers many */
		for (const xmlNode *m = er_xml_first_element(n); m && !rc;
		     m = er_xml_next_element(m)) {
			size_t len = strlen((const char *)m->name);
			if (!is_gml_ns(m) ||
			    !(len >= 6 &&
			      (!strcmp((const char *)m->name + len - 6,
			               "Member") ||
			       (len >= 7 &&
			        !strcmp((const char *)m->name + len - 7,
			                "Members")))))
				continue;
			if (!er_xml_first_element(m) &&
			    er_xml_attr(m, XLINK_NS, "href")) {
				char t[128];
				return fail_node(g, m,
				                 "%s refers to a geometry by "
				                 "xlink:href, which is not "
				                 "followed",
				                 er_xml_tag(m, t, sizeof t));
			}
			for (const xmlNode *c = er_xml_first_element(m);
			     c && !rc; c = er_xml_next_element(c))
				rc = write_geometry(g, c);
		}
		return rc;
	}
	return rc;
}

/* Writes the open tag of the result's outermost element, name, with the
 * namespace and srsName. */
static void
open_root(struct gml *g, struct er_xml_buf *out, const char *name)
{
	char buf[64];
	er_xml_buf_puts(out, "<gml:");
	er_xml_buf_puts(out, name);
	er_xml_buf_puts(out, " xmlns:gml=\"" GML_NS "\"");
	if (g->srs.code > 0) {
		snprintf(buf, sizeof buf, " srsName=\"EPSG:%ld\"", g->srs.code);
		er_xml_buf_puts(out, buf);
	}
	er_xml_buf_puts(out, ">");
}

/* Sets f's geometry from GML geometry element n. */
static enum er_code
read_geometry(struct gml *g, const xmlNode *n, struct er_feature *f)
{
	enum gkind kind = geometry_kind(n);
	g->geom_root = n;
	g->nparts = 0;
	g->dims = 0;
	er_xml_buf_finish(&g->parts);
	enum er_code rc = geometry_srs(g, n);
	if (!rc)
		rc = write_geometry(g, n);
	if (!rc && g->parts.nomem)
		rc = fail_nomem(g);
	if (!rc && (g->dims & 4u) && (g->dims & 8u)) {
		/* GeomFromGML() returns NULL for these */
		char t[128];
		rc = fail_node(g, n, "%s mixes 2D and 3D positions",
		               er_xml_tag(n, t, sizeof t));
	}
	if (rc || g->nparts == 0)
		return rc; /* an empty collection is no geometry */

	struct er_xml_buf out;
	memset(&out, 0, sizeof out);
	unsigned kinds = 0;
	for (size_t i = 0; i < g->nparts; i++)
		kinds |= g->part[i].kind;
	int single = g->nparts == 1 && kind != G_MULTI;
	if (single) {
		/* the part with the root's attributes in its open tag */
		const char *s = g->parts.s + g->part[0].off;
		const char *name = s + 5; /* after "<gml:" */
		size_t n_name = strcspn(name, ">");
		char nm[32];
		snprintf(nm, sizeof nm, "%.*s", (int)n_name, name);
		open_root(g, &out, nm);
		er_xml_buf_add(&out, name + n_name + 1,
		               g->part[0].len - 5 - n_name - 1);
	} else {
		const char *coll = "MultiGeometry", *member = "geometryMember";
		if (kinds == L_POINT)
			coll = "MultiPoint", member = "pointMember";
		else if (kinds == L_LINE)
			coll = "MultiCurve", member = "curveMember";
		else if (kinds == L_POLYGON)
			coll = "MultiSurface", member = "surfaceMember";
		open_root(g, &out, coll);
		for (size_t i = 0; i < g->nparts; i++) {
			er_xml_buf_puts(&out, "<gml:");
			er_xml_buf_puts(&out, member);
			er_xml_buf_puts(&out, ">");
			er_xml_buf_add(&out, g->parts.s + g->part[i].off,
			               g->part[i].len);
			er_xml_buf_puts(&out, "</gml:");
			er_xml_buf_puts(&out, member);
			er_xml_buf_puts(&out, ">");
		}
		er_xml_buf_puts(&out, "</gml:");
		er_xml_buf_puts(&out, coll);
		er_xml_buf_puts(&out, ">");
	}
	f->geom_text = er_xml_buf_take(&out);
	if (!f->geom_text)
		return fail_nomem(g);
	f->geom_format = ER_GEOM_GML;
	f->geom_line = er_xml_line(n);
	return ER_OK;
}

static int
is_nil(const xmlNode *n)
{
	const xmlAttr *a = er_xml_attr(n, XSI_NS, "nil");
	if (!a)
		return 0;
	char *s = er_xml_text((const xmlNode *)a);
	int nil = s && (!strcmp(s, "true") || !strcmp(s, "1"));
	er_free(s);
	return nil;
}

/* The geometry element a feature's child element c holds, if any: c
 * itself when it is one, else its first child element when that is. */
static const xmlNode *
geometry_in(const xmlNode *c)
{
	if (geometry_kind(c) != G_NONE)
		return c;
	const xmlNode *e = er_xml_first_element(c);
	return geometry_kind(e) != G_NONE ? e : NULL;
}


/* Reads the geometry into f; a malformed geometry becomes f->geom_error
 * (the rest of the file is still read) and only other failures stop. */
static enum er_code
geometry_or_error(struct gml *x, const xmlNode *geom, struct er_feature *f)
{
	struct er_error local = {0}, *saved = x->err;
	x->err = &local;
	enum er_code rc = read_geometry(x, geom, f);
	x->err = saved;
	if (rc == ER_OK)
		return ER_OK;
	if (rc != ER_EPARSE)
		return er_fail(saved, rc, local.where, "%s", local.message);
	er_free(f->geom_text);
	f->geom_text = NULL;
	f->geom_format = ER_GEOM_NONE;
	f->geom_line = er_xml_line(geom);
	f->geom_error = er_asprintf("%s: %s", local.where, local.message);
	if (!f->geom_error)
		return er_fail(saved, ER_ENOMEM, NULL, "out of memory");
	return ER_OK;
}

static enum er_code
read_feature(struct gml *g, const xmlNode *fe)
{
	struct er_feature f;
	memset(&f, 0, sizeof f);
	f.line = er_xml_line(fe);
	enum er_code rc = ER_OK;
	char t[128];

	const xmlAttr *id = er_xml_attr(fe, GML32_NS, "id");
	if (!id)
		id = er_xml_attr(fe, GML_NS, "id");
	if (!id)
		id = er_xml_attr(fe, NULL, "fid");
	snprintf(g->label, sizeof g->label, "feature %s", er_xml_tag(fe, t, sizeof t));
	if (id) {
		char *s = er_xml_text((const xmlNode *)id);
		if (!s)
			return fail_nomem(g);
		char q[96];
		er_feature_quote(q, sizeof q, s, strlen(s));
		snprintf(g->label, sizeof g->label, "feature \"%s\"", q);
		rc = er_feature_take_prop(&f, er_strdup("gml_id"), s, g->err);
	}

	const xmlNode *geom = NULL, *geom_prop = NULL;
	for (const xmlNode *c = er_xml_first_element(fe); c && !rc;
	     c = er_xml_next_element(c)) {
		if (is_gml(c, "boundedBy"))
			continue;
		const xmlNode *gm = geometry_in(c);
		if (gm) {
			if (geom) {
				char t2[128], where[256];
				snprintf(where, sizeof where, "%s:%u", g->path,
				         er_xml_line(c));
				rc = er_fail(g->err, ER_EPARSE, where,
				             "%s has two geometries, %s and %s",
				             g->label,
				             er_xml_tag(geom_prop, t, sizeof t),
				             er_xml_tag(c, t2, sizeof t2));
				break;
			}
			geom = gm;
			geom_prop = c;
			continue;
		}
		if (er_xml_first_element(c))
			continue; /* a complex property: not text */
		/* GML's own gml:name, gml:description... stay apart from
		 * the application's properties of the same name */
		char *key = er_asprintf("%s%s", is_gml_ns(c) ? "gml_" : "",
		                        (const char *)c->name);
		int nil = is_nil(c);
		char *v = nil ? NULL : er_xml_text(c);
		if (!key || (!v && !nil)) {
			er_free(key);
			er_free(v);
			rc = fail_nomem(g);
		} else {
			rc = er_feature_take_prop(&f, key, v, g->err);
		}
	}
	if (!rc && geom)
		rc = geometry_or_error(g, geom, &f);
	if (!rc)
		rc = g->fn(&f, g->ud, g->err);
	er_feature_finish(&f);
	g->label[0] = '\0';
	return rc;
}

static int
is_collection(const xmlNode *n)
{
	return n && (!strcmp((const char *)n->name, "FeatureCollection") ||
	             !strcmp((const char *)n->name, "SimpleFeatureCollection"));
}

/* A member element's features: its child elements, where a nested
 * collection (WFS 2.0 joins) is read in turn. */
static enum er_code read_collection(struct gml *g, const xmlNode *coll);

static enum er_code
read_member(struct gml *g, const xmlNode *m, int many)
{
	enum er_code rc = ER_OK;
	const xmlNode *e = er_xml_first_element(m);
	if (!e && er_xml_attr(m, XLINK_NS, "href")) {
		char t[128];
		return fail_node(g, m,
		                 "%s refers to a feature by xlink:href, which "
		                 "is not followed",
		                 er_xml_tag(m, t, sizeof t));
	}
	for (; e && !rc; e = many ? er_xml_next_element(e) : NULL)
		rc = is_collection(e) ? read_collection(g, e)
		                      : read_feature(g, e);
	return rc;
}

static enum er_code
read_collection(struct gml *g, const xmlNode *coll)
{
	enum er_code rc = ER_OK;
	for (const xmlNode *c = er_xml_first_element(coll); c && !rc;
	     c = er_xml_next_element(c)) {
		const char *name = (const char *)c->name;
		if (!strcmp(name, "featureMember") || !strcmp(name, "member"))
			rc = read_member(g, c, 0);
		else if (!strcmp(name, "featureMembers") ||
		         !strcmp(name, "members"))
			rc = read_member(g, c, 1);
	}
	return rc;
}

enum er_code
er_gml_read(const char *path, const char *data, size_t len, er_feature_fn fn,
            void *ud, struct er_error *err)
{
	struct er_error local;
	if (!err)
		err = &local;
	er_error_clear(err);
	struct gml g;
	memset(&g, 0, sizeof g);
	g.path = path ? path : "";
	g.fn = fn;
	g.ud = ud;
	g.err = err;
	xmlDoc *doc = er_xml_parse(g.path, data, len, err);
	if (!doc)
		return err->code;
	const xmlNode *root = xmlDocGetRootElement(doc);
	enum er_code rc;
	if (!is_collection(root)) {
		char t[128];
		rc = fail_node(&g, root,
		               "root element %s is not a GML feature "
		               "collection",
		               er_xml_tag(root, t, sizeof t));
	} else {
		rc = read_collection(&g, root);
	}
	er_xml_buf_finish(&g.parts);
	er_free(g.part);
	xmlFreeDoc(doc);
	return rc;
}
