/* RFC 4180 CSV reader: decodes the whole file to UTF-8 in memory (UTF-8 with
 * or without BOM, or CP932 through iconv), then splits it into records and
 * fields, keeping the physical line and column of each for messages. */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <evacreg/error.h>

#include "alloc.h"
#include "csv.h"

struct er_csv {
	char *path;
	char *buf; /* decoded UTF-8, NUL-ended; owned */
	size_t len;
	size_t pos;
	unsigned line; /* position of buf[pos] */
	unsigned col;
	enum er_encoding enc;
	int bom;

	/* The current record. Fields are stored NUL-ended in fbuf at foff[i];
	 * fields[] is rebuilt once the record is complete, as fbuf may move
	 * while it grows. */
	char *fbuf;
	size_t flen, fcap;
	size_t *foff;
	unsigned *fline, *fcol;
	const char **fields;
	size_t nf, nfcap;
	unsigned rec_line;

	/* The raw record is buf[raw_start .. raw_end), made NUL-ended by
	 * writing over its terminator, which is restored on the next call. */
	size_t raw_start, raw_end;
	char raw_saved;
	int raw_patched;
};

int
er_encoding_parse(const char *name)
{
	static const struct {
		const char *name;
		enum er_encoding enc;
	} names[] = {
	    {"auto", ER_ENC_AUTO},       {"utf-8", ER_ENC_UTF8},
	    {"utf8", ER_ENC_UTF8},       {"utf-8-sig", ER_ENC_UTF8},
	    {"cp932", ER_ENC_CP932},     {"shift_jis", ER_ENC_CP932},
	    {"shift-jis", ER_ENC_CP932}, {"sjis", ER_ENC_CP932},
	    {"ms932", ER_ENC_CP932},     {"windows-31j", ER_ENC_CP932},
	};
	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(name, names[i].name) == 0)
			return (int)names[i].enc;
	return -1;
}

/* Advances line/col over n bytes of valid UTF-8 text the way the reader
 * counts: LF, CRLF and a lone CR each end a line; columns count
 * characters. */
static void
advance(const char *s, size_t n, unsigned *line, unsigned *col)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' ||
		    (c == '\r' && (i + 1 >= n || s[i + 1] != '\n'))) {
			(*line)++;
			*col = 1;
		} else if (c == '\r') {
			/* the LF that follows ends the line */
		} else if ((c & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static enum er_code fail_at(struct er_error *err, const char *path,
                            unsigned line, unsigned col, const char *fmt, ...)
    ER_PRINTF(5, 6);

/* Sets an ER_EPARSE error at "path:line:column". */
static enum er_code
fail_at(struct er_error *err, const char *path, unsigned line, unsigned col,
        const char *fmt, ...)
{
	char where[256], message[256];
	va_list ap;
	snprintf(where, sizeof where, "%s:%u:%u", path, line, col);
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	return er_fail(err, ER_EPARSE, where, "%s", message);
}

/* Length of the valid UTF-8 prefix of s (strict: no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
static size_t
utf8_valid_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t k;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			k = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			return i;
		}
		if (n - i <= k)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t j = 2; j <= k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return i;
		i += k + 1;
	}
	return n;
}

/* Describes up to two bytes at p for a message, e.g. "0x82 0xFF". */
static void
describe_bytes(const unsigned char *p, size_t avail, char *out, size_t size)
{
	if (avail >= 2 && p[0] >= 0x80)
		snprintf(out, size, "0x%02X 0x%02X", p[0], p[1]);
	else if (avail >= 1)
		snprintf(out, size, "0x%02X", p[0]);
	else
		snprintf(out, size, "at end of file");
}

/* Decodes CP932 in[0..n) into csv->buf, a new NUL-ended UTF-8 buffer. */
static enum er_code
decode_cp932(struct er_csv *csv, const char *in, size_t n, int autodetected,
             struct er_error *err)
{
	iconv_t cd = iconv_open("UTF-8", "CP932");
	if (cd == (iconv_t)-1)
		return er_fail(err, ER_EIO, csv->path,
		               "cannot convert from CP932: %s",
		               strerror(errno));
	enum er_code rc = ER_OK;
	size_t cap = n + n / 2 + 16;
	char *out = er_malloc(cap);
	if (!out) {
		rc = er_fail(err, ER_ENOMEM, csv->path, "out of memory");
		goto out;
	}
	char *ip = (char *)(uintptr_t)in; /* iconv does not write its input */
	size_t ileft = n;
	size_t used = 0;
	while (ileft > 0) {
		char *op = out + used;
		size_t oleft = cap - used - 1;
		size_t r = iconv(cd, &ip, &ileft, &op, &oleft);
		used = (size_t)(op - out);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG) {
			size_t ncap = cap + cap / 2 + 16;
			char *nb = er_realloc(out, ncap);
			if (!nb) {
				rc = er_fail(err, ER_ENOMEM, csv->path,
				             "out of memory");
				goto out;
			}
			out = nb;
			cap = ncap;
			continue;
		}
		/* EILSEQ or EINVAL (truncated at the end): report where the
		 * decoded text stopped. */
		unsigned line = 1, col = 1;
		char bytes[32];
		advance(out, used, &line, &col);
		describe_bytes((const unsigned char *)ip, ileft, bytes,
		               sizeof bytes);
		if (autodetected)
			rc = fail_at(err, csv->path, line, col,
			             "invalid byte sequence %s: the file is "
			             "neither UTF-8 nor CP932",
			             bytes);
		else
			rc = fail_at(err, csv->path, line, col,
			             "invalid CP932 byte sequence %s", bytes);
		goto out;
	}
	out[used] = '\0';
	csv->buf = out;
	csv->len = used;
	out = NULL;
out:
	er_free(out);
	iconv_close(cd);
	return rc;
}

static void
free_record(struct er_csv *csv)
{
	ER_FREE(csv->fbuf);
	ER_FREE(csv->foff);
	ER_FREE(csv->fline);
	ER_FREE(csv->fcol);
	ER_FREE(csv->fields);
}

void
er_csv_close(struct er_csv *csv)
{
	if (!csv)
		return;
	free_record(csv);
	er_free(csv->buf);
	er_free(csv->path);
	er_free(csv);
}

/* Takes ownership of data (er_malloc'ed, len bytes plus room for a NUL)
 * when own is set; otherwise copies what it needs. */
static struct er_csv *
open_buffer(const char *path, char *data, size_t len, int own,
            enum er_encoding enc, struct er_error *err)
{
	struct er_csv *csv = er_calloc(1, sizeof *csv);
	if (!csv) {
		er_fail(err, ER_ENOMEM, path, "out of memory");
		goto fail;
	}
	csv->path = er_strdup(path ? path : "(memory)");
	if (!csv->path) {
		er_fail(err, ER_ENOMEM, path, "out of memory");
		goto fail;
	}
	csv->line = 1;
	csv->col = 1;
	csv->fcap = 256;
	csv->nfcap = 16;
	csv->fbuf = er_malloc(csv->fcap);
	csv->foff = er_malloc(csv->nfcap * sizeof *csv->foff);
	csv->fline = er_malloc(csv->nfcap * sizeof *csv->fline);
	csv->fcol = er_malloc(csv->nfcap * sizeof *csv->fcol);
	csv->fields = er_malloc(csv->nfcap * sizeof *csv->fields);
	if (!csv->fbuf || !csv->foff || !csv->fline || !csv->fcol ||
	    !csv->fields) {
		er_fail(err, ER_ENOMEM, path, "out of memory");
		goto fail;
	}

	const unsigned char *u = (const unsigned char *)data;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
	                 (u[0] == 0xFE && u[1] == 0xFF))) {
		fail_at(err, csv->path, 1, 1, "%s",
		        "the file is UTF-16; save it as UTF-8 or CP932");
		goto fail;
	}
	size_t skip = 0;
	if (enc != ER_ENC_CP932 && len >= 3 && u[0] == 0xEF && u[1] == 0xBB &&
	    u[2] == 0xBF) {
		csv->bom = 1;
		skip = 3;
	}
	size_t valid = utf8_valid_prefix(u + skip, len - skip);
	if (enc == ER_ENC_UTF8 || csv->bom ||
	    (enc == ER_ENC_AUTO && valid == len - skip)) {
		if (valid != len - skip) {
			unsigned line = 1, col = 1;
			char bytes[32];
			advance(data + skip, valid, &line, &col);
			snprintf(bytes, sizeof bytes, "0x%02X",
			         u[skip + valid]);
			fail_at(err, csv->path, line, col,
			        "invalid UTF-8 byte %s", bytes);
			goto fail;
		}
		csv->enc = ER_ENC_UTF8;
		if (own) {
			memmove(data, data + skip, len - skip);
			csv->buf = data;
			data = NULL;
		} else {
			csv->buf = er_malloc(len - skip + 1);
			if (!csv->buf) {
				er_fail(err, ER_ENOMEM, path, "out of memory");
				goto fail;
			}
			memcpy(csv->buf, data + skip, len - skip);
		}
		csv->len = len - skip;
		csv->buf[csv->len] = '\0';
	} else {
		csv->enc = ER_ENC_CP932;
		if (decode_cp932(csv, data, len, enc == ER_ENC_AUTO, err))
			goto fail;
	}
	if (own)
		ER_FREE(data);

	/* Fields are NUL-ended strings, so a NUL byte cannot be kept. */
	const char *nul = memchr(csv->buf, '\0', csv->len);
	if (nul) {
		unsigned line = 1, col = 1;
		advance(csv->buf, (size_t)(nul - csv->buf), &line, &col);
		fail_at(err, csv->path, line, col, "%s",
		        "NUL byte in text (is this a binary or UTF-16 file?)");
		goto fail;
	}
	return csv;
fail:
	if (own)
		er_free(data);
	er_csv_close(csv);
	return NULL;
}

struct er_csv *
er_csv_open_mem(const char *path, const char *data, size_t len,
                enum er_encoding enc, struct er_error *err)
{
	if (!data)
		len = 0;
	return open_buffer(path, (char *)(uintptr_t)(data ? data : ""), len, 0,
	                   enc, err);
}

struct er_csv *
er_csv_open(const char *path, enum er_encoding enc, struct er_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		er_fail(err, ER_EIO, path, "cannot open: %s", strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = er_malloc(cap);
	if (!buf) {
		er_fail(err, ER_ENOMEM, path, "out of memory");
		goto fail;
	}
	for (;;) {
		if (cap - len < 2) {
			size_t ncap = cap * 2;
			char *nb = er_realloc(buf, ncap);
			if (!nb) {
				er_fail(err, ER_ENOMEM, path, "out of memory");
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		/* leave one byte for the NUL open_buffer writes */
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		er_fail(err, ER_EIO, path, "cannot read: %s", strerror(errno));
		goto fail;
	}
	fclose(f);
	return open_buffer(path, buf, len, 1, enc, err);
fail:
	er_free(buf);
	fclose(f);
	return NULL;
}

enum er_encoding
er_csv_encoding(const struct er_csv *csv)
{
	return csv->enc;
}

int
er_csv_had_bom(const struct er_csv *csv)
{
	return csv->bom;
}

static int
grow_text(struct er_csv *csv)
{
	size_t ncap = csv->fcap * 2;
	char *nb = er_realloc(csv->fbuf, ncap);
	if (!nb)
		return -1;
	csv->fbuf = nb;
	csv->fcap = ncap;
	return 0;
}

static inline int
put(struct er_csv *csv, char c)
{
	if (csv->flen == csv->fcap && grow_text(csv))
		return -1;
	csv->fbuf[csv->flen++] = c;
	return 0;
}

static int
begin_field(struct er_csv *csv)
{
	if (csv->nf == csv->nfcap) {
		size_t n = csv->nfcap * 2;
		size_t *o = er_realloc(csv->foff, n * sizeof *o);
		if (!o)
			return -1;
		csv->foff = o;
		unsigned *l = er_realloc(csv->fline, n * sizeof *l);
		if (!l)
			return -1;
		csv->fline = l;
		unsigned *c = er_realloc(csv->fcol, n * sizeof *c);
		if (!c)
			return -1;
		csv->fcol = c;
		const char **f = er_realloc(csv->fields, n * sizeof *f);
		if (!f)
			return -1;
		csv->fields = f;
		csv->nfcap = n;
	}
	csv->foff[csv->nf] = csv->flen;
	csv->fline[csv->nf] = csv->line;
	csv->fcol[csv->nf] = csv->col;
	csv->nf++;
	return 0;
}

static void
set_raw(struct er_csv *csv, size_t end)
{
	csv->raw_end = end;
	if (end < csv->len) {
		csv->raw_saved = csv->buf[end];
		csv->buf[end] = '\0';
		csv->raw_patched = 1;
	}
}

/* Moves past the end of the current physical line, for resuming after a
 * malformed record; returns where the line's text ends. */
static size_t
skip_line(struct er_csv *csv)
{
	const char *b = csv->buf;
	size_t p = csv->pos;
	while (p < csv->len && b[p] != '\n' && b[p] != '\r')
		p++;
	size_t end = p;
	if (p < csv->len) {
		if (b[p] == '\r' && p + 1 < csv->len && b[p + 1] == '\n')
			p++;
		p++;
		csv->line++;
		csv->col = 1;
	}
	csv->pos = p;
	return end;
}

/* Describes the character at buf[pos] for a message: 'x', or U+XXXX for a
 * control character. */
static void
describe_char(const struct er_csv *csv, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)csv->buf + csv->pos;
	if (*p < 0x20 || *p == 0x7F) {
		snprintf(out, size, "U+%04X", *p);
		return;
	}
	size_t n = 1;
	while (n < 4 && (p[n] & 0xC0) == 0x80)
		n++;
	snprintf(out, size, "'%.*s'", (int)n, (const char *)p);
}

int
er_csv_next(struct er_csv *csv, struct er_error *err)
{
	const char *b = csv->buf;
	size_t len = csv->len;
	char what[16];

	if (csv->raw_patched) {
		csv->buf[csv->raw_end] = csv->raw_saved;
		csv->raw_patched = 0;
	}
	csv->nf = 0;
	csv->flen = 0;
	csv->raw_start = csv->raw_end = csv->pos;

	/* Skip empty lines. */
	while (csv->pos < len) {
		if (b[csv->pos] == '\n') {
			csv->pos++;
		} else if (b[csv->pos] == '\r') {
			csv->pos++;
			if (csv->pos < len && b[csv->pos] == '\n')
				csv->pos++;
		} else {
			break;
		}
		csv->line++;
		csv->col = 1;
	}
	if (csv->pos >= len) {
		csv->raw_start = csv->raw_end = len;
		return 0;
	}
	csv->rec_line = csv->line;
	csv->raw_start = csv->pos;

	size_t pos = csv->pos;
	for (;;) {
		csv->pos = pos;
		if (begin_field(csv))
			goto nomem;
		if (b[pos] == '"') {
			unsigned qline = csv->line, qcol = csv->col;
			pos++;
			csv->col++;
			for (;;) {
				if (pos >= len) {
					csv->pos = len;
					set_raw(csv, len);
					csv->nf = 0;
					fail_at(err, csv->path, qline, qcol,
					        "%s",
					        "unterminated quoted field");
					return -1;
				}
				char c = b[pos];
				if (c == '"') {
					if (pos + 1 < len &&
					    b[pos + 1] == '"') {
						if (put(csv, '"'))
							goto nomem;
						pos += 2;
						csv->col += 2;
						continue;
					}
					pos++;
					csv->col++;
					break;
				}
				if (c == '\r' || c == '\n') {
					if (put(csv, '\n'))
						goto nomem;
					pos++;
					if (c == '\r' && pos < len &&
					    b[pos] == '\n')
						pos++;
					csv->line++;
					csv->col = 1;
					continue;
				}
				if (put(csv, c))
					goto nomem;
				pos++;
				if (((unsigned char)c & 0xC0) != 0x80)
					csv->col++;
			}
			if (put(csv, '\0'))
				goto nomem;
			if (pos >= len || b[pos] == '\r' || b[pos] == '\n')
				break;
			if (b[pos] == ',') {
				pos++;
				csv->col++;
				continue;
			}
			csv->pos = pos;
			describe_char(csv, what, sizeof what);
			fail_at(err, csv->path, csv->line, csv->col,
			        "unexpected character %s after closing quote",
			        what);
			goto malformed;
		}
		for (;;) {
			if (pos >= len)
				break;
			char c = b[pos];
			if (c == ',' || c == '\r' || c == '\n')
				break;
			if (c == '"') {
				csv->pos = pos;
				fail_at(err, csv->path, csv->line, csv->col,
				        "%s", "quote inside unquoted field");
				goto malformed;
			}
			if (put(csv, c))
				goto nomem;
			pos++;
			if (((unsigned char)c & 0xC0) != 0x80)
				csv->col++;
		}
		if (put(csv, '\0'))
			goto nomem;
		if (pos < len && b[pos] == ',') {
			pos++;
			csv->col++;
			continue;
		}
		break;
	}

	/* pos is at the record's line ending or at the end of the text. */
	size_t end = pos;
	if (pos < len) {
		if (b[pos] == '\r' && pos + 1 < len && b[pos + 1] == '\n')
			pos++;
		pos++;
		csv->line++;
		csv->col = 1;
	}
	csv->pos = pos;
	set_raw(csv, end); /* after looking at the line ending it overwrites */
	for (size_t i = 0; i < csv->nf; i++)
		csv->fields[i] = csv->fbuf + csv->foff[i];
	return 1;

malformed:
	csv->nf = 0;
	set_raw(csv, skip_line(csv));
	return -1;

nomem:
	csv->nf = 0;
	csv->pos = len; /* the reader cannot resume in a known state */
	er_fail(err, ER_ENOMEM, csv->path, "out of memory");
	return -1;
}

size_t
er_csv_nfields(const struct er_csv *csv)
{
	return csv->nf;
}

const char *
er_csv_field(const struct er_csv *csv, size_t i)
{
	return i < csv->nf ? csv->fields[i] : NULL;
}

unsigned
er_csv_line(const struct er_csv *csv)
{
	return csv->rec_line;
}

void
er_csv_field_pos(const struct er_csv *csv, size_t i, unsigned *line,
                 unsigned *column)
{
	unsigned l = 0, c = 0;
	if (i < csv->nf) {
		l = csv->fline[i];
		c = csv->fcol[i];
	}
	if (line)
		*line = l;
	if (column)
		*column = c;
}

const char *
er_csv_raw(const struct er_csv *csv, size_t *len)
{
	if (len)
		*len = csv->raw_end - csv->raw_start;
	if (csv->raw_end == csv->raw_start)
		return ""; /* before the first record, or after ENOMEM */
	return csv->buf + csv->raw_start;
}

void
er_csv_write_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			putc('"', f);
		putc(*p, f);
	}
	putc('"', f);
}
