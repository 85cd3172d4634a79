/*
 * NAT ping and hole punching (c-toxcore DHT.c do_NAT, map §4).  When at
 * least half of a searched key's list report an address for it, we send
 * it a NAT ping (DHT request 0xfe) through those nodes; when it answers
 * and it pinged us recently too, we ping a spread of guessed ports on its
 * most reported IP so that both NATs open.
 */
#include <string.h>

#include <sodium.h>

#include "netd/dht_int.h"

/*
 * The addresses nodes reported for s's key, one family (the one with more
 * reports).  Returns 0 when the key's own node is good: no punching needed.
 */
static unsigned
reported(const struct dht *d, const struct dht_search *s,
    struct ip_port out[DHT_SEARCH_NODES])
{
	struct ip_port	v4[DHT_SEARCH_NODES], v6[DHT_SEARCH_NODES];
	unsigned	n4 = 0, n6 = 0, i;
	const struct dht_client *c;

	for (i = 0; i < DHT_SEARCH_NODES; i++) {
		c = &s->c[i];
		if (memcmp(c->pk, s->pk, DHT_PK_LEN) == 0 &&
		    dht_client_good(d, c))
			return 0;
		if (ipp_isset(&c->a4.ret) &&
		    d->now < c->a4.ret_seen + DHT_BAD_NODE_MS)
			v4[n4++] = c->a4.ret;
		if (ipp_isset(&c->a6.ret) &&
		    d->now < c->a6.ret_seen + DHT_BAD_NODE_MS)
			v6[n6++] = c->a6.ret;
	}
	if (n6 >= n4) {
		memcpy(out, v6, n6 * sizeof(v6[0]));
		return n6;
	}
	memcpy(out, v4, n4 * sizeof(v4[0]));
	return n4;
}

/* The nodes that reported s's key, by their own address. */
static unsigned
reporters(const struct dht *d, const struct dht_search *s,
    struct ip_port out[DHT_SEARCH_NODES])
{
	const struct dht_client	*c;
	unsigned		 i, n = 0;

	for (i = 0; i < DHT_SEARCH_NODES; i++) {
		c = &s->c[i];
		if (ipp_isset(&c->a4.ret) && ipp_isset(&c->a4.ipp) &&
		    d->now < c->a4.ret_seen + DHT_BAD_NODE_MS)
			out[n++] = c->a4.ipp;
		else if (ipp_isset(&c->a6.ret) && ipp_isset(&c->a6.ipp) &&
		    d->now < c->a6.ret_seen + DHT_BAD_NODE_MS)
			out[n++] = c->a6.ipp;
	}
	return n;
}

static void
send_nat_ping(struct dht *d, struct dht_search *s, const uint8_t id[8],
    uint8_t type)
{
	struct dht_nat_ping	np;
	struct ip_port		via[DHT_SEARCH_NODES], rep[DHT_SEARCH_NODES];
	uint8_t			data[DHT_NAT_PING_LEN], pkt[DHT_REQ_MAX];
	unsigned		n, i;
	int			len;

	np.type = type;
	memcpy(np.ping_id, id, sizeof(np.ping_id));
	if (dhtp_nat_ping_encode(&np, data, sizeof(data)) == -1 ||
	    (len = dhtp_request_pack(&d->keys, s->pk, DHT_REQ_NAT_PING, data,
	    sizeof(data), pkt, sizeof(pkt))) == -1)
		return;
	n = reporters(d, s, via);
	if (type == DHT_NAT_PING_REQ) {
		/* Requests go through all of them, and only if several. */
		if (reported(d, s, rep) < DHT_SEARCH_NODES / 4)
			return;
		for (i = 0; i < n; i++)
			(void)dht_send_raw(d, &via[i], pkt, (size_t)len);
	} else if (n > 0)
		(void)dht_send_raw(d, &via[randombytes_uniform(n)], pkt,
		    (size_t)len);
}

void
dht_nat_handle(struct dht *d, const uint8_t *sender_pk, const uint8_t *data,
    size_t len)
{
	struct dht_nat_ping	 np;
	struct dht_search	*s;

	if (dhtp_nat_ping_decode(data, len, &np) == -1) {
		d->stats.malformed++;
		return;
	}
	/* Only keys we look for may make us send anything. */
	if ((s = dht_search_find(d, sender_pk)) == NULL) {
		d->stats.unexpected++;
		return;
	}
	if (np.type == DHT_NAT_PING_REQ) {
		send_nat_ping(d, s, np.ping_id, DHT_NAT_PING_RESP);
		s->nat.recv_ping = DHT_STAMP(d->now);
	} else if (sodium_memcmp(np.ping_id, s->nat.ping_id, 8) == 0) {
		randombytes_buf(s->nat.ping_id, sizeof(s->nat.ping_id));
		s->nat.punching = 1;
	} else
		d->stats.unexpected++;
}

static void
punch(struct dht *d, struct dht_search *s, const struct ip_port *ip,
    const uint16_t *ports, unsigned n)
{
	struct ip_port	to = *ip;
	uint32_t	it, i, delta;
	unsigned	same;

	if (!d->punch_ok || n == 0)
		return;
	for (same = 1; same < n && ports[same] == ports[0]; same++)
		;
	if (same == n) {
		to.port = ports[0];
		dht_send_ping(d, &to, s->pk);
	} else {
		/* Around each reported port, alternating up and down. */
		for (i = 0; i < DHT_PUNCH_PORTS; i++) {
			it = i + s->nat.idx;
			delta = it / (2 * n);
			to.port = (uint16_t)(it % 2 ? ports[(it / 2) % n] -
			    delta : ports[(it / 2) % n] + delta);
			dht_send_ping(d, &to, s->pk);
		}
		s->nat.idx += DHT_PUNCH_PORTS;
	}
	if (s->nat.tries > DHT_PUNCH_NORMAL_TRIES) {
		/* Then sweep up from 1024 for NATs that allocate in order. */
		for (i = 0; i < DHT_PUNCH_PORTS; i++) {
			to.port = (uint16_t)(1024 + s->nat.idx2 + i);
			dht_send_ping(d, &to, s->pk);
		}
		s->nat.idx2 += DHT_PUNCH_PORTS / 2;
	}
	s->nat.tries++;
}

/* The IP reported at least min times, or NULL. */
static const struct ip_port *
common_ip(const struct ip_port *l, unsigned n, unsigned min)
{
	unsigned	i, j, k;

	for (i = 0; i < n; i++) {
		for (j = 0, k = 0; j < n; j++)
			if (ipp_same_ip(&l[i], &l[j]))
				k++;
		if (k >= min)
			return &l[i];
	}
	return NULL;
}

void
dht_nat_run(struct dht *d)
{
	struct dht_search	*s;
	struct ip_port		 l[DHT_SEARCH_NODES];
	const struct ip_port	*ip;
	uint16_t		 ports[DHT_SEARCH_NODES];
	unsigned		 i, j, n, np;

	for (i = 0; i < DHT_SEARCH_MAX; i++) {
		s = &d->search[i];
		if (!s->used ||
		    (n = reported(d, s, l)) < DHT_SEARCH_NODES / 2)
			continue;
		if (d->now > s->nat.ping_sent + DHT_PUNCH_INTERVAL_MS) {
			send_nat_ping(d, s, s->nat.ping_id, DHT_NAT_PING_REQ);
			s->nat.ping_sent = DHT_STAMP(d->now);
		}
		if (!s->nat.punching ||
		    d->now <= s->nat.punch_at + DHT_PUNCH_INTERVAL_MS ||
		    d->now > s->nat.recv_ping + 2 * DHT_PUNCH_INTERVAL_MS)
			continue;
		if ((ip = common_ip(l, n, DHT_SEARCH_NODES / 2)) == NULL)
			continue;
		if (d->now > s->nat.punch_at + DHT_PUNCH_RESET_MS)
			s->nat.tries = s->nat.idx = s->nat.idx2 = 0;
		for (j = 0, np = 0; j < n; j++)
			if (ipp_same_ip(&l[j], ip))
				ports[np++] = l[j].port;
		punch(d, s, ip, ports, np);
		s->nat.punch_at = DHT_STAMP(d->now);
		s->nat.punching = 0;
	}
}

uint64_t
dht_nat_deadline(const struct dht *d, uint64_t next)
{
	const struct dht_search	*s;
	struct ip_port		 l[DHT_SEARCH_NODES];
	uint64_t		 t;
	size_t			 i;

	for (i = 0; i < DHT_SEARCH_MAX; i++) {
		s = &d->search[i];
		if (!s->used || reported(d, s, l) < DHT_SEARCH_NODES / 2)
			continue;
		t = s->nat.ping_sent + DHT_PUNCH_INTERVAL_MS + 1;
		if (s->nat.punching &&
		    s->nat.punch_at + DHT_PUNCH_INTERVAL_MS + 1 < t)
			t = s->nat.punch_at + DHT_PUNCH_INTERVAL_MS + 1;
		if (t < next)
			next = t;
	}
	return next;
}
