/*
 * TCP relay wire: the handshake halves against each other and against
 * libsodium's plain crypto_box (the layout c-toxcore reads), frames and
 * their nonces, the reassembler fed one byte at a time, every rejected
 * frame length, and every packet kind both ways with its truncations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "netd/tcp_wire.h"

struct fx {
	struct dht_keys		client, relay;
	struct tcpw_client_hs	hs;
	struct tcpw_session	cs, ss;		/* client's, relay's */
};

static int
setup(void **state)
{
	struct fx	*f;

	if (sodium_init() < 0 || (f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	dht_keys_init(&f->client);
	dht_keys_init(&f->relay);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

/* A full handshake; both sessions set. */
static void
shake(struct fx *f)
{
	uint8_t	req[TCPW_HS_REQ_LEN], ans[TCPW_HS_ANSWER_LEN], pk[32];

	assert_int_equal(tcpw_client_hello(&f->client, f->relay.pk, &f->hs,
	    req), 0);
	assert_int_equal(tcpw_server_accept(&f->relay, req, sizeof(req), pk,
	    ans, &f->ss), 0);
	assert_memory_equal(pk, f->client.pk, 32);
	assert_int_equal(tcpw_client_finish(&f->client, &f->hs, ans,
	    sizeof(ans), &f->cs), 0);
}

static void
tcpw_handshake_halves_agree(void **state)
{
	struct fx	*f = *state;
	uint8_t		 req[TCPW_HS_REQ_LEN], ans[TCPW_HS_ANSWER_LEN];
	uint8_t		 plain[TCPW_HS_PLAIN_LEN], pk[32], tpk[32];
	uint8_t		 zero[32] = { 0 };

	assert_int_equal(TCPW_HS_REQ_LEN, 128);
	assert_int_equal(TCPW_HS_ANSWER_LEN, 96);
	assert_int_equal(tcpw_client_hello(&f->client, f->relay.pk, &f->hs,
	    req), 0);
	/* Layout: our DHT pk || nonce || box(our sk, relay pk). */
	assert_memory_equal(req, f->client.pk, 32);
	assert_int_equal(crypto_box_open_easy(plain, req + 56, 72, req + 32,
	    f->client.pk, f->relay.sk), 0);
	assert_memory_equal(plain + 32, f->hs.base_nonce, 24);
	crypto_scalarmult_base(tpk, f->hs.temp_sk);
	assert_memory_equal(plain, tpk, 32);

	assert_int_equal(tcpw_server_accept(&f->relay, req, sizeof(req), pk,
	    ans, &f->ss), 0);
	assert_memory_equal(pk, f->client.pk, 32);
	/* The answer: nonce || box(relay sk, client pk)(temp pk || base). */
	assert_int_equal(crypto_box_open_easy(plain, ans + 24, 72, ans,
	    f->relay.pk, f->client.sk), 0);
	assert_memory_equal(plain + 32, f->ss.send_nonce, 24);
	assert_memory_equal(f->ss.recv_nonce, f->hs.base_nonce, 24);

	assert_int_equal(tcpw_client_finish(&f->client, &f->hs, ans,
	    sizeof(ans), &f->cs), 0);
	assert_memory_equal(f->cs.key, f->ss.key, 32);
	assert_memory_equal(f->cs.send_nonce, f->ss.recv_nonce, 24);
	assert_memory_equal(f->cs.recv_nonce, f->ss.send_nonce, 24);
	/* Each side sends with its own base nonce, and they differ. */
	assert_memory_not_equal(f->cs.send_nonce, f->cs.recv_nonce, 24);
	/* The temp secret is gone once used. */
	assert_memory_equal(f->hs.temp_sk, zero, 32);
}

static void
tcpw_handshake_rejects(void **state)
{
	struct fx		*f = *state;
	struct dht_keys		*other;
	struct tcpw_client_hs	 hs2;
	uint8_t			 req[TCPW_HS_REQ_LEN + 1];
	uint8_t			 ans[TCPW_HS_ANSWER_LEN + 1], pk[32];
	size_t			 i;

	assert_non_null(other = calloc(1, sizeof(*other)));
	dht_keys_init(other);
	assert_int_equal(tcpw_client_hello(&f->client, f->relay.pk, &f->hs,
	    req), 0);
	req[128] = 0;
	/* Lengths other than 128, and every byte flipped. */
	assert_int_equal(tcpw_server_accept(&f->relay, req, 127, pk, ans,
	    &f->ss), -1);
	assert_int_equal(tcpw_server_accept(&f->relay, req, 129, pk, ans,
	    &f->ss), -1);
	assert_int_equal(tcpw_server_accept(&f->relay, req, 0, pk, ans,
	    &f->ss), -1);
	for (i = 0; i < 128; i++) {
		req[i] ^= 0x01;
		assert_int_equal(tcpw_server_accept(&f->relay, req, 128, pk,
		    ans, &f->ss), -1);
		req[i] ^= 0x01;
	}
	/* Meant for another relay. */
	assert_int_equal(tcpw_server_accept(other, req, 128, pk, ans, &f->ss),
	    -1);
	/* A relay does not talk to its own key. */
	assert_int_equal(tcpw_client_hello(&f->relay, f->relay.pk, &hs2, req),
	    0);
	assert_int_equal(tcpw_server_accept(&f->relay, req, 128, pk, ans,
	    &f->ss), -1);
	/* A low-order relay key is refused up front. */
	memset(pk, 0, sizeof(pk));
	assert_int_equal(tcpw_client_hello(&f->client, pk, &hs2, req), -1);

	/* The answer: every byte matters, the length is exact. */
	assert_int_equal(tcpw_client_hello(&f->client, f->relay.pk, &f->hs,
	    req), 0);
	assert_int_equal(tcpw_server_accept(&f->relay, req, 128, pk, ans,
	    &f->ss), 0);
	for (i = 0; i < 96; i++) {
		hs2 = f->hs;
		ans[i] ^= 0x80;
		assert_int_equal(tcpw_client_finish(&f->client, &hs2, ans, 96,
		    &f->cs), -1);
		ans[i] ^= 0x80;
	}
	hs2 = f->hs;
	assert_int_equal(tcpw_client_finish(&f->client, &hs2, ans, 95, &f->cs),
	    -1);
	hs2 = f->hs;
	assert_int_equal(tcpw_client_finish(&f->client, &hs2, ans, 97, &f->cs),
	    -1);
	/* An answer to another client (another DHT key) does not open. */
	hs2 = f->hs;
	assert_int_equal(tcpw_client_finish(other, &hs2, ans, 96, &f->cs), -1);
	hs2 = f->hs;
	assert_int_equal(tcpw_client_finish(&f->client, &hs2, ans, 96, &f->cs),
	    0);
	free(other);
}

static void
tcpw_nonce_is_big_endian(void **state)
{
	uint8_t	n[24], want[24];

	(void)state;
	memset(n, 0, sizeof(n));
	tcpw_nonce_inc(n);
	memset(want, 0, sizeof(want));
	want[23] = 1;
	assert_memory_equal(n, want, 24);
	/* The carry runs toward byte 0. */
	n[23] = 0xff;
	n[22] = 0xff;
	n[21] = 0x07;
	tcpw_nonce_inc(n);
	memset(want, 0, sizeof(want));
	want[21] = 0x08;
	assert_memory_equal(n, want, 24);
	/* All ones wrap to zero. */
	memset(n, 0xff, sizeof(n));
	tcpw_nonce_inc(n);
	memset(want, 0, sizeof(want));
	assert_memory_equal(n, want, 24);
}

static void
tcpw_frames_seal_with_counting_nonce(void **state)
{
	struct fx	*f = *state;
	uint8_t		 frame[TCPW_FRAME_MAX + 4], plain[TCPW_PLAIN_MAX + 1];
	uint8_t		 out[TCPW_PLAIN_MAX], nonce[24];
	int		 n, i;

	shake(f);
	memcpy(nonce, f->cs.send_nonce, 24);
	memset(plain, 0x5a, sizeof(plain));
	for (i = 0; i < 3; i++) {
		n = tcpw_frame_seal(&f->cs, plain, 10, frame, sizeof(frame));
		assert_int_equal(n, 2 + 16 + 10);
		assert_int_equal(frame[0], 0);
		assert_int_equal(frame[1], 26);
		/* Frame i is under base + i. */
		assert_int_equal(crypto_box_open_easy_afternm(out, frame + 2,
		    26, nonce, f->ss.key), 0);
		assert_memory_equal(out, plain, 10);
		tcpw_nonce_inc(nonce);
	}
	/* The largest frame: 2032 plain, length field 2048. */
	n = tcpw_frame_seal(&f->cs, plain, TCPW_PLAIN_MAX, frame,
	    sizeof(frame));
	assert_int_equal(n, TCPW_FRAME_MAX);
	assert_int_equal(frame[0], 0x08);
	assert_int_equal(frame[1], 0x00);
	/* Too long, empty, no room: refused, and no nonce is spent. */
	memcpy(nonce, f->cs.send_nonce, 24);
	assert_int_equal(tcpw_frame_seal(&f->cs, plain, TCPW_PLAIN_MAX + 1,
	    frame, sizeof(frame)), -1);
	assert_int_equal(tcpw_frame_seal(&f->cs, plain, 0, frame,
	    sizeof(frame)), -1);
	assert_int_equal(tcpw_frame_seal(&f->cs, plain, 10, frame, 27), -1);
	assert_memory_equal(nonce, f->cs.send_nonce, 24);
}

static void
tcpw_rx_reassembles_from_single_bytes(void **state)
{
	static const size_t	 sizes[] = { 1, 100, TCPW_PLAIN_MAX, 7 };
	struct fx		*f = *state;
	struct tcpw_rx		*rx;
	uint8_t			*stream, plain[TCPW_PLAIN_MAX], msg[TCPW_PLAIN_MAX];
	const uint8_t		*in;
	size_t			 len = 0, i, n, plen, got = 0;
	int			 rv;

	shake(f);
	assert_non_null(rx = calloc(1, sizeof(*rx)));
	assert_non_null(stream = malloc(4 * TCPW_FRAME_MAX));
	for (i = 0; i < 4; i++) {
		memset(msg, (int)(0x10 + i), sizes[i]);
		rv = tcpw_frame_seal(&f->ss, msg, sizes[i], stream + len,
		    TCPW_FRAME_MAX);
		assert_int_equal(rv, (int)sizes[i] + 18);
		len += (size_t)rv;
	}
	tcpw_rx_init(rx);
	for (i = 0; i < len; i++) {
		in = stream + i;
		n = 1;
		rv = tcpw_rx_next(rx, &f->cs, &in, &n, plain, &plen);
		assert_int_equal(n, 0);
		assert_true(rx->have <= TCPW_FRAME_MAX);
		if (rv == 0)
			continue;
		assert_int_equal(rv, 1);
		assert_int_equal(plen, sizes[got]);
		memset(msg, (int)(0x10 + got), sizes[got]);
		assert_memory_equal(plain, msg, plen);
		got++;
	}
	assert_int_equal(got, 4);
	free(stream);
	free(rx);
}

static void
tcpw_rx_whole_stream_at_once(void **state)
{
	struct fx	*f = *state;
	struct tcpw_rx	 rx;
	uint8_t		 stream[3 * 40], plain[TCPW_PLAIN_MAX];
	const uint8_t	*in = stream;
	size_t		 len = 0, n, plen;
	int		 i;

	shake(f);
	for (i = 0; i < 3; i++)
		len += (size_t)tcpw_frame_seal(&f->ss, (const uint8_t *)"abc",
		    3, stream + len, sizeof(stream) - len);
	/* Plus half of a fourth frame's length field. */
	stream[len++] = 0;
	n = len;
	tcpw_rx_init(&rx);
	for (i = 0; i < 3; i++) {
		assert_int_equal(tcpw_rx_next(&rx, &f->cs, &in, &n, plain,
		    &plen), 1);
		assert_int_equal(plen, 3);
		assert_memory_equal(plain, "abc", 3);
	}
	assert_int_equal(n, 1);
	assert_int_equal(tcpw_rx_next(&rx, &f->cs, &in, &n, plain, &plen), 0);
	assert_int_equal(n, 0);
	assert_int_equal(rx.have, 1);
}

/* Feeds a stream that starts with length field len; the result. */
static int
feed_len(struct fx *f, unsigned len, struct tcpw_rx *rx)
{
	uint8_t		 hdr[2], plain[TCPW_PLAIN_MAX];
	const uint8_t	*in = hdr;
	size_t		 n = 2, plen;

	hdr[0] = (uint8_t)(len >> 8);
	hdr[1] = (uint8_t)len;
	tcpw_rx_init(rx);
	return tcpw_rx_next(rx, &f->cs, &in, &n, plain, &plen);
}

static void
tcpw_rx_rejects_every_bad_length(void **state)
{
	struct fx	*f = *state;
	struct tcpw_rx	 rx;
	uint8_t		 junk[4] = { 0 }, plain[TCPW_PLAIN_MAX];
	const uint8_t	*in;
	size_t		 n, plen;
	unsigned	 len;

	shake(f);
	for (len = 0; len <= 0xffff; len++) {
		if (len >= TCPW_BOX_MIN && len <= TCPW_BOX_MAX) {
			/* Fine so far: it waits for the body. */
			assert_int_equal(feed_len(f, len, &rx), 0);
			continue;
		}
		assert_int_equal(feed_len(f, len, &rx), -1);
		/* Dead for good: more bytes change nothing. */
		in = junk;
		n = sizeof(junk);
		assert_int_equal(tcpw_rx_next(&rx, &f->cs, &in, &n, plain,
		    &plen), -1);
	}
}

static void
tcpw_rx_rejects_frames_that_do_not_open(void **state)
{
	struct fx		*f = *state;
	struct tcpw_rx		 rx;
	struct tcpw_session	 save;
	uint8_t			 fr[2][40], plain[TCPW_PLAIN_MAX];
	const uint8_t		*in;
	size_t			 n, plen, i;
	int			 len;

	shake(f);
	save = f->cs;
	len = tcpw_frame_seal(&f->ss, (const uint8_t *)"hello", 5, fr[0], 40);
	assert_int_equal(tcpw_frame_seal(&f->ss, (const uint8_t *)"hello", 5,
	    fr[1], 40), len);
	/* Any bit of the box flipped. */
	for (i = 2; i < (size_t)len; i++) {
		f->cs = save;
		fr[0][i] ^= 0x02;
		tcpw_rx_init(&rx);
		in = fr[0];
		n = (size_t)len;
		assert_int_equal(tcpw_rx_next(&rx, &f->cs, &in, &n, plain,
		    &plen), -1);
		fr[0][i] ^= 0x02;
	}
	/* The second frame first: wrong nonce. */
	f->cs = save;
	tcpw_rx_init(&rx);
	in = fr[1];
	n = (size_t)len;
	assert_int_equal(tcpw_rx_next(&rx, &f->cs, &in, &n, plain, &plen), -1);
	/* In order, both open. */
	f->cs = save;
	tcpw_rx_init(&rx);
	for (i = 0; i < 2; i++) {
		in = fr[i];
		n = (size_t)len;
		assert_int_equal(tcpw_rx_next(&rx, &f->cs, &in, &n, plain,
		    &plen), 1);
		assert_memory_equal(plain, "hello", 5);
	}
}

/*
 * Packs p, parses it back in its own direction (must match) and the
 * other one (must fail), and checks every shorter prefix and one extra
 * byte (must fail unless the kind has a variable body with room).
 */
static void
codec_check(const struct tcpw_pkt *p, int from_server, size_t want_len,
    int extra_ok)
{
	int		(*own)(const uint8_t *, size_t, struct tcpw_pkt *);
	int		(*other)(const uint8_t *, size_t, struct tcpw_pkt *);
	struct tcpw_pkt	 q;
	uint8_t		 buf[TCPW_PLAIN_MAX + 2];
	size_t		 i;
	int		 n;

	own = from_server ? tcpw_parse_from_server : tcpw_parse_from_client;
	other = from_server ? tcpw_parse_from_client : tcpw_parse_from_server;
	n = tcpw_pkt_pack(p, buf, sizeof(buf));
	assert_int_equal(n, (int)want_len);
	memset(&q, 0, sizeof(q));
	assert_int_equal(own(buf, (size_t)n, &q), 0);
	assert_int_equal(q.kind, p->kind);
	switch (p->kind) {
	case TCPW_ROUTE_REQ:
		assert_memory_equal(q.pk, p->pk, 32);
		break;
	case TCPW_ROUTE_RESP:
		assert_int_equal(q.conn_id, p->conn_id);
		assert_memory_equal(q.pk, p->pk, 32);
		break;
	case TCPW_CONNECTED:
	case TCPW_DISCONNECTED:
		assert_int_equal(q.conn_id, p->conn_id);
		break;
	case TCPW_PING:
	case TCPW_PONG:
		assert_memory_equal(q.ping_id, p->ping_id, 8);
		break;
	case TCPW_OOB_SEND:
	case TCPW_OOB_RECV:
		assert_memory_equal(q.pk, p->pk, 32);
		/* FALLTHROUGH */
	default:
		if (p->kind == TCPW_DATA)
			assert_int_equal(q.conn_id, p->conn_id);
		assert_int_equal(q.len, p->len);
		assert_memory_equal(q.data, p->data, p->len);
		assert_ptr_equal(q.data, buf + (size_t)n - p->len);
	}
	/* Packets that only one side sends; the rest go both ways. */
	if (p->kind != TCPW_PING && p->kind != TCPW_PONG &&
	    p->kind != TCPW_DISCONNECTED && p->kind != TCPW_DATA &&
	    p->kind != TCPW_CONNECTED)
		assert_int_equal(other(buf, (size_t)n, &q), -1);
	for (i = 0; i < (size_t)n; i++)
		if (own(buf, i, &q) != -1) {
			/* A shorter body can still be a valid one. */
			assert_true(p->kind >= TCPW_OOB_SEND);
			assert_true(i > (size_t)n - p->len);
			assert_int_equal(q.len, i - ((size_t)n - p->len));
			if (p->kind == TCPW_ONION_REQ)
				assert_true(q.len >= TCPW_ONION_REQ_MIN);
		}
	buf[n] = 0xee;
	assert_int_equal(own(buf, (size_t)n + 1, &q), extra_ok ? 0 : -1);
	/* No room: refused. */
	assert_int_equal(tcpw_pkt_pack(p, buf, (size_t)n - 1), -1);
}

static void
tcpw_codecs_fixed_kinds(void **state)
{
	struct tcpw_pkt	p;

	(void)state;
	memset(&p, 0, sizeof(p));
	memset(p.pk, 0xab, 32);
	memcpy(p.ping_id, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	p.kind = TCPW_ROUTE_REQ;
	codec_check(&p, 0, 33, 0);
	p.kind = TCPW_ROUTE_RESP;
	p.conn_id = 16;
	codec_check(&p, 1, 34, 0);
	p.conn_id = 255;
	codec_check(&p, 1, 34, 0);
	p.conn_id = 0;			/* refused: still a valid answer */
	codec_check(&p, 1, 34, 0);
	p.kind = TCPW_CONNECTED;
	p.conn_id = 16;
	codec_check(&p, 1, 2, 0);
	codec_check(&p, 0, 2, 0);
	p.kind = TCPW_DISCONNECTED;
	p.conn_id = 200;
	codec_check(&p, 1, 2, 0);
	codec_check(&p, 0, 2, 0);
	p.kind = TCPW_PING;
	codec_check(&p, 1, 9, 0);
	codec_check(&p, 0, 9, 0);
	p.kind = TCPW_PONG;
	codec_check(&p, 1, 9, 0);
	memset(p.ping_id, 0, 8);	/* id 0 parses: the link decides */
	codec_check(&p, 0, 9, 0);
}

static void
tcpw_codecs_bodies(void **state)
{
	static uint8_t	body[TCPW_PLAIN_MAX];
	struct tcpw_pkt	p;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7);
	memset(&p, 0, sizeof(p));
	memset(p.pk, 0xcd, 32);
	p.data = body;
	p.kind = TCPW_OOB_SEND;
	p.len = 1;
	codec_check(&p, 0, 34, 1);
	p.len = TCPW_OOB_MAX;
	codec_check(&p, 0, 33 + TCPW_OOB_MAX, 0);
	p.kind = TCPW_OOB_RECV;
	codec_check(&p, 1, 33 + TCPW_OOB_MAX, 0);
	p.len = 5;
	codec_check(&p, 1, 38, 1);
	p.kind = TCPW_ONION_REQ;
	p.len = TCPW_ONION_REQ_MIN;
	assert_int_equal(TCPW_ONION_REQ_MIN, 159);
	codec_check(&p, 0, 1 + TCPW_ONION_REQ_MIN, 1);
	p.len = TCPW_DATA_MAX;
	codec_check(&p, 0, TCPW_PLAIN_MAX, 0);
	p.kind = TCPW_ONION_RESP;
	p.len = 1;
	codec_check(&p, 1, 2, 1);
	p.len = 300;
	codec_check(&p, 1, 301, 1);
	p.kind = TCPW_FORWARD_REQ;
	codec_check(&p, 0, 301, 1);
	p.kind = TCPW_FORWARDING;
	codec_check(&p, 1, 301, 1);
	p.kind = TCPW_DATA;
	p.conn_id = 16;
	p.len = 1;
	codec_check(&p, 1, 2, 1);
	codec_check(&p, 0, 2, 1);
	p.conn_id = 255;
	p.len = TCPW_DATA_MAX;
	codec_check(&p, 1, TCPW_PLAIN_MAX, 0);
	codec_check(&p, 0, TCPW_PLAIN_MAX, 0);
}

static void
tcpw_codecs_reject_out_of_range(void **state)
{
	static uint8_t	 body[TCPW_PLAIN_MAX + 1];
	struct tcpw_pkt	 p, q;
	uint8_t		 buf[TCPW_PLAIN_MAX + 8];
	unsigned	 k;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.data = body;
	/* Empty or oversized bodies are not packed. */
	p.kind = TCPW_OOB_SEND;
	p.len = 0;
	assert_int_equal(tcpw_pkt_pack(&p, buf, sizeof(buf)), -1);
	p.len = TCPW_OOB_MAX + 1;
	assert_int_equal(tcpw_pkt_pack(&p, buf, sizeof(buf)), -1);
	p.kind = TCPW_ONION_REQ;
	p.len = TCPW_ONION_REQ_MIN - 1;
	assert_int_equal(tcpw_pkt_pack(&p, buf, sizeof(buf)), -1);
	p.kind = TCPW_DATA;
	p.conn_id = 16;
	p.len = 0;
	assert_int_equal(tcpw_pkt_pack(&p, buf, sizeof(buf)), -1);
	p.len = TCPW_DATA_MAX + 1;
	assert_int_equal(tcpw_pkt_pack(&p, buf, sizeof(buf)), -1);
	/* Connection ids below 16 where one is needed. */
	p.len = 1;
	p.conn_id = 15;
	assert_int_equal(tcpw_pkt_pack(&p, buf, sizeof(buf)), -1);
	p.kind = TCPW_CONNECTED;
	assert_int_equal(tcpw_pkt_pack(&p, buf, sizeof(buf)), -1);
	p.kind = TCPW_DISCONNECTED;
	assert_int_equal(tcpw_pkt_pack(&p, buf, sizeof(buf)), -1);
	for (k = 12; k < 16; k++) {
		p.kind = (uint8_t)k;
		assert_int_equal(tcpw_pkt_pack(&p, buf, sizeof(buf)), -1);
	}

	/* Parsing: the same limits from the wire. */
	memset(buf, 0, sizeof(buf));
	for (k = 12; k < 16; k++) {
		buf[0] = (uint8_t)k;
		assert_int_equal(tcpw_parse_from_server(buf, 10, &q), -1);
		assert_int_equal(tcpw_parse_from_client(buf, 10, &q), -1);
	}
	for (k = 0; k < 256; k++) {
		buf[0] = (uint8_t)k;	/* a kind byte alone is never enough */
		assert_int_equal(tcpw_parse_from_server(buf, 1, &q), -1);
		assert_int_equal(tcpw_parse_from_client(buf, 1, &q), -1);
	}
	assert_int_equal(tcpw_parse_from_server(buf, 0, &q), -1);
	assert_int_equal(tcpw_parse_from_client(buf, 0, &q), -1);
	buf[0] = TCPW_CONNECTED;
	buf[1] = 15;
	assert_int_equal(tcpw_parse_from_server(buf, 2, &q), -1);
	assert_int_equal(tcpw_parse_from_client(buf, 2, &q), -1);
	buf[0] = TCPW_DISCONNECTED;
	assert_int_equal(tcpw_parse_from_server(buf, 2, &q), -1);
	buf[0] = TCPW_OOB_RECV;
	assert_int_equal(tcpw_parse_from_server(buf, 33, &q), -1);
	assert_int_equal(tcpw_parse_from_server(buf, 34 + TCPW_OOB_MAX, &q),
	    -1);
	assert_int_equal(tcpw_parse_from_server(buf, 33 + TCPW_OOB_MAX, &q),
	    0);
	buf[0] = TCPW_ONION_REQ;
	assert_int_equal(tcpw_parse_from_client(buf, TCPW_ONION_REQ_MIN, &q),
	    -1);
	assert_int_equal(tcpw_parse_from_client(buf, TCPW_ONION_REQ_MIN + 1,
	    &q), 0);
	buf[0] = 16;
	assert_int_equal(tcpw_parse_from_client(buf, TCPW_PLAIN_MAX + 1, &q),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcpw_handshake_halves_agree),
		cmocka_unit_test(tcpw_handshake_rejects),
		cmocka_unit_test(tcpw_nonce_is_big_endian),
		cmocka_unit_test(tcpw_frames_seal_with_counting_nonce),
		cmocka_unit_test(tcpw_rx_reassembles_from_single_bytes),
		cmocka_unit_test(tcpw_rx_whole_stream_at_once),
		cmocka_unit_test(tcpw_rx_rejects_every_bad_length),
		cmocka_unit_test(tcpw_rx_rejects_frames_that_do_not_open),
		cmocka_unit_test(tcpw_codecs_fixed_kinds),
		cmocka_unit_test(tcpw_codecs_bodies),
		cmocka_unit_test(tcpw_codecs_reject_out_of_range),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
