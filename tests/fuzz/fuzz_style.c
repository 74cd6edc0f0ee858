/* Fuzz target for the SLD reader: any bytes must give a style or a clean
 * error, and every rule of a style read must evaluate without crashing
 * against a few features. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/style.h"
#include <evacreg/error.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
prop(const char *name, void *ud)
{
	const char *const *kv = ud;
	for (; kv[0]; kv += 2)
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

static void
check_filter(const struct er_filter *f)
{
	if (f->op < ER_F_EQ || f->op > ER_F_NOT)
		abort();
	if (f->op != ER_F_AND && f->op != ER_F_OR && f->op != ER_F_NOT &&
	    !f->property)
		abort();
	if (f->op == ER_F_NOT && f->nchildren != 1)
		abort();
	for (size_t i = 0; i < f->nchildren; i++)
		check_filter(&f->children[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct er_error err;
	struct er_style *s =
	    er_style_read("fuzz.sld", (const char *)data, size, &err);
	if (!s) {
		if ((err.code != ER_EPARSE && err.code != ER_ENOMEM) ||
		    !err.message[0])
			abort();
		return 0;
	}
	static const char *const features[][9] = {
	    {"mobility", "wheelchair", "number", "12", "kind", "designated",
	     "support_rate", "49.5", NULL},
	    {"mobility", "", "name", "北&南 <x>", "persons", "3", NULL},
	    {NULL},
	};
	for (size_t i = 0; i < s->nlayers; i++) {
		const struct er_style_layer *l = &s->layers[i];
		if (!l->name || er_style_layer(s, l->name) == NULL)
			abort();
		for (size_t j = 0; j < l->nrules; j++) {
			const struct er_rule *r = &l->rules[j];
			if (r->filter)
				check_filter(r->filter);
			for (size_t k = 0; k < r->nsyms; k++) {
				char kml[9];
				er_color_kml(&r->syms[k].fill, kml);
				er_color_kml(&r->syms[k].stroke, kml);
				if (r->syms[k].kind == ER_SYM_POINT &&
				    !r->syms[k].mark == !r->syms[k].icon)
					abort();
			}
		}
		for (size_t f = 0; f < 3; f++) {
			const struct er_rule *out[4];
			size_t n = er_style_match(l, prop, (void *)features[f],
			                          0, out, 4);
			for (size_t k = 0; k < n && k < 4; k++)
				if (out[k] < l->rules ||
				    out[k] >= l->rules + l->nrules)
					abort();
			(void)er_style_match(l, prop, (void *)features[f],
			                     25000, out, 4);
		}
	}
	er_style_destroy(s);
	return 0;
}
