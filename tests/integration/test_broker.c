/*
 * The socket broker and netd's empty network namespace, on the real
 * binaries, in a network namespace of the test's own:
 *  - netd runs in a network namespace that is not ours, and still has
 *    its UDP socket (made outside, before lockdown);
 *  - netd calling socket() is killed (SIGSYS), as the user sees it;
 *  - in direct mode the broker refuses a private address, and gives a
 *    configured relay on loopback a connected socket;
 *  - with --proxy and no proxy listening: the session runs, netd's open
 *    fails, `status` says the proxy is unreachable, and no process of the
 *    session holds a UDP socket.
 * netd asks through its test hook --selftest=sock-open=HOST:PORT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mono.h"
#include "tests/lib/bh.h"
#include "tests/lib/netns.h"

#define T_REPLY		20000	/* ms: deadlines, not measures */
#define T_LOG		20000
#define RELAY_PORT	42445
#define NO_PROXY_PORT	42446	/* nothing listens there */
#define KEY	"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"

/* Waits until the session's stderr holds what; 1 if it did. */
static int
log_has(struct bh *b, const char *what)
{
	static char	buf[262144];
	uint64_t	deadline = mono_ms() + T_LOG;
	long		n;

	while (mono_ms() < deadline) {
		if ((n = bh_slurp(b->errlog, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = '\0';
			if (strstr(buf, what) != NULL)
				return 1;
		}
		(void)poll(NULL, 0, 50);
	}
	return 0;
}

/*
 * The role's pid once it has reported its sandbox (status shows it, so
 * its namespaces are made); -1 if it never does.
 */
static pid_t
sandboxed_pid(struct bh *b, const char *role)
{
	uint64_t	 deadline = mono_ms() + T_REPLY;
	json_t		*st, *r;
	size_t		 i;
	pid_t		 pid = -1;

	while (pid == -1 && mono_ms() < deadline) {
		assert_non_null(st = bh_cmd(b, "{\"cmd\":\"status\"}",
		    T_REPLY));
		json_array_foreach(json_object_get(st, "roles"), i, r)
			if (strcmp(json_string_value(json_object_get(r,
			    "role")), role) == 0 &&
			    json_is_object(json_object_get(r, "sandbox")))
				pid = (pid_t)json_integer_value(
				    json_object_get(r, "pid"));
		json_decref(st);
		if (pid == -1)
			(void)poll(NULL, 0, 100);
	}
	return pid;
}

/* Socket inodes among pid's descriptors, into ino[]; their count. */
static size_t
socket_inodes(pid_t pid, unsigned long *ino, size_t max)
{
	struct dirent	*de;
	char		 path[300], link[64];
	ssize_t		 n;
	size_t		 k = 0;
	DIR		*d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && k < max) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid,
		    de->d_name);
		if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino[k]) == 1)
			k++;
	}
	closedir(d);
	return k;
}

/* 1 if inode ino is a UDP socket in pid's network namespace. */
static int
is_udp(pid_t pid, unsigned long ino)
{
	static const char *const files[] = { "udp", "udp6" };
	char		 path[64], line[512];
	unsigned long	 i;
	size_t		 f;
	FILE		*fp;
	int		 found = 0;

	for (f = 0; f < 2 && !found; f++) {
		snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)pid,
		    files[f]);
		if ((fp = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), fp) != NULL)
			/* sl local rem st tx:rx tr:when retr uid timeout inode */
			if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s "
			    "%lu", &i) == 1 && i == ino)
				found = 1;
		fclose(fp);
	}
	return found;
}

/* UDP sockets held by pid, looked up in its namespace and ours. */
static int
udp_sockets(pid_t pid)
{
	unsigned long	ino[256];
	size_t		n, i;
	int		udp = 0;

	n = socket_inodes(pid, ino, 256);
	for (i = 0; i < n; i++)
		if (is_udp(pid, ino[i]) || is_udp(getpid(), ino[i]))
			udp++;
	return udp;
}

static void
netd_has_its_own_namespace(void **state)
{
	static const char *const args[] = { "--log-level=info", NULL };
	struct bh	b;
	char		path[64], mine[64], theirs[64];
	pid_t		netd;

	assert_int_equal(bh_start(&b, args), 0);
	/* its namespace is made as netd locks down: wait for its report */
	netd = sandboxed_pid(&b, "netd");
	assert_true(netd > 0);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)netd);
	memset(mine, 0, sizeof(mine));
	memset(theirs, 0, sizeof(theirs));
	assert_true(readlink("/proc/self/ns/net", mine, sizeof(mine) - 1) > 0);
	assert_true(readlink(path, theirs, sizeof(theirs) - 1) > 0);
	print_message("test %s, netd %s\n", mine, theirs);
	assert_string_not_equal(mine, theirs);
	/* its UDP socket, made in ours, still there: the control for the
	 * proxy test's "no UDP socket" */
	assert_int_equal(udp_sockets(netd), 1);
	bh_stop(&b);
}

static void
netd_calling_socket_is_killed(void **state)
{
	static const char *const args[] = { "--selftest=netd:socket", NULL };
	struct bh	 b;
	json_t		*ev;

	assert_int_equal(bh_start(&b, args), 0);
	ev = bh_event(&b, "role_died", T_REPLY);
	if (ev == NULL) {
		bh_dump_log(&b);
		fail_msg("netd did not die");
	}
	assert_string_equal(json_string_value(json_object_get(ev, "role")),
	    "netd");
	assert_int_equal(json_integer_value(json_object_get(ev, "status")),
	    -SIGSYS);
	json_decref(ev);
	bh_stop(&b);
}

static void
direct_mode_refuses_private_allows_relay(void **state)
{
	static const char *const refused[] = { "--log-level=info",
	    "--selftest=netd:sock-open=10.1.2.3:443", NULL };
	char			 relay[128], probe[64];
	const char		*allowed[] = { "--log-level=info", relay, probe,
				    NULL };
	struct sockaddr_in	 sin;
	struct bh		 b;
	int			 lfd, one = 1;

	assert_int_equal(bh_start(&b, refused), 0);
	if (!log_has(&b, "sock-open: failed: Permission denied")) {
		bh_dump_log(&b);
		fail_msg("the broker did not refuse 10.1.2.3");
	}
	assert_true(log_has(&b, "socket broker: netd refused: not a public "
	    "address"));
	bh_stop(&b);

	/* the same kind of address, configured as a relay: connected */
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd != -1);
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(RELAY_PORT);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	snprintf(relay, sizeof(relay), "--tcp-relay=127.0.0.1:%d:%s",
	    RELAY_PORT, KEY);
	snprintf(probe, sizeof(probe), "--selftest=netd:sock-open=127.0.0.1:%d",
	    RELAY_PORT);
	assert_int_equal(bh_start(&b, allowed), 0);
	if (!log_has(&b, "sock-open: connected")) {
		bh_dump_log(&b);
		fail_msg("a configured loopback relay was not reached");
	}
	bh_stop(&b);
	close(lfd);
}

static void
proxy_unreachable_no_udp(void **state)
{
	static const char *const roles[] = { "keyd", "netd", "chatd",
	    "mediad", "frontend" };
	char		 proxy[64];
	const char	*args[] = { "--log-level=info", proxy,
			    "--selftest=netd:sock-open=8.8.8.8:443", NULL };
	const char	*ps = NULL;
	uint64_t	 deadline;
	struct bh	 b;
	json_t		*st;
	pid_t		 pid;
	size_t		 i;

	snprintf(proxy, sizeof(proxy), "--proxy=socks5://127.0.0.1:%d",
	    NO_PROXY_PORT);
	assert_int_equal(bh_start(&b, args), 0);
	/* the open asked for 8.8.8.8 went to the proxy, which is not there */
	if (!log_has(&b, "sock-open: failed: Connection refused")) {
		bh_dump_log(&b);
		fail_msg("netd's open did not fail at the proxy");
	}
	deadline = mono_ms() + T_REPLY;
	do {
		assert_non_null(st = bh_cmd(&b, "{\"cmd\":\"status\"}",
		    T_REPLY));
		ps = json_string_value(json_object_get(json_object_get(st,
		    "result") != NULL ? json_object_get(st, "result") : st,
		    "proxy"));
		if (ps != NULL && strcmp(ps, "unreachable") == 0)
			break;
		json_decref(st);
		st = NULL;
		(void)poll(NULL, 0, 100);
	} while (mono_ms() < deadline);
	if (st == NULL) {
		bh_dump_log(&b);
		fail_msg("status never said the proxy is unreachable");
	}
	/* every process of the session: no UDP socket */
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		pid = bh_role_pid(st, roles[i]);
		assert_true(pid > 0);
		if (udp_sockets(pid) != 0)
			fail_msg("%s holds a UDP socket with --proxy", roles[i]);
	}
	assert_int_equal(udp_sockets(b.pid), 0);	/* the supervisor */
	json_decref(st);
	bh_stop(&b);
}

static int
setup(void **state)
{
	return netns_private(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(netd_has_its_own_namespace),
		cmocka_unit_test(netd_calling_socket_is_killed),
		cmocka_unit_test(direct_mode_refuses_private_allows_relay),
		cmocka_unit_test(proxy_unreachable_no_udp),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, NULL);
}
