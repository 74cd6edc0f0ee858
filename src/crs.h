/* Coordinate reference systems through PROJ: checking a user's CRS,
 * picking a JGD2011 plane rectangular zone, and lon/lat transforms. */
#ifndef ER_SRC_CRS_H
#define ER_SRC_CRS_H

#include <stddef.h>

#include <evacreg/error.h>

/* Checks that def ("EPSG:6680", a PROJ string or WKT) names a projected
 * CRS. Writes its normalised "AUTH:CODE" (or def itself when it has no
 * identifier) into id and its name into name. Errors: ER_ECRS. */
enum er_code er_crs_check(const char *def, char *id, size_t idlen, char *name,
			  size_t namelen, struct er_error *err);

/* The JGD2011 plane rectangular zone (EPSG:6669..6687) whose area of use
 * contains lon/lat and whose origin is nearest. Writes "EPSG:66xx".
 * Errors: ER_ECRS when no zone covers the point. */
enum er_code er_crs_pick_jgd2011(double lon, double lat, char *id,
				 size_t idlen, struct er_error *err);

/* A transform from WGS84 lon/lat to a projected CRS (x east, y north). */
struct er_crs_tf;
struct er_crs_tf *er_crs_tf_create(const char *crs, struct er_error *err);
void er_crs_tf_destroy(struct er_crs_tf *tf);
/* Transforms n points in place. Errors: ER_ECRS. */
enum er_code er_crs_tf_forward(struct er_crs_tf *tf, double *x, double *y,
			       size_t n, struct er_error *err);
enum er_code er_crs_tf_inverse(struct er_crs_tf *tf, double *x, double *y,
			       size_t n, struct er_error *err);

#endif
