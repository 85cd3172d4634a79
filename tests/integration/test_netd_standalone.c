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
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/mono.h"
#include "common/role.h"
#include "netd/dht_packet.h"
#include "sandbox/spawn.h"
#include "tests/lib/netns.h"

#define T_WAIT		10000	/* ms: deadlines, not benchmarks */
#define PORT		40123	/* our namespace: nobody else is here */

struct netd {
	pid_t	pid;
	int	sup;		/* our end of its supervisor channel */
	int	keyd;		/* our end of its keyd channel, or -1 */
	int	log;		/* read end of its fd 2 */
	char	buf[16384];
	size_t	len;
	int	status;
	int	reaped;
};



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
drain_log(struct netd *n)
{
	ssize_t	r;

	while (n->len < sizeof(n->buf) - 1 && (r = read(n->log,
	    n->buf + n->len, sizeof(n->buf) - 1 - n->len)) > 0)
		n->len += (size_t)r;
	n->buf[n->len] = '\0';
}

static void
netd_start(struct netd *n, int standalone)
{
	struct spawn_fd	 fds[5];
	char		 path[PATH_MAX], port[32];
	char		*argv[8];
	int		 sv[2], p[2], null, nf = 0, argc = 0, i;

	memset(n, 0, sizeof(*n));
	n->keyd = -1;
	snprintf(path, sizeof(path), "%s/libexec/bulkhead/netd", BUILD_DIR);
	assert_int_equal(access(path, X_OK), 0);
	assert_true((null = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1);
	fds[nf++] = (struct spawn_fd){ null, 0 };
	fds[nf++] = (struct spawn_fd){ null, 1 };
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fds[nf++] = (struct spawn_fd){ p[1], 2 };
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC,
	    0, sv), 0);
	n->sup = sv[0];
	fds[nf++] = (struct spawn_fd){ sv[1], FD_SUP };
	if (!standalone) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET |
		    SOCK_CLOEXEC, 0, sv), 0);
		n->keyd = sv[0];
		fds[nf++] = (struct spawn_fd){ sv[1], FD_NETD_KEYD };
	}
	snprintf(port, sizeof(port), "--port=%d", PORT);
	argv[argc++] = "netd";
	argv[argc++] = "--log-level=info";
	argv[argc++] = port;
	if (standalone)
		argv[argc++] = "--standalone";
	argv[argc] = NULL;

	n->pid = spawn_role(path, argv, fds, nf);
	assert_true(n->pid > 0);
	for (i = 0; i < nf; i++)
		if (i != 1)	/* 0 and 1 are the same /dev/null */
			close(fds[i].src);
	n->log = p[0];
	assert_int_equal(fcntl(n->log, F_SETFL, O_NONBLOCK), 0);
}

/* Waits for the exit (reading the log); kills at the deadline (fails). */
static void
netd_wait(struct netd *n)
{
	uint64_t	deadline = mono_ms() + T_WAIT;
	struct pollfd	pfd;

	while (!n->reaped) {
		pfd.fd = n->log;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, 50);
		drain_log(n);
		if (waitpid(n->pid, &n->status, WNOHANG) == n->pid)
			n->reaped = 1;
		else if (mono_ms() > deadline) {
			kill(n->pid, SIGKILL);
			(void)waitpid(n->pid, &n->status, 0);
			n->reaped = 1;
			fail_msg("netd did not exit; log:\n%s", n->buf);
		}
	}
	drain_log(n);
}

static void
netd_cleanup(struct netd *n)
{
	if (!n->reaped && n->pid > 0) {
		kill(n->pid, SIGKILL);
		(void)waitpid(n->pid, NULL, 0);
	}
	if (n->sup != -1)
		close(n->sup);
	if (n->keyd != -1)
		close(n->keyd);
	close(n->log);
}

/* One datagram of kind from netd within ms; its length, or 0. */
static ssize_t
recv_kind(int s, uint8_t kind, uint8_t *buf, size_t cap, int ms)
{
	uint64_t	deadline = mono_ms() + (uint64_t)ms;
	struct pollfd	pfd = { .fd = s, .events = POLLIN };
	ssize_t		n;

	while (mono_ms() < deadline) {
		if (poll(&pfd, 1, 100) != 1)
			continue;
		if ((n = recv(s, buf, cap, 0)) > 0 && buf[0] == kind)
			return n;
	}
	return 0;
}

static void
netd_standalone_serves_the_dht(void **state)
{
	static struct dht_keys	 me;
	struct netd		 n;
	struct sockaddr_in	 sa, to;
	struct dht_ping		 ping, pong;
	uint8_t			 netd_pk[DHT_PK_LEN], from_pk[DHT_PK_LEN];
	uint8_t			 pkt[DHT_PING_LEN], got[256], ann[DHT_LAN_LEN];
	uint64_t		 deadline;
	ssize_t			 len = 0;
	int			 s;

	dht_keys_init(&me);
	netd_start(&n, 1);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s != -1);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	to = sa;
	to.sin_port = htons(PORT);

	/*
	 * Its DHT key is fresh and no keyd hears of it: a LAN announcement
	 * (127.0.0.1 is LAN) makes it ask us for nodes under that key.
	 * Repeated until it listens: the port exists only once it started.
	 */
	assert_int_equal(dhtp_lan_pack(me.pk, ann, sizeof(ann)), DHT_LAN_LEN);
	deadline = mono_ms() + T_WAIT;
	while (len == 0 && mono_ms() < deadline) {
		(void)sendto(s, ann, sizeof(ann), 0, (struct sockaddr *)&to,
		    sizeof(to));
		len = recv_kind(s, DHT_NODES_REQ, got, sizeof(got), 300);
	}
	drain_log(&n);
	if (len == 0)
		fail_msg("no nodes request from netd; log:\n%s", n.buf);
	assert_int_equal(len, DHT_NODES_REQ_LEN);
	memcpy(netd_pk, got + 1, DHT_PK_LEN);

	/* A ping to that key is answered, with our id. */
	memset(&ping, 0, sizeof(ping));
	ping.response = 0;
	randombytes_buf(ping.ping_id, sizeof(ping.ping_id));
	assert_int_equal(dhtp_ping_pack(&me, netd_pk, &ping, pkt,
	    sizeof(pkt)), DHT_PING_LEN);
	assert_int_equal(sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
	    sizeof(to)), (ssize_t)sizeof(pkt));
	len = recv_kind(s, DHT_PING_RESP, got, sizeof(got), T_WAIT);
	assert_int_equal(len, DHT_PING_LEN);
	assert_int_equal(dhtp_ping_parse(&me, got, (size_t)len, from_pk,
	    &pong), 0);
	assert_memory_equal(from_pk, netd_pk, DHT_PK_LEN);
	assert_int_equal(pong.response, 1);
	assert_memory_equal(pong.ping_id, ping.ping_id, sizeof(ping.ping_id));

	/* Still there, and it says why it has no keyd. */
	assert_int_equal(waitpid(n.pid, &n.status, WNOHANG), 0);
	drain_log(&n);
	assert_non_null(strstr(n.buf, "standalone"));

	/* The supervisor going away still ends it, cleanly. */
	close(n.sup);
	n.sup = -1;
	netd_wait(&n);
	assert_true(WIFEXITED(n.status));
	assert_int_equal(WEXITSTATUS(n.status), 0);
	close(s);
	netd_cleanup(&n);
}

static void
netd_in_a_session_ends_with_keyd(void **state)
{
	struct netd	n;
	uint64_t	deadline = mono_ms() + T_WAIT;

	netd_start(&n, 0);
	/* Until it has started (it says on which port). */
	while (strstr(n.buf, "UDP port") == NULL && mono_ms() < deadline) {
		(void)poll(NULL, 0, 50);
		drain_log(&n);
	}
	close(n.keyd);
	n.keyd = -1;
	netd_wait(&n);
	assert_true(WIFEXITED(n.status));
	assert_int_equal(WEXITSTATUS(n.status), 0);
	assert_non_null(strstr(n.buf, "keyd channel closed"));
	netd_cleanup(&n);
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
