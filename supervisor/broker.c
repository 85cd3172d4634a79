/* The stream-socket broker: see broker.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/mono.h"
#include "ipc/msg_core.h"
#include "ipc/msg_sock.h"
#include "supervisor/broker.h"

struct watch {
	struct ev_src	src;		/* a copy of a socket to the proxy */
	struct timer	deadline;
};

static const struct sock_policy	*pol;
static struct sock_limit	 lim;
static uint8_t			 proxy_state = IPC_PROXY_NONE;
static struct watch		 watches[BROKER_WATCHES];

static void
proxy_saw(int ok, int err)
{
	uint8_t	was = proxy_state;

	proxy_state = ok ? IPC_PROXY_OK : IPC_PROXY_UNREACHABLE;
	if (was == proxy_state)
		return;
	if (ok)
		log_info("proxy reachable");
	else
		log_warnx("proxy unreachable: %s", err == ECONNREFUSED ?
		    "the connection failed" : strerror(err));
}

static void
watch_end(struct watch *w)
{
	timer_cancel(&w->deadline);
	if (w->src.fd != -1) {
		loop_del(&w->src);
		close(w->src.fd);
		w->src.fd = -1;
	}
}

static void
watch_cb(struct ev_src *src, uint32_t events)
{
	struct watch		*w = src->arg;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	/* Not SO_ERROR: reading it clears it, and netd, which holds the
	 * same socket, reads it to learn why. */
	if ((events & (EPOLLERR | EPOLLHUP)) ||
	    getpeername(src->fd, (struct sockaddr *)&ss, &len) == -1)
		proxy_saw(0, ECONNREFUSED);
	else
		proxy_saw(1, 0);
	watch_end(w);
}

static void
watch_deadline(struct timer *t)
{
	proxy_saw(0, ETIMEDOUT);
	watch_end(t->arg);
}

/* Watches a copy of fd, a connect to the proxy in progress; if every
 * slot is busy this one goes unwatched (the others will tell). */
static void
watch_proxy(int fd)
{
	size_t	i;
	int	dup;

	for (i = 0; i < BROKER_WATCHES; i++)
		if (watches[i].src.fd == -1)
			break;
	if (i == BROKER_WATCHES ||
	    (dup = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return;
	watches[i].src.fd = dup;
	loop_add(&watches[i].src, EPOLLOUT);
	timer_after(&watches[i].deadline, BROKER_WATCH_MS);
}

/* A non-blocking TCP socket with its connect to a begun; -1 with errno. */
static int
connect_begin(const struct sock_addr *a)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 slen;
	int			 fd, e;

	memset(&ss, 0, sizeof(ss));
	if (a->family == 4) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->addr, 4);
		sin->sin_port = htons(a->port);
		slen = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->addr, 16);
		sin6->sin6_port = htons(a->port);
		slen = sizeof(*sin6);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, IPPROTO_TCP)) == -1)
		return -1;
	/* relay frames are small and timely; netd may not set it itself */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
	    sizeof(int));
	if (connect(fd, (struct sockaddr *)&ss, slen) == -1 &&
	    errno != EINPROGRESS) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void
broker_init(const struct sock_policy *p)
{
	size_t	i;
	int	fd;

	pol = p;
	sock_limit_reset(&lim);
	for (i = 0; i < BROKER_WATCHES; i++) {
		watches[i].src.fd = -1;
		watches[i].src.cb = watch_cb;
		watches[i].src.arg = &watches[i];
		timer_init(&watches[i].deadline, watch_deadline, &watches[i]);
	}
	if (!p->proxy)
		return;
	proxy_state = IPC_PROXY_CHECKING;
	/* the probe: a connect to the proxy, closed once it ends */
	if ((fd = connect_begin(&p->proxy_addr)) == -1) {
		proxy_saw(0, errno);
		return;
	}
	watch_proxy(fd);
	close(fd);
}

void
broker_netd_started(void)
{
	sock_limit_reset(&lim);
}

/* Is inode ino still one of netd's descriptors?  (/proc, at need.) */
struct held {
	uint64_t	ino[256];
	size_t		n;
};

static int
still_held(uint64_t ino, void *arg)
{
	const struct held	*h = arg;
	size_t			 i;

	for (i = 0; i < h->n; i++)
		if (h->ino[i] == ino)
			return 1;
	return 0;
}

static void
prune(pid_t pid)
{
	static struct held	 h;
	struct dirent		*de;
	char			 path[320], link[64];
	unsigned long long	 ino;
	ssize_t			 n;
	DIR			*d;

	h.n = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if (pid <= 0 || (d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && h.n < sizeof(h.ino) /
	    sizeof(h.ino[0])) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid,
		    de->d_name);
		if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%llu]", &ino) == 1)
			h.ino[h.n++] = ino;
	}
	closedir(d);
	sock_limit_prune(&lim, still_held, &h);
}

static void
answer(struct chan *c, uint32_t id, uint32_t tag, int err, int fd)
{
	struct ipc_sock_opened	o = { .tag = tag, .err = err };
	uint8_t			buf[IPC_SOCK_OPENED_LEN];
	struct wr		w;

	if (o.err < 0 || o.err > IPC_SOCK_ERRNO_MAX)
		o.err = EIO;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_sock_opened(&w, &o);
	(void)chan_send(c, IPC_SOCK_OPENED, id, w.p, w.len, fd);
}

int
broker_on_open(struct chan *c, struct ipc_msg *m, struct rd *r,
    pid_t netd_pid)
{
	struct ipc_sock_open	 req;
	struct sock_addr	 asked, to;
	enum sock_verdict	 v;
	struct stat		 st;
	int			 fd;

	if (ipc_unpack_sock_open(r, &req) == -1)
		return -1;
	if (pol == NULL) {
		answer(c, m->hdr.id, req.tag, EACCES, -1);
		return 0;
	}
	memset(&asked, 0, sizeof(asked));
	asked.family = req.family;
	memcpy(asked.addr, req.addr, sizeof(asked.addr));
	asked.port = req.port;

	/* every request counts, refused or not: a refusal costs a log line */
	if ((v = sock_limit_take(&lim, mono_ms())) == SOCK_TOO_MANY) {
		prune(netd_pid);
		v = sock_limit_take(&lim, mono_ms());
	}
	if (v != SOCK_OK) {
		if (!lim.logged)
			log_warnx("socket broker: netd refused: %s (at most "
			    "%d opens a minute, %d sockets held)",
			    sock_verdict_str(v), SOCK_OPENS_PER_MIN,
			    SOCK_MAX_OPEN);
		lim.logged = 1;
		answer(c, m->hdr.id, req.tag, v == SOCK_RATE ? EAGAIN :
		    EMFILE, -1);
		return 0;
	}
	if ((v = sock_policy_decide(pol, &asked, &to)) != SOCK_OK) {
		log_warnx("socket broker: netd refused: %s",
		    sock_verdict_str(v));
		answer(c, m->hdr.id, req.tag, EACCES, -1);
		return 0;
	}
	if ((fd = connect_begin(&to)) == -1) {
		if (pol->proxy)
			proxy_saw(0, errno);
		answer(c, m->hdr.id, req.tag, errno, -1);
		return 0;
	}
	if (pol->proxy)
		watch_proxy(fd);
	if (fstat(fd, &st) == 0)
		sock_limit_hand(&lim, (uint64_t)st.st_ino);
	answer(c, m->hdr.id, req.tag, 0, fd);
	close(fd);
	return 0;
}

int
broker_proxy_socket(void)
{
	int	fd;

	if (pol == NULL || !pol->proxy) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = connect_begin(&pol->proxy_addr)) == -1) {
		proxy_saw(0, errno);
		return -1;
	}
	watch_proxy(fd);
	return fd;
}

void
broker_proxy_url(int kind_http, char *out, size_t len)
{
	char	ip[INET6_ADDRSTRLEN];

	if (pol == NULL || !pol->proxy || inet_ntop(pol->proxy_addr.family ==
	    4 ? AF_INET : AF_INET6, pol->proxy_addr.addr, ip,
	    sizeof(ip)) == NULL) {
		if (len > 0)
			out[0] = '\0';
		return;
	}
	(void)snprintf(out, len, pol->proxy_addr.family == 4 ? "%s://%s:%u" :
	    "%s://[%s]:%u", kind_http ? "http" : "socks5h", ip,
	    pol->proxy_addr.port);
}

uint8_t
broker_proxy_state(void)
{
	return proxy_state;
}
