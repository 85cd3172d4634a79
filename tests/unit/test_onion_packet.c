/*
 * Onion relay codecs: a client packet through three relays with their own
 * keys to D and its answer back to the client; the exact layouts (checked
 * against packets the test seals itself, layer by layer); every bound one
 * byte off; families, keys, MACs, kinds and secrets that must be refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/onion_packet.h"

/* Client, relays A, B, C and destination D: keys, secrets, addresses. */
struct world {
	struct dht_keys		client, relay[3], other;
	struct onion_secrets	sec[3];
	struct ip_port		client_addr, addr[3], dest;
	struct onion_path	path;
	struct onion_out	out;
	uint8_t			pkt[2048];
};

static void
addr4(struct ip_port *a, uint8_t last, uint16_t port)
{
	uint8_t	ip[4] = { 192, 0, 2, last };

	assert_int_equal(ipp_set(a, ip, 4, port), 0);
}

static int
setup(void **state)
{
	struct world		*w;
	struct onion_node	 nodes[3];
	int			 i;

	if (sodium_init() < 0 || (w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	dht_keys_init(&w->client);
	dht_keys_init(&w->other);
	addr4(&w->client_addr, 1, 40001);
	for (i = 0; i < 3; i++) {
		dht_keys_init(&w->relay[i]);
		randombytes_buf(w->sec[i].cur, sizeof(w->sec[i].cur));
		addr4(&w->addr[i], (uint8_t)(10 + i), (uint16_t)(33445 + i));
		nodes[i].addr = w->addr[i];
		memcpy(nodes[i].pk, w->relay[i].pk, DHT_PK_LEN);
	}
	w->dest.family = IPP_V6;
	w->dest.ip[0] = 0x20;
	w->dest.ip[1] = 0x01;
	w->dest.ip[15] = 7;
	w->dest.port = 54321;
	if (onionp_path_make(&w->client, nodes, &w->path) == -1)
		return -1;
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world	*w = *state;

	onionp_path_wipe(&w->path);
	free(w);
	return 0;
}

static void
payload_make(uint8_t *p, size_t len, uint8_t kind)
{
	size_t	i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	p[0] = kind;
}

/* The client's 0x80 for payload; its length. */
static size_t
client_packet(struct world *w, const uint8_t *payload, size_t plen)
{
	int	n;

	n = onionp_client_pack(&w->path, &w->dest, payload, plen, w->pkt,
	    sizeof(w->pkt));
	assert_true(n > 0);
	return (size_t)n;
}

/* Runs the request through A, B and C; leaves C's output in w->out. */
static void
through_abc(struct world *w, size_t len)
{
	uint8_t	buf[ONION_MAX_PACKET];

	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, w->pkt, len, &w->out), 0);
	assert_true(ipp_equal(&w->out.to, &w->addr[1]));
	memcpy(buf, w->out.pkt, w->out.len);
	len = w->out.len;
	assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1], &w->addr[0],
	    buf, len, &w->out), 0);
	assert_true(ipp_equal(&w->out.to, &w->addr[2]));
	memcpy(buf, w->out.pkt, w->out.len);
	len = w->out.len;
	assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2], &w->addr[1],
	    buf, len, &w->out), 0);
	assert_true(ipp_equal(&w->out.to, &w->dest));
}

static void
onionp_ipp_codec(void **state)
{
	static const uint8_t	want4[ONION_IPP_LEN] = { 2, 192, 0, 2, 1,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x9c, 0x41 };
	struct world		*w = *state;
	struct ip_port		 a, b;
	uint8_t			 buf[ONION_IPP_LEN + 1];
	struct wr		 wr;
	struct rd		 r;

	wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(onionp_ipp_pack(&wr, &w->client_addr), 0);
	assert_int_equal(wr_len(&wr), ONION_IPP_LEN);
	assert_memory_equal(buf, want4, ONION_IPP_LEN);
	rd_init(&r, buf, ONION_IPP_LEN);
	assert_int_equal(onionp_ipp_unpack(&r, &a), 0);
	assert_true(rd_done(&r));
	assert_true(ipp_equal(&a, &w->client_addr));

	wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(onionp_ipp_pack(&wr, &w->dest), 0);
	assert_int_equal(buf[0], 10);
	assert_int_equal(buf[17], 54321 >> 8);
	rd_init(&r, buf, ONION_IPP_LEN);
	assert_int_equal(onionp_ipp_unpack(&r, &a), 0);
	assert_true(ipp_equal(&a, &w->dest));

	/* IPv4-mapped IPv6 is the IPv4 address */
	memset(buf, 0, sizeof(buf));
	buf[0] = 10;
	buf[11] = buf[12] = 0xff;
	buf[13] = 192; buf[14] = 0; buf[15] = 2; buf[16] = 1;
	buf[17] = 0x9c; buf[18] = 0x41;
	rd_init(&r, buf, ONION_IPP_LEN);
	assert_int_equal(onionp_ipp_unpack(&r, &a), 0);
	assert_true(ipp_equal(&a, &w->client_addr));

	/* families other than 2 and 10, zeros, port 0, short: refused */
	memcpy(buf, want4, ONION_IPP_LEN);
	buf[0] = 130;		/* TCP IPv4 */
	rd_init(&r, buf, ONION_IPP_LEN);
	assert_int_equal(onionp_ipp_unpack(&r, &a), -1);
	buf[0] = 3;
	rd_init(&r, buf, ONION_IPP_LEN);
	assert_int_equal(onionp_ipp_unpack(&r, &a), -1);
	memcpy(buf, want4, ONION_IPP_LEN);
	buf[17] = buf[18] = 0;
	rd_init(&r, buf, ONION_IPP_LEN);
	assert_int_equal(onionp_ipp_unpack(&r, &a), -1);
	memset(buf, 0, sizeof(buf));
	buf[0] = 2;
	buf[18] = 1;
	rd_init(&r, buf, ONION_IPP_LEN);
	assert_int_equal(onionp_ipp_unpack(&r, &a), -1);
	rd_init(&r, want4, ONION_IPP_LEN - 1);
	assert_int_equal(onionp_ipp_unpack(&r, &a), -1);
	/* an unset address cannot be packed */
	memset(&b, 0, sizeof(b));
	wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(onionp_ipp_pack(&wr, &b), -1);
	assert_false(wr_ok(&wr));
}

/* A -> B -> C -> D and back: what D gets is the payload, what the client
 * gets is D's answer, byte for byte. */
static void
onionp_round_trip(void **state)
{
	struct world	*w = *state;
	uint8_t		 payload[ANNOUNCE_REQ_LEN], resp[ANNOUNCE_RESP_MIN];
	uint8_t		 p80[ONION_MAX_PACKET], buf[ONION_MAX_PACKET];
	uint8_t		 r3[ONION_RET_3_LEN];
	const uint8_t	*got, *r;
	size_t		 len, glen;
	int		 n;

	payload_make(payload, sizeof(payload), ONION_ANNOUNCE_REQ);
	len = client_packet(w, payload, sizeof(payload));
	assert_int_equal(len, ONION_REQ_0_MIN + sizeof(payload));
	assert_int_equal(w->pkt[0], ONION_REQ_0);
	assert_memory_equal(w->pkt + 1 + ONION_NONCE_LEN, w->client.pk,
	    DHT_PK_LEN);
	memcpy(p80, w->pkt, len);

	/* A: 0x81 || same nonce || PK1 || E_B || R1 */
	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, p80, len, &w->out), 0);
	assert_true(ipp_equal(&w->out.to, &w->addr[1]));
	assert_int_equal(w->out.len, len - 8);
	assert_int_equal(w->out.pkt[0], ONION_REQ_1);
	assert_memory_equal(w->out.pkt + 1, p80 + 1, ONION_NONCE_LEN);
	assert_memory_equal(w->out.pkt + 1 + ONION_NONCE_LEN,
	    w->path.sender_pk[1], DHT_PK_LEN);
	memcpy(buf, w->out.pkt, w->out.len);
	len = w->out.len;

	/* B: 0x82 || nonce || PK2 || E_C || R2 */
	assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1], &w->addr[0],
	    buf, len, &w->out), 0);
	assert_true(ipp_equal(&w->out.to, &w->addr[2]));
	assert_int_equal(w->out.len, len - 8);
	assert_int_equal(w->out.pkt[0], ONION_REQ_2);
	assert_memory_equal(w->out.pkt + 1 + ONION_NONCE_LEN,
	    w->path.sender_pk[2], DHT_PK_LEN);
	memcpy(buf, w->out.pkt, w->out.len);
	len = w->out.len;

	/* C: payload || R3 to D */
	assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2], &w->addr[1],
	    buf, len, &w->out), 0);
	assert_true(ipp_equal(&w->out.to, &w->dest));
	assert_int_equal(w->out.len, sizeof(payload) + ONION_RET_3_LEN);
	assert_int_equal(onionp_dest_split(w->out.pkt, w->out.len, &got, &glen,
	    &r), 0);
	assert_int_equal(glen, sizeof(payload));
	assert_memory_equal(got, payload, sizeof(payload));
	memcpy(r3, r, sizeof(r3));

	/* D answers 0x8c || R3 || resp; C, B, A walk it back */
	payload_make(resp, sizeof(resp), ONION_ANNOUNCE_RESP);
	n = onionp_dest_answer(r3, resp, sizeof(resp), buf, sizeof(buf));
	assert_int_equal(n, 1 + ONION_RET_3_LEN + sizeof(resp));
	assert_int_equal(onionp_resp_3(&w->sec[2], buf, (size_t)n, &w->out), 0);
	assert_true(ipp_equal(&w->out.to, &w->addr[1]));
	assert_int_equal(w->out.pkt[0], ONION_RESP_2);
	assert_int_equal(w->out.len, 1 + ONION_RET_2_LEN + sizeof(resp));
	memcpy(buf, w->out.pkt, w->out.len);
	assert_int_equal(onionp_resp_2(&w->sec[1], buf, w->out.len, &w->out),
	    0);
	assert_true(ipp_equal(&w->out.to, &w->addr[0]));
	assert_int_equal(w->out.pkt[0], ONION_RESP_1);
	memcpy(buf, w->out.pkt, w->out.len);
	assert_int_equal(onionp_resp_1(&w->sec[0], buf, w->out.len, &w->out),
	    0);
	assert_true(ipp_equal(&w->out.to, &w->client_addr));
	assert_int_equal(w->out.len, sizeof(resp));
	assert_memory_equal(w->out.pkt, resp, sizeof(resp));

	/* a response is opened only by the relay that sealed its block */
	n = onionp_dest_answer(r3, resp, sizeof(resp), buf, sizeof(buf));
	assert_int_equal(onionp_resp_3(&w->sec[1], buf, (size_t)n, &w->out),
	    -1);
	assert_int_equal(onionp_relay(&w->relay[2], &w->sec[2], &w->addr[0],
	    buf, (size_t)n, &w->out), 0);
}

/*
 * Through a TCP relay as A: the client packs nonce || IPP(B) || PK1 ||
 * E_B (no layer A); relay 0, as our relay server, makes the 0x81 with a
 * return block naming its client (IPP_SRV); B and C carry it to D; D's
 * answer walks back to relay 0, which finds that client again.
 */
static void
onionp_tcp_entry(void **state)
{
	struct world	*w = *state;
	uint8_t		 payload[ANNOUNCE_REQ_LEN], resp[ANNOUNCE_RESP_MIN];
	uint8_t		 buf[ONION_MAX_PACKET], r3[ONION_RET_3_LEN];
	struct ip_port	 b, client;
	struct rd	 r;
	const uint8_t	*got, *ret;
	size_t		 glen;
	int		 n;

	payload_make(payload, sizeof(payload), ONION_ANNOUNCE_REQ);
	n = onionp_client_pack_tcp(&w->path, &w->dest, payload,
	    sizeof(payload), w->pkt, sizeof(w->pkt));
	/* 0x80 without its kind, our DHT pk and A's MAC */
	assert_int_equal(n, ONION_REQ_0_MIN + sizeof(payload) - 1 -
	    DHT_PK_LEN - ONION_MAC_LEN);
	rd_init(&r, w->pkt, (size_t)n);
	assert_non_null(rd_take(&r, ONION_NONCE_LEN));
	assert_int_equal(onionp_ipp_unpack(&r, &b), 0);
	assert_true(ipp_equal(&b, &w->addr[1]));
	ipp_srv(&client, 5);
	assert_int_equal(onionp_req_tcp(&w->sec[0], &client, w->pkt,
	    (size_t)n, &w->out), 0);
	assert_true(ipp_equal(&w->out.to, &w->addr[1]));
	assert_int_equal(w->out.pkt[0], ONION_REQ_1);
	memcpy(buf, w->out.pkt, w->out.len);
	assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1], &w->addr[0],
	    buf, w->out.len, &w->out), 0);
	assert_true(ipp_equal(&w->out.to, &w->addr[2]));
	memcpy(buf, w->out.pkt, w->out.len);
	assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2], &w->addr[1],
	    buf, w->out.len, &w->out), 0);
	assert_true(ipp_equal(&w->out.to, &w->dest));
	assert_int_equal(onionp_dest_split(w->out.pkt, w->out.len, &got,
	    &glen, &ret), 0);
	assert_int_equal(glen, sizeof(payload));
	assert_memory_equal(got, payload, sizeof(payload));
	memcpy(r3, ret, sizeof(r3));
	/* back: D, C, B, then relay 0 finds its client */
	payload_make(resp, sizeof(resp), ONION_ANNOUNCE_RESP);
	n = onionp_dest_answer(r3, resp, sizeof(resp), buf, sizeof(buf));
	assert_int_equal(onionp_resp_3(&w->sec[2], buf, (size_t)n, &w->out),
	    0);
	memcpy(buf, w->out.pkt, w->out.len);
	assert_int_equal(onionp_resp_2(&w->sec[1], buf, w->out.len, &w->out),
	    0);
	memcpy(buf, w->out.pkt, w->out.len);
	assert_int_equal(onionp_resp_1(&w->sec[0], buf, w->out.len, &w->out),
	    0);
	assert_true(ipp_equal(&w->out.to, &client));
	assert_int_equal(w->out.len, sizeof(resp));
	assert_memory_equal(w->out.pkt, resp, sizeof(resp));
	/* the client's family is no next hop anyone else may name */
	memset(buf, 0, ONION_IPP_LEN);
	buf[0] = ONION_IPP_SRV;
	buf[4] = 5;
	buf[ONION_IPP_LEN - 1] = 1;
	rd_init(&r, buf, ONION_IPP_LEN);
	assert_int_equal(onionp_ipp_unpack(&r, &b), -1);
	/* bounds: no payload, no room, a request too short */
	assert_int_equal(onionp_client_pack_tcp(&w->path, &w->dest, payload,
	    0, w->pkt, sizeof(w->pkt)), -1);
	assert_int_equal(onionp_client_pack_tcp(&w->path, &w->dest, payload,
	    sizeof(payload), w->pkt, 100), -1);
	assert_int_equal(onionp_req_tcp(&w->sec[0], &client, w->pkt,
	    ONION_NONCE_LEN + ONION_IPP_LEN + ONION_PK_LEN + ONION_MAC_LEN,
	    &w->out), -1);
}

/*
 * The layout, independently: the test seals the three layers itself with
 * the path's keys, raw IPP bytes given, and A..C must relay it.  With a
 * family other than 2/10 (or TCP's 130) at any layer, the relay that
 * reads it refuses.
 */
static void
ipp_raw(const struct ip_port *a, uint8_t out[ONION_IPP_LEN])
{
	struct wr	wr;

	wr_init(&wr, out, ONION_IPP_LEN);
	assert_int_equal(onionp_ipp_pack(&wr, a), 0);
}

static size_t
craft_at(struct world *w, int stage, const uint8_t ipp_b[ONION_IPP_LEN],
    const uint8_t ipp_c[ONION_IPP_LEN], const uint8_t ipp_d[ONION_IPP_LEN],
    const uint8_t *payload, size_t plen)
{
	uint8_t	l1[ONION_MAX_PACKET], l2[ONION_MAX_PACKET];
	uint8_t	l3[ONION_MAX_PACKET], nonce[ONION_NONCE_LEN];
	size_t	n1, n2, n3, ret;

	randombytes_buf(nonce, sizeof(nonce));
	memcpy(l1, ipp_d, ONION_IPP_LEN);
	memcpy(l1 + ONION_IPP_LEN, payload, plen);
	n1 = ONION_IPP_LEN + plen;
	memcpy(l2, ipp_c, ONION_IPP_LEN);
	memcpy(l2 + ONION_IPP_LEN, w->path.sender_pk[2], DHT_PK_LEN);
	crypto_box_easy_afternm(l2 + ONION_IPP_LEN + DHT_PK_LEN, l1, n1, nonce,
	    w->path.key[2]);
	n2 = ONION_IPP_LEN + DHT_PK_LEN + n1 + ONION_MAC_LEN;
	memcpy(l3, ipp_b, ONION_IPP_LEN);
	memcpy(l3 + ONION_IPP_LEN, w->path.sender_pk[1], DHT_PK_LEN);
	crypto_box_easy_afternm(l3 + ONION_IPP_LEN + DHT_PK_LEN, l2, n2, nonce,
	    w->path.key[1]);
	n3 = ONION_IPP_LEN + DHT_PK_LEN + n2 + ONION_MAC_LEN;
	memcpy(w->pkt + 1, nonce, sizeof(nonce));
	if (stage == 0) {
		w->pkt[0] = ONION_REQ_0;
		memcpy(w->pkt + 1 + ONION_NONCE_LEN, w->client.pk, DHT_PK_LEN);
		/* with the client's DHT secret key, as c-toxcore */
		assert_int_equal(crypto_box_easy(w->pkt + 1 + ONION_NONCE_LEN +
		    DHT_PK_LEN, l3, n3, nonce, w->relay[0].pk, w->client.sk),
		    0);
		return 1 + ONION_NONCE_LEN + DHT_PK_LEN + n3 + ONION_MAC_LEN;
	}
	/* 0x81 || nonce || PK1 || E_B || R1, or 0x82 || nonce || PK2 ||
	 * E_C || R2: the return block is opaque, zeros will do */
	w->pkt[0] = stage == 1 ? ONION_REQ_1 : ONION_REQ_2;
	ret = stage == 1 ? ONION_RET_1_LEN : ONION_RET_2_LEN;
	n3 = stage == 1 ? n3 : n2;
	memcpy(w->pkt + 1 + ONION_NONCE_LEN, stage == 1 ? l3 + ONION_IPP_LEN :
	    l2 + ONION_IPP_LEN, n3 - ONION_IPP_LEN);
	memset(w->pkt + 1 + ONION_NONCE_LEN + n3 - ONION_IPP_LEN, 0, ret);
	return 1 + ONION_NONCE_LEN + n3 - ONION_IPP_LEN + ret;
}

static size_t
craft(struct world *w, const uint8_t ipp_b[ONION_IPP_LEN],
    const uint8_t ipp_c[ONION_IPP_LEN], const uint8_t ipp_d[ONION_IPP_LEN],
    const uint8_t *payload, size_t plen)
{
	return craft_at(w, 0, ipp_b, ipp_c, ipp_d, payload, plen);
}

static void
onionp_layout_and_families(void **state)
{
	static const uint8_t	bad_fams[] = { 0, 3, 130, 138, 255 };
	struct world		*w = *state;
	uint8_t			 b[ONION_IPP_LEN], c[ONION_IPP_LEN];
	uint8_t			 d[ONION_IPP_LEN], bad[ONION_IPP_LEN];
	uint8_t			 payload[40], buf[ONION_MAX_PACKET];
	size_t			 len, i;
	int			 layer;

	ipp_raw(&w->addr[1], b);
	ipp_raw(&w->addr[2], c);
	ipp_raw(&w->dest, d);
	payload_make(payload, sizeof(payload), ONION_DATA_REQ);
	len = craft(w, b, c, d, payload, sizeof(payload));
	through_abc(w, len);
	assert_int_equal(w->out.len, sizeof(payload) + ONION_RET_3_LEN);
	assert_memory_equal(w->out.pkt, payload, sizeof(payload));

	for (i = 0; i < sizeof(bad_fams); i++)
		for (layer = 0; layer < 3; layer++) {
			memcpy(bad, layer == 0 ? b : layer == 1 ? c : d,
			    ONION_IPP_LEN);
			bad[0] = bad_fams[i];
			len = craft(w, layer == 0 ? bad : b,
			    layer == 1 ? bad : c, layer == 2 ? bad : d,
			    payload, sizeof(payload));
			if (layer == 0) {
				assert_int_equal(onionp_req_0(&w->relay[0],
				    &w->sec[0], &w->client_addr, w->pkt, len,
				    &w->out), -1);
				continue;
			}
			assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
			    &w->client_addr, w->pkt, len, &w->out), 0);
			memcpy(buf, w->out.pkt, w->out.len);
			len = w->out.len;
			if (layer == 1) {
				assert_int_equal(onionp_req_1(&w->relay[1],
				    &w->sec[1], &w->addr[0], buf, len,
				    &w->out), -1);
				continue;
			}
			assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1],
			    &w->addr[0], buf, len, &w->out), 0);
			memcpy(buf, w->out.pkt, w->out.len);
			assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2],
			    &w->addr[1], buf, w->out.len, &w->out), -1);
		}
}

/* Packets sealed by the test at each stage: with a one-byte payload
 * they are one byte over c-toxcore's minimum and relayed; with none, at
 * the minimum, refused though every MAC is right. */
static void
onionp_request_minimums(void **state)
{
	static const size_t	mins[3] = { ONION_REQ_0_MIN, ONION_REQ_1_MIN,
	    ONION_REQ_2_MIN };
	struct world		*w = *state;
	uint8_t			 b[ONION_IPP_LEN], c[ONION_IPP_LEN];
	uint8_t			 d[ONION_IPP_LEN], one = ONION_ANNOUNCE_REQ;
	const struct ip_port	*from[3] = { &w->client_addr, &w->addr[0],
	    &w->addr[1] };
	size_t			 len;
	int			 stage;

	ipp_raw(&w->addr[1], b);
	ipp_raw(&w->addr[2], c);
	ipp_raw(&w->dest, d);
	for (stage = 0; stage < 3; stage++) {
		len = craft_at(w, stage, b, c, d, &one, 1);
		assert_int_equal(len, mins[stage] + 1);
		assert_int_equal(onionp_relay(&w->relay[stage], &w->sec[stage],
		    from[stage], w->pkt, len, &w->out), 0);
		assert_true(ipp_equal(&w->out.to, stage == 0 ? &w->addr[1] :
		    stage == 1 ? &w->addr[2] : &w->dest));
		len = craft_at(w, stage, b, c, d, &one, 0);
		assert_int_equal(len, mins[stage]);
		assert_int_equal(onionp_relay(&w->relay[stage], &w->sec[stage],
		    from[stage], w->pkt, len, &w->out), -1);
	}
}

/* Each request kind at its bounds: the shortest and longest accepted,
 * one byte less or more refused. */
static void
onionp_request_bounds(void **state)
{
	struct world	*w = *state;
	uint8_t		 payload[ONION_MAX_PAYLOAD + 1], p80[ONION_MAX_PACKET + 1];
	uint8_t		 p81[ONION_MAX_PACKET + 1], p82[ONION_MAX_PACKET + 1];
	size_t		 len, l81, l82;

	payload_make(payload, sizeof(payload), ONION_ANNOUNCE_REQ);
	/* the builder's own bounds */
	assert_int_equal(onionp_client_pack(&w->path, &w->dest, payload, 0,
	    w->pkt, sizeof(w->pkt)), -1);
	assert_int_equal(onionp_client_pack(&w->path, &w->dest, payload,
	    ONION_MAX_PAYLOAD + 1, w->pkt, sizeof(w->pkt)), -1);
	assert_int_equal(onionp_client_pack(&w->path, &w->dest, payload,
	    10, w->pkt, ONION_REQ_0_MIN + 9), -1);

	/* shortest: a one-byte payload, 227/219/211 bytes */
	len = client_packet(w, payload, 1);
	assert_int_equal(len, ONION_REQ_0_MIN + 1);
	memcpy(p80, w->pkt, len);
	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, p80, len, &w->out), 0);
	l81 = w->out.len;
	assert_int_equal(l81, ONION_REQ_1_MIN + 1);
	memcpy(p81, w->out.pkt, l81);
	assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1], &w->addr[0],
	    p81, l81, &w->out), 0);
	l82 = w->out.len;
	assert_int_equal(l82, ONION_REQ_2_MIN + 1);
	memcpy(p82, w->out.pkt, l82);
	assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2], &w->addr[1],
	    p82, l82, &w->out), 0);
	assert_int_equal(w->out.len, 1 + ONION_RET_3_LEN);
	/* one byte short: at the minimum, refused */
	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, p80, len - 1, &w->out), -1);
	assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1], &w->addr[0],
	    p81, l81 - 1, &w->out), -1);
	assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2], &w->addr[1],
	    p82, l82 - 1, &w->out), -1);
	/* one byte long: the MAC or the return block is out of place */
	p80[len] = 0;
	p81[l81] = 0;
	p82[l82] = 0;
	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, p80, len + 1, &w->out), -1);
	assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1], &w->addr[0],
	    p81, l81 + 1, &w->out), -1);
	assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2], &w->addr[1],
	    p82, l82 + 1, &w->out), -1);

	/* longest: a 1174-byte payload makes a 1400-byte 0x80 */
	len = client_packet(w, payload, ONION_MAX_PAYLOAD);
	assert_int_equal(len, ONION_MAX_PACKET);
	memcpy(p80, w->pkt, len);
	through_abc(w, len);
	assert_int_equal(w->out.len, ONION_MAX_PAYLOAD + ONION_RET_3_LEN);
	/* 1401 bytes: refused on length whatever they hold */
	p80[len] = 0;
	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, p80, len + 1, &w->out), -1);
	memset(p81, 0, sizeof(p81));
	p81[0] = ONION_REQ_1;
	assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1], &w->addr[0],
	    p81, ONION_MAX_PACKET + 1, &w->out), -1);
	p81[0] = ONION_REQ_2;
	assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2], &w->addr[1],
	    p81, ONION_MAX_PACKET + 1, &w->out), -1);
	assert_int_equal(onionp_relay(&w->relay[0], &w->sec[0],
	    &w->client_addr, p80, 0, &w->out), -1);
}

/* A packet for A given to another relay, a flipped bit in any layer, the
 * wrong kind byte: refused. */
static void
onionp_request_forgeries(void **state)
{
	struct world	*w = *state;
	uint8_t		 payload[100], p80[ONION_MAX_PACKET], p81[ONION_MAX_PACKET];
	uint8_t		 p82[ONION_MAX_PACKET], t[ONION_MAX_PACKET];
	size_t		 len, l81, l82;

	payload_make(payload, sizeof(payload), ONION_DATA_REQ);
	len = client_packet(w, payload, sizeof(payload));
	memcpy(p80, w->pkt, len);
	/* wrong key */
	assert_int_equal(onionp_req_0(&w->other, &w->sec[0], &w->client_addr,
	    p80, len, &w->out), -1);
	assert_int_equal(onionp_req_0(&w->relay[1], &w->sec[1],
	    &w->client_addr, p80, len, &w->out), -1);
	/* tampered: the last byte (in the box), a nonce byte, the key */
	memcpy(t, p80, len);
	t[len - 1] ^= 1;
	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, t, len, &w->out), -1);
	memcpy(t, p80, len);
	t[5] ^= 0x80;
	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, t, len, &w->out), -1);
	memcpy(t, p80, len);
	t[1 + ONION_NONCE_LEN] ^= 1;
	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, t, len, &w->out), -1);
	/* wrong kind for the step */
	memcpy(t, p80, len);
	t[0] = ONION_REQ_1;
	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, t, len, &w->out), -1);

	assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
	    &w->client_addr, p80, len, &w->out), 0);
	l81 = w->out.len;
	memcpy(p81, w->out.pkt, l81);
	assert_int_equal(onionp_req_1(&w->relay[2], &w->sec[2], &w->addr[0],
	    p81, l81, &w->out), -1);
	memcpy(t, p81, l81);
	t[l81 - ONION_RET_1_LEN - 1] ^= 1;	/* the MAC's end */
	assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1], &w->addr[0],
	    t, l81, &w->out), -1);
	/* R1 is opaque to B: changing it still relays, and A refuses the
	 * answer later (onionp_response_forgeries) */
	assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1], &w->addr[0],
	    p81, l81, &w->out), 0);
	l82 = w->out.len;
	memcpy(p82, w->out.pkt, l82);
	assert_int_equal(onionp_req_2(&w->relay[0], &w->sec[0], &w->addr[1],
	    p82, l82, &w->out), -1);
	memcpy(t, p82, l82);
	t[1 + ONION_NONCE_LEN + DHT_PK_LEN] ^= 1;	/* the MAC's start */
	assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2], &w->addr[1],
	    t, l82, &w->out), -1);
	assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2], &w->addr[1],
	    p82, l82, &w->out), 0);
}

/* C forwards announce (0x83) and data (0x85) requests only. */
static void
onionp_payload_kinds(void **state)
{
	struct world	*w = *state;
	uint8_t		 payload[64];
	unsigned	 k;
	size_t		 len;
	int		 want;
	uint8_t		 buf[ONION_MAX_PACKET];

	for (k = 0; k < 256; k++) {
		payload_make(payload, sizeof(payload), (uint8_t)k);
		len = client_packet(w, payload, sizeof(payload));
		assert_int_equal(onionp_req_0(&w->relay[0], &w->sec[0],
		    &w->client_addr, w->pkt, len, &w->out), 0);
		memcpy(buf, w->out.pkt, w->out.len);
		assert_int_equal(onionp_req_1(&w->relay[1], &w->sec[1],
		    &w->addr[0], buf, w->out.len, &w->out), 0);
		memcpy(buf, w->out.pkt, w->out.len);
		want = k == ONION_ANNOUNCE_REQ || k == ONION_DATA_REQ ? 0 : -1;
		assert_int_equal(onionp_req_2(&w->relay[2], &w->sec[2],
		    &w->addr[1], buf, w->out.len, &w->out), want);
	}
}

/* R3 for a request that went client -> A -> B -> C; copied to r3. */
static void
get_r3(struct world *w, uint8_t r3[ONION_RET_3_LEN])
{
	uint8_t		 payload[ANNOUNCE_REQ_LEN];
	const uint8_t	*p, *r;
	size_t		 plen;

	payload_make(payload, sizeof(payload), ONION_ANNOUNCE_REQ);
	through_abc(w, client_packet(w, payload, sizeof(payload)));
	assert_int_equal(onionp_dest_split(w->out.pkt, w->out.len, &p, &plen,
	    &r), 0);
	memcpy(r3, r, ONION_RET_3_LEN);
}

/* Walks a 0x8c back; returns the first step that refused (3, 2, 1) or 0. */
static int
walk_back(struct world *w, const uint8_t *p8c, size_t len)
{
	uint8_t	buf[ONION_MAX_PACKET + 1];

	memcpy(buf, p8c, len);
	if (onionp_resp_3(&w->sec[2], buf, len, &w->out) == -1)
		return 3;
	memcpy(buf, w->out.pkt, w->out.len);
	if (onionp_resp_2(&w->sec[1], buf, w->out.len, &w->out) == -1)
		return 2;
	memcpy(buf, w->out.pkt, w->out.len);
	if (onionp_resp_1(&w->sec[0], buf, w->out.len, &w->out) == -1)
		return 1;
	return 0;
}

static void
onionp_response_bounds(void **state)
{
	struct world	*w = *state;
	uint8_t		 r3[ONION_RET_3_LEN], resp[ONION_MAX_RESPONSE + 1];
	uint8_t		 p[ONION_MAX_PACKET + 2], q[ONION_MAX_PACKET + 2];
	size_t		 l8d, l8e;
	int		 n;

	get_r3(w, r3);
	payload_make(resp, sizeof(resp), ONION_DATA_RESP);
	assert_int_equal(onionp_dest_answer(r3, resp, 0, p, sizeof(p)), -1);
	assert_int_equal(onionp_dest_answer(r3, resp, ONION_MAX_RESPONSE + 1, p,
	    sizeof(p)), -1);

	/* shortest: a one-byte answer; 179, 120, 61 bytes */
	n = onionp_dest_answer(r3, resp, 1, p, sizeof(p));
	assert_int_equal(n, ONION_RESP_3_MIN + 1);
	assert_int_equal(walk_back(w, p, (size_t)n), 0);
	assert_int_equal(w->out.len, 1);
	assert_int_equal(onionp_resp_3(&w->sec[2], p, (size_t)n - 1, &w->out),
	    -1);
	assert_int_equal(onionp_resp_3(&w->sec[2], p, (size_t)n, &w->out), 0);
	l8d = w->out.len;
	assert_int_equal(l8d, ONION_RESP_2_MIN + 1);
	memcpy(q, w->out.pkt, l8d);
	assert_int_equal(onionp_resp_2(&w->sec[1], q, l8d - 1, &w->out), -1);
	assert_int_equal(onionp_resp_2(&w->sec[1], q, l8d, &w->out), 0);
	l8e = w->out.len;
	assert_int_equal(l8e, ONION_RESP_1_MIN + 1);
	memcpy(q, w->out.pkt, l8e);
	assert_int_equal(onionp_resp_1(&w->sec[0], q, l8e - 1, &w->out), -1);
	assert_int_equal(onionp_resp_1(&w->sec[0], q, l8e, &w->out), 0);

	/* longest: 1222 bytes of answer, a 1400-byte 0x8c */
	n = onionp_dest_answer(r3, resp, ONION_MAX_RESPONSE, p, sizeof(p));
	assert_int_equal(n, ONION_MAX_PACKET);
	assert_int_equal(walk_back(w, p, (size_t)n), 0);
	assert_int_equal(w->out.len, ONION_MAX_RESPONSE);
	assert_memory_equal(w->out.pkt, resp, ONION_MAX_RESPONSE);
	/* one more byte: refused on length at every step */
	p[n] = 0;
	assert_int_equal(walk_back(w, p, (size_t)n + 1), 3);
	memset(q, 0, sizeof(q));
	q[0] = ONION_RESP_2;
	q[1 + ONION_RET_2_LEN] = ONION_ANNOUNCE_RESP;
	assert_int_equal(onionp_resp_2(&w->sec[1], q, ONION_MAX_PACKET + 1,
	    &w->out), -1);
	q[0] = ONION_RESP_1;
	q[1 + ONION_RET_1_LEN] = ONION_ANNOUNCE_RESP;
	assert_int_equal(onionp_resp_1(&w->sec[0], q, ONION_MAX_PACKET + 1,
	    &w->out), -1);
}

static void
onionp_response_forgeries(void **state)
{
	struct world	*w = *state;
	uint8_t		 r3[ONION_RET_3_LEN], resp[ANNOUNCE_RESP_MIN];
	uint8_t		 p[ONION_MAX_PACKET], t[ONION_MAX_PACKET];
	unsigned	 k;
	size_t		 i;
	int		 n;

	get_r3(w, r3);
	/* relays carry 0x84 and 0x86 only */
	for (k = 0; k < 256; k++) {
		payload_make(resp, sizeof(resp), (uint8_t)k);
		n = onionp_dest_answer(r3, resp, sizeof(resp), p, sizeof(p));
		assert_int_equal(walk_back(w, p, (size_t)n),
		    k == ONION_ANNOUNCE_RESP || k == ONION_DATA_RESP ? 0 : 3);
	}
	/* a flipped bit anywhere in R3 (nonce, box, MAC): refused by C */
	payload_make(resp, sizeof(resp), ONION_ANNOUNCE_RESP);
	n = onionp_dest_answer(r3, resp, sizeof(resp), p, sizeof(p));
	for (i = 1; i < 1 + ONION_RET_3_LEN; i += 11) {
		memcpy(t, p, (size_t)n);
		t[i] ^= 0x10;
		assert_int_equal(walk_back(w, t, (size_t)n), 3);
	}
	/* the answer itself is not sealed by the relays: any body passes */
	memcpy(t, p, (size_t)n);
	t[n - 1] ^= 0x10;
	assert_int_equal(walk_back(w, t, (size_t)n), 0);
	/* a forged R2 inside an honest-looking 0x8d: B refuses */
	assert_int_equal(onionp_resp_3(&w->sec[2], p, (size_t)n, &w->out), 0);
	memcpy(t, w->out.pkt, w->out.len);
	t[1 + ONION_NONCE_LEN + 3] ^= 1;
	assert_int_equal(onionp_resp_2(&w->sec[1], t, w->out.len, &w->out), -1);
	/* wrong kind for the step */
	memcpy(t, p, (size_t)n);
	t[0] = ONION_RESP_2;
	assert_int_equal(onionp_resp_3(&w->sec[2], t, (size_t)n, &w->out), -1);
	assert_int_equal(onionp_resp_2(&w->sec[2], t, (size_t)n, &w->out), -1);
}

/* A return block opens with the secret that sealed it, current or
 * previous, and with no other. */
static void
onionp_secret_rotation(void **state)
{
	struct world		*w = *state;
	struct onion_secrets	 sealed = w->sec[2];
	uint8_t			 r3[ONION_RET_3_LEN], resp[ANNOUNCE_RESP_MIN];
	uint8_t			 p[ONION_MAX_PACKET];
	int			 n;

	get_r3(w, r3);
	payload_make(resp, sizeof(resp), ONION_ANNOUNCE_RESP);
	n = onionp_dest_answer(r3, resp, sizeof(resp), p, sizeof(p));
	/* rotated once: the sealing secret is the previous one */
	memcpy(w->sec[2].prev, sealed.cur, ONION_SECRET_LEN);
	randombytes_buf(w->sec[2].cur, ONION_SECRET_LEN);
	w->sec[2].has_prev = 1;
	assert_int_equal(onionp_resp_3(&w->sec[2], p, (size_t)n, &w->out), 0);
	/* the previous one not kept: refused */
	w->sec[2].has_prev = 0;
	assert_int_equal(onionp_resp_3(&w->sec[2], p, (size_t)n, &w->out), -1);
	/* rotated twice: gone */
	randombytes_buf(w->sec[2].prev, ONION_SECRET_LEN);
	w->sec[2].has_prev = 1;
	assert_int_equal(onionp_resp_3(&w->sec[2], p, (size_t)n, &w->out), -1);
	w->sec[2] = sealed;
	assert_int_equal(onionp_resp_3(&w->sec[2], p, (size_t)n, &w->out), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(onionp_ipp_codec),
		cmocka_unit_test(onionp_round_trip),
		cmocka_unit_test(onionp_tcp_entry),
		cmocka_unit_test(onionp_layout_and_families),
		cmocka_unit_test(onionp_request_minimums),
		cmocka_unit_test(onionp_request_bounds),
		cmocka_unit_test(onionp_request_forgeries),
		cmocka_unit_test(onionp_payload_kinds),
		cmocka_unit_test(onionp_response_bounds),
		cmocka_unit_test(onionp_response_forgeries),
		cmocka_unit_test(onionp_secret_rotation),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
