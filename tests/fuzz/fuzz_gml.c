/* Fuzz target for the GML reader: any bytes must give features or a
 * clean error, and every geometry must be well-formed GML in the one
 * form written for SpatiaLite's GeomFromGML(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/feature.h"
#include "src/xml.h"
#include <evacreg/error.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum er_code
touch(const struct er_feature *f, void *ud, struct er_error *err)
{
	(void)err;
	size_t *sum = ud;
	for (size_t i = 0; i < f->nprops; i++) {
		*sum += strlen(f->keys[i]);
		if (f->values[i])
			*sum += strlen(f->values[i]);
		(void)er_feature_get(f, f->keys[i]);
	}
	if ((f->geom_format == ER_GEOM_NONE) != (f->geom_text == NULL))
		abort();
	if (!f->geom_text)
		return ER_OK;
	if (f->geom_format != ER_GEOM_GML)
		abort();
	const char *g = f->geom_text;
	if (strncmp(g, "<gml:", 5) != 0 ||
	    !strstr(g, " xmlns:gml=\"http://www.opengis.net/gml\""))
		abort();
	struct er_error e;
	xmlDoc *doc = er_xml_parse("geom", g, strlen(g), &e);
	if (!doc)
		abort();
	xmlFreeDoc(doc);
	*sum += strlen(g) + f->line + f->geom_line;
	return ER_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	struct er_error err;
	size_t sum = 0;
	enum er_code rc =
	    er_gml_read("fuzz.gml", copy, size, touch, &sum, &err);
	if (rc != ER_OK && rc != ER_EPARSE && rc != ER_ENOMEM)
		abort();
	if (rc != ER_OK && (err.code != rc || !err.message[0]))
		abort();
	free(copy);
	return 0;
}
