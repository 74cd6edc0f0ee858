/* evacreg: maps and lists of unassigned households for associations —
 * KML/KMZ and PDF/PNG/SVG atlases — and base-map layers. */
#ifndef EVACREG_EXPORT_H
#define EVACREG_EXPORT_H

#include <evacreg/error.h>
#include <evacreg/register.h>

#ifdef __cplusplus
extern "C" {
#endif

enum er_mode {
	/* Normal times: only registrants shareable under the register's
	 * consent regime are written. */
	ER_MODE_NORMAL = 0,
	/* Disaster: every active unassigned registrant, for authorised
	 * responders; needs a reason, which is logged. */
	ER_MODE_DISASTER,
};

struct er_kml_options {
	const char *district; /* one district code, or NULL with all = 1 */
	int all;              /* every district into the folder out */
	const char *out;      /* file (district) or folder (all) */
	int kmz;              /* write zipped KMZ (doc.kml first) */
	enum er_mode mode;
	const char *reason; /* required in disaster mode; logged */
	const char *style;  /* SLD file; NULL: styles/default.sld */
};

struct er_export_result {
	long files;      /* files written */
	long registrants; /* registrants written, over all files */
	long households;  /* households written */
	long withheld;    /* normal mode: unassigned registrants left out */
};

/* Writes KML/KMZ for one district or for all (one file per district
 * plus index.kml). Every file is written to a temporary name and renamed
 * into place, and gets one audit_log row with its SHA-256. Errors:
 * ER_EUSAGE (no such district, disaster mode without a reason),
 * ER_EPARSE (style), ER_EIO, ER_EDB. */
ER_API enum er_code er_export_kml(struct er_register *reg,
				  const struct er_kml_options *opt,
				  struct er_export_result *res,
				  struct er_error *err);

enum er_paper {
	ER_PAPER_A4 = 0,
	ER_PAPER_A3,
};
enum er_orientation {
	ER_ORIENT_AUTO = 0,
	ER_ORIENT_PORTRAIT,
	ER_ORIENT_LANDSCAPE,
};
enum er_page_format {
	ER_PAGES_PDF = 0,
	ER_PAGES_PNG, /* one file per page: OUT-1.png, OUT-2.png, ... */
	ER_PAGES_SVG, /* one file per page: OUT-1.svg, ... */
};

struct er_atlas_options {
	const char *district; /* one district, or NULL with all = 1 */
	int all;
	/* with all: one PDF per association into this folder instead of
	 * one atlas (NULL: one atlas into out) */
	const char *by_association_dir;
	const char *out; /* the PDF (or PNG/SVG base name) */
	enum er_paper paper;
	enum er_orientation orientation;
	enum er_page_format format;
	enum er_mode mode;
	const char *reason;
	const char *style; /* SLD file; NULL: styles/default.sld */
	const char *title; /* NULL: "避難行動要支援者 未支援世帯地図" */
	double png_dpi;    /* 0: 150 */
	/* map pages only, no list pages (the cover and contents stay
	 * with all) */
	int maps_only;
};

/* Renders the atlas: per district a map page and (unless maps_only)
 * list pages, with a cover page and table of contents when all. Same consent
 * filtering, numbering and audit as er_export_kml(). Errors as er_export_kml(),
 * plus ER_ERENDER. */
ER_API enum er_code er_export_atlas(struct er_register *reg,
				    const struct er_atlas_options *opt,
				    struct er_export_result *res,
				    struct er_error *err);

/* Imports lines and polygons from GeoJSON or OpenStreetMap XML (.osm)
 * into the base-map layer named layer (roads, buildings, water, ...),
 * replacing what that layer held. Features outside the districts'
 * extent (with a margin) are skipped. res counts added and rejected. */
ER_API enum er_code er_basemap_import(struct er_register *reg,
				      const char *path, const char *layer,
				      struct er_import_result *res,
				      struct er_error *err);

/* The default style file (styles/default.sld) as found at run time:
 * $EVACREG_DATADIR/../styles, the source tree, then the installed
 * copy. Static buffer; NULL when none exists. */
ER_API const char *er_default_style_path(void);

#ifdef __cplusplus
}
#endif
#endif
