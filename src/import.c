/* Imports: CSV tables (associations, registrants, supporters,
 * assignments, shelters) and features (districts, shelters), all in one
 * transaction, every bad row reported as "file:line: column NAME: ...". */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "alloc.h"
#include "crs.h"
#include "csv.h"
#include "feature.h"
#include "output.h"
#include "regwrite.h"
#include "value.h"

/* Japan's extent with a margin: 与那国島 122.93E, 南鳥島 153.98E,
 * 沖ノ鳥島 20.42N, 宗谷岬 45.52N. */
#define JP_LON_MIN 122.0
#define JP_LON_MAX 154.0
#define JP_LAT_MIN 20.0
#define JP_LAT_MAX 46.0

#define MAXCOLS 16

struct colspec {
	const char *key;
	const char *aliases; /* '|'-separated, matched after normalising */
	int required;
};

static const struct colspec assoc_cols[] = {
	{"code", "code|association_code|町内会コード|自治会コード|団体コード|コード", 1},
	{"name", "name|association_name|町内会名|自治会名|団体名|名称", 1},
	{"agreement_signed_on", "agreement_signed_on|agreement|協定締結日|協定日|協定締結年月日", 0},
	{"has_jishubo", "has_jishubo|jishubo|自主防災組織|自主防災組織の有無|自主防", 0},
	{"households", "households|世帯数|加入世帯数", 0},
	{"districts", "districts|地区|担当地区|町丁目コード|district_codes", 0},
	{NULL, NULL, 0},
};

static const struct colspec reg_cols[] = {
	{"id", "id|registrant_id|宛名番号|宛名コード|個人コード", 1},
	{"household_id", "household_id|世帯番号|世帯コード", 0},
	{"name", "name|氏名|名前", 1},
	{"kana", "kana|フリガナ|ふりがな|カナ氏名|氏名カナ", 0},
	{"birth_date", "birth_date|birthdate|生年月日", 0},
	{"sex", "sex|gender|性別", 0},
	{"address", "address|住所", 0},
	{"phone", "phone|tel|電話番号|電話", 0},
	{"reasons", "reasons|reason|要支援事由|支援事由|要件", 0},
	{"consent", "consent|同意|同意区分|情報提供同意|名簿情報提供同意", 0},
	{"lat", "lat|latitude|緯度", 0},
	{"lon", "lon|lng|longitude|経度", 0},
	{"status", "status|状態|異動区分|住民状態", 0},
	{"mobility", "mobility|移動手段|移動", 0},
	{NULL, NULL, 0},
};

static const struct colspec sup_cols[] = {
	{"id", "id|supporter_id|支援者番号|支援者コード", 1},
	{"name", "name|氏名|名前", 1},
	{"phone", "phone|tel|電話番号|電話", 0},
	{"association", "association|association_code|町内会コード|自治会コード", 0},
	{"lat", "lat|latitude|緯度", 0},
	{"lon", "lon|lng|longitude|経度", 0},
	{"capacity", "capacity|支援可能人数|支援人数", 0},
	{NULL, NULL, 0},
};

static const struct colspec asg_cols[] = {
	{"registrant_id", "registrant_id|宛名番号", 1},
	{"supporter_id", "supporter_id|支援者番号", 1},
	{"role", "role|役割|区分|支援区分", 0},
	{NULL, NULL, 0},
};

static const struct colspec shelter_cols[] = {
	{"id", "id|shelter_id|共通id|施設id|施設番号", 1},
	{"name", "name|名称|施設・場所名|施設名|避難所名", 1},
	{"kind", "kind|種別|type", 0},
	{"lat", "lat|latitude|緯度", 1},
	{"lon", "lon|lng|longitude|経度", 1},
	{"capacity", "capacity|収容人数|想定収容人数|収容可能人数", 0},
	{"address", "address|住所|所在地", 0},
	{NULL, NULL, 0},
};

/* The register must never hold the My Number (番号法). */
static const char *const forbidden_cols[] = {
	"個人番号", "マイナンバー", "my_number", "mynumber",
	"individual_number", "個人番号カード番号", NULL,
};

struct ictx {
	struct er_register *reg;
	const struct er_import_options *opt;
	struct er_import_result *res;
	const char *path;
	const struct colspec *cols;
	char now[24];
	char today[11];
	/* current CSV row */
	struct er_csv *csv;
	int map[MAXCOLS]; /* key index -> CSV field index, -1 absent */
	char *header[MAXCOLS];
	char **orig; /* the file's header row, as written */
	size_t norig;
	char *val[MAXCOLS]; /* normalised copies, "" when absent */
	unsigned line;
	int row_bad;
	char reason[1024]; /* first problem of the current row */
	/* rejects */
	FILE *rej;
	char rej_tmp[4200];
	struct er_error *err;
	struct er_error fatal;
	int have_fatal;
	struct er_locator *loc; /* registrants: districts of points */
	struct er_regwriter *w; /* registrants: the writer thread */
	/* registrants: the household of the previous row and the location
	 * of its first member (by id) with a point, so far */
	char *last_hh, *best_id;
	double best_lon, best_lat;
	const char *best_dc;
	int best_exact;
	GHashTable *seen;	/* key met in this file -> its line */
};

static void
row_error(struct ictx *c, int key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
row_error(struct ictx *c, int key, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!c->row_bad)
		snprintf(c->reason, sizeof c->reason, "column %s: %s",
			 key >= 0 ? c->header[key] : "?", msg);
	c->row_bad = 1;
	c->res->errors++;
	unsigned max = c->opt->max_errors ? c->opt->max_errors : 20;
	if ((unsigned long)c->res->errors > max)
		return;
	char where[4200];
	snprintf(where, sizeof where, "%s:%u", c->path, c->line);
	if ((unsigned long)c->res->errors == max &&
	    !(c->opt->flags & ER_IMPORT_SKIP_INVALID))
		er_register_log(c->reg, ER_SEV_ERROR, where,
				"column %s: %s (further errors not shown)",
				key >= 0 ? c->header[key] : "?", msg);
	else
		er_register_log(c->reg, ER_SEV_ERROR, where, "column %s: %s",
				key >= 0 ? c->header[key] : "?", msg);
}

static void
feature_error(struct ictx *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
feature_error(struct ictx *c, unsigned line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!c->row_bad)
		snprintf(c->reason, sizeof c->reason, "%s", msg);
	c->row_bad = 1;
	c->res->errors++;
	unsigned max = c->opt->max_errors ? c->opt->max_errors : 20;
	if ((unsigned long)c->res->errors > max)
		return;
	char where[4200];
	snprintf(where, sizeof where, "%s:%u", c->path, line);
	er_register_log(c->reg, ER_SEV_ERROR, where, "%s", msg);
}

/* Column matching: ASCII case-folded, full-width folded, spaces and
 * underscores/hyphens dropped. */
static void
fold_name(const char *in, char *out, size_t len)
{
	char tmp[256];
	snprintf(tmp, sizeof tmp, "%s", in);
	er_value_normalise(tmp);
	size_t j = 0;
	for (size_t i = 0; tmp[i] && j + 1 < len; i++) {
		unsigned char ch = (unsigned char)tmp[i];
		if (ch == ' ' || ch == '_' || ch == '-')
			continue;
		out[j++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32)
						    : (char)ch;
	}
	out[j] = '\0';
}

static int
match_col(const struct colspec *cols, const char *name)
{
	char want[256];
	fold_name(name, want, sizeof want);
	for (int k = 0; cols[k].key; k++) {
		const char *a = cols[k].aliases;
		while (*a) {
			const char *bar = strchr(a, '|');
			size_t n = bar ? (size_t)(bar - a) : strlen(a);
			char alias[128], folded[128];
			snprintf(alias, sizeof alias, "%.*s", (int)n, a);
			fold_name(alias, folded, sizeof folded);
			if (strcmp(folded, want) == 0)
				return k;
			a += n + (bar ? 1 : 0);
		}
	}
	return -1;
}

static int
is_forbidden(const char *name)
{
	char want[256];
	fold_name(name, want, sizeof want);
	for (int i = 0; forbidden_cols[i]; i++) {
		char f[128];
		fold_name(forbidden_cols[i], f, sizeof f);
		if (strstr(want, f))
			return 1;
	}
	return 0;
}

/* The first alias that is not ASCII: 宛名番号 for id. Static buffer. */
static const char *
japanese_alias(const char *aliases)
{
	static char buf[128];
	for (const char *a = aliases; *a;) {
		const char *bar = strchr(a, '|');
		size_t n = bar ? (size_t)(bar - a) : strlen(a);
		if ((unsigned char)a[0] >= 0x80) {
			snprintf(buf, sizeof buf, "%.*s", (int)n, a);
			return buf;
		}
		a += n + (bar ? 1 : 0);
	}
	return NULL;
}

static enum er_code
read_header(struct ictx *c)
{
	struct er_error *err = c->err;
	int r = er_csv_next(c->csv, err);
	if (r < 0)
		return err ? err->code : ER_EPARSE;
	if (r == 0)
		return er_fail(err, ER_EPARSE, c->path,
			       "the file is empty; expected a header row");
	for (int k = 0; k < MAXCOLS; k++)
		c->map[k] = -1;
	size_t n = er_csv_nfields(c->csv);
	char where[4200];
	c->orig = er_calloc(n, sizeof *c->orig);
	if (!c->orig)
		return er_fail(err, ER_ENOMEM, c->path, "out of memory");
	c->norig = n;
	for (size_t i = 0; i < n; i++)
		if (!(c->orig[i] = er_strdup(er_csv_field(c->csv, i))))
			return er_fail(err, ER_ENOMEM, c->path,
				       "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *h = er_csv_field(c->csv, i);
		unsigned line, col;
		er_csv_field_pos(c->csv, i, &line, &col);
		snprintf(where, sizeof where, "%s:%u:%u", c->path, line, col);
		if (is_forbidden(h))
			return er_fail(err, ER_EINVALID, where,
				       "column %s: the register must never "
				       "hold the My Number (個人番号); remove "
				       "this column and import again",
				       h);
		int k = match_col(c->cols, h);
		if (k < 0) {
			if (h[0]) {
				c->res->warnings++;
				er_register_log(c->reg, ER_SEV_WARNING, where,
						"column %s is not used and was "
						"ignored",
						h);
			}
			continue;
		}
		if (c->map[k] >= 0)
			return er_fail(err, ER_EPARSE, where,
				       "column %s appears twice (as %s and %s)",
				       c->cols[k].key, c->header[k], h);
		c->map[k] = (int)i;
		c->header[k] = er_strdup(h);
		if (!c->header[k])
			return er_fail(err, ER_ENOMEM, c->path,
				       "out of memory");
	}
	for (int k = 0; c->cols[k].key; k++) {
		if (c->map[k] < 0) {
			if (c->cols[k].required) {
				/* name a Japanese header too */
				const char *ja = japanese_alias(c->cols[k].aliases);
				char where1[4200];
				snprintf(where1, sizeof where1, "%s:1", c->path);
				return er_fail(err, ER_EPARSE, where1,
					       "missing column %s%s%s%s",
					       c->cols[k].key, ja ? " (" : "",
					       ja ? ja : "", ja ? ")" : "");
			}
			c->header[k] = er_strdup(c->cols[k].key);
			if (!c->header[k])
				return er_fail(err, ER_ENOMEM, c->path,
					       "out of memory");
		}
	}
	return ER_OK;
}

/* ---- rejects ------------------------------------------------------------*/

static enum er_code
rejects_open(struct ictx *c, const char *header_line)
{
	if (c->rej)
		return ER_OK;
	const char *dst = c->opt->rejects_path;
	if (!dst) {
		snprintf(c->res->rejects_path, sizeof c->res->rejects_path,
			 "%s.rejects.csv", c->path);
	} else {
		snprintf(c->res->rejects_path, sizeof c->res->rejects_path,
			 "%s", dst);
	}
	c->rej = er_output_open(c->res->rejects_path, c->rej_tmp,
				sizeof c->rej_tmp, c->err);
	if (!c->rej)
		return c->err ? c->err->code : ER_EIO;
	fputs(header_line, c->rej);
	return ER_OK;
}

/* The rejects file repeats the input's own columns, so it can be fixed
 * and imported again (the two added columns are ignored then). */
static enum er_code
reject_csv_row(struct ictx *c)
{
	enum er_code rc;
	if (!c->rej) {
		char *h = NULL;
		size_t hl = 0;
		FILE *m = open_memstream(&h, &hl);
		if (!m)
			return er_fail(c->err, ER_ENOMEM, c->path,
				       "out of memory");
		for (size_t i = 0; i < c->norig; i++) {
			er_csv_write_field(m, c->orig[i]);
			fputc(',', m);
		}
		fputs("rejected_line,rejected_reason\n", m);
		fclose(m);
		rc = rejects_open(c, h);
		free(h);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < c->norig; i++) {
		er_csv_write_field(c->rej, i < er_csv_nfields(c->csv)
						   ? er_csv_field(c->csv, i)
						   : "");
		fputc(',', c->rej);
	}
	fprintf(c->rej, "%u,", c->line);
	er_csv_write_field(c->rej, c->reason);
	fputc('\n', c->rej);
	return ER_OK;
}

/* ---- value helpers ------------------------------------------------------*/

static const char *
v(struct ictx *c, int k)
{
	return c->val[k];
}

static const char *
v_or_null(struct ictx *c, int k)
{
	return c->val[k][0] ? c->val[k] : NULL;
}

static int
key_of(const struct colspec *cols, const char *key)
{
	for (int k = 0; cols[k].key; k++)
		if (strcmp(cols[k].key, key) == 0)
			return k;
	return -1;
}

/* Reads lat/lon; returns 1 with a point, 0 with none, -1 when invalid. */
static int
read_point(struct ictx *c, double *lon, double *lat)
{
	int klat = key_of(c->cols, "lat"), klon = key_of(c->cols, "lon");
	const char *slat = v(c, klat), *slon = v(c, klon);
	if (!slat[0] && !slon[0])
		return 0;
	if (!slat[0] || !slon[0]) {
		row_error(c, slat[0] ? klon : klat,
			  "is empty but %s is given; give both or neither",
			  slat[0] ? c->header[klat] : c->header[klon]);
		return -1;
	}
	const char *why;
	if (er_value_double(slat, lat, &why) != 0) {
		row_error(c, klat, "\"%s\" %s", slat, why);
		return -1;
	}
	if (er_value_double(slon, lon, &why) != 0) {
		row_error(c, klon, "\"%s\" %s", slon, why);
		return -1;
	}
	int lat_ok = *lat >= JP_LAT_MIN && *lat <= JP_LAT_MAX;
	int lon_ok = *lon >= JP_LON_MIN && *lon <= JP_LON_MAX;
	if (!lat_ok && !lon_ok && *lon >= JP_LAT_MIN && *lon <= JP_LAT_MAX &&
	    *lat >= JP_LON_MIN && *lat <= JP_LON_MAX) {
		row_error(c, klat,
			  "%s, %s is outside Japan; latitude and longitude "
			  "look swapped",
			  slat, slon);
		return -1;
	}
	if (!lat_ok) {
		row_error(c, klat,
			  "%s is outside Japan (latitude %g to %g)", slat,
			  JP_LAT_MIN, JP_LAT_MAX);
		return -1;
	}
	if (!lon_ok) {
		row_error(c, klon,
			  "%s is outside Japan (longitude %g to %g)", slon,
			  JP_LON_MIN, JP_LON_MAX);
		return -1;
	}
	return 1;
}

static int
check_phone(struct ictx *c, int k)
{
	const char *p = v(c, k);
	for (const char *s = p; *s; s++)
		if (!strchr("0123456789-+() ", *s)) {
			row_error(c, k,
				  "\"%s\" is not a phone number (digits, "
				  "hyphens, +, parentheses)",
				  p);
			return -1;
		}
	return 0;
}

/* A duplicate key within one file is an error naming the first line. */
static int
check_seen(struct ictx *c, int k, const char *key)
{
	gpointer first = g_hash_table_lookup(c->seen, key);
	if (first) {
		row_error(c, k, "\"%s\" appears again (first on line %lu)",
			  key, (unsigned long)GPOINTER_TO_SIZE(first));
		return -1;
	}
	g_hash_table_insert(c->seen, g_strdup(key),
			    GSIZE_TO_POINTER((gsize)c->line));
	return 0;
}

/* --replace: what the file did not mention goes. Registrants are marked
 * removed (never deleted); assignments are deleted. The keys are read
 * first, then changed: writing under a running SELECT of the same table
 * is undefined in SQLite. */
static enum er_code
remove_missing(struct ictx *c, enum er_stmt list, enum er_stmt drop)
{
	struct er_store *st = c->reg->st;
	GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);
	enum er_code rc = er_store_query(st, list, c->err, "");
	int r = -1;
	if (!rc) {
		while ((r = er_store_next(st, list, c->err)) == 1) {
			const char *a = er_store_text(st, list, 0);
			const char *b = er_store_text(st, list, 1);
			char *key = b ? g_strdup_printf("%s\x1f%s", a, b)
				      : g_strdup(a);
			gboolean kept = g_hash_table_contains(c->seen, key);
			g_free(key);
			if (kept)
				continue;
			g_ptr_array_add(gone, g_strdup(a));
			if (b)
				g_ptr_array_add(gone, g_strdup(b));
		}
		if (r < 0)
			rc = ER_EDB;
	}
	/* registrants: (id); assignments: (registrant, supporter) */
	guint step = drop == ER_STMT_ASG_DROP ? 2 : 1;
	for (guint i = 0; !rc && i < gone->len; i += step) {
		const char *a = g_ptr_array_index(gone, i);
		const char *b = step == 2 ? g_ptr_array_index(gone, i + 1)
					  : c->now;
		if (!(rc = er_store_run(st, drop, NULL, c->err, "tt", a, b)))
			c->res->removed++;
	}
	g_ptr_array_free(gone, TRUE);
	return rc;
}

static int
db_fatal(struct ictx *c, const struct er_error *e)
{
	if (e->code == ER_EINVALID) {
		/* a constraint the checks above missed: still a row error */
		row_error(c, 0, "%s", e->message);
		return 1;
	}
	c->fatal = *e;
	c->have_fatal = 1;
	return -1;
}

/* Runs INSERT OR IGNORE, then the conditional UPDATE; tallies. */
static int
upsert_tally(struct ictx *c, long inserted, long updated)
{
	if (inserted)
		c->res->added++;
	else if (updated)
		c->res->updated++;
	else
		c->res->unchanged++;
	return 0;
}

/* ---- per-kind rows ------------------------------------------------------*/

static int
row_association(struct ictx *c)
{
	const char *why;
	const char *code = v(c, 0), *name = v(c, 1);
	if (!code[0])
		row_error(c, 0, "is empty");
	if (!name[0])
		row_error(c, 1, "is empty");
	char date[11] = "";
	if (v(c, 2)[0] && er_value_date(v(c, 2), date, &why) != 0)
		row_error(c, 2, "\"%s\" %s", v(c, 2), why);
	else if (date[0] && strcmp(date, c->today) > 0)
		row_error(c, 2, "\"%s\" is in the future", v(c, 2));
	int jishubo = 0;
	if (v(c, 3)[0] && er_value_bool(v(c, 3), &jishubo, &why) != 0)
		row_error(c, 3, "\"%s\" %s", v(c, 3), why);
	long hh = -1;
	if (v(c, 4)[0] && er_value_uint(v(c, 4), &hh, &why) != 0)
		row_error(c, 4, "\"%s\" %s", v(c, 4), why);
	if (code[0] && check_seen(c, 0, code) < 0)
		return c->have_fatal ? -1 : 1;
	/* districts: codes separated by ; */
	char *list = er_strdup(v(c, 5));
	if (!list)
		return -1;
	struct er_error e;
	for (char *save = NULL, *tok = strtok_r(list, ";；、 ", &save); tok;
	     tok = strtok_r(NULL, ";；、 ", &save)) {
		int64_t n = 0;
		if (er_store_scalar(c->reg->st, ER_STMT_DISTRICT_EXISTS, &n,
				    &e, "t", tok)) {
			er_free(list);
			return db_fatal(c, &e);
		}
		if (!n)
			row_error(c, 5, "unknown district code \"%s\"", tok);
	}
	if (c->row_bad) {
		er_free(list);
		return 1;
	}
	long ins = 0, upd = 0, linked = 0;
	int rc = 0;
	if (er_store_run(c->reg->st, ER_STMT_ASSOC_INSERT, &ins, &e, "tttlit",
			 code, name, date[0] ? date : NULL, (long)jishubo,
			 (int64_t)hh, c->now) ||
	    (!ins && er_store_run(c->reg->st, ER_STMT_ASSOC_UPDATE, &upd, &e,
				  "tttlit", code, name, date[0] ? date : NULL,
				  (long)jishubo, (int64_t)hh, c->now))) {
		er_free(list);
		return db_fatal(c, &e);
	}
	snprintf(list, strlen(v(c, 5)) + 1, "%s", v(c, 5));
	for (char *save = NULL, *tok = strtok_r(list, ";；、 ", &save); tok;
	     tok = strtok_r(NULL, ";；、 ", &save)) {
		long ch = 0;
		if (er_store_run(c->reg->st, ER_STMT_DISTRICT_SET_ASSOC, &ch,
				 &e, "ttt", tok, code, c->now)) {
			rc = db_fatal(c, &e);
			break;
		}
		linked += ch;
	}
	er_free(list);
	if (rc)
		return rc;
	return upsert_tally(c, ins, upd || linked);
}

static int place_row(struct ictx *c, struct er_regrow *r);

static int
row_registrant(struct ictx *c)
{
	enum { ID, HH, NAME, KANA, BIRTH, SEX, ADDR, PHONE, REASONS, CONSENT,
	       LAT, LON, STATUS, MOBILITY };
	const char *why;
	const char *id = v(c, ID);
	if (!id[0])
		row_error(c, ID, "is empty");
	if (!v(c, NAME)[0])
		row_error(c, NAME, "is empty");
	const char *hh = v(c, HH)[0] ? v(c, HH) : id;
	char birth[11] = "";
	if (v(c, BIRTH)[0]) {
		if (er_value_date(v(c, BIRTH), birth, &why) != 0)
			row_error(c, BIRTH, "\"%s\" %s", v(c, BIRTH), why);
		else if (strcmp(birth, c->today) > 0)
			row_error(c, BIRTH, "\"%s\" is in the future",
				  v(c, BIRTH));
		else if (strcmp(birth, "1868-01-01") < 0)
			row_error(c, BIRTH, "\"%s\" is before 1868",
				  v(c, BIRTH));
	}
	char sex = 0;
	if (er_value_sex(v(c, SEX), &sex, &why) != 0)
		row_error(c, SEX, "\"%s\" %s", v(c, SEX), why);
	char sexs[2] = {sex, 0};
	if (v(c, PHONE)[0])
		check_phone(c, PHONE);
	char reasons[256] = "";
	if (er_value_reasons(v(c, REASONS), reasons, sizeof reasons, &why))
		row_error(c, REASONS, "\"%s\" %s", v(c, REASONS), why);
	const char *consent = "unanswered";
	if (er_value_consent(v(c, CONSENT), &consent, &why) != 0)
		row_error(c, CONSENT, "\"%s\" %s", v(c, CONSENT), why);
	const char *status = "active";
	if (er_value_status(v(c, STATUS), &status, &why) != 0)
		row_error(c, STATUS, "\"%s\" %s", v(c, STATUS), why);
	const char *mobility = "";
	if (er_value_mobility(v(c, MOBILITY), &mobility, &why) != 0)
		row_error(c, MOBILITY, "\"%s\" %s", v(c, MOBILITY), why);
	double lon = 0, lat = 0;
	int hasp = read_point(c, &lon, &lat);
	if (id[0] && check_seen(c, ID, id) < 0)
		return c->have_fatal ? -1 : 1;
	if (c->row_bad)
		return 1;
	struct er_regrow r = {
		.line = c->line,
		.f = {id, hh, v(c, NAME), v_or_null(c, KANA),
		      birth[0] ? birth : NULL, sex ? sexs : NULL,
		      v_or_null(c, ADDR), v_or_null(c, PHONE), reasons,
		      mobility[0] ? mobility : NULL, consent, status},
		.hasp = hasp,
		.lon = lon,
		.lat = lat,
	};
	if (place_row(c, &r) || er_regwriter_add(c->w, &r))
		return -1;
	return 0;
}

/* The location a row will have: its own point, else (a guess that
 * er_register_locate() checks) the point of the first member with one
 * among the rows of its household just before it: exports list a
 * household's members together. */
static int
place_row(struct ictx *c, struct er_regrow *r)
{
	const char *id = r->f[ER_RW_ID], *hh = r->f[ER_RW_HOUSEHOLD];
	int same = c->last_hh && strcmp(c->last_hh, hh) == 0;
	if (!same) {
		er_free(c->last_hh);
		er_free(c->best_id);
		c->best_id = NULL;
		if (!(c->last_hh = er_strdup(hh)))
			return -1;
	}
	if (r->hasp) {
		r->hasloc = 1;
		r->loc_lon = r->lon;
		r->loc_lat = r->lat;
		r->exact = er_locator_guess(c->loc, r->lon, r->lat,
					    &r->district);
		if (!c->best_id || strcmp(id, c->best_id) < 0) {
			er_free(c->best_id);
			if (!(c->best_id = er_strdup(id)))
				return -1;
			c->best_lon = r->lon;
			c->best_lat = r->lat;
			c->best_dc = r->district;
			c->best_exact = r->exact;
		}
	} else if (c->best_id) {
		r->hasloc = 1;
		r->loc_lon = c->best_lon;
		r->loc_lat = c->best_lat;
		r->district = c->best_dc;
		r->exact = c->best_exact;
	}
	return 0;
}

static int
row_supporter(struct ictx *c)
{
	enum { ID, NAME, PHONE, ASSOC, LAT, LON, CAP };
	const char *why;
	if (!v(c, ID)[0])
		row_error(c, ID, "is empty");
	if (!v(c, NAME)[0])
		row_error(c, NAME, "is empty");
	if (v(c, PHONE)[0])
		check_phone(c, PHONE);
	long cap = 1;
	if (v(c, CAP)[0] && er_value_uint(v(c, CAP), &cap, &why) != 0)
		row_error(c, CAP, "\"%s\" %s", v(c, CAP), why);
	struct er_error e;
	if (v(c, ASSOC)[0]) {
		int64_t n = 0;
		if (er_store_scalar(c->reg->st, ER_STMT_ASSOC_EXISTS, &n, &e,
				    "t", v(c, ASSOC)))
			return db_fatal(c, &e);
		if (!n)
			row_error(c, ASSOC, "unknown association code \"%s\"",
				  v(c, ASSOC));
	}
	double lon = 0, lat = 0;
	int hasp = read_point(c, &lon, &lat);
	if (v(c, ID)[0] && check_seen(c, ID, v(c, ID)) < 0)
		return c->have_fatal ? -1 : 1;
	if (c->row_bad)
		return 1;
	long ins = 0, upd = 0;
	if (er_store_run(c->reg->st, ER_STMT_SUP_INSERT, &ins, &e, "ttttlddtl",
			 v(c, ID), v(c, NAME), v_or_null(c, PHONE),
			 v_or_null(c, ASSOC), cap, lon, lat, c->now,
			 (long)hasp))
		return db_fatal(c, &e);
	if (!ins) {
		if (er_store_run(c->reg->st, ER_STMT_SUP_UPDATE, &upd, &e,
				 "ttttlddtl", v(c, ID), v(c, NAME),
				 v_or_null(c, PHONE), v_or_null(c, ASSOC), cap,
				 lon, lat, c->now, (long)hasp))
			return db_fatal(c, &e);
	}
	return upsert_tally(c, ins, upd);
}

static int
row_assignment(struct ictx *c)
{
	enum { RID, SID, ROLE };
	const char *why;
	struct er_error e;
	int64_t n = 0;
	if (!v(c, RID)[0])
		row_error(c, RID, "is empty");
	else if (er_store_scalar(c->reg->st, ER_STMT_REG_EXISTS, &n, &e, "t",
				 v(c, RID)))
		return db_fatal(c, &e);
	else if (!n)
		row_error(c, RID, "unknown registrant \"%s\"", v(c, RID));
	if (!v(c, SID)[0])
		row_error(c, SID, "is empty");
	else if (er_store_scalar(c->reg->st, ER_STMT_SUP_EXISTS, &n, &e, "t",
				 v(c, SID)))
		return db_fatal(c, &e);
	else if (!n)
		row_error(c, SID, "unknown supporter \"%s\"", v(c, SID));
	const char *role = "primary";
	if (v(c, ROLE)[0] && er_value_role(v(c, ROLE), &role, &why) != 0)
		row_error(c, ROLE, "\"%s\" %s", v(c, ROLE), why);
	if (c->row_bad)
		return 1;
	char pair[600];
	snprintf(pair, sizeof pair, "%s\x1f%s", v(c, RID), v(c, SID));
	if (check_seen(c, SID, pair) < 0)
		return c->have_fatal ? -1 : 1;
	long ins = 0, upd = 0;
	if (er_store_run(c->reg->st, ER_STMT_ASG_INSERT, &ins, &e, "tttt",
			 v(c, RID), v(c, SID), role, c->now) ||
	    (!ins && er_store_run(c->reg->st, ER_STMT_ASG_UPDATE, &upd, &e,
				  "tttt", v(c, RID), v(c, SID), role, c->now)))
		return db_fatal(c, &e);
	return upsert_tally(c, ins, upd);
}

static int
write_shelter(struct ictx *c, const char *id, const char *name,
	      const char *kind, const char *address, long cap,
	      const char *hazards, double lon, double lat)
{
	struct er_error e;
	long ins = 0, upd = 0;
	if (er_store_run(c->reg->st, ER_STMT_SHELTER_INSERT, &ins, &e,
			 "ttttitddt", id, name, kind, address, (int64_t)cap,
			 hazards, lon, lat, c->now) ||
	    (!ins && er_store_run(c->reg->st, ER_STMT_SHELTER_UPDATE, &upd, &e,
				  "ttttitddt", id, name, kind, address,
				  (int64_t)cap, hazards, lon, lat, c->now)))
		return db_fatal(c, &e);
	return upsert_tally(c, ins, upd);
}

static int
row_shelter(struct ictx *c)
{
	enum { ID, NAME, KIND, LAT, LON, CAP, ADDR };
	const char *why;
	if (!v(c, ID)[0])
		row_error(c, ID, "is empty");
	if (!v(c, NAME)[0])
		row_error(c, NAME, "is empty");
	long cap = -1;
	if (v(c, CAP)[0] && er_value_uint(v(c, CAP), &cap, &why) != 0)
		row_error(c, CAP, "\"%s\" %s", v(c, CAP), why);
	double lon = 0, lat = 0;
	int hasp = read_point(c, &lon, &lat);
	if (hasp == 0)
		row_error(c, LAT, "is empty; a shelter needs a location");
	if (v(c, ID)[0] && check_seen(c, ID, v(c, ID)) < 0)
		return c->have_fatal ? -1 : 1;
	if (c->row_bad)
		return 1;
	const char *kind = v(c, KIND)[0]      ? v(c, KIND)
			   : c->opt->shelter_kind ? c->opt->shelter_kind
						  : "shelter";
	return write_shelter(c, v(c, ID), v(c, NAME), kind,
			     v_or_null(c, ADDR), cap, "", lon, lat);
}

/* ---- CSV driver ---------------------------------------------------------*/

static enum er_code
import_csv(struct ictx *c, int (*row)(struct ictx *))
{
	struct er_error *err = c->err;
	enum er_code rc;
	c->csv = er_csv_open(c->path, (enum er_encoding)c->opt->encoding, err);
	if (!c->csv)
		return err ? err->code : ER_EIO;
	snprintf(c->res->encoding, sizeof c->res->encoding, "%s",
		 er_csv_encoding(c->csv) == ER_ENC_CP932 ? "CP932"
		 : er_csv_had_bom(c->csv)		 ? "UTF-8 (BOM)"
							 : "UTF-8");
	if ((rc = read_header(c)))
		return rc;
	int ncols = 0;
	while (c->cols[ncols].key)
		ncols++;
	int r;
	while ((r = er_csv_next(c->csv, err)) == 1) {
		c->line = er_csv_line(c->csv);
		c->row_bad = 0;
		c->reason[0] = '\0';
		c->res->read++;
		for (int k = 0; k < ncols; k++) {
			const char *src = "";
			if (c->map[k] >= 0 &&
			    (size_t)c->map[k] < er_csv_nfields(c->csv))
				src = er_csv_field(c->csv, (size_t)c->map[k]);
			char *d = er_strdup(src);
			if (!d)
				return er_fail(err, ER_ENOMEM, c->path,
					       "out of memory");
			er_value_normalise(d);
			er_free(c->val[k]);
			c->val[k] = d;
		}
		int x = row(c);
		if (x < 0) {
			if (c->have_fatal) {
				if (err)
					*err = c->fatal;
				return c->fatal.code;
			}
			return er_fail(err, ER_ENOMEM, c->path,
				       "out of memory");
		}
		if (x > 0) {
			c->res->rejected++;
			if ((c->opt->flags & ER_IMPORT_SKIP_INVALID) &&
			    !(c->opt->flags & ER_IMPORT_DRY_RUN) &&
			    (rc = reject_csv_row(c)))
				return rc;
		}
	}
	if (r < 0)
		return err ? err->code : ER_EPARSE;
	return ER_OK;
}

/* ---- features (districts, shelters) -------------------------------------*/

static const char *
prop(const struct er_feature *f, const char *forced, const char *const *names)
{
	if (forced)
		return er_feature_get(f, forced);
	for (int i = 0; names[i]; i++) {
		const char *s = er_feature_get(f, names[i]);
		if (s)
			return s;
	}
	return NULL;
}

static enum er_code
reject_feature(struct ictx *c, unsigned line, const char *code,
	       const char *name)
{
	enum er_code rc;
	if (!c->rej && (rc = rejects_open(c, "line,reason,code,name\n")))
		return rc;
	fprintf(c->rej, "%u,", line);
	er_csv_write_field(c->rej, c->reason);
	fputc(',', c->rej);
	er_csv_write_field(c->rej, code ? code : "");
	fputc(',', c->rej);
	er_csv_write_field(c->rej, name ? name : "");
	fputc('\n', c->rej);
	return ER_OK;
}

static int
parse_count(struct ictx *c, unsigned line, const char *what, const char *s,
	    long *out)
{
	if (!s || !s[0]) {
		*out = -1;
		return 0;
	}
	char buf[64];
	snprintf(buf, sizeof buf, "%s", s);
	/* GeoJSON numbers such as 1234.0 */
	char *dot = strchr(buf, '.');
	if (dot && strspn(dot + 1, "0") == strlen(dot + 1))
		*dot = '\0';
	const char *why;
	if (er_value_uint(buf, out, &why) != 0) {
		feature_error(c, line, "%s \"%s\" %s", what, s, why);
		return -1;
	}
	return 0;
}

/* "path:12: message" -> "message": the import names the line itself. */
static const char *
geom_message(const char *e)
{
	const char *p = strstr(e, ": ");
	return p ? p + 2 : e;
}

static enum er_code
district_feature(const struct er_feature *f, void *ud, struct er_error *err)
{
	static const char *const code_names[] = {
		"code", "KEY_CODE", "district_code", "町丁目コード", "id",
		NULL};
	static const char *const name_names[] = {
		"name", "S_NAME", "district_name", "町丁目名", "TOWN_NAME",
		"名称", NULL};
	static const char *const assoc_names[] = {
		"association", "association_code", "町内会コード", NULL};
	static const char *const pop_names[] = {"population", "JINKO", "人口",
						NULL};
	static const char *const hh_names[] = {"households", "SETAI",
					       "世帯数", NULL};
	struct ictx *c = ud;
	const struct er_import_options *o = c->opt;
	c->row_bad = 0;
	c->reason[0] = '\0';
	c->res->read++;
	unsigned line = f->line;
	const char *code = prop(f, o->code_field, code_names);
	const char *name = prop(f, o->name_field, name_names);
	const char *assoc = prop(f, o->association_field, assoc_names);
	long pop = -1, hh = -1;
	if (!code || !code[0])
		feature_error(c, line,
			      "feature has no district code (property %s)",
			      o->code_field ? o->code_field
					    : "code or KEY_CODE");
	parse_count(c, line, "population", prop(f, o->population_field,
						 pop_names),
		    &pop);
	parse_count(c, line, "households", prop(f, o->households_field,
						 hh_names),
		    &hh);
	if (o->association_field && (!assoc || !assoc[0]))
		feature_error(c, line, "district %s has no %s",
			      code ? code : "?", o->association_field);
	int fmt = f->geom_format;
	unsigned gline = f->geom_line ? f->geom_line : line;
	if (f->geom_error) {
		feature_error(c, gline, "district %s: %s", code ? code : "?",
			      geom_message(f->geom_error));
	} else if (fmt == ER_GEOM_NONE) {
		feature_error(c, line, "district %s has no geometry",
			      code ? code : "?");
	} else {
		struct er_store *st = c->reg->st;
		struct er_error e;
		if (er_store_query(st, ER_STMT_GEOM_CHECK, &e, "tl",
				   f->geom_text, (long)fmt))
			goto fatal;
		int r = er_store_next(st, ER_STMT_GEOM_CHECK, &e);
		if (r < 0)
			goto fatal;
		if (r == 0 || er_store_isnull(st, ER_STMT_GEOM_CHECK, 0)) {
			feature_error(c, gline,
				      "district %s: geometry cannot be read",
				      code ? code : "?");
		} else {
			const char *type =
				er_store_text(st, ER_STMT_GEOM_CHECK, 0);
			int valid = (int)er_store_int(st, ER_STMT_GEOM_CHECK, 1);
			const char *reason =
				er_store_text(st, ER_STMT_GEOM_CHECK, 2);
			long srid = (long)er_store_int(st, ER_STMT_GEOM_CHECK,
						       3);
			if (srid != 0 && srid != 4326)
				feature_error(c, gline,
					      "district %s: geometry is in "
					      "EPSG:%ld; evacreg reads "
					      "districts in WGS84 (EPSG:4326): "
					      "reproject it, e.g. ogr2ogr "
					      "-t_srs EPSG:4326",
					      code ? code : "?", srid);
			else if (strcmp(type, "POLYGON") != 0 &&
			    strcmp(type, "MULTIPOLYGON") != 0)
				feature_error(c, gline,
					      "district %s: geometry is a %s; "
					      "districts must be polygons",
					      code ? code : "?", type);
			else if (valid != 1)
				feature_error(c, gline,
					      "district %s: invalid geometry: "
					      "%s",
					      code ? code : "?",
					      reason ? reason : "unknown");
		}
		er_store_done(st, ER_STMT_GEOM_CHECK);
		if (0) {
fatal:
			*err = e;
			return e.code;
		}
	}
	if (!c->row_bad && check_seen(c, -1, code) < 0) {
		if (c->have_fatal) {
			*err = c->fatal;
			return c->fatal.code;
		}
	}
	if (c->row_bad) {
		c->res->rejected++;
		if ((o->flags & ER_IMPORT_SKIP_INVALID) &&
		    !(o->flags & ER_IMPORT_DRY_RUN))
			return reject_feature(c, line, code, name);
		return ER_OK;
	}
	long ins = 0, upd = 0;
	struct er_error e;
	if (er_store_run(c->reg->st, ER_STMT_DISTRICT_INSERT, &ins, &e,
			 "tttiitlt", code, name ? name : code, assoc,
			 (int64_t)pop, (int64_t)hh, f->geom_text, (long)fmt,
			 c->now) ||
	    (!ins && er_store_run(c->reg->st, ER_STMT_DISTRICT_UPDATE, &upd,
				  &e, "tttiitlt", code, name ? name : code,
				  assoc, (int64_t)pop, (int64_t)hh,
				  f->geom_text, (long)fmt, c->now))) {
		*err = e;
		return e.code;
	}
	upsert_tally(c, ins, upd);
	return ER_OK;
}

static enum er_code
shelter_feature(const struct er_feature *f, void *ud, struct er_error *err)
{
	static const char *const id_names[] = {"id", "共通ID", "NO", NULL};
	static const char *const name_names[] = {"name", "施設・場所名",
						 "名称", "施設名", NULL};
	static const char *const addr_names[] = {"address", "住所", NULL};
	static const char *const cap_names[] = {"capacity", "収容人数",
						"想定収容人数", NULL};
	static const char *const kind_names[] = {"kind", "種別", NULL};
	static const struct {
		const char *col, *code;
	} hazards[] = {
		{"洪水", "flood"},
		{"崖崩れ、土石流及び地滑り", "landslide"},
		{"高潮", "storm_surge"},
		{"地震", "earthquake"},
		{"津波", "tsunami"},
		{"大規模な火事", "fire"},
		{"内水氾濫", "inland_flood"},
		{"火山現象", "volcano"},
	};
	struct ictx *c = ud;
	c->row_bad = 0;
	c->reason[0] = '\0';
	c->res->read++;
	unsigned line = f->line;
	const char *id = prop(f, c->opt->code_field, id_names);
	const char *name = prop(f, c->opt->name_field, name_names);
	const char *kind = prop(f, NULL, kind_names);
	if (!kind)
		kind = c->opt->shelter_kind ? c->opt->shelter_kind : "shelter";
	if (!id || !id[0])
		feature_error(c, line, "shelter has no id");
	if (!name || !name[0])
		feature_error(c, line, "shelter %s has no name",
			      id ? id : "?");
	long cap = -1;
	parse_count(c, line, "capacity", prop(f, NULL, cap_names), &cap);
	char hz[256] = "";
	for (size_t i = 0; i < sizeof hazards / sizeof hazards[0]; i++) {
		const char *s = er_feature_get(f, hazards[i].col);
		if (s && strcmp(s, "1") == 0) {
			size_t n = strlen(hz);
			snprintf(hz + n, sizeof hz - n, "%s%s", n ? ";" : "",
				 hazards[i].code);
		}
	}
	double lon = 0, lat = 0;
	if (f->geom_error) {
		feature_error(c, f->geom_line ? f->geom_line : line,
			      "shelter %s: %s", id ? id : "?",
			      geom_message(f->geom_error));
	} else if (f->geom_format == ER_GEOM_NONE) {
		feature_error(c, line, "shelter %s has no location",
			      id ? id : "?");
	} else {
		struct er_error e;
		struct er_store *st = c->reg->st;
		if (er_store_query(st, ER_STMT_POINT_XY, &e, "tl",
				   f->geom_text, (long)f->geom_format)) {
			*err = e;
			return e.code;
		}
		int r = er_store_next(st, ER_STMT_POINT_XY, &e);
		if (r < 0) {
			*err = e;
			return e.code;
		}
		if (r == 0 || er_store_isnull(st, ER_STMT_POINT_XY, 0))
			feature_error(c, line,
				      "shelter %s: location is not a point",
				      id ? id : "?");
		else {
			lon = er_store_double(st, ER_STMT_POINT_XY, 0);
			lat = er_store_double(st, ER_STMT_POINT_XY, 1);
			if (lat < JP_LAT_MIN || lat > JP_LAT_MAX ||
			    lon < JP_LON_MIN || lon > JP_LON_MAX)
				feature_error(c, line,
					      "shelter %s: %.6f, %.6f is "
					      "outside Japan",
					      id ? id : "?", lon, lat);
		}
		er_store_done(st, ER_STMT_POINT_XY);
	}
	if (!c->row_bad && check_seen(c, -1, id) < 0 && c->have_fatal) {
		*err = c->fatal;
		return c->fatal.code;
	}
	if (c->row_bad) {
		c->res->rejected++;
		if ((c->opt->flags & ER_IMPORT_SKIP_INVALID) &&
		    !(c->opt->flags & ER_IMPORT_DRY_RUN))
			return reject_feature(c, line, id, name);
		return ER_OK;
	}
	if (write_shelter(c, id, name, kind, prop(f, NULL, addr_names), cap,
			  hz, lon, lat) < 0) {
		*err = c->fatal;
		return c->fatal.code;
	}
	return ER_OK;
}

static enum er_code
read_whole(const char *path, char **data, size_t *len, struct er_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return er_fail(err, ER_EIO, path, "cannot read: %s",
			       strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *buf = er_malloc(cap + 1);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			char *nb = er_realloc(buf, cap + 1);
			if (!nb)
				ER_FREE(buf);
			buf = nb;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (!buf)
		return er_fail(err, ER_ENOMEM, path, "out of memory");
	if (bad) {
		er_free(buf);
		return er_fail(err, ER_EIO, path, "read error");
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return ER_OK;
}

static enum er_code
import_features(struct ictx *c, er_feature_fn fn)
{
	char *data = NULL;
	size_t len = 0;
	enum er_code rc = read_whole(c->path, &data, &len, c->err);
	if (rc)
		return rc;
	size_t i = 0;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && strchr(" \t\r\n", data[i]))
		i++;
	if (i < len && data[i] == '{')
		rc = er_geojson_read(c->path, data, len, fn, c, c->err);
	else if (i < len && data[i] == '<' &&
		 (strstr(data, "<kml") || strstr(data, ":kml")))
		rc = er_kml_read(c->path, data, len, fn, c, c->err);
	else if (i < len && data[i] == '<')
		rc = er_gml_read(c->path, data, len, fn, c, c->err);
	else
		rc = er_fail(c->err, ER_EPARSE, c->path,
			     "not GeoJSON, KML or GML (and %s reads CSV only "
			     "for this kind)",
			     "evacreg");
	er_free(data);
	return rc;
}

static int
is_csv_path(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (strcasecmp(dot, ".csv") == 0 ||
		       strcasecmp(dot, ".txt") == 0 ||
		       strcasecmp(dot, ".tsv") == 0);
}

/* ---- after the rows -----------------------------------------------------*/

static enum er_code
warn_overlaps(struct ictx *c)
{
	struct er_store *st = c->reg->st;
	struct er_error *err = c->err;
	enum er_code rc = er_store_query(st, ER_STMT_DISTRICT_OVERLAPS, err, "");
	if (rc)
		return rc;
	int r;
	while ((r = er_store_next(st, ER_STMT_DISTRICT_OVERLAPS, err)) == 1) {
		c->res->warnings++;
		er_register_log(c->reg, ER_SEV_WARNING, c->path,
				"districts %s and %s overlap (%.0f m²)",
				er_store_text(st, ER_STMT_DISTRICT_OVERLAPS, 0),
				er_store_text(st, ER_STMT_DISTRICT_OVERLAPS, 1),
				er_store_double(st, ER_STMT_DISTRICT_OVERLAPS,
						2));
	}
	return r < 0 ? ER_EDB : ER_OK;
}

static enum er_code
pick_crs(struct ictx *c)
{
	if (c->reg->crs[0])
		return ER_OK;
	struct er_store *st = c->reg->st;
	enum er_code rc = er_store_query(st, ER_STMT_DISTRICT_CENTER, c->err, "");
	if (rc)
		return rc;
	int r = er_store_next(st, ER_STMT_DISTRICT_CENTER, c->err);
	if (r < 0)
		return ER_EDB;
	if (r == 0 || er_store_isnull(st, ER_STMT_DISTRICT_CENTER, 0)) {
		er_store_done(st, ER_STMT_DISTRICT_CENTER);
		return ER_OK;
	}
	double lon = er_store_double(st, ER_STMT_DISTRICT_CENTER, 0);
	double lat = er_store_double(st, ER_STMT_DISTRICT_CENTER, 1);
	er_store_done(st, ER_STMT_DISTRICT_CENTER);
	char id[64];
	if ((rc = er_crs_pick_jgd2011(lon, lat, id, sizeof id, c->err)))
		return rc;
	if ((rc = er_register_set_meta(c->reg, "crs", id, c->err)) ||
	    (rc = er_register_set_meta(c->reg, "crs_source", "auto", c->err)))
		return rc;
	snprintf(c->reg->crs, sizeof c->reg->crs, "%s", id);
	er_register_log(c->reg, ER_SEV_WARNING, c->reg->path,
			"no CRS was given; chose %s (JGD2011 plane "
			"rectangular zone) for the districts around "
			"%.4f, %.4f",
			id, lon, lat);
	return ER_OK;
}

enum er_import_kind
er_import_kind_parse(const char *name)
{
	static const char *const names[] = {NULL,	 "associations",
					    "districts", "registrants",
					    "supporters", "assignments",
					    "shelters"};
	for (int i = 1; i <= ER_IMPORT_SHELTERS; i++)
		if (name && strcmp(name, names[i]) == 0)
			return (enum er_import_kind)i;
	return 0;
}

const char *
er_import_kind_name(enum er_import_kind kind)
{
	switch (kind) {
	case ER_IMPORT_ASSOCIATIONS:
		return "associations";
	case ER_IMPORT_DISTRICTS:
		return "districts";
	case ER_IMPORT_REGISTRANTS:
		return "registrants";
	case ER_IMPORT_SUPPORTERS:
		return "supporters";
	case ER_IMPORT_ASSIGNMENTS:
		return "assignments";
	case ER_IMPORT_SHELTERS:
		return "shelters";
	}
	return "?";
}

/* Waits for the writer thread; its error, naming the row, wins over
 * rc, which may only say that it stopped. */
static enum er_code
finish_writer(struct ictx *c, enum er_code rc)
{
	long added, updated, unchanged;
	unsigned line;
	struct er_error e = {0};
	enum er_code wrc = er_regwriter_finish(c->w, &added, &updated,
					       &unchanged, &line, &e);
	c->w = NULL;
	c->res->added += added;
	c->res->updated += updated;
	c->res->unchanged += unchanged;
	if (!wrc)
		return rc;
	char where[4200];
	if (line)
		snprintf(where, sizeof where, "%s:%u", c->path, line);
	else
		snprintf(where, sizeof where, "%s", c->path);
	return er_fail(c->err, wrc, where, "%s", e.message);
}

/* The first load of an empty register: its indexes are dropped and made
 * again after the rows are in (one sort each, instead of a B-tree
 * insert per row into each); *idx stays NULL otherwise. The rollback of
 * a failed import brings them back. */
static enum er_code
first_load(struct ictx *c, struct er_index_set **idx)
{
	*idx = NULL;
	int64_t any = 1;
	enum er_code rc = er_store_scalar(c->reg->st, ER_STMT_REG_ANY, &any,
					  c->err, "");
	if (rc || any)
		return rc;
	return er_store_drop_indexes(c->reg->st, "registrant", idx, c->err);
}

static enum er_code
run_import(struct ictx *c)
{
	const struct er_import_options *o = c->opt;
	struct er_store *st = c->reg->st;
	struct er_index_set *idx = NULL;
	enum er_code rc;
	switch (o->kind) {
	case ER_IMPORT_ASSOCIATIONS:
		c->cols = assoc_cols;
		return import_csv(c, row_association);
	case ER_IMPORT_REGISTRANTS:
		c->cols = reg_cols;
		if ((rc = first_load(c, &idx)) ||
		    (rc = er_locator_open(c->reg, &c->loc, c->err))) {
			er_store_indexes_free(idx);
			return rc;
		}
		if ((rc = er_regwriter_start(c->reg, c->loc, c->now, &c->w,
					     c->err))) {
			er_locator_close(c->loc);
			er_store_indexes_free(idx);
			return rc;
		}
		rc = import_csv(c, row_registrant);
		rc = finish_writer(c, rc);
		er_locator_close(c->loc);
		c->loc = NULL;
		if (rc) {
			er_store_indexes_free(idx);
			return rc;
		}
		if ((rc = er_store_create_indexes(st, idx, c->err)))
			return rc;
		if ((o->flags & ER_IMPORT_REPLACE) && c->res->errors == 0 &&
		    (rc = remove_missing(c, ER_STMT_REG_PRESENT,
					 ER_STMT_REG_REMOVE)))
			return rc;
		return er_register_locate(c->reg, 0, c->err);
	case ER_IMPORT_SUPPORTERS:
		c->cols = sup_cols;
		return import_csv(c, row_supporter);
	case ER_IMPORT_ASSIGNMENTS:
		c->cols = asg_cols;
		if ((rc = import_csv(c, row_assignment)))
			return rc;
		if ((o->flags & ER_IMPORT_REPLACE) && c->res->errors == 0 &&
		    (rc = remove_missing(c, ER_STMT_ASG_ALL, ER_STMT_ASG_DROP)))
			return rc;
		return ER_OK;
	case ER_IMPORT_SHELTERS:
		c->cols = shelter_cols;
		if (is_csv_path(c->path))
			return import_csv(c, row_shelter);
		return import_features(c, shelter_feature);
	case ER_IMPORT_DISTRICTS:
		if ((rc = import_features(c, district_feature)))
			return rc;
		if (c->res->errors && !(o->flags & ER_IMPORT_SKIP_INVALID))
			return ER_OK;
		if ((rc = warn_overlaps(c)) || (rc = pick_crs(c)))
			return rc;
		return er_register_locate(c->reg, 1, c->err);
	}
	return er_fail(c->err, ER_EUSAGE, NULL, "unknown import kind");
}

static enum er_code
audit_import(struct ictx *c)
{
	char sha[65];
	enum er_code rc = er_sha256_file(c->path, sha, c->err);
	if (rc)
		return rc;
	/* the register's data date, without reading every registrant: the
	 * rows this import changed carry its time in updated_at */
	if (c->opt->kind == ER_IMPORT_REGISTRANTS &&
	    c->res->added + c->res->updated + c->res->removed > 0 &&
	    (rc = er_store_run(c->reg->st, ER_STMT_META_MAX, NULL, c->err,
	                       "tt", "registrants_updated_at", c->now)))
		return rc;
	char detail[512];
	snprintf(detail, sizeof detail,
		 "{\"read\":%ld,\"added\":%ld,\"updated\":%ld,"
		 "\"unchanged\":%ld,\"removed\":%ld,\"rejected\":%ld,"
		 "\"replace\":%s,\"encoding\":\"%s\"}",
		 c->res->read, c->res->added, c->res->updated,
		 c->res->unchanged, c->res->removed, c->res->rejected,
		 (c->opt->flags & ER_IMPORT_REPLACE) ? "true" : "false",
		 c->res->encoding);
	char action[64];
	snprintf(action, sizeof action, "import %s",
		 er_import_kind_name(c->opt->kind));
	struct er_audit_row row = {
		.action = action,
		.file = c->path,
		.file_sha256 = sha,
		.detail = detail,
		.registrants = c->opt->kind == ER_IMPORT_REGISTRANTS
				       ? c->res->added + c->res->updated
				       : -1,
		.households = -1,
	};
	return er_audit_append(c->reg, &row, c->err);
}

enum er_code
er_register_import(struct er_register *reg,
		   const struct er_import_options *opt,
		   struct er_import_result *res, struct er_error *err)
{
	struct er_import_result dummy;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof *res);
	if (reg->readonly)
		return er_fail(err, ER_EUSAGE, reg->path,
			       "the register is open read-only");
	if (!opt->kind || !opt->path)
		return er_fail(err, ER_EUSAGE, NULL,
			       "an import needs a kind and a file");
	if ((opt->flags & ER_IMPORT_REPLACE) &&
	    opt->kind != ER_IMPORT_REGISTRANTS &&
	    opt->kind != ER_IMPORT_ASSIGNMENTS)
		return er_fail(err, ER_EUSAGE, NULL,
			       "--replace applies to registrants and "
			       "assignments only");
	struct ictx c = {
		.reg = reg,
		.opt = opt,
		.res = res,
		.path = opt->path,
		.err = err,
	};
	er_now_iso(c.now);
	er_today_iso(c.today);
	enum er_code rc;
	if ((rc = er_store_begin_bulk(reg->st, err))) {
		er_store_end_bulk(reg->st);
		return rc;
	}
	c.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	rc = run_import(&c);
	if (rc)
		goto out;
	if (res->errors && !(opt->flags & ER_IMPORT_SKIP_INVALID)) {
		rc = er_fail(err, ER_EINVALID, opt->path,
			     "%ld invalid %s; nothing was imported%s",
			     res->errors,
			     res->errors == 1 ? "value" : "values",
			     (opt->flags & ER_IMPORT_DRY_RUN)
				     ? ""
				     : " (use --skip-invalid to import the "
				       "valid rows)");
		goto out;
	}
	if (opt->flags & ER_IMPORT_DRY_RUN)
		goto out;
	if ((rc = audit_import(&c)))
		goto out;
	if ((rc = er_store_commit(reg->st, err)))
		goto out;
	res->committed = 1;
	/* The rows are in; the rejects file comes after, so it never
	 * describes an import that did not happen. */
	if (c.rej) {
		FILE *f = c.rej;
		c.rej = NULL;
		rc = er_output_commit(f, c.rej_tmp, res->rejects_path, err);
	}
	goto done;
out:
	if (c.rej) {
		er_output_abort(c.rej, c.rej_tmp);
		c.rej = NULL;
		res->rejects_path[0] = '\0';
	}
	er_store_rollback(reg->st);
done:
	er_store_end_bulk(reg->st);
	er_csv_close(c.csv);
	er_free(c.last_hh);
	er_free(c.best_id);
	if (c.seen)
		g_hash_table_destroy(c.seen);
	for (int k = 0; k < MAXCOLS; k++) {
		er_free(c.header[k]);
		er_free(c.val[k]);
	}
	for (size_t i = 0; i < c.norig; i++)
		er_free(c.orig[i]);
	er_free(c.orig);
	return rc;
}
