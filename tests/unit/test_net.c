/*
 * netd's packet-kind switch (netd/net.c): a registered kind reaches its
 * protocol, an unknown kind is counted and dropped, burst_end runs once
 * per protocol reached, and a burst larger than NET_RX_BURST waiting on
 * the real UDP socket (loopback) is served over several wakeups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/loop.h"
#include "netd/net.h"

struct seen {
	unsigned	rx, ends;
	uint8_t		last[8];
	size_t		len;
	struct ip_port	from;
};

static void
seen_rx(void *arg, const struct ip_port *from, const uint8_t *pkt,
    size_t len)
{
	struct seen	*s = arg;

	s->rx++;
	s->len = len;
	s->from = *from;
	memcpy(s->last, pkt, len < sizeof(s->last) ? len : sizeof(s->last));
}

static void
seen_end(void *arg)
{
	struct seen	*s = arg;

	s->ends++;
}

static void
net_kind_reaches_its_protocol(void **state)
{
	static struct seen	 a, b;
	static struct net_proto	 pa = { "a", seen_rx, seen_end, &a, 0 };
	static struct net_proto	 pb = { "b", seen_rx, seen_end, &b, 0 };
	const uint8_t		 p1[] = { 0x42, 1, 2, 3, 4 };
	const uint8_t		 p2[] = { 0x43, 9 };
	struct ip_port		 from;
	uint64_t		 unknown = net_stats()->unknown;

	net_register(0x42, &pa);
	net_register(0x43, &pa);	/* one protocol, two kinds */
	net_register(0x44, &pb);
	/* ::ffff:10.1.2.3, as a TCP relay might hand it in. */
	assert_int_equal(ipp_set(&from, (const uint8_t[]){ [10] = 0xff,
	    [11] = 0xff, [12] = 10, [13] = 1, [14] = 2, [15] = 3 }, 16, 7), 0);
	assert_int_equal(from.family, IPP_V6);
	net_input(&from, p1, sizeof(p1));
	net_input(&from, p2, sizeof(p2));
	assert_int_equal(a.rx, 2);
	assert_int_equal(a.len, 2);
	assert_int_equal(a.last[0], 0x43);
	assert_int_equal(b.rx, 0);
	/* The switch hands over IPv4-mapped sources as IPv4. */
	assert_int_equal(a.from.family, IPP_V4);
	assert_int_equal(a.from.ip[0], 10);
	assert_int_equal(a.from.port, 7);
	/* burst_end: once for a, who got two packets; never for b. */
	net_input_end();
	assert_int_equal(a.ends, 1);
	assert_int_equal(b.ends, 0);
	net_input_end();
	assert_int_equal(a.ends, 1);
	assert_int_equal(net_stats()->unknown, unknown);
	net_unregister(0x42);
	net_unregister(0x43);
	net_unregister(0x44);
}

static void
net_unknown_kind_counted_and_dropped(void **state)
{
	static struct seen	 a;
	static struct net_proto	 pa = { "a", seen_rx, seen_end, &a, 0 };
	const uint8_t		 p[] = { 0x81, 0, 0, 0 };
	struct ip_port		 from;
	uint64_t		 unknown = net_stats()->unknown;

	assert_int_equal(ipp_parse("127.0.0.1", 9, &from), 0);
	net_register(0x80, &pa);
	net_input(&from, p, sizeof(p));		/* 0x81: nobody's */
	assert_int_equal(net_stats()->unknown, unknown + 1);
	net_input(&from, p, 0);			/* no kind at all */
	assert_int_equal(net_stats()->unknown, unknown + 2);
	assert_int_equal(a.rx, 0);
	net_input_end();
	assert_int_equal(a.ends, 0);
	/* Unregistered, a kind is unknown again. */
	net_unregister(0x80);
	net_input(&from, (const uint8_t[]){ 0x80 }, 1);
	assert_int_equal(net_stats()->unknown, unknown + 3);
	assert_int_equal(a.rx, 0);
}

/* A free UDP port outside the range LAN discovery sends to. */
static uint16_t
free_port(void)
{
	struct sockaddr_in6	sa;
	socklen_t		sl;
	uint16_t		port;
	int			s;

	do {
		s = socket(AF_INET6, SOCK_DGRAM, 0);
		assert_true(s != -1);
		memset(&sa, 0, sizeof(sa));
		sa.sin6_family = AF_INET6;
		assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)),
		    0);
		sl = sizeof(sa);
		assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl),
		    0);
		port = ntohs(sa.sin6_port);
		close(s);
	} while (port >= 33445 && port <= 33545);
	return port;
}

static void
net_burst_spans_wakeups(void **state)
{
	static struct seen	 a;
	static struct net_proto	 pa = { "a", seen_rx, seen_end, &a, 0 };
	const unsigned		 total = 2 * NET_RX_BURST + 5;
	struct sockaddr_in	 to;
	char			 port[8];
	uint8_t			 pkt[4] = { 0x45, 0, 0, 0 };
	uint64_t		 wakeups;
	unsigned		 i;
	int			 s, fd;

	snprintf(port, sizeof(port), "%u", free_port());
	assert_int_equal(net_option(NET_OPT_PORT, port), 1);
	net_start();
	assert_true(net_udp_up());
	assert_int_equal(net_fds(&fd, 1), 1);
	assert_true(fd >= 0);
	loop_init();
	net_serve();
	net_register(0x45, &pa);

	s = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s != -1);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(net_udp_port());
	/* All queued before the first wakeup (loopback delivers at once). */
	for (i = 0; i < total; i++) {
		pkt[1] = (uint8_t)i;
		assert_int_equal(sendto(s, pkt, sizeof(pkt), 0,
		    (struct sockaddr *)&to, sizeof(to)), (ssize_t)sizeof(pkt));
	}
	wakeups = net_stats()->wakeups;
	loop_once(5000);
	assert_int_equal(net_stats()->wakeups, wakeups + 1);
	assert_int_equal(a.rx, NET_RX_BURST);
	assert_int_equal(a.ends, 1);
	loop_once(5000);
	assert_int_equal(net_stats()->wakeups, wakeups + 2);
	assert_int_equal(a.rx, 2 * NET_RX_BURST);
	assert_int_equal(a.ends, 2);
	loop_once(5000);
	assert_int_equal(net_stats()->wakeups, wakeups + 3);
	assert_int_equal(a.rx, total);
	assert_int_equal(a.ends, 3);
	/* In order, from the loopback address as IPv4. */
	assert_int_equal(a.last[1], (uint8_t)(total - 1));
	assert_int_equal(a.from.family, IPP_V4);
	assert_int_equal(a.from.ip[0], 127);
	close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(net_kind_reaches_its_protocol),
		cmocka_unit_test(net_unknown_kind_counted_and_dropped),
		cmocka_unit_test(net_burst_spans_wakeups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
