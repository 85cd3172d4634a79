/* Channels over the event loop: see chan.h. */
#include <sys/epoll.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/rd.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"

struct chan_out {
	STAILQ_ENTRY(chan_out)	 entry;
	uint16_t		 type;
	uint32_t		 id;
	int			 fd;
	size_t			 len;
	uint8_t			 data[];
};

/* One receive buffer per process: handlers run one at a time. */
static struct ipc_msg	rx;

static void	chan_event(struct ev_src *, uint32_t);

void
chan_open(struct chan *c, int fd, enum role self, enum role peer,
    void (*on_msg)(struct chan *, struct ipc_msg *),
    void (*on_close)(struct chan *, const char *), void *arg)
{
	struct ipc_hello	hello;
	uint8_t			buf[64];
	struct wr		w;
	int			fl;

	memset(c, 0, sizeof(*c));
	STAILQ_INIT(&c->outq);
	c->src.fd = fd;
	c->src.cb = chan_event;
	c->src.arg = c;
	c->self = self;
	c->peer = peer;
	c->on_msg = on_msg;
	c->on_close = on_close;
	c->arg = arg;
	c->next_id = 1;
	c->open = 1;
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		fatal("%s: fcntl", __func__);
	loop_add(&c->src, EPOLLIN);
	hello.role = (uint8_t)self;
	memcpy(hello.build_id, ipc_build_id, sizeof(hello.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &hello);
	(void)chan_send_wr(c, IPC_HELLO, 0, &w);
}

uint32_t
chan_new_id(struct chan *c)
{
	if (c->next_id == 0)
		c->next_id = 1;		/* 0 means "no reply expected" */
	return c->next_id++;
}

void
chan_close(struct chan *c, const char *why)
{
	struct chan_out	*o;

	if (!c->open)
		return;
	c->open = 0;
	loop_del(&c->src);
	(void)close(c->src.fd);
	c->src.fd = -1;
	while ((o = STAILQ_FIRST(&c->outq)) != NULL) {
		STAILQ_REMOVE_HEAD(&c->outq, entry);
		if (o->fd != -1)
			(void)close(o->fd);
		free(o);
	}
	c->queued = 0;
	if (c->on_close != NULL)
		c->on_close(c, why);
}

static int
chan_enqueue(struct chan *c, uint16_t type, uint32_t id, const void *p,
    size_t len, int fd)
{
	struct chan_out	*o;

	if (c->queued + len > CHAN_MAX_QUEUED) {
		chan_close(c, "peer does not read: send queue full");
		return -1;
	}
	if ((o = malloc(sizeof(*o) + len)) == NULL)
		fatal("%s: malloc", __func__);
	o->type = type;
	o->id = id;
	o->len = len;
	o->fd = -1;
	if (len > 0)
		memcpy(o->data, p, len);
	if (fd != -1 && (o->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		fatal("%s: dup", __func__);
	STAILQ_INSERT_TAIL(&c->outq, o, entry);
	c->queued += len;
	loop_mod(&c->src, EPOLLIN | EPOLLOUT);
	return 0;
}

static int
chan_drain(struct chan *c)
{
	struct chan_out	*o;

	while ((o = STAILQ_FIRST(&c->outq)) != NULL) {
		if (ipc_send(c->src.fd, o->type, o->id, o->data, o->len,
		    o->fd) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			chan_close(c, "send failed");
			return -1;
		}
		STAILQ_REMOVE_HEAD(&c->outq, entry);
		c->queued -= o->len;
		if (o->fd != -1)
			(void)close(o->fd);
		free(o);
	}
	loop_mod(&c->src, EPOLLIN);
	return 0;
}

int
chan_send(struct chan *c, uint16_t type, uint32_t id, const void *p,
    size_t len, int fd)
{
	if (!c->open)
		return -1;
	if (STAILQ_EMPTY(&c->outq)) {
		if (ipc_send(c->src.fd, type, id, p, len, fd) == 0)
			return 0;
		if (errno == EMSGSIZE)
			fatalx("%s: %s message too large", c->name ? c->name :
			    role_name(c->peer), ipc_type_name(type));
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			chan_close(c, "send failed");
			return -1;
		}
	}
	return chan_enqueue(c, type, id, p, len, fd);
}

int
chan_send_wr(struct chan *c, uint16_t type, uint32_t id, const struct wr *w)
{
	if (!wr_ok(w))
		fatalx("%s: %s payload overflow", __func__, ipc_type_name(type));
	return chan_send(c, type, id, w->p, w->len, -1);
}

int
chan_reply_ok(struct chan *c, uint32_t id)
{
	return chan_send(c, IPC_OK, id, NULL, 0, -1);
}

int
chan_reply_error(struct chan *c, uint32_t id, uint16_t code, const char *text)
{
	struct ipc_error	e;
	uint8_t			buf[IPC_ERROR_TEXT_MAX + 8];
	struct wr		w;

	memset(&e, 0, sizeof(e));
	e.code = code;
	(void)strncpy(e.text, text, sizeof(e.text) - 1);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_error(&w, &e);
	return chan_send_wr(c, IPC_ERROR, id, &w);
}

void
chan_flush(struct chan *c)
{
	struct pollfd	pfd;

	while (c->open && !STAILQ_EMPTY(&c->outq)) {
		pfd.fd = c->src.fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 1000) <= 0)
			break;
		if (chan_drain(c) == -1)
			break;
	}
}

static void
chan_read(struct chan *c)
{
	struct ipc_hello	 hello;
	struct rd		 r;
	const char		*why;
	int			 n;

	while (c->open) {
		if ((n = ipc_recv(c->src.fd, &rx)) == 0) {
			chan_close(c, "peer closed the channel");
			return;
		}
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			chan_close(c, errno == EPROTO ?
			    "malformed message framing" : "receive failed");
			return;
		}
		if (ipc_check(&rx, c->self, c->peer, &why) == -1)
			goto bad;
		if (!c->hello_seen) {
			why = "first message is not HELLO";
			if (rx.hdr.type != IPC_HELLO)
				goto bad;
			rd_init(&r, rx.data, rx.hdr.len);
			why = "malformed HELLO";
			if (ipc_unpack_hello(&r, &hello) == -1)
				goto bad;
			why = "HELLO from the wrong role";
			if (hello.role != c->peer)
				goto bad;
			why = "peer is a different build";
			if (memcmp(hello.build_id, ipc_build_id,
			    sizeof(ipc_build_id)) != 0)
				goto bad;
			c->hello_seen = 1;
			continue;
		}
		why = "HELLO repeated";
		if (rx.hdr.type == IPC_HELLO)
			goto bad;
		c->on_msg(c, &rx);
		if (rx.fd != -1) {	/* the handler did not take it */
			(void)close(rx.fd);
			rx.fd = -1;
		}
	}
	return;
bad:
	log_warnx("%s: %s (type %u, %u bytes): closing channel",
	    c->name != NULL ? c->name : role_name(c->peer), why,
	    rx.hdr.type, rx.hdr.len);
	if (rx.fd != -1) {
		(void)close(rx.fd);
		rx.fd = -1;
	}
	chan_close(c, why);
}

static void
chan_event(struct ev_src *src, uint32_t events)
{
	struct chan	*c = src->arg;

	if ((events & EPOLLOUT) && chan_drain(c) == -1)
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		chan_read(c);
}
