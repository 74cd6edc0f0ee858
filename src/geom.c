/* WKB polygon decoding and point-in-polygon (crossing number). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "geom.h"

struct rd {
	const unsigned char *p;
	size_t len, off;
	int le;
};

static int
rd_u8(struct rd *r, unsigned *v)
{
	if (r->off + 1 > r->len)
		return -1;
	*v = r->p[r->off++];
	return 0;
}

static int
rd_u32(struct rd *r, uint32_t *v)
{
	if (r->off + 4 > r->len)
		return -1;
	const unsigned char *b = r->p + r->off;
	*v = r->le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 |
			     (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
		   : (uint32_t)b[3] | (uint32_t)b[2] << 8 |
			     (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
	r->off += 4;
	return 0;
}

static int
rd_f64(struct rd *r, double *v)
{
	if (r->off + 8 > r->len)
		return -1;
	uint64_t u = 0;
	for (int i = 0; i < 8; i++) {
		unsigned b = r->p[r->off + (r->le ? (size_t)i : (size_t)(7 - i))];
		u |= (uint64_t)b << (8 * i);
	}
	memcpy(v, &u, sizeof *v);
	r->off += 8;
	return 0;
}

/* Reads the byte-order mark and type; returns the base type (1..7) and
 * the number of ordinates per point. */
static int
rd_header(struct rd *r, uint32_t *type, int *dims)
{
	unsigned bo;
	if (rd_u8(r, &bo) || bo > 1)
		return -1;
	r->le = bo == 1;
	uint32_t t;
	if (rd_u32(r, &t))
		return -1;
	*dims = 2;
	if (t >= 3000) {
		*dims = 4;
		t -= 3000;
	} else if (t >= 2000 || t >= 1000) {
		*dims = 3;
		t %= 1000;
	}
	*type = t;
	return 0;
}

static int
rd_polygon(struct rd *r, int dims, struct er_polygon *pg, struct er_mpoly *mp)
{
	uint32_t nr;
	if (rd_u32(r, &nr) || nr > r->len / 4)
		return -1;
	pg->rings = er_calloc(nr ? nr : 1, sizeof *pg->rings);
	if (!pg->rings)
		return -2;
	pg->nrings = nr;
	for (uint32_t i = 0; i < nr; i++) {
		uint32_t np;
		if (rd_u32(r, &np) || (size_t)np * 16 > r->len - r->off)
			return -1;
		struct er_ring *ring = &pg->rings[i];
		ring->xy = er_malloc((np ? np : 1) * 2 * sizeof(double));
		if (!ring->xy)
			return -2;
		ring->n = np;
		for (uint32_t k = 0; k < np; k++) {
			double x, y, z;
			if (rd_f64(r, &x) || rd_f64(r, &y))
				return -1;
			for (int d = 2; d < dims; d++)
				if (rd_f64(r, &z))
					return -1;
			ring->xy[2 * k] = x;
			ring->xy[2 * k + 1] = y;
			if (x < mp->minx)
				mp->minx = x;
			if (x > mp->maxx)
				mp->maxx = x;
			if (y < mp->miny)
				mp->miny = y;
			if (y > mp->maxy)
				mp->maxy = y;
		}
	}
	return 0;
}

enum er_code
er_mpoly_from_wkb(const unsigned char *wkb, size_t len, struct er_mpoly *mp,
		  struct er_error *err)
{
	memset(mp, 0, sizeof *mp);
	mp->minx = mp->miny = INFINITY;
	mp->maxx = mp->maxy = -INFINITY;
	struct rd r = {.p = wkb, .len = len};
	uint32_t type;
	int dims, rc = 0;
	if (rd_header(&r, &type, &dims))
		goto bad;
	if (type == 3) {
		mp->polys = er_calloc(1, sizeof *mp->polys);
		if (!mp->polys)
			goto nomem;
		mp->npolys = 1;
		rc = rd_polygon(&r, dims, &mp->polys[0], mp);
	} else if (type == 6) {
		uint32_t n;
		if (rd_u32(&r, &n) || n > len / 9)
			goto bad;
		mp->polys = er_calloc(n ? n : 1, sizeof *mp->polys);
		if (!mp->polys)
			goto nomem;
		mp->npolys = n;
		for (uint32_t i = 0; i < n && rc == 0; i++) {
			uint32_t t;
			int d;
			if (rd_header(&r, &t, &d) || t != 3)
				goto bad;
			rc = rd_polygon(&r, d, &mp->polys[i], mp);
		}
	} else {
		goto bad;
	}
	if (rc == -2)
		goto nomem;
	if (rc)
		goto bad;
	return ER_OK;
bad:
	er_mpoly_finish(mp);
	return er_fail(err, ER_EPARSE, NULL, "not a WKB polygon");
nomem:
	er_mpoly_finish(mp);
	return er_fail(err, ER_ENOMEM, NULL, "out of memory");
}

void
er_mpoly_finish(struct er_mpoly *mp)
{
	for (size_t i = 0; i < mp->npolys; i++) {
		struct er_polygon *pg = &mp->polys[i];
		for (size_t k = 0; pg->rings && k < pg->nrings; k++)
			er_free(pg->rings[k].xy);
		er_free(pg->rings);
	}
	er_free(mp->polys);
	memset(mp, 0, sizeof *mp);
}

/* -1 on the ring's boundary, else the crossing parity (0/1). */
static int
ring_cross(const struct er_ring *ring, double x, double y)
{
	int c = 0;
	for (size_t i = 0, j = ring->n ? ring->n - 1 : 0; i < ring->n;
	     j = i++) {
		double xi = ring->xy[2 * i], yi = ring->xy[2 * i + 1];
		double xj = ring->xy[2 * j], yj = ring->xy[2 * j + 1];
		/* on the segment? */
		double cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
		if (cross == 0 && x >= fmin(xi, xj) && x <= fmax(xi, xj) &&
		    y >= fmin(yi, yj) && y <= fmax(yi, yj))
			return -1;
		if ((yi > y) != (yj > y) &&
		    x < (xj - xi) * (y - yi) / (yj - yi) + xi)
			c = !c;
	}
	return c;
}

int
er_mpoly_contains(const struct er_mpoly *mp, double x, double y)
{
	if (x < mp->minx || x > mp->maxx || y < mp->miny || y > mp->maxy)
		return 0;
	for (size_t i = 0; i < mp->npolys; i++) {
		const struct er_polygon *pg = &mp->polys[i];
		if (!pg->nrings)
			continue;
		int in = ring_cross(&pg->rings[0], x, y);
		if (in == 0)
			continue;
		if (in < 0)
			return 1;
		int hole = 0;
		for (size_t k = 1; k < pg->nrings && !hole; k++) {
			int h = ring_cross(&pg->rings[k], x, y);
			if (h < 0)
				return 1; /* on a hole's edge: boundary */
			hole = h;
		}
		if (!hole)
			return 1;
	}
	return 0;
}

static int
near_ring(const struct er_ring *ring, double x, double y, double eps2)
{
	for (size_t i = 1; i < ring->n; i++) {
		double ax = ring->xy[2 * i - 2], ay = ring->xy[2 * i - 1];
		double bx = ring->xy[2 * i], by = ring->xy[2 * i + 1];
		double dx = bx - ax, dy = by - ay;
		double len2 = dx * dx + dy * dy;
		double t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
		double px = ax + t * dx - x, py = ay + t * dy - y;
		if (px * px + py * py <= eps2)
			return 1;
	}
	return 0;
}

int
er_mpoly_locate(const struct er_mpoly *mp, double x, double y, double eps)
{
	if (x < mp->minx - eps || x > mp->maxx + eps || y < mp->miny - eps ||
	    y > mp->maxy + eps)
		return 0;
	double eps2 = eps * eps;
	for (size_t i = 0; i < mp->npolys; i++)
		for (size_t k = 0; k < mp->polys[i].nrings; k++)
			if (near_ring(&mp->polys[i].rings[k], x, y, eps2))
				return -1;
	return er_mpoly_contains(mp, x, y);
}

/* SpatiaLite's BLOB-Geometry: 0x00, byte order (1 little-endian), SRID
 * (4), MBR (4 doubles), 0x7C, class (4; 1 = POINT), X, Y, 0xFE. */
static double
blob_double(const unsigned char *p, int little)
{
	const int host_little =
		__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = little == host_little ? p[i] : p[7 - i];
	double d;
	memcpy(&d, b, sizeof d);
	return d;
}

int
er_splite_point(const unsigned char *blob, size_t len, double *x, double *y)
{
	if (len != 60 || blob[0] != 0x00 || blob[38] != 0x7C ||
	    blob[59] != 0xFE || (blob[1] != 0 && blob[1] != 1))
		return -1;
	int little = blob[1] == 1;
	uint32_t cls = little ? (uint32_t)blob[39] | (uint32_t)blob[40] << 8 |
					(uint32_t)blob[41] << 16 |
					(uint32_t)blob[42] << 24
			      : (uint32_t)blob[42] | (uint32_t)blob[41] << 8 |
					(uint32_t)blob[40] << 16 |
					(uint32_t)blob[39] << 24;
	if (cls != 1)
		return -1;
	*x = blob_double(blob + 43, little);
	*y = blob_double(blob + 51, little);
	return 0;
}
