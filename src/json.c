/* Strict RFC 8259 JSON parser for the GeoJSON reader: an explicit stack
 * instead of recursion, an arena for the tree, and the line, column and
 * byte span of every value. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "json.h"
#include <evacreg/error.h>

#define CHUNK_SIZE ((size_t)64 * 1024)
#define ALIGN (sizeof(max_align_t))

struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[]; /* size bytes */
};

struct er_json_doc {
	struct chunk *chunks;
	struct er_json root;
};

/* An open array or object. */
struct frame {
	enum er_json_type type;
	size_t base; /* stack index of its first entry */
	size_t start;
	unsigned line, column;
};

struct parser {
	const char *path;
	const unsigned char *p;
	size_t len, pos;
	size_t bom; /* bytes of BOM skipped at the start */
	struct er_json_doc *doc;
	struct er_error *err;
	/* a cursor for line/column: positions are asked for in order */
	size_t cur_pos;
	unsigned cur_line, cur_col;
	/* entries of the open containers: array items have key NULL */
	struct er_json_member *stack;
	size_t nstack, capstack;
	struct frame frames[ER_JSON_MAX_DEPTH];
	unsigned depth;
};

/* Where a value is wanted, for the message when it is missing. */
enum want {
	WANT_TOP,
	WANT_FIRST_ITEM,
	WANT_NEXT_ITEM,
	WANT_MEMBER_VALUE,
};

static void *
arena_alloc(struct er_json_doc *doc, size_t n)
{
	if (n > SIZE_MAX - ALIGN)
		return NULL;
	n = (n + ALIGN - 1) / ALIGN * ALIGN;
	struct chunk *c = doc->chunks;
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		if (size > SIZE_MAX - sizeof(struct chunk))
			return NULL;
		c = er_malloc(sizeof(struct chunk) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = doc->chunks;
		doc->chunks = c;
	}
	void *r = (unsigned char *)c->data + c->used;
	c->used += n;
	return r;
}

static void
locate(struct parser *ps, size_t pos, unsigned *line, unsigned *column)
{
	if (pos < ps->cur_pos) {
		ps->cur_pos = ps->bom;
		ps->cur_line = 1;
		ps->cur_col = 1;
	}
	if (pos > ps->len)
		pos = ps->len;
	unsigned l = ps->cur_line, c = ps->cur_col;
	for (size_t i = ps->cur_pos; i < pos; i++) {
		unsigned char b = ps->p[i];
		if (b == '\n') {
			if (l < UINT_MAX)
				l++;
			c = 1;
		} else if ((b & 0xC0) != 0x80 && c < UINT_MAX) {
			c++;
		}
	}
	ps->cur_pos = pos;
	ps->cur_line = l;
	ps->cur_col = c;
	*line = l;
	*column = c;
}

static int fail_at(struct parser *ps, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail_at(struct parser *ps, size_t pos, const char *fmt, ...)
{
	unsigned line, column;
	locate(ps, pos, &line, &column);
	char where[256], msg[512];
	snprintf(where, sizeof where, "%s:%u:%u", ps->path, line, column);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	er_fail(ps->err, ER_EPARSE, where, "%s", msg);
	return -1;
}

static int fail_key(struct parser *ps, const struct er_json_member *m,
                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail_key(struct parser *ps, const struct er_json_member *m, const char *fmt,
         ...)
{
	char where[256], msg[512];
	snprintf(where, sizeof where, "%s:%u:%u", ps->path, m->line, m->column);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	er_fail(ps->err, ER_EPARSE, where, "%s", msg);
	return -1;
}

static int
fail_nomem(struct parser *ps)
{
	er_fail(ps->err, ER_ENOMEM, ps->path, "out of memory parsing JSON");
	return -1;
}

/* Copies s[0..len) into buf for a message: escapes quotes, backslashes
 * and control characters, and cuts long text (at a character boundary)
 * with "...". */
static void
quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t o = 0;
	const size_t limit = size > 8 ? size - 8 : 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (o >= limit && (c & 0xC0) != 0x80) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7F) {
			o += (size_t)snprintf(buf + o, size - o, "\\x%02X", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
}

static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (n < 3 || (s[2] & 0xC0) != 0x80)
			return 0;
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
		unsigned char hi = c == 0xED ? 0x9F : 0xBF;
		return s[1] >= lo && s[1] <= hi ? 3 : 0;
	}
	if (c < 0xF5) {
		if (n < 4 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
		return s[1] >= lo && s[1] <= hi ? 4 : 0;
	}
	return 0;
}

static size_t
put_utf8(unsigned char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Four hex digits at s (before end) as a number, or -1. */
static long
hex4(const unsigned char *s, const unsigned char *end)
{
	if (end - s < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = s[i];
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Parses the string whose opening quote is at ps->pos; on success sets
 * *out and *outlen (arena memory) and leaves ps->pos after the closing
 * quote. */
static int
parse_string(struct parser *ps, const char **out, size_t *outlen)
{
	const unsigned char *p = ps->p;
	size_t open = ps->pos, i = open + 1;
	while (i < ps->len && p[i] != '"')
		i += p[i] == '\\' ? 2 : 1;
	if (i >= ps->len)
		return fail_at(ps, open, "unterminated string");
	size_t close = i;
	unsigned char *buf = arena_alloc(ps->doc, close - open);
	if (!buf)
		return fail_nomem(ps);
	const unsigned char *end = p + close;
	size_t o = 0;
	for (i = open + 1; i < close;) {
		unsigned char c = p[i];
		if (c < 0x20)
			return fail_at(ps, i,
			               "unescaped control character U+%04X "
			               "in string",
			               c);
		if (c != '\\') {
			size_t n = utf8_seq(p + i, close - i);
			if (!n)
				return fail_at(ps, i,
				               "invalid UTF-8 in string");
			memcpy(buf + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		unsigned char e = p[i + 1]; /* i + 1 < close: see the scan */
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e && simple) {
			static const char map[] = "\"\\/\b\f\n\r\t";
			buf[o++] = (unsigned char)map[simple - "\"\\/bfnrt"];
			i += 2;
			continue;
		}
		if (e != 'u') {
			if (e >= 0x21 && e < 0x7F)
				return fail_at(ps, i,
				               "invalid escape \"\\%c\" in "
				               "string",
				               e);
			return fail_at(ps, i, "invalid escape in string");
		}
		long cp = hex4(p + i + 2, end);
		if (cp < 0) {
			char q[8];
			size_t k = 0;
			for (size_t j = i + 2; j < close && k < 4; j++, k++)
				q[k] = (char)(p[j] > 0x20 && p[j] < 0x7F ? p[j]
				                                         : '?');
			q[k] = '\0';
			return fail_at(ps, i,
			               "invalid escape \"\\u%s\" in string", q);
		}
		size_t esc = 6;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			long lo = -1;
			if (close - i >= 12 && p[i + 6] == '\\' &&
			    p[i + 7] == 'u')
				lo = hex4(p + i + 8, end);
			if (lo < 0xDC00 || lo > 0xDFFF)
				return fail_at(ps, i,
				               "unpaired surrogate "
				               "\"\\u%04lX\" in string",
				               (unsigned long)cp);
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			esc = 12;
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			return fail_at(ps, i,
			               "unpaired surrogate \"\\u%04lX\" in "
			               "string",
			               (unsigned long)cp);
		}
		o += put_utf8(buf + o, (unsigned long)cp);
		i += esc;
	}
	buf[o] = '\0';
	*out = (const char *)buf;
	*outlen = o;
	ps->pos = close + 1;
	return 0;
}

static int
is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-' ||
	       c == '.';
}

/* Length of the run of word characters at pos, for literals/numbers. */
static size_t
word_len(const struct parser *ps, size_t pos)
{
	size_t n = 0;
	while (pos + n < ps->len && is_word(ps->p[pos + n]))
		n++;
	return n;
}

static int
valid_number(const unsigned char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
	} else if (i < n && s[i] >= '1' && s[i] <= '9') {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return 0;
	}
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

static void
skip_ws(struct parser *ps)
{
	while (ps->pos < ps->len) {
		unsigned char c = ps->p[ps->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		ps->pos++;
	}
}

static int
push_entry(struct parser *ps)
{
	if (ps->nstack == ps->capstack) {
		size_t cap = ps->capstack ? ps->capstack * 2 : 64;
		if (cap > SIZE_MAX / sizeof *ps->stack)
			return fail_nomem(ps);
		void *n = er_realloc(ps->stack, cap * sizeof *ps->stack);
		if (!n)
			return fail_nomem(ps);
		ps->stack = n;
		ps->capstack = cap;
	}
	memset(&ps->stack[ps->nstack++], 0, sizeof *ps->stack);
	return 0;
}

/* A value is complete: store it where its container wants it. */
static int
finish_value(struct parser *ps, const struct er_json *v)
{
	if (ps->depth == 0) {
		ps->doc->root = *v;
		return 0;
	}
	if (ps->frames[ps->depth - 1].type == ER_JSON_ARRAY && push_entry(ps))
		return -1;
	ps->stack[ps->nstack - 1].value = *v;
	return 0;
}

static int
open_container(struct parser *ps, enum er_json_type type)
{
	if (ps->depth == ER_JSON_MAX_DEPTH)
		return fail_at(ps, ps->pos, "nesting deeper than %d levels",
		               ER_JSON_MAX_DEPTH);
	struct frame *f = &ps->frames[ps->depth++];
	f->type = type;
	f->base = ps->nstack;
	f->start = ps->pos;
	locate(ps, ps->pos, &f->line, &f->column);
	ps->pos++;
	return 0;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct er_json_member *x =
	    *(const struct er_json_member *const *)a;
	const struct er_json_member *y =
	    *(const struct er_json_member *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int
same_key(const struct er_json_member *x, const struct er_json_member *y)
{
	return x->key_len == y->key_len && !memcmp(x->key, y->key, x->key_len);
}

/* The first member (in document order) whose key an earlier member
 * already has, or NULL. */
static const struct er_json_member *
find_duplicate(struct parser *ps, const struct er_json_member *m, size_t n,
               int *nomem)
{
	const struct er_json_member *dup = NULL;
	*nomem = 0;
	if (n < 2)
		return NULL;
	if (n <= 16) {
		for (size_t j = 1; j < n && !dup; j++)
			for (size_t i = 0; i < j; i++)
				if (same_key(&m[i], &m[j])) {
					dup = &m[j];
					break;
				}
		return dup;
	}
	const struct er_json_member **idx =
	    er_malloc(n * sizeof(const struct er_json_member *));
	if (!idx) {
		*nomem = 1;
		fail_nomem(ps);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = &m[i];
	qsort(idx, n, sizeof(const struct er_json_member *), key_cmp);
	for (size_t i = 1; i < n; i++) {
		/* idx[i] repeats the key of the first of its group */
		if (same_key(idx[i - 1], idx[i]) &&
		    (i < 2 || !same_key(idx[i - 2], idx[i])) &&
		    (!dup || idx[i] < dup))
			dup = idx[i];
	}
	er_free(idx);
	return dup;
}

static int
close_container(struct parser *ps)
{
	struct frame *f = &ps->frames[--ps->depth];
	size_t k = ps->nstack - f->base;
	struct er_json v = {
	    .type = f->type,
	    .line = f->line,
	    .column = f->column,
	    .start = f->start,
	    .end = ps->pos + 1,
	    .n = k,
	};
	/* the stack is NULL until the first entry */
	const struct er_json_member *src = k ? ps->stack + f->base : NULL;
	if (f->type == ER_JSON_ARRAY && k) {
		if (k > SIZE_MAX / sizeof(struct er_json))
			return fail_nomem(ps);
		struct er_json *items =
		    arena_alloc(ps->doc, k * sizeof(struct er_json));
		if (!items)
			return fail_nomem(ps);
		for (size_t i = 0; i < k; i++)
			items[i] = src[i].value;
		v.u.items = items;
	} else if (f->type == ER_JSON_OBJECT && k) {
		if (k > SIZE_MAX / sizeof(struct er_json_member))
			return fail_nomem(ps);
		struct er_json_member *members =
		    arena_alloc(ps->doc, k * sizeof(struct er_json_member));
		if (!members)
			return fail_nomem(ps);
		memcpy(members, src, k * sizeof *members);
		int nomem;
		const struct er_json_member *dup =
		    find_duplicate(ps, members, k, &nomem);
		if (nomem)
			return -1;
		if (dup) {
			char q[80];
			quote(q, sizeof q, dup->key, dup->key_len);
			return fail_key(ps, dup,
			                "duplicate key \"%s\" in object", q);
		}
		v.u.members = members;
	}
	ps->nstack = f->base;
	ps->pos++;
	return finish_value(ps, &v);
}

static const char *
want_message(enum want w)
{
	switch (w) {
	case WANT_TOP:
		return "expected a JSON value";
	case WANT_FIRST_ITEM:
		return "expected a value or ']'";
	case WANT_NEXT_ITEM:
		return "expected a value after ','";
	case WANT_MEMBER_VALUE:
		return "expected a value after ':'";
	}
	return "expected a value";
}

/* Fails with msg at the current position, saying so when it is the end
 * of the input. */
static int
fail_expected(struct parser *ps, const char *msg)
{
	if (ps->pos >= ps->len)
		return fail_at(ps, ps->pos, "unexpected end of input: %s", msg);
	return fail_at(ps, ps->pos, "%s", msg);
}

/* Parses the string, number or literal at ps->pos into v. */
static int
parse_scalar(struct parser *ps, enum want want, struct er_json *v)
{
	size_t start = ps->pos;
	unsigned char c = ps->p[start];
	memset(v, 0, sizeof *v);
	v->start = start;
	locate(ps, start, &v->line, &v->column);
	if (c == '"') {
		v->type = ER_JSON_STRING;
		if (parse_string(ps, &v->u.str, &v->n))
			return -1;
		v->end = ps->pos;
		return 0;
	}
	if (c == '\'')
		return fail_at(ps, start,
		               "strings must be in double quotes, not single");
	size_t n = word_len(ps, start);
	if (n == 0)
		return fail_expected(ps, want_message(want));
	const unsigned char *s = ps->p + start;
	char q[48];
	quote(q, sizeof q, (const char *)s, n);
	if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) {
		if (!valid_number(s, n))
			return fail_at(ps, start, "invalid number \"%s\"", q);
		v->type = ER_JSON_NUMBER;
	} else if (n == 4 && !memcmp(s, "true", 4)) {
		v->type = ER_JSON_TRUE;
	} else if (n == 5 && !memcmp(s, "false", 5)) {
		v->type = ER_JSON_FALSE;
	} else if (n == 4 && !memcmp(s, "null", 4)) {
		v->type = ER_JSON_NULL;
	} else {
		return fail_at(ps, start, "invalid literal \"%s\"", q);
	}
	ps->pos = start + n;
	v->end = ps->pos;
	return 0;
}

static int
parse_key(struct parser *ps, int first)
{
	skip_ws(ps);
	if (ps->pos >= ps->len || ps->p[ps->pos] != '"')
		return fail_expected(ps, first ? "expected a string key or '}'"
		                               : "expected a string key after "
		                                 "','");
	if (push_entry(ps))
		return -1;
	struct er_json_member *m = &ps->stack[ps->nstack - 1];
	locate(ps, ps->pos, &m->line, &m->column);
	const char *key = NULL;
	size_t key_len = 0;
	if (parse_string(ps, &key, &key_len))
		return -1;
	/* parse_string may not move the stack, but re-fetch to be safe */
	m = &ps->stack[ps->nstack - 1];
	m->key = key;
	m->key_len = key_len;
	skip_ws(ps);
	if (ps->pos >= ps->len || ps->p[ps->pos] != ':')
		return fail_expected(ps, "expected ':' after object key");
	ps->pos++;
	return 0;
}

static int
parse(struct parser *ps)
{
	enum want want = WANT_TOP;
	struct er_json v;

value:
	skip_ws(ps);
	if (ps->pos >= ps->len) {
		if (want == WANT_TOP)
			return fail_at(ps, ps->pos, "the input is empty");
		return fail_expected(ps, want_message(want));
	}
	if (ps->p[ps->pos] == '{') {
		if (open_container(ps, ER_JSON_OBJECT))
			return -1;
		skip_ws(ps);
		if (ps->pos < ps->len && ps->p[ps->pos] == '}') {
			if (close_container(ps))
				return -1;
			goto after;
		}
		if (parse_key(ps, 1))
			return -1;
		want = WANT_MEMBER_VALUE;
		goto value;
	}
	if (ps->p[ps->pos] == '[') {
		if (open_container(ps, ER_JSON_ARRAY))
			return -1;
		skip_ws(ps);
		if (ps->pos < ps->len && ps->p[ps->pos] == ']') {
			if (close_container(ps))
				return -1;
			goto after;
		}
		want = WANT_FIRST_ITEM;
		goto value;
	}
	if (parse_scalar(ps, want, &v) || finish_value(ps, &v))
		return -1;

after:
	skip_ws(ps);
	if (ps->depth == 0) {
		if (ps->pos < ps->len)
			return fail_at(ps, ps->pos,
			               "unexpected text after the JSON value");
		return 0;
	}
	if (ps->frames[ps->depth - 1].type == ER_JSON_ARRAY) {
		if (ps->pos < ps->len && ps->p[ps->pos] == ',') {
			ps->pos++;
			want = WANT_NEXT_ITEM;
			goto value;
		}
		if (ps->pos < ps->len && ps->p[ps->pos] == ']') {
			if (close_container(ps))
				return -1;
			goto after;
		}
		return fail_expected(ps,
		                     "expected ',' or ']' after array element");
	}
	if (ps->pos < ps->len && ps->p[ps->pos] == ',') {
		ps->pos++;
		if (parse_key(ps, 0))
			return -1;
		want = WANT_MEMBER_VALUE;
		goto value;
	}
	if (ps->pos < ps->len && ps->p[ps->pos] == '}') {
		if (close_container(ps))
			return -1;
		goto after;
	}
	return fail_expected(ps, "expected ',' or '}' after object member");
}

struct er_json_doc *
er_json_parse(const char *path, const char *data, size_t len,
              struct er_error *err)
{
	struct parser *ps = er_malloc(sizeof *ps);
	if (!ps) {
		er_fail(err, ER_ENOMEM, path, "out of memory parsing JSON");
		return NULL;
	}
	memset(ps, 0, offsetof(struct parser, frames));
	ps->depth = 0;
	ps->path = path ? path : "";
	ps->p = (const unsigned char *)data;
	ps->len = data ? len : 0;
	ps->err = err;
	if (ps->len >= 3 && !memcmp(ps->p, "\xEF\xBB\xBF", 3))
		ps->bom = ps->pos = 3;
	ps->cur_pos = ps->bom;
	ps->cur_line = ps->cur_col = 1;
	ps->doc = er_calloc(1, sizeof *ps->doc);
	if (!ps->doc) {
		fail_nomem(ps);
		er_free(ps);
		return NULL;
	}
	struct er_json_doc *doc = ps->doc;
	if (parse(ps)) {
		er_json_destroy(doc);
		doc = NULL;
	}
	er_free(ps->stack);
	er_free(ps);
	return doc;
}

void
er_json_destroy(struct er_json_doc *doc)
{
	if (!doc)
		return;
	struct chunk *c = doc->chunks;
	while (c) {
		struct chunk *next = c->next;
		er_free(c);
		c = next;
	}
	er_free(doc);
}

const struct er_json *
er_json_root(const struct er_json_doc *doc)
{
	return doc ? &doc->root : NULL;
}

const struct er_json *
er_json_get(const struct er_json *obj, const char *key)
{
	if (!obj || obj->type != ER_JSON_OBJECT || !key)
		return NULL;
	size_t n = strlen(key);
	for (size_t i = 0; i < obj->n; i++) {
		const struct er_json_member *m = &obj->u.members[i];
		if (m->key_len == n && !memcmp(m->key, key, n))
			return &m->value;
	}
	return NULL;
}

const char *
er_json_type_name(enum er_json_type type)
{
	switch (type) {
	case ER_JSON_NULL:
		return "null";
	case ER_JSON_FALSE:
		return "false";
	case ER_JSON_TRUE:
		return "true";
	case ER_JSON_NUMBER:
		return "a number";
	case ER_JSON_STRING:
		return "a string";
	case ER_JSON_ARRAY:
		return "an array";
	case ER_JSON_OBJECT:
		return "an object";
	}
	return "a value";
}
