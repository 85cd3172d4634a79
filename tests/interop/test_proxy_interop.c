/*
 * Our proxy handshakes (netd/proxy_wire.c) against real proxies, in a
 * network namespace of the test's own with nothing but lo: microsocks
 * (SOCKS5) and tinyproxy (HTTP CONNECT), both Debian packages used in
 * tests only, and a TCP echo server.  Through each proxy our codec does
 * the handshake to the echo server and bytes come back unchanged; a
 * .onion name goes to microsocks as a name (ATYP 3), which cannot
 * resolve it, and our reader reports the refusal.  Skipped (not failed)
 * when a proxy is not installed: scripts/deps.sh installs them.
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
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mono.h"
#include "netd/proxy_wire.h"
#include "tests/lib/netns.h"

#define T_IO		10000	/* ms: a deadline, not a measure */
#define SOCKS_PORT	41080
#define HTTP_PORT	41888
#define ECHO_PORT	41007

static pid_t	echo_pid = -1, socks_pid = -1, http_pid = -1;
static char	dir[64], socks_log[128];

static int
have(const char *bin)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", bin);
	return system(cmd) == 0;
}

static int
tcp_connect(uint16_t port)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Waits until something listens on port (a server starting). */
static int
wait_listen(uint16_t port)
{
	uint64_t	deadline = mono_ms() + T_IO;
	int		fd;

	while (mono_ms() < deadline) {
		if ((fd = tcp_connect(port)) != -1) {
			close(fd);
			return 0;
		}
		(void)poll(NULL, 0, 20);
	}
	return -1;
}

/* The echo server: one connection at a time, each echoed until EOF. */
static void
echo_serve(int lfd)
{
	char	buf[4096];
	ssize_t	n;
	int	c;

	for (;;) {
		if ((c = accept(lfd, NULL, NULL)) == -1)
			_exit(1);
		while ((n = read(c, buf, sizeof(buf))) > 0)
			if (write(c, buf, (size_t)n) != n)
				break;
		close(c);
	}
}

static pid_t
start_echo(void)
{
	struct sockaddr_in	sin;
	pid_t			pid;
	int			fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd != -1);
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(ECHO_PORT);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 8), 0);
	if ((pid = fork()) == 0)
		echo_serve(fd);
	assert_true(pid > 0);
	close(fd);
	return pid;
}

/* Starts argv[0], its stdout and stderr into log (if not NULL). */
static pid_t
start_prog(char *const argv[], const char *log)
{
	pid_t	pid;
	int	null, lfd;

	if ((pid = fork()) == 0) {
		if ((null = open("/dev/null", O_RDWR)) != -1) {
			dup2(null, 0);
			dup2(null, 1);
		}
		if (log != NULL && (lfd = open(log, O_WRONLY | O_CREAT |
		    O_APPEND, 0600)) != -1) {
			dup2(lfd, 1);
			dup2(lfd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	assert_true(pid > 0);
	return pid;
}

/* Reads into buf[*len..] until reader says done (>0) or fails. */
typedef long (*reader)(const uint8_t *, size_t, void *);

static long
read_msg(int fd, uint8_t *buf, size_t bufsz, size_t *len, reader fn,
    void *arg)
{
	uint64_t	deadline = mono_ms() + T_IO;
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	ssize_t		n;
	long		rv;

	for (;;) {
		if ((rv = fn(buf, *len, arg)) != 0)
			return rv;
		if (*len == bufsz || mono_ms() > deadline)
			return -1;
		(void)poll(&pfd, 1, 100);
		if ((n = read(fd, buf + *len, bufsz - *len)) == 0)
			return -2;	/* the proxy closed */
		if (n > 0)
			*len += (size_t)n;
		else if (errno != EAGAIN && errno != EINTR)
			return -1;
	}
}

static long
rd_method(const uint8_t *p, size_t n, void *arg)
{
	return socks5_method_read(p, n);
}

static long
rd_reply(const uint8_t *p, size_t n, void *arg)
{
	return socks5_reply_read(p, n, arg);
}

static long
rd_http(const uint8_t *p, size_t n, void *arg)
{
	return http_reply_read(p, n, arg);
}

/* Writes what w holds. */
static void
send_wr(int fd, const struct wr *w)
{
	assert_true(wr_ok(w));
	assert_int_equal(write(fd, w->p, w->len), (ssize_t)w->len);
}

/* After the handshake: bytes through the tunnel come back. */
static void
echo_through(int fd, const uint8_t *early, size_t nearly)
{
	static const char	msg[] = "through the proxy and back";
	uint8_t			buf[64];
	size_t			len = 0;
	uint64_t		deadline = mono_ms() + T_IO;
	ssize_t			n;

	assert_int_equal(nearly, 0);	/* the echo speaks only when asked */
	(void)early;
	assert_int_equal(write(fd, msg, sizeof(msg)), (ssize_t)sizeof(msg));
	while (len < sizeof(msg) && mono_ms() < deadline) {
		if ((n = read(fd, buf + len, sizeof(buf) - len)) <= 0)
			break;
		len += (size_t)n;
	}
	assert_int_equal(len, sizeof(msg));
	assert_memory_equal(buf, msg, sizeof(msg));
}

/* SOCKS5 greeting and CONNECT to t; the reply's length, reply in *r. */
static long
socks5_handshake(int fd, const struct proxy_target *t, struct socks5_reply *r,
    uint8_t *buf, size_t bufsz, size_t *len)
{
	uint8_t		out[SOCKS5_MSG_MAX];
	struct wr	w;
	long		n;

	wr_init(&w, out, sizeof(out));
	socks5_greeting(&w);
	send_wr(fd, &w);
	*len = 0;
	n = read_msg(fd, buf, bufsz, len, rd_method, NULL);
	assert_int_equal(n, SOCKS5_METHOD_LEN);
	memmove(buf, buf + n, *len - (size_t)n);
	*len -= (size_t)n;
	wr_init(&w, out, sizeof(out));
	socks5_connect(&w, t);
	send_wr(fd, &w);
	return read_msg(fd, buf, bufsz, len, rd_reply, r);
}

static int
setup(void **state)
{
	char	conf[128];
	FILE	*f;

	if (netns_private(NULL) == -1)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/bh-proxy.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	echo_pid = start_echo();
	if (have("microsocks")) {
		char	port[16];
		char	*argv[] = { "microsocks", "-i", "127.0.0.1", "-p",
		    port, NULL };

		snprintf(port, sizeof(port), "%d", SOCKS_PORT);
		snprintf(socks_log, sizeof(socks_log), "%s/microsocks.log",
		    dir);
		socks_pid = start_prog(argv, socks_log);
	}
	if (have("tinyproxy")) {
		char	*argv[] = { "tinyproxy", "-d", "-c", conf, NULL };

		snprintf(conf, sizeof(conf), "%s/tinyproxy.conf", dir);
		if ((f = fopen(conf, "w")) == NULL)
			return -1;
		/* no ConnectPort line: CONNECT to any port */
		fprintf(f, "Port %d\nListen 127.0.0.1\nTimeout 60\n"
		    "MaxClients 8\nLogLevel Critical\n%s", HTTP_PORT,
		    getuid() == 0 ? "User nobody\nGroup nogroup\n" : "");
		fclose(f);
		http_pid = start_prog(argv, NULL);
	}
	return wait_listen(ECHO_PORT);
}

static int
teardown(void **state)
{
	char	cmd[128];

	if (echo_pid > 0)
		kill(echo_pid, SIGKILL);
	if (socks_pid > 0)
		kill(socks_pid, SIGKILL);
	if (http_pid > 0)
		kill(http_pid, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
	if (dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			print_message("could not remove %s\n", dir);
	}
	return 0;
}

static void
socks5_echo_by_ipv4(void **state)
{
	struct proxy_target	t;
	struct socks5_reply	r;
	uint8_t			buf[600];
	size_t			len;
	long			n;
	int			fd;

	if (socks_pid <= 0) {
		print_message("microsocks not installed: skipped\n");
		skip();
	}
	assert_int_equal(wait_listen(SOCKS_PORT), 0);
	assert_true((fd = tcp_connect(SOCKS_PORT)) != -1);
	memset(&t, 0, sizeof(t));
	t.family = 4;
	memcpy(t.ip, "\x7f\x00\x00\x01", 4);
	t.port = ECHO_PORT;
	n = socks5_handshake(fd, &t, &r, buf, sizeof(buf), &len);
	assert_true(n > 0);
	if (r.rep != SOCKS5_REP_OK)
		fail_msg("microsocks refused: %s", socks5_rep_str(r.rep));
	echo_through(fd, buf + n, len - (size_t)n);
	close(fd);
}

static void
socks5_onion_goes_as_a_name(void **state)
{
	struct proxy_target	t;
	struct socks5_reply	r;
	uint8_t			buf[600];
	size_t			len;
	long			n;
	int			fd;

	if (socks_pid <= 0) {
		print_message("microsocks not installed: skipped\n");
		skip();
	}
	assert_int_equal(wait_listen(SOCKS_PORT), 0);
	assert_true((fd = tcp_connect(SOCKS_PORT)) != -1);
	memset(&t, 0, sizeof(t));
	t.family = 0;		/* ATYP 3: the proxy's to resolve */
	snprintf(t.name, sizeof(t.name), "%s",
	    "bulkheadtestxyzabcdefghijklmnopqrstuvwxyz234567abcdefghij.onion");
	t.port = 443;
	n = socks5_handshake(fd, &t, &r, buf, sizeof(buf), &len);
	/* microsocks cannot resolve it (no resolver, no Tor here): it
	 * answers with a refusal, which our reader parses and names */
	if (n == -2)
		fail_msg("microsocks closed without a reply");
	assert_true(n > 0);
	assert_int_not_equal(r.rep, SOCKS5_REP_OK);
	print_message("microsocks on the .onion name: %s (REP %u)\n",
	    socks5_rep_str(r.rep), r.rep);
	assert_string_not_equal(socks5_rep_str(r.rep), "succeeded");
	close(fd);
}

/*
 * A name the proxy alone can resolve: a second microsocks whose
 * /etc/hosts (bind-mounted in its own mount namespace) maps it to
 * loopback.  The tunnel works, so the name went to the proxy as a name;
 * nothing on our side could have resolved it.
 */
static void
socks5_name_resolved_by_the_proxy(void **state)
{
	struct proxy_target	t;
	struct socks5_reply	r;
	uint8_t			buf[600];
	char			hosts[160], cmd[600];
	size_t			len;
	long			n;
	int			fd;
	FILE			*f;
	pid_t			pid;

	if (socks_pid <= 0 || !have("unshare")) {
		print_message("microsocks or unshare missing: skipped\n");
		skip();
	}
	snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
	assert_non_null(f = fopen(hosts, "w"));
	fprintf(f, "127.0.0.1 relay.bulkhead-test\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "mount --bind %s /etc/hosts && exec "
	    "microsocks -i 127.0.0.1 -p %d", hosts, SOCKS_PORT + 1);
	{
		char	*argv[] = { "unshare", "-m", "sh", "-c", cmd, NULL };

		pid = start_prog(argv, NULL);
	}
	if (wait_listen(SOCKS_PORT + 1) != 0) {
		kill(pid, SIGKILL);
		print_message("no mount namespace for microsocks: skipped\n");
		skip();
	}
	assert_true((fd = tcp_connect(SOCKS_PORT + 1)) != -1);
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "relay.bulkhead-test");
	t.port = ECHO_PORT;
	n = socks5_handshake(fd, &t, &r, buf, sizeof(buf), &len);
	assert_true(n > 0);
	if (r.rep != SOCKS5_REP_OK)
		fail_msg("microsocks refused: %s", socks5_rep_str(r.rep));
	echo_through(fd, buf + n, len - (size_t)n);
	close(fd);
	kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
}

static void
http_connect_echo(void **state)
{
	struct proxy_target	t;
	uint8_t			out[600], buf[PROXY_HTTP_MAX];
	struct wr		w;
	size_t			len = 0;
	long			n;
	int			fd, status = 0;

	if (http_pid <= 0) {
		print_message("tinyproxy not installed: skipped\n");
		skip();
	}
	assert_int_equal(wait_listen(HTTP_PORT), 0);
	assert_true((fd = tcp_connect(HTTP_PORT)) != -1);
	memset(&t, 0, sizeof(t));
	t.family = 4;
	memcpy(t.ip, "\x7f\x00\x00\x01", 4);
	t.port = ECHO_PORT;
	wr_init(&w, out, sizeof(out));
	http_connect(&w, &t);
	send_wr(fd, &w);
	n = read_msg(fd, buf, sizeof(buf), &len, rd_http, &status);
	assert_true(n > 0);
	if (status / 100 != 2)
		fail_msg("tinyproxy answered %d", status);
	echo_through(fd, buf + n, len - (size_t)n);
	close(fd);
}

static void
http_connect_refusal_is_read(void **state)
{
	struct proxy_target	t;
	uint8_t			out[600], buf[PROXY_HTTP_MAX];
	struct wr		w;
	size_t			len = 0;
	long			n;
	int			fd, status = 0;

	if (http_pid <= 0) {
		print_message("tinyproxy not installed: skipped\n");
		skip();
	}
	assert_int_equal(wait_listen(HTTP_PORT), 0);
	assert_true((fd = tcp_connect(HTTP_PORT)) != -1);
	/* a port where nothing listens: the proxy says so */
	memset(&t, 0, sizeof(t));
	t.family = 4;
	memcpy(t.ip, "\x7f\x00\x00\x01", 4);
	t.port = 9;
	wr_init(&w, out, sizeof(out));
	http_connect(&w, &t);
	send_wr(fd, &w);
	n = read_msg(fd, buf, sizeof(buf), &len, rd_http, &status);
	assert_true(n > 0);
	assert_true(status >= 400 && status <= 599);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(socks5_echo_by_ipv4),
		cmocka_unit_test(socks5_onion_goes_as_a_name),
		cmocka_unit_test(socks5_name_resolved_by_the_proxy),
		cmocka_unit_test(http_connect_echo),
		cmocka_unit_test(http_connect_refusal_is_read),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
