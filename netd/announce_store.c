/* The announce store as a pure engine: see announce_store.h. */
#include <string.h>

#include <sodium.h>

#include "common/rd.h"
#include "netd/announce_packet.h"
#include "netd/announce_store.h"

_Static_assert(crypto_auth_BYTES == ONION_PING_ID_LEN,
    "a ping id is one crypto_auth tag");

void
announce_init(struct announce *a, struct dht_keys *keys,
    announce_send_fn *send, void *send_arg, announce_close_fn *close,
    void *close_arg)
{
	memset(a, 0, sizeof(*a));
	a->keys = keys;
	a->send = send;
	a->send_arg = send_arg;
	a->close = close;
	a->close_arg = close_arg;
	crypto_auth_keygen(a->secret);
}

void
announce_wipe(struct announce *a)
{
	sodium_memzero(a->secret, sizeof(a->secret));
	sodium_memzero(a->e, sizeof(a->e));
}

/* The tag over one window: window || requester pk || the address seen. */
static void
ping_id_at(const struct announce *a, uint64_t window, const uint8_t *pk,
    const struct ip_port *src, uint8_t out[ONION_PING_ID_LEN])
{
	uint8_t		buf[8 + ONION_PK_LEN + 1 + 16 + 2];
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	wr_u64(&w, window);
	wr_bytes(&w, pk, ONION_PK_LEN);
	wr_u8(&w, src->family);
	wr_bytes(&w, src->ip, sizeof(src->ip));
	wr_u16(&w, src->port);
	(void)crypto_auth(out, buf, wr_len(&w), a->secret);
}

void
announce_ping_id(const struct announce *a, const uint8_t *pk,
    const struct ip_port *src, uint64_t now_ms, uint8_t out[ONION_PING_ID_LEN])
{
	ping_id_at(a, now_ms / ANNOUNCE_PING_WINDOW_MS, pk, src, out);
}

/* Good in this window or the one before, so a ping id lives 300..600 s. */
static int
ping_id_ok(const struct announce *a, const uint8_t *pk,
    const struct ip_port *src, uint64_t now_ms, const uint8_t *id)
{
	uint8_t		want[ONION_PING_ID_LEN];
	uint64_t	window = now_ms / ANNOUNCE_PING_WINDOW_MS;
	int		ok;

	ping_id_at(a, window, pk, src, want);
	ok = sodium_memcmp(want, id, sizeof(want)) == 0;
	if (!ok && window > 0) {
		ping_id_at(a, window - 1, pk, src, want);
		ok = sodium_memcmp(want, id, sizeof(want)) == 0;
	}
	return ok;
}

static int
live(const struct announce_entry *e, uint64_t now_ms)
{
	return e->until != 0 && now_ms < e->until;
}

static int
find(const struct announce *a, const uint8_t *pk, uint64_t now_ms)
{
	unsigned	i;

	for (i = 0; i < ANNOUNCE_ENTRIES; i++)
		if (live(&a->e[i], now_ms) &&
		    memcmp(a->e[i].pk, pk, ONION_PK_LEN) == 0)
			return (int)i;
	return -1;
}

const struct announce_entry *
announce_find(const struct announce *a, const uint8_t *pk, uint64_t now_ms)
{
	int	i = find(a, pk, now_ms);

	return i == -1 ? NULL : &a->e[i];
}

unsigned
announce_count(const struct announce *a, uint64_t now_ms)
{
	unsigned	i, n = 0;

	for (i = 0; i < ANNOUNCE_ENTRIES; i++)
		n += (unsigned)live(&a->e[i], now_ms);
	return n;
}

/*
 * 1 if a is closer to key than b (XOR distance, bytewise; c-toxcore's
 * id_closest).
 */
static int
closer(const uint8_t *key, const uint8_t *x, const uint8_t *y)
{
	size_t	i;
	uint8_t	dx, dy;

	for (i = 0; i < ONION_PK_LEN; i++) {
		dx = key[i] ^ x[i];
		dy = key[i] ^ y[i];
		if (dx != dy)
			return dx < dy;
	}
	return 0;
}

/*
 * Stores or refreshes pk: its own slot, else a free or expired one, else
 * the slot of the entry farthest from our key if pk is closer.  Returns
 * the slot, or -1 if pk is farther than every entry of a full store.
 */
static int
store(struct announce *a, const struct announce_req *q,
    const struct ip_port *from, uint64_t now_ms)
{
	struct announce_entry	*e;
	int			 i, far = -1;

	if ((i = find(a, q->sender_pk, now_ms)) == -1) {
		for (i = 0; i < ANNOUNCE_ENTRIES; i++) {
			if (!live(&a->e[i], now_ms))
				break;
			if (far == -1 || closer(a->keys->pk, a->e[far].pk,
			    a->e[i].pk))
				far = i;
		}
		if (i == ANNOUNCE_ENTRIES) {
			if (!closer(a->keys->pk, q->sender_pk, a->e[far].pk)) {
				a->stats.refused++;
				return -1;
			}
			i = far;
		}
	}
	e = &a->e[i];
	memcpy(e->pk, q->sender_pk, ONION_PK_LEN);
	memcpy(e->data_pk, q->data_pk, ONION_PK_LEN);
	memcpy(e->ret, q->ret, ONION_RET_3_LEN);
	e->ret_ipp = *from;
	e->until = now_ms + ANNOUNCE_TIMEOUT_MS;
	a->stats.stored++;
	return i;
}

/*
 * What the answer says (c-toxcore's make_announce_payload_helper): 2 if
 * the requester is stored with the data key it sent, 1 and the data key
 * if the entry found is someone else's, else 0; 0 and 2 carry a fresh
 * ping id.
 */
static void
answer_of(const struct announce *a, int i, const struct announce_req *q,
    const uint8_t *ping_id, struct announce_resp *r)
{
	const struct announce_entry	*e;

	r->is_stored = ANNOUNCE_NOT_STORED;
	memcpy(r->field, ping_id, ONION_PING_ID_LEN);
	if (i == -1)
		return;
	e = &a->e[i];
	if (memcmp(e->pk, q->sender_pk, ONION_PK_LEN) == 0) {
		if (memcmp(e->data_pk, q->data_pk, ONION_PK_LEN) == 0)
			r->is_stored = ANNOUNCE_STORED;
		return;
	}
	r->is_stored = ANNOUNCE_FOUND;
	memcpy(r->field, e->data_pk, ONION_PK_LEN);
}

static int
handle_announce(struct announce *a, const struct ip_port *from,
    const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	struct announce_req	q;
	struct announce_resp	r;
	struct dht_node		near[DHT_GET_CLOSE_MAX];
	uint8_t			ping_id[ONION_PING_ID_LEN];
	uint8_t			out[ANNOUNCE_RESP_OUT_MAX];
	unsigned		n = 0, k;
	int			i, len_out;

	if (annp_req_parse(a->keys, pkt, len, &q) == -1)
		return -1;
	/*
	 * A valid ping id stores (or refreshes) the requester, and the
	 * answer is about it; otherwise it is about the searched key.
	 */
	if (ping_id_ok(a, q.sender_pk, from, now_ms, q.ping_id))
		i = store(a, &q, from, now_ms);
	else
		i = find(a, q.search_pk, now_ms);

	memset(&r, 0, sizeof(r));
	memcpy(r.sendback, q.sendback, sizeof(r.sendback));
	announce_ping_id(a, q.sender_pk, from, now_ms, ping_id);
	answer_of(a, i, &q, ping_id, &r);
	if (a->close != NULL)
		n = a->close(a->close_arg, q.search_pk, ipp_is_lan(from), near);
	for (k = 0; k < n && k < ANNOUNCE_RESP_NODES_MAX; k++)
		if (ipp_to_node(&near[k].ipp, near[k].pk, &r.nodes[r.n]) == 0)
			r.n++;
	len_out = annp_resp_pack(a->keys, q.sender_pk, q.ret, &r, out,
	    sizeof(out));
	if (len_out == -1 || a->send(a->send_arg, from, out,
	    (size_t)len_out) == -1)
		return -1;
	a->stats.answered++;
	return 0;
}

static int
handle_data(struct announce *a, const uint8_t *pkt, size_t len,
    uint64_t now_ms)
{
	struct onion_data_req		 q;
	uint8_t				 out[ONION_DATA_OUT_MAX];
	const struct announce_entry	*e;
	int				 n;

	if (annp_data_parse(pkt, len, &q) == -1 ||
	    (e = announce_find(a, q.dest_pk, now_ms)) == NULL)
		return -1;
	/* down the path the destination announced over, not back to C */
	if ((n = annp_data_pack(e->ret, q.body, q.body_len, out,
	    sizeof(out))) == -1 ||
	    a->send(a->send_arg, &e->ret_ipp, out, (size_t)n) == -1)
		return -1;
	a->stats.routed++;
	return 0;
}

int
announce_handle_packet(struct announce *a, const struct ip_port *from,
    const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	int	rv;

	if (len < 1)
		return 1;
	switch (pkt[0]) {
	case ONION_ANNOUNCE_REQ:
		rv = handle_announce(a, from, pkt, len, now_ms);
		break;
	case ONION_DATA_REQ:
		rv = handle_data(a, pkt, len, now_ms);
		break;
	default:
		return 1;
	}
	if (rv == -1)
		a->stats.dropped++;
	return rv;
}
