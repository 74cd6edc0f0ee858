/* Unit tests for error.c and alloc.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <evacreg/evacreg.h>
#include "alloc.h"

static void
test_fail_sets_record(void **state)
{
	(void)state;
	struct er_error e;
	enum er_code c = er_fail(&e, ER_EPARSE, "a.kml:42",
				 "Placemark \"%s\" has no <coordinates>",
				 "North School");
	assert_int_equal(c, ER_EPARSE);
	assert_int_equal(e.code, ER_EPARSE);
	assert_string_equal(e.where, "a.kml:42");
	assert_string_equal(e.message,
			    "Placemark \"North School\" has no <coordinates>");
	er_error_clear(&e);
	assert_int_equal(e.code, ER_OK);
	assert_string_equal(e.where, "");
	/* NULL err is allowed */
	assert_int_equal(er_fail(NULL, ER_EIO, NULL, "x"), ER_EIO);
}

static void
test_code_names(void **state)
{
	(void)state;
	for (int c = ER_OK; c <= ER_EUSAGE; c++)
		assert_string_not_equal(er_code_name((enum er_code)c),
					"unknown error");
}

static void
test_alloc_hook(void **state)
{
	(void)state;
	er_alloc_fail_after(2);
	char *a = er_strdup("a");
	char *b = er_strdup("b");
	char *c = er_strdup("c");
	assert_non_null(a);
	assert_null(b);
	assert_non_null(c);
	er_free(a);
	er_free(c);
	char *s = er_asprintf("%d-%s", 7, "x");
	assert_string_equal(s, "7-x");
	ER_FREE(s);
	assert_null(s);
}

static void
test_rate(void **state)
{
	(void)state;
	assert_int_equal(er_rate(1, 3, 1), 333);
	assert_int_equal(er_rate(2, 3, 1), 667);
	assert_int_equal(er_rate(1, 8, 1), 125);   /* 12.5 exactly */
	assert_int_equal(er_rate(1, 16, 1), 63);   /* 6.25 -> 6.3 half-up */
	assert_int_equal(er_rate(9008, 10000, 2), 9008);
	assert_int_equal(er_rate(5, 0, 1), -1);
	assert_int_equal(er_rate(0, 7, 2), 0);
	assert_int_equal(er_rate(7, 7, 2), 10000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_sets_record),
		cmocka_unit_test(test_code_names),
		cmocka_unit_test(test_alloc_hook),
		cmocka_unit_test(test_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
