/* Output files written to a private temporary file beside the target and
 * renamed into place, so a failed export never leaves half a file. */
#ifndef ER_SRC_OUTPUT_H
#define ER_SRC_OUTPUT_H

#include <stdio.h>

#include <evacreg/error.h>

/* Creates "<dst>.XXXXXX" (mode 0600) and returns it open for writing;
 * its name goes to tmp. Errors: ER_EIO. */
FILE *er_output_open(const char *dst, char *tmp, size_t tmplen,
		     struct er_error *err);
/* Flushes, syncs, closes f and renames tmp to dst. On failure removes
 * tmp. Errors: ER_EIO. */
enum er_code er_output_commit(FILE *f, const char *tmp, const char *dst,
			      struct er_error *err);
/* Closes f and removes tmp. */
void er_output_abort(FILE *f, const char *tmp);

#endif
