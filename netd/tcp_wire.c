/* TCP relay wire codecs: see tcp_wire.h. */
#include <string.h>

#include <sodium.h>

#include "common/rd.h"
#include "netd/tcp_wire.h"

void
tcpw_nonce_inc(uint8_t nonce[TCPW_NONCE_LEN])
{
	unsigned	carry = 1;
	size_t		i;

	/* No early exit: the time taken does not depend on the nonce. */
	for (i = TCPW_NONCE_LEN; i > 0; i--) {
		carry += nonce[i - 1];
		nonce[i - 1] = (uint8_t)carry;
		carry >>= 8;
	}
}

/* A fresh temp keypair; its pk and our base nonce are the handshake plain. */
static void
hs_plain(uint8_t plain[TCPW_HS_PLAIN_LEN], uint8_t temp_sk[TCPW_KEY_LEN],
    uint8_t base_nonce[TCPW_NONCE_LEN])
{
	crypto_box_keypair(plain, temp_sk);
	randombytes_buf(base_nonce, TCPW_NONCE_LEN);
	memcpy(plain + TCPW_PK_LEN, base_nonce, TCPW_NONCE_LEN);
}

int
tcpw_client_hello(struct dht_keys *k, const uint8_t relay_pk[TCPW_PK_LEN],
    struct tcpw_client_hs *hs, uint8_t out[TCPW_HS_REQ_LEN])
{
	struct wr	 w;
	uint8_t		 key[TCPW_KEY_LEN], plain[TCPW_HS_PLAIN_LEN];
	uint8_t		*nonce, *box;

	if (dht_keys_shared(k, relay_pk, key) == -1)
		return -1;
	memcpy(hs->relay_pk, relay_pk, TCPW_PK_LEN);
	hs_plain(plain, hs->temp_sk, hs->base_nonce);
	wr_init(&w, out, TCPW_HS_REQ_LEN);
	wr_bytes(&w, k->pk, TCPW_PK_LEN);
	nonce = wr_reserve(&w, TCPW_NONCE_LEN);
	box = wr_reserve(&w, TCPW_HS_PLAIN_LEN + TCPW_MAC_LEN);
	if (!wr_ok(&w) || wr_len(&w) != TCPW_HS_REQ_LEN) {
		sodium_memzero(key, sizeof(key));
		return -1;
	}
	randombytes_buf(nonce, TCPW_NONCE_LEN);
	(void)crypto_box_easy_afternm(box, plain, sizeof(plain), nonce, key);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(plain, sizeof(plain));
	return 0;
}

/* The session key from the peer's temp pk (inside plain) and our temp sk. */
static int
session_key(struct tcpw_session *s, const uint8_t plain[TCPW_HS_PLAIN_LEN],
    const uint8_t temp_sk[TCPW_KEY_LEN], const uint8_t own_base[TCPW_NONCE_LEN])
{
	if (crypto_box_beforenm(s->key, plain, temp_sk) != 0)
		return -1;
	memcpy(s->recv_nonce, plain + TCPW_PK_LEN, TCPW_NONCE_LEN);
	memcpy(s->send_nonce, own_base, TCPW_NONCE_LEN);
	return 0;
}

int
tcpw_client_finish(struct dht_keys *k, struct tcpw_client_hs *hs,
    const uint8_t *ans, size_t len, struct tcpw_session *s)
{
	struct rd	 r;
	uint8_t		 key[TCPW_KEY_LEN], nonce[TCPW_NONCE_LEN];
	uint8_t		 plain[TCPW_HS_PLAIN_LEN];
	const uint8_t	*box;
	int		 rv = -1;

	rd_init(&r, ans, len);
	rd_bytes(&r, nonce, sizeof(nonce));
	box = rd_take(&r, TCPW_HS_PLAIN_LEN + TCPW_MAC_LEN);
	if (!rd_done(&r) || dht_keys_shared(k, hs->relay_pk, key) == -1)
		goto out;
	if (crypto_box_open_easy_afternm(plain, box,
	    TCPW_HS_PLAIN_LEN + TCPW_MAC_LEN, nonce, key) != 0)
		goto out;
	rv = session_key(s, plain, hs->temp_sk, hs->base_nonce);
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(plain, sizeof(plain));
	sodium_memzero(hs->temp_sk, sizeof(hs->temp_sk));
	if (rv == -1)
		sodium_memzero(s, sizeof(*s));
	return rv;
}

int
tcpw_server_accept(struct dht_keys *k, const uint8_t *req, size_t len,
    uint8_t client_pk[TCPW_PK_LEN], uint8_t out[TCPW_HS_ANSWER_LEN],
    struct tcpw_session *s)
{
	struct rd	 r;
	struct wr	 w;
	uint8_t		 key[TCPW_KEY_LEN], nonce[TCPW_NONCE_LEN];
	uint8_t		 plain[TCPW_HS_PLAIN_LEN], ours[TCPW_HS_PLAIN_LEN];
	uint8_t		 temp_sk[TCPW_KEY_LEN], base[TCPW_NONCE_LEN];
	uint8_t		*anonce, *abox;
	const uint8_t	*box;
	int		 rv = -1;

	rd_init(&r, req, len);
	rd_bytes(&r, client_pk, TCPW_PK_LEN);
	rd_bytes(&r, nonce, sizeof(nonce));
	box = rd_take(&r, TCPW_HS_PLAIN_LEN + TCPW_MAC_LEN);
	if (!rd_done(&r))
		return -1;
	if (sodium_memcmp(client_pk, k->pk, TCPW_PK_LEN) == 0 ||
	    dht_keys_shared(k, client_pk, key) == -1)
		return -1;
	if (crypto_box_open_easy_afternm(plain, box,
	    TCPW_HS_PLAIN_LEN + TCPW_MAC_LEN, nonce, key) != 0)
		goto out;
	hs_plain(ours, temp_sk, base);
	if (session_key(s, plain, temp_sk, base) == -1)
		goto out;
	wr_init(&w, out, TCPW_HS_ANSWER_LEN);
	anonce = wr_reserve(&w, TCPW_NONCE_LEN);
	abox = wr_reserve(&w, TCPW_HS_PLAIN_LEN + TCPW_MAC_LEN);
	if (!wr_ok(&w))
		goto out;
	randombytes_buf(anonce, TCPW_NONCE_LEN);
	(void)crypto_box_easy_afternm(abox, ours, sizeof(ours), anonce, key);
	rv = 0;
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(plain, sizeof(plain));
	sodium_memzero(ours, sizeof(ours));
	sodium_memzero(temp_sk, sizeof(temp_sk));
	if (rv == -1)
		sodium_memzero(s, sizeof(*s));
	return rv;
}

int
tcpw_frame_seal(struct tcpw_session *s, const uint8_t *plain, size_t len,
    uint8_t *out, size_t cap)
{
	struct wr	 w;
	uint8_t		*box;

	if (len == 0 || len > TCPW_PLAIN_MAX)
		return -1;
	wr_init(&w, out, cap);
	wr_u16(&w, (uint16_t)(len + TCPW_MAC_LEN));
	box = wr_reserve(&w, len + TCPW_MAC_LEN);
	if (!wr_ok(&w))
		return -1;
	(void)crypto_box_easy_afternm(box, plain, len, s->send_nonce, s->key);
	tcpw_nonce_inc(s->send_nonce);
	return (int)wr_len(&w);
}

void
tcpw_rx_init(struct tcpw_rx *rx)
{
	rx->have = 0;
	rx->need = 2;
	rx->dead = 0;
}

int
tcpw_rx_next(struct tcpw_rx *rx, struct tcpw_session *s, const uint8_t **in,
    size_t *n, uint8_t *plain, size_t *plen)
{
	struct rd	r;
	uint16_t	flen;
	size_t		take;

	if (rx->dead)
		return -1;
	for (;;) {
		take = rx->need - rx->have;
		if (take > *n)
			take = *n;
		if (take > 0) {
			memcpy(rx->buf + rx->have, *in, take);
			rx->have += take;
			*in += take;
			*n -= take;
		}
		if (rx->have < rx->need)
			return 0;
		if (rx->need > 2)
			break;
		/* The length is checked before a byte of the body is kept. */
		rd_init(&r, rx->buf, 2);
		rd_u16(&r, &flen);
		if (flen < TCPW_BOX_MIN || flen > TCPW_BOX_MAX)
			goto dead;
		rx->need = 2 + (size_t)flen;
	}
	flen = (uint16_t)(rx->need - 2);
	if (crypto_box_open_easy_afternm(plain, rx->buf + 2, flen,
	    s->recv_nonce, s->key) != 0)
		goto dead;
	tcpw_nonce_inc(s->recv_nonce);
	*plen = flen - TCPW_MAC_LEN;
	rx->have = 0;
	rx->need = 2;
	return 1;
dead:
	rx->dead = 1;
	return -1;
}

/* The rest as a body of min..max bytes, pointing into the parsed buffer. */
static void
body(struct rd *r, struct tcpw_pkt *p, size_t min, size_t max)
{
	p->data = rd_rest(r, &p->len);
	if (p->len < min || p->len > max)
		rd_fail(r);
}

/* A connection id that must name a connection (>= 16). */
static void
conn_id(struct rd *r, struct tcpw_pkt *p)
{
	if (rd_u8(r, &p->conn_id) == 0 && p->conn_id < TCPW_FIRST_CONN)
		rd_fail(r);
}

/*
 * The parsers of both directions in one: dir_ok says whether a kind may
 * come from this side.  c-toxcore closes the link on anything else.
 */
static int
parse(const uint8_t *pkt, size_t len, struct tcpw_pkt *p, int from_server)
{
	struct rd	r;
	uint8_t		kind;

	rd_init(&r, pkt, len);
	if (rd_u8(&r, &kind) == -1)
		return -1;
	if (kind >= TCPW_FIRST_CONN) {
		p->kind = TCPW_DATA;
		p->conn_id = kind;
		body(&r, p, 1, TCPW_DATA_MAX);
		return rd_done(&r) ? 0 : -1;
	}
	p->kind = kind;
	switch (kind) {
	case TCPW_ROUTE_REQ:
		if (from_server)
			return -1;
		rd_bytes(&r, p->pk, TCPW_PK_LEN);
		break;
	case TCPW_ROUTE_RESP:
		if (!from_server)
			return -1;
		rd_u8(&r, &p->conn_id);		/* below 16: refused */
		rd_bytes(&r, p->pk, TCPW_PK_LEN);
		break;
	case TCPW_CONNECTED:
	case TCPW_DISCONNECTED:
		conn_id(&r, p);
		break;
	case TCPW_PING:
	case TCPW_PONG:
		rd_bytes(&r, p->ping_id, TCPW_PING_ID_LEN);
		break;
	case TCPW_OOB_SEND:
	case TCPW_OOB_RECV:
		if ((kind == TCPW_OOB_RECV) != from_server)
			return -1;
		rd_bytes(&r, p->pk, TCPW_PK_LEN);
		body(&r, p, 1, TCPW_OOB_MAX);
		break;
	case TCPW_ONION_REQ:
		if (from_server)
			return -1;
		body(&r, p, TCPW_ONION_REQ_MIN, TCPW_DATA_MAX);
		break;
	case TCPW_ONION_RESP:
	case TCPW_FORWARDING:
		if (!from_server)
			return -1;
		body(&r, p, 1, TCPW_DATA_MAX);
		break;
	case TCPW_FORWARD_REQ:
		if (from_server)
			return -1;
		body(&r, p, 1, TCPW_DATA_MAX);
		break;
	default:
		return -1;		/* 12..15 */
	}
	return rd_done(&r) ? 0 : -1;
}

int
tcpw_parse_from_server(const uint8_t *pkt, size_t len, struct tcpw_pkt *p)
{
	return parse(pkt, len, p, 1);
}

int
tcpw_parse_from_client(const uint8_t *pkt, size_t len, struct tcpw_pkt *p)
{
	return parse(pkt, len, p, 0);
}

int
tcpw_pkt_pack(const struct tcpw_pkt *p, uint8_t *out, size_t cap)
{
	struct wr	w;
	size_t		min = 1, max = TCPW_DATA_MAX;

	wr_init(&w, out, cap);
	switch (p->kind) {
	case TCPW_DATA:
		if (p->conn_id < TCPW_FIRST_CONN)
			return -1;
		wr_u8(&w, p->conn_id);
		break;
	case TCPW_ROUTE_REQ:
		wr_u8(&w, p->kind);
		wr_bytes(&w, p->pk, TCPW_PK_LEN);
		return wr_ok(&w) ? (int)wr_len(&w) : -1;
	case TCPW_ROUTE_RESP:
		wr_u8(&w, p->kind);
		wr_u8(&w, p->conn_id);
		wr_bytes(&w, p->pk, TCPW_PK_LEN);
		return wr_ok(&w) ? (int)wr_len(&w) : -1;
	case TCPW_CONNECTED:
	case TCPW_DISCONNECTED:
		if (p->conn_id < TCPW_FIRST_CONN)
			return -1;
		wr_u8(&w, p->kind);
		wr_u8(&w, p->conn_id);
		return wr_ok(&w) ? (int)wr_len(&w) : -1;
	case TCPW_PING:
	case TCPW_PONG:
		wr_u8(&w, p->kind);
		wr_bytes(&w, p->ping_id, TCPW_PING_ID_LEN);
		return wr_ok(&w) ? (int)wr_len(&w) : -1;
	case TCPW_OOB_SEND:
	case TCPW_OOB_RECV:
		wr_u8(&w, p->kind);
		wr_bytes(&w, p->pk, TCPW_PK_LEN);
		max = TCPW_OOB_MAX;
		break;
	case TCPW_ONION_REQ:
		min = TCPW_ONION_REQ_MIN;
		/* FALLTHROUGH */
	case TCPW_ONION_RESP:
	case TCPW_FORWARD_REQ:
	case TCPW_FORWARDING:
		wr_u8(&w, p->kind);
		break;
	default:
		return -1;
	}
	if (p->len < min || p->len > max)
		return -1;
	wr_bytes(&w, p->data, p->len);
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}
