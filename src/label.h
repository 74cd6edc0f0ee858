/* Label placement for numbered map markers: every label is put where it
 * overlaps no other label and no marker, next to its marker when there
 * is room, else further out with a leader line. Pure geometry, in page
 * units with y pointing down (Cairo's). */
#ifndef ER_SRC_LABEL_H
#define ER_SRC_LABEL_H

#include <stddef.h>

#include <evacreg/error.h>

struct er_label {
	/* in: the marker's centre and the label's size */
	double x, y;
	double w, h;
	double ox, oy; /* anchored mode: see er_label_params */
	/* out: the label box's top-left corner; leader is 1 when the box
	 * is away from the marker and a line must join them, from (x, y)
	 * to (ax, ay) on the box's edge; placed is 0 when no room was
	 * found inside the frame */
	double lx, ly;
	double ax, ay;
	int leader;
	int placed;
};

struct er_label_params {
	double marker_radius;          /* markers are circles of this radius */
	double gap;                    /* clear space kept around labels */
	double minx, miny, maxx, maxy; /* labels stay inside this frame */
	/* 1: the first candidate is the box with its top-left corner at
	 * (x - ox, y - oy), over its own marker, taken when free. With
	 * this, crowded markers are moved apart: the "label" is a marker
	 * and its number as one box, the "marker" the household's true
	 * spot, and a leader joins them when the box had to move. */
	int anchored;
	/* more boxes (x, y, w, h each) that no label may cover */
	const double *extra;
	size_t nextra;
	/* > 0: no label is put further than this from its marker (the
	 * rings searched end there), so a leader is at most about this
	 * long; a label with no room within it is left unplaced. 0: out
	 * to the frame's diagonal. */
	double max_leader;
	/* when not NULL, gets the number of candidate boxes tested: the
	 * work done, for tests that bound it */
	unsigned long *ntested;
};

/* Places n labels. Deterministic; crowded markers are served first.
 * Returns how many could not be placed (their placed is 0), or -1 when
 * out of memory (err set). */
long er_label_place(struct er_label *labels, size_t n,
                    const struct er_label_params *p, struct er_error *err);

/* Whether any two of the n labels' markers (x, y) are less than d
 * apart: 1 yes, 0 no, -1 out of memory (err set). Near-linear: the
 * markers are sorted into cells of side d first. */
int er_label_markers_within(const struct er_label *labels, size_t n, double d,
                            struct er_error *err);

/* Whether boxes (x, y, w, h) overlap, by more than eps. */
int er_label_boxes_overlap(double ax, double ay, double aw, double ah,
                           double bx, double by, double bw, double bh,
                           double eps);

#endif
