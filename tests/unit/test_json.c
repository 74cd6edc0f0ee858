/* Unit tests for the JSON parser: values, positions and spans, escapes,
 * UTF-8, limits, and every kind of malformed input with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/alloc.h"
#include "src/json.h"
#include <evacreg/error.h>

static struct er_json_doc *
parse_ok(const char *s, size_t len)
{
	struct er_error err;
	er_error_clear(&err);
	struct er_json_doc *doc = er_json_parse("t.json", s, len, &err);
	if (!doc)
		fail_msg("parse failed: %s: %s", err.where, err.message);
	assert_int_equal(err.code, ER_OK);
	return doc;
}

static void
expect_error(const char *s, size_t len, const char *where, const char *message)
{
	struct er_error err;
	er_error_clear(&err);
	struct er_json_doc *doc = er_json_parse("t.json", s, len, &err);
	if (doc) {
		er_json_destroy(doc);
		fail_msg("parsed, but expected \"%s\"", message);
	}
	assert_int_equal(err.code, ER_EPARSE);
	assert_string_equal(err.where, where);
	assert_string_equal(err.message, message);
}

#define PARSE(s) parse_ok(s, sizeof(s) - 1)
#define EXPECT_ERROR(s, where, msg) expect_error(s, sizeof(s) - 1, where, msg)

/* The source text of v. */
static void
assert_span(const char *src, const struct er_json *v, const char *text)
{
	size_t n = strlen(text);
	if (v->end - v->start != n || memcmp(src + v->start, text, n) != 0)
		fail_msg("span is \"%.*s\", expected \"%s\"",
		         (int)(v->end - v->start), src + v->start, text);
}

static void
test_scalars(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum er_json_type type;
	} cases[] = {
	    {"null", ER_JSON_NULL},    {"true", ER_JSON_TRUE},
	    {"false", ER_JSON_FALSE},  {"0", ER_JSON_NUMBER},
	    {"-0", ER_JSON_NUMBER},    {"12.5e-3", ER_JSON_NUMBER},
	    {"1E+10", ER_JSON_NUMBER}, {"-0.0", ER_JSON_NUMBER},
	    {"\"\"", ER_JSON_STRING},  {"[]", ER_JSON_ARRAY},
	    {"{}", ER_JSON_OBJECT},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[64];
		snprintf(buf, sizeof buf, " \n\t%s\r\n", cases[i].text);
		struct er_json_doc *doc = parse_ok(buf, strlen(buf));
		const struct er_json *v = er_json_root(doc);
		assert_int_equal(v->type, cases[i].type);
		assert_int_equal(v->line, 2);
		assert_int_equal(v->column, 2);
		assert_span(buf, v, cases[i].text);
		assert_int_equal(v->n, 0);
		er_json_destroy(doc);
	}
}

static void
test_tree_and_positions(void **state)
{
	(void)state;
	static const char src[] = "{\n"
	                          "  \"名前\": \"苫小牧\",\n"
	                          "  \"list\": [1, {\"a\": null}, [] ],\n"
	                          "  \"n\": -1.50e+2\n"
	                          "}";
	struct er_json_doc *doc = PARSE(src);
	const struct er_json *root = er_json_root(doc);
	assert_int_equal(root->type, ER_JSON_OBJECT);
	assert_int_equal(root->n, 3);
	assert_int_equal(root->line, 1);
	assert_int_equal(root->column, 1);
	assert_span(src, root, src);

	const struct er_json_member *m = &root->u.members[0];
	assert_string_equal(m->key, "名前");
	assert_int_equal(m->key_len, strlen("名前"));
	assert_int_equal(m->line, 2);
	assert_int_equal(m->column, 3);
	assert_int_equal(m->value.type, ER_JSON_STRING);
	assert_string_equal(m->value.u.str, "苫小牧");
	/* columns count characters: "名前" are two */
	assert_int_equal(m->value.line, 2);
	assert_int_equal(m->value.column, 9);
	assert_span(src, &m->value, "\"苫小牧\"");

	const struct er_json *list = er_json_get(root, "list");
	assert_non_null(list);
	assert_int_equal(list->type, ER_JSON_ARRAY);
	assert_int_equal(list->n, 3);
	assert_int_equal(list->line, 3);
	assert_int_equal(list->column, 11);
	assert_span(src, list, "[1, {\"a\": null}, [] ]");
	assert_int_equal(list->u.items[0].type, ER_JSON_NUMBER);
	assert_span(src, &list->u.items[0], "1");
	assert_int_equal(list->u.items[1].type, ER_JSON_OBJECT);
	assert_int_equal(list->u.items[1].column, 15);
	assert_span(src, &list->u.items[1], "{\"a\": null}");
	const struct er_json *a = er_json_get(&list->u.items[1], "a");
	assert_non_null(a);
	assert_int_equal(a->type, ER_JSON_NULL);
	assert_int_equal(list->u.items[2].type, ER_JSON_ARRAY);
	assert_int_equal(list->u.items[2].n, 0);
	assert_null(list->u.items[2].u.items);

	const struct er_json *n = er_json_get(root, "n");
	assert_span(src, n, "-1.50e+2");
	assert_int_equal(n->line, 4);
	assert_int_equal(n->column, 8);

	assert_null(er_json_get(root, "missing"));
	assert_null(er_json_get(list, "a"));
	assert_null(er_json_get(NULL, "a"));
	er_json_destroy(doc);
}

static void
test_escapes(void **state)
{
	(void)state;
	static const char src[] =
	    "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u00e9\\u3042\", "
	    "\"\\ud83d\\ude00\", \"x\\u0000y\", \"\\u00E9\", \"日本語\"]";
	struct er_json_doc *doc = PARSE(src);
	const struct er_json *r = er_json_root(doc);
	assert_int_equal(r->n, 6);
	assert_string_equal(r->u.items[0].u.str, "a\"b\\c/d\b\f\n\r\t");
	assert_string_equal(r->u.items[1].u.str, "\xC3\xA9\xE3\x81\x82");
	assert_string_equal(r->u.items[2].u.str, "\xF0\x9F\x98\x80");
	assert_int_equal(r->u.items[3].n, 3);
	assert_memory_equal(r->u.items[3].u.str, "x\0y", 4);
	assert_string_equal(r->u.items[4].u.str, "é");
	assert_string_equal(r->u.items[5].u.str, "日本語");
	assert_int_equal(r->u.items[5].n, 9);
	er_json_destroy(doc);
}

static void
test_bom_and_crlf(void **state)
{
	(void)state;
	static const char src[] = "\xEF\xBB\xBF{\r\n\"a\": [\r\n  true]}";
	struct er_json_doc *doc = PARSE(src);
	const struct er_json *r = er_json_root(doc);
	assert_int_equal(r->column, 1);
	const struct er_json *a = er_json_get(r, "a");
	assert_int_equal(a->line, 2);
	assert_int_equal(a->column, 6);
	assert_int_equal(a->u.items[0].line, 3);
	assert_int_equal(a->u.items[0].column, 3);
	er_json_destroy(doc);
	/* a BOM is not whitespace: after it, positions start at 1:1 */
	EXPECT_ERROR("\xEF\xBB\xBFx", "t.json:1:1", "invalid literal \"x\"");
}

static void
test_structure_errors(void **state)
{
	(void)state;
	EXPECT_ERROR("{\"a\":1 \"b\":2}", "t.json:1:8",
	             "expected ',' or '}' after object member");
	EXPECT_ERROR("[1 2]", "t.json:1:4",
	             "expected ',' or ']' after array element");
	EXPECT_ERROR("{\"a\" 1}", "t.json:1:6",
	             "expected ':' after object key");
	EXPECT_ERROR("{1:2}", "t.json:1:2", "expected a string key or '}'");
	EXPECT_ERROR("{\"a\":1,}", "t.json:1:8",
	             "expected a string key after ','");
	EXPECT_ERROR("[1,]", "t.json:1:4", "expected a value after ','");
	EXPECT_ERROR("[,1]", "t.json:1:2", "expected a value or ']'");
	EXPECT_ERROR("{\"a\":}", "t.json:1:6", "expected a value after ':'");
	EXPECT_ERROR("[1,\n  あ]", "t.json:2:3", "expected a value after ','");
	EXPECT_ERROR("]", "t.json:1:1", "expected a JSON value");
	EXPECT_ERROR("\xFF", "t.json:1:1", "expected a JSON value");
	EXPECT_ERROR("{} x", "t.json:1:4",
	             "unexpected text after the JSON value");
	EXPECT_ERROR("1 2", "t.json:1:3",
	             "unexpected text after the JSON value");
	EXPECT_ERROR("{\"a\":1}}", "t.json:1:8",
	             "unexpected text after the JSON value");
	EXPECT_ERROR("['a']", "t.json:1:2",
	             "strings must be in double quotes, not single");
	EXPECT_ERROR("{\"名前\": 1 x}", "t.json:1:10",
	             "expected ',' or '}' after object member");
}

static void
test_end_of_input(void **state)
{
	(void)state;
	EXPECT_ERROR("", "t.json:1:1", "the input is empty");
	EXPECT_ERROR(" \n ", "t.json:2:2", "the input is empty");
	EXPECT_ERROR("[", "t.json:1:2",
	             "unexpected end of input: expected a value or ']'");
	EXPECT_ERROR("[1,", "t.json:1:4",
	             "unexpected end of input: expected a value after ','");
	EXPECT_ERROR("{\"a\":1", "t.json:1:7",
	             "unexpected end of input: expected ',' or '}' after "
	             "object member");
	EXPECT_ERROR("{\"a\"", "t.json:1:5",
	             "unexpected end of input: expected ':' after object key");
	EXPECT_ERROR("{\"a\":\n", "t.json:2:1",
	             "unexpected end of input: expected a value after ':'");
	EXPECT_ERROR("{", "t.json:1:2",
	             "unexpected end of input: expected a string key or '}'");
	EXPECT_ERROR("[1", "t.json:1:3",
	             "unexpected end of input: expected ',' or ']' after "
	             "array element");
	EXPECT_ERROR("[\"abc", "t.json:1:2", "unterminated string");
	EXPECT_ERROR("\"abc\\\"", "t.json:1:1", "unterminated string");
	EXPECT_ERROR("\"abc\\", "t.json:1:1", "unterminated string");
	assert_null(er_json_parse("t.json", NULL, 5, NULL));
}

static void
test_string_errors(void **state)
{
	(void)state;
	EXPECT_ERROR("\"a\\qb\"", "t.json:1:3",
	             "invalid escape \"\\q\" in string");
	EXPECT_ERROR("\"a\\\xC3\xA9\"", "t.json:1:3",
	             "invalid escape in string");
	EXPECT_ERROR("\"\\u12G4\"", "t.json:1:2",
	             "invalid escape \"\\u12G4\" in string");
	EXPECT_ERROR("\"\\u12\"", "t.json:1:2",
	             "invalid escape \"\\u12\" in string");
	EXPECT_ERROR("\"\\ud800\"", "t.json:1:2",
	             "unpaired surrogate \"\\uD800\" in string");
	EXPECT_ERROR("\"\\ud800\\u0041\"", "t.json:1:2",
	             "unpaired surrogate \"\\uD800\" in string");
	EXPECT_ERROR("\"x\\udc00\"", "t.json:1:3",
	             "unpaired surrogate \"\\uDC00\" in string");
	EXPECT_ERROR("\"a\tb\"", "t.json:1:3",
	             "unescaped control character U+0009 in string");
	EXPECT_ERROR("[\"a\nb\"]", "t.json:1:4",
	             "unescaped control character U+000A in string");
	EXPECT_ERROR("\"\xFF\"", "t.json:1:2", "invalid UTF-8 in string");
	EXPECT_ERROR("\"ab\xC0\xAF\"", "t.json:1:4", "invalid UTF-8 in string");
	EXPECT_ERROR("\"\xED\xA0\x80\"", "t.json:1:2",
	             "invalid UTF-8 in string");
	EXPECT_ERROR("\"\xF4\x90\x80\x80\"", "t.json:1:2",
	             "invalid UTF-8 in string");
	EXPECT_ERROR("\"あ\xE3\x81\"", "t.json:1:3", "invalid UTF-8 in string");
	EXPECT_ERROR("{\"k\x80\": 1}", "t.json:1:4", "invalid UTF-8 in string");
}

static void
test_number_and_literal_errors(void **state)
{
	(void)state;
	EXPECT_ERROR("01", "t.json:1:1", "invalid number \"01\"");
	EXPECT_ERROR("[1.]", "t.json:1:2", "invalid number \"1.\"");
	EXPECT_ERROR(".5", "t.json:1:1", "invalid number \".5\"");
	EXPECT_ERROR("+1", "t.json:1:1", "invalid number \"+1\"");
	EXPECT_ERROR("-", "t.json:1:1", "invalid number \"-\"");
	EXPECT_ERROR("1e", "t.json:1:1", "invalid number \"1e\"");
	EXPECT_ERROR("1e+", "t.json:1:1", "invalid number \"1e+\"");
	EXPECT_ERROR("-Infinity", "t.json:1:1", "invalid number \"-Infinity\"");
	EXPECT_ERROR("0x10", "t.json:1:1", "invalid number \"0x10\"");
	EXPECT_ERROR("1.5.5", "t.json:1:1", "invalid number \"1.5.5\"");
	EXPECT_ERROR("True", "t.json:1:1", "invalid literal \"True\"");
	EXPECT_ERROR("[nul]", "t.json:1:2", "invalid literal \"nul\"");
	EXPECT_ERROR("nulls", "t.json:1:1", "invalid literal \"nulls\"");
	EXPECT_ERROR("NaN", "t.json:1:1", "invalid literal \"NaN\"");
	EXPECT_ERROR("{\"a\": undefined}", "t.json:1:7",
	             "invalid literal \"undefined\"");
	EXPECT_ERROR(
	    "123456789012345678901234567890123456789x", "t.json:1:1",
	    "invalid number \"123456789012345678901234567890123456789x\"");
	EXPECT_ERROR("12345678901234567890123456789012345678901234567890x",
	             "t.json:1:1",
	             "invalid number "
	             "\"1234567890123456789012345678901234567890...\"");
}

static void
test_duplicate_keys(void **state)
{
	(void)state;
	EXPECT_ERROR("{\"a\":1,\"b\":2,\"a\":3}", "t.json:1:14",
	             "duplicate key \"a\" in object");
	EXPECT_ERROR("{\"a\":{\"x\":1,\n  \"x\":2}}", "t.json:2:3",
	             "duplicate key \"x\" in object");
	/* a large object takes the sorted path; the first repeat counts */
	char buf[2048];
	size_t o = 0;
	o += (size_t)snprintf(buf + o, sizeof buf - o, "{");
	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "\"k%d\":%d,", i,
		                      i);
	o += (size_t)snprintf(buf + o, sizeof buf - o,
	                      "\"k30\":0,\"k7\":0,\"k\\u0031\":1}");
	struct er_error err;
	assert_null(er_json_parse("t.json", buf, o, &err));
	assert_int_equal(err.code, ER_EPARSE);
	assert_string_equal(err.message, "duplicate key \"k30\" in object");
	/* keys differing only after a \u0000 are different */
	struct er_json_doc *doc = PARSE("{\"a\\u0000b\":1,\"a\\u0000c\":2,"
	                                "\"a\":3}");
	assert_int_equal(er_json_root(doc)->n, 3);
	er_json_destroy(doc);
	/* the same key in different objects is fine */
	doc = PARSE("[{\"a\":1},{\"a\":2}]");
	er_json_destroy(doc);
}

static void
test_depth_limit(void **state)
{
	(void)state;
	char buf[2 * ER_JSON_MAX_DEPTH + 8];
	size_t n = 0;
	for (int i = 0; i < ER_JSON_MAX_DEPTH; i++)
		buf[n++] = '[';
	for (int i = 0; i < ER_JSON_MAX_DEPTH; i++)
		buf[n++] = ']';
	struct er_json_doc *doc = parse_ok(buf, n);
	er_json_destroy(doc);

	n = 0;
	for (int i = 0; i < ER_JSON_MAX_DEPTH + 1; i++)
		buf[n++] = i % 2 ? '[' : '{';
	struct er_error err;
	assert_null(er_json_parse("t.json", buf, n, &err));
	/* the 257th opening bracket; the one before expects a key */
	assert_int_equal(err.code, ER_EPARSE);

	n = 0;
	for (int i = 0; i < ER_JSON_MAX_DEPTH + 1; i++)
		buf[n++] = '[';
	assert_null(er_json_parse("t.json", buf, n, &err));
	assert_int_equal(err.code, ER_EPARSE);
	assert_string_equal(err.where, "t.json:1:257");
	assert_string_equal(err.message, "nesting deeper than 256 levels");

	/* a very deep input fails fast, without recursion */
	size_t big = 1000000;
	char *deep = malloc(big);
	assert_non_null(deep);
	memset(deep, '[', big);
	assert_null(er_json_parse("t.json", deep, big, &err));
	assert_string_equal(err.message, "nesting deeper than 256 levels");
	free(deep);
}

static void
test_large_and_not_nul_terminated(void **state)
{
	(void)state;
	/* 100000 items; the input is not NUL-terminated */
	size_t cap = 700000, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	buf[n++] = '[';
	for (int i = 0; i < 100000; i++)
		n +=
		    (size_t)snprintf(buf + n, cap - n, "%s%d", i ? "," : "", i);
	buf[n++] = ']';
	char *exact = malloc(n);
	assert_non_null(exact);
	memcpy(exact, buf, n);
	struct er_json_doc *doc = parse_ok(exact, n);
	const struct er_json *r = er_json_root(doc);
	assert_int_equal(r->n, 100000);
	assert_span(exact, &r->u.items[99999], "99999");
	assert_int_equal(r->u.items[99999].column, n - 5);
	er_json_destroy(doc);
	/* truncated inside a number: the error is at the end */
	struct er_error err;
	assert_null(er_json_parse("t.json", exact, n - 1, &err));
	assert_string_equal(err.message,
	                    "unexpected end of input: expected ',' or ']' "
	                    "after array element");
	free(exact);
	free(buf);
}

static void
test_type_names(void **state)
{
	(void)state;
	assert_string_equal(er_json_type_name(ER_JSON_OBJECT), "an object");
	assert_string_equal(er_json_type_name(ER_JSON_ARRAY), "an array");
	assert_string_equal(er_json_type_name(ER_JSON_STRING), "a string");
	assert_string_equal(er_json_type_name(ER_JSON_NUMBER), "a number");
	assert_string_equal(er_json_type_name(ER_JSON_TRUE), "true");
	assert_string_equal(er_json_type_name(ER_JSON_FALSE), "false");
	assert_string_equal(er_json_type_name(ER_JSON_NULL), "null");
	assert_null(er_json_root(NULL));
	er_json_destroy(NULL);
}

static void
test_out_of_memory(void **state)
{
	(void)state;
	/* enough values and keys for several arena chunks and stack growth */
	char buf[200000];
	size_t n = 0;
	n += (size_t)snprintf(buf + n, sizeof buf - n, "{\"s\":\"%s\",\"a\":[",
	                      "\\u3042 escaped");
	for (int i = 0; i < 5000; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n,
		                      "%s{\"k%d\":[%d,\"v\"]}", i ? "," : "",
		                      i % 20, i);
	n += (size_t)snprintf(buf + n, sizeof buf - n, "]}");
	int ok = 0;
	for (long fail = 1; fail < 100000 && !ok; fail++) {
		struct er_error err;
		er_error_clear(&err);
		er_alloc_fail_after(fail);
		struct er_json_doc *doc = er_json_parse("t.json", buf, n, &err);
		er_alloc_fail_after(0);
		if (doc) {
			ok = 1;
			er_json_destroy(doc);
		} else {
			assert_int_equal(err.code, ER_ENOMEM);
		}
	}
	assert_true(ok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scalars),
	    cmocka_unit_test(test_tree_and_positions),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_bom_and_crlf),
	    cmocka_unit_test(test_structure_errors),
	    cmocka_unit_test(test_end_of_input),
	    cmocka_unit_test(test_string_errors),
	    cmocka_unit_test(test_number_and_literal_errors),
	    cmocka_unit_test(test_duplicate_keys),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_large_and_not_nul_terminated),
	    cmocka_unit_test(test_type_names),
	    cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
