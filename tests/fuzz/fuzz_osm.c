/* Fuzz target for the OpenStreetMap XML reader: any bytes must give
 * base-map features or a clean ER_EPARSE/ER_ENOMEM, never a crash, leak
 * or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/basemap.h"
#include <evacreg/error.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum er_code
touch(const struct er_feature *f, void *ud, struct er_error *err)
{
	(void)err;
	size_t *sum = ud;
	const char *layer = er_feature_get(f, "layer");
	/* every feature names one of the four layers and has a kind and
	 * a GeoJSON line or polygon */
	if (!layer || (strcmp(layer, "roads") && strcmp(layer, "buildings") &&
	               strcmp(layer, "water") && strcmp(layer, "rivers")))
		abort();
	if (!er_feature_get(f, "kind") || !er_feature_get(f, "osm_id"))
		abort();
	if (f->geom_format != ER_GEOM_GEOJSON || !f->geom_text)
		abort();
	if (strncmp(f->geom_text, "{\"type\":\"LineString\"", 20) != 0 &&
	    strncmp(f->geom_text, "{\"type\":\"Polygon\"", 17) != 0)
		abort();
	*sum += strlen(f->geom_text) + f->line;
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
	    er_osm_read("fuzz.osm", copy, size, touch, &sum, &err);
	if (rc != ER_OK && rc != ER_EPARSE && rc != ER_ENOMEM)
		abort();
	if (rc != ER_OK && (err.code != rc || !err.message[0]))
		abort();
	free(copy);
	return 0;
}
