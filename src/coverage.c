/* Coverage: how many active registrants have a supporter, by district,
 * association or for the whole city, and the report writers. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "regimpl.h"

long
er_rate(long num, long den, int decimals)
{
	if (den <= 0)
		return -1;
	long scale = decimals >= 2 ? 10000 : 1000;
	/* half-up on exact integers: no floating-point ties */
	return (num * scale * 2 + den) / (2 * den);
}

static char *
dup_or_null(const char *s)
{
	return s ? er_strdup(s) : NULL;
}

void
er_coverage_destroy(struct er_coverage *cov)
{
	if (!cov)
		return;
	for (size_t i = 0; i < cov->nrows; i++) {
		struct er_coverage_row *r = &cov->rows[i];
		er_free(r->code);
		er_free(r->name);
		er_free(r->association_code);
		er_free(r->agreement_signed_on);
	}
	er_free(cov->rows);
	er_free(cov);
}

static struct er_coverage_row *
add_row(struct er_coverage *cov, size_t *cap)
{
	if (cov->nrows == *cap) {
		size_t n = *cap ? *cap * 2 : 64;
		struct er_coverage_row *r =
			er_realloc(cov->rows, n * sizeof *r);
		if (!r)
			return NULL;
		cov->rows = r;
		*cap = n;
	}
	struct er_coverage_row *row = &cov->rows[cov->nrows++];
	memset(row, 0, sizeof *row);
	row->association_households = -1;
	return row;
}

/* ---- the tally -----------------------------------------------------------
 *
 * One pass over the active registrants in household order (the covering
 * index registrant_household), in C: a registrant counts in their district
 * (or outside), their district's association (or none, or outside) and
 * the city; a household counts once in each district and association it
 * has members in, and once in the city. Whether someone has a supporter
 * is registrant.assigned, kept by triggers on assignment. */

struct counts {
	long n, ok, asg, hh, uhh;
};

/* strings in one buffer, in the order added (sorted by the query) */
struct strlist {
	char *buf;
	size_t len, cap;
	size_t *off;
	size_t n, ncap;
};

static int
strlist_add(struct strlist *l, const char *s)
{
	size_t k = strlen(s) + 1;
	if (l->len + k > l->cap) {
		size_t c = l->cap ? l->cap * 2 : 4096;
		while (c < l->len + k)
			c *= 2;
		char *b = er_realloc(l->buf, c);
		if (!b)
			return -1;
		l->buf = b;
		l->cap = c;
	}
	if (l->n == l->ncap) {
		size_t c = l->ncap ? l->ncap * 2 : 256;
		size_t *o = er_realloc(l->off, c * sizeof *o);
		if (!o)
			return -1;
		l->off = o;
		l->ncap = c;
	}
	memcpy(l->buf + l->len, s, k);
	l->off[l->n++] = l->len;
	l->len += k;
	return 0;
}

static void
strlist_free(struct strlist *l)
{
	er_free(l->buf);
	er_free(l->off);
}

/* index of s in a list sorted by strcmp (SQLite's BINARY), or -1 */
static long
strlist_find(const struct strlist *l, const char *s)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->buf + l->off[mid], s);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

struct tally {
	struct strlist dcode, acode;
	char **dname, **dassoc;	 /* per district */
	long *dslot_assoc;	 /* district -> association slot */
	struct counts *d;	 /* districts, then outside */
	struct counts *a;	 /* associations, none, outside */
	size_t nd, na;
	struct counts city;
	long outside; /* active registrants in no district */
	/* the household being read */
	struct member {
		long d, a; /* slots; d = -1: a district not in the table */
		int unassigned;
	} *g;
	size_t ng, gcap;
	char *hh;
	size_t hhcap;
};

static void
tally_free(struct tally *t)
{
	for (size_t i = 0; i < t->nd; i++) {
		er_free(t->dname[i]);
		er_free(t->dassoc[i]);
	}
	er_free(t->dname);
	er_free(t->dassoc);
	er_free(t->dslot_assoc);
	strlist_free(&t->dcode);
	strlist_free(&t->acode);
	er_free(t->d);
	er_free(t->a);
	er_free(t->g);
	er_free(t->hh);
}

static enum er_code
nomem(struct er_error *err)
{
	return er_fail(err, ER_ENOMEM, NULL, "out of memory");
}

/* Reads every row of q with fn; stops the statement on failure. */
static enum er_code
each_row(struct er_store *st, enum er_stmt q, struct tally *t,
	 int (*fn)(struct er_store *, enum er_stmt, struct tally *),
	 struct er_error *err)
{
	enum er_code rc = er_store_query(st, q, err, "");
	if (rc)
		return rc;
	int r;
	while ((r = er_store_next(st, q, err)) == 1)
		if (fn(st, q, t)) {
			er_store_done(st, q);
			return nomem(err);
		}
	return r < 0 ? ER_EDB : ER_OK;
}

static int
add_association(struct er_store *st, enum er_stmt q, struct tally *t)
{
	return strlist_add(&t->acode, er_store_text(st, q, 0));
}

static int
add_district(struct er_store *st, enum er_stmt q, struct tally *t)
{
	size_t i = t->dcode.n;
	if (strlist_add(&t->dcode, er_store_text(st, q, 0)))
		return -1;
	if (i % 256 == 0) {
		size_t c = i + 256;
		char **n = er_realloc(t->dname, c * sizeof *n);
		if (n)
			t->dname = n;
		char **a = er_realloc(t->dassoc, c * sizeof *a);
		if (a)
			t->dassoc = a;
		long *s = er_realloc(t->dslot_assoc, c * sizeof *s);
		if (s)
			t->dslot_assoc = s;
		if (!n || !a || !s)
			return -1;
	}
	const char *ac = er_store_text(st, q, 2);
	t->dname[i] = er_strdup(er_store_text(st, q, 1));
	t->dassoc[i] = dup_or_null(ac);
	t->nd = i + 1;
	if (!t->dname[i] || (ac && !t->dassoc[i]))
		return -1;
	/* an association code that names no association counts as none */
	long a = er_store_int(st, q, 3) ? strlist_find(&t->acode, ac) : -1;
	t->dslot_assoc[i] = a >= 0 ? a : (long)t->acode.n;
	return 0;
}

static void
count_row(struct counts *c, int ok, int asg)
{
	c->n++;
	c->ok += ok;
	c->asg += asg;
}

/* The household just read counts once per district and association it
 * has members in, and once in the city. */
static void
flush_household(struct tally *t)
{
	int any_un = 0;
	for (size_t i = 0; i < t->ng; i++) {
		const struct member *m = &t->g[i];
		any_un |= m->unassigned;
		int first_d = 1, first_a = 1, un_d = 0, un_a = 0;
		for (size_t k = 0; k < t->ng; k++) {
			if (t->g[k].d == m->d) {
				if (k < i)
					first_d = 0;
				un_d |= t->g[k].unassigned;
			}
			if (t->g[k].a == m->a) {
				if (k < i)
					first_a = 0;
				un_a |= t->g[k].unassigned;
			}
		}
		if (first_d && m->d >= 0) {
			t->d[m->d].hh++;
			t->d[m->d].uhh += un_d;
		}
		if (first_a) {
			t->a[m->a].hh++;
			t->a[m->a].uhh += un_a;
		}
	}
	if (t->ng) {
		t->city.hh++;
		t->city.uhh += any_un;
	}
	t->ng = 0;
}

static enum er_code
read_active(struct er_store *st, struct tally *t, int optout,
	    struct er_error *err)
{
	enum er_stmt q = ER_STMT_COV_ACTIVE;
	enum er_code rc = er_store_query(st, q, err, "");
	if (rc)
		return rc;
	size_t outside_d = t->nd, none_a = t->na, outside_a = t->na + 1;
	int r;
	while ((r = er_store_next(st, q, err)) == 1) {
		const char *hh = er_store_text(st, q, 0);
		const char *dc = er_store_text(st, q, 1);
		const char *consent = er_store_text(st, q, 2);
		size_t hl = strlen(hh);
		if (t->ng && strcmp(hh, t->hh) != 0)
			flush_household(t);
		if (t->ng == 0) {
			if (hl + 1 > t->hhcap) {
				char *b = er_realloc(t->hh, hl + 64);
				if (!b)
					goto oom;
				t->hh = b;
				t->hhcap = hl + 64;
			}
			memcpy(t->hh, hh, hl + 1);
		}
		if (t->ng == t->gcap) {
			size_t c = t->gcap ? t->gcap * 2 : 16;
			struct member *g = er_realloc(t->g, c * sizeof *g);
			if (!g)
				goto oom;
			t->g = g;
			t->gcap = c;
		}
		int ok = strcmp(consent, "yes") == 0 ||
			 (optout && strcmp(consent, "unanswered") == 0);
		int asg = er_store_int(st, q, 3) > 0;
		struct member *m = &t->g[t->ng++];
		m->unassigned = !asg;
		if (!dc) {
			m->d = (long)outside_d;
			m->a = (long)outside_a;
			t->outside++;
		} else {
			long d = strlist_find(&t->dcode, dc);
			m->d = d;
			m->a = d >= 0 ? t->dslot_assoc[d] : (long)none_a;
		}
		if (m->d >= 0)
			count_row(&t->d[m->d], ok, asg);
		count_row(&t->a[m->a], ok, asg);
		count_row(&t->city, ok, asg);
	}
	flush_household(t);
	return r < 0 ? ER_EDB : ER_OK;
oom:
	er_store_done(st, q);
	return nomem(err);
}

static enum er_code
tally_run(struct er_register *reg, struct tally *t, struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_code rc;
	if ((rc = each_row(st, ER_STMT_COV_ASSOCIATIONS, t, add_association,
			   err)) ||
	    (rc = each_row(st, ER_STMT_COV_DISTRICTS, t, add_district, err)))
		return rc;
	t->na = t->acode.n;
	t->d = er_calloc(t->nd + 1, sizeof *t->d);
	t->a = er_calloc(t->na + 2, sizeof *t->a);
	if (!t->d || !t->a)
		return nomem(err);
	return read_active(st, t, reg->regime == ER_CONSENT_OPT_OUT, err);
}

static void
set_counts(struct er_coverage_row *row, const struct counts *c)
{
	row->registrants = c->n;
	row->consented = c->ok;
	row->assigned = c->asg;
	row->unassigned = c->n - c->asg;
	row->households = c->hh;
	row->unassigned_households = c->uhh;
}

static enum er_code
city_figures(struct er_register *reg, struct er_coverage *cov,
	     const struct tally *t, struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_code rc;
	struct er_city_figures *c = &cov->city;
	c->registrants = t->city.n;
	c->assigned = t->city.asg;
	c->consented = t->city.ok;
	c->households = t->city.hh;
	c->unassigned_households = t->city.uhh;
	c->unassigned = c->registrants - c->assigned;
	c->outside = t->outside;
	if ((rc = er_store_query(st, ER_STMT_COV_ASSOC_CITY, err, "")))
		return rc;
	if (er_store_next(st, ER_STMT_COV_ASSOC_CITY, err) != 1)
		return ER_EDB;
	c->associations = (long)er_store_int(st, ER_STMT_COV_ASSOC_CITY, 0);
	c->associations_with_agreement =
		(long)er_store_int(st, ER_STMT_COV_ASSOC_CITY, 1);
	c->jishubo_associations =
		(long)er_store_int(st, ER_STMT_COV_ASSOC_CITY, 2);
	c->association_households =
		(long)er_store_int(st, ER_STMT_COV_ASSOC_CITY, 3);
	c->jishubo_households =
		(long)er_store_int(st, ER_STMT_COV_ASSOC_CITY, 4);
	er_store_done(st, ER_STMT_COV_ASSOC_CITY);
	return ER_OK;
}

/* A row for registrants counted nowhere else: "(outside)" or
 * "(no association)". */
static enum er_code
extra_row(struct er_coverage *cov, size_t *cap, const char *code,
	  const struct counts *c, struct er_error *err)
{
	if (c->n == 0)
		return ER_OK;
	struct er_coverage_row *row = add_row(cov, cap);
	if (!row || !(row->code = er_strdup(code)) ||
	    !(row->name = er_strdup("")))
		return nomem(err);
	set_counts(row, c);
	return ER_OK;
}

static enum er_code
rows_by_district(struct er_coverage *cov, const struct tally *t,
		 struct er_error *err)
{
	size_t cap = 0;
	for (size_t i = 0; i < t->nd; i++) {
		struct er_coverage_row *row = add_row(cov, &cap);
		if (!row || !(row->code = er_strdup(t->dcode.buf +
						    t->dcode.off[i])) ||
		    !(row->name = er_strdup(t->dname[i])) ||
		    (t->dassoc[i] &&
		     !(row->association_code = er_strdup(t->dassoc[i]))))
			return nomem(err);
		set_counts(row, &t->d[i]);
	}
	return extra_row(cov, &cap, "(outside)", &t->d[t->nd], err);
}

static enum er_code
rows_by_association(struct er_register *reg, struct er_coverage *cov,
		    const struct tally *t, struct er_error *err)
{
	struct er_store *st = reg->st;
	enum er_stmt q = ER_STMT_COV_ASSOCIATIONS;
	enum er_code rc = er_store_query(st, q, err, "");
	if (rc)
		return rc;
	size_t cap = 0, i = 0;
	int r;
	while ((r = er_store_next(st, q, err)) == 1 && i < t->na) {
		struct er_coverage_row *row = add_row(cov, &cap);
		if (!row || !(row->code = er_strdup(er_store_text(st, q, 0))) ||
		    !(row->name = er_strdup(er_store_text(st, q, 1)))) {
			er_store_done(st, q);
			return nomem(err);
		}
		const char *signed_on = er_store_text(st, q, 2);
		if (signed_on &&
		    !(row->agreement_signed_on = er_strdup(signed_on))) {
			er_store_done(st, q);
			return nomem(err);
		}
		row->has_jishubo = (int)er_store_int(st, q, 3);
		row->association_households = (long)er_store_int(st, q, 4);
		row->districts = (long)er_store_int(st, q, 5);
		set_counts(row, &t->a[i++]);
	}
	if (r == 1)
		er_store_done(st, q);
	if (r < 0)
		return ER_EDB;
	if ((rc = extra_row(cov, &cap, "(no association)", &t->a[t->na],
			    err)))
		return rc;
	return extra_row(cov, &cap, "(outside)", &t->a[t->na + 1], err);
}

struct er_coverage *
er_coverage_compute(struct er_register *reg, enum er_coverage_by by,
		    struct er_error *err)
{
	struct er_coverage *cov = er_calloc(1, sizeof *cov);
	if (!cov) {
		er_fail(err, ER_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	cov->by = by;
	snprintf(cov->regime, sizeof cov->regime, "%s",
		 reg->regime == ER_CONSENT_OPT_OUT ? "opt-out" : "opt-in");
	enum er_code rc;
	/* one snapshot for all the queries */
	if ((rc = er_store_begin_read(reg->st, err)))
		goto fail;
	struct tally t = {0};
	rc = tally_run(reg, &t, err);
	if (!rc)
		rc = city_figures(reg, cov, &t, err);
	if (!rc && by == ER_BY_DISTRICT)
		rc = rows_by_district(cov, &t, err);
	else if (!rc && by == ER_BY_ASSOCIATION)
		rc = rows_by_association(reg, cov, &t, err);
	tally_free(&t);
	er_store_rollback(reg->st);
	if (rc)
		goto fail;
	return cov;
fail:
	er_coverage_destroy(cov);
	return NULL;
}

/* ---- writers -------------------------------------------------------------*/

/* Terminal columns of a UTF-8 string: East Asian wide and full-width
 * characters count two. */
static int
display_width(const char *s)
{
	int w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp;
		int n;
		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			n = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			n = 3;
		} else {
			cp = *p & 0x07;
			n = 4;
		}
		for (int i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				n = i;
				break;
			}
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		p += n;
		int wide = (cp >= 0x1100 && cp <= 0x115f) ||
			   (cp >= 0x2e80 && cp <= 0x303e) ||
			   (cp >= 0x3041 && cp <= 0x33ff) ||
			   (cp >= 0x3400 && cp <= 0x4dbf) ||
			   (cp >= 0x4e00 && cp <= 0x9fff) ||
			   (cp >= 0xa000 && cp <= 0xa4cf) ||
			   (cp >= 0xac00 && cp <= 0xd7a3) ||
			   (cp >= 0xf900 && cp <= 0xfaff) ||
			   (cp >= 0xfe30 && cp <= 0xfe4f) ||
			   (cp >= 0xff00 && cp <= 0xff60) ||
			   (cp >= 0xffe0 && cp <= 0xffe6) ||
			   (cp >= 0x20000 && cp <= 0x3fffd);
		w += wide ? 2 : 1;
	}
	return w;
}

static void
fmt_rate(char *buf, size_t len, long num, long den, int decimals)
{
	long r = er_rate(num, den, decimals);
	if (r < 0)
		snprintf(buf, len, "%s", "");
	else if (decimals >= 2)
		snprintf(buf, len, "%ld.%02ld", r / 100, r % 100);
	else
		snprintf(buf, len, "%ld.%ld", r / 10, r % 10);
}

/* A generic table: ncols headers, rows of strings. */
struct table {
	int ncols;
	const char *const *head;
	const int *right; /* 1: right-aligned (numbers) */
	char ***cells;
	size_t nrows, cap;
};

static int
table_add(struct table *t, char **cells)
{
	if (t->nrows == t->cap) {
		size_t n = t->cap ? t->cap * 2 : 64;
		char ***c = er_realloc(t->cells, n * sizeof *c);
		if (!c)
			return -1;
		t->cells = c;
		t->cap = n;
	}
	t->cells[t->nrows++] = cells;
	return 0;
}

static void
table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		for (int j = 0; j < t->ncols; j++)
			er_free(t->cells[i][j]);
		er_free(t->cells[i]);
	}
	er_free(t->cells);
}

static void
json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void
csv_field(FILE *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
}

static void
table_write(const struct table *t, enum er_format format, FILE *out)
{
	if (format == ER_FORMAT_CSV) {
		for (int j = 0; j < t->ncols; j++) {
			if (j)
				fputc(',', out);
			csv_field(out, t->head[j]);
		}
		fputc('\n', out);
		for (size_t i = 0; i < t->nrows; i++) {
			for (int j = 0; j < t->ncols; j++) {
				if (j)
					fputc(',', out);
				csv_field(out, t->cells[i][j]);
			}
			fputc('\n', out);
		}
		return;
	}
	if (format == ER_FORMAT_JSON) {
		fputs("[\n", out);
		for (size_t i = 0; i < t->nrows; i++) {
			fputs("  {", out);
			for (int j = 0; j < t->ncols; j++) {
				if (j)
					fputs(", ", out);
				json_string(out, t->head[j]);
				fputs(": ", out);
				const char *c = t->cells[i][j];
				if (!c[0] && t->right[j])
					fputs("null", out);
				else if (t->right[j])
					fputs(c, out);
				else
					json_string(out, c);
			}
			fprintf(out, "}%s\n", i + 1 < t->nrows ? "," : "");
		}
		fputs("]\n", out);
		return;
	}
	int w[32] = {0};
	for (int j = 0; j < t->ncols; j++) {
		w[j] = display_width(t->head[j]);
		for (size_t i = 0; i < t->nrows; i++) {
			int x = display_width(t->cells[i][j]);
			if (x > w[j])
				w[j] = x;
		}
	}
	for (size_t i = 0; i <= t->nrows; i++) {
		for (int j = 0; j < t->ncols; j++) {
			const char *c = i == 0 ? t->head[j]
					       : t->cells[i - 1][j];
			const char *shown = (i > 0 && !c[0] && t->right[j])
						    ? "-"
						    : c;
			int pad = w[j] - display_width(shown);
			if (j)
				fputs("  ", out);
			if (t->right[j])
				fprintf(out, "%*s%s", pad, "", shown);
			else if (j + 1 < t->ncols)
				fprintf(out, "%s%*s", shown, pad, "");
			else
				fputs(shown, out);
		}
		fputc('\n', out);
		if (i == 0) {
			for (int j = 0; j < t->ncols; j++) {
				if (j)
					fputs("  ", out);
				for (int k = 0; k < w[j]; k++)
					fputc('-', out);
			}
			fputc('\n', out);
		}
	}
}

static char *
num(long v)
{
	return v < 0 ? er_strdup("") : er_asprintf("%ld", v);
}

static char *
rate(long n, long d, int decimals)
{
	char b[32];
	fmt_rate(b, sizeof b, n, d, decimals);
	return er_strdup(b);
}

static char **
cells_new(int n)
{
	return er_calloc((size_t)n, sizeof(char *));
}

static int
cells_ok(char **c, int n)
{
	for (int i = 0; i < n; i++)
		if (!c[i])
			return 0;
	return 1;
}

enum er_code
er_coverage_write(const struct er_coverage *cov, enum er_format format,
		  FILE *out, struct er_error *err)
{
	static const char *const dhead[] = {
		"district_code", "district_name", "association_code",
		"registrants", "consented", "assigned", "unassigned",
		"households", "unassigned_households", "support_rate"};
	static const int dright[] = {0, 0, 0, 1, 1, 1, 1, 1, 1, 1};
	static const char *const ahead[] = {
		"association_code", "association_name", "agreement",
		"agreement_signed_on", "jishubo", "association_households",
		"districts", "registrants", "consented", "assigned",
		"unassigned", "households", "unassigned_households",
		"support_rate"};
	static const int aright[] = {0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	static const char *const chead[] = {
		"registrants", "assigned", "unassigned", "support_rate",
		"consented", "consent_rate", "households",
		"unassigned_households", "outside", "associations",
		"associations_with_agreement", "jishubo_associations",
		"jishubo_organisation_rate", "association_households",
		"jishubo_households", "jishubo_household_coverage"};
	static const int cright[16] = {1, 1, 1, 1, 1, 1, 1, 1,
				       1, 1, 1, 1, 1, 1, 1, 1};
	struct table t = {0};
	const struct er_city_figures *c = &cov->city;
	if (cov->by == ER_BY_DISTRICT) {
		t.ncols = 10;
		t.head = dhead;
		t.right = dright;
		for (size_t i = 0; i < cov->nrows; i++) {
			const struct er_coverage_row *r = &cov->rows[i];
			char **x = cells_new(t.ncols);
			if (!x)
				goto nomem;
			x[0] = er_strdup(r->code);
			x[1] = er_strdup(r->name);
			x[2] = er_strdup(r->association_code
						 ? r->association_code
						 : "");
			x[3] = num(r->registrants);
			x[4] = num(r->consented);
			x[5] = num(r->assigned);
			x[6] = num(r->unassigned);
			x[7] = num(r->households);
			x[8] = num(r->unassigned_households);
			x[9] = rate(r->assigned, r->registrants, 1);
			if (table_add(&t, x) || !cells_ok(x, t.ncols))
				goto nomem;
		}
	} else if (cov->by == ER_BY_ASSOCIATION) {
		t.ncols = 14;
		t.head = ahead;
		t.right = aright;
		for (size_t i = 0; i < cov->nrows; i++) {
			const struct er_coverage_row *r = &cov->rows[i];
			int real = r->code[0] != '(';
			char **x = cells_new(t.ncols);
			if (!x)
				goto nomem;
			x[0] = er_strdup(r->code);
			x[1] = er_strdup(r->name);
			x[2] = real ? num(r->agreement_signed_on ? 1 : 0)
				    : er_strdup("");
			x[3] = er_strdup(r->agreement_signed_on
						 ? r->agreement_signed_on
						 : "");
			x[4] = real ? num(r->has_jishubo) : er_strdup("");
			x[5] = num(r->association_households);
			x[6] = real ? num(r->districts) : er_strdup("");
			x[7] = num(r->registrants);
			x[8] = num(r->consented);
			x[9] = num(r->assigned);
			x[10] = num(r->unassigned);
			x[11] = num(r->households);
			x[12] = num(r->unassigned_households);
			x[13] = rate(r->assigned, r->registrants, 1);
			if (table_add(&t, x) || !cells_ok(x, t.ncols))
				goto nomem;
		}
	} else {
		t.ncols = 16;
		t.head = chead;
		t.right = cright;
		char **x = cells_new(t.ncols);
		if (!x)
			goto nomem;
		x[0] = num(c->registrants);
		x[1] = num(c->assigned);
		x[2] = num(c->unassigned);
		x[3] = rate(c->assigned, c->registrants, 1);
		x[4] = num(c->consented);
		x[5] = rate(c->consented, c->registrants, 1);
		x[6] = num(c->households);
		x[7] = num(c->unassigned_households);
		x[8] = num(c->outside);
		x[9] = num(c->associations);
		x[10] = num(c->associations_with_agreement);
		x[11] = num(c->jishubo_associations);
		x[12] = rate(c->jishubo_associations, c->associations, 1);
		x[13] = num(c->association_households);
		x[14] = num(c->jishubo_households);
		x[15] = rate(c->jishubo_households, c->association_households,
			     2);
		if (table_add(&t, x) || !cells_ok(x, t.ncols))
			goto nomem;
		if (format == ER_FORMAT_TABLE) {
			/* one figure per line reads better in a terminal */
			int w = 0;
			for (int j = 0; j < t.ncols; j++)
				if ((int)strlen(chead[j]) > w)
					w = (int)strlen(chead[j]);
			for (int j = 0; j < t.ncols; j++)
				fprintf(out, "%-*s  %s\n", w, chead[j],
					x[j][0] ? x[j] : "-");
			goto done;
		}
		if (format == ER_FORMAT_JSON) {
			fputs("{", out);
			for (int j = 0; j < t.ncols; j++)
				fprintf(out, "%s\"%s\": %s", j ? ", " : "",
					chead[j], x[j][0] ? x[j] : "null");
			fputs("}\n", out);
			goto done;
		}
	}
	table_write(&t, format, out);
done:
	table_free(&t);
	if (ferror(out))
		return er_fail(err, ER_EIO, NULL, "write failed");
	return ER_OK;
nomem:
	table_free(&t);
	return er_fail(err, ER_ENOMEM, NULL, "out of memory");
}
