/*
 * netd's UDP batches (netd/udp.c, netd/net.c) over real loopback sockets
 * the test binds: a batch leaves whole and in order in one sendmmsg; a
 * destination the kernel refuses costs its own datagram only; what
 * udp_queue cannot send is refused before the kernel; recvmmsg marks an
 * oversized datagram and still delivers the ones after it; IPv4-mapped
 * sources come out as IPv4; and through net.c, net_send holds UDP packets
 * until the loop is about to sleep (or the batch is full).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/loop.h"
#include "netd/net.h"
#include "netd/udp.h"
#include "tests/lib/lo_udp.h"

/* Large: static, as netd keeps them. */
static struct udp_rx	rx;
static struct udp_tx	tx;

/* A socket on 127.0.0.1 of the kernel's choosing, as netd's udp. */
static void
lo_udp(struct udp *u)
{
	int	s = lo_udp_socket();

	assert_true(s != -1);
	assert_int_equal(udp_adopt(u, s), 0);
	assert_false(u->v6);
}

/* 127.0.0.1:port */
static struct ip_port
lo_ipp(uint16_t port)
{
	struct ip_port	to;

	assert_int_equal(ipp_parse("127.0.0.1", port, &to), 0);
	return to;
}

/* Datagram i of a test batch: its length and a pattern naming it. */
static size_t
pkt_make(unsigned i, uint8_t *p)
{
	size_t	len = 1 + (i * 37) % 200, k;

	for (k = 0; k < len; k++)
		p[k] = (uint8_t)(i + k);
	return len;
}

/* Reads what is queued on u (nothing waits: loopback delivers within
 * the send); asserts the count. */
static void
recv_expect(struct udp *u, int want)
{
	struct pollfd	pfd = { .fd = u->fd, .events = POLLIN };

	if (want > 0)
		assert_int_equal(poll(&pfd, 1, 0), 1);
	assert_int_equal(udp_recv_many(u, &rx, UDP_BATCH), want);
}

static void
batch_arrives_whole_in_order(void **state)
{
	struct udp	a, b;
	struct ip_port	to;
	uint8_t		p[UDP_MAX_DGRAM];
	uint64_t	calls;
	size_t		len;
	unsigned	i;

	lo_udp(&a);
	lo_udp(&b);
	to = lo_ipp(b.port);
	for (i = 0; i < UDP_BATCH; i++) {
		len = pkt_make(i, p);
		assert_int_equal(udp_queue(&a, &tx, &to, p, len), 0);
	}
	assert_int_equal(tx.n, UDP_BATCH);
	calls = tx.calls;
	assert_int_equal(udp_send_many(&a, &tx), UDP_BATCH);
	assert_int_equal(tx.calls, calls + 1);	/* one system call */
	assert_int_equal(tx.n, 0);

	recv_expect(&b, UDP_BATCH);
	for (i = 0; i < UDP_BATCH; i++) {
		len = pkt_make(i, p);
		assert_int_equal(rx.len[i], (ssize_t)len);
		assert_memory_equal(rx.pkt[i], p, len);
		assert_int_equal(rx.from[i].family, IPP_V4);
		assert_int_equal(rx.from[i].ip[0], 127);
		assert_int_equal(rx.from[i].port, a.port);
	}
	recv_expect(&b, 0);			/* nothing more */
	/* An empty batch makes no call. */
	assert_int_equal(udp_send_many(&a, &tx), 0);
	assert_int_equal(tx.calls, calls + 1);
	udp_close(&a);
	udp_close(&b);
}

/*
 * Port 0 is no destination: the kernel refuses that one message (EINVAL)
 * and sendmmsg stops there.  The ones after it must still leave.
 */
static void
refused_destination_costs_only_its_datagram(void **state)
{
	struct udp	a, b;
	struct ip_port	to, bad;
	uint8_t		p[UDP_MAX_DGRAM];
	size_t		len;
	unsigned	i, k;

	lo_udp(&a);
	lo_udp(&b);
	to = lo_ipp(b.port);
	bad = lo_ipp(0);
	for (i = 0; i < 8; i++) {
		len = pkt_make(i, p);
		assert_int_equal(udp_queue(&a, &tx, i == 3 || i == 7 ? &bad :
		    &to, p, len), 0);
	}
	assert_int_equal(udp_send_many(&a, &tx), 6);
	recv_expect(&b, 6);
	for (i = 0, k = 0; i < 8; i++) {
		if (i == 3 || i == 7)
			continue;
		len = pkt_make(i, p);
		assert_int_equal(rx.len[k], (ssize_t)len);
		assert_memory_equal(rx.pkt[k], p, len);
		k++;
	}
	/* The first one refused, too. */
	assert_int_equal(udp_queue(&a, &tx, &bad, p, 1), 0);
	assert_int_equal(udp_queue(&a, &tx, &to, p, 1), 0);
	assert_int_equal(udp_send_many(&a, &tx), 1);
	recv_expect(&b, 1);
	udp_close(&a);
	udp_close(&b);
}

/* Datagram i of a file-like batch: chunk-sized, the last one short. */
static size_t
chunk_make(unsigned i, unsigned n, uint8_t *p)
{
	size_t	len = i + 1 == n ? 100 : 1371, k;

	for (k = 0; k < len; k++)
		p[k] = (uint8_t)(i * 7 + k);
	return len;
}

/* Receives n datagrams made by chunk_make, in order. */
static void
chunks_expect(struct udp *b, unsigned n, uint16_t from_port)
{
	uint8_t		p[UDP_MAX_DGRAM];
	size_t		len;
	unsigned	i, got = 0;
	int		r;

	while (got < n) {
		recv_expect(b, r = (int)(n - got < UDP_BATCH ? n - got :
		    UDP_BATCH));
		for (i = 0; i < (unsigned)r; i++, got++) {
			len = chunk_make(got, n, p);
			assert_int_equal(rx.len[i], (ssize_t)len);
			assert_memory_equal(rx.pkt[i], p, len);
			assert_int_equal(rx.from[i].port, from_port);
		}
	}
	recv_expect(b, 0);
}

/*
 * A file's chunks to one friend leave as segmented runs (as many to a run
 * as fit UDP_GSO_BYTES_MAX), in one call, and arrive as the datagrams
 * they were; a datagram to another address between them breaks the run.
 */
static void
runs_leave_segmented_and_arrive_as_datagrams(void **state)
{
	struct udp	a, b, c;
	struct ip_port	to, other;
	uint8_t		p[UDP_MAX_DGRAM];
	uint64_t	calls, seg, co;
	unsigned	i, per_run = UDP_GSO_BYTES_MAX / 1371;

	lo_udp(&a);
	lo_udp(&b);
	lo_udp(&c);
	to = lo_ipp(b.port);
	other = lo_ipp(c.port);
	for (i = 0; i < UDP_BATCH; i++)
		assert_int_equal(udp_queue(&a, &tx, &to, p,
		    chunk_make(i, UDP_BATCH, p)), 0);
	calls = tx.calls;
	seg = tx.segmented;
	assert_int_equal(udp_send_many(&a, &tx), UDP_BATCH);
	assert_int_equal(tx.calls, calls + 1);
	assert_true(per_run < UDP_BATCH);
	/* runs of per_run and of the rest (the short one ends it) */
	assert_int_equal(tx.segmented, seg + UDP_BATCH);
	assert_false(a.no_gso);
	co = rx.coalesced;
	chunks_expect(&b, UDP_BATCH, a.port);
	/* loopback hands a run over whole to a socket that asked */
	assert_true(b.gro);
	assert_true(rx.coalesced > co);

	/* 10 to b, 1 to c, 10 to b: runs of 10, a lone one, a run of 10 */
	seg = tx.segmented;
	for (i = 0; i < 21; i++) {
		if (i == 10)
			assert_int_equal(udp_queue(&a, &tx, &other, p, 5), 0);
		else
			assert_int_equal(udp_queue(&a, &tx, &to, p,
			    chunk_make(i < 10 ? i : i - 1, 20, p)), 0);
	}
	assert_int_equal(udp_send_many(&a, &tx), 21);
	assert_int_equal(tx.segmented, seg + 20);
	chunks_expect(&b, 20, a.port);
	recv_expect(&c, 1);
	assert_int_equal(rx.len[0], 5);
	udp_close(&a);
	udp_close(&b);
	udp_close(&c);
}

/*
 * A kernel that refuses runs (here: a socket told to send without UDP
 * checksums, which segmentation cannot do) costs nothing: the run goes
 * datagram by datagram, and the socket sends plain from then on.
 */
static void
refused_runs_fall_back_to_datagrams(void **state)
{
	struct udp	a, b;
	struct ip_port	to;
	uint8_t		p[UDP_MAX_DGRAM];
	uint64_t	calls, seg;
	unsigned	i;
	int		one = 1;

	lo_udp(&a);
	lo_udp(&b);
	assert_int_equal(setsockopt(a.fd, SOL_SOCKET, SO_NO_CHECK, &one,
	    sizeof(one)), 0);
	to = lo_ipp(b.port);
	seg = tx.segmented;
	for (i = 0; i < 30; i++)
		assert_int_equal(udp_queue(&a, &tx, &to, p,
		    chunk_make(i, 30, p)), 0);
	assert_int_equal(udp_send_many(&a, &tx), 30);
	assert_true(a.no_gso);
	assert_int_equal(tx.segmented, seg);
	chunks_expect(&b, 30, a.port);

	/* from now on: plain, in one call */
	for (i = 0; i < 30; i++)
		assert_int_equal(udp_queue(&a, &tx, &to, p,
		    chunk_make(i, 30, p)), 0);
	calls = tx.calls;
	assert_int_equal(udp_send_many(&a, &tx), 30);
	assert_int_equal(tx.calls, calls + 1);
	assert_int_equal(tx.segmented, seg);
	chunks_expect(&b, 30, a.port);
	udp_close(&a);
	udp_close(&b);
}

/*
 * A run of more datagrams than any of ours (another program on this
 * host may send one): the first UDP_GSO_SEGS_MAX come out, the rest is
 * one entry to drop, and the next message is read as usual.
 */
static void
overlong_run_is_cut(void **state)
{
	union udp_gso_ctl	ctl;
	struct sockaddr_in	sa;
	struct cmsghdr		*c;
	struct msghdr		h;
	struct iovec		iov;
	struct udp		b;
	uint8_t			p[100 * 10];
	uint16_t		seg = 10;
	unsigned		i;
	int			s, got;

	lo_udp(&b);
	assert_true((s = lo_udp_socket()) != -1);
	for (i = 0; i < sizeof(p); i++)
		p[i] = (uint8_t)(i / 10);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(b.port);
	iov.iov_base = p;
	iov.iov_len = sizeof(p);
	memset(&h, 0, sizeof(h));
	h.msg_name = &sa;
	h.msg_namelen = sizeof(sa);
	h.msg_iov = &iov;
	h.msg_iovlen = 1;
	h.msg_control = ctl.b;
	h.msg_controllen = sizeof(ctl.b);
	c = CMSG_FIRSTHDR(&h);
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	if (sendmsg(s, &h, 0) != (ssize_t)sizeof(p)) {
		close(s);
		udp_close(&b);
		skip();			/* this kernel takes no such run */
	}
	assert_int_equal(lo_udp_send(s, b.port, p, 3), 3);
	got = udp_recv_many(&b, &rx, UDP_BATCH);
	if (got == 100 + 1) {
		/* the kernel cut the run itself: no coalescing here */
		close(s);
		udp_close(&b);
		skip();
	}
	assert_int_equal(got, UDP_GSO_SEGS_MAX + 1 + 1);
	for (i = 0; i < UDP_GSO_SEGS_MAX; i++) {
		assert_int_equal(rx.len[i], 10);
		assert_int_equal(rx.pkt[i][0], i);
		assert_int_equal(rx.pkt[i][9], i);
	}
	assert_int_equal(rx.len[UDP_GSO_SEGS_MAX], -1);
	assert_int_equal(rx.len[UDP_GSO_SEGS_MAX + 1], 3);
	assert_memory_equal(rx.pkt[UDP_GSO_SEGS_MAX + 1], p, 3);
	close(s);
	udp_close(&b);
}

/* What the socket cannot send is refused when queued, and takes no slot. */
static void
queue_refuses_before_the_kernel(void **state)
{
	struct udp	a;
	struct ip_port	to, v6, virt;
	uint8_t		p[UDP_MAX_DGRAM + 1];
	unsigned	i;

	memset(p, 0x55, sizeof(p));
	lo_udp(&a);
	to = lo_ipp(9);
	assert_int_equal(ipp_parse("::1", 9, &v6), 0);
	ipp_tcp(&virt, 1);
	assert_int_equal(udp_queue(&a, &tx, &v6, p, 10), -1); /* v4 socket */
	assert_int_equal(udp_queue(&a, &tx, &virt, p, 10), -1);
	assert_int_equal(udp_queue(&a, &tx, &to, p, sizeof(p)), -1);
	assert_int_equal(tx.n, 0);
	assert_int_equal(udp_queue(&a, &tx, &to, p, UDP_MAX_DGRAM), 0);
	for (i = 1; i < UDP_BATCH; i++)
		assert_int_equal(udp_queue(&a, &tx, &to, p, 1), 0);
	assert_int_equal(udp_queue(&a, &tx, &to, p, 1), -1);	/* full */
	assert_int_equal(tx.n, UDP_BATCH);
	tx.n = 0;				/* not sent */
	udp_close(&a);
}

/* Longer than UDP_MAX_DGRAM: marked to drop; the ones after it come. */
static void
oversized_marked_rest_delivered(void **state)
{
	struct udp	b;
	uint8_t		big[UDP_MAX_DGRAM + 1];
	int		s;

	memset(big, 0xa5, sizeof(big));
	lo_udp(&b);
	assert_true((s = lo_udp_socket()) != -1);
	assert_int_equal(lo_udp_send(s, b.port, big, 5), 5);
	assert_int_equal(lo_udp_send(s, b.port, big, sizeof(big)),
	    (ssize_t)sizeof(big));
	assert_int_equal(lo_udp_send(s, b.port, big, UDP_MAX_DGRAM),
	    UDP_MAX_DGRAM);			/* the longest that passes */
	assert_int_equal(lo_udp_send(s, b.port, big, 7), 7);
	recv_expect(&b, 4);
	assert_int_equal(rx.len[0], 5);
	assert_int_equal(rx.len[1], -1);
	assert_int_equal(rx.len[2], UDP_MAX_DGRAM);
	assert_memory_equal(rx.pkt[2], big, UDP_MAX_DGRAM);
	assert_int_equal(rx.len[3], 7);
	/* max caps the read; the rest wait for the next call */
	assert_int_equal(lo_udp_send(s, b.port, big, 1), 1);
	assert_int_equal(lo_udp_send(s, b.port, big, 2), 2);
	assert_int_equal(udp_recv_many(&b, &rx, 1), 1);
	assert_int_equal(rx.len[0], 1);
	recv_expect(&b, 1);
	assert_int_equal(rx.len[0], 2);
	close(s);
	udp_close(&b);
}

/* A dual-stack socket: IPv4 senders come out as IPv4, IPv6 ones as IPv6,
 * and IPv4 destinations leave through it. */
static void
dual_stack_normalizes(void **state)
{
	struct sockaddr_in6	sa;
	struct udp		b, a4;
	struct ip_port		to;
	int			s, off = 0;
	uint8_t			p[4] = { 1, 2, 3, 4 };

	if ((s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		skip();				/* no IPv6 here */
	assert_int_equal(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off,
	    sizeof(off)), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = in6addr_loopback;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		close(s);
		skip();				/* ::1 not configured */
	}
	close(s);
	/* the wildcard: to be reached at 127.0.0.1 and ::1 alike */
	assert_true((s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) != -1);
	assert_int_equal(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off,
	    sizeof(off)), 0);
	sa.sin6_addr = in6addr_any;
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(udp_adopt(&b, s), 0);
	assert_true(b.v6);
	lo_udp(&a4);

	/* IPv4 in, as ::ffff:127.0.0.1 to the kernel, IPv4 out */
	to = lo_ipp(b.port);
	assert_int_equal(udp_queue(&a4, &tx, &to, p, sizeof(p)), 0);
	assert_int_equal(udp_send_many(&a4, &tx), 1);
	recv_expect(&b, 1);
	assert_int_equal(rx.from[0].family, IPP_V4);
	assert_memory_equal(rx.from[0].ip, ((uint8_t[]){ 127, 0, 0, 1 }), 4);
	assert_int_equal(rx.from[0].port, a4.port);
	/* From the dual-stack socket to an IPv4 address: ::ffff:a.b.c.d */
	to = lo_ipp(a4.port);
	assert_int_equal(udp_queue(&b, &tx, &to, p, 2), 0);
	/* and to ::1, itself */
	assert_int_equal(ipp_parse("::1", b.port, &to), 0);
	assert_int_equal(udp_queue(&b, &tx, &to, p, 3), 0);
	assert_int_equal(udp_send_many(&b, &tx), 2);
	recv_expect(&a4, 1);
	assert_int_equal(rx.len[0], 2);
	recv_expect(&b, 1);
	assert_int_equal(rx.len[0], 3);
	assert_int_equal(rx.from[0].family, IPP_V6);
	assert_int_equal(rx.from[0].ip[15], 1);
	udp_close(&a4);
	udp_close(&b);
}

/* A free UDP port outside the range LAN discovery sends to. */
static uint16_t
free_port(void)
{
	struct udp	u;
	uint16_t	port;

	do {
		lo_udp(&u);
		port = u.port;
		udp_close(&u);
	} while (port >= UDP_PORT_FIRST && port <= UDP_PORT_LAST);
	return port;
}

static struct {
	unsigned	rx;
	uint8_t		last;
} seen;

static void
seen_rx(void *arg, const struct ip_port *from, const uint8_t *pkt,
    size_t len)
{
	seen.rx++;
	seen.last = len > 1 ? pkt[1] : 0;
}

/*
 * netd's path: net_send holds UDP packets until the loop is about to
 * wait, or the batch is full; the receive callback counts an oversized
 * datagram bad and hands on the rest.
 */
static void
net_send_waits_for_the_loop(void **state)
{
	static struct net_proto	 pr = { "t", seen_rx, NULL, NULL, 0 };
	const struct net_stats	*st = net_stats();
	struct udp		 b;
	struct ip_port		 to;
	uint64_t		 tx0, calls0, bad0;
	uint8_t			 p[UDP_MAX_DGRAM + 1] = { 0x46 };
	char			 port[8];
	unsigned		 i;

	snprintf(port, sizeof(port), "%u", free_port());
	assert_int_equal(net_option(NET_OPT_PORT, port), 1);
	net_start();
	assert_true(net_udp_up());
	loop_init();
	net_serve();
	net_register(0x46, &pr);
	lo_udp(&b);
	to = lo_ipp(b.port);

	/* Ten packets: none leaves before the loop's hook, then all. */
	tx0 = st->tx;
	calls0 = st->tx_calls;
	for (i = 0; i < 10; i++) {
		p[1] = (uint8_t)i;
		assert_int_equal(net_send(&to, p, 2), 2);
	}
	recv_expect(&b, 0);
	loop_once(0);
	assert_int_equal(st->tx, tx0 + 10);
	assert_int_equal(st->tx_calls, calls0 + 1);
	recv_expect(&b, 10);
	for (i = 0; i < 10; i++)
		assert_int_equal(rx.pkt[i][1], i);

	/* A full batch leaves at once, the rest before the next wait. */
	for (i = 0; i < UDP_BATCH + 3; i++) {
		p[1] = (uint8_t)i;
		assert_int_equal(net_send(&to, p, 2), 2);
	}
	assert_int_equal(st->tx_calls, calls0 + 2);
	recv_expect(&b, UDP_BATCH);
	assert_int_equal(rx.pkt[UDP_BATCH - 1][1], UDP_BATCH - 1);
	loop_once(0);
	assert_int_equal(st->tx_calls, calls0 + 3);
	recv_expect(&b, 3);
	assert_int_equal(rx.pkt[2][1], UDP_BATCH + 2);
	assert_int_equal(st->tx, tx0 + 10 + UDP_BATCH + 3);
	assert_int_equal(st->tx_drop, 0);
	/* Too long for any Tox packet: refused at once, nothing sent. */
	assert_int_equal(net_send(&to, p, sizeof(p)), -1);
	loop_once(0);
	assert_int_equal(st->tx_calls, calls0 + 3);

	/* Into netd: an oversized datagram is bad, the ones after it come. */
	bad0 = st->rx_bad;
	assert_int_equal(lo_udp_send(b.fd, net_udp_port(), p, sizeof(p)),
	    (ssize_t)sizeof(p));
	p[1] = 0x77;
	assert_int_equal(lo_udp_send(b.fd, net_udp_port(), p, 2), 2);
	loop_once(5000);
	assert_int_equal(st->rx_bad, bad0 + 1);
	assert_int_equal(seen.rx, 1);
	assert_int_equal(seen.last, 0x77);
	net_unregister(0x46);
	udp_close(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch_arrives_whole_in_order),
		cmocka_unit_test(refused_destination_costs_only_its_datagram),
		cmocka_unit_test(runs_leave_segmented_and_arrive_as_datagrams),
		cmocka_unit_test(refused_runs_fall_back_to_datagrams),
		cmocka_unit_test(overlong_run_is_cut),
		cmocka_unit_test(queue_refuses_before_the_kernel),
		cmocka_unit_test(oversized_marked_rest_delivered),
		cmocka_unit_test(dual_stack_normalizes),
		cmocka_unit_test(net_send_waits_for_the_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
