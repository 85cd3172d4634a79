/*
 * The real netd as an onion relay (issue 9).  netd --standalone runs in a
 * network namespace the test makes; test sockets on its loopback play the
 * client, the other relays and the destination, built with the onion
 * codecs (netd/onion_packet.c) and keys netd has never seen:
 *  - netd as A: a client's 0x80 comes out at B as a 0x81 that B can open;
 *    B's 0x8e comes back to the client as the raw answer;
 *  - netd as B: 0x81 -> 0x82 that C can open; C's 0x8d -> 0x8e to A;
 *  - netd as C: 0x82 -> payload || R3 at D; D's 0x8c -> 0x8d to B;
 *  - then 10,000 packets of each of the six kinds, malformed, truncated,
 *    oversized, replayed and tampered; netd is still alive and relays a
 *    fresh 0x80.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/mono.h"
#include "netd/dht_packet.h"
#include "netd/onion_packet.h"
#include "tests/lib/lo_udp.h"
#include "tests/lib/netd_proc.h"
#include "tests/lib/netns.h"

#define T_WAIT		10000	/* ms: deadlines, not benchmarks */
#define PORT		40124	/* our namespace: nobody else is here */
#define FLOOD		10000	/* per kind */

/* A test socket on 127.0.0.1 and the relay keys of whoever it plays. */
struct peer {
	int			s;
	struct ip_port		addr;
	struct dht_keys		keys;
	struct onion_secrets	sec;
};

static struct {
	struct netd_proc	n;
	struct peer		a, b, c, d, flood;
	struct dht_keys		client;
	struct ip_port		netd_addr;
	uint8_t			netd_pk[DHT_PK_LEN];
	struct onion_out	out;
	/* one valid packet of each kind, addressed to netd */
	uint8_t			tmpl[6][ONION_MAX_PACKET];
	size_t			tlen[6];
} w;

static void
peer_open(struct peer *p)
{
	struct sockaddr_in	sa;
	socklen_t		sl = sizeof(sa);
	uint8_t			lo[4] = { 127, 0, 0, 1 };

	p->s = lo_udp_socket();
	assert_true(p->s != -1);
	assert_int_equal(getsockname(p->s, (struct sockaddr *)&sa, &sl), 0);
	assert_int_equal(ipp_set(&p->addr, lo, 4, ntohs(sa.sin_port)), 0);
	dht_keys_init(&p->keys);
	randombytes_buf(p->sec.cur, sizeof(p->sec.cur));
}

static void
send_netd(int s, const uint8_t *pkt, size_t len)
{
	(void)lo_udp_send(s, PORT, pkt, len);
}

/*
 * The first datagram on s within ms that starts with kind and, if match
 * is not NULL, has mlen bytes equal to match at offset moff (replays of
 * earlier packets are skipped); its length, or 0.
 */
static size_t
recv_match(int s, uint8_t kind, const uint8_t *match, size_t moff,
    size_t mlen, uint8_t *buf, size_t cap, int ms)
{
	uint64_t	deadline = mono_ms() + (uint64_t)ms;
	struct pollfd	pfd = { .fd = s, .events = POLLIN };
	ssize_t		n;

	while (mono_ms() < deadline) {
		if (poll(&pfd, 1, 100) != 1)
			continue;
		if ((n = recv(s, buf, cap, 0)) <= 0 || buf[0] != kind)
			continue;
		if (match == NULL || ((size_t)n >= moff + mlen &&
		    memcmp(buf + moff, match, mlen) == 0))
			return (size_t)n;
	}
	return 0;
}

/* Its DHT key: a LAN announcement brings a nodes request that names it. */
static void
learn_netd_key(void)
{
	size_t	len;

	len = netd_proc_dht_pk(w.a.s, PORT, w.a.keys.pk, w.netd_pk, T_WAIT);
	netd_proc_log(&w.n);
	if (len == 0)
		fail_msg("no nodes request from netd; log:\n%s", w.n.buf);
}

static int
setup(void **state)
{
	uint8_t		 lo[4] = { 127, 0, 0, 1 };
	char		 port[32];
	const char	*tail[] = { "--log-level=info", port, NULL };

	if (sodium_init() < 0)
		return -1;
	if (netns_private(NULL) == -1)
		return -1;
	snprintf(port, sizeof(port), "--port=%d", PORT);
	assert_int_equal(netd_proc_start(&w.n, NETD_PROC_STANDALONE, tail),
	    0);
	peer_open(&w.a);
	peer_open(&w.b);
	peer_open(&w.c);
	peer_open(&w.d);
	peer_open(&w.flood);
	dht_keys_init(&w.client);
	(void)ipp_set(&w.netd_addr, lo, 4, PORT);
	learn_netd_key();
	return 0;
}

static int
teardown(void **state)
{
	netd_proc_stop(&w.n);
	return 0;
}

/* A path of three: netd at position pos, test peers elsewhere. */
static void
path_with_netd(int pos, struct onion_path *p)
{
	struct onion_node	nodes[3];
	struct peer		*others[3] = { &w.a, &w.b, &w.c };
	int			i;

	for (i = 0; i < 3; i++) {
		if (i == pos) {
			nodes[i].addr = w.netd_addr;
			memcpy(nodes[i].pk, w.netd_pk, DHT_PK_LEN);
		} else {
			nodes[i].addr = others[i]->addr;
			memcpy(nodes[i].pk, others[i]->keys.pk, DHT_PK_LEN);
		}
	}
	assert_int_equal(onionp_path_make(&w.client, nodes, p), 0);
}

static size_t
payload(uint8_t *p, size_t len, uint8_t kind)
{
	size_t	i;

	randombytes_buf(p, len);
	for (i = 0; i < len; i += 64)
		p[i] = (uint8_t)i;
	p[0] = kind;
	return len;
}

static void
check_alive(void)
{
	netd_proc_log(&w.n);
	if (waitpid(w.n.pid, &w.n.status, WNOHANG) != 0)
		fail_msg("netd exited; log:\n%s", w.n.buf);
}

/* netd as A: client -> netd -> B; B's answer -> netd -> client. */
static void
netd_relays_as_a(void **state)
{
	struct onion_path	path;
	uint8_t			pl[ANNOUNCE_REQ_LEN], resp[ANNOUNCE_RESP_MIN];
	uint8_t			p[ONION_MAX_PACKET], got[2048];
	size_t			len, n;
	int			k;

	path_with_netd(0, &path);
	payload(pl, sizeof(pl), ONION_ANNOUNCE_REQ);
	k = onionp_client_pack(&path, &w.d.addr, pl, sizeof(pl), p, sizeof(p));
	assert_true(k > 0);
	len = (size_t)k;
	memcpy(w.tmpl[0], p, len);
	w.tlen[0] = len;
	send_netd(w.a.s, p, len);
	n = recv_match(w.b.s, ONION_REQ_1, p + 1, 1, ONION_NONCE_LEN, got,
	    sizeof(got), T_WAIT);
	check_alive();
	if (n == 0)
		fail_msg("no 0x81 from netd; log:\n%s", w.n.buf);
	assert_int_equal(n, len - 8);
	/* B opens it and finds C and the rest of the onion */
	assert_int_equal(onionp_req_1(&w.b.keys, &w.b.sec, &w.netd_addr, got,
	    n, &w.out), 0);
	assert_true(ipp_equal(&w.out.to, &w.c.addr));
	assert_int_equal(onionp_req_2(&w.c.keys, &w.c.sec, &w.b.addr,
	    w.out.pkt, w.out.len, &w.out), 0);
	assert_true(ipp_equal(&w.out.to, &w.d.addr));
	assert_memory_equal(w.out.pkt, pl, sizeof(pl));

	/* B answers 0x8e || R1 || resp: the client gets resp, raw */
	payload(resp, sizeof(resp), ONION_ANNOUNCE_RESP);
	p[0] = ONION_RESP_1;
	memcpy(p + 1, got + n - ONION_RET_1_LEN, ONION_RET_1_LEN);
	memcpy(p + 1 + ONION_RET_1_LEN, resp, sizeof(resp));
	len = 1 + ONION_RET_1_LEN + sizeof(resp);
	memcpy(w.tmpl[5], p, len);
	w.tlen[5] = len;
	send_netd(w.b.s, p, len);
	n = recv_match(w.a.s, ONION_ANNOUNCE_RESP, resp, 0, sizeof(resp), got,
	    sizeof(got), T_WAIT);
	assert_int_equal(n, sizeof(resp));
	onionp_path_wipe(&path);
}

/* netd as B: A (the test) -> netd -> C; C's answer -> netd -> A. */
static void
netd_relays_as_b(void **state)
{
	struct onion_path	path;
	uint8_t			pl[200], resp[100], p[ONION_MAX_PACKET];
	uint8_t			got[2048];
	size_t			len, n;
	int			k;

	path_with_netd(1, &path);
	payload(pl, sizeof(pl), ONION_DATA_REQ);
	k = onionp_client_pack(&path, &w.d.addr, pl, sizeof(pl), p, sizeof(p));
	assert_true(k > 0);
	/* the test is A */
	assert_int_equal(onionp_req_0(&w.a.keys, &w.a.sec, &w.a.addr, p,
	    (size_t)k, &w.out), 0);
	assert_true(ipp_equal(&w.out.to, &w.netd_addr));
	len = w.out.len;
	memcpy(w.tmpl[1], w.out.pkt, len);
	w.tlen[1] = len;
	send_netd(w.a.s, w.out.pkt, len);
	n = recv_match(w.c.s, ONION_REQ_2, p + 1, 1, ONION_NONCE_LEN, got,
	    sizeof(got), T_WAIT);
	check_alive();
	assert_int_equal(n, len - 8);
	assert_int_equal(onionp_req_2(&w.c.keys, &w.c.sec, &w.netd_addr, got,
	    n, &w.out), 0);
	assert_true(ipp_equal(&w.out.to, &w.d.addr));
	assert_memory_equal(w.out.pkt, pl, sizeof(pl));

	/* C answers 0x8d || R2: netd sends 0x8e to A, which A opens */
	payload(resp, sizeof(resp), ONION_DATA_RESP);
	p[0] = ONION_RESP_2;
	memcpy(p + 1, got + n - ONION_RET_2_LEN, ONION_RET_2_LEN);
	memcpy(p + 1 + ONION_RET_2_LEN, resp, sizeof(resp));
	len = 1 + ONION_RET_2_LEN + sizeof(resp);
	memcpy(w.tmpl[4], p, len);
	w.tlen[4] = len;
	send_netd(w.c.s, p, len);
	n = recv_match(w.a.s, ONION_RESP_1, resp, 1 + ONION_RET_1_LEN,
	    sizeof(resp), got, sizeof(got), T_WAIT);
	assert_int_equal(n, 1 + ONION_RET_1_LEN + sizeof(resp));
	assert_int_equal(onionp_resp_1(&w.a.sec, got, n, &w.out), 0);
	assert_true(ipp_equal(&w.out.to, &w.a.addr));
	onionp_path_wipe(&path);
}

/* netd as C: B (the test) -> netd -> D; D's answer -> netd -> B. */
static void
netd_relays_as_c(void **state)
{
	struct onion_path	path;
	uint8_t			pl[ANNOUNCE_REQ_LEN], resp[ANNOUNCE_RESP_MAX];
	uint8_t			p[ONION_MAX_PACKET], got[2048];
	const uint8_t		*gp, *r3;
	size_t			len, n, gl;
	int			k;

	path_with_netd(2, &path);
	payload(pl, sizeof(pl), ONION_ANNOUNCE_REQ);
	k = onionp_client_pack(&path, &w.d.addr, pl, sizeof(pl), p, sizeof(p));
	assert_true(k > 0);
	assert_int_equal(onionp_req_0(&w.a.keys, &w.a.sec, &w.a.addr, p,
	    (size_t)k, &w.out), 0);
	memcpy(p, w.out.pkt, w.out.len);
	assert_int_equal(onionp_req_1(&w.b.keys, &w.b.sec, &w.a.addr, p,
	    w.out.len, &w.out), 0);
	assert_true(ipp_equal(&w.out.to, &w.netd_addr));
	len = w.out.len;
	memcpy(w.tmpl[2], w.out.pkt, len);
	w.tlen[2] = len;
	send_netd(w.b.s, w.out.pkt, len);
	n = recv_match(w.d.s, ONION_ANNOUNCE_REQ, pl, 0, sizeof(pl), got,
	    sizeof(got), T_WAIT);
	check_alive();
	assert_int_equal(n, sizeof(pl) + ONION_RET_3_LEN);
	assert_int_equal(onionp_dest_split(got, n, &gp, &gl, &r3), 0);

	/* D answers 0x8c || R3 || resp: netd sends 0x8d to B */
	payload(resp, sizeof(resp), ONION_ANNOUNCE_RESP);
	k = onionp_dest_answer(r3, resp, sizeof(resp), p, sizeof(p));
	assert_true(k > 0);
	memcpy(w.tmpl[3], p, (size_t)k);
	w.tlen[3] = (size_t)k;
	send_netd(w.d.s, p, (size_t)k);
	n = recv_match(w.b.s, ONION_RESP_2, resp, 1 + ONION_RET_2_LEN,
	    sizeof(resp), got, sizeof(got), T_WAIT);
	assert_int_equal(n, 1 + ONION_RET_2_LEN + sizeof(resp));
	assert_int_equal(onionp_resp_2(&w.b.sec, got, n, &w.out), 0);
	assert_true(ipp_equal(&w.out.to, &w.a.addr));
	onionp_path_wipe(&path);
}

/*
 * A fresh 0x80 through netd as A, waited for at B.  netd reads in order,
 * so its 0x81 coming out means every datagram sent before was read: the
 * flood is paced by these, and never just fills a socket buffer for the
 * kernel to drop.  What the replays brought to the other peers goes.
 */
static void
sync_relay(const struct onion_path *path)
{
	uint8_t	pl[ANNOUNCE_REQ_LEN], p[ONION_MAX_PACKET], got[2048];
	size_t	n;
	int	k;

	payload(pl, sizeof(pl), ONION_ANNOUNCE_REQ);
	k = onionp_client_pack(path, &w.d.addr, pl, sizeof(pl), p, sizeof(p));
	assert_true(k > 0);
	send_netd(w.a.s, p, (size_t)k);
	n = recv_match(w.b.s, ONION_REQ_1, p + 1, 1, ONION_NONCE_LEN, got,
	    sizeof(got), T_WAIT);
	if (n == 0) {
		check_alive();
		fail_msg("netd stopped relaying during the flood");
	}
	lo_udp_drain(w.a.s);
	lo_udp_drain(w.c.s);
	lo_udp_drain(w.d.s);
}

/* 10,000 bad packets of each kind, then a fresh 0x80 still relayed. */
static void
netd_survives_a_flood(void **state)
{
	static const uint8_t	kinds[6] = { ONION_REQ_0, ONION_REQ_1,
	    ONION_REQ_2, ONION_RESP_3, ONION_RESP_2, ONION_RESP_1 };
	struct onion_path	path;
	uint8_t			p[2048], pl[ANNOUNCE_REQ_LEN], got[2048];
	uint64_t		deadline;
	size_t			len, n = 0;
	uint32_t		r;
	int			i, k, v;

	for (k = 0; k < 6; k++)
		assert_true(w.tlen[k] > 0);	/* the tests above ran */
	path_with_netd(0, &path);
	for (i = 0; i < FLOOD; i++) {
		if (i % 8 == 0)
			sync_relay(&path);
		for (k = 0; k < 6; k++) {
			r = randombytes_random();
			v = i % 5;
			memcpy(p, w.tmpl[k], w.tlen[k]);
			len = w.tlen[k];
			switch (v) {
			case 0:		/* junk of any length */
				len = 1 + r % 1500;
				randombytes_buf(p, len);
				p[0] = kinds[k];
				break;
			case 1:		/* truncated */
				len = 1 + r % (w.tlen[k] - 1);
				break;
			case 2:		/* oversized */
				len = ONION_MAX_PACKET + 1 + r % 600;
				if (w.tlen[k] < len)
					randombytes_buf(p + w.tlen[k],
					    len - w.tlen[k]);
				break;
			case 3:		/* replayed as is */
				break;
			default:	/* one bit flipped past the kind */
				p[1 + (r >> 8) % (len - 1)] ^=
				    (uint8_t)(1 << (r & 7));
				break;
			}
			send_netd(w.flood.s, p, len);
		}
	}
	check_alive();

	/* what the replays brought, gone; then a fresh onion, resent
	 * until netd has worked through its queue (a full socket buffer
	 * drops datagrams, as any network may) */
	payload(pl, sizeof(pl), ONION_ANNOUNCE_REQ);
	assert_true(onionp_client_pack(&path, &w.d.addr, pl, sizeof(pl), p,
	    sizeof(p)) == ONION_REQ_0_MIN + (int)sizeof(pl));
	len = ONION_REQ_0_MIN + sizeof(pl);
	deadline = mono_ms() + 3 * T_WAIT;
	while (n == 0 && mono_ms() < deadline) {
		lo_udp_drain(w.a.s);
		send_netd(w.a.s, p, len);
		n = recv_match(w.b.s, ONION_REQ_1, p + 1, 1, ONION_NONCE_LEN,
		    got, sizeof(got), 500);
	}
	check_alive();
	if (n == 0)
		fail_msg("no 0x81 after the flood; log:\n%s", w.n.buf);
	assert_int_equal(onionp_req_1(&w.b.keys, &w.b.sec, &w.netd_addr, got,
	    n, &w.out), 0);
	assert_true(ipp_equal(&w.out.to, &w.c.addr));
	onionp_path_wipe(&path);

	/* and it ends cleanly when the supervisor goes */
	close(w.n.sup);
	w.n.sup = -1;
	assert_int_equal(netd_proc_wait(&w.n, T_WAIT), 0);
	assert_true(WIFEXITED(w.n.status));
	assert_int_equal(WEXITSTATUS(w.n.status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(netd_relays_as_a),
		cmocka_unit_test(netd_relays_as_b),
		cmocka_unit_test(netd_relays_as_c),
		cmocka_unit_test(netd_survives_a_flood),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
