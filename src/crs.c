/* PROJ wrapper: the only file that includes proj.h. Each call or handle
 * has its own PJ_CONTEXT, so there is no global PROJ state. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <proj.h>

#include "alloc.h"
#include "crs.h"

struct er_crs_tf {
	PJ_CONTEXT *ctx;
	PJ *pj;
};

static enum er_code
proj_fail(PJ_CONTEXT *ctx, struct er_error *err, const char *where,
	  const char *what)
{
	int e = proj_context_errno(ctx);
	return er_fail(err, ER_ECRS, where, "%s: %s", what,
		       e ? proj_context_errno_string(ctx, e) : "unknown CRS");
}

enum er_code
er_crs_check(const char *def, char *id, size_t idlen, char *name,
	     size_t namelen, struct er_error *err)
{
	enum er_code rc = ER_OK;
	PJ_CONTEXT *ctx = proj_context_create();
	if (!ctx)
		return er_fail(err, ER_ENOMEM, def, "cannot start PROJ");
	proj_log_level(ctx, PJ_LOG_NONE);
	PJ *crs = proj_create(ctx, def);
	if (!crs) {
		rc = er_fail(err, ER_ECRS, def,
			     "PROJ does not know the CRS \"%s\"", def);
		goto out;
	}
	if (proj_get_type(crs) != PJ_TYPE_PROJECTED_CRS) {
		rc = er_fail(err, ER_ECRS, def,
			     "\"%s\" is not a projected CRS; distances and "
			     "maps need one, e.g. EPSG:6680",
			     def);
		goto out;
	}
	const char *auth = proj_get_id_auth_name(crs, 0);
	const char *code = proj_get_id_code(crs, 0);
	if (auth && code)
		snprintf(id, idlen, "%s:%s", auth, code);
	else
		snprintf(id, idlen, "%s", def);
	const char *nm = proj_get_name(crs);
	snprintf(name, namelen, "%s", nm ? nm : def);
out:
	proj_destroy(crs);
	proj_context_destroy(ctx);
	return rc;
}

static int
origin_of(PJ_CONTEXT *ctx, PJ *crs, double *lon0, double *lat0)
{
	PJ *op = proj_crs_get_coordoperation(ctx, crs);
	if (!op)
		return -1;
	int ok = 0;
	const char *names[2] = {"Longitude of natural origin",
				"Latitude of natural origin"};
	double *out[2] = {lon0, lat0};
	for (int k = 0; k < 2; k++) {
		int idx = proj_coordoperation_get_param_index(ctx, op,
							      names[k]);
		double v = 0, conv = 1;
		if (idx < 0 ||
		    !proj_coordoperation_get_param(ctx, op, idx, NULL, NULL,
						   NULL, &v, NULL, &conv, NULL,
						   NULL, NULL, NULL))
			ok = -1;
		else
			*out[k] = v * conv * 180.0 / M_PI;
	}
	proj_destroy(op);
	return ok;
}

enum er_code
er_crs_pick_jgd2011(double lon, double lat, char *id, size_t idlen,
		    struct er_error *err)
{
	PJ_CONTEXT *ctx = proj_context_create();
	if (!ctx)
		return er_fail(err, ER_ENOMEM, NULL, "cannot start PROJ");
	proj_log_level(ctx, PJ_LOG_NONE);
	int best = 0;
	double best_d = 1e9;
	for (int code = 6669; code <= 6687; code++) {
		char def[32];
		snprintf(def, sizeof def, "EPSG:%d", code);
		PJ *crs = proj_create(ctx, def);
		if (!crs)
			continue;
		double w, s, e, n, lon0 = 0, lat0 = 0;
		if (proj_get_area_of_use(ctx, crs, &w, &s, &e, &n, NULL) &&
		    lon >= w && lon <= e && lat >= s && lat <= n &&
		    origin_of(ctx, crs, &lon0, &lat0) == 0) {
			double dx = (lon - lon0) * cos(lat * M_PI / 180.0);
			double dy = lat - lat0;
			double d = sqrt(dx * dx + dy * dy);
			if (d < best_d) {
				best_d = d;
				best = code;
			}
		}
		proj_destroy(crs);
	}
	proj_context_destroy(ctx);
	if (!best)
		return er_fail(err, ER_ECRS, NULL,
			       "no JGD2011 plane rectangular zone covers "
			       "%.6f, %.6f; give one with --crs",
			       lon, lat);
	snprintf(id, idlen, "EPSG:%d", best);
	return ER_OK;
}

struct er_crs_tf *
er_crs_tf_create(const char *crs, struct er_error *err)
{
	struct er_crs_tf *tf = er_calloc(1, sizeof *tf);
	if (!tf) {
		er_fail(err, ER_ENOMEM, crs, "out of memory");
		return NULL;
	}
	tf->ctx = proj_context_create();
	if (!tf->ctx) {
		er_fail(err, ER_ENOMEM, crs, "cannot start PROJ");
		goto fail;
	}
	proj_log_level(tf->ctx, PJ_LOG_NONE);
	PJ *raw = proj_create_crs_to_crs(tf->ctx, "EPSG:4326", crs, NULL);
	if (!raw) {
		proj_fail(tf->ctx, err, crs, "cannot transform to this CRS");
		goto fail;
	}
	/* lon/lat in, easting/northing out, whatever the axis order of
	 * the CRS definitions. */
	tf->pj = proj_normalize_for_visualization(tf->ctx, raw);
	proj_destroy(raw);
	if (!tf->pj) {
		proj_fail(tf->ctx, err, crs, "cannot normalise axis order");
		goto fail;
	}
	return tf;
fail:
	er_crs_tf_destroy(tf);
	return NULL;
}

void
er_crs_tf_destroy(struct er_crs_tf *tf)
{
	if (!tf)
		return;
	proj_destroy(tf->pj);
	if (tf->ctx)
		proj_context_destroy(tf->ctx);
	er_free(tf);
}

static enum er_code
transform(struct er_crs_tf *tf, PJ_DIRECTION dir, double *x, double *y,
	  size_t n, struct er_error *err)
{
	size_t done = proj_trans_generic(tf->pj, dir, x, sizeof *x, n, y,
					 sizeof *y, n, NULL, 0, 0, NULL, 0, 0);
	if (done != n)
		return proj_fail(tf->ctx, err, NULL, "transform failed");
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return er_fail(err, ER_ECRS, NULL,
				       "point %zu cannot be transformed", i);
	return ER_OK;
}

enum er_code
er_crs_tf_forward(struct er_crs_tf *tf, double *x, double *y, size_t n,
		  struct er_error *err)
{
	return transform(tf, PJ_FWD, x, y, n, err);
}

enum er_code
er_crs_tf_inverse(struct er_crs_tf *tf, double *x, double *y, size_t n,
		  struct er_error *err)
{
	return transform(tf, PJ_INV, x, y, n, err);
}
