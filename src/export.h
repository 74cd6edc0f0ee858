/* What maps and lists show: a district's figures, its unassigned
 * households (consent-filtered, stably numbered), shelters, neighbours
 * and base-map features. Shared by the KML writer and the renderer. */
#ifndef ER_SRC_EXPORT_H
#define ER_SRC_EXPORT_H

#include <stddef.h>

#include <evacreg/export.h>
#include "geom.h"
#include "xml.h"

struct er_register;
struct er_xshown;

struct er_xperson {
	const char *id, *name, *kana, *birth_date, *sex, *address, *phone;
	const char *reasons;       /* codes, ';'-separated */
	const char *reason_labels; /* Japanese labels, '、'-separated */
	const char *mobility;      /* code or "" */
	const char *mobility_label; /* 独歩, 杖, 車いす, 寝たきり, その他, "" */
	const char *consent;
	int age; /* whole years on the export date; -1 unknown */
};

struct er_xhousehold {
	long number; /* stable within the district */
	const char *household_id;
	double lon, lat;     /* WGS84 */
	const char *address; /* the first listed person's */
	/* the most limiting mobility among the persons (bedridden >
	 * wheelchair > cane > other > walk), code or "" — for style rules */
	const char *mobility;
	size_t npersons;
	const struct er_xperson *persons;
	/* what er_x_households_fmt()'s formatter made of it, else NULL */
	const char *text;
	size_t text_len;
};

struct er_xdistrict {
	char *code, *name;
	char *association_code, *association_name; /* NULL when none */
	long registrants, assigned, unassigned, consented;
	long households, unassigned_households;
	/* normal mode: unassigned registrants not shareable, and households
	 * left off the map because none of their unassigned members is */
	long withheld, withheld_households;
	/* what an export in the mode given to er_x_district_load() writes:
	 * what er_x_households() will give, counted before it is written */
	long shown, shown_households;
	struct er_mpoly shape; /* WGS84 */
	double minx, miny, maxx, maxy;
	struct er_xshown *rows; /* the persons shown, by household number */
};

/* The export time as "YYYY-MM-DDTHH:MM:SSZ": SOURCE_DATE_EPOCH when
 * set (reproducible files), else now. Audit rows keep the real time. */
void er_export_time_iso(char out[24]);

/* Loads a district, its figures (shown counts for mode) and which
 * persons it shows, numbering households that have no number yet (inside
 * the caller's write transaction): one read of the district's index
 * entries. ER_EUSAGE when there is no such district. Free with
 * er_x_district_finish(). */
enum er_code er_x_district_load(struct er_register *reg, const char *code,
                                enum er_mode mode, struct er_xdistrict *d,
                                struct er_error *err);
void er_x_district_finish(struct er_xdistrict *d);

/* Calls fn for each household of d with unassigned registrants shown
 * in d's mode, in number order; the household and its persons are
 * borrowed for the call. Reads only the rows written, one household
 * at a time. */
typedef enum er_code (*er_xhousehold_fn)(const struct er_xhousehold *h,
					 void *ud, struct er_error *err);
enum er_code er_x_households(struct er_register *reg,
			     const struct er_xdistrict *d, er_xhousehold_fn fn,
			     void *ud, struct er_error *err);

/* As er_x_households(), with fmt called first for each household, on
 * the thread that reads them when there is one: it appends the
 * household's text (say, its placemark) to out, and fn finds it in
 * h->text. fmt must only read what it shares with fn. */
typedef void (*er_xformat_fn)(const struct er_xhousehold *h, const void *fud,
			      struct er_xml_buf *out);
enum er_code er_x_households_fmt(struct er_register *reg,
				 const struct er_xdistrict *d,
				 er_xformat_fn fmt, const void *fud,
				 er_xhousehold_fn fn, void *ud,
				 struct er_error *err);

/* Starts reading d's households (and formatting them with fmt) on the
 * reading thread, so that they are ready when er_x_households_fmt() is
 * called with the same d, fmt and fud; meanwhile the caller may load
 * the next district. d must stay loaded until then. Does nothing
 * without a reading thread. er_x_households_cancel() stops it (the
 * export's commit and rollback do). */
void er_x_households_ahead(struct er_register *reg,
			   const struct er_xdistrict *d, er_xformat_fn fmt,
			   const void *fud);
void er_x_households_cancel(struct er_register *reg);

/* As er_x_households(), for maps: number, place and mobility only
 * (address NULL, persons NULL, npersons counted), from what
 * er_x_district_load() read. */
enum er_code er_x_map_households(struct er_register *reg,
				 const struct er_xdistrict *d,
				 er_xhousehold_fn fn, void *ud,
				 struct er_error *err);

struct er_xshelter {
	const char *id, *name, *kind, *address, *hazards;
	long capacity; /* -1 unknown */
	double lon, lat;
};
typedef enum er_code (*er_xshelter_fn)(const struct er_xshelter *s, void *ud,
				       struct er_error *err);
/* Shelters within the box (WGS84). */
enum er_code er_x_shelters(struct er_register *reg, double minx, double miny,
			   double maxx, double maxy, er_xshelter_fn fn,
			   void *ud, struct er_error *err);

/* A polygon or line feature for drawing: neighbours (layer
 * "neighbour", name = district name, kind = code), hazard zones
 * (layer "hazard_zone", kind, name = level), base map (its layer). */
struct er_xfeature {
	const char *layer, *kind, *name;
	const unsigned char *wkb;
	size_t wkb_len;
};
typedef enum er_code (*er_xfeature_fn)(const struct er_xfeature *f, void *ud,
				       struct er_error *err);
enum er_code er_x_neighbours(struct er_register *reg, const char *code,
			     double minx, double miny, double maxx,
			     double maxy, er_xfeature_fn fn, void *ud,
			     struct er_error *err);
enum er_code er_x_hazards(struct er_register *reg, double minx, double miny,
			  double maxx, double maxy, er_xfeature_fn fn,
			  void *ud, struct er_error *err);
enum er_code er_x_basemap(struct er_register *reg, double minx, double miny,
			  double maxx, double maxy, er_xfeature_fn fn,
			  void *ud, struct er_error *err);

/* Every district with (when figures) its support figures, by code
 * (index maps and the atlas cover). Figures take one forward read of
 * the register; without them registrants and assigned are 0. */
struct er_xrate {
	const char *code, *name, *association_code;
	const unsigned char *wkb;
	size_t wkb_len;
	long registrants, assigned;
};
typedef enum er_code (*er_xrate_fn)(const struct er_xrate *r, void *ud,
				    struct er_error *err);
enum er_code er_x_district_rates(struct er_register *reg, int figures,
                                 er_xrate_fn fn, void *ud,
                                 struct er_error *err);
/* As er_x_district_rates() with figures, from figures already counted:
 * registrants[i] and assigned[i] for codes[i] (sorted by code, every
 * district with active registrants); other districts have none. */
enum er_code er_x_district_rates_known(struct er_register *reg, char **codes,
                                       const long *registrants,
                                       const long *assigned, size_t n,
                                       er_xrate_fn fn, void *ud,
                                       struct er_error *err);

/* Codes of districts with at least one active registrant, by code.
 * Caller frees with er_x_codes_free(). */
enum er_code er_x_district_codes(struct er_register *reg, char ***codes,
				 size_t *n, struct er_error *err);
void er_x_codes_free(char **codes, size_t n);

/* The extent of all districts (WGS84). */
enum er_code er_x_extent(struct er_register *reg, double *minx, double *miny,
			 double *maxx, double *maxy, struct er_error *err);

/* The register's data date: the latest registrant update, "YYYY-MM-DD",
 * or "" when empty. */
void er_x_data_date(struct er_register *reg, char out[11]);

/* Transactions around an export: numbering and audit rows are written
 * together; the files are renamed into place after the commit. */
enum er_code er_x_begin(struct er_register *reg, struct er_error *err);
enum er_code er_x_commit(struct er_register *reg, struct er_error *err);
void er_x_rollback(struct er_register *reg);
/* Closes the export's reading connection, if open (commit and rollback
 * do; so does closing the register). */
void er_x_reader_close(struct er_register *reg);

/* Appends the audit row for one written file: its SHA-256 as hashed
 * while it was written, or when sha256 is NULL, of path (still the
 * temporary file). action: "export kml", "export pdf". */
enum er_code er_x_audit(struct er_register *reg, const char *action,
			const char *path, const char *shown_path,
			enum er_mode mode, const char *reason,
			const char *district, long registrants,
			long households, const char *sha256,
			struct er_error *err);

/* Checks mode and reason together: disaster mode needs a reason, normal
 * mode takes none. ER_EUSAGE otherwise. */
enum er_code er_x_check_mode(enum er_mode mode, const char *reason,
			     struct er_error *err);

/* "normal" / "disaster". */
const char *er_x_mode_name(enum er_mode mode);

#endif
