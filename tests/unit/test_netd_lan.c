/*
 * LAN discovery in netd (netd/netd_lan.c) behind the real packet-kind
 * switch, DHT glue and UDP socket: an announcement (0x21) from a LAN
 * address makes the DHT send that address a nodes request under our DHT
 * key; one from outside the LAN, a malformed one, our own echoed back, or
 * any with --no-lan, is refused.  The announcer is a socket on 127.0.0.1
 * (LAN to Tox).  The event loop never runs, so no announcement of ours
 * leaves the host.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/loop.h"
#include "netd/dht_packet.h"
#include "netd/net.h"
#include "netd/netd_dht.h"
#include "netd/netd_lan.h"

static int		peer = -1;	/* the announcer's socket */
static struct ip_port	peer_addr;

/* What the announcer got within the deadline; 0 if nothing. */
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
	char			port[8];

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
	/* netd's start-up order, minus the sandbox. */
	snprintf(port, sizeof(port), "%u", free_port());
	if (!net_option(NET_OPT_PORT, port))
		return -1;
	net_start();
	netd_dht_start();
	loop_init();
	net_serve();
	netd_dht_serve(NULL);
	netd_lan_serve();
	return net_udp_up() ? 0 : -1;
}

static void
lan_announcement_rules(void **state)
{
	const struct netd_lan_stats	*st = netd_lan_stats();
	struct ip_port			 wan;
	uint8_t				 pk[DHT_PK_LEN], pkt[64], got[200];
	ssize_t				 n;

	randombytes_buf(pk, sizeof(pk));
	assert_int_equal(dhtp_lan_pack(pk, pkt, sizeof(pkt)), DHT_LAN_LEN);

	/* From outside the LAN: refused, nothing sent. */
	assert_int_equal(ipp_parse("8.8.8.8", peer_addr.port, &wan), 0);
	net_input(&wan, pkt, DHT_LAN_LEN);
	net_input_end();
	assert_int_equal(st->refused, 1);
	assert_int_equal(st->asked, 0);
	/* One byte too many: malformed. */
	net_input(&peer_addr, pkt, DHT_LAN_LEN + 1);
	assert_int_equal(st->malformed, 1);
	assert_int_equal(peer_recv(got, sizeof(got), 0), 0);

	/* From the LAN: the DHT asks the announcer for nodes, as itself. */
	net_input(&peer_addr, pkt, DHT_LAN_LEN);
	net_input_end();
	assert_int_equal(st->asked, 1);
	n = peer_recv(got, sizeof(got), 5000);
	assert_int_equal(n, DHT_NODES_REQ_LEN);
	assert_int_equal(got[0], DHT_NODES_REQ);
	assert_memory_equal(got + 1, netd_dht_self_pk(), DHT_PK_LEN);

	/* Our own announcement, echoed back by the LAN: not followed. */
	assert_int_equal(dhtp_lan_pack(netd_dht_self_pk(), pkt, sizeof(pkt)),
	    DHT_LAN_LEN);
	net_input(&peer_addr, pkt, DHT_LAN_LEN);
	assert_int_equal(st->refused, 2);
	assert_int_equal(st->asked, 1);

	/* --no-lan: refused (the kind stays LAN discovery's, not unknown). */
	assert_int_equal(dhtp_lan_pack(pk, pkt, sizeof(pkt)), DHT_LAN_LEN);
	assert_int_equal(netd_lan_option(NETD_LAN_OPT_NO_LAN, NULL), 1);
	net_input(&peer_addr, pkt, DHT_LAN_LEN);
	net_input_end();
	assert_int_equal(st->refused, 3);
	assert_int_equal(st->asked, 1);
	assert_int_equal(peer_recv(got, sizeof(got), 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lan_announcement_rules),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
