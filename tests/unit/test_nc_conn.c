/*
 * netd's net_crypto connection table (netd/nc_conn.c): two engines back
 * to back on a fake network, each with a small fake keyd that builds and
 * opens real handshakes (common/nc_handshake.h) with real long-term keys,
 * so the whole cookie -> handshake -> handshake exchange runs.  Packets
 * and keyd's answers go through one queue, in the order they were made,
 * as the glue's IPC would deliver them: no callback re-enters an engine.
 * At the end both sides must hold the same session key, which only a
 * handshake each way that opened can give.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/nc_conn.h"

#define QMAX	512
#define SIDES	3	/* A, B and a stranger C (packets only) */

enum { EV_PKT, EV_MADE, EV_STATE };

struct ev {
	int		kind, to;
	struct ip_port	from, dst;
	uint8_t		pk[32];
	int		st;
	size_t		len;
	uint8_t		b[NC_PACKET_MAX];
};

/* The fake keyd's session with the one friend a side has. */
struct session {
	int		have, peer_set;
	uint8_t		pk[32], sk[32], base[24];
	uint8_t		peer_pk[32];
	int		state;
};

struct side {
	int		id;
	struct ncc	e;
	struct dht_keys	dk;
	uint8_t		real_pk[32], real_sk[32];
	struct ip_port	at;
	struct session	s;
	/* what the callbacks saw */
	int		hs_make, hs_in, hs_in_reply, hs_in_bad, aborts;
	int		dht_changed, data_in;
	uint8_t		changed_to[32];
	uint8_t		last_data[NC_PACKET_MAX];
	size_t		last_data_len;
	int		addr_calls;
	int		addr_answer;		/* 0: no address known */
	struct ip_port	addr_give;
	uint8_t		addr_asked[32];
};

static struct side	sd[SIDES];
static struct ev	q[QMAX];
static int		qhead, qtail;
/* Every UDP send: side, destination, bytes. */
static struct ev	sent[QMAX];
static int		nsent;
static uint64_t		now;
/* Packets of this kind to this side are lost (-1: none). */
static int		lose_kind = -1, lose_to = -1;
/* keyd posts NC_STATE before its answering NC_HS_MADE. */
static int		state_first;
/* Called once, right after the first 0x1a reaches A. */
static void		(*after_hs_at_a)(void);

static struct ev *
post(int kind, int to)
{
	struct ev	*e;

	assert_true(qtail < QMAX);
	e = &q[qtail++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->to = to;
	return e;
}

static int
side_at(const struct ip_port *a)
{
	int	i;

	for (i = 0; i < SIDES; i++)
		if (ipp_equal(&sd[i].at, a))
			return i;
	return -1;
}

/* --- the engine's callbacks --- */

static void
cb_send(void *arg, const struct ip_port *dst, const uint8_t *pkt, size_t len)
{
	struct side	*s = arg;
	struct ev	*e;
	int		 to = side_at(dst);

	assert_true(len > 0 && len <= NC_PACKET_MAX);
	assert_true(nsent < QMAX);
	e = &sent[nsent++];
	memset(e, 0, sizeof(*e));
	e->to = to;
	e->from = s->at;
	e->dst = *dst;
	e->len = len;
	memcpy(e->b, pkt, len);
	if (to < 0 || to == 2 || (pkt[0] == lose_kind && to == lose_to))
		return;
	e = post(EV_PKT, to);
	e->from = s->at;
	e->len = len;
	memcpy(e->b, pkt, len);
}

static int
cb_addr(void *arg, const uint8_t dht_pk[32], struct ip_port *out)
{
	struct side	*s = arg;

	s->addr_calls++;
	memcpy(s->addr_asked, dht_pk, 32);
	if (!s->addr_answer)
		return 0;
	*out = s->addr_give;
	return 1;
}

static void
real_shared(const struct side *s, const uint8_t peer[32], uint8_t key[32])
{
	assert_int_equal(crypto_box_beforenm(key, peer, s->real_sk), 0);
}

static void
session_need(struct session *ss)
{
	if (ss->have)
		return;
	crypto_box_keypair(ss->pk, ss->sk);
	randombytes_buf(ss->base, sizeof(ss->base));
	ss->have = 1;
}

static void
keyd_build(struct side *s, const uint8_t pk[32], const uint8_t *peer_cookie,
    const uint8_t *other_cookie)
{
	struct nc_hs	 hs;
	struct ev	*e;
	uint8_t		 key[32], nonce[24];

	session_need(&s->s);
	memcpy(hs.base_nonce, s->s.base, 24);
	memcpy(hs.session_pk, s->s.pk, 32);
	memcpy(hs.other_cookie, other_cookie, NC_COOKIE_LEN);
	real_shared(s, pk, key);
	randombytes_buf(nonce, sizeof(nonce));
	e = post(EV_MADE, s->id);
	memcpy(e->pk, pk, 32);
	assert_int_equal(nc_hs_build(key, peer_cookie, nonce, &hs, e->b,
	    sizeof(e->b)), NC_HS_LEN);
	e->len = NC_HS_LEN;
}

static void
cb_hs_make(void *arg, const uint8_t pk[32], const uint8_t peer_cookie[112],
    const uint8_t other_cookie[112])
{
	struct side	*s = arg;

	s->hs_make++;
	keyd_build(s, pk, peer_cookie, other_cookie);
}

static void
cb_hs_in(void *arg, const uint8_t pk[32], const uint8_t dht_pk[32],
    int want_reply, const uint8_t other_cookie[112], const uint8_t *pkt)
{
	struct side	*s = arg;
	struct nc_hs	 hs;
	struct ev	*e;
	uint8_t		 key[32];

	s->hs_in++;
	real_shared(s, pk, key);
	if (nc_hs_open(key, pkt, NC_HS_LEN, &hs) != 0) {
		s->hs_in_bad++;		/* keyd: nothing changes, no answer */
		return;
	}
	session_need(&s->s);
	memcpy(s->s.peer_pk, hs.session_pk, 32);
	s->s.peer_set = 1;
	if (!state_first && want_reply) {
		s->hs_in_reply++;
		keyd_build(s, pk, hs.other_cookie, other_cookie);
	}
	s->s.state = NCC_NOT_CONFIRMED;
	e = post(EV_STATE, s->id);
	memcpy(e->pk, pk, 32);
	e->st = NCC_NOT_CONFIRMED;
	if (state_first && want_reply) {
		s->hs_in_reply++;
		keyd_build(s, pk, hs.other_cookie, other_cookie);
	}
}

static void
cb_data_in(void *arg, const uint8_t pk[32], const uint8_t *pkt, size_t len)
{
	struct side	*s = arg;

	s->data_in++;
	memcpy(s->last_data, pkt, len);
	s->last_data_len = len;
}

static void
cb_abort(void *arg, const uint8_t pk[32])
{
	struct side	*s = arg;

	s->aborts++;
	memset(&s->s, 0, sizeof(s->s));
}

static void
cb_dht_changed(void *arg, const uint8_t pk[32], const uint8_t dht_pk[32])
{
	struct side	*s = arg;

	s->dht_changed++;
	memcpy(s->changed_to, dht_pk, 32);
}

static const struct ncc_cb	cbs = {
	.send = cb_send, .addr = cb_addr, .hs_make = cb_hs_make,
	.hs_in = cb_hs_in, .data_in = cb_data_in, .abort = cb_abort,
	.dht_changed = cb_dht_changed,
};

/* --- harness --- */

static void
side_init(int i)
{
	struct side	*s = &sd[i];
	uint8_t		 ip[4] = { 127, 0, 0, (uint8_t)(i + 1) };

	memset(s, 0, sizeof(*s));
	s->id = i;
	crypto_box_keypair(s->real_pk, s->real_sk);
	dht_keys_init(&s->dk);
	assert_int_equal(ipp_set(&s->at, ip, 4, 33445), 0);
	ncc_init(&s->e, &s->dk, s->real_pk, &cbs, s);
}

static int
setup(void **state)
{
	int	i;

	assert_true(sodium_init() >= 0);
	for (i = 0; i < SIDES; i++)
		side_init(i);
	qhead = qtail = nsent = 0;
	lose_kind = lose_to = -1;
	state_first = 0;
	after_hs_at_a = NULL;
	now = 100000;
	return 0;
}

static struct side *A = &sd[0], *B = &sd[1], *C = &sd[2];

/* a befriends b; with_dht: a knows b's DHT key and where b is. */
static void
befriend(struct side *a, struct side *b, int with_dht)
{
	assert_int_equal(ncc_friend_set(&a->e, b->real_pk, 1, now), 0);
	a->addr_answer = 1;
	a->addr_give = b->at;
	if (with_dht)
		assert_int_equal(ncc_friend_dht(&a->e, b->real_pk, b->dk.pk,
		    now), 1);
}

/* Delivers everything queued, in order, and what that makes. */
static void
pump(void)
{
	struct ev	*e;
	void		(*fn)(void);

	while (qhead < qtail) {
		e = &q[qhead++];
		switch (e->kind) {
		case EV_PKT:
			ncc_udp_in(&sd[e->to].e, &e->from, e->b, e->len, now);
			if (e->to == 0 && e->b[0] == NC_HS_KIND &&
			    after_hs_at_a != NULL) {
				fn = after_hs_at_a;
				after_hs_at_a = NULL;
				fn();
			}
			break;
		case EV_MADE:
			(void)ncc_hs_made(&sd[e->to].e, e->pk, e->b, e->len,
			    now);
			break;
		case EV_STATE:
			(void)ncc_state(&sd[e->to].e, e->pk, e->st, now);
			break;
		}
	}
	qhead = qtail = 0;
}

static int
st_of(struct side *a, struct side *b)
{
	struct ncc_friend	*f = ncc_find(&a->e, b->real_pk);

	assert_non_null(f);
	return f->st;
}

/* Both keyds hold one session key: each opened the other's handshake. */
static void
assert_same_session(void)
{
	uint8_t	ka[32], kb[32];

	assert_true(A->s.peer_set && B->s.peer_set);
	assert_int_equal(crypto_box_beforenm(ka, A->s.peer_pk, A->s.sk), 0);
	assert_int_equal(crypto_box_beforenm(kb, B->s.peer_pk, B->s.sk), 0);
	assert_memory_equal(ka, kb, 32);
}

static int
count_sent(int from, int kind)
{
	int	i, n = 0;

	for (i = 0; i < nsent; i++)
		if (ipp_equal(&sent[i].from, &sd[from].at) &&
		    sent[i].b[0] == kind)
			n++;
	return n;
}

static const struct ev *
nth_sent(int from, int kind, int nth)
{
	int	i;

	for (i = 0; i < nsent; i++)
		if (ipp_equal(&sent[i].from, &sd[from].at) &&
		    sent[i].b[0] == kind && nth-- == 0)
			return &sent[i];
	return NULL;
}

/* A starts, B knows A only from A's handshake (or knows its DHT key). */
static void
connect_a_starts(int b_knows_dht)
{
	befriend(A, B, 1);
	befriend(B, A, b_knows_dht);
	/* B, knowing no DHT key, has nothing to do. */
	if (!b_knows_dht)
		assert_int_equal(ncc_tick(&B->e, now), 0);
	assert_int_equal(ncc_tick(&A->e, now), now + NCC_SEND_MS);
	pump();
	assert_int_equal(st_of(A, B), NCC_NOT_CONFIRMED);
	assert_int_equal(st_of(B, A), NCC_NOT_CONFIRMED);
}

static void
a_starts(void **state)
{
	connect_a_starts(0);
	assert_same_session();
	assert_int_equal(A->hs_make, 1);
	assert_int_equal(B->hs_make, 0);
	/* B answered A's handshake; A took B's without answering. */
	assert_int_equal(B->hs_in_reply, 1);
	assert_int_equal(A->hs_in, 1);
	assert_int_equal(A->hs_in_reply, 0);
	assert_int_equal(A->hs_in_bad + B->hs_in_bad, 0);
	/* B learnt A's DHT key from the handshake keyd opened. */
	assert_int_equal(B->dht_changed, 1);
	assert_memory_equal(B->changed_to, A->dk.pk, 32);
	assert_int_equal(A->dht_changed, 0);
	assert_int_equal(count_sent(0, NC_COOKIE_REQ_KIND), 1);
	assert_int_equal(count_sent(1, NC_COOKIE_RESP_KIND), 1);
	assert_int_equal(B->e.stats.cookie_answered, 1);
	assert_int_equal(count_sent(0, NC_HS_KIND), 1);
	assert_int_equal(count_sent(1, NC_HS_KIND), 1);
}

/* keyd's NC_STATE may come before the handshake that answers. */
static void
a_starts_state_first(void **state)
{
	state_first = 1;
	connect_a_starts(0);
	assert_same_session();
	assert_int_equal(B->dht_changed, 1);
	assert_int_equal(B->e.stats.hs_taken, 1);
	assert_int_equal(count_sent(1, NC_HS_KIND), 1);
	assert_int_equal(B->e.stats.drop[NCC_DROP_MADE], 0);
}

static void
a_starts_b_knows_dht(void **state)
{
	connect_a_starts(1);
	assert_same_session();
	assert_int_equal(B->dht_changed, 0);
	assert_int_equal(B->hs_in_reply, 1);
}

static void
both_start(void **state)
{
	befriend(A, B, 1);
	befriend(B, A, 1);
	assert_int_equal(ncc_tick(&A->e, now), now + NCC_SEND_MS);
	assert_int_equal(ncc_tick(&B->e, now), now + NCC_SEND_MS);
	pump();
	assert_int_equal(st_of(A, B), NCC_NOT_CONFIRMED);
	assert_int_equal(st_of(B, A), NCC_NOT_CONFIRMED);
	assert_same_session();
	assert_int_equal(A->hs_make, 1);
	assert_int_equal(B->hs_make, 1);
	assert_int_equal(A->hs_in_bad + B->hs_in_bad, 0);
	assert_int_equal(A->dht_changed + B->dht_changed, 0);
	assert_int_equal(count_sent(0, NC_COOKIE_RESP_KIND), 1);
	assert_int_equal(count_sent(1, NC_COOKIE_RESP_KIND), 1);
}

/* Data both ways, then ESTABLISHED stops the resends. */
static void
data_then_established(void **state)
{
	static uint8_t	big[NCC_DATA_MAX + 1];
	uint8_t		pkt[100];
	uint64_t	next;

	connect_a_starts(0);
	memset(pkt, 0x5a, sizeof(pkt));
	pkt[0] = NC_DATA_KIND;
	assert_int_equal(ncc_data_out(&A->e, B->real_pk, pkt, sizeof(pkt)),
	    0);
	pump();
	assert_int_equal(B->data_in, 1);
	assert_int_equal(B->last_data_len, sizeof(pkt));
	assert_memory_equal(B->last_data, pkt, sizeof(pkt));
	pkt[1] = 1;
	assert_int_equal(ncc_data_out(&B->e, A->real_pk, pkt, sizeof(pkt)),
	    0);
	pump();
	assert_int_equal(A->data_in, 1);
	assert_memory_equal(A->last_data, pkt, sizeof(pkt));
	/* Not established yet: the handshake goes again a second later. */
	nsent = 0;
	now += NCC_SEND_MS;
	next = ncc_tick(&A->e, now);
	assert_int_equal(next, now + NCC_SEND_MS);
	assert_int_equal(count_sent(0, NC_HS_KIND), 1);
	assert_int_equal(ncc_state(&A->e, B->real_pk, NCC_ESTABLISHED, now),
	    0);
	assert_int_equal(ncc_state(&B->e, A->real_pk, NCC_ESTABLISHED, now),
	    0);
	nsent = 0;
	now += 10 * NCC_SEND_MS;
	assert_int_equal(ncc_tick(&A->e, now), 0);
	assert_int_equal(ncc_tick(&B->e, now), 0);
	assert_int_equal(nsent, 0);
	assert_int_equal(A->e.stats.reached[NCC_ESTABLISHED], 1);
	/* Bad sizes and kinds do not go out. */
	assert_int_equal(ncc_data_out(&A->e, B->real_pk, pkt,
	    NCC_DATA_MIN - 1), -1);
	big[0] = NC_DATA_KIND;
	assert_int_equal(ncc_data_out(&A->e, B->real_pk, big,
	    NCC_DATA_MAX + 1), -1);
	assert_int_equal(ncc_data_out(&A->e, B->real_pk, big, NCC_DATA_MAX),
	    0);
	pkt[0] = NC_HS_KIND;
	assert_int_equal(ncc_data_out(&A->e, B->real_pk, pkt, sizeof(pkt)),
	    -1);
	assert_int_equal(ncc_data_out(&A->e, C->real_pk, pkt, sizeof(pkt)),
	    -1);
}

/* Cookie requests to a peer that is not there: 8, identical, then over. */
static void
cookie_requests_time_out(void **state)
{
	const struct ev	*first, *e;
	uint64_t	 t0 = now;
	int		 i;

	befriend(A, B, 1);
	lose_kind = NC_COOKIE_REQ_KIND;
	lose_to = 1;
	assert_int_equal(ncc_tick(&A->e, now), now + NCC_SEND_MS);
	for (i = 1; i < NCC_TRIES; i++) {
		now += NCC_SEND_MS;
		assert_int_equal(ncc_tick(&A->e, now), now + NCC_SEND_MS);
	}
	assert_int_equal(count_sent(0, NC_COOKIE_REQ_KIND), NCC_TRIES);
	first = nth_sent(0, NC_COOKIE_REQ_KIND, 0);
	for (i = 1; i < NCC_TRIES; i++) {
		e = nth_sent(0, NC_COOKIE_REQ_KIND, i);
		assert_int_equal(e->len, NC_REQ_LEN);
		assert_memory_equal(e->b, first->b, NC_REQ_LEN);
		assert_true(ipp_equal(&e->dst, &B->at));
	}
	assert_int_equal(st_of(A, B), NCC_COOKIE_REQUESTING);
	now += NCC_SEND_MS;
	/* Killed; keyd held nothing, so no abort; back off before again. */
	assert_int_equal(ncc_tick(&A->e, now), now + NCC_BACKOFF_MIN_MS);
	assert_int_equal(st_of(A, B), NCC_NONE);
	assert_int_equal(A->aborts, 0);
	assert_int_equal(A->e.stats.timeouts, 1);
	assert_int_equal(count_sent(0, NC_COOKIE_REQ_KIND), NCC_TRIES);
	assert_int_equal(now - t0, NCC_TRIES * NCC_SEND_MS);
	/* The next attempt, a new echo id; a second failure waits longer. */
	now += NCC_BACKOFF_MIN_MS;
	ncc_tick(&A->e, now);
	assert_int_equal(st_of(A, B), NCC_COOKIE_REQUESTING);
	e = nth_sent(0, NC_COOKIE_REQ_KIND, NCC_TRIES);
	assert_non_null(e);
	assert_memory_not_equal(e->b, first->b, NC_REQ_LEN);
	for (i = 0; i < NCC_TRIES; i++) {
		now += NCC_SEND_MS;
		ncc_tick(&A->e, now);
	}
	assert_int_equal(st_of(A, B), NCC_NONE);
	assert_int_equal(ncc_next(&A->e), now + 2 * NCC_BACKOFF_MIN_MS);
}

/* The handshake resent byte for byte (gotcha 20), 8 times, then abort. */
static void
handshake_resends_then_abort(void **state)
{
	const struct ev	*first, *e;
	int		 i;

	befriend(A, B, 1);
	befriend(B, A, 1);
	lose_kind = NC_HS_KIND;
	lose_to = 1;
	ncc_tick(&A->e, now);
	pump();
	assert_int_equal(st_of(A, B), NCC_HANDSHAKE_SENT);
	assert_int_equal(A->hs_make, 1);
	for (i = 1; i < NCC_TRIES; i++) {
		now += NCC_SEND_MS;
		assert_int_equal(ncc_tick(&A->e, now), now + NCC_SEND_MS);
	}
	assert_int_equal(count_sent(0, NC_HS_KIND), NCC_TRIES);
	first = nth_sent(0, NC_HS_KIND, 0);
	assert_int_equal(first->len, NC_HS_LEN);
	for (i = 1; i < NCC_TRIES; i++) {
		e = nth_sent(0, NC_HS_KIND, i);
		assert_int_equal(e->len, NC_HS_LEN);
		assert_memory_equal(e->b, first->b, NC_HS_LEN);
	}
	assert_int_equal(A->aborts, 0);
	now += NCC_SEND_MS;
	ncc_tick(&A->e, now);
	assert_int_equal(st_of(A, B), NCC_NONE);
	assert_int_equal(A->aborts, 1);
	assert_int_equal(count_sent(0, NC_HS_KIND), NCC_TRIES);
	/* A late handshake from keyd for the dead attempt is dropped. */
	assert_int_equal(ncc_hs_made(&A->e, B->real_pk, first->b, NC_HS_LEN,
	    now), -1);
	assert_int_equal(A->e.stats.drop[NCC_DROP_MADE], 1);
}

/* C asks side x for a cookie claiming real pk `claim`; returns it. */
static void
get_cookie(struct side *x, const uint8_t claim[32],
    uint8_t cookie[NC_COOKIE_LEN])
{
	uint8_t		req[NC_REQ_LEN], echo[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t		echo2[8];
	const struct ev	*e;
	int		n = nsent;

	assert_int_equal(nc_cookie_req_pack(&C->dk, x->dk.pk, claim, echo,
	    req, sizeof(req)), NC_REQ_LEN);
	ncc_udp_in(&x->e, &C->at, req, sizeof(req), now);
	assert_int_equal(nsent, n + 1);
	e = &sent[n];
	assert_true(ipp_equal(&e->dst, &C->at));
	assert_int_equal(nc_cookie_resp_open(&C->dk, x->dk.pk, e->b, e->len,
	    cookie, echo2), 0);
	assert_memory_equal(echo, echo2, 8);
}

/* C's handshake to x on cookie, sealed with C's real key to x. */
static void
c_handshake(struct side *x, const uint8_t cookie[NC_COOKIE_LEN],
    uint8_t pkt[NC_HS_LEN])
{
	struct nc_hs	hs;
	uint8_t		key[32], nonce[24];

	memset(&hs, 7, sizeof(hs));
	real_shared(C, x->real_pk, key);
	randombytes_buf(nonce, sizeof(nonce));
	assert_int_equal(nc_hs_build(key, cookie, nonce, &hs, pkt,
	    NC_HS_LEN), NC_HS_LEN);
}

static void
hostile_handshakes_dropped(void **state)
{
	uint8_t		cookie[NC_COOKIE_LEN], pkt[NC_HS_LEN];
	struct ncc_stats *st = &A->e.stats;

	befriend(A, B, 1);
	/* A stranger with a good cookie: not a friend. */
	get_cookie(A, C->real_pk, cookie);
	c_handshake(A, cookie, pkt);
	ncc_udp_in(&A->e, &C->at, pkt, sizeof(pkt), now);
	assert_int_equal(st->drop[NCC_DROP_STRANGER], 1);
	/* The friend's key claimed, but too old by a millisecond. */
	get_cookie(A, B->real_pk, cookie);
	c_handshake(A, cookie, pkt);
	ncc_udp_in(&A->e, &C->at, pkt, sizeof(pkt),
	    now + NC_COOKIE_TIMEOUT_MS + 1);
	assert_int_equal(st->drop[NCC_DROP_COOKIE], 1);
	/* A cookie made under another engine's secret. */
	get_cookie(B, B->real_pk, cookie);
	c_handshake(A, cookie, pkt);
	ncc_udp_in(&A->e, &C->at, pkt, sizeof(pkt), now);
	assert_int_equal(st->drop[NCC_DROP_COOKIE], 2);
	/* Sizes one off. */
	ncc_udp_in(&A->e, &C->at, pkt, sizeof(pkt) - 1, now);
	assert_int_equal(st->drop[NCC_DROP_SIZE], 1);
	assert_int_equal(A->hs_in, 0);
	assert_int_equal(A->dht_changed, 0);
	/*
	 * A good cookie naming B, a box B did not seal: keyd refuses it and
	 * nothing changes, not even B's DHT key (the cookie names C's).
	 */
	get_cookie(A, B->real_pk, cookie);
	c_handshake(A, cookie, pkt);
	ncc_udp_in(&A->e, &C->at, pkt, sizeof(pkt), now);
	pump();
	assert_int_equal(A->hs_in, 1);
	assert_int_equal(A->hs_in_bad, 1);
	assert_int_equal(A->dht_changed, 0);
	assert_memory_equal(ncc_find(&A->e, B->real_pk)->dht_pk, B->dk.pk,
	    32);
	assert_int_equal(ncc_find(&A->e, B->real_pk)->naddr, 0);
	/* Nothing for C in any callback but the cookie answers. */
	assert_int_equal(A->hs_make + A->data_in + A->aborts, 0);
}

/*
 * keyd's answer to a handshake counts only while that handshake's cookie
 * could (15 s): one that comes later changes nothing.  The handshake is
 * B's own (B's real key seals it) on a cookie naming another DHT key.
 */
static void
late_keyd_answer_ignored(void **state)
{
	uint8_t		cookie[NC_COOKIE_LEN], other[NC_COOKIE_LEN];
	struct ev	pkt;

	befriend(A, B, 1);
	get_cookie(A, B->real_pk, cookie);
	memset(other, 9, sizeof(other));
	keyd_build(B, A->real_pk, cookie, other);
	assert_int_equal(qtail, 1);
	pkt = q[0];
	qhead = qtail = 0;
	ncc_udp_in(&A->e, &C->at, pkt.b, pkt.len, now);
	assert_int_equal(A->hs_in, 1);
	now += NC_COOKIE_TIMEOUT_MS + 1;
	pump();
	assert_int_equal(A->hs_in_bad, 0);
	assert_int_equal(A->hs_in_reply, 1);
	assert_int_equal(A->dht_changed, 0);
	assert_int_equal(A->e.stats.drop[NCC_DROP_MADE], 1);
	assert_int_equal(st_of(A, B), NCC_NONE);
	assert_int_equal(ncc_find(&A->e, B->real_pk)->naddr, 0);
	assert_int_equal(nsent, 1);	/* the cookie answer only */
}

/* The same in time: A takes the DHT key the cookie names, and C's address. */
static void
keyd_answer_in_time_taken(void **state)
{
	uint8_t		cookie[NC_COOKIE_LEN], other[NC_COOKIE_LEN];
	struct ev	pkt;

	befriend(A, B, 1);
	get_cookie(A, B->real_pk, cookie);
	memset(other, 9, sizeof(other));
	keyd_build(B, A->real_pk, cookie, other);
	pkt = q[0];
	qhead = qtail = 0;
	ncc_udp_in(&A->e, &C->at, pkt.b, pkt.len, now);
	now += NC_COOKIE_TIMEOUT_MS;
	pump();
	assert_int_equal(A->dht_changed, 1);
	assert_memory_equal(A->changed_to, C->dk.pk, 32);
	assert_int_equal(st_of(A, B), NCC_NOT_CONFIRMED);
	assert_true(ipp_equal(&sent[nsent - 1].dst, &C->at));
	assert_int_equal(sent[nsent - 1].b[0], NC_HS_KIND);
}

/* C's handshake naming B, on C's DHT key: keyd will refuse it. */
static void
inject_forged(void)
{
	uint8_t	cookie[NC_COOKIE_LEN], pkt[NC_HS_LEN];

	now++;				/* the newer of the two */
	get_cookie(A, B->real_pk, cookie);
	c_handshake(A, cookie, pkt);
	ncc_udp_in(&A->e, &C->at, pkt, sizeof(pkt), now);
}

/*
 * While keyd opens B's handshake, a stranger's comes in too (a good
 * cookie naming B, on the stranger's own DHT key).  keyd's answer does
 * not say which it opened; B's names the DHT key A knows, which no
 * stranger can get a cookie for, so B's counts.
 */
static void
forged_during_keyd_known_dht(void **state)
{
	befriend(A, B, 1);
	befriend(B, A, 1);
	after_hs_at_a = inject_forged;
	ncc_tick(&B->e, now);
	pump();
	assert_int_equal(A->hs_in, 2);
	assert_int_equal(A->hs_in_bad, 1);
	assert_int_equal(st_of(A, B), NCC_NOT_CONFIRMED);
	assert_int_equal(st_of(B, A), NCC_NOT_CONFIRMED);
	assert_same_session();
	assert_int_equal(A->dht_changed, 0);
	assert_int_equal(ncc_find(&A->e, B->real_pk)->naddr, 1);
	assert_true(ipp_equal(&ncc_find(&A->e, B->real_pk)->addr[0], &B->at));
}

/*
 * The same when A knows no DHT key for B: two keys named, none taken,
 * both senders tied; A's answer goes to the stranger first, B resends,
 * keyd takes it again, and now B's key alone is named.
 */
static void
forged_during_keyd_unknown_dht(void **state)
{
	struct ncc_friend	*f;

	befriend(A, B, 0);
	befriend(B, A, 1);
	after_hs_at_a = inject_forged;
	ncc_tick(&B->e, now);
	pump();
	f = ncc_find(&A->e, B->real_pk);
	assert_int_equal(A->e.stats.hs_unsure, 1);
	assert_int_equal(A->dht_changed, 0);
	assert_int_equal(f->has_dht, 0);
	assert_int_equal(f->naddr, 2);
	assert_int_equal(st_of(A, B), NCC_NOT_CONFIRMED);
	assert_int_equal(st_of(B, A), NCC_HANDSHAKE_SENT);
	now += NCC_SEND_MS;
	ncc_tick(&B->e, now);		/* B's handshake again */
	pump();
	assert_int_equal(A->dht_changed, 1);
	assert_memory_equal(f->dht_pk, B->dk.pk, 32);
	assert_int_equal(f->naddr, 1);
	ncc_tick(&A->e, now);		/* A's, now to B */
	pump();
	assert_int_equal(st_of(B, A), NCC_NOT_CONFIRMED);
	assert_same_session();
}

static void
replay_in_established_dropped(void **state)
{
	const struct ev	*e;
	int		 hs_in;

	connect_a_starts(1);
	assert_int_equal(ncc_state(&A->e, B->real_pk, NCC_ESTABLISHED, now),
	    0);
	e = nth_sent(1, NC_HS_KIND, 0);
	assert_non_null(e);
	hs_in = A->hs_in;
	ncc_udp_in(&A->e, &B->at, e->b, e->len, now);
	assert_int_equal(A->hs_in, hs_in);
	assert_int_equal(A->e.stats.drop[NCC_DROP_HS_STATE], 1);
	assert_int_equal(st_of(A, B), NCC_ESTABLISHED);
}

static void
untied_data_dropped(void **state)
{
	uint8_t	pkt[NC_RESP_LEN];

	memset(pkt, 1, sizeof(pkt));
	pkt[0] = NC_DATA_KIND;
	befriend(A, B, 1);
	ncc_tick(&A->e, now);		/* B's address tied, asking */
	qhead = qtail = 0;		/* B hears nothing */
	ncc_udp_in(&A->e, &B->at, pkt, sizeof(pkt), now);
	assert_int_equal(A->e.stats.drop[NCC_DROP_DATA_STATE], 1);
	ncc_udp_in(&A->e, &C->at, pkt, sizeof(pkt), now);
	assert_int_equal(A->e.stats.drop[NCC_DROP_UNTIED], 1);
	ncc_udp_in(&A->e, &B->at, pkt, NCC_DATA_MIN - 1, now);
	assert_int_equal(A->e.stats.drop[NCC_DROP_SIZE], 1);
	assert_int_equal(A->data_in, 0);
	/* A 0x19 from an address not asked, and an unknown kind. */
	ncc_udp_in(&A->e, &C->at, pkt, 1, now);
	pkt[0] = 0x19;
	ncc_udp_in(&A->e, &C->at, pkt, sizeof(pkt), now);
	pkt[0] = 0x20;
	ncc_udp_in(&A->e, &C->at, pkt, sizeof(pkt), now);
	assert_int_equal(A->e.stats.drop[NCC_DROP_KIND], 1);
	assert_int_equal(A->e.stats.drop[NCC_DROP_SIZE], 2);
	assert_int_equal(A->e.stats.drop[NCC_DROP_RESP], 1);
}

/* A new DHT key from DHT-PK resets an attempt; not an established one. */
static void
dht_key_change_resets(void **state)
{
	uint8_t	dht2[32], sk[32];

	befriend(A, B, 1);
	befriend(B, A, 1);
	lose_kind = NC_HS_KIND;
	lose_to = 1;
	ncc_tick(&A->e, now);
	pump();
	assert_int_equal(st_of(A, B), NCC_HANDSHAKE_SENT);
	crypto_box_keypair(dht2, sk);
	assert_int_equal(ncc_friend_dht(&A->e, B->real_pk, dht2, now), 1);
	assert_int_equal(ncc_friend_dht(&A->e, B->real_pk, dht2, now), 0);
	assert_int_equal(A->aborts, 1);
	assert_int_equal(st_of(A, B), NCC_NONE);
	assert_int_equal(ncc_find(&A->e, B->real_pk)->naddr, 0);
	/* Due at once, to the new key. */
	assert_int_equal(ncc_next(&A->e), now);
	ncc_tick(&A->e, now);
	assert_memory_equal(A->addr_asked, dht2, 32);
	assert_int_equal(st_of(A, B), NCC_COOKIE_REQUESTING);
	assert_int_equal(ncc_friend_dht(&C->e, B->real_pk, dht2, now), -1);
}

static void
established_survives_dht_pk(void **state)
{
	uint8_t	dht2[32], sk[32];

	connect_a_starts(1);
	assert_int_equal(ncc_state(&A->e, B->real_pk, NCC_ESTABLISHED, now),
	    0);
	crypto_box_keypair(dht2, sk);
	assert_int_equal(ncc_friend_dht(&A->e, B->real_pk, dht2, now), 1);
	assert_int_equal(st_of(A, B), NCC_ESTABLISHED);
	assert_int_equal(A->aborts, 0);
}

/*
 * B restarts with a new DHT key while A is established: B's handshake
 * names the new key; once A's keyd opens it, A takes the key (the DHT is
 * told) and both are NOT_CONFIRMED again on a new session.
 */
static void
peer_restart_new_dht(void **state)
{
	connect_a_starts(1);
	assert_int_equal(ncc_state(&A->e, B->real_pk, NCC_ESTABLISHED, now),
	    0);
	assert_int_equal(ncc_state(&B->e, A->real_pk, NCC_ESTABLISHED, now),
	    0);
	/* B anew: new DHT key, new engine, keyd session gone. */
	dht_keys_init(&B->dk);
	ncc_init(&B->e, &B->dk, B->real_pk, &cbs, B);
	memset(&B->s, 0, sizeof(B->s));
	befriend(B, A, 1);
	now += 5000;
	ncc_tick(&B->e, now);
	pump();
	assert_int_equal(A->dht_changed, 1);
	assert_memory_equal(A->changed_to, B->dk.pk, 32);
	assert_memory_equal(ncc_find(&A->e, B->real_pk)->dht_pk, B->dk.pk,
	    32);
	assert_int_equal(st_of(A, B), NCC_NOT_CONFIRMED);
	assert_int_equal(st_of(B, A), NCC_NOT_CONFIRMED);
	assert_same_session();
}

/* keyd ends the session: back to none, a new attempt comes. */
static void
state_none_reconnects(void **state)
{
	connect_a_starts(1);
	assert_int_equal(ncc_state(&A->e, B->real_pk, NCC_ESTABLISHED, now),
	    0);
	assert_int_equal(ncc_state(&A->e, B->real_pk, NCC_NONE, now), 0);
	assert_int_equal(st_of(A, B), NCC_NONE);
	assert_int_equal(A->aborts, 0);
	assert_int_equal(ncc_next(&A->e), now);
	ncc_tick(&A->e, now);
	assert_int_equal(st_of(A, B), NCC_COOKIE_REQUESTING);
	/* Removing the friend tells keyd the attempt is over. */
	assert_int_equal(ncc_friend_set(&A->e, B->real_pk, 0, now), 0);
	assert_null(ncc_find(&A->e, B->real_pk));
	assert_int_equal(ncc_friend_set(&A->e, B->real_pk, 0, now), -1);
	assert_int_equal(ncc_next(&A->e), 0);
}

/* No address for the DHT key yet: asked again later, nothing sent. */
static void
no_address_waits(void **state)
{
	befriend(A, B, 1);
	A->addr_answer = 0;
	assert_int_equal(ncc_tick(&A->e, now), now + NCC_ADDR_RETRY_MS);
	assert_int_equal(A->addr_calls, 1);
	assert_int_equal(nsent, 0);
	assert_int_equal(st_of(A, B), NCC_NONE);
	/* keyd's word with no handshake either way is not taken. */
	assert_int_equal(ncc_state(&A->e, B->real_pk, NCC_NOT_CONFIRMED,
	    now), -1);
	assert_int_equal(ncc_state(&A->e, B->real_pk, NCC_ESTABLISHED, now),
	    -1);
	assert_int_equal(ncc_state(&A->e, C->real_pk, NCC_NONE, now), -1);
	assert_int_equal(st_of(A, B), NCC_NONE);
	A->addr_answer = 1;
	now += NCC_ADDR_RETRY_MS;
	ncc_tick(&A->e, now);
	assert_int_equal(st_of(A, B), NCC_COOKIE_REQUESTING);
}

/* The DHT found the address: no need to wait out the retry. */
static void
kick_when_address_found(void **state)
{
	unsigned int	n[NCC_ST_COUNT];

	befriend(A, C, 0);		/* no DHT key: nothing to kick */
	befriend(A, B, 1);
	A->addr_answer = 0;
	ncc_tick(&A->e, now);
	now += 10;
	assert_int_equal(ncc_kick(&A->e, C->dk.pk, now), 0);
	assert_int_equal(ncc_kick(&A->e, B->dk.pk, now), 1);
	assert_int_equal(ncc_next(&A->e), now);
	A->addr_answer = 1;
	ncc_tick(&A->e, now);
	assert_int_equal(st_of(A, B), NCC_COOKIE_REQUESTING);
	assert_int_equal(st_of(A, C), NCC_NONE);
	/* Asking already: a kick changes nothing. */
	assert_int_equal(ncc_kick(&A->e, B->dk.pk, now), 0);
	ncc_count(&A->e, n);
	assert_int_equal(n[NCC_NONE], 1);
	assert_int_equal(n[NCC_COOKIE_REQUESTING], 1);
	assert_int_equal(n[NCC_ESTABLISHED], 0);
}

/* The table is fixed: the 257th friend is refused, a flood allocates none. */
static void
table_full_and_flood(void **state)
{
	uint8_t		pk[32], pkt[NC_HS_LEN];
	struct ip_port	src = C->at;
	int		i;

	for (i = 0; i < NCC_MAX; i++) {
		randombytes_buf(pk, sizeof(pk));
		assert_int_equal(ncc_friend_set(&A->e, pk, 1, now), 0);
	}
	randombytes_buf(pk, sizeof(pk));
	assert_int_equal(ncc_friend_set(&A->e, pk, 1, now), -1);
	for (i = 0; i < 3000; i++) {
		randombytes_buf(pkt, sizeof(pkt));
		pkt[0] = 0x18 + i % 4;
		src.port = (uint16_t)i;
		ncc_udp_in(&A->e, &src, pkt, i % 4 == 0 ? NC_REQ_LEN :
		    i % 4 == 1 ? NC_RESP_LEN : i % 4 == 2 ? NC_HS_LEN : 200,
		    now);
	}
	assert_int_equal(A->e.stats.drop[NCC_DROP_REQ], 750);
	assert_int_equal(A->e.stats.drop[NCC_DROP_RESP], 750);
	assert_int_equal(A->e.stats.drop[NCC_DROP_COOKIE], 750);
	assert_int_equal(A->e.stats.drop[NCC_DROP_UNTIED], 750);
	assert_int_equal(A->hs_in + A->data_in + A->hs_make, 0);
	assert_int_equal(nsent, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(a_starts, setup),
		cmocka_unit_test_setup(a_starts_state_first, setup),
		cmocka_unit_test_setup(a_starts_b_knows_dht, setup),
		cmocka_unit_test_setup(both_start, setup),
		cmocka_unit_test_setup(data_then_established, setup),
		cmocka_unit_test_setup(cookie_requests_time_out, setup),
		cmocka_unit_test_setup(handshake_resends_then_abort, setup),
		cmocka_unit_test_setup(hostile_handshakes_dropped, setup),
		cmocka_unit_test_setup(forged_during_keyd_known_dht, setup),
		cmocka_unit_test_setup(forged_during_keyd_unknown_dht, setup),
		cmocka_unit_test_setup(late_keyd_answer_ignored, setup),
		cmocka_unit_test_setup(keyd_answer_in_time_taken, setup),
		cmocka_unit_test_setup(replay_in_established_dropped, setup),
		cmocka_unit_test_setup(untied_data_dropped, setup),
		cmocka_unit_test_setup(dht_key_change_resets, setup),
		cmocka_unit_test_setup(established_survives_dht_pk, setup),
		cmocka_unit_test_setup(peer_restart_new_dht, setup),
		cmocka_unit_test_setup(state_none_reconnects, setup),
		cmocka_unit_test_setup(no_address_waits, setup),
		cmocka_unit_test_setup(kick_when_address_found, setup),
		cmocka_unit_test_setup(table_full_and_flood, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
