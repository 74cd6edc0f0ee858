/* KML/KMZ maps of unassigned households: one document per district
 * (boundary, numbered households, shelters, figures) streamed through
 * libxml2's writer, an index of every district coloured by support
 * rate, styles from the SLD, and one audit row per file. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>
#include <zip.h>

#include "alloc.h"
#include "export.h"
#include "output.h"
#include "regimpl.h"
#include "style.h"
#include "value.h"
#include "xml.h"
#include <evacreg/export.h>

#define KML_NS "http://www.opengis.net/kml/2.2"
#define DISASTER_MARK "【災害時提供】"
/* shelters within this distance of a district's box are shown */
#define SHELTER_MARGIN_M 500.0
#define MAX_RULES 8

/* An icon the written styles use: its file and its name in the KMZ. */
struct icon {
	char *path; /* absolute path or URL, from the style */
	char *name; /* "files/household.png"; NULL for URLs */
};

/* One file written to a temporary name, renamed after the commit. */
struct pending {
	char tmp[4200];
	char dst[4200];
};

struct kml {
	xmlTextWriterPtr w;
	FILE *f;                /* where the writer's output goes */
	struct er_sha256 *sha;  /* ... hashed on the way */
	char sha_hex[65];       /* set by kml_end() */
	char *iobuf;            /* f's buffer: glibc would use 4 KB */
	int bad; /* a writer call failed */
	const struct er_style *style;
	const struct er_kml_options *opt;
	struct icon *icons;
	size_t nicons;
	int nomem;
};

/* ---- writer helpers ----------------------------------------------------*/

/* Text without the control characters XML 1.0 cannot carry. */
static char *
clean(const char *s)
{
	char *c = er_strdup(s ? s : "");
	if (!c)
		return NULL;
	for (unsigned char *p = (unsigned char *)c; *p; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			*p = ' ';
	return c;
}

static void
start(struct kml *k, const char *name)
{
	if (xmlTextWriterStartElement(k->w, (const xmlChar *)name) < 0)
		k->bad = 1;
}

static void
end(struct kml *k)
{
	if (xmlTextWriterEndElement(k->w) < 0)
		k->bad = 1;
}

static void
attr(struct kml *k, const char *name, const char *value)
{
	if (xmlTextWriterWriteAttribute(k->w, (const xmlChar *)name,
	                                (const xmlChar *)value) < 0)
		k->bad = 1;
}

static void
elem(struct kml *k, const char *name, const char *value)
{
	char *c = clean(value);
	if (!c) {
		k->nomem = 1;
		return;
	}
	if (xmlTextWriterWriteElement(k->w, (const xmlChar *)name,
	                              (const xmlChar *)c) < 0)
		k->bad = 1;
	er_free(c);
}

static void elemf(struct kml *k, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
elemf(struct kml *k, const char *name, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	elem(k, name, buf);
}

/* <Data name="name"><value>value</value></Data> */
static void
data(struct kml *k, const char *name, const char *value)
{
	start(k, "Data");
	attr(k, "name", name);
	elem(k, "value", value);
	end(k);
}

static void dataf(struct kml *k, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
dataf(struct kml *k, const char *name, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	data(k, name, buf);
}

/* Appends printf output to an er_xml_buf. */
static void bufp(struct er_xml_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
bufp(struct er_xml_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	er_xml_buf_puts(b, tmp);
}

/* Descriptions are HTML (Google Earth, My Maps and QGIS render them):
 * values are escaped for HTML here and for XML by the writer. */
static void
html(struct er_xml_buf *b, const char *s)
{
	er_xml_buf_puts_escaped(b, s ? s : "");
}

static void
elem_buf(struct kml *k, const char *name, struct er_xml_buf *b)
{
	char *s = er_xml_buf_take(b);
	if (!s) {
		k->nomem = 1;
		return;
	}
	elem(k, name, s);
	er_free(s);
}

/* "lon,lat" with 7 decimals (about 1 cm). */
static void
coord(char *out, size_t len, double lon, double lat)
{
	int n = er_fmt_fixed7(out, len, lon);
	if (n < 0 || (size_t)n + 2 >= len)
		return;
	out[n] = ',';
	er_fmt_fixed7(out + n + 1, len - (size_t)n - 1, lat);
}

static void
point(struct kml *k, double lon, double lat)
{
	char c[64];
	coord(c, sizeof c, lon, lat);
	start(k, "Point");
	elem(k, "coordinates", c);
	end(k);
}

static void
ring(struct kml *k, const char *boundary, const struct er_ring *r)
{
	start(k, boundary);
	start(k, "LinearRing");
	start(k, "coordinates");
	for (size_t i = 0; i < r->n; i++) {
		char c[64];
		coord(c, sizeof c, r->xy[2 * i], r->xy[2 * i + 1]);
		if ((i && xmlTextWriterWriteString(k->w, (const xmlChar *)" ") <
		              0) ||
		    xmlTextWriterWriteString(k->w, (const xmlChar *)c) < 0)
			k->bad = 1;
	}
	end(k);
	end(k);
	end(k);
}

/* Polygons with their holes; a MultiGeometry when there are several. */
static void
mpoly(struct kml *k, const struct er_mpoly *mp)
{
	if (mp->npolys != 1)
		start(k, "MultiGeometry");
	for (size_t i = 0; i < mp->npolys; i++) {
		const struct er_polygon *p = &mp->polys[i];
		start(k, "Polygon");
		for (size_t j = 0; j < p->nrings; j++)
			ring(k, j ? "innerBoundaryIs" : "outerBoundaryIs",
			     &p->rings[j]);
		end(k);
	}
	if (mp->npolys != 1)
		end(k);
}

/* ---- styles ------------------------------------------------------------*/

/* The href of an icon in this file: files/NAME — inside a KMZ, or in a
 * files/ folder written beside a plain KML — or the URL as is; NULL
 * when a file is missing. */
static const char *
icon_href(struct kml *k, const char *path)
{
	if (!strncmp(path, "http://", 7) || !strncmp(path, "https://", 8))
		return path;
	if (access(path, R_OK) != 0)
		return NULL;
	for (size_t i = 0; i < k->nicons; i++)
		if (!strcmp(k->icons[i].path, path))
			return k->icons[i].name;
	struct icon *n = er_realloc(k->icons, (k->nicons + 1) * sizeof *n);
	if (!n) {
		k->nomem = 1;
		return NULL;
	}
	k->icons = n;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* names stay unique when two folders hold the same file name */
	int clash = 0;
	for (size_t i = 0; i < k->nicons; i++) {
		const char *o = strrchr(k->icons[i].path, '/');
		clash |= !strcmp(o ? o + 1 : k->icons[i].path, base);
	}
	struct icon *ic = &k->icons[k->nicons];
	ic->path = er_strdup(path);
	ic->name = clash ? er_asprintf("files/%zu-%s", k->nicons, base)
	                 : er_asprintf("files/%s", base);
	if (!ic->path || !ic->name) {
		er_free(ic->path);
		er_free(ic->name);
		k->nomem = 1;
		return NULL;
	}
	k->nicons++;
	return ic->name;
}

static void
color(struct kml *k, const struct er_color *c)
{
	char s[9];
	er_color_kml(c, s);
	elem(k, "color", s);
}

/* One KML Style from a rule's symbolizers; highlight makes points and
 * labels larger and lines wider, for the StyleMap. */
static void
style(struct kml *k, const char *id, const struct er_rule *r, int highlight)
{
	const struct er_symbolizer *pt = NULL, *tx = NULL, *ln = NULL,
	                           *pg = NULL;
	for (size_t i = 0; i < r->nsyms; i++) {
		const struct er_symbolizer *y = &r->syms[i];
		if (y->kind == ER_SYM_POINT && !pt)
			pt = y;
		else if (y->kind == ER_SYM_TEXT && !tx)
			tx = y;
		else if (y->kind == ER_SYM_LINE && !ln)
			ln = y;
		else if (y->kind == ER_SYM_POLYGON && !pg)
			pg = y;
	}
	double grow = highlight ? 1.4 : 1.0;
	start(k, "Style");
	attr(k, "id", id);
	if (pt) {
		start(k, "IconStyle");
		const char *href = pt->icon ? icon_href(k, pt->icon) : NULL;
		/* a mark tints Google Earth's default icon with its fill */
		if (!href && pt->has_fill)
			color(k, &pt->fill);
		elemf(k, "scale", "%.2f",
		      (pt->size > 0 ? pt->size : 8) / 16.0 * grow);
		if (pt->rotation != 0)
			elemf(k, "heading", "%.1f", fmod(pt->rotation, 360));
		if (href) {
			start(k, "Icon");
			elem(k, "href", href);
			end(k);
		}
		end(k);
	}
	if (tx) {
		start(k, "LabelStyle");
		if (tx->has_fill)
			color(k, &tx->fill);
		elemf(k, "scale", "%.2f",
		      (tx->font_size > 0 ? tx->font_size : 10) / 12.0 * grow);
		end(k);
	} else if (pt) {
		/* points without a TextSymbolizer show their name only
		 * when highlighted */
		start(k, "LabelStyle");
		elem(k, "scale", highlight ? "1" : "0");
		end(k);
	}
	const struct er_symbolizer *st = ln && ln->has_stroke   ? ln
	                                 : pg && pg->has_stroke ? pg
	                                                        : NULL;
	if (st) {
		start(k, "LineStyle");
		color(k, &st->stroke);
		elemf(k, "width", "%.1f",
		      (st->stroke_width > 0 ? st->stroke_width : 1) +
		          (highlight ? 1 : 0));
		end(k);
	}
	if (pg) {
		start(k, "PolyStyle");
		if (pg->has_fill)
			color(k, &pg->fill);
		elem(k, "fill", pg->has_fill ? "1" : "0");
		elem(k, "outline", pg->has_stroke ? "1" : "0");
		end(k);
	}
	end(k);
}

/* The ids of a layer's rule i: normal style, highlight, StyleMap. */
static void
style_id(char *out, size_t len, const char *layer, size_t i, const char *suffix)
{
	snprintf(out, len, "%s-%zu%s", layer, i, suffix);
}

/* A Style pair and a StyleMap for every rule of the layer. */
static void
layer_styles(struct kml *k, const char *layer)
{
	const struct er_style_layer *l = er_style_layer(k->style, layer);
	for (size_t i = 0; l && i < l->nrules; i++) {
		char n[96], h[96], m[96], ref[100];
		style_id(n, sizeof n, layer, i, "-n");
		style_id(h, sizeof h, layer, i, "-h");
		style_id(m, sizeof m, layer, i, "");
		style(k, n, &l->rules[i], 0);
		style(k, h, &l->rules[i], 1);
		start(k, "StyleMap");
		attr(k, "id", m);
		start(k, "Pair");
		elem(k, "key", "normal");
		snprintf(ref, sizeof ref, "#%s", n);
		elem(k, "styleUrl", ref);
		end(k);
		start(k, "Pair");
		elem(k, "key", "highlight");
		snprintf(ref, sizeof ref, "#%s", h);
		elem(k, "styleUrl", ref);
		end(k);
		end(k);
	}
}

/* Feature attributes for the style's filters. */
struct props {
	const char *k[8], *v[8];
	size_t n;
};

static void
prop_set(struct props *p, const char *k, const char *v)
{
	if (p->n < 8) {
		p->k[p->n] = k;
		p->v[p->n] = v;
		p->n++;
	}
}

static const char *
prop_get(const char *name, void *ud)
{
	const struct props *p = ud;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->k[i], name))
			return p->v[i];
	return NULL;
}

/* "#id" of the style of the first rule of layer that applies; 0 when
 * none does. */
static int
style_ref(const struct er_style *style, const char *layer, struct props *p,
          char *ref, size_t len)
{
	const struct er_style_layer *l = er_style_layer(style, layer);
	const struct er_rule *r[MAX_RULES];
	if (!l || !er_style_match(l, prop_get, p, 0, r, MAX_RULES))
		return 0;
	ref[0] = '#';
	style_id(ref + 1, len - 1, layer, (size_t)(r[0] - l->rules), "");
	return 1;
}

/* <styleUrl> of the first rule of layer that applies, if any. */
static void
style_url(struct kml *k, const char *layer, struct props *p)
{
	char ref[100];
	if (style_ref(k->style, layer, p, ref, sizeof ref))
		elem(k, "styleUrl", ref);
}

/* ---- documents ---------------------------------------------------------*/

#define IOBUF (256 * 1024)

/* The writer's output: into the file, hashed on the way, so the audit
 * row needs no second read of what was written. */
static int
sink_write(void *ctx, const char *buf, int len)
{
	struct kml *k = ctx;
	if (len <= 0)
		return 0;
	if (fwrite(buf, 1, (size_t)len, k->f) != (size_t)len)
		return -1;
	er_sha256_update(k->sha, buf, (size_t)len);
	return len;
}

static enum er_code
kml_begin(struct kml *k, FILE *f, struct er_error *err)
{
	k->f = f;
	/* before any output: fewer, larger writes than libxml2's 4 KB
	 * chunks (the buffer outlives f, which is closed before the next
	 * file is opened) */
	if (!k->iobuf && !(k->iobuf = er_malloc(IOBUF)))
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	setvbuf(f, k->iobuf, _IOFBF, IOBUF);
	k->sha_hex[0] = '\0';
	er_sha256_free(k->sha);
	if (!(k->sha = er_sha256_new()))
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	xmlOutputBufferPtr out =
	    xmlOutputBufferCreateIO(sink_write, NULL, k, NULL);
	if (!out)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	k->w = xmlNewTextWriter(out);
	if (!k->w) {
		xmlOutputBufferClose(out);
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	}
	xmlTextWriterSetIndent(k->w, 1);
	xmlTextWriterSetIndentString(k->w, (const xmlChar *)" ");
	if (xmlTextWriterStartDocument(k->w, "1.0", "UTF-8", NULL) < 0)
		k->bad = 1;
	start(k, "kml");
	attr(k, "xmlns", KML_NS);
	return ER_OK;
}

/* Ends the document, flushes it into the file (which stays open) and
 * takes its SHA-256. */
static enum er_code
kml_end(struct kml *k, const char *path, struct er_error *err)
{
	if (k->w && xmlTextWriterEndDocument(k->w) < 0)
		k->bad = 1;
	xmlFreeTextWriter(k->w); /* flushes and frees the output buffer */
	k->w = NULL;
	if (k->nomem)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	/* libxml2's writer does not keep errno: say what failed */
	if (k->bad)
		return er_fail(err, ER_EIO, path,
		               "cannot write the KML (disk full?)");
	if (er_sha256_hex(k->sha, k->sha_hex))
		return er_fail(err, ER_EIO, path, "cannot hash the KML");
	return ER_OK;
}

static void
kml_discard(struct kml *k)
{
	xmlFreeTextWriter(k->w);
	k->w = NULL;
}

/* What a district file shows: counted before it is written. */
struct tally {
	long households, registrants;
};

static void
rate_text(char *out, size_t len, long assigned, long registrants)
{
	long r = er_rate(assigned, registrants, 1);
	if (r < 0)
		snprintf(out, len, "%s", "");
	else
		snprintf(out, len, "%ld.%ld", r / 10, r % 10);
}

/* The document's name, description and ExtendedData: the district's
 * figures, what this file shows and, in normal mode, how many were
 * left out — never who or where. */
static void
district_header(struct kml *k, const struct er_xdistrict *d,
                const struct tally *t, const char *data_date)
{
	const struct er_kml_options *o = k->opt;
	int disaster = o->mode == ER_MODE_DISASTER;
	char rate[48], name[512];
	rate_text(rate, sizeof rate, d->assigned, d->registrants);
	snprintf(name, sizeof name, "%s%s %s 未支援世帯",
	         disaster ? DISASTER_MARK : "", d->code, d->name);
	elem(k, "name", name);
	elem(k, "open", "1");

	struct er_xml_buf b = {0};
	if (disaster) {
		er_xml_buf_puts(&b,
		                "<p><b>" DISASTER_MARK "</b> "
		                "災害時の避難支援のため、同意の有無にかかわらず"
		                "支援者のいない全ての方を掲載しています。"
		                "取扱いに注意し、目的外に使用しないでください。"
		                "<br>Disaster-time provision: every active "
		                "unassigned registrant is included.<br>理由 "
		                "(reason): ");
		html(&b, o->reason);
		er_xml_buf_puts(&b, "</p>");
	}
	er_xml_buf_puts(&b, "<p>地区 ");
	html(&b, d->code);
	er_xml_buf_puts(&b, " ");
	html(&b, d->name);
	if (d->association_code) {
		er_xml_buf_puts(&b, "（町内会 ");
		html(&b, d->association_code);
		er_xml_buf_puts(&b, " ");
		html(&b, d->association_name);
		er_xml_buf_puts(&b, "）");
	}
	bufp(&b,
	     "<br>登録者 %ld 人、支援者あり %ld 人、未支援 %ld 人、"
	     "支援率 %s%s<br>"
	     "この地図: 未支援 %ld 世帯 %ld 人</p>",
	     d->registrants, d->assigned, d->unassigned, rate[0] ? rate : "-",
	     rate[0] ? "%" : "", t->households, t->registrants);
	if (!disaster)
		bufp(&b,
		     "<p>同意のない未支援の方 %ld 人（%ld 世帯）は掲載して"
		     "いません（氏名・位置も含みません）。<br>%ld "
		     "registrants without consent are not shown.</p>",
		     d->withheld, d->withheld_households, d->withheld);
	bufp(&b, "<p>データ時点 %s</p>", data_date[0] ? data_date : "-");
	elem_buf(k, "description", &b);
	er_xml_buf_finish(&b);
}

static void
district_data(struct kml *k, const struct er_xdistrict *d,
              const struct tally *t, const char *data_date)
{
	char rate[48], now[24];
	rate_text(rate, sizeof rate, d->assigned, d->registrants);
	er_export_time_iso(now);
	start(k, "ExtendedData");
	data(k, "district_code", d->code);
	data(k, "district_name", d->name);
	data(k, "association_code", d->association_code);
	data(k, "association_name", d->association_name);
	dataf(k, "registrants", "%ld", d->registrants);
	dataf(k, "assigned", "%ld", d->assigned);
	dataf(k, "unassigned", "%ld", d->unassigned);
	data(k, "support_rate", rate);
	dataf(k, "shown_households", "%ld", t->households);
	dataf(k, "shown_registrants", "%ld", t->registrants);
	if (k->opt->mode == ER_MODE_NORMAL) {
		dataf(k, "withheld_registrants", "%ld", d->withheld);
		dataf(k, "withheld_households", "%ld", d->withheld_households);
	}
	data(k, "mode", er_x_mode_name(k->opt->mode));
	if (k->opt->mode == ER_MODE_DISASTER)
		data(k, "reason", k->opt->reason);
	data(k, "data_date", data_date);
	data(k, "created_at", now);
	end(k);
}

/* ---- household placemarks ----------------------------------------------*/

/* A district file is mostly household placemarks. Each is built as text
 * in one buffer and handed to the writer in one call: escaped, indented
 * and laid out exactly as the writer's own calls would, at a tenth of
 * their cost (libxml2 keeps a stack and allocates for every element). */
#define PM_DEPTH 3 /* kml > Document > Folder > Placemark */

/* Appends n bytes: the common case without a call. */
static inline void
put(struct er_xml_buf *b, const char *s, size_t n)
{
	if (!b->nomem && b->len + n < b->cap) {
		memcpy(b->s + b->len, s, n);
		b->len += n;
		b->s[b->len] = '\0';
	} else {
		er_xml_buf_add(b, s, n);
	}
}

#define PUT(b, lit) put((b), (lit), sizeof(lit) - 1)

static void
pm_indent(struct er_xml_buf *b, int depth)
{
	static const char sp[] = "          ";
	put(b, sp, (size_t)depth);
}

/* v in decimal into out[24] (printf costs more than the rest of a
 * field); returns the length. */
static size_t
ltoa10(char out[24], long v)
{
	char t[24];
	size_t i = sizeof t;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	do
		t[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		t[--i] = '-';
	memcpy(out, t + i, sizeof t - i);
	out[sizeof t - i] = '\0';
	return sizeof t - i;
}

static void
pm_long(struct er_xml_buf *b, long v)
{
	char t[24];
	put(b, t, ltoa10(t, v));
}

/* What a character of text becomes: in element content, as
 * xmlTextWriterWriteString() escapes it after clean() (control
 * characters XML 1.0 cannot carry become spaces); and in the balloon,
 * escaped for HTML and then that for XML. NULL: itself. */
static const char *
esc_xml(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\r':
		return "&#13;";
	case '\t':
	case '\n':
		return NULL;
	default:
		return c < 0x20 ? " " : NULL;
	}
}

static const char *
esc_html_xml(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;amp;";
	case '<':
		return "&amp;lt;";
	case '>':
		return "&amp;gt;";
	case '"':
		return "&amp;quot;";
	default:
		return esc_xml(c);
	}
}

/* Runs of ordinary bytes are copied whole. */
static void
put_escaped(struct er_xml_buf *b, const char *s,
            const char *(*esc)(unsigned char))
{
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '&' && c != '<' && c != '>' && c != '"')
			continue;
		const char *rep = esc(c);
		if (!rep)
			continue;
		put(b, run, (size_t)(s - run));
		put(b, rep, strlen(rep));
		run = s + 1;
	}
	put(b, run, (size_t)(s - run));
}

static void
pm_text(struct er_xml_buf *b, const char *s)
{
	put_escaped(b, s, esc_xml);
}

/* A value in the balloon's HTML, within the description element. */
static void
pm_html(struct er_xml_buf *b, const char *s)
{
	put_escaped(b, s ? s : "", esc_html_xml);
}

/* <name>value</name> on its own line */
static void
pm_elem(struct er_xml_buf *b, int depth, const char *name, const char *value)
{
	size_t n = strlen(name);
	pm_indent(b, depth);
	PUT(b, "<");
	put(b, name, n);
	PUT(b, ">");
	pm_text(b, value ? value : "");
	PUT(b, "</");
	put(b, name, n);
	PUT(b, ">\n");
}

static void
pm_data_open(struct er_xml_buf *b, const char *name)
{
	pm_indent(b, PM_DEPTH + 2);
	PUT(b, "<Data name=\"");
	pm_text(b, name);
	PUT(b, "\">\n");
	pm_indent(b, PM_DEPTH + 3);
	PUT(b, "<value>");
}

static void
pm_data_close(struct er_xml_buf *b)
{
	PUT(b, "</value>\n");
	pm_indent(b, PM_DEPTH + 2);
	PUT(b, "</Data>\n");
}

static void
pm_data(struct er_xml_buf *b, const char *name, const char *value)
{
	pm_data_open(b, name);
	pm_text(b, value ? value : "");
	pm_data_close(b);
}

/* One field of every person, joined with sep. */
static void
pm_data_join(struct er_xml_buf *b, const char *name,
             const struct er_xhousehold *h, size_t off, const char *sep)
{
	size_t n = strlen(sep);
	pm_data_open(b, name);
	for (size_t i = 0; i < h->npersons; i++) {
		const char *v =
		    *(const char *const *)((const char *)&h->persons[i] + off);
		if (i)
			put(b, sep, n);
		pm_text(b, v ? v : "");
	}
	pm_data_close(b);
}

/* The balloon's HTML as the content of <description>: its tags escaped
 * once (for XML), its values twice (for HTML, then XML). */
static void
household_html(struct er_xml_buf *b, const struct er_xhousehold *h)
{
	PUT(b, "&lt;b&gt;世帯 ");
	pm_long(b, h->number);
	PUT(b, "&lt;/b&gt;（未支援 ");
	pm_long(b, (long)h->npersons);
	PUT(b, " 人）");
	if (h->address && h->address[0]) {
		PUT(b, "&lt;br&gt;住所: ");
		pm_html(b, h->address);
	}
	for (size_t i = 0; i < h->npersons; i++) {
		const struct er_xperson *p = &h->persons[i];
		PUT(b, "&lt;br&gt;&lt;br&gt;");
		pm_long(b, (long)i + 1);
		PUT(b, ". &lt;b&gt;");
		pm_html(b, p->name);
		PUT(b, "&lt;/b&gt;");
		if (p->kana && p->kana[0]) {
			PUT(b, "（");
			pm_html(b, p->kana);
			PUT(b, "）");
		}
		if (p->age >= 0) {
			PUT(b, " ");
			pm_long(b, p->age);
			PUT(b, " 歳");
		}
		if (i && p->address && p->address[0] &&
		    (!h->address || strcmp(p->address, h->address) != 0)) {
			PUT(b, "&lt;br&gt;住所: ");
			pm_html(b, p->address);
		}
		if (p->reason_labels && p->reason_labels[0]) {
			PUT(b, "&lt;br&gt;要支援事由: ");
			pm_html(b, p->reason_labels);
		}
		if (p->mobility_label && p->mobility_label[0]) {
			PUT(b, "&lt;br&gt;移動: ");
			pm_html(b, p->mobility_label);
		}
		if (p->phone && p->phone[0]) {
			PUT(b, "&lt;br&gt;電話: ");
			pm_html(b, p->phone);
		}
	}
}

struct hh_ctx {
	struct kml *k;
	long households, registrants;
};

/* A household's placemark, appended to b: on the thread that reads the
 * households, so it touches nothing but the style and b. */
static void
format_household(const struct er_xhousehold *h, const void *fud,
                 struct er_xml_buf *b)
{
	const struct er_style *style = fud;
	char num[24], persons[24];
	ltoa10(num, h->number);
	ltoa10(persons, (long)h->npersons);
	pm_indent(b, PM_DEPTH);
	PUT(b, "<Placemark id=\"hh");
	pm_long(b, h->number);
	PUT(b, "\">\n");
	pm_elem(b, PM_DEPTH + 1, "name", num);
	if (h->address && h->address[0])
		pm_elem(b, PM_DEPTH + 1, "address", h->address);

	pm_indent(b, PM_DEPTH + 1);
	PUT(b, "<description>");
	household_html(b, h);
	PUT(b, "</description>\n");

	struct props pr = {0};
	prop_set(&pr, "mobility", h->mobility);
	prop_set(&pr, "number", num);
	prop_set(&pr, "persons", persons);
	prop_set(&pr, "household_id", h->household_id);
	char ref[100];
	if (style_ref(style, "household", &pr, ref, sizeof ref))
		pm_elem(b, PM_DEPTH + 1, "styleUrl", ref);

	pm_indent(b, PM_DEPTH + 1);
	PUT(b, "<ExtendedData>\n");
	pm_data(b, "number", num);
	pm_data(b, "household_id", h->household_id);
	pm_data(b, "persons", persons);
	pm_data_join(b, "registrant_ids", h, offsetof(struct er_xperson, id),
	             ";");
	pm_data_join(b, "names", h, offsetof(struct er_xperson, name), " / ");
	pm_data_join(b, "kana", h, offsetof(struct er_xperson, kana), " / ");
	pm_data_open(b, "ages");
	for (size_t i = 0; i < h->npersons; i++) {
		if (i)
			PUT(b, " / ");
		if (h->persons[i].age >= 0)
			pm_long(b, h->persons[i].age);
	}
	pm_data_close(b);
	pm_data_join(b, "reasons", h,
	             offsetof(struct er_xperson, reason_labels), " / ");
	pm_data_join(b, "mobility", h,
	             offsetof(struct er_xperson, mobility_label), " / ");
	pm_data_join(b, "phones", h, offsetof(struct er_xperson, phone),
	             " / ");
	pm_indent(b, PM_DEPTH + 1);
	PUT(b, "</ExtendedData>\n");
	pm_indent(b, PM_DEPTH + 1);
	PUT(b, "<Point>\n");
	char co[64];
	coord(co, sizeof co, h->lon, h->lat);
	pm_elem(b, PM_DEPTH + 2, "coordinates", co);
	pm_indent(b, PM_DEPTH + 1);
	PUT(b, "</Point>\n");
	pm_indent(b, PM_DEPTH);
	PUT(b, "</Placemark>\n");
}

/* Writes the placemark format_household() made. */
static enum er_code
write_household(const struct er_xhousehold *h, void *ud, struct er_error *err)
{
	struct hh_ctx *c = ud;
	struct kml *k = c->k;
	if (xmlTextWriterWriteRawLen(k->w, (const xmlChar *)h->text,
	                             (int)h->text_len) < 0)
		k->bad = 1;
	c->households++;
	c->registrants += (long)h->npersons;
	return k->bad ? er_fail(err, ER_EIO, NULL, "cannot write the KML")
	              : ER_OK;
}

static const char *
shelter_kind_label(const char *kind)
{
	if (kind && !strcmp(kind, "designated"))
		return "指定避難所";
	if (kind && !strcmp(kind, "emergency"))
		return "指定緊急避難場所";
	return kind ? kind : "";
}

static enum er_code
write_shelter(const struct er_xshelter *s, void *ud, struct er_error *err)
{
	struct kml *k = ud;
	char cap[24] = "";
	if (s->capacity >= 0)
		snprintf(cap, sizeof cap, "%ld", s->capacity);
	start(k, "Placemark");
	elem(k, "name", s->name);
	if (s->address && s->address[0])
		elem(k, "address", s->address);
	struct er_xml_buf b = {0};
	html(&b, shelter_kind_label(s->kind));
	if (s->address && s->address[0]) {
		er_xml_buf_puts(&b, "<br>住所: ");
		html(&b, s->address);
	}
	if (cap[0])
		bufp(&b, "<br>収容人数: %s 人", cap);
	if (s->hazards && s->hazards[0]) {
		er_xml_buf_puts(&b, "<br>対応する災害: ");
		html(&b, s->hazards);
	}
	elem_buf(k, "description", &b);
	er_xml_buf_finish(&b);
	struct props pr = {0};
	prop_set(&pr, "kind", s->kind);
	prop_set(&pr, "name", s->name);
	prop_set(&pr, "capacity", cap[0] ? cap : NULL);
	style_url(k, "shelter", &pr);
	start(k, "ExtendedData");
	data(k, "shelter_id", s->id);
	data(k, "kind", s->kind);
	data(k, "capacity", cap);
	data(k, "address", s->address);
	data(k, "hazards", s->hazards);
	end(k);
	point(k, s->lon, s->lat);
	end(k);
	if (k->nomem)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	return k->bad ? er_fail(err, ER_EIO, NULL, "cannot write the KML")
	              : ER_OK;
}

/* Writes the district document into f. */
static enum er_code
write_district(struct er_register *reg, struct kml *k, FILE *f,
               const struct er_xdistrict *d, const char *date, const char *path,
               long *nreg, long *nhh, struct er_error *err)
{
	struct tally t = {d->shown_households, d->shown};
	enum er_code rc;
	if ((rc = kml_begin(k, f, err)))
		return rc;
	start(k, "Document");
	attr(k, "id", "district");
	district_header(k, d, &t, date);
	layer_styles(k, "district");
	layer_styles(k, "household");
	layer_styles(k, "shelter");
	district_data(k, d, &t, date);

	start(k, "Folder");
	elem(k, "name", "地区境界");
	start(k, "Placemark");
	attr(k, "id", "boundary");
	char name[512];
	snprintf(name, sizeof name, "%s %s", d->code, d->name);
	elem(k, "name", name);
	struct props pr = {0};
	prop_set(&pr, "code", d->code);
	prop_set(&pr, "name", d->name);
	style_url(k, "district", &pr);
	start(k, "ExtendedData");
	data(k, "code", d->code);
	data(k, "name", d->name);
	data(k, "association_code", d->association_code);
	end(k);
	mpoly(k, &d->shape);
	end(k);
	end(k);

	start(k, "Folder");
	elem(k, "name", "未支援世帯");
	elem(k, "open", "1");
	struct hh_ctx c = {.k = k};
	rc = er_x_households_fmt(reg, d, format_household, k->style,
	                         write_household, &c, err);
	if (rc)
		goto fail;
	/* after raw text the writer does not indent the end tag itself */
	if (c.households && xmlTextWriterWriteRaw(k->w, (const xmlChar *)"  ") < 0)
		k->bad = 1;
	end(k);

	start(k, "Folder");
	elem(k, "name", "避難所");
	double mlat = SHELTER_MARGIN_M / 111320.0;
	double mlon = mlat / cos((d->miny + d->maxy) / 2 * M_PI / 180);
	rc = er_x_shelters(reg, d->minx - mlon, d->miny - mlat, d->maxx + mlon,
	                   d->maxy + mlat, write_shelter, k, err);
	if (rc)
		goto fail;
	end(k);
	end(k); /* Document */
	if ((rc = kml_end(k, path, err)))
		return rc;
	/* the numbers written are what was counted: same transaction */
	if (c.households != t.households || c.registrants != t.registrants)
		return er_fail(err, ER_EDB, path,
		               "households changed while being written");
	*nreg = c.registrants;
	*nhh = c.households;
	return ER_OK;
fail:
	kml_discard(k);
	return rc;
}

/* ---- index.kml ---------------------------------------------------------*/

struct index_ctx {
	struct kml *k;
	char **codes; /* districts with a file, sorted */
	size_t ncodes;
	int links; /* pass: 1 NetworkLinks, 0 rate polygons */
};

static int
has_file(const struct index_ctx *x, const char *code)
{
	for (size_t i = 0; i < x->ncodes; i++)
		if (!strcmp(x->codes[i], code))
			return 1;
	return 0;
}

static enum er_code
index_rate(const struct er_xrate *r, void *ud, struct er_error *err)
{
	struct index_ctx *x = ud;
	struct kml *k = x->k;
	char name[512], href[300], rate[16], regs[24], asg[24];
	snprintf(name, sizeof name, "%s %s", r->code, r->name ? r->name : "");
	if (x->links) {
		if (!has_file(x, r->code))
			return ER_OK;
		snprintf(href, sizeof href, "%s.%s", r->code,
		         k->opt->kmz ? "kmz" : "kml");
		start(k, "NetworkLink");
		elem(k, "name", name);
		elem(k, "visibility", "0");
		start(k, "Link");
		elem(k, "href", href);
		end(k);
		end(k);
		return k->bad ? er_fail(err, ER_EIO, NULL, "cannot write")
		              : ER_OK;
	}
	rate_text(rate, sizeof rate, r->assigned, r->registrants);
	snprintf(regs, sizeof regs, "%ld", r->registrants);
	snprintf(asg, sizeof asg, "%ld", r->assigned);
	struct er_mpoly mp;
	enum er_code rc = er_mpoly_from_wkb(r->wkb, r->wkb_len, &mp, err);
	if (rc)
		return rc;
	start(k, "Placemark");
	elem(k, "name", name);
	struct er_xml_buf b = {0};
	if (r->registrants)
		bufp(&b, "登録者 %ld 人、支援者あり %ld 人、支援率 %s%%",
		     r->registrants, r->assigned, rate);
	else
		er_xml_buf_puts(&b, "登録者なし");
	elem_buf(k, "description", &b);
	er_xml_buf_finish(&b);
	struct props pr = {0};
	prop_set(&pr, "code", r->code);
	prop_set(&pr, "registrants", regs);
	prop_set(&pr, "assigned", asg);
	prop_set(&pr, "support_rate", rate[0] ? rate : NULL);
	style_url(k, "coverage", &pr);
	start(k, "ExtendedData");
	data(k, "code", r->code);
	data(k, "name", r->name);
	data(k, "association_code", r->association_code);
	data(k, "registrants", regs);
	data(k, "assigned", asg);
	dataf(k, "unassigned", "%ld", r->registrants - r->assigned);
	data(k, "support_rate", rate);
	end(k);
	mpoly(k, &mp);
	end(k);
	er_mpoly_finish(&mp);
	if (k->nomem)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	return k->bad ? er_fail(err, ER_EIO, NULL, "cannot write") : ER_OK;
}

static enum er_code
write_index(struct er_register *reg, struct kml *k, FILE *f, char **codes,
            const long *regs, const long *asg, size_t ncodes,
            const char *date, const char *path, struct er_error *err)
{
	enum er_code rc = kml_begin(k, f, err);
	if (rc)
		return rc;
	int disaster = k->opt->mode == ER_MODE_DISASTER;
	start(k, "Document");
	attr(k, "id", "index");
	elemf(k, "name", "%s未支援世帯地図 地区一覧",
	      disaster ? DISASTER_MARK : "");
	elem(k, "open", "1");
	struct er_xml_buf b = {0};
	if (disaster)
		er_xml_buf_puts(&b,
		                "<p><b>" DISASTER_MARK "</b> "
		                "地区ファイルには同意の有無にかかわらず全ての"
		                "未支援の方が含まれます。</p>");
	bufp(&b,
	     "<p>地区ごとの支援率（支援者のいる登録者の割合）。"
	     "地区ファイルは「地区ファイル」から開けます。"
	     "<br>データ時点 %s</p>",
	     date[0] ? date : "-");
	elem_buf(k, "description", &b);
	er_xml_buf_finish(&b);
	layer_styles(k, "coverage");
	struct index_ctx x = {.k = k, .codes = codes, .ncodes = ncodes};
	start(k, "Folder");
	elem(k, "name", "支援率");
	elem(k, "open", "1");
	if ((rc = er_x_district_rates_known(reg, codes, regs, asg, ncodes,
	                                    index_rate, &x, err)))
		goto fail;
	end(k);
	start(k, "Folder");
	elem(k, "name", "地区ファイル");
	x.links = 1;
	if ((rc = er_x_district_rates(reg, 0, index_rate, &x, err)))
		goto fail;
	end(k);
	end(k);
	return kml_end(k, path, err);
fail:
	kml_discard(k);
	return rc;
}

/* ---- files -------------------------------------------------------------*/

struct job {
	struct er_register *reg;
	const struct er_kml_options *opt;
	struct kml k;
	struct pending *pending;
	size_t npending;
	struct er_export_result *res;
	struct er_error *err;
	char date[11]; /* the register's data date */
	/* --all: each district's figures as written, by code, for the
	 * index (so it need not count the register again) */
	long *registrants, *assigned;
};

static struct pending *
pending_add(struct job *j)
{
	struct pending *p =
	    er_realloc(j->pending, (j->npending + 1) * sizeof *p);
	if (!p)
		return NULL;
	j->pending = p;
	memset(&p[j->npending], 0, sizeof *p);
	return &p[j->npending++];
}

static enum er_code
close_file(FILE *f, const char *tmp, const char *dst, struct er_error *err)
{
	int bad = fflush(f) != 0 || ferror(f);
	int e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		unlink(tmp);
		return er_fail(err, ER_EIO, dst, "cannot write: %s",
		               strerror(e));
	}
	return ER_OK;
}

/* Zips the KML at kml_tmp and the icons into the KMZ at zip_tmp:
 * doc.kml first, as Google Earth expects, icons under files/. */
static enum er_code
zip_kmz(struct job *j, const char *kml_tmp, const char *zip_tmp,
        const char *dst)
{
	int ze = 0;
	zip_t *za = zip_open(zip_tmp, ZIP_TRUNCATE, &ze);
	if (!za) {
		zip_error_t e;
		zip_error_init_with_code(&e, ze);
		enum er_code rc =
		    er_fail(j->err, ER_EIO, dst, "cannot create the KMZ: %s",
		            zip_error_strerror(&e));
		zip_error_fini(&e);
		return rc;
	}
	zip_source_t *src = zip_source_file(za, kml_tmp, 0, -1);
	if (!src || zip_file_add(za, "doc.kml", src, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(src);
		goto fail;
	}
	for (size_t i = 0; i < j->k.nicons; i++) {
		src = zip_source_file(za, j->k.icons[i].path, 0, -1);
		if (!src || zip_file_add(za, j->k.icons[i].name, src,
		                         ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(src);
			goto fail;
		}
	}
	if (zip_close(za) < 0)
		goto fail;
	/* libzip writes through its own temporary file: keep 0600 */
	if (chmod(zip_tmp, 0600) != 0)
		return er_fail(j->err, ER_EIO, dst, "cannot chmod: %s",
		               strerror(errno));
	return ER_OK;
fail:;
	enum er_code rc = er_fail(j->err, ER_EIO, dst,
	                          "cannot write the KMZ: %s", zip_strerror(za));
	zip_discard(za);
	return rc;
}

static void
icons_clear(struct kml *k)
{
	for (size_t i = 0; i < k->nicons; i++) {
		er_free(k->icons[i].path);
		er_free(k->icons[i].name);
	}
	ER_FREE(k->icons);
	k->nicons = 0;
}

/* Copies the icons a plain KML file uses into files/ beside it, so the
 * folder can be handed over as it is (a KMZ carries them inside).
 * Icons already there with the same size are left alone. */
static enum er_code
copy_icons(struct job *j, const char *dst)
{
	struct er_error *err = j->err;
	if (!j->k.nicons)
		return ER_OK;
	const char *slash = strrchr(dst, '/');
	char dir[4200];
	if (slash)
		snprintf(dir, sizeof dir, "%.*s/files", (int)(slash - dst), dst);
	else
		snprintf(dir, sizeof dir, "files");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return er_fail(err, ER_EIO, dir, "cannot create: %s",
		               strerror(errno));
	for (size_t i = 0; i < j->k.nicons; i++) {
		char out[4400], tmp[4500];
		struct stat a, b;
		snprintf(out, sizeof out, "%s/%s", dir,
		         j->k.icons[i].name + strlen("files/"));
		if (stat(j->k.icons[i].path, &a) == 0 && stat(out, &b) == 0 &&
		    a.st_size == b.st_size)
			continue;
		FILE *in = fopen(j->k.icons[i].path, "rb");
		if (!in)
			return er_fail(err, ER_EIO, j->k.icons[i].path,
			               "cannot read: %s", strerror(errno));
		FILE *f = er_output_open(out, tmp, sizeof tmp, err);
		if (!f) {
			fclose(in);
			return err ? err->code : ER_EIO;
		}
		char buf[8192];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, in)) > 0)
			fwrite(buf, 1, n, f);
		fclose(in);
		enum er_code rc = er_output_commit(f, tmp, out, err);
		if (rc)
			return rc;
	}
	return ER_OK;
}

/* Writes one file (a district's or the index) to a temporary name,
 * zipped when --kmz, and records its audit row. */
static enum er_code
write_file(struct job *j, const char *dst, const struct er_xdistrict *d,
           char **codes, size_t ncodes)
{
	struct er_error *err = j->err;
	struct pending *p = pending_add(j);
	if (!p)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	snprintf(p->dst, sizeof p->dst, "%s", dst);
	int kmz = j->opt->kmz && d;
	char kml_tmp[4200];
	FILE *f = er_output_open(dst, kml_tmp, sizeof kml_tmp, err);
	if (!f) {
		j->npending--;
		return err ? err->code : ER_EIO;
	}
	icons_clear(&j->k);
	long nreg = 0, nhh = 0;
	enum er_code rc =
	    d ? write_district(j->reg, &j->k, f, d, j->date, dst, &nreg, &nhh,
	                       err)
	      : write_index(j->reg, &j->k, f, codes, j->registrants,
	                    j->assigned, ncodes, j->date, dst, err);
	if (rc) {
		er_output_abort(f, kml_tmp);
		j->npending--;
		return rc;
	}
	if ((rc = close_file(f, kml_tmp, dst, err))) {
		j->npending--;
		return rc;
	}
	if (!kmz) {
		snprintf(p->tmp, sizeof p->tmp, "%s", kml_tmp);
		if ((rc = copy_icons(j, dst))) {
			unlink(kml_tmp);
			j->npending--;
			return rc;
		}
	} else {
		FILE *z = er_output_open(dst, p->tmp, sizeof p->tmp, err);
		if (!z) {
			unlink(kml_tmp);
			j->npending--;
			return err ? err->code : ER_EIO;
		}
		fclose(z);
		rc = zip_kmz(j, kml_tmp, p->tmp, dst);
		unlink(kml_tmp);
		if (rc) {
			unlink(p->tmp);
			j->npending--;
			return rc;
		}
	}
	rc = er_x_audit(j->reg, "export kml", p->tmp, dst, j->opt->mode,
	                j->opt->reason, d ? d->code : NULL, nreg, nhh,
	                kmz ? NULL : j->k.sha_hex, err);
	if (rc)
		return rc; /* the caller removes every pending file */
	j->res->files++;
	j->res->registrants += nreg;
	j->res->households += nhh;
	if (d && j->opt->mode == ER_MODE_NORMAL)
		j->res->withheld += d->withheld;
	return ER_OK;
}

static enum er_code
export_district(struct job *j, const char *code, const char *dst)
{
	struct er_xdistrict d;
	enum er_code rc;
	if ((rc = er_x_district_load(j->reg, code, j->opt->mode, &d, j->err)))
		return rc;
	rc = write_file(j, dst, &d, NULL, 0);
	er_x_district_finish(&d);
	return rc;
}

/* Every district's file, by code. The reading thread reads and formats
 * the households of the districts loaded ahead (up to AHEAD more)
 * while this thread loads the next one and writes the current one.
 * Each district's figures are kept for the index. */
#define AHEAD 2

static enum er_code
export_all(struct job *j, char **codes, size_t ncodes)
{
	struct er_xdistrict d[AHEAD + 1] = {0};
	size_t loaded = 0; /* districts loaded so far, in code order */
	enum er_code rc = ER_OK;
	for (size_t i = 0; i < ncodes && !rc; i++) {
		while (!rc && loaded < ncodes && loaded <= i + AHEAD) {
			struct er_xdistrict *n = &d[loaded % (AHEAD + 1)];
			rc = er_x_district_load(j->reg, codes[loaded],
			                        j->opt->mode, n, j->err);
			if (rc)
				break;
			j->registrants[loaded] = n->registrants;
			j->assigned[loaded] = n->assigned;
			er_x_households_ahead(j->reg, n, format_household,
			                      j->k.style);
			loaded++;
		}
		if (rc)
			break;
		struct er_xdistrict *cur = &d[i % (AHEAD + 1)];
		char *dst = er_asprintf("%s/%s.%s", j->opt->out, codes[i],
		                        j->opt->kmz ? "kmz" : "kml");
		rc = dst ? write_file(j, dst, cur, NULL, 0)
		         : er_fail(j->err, ER_ENOMEM, NULL, "out of memory");
		er_free(dst);
		er_x_district_finish(cur);
	}
	/* on failure, what was loaded and not written */
	er_x_households_cancel(j->reg);
	for (size_t k = 0; k <= AHEAD; k++)
		if (d[k].code)
			er_x_district_finish(&d[k]);
	return rc;
}

static enum er_code
make_folder(const char *dir, struct er_error *err)
{
	struct stat sb;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return er_fail(err, ER_EIO, dir, "cannot create: %s",
		               strerror(errno));
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return er_fail(err, ER_EIO, dir,
		               "is not a folder (--all writes one file per "
		               "district into a folder)");
	return ER_OK;
}

static enum er_code
check_options(const struct er_kml_options *o, struct er_error *err)
{
	if (!o || !o->out || !o->out[0])
		return er_fail(err, ER_EUSAGE, NULL,
		               "an output path is needed (--out)");
	if (!!o->all == !!(o->district && o->district[0]))
		return er_fail(err, ER_EUSAGE, NULL,
		               "give either one district (--district CODE) "
		               "or --all");
	return er_x_check_mode(o->mode, o->reason, err);
}

enum er_code
er_export_kml(struct er_register *reg, const struct er_kml_options *opt,
              struct er_export_result *res, struct er_error *err)
{
	struct er_export_result dummy;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof *res);
	enum er_code rc = check_options(opt, err);
	if (rc)
		return rc;
	const char *sld = opt->style ? opt->style : er_default_style_path();
	if (!sld)
		return er_fail(err, ER_EIO, NULL,
		               "cannot find styles/default.sld; give a style "
		               "with --style or set EVACREG_DATADIR");
	struct er_style *style = er_style_load(sld, err);
	if (!style)
		return err ? err->code : ER_EPARSE;
	struct job j = {
	    .reg = reg,
	    .opt = opt,
	    .k = {.style = style, .opt = opt},
	    .res = res,
	    .err = err,
	};
	char **codes = NULL;
	size_t ncodes = 0;
	if ((rc = er_x_begin(reg, err)))
		goto out;
	er_x_data_date(reg, j.date);
	if (!opt->all) {
		rc = export_district(&j, opt->district, opt->out);
	} else {
		if ((rc = make_folder(opt->out, err)) ||
		    (rc = er_x_district_codes(reg, &codes, &ncodes, err)))
			goto rollback;
		j.registrants = er_calloc(ncodes + 1, sizeof *j.registrants);
		j.assigned = er_calloc(ncodes + 1, sizeof *j.assigned);
		if (!j.registrants || !j.assigned) {
			rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
			goto rollback;
		}
		rc = export_all(&j, codes, ncodes);
		if (!rc) {
			char *dst = er_asprintf("%s/index.kml", opt->out);
			rc = dst ? write_file(&j, dst, NULL, codes, ncodes)
			         : er_fail(err, ER_ENOMEM, NULL,
			                   "out of memory");
			er_free(dst);
		}
	}
	if (!rc)
		rc = er_x_commit(reg, err);
rollback:
	if (rc) {
		er_x_rollback(reg);
		for (size_t i = 0; i < j.npending; i++)
			unlink(j.pending[i].tmp);
		memset(res, 0, sizeof *res);
		goto out;
	}
	/* numbers and audit rows are committed: the files go in place */
	for (size_t i = 0; i < j.npending; i++) {
		FILE *f = fopen(j.pending[i].tmp, "r+b");
		if (!f) {
			if (!rc)
				rc = er_fail(err, ER_EIO, j.pending[i].dst,
				             "cannot reopen %s: %s",
				             j.pending[i].tmp, strerror(errno));
			unlink(j.pending[i].tmp);
			continue;
		}
		enum er_code r2 = er_output_commit(
		    f, j.pending[i].tmp, j.pending[i].dst, rc ? NULL : err);
		if (!rc)
			rc = r2;
	}
out:
	er_x_codes_free(codes, ncodes);
	icons_clear(&j.k);
	er_sha256_free(j.k.sha);
	er_free(j.k.iobuf);
	er_free(j.registrants);
	er_free(j.assigned);
	er_free(j.pending);
	er_style_destroy(style);
	return rc;
}
