/* The data behind maps and lists: district figures, consent-filtered
 * unassigned households with stable numbers, shelters, neighbours, base
 * map, and the audit rows of exports. */
#include <pthread.h>
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

/* ---- the district scan -------------------------------------------------*/

/* Mobility codes, in the order of the CHECK; 0 is none. */
static const char *const mobility_codes[] = {"",          "walk",
                                             "cane",      "wheelchair",
                                             "bedridden", "other"};
#define NMOB (sizeof mobility_codes / sizeof mobility_codes[0])

static unsigned char
mobility_index(const char *m)
{
	for (unsigned char i = 1; m && i < NMOB; i++)
		if (!strcmp(m, mobility_codes[i]))
			return i;
	return 0;
}

/* One active household of the district: its first member's place. */
struct xhh {
	size_t hid;  /* offset of its id in the arena */
	double lon, lat;
	long number; /* 0: none yet */
};

/* One person shown, in number order once sorted. */
struct xrow {
	long number;
	int64_t rowid;
	size_t hh;   /* index into the households */
	size_t seq;  /* position in the scan: (household, id) order */
	unsigned char mob;
};

struct er_xshown {
	struct xhh *hh;
	size_t nhh, caphh;
	struct xrow *rows;
	size_t nrows, caprows;
	char *arena; /* household ids, NUL-terminated */
	size_t alen, acap;
};

static void
shown_free(struct er_xshown *x)
{
	if (!x)
		return;
	er_free(x->hh);
	er_free(x->rows);
	er_free(x->arena);
	er_free(x);
}

void
er_x_district_finish(struct er_xdistrict *d)
{
	er_free(d->code);
	er_free(d->name);
	er_free(d->association_code);
	er_free(d->association_name);
	er_mpoly_finish(&d->shape);
	shown_free(d->rows);
	memset(d, 0, sizeof *d);
}

static const char *
hid_of(const struct er_xshown *x, size_t h)
{
	return x->arena + x->hh[h].hid;
}

/* Adds a household (id copied into the arena); -1 when out of memory. */
static int
add_household(struct er_xshown *x, const char *id, double lon, double lat)
{
	size_t len = strlen(id) + 1;
	if (er_grow(&x->arena, &x->acap, x->alen + len, 1, 4096) ||
	    er_grow(&x->hh, &x->caphh, x->nhh + 1, sizeof *x->hh, 256))
		return -1;
	memcpy(x->arena + x->alen, id, len);
	x->hh[x->nhh++] = (struct xhh){.hid = x->alen, .lon = lon, .lat = lat};
	x->alen += len;
	return 0;
}

static int
add_row(struct er_xshown *x, int64_t rowid, unsigned char mob)
{
	if (er_grow(&x->rows, &x->caprows, x->nrows + 1, sizeof *x->rows, 256))
		return -1;
	x->rows[x->nrows] = (struct xrow){.rowid = rowid,
	                                  .hh = x->nhh - 1,
	                                  .seq = x->nrows,
	                                  .mob = mob};
	x->nrows++;
	return 0;
}

/* What one household adds to the figures, counted as its rows pass. */
struct hhstate {
	int unassigned; /* has a member without a supporter */
	int unassigned_ok; /* ... who may be shared */
	int shown;
};

static void
hh_close(struct er_xdistrict *d, const struct hhstate *s)
{
	d->households++;
	d->unassigned_households += s->unassigned;
	d->withheld_households += s->unassigned && !s->unassigned_ok;
	d->shown_households += s->shown;
}

/* Reads the district's active registrants from the index once: the
 * figures into d, its households, and the persons shown in mode. */
static enum er_code
scan(struct er_register *reg, const char *code, enum er_mode mode,
     struct er_xdistrict *d, struct er_xshown *x, struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_stmt q = ER_STMT_X_SCAN;
	enum er_code rc = er_store_query(st, q, err, "t", code);
	if (rc)
		return rc;
	int opt_out = optout(reg) != 0;
	int disaster = mode == ER_MODE_DISASTER;
	struct hhstate hs = {0};
	const char *cur = NULL;
	int r;
	while ((r = er_store_next(st, q, err)) == 1) {
		const char *hid = er_store_text(st, q, 0);
		if (!hid)
			hid = "";
		if (!cur || strcmp(hid, cur) != 0) {
			if (cur)
				hh_close(d, &hs);
			memset(&hs, 0, sizeof hs);
			if (add_household(x, hid, er_store_double(st, q, 5),
			                  er_store_double(st, q, 6)))
				goto nomem;
			cur = hid_of(x, x->nhh - 1);
		}
		const char *consent = er_store_text(st, q, 2);
		int ok = consent && (!strcmp(consent, "yes") ||
		                     (opt_out && !strcmp(consent, "unanswered")));
		int asg = er_store_int(st, q, 3) > 0;
		d->registrants++;
		d->assigned += asg;
		d->consented += ok;
		if (asg)
			continue;
		hs.unassigned = 1;
		hs.unassigned_ok |= ok;
		if (!ok)
			d->withheld++;
		if (disaster || ok) {
			hs.shown = 1;
			d->shown++;
			if (add_row(x, er_store_int(st, q, 1),
			            mobility_index(er_store_text(st, q, 4))))
				goto nomem;
		}
	}
	if (r < 0)
		return ER_EDB;
	if (cur)
		hh_close(d, &hs);
	d->unassigned = d->registrants - d->assigned;
	return ER_OK;
nomem:
	er_store_done(st, q);
	return er_fail(err, ER_ENOMEM, NULL, "out of memory");
}

/* New households: north to south, then west to east, then by id. */
static int
cmp_new(const void *a, const void *b, void *ctx)
{
	const struct er_xshown *x = ctx;
	const struct xhh *p = &x->hh[*(const size_t *)a];
	const struct xhh *q = &x->hh[*(const size_t *)b];
	if (p->lat != q->lat)
		return p->lat > q->lat ? -1 : 1;
	if (p->lon != q->lon)
		return p->lon < q->lon ? -1 : 1;
	return strcmp(x->arena + p->hid, x->arena + q->hid);
}

/* Gives every household its number: the stored one, else a new one
 * after the district's largest (stored in the caller's transaction).
 * Numbers stay with a household for good. */
static enum er_code
number(struct er_register *reg, const char *code, struct er_xshown *x,
       struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_stmt q = ER_STMT_X_NUMBERS;
	enum er_code rc = er_store_query(st, q, err, "t", code);
	if (rc)
		return rc;
	long max = 0;
	int r;
	/* both come by household id (BINARY order, as strcmp's): merge */
	size_t at = 0;
	while ((r = er_store_next(st, q, err)) == 1) {
		const char *hid = er_store_text(st, q, 0);
		long n = (long)er_store_int(st, q, 1);
		if (n > max)
			max = n;
		if (!hid)
			continue;
		int c = 1;
		while (at < x->nhh && (c = strcmp(hid_of(x, at), hid)) < 0)
			at++;
		if (at < x->nhh && c == 0)
			x->hh[at].number = n;
	}
	if (r < 0)
		return ER_EDB;
	size_t nnew = 0;
	for (size_t i = 0; i < x->nhh; i++)
		nnew += !x->hh[i].number;
	if (!nnew)
		return ER_OK;
	size_t *idx = er_malloc(nnew * sizeof *idx);
	if (!idx)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	for (size_t i = 0, j = 0; i < x->nhh; i++)
		if (!x->hh[i].number)
			idx[j++] = i;
	qsort_r(idx, nnew, sizeof *idx, cmp_new, x);
	char now[24];
	er_now_iso(now);
	for (size_t j = 0; j < nnew && !rc; j++) {
		struct xhh *h = &x->hh[idx[j]];
		h->number = max + 1 + (long)j;
		rc = er_store_run(st, ER_STMT_X_NUMBER_ADD, NULL, err, "ttlt",
		                  code, x->arena + h->hid, h->number, now);
	}
	er_free(idx);
	return rc;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct xrow *p = a, *q = b;
	if (p->number != q->number)
		return p->number < q->number ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* Scans, numbers, and orders the persons shown by household number. */
static enum er_code
scan_numbered(struct er_register *reg, const char *code, enum er_mode mode,
              struct er_xdistrict *d, struct er_xshown **out,
              struct er_error *err)
{
	struct er_xshown *x = er_calloc(1, sizeof *x);
	if (!x)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	enum er_code rc = scan(reg, code, mode, d, x, err);
	if (!rc)
		rc = number(reg, code, x, err);
	if (rc) {
		shown_free(x);
		return rc;
	}
	for (size_t i = 0; i < x->nrows; i++)
		x->rows[i].number = x->hh[x->rows[i].hh].number;
	if (x->nrows > 1)
		qsort(x->rows, x->nrows, sizeof *x->rows, cmp_row);
	*out = x;
	return ER_OK;
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
	if ((rc = scan_numbered(reg, d->code, mode, d, &d->rows, err)))
		goto fail;
	return ER_OK;
fail:
	er_x_district_finish(d);
	return rc;
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

/* The most limiting mobility of rows [a, b). */
static const char *
rows_mobility(const struct er_xshown *x, size_t a, size_t b)
{
	const char *mob = "";
	int best = 0;
	for (size_t i = a; i < b; i++) {
		const char *m = mobility_codes[x->rows[i].mob];
		int r = mobility_rank(m);
		if (r > best) {
			best = r;
			mob = m;
		}
	}
	return mob;
}

/* The end of the household starting at row a. */
static size_t
household_end(const struct er_xshown *x, size_t a)
{
	size_t b = a + 1;
	while (b < x->nrows && x->rows[b].number == x->rows[a].number)
		b++;
	return b;
}

enum er_code
er_x_map_households(struct er_register *reg, const struct er_xdistrict *d,
		    er_xhousehold_fn fn, void *ud, struct er_error *err)
{
	(void)reg;
	const struct er_xshown *x = d->rows;
	enum er_code rc = ER_OK;
	for (size_t a = 0, b; x && a < x->nrows && !rc; a = b) {
		b = household_end(x, a);
		const struct xhh *h = &x->hh[x->rows[a].hh];
		struct er_xhousehold hh = {
			.number = x->rows[a].number,
			.household_id = x->arena + h->hid,
			.lon = h->lon,
			.lat = h->lat,
			.mobility = rows_mobility(x, a, b),
			.npersons = b - a,
		};
		rc = fn(&hh, ud, err);
	}
	return rc;
}

/* ---- persons, for lists and placemarks ---------------------------------*/

/* Households go from the reading to the writing in batches. A batch's
 * strings live in one arena, so a batch costs a few allocations
 * however many persons and fields it has. */
#define BATCH_HH 64
#define NCOLS 10 /* X_PERSON's columns */

struct batch {
	size_t nhh;
	struct er_xhousehold hh[BATCH_HH];
	struct er_xperson *p;
	size_t np, capp, capoff;
	size_t (*off)[NCOLS + 1]; /* per person: offsets, or NOSTR; the last
	                           * is the reasons' labels */
	char *text;
	size_t tlen, tcap;
	struct er_xml_buf out; /* the formatter's text of every household */
	size_t text_off[BATCH_HH];
	int last;         /* the district's last batch */
	enum er_code rc;  /* the reading failed: err says why */
	struct er_error err;
};

#define NOSTR ((size_t)-1)

static void
batch_free(struct batch *b)
{
	er_xml_buf_finish(&b->out);
	er_free(b->p);
	er_free(b->off);
	er_free(b->text);
}

static size_t
keep(struct batch *b, const char *s, size_t n, int *oom)
{
	if (!s)
		return NOSTR;
	if (er_grow(&b->text, &b->tcap, b->tlen + n + 1, 1, 16384)) {
		*oom = 1;
		return NOSTR;
	}
	size_t at = b->tlen;
	memcpy(b->text + at, s, n);
	b->text[at + n] = '\0';
	b->tlen += n + 1;
	return at;
}

static const char *
str_at(const struct batch *b, size_t off)
{
	return off == NOSTR ? NULL : b->text + off;
}

/* Where persons are read from: the export's own connection, or a
 * reader of the same snapshot on the reading thread. */
struct source {
	struct er_register *reg;
	struct er_reader *rd; /* NULL: the register's connection */
	const struct er_xshown *x;
	size_t pos; /* next row */
	char today[11];
	er_xformat_fn fmt; /* NULL: none */
	const void *fud;
};

/* Reads row i's person into the batch: 0, or an error code. */
static enum er_code
read_person(struct source *src, struct batch *b, size_t i, int64_t rowid,
            int *oom)
{
	struct er_store *st = src->reg->st;
	enum er_stmt q = ER_STMT_X_PERSON;
	int r;
	enum er_code rc;
	if (src->rd) {
		r = er_reader_row(src->rd, rowid);
		if (r < 0)
			return er_fail(&b->err, ER_EDB, src->reg->path, "%s",
			               er_reader_error(src->rd));
	} else {
		if ((rc = er_store_query(st, q, &b->err, "l", (long)rowid)))
			return rc;
		r = er_store_next(st, q, &b->err);
		if (r < 0)
			return ER_EDB;
	}
	if (r == 0)
		return er_fail(&b->err, ER_EDB, src->reg->path,
		               "a registrant left while being written");
	for (int c = 0; c < NCOLS; c++) {
		size_t len;
		const char *v;
		if (src->rd) {
			v = er_reader_text(src->rd, c, &len);
		} else {
			v = er_store_text(st, q, c);
			len = v ? er_store_bytes(st, q, c) : 0;
		}
		b->off[i][c] = keep(b, v, len, oom);
	}
	char labels[512];
	reason_labels(str_at(b, b->off[i][7]), labels, sizeof labels);
	b->off[i][NCOLS] = keep(b, labels, strlen(labels), oom);
	if (!src->rd)
		er_store_done(st, q);
	return ER_OK;
}

/* Fills b with the next households: b->rc says whether it worked. */
static void
fill(struct source *src, struct batch *b)
{
	const struct er_xshown *x = src->x;
	int oom = 0;
	b->nhh = b->np = b->tlen = 0;
	b->rc = ER_OK;
	size_t first[BATCH_HH];
	while (b->nhh < BATCH_HH && src->pos < x->nrows && !b->rc && !oom) {
		size_t a = src->pos, e = household_end(x, a);
		size_t n = e - a;
		if (er_grow(&b->p, &b->capp, b->np + n, sizeof *b->p, 256) ||
		    er_grow(&b->off, &b->capoff, b->np + n, sizeof *b->off,
		            256)) {
			oom = 1;
			break;
		}
		first[b->nhh] = b->np;
		const struct xhh *h = &x->hh[x->rows[a].hh];
		b->hh[b->nhh] = (struct er_xhousehold){
			.number = x->rows[a].number,
			.household_id = x->arena + h->hid,
			.lon = h->lon,
			.lat = h->lat,
			.npersons = n,
		};
		for (size_t i = 0; i < n && !b->rc && !oom; i++)
			b->rc = read_person(src, b, b->np + i, x->rows[a + i].rowid,
			                    &oom);
		b->np += n;
		b->nhh++;
		src->pos = e;
	}
	if (oom && !b->rc)
		b->rc = er_fail(&b->err, ER_ENOMEM, NULL, "out of memory");
	b->last = src->pos >= x->nrows || b->rc;
	if (b->rc)
		return;
	/* the arena is complete: turn offsets into pointers */
	for (size_t i = 0; i < b->np; i++) {
		struct er_xperson *p = &b->p[i];
		const size_t *o = b->off[i];
		p->id = str_at(b, o[0]);
		p->name = str_at(b, o[1]);
		p->kana = str_at(b, o[2]);
		p->birth_date = str_at(b, o[3]);
		p->sex = str_at(b, o[4]);
		p->address = str_at(b, o[5]);
		p->phone = str_at(b, o[6]);
		p->reasons = str_at(b, o[7]);
		const char *m = str_at(b, o[8]);
		p->mobility = m ? m : "";
		p->mobility_label = mobility_label(m);
		p->consent = str_at(b, o[9]);
		p->reason_labels = str_at(b, o[NCOLS]);
		p->age = p->birth_date ? er_value_age(p->birth_date, src->today)
		                       : -1;
	}
	for (size_t k = 0; k < b->nhh; k++) {
		struct er_xhousehold *hh = &b->hh[k];
		struct er_xperson *p = &b->p[first[k]];
		hh->persons = p;
		hh->address = p[0].address;
		const char *mob = "";
		int best = 0;
		for (size_t i = 0; i < hh->npersons; i++) {
			int r = mobility_rank(p[i].mobility);
			if (r > best) {
				best = r;
				mob = p[i].mobility;
			}
		}
		hh->mobility = mob;
	}
	if (!src->fmt)
		return;
	b->out.len = 0;
	for (size_t k = 0; k < b->nhh; k++) {
		b->text_off[k] = b->out.len;
		src->fmt(&b->hh[k], src->fud, &b->out);
	}
	er_xml_buf_add(&b->out, "", 0);
	if (b->out.nomem) {
		b->out.nomem = 0;
		b->rc = er_fail(&b->err, ER_ENOMEM, NULL, "out of memory");
		b->last = 1;
		return;
	}
	for (size_t k = 0; k < b->nhh; k++) {
		size_t end = k + 1 < b->nhh ? b->text_off[k + 1] : b->out.len;
		b->hh[k].text = b->out.s + b->text_off[k];
		b->hh[k].text_len = end - b->text_off[k];
	}
}

static enum er_code
deliver(const struct batch *b, er_xhousehold_fn fn, void *ud,
        struct er_error *err)
{
	if (b->rc) {
		if (err)
			*err = b->err;
		return b->rc;
	}
	enum er_code rc = ER_OK;
	for (size_t k = 0; k < b->nhh && !rc; k++)
		rc = fn(&b->hh[k], ud, err);
	return rc;
}

/* Reading on one thread, writing on the caller's. The reading thread
 * takes districts in the order they were queued and reads their
 * households into a ring of NBATCH batches, going straight on to the
 * next district: memory is that of NBATCH batches and the districts
 * queued, and the reading never waits for the caller to load a
 * district or close a file. */
#define NBATCH 8
#define NQUEUE 4

struct queued {
	const struct er_xdistrict *d;
	er_xformat_fn fmt;
	const void *fud;
};

struct relay {
	struct er_register *reg;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* districts queued: entry k is q[k % NQUEUE]; counts of those
	 * queued, started by the reading thread, and taken by the caller */
	struct queued q[NQUEUE];
	size_t queued, started, done;
	struct batch b[NBATCH];
	const struct er_xdistrict *bd[NBATCH]; /* whose households */
	int full[NBATCH];
	size_t taken; /* batches the caller has taken */
	int stop; /* the writing failed or was cancelled: read no more */
};

static void *
reading(void *arg)
{
	struct relay *y = arg;
	pthread_setname_np(pthread_self(), "evacreg-read");
	struct source src = {.reg = y->reg, .rd = y->reg->reader};
	er_today_iso(src.today);
	size_t i = 0; /* the next batch */
	for (;;) {
		/* the next district, once queued */
		pthread_mutex_lock(&y->mu);
		while (y->started == y->queued && !y->stop)
			pthread_cond_wait(&y->cv, &y->mu);
		if (y->stop) {
			pthread_mutex_unlock(&y->mu);
			break;
		}
		struct queued qd = y->q[y->started++ % NQUEUE];
		pthread_mutex_unlock(&y->mu);
		src.x = qd.d->rows;
		src.fmt = qd.fmt;
		src.fud = qd.fud;
		src.pos = 0;
		int failed = 0, stop = 0;
		for (;; i++) {
			struct batch *b = &y->b[i % NBATCH];
			pthread_mutex_lock(&y->mu);
			while (y->full[i % NBATCH] && !y->stop)
				pthread_cond_wait(&y->cv, &y->mu);
			stop = y->stop;
			pthread_mutex_unlock(&y->mu);
			if (stop)
				break;
			fill(&src, b);
			failed = b->rc != ER_OK;
			pthread_mutex_lock(&y->mu);
			y->bd[i % NBATCH] = qd.d;
			y->full[i % NBATCH] = 1;
			pthread_cond_broadcast(&y->cv);
			pthread_mutex_unlock(&y->mu);
			if (b->last) {
				i++;
				break;
			}
		}
		if (stop || failed)
			break;
	}
	return NULL;
}

static void
relay_free(struct relay *y)
{
	if (!y)
		return;
	pthread_mutex_lock(&y->mu);
	y->stop = 1;
	pthread_cond_broadcast(&y->cv);
	pthread_mutex_unlock(&y->mu);
	pthread_join(y->th, NULL);
	pthread_cond_destroy(&y->cv);
	pthread_mutex_destroy(&y->mu);
	for (size_t i = 0; i < NBATCH; i++)
		batch_free(&y->b[i]);
	er_free(y);
}

/* The reading thread, started; NULL when there is no reader (not WAL,
 * EVACREG_ONE_THREAD) or it cannot start. */
static struct relay *
relay_start(struct er_register *reg)
{
	/* the reader shares the export's snapshot: opened once, inside its
	 * transaction, closed with it */
	if (!reg->reader_tried) {
		reg->reader_tried = 1;
		const char *one = getenv("EVACREG_ONE_THREAD");
		if (!one || !*one)
			reg->reader = er_reader_open(reg->st, ER_STMT_X_PERSON);
	}
	if (!reg->reader)
		return NULL;
	struct relay *y = er_calloc(1, sizeof *y);
	if (!y)
		return NULL;
	y->reg = reg;
	pthread_mutex_init(&y->mu, NULL);
	pthread_cond_init(&y->cv, NULL);
	if (pthread_create(&y->th, NULL, reading, y) != 0) {
		pthread_cond_destroy(&y->cv);
		pthread_mutex_destroy(&y->mu);
		er_free(y);
		return NULL;
	}
	return y;
}

/* Queues d; 0, or -1 when the queue is full. */
static int
relay_queue(struct relay *y, const struct er_xdistrict *d, er_xformat_fn fmt,
            const void *fud)
{
	pthread_mutex_lock(&y->mu);
	int full = y->queued - y->done == NQUEUE;
	if (!full) {
		y->q[y->queued++ % NQUEUE] =
		    (struct queued){.d = d, .fmt = fmt, .fud = fud};
		pthread_cond_broadcast(&y->cv);
	}
	pthread_mutex_unlock(&y->mu);
	return full ? -1 : 0;
}

/* Whether the oldest district not yet taken is d with fmt. */
static int
relay_next_is(struct relay *y, const struct er_xdistrict *d,
              er_xformat_fn fmt, const void *fud)
{
	pthread_mutex_lock(&y->mu);
	const struct queued *q = &y->q[y->done % NQUEUE];
	int yes = y->done < y->queued && q->d == d && q->fmt == fmt &&
	          q->fud == fud;
	pthread_mutex_unlock(&y->mu);
	return yes;
}

/* Takes d's batches, the next ones in the ring. */
static enum er_code
relay_take(struct relay *y, const struct er_xdistrict *d,
           er_xhousehold_fn fn, void *ud, struct er_error *err)
{
	enum er_code rc = ER_OK;
	for (;;) {
		size_t i = y->taken % NBATCH;
		struct batch *b = &y->b[i];
		pthread_mutex_lock(&y->mu);
		while (!y->full[i])
			pthread_cond_wait(&y->cv, &y->mu);
		const struct er_xdistrict *bd = y->bd[i];
		pthread_mutex_unlock(&y->mu);
		if (bd != d) /* cannot happen: districts are read in order */
			return er_fail(err, ER_EDB, NULL,
			               "households read out of order");
		rc = deliver(b, fn, ud, err);
		int last = b->last;
		pthread_mutex_lock(&y->mu);
		y->full[i] = 0;
		y->taken++;
		if (last)
			y->done++;
		pthread_cond_broadcast(&y->cv);
		pthread_mutex_unlock(&y->mu);
		if (rc || last)
			break;
	}
	return rc;
}

void
er_x_households_ahead(struct er_register *reg, const struct er_xdistrict *d,
                      er_xformat_fn fmt, const void *fud)
{
	if (!d->rows || !d->rows->nrows)
		return;
	if (!reg->relay && !(reg->relay = relay_start(reg)))
		return;
	if (relay_queue(reg->relay, d, fmt, fud))
		er_x_households_cancel(reg); /* read on the caller's thread */
}

void
er_x_households_cancel(struct er_register *reg)
{
	relay_free(reg->relay);
	reg->relay = NULL;
}

enum er_code
er_x_households(struct er_register *reg, const struct er_xdistrict *d,
		er_xhousehold_fn fn, void *ud, struct er_error *err)
{
	return er_x_households_fmt(reg, d, NULL, NULL, fn, ud, err);
}

enum er_code
er_x_households_fmt(struct er_register *reg, const struct er_xdistrict *d,
		    er_xformat_fn fmt, const void *fud, er_xhousehold_fn fn,
		    void *ud, struct er_error *err)
{
	const struct er_xshown *x = d->rows;
	if (!x || !x->nrows)
		return ER_OK;
	struct relay *y = reg->relay;
	if (y && !relay_next_is(y, d, fmt, fud)) {
		/* read ahead for something else: start again */
		er_x_households_cancel(reg);
		y = NULL;
	}
	if (!y) {
		er_x_households_ahead(reg, d, fmt, fud);
		y = reg->relay;
	}
	if (y) {
		enum er_code rc = relay_take(y, d, fn, ud, err);
		if (rc)
			er_x_households_cancel(reg);
		return rc;
	}
	/* one thread: the same batches, read here */
	struct source src = {.reg = reg, .x = x, .fmt = fmt, .fud = fud};
	er_today_iso(src.today);
	struct batch b = {0};
	enum er_code rc;
	do {
		fill(&src, &b);
		rc = deliver(&b, fn, ud, err);
	} while (!rc && !b.last);
	batch_free(&b);
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
		if (er_grow(&t->codes, &cap, t->n + 1, sizeof *t->codes, 256))
			goto nomem;
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

static enum er_code
rates(struct er_register *reg, const struct tally *t, er_xrate_fn fn,
      void *ud, struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_stmt q = ER_STMT_X_DISTRICT_RATES;
	enum er_code rc = er_store_query(st, q, err, "");
	if (rc)
		return rc;
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
		long i = t ? tally_find(t, x.code) : -1;
		if (i >= 0) {
			x.registrants = t->registrants[i];
			x.assigned = t->assigned[i];
		}
		if ((rc = fn(&x, ud, err))) {
			er_store_done(st, q);
			return rc;
		}
	}
	return r < 0 ? ER_EDB : ER_OK;
}

enum er_code
er_x_district_rates(struct er_register *reg, int figures, er_xrate_fn fn,
                    void *ud, struct er_error *err)
{
	struct tally t = {0};
	enum er_code rc;
	if (figures && (rc = tally_load(reg, &t, err)))
		return rc;
	rc = rates(reg, figures ? &t : NULL, fn, ud, err);
	tally_finish(&t);
	return rc;
}

enum er_code
er_x_district_rates_known(struct er_register *reg, char **codes,
                          const long *registrants, const long *assigned,
                          size_t n, er_xrate_fn fn, void *ud,
                          struct er_error *err)
{
	struct tally t = {
	    .codes = codes,
	    .n = n,
	    .registrants = (long *)registrants,
	    .assigned = (long *)assigned,
	};
	return rates(reg, &t, fn, ud, err);
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
		if (er_grow(codes, &cap, *n + 1, sizeof **codes, 64))
			goto nomem;
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
	er_x_reader_close(reg);
	return er_store_commit(reg->st, err);
}

void
er_x_rollback(struct er_register *reg)
{
	er_x_reader_close(reg);
	er_store_rollback(reg->st);
}

void
er_x_reader_close(struct er_register *reg)
{
	er_x_households_cancel(reg);
	er_reader_close(reg->reader);
	reg->reader = NULL;
	reg->reader_tried = 0;
}

enum er_code
er_x_audit(struct er_register *reg, const char *action, const char *path,
	   const char *shown_path, enum er_mode mode, const char *reason,
	   const char *district, long registrants, long households,
	   const char *sha256, struct er_error *err)
{
	char sha[65];
	if (sha256) {
		snprintf(sha, sizeof sha, "%s", sha256);
	} else {
		enum er_code rc = er_sha256_file(path, sha, err);
		if (rc)
			return rc;
	}
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
