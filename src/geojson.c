/* GeoJSON (RFC 7946) reader: a FeatureCollection or one Feature; every
 * property becomes text and every geometry its exact JSON source text. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "feature.h"
#include "json.h"
#include <evacreg/error.h>

struct gj {
	const char *path;
	const char *data;
	er_feature_fn fn;
	void *ud;
	struct er_error *err;
};

static enum er_code
fail_pos(const struct gj *g, unsigned line, unsigned column, const char *fmt,
         va_list ap)
{
	char where[256], msg[512];
	snprintf(where, sizeof where, "%s:%u:%u", g->path, line, column);
	vsnprintf(msg, sizeof msg, fmt, ap);
	return er_fail(g->err, ER_EPARSE, where, "%s", msg);
}

/* Fails with where = the position of value v. */
static enum er_code fail_at(const struct gj *g, const struct er_json *v,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum er_code
fail_at(const struct gj *g, const struct er_json *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum er_code rc = fail_pos(g, v->line, v->column, fmt, ap);
	va_end(ap);
	return rc;
}

/* Fails with where = the position of the key of member m. */
static enum er_code fail_key(const struct gj *g, const struct er_json_member *m,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum er_code
fail_key(const struct gj *g, const struct er_json_member *m, const char *fmt,
         ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum er_code rc = fail_pos(g, m->line, m->column, fmt, ap);
	va_end(ap);
	return rc;
}

/* What v is, for messages: a string is quoted, others named by type. */
static const char *
describe(const struct er_json *v, char *buf, size_t size)
{
	if (v->type != ER_JSON_STRING)
		return er_json_type_name(v->type);
	char q[96];
	er_feature_quote(q, sizeof q, v->u.str, v->n);
	snprintf(buf, size, "\"%s\"", q);
	return buf;
}

static int
is_string(const struct er_json *v, const char *s)
{
	return v && v->type == ER_JSON_STRING && strlen(s) == v->n &&
	       memcmp(v->u.str, s, v->n) == 0;
}

static enum er_code
add_property(const struct gj *g, struct er_feature *f,
             const struct er_json_member *m)
{
	const struct er_json *v = &m->value;
	char q[96];
	if (strlen(m->key) != m->key_len) {
		er_feature_quote(q, sizeof q, m->key, m->key_len);
		return fail_key(g, m,
		                "property name \"%s\" contains a NUL "
		                "character (\\u0000)",
		                q);
	}
	switch (v->type) {
	case ER_JSON_NULL:
		return er_feature_add_prop(f, m->key, NULL, g->err);
	case ER_JSON_TRUE:
		return er_feature_add_prop(f, m->key, "true", g->err);
	case ER_JSON_FALSE:
		return er_feature_add_prop(f, m->key, "false", g->err);
	case ER_JSON_STRING:
		if (strlen(v->u.str) != v->n) {
			er_feature_quote(q, sizeof q, m->key, strlen(m->key));
			return fail_at(g, v,
			               "property \"%s\" contains a NUL "
			               "character (\\u0000)",
			               q);
		}
		return er_feature_add_propn(f, m->key, v->u.str, v->n, g->err);
	case ER_JSON_NUMBER:
	case ER_JSON_ARRAY:
	case ER_JSON_OBJECT:
		/* numbers keep their source digits; nested values their
		 * JSON text */
		return er_feature_add_propn(f, m->key, g->data + v->start,
		                            v->end - v->start, g->err);
	}
	return ER_OK;
}

static enum er_code
read_geometry(const struct gj *g, struct er_feature *f,
              const struct er_json *geom)
{
	static const char *const types[] = {
	    "Point",   "MultiPoint",   "LineString",         "MultiLineString",
	    "Polygon", "MultiPolygon", "GeometryCollection",
	};
	char buf[128];
	if (!geom || geom->type == ER_JSON_NULL)
		return ER_OK;
	if (geom->type != ER_JSON_OBJECT)
		return fail_at(g, geom,
		               "\"geometry\" must be an object or null, not %s",
		               describe(geom, buf, sizeof buf));
	const struct er_json *type = er_json_get(geom, "type");
	if (!type)
		return fail_at(g, geom, "geometry has no \"type\" member");
	size_t i = 0;
	while (i < sizeof types / sizeof types[0] && !is_string(type, types[i]))
		i++;
	if (i == sizeof types / sizeof types[0])
		return fail_at(g, type, "unknown geometry type %s",
		               describe(type, buf, sizeof buf));
	f->geom_text =
	    er_strndup(g->data + geom->start, geom->end - geom->start);
	if (!f->geom_text)
		return er_fail(g->err, ER_ENOMEM, g->path,
		               "out of memory reading a geometry");
	f->geom_format = ER_GEOM_GEOJSON;
	f->geom_line = geom->line;
	return ER_OK;
}

/* Reads one Feature object; label names it in messages. */
static enum er_code
read_feature(const struct gj *g, const struct er_json *fv, const char *label)
{
	char buf[128];
	if (fv->type != ER_JSON_OBJECT)
		return fail_at(g, fv, "%s is %s, not a Feature object", label,
		               describe(fv, buf, sizeof buf));
	const struct er_json *type = er_json_get(fv, "type");
	if (!type)
		return fail_at(g, fv, "%s has no \"type\": \"Feature\"", label);
	if (!is_string(type, "Feature"))
		return fail_at(g, type,
		               "expected \"type\": \"Feature\", found %s",
		               describe(type, buf, sizeof buf));
	const struct er_json *props = er_json_get(fv, "properties");
	if (props && props->type != ER_JSON_OBJECT &&
	    props->type != ER_JSON_NULL)
		return fail_at(g, props,
		               "\"properties\" must be an object or null, not "
		               "%s",
		               describe(props, buf, sizeof buf));

	struct er_feature f;
	memset(&f, 0, sizeof f);
	f.line = fv->line;
	f.column = fv->column;
	enum er_code rc = ER_OK;
	if (props && props->type == ER_JSON_OBJECT)
		for (size_t i = 0; i < props->n && rc == ER_OK; i++)
			rc = add_property(g, &f, &props->u.members[i]);
	if (rc == ER_OK)
		rc = read_geometry(g, &f, er_json_get(fv, "geometry"));
	if (rc == ER_OK)
		rc = g->fn(&f, g->ud, g->err);
	er_feature_finish(&f);
	return rc;
}

enum er_code
er_geojson_read(const char *path, const char *data, size_t len,
                er_feature_fn fn, void *ud, struct er_error *err)
{
	struct er_error local;
	if (!err)
		err = &local;
	er_error_clear(err);
	struct gj g = {
	    .path = path ? path : "",
	    .data = data,
	    .fn = fn,
	    .ud = ud,
	    .err = err,
	};
	struct er_json_doc *doc = er_json_parse(g.path, data, len, err);
	if (!doc)
		return err->code;
	const struct er_json *root = er_json_root(doc);
	const struct er_json *type = er_json_get(root, "type");
	char buf[128];
	enum er_code rc = ER_OK;
	if (root->type != ER_JSON_OBJECT) {
		rc = fail_at(&g, root,
		             "expected a GeoJSON FeatureCollection or Feature "
		             "object, found %s",
		             describe(root, buf, sizeof buf));
	} else if (!type) {
		rc = fail_at(&g, root, "GeoJSON object has no \"type\" member");
	} else if (is_string(type, "Feature")) {
		rc = read_feature(&g, root, "the feature");
	} else if (!is_string(type, "FeatureCollection")) {
		rc = fail_at(&g, type,
		             "expected \"type\": \"FeatureCollection\" or "
		             "\"Feature\", found %s",
		             describe(type, buf, sizeof buf));
	} else {
		const struct er_json *features = er_json_get(root, "features");
		if (!features) {
			rc = fail_at(&g, root,
			             "FeatureCollection has no \"features\" "
			             "member");
		} else if (features->type != ER_JSON_ARRAY) {
			rc = fail_at(&g, features,
			             "\"features\" must be an array, not %s",
			             describe(features, buf, sizeof buf));
		} else {
			for (size_t i = 0; i < features->n && rc == ER_OK;
			     i++) {
				char label[48];
				snprintf(label, sizeof label, "features[%zu]",
				         i);
				rc = read_feature(&g, &features->u.items[i],
				                  label);
			}
		}
	}
	er_json_destroy(doc);
	return rc;
}
