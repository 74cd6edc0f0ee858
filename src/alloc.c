/* Allocation wrappers: one place to count allocations for oom tests. */
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evacreg/error.h>
#include "alloc.h"

static long fail_countdown;

static int
should_fail(void)
{
	if (fail_countdown <= 0)
		return 0;
	return --fail_countdown == 0;
}

long
er_alloc_countdown(void)
{
	return fail_countdown;
}

void
er_alloc_fail_after(long n)
{
	fail_countdown = n;
}

void *
er_malloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *
er_calloc(size_t n, size_t size)
{
	if (should_fail())
		return NULL;
	return calloc(n ? n : 1, size ? size : 1);
}

void *
er_realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

char *
er_strndup(const char *s, size_t n)
{
	char *d = er_malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *
er_strdup(const char *s)
{
	return er_strndup(s, strlen(s));
}

char *
er_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = er_malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void
er_free(void *p)
{
	free(p);
}

int
er_grow(void *pp, size_t *cap, size_t n, size_t elem, size_t first)
{
	if (n <= *cap)
		return 0;
	size_t c = *cap ? *cap : first;
	while (c < n) {
		if (c > SIZE_MAX / 2)
			return -1;
		c *= 2;
	}
	if (c > SIZE_MAX / elem)
		return -1;
	void *p = er_realloc(*(void **)pp, c * elem);
	if (!p)
		return -1;
	*(void **)pp = p;
	*cap = c;
	return 0;
}
