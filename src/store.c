/* SQLite + SpatiaLite access: opening, schema creation, transactions and
 * the prepared-statement table expanded from sql/statements.def. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <spatialite.h>

#include <evacreg/register.h>
#include "alloc.h"
#include "store.h"

/* "EVRG": lets open() tell an evacreg register from any SQLite file. */
#define ER_APPLICATION_ID 0x45565247

extern const char er_schema_sql[];
extern const char er_migrate_2_sql[];
extern const char er_migrate_3_sql[];

/* migrations[v] turns schema version v - 1 into v; sql/schema.sql is
 * version 1. Each runs in its own transaction. */
static const char *const migrations[] = {
	NULL,
	NULL,
	er_migrate_2_sql,
	er_migrate_3_sql,
};

static const struct {
	const char *name;
	const char *sql;
} statements[] = {
#define ER_SQL(name, sql) {#name, sql},
#include "sql/statements.def"
#undef ER_SQL
};

struct er_store {
	sqlite3 *db;
	void *splite_cache;
	sqlite3_stmt *stmt[ER_STMT_COUNT];
	char path[4096];
	int readonly;
};

const char *
er_store_stmt_name(enum er_stmt id)
{
	return statements[id].name;
}

static enum er_code
db_fail(struct er_store *st, struct er_error *err, const char *what)
{
	int rc = sqlite3_extended_errcode(st->db);
	enum er_code code = ER_EDB;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		code = ER_EINVALID;
	return er_fail(err, code, st->path, "%s: %s", what,
		       sqlite3_errmsg(st->db));
}

static enum er_code
exec(struct er_store *st, const char *sql, struct er_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		enum er_code c = er_fail(err, ER_EDB, st->path, "%s",
					 msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return c;
	}
	return ER_OK;
}

static int
create_private_file(const char *path, struct er_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return er_fail(err, ER_EIO, path,
				       "file exists; refusing to overwrite it");
		return er_fail(err, ER_EIO, path, "cannot create: %s",
			       strerror(errno));
	}
	close(fd);
	return ER_OK;
}

/* SQLite counts every allocation under one process-wide mutex unless
 * told not to; an export's two threads (export.c) then take turns.
 * Only possible before SQLite starts: if something else started it
 * first, the counting stays, which is only slower. */
static void
sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct er_store *
er_store_open(const char *path, enum er_store_mode mode, struct er_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_setup);
	struct er_store *st = er_calloc(1, sizeof *st);
	if (!st) {
		er_fail(err, ER_ENOMEM, path, "out of memory");
		return NULL;
	}
	snprintf(st->path, sizeof st->path, "%s", path);
	int flags;
	if (mode == ER_STORE_CREATE) {
		if (create_private_file(path, err) != ER_OK)
			goto fail;
		flags = SQLITE_OPEN_READWRITE;
	} else {
		struct stat sb;
		if (stat(path, &sb) != 0) {
			er_fail(err, ER_EIO, path, "cannot open: %s",
				strerror(errno));
			goto fail;
		}
		flags = mode == ER_STORE_RO ? SQLITE_OPEN_READONLY
					    : SQLITE_OPEN_READWRITE;
	}
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		er_fail(err, ER_EIO, path, "cannot open: %s",
			st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	st->splite_cache = spatialite_alloc_connection();
	if (!st->splite_cache) {
		er_fail(err, ER_ENOMEM, path, "cannot start SpatiaLite");
		goto fail;
	}
	spatialite_init_ex(st->db, st->splite_cache, 0);
	/* GEOS notices go to stderr otherwise; the library never prints */
	spatialite_set_silent_mode(st->splite_cache);
	sqlite3_busy_timeout(st->db, 10000);
	/* temp_store: statement journals and sorts stay in memory, never
	 * in a temporary file holding personal data. An 8 MiB page cache:
	 * reads are served by the OS's, and an export's memory stays flat
	 * whatever the register's size; bulk writes get more (below). */
	if (exec(st,
		 "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; "
		 "PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY;",
		 err) != ER_OK) {
		if (sqlite3_errcode(st->db) == SQLITE_NOTADB)
			er_fail(err, ER_EDB, path,
				"not an evacreg register (not an SQLite "
				"database)");
		goto fail;
	}
	st->readonly = mode == ER_STORE_RO;
	if (mode != ER_STORE_RO &&
	    exec(st, "PRAGMA journal_mode = WAL;", err) != ER_OK)
		goto fail;
	return st;
fail:
	er_store_close(st);
	return NULL;
}

void
er_store_close(struct er_store *st)
{
	if (!st)
		return;
	for (int i = 0; i < ER_STMT_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	if (st->splite_cache)
		spatialite_cleanup_ex(st->splite_cache);
	er_free(st);
}

enum er_code
er_store_create_schema(struct er_store *st, struct er_error *err)
{
	enum er_code rc;
	if ((rc = exec(st, "BEGIN IMMEDIATE", err)) != ER_OK)
		return rc;
	/* WGS84_ONLY: geometries are stored in EPSG:4326; every other
	 * transform goes through PROJ in crs.c. */
	if ((rc = exec(st, "SELECT InitSpatialMetaData(0, 'WGS84_ONLY')",
		       err)) != ER_OK)
		goto fail;
	if ((rc = exec(st, er_schema_sql, err)) != ER_OK)
		goto fail;
	char pragma[128];
	snprintf(pragma, sizeof pragma,
		 "PRAGMA application_id = %d; PRAGMA user_version = 1;",
		 ER_APPLICATION_ID);
	if ((rc = exec(st, pragma, err)) != ER_OK)
		goto fail;
	if ((rc = exec(st, "COMMIT", err)) != ER_OK)
		goto fail;
	return er_store_migrate(st, err);
fail:
	exec(st, "ROLLBACK", NULL);
	return rc;
}

/* Fails when any foreign key points nowhere (checked with foreign keys
 * off, inside a migration). */
static enum er_code
fk_check(struct er_store *st, struct er_error *err)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &s,
			       NULL) != SQLITE_OK)
		return db_fail(st, err, "foreign_key_check");
	int rc = sqlite3_step(s);
	enum er_code c = ER_OK;
	if (rc == SQLITE_ROW)
		c = er_fail(err, ER_EDB, st->path,
			    "a foreign key in %s points nowhere",
			    (const char *)sqlite3_column_text(s, 0));
	else if (rc != SQLITE_DONE)
		c = db_fail(st, err, "foreign_key_check");
	sqlite3_finalize(s);
	return c;
}

static enum er_code migrate_steps(struct er_store *st, long ver,
				  struct er_error *err);

enum er_code
er_store_migrate(struct er_store *st, struct er_error *err)
{
	long app, ver;
	enum er_code rc = er_store_versions(st, &app, &ver, err);
	if (rc)
		return rc;
	/* A migration may rebuild a table that others reference; with
	 * foreign keys on, dropping the old one would cascade. The pragma
	 * is a no-op inside a transaction, so it goes around them, and
	 * foreign_key_check proves nothing was broken before COMMIT. */
	if (ver < ER_SCHEMA_VERSION &&
	    (rc = exec(st, "PRAGMA foreign_keys = OFF", err)) != ER_OK)
		return rc;
	rc = migrate_steps(st, ver, err);
	enum er_code on = exec(st, "PRAGMA foreign_keys = ON", rc ? NULL : err);
	return rc ? rc : on;
}

static enum er_code
migrate_steps(struct er_store *st, long ver, struct er_error *err)
{
	enum er_code rc;
	for (long v = ver + 1; v <= ER_SCHEMA_VERSION; v++) {
		if ((rc = exec(st, "BEGIN IMMEDIATE", err)) != ER_OK)
			return rc;
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %ld",
			 v);
		if ((rc = exec(st, migrations[v], err)) != ER_OK ||
		    (rc = fk_check(st, err)) != ER_OK ||
		    (rc = exec(st, pragma, err)) != ER_OK ||
		    (rc = exec(st, "COMMIT", err)) != ER_OK) {
			exec(st, "ROLLBACK", NULL);
			return er_fail(err, rc, st->path,
				       "upgrading the schema to version %ld "
				       "failed: %s",
				       v, err ? err->message : "");
		}
	}
	return ER_OK;
}

enum er_code
er_store_versions(struct er_store *st, long *app_id, long *user_version,
		  struct er_error *err)
{
	int64_t a = 0, u = 0;
	enum er_code rc;
	if ((rc = er_store_scalar(st, ER_STMT_APPLICATION_ID, &a, err, "")))
		return rc;
	if ((rc = er_store_scalar(st, ER_STMT_USER_VERSION, &u, err, "")))
		return rc;
	*app_id = (long)a;
	*user_version = (long)u;
	return ER_OK;
}

enum er_code
er_store_begin(struct er_store *st, struct er_error *err)
{
	/* IMMEDIATE: a deferred transaction that reads then writes fails at
	 * once with SQLITE_BUSY when another process writes. */
	return exec(st, "BEGIN IMMEDIATE", err);
}

enum er_code
er_store_begin_bulk(struct er_store *st, struct er_error *err)
{
	/* In WAL mode every page of a large import is written twice: to
	 * the WAL, then to the file at checkpoint. A rollback journal holds
	 * only the pages that existed before, so the new rows are written
	 * once. SQLite changes the mode only when no other connection has
	 * the file open; otherwise the import runs in WAL mode as usual. */
	if (!st->readonly)
		exec(st, "PRAGMA journal_mode = DELETE", NULL);
	/* room for the pages a large import dirties before they spill */
	exec(st, "PRAGMA cache_size = -65536", NULL);
	return er_store_begin(st, err);
}

void
er_store_end_bulk(struct er_store *st)
{
	exec(st, "PRAGMA cache_size = -8192", NULL);
	if (!st->readonly)
		exec(st, "PRAGMA journal_mode = WAL", NULL);
}

struct er_index_set {
	size_t n;
	char **sql;
};

void
er_store_indexes_free(struct er_index_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		sqlite3_free(set->sql[i]);
	er_free(set->sql);
	er_free(set);
}

enum er_code
er_store_drop_indexes(struct er_store *st, const char *table,
		      struct er_index_set **out, struct er_error *err)
{
	*out = NULL;
	struct er_index_set *set = er_calloc(1, sizeof *set);
	if (!set)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	sqlite3_stmt *s = NULL;
	/* named indexes only: the primary key's stays */
	if (sqlite3_prepare_v2(st->db,
			       "SELECT name, sql FROM sqlite_schema WHERE "
			       "type = 'index' AND tbl_name = ?1 AND "
			       "sql IS NOT NULL ORDER BY name",
			       -1, &s, NULL) != SQLITE_OK) {
		er_store_indexes_free(set);
		return db_fail(st, err, "listing indexes");
	}
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	enum er_code rc = ER_OK;
	char **names = NULL;
	int r;
	while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
		char **v = er_realloc(set->sql, (set->n + 1) * sizeof *v);
		char **nv = er_realloc(names, (set->n + 1) * sizeof *nv);
		if (v)
			set->sql = v;
		if (nv)
			names = nv;
		if (!v || !nv) {
			rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
			break;
		}
		set->sql[set->n] = sqlite3_mprintf(
			"%s", (const char *)sqlite3_column_text(s, 1));
		names[set->n] = sqlite3_mprintf(
			"DROP INDEX \"%w\"", (const char *)sqlite3_column_text(s, 0));
		set->n++;
		if (!set->sql[set->n - 1] || !names[set->n - 1])
			rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
	}
	sqlite3_finalize(s);
	for (size_t i = 0; i < set->n && !rc; i++)
		rc = exec(st, names[i], err);
	for (size_t i = 0; i < set->n; i++)
		sqlite3_free(names[i]);
	er_free(names);
	if (rc) {
		er_store_indexes_free(set);
		return rc;
	}
	*out = set;
	return ER_OK;
}

enum er_code
er_store_create_indexes(struct er_store *st, struct er_index_set *set,
			struct er_error *err)
{
	enum er_code rc = ER_OK;
	for (size_t i = 0; set && i < set->n && !rc; i++)
		rc = exec(st, set->sql[i], err);
	er_store_indexes_free(set);
	return rc;
}

enum er_code
er_store_begin_read(struct er_store *st, struct er_error *err)
{
	return exec(st, "BEGIN DEFERRED", err);
}

enum er_code
er_store_commit(struct er_store *st, struct er_error *err)
{
	return exec(st, "COMMIT", err);
}

void
er_store_rollback(struct er_store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		exec(st, "ROLLBACK", NULL);
}

enum er_code
er_store_savepoint(struct er_store *st, struct er_error *err)
{
	return exec(st, "SAVEPOINT er_row", err);
}

enum er_code
er_store_release(struct er_store *st, struct er_error *err)
{
	return exec(st, "RELEASE er_row", err);
}

void
er_store_rollback_to(struct er_store *st)
{
	exec(st, "ROLLBACK TO er_row; RELEASE er_row", NULL);
}

static sqlite3_stmt *
get_stmt(struct er_store *st, enum er_stmt id, struct er_error *err)
{
	if (st->stmt[id])
		return st->stmt[id];
	if (sqlite3_prepare_v3(st->db, statements[id].sql, -1,
			       SQLITE_PREPARE_PERSISTENT, &st->stmt[id],
			       NULL) != SQLITE_OK) {
		char what[96];
		snprintf(what, sizeof what, "statement %s",
			 statements[id].name);
		db_fail(st, err, what);
		return NULL;
	}
	return st->stmt[id];
}

enum er_code
er_store_prepare_all(struct er_store *st, struct er_error *err)
{
	for (int i = 0; i < ER_STMT_COUNT; i++)
		if (!get_stmt(st, (enum er_stmt)i, err))
			return err ? err->code : ER_EDB;
	return ER_OK;
}

static enum er_code
bind_va(struct er_store *st, enum er_stmt id, sqlite3_stmt *s,
	struct er_error *err, sqlite3_destructor_type keep, const char *fmt,
	va_list ap)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	int rc = SQLITE_OK;
	for (int i = 0; fmt[i] && rc == SQLITE_OK; i++) {
		int pos = i + 1;
		switch (fmt[i]) {
		case 't': {
			const char *t = va_arg(ap, const char *);
			rc = t ? sqlite3_bind_text(s, pos, t, -1, keep)
			       : sqlite3_bind_null(s, pos);
			break;
		}
		case 'i':
			rc = sqlite3_bind_int64(s, pos, va_arg(ap, int64_t));
			break;
		case 'l':
			rc = sqlite3_bind_int64(s, pos, va_arg(ap, long));
			break;
		case 'd':
			rc = sqlite3_bind_double(s, pos, va_arg(ap, double));
			break;
		case 'n':
			rc = sqlite3_bind_null(s, pos);
			break;
		default:
			return er_fail(err, ER_EUSAGE, statements[id].name,
				       "bad bind format '%c'", fmt[i]);
		}
	}
	if (rc != SQLITE_OK) {
		char what[96];
		snprintf(what, sizeof what, "binding %s", statements[id].name);
		return db_fail(st, err, what);
	}
	return ER_OK;
}

enum er_code
er_store_run(struct er_store *st, enum er_stmt id, long *changes,
	     struct er_error *err, const char *fmt, ...)
{
	sqlite3_stmt *s = get_stmt(st, id, err);
	if (!s)
		return err ? err->code : ER_EDB;
	/* The caller's strings outlive this call, which runs the statement
	 * to the end and clears the bindings: SQLite need not copy them. */
	va_list ap;
	va_start(ap, fmt);
	enum er_code c = bind_va(st, id, s, err, SQLITE_STATIC, fmt, ap);
	va_end(ap);
	if (c != ER_OK) {
		sqlite3_clear_bindings(s);
		return c;
	}
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		char what[96];
		snprintf(what, sizeof what, "%s", statements[id].name);
		c = db_fail(st, err, what);
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return c;
	}
	if (changes)
		*changes = sqlite3_changes(st->db);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return ER_OK;
}

enum er_code
er_store_query(struct er_store *st, enum er_stmt id, struct er_error *err,
	       const char *fmt, ...)
{
	sqlite3_stmt *s = get_stmt(st, id, err);
	if (!s)
		return err ? err->code : ER_EDB;
	va_list ap;
	va_start(ap, fmt);
	enum er_code c = bind_va(st, id, s, err, SQLITE_TRANSIENT, fmt, ap);
	va_end(ap);
	return c;
}

int
er_store_next(struct er_store *st, enum er_stmt id, struct er_error *err)
{
	sqlite3_stmt *s = st->stmt[id];
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	db_fail(st, err, statements[id].name);
	sqlite3_reset(s);
	return -1;
}

void
er_store_done(struct er_store *st, enum er_stmt id)
{
	if (st->stmt[id])
		sqlite3_reset(st->stmt[id]);
}

const char *
er_store_text(struct er_store *st, enum er_stmt id, int col)
{
	return (const char *)sqlite3_column_text(st->stmt[id], col);
}

int64_t
er_store_int(struct er_store *st, enum er_stmt id, int col)
{
	return sqlite3_column_int64(st->stmt[id], col);
}

size_t
er_store_bytes(struct er_store *st, enum er_stmt id, int col)
{
	return (size_t)sqlite3_column_bytes(st->stmt[id], col);
}

double
er_store_double(struct er_store *st, enum er_stmt id, int col)
{
	return sqlite3_column_double(st->stmt[id], col);
}

int
er_store_isnull(struct er_store *st, enum er_stmt id, int col)
{
	return sqlite3_column_type(st->stmt[id], col) == SQLITE_NULL;
}

const void *
er_store_blob(struct er_store *st, enum er_stmt id, int col, int *len)
{
	*len = sqlite3_column_bytes(st->stmt[id], col);
	return sqlite3_column_blob(st->stmt[id], col);
}

enum er_code
er_store_scalar(struct er_store *st, enum er_stmt id, int64_t *out,
		struct er_error *err, const char *fmt, ...)
{
	sqlite3_stmt *s = get_stmt(st, id, err);
	if (!s)
		return err ? err->code : ER_EDB;
	va_list ap;
	va_start(ap, fmt);
	enum er_code c = bind_va(st, id, s, err, SQLITE_TRANSIENT, fmt, ap);
	va_end(ap);
	if (c != ER_OK)
		return c;
	*out = 0;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		c = db_fail(st, err, statements[id].name);
	sqlite3_reset(s);
	return c;
}

/* ---- a reader on another thread -----------------------------------------*/

struct er_reader {
	sqlite3 *db;
	sqlite3_stmt *stmt;
};

void
er_reader_close(struct er_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->stmt);
	if (r->db) {
		sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(r->db);
	}
	er_free(r);
}

struct er_reader *
er_reader_open(struct er_store *st, enum er_stmt id)
{
	sqlite3_stmt *jm = NULL;
	int wal = 0;
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &jm, NULL) ==
	        SQLITE_OK &&
	    sqlite3_step(jm) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(jm, 0);
		wal = m && !strcmp(m, "wal");
	}
	sqlite3_finalize(jm);
	if (!wal)
		return NULL;
	struct er_reader *r = er_calloc(1, sizeof *r);
	if (!r)
		return NULL;
	if (sqlite3_open_v2(st->path, &r->db,
	                    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(r->db, 10000);
	/* the snapshot is taken by the first read, here: before any other
	 * writer can commit, since the caller holds the write lock */
	if (sqlite3_exec(r->db,
	                 "PRAGMA cache_size = -2048; PRAGMA temp_store = "
	                 "MEMORY; BEGIN; SELECT count(*) FROM sqlite_master",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(r->db, statements[id].sql, -1,
	                       SQLITE_PREPARE_PERSISTENT, &r->stmt,
	                       NULL) != SQLITE_OK)
		goto fail;
	return r;
fail:
	er_reader_close(r);
	return NULL;
}

int
er_reader_row(struct er_reader *r, int64_t rowid)
{
	sqlite3_reset(r->stmt);
	if (sqlite3_bind_int64(r->stmt, 1, rowid) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(r->stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

const char *
er_reader_text(struct er_reader *r, int col, size_t *len)
{
	const char *s = (const char *)sqlite3_column_text(r->stmt, col);
	*len = s ? (size_t)sqlite3_column_bytes(r->stmt, col) : 0;
	return s;
}

const char *
er_reader_error(struct er_reader *r)
{
	return sqlite3_errmsg(r->db);
}
