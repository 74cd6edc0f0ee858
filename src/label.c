/* Greedy label placement: candidates on rings of growing radius around
 * each marker, out to a bounded leader length, the first free one wins,
 * using grids of markers and placed boxes so thousands of households a
 * few metres apart stay fast. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "label.h"

int
er_label_boxes_overlap(double ax, double ay, double aw, double ah, double bx,
                       double by, double bw, double bh, double eps)
{
	return ax + aw > bx + eps && bx + bw > ax + eps && ay + ah > by + eps &&
	       by + bh > ay + eps;
}

/* Markers sorted into square cells of side >= d, so that every marker
 * within d of another (in x and in y) is in the same or a neighbouring
 * cell: pairs are found by looking at 3 x 3 cells, not at all n. */
struct bins {
	double x0, y0, cell;
	int nx, ny;
	size_t *start; /* per cell, then one more: where its markers begin */
	size_t *idx;   /* marker indices, cell by cell */
};

/* Cell of coordinate v on an axis of n cells; NaN goes to 0. */
static int
bin_of(double v, double v0, double cell, int n)
{
	double f = floor((v - v0) / cell);
	if (!(f >= 0))
		return 0;
	if (f >= n - 1)
		return n - 1;
	return (int)f;
}

static int
bins_init(struct bins *b, const struct er_label *L, size_t n, double d)
{
	memset(b, 0, sizeof *b);
	double minx = INFINITY, miny = INFINITY, maxx = -INFINITY,
	       maxy = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		minx = fmin(minx, L[i].x);
		miny = fmin(miny, L[i].y);
		maxx = fmax(maxx, L[i].x);
		maxy = fmax(maxy, L[i].y);
	}
	if (!(minx <= maxx && miny <= maxy)) {
		minx = miny = 0;
		maxx = maxy = 1;
	}
	/* no more cells than about 2n: a wider cell only means more
	 * pairs looked at, never a pair missed */
	double cell = d > 0 ? d : 1;
	double limit = 2.0 * (double)n + 16;
	for (;;) {
		double cx = floor((maxx - minx) / cell) + 1;
		double cy = floor((maxy - miny) / cell) + 1;
		if (cx * cy <= limit)
			break;
		cell *= 2;
	}
	b->x0 = minx;
	b->y0 = miny;
	b->cell = cell;
	b->nx = (int)floor((maxx - minx) / cell) + 1;
	b->ny = (int)floor((maxy - miny) / cell) + 1;
	size_t ncell = (size_t)b->nx * (size_t)b->ny;
	b->start = er_calloc(ncell + 1, sizeof *b->start);
	b->idx = er_malloc((n ? n : 1) * sizeof *b->idx);
	if (!b->start || !b->idx) {
		ER_FREE(b->start);
		ER_FREE(b->idx);
		return -1;
	}
	/* counting sort by cell, stable: indices ascend within a cell */
	for (size_t i = 0; i < n; i++)
		b->start[(size_t)bin_of(L[i].y, miny, cell, b->ny) * b->nx +
		         (size_t)bin_of(L[i].x, minx, cell, b->nx) + 1]++;
	for (size_t c = 0; c < ncell; c++)
		b->start[c + 1] += b->start[c];
	for (size_t i = 0; i < n; i++) {
		size_t c = (size_t)bin_of(L[i].y, miny, cell, b->ny) * b->nx +
		           (size_t)bin_of(L[i].x, minx, cell, b->nx);
		/* start[c] is advanced as the cell fills, then restored */
		b->idx[b->start[c]++] = i;
	}
	for (size_t c = ncell; c > 0; c--)
		b->start[c] = b->start[c - 1];
	b->start[0] = 0;
	return 0;
}

static void
bins_finish(struct bins *b)
{
	ER_FREE(b->start);
	ER_FREE(b->idx);
}

int
er_label_markers_within(const struct er_label *labels, size_t n, double d,
                        struct er_error *err)
{
	if (n < 2)
		return 0;
	struct bins b;
	if (bins_init(&b, labels, n, d)) {
		er_fail(err, ER_ENOMEM, NULL, "out of memory");
		return -1;
	}
	int found = 0;
	for (size_t i = 0; i < n && !found; i++) {
		const struct er_label *a = &labels[i];
		int qx = bin_of(a->x, b.x0, b.cell, b.nx);
		int qy = bin_of(a->y, b.y0, b.cell, b.ny);
		for (int cy = qy - 1; cy <= qy + 1 && !found; cy++)
			for (int cx = qx - 1; cx <= qx + 1 && !found; cx++) {
				if (cx < 0 || cy < 0 || cx >= b.nx ||
				    cy >= b.ny)
					continue;
				size_t c = (size_t)cy * b.nx + (size_t)cx;
				for (size_t k = b.start[c];
				     k < b.start[c + 1] && !found; k++) {
					size_t j = b.idx[k];
					found = j > i &&
					        hypot(a->x - labels[j].x,
					              a->y - labels[j].y) < d;
				}
			}
	}
	bins_finish(&b);
	return found;
}

/* A uniform grid over the frame: each cell lists the obstacles (placed
 * label boxes, markers, leader lines' boxes) that touch it. */
enum { OB_MARKER, OB_LABEL, OB_LEADER };
struct obstacle {
	double x, y, w, h; /* bounding box */
	int kind;          /* OB_*; a leader is the segment below */
	double x0, y0, x1, y1;
};

struct grid {
	double x0, y0, cell;
	int nx, ny;
	size_t *head; /* per cell: index + 1 of the last link, 0 none */
	struct link {
		size_t obstacle, next;
	} * links;
	size_t nlinks, caplinks;
	struct obstacle *obs;
	size_t nobs, capobs;
};

static int
cell_range(const struct grid *g, double x, double y, double w, double h,
           int *cx0, int *cy0, int *cx1, int *cy1)
{
	*cx0 = (int)floor((x - g->x0) / g->cell);
	*cy0 = (int)floor((y - g->y0) / g->cell);
	*cx1 = (int)floor((x + w - g->x0) / g->cell);
	*cy1 = (int)floor((y + h - g->y0) / g->cell);
	if (*cx0 < 0)
		*cx0 = 0;
	if (*cy0 < 0)
		*cy0 = 0;
	if (*cx1 >= g->nx)
		*cx1 = g->nx - 1;
	if (*cy1 >= g->ny)
		*cy1 = g->ny - 1;
	return *cx0 <= *cx1 && *cy0 <= *cy1;
}

static int
grid_add(struct grid *g, const struct obstacle *o)
{
	if (g->nobs == g->capobs) {
		size_t c = g->capobs ? g->capobs * 2 : 256;
		struct obstacle *x = er_realloc(g->obs, c * sizeof *x);
		if (!x)
			return -1;
		g->obs = x;
		g->capobs = c;
	}
	size_t id = g->nobs++;
	g->obs[id] = *o;
	int cx0, cy0, cx1, cy1;
	if (!cell_range(g, o->x, o->y, o->w, o->h, &cx0, &cy0, &cx1, &cy1))
		return 0;
	for (int cy = cy0; cy <= cy1; cy++)
		for (int cx = cx0; cx <= cx1; cx++) {
			if (g->nlinks == g->caplinks) {
				size_t c = g->caplinks ? g->caplinks * 2 : 1024;
				struct link *x =
				    er_realloc(g->links, c * sizeof *x);
				if (!x)
					return -1;
				g->links = x;
				g->caplinks = c;
			}
			size_t *h =
			    &g->head[(size_t)cy * (size_t)g->nx + (size_t)cx];
			g->links[g->nlinks] =
			    (struct link){.obstacle = id, .next = *h};
			*h = ++g->nlinks;
		}
	return 0;
}

/* Whether segment (x0,y0)-(x1,y1) meets box b (Liang-Barsky). */
static int
seg_box(double x0, double y0, double x1, double y1, double bx, double by,
        double bw, double bh)
{
	double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
	double p[4] = {-dx, dx, -dy, dy};
	double q[4] = {x0 - bx, bx + bw - x0, y0 - by, by + bh - y0};
	for (int i = 0; i < 4; i++) {
		if (p[i] == 0) {
			if (q[i] < 0)
				return 0;
			continue;
		}
		double t = q[i] / p[i];
		if (p[i] < 0) {
			if (t > t1)
				return 0;
			if (t > t0)
				t0 = t;
		} else {
			if (t < t0)
				return 0;
			if (t < t1)
				t1 = t;
		}
	}
	return 1;
}

/* The next stamp: obstacles stamped with it were seen in this search. */
static unsigned
next_stamp(unsigned *stamp, size_t nstamp, unsigned *now)
{
	if (++*now == 0) {
		memset(stamp, 0, nstamp * sizeof *stamp);
		*now = 1;
	}
	return *now;
}

/* Whether box (x,y,w,h), and the leader segment when given, is free of
 * every obstacle except the marker skip (the label's own): FREE, or
 * BLOCKED, or, when strict, SOFT if only the strict rules (no leader
 * across a label, no label across a leader) stand in the way. The box is
 * checked first, through the few cells it covers; only a free box has
 * its leader checked, through the cells along the segment rather than
 * every cell of its bounding box: a far candidate's leader spans much
 * of the frame. Any obstacle that meets the box or the segment is
 * listed in a cell they share, so the answer is the same. */
enum { FREE, BLOCKED, SOFT };

/* The obstacles that blocked the last few boxes tested: the next box
 * is near and often blocked by one of them, found without walking the
 * cells. Any obstacle that meets the box blocks it, so trying these
 * first changes no answer. */
enum { RECENT = 4 };
struct recent {
	size_t id[RECENT]; /* obstacle index + 1, 0 none */
	unsigned next;
};

static int
is_free(const struct grid *g, double x, double y, double w, double h,
        const double *seg, size_t skip_marker, unsigned *stamp, size_t nstamp,
        unsigned *now, int strict, struct recent *rb)
{
	for (int i = 0; i < RECENT; i++) {
		size_t id = rb->id[i];
		if (!id-- || id == skip_marker)
			continue;
		const struct obstacle *o = &g->obs[id];
		if (er_label_boxes_overlap(x, y, w, h, o->x, o->y, o->w, o->h,
		                           0))
			return BLOCKED;
	}
	int cx0, cy0, cx1, cy1, soft = 0;
	unsigned t = next_stamp(stamp, nstamp, now);
	if (cell_range(g, x, y, w, h, &cx0, &cy0, &cx1, &cy1))
		for (int cy = cy0; cy <= cy1; cy++)
			for (int cx = cx0; cx <= cx1; cx++) {
				size_t l = g->head[(size_t)cy * (size_t)g->nx +
				                   (size_t)cx];
				while (l) {
					const struct link *k = &g->links[l - 1];
					l = k->next;
					size_t id = k->obstacle;
					if (id == skip_marker || stamp[id] == t)
						continue;
					stamp[id] = t;
					const struct obstacle *o = &g->obs[id];
					if (o->kind == OB_LEADER) {
						/* looked at only when no
						 * obstacle blocks the box */
						if (strict && !soft &&
						    seg_box(o->x0, o->y0, o->x1,
						            o->y1, x, y, w, h))
							soft = 1;
						continue;
					}
					if (er_label_boxes_overlap(
					        x, y, w, h, o->x, o->y, o->w,
					        o->h, 0)) {
						rb->id[rb->next++ % RECENT] =
						    id + 1;
						return BLOCKED;
					}
				}
			}
	if (soft)
		return SOFT;
	/* a leader may pass other markers, not other labels */
	if (!seg || !strict)
		return FREE;
	t = next_stamp(stamp, nstamp, now);
	double dx = seg[2] - seg[0], dy = seg[3] - seg[1];
	/* samples half a cell apart: every cell the segment passes
	 * through is next to one of them */
	int steps = (int)ceil(2 * fmax(fabs(dx), fabs(dy)) / g->cell);
	int lastx = -2, lasty = -2;
	for (int i = 0; i <= steps; i++) {
		double f = steps ? (double)i / steps : 0;
		double px = seg[0] + f * dx, py = seg[1] + f * dy;
		int qx = (int)floor((px - g->x0) / g->cell);
		int qy = (int)floor((py - g->y0) / g->cell);
		if (qx == lastx && qy == lasty)
			continue;
		lastx = qx;
		lasty = qy;
		for (int cy = qy - 1; cy <= qy + 1; cy++)
			for (int cx = qx - 1; cx <= qx + 1; cx++) {
				/* cells past the edges hold nothing
				 * beyond what the edge cells hold */
				int ex = cx < 0 ? 0 : cx >= g->nx ? g->nx - 1 : cx;
				int ey = cy < 0 ? 0 : cy >= g->ny ? g->ny - 1 : cy;
				size_t l = g->head[(size_t)ey * (size_t)g->nx +
				                   (size_t)ex];
				while (l) {
					const struct link *k = &g->links[l - 1];
					l = k->next;
					size_t id = k->obstacle;
					if (stamp[id] == t)
						continue;
					stamp[id] = t;
					const struct obstacle *o = &g->obs[id];
					if (o->kind == OB_LABEL &&
					    seg_box(seg[0], seg[1], seg[2],
					            seg[3], o->x, o->y, o->w,
					            o->h))
						return SOFT;
				}
			}
	}
	return FREE;
}

struct order {
	size_t i;
	long crowd;
};

static int
cmp_order(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	if (x->crowd != y->crowd)
		return x->crowd < y->crowd ? 1 : -1;
	return (x->i > y->i) - (x->i < y->i);
}

/* ord[i].crowd = how many other markers are less than reach from
 * marker i in x and in y. The markers are binned in cells of about
 * reach / 16 with summed counts: cells well inside the square around
 * a marker are counted at once, and only those on its edges marker by
 * marker, with the same test as comparing every pair. */
static int
crowd_count(const struct er_label *L, size_t n, double reach, struct order *ord)
{
	if (!(reach > 0) || n < 2)
		return 0;
	struct bins b;
	if (bins_init(&b, L, n, reach / 16))
		return -1;
	size_t sx = (size_t)b.nx + 1;
	size_t *sum = er_calloc(sx * ((size_t)b.ny + 1), sizeof *sum);
	if (!sum) {
		bins_finish(&b);
		return -1;
	}
	for (size_t cy = 0; cy < (size_t)b.ny; cy++)
		for (size_t cx = 0; cx < (size_t)b.nx; cx++) {
			size_t c = cy * (size_t)b.nx + cx;
			sum[(cy + 1) * sx + cx + 1] =
			    b.start[c + 1] - b.start[c] +
			    sum[cy * sx + cx + 1] + sum[(cy + 1) * sx + cx] -
			    sum[cy * sx + cx];
		}
	for (size_t i = 0; i < n; i++) {
		const struct er_label *a = &L[i];
		/* far above rounding, far below any distance that matters */
		double d = 1e-9 * (fabs(a->x) + fabs(a->y) + reach);
		int cx0 = bin_of(a->x - reach, b.x0, b.cell, b.nx);
		int cx1 = bin_of(a->x + reach, b.x0, b.cell, b.nx);
		int cy0 = bin_of(a->y - reach, b.y0, b.cell, b.ny);
		int cy1 = bin_of(a->y + reach, b.y0, b.cell, b.ny);
		/* the cells wholly and clearly inside the square */
		int ix0 = cx0, ix1 = cx1, iy0 = cy0, iy1 = cy1;
		while (ix0 <= ix1 && !(b.x0 + ix0 * b.cell > a->x - reach + d))
			ix0++;
		while (ix1 >= ix0 &&
		       !(b.x0 + (ix1 + 1) * b.cell < a->x + reach - d))
			ix1--;
		while (iy0 <= iy1 && !(b.y0 + iy0 * b.cell > a->y - reach + d))
			iy0++;
		while (iy1 >= iy0 &&
		       !(b.y0 + (iy1 + 1) * b.cell < a->y + reach - d))
			iy1--;
		long count = 0;
		if (ix0 <= ix1 && iy0 <= iy1)
			count = (long)(sum[(size_t)(iy1 + 1) * sx + ix1 + 1] -
			               sum[(size_t)iy0 * sx + ix1 + 1] -
			               sum[(size_t)(iy1 + 1) * sx + ix0] +
			               sum[(size_t)iy0 * sx + ix0]);
		else
			ix0 = iy0 = 1, ix1 = iy1 = 0; /* no inner cells */
		for (int cy = cy0; cy <= cy1; cy++)
			for (int cx = cx0; cx <= cx1; cx++) {
				if (cy >= iy0 && cy <= iy1 && cx >= ix0 &&
				    cx <= ix1) {
					cx = ix1; /* past the inner cells */
					continue;
				}
				size_t c = (size_t)cy * b.nx + (size_t)cx;
				for (size_t k = b.start[c]; k < b.start[c + 1];
				     k++) {
					size_t j = b.idx[k];
					count += fabs(a->x - L[j].x) < reach &&
					         fabs(a->y - L[j].y) < reach;
				}
			}
		/* itself included */
		ord[i].crowd = count - 1;
	}
	er_free(sum);
	bins_finish(&b);
	return 0;
}

static int
inside(const struct er_label_params *p, double x, double y, double w, double h)
{
	return x >= p->minx && y >= p->miny && x + w <= p->maxx &&
	       y + h <= p->maxy;
}

/* The point of box (x,y,w,h) nearest to (px,py). */
static void
nearest_on_box(double x, double y, double w, double h, double px, double py,
               double *ax, double *ay)
{
	/* fmin(fmax(px, x), x + w), inline */
	double cx = px > x ? px : x, cy = py > y ? py : y;
	*ax = cx < x + w ? cx : x + w;
	*ay = cy < y + h ? cy : y + h;
}

/* Where there is still room: the frame in square cells of side q, and
 * for each label size a map of the windows of kw x kh cells that no
 * obstacle reaches into. A label's box (with its gap) always holds
 * such a window whole, so a box whose window is taken is not free, and
 * a label with no free window within its reach has no room at all: its
 * search is not started. A marker takes only the cells it covers
 * whole, so that a label's own marker, which a box from the rings at
 * most grazes, never takes a cell inside that box; placed labels take
 * every cell they reach into. The maps only ever lose windows, and
 * only say "taken" where the obstacle grid would, so placements come
 * out exactly as without them. */
/* The maps are made once this many candidates were tested: few labels
 * with room nearby never pay for them (a few ms a page). */
enum { OCC_CLASSES = 8, OCC_BLOCK = 16, OCC_AFTER = 50000 };
struct occ {
	double x0, y0, q, inv; /* inv = 1 / q */
	int nx, ny;
	int ncls;
	struct occ_class {
		int kw, kh;
		int fx, fy;       /* window origins: fx x fy */
		uint64_t *f;      /* bit set: window free, row by row */
		int bx, by;       /* blocks of OCC_BLOCK^2 origins */
		unsigned *count;  /* free windows per block */
		/* summed counts, (bx + 1) x (by + 1), as they were at
		 * some time since the maps were made: windows are only
		 * ever taken, so where these say none, there is none;
		 * stale counts the windows taken since */
		unsigned *sum;
		unsigned stale;
	} cls[OCC_CLASSES];
};

#define OCC_EPS 1e-7

static void
occ_finish(struct occ *o)
{
	for (int c = 0; c < o->ncls; c++) {
		ER_FREE(o->cls[c].f);
		ER_FREE(o->cls[c].count);
		ER_FREE(o->cls[c].sum);
	}
	o->ncls = 0;
}

/* Cells [*i0, *i1) of interval [a, a + len] on an axis of n cells: the
 * ones it covers whole (whole = 1) or reaches into (whole = 0). */
static void
occ_span(double a, double len, double a0, double q, int n, int whole, int *i0,
         int *i1)
{
	double lo = (a - a0) / q, hi = (a + len - a0) / q;
	double f0 = whole ? ceil(lo - OCC_EPS) : floor(lo + OCC_EPS);
	double f1 = whole ? floor(hi + OCC_EPS) : ceil(hi - OCC_EPS);
	*i0 = !(f0 > 0) ? 0 : f0 > n ? n : (int)f0;
	*i1 = !(f1 > 0) ? 0 : f1 > n ? n : (int)f1;
}

/* How many cells any span of length len covers whole, less a hair
 * (occ_taken's margin): floor(len / q) - 1 at least. */
static int
occ_fit(double len, double q)
{
	double f = floor(len / q - 3e-6) - 1;
	return !(f > -1) ? -1 : f > 1 << 30 ? 1 << 30 : (int)f;
}

/* The class whose windows fit in every box of size w x h, or -1. */
static int
occ_class_of(const struct occ *o, double w, double h)
{
	if (!o->ncls)
		return -1;
	int kw = occ_fit(w, o->q), kh = occ_fit(h, o->q);
	int best = -1;
	for (int c = 0; c < o->ncls; c++)
		if (o->cls[c].kw <= kw && o->cls[c].kh <= kh &&
		    (best < 0 || o->cls[c].kw * o->cls[c].kh >
		                     o->cls[best].kw * o->cls[best].kh))
			best = c;
	return best;
}

/* Takes the windows that hold any of cells [i0, i1) x [j0, j1). */
static void
occ_take(struct occ *o, int i0, int i1, int j0, int j1)
{
	if (i0 >= i1 || j0 >= j1)
		return;
	for (int c = 0; c < o->ncls; c++) {
		struct occ_class *k = &o->cls[c];
		int a0 = i0 - k->kw + 1, a1 = i1, b0 = j0 - k->kh + 1, b1 = j1;
		if (a0 < 0)
			a0 = 0;
		if (b0 < 0)
			b0 = 0;
		if (a1 > k->fx)
			a1 = k->fx;
		if (b1 > k->fy)
			b1 = k->fy;
		/* a row's windows a word and a block at a time */
		for (int b = b0; b < b1; b++) {
			size_t row = (size_t)b * (size_t)k->fx;
			unsigned *cnt =
			    &k->count[(size_t)(b / OCC_BLOCK) * (size_t)k->bx];
			for (int a = a0; a < a1;) {
				size_t bit = row + (size_t)a;
				int n = OCC_BLOCK - a % OCC_BLOCK;
				if (n > 64 - (int)(bit % 64))
					n = 64 - (int)(bit % 64);
				if (n > a1 - a)
					n = a1 - a;
				uint64_t m = (n == 64 ? ~(uint64_t)0
				                      : ((uint64_t)1 << n) - 1)
				             << (bit % 64);
				uint64_t *f = &k->f[bit / 64];
				if (*f & m) {
					cnt[a / OCC_BLOCK] -=
					    (unsigned)__builtin_popcountll(*f &
					                                   m);
					*f &= ~m;
					k->stale++;
				}
				a += n;
			}
		}
	}
}

/* Builds the maps from the grid's obstacles so far, the first n being
 * the markers, for the sizes of the labels: -1 without memory. For
 * labels too small for a window there are no maps: that changes
 * nothing but the speed. */
static int
occ_init(struct occ *o, const struct grid *g, const struct er_label *L,
         size_t n, const struct er_label_params *p)
{
	memset(o, 0, sizeof *o);
	double gap = p->gap, r = p->marker_radius;
	/* Wider than a ring candidate's graze of its own marker (at most
	 * gap + (1 - 1/sqrt 2)(r + gap) deep, where the box's corner
	 * faces it), so that graze holds no whole cell; narrow enough
	 * that a marker covers a cell whole. */
	double q = 1.1 * ((1 - M_SQRT1_2) * (r + gap) + gap);
	if (!(q > 0))
		return 0;
	o->x0 = p->minx - gap - q;
	o->y0 = p->miny - gap - q;
	double fw = p->maxx - p->minx + 2 * (gap + q);
	double fh = p->maxy - p->miny + 2 * (gap + q);
	if (!(fw > 0 && fh > 0))
		return 0;
	while ((fw / q + 1) * (fh / q + 1) > (double)(1 << 21))
		q *= 1.5;
	o->q = q;
	o->inv = 1 / q;
	o->nx = (int)ceil(fw / q);
	o->ny = (int)ceil(fh / q);
	/* summed cell counts, (nx + 1) x (ny + 1) */
	size_t sx = (size_t)o->nx + 1;
	unsigned *sum = er_calloc(sx * ((size_t)o->ny + 1), sizeof *sum);
	if (!sum)
		return -1;
	for (size_t id = 0; id < g->nobs; id++) {
		const struct obstacle *b = &g->obs[id];
		int i0, i1, j0, j1;
		if (b->kind == OB_LEADER)
			continue;
		/* markers: whole cells only; extras, labels: every cell */
		int whole = id < n;
		occ_span(b->x + OCC_EPS, b->w - 2 * OCC_EPS, o->x0, q, o->nx,
		         whole, &i0, &i1);
		occ_span(b->y + OCC_EPS, b->h - 2 * OCC_EPS, o->y0, q, o->ny,
		         whole, &j0, &j1);
		if (!(b->w > 0 && b->h > 0))
			continue;
		for (int j = j0; j < j1; j++)
			for (int i = i0; i < i1; i++)
				sum[(size_t)(j + 1) * sx + (size_t)i + 1] = 1;
	}
	/* cells reaching past the frame (with the gap a box may take
	 * beyond it) are in no candidate's box */
	int fi0, fi1, fj0, fj1;
	occ_span(p->minx - gap, p->maxx - p->minx + 2 * gap, o->x0, q, o->nx, 1,
	         &fi0, &fi1);
	occ_span(p->miny - gap, p->maxy - p->miny + 2 * gap, o->y0, q, o->ny, 1,
	         &fj0, &fj1);
	for (int j = 0; j < o->ny; j++)
		for (int i = 0; i < o->nx; i++)
			if (i < fi0 || i >= fi1 || j < fj0 || j >= fj1)
				sum[(size_t)(j + 1) * sx + (size_t)i + 1] = 1;
	for (size_t j = 1; j <= (size_t)o->ny; j++)
		for (size_t i = 1; i < sx; i++)
			sum[j * sx + i] += sum[(j - 1) * sx + i] +
			                   sum[j * sx + i - 1] -
			                   sum[(j - 1) * sx + i - 1];
	int rc = 0;
	for (size_t i = 0; i < n && o->ncls < OCC_CLASSES; i++) {
		int kw = occ_fit(L[i].w + 2 * gap, q);
		int kh = occ_fit(L[i].h + 2 * gap, q);
		if (kw < 1 || kh < 1 || kw > o->nx || kh > o->ny)
			continue;
		int seen = 0;
		for (int c = 0; c < o->ncls && !seen; c++)
			seen = o->cls[c].kw == kw && o->cls[c].kh == kh;
		if (seen)
			continue;
		struct occ_class *k = &o->cls[o->ncls];
		k->kw = kw;
		k->kh = kh;
		k->fx = o->nx - kw + 1;
		k->fy = o->ny - kh + 1;
		k->bx = (k->fx + OCC_BLOCK - 1) / OCC_BLOCK;
		k->by = (k->fy + OCC_BLOCK - 1) / OCC_BLOCK;
		/* a bit a window: a few times smaller than the cache,
		 * where the byte a window it was is not */
		k->f = er_calloc(((size_t)k->fx * (size_t)k->fy + 63) / 64,
		                 sizeof *k->f);
		k->count =
		    er_calloc((size_t)k->bx * (size_t)k->by, sizeof *k->count);
		k->sum = er_malloc(((size_t)k->bx + 1) * ((size_t)k->by + 1) *
		                   sizeof *k->sum);
		k->stale = ~0u >> 1; /* never summed */
		if (!k->f || !k->count || !k->sum) {
			ER_FREE(k->f);
			ER_FREE(k->count);
			ER_FREE(k->sum);
			rc = -1;
			break;
		}
		o->ncls++;
		for (size_t b = 0; b < (size_t)k->fy; b++)
			for (size_t a = 0; a < (size_t)k->fx; a++) {
				size_t a1 = a + (size_t)kw, b1 = b + (size_t)kh;
				unsigned t = sum[b1 * sx + a1] -
				             sum[b * sx + a1] -
				             sum[b1 * sx + a] + sum[b * sx + a];
				size_t bit = b * (size_t)k->fx + a;
				if (t == 0)
					k->f[bit / 64] |= (uint64_t)1
					                  << (bit % 64);
				if (t == 0)
					k->count[(b / OCC_BLOCK) *
					             (size_t)k->bx +
					         a / OCC_BLOCK]++;
			}
	}
	er_free(sum);
	return rc;
}

/* ceil(v) (up) or floor(v), for -1 < v < INT_MAX, without libm. */
static inline int
icell(double v, int up)
{
	int i = (int)v; /* towards zero */
	if (up)
		return i + (i < v);
	return i - (v < i);
}

/* Whether box (x, y, w, h) of class c is known not to be free. */
static int
occ_taken(const struct occ *o, int c, double x, double y, double w, double h)
{
	if (c < 0)
		return 0;
	const struct occ_class *k = &o->cls[c];
	/* the first cell the box covers whole, by multiplying (this is
	 * the hot path): the margin of 1e-6 cell is far above the
	 * rounding, and the class's kw, kh allow for it */
	(void)w;
	(void)h;
	double lx = (x - o->x0) * o->inv, ly = (y - o->y0) * o->inv;
	if (!(lx > -1 && ly > -1 && lx < o->nx && ly < o->ny))
		return 0;
	int i0 = icell(lx + 1e-6, 1), j0 = icell(ly + 1e-6, 1);
	if (i0 >= k->fx || j0 >= k->fy)
		return 0;
	size_t bit = (size_t)j0 * (size_t)k->fx + (size_t)i0;
	return !(k->f[bit / 64] >> (bit % 64) & 1);
}

/* Whether any window of class c has its origin cell within distance
 * reach of (x, y) (a whole block of origins counts when one of its
 * cells is). */
static int
occ_any_free(const struct occ *o, int c, double x, double y, double reach)
{
	if (c < 0)
		return 1;
	const struct occ_class *k = &o->cls[c];
	int i0, i1, j0, j1;
	occ_span(x - reach, 2 * reach, o->x0, o->q, o->nx, 0, &i0, &i1);
	occ_span(y - reach, 2 * reach, o->y0, o->q, o->ny, 0, &j0, &j1);
	if (i1 > k->fx)
		i1 = k->fx;
	if (j1 > k->fy)
		j1 = k->fy;
	if (i0 >= i1 || j0 >= j1)
		return 0;
	double side = OCC_BLOCK * o->q;
	for (int b = j0 / OCC_BLOCK; b <= (j1 - 1) / OCC_BLOCK; b++)
		for (int a = i0 / OCC_BLOCK; a <= (i1 - 1) / OCC_BLOCK; a++) {
			if (!k->count[(size_t)b * (size_t)k->bx + (size_t)a])
				continue;
			/* the block's cells span [bx0, bx0 + side] */
			double bx0 = o->x0 + a * side, by0 = o->y0 + b * side;
			double dx = fmax(fmax(bx0 - x, 0), x - (bx0 + side));
			double dy = fmax(fmax(by0 - y, 0), y - (by0 + side));
			if (hypot(dx, dy) <= reach)
				return 1;
		}
	return 0;
}

/* Brings class c's summed block counts up to date when they are some
 * placements behind. */
static void
occ_sum(struct occ *o, int c)
{
	struct occ_class *k = &o->cls[c];
	if (k->stale < 8 * OCC_BLOCK)
		return;
	size_t sx = (size_t)k->bx + 1;
	memset(k->sum, 0, sx * sizeof *k->sum);
	for (size_t b = 0; b < (size_t)k->by; b++) {
		k->sum[(b + 1) * sx] = 0;
		for (size_t a = 0; a < (size_t)k->bx; a++)
			k->sum[(b + 1) * sx + a + 1] =
			    k->count[b * (size_t)k->bx + a] +
			    k->sum[b * sx + a + 1] + k->sum[(b + 1) * sx + a] -
			    k->sum[b * sx + a];
	}
	k->stale = 0;
}

/* The octants (bit o: directions o pi/4 to (o + 1) pi/4, y down) of
 * the ring of radius R round (x, y) where every box of class c, w x h
 * with its gap, touching the ring has a taken window: none of their
 * candidates can be free. Only octants whose windows all lie inside
 * the maps count (occ_taken says "not taken" beyond them). */
static unsigned
occ_dead_octants(const struct occ *o, int c, double x, double y, double R,
                 double w, double h)
{
	static const double cs[9][2] = {
	    {1, 0},  {M_SQRT1_2, M_SQRT1_2},   {0, 1},  {-M_SQRT1_2, M_SQRT1_2},
	    {-1, 0}, {-M_SQRT1_2, -M_SQRT1_2}, {0, -1}, {M_SQRT1_2, -M_SQRT1_2},
	    {1, 0},
	};
	const struct occ_class *k = &o->cls[c];
	size_t sx = (size_t)k->bx + 1;
	unsigned dead = 0;
	for (int e = 0; e < 8; e++) {
		/* the box's top left: x + R cos t - w .. x + R cos t */
		double c0 = fmin(cs[e][0], cs[e + 1][0]);
		double c1 = fmax(cs[e][0], cs[e + 1][0]);
		double s0 = fmin(cs[e][1], cs[e + 1][1]);
		double s1 = fmax(cs[e][1], cs[e + 1][1]);
		/* occ_taken's origin cell is at most a cell past the
		 * box's corner: two cells of margin either side */
		double lx0 = (x + R * c0 - w - o->x0) * o->inv - 2;
		double lx1 = (x + R * c1 - o->x0) * o->inv + 2;
		double ly0 = (y + R * s0 - h - o->y0) * o->inv - 2;
		double ly1 = (y + R * s1 - o->y0) * o->inv + 2;
		if (!(lx0 >= 0 && ly0 >= 0 && lx1 < k->fx && ly1 < k->fy))
			continue;
		size_t a0 = (size_t)lx0 / OCC_BLOCK,
		       a1 = (size_t)lx1 / OCC_BLOCK;
		size_t b0 = (size_t)ly0 / OCC_BLOCK,
		       b1 = (size_t)ly1 / OCC_BLOCK;
		unsigned t = k->sum[(b1 + 1) * sx + a1 + 1] -
		             k->sum[b0 * sx + a1 + 1] -
		             k->sum[(b1 + 1) * sx + a0] + k->sum[b0 * sx + a0];
		if (t == 0)
			dead |= 1u << e;
	}
	return dead;
}

/* The directions of the candidates on a ring of m: from the upper
 * right, then round both ways alternately. d[0], d[1]: cosine and sine;
 * d[2], d[3]: the same over the larger's magnitude, to reach the box's
 * side or corner that faces the marker. */
static void
ring_dir(int a, int m, double d[4])
{
	int s = (a + 1) / 2;
	double t = -M_PI / 4 + (a % 2 ? 1 : -1) * s * 2 * M_PI / m;
	double co = cos(t), sn = sin(t);
	double q = fmax(fabs(co), fabs(sn));
	d[0] = co;
	d[1] = sn;
	d[2] = co / q;
	d[3] = sn / q;
}

/* Every label of one size has the same rings: their directions are
 * worked out once, for the first step seen, up to a bounded size. */
struct ring_cache {
	double step;
	int nrings;
	size_t *off; /* ring k's directions: dir[4 off[k]]..dir[4 off[k+1]] */
	double *dir;
	unsigned char *oct; /* each direction's octant (occ_dead_octants) */
};

static int
ring_count(double R, double step)
{
	int m = (int)ceil(2 * M_PI * R / step);
	return m < 8 ? 8 : m > 4096 ? 4096 : m;
}

/* How many candidates ring k (radius r0 + k step) has, with *dir their
 * cached directions or NULL; -1 out of memory. Rings out to maxr are
 * cached. */
static int
ring_dirs(struct ring_cache *c, double r0, double step, double maxr, int k,
          const double **dir, const unsigned char **oct)
{
	int m = ring_count(r0 + k * step, step);
	*dir = NULL;
	*oct = NULL;
	if (!c->off) {
		/* the first rings, for the first step asked */
		enum { MAX_DIRS = 1 << 18 };
		size_t total = 0;
		int nr = 0;
		while (nr < 4096 && r0 + nr * step <= maxr) {
			size_t mk = (size_t)ring_count(r0 + nr * step, step);
			if (total + mk > MAX_DIRS)
				break;
			total += mk;
			nr++;
		}
		c->step = step;
		c->nrings = nr;
		c->off = er_malloc((size_t)(nr + 1) * sizeof *c->off);
		c->dir = er_malloc((total ? total : 1) * 4 * sizeof *c->dir);
		c->oct = er_malloc(total ? total : 1);
		if (!c->off || !c->dir || !c->oct)
			return -1;
		c->off[0] = 0;
		for (int i = 0; i < nr; i++) {
			int mi = ring_count(r0 + i * step, step);
			for (int a = 0; a < mi; a++) {
				double *u = &c->dir[4 * (c->off[i] + a)];
				ring_dir(a, mi, u);
				double t = atan2(u[1], u[0]);
				if (t < 0)
					t += 2 * M_PI;
				int e = (int)floor(t / (M_PI / 4));
				c->oct[c->off[i] + a] =
				    (unsigned char)(e < 0   ? 0
				                    : e > 7 ? 7
				                            : e);
			}
			c->off[i + 1] = c->off[i] + (size_t)mi;
		}
	}
	if (step == c->step && k < c->nrings &&
	    c->off[k + 1] - c->off[k] == (size_t)m) {
		*dir = &c->dir[4 * c->off[k]];
		*oct = &c->oct[c->off[k]];
	}
	return m;
}

/* A candidate: the box with its gap (bx, by; the label's w + 2 gap by
 * h + 2 gap), the leader's end on the label, and whether it has one. */
struct cand {
	double bx, by, ax, ay;
	int leader;
};

/* Puts L at c and makes its box and leader obstacles. */
static int
place(struct grid *g, struct occ *occ, struct er_label *L, const struct cand *c,
      double gap, double w, double h)
{
	if (occ->ncls) {
		int i0, i1, j0, j1;
		occ_span(c->bx + OCC_EPS, w - 2 * OCC_EPS, occ->x0, occ->q,
		         occ->nx, 0, &i0, &i1);
		occ_span(c->by + OCC_EPS, h - 2 * OCC_EPS, occ->y0, occ->q,
		         occ->ny, 0, &j0, &j1);
		occ_take(occ, i0, i1, j0, j1);
	}
	L->lx = c->bx + gap;
	L->ly = c->by + gap;
	L->ax = c->ax;
	L->ay = c->ay;
	L->leader = c->leader;
	L->placed = 1;
	struct obstacle o = {
	    .x = c->bx, .y = c->by, .w = w, .h = h, .kind = OB_LABEL};
	if (grid_add(g, &o))
		return -1;
	if (!c->leader)
		return 0;
	struct obstacle s = {
	    .kind = OB_LEADER,
	    .x = fmin(L->x, c->ax),
	    .y = fmin(L->y, c->ay),
	    .w = fabs(c->ax - L->x),
	    .h = fabs(c->ay - L->y),
	    .x0 = L->x,
	    .y0 = L->y,
	    .x1 = c->ax,
	    .y1 = c->ay,
	};
	return grid_add(g, &s);
}

long
er_label_place(struct er_label *labels, size_t n,
               const struct er_label_params *p, struct er_error *err)
{
	if (!n)
		return 0;
	double maxw = 0, maxh = 0;
	for (size_t i = 0; i < n; i++) {
		maxw = fmax(maxw, labels[i].w);
		maxh = fmax(maxh, labels[i].h);
		labels[i].placed = 0;
		labels[i].leader = 0;
	}
	double gap = p->gap, r = p->marker_radius;
	struct grid g = {.x0 = p->minx, .y0 = p->miny};
	struct occ occ = {0};
	struct ring_cache rc = {0};
	g.cell = fmax(fmax(maxw, maxh) + 2 * gap, 2 * r + 2 * gap);
	if (!(g.cell > 0))
		g.cell = 1;
	double fw = p->maxx - p->minx, fh = p->maxy - p->miny;
	g.nx = (int)fmin(ceil(fw / g.cell) + 1, 2048);
	g.ny = (int)fmin(ceil(fh / g.cell) + 1, 2048);
	if (g.nx < 1)
		g.nx = 1;
	if (g.ny < 1)
		g.ny = 1;
	if (g.cell * g.nx < fw)
		g.cell = fw / (g.nx - 1);
	if (g.cell * g.ny < fh)
		g.cell = fmax(g.cell, fh / (g.ny - 1));
	long unplaced = -1;
	struct order *ord = er_malloc(n * sizeof *ord);
	unsigned *stamp = NULL;
	g.head = er_calloc((size_t)g.nx * (size_t)g.ny, sizeof *g.head);
	if (!ord || !g.head)
		goto nomem;
	/* markers first: obstacles 0..n-1, inflated by the gap */
	for (size_t i = 0; i < n; i++) {
		struct obstacle o = {.x = labels[i].x - r - gap,
		                     .y = labels[i].y - r - gap,
		                     .w = 2 * (r + gap),
		                     .h = 2 * (r + gap),
		                     .kind = OB_MARKER};
		if (grid_add(&g, &o))
			goto nomem;
	}
	for (size_t i = 0; i < p->nextra; i++) {
		struct obstacle o = {.x = p->extra[4 * i] - gap,
		                     .y = p->extra[4 * i + 1] - gap,
		                     .w = p->extra[4 * i + 2] + 2 * gap,
		                     .h = p->extra[4 * i + 3] + 2 * gap,
		                     .kind = OB_MARKER};
		if (grid_add(&g, &o))
			goto nomem;
	}
	/* crowding: markers within a few label sizes */
	double reach = 3 * fmax(maxw, maxh) + 2 * r;
	for (size_t i = 0; i < n; i++) {
		ord[i].i = i;
		ord[i].crowd = 0;
	}
	if (crowd_count(labels, n, reach, ord))
		goto nomem;
	qsort(ord, n, sizeof *ord, cmp_order);
	/* obstacles: n markers + n labels + n leaders at most */
	size_t nstamp = 3 * n + p->nextra + 1;
	stamp = er_calloc(nstamp, sizeof *stamp);
	if (!stamp)
		goto nomem;
	unsigned now = 0;
	struct recent recent = {{0}, 0};
	double maxr = hypot(fw, fh);
	if (p->max_leader > 0 && p->max_leader < maxr)
		maxr = p->max_leader;
	unsigned long tested = 0;
	int occ_built = 0;
	unplaced = 0;
	for (size_t k = 0; k < n; k++) {
		struct er_label *L = &labels[ord[k].i];
		double w = L->w + 2 * gap, h = L->h + 2 * gap;
		double step = fmax(fmin(L->h, L->w) * 0.6, 0.5);
		int found = 0;
		/* Near the marker, leaders may cross no label and labels no
		 * leader. Where that leaves no room (a crowd of markers
		 * ringed by its own labels), leaders pass under other
		 * labels, which the renderer draws on top. */
		double strict_r = r + 8 * fmax(maxh, step);
		/* The strict pass's first candidate that failed on the
		 * strict rules alone is the one the second pass would take
		 * there, nothing having moved in between: the second pass
		 * takes it at once, or goes on past the strict rings. */
		struct cand c, soft;
		int have_soft = 0;
		if (p->anchored &&
		    inside(p, L->x - L->ox, L->y - L->oy, L->w, L->h)) {
			c = (struct cand){.bx = L->x - L->ox - gap,
			                  .by = L->y - L->oy - gap,
			                  .ax = L->x,
			                  .ay = L->y};
			tested++;
			if (is_free(&g, c.bx, c.by, w, h, NULL, ord[k].i, stamp,
			            nstamp, &now, 1, &recent) == FREE) {
				if (place(&g, &occ, L, &c, gap, w, h))
					goto nomem;
				found = 1;
			}
		}
		if (!occ_built && tested >= OCC_AFTER) {
			if (occ_init(&occ, &g, labels, n, p))
				goto nomem;
			occ_built = 1;
		}
		/* no room within reach: the neighbourhood is full */
		int cls = occ_class_of(&occ, w, h);
		if (!found && !occ_any_free(&occ, cls, L->x, L->y,
		                            maxr + hypot(w, h) + occ.q)) {
			unplaced++;
			continue;
		}
		for (int pass = 0, ring = 0; !found; ring++) {
			double R = r + ring * step;
			if (pass == 0 && (R > strict_r || R > maxr)) {
				if (have_soft) {
					if (place(&g, &occ, L, &soft, gap, w,
					          h))
						goto nomem;
					found = 1;
					break;
				}
				pass = 1;
			}
			if (R > maxr)
				break;
			const double *dir = NULL;
			const unsigned char *oct = NULL;
			int m = ring_dirs(&rc, r, step, maxr, ring, &dir, &oct);
			if (m < 0)
				goto nomem;
			/* octants of the ring where every window is taken
			 * (only where there are enough candidates to pay) */
			unsigned dead = 0;
			if (oct && cls >= 0 && m >= 24) {
				occ_sum(&occ, cls);
				dead = occ_dead_octants(&occ, cls, L->x, L->y,
				                        R, w, h);
			}
			for (int a = 0; a < m && !found; a++) {
				if (dead && dead >> oct[a] & 1)
					continue;
				double own[4];
				const double *u = dir ? &dir[4 * a] : own;
				if (!dir)
					ring_dir(a, m, own);
				double px = L->x + R * u[0],
				       py = L->y + R * u[1];
				/* the box touches the ring at px, py with
				 * the side or corner that faces the marker */
				c.bx = px - w / 2 + u[2] * w / 2;
				c.by = py - h / 2 + u[3] * h / 2;
				if (!inside(p, c.bx + gap, c.by + gap, L->w,
				            L->h))
					continue;
				tested++;
				if (occ_taken(&occ, cls, c.bx, c.by, w, h))
					continue;
				nearest_on_box(c.bx + gap, c.by + gap, L->w,
				               L->h, L->x, L->y, &c.ax, &c.ay);
				double lx = c.ax - L->x, ly = c.ay - L->y;
				double lead2 = lx * lx + ly * ly;
				/* clear of its own marker too */
				if (lead2 < (r + gap) * (r + gap))
					continue;
				c.leader =
				    ring > 0 && lead2 > (r + 2 * gap + 0.5) *
				                            (r + 2 * gap + 0.5);
				double seg[4] = {L->x, L->y, c.ax, c.ay};
				int why = is_free(&g, c.bx, c.by, w, h,
				                  c.leader ? seg : NULL,
				                  ord[k].i, stamp, nstamp, &now,
				                  pass == 0, &recent);
				if (why == SOFT && !have_soft) {
					soft = c;
					have_soft = 1;
				}
				if (why != FREE)
					continue;
				if (place(&g, &occ, L, &c, gap, w, h))
					goto nomem;
				found = 1;
			}
		}
		if (!found)
			unplaced++;
	}
	if (p->ntested)
		*p->ntested = tested;
	goto out;
nomem:
	unplaced = -1;
	er_fail(err, ER_ENOMEM, NULL, "out of memory");
out:
	er_free(stamp);
	er_free(ord);
	er_free(g.head);
	er_free(g.links);
	er_free(g.obs);
	occ_finish(&occ);
	er_free(rc.dir);
	er_free(rc.oct);
	er_free(rc.off);
	return unplaced;
}
