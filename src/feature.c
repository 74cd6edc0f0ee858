/* The in-memory feature the GeoJSON, KML and GML readers hand to their
 * callback: property lookup, growth and cleanup. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "feature.h"
#include <evacreg/error.h>

const char *
er_feature_get(const struct er_feature *f, const char *key)
{
	if (!f || !key)
		return NULL;
	for (size_t i = 0; i < f->nprops; i++)
		if (strcmp(f->keys[i], key) == 0)
			return f->values[i];
	for (size_t i = 0; i < f->nprops; i++)
		if (strcasecmp(f->keys[i], key) == 0)
			return f->values[i];
	return NULL;
}

void
er_feature_finish(struct er_feature *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nprops; i++) {
		er_free(f->keys[i]);
		er_free(f->values[i]);
	}
	er_free(f->keys);
	er_free(f->values);
	er_free(f->geom_text);
	er_free(f->geom_error);
	memset(f, 0, sizeof *f);
}

/* keys/values hold 8, 16, 32... entries: full when nprops is 0 or a power
 * of two from 8 on. */
static int
grow(struct er_feature *f)
{
	size_t n = f->nprops;
	if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
		return 0;
	size_t cap = n ? n * 2 : 8;
	if (cap > SIZE_MAX / sizeof(char *))
		return -1;
	char **k = er_realloc(f->keys, cap * sizeof(char *));
	if (!k)
		return -1;
	f->keys = k;
	char **v = er_realloc(f->values, cap * sizeof(char *));
	if (!v)
		return -1;
	f->values = v;
	return 0;
}

enum er_code
er_feature_take_prop(struct er_feature *f, char *key, char *value,
                     struct er_error *err)
{
	if (!key || grow(f)) {
		er_free(key);
		er_free(value);
		return er_fail(err, ER_ENOMEM, NULL,
		               "out of memory storing a feature property");
	}
	f->keys[f->nprops] = key;
	f->values[f->nprops] = value;
	f->nprops++;
	return ER_OK;
}

enum er_code
er_feature_add_propn(struct er_feature *f, const char *key, const char *value,
                     size_t len, struct er_error *err)
{
	char *k = er_strdup(key);
	char *v = value ? er_strndup(value, len) : NULL;
	if (!k || (value && !v)) {
		er_free(k);
		er_free(v);
		return er_fail(err, ER_ENOMEM, NULL,
		               "out of memory storing a feature property");
	}
	return er_feature_take_prop(f, k, v, err);
}

enum er_code
er_feature_add_prop(struct er_feature *f, const char *key, const char *value,
                    struct er_error *err)
{
	return er_feature_add_propn(f, key, value, value ? strlen(value) : 0,
	                            err);
}

void
er_feature_quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t o = 0;
	const size_t limit = size > 8 ? size - 8 : 0;
	for (size_t i = 0; s && i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (o >= limit && (c & 0xC0) != 0x80) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7F) {
			o += (size_t)snprintf(buf + o, size - o, "\\x%02X", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
}
