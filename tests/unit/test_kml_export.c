/* The KML export against an independent calculation: a register is
 * generated here (grid districts with a hole and a multipolygon,
 * households at known places, known consent and assignments), exported
 * in normal and disaster mode, and the files are read back with
 * libxml2: the households and registrants written, their numbers,
 * what must never appear, escaping, KMZ layout and the audit rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "testutil.h"
#include <evacreg/evacreg.h>

#define LON0 141.0
#define LAT0 43.0
#define CELL 0.0078125 /* 2^-7 degrees: exact in binary */
#define NDIST 3
#define NREG 600

static double
X(double u)
{
	return LON0 + u * CELL;
}

static double
Y(double v)
{
	return LAT0 + v * CELL;
}

/* D01 [0,1]^2 with a hole [0.25,0.5]^2; D02 [1,2]x[0,1]; D03 two
 * parts [0,1]x[1,2] and [1.5,2]x[1.5,2]. Households are placed
 * strictly inside a region, never on an edge. */
enum region { G_D01, G_D02, G_D03A, G_D03B, G_HOLE, G_FAR, G_N };
static const int region_district[G_N] = {0, 1, 2, 2, -1, -1};

struct rng {
	uint64_t s;
};

static uint64_t
rnd(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

static void
ring(FILE *f, double u0, double v0, double u1, double v1, int reverse)
{
	double pts[5][2] = {{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}, {u0, v0}};
	fputc('[', f);
	for (int i = 0; i < 5; i++) {
		int k = reverse ? 4 - i : i;
		fprintf(f, "%s[%.17g,%.17g]", i ? "," : "", X(pts[k][0]),
		        Y(pts[k][1]));
	}
	fputc(']', f);
}

static void
write_districts(const char *path)
{
	FILE *f = fopen(path, "w");
	fputs("{\"type\":\"FeatureCollection\",\"features\":[\n"
	      "{\"type\":\"Feature\",\"properties\":{\"code\":\"D01\","
	      "\"name\":\"一丁目\",\"association\":\"A1\"},\"geometry\":{"
	      "\"type\":\"Polygon\",\"coordinates\":[",
	      f);
	ring(f, 0, 0, 1, 1, 0);
	fputc(',', f);
	ring(f, 0.25, 0.25, 0.5, 0.5, 1);
	fputs("]}},\n{\"type\":\"Feature\",\"properties\":{\"code\":\"D02\","
	      "\"name\":\"二丁目 & <東>\",\"association\":\"A1\"},"
	      "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[",
	      f);
	ring(f, 1, 0, 2, 1, 0);
	fputs("]}},\n{\"type\":\"Feature\",\"properties\":{\"code\":\"D03\","
	      "\"name\":\"三丁目\",\"association\":\"A2\"},\"geometry\":{"
	      "\"type\":\"MultiPolygon\",\"coordinates\":[[",
	      f);
	ring(f, 0, 1, 1, 2, 0);
	fputs("],[", f);
	ring(f, 1.5, 1.5, 2, 2, 0);
	fputs("]]}}\n]}\n", f);
	fclose(f);
}

/* A distinct place in the region on a 1/64 grid (hh: household index,
 * so no two households share a place). */
static void
place(enum region g, int hh, double *u, double *v)
{
	/* 8 x 8 slots in a quarter cell, offset per household */
	double du = (double)(1 + hh % 8) / 64.0 + (double)(hh / 64 % 2) / 128;
	double dv = (double)(1 + hh / 8 % 8) / 64.0 +
	            (double)(hh / 128 % 2) / 128 + (double)(hh / 256 % 2) / 256;
	switch (g) {
	case G_D01:
		*u = 0.5 + du, *v = 0.6 + dv / 2;
		break;
	case G_D02:
		*u = 1.25 + du, *v = 0.25 + dv;
		break;
	case G_D03A:
		*u = 0.25 + du, *v = 1.25 + dv;
		break;
	case G_D03B:
		*u = 1.6 + du / 2, *v = 1.6 + dv / 2;
		break;
	case G_HOLE:
		*u = 0.3 + du / 8, *v = 0.3 + dv / 8;
		break;
	default:
		*u = 40 + du, *v = 40 + dv;
		break;
	}
}

struct person {
	char id[16], hh[16];
	int hidx;     /* household index */
	int district; /* -1 outside */
	int active, assigned;
	const char *consent;
	char name[64], phone[32], address[64];
};

struct household {
	char id[16];
	char key[16]; /* household_id as stored: id, or the registrant's */
	double lat, lon;
	int district;
	int first; /* index of its first person */
	int n;
	int active_any;
};

struct world {
	char *dir, *db;
	struct person p[NREG];
	struct household h[NREG];
	int np, nh;
	int regime;
};

static const char *const consents[] = {"yes", "no", "unanswered"};
static const char *const mobilities[] = {"",           "walk",      "cane",
                                         "wheelchair", "bedridden", "other"};

static void
import(struct er_register *reg, enum er_import_kind k, const char *path)
{
	struct er_import_options o = {.kind = k, .path = path};
	if (k == ER_IMPORT_DISTRICTS)
		o.association_field = "association";
	struct er_import_result res;
	struct er_error err = {0};
	if (er_register_import(reg, &o, &res, &err) != ER_OK)
		fail_msg("%s: %s", err.where, err.message);
}

static void
make_world(struct world *w, int regime, uint64_t seed)
{
	memset(w, 0, sizeof *w);
	w->regime = regime;
	w->dir = tu_tmpdir();
	w->db = tu_path(w->dir, "r.db");
	char *dpath = tu_path(w->dir, "d.geojson");
	char *apath = tu_path(w->dir, "a.csv");
	char *rpath = tu_path(w->dir, "r.csv");
	char *spath = tu_path(w->dir, "s.csv");
	char *xpath = tu_path(w->dir, "x.csv");
	char *hpath = tu_path(w->dir, "h.csv");
	write_districts(dpath);
	tu_writes(apath, "code,name\nA1,一町内会\nA2,二町内会\n");
	tu_writes(spath, "id,name,association\nS1,支援 一郎,A1\n");
	tu_writes(hpath, "id,name,kind,lat,lon,capacity,address\n"
	                 "H1,第一小学校,designated,43.0039062,141.0117188,300,"
	                 "二丁目1番\n"
	                 "H2,\"公園 \"\"広場\"\"\",emergency,43.0035,141.0125,,"
	                 "\n"
	                 "H3,遠い避難所,designated,43.3,141.3,50,遠く\n");
	struct rng r = {seed};
	FILE *fr = fopen(rpath, "w");
	FILE *fx = fopen(xpath, "w");
	fputs("id,household_id,name,kana,birth_date,phone,address,reasons,"
	      "consent,status,lat,lon,mobility\n",
	      fr);
	fputs("registrant_id,supporter_id\n", fx);
	while (w->np < NREG) {
		struct household *h = &w->h[w->nh];
		int size = 1 + (int)(rnd(&r) % 3);
		enum region g = (enum region)(rnd(&r) % G_N);
		double u, v;
		place(g, w->nh, &u, &v);
		h->lon = X(u);
		h->lat = Y(v);
		h->district = region_district[g];
		h->first = w->np;
		snprintf(h->id, sizeof h->id, "H%04d", w->nh);
		for (int m = 0; m < size && w->np < NREG; m++) {
			struct person *q = &w->p[w->np];
			char rid[16];
			snprintf(rid, sizeof rid, "R%04d", w->np);
			memcpy(q->id, rid, sizeof rid);
			/* one-person households leave household_id empty:
			 * the registrant is its own household */
			snprintf(q->hh, sizeof q->hh, "%s",
			         size > 1 ? h->id : q->id);
			q->hidx = w->nh;
			q->district = h->district;
			q->active = rnd(&r) % 8 != 0;
			q->consent = consents[rnd(&r) % 3];
			q->assigned = rnd(&r) % 3 == 0;
			/* names that need escaping; every string is unique
			 * to its registrant so it can be searched for */
			static const char *const tricky[] = {
			    "", " & 子", " <b>", " \"愛\"", " 'ケイ'"};
			snprintf(q->name, sizeof q->name, "氏名%s〆%s", rid,
			         tricky[rnd(&r) % 5]);
			snprintf(q->phone, sizeof q->phone, "0144-77-%s",
			         rid + 1);
			snprintf(q->address, sizeof q->address, "住所%s番地",
			         rid);
			h->active_any |= q->active;
			/* CSV quoting: double the quotes */
			fprintf(fr, "%s,%s,\"", q->id, size > 1 ? h->id : "");
			for (const char *c = q->name; *c; c++) {
				if (*c == '"')
					fputc('"', fr);
				fputc(*c, fr);
			}
			fprintf(fr,
			        "\",カナ%s,1940-04-01,%s,%s,care;physical,%s,"
			        "%s,",
			        q->id, q->phone, q->address, q->consent,
			        q->active ? "active" : "moved");
			/* only the first member has a point: the others
			 * take the household's */
			if (m == 0)
				fprintf(fr, "%.17g,%.17g,", h->lat, h->lon);
			else
				fputs(",,", fr);
			fprintf(fr, "%s\n", mobilities[rnd(&r) % 6]);
			if (q->assigned)
				fprintf(fx, "%s,S1\n", q->id);
			h->n++;
			w->np++;
		}
		memcpy(h->key, w->p[h->first].hh, sizeof h->key);
		w->nh++;
	}
	fclose(fr);
	fclose(fx);

	struct er_error err = {0};
	struct er_init_options io = {.regime = regime};
	assert_int_equal(er_register_init(w->db, &io, &err), ER_OK);
	struct er_register *reg = er_register_open(w->db, 0, &err);
	assert_non_null(reg);
	import(reg, ER_IMPORT_DISTRICTS, dpath);
	import(reg, ER_IMPORT_ASSOCIATIONS, apath);
	import(reg, ER_IMPORT_REGISTRANTS, rpath);
	import(reg, ER_IMPORT_SUPPORTERS, spath);
	import(reg, ER_IMPORT_ASSIGNMENTS, xpath);
	import(reg, ER_IMPORT_SHELTERS, hpath);
	er_register_close(reg);
	free(dpath);
	free(apath);
	free(rpath);
	free(spath);
	free(xpath);
	free(hpath);
}

static void
free_world(struct world *w)
{
	free(w->db);
	tu_rmdir(w->dir);
}

static int
shareable(const struct world *w, const struct person *q)
{
	return !strcmp(q->consent, "yes") ||
	       (w->regime == ER_CONSENT_OPT_OUT &&
	        !strcmp(q->consent, "unanswered"));
}

/* Whether a person is written in this mode (district aside). */
static int
written(const struct world *w, const struct person *q, int disaster)
{
	return q->active && !q->assigned && (disaster || shareable(w, q));
}

/* Household numbers as the first export gives them: every household
 * with an active member in the district, north to south, then west to
 * east, then by id. */
static int
cmp_place(const void *a, const void *b)
{
	const struct household *x = *(const struct household *const *)a;
	const struct household *y = *(const struct household *const *)b;
	if (x->lat != y->lat)
		return x->lat > y->lat ? -1 : 1;
	if (x->lon != y->lon)
		return x->lon < y->lon ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void
expected_numbers(const struct world *w, int d, long *number)
{
	const struct household *v[NREG];
	int n = 0;
	for (int i = 0; i < w->nh; i++) {
		number[i] = 0;
		if (w->h[i].district == d && w->h[i].active_any)
			v[n++] = &w->h[i];
	}
	qsort(v, (size_t)n, sizeof v[0], cmp_place);
	for (int i = 0; i < n; i++)
		number[v[i] - w->h] = i + 1;
}

/* "number household_id registrant_id" lines, sorted. */
struct lines {
	char **s;
	size_t n, cap;
};

static void
lines_add(struct lines *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->s = realloc(l->s, l->cap * sizeof *l->s);
	}
	l->s[l->n++] = strdup(s);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	memset(l, 0, sizeof *l);
}

static void
lines_equal(struct lines *want, struct lines *got, const char *what)
{
	qsort(want->s, want->n, sizeof *want->s, cmp_str);
	qsort(got->s, got->n, sizeof *got->s, cmp_str);
	for (size_t i = 0; i < want->n || i < got->n; i++) {
		const char *a = i < want->n ? want->s[i] : "(end)";
		const char *b = i < got->n ? got->s[i] : "(end)";
		if (strcmp(a, b) != 0)
			fail_msg(
			    "%s: line %zu: expected \"%s\", written \"%s\" "
			    "(%zu expected, %zu written)",
			    what, i, a, b, want->n, got->n);
	}
}

static void
expected_lines(const struct world *w, int d, int disaster, const long *num,
               struct lines *out)
{
	for (int i = 0; i < w->np; i++) {
		const struct person *q = &w->p[i];
		if (q->district != d || !written(w, q, disaster))
			continue;
		char line[96];
		snprintf(line, sizeof line, "%ld %s %s", num[q->hidx],
		         w->h[q->hidx].key, q->id);
		lines_add(out, line);
	}
}

/* ---- reading the KML back ----------------------------------------------*/

static xmlNode *
kid(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

static char *
text_of(xmlNode *n)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	char *s = strdup(t ? (const char *)t : "");
	xmlFree(t);
	return s;
}

/* The value of <Data name="name"> in a Placemark's ExtendedData. */
static char *
data_of(xmlNode *pm, const char *name)
{
	xmlNode *ed = kid(pm, "ExtendedData");
	for (xmlNode *c = ed ? ed->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *a = xmlGetProp(c, (const xmlChar *)"name");
		int hit = a && !strcmp((const char *)a, name);
		xmlFree(a);
		if (hit)
			return text_of(kid(c, "value"));
	}
	return NULL;
}

static xmlNode *
folder(xmlNode *doc, const char *name)
{
	for (xmlNode *c = doc->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "Folder"))
			continue;
		char *n = text_of(kid(c, "name"));
		int hit = !strcmp(n, name);
		free(n);
		if (hit)
			return c;
	}
	return NULL;
}

static xmlDoc *
parse(const char *path)
{
	xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	if (!doc)
		fail_msg("%s: not well-formed XML", path);
	return doc;
}

/* Reads the households folder into "number household_id registrant"
 * lines; checks each placemark's fields agree with the world. */
static void
read_households(const struct world *w, const char *path, struct lines *out,
                long *nhh)
{
	xmlDoc *doc = parse(path);
	xmlNode *d = kid(xmlDocGetRootElement(doc), "Document");
	xmlNode *f = folder(d, "未支援世帯");
	assert_non_null(f);
	*nhh = 0;
	for (xmlNode *pm = f->children; pm; pm = pm->next) {
		if (pm->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)pm->name, "Placemark") != 0)
			continue;
		++*nhh;
		char *name = text_of(kid(pm, "name"));
		char *hid = data_of(pm, "household_id");
		char *ids = data_of(pm, "registrant_ids");
		char *names = data_of(pm, "names");
		char *persons = data_of(pm, "persons");
		char *number = data_of(pm, "number");
		assert_non_null(ids);
		assert_string_equal(name, number);
		char *save = NULL, *expect_names = calloc(1, 4096);
		int count = 0, first = atoi(ids + 1);
		for (char *t = strtok_r(ids, ";", &save); t;
		     t = strtok_r(NULL, ";", &save)) {
			char line[96];
			snprintf(line, sizeof line, "%s %s %s", name, hid, t);
			lines_add(out, line);
			int i = atoi(t + 1);
			assert_string_equal(w->p[i].id, t);
			assert_string_equal(w->p[i].hh, hid);
			/* names come back exactly, escaping undone */
			if (count++)
				strcat(expect_names, " / ");
			strcat(expect_names, w->p[i].name);
		}
		assert_string_equal(names, expect_names);
		assert_int_equal(atoi(persons), count);
		/* placed at the household's location, 7 decimals */
		char *c = text_of(kid(kid(pm, "Point"), "coordinates"));
		char want[64];
		snprintf(want, sizeof want, "%.7f,%.7f",
		         w->h[w->p[first].hidx].lon,
		         w->h[w->p[first].hidx].lat);
		assert_string_equal(c, want);
		free(c);
		free(expect_names);
		free(name);
		free(hid);
		free(ids);
		free(names);
		free(persons);
		free(number);
	}
	xmlFreeDoc(doc);
}

static char *
doc_data(const char *path, const char *name)
{
	xmlDoc *doc = parse(path);
	xmlNode *d = kid(xmlDocGetRootElement(doc), "Document");
	char *v = data_of(d, name);
	xmlFreeDoc(doc);
	return v;
}

static char *
sha256_of(const char *path)
{
	gchar *data = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &data, &len, NULL))
		fail_msg("cannot read %s", path);
	gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	                                         (const guchar *)data, len);
	g_free(data);
	char *s = strdup(hex);
	g_free(hex);
	return s;
}

/* ---- the audit log -----------------------------------------------------*/

struct audit_row {
	char action[32], file[512], sha[65], mode[16], reason[128];
	char district[16];
	long registrants, households;
};

struct audit {
	struct audit_row r[64];
	int n;
};

static enum er_code
audit_row(const struct er_audit_entry *e, void *ud, struct er_error *err)
{
	(void)err;
	struct audit *a = ud;
	if (strncmp(e->action, "export", 6) != 0 || a->n == 64)
		return ER_OK;
	struct audit_row *r = &a->r[a->n++];
	snprintf(r->action, sizeof r->action, "%s", e->action);
	snprintf(r->file, sizeof r->file, "%s", e->file ? e->file : "");
	snprintf(r->sha, sizeof r->sha, "%s",
	         e->file_sha256 ? e->file_sha256 : "");
	snprintf(r->mode, sizeof r->mode, "%s", e->mode ? e->mode : "");
	snprintf(r->reason, sizeof r->reason, "%s", e->reason ? e->reason : "");
	snprintf(r->district, sizeof r->district, "%s",
	         e->district_code ? e->district_code : "");
	r->registrants = e->registrants;
	r->households = e->households;
	return ER_OK;
}

static void
read_audit(const char *db, struct audit *a)
{
	struct er_error err = {0};
	struct er_register *reg = er_register_open(db, ER_OPEN_READONLY, &err);
	assert_non_null(reg);
	a->n = 0;
	assert_int_equal(er_register_audit_list(reg, audit_row, a, &err),
	                 ER_OK);
	er_register_close(reg);
}

static enum er_code export(const char *db, struct er_kml_options *o,
                           struct er_export_result *res, struct er_error *err) {
	struct er_register *reg = er_register_open(db, 0, err);
	assert_non_null(reg);
	assert_int_equal(er_register_set_command(reg, "test export", err),
	                 ER_OK);
	enum er_code rc = er_export_kml(reg, o, res, err);
	er_register_close(reg);
	return rc;
}

static const char *const codes[NDIST] = {"D01", "D02", "D03"};

/* Normal and disaster exports of every district equal the independent
 * calculation; nothing of a non-consenting registrant is in a normal
 * file; the audit log has one row per file with its SHA-256. */
static void
run_modes(int regime, uint64_t seed)
{
	static struct world w;
	make_world(&w, regime, seed);
	long num[NDIST][NREG];
	for (int d = 0; d < NDIST; d++)
		expected_numbers(&w, d, num[d]);

	struct er_error err = {0};
	int files = 0;
	for (int disaster = 0; disaster < 2; disaster++) {
		char *out = tu_path(w.dir, disaster ? "dis" : "nor");
		struct er_kml_options o = {
		    .all = 1,
		    .out = out,
		    .mode = disaster ? ER_MODE_DISASTER : ER_MODE_NORMAL,
		    .reason = disaster ? "訓練 & 検証" : NULL,
		};
		struct er_export_result res;
		if (export(w.db, &o, &res, &err) != ER_OK)
			fail_msg("%s: %s", err.where, err.message);
		assert_int_equal(res.files, NDIST + 1);
		assert_int_equal(tu_mode(out), 0700);
		long total_reg = 0, total_hh = 0, withheld = 0;
		for (int d = 0; d < NDIST; d++) {
			char name[16];
			snprintf(name, sizeof name, "%s.kml", codes[d]);
			char *path = tu_path(out, name);
			assert_int_equal(tu_mode(path), 0600);
			struct lines want = {0}, got = {0};
			expected_lines(&w, d, disaster, num[d], &want);
			long nhh;
			read_households(&w, path, &got, &nhh);
			lines_equal(&want, &got, path);
			total_reg += (long)got.n;
			total_hh += nhh;
			/* withheld: unassigned, active, not shareable */
			long wh = 0;
			for (int i = 0; i < w.np; i++)
				wh += w.p[i].district == d &&
				      written(&w, &w.p[i], 1) &&
				      !written(&w, &w.p[i], 0);
			char *v = doc_data(path, "withheld_registrants");
			if (disaster) {
				assert_null(v);
			} else {
				assert_non_null(v);
				assert_int_equal(atol(v), wh);
				withheld += wh;
			}
			free(v);

			/* no trace of a registrant not written: name,
			 * phone, address, id */
			char *bytes = tu_read(path);
			for (int i = 0; i < w.np; i++) {
				const struct person *q = &w.p[i];
				char token[64];
				snprintf(token, sizeof token, "氏名%s〆",
				         q->id);
				int in = q->district == d &&
				         written(&w, q, disaster);
				const char *what[] = {token, q->phone,
				                      q->address};
				for (int k = 0; k < 3; k++)
					if (!strstr(bytes, what[k]) != !in)
						fail_msg("%s: \"%s\" is %s",
						         path, what[k],
						         in ? "missing"
						            : "written");
			}
			if (disaster) {
				assert_non_null(
				    strstr(bytes, "【災害時提供】"));
				assert_non_null(strstr(bytes, "訓練 &amp;amp; "
				                              "検証"));
			} else {
				assert_null(strstr(bytes, "災害時提供"));
			}
			free(bytes);
			lines_free(&want);
			lines_free(&got);
			free(path);
		}
		assert_int_equal(res.registrants, total_reg);
		assert_int_equal(res.households, total_hh);
		assert_int_equal(res.withheld, withheld);
		assert_true(total_reg > 20);

		/* the index links every district file */
		char *index = tu_path(out, "index.kml");
		char *bytes = tu_read(index);
		for (int d = 0; d < NDIST; d++) {
			char href[32];
			snprintf(href, sizeof href, "<href>%s.kml</href>",
			         codes[d]);
			assert_non_null(strstr(bytes, href));
		}
		free(bytes);

		/* one audit row per file, with the file's hash */
		struct audit a;
		read_audit(w.db, &a);
		assert_int_equal(a.n, files + NDIST + 1);
		for (int i = files; i < a.n; i++) {
			struct audit_row *r = &a.r[i];
			assert_string_equal(r->action, "export kml");
			assert_string_equal(r->mode,
			                    disaster ? "disaster" : "normal");
			assert_string_equal(r->reason,
			                    disaster ? "訓練 & 検証" : "");
			char *sha = sha256_of(r->file);
			assert_string_equal(r->sha, sha);
			free(sha);
			if (i < files + NDIST) {
				assert_string_equal(r->district,
				                    codes[i - files]);
				struct lines got = {0};
				long nhh;
				read_households(&w, r->file, &got, &nhh);
				assert_int_equal(r->registrants, (long)got.n);
				assert_int_equal(r->households, nhh);
				lines_free(&got);
			} else {
				assert_string_equal(r->file, index);
			}
		}
		files = a.n;
		free(index);
		free(out);
	}
	free_world(&w);
}

static void
test_opt_in(void **state)
{
	(void)state;
	run_modes(ER_CONSENT_OPT_IN, 0x9e3779b97f4a7c15ULL);
}

static void
test_opt_out(void **state)
{
	(void)state;
	run_modes(ER_CONSENT_OPT_OUT, 0x51ed270b27a2f3c1ULL);
}

/* Numbers do not move: the same across two exports, and when one
 * household gets a supporter the others keep theirs. */
static void
test_numbers_stable(void **state)
{
	(void)state;
	static struct world w;
	make_world(&w, ER_CONSENT_OPT_OUT, 0x1234567ULL);
	struct er_error err = {0};
	struct er_export_result res;
	char *a = tu_path(w.dir, "a.kml"), *b = tu_path(w.dir, "b.kml"),
	     *c = tu_path(w.dir, "c.kml");
	struct er_kml_options o = {.district = "D01",
	                           .out = a,
	                           .mode = ER_MODE_DISASTER,
	                           .reason = "test"};
	assert_int_equal(export(w.db, &o, &res, &err), ER_OK);
	o.out = b;
	assert_int_equal(export(w.db, &o, &res, &err), ER_OK);
	struct lines la = {0}, lb = {0}, lc = {0};
	long n1, n2, n3;
	read_households(&w, a, &la, &n1);
	read_households(&w, b, &lb, &n2);
	lines_equal(&la, &lb, "second export");
	assert_true(n1 > 3);

	/* give every member of the household numbered 2 a supporter */
	char victim[16] = "";
	for (size_t i = 0; i < la.n; i++)
		if (!strncmp(la.s[i], "2 ", 2))
			sscanf(la.s[i], "%*s %15s", victim);
	assert_true(victim[0]);
	char *xpath = tu_path(w.dir, "x2.csv");
	FILE *f = fopen(xpath, "w");
	fputs("registrant_id,supporter_id\n", f);
	for (size_t i = 0; i < la.n; i++) {
		char hid[16], rid[16];
		sscanf(la.s[i], "%*s %15s %15s", hid, rid);
		if (!strcmp(hid, victim))
			fprintf(f, "%s,S1\n", rid);
	}
	fclose(f);
	struct er_register *reg = er_register_open(w.db, 0, &err);
	import(reg, ER_IMPORT_ASSIGNMENTS, xpath);
	er_register_close(reg);
	o.out = c;
	assert_int_equal(export(w.db, &o, &res, &err), ER_OK);
	read_households(&w, c, &lc, &n3);
	assert_int_equal(n3, n1 - 1);
	struct lines rest = {0};
	for (size_t i = 0; i < la.n; i++)
		if (strncmp(la.s[i], "2 ", 2) != 0)
			lines_add(&rest, la.s[i]);
	lines_equal(&rest, &lc, "after assigning household 2");
	lines_free(&la);
	lines_free(&lb);
	lines_free(&lc);
	lines_free(&rest);
	free(xpath);
	free(a);
	free(b);
	free(c);
	free_world(&w);
}

/* KMZ: a zip whose first entry is doc.kml, icons under files/ that
 * doc.kml names relatively; the same households as the KML. */
static void
test_kmz(void **state)
{
	(void)state;
	static struct world w;
	make_world(&w, ER_CONSENT_OPT_IN, 0xabcdefULL);
	struct er_error err = {0};
	struct er_export_result res;
	char *kml = tu_path(w.dir, "d.kml"), *kmz = tu_path(w.dir, "d.kmz");
	struct er_kml_options o = {.district = "D02", .out = kml};
	assert_int_equal(export(w.db, &o, &res, &err), ER_OK);
	o.out = kmz;
	o.kmz = 1;
	assert_int_equal(export(w.db, &o, &res, &err), ER_OK);
	assert_int_equal(res.files, 1);
	assert_int_equal(tu_mode(kmz), 0600);
	int ze;
	zip_t *z = zip_open(kmz, ZIP_RDONLY, &ze);
	assert_non_null(z);
	assert_string_equal(zip_get_name(z, 0, 0), "doc.kml");
	zip_int64_t n = zip_get_num_entries(z, 0);
	assert_true(n > 1);
	zip_stat_t st;
	assert_int_equal(zip_stat_index(z, 0, 0, &st), 0);
	char *buf = calloc(1, (size_t)st.size + 1);
	zip_file_t *zf = zip_fopen_index(z, 0, 0);
	assert_int_equal(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
	zip_fclose(zf);
	/* every href is an entry of the zip */
	for (char *h = strstr(buf, "<href>"); h; h = strstr(h + 1, "<href>")) {
		char name[256];
		assert_int_equal(sscanf(h + 6, "%255[^<]", name), 1);
		assert_true(!strncmp(name, "files/", 6));
		assert_true(zip_name_locate(z, name, 0) > 0);
	}
	assert_non_null(strstr(buf, "<href>files/"));
	for (zip_int64_t i = 1; i < n; i++)
		assert_true(
		    !strncmp(zip_get_name(z, (zip_uint64_t)i, 0), "files/", 6));
	zip_close(z);
	char *docpath = tu_path(w.dir, "doc.kml");
	tu_writes(docpath, buf);
	struct lines a = {0}, b = {0};
	long na, nb;
	read_households(&w, kml, &a, &na);
	read_households(&w, docpath, &b, &nb);
	lines_equal(&a, &b, "KMZ against KML");
	/* plain KML names icons by absolute path */
	char *plain = tu_read(kml);
	assert_non_null(strstr(plain, "<href>/"));
	free(plain);
	/* the audit row hashes the KMZ as written */
	struct audit au;
	read_audit(w.db, &au);
	assert_int_equal(au.n, 2);
	char *sha = sha256_of(kmz);
	assert_string_equal(au.r[1].sha, sha);
	assert_string_equal(au.r[1].file, kmz);
	free(sha);
	lines_free(&a);
	lines_free(&b);
	free(buf);
	free(docpath);
	free(kml);
	free(kmz);
	free_world(&w);
}

/* Refusals write nothing and log nothing. */
static void
test_refusals(void **state)
{
	(void)state;
	static struct world w;
	make_world(&w, ER_CONSENT_OPT_IN, 0x77ULL);
	struct er_error err = {0};
	struct er_export_result res;
	char *out = tu_path(w.dir, "x.kml");
	struct er_kml_options o = {
	    .district = "D01", .out = out, .mode = ER_MODE_DISASTER};
	assert_int_equal(export(w.db, &o, &res, &err), ER_EUSAGE);
	assert_non_null(strstr(err.message, "--reason"));
	o.district = "D09";
	o.reason = "x";
	assert_int_equal(export(w.db, &o, &res, &err), ER_EUSAGE);
	assert_string_equal(err.message, "no district with code \"D09\"");
	o.district = "D01";
	o.all = 1;
	assert_int_equal(export(w.db, &o, &res, &err), ER_EUSAGE);
	o.all = 0;
	char *bad = tu_path(w.dir, "bad.sld");
	tu_writes(bad, "<StyledLayerDescriptor xmlns=\"http://www.opengis."
	               "net/sld\">\n<NamedLayer/></StyledLayerDescriptor>");
	o.style = bad;
	assert_int_equal(export(w.db, &o, &res, &err), ER_EPARSE);
	assert_memory_equal(err.where, bad, strlen(bad));
	assert_int_equal(tu_mode(out), -1);
	struct audit a;
	read_audit(w.db, &a);
	assert_int_equal(a.n, 0);
	/* nothing left behind in the folder but the inputs */
	char cmd[4300];
	snprintf(cmd, sizeof cmd, "ls '%s' | grep -q 'x.kml'", w.dir);
	assert_int_not_equal(system(cmd), 0);
	free(bad);
	free(out);
	free_world(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_opt_in),
	    cmocka_unit_test(test_opt_out),
	    cmocka_unit_test(test_numbers_stable),
	    cmocka_unit_test(test_kmz),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
