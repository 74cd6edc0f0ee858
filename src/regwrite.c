/* The registrant writer thread: batches of copied rows pass through a
 * small bounded queue; the writer upserts them in order. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "regwrite.h"

#define BATCH 512
#define QUEUE 8

#define NO_STRING SIZE_MAX

struct batch {
	struct er_regrow row[BATCH]; /* f[] unused: see off */
	size_t off[BATCH][ER_RW_NFIELDS]; /* into arena, or NO_STRING */
	size_t n;
	char *arena; /* the rows' strings; may move while filling */
	size_t len, cap;
};

struct er_regwriter {
	struct er_register *reg;
	struct er_locator *loc;
	const char *now;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t can_take, can_put;
	struct batch *queue[QUEUE];
	size_t head, count;
	struct batch *filling; /* the importing thread's */
	int closing;	       /* no more batches */
	int failed;
	struct er_error err;
	unsigned err_line;
	long added, updated, unchanged;
};

static void
batch_free(struct batch *b)
{
	if (b) {
		er_free(b->arena);
		er_free(b);
	}
}

/* Runs one row's INSERT OR IGNORE, then the conditional UPDATE. */
static enum er_code
write_row(struct er_regwriter *w, const struct er_regrow *r,
	  struct er_error *err)
{
	struct er_store *st = w->reg->st;
	const char *dc = r->district;
	enum er_code rc;
	if (r->exact &&
	    (rc = er_locator_exact(w->loc, r->loc_lon, r->loc_lat, &dc, err)))
		return rc;
	const char *const *f = r->f;
	long ins = 0, upd = 0;
	/* ?18/?19: the location, NULL when not known yet */
	if (r->hasloc)
		rc = er_store_run(st, ER_STMT_REG_INSERT, &ins, err,
				  "ttttttttttttddtltdd", f[0], f[1], f[2], f[3],
				  f[4], f[5], f[6], f[7], f[8], f[9], f[10],
				  f[11], r->lon, r->lat, w->now, (long)r->hasp,
				  dc, r->loc_lon, r->loc_lat);
	else
		rc = er_store_run(st, ER_STMT_REG_INSERT, &ins, err,
				  "ttttttttttttddtltnn", f[0], f[1], f[2], f[3],
				  f[4], f[5], f[6], f[7], f[8], f[9], f[10],
				  f[11], r->lon, r->lat, w->now, (long)r->hasp,
				  dc);
	if (rc)
		return rc;
	if (!ins) {
		if (r->hasloc)
			rc = er_store_run(st, ER_STMT_REG_UPDATE, &upd, err,
					  "ttttttttttttddtltdd", f[0], f[1],
					  f[2], f[3], f[4], f[5], f[6], f[7],
					  f[8], f[9], f[10], f[11], r->lon,
					  r->lat, w->now, (long)r->hasp, dc,
					  r->loc_lon, r->loc_lat);
		else
			rc = er_store_run(st, ER_STMT_REG_UPDATE, &upd, err,
					  "ttttttttttttddtltnn", f[0], f[1],
					  f[2], f[3], f[4], f[5], f[6], f[7],
					  f[8], f[9], f[10], f[11], r->lon,
					  r->lat, w->now, (long)r->hasp, dc);
		if (rc)
			return rc;
	}
	if (ins)
		w->added++;
	else if (upd)
		w->updated++;
	else
		w->unchanged++;
	return ER_OK;
}

static void *
run(void *arg)
{
	struct er_regwriter *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (w->count == 0 && !w->closing)
			pthread_cond_wait(&w->can_take, &w->mu);
		if (w->count == 0) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		struct batch *b = w->queue[w->head];
		w->head = (w->head + 1) % QUEUE;
		w->count--;
		int failed = w->failed;
		pthread_cond_signal(&w->can_put);
		pthread_mutex_unlock(&w->mu);
		for (size_t i = 0; i < b->n && !failed; i++) {
			struct er_regrow *r = &b->row[i];
			for (int k = 0; k < ER_RW_NFIELDS; k++)
				r->f[k] = b->off[i][k] == NO_STRING
						  ? NULL
						  : b->arena + b->off[i][k];
			struct er_error e;
			if (write_row(w, r, &e)) {
				pthread_mutex_lock(&w->mu);
				w->failed = failed = 1;
				w->err = e;
				w->err_line = b->row[i].line;
				pthread_cond_signal(&w->can_put);
				pthread_mutex_unlock(&w->mu);
			}
		}
		batch_free(b);
	}
	return NULL;
}

enum er_code
er_regwriter_start(struct er_register *reg, struct er_locator *loc,
		   const char *now, struct er_regwriter **out,
		   struct er_error *err)
{
	*out = NULL;
	struct er_regwriter *w = er_calloc(1, sizeof *w);
	if (!w)
		return er_fail(err, ER_ENOMEM, NULL, "out of memory");
	w->reg = reg;
	w->loc = loc;
	w->now = now;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->can_take, NULL);
	pthread_cond_init(&w->can_put, NULL);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		pthread_cond_destroy(&w->can_put);
		pthread_cond_destroy(&w->can_take);
		pthread_mutex_destroy(&w->mu);
		er_free(w);
		return er_fail(err, ER_ENOMEM, NULL,
			       "cannot start the writer thread");
	}
	*out = w;
	return ER_OK;
}

/* Hands the filling batch to the writer; waits while the queue is full. */
static int
put(struct er_regwriter *w)
{
	struct batch *b = w->filling;
	w->filling = NULL;
	pthread_mutex_lock(&w->mu);
	while (w->count == QUEUE && !w->failed)
		pthread_cond_wait(&w->can_put, &w->mu);
	int failed = w->failed;
	if (!failed) {
		w->queue[(w->head + w->count) % QUEUE] = b;
		w->count++;
		pthread_cond_signal(&w->can_take);
	}
	pthread_mutex_unlock(&w->mu);
	if (failed)
		batch_free(b);
	return failed ? -1 : 0;
}

int
er_regwriter_add(struct er_regwriter *w, const struct er_regrow *row)
{
	struct batch *b = w->filling;
	if (!b) {
		b = w->filling = er_calloc(1, sizeof *b);
		if (!b)
			return -1;
	}
	size_t need = 0;
	for (int i = 0; i < ER_RW_NFIELDS; i++)
		need += row->f[i] ? strlen(row->f[i]) + 1 : 0;
	if (b->len + need > b->cap) {
		size_t c = b->cap ? b->cap * 2 : 64 * 1024;
		while (c < b->len + need)
			c *= 2;
		char *a = er_realloc(b->arena, c);
		if (!a)
			return -1;
		b->arena = a;
		b->cap = c;
	}
	size_t i = b->n++;
	b->row[i] = *row;
	for (int k = 0; k < ER_RW_NFIELDS; k++) {
		b->row[i].f[k] = NULL;
		if (!row->f[k]) {
			b->off[i][k] = NO_STRING;
			continue;
		}
		size_t len = strlen(row->f[k]) + 1;
		memcpy(b->arena + b->len, row->f[k], len);
		b->off[i][k] = b->len;
		b->len += len;
	}
	return b->n < BATCH ? 0 : put(w);
}

enum er_code
er_regwriter_finish(struct er_regwriter *w, long *added, long *updated,
		    long *unchanged, unsigned *line, struct er_error *err)
{
	struct batch *b = w->filling;
	if (b && b->n) {
		put(w);
	} else {
		batch_free(b);
		w->filling = NULL;
	}
	pthread_mutex_lock(&w->mu);
	w->closing = 1;
	pthread_cond_signal(&w->can_take);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	enum er_code rc = ER_OK;
	*line = 0;
	if (w->failed) {
		rc = w->err.code ? w->err.code : ER_EDB;
		*line = w->err_line;
		if (err)
			*err = w->err;
	}
	*added = w->added;
	*updated = w->updated;
	*unchanged = w->unchanged;
	pthread_cond_destroy(&w->can_put);
	pthread_cond_destroy(&w->can_take);
	pthread_mutex_destroy(&w->mu);
	er_free(w);
	return rc;
}
