/* RFC 4180 CSV reader with encoding detection (UTF-8, UTF-8 BOM, CP932). */
#ifndef ER_SRC_CSV_H
#define ER_SRC_CSV_H

#include <stddef.h>

#include <evacreg/error.h>

enum er_encoding {
	ER_ENC_AUTO = 0, /* UTF-8 (with or without BOM) if valid, else CP932 */
	ER_ENC_UTF8,
	ER_ENC_CP932,
};

/* Parses "utf-8", "utf8", "cp932", "shift_jis", "sjis", "auto"
 * (case-insensitive). Returns -1 when unknown. */
int er_encoding_parse(const char *name);

struct er_csv;

/* Opens path, decodes it to UTF-8 in memory (CP932 through iconv "CP932"),
 * strips a BOM. Errors: ER_EIO (cannot read; where = path), ER_EPARSE
 * (bytes invalid in the chosen/detected encoding; where =
 * "path:line:column"). Caller closes with er_csv_close(). */
struct er_csv *er_csv_open(const char *path, enum er_encoding enc,
			   struct er_error *err);
/* Same, from memory (for tests and fuzzing). path names it in messages. */
struct er_csv *er_csv_open_mem(const char *path, const char *data, size_t len,
			       enum er_encoding enc, struct er_error *err);
void er_csv_close(struct er_csv *csv);

/* The encoding that was used (never ER_ENC_AUTO after open). */
enum er_encoding er_csv_encoding(const struct er_csv *csv);
/* Whether a UTF-8 BOM was found. */
int er_csv_had_bom(const struct er_csv *csv);

/* Reads the next record. Returns 1 with a record, 0 at end of file, -1 on a
 * malformed record (err: ER_EPARSE, where = "path:line:column", e.g. a
 * quote inside an unquoted field, text after a closing quote, an
 * unterminated quoted field). Empty lines are skipped. Fields are
 * borrowed until the next call. Both CRLF and LF end records; newlines
 * inside quoted fields are kept as they are (CRLF becomes LF). */
int er_csv_next(struct er_csv *csv, struct er_error *err);
size_t er_csv_nfields(const struct er_csv *csv);
const char *er_csv_field(const struct er_csv *csv, size_t i); /* NUL-ended */
/* 1-based physical line where the current record starts, and where field i
 * starts (line, column in characters counted from 1). */
unsigned er_csv_line(const struct er_csv *csv);
void er_csv_field_pos(const struct er_csv *csv, size_t i, unsigned *line,
		      unsigned *column);
/* The raw text of the current record, as decoded UTF-8 (for reject files,
 * which are written in UTF-8). Borrowed until the next call. */
const char *er_csv_raw(const struct er_csv *csv, size_t *len);

/* After er_csv_next() returns -1 for a malformed record, er_csv_raw() holds
 * the record's text up to the end of the line where the error was found
 * (to the end of the file for an unterminated quoted field, whose error is
 * reported where its quote opens), and the next call resumes on the
 * following line. A lone CR also ends a line; inside a quoted field it
 * becomes LF like CRLF. NUL bytes and UTF-16 input are refused at open
 * with ER_EPARSE. */

/* Writes one CSV field to f, quoting when it holds , " CR or LF. */
#include <stdio.h>
void er_csv_write_field(FILE *f, const char *s);

#endif
