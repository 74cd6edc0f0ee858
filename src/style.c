/* OGC SLD 1.0 / SE 1.1 reader: layers, rules, filters and symbolizers
 * from styles/NAME.sld, and matching rules against feature attributes. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "alloc.h"
#include "config.h"
#include "style.h"
#include "xml.h"
#include <evacreg/export.h>

#define SLD_NS "http://www.opengis.net/sld"
#define SE_NS "http://www.opengis.net/se"
#define OGC_NS "http://www.opengis.net/ogc"
#define XLINK_NS "http://www.w3.org/1999/xlink"

/* Filters nest; deeper input is refused rather than recursed into. */
#define MAX_FILTER_DEPTH 32

struct sld {
	const char *path;
	char dir[2 * PATH_MAX + 2]; /* folder of path, for relative icons */
	struct er_error *err;
};

/* ---- element tests -----------------------------------------------------*/

/* SLD 1.0 puts everything in the sld namespace, SE 1.1 the symbology in
 * se; a document may mix them. */
static int
is_sld(const xmlNode *n, const char *name)
{
	return er_xml_is(n, SLD_NS, name) || er_xml_is(n, SE_NS, name);
}

static int
is_ogc(const xmlNode *n, const char *name)
{
	return er_xml_is(n, OGC_NS, name);
}

static const xmlNode *
child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = er_xml_first_element(n); c;
	     c = er_xml_next_element(c))
		if (is_sld(c, name))
			return c;
	return NULL;
}

static enum er_code fail_at(struct sld *s, const xmlNode *n, const char *fmt,
                            ...) ER_PRINTF(3, 4);

/* ER_EPARSE at "path:line" of n. */
static enum er_code
fail_at(struct sld *s, const xmlNode *n, const char *fmt, ...)
{
	char where[256], msg[512];
	unsigned line = er_xml_line(n);
	if (line)
		snprintf(where, sizeof where, "%s:%u", s->path, line);
	else
		snprintf(where, sizeof where, "%s", s->path);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return er_fail(s->err, ER_EPARSE, where, "%s", msg);
}

static enum er_code
nomem(struct sld *s)
{
	return er_fail(s->err, ER_ENOMEM, s->path, "out of memory");
}

/* The trimmed text of n into *out (caller frees); ER_ENOMEM. */
static enum er_code
text(struct sld *s, const xmlNode *n, char **out)
{
	char *t = er_xml_text(n);
	if (!t)
		return nomem(s);
	size_t b = strspn(t, " \t\r\n"), e = strlen(t);
	while (e > b && strchr(" \t\r\n", t[e - 1]))
		e--;
	memmove(t, t + b, e - b);
	t[e - b] = '\0';
	*out = t;
	return ER_OK;
}

/* Replaces *dst with the text of n. */
static enum er_code
set_text(struct sld *s, const xmlNode *n, char **dst)
{
	char *t;
	enum er_code rc = text(s, n, &t);
	if (rc)
		return rc;
	er_free(*dst);
	*dst = t;
	return ER_OK;
}

static enum er_code
number(struct sld *s, const xmlNode *n, double *out)
{
	char *t;
	enum er_code rc = text(s, n, &t);
	if (rc)
		return rc;
	char *end;
	errno = 0;
	double v = strtod(t, &end);
	if (!t[0] || *end || errno || !isfinite(v)) {
		rc = fail_at(s, n, "<%s> needs a number, not \"%s\"",
		             (const char *)n->name, t);
		er_free(t);
		return rc;
	}
	er_free(t);
	*out = v;
	return ER_OK;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "#rrggbb" -> colour with alpha kept. */
static int
parse_color(const char *t, struct er_color *c)
{
	if (strlen(t) != 7 || t[0] != '#')
		return -1;
	int v[6];
	for (int i = 0; i < 6; i++)
		if ((v[i] = hexval(t[1 + i])) < 0)
			return -1;
	c->r = (v[0] * 16 + v[1]) / 255.0;
	c->g = (v[2] * 16 + v[3]) / 255.0;
	c->b = (v[4] * 16 + v[5]) / 255.0;
	return 0;
}

/* ---- symbolizers -------------------------------------------------------*/

static const struct er_color default_fill = {0.5, 0.5, 0.5, 1};
static const struct er_color default_stroke = {0, 0, 0, 1};

/* One CssParameter / SvgParameter of a Fill, Stroke or Font. */
static enum er_code
parameter(struct sld *s, const xmlNode *p, struct er_symbolizer *y,
          struct er_color *fill, struct er_color *stroke)
{
	const xmlAttr *a = er_xml_attr(p, NULL, "name");
	if (!a)
		return fail_at(s, p, "<%s> has no name attribute",
		               (const char *)p->name);
	char *name = er_xml_text((const xmlNode *)a), *val = NULL;
	if (!name)
		return nomem(s);
	enum er_code rc = text(s, p, &val);
	if (rc)
		goto out;
	char *end;
	double v = 0;
	int numeric =
	    !strcmp(name, "fill-opacity") || !strcmp(name, "stroke-opacity") ||
	    !strcmp(name, "stroke-width") || !strcmp(name, "font-size");
	if (numeric) {
		errno = 0;
		v = strtod(val, &end);
		if (!val[0] || *end || errno || !isfinite(v) || v < 0) {
			rc = fail_at(s, p, "%s needs a number, not \"%s\"",
			             name, val);
			goto out;
		}
	}
	if (!strcmp(name, "fill") || !strcmp(name, "stroke")) {
		struct er_color *c = name[0] == 'f' ? fill : stroke;
		struct er_color tmp = {0, 0, 0, 1};
		/* a colour where none is drawn (a Font's) is still checked */
		if (parse_color(val, c ? c : &tmp)) {
			rc = fail_at(s, p,
			             "%s: \"%s\" is not a colour (#rrggbb)",
			             name, val);
			goto out;
		}
	} else if (!strcmp(name, "fill-opacity") ||
	           !strcmp(name, "stroke-opacity")) {
		struct er_color *c = name[0] == 'f' ? fill : stroke;
		if (v > 1) {
			rc = fail_at(s, p,
			             "%s must be between 0 and 1, not \"%s\"",
			             name, val);
			goto out;
		}
		if (c)
			c->a = v;
	} else if (!strcmp(name, "stroke-width")) {
		y->stroke_width = v;
	} else if (!strcmp(name, "stroke-dasharray")) {
		y->ndash = 0;
		char *save = NULL;
		for (char *tok = strtok_r(val, " ,", &save); tok;
		     tok = strtok_r(NULL, " ,", &save)) {
			errno = 0;
			double d = strtod(tok, &end);
			if (*end || errno || !isfinite(d) || d < 0 ||
			    y->ndash == sizeof y->dash / sizeof y->dash[0]) {
				rc = fail_at(s, p,
				             "stroke-dasharray: \"%s\" is not "
				             "a list of up to 8 lengths",
				             tok);
				goto out;
			}
			y->dash[y->ndash++] = d;
		}
	} else if (!strcmp(name, "font-family")) {
		if (!y->font_family) {
			y->font_family = val;
			val = NULL;
		}
	} else if (!strcmp(name, "font-size")) {
		y->font_size = v;
	}
	/* other parameters (linejoin, font-weight, ...) do not change
	 * what evacreg draws */
out:
	er_free(name);
	er_free(val);
	return rc;
}

static enum er_code
parameters(struct sld *s, const xmlNode *n, struct er_symbolizer *y,
           struct er_color *fill, struct er_color *stroke)
{
	for (const xmlNode *c = er_xml_first_element(n); c;
	     c = er_xml_next_element(c)) {
		if (!is_sld(c, "CssParameter") && !is_sld(c, "SvgParameter"))
			continue;
		enum er_code rc = parameter(s, c, y, fill, stroke);
		if (rc)
			return rc;
	}
	return ER_OK;
}

static enum er_code
fill(struct sld *s, const xmlNode *n, struct er_symbolizer *y,
     struct er_color *c)
{
	*c = default_fill;
	return parameters(s, n, y, c, NULL);
}

static enum er_code
stroke(struct sld *s, const xmlNode *n, struct er_symbolizer *y)
{
	y->has_stroke = 1;
	y->stroke = default_stroke;
	return parameters(s, n, y, NULL, &y->stroke);
}

static const char *const marks[] = {"circle", "square", "triangle",
                                    "star",   "cross",  "x"};

static enum er_code
mark(struct sld *s, const xmlNode *n, struct er_symbolizer *y)
{
	enum er_code rc;
	const xmlNode *w = child(n, "WellKnownName");
	char *name = NULL;
	if (w && (rc = text(s, w, &name)))
		return rc;
	const char *known = "square"; /* SLD's default */
	if (name) {
		known = NULL;
		for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
			if (!strcasecmp(name, marks[i]))
				known = marks[i];
		if (!known) {
			rc = fail_at(s, w,
			             "unknown WellKnownName \"%s\" (circle, "
			             "square, triangle, star, cross or x)",
			             name);
			er_free(name);
			return rc;
		}
		er_free(name);
	}
	ER_FREE(y->mark);
	if (!(y->mark = er_strdup(known)))
		return nomem(s);
	const xmlNode *f = child(n, "Fill"), *k = child(n, "Stroke");
	if (f) {
		y->has_fill = 1;
		if ((rc = fill(s, f, y, &y->fill)))
			return rc;
	}
	if (k && (rc = stroke(s, k, y)))
		return rc;
	if (!f && !k) {
		/* SLD: a mark without either is grey with a black outline */
		y->has_fill = y->has_stroke = 1;
		y->fill = default_fill;
		y->stroke = default_stroke;
	}
	return ER_OK;
}

/* href of an ExternalGraphic: URLs kept, file:// and relative paths
 * made absolute against the SLD's folder. */
static enum er_code
icon_path(struct sld *s, const xmlNode *n, const char *href, char **out)
{
	if (!strncmp(href, "http://", 7) || !strncmp(href, "https://", 8)) {
		*out = er_strdup(href);
	} else {
		if (!strncmp(href, "file://", 7))
			href += 7;
		if (!href[0] || strstr(href, "://"))
			return fail_at(s, n,
			               "ExternalGraphic: \"%s\" is neither a "
			               "file nor an http(s) URL",
			               href);
		if (href[0] == '/')
			*out = er_strdup(href);
		else
			*out = er_asprintf("%s/%s", s->dir, href);
	}
	return *out ? ER_OK : nomem(s);
}

static enum er_code
graphic(struct sld *s, const xmlNode *g, struct er_symbolizer *y)
{
	enum er_code rc;
	for (const xmlNode *c = er_xml_first_element(g); c;
	     c = er_xml_next_element(c)) {
		if (is_sld(c, "Mark")) {
			if (y->mark || y->icon)
				continue; /* the first one usable wins */
			if ((rc = mark(s, c, y)))
				return rc;
		} else if (is_sld(c, "ExternalGraphic")) {
			if (y->mark || y->icon)
				continue;
			const xmlNode *r = child(c, "OnlineResource");
			const xmlAttr *h =
			    r ? er_xml_attr(r, XLINK_NS, "href") : NULL;
			if (!h)
				return fail_at(s, c,
				               "ExternalGraphic has no "
				               "OnlineResource xlink:href");
			char *href;
			if ((rc = text(s, (const xmlNode *)h, &href)))
				return rc;
			rc = icon_path(s, c, href, &y->icon);
			er_free(href);
			if (rc)
				return rc;
			const xmlNode *f = child(c, "Format");
			if (f && (rc = set_text(s, f, &y->icon_format)))
				return rc;
		} else if (is_sld(c, "Size")) {
			if ((rc = number(s, c, &y->size)))
				return rc;
		} else if (is_sld(c, "Rotation")) {
			if ((rc = number(s, c, &y->rotation)))
				return rc;
		}
	}
	if (!y->mark && !y->icon && !(y->mark = er_strdup("square")))
		return nomem(s);
	return ER_OK;
}

static enum er_code
text_symbolizer(struct sld *s, const xmlNode *n, struct er_symbolizer *y)
{
	enum er_code rc;
	const xmlNode *l = child(n, "Label");
	if (l) {
		const xmlNode *p = NULL;
		for (const xmlNode *c = er_xml_first_element(l); c && !p;
		     c = er_xml_next_element(c))
			if (is_ogc(c, "PropertyName"))
				p = c;
		if (!p)
			return fail_at(s, l,
			               "<Label> must name a property "
			               "(ogc:PropertyName)");
		if ((rc = set_text(s, p, &y->label)))
			return rc;
	}
	const xmlNode *f = child(n, "Font");
	if (f && (rc = parameters(s, f, y, NULL, NULL)))
		return rc;
	const xmlNode *h = child(n, "Halo");
	if (h) {
		y->has_halo = 1;
		y->halo = (struct er_color){1, 1, 1, 1}; /* SLD: white */
		y->halo_radius = 1;
		const xmlNode *r = child(h, "Radius"), *hf = child(h, "Fill");
		if (r && (rc = number(s, r, &y->halo_radius)))
			return rc;
		if (hf && (rc = fill(s, hf, y, &y->halo)))
			return rc;
	}
	const xmlNode *tf = child(n, "Fill");
	y->has_fill = 1;
	y->fill = default_stroke; /* SLD: black text */
	if (tf && (rc = fill(s, tf, y, &y->fill)))
		return rc;
	return ER_OK;
}

static void
symbolizer_finish(struct er_symbolizer *y)
{
	er_free(y->mark);
	er_free(y->icon);
	er_free(y->icon_format);
	er_free(y->label);
	er_free(y->font_family);
}

static enum er_code
symbolizer(struct sld *s, const xmlNode *n, enum er_sym_kind kind,
           struct er_symbolizer *y)
{
	enum er_code rc = ER_OK;
	memset(y, 0, sizeof *y);
	y->kind = kind;
	const xmlNode *f = child(n, "Fill"), *k = child(n, "Stroke");
	switch (kind) {
	case ER_SYM_POINT: {
		const xmlNode *g = child(n, "Graphic");
		if (!g)
			return fail_at(s, n, "PointSymbolizer has no Graphic");
		rc = graphic(s, g, y);
		break;
	}
	case ER_SYM_LINE:
		if (k)
			rc = stroke(s, k, y);
		break;
	case ER_SYM_POLYGON:
		if (f) {
			y->has_fill = 1;
			rc = fill(s, f, y, &y->fill);
		}
		if (!rc && k)
			rc = stroke(s, k, y);
		break;
	case ER_SYM_TEXT:
		rc = text_symbolizer(s, n, y);
		break;
	}
	return rc;
}

/* ---- filters -----------------------------------------------------------*/

static void
filter_finish(struct er_filter *f)
{
	er_free(f->property);
	er_free(f->literal);
	er_free(f->literal2);
	for (size_t i = 0; i < f->nchildren; i++)
		filter_finish(&f->children[i]);
	er_free(f->children);
	memset(f, 0, sizeof *f);
}

static const struct {
	const char *name;
	enum er_filter_op op, flipped; /* flipped: with the literal first */
} ops[] = {
    {"PropertyIsEqualTo", ER_F_EQ, ER_F_EQ},
    {"PropertyIsNotEqualTo", ER_F_NE, ER_F_NE},
    {"PropertyIsLessThan", ER_F_LT, ER_F_GT},
    {"PropertyIsLessThanOrEqualTo", ER_F_LE, ER_F_GE},
    {"PropertyIsGreaterThan", ER_F_GT, ER_F_LT},
    {"PropertyIsGreaterThanOrEqualTo", ER_F_GE, ER_F_LE},
    {"PropertyIsLike", ER_F_LIKE, ER_F_LIKE},
    {"PropertyIsNull", ER_F_NULL, ER_F_NULL},
    {"PropertyIsBetween", ER_F_BETWEEN, ER_F_BETWEEN},
    {"And", ER_F_AND, ER_F_AND},
    {"Or", ER_F_OR, ER_F_OR},
    {"Not", ER_F_NOT, ER_F_NOT},
};

static enum er_code filter(struct sld *s, const xmlNode *n, struct er_filter *f,
                           int depth);

/* A one-character attribute of PropertyIsLike; def when absent. */
static enum er_code
like_char(struct sld *s, const xmlNode *n, const char *name, const char *alt,
          char def, char *out)
{
	const xmlAttr *a = er_xml_attr(n, NULL, name);
	if (!a && alt)
		a = er_xml_attr(n, NULL, alt);
	*out = def;
	if (!a)
		return ER_OK;
	char *v = er_xml_text((const xmlNode *)a);
	if (!v)
		return nomem(s);
	enum er_code rc = ER_OK;
	if (strlen(v) != 1 || (unsigned char)v[0] >= 0x80)
		rc = fail_at(s, n,
		             "PropertyIsLike: %s must be one ASCII character, "
		             "not \"%s\"",
		             name, v);
	else
		*out = v[0];
	er_free(v);
	return rc;
}

/* The literal inside a LowerBoundary / UpperBoundary. */
static enum er_code
boundary(struct sld *s, const xmlNode *n, const char *name, char **out)
{
	const xmlNode *b = NULL;
	for (const xmlNode *c = er_xml_first_element(n); c && !b;
	     c = er_xml_next_element(c))
		if (is_ogc(c, name))
			b = c;
	if (!b)
		return fail_at(s, n, "PropertyIsBetween has no %s", name);
	return set_text(s, b, out);
}

static enum er_code
comparison(struct sld *s, const xmlNode *n, struct er_filter *f,
           enum er_filter_op flipped)
{
	enum er_code rc;
	int seen_literal = 0;
	for (const xmlNode *c = er_xml_first_element(n); c;
	     c = er_xml_next_element(c)) {
		if (is_ogc(c, "PropertyName") && !f->property) {
			if ((rc = set_text(s, c, &f->property)))
				return rc;
		} else if (is_ogc(c, "Literal") && !seen_literal) {
			seen_literal = 1;
			if ((rc = set_text(s, c, &f->literal)))
				return rc;
			if (!f->property)
				f->op = flipped;
		}
	}
	if (!f->property)
		return fail_at(s, n, "%s has no ogc:PropertyName",
		               (const char *)n->name);
	if (f->op == ER_F_NULL)
		return ER_OK;
	if (f->op == ER_F_BETWEEN) {
		if ((rc = boundary(s, n, "LowerBoundary", &f->literal)))
			return rc;
		return boundary(s, n, "UpperBoundary", &f->literal2);
	}
	if (!seen_literal)
		return fail_at(s, n, "%s has no ogc:Literal",
		               (const char *)n->name);
	if (f->op == ER_F_LIKE) {
		if ((rc = like_char(s, n, "wildCard", NULL, '*', &f->wild)) ||
		    (rc = like_char(s, n, "singleChar", NULL, '?',
		                    &f->single)) ||
		    (rc = like_char(s, n, "escapeChar", "escape", '\\',
		                    &f->escape)))
			return rc;
	}
	return ER_OK;
}

static enum er_code
logical(struct sld *s, const xmlNode *n, struct er_filter *f, int depth)
{
	size_t count = 0;
	for (const xmlNode *c = er_xml_first_element(n); c;
	     c = er_xml_next_element(c))
		count++;
	if (count == 0 || (f->op == ER_F_NOT && count != 1))
		return fail_at(
		    s, n, "<%s> needs %s filter", (const char *)n->name,
		    f->op == ER_F_NOT ? "exactly one" : "at least one");
	f->children = er_calloc(count, sizeof *f->children);
	if (!f->children)
		return nomem(s);
	for (const xmlNode *c = er_xml_first_element(n); c;
	     c = er_xml_next_element(c)) {
		enum er_code rc =
		    filter(s, c, &f->children[f->nchildren], depth + 1);
		f->nchildren++; /* so a partly read child is freed */
		if (rc)
			return rc;
	}
	return ER_OK;
}

static enum er_code
filter(struct sld *s, const xmlNode *n, struct er_filter *f, int depth)
{
	memset(f, 0, sizeof *f);
	f->match_case = 1;
	if (depth > MAX_FILTER_DEPTH)
		return fail_at(s, n, "filters nest deeper than %d levels",
		               MAX_FILTER_DEPTH);
	size_t i;
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (is_ogc(n, ops[i].name))
			break;
	if (i == sizeof ops / sizeof ops[0])
		return fail_at(s, n, "unknown filter <%s>",
		               (const char *)n->name);
	f->op = ops[i].op;
	const xmlAttr *mc = er_xml_attr(n, NULL, "matchCase");
	if (mc) {
		char *v = er_xml_text((const xmlNode *)mc);
		if (!v)
			return nomem(s);
		f->match_case =
		    !(strcmp(v, "false") == 0 || strcmp(v, "0") == 0);
		er_free(v);
	}
	if (f->op == ER_F_AND || f->op == ER_F_OR || f->op == ER_F_NOT)
		return logical(s, n, f, depth);
	return comparison(s, n, f, ops[i].flipped);
}

/* ---- rules, layers, document ------------------------------------------*/

static void
rule_finish(struct er_rule *r)
{
	er_free(r->name);
	er_free(r->title);
	if (r->filter) {
		filter_finish(r->filter);
		er_free(r->filter);
	}
	for (size_t i = 0; i < r->nsyms; i++)
		symbolizer_finish(&r->syms[i]);
	er_free(r->syms);
	memset(r, 0, sizeof *r);
}

static enum er_sym_kind
sym_kind(const xmlNode *n)
{
	if (is_sld(n, "PointSymbolizer"))
		return ER_SYM_POINT;
	if (is_sld(n, "LineSymbolizer"))
		return ER_SYM_LINE;
	if (is_sld(n, "PolygonSymbolizer"))
		return ER_SYM_POLYGON;
	if (is_sld(n, "TextSymbolizer"))
		return ER_SYM_TEXT;
	return 0;
}

static enum er_code
rule(struct sld *s, const xmlNode *n, struct er_rule *r)
{
	enum er_code rc;
	memset(r, 0, sizeof *r);
	size_t nsyms = 0;
	for (const xmlNode *c = er_xml_first_element(n); c;
	     c = er_xml_next_element(c))
		nsyms += sym_kind(c) != 0;
	if (nsyms && !(r->syms = er_calloc(nsyms, sizeof *r->syms)))
		return nomem(s);
	for (const xmlNode *c = er_xml_first_element(n); c;
	     c = er_xml_next_element(c)) {
		enum er_sym_kind k = sym_kind(c);
		if (k) {
			rc = symbolizer(s, c, k, &r->syms[r->nsyms]);
			r->nsyms++;
		} else if (is_sld(c, "Name")) {
			rc = set_text(s, c, &r->name);
		} else if (is_sld(c, "Title")) {
			rc = set_text(s, c, &r->title);
		} else if (is_sld(c, "Description")) {
			/* SE 1.1 keeps the title in Description */
			const xmlNode *t = child(c, "Title");
			rc = t ? set_text(s, t, &r->title) : ER_OK;
		} else if (is_sld(c, "ElseFilter")) {
			r->is_else = 1;
			rc = ER_OK;
		} else if (is_ogc(c, "Filter")) {
			const xmlNode *f = er_xml_first_element(c);
			if (!f)
				return fail_at(s, c, "<Filter> is empty");
			if (r->filter)
				return fail_at(s, c, "a rule has one <Filter>");
			if (!(r->filter = er_calloc(1, sizeof *r->filter)))
				return nomem(s);
			rc = filter(s, f, r->filter, 0);
		} else if (is_sld(c, "MinScaleDenominator")) {
			rc = number(s, c, &r->min_scale);
		} else if (is_sld(c, "MaxScaleDenominator")) {
			rc = number(s, c, &r->max_scale);
		} else {
			rc = ER_OK; /* Abstract, LegendGraphic, ... */
		}
		if (rc)
			return rc;
	}
	if (r->is_else && r->filter)
		return fail_at(s, n,
		               "a rule has a Filter or an ElseFilter, not "
		               "both");
	return ER_OK;
}

static void
layer_finish(struct er_style_layer *l)
{
	er_free(l->name);
	er_free(l->title);
	for (size_t i = 0; i < l->nrules; i++)
		rule_finish(&l->rules[i]);
	er_free(l->rules);
	memset(l, 0, sizeof *l);
}

/* The UserStyle a layer uses: the one marked IsDefault, else the
 * first. */
static const xmlNode *
user_style(const xmlNode *layer)
{
	const xmlNode *first = NULL;
	for (const xmlNode *c = er_xml_first_element(layer); c;
	     c = er_xml_next_element(c)) {
		if (!is_sld(c, "UserStyle"))
			continue;
		if (!first)
			first = c;
		const xmlNode *d = child(c, "IsDefault");
		char *v = d ? er_xml_text(d) : NULL;
		int yes = v && (!strcmp(v, "1") || !strcmp(v, "true"));
		er_free(v);
		if (yes)
			return c;
	}
	return first;
}

static enum er_code
layer(struct sld *s, const xmlNode *n, struct er_style_layer *l)
{
	enum er_code rc;
	memset(l, 0, sizeof *l);
	const xmlNode *name = child(n, "Name");
	if (!name)
		return fail_at(s, n, "<%s> has no Name", (const char *)n->name);
	if ((rc = set_text(s, name, &l->name)))
		return rc;
	const xmlNode *us = user_style(n);
	if (!us)
		return ER_OK;
	const xmlNode *t = child(n, "Title");
	if (!t)
		t = child(us, "Title");
	if (!t && child(us, "Description"))
		t = child(child(us, "Description"), "Title");
	if (t && (rc = set_text(s, t, &l->title)))
		return rc;
	size_t nrules = 0;
	for (const xmlNode *f = er_xml_first_element(us); f;
	     f = er_xml_next_element(f)) {
		if (!is_sld(f, "FeatureTypeStyle"))
			continue;
		for (const xmlNode *r = er_xml_first_element(f); r;
		     r = er_xml_next_element(r))
			nrules += is_sld(r, "Rule");
	}
	if (nrules && !(l->rules = er_calloc(nrules, sizeof *l->rules)))
		return nomem(s);
	for (const xmlNode *f = er_xml_first_element(us); f;
	     f = er_xml_next_element(f)) {
		if (!is_sld(f, "FeatureTypeStyle"))
			continue;
		for (const xmlNode *r = er_xml_first_element(f); r;
		     r = er_xml_next_element(r)) {
			if (!is_sld(r, "Rule"))
				continue;
			rc = rule(s, r, &l->rules[l->nrules]);
			l->nrules++;
			if (rc)
				return rc;
		}
	}
	return ER_OK;
}

void
er_style_destroy(struct er_style *style)
{
	if (!style)
		return;
	er_free(style->path);
	er_free(style->name);
	er_free(style->title);
	for (size_t i = 0; i < style->nlayers; i++)
		layer_finish(&style->layers[i]);
	er_free(style->layers);
	er_free(style);
}

static void
set_dir(struct sld *s, const char *path)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(tmp, sizeof tmp, ".");
	else if (slash == path)
		snprintf(tmp, sizeof tmp, "/");
	else
		snprintf(tmp, sizeof tmp, "%.*s", (int)(slash - path), path);
	/* absolute when the folder exists; as given otherwise (a style
	 * read from memory under an invented name) */
	char cwd[PATH_MAX];
	if (realpath(tmp, s->dir))
		return;
	if (tmp[0] != '/' && getcwd(cwd, sizeof cwd))
		snprintf(s->dir, sizeof s->dir, "%s/%s", cwd, tmp);
	else
		snprintf(s->dir, sizeof s->dir, "%s", tmp);
}

struct er_style *
er_style_read(const char *path, const char *data, size_t len,
              struct er_error *err)
{
	struct sld s = {.path = path ? path : "style", .err = err};
	set_dir(&s, s.path);
	xmlDoc *doc = er_xml_parse(s.path, data, len, err);
	if (!doc)
		return NULL;
	struct er_style *st = er_calloc(1, sizeof *st);
	enum er_code rc = ER_OK;
	if (!st || !(st->path = er_strdup(s.path))) {
		rc = nomem(&s);
		goto out;
	}
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (!is_sld(root, "StyledLayerDescriptor")) {
		rc = fail_at(&s, root,
		             "<%s> is not an SLD StyledLayerDescriptor "
		             "(namespace " SLD_NS ")",
		             (const char *)root->name);
		goto out;
	}
	size_t nlayers = 0;
	for (const xmlNode *c = er_xml_first_element(root); c;
	     c = er_xml_next_element(c))
		nlayers += is_sld(c, "NamedLayer") || is_sld(c, "UserLayer");
	if (nlayers && !(st->layers = er_calloc(nlayers, sizeof *st->layers))) {
		rc = nomem(&s);
		goto out;
	}
	for (const xmlNode *c = er_xml_first_element(root); c && !rc;
	     c = er_xml_next_element(c)) {
		if (is_sld(c, "NamedLayer") || is_sld(c, "UserLayer")) {
			rc = layer(&s, c, &st->layers[st->nlayers]);
			st->nlayers++;
		} else if (is_sld(c, "Name")) {
			rc = set_text(&s, c, &st->name);
		} else if (is_sld(c, "Title")) {
			rc = set_text(&s, c, &st->title);
		}
	}
out:
	xmlFreeDoc(doc);
	if (rc) {
		er_style_destroy(st);
		return NULL;
	}
	return st;
}

struct er_style *
er_style_load(const char *path, struct er_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		er_fail(err, ER_EIO, path, "cannot read: %s", strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	do {
		if (len == cap) {
			size_t c = cap ? cap * 2 : 65536;
			char *b = er_realloc(buf, c);
			if (!b) {
				er_free(buf);
				fclose(f);
				er_fail(err, ER_ENOMEM, path, "out of memory");
				return NULL;
			}
			buf = b;
			cap = c;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		er_free(buf);
		er_fail(err, ER_EIO, path, "read error");
		return NULL;
	}
	struct er_style *st = er_style_read(path, buf, len, err);
	er_free(buf);
	return st;
}

const struct er_style_layer *
er_style_layer(const struct er_style *style, const char *name)
{
	for (size_t i = 0; style && i < style->nlayers; i++)
		if (style->layers[i].name &&
		    strcmp(style->layers[i].name, name) == 0)
			return &style->layers[i];
	return NULL;
}

/* ---- evaluation --------------------------------------------------------*/

static int
as_number(const char *s, double *v)
{
	char *end;
	if (!s)
		return 0;
	while (*s == ' ')
		s++;
	if (!*s)
		return 0;
	errno = 0;
	*v = strtod(s, &end);
	while (*end == ' ')
		end++;
	return !*end && !errno && isfinite(*v);
}

/* <0, 0, >0 like strcmp: numerically when both are numbers. */
static int
compare(const char *a, const char *b, int match_case)
{
	double x, y;
	if (as_number(a, &x) && as_number(b, &y))
		return (x > y) - (x < y);
	return match_case ? strcmp(a, b) : strcasecmp(a, b);
}

static int
fold(int c, int match_case)
{
	return match_case || c >= 0x80 ? c : tolower(c);
}

/* Length of the UTF-8 sequence starting at s (1 for stray bytes). */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n = *s < 0x80    ? 1
	           : *s >= 0xF0 ? 4
	           : *s >= 0xE0 ? 3
	           : *s >= 0xC0 ? 2
	                        : 1;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return i;
	return n;
}

/* PropertyIsLike: wild matches any run, single one character, escape
 * makes the next pattern character literal. Greedy with one backtrack
 * point, so linear in practice and never recursive. */
static int
like(const char *str, const char *pat, const struct er_filter *f)
{
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *p = (const unsigned char *)pat;
	const unsigned char *star_p = NULL, *star_s = NULL;
	while (*s) {
		if (*p && *p == (unsigned char)f->wild) {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (*p && *p == (unsigned char)f->single) {
			p++;
			s += utf8_len(s);
			continue;
		}
		const unsigned char *q = p;
		if (*q && *q == (unsigned char)f->escape && q[1])
			q++;
		if (*q && fold(*q, f->match_case) == fold(*s, f->match_case)) {
			p = q + 1;
			s++;
			continue;
		}
		if (!star_p)
			return 0;
		p = star_p;
		star_s += utf8_len(star_s);
		s = star_s;
	}
	while (*p && *p == (unsigned char)f->wild)
		p++;
	return *p == '\0';
}

int
er_filter_eval(const struct er_filter *f, er_style_prop_fn prop, void *ud)
{
	if (!f)
		return 1;
	switch (f->op) {
	case ER_F_AND:
		for (size_t i = 0; i < f->nchildren; i++)
			if (!er_filter_eval(&f->children[i], prop, ud))
				return 0;
		return 1;
	case ER_F_OR:
		for (size_t i = 0; i < f->nchildren; i++)
			if (er_filter_eval(&f->children[i], prop, ud))
				return 1;
		return 0;
	case ER_F_NOT:
		return f->nchildren == 1 &&
		       !er_filter_eval(&f->children[0], prop, ud);
	default:
		break;
	}
	const char *v = prop(f->property, ud);
	if (f->op == ER_F_NULL)
		return !v || !v[0];
	/* comparisons with an absent property are false, as in SQL */
	if (!v || !f->literal)
		return 0;
	switch (f->op) {
	case ER_F_EQ:
		return compare(v, f->literal, f->match_case) == 0;
	case ER_F_NE:
		return compare(v, f->literal, f->match_case) != 0;
	case ER_F_LT:
		return compare(v, f->literal, f->match_case) < 0;
	case ER_F_LE:
		return compare(v, f->literal, f->match_case) <= 0;
	case ER_F_GT:
		return compare(v, f->literal, f->match_case) > 0;
	case ER_F_GE:
		return compare(v, f->literal, f->match_case) >= 0;
	case ER_F_LIKE:
		return like(v, f->literal, f);
	case ER_F_BETWEEN:
		return f->literal2 &&
		       compare(v, f->literal, f->match_case) >= 0 &&
		       compare(v, f->literal2, f->match_case) <= 0;
	default:
		return 0;
	}
}

static int
in_scale(const struct er_rule *r, double scale)
{
	if (scale <= 0)
		return 1;
	if (r->min_scale > 0 && scale < r->min_scale)
		return 0;
	if (r->max_scale > 0 && scale >= r->max_scale)
		return 0;
	return 1;
}

size_t
er_style_match(const struct er_style_layer *layer, er_style_prop_fn prop,
               void *ud, double scale_denom, const struct er_rule **out,
               size_t max)
{
	size_t n = 0;
	if (!layer)
		return 0;
	for (int pass = 0; pass < 2 && n == 0; pass++) {
		for (size_t i = 0; i < layer->nrules; i++) {
			const struct er_rule *r = &layer->rules[i];
			if (r->is_else != pass || !in_scale(r, scale_denom))
				continue;
			if (!pass && !er_filter_eval(r->filter, prop, ud))
				continue;
			if (n < max)
				out[n] = r;
			n++;
		}
	}
	return n;
}

static unsigned
byte(double v)
{
	if (!(v > 0))
		return 0;
	if (v >= 1)
		return 255;
	return (unsigned)lround(v * 255);
}

void
er_color_kml(const struct er_color *c, char out[9])
{
	snprintf(out, 9, "%02x%02x%02x%02x", byte(c->a), byte(c->b), byte(c->g),
	         byte(c->r));
}

/* ---- the default style file -------------------------------------------*/

static int
readable(const char *p)
{
	return access(p, R_OK) == 0;
}

const char *
er_default_style_path(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("EVACREG_DATADIR");
	if (env && env[0]) {
		snprintf(buf, sizeof buf, "%s/../styles/default.sld", env);
		if (readable(buf))
			return buf;
	}
	snprintf(buf, sizeof buf, "%s/styles/default.sld", ER_SOURCE_DATADIR);
	if (readable(buf))
		return buf;
	snprintf(buf, sizeof buf, "%s/styles/default.sld", ER_INSTALL_DATADIR);
	if (readable(buf))
		return buf;
	return NULL;
}
