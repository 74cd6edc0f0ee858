/* Helpers shared by the unit tests: scratch folders and small files. */
#ifndef ER_TESTS_TESTUTIL_H
#define ER_TESTS_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new scratch folder under $TMPDIR; removed by tu_rmdir(). */
static inline char *
tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p = malloc(4096);
	snprintf(p, 4096, "%s/evacreg-test-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

static inline void
tu_rmdir(char *dir)
{
	if (!dir)
		return;
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(dir);
}

static inline void
tu_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, len, f);
	fclose(f);
}

static inline void
tu_writes(const char *path, const char *text)
{
	tu_write(path, text, strlen(text));
}

/* Reads a whole file (NUL-terminated); NULL if missing. free() it. */
static inline char *
tu_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	b[n] = '\0';
	fclose(f);
	return b;
}

static inline int
tu_mode(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return -1;
	return (int)(sb.st_mode & 0777);
}

static inline char *
tu_path(const char *dir, const char *name)
{
	char *p = malloc(4200);
	snprintf(p, 4200, "%s/%s", dir, name);
	return p;
}

#endif
