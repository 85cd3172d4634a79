/*
 * The file-transfer engine (chatd/ftx.c): two engines, A and B, joined
 * by an in-memory lossless transport with a send window (a full window
 * refuses, as chatd's transport does; each delivered packet is acked to
 * its sender, which pumps).  Files are buffers made by a PRNG; what
 * arrives is compared byte for byte and by SHA-256 (libsodium, in the
 * test only).  Packets are also put in by hand to play a hostile friend.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "chatd/file_wire.h"
#include "chatd/ftx.h"

#define BIG		(10u * 1024 * 1024)
#define QMAX		256
#define EVMAX		512

struct pipe {
	uint8_t		pkt[QMAX][NC_DATA_MAX];
	uint16_t	len[QMAX];
	uint32_t	num[QMAX];
	unsigned	head, n;
	uint32_t	next_num;
	unsigned	window;		/* packets in flight at most */
	unsigned	data_pkts;	/* FILE_DATA sent */
	uint16_t	last_data_len;	/* of the last FILE_DATA, id included */
};

struct src {
	const uint8_t	*data;
	uint64_t	 len;
	unsigned	 reads;
	int		 fail;
};

struct sink {
	uint8_t		*buf;
	uint64_t	 cap;
	uint64_t	 next;		/* the offset the next write must have */
	uint64_t	 high;		/* bytes written up to */
	unsigned	 writes;
	int		 started;
};

struct ev {
	enum ftx_ev_type	type;
	int			out;
	unsigned		slot;
	enum ftx_why		why;
	uint64_t		pos, size;
	uint32_t		kind;
	uint8_t			id[FILE_ID_LEN];
};

struct side {
	struct ftx	*e;
	struct pipe	*to;		/* what it sends */
	struct side	*peer;
	struct src	 src[FTX_SLOTS];
	struct sink	 sink[FTX_SLOTS];
	struct ev	 ev[EVMAX];
	unsigned	 nev;
	unsigned	 progress;
	int		 auto_accept;
	/* an offer with this id is accepted from have (resume) */
	int		 resume;
	uint8_t		 resume_id[FILE_ID_LEN];
	uint64_t	 resume_have;
};

static struct pipe	pab, pba;
static struct side	A, B;
static uint8_t		*file;		/* BIG bytes */
static uint8_t		*got;		/* BIG bytes, B's sink */
static uint8_t		*got_a;		/* A's sink */

static int64_t
t_send(void *arg, const uint8_t *p, size_t len, int bulk)
{
	struct side	*s = arg;
	struct pipe	*q = s->to;
	unsigned	 at;

	assert_true(len >= 1 && len <= NC_DATA_MAX);
	/* only data is bulk */
	assert_int_equal(bulk, p[0] == FILE_ID_DATA);
	if (q->n >= q->window)
		return -1;
	at = (q->head + q->n) % QMAX;
	memcpy(q->pkt[at], p, len);
	q->len[at] = (uint16_t)len;
	q->num[at] = q->next_num;
	q->n++;
	if (p[0] == FILE_ID_DATA) {
		q->data_pkts++;
		q->last_data_len = (uint16_t)len;
	}
	return q->next_num++;
}

static ssize_t
t_read(void *arg, unsigned slot, uint64_t off, uint8_t *buf, size_t max)
{
	struct side	*s = arg;
	struct src	*f = &s->src[slot];
	size_t		 n;

	assert_true(max >= 1 && max <= FILE_CHUNK);
	f->reads++;
	if (f->fail || f->data == NULL)
		return -1;
	assert_true(off <= f->len);
	n = f->len - off < max ? (size_t)(f->len - off) : max;
	memcpy(buf, f->data + off, n);
	return (ssize_t)n;
}

static int
t_write(void *arg, unsigned slot, uint64_t off, const uint8_t *p, size_t n)
{
	struct side	*s = arg;
	struct sink	*k = &s->sink[slot];

	assert_true(n >= 1 && n <= FILE_CHUNK);
	/* in order, without gaps, from where it started */
	if (k->started)
		assert_true(off == k->next);
	k->started = 1;
	assert_non_null(k->buf);
	assert_true(off + n <= k->cap);
	memcpy(k->buf + off, p, n);
	k->next = off + n;
	if (k->next > k->high)
		k->high = k->next;
	k->writes++;
	return 0;
}

static void
t_event(void *arg, const struct ftx_event *ev)
{
	struct side	*s = arg;
	struct ev	*r;

	if (ev->type == FTX_EV_PROGRESS) {
		s->progress++;
		return;
	}
	assert_true(s->nev < EVMAX);
	r = &s->ev[s->nev++];
	r->type = ev->type;
	r->out = ev->out;
	r->slot = ev->slot;
	r->why = ev->why;
	r->pos = ev->pos;
	r->size = ev->size;
	if (ev->type == FTX_EV_OFFER) {
		assert_non_null(ev->req);
		assert_int_equal(ev->req->filenum, ev->slot);
		r->kind = ev->req->kind;
		memcpy(r->id, ev->req->id, FILE_ID_LEN);
		if (s->resume && memcmp(r->id, s->resume_id, FILE_ID_LEN) == 0)
			assert_int_equal(ftx_accept(s->e, ev->slot,
			    s->resume_have), 0);
		else if (s->auto_accept)
			assert_int_equal(ftx_accept(s->e, ev->slot, 0), 0);
	}
}

static const struct ftx_cb	cb = { t_send, t_read, t_write, t_event, NULL };

/* Delivers the oldest packet from s to its peer, acks it to s: 1, or 0
 * if none waits. */
static int
deliver(struct side *s)
{
	struct pipe	*q = s->to;
	uint8_t		 p[NC_DATA_MAX];
	uint16_t	 len;
	uint32_t	 num;

	if (q->n == 0)
		return 0;
	len = q->len[q->head];
	num = q->num[q->head];
	memcpy(p, q->pkt[q->head], len);
	q->head = (q->head + 1) % QMAX;
	q->n--;
	assert_int_equal(ftx_recv(s->peer->e, p, len), 0);
	ftx_acked(s->e, num);
	(void)ftx_pump(s->e);
	return 1;
}

/* Runs both ways until nothing moves. */
static void
run(void)
{
	unsigned long	steps = 0;

	while (deliver(&A) | deliver(&B))
		assert_true(++steps < 10000000UL);
}

/* Delivers n packets from s (fewer if fewer wait). */
static void
run_n(struct side *s, unsigned n)
{
	while (n-- > 0 && deliver(s))
		;
}

static int
setup(void **state)
{
	static const struct ftx_cb	*c = &cb;
	struct ftx_cb			 x = *c;

	memset(&pab, 0, sizeof(pab));
	memset(&pba, 0, sizeof(pba));
	pab.window = pba.window = 64;
	memset(&A, 0, sizeof(A));
	memset(&B, 0, sizeof(B));
	A.e = calloc(1, sizeof(struct ftx));
	B.e = calloc(1, sizeof(struct ftx));
	assert_non_null(A.e);
	assert_non_null(B.e);
	A.to = &pab;
	B.to = &pba;
	A.peer = &B;
	B.peer = &A;
	x.arg = &A;
	ftx_init(A.e, &x);
	x.arg = &B;
	ftx_init(B.e, &x);
	memset(got, 0, BIG);
	memset(got_a, 0, BIG);
	return 0;
}

static int
teardown(void **state)
{
	free(A.e);
	free(B.e);
	return 0;
}

/* The events of s of one type, counted; the last in *last. */
static unsigned
count_ev(const struct side *s, enum ftx_ev_type t, const struct ev **last)
{
	static const struct ev	none;
	unsigned		i, c = 0;

	if (last != NULL)
		*last = &none;
	for (i = 0; i < s->nev; i++)
		if (s->ev[i].type == t) {
			c++;
			if (last != NULL)
				*last = &s->ev[i];
		}
	return c;
}

static void
id_of(uint8_t id[FILE_ID_LEN], uint8_t v)
{
	memset(id, v, FILE_ID_LEN);
}

/* A offers len bytes of the file (or a stream); B's sink for it ready. */
static int
a_offers(uint64_t size, uint64_t len, uint8_t idv)
{
	uint8_t	id[FILE_ID_LEN];
	int	slot;

	id_of(id, idv);
	slot = ftx_offer(A.e, FILE_KIND_DATA, size, id,
	    (const uint8_t *)"f.bin", 5);
	assert_true(slot >= 0);
	A.src[slot].data = file;
	A.src[slot].len = len;
	return slot;
}

static void
b_sink(unsigned slot)
{
	memset(&B.sink[slot], 0, sizeof(B.sink[slot]));
	B.sink[slot].buf = got;
	B.sink[slot].cap = BIG;
}

static void
sha_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t	ha[crypto_hash_sha256_BYTES], hb[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(ha, a, len);
	crypto_hash_sha256(hb, b, len);
	assert_memory_equal(ha, hb, sizeof(ha));
}

static void
ftx_ten_megabytes(void **state)
{
	const struct ev	*e;
	int		 slot;

	slot = a_offers(BIG, BIG, 1);
	b_sink(0);
	B.auto_accept = 1;
	run();
	assert_int_equal(count_ev(&B, FTX_EV_OFFER, &e), 1);
	assert_int_equal(e->slot, slot);
	assert_true(e->size == BIG);
	assert_int_equal(count_ev(&A, FTX_EV_ACCEPTED, &e), 1);
	assert_true(e->pos == 0);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, &e), 1);
	assert_true(e->pos == BIG);
	/* the sender hears done once its last chunk is acked */
	assert_int_equal(count_ev(&A, FTX_EV_DONE, &e), 1);
	assert_true(e->pos == BIG);
	assert_true(B.sink[0].high == BIG);
	sha_equal(file, got, BIG);
	assert_memory_equal(file, got, BIG);
	/* 1371-byte chunks, the last short; read once each */
	assert_int_equal(pab.data_pkts, (BIG + FILE_CHUNK - 1) / FILE_CHUNK);
	assert_int_equal(pab.last_data_len, 2 + BIG % FILE_CHUNK);
	assert_int_equal(A.src[slot].reads, pab.data_pkts);
	assert_int_equal(ftx_slot(A.e, 1, slot)->state, FTX_FREE);
	assert_int_equal(ftx_slot(B.e, 0, 0)->state, FTX_FREE);
	assert_int_equal(count_ev(&A, FTX_EV_KILLED, NULL), 0);
	assert_int_equal(count_ev(&B, FTX_EV_KILLED, NULL), 0);
}

static void
ftx_empty_file(void **state)
{
	const struct ev	*e;
	int		 slot;

	(void)a_offers(0, 0, 2);
	b_sink(0);
	B.auto_accept = 1;
	run();
	/* one empty FILE_DATA, no write, done both sides */
	assert_int_equal(pab.data_pkts, 1);
	assert_int_equal(pab.last_data_len, 2);
	assert_int_equal(A.src[0].reads, 0);
	assert_int_equal(B.sink[0].writes, 0);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, &e), 1);
	assert_true(e->pos == 0 && e->size == 0);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 1);
	/* a seek into an empty file is refused (file_seek: pos >= size) */
	B.auto_accept = 0;
	slot = a_offers(0, 0, 3);
	run();
	assert_int_equal(ftx_accept(B.e, slot, 1), -1);
	assert_int_equal(ftx_accept(B.e, slot, 0), 0);
	run();
	assert_int_equal(count_ev(&B, FTX_EV_DONE, NULL), 2);
}

/* c-toxcore (send_file_data) ends a known size on its last full chunk:
 * no empty chunk after it. */
static void
ftx_size_multiple_of_chunk(void **state)
{
	const struct ev	*e;

	(void)a_offers(3 * FILE_CHUNK, 3 * FILE_CHUNK, 4);
	b_sink(0);
	B.auto_accept = 1;
	run();
	assert_int_equal(pab.data_pkts, 3);
	assert_int_equal(pab.last_data_len, NC_DATA_MAX);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, &e), 1);
	assert_true(e->pos == 3 * FILE_CHUNK);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 1);
	assert_memory_equal(file, got, 3 * FILE_CHUNK);
}

static void
ftx_stream_unknown_size(void **state)
{
	const struct ev	*e;

	/* ends with the first short read */
	(void)a_offers(FILE_SIZE_UNKNOWN, 5000, 5);
	b_sink(0);
	B.auto_accept = 1;
	run();
	assert_int_equal(pab.data_pkts, 4);
	assert_int_equal(pab.last_data_len, 2 + 5000 - 3 * FILE_CHUNK);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, &e), 1);
	assert_true(e->pos == 5000);
	assert_true(e->size == FILE_SIZE_UNKNOWN);
	assert_memory_equal(file, got, 5000);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 1);
	/* a stream of exactly two chunks: an empty third one ends it */
	pab.data_pkts = 0;
	b_sink(a_offers(FILE_SIZE_UNKNOWN, 2 * FILE_CHUNK, 6));
	run();
	assert_int_equal(pab.data_pkts, 3);
	assert_int_equal(pab.last_data_len, 2);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, &e), 2);
	assert_true(e->pos == 2 * FILE_CHUNK);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 2);
}

/* Both directions at once, as a friend sends while receiving. */
static void
ftx_both_ways(void **state)
{
	uint8_t	id[FILE_ID_LEN];
	int	sa, sb;

	sa = a_offers(300000, 300000, 7);
	id_of(id, 8);
	sb = ftx_offer(B.e, FILE_KIND_DATA, 200001, id, NULL, 0);
	assert_int_equal(sb, 0);
	B.src[sb].data = file + 1000;
	B.src[sb].len = 200001;
	b_sink(sa);
	A.sink[sb].buf = got_a;
	A.sink[sb].cap = BIG;
	A.auto_accept = B.auto_accept = 1;
	run();
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 2);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, NULL), 2);
	assert_memory_equal(got, file, 300000);
	assert_memory_equal(got_a, file + 1000, 200001);
}

static void
ftx_pause_resume_each_side(void **state)
{
	const struct ev	*e;
	uint64_t	 at;
	int		 slot;

	slot = a_offers(200 * FILE_CHUNK, 200 * FILE_CHUNK, 9);
	b_sink(0);
	B.auto_accept = 1;
	pab.window = 8;
	run_n(&A, 1);		/* the offer */
	run_n(&B, 1);		/* the accept */
	run_n(&A, 10);
	/* the sender pauses: the receiver hears it, data stops */
	assert_int_equal(ftx_pause(A.e, 1, slot), 0);
	assert_int_equal(ftx_pause(A.e, 1, slot), -1);
	run();
	assert_int_equal(count_ev(&B, FTX_EV_PAUSED, &e), 1);
	assert_int_equal(e->out, 0);
	at = B.sink[0].high;
	assert_true(at < 200 * FILE_CHUNK);
	run();
	assert_true(B.sink[0].high == at);
	/* only the pauser resumes */
	assert_int_equal(ftx_resume(B.e, 0, 0), -1);
	assert_int_equal(ftx_resume(A.e, 1, slot), 0);
	run_n(&A, 1);
	assert_int_equal(count_ev(&B, FTX_EV_RESUMED, NULL), 1);
	run_n(&A, 20);
	assert_true(B.sink[0].high > at);
	/* the receiver pauses: the sender stops */
	assert_int_equal(ftx_pause(B.e, 0, 0), 0);
	run();
	assert_int_equal(count_ev(&A, FTX_EV_PAUSED, &e), 1);
	assert_int_equal(e->out, 1);
	at = B.sink[0].high;
	run();
	assert_true(B.sink[0].high == at);
	assert_int_not_equal(ftx_slot(A.e, 1, slot)->paused, 0);
	/* both pause: the receiver's resume alone is not enough */
	assert_int_equal(ftx_pause(A.e, 1, slot), 0);
	assert_int_equal(ftx_resume(B.e, 0, 0), 0);
	run();
	assert_int_equal(count_ev(&A, FTX_EV_RESUMED, NULL), 1);
	assert_true(B.sink[0].high == at);
	/* a pause and a resume before either went: nothing on the wire */
	pab.window = 0;
	assert_int_equal(ftx_resume(A.e, 1, slot), 0);
	assert_int_equal(ftx_pause(A.e, 1, slot), 0);
	assert_int_equal(ftx_resume(A.e, 1, slot), 0);
	pab.window = 8;
	(void)ftx_pump(A.e);
	assert_true(pab.n >= 1);
	assert_int_equal(pab.len[pab.head], 4);
	assert_int_equal(pab.pkt[pab.head][0], FILE_ID_CONTROL);
	assert_int_equal(pab.pkt[pab.head][3], FILE_CTL_ACCEPT);
	if (pab.n > 1)	/* then data: no second control */
		assert_int_equal(pab.pkt[(pab.head + 1) % QMAX][0],
		    FILE_ID_DATA);
	run();
	assert_int_equal(count_ev(&B, FTX_EV_RESUMED, NULL), 2);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, NULL), 1);
	assert_memory_equal(got, file, 200 * FILE_CHUNK);
	sha_equal(file, got, 200 * FILE_CHUNK);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 1);
}

static void
ftx_kill_each_side(void **state)
{
	const struct ev	*e;
	int		 slot;

	/* the receiver declines an offer */
	slot = a_offers(5000, 5000, 10);
	run();
	assert_int_equal(count_ev(&B, FTX_EV_OFFER, NULL), 1);
	assert_int_equal(ftx_kill(B.e, 0, 0), 0);
	assert_int_equal(ftx_kill(B.e, 0, 0), -1);
	run();
	assert_int_equal(count_ev(&A, FTX_EV_KILLED, &e), 1);
	assert_int_equal(e->why, FTX_WHY_PEER);
	assert_int_equal(e->out, 1);
	assert_int_equal(e->slot, slot);
	assert_int_equal(ftx_slot(A.e, 1, slot)->state, FTX_FREE);
	assert_int_equal(ftx_slot(B.e, 0, 0)->state, FTX_FREE);
	/* the sender kills half way */
	pab.window = 4;
	B.auto_accept = 1;
	slot = a_offers(100 * FILE_CHUNK, 100 * FILE_CHUNK, 11);
	b_sink(slot);
	run_n(&A, 1);
	run_n(&B, 1);
	run_n(&A, 10);
	assert_int_equal(ftx_kill(A.e, 1, slot), 0);
	run();
	assert_int_equal(count_ev(&B, FTX_EV_KILLED, &e), 1);
	assert_int_equal(e->why, FTX_WHY_PEER);
	assert_int_equal(e->out, 0);
	assert_true(e->pos > 0 && e->pos < 100 * FILE_CHUNK);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, NULL), 0);
	assert_int_equal(ftx_slot(B.e, 0, slot)->state, FTX_FREE);
	assert_int_equal(ftx_slot(A.e, 1, slot)->state, FTX_FREE);
	/* the receiver kills half way */
	slot = a_offers(100 * FILE_CHUNK, 100 * FILE_CHUNK, 12);
	b_sink(slot);
	run_n(&A, 1);
	run_n(&B, 1);
	run_n(&A, 10);
	assert_int_equal(ftx_kill(B.e, 0, slot), 0);
	run();
	assert_int_equal(count_ev(&A, FTX_EV_KILLED, &e), 2);
	assert_int_equal(e->why, FTX_WHY_PEER);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 0);
	assert_int_equal(ftx_slot(A.e, 1, slot)->state, FTX_FREE);
	assert_int_equal(ftx_slot(B.e, 0, slot)->state, FTX_FREE);
	/* an offer killed before it went: the friend never hears of it */
	pab.window = 0;
	slot = a_offers(10, 10, 13);
	assert_int_equal(ftx_kill(A.e, 1, slot), 0);
	assert_int_equal(ftx_slot(A.e, 1, slot)->state, FTX_FREE);
	pab.window = 4;
	(void)ftx_pump(A.e);
	assert_int_equal(pab.n, 0);
}

static void
ftx_seek_before_accept(void **state)
{
	const struct ev	*e;
	uint64_t	 seek = 5 * FILE_CHUNK + 7, size = 40000;
	uint8_t		 ctl[12] = { FILE_ID_CONTROL, 1, 0, FILE_CTL_SEEK };
	int		 slot;

	slot = a_offers(size, size, 14);
	b_sink(slot);
	run();
	assert_int_equal(ftx_accept(B.e, slot, size), -1);	/* >= size */
	assert_int_equal(ftx_accept(B.e, slot, seek), 0);
	assert_int_equal(ftx_accept(B.e, slot, seek), -1);	/* accepted */
	run();
	assert_int_equal(count_ev(&A, FTX_EV_ACCEPTED, &e), 1);
	assert_true(e->pos == seek);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, &e), 1);
	assert_true(e->pos == size);
	assert_true(B.sink[slot].high == size);
	/* nothing below the seek was written; the rest is the file's */
	assert_memory_equal(got + seek, file + seek, size - seek);
	assert_int_equal(got[seek - 1], 0);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 1);
	/* a seek after the accept is ignored by the sender */
	pab.window = 2;
	slot = a_offers(size, size, 15);
	b_sink(slot);
	run_n(&A, 1);
	assert_int_equal(ftx_accept(B.e, slot, 0), 0);
	run_n(&B, 1);
	ctl[2] = (uint8_t)slot;
	ctl[11] = 100;
	assert_int_equal(ftx_recv(A.e, ctl, sizeof(ctl)), 0);
	assert_true(ftx_slot(A.e, 1, slot)->pos <= 2 * FILE_CHUNK);
	assert_true(A.e->stats.ignored >= 1);
	run();
	assert_memory_equal(got, file, size);
}

/* Either side went away half way; the same file offered again (same
 * file id) continues from the bytes the receiver has. */
static void
ftx_resume_by_file_id(void **state)
{
	const struct ev	*e;
	uint64_t	 size = 1000 * FILE_CHUNK + 99, have;
	int		 slot;

	B.auto_accept = 1;
	pab.window = 16;
	slot = a_offers(size, size, 16);
	b_sink(slot);
	run_n(&A, 1);
	run_n(&B, 1);
	run_n(&A, 300);
	have = B.sink[slot].high;
	assert_true(have > 0 && have < size);
	/* offline: both drop it, with an event */
	ftx_reset(A.e);
	ftx_reset(B.e);
	pab.n = pba.n = 0;
	assert_int_equal(count_ev(&A, FTX_EV_KILLED, &e), 1);
	assert_int_equal(e->why, FTX_WHY_OFFLINE);
	assert_int_equal(count_ev(&B, FTX_EV_KILLED, &e), 1);
	assert_int_equal(e->why, FTX_WHY_OFFLINE);
	assert_true(e->pos == have);
	/* back: the same id again; B knows it and seeks to what it has */
	B.resume = 1;
	memset(B.resume_id, 16, FILE_ID_LEN);
	B.resume_have = have;
	A.src[slot].reads = 0;
	slot = a_offers(size, size, 16);
	B.sink[slot].started = 0;
	run();
	assert_int_equal(count_ev(&A, FTX_EV_ACCEPTED, &e), 2);
	assert_true(e->pos == have);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, &e), 1);
	assert_true(e->pos == size);
	/* only the rest crossed, and the whole file is right */
	assert_int_equal(A.src[slot].reads,
	    (size - have + FILE_CHUNK - 1) / FILE_CHUNK);
	sha_equal(file, got, size);
}

/* Hand-made packets into B (the friend lies). */
static void
b_offer(uint8_t n, uint64_t size)
{
	struct file_req	q;
	uint8_t		p[NC_DATA_MAX];
	int		len;

	memset(&q, 0, sizeof(q));
	q.filenum = n;
	q.size = size;
	len = file_build_req(&q, p, sizeof(p));
	assert_int_equal(ftx_recv(B.e, p, (size_t)len), 0);
}

static void
b_data(uint8_t n, size_t len)
{
	uint8_t	p[NC_DATA_MAX];
	int	l;

	l = file_build_data(n, file, len, p, sizeof(p));
	assert_int_equal(ftx_recv(B.e, p, (size_t)l), 0);
}

/* The last packet B sent is a kill control for its incoming slot n. */
static void
b_sent_kill(uint8_t n)
{
	unsigned	at = (pba.head + pba.n - 1) % QMAX;

	assert_true(pba.n > 0);
	assert_int_equal(pba.len[at], 4);
	assert_int_equal(pba.pkt[at][0], FILE_ID_CONTROL);
	assert_int_equal(pba.pkt[at][1], 1);
	assert_int_equal(pba.pkt[at][2], n);
	assert_int_equal(pba.pkt[at][3], FILE_CTL_KILL);
}

static void
ftx_lying_size(void **state)
{
	const struct ev	*e;

	b_offer(3, 2000);
	b_sink(3);
	assert_int_equal(ftx_accept(B.e, 3, 0), 0);
	b_data(3, FILE_CHUNK);
	assert_true(B.sink[3].high == FILE_CHUNK);
	/* another full chunk would end at 2742 > 2000: killed */
	b_data(3, FILE_CHUNK);
	assert_int_equal(count_ev(&B, FTX_EV_KILLED, &e), 1);
	assert_int_equal(e->why, FTX_WHY_LIE);
	assert_int_equal(e->slot, 3);
	assert_true(B.sink[3].high == FILE_CHUNK);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, NULL), 0);
	b_sent_kill(3);
	assert_int_equal(ftx_slot(B.e, 0, 3)->state, FTX_FREE);
	/* more data after it: ignored */
	b_data(3, 629);
	assert_true(B.sink[3].high == FILE_CHUNK);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, NULL), 0);
	/* a short chunk before the size: truncated, killed too */
	b_offer(4, 5000);
	b_sink(4);
	assert_int_equal(ftx_accept(B.e, 4, 0), 0);
	b_data(4, 1000);
	assert_int_equal(count_ev(&B, FTX_EV_KILLED, &e), 2);
	assert_int_equal(e->why, FTX_WHY_SHORT);
	assert_int_equal(B.sink[4].writes, 0);
	b_sent_kill(4);
	/* an empty file that gets a byte */
	b_offer(5, 0);
	assert_int_equal(ftx_accept(B.e, 5, 0), 0);
	b_data(5, 1);
	assert_int_equal(count_ev(&B, FTX_EV_KILLED, &e), 3);
	assert_int_equal(e->why, FTX_WHY_LIE);
}

static void
ftx_unknown_slots_ignored(void **state)
{
	uint8_t		p[12];
	struct file_ctl	c;
	unsigned	sr, ctl, n0;
	int		len;

	/* every control, both directions, for slots that do not exist */
	for (sr = 0; sr <= 1; sr++)
		for (ctl = 0; ctl <= FILE_CTL_SEEK; ctl++) {
			c.send_receive = (uint8_t)sr;
			c.filenum = (uint8_t)(ctl * 50 + sr);
			c.ctl = (uint8_t)ctl;
			c.pos = 1;
			len = file_build_ctl(&c, p, sizeof(p));
			assert_int_equal(ftx_recv(B.e, p, (size_t)len), 0);
		}
	b_data(77, 100);
	b_data(78, 0);
	assert_int_equal(B.nev, 0);
	assert_int_equal(pba.n, 0);
	assert_int_equal(B.e->stats.ignored, 10);
	/* not a file packet at all */
	p[0] = 0x40;
	assert_int_equal(ftx_recv(B.e, p, 2), -1);
	/* a file packet that does not parse */
	p[0] = FILE_ID_CONTROL;
	assert_int_equal(ftx_recv(B.e, p, 2), 0);
	assert_int_equal(B.e->stats.dropped, 1);
	/* out of state: data before the accept, a pause on an offer, a
	 * seek from the sender's side, a resume not paused */
	b_offer(9, 100000);
	b_sink(9);
	n0 = B.nev;
	b_data(9, FILE_CHUNK);
	assert_int_equal(B.sink[9].writes, 0);
	c.send_receive = 0;
	c.filenum = 9;
	c.ctl = FILE_CTL_PAUSE;
	c.pos = 0;
	len = file_build_ctl(&c, p, sizeof(p));
	assert_int_equal(ftx_recv(B.e, p, (size_t)len), 0);
	c.ctl = FILE_CTL_SEEK;
	c.pos = 10;
	len = file_build_ctl(&c, p, sizeof(p));
	assert_int_equal(ftx_recv(B.e, p, (size_t)len), 0);
	assert_int_equal(ftx_accept(B.e, 9, 0), 0);
	c.ctl = FILE_CTL_ACCEPT;
	len = file_build_ctl(&c, p, sizeof(p));
	assert_int_equal(ftx_recv(B.e, p, (size_t)len), 0);
	assert_int_equal(B.nev, n0);
	assert_int_equal(ftx_slot(B.e, 0, 9)->state, FTX_RUNNING);
	assert_true(ftx_slot(B.e, 0, 9)->pos == 0);
	assert_int_equal(ftx_slot(B.e, 0, 9)->paused, 0);
	/* a second offer on a taken number is ignored */
	b_offer(9, 5);
	assert_int_equal(B.nev, n0);
	assert_true(ftx_slot(B.e, 0, 9)->size == 100000);
	/* API calls on free slots fail */
	assert_int_equal(ftx_accept(B.e, 200, 0), -1);
	assert_int_equal(ftx_pause(B.e, 1, 3), -1);
	assert_int_equal(ftx_kill(B.e, 1, 3), -1);
	assert_int_equal(ftx_accept(B.e, 256, 0), -1);
	assert_int_equal(ftx_kill(B.e, 0, 256), -1);
}

static void
ftx_offline_drops_all(void **state)
{
	const struct ev	*e;
	unsigned	 i;
	int		 s0, s1, s2;

	B.auto_accept = 1;
	pab.window = 2;
	s0 = a_offers(100 * FILE_CHUNK, 100 * FILE_CHUNK, 20);
	s1 = a_offers(100 * FILE_CHUNK, 100 * FILE_CHUNK, 21);
	b_sink(s0);
	b_sink(s1);
	run_n(&A, 2);
	run_n(&B, 2);
	/* the window is full of data: this offer waits */
	assert_int_equal(pab.n, 2);
	s2 = a_offers(10, 10, 22);
	assert_int_equal(pab.n, 2);
	assert_int_equal(ftx_slot(A.e, 1, s0)->state, FTX_RUNNING);
	assert_int_equal(ftx_slot(A.e, 1, s1)->state, FTX_RUNNING);
	assert_int_equal(ftx_slot(A.e, 1, s2)->state, FTX_OFFERED);
	assert_int_equal(ftx_slot(A.e, 1, s2)->pend, 0x01);
	ftx_reset(A.e);
	ftx_reset(B.e);
	assert_int_equal(count_ev(&A, FTX_EV_KILLED, NULL), 3);
	assert_int_equal(count_ev(&B, FTX_EV_KILLED, NULL), 2);
	for (i = 0; i < A.nev; i++)
		if (A.ev[i].type == FTX_EV_KILLED)
			assert_int_equal(A.ev[i].why, FTX_WHY_OFFLINE);
	(void)count_ev(&B, FTX_EV_KILLED, &e);
	assert_int_equal(e->why, FTX_WHY_OFFLINE);
	for (i = 0; i < FTX_SLOTS; i++) {
		assert_int_equal(ftx_slot(A.e, 1, i)->state, FTX_FREE);
		assert_int_equal(ftx_slot(B.e, 0, i)->state, FTX_FREE);
	}
	/* what was in flight arrives to nobody; nothing is sent after */
	run();
	assert_int_equal(count_ev(&B, FTX_EV_DONE, NULL), 0);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 0);
	assert_int_equal(pab.n + pba.n, 0);
}

/* A window of one packet: everything waits its turn, in order, and a
 * refused chunk is not read twice. */
static void
ftx_full_window(void **state)
{
	int	slot, i;

	pab.window = 0;
	pba.window = 0;
	slot = a_offers(30 * FILE_CHUNK + 1, 30 * FILE_CHUNK + 1, 30);
	b_sink(slot);
	assert_int_equal(pab.n, 0);
	assert_int_equal(ftx_pump(A.e), 1);	/* the offer waits */
	pab.window = 1;
	assert_int_equal(ftx_pump(A.e), 0);
	assert_int_equal(pab.n, 1);
	run_n(&A, 1);
	/* B accepts with a seek: two controls, one at a time, in order */
	assert_int_equal(ftx_accept(B.e, slot, FILE_CHUNK), 0);
	assert_int_equal(pba.n, 0);
	pba.window = 1;
	assert_int_equal(ftx_pump(B.e), 1);
	assert_int_equal(pba.pkt[pba.head][3], FILE_CTL_SEEK);
	run_n(&B, 1);
	assert_int_equal(ftx_pump(B.e), 0);
	assert_int_equal(pba.pkt[pba.head][3], FILE_CTL_ACCEPT);
	run_n(&B, 1);
	assert_int_equal(count_ev(&A, FTX_EV_ACCEPTED, NULL), 1);
	/* data one packet at a time; the pump says when it waits */
	for (i = 0; i < 5; i++) {
		assert_int_equal(pab.n, 1);
		assert_int_equal(ftx_pump(A.e), 1);
		run_n(&A, 1);
	}
	/* a pause while the window is full goes before more data */
	assert_int_equal(ftx_pause(A.e, 1, slot), 0);
	run_n(&A, 1);
	assert_int_equal(pab.n, 1);
	assert_int_equal(pab.pkt[pab.head][0], FILE_ID_CONTROL);
	assert_int_equal(pab.pkt[pab.head][3], FILE_CTL_PAUSE);
	run_n(&A, 1);
	assert_int_equal(pab.n, 0);
	assert_int_equal(ftx_resume(A.e, 1, slot), 0);
	run();
	assert_int_equal(count_ev(&B, FTX_EV_DONE, NULL), 1);
	assert_memory_equal(got + FILE_CHUNK, file + FILE_CHUNK,
	    29 * FILE_CHUNK + 1);
	/* 30 chunks from the seek, each read once though often refused */
	assert_int_equal(pab.data_pkts, 30);
	assert_int_equal(A.src[slot].reads, 30);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 1);
}

/* A read that fails kills the transfer on both sides. */
static void
ftx_read_error(void **state)
{
	const struct ev	*e;
	int		 slot;

	B.auto_accept = 1;
	slot = a_offers(10 * FILE_CHUNK, 10 * FILE_CHUNK, 31);
	b_sink(slot);
	A.src[slot].fail = 1;
	run();
	assert_int_equal(count_ev(&A, FTX_EV_KILLED, &e), 1);
	assert_int_equal(e->why, FTX_WHY_IO);
	assert_int_equal(count_ev(&B, FTX_EV_KILLED, &e), 1);
	assert_int_equal(e->why, FTX_WHY_PEER);
	assert_int_equal(ftx_slot(A.e, 1, slot)->state, FTX_FREE);
	assert_int_equal(ftx_slot(B.e, 0, slot)->state, FTX_FREE);
}

/* 256 transfers a direction, no more. */
static void
ftx_slots_run_out(void **state)
{
	uint8_t	id[FILE_ID_LEN];
	int	i;

	id_of(id, 40);
	pab.window = 0;
	for (i = 0; i < FTX_SLOTS; i++)
		assert_int_equal(ftx_offer(A.e, 0, 1, id, NULL, 0), i);
	assert_int_equal(ftx_offer(A.e, 0, 1, id, NULL, 0), -1);
	assert_int_equal(ftx_kill(A.e, 1, 17), 0);
	assert_int_equal(ftx_offer(A.e, 0, 1, id, NULL, 0), 17);
	/* and names above 255 bytes are refused */
	assert_int_equal(ftx_kill(A.e, 1, 18), 0);
	assert_int_equal(ftx_offer(A.e, 0, 1, id, file, FILE_NAME_MAX + 1),
	    -1);
	assert_int_equal(ftx_offer(A.e, 0, 1, id, file, FILE_NAME_MAX), 18);
	/* numbers are taken in turn, from after the last one, wrapping */
	assert_int_equal(ftx_kill(A.e, 1, 5), 0);
	assert_int_equal(ftx_kill(A.e, 1, 200), 0);
	assert_int_equal(ftx_offer(A.e, 0, 1, id, NULL, 0), 200);
	assert_int_equal(ftx_offer(A.e, 0, 1, id, NULL, 0), 5);
	assert_int_equal(ftx_offer(A.e, 0, 1, id, NULL, 0), -1);
}

/* Every slot not free is live in the walk's bitmap, and no other. */
static void
live_matches(const struct ftx *e)
{
	unsigned	i;
	int		out, bit;

	for (out = 0; out <= 1; out++)
		for (i = 0; i < FTX_SLOTS; i++) {
			bit = (e->live[out][i / 64] >> (i % 64)) & 1;
			assert_int_equal(bit,
			    ftx_slot(e, out, i)->state != FTX_FREE);
		}
}

/*
 * Three transfers at once in slots across the bitmap's words (70, 130,
 * 200), through a small window, so the turn restarts from a refused
 * slot past the first: each file arrives whole, each turn serves every
 * one, and the slots are free (not live) at the end.
 */
static void
ftx_walks_find_high_slots(void **state)
{
	static const unsigned	want[3] = { 70, 130, 200 };
	const uint64_t		len = 40 * FILE_CHUNK + 9;
	uint8_t			id[FILE_ID_LEN];
	unsigned		k;
	int			slot, i;

	B.auto_accept = 1;
	pab.window = 0;
	id_of(id, 60);
	for (k = 0; k < 3; k++) {
		/* offers not sent yet are freed at once: skip to want[k] */
		while ((slot = ftx_offer(A.e, 0, 1, id, NULL, 0)) !=
		    (int)want[k] - 1) {
			assert_true(slot >= 0 && slot < (int)want[k]);
			assert_int_equal(ftx_kill(A.e, 1, (unsigned)slot), 0);
		}
		assert_int_equal(ftx_kill(A.e, 1, (unsigned)slot), 0);
		assert_int_equal(a_offers(len, len, (uint8_t)(61 + k)),
		    want[k]);
		b_sink(want[k]);
	}
	live_matches(A.e);
	pab.window = 5;
	(void)ftx_pump(A.e);		/* the window opened: the offers go */
	for (i = 0; i < 2000; i++) {
		run_n(&A, 5);
		run_n(&B, QMAX);
		if (ftx_slot(A.e, 1, want[0])->state == FTX_FREE &&
		    ftx_slot(A.e, 1, want[1])->state == FTX_FREE &&
		    ftx_slot(A.e, 1, want[2])->state == FTX_FREE)
			break;
		live_matches(A.e);
		live_matches(B.e);
	}
	run();
	for (k = 0; k < 3; k++)
		assert_true(B.sink[want[k]].high == len);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, NULL), 3);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, NULL), 3);
	assert_int_equal(count_ev(&A, FTX_EV_KILLED, NULL), 0);
	assert_memory_equal(got, file, len);
	live_matches(A.e);
	live_matches(B.e);
	for (k = 0; k < FTX_SLOTS / 64; k++) {
		assert_true(A.e->live[0][k] == 0 && A.e->live[1][k] == 0);
		assert_true(B.e->live[0][k] == 0 && B.e->live[1][k] == 0);
	}
}

/*
 * Kills that cross: B declines a running transfer while A cancels it.
 * A's next offer must not take the number just freed: B's kill, still
 * on its way, would end the new transfer (c-toxcore's lowest free
 * number did that; c-toxcore's answer to a kill for a transfer it had
 * ended already would too).
 */
static void
ftx_crossed_kill_spares_new_offer(void **state)
{
	const struct ev	*e;
	int		 old, slot;

	B.auto_accept = 1;
	pab.window = 4;
	old = a_offers(100 * FILE_CHUNK, 100 * FILE_CHUNK, 50);
	b_sink(old);
	run_n(&A, 1);		/* the offer */
	run_n(&B, 1);		/* the accept */
	run_n(&A, 4);
	/* both kill it, each before it heard of the other's kill */
	pab.window = 64;
	assert_int_equal(ftx_kill(B.e, 0, old), 0);
	assert_int_equal(ftx_kill(A.e, 1, old), 0);
	assert_int_equal(ftx_slot(A.e, 1, old)->state, FTX_FREE);
	assert_int_equal(ftx_slot(B.e, 0, old)->state, FTX_FREE);
	/* A's side reaches B (ignored there); B's kill is still on its way */
	run_n(&A, QMAX);
	assert_true(pba.n >= 1);
	/* the user sends another file at once */
	slot = a_offers(20 * FILE_CHUNK + 3, 20 * FILE_CHUNK + 3, 51);
	assert_int_not_equal(slot, old);
	b_sink(slot);
	run();
	/* B's late kill hit nothing: the new file went whole */
	assert_int_equal(count_ev(&A, FTX_EV_KILLED, NULL), 0);
	assert_int_equal(count_ev(&B, FTX_EV_KILLED, NULL), 0);
	assert_int_equal(count_ev(&B, FTX_EV_DONE, &e), 1);
	assert_int_equal(e->slot, slot);
	assert_true(e->pos == 20 * FILE_CHUNK + 3);
	assert_int_equal(count_ev(&A, FTX_EV_DONE, &e), 1);
	assert_int_equal(e->slot, slot);
	assert_memory_equal(got, file, 20 * FILE_CHUNK + 3);
	assert_true(A.e->stats.ignored >= 1);
}

static int
group_setup(void **state)
{
	uint64_t	x = 0x9e3779b97f4a7c15ULL;
	size_t		i;

	if (sodium_init() < 0)
		return -1;
	file = malloc(BIG);
	got = malloc(BIG);
	got_a = malloc(BIG);
	if (file == NULL || got == NULL || got_a == NULL)
		return -1;
	/* xorshift: bytes without a period a chunk could hide in */
	for (i = 0; i < BIG; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		file[i] = (uint8_t)(x >> 32);
	}
	return 0;
}

static int
group_teardown(void **state)
{
	free(file);
	free(got);
	free(got_a);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ftx_ten_megabytes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ftx_empty_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ftx_size_multiple_of_chunk,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(ftx_stream_unknown_size,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(ftx_both_ways, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ftx_pause_resume_each_side,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(ftx_kill_each_side, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ftx_seek_before_accept,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(ftx_resume_by_file_id,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(ftx_lying_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ftx_unknown_slots_ignored,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(ftx_offline_drops_all,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(ftx_full_window, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ftx_read_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ftx_slots_run_out, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    ftx_crossed_kill_spares_new_offer, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    ftx_walks_find_high_slots, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
