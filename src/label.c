/* Greedy label placement: candidates on rings of growing radius around
 * each marker, out to a bounded leader length, the first free one wins,
 * using grids of markers and placed boxes so thousands of households a
 * few metres apart stay fast. */
#include <math.h>
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

static int
is_free(const struct grid *g, double x, double y, double w, double h,
        const double *seg, size_t skip_marker, unsigned *stamp,
        size_t nstamp, unsigned *now, int strict)
{
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
					        o->h, 0))
						return BLOCKED;
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
	*ax = fmin(fmax(px, x), x + w);
	*ay = fmin(fmax(py, y), y + h);
}

/* A candidate: the box with its gap (bx, by; the label's w + 2 gap by
 * h + 2 gap), the leader's end on the label, and whether it has one. */
struct cand {
	double bx, by, ax, ay;
	int leader;
};

/* Puts L at c and makes its box and leader obstacles. */
static int
place(struct grid *g, struct er_label *L, const struct cand *c, double gap,
      double w, double h)
{
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
	{
		struct bins b;
		if (bins_init(&b, labels, n, reach))
			goto nomem;
		for (size_t i = 0; i < n; i++) {
			const struct er_label *a = &labels[i];
			int qx = bin_of(a->x, b.x0, b.cell, b.nx);
			int qy = bin_of(a->y, b.y0, b.cell, b.ny);
			for (int cy = qy - 1; cy <= qy + 1; cy++)
				for (int cx = qx - 1; cx <= qx + 1; cx++) {
					if (cx < 0 || cy < 0 || cx >= b.nx ||
					    cy >= b.ny)
						continue;
					size_t c =
					    (size_t)cy * b.nx + (size_t)cx;
					for (size_t k = b.start[c];
					     k < b.start[c + 1]; k++) {
						size_t j = b.idx[k];
						if (j != i &&
						    fabs(a->x - labels[j].x) <
						        reach &&
						    fabs(a->y - labels[j].y) <
						        reach)
							ord[i].crowd++;
					}
				}
		}
		bins_finish(&b);
	}
	qsort(ord, n, sizeof *ord, cmp_order);
	/* obstacles: n markers + n labels + n leaders at most */
	size_t nstamp = 3 * n + p->nextra + 1;
	stamp = er_calloc(nstamp, sizeof *stamp);
	if (!stamp)
		goto nomem;
	unsigned now = 0;
	double maxr = hypot(fw, fh);
	if (p->max_leader > 0 && p->max_leader < maxr)
		maxr = p->max_leader;
	unsigned long tested = 0;
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
			            nstamp, &now, 1) == FREE) {
				if (place(&g, L, &c, gap, w, h))
					goto nomem;
				found = 1;
			}
		}
		for (int pass = 0, ring = 0; !found; ring++) {
			double R = r + ring * step;
			if (pass == 0 && (R > strict_r || R > maxr)) {
				if (have_soft) {
					if (place(&g, L, &soft, gap, w, h))
						goto nomem;
					found = 1;
					break;
				}
				pass = 1;
			}
			if (R > maxr)
				break;
			int m = (int)ceil(2 * M_PI * R / step);
			if (m < 8)
				m = 8;
			if (m > 4096)
				m = 4096;
			for (int a = 0; a < m && !found; a++) {
				/* start at the upper right, then go round
				 * both ways alternately */
				int s = (a + 1) / 2;
				double t = -M_PI / 4 +
				           (a % 2 ? 1 : -1) * s * 2 * M_PI / m;
				double co = cos(t), sn = sin(t);
				double px = L->x + R * co, py = L->y + R * sn;
				/* the box touches the ring at px, py with
				 * the side or corner that faces the marker */
				double q = fmax(fabs(co), fabs(sn));
				c.bx = px - w / 2 + co / q * w / 2;
				c.by = py - h / 2 + sn / q * h / 2;
				if (!inside(p, c.bx + gap, c.by + gap, L->w,
				            L->h))
					continue;
				nearest_on_box(c.bx + gap, c.by + gap, L->w,
				               L->h, L->x, L->y, &c.ax, &c.ay);
				double lead = hypot(c.ax - L->x, c.ay - L->y);
				/* clear of its own marker too */
				if (lead < r + gap)
					continue;
				c.leader = ring > 0 && lead > r + 2 * gap + 0.5;
				double seg[4] = {L->x, L->y, c.ax, c.ay};
				tested++;
				int why = is_free(
				    &g, c.bx, c.by, w, h, c.leader ? seg : NULL,
				    ord[k].i, stamp, nstamp, &now, pass == 0);
				if (why == SOFT && !have_soft) {
					soft = c;
					have_soft = 1;
				}
				if (why != FREE)
					continue;
				if (place(&g, L, &c, gap, w, h))
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
	return unplaced;
}
