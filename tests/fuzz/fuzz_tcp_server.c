/*
 * The TCP relay server engine as two hostile clients drive it.  Both
 * finish a real handshake (tcp_link), then the input is a run of
 * records: a byte whose low bit names the client and whose bit 1 says
 * "raw" (the bytes go to the server as they are, so the reassembler and
 * the handshake-less paths are reached) or "sealed" (the bytes are one
 * packet's plain text, sealed in that client's session, so every parser
 * and every routing, data, OOB and onion path is reached); a length
 * byte; the bytes.  Bit 2 advances the clock 11 s (timeouts, pings).
 * What the server sends back is read and dropped, and the engine's
 * bookkeeping is checked after every record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "netd/tcp_link.h"
#include "netd/tcp_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct dht_keys	*relay, *ck[2];

static void
nop_out(void *arg, unsigned i)
{
}

static void
nop_closed(void *arg, unsigned i)
{
}

static void
nop_onion(void *arg, unsigned i, const uint8_t *p, size_t n)
{
	if (n == 0)
		abort();
}

static const struct tcps_cb	cbs = { nop_out, nop_closed, nop_onion };

static void
init(void)
{
	uint8_t	pk[32], sk[32];
	int	i;

	if (relay != NULL)
		return;
	if (sodium_init() < 0 || (relay = calloc(1, sizeof(*relay))) == NULL)
		abort();
	memset(sk, 4, sizeof(sk));
	crypto_scalarmult_base(pk, sk);
	dht_keys_init_with(relay, pk, sk);
	for (i = 0; i < 2; i++) {
		if ((ck[i] = calloc(1, sizeof(*ck[i]))) == NULL)
			abort();
		memset(sk, 5 + i, sizeof(sk));
		crypto_scalarmult_base(pk, sk);
		dht_keys_init_with(ck[i], pk, sk);
	}
}

/* Server to link and back until quiet; the link may go down. */
static void
settle(struct tcp_server *s, struct tcp_link *l, int idx, uint64_t now)
{
	const uint8_t	*p;
	size_t		 n;
	int		 k;

	for (k = 0; k < 4 && idx >= 0; k++) {
		if ((n = tcp_link_out(l, &p)) > 0) {
			if (tcps_input(s, (unsigned)idx, p, n, now) == -1)
				return;
			tcp_link_out_done(l, n);
		}
		if ((n = tcps_out(s, (unsigned)idx, &p)) > 0) {
			(void)tcp_link_input(l, p, n, now);
			tcps_out_done(s, (unsigned)idx, n);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tcp_server	s;
	static struct tcp_link		l[2];
	static const struct tcpl_cbs	lcb;
	uint8_t				frame[TCPW_FRAME_MAX];
	const uint8_t			*p;
	uint64_t			now = 1000000;
	size_t				off = 0, n;
	int				idx[2], i, f;

	init();
	if (tcps_init(&s, relay, 4, &cbs, NULL) == -1)
		abort();
	for (i = 0; i < 2; i++) {
		idx[i] = tcps_accept(&s, now);
		if (tcp_link_start(&l[i], ck[i], relay->pk, &lcb, NULL,
		    now) == -1)
			abort();
		settle(&s, &l[i], idx[i], now);
	}
	while (off + 2 <= size) {
		uint8_t	op = data[off], len = data[off + 1];

		off += 2;
		if (len > size - off)
			len = (uint8_t)(size - off);
		i = op & 1;
		if (op & 4) {
			now += 11000;
			(void)tcps_tick(&s, now);
		}
		if (idx[i] >= 0 && s.c[idx[i]].st != TCPS_FREE) {
			if (op & 2) {
				if (tcps_input(&s, (unsigned)idx[i],
				    data + off, len, now) == -1)
					idx[i] = -1;
			} else if (len > 0 && tcp_link_state(&l[i]) ==
			    TCPL_UP && (f = tcpw_frame_seal(&l[i].s,
			    data + off, len, frame, sizeof(frame))) > 0) {
				if (tcps_input(&s, (unsigned)idx[i], frame,
				    (size_t)f, now) == -1)
					idx[i] = -1;
			}
		}
		off += len;
		/* drain both: nothing is owed past a queue's size */
		for (i = 0; i < 2; i++) {
			if (idx[i] < 0)
				continue;
			n = tcps_out(&s, (unsigned)idx[i], &p);
			if (n > TCPS_OUTQ)
				abort();
			tcps_out_done(&s, (unsigned)idx[i], n);
		}
	}
	for (i = 0; i < 2; i++)
		tcp_link_wipe(&l[i]);
	tcps_free(&s);
	return 0;
}
