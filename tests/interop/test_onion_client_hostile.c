/*
 * The onion client's two kinds at the real netd of a session (issue 9,
 * hostile input): once bulkhead is announced, 10,000 forged announce
 * answers (0x84) and 10,000 forged onion data (0x86), random, truncated
 * to every length and oversized, arrive at its UDP port.  netd is the same
 * process afterwards, and the client still works: a libtoxcore client's
 * friend request reaches bulkhead.  (The relay's and the announce store's
 * kinds are flooded in tests/integration/test_onion_relay_netd.c and
 * test_netd_announce.c; the engine is fuzzed in fuzz_onion_client.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/onion_wire.h"
#include "tests/lib/bh.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define FLOOD		10000
#define T_REPLY		15000
#define T_ONION		180000		/* deadlines, not benchmarks */
#define T_REQUEST	240000

static struct bootstrapd	bsd;
static int			port_base;

static int
setup(void **state)
{
	port_base = 45000 + (int)(getpid() % 400) * 8;
	if (sodium_init() < 0 || netns_private(ADDR) == -1)
		return -1;
	return bootstrapd_start(&bsd, port_base);
}

static int
teardown(void **state)
{
	bootstrapd_stop(&bsd);
	return 0;
}

static pid_t
netd_pid(struct bh *b)
{
	json_t	*st = bh_cmd(b, "{\"cmd\":\"status\"}", T_REPLY);
	pid_t	 pid;

	assert_non_null(st);
	pid = bh_role_pid(st, "netd");
	json_decref(st);
	return pid;
}

/* The i-th forged datagram of kind: random bytes of a length that walks
 * every size from 1 to past the largest packet. */
static size_t
forge(uint8_t kind, int i, uint8_t *pkt, size_t cap)
{
	size_t	len = 1 + (size_t)i % (ONION_MAX_PACKET + 200);

	if (len > cap)
		len = cap;
	randombytes_buf(pkt, len);
	pkt[0] = kind;
	return len;
}

struct wait_req {
	struct bh	*b;
	const char	*pk_hex;
};

static int
request_seen(void *arg)
{
	struct wait_req	*w = arg;

	return bh_peek(w->b, "friend_request", "public_key", w->pk_hex) !=
	    NULL;
}

static int
announced(void *arg)
{
	struct bh	*b = arg;

	return bh_onion_announced(b) == 1;
}

static void
forged_answers_change_nothing(void **state)
{
	static const uint8_t	 kinds[] = { ONION_ANNOUNCE_RESP,
				    ONION_DATA_RESP };
	struct toxpeer		 peer, *pp = &peer;
	struct bh		 b, *bp = &b;
	struct sockaddr_in	 to;
	struct wait_req		 w;
	uint8_t			 pkt[ONION_MAX_PACKET + 200];
	uint8_t			 addr[TOX_ADDRESS_SIZE];
	char			 dir[64], tid[77];
	size_t			 k, len;
	pid_t			 before;
	int			 s, i;

	assert_int_equal(bh_make_profile("hostile", dir, sizeof(dir)), 0);
	assert_int_equal(bh_start_joined(&b, dir, port_base + 1, ADDR,
	    port_base, bsd.key), 0);
	assert_int_equal(toxpeer_start(&peer, "X", port_base + 2, ADDR,
	    port_base, bsd.key), 0);
	if (!toxpeer_run(&pp, 1, &bp, 1, T_ONION, announced, &b))
		bh_dump_log(&b);
	assert_int_equal(bh_onion_announced(&b), 1);
	before = netd_pid(&b);
	assert_true(before > 0);

	assert_true((s = socket(AF_INET, SOCK_DGRAM, 0)) != -1);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)(port_base + 1));
	assert_int_equal(inet_pton(AF_INET, ADDR, &to.sin_addr), 1);
	for (i = 0; i < FLOOD; i++) {
		for (k = 0; k < sizeof(kinds); k++) {
			len = forge(kinds[k], i, pkt, sizeof(pkt));
			(void)sendto(s, pkt, len, 0,
			    (struct sockaddr *)&to, sizeof(to));
		}
		/* in rounds, so the flood is read, not lost in a full
		 * socket buffer, and libtoxcore keeps its paths */
		if (i % 500 == 499)
			(void)toxpeer_run(&pp, 1, &bp, 1, 20, NULL, NULL);
	}
	close(s);
	assert_int_equal(netd_pid(&b), before);

	/* the client still answers for us: a request finds bulkhead */
	assert_int_equal(bh_address(&b, tid, T_REPLY), 0);
	assert_int_equal(sodium_hex2bin(addr, sizeof(addr), tid, 76, NULL,
	    NULL, NULL), 0);
	assert_int_equal(toxpeer_add(&peer, addr, "after the flood"), 0);
	w.b = &b;
	w.pk_hex = peer.pk_hex;
	if (!toxpeer_run(&pp, 1, &bp, 1, T_REQUEST, request_seen, &w))
		bh_dump_log(&b);
	assert_non_null(bh_peek(&b, "friend_request", "public_key",
	    peer.pk_hex));
	assert_int_equal(netd_pid(&b), before);
	toxpeer_stop(&peer);
	bh_stop(&b);
	snprintf((char *)pkt, sizeof(pkt), "rm -rf '%s'", dir);
	if (system((char *)pkt) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forged_answers_change_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
