/* Map styles: a reader for OGC SLD 1.0 / SE 1.1 files (styles/NAME.sld)
 * and rule matching on feature attributes. One style drives the KML export
 * and the PDF renderer. */
#ifndef ER_SRC_STYLE_H
#define ER_SRC_STYLE_H

#include <stddef.h>

#include <evacreg/error.h>

struct er_color {
	double r, g, b, a; /* 0..1 */
};

enum er_sym_kind {
	ER_SYM_POINT = 1,
	ER_SYM_LINE,
	ER_SYM_POLYGON,
	ER_SYM_TEXT,
};

struct er_symbolizer {
	enum er_sym_kind kind;
	/* fill (polygon, point mark, text) */
	int has_fill;
	struct er_color fill;
	/* stroke (line, polygon outline, point mark outline) */
	int has_stroke;
	struct er_color stroke;
	double stroke_width; /* pixels at 96 dpi as SLD says; 0: 1 */
	double dash[8];      /* stroke-dasharray, pixels */
	size_t ndash;
	/* point: a well-known mark or an external graphic */
	char *mark;   /* "circle", "square", "triangle", "star", "cross",
			 "x"; NULL with icon */
	char *icon;   /* ExternalGraphic href resolved against the SLD's
			 folder (absolute path), or an http(s) URL; NULL */
	char *icon_format; /* "image/png", ... */
	double size;       /* point size in pixels; 0: 8 */
	double rotation;   /* degrees */
	/* text */
	char *label;       /* PropertyName of the label, NULL otherwise */
	char *font_family; /* NULL: default */
	double font_size;  /* 0: 10 */
	int has_halo;
	struct er_color halo;
	double halo_radius;
};

enum er_filter_op {
	ER_F_EQ = 1, /* PropertyIsEqualTo */
	ER_F_NE,     /* PropertyIsNotEqualTo */
	ER_F_LT,
	ER_F_LE,
	ER_F_GT,
	ER_F_GE,
	ER_F_LIKE,    /* PropertyIsLike (wildCard, singleChar, escapeChar) */
	ER_F_NULL,    /* PropertyIsNull */
	ER_F_BETWEEN, /* PropertyIsBetween: literal..literal2 */
	ER_F_AND,
	ER_F_OR,
	ER_F_NOT,
};

struct er_filter {
	enum er_filter_op op;
	char *property;
	char *literal;
	char *literal2;                  /* BETWEEN upper bound */
	char wild, single, escape;       /* LIKE */
	int match_case;                  /* default 1 */
	size_t nchildren;                /* AND, OR, NOT */
	struct er_filter *children;
};

struct er_rule {
	char *name;
	char *title; /* legend text; falls back to name */
	struct er_filter *filter; /* NULL: always matches */
	int is_else;              /* ElseFilter */
	double min_scale, max_scale; /* denominators; 0: unset */
	size_t nsyms;
	struct er_symbolizer *syms;
};

/* One NamedLayer (or UserLayer): its Name is the evacreg layer it
 * styles — "district", "neighbour", "household", "shelter",
 * "hazard_zone", "coverage", or a base-map layer name ("roads", ...). */
struct er_style_layer {
	char *name;
	char *title;
	size_t nrules; /* rules of all its FeatureTypeStyles, in order */
	struct er_rule *rules;
};

struct er_style {
	char *path; /* the file read */
	char *name, *title;
	size_t nlayers;
	struct er_style_layer *layers;
};

/* Reads an SLD document from memory (libxml2, no network, no entities,
 * no DTD loading). path names it in messages and resolves relative
 * icon paths. Errors: ER_EPARSE with where "path:line" for malformed
 * XML or SLD (unknown colour, bad number, unknown filter), ER_ENOMEM.
 * Caller frees with er_style_destroy(). */
struct er_style *er_style_read(const char *path, const char *data,
			       size_t len, struct er_error *err);
/* Reads path from disk; ER_EIO if it cannot be read. */
struct er_style *er_style_load(const char *path, struct er_error *err);
void er_style_destroy(struct er_style *style); /* NULL: no-op */

/* The layer called name, or NULL. Borrowed. */
const struct er_style_layer *er_style_layer(const struct er_style *style,
					    const char *name);

/* Attribute lookup for filters: returns the value of property name for
 * the feature (NULL when absent). */
typedef const char *(*er_style_prop_fn)(const char *name, void *ud);

/* Whether filter matches. Comparisons are numeric when both sides parse
 * as numbers, else by strcmp (case-folded when matchCase="false"). */
int er_filter_eval(const struct er_filter *f, er_style_prop_fn prop,
		   void *ud);

/* The rules of layer that apply to a feature, in order: every rule
 * whose filter matches, or, when none does, every ElseFilter rule.
 * scale_denom 0 ignores scale limits. Writes up to max rules into out
 * and returns how many apply. */
size_t er_style_match(const struct er_style_layer *layer,
		      er_style_prop_fn prop, void *ud, double scale_denom,
		      const struct er_rule **out, size_t max);

/* "#rrggbb" + opacity -> KML's "aabbggrr". out has 9 bytes. */
void er_color_kml(const struct er_color *c, char out[9]);

#endif
