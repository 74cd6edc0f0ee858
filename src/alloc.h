/* Allocation wrappers with a test hook so the oom tests can fail them. */
#ifndef ER_SRC_ALLOC_H
#define ER_SRC_ALLOC_H

#include <stddef.h>

void *er_malloc(size_t n);
void *er_calloc(size_t n, size_t size);
void *er_realloc(void *p, size_t n);
char *er_strdup(const char *s);
/* Makes *pp (an array of elem-byte items with room for *cap) hold at
 * least n items, doubling from first: 0, or -1 when out of memory
 * (*pp and *cap unchanged). */
int er_grow(void *pp, size_t *cap, size_t n, size_t elem, size_t first);
char *er_strndup(const char *s, size_t n);
/* printf into a new string; caller frees with er_free(). NULL on ENOMEM. */
char *er_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Test hook: when > 0, the Nth allocation from now fails (1 = the next). */
void er_alloc_fail_after(long n);
/* Allocations left before the injected failure; 0 once it happened or
 * when none is set. */
long er_alloc_countdown(void);

#define ER_FREE(p)                                                             \
	do {                                                                   \
		er_free(p);                                                    \
		(p) = NULL;                                                    \
	} while (0)

#endif
