/* The printed atlas: per district a map page (Cairo, projected CRS, SLD
 * styles, labels that never overlap) and list pages of its unassigned
 * households (Pango), a cover with the city's support rates, written as
 * PDF, PNG or SVG. The only Cairo/Pango user. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "alloc.h"
#include "crs.h"
#include "export.h"
#include "label.h"
#include "output.h"
#include "style.h"
#include <evacreg/export.h>

#define FONT "Noto Sans CJK JP"
#define MM (72.0 / 25.4)
#define MARGIN (12 * MM)
#define FOOTER_H (12 * MM)
#define HEADER_H (15 * MM)
#define SIDEBAR_W (62 * MM)
#define MAX_RULES 16
#define DEFAULT_TITLE "避難行動要支援者 未支援世帯地図"
/* household numbers are below 1 << 22: 7 digits at most */
#define NUM_GLYPHS 7

/* SLD sizes are pixels at 96 dpi; pages are in points. */
#define PX 0.75
/* No household's number further than this from it: a longer leader is
 * hard to follow, and the search for room grows with its square. Every
 * page of the demo atlas and of the tests needs far less (the 200
 * households within 50 m of tests/unit/test_label.c need 58 mm); what
 * finds no room is counted in the sidebar and is in the list. */
#define MAX_LEADER (60 * MM)

/* ---- collected data --------------------------------------------------*/

/* A household on the map: where, its number and its style. The map
 * needs all of a district's at once (labels are placed together), so
 * a district's households are held, this much each; their people are
 * not: list pages stream them from er_x_households(). */
struct lhh {
	long number;
	double x, y; /* projected */
	char mobility[16];
};

/* One person of a list row, borrowed from er_x_households(). */
struct lperson {
	const char *name, *kana, *reasons, *mobility, *phone;
	int age;
};

/* One household of the list pages, borrowed for one callback. */
struct lrow {
	long number;
	const char *address;
	size_t np;
	const struct lperson *p;
};

/* One district as drawn: figures, projected shape, households. */
struct dist {
	struct er_xdistrict d;
	struct lhh *hh;
	size_t nhh, caphh;
	struct er_mpoly proj; /* the shape in the register's CRS */
	double pminx, pminy, pmaxx, pmaxy;
	int oom;
	struct er_crs_tf *tf;
};

/* The table of contents: one row per district of the document. */
struct toc {
	char *code, *name, *assoc;
	long unassigned_households, shown_households;
	long rate; /* er_rate(): tenths of a percent, -1 none */
	int page;
	int list_pages;
};

struct outfile {
	FILE *f;
	char tmp[4200];
	char dst[4200];
};

struct doc {
	struct er_register *reg;
	const struct er_atlas_options *opt;
	struct er_style *style;
	struct er_crs_tf *tf;
	char crs_id[64], crs_name[256];
	char data_date[11], export_time[32];
	const char *title;
	char *recipient; /* footer: association of this document */
	struct er_error *err;
	enum er_code rc;

	/* pages */
	int draw; /* 0 while counting pages */
	int page, npages;
	double pw, ph;
	const char *page_assoc; /* footer of the current page */

	/* output */
	const char *out; /* path given (PDF) or base name */
	char base[4200]; /* PNG/SVG: out without extension */
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoFontMap *fontmap;
	PangoContext *pango;
	struct outfile *files;
	size_t nfiles, capfiles;
	struct outfile *cur; /* the PDF, or the page's PNG/SVG */

	/* this document's districts */
	char **codes;
	size_t ncodes;
	struct toc *toc;
	int cover_pages;
	long registrants, households; /* written, for audit and result */
	long withheld;

	double *cullpt; /* wkb_points' points, when culled */
	size_t capcull;

	struct {
		char *path;
		cairo_surface_t *img;
	} icons[16];
	size_t nicons;

	/* rules drawn on this page: the legend shows only those (and all
	 * of the district and neighbour layers) */
	const struct er_rule *used[128];
	size_t nused;
	int highlight; /* cover: outline this document's districts */

	/* household numbers in bold numfont, by number (w < 0: not yet
	 * known): their sizes and, when Pango shaped them as one run of
	 * one glyph per digit in numsf, the glyphs as Pango would draw
	 * them (ng 0: drawn by Pango). Numbers repeat from district to
	 * district, and a layout for each costs more than the page's
	 * label placement; drawing them all in one cairo_show_glyphs
	 * call costs far less than a layout each. */
	struct numsz {
		double w, h;
		int ng;
		unsigned glyph[NUM_GLYPHS];
		double gx[NUM_GLYPHS], gy; /* from the box's top left */
	} * numsz;
	size_t nnumsz;
	double numfont;
	cairo_scaled_font_t *numsf;
};

static void
mark_used(struct doc *d, const struct er_rule **rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < d->nused && d->used[k] != rules[i])
			k++;
		if (k == d->nused && d->nused < 128)
			d->used[d->nused++] = rules[i];
	}
}

static int
was_used(const struct doc *d, const struct er_rule *r)
{
	for (size_t k = 0; k < d->nused; k++)
		if (d->used[k] == r)
			return 1;
	return 0;
}

static enum er_code
nomem(struct doc *d)
{
	if (!d->rc)
		d->rc = er_fail(d->err, ER_ENOMEM, NULL, "out of memory");
	return d->rc;
}

static void
paper_size(const struct doc *d, int landscape, double *w, double *h)
{
	double a = 210 * MM, b = 297 * MM;
	if (d->opt->paper == ER_PAPER_A3) {
		a = 297 * MM;
		b = 420 * MM;
	}
	*w = landscape ? b : a;
	*h = landscape ? a : b;
}

/* ---- text ------------------------------------------------------------*/

enum align { LEFT, CENTER, RIGHT };

static PangoLayout *
layout_new(struct doc *d, const char *s, double size, int bold, double width)
{
	PangoLayout *l = pango_layout_new(d->pango);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, FONT);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD
	                                           : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_text(l, s ? s : "", -1);
	return l;
}

static void
layout_size(PangoLayout *l, double *w, double *h)
{
	int iw, ih;
	pango_layout_get_size(l, &iw, &ih);
	*w = (double)iw / PANGO_SCALE;
	*h = (double)ih / PANGO_SCALE;
}

/* Draws s in a box of width w at (x, y) (top); returns its height.
 * Nothing is drawn while counting. */
static double
text(struct doc *d, double x, double y, double w, const char *s, double size,
     int bold, enum align al)
{
	PangoLayout *l = layout_new(d, s, size, bold, w);
	if (al != LEFT)
		pango_layout_set_alignment(l, al == CENTER ? PANGO_ALIGN_CENTER
		                                           : PANGO_ALIGN_RIGHT);
	double tw, th;
	layout_size(l, &tw, &th);
	if (d->draw) {
		cairo_move_to(d->cr, x, y);
		pango_cairo_show_layout(d->cr, l);
	}
	g_object_unref(l);
	return th;
}

/* Text with a halo (a filled box), for labels on the map. */
static void
text_halo(struct doc *d, double x, double y, const char *s, double size,
          const struct er_color *fg, const struct er_color *halo, double r)
{
	PangoLayout *l = layout_new(d, s, size, 0, 0);
	cairo_t *cr = d->cr;
	if (halo) {
		cairo_move_to(cr, x, y);
		pango_cairo_layout_path(cr, l);
		cairo_set_source_rgba(cr, halo->r, halo->g, halo->b, halo->a);
		cairo_set_line_width(cr, 2 * r);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		cairo_stroke(cr);
	}
	cairo_set_source_rgba(cr, fg->r, fg->g, fg->b, fg->a);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
}

/* ---- pages and files -------------------------------------------------*/

static cairo_status_t
write_stream(void *closure, const unsigned char *data, unsigned int len)
{
	FILE *f = closure;
	return fwrite(data, 1, len, f) == len ? CAIRO_STATUS_SUCCESS
	                                      : CAIRO_STATUS_WRITE_ERROR;
}

static struct outfile *
open_file(struct doc *d, const char *dst)
{
	if (d->nfiles == d->capfiles) {
		size_t c = d->capfiles ? d->capfiles * 2 : 8;
		struct outfile *x = er_realloc(d->files, c * sizeof *x);
		if (!x) {
			nomem(d);
			return NULL;
		}
		d->files = x;
		d->capfiles = c;
	}
	struct outfile *o = &d->files[d->nfiles];
	memset(o, 0, sizeof *o);
	snprintf(o->dst, sizeof o->dst, "%s", dst);
	o->f = er_output_open(dst, o->tmp, sizeof o->tmp, d->err);
	if (!o->f) {
		d->rc = d->err ? d->err->code : ER_EIO;
		return NULL;
	}
	d->nfiles++;
	return o;
}

static enum er_code
cairo_check(struct doc *d, cairo_status_t st, const char *what)
{
	if (st == CAIRO_STATUS_SUCCESS || d->rc)
		return d->rc;
	if (st == CAIRO_STATUS_NO_MEMORY)
		return nomem(d);
	if (st == CAIRO_STATUS_WRITE_ERROR)
		return d->rc =
		           er_fail(d->err, ER_EIO, d->cur ? d->cur->dst : NULL,
		                   "write failed");
	return d->rc = er_fail(d->err, ER_ERENDER, d->cur ? d->cur->dst : NULL,
	                       "cannot draw %s: %s", what,
	                       cairo_status_to_string(st));
}

static void footer(struct doc *d);

/* Starts a page of w x h points; while counting only numbers it. */
static enum er_code
page_begin(struct doc *d, double w, double h)
{
	d->page++;
	d->pw = w;
	d->ph = h;
	if (!d->draw || d->rc)
		return d->rc;
	enum er_page_format fmt = d->opt->format;
	if (fmt == ER_PAGES_PDF) {
		if (!d->surface) {
			d->cur = open_file(d, d->out);
			if (!d->cur)
				return d->rc;
			d->surface = cairo_pdf_surface_create_for_stream(
			    write_stream, d->cur->f, w, h);
			cairo_pdf_surface_set_metadata(
			    d->surface, CAIRO_PDF_METADATA_TITLE, d->title);
			cairo_pdf_surface_set_metadata(
			    d->surface, CAIRO_PDF_METADATA_CREATOR, "evacreg");
			/* Cairo stamps the wall clock otherwise */
			if (getenv("SOURCE_DATE_EPOCH")) {
				char iso[24];
				er_export_time_iso(iso);
				cairo_pdf_surface_set_metadata(
				    d->surface, CAIRO_PDF_METADATA_CREATE_DATE,
				    iso);
				cairo_pdf_surface_set_metadata(
				    d->surface, CAIRO_PDF_METADATA_MOD_DATE, iso);
			}
			d->cr = cairo_create(d->surface);
		} else {
			cairo_pdf_surface_set_size(d->surface, w, h);
		}
	} else {
		char dst[4300];
		snprintf(dst, sizeof dst, "%s-%d.%s", d->base, d->page,
		         fmt == ER_PAGES_PNG ? "png" : "svg");
		d->cur = open_file(d, dst);
		if (!d->cur)
			return d->rc;
		if (fmt == ER_PAGES_PNG) {
			double dpi =
			    d->opt->png_dpi > 0 ? d->opt->png_dpi : 150;
			d->surface = cairo_image_surface_create(
			    CAIRO_FORMAT_RGB24, (int)ceil(w * dpi / 72),
			    (int)ceil(h * dpi / 72));
			d->cr = cairo_create(d->surface);
			cairo_scale(d->cr, dpi / 72, dpi / 72);
		} else {
			d->surface = cairo_svg_surface_create_for_stream(
			    write_stream, d->cur->f, w, h);
			d->cr = cairo_create(d->surface);
		}
	}
	if (cairo_check(d, cairo_status(d->cr), "the page"))
		return d->rc;
	cairo_save(d->cr);
	cairo_set_source_rgb(d->cr, 1, 1, 1);
	cairo_paint(d->cr);
	cairo_restore(d->cr);
	return ER_OK;
}

static enum er_code
page_end(struct doc *d)
{
	if (!d->draw || d->rc)
		return d->rc;
	footer(d);
	enum er_page_format fmt = d->opt->format;
	if (fmt == ER_PAGES_PDF) {
		cairo_show_page(d->cr);
		return cairo_check(d, cairo_status(d->cr), "the page");
	}
	if (fmt == ER_PAGES_PNG) {
		cairo_surface_flush(d->surface);
		cairo_status_t st = cairo_surface_write_to_png_stream(
		    d->surface, write_stream, d->cur->f);
		cairo_check(d, st, "the PNG");
	} else {
		cairo_surface_finish(d->surface);
		cairo_check(d, cairo_surface_status(d->surface), "the SVG");
	}
	cairo_destroy(d->cr);
	cairo_surface_destroy(d->surface);
	d->cr = NULL;
	d->surface = NULL;
	if (!d->rc && fflush(d->cur->f) != 0)
		d->rc = er_fail(d->err, ER_EIO, d->cur->dst, "write failed: %s",
		                strerror(errno));
	return d->rc;
}

/* Ends the PDF (every page written). */
static enum er_code
doc_finish(struct doc *d)
{
	if (d->surface) {
		cairo_surface_finish(d->surface);
		cairo_check(d, cairo_surface_status(d->surface), "the PDF");
		cairo_destroy(d->cr);
		cairo_surface_destroy(d->surface);
		d->cr = NULL;
		d->surface = NULL;
		if (!d->rc && fflush(d->cur->f) != 0)
			d->rc = er_fail(d->err, ER_EIO, d->cur->dst,
			                "write failed: %s", strerror(errno));
	}
	return d->rc;
}

static void
footer(struct doc *d)
{
	cairo_t *cr = d->cr;
	double y = d->ph - MARGIN - FOOTER_H + 3 * MM;
	double w = d->pw - 2 * MARGIN;
	cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, MARGIN, y - 1.5 * MM);
	cairo_line_to(cr, d->pw - MARGIN, y - 1.5 * MM);
	cairo_stroke(cr);
	char assoc[512], mode[512], when[128], page[64];
	const char *a = d->page_assoc ? d->page_assoc : d->recipient;
	snprintf(assoc, sizeof assoc, "提供先: %s", a ? a : "（町内会なし）");
	if (d->opt->mode == ER_MODE_DISASTER)
		snprintf(mode, sizeof mode, "災害時提供（理由: %s）",
		         d->opt->reason ? d->opt->reason : "");
	else
		snprintf(mode, sizeof mode, "平常時提供（同意者のみ）");
	snprintf(when, sizeof when, "出力 %s", d->export_time);
	snprintf(page, sizeof page, "%d / %d", d->page, d->npages);
	/* two lines: the notice and the mode, then the recipient and the
	 * time; the page number on the right */
	cairo_set_source_rgb(cr, 0.8, 0, 0);
	double lh =
	    text(d, MARGIN, y, 30 * MM, "取扱注意／個人情報", 8, 1, LEFT);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(d, MARGIN + 30 * MM, y, w - 55 * MM, mode, 8,
	     d->opt->mode == ER_MODE_DISASTER, LEFT);
	text(d, MARGIN, y + lh, w - 75 * MM, assoc, 8, 0, LEFT);
	text(d, MARGIN + w - 70 * MM, y + lh, 70 * MM, when, 8, 0, RIGHT);
	text(d, MARGIN + w - 25 * MM, y, 25 * MM, page, 9, 1, RIGHT);
}

/* ---- style helpers ---------------------------------------------------*/

struct props {
	const char *keys[6];
	const char *values[6];
	size_t n;
};

static const char *
prop_get(const char *name, void *ud)
{
	const struct props *p = ud;
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->keys[i], name) == 0)
			return p->values[i];
	return NULL;
}

static void
props_add(struct props *p, const char *k, const char *v)
{
	if (p->n < 6) {
		p->keys[p->n] = k;
		p->values[p->n] = v;
		p->n++;
	}
}

static size_t
match(struct doc *d, const char *layer, struct props *p,
      const struct er_rule **rules)
{
	const struct er_style_layer *l = er_style_layer(d->style, layer);
	if (!l)
		return 0;
	return er_style_match(l, prop_get, p, 0, rules, MAX_RULES);
}

static void
set_color(cairo_t *cr, const struct er_color *c)
{
	cairo_set_source_rgba(cr, c->r, c->g, c->b, c->a);
}

static void
set_stroke(cairo_t *cr, const struct er_symbolizer *s, double scale)
{
	set_color(cr, &s->stroke);
	double w = (s->stroke_width > 0 ? s->stroke_width : 1) * PX * scale;
	cairo_set_line_width(cr, w);
	double dash[8];
	for (size_t i = 0; i < s->ndash && i < 8; i++)
		dash[i] = s->dash[i] * PX * scale;
	cairo_set_dash(cr, dash, (int)(s->ndash < 8 ? s->ndash : 8), 0);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
}

/* Fills and strokes the current path with the line and polygon
 * symbolizers of the rules. */
static void
paint_path(cairo_t *cr, const struct er_rule **rules, size_t n, int polygon,
           double scale)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < rules[i]->nsyms; k++) {
			const struct er_symbolizer *s = &rules[i]->syms[k];
			if (s->kind == ER_SYM_POLYGON && polygon &&
			    s->has_fill) {
				set_color(cr, &s->fill);
				cairo_fill_preserve(cr);
			}
			if ((s->kind == ER_SYM_POLYGON ||
			     s->kind == ER_SYM_LINE) &&
			    s->has_stroke) {
				set_stroke(cr, s, scale);
				cairo_stroke_preserve(cr);
			}
		}
	cairo_new_path(cr);
	cairo_set_dash(cr, NULL, 0, 0);
}

/* An icon from the style (a PNG file), loaded once per document; NULL
 * when it cannot be read (a URL, a missing file): the mark is drawn. */
static cairo_surface_t *
icon_get(struct doc *d, const char *path)
{
	for (size_t i = 0; i < d->nicons; i++)
		if (strcmp(d->icons[i].path, path) == 0)
			return d->icons[i].img;
	cairo_surface_t *img = cairo_image_surface_create_from_png(path);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		img = NULL;
	}
	if (d->nicons < sizeof d->icons / sizeof d->icons[0]) {
		char *p = er_strdup(path);
		if (p) {
			d->icons[d->nicons].path = p;
			d->icons[d->nicons].img = img;
			d->nicons++;
			return img;
		}
	}
	if (img)
		cairo_surface_destroy(img);
	return NULL;
}

static void
icons_clear(struct doc *d)
{
	for (size_t i = 0; i < d->nicons; i++) {
		er_free(d->icons[i].path);
		if (d->icons[i].img)
			cairo_surface_destroy(d->icons[i].img);
	}
	d->nicons = 0;
}

static void
mark_path(cairo_t *cr, const char *mark, double x, double y, double r)
{
	if (!mark || strcmp(mark, "circle") == 0) {
		cairo_new_sub_path(cr);
		cairo_arc(cr, x, y, r, 0, 2 * M_PI);
	} else if (strcmp(mark, "triangle") == 0) {
		cairo_move_to(cr, x, y - r);
		cairo_line_to(cr, x + r * 0.866, y + r * 0.5);
		cairo_line_to(cr, x - r * 0.866, y + r * 0.5);
		cairo_close_path(cr);
	} else if (strcmp(mark, "star") == 0) {
		for (int i = 0; i < 10; i++) {
			double a = -M_PI / 2 + i * M_PI / 5;
			double rr = i % 2 ? r * 0.45 : r;
			if (i == 0)
				cairo_move_to(cr, x + rr * cos(a),
				              y + rr * sin(a));
			else
				cairo_line_to(cr, x + rr * cos(a),
				              y + rr * sin(a));
		}
		cairo_close_path(cr);
	} else if (strcmp(mark, "cross") == 0 || strcmp(mark, "x") == 0) {
		double t = r * 0.3;
		cairo_save(cr);
		cairo_translate(cr, x, y);
		if (mark[0] == 'x')
			cairo_rotate(cr, M_PI / 4);
		cairo_rectangle(cr, -r, -t, 2 * r, 2 * t);
		cairo_rectangle(cr, -t, -r, 2 * t, 2 * r);
		cairo_restore(cr);
	} else {
		cairo_rectangle(cr, x - r * 0.85, y - r * 0.85, 1.7 * r,
		                1.7 * r);
	}
}

/* Draws the point symbolizers of rules at (x, y); returns the radius
 * drawn (0: none). scale shrinks symbols for legends and small maps. */
static double
paint_point(struct doc *d, const struct er_rule **rules, size_t n, double x,
            double y, double scale)
{
	cairo_t *cr = d->cr;
	double radius = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < rules[i]->nsyms; k++) {
			const struct er_symbolizer *s = &rules[i]->syms[k];
			if (s->kind != ER_SYM_POINT)
				continue;
			double size = (s->size > 0 ? s->size : 8) * PX * scale;
			double r = size / 2;
			radius = fmax(radius, r);
			cairo_surface_t *img =
			    s->icon ? icon_get(d, s->icon) : NULL;
			if (img) {
				int iw = cairo_image_surface_get_width(img);
				int ih = cairo_image_surface_get_height(img);
				double f = size / (iw > ih ? iw : ih);
				cairo_save(cr);
				cairo_translate(cr, x - iw * f / 2,
				                y - ih * f / 2);
				cairo_scale(cr, f, f);
				cairo_set_source_surface(cr, img, 0, 0);
				cairo_pattern_set_filter(cairo_get_source(cr),
				                         CAIRO_FILTER_GOOD);
				cairo_paint(cr);
				cairo_restore(cr);
				continue;
			}
			mark_path(cr, s->mark, x, y, r);
			if (s->has_fill)
				set_color(cr, &s->fill);
			else
				cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
			cairo_fill_preserve(cr);
			if (s->has_stroke) {
				set_stroke(cr, s, scale);
				cairo_stroke(cr);
			}
			cairo_new_path(cr);
		}
	return radius;
}

static const struct er_symbolizer *
text_sym(const struct er_rule **rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < rules[i]->nsyms; k++)
			if (rules[i]->syms[k].kind == ER_SYM_TEXT)
				return &rules[i]->syms[k];
	return NULL;
}

/* ---- map geometry ----------------------------------------------------*/

struct view {
	double fx, fy, fw, fh; /* frame on the page */
	double cx, cy, s;      /* projected centre and points per metre */
	double lon0, lat0, lon1, lat1; /* lon/lat box that covers it */
};

static void
to_page(const struct view *v, double X, double Y, double *px, double *py)
{
	*px = v->fx + v->fw / 2 + (X - v->cx) * v->s;
	*py = v->fy + v->fh / 2 - (Y - v->cy) * v->s;
}

/* Fits the projected box into the frame with a margin of 8%, and finds
 * the lon/lat box of the frame for the queries. */
static enum er_code
view_fit(struct doc *d, struct view *v, double minx, double miny, double maxx,
         double maxy)
{
	double bw = fmax(maxx - minx, 50), bh = fmax(maxy - miny, 50);
	bw *= 1.16;
	bh *= 1.16;
	v->s = fmin(v->fw / bw, v->fh / bh);
	v->cx = (minx + maxx) / 2;
	v->cy = (miny + maxy) / 2;
	double hx = v->fw / 2 / v->s, hy = v->fh / 2 / v->s;
	double x[4] = {v->cx - hx, v->cx + hx, v->cx + hx, v->cx - hx};
	double y[4] = {v->cy - hy, v->cy - hy, v->cy + hy, v->cy + hy};
	enum er_code rc = er_crs_tf_inverse(d->tf, x, y, 4, d->err);
	if (rc)
		return d->rc = rc;
	v->lon0 = fmin(fmin(x[0], x[1]), fmin(x[2], x[3]));
	v->lon1 = fmax(fmax(x[0], x[1]), fmax(x[2], x[3]));
	v->lat0 = fmin(fmin(y[0], y[1]), fmin(y[2], y[3]));
	v->lat1 = fmax(fmax(y[0], y[1]), fmax(y[2], y[3]));
	return ER_OK;
}

/* Projects every ring of mp in place (lon/lat to the register CRS). */
static enum er_code
project_mpoly(struct doc *d, struct er_mpoly *mp)
{
	mp->minx = mp->miny = INFINITY;
	mp->maxx = mp->maxy = -INFINITY;
	for (size_t i = 0; i < mp->npolys; i++)
		for (size_t r = 0; r < mp->polys[i].nrings; r++) {
			struct er_ring *g = &mp->polys[i].rings[r];
			for (size_t k = 0; k < g->n; k++) {
				double x = g->xy[2 * k], y = g->xy[2 * k + 1];
				enum er_code rc =
				    er_crs_tf_forward(d->tf, &x, &y, 1, d->err);
				if (rc)
					return d->rc = rc;
				g->xy[2 * k] = x;
				g->xy[2 * k + 1] = y;
				mp->minx = fmin(mp->minx, x);
				mp->maxx = fmax(mp->maxx, x);
				mp->miny = fmin(mp->miny, y);
				mp->maxy = fmax(mp->maxy, y);
			}
		}
	return ER_OK;
}

static void
mpoly_path(cairo_t *cr, const struct view *v, const struct er_mpoly *mp)
{
	for (size_t i = 0; i < mp->npolys; i++)
		for (size_t r = 0; r < mp->polys[i].nrings; r++) {
			const struct er_ring *g = &mp->polys[i].rings[r];
			for (size_t k = 0; k < g->n; k++) {
				double px, py;
				to_page(v, g->xy[2 * k], g->xy[2 * k + 1], &px,
				        &py);
				if (k == 0)
					cairo_move_to(cr, px, py);
				else
					cairo_line_to(cr, px, py);
			}
			cairo_close_path(cr);
		}
}

/* WKB lines and polygons, 2D, little or big endian; what the base map
 * holds beside polygons. Builds the projected path; returns 1 when it
 * was a polygon, 0 a line, -1 unreadable. */
struct wkb {
	const unsigned char *p, *end;
	int le;
	/* > 0: lines (cull_line) and rings (cull_poly) are only stroked,
	 * with round joins and caps, no dashes, at most cull wide: their
	 * segments wholly beyond the frame by more than that on one side
	 * are left out (see emit_culled) */
	double cull;
	int cull_line, cull_poly;
};

static int
wkb_u32(struct wkb *w, uint32_t *out)
{
	if (w->end - w->p < 4)
		return -1;
	const unsigned char *b = w->p;
	*out = w->le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 |
	                   (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
	             : (uint32_t)b[3] | (uint32_t)b[2] << 8 |
	                   (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
	w->p += 4;
	return 0;
}

static int
wkb_f64(struct wkb *w, double *out)
{
	if (w->end - w->p < 8)
		return -1;
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = w->p[w->le ? i : 7 - i];
	uint64_t u = 0;
	for (int i = 7; i >= 0; i--)
		u = u << 8 | b[i];
	memcpy(out, &u, 8);
	w->p += 8;
	return 0;
}

/* Where (x, y) is outside box b (x0, y0, x1, y1): a bit a side. */
static unsigned
outcode(const double b[4], double x, double y)
{
	return (x < b[0]) | (y < b[1]) << 1 | (x > b[2]) << 2 | (y > b[3]) << 3;
}

/* Adds the n points pt (page units) as a line, or a ring when close, to
 * the path, leaving out the segments with both ends beyond one side of
 * box b (the frame grown by more than half the widest stroke): nothing
 * of their strokes, round joins or the round caps that now end the
 * parts left can reach the frame, so the clipped page is the same.
 * A line or ring with no such segment is added as it was. Only for
 * paths that are stroked alone, without dashes (a part's dashes would
 * start afresh). Neighbours' outlines run far beyond the frame: a third
 * of a page's path points were never seen. */
static void
emit_culled(cairo_t *cr, const double *pt, size_t n, int close,
            const double b[4])
{
	/* segment i runs from point i to point i + 1 (mod n if close) */
	size_t nseg = n < 2 ? 0 : close ? n : n - 1;
	size_t first_cut = nseg;
	unsigned c0 = n ? outcode(b, pt[0], pt[1]) : 0, cprev = c0;
	for (size_t i = 0; i < nseg; i++) {
		size_t j = i + 1 == n ? 0 : i + 1;
		unsigned cj =
		    j == 0 ? c0 : outcode(b, pt[2 * j], pt[2 * j + 1]);
		if (cprev & cj) {
			first_cut = i;
			break;
		}
		cprev = cj;
	}
	if (first_cut == nseg) {
		for (size_t i = 0; i < n; i++) {
			if (i == 0)
				cairo_move_to(cr, pt[0], pt[1]);
			else
				cairo_line_to(cr, pt[2 * i], pt[2 * i + 1]);
		}
		if (close && n)
			cairo_close_path(cr);
		return;
	}
	/* runs of kept segments, starting after a left-out one (a ring
	 * is walked once round from there) */
	size_t start = close ? first_cut + 1 : 0;
	int open = 0;
	for (size_t s = 0; s < nseg; s++) {
		size_t i = (start + s) % n, j = (i + 1) % n;
		const double *p = &pt[2 * i], *q = &pt[2 * j];
		if (outcode(b, p[0], p[1]) & outcode(b, q[0], q[1])) {
			open = 0;
			continue;
		}
		if (!open)
			cairo_move_to(cr, p[0], p[1]);
		cairo_line_to(cr, q[0], q[1]);
		open = 1;
	}
}

static int
wkb_points(struct doc *d, struct wkb *w, const struct view *v, int close,
           uint32_t dims)
{
	uint32_t n;
	if (wkb_u32(w, &n) || n > (uint32_t)((w->end - w->p) / 16))
		return -1;
	int cull = w->cull > 0 && (close ? w->cull_poly : w->cull_line);
	if (cull && n > d->capcull) {
		double *x = er_realloc(d->cullpt, 2 * (size_t)n * sizeof *x);
		if (x) {
			d->cullpt = x;
			d->capcull = n;
		}
	}
	if (n > d->capcull)
		cull = 0;
	for (uint32_t i = 0; i < n; i++) {
		double x, y, z;
		if (wkb_f64(w, &x) || wkb_f64(w, &y))
			return -1;
		for (uint32_t k = 2; k < dims; k++)
			if (wkb_f64(w, &z))
				return -1;
		if (er_crs_tf_forward(d->tf, &x, &y, 1, NULL))
			return -1;
		double px, py;
		to_page(v, x, y, &px, &py);
		if (cull) {
			d->cullpt[2 * i] = px;
			d->cullpt[2 * i + 1] = py;
		} else if (i == 0)
			cairo_move_to(d->cr, px, py);
		else
			cairo_line_to(d->cr, px, py);
	}
	if (cull) {
		double m = w->cull / 2 + 1;
		double b[4] = {v->fx - m, v->fy - m, v->fx + v->fw + m,
		               v->fy + v->fh + m};
		emit_culled(d->cr, d->cullpt, n, close, b);
	} else if (close && n)
		cairo_close_path(d->cr);
	return 0;
}

static int
wkb_geom(struct doc *d, struct wkb *w, const struct view *v, int depth)
{
	if (depth > 2 || w->p >= w->end)
		return -1;
	w->le = *w->p++ == 1;
	uint32_t type;
	if (wkb_u32(w, &type))
		return -1;
	uint32_t dims = 2;
	if (type > 3000) {
		dims = 4;
		type -= 3000;
	} else if (type > 2000) {
		dims = 3;
		type -= 2000;
	} else if (type > 1000) {
		dims = 3;
		type -= 1000;
	}
	uint32_t n;
	switch (type) {
	case 2:
		return wkb_points(d, w, v, 0, dims) ? -1 : 0;
	case 3:
		if (wkb_u32(w, &n))
			return -1;
		for (uint32_t i = 0; i < n; i++)
			if (wkb_points(d, w, v, 1, dims))
				return -1;
		return 1;
	case 5:
	case 6:
		if (wkb_u32(w, &n))
			return -1;
		int poly = type == 6;
		for (uint32_t i = 0; i < n; i++) {
			int r = wkb_geom(d, w, v, depth + 1);
			if (r < 0)
				return -1;
		}
		return poly;
	default:
		return -1;
	}
}

/* ---- the map page ----------------------------------------------------*/

struct fctx {
	struct doc *d;
	const struct view *v;
	const char *layer; /* base map: only this layer */
	long drawn;
	/* neighbours: names placed after the shapes */
	struct nlabel {
		char *name;
		double x, y;
	} * names;
	size_t nnames;
	const struct er_mpoly *district;
};

/* A point of name_point's grid: its distance from the middle and its
 * place in the grid's order. */
struct gpt {
	double dd;
	int n;
};

static int
cmp_gpt(const void *a, const void *b)
{
	const struct gpt *x = a, *y = b;
	if (x->dd != y->dd)
		return x->dd < y->dd ? -1 : 1;
	return (x->n > y->n) - (x->n < y->n);
}

/* Where a neighbour's name goes: the point of its visible part that is
 * inside it, outside the district, and nearest the middle of that part
 * (a 15 x 15 grid is searched). 0 when there is none. Uses the path
 * just built for its extent. */
static int
name_point(struct fctx *c, const struct er_xfeature *f, double tw, double th,
           double *px, double *py)
{
	struct doc *d = c->d;
	const struct view *v = c->v;
	double x0, y0, x1, y1;
	cairo_path_extents(d->cr, &x0, &y0, &x1, &y1);
	x0 = fmax(x0, v->fx + 10);
	y0 = fmax(y0, v->fy + 6);
	x1 = fmin(x1, v->fx + v->fw - 10);
	y1 = fmin(y1, v->fy + v->fh - 6);
	if (x1 <= x0 || y1 <= y0)
		return 0;
	struct er_mpoly mp;
	if (er_mpoly_from_wkb(f->wkb, f->wkb_len, &mp, NULL))
		return 0;
	int found = 0;
	if (project_mpoly(d, &mp) == ER_OK) {
		/* the grid's points nearest the middle first (ties in
		 * the grid's order, as a scan keeping the strictly
		 * nearest would find them): the first that fits is the
		 * answer, and most points are never tested */
		double mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
		struct gpt pts[225];
		for (int n = 0; n < 225; n++) {
			double qx = x0 + (x1 - x0) * (n / 15) / 14;
			double qy = y0 + (y1 - y0) * (n % 15) / 14;
			pts[n] = (struct gpt){hypot(qx - mx, qy - my), n};
		}
		qsort(pts, 225, sizeof pts[0], cmp_gpt);
		for (int g = 0; g < 225 && !found; g++) {
			int i = pts[g].n / 15, k = pts[g].n % 15;
			double qx = x0 + (x1 - x0) * i / 14;
			double qy = y0 + (y1 - y0) * k / 14;
			/* the name's centre and corners: all in the
			 * neighbour, none in the district (a name across a
			 * boundary is hard to read) */
			static const double corner[5][2] = {
			    {0, 0}, {-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
			int ok = 1;
			for (int e = 0; e < 5 && ok; e++) {
				double ex = qx + corner[e][0] * tw / 2;
				double ey = qy + corner[e][1] * th / 2;
				double X =
				    v->cx + (ex - v->fx - v->fw / 2) / v->s;
				double Y =
				    v->cy - (ey - v->fy - v->fh / 2) / v->s;
				ok = er_mpoly_contains(&mp, X, Y) &&
				     !(c->district &&
				       er_mpoly_contains(c->district, X, Y));
			}
			if (ok) {
				*px = qx;
				*py = qy;
				found = 1;
			}
		}
	}
	er_mpoly_finish(&mp);
	return found;
}

static enum er_code
draw_feature(const struct er_xfeature *f, void *ud, struct er_error *err)
{
	(void)err;
	struct fctx *c = ud;
	struct doc *d = c->d;
	if (c->layer && strcmp(f->layer, c->layer) != 0)
		return ER_OK;
	struct props p = {0};
	props_add(&p, "kind", f->kind);
	props_add(&p, "name", f->name);
	props_add(&p, "level", f->name);
	const struct er_rule *rules[MAX_RULES];
	size_t n = match(d, f->layer, &p, rules);
	if (!n)
		return ER_OK;
	struct wkb w = {.p = f->wkb, .end = f->wkb + f->wkb_len, .le = 1};
	/* what the path will be painted with: only strokes, no dashes? */
	double widest = 0;
	int dashed = 0, filled = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < rules[i]->nsyms; k++) {
			const struct er_symbolizer *s = &rules[i]->syms[k];
			if (s->kind != ER_SYM_POLYGON && s->kind != ER_SYM_LINE)
				continue;
			filled |= s->kind == ER_SYM_POLYGON && s->has_fill;
			if (!s->has_stroke)
				continue;
			dashed |= s->ndash > 0;
			widest = fmax(
			    widest,
			    (s->stroke_width > 0 ? s->stroke_width : 1) * PX);
		}
	double lx = 0, ly = 0, tw = 0, th = 0;
	const struct er_symbolizer *ts = text_sym(rules, n);
	int named = strcmp(f->layer, "neighbour") == 0 && f->name && ts;
	if (!dashed && !named) {
		w.cull = fmax(widest, 1);
		w.cull_line = 1;
		w.cull_poly = !filled;
	}
	cairo_new_path(d->cr);
	int poly = wkb_geom(d, &w, c->v, 0);
	if (poly < 0) {
		cairo_new_path(d->cr);
		return ER_OK;
	}
	if (ts && f->name) {
		PangoLayout *l = layout_new(
		    d, f->name, (ts->font_size > 0 ? ts->font_size : 10) * PX,
		    0, 0);
		layout_size(l, &tw, &th);
		g_object_unref(l);
	}
	if (named && name_point(c, f, tw, th, &lx, &ly)) {
		struct nlabel *x =
		    er_realloc(c->names, (c->nnames + 1) * sizeof *x);
		if (!x)
			return nomem(d);
		c->names = x;
		x[c->nnames].name = er_strdup(f->name);
		x[c->nnames].x = lx;
		x[c->nnames].y = ly;
		if (!x[c->nnames].name)
			return nomem(d);
		c->nnames++;
	}
	if (named && !dashed) {
		/* name_point took the whole path's extent: now the path
		 * as drawn */
		w = (struct wkb){
		    .p = f->wkb, .end = f->wkb + f->wkb_len, .le = 1};
		w.cull = fmax(widest, 1);
		w.cull_line = 1;
		w.cull_poly = !filled;
		cairo_new_path(d->cr);
		if (wkb_geom(d, &w, c->v, 0) < 0) {
			cairo_new_path(d->cr);
			return ER_OK;
		}
	}
	cairo_set_fill_rule(d->cr, CAIRO_FILL_RULE_EVEN_ODD);
	paint_path(d->cr, rules, n, poly, 1);
	mark_used(d, rules, n);
	c->drawn++;
	return ER_OK;
}

struct sctx {
	struct doc *d;
	const struct view *v;
	long drawn;
};

static enum er_code
draw_shelter(const struct er_xshelter *s, void *ud, struct er_error *err)
{
	struct sctx *c = ud;
	double x = s->lon, y = s->lat;
	enum er_code rc = er_crs_tf_forward(c->d->tf, &x, &y, 1, err);
	if (rc)
		return rc;
	struct props p = {0};
	props_add(&p, "kind", s->kind);
	props_add(&p, "name", s->name);
	const struct er_rule *rules[MAX_RULES];
	size_t n = match(c->d, "shelter", &p, rules);
	double px, py;
	to_page(c->v, x, y, &px, &py);
	paint_point(c->d, rules, n, px, py, 1);
	mark_used(c->d, rules, n);
	c->drawn++;
	return ER_OK;
}

static void
legend_swatch(struct doc *d, const char *layer, const struct er_rule *r,
              double x, double y)
{
	cairo_t *cr = d->cr;
	const struct er_rule *rules[1] = {r};
	int point = 0, line = 0;
	for (size_t k = 0; k < r->nsyms; k++) {
		point |= r->syms[k].kind == ER_SYM_POINT;
		line |= r->syms[k].kind == ER_SYM_LINE;
	}
	if (point) {
		paint_point(d, rules, 1, x + 4 * MM, y, 0.8);
	} else if (line) {
		cairo_move_to(cr, x, y + 1.5 * MM);
		cairo_curve_to(cr, x + 3 * MM, y - 2 * MM, x + 5 * MM,
		               y + 2 * MM, x + 8 * MM, y - 1.5 * MM);
		paint_path(cr, rules, 1, 0, 1);
	} else {
		cairo_rectangle(cr, x, y - 2 * MM, 8 * MM, 4 * MM);
		paint_path(cr, rules, 1, 1,
		           strcmp(layer, "district") ? 1 : 0.5);
	}
}

/* Legend rows for the layers drawn; returns the height used. */
static double
legend(struct doc *d, double x, double y, double w, const char *const *layers,
       size_t nlayers)
{
	double y0 = y;
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	y += text(d, x, y, w, "凡例", 10, 1, LEFT) + 1 * MM;
	for (size_t i = 0; i < nlayers; i++) {
		const struct er_style_layer *l =
		    er_style_layer(d->style, layers[i]);
		if (!l)
			continue;
		for (size_t k = 0; k < l->nrules; k++) {
			const struct er_rule *r = &l->rules[k];
			const char *t = r->title ? r->title : r->name;
			if (!t)
				continue;
			if (strcmp(layers[i], "district") &&
			    strcmp(layers[i], "neighbour") &&
			    strcmp(layers[i], "coverage") && !was_used(d, r))
				continue;
			int drawable = 0;
			for (size_t j = 0; j < r->nsyms; j++)
				drawable |= r->syms[j].kind != ER_SYM_TEXT;
			if (!drawable)
				continue;
			PangoLayout *pl = layout_new(d, t, 8, 0, w - 11 * MM);
			double tw, th;
			layout_size(pl, &tw, &th);
			g_object_unref(pl);
			double rowh = fmax(th, 5 * MM);
			if (d->draw) {
				legend_swatch(d, layers[i], r, x, y + rowh / 2);
				cairo_set_source_rgb(d->cr, 0, 0, 0);
				text(d, x + 11 * MM, y + (rowh - th) / 2,
				     w - 11 * MM, t, 8, 0, LEFT);
			}
			y += rowh + 0.8 * MM;
		}
	}
	return y - y0;
}

static double
round_length(double m)
{
	double p = pow(10, floor(log10(m)));
	double f = m / p;
	return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * p;
}

static double
scale_bar(struct doc *d, double x, double y, double w, double s)
{
	cairo_t *cr = d->cr;
	double metres = round_length(w * 0.7 / s);
	double len = metres * s;
	char lab[32];
	if (metres >= 1000)
		snprintf(lab, sizeof lab, "%g km", metres / 1000);
	else
		snprintf(lab, sizeof lab, "%g m", metres);
	double h = 1.6 * MM;
	for (int i = 0; i < 4; i++) {
		cairo_rectangle(cr, x + i * len / 4, y, len / 4, h);
		if (i % 2)
			cairo_set_source_rgb(cr, 1, 1, 1);
		else
			cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_set_line_width(cr, 0.5);
		cairo_stroke(cr);
	}
	text(d, x - 5 * MM, y + h + 0.5 * MM, 10 * MM, "0", 7, 0, CENTER);
	text(d, x + len - 10 * MM, y + h + 0.5 * MM, 20 * MM, lab, 7, 0,
	     CENTER);
	return h + 5 * MM;
}

static void
north_arrow(struct doc *d, double x, double y)
{
	cairo_t *cr = d->cr;
	double h = 9 * MM;
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x + 2.5 * MM, y + h);
	cairo_line_to(cr, x, y + h * 0.72);
	cairo_close_path(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_fill(cr);
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x - 2.5 * MM, y + h);
	cairo_line_to(cr, x, y + h * 0.72);
	cairo_close_path(cr);
	cairo_set_line_width(cr, 0.6);
	cairo_stroke(cr);
	text(d, x - 5 * MM, y + h + 0.3 * MM, 10 * MM, "N", 8, 1, CENTER);
}

/* The glyphs of l when it is one line of one run, in one font, of
 * one glyph per byte of s (digits): e->ng set, else left 0. */
static void
number_glyphs(struct doc *d, PangoLayout *l, const char *s, struct numsz *e)
{
	e->ng = 0;
	if (pango_layout_get_line_count(l) != 1)
		return;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
	int base = pango_layout_iter_get_baseline(it);
	PangoRectangle logical;
	pango_layout_iter_get_run_extents(it, NULL, &logical);
	int one = !pango_layout_iter_next_run(it) ||
	          !pango_layout_iter_get_run_readonly(it);
	pango_layout_iter_free(it);
	size_t len = strlen(s);
	if (!one || !run || !run->glyphs || !run->item ||
	    !run->item->analysis.font || run->item->offset != 0 ||
	    (size_t)run->item->length != len || len > NUM_GLYPHS ||
	    run->glyphs->num_glyphs != (int)len)
		return;
	cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(
	    PANGO_CAIRO_FONT(run->item->analysis.font));
	if (!sf || cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS)
		return;
	if (!d->numsf)
		d->numsf = cairo_scaled_font_reference(sf);
	else if (d->numsf != sf)
		return;
	int x = logical.x;
	for (size_t i = 0; i < len; i++) {
		const PangoGlyphInfo *gi = &run->glyphs->glyphs[i];
		/* one cluster per digit, in order */
		if (gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG ||
		    gi->glyph == PANGO_GLYPH_EMPTY ||
		    run->glyphs->log_clusters[i] != (int)i ||
		    gi->geometry.y_offset != 0)
			return;
		e->glyph[i] = gi->glyph;
		e->gx[i] = (double)(x + gi->geometry.x_offset) / PANGO_SCALE;
		x += gi->geometry.width;
	}
	e->gy = (double)base / PANGO_SCALE;
	e->ng = (int)len;
}

/* Household number n's entry in the document's table, measured (and
 * shaped) the first time; NULL without memory for the table, and *tmp
 * filled instead. */
static const struct numsz *
number_info(struct doc *d, long n, double font, struct numsz *tmp)
{
	if (font != d->numfont) {
		ER_FREE(d->numsz);
		d->nnumsz = 0;
		d->numfont = font;
		if (d->numsf)
			cairo_scaled_font_destroy(d->numsf);
		d->numsf = NULL;
	}
	struct numsz *e = NULL;
	if (n >= 0 && n < (1L << 22)) {
		if ((size_t)n >= d->nnumsz) {
			size_t c = d->nnumsz ? d->nnumsz : 1024;
			while (c <= (size_t)n)
				c *= 2;
			struct numsz *x = er_realloc(d->numsz, c * sizeof *x);
			if (x) {
				for (size_t i = d->nnumsz; i < c; i++)
					x[i].w = -1;
				d->numsz = x;
				d->nnumsz = c;
			}
		}
		if ((size_t)n < d->nnumsz)
			e = &d->numsz[n];
	}
	if (e && e->w >= 0)
		return e;
	if (!e)
		e = tmp;
	char num[24];
	snprintf(num, sizeof num, "%ld", n);
	PangoLayout *l = layout_new(d, num, font, 1, 0);
	layout_size(l, &e->w, &e->h);
	number_glyphs(d, l, num, e);
	g_object_unref(l);
	return e == tmp ? NULL : e;
}

/* The size of household number n's label text, in bold font. */
static void
number_size(struct doc *d, long n, double font, double *tw, double *th)
{
	struct numsz tmp;
	const struct numsz *e = number_info(d, n, font, &tmp);
	if (!e)
		e = &tmp;
	*tw = e->w;
	*th = e->h;
}

static int
district_landscape(const struct doc *d, const struct dist *ds)
{
	if (d->opt->orientation == ER_ORIENT_LANDSCAPE)
		return 1;
	if (d->opt->orientation == ER_ORIENT_PORTRAIT)
		return 0;
	/* auto: the page whose map frame suits the district better */
	double bw = ds->pmaxx - ds->pminx, bh = ds->pmaxy - ds->pminy;
	double w, h;
	paper_size(d, 1, &w, &h);
	double lw = w - 2 * MARGIN - SIDEBAR_W,
	       lh = h - 2 * MARGIN - HEADER_H - FOOTER_H;
	double land = fmin(lw / fmax(bw, 1), lh / fmax(bh, 1));
	paper_size(d, 0, &w, &h);
	double pwid = w - 2 * MARGIN - SIDEBAR_W,
	       phei = h - 2 * MARGIN - HEADER_H - FOOTER_H;
	double port = fmin(pwid / fmax(bw, 1), phei / fmax(bh, 1));
	return land >= port;
}

static void
fmt_rate(long rate, char *out, size_t len)
{
	if (rate < 0)
		snprintf(out, len, "―");
	else
		snprintf(out, len, "%ld.%ld%%", rate / 10, rate % 10);
}

/* Where a household's marker and its number go on the map. */
struct mpos {
	double mx, my;         /* marker */
	double tx, ty, tw, th; /* number box */
	int line;              /* leader from (x, y) */
	double ax, ay;
};

/* Draws the placed households' numbers in colour fg: those shaped as
 * one glyph a digit in one call, the others (if any) each through
 * Pango as before. */
static enum er_code
draw_numbers(struct doc *d, const struct dist *ds, const struct er_label *L,
             const struct mpos *mp, double font, const struct er_color *fg)
{
	cairo_t *cr = d->cr;
	size_t ng = 0;
	for (size_t i = 0; i < ds->nhh; i++) {
		if (!L[i].placed)
			continue;
		struct numsz tmp;
		const struct numsz *e =
		    number_info(d, ds->hh[i].number, font, &tmp);
		if (e)
			ng += (size_t)e->ng;
	}
	cairo_glyph_t *g = ng ? er_malloc(ng * sizeof *g) : NULL;
	cairo_text_cluster_t *cl = ng ? er_malloc(ng * sizeof *cl) : NULL;
	char *utf8 = ng ? er_malloc(ng + 1) : NULL;
	if (ng && (!g || !cl || !utf8)) {
		er_free(g);
		er_free(cl);
		er_free(utf8);
		return nomem(d);
	}
	set_color(cr, fg);
	size_t k = 0;
	for (size_t i = 0; i < ds->nhh; i++) {
		if (!L[i].placed)
			continue;
		char num[24];
		snprintf(num, sizeof num, "%ld", ds->hh[i].number);
		struct numsz tmp;
		const struct numsz *e =
		    number_info(d, ds->hh[i].number, font, &tmp);
		if (e && e->ng && k + (size_t)e->ng <= ng &&
		    strlen(num) == (size_t)e->ng) {
			/* as Pango would place them, from (tx + 1, ty) */
			for (int j = 0; j < e->ng; j++, k++) {
				g[k].index = e->glyph[j];
				g[k].x = mp[i].tx + 1 + e->gx[j];
				g[k].y = mp[i].ty + e->gy;
				cl[k].num_bytes = 1;
				cl[k].num_glyphs = 1;
				utf8[k] = num[j];
			}
			continue;
		}
		PangoLayout *l = layout_new(d, num, font, 1, 0);
		cairo_move_to(cr, mp[i].tx + 1, mp[i].ty);
		pango_cairo_show_layout(cr, l);
		g_object_unref(l);
	}
	if (k) {
		cairo_save(cr);
		cairo_set_scaled_font(cr, d->numsf);
		cairo_show_text_glyphs(cr, utf8, (int)k, g, (int)k, cl, (int)k,
		                       0);
		cairo_restore(cr);
	}
	er_free(g);
	er_free(cl);
	er_free(utf8);
	return cairo_check(d, cairo_status(cr), "the numbers");
}

static enum er_code
map_page(struct doc *d, struct dist *ds)
{
	double w, h;
	paper_size(d, district_landscape(d, ds), &w, &h);
	if (page_begin(d, w, h))
		return d->rc;
	if (!d->draw)
		return page_end(d);
	cairo_t *cr = d->cr;
	struct er_xdistrict *x = &ds->d;
	d->page_assoc = x->association_name;
	d->nused = 0;

	/* header */
	char title[512];
	snprintf(title, sizeof title, "%s（%s）　%s", x->name, x->code,
	         x->association_name ? x->association_name : "町内会なし");
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(d, MARGIN, MARGIN, w - 2 * MARGIN, title, 16, 1, LEFT);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	text(d, MARGIN, MARGIN + 8.5 * MM, w - 2 * MARGIN, d->title, 9, 0,
	     LEFT);

	struct view v = {
	    .fx = MARGIN,
	    .fy = MARGIN + HEADER_H,
	    .fw = w - 2 * MARGIN - SIDEBAR_W - 4 * MM,
	    .fh = h - 2 * MARGIN - HEADER_H - FOOTER_H,
	};
	if (view_fit(d, &v, ds->pminx, ds->pminy, ds->pmaxx, ds->pmaxy))
		return d->rc;

	cairo_save(cr);
	cairo_rectangle(cr, v.fx, v.fy, v.fw, v.fh);
	cairo_clip(cr);
	cairo_set_source_rgb(cr, 0.97, 0.97, 0.96);
	cairo_paint(cr);

	/* base map layers, in the style's order */
	const char *drawn_layers[40];
	size_t ndrawn = 0;
	for (size_t i = 0; i < d->style->nlayers; i++) {
		const char *ln = d->style->layers[i].name;
		static const char *const own[] = {"district",    "neighbour",
		                                  "household",   "shelter",
		                                  "hazard_zone", "coverage"};
		int is_own = 0;
		for (size_t k = 0; k < 6; k++)
			is_own |= ln && strcmp(ln, own[k]) == 0;
		if (!ln || is_own)
			continue;
		struct fctx fc = {.d = d, .v = &v, .layer = ln};
		if (er_x_basemap(d->reg, v.lon0, v.lat0, v.lon1, v.lat1,
		                 draw_feature, &fc, d->err))
			goto fail;
		if (fc.drawn && ndrawn < 30)
			drawn_layers[ndrawn++] = ln;
	}
	struct fctx hz = {.d = d, .v = &v};
	if (er_x_hazards(d->reg, v.lon0, v.lat0, v.lon1, v.lat1, draw_feature,
	                 &hz, d->err))
		goto fail;
	struct fctx nb = {.d = d, .v = &v, .district = &ds->proj};
	if (er_x_neighbours(d->reg, x->code, v.lon0, v.lat0, v.lon1, v.lat1,
	                    draw_feature, &nb, d->err))
		goto fail_nb;

	/* the district itself */
	struct props p = {0};
	props_add(&p, "code", x->code);
	props_add(&p, "name", x->name);
	const struct er_rule *rules[MAX_RULES];
	size_t n = match(d, "district", &p, rules);
	mpoly_path(cr, &v, &ds->proj);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	paint_path(cr, rules, n, 1, 1);

	/* neighbours' names, faint, over the shapes; one that would run
	 * into another is left out */
	double boxes[256][4];
	size_t nboxes = 0;
	for (size_t i = 0; i < nb.nnames; i++) {
		struct props q = {0};
		props_add(&q, "name", nb.names[i].name);
		const struct er_rule *nr[MAX_RULES];
		size_t nn = match(d, "neighbour", &q, nr);
		const struct er_symbolizer *ts = text_sym(nr, nn);
		if (!ts)
			continue;
		double size = (ts->font_size > 0 ? ts->font_size : 10) * PX;
		PangoLayout *l = layout_new(d, nb.names[i].name, size, 0, 0);
		double tw, th;
		layout_size(l, &tw, &th);
		g_object_unref(l);
		struct er_color fg = ts->has_fill
		                         ? ts->fill
		                         : (struct er_color){0.4, 0.4, 0.4, 1};
		double bx = nb.names[i].x - tw / 2, by = nb.names[i].y - th / 2;
		int clash = bx < v.fx || bx + tw > v.fx + v.fw || nboxes >= 256;
		for (size_t k = 0; k < nboxes && !clash; k++)
			clash = er_label_boxes_overlap(
			    bx, by, tw, th, boxes[k][0], boxes[k][1],
			    boxes[k][2], boxes[k][3], -2);
		if (clash)
			continue;
		boxes[nboxes][0] = bx;
		boxes[nboxes][1] = by;
		boxes[nboxes][2] = tw;
		boxes[nboxes][3] = th;
		nboxes++;
		text_halo(d, nb.names[i].x - tw / 2, nb.names[i].y - th / 2,
		          nb.names[i].name, size, &fg,
		          ts->has_halo ? &ts->halo : NULL,
		          ts->halo_radius * PX);
	}

	struct sctx sc = {.d = d, .v = &v};
	if (er_x_shelters(d->reg, v.lon0, v.lat0, v.lon1, v.lat1, draw_shelter,
	                  &sc, d->err))
		goto fail_nb;

	/* households: markers, then leaders, then labels on top */
	struct er_label *labels = NULL;
	if (ds->nhh) {
		labels = er_calloc(ds->nhh, sizeof *labels);
		if (!labels) {
			nomem(d);
			goto fail_nb;
		}
	}
	double font = 7.5, radius = 0;
	struct er_color fg = {0, 0, 0, 1}, halo = {1, 1, 1, 1};
	for (size_t i = 0; i < ds->nhh; i++) {
		struct props q = {0};
		props_add(&q, "mobility", ds->hh[i].mobility);
		const struct er_rule *hr[MAX_RULES];
		size_t hn = match(d, "household", &q, hr);
		const struct er_symbolizer *ts = text_sym(hr, hn);
		if (ts && ts->font_size > 0)
			font = ts->font_size * PX;
		if (ts && ts->has_fill)
			fg = ts->fill;
		if (ts && ts->has_halo)
			halo = ts->halo;
		for (size_t r = 0; r < hn; r++)
			for (size_t k = 0; k < hr[r]->nsyms; k++)
				if (hr[r]->syms[k].kind == ER_SYM_POINT)
					radius = fmax(radius,
					              (hr[r]->syms[k].size > 0
					                   ? hr[r]->syms[k].size
					                   : 8) *
					                  PX / 2);
		double tw, th;
		number_size(d, ds->hh[i].number, font, &tw, &th);
		to_page(&v, ds->hh[i].x, ds->hh[i].y, &labels[i].x,
		        &labels[i].y);
		labels[i].w = tw + 2;
		labels[i].h = th;
	}
	if (radius <= 0)
		radius = 4;
	int crowded =
	    er_label_markers_within(labels, ds->nhh, 2 * radius + 0.5, d->err);
	if (crowded < 0) {
		er_free(labels);
		d->rc = ER_ENOMEM;
		goto fail_nb;
	}
	struct er_label_params lp = {
	    .marker_radius = radius,
	    .gap = 0.6,
	    .minx = v.fx + 1,
	    .miny = v.fy + 1,
	    .maxx = v.fx + v.fw - 1,
	    .maxy = v.fy + v.fh - 1,
	    .max_leader = MAX_LEADER,
	};
	/* Where markers would overlap, each marker and its number move
	 * as one box to the nearest free place, a dot and a line keeping
	 * the household's true spot; elsewhere markers stay put and only
	 * numbers move. */
	double *lw = ds->nhh ? er_calloc(ds->nhh, sizeof *lw) : NULL;
	if (ds->nhh && !lw) {
		er_free(labels);
		nomem(d);
		goto fail_nb;
	}
	for (size_t i = 0; i < ds->nhh; i++)
		lw[i] = labels[i].w;
	if (crowded) {
		lp.marker_radius = 1;
		lp.gap = 0.5;
		lp.anchored = 1;
		for (size_t i = 0; i < ds->nhh; i++) {
			labels[i].w = 2 * radius + 1 + lw[i];
			labels[i].h = fmax(2 * radius, labels[i].h);
			labels[i].ox = radius;
			labels[i].oy = labels[i].h / 2;
		}
	}
	if (ds->nhh && er_label_place(labels, ds->nhh, &lp, d->err) < 0) {
		er_free(lw);
		er_free(labels);
		d->rc = ER_ENOMEM;
		goto fail_nb;
	}
	/* where each marker and its number go */
	struct mpos *mp = ds->nhh ? er_calloc(ds->nhh, sizeof *mp) : NULL;
	if (ds->nhh && !mp) {
		er_free(lw);
		er_free(labels);
		nomem(d);
		goto fail_nb;
	}
	for (size_t i = 0; i < ds->nhh; i++) {
		struct er_label *L = &labels[i];
		struct mpos *m = &mp[i];
		if (!crowded) {
			*m = (struct mpos){L->x, L->y,      L->lx, L->ly, L->w,
			                   L->h, L->leader, L->ax, L->ay};
			continue;
		}
		if (!L->placed) {
			m->mx = L->x;
			m->my = L->y;
			continue;
		}
		m->mx = L->lx + radius;
		m->my = L->ly + L->h / 2;
		m->tw = lw[i];
		m->th = L->h;
		m->tx = L->lx + 2 * radius + 1;
		m->ty = L->ly;
		m->line = hypot(m->mx - L->x, m->my - L->y) > 0.5;
		m->ax = m->mx;
		m->ay = m->my;
	}
	er_free(lw);
	/* Leaders, their dots, the numbers' boxes and the numbers are
	 * each one path or one glyph run: per-household operations cost
	 * more (Cairo's and the PDF's) than anything else on the page.
	 * Boxes never overlap, so one fill draws what one fill each did;
	 * overlapping leaders and dots, all of one colour, are now
	 * covered once where they were twice. */
	cairo_set_line_width(cr, 0.5);
	cairo_set_source_rgba(cr, 0.2, 0.2, 0.2, 0.8);
	int any = 0;
	for (size_t i = 0; i < ds->nhh; i++) {
		if (!labels[i].placed || !mp[i].line)
			continue;
		cairo_move_to(cr, labels[i].x, labels[i].y);
		cairo_line_to(cr, mp[i].ax, mp[i].ay);
		any = 1;
	}
	if (any)
		cairo_stroke(cr);
	if (any && crowded) {
		/* the households' true spots: dots of radius 1, as round
		 * caps of zero-length strokes (Cairo and PDF viewers draw
		 * those as discs), a fifth of the bytes of four curves */
		cairo_save(cr);
		cairo_set_line_width(cr, 2);
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
		for (size_t i = 0; i < ds->nhh; i++) {
			if (!labels[i].placed || !mp[i].line)
				continue;
			cairo_move_to(cr, labels[i].x, labels[i].y);
			cairo_line_to(cr, labels[i].x, labels[i].y);
		}
		cairo_stroke(cr);
		cairo_restore(cr);
	}
	cairo_new_path(cr);
	for (size_t i = 0; i < ds->nhh; i++) {
		struct props q = {0};
		props_add(&q, "mobility", ds->hh[i].mobility);
		const struct er_rule *hr[MAX_RULES];
		size_t hn = match(d, "household", &q, hr);
		paint_point(d, hr, hn, mp[i].mx, mp[i].my, 1);
		mark_used(d, hr, hn);
	}
	/* a white box under each number: leaders pass beneath (a fill
	 * each: a PDF "re" is shorter than a path of many boxes) */
	cairo_set_source_rgba(cr, halo.r, halo.g, halo.b, 0.9);
	for (size_t i = 0; i < ds->nhh; i++) {
		if (!labels[i].placed)
			continue;
		cairo_rectangle(cr, mp[i].tx, mp[i].ty, mp[i].tw, mp[i].th);
		cairo_fill(cr);
	}
	if (draw_numbers(d, ds, labels, mp, font, &fg)) {
		er_free(mp);
		er_free(labels);
		goto fail_nb;
	}
	er_free(mp);
	mp = NULL;
	long unplaced = 0;
	for (size_t i = 0; i < ds->nhh; i++)
		unplaced += !labels[i].placed;
	er_free(labels);
	cairo_restore(cr);
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	cairo_set_line_width(cr, 0.8);
	cairo_rectangle(cr, v.fx, v.fy, v.fw, v.fh);
	cairo_stroke(cr);

	/* the sidebar */
	double sx = w - MARGIN - SIDEBAR_W, sy = v.fy, sw = SIDEBAR_W;
	char buf[1024], rate[32];
	fmt_rate(er_rate(x->assigned, x->registrants, 1), rate, sizeof rate);
	cairo_set_source_rgb(cr, 0, 0, 0);
	sy += text(d, sx, sy, sw, "地区の状況", 10, 1, LEFT) + 1 * MM;
	snprintf(buf, sizeof buf,
	         "登録者　%ld 人\n支援者あり　%ld 人\n未支援　%ld 人（%ld "
	         "世帯）\n支援率　%s",
	         x->registrants, x->assigned, x->unassigned,
	         x->unassigned_households, rate);
	sy += text(d, sx, sy, sw, buf, 9, 0, LEFT) + 1 * MM;
	if (d->opt->mode == ER_MODE_NORMAL && x->withheld) {
		snprintf(buf, sizeof buf,
		         "同意のない未支援者 %ld 人（%ld 世帯）は載せて"
		         "いません。",
		         x->withheld, x->withheld_households);
		cairo_set_source_rgb(cr, 0.6, 0, 0);
		sy += text(d, sx, sy, sw, buf, 8, 0, LEFT) + 1 * MM;
	}
	if (unplaced) {
		snprintf(buf, sizeof buf,
		         "番号を置けなかった世帯 %ld（一覧を参照）", unplaced);
		cairo_set_source_rgb(cr, 0.6, 0, 0);
		sy += text(d, sx, sy, sw, buf, 8, 0, LEFT) + 1 * MM;
	}
	sy += 3 * MM;
	const char *layers[40] = {"district", "neighbour", "household"};
	size_t nl = 3;
	if (sc.drawn)
		layers[nl++] = "shelter";
	if (hz.drawn)
		layers[nl++] = "hazard_zone";
	for (size_t i = 0; i < ndrawn; i++)
		layers[nl++] = drawn_layers[i];
	sy += legend(d, sx, sy, sw, layers, nl) + 3 * MM;

	/* scale, north, CRS, data date */
	double by = h - MARGIN - FOOTER_H - 40 * MM;
	if (by < sy)
		by = sy;
	north_arrow(d, sx + sw - 8 * MM, by);
	cairo_set_source_rgb(cr, 0, 0, 0);
	by +=
	    scale_bar(d, sx + 5 * MM, by + 4 * MM, sw - 22 * MM, v.s) + 6 * MM;
	snprintf(buf, sizeof buf,
	         "縮尺 約 1:%.0f\n座標系 %s (%s)\nデータ時点 %s",
	         72 / 0.0254 / v.s, /* points per metre -> 1:N */
	         d->crs_name, d->crs_id, d->data_date[0] ? d->data_date : "―");
	text(d, sx, by, sw, buf, 7, 0, LEFT);
	for (size_t i = 0; i < nb.nnames; i++)
		er_free(nb.names[i].name);
	er_free(nb.names);
	return page_end(d);
fail_nb:
	for (size_t i = 0; i < nb.nnames; i++)
		er_free(nb.names[i].name);
	er_free(nb.names);
fail:
	cairo_restore(cr);
	if (!d->rc)
		d->rc = d->err ? d->err->code : ER_ERENDER;
	return d->rc;
}

/* ---- list pages ------------------------------------------------------*/

static const struct {
	const char *head;
	double share; /* of the table width */
} cols[] = {
    {"番号", 0.06}, {"住所", 0.22},      {"氏名（フリガナ）", 0.2},
    {"年齢", 0.06}, {"要支援事由", 0.2}, {"移動", 0.1},
    {"電話", 0.16},
};
#define NCOLS (sizeof cols / sizeof cols[0])
#define CELL_PAD (1.2 * MM)
#define LIST_FONT 8.5

static void
person_cells(const struct lrow *h, size_t k, char cells[NCOLS][512])
{
	const struct lperson *p = &h->p[k];
	for (size_t i = 0; i < NCOLS; i++)
		cells[i][0] = '\0';
	if (k == 0) {
		snprintf(cells[0], 512, "%ld", h->number);
		snprintf(cells[1], 512, "%s", h->address ? h->address : "");
	}
	if (p->kana && p->kana[0])
		snprintf(cells[2], 512, "%s\n（%s）", p->name ? p->name : "",
		         p->kana);
	else
		snprintf(cells[2], 512, "%s", p->name ? p->name : "");
	if (p->age >= 0)
		snprintf(cells[3], 512, "%d", p->age);
	snprintf(cells[4], 512, "%s", p->reasons ? p->reasons : "");
	snprintf(cells[5], 512, "%s", p->mobility ? p->mobility : "");
	snprintf(cells[6], 512, "%s", p->phone ? p->phone : "");
}

static double
row_height(struct doc *d, char cells[NCOLS][512], double tw, int bold)
{
	double h = 0;
	for (size_t i = 0; i < NCOLS; i++) {
		PangoLayout *l = layout_new(d, cells[i], LIST_FONT, bold,
		                            cols[i].share * tw - 2 * CELL_PAD);
		double w, th;
		layout_size(l, &w, &th);
		g_object_unref(l);
		h = fmax(h, th);
	}
	return h + 2 * CELL_PAD;
}

static void
draw_row(struct doc *d, char cells[NCOLS][512], double x, double y, double tw,
         double h, int bold, int shade, int top_rule)
{
	cairo_t *cr = d->cr;
	if (shade) {
		cairo_rectangle(cr, x, y, tw, h);
		cairo_set_source_rgb(cr, 0.9, 0.92, 0.95);
		cairo_fill(cr);
	}
	/* a household's members share one block: a faint rule between
	 * them, a clear one between households */
	if (top_rule)
		cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
	else
		cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
	cairo_set_line_width(cr, top_rule ? 0.8 : 0.4);
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x + tw, y);
	cairo_stroke(cr);
	double cx = x;
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (size_t i = 0; i < NCOLS; i++) {
		double cw = cols[i].share * tw;
		text(d, cx + CELL_PAD, y + CELL_PAD, cw - 2 * CELL_PAD,
		     cells[i], LIST_FONT, bold, LEFT);
		cx += cw;
	}
}

/* Where the list pages of a district have got to. */
struct lstate {
	struct doc *d;
	struct dist *ds;
	double w, h, tw, top, bottom, hh_head, y;
	int pages;
	char head[NCOLS][512];
	char title[512];
	struct lperson *p; /* the household's persons, reused */
	size_t capp;
};

static enum er_code
list_household(const struct er_xhousehold *x, void *ud, struct er_error *err)
{
	struct lstate *ls = ud;
	struct doc *d = ls->d;
	if (x->npersons > ls->capp) {
		struct lperson *p = er_realloc(ls->p, x->npersons * sizeof *p);
		if (!p)
			return er_fail(err, ER_ENOMEM, NULL, "out of memory");
		ls->p = p;
		ls->capp = x->npersons;
	}
	for (size_t k = 0; k < x->npersons; k++) {
		const struct er_xperson *q = &x->persons[k];
		ls->p[k] = (struct lperson){
		    .name = q->name ? q->name : "",
		    .kana = q->kana ? q->kana : "",
		    .reasons = q->reason_labels ? q->reason_labels : "",
		    .mobility = q->mobility_label ? q->mobility_label : "",
		    .phone = q->phone ? q->phone : "",
		    .age = q->age,
		};
	}
	struct lrow row = {.number = x->number,
	                   .address = x->address ? x->address : "",
	                   .np = x->npersons,
	                   .p = ls->p};
	const struct lrow *hh = &row;
	char cells[NCOLS][512];
	double group = 0;
	for (size_t k = 0; k < hh->np; k++) {
		person_cells(hh, k, cells);
		group += row_height(d, cells, ls->tw, 0);
	}
	for (size_t k = 0; k < hh->np; k++) {
		person_cells(hh, k, cells);
		double rh = row_height(d, cells, ls->tw, 0);
		/* a household stays on one page when it fits */
		double need =
		    k == 0 && group <= ls->bottom - ls->top - ls->hh_head
		        ? group
		        : rh;
		if (ls->y + need > ls->bottom) {
			if (ls->pages && page_end(d))
				return d->rc ? d->rc : ER_ERENDER;
			if (page_begin(d, ls->w, ls->h))
				return d->rc ? d->rc : ER_ERENDER;
			d->page_assoc = ls->ds->d.association_name;
			ls->pages++;
			ls->y = ls->top;
			if (d->draw) {
				cairo_set_source_rgb(d->cr, 0, 0, 0);
				text(d, MARGIN, MARGIN, ls->tw, ls->title, 13,
				     1, LEFT);
				draw_row(d, ls->head, MARGIN, ls->y, ls->tw,
				         ls->hh_head, 1, 1, 1);
			}
			ls->y += ls->hh_head;
		}
		if (d->draw)
			draw_row(d, cells, MARGIN, ls->y, ls->tw, rh, 0, 0,
			         k == 0);
		ls->y += rh;
	}
	return ER_OK;
}

/* Lays out (and, when drawing, draws) the list pages of a district,
 * streaming its households; returns how many pages it takes. Counting
 * and drawing run this same code, so the numbers in footers and the
 * contents agree. */
static int
list_pages(struct doc *d, struct dist *ds)
{
	struct lstate ls = {.d = d, .ds = ds};
	int landscape = d->opt->orientation == ER_ORIENT_LANDSCAPE;
	paper_size(d, landscape, &ls.w, &ls.h);
	ls.tw = ls.w - 2 * MARGIN;
	for (size_t i = 0; i < NCOLS; i++)
		snprintf(ls.head[i], 512, "%s", cols[i].head);
	ls.hh_head = row_height(d, ls.head, ls.tw, 1);
	snprintf(ls.title, sizeof ls.title, "%s（%s）未支援世帯一覧　%s",
	         ds->d.name, ds->d.code,
	         ds->d.association_name ? ds->d.association_name
	                                : "町内会なし");
	int draw = d->draw;
	d->draw = 0;
	ls.top = MARGIN + text(d, 0, 0, ls.tw, ls.title, 13, 1, LEFT) + 3 * MM;
	d->draw = draw;
	ls.bottom = ls.h - MARGIN - FOOTER_H;
	ls.y = ls.bottom + 1; /* forces a first page */
	if (ds->d.shown_households == 0) {
		if (page_begin(d, ls.w, ls.h))
			return -1;
		d->page_assoc = ds->d.association_name;
		if (d->draw) {
			cairo_set_source_rgb(d->cr, 0, 0, 0);
			text(d, MARGIN, MARGIN, ls.tw, ls.title, 13, 1, LEFT);
			text(d, MARGIN, ls.top, ls.tw,
			     d->opt->mode == ER_MODE_NORMAL
			         ? "この地区には、載せられる未支援世帯は"
			           "ありません。"
			         : "この地区には未支援世帯はありません。",
			     10, 0, LEFT);
		}
		if (page_end(d))
			return -1;
		return 1;
	}
	enum er_code rc =
	    er_x_households(d->reg, &ds->d, list_household, &ls, d->err);
	er_free(ls.p);
	if (rc) {
		if (!d->rc)
			d->rc = rc;
		return -1;
	}
	if (d->draw) {
		cairo_set_source_rgb(d->cr, 0.55, 0.55, 0.55);
		cairo_set_line_width(d->cr, 0.8);
		cairo_move_to(d->cr, MARGIN, ls.y);
		cairo_line_to(d->cr, MARGIN + ls.tw, ls.y);
		cairo_stroke(d->cr);
	}
	if (page_end(d))
		return -1;
	return ls.pages;
}

/* ---- districts' data -------------------------------------------------*/

static void
dist_free(struct dist *ds)
{
	er_free(ds->hh);
	er_x_district_finish(&ds->d);
	memset(ds, 0, sizeof *ds);
}

static char *
dup_or_empty(const char *s, int *oom)
{
	char *r = er_strdup(s ? s : "");
	if (!r)
		*oom = 1;
	return r;
}

/* Keeps a household's place, number and mobility for the map. */
static enum er_code
collect_hh(const struct er_xhousehold *h, void *ud, struct er_error *err)
{
	struct dist *ds = ud;
	if (ds->nhh == ds->caphh) {
		size_t c = ds->caphh ? ds->caphh * 2 : 64;
		struct lhh *x = er_realloc(ds->hh, c * sizeof *x);
		if (!x)
			return er_fail(err, ER_ENOMEM, NULL, "out of memory");
		ds->hh = x;
		ds->caphh = c;
	}
	struct lhh *o = &ds->hh[ds->nhh++];
	memset(o, 0, sizeof *o);
	o->number = h->number;
	o->x = h->lon;
	o->y = h->lat;
	snprintf(o->mobility, sizeof o->mobility, "%s",
	         h->mobility ? h->mobility : "");
	return er_crs_tf_forward(ds->tf, &o->x, &o->y, 1, err);
}

/* Loads a district and its figures, projects its shape and, when
 * households, collects its households for the map. */
static enum er_code
dist_load(struct doc *d, const char *code, struct dist *ds, int households)
{
	memset(ds, 0, sizeof *ds);
	ds->tf = d->tf;
	enum er_code rc =
	    er_x_district_load(d->reg, code, d->opt->mode, &ds->d, d->err);
	if (rc)
		return d->rc = rc;
	if ((rc = project_mpoly(d, &ds->d.shape)))
		return rc;
	ds->proj = ds->d.shape;
	ds->pminx = ds->d.shape.minx;
	ds->pminy = ds->d.shape.miny;
	ds->pmaxx = ds->d.shape.maxx;
	ds->pmaxy = ds->d.shape.maxy;
	if (!households)
		return ER_OK;
	rc = er_x_map_households(d->reg, &ds->d, collect_hh, ds, d->err);
	if (rc)
		return d->rc = rc;
	return ER_OK;
}

/* ---- the cover -------------------------------------------------------*/

struct cover {
	struct doc *d;
	const struct view *v; /* NULL: measuring the extent */
	double minx, miny, maxx, maxy;
	int any;
};

static enum er_code
cover_district(const struct er_xrate *r, void *ud, struct er_error *err)
{
	struct cover *c = ud;
	struct doc *d = c->d;
	struct er_mpoly mp;
	enum er_code rc = er_mpoly_from_wkb(r->wkb, r->wkb_len, &mp, err);
	if (rc)
		return rc;
	if ((rc = project_mpoly(d, &mp))) {
		er_mpoly_finish(&mp);
		return rc;
	}
	int mine = 0;
	for (size_t i = 0; i < d->ncodes && !mine; i++)
		mine = strcmp(d->codes[i], r->code) == 0;
	if (!c->v) {
		/* one association's file shows its own districts and what
		 * lies around them; the city atlas the whole city */
		if (d->highlight && !mine) {
			er_mpoly_finish(&mp);
			return ER_OK;
		}
		if (!c->any) {
			c->minx = mp.minx;
			c->miny = mp.miny;
			c->maxx = mp.maxx;
			c->maxy = mp.maxy;
			c->any = 1;
		}
		c->minx = fmin(c->minx, mp.minx);
		c->miny = fmin(c->miny, mp.miny);
		c->maxx = fmax(c->maxx, mp.maxx);
		c->maxy = fmax(c->maxy, mp.maxy);
		er_mpoly_finish(&mp);
		return ER_OK;
	}
	char rate[32];
	long rt = er_rate(r->assigned, r->registrants, 1);
	snprintf(rate, sizeof rate, "%ld.%ld", rt / 10, rt % 10);
	struct props p = {0};
	props_add(&p, "code", r->code);
	props_add(&p, "name", r->name);
	props_add(&p, "support_rate", r->registrants ? rate : NULL);
	const struct er_rule *rules[MAX_RULES];
	size_t n = match(d, "coverage", &p, rules);
	mpoly_path(d->cr, c->v, &mp);
	cairo_set_fill_rule(d->cr, CAIRO_FILL_RULE_EVEN_ODD);
	paint_path(d->cr, rules, n, 1, 0.5);
	/* this document's districts stand out */
	if (d->highlight && mine) {
		mpoly_path(d->cr, c->v, &mp);
		cairo_set_source_rgb(d->cr, 0, 0, 0);
		cairo_set_line_width(d->cr, 1.5);
		cairo_stroke(d->cr);
		/* and its name, at the inside point nearest its middle */
		double mx = (mp.minx + mp.maxx) / 2,
		       my = (mp.miny + mp.maxy) / 2;
		double best = INFINITY, bx = mx, by = my;
		for (int i = 0; i <= 14; i++)
			for (int k = 0; k <= 14; k++) {
				double X =
				    mp.minx + (mp.maxx - mp.minx) * i / 14;
				double Y =
				    mp.miny + (mp.maxy - mp.miny) * k / 14;
				double dd = hypot(X - mx, Y - my);
				if (dd < best && er_mpoly_contains(&mp, X, Y)) {
					best = dd;
					bx = X;
					by = Y;
				}
			}
		double px, py, tw, th;
		to_page(c->v, bx, by, &px, &py);
		PangoLayout *l = layout_new(d, r->name, 9, 1, 0);
		layout_size(l, &tw, &th);
		g_object_unref(l);
		struct er_color fg = {0, 0, 0, 1}, halo = {1, 1, 1, 0.9};
		text_halo(d, px - tw / 2, py - th / 2, r->name, 9, &fg, &halo,
		          1.5);
	}
	er_mpoly_finish(&mp);
	return ER_OK;
}

static const struct {
	const char *head;
	double share;
} toc_cols[] = {
    {"地区コード", 0.17}, {"地区名", 0.25}, {"町内会", 0.28},
    {"地図の世帯", 0.11}, {"支援率", 0.1},  {"頁", 0.09},
};
#define NTOC (sizeof toc_cols / sizeof toc_cols[0])

static double
toc_row(struct doc *d, char cells[NTOC][256], double x, double y, double tw,
        int bold, int shade)
{
	double h = 0;
	for (size_t i = 0; i < NTOC; i++) {
		PangoLayout *l =
		    layout_new(d, cells[i], 8, bold,
		               toc_cols[i].share * tw - 2 * CELL_PAD);
		double w, th;
		layout_size(l, &w, &th);
		g_object_unref(l);
		h = fmax(h, th);
	}
	h += 2 * CELL_PAD;
	if (!d->draw || y < 0)
		return h;
	if (shade) {
		cairo_rectangle(d->cr, x, y, tw, h);
		cairo_set_source_rgb(d->cr, 0.9, 0.92, 0.95);
		cairo_fill(d->cr);
	}
	cairo_set_source_rgb(d->cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(d->cr, 0.3);
	cairo_move_to(d->cr, x, y + h);
	cairo_line_to(d->cr, x + tw, y + h);
	cairo_stroke(d->cr);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	double cx = x;
	for (size_t i = 0; i < NTOC; i++) {
		double cw = toc_cols[i].share * tw;
		text(d, cx + CELL_PAD, y + CELL_PAD, cw - 2 * CELL_PAD,
		     cells[i], 8, bold, i >= 3 ? RIGHT : LEFT);
		cx += cw;
	}
	return h;
}

static int
cover_pages(struct doc *d)
{
	double w, h;
	paper_size(d, d->opt->orientation == ER_ORIENT_LANDSCAPE, &w, &h);
	if (page_begin(d, w, h))
		return -1;
	d->page_assoc = NULL;
	int pages = 1;
	double tw = w - 2 * MARGIN;
	double y = MARGIN;
	cairo_t *cr = d->cr;
	if (d->draw)
		cairo_set_source_rgb(cr, 0, 0, 0);
	y += text(d, MARGIN, y, tw, d->title, 18, 1, LEFT) + 1 * MM;
	char sub[600];
	snprintf(sub, sizeof sub, "提供先: %s　　データ時点 %s　　%s",
	         d->recipient ? d->recipient : "（町内会なし）",
	         d->data_date[0] ? d->data_date : "―",
	         d->opt->mode == ER_MODE_DISASTER ? "災害時提供"
	                                          : "平常時（同意者のみ）");
	y += text(d, MARGIN, y, tw, sub, 9, 0, LEFT) + 3 * MM;

	/* the city, coloured by support rate */
	struct view v = {.fx = MARGIN, .fy = y, .fw = tw - 55 * MM};
	/* as tall as the city needs, between a quarter and half the page;
	 * counted and drawn alike, as the contents follow it */
	struct cover c = {.d = d};
	if (er_x_district_rates(d->reg, 0, cover_district, &c, d->err))
		goto fail;
	v.fh = (h - 2 * MARGIN) * 0.5;
	if (c.any && c.maxx > c.minx)
		v.fh = fmax(
		    (h - 2 * MARGIN) * 0.25,
		    fmin(v.fh, v.fw * (c.maxy - c.miny) / (c.maxx - c.minx)));
	if (d->draw) {
		if (c.any && view_fit(d, &v, c.minx, c.miny, c.maxx, c.maxy))
			return -1;
		c.v = &v;
		cairo_save(cr);
		cairo_rectangle(cr, v.fx, v.fy, v.fw, v.fh);
		cairo_clip(cr);
		if (c.any && er_x_district_rates(d->reg, 1, cover_district, &c,
		                                 d->err)) {
			cairo_restore(cr);
			goto fail;
		}
		cairo_restore(cr);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		cairo_set_line_width(cr, 0.8);
		cairo_rectangle(cr, v.fx, v.fy, v.fw, v.fh);
		cairo_stroke(cr);
		const char *layers[] = {"coverage"};
		legend(d, v.fx + v.fw + 4 * MM, v.fy, 51 * MM, layers, 1);
		if (v.s > 0)
			scale_bar(d, v.fx + v.fw + 8 * MM, v.fy + v.fh - 8 * MM,
			          40 * MM, v.s);
		north_arrow(d, v.fx + v.fw + 45 * MM, v.fy + v.fh - 24 * MM);
	}
	y += v.fh + 5 * MM;

	/* the table of contents */
	if (d->draw)
		cairo_set_source_rgb(cr, 0, 0, 0);
	y += text(d, MARGIN, y, tw, "目次", 12, 1, LEFT) + 1 * MM;
	char cells[NTOC][256];
	for (size_t i = 0; i < NTOC; i++)
		snprintf(cells[i], 256, "%s", toc_cols[i].head);
	double bottom = h - MARGIN - FOOTER_H;
	y += toc_row(d, cells, MARGIN, y, tw, 1, 1);
	for (size_t k = 0; k < d->ncodes; k++) {
		const struct toc *t = &d->toc[k];
		snprintf(cells[0], 256, "%s", t->code ? t->code : "");
		snprintf(cells[1], 256, "%s", t->name ? t->name : "");
		snprintf(cells[2], 256, "%s", t->assoc ? t->assoc : "");
		snprintf(cells[3], 256, "%ld", t->shown_households);
		fmt_rate(t->rate, cells[4], 256);
		snprintf(cells[5], 256, "%d", t->page);
		double rh = toc_row(d, cells, 0, -1, tw, 0, 0);
		if (y + rh > bottom) {
			if (page_end(d) || page_begin(d, w, h))
				return -1;
			pages++;
			y = MARGIN;
			char hc[NTOC][256];
			for (size_t i = 0; i < NTOC; i++)
				snprintf(hc[i], 256, "%s", toc_cols[i].head);
			y += toc_row(d, hc, MARGIN, y, tw, 1, 1);
		}
		toc_row(d, cells, MARGIN, y, tw, 0, 0);
		y += rh;
	}
	if (page_end(d))
		return -1;
	return pages;
fail:
	if (!d->rc)
		d->rc = d->err ? d->err->code : ER_EDB;
	return -1;
}

/* ---- documents -------------------------------------------------------*/

static void
toc_free(struct doc *d)
{
	for (size_t i = 0; d->toc && i < d->ncodes; i++) {
		er_free(d->toc[i].code);
		er_free(d->toc[i].name);
		er_free(d->toc[i].assoc);
	}
	ER_FREE(d->toc);
}

/* Renders one document (the PDF, or its pages as PNG/SVG files) for the
 * districts d->codes: pages are counted first, then drawn. */
static enum er_code
render_doc(struct doc *d, int with_cover)
{
	d->toc = er_calloc(d->ncodes ? d->ncodes : 1, sizeof *d->toc);
	if (!d->toc)
		return nomem(d);
	/* pass 1: count */
	d->draw = 0;
	d->page = 0;
	int pages = 0;
	for (size_t i = 0; i < d->ncodes; i++) {
		struct dist ds;
		/* counting needs the figures; the list pages, when there
		 * are any, stream the households */
		if (dist_load(d, d->codes[i], &ds, 0)) {
			dist_free(&ds);
			return d->rc;
		}
		struct toc *t = &d->toc[i];
		int oom = 0;
		t->code = dup_or_empty(ds.d.code, &oom);
		t->name = dup_or_empty(ds.d.name, &oom);
		t->assoc = dup_or_empty(ds.d.association_name, &oom);
		t->unassigned_households = ds.d.unassigned_households;
		t->shown_households = ds.d.shown_households;
		t->rate = er_rate(ds.d.assigned, ds.d.registrants, 1);
		if (i == 0 && !d->recipient && ds.d.association_name &&
		    !(d->recipient = er_strdup(ds.d.association_name)))
			oom = 1;
		d->page = 0;
		t->list_pages = d->opt->maps_only ? 0 : list_pages(d, &ds);
		d->registrants += ds.d.shown;
		d->households += ds.d.shown_households;
		if (d->opt->mode == ER_MODE_NORMAL)
			d->withheld += ds.d.withheld;
		dist_free(&ds);
		if (oom)
			return nomem(d);
		if (t->list_pages < 0)
			return d->rc;
	}
	d->page = 0;
	d->cover_pages = with_cover ? cover_pages(d) : 0;
	if (d->cover_pages < 0)
		return d->rc;
	pages = d->cover_pages;
	for (size_t i = 0; i < d->ncodes; i++) {
		d->toc[i].page = pages + 1;
		pages += 1 + d->toc[i].list_pages;
	}
	d->npages = pages;

	/* pass 2: draw */
	d->draw = 1;
	d->page = 0;
	if (with_cover && cover_pages(d) < 0)
		return d->rc;
	for (size_t i = 0; i < d->ncodes; i++) {
		struct dist ds;
		if (dist_load(d, d->codes[i], &ds, 1)) {
			dist_free(&ds);
			return d->rc;
		}
		map_page(d, &ds);
		if (!d->rc && (long)ds.nhh != ds.d.shown_households)
			d->rc = er_fail(d->err, ER_EDB, d->out,
			                "households changed while being drawn");
		if (!d->rc && !d->opt->maps_only && list_pages(d, &ds) < 0 &&
		    !d->rc)
			d->rc = ER_ERENDER;
		dist_free(&ds);
		if (d->rc)
			return d->rc;
	}
	if (d->page != d->npages)
		return d->rc = er_fail(d->err, ER_ERENDER, d->out,
		                       "drew %d pages, counted %d", d->page,
		                       d->npages);
	return doc_finish(d);
}

static void
doc_release(struct doc *d)
{
	if (d->cr)
		cairo_destroy(d->cr);
	if (d->surface) {
		cairo_surface_finish(d->surface);
		cairo_surface_destroy(d->surface);
	}
	d->cr = NULL;
	d->surface = NULL;
	toc_free(d);
	ER_FREE(d->recipient);
	ER_FREE(d->numsz);
	d->nnumsz = 0;
	ER_FREE(d->cullpt);
	d->capcull = 0;
	if (d->numsf)
		cairo_scaled_font_destroy(d->numsf);
	d->numsf = NULL;
}

static const char *
ext_strip(const char *out, char *base, size_t len)
{
	snprintf(base, len, "%s", out);
	char *dot = strrchr(base, '.');
	char *slash = strrchr(base, '/');
	if (dot && (!slash || dot > slash) &&
	    (strcmp(dot, ".pdf") == 0 || strcmp(dot, ".png") == 0 ||
	     strcmp(dot, ".svg") == 0))
		*dot = '\0';
	return base;
}

/* District codes and their associations, for --by-association. */
struct assoc_of {
	char **codes;
	size_t n;
	char **assoc; /* parallel to codes; NULL: none */
	int oom;
};

static enum er_code
assoc_fn(const struct er_xrate *r, void *ud, struct er_error *err)
{
	(void)err;
	struct assoc_of *a = ud;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->codes[i], r->code) == 0 && r->association_code &&
		    !a->assoc[i] &&
		    !(a->assoc[i] = er_strdup(r->association_code)))
			a->oom = 1;
	return ER_OK;
}

static int
safe_name(const char *s)
{
	if (!s || !s[0] || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	return strchr(s, '/') == NULL;
}

static enum er_code
check_options(const struct er_atlas_options *opt, struct er_error *err)
{
	if (!opt->out && !opt->by_association_dir)
		return er_fail(err, ER_EUSAGE, NULL, "the atlas needs --out");
	if (!opt->all == !opt->district)
		return er_fail(err, ER_EUSAGE, NULL,
		               "give one district (--district CODE) or --all");
	if (opt->by_association_dir && !opt->all)
		return er_fail(err, ER_EUSAGE, NULL,
		               "--by-association goes with --all");
	if (opt->png_dpi < 0 || opt->png_dpi > 1200)
		return er_fail(err, ER_EUSAGE, NULL,
		               "--dpi is 1 to 1200, not %g", opt->png_dpi);
	return er_x_check_mode(opt->mode, opt->reason, err);
}

static enum er_code
setup_crs(struct doc *d)
{
	const char *crs = er_register_crs(d->reg);
	char id[64];
	if (!crs || !crs[0]) {
		double x0, y0, x1, y1;
		enum er_code rc =
		    er_x_extent(d->reg, &x0, &y0, &x1, &y1, d->err);
		if (rc)
			return rc;
		if ((rc = er_crs_pick_jgd2011((x0 + x1) / 2, (y0 + y1) / 2, id,
		                              sizeof id, d->err)))
			return rc;
		crs = id;
	}
	enum er_code rc = er_crs_check(crs, d->crs_id, sizeof d->crs_id,
	                               d->crs_name, sizeof d->crs_name, d->err);
	if (rc)
		return rc;
	d->tf = er_crs_tf_create(d->crs_id, d->err);
	return d->tf ? ER_OK : (d->err ? d->err->code : ER_ECRS);
}

static void
export_time(char out[32])
{
	/* SOURCE_DATE_EPOCH makes reproducible pages (tests, goldens) */
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

enum er_code
er_export_atlas(struct er_register *reg, const struct er_atlas_options *opt,
                struct er_export_result *res, struct er_error *err)
{
	struct er_export_result dummy;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof *res);
	enum er_code rc = check_options(opt, err);
	if (rc)
		return rc;
	struct doc d = {.reg = reg, .opt = opt, .err = err};
	d.title = opt->title && opt->title[0] ? opt->title : DEFAULT_TITLE;
	const char *style = opt->style ? opt->style : er_default_style_path();
	if (!style)
		return er_fail(err, ER_EIO, NULL,
		               "cannot find styles/default.sld; give --style");
	d.style = er_style_load(style, err);
	if (!d.style)
		return err ? err->code : ER_EPARSE;
	er_x_data_date(reg, d.data_date);
	export_time(d.export_time);
	char **codes = NULL;
	size_t ncodes = 0;
	struct assoc_of ao = {0};
	if ((rc = setup_crs(&d)))
		goto out;
	d.fontmap = pango_cairo_font_map_new();
	d.pango = d.fontmap ? pango_font_map_create_context(d.fontmap) : NULL;
	if (!d.pango) {
		rc = er_fail(err, ER_ERENDER, NULL, "cannot start Pango");
		goto out;
	}
	{
		/* the same metrics on every surface: counted pages are
		 * drawn pages */
		cairo_font_options_t *fo = cairo_font_options_create();
		cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
		cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
		pango_cairo_context_set_font_options(d.pango, fo);
		cairo_font_options_destroy(fo);
		pango_cairo_context_set_resolution(d.pango, 72);
	}
	if ((rc = er_x_begin(reg, err)))
		goto out;
	if (opt->all) {
		if ((rc = er_x_district_codes(reg, &codes, &ncodes, err)))
			goto rollback;
		if (!ncodes) {
			rc = er_fail(err, ER_EUSAGE, er_register_path(reg),
			             "no district has registrants");
			goto rollback;
		}
	} else {
		struct er_xdistrict probe;
		if ((rc = er_x_district_load(reg, opt->district, opt->mode,
		                             &probe, err)))
			goto rollback;
		er_x_district_finish(&probe);
		codes = er_calloc(1, sizeof *codes);
		if (!codes || !(codes[0] = er_strdup(opt->district))) {
			rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
			goto rollback;
		}
		ncodes = 1;
	}

	const char *action = opt->format == ER_PAGES_PNG   ? "export png"
	                     : opt->format == ER_PAGES_SVG ? "export svg"
	                                                   : "export pdf";
	size_t start = 0;
	if (opt->by_association_dir) {
		if (mkdir(opt->by_association_dir, 0700) != 0 &&
		    errno != EEXIST) {
			rc = er_fail(err, ER_EIO, opt->by_association_dir,
			             "cannot create: %s", strerror(errno));
			goto rollback;
		}
		ao.codes = codes;
		ao.n = ncodes;
		ao.assoc = er_calloc(ncodes, sizeof *ao.assoc);
		if (!ao.assoc) {
			rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
			goto rollback;
		}
		if ((rc = er_x_district_rates(reg, 0, assoc_fn, &ao, err)))
			goto rollback;
		if (ao.oom) {
			rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
			goto rollback;
		}
		/* group by association (codes stay in order inside) */
		for (size_t i = 1; i < ncodes; i++)
			for (size_t j = i; j > 0; j--) {
				const char *a =
				    ao.assoc[j - 1] ? ao.assoc[j - 1] : "\x7f";
				const char *b =
				    ao.assoc[j] ? ao.assoc[j] : "\x7f";
				if (strcmp(a, b) <= 0)
					break;
				char *t = codes[j];
				codes[j] = codes[j - 1];
				codes[j - 1] = t;
				t = ao.assoc[j];
				ao.assoc[j] = ao.assoc[j - 1];
				ao.assoc[j - 1] = t;
			}
	}
	while (start < ncodes) {
		size_t end = ncodes;
		char out[4200];
		const char *dst = opt->out;
		if (opt->by_association_dir) {
			end = start + 1;
			while (end < ncodes &&
			       !((ao.assoc[end] == NULL) !=
			         (ao.assoc[start] == NULL)) &&
			       (!ao.assoc[end] ||
			        strcmp(ao.assoc[end], ao.assoc[start]) == 0))
				end++;
			const char *name = ao.assoc[start] ? ao.assoc[start]
			                                   : "no-association";
			if (!safe_name(name)) {
				rc = er_fail(err, ER_EINVALID,
				             er_register_path(reg),
				             "association code \"%s\" cannot "
				             "name a file",
				             name);
				goto rollback;
			}
			snprintf(out, sizeof out, "%s/%s.%s",
			         opt->by_association_dir, name,
			         opt->format == ER_PAGES_PNG   ? "png"
			         : opt->format == ER_PAGES_SVG ? "svg"
			                                       : "pdf");
			dst = out;
		}
		d.out = dst;
		ext_strip(dst, d.base, sizeof d.base);
		d.codes = codes + start;
		d.ncodes = end - start;
		d.registrants = d.households = d.withheld = 0;
		d.rc = ER_OK;
		size_t first_file = d.nfiles;
		if (!opt->all || opt->by_association_dir)
			d.recipient = NULL;
		else if (!(d.recipient = er_strdup("全町内会（市の控え）"))) {
			rc = nomem(&d);
			goto rollback;
		}
		d.highlight = opt->by_association_dir != NULL;
		rc = render_doc(&d, opt->all);
		if (rc)
			goto rollback;
		for (size_t i = first_file; i < d.nfiles; i++)
			if ((rc = er_x_audit(reg, action, d.files[i].tmp,
			                     d.files[i].dst, opt->mode,
			                     opt->reason,
			                     d.ncodes == 1 ? d.codes[0] : NULL,
			                     d.registrants, d.households, NULL,
			                     err)))
				goto rollback;
		res->registrants += d.registrants;
		res->households += d.households;
		res->withheld += d.withheld;
		doc_release(&d);
		start = end;
	}
	if ((rc = er_x_commit(reg, err)))
		goto rollback;
	/* the audit rows are in: move the files into place */
	for (size_t i = 0; i < d.nfiles; i++) {
		FILE *f = d.files[i].f;
		d.files[i].f = NULL;
		enum er_code r2 = er_output_commit(
		    f, d.files[i].tmp, d.files[i].dst, rc ? NULL : err);
		if (r2 && !rc)
			rc = r2;
		else if (!r2)
			res->files++;
	}
	goto out;
rollback:
	er_x_rollback(reg);
out:
	doc_release(&d);
	for (size_t i = 0; i < d.nfiles; i++)
		if (d.files[i].f)
			er_output_abort(d.files[i].f, d.files[i].tmp);
	er_free(d.files);
	icons_clear(&d);
	if (ao.assoc)
		for (size_t i = 0; i < ncodes; i++)
			er_free(ao.assoc[i]);
	er_free(ao.assoc);
	er_x_codes_free(codes, ncodes);
	if (d.pango)
		g_object_unref(d.pango);
	if (d.fontmap)
		g_object_unref(d.fontmap);
	er_crs_tf_destroy(d.tf);
	er_style_destroy(d.style);
	return rc;
}
