/* The TCP relay server on the loop: see netd_tcp_server.h. */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "common/role.h"
#include "netd/ipp.h"
#include "netd/netd_dht.h"
#include "netd/netd_onion.h"
#include "netd/netd_tcp_server.h"
#include "netd/tcp_conf.h"

/* Bytes read from one client per wakeup. */
#define READ_BURST	(64 * 1024)

struct listener {
	struct ev_src	src;
	uint16_t	port;
};

struct client {
	struct ev_src	src;		/* fd -1: none */
};

static struct {
	int			 on;
	struct tcp_server	 s;
	struct listener		 l[FD_NETD_TCP_MAX];
	size_t			 nl;
	struct client		 c[NETD_TCPS_CLIENTS];
	struct timer		 tick;
} g;

static void
rearm(void)
{
	uint64_t	next = tcps_tick(&g.s, mono_ms());

	if (next == TCPS_NEVER)
		timer_cancel(&g.tick);
	else
		timer_at(&g.tick, next);
}

static void
tick_fn(struct timer *t)
{
	(void)t;
	rearm();
}

/* The socket only: the engine has forgotten the client or will. */
static void
fd_close(unsigned i)
{
	struct client	*c = &g.c[i];

	if (c->src.fd == -1)
		return;
	if (c->src.events != 0)
		loop_del(&c->src);
	close(c->src.fd);
	c->src.fd = -1;
}

/* Writes what client i is owed; EPOLLOUT while some remains. */
static void
flush(unsigned i)
{
	struct client	*c = &g.c[i];
	const uint8_t	*p;
	uint32_t	 want = EPOLLIN;
	size_t		 n;
	ssize_t		 w;

	if (c->src.fd == -1)
		return;
	while ((n = tcps_out(&g.s, i, &p)) > 0) {
		w = write(c->src.fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN) {
			want |= EPOLLOUT;
			break;
		}
		if (w <= 0) {
			tcps_close(&g.s, i);
			fd_close(i);
			return;
		}
		tcps_out_done(&g.s, i, (size_t)w);
	}
	if (c->src.events != want)
		loop_mod(&c->src, want);
}

/* --- the engine's calls out --- */

static void
cb_out(void *arg, unsigned i)
{
	(void)arg;
	flush(i);
}

static void
cb_closed(void *arg, unsigned i)
{
	(void)arg;
	fd_close(i);
}

static void
cb_onion(void *arg, unsigned i, const uint8_t *p, size_t n)
{
	struct ip_port	from;

	(void)arg;
	ipp_srv(&from, i);
	netd_onion_tcp(&from, p, n);
}

static const struct tcps_cb	engine_cbs = { cb_out, cb_closed, cb_onion };

/* --- sockets --- */

static void
client_io(struct ev_src *src, uint32_t events)
{
	static uint8_t	 buf[16384];
	/* src is the first member of its struct client */
	unsigned	 i = (unsigned)((struct client *)src - g.c);
	size_t		 total = 0;
	ssize_t		 n;

	if (events & EPOLLOUT)
		flush(i);
	while (g.c[i].src.fd != -1 && total < READ_BURST) {
		n = read(g.c[i].src.fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			tcps_close(&g.s, i);
			fd_close(i);
			break;
		}
		total += (size_t)n;
		/* -1: the engine ended it, and closed the socket already */
		if (tcps_input(&g.s, i, buf, (size_t)n, mono_ms()) == -1)
			break;
	}
	rearm();
}

static void
accept_io(struct ev_src *src, uint32_t events)
{
	struct listener	*l = src->arg;
	unsigned	 k;
	int		 fd, i;

	(void)events;
	for (k = 0; k < NETD_TCPS_ACCEPT_BURST; k++) {
		fd = accept4(l->src.fd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("tcp server: accept on port %u",
				    l->port);
			break;
		}
		/* a relay known by a key that is about to change: not yet */
		if (!netd_dht_key_final() ||
		    (i = tcps_accept(&g.s, mono_ms())) < 0) {
			close(fd);
			continue;
		}
		fd_close((unsigned)i);	/* an evicted one's, if still open */
		g.c[i].src.fd = fd;
		g.c[i].src.cb = client_io;
		g.c[i].src.arg = NULL;
		g.c[i].src.events = 0;
		loop_add(&g.c[i].src, EPOLLIN);
	}
	rearm();
}

size_t
netd_tcp_server_fds(int *fds, size_t max)
{
	const struct tcp_conf	*conf = tcp_conf_get();
	size_t			 i, n = 0;
	int			 fd, yes;
	socklen_t		 len;

	for (i = 0; i < conf->nports && i < FD_NETD_TCP_MAX && n < max; i++) {
		fd = FD_NETD_TCP_FIRST + (int)i;
		yes = 0;
		len = sizeof(yes);
		/* only a listening socket the supervisor bound */
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &yes, &len) ==
		    -1 || !yes) {
			log_warnx("tcp server: no listening socket for port "
			    "%u (netd runs under the supervisor)",
			    conf->ports[i]);
			continue;
		}
		g.l[g.nl].src.fd = fd;
		g.l[g.nl].port = conf->ports[i];
		g.nl++;
		fds[n++] = fd;
	}
	return n;
}

void
netd_tcp_server_serve(void)
{
	struct dht_keys	*dk = netd_dht_keys();
	size_t		 i;

	if (g.nl == 0)
		return;
	if (dk == NULL ||
	    tcps_init(&g.s, dk, NETD_TCPS_CLIENTS, &engine_cbs, NULL) == -1)
		fatalx("tcp server: cannot start");
	for (i = 0; i < NETD_TCPS_CLIENTS; i++)
		g.c[i].src.fd = -1;
	timer_init(&g.tick, tick_fn, NULL);
	for (i = 0; i < g.nl; i++) {
		g.l[i].src.cb = accept_io;
		g.l[i].src.arg = &g.l[i];
		loop_add(&g.l[i].src, EPOLLIN);
		log_info("tcp relay server on port %u", g.l[i].port);
	}
	g.on = 1;
}

int
netd_tcp_server_onion(unsigned i, const uint8_t *p, size_t n)
{
	if (!g.on || i >= NETD_TCPS_CLIENTS)
		return -1;
	return tcps_onion_resp(&g.s, i, p, n) == 0 ? (int)n : -1;
}

const struct tcps_stats *
netd_tcp_server_stats(void)
{
	return g.on ? &g.s.st : NULL;
}

unsigned
netd_tcp_server_clients(void)
{
	return g.on ? tcps_count(&g.s, TCPS_CONFIRMED) : 0;
}
