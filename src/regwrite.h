/* Writing imported registrants on a second thread: the importing thread
 * reads, checks and places rows while this one runs the SQLite upserts,
 * so a large import takes about as long as the slower of the two. */
#ifndef ER_SRC_REGWRITE_H
#define ER_SRC_REGWRITE_H

#include "regimpl.h"

enum {
	ER_RW_ID,
	ER_RW_HOUSEHOLD,
	ER_RW_NAME,
	ER_RW_KANA,
	ER_RW_BIRTH,
	ER_RW_SEX,
	ER_RW_ADDRESS,
	ER_RW_PHONE,
	ER_RW_REASONS,
	ER_RW_MOBILITY,
	ER_RW_CONSENT,
	ER_RW_STATUS,
	ER_RW_NFIELDS
};

/* One checked row, as REG_INSERT / REG_UPDATE bind it. */
struct er_regrow {
	unsigned line;
	const char *f[ER_RW_NFIELDS]; /* NULL: SQL NULL */
	int hasp;		      /* own point lon, lat */
	double lon, lat;
	int hasloc; /* the location used: own, or a household member's */
	double loc_lon, loc_lat;
	const char *district; /* of the location, from er_locator_guess() */
	int exact;	      /* the district needs er_locator_exact() */
};

struct er_regwriter;

/* Starts the thread. From now until er_regwriter_finish() only the
 * writer uses the register's connection. */
enum er_code er_regwriter_start(struct er_register *reg,
				struct er_locator *loc, const char *now,
				struct er_regwriter **out,
				struct er_error *err);

/* Queues a copy of the row. 0, or -1 when the writer has stopped on an
 * error (er_regwriter_finish() tells which). */
int er_regwriter_add(struct er_regwriter *w, const struct er_regrow *row);

/* Waits for the queued rows, stops the thread and frees w. The counts of
 * added, updated and unchanged rows; on failure the error, with the CSV
 * line of the row that failed in *line (0 when no row did). */
enum er_code er_regwriter_finish(struct er_regwriter *w, long *added,
				 long *updated, long *unchanged,
				 unsigned *line, struct er_error *err);

#endif
