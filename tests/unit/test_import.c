/* Imports: valid files in every encoding and header language, every kind
 * of invalid row with its exact message, atomicity, --skip-invalid,
 * --dry-run, --replace, and the audit log. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <iconv.h>

#include <sqlite3.h>

#include <evacreg/evacreg.h>
#include "testutil.h"

struct fx {
	char *dir, *db;
	struct er_register *reg;
	char log[16384]; /* every diagnostic, one per line */
};

static void
logcb(enum er_severity sev, const char *where, const char *msg, void *ud)
{
	struct fx *f = ud;
	size_t n = strlen(f->log);
	snprintf(f->log + n, sizeof f->log - n, "%s%s: %s\n",
		 sev == ER_SEV_WARNING ? "W " : "E ", where, msg);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = tu_tmpdir();
	f->db = tu_path(f->dir, "r.db");
	struct er_error err;
	if (er_register_init(f->db, NULL, &err))
		return -1;
	f->reg = er_register_open(f->db, 0, &err);
	if (!f->reg)
		return -1;
	er_register_set_log(f->reg, logcb, f);
	er_register_set_command(f->reg, "evacreg test", &err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	er_register_close(f->reg);
	free(f->db);
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

/* Writes text to dir/name and imports it; returns the code. */
static enum er_code
imp(struct fx *f, enum er_import_kind kind, const char *name,
    const char *text, unsigned flags, struct er_import_result *res,
    struct er_error *err)
{
	char *p = tu_path(f->dir, name);
	if (text)
		tu_writes(p, text);
	struct er_import_options o = {.kind = kind, .path = p, .flags = flags};
	f->log[0] = '\0';
	enum er_code rc = er_register_import(f->reg, &o, res, err);
	free(p);
	return rc;
}

/* An independent connection, with SpatiaLite for the geometry checks. */
static sqlite3 *
open_ro(struct fx *f)
{
	sqlite3 *h;
	sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL);
	sqlite3_enable_load_extension(h, 1);
	sqlite3_load_extension(h, "mod_spatialite", NULL, NULL);
	return h;
}

static long
count(struct fx *f, const char *sql)
{
	sqlite3 *h = open_ro(f);
	sqlite3_stmt *s;
	long n = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(h));
	sqlite3_finalize(s);
	sqlite3_close(h);
	return n;
}

static char *
text1(struct fx *f, const char *sql)
{
	sqlite3 *h = open_ro(f);
	sqlite3_stmt *s;
	char *out = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		out = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(h);
	return out;
}

#define OK(call)                                                               \
	do {                                                                   \
		struct er_error e_ = {0};                                      \
		(void)e_;                                                      \
		if ((call) != ER_OK)                                           \
			fail_msg("%s failed", #call);                          \
	} while (0)

static const char *assoc_csv =
	"\xef\xbb\xbf町内会コード,町内会名,協定締結日,自主防災組織,世帯数,備考\n"
	"A1,\"青葉町 一丁目町内会\",令和2年4月1日,有,120,\n"
	"A2,\"旭町町内会, 本部\",,無,80,note\n"
	"A3,錦町町内会,2019/4/1,1,\"1,200\",\n";

static void
test_associations(void **state)
{
	struct fx *f = *state;
	struct er_import_result res;
	struct er_error err;
	assert_int_equal(imp(f, ER_IMPORT_ASSOCIATIONS, "a.csv", assoc_csv, 0,
			     &res, &err),
			 ER_OK);
	assert_int_equal(res.added, 3);
	assert_string_equal(res.encoding, "UTF-8 (BOM)");
	assert_int_equal(res.warnings, 1);
	assert_non_null(strstr(f->log, "W "));
	assert_non_null(strstr(f->log, "column 備考 is not used and was ignored"));
	assert_int_equal(count(f, "SELECT households FROM association "
				  "WHERE code='A3'"),
			 1200);
	char *d = text1(f, "SELECT agreement_signed_on FROM association "
			   "WHERE code='A1'");
	assert_string_equal(d, "2020-04-01");
	free(d);
	d = text1(f, "SELECT name FROM association WHERE code='A2'");
	assert_string_equal(d, "旭町町内会, 本部");
	free(d);
	assert_int_equal(count(f, "SELECT count(*) FROM association WHERE "
				  "agreement_signed_on IS NULL"),
			 1);
	/* same file again: unchanged; then one change */
	assert_int_equal(imp(f, ER_IMPORT_ASSOCIATIONS, "a.csv", NULL, 0, &res,
			     &err),
			 ER_OK);
	assert_int_equal(res.unchanged, 3);
	assert_int_equal(res.added + res.updated, 0);
	assert_int_equal(imp(f, ER_IMPORT_ASSOCIATIONS, "b.csv",
			     "code,name,agreement_signed_on,has_jishubo\n"
			     "A2,旭町町内会,2024-01-10,1\n",
			     0, &res, &err),
			 ER_OK);
	assert_int_equal(res.updated, 1);
	/* two audit rows per successful import so far: three imports */
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE "
				  "action='import associations' AND "
				  "length(file_sha256)=64 AND "
				  "command='evacreg test'"),
			 3);
}

static void
test_associations_invalid(void **state)
{
	struct fx *f = *state;
	struct er_import_result res;
	struct er_error err;
	assert_int_equal(imp(f, ER_IMPORT_ASSOCIATIONS, "a.csv",
			     "code,name,agreement_signed_on,has_jishubo,"
			     "households,districts\n"
			     "A1,良い,2020-01-01,1,10,\n"
			     ",名無し,,,,\n"
			     "A3,,,,,\n"
			     "A4,日付,平成31年5月1日,,,\n"
			     "A5,未来,2999-01-01,,,\n"
			     "A6,自主防,,maybe,,\n"
			     "A7,世帯,,,-3,\n"
			     "A8,地区,,,,X1;X2\n"
			     "A1,重複,,,,\n",
			     0, &res, &err),
			 ER_EINVALID);
	static const char *const want[] = {
		"a.csv:3: column code: is empty",
		"a.csv:4: column name: is empty",
		"a.csv:5: column agreement_signed_on: \"平成31年5月1日\" is not "
		"a valid date in 平成",
		"a.csv:6: column agreement_signed_on: \"2999-01-01\" is in the "
		"future",
		"a.csv:7: column has_jishubo: \"maybe\"",
		"a.csv:8: column households: \"-3\"",
		"a.csv:9: column districts: unknown district code \"X1\"",
		"a.csv:9: column districts: unknown district code \"X2\"",
		"a.csv:10: column code: \"A1\" appears again (first on line 2)",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(f->log, want[i]))
			fail_msg("want \"%s\" in:\n%s", want[i], f->log);
	assert_int_equal(count(f, "SELECT count(*) FROM association"), 0);
}

static void
setup_register(struct fx *f)
{
	struct er_import_result res;
	struct er_error err;
	assert_int_equal(imp(f, ER_IMPORT_ASSOCIATIONS, "a.csv", assoc_csv, 0,
			     &res, &err),
			 ER_OK);
}

static const char *reg_header =
	"宛名番号,世帯番号,氏名,フリガナ,生年月日,性別,住所,電話番号,"
	"要支援事由,同意,緯度,経度,状態,移動手段\n";

static void
test_registrants_valid(void **state)
{
	struct fx *f = *state;
	char text[4096];
	snprintf(text, sizeof text,
		 "%s"
		 "0001,H1,山田 太郎,ヤマダ タロウ,昭和15年3月1日,男,"
		 "\"苫小牧市青葉町1丁目2番3号, 101\",0144-12-3456,要介護;身体障害,"
		 "同意,42.63,141.60,,車いす\n"
		 "0002,H1,山田 花子,ヤマダ ハナコ,S17.5.3,2,,,,拒否,,,,\n"
		 "0003,,\"Smith \"\"Jo\"\" & <Ann>\",スミス,平成元年4月1日,F,"
		 "\"line one\nline two\",,elderly_alone,未回答,42.64,141.61,"
		 "active,\n"
		 "0004,,佐藤 一,サトウ ハジメ,1950-01-02,1,,,care,yes,42.64,"
		 "141.61,転出,\n"
		 "0005,,佐藤 二,サトウ ジ,1950/1/2,M,,,,1,42.64,141.61,施設入所,"
		 "寝たきり\n",
		 reg_header);
	struct er_import_result res;
	struct er_error err;
	enum er_code rc =
		imp(f, ER_IMPORT_REGISTRANTS, "r.csv", text, 0, &res, &err);
	if (rc)
		fail_msg("%s: %s\n%s", err.where, err.message, f->log);
	assert_int_equal(res.added, 5);
	char *s = text1(f, "SELECT birth_date || '|' || sex || '|' || reasons "
			   "|| '|' || consent || '|' || mobility FROM "
			   "registrant WHERE id='0001'");
	assert_string_equal(s, "1940-03-01|M|care;physical|yes|wheelchair");
	free(s);
	s = text1(f, "SELECT birth_date || '|' || sex || '|' || consent || "
		     "'|' || household_id FROM registrant WHERE id='0002'");
	assert_string_equal(s, "1942-05-03|F|no|H1");
	free(s);
	s = text1(f, "SELECT name || '|' || address || '|' || household_id "
		     "|| '|' || birth_date FROM registrant WHERE id='0003'");
	assert_string_equal(s, "Smith \"Jo\" & <Ann>|line one\nline two|0003|"
			       "1989-04-01");
	free(s);
	s = text1(f, "SELECT group_concat(status, ',') FROM (SELECT status "
		     "FROM registrant WHERE id IN ('0004','0005') ORDER BY id)");
	assert_string_equal(s, "moved,in_facility");
	free(s);
	/* 0002 has no point of its own: it takes its household's */
	assert_int_equal(count(f, "SELECT count(*) FROM registrant WHERE "
				  "id='0002' AND geom IS NULL AND "
				  "loc_lat = 42.63 AND loc_lon = 141.60"),
			 1);
	assert_int_equal(count(f, "SELECT registrants FROM audit_log WHERE "
				  "action='import registrants'"),
			 5);
}

/* Locations borrowed within a household follow the first member by id
 * with a point, however the file orders them: a member without a point
 * before the one with it, a smaller id later, a household split by
 * other rows, and a household member already in the register. */
static void
test_household_locations(void **state)
{
	struct fx *f = *state;
	char text[2048];
	snprintf(text, sizeof text,
		 "%s"
		 "0011,H2,甲 一,,,,,,,,,,,\n"
		 "0012,H2,甲 二,,,,,,,,42.61,141.61,,\n"
		 "0014,H3,乙 四,,,,,,,,42.64,141.64,,\n"
		 "0015,H3,乙 五,,,,,,,,,,,\n"
		 "0013,H3,乙 三,,,,,,,,42.63,141.63,,\n"
		 "0016,H4,丙 六,,,,,,,,42.66,141.66,,\n"
		 "0020,H5,丁 二〇,,,,,,,,,,,\n"
		 "0017,H4,丙 七,,,,,,,,,,,\n",
		 reg_header);
	OK(imp(f, ER_IMPORT_REGISTRANTS, "h.csv", text, 0, NULL, &e_));
	assert_int_equal(count(f, "SELECT count(*) FROM registrant WHERE "
				  "(id IN ('0011', '0012') AND loc_lat = 42.61) "
				  "OR (id IN ('0013', '0015') AND "
				  "loc_lat = 42.63) OR (id = '0014' AND "
				  "loc_lat = 42.64) OR (id IN ('0016', '0017') "
				  "AND loc_lat = 42.66)"),
			 7);
	assert_int_equal(count(f, "SELECT count(*) FROM registrant WHERE "
				  "id = '0020' AND loc_lat IS NULL AND "
				  "district_code IS NULL"),
			 1);
	/* the first load into an empty register drops the indexes and
	 * makes them again */
	assert_int_equal(count(f, "SELECT count(*) FROM sqlite_master WHERE "
				  "type = 'index' AND tbl_name = 'registrant' "
				  "AND name IN ('registrant_district', "
				  "'registrant_household')"),
			 2);
	/* a later file gives H5 a member with a point */
	snprintf(text, sizeof text, "%s0019,H5,丁 一九,,,,,,,,42.69,141.69,,\n",
		 reg_header);
	OK(imp(f, ER_IMPORT_REGISTRANTS, "h2.csv", text, 0, NULL, &e_));
	assert_int_equal(count(f, "SELECT count(*) FROM registrant WHERE "
				  "id = '0020' AND loc_lat = 42.69 AND "
				  "loc_lon = 141.69"),
			 1);
}

/* A row the database refuses (here a trigger the test adds) stops the
 * import with the row's line, after rows already handed to the writer
 * thread, and nothing is kept. */
static void
test_writer_failure(void **state)
{
	struct fx *f = *state;
	sqlite3 *h;
	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TRIGGER boom BEFORE INSERT "
					 "ON registrant WHEN NEW.id = 'R1200' "
					 "BEGIN SELECT RAISE(ABORT, 'boom'); "
					 "END",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	size_t cap = 1500 * 64 + 512, len = 0;
	char *text = malloc(cap);
	len += (size_t)snprintf(text, cap, "%s", reg_header);
	for (int i = 1; i <= 1500; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"R%04d,,名前 %d,,,,,,,,,,,\n", i, i);
	struct er_import_result res;
	struct er_error err;
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "w.csv", text, 0, &res,
			     &err),
			 ER_EINVALID);
	free(text);
	/* the header is line 1 */
	assert_non_null(strstr(err.where, "w.csv:1201"));
	assert_non_null(strstr(err.message, "boom"));
	assert_int_equal(count(f, "SELECT count(*) FROM registrant"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE "
				  "action = 'import registrants'"),
			 0);
	/* the rollback brought back the indexes the first load dropped */
	assert_int_equal(count(f, "SELECT count(*) FROM sqlite_master WHERE "
				  "type = 'index' AND tbl_name = 'registrant' "
				  "AND name IN ('registrant_district', "
				  "'registrant_household')"),
			 2);
}

static void
test_registrants_cp932(void **state)
{
	struct fx *f = *state;
	const char *utf8 = "宛名番号,氏名,生年月日,同意,住所\n"
			   "1,髙橋 ①子,昭和8年2月3日,同意,C:\\家\n";
	iconv_t cd = iconv_open("CP932", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	char out[512];
	char *in = (char *)utf8, *o = out;
	size_t inl = strlen(utf8), outl = sizeof out;
	assert_true(iconv(cd, &in, &inl, &o, &outl) != (size_t)-1);
	iconv_close(cd);
	char *p = tu_path(f->dir, "sjis.csv");
	tu_write(p, out, sizeof out - outl);
	struct er_import_options opt = {.kind = ER_IMPORT_REGISTRANTS, .path = p};
	struct er_import_result res;
	struct er_error err;
	assert_int_equal(er_register_import(f->reg, &opt, &res, &err), ER_OK);
	assert_string_equal(res.encoding, "CP932");
	char *s = text1(f, "SELECT name || '|' || address || '|' || birth_date "
			   "FROM registrant WHERE id='1'");
	assert_string_equal(s, "髙橋 ①子|C:\\家|1933-02-03");
	free(s);
	free(p);
}

struct bad_case {
	const char *row;    /* after the header */
	const char *expect; /* the message after "r.csv:2: " */
};

static void
test_registrants_invalid(void **state)
{
	struct fx *f = *state;
	static const struct bad_case cases[] = {
		{"1,,,,,,,,,,,,,\n", "column 氏名: is empty"},
		{",,名前,,,,,,,,,,,\n", "column 宛名番号: is empty"},
		{"1,,名前,,昭和64年1月8日,,,,,,,,,\n",
		 "column 生年月日: \"昭和64年1月8日\" is not a valid date in 昭和"},
		{"1,,名前,,2001-02-29,,,,,,,,,\n",
		 "column 生年月日: \"2001-02-29\" is not a valid calendar date"},
		{"1,,名前,,yesterday,,,,,,,,,\n",
		 "column 生年月日: \"yesterday\" is not a date"},
		{"1,,名前,,2999-01-01,,,,,,,,,\n",
		 "column 生年月日: \"2999-01-01\" is in the future"},
		{"1,,名前,,,X,,,,,,,,\n", "column 性別: \"X\""},
		{"1,,名前,,,,,,,maybe,,,,\n", "column 同意: \"maybe\""},
		{"1,,名前,,,,,,,,,,gone,\n", "column 状態: \"gone\""},
		{"1,,名前,,,,,,flying,,,,,\n", "column 要支援事由: \"flying\""},
		{"1,,名前,,,,,abc,,,,,,\n",
		 "column 電話番号: \"abc\" is not a phone number"},
		{"1,,名前,,,,,,,,35.0,,,\n",
		 "column 経度: is empty but 緯度 is given; give both or neither"},
		{"1,,名前,,,,,,,,12.5,141.0,,\n",
		 "column 緯度: 12.5 is outside Japan (latitude 20 to 46)"},
		{"1,,名前,,,,,,,,43.0,100.0,,\n",
		 "column 経度: 100.0 is outside Japan (longitude 122 to 154)"},
		{"1,,名前,,,,,,,,141.6,42.6,,\n",
		 "column 緯度: 141.6, 42.6 is outside Japan; latitude and "
		 "longitude look swapped"},
		{"1,,名前,,,,,,,,north,141,,\n", "column 緯度: \"north\""},
		{"1,,名前,,,,,,,,,,,rocket\n", "column 移動手段: \"rocket\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[2048];
		/* a valid row first, so atomicity is checked each time */
		snprintf(text, sizeof text, "%s0,,良い 行,,,,,,,,,,,\n%s",
			 reg_header, cases[i].row);
		struct er_import_result res;
		struct er_error err;
		assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv", text, 0,
				     &res, &err),
				 ER_EINVALID);
		char want[512];
		snprintf(want, sizeof want, "E %s/r.csv:3: %s", f->dir,
			 cases[i].expect);
		if (!strstr(f->log, want))
			fail_msg("case %zu: want \"%s\" in:\n%s", i, want,
				 f->log);
		assert_non_null(strstr(err.message, "nothing was imported"));
		assert_int_equal(count(f, "SELECT count(*) FROM registrant"),
				 0);
		assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), 0);
	}
}

static void
test_many_errors_reported(void **state)
{
	struct fx *f = *state;
	char text[8192];
	size_t n = (size_t)snprintf(text, sizeof text, "id,name,birth_date\n");
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
				      "%d,名,bad%d\n", i, i);
	struct er_import_result res;
	struct er_error err;
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv", text, 0, &res,
			     &err),
			 ER_EINVALID);
	assert_int_equal(res.errors, 30);
	/* 20 reported (the last says more follow), not 30 */
	int lines = 0;
	for (const char *p = f->log; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 20);
	assert_non_null(strstr(f->log, "(further errors not shown)"));
	assert_non_null(strstr(err.message, "30 invalid values"));
}

static void
test_structure_errors(void **state)
{
	struct fx *f = *state;
	struct er_import_result res;
	struct er_error err;
	/* My Number column: refused whatever the flags */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv",
			     "宛名番号,氏名,個人番号\n1,名,123456789012\n",
			     ER_IMPORT_SKIP_INVALID, &res, &err),
			 ER_EINVALID);
	assert_non_null(strstr(err.where, "r.csv:1:"));
	assert_non_null(strstr(err.message, "My Number"));
	assert_int_equal(count(f, "SELECT count(*) FROM registrant"), 0);
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv",
			     "id,name,マイナンバー\n1,名,1\n", 0, &res, &err),
			 ER_EINVALID);
	/* missing required column */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv",
			     "id,kana\n1,カナ\n", 0, &res, &err),
			 ER_EPARSE);
	assert_non_null(strstr(err.message, "missing column name"));
	/* the same column twice */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv",
			     "id,name,氏名\n1,a,b\n", 0, &res, &err),
			 ER_EPARSE);
	assert_non_null(strstr(err.message, "appears twice"));
	/* malformed CSV */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv",
			     "id,name\n1,\"open\n", 0, &res, &err),
			 ER_EPARSE);
	assert_non_null(strstr(err.where, "r.csv:2:"));
	/* empty file */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv", "", 0, &res,
			     &err),
			 ER_EPARSE);
	/* missing file */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "none.csv", NULL, 0,
			     &res, &err),
			 ER_EIO);
	/* duplicate ids */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv",
			     "id,name\n7,a\n8,b\n7,c\n", 0, &res, &err),
			 ER_EINVALID);
	char want[512];
	snprintf(want, sizeof want,
		 "%s/r.csv:4: column id: \"7\" appears again (first on line 2)",
		 f->dir);
	assert_non_null(strstr(f->log, want));
	assert_int_equal(count(f, "SELECT count(*) FROM registrant"), 0);
}

static void
test_skip_invalid_and_dry_run(void **state)
{
	struct fx *f = *state;
	const char *text = "id,name,birth_date\n"
			   "1,一,1940-01-01\n"
			   "2,二,bad\n"
			   "3,\"三, comma\",1941-01-01\n"
			   "4,,1942-01-01\n";
	struct er_import_result res;
	struct er_error err;
	/* dry run: validates, writes nothing, no rejects file */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv", text,
			     ER_IMPORT_DRY_RUN | ER_IMPORT_SKIP_INVALID, &res,
			     &err),
			 ER_OK);
	assert_int_equal(res.added, 2);
	assert_int_equal(res.rejected, 2);
	assert_int_equal(res.committed, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM registrant"), 0);
	char *rej = tu_path(f->dir, "r.csv.rejects.csv");
	assert_int_equal(access(rej, F_OK), -1);
	/* dry run without skip: reports the error */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv", NULL,
			     ER_IMPORT_DRY_RUN, &res, &err),
			 ER_EINVALID);
	/* skip invalid: 2 rows in, 2 to the rejects file, mode 0600 */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv", NULL,
			     ER_IMPORT_SKIP_INVALID, &res, &err),
			 ER_OK);
	assert_int_equal(res.added, 2);
	assert_int_equal(res.rejected, 2);
	assert_int_equal(count(f, "SELECT count(*) FROM registrant"), 2);
	assert_string_equal(res.rejects_path, rej);
	assert_int_equal(tu_mode(rej), 0600);
	char *r = tu_read(rej);
	assert_non_null(r);
	assert_string_equal(r, "id,name,birth_date,rejected_line,"
			       "rejected_reason\n"
			       "2,二,bad,3,\"column birth_date: \"\"bad\"\" is "
			       "not a date\"\n"
			       "4,,1942-01-01,5,column name: is empty\n");
	free(r);
	/* the rejects file can be fixed and imported again */
	f->log[0] = '\0';
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "fixed.csv",
			     "id,name,birth_date,rejected_line,rejected_reason\n"
			     "2,二,1940-02-02,3,x\n",
			     0, &res, &err),
			 ER_OK);
	assert_int_equal(res.added, 1);
	assert_int_equal(res.warnings, 2);
	free(rej);
}

static void
test_replace_and_update(void **state)
{
	struct fx *f = *state;
	struct er_import_result res;
	struct er_error err;
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv",
			     "id,name,consent\n1,一,yes\n2,二,no\n3,三,\n", 0,
			     &res, &err),
			 ER_OK);
	assert_int_equal(res.added, 3);
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r2.csv",
			     "id,name,consent\n1,一,yes\n2,二,yes\n",
			     ER_IMPORT_REPLACE, &res, &err),
			 ER_OK);
	assert_int_equal(res.unchanged, 1);
	assert_int_equal(res.updated, 1);
	assert_int_equal(res.removed, 1);
	/* kept for history, never deleted */
	assert_int_equal(count(f, "SELECT count(*) FROM registrant"), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM registrant WHERE "
				  "id='3' AND removed_at IS NOT NULL"),
			 1);
	/* coming back clears removed_at */
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r3.csv",
			     "id,name,consent\n3,三,\n", 0, &res, &err),
			 ER_OK);
	assert_int_equal(res.updated, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM registrant WHERE "
				  "removed_at IS NULL"),
			 3);
	/* replace only for registrants and assignments */
	assert_int_equal(imp(f, ER_IMPORT_SUPPORTERS, "s.csv",
			     "id,name\nS1,支援\n", ER_IMPORT_REPLACE, &res,
			     &err),
			 ER_EUSAGE);
}

static void
test_supporters_assignments(void **state)
{
	struct fx *f = *state;
	setup_register(f);
	struct er_import_result res;
	struct er_error err;
	assert_int_equal(imp(f, ER_IMPORT_REGISTRANTS, "r.csv",
			     "id,name\n1,一\n2,二\n", 0, &res, &err),
			 ER_OK);
	assert_int_equal(imp(f, ER_IMPORT_SUPPORTERS, "s.csv",
			     "支援者番号,氏名,電話番号,町内会コード,緯度,経度,"
			     "支援可能人数\n"
			     "S1,支援 一,090-1111-2222,A1,42.6,141.6,2\n"
			     "S2,支援 二,,,,,\n",
			     0, &res, &err),
			 ER_OK);
	assert_int_equal(res.added, 2);
	assert_int_equal(count(f, "SELECT capacity FROM supporter WHERE "
				  "id='S2'"),
			 1);
	assert_int_equal(imp(f, ER_IMPORT_SUPPORTERS, "s2.csv",
			     "id,name,association,capacity\n"
			     "S3,x,ZZ,1\nS4,y,A1,-1\n",
			     0, &res, &err),
			 ER_EINVALID);
	assert_non_null(strstr(f->log, "s2.csv:2: column association: "
				       "unknown association code \"ZZ\""));
	assert_non_null(strstr(f->log, "s2.csv:3: column capacity: \"-1\""));
	assert_int_equal(imp(f, ER_IMPORT_ASSIGNMENTS, "x.csv",
			     "宛名番号,支援者番号,役割\n1,S1,主\n2,S1,副\n"
			     "2,S2,primary\n",
			     0, &res, &err),
			 ER_OK);
	assert_int_equal(res.added, 3);
	assert_int_equal(count(f, "SELECT count(*) FROM assignment WHERE "
				  "role='secondary'"),
			 1);
	assert_int_equal(imp(f, ER_IMPORT_ASSIGNMENTS, "x2.csv",
			     "registrant_id,supporter_id,role\n9,S1,\n1,S9,\n"
			     "1,S2,boss\n",
			     0, &res, &err),
			 ER_EINVALID);
	assert_non_null(strstr(f->log, "x2.csv:2: column registrant_id: "
				       "unknown registrant \"9\""));
	assert_non_null(strstr(f->log, "x2.csv:3: column supporter_id: "
				       "unknown supporter \"S9\""));
	assert_non_null(strstr(f->log, "x2.csv:4: column role: \"boss\""));
	assert_int_equal(count(f, "SELECT count(*) FROM assignment"), 3);
	/* replace: the file is the whole set of assignments */
	assert_int_equal(imp(f, ER_IMPORT_ASSIGNMENTS, "x3.csv",
			     "registrant_id,supporter_id\n1,S1\n",
			     ER_IMPORT_REPLACE, &res, &err),
			 ER_OK);
	assert_int_equal(res.removed, 2);
	assert_int_equal(count(f, "SELECT count(*) FROM assignment"), 1);
}

static void
test_shelters(void **state)
{
	struct fx *f = *state;
	struct er_import_result res;
	struct er_error err;
	assert_int_equal(imp(f, ER_IMPORT_SHELTERS, "sh.csv",
			     "id,name,kind,lat,lon,capacity\n"
			     "E1,第一小学校,designated,42.63,141.60,500\n"
			     "E2,公園,,42.64,141.61,\n",
			     0, &res, &err),
			 ER_OK);
	assert_int_equal(res.added, 2);
	assert_int_equal(imp(f, ER_IMPORT_SHELTERS, "sh2.csv",
			     "id,name,lat,lon\nE3,x,,\n", 0, &res, &err),
			 ER_EINVALID);
	assert_non_null(strstr(f->log, "a shelter needs a location"));
	const char *shared = getenv("ER_SOURCE_ROOT");
	if (!shared)
		return;
	char p[4096];
	snprintf(p, sizeof p, "%s/data/tomakomai/shelters_emergency.geojson",
		 shared);
	struct er_import_options o = {.kind = ER_IMPORT_SHELTERS,
				      .path = p,
				      .shelter_kind = "emergency"};
	assert_int_equal(er_register_import(f->reg, &o, &res, &err), ER_OK);
	assert_int_equal(res.added, 93);
	assert_int_equal(count(f, "SELECT count(*) FROM shelter WHERE "
				  "kind='emergency' AND hazards LIKE "
				  "'%tsunami%'"),
			 47);
}

static void
test_districts(void **state)
{
	struct fx *f = *state;
	struct er_import_result res;
	struct er_error err;
	const char *root = getenv("ER_SOURCE_ROOT");
	if (!root)
		skip();
	char p[4096];
	snprintf(p, sizeof p, "%s/data/tomakomai/districts.geojson", root);
	struct er_import_options o = {.kind = ER_IMPORT_DISTRICTS, .path = p};
	f->log[0] = '\0';
	if (er_register_import(f->reg, &o, &res, &err))
		fail_msg("%s: %s\n%s", err.where, err.message, f->log);
	assert_int_equal(res.added, 299);
	assert_int_equal(count(f, "SELECT sum(population) FROM district"),
			 172737);
	assert_int_equal(count(f, "SELECT count(*) FROM district WHERE "
				  "ST_IsValid(geom) AND "
				  "GeometryType(geom)='MULTIPOLYGON'"),
			 299);
	/* the zone was chosen from the districts */
	assert_string_equal(er_register_crs(f->reg), "EPSG:6680");
	assert_non_null(strstr(f->log, "chose EPSG:6680"));
	char *name = text1(f, "SELECT name FROM district WHERE "
			      "code='01213001001'");
	assert_non_null(name);
	free(name);
	/* again: unchanged */
	assert_int_equal(er_register_import(f->reg, &o, &res, &err), ER_OK);
	assert_int_equal(res.unchanged, 299);
}

static void
test_district_errors(void **state)
{
	struct fx *f = *state;
	struct er_import_result res;
	struct er_error err;
	/* a bow-tie (self-intersecting) polygon is reported, not fixed */
	const char *bowtie =
		"{\"type\":\"FeatureCollection\",\"features\":[\n"
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"B1\"},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
		"[[[141,43],[141.1,43.1],[141.1,43],[141,43.1],[141,43]]]}},\n"
		"{\"type\":\"Feature\",\"properties\":{\"name\":\"x\"},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
		"[[[141,43],[141.1,43],[141.1,43.1],[141,43]]]}},\n"
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"P1\"},"
		"\"geometry\":{\"type\":\"Point\",\"coordinates\":[141,43]}}\n"
		"]}\n";
	assert_int_equal(imp(f, ER_IMPORT_DISTRICTS, "d.geojson", bowtie, 0,
			     &res, &err),
			 ER_EINVALID);
	assert_non_null(strstr(f->log, "d.geojson:2: district B1: invalid "
				       "geometry: Self-intersection"));
	assert_non_null(strstr(f->log, "d.geojson:3: feature has no "
				       "district code"));
	assert_non_null(strstr(f->log, "d.geojson:4: district P1: geometry "
				       "is a POINT"));
	assert_int_equal(count(f, "SELECT count(*) FROM district"), 0);
	/* overlaps are warnings */
	const char *overlap =
		"{\"type\":\"FeatureCollection\",\"features\":[\n"
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"O1\"},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
		"[[[141,43],[141.01,43],[141.01,43.01],[141,43.01],[141,43]]]}},\n"
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"O2\"},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
		"[[[141.005,43],[141.02,43],[141.02,43.01],[141.005,43.01],"
		"[141.005,43]]]}}\n"
		"]}\n";
	assert_int_equal(imp(f, ER_IMPORT_DISTRICTS, "o.geojson", overlap, 0,
			     &res, &err),
			 ER_OK);
	assert_int_equal(res.added, 2);
	assert_non_null(strstr(f->log, "W "));
	assert_non_null(strstr(f->log, "districts O1 and O2 overlap"));
	/* malformed JSON names line and column */
	assert_int_equal(imp(f, ER_IMPORT_DISTRICTS, "bad.geojson",
			     "{\"type\":\"FeatureCollection\",\n\"features\":[}\n",
			     0, &res, &err),
			 ER_EPARSE);
	assert_non_null(strstr(err.where, "bad.geojson:2:"));
}

static void
test_district_kml_gml(void **state)
{
	struct fx *f = *state;
	struct er_import_result res;
	struct er_error err;
	const char *kml =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n"
		"<Placemark><name>錦町</name><ExtendedData>"
		"<Data name=\"code\"><value>K1</value></Data></ExtendedData>\n"
		"<Polygon><outerBoundaryIs><LinearRing><coordinates>"
		"141,43,0 141.01,43,0 141.01,43.01,0 141,43.01,0 141,43,0"
		"</coordinates></LinearRing></outerBoundaryIs>"
		"<innerBoundaryIs><LinearRing><coordinates>"
		"141.002,43.002 141.002,43.004 141.004,43.004 141.004,43.002 "
		"141.002,43.002</coordinates></LinearRing></innerBoundaryIs>"
		"</Polygon></Placemark>\n"
		"</Document></kml>\n";
	assert_int_equal(imp(f, ER_IMPORT_DISTRICTS, "d.kml", kml, 0, &res,
			     &err),
			 ER_OK);
	assert_int_equal(res.added, 1);
	assert_int_equal(count(f, "SELECT NumInteriorRing(GeometryN("
				  "geom, 1)) FROM district WHERE code='K1'"),
			 1);
	char *n = text1(f, "SELECT name FROM district WHERE code='K1'");
	assert_string_equal(n, "錦町");
	free(n);
	const char *gml =
		"<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
		"<ogr:FeatureCollection xmlns:ogr=\"http://ogr.maptools.org/\" "
		"xmlns:gml=\"http://www.opengis.net/gml\">\n"
		"<gml:featureMember><ogr:d fid=\"d.0\">\n"
		"<ogr:geometryProperty><gml:MultiPolygon srsName=\"EPSG:4326\">"
		"<gml:polygonMember><gml:Polygon><gml:outerBoundaryIs>"
		"<gml:LinearRing><gml:coordinates>141.02,43 141.03,43 "
		"141.03,43.01 141.02,43.01 141.02,43</gml:coordinates>"
		"</gml:LinearRing></gml:outerBoundaryIs></gml:Polygon>"
		"</gml:polygonMember><gml:polygonMember><gml:Polygon>"
		"<gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>"
		"141.04,43 141.05,43 141.05,43.01 141.04,43.01 141.04,43"
		"</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs>"
		"</gml:Polygon></gml:polygonMember></gml:MultiPolygon>"
		"</ogr:geometryProperty>\n"
		"<ogr:code>G1</ogr:code><ogr:name>港町</ogr:name>\n"
		"</ogr:d></gml:featureMember>\n"
		"</ogr:FeatureCollection>\n";
	assert_int_equal(imp(f, ER_IMPORT_DISTRICTS, "d.gml", gml, 0, &res,
			     &err),
			 ER_OK);
	assert_int_equal(res.added, 1);
	assert_int_equal(count(f, "SELECT ST_NumGeometries(geom) FROM "
				  "district WHERE code='G1'"),
			 2);
	/* a bad geometry rejects only its district with --skip-invalid */
	const char *kml2 =
		"<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n"
		"<Placemark><name>x</name><ExtendedData><Data name=\"code\">"
		"<value>K2</value></Data></ExtendedData>\n"
		"<Polygon><outerBoundaryIs><LinearRing><coordinates>"
		"141,43 141.01,43</coordinates></LinearRing></outerBoundaryIs>"
		"</Polygon></Placemark>\n"
		"<Placemark><name>y</name><ExtendedData><Data name=\"code\">"
		"<value>K3</value></Data></ExtendedData>\n"
		"<Polygon><outerBoundaryIs><LinearRing><coordinates>"
		"141.2,43 141.21,43 141.21,43.01 141.2,43</coordinates>"
		"</LinearRing></outerBoundaryIs></Polygon></Placemark>\n"
		"</Document></kml>\n";
	assert_int_equal(imp(f, ER_IMPORT_DISTRICTS, "d2.kml", kml2, 0, &res,
			     &err),
			 ER_EINVALID);
	assert_non_null(strstr(f->log, "d2.kml:3: district K2: "));
	assert_int_equal(imp(f, ER_IMPORT_DISTRICTS, "d2.kml", NULL,
			     ER_IMPORT_SKIP_INVALID, &res, &err),
			 ER_OK);
	assert_int_equal(res.added, 1);
	assert_int_equal(res.rejected, 1);
	char *rj = tu_path(f->dir, "d2.kml.rejects.csv");
	char *rt = tu_read(rj);
	assert_non_null(rt);
	assert_non_null(strstr(rt, "line,reason,code,name\n2,\"district K2: "));
	free(rt);
	free(rj);

	/* projected GML is refused with a way out, never mislabelled */
	const char *gml6680 =
		"<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
		"<ogr:FeatureCollection xmlns:ogr=\"http://ogr.maptools.org/\" "
		"xmlns:gml=\"http://www.opengis.net/gml\">\n"
		"<gml:featureMember><ogr:d fid=\"d.0\">\n"
		"<ogr:geometryProperty><gml:Polygon srsName=\"EPSG:6680\">"
		"<gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>"
		"0,0 100,0 100,100 0,100 0,0</gml:coordinates>"
		"</gml:LinearRing></gml:outerBoundaryIs></gml:Polygon>"
		"</ogr:geometryProperty>\n"
		"<ogr:code>P1</ogr:code>\n"
		"</ogr:d></gml:featureMember>\n"
		"</ogr:FeatureCollection>\n";
	assert_int_equal(imp(f, ER_IMPORT_DISTRICTS, "p.gml", gml6680, 0, &res,
			     &err),
			 ER_EINVALID);
	assert_non_null(strstr(f->log, "p.gml:4: district P1: geometry is in "
				       "EPSG:6680"));
	assert_int_equal(count(f, "SELECT count(*) FROM district WHERE "
				  "code='P1'"),
			 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_associations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_associations_invalid,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_registrants_valid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_registrants_cp932, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_registrants_invalid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_many_errors_reported,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_structure_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_skip_invalid_and_dry_run,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_and_update, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_supporters_assignments,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_shelters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_household_locations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_writer_failure, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_districts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_district_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_district_kml_gml, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
