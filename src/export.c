/* The data behind maps and lists: district figures, consent-filtered
 * unassigned households with stable numbers, shelters, neighbours, base
 * map, and the audit rows of exports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "export.h"
#include "regimpl.h"
#include "value.h"

static long
optout(struct er_register *reg)
{
	return reg->regime == ER_CONSENT_OPT_OUT;
}

const char *
er_x_mode_name(enum er_mode mode)
{
	return mode == ER_MODE_DISASTER ? "disaster" : "normal";
}

enum er_code
er_x_check_mode(enum er_mode mode, const char *reason, struct er_error *err)
{
	if (mode == ER_MODE_DISASTER && (!reason || !reason[0]))
		return er_fail(err, ER_EUSAGE, NULL,
			       "disaster mode shares every registrant and needs "
			       "--reason (it is written to the audit log)");
	if (mode == ER_MODE_NORMAL && reason && reason[0])
		return er_fail(err, ER_EUSAGE, NULL,
			       "--reason is for disaster mode (--mode "
			       "disaster)");
	return ER_OK;
}

static char *
dup0(const char *s)
{
	return s ? er_strdup(s) : NULL;
}

void
er_x_district_finish(struct er_xdistrict *d)
{
	er_free(d->code);
	er_free(d->name);
	er_free(d->association_code);
	er_free(d->association_name);
	er_mpoly_finish(&d->shape);
	memset(d, 0, sizeof *d);
}

enum er_code
er_x_district_load(struct er_register *reg, const char *code, enum er_mode mode,
                   struct er_xdistrict *d, struct er_error *err)
{
	struct er_store *st = reg->st;
	memset(d, 0, sizeof *d);
	enum er_stmt q = ER_STMT_X_DISTRICT;
	enum er_code rc = er_store_query(st, q, err, "t", code);
	if (rc)
		return rc;
	int r = er_store_next(st, q, err);
	if (r < 0)
		return ER_EDB;
	if (r == 0)
		return er_fail(err, ER_EUSAGE, reg->path,
			       "no district with code \"%s\"", code);
	d->code = dup0(er_store_text(st, q, 0));
	d->name = dup0(er_store_text(st, q, 1));
	d->association_code = dup0(er_store_text(st, q, 2));
	d->association_name = dup0(er_store_text(st, q, 3));
	int len;
	const void *wkb = er_store_blob(st, q, 4, &len);
	rc = er_mpoly_from_wkb(wkb, (size_t)len, &d->shape, err);
	d->minx = er_store_double(st, q, 5);
	d->miny = er_store_double(st, q, 6);
	d->maxx = er_store_double(st, q, 7);
	d->maxy = er_store_double(st, q, 8);
	er_store_done(st, q);
	if (rc)
		goto fail;
	if (!d->code || !d->name) {
		rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	q = ER_STMT_X_FIGURES;
	if ((rc = er_store_query(st, q, err, "ltl", optout(reg), code,
	                         (long)(mode == ER_MODE_DISASTER))))
		goto fail;
	if (er_store_next(st, q, err) != 1) {
		rc = ER_EDB;
		goto fail;
	}
	d->registrants = (long)er_store_int(st, q, 0);
	d->assigned = (long)er_store_int(st, q, 1);
	d->consented = (long)er_store_int(st, q, 2);
	d->households = (long)er_store_int(st, q, 3);
	d->unassigned_households = (long)er_store_int(st, q, 4);
	d->withheld = (long)er_store_int(st, q, 5);
	d->withheld_households = (long)er_store_int(st, q, 6);
	d->shown = (long)er_store_int(st, q, 7);
	d->shown_households = (long)er_store_int(st, q, 8);
	d->unassigned = d->registrants - d->assigned;
	er_store_done(st, q);
	return ER_OK;
fail:
	er_x_district_finish(d);
	return rc;
}

enum er_code
er_x_number(struct er_register *reg, const char *code, struct er_error *err)
{
	int64_t max = 0;
	char now[24];
	er_now_iso(now);
	enum er_code rc =
		er_store_scalar(reg->st, ER_STMT_X_NUMBER_MAX, &max, err, "t",
				code);
	if (rc)
		return rc;
	return er_store_run(reg->st, ER_STMT_X_NUMBER_NEW, NULL, err, "tti",
			    code, now, max);
}

static const char *
mobility_label(const char *code)
{
	static const struct {
		const char *code, *label;
	} t[] = {{"walk", "独歩"},
		 {"cane", "杖"},
		 {"wheelchair", "車いす"},
		 {"bedridden", "寝たきり"},
		 {"other", "その他"}};
	for (size_t i = 0; code && i < sizeof t / sizeof t[0]; i++)
		if (strcmp(code, t[i].code) == 0)
			return t[i].label;
	return "";
}

static int
mobility_rank(const char *code)
{
	static const char *const order[] = {"walk", "other", "cane",
					    "wheelchair", "bedridden"};
	for (int i = 0; code && i < 5; i++)
		if (strcmp(code, order[i]) == 0)
			return i + 1;
	return 0;
}

/* "care;physical" -> "要介護、身体障害" */
static void
reason_labels(const char *codes, char *out, size_t len)
{
	size_t n;
	const struct er_reason *t = er_value_reason_table(&n);
	out[0] = '\0';
	if (!codes)
		return;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", codes);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		const char *label = tok;
		for (size_t i = 0; i < n; i++)
			if (strcmp(t[i].code, tok) == 0)
				label = t[i].label;
		size_t l = strlen(out);
		snprintf(out + l, len - l, "%s%s", l ? "、" : "", label);
	}
}

/* One household being collected: copies of the rows' strings. */
struct hhbuf {
	long number;
	char *household_id;
	double lon, lat;
	size_t n, cap;
	struct er_xperson *p;
	char **strings; /* every string owned, freed per household */
	size_t ns, capS;
};

static const char *
keep(struct hhbuf *b, const char *s, int *oom)
{
	if (!s)
		return NULL;
	if (b->ns == b->capS) {
		size_t c = b->capS ? b->capS * 2 : 64;
		char **x = er_realloc(b->strings, c * sizeof *x);
		if (!x) {
			*oom = 1;
			return NULL;
		}
		b->strings = x;
		b->capS = c;
	}
	char *d = er_strdup(s);
	if (!d) {
		*oom = 1;
		return NULL;
	}
	b->strings[b->ns++] = d;
	return d;
}

static void
hh_clear(struct hhbuf *b)
{
	for (size_t i = 0; i < b->ns; i++)
		er_free(b->strings[i]);
	b->ns = 0;
	b->n = 0;
	ER_FREE(b->household_id);
}

static enum er_code
hh_flush(struct hhbuf *b, er_xhousehold_fn fn, void *ud, struct er_error *err)
{
	if (!b->n)
		return ER_OK;
	const char *mob = "";
	int best = 0;
	for (size_t i = 0; i < b->n; i++) {
		int r = mobility_rank(b->p[i].mobility);
		if (r > best) {
			best = r;
			mob = b->p[i].mobility;
		}
	}
	struct er_xhousehold h = {
		.number = b->number,
		.household_id = b->household_id,
		.lon = b->lon,
		.lat = b->lat,
		.address = b->p[0].address,
		.mobility = mob,
		.npersons = b->n,
		.persons = b->p,
	};
	enum er_code rc = fn(&h, ud, err);
	hh_clear(b);
	return rc;
}

enum er_code
er_x_map_households(struct er_register *reg, const char *code,
		    enum er_mode mode, er_xhousehold_fn fn, void *ud,
		    struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_stmt q = ER_STMT_X_MAP_HOUSEHOLDS;
	enum er_code rc = er_store_query(st, q, err, "tll", code,
					 (long)(mode == ER_MODE_DISASTER),
					 optout(reg));
	if (rc)
		return rc;
	struct er_xhousehold h = {0};
	char hid[256] = "", mob[16] = "";
	int r, best = 0;
	while ((r = er_store_next(st, q, err)) == 1) {
		long number = (long)er_store_int(st, q, 0);
		if (h.npersons && number != h.number) {
			h.mobility = mob;
			if ((rc = fn(&h, ud, err))) {
				er_store_done(st, q);
				return rc;
			}
			h.npersons = 0;
		}
		if (!h.npersons) {
			const char *id = er_store_text(st, q, 1);
			snprintf(hid, sizeof hid, "%s", id ? id : "");
			h.number = number;
			h.household_id = hid;
			h.lon = er_store_double(st, q, 2);
			h.lat = er_store_double(st, q, 3);
			mob[0] = '\0';
			best = 0;
		}
		h.npersons++;
		const char *m = er_store_text(st, q, 4);
		int rank = mobility_rank(m ? m : "");
		if (rank > best) {
			best = rank;
			snprintf(mob, sizeof mob, "%s", m);
		}
	}
	if (r < 0)
		return ER_EDB;
	if (h.npersons) {
		h.mobility = mob;
		rc = fn(&h, ud, err);
	}
	return rc;
}

enum er_code
er_x_households(struct er_register *reg, const char *code, enum er_mode mode,
		er_xhousehold_fn fn, void *ud, struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_stmt q = ER_STMT_X_HOUSEHOLDS;
	char today[11];
	er_today_iso(today);
	enum er_code rc = er_store_query(st, q, err, "tll", code,
					 (long)(mode == ER_MODE_DISASTER),
					 optout(reg));
	if (rc)
		return rc;
	struct hhbuf b = {0};
	int r, oom = 0;
	while ((r = er_store_next(st, q, err)) == 1) {
		long number = (long)er_store_int(st, q, 0);
		if (b.n && number != b.number &&
		    (rc = hh_flush(&b, fn, ud, err)))
			break;
		if (!b.n) {
			b.number = number;
			b.household_id = er_strdup(er_store_text(st, q, 1));
			b.lon = er_store_double(st, q, 2);
			b.lat = er_store_double(st, q, 3);
			if (!b.household_id)
				oom = 1;
		}
		if (b.n == b.cap) {
			size_t c = b.cap ? b.cap * 2 : 8;
			struct er_xperson *p = er_realloc(b.p, c * sizeof *p);
			if (!p) {
				oom = 1;
				break;
			}
			b.p = p;
			b.cap = c;
		}
		struct er_xperson *p = &b.p[b.n++];
		memset(p, 0, sizeof *p);
		char labels[512];
		reason_labels(er_store_text(st, q, 11), labels, sizeof labels);
		p->id = keep(&b, er_store_text(st, q, 4), &oom);
		p->name = keep(&b, er_store_text(st, q, 5), &oom);
		p->kana = keep(&b, er_store_text(st, q, 6), &oom);
		p->birth_date = keep(&b, er_store_text(st, q, 7), &oom);
		p->sex = keep(&b, er_store_text(st, q, 8), &oom);
		p->address = keep(&b, er_store_text(st, q, 9), &oom);
		p->phone = keep(&b, er_store_text(st, q, 10), &oom);
		p->reasons = keep(&b, er_store_text(st, q, 11), &oom);
		p->reason_labels = keep(&b, labels, &oom);
		const char *m = er_store_text(st, q, 12);
		p->mobility = keep(&b, m ? m : "", &oom);
		p->mobility_label = mobility_label(m);
		p->consent = keep(&b, er_store_text(st, q, 13), &oom);
		p->age = p->birth_date ? er_value_age(p->birth_date, today)
				       : -1;
		if (oom)
			break;
	}
	if (oom) {
		er_store_done(st, q);
		rc = er_fail(err, ER_ENOMEM, NULL, "out of memory");
	} else if (r < 0) {
		rc = ER_EDB;
	} else if (r == 0 && !rc) {
		rc = hh_flush(&b, fn, ud, err);
	} else {
		er_store_done(st, q);
	}
	hh_clear(&b);
	er_free(b.p);
	er_free(b.strings);
	return rc;
}

enum er_code
er_x_shelters(struct er_register *reg, double minx, double miny, double maxx,
	      double maxy, er_xshelter_fn fn, void *ud, struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_stmt q = ER_STMT_X_SHELTERS;
	enum er_code rc =
		er_store_query(st, q, err, "dddd", minx, miny, maxx, maxy);
	if (rc)
		return rc;
	int r;
	while ((r = er_store_next(st, q, err)) == 1) {
		struct er_xshelter s = {
			.id = er_store_text(st, q, 0),
			.name = er_store_text(st, q, 1),
			.kind = er_store_text(st, q, 2),
			.address = er_store_text(st, q, 3),
			.hazards = er_store_text(st, q, 4),
			.capacity = (long)er_store_int(st, q, 5),
			.lon = er_store_double(st, q, 6),
			.lat = er_store_double(st, q, 7),
		};
		if ((rc = fn(&s, ud, err))) {
			er_store_done(st, q);
			return rc;
		}
	}
	return r < 0 ? ER_EDB : ER_OK;
}

static enum er_code
features(struct er_register *reg, enum er_stmt q, const char *layer,
	 const char *code, double minx, double miny, double maxx, double maxy,
	 er_xfeature_fn fn, void *ud, struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_code rc;
	if (q == ER_STMT_X_NEIGHBOURS)
		rc = er_store_query(st, q, err, "ddddt", minx, miny, maxx,
				    maxy, code);
	else
		rc = er_store_query(st, q, err, "dddd", minx, miny, maxx,
				    maxy);
	if (rc)
		return rc;
	int r;
	while ((r = er_store_next(st, q, err)) == 1) {
		int len;
		struct er_xfeature f = {.layer = layer};
		if (q == ER_STMT_X_NEIGHBOURS) {
			f.kind = er_store_text(st, q, 0);
			f.name = er_store_text(st, q, 1);
			f.wkb = er_store_blob(st, q, 2, &len);
		} else if (q == ER_STMT_X_HAZARDS) {
			f.kind = er_store_text(st, q, 0);
			f.name = er_store_text(st, q, 1);
			f.wkb = er_store_blob(st, q, 3, &len);
		} else {
			f.layer = er_store_text(st, q, 0);
			f.kind = er_store_text(st, q, 1);
			f.name = er_store_text(st, q, 2);
			f.wkb = er_store_blob(st, q, 3, &len);
		}
		f.wkb_len = (size_t)len;
		if ((rc = fn(&f, ud, err))) {
			er_store_done(st, q);
			return rc;
		}
	}
	return r < 0 ? ER_EDB : ER_OK;
}

enum er_code
er_x_neighbours(struct er_register *reg, const char *code, double minx,
		double miny, double maxx, double maxy, er_xfeature_fn fn,
		void *ud, struct er_error *err)
{
	return features(reg, ER_STMT_X_NEIGHBOURS, "neighbour", code, minx,
			miny, maxx, maxy, fn, ud, err);
}

enum er_code
er_x_hazards(struct er_register *reg, double minx, double miny, double maxx,
	     double maxy, er_xfeature_fn fn, void *ud, struct er_error *err)
{
	return features(reg, ER_STMT_X_HAZARDS, "hazard_zone", NULL, minx,
			miny, maxx, maxy, fn, ud, err);
}

enum er_code
er_x_basemap(struct er_register *reg, double minx, double miny, double maxx,
	     double maxy, er_xfeature_fn fn, void *ud, struct er_error *err)
{
	return features(reg, ER_STMT_X_BASEMAP, NULL, NULL, minx, miny, maxx,
			maxy, fn, ud, err);
}

struct tally {
	char **codes; /* every district's, sorted */
	size_t n;
	long *registrants, *assigned;
};

static void
tally_finish(struct tally *t)
{
	er_x_codes_free(t->codes, t->n);
	er_free(t->registrants);
	er_free(t->assigned);
	memset(t, 0, sizeof *t);
}

static int
cmp_code(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static long
tally_find(const struct tally *t, const char *code)
{
	if (!code)
		return -1;
	char **hit = bsearch(&code, t->codes, t->n, sizeof *t->codes, cmp_code);
	return hit ? (long)(hit - t->codes) : -1;
}

/* Sums active registrants and assigned ones per district in one
 * forward read of the register; memory grows with districts only. */
static enum er_code
tally_load(struct er_register *reg, struct tally *t, struct er_error *err)
{
	struct er_store *st = reg->st;
	memset(t, 0, sizeof *t);
	enum er_stmt q = ER_STMT_X_DISTRICT_ALL_CODES;
	size_t cap = 0;
	enum er_code rc = er_store_query(st, q, err, "");
	if (rc)
		return rc;
	int r;
	while ((r = er_store_next(st, q, err)) == 1) {
		if (t->n == cap) {
			size_t c = cap ? cap * 2 : 256;
			char **x = er_realloc(t->codes, c * sizeof *x);
			if (!x)
				goto nomem;
			t->codes = x;
			cap = c;
		}
		const char *c = er_store_text(st, q, 0);
		if (!(t->codes[t->n] = er_strdup(c ? c : "")))
			goto nomem;
		t->n++;
	}
	if (r < 0) {
		tally_finish(t);
		return ER_EDB;
	}
	t->registrants = er_calloc(t->n ? t->n : 1, sizeof *t->registrants);
	t->assigned = er_calloc(t->n ? t->n : 1, sizeof *t->assigned);
	if (!t->registrants || !t->assigned) {
		tally_finish(t);
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	}
	q = ER_STMT_X_DISTRICT_TALLY;
	if ((rc = er_store_query(st, q, err, ""))) {
		tally_finish(t);
		return rc;
	}
	long last = -1;
	char lastcode[64] = "";
	while ((r = er_store_next(st, q, err)) == 1) {
		const char *c = er_store_text(st, q, 0);
		/* a district's rows often come together: skip the search */
		if (!c || strcmp(c, lastcode) != 0) {
			last = tally_find(t, c);
			snprintf(lastcode, sizeof lastcode, "%s", c ? c : "");
		}
		if (last < 0)
			continue;
		t->registrants[last]++;
		t->assigned[last] += er_store_int(st, q, 1) != 0;
	}
	if (r < 0) {
		tally_finish(t);
		return ER_EDB;
	}
	return ER_OK;
nomem:
	er_store_done(st, q);
	tally_finish(t);
	return er_fail(err, ER_ENOMEM, NULL, "out of memory");
}

enum er_code
er_x_district_rates(struct er_register *reg, int figures, er_xrate_fn fn,
                    void *ud, struct er_error *err)
{
	struct er_store *st = reg->st;
	struct tally t = {0};
	enum er_code rc;
	if (figures && (rc = tally_load(reg, &t, err)))
		return rc;
	enum er_stmt q = ER_STMT_X_DISTRICT_RATES;
	if ((rc = er_store_query(st, q, err, ""))) {
		tally_finish(&t);
		return rc;
	}
	int r;
	while ((r = er_store_next(st, q, err)) == 1) {
		int len;
		struct er_xrate x = {
		    .code = er_store_text(st, q, 0),
		    .name = er_store_text(st, q, 1),
		    .association_code = er_store_text(st, q, 2),
		    .wkb = er_store_blob(st, q, 3, &len),
		};
		x.wkb_len = (size_t)len;
		long i = figures ? tally_find(&t, x.code) : -1;
		if (i >= 0) {
			x.registrants = t.registrants[i];
			x.assigned = t.assigned[i];
		}
		if ((rc = fn(&x, ud, err))) {
			er_store_done(st, q);
			tally_finish(&t);
			return rc;
		}
	}
	tally_finish(&t);
	return r < 0 ? ER_EDB : ER_OK;
}

void
er_x_codes_free(char **codes, size_t n)
{
	for (size_t i = 0; codes && i < n; i++)
		er_free(codes[i]);
	er_free(codes);
}

enum er_code
er_x_district_codes(struct er_register *reg, char ***codes, size_t *n,
		    struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_stmt q = ER_STMT_X_DISTRICT_CODES;
	*codes = NULL;
	*n = 0;
	enum er_code rc = er_store_query(st, q, err, "");
	if (rc)
		return rc;
	size_t cap = 0;
	int r;
	while ((r = er_store_next(st, q, err)) == 1) {
		if (*n == cap) {
			size_t c = cap ? cap * 2 : 64;
			char **x = er_realloc(*codes, c * sizeof *x);
			if (!x)
				goto nomem;
			*codes = x;
			cap = c;
		}
		char *c = er_strdup(er_store_text(st, q, 0));
		if (!c)
			goto nomem;
		(*codes)[(*n)++] = c;
	}
	return r < 0 ? ER_EDB : ER_OK;
nomem:
	er_store_done(st, q);
	er_x_codes_free(*codes, *n);
	*codes = NULL;
	*n = 0;
	return er_fail(err, ER_ENOMEM, NULL, "out of memory");
}

enum er_code
er_x_extent(struct er_register *reg, double *minx, double *miny,
	    double *maxx, double *maxy, struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_stmt q = ER_STMT_X_EXTENT;
	enum er_code rc = er_store_query(st, q, err, "");
	if (rc)
		return rc;
	int r = er_store_next(st, q, err);
	if (r < 0)
		return ER_EDB;
	if (r == 0 || er_store_isnull(st, q, 0)) {
		er_store_done(st, q);
		return er_fail(err, ER_EUSAGE, reg->path,
			       "the register has no districts");
	}
	*minx = er_store_double(st, q, 0);
	*miny = er_store_double(st, q, 1);
	*maxx = er_store_double(st, q, 2);
	*maxy = er_store_double(st, q, 3);
	er_store_done(st, q);
	return ER_OK;
}

void
er_x_data_date(struct er_register *reg, char out[11])
{
	out[0] = '\0';
	struct er_error err;
	if (er_store_query(reg->st, ER_STMT_X_DATA_DATE, &err, ""))
		return;
	if (er_store_next(reg->st, ER_STMT_X_DATA_DATE, &err) == 1) {
		const char *s = er_store_text(reg->st, ER_STMT_X_DATA_DATE, 0);
		if (s)
			snprintf(out, 11, "%.10s", s);
		er_store_done(reg->st, ER_STMT_X_DATA_DATE);
	}
}

enum er_code
er_x_begin(struct er_register *reg, struct er_error *err)
{
	if (reg->readonly)
		return er_fail(err, ER_EUSAGE, reg->path,
			       "exports write the audit log; open the register "
			       "read-write");
	return er_store_begin(reg->st, err);
}

enum er_code
er_x_commit(struct er_register *reg, struct er_error *err)
{
	return er_store_commit(reg->st, err);
}

void
er_x_rollback(struct er_register *reg)
{
	er_store_rollback(reg->st);
}

enum er_code
er_x_audit(struct er_register *reg, const char *action, const char *path,
	   const char *shown_path, enum er_mode mode, const char *reason,
	   const char *district, long registrants, long households,
	   struct er_error *err)
{
	char sha[65];
	enum er_code rc = er_sha256_file(path, sha, err);
	if (rc)
		return rc;
	struct er_audit_row row = {
		.action = action,
		.file = shown_path,
		.file_sha256 = sha,
		.mode = er_x_mode_name(mode),
		.reason = reason,
		.district_code = district,
		.registrants = registrants,
		.households = households,
	};
	return er_audit_append(reg, &row, err);
}

void
er_export_time_iso(char out[24])
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (!sde || !*sde) {
		er_now_iso(out);
		return;
	}
	time_t t = (time_t)strtoll(sde, NULL, 10);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
