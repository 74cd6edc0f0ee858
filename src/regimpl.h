/* The register handle's insides, shared by register.c, import.c,
 * coverage.c, audit.c and synth.c. */
#ifndef ER_SRC_REGIMPL_H
#define ER_SRC_REGIMPL_H

#include <evacreg/register.h>
#include "store.h"

struct er_register {
	struct er_store *st;
	char path[4096];
	char crs[64]; /* "" until chosen */
	enum er_consent_regime regime;
	int readonly;
	er_log_fn log;
	void *log_ud;
	char *command;
	/* an export's second connection, reading persons on another
	 * thread (export.c) */
	struct er_reader *reader;
	int reader_tried;
	struct relay *relay; /* households being read ahead */
};

/* Sends a diagnostic to the log callback, if any. */
void er_register_log(struct er_register *reg, enum er_severity sev,
		     const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Sets meta(key) = value inside the caller's transaction. */
enum er_code er_register_set_meta(struct er_register *reg, const char *key,
				  const char *value, struct er_error *err);

/* UTC now as "YYYY-MM-DDTHH:MM:SSZ". */
void er_now_iso(char out[24]);
/* Today (local time) as "YYYY-MM-DD". */
void er_today_iso(char out[11]);

/* Appends an audit_log row (inside the caller's transaction or its own). */
struct er_audit_row {
	const char *action, *file, *file_sha256, *mode, *reason;
	const char *district_code, *detail;
	long registrants, households; /* -1: not recorded */
};
enum er_code er_audit_append(struct er_register *reg,
			     const struct er_audit_row *row,
			     struct er_error *err);

/* SHA-256 of a file as 64 hex digits. Errors: ER_EIO. */
enum er_code er_sha256_file(const char *path, char hex[65],
			    struct er_error *err);

/* SHA-256 of a stream, for files hashed while they are written. new:
 * NULL when out of memory; hex: 0, or -1 when hashing failed. */
struct er_sha256;
struct er_sha256 *er_sha256_new(void);
void er_sha256_update(struct er_sha256 *h, const void *p, size_t n);
int er_sha256_hex(struct er_sha256 *h, char hex[65]);
void er_sha256_free(struct er_sha256 *h);

/* Which district holds a point: the districts as C polygons behind a
 * grid, GEOS only within a hair of an edge; the lowest code wins. */
struct er_locator;
enum er_code er_locator_open(struct er_register *reg, struct er_locator **out,
			     struct er_error *err);
/* *code: the district's code, NULL outside every district; valid until
 * the next call or er_locator_close(). */
enum er_code er_locator_find(struct er_locator *l, double lon, double lat,
			     const char **code, struct er_error *err);
void er_locator_close(struct er_locator *l);
/* The grid and C polygons only, no SQLite (safe beside a thread using the
 * register): returns 1 when the point is within a hair of an edge and
 * er_locator_exact() must settle it, else 0 with *code as above. */
int er_locator_guess(struct er_locator *l, double lon, double lat,
		     const char **code);
/* GEOS through SpatiaLite, for the points er_locator_guess() left. */
enum er_code er_locator_exact(struct er_locator *l, double lon, double lat,
			      const char **code, struct er_error *err);

/* Recomputes registrants' locations (own point, else the household's)
 * and districts: all of them (all = 1, after the districts changed) or
 * only those without a point of their own (after a registrant import,
 * which places the others as it inserts them). */
enum er_code er_register_locate(struct er_register *reg, int all,
				struct er_error *err);

/* Whether a consent value may be shared in normal times. */
int er_consent_shareable(enum er_consent_regime regime, const char *consent);

#endif
