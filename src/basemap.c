/* Base-map import: roads, buildings, water and rivers from GeoJSON or
 * OpenStreetMap XML into one named layer of the register, for maps. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "basemap.h"
#include "export.h"
#include "regimpl.h"
#include <evacreg/export.h>

/* Margin around the districts' extent, in degrees (about 2 km): roads
 * just outside a district still frame its map. */
#define MARGIN 0.02

struct bctx {
	struct er_register *reg;
	const char *layer;
	const char *path;
	int osm;
	double minx, miny, maxx, maxy;
	char now[24];
	struct er_import_result *res;
};

static enum er_code
read_whole(const char *path, char **data, size_t *len, struct er_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return er_fail(err, ER_EIO, path, "cannot read: %s",
		               strerror(errno));
	size_t cap = 1 << 16, n = 0, got;
	char *buf = er_malloc(cap + 1);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			char *nb = er_realloc(buf, cap + 1);
			if (!nb)
				ER_FREE(buf);
			buf = nb;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (!buf)
		return er_fail(err, ER_ENOMEM, path, "out of memory");
	if (bad) {
		er_free(buf);
		return er_fail(err, ER_EIO, path, "read error");
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return ER_OK;
}

static enum er_code
add_feature(const struct er_feature *f, void *ud, struct er_error *err)
{
	struct bctx *c = ud;
	c->res->read++;
	if (c->osm) {
		/* an .osm file holds every layer; take the one asked for */
		const char *l = er_feature_get(f, "layer");
		if (!l || strcmp(l, c->layer) != 0) {
			c->res->read--;
			return ER_OK;
		}
	}
	if (f->geom_format != ER_GEOM_GEOJSON || !f->geom_text) {
		c->res->rejected++;
		return ER_OK;
	}
	const char *kind = er_feature_get(f, "kind");
	if (!kind && !c->osm)
		kind = er_feature_get(f, "type");
	const char *name = er_feature_get(f, "name");
	char source[300];
	snprintf(source, sizeof source, "%s:%u", c->path, f->line);
	long changes = 0;
	enum er_code rc =
	    er_store_run(c->reg->st, ER_STMT_BASEMAP_INSERT_NEAR, &changes, err,
	                 "ttttttdddd", c->layer, kind, name, source,
	                 f->geom_text, c->now, c->minx - MARGIN,
	                 c->miny - MARGIN, c->maxx + MARGIN, c->maxy + MARGIN);
	if (rc)
		return rc;
	/* not inserted: no valid line or polygon, or outside the city */
	if (changes)
		c->res->added++;
	else
		c->res->rejected++;
	return ER_OK;
}

static int
is_osm(const char *path, const char *data, size_t len)
{
	const char *dot = strrchr(path, '.');
	if (dot && strcmp(dot, ".osm") == 0)
		return 1;
	size_t i = 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && strchr(" \t\r\n", data[i]))
		i++;
	return i < len && data[i] == '<';
}

static int
valid_layer(const char *layer)
{
	if (!layer || !layer[0] || strlen(layer) > 40)
		return 0;
	for (const char *p = layer; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			return 0;
	/* the names the map's own layers use */
	static const char *const reserved[] = {"district",    "neighbour",
	                                       "household",   "shelter",
	                                       "hazard_zone", "coverage"};
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (strcmp(layer, reserved[i]) == 0)
			return 0;
	return 1;
}

static enum er_code
audit(struct bctx *c, struct er_error *err)
{
	char sha[65];
	enum er_code rc = er_sha256_file(c->path, sha, err);
	if (rc)
		return rc;
	char detail[300];
	snprintf(detail, sizeof detail,
	         "{\"layer\":\"%s\",\"read\":%ld,\"added\":%ld,"
	         "\"rejected\":%ld}",
	         c->layer, c->res->read, c->res->added, c->res->rejected);
	struct er_audit_row row = {
	    .action = "import basemap",
	    .file = c->path,
	    .file_sha256 = sha,
	    .detail = detail,
	    .registrants = -1,
	    .households = -1,
	};
	return er_audit_append(c->reg, &row, err);
}

enum er_code
er_basemap_import(struct er_register *reg, const char *path, const char *layer,
                  struct er_import_result *res, struct er_error *err)
{
	struct er_import_result dummy;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof *res);
	if (reg->readonly)
		return er_fail(err, ER_EUSAGE, reg->path,
		               "the register is open read-only");
	if (!valid_layer(layer))
		return er_fail(err, ER_EUSAGE, NULL,
		               "layer name \"%s\" is not usable: use a-z, 0-9, "
		               "_ or - (roads, buildings, water, rivers, ...) "
		               "and none of the map's own layers",
		               layer ? layer : "");
	struct bctx c = {.reg = reg, .layer = layer, .path = path, .res = res};
	er_now_iso(c.now);
	enum er_code rc =
	    er_x_extent(reg, &c.minx, &c.miny, &c.maxx, &c.maxy, err);
	if (rc == ER_EUSAGE)
		return er_fail(err, ER_EUSAGE, reg->path,
		               "import districts before base-map layers (they "
		               "are kept only around the districts)");
	if (rc)
		return rc;
	char *data = NULL;
	size_t len = 0;
	if ((rc = read_whole(path, &data, &len, err)))
		return rc;
	c.osm = is_osm(path, data, len);
	if (c.osm && strcmp(layer, "roads") != 0 &&
	    strcmp(layer, "buildings") != 0 && strcmp(layer, "water") != 0 &&
	    strcmp(layer, "rivers") != 0) {
		er_free(data);
		return er_fail(err, ER_EUSAGE, path,
		               "from OpenStreetMap XML, --layer is roads, "
		               "buildings, water or rivers, not \"%s\"",
		               layer);
	}
	if ((rc = er_store_begin(reg->st, err)))
		goto out;
	if ((rc = er_store_run(reg->st, ER_STMT_BASEMAP_CLEAR, NULL, err, "t",
	                       layer)))
		goto rollback;
	if (c.osm)
		rc = er_osm_read(path, data, len, add_feature, &c, err);
	else
		rc = er_geojson_read(path, data, len, add_feature, &c, err);
	if (rc)
		goto rollback;
	if ((rc = audit(&c, err)))
		goto rollback;
	if ((rc = er_store_commit(reg->st, err)))
		goto rollback;
	res->committed = 1;
	goto out;
rollback:
	er_store_rollback(reg->st);
out:
	er_free(data);
	return rc;
}
