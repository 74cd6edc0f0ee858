/* Planar geometry on lon/lat arrays: WKB (multi)polygons, bounding
 * boxes and point-in-polygon, for synthetic placement. */
#ifndef ER_SRC_GEOM_H
#define ER_SRC_GEOM_H

#include <stddef.h>

#include <evacreg/error.h>

struct er_ring {
	size_t n;   /* points, first == last */
	double *xy; /* x0, y0, x1, y1, ... */
};

struct er_polygon {
	size_t nrings; /* ring 0 is the exterior, the rest are holes */
	struct er_ring *rings;
};

struct er_mpoly {
	size_t npolys;
	struct er_polygon *polys;
	double minx, miny, maxx, maxy;
};

/* Parses WKB Polygon or MultiPolygon (2D; Z/M ordinates skipped) into
 * mp. Errors: ER_EPARSE (truncated, wrong type), ER_ENOMEM. */
enum er_code er_mpoly_from_wkb(const unsigned char *wkb, size_t len,
			       struct er_mpoly *mp, struct er_error *err);
void er_mpoly_finish(struct er_mpoly *mp);

/* 1 when (x, y) is inside mp, 0 when outside, -1 when it lies within
 * eps of an edge, where the answer needs exact arithmetic (GEOS). */
int er_mpoly_locate(const struct er_mpoly *mp, double x, double y, double eps);

/* 1 when (x, y) is inside or on the boundary of mp, else 0. */
int er_mpoly_contains(const struct er_mpoly *mp, double x, double y);

/* The coordinates of a SpatiaLite POINT blob (XY, either byte order):
 * 0, or -1 when the blob is anything else. */
int er_splite_point(const unsigned char *blob, size_t len, double *x,
		    double *y);

#endif
