/* Synthetic registers: fictional people with plausible Japanese names,
 * addresses and needs, placed inside the register's districts in
 * proportion to their census population. Never real personal data. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "csv.h"
#include "geom.h"
#include "output.h"
#include "regimpl.h"

/* xoshiro256** seeded by splitmix64: fast, and the same seed gives the
 * same register on every machine. */
struct rng {
	uint64_t s[4];
};

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static long
rng_below(struct rng *r, long n)
{
	return n <= 1 ? 0 : (long)(rng_unit(r) * (double)n);
}

#define PICK(r, arr) (arr)[rng_below((r), (long)(sizeof(arr) / sizeof((arr)[0])))]

struct name {
	const char *kanji, *kana;
};

static const struct name surnames[] = {
	{"佐藤", "サトウ"},	{"鈴木", "スズキ"},	{"高橋", "タカハシ"},
	{"田中", "タナカ"},	{"伊藤", "イトウ"},	{"渡辺", "ワタナベ"},
	{"山本", "ヤマモト"},	{"中村", "ナカムラ"},	{"小林", "コバヤシ"},
	{"加藤", "カトウ"},	{"吉田", "ヨシダ"},	{"山田", "ヤマダ"},
	{"佐々木", "ササキ"},	{"山口", "ヤマグチ"},	{"松本", "マツモト"},
	{"井上", "イノウエ"},	{"木村", "キムラ"},	{"林", "ハヤシ"},
	{"斎藤", "サイトウ"},	{"清水", "シミズ"},	{"山崎", "ヤマザキ"},
	{"森", "モリ"},		{"池田", "イケダ"},	{"橋本", "ハシモト"},
	{"阿部", "アベ"},	{"石川", "イシカワ"},	{"山下", "ヤマシタ"},
	{"中島", "ナカジマ"},	{"石井", "イシイ"},	{"小川", "オガワ"},
	{"前田", "マエダ"},	{"岡田", "オカダ"},	{"長谷川", "ハセガワ"},
	{"藤田", "フジタ"},	{"後藤", "ゴトウ"},	{"近藤", "コンドウ"},
	{"村上", "ムラカミ"},	{"遠藤", "エンドウ"},	{"青木", "アオキ"},
	{"坂本", "サカモト"},	{"斉藤", "サイトウ"},	{"福田", "フクダ"},
	{"太田", "オオタ"},	{"西村", "ニシムラ"},	{"藤井", "フジイ"},
	{"金子", "カネコ"},	{"岡本", "オカモト"},	{"藤原", "フジワラ"},
	{"中野", "ナカノ"},	{"三浦", "ミウラ"},	{"原田", "ハラダ"},
	{"松田", "マツダ"},	{"竹内", "タケウチ"},	{"小野", "オノ"},
	{"菅原", "スガワラ"},	{"工藤", "クドウ"},	{"千葉", "チバ"},
	{"高田", "タカダ"},	{"大野", "オオノ"},	{"今井", "イマイ"},
	{"成田", "ナリタ"},	{"桜井", "サクライ"},	{"野村", "ノムラ"},
	{"熊谷", "クマガイ"},	{"及川", "オイカワ"},	{"渡部", "ワタナベ"},
};

static const struct name men[] = {
	{"正雄", "マサオ"}, {"清", "キヨシ"},	 {"茂", "シゲル"},
	{"勇", "イサム"},   {"博", "ヒロシ"},	 {"実", "ミノル"},
	{"進", "ススム"},   {"和夫", "カズオ"},	 {"武", "タケシ"},
	{"昭二", "ショウジ"}, {"三郎", "サブロウ"}, {"健一", "ケンイチ"},
	{"誠", "マコト"},   {"修", "オサム"},	 {"隆", "タカシ"},
	{"幸雄", "ユキオ"}, {"義男", "ヨシオ"},	 {"秀夫", "ヒデオ"},
	{"弘", "ヒロシ"},   {"勝", "マサル"},	 {"大輔", "ダイスケ"},
	{"翔太", "ショウタ"}, {"蓮", "レン"},	 {"悠真", "ユウマ"},
};

static const struct name women[] = {
	{"幸子", "サチコ"}, {"節子", "セツコ"},	 {"和子", "カズコ"},
	{"洋子", "ヨウコ"}, {"恵子", "ケイコ"},	 {"京子", "キョウコ"},
	{"ハル", "ハル"},   {"キヨ", "キヨ"},	 {"トミ", "トミ"},
	{"久子", "ヒサコ"}, {"美智子", "ミチコ"}, {"敏子", "トシコ"},
	{"照子", "テルコ"}, {"文子", "フミコ"},	 {"光子", "ミツコ"},
	{"千代", "チヨ"},   {"正子", "マサコ"},	 {"道子", "ミチコ"},
	{"由美子", "ユミコ"}, {"陽子", "ヨウコ"}, {"さくら", "サクラ"},
	{"結衣", "ユイ"},   {"葵", "アオイ"},	 {"陽菜", "ヒナ"},
};

static const char *const reason_labels[] = {
	"要介護", "身体障害", "知的障害", "精神障害", "難病",
	"高齢者単身", "高齢者のみ世帯", "乳幼児", "妊産婦", "日本語が不自由",
};
static const double reason_weights[] = {30, 20, 6, 6, 3, 20, 10, 2, 1, 2};

struct district {
	char *code, *name;
	long population, households;
	struct er_mpoly shape;
	long assoc; /* index into associations, -1 none */
};

struct assoc {
	char code[16];
	char name[200];
	long first, count; /* districts [first, first + count) */
	long households;
	double assign_share;
	long nsup, sup0; /* its supporters' ids sup0 .. sup0 + nsup - 1 */
};

struct synth {
	struct rng rng;
	struct district *d;
	size_t nd;
	struct assoc *a;
	size_t na;
	const struct er_synth_options *opt;
};

static void
free_districts(struct synth *s)
{
	for (size_t i = 0; i < s->nd; i++) {
		er_free(s->d[i].code);
		er_free(s->d[i].name);
		er_mpoly_finish(&s->d[i].shape);
	}
	er_free(s->d);
	er_free(s->a);
}

static enum er_code
load_districts(struct er_register *reg, struct synth *s, struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_stmt q = ER_STMT_DISTRICT_SHAPES;
	enum er_code rc = er_store_query(st, q, err, "");
	if (rc)
		return rc;
	size_t cap = 0;
	int r;
	while ((r = er_store_next(st, q, err)) == 1) {
		if (s->nd == cap) {
			size_t n = cap ? cap * 2 : 256;
			struct district *d = er_realloc(s->d, n * sizeof *d);
			if (!d)
				goto nomem;
			s->d = d;
			cap = n;
		}
		struct district *d = &s->d[s->nd];
		memset(d, 0, sizeof *d);
		d->code = er_strdup(er_store_text(st, q, 0));
		d->name = er_strdup(er_store_text(st, q, 1));
		s->nd++;
		if (!d->code || !d->name)
			goto nomem;
		d->population = (long)er_store_int(st, q, 2);
		d->households = (long)er_store_int(st, q, 3);
		d->assoc = -1;
		int len;
		const void *wkb = er_store_blob(st, q, 4, &len);
		if ((rc = er_mpoly_from_wkb(wkb, (size_t)len, &d->shape,
					    err))) {
			er_store_done(st, q);
			return rc;
		}
	}
	if (r < 0)
		return ER_EDB;
	if (!s->nd)
		return er_fail(err, ER_EINVALID, reg->path,
			       "the register has no districts; import "
			       "districts first");
	/* Without census population every district weighs the same. */
	int any = 0;
	for (size_t i = 0; i < s->nd; i++)
		any |= s->d[i].population > 0;
	if (!any)
		for (size_t i = 0; i < s->nd; i++)
			s->d[i].population = 100;
	return ER_OK;
nomem:
	er_store_done(st, q);
	return er_fail(err, ER_ENOMEM, NULL, "out of memory");
}

/* "青葉町１丁目" -> "青葉町": the part before the block number. */
static void
town_of(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s", name);
	static const char *const digits[] = {
		"０", "１", "２", "３", "４", "５", "６", "７", "８", "９",
		"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
		"0",  "1",  "2",  "3",  "4",  "5",  "6",  "7",  "8",  "9"};
	size_t cut = strlen(out);
	for (size_t i = 0; i < sizeof digits / sizeof digits[0]; i++) {
		char *p = strstr(out, digits[i]);
		if (p && (size_t)(p - out) < cut && p != out)
			cut = (size_t)(p - out);
	}
	out[cut] = '\0';
}

/* Associations: consecutive districts of the same town (same code
 * prefix), at most three each; empty districts get none. */
static enum er_code
make_associations(struct synth *s, struct er_error *err)
{
	s->a = er_calloc(s->nd, sizeof *s->a);
	if (!s->a)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	char town[160], prev[160] = "";
	for (size_t i = 0; i < s->nd; i++) {
		struct district *d = &s->d[i];
		if (d->population <= 0)
			continue;
		town_of(d->name, town, sizeof town);
		struct assoc *last = s->na ? &s->a[s->na - 1] : NULL;
		if (last && strcmp(town, prev) == 0 && last->count < 3 &&
		    last->first + last->count == (long)i) {
			last->count++;
		} else {
			last = &s->a[s->na];
			snprintf(last->code, sizeof last->code, "A%04zu",
				 s->na + 1);
			int dup = 0;
			for (size_t k = 0; k < s->na; k++)
				if (strncmp(s->a[k].name, town,
					    strlen(town)) == 0)
					dup++;
			if (dup)
				snprintf(last->name, sizeof last->name,
					 "%s第%d町内会", town, dup + 1);
			else
				snprintf(last->name, sizeof last->name,
					 "%s町内会", town);
			last->first = (long)i;
			last->count = 1;
			/* some associations are far better organised than
			 * others */
			last->assign_share = s->opt->assigned_share +
					     (rng_unit(&s->rng) - 0.5) * 0.5;
			if (last->assign_share < 0.05)
				last->assign_share = 0.05;
			if (last->assign_share > 1)
				last->assign_share = 1;
			s->na++;
			snprintf(prev, sizeof prev, "%s", town);
		}
		d->assoc = (long)(last - s->a);
		last->households +=
			d->households > 0
				? d->households
				: d->population / 2;
	}
	return ER_OK;
}

static void
random_point(struct synth *s, const struct district *d, double *x, double *y)
{
	const struct er_mpoly *m = &d->shape;
	for (int tries = 0; tries < 10000; tries++) {
		double px = m->minx + rng_unit(&s->rng) * (m->maxx - m->minx);
		double py = m->miny + rng_unit(&s->rng) * (m->maxy - m->miny);
		if (er_mpoly_contains(m, px, py)) {
			*x = px;
			*y = py;
			return;
		}
	}
	/* a sliver: use a vertex of the exterior ring */
	*x = m->polys[0].rings[0].xy[0];
	*y = m->polys[0].rings[0].xy[1];
}

/* Cumulative population weights for picking districts. */
static double *
weights(struct synth *s)
{
	double *w = er_malloc(s->nd * sizeof *w);
	if (!w)
		return NULL;
	double acc = 0;
	for (size_t i = 0; i < s->nd; i++) {
		acc += s->d[i].population > 0 ? (double)s->d[i].population : 0;
		w[i] = acc;
	}
	return w;
}

static size_t
pick_district(struct synth *s, const double *cum)
{
	double t = rng_unit(&s->rng) * cum[s->nd - 1];
	size_t lo = 0, hi = s->nd - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cum[mid] > t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void
wareki(char *out, size_t len, int y, int m, int d, int style)
{
	static const struct {
		int y, m, d;
		const char *kanji, *abbr;
	} eras[] = {
		{2019, 5, 1, "令和", "R"},
		{1989, 1, 8, "平成", "H"},
		{1926, 12, 25, "昭和", "S"},
		{1912, 7, 30, "大正", "T"},
	};
	for (size_t i = 0; i < sizeof eras / sizeof eras[0]; i++) {
		long start = eras[i].y * 10000L + eras[i].m * 100 + eras[i].d;
		if (y * 10000L + m * 100 + d < start)
			continue;
		int ey = y - eras[i].y + 1;
		if (style == 0) {
			if (ey == 1)
				snprintf(out, len, "%s元年%d月%d日",
					 eras[i].kanji, m, d);
			else
				snprintf(out, len, "%s%d年%d月%d日",
					 eras[i].kanji, ey, m, d);
		} else {
			snprintf(out, len, "%s%d.%d.%d", eras[i].abbr, ey, m,
				 d);
		}
		return;
	}
	snprintf(out, len, "%04d-%02d-%02d", y, m, d);
}

static void
birth_date(struct synth *s, char *out, size_t len, int young)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y = young ? 1950 + (int)rng_below(&s->rng, 70)
		      : 1925 + (int)rng_below(&s->rng, 35);
	int m = 1 + (int)rng_below(&s->rng, 12);
	int dd = mdays[m - 1] + (m == 2 && y % 4 == 0 &&
				 (y % 100 != 0 || y % 400 == 0));
	int d = 1 + (int)rng_below(&s->rng, dd);
	double u = rng_unit(&s->rng);
	if (u < 0.6)
		snprintf(out, len, "%04d-%02d-%02d", y, m, d);
	else if (u < 0.7)
		snprintf(out, len, "%04d/%d/%d", y, m, d);
	else
		wareki(out, len, y, m, d, u < 0.9 ? 0 : 1);
}

static void
reasons(struct synth *s, char *out, size_t len, int alone, int young)
{
	double total = 0;
	for (size_t i = 0; i < sizeof reason_weights / sizeof(double); i++)
		total += reason_weights[i];
	out[0] = '\0';
	int n = 1 + (rng_unit(&s->rng) < 0.3);
	for (int k = 0; k < n; k++) {
		double t = rng_unit(&s->rng) * total;
		size_t i = 0;
		while (t > reason_weights[i]) {
			t -= reason_weights[i];
			i++;
		}
		if (!young && (i == 7 || i == 8))
			i = 0;
		if (i == 5 && !alone)
			i = 6;
		if (strstr(out, reason_labels[i]))
			continue;
		size_t l = strlen(out);
		snprintf(out + l, len - l, "%s%s", l ? ";" : "",
			 reason_labels[i]);
	}
}

static FILE *
open_out(const char *dir, const char *name, char *dst, size_t dstlen,
	 char *tmp, size_t tmplen, struct er_error *err)
{
	snprintf(dst, dstlen, "%s/%s", dir, name);
	return er_output_open(dst, tmp, tmplen, err);
}

struct outf {
	FILE *f;
	char dst[4200], tmp[4300];
};

static enum er_code
write_all(struct synth *s, struct outf *o, struct er_error *err)
{
	const struct er_synth_options *opt = s->opt;
	struct rng *r = &s->rng;
	FILE *fa = o[0].f, *fr = o[1].f, *fs = o[2].f, *fx = o[3].f;
	char today[11];
	er_today_iso(today);

	/* associations */
	fputs("code,name,agreement_signed_on,has_jishubo,households,"
	      "districts\n",
	      fa);
	for (size_t i = 0; i < s->na; i++) {
		struct assoc *a = &s->a[i];
		fprintf(fa, "%s,", a->code);
		er_csv_write_field(fa, a->name);
		if (rng_unit(r) < 0.7)
			fprintf(fa, ",%04ld-%02ld-%02ld", 2014 + rng_below(r, 11),
				1 + rng_below(r, 12), 1 + rng_below(r, 28));
		else
			fputc(',', fa);
		fprintf(fa, ",%d,%ld,", rng_unit(r) < 0.85 ? 1 : 0,
			a->households);
		for (long k = 0; k < a->count; k++)
			fprintf(fa, "%s%s", k ? ";" : "",
				s->d[a->first + k].code);
		fputc('\n', fa);
	}

	/* supporters: spread over associations by their size */
	long nsup = opt->supporters > 0 ? opt->supporters
					 : (opt->registrants + 1) / 2;
	double hh_total = 0;
	for (size_t i = 0; i < s->na; i++)
		hh_total += (double)s->a[i].households;
	fputs("id,name,phone,association,lat,lon,capacity\n", fs);
	long sid = 0;
	for (size_t i = 0; i < s->na && hh_total > 0; i++) {
		struct assoc *a = &s->a[i];
		long n = (long)llround((double)nsup *
				       (double)a->households / hh_total);
		if (n < 1)
			n = 1;
		a->sup0 = sid + 1;
		a->nsup = n;
		for (long k = 0; k < n; k++) {
			sid++;
			const struct district *d =
				&s->d[a->first + rng_below(r, a->count)];
			double x, y;
			random_point(s, d, &x, &y);
			const struct name *sn = &PICK(r, surnames);
			const struct name *gn = rng_unit(r) < 0.5
							? &PICK(r, men)
							: &PICK(r, women);
			fprintf(fs,
				"S%07ld,%s %s,090-%04ld-%04ld,%s,%.7f,%.7f,"
				"%ld\n",
				sid, sn->kanji, gn->kanji, rng_below(r, 10000),
				rng_below(r, 10000), a->code, y, x,
				1 + rng_below(r, 3));
		}
	}

	/* registrants, by household; Japanese headers as a resident
	 * system exports them */
	fputs("宛名番号,世帯番号,氏名,フリガナ,生年月日,性別,住所,電話番号,"
	      "要支援事由,同意,緯度,経度,状態,移動手段\n",
	      fr);
	fputs("registrant_id,supporter_id,role\n", fx);
	double *cum = weights(s);
	if (!cum)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	static const char *const consent_yes[] = {"同意", "yes", "1", "有"};
	static const char *const consent_no[] = {"不同意", "no", "拒否", "0"};
	static const char *const consent_un[] = {"未回答", "unanswered", ""};
	static const char *const mob[] = {"独歩", "独歩", "杖", "杖",
					  "車いす", "寝たきり", ""};
	long id = 0, hh = 0;
	while (id < opt->registrants) {
		size_t di = pick_district(s, cum);
		const struct district *d = &s->d[di];
		double x, y;
		random_point(s, d, &x, &y);
		double u = rng_unit(r);
		int size = u < 0.65 ? 1 : u < 0.95 ? 2 : 3;
		if (size > opt->registrants - id)
			size = (int)(opt->registrants - id);
		hh++;
		const struct name *sn = &PICK(r, surnames);
		char addr[256];
		snprintf(addr, sizeof addr, "%s%ld番%ld号", d->name,
			 1 + rng_below(r, 30), 1 + rng_below(r, 20));
		char phone[32];
		if (rng_unit(r) < 0.15)
			phone[0] = '\0';
		else
			snprintf(phone, sizeof phone, "0%ld-%02ld-%04ld",
				 100 + rng_below(r, 900), rng_below(r, 100),
				 rng_below(r, 10000));
		const struct assoc *a = d->assoc >= 0 ? &s->a[d->assoc] : NULL;
		for (int m = 0; m < size; m++) {
			id++;
			int female = rng_unit(r) < 0.6;
			int young = rng_unit(r) < 0.12;
			const struct name *gn = female ? &PICK(r, women)
						       : &PICK(r, men);
			char birth[64], why[160];
			birth_date(s, birth, sizeof birth, young);
			reasons(s, why, sizeof why, size == 1, young);
			double cu = rng_unit(r);
			const char *consent =
				cu < opt->consent_yes ? PICK(r, consent_yes)
				: cu < opt->consent_yes + opt->consent_no
					? PICK(r, consent_no)
					: PICK(r, consent_un);
			double su = rng_unit(r);
			const char *status = su < 0.97	   ? ""
					     : su < 0.98   ? "転出"
					     : su < 0.99 ? "死亡"
							   : "施設入所";
			const char *sex = rng_unit(r) < 0.5
						  ? (female ? "女" : "男")
						  : (female ? "2" : "1");
			char hhid[32] = "";
			if (size > 1)
				snprintf(hhid, sizeof hhid, "H%09ld", hh);
			fprintf(fr, "%010ld,%s,%s %s,%s %s,%s,%s,", id, hhid,
				sn->kanji, gn->kanji, sn->kana, gn->kana,
				birth, sex);
			er_csv_write_field(fr, addr);
			fprintf(fr, ",%s,%s,%s,", phone, why, consent);
			/* household members after the first share its
			 * location */
			if (m == 0)
				fprintf(fr, "%.7f,%.7f", y, x);
			else
				fputc(',', fr);
			fprintf(fr, ",%s,%s\n", status, PICK(r, mob));
			if (a && a->nsup > 0 &&
			    rng_unit(r) < a->assign_share) {
				long p = rng_below(r, a->nsup);
				fprintf(fx, "%010ld,S%07ld,primary\n", id,
					a->sup0 + p);
				/* a secondary supporter, never the primary */
				if (rng_unit(r) < 0.15 && a->nsup > 1) {
					long q = (p + 1 +
						  rng_below(r, a->nsup - 1)) %
						 a->nsup;
					fprintf(fx, "%010ld,S%07ld,secondary\n",
						id, a->sup0 + q);
				}
			}
		}
	}
	er_free(cum);
	return ER_OK;
}

enum er_code
er_synth(struct er_register *reg, const struct er_synth_options *opt,
	 struct er_error *err)
{
	if (opt->registrants < 1 || opt->registrants > 10000000)
		return er_fail(err, ER_EUSAGE, NULL,
			       "registrants must be 1 to 10,000,000, not %ld",
			       opt->registrants);
	if (opt->consent_yes < 0 || opt->consent_no < 0 ||
	    opt->consent_yes + opt->consent_no > 1 ||
	    opt->assigned_share < 0 || opt->assigned_share > 1)
		return er_fail(err, ER_EUSAGE, NULL,
			       "shares must lie between 0 and 1");
	if (mkdir(opt->outdir, 0700) != 0 && errno != EEXIST)
		return er_fail(err, ER_EIO, opt->outdir, "cannot create: %s",
			       strerror(errno));
	struct synth s = {.opt = opt};
	rng_seed(&s.rng, opt->seed);
	struct outf o[4] = {0};
	static const char *const names[4] = {
		"associations.csv", "registrants.csv", "supporters.csv",
		"assignments.csv"};
	enum er_code rc = load_districts(reg, &s, err);
	if (rc)
		goto out;
	if ((rc = make_associations(&s, err)))
		goto out;
	for (int i = 0; i < 4; i++) {
		o[i].f = open_out(opt->outdir, names[i], o[i].dst,
				  sizeof o[i].dst, o[i].tmp, sizeof o[i].tmp,
				  err);
		if (!o[i].f) {
			rc = err ? err->code : ER_EIO;
			goto out;
		}
	}
	if ((rc = write_all(&s, o, err)))
		goto out;
	for (int i = 0; i < 4; i++) {
		FILE *f = o[i].f;
		o[i].f = NULL;
		if ((rc = er_output_commit(f, o[i].tmp, o[i].dst, err)))
			goto out;
	}
out:
	for (int i = 0; i < 4; i++)
		if (o[i].f)
			er_output_abort(o[i].f, o[i].tmp);
	free_districts(&s);
	return rc;
}
