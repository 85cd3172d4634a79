/* Channels over the event loop: see chan.h. */
#include <sys/epoll.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/rd.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"

struct chan_out {
	STAILQ_ENTRY(chan_out)	 entry;
	int			 frame;		/* data is a whole frame */
	uint16_t		 type;
	uint32_t		 id;
	int			 fd;
	size_t			 len;
	uint8_t			 data[];
};

struct chan_call {
	TAILQ_ENTRY(chan_call)	 entry;
	struct chan		*c;
	uint32_t		 id;
	uint16_t		 type;
	struct timer		 deadline;
	void			(*cb)(void *, struct ipc_msg *, struct rd *);
	void			*arg;
};

/* One receive buffer per process: handlers run one at a time. */
static struct ipc_msg	rx;
static struct ipc_frame	rxf;
/* Channels with a cork to send before the loop sleeps. */
static TAILQ_HEAD(, chan) corked = TAILQ_HEAD_INITIALIZER(corked);
/* Request ids are unique in the process, never reused, never 0. */
static uint32_t		next_call_id;

static void	chan_event(struct ev_src *, uint32_t);
static int	chan_drain(struct chan *);
static void	corks_flush(void);

void
chan_open(struct chan *c, int fd, enum role self, enum role peer,
    const struct chan_tables *tables,
    void (*on_close)(struct chan *, const char *), void *arg)
{
	struct ipc_hello	hello;
	uint8_t			buf[IPC_HELLO_LEN];
	struct wr		w;
	unsigned		gen = c->gen;
	int			fl;

	memset(c, 0, sizeof(*c));
	STAILQ_INIT(&c->outq);
	TAILQ_INIT(&c->calls);
	c->gen = gen + 1;
	c->src.fd = fd;
	c->src.cb = chan_event;
	c->src.arg = c;
	c->self = self;
	c->peer = peer;
	c->tables = tables;
	c->on_close = on_close;
	c->arg = arg;
	c->open = 1;
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		fatal("%s: fcntl", __func__);
	loop_add(&c->src, EPOLLIN);
	loop_before_wait(corks_flush);
	hello.role = (uint8_t)self;
	memcpy(hello.build_id, ipc_build_id, sizeof(hello.build_id));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &hello);
	(void)chan_send_wr(c, IPC_HELLO, 0, &w);
}

static const char *
chan_name(const struct chan *c)
{
	return c->name != NULL ? c->name : role_name(c->peer);
}

/* Ends one request: unlinks it, then hands cb the answer or a failure. */
static void
call_end(struct chan_call *k, struct ipc_msg *m)
{
	struct chan	*c = k->c;
	struct rd	 r;

	TAILQ_REMOVE(&c->calls, k, entry);
	c->ncalls--;
	timer_cancel(&k->deadline);
	rd_init(&r, m->data, m->hdr.len);
	k->cb(k->arg, m, &r);
	free(k);
}

/* A local ERROR for a request that will get no answer. */
static void
call_fail(struct chan_call *k, const char *why)
{
	struct ipc_error	 e;
	struct ipc_msg		*m;
	struct wr		 w;

	/* Not the shared rx: a failure may come while a handler uses it. */
	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatal("%s: calloc", __func__);
	memset(&e, 0, sizeof(e));
	e.code = IPC_ERR_GONE;
	(void)snprintf(e.text, sizeof(e.text), "%s %s", role_name(k->c->peer),
	    why);
	wr_init(&w, m->data, sizeof(m->data));
	ipc_pack_error(&w, &e);
	m->hdr.type = IPC_ERROR;
	m->hdr.id = k->id;
	m->hdr.len = (uint32_t)w.len;
	m->fd = -1;
	call_end(k, m);
	free(m);
}

static void
call_timeout(struct timer *t)
{
	call_fail(t->arg, "did not answer in time");
}

void
chan_close(struct chan *c, const char *why)
{
	struct chan_out		*o;
	struct chan_call	*k;

	if (!c->open)
		return;
	c->open = 0;
	loop_del(&c->src);
	(void)close(c->src.fd);
	c->src.fd = -1;
	if (c->cork_len > 0)
		TAILQ_REMOVE(&corked, c, cork_entry);
	if (c->cork != NULL) {
		explicit_bzero(c->cork, c->cork_len);
		free(c->cork);
		c->cork = NULL;
	}
	c->cork_len = 0;
	c->cork_secret = 0;
	while ((o = STAILQ_FIRST(&c->outq)) != NULL) {
		STAILQ_REMOVE_HEAD(&c->outq, entry);
		if (o->fd != -1)
			(void)close(o->fd);
		free(o);
	}
	c->queued = 0;
	while ((k = TAILQ_FIRST(&c->calls)) != NULL)
		call_fail(k, "closed the channel");
	if (c->on_close != NULL)
		c->on_close(c, why);
}

static int
chan_enqueue(struct chan *c, uint16_t type, uint32_t id, const void *p,
    size_t len, int fd)
{
	struct chan_out	*o;
	size_t		 cost = sizeof(struct ipc_hdr) + len;

	if (c->queued + cost > CHAN_MAX_QUEUED) {
		chan_close(c, "peer does not read: send queue full");
		return -1;
	}
	if ((o = malloc(sizeof(*o) + len)) == NULL)
		fatal("%s: malloc", __func__);
	o->frame = 0;
	o->type = type;
	o->id = id;
	o->len = len;
	o->fd = -1;
	if (len > 0)
		memcpy(o->data, p, len);
	if (fd != -1 && (o->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		fatal("%s: dup", __func__);
	STAILQ_INSERT_TAIL(&c->outq, o, entry);
	c->queued += cost;
	loop_mod(&c->src, EPOLLIN | EPOLLOUT);
	return 0;
}

/* What an entry counts toward CHAN_MAX_QUEUED: every byte it will send. */
static size_t
out_cost(const struct chan_out *o)
{
	return o->frame ? o->len : sizeof(struct ipc_hdr) + o->len;
}

static int
chan_drain(struct chan *c)
{
	struct chan_out	*o;

	while ((o = STAILQ_FIRST(&c->outq)) != NULL) {
		if ((o->frame ? ipc_send_frame(c->src.fd, o->data, o->len) :
		    ipc_send(c->src.fd, o->type, o->id, o->data, o->len,
		    o->fd)) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			chan_close(c, "send failed");
			return -1;
		}
		STAILQ_REMOVE_HEAD(&c->outq, entry);
		c->queued -= out_cost(o);
		if (o->fd != -1)
			(void)close(o->fd);
		free(o);
	}
	loop_mod(&c->src, EPOLLIN);
	if (c->on_drained != NULL)
		c->on_drained(c);
	return 0;
}

/*
 * Sends the cork as one frame, or queues it behind what waits (a frame
 * entry: its headers are in it).  0, or -1 if the channel had to close.
 */
static int
cork_flush(struct chan *c)
{
	struct chan_out	*o;
	size_t		 len = c->cork_len;
	int		 secret;

	if (len == 0)
		return 0;
	TAILQ_REMOVE(&corked, c, cork_entry);
	c->cork_len = 0;
	secret = c->cork_secret;
	c->cork_secret = 0;
	if (STAILQ_EMPTY(&c->outq)) {
		if (ipc_send_frame(c->src.fd, c->cork, len) == 0) {
			if (secret)
				explicit_bzero(c->cork, len);
			return 0;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			chan_close(c, "send failed");
			return -1;
		}
	}
	if (c->queued + len > CHAN_MAX_QUEUED) {
		chan_close(c, "peer does not read: send queue full");
		return -1;
	}
	if ((o = malloc(sizeof(*o) + len)) == NULL)
		fatal("%s: malloc", __func__);
	memset(o, 0, sizeof(*o));
	o->frame = 1;
	o->fd = -1;
	o->len = len;		/* the frame, its headers in it */
	memcpy(o->data, c->cork, len);
	if (secret)
		explicit_bzero(c->cork, len);
	STAILQ_INSERT_TAIL(&c->outq, o, entry);
	c->queued += len;
	loop_mod(&c->src, EPOLLIN | EPOLLOUT);
	return 0;
}

/* Before the loop sleeps: every cork leaves. */
static void
corks_flush(void)
{
	struct chan	*c;

	while ((c = TAILQ_FIRST(&corked)) != NULL)
		(void)cork_flush(c);
}

/* A data-path message into the cork: 0, 1 if it is not one, -1 closed. */
static int
cork_add(struct chan *c, uint16_t type, uint32_t id, const void *p,
    size_t len, int fd)
{
	const struct ipc_spec	*s = ipc_spec(type);

	if (fd != -1 || s == NULL || !(s->flags & IPC_S_BATCH) ||
	    sizeof(struct ipc_hdr) + len > CHAN_CORK_MAX)
		return 1;
	if (c->queued > CHAN_SHED_QUEUED) {
		c->shed++;
		return 0;
	}
	if (c->cork == NULL && (c->cork = malloc(CHAN_CORK_MAX)) == NULL)
		fatal("%s: malloc", __func__);
	if (c->cork_len + sizeof(struct ipc_hdr) + len > CHAN_CORK_MAX &&
	    cork_flush(c) == -1)
		return -1;
	if (c->cork_len == 0)
		TAILQ_INSERT_TAIL(&corked, c, cork_entry);
	if (ipc_cork_add(c->cork, CHAN_CORK_MAX, &c->cork_len, &c->cork_last,
	    type, id, p, len) == -1)
		fatalx("%s: %s does not fit an empty cork", chan_name(c),
		    ipc_type_name(type));
	if (s->flags & IPC_S_SECRET)
		c->cork_secret = 1;
	return 0;
}

int
chan_send(struct chan *c, uint16_t type, uint32_t id, const void *p,
    size_t len, int fd)
{
	int	rv;

	if (!c->open)
		return -1;
	if ((rv = cork_add(c, type, id, p, len, fd)) != 1)
		return rv;
	/* what the cork holds came first */
	if (cork_flush(c) == -1)
		return -1;
	if (STAILQ_EMPTY(&c->outq)) {
		if (ipc_send(c->src.fd, type, id, p, len, fd) == 0)
			return 0;
		if (errno == EMSGSIZE)
			fatalx("%s: %s message too large", chan_name(c),
			    ipc_type_name(type));
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
chan_call(struct chan *c, uint16_t type, const void *p, size_t len, int fd,
    uint32_t timeout_ms, void (*cb)(void *, struct ipc_msg *, struct rd *),
    void *arg)
{
	struct chan_call	*k;

	if (!c->open || c->ncalls >= CHAN_MAX_CALLS)
		return -1;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		fatal("%s: calloc", __func__);
	if (++next_call_id == 0)
		next_call_id = 1;
	k->c = c;
	k->id = next_call_id;
	k->type = type;
	k->cb = cb;
	k->arg = arg;
	timer_init(&k->deadline, call_timeout, k);
	if (chan_send(c, type, k->id, p, len, fd) == -1) {
		free(k);	/* never in flight: the caller answers */
		return -1;
	}
	TAILQ_INSERT_TAIL(&c->calls, k, entry);
	c->ncalls++;
	timer_after(&k->deadline, timeout_ms != 0 ? timeout_ms :
	    CHAN_CALL_TIMEOUT_MS);
	return 0;
}

int
chan_call_wr(struct chan *c, uint16_t type, const struct wr *w,
    uint32_t timeout_ms, void (*cb)(void *, struct ipc_msg *, struct rd *),
    void *arg)
{
	if (!wr_ok(w))
		fatalx("%s: %s payload overflow", __func__, ipc_type_name(type));
	return chan_call(c, type, w->p, w->len, -1, timeout_ms, cb, arg);
}

int
chan_reply_ok(struct chan *c, uint32_t id)
{
	if (id == 0)
		return 0;
	return chan_send(c, IPC_OK, id, NULL, 0, -1);
}

int
chan_reply_error(struct chan *c, uint32_t id, uint16_t code, const char *text)
{
	struct ipc_error	e;
	uint8_t			buf[IPC_ERROR_MAX_LEN];
	struct wr		w;

	if (id == 0)
		return 0;
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

	if (c->open && cork_flush(c) == -1)
		return;
	while (c->open && !STAILQ_EMPTY(&c->outq)) {
		pfd.fd = c->src.fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 1000) <= 0)
			break;
		if (chan_drain(c) == -1)
			break;
	}
}

/* The row for a type, and the table it is in. */
static const struct chan_handler *
find_handler(const struct chan_tables *ts, uint16_t type,
    const struct chan_table **in)
{
	const struct chan_table	*t;
	size_t			 i, j;

	for (i = 0; ts != NULL && i < 8 && (t = ts->t[i]) != NULL; i++)
		for (j = 0; j < t->nrows; j++)
			if (t->rows[j].type == type) {
				*in = t;
				return &t->rows[j];
			}
	return NULL;
}

/* The first message must be the peer's HELLO, from the same build. */
static const char *
check_hello(struct chan *c, struct ipc_msg *m)
{
	struct ipc_hello	hello;
	struct rd		r;

	if (m->hdr.type != IPC_HELLO)
		return "first message is not HELLO";
	rd_init(&r, m->data, m->hdr.len);
	if (ipc_unpack_hello(&r, &hello) == -1)
		return "malformed HELLO";
	if (hello.role != c->peer)
		return "HELLO from the wrong role";
	if (memcmp(hello.build_id, ipc_build_id, sizeof(ipc_build_id)) != 0)
		return "peer is a different build";
	c->hello_seen = 1;
	return NULL;
}

/* An answer: to the request it names, if that is still in flight. */
static const char *
take_answer(struct chan *c, struct ipc_msg *m)
{
	struct chan_call	*k;

	TAILQ_FOREACH(k, &c->calls, entry)
		if (k->id == m->hdr.id)
			break;
	if (k == NULL) {
		/* answered after its deadline, most likely */
		c->stray_answers++;
		log_debug("%s: %s answers no request in flight (id %u)",
		    chan_name(c), ipc_type_name(m->hdr.type), m->hdr.id);
		return NULL;
	}
	if (!ipc_answers(k->type, m->hdr.type))
		return "answer of a type that does not answer the request";
	call_end(k, m);
	return NULL;
}

/* A request or notice: through the channel's table. */
static const char *
dispatch(struct chan *c, struct ipc_msg *m)
{
	const struct chan_handler	*h;
	const struct chan_table		*t;
	const char			*refused;
	struct rd			 r;
	uint16_t			 type = m->hdr.type;

	if ((h = find_handler(c->tables, type, &t)) == NULL) {
		log_debug("%s: %s not handled here", chan_name(c),
		    ipc_type_name(type));
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    "not supported");
		return NULL;
	}
	if (h->flags & CH_ONCE) {
		if (c->seen_once[type / 8] & (1u << (type % 8)))
			return "message repeated that may come only once";
		c->seen_once[type / 8] |= (uint8_t)(1u << (type % 8));
	}
	if ((h->flags & CH_GATED) && t->gate != NULL &&
	    (refused = t->gate(c, m)) != NULL) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE, refused);
		return NULL;
	}
	rd_init(&r, m->data, m->hdr.len);
	if (h->fn(c, m, &r) == -1)
		return "malformed payload";
	return NULL;
}

/*
 * One message of a frame, as if it came alone: checked, then HELLO, an
 * answer or the table.  Returns the violation, or NULL.
 */
static const char *
take_msg(struct chan *c, struct ipc_msg *m)
{
	const struct ipc_spec	*s = ipc_spec(m->hdr.type);
	const char		*why;

	if (ipc_check(m, c->self, c->peer, &why) == -1)
		;
	else if (!c->hello_seen)
		why = check_hello(c, m);
	else if (m->hdr.type == IPC_HELLO)
		why = "HELLO repeated";
	else if (s->flags & IPC_S_ANSWER)
		why = take_answer(c, m);
	else
		why = dispatch(c, m);
	if (s != NULL && (s->flags & IPC_S_SECRET))
		explicit_bzero(m->data, m->hdr.len);
	if (m->fd != -1) {	/* nobody took it */
		(void)close(m->fd);
		m->fd = -1;
	}
	return why;
}

/*
 * Reads frames until the socket is empty or CHAN_BURST messages were
 * handled; a frame begun is finished (at most IPC_FRAME_MAX bytes of
 * headers: bounded), so the budget may be overrun by one frame.
 * Returns 1 if the budget ran out (more may wait), else 0.
 */
static int
chan_read(struct chan *c)
{
	const char	*why = NULL;
	unsigned	 gen = c->gen;
	int		 n, budget = CHAN_BURST;

	while (budget > 0 && c->open && c->gen == gen) {
		if ((n = ipc_frame_recv(c->src.fd, &rxf)) == 0) {
			chan_close(c, "peer closed the channel");
			return 0;
		}
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			/* A peer that exits with our messages unread resets
			 * the channel: it left all the same, as with EOF. */
			if (errno == ECONNRESET) {
				chan_close(c, "peer closed the channel");
				return 0;
			}
			chan_close(c, errno == EPROTO ?
			    "malformed message framing" : "receive failed");
			return 0;
		}
		while (c->open && c->gen == gen &&
		    (n = ipc_frame_next(&rxf, &rx)) == 1) {
			budget--;
			if ((why = take_msg(c, &rx)) != NULL)
				break;
		}
		ipc_frame_done(&rxf);
		if (why == NULL && n == -1) {
			why = "malformed message framing";
			rx.hdr.type = IPC_NONE;
			rx.hdr.len = 0;
		}
		if (why != NULL) {
			log_warnx("%s: %s (%s, %u bytes): closing channel",
			    chan_name(c), why, ipc_type_name(rx.hdr.type),
			    rx.hdr.len);
			/* the handler may have closed or reopened it */
			if (c->gen == gen)
				chan_close(c, why);
			return 0;
		}
	}
	return budget <= 0 && c->open && c->gen == gen;
}

void
chan_read_rest(struct chan *c)
{
	unsigned	gen = c->gen;

	while (c->open && c->gen == gen && chan_read(c) == 1)
		;
}


static void
chan_event(struct ev_src *src, uint32_t events)
{
	struct chan	*c = src->arg;

	/* An event fetched in the same round as the handler (of another
	 * channel) that closed this one: nothing to read, nothing to send. */
	if (!c->open)
		return;
	if ((events & EPOLLOUT) && chan_drain(c) == -1)
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		(void)chan_read(c);
}
