/*
 * netd's DHT-PK glue (netd/netd_dhtpk.c) with the real DHT glue, packet
 * switch and a UDP socket on 127.0.0.1, and a raw "keyd" end: a friend's
 * DHT key from keyd is searched (an older one forgotten) and the nodes it
 * named are asked for it; our DHT-PK is due by the DHT route at once and
 * keyd is asked to seal it with netd's own DHT key; a removed friend's
 * search ends; a 0x20 DHT-PK for us goes to keyd with its outer sender.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "common/loop.h"
#include "common/mono.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_dhtpk.h"
#include "netd/dht_int.h"
#include "netd/net.h"
#include "netd/netd_dht.h"
#include "netd/netd_dhtpk.h"

static int		peer = -1;	/* a DHT node, on 127.0.0.1 */
static struct ip_port	peer_addr;
static struct dht_keys	*peer_keys;
static struct chan	nc;		/* netd's end */
static int		kfd = -1, closed;
static struct ipc_msg	rep;

static const struct chan_tables from_keyd = { { &netd_dhtpk_from_keyd } };

static void
on_close(struct chan *c, const char *why)
{
	closed = 1;
}

static ssize_t
peer_recv(uint8_t *buf, size_t cap, int timeout_ms)
{
	struct pollfd	pfd = { .fd = peer, .events = POLLIN };

	net_flush();	/* what netd batched, as its loop does before waiting */
	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	return recv(peer, buf, cap, 0);
}

/* A free UDP port outside the range LAN discovery announces to. */
static uint16_t
free_port(void)
{
	struct sockaddr_in	sa;
	socklen_t		sl;
	uint16_t		port;
	int			s;

	do {
		if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
			return 0;
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sl = sizeof(sa);
		if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
		    getsockname(s, (struct sockaddr *)&sa, &sl) == -1)
			port = 0;
		else
			port = ntohs(sa.sin_port);
		close(s);
	} while (port >= 33445 && port <= 33545);
	return port;
}

static int
setup(void **state)
{
	struct sockaddr_in	sa;
	socklen_t		sl = sizeof(sa);
	struct ipc_hello	h;
	uint8_t			buf[64];
	struct wr		w;
	char			port[8];
	int			sv[2];

	if (sodium_init() < 0)
		return -1;
	peer = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (peer == -1 || bind(peer, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(peer, (struct sockaddr *)&sa, &sl) == -1)
		return -1;
	(void)ipp_set(&peer_addr, (const uint8_t *)&sa.sin_addr, 4,
	    ntohs(sa.sin_port));
	if ((peer_keys = calloc(1, sizeof(*peer_keys))) == NULL)
		return -1;
	dht_keys_init(peer_keys);
	/* netd's start-up order, minus the sandbox, onion and LAN */
	snprintf(port, sizeof(port), "%u", free_port());
	if (!net_option(NET_OPT_PORT, port))
		return -1;
	net_start();
	netd_dht_start();
	loop_init();
	net_serve();
	netd_dht_serve(NULL);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	chan_open(&nc, sv[0], ROLE_NETD, ROLE_KEYD, &from_keyd, on_close,
	    NULL);
	kfd = sv[1];
	h.role = ROLE_KEYD;
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (ipc_send(kfd, IPC_HELLO, 0, buf, wr_len(&w), -1) == -1 ||
	    ipc_recv(kfd, &rep) != 1 || rep.hdr.type != IPC_HELLO ||
	    fcntl(kfd, F_SETFL, O_NONBLOCK) == -1)
		return -1;
	netd_dhtpk_serve(&nc);
	return net_udp_up() ? 0 : -1;
}

/* Runs netd's loop a little; the next message keyd got, or 0. */
static uint16_t
keyd_next(void)
{
	int	i, n;

	for (i = 0; i < 20; i++) {
		loop_once(50);
		n = ipc_recv(kfd, &rep);
		if (n == 1)
			return rep.hdr.type;
		assert_true(n == -1 && errno == EAGAIN);
	}
	return 0;
}

static void
to_netd(uint16_t type, const struct wr *w)
{
	assert_true(wr_ok(w));
	assert_int_equal(ipc_send(kfd, type, 0, w->p, w->len, -1), 0);
	loop_once(100);
}

static void
friend_state(const uint8_t *pk, uint8_t state)
{
	struct ipc_friend_net	f;
	uint8_t			buf[64];
	struct wr		w;

	memcpy(f.pk, pk, 32);
	f.state = state;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_net(&w, &f);
	to_netd(IPC_ONION_FRIEND, &w);
}

static void
friend_dht(const uint8_t *pk, const uint8_t *dht_pk)
{
	struct ipc_friend_dht	f;
	uint8_t			buf[IPC_FRIEND_DHT_MAX];
	struct wr		w;

	memset(&f, 0, sizeof(f));
	memcpy(f.pk, pk, 32);
	memcpy(f.dht_pk, dht_pk, 32);
	f.n = 1;
	assert_int_equal(ipp_to_node(&peer_addr, peer_keys->pk, &f.nodes[0]),
	    0);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dht(&w, &f);
	to_netd(IPC_ONION_FRIEND_DHT, &w);
}

static void
friends_dht_key_searched_and_dhtpk_sealed(void **state)
{
	struct dht		*d = netd_dht_engine();
	struct ipc_dhtpk_seal	 s;
	struct ipc_dhtpk_sealed	 out;
	struct dht_nodes_req	 q;
	uint8_t			 fr[32], x[32], y[32], got[200], from[32];
	uint8_t			 buf[IPC_DHTPK_SEALED_MAX];
	struct wr		 w;
	struct rd		 r;
	ssize_t			 n;

	randombytes_buf(fr, 32);
	randombytes_buf(x, 32);
	randombytes_buf(y, 32);
	/* a friend: no data key, no DHT key yet, so nothing to seal */
	friend_state(fr, FRIEND_NET_OFFLINE);
	assert_int_equal(keyd_next(), 0);
	assert_non_null(dhtpk_sched_find(netd_dhtpk_sched(), fr));

	/* its DHT key: searched, and the node it named asked for it */
	friend_dht(fr, x);
	assert_non_null(dht_search_find(d, x));
	n = peer_recv(got, sizeof(got), 5000);
	assert_int_equal(n, DHT_NODES_REQ_LEN);
	assert_int_equal(dhtp_nodes_req_parse(peer_keys, got, (size_t)n, from,
	    &q), 0);
	assert_memory_equal(q.search_pk, x, 32);
	assert_int_equal(netd_dhtpk_stats.keys_learned, 1);

	/* our DHT-PK by the DHT route is due at once: keyd seals it */
	assert_int_equal(keyd_next(), IPC_ONION_DHTPK_SEAL);
	assert_int_not_equal(rep.hdr.id, 0);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_dhtpk_seal(&r, &s), 0);
	assert_int_equal(s.route, DHTPK_ROUTE_DHT);
	assert_memory_equal(s.f.pk, fr, 32);
	assert_memory_equal(s.f.dht_pk, netd_dht_self_pk(), 32);
	/* sealed; no node knows where the friend is: not sent, retried */
	memset(&out, 0, sizeof(out));
	out.route = DHTPK_ROUTE_DHT;
	out.len = DHTPK_SEALED_MIN + ONION_NONCE_LEN;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_sealed(&w, &out);
	assert_int_equal(ipc_send(kfd, IPC_ONION_DHTPK_SEALED, rep.hdr.id,
	    w.p, w.len, -1), 0);
	loop_once(100);
	assert_int_equal(netd_dhtpk_stats.unsent, 1);
	assert_int_equal(netd_dhtpk_stats.sent_dht, 0);

	/* the same key again: nothing new; a new one replaces it */
	friend_dht(fr, x);
	assert_int_equal(netd_dhtpk_stats.keys_learned, 1);
	friend_dht(fr, y);
	assert_int_equal(netd_dhtpk_stats.keys_learned, 2);
	assert_null(dht_search_find(d, x));
	assert_non_null(dht_search_find(d, y));
	/* a stranger's key is not searched */
	friend_dht(x, x);
	assert_null(dht_search_find(d, x));

	/* removed: its search ends, nothing more is sealed (what was asked
	 * before is dropped unread; a retry would come within a second) */
	friend_state(fr, FRIEND_NET_GONE);
	while (ipc_recv(kfd, &rep) == 1)
		;
	assert_null(dht_search_find(d, y));
	assert_null(dhtpk_sched_find(netd_dhtpk_sched(), fr));
	assert_int_equal(keyd_next(), 0);
	assert_int_equal(keyd_next(), 0);
	assert_false(closed);
}

static void
dht_request_dhtpk_goes_to_keyd(void **state)
{
	static struct ipc_dhtpk_in	in;
	uint8_t				data[32 + 24 + DHTPK_BOX_MIN];
	uint8_t				pkt[DHT_REQ_MAX];
	struct rd			r;
	int				n;

	randombytes_buf(data, sizeof(data));
	n = dhtp_request_pack(peer_keys, netd_dht_self_pk(), DHT_REQ_DHTPK,
	    data, sizeof(data), pkt, sizeof(pkt));
	assert_true(n > 0);
	net_input(&peer_addr, pkt, (size_t)n);
	net_input_end();
	assert_int_equal(keyd_next(), IPC_ONION_DHTPK_IN);
	rd_init(&r, rep.data, rep.hdr.len);
	assert_int_equal(ipc_unpack_dhtpk_in(&r, &in), 0);
	assert_memory_equal(in.outer_pk, peer_keys->pk, 32);
	assert_memory_equal(in.sender_pk, data, 32);
	assert_memory_equal(in.nonce, data + 32, 24);
	assert_int_equal(in.boxlen, DHTPK_BOX_MIN);
	/* one byte short of a DHT-PK: not for keyd */
	n = dhtp_request_pack(peer_keys, netd_dht_self_pk(), DHT_REQ_DHTPK,
	    data, sizeof(data) - 1, pkt, sizeof(pkt));
	net_input(&peer_addr, pkt, (size_t)n);
	net_input_end();
	assert_int_equal(keyd_next(), 0);
	assert_int_equal(netd_dhtpk_stats.in_dht, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(friends_dht_key_searched_and_dhtpk_sealed),
		cmocka_unit_test(dht_request_dhtpk_goes_to_keyd),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
