/* Which district holds a point, and the registrants' derived location
 * (own point, else the household's) and district.
 *
 * Districts are held as C polygons behind a uniform grid over their
 * extent: a point is tested only against the districts whose box meets
 * its cell, in code order, so the lowest code wins as before. A point
 * within 1e-9 degrees of an edge is settled exactly by GEOS through
 * SpatiaLite (POINT_DISTRICT).
 *
 * A finer grid remembers, for every cell that no polygon edge (grown by
 * that tolerance) passes through, the answer found for its first point:
 * every point of such a cell is inside the same districts, so the rest
 * of a cell's points cost one lookup. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "geom.h"
#include "regimpl.h"

#define EDGE_EPS 1e-9
#define GRID 128  /* candidate lists */
#define FINE 1024 /* answers of cells no edge passes through */
#define UNKNOWN (-3)
#define EDGY (-4)

struct er_locator;
static int scan_cell(const struct er_locator *l, double x, double y);

struct dshape {
	char *code;
	struct er_mpoly mp;
};

struct er_locator {
	struct er_register *reg;
	struct dshape *d;
	size_t n;
	double minx, miny, maxx, maxy, cw, ch;
	uint32_t *start; /* GRID * GRID + 1 offsets into cand */
	uint32_t *cand;	 /* district indexes per cell, ascending */
	int32_t *fine;	 /* FINE * FINE: UNKNOWN, EDGY or the answer */
	double fw, fh;
	char exact[256];
};

void
er_locator_close(struct er_locator *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		er_free(l->d[i].code);
		er_mpoly_finish(&l->d[i].mp);
	}
	er_free(l->d);
	er_free(l->start);
	er_free(l->cand);
	er_free(l->fine);
	er_free(l);
}

static enum er_code
load_shapes(struct er_locator *l, struct er_error *err)
{
	struct er_store *st = l->reg->st;
	enum er_stmt q = ER_STMT_DISTRICT_SHAPES;
	size_t cap = 0;
	enum er_code rc = er_store_query(st, q, err, "");
	if (rc)
		return rc;
	int r;
	while ((r = er_store_next(st, q, err)) == 1) {
		if (er_grow(&l->d, &cap, l->n + 1, sizeof *l->d, 256)) {
			rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
			break;
		}
		struct dshape *d = &l->d[l->n];
		memset(d, 0, sizeof *d);
		d->code = er_strdup(er_store_text(st, q, 0));
		if (!d->code) {
			rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
			break;
		}
		l->n++;
		int len;
		const void *wkb = er_store_blob(st, q, 4, &len);
		if ((rc = er_mpoly_from_wkb(wkb, (size_t)len, &d->mp, err)))
			break;
	}
	if (r == 1)
		er_store_done(st, q);
	if (!rc && r < 0)
		rc = ER_EDB;
	return rc;
}

/* The cell, of n a side, that v falls in along one axis. */
static int
cell_in(double v, double lo, double w, int n)
{
	double c = floor((v - lo) / w);
	return c < 0 ? 0 : c >= n ? n - 1 : (int)c;
}

static int
cell_of(double v, double lo, double w)
{
	return cell_in(v, lo, w, GRID);
}

static int
fine_of(double v, double lo, double w)
{
	return cell_in(v, lo, w, FINE);
}

/* Counting pass, then filling pass: each district goes into every cell
 * its box (grown by the edge tolerance) meets. */
static enum er_code
build_grid(struct er_locator *l, struct er_error *err)
{
	l->minx = l->miny = INFINITY;
	l->maxx = l->maxy = -INFINITY;
	for (size_t i = 0; i < l->n; i++) {
		const struct er_mpoly *m = &l->d[i].mp;
		l->minx = fmin(l->minx, m->minx - EDGE_EPS);
		l->miny = fmin(l->miny, m->miny - EDGE_EPS);
		l->maxx = fmax(l->maxx, m->maxx + EDGE_EPS);
		l->maxy = fmax(l->maxy, m->maxy + EDGE_EPS);
	}
	l->cw = (l->maxx - l->minx) / GRID;
	l->ch = (l->maxy - l->miny) / GRID;
	l->start = er_calloc(GRID * GRID + 1, sizeof *l->start);
	if (!l->start)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	size_t total = 0;
	for (int pass = 0; pass < 2; pass++) {
		uint32_t *fill = NULL;
		if (pass == 1) {
			for (size_t c = 0; c < GRID * GRID; c++)
				l->start[c + 1] += l->start[c];
			total = l->start[GRID * GRID];
			l->cand = er_malloc((total ? total : 1) *
					    sizeof *l->cand);
			fill = er_malloc(GRID * GRID * sizeof *fill);
			if (!l->cand || !fill) {
				er_free(fill);
				return er_fail(err, ER_ENOMEM, NULL,
					       "out of memory");
			}
			memcpy(fill, l->start, GRID * GRID * sizeof *fill);
		}
		for (size_t i = 0; i < l->n; i++) {
			const struct er_mpoly *m = &l->d[i].mp;
			int x0 = cell_of(m->minx - EDGE_EPS, l->minx, l->cw);
			int x1 = cell_of(m->maxx + EDGE_EPS, l->minx, l->cw);
			int y0 = cell_of(m->miny - EDGE_EPS, l->miny, l->ch);
			int y1 = cell_of(m->maxy + EDGE_EPS, l->miny, l->ch);
			for (int y = y0; y <= y1; y++)
				for (int x = x0; x <= x1; x++) {
					size_t c = (size_t)y * GRID + (size_t)x;
					if (pass == 0)
						l->start[c + 1]++;
					else
						l->cand[fill[c]++] =
							(uint32_t)i;
				}
		}
		er_free(fill);
	}
	return ER_OK;
}

/* Marks EDGY every fine cell that the box of a ring segment, grown by
 * the tolerance, meets. */
static enum er_code
build_fine(struct er_locator *l, struct er_error *err)
{
	l->fine = er_malloc((size_t)FINE * FINE * sizeof *l->fine);
	if (!l->fine)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	for (size_t c = 0; c < (size_t)FINE * FINE; c++)
		l->fine[c] = UNKNOWN;
	l->fw = (l->maxx - l->minx) / FINE;
	l->fh = (l->maxy - l->miny) / FINE;
	for (size_t i = 0; i < l->n; i++) {
		const struct er_mpoly *m = &l->d[i].mp;
		for (size_t p = 0; p < m->npolys; p++)
			for (size_t r = 0; r < m->polys[p].nrings; r++) {
				const struct er_ring *g = &m->polys[p].rings[r];
				for (size_t k = 0; k + 1 < g->n; k++) {
					const double *a = &g->xy[2 * k];
					const double *b = a + 2;
					int x0 = fine_of(fmin(a[0], b[0]) - EDGE_EPS,
							 l->minx, l->fw);
					int x1 = fine_of(fmax(a[0], b[0]) + EDGE_EPS,
							 l->minx, l->fw);
					int y0 = fine_of(fmin(a[1], b[1]) - EDGE_EPS,
							 l->miny, l->fh);
					int y1 = fine_of(fmax(a[1], b[1]) + EDGE_EPS,
							 l->miny, l->fh);
					for (int y = y0; y <= y1; y++)
						for (int x = x0; x <= x1; x++)
							l->fine[(size_t)y * FINE +
								(size_t)x] = EDGY;
				}
			}
	}
	return ER_OK;
}

enum er_code
er_locator_open(struct er_register *reg, struct er_locator **out,
		struct er_error *err)
{
	*out = NULL;
	struct er_locator *l = er_calloc(1, sizeof *l);
	if (!l)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	l->reg = reg;
	enum er_code rc = load_shapes(l, err);
	if (!rc && l->n)
		rc = build_grid(l, err);
	if (!rc && l->n)
		rc = build_fine(l, err);
	if (rc) {
		er_locator_close(l);
		return rc;
	}
	*out = l;
	return ER_OK;
}

/* Index of the district holding (x, y): -1 none, -2 near an edge. */
static int
district_index(struct er_locator *l, double x, double y)
{
	if (!l->n || !(x >= l->minx && x <= l->maxx && y >= l->miny &&
		       y <= l->maxy))
		return -1;
	size_t f = (size_t)fine_of(y, l->miny, l->fh) * FINE +
		   (size_t)fine_of(x, l->minx, l->fw);
	int32_t known = l->fine[f];
	if (known >= -1)
		return known;
	int ans = scan_cell(l, x, y);
	if (known == UNKNOWN)
		l->fine[f] = ans == -2 ? EDGY : ans;
	return ans;
}

static int
scan_cell(const struct er_locator *l, double x, double y)
{
	size_t c = (size_t)cell_of(y, l->miny, l->ch) * GRID +
		   (size_t)cell_of(x, l->minx, l->cw);
	for (uint32_t k = l->start[c]; k < l->start[c + 1]; k++) {
		int in = er_mpoly_locate(&l->d[l->cand[k]].mp, x, y,
					 EDGE_EPS);
		if (in < 0)
			return -2;
		if (in)
			return (int)l->cand[k];
	}
	return -1;
}

int
er_locator_guess(struct er_locator *l, double lon, double lat,
		 const char **code)
{
	int i = district_index(l, lon, lat);
	*code = i >= 0 ? l->d[i].code : NULL;
	return i == -2;
}

enum er_code
er_locator_exact(struct er_locator *l, double lon, double lat,
		 const char **code, struct er_error *err)
{
	*code = NULL;
	struct er_store *st = l->reg->st;
	enum er_stmt p = ER_STMT_POINT_DISTRICT;
	enum er_code rc = er_store_query(st, p, err, "dd", lon, lat);
	if (rc)
		return rc;
	if (er_store_next(st, p, err) != 1)
		return ER_EDB;
	const char *t = er_store_text(st, p, 0);
	if (t) {
		snprintf(l->exact, sizeof l->exact, "%s", t);
		*code = l->exact;
	}
	er_store_done(st, p);
	return ER_OK;
}

enum er_code
er_locator_find(struct er_locator *l, double lon, double lat,
		const char **code, struct er_error *err)
{
	if (!er_locator_guess(l, lon, lat, code))
		return ER_OK;
	return er_locator_exact(l, lon, lat, code, err);
}

struct change {
	int64_t rowid;
	double lon, lat;
	int has;	  /* has a location */
	const char *code; /* a locator's string, or NULL */
	char *exact;	  /* owned copy when settled by GEOS */
};

static int
same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Reads the located rows, collects what differs, then writes: updating
 * rows under a running SELECT of the same table is undefined in
 * SQLite. */
enum er_code
er_register_locate(struct er_register *reg, int all, struct er_error *err)
{
	struct er_store *st = reg->st;
	struct er_locator *l;
	enum er_code rc = er_locator_open(reg, &l, err);
	if (rc)
		return rc;
	struct change *ch = NULL;
	size_t nch = 0, cap = 0;
	enum er_stmt q = ER_STMT_REG_LOCS;
	if ((rc = er_store_query(st, q, err, "l", (long)all)))
		goto out;
	int r;
	while ((r = er_store_next(st, q, err)) == 1) {
		struct change c = {.rowid = er_store_int(st, q, 0)};
		const char *cur = er_store_text(st, q, 3);
		int had = !er_store_isnull(st, q, 1);
		int len = 0;
		const unsigned char *blob = er_store_blob(st, q, 4, &len);
		if (blob) {
			if (er_splite_point(blob, (size_t)len, &c.lon, &c.lat)) {
				er_store_done(st, q);
				rc = er_fail(err, ER_EDB, NULL,
					     "registrant %lld: geom is not a "
					     "point", (long long)c.rowid);
				goto out;
			}
			c.has = 1;
			/* the import placed it there, with the districts as
			 * they are: nothing to do */
			if (!all && had && er_store_double(st, q, 1) == c.lon &&
			    er_store_double(st, q, 2) == c.lat)
				continue;
			if ((rc = er_locator_find(l, c.lon, c.lat, &c.code,
						  err))) {
				er_store_done(st, q);
				goto out;
			}
		}
		if (had == c.has && same_text(cur, c.code) &&
		    (!c.has || (er_store_double(st, q, 1) == c.lon &&
				er_store_double(st, q, 2) == c.lat)))
			continue;
		if (c.code && c.code == l->exact &&
		    !(c.code = c.exact = er_strdup(l->exact))) {
			er_store_done(st, q);
			rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
			goto out;
		}
		if (nch == cap) {
			size_t n = cap ? cap * 2 : 1024;
			struct change *x = er_realloc(ch, n * sizeof *x);
			if (!x) {
				er_free(c.exact);
				er_store_done(st, q);
				rc = er_fail(err, ER_ENOMEM, NULL,
					     "out of memory");
				goto out;
			}
			ch = x;
			cap = n;
		}
		ch[nch++] = c;
	}
	if (r < 0) {
		rc = ER_EDB;
		goto out;
	}
	for (size_t i = 0; i < nch && !rc; i++) {
		const struct change *c = &ch[i];
		rc = c->has ? er_store_run(st, ER_STMT_REG_SET_LOC, NULL, err,
					   "iddt", c->rowid, c->lon, c->lat,
					   c->code)
			    : er_store_run(st, ER_STMT_REG_SET_LOC, NULL, err,
					   "innt", c->rowid, c->code);
	}
out:
	for (size_t i = 0; i < nch; i++)
		er_free(ch[i].exact);
	er_free(ch);
	er_locator_close(l);
	return rc;
}
