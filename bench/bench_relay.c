/* Issue 11's relay server figures: see bench_relay.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "bench/bench_relay.h"
#include "bench/netns.h"
#include "common/hex.h"
#include "common/mono.h"
#include "netd/tcp_link.h"
#include "tests/lib/bh.h"
#include "tests/lib/bootstrapd.h"

#define BSD_PORT	33645
#define BSD_TCP		33646
#define BH_TCP		33647
#define T_SETUP		20000	/* deadlines, never figures */
#define T_BULK		120000

struct rc {
	struct dht_keys	 keys;
	struct tcp_link	 l;
	int		 fd;
	int		 up, down;
	uint8_t		 conn_id;
	int		 online;
	uint64_t	 got;		/* data bytes received */
};

static void
cb_state(void *arg, int up, enum tcpl_down why)
{
	struct rc	*c = arg;

	(void)why;
	if (up)
		c->up = 1;
	else
		c->down = 1;
}

static void
cb_routed(void *arg, const uint8_t pk[32], uint8_t id)
{
	((struct rc *)arg)->conn_id = id;
}

static void
cb_conn(void *arg, uint8_t id, const uint8_t pk[32], int online)
{
	((struct rc *)arg)->online = online;
}

static void
cb_data(void *arg, uint8_t id, const uint8_t pk[32], const uint8_t *p,
    size_t n)
{
	((struct rc *)arg)->got += n;
}

static const struct tcpl_cbs	cbs = {
	cb_state, cb_routed, cb_conn, cb_data, NULL, NULL,
};

static int
rc_start(struct rc *c, const uint8_t relay_pk[32], int port)
{
	struct sockaddr_in	sin;
	int			one = 1;

	memset(c, 0, sizeof(*c));
	dht_keys_init(&c->keys);
	if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, BENCH_ADDR, &sin.sin_addr);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(c->fd);
		return -1;
	}
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)fcntl(c->fd, F_SETFL, O_NONBLOCK);
	return tcp_link_start(&c->l, &c->keys, relay_pk, &cbs, c, mono_ms());
}

static void
rc_stop(struct rc *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	tcp_link_wipe(&c->l);
}

static void
rc_flush(struct rc *c)
{
	const uint8_t	*p;
	size_t		 n;
	ssize_t		 w;

	while ((n = tcp_link_out(&c->l, &p)) > 0) {
		if ((w = write(c->fd, p, n)) <= 0) {
			if (w == -1 && errno == EAGAIN)
				return;
			tcp_link_close(&c->l, TCPL_DOWN_CLOSED);
			return;
		}
		tcp_link_out_done(&c->l, (size_t)w);
	}
}

/* One round of I/O for n clients; sender (if not NULL) keeps its queue
 * full of data for its connection. */
static void
rc_pump(struct rc **cs, int n, struct rc *sender, int ms)
{
	static uint8_t	buf[65536], data[TCPW_DATA_MAX];
	struct pollfd	pfd[RELAY_IDLE + 2];
	ssize_t		r;
	int		i;

	if (sender != NULL && sender->online)
		while (tcp_link_send(&sender->l, sender->conn_id, data,
		    sizeof(data)) == 0)
			;
	for (i = 0; i < n; i++) {
		rc_flush(cs[i]);
		pfd[i].fd = cs[i]->down ? -1 : cs[i]->fd;
		pfd[i].events = POLLIN;
		if (tcp_link_out(&cs[i]->l, &(const uint8_t *){ NULL }) > 0)
			pfd[i].events |= POLLOUT;
	}
	if (poll(pfd, (nfds_t)n, ms) <= 0)
		return;
	for (i = 0; i < n; i++) {
		if (pfd[i].fd == -1 || !(pfd[i].revents & (POLLIN | POLLHUP |
		    POLLERR)))
			continue;
		while ((r = read(cs[i]->fd, buf, sizeof(buf))) > 0)
			(void)tcp_link_input(&cs[i]->l, buf, (size_t)r,
			    mono_ms());
		if (r == 0 || (r == -1 && errno != EAGAIN))
			tcp_link_close(&cs[i]->l, TCPL_DOWN_CLOSED);
	}
	for (i = 0; i < n; i++)
		if (tcp_link_next_ms(&cs[i]->l) <= mono_ms())
			tcp_link_tick(&cs[i]->l, mono_ms());
}

static long
rss_kb(pid_t pid)
{
	char	path[64], line[128];
	FILE	*f;
	long	kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* Throughput and memory per client through the relay at port (pid). */
static int
measure(const uint8_t relay_pk[32], int port, pid_t pid, double *mb_s,
    double *kb_per)
{
	static struct rc	a, b, idle[RELAY_IDLE];
	struct rc		*cs[RELAY_IDLE + 2];
	uint64_t		end, t0, t1;
	long			before, after;
	int			i, n;

	*mb_s = *kb_per = RUN_NOT_MEASURED;
	if (rc_start(&a, relay_pk, port) == -1 ||
	    rc_start(&b, relay_pk, port) == -1) {
		warnx("relay at %d: no connection", port);
		return -1;
	}
	cs[0] = &a;
	cs[1] = &b;
	end = mono_ms() + T_SETUP;
	while (!(a.up && b.up) && mono_ms() < end)
		rc_pump(cs, 2, NULL, 50);
	(void)tcp_link_route(&a.l, b.keys.pk);
	(void)tcp_link_route(&b.l, a.keys.pk);
	while (!(a.online && b.online) && mono_ms() < end)
		rc_pump(cs, 2, NULL, 50);
	if (!(a.online && b.online)) {
		warnx("relay at %d: the two clients were not routed", port);
		goto out;
	}
	t0 = (uint64_t)run_now_ns();
	end = mono_ms() + T_BULK;
	while (b.got < RELAY_BYTES && !a.down && !b.down && mono_ms() < end)
		rc_pump(cs, 2, &a, 50);
	t1 = (uint64_t)run_now_ns();
	if (b.got >= RELAY_BYTES)
		*mb_s = (double)b.got / 1e6 / ((double)(t1 - t0) / 1e9);
	else
		warnx("relay at %d: %llu of %d bytes crossed", port,
		    (unsigned long long)b.got, RELAY_BYTES);

	/* memory: RELAY_IDLE more clients that finish their handshake */
	before = rss_kb(pid);
	for (n = 0; n < RELAY_IDLE; n++) {
		if (rc_start(&idle[n], relay_pk, port) == -1)
			break;
		cs[n] = &idle[n];
	}
	end = mono_ms() + T_SETUP;
	for (;;) {
		for (i = 0; i < n && idle[i].up; i++)
			;
		if (i == n || mono_ms() > end)
			break;
		rc_pump(cs, n, NULL, 50);
	}
	/* their first pings answered: the relay has confirmed each */
	end = mono_ms() + 1000;
	while (mono_ms() < end)
		rc_pump(cs, n, NULL, 50);
	after = rss_kb(pid);
	if (before > 0 && after > 0 && i == n && n > 0)
		*kb_per = (double)(after - before) / n;
	for (i = 0; i < n; i++)
		rc_stop(&idle[i]);
out:
	rc_stop(&a);
	rc_stop(&b);
	return 0;
}

int
relay_once(const char *dir, struct obs o[SIDES])
{
	struct bootstrapd	 bsd;
	struct bh		 bh;
	char			 port[32];
	const char		*args[] = { port, "--no-udp", NULL };
	uint8_t			 pk[32];
	json_t			*st, *r;
	const char		*k = NULL;
	uint64_t		 end;
	pid_t			 netd = -1;
	size_t			 i;

	(void)dir;
	for (i = 0; i < SIDES; i++)
		o[i].relay_mb_s = o[i].relay_kb_per_client = RUN_NOT_MEASURED;
	if (bootstrapd_start_tcp(&bsd, BSD_PORT, BSD_TCP) == -1) {
		warnx("tox-bootstrapd did not start");
		return -1;
	}
	if (run_wait_bound(BSD_PORT, 10000) == 0 &&
	    hex_decode(bsd.key, 64, pk, 32) == 0) {
		usleep(300000);		/* its TCP port, a moment after */
		(void)measure(pk, BSD_TCP, bsd.pid,
		    &o[SIDE_LIBTOXCORE].relay_mb_s,
		    &o[SIDE_LIBTOXCORE].relay_kb_per_client);
	}
	bootstrapd_stop(&bsd);

	snprintf(port, sizeof(port), "--tcp-port=%d", BH_TCP);
	if (bh_start(&bh, args) == -1) {
		warnx("bulkhead did not start");
		return -1;
	}
	end = mono_ms() + T_SETUP;
	while (k == NULL && mono_ms() < end) {
		st = bh_cmd(&bh, "{\"cmd\":\"status\"}", T_SETUP);
		k = json_string_value(json_object_get(json_object_get(st,
		    "dht"), "dht_public_key"));
		if (k != NULL && hex_decode(k, 64, pk, 32) == -1)
			k = NULL;
		json_array_foreach(json_object_get(st, "roles"), i, r)
			if (strcmp(json_string_value(json_object_get(r,
			    "role")), "netd") == 0)
				netd = (pid_t)json_integer_value(
				    json_object_get(r, "pid"));
		json_decref(st);
		if (k == NULL)
			(void)bh_read(&bh, 200);
	}
	if (k != NULL && netd > 0)
		(void)measure(pk, BH_TCP, netd, &o[SIDE_BULKHEAD].relay_mb_s,
		    &o[SIDE_BULKHEAD].relay_kb_per_client);
	else
		warnx("bulkhead's relay key never showed");
	bh_stop(&bh);
	return 0;
}
