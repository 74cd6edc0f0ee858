/* Unit tests for the CSV reader: encodings, quoting, positions, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <evacreg/error.h>

#include "src/alloc.h"
#include "src/csv.h"

static struct er_csv *
open_str(const char *s, enum er_encoding enc, struct er_error *err)
{
	er_error_clear(err);
	return er_csv_open_mem("t.csv", s, strlen(s), enc, err);
}

/* Reads the next record and checks its fields, given as one string with
 * fields separated by '|'. */
static void
expect_record(struct er_csv *csv, const char *fields)
{
	struct er_error err;
	er_error_clear(&err);
	int r = er_csv_next(csv, &err);
	if (r != 1)
		fail_msg("expected a record, got %d (%s: %s)", r, err.where,
		         err.message);
	size_t i = 0;
	const char *p = fields;
	for (;;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		assert_true(i < er_csv_nfields(csv));
		const char *f = er_csv_field(csv, i);
		assert_non_null(f);
		if (strlen(f) != n || memcmp(f, p, n) != 0)
			fail_msg("field %zu: expected \"%.*s\", got \"%s\"", i,
			         (int)n, p, f);
		i++;
		if (!bar)
			break;
		p = bar + 1;
	}
	assert_int_equal(er_csv_nfields(csv), i);
	assert_null(er_csv_field(csv, i));
}

static void
expect_end(struct er_csv *csv)
{
	struct er_error err;
	assert_int_equal(er_csv_next(csv, &err), 0);
	assert_int_equal(er_csv_nfields(csv), 0);
	/* and it stays at the end */
	assert_int_equal(er_csv_next(csv, &err), 0);
}

static void
expect_error(struct er_csv *csv, const char *where, const char *message)
{
	struct er_error err;
	er_error_clear(&err);
	assert_int_equal(er_csv_next(csv, &err), -1);
	assert_int_equal(err.code, ER_EPARSE);
	assert_string_equal(err.where, where);
	assert_string_equal(err.message, message);
	assert_int_equal(er_csv_nfields(csv), 0);
}

static void
expect_pos(struct er_csv *csv, size_t i, unsigned line, unsigned column)
{
	unsigned l, c;
	er_csv_field_pos(csv, i, &l, &c);
	assert_int_equal(l, line);
	assert_int_equal(c, column);
}

static void
expect_open_error(const char *data, size_t len, enum er_encoding enc,
                  const char *where, const char *message_part)
{
	struct er_error err;
	er_error_clear(&err);
	struct er_csv *csv = er_csv_open_mem("t.csv", data, len, enc, &err);
	assert_null(csv);
	assert_int_equal(err.code, ER_EPARSE);
	assert_string_equal(err.where, where);
	if (!strstr(err.message, message_part))
		fail_msg("message \"%s\" lacks \"%s\"", err.message,
		         message_part);
}

#define OPEN_ERROR(lit, enc, where, part)                                      \
	expect_open_error(lit, sizeof(lit) - 1, enc, where, part)

static void
test_encoding_parse(void **state)
{
	(void)state;
	assert_int_equal(er_encoding_parse("auto"), ER_ENC_AUTO);
	assert_int_equal(er_encoding_parse("UTF-8"), ER_ENC_UTF8);
	assert_int_equal(er_encoding_parse("utf8"), ER_ENC_UTF8);
	assert_int_equal(er_encoding_parse("cp932"), ER_ENC_CP932);
	assert_int_equal(er_encoding_parse("CP932"), ER_ENC_CP932);
	assert_int_equal(er_encoding_parse("Shift_JIS"), ER_ENC_CP932);
	assert_int_equal(er_encoding_parse("sjis"), ER_ENC_CP932);
	assert_int_equal(er_encoding_parse("windows-31j"), ER_ENC_CP932);
	assert_int_equal(er_encoding_parse("latin1"), -1);
	assert_int_equal(er_encoding_parse(""), -1);
	assert_int_equal(er_encoding_parse(NULL), -1);
}

static void
test_basic_utf8(void **state)
{
	(void)state;
	struct er_error err;
	struct er_csv *csv = open_str("a,b,c\n1,2,3\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	assert_int_equal(er_csv_encoding(csv), ER_ENC_UTF8);
	assert_false(er_csv_had_bom(csv));
	expect_record(csv, "a|b|c");
	assert_int_equal(er_csv_line(csv), 1);
	expect_pos(csv, 0, 1, 1);
	expect_pos(csv, 1, 1, 3);
	expect_pos(csv, 2, 1, 5);
	expect_record(csv, "1|2|3");
	assert_int_equal(er_csv_line(csv), 2);
	expect_end(csv);
	er_csv_close(csv);
}

static void
test_bom(void **state)
{
	(void)state;
	struct er_error err;
	struct er_csv *csv = open_str("\xEF\xBB\xBF氏名,住所\r\n山田,札幌\r\n",
	                              ER_ENC_AUTO, &err);
	assert_non_null(csv);
	assert_int_equal(er_csv_encoding(csv), ER_ENC_UTF8);
	assert_true(er_csv_had_bom(csv));
	expect_record(csv, "氏名|住所");
	expect_pos(csv, 0, 1, 1);
	expect_pos(csv, 1, 1, 4);
	expect_record(csv, "山田|札幌");
	expect_end(csv);
	er_csv_close(csv);

	/* forced UTF-8 strips it too */
	csv = open_str("\xEF\xBB\xBFx\n", ER_ENC_UTF8, &err);
	assert_non_null(csv);
	assert_true(er_csv_had_bom(csv));
	expect_record(csv, "x");
	expect_end(csv);
	er_csv_close(csv);

	/* a BOM alone is an empty file */
	csv = open_str("\xEF\xBB\xBF", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_end(csv);
	er_csv_close(csv);
}

static void
test_cp932(void **state)
{
	(void)state;
	struct er_error err;
	/* 氏名,①,a\b,ｱ,～ then 山田 with CRLF */
	const char *data = "\x8e\x81\x96\xbc,\x87\x40,a\x5c"
	                   "b,\xb1,\x81\x60\r\n"
	                   "\x8e\x52\x93\x63,x\r\n";
	struct er_csv *csv = open_str(data, ER_ENC_AUTO, &err);
	assert_non_null(csv);
	assert_int_equal(er_csv_encoding(csv), ER_ENC_CP932);
	assert_false(er_csv_had_bom(csv));
	expect_record(csv, "氏名|①|a\\b|ｱ|～");
	expect_pos(csv, 1, 1, 4);
	expect_pos(csv, 2, 1, 6);
	expect_pos(csv, 3, 1, 10);
	expect_record(csv, "山田|x");
	assert_int_equal(er_csv_line(csv), 2);
	expect_pos(csv, 1, 2, 4);
	expect_end(csv);
	er_csv_close(csv);

	/* forced CP932 */
	csv = open_str("\x8e\x81\x96\xbc\n", ER_ENC_CP932, &err);
	assert_non_null(csv);
	assert_int_equal(er_csv_encoding(csv), ER_ENC_CP932);
	expect_record(csv, "氏名");
	expect_end(csv);
	er_csv_close(csv);

	/* ASCII forced to CP932 is unchanged; backslash and tilde stay */
	csv = open_str("a\\b,~\n", ER_ENC_CP932, &err);
	assert_non_null(csv);
	expect_record(csv, "a\\b|~");
	er_csv_close(csv);

	/* pure ASCII in auto mode is UTF-8 */
	csv = open_str("a,b\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	assert_int_equal(er_csv_encoding(csv), ER_ENC_UTF8);
	er_csv_close(csv);
}

static void
test_encoding_errors(void **state)
{
	(void)state;
	/* CP932 bytes read as UTF-8 */
	OPEN_ERROR("id,name\n1,\x8e\x81\x96\xbc\n", ER_ENC_UTF8, "t.csv:2:3",
	           "invalid UTF-8 byte 0x8E");
	/* column counts characters, not bytes */
	OPEN_ERROR("あい,\xff", ER_ENC_UTF8, "t.csv:1:4",
	           "invalid UTF-8 byte 0xFF");
	/* overlong NUL, surrogate, beyond U+10FFFF, truncated sequence */
	OPEN_ERROR("a\xC0\x80", ER_ENC_UTF8, "t.csv:1:2",
	           "invalid UTF-8 byte 0xC0");
	OPEN_ERROR("\xED\xA0\x80", ER_ENC_UTF8, "t.csv:1:1",
	           "invalid UTF-8 byte 0xED");
	OPEN_ERROR("\xF4\x90\x80\x80", ER_ENC_UTF8, "t.csv:1:1",
	           "invalid UTF-8 byte 0xF4");
	OPEN_ERROR("x\r\nab\xE3\x81", ER_ENC_UTF8, "t.csv:2:3",
	           "invalid UTF-8 byte 0xE3");
	/* a BOM means UTF-8: no CP932 fallback */
	OPEN_ERROR("\xEF\xBB\xBFok\n\x8e\x81", ER_ENC_AUTO, "t.csv:2:1",
	           "invalid UTF-8 byte 0x8E");
	/* neither UTF-8 nor CP932 */
	OPEN_ERROR("ab\ncd\x80", ER_ENC_AUTO, "t.csv:2:3",
	           "neither UTF-8 nor CP932");
	/* forced CP932: an undefined lead byte, a truncated pair */
	OPEN_ERROR("\x8e\x81\x96\xbc\n\xff", ER_ENC_CP932, "t.csv:2:1",
	           "invalid CP932 byte sequence 0xFF");
	OPEN_ERROR("ab\x8e", ER_ENC_CP932, "t.csv:1:3",
	           "invalid CP932 byte sequence 0x8E");
	/* UTF-16 and NUL bytes */
	OPEN_ERROR("\xFF\xFE"
	           "a\0",
	           ER_ENC_AUTO, "t.csv:1:1", "UTF-16");
	OPEN_ERROR("a,b\nc\0d", ER_ENC_AUTO, "t.csv:2:2", "NUL byte");
}

static void
test_line_endings(void **state)
{
	(void)state;
	struct er_error err;
	/* LF, CRLF, lone CR, and no newline at the end */
	struct er_csv *csv =
	    open_str("a,b\nc,d\r\ne,f\rg,h", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "a|b");
	expect_record(csv, "c|d");
	assert_int_equal(er_csv_line(csv), 2);
	expect_record(csv, "e|f");
	assert_int_equal(er_csv_line(csv), 3);
	expect_record(csv, "g|h");
	assert_int_equal(er_csv_line(csv), 4);
	expect_pos(csv, 1, 4, 3);
	expect_end(csv);
	er_csv_close(csv);
}

static void
test_empty_lines(void **state)
{
	(void)state;
	struct er_error err;
	struct er_csv *csv =
	    open_str("\n\r\na\n\n\r\n\nb,c\n\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "a");
	assert_int_equal(er_csv_line(csv), 3);
	expect_record(csv, "b|c");
	assert_int_equal(er_csv_line(csv), 7);
	expect_pos(csv, 1, 7, 3);
	expect_end(csv);
	er_csv_close(csv);

	/* empty input, only newlines */
	csv = open_str("", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_end(csv);
	er_csv_close(csv);
	csv = open_str("\r\n\n\r\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_end(csv);
	er_csv_close(csv);
	csv = er_csv_open_mem("t.csv", NULL, 0, ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_end(csv);
	er_csv_close(csv);
}

static void
test_empty_fields(void **state)
{
	(void)state;
	struct er_error err;
	struct er_csv *csv =
	    open_str(",,\n\"\"\na,\n,b\n \n\"\",\"\"", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "||");
	expect_pos(csv, 2, 1, 3);
	expect_record(csv, "");
	expect_record(csv, "a|");
	expect_pos(csv, 1, 3, 3);
	expect_record(csv, "|b");
	expect_record(csv, " ");
	expect_record(csv, "|");
	expect_end(csv);
	er_csv_close(csv);
}

static void
test_quoted(void **state)
{
	(void)state;
	struct er_error err;
	const char *data = "\"a,b\",\"say \"\"hi\"\"\",\"l1\r\nl2\nl3\"\r\n"
	                   "next,\"x\"\n"
	                   "\"\"\"\",\"\"\"q\"\"\",\"\xe4\xb8\x80,\"\n";
	struct er_csv *csv = open_str(data, ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "a,b|say \"hi\"|l1\nl2\nl3");
	assert_int_equal(er_csv_line(csv), 1);
	expect_pos(csv, 0, 1, 1);
	expect_pos(csv, 1, 1, 7);
	expect_pos(csv, 2, 1, 20);
	expect_record(csv, "next|x");
	assert_int_equal(er_csv_line(csv), 4);
	expect_pos(csv, 1, 4, 6);
	expect_record(csv, "\"|\"q\"|一,");
	assert_int_equal(er_csv_line(csv), 5);
	expect_pos(csv, 2, 5, 14);
	expect_end(csv);
	er_csv_close(csv);

	/* a quoted field at the end of the file, no newline */
	csv = open_str("1,\"a\nb\"", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "1|a\nb");
	expect_end(csv);
	er_csv_close(csv);

	/* a lone CR inside quotes becomes LF and ends a line */
	csv = open_str("\"a\rb\",c\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	size_t n = 99;
	assert_string_equal(er_csv_raw(csv, &n), "");
	assert_int_equal(n, 0);
	expect_record(csv, "a\nb|c");
	expect_pos(csv, 1, 2, 4);
	expect_end(csv);
	assert_string_equal(er_csv_raw(csv, &n), "");
	er_csv_close(csv);

	/* a quoted empty line is a field, not an empty line */
	csv = open_str("\"\n\"\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "\n");
	expect_end(csv);
	er_csv_close(csv);
}

static void
test_positions_after_multiline(void **state)
{
	(void)state;
	struct er_error err;
	struct er_csv *csv =
	    open_str("x,\"a\nbc\",y,あ,z\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "x|a\nbc|y|あ|z");
	expect_pos(csv, 0, 1, 1);
	expect_pos(csv, 1, 1, 3);
	expect_pos(csv, 2, 2, 5);
	expect_pos(csv, 3, 2, 7);
	expect_pos(csv, 4, 2, 9);
	unsigned l = 9, c = 9;
	er_csv_field_pos(csv, 5, &l, &c);
	assert_int_equal(l, 0);
	assert_int_equal(c, 0);
	er_csv_close(csv);
}

static void
test_quote_in_unquoted(void **state)
{
	(void)state;
	struct er_error err;
	struct er_csv *csv =
	    open_str("id,name\n1,ab\"c\n2,ok\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "id|name");
	expect_error(csv, "t.csv:2:5", "quote inside unquoted field");
	size_t n;
	const char *raw = er_csv_raw(csv, &n);
	assert_string_equal(raw, "1,ab\"c");
	assert_int_equal(n, 6);
	/* the reader resumes on the next line */
	expect_record(csv, "2|ok");
	assert_int_equal(er_csv_line(csv), 3);
	expect_end(csv);
	er_csv_close(csv);

	/* a space before the opening quote makes it unquoted */
	csv = open_str("a, \"b\"\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_error(csv, "t.csv:1:4", "quote inside unquoted field");
	expect_end(csv);
	er_csv_close(csv);
}

static void
test_after_closing_quote(void **state)
{
	(void)state;
	struct er_error err;
	struct er_csv *csv = open_str("\"ab\"x,1\r\n"
	                              "\"a\nb\" ,2\n"
	                              "\"あ\"い\n"
	                              "\"t\"\t\n"
	                              "ok\n",
	                              ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_error(csv, "t.csv:1:5",
	             "unexpected character 'x' after closing quote");
	expect_error(csv, "t.csv:3:3",
	             "unexpected character ' ' after closing quote");
	size_t n;
	assert_string_equal(er_csv_raw(csv, &n), "\"a\nb\" ,2");
	expect_error(csv, "t.csv:4:4",
	             "unexpected character 'い' after closing quote");
	expect_error(csv, "t.csv:5:4",
	             "unexpected character U+0009 after closing quote");
	expect_record(csv, "ok");
	assert_int_equal(er_csv_line(csv), 6);
	expect_end(csv);
	er_csv_close(csv);
}

static void
test_unterminated(void **state)
{
	(void)state;
	struct er_error err;
	struct er_csv *csv =
	    open_str("h1,h2\na,\"bc\nd,e\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "h1|h2");
	/* reported where the quote opens */
	expect_error(csv, "t.csv:2:3", "unterminated quoted field");
	size_t n;
	assert_string_equal(er_csv_raw(csv, &n), "a,\"bc\nd,e\n");
	expect_end(csv);
	er_csv_close(csv);

	csv = open_str("\"", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_error(csv, "t.csv:1:1", "unterminated quoted field");
	expect_end(csv);
	er_csv_close(csv);

	/* a doubled quote at the very end does not close the field */
	csv = open_str("\"a\"\"", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_error(csv, "t.csv:1:1", "unterminated quoted field");
	er_csv_close(csv);
}

static void
test_raw(void **state)
{
	(void)state;
	struct er_error err;
	struct er_csv *csv = open_str("a,\"b\r\nc\"\r\nd,e", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	size_t n;
	expect_record(csv, "a|b\nc");
	/* raw keeps the text as decoded, without the record's ending */
	const char *raw = er_csv_raw(csv, &n);
	assert_int_equal(n, 8);
	assert_string_equal(raw, "a,\"b\r\nc\"");
	expect_record(csv, "d|e");
	raw = er_csv_raw(csv, &n);
	assert_int_equal(n, 3);
	assert_string_equal(raw, "d,e");
	expect_end(csv);
	er_csv_close(csv);

	/* CP932 raw is UTF-8 */
	csv = open_str("\x8e\x81\x96\xbc,1\r\n", ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "氏名|1");
	assert_string_equal(er_csv_raw(csv, &n), "氏名,1");
	er_csv_close(csv);
}

static void
test_big_records(void **state)
{
	(void)state;
	/* a long field and many fields make the buffers grow */
	size_t flen = 100000, nf = 3000;
	size_t cap = flen + 2 * nf + 16;
	char *data = malloc(cap);
	assert_non_null(data);
	size_t n = 0;
	data[n++] = '"';
	for (size_t i = 0; i < flen; i++)
		data[n++] = (char)('a' + i % 26);
	data[n++] = '"';
	for (size_t i = 0; i < nf; i++) {
		data[n++] = ',';
		data[n++] = (char)('0' + i % 10);
	}
	data[n++] = '\n';
	struct er_error err;
	struct er_csv *csv =
	    er_csv_open_mem("big.csv", data, n, ER_ENC_AUTO, &err);
	assert_non_null(csv);
	assert_int_equal(er_csv_next(csv, &err), 1);
	assert_int_equal(er_csv_nfields(csv), nf + 1);
	assert_int_equal(strlen(er_csv_field(csv, 0)), flen);
	assert_int_equal(er_csv_field(csv, 0)[flen - 1], 'a' + (flen - 1) % 26);
	for (size_t i = 0; i < nf; i++)
		assert_int_equal(er_csv_field(csv, i + 1)[0], '0' + i % 10);
	expect_pos(csv, nf, 1, (unsigned)(flen + 2 + 2 * nf));
	expect_end(csv);
	er_csv_close(csv);
	free(data);
}

static void
test_many_rows(void **state)
{
	(void)state;
	size_t rows = 200000;
	size_t cap = rows * 32;
	char *data = malloc(cap);
	assert_non_null(data);
	size_t n = 0;
	for (size_t i = 0; i < rows; i++)
		n += (size_t)snprintf(data + n, cap - n, "%zu,\"x,y\",あ\r\n",
		                      i);
	struct er_error err;
	struct er_csv *csv =
	    er_csv_open_mem("rows.csv", data, n, ER_ENC_AUTO, &err);
	assert_non_null(csv);
	size_t got = 0;
	while (er_csv_next(csv, &err) == 1) {
		assert_int_equal(er_csv_nfields(csv), 3);
		got++;
	}
	assert_int_equal(got, rows);
	assert_int_equal(er_csv_line(csv), rows);
	er_csv_close(csv);
	free(data);
}

static void
test_open_file(void **state)
{
	(void)state;
	char path[] = "/tmp/test_csv_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char data[] = "\x8e\x81\x96\xbc,\x87\x40\r\n1,2\r\n";
	assert_int_equal(write(fd, data, sizeof data - 1), sizeof data - 1);
	close(fd);

	struct er_error err;
	er_error_clear(&err);
	struct er_csv *csv = er_csv_open(path, ER_ENC_AUTO, &err);
	assert_non_null(csv);
	assert_int_equal(er_csv_encoding(csv), ER_ENC_CP932);
	expect_record(csv, "氏名|①");
	expect_record(csv, "1|2");
	expect_end(csv);
	er_csv_close(csv);

	/* forced UTF-8 on the same file fails with the file's name */
	csv = er_csv_open(path, ER_ENC_UTF8, &err);
	assert_null(csv);
	assert_int_equal(err.code, ER_EPARSE);
	char where[64];
	snprintf(where, sizeof where, "%s:1:1", path);
	assert_string_equal(err.where, where);
	unlink(path);

	csv = er_csv_open("/nonexistent/dir/x.csv", ER_ENC_AUTO, &err);
	assert_null(csv);
	assert_int_equal(err.code, ER_EIO);
	assert_string_equal(err.where, "/nonexistent/dir/x.csv");

	er_csv_close(NULL);
}

static char *
write_to_string(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	er_csv_write_field(f, s);
	fclose(f);
	return buf;
}

static void
test_write_field(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
	    {"plain", "plain"},       {"", ""},
	    {"a,b", "\"a,b\""},       {"say \"hi\"", "\"say \"\"hi\"\"\""},
	    {"l1\nl2", "\"l1\nl2\""}, {"cr\r", "\"cr\r\""},
	    {"氏名", "氏名"},         {" spaced ", " spaced "},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = write_to_string(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
	char *s = write_to_string(NULL);
	assert_string_equal(s, "");
	free(s);

	/* what is written reads back the same */
	s = write_to_string("a \"b\",\nc");
	struct er_error err;
	struct er_csv *csv = open_str(s, ER_ENC_AUTO, &err);
	assert_non_null(csv);
	expect_record(csv, "a \"b\",\nc");
	er_csv_close(csv);
	free(s);
}

static void
test_oom(void **state)
{
	(void)state;
	const char *inputs[] = {
	    "a,b\n\"c\nd\",e\n",
	    "\x8e\x81\x96\xbc,\x87\x40\r\n",
	    "x,y,z,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20\n",
	};
	for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
		int done = 0;
		for (long n = 1; n < 100 && !done; n++) {
			struct er_error err;
			er_error_clear(&err);
			er_alloc_fail_after(n);
			struct er_csv *csv =
			    open_str(inputs[k], ER_ENC_AUTO, &err);
			if (!csv) {
				assert_int_equal(err.code, ER_ENOMEM);
				continue;
			}
			int r;
			while ((r = er_csv_next(csv, &err)) == 1)
				;
			if (r < 0)
				assert_int_equal(err.code, ER_ENOMEM);
			else
				done = 1;
			er_csv_close(csv);
		}
		er_alloc_fail_after(0);
		assert_true(done);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encoding_parse),
	    cmocka_unit_test(test_basic_utf8),
	    cmocka_unit_test(test_bom),
	    cmocka_unit_test(test_cp932),
	    cmocka_unit_test(test_encoding_errors),
	    cmocka_unit_test(test_line_endings),
	    cmocka_unit_test(test_empty_lines),
	    cmocka_unit_test(test_empty_fields),
	    cmocka_unit_test(test_quoted),
	    cmocka_unit_test(test_positions_after_multiline),
	    cmocka_unit_test(test_quote_in_unquoted),
	    cmocka_unit_test(test_after_closing_quote),
	    cmocka_unit_test(test_unterminated),
	    cmocka_unit_test(test_raw),
	    cmocka_unit_test(test_big_records),
	    cmocka_unit_test(test_many_rows),
	    cmocka_unit_test(test_open_file),
	    cmocka_unit_test(test_write_field),
	    cmocka_unit_test(test_oom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
