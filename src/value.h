/* Parsers for the values found in municipal CSV exports. Each returns 0 on
 * success, -1 on an invalid value with a short reason in *why (static
 * string, e.g. "is not a date"). Input is UTF-8; surrounding spaces
 * (ASCII and U+3000) are ignored and full-width digits/letters accepted. */
#ifndef ER_SRC_VALUE_H
#define ER_SRC_VALUE_H

#include <stddef.h>

/* Dates: "1940-03-01", "1940/3/1", "19400301", "昭和15年3月1日",
 * "平成元年4月1日", "S15.3.1", "H1/4/1", "R2-5-1", "昭和１５年３月１日".
 * Checks the calendar and the era's span (昭和64年1月8日 is invalid).
 * Writes ISO "YYYY-MM-DD" into iso[11]. */
int er_value_date(const char *s, char iso[11], const char **why);
/* Also accepted: "1940年3月1日", "昭15.3.1", "S150301" (era then YYMMDD),
 * the 7-digit municipal form "3150301" (1 明治 .. 5 令和, then YYMMDD),
 * and the era ligatures ㍾ ㍽ ㍼ ㍻ ㋿. 明治 is accepted from 1868-01-01.
 * Reasons: "is empty", "is not a date", "is not a valid calendar date",
 * "is not a valid date in 昭和" (outside the era's span). */

/* 男/M/m/male/1 -> 'M'; 女/F/f/female/2 -> 'F'. Empty -> 0 (unknown). */
int er_value_sex(const char *s, char *out, const char **why);

/* yes: yes/y/1/同意/有/あり/はい/true; no: no/n/0/不同意/無/なし/拒否/いいえ/false;
 * unanswered: unanswered/未回答/未/空 (empty is unanswered). out: "yes",
 * "no", "unanswered" (static). */
int er_value_consent(const char *s, const char **out, const char **why);

/* active/転出/moved/死亡/deceased/施設入所/in_facility; empty -> active. */
int er_value_status(const char *s, const char **out, const char **why);

/* 1/0/有/無/あり/なし/yes/no/true/false/○/× -> 1/0. Empty is invalid. */
int er_value_bool(const char *s, int *out, const char **why);

/* A decimal number (full-width digits allowed). */
int er_value_double(const char *s, double *out, const char **why);
/* A non-negative integer, with optional thousands separators "1,234". */
int er_value_uint(const char *s, long *out, const char **why);

/* primary/主/正/1 -> "primary"; secondary/副/2 -> "secondary". */
int er_value_role(const char *s, const char **out, const char **why);

/* Need reasons: several codes or Japanese labels separated by ; or ；
 * or 、. Writes the normalised codes joined by ';' into out (size outlen),
 * sorted in the table's order, without duplicates. Unknown label -> -1. */
int er_value_reasons(const char *s, char *out, size_t outlen,
		     const char **why);

/* Mobility: walk/独歩/自立, cane/杖, wheelchair/車いす/車椅子,
 * bedridden/寝たきり, other/その他; empty -> "" (unknown). */
int er_value_mobility(const char *s, const char **out, const char **why);

/* The reason table, for help texts and exports. */
struct er_reason {
	const char *code;
	const char *label; /* Japanese label */
};
const struct er_reason *er_value_reason_table(size_t *n);

/* Normalises s in place: full-width ASCII (U+FF01..U+FF5E) to ASCII and
 * U+3000 to space, then trims spaces. Returns s. */
char *er_value_normalise(char *s);

/* Age in whole years on date today (both ISO), -1 if either is bad. */
int er_value_age(const char *birth_iso, const char *today_iso);

/* v as printf's "%.7f" writes it, faster (coordinates of KML files):
 * the same bytes, returns the length as snprintf does. */
int er_fmt_fixed7(char *out, size_t len, double v);

#endif
