/*
 * The onion client engine against a fake network.  The fakes are honest:
 * the onion builder checks that every path node is a node of the network
 * and that the packet goes to node A; the announce "codec" lays the fields
 * out in clear but refuses a sender key that does not match its secret
 * and a response made for another key; keyd's seal and open are answered
 * by the test as keyd would.  Each fake announce node answers as D does:
 * its ping id is bound to the requester's key and to the exit node C it
 * saw, a valid ping id stores the announcer, a stored key is "found".
 * Time only moves to the deadlines the engine returns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/onion_client.h"
#include "netd/onion_client_int.h"
#include "netd/onion_data_outer.h"

#define NODES_MAX	24
#define SENT_MAX	8192
#define SEALS_MAX	4096
#define T0		1000000

struct store {
	uint8_t		used;
	uint8_t		pk[32], data_pk[32];
};

struct fnode {
	uint8_t		pk[32], sk[32];
	struct ip_port	ipp;
	int		silent;
	int		nostore;	/* answers, never stores */
	int		dead;		/* neither answers nor relays */
	struct store	st[8];
	unsigned	requests;
};

struct sent {
	struct oc_path	path;
	struct ip_port	dest, to;
	uint8_t		payload[ONION_MAX_PAYLOAD];
	size_t		len;
	int		delivered, answered;
	uint64_t	at;
};

struct seal {
	uint32_t	ctx;
	uint8_t		node_pk[32], ping_id[32], data_pk[32], sendback[8];
	int		done;
	uint64_t	at;
};

struct fopen {
	uint32_t	ctx;
	uint8_t		node_pk[32];
	uint8_t		resp[ANNOUNCE_RESP_MAX];
	size_t		len;
	int		done;
};

struct freq {		/* a friend search as the codec saw it */
	uint8_t		sender_pk[32], node_pk[32], search_pk[32];
	uint64_t	at;
	int		listed;		/* to a node in the friend's list */
	int		scheduled;	/* ...and the list full */
};

struct world {
	struct onion_client	*oc;
	uint64_t		 now;
	struct fnode		 n[NODES_MAX];
	unsigned		 nn;
	int			 give_nodes;
	int			 tcp;		/* paths start at relay 2 */
	uint8_t			 relay_pk[32];
	uint8_t			 self_pk[32], self_sk[32], dht_pk[32];
	struct sent		 sent[SENT_MAX];
	unsigned		 nsent;
	struct seal		 seals[SEALS_MAX];
	unsigned		 nseals;
	struct fopen		 opens[64];
	unsigned		 nopens;
	struct freq		 freqs[SEALS_MAX];
	unsigned		 nfreqs;
	unsigned		 bad_paths, bad_codec, bad_sends;
	unsigned		 ping_checks;
	/* data_in */
	unsigned		 data_in;
	uint8_t			 din_sender[32], din_nonce[24];
	uint8_t			 din_inner[ODO_INNER_MAX];
	size_t			 din_len;
};

static struct fnode *
node_by_ipp(struct world *w, const struct ip_port *ipp)
{
	unsigned	i;

	for (i = 0; i < w->nn; i++)
		if (ipp_equal(&w->n[i].ipp, ipp))
			return &w->n[i];
	return NULL;
}

static struct fnode *
node_by_pk(struct world *w, const uint8_t *pk)
{
	unsigned	i;

	for (i = 0; i < w->nn; i++)
		if (memcmp(w->n[i].pk, pk, 32) == 0)
			return &w->n[i];
	return NULL;
}

/* D's ping id: bound to the node, the requester's key and exit C. */
static void
ping_for(const struct fnode *d, const uint8_t *sender,
    const struct ip_port *exit_c, uint8_t out[32])
{
	crypto_generichash_state	s;

	crypto_generichash_init(&s, d->sk, 32, 32);
	crypto_generichash_update(&s, sender, 32);
	crypto_generichash_update(&s, exit_c->ip, 16);
	crypto_generichash_update(&s, (const uint8_t *)&exit_c->port, 2);
	crypto_generichash_final(&s, out, 32);
}

/* The fake "MAC" of a response: for the requester's key only. */
static void
tag_for(const uint8_t *requester_pk, const uint8_t *node_pk, uint8_t out[16])
{
	uint8_t	in[64];

	memcpy(in, requester_pk, 32);
	memcpy(in + 32, node_pk, 32);
	crypto_generichash(out, 16, in, sizeof(in), NULL, 0);
}

/* --- the ops --- */

static int
f_onion_pack(void *arg, const struct oc_path *p, const struct ip_port *dest,
    const uint8_t *payload, size_t len, uint8_t *out, size_t cap)
{
	struct world	*w = arg;
	struct sent	*s;
	struct fnode	*fn;
	unsigned	 i;

	for (i = 0; i < 3; i++)
		if (i == 0 && w->tcp) {
			if (ipp_relay_index(&p->ipp[0]) != 2 ||
			    memcmp(p->node_pk[0], w->relay_pk, 32) != 0) {
				w->bad_paths++;
				return -1;
			}
		} else if ((fn = node_by_ipp(w, &p->ipp[i])) == NULL ||
		    memcmp(fn->pk, p->node_pk[i], 32) != 0) {
			w->bad_paths++;
			return -1;
		}
	/* Layer keys are real keypairs. */
	for (i = 0; i < 2; i++) {
		uint8_t pk[32];

		crypto_scalarmult_base(pk, p->sk[i]);
		if (memcmp(pk, p->pk[i], 32) != 0) {
			w->bad_paths++;
			return -1;
		}
	}
	if (len == 0 || len > ONION_MAX_PAYLOAD || !ipp_isset(dest) ||
	    w->nsent == SENT_MAX || cap < 5) {
		w->bad_paths++;
		return -1;
	}
	s = &w->sent[w->nsent];
	memset(s, 0, sizeof(*s));
	s->path = *p;
	s->dest = *dest;
	memcpy(s->payload, payload, len);
	s->len = len;
	s->at = w->now;
	out[0] = ONION_REQ_0;
	memcpy(out + 1, &w->nsent, 4);
	w->nsent++;
	return 5;
}

static int
f_send(void *arg, const struct ip_port *to, const uint8_t *pkt, size_t len)
{
	struct world	*w = arg;
	unsigned	 idx;

	if (len != 5 || pkt[0] != ONION_REQ_0) {
		w->bad_sends++;
		return -1;
	}
	memcpy(&idx, pkt + 1, 4);
	if (idx >= w->nsent || !ipp_equal(to, &w->sent[idx].path.ipp[0])) {
		w->bad_sends++;
		return -1;
	}
	w->sent[idx].to = *to;
	w->sent[idx].delivered = 1;
	return 0;
}

/* Clear-text 0x83: kind || nonce || sender || ping || search || data ||
 * sendback || 16 zero bytes where the MAC would be. */
static void
fake_req(const uint8_t *sender, const uint8_t *ping, const uint8_t *search,
    const uint8_t *data, const uint8_t *sb, uint8_t out[ANNOUNCE_REQ_LEN])
{
	memset(out, 0, ANNOUNCE_REQ_LEN);
	out[0] = ONION_ANNOUNCE_REQ;
	memcpy(out + 25, sender, 32);
	memcpy(out + 57, ping, 32);
	memcpy(out + 89, search, 32);
	memcpy(out + 121, data, 32);
	memcpy(out + 153, sb, 8);
}

static int
f_announce_pack(void *arg, const uint8_t sender_pk[32],
    const uint8_t sender_sk[32], const uint8_t node_pk[32],
    const uint8_t ping_id[32], const uint8_t search_pk[32],
    const uint8_t data_pk[32], const uint8_t sendback[8],
    uint8_t out[ANNOUNCE_REQ_LEN])
{
	struct world	*w = arg;
	uint8_t		 pk[32];
	struct freq	*q;

	crypto_scalarmult_base(pk, sender_sk);
	if (memcmp(pk, sender_pk, 32) != 0 || w->nfreqs == SEALS_MAX) {
		w->bad_codec++;
		return -1;
	}
	q = &w->freqs[w->nfreqs++];
	memcpy(q->sender_pk, sender_pk, 32);
	memcpy(q->node_pk, node_pk, 32);
	memcpy(q->search_pk, search_pk, 32);
	q->at = w->now;
	{
		const struct oc_friend *f = &w->oc->friends[0];
		unsigned i, used = 0, listed = 0;

		for (i = 0; i < OC_FRIEND_NODES; i++) {
			used += f->list.n[i].used;
			listed |= f->list.n[i].used &&
			    memcmp(f->list.n[i].pk, node_pk, 32) == 0;
		}
		q->listed = listed;
		q->scheduled = listed && used == OC_FRIEND_NODES;
	}
	/* Gotcha 6: searches carry zero ping ids and data keys. */
	if (!sodium_is_zero(ping_id, 32) || !sodium_is_zero(data_pk, 32))
		w->bad_codec++;
	fake_req(sender_pk, ping_id, search_pk, data_pk, sendback, out);
	return 0;
}

/* Opens a fake 0x84 for the holder of sk. */
static int
fake_open(const uint8_t sk[32], const uint8_t node_pk[32],
    const uint8_t *resp, size_t len, struct oc_announce_result *res)
{
	uint8_t		pk[32], tag[16];
	struct rd	r;
	const uint8_t	*t;

	if (len < ANNOUNCE_RESP_MIN || len > ANNOUNCE_RESP_MAX)
		return -1;
	crypto_scalarmult_base(pk, sk);
	tag_for(pk, node_pk, tag);
	rd_init(&r, resp + ANNOUNCE_RESP_HDR_LEN, len - ANNOUNCE_RESP_HDR_LEN);
	t = rd_take(&r, 16);
	if (t == NULL || memcmp(t, tag, 16) != 0)
		return -1;
	memset(res, 0, sizeof(*res));
	rd_u8(&r, &res->is_stored);
	rd_bytes(&r, res->field, 32);
	while (rd_left(&r) > 0 && res->n_nodes < ANNOUNCE_RESP_NODES_MAX)
		packed_node_unpack(&r, &res->nodes[res->n_nodes++], 0);
	return rd_done(&r) ? 0 : -1;
}

static int
f_announce_open(void *arg, const uint8_t sk[32], const uint8_t node_pk[32],
    const uint8_t *resp, size_t len, struct oc_announce_result *res)
{
	return fake_open(sk, node_pk, resp, len, res);
}

static void
f_self_seal(void *arg, uint32_t ctx, const uint8_t node_pk[32],
    const uint8_t ping_id[32], const uint8_t data_pk[32],
    const uint8_t sendback[8])
{
	struct world	*w = arg;
	struct seal	*s;

	if (w->nseals == SEALS_MAX) {
		w->bad_codec++;
		return;
	}
	s = &w->seals[w->nseals++];
	s->ctx = ctx;
	memcpy(s->node_pk, node_pk, 32);
	memcpy(s->ping_id, ping_id, 32);
	memcpy(s->data_pk, data_pk, 32);
	memcpy(s->sendback, sendback, 8);
	s->done = 0;
	s->at = w->now;
}

static void
f_self_open(void *arg, uint32_t ctx, const uint8_t node_pk[32],
    const uint8_t *resp, size_t len)
{
	struct world	*w = arg;
	struct fopen	*o;

	if (w->nopens == 64 || len > sizeof(o->resp)) {
		w->bad_codec++;
		return;
	}
	o = &w->opens[w->nopens++];
	o->ctx = ctx;
	memcpy(o->node_pk, node_pk, 32);
	memcpy(o->resp, resp, len);
	o->len = len;
	o->done = 0;
}

static void
f_data_in(void *arg, const uint8_t sender_pk[32], const uint8_t nonce[24],
    const uint8_t *inner, size_t len)
{
	struct world	*w = arg;

	w->data_in++;
	memcpy(w->din_sender, sender_pk, 32);
	memcpy(w->din_nonce, nonce, 24);
	memcpy(w->din_inner, inner, len);
	w->din_len = len;
}

static int
f_tcp_entry(void *arg, struct ip_port *a, uint8_t pk[32])
{
	struct world	*w = arg;

	if (!w->tcp)
		return 0;
	ipp_relay(a, 2);
	memcpy(pk, w->relay_pk, 32);
	return 1;
}

static const struct oc_ops ops = {
	.onion_pack = f_onion_pack,
	.announce_pack = f_announce_pack,
	.announce_open = f_announce_open,
	.self_seal = f_self_seal,
	.self_open = f_self_open,
	.data_in = f_data_in,
	.send = f_send,
	.tcp_entry = f_tcp_entry,
};

/* --- the network --- */

static struct world *
world_new(unsigned nodes, int bootstrap)
{
	struct world	*w;
	unsigned	 i;
	uint8_t		 sk[32];

	assert_true(sodium_init() >= 0);
	w = calloc(1, sizeof(*w));
	assert_non_null(w);
	w->now = T0;
	crypto_box_keypair(w->self_pk, w->self_sk);
	crypto_box_keypair(w->dht_pk, sk);
	for (i = 0; i < nodes; i++) {
		struct fnode *f = &w->n[i];

		crypto_box_keypair(f->pk, f->sk);
		/* 198.51.100.0/24: not LAN, so nodes' lists are accepted. */
		f->ipp.family = IPP_V4;
		f->ipp.ip[0] = 198;
		f->ipp.ip[1] = 51;
		f->ipp.ip[2] = 100;
		f->ipp.ip[3] = (uint8_t)(i + 1);
		f->ipp.port = 33445;
	}
	w->nn = nodes;
	w->give_nodes = 1;
	w->oc = onion_client_new(&ops, w, w->self_pk, w->dht_pk, w->now);
	assert_non_null(w->oc);
	for (i = 0; i < nodes; i++)
		assert_int_equal(onion_client_add_node(w->oc, w->n[i].pk,
		    &w->n[i].ipp, bootstrap, w->now), 0);
	return w;
}

static void
world_free(struct world *w)
{
	assert_int_equal(w->bad_paths, 0);
	assert_int_equal(w->bad_sends, 0);
	assert_int_equal(w->bad_codec, 0);
	onion_client_free(w->oc);
	free(w);
}

static struct store *
store_find(struct fnode *d, const uint8_t *pk)
{
	unsigned	i;

	for (i = 0; i < 8; i++)
		if (d->st[i].used && memcmp(d->st[i].pk, pk, 32) == 0)
			return &d->st[i];
	return NULL;
}

static void
store_put(struct fnode *d, const uint8_t *pk, const uint8_t *data_pk)
{
	struct store	*s;
	unsigned	 i;

	if ((s = store_find(d, pk)) == NULL)
		for (i = 0; i < 8 && s == NULL; i++)
			if (!d->st[i].used)
				s = &d->st[i];
	assert_non_null(s);
	s->used = 1;
	memcpy(s->pk, pk, 32);
	memcpy(s->data_pk, data_pk, 32);
}

/* D's answer to sent request s, as a fake 0x84 into out. */
static size_t
answer(struct world *w, struct sent *s, uint8_t *out)
{
	struct fnode		*d = node_by_ipp(w, &s->dest);
	const uint8_t		*q = s->payload;
	uint8_t			 ping[32], st;
	const uint8_t		*field;
	struct store		*found;
	struct wr		 wr;
	unsigned		 i, k, best[4], nb = 0;

	/* The request: sender 25, ping 57, search 89, data 121, sb 153. */
	ping_for(d, q + 25, &s->path.ipp[2], ping);
	field = ping;
	st = ANNOUNCE_NOT_STORED;
	if (sodium_memcmp(q + 57, ping, 32) == 0 &&
	    memcmp(q + 89, q + 25, 32) == 0 && !d->nostore)
		store_put(d, q + 25, q + 121);
	/* Like c-toxcore: the announcer itself hears "stored" with a ping id
	 * for this path; anybody else gets the data pk. */
	if ((found = store_find(d, q + 89)) != NULL) {
		if (memcmp(q + 89, q + 25, 32) != 0) {
			st = ANNOUNCE_FOUND;
			field = found->data_pk;
		} else if (memcmp(found->data_pk, q + 121, 32) == 0)
			st = ANNOUNCE_STORED;
	}
	wr_init(&wr, out, ANNOUNCE_RESP_MAX);
	wr_u8(&wr, ONION_ANNOUNCE_RESP);
	wr_bytes(&wr, q + 153, 8);
	wr_zero(&wr, 24);
	tag_for(q + 25, d->pk, wr_reserve(&wr, 16));
	wr_u8(&wr, st);
	wr_bytes(&wr, field, 32);
	/* The nodes it knows closest to the searched key. */
	for (k = 0; w->give_nodes && k < 4; k++) {
		int b = -1;

		for (i = 0; i < w->nn; i++) {
			unsigned j, dup = 0;

			if (&w->n[i] == d)
				continue;
			for (j = 0; j < nb; j++)
				dup |= best[j] == i;
			if (dup)
				continue;
			if (b == -1 || memcmp(w->n[i].pk, w->n[b].pk, 32) == 0)
				b = (int)i;
			else {
				unsigned x;

				for (x = 0; x < 32; x++) {
					uint8_t da = w->n[i].pk[x] ^ q[89 + x];
					uint8_t db = w->n[b].pk[x] ^ q[89 + x];

					if (da != db) {
						if (da < db)
							b = (int)i;
						break;
					}
				}
			}
		}
		if (b == -1)
			break;
		best[nb++] = (unsigned)b;
	}
	for (i = 0; i < nb; i++) {
		struct packed_node pn;

		assert_int_equal(ipp_to_node(&w->n[best[i]].ipp,
		    w->n[best[i]].pk, &pn), 0);
		packed_node_pack(&wr, &pn);
	}
	assert_true(wr_ok(&wr));
	return wr_len(&wr);
}

/* keyd and the network do their part until nothing is left to do. */
/* A path through a dead node loses what it carries. */
static int
path_dead(struct world *w, const struct oc_path *p)
{
	const struct fnode	*fn;
	unsigned		 i;

	for (i = 0; i < 3; i++)
		if ((fn = node_by_ipp(w, &p->ipp[i])) != NULL && fn->dead)
			return 1;
	return 0;
}

static void
pump(struct world *w)
{
	uint8_t				 req[ANNOUNCE_REQ_LEN], resp[ANNOUNCE_RESP_MAX];
	struct oc_announce_result	 res;
	int				 progress;
	unsigned			 i;
	size_t				 len;

	do {
		progress = 0;
		for (i = 0; i < w->nseals; i++) {
			struct seal *s = &w->seals[i];

			if (s->done)
				continue;
			s->done = progress = 1;
			fake_req(w->self_pk, s->ping_id, w->self_pk, s->data_pk,
			    s->sendback, req);
			onion_client_self_sealed(w->oc, s->ctx, req, sizeof(req),
			    w->now);
		}
		for (i = 0; i < w->nopens; i++) {
			struct fopen *o = &w->opens[i];

			if (o->done)
				continue;
			o->done = progress = 1;
			onion_client_self_opened(w->oc, o->ctx,
			    fake_open(w->self_sk, o->node_pk, o->resp, o->len,
			    &res) == 0 ? &res : NULL, w->now);
		}
		w->nopens = 0;
		for (i = 0; i < w->nsent; i++) {
			struct sent *s = &w->sent[i];
			struct fnode *d;

			if (!s->delivered || s->answered)
				continue;
			s->answered = progress = 1;
			if (s->payload[0] != ONION_ANNOUNCE_REQ)
				continue;
			assert_int_equal(s->len, ANNOUNCE_REQ_LEN);
			d = node_by_ipp(w, &s->dest);
			assert_non_null(d);
			d->requests++;
			if (d->silent || d->dead || path_dead(w, &s->path))
				continue;
			len = answer(w, s, resp);
			(void)onion_client_handle(w->oc, &s->path.ipp[0], resp,
			    len, w->now);
		}
	} while (progress);
}

/* Runs the engine from deadline to deadline until end. */
static void
run_until(struct world *w, uint64_t end)
{
	uint64_t	d;
	unsigned	i;

	for (i = 0; i < 200000 && w->now < end; i++) {
		(void)onion_client_tick(w->oc, w->now);
		pump(w);
		d = onion_client_next_deadline(w->oc);
		/* Never a deadline already passed: no busy loop. */
		assert_true(d > w->now);
		w->now = d < end ? d : end;
	}
	(void)onion_client_tick(w->oc, w->now);
	pump(w);
}

static int
self_listed(const struct world *w, const uint8_t *pk, uint64_t now)
{
	unsigned	i;

	for (i = 0; i < OC_SELF_NODES; i++)
		if (w->oc->self.n[i].used &&
		    memcmp(w->oc->self.n[i].pk, pk, 32) == 0 &&
		    !(w->oc->self.n[i].unanswered >= OC_NODE_MAX_PINGS &&
		    now >= w->oc->self.n[i].last_pinged + OC_NODE_TIMEOUT_MS))
			return 1;
	return 0;
}

/* How many nodes are closer to ref than node i. */
static unsigned
rank(const struct world *w, const uint8_t *ref, unsigned i)
{
	unsigned	j, x, closer = 0;

	for (j = 0; j < w->nn; j++)
		for (x = 0; x < 32; x++) {
			uint8_t a = w->n[j].pk[x] ^ ref[x];
			uint8_t b = w->n[i].pk[x] ^ ref[x];

			if (a != b) {
				closer += a < b;
				break;
			}
		}
	return closer;
}

/* --- tests --- */

static void
oc_self_announce_reaches_announced(void **state)
{
	struct world	*w = world_new(16, 0);
	struct oc_status st;
	unsigned	 i, stored = 0;

	onion_client_status(w->oc, w->now, &st);
	assert_false(st.announced);
	run_until(w, T0 + 30000);
	onion_client_status(w->oc, w->now, &st);
	assert_true(st.announced);
	assert_int_equal(st.nodes, OC_SELF_NODES);
	assert_true(st.stored * 2 >= st.nodes);
	/* Every self-announce carries our data pk, fresh per start. */
	for (i = 0; i < w->nseals; i++)
		assert_memory_equal(w->seals[i].data_pk,
		    onion_client_data_pk(w->oc), 32);
	assert_memory_not_equal(onion_client_data_pk(w->oc), w->self_pk, 32);
	/* The nodes stored our real key with our data key. */
	for (i = 0; i < w->nn; i++) {
		struct store *s = store_find(&w->n[i], w->self_pk);

		if (s != NULL) {
			assert_memory_equal(s->data_pk,
			    onion_client_data_pk(w->oc), 32);
			stored++;
		}
	}
	assert_true(stored >= st.stored);
	/* The 4 closest to our key, which every node names, are kept. */
	for (i = 0; i < w->nn; i++)
		if (rank(w, w->self_pk, i) < 4)
			assert_true(self_listed(w, w->n[i].pk, w->now));
	world_free(w);
}

/*
 * Without UDP every path starts at the relay the glue names (a TCP
 * entry); B and C are UDP nodes; answers come back from the relay, and
 * the announce succeeds as over UDP.
 */
static void
oc_paths_through_tcp_relay(void **state)
{
	struct world	*w = world_new(16, 0);
	struct oc_status st;
	unsigned	 i;

	w->tcp = 1;
	randombytes_buf(w->relay_pk, sizeof(w->relay_pk));
	run_until(w, T0 + 30000);
	onion_client_status(w->oc, w->now, &st);
	assert_true(st.announced);
	assert_true(w->nsent > 0);
	for (i = 0; i < w->nsent; i++) {
		assert_int_equal(w->sent[i].path.ipp[0].family, IPP_RELAY);
		assert_int_equal(w->sent[i].path.ipp[1].family, IPP_V4);
		assert_int_equal(w->sent[i].path.ipp[2].family, IPP_V4);
	}
	world_free(w);
}

/*
 * Paths made over UDP before a relay came up are made again through it
 * at their next use, not after their uses time out: every request after
 * the switch goes through the relay.
 */
static void
oc_paths_move_to_relay_at_once(void **state)
{
	struct world	*w = world_new(16, 0);
	unsigned	 i, first;

	randombytes_buf(w->relay_pk, sizeof(w->relay_pk));
	run_until(w, T0 + 5000);
	assert_true(w->nsent > 0);
	assert_int_equal(w->sent[0].path.ipp[0].family, IPP_V4);
	w->tcp = 1;
	first = w->nsent;
	run_until(w, w->now + 40000);
	assert_true(w->nsent > first);
	for (i = first; i < w->nsent; i++)
		assert_int_equal(w->sent[i].path.ipp[0].family, IPP_RELAY);
	world_free(w);
}

static void
oc_ping_ids_reused_over_same_path(void **state)
{
	struct world	*w = world_new(14, 0);
	unsigned	 i, checked = 0;

	run_until(w, T0 + 200000);
	/*
	 * Every announce that carries a ping id goes out over a path whose
	 * exit is the one the ping id was issued for (D binds it to C).
	 */
	for (i = 0; i < w->nsent; i++) {
		struct sent	*s = &w->sent[i];
		struct fnode	*d;
		uint8_t		 ping[32];

		if (s->payload[0] != ONION_ANNOUNCE_REQ ||
		    memcmp(s->payload + 25, w->self_pk, 32) != 0 ||
		    sodium_is_zero(s->payload + 57, 32))
			continue;
		d = node_by_ipp(w, &s->dest);
		ping_for(d, w->self_pk, &s->path.ipp[2], ping);
		assert_memory_equal(s->payload + 57, ping, 32);
		checked++;
	}
	assert_true(checked > 50);
	world_free(w);
}

static void
oc_silent_node_times_out_and_is_replaced(void **state)
{
	struct world	*w = world_new(14, 0);
	struct oc_status st;
	struct fnode	*victim = NULL;
	struct oc_node	*vn = NULL;
	unsigned	 i, before;
	uint64_t	 silent_at;

	run_until(w, T0 + 30000);
	onion_client_status(w->oc, w->now, &st);
	assert_int_equal(st.nodes, OC_SELF_NODES);
	for (i = 0; i < OC_SELF_NODES; i++)
		if (w->oc->self.n[i].used) {
			vn = &w->oc->self.n[i];
			victim = node_by_pk(w, vn->pk);
			break;
		}
	assert_non_null(victim);
	victim->silent = 1;
	silent_at = w->now;
	before = victim->requests;
	/* Not dead after one miss, nor right after the third. */
	while (vn->unanswered < OC_NODE_MAX_PINGS && w->now < T0 + 200000)
		run_until(w, w->now + 1000);
	assert_int_equal(vn->unanswered, OC_NODE_MAX_PINGS);
	assert_memory_equal(vn->pk, victim->pk, 32);
	assert_true(self_listed(w, victim->pk, w->now));
	assert_int_equal(victim->requests - before, OC_NODE_MAX_PINGS);
	run_until(w, vn->last_pinged + OC_NODE_TIMEOUT_MS - 1);
	assert_true(self_listed(w, victim->pk, w->now));
	/* 15 s after the third miss it is gone, and no more asked. */
	run_until(w, w->now + 2);
	assert_false(self_listed(w, victim->pk, w->now));
	before = victim->requests;
	/*
	 * Someone else takes its place: repopulating, 10 minutes after the
	 * list was last full, asks 6 random nodes every 3 s until it is.
	 */
	run_until(w, silent_at + OC_POPULATE_MS + 180000);
	onion_client_status(w->oc, w->now, &st);
	assert_int_equal(st.nodes, OC_SELF_NODES);
	assert_true(st.announced);
	assert_false(self_listed(w, victim->pk, w->now) &&
	    victim->requests == before);
	world_free(w);
}

/* Gaps between announces to one node, by phase. */
static void
oc_self_schedule_follows_table(void **state)
{
	struct world	*w = world_new(12, 0);
	unsigned	 i, k, n_new = 0, n_15 = 0, n_stable = 0;
	uint64_t	 last, gap, max_stable = 0, first;

	/*
	 * Exactly 12 nodes: the list fills and repopulation stops.  Node 0
	 * never stores us: it is asked every 3 s.
	 */
	w->n[0].nostore = 1;
	run_until(w, T0 + 400000);
	for (k = 0; k < w->nn; k++) {
		int	seen = 0;

		last = first = 0;
		for (i = 0; i < w->nseals; i++) {
			struct seal *s = &w->seals[i];

			if (memcmp(s->node_pk, w->n[k].pk, 32) != 0 ||
			    sodium_is_zero(s->ping_id, 32))
				continue;
			if (!seen)
				first = s->at;
			else {
				gap = s->at - last;
				if (k == 0) {
					/* Not stored: every 3 s. */
					assert_true(gap >= OC_ANNOUNCE_NEW_MS &&
					    gap <= OC_ANNOUNCE_NEW_MS + 1000);
					n_new++;
				} else if (s->at < first +
				    OC_TIME_TO_STABLE_MS) {
					/* Stored from the first ping id on:
					 * every 15 s. */
					assert_true(gap >= OC_ANNOUNCE_MS &&
					    gap <= OC_ANNOUNCE_MS + 1000);
					n_15++;
				} else {
					/* Stable: up to 120 s, never less than
					 * 15 s (one node a 15 s keeps going). */
					assert_true(gap >= OC_ANNOUNCE_MS &&
					    gap <= OC_ANNOUNCE_STABLE_MS + 1000);
					if (gap > max_stable)
						max_stable = gap;
					n_stable++;
				}
			}
			seen = 1;
			last = s->at;
		}
	}
	assert_true(n_new > 100);
	assert_true(n_15 > 20);
	assert_true(n_stable > 10);
	assert_true(max_stable >= OC_ANNOUNCE_STABLE_MS);
	world_free(w);
}

/* Path lifetimes: 4 s new, 10 s once answered, after 4 silent uses; 20 min. */
static void
oc_path_timeouts(void **state)
{
	struct world	*w = world_new(5, 0);
	struct oc_paths	 ps;
	struct oc_path	 p;
	uint64_t	 t = w->now;
	uint32_t	 num, again;
	unsigned	 i;

	memset(&ps, 0, sizeof(ps));
	num = oc_path_get(w->oc, &ps, OC_PATH_ANY, t, &p);
	assert_int_not_equal(num, 0);
	/* Three distinct nodes when there are enough. */
	assert_memory_not_equal(p.node_pk[0], p.node_pk[1], 32);
	assert_memory_not_equal(p.node_pk[1], p.node_pk[2], 32);
	assert_memory_not_equal(p.node_pk[0], p.node_pk[2], 32);
	assert_memory_not_equal(p.pk[0], p.pk[1], 32);
	for (i = 0; i < 3; i++)
		assert_int_equal(oc_path_get(w->oc, &ps, num, t, &p), num);
	/* 4 uses, no answer: dead 4 s after the last. */
	assert_true(oc_path_exists(&ps, num, t + OC_PATH_NEW_TIMEOUT_MS - 1));
	assert_false(oc_path_exists(&ps, num, t + OC_PATH_NEW_TIMEOUT_MS));
	again = oc_path_get(w->oc, &ps, num, t + OC_PATH_NEW_TIMEOUT_MS, &p);
	assert_int_not_equal(again, 0);
	assert_int_not_equal(again, num);
	assert_int_equal(again % OC_PATHS, num % OC_PATHS);
	/* The old number no longer confirms anything. */
	assert_int_equal(oc_path_success(&ps, num, t), 0);
	num = again;
	t += OC_PATH_NEW_TIMEOUT_MS;
	/* Answered once: 10 s after 4 silent uses. */
	t += 1000;
	assert_int_equal(oc_path_success(&ps, num, t), num);
	for (i = 0; i < 4; i++)
		assert_int_equal(oc_path_get(w->oc, &ps, num, t, &p), num);
	assert_true(oc_path_exists(&ps, num, t + OC_PATH_TIMEOUT_MS - 1));
	assert_false(oc_path_exists(&ps, num, t + OC_PATH_TIMEOUT_MS));
	/* Answered always: still dead at 20 minutes. */
	while (t + 1000 < ps.s[num % OC_PATHS].created + OC_PATH_LIFE_MS) {
		t += 1000;
		assert_int_equal(oc_path_success(&ps, num, t), num);
		assert_int_equal(oc_path_get(w->oc, &ps, num, t, &p), num);
	}
	assert_true(oc_path_exists(&ps, num, t));
	assert_false(oc_path_exists(&ps, num,
	    ps.s[num % OC_PATHS].created + OC_PATH_LIFE_MS));
	world_free(w);
}

static void
oc_friend_found_and_data_sent(void **state)
{
	struct world	*w = world_new(16, 0);
	uint8_t		 fpk[32], fsk[32], fdpk[32], fdsk[32], got[32];
	uint8_t		 nonce[24], inner[100], resp[2048];
	uint8_t		 sender[32], n2[24], in2[ODO_INNER_MAX];
	unsigned	 i, holders = 0, first, data_sent = 0;
	size_t		 ilen;
	int		 r;

	crypto_box_keypair(fpk, fsk);
	crypto_box_keypair(fdpk, fdsk);
	/* The friend announced itself at the three nodes closest to it. */
	for (i = 0; i < w->nn; i++)
		if (rank(w, fpk, i) < 3)
			store_put(&w->n[i], fpk, fdpk);
	assert_int_equal(onion_client_friend_add(w->oc, fpk), 0);
	randombytes_buf(nonce, sizeof(nonce));
	randombytes_buf(inner, sizeof(inner));
	assert_int_equal(onion_client_send_data(w->oc, fpk, nonce, inner,
	    sizeof(inner), w->now), -1);
	run_until(w, T0 + 60000);
	assert_int_equal(onion_client_friend_data_pk(w->oc, fpk, got), 1);
	assert_memory_equal(got, fdpk, 32);
	/* Searches: one temporary key, never ours, for the friend's key. */
	assert_true(w->nfreqs > 0);
	for (i = 0; i < w->nfreqs; i++) {
		assert_memory_equal(w->freqs[i].search_pk, fpk, 32);
		assert_memory_equal(w->freqs[i].sender_pk, w->freqs[0].sender_pk,
		    32);
		assert_memory_not_equal(w->freqs[i].sender_pk, w->self_pk, 32);
	}
	for (i = 0; i < OC_FRIEND_NODES; i++)
		if (w->oc->friends[0].list.n[i].used &&
		    w->oc->friends[0].list.n[i].stored) {
			assert_non_null(store_find(node_by_pk(w,
			    w->oc->friends[0].list.n[i].pk), fpk));
			holders++;
		}
	assert_true(holders >= 1);
	first = w->nsent;
	r = onion_client_send_data(w->oc, fpk, nonce, inner, sizeof(inner),
	    w->now);
	assert_int_equal(r, (int)holders);
	for (i = first; i < w->nsent; i++) {
		struct sent *s = &w->sent[i];
		size_t len;

		assert_int_equal(s->payload[0], ONION_DATA_REQ);
		assert_true(s->delivered);
		/* To a node that holds the friend's announcement. */
		assert_non_null(store_find(node_by_ipp(w, &s->dest), fpk));
		assert_memory_equal(s->payload + 1, fpk, 32);
		/* D forwards it; the friend opens it. */
		resp[0] = ONION_DATA_RESP;
		memcpy(resp + 1, s->payload + 33, s->len - 33);
		len = s->len - 32;
		assert_int_equal(odo_open(fdsk, resp, len, sender, n2, in2,
		    sizeof(in2), &ilen), 0);
		assert_memory_equal(sender, w->self_pk, 32);
		assert_memory_equal(n2, nonce, 24);
		assert_int_equal(ilen, sizeof(inner));
		assert_memory_equal(in2, inner, sizeof(inner));
		data_sent++;
	}
	assert_int_equal(data_sent, holders);
	/* Too short or too long an inner box is refused. */
	assert_int_equal(onion_client_send_data(w->oc, fpk, nonce, inner,
	    ODO_INNER_MIN - 1, w->now), -1);
	/* An online friend is not searched. */
	assert_int_equal(onion_client_friend_set_online(w->oc, fpk, 1), 0);
	first = w->nfreqs;
	run_until(w, w->now + 100000);
	assert_int_equal(w->nfreqs, first);
	assert_int_equal(onion_client_friend_del(w->oc, fpk), 0);
	assert_int_equal(onion_client_friend_data_pk(w->oc, fpk, got), 0);
	assert_int_equal(onion_client_friend_del(w->oc, fpk), -1);
	world_free(w);
}

static void
oc_friend_search_backs_off(void **state)
{
	struct world	*w = world_new(16, 0);
	uint8_t		 fpk[32], fsk[32];
	unsigned	 i, k, early = 0;
	uint64_t	 gap, max_gap = 0, last;

	crypto_box_keypair(fpk, fsk);
	assert_int_equal(onion_client_friend_add(w->oc, fpk), 0);
	run_until(w, T0 + 2500000);
	assert_true(w->oc->friends[0].run_count >= 12);
	for (k = 0; k < w->nn; k++) {
		uint64_t last_listed = 0;

		last = 0;
		for (i = 0; i < w->nfreqs; i++) {
			if (memcmp(w->freqs[i].node_pk, w->n[k].pk, 32) != 0 ||
			    !w->freqs[i].listed)
				continue;
			/* Re-asks of a listed node, 3 s apart at first. */
			if (last_listed != 0) {
				gap = w->freqs[i].at - last_listed;
				if (gap >= OC_FRIEND_NEW_S * 1000 &&
				    gap <= OC_FRIEND_NEW_S * 1000 + 1000)
					early++;
			}
			last_listed = w->freqs[i].at;
			/* Repopulating may pick any node: not a re-ask. */
			if (!w->freqs[i].scheduled)
				continue;
			if (last != 0) {
				gap = w->freqs[i].at - last;
				/* Never faster than 3 s... */
				assert_true(gap >= OC_FRIEND_NEW_S * 1000);
				if (gap > max_gap)
					max_gap = gap;
			}
			last = w->freqs[i].at;
		}
	}
	/* ...3 s at first, then exponentially longer, capped at an hour. */
	assert_true(early > 0);
	assert_true(max_gap >= 256000);
	assert_true(max_gap <= OC_FRIEND_MAX_S * 1000 + 1000);
	/* Nobody announced the friend: nothing found, nothing to send. */
	assert_int_equal(onion_client_friend_data_pk(w->oc, fpk, fsk), 0);
	world_free(w);
}

/* The whole engine but its counters, to compare before and after. */
static void
snapshot(const struct onion_client *oc, struct onion_client *out)
{
	memcpy(out, oc, sizeof(*out));
	memset(&out->stats, 0, sizeof(out->stats));
	out->now = 0;
}

static void
oc_hostile_responses_change_nothing(void **state)
{
	struct world		*w = world_new(14, 0);
	struct onion_client	*a, *b;
	uint8_t			 resp[ANNOUNCE_RESP_MAX + 64], big[1400];
	struct ip_port		 from;
	unsigned		 i, idx;
	size_t			 len;

	a = malloc(sizeof(*a));
	b = malloc(sizeof(*b));
	assert_non_null(a);
	assert_non_null(b);
	run_until(w, T0 + 30000);
	/* One request that we hold back, answered by hand below. */
	w->now = onion_client_next_deadline(w->oc);
	(void)onion_client_tick(w->oc, w->now);
	for (i = 0; i < w->nseals; i++)
		if (!w->seals[i].done) {
			uint8_t req[ANNOUNCE_REQ_LEN];

			w->seals[i].done = 1;
			fake_req(w->self_pk, w->seals[i].ping_id, w->self_pk,
			    w->seals[i].data_pk, w->seals[i].sendback, req);
			onion_client_self_sealed(w->oc, w->seals[i].ctx, req,
			    sizeof(req), w->now);
		}
	for (idx = w->nsent; idx > 0; idx--)
		if (w->sent[idx - 1].delivered && !w->sent[idx - 1].answered)
			break;
	assert_true(idx > 0);
	idx--;
	w->sent[idx].answered = 1;
	len = answer(w, &w->sent[idx], resp);
	from = w->sent[idx].path.ipp[0];

	snapshot(w->oc, a);
	/* A sendback nobody issued. */
	resp[1] ^= 0xff;
	assert_int_equal(onion_client_handle(w->oc, &from, resp, len, w->now),
	    -1);
	resp[1] ^= 0xff;
	/* Wrong sizes. */
	assert_int_equal(onion_client_handle(w->oc, &from, resp,
	    ANNOUNCE_RESP_MIN - 1, w->now), -1);
	memset(resp + len, 0, sizeof(resp) - len);
	assert_int_equal(onion_client_handle(w->oc, &from, resp,
	    ANNOUNCE_RESP_MAX + 1, w->now), -1);
	memset(big, 0, sizeof(big));
	big[0] = ONION_DATA_RESP;
	assert_int_equal(onion_client_handle(w->oc, &from, big, sizeof(big),
	    w->now), -1);
	assert_int_equal(onion_client_handle(w->oc, &from, big, 60, w->now),
	    -1);
	/* Not ours at all. */
	big[0] = 0x02;
	assert_int_equal(onion_client_handle(w->oc, &from, big, 100, w->now),
	    1);
	assert_int_equal(onion_client_handle(w->oc, &from, big, 0, w->now), 1);
	/* The right sendback from the wrong address. */
	from.port++;
	assert_int_equal(onion_client_handle(w->oc, &from, resp, len, w->now),
	    -1);
	from.port--;
	/* keyd answering a context nobody gave it. */
	onion_client_self_sealed(w->oc, 0xdeadbe00, resp, ANNOUNCE_REQ_LEN,
	    w->now);
	onion_client_self_opened(w->oc, 0x12345601, NULL, w->now);
	snapshot(w->oc, b);
	assert_memory_equal(a, b, sizeof(*a));
	assert_int_equal(w->data_in, 0);
	assert_int_equal(w->oc->stats.dropped, 6);

	/* After 10 s the sendback is stale: dropped, and forgotten. */
	w->now += OC_SENDBACK_LIFE_MS;
	assert_int_equal(onion_client_handle(w->oc, &from, resp, len, w->now),
	    -1);
	assert_int_equal(w->oc->stats.stale, 1);
	assert_int_equal(w->nopens, 0);
	w->now -= OC_SENDBACK_LIFE_MS;
	assert_int_equal(onion_client_handle(w->oc, &from, resp, len, w->now),
	    -1);
	assert_int_equal(w->nopens, 0);
	free(a);
	free(b);
	world_free(w);
}

static void
oc_answer_taken_once(void **state)
{
	struct world	*w = world_new(3, 1);
	uint8_t		 resp[ANNOUNCE_RESP_MAX];
	unsigned	 i, idx = 0, found = 0;
	size_t		 len;

	/* A 3-node network from bootstrap nodes only. */
	(void)onion_client_tick(w->oc, w->now);
	for (i = 0; i < w->nseals; i++) {
		uint8_t req[ANNOUNCE_REQ_LEN];

		w->seals[i].done = 1;
		fake_req(w->self_pk, w->seals[i].ping_id, w->self_pk,
		    w->seals[i].data_pk, w->seals[i].sendback, req);
		onion_client_self_sealed(w->oc, w->seals[i].ctx, req,
		    sizeof(req), w->now);
	}
	for (i = 0; i < w->nsent; i++)
		if (w->sent[i].delivered) {
			idx = i;
			found = 1;
			break;
		}
	assert_true(found);
	w->sent[idx].answered = 1;
	len = answer(w, &w->sent[idx], resp);
	assert_int_equal(onion_client_handle(w->oc, &w->sent[idx].path.ipp[0],
	    resp, len, w->now), 0);
	assert_int_equal(w->nopens, 1);
	/* keyd cannot open it (a forgery): the entry waits for the real one. */
	onion_client_self_opened(w->oc, w->opens[0].ctx, NULL, w->now);
	assert_int_equal(onion_client_handle(w->oc, &w->sent[idx].path.ipp[0],
	    resp, len, w->now), 0);
	assert_int_equal(w->nopens, 2);
	{
		struct oc_announce_result res;

		assert_int_equal(fake_open(w->self_sk, w->opens[1].node_pk,
		    w->opens[1].resp, w->opens[1].len, &res), 0);
		onion_client_self_opened(w->oc, w->opens[1].ctx, &res, w->now);
	}
	/* Taken: a replay finds nothing. */
	assert_int_equal(onion_client_handle(w->oc, &w->sent[idx].path.ipp[0],
	    resp, len, w->now), -1);
	assert_int_equal(w->oc->self.n[0].used + w->oc->self.n[1].used +
	    w->oc->self.n[2].used, 1);
	world_free(w);
}

static void
oc_one_node_network(void **state)
{
	struct world	*w = world_new(1, 1);
	struct oc_status st;
	unsigned	 i;

	run_until(w, T0 + 20000);
	onion_client_status(w->oc, w->now, &st);
	assert_int_equal(st.nodes, 1);
	assert_int_equal(st.stored, 1);
	assert_true(st.announced);
	/* The same node thrice on every path. */
	for (i = 0; i < w->nsent; i++) {
		assert_true(ipp_equal(&w->sent[i].path.ipp[0], &w->n[0].ipp));
		assert_true(ipp_equal(&w->sent[i].path.ipp[2], &w->n[0].ipp));
	}
	world_free(w);
}

/*
 * A small network where most path nodes died: the pool still names them
 * (a ring forgets nothing), but they are not vouched for any more, so two
 * live nodes that store us are enough to be announced.  With c-toxcore's
 * rule, counting every pool node, this was never so: the stall seen in
 * the interop tests, where earlier worlds' peers had died.
 */
static void
oc_dead_path_nodes_stop_counting(void **state)
{
	struct world	*w = world_new(8, 0);
	struct oc_status st;
	uint64_t	 end = T0 + OC_POOL_FRESH_MS + 60000;
	unsigned	 i;

	for (i = 2; i < w->nn; i++)
		w->n[i].dead = 1;
	run_until(w, T0 + 20000);
	onion_client_status(w->oc, w->now, &st);
	assert_int_equal(st.paths, 8);
	assert_false(st.announced);
	while (w->now < end && !st.announced) {
		/* the DHT hears from the live ones, as netd's feed says */
		onion_client_node_alive(w->oc, w->n[0].pk, w->now);
		onion_client_node_alive(w->oc, w->n[1].pk, w->now);
		run_until(w, w->now + 2000);
		onion_client_status(w->oc, w->now, &st);
	}
	assert_true(st.announced);
	/* Not before the dead ones went stale. */
	assert_true(w->now >= T0 + OC_POOL_FRESH_MS);
	/* Soon both live nodes hold us. */
	for (i = 0; i < 15; i++) {
		onion_client_node_alive(w->oc, w->n[0].pk, w->now);
		onion_client_node_alive(w->oc, w->n[1].pk, w->now);
		run_until(w, w->now + 2000);
	}
	onion_client_status(w->oc, w->now, &st);
	assert_true(st.announced);
	assert_int_equal(st.nodes, 2);
	assert_int_equal(st.stored, 2);
	assert_int_equal(st.paths_live, 2);
	/* A node vouched for again counts again. */
	onion_client_node_alive(w->oc, w->n[5].pk, w->now);
	onion_client_status(w->oc, w->now, &st);
	assert_int_equal(st.paths_live, 3);
	world_free(w);
}

static void
oc_data_in(void **state)
{
	struct world	*w = world_new(1, 1);
	uint8_t		 fpk[32], fsk[32], nonce[24], inner[64], pkt[2048];
	int		 n;

	crypto_box_keypair(fpk, fsk);
	randombytes_buf(nonce, sizeof(nonce));
	randombytes_buf(inner, sizeof(inner));
	n = odo_pack(w->self_pk, onion_client_data_pk(w->oc), nonce, fpk,
	    inner, sizeof(inner), pkt, sizeof(pkt));
	assert_true(n > 0);
	/* D's 0x86: the request without its kind and dest pk. */
	pkt[32] = ONION_DATA_RESP;
	assert_int_equal(onion_client_handle(w->oc, &w->n[0].ipp, pkt + 32,
	    (size_t)n - 32, w->now), 0);
	assert_int_equal(w->data_in, 1);
	assert_memory_equal(w->din_sender, fpk, 32);
	assert_memory_equal(w->din_nonce, nonce, 24);
	assert_int_equal(w->din_len, sizeof(inner));
	assert_memory_equal(w->din_inner, inner, sizeof(inner));
	/* Sealed to another data key: dropped. */
	n = odo_pack(w->self_pk, fpk, nonce, fpk, inner, sizeof(inner), pkt,
	    sizeof(pkt));
	pkt[32] = ONION_DATA_RESP;
	assert_int_equal(onion_client_handle(w->oc, &w->n[0].ipp, pkt + 32,
	    (size_t)n - 32, w->now), -1);
	assert_int_equal(w->data_in, 1);
	world_free(w);
}

static void
oc_memory_fixed(void **state)
{
	struct world	*w = world_new(0, 0);
	struct ip_port	 ipp;
	uint8_t		 pk[32], sk[32], first[32], last[32];
	unsigned	 i;

	memset(&ipp, 0, sizeof(ipp));
	ipp.family = IPP_V4;
	ipp.ip[0] = 203;
	ipp.port = 1;
	for (i = 0; i < 100; i++) {
		crypto_box_keypair(pk, sk);
		ipp.ip[3] = (uint8_t)i;
		assert_int_equal(onion_client_add_node(w->oc, pk, &ipp, 0,
		    w->now), 0);
		if (i == 0)
			memcpy(first, pk, 32);
		memcpy(last, pk, 32);
	}
	assert_int_equal(w->oc->pool.count, OC_POOL_MAX);
	/* The oldest went, the newest stayed; the same key twice is one. */
	for (i = 0; i < OC_POOL_MAX; i++)
		assert_memory_not_equal(w->oc->pool.n[i].pk, first, 32);
	assert_int_equal(onion_client_add_node(w->oc, last, &ipp, 0, w->now),
	    0);
	assert_int_equal(w->oc->pool.count, OC_POOL_MAX);
	/* Our own keys and unset addresses are refused. */
	assert_int_equal(onion_client_add_node(w->oc, w->self_pk, &ipp, 0,
	    w->now), -1);
	assert_int_equal(onion_client_add_node(w->oc, w->dht_pk, &ipp, 0,
	    w->now), -1);
	memset(&ipp, 0, sizeof(ipp));
	assert_int_equal(onion_client_add_node(w->oc, pk, &ipp, 1, w->now), -1);
	/* Friends: a fixed table. */
	for (i = 0; i < OC_FRIENDS_MAX; i++) {
		crypto_box_keypair(pk, sk);
		assert_int_equal(onion_client_friend_add(w->oc, pk), 0);
	}
	crypto_box_keypair(pk, sk);
	assert_int_equal(onion_client_friend_add(w->oc, pk), -1);
	/* Nothing to do without answers: no deadline sooner than a run. */
	assert_true(onion_client_tick(w->oc, w->now) >= w->now + OC_RUN_MS);
	world_free(w);
}

static void
oc_pending_table_evicts(void **state)
{
	struct world	*w = world_new(4, 0);
	uint8_t		 resp[ANNOUNCE_RESP_MAX];
	unsigned	 i, in_use;
	size_t		 len;

	/* More requests at once than the table holds: the oldest go. */
	for (i = 0; i < OC_PENDING + 20; i++)
		assert_int_equal(oc_announce_self(w->oc, w->n[i % 4].pk,
		    &w->n[i % 4].ipp, NULL, OC_PATH_ANY, w->now), 0);
	for (i = 0; i < w->nn; i++)
		w->n[i].silent = 1;
	pump(w);
	assert_int_equal(w->nsent, OC_PENDING);
	in_use = 0;
	for (i = 0; i < OC_PENDING; i++)
		in_use += w->oc->pend[i].state == OCP_SENT;
	assert_int_equal(in_use, OC_PENDING);
	/* The 20 evicted were never sealed into packets; the rest were. */
	for (i = 0; i < 20; i++)
		assert_true(w->seals[i].done);
	/* The newest is answered; the oldest still held too. */
	w->n[0].silent = 0;
	len = answer(w, &w->sent[w->nsent - 1], resp);
	assert_int_equal(onion_client_handle(w->oc,
	    &w->sent[w->nsent - 1].path.ipp[0], resp, len, w->now), 0);
	len = answer(w, &w->sent[0], resp);
	assert_int_equal(onion_client_handle(w->oc, &w->sent[0].path.ipp[0],
	    resp, len, w->now), 0);
	assert_int_equal(w->nopens, 2);
	world_free(w);
}

static void
oc_offline_after_75s_of_silence(void **state)
{
	struct world	*w = world_new(14, 0);
	struct oc_status st;
	uint64_t	 last;
	unsigned	 i;

	run_until(w, T0 + 30000);
	onion_client_status(w->oc, w->now, &st);
	assert_true(st.announced);
	for (i = 0; i < w->nn; i++)
		w->n[i].silent = 1;
	last = w->oc->last_recv;
	/* A missed answer or two changes nothing... */
	run_until(w, last + 20000);
	onion_client_status(w->oc, w->now, &st);
	assert_true(st.announced);
	/* ...75 s without any answer is offline (the nodes died before). */
	run_until(w, last + OC_OFFLINE_MS);
	onion_client_status(w->oc, w->now, &st);
	assert_false(st.announced);
	assert_int_equal(st.nodes, 0);
	/* Back: announced again. */
	for (i = 0; i < w->nn; i++)
		w->n[i].silent = 0;
	run_until(w, w->now + 30000);
	onion_client_status(w->oc, w->now, &st);
	assert_true(st.announced);
	world_free(w);
}

static void
oc_friend_offline_searches_eagerly_again(void **state)
{
	struct world	*w = world_new(16, 0);
	uint8_t		 fpk[32], fsk[32];
	unsigned	 before;

	crypto_box_keypair(fpk, fsk);
	assert_int_equal(onion_client_friend_add(w->oc, fpk), 0);
	run_until(w, T0 + 300000);
	assert_true(w->oc->friends[0].run_count > OC_FRIEND_NEW_RUNS);
	assert_int_equal(onion_client_friend_set_online(w->oc, fpk, 1), 0);
	assert_int_equal(onion_client_friend_set_online(w->oc, fpk, 0), 0);
	assert_int_equal(w->oc->friends[0].run_count, 0);
	/* 3 s rounds again: several asks in the next 10 s. */
	before = w->nfreqs;
	run_until(w, w->now + 10000);
	assert_true(w->nfreqs - before >= OC_FRIEND_NODES);
	assert_int_equal(onion_client_friend_set_online(w->oc, fsk, 1), -1);
	world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(oc_self_announce_reaches_announced),
		cmocka_unit_test(oc_paths_through_tcp_relay),
		cmocka_unit_test(oc_paths_move_to_relay_at_once),
		cmocka_unit_test(oc_ping_ids_reused_over_same_path),
		cmocka_unit_test(oc_silent_node_times_out_and_is_replaced),
		cmocka_unit_test(oc_self_schedule_follows_table),
		cmocka_unit_test(oc_path_timeouts),
		cmocka_unit_test(oc_friend_found_and_data_sent),
		cmocka_unit_test(oc_friend_search_backs_off),
		cmocka_unit_test(oc_hostile_responses_change_nothing),
		cmocka_unit_test(oc_answer_taken_once),
		cmocka_unit_test(oc_one_node_network),
		cmocka_unit_test(oc_dead_path_nodes_stop_counting),
		cmocka_unit_test(oc_data_in),
		cmocka_unit_test(oc_memory_fixed),
		cmocka_unit_test(oc_pending_table_evicts),
		cmocka_unit_test(oc_offline_after_75s_of_silence),
		cmocka_unit_test(oc_friend_offline_searches_eagerly_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
