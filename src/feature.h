/* In-memory feature model shared by the GeoJSON, KML and GML readers. */
#ifndef ER_SRC_FEATURE_H
#define ER_SRC_FEATURE_H

#include <stddef.h>

#include <evacreg/error.h>

/* How geometry_text is encoded; store.c turns it into a SpatiaLite
 * geometry with GeomFromGeoJSON, GeomFromKml or GeomFromGML. */
enum er_geom_format {
	ER_GEOM_NONE = 0, /* the feature has no geometry */
	ER_GEOM_GEOJSON,  /* a GeoJSON geometry object, as JSON text */
	ER_GEOM_KML,      /* a KML geometry element, serialised XML */
	ER_GEOM_GML,      /* a GML geometry element, serialised XML */
};

struct er_feature {
	unsigned line;   /* 1-based line where the feature starts in the file */
	unsigned column; /* 1-based column, 0 when unknown */
	size_t nprops;
	char **keys;   /* property names, UTF-8 */
	char **values; /* property values as text; NULL for JSON null */
	enum er_geom_format geom_format;
	char *geom_text;
	unsigned geom_line; /* where the geometry starts, for error messages */
	/* KML/GML: the geometry could not be read; "path:line: message".
	 * geom_format is then ER_GEOM_NONE. Lets an import reject just this
	 * feature. */
	char *geom_error;
};

/* Called once per feature. The feature is borrowed: valid only during the
 * call. Return ER_OK to go on; anything else stops the reader, which
 * returns that code (err already set by the callback). */
typedef enum er_code (*er_feature_fn)(const struct er_feature *f, void *ud,
				      struct er_error *err);

/* The value of property key (exact match first, then ASCII
 * case-insensitive), or NULL when absent or null. Borrowed. */
const char *er_feature_get(const struct er_feature *f, const char *key);

/* Frees the members of f (not f itself) and zeroes it. */
void er_feature_finish(struct er_feature *f);

/* Appends property key = value to f, which must be zeroed or grown only
 * by these functions (they size keys/values themselves). Properties keep
 * document order; a repeated key is kept, and er_feature_get() finds the
 * first. er_feature_add_prop copies key and value (value NULL: a null);
 * er_feature_add_propn copies value[0..len), which needs no NUL;
 * er_feature_take_prop takes ownership of key and value, allocated with
 * er_malloc(), and frees them on failure. Errors: ER_ENOMEM. */
enum er_code er_feature_add_prop(struct er_feature *f, const char *key,
				 const char *value, struct er_error *err);
enum er_code er_feature_add_propn(struct er_feature *f, const char *key,
				  const char *value, size_t len,
				  struct er_error *err);
enum er_code er_feature_take_prop(struct er_feature *f, char *key,
				  char *value, struct er_error *err);

/* Writes s[0..len) into buf (size >= 16) for a reader's message: quotes,
 * backslashes and control characters escaped, cut at a character
 * boundary to fit, with "..." when cut. */
void er_feature_quote(char *buf, size_t size, const char *s, size_t len);

/* Readers. path is used for messages ("file:line: ..."); data/len is the
 * whole file. Each reads every feature and calls fn. Errors: ER_EPARSE
 * with where = "path:line:column" for malformed input, ER_ENOMEM.
 * GeoJSON gives the geometry object's exact source text, and
 * properties as text (numbers as written, true/false, null as NULL,
 * objects and arrays as their JSON text). KML and GML give a checked,
 * rewritten geometry (SpatiaLite 5.0.1 crashes on some valid input; see
 * kml.c and gml.c), and their errors about a well-formed document name
 * only the line ("path:line"), as libxml2 keeps no column for elements;
 * f->column is 0 for them. XML is parsed without network, file or entity
 * access (see xml.h). */
enum er_code er_geojson_read(const char *path, const char *data, size_t len,
			     er_feature_fn fn, void *ud, struct er_error *err);
enum er_code er_kml_read(const char *path, const char *data, size_t len,
			 er_feature_fn fn, void *ud, struct er_error *err);
enum er_code er_gml_read(const char *path, const char *data, size_t len,
			 er_feature_fn fn, void *ud, struct er_error *err);

#endif
