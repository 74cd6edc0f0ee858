/* Label placement: 200 households within 50 m on a 1:10000 map, where
 * every label must be shown and none may overlap another label or any
 * marker; plus sparse markers (labels beside them, no leaders), a
 * frame too small to hold them all, and thousands of markers with a
 * bounded leader, where the work done must stay within a bound. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "src/label.h"

#define PT_PER_M (72.0 / 0.0254 / 10000.0) /* 1:10000 */

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double
unit(uint64_t *s)
{
	return (double)(rnd(s) >> 11) / 9007199254740992.0;
}

/* Distance from (px, py) to box (x, y, w, h); 0 inside. */
static double
box_dist(double x, double y, double w, double h, double px, double py)
{
	double dx = fmax(fmax(x - px, 0), px - (x + w));
	double dy = fmax(fmax(y - py, 0), py - (y + h));
	return hypot(dx, dy);
}

/* Placed labels only: inside the frame, over no marker (anchored: but
 * their own), over no other placed label. Markers are binned in cells
 * of the largest label's size so thousands stay quick. */
static void
check_placed(const struct er_label *L, size_t n,
             const struct er_label_params *p)
{
	for (size_t i = 0; i < n; i++) {
		if (!L[i].placed)
			continue;
		assert_true(L[i].lx >= p->minx && L[i].ly >= p->miny);
		assert_true(L[i].lx + L[i].w <= p->maxx);
		assert_true(L[i].ly + L[i].h <= p->maxy);
		for (size_t j = 0; j < n; j++) {
			double d = box_dist(L[i].lx, L[i].ly, L[i].w, L[i].h,
			                    L[j].x, L[j].y);
			if (d < p->marker_radius && !(p->anchored && i == j))
				fail_msg("label %zu covers marker %zu (%g)", i,
				         j, d);
			if (j > i && L[j].placed &&
			    er_label_boxes_overlap(L[i].lx, L[i].ly, L[i].w,
			                           L[i].h, L[j].lx, L[j].ly,
			                           L[j].w, L[j].h, 0))
				fail_msg("labels %zu and %zu overlap", i, j);
		}
	}
}

static void
check_layout(const struct er_label *L, size_t n,
             const struct er_label_params *p)
{
	check_placed(L, n, p);
	for (size_t i = 0; i < n; i++) {
		assert_true(L[i].placed);
		/* a leader ends on its label's box, a label without one
		 * sits right beside its marker */
		double d =
		    box_dist(L[i].lx, L[i].ly, L[i].w, L[i].h, L[i].x, L[i].y);
		if (p->anchored) {
			/* the box is the marker: no leader from the label */
		} else if (L[i].leader) {
			assert_true(box_dist(L[i].lx, L[i].ly, L[i].w, L[i].h,
			                     L[i].ax, L[i].ay) < 1e-9);
		} else {
			assert_true(d <= p->marker_radius + 3 * p->gap + 1);
		}
	}
}

static void
test_200_within_50m(void **state)
{
	(void)state;
	enum { N = 200 };
	static struct er_label L[N];
	uint64_t s = 0x2545F4914F6CDD1DULL;
	double cx = 400, cy = 260;
	for (size_t i = 0; i < N; i++) {
		/* uniform in a disc of radius 50 m */
		double r = 50.0 * sqrt(unit(&s)), t = 2 * M_PI * unit(&s);
		L[i].x = cx + r * cos(t) * PT_PER_M;
		L[i].y = cy + r * sin(t) * PT_PER_M;
		char num[8];
		int digits = snprintf(num, sizeof num, "%zu", i + 1);
		L[i].w = 2 + 5.6 * digits;
		L[i].h = 9;
	}
	/* all of them within 50 m of the centre */
	for (size_t i = 0; i < N; i++)
		assert_true(hypot(L[i].x - cx, L[i].y - cy) <=
		            50 * PT_PER_M + 1e-9);
	struct er_label_params p = {
	    .marker_radius = 3,
	    .gap = 0.8,
	    .minx = 20,
	    .miny = 20,
	    .maxx = 780,
	    .maxy = 520,
	};
	struct er_error err = {0};
	assert_int_equal(er_label_place(L, N, &p, &err), 0);
	check_layout(L, N, &p);
	long leaders = 0;
	for (size_t i = 0; i < N; i++)
		leaders += L[i].leader;
	/* that crowd cannot all sit beside their markers */
	assert_true(leaders > N / 2);
}

static void
test_sparse_no_leaders(void **state)
{
	(void)state;
	struct er_label L[3] = {
	    {.x = 100, .y = 100, .w = 12, .h = 9},
	    {.x = 300, .y = 100, .w = 12, .h = 9},
	    {.x = 200, .y = 300, .w = 18, .h = 9},
	};
	struct er_label_params p = {
	    .marker_radius = 3, .gap = 1, .maxx = 400, .maxy = 400};
	struct er_error err = {0};
	assert_int_equal(er_label_place(L, 3, &p, &err), 0);
	check_layout(L, 3, &p);
	for (int i = 0; i < 3; i++) {
		assert_false(L[i].leader);
		/* the first choice: upper right of the marker */
		assert_true(L[i].lx >= L[i].x);
		assert_true(L[i].ly + L[i].h <= L[i].y);
	}
}

static void
test_frame_too_small(void **state)
{
	(void)state;
	enum { N = 40 };
	struct er_label L[N];
	for (int i = 0; i < N; i++)
		L[i] = (struct er_label){
		    .x = 50 + i % 5, .y = 50 + i / 5, .w = 12, .h = 9};
	struct er_label_params p = {.marker_radius = 3,
	                            .gap = 1,
	                            .minx = 20,
	                            .miny = 20,
	                            .maxx = 80,
	                            .maxy = 80};
	struct er_error err = {0};
	long unplaced = er_label_place(L, N, &p, &err);
	assert_true(unplaced > 0);
	long count = 0;
	for (int i = 0; i < N; i++)
		count += !L[i].placed;
	assert_int_equal(count, unplaced);
	/* those placed still respect each other */
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			if (L[i].placed && L[j].placed)
				assert_false(er_label_boxes_overlap(
				    L[i].lx, L[i].ly, L[i].w, L[i].h, L[j].lx,
				    L[j].ly, L[j].w, L[j].h, 0));
}

/* Crowded markers moved apart: each marker and its number are one box
 * anchored at the household (marker centre on the true spot); the box
 * moves only when it must, and then covers no other household's spot
 * and no other box. */
static void
test_markers_moved_apart(void **state)
{
	(void)state;
	enum { N = 200 };
	static struct er_label L[N];
	uint64_t s = 0x9E3779B97F4A7C15ULL;
	double cx = 400, cy = 260, r = 5.25;
	for (size_t i = 0; i < N; i++) {
		double d = 50.0 * sqrt(unit(&s)), t = 2 * M_PI * unit(&s);
		L[i].x = cx + d * cos(t) * PT_PER_M;
		L[i].y = cy + d * sin(t) * PT_PER_M;
		char num[8];
		int digits = snprintf(num, sizeof num, "%zu", i + 1);
		L[i].w = 2 * r + 1 + 2 + 5.6 * digits;
		L[i].h = 2 * r;
		L[i].ox = r;
		L[i].oy = r;
	}
	/* and one far away, which stays where it is */
	L[N - 1].x = 700;
	L[N - 1].y = 100;
	struct er_label_params p = {.marker_radius = 1,
	                            .gap = 0.5,
	                            .anchored = 1,
	                            .minx = 20,
	                            .miny = 20,
	                            .maxx = 780,
	                            .maxy = 520};
	struct er_error err = {0};
	assert_int_equal(er_label_place(L, N, &p, &err), 0);
	check_layout(L, N, &p);
	assert_true(L[N - 1].lx == 700 - r && L[N - 1].ly == 100 - r);
	long moved = 0;
	for (size_t i = 0; i < N; i++)
		moved += L[i].lx != L[i].x - r || L[i].ly != L[i].y - r;
	assert_true(moved > N / 2);
}

/* A 1:25000 page of a district of 4000 households, crowded as the
 * atlas's busiest pages are at a million registrants: markers moved
 * apart (anchored), leaders at most 60 mm. Whatever cannot be placed
 * is counted, nothing overlaps, and the candidate boxes tested stay
 * below the rings within the leader's reach for each label. */
static void
test_thousands_bounded(void **state)
{
	(void)state;
	enum { N = 4000 };
	static struct er_label L[N];
	uint64_t s = 0xD1B54A32D192ED03ULL;
	double r = 5.25, mm = 72 / 25.4, h = 2 * r;
	for (size_t i = 0; i < N; i++) {
		/* a dense core and a sparser ring round it */
		double d = (i % 4 ? 60 : 160) * sqrt(unit(&s));
		double t = 2 * M_PI * unit(&s);
		L[i].x = 300 + d * cos(t);
		L[i].y = 400 + d * sin(t);
		char num[8];
		int digits = snprintf(num, sizeof num, "%zu", i + 1);
		L[i].w = 2 * r + 1 + 2 + 5.6 * digits;
		L[i].h = h;
		L[i].ox = r;
		L[i].oy = r;
	}
	unsigned long tested = 0;
	struct er_label_params p = {.marker_radius = 1,
	                            .gap = 0.5,
	                            .anchored = 1,
	                            .minx = 40,
	                            .miny = 80,
	                            .maxx = 560,
	                            .maxy = 760,
	                            .max_leader = 60 * mm,
	                            .ntested = &tested};
	struct er_error err = {0};
	long unplaced = er_label_place(L, N, &p, &err);
	assert_true(unplaced > 0 && unplaced < N);
	long count = 0, far = 0;
	for (size_t i = 0; i < N; i++) {
		count += !L[i].placed;
		/* the box's marker (its left part) within reach */
		double mx = L[i].lx + r, my = L[i].ly + h / 2;
		if (L[i].placed &&
		    hypot(mx - L[i].x, my - L[i].y) > 60 * mm + L[i].w)
			far++;
	}
	assert_int_equal(count, unplaced);
	assert_int_equal(far, 0);
	check_placed(L, N, &p);
	/* rings r + k step out to the reach, step = 0.6 h, each with
	 * at least 8 candidates, plus the anchored spot: what a search
	 * of every ring costs, for each label */
	double step = 0.6 * h, rings = 0;
	for (double R = 1; R <= 60 * mm; R += step)
		rings += fmax(8, ceil(2 * M_PI * R / step));
	print_message("# %lu candidates for %d labels (%ld unplaced); "
	              "full search %.0f each\n",
	              tested, N, unplaced, rings + 1);
	assert_true(tested <= (unsigned long)(N * (rings + 1)));
}

/* A frame already full of markers, 2.5 pt apart: no label finds room
 * beside its marker, and soon none searches the rings for it. */
static void
test_full_frame_stops(void **state)
{
	(void)state;
	enum { SIDE = 80, N = SIDE * SIDE };
	static struct er_label L[N];
	double r = 5.25;
	for (size_t i = 0; i < N; i++) {
		L[i].x = 100 + 2.5 * (double)(i % SIDE);
		L[i].y = 100 + 2.5 * (double)(i / SIDE);
		char num[8];
		int digits = snprintf(num, sizeof num, "%zu", i + 1);
		L[i].w = 2 * r + 1 + 2 + 5.6 * digits;
		L[i].h = 2 * r;
		L[i].ox = r;
		L[i].oy = r;
	}
	unsigned long tested = 0;
	struct er_label_params p = {.marker_radius = 1,
	                            .gap = 0.5,
	                            .anchored = 1,
	                            .minx = 99,
	                            .miny = 99,
	                            .maxx = 100 + 2.5 * SIDE,
	                            .maxy = 100 + 2.5 * SIDE,
	                            .max_leader = 170,
	                            .ntested = &tested};
	struct er_error err = {0};
	assert_int_equal(er_label_place(L, N, &p, &err), N);
	/* the spot over its own marker, and not much more: searching
	 * the rings would test thousands for each */
	assert_true(tested <= 20 * N);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_200_within_50m),
	    cmocka_unit_test(test_sparse_no_leaders),
	    cmocka_unit_test(test_frame_too_small),
	    cmocka_unit_test(test_markers_moved_apart),
	    cmocka_unit_test(test_thousands_bounded),
	    cmocka_unit_test(test_full_frame_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
