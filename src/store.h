/* The only door to SQLite and SpatiaLite: every statement lives in
 * sql/statements.def and is run through these helpers. */
#ifndef ER_SRC_STORE_H
#define ER_SRC_STORE_H

#include <stdint.h>

#include <evacreg/error.h>

enum er_stmt {
#define ER_SQL(name, sql) ER_STMT_##name,
#include "sql/statements.def"
#undef ER_SQL
	ER_STMT_COUNT
};

struct er_store;

enum er_store_mode {
	ER_STORE_CREATE = 1, /* new file, 0600, refused if it exists */
	ER_STORE_RW,
	ER_STORE_RO,
};

/* Opens the database and loads SpatiaLite into it (WAL, foreign keys,
 * busy timeout). Errors: ER_EIO, ER_EDB. */
struct er_store *er_store_open(const char *path, enum er_store_mode mode,
			       struct er_error *err);
void er_store_close(struct er_store *st);

/* Creates SpatiaLite metadata and the schema, sets user_version and
 * application_id. For a new, empty database. */
enum er_code er_store_create_schema(struct er_store *st, struct er_error *err);
/* Runs the migrations from the file's user_version up to
 * ER_SCHEMA_VERSION, each in one transaction. */
enum er_code er_store_migrate(struct er_store *st, struct er_error *err);
/* Reads PRAGMA application_id / user_version. */
enum er_code er_store_versions(struct er_store *st, long *app_id,
			       long *user_version, struct er_error *err);

enum er_code er_store_begin(struct er_store *st, struct er_error *err);
/* As er_store_begin, for a transaction that writes many rows: the file
 * leaves WAL mode until er_store_end_bulk(), called after the commit or
 * rollback, when no other connection has it open. */
enum er_code er_store_begin_bulk(struct er_store *st, struct er_error *err);
void er_store_end_bulk(struct er_store *st);

/* Inside a transaction: drops a table's named indexes, keeping their
 * CREATE statements, and makes them again (one sort each, rather than
 * one B-tree insert per row into each). */
struct er_index_set;
enum er_code er_store_drop_indexes(struct er_store *st, const char *table,
				   struct er_index_set **out,
				   struct er_error *err);
/* Creates them again and frees set (NULL: nothing). */
enum er_code er_store_create_indexes(struct er_store *st,
				     struct er_index_set *set,
				     struct er_error *err);
void er_store_indexes_free(struct er_index_set *set);
/* A read transaction (BEGIN DEFERRED): one snapshot for several queries;
 * end it with er_store_rollback(). */
enum er_code er_store_begin_read(struct er_store *st, struct er_error *err);
enum er_code er_store_commit(struct er_store *st, struct er_error *err);
void er_store_rollback(struct er_store *st);
enum er_code er_store_savepoint(struct er_store *st, struct er_error *err);
enum er_code er_store_release(struct er_store *st, struct er_error *err);
void er_store_rollback_to(struct er_store *st);

/* Binds parameters by fmt, one char each: 't' const char * (NULL binds
 * NULL), 'i' int64_t, 'l' long, 'd' double, 'n' nothing (NULL), then
 * runs the statement to completion. *changes (may be NULL) gets
 * sqlite3_changes(). Errors: ER_EDB, or ER_EINVALID for a constraint
 * violation (message names the statement). */
enum er_code er_store_run(struct er_store *st, enum er_stmt id, long *changes,
			  struct er_error *err, const char *fmt, ...);

/* Queries: bind as above, then er_store_next() returns 1 per row, 0 at
 * the end (statement reset), -1 on error. Columns are borrowed until the
 * next call. er_store_done() resets early. */
enum er_code er_store_query(struct er_store *st, enum er_stmt id,
			    struct er_error *err, const char *fmt, ...);
int er_store_next(struct er_store *st, enum er_stmt id, struct er_error *err);
void er_store_done(struct er_store *st, enum er_stmt id);
const char *er_store_text(struct er_store *st, enum er_stmt id, int col);
int64_t er_store_int(struct er_store *st, enum er_stmt id, int col);
double er_store_double(struct er_store *st, enum er_stmt id, int col);
/* Length in bytes of a text column (call after er_store_text()). */
size_t er_store_bytes(struct er_store *st, enum er_stmt id, int col);
int er_store_isnull(struct er_store *st, enum er_stmt id, int col);
const void *er_store_blob(struct er_store *st, enum er_stmt id, int col,
			  int *len);

/* Runs one query and returns its first column as an integer (0 if no
 * row). */
enum er_code er_store_scalar(struct er_store *st, enum er_stmt id,
			     int64_t *out, struct er_error *err,
			     const char *fmt, ...);

/* Prepares every statement (tests: each must compile on an empty
 * register). */
enum er_code er_store_prepare_all(struct er_store *st, struct er_error *err);

const char *er_store_stmt_name(enum er_stmt id);

/* A second, read-only connection to the register for one statement
 * taking a rowid (?1), to be used on another thread while this
 * connection writes. Its snapshot is taken at open: open it inside the
 * write transaction. NULL when the register is not in WAL mode (a
 * reader would block the writer's commit) or on failure: the caller
 * reads on its own connection instead. */
struct er_reader;
struct er_reader *er_reader_open(struct er_store *st, enum er_stmt id);
/* 1: a row, 0: none, -1: error (er_reader_error()). */
int er_reader_row(struct er_reader *r, int64_t rowid);
/* A text column of the row and its length; valid until the next row. */
const char *er_reader_text(struct er_reader *r, int col, size_t *len);
const char *er_reader_error(struct er_reader *r);
void er_reader_close(struct er_reader *r);

#endif
