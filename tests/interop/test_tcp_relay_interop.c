/*
 * Our TCP relay client (netd/tcp_link) against c-toxcore 0.2.18's relay in
 * a real tox-bootstrapd, over real TCP sockets on 127.0.0.1 only:
 * (a) a garbage handshake is dropped by the relay, which keeps serving;
 * (b) two of our clients, each with its own DHT key: handshake, the first
 *     ping answered, each routes the other, both get connect
 *     notifications, data crosses both ways on the conn ids, OOB crosses;
 *     when one frees its conn id, or later hangs up, the other gets a
 *     disconnect notification;
 * (c) against a fake relay (a socket in this test): a garbage answer,
 *     garbage frames, a pong with id 0, a relay that stalls in the
 *     handshake and one that never answers a ping: each takes the link
 *     down with its reason.  The stalls run on the engine's clock
 *     (monotonic time plus a skew that jumps over idle waits), so they
 *     take no 10 s; every real wait has a deadline.
 * (d) the same (a) and (b) against bulkhead's own relay server (a real
 *     session with --tcp-port), then hostile clients against it: 10,000
 *     connections (half of them sending junk), a frame longer than any,
 *     a pong with id 0, a handshake cut short and left: each is dropped,
 *     netd is the same process afterwards, its memory did not grow past
 *     the server's fixed tables, and a good client is still served.
 * The engine does no I/O: the poll loop here is the glue.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sodium.h>

#include "common/hex.h"
#include "common/mono.h"
#include "netd/tcp_link.h"
#include "tests/lib/bh.h"
#include "tests/lib/bootstrapd.h"

#define WAIT_MS		15000	/* real time for anything to happen */

static int	wait_ms = WAIT_MS;

struct cl {
	struct dht_keys	*keys;
	struct tcp_link	 l;
	int		 fd;
	int		 ups, downs;
	enum tcpl_down	 why;
	int		 routed;
	uint8_t		 conn_id;	/* from the routing response */
	int		 online;	/* last notification for conn_id */
	int		 notifications;
	int		 ndata;
	uint8_t		 data_id, data[64];
	size_t		 data_len;
	int		 noob;
	uint8_t		 oob_pk[32], oob[64];
	size_t		 oob_len;
};

static struct {
	struct bootstrapd	 bsd;
	struct bh		 bh;		/* group 2: bulkhead's server */
	int			 bh_up;
	int			 tcp_port;
	uint8_t			 relay_pk[32];
	uint64_t		 skew;		/* the engine's clock runs ahead */
} env;

static uint64_t
now(void)
{
	return mono_ms() + env.skew;
}

static void
cb_state(void *arg, int up, enum tcpl_down why)
{
	struct cl	*c = arg;

	if (up)
		c->ups++;
	else {
		c->downs++;
		c->why = why;
	}
}

static void
cb_routed(void *arg, const uint8_t pk[32], uint8_t conn_id)
{
	struct cl	*c = arg;

	(void)pk;
	c->routed++;
	c->conn_id = conn_id;
}

static void
cb_conn(void *arg, uint8_t conn_id, const uint8_t pk[32], int online)
{
	struct cl	*c = arg;

	(void)pk;
	if (conn_id != c->conn_id)
		return;
	c->notifications++;
	c->online = online;
}

static void
cb_data(void *arg, uint8_t conn_id, const uint8_t pk[32], const uint8_t *p,
    size_t len)
{
	struct cl	*c = arg;

	(void)pk;
	c->ndata++;
	c->data_id = conn_id;
	c->data_len = len < sizeof(c->data) ? len : sizeof(c->data);
	memcpy(c->data, p, c->data_len);
}

static void
cb_oob(void *arg, const uint8_t pk[32], const uint8_t *p, size_t len)
{
	struct cl	*c = arg;

	c->noob++;
	memcpy(c->oob_pk, pk, 32);
	c->oob_len = len < sizeof(c->oob) ? len : sizeof(c->oob);
	memcpy(c->oob, p, c->oob_len);
}

static const struct tcpl_cbs	cbs = {
	cb_state, cb_routed, cb_conn, cb_data, cb_oob, NULL
};

static int
tcp_connect(int port)
{
	struct sockaddr_in	sin;
	int			s, one = 1;

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(s);
		return -1;
	}
	(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

/* A client with a fresh DHT key, connected, handshake queued. */
static struct cl *
cl_new(const uint8_t relay_pk[32], int port)
{
	struct cl	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->keys = calloc(1, sizeof(*c->keys))) == NULL)
		return NULL;
	dht_keys_init(c->keys);
	if ((c->fd = tcp_connect(port)) == -1)
		return NULL;
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK) == -1 ||
	    tcp_link_start(&c->l, c->keys, relay_pk, &cbs, c, now()) == -1)
		return NULL;
	return c;
}

static void
cl_free(struct cl *c)
{
	if (c == NULL)
		return;
	if (c->fd != -1)
		close(c->fd);
	tcp_link_wipe(&c->l);
	dht_keys_wipe(c->keys);
	free(c->keys);
	free(c);
}

/* Writes what the link queued, as much as the socket takes. */
static void
cl_flush(struct cl *c)
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

typedef int	cond_fn(void *);

/*
 * The glue: poll the clients' sockets, feed what arrives, write what is
 * queued, tick at deadlines, until cond holds or WAIT_MS of real time.
 * With jump, a wait with nothing to read moves the engine's clock to the
 * next deadline (no bytes came in meanwhile, so that is what it would
 * have seen).  Returns cond's last value.
 */
static int
pump(struct cl **cs, int n, cond_fn *cond, void *arg, int jump)
{
	struct pollfd	pfd[4];
	uint8_t		buf[4096];
	uint64_t	end = mono_ms() + (uint64_t)wait_ms, next;
	ssize_t		r;
	int		i, ready;

	while (!cond(arg) && mono_ms() < end) {
		next = TCPL_NEVER;
		for (i = 0; i < n; i++) {
			cl_flush(cs[i]);
			pfd[i].fd = tcp_link_state(&cs[i]->l) == TCPL_DOWN ?
			    -1 : cs[i]->fd;
			pfd[i].events = POLLIN;
			if (tcp_link_next_ms(&cs[i]->l) < next)
				next = tcp_link_next_ms(&cs[i]->l);
		}
		if ((ready = poll(pfd, (nfds_t)n, 20)) == -1)
			fail_msg("poll: %s", strerror(errno));
		if (ready == 0 && jump && next != TCPL_NEVER && next > now())
			env.skew += next - now();
		for (i = 0; i < n; i++) {
			if (pfd[i].fd != -1 && pfd[i].revents != 0) {
				r = read(cs[i]->fd, buf, sizeof(buf));
				if (r > 0)
					(void)tcp_link_input(&cs[i]->l, buf,
					    (size_t)r, now());
				else if (r == 0 || errno != EAGAIN)
					tcp_link_close(&cs[i]->l,
					    TCPL_DOWN_CLOSED);
			}
			if (tcp_link_next_ms(&cs[i]->l) <= now())
				tcp_link_tick(&cs[i]->l, now());
		}
	}
	return cond(arg);
}

struct two {
	struct cl	*a, *b;
	int		 want;		/* b's notifications so far */
};

static int
both_up(void *arg)
{
	struct two	*t = arg;

	return t->a->ups == 1 && t->b->ups == 1;
}

static int
both_ponged(void *arg)
{
	struct two	*t = arg;

	return tcp_link_stats(&t->a->l)->pongs_ok >= 1 &&
	    tcp_link_stats(&t->b->l)->pongs_ok >= 1;
}

static int
both_online(void *arg)
{
	struct two	*t = arg;

	return t->a->online && t->b->online;
}

static int
both_data(void *arg)
{
	struct two	*t = arg;

	return t->a->ndata >= 1 && t->b->ndata >= 1;
}

static int
b_oob(void *arg)
{
	return ((struct two *)arg)->b->noob >= 1;
}

static int
b_offline(void *arg)
{
	struct two	*t = arg;

	return t->b->notifications >= t->want && !t->b->online;
}

static int
is_down(void *arg)
{
	return ((struct cl *)arg)->downs > 0;
}

static int
is_up(void *arg)
{
	return ((struct cl *)arg)->ups > 0 || ((struct cl *)arg)->downs > 0;
}

/* A routing was answered with id 0 (refused). */
static int
was_refused(void *arg)
{
	return ((struct cl *)arg)->routed > 0 &&
	    ((struct cl *)arg)->conn_id == 0;
}

static int
group_setup(void **state)
{
	int	base = 49000 + (int)(getpid() % 400) * 4;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	env.tcp_port = base + 1;
	if (bootstrapd_start_tcp(&env.bsd, base, env.tcp_port) == -1 ||
	    hex_decode(env.bsd.key, 64, env.relay_pk, 32) == -1)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	bootstrapd_stop(&env.bsd);
	return 0;
}

/* The pid of a role and its resident memory in kB, from status and /proc. */
static long
role_pid(const char *role)
{
	json_t	*st = bh_cmd(&env.bh, "{\"cmd\":\"status\"}", WAIT_MS);
	json_t	*r;
	size_t	 i;
	long	 pid = -1;

	json_array_foreach(json_object_get(st, "roles"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "role")),
		    role) == 0)
			pid = (long)json_integer_value(json_object_get(r,
			    "pid"));
	json_decref(st);
	return pid;
}

static long
rss_kb(long pid)
{
	char	path[64], line[128];
	FILE	*f;
	long	kb = -1;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* Group 2: a bulkhead session serving a relay on a loopback port. */
static int
bh_group_setup(void **state)
{
	char		 port[32];
	const char	*args[] = { port, "--no-udp", NULL };
	json_t		*st;
	const char	*k = NULL;
	uint64_t	 end;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	env.tcp_port = 49000 + (int)(getpid() % 400) * 4 + 3;
	snprintf(port, sizeof(port), "--tcp-port=%d", env.tcp_port);
	if (bh_start(&env.bh, args) == -1)
		return -1;
	env.bh_up = 1;
	/* its relay key is its DHT key, keyd's, once netd has it */
	end = mono_ms() + WAIT_MS;
	while (k == NULL && mono_ms() < end) {
		st = bh_cmd(&env.bh, "{\"cmd\":\"status\"}", WAIT_MS);
		k = json_string_value(json_object_get(json_object_get(st,
		    "dht"), "dht_public_key"));
		if (k != NULL && hex_decode(k, 64, env.relay_pk, 32) == -1)
			k = NULL;
		json_decref(st);
		if (k == NULL)
			json_decref(bh_read(&env.bh, 200));
	}
	return k != NULL ? 0 : -1;
}

static int
bh_group_teardown(void **state)
{
	(void)state;
	if (env.bh_up)
		bh_stop(&env.bh);
	env.bh_up = 0;
	return 0;
}

/* Reads until the relay hangs up (0, or a reset), within WAIT_MS. */
static int
hung_up(int fd)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	uint8_t		buf[4096];
	uint64_t	end = mono_ms() + WAIT_MS;
	ssize_t		r;

	while (mono_ms() < end) {
		if (poll(&pfd, 1, 100) != 1)
			continue;
		r = read(fd, buf, sizeof(buf));
		if (r == 0 || (r == -1 && errno == ECONNRESET))
			return 1;
	}
	return 0;
}

/* A client that finished its handshake, for the hostile ones below. */
static struct cl *
good_client(void)
{
	struct cl	*c = cl_new(env.relay_pk, env.tcp_port);

	assert_non_null(c);
	assert_true(pump(&c, 1, is_up, c, 0));
	assert_int_equal(c->ups, 1);
	return c;
}

/* Sends one plain packet sealed in c's session, bypassing the engine. */
static void
send_sealed(struct cl *c, const uint8_t *plain, size_t len)
{
	uint8_t	frame[TCPW_FRAME_MAX];
	int	f;

	cl_flush(c);
	assert_true((f = tcpw_frame_seal(&c->l.s, plain, len, frame,
	    sizeof(frame))) > 0);
	assert_int_equal(write(c->fd, frame, (size_t)f), f);
}

static void
bh_server_survives_hostile_clients(void **state)
{
	static int	 fds[500];
	struct rlimit	 rl;
	struct cl	*c;
	uint8_t		 junk[TCPW_HS_REQ_LEN];
	uint8_t		 pong0[1 + TCPW_PING_ID_LEN] = { TCPW_PONG };
	long		 pid, rss0, rss1;
	int		 round, i, fd, flags;

	(void)state;
	pid = role_pid("netd");
	assert_true(pid > 0);
	rss0 = rss_kb(pid);
	assert_true(rss0 > 0);

	/* 10,000 connections, 500 at a time, half of them sending junk */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 2048) {
		rl.rlim_cur = rl.rlim_max < 2048 ? rl.rlim_max : 2048;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(junk, 0xa5, sizeof(junk));
	for (round = 0; round < 20; round++) {
		for (i = 0; i < 500; i++) {
			fds[i] = tcp_connect(env.tcp_port);
			assert_int_not_equal(fds[i], -1);
			if (i % 2 == 0 && write(fds[i], junk, 1 + i % 127) <= 0)
				fail_msg("write to the relay");
		}
		for (i = 0; i < 500; i++)
			close(fds[i]);
	}
	assert_int_equal(role_pid("netd"), pid);

	/* a handshake of garbage: dropped */
	assert_int_not_equal(fd = tcp_connect(env.tcp_port), -1);
	assert_int_equal(write(fd, junk, sizeof(junk)), sizeof(junk));
	assert_true(hung_up(fd));
	close(fd);

	/* a frame longer than any (length 0xffff): dropped */
	c = good_client();
	cl_flush(c);
	assert_int_equal(write(c->fd, "\xff\xff", 2), 2);
	assert_int_equal(write(c->fd, junk, sizeof(junk)), sizeof(junk));
	flags = fcntl(c->fd, F_GETFL);
	(void)fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK);
	assert_true(hung_up(c->fd));
	cl_free(c);

	/* a pong with id 0: dropped */
	c = good_client();
	send_sealed(c, pong0, sizeof(pong0));
	assert_true(hung_up(c->fd));
	cl_free(c);

	/* half a handshake, then nothing: dropped after the server's 10 s */
	assert_int_not_equal(fd = tcp_connect(env.tcp_port), -1);
	assert_int_equal(write(fd, junk, 100), 100);
	wait_ms = 20000;
	{
		struct pollfd	pfd = { fd, POLLIN, 0 };
		uint8_t		buf[16];
		uint64_t	end = mono_ms() + 20000;
		ssize_t		r = 1;

		while (mono_ms() < end && poll(&pfd, 1, 200) != 1)
			;
		if (pfd.revents != 0)
			r = read(fd, buf, sizeof(buf));
		assert_true(r == 0 || (r == -1 && errno == ECONNRESET));
	}
	wait_ms = WAIT_MS;
	close(fd);

	/* the same netd, its memory bounded, and a good client served */
	assert_int_equal(role_pid("netd"), pid);
	rss1 = rss_kb(pid);
	printf("# netd: %ld kB before, %ld kB after 10,000 connections\n",
	    rss0, rss1);
	/* the server's tables are fixed: 128 clients of ~27 kB at most */
	assert_true(rss1 - rss0 < 8 * 1024);
	c = good_client();
	assert_true(pump(&c, 1, is_up, c, 0));
	assert_int_equal(tcp_link_route(&c->l, c->keys->pk), 0);
	assert_true(pump(&c, 1, was_refused, c, 0));
	cl_free(c);
}

/* The relay's TCP port may open a moment after its keys file appears. */
static int
connect_relay(void)
{
	uint64_t	end = mono_ms() + WAIT_MS;
	int		s;

	while ((s = tcp_connect(env.tcp_port)) == -1 && mono_ms() < end)
		usleep(50000);
	return s;
}

static void
relay_drops_garbage_handshake(void **state)
{
	struct pollfd	pfd;
	uint8_t		junk[TCPW_HS_REQ_LEN], buf[256];
	uint64_t	end;
	ssize_t		r = 1;

	(void)state;
	assert_int_not_equal(pfd.fd = connect_relay(), -1);
	randombytes_buf(junk, sizeof(junk));
	assert_int_equal(write(pfd.fd, junk, sizeof(junk)), sizeof(junk));
	/* It must hang up on us without a word. */
	end = mono_ms() + WAIT_MS;
	pfd.events = POLLIN;
	while (mono_ms() < end) {
		if (poll(&pfd, 1, 100) == 1) {
			r = read(pfd.fd, buf, sizeof(buf));
			break;
		}
	}
	assert_true(r == 0 || (r == -1 && errno == ECONNRESET));
	close(pfd.fd);
}

static void
relay_carries_two_clients(void **state)
{
	struct two	 t;
	struct cl	*cs[2];
	uint8_t		 pk[32];

	(void)state;
	assert_int_not_equal(close(connect_relay()), -1);	/* it listens */
	assert_non_null(t.a = cl_new(env.relay_pk, env.tcp_port));
	assert_non_null(t.b = cl_new(env.relay_pk, env.tcp_port));
	cs[0] = t.a;
	cs[1] = t.b;
	assert_true(pump(cs, 2, both_up, &t, 0));
	/* The first ping of each is answered by the relay. */
	assert_true(pump(cs, 2, both_ponged, &t, 0));

	/* Each asks for the other by DHT key. */
	assert_int_equal(tcp_link_route(&t.a->l, t.b->keys->pk), 0);
	assert_int_equal(tcp_link_route(&t.b->l, t.a->keys->pk), 0);
	assert_true(pump(cs, 2, both_online, &t, 0));
	assert_true(t.a->conn_id >= 16);
	assert_true(t.b->conn_id >= 16);
	assert_int_equal(tcp_link_conn(&t.a->l, t.a->conn_id, pk), 2);
	assert_memory_equal(pk, t.b->keys->pk, 32);
	assert_int_equal(tcp_link_conn(&t.b->l, t.b->conn_id, pk), 2);
	assert_memory_equal(pk, t.a->keys->pk, 32);

	/* Data both ways, each on its own conn id. */
	assert_int_equal(tcp_link_send(&t.a->l, t.a->conn_id,
	    (const uint8_t *)"from a", 6), 0);
	assert_int_equal(tcp_link_send(&t.b->l, t.b->conn_id,
	    (const uint8_t *)"from bb", 7), 0);
	assert_true(pump(cs, 2, both_data, &t, 0));
	assert_int_equal(t.b->data_id, t.b->conn_id);
	assert_int_equal(t.b->data_len, 6);
	assert_memory_equal(t.b->data, "from a", 6);
	assert_int_equal(t.a->data_id, t.a->conn_id);
	assert_int_equal(t.a->data_len, 7);
	assert_memory_equal(t.a->data, "from bb", 7);

	/* Out of band, addressed by key. */
	assert_int_equal(tcp_link_oob(&t.a->l, t.b->keys->pk,
	    (const uint8_t *)"oob!", 4), 0);
	assert_true(pump(cs, 2, b_oob, &t, 0));
	assert_memory_equal(t.b->oob_pk, t.a->keys->pk, 32);
	assert_int_equal(t.b->oob_len, 4);
	assert_memory_equal(t.b->oob, "oob!", 4);

	/* a frees its conn id: the relay tells b at once; b stays routed. */
	assert_int_equal(tcp_link_disconnect(&t.a->l, t.a->conn_id), 0);
	t.want = 2;
	assert_true(pump(cs, 2, b_offline, &t, 0));
	assert_int_equal(tcp_link_conn(&t.b->l, t.b->conn_id, NULL), 1);
	/* a asks again: b's request still stands, so both are online. */
	t.a->online = 0;
	assert_int_equal(tcp_link_route(&t.a->l, t.b->keys->pk), 0);
	assert_true(pump(cs, 2, both_online, &t, 0));

	/*
	 * a hangs up without a word.  c-toxcore 0.2.18 built without epoll
	 * (Debian) never reads an EOF: it finds the dead link when its own
	 * ping goes unanswered, 30 + 10 s after a's link came up at most.
	 */
	tcp_link_close(&t.a->l, TCPL_DOWN_CLOSED);
	close(t.a->fd);
	t.a->fd = -1;
	t.want = 4;
	wait_ms = 60000;
	assert_true(pump(&cs[1], 1, b_offline, &t, 0));
	wait_ms = WAIT_MS;
	assert_int_equal(tcp_link_state(&t.b->l), TCPL_UP);
	assert_int_equal(tcp_link_conn(&t.b->l, t.b->conn_id, NULL), 1);
	cl_free(t.a);
	cl_free(t.b);
}

/* A fake relay: a loopback listener; fake_accept gives the client's socket. */
struct fake {
	int			 lfd, fd, port;
	struct dht_keys		*keys;
	struct tcpw_session	 s;
	struct tcpw_rx		 rx;
};

static void
fake_listen(struct fake *f)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	memset(f, 0, sizeof(*f));
	assert_non_null(f->keys = calloc(1, sizeof(*f->keys)));
	dht_keys_init(f->keys);
	assert_int_not_equal(f->lfd = socket(AF_INET, SOCK_STREAM, 0), -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&sin, &len),
	    0);
	f->port = ntohs(sin.sin_port);
}

/* Reads exactly n bytes from the client within WAIT_MS. */
static void
fake_read(struct fake *f, uint8_t *buf, size_t n, struct cl *c)
{
	struct pollfd	pfd = { f->fd, POLLIN, 0 };
	uint64_t	end = mono_ms() + WAIT_MS;
	size_t		have = 0;
	ssize_t		r;

	while (have < n) {
		cl_flush(c);
		assert_true(mono_ms() < end);
		if (poll(&pfd, 1, 20) != 1)
			continue;
		r = read(f->fd, buf + have, n - have);
		assert_true(r > 0);
		have += (size_t)r;
	}
}

/* Accepts the client and reads its 128-byte request. */
static void
fake_accept(struct fake *f, struct cl *c, uint8_t req[TCPW_HS_REQ_LEN])
{
	assert_int_not_equal(f->fd = accept(f->lfd, NULL, NULL), -1);
	fake_read(f, req, TCPW_HS_REQ_LEN, c);
}

/* Accepts, answers properly, waits for the client's first frame (a ping). */
static void
fake_handshake(struct fake *f, struct cl *c, uint8_t ping_id[8])
{
	uint8_t		 req[TCPW_HS_REQ_LEN], ans[TCPW_HS_ANSWER_LEN];
	uint8_t		 pk[32], frame[2 + 16 + 9], plain[TCPW_PLAIN_MAX];
	const uint8_t	*in = frame;
	size_t		 n = sizeof(frame), plen;
	struct tcpw_pkt	 p;

	fake_accept(f, c, req);
	assert_int_equal(tcpw_server_accept(f->keys, req, sizeof(req), pk, ans,
	    &f->s), 0);
	assert_memory_equal(pk, c->keys->pk, 32);
	assert_int_equal(write(f->fd, ans, sizeof(ans)), sizeof(ans));
	assert_true(pump(&c, 1, is_up, c, 0));
	assert_int_equal(c->ups, 1);
	fake_read(f, frame, sizeof(frame), c);
	tcpw_rx_init(&f->rx);
	assert_int_equal(tcpw_rx_next(&f->rx, &f->s, &in, &n, plain, &plen),
	    1);
	assert_int_equal(tcpw_parse_from_client(plain, plen, &p), 0);
	assert_int_equal(p.kind, TCPW_PING);
	memcpy(ping_id, p.ping_id, 8);
}

static void
fake_close(struct fake *f)
{
	if (f->fd > 0)
		close(f->fd);
	close(f->lfd);
	free(f->keys);
}

static void
fake_relay_garbage_answer(void **state)
{
	struct fake	 f;
	struct cl	*c;
	uint8_t		 req[TCPW_HS_REQ_LEN], junk[TCPW_HS_ANSWER_LEN];

	(void)state;
	fake_listen(&f);
	assert_non_null(c = cl_new(f.keys->pk, f.port));
	fake_accept(&f, c, req);
	/* The request is what c-toxcore's relay reads: our DHT key first. */
	assert_memory_equal(req, c->keys->pk, 32);
	randombytes_buf(junk, sizeof(junk));
	assert_int_equal(write(f.fd, junk, sizeof(junk)), sizeof(junk));
	assert_true(pump(&c, 1, is_down, c, 0));
	assert_int_equal(c->why, TCPL_DOWN_HS_BAD);
	assert_int_equal(c->ups, 0);
	cl_free(c);
	fake_close(&f);
}

static void
fake_relay_garbage_frames(void **state)
{
	struct fake	 f;
	struct cl	*c;
	uint8_t		 id[8], junk[64];

	(void)state;
	fake_listen(&f);
	assert_non_null(c = cl_new(f.keys->pk, f.port));
	fake_handshake(&f, c, id);
	randombytes_buf(junk, sizeof(junk));
	junk[0] = 0;
	junk[1] = 40;		/* a plausible length, a box that won't open */
	assert_int_equal(write(f.fd, junk, sizeof(junk)), sizeof(junk));
	assert_true(pump(&c, 1, is_down, c, 0));
	assert_int_equal(c->why, TCPL_DOWN_FRAME);
	cl_free(c);
	fake_close(&f);
}

static void
fake_relay_pong_zero(void **state)
{
	struct fake	 f;
	struct cl	*c;
	struct tcpw_pkt	 p;
	uint8_t		 id[8], plain[16], frame[64];
	int		 n;

	(void)state;
	fake_listen(&f);
	assert_non_null(c = cl_new(f.keys->pk, f.port));
	fake_handshake(&f, c, id);
	memset(&p, 0, sizeof(p));
	p.kind = TCPW_PONG;		/* id 0 */
	n = tcpw_pkt_pack(&p, plain, sizeof(plain));
	n = tcpw_frame_seal(&f.s, plain, (size_t)n, frame, sizeof(frame));
	assert_int_equal(write(f.fd, frame, (size_t)n), n);
	assert_true(pump(&c, 1, is_down, c, 0));
	assert_int_equal(c->why, TCPL_DOWN_PONG);
	cl_free(c);
	fake_close(&f);
}

static void
fake_relay_stalls_in_handshake(void **state)
{
	struct fake	 f;
	struct cl	*c;
	uint8_t		 req[TCPW_HS_REQ_LEN];
	uint64_t	 t0 = now();

	(void)state;
	fake_listen(&f);
	assert_non_null(c = cl_new(f.keys->pk, f.port));
	fake_accept(&f, c, req);
	assert_true(pump(&c, 1, is_down, c, 1));
	assert_int_equal(c->why, TCPL_DOWN_HS_TIMEOUT);
	/* On the engine's clock, not before its 10 s. */
	assert_true(now() - t0 >= TCPL_HS_TIMEOUT_MS);
	cl_free(c);
	fake_close(&f);
}

static void
fake_relay_never_pongs(void **state)
{
	struct fake	 f;
	struct cl	*c;
	uint8_t		 id[8];

	(void)state;
	fake_listen(&f);
	assert_non_null(c = cl_new(f.keys->pk, f.port));
	fake_handshake(&f, c, id);
	assert_true(pump(&c, 1, is_down, c, 1));
	assert_int_equal(c->why, TCPL_DOWN_PING_TIMEOUT);
	cl_free(c);
	fake_close(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relay_drops_garbage_handshake),
		cmocka_unit_test(relay_carries_two_clients),
		cmocka_unit_test(fake_relay_garbage_answer),
		cmocka_unit_test(fake_relay_garbage_frames),
		cmocka_unit_test(fake_relay_pong_zero),
		cmocka_unit_test(fake_relay_stalls_in_handshake),
		cmocka_unit_test(fake_relay_never_pongs),
	};

	const struct CMUnitTest ours[] = {
		cmocka_unit_test(relay_drops_garbage_handshake),
		cmocka_unit_test(relay_carries_two_clients),
		cmocka_unit_test(bh_server_survives_hostile_clients),
	};
	int	rc;

	rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
	/* the same against bulkhead's own relay server, then hostile ones */
	rc |= cmocka_run_group_tests_name("bulkhead's relay server", ours,
	    bh_group_setup, bh_group_teardown);
	return rc;
}
