/* A small strict JSON (RFC 8259) parser that builds a read-only tree and
 * remembers where each value came from, for the GeoJSON reader. */
#ifndef ER_SRC_JSON_H
#define ER_SRC_JSON_H

#include <stddef.h>

#include <evacreg/error.h>

/* Arrays and objects may nest this deep; one more level is an error. */
#define ER_JSON_MAX_DEPTH 256

enum er_json_type {
	ER_JSON_NULL = 0,
	ER_JSON_FALSE,
	ER_JSON_TRUE,
	ER_JSON_NUMBER,
	ER_JSON_STRING,
	ER_JSON_ARRAY,
	ER_JSON_OBJECT,
};

struct er_json_member;

struct er_json {
	enum er_json_type type;
	unsigned line;   /* 1-based line of the value's first character */
	unsigned column; /* 1-based column, counted in characters */
	size_t start;    /* byte offset of the value in the input */
	size_t end;      /* one past its last byte: the text is [start, end) */
	/* string: bytes in u.str (a \u0000 escape may put NULs inside);
	 * array: number of items; object: number of members; else 0 */
	size_t n;
	union {
		const char *str; /* decoded UTF-8, NUL-terminated */
		const struct er_json *items;
		const struct er_json_member *members; /* in document order */
	} u;
};

struct er_json_member {
	const char *key; /* decoded UTF-8, NUL-terminated */
	size_t key_len;
	unsigned line, column; /* where the key starts */
	struct er_json value;
};

/* A parsed document; owns every node and string reachable from it. */
struct er_json_doc;

/* Parses data[0..len) as one JSON text (a UTF-8 BOM is skipped). Numbers
 * are checked against the RFC grammar and kept as source text: read them
 * with data + start, end - start. Duplicate keys in an object are an
 * error. Returns NULL on failure: ER_EPARSE with where = "path:line:column"
 * and a message such as "expected ',' or '}' after object member", or
 * ER_ENOMEM. Caller destroys with er_json_destroy(). */
struct er_json_doc *er_json_parse(const char *path, const char *data,
                                  size_t len, struct er_error *err);

/* Frees doc and everything in it. NULL: no-op. */
void er_json_destroy(struct er_json_doc *doc);

/* The top-level value. Borrowed from doc. */
const struct er_json *er_json_root(const struct er_json_doc *doc);

/* The value of member key in object obj, or NULL when obj is not an object
 * or has no such member. Borrowed. */
const struct er_json *er_json_get(const struct er_json *obj, const char *key);

/* "an object", "an array", "a string", "a number", "true", "false" or
 * "null", for messages. Static string. */
const char *er_json_type_name(enum er_json_type type);

#endif
