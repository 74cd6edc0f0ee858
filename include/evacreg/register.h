/* evacreg: the register file — open, import, coverage, audit. */
#ifndef EVACREG_REGISTER_H
#define EVACREG_REGISTER_H

#include <stdio.h>

#include <evacreg/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One open register file (a SpatiaLite database). Use one per thread. */
struct er_register;

/* The schema version this build writes and reads. */
#define ER_SCHEMA_VERSION 3

enum er_consent_regime {
	ER_CONSENT_OPT_IN = 0, /* only "yes" may be shared in normal times */
	ER_CONSENT_OPT_OUT,    /* "yes" and "unanswered" may be shared */
};

struct er_init_options {
	/* Projected CRS for distances and maps, e.g. "EPSG:6680"; NULL: pick
	 * the JGD2011 plane rectangular zone that fits the first imported
	 * districts. Borrowed. */
	const char *crs;
	enum er_consent_regime regime;
};

/* Creates a new register at path (refused if path exists), mode 0600.
 * Errors: ER_EIO (exists, cannot create), ER_ECRS (crs unknown or not
 * projected), ER_EDB. */
ER_API enum er_code er_register_init(const char *path,
				     const struct er_init_options *opt,
				     struct er_error *err);

enum er_open_flags {
	ER_OPEN_READONLY = 1u << 0,
};

/* Opens an existing register. Refuses a file that is not an evacreg
 * register or has a newer or unknown schema version (ER_EDB with a
 * message saying which version). Returns NULL on failure. Close with
 * er_register_close(). */
ER_API struct er_register *er_register_open(const char *path, unsigned flags,
					    struct er_error *err);
ER_API void er_register_close(struct er_register *reg); /* NULL: no-op */

enum er_severity {
	ER_SEV_WARNING = 1,
	ER_SEV_ERROR = 2,
};
/* Diagnostics (bad rows, ignored columns, overlapping districts). where
 * is "file:line" or "file:line:column"; message as er_error's. Both are
 * borrowed for the duration of the call. */
typedef void (*er_log_fn)(enum er_severity sev, const char *where,
			  const char *message, void *ud);
ER_API void er_register_set_log(struct er_register *reg, er_log_fn fn,
				void *ud);
/* The command line recorded in audit_log rows. Copied. */
ER_API enum er_code er_register_set_command(struct er_register *reg,
					    const char *command,
					    struct er_error *err);

/* The register's projected CRS ("EPSG:6680") or NULL when not chosen
 * yet. Borrowed from reg. */
ER_API const char *er_register_crs(const struct er_register *reg);
ER_API enum er_consent_regime
er_register_consent_regime(const struct er_register *reg);
/* Path of the open file. Borrowed. */
ER_API const char *er_register_path(const struct er_register *reg);

/* ---- imports ---------------------------------------------------------*/

enum er_import_kind {
	ER_IMPORT_ASSOCIATIONS = 1,
	ER_IMPORT_DISTRICTS,
	ER_IMPORT_REGISTRANTS,
	ER_IMPORT_SUPPORTERS,
	ER_IMPORT_ASSIGNMENTS,
	ER_IMPORT_SHELTERS,
};

/* Parses "associations", "districts", ...; 0 when unknown. */
ER_API enum er_import_kind er_import_kind_parse(const char *name);
ER_API const char *er_import_kind_name(enum er_import_kind kind);

enum er_import_flags {
	ER_IMPORT_DRY_RUN = 1u << 0,      /* validate only, write nothing */
	ER_IMPORT_SKIP_INVALID = 1u << 1, /* import valid rows, reject rest */
	ER_IMPORT_REPLACE = 1u << 2,      /* the file is the whole set */
};

enum er_input_encoding {
	ER_INPUT_AUTO = 0, /* UTF-8 (BOM or not) when valid, else CP932 */
	ER_INPUT_UTF8,
	ER_INPUT_CP932,
};

struct er_import_options {
	enum er_import_kind kind;
	const char *path; /* the input file. Borrowed. */
	enum er_input_encoding encoding;
	unsigned flags;         /* enum er_import_flags */
	unsigned max_errors;    /* errors reported before stopping; 0: 20 */
	const char *rejects_path; /* NULL: "<path>.rejects.csv" */
	/* districts: property names; NULL picks code/KEY_CODE/..., etc. */
	const char *code_field;
	const char *name_field;
	const char *association_field;
	const char *population_field;
	const char *households_field;
	/* shelters from GeoJSON: kind for every row (NULL: "shelter") */
	const char *shelter_kind;
};

struct er_import_result {
	long read; /* data rows or features read */
	long added, updated, unchanged, removed, rejected;
	long errors, warnings;
	int committed; /* 1 when the changes were written */
	char rejects_path[4096]; /* set when rejects were written */
	char encoding[16];       /* "UTF-8", "UTF-8 (BOM)", "CP932", "" */
};

/* Imports one file, all-or-nothing: on any invalid row nothing is
 * written (unless ER_IMPORT_SKIP_INVALID), every bad row is reported to
 * the log callback as "file:line: column NAME: message", and the call
 * returns ER_EINVALID. Records the import in audit_log. */
ER_API enum er_code er_register_import(struct er_register *reg,
				       const struct er_import_options *opt,
				       struct er_import_result *res,
				       struct er_error *err);

/* ---- coverage --------------------------------------------------------*/

enum er_coverage_by {
	ER_BY_DISTRICT = 1,
	ER_BY_ASSOCIATION,
	ER_BY_CITY,
};
enum er_format {
	ER_FORMAT_TABLE = 1,
	ER_FORMAT_CSV,
	ER_FORMAT_JSON,
};

/* One row of a coverage report. Strings are owned by the report. */
struct er_coverage_row {
	char *code; /* district or association code; "(outside)" */
	char *name;
	char *association_code;   /* by district */
	char *agreement_signed_on; /* by association; NULL: no agreement */
	int has_jishubo;           /* by association */
	long association_households; /* by association, -1: unknown */
	long districts;              /* by association */
	long registrants, consented, assigned, unassigned;
	long households, unassigned_households;
};

struct er_city_figures {
	long registrants, assigned, consented, unassigned;
	long households, unassigned_households;
	long outside; /* active registrants in no district */
	long associations, associations_with_agreement, jishubo_associations;
	long association_households, jishubo_households;
};

struct er_coverage {
	enum er_coverage_by by;
	size_t nrows;
	struct er_coverage_row *rows;
	struct er_city_figures city;
	char regime[8]; /* "opt-in" / "opt-out" */
};

/* Computes the coverage report (active registrants only). Caller frees
 * with er_coverage_destroy(). NULL on failure. */
ER_API struct er_coverage *er_coverage_compute(struct er_register *reg,
					       enum er_coverage_by by,
					       struct er_error *err);
ER_API void er_coverage_destroy(struct er_coverage *cov); /* NULL: no-op */

/* Writes the report. Errors: ER_EIO. */
ER_API enum er_code er_coverage_write(const struct er_coverage *cov,
				      enum er_format format, FILE *out,
				      struct er_error *err);

/* num/den as a percentage rounded half-up to `decimals` (1 or 2) places,
 * returned scaled: er_rate(1, 3, 1) = 333 (33.3%). -1 when den is 0. */
ER_API long er_rate(long num, long den, int decimals);

/* ---- audit -----------------------------------------------------------*/

struct er_audit_entry {
	long id;
	const char *at, *os_user, *command, *action, *file, *file_sha256;
	const char *mode, *reason, *district_code, *detail; /* may be NULL */
	long registrants, households; /* -1 when not recorded */
};
typedef enum er_code (*er_audit_fn)(const struct er_audit_entry *e, void *ud,
				    struct er_error *err);
/* Calls fn for every audit_log row, oldest first. Entries borrowed. */
ER_API enum er_code er_register_audit_list(struct er_register *reg,
					   er_audit_fn fn, void *ud,
					   struct er_error *err);

/* ---- synthetic data ----------------------------------------------------*/

struct er_synth_options {
	unsigned long seed;
	long registrants; /* 1 .. 10,000,000 */
	long supporters;  /* 0: about registrants / 2 */
	double assigned_share;   /* share of registrants with a supporter */
	double consent_yes, consent_no; /* shares; rest unanswered */
	const char *outdir; /* written: associations.csv, registrants.csv,
			       supporters.csv, assignments.csv */
};

/* Generates a synthetic register (fictional people) placed in the
 * register's districts, weighted by district population, as CSV files
 * that `evacreg import` reads. Associations group neighbouring districts
 * and the CSV lists each association's districts. */
ER_API enum er_code er_synth(struct er_register *reg,
			     const struct er_synth_options *opt,
			     struct er_error *err);

#ifdef __cplusplus
}
#endif
#endif
