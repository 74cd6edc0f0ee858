/* Unit tests for the value parsers: wareki and ISO dates, enumerations,
 * numbers and need reasons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "src/value.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct date_case {
	const char *in;
	const char *iso; /* NULL: refused */
	const char *why; /* expected reason when refused */
};

static void
check_dates(const struct date_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char iso[11] = "unchanged";
		const char *why = NULL;
		int r = er_value_date(cases[i].in, iso, &why);
		if (cases[i].iso) {
			if (r != 0 || strcmp(iso, cases[i].iso) != 0)
				fail_msg("\"%s\": expected %s, got %d %s (%s)",
				         cases[i].in, cases[i].iso, r, iso,
				         why ? why : "");
		} else {
			if (r != -1)
				fail_msg("\"%s\": expected refusal, got %s",
				         cases[i].in, iso);
			assert_non_null(why);
			if (cases[i].why && strcmp(why, cases[i].why) != 0)
				fail_msg("\"%s\": expected \"%s\", got \"%s\"",
				         cases[i].in, cases[i].why, why);
		}
	}
}

static void
test_date_iso(void **state)
{
	(void)state;
	static const struct date_case cases[] = {
	    {"1940-03-01", "1940-03-01", NULL},
	    {"1940/3/1", "1940-03-01", NULL},
	    {"1940/03/01", "1940-03-01", NULL},
	    {"1940.3.1", "1940-03-01", NULL},
	    {"1940-3-1", "1940-03-01", NULL},
	    {"19400301", "1940-03-01", NULL},
	    {"1940年3月1日", "1940-03-01", NULL},
	    {"1940 年 3 月 1 日", "1940-03-01", NULL},
	    {"  1940-03-01 ", "1940-03-01", NULL},
	    {"\xe3\x80\x80"
	     "1940-03-01\t",
	     "1940-03-01", NULL},
	    /* full-width digits and separators */
	    {"１９４０－０３－０１", "1940-03-01", NULL},
	    {"１９４０／３／１", "1940-03-01", NULL},
	    {"１９４００３０１", "1940-03-01", NULL},
	    {"2024-12-31", "2024-12-31", NULL},
	    {"2100-01-01", "2100-01-01", NULL},
	    /* malformed */
	    {"", NULL, "is empty"},
	    {"   ", NULL, "is empty"},
	    {NULL, NULL, "is empty"},
	    {"abc", NULL, "is not a date"},
	    {"1940-03", NULL, "is not a date"},
	    {"1940-03-01x", NULL, "is not a date"},
	    {"1940-03/01", NULL, "is not a date"},
	    {"1940--03-01", NULL, "is not a date"},
	    {"1940-003-01", NULL, "is not a date"},
	    {"40-03-01", NULL, "is not a date"},
	    {"01940-03-01", NULL, "is not a date"},
	    {"1940-03-01 12:00", NULL, "is not a date"},
	    {"194003011", NULL, "is not a date"},
	    /* 7 digits are the municipal era form: 明治94年 */
	    {"1940301", NULL, "is not a valid date in 明治"},
	    {"1940年3月1", NULL, "is not a date"},
	    {"1940年3月", NULL, "is not a date"},
	    {"May 1 1940", NULL, "is not a date"},
	    {"-1940-03-01", NULL, "is not a date"},
	    /* calendar */
	    {"1940-13-01", NULL, "is not a valid calendar date"},
	    {"1940-00-01", NULL, "is not a valid calendar date"},
	    {"1940-01-00", NULL, "is not a valid calendar date"},
	    {"1940-01-32", NULL, "is not a valid calendar date"},
	    {"1940-04-31", NULL, "is not a valid calendar date"},
	    {"1940-02-30", NULL, "is not a valid calendar date"},
	    {"19401301", NULL, "is not a valid calendar date"},
	    {"0000-01-01", NULL, "is not a valid calendar date"},
	};
	check_dates(cases, N(cases));
}

static void
test_date_leap(void **state)
{
	(void)state;
	static const struct date_case cases[] = {
	    {"2000-02-29", "2000-02-29", NULL},
	    {"1996-02-29", "1996-02-29", NULL},
	    {"2024/2/29", "2024-02-29", NULL},
	    {"1900-02-29", NULL, "is not a valid calendar date"},
	    {"2100-02-29", NULL, "is not a valid calendar date"},
	    {"2023-02-29", NULL, "is not a valid calendar date"},
	    {"1900-02-28", "1900-02-28", NULL},
	    {"平成12年2月29日", "2000-02-29", NULL},
	    {"H12.2.29", "2000-02-29", NULL},
	    {"昭和15年2月29日", "1940-02-29", NULL},
	    {"昭和50年2月29日", NULL, "is not a valid calendar date"},
	    {"令和6年2月29日", "2024-02-29", NULL},
	    {"R5.2.29", NULL, "is not a valid calendar date"},
	    {"明治33年2月29日", NULL, "is not a valid calendar date"},
	    {"明治37年2月29日", "1904-02-29", NULL},
	};
	check_dates(cases, N(cases));
}

static void
test_date_wareki_forms(void **state)
{
	(void)state;
	static const struct date_case cases[] = {
	    {"昭和15年3月1日", "1940-03-01", NULL},
	    {"昭和１５年３月１日", "1940-03-01", NULL},
	    {"昭和 15 年 3 月 1 日", "1940-03-01", NULL},
	    {"昭和15年03月01日", "1940-03-01", NULL},
	    {"平成元年4月1日", "1989-04-01", NULL},
	    {"平成1年4月1日", "1989-04-01", NULL},
	    {"令和元年5月1日", "2019-05-01", NULL},
	    {"S15.3.1", "1940-03-01", NULL},
	    {"s15.03.01", "1940-03-01", NULL},
	    {"Ｓ１５．３．１", "1940-03-01", NULL},
	    {"ｓ１５．３．１", "1940-03-01", NULL},
	    {"H1/4/1", "1989-04-01", NULL},
	    {"h01/04/01", "1989-04-01", NULL},
	    {"R2-5-1", "2020-05-01", NULL},
	    {"r2-5-1", "2020-05-01", NULL},
	    {"M45.7.29", "1912-07-29", NULL},
	    {"T1.7.30", "1912-07-30", NULL},
	    {"T15.12.24", "1926-12-24", NULL},
	    {"昭和15.3.1", "1940-03-01", NULL},
	    {"昭和15/3/1", "1940-03-01", NULL},
	    {"平成元.4.1", "1989-04-01", NULL},
	    {"H元.4.1", "1989-04-01", NULL},
	    {"昭15.3.1", "1940-03-01", NULL},
	    {"S 15.3.1", "1940-03-01", NULL},
	    {"S150301", "1940-03-01", NULL},
	    {"H010401", "1989-04-01", NULL},
	    /* ligature era names */
	    {"\u337C"
	     "15年3月1日",
	     "1940-03-01", NULL},
	    {"\u32FF"
	     "元年5月1日",
	     "2019-05-01", NULL},
	    /* 7-digit municipal form: era number then YYMMDD */
	    {"3150301", "1940-03-01", NULL},
	    {"4010401", "1989-04-01", NULL},
	    {"5020501", "2020-05-01", NULL},
	    {"1450729", "1912-07-29", NULL},
	    {"2010730", "1912-07-30", NULL},
	    {"6150301", NULL, "is not a date"},
	    {"0150301", NULL, "is not a date"},
	    /* malformed */
	    {"昭和", NULL, "is not a date"},
	    {"昭和15年", NULL, "is not a date"},
	    {"昭和15年3月", NULL, "is not a date"},
	    {"昭和15年3月1", NULL, "is not a date"},
	    {"昭和十五年三月一日", NULL, "is not a date"},
	    {"S15.3/1", NULL, "is not a date"},
	    {"S15.3", NULL, "is not a date"},
	    {"S15.3.1.", NULL, "is not a date"},
	    {"S1503011", NULL, "is not a date"},
	    {"X15.3.1", NULL, "is not a date"},
	    {"S.15.3.1", NULL, "is not a date"},
	    {"S15.3.001", NULL, "is not a date"},
	    {"S1234.3.1", NULL, "is not a date"},
	    {"昭和元", NULL, "is not a date"},
	    {"元年4月1日", NULL, "is not a date"},
	    {"Showa 15.3.1", NULL, "is not a date"},
	    /* calendar within an era */
	    {"昭和15年2月30日", NULL, "is not a valid calendar date"},
	    {"S15.13.1", NULL, "is not a valid calendar date"},
	    {"S15.4.31", NULL, "is not a valid calendar date"},
	    {"S15.0.1", NULL, "is not a valid calendar date"},
	};
	check_dates(cases, N(cases));
}

static void
test_date_era_boundaries(void **state)
{
	(void)state;
	static const struct date_case cases[] = {
	    /* 明治: accepted from 1868-01-01 */
	    {"明治元年1月1日", "1868-01-01", NULL},
	    {"明治元年10月23日", "1868-10-23", NULL},
	    {"明治45年7月29日", "1912-07-29", NULL},
	    {"明治45年7月30日", NULL, "is not a valid date in 明治"},
	    {"明治46年1月1日", NULL, "is not a valid date in 明治"},
	    {"明治0年1月1日", NULL, "is not a valid date in 明治"},
	    /* 大正: 1912-07-30 .. 1926-12-24 */
	    {"大正元年7月29日", NULL, "is not a valid date in 大正"},
	    {"大正元年7月30日", "1912-07-30", NULL},
	    {"大正15年12月24日", "1926-12-24", NULL},
	    {"大正15年12月25日", NULL, "is not a valid date in 大正"},
	    /* 昭和: 1926-12-25 .. 1989-01-07 */
	    {"昭和元年12月24日", NULL, "is not a valid date in 昭和"},
	    {"昭和元年12月25日", "1926-12-25", NULL},
	    {"昭和64年1月7日", "1989-01-07", NULL},
	    {"昭和64年1月8日", NULL, "is not a valid date in 昭和"},
	    {"S64.1.8", NULL, "is not a valid date in 昭和"},
	    {"昭和65年1月1日", NULL, "is not a valid date in 昭和"},
	    {"昭和0年1月1日", NULL, "is not a valid date in 昭和"},
	    {"S00.1.1", NULL, "is not a valid date in 昭和"},
	    /* 平成: 1989-01-08 .. 2019-04-30 */
	    {"平成元年1月7日", NULL, "is not a valid date in 平成"},
	    {"平成元年1月8日", "1989-01-08", NULL},
	    {"平成31年4月30日", "2019-04-30", NULL},
	    {"平成31年5月1日", NULL, "is not a valid date in 平成"},
	    {"H31.5.1", NULL, "is not a valid date in 平成"},
	    {"平成100年1月1日", NULL, "is not a valid date in 平成"},
	    /* 令和: from 2019-05-01 */
	    {"令和元年4月30日", NULL, "is not a valid date in 令和"},
	    {"令和元年5月1日", "2019-05-01", NULL},
	    {"R1.5.1", "2019-05-01", NULL},
	    {"令和99年12月31日", "2117-12-31", NULL},
	};
	check_dates(cases, N(cases));
}

static void
test_date_null_why(void **state)
{
	(void)state;
	char iso[11];
	/* why may be NULL */
	assert_int_equal(er_value_date("nope", iso, NULL), -1);
	assert_int_equal(er_value_date("S15.3.1", iso, NULL), 0);
	assert_string_equal(iso, "1940-03-01");
	/* too long is refused, not truncated */
	char big[2048];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	const char *why = NULL;
	assert_int_equal(er_value_date(big, iso, &why), -1);
	assert_string_equal(why, "is not a date");
}

static void
test_age(void **state)
{
	(void)state;
	assert_int_equal(er_value_age("1940-03-01", "2024-02-29"), 83);
	assert_int_equal(er_value_age("1940-03-01", "2024-03-01"), 84);
	assert_int_equal(er_value_age("2000-02-29", "2023-02-28"), 22);
	assert_int_equal(er_value_age("2000-02-29", "2023-03-01"), 23);
	assert_int_equal(er_value_age("2000-02-29", "2024-02-29"), 24);
	assert_int_equal(er_value_age("2024-05-01", "2024-05-01"), 0);
	assert_int_equal(er_value_age("2024-05-02", "2024-05-01"), -1);
	assert_int_equal(er_value_age("1940-02-30", "2024-05-01"), -1);
	assert_int_equal(er_value_age("1940/03/01", "2024-05-01"), -1);
	assert_int_equal(er_value_age("1940-03-01", "today"), -1);
	assert_int_equal(er_value_age(NULL, "2024-05-01"), -1);
	assert_int_equal(er_value_age("1940-03-01", NULL), -1);
}

static void
test_sex(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		char out;
	} ok[] = {
	    {"男", 'M'},   {"男性", 'M'}, {"M", 'M'},      {"m", 'M'},
	    {"male", 'M'}, {"Male", 'M'}, {"1", 'M'},      {"１", 'M'},
	    {"Ｍ", 'M'},   {" 男 ", 'M'}, {"女", 'F'},     {"女性", 'F'},
	    {"F", 'F'},    {"f", 'F'},    {"FEMALE", 'F'}, {"2", 'F'},
	    {"２", 'F'},   {"", 0},       {"　", 0},       {NULL, 0},
	};
	for (size_t i = 0; i < N(ok); i++) {
		char out = 'x';
		const char *why = NULL;
		if (er_value_sex(ok[i].in, &out, &why) != 0 || out != ok[i].out)
			fail_msg("\"%s\"", ok[i].in ? ok[i].in : "(null)");
	}
	static const char *const bad[] = {"3", "0", "X", "男女", "man", "-"};
	for (size_t i = 0; i < N(bad); i++) {
		char out = 'x';
		const char *why = NULL;
		assert_int_equal(er_value_sex(bad[i], &out, &why), -1);
		assert_string_equal(why, "is not one of 男, 女, M, F, 1, 2");
		assert_int_equal(out, 'x');
	}
}

struct word_case {
	const char *in;
	const char *out;
};

static void
check_words(int (*fn)(const char *, const char **, const char **),
            const struct word_case *ok, size_t nok, const char *const *bad,
            size_t nbad, const char *bad_why)
{
	for (size_t i = 0; i < nok; i++) {
		const char *out = NULL, *why = NULL;
		int r = fn(ok[i].in, &out, &why);
		if (r != 0 || !out || strcmp(out, ok[i].out) != 0)
			fail_msg("\"%s\": expected %s, got %d %s (%s)",
			         ok[i].in ? ok[i].in : "(null)", ok[i].out, r,
			         out ? out : "(null)", why ? why : "");
	}
	for (size_t i = 0; i < nbad; i++) {
		const char *out = "unchanged", *why = NULL;
		if (fn(bad[i], &out, &why) != -1)
			fail_msg("\"%s\": expected refusal, got %s", bad[i],
			         out);
		assert_string_equal(out, "unchanged");
		assert_string_equal(why, bad_why);
	}
}

static void
test_consent(void **state)
{
	(void)state;
	static const struct word_case ok[] = {
	    {"yes", "yes"},
	    {"YES", "yes"},
	    {"y", "yes"},
	    {"1", "yes"},
	    {"同意", "yes"},
	    {"有", "yes"},
	    {"あり", "yes"},
	    {"はい", "yes"},
	    {"true", "yes"},
	    {"ｙｅｓ", "yes"},
	    {"no", "no"},
	    {"N", "no"},
	    {"0", "no"},
	    {"不同意", "no"},
	    {"無", "no"},
	    {"なし", "no"},
	    {"拒否", "no"},
	    {"いいえ", "no"},
	    {"False", "no"},
	    {"unanswered", "unanswered"},
	    {"未回答", "unanswered"},
	    {"未", "unanswered"},
	    {"空", "unanswered"},
	    {"", "unanswered"},
	    {"  ", "unanswered"},
	    {NULL, "unanswered"},
	};
	static const char *const bad[] = {"2", "maybe", "同意しない?", "-"};
	check_words(er_value_consent, ok, N(ok), bad, N(bad),
	            "is not one of 同意, 不同意, 未回答 (yes, no, unanswered)");
}

static void
test_status(void **state)
{
	(void)state;
	static const struct word_case ok[] = {
	    {"active", "active"},
	    {"ACTIVE", "active"},
	    {"在住", "active"},
	    {"", "active"},
	    {NULL, "active"},
	    {"転出", "moved"},
	    {"moved", "moved"},
	    {"死亡", "deceased"},
	    {"deceased", "deceased"},
	    {"施設入所", "in_facility"},
	    {"入所", "in_facility"},
	    {"in_facility", "in_facility"},
	    {"IN_FACILITY", "in_facility"},
	};
	static const char *const bad[] = {"転居", "dead", "1", "in facility"};
	check_words(er_value_status, ok, N(ok), bad, N(bad),
	            "is not one of 転出, 死亡, 施設入所 (active, moved, "
	            "deceased, in_facility)");
}

static void
test_role(void **state)
{
	(void)state;
	static const struct word_case ok[] = {
	    {"primary", "primary"},     {"Primary", "primary"},
	    {"主", "primary"},          {"正", "primary"},
	    {"1", "primary"},           {"１", "primary"},
	    {"secondary", "secondary"}, {"副", "secondary"},
	    {"2", "secondary"},         {" 副 ", "secondary"},
	};
	static const char *const bad[] = {"", "3", "main", "主副"};
	check_words(er_value_role, ok, N(ok), bad, N(bad),
	            "is not one of 主, 副, primary, secondary");
}

static void
test_mobility(void **state)
{
	(void)state;
	static const struct word_case ok[] = {
	    {"walk", "walk"},
	    {"独歩", "walk"},
	    {"自立", "walk"},
	    {"cane", "cane"},
	    {"杖", "cane"},
	    {"wheelchair", "wheelchair"},
	    {"車いす", "wheelchair"},
	    {"車椅子", "wheelchair"},
	    {"WheelChair", "wheelchair"},
	    {"bedridden", "bedridden"},
	    {"寝たきり", "bedridden"},
	    {"other", "other"},
	    {"その他", "other"},
	    {"", ""},
	    {NULL, ""},
	};
	static const char *const bad[] = {"run", "1", "歩行器"};
	check_words(er_value_mobility, ok, N(ok), bad, N(bad),
	            "is not one of 独歩, 杖, 車いす, 寝たきり, その他");
}

static void
test_bool(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int out;
	} ok[] = {
	    {"1", 1},    {"有", 1},   {"あり", 1}, {"yes", 1},   {"YES", 1},
	    {"true", 1}, {"○", 1},    {"◯", 1},    {"１", 1},    {"0", 0},
	    {"無", 0},   {"なし", 0}, {"no", 0},   {"false", 0}, {"×", 0},
	    {"０", 0},   {" 有 ", 1},
	};
	for (size_t i = 0; i < N(ok); i++) {
		int out = -1;
		const char *why = NULL;
		if (er_value_bool(ok[i].in, &out, &why) != 0 ||
		    out != ok[i].out)
			fail_msg("\"%s\"", ok[i].in);
	}
	const char *why = NULL;
	int out = 7;
	assert_int_equal(er_value_bool("", &out, &why), -1);
	assert_string_equal(why, "is empty");
	assert_int_equal(er_value_bool(NULL, &out, &why), -1);
	assert_string_equal(why, "is empty");
	assert_int_equal(er_value_bool("2", &out, &why), -1);
	assert_string_equal(why, "is not one of 1, 0, 有, 無, ○, ×, yes, no");
	assert_int_equal(er_value_bool("maybe", &out, &why), -1);
	assert_int_equal(out, 7);
}

static void
test_double(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		double out;
	} ok[] = {
	    {"0", 0.0},
	    {"42", 42.0},
	    {"-1.5", -1.5},
	    {"+2.25", 2.25},
	    {".5", 0.5},
	    {"5.", 5.0},
	    {"141.6036", 141.6036},
	    {"１４１．６", 141.6},
	    {"－３", -3.0},
	    {" 42.5 ", 42.5},
	    {"1e3", 1000.0},
	    {"2.5E-2", 0.025},
	    {"1e-400", 0.0},
	};
	for (size_t i = 0; i < N(ok); i++) {
		double out = -99;
		const char *why = NULL;
		if (er_value_double(ok[i].in, &out, &why) != 0)
			fail_msg("\"%s\": %s", ok[i].in, why);
		assert_float_equal(out, ok[i].out, 1e-12);
	}
	static const struct {
		const char *in;
		const char *why;
	} bad[] = {
	    {"", "is empty"},
	    {NULL, "is empty"},
	    {"abc", "is not a number"},
	    {".", "is not a number"},
	    {"-", "is not a number"},
	    {"1.2.3", "is not a number"},
	    {"1,5", "is not a number"},
	    {"0x10", "is not a number"},
	    {"inf", "is not a number"},
	    {"nan", "is not a number"},
	    {"1e", "is not a number"},
	    {"1e+", "is not a number"},
	    {"1 2", "is not a number"},
	    {"--1", "is not a number"},
	    {"1e999", "is out of range"},
	    {"-1e999", "is out of range"},
	};
	for (size_t i = 0; i < N(bad); i++) {
		double out = -99;
		const char *why = NULL;
		if (er_value_double(bad[i].in, &out, &why) != -1)
			fail_msg("\"%s\" accepted", bad[i].in);
		assert_string_equal(why, bad[i].why);
		assert_float_equal(out, -99, 0);
	}
}

static void
test_uint(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		long out;
	} ok[] = {
	    {"0", 0},
	    {"7", 7},
	    {"007", 7},
	    {"+12", 12},
	    {"1234", 1234},
	    {"1,234", 1234},
	    {"12,345,678", 12345678},
	    {"１，２３４", 1234},
	    {"１２", 12},
	    {" 99 ", 99},
	    {"9223372036854775807", 9223372036854775807L},
	};
	for (size_t i = 0; i < N(ok); i++) {
		long out = -99;
		const char *why = NULL;
		if (er_value_uint(ok[i].in, &out, &why) != 0)
			fail_msg("\"%s\": %s", ok[i].in, why);
		assert_int_equal(out, ok[i].out);
	}
	static const struct {
		const char *in;
		const char *why;
	} bad[] = {
	    {"", "is empty"},
	    {NULL, "is empty"},
	    {"-1", "is not a non-negative integer"},
	    {"1.5", "is not a non-negative integer"},
	    {"12,34", "is not a non-negative integer"},
	    {"1234,567", "is not a non-negative integer"},
	    {"1,2345", "is not a non-negative integer"},
	    {"1,,234", "is not a non-negative integer"},
	    {",123", "is not a non-negative integer"},
	    {"123,", "is not a non-negative integer"},
	    {"1 234", "is not a non-negative integer"},
	    {"abc", "is not a non-negative integer"},
	    {"+", "is not a non-negative integer"},
	    {"9223372036854775808", "is out of range"},
	    {"99999999999999999999", "is out of range"},
	};
	for (size_t i = 0; i < N(bad); i++) {
		long out = -99;
		const char *why = NULL;
		if (er_value_uint(bad[i].in, &out, &why) != -1)
			fail_msg("\"%s\" accepted", bad[i].in);
		assert_string_equal(why, bad[i].why);
		assert_int_equal(out, -99);
	}
}

static void
test_reason_table(void **state)
{
	(void)state;
	size_t n = 0;
	const struct er_reason *t = er_value_reason_table(&n);
	assert_non_null(t);
	assert_true(n >= 11);
	static const char *const codes[] = {
	    "care",        "physical",      "intellectual", "mental",
	    "intractable", "elderly_alone", "elderly_only", "infant",
	    "pregnant",    "language",      "other",
	};
	for (size_t i = 0; i < N(codes); i++) {
		size_t j = 0;
		while (j < n && strcmp(t[j].code, codes[i]) != 0)
			j++;
		if (j == n)
			fail_msg("no reason %s", codes[i]);
		assert_true(strlen(t[j].label) > 0);
		/* every code and label parses back to itself */
		char out[64];
		const char *why = NULL;
		assert_int_equal(
		    er_value_reasons(t[j].code, out, sizeof out, &why), 0);
		assert_string_equal(out, codes[i]);
		assert_int_equal(
		    er_value_reasons(t[j].label, out, sizeof out, &why), 0);
		assert_string_equal(out, codes[i]);
	}
	assert_non_null(er_value_reason_table(NULL));
}

static void
test_reasons(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *out;
	} ok[] = {
	    {"care", "care"},
	    {"CARE", "care"},
	    {"Elderly_Alone", "elderly_alone"},
	    {"elderly-alone", "elderly_alone"},
	    {"要介護", "care"},
	    {"要介護認定", "care"},
	    {"要介護3", "care"},
	    {"要介護３", "care"},
	    {"身体障害", "physical"},
	    {"身体障がい", "physical"},
	    {"身体障害者手帳", "physical"},
	    {"視覚障害", "physical"},
	    {"知的障害", "intellectual"},
	    {"療育手帳", "intellectual"},
	    {"精神障害", "mental"},
	    {"精神障がい", "mental"},
	    {"難病", "intractable"},
	    {"高齢者単身", "elderly_alone"},
	    {"ひとり暮らし高齢者", "elderly_alone"},
	    {"独居高齢者", "elderly_alone"},
	    {"高齢者のみ世帯", "elderly_only"},
	    {"乳幼児", "infant"},
	    {"妊産婦", "pregnant"},
	    {"日本語が不自由", "language"},
	    {"外国人", "language"},
	    {"その他", "other"},
	    /* several, in table order, without duplicates */
	    {"physical;care", "care;physical"},
	    {"身体障害；要介護", "care;physical"},
	    {"身体障害、要介護、身体障がい", "care;physical"},
	    {"other, infant ,care", "care;infant;other"},
	    {"ｃａｒｅ；ｍｅｎｔａｌ", "care;mental"},
	    {" 要介護 ; ; 難病 ;", "care;intractable"},
	    {"care;care;CARE", "care"},
	    {"other;language;pregnant;infant;elderly_only;elderly_alone;"
	     "intractable;mental;intellectual;physical;care",
	     "care;physical;intellectual;mental;intractable;elderly_alone;"
	     "elderly_only;infant;pregnant;language;other"},
	    {"", ""},
	    {"  ", ""},
	    {NULL, ""},
	    {";", ""},
	};
	for (size_t i = 0; i < N(ok); i++) {
		char out[256];
		const char *why = NULL;
		if (er_value_reasons(ok[i].in, out, sizeof out, &why) != 0)
			fail_msg("\"%s\": %s", ok[i].in ? ok[i].in : "(null)",
			         why);
		if (strcmp(out, ok[i].out) != 0)
			fail_msg("\"%s\": expected %s, got %s", ok[i].in,
			         ok[i].out, out);
	}
	static const char *const bad[] = {
	    "unknown",       "care;unknown", "要介護;不明",
	    "care physical", "要介護10",     "要支援",
	};
	for (size_t i = 0; i < N(bad); i++) {
		char out[256];
		const char *why = NULL;
		if (er_value_reasons(bad[i], out, sizeof out, &why) != -1)
			fail_msg("\"%s\" accepted as %s", bad[i], out);
		assert_string_equal(why, "is not a known need reason");
	}
	/* the output must fit */
	char small[8];
	const char *why = NULL;
	assert_int_equal(er_value_reasons("care", small, sizeof small, &why),
	                 0);
	assert_string_equal(small, "care");
	assert_int_equal(
	    er_value_reasons("care;physical", small, sizeof small, &why), -1);
	assert_int_equal(er_value_reasons("care", small, 4, &why), -1);
	assert_int_equal(er_value_reasons("care", small, 0, &why), -1);
}

static void
test_normalise(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
	    {"", ""},
	    {"abc", "abc"},
	    {"  abc  ", "abc"},
	    {"\t a b \r\n", "a b"},
	    {"\xe3\x80\x80氏名\xe3\x80\x80", "氏名"},
	    {"山田\xe3\x80\x80太郎", "山田 太郎"},
	    {"ＡＢＣ１２３ｘｙｚ", "ABC123xyz"},
	    {"！～", "!~"},
	    {"＠［｀｛", "@[`{"},
	    {"＿", "_"},
	    /* outside U+FF01..U+FF5E: unchanged */
	    {"ｱｲｳ", "ｱｲｳ"},
	    {"\xef\xbd\x9f", "\xef\xbd\x9f"},
	    {"\xef\xbc\x80", "\xef\xbc\x80"},
	    {"　　", ""},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char buf[128];
		snprintf(buf, sizeof buf, "%s", cases[i].in);
		assert_ptr_equal(er_value_normalise(buf), buf);
		assert_string_equal(buf, cases[i].out);
	}
}

/* er_fmt_fixed7 writes what printf's "%.7f" writes: ties, negative
 * zero, huge values, and a million coordinates */
static void
test_fixed7(void **state)
{
	(void)state;
	static const double fixed[] = {
	    0.0, -0.0, 1.0, -1.0, 141.6, 42.6, 0.00000005, -0.00000005,
	    0.00000015, 0.00000025, 2.5e-8, -1e-12, 123.45678905,
	    99.99999995, 1e9, -1e9, 1e300, INFINITY, -INFINITY, NAN,
	    141.57576265, 42.63251395};
	char a[64], b[64];
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		int n = er_fmt_fixed7(a, sizeof a, fixed[i]);
		int m = snprintf(b, sizeof b, "%.7f", fixed[i]);
		assert_string_equal(a, b);
		assert_int_equal(n, m);
	}
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 1000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double v = (double)(x % 3600000000000ULL) / 1e10 - 180.0;
		if (i % 3 == 0) /* exactly 8 decimals: half of them ties */
			v = (double)((int64_t)(x % 3600000000ULL) - 1800000000) /
			    1e7 + 5e-8;
		er_fmt_fixed7(a, sizeof a, v);
		snprintf(b, sizeof b, "%.7f", v);
		assert_string_equal(a, b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_date_iso),
	    cmocka_unit_test(test_date_leap),
	    cmocka_unit_test(test_date_wareki_forms),
	    cmocka_unit_test(test_date_era_boundaries),
	    cmocka_unit_test(test_date_null_why),
	    cmocka_unit_test(test_age),
	    cmocka_unit_test(test_sex),
	    cmocka_unit_test(test_consent),
	    cmocka_unit_test(test_status),
	    cmocka_unit_test(test_role),
	    cmocka_unit_test(test_mobility),
	    cmocka_unit_test(test_bool),
	    cmocka_unit_test(test_double),
	    cmocka_unit_test(test_uint),
	    cmocka_unit_test(test_reason_table),
	    cmocka_unit_test(test_reasons),
	    cmocka_unit_test(test_normalise),
	    cmocka_unit_test(test_fixed7),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
