/* Fuzz target for the GeoJSON reader: any bytes must give features or a
 * clean ER_EPARSE/ER_ENOMEM, never a crash, leak or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/feature.h"
#include <evacreg/error.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every byte of every property and the geometry. */
static enum er_code
touch(const struct er_feature *f, void *ud, struct er_error *err)
{
	(void)err;
	size_t *sum = ud;
	for (size_t i = 0; i < f->nprops; i++) {
		*sum += strlen(f->keys[i]);
		if (f->values[i])
			*sum += strlen(f->values[i]);
		if (!er_feature_get(f, f->keys[i]) && f->values[i])
			abort(); /* a key must find a value */
	}
	if ((f->geom_format == ER_GEOM_NONE) != (f->geom_text == NULL))
		abort();
	if (f->geom_text && f->geom_format != ER_GEOM_GEOJSON)
		abort();
	if (f->geom_text)
		*sum += strlen(f->geom_text);
	*sum += f->line + f->column + f->geom_line;
	return ER_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact copy, so reading past the end is caught */
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	struct er_error err;
	size_t sum = 0;
	enum er_code rc =
	    er_geojson_read("fuzz.geojson", copy, size, touch, &sum, &err);
	if (rc != ER_OK && rc != ER_EPARSE && rc != ER_ENOMEM)
		abort();
	if (rc != ER_OK && (err.code != rc || !err.message[0]))
		abort();
	free(copy);
	return 0;
}
