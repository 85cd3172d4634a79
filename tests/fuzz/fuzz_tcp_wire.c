/*
 * The TCP relay wire: the first byte picks what the rest is.
 *   0: a raw byte stream for the reassembler, cut into chunks whose sizes
 *      come from the input, each frame it opens parsed both ways;
 *   1: one frame's plain text, parsed as from a relay and as from a client;
 *   2: plain texts sealed as frames under a fixed session, then the stream
 *      reassembled in chunks (so the parsers are reached behind the MAC);
 *   3: a handshake request for the relay half and an answer for the
 *      client half.
 * A packet that parses is packed again and must give the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "netd/tcp_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct dht_keys	*me, *relay;

static void
init(void)
{
	uint8_t	pk[32], sk[32];

	if (me != NULL)
		return;
	if (sodium_init() < 0 || (me = calloc(1, sizeof(*me))) == NULL ||
	    (relay = calloc(1, sizeof(*relay))) == NULL)
		abort();
	memset(sk, 3, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	dht_keys_init_with(me, pk, sk);
	memset(sk, 4, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	dht_keys_init_with(relay, pk, sk);
}

/* Two ends of one session: what a seals, b opens. */
static void
sessions(struct tcpw_session *a, struct tcpw_session *b)
{
	memset(a, 0, sizeof(*a));
	memset(a->key, 0x21, sizeof(a->key));
	memset(a->send_nonce, 0x01, sizeof(a->send_nonce));
	memset(a->recv_nonce, 0x02, sizeof(a->recv_nonce));
	memcpy(b->key, a->key, sizeof(a->key));
	memcpy(b->send_nonce, a->recv_nonce, sizeof(a->recv_nonce));
	memcpy(b->recv_nonce, a->send_nonce, sizeof(a->send_nonce));
}

static void
parse_both(const uint8_t *p, size_t len)
{
	struct tcpw_pkt	q;
	uint8_t		out[TCPW_PLAIN_MAX];
	int		n;

	if (tcpw_parse_from_server(p, len, &q) == 0) {
		n = tcpw_pkt_pack(&q, out, sizeof(out));
		if (n < 0 || (size_t)n != len || memcmp(out, p, len) != 0)
			abort();
	}
	if (tcpw_parse_from_client(p, len, &q) == 0) {
		n = tcpw_pkt_pack(&q, out, sizeof(out));
		if (n < 0 || (size_t)n != len || memcmp(out, p, len) != 0)
			abort();
	}
}

/* Feeds stream through a reassembler in chunks of 1 + cuts[i] bytes. */
static void
reassemble(struct tcpw_session *s, const uint8_t *stream, size_t len,
    const uint8_t *cuts, size_t ncuts)
{
	static struct tcpw_rx	 rx;
	static uint8_t		 plain[TCPW_PLAIN_MAX];
	const uint8_t		*in;
	size_t			 n, chunk, plen, i = 0;
	int			 rv;

	tcpw_rx_init(&rx);
	while (len > 0) {
		chunk = ncuts > 0 ? 1 + (size_t)cuts[i++ % ncuts] * 9 : len;
		if (chunk > len)
			chunk = len;
		in = stream;
		n = chunk;
		while ((rv = tcpw_rx_next(&rx, s, &in, &n, plain, &plen)) == 1) {
			if (plen == 0 || plen > TCPW_PLAIN_MAX)
				abort();
			parse_both(plain, plen);
		}
		if (rv == -1)
			return;
		if (n != 0 || rx.have > TCPW_FRAME_MAX)
			abort();
		stream += chunk;
		len -= chunk;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		stream[8 * TCPW_FRAME_MAX];
	struct tcpw_session	a, b;
	struct tcpw_client_hs	hs;
	uint8_t			pk[32], ans[TCPW_HS_ANSWER_LEN];
	size_t			len = 0, piece, ncuts;
	int			n;

	init();
	if (size < 1)
		return 0;
	sessions(&a, &b);
	switch (data[0] % 4) {
	case 0:
		ncuts = size > 8 ? 8 : size - 1;
		reassemble(&b, data + 1 + ncuts, size - 1 - ncuts, data + 1,
		    ncuts);
		break;
	case 1:
		parse_both(data + 1, size - 1);
		break;
	case 2:
		/* Pieces of up to 1 + data[0] / 4 * 8 bytes each. */
		data++;
		size--;
		while (size > 0 && len + TCPW_FRAME_MAX <= sizeof(stream)) {
			piece = 1 + (size_t)(data[-1] >> 2) * 8;
			if (piece > size)
				piece = size;
			n = tcpw_frame_seal(&a, data, piece, stream + len,
			    sizeof(stream) - len);
			if (n < 0)
				abort();
			len += (size_t)n;
			data += piece;
			size -= piece;
		}
		reassemble(&b, stream, len, stream, 0);
		break;
	default:
		(void)tcpw_server_accept(relay, data + 1, size - 1, pk, ans, &a);
		memset(&hs, 0, sizeof(hs));
		memcpy(hs.relay_pk, relay->pk, 32);
		memset(hs.temp_sk, 5, sizeof(hs.temp_sk));
		(void)tcpw_client_finish(me, &hs, data + 1, size - 1, &b);
		break;
	}
	return 0;
}
