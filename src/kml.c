/* KML reader: every Placemark of a KML 2.0-2.2 document with its name,
 * description and ExtendedData, and its geometry rewritten as the plain,
 * un-namespaced KML that SpatiaLite's GeomFromKml() reads safely. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "alloc.h"
#include "feature.h"
#include "xml.h"
#include <evacreg/error.h>

/* SpatiaLite 5.0.1's GeomFromKml() dereferences NULL (crashing the whole
 * process) for any input its grammar accepts but cannot build: an element
 * it does not know (<extrude>, <tessellate>, <altitudeMode>, a namespace
 * prefix), a nested <MultiGeometry>, a <LineString> with one position, an
 * unclosed or short ring, an empty <MultiGeometry>, a <Point> with two
 * positions, a self-closed <coordinates/>. So the geometry is never passed
 * through: it is checked here and written again with only <Point>,
 * <LineString>, <Polygon>, <outerBoundaryIs>, <innerBoundaryIs>,
 * <LinearRing>, <coordinates> and one flat <MultiGeometry>, numbers kept
 * as written. */

#define GX_NS "http://www.google.com/kml/ext/2.2"

static const char *const kml_namespaces[] = {
    "http://www.opengis.net/kml/2.2",
    "http://earth.google.com/kml/2.2",
    "http://earth.google.com/kml/2.1",
    "http://earth.google.com/kml/2.0",
};

enum gkind {
	G_NONE = 0,
	G_POINT,
	G_LINESTRING,
	G_LINEARRING,
	G_POLYGON,
	G_MULTI,
	G_MODEL,      /* read as the Point of its <Location> */
	G_TRACK,      /* gx:Track, read as a LineString */
	G_MULTITRACK, /* gx:MultiTrack, read as its tracks */
};

struct kml {
	const char *path;
	er_feature_fn fn;
	void *ud;
	struct er_error *err;
	char label[160]; /* "Placemark \"name\"", for messages */
};

static int
is_kml_ns(const xmlNode *n)
{
	const char *ns = er_xml_ns(n);
	if (!ns)
		return 1;
	for (size_t i = 0; i < sizeof kml_namespaces / sizeof *kml_namespaces;
	     i++)
		if (strcmp(ns, kml_namespaces[i]) == 0)
			return 1;
	return 0;
}

static int
is_kml(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)n->name, name) == 0 && is_kml_ns(n);
}

/* The first KML child element of n named name. */
static const xmlNode *
child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = er_xml_first_element(n); c;
	     c = er_xml_next_element(c))
		if (is_kml(c, name))
			return c;
	return NULL;
}

static enum gkind
geometry_kind(const xmlNode *n)
{
	if (er_xml_is(n, GX_NS, "Track"))
		return G_TRACK;
	if (er_xml_is(n, GX_NS, "MultiTrack"))
		return G_MULTITRACK;
	if (!n || n->type != XML_ELEMENT_NODE || !is_kml_ns(n))
		return G_NONE;
	const char *name = (const char *)n->name;
	if (!strcmp(name, "Point"))
		return G_POINT;
	if (!strcmp(name, "LineString"))
		return G_LINESTRING;
	if (!strcmp(name, "LinearRing"))
		return G_LINEARRING;
	if (!strcmp(name, "Polygon"))
		return G_POLYGON;
	if (!strcmp(name, "MultiGeometry"))
		return G_MULTI;
	if (!strcmp(name, "Model"))
		return G_MODEL;
	return G_NONE;
}

static enum er_code fail_node(struct kml *k, const xmlNode *n, const char *fmt,
                              ...) __attribute__((format(printf, 3, 4)));

static enum er_code
fail_node(struct kml *k, const xmlNode *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum er_code rc = er_xml_vfail(k->err, k->path, n, k->label, fmt, ap);
	va_end(ap);
	return rc;
}

static enum er_code
fail_nomem(struct kml *k)
{
	return er_fail(k->err, ER_ENOMEM, k->path, "out of memory reading KML");
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parses the text of <coordinates> element el: positions "x,y[,z]"
 * separated by white space (white space next to a comma is allowed). */
static enum er_code
parse_coordinates(struct kml *k, const xmlNode *el, const char *text,
                  struct er_xml_posv *pv)
{
	const char *p = text;
	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			return ER_OK;
		struct er_xml_pos pos;
		memset(&pos, 0, sizeof pos);
		for (;;) {
			const char *s = p;
			while (*p && !is_space(*p) && *p != ',')
				p++;
			size_t n = (size_t)(p - s);
			char q[64];
			er_feature_quote(q, sizeof q, s, n);
			if (n == 0)
				return fail_node(k, el,
				                 "<coordinates> has an empty "
				                 "number (two commas in a row, "
				                 "or a comma at an end)");
			const char *why = er_xml_number_check(s, n);
			if (why)
				return fail_node(k, el,
				                 "\"%s\" in <coordinates> %s",
				                 q, why);
			if (pos.dim == 3)
				return fail_node(k, el,
				                 "a position in <coordinates> "
				                 "has more than 3 numbers");
			pos.v[pos.dim] = s;
			pos.n[pos.dim] = (unsigned char)n;
			pos.dim++;
			const char *r = p;
			while (is_space(*r))
				r++;
			if (*r != ',')
				break;
			p = r + 1;
			while (is_space(*p))
				p++;
		}
		if (pos.dim < 2) {
			char q[64];
			er_feature_quote(q, sizeof q, pos.v[0], pos.n[0]);
			return fail_node(k, el,
			                 "position \"%s\" in <coordinates> "
			                 "has 1 number; it needs 2 or 3 "
			                 "separated by commas",
			                 q);
		}
		if (er_xml_posv_push(pv, &pos))
			return fail_nomem(k);
	}
}

static void
put_positions(struct er_xml_buf *out, const struct er_xml_posv *pv)
{
	er_xml_buf_puts(out, "<coordinates>");
	for (size_t i = 0; i < pv->n; i++) {
		const struct er_xml_pos *p = &pv->p[i];
		if (i)
			er_xml_buf_add(out, " ", 1);
		for (unsigned d = 0; d < p->dim; d++) {
			if (d)
				er_xml_buf_add(out, ",", 1);
			er_xml_buf_add(out, p->v[d], p->n[d]);
		}
	}
	er_xml_buf_puts(out, "</coordinates>");
}

/* Writes the checked <coordinates> of geometry element el (named what in
 * messages). ring: close it and want 4 positions; else want at least min,
 * and exactly 1 when min is 0. */
static enum er_code
write_coordinates(struct kml *k, const xmlNode *el, size_t min, int ring,
                  struct er_xml_buf *out)
{
	char t[128];
	const xmlNode *c = child(el, "coordinates");
	if (!c)
		return fail_node(k, el, "%s has no <coordinates>",
		                 er_xml_tag(el, t, sizeof t));
	char *text = er_xml_text(c);
	if (!text)
		return fail_nomem(k);
	struct er_xml_posv pv;
	memset(&pv, 0, sizeof pv);
	enum er_code rc = parse_coordinates(k, c, text, &pv);
	size_t given = pv.n;
	if (rc == ER_OK && ring && er_xml_ring_close(&pv))
		rc = fail_nomem(k);
	if (rc != ER_OK)
		goto done;
	if (ring && pv.n < 4)
		rc = fail_node(
		    k, c, "%s has %zu position%s, too few for a ring",
		    er_xml_tag(el, t, sizeof t), given, given == 1 ? "" : "s");
	else if (!ring && min == 0 && pv.n != 1)
		rc = fail_node(k, c, "%s has %zu positions; it needs exactly 1",
		               er_xml_tag(el, t, sizeof t), pv.n);
	else if (!ring && pv.n < min)
		rc = fail_node(
		    k, c, "%s has %zu position%s; it needs at least %zu",
		    er_xml_tag(el, t, sizeof t), pv.n, pv.n == 1 ? "" : "s", min);
	else
		put_positions(out, &pv);
done:
	er_xml_posv_finish(&pv);
	er_free(text);
	return rc;
}

/* Writes <LinearRing> element ring, closed. */
static enum er_code
write_ring(struct kml *k, const xmlNode *ring, struct er_xml_buf *out)
{
	er_xml_buf_puts(out, "<LinearRing>");
	enum er_code rc = write_coordinates(k, ring, 4, 1, out);
	er_xml_buf_puts(out, "</LinearRing>");
	return rc;
}

static enum er_code
write_polygon(struct kml *k, const xmlNode *pg, struct er_xml_buf *out)
{
	const xmlNode *outer = NULL;
	char t[128];
	for (const xmlNode *c = er_xml_first_element(pg); c;
	     c = er_xml_next_element(c)) {
		if (!is_kml(c, "outerBoundaryIs"))
			continue;
		if (outer)
			return fail_node(k, c,
			                 "%s has more than one "
			                 "<outerBoundaryIs>",
			                 er_xml_tag(pg, t, sizeof t));
		outer = c;
	}
	if (!outer)
		return fail_node(k, pg, "%s has no <outerBoundaryIs>",
		                 er_xml_tag(pg, t, sizeof t));
	const xmlNode *ring = child(outer, "LinearRing");
	if (!ring)
		return fail_node(k, outer,
		                 "<outerBoundaryIs> has no "
		                 "<LinearRing>");
	er_xml_buf_puts(out, "<Polygon><outerBoundaryIs>");
	enum er_code rc = write_ring(k, ring, out);
	er_xml_buf_puts(out, "</outerBoundaryIs>");
	for (const xmlNode *c = er_xml_first_element(pg); c && rc == ER_OK;
	     c = er_xml_next_element(c)) {
		if (!is_kml(c, "innerBoundaryIs"))
			continue;
		/* KML 2.2 has one ring per innerBoundaryIs; 2.0 and 2.1
		 * files may put several in one */
		for (ring = er_xml_first_element(c); ring && rc == ER_OK;
		     ring = er_xml_next_element(ring)) {
			if (!is_kml(ring, "LinearRing"))
				continue;
			er_xml_buf_puts(out, "<innerBoundaryIs>");
			rc = write_ring(k, ring, out);
			er_xml_buf_puts(out, "</innerBoundaryIs>");
		}
	}
	er_xml_buf_puts(out, "</Polygon>");
	return rc;
}

/* Checks number text s (from element el, for messages). */
static enum er_code
check_number(struct kml *k, const xmlNode *el, const char *s, size_t n)
{
	const char *why = er_xml_number_check(s, n);
	if (!why)
		return ER_OK;
	char q[64], t[128];
	er_feature_quote(q, sizeof q, s, n);
	return fail_node(k, el, "\"%s\" in %s %s", q, er_xml_tag(el, t, sizeof t),
	                 why);
}

/* Trims the text of el to its number, which *s and *n then point to. */
static enum er_code
model_number(struct kml *k, const xmlNode *loc, const char *name, char **text,
             const char **s, size_t *n)
{
	const xmlNode *el = child(loc, name);
	if (!el)
		return fail_node(k, loc, "<Location> has no <%s>", name);
	if (!(*text = er_xml_text(el)))
		return fail_nomem(k);
	const char *p = *text;
	while (is_space(*p))
		p++;
	size_t len = strlen(p);
	while (len && is_space(p[len - 1]))
		len--;
	*s = p;
	*n = len;
	return check_number(k, el, p, len);
}

/* A <Model> stands at the point of its <Location>. */
static enum er_code
write_model(struct kml *k, const xmlNode *model, struct er_xml_buf *out)
{
	static const char *const names[] = {"longitude", "latitude",
	                                    "altitude"};
	const xmlNode *loc = child(model, "Location");
	if (!loc)
		return fail_node(k, model, "<Model> has no <Location>");
	char *text[3] = {NULL, NULL, NULL};
	const char *v[3];
	size_t n[3];
	enum er_code rc = ER_OK;
	size_t dims = child(loc, "altitude") ? 3 : 2;
	for (size_t i = 0; i < dims && rc == ER_OK; i++)
		rc = model_number(k, loc, names[i], &text[i], &v[i], &n[i]);
	if (rc == ER_OK) {
		er_xml_buf_puts(out, "<Point><coordinates>");
		for (size_t i = 0; i < dims; i++) {
			if (i)
				er_xml_buf_add(out, ",", 1);
			er_xml_buf_add(out, v[i], n[i]);
		}
		er_xml_buf_puts(out, "</coordinates></Point>");
	}
	for (size_t i = 0; i < 3; i++)
		er_free(text[i]);
	return rc;
}

/* A gx:Track's <gx:coord> elements ("x y [z]") as a LineString, or a
 * Point when it has one. */
static enum er_code
write_track(struct kml *k, const xmlNode *track, struct er_xml_buf *out)
{
	/* all the gx:coord texts, one a line, which the positions point
	 * into once it stops growing */
	struct er_xml_buf all;
	memset(&all, 0, sizeof all);
	for (const xmlNode *c = er_xml_first_element(track); c;
	     c = er_xml_next_element(c)) {
		if (!er_xml_is(c, GX_NS, "coord"))
			continue;
		char *text = er_xml_text(c);
		if (!text) {
			er_xml_buf_finish(&all);
			return fail_nomem(k);
		}
		for (char *p = text; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		er_xml_buf_puts(&all, text);
		er_xml_buf_add(&all, "\n", 1);
		er_free(text);
	}
	if (all.nomem) {
		er_xml_buf_finish(&all);
		return fail_nomem(k);
	}
	struct er_xml_posv pv;
	memset(&pv, 0, sizeof pv);
	enum er_code rc = ER_OK;
	const char *p = all.s ? all.s : "";
	while (*p && rc == ER_OK) {
		struct er_xml_pos pos;
		memset(&pos, 0, sizeof pos);
		for (;;) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p || *p == '\n')
				break;
			const char *s = p;
			while (*p && !is_space(*p))
				p++;
			if (pos.dim == 3) {
				rc = fail_node(k, track,
				               "a <gx:coord> has more than 3 "
				               "numbers");
				break;
			}
			if ((rc = check_number(k, track, s, (size_t)(p - s))))
				break;
			pos.v[pos.dim] = s;
			pos.n[pos.dim] = (unsigned char)(p - s);
			pos.dim++;
		}
		if (*p == '\n')
			p++;
		if (rc == ER_OK && pos.dim < 2)
			rc = fail_node(k, track,
			               "a <gx:coord> has %u number%s; it needs "
			               "2 or 3",
			               pos.dim, pos.dim == 1 ? "" : "s");
		if (rc == ER_OK && er_xml_posv_push(&pv, &pos))
			rc = fail_nomem(k);
	}
	if (rc == ER_OK && pv.n == 0)
		rc = fail_node(k, track, "<gx:Track> has no <gx:coord>");
	if (rc == ER_OK) {
		const char *t = pv.n == 1 ? "Point" : "LineString";
		er_xml_buf_puts(out, "<");
		er_xml_buf_puts(out, t);
		er_xml_buf_puts(out, ">");
		put_positions(out, &pv);
		er_xml_buf_puts(out, "</");
		er_xml_buf_puts(out, t);
		er_xml_buf_puts(out, ">");
	}
	er_xml_posv_finish(&pv);
	er_xml_buf_finish(&all);
	return rc;
}

/* Writes geometry g; the members of a MultiGeometry or gx:MultiTrack are
 * written one after another without a wrapper (SpatiaLite refuses nested
 * ones), and *leaves counts the simple geometries written. */
static enum er_code
write_geometry(struct kml *k, const xmlNode *g, struct er_xml_buf *out,
               size_t *leaves)
{
	enum er_code rc = ER_OK;
	switch (geometry_kind(g)) {
	case G_NONE:
		return ER_OK;
	case G_POINT:
		er_xml_buf_puts(out, "<Point>");
		rc = write_coordinates(k, g, 0, 0, out);
		er_xml_buf_puts(out, "</Point>");
		break;
	case G_LINESTRING:
	case G_LINEARRING:
		/* a LinearRing on its own is a closed line */
		er_xml_buf_puts(out, "<LineString>");
		rc = write_coordinates(k, g, 2, 0, out);
		er_xml_buf_puts(out, "</LineString>");
		break;
	case G_POLYGON:
		rc = write_polygon(k, g, out);
		break;
	case G_MODEL:
		rc = write_model(k, g, out);
		break;
	case G_TRACK:
		rc = write_track(k, g, out);
		break;
	case G_MULTI:
	case G_MULTITRACK:
		for (const xmlNode *c = er_xml_first_element(g);
		     c && rc == ER_OK; c = er_xml_next_element(c))
			rc = write_geometry(k, c, out, leaves);
		return rc;
	}
	++*leaves;
	return rc;
}

/* Sets f's geometry from geometry element g. */
static enum er_code
read_geometry(struct kml *k, const xmlNode *g, struct er_feature *f)
{
	struct er_xml_buf out;
	memset(&out, 0, sizeof out);
	size_t leaves = 0;
	enum gkind kind = geometry_kind(g);
	int multi = kind == G_MULTI || kind == G_MULTITRACK;
	if (multi)
		er_xml_buf_puts(&out, "<MultiGeometry>");
	enum er_code rc = write_geometry(k, g, &out, &leaves);
	if (multi)
		er_xml_buf_puts(&out, "</MultiGeometry>");
	if (rc != ER_OK || leaves == 0) {
		/* an empty MultiGeometry is no geometry */
		er_xml_buf_finish(&out);
		return rc;
	}
	f->geom_text = er_xml_buf_take(&out);
	if (!f->geom_text)
		return fail_nomem(k);
	f->geom_format = ER_GEOM_KML;
	f->geom_line = er_xml_line(g);
	return ER_OK;
}


/* Reads the geometry into f; a malformed geometry becomes f->geom_error
 * (the rest of the file is still read) and only other failures stop. */
static enum er_code
geometry_or_error(struct kml *x, const xmlNode *geom, struct er_feature *f)
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

/* Adds property key with the text of element el (NULL el: a null). */
static enum er_code
add_text(struct kml *k, struct er_feature *f, const char *key,
         const xmlNode *el)
{
	char *v = NULL;
	if (el && !(v = er_xml_text(el)))
		return fail_nomem(k);
	char *kc = er_strdup(key);
	if (!kc) {
		er_free(v);
		return fail_nomem(k);
	}
	return er_feature_take_prop(f, kc, v, k->err);
}

/* Adds property (the name attribute of el) = value. */
static enum er_code
add_named(struct kml *k, struct er_feature *f, const xmlNode *el,
          const xmlNode *value)
{
	const xmlAttr *name = er_xml_attr(el, NULL, "name");
	if (!name)
		return ER_OK; /* nothing to call it */
	char *key = er_xml_text((const xmlNode *)name);
	if (!key)
		return fail_nomem(k);
	enum er_code rc = add_text(k, f, key, value);
	er_free(key);
	return rc;
}

static enum er_code
read_extended_data(struct kml *k, const xmlNode *ed, struct er_feature *f)
{
	enum er_code rc = ER_OK;
	for (const xmlNode *c = er_xml_first_element(ed); c && rc == ER_OK;
	     c = er_xml_next_element(c)) {
		if (is_kml(c, "Data")) {
			rc = add_named(k, f, c, child(c, "value"));
		} else if (is_kml(c, "SchemaData")) {
			for (const xmlNode *s = er_xml_first_element(c);
			     s && rc == ER_OK; s = er_xml_next_element(s))
				if (is_kml(s, "SimpleData"))
					rc = add_named(k, f, s, s);
		}
	}
	return rc;
}

static enum er_code
read_placemark(struct kml *k, const xmlNode *pm)
{
	struct er_feature f;
	memset(&f, 0, sizeof f);
	f.line = er_xml_line(pm);
	enum er_code rc = ER_OK;

	const xmlNode *name = child(pm, "name");
	snprintf(k->label, sizeof k->label, "Placemark");
	if (name) {
		char *s = er_xml_text(name);
		if (!s)
			return fail_nomem(k);
		char q[128];
		er_feature_quote(q, sizeof q, s, strlen(s));
		snprintf(k->label, sizeof k->label, "Placemark \"%s\"", q);
		rc = er_feature_take_prop(&f, er_strdup("name"), s, k->err);
	}
	const xmlNode *desc = child(pm, "description");
	if (rc == ER_OK && desc)
		rc = add_text(k, &f, "description", desc);
	for (const xmlNode *c = er_xml_first_element(pm); c && rc == ER_OK;
	     c = er_xml_next_element(c))
		if (is_kml(c, "ExtendedData"))
			rc = read_extended_data(k, c, &f);

	const xmlNode *geom = NULL;
	for (const xmlNode *c = er_xml_first_element(pm); c && rc == ER_OK;
	     c = er_xml_next_element(c)) {
		if (geometry_kind(c) == G_NONE)
			continue;
		if (geom) {
			char t1[128], t2[128], where[256];
			snprintf(where, sizeof where, "%s:%u", k->path,
			         er_xml_line(c));
			rc = er_fail(k->err, ER_EPARSE, where,
			             "%s has two geometries, %s and %s",
			             k->label, er_xml_tag(geom, t1, sizeof t1),
			             er_xml_tag(c, t2, sizeof t2));
		}
		geom = c;
	}
	if (rc == ER_OK && geom)
		rc = geometry_or_error(k, geom, &f);
	if (rc == ER_OK)
		rc = k->fn(&f, k->ud, k->err);
	er_feature_finish(&f);
	return rc;
}

/* The element after n in document order within root; descend: may go
 * into n's children. */
static const xmlNode *
next_element(const xmlNode *n, const xmlNode *root, int descend)
{
	if (descend) {
		const xmlNode *c = er_xml_first_element(n);
		if (c)
			return c;
	}
	while (n && n != root) {
		const xmlNode *s = er_xml_next_element(n);
		if (s)
			return s;
		n = n->parent;
	}
	return NULL;
}

enum er_code
er_kml_read(const char *path, const char *data, size_t len, er_feature_fn fn,
            void *ud, struct er_error *err)
{
	struct er_error local;
	if (!err)
		err = &local;
	er_error_clear(err);
	struct kml k = {
	    .path = path ? path : "",
	    .fn = fn,
	    .ud = ud,
	    .err = err,
	};
	if (data && len >= 4 && !memcmp(data, "PK\x03\x04", 4))
		return er_fail(err, ER_EPARSE, k.path,
		               "this is a KMZ (zip) archive, not KML; unzip "
		               "it and read its .kml file");
	xmlDoc *doc = er_xml_parse(k.path, data, len, err);
	if (!doc)
		return err->code;
	const xmlNode *root = xmlDocGetRootElement(doc);
	enum er_code rc = ER_OK;
	if (!is_kml_ns(root)) {
		char t[128], where[256];
		snprintf(where, sizeof where, "%s:%u", k.path,
		         er_xml_line(root));
		rc = er_fail(err, ER_EPARSE, where,
		             "root element %s is not KML (namespace \"%s\")",
		             er_xml_tag(root, t, sizeof t), er_xml_ns(root));
	}
	for (const xmlNode *n = root; n && rc == ER_OK;) {
		if (is_kml(n, "Placemark")) {
			rc = read_placemark(&k, n);
			n = next_element(n, root, 0);
		} else {
			/* an Update's Placemarks change another file */
			n = next_element(n, root, !is_kml(n, "Update"));
		}
	}
	xmlFreeDoc(doc);
	return rc;
}
