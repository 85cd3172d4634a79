/*
 * DHT engine: creation, the API, sending and the packet handlers.  See
 * dht.h; list rules in dht_lists.c, timers in dht_timer.c, NAT in dht_nat.c.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "netd/dht_int.h"

struct dht *
dht_new(dht_send_fn *send, void *arg, uint64_t now)
{
	struct dht	*d;
	uint8_t		 pk[DHT_PK_LEN], sk[DHT_SK_LEN];
	size_t		 i;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	dht_keys_init(&d->keys);
	d->send = send;
	d->send_arg = arg;
	d->now = now;
	d->punch_ok = 1;
	/*
	 * Two random keys nobody owns, searched like friends: their lists
	 * spread our view over the key space and feed onion paths without
	 * telling anyone who our friends are.
	 */
	for (i = 0; i < DHT_FAKE_SEARCHES; i++) {
		crypto_box_keypair(pk, sk);
		sodium_memzero(sk, sizeof(sk));
		(void)dht_search_add(d, pk);
		d->search[i].fake = 1;
	}
	return d;
}

int
dht_set_keys(struct dht *d, const uint8_t pk[DHT_PK_LEN],
    const uint8_t sk[DHT_SK_LEN], uint64_t now)
{
	struct dht_client	*old;
	uint8_t			 check[DHT_PK_LEN];
	size_t			 i;

	if (crypto_scalarmult_base(check, sk) != 0 ||
	    memcmp(check, pk, DHT_PK_LEN) != 0)
		return -1;
	if (memcmp(pk, d->keys.pk, DHT_PK_LEN) == 0)
		return 0;
	if ((old = malloc(sizeof(d->close))) == NULL)
		return -1;
	memcpy(old, d->close, sizeof(d->close));
	memset(d->close, 0, sizeof(d->close));
	memset(d->pend, 0, sizeof(d->pend));
	dht_keys_wipe(&d->keys);
	dht_keys_init_with(&d->keys, pk, sk);
	for (i = 0; i < DHT_CLOSE_LEN; i++) {
		if (ipp_isset(&old[i].a4.ipp))
			(void)dht_ask_nodes(d, &old[i].a4.ipp, old[i].pk, now);
		if (ipp_isset(&old[i].a6.ipp))
			(void)dht_ask_nodes(d, &old[i].a6.ipp, old[i].pk, now);
	}
	free(old);
	return 0;
}

void
dht_free(struct dht *d)
{
	if (d == NULL)
		return;
	sodium_memzero(d, sizeof(*d));
	free(d);
}

const uint8_t *
dht_self_pk(const struct dht *d)
{
	return d->keys.pk;
}

void
dht_set_punching(struct dht *d, int on)
{
	d->punch_ok = on != 0;
}

int
dht_send_raw(struct dht *d, const struct ip_port *to, const uint8_t *pkt,
    size_t len)
{
	int	rv;

	rv = d->send(d->send_arg, to, pkt, len);
	if (rv < 0)
		d->stats.tx_fail++;
	else
		d->stats.tx++;
	return rv;
}

/*
 * A ping id names one outstanding request: six random bytes and the slot
 * number.  Only we read it back; peers echo it as opaque bytes.
 */
static void
pend_add(struct dht *d, uint8_t kind, const uint8_t *pk,
    const struct ip_port *ipp, uint8_t id[8])
{
	struct dht_pending	*e;
	uint32_t		 slot;

	slot = d->pend_next++ % DHT_PENDING_MAX;
	e = &d->pend[slot];
	randombytes_buf(e->id, 6);
	e->id[6] = (uint8_t)(slot >> 8);
	e->id[7] = (uint8_t)slot;
	e->kind = kind;
	memcpy(e->pk, pk, DHT_PK_LEN);
	e->ipp = *ipp;
	e->sent = DHT_STAMP(d->now);
	memcpy(id, e->id, 8);
}

/* The answer must come from the key and the exact address we asked. */
static int
pend_take(struct dht *d, uint8_t kind, const uint8_t *pk,
    const struct ip_port *from, const uint8_t id[8])
{
	struct dht_pending	*e;
	uint32_t		 slot;

	slot = (uint32_t)id[6] << 8 | id[7];
	if (slot >= DHT_PENDING_MAX)
		return -1;
	e = &d->pend[slot];
	if (e->sent == 0 || e->kind != kind ||
	    d->now >= e->sent + DHT_PING_TIMEOUT_MS ||
	    sodium_memcmp(e->id, id, 8) != 0 ||
	    memcmp(e->pk, pk, DHT_PK_LEN) != 0 || !ipp_equal(&e->ipp, from))
		return -1;
	memset(e, 0, sizeof(*e));	/* one answer per request */
	return 0;
}

void
dht_send_getnodes(struct dht *d, const struct ip_port *to, const uint8_t *pk,
    const uint8_t *search_pk)
{
	struct dht_nodes_req	q;
	uint8_t			pkt[DHT_NODES_REQ_LEN];
	int			n;

	if (memcmp(pk, d->keys.pk, DHT_PK_LEN) == 0 || !ipp_isset(to))
		return;
	memcpy(q.search_pk, search_pk, DHT_PK_LEN);
	pend_add(d, DHT_PEND_NODES, pk, to, q.ping_id);
	if ((n = dhtp_nodes_req_pack(&d->keys, pk, &q, pkt, sizeof(pkt))) > 0)
		(void)dht_send_raw(d, to, pkt, (size_t)n);
}

void
dht_send_ping(struct dht *d, const struct ip_port *to, const uint8_t *pk)
{
	struct dht_ping	p;
	uint8_t		pkt[DHT_PING_LEN];
	int		n;

	if (memcmp(pk, d->keys.pk, DHT_PK_LEN) == 0 || !ipp_isset(to))
		return;
	p.response = 0;
	pend_add(d, DHT_PEND_PING, pk, to, p.ping_id);
	if ((n = dhtp_ping_pack(&d->keys, pk, &p, pkt, sizeof(pkt))) > 0)
		(void)dht_send_raw(d, to, pkt, (size_t)n);
}

static int
on_ping(struct dht *d, const struct ip_port *from, const uint8_t *pkt,
    size_t len)
{
	struct dht_ping	p;
	uint8_t		pk[DHT_PK_LEN], out[DHT_PING_LEN];
	int		n;

	if (dhtp_ping_parse(&d->keys, pkt, len, pk, &p) == -1) {
		d->stats.malformed++;
		return -1;
	}
	if (p.response) {
		if (pend_take(d, DHT_PEND_PING, pk, from, p.ping_id) == -1) {
			d->stats.unexpected++;
			return -1;
		}
		dht_addto_lists(d, from, pk);
		return 0;
	}
	p.response = 1;		/* echo the id, byte for byte */
	if ((n = dhtp_ping_pack(&d->keys, pk, &p, out, sizeof(out))) > 0)
		(void)dht_send_raw(d, from, out, (size_t)n);
	dht_ping_add(d, pk, from);
	return 0;
}

static int
on_nodes_req(struct dht *d, const struct ip_port *from, const uint8_t *pkt,
    size_t len)
{
	struct dht_nodes_req	q;
	struct dht_nodes_resp	s;
	struct dht_node		near[DHT_MAX_SENT_NODES];
	uint8_t			pk[DHT_PK_LEN], out[DHT_NODES_RESP_MAX];
	unsigned		i, n;
	int			len_out;

	if (dhtp_nodes_req_parse(&d->keys, pkt, len, pk, &q) == -1) {
		d->stats.malformed++;
		return -1;
	}
	/*
	 * With nothing to tell we stay silent: c-toxcore drops a 0-node
	 * response anyway.  We ping the asker instead, which lists it.
	 */
	if (memcmp(q.search_pk, d->keys.pk, DHT_PK_LEN) == 0 &&
	    memcmp(pk, d->keys.pk, DHT_PK_LEN) != 0) {
		/* only a peer that learned our DHT key asks for it */
		d->stats.self_searched++;
		if (d->searched_fn != NULL)
			d->searched_fn(d->hook_arg, pk);
	}
	n = dht_close_nodes(d, q.search_pk, ipp_is_lan(from), near);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < n; i++)
		if (ipp_to_node(&near[i].ipp, near[i].pk, &s.nodes[s.n]) == 0)
			s.n++;
	if (s.n > 0) {
		memcpy(s.ping_id, q.ping_id, sizeof(s.ping_id));
		len_out = dhtp_nodes_resp_pack(&d->keys, pk, &s, out,
		    sizeof(out));
		if (len_out > 0)
			(void)dht_send_raw(d, from, out, (size_t)len_out);
	}
	dht_ping_add(d, pk, from);
	return 0;
}

static int
on_nodes_resp(struct dht *d, const struct ip_port *from, const uint8_t *pkt,
    size_t len)
{
	struct dht_nodes_resp	s;
	struct ip_port		ipp;
	uint8_t			pk[DHT_PK_LEN];
	unsigned		i;

	if (dhtp_nodes_resp_parse(&d->keys, pkt, len, pk, &s) == -1) {
		d->stats.malformed++;
		return -1;
	}
	if (pend_take(d, DHT_PEND_NODES, pk, from, s.ping_id) == -1) {
		d->stats.unexpected++;
		return -1;
	}
	dht_addto_lists(d, from, pk);
	for (i = 0; i < s.n; i++) {
		if (ipp_from_node(&s.nodes[i], &ipp) == -1)
			continue;
		ipp_normalize(&ipp);
		if (!ipp_isset(&ipp))
			continue;
		dht_learned_node(d, &ipp, s.nodes[i].pk);
		dht_returned_ip(d, &ipp, s.nodes[i].pk, pk);
	}
	return 0;
}

/* Forwards a DHT request to the close-list node it names, unchanged. */
static int
route(struct dht *d, const uint8_t *to_pk, const uint8_t *pkt, size_t len)
{
	struct dht_client	*c;
	const struct dht_assoc	*a;

	if ((c = dht_close_find(d, to_pk)) == NULL) {
		d->stats.unexpected++;
		return -1;
	}
	a = dht_assoc_good(d, &c->a6) ? &c->a6 :
	    dht_assoc_good(d, &c->a4) ? &c->a4 :
	    ipp_isset(&c->a6.ipp) ? &c->a6 : &c->a4;
	if (!ipp_isset(&a->ipp) || dht_send_raw(d, &a->ipp, pkt, len) < 0)
		return -1;
	d->stats.routed++;
	return 0;
}

static int
on_request(struct dht *d, const struct ip_port *from, const uint8_t *pkt,
    size_t len)
{
	struct dht_request	*q;
	uint8_t			 to[DHT_PK_LEN];
	int			 rv = 0;

	if (dhtp_request_peek(pkt, len, to) == -1) {
		d->stats.malformed++;
		return -1;
	}
	if (memcmp(to, d->keys.pk, DHT_PK_LEN) != 0)
		return route(d, to, pkt, len);
	/* Not on the stack: a DHT request holds up to ~1 KiB of data. */
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return -1;
	if (dhtp_request_parse(&d->keys, pkt, len, q) == -1) {
		d->stats.malformed++;
		rv = -1;
	} else if (q->id == DHT_REQ_NAT_PING) {
		dht_nat_handle(d, q->sender_pk, q->data, q->len);
	} else if (q->id == DHT_REQ_DHTPK && d->dhtpk_fn != NULL) {
		/* a friend's DHT-PK: keyd opens it, chatd checks it */
		d->stats.dhtpk_in++;
		d->dhtpk_fn(d->hook_arg, q->sender_pk, q->data, q->len);
	} else {
		d->stats.unexpected++;
		rv = -1;
	}
	sodium_memzero(q, sizeof(*q));
	free(q);
	return rv;
}

int
dht_ask_nodes(struct dht *d, const struct ip_port *to_in,
    const uint8_t pk[DHT_PK_LEN], uint64_t now)
{
	struct ip_port	to = *to_in;

	if (now > d->now)
		d->now = now;
	ipp_normalize(&to);
	if (!ipp_isset(&to) || memcmp(pk, d->keys.pk, DHT_PK_LEN) == 0)
		return -1;
	/* Never trusted as such: it is listed only if it answers this. */
	dht_send_getnodes(d, &to, pk, d->keys.pk);
	return 0;
}

int
dht_ask_nodes_for(struct dht *d, const struct ip_port *to_in,
    const uint8_t pk[DHT_PK_LEN], const uint8_t search_pk[DHT_PK_LEN],
    uint64_t now)
{
	struct ip_port	to = *to_in;

	if (now > d->now)
		d->now = now;
	ipp_normalize(&to);
	if (!ipp_isset(&to) || memcmp(pk, d->keys.pk, DHT_PK_LEN) == 0)
		return -1;
	dht_send_getnodes(d, &to, pk, search_pk);
	return 0;
}

void
dht_set_hooks(struct dht *d, dht_dhtpk_fn *dhtpk, dht_searched_fn *searched,
    void *arg)
{
	d->dhtpk_fn = dhtpk;
	d->searched_fn = searched;
	d->hook_arg = arg;
}

/* A node's word on where the searched key is, younger than a bad node. */
static int
ret_fresh(const struct dht *d, const struct dht_assoc *a)
{
	return ipp_isset(&a->ret) && a->ret_seen != 0 &&
	    d->now < a->ret_seen + DHT_BAD_NODE_MS;
}

unsigned
dht_route_to_friend(struct dht *d, const uint8_t pk[DHT_PK_LEN],
    const uint8_t *pkt, size_t len, uint64_t now)
{
	struct dht_search	*s;
	struct dht_client	*c;
	unsigned		 i, n4 = 0, n6 = 0, sent = 0;

	if (now > d->now)
		d->now = now;
	if ((s = dht_search_find(d, pk)) == NULL || s->fake)
		return 0;
	for (i = 0; i < DHT_SEARCH_NODES; i++) {
		c = &s->c[i];
		if (memcmp(c->pk, pk, DHT_PK_LEN) == 0 &&
		    (dht_assoc_good(d, &c->a4) || dht_assoc_good(d, &c->a6)))
			return 0;	/* seen directly */
		n4 += ret_fresh(d, &c->a4);
		n6 += ret_fresh(d, &c->a6);
	}
	if (n4 < DHT_ROUTE_MIN && n6 < DHT_ROUTE_MIN)
		return 0;
	/* each node that knows where the key is routes it on; one packet
	 * per node, as c-toxcore */
	for (i = 0; i < DHT_SEARCH_NODES; i++) {
		c = &s->c[i];
		if ((ret_fresh(d, &c->a4) && ipp_isset(&c->a4.ipp) &&
		    dht_send_raw(d, &c->a4.ipp, pkt, len) >= 0) ||
		    (ret_fresh(d, &c->a6) && ipp_isset(&c->a6.ipp) &&
		    dht_send_raw(d, &c->a6.ipp, pkt, len) >= 0))
			sent++;
	}
	return sent;
}

int
dht_handle_packet(struct dht *d, const struct ip_port *from_in,
    const uint8_t *pkt, size_t len, uint64_t now)
{
	struct ip_port	from = *from_in;
	int		rv;

	if (now > d->now)
		d->now = now;
	d->stats.rx++;
	if (len == 0) {
		d->stats.malformed++;
		return -1;
	}
	ipp_normalize(&from);
	if (!ipp_isset(&from)) {
		d->stats.unexpected++;
		return -1;
	}
	switch (pkt[0]) {
	case DHT_PING_REQ:
	case DHT_PING_RESP:
		rv = on_ping(d, &from, pkt, len);
		break;
	case DHT_NODES_REQ:
		rv = on_nodes_req(d, &from, pkt, len);
		break;
	case DHT_NODES_RESP:
		rv = on_nodes_resp(d, &from, pkt, len);
		break;
	case DHT_CRYPTO:
		rv = on_request(d, &from, pkt, len);
		break;
	default:
		d->stats.not_dht++;
		return 1;
	}
	if (rv == 0)
		d->stats.handled++;
	return rv;
}

int
dht_bootstrap_add(struct dht *d, const struct packed_node *n)
{
	struct ip_port	ipp;
	unsigned	i;

	if (ipp_from_node(n, &ipp) == -1)
		return -1;
	ipp_normalize(&ipp);
	if (!ipp_isset(&ipp) || memcmp(n->pk, d->keys.pk, DHT_PK_LEN) == 0)
		return -1;
	for (i = 0; i < d->n_boot; i++)
		if (memcmp(d->boot[i].pk, n->pk, DHT_PK_LEN) == 0 &&
		    ipp_equal(&d->boot[i].ipp, &ipp))
			break;
	if (i == d->n_boot) {
		if (d->n_boot == DHT_BOOTSTRAP_MAX)
			return -1;
		memcpy(d->boot[i].pk, n->pk, DHT_PK_LEN);
		d->boot[i].ipp = ipp;
		d->n_boot++;
	}
	dht_send_getnodes(d, &ipp, n->pk, d->keys.pk);
	d->boot_at = DHT_STAMP(d->now);
	return 0;
}

int
dht_search_add(struct dht *d, const uint8_t pk[DHT_PK_LEN])
{
	struct dht_search	*s;
	struct dht_node		 near[DHT_MAX_SENT_NODES];
	unsigned		 i, n;

	if (dht_search_find(d, pk) != NULL)
		return 0;
	for (i = 0; i < DHT_SEARCH_MAX && d->search[i].used; i++)
		;
	if (i == DHT_SEARCH_MAX)
		return -1;
	s = &d->search[i];
	memset(s, 0, sizeof(*s));
	s->used = 1;
	memcpy(s->pk, pk, DHT_PK_LEN);
	randombytes_buf(s->nat.ping_id, sizeof(s->nat.ping_id));
	/* Start from the closest nodes we already know. */
	n = dht_close_nodes(d, pk, 1, near);
	for (i = 0; i < n; i++)
		(void)dht_node_offer(s->to_bs, &s->n_to_bs,
		    DHT_TO_BOOTSTRAP_SEARCH, near[i].pk, &near[i].ipp, pk);
	return 0;
}

int
dht_search_del(struct dht *d, const uint8_t pk[DHT_PK_LEN])
{
	struct dht_search	*s;

	if ((s = dht_search_find(d, pk)) == NULL || s->fake)
		return -1;
	memset(s, 0, sizeof(*s));
	return 0;
}

int
dht_search_addr(const struct dht *d, const uint8_t pk[DHT_PK_LEN],
    struct ip_port *out)
{
	const struct dht_client	*c;
	size_t			 i, j;

	for (i = 0; i < DHT_SEARCH_MAX; i++) {
		if (!d->search[i].used ||
		    memcmp(d->search[i].pk, pk, DHT_PK_LEN) != 0)
			continue;
		for (j = 0; j < DHT_SEARCH_NODES; j++) {
			c = &d->search[i].c[j];
			if (memcmp(c->pk, pk, DHT_PK_LEN) != 0)
				continue;
			if (dht_assoc_good(d, &c->a4)) {
				*out = c->a4.ipp;
				return 1;
			}
			if (dht_assoc_good(d, &c->a6)) {
				*out = c->a6.ipp;
				return 1;
			}
		}
	}
	return 0;
}

int
dht_connected(const struct dht *d)
{
	return dht_good_nodes(d) > 0;
}

unsigned
dht_good_nodes(const struct dht *d)
{
	unsigned	i, n = 0;

	for (i = 0; i < DHT_CLOSE_LEN; i++)
		if (dht_client_good(d, &d->close[i]))
			n++;
	return n;
}

size_t
dht_export_recent(const struct dht *d, struct packed_node *out, size_t max,
    uint64_t age_ms)
{
	const struct dht_client	*c;
	const struct dht_assoc	*a;
	size_t			 i, n = 0;

	for (i = 0; i < DHT_CLOSE_LEN && n < max; i++) {
		c = &d->close[i];
		a = c->a4.seen >= c->a6.seen ? &c->a4 : &c->a6;
		if (dht_assoc_good(d, a) && d->now < a->seen + age_ms &&
		    ipp_to_node(&a->ipp, c->pk, &out[n]) == 0)
			n++;
	}
	return n;
}

size_t
dht_export_nodes(const struct dht *d, struct packed_node *out, size_t max)
{
	return dht_export_recent(d, out, max, DHT_BAD_NODE_MS);
}
