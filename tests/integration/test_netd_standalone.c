/*
 * The real netd binary without keyd (issue 7 item 4: a bootstrap node's
 * netd serves the DHT alone).  Started as the supervisor would start it,
 * but with only the supervisor channel and --standalone:
 *  - it learns nothing from keyd and still serves the DHT: a LAN
 *    announcement from a test socket on loopback brings its nodes request
 *    (which names its DHT key), and a ping to that key is answered with
 *    our ping id;
 *  - it ends cleanly when the supervisor channel closes.
 * Started normally (with a keyd channel), losing keyd still ends it.
 *
 * Everything runs in a network namespace the test makes (root, or a user
 * namespace), on its own lo: netd's LAN announcements go nowhere else.
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

#define T_WAIT		10000	/* ms: deadlines, not benchmarks */
#define PORT		40123	/* our namespace: nobody else is here */

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	if (netns_private(NULL) == -1)
		return -1;
	return 0;
}

static void
netd_start(struct netd_proc *n, int mode)
{
	char		 port[32];
	const char	*tail[] = { "--log-level=info", port, NULL };

	snprintf(port, sizeof(port), "--port=%d", PORT);
	assert_int_equal(netd_proc_start(n, mode, tail), 0);
}

/* Waits for the exit (reading the log); kills at the deadline (fails). */
static void
netd_wait(struct netd_proc *n)
{
	if (netd_proc_wait(n, T_WAIT) == -1)
		fail_msg("netd did not exit; log:\n%s", n->buf);
}

static void
netd_standalone_serves_the_dht(void **state)
{
	static struct dht_keys	 me;
	struct netd_proc	 n;
	struct dht_ping		 ping, pong;
	uint8_t			 netd_pk[DHT_PK_LEN], from_pk[DHT_PK_LEN];
	uint8_t			 pkt[DHT_PING_LEN], got[256];
	ssize_t			 len;
	int			 s;

	dht_keys_init(&me);
	netd_start(&n, NETD_PROC_STANDALONE);
	s = lo_udp_socket();
	assert_true(s != -1);

	/*
	 * Its DHT key is fresh and no keyd hears of it: a LAN announcement
	 * (127.0.0.1 is LAN) makes it ask us for nodes under that key.
	 * Repeated until it listens: the port exists only once it started.
	 */
	len = (ssize_t)netd_proc_dht_pk(s, PORT, me.pk, netd_pk, T_WAIT);
	netd_proc_log(&n);
	if (len == 0)
		fail_msg("no nodes request from netd; log:\n%s", n.buf);
	assert_int_equal(len, DHT_NODES_REQ_LEN);

	/* A ping to that key is answered, with our id. */
	memset(&ping, 0, sizeof(ping));
	ping.response = 0;
	randombytes_buf(ping.ping_id, sizeof(ping.ping_id));
	assert_int_equal(dhtp_ping_pack(&me, netd_pk, &ping, pkt,
	    sizeof(pkt)), DHT_PING_LEN);
	assert_int_equal(lo_udp_send(s, PORT, pkt, sizeof(pkt)),
	    (ssize_t)sizeof(pkt));
	len = lo_udp_recv_kind(s, DHT_PING_RESP, got, sizeof(got), T_WAIT);
	assert_int_equal(len, DHT_PING_LEN);
	assert_int_equal(dhtp_ping_parse(&me, got, (size_t)len, from_pk,
	    &pong), 0);
	assert_memory_equal(from_pk, netd_pk, DHT_PK_LEN);
	assert_int_equal(pong.response, 1);
	assert_memory_equal(pong.ping_id, ping.ping_id, sizeof(ping.ping_id));

	/* Still there, and it says why it has no keyd. */
	assert_int_equal(waitpid(n.pid, &n.status, WNOHANG), 0);
	netd_proc_log(&n);
	assert_non_null(strstr(n.buf, "standalone"));

	/* The supervisor going away still ends it, cleanly. */
	close(n.sup);
	n.sup = -1;
	netd_wait(&n);
	assert_true(WIFEXITED(n.status));
	assert_int_equal(WEXITSTATUS(n.status), 0);
	close(s);
	netd_proc_stop(&n);
}

static void
netd_in_a_session_ends_with_keyd(void **state)
{
	struct netd_proc	n;
	uint64_t		deadline = mono_ms() + T_WAIT;

	netd_start(&n, NETD_PROC_KEYD);
	/* Until it has started (it says on which port). */
	while (strstr(n.buf, "UDP port") == NULL && mono_ms() < deadline) {
		(void)poll(NULL, 0, 50);
		netd_proc_log(&n);
	}
	close(n.keyd);
	n.keyd = -1;
	netd_wait(&n);
	assert_true(WIFEXITED(n.status));
	assert_int_equal(WEXITSTATUS(n.status), 0);
	assert_non_null(strstr(n.buf, "keyd channel closed"));
	netd_proc_stop(&n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(netd_standalone_serves_the_dht),
		cmocka_unit_test(netd_in_a_session_ends_with_keyd),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
