/*
 * The real netd as node D of an onion path (issue 9, server side): from
 * test sockets on loopback playing relay C, hand-built requests
 * (tests/lib/onion_peer.c) with made-up return paths R3:
 *  - an announce is answered  0x8c || R3 || 0x84  to C: is_stored 0 and
 *    a ping id; re-announced with it: 2; a search for that key under
 *    another key, from another relay: 1 and the announcer's data key;
 *  - onion data for the stored key reaches the announcer's relay as
 *    0x8c || its R3 || 0x86, and opens with its data key;
 *  - 10,000 malformed, truncated, oversized and replayed 0x83 and 0x85
 *    later netd is still running and still answers a valid request.
 * All in a network namespace the test makes, on its own lo.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/wait.h>

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/mono.h"
#include "netd/dht_packet.h"
#include "tests/lib/lo_udp.h"
#include "tests/lib/netd_proc.h"
#include "tests/lib/netns.h"
#include "tests/lib/onion_peer.h"

#define T_WAIT		10000	/* ms: deadlines, not benchmarks */
#define PORT		40125	/* our namespace: nobody else is here */
#define FLOOD		10000

struct peer {
	uint8_t	pk[32], sk[32], data_pk[32], data_sk[32];
	uint8_t	ret[OP_RET_LEN];
};

static struct netd_proc	n;
static uint8_t		d_pk[32];

/* A 0x8c carrying ret, within T_WAIT (others skipped); length or 0. */
static ssize_t
recv_ret(int s, const uint8_t *ret, uint8_t *buf, size_t cap)
{
	uint64_t	deadline = mono_ms() + T_WAIT;
	ssize_t		r;

	while (mono_ms() < deadline)
		if ((r = lo_udp_recv_kind(s, 0x8c, buf, cap, 200)) > 178 &&
		    memcmp(buf + 1, ret, OP_RET_LEN) == 0)
			return r;
	return 0;
}

static void
xsend(int s, const void *p, size_t len)
{
	assert_int_equal(lo_udp_send(s, PORT, p, len), (ssize_t)len);
}

static void
peer_new(struct peer *p)
{
	crypto_box_keypair(p->pk, p->sk);
	crypto_box_keypair(p->data_pk, p->data_sk);
	randombytes_buf(p->ret, sizeof(p->ret));
}

/* p asks netd from relay socket c; the answer opened. */
static struct op_resp
ask(int c, const struct peer *p, const uint8_t *search, const uint8_t *ping,
    const uint8_t *data_pk)
{
	static const uint8_t	zero[32];
	struct op_resp		r;
	uint8_t			pkt[OP_REQ_LEN], got[2048], sb[8];
	const char		*why;
	ssize_t			len;

	randombytes_buf(sb, sizeof(sb));
	op_announce(pkt, d_pk, p->pk, p->sk, ping ? ping : zero,
	    search ? search : p->pk, data_pk, sb, p->ret);
	xsend(c, pkt, sizeof(pkt));
	if ((len = recv_ret(c, p->ret, got, sizeof(got))) == 0) {
		netd_proc_log(&n);
		fail_msg("no announce answer from netd; log:\n%s", n.buf);
	}
	if (op_open_resp(got, (size_t)len, p->ret, d_pk, p->sk, &r,
	    &why) == -1)
		fail_msg("netd's answer does not open: %s", why);
	assert_memory_equal(r.sendback, sb, 8);
	return r;
}

static int
setup(void **state)
{
	char		 port[32];
	const char	*tail[] = { "--log-level=info", port, NULL };

	if (sodium_init() < 0)
		return -1;
	if (netns_private(NULL) == -1)
		return -1;
	snprintf(port, sizeof(port), "--port=%d", PORT);
	return netd_proc_start(&n, NETD_PROC_STANDALONE, tail);
}

static int
teardown(void **state)
{
	netd_proc_stop(&n);
	return 0;
}

/*
 * netd's DHT key is fresh: a LAN announcement (127.0.0.1 is LAN) makes it
 * ask us for nodes under it.  Repeated until it listens.
 */
static void
learn_netd_key(int s)
{
	static struct dht_keys	me;
	size_t			len;

	dht_keys_init(&me);
	len = netd_proc_dht_pk(s, PORT, me.pk, d_pk, T_WAIT);
	netd_proc_log(&n);
	if (len != DHT_NODES_REQ_LEN)
		fail_msg("no nodes request from netd; log:\n%s", n.buf);
}

static void
netd_stores_finds_and_routes(void **state)
{
	struct peer	 a, s;
	struct op_resp	 r;
	uint8_t		 zero[32] = { 0 }, pkt[1500], got[2048];
	uint8_t		 inner[200], plain[200];
	size_t		 len;
	ssize_t		 glen;
	int		 c, c2;

	assert_true((c = lo_udp_socket()) != -1);
	assert_true((c2 = lo_udp_socket()) != -1);
	learn_netd_key(c2);
	peer_new(&a);
	peer_new(&s);

	/* a announces over relay c: not stored, a ping id */
	r = ask(c, &a, NULL, NULL, a.data_pk);
	assert_int_equal(r.is_stored, 0);
	assert_memory_not_equal(r.field, zero, 32);
	assert_int_equal(r.nodes_len, 0);	/* netd knows no node yet */
	/* again with that ping id: stored */
	r = ask(c, &a, NULL, r.field, a.data_pk);
	assert_int_equal(r.is_stored, 2);
	/* s searches a over relay c2: found, with a's data key */
	r = ask(c2, &s, a.pk, NULL, zero);
	assert_int_equal(r.is_stored, 1);
	assert_memory_equal(r.field, a.data_pk, 32);

	/* onion data for a, sent via c2: arrives at c under a's R3 */
	randombytes_buf(inner, sizeof(inner));
	len = op_data(pkt, sizeof(pkt), a.pk, a.data_pk, inner, sizeof(inner),
	    s.ret);
	xsend(c2, pkt, len);
	glen = recv_ret(c, a.ret, got, sizeof(got));
	assert_int_equal(glen, 1 + 177 + 1 + (ssize_t)len - 33 - 177);
	assert_int_equal(got[178], 0x86);
	assert_memory_equal(got + 179, pkt + 33, len - 33 - 177);
	assert_int_equal(crypto_box_open_easy(plain, got + 179 + 56,
	    sizeof(inner) + 16, got + 179, got + 179 + 24, a.data_sk), 0);
	assert_memory_equal(plain, inner, sizeof(inner));
	close(c);
	close(c2);
}

static void
netd_survives_a_flood_of_bad_onion_requests(void **state)
{
	struct peer	 a, s;
	struct op_resp	 r;
	uint8_t		 zero[32] = { 0 }, good[OP_REQ_LEN], data[1500];
	uint8_t		 pkt[1600], sb[8] = { 0 };
	size_t		 dlen, len;
	int		 c, c2, i;

	assert_true((c = lo_udp_socket()) != -1);
	assert_true((c2 = lo_udp_socket()) != -1);
	learn_netd_key(c2);
	peer_new(&a);
	peer_new(&s);
	r = ask(c, &a, NULL, NULL, a.data_pk);
	r = ask(c, &a, NULL, r.field, a.data_pk);
	assert_int_equal(r.is_stored, 2);
	op_announce(good, d_pk, a.pk, a.sk, r.field, a.pk, a.data_pk, sb,
	    a.ret);
	dlen = op_data(data, sizeof(data), a.pk, a.data_pk, zero, 32, s.ret);

	for (i = 0; i < FLOOD; i++) {
		switch (i % 8) {
		case 0:		/* random bytes, random length, our kinds */
			len = (size_t)randombytes_uniform(sizeof(pkt));
			randombytes_buf(pkt, len);
			if (len > 0)
				pkt[0] = i & 8 ? 0x83 : 0x85;
			break;
		case 1:		/* truncated announce */
			len = (size_t)randombytes_uniform(OP_REQ_LEN);
			memcpy(pkt, good, len);
			break;
		case 2:		/* oversized announce */
			len = OP_REQ_LEN + 1 + randombytes_uniform(1000);
			memcpy(pkt, good, OP_REQ_LEN);
			randombytes_buf(pkt + OP_REQ_LEN, len - OP_REQ_LEN);
			break;
		case 3:		/* right size, a flipped bit before R3 */
			len = OP_REQ_LEN;
			memcpy(pkt, good, len);
			pkt[1 + randombytes_uniform(176)] ^=
			    (uint8_t)(1 << randombytes_uniform(8));
			break;
		case 4:		/* replayed announce, from another relay */
			len = OP_REQ_LEN;
			memcpy(pkt, good, len);
			break;
		case 5:		/* truncated or oversized data */
			len = i & 8 ? (size_t)randombytes_uniform(283) :
			    1401 + randombytes_uniform(150);
			memcpy(pkt, data, len < dlen ? len : dlen);
			if (len > dlen)
				randombytes_buf(pkt + dlen, len - dlen);
			break;
		case 6:		/* data for a key nobody announced */
			len = dlen;
			memcpy(pkt, data, len);
			randombytes_buf(pkt + 1, 32);
			break;
		default:	/* replayed data: routed to a's relay */
			len = dlen;
			memcpy(pkt, data, len);
			break;
		}
		xsend(c2, pkt, len);
		/* let netd read: a flood lost in a full socket buffer
		 * would test nothing */
		if (i % 100 == 99)
			(void)poll(NULL, 0, 2);
		if (i % 1000 == 999) {
			lo_udp_drain(c);
			lo_udp_drain(c2);
		}
	}
	lo_udp_drain(c);
	lo_udp_drain(c2);

	/* still running, and still answering: s finds a */
	assert_int_equal(waitpid(n.pid, NULL, WNOHANG), 0);
	randombytes_buf(s.ret, sizeof(s.ret));
	r = ask(c2, &s, a.pk, NULL, zero);
	assert_int_equal(r.is_stored, 1);
	assert_memory_equal(r.field, a.data_pk, 32);
	assert_int_equal(waitpid(n.pid, NULL, WNOHANG), 0);
	close(c);
	close(c2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(netd_stores_finds_and_routes),
		cmocka_unit_test(netd_survives_a_flood_of_bad_onion_requests),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
