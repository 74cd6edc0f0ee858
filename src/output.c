/* Atomic, owner-only output files (temporary file + rename). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

FILE *
er_output_open(const char *dst, char *tmp, size_t tmplen,
	       struct er_error *err)
{
	if ((size_t)snprintf(tmp, tmplen, "%s.XXXXXX", dst) >= tmplen) {
		er_fail(err, ER_EIO, dst, "path is too long");
		return NULL;
	}
	int fd = mkstemp(tmp); /* mode 0600 */
	if (fd < 0) {
		er_fail(err, ER_EIO, dst, "cannot create: %s",
			strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		er_fail(err, ER_EIO, dst, "cannot create: %s",
			strerror(errno));
		close(fd);
		unlink(tmp);
		return NULL;
	}
	return f;
}

enum er_code
er_output_commit(FILE *f, const char *tmp, const char *dst,
		 struct er_error *err)
{
	int bad = fflush(f) != 0 || ferror(f);
	int e = errno;
	if (!bad && fsync(fileno(f)) != 0) {
		bad = 1;
		e = errno;
	}
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		unlink(tmp);
		return er_fail(err, ER_EIO, dst, "write failed: %s",
			       strerror(e));
	}
	if (rename(tmp, dst) != 0) {
		e = errno;
		unlink(tmp);
		return er_fail(err, ER_EIO, dst, "cannot rename into place: %s",
			       strerror(e));
	}
	return ER_OK;
}

void
er_output_abort(FILE *f, const char *tmp)
{
	if (f)
		fclose(f);
	unlink(tmp);
}
