/* Parsers for the values of municipal CSV exports: Japanese era (wareki) and
 * ISO dates, sex, consent, status, flags, numbers, roles, need reasons and
 * mobility, each with a short static reason when a value is refused. */
#include <stdio.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

/* Longest value accepted; longer ones are refused, not truncated. */
#define VALUE_MAX 512

struct word {
	const char *word; /* lower-case ASCII or Japanese */
	int value;
};

static int
fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

char *
er_value_normalise(char *s)
{
	unsigned char *r = (unsigned char *)s, *w = r;
	while (*r) {
		if (r[0] == 0xEF && r[1] == 0xBC && r[2] >= 0x81 &&
		    r[2] <= 0xBF) {
			/* U+FF01..U+FF3F */
			*w++ = (unsigned char)(r[2] - 0x81 + 0x21);
			r += 3;
		} else if (r[0] == 0xEF && r[1] == 0xBD && r[2] >= 0x80 &&
		           r[2] <= 0x9E) {
			/* U+FF40..U+FF5E */
			*w++ = (unsigned char)(r[2] - 0x80 + 0x60);
			r += 3;
		} else if (r[0] == 0xE3 && r[1] == 0x80 && r[2] == 0x80) {
			/* U+3000 ideographic space */
			*w++ = ' ';
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	while (w > (unsigned char *)s && is_space((char)w[-1]))
		*--w = '\0';
	r = (unsigned char *)s;
	while (is_space((char)*r))
		r++;
	if (r != (unsigned char *)s)
		memmove(s, r, (size_t)(w - r) + 1);
	return s;
}

/* Copies s (NULL: empty) into buf and normalises it; -1 when too long. */
static int
prep(const char *s, char *buf, size_t size)
{
	size_t n = s ? strlen(s) : 0;
	if (n >= size)
		return -1;
	if (n)
		memcpy(buf, s, n);
	buf[n] = '\0';
	er_value_normalise(buf);
	return 0;
}

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Normalised, lower-cased copy of s for matching against word tables. */
static int
prep_word(const char *s, char *buf, size_t size)
{
	if (prep(s, buf, size))
		return -1;
	lower(buf);
	return 0;
}

static int
lookup(const char *s, const struct word *tab, size_t n, int *value)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, tab[i].word) == 0) {
			*value = tab[i].value;
			return 0;
		}
	}
	return -1;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Dates */

struct era {
	const char *name;   /* 昭和 */
	const char *short1; /* 昭 */
	const char *square; /* ㍼, one-character form */
	char letter;        /* S */
	int base;           /* Gregorian year of 元年 */
	long start;         /* first day, as YYYYMMDD */
	const char *why;
};

/* 明治 officially starts on 1868-10-23 (applied back to 1868-01-01 by the
 * era-change edict), so the whole of 1868 is accepted as 明治元年. */
static const struct era eras[] = {
    {"明治", "明", "\u337E", 'M', 1868, 18680101L,
     "is not a valid date in 明治"},
    {"大正", "大", "\u337D", 'T', 1912, 19120730L,
     "is not a valid date in 大正"},
    {"昭和", "昭", "\u337C", 'S', 1926, 19261225L,
     "is not a valid date in 昭和"},
    {"平成", "平", "\u337B", 'H', 1989, 19890108L,
     "is not a valid date in 平成"},
    {"令和", "令", "\u32FF", 'R', 2019, 20190501L,
     "is not a valid date in 令和"},
};

static int
starts(const char **p, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(*p, prefix, n) != 0)
		return 0;
	*p += n;
	return 1;
}

static void
skip_spaces(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

/* Reads 1..max digits; -1 when there are none or more than max. */
static int
read_num(const char **p, int max, int *out)
{
	int n = 0, v = 0;
	while (is_digit((*p)[n])) {
		if (n == max)
			return -1;
		v = v * 10 + ((*p)[n] - '0');
		n++;
	}
	if (n == 0)
		return -1;
	*p += n;
	*out = v;
	return 0;
}

static int
count_digits(const char *p)
{
	int n = 0;
	while (is_digit(p[n]))
		n++;
	return n;
}

static int
num_at(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* Which era s starts with, advancing *p; -1 when none. A lone letter
 * counts only when a digit or 元 follows, so "May 1" is not 明治. */
static int
match_era(const char **p)
{
	for (int i = 0; i < (int)N(eras); i++) {
		if (starts(p, eras[i].name) || starts(p, eras[i].square) ||
		    starts(p, eras[i].short1))
			return i;
	}
	char c = **p;
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	for (int i = 0; i < (int)N(eras); i++) {
		if (c != eras[i].letter)
			continue;
		const char *q = *p + 1;
		skip_spaces(&q);
		if (is_digit(*q) || strncmp(q, "元", strlen("元")) == 0) {
			*p += 1;
			return i;
		}
	}
	return -1;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
valid_ymd(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

static void
write_iso(char iso[11], int y, int m, int d)
{
	iso[0] = (char)('0' + y / 1000);
	iso[1] = (char)('0' + y / 100 % 10);
	iso[2] = (char)('0' + y / 10 % 10);
	iso[3] = (char)('0' + y % 10);
	iso[4] = '-';
	iso[5] = (char)('0' + m / 10);
	iso[6] = (char)('0' + m % 10);
	iso[7] = '-';
	iso[8] = (char)('0' + d / 10);
	iso[9] = (char)('0' + d % 10);
	iso[10] = '\0';
}

/* Month and day after the year: "3月1日" (when kanji) or ".3.1" with the
 * same separator twice. */
static int
read_month_day(const char **p, int *m, int *d)
{
	skip_spaces(p);
	if (starts(p, "年")) {
		skip_spaces(p);
		if (read_num(p, 2, m))
			return -1;
		skip_spaces(p);
		if (!starts(p, "月"))
			return -1;
		skip_spaces(p);
		if (read_num(p, 2, d))
			return -1;
		skip_spaces(p);
		if (!starts(p, "日"))
			return -1;
		return 0;
	}
	char sep = **p;
	if (sep != '.' && sep != '/' && sep != '-')
		return -1;
	(*p)++;
	if (read_num(p, 2, m) || **p != sep)
		return -1;
	(*p)++;
	return read_num(p, 2, d);
}

int
er_value_date(const char *s, char iso[11], const char **why)
{
	char buf[VALUE_MAX];
	const char *p = buf;
	int era = -1, y, m, d;

	if (prep(s, buf, sizeof buf))
		return fail(why, "is not a date");
	if (!*buf)
		return fail(why, "is empty");

	int nd = count_digits(buf);
	if (nd && !buf[nd]) {
		/* digits only: YYYYMMDD, or the 7-digit form of municipal
		 * systems, era number (1 明治 .. 5 令和) then YYMMDD */
		if (nd == 8) {
			y = num_at(buf, 4);
			m = num_at(buf + 4, 2);
			d = num_at(buf + 6, 2);
		} else if (nd == 7 && buf[0] >= '1' && buf[0] <= '5') {
			era = buf[0] - '1';
			y = num_at(buf + 1, 2);
			m = num_at(buf + 3, 2);
			d = num_at(buf + 5, 2);
		} else {
			return fail(why, "is not a date");
		}
		p += nd;
	} else if ((era = match_era(&p)) >= 0) {
		skip_spaces(&p);
		if (starts(&p, "元")) {
			y = 1;
			if (read_month_day(&p, &m, &d))
				return fail(why, "is not a date");
		} else if (count_digits(p) == 6) {
			/* S150301 */
			y = num_at(p, 2);
			m = num_at(p + 2, 2);
			d = num_at(p + 4, 2);
			p += 6;
		} else if (read_num(&p, 3, &y) || read_month_day(&p, &m, &d)) {
			return fail(why, "is not a date");
		}
	} else {
		if (count_digits(p) != 4 || read_num(&p, 4, &y) ||
		    read_month_day(&p, &m, &d))
			return fail(why, "is not a date");
	}
	if (*p)
		return fail(why, "is not a date");

	if (era >= 0) {
		if (y < 1)
			return fail(why, eras[era].why);
		y += eras[era].base - 1;
	}
	if (!valid_ymd(y, m, d))
		return fail(why, "is not a valid calendar date");
	if (era >= 0) {
		long v = (long)y * 10000 + (long)m * 100 + d;
		if (v < eras[era].start ||
		    (era + 1 < (int)N(eras) && v >= eras[era + 1].start))
			return fail(why, eras[era].why);
	}
	write_iso(iso, y, m, d);
	return 0;
}

/* Strict "YYYY-MM-DD" */
static int
parse_iso(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return -1;
	*y = num_at(s, 4);
	*m = num_at(s + 5, 2);
	*d = num_at(s + 8, 2);
	return valid_ymd(*y, *m, *d) ? 0 : -1;
}

int
er_value_age(const char *birth_iso, const char *today_iso)
{
	int by, bm, bd, ty, tm, td;
	if (parse_iso(birth_iso, &by, &bm, &bd) ||
	    parse_iso(today_iso, &ty, &tm, &td))
		return -1;
	int age = ty - by;
	if (tm * 100 + td < bm * 100 + bd)
		age--;
	return age < 0 ? -1 : age;
}

/* Small enumerations */

int
er_value_sex(const char *s, char *out, const char **why)
{
	static const struct word words[] = {
	    {"男", 'M'}, {"男性", 'M'}, {"m", 'M'}, {"male", 'M'},   {"1", 'M'},
	    {"女", 'F'}, {"女性", 'F'}, {"f", 'F'}, {"female", 'F'}, {"2", 'F'},
	};
	static const char *const reason = "is not one of 男, 女, M, F, 1, 2";
	char buf[VALUE_MAX];
	int v;
	if (prep_word(s, buf, sizeof buf))
		return fail(why, reason);
	if (!*buf) {
		*out = 0;
		return 0;
	}
	if (lookup(buf, words, N(words), &v))
		return fail(why, reason);
	*out = (char)v;
	return 0;
}

static const char *const consent_codes[] = {"yes", "no", "unanswered"};

int
er_value_consent(const char *s, const char **out, const char **why)
{
	static const struct word words[] = {
	    {"yes", 0},   {"y", 0},          {"1", 0},      {"同意", 0},
	    {"有", 0},    {"あり", 0},       {"はい", 0},   {"true", 0},
	    {"no", 1},    {"n", 1},          {"0", 1},      {"不同意", 1},
	    {"無", 1},    {"なし", 1},       {"拒否", 1},   {"いいえ", 1},
	    {"false", 1}, {"unanswered", 2}, {"未回答", 2}, {"未", 2},
	    {"空", 2},
	};
	char buf[VALUE_MAX];
	int v = 2;
	if (prep_word(s, buf, sizeof buf) ||
	    (*buf && lookup(buf, words, N(words), &v)))
		return fail(why, "is not one of 同意, 不同意, 未回答 (yes, no, "
		                 "unanswered)");
	*out = consent_codes[v];
	return 0;
}

static const char *const status_codes[] = {"active", "moved", "deceased",
                                           "in_facility"};

int
er_value_status(const char *s, const char **out, const char **why)
{
	static const struct word words[] = {
	    {"active", 0},      {"在住", 0},     {"moved", 1},
	    {"転出", 1},        {"deceased", 2}, {"死亡", 2},
	    {"in_facility", 3}, {"施設入所", 3}, {"入所", 3},
	};
	char buf[VALUE_MAX];
	int v = 0;
	if (prep_word(s, buf, sizeof buf) ||
	    (*buf && lookup(buf, words, N(words), &v)))
		return fail(why, "is not one of 転出, 死亡, 施設入所 (active, "
		                 "moved, deceased, in_facility)");
	*out = status_codes[v];
	return 0;
}

int
er_value_bool(const char *s, int *out, const char **why)
{
	static const struct word words[] = {
	    {"1", 1},    {"有", 1},   {"あり", 1}, {"yes", 1}, {"y", 1},
	    {"true", 1}, {"○", 1},    {"◯", 1},    {"〇", 1},  {"0", 0},
	    {"無", 0},   {"なし", 0}, {"no", 0},   {"n", 0},   {"false", 0},
	    {"×", 0},    {"✕", 0},
	};
	char buf[VALUE_MAX];
	int v;
	if (prep_word(s, buf, sizeof buf))
		return fail(why, "is not one of 1, 0, 有, 無, ○, ×, yes, no");
	if (!*buf)
		return fail(why, "is empty");
	if (lookup(buf, words, N(words), &v))
		return fail(why, "is not one of 1, 0, 有, 無, ○, ×, yes, no");
	*out = v;
	return 0;
}

static const char *const role_codes[] = {"primary", "secondary"};

int
er_value_role(const char *s, const char **out, const char **why)
{
	static const struct word words[] = {
	    {"primary", 0},   {"主", 0}, {"正", 0}, {"1", 0},
	    {"secondary", 1}, {"副", 1}, {"2", 1},
	};
	char buf[VALUE_MAX];
	int v;
	if (prep_word(s, buf, sizeof buf) || lookup(buf, words, N(words), &v))
		return fail(why, "is not one of 主, 副, primary, secondary");
	*out = role_codes[v];
	return 0;
}

static const char *const mobility_codes[] = {"walk", "cane", "wheelchair",
                                             "bedridden", "other"};

int
er_value_mobility(const char *s, const char **out, const char **why)
{
	static const struct word words[] = {
	    {"walk", 0},   {"独歩", 0},   {"自立", 0},       {"cane", 1},
	    {"杖", 1},     {"つえ", 1},   {"wheelchair", 2}, {"車いす", 2},
	    {"車椅子", 2}, {"車イス", 2}, {"bedridden", 3},  {"寝たきり", 3},
	    {"other", 4},  {"その他", 4},
	};
	char buf[VALUE_MAX];
	int v;
	if (prep_word(s, buf, sizeof buf))
		return fail(why, "is not one of 独歩, 杖, 車いす, 寝たきり, "
		                 "その他");
	if (!*buf) {
		*out = "";
		return 0;
	}
	if (lookup(buf, words, N(words), &v))
		return fail(why, "is not one of 独歩, 杖, 車いす, 寝たきり, "
		                 "その他");
	*out = mobility_codes[v];
	return 0;
}

/* Numbers */

int
er_value_double(const char *s, double *out, const char **why)
{
	char buf[VALUE_MAX];
	if (prep(s, buf, sizeof buf))
		return fail(why, "is not a number");
	if (!*buf)
		return fail(why, "is empty");
	/* [+-]digits[.digits][e[+-]digits], checked here so that strtod's
	 * extras (hex, inf, nan, leading spaces) are refused */
	const char *p = buf;
	if (*p == '+' || *p == '-')
		p++;
	int nd = count_digits(p);
	p += nd;
	if (*p == '.') {
		p++;
		int nf = count_digits(p);
		p += nf;
		nd += nf;
	}
	if (nd == 0)
		return fail(why, "is not a number");
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!count_digits(p))
			return fail(why, "is not a number");
		p += count_digits(p);
	}
	if (*p)
		return fail(why, "is not a number");
	/* The library never calls setlocale(), so strtod reads '.' */
	double v = strtod(buf, NULL);
	if (!isfinite(v))
		return fail(why, "is out of range");
	*out = v;
	return 0;
}

int
er_value_uint(const char *s, long *out, const char **why)
{
	static const char *const reason = "is not a non-negative integer";
	char buf[VALUE_MAX];
	if (prep(s, buf, sizeof buf))
		return fail(why, reason);
	if (!*buf)
		return fail(why, "is empty");
	const char *p = buf;
	if (*p == '+')
		p++;
	int first = count_digits(p);
	if (first == 0)
		return fail(why, reason);
	int grouped = strchr(p, ',') != NULL;
	if (grouped && first > 3)
		return fail(why, reason);
	long v = 0;
	for (;;) {
		int n = count_digits(p);
		if (grouped && p != buf && p[-1] == ',' && n != 3)
			return fail(why, reason);
		for (int i = 0; i < n; i++) {
			int dg = p[i] - '0';
			if (v > (LONG_MAX - dg) / 10)
				return fail(why, "is out of range");
			v = v * 10 + dg;
		}
		p += n;
		if (*p != ',')
			break;
		p++;
	}
	if (*p)
		return fail(why, reason);
	*out = v;
	return 0;
}

/* Need reasons */

static const struct er_reason reasons[] = {
    {"care", "要介護"},
    {"physical", "身体障害"},
    {"intellectual", "知的障害"},
    {"mental", "精神障害"},
    {"intractable", "難病"},
    {"elderly_alone", "高齢者単身"},
    {"elderly_only", "高齢者のみ世帯"},
    {"infant", "乳幼児"},
    {"pregnant", "妊産婦"},
    {"language", "日本語が不自由"},
    {"other", "その他"},
};

enum {
	R_CARE,
	R_PHYSICAL,
	R_INTELLECTUAL,
	R_MENTAL,
	R_INTRACTABLE,
	R_ELDERLY_ALONE,
	R_ELDERLY_ONLY,
	R_INFANT,
	R_PREGNANT,
	R_LANGUAGE,
	R_OTHER,
};

static const struct word reason_synonyms[] = {
    {"要介護者", R_CARE},
    {"要介護認定", R_CARE},
    {"要介護認定者", R_CARE},
    {"身体障がい", R_PHYSICAL},
    {"身体障碍", R_PHYSICAL},
    {"身体障害者", R_PHYSICAL},
    {"身体障がい者", R_PHYSICAL},
    {"身体障害者手帳", R_PHYSICAL},
    {"身障", R_PHYSICAL},
    {"肢体不自由", R_PHYSICAL},
    {"視覚障害", R_PHYSICAL},
    {"視覚障がい", R_PHYSICAL},
    {"聴覚障害", R_PHYSICAL},
    {"聴覚障がい", R_PHYSICAL},
    {"知的障がい", R_INTELLECTUAL},
    {"知的障碍", R_INTELLECTUAL},
    {"知的障害者", R_INTELLECTUAL},
    {"知的障がい者", R_INTELLECTUAL},
    {"療育手帳", R_INTELLECTUAL},
    {"精神障がい", R_MENTAL},
    {"精神障碍", R_MENTAL},
    {"精神障害者", R_MENTAL},
    {"精神障がい者", R_MENTAL},
    {"精神障害者保健福祉手帳", R_MENTAL},
    {"難病患者", R_INTRACTABLE},
    {"指定難病", R_INTRACTABLE},
    {"特定疾患", R_INTRACTABLE},
    {"ひとり暮らし高齢者", R_ELDERLY_ALONE},
    {"一人暮らし高齢者", R_ELDERLY_ALONE},
    {"独居高齢者", R_ELDERLY_ALONE},
    {"独居", R_ELDERLY_ALONE},
    {"単身高齢者", R_ELDERLY_ALONE},
    {"高齢者単身世帯", R_ELDERLY_ALONE},
    {"高齢単身", R_ELDERLY_ALONE},
    {"高齢者世帯", R_ELDERLY_ONLY},
    {"高齢者のみの世帯", R_ELDERLY_ONLY},
    {"高齢夫婦世帯", R_ELDERLY_ONLY},
    {"乳児", R_INFANT},
    {"幼児", R_INFANT},
    {"妊婦", R_PREGNANT},
    {"産婦", R_PREGNANT},
    {"日本語不自由", R_LANGUAGE},
    {"日本語が不自由な方", R_LANGUAGE},
    {"外国人", R_LANGUAGE},
    {"外国籍", R_LANGUAGE},
    {"外国人住民", R_LANGUAGE},
};

const struct er_reason *
er_value_reason_table(size_t *n)
{
	if (n)
		*n = N(reasons);
	return reasons;
}

/* Which reason a normalised, lower-cased item names; -1 when none. */
static int
reason_index(char *item)
{
	for (size_t i = 0; i < N(reasons); i++)
		if (strcmp(item, reasons[i].label) == 0)
			return (int)i;
	int v;
	if (lookup(item, reason_synonyms, N(reason_synonyms), &v) == 0)
		return v;
	/* 要介護1 .. 要介護5 */
	const char *p = item;
	if (starts(&p, "要介護") && is_digit(*p) && !p[1])
		return R_CARE;
	/* codes, also written with '-' or ' ' for '_' */
	for (char *c = item; *c; c++)
		if (*c == '-' || *c == ' ')
			*c = '_';
	for (size_t i = 0; i < N(reasons); i++)
		if (strcmp(item, reasons[i].code) == 0)
			return (int)i;
	return -1;
}

/* Length of the separator at p (';' ',' or '、'; the full-width '；' and
 * '，' are ASCII after normalisation), 0 when there is none. */
static size_t
separator(const char *p)
{
	if (*p == ';' || *p == ',')
		return 1;
	if (strncmp(p, "、", strlen("、")) == 0)
		return strlen("、");
	return 0;
}

int
er_value_reasons(const char *s, char *out, size_t outlen, const char **why)
{
	char buf[VALUE_MAX * 2];
	unsigned mask = 0;
	if (prep_word(s, buf, sizeof buf))
		return fail(why, "is too long");
	char *p = buf;
	while (*p) {
		char *q = p;
		size_t sl = 0;
		while (*q && !(sl = separator(q)))
			q++;
		char *next = *q ? q + sl : q;
		*q = '\0';
		er_value_normalise(p);
		if (*p) {
			int r = reason_index(p);
			if (r < 0)
				return fail(why, "is not a known need reason");
			mask |= 1u << r;
		}
		p = next;
	}
	size_t used = 0;
	if (outlen == 0)
		return fail(why, "is too long");
	out[0] = '\0';
	for (size_t i = 0; i < N(reasons); i++) {
		if (!(mask & (1u << i)))
			continue;
		size_t n = strlen(reasons[i].code);
		if (used + (used > 0) + n + 1 > outlen)
			return fail(why, "is too long");
		if (used > 0)
			out[used++] = ';';
		memcpy(out + used, reasons[i].code, n + 1);
		used += n;
	}
	return 0;
}

/* v as "%.7f" would print it, without printf's cost for the common
 * case: printf decides near a tie, for a negative zero and for huge
 * values. Returns the length. */
int
er_fmt_fixed7(char *out, size_t len, double v)
{
	double sv = v * 1e7;
	double frac = fabs(sv - trunc(sv));
	if (!(fabs(v) < 1e9) || fabs(frac - 0.5) < 1e-3)
		return snprintf(out, len, "%.7f", v);
	long long n = llrint(sv); /* not near a tie: either rounding agrees */
	if (n == 0 && signbit(v))
		return snprintf(out, len, "%.7f", v);
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n
	                             : (unsigned long long)n;
	char t[40];
	size_t i = sizeof t;
	for (int d = 0; d < 7; d++, u /= 10)
		t[--i] = (char)('0' + u % 10);
	t[--i] = '.';
	do
		t[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (n < 0)
		t[--i] = '-';
	size_t m = sizeof t - i;
	if (m >= len)
		return snprintf(out, len, "%.7f", v);
	memcpy(out, t + i, m);
	out[m] = '\0';
	return (int)m;
}
