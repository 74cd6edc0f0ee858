/* Opening, creating and describing a register file. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config.h"
#include <evacreg/evacreg.h>
#include "alloc.h"
#include "crs.h"
#include "export.h"
#include "regimpl.h"

#define ER_APP_ID 0x45565247L

const char *
er_version(void)
{
	return ER_VERSION;
}

void
er_now_iso(char out[24])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
er_today_iso(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void
er_register_log(struct er_register *reg, enum er_severity sev,
		const char *where, const char *fmt, ...)
{
	if (!reg->log)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	reg->log(sev, where ? where : "", msg, reg->log_ud);
}

int
er_consent_shareable(enum er_consent_regime regime, const char *consent)
{
	if (!consent)
		return 0;
	if (strcmp(consent, "yes") == 0)
		return 1;
	return regime == ER_CONSENT_OPT_OUT &&
	       strcmp(consent, "unanswered") == 0;
}

enum er_code
er_register_set_meta(struct er_register *reg, const char *key,
		     const char *value, struct er_error *err)
{
	return er_store_run(reg->st, ER_STMT_META_SET, NULL, err, "tt", key,
			    value);
}

enum er_code
er_register_init(const char *path, const struct er_init_options *opt,
		 struct er_error *err)
{
	struct er_init_options defaults = {0};
	if (!opt)
		opt = &defaults;
	char crs_id[64] = "", crs_name[256] = "";
	enum er_code rc;
	if (opt->crs && (rc = er_crs_check(opt->crs, crs_id, sizeof crs_id,
					   crs_name, sizeof crs_name, err)))
		return rc;
	struct er_store *st = er_store_open(path, ER_STORE_CREATE, err);
	if (!st)
		return err ? err->code : ER_EIO;
	if ((rc = er_store_create_schema(st, err)))
		goto fail;
	char now[24];
	er_now_iso(now);
	const char *regime =
		opt->regime == ER_CONSENT_OPT_OUT ? "opt-out" : "opt-in";
	if ((rc = er_store_begin(st, err)) ||
	    (rc = er_store_run(st, ER_STMT_META_SET, NULL, err, "tt",
			       "created_at", now)) ||
	    (rc = er_store_run(st, ER_STMT_META_SET, NULL, err, "tt",
			       "consent_regime", regime)) ||
	    (rc = er_store_run(st, ER_STMT_META_SET, NULL, err, "tt",
			       "evacreg_version", ER_VERSION)) ||
	    (crs_id[0] &&
	     ((rc = er_store_run(st, ER_STMT_META_SET, NULL, err, "tt", "crs",
				 crs_id)) ||
	      (rc = er_store_run(st, ER_STMT_META_SET, NULL, err, "tt",
				 "crs_source", "user")))) ||
	    (rc = er_store_commit(st, err))) {
		er_store_rollback(st);
		goto fail;
	}
	er_store_close(st);
	return ER_OK;
fail:
	er_store_close(st);
	/* A half-made register is worse than none. */
	remove(path);
	char side[4200];
	snprintf(side, sizeof side, "%s-wal", path);
	remove(side);
	snprintf(side, sizeof side, "%s-shm", path);
	remove(side);
	return rc;
}

static enum er_code
load_meta(struct er_register *reg, struct er_error *err)
{
	enum er_code rc;
	reg->regime = ER_CONSENT_OPT_IN;
	if ((rc = er_store_query(reg->st, ER_STMT_META_ALL, err, "")))
		return rc;
	int r;
	while ((r = er_store_next(reg->st, ER_STMT_META_ALL, err)) == 1) {
		const char *k = er_store_text(reg->st, ER_STMT_META_ALL, 0);
		const char *v = er_store_text(reg->st, ER_STMT_META_ALL, 1);
		if (!k || !v)
			continue;
		if (strcmp(k, "crs") == 0)
			snprintf(reg->crs, sizeof reg->crs, "%s", v);
		else if (strcmp(k, "consent_regime") == 0)
			reg->regime = strcmp(v, "opt-out") == 0
					      ? ER_CONSENT_OPT_OUT
					      : ER_CONSENT_OPT_IN;
	}
	return r < 0 ? ER_EDB : ER_OK;
}

struct er_register *
er_register_open(const char *path, unsigned flags, struct er_error *err)
{
	struct er_register *reg = er_calloc(1, sizeof *reg);
	if (!reg) {
		er_fail(err, ER_ENOMEM, path, "out of memory");
		return NULL;
	}
	snprintf(reg->path, sizeof reg->path, "%s", path);
	reg->readonly = (flags & ER_OPEN_READONLY) != 0;
	reg->st = er_store_open(path,
				reg->readonly ? ER_STORE_RO : ER_STORE_RW, err);
	if (!reg->st)
		goto fail;
	long app = 0, ver = 0;
	struct er_error e2;
	if (er_store_versions(reg->st, &app, &ver, &e2) != ER_OK) {
		er_fail(err, ER_EDB, path,
			"not an evacreg register (not an SQLite database?)");
		goto fail;
	}
	if (app != ER_APP_ID) {
		er_fail(err, ER_EDB, path,
			"not an evacreg register (application_id is %ld); "
			"create one with evacreg init",
			app);
		goto fail;
	}
	if (ver > ER_SCHEMA_VERSION) {
		er_fail(err, ER_EDB, path,
			"schema version %ld is newer than this evacreg %s "
			"understands (%d); use a newer evacreg",
			ver, ER_VERSION, ER_SCHEMA_VERSION);
		goto fail;
	}
	if (ver < 1) {
		er_fail(err, ER_EDB, path,
			"unknown schema version %ld; this evacreg reads "
			"version %d",
			ver, ER_SCHEMA_VERSION);
		goto fail;
	}
	if (ver < ER_SCHEMA_VERSION && !reg->readonly &&
	    er_store_migrate(reg->st, err) != ER_OK)
		goto fail;
	if (load_meta(reg, err) != ER_OK)
		goto fail;
	return reg;
fail:
	er_register_close(reg);
	return NULL;
}

void
er_register_close(struct er_register *reg)
{
	if (!reg)
		return;
	er_x_reader_close(reg);
	er_store_close(reg->st);
	er_free(reg->command);
	er_free(reg);
}

void
er_register_set_log(struct er_register *reg, er_log_fn fn, void *ud)
{
	reg->log = fn;
	reg->log_ud = ud;
}

enum er_code
er_register_set_command(struct er_register *reg, const char *command,
			struct er_error *err)
{
	char *c = er_strdup(command ? command : "");
	if (!c)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	er_free(reg->command);
	reg->command = c;
	return ER_OK;
}

const char *
er_register_crs(const struct er_register *reg)
{
	return reg->crs[0] ? reg->crs : NULL;
}

enum er_consent_regime
er_register_consent_regime(const struct er_register *reg)
{
	return reg->regime;
}

const char *
er_register_path(const struct er_register *reg)
{
	return reg->path;
}

