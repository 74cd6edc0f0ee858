/* Unit tests for store.c and register.c: schema, versions, permissions,
 * CRS choice. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include <sqlite3.h>

#include <evacreg/evacreg.h>
#include "crs.h"
#include "regimpl.h"
#include "store.h"
#include "testutil.h"

static void
test_prepare_every_statement(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *db = tu_path(dir, "r.db");
	struct er_error err = {0};
	assert_int_equal(er_register_init(db, NULL, &err), ER_OK);
	struct er_register *reg = er_register_open(db, 0, &err);
	assert_non_null(reg);
	enum er_code rc = er_store_prepare_all(reg->st, &err);
	if (rc)
		fail_msg("%s: %s", err.where, err.message);
	assert_null(er_register_crs(reg));
	assert_int_equal(er_register_consent_regime(reg), ER_CONSENT_OPT_IN);
	er_register_close(reg);
	free(db);
	tu_rmdir(dir);
}

static void
test_owner_only_files(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *db = tu_path(dir, "r.db");
	char *wal = tu_path(dir, "r.db-wal");
	struct er_error err = {0};
	mode_t old = umask(0);
	assert_int_equal(er_register_init(db, NULL, &err), ER_OK);
	struct er_register *reg = er_register_open(db, 0, &err);
	assert_non_null(reg);
	assert_int_equal(er_store_begin(reg->st, &err), ER_OK);
	assert_int_equal(er_register_set_meta(reg, "x", "y", &err), ER_OK);
	assert_int_equal(er_store_commit(reg->st, &err), ER_OK);
	assert_int_equal(tu_mode(db), 0600);
	assert_int_equal(tu_mode(wal), 0600);
	er_register_close(reg);
	umask(old);
	/* refuses to overwrite */
	assert_int_equal(er_register_init(db, NULL, &err), ER_EIO);
	assert_non_null(strstr(err.message, "exists"));
	free(db);
	free(wal);
	tu_rmdir(dir);
}

static void
set_pragma(const char *db, const char *sql)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void
test_refuses_other_versions(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *db = tu_path(dir, "r.db");
	struct er_error err = {0};
	assert_int_equal(er_register_init(db, NULL, &err), ER_OK);
	set_pragma(db, "PRAGMA user_version = 99");
	assert_null(er_register_open(db, 0, &err));
	assert_int_equal(err.code, ER_EDB);
	assert_string_equal(err.where, db);
	assert_non_null(strstr(err.message, "schema version 99 is newer"));
	set_pragma(db, "PRAGMA user_version = 0");
	assert_null(er_register_open(db, 0, &err));
	assert_non_null(strstr(err.message, "unknown schema version 0"));
	set_pragma(db, "PRAGMA application_id = 7");
	assert_null(er_register_open(db, 0, &err));
	assert_non_null(strstr(err.message, "not an evacreg register"));
	/* a text file */
	char *txt = tu_path(dir, "t.db");
	tu_writes(txt, "hello, this is not a database at all, not at all\n");
	assert_null(er_register_open(txt, 0, &err));
	assert_true(err.code == ER_EDB || err.code == ER_EIO);
	/* missing file */
	char *missing = tu_path(dir, "none.db");
	assert_null(er_register_open(missing, 0, &err));
	assert_int_equal(err.code, ER_EIO);
	free(txt);
	free(missing);
	free(db);
	tu_rmdir(dir);
}

extern const char er_schema_sql[];
extern const char er_migrate_2_sql[];

static int64_t
count_of(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* A register file of an older version, made by the version 1 schema and
 * the migrations up to `version` as they shipped, with a registrant, a
 * supporter and an assignment. */
static void
make_old_register(const char *db, int version)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_enable_load_extension(h, 1);
	assert_int_equal(sqlite3_load_extension(h, "mod_spatialite", NULL,
						NULL),
			 SQLITE_OK);
	char pragma[96];
	/* evacreg's application_id, "EVRG" */
	snprintf(pragma, sizeof pragma,
		 "PRAGMA application_id = %d; PRAGMA user_version = %d;",
		 0x45565247, version);
	const char *steps[] = {
		"PRAGMA foreign_keys = ON",
		"SELECT InitSpatialMetaData(1, 'WGS84_ONLY')",
		er_schema_sql,
		version >= 2 ? er_migrate_2_sql : "SELECT 1",
		pragma,
		"INSERT INTO registrant (id, household_id, name, consent, "
		"loc_lon, loc_lat, district_code, updated_at, geom) VALUES "
		"('R1', 'H1', 'テスト', 'yes', 141.6, 42.6, 'D1', 'x', "
		"MakePoint(141.6, 42.6, 4326))",
		"INSERT INTO supporter (id, name, updated_at) VALUES "
		"('S1', 'サポーター', 'x')",
		"INSERT INTO assignment (registrant_id, supporter_id, "
		"updated_at) VALUES ('R1', 'S1', 'x')",
	};
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (sqlite3_exec(h, steps[i], NULL, NULL, NULL) != SQLITE_OK)
			fail_msg("step %zu: %s", i, sqlite3_errmsg(h));
	assert_int_equal(count_of(h, "SELECT count(*) FROM sqlite_master "
				     "WHERE name = 'idx_registrant_geom'"),
			 1);
	sqlite3_close(h);
}

/* Version 1 and 2 files upgrade to the current version: version 3
 * rebuilds the registrant table and must keep registrants, assignments
 * and the rules. */
static void
check_migrates(int from)
{
	char *dir = tu_tmpdir();
	char *db = tu_path(dir, "r.db");
	make_old_register(db, from);
	sqlite3 *h;
	/* read-only opens leave it alone */
	struct er_error err = {0};
	struct er_register *ro = er_register_open(db, ER_OPEN_READONLY, &err);
	assert_non_null(ro);
	er_register_close(ro);
	struct er_register *reg = er_register_open(db, 0, &err);
	if (!reg)
		fail_msg("%s: %s", err.where, err.message);
	long app, ver;
	assert_int_equal(er_store_versions(reg->st, &app, &ver, &err), ER_OK);
	assert_int_equal(ver, ER_SCHEMA_VERSION);
	assert_int_equal(er_store_prepare_all(reg->st, &err), ER_OK);
	er_register_close(reg);

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_enable_load_extension(h, 1);
	assert_int_equal(sqlite3_load_extension(h, "mod_spatialite", NULL,
						NULL),
			 SQLITE_OK);
	assert_int_equal(count_of(h, "SELECT count(*) FROM assignment"), 1);
	assert_int_equal(count_of(h, "SELECT count(*) FROM household_number"),
			 0);
	/* who has a supporter is counted, and kept counted */
	assert_int_equal(count_of(h, "SELECT assigned FROM registrant"), 1);
	assert_int_equal(sqlite3_exec(h, "DELETE FROM assignment", NULL, NULL,
				      NULL),
			 SQLITE_OK);
	assert_int_equal(count_of(h, "SELECT assigned FROM registrant"), 0);
	assert_int_equal(count_of(h, "SELECT count(*) FROM registrant WHERE "
				     "id = 'R1' AND name = 'テスト' AND "
				     "district_code = 'D1' AND "
				     "X(geom) = 141.6 AND Y(geom) = 42.6"),
			 1);
	/* still a POINT column for QGIS, without the R*Tree */
	assert_int_equal(count_of(h, "SELECT count(*) FROM geometry_columns "
				     "WHERE f_table_name = 'registrant' AND "
				     "geometry_type = 1 AND srid = 4326 AND "
				     "spatial_index_enabled = 0"),
			 1);
	assert_int_equal(count_of(h, "SELECT count(*) FROM sqlite_master "
				     "WHERE name = 'idx_registrant_geom' OR "
				     "name LIKE 'tm_\\_registrant\\_geom' "
				     "ESCAPE '\\'"),
			 0);
	/* the same rules: a bad mobility or a non-point is refused */
	assert_int_not_equal(sqlite3_exec(h, "UPDATE registrant SET mobility "
					     "= 'run'", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(h, "UPDATE registrant SET geom = "
					     "GeomFromText('LINESTRING(0 0, "
					     "1 1)', 4326)", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "UPDATE registrant SET mobility = "
					 "'cane'", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	free(db);
	tu_rmdir(dir);
}

static void
test_migrates_version_1(void **state)
{
	(void)state;
	check_migrates(1);
}

static void
test_migrates_version_2(void **state)
{
	(void)state;
	check_migrates(2);
}

static void
test_crs(void **state)
{
	(void)state;
	char id[64], name[256];
	struct er_error err = {0};
	assert_int_equal(er_crs_check("EPSG:6680", id, sizeof id, name,
				      sizeof name, &err),
			 ER_OK);
	assert_string_equal(id, "EPSG:6680");
	assert_non_null(strstr(name, "XII"));
	/* geographic CRS is refused, nonsense too */
	assert_int_equal(er_crs_check("EPSG:4326", id, sizeof id, name,
				      sizeof name, &err),
			 ER_ECRS);
	assert_non_null(strstr(err.message, "not a projected CRS"));
	assert_int_equal(er_crs_check("EPSG:999999", id, sizeof id, name,
				      sizeof name, &err),
			 ER_ECRS);
	/* zones: Tomakomai is in XII, Otaru in XI, Tokyo (Shinjuku) in IX,
	 * Naha in XV, Fukuoka in II */
	struct {
		double lon, lat;
		const char *want;
	} cases[] = {
		{141.6055, 42.6344, "EPSG:6680"}, {140.9947, 43.1907, "EPSG:6679"},
		{139.7036, 35.6938, "EPSG:6677"}, {127.6809, 26.2124, "EPSG:6683"},
		{130.4017, 33.5902, "EPSG:6670"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(er_crs_pick_jgd2011(cases[i].lon, cases[i].lat,
						     id, sizeof id, &err),
				 ER_OK);
		assert_string_equal(id, cases[i].want);
	}
	assert_int_equal(er_crs_pick_jgd2011(2.35, 48.85, id, sizeof id, &err),
			 ER_ECRS);
	/* transform round trip */
	struct er_crs_tf *tf = er_crs_tf_create("EPSG:6680", &err);
	assert_non_null(tf);
	double x = 142.25, y = 44.0; /* the zone's origin */
	assert_int_equal(er_crs_tf_forward(tf, &x, &y, 1, &err), ER_OK);
	assert_true(fabs(x) < 0.01 && fabs(y) < 0.01);
	x = 1000;
	y = -2000;
	assert_int_equal(er_crs_tf_inverse(tf, &x, &y, 1, &err), ER_OK);
	assert_true(x > 142.25 && y < 44.0);
	er_crs_tf_destroy(tf);
}

static void
test_init_options(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *db = tu_path(dir, "r.db");
	struct er_error err = {0};
	struct er_init_options o = {.crs = "EPSG:4326"};
	assert_int_equal(er_register_init(db, &o, &err), ER_ECRS);
	assert_int_equal(access(db, F_OK), -1); /* nothing left behind */
	o.crs = "EPSG:6680";
	o.regime = ER_CONSENT_OPT_OUT;
	assert_int_equal(er_register_init(db, &o, &err), ER_OK);
	struct er_register *reg = er_register_open(db, ER_OPEN_READONLY, &err);
	assert_non_null(reg);
	assert_string_equal(er_register_crs(reg), "EPSG:6680");
	assert_int_equal(er_register_consent_regime(reg), ER_CONSENT_OPT_OUT);
	/* read-only handles refuse imports */
	struct er_import_options io = {.kind = ER_IMPORT_ASSOCIATIONS,
				       .path = db};
	assert_int_equal(er_register_import(reg, &io, NULL, &err), ER_EUSAGE);
	er_register_close(reg);
	free(db);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_every_statement),
		cmocka_unit_test(test_owner_only_files),
		cmocka_unit_test(test_refuses_other_versions),
		cmocka_unit_test(test_migrates_version_1),
		cmocka_unit_test(test_migrates_version_2),
		cmocka_unit_test(test_crs),
		cmocka_unit_test(test_init_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
