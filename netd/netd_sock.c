/* netd's stream sockets, from the supervisor: see netd_sock.h. */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/relay_spec.h"
#include "common/loop.h"
#include "ipc/chan.h"
#include "ipc/msg_sock.h"
#include "netd/netd_sock.h"

struct pending {
	int		 used;
	uint32_t	 tag;
	netd_sock_cb	 cb;
	void		*arg;
	struct ev_src	 src;		/* the handed socket, until writable */
	struct timer	 deadline;
};

static struct chan	*sup;
static struct pending	 slots[NETD_SOCK_PENDING];
static uint32_t		 next_tag = 1;
static unsigned		 npending;

static void
finish(struct pending *p, int result)
{
	netd_sock_cb	 cb = p->cb;
	void		*arg = p->arg;

	timer_cancel(&p->deadline);
	if (p->src.fd != -1) {
		loop_del(&p->src);
		if (result < 0)
			close(p->src.fd);
		p->src.fd = -1;
	}
	p->used = 0;
	npending--;
	cb(arg, result);
}

static void
writable_cb(struct ev_src *src, uint32_t events)
{
	struct pending	*p = src->arg;
	socklen_t	 len = sizeof(int);
	int		 err = 0, fd = src->fd;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	else if (err == 0 && (events & (EPOLLERR | EPOLLHUP)))
		err = ECONNRESET;
	if (err != 0) {
		finish(p, -err);
		return;
	}
	/* connected: the fd is the caller's now */
	loop_del(&p->src);
	p->src.fd = -1;
	finish(p, fd);
}

static void
deadline_cb(struct timer *t)
{
	finish(t->arg, -ETIMEDOUT);
}

static void
opened(void *arg, struct ipc_msg *m, struct rd *r)
{
	struct pending		*p = arg;
	struct ipc_sock_opened	 o;

	if (m->hdr.type != IPC_SOCK_OPENED) {
		/* the supervisor is gone or refused to parse: no answer */
		finish(p, -EPIPE);
		return;
	}
	if (ipc_unpack_sock_opened(r, &o) == -1 || o.tag != p->tag) {
		finish(p, -EPROTO);
		return;
	}
	if (o.err != 0) {
		finish(p, -(int)o.err);
		return;
	}
	if (m->fd == -1) {
		finish(p, -EPROTO);
		return;
	}
	p->src.fd = m->fd;
	m->fd = -1;
	p->src.cb = writable_cb;
	p->src.arg = p;
	loop_add(&p->src, EPOLLOUT);
	timer_after(&p->deadline, NETD_SOCK_CONNECT_MS);
}

void
netd_sock_init(struct chan *c)
{
	size_t	i;

	sup = c;
	for (i = 0; i < NETD_SOCK_PENDING; i++) {
		slots[i].src.fd = -1;
		timer_init(&slots[i].deadline, deadline_cb, &slots[i]);
	}
}

int
netd_sock_open(uint8_t family, const uint8_t addr[16], uint16_t port,
    netd_sock_cb cb, void *arg)
{
	struct ipc_sock_open	 req;
	struct pending		*p = NULL;
	uint8_t			 buf[IPC_SOCK_OPEN_LEN];
	struct wr		 w;
	size_t			 i;

	if ((family != IPC_SOCK_FAMILY_V4 && family != IPC_SOCK_FAMILY_V6) ||
	    port == 0 || cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (sup == NULL || !sup->open) {
		errno = EPIPE;
		return -1;
	}
	for (i = 0; i < NETD_SOCK_PENDING && p == NULL; i++)
		if (!slots[i].used)
			p = &slots[i];
	if (p == NULL) {
		errno = EAGAIN;
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.tag = next_tag++;
	req.family = family;
	memcpy(req.addr, addr, family == IPC_SOCK_FAMILY_V4 ? 4 : 16);
	req.port = port;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_sock_open(&w, &req);
	p->used = 1;
	p->tag = req.tag;
	p->cb = cb;
	p->arg = arg;
	p->src.fd = -1;
	npending++;
	if (chan_call_wr(sup, IPC_SOCK_OPEN, &w, NETD_SOCK_ASK_MS, opened,
	    p) == -1) {
		p->used = 0;
		npending--;
		errno = EPIPE;
		return -1;
	}
	return 0;
}

static struct timer	probe_timer;
static struct proxy_spec probe_to;

static void
probe_done(void *arg, int fd)
{
	if (fd < 0) {
		log_warnx("sock-open: failed: %s", strerror(-fd));
		return;
	}
	log_warnx("sock-open: connected");
	close(fd);
}

static void
probe_cb(struct timer *t)
{
	if (netd_sock_open(probe_to.family, probe_to.ip, probe_to.port,
	    probe_done, NULL) == -1)
		log_warnx("sock-open: failed: %s", strerror(errno));
}

int
netd_sock_selftest(const char *what)
{
	const char	*why;
	char		 url[96];

	if (what == NULL || strncmp(what, "sock-open=", 10) != 0)
		return 0;
	/* the proxy grammar reads HOST:PORT with literals only */
	snprintf(url, sizeof(url), "socks5://%s", what + 10);
	if (proxy_spec_parse(url, &probe_to, &why) == -1 ||
	    strcmp(what + 10, "localhost") == 0)
		fatalx("--selftest=%s: %s", what, why);
	timer_init(&probe_timer, probe_cb, NULL);
	timer_after(&probe_timer, 0);
	return 1;
}

unsigned
netd_sock_pending(void)
{
	return npending;
}
