/*
 * The channel state machine (ipc/chan.c) against a hostile peer.  Three
 * channels run in one loop, each with a raw peer end the input drives:
 *   0  frontend <- supervisor	(notices, NEW_CHANNEL with its fd)
 *   1  frontend <- keyd	(answers to the calls the target makes)
 *   2  keyd <- frontend	(requests: handled, refused, unsupported)
 * The input is a program: the peer sends HELLOs (good or not), typed
 * messages (types from the catalogue for that edge, or raw numbers), raw
 * datagrams with 0 to 2 real descriptors, answers to the requests it saw
 * (right, wrong or stray types and ids), or closes its end; the target
 * makes chan_call()s with short or long deadlines, runs the loop, lets
 * time pass.  Handlers and answer callbacks act on what the input says
 * next: take the descriptor, refuse the payload, close their own channel
 * or another, reopen theirs, make another call, answer.
 *
 * Invariants: every chan_call that returned 0 gets its callback exactly
 * once, with an answer that answers it or a local ERROR GONE, and one that
 * returned -1 never does; on_close runs exactly once per open; no handler
 * runs on a closed channel; at most CHAN_BURST messages, and the rest of
 * the frame the last one came in, are handled per
 * channel per loop round; no descriptor leaks; nothing crashes.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/rd.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "tests/fuzz/fd_count.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
/* A failure chan.c makes up is a heap message; the wire's is its static
 * receive buffer. */
int __sanitizer_get_ownership(const volatile void *);

#define NCH		3
/* A burst may end by finishing a frame: a frame's worth of empty headers. */
#define BURST_MAX	(CHAN_BURST - 1 + IPC_FRAME_MAX / sizeof(struct ipc_hdr))
#define MAX_CALLS	1024
#define MAX_SEEN	512

struct fch {
	struct chan		 c;
	enum role		 self, peer;
	int			 pfd;		/* the peer's end */
	unsigned		 opens, closes;
	unsigned		 handled;	/* messages this loop round */
	uint16_t		 in[IPC_TYPE_MAX], req[IPC_TYPE_MAX];
	size_t			 nin, nreq;
	struct chan_handler	 rows[IPC_TYPE_MAX];
	struct chan_table	 table;
	struct chan_tables	 tables;
	uint32_t		 seen_id[MAX_SEEN];	/* requests the peer got */
	uint16_t		 seen_type[MAX_SEEN];
	size_t			 nseen;
};

struct fcall {
	int		 ch;
	uint16_t	 type;
	int		 state;		/* 0 unused, 1 in flight, 2 done */
	uint32_t	 id;
};

static struct fch	 ch[NCH];
static struct fcall	 calls[MAX_CALLS];
static size_t		 ncalls;
static struct rd	 prog;		/* the input, read by everyone */
static struct ipc_msg	 pm;
static int		 devnull = -1;

static int	handler(struct chan *, struct ipc_msg *, struct rd *);
static void	on_answer(void *, struct ipc_msg *, struct rd *);

static uint8_t
next(void)
{
	uint8_t	b = 0;

	(void)rd_u8(&prog, &b);
	return b;
}

/* Up to len bytes of the input, as a payload. */
static size_t
take(uint8_t *buf, size_t len)
{
	size_t	n = rd_left(&prog) < len ? rd_left(&prog) : len;

	if (n > 0)
		memcpy(buf, rd_take(&prog, n), n);
	return n;
}

static struct fch *
of(struct chan *c)
{
	return (struct fch *)((char *)c - offsetof(struct fch, c));
}

static void
on_close(struct chan *c, const char *why)
{
	struct fch	*f = of(c);

	if (++f->closes != f->opens)
		abort();		/* twice for one open */
}

static const char *
gate(struct chan *c, const struct ipc_msg *m)
{
	return next() & 1 ? "gated" : NULL;
}

static void
peer_hello(struct fch *f, unsigned variant)
{
	struct ipc_hello	h;
	uint8_t			buf[IPC_HELLO_LEN + 1];
	struct wr		w;
	size_t			len = IPC_HELLO_LEN;

	h.role = (uint8_t)(variant == 1 ? f->self : f->peer);
	memcpy(h.build_id, ipc_build_id, sizeof(h.build_id));
	if (variant == 2)
		h.build_id[5] ^= 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_hello(&w, &h);
	if (variant == 3)
		len--;
	(void)ipc_send(f->pfd, IPC_HELLO, 0, buf, len, -1);
}

static void
chan_up(struct fch *f)
{
	int	sv[2], sz = 4096;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	/* small: sends queue up and the queue's EPOLLOUT path runs */
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (fcntl(sv[1], F_SETFL, O_NONBLOCK) == -1)
		abort();
	f->opens++;
	chan_open(&f->c, sv[0], f->self, f->peer, &f->tables, on_close, NULL);
	f->pfd = sv[1];
	f->nseen = 0;
}

/* A request of the channel's own edge, answered by the peer later. */
static void
make_call(struct fch *f, uint8_t tsel, uint8_t how)
{
	static const uint32_t	timeouts[4] = { 0, 1, 2, 30000 };
	struct fcall		*k;
	uint8_t			 payload[64];
	size_t			 len = how >> 3 & 31;

	if (f->nreq == 0 || ncalls == MAX_CALLS)
		return;
	k = &calls[ncalls++];
	k->ch = (int)(f - ch);
	k->type = f->req[tsel % f->nreq];
	memset(payload, tsel, sizeof(payload));
	k->state = 1;
	if (chan_call(&f->c, k->type, payload, len, how & 4 ? devnull : -1,
	    timeouts[how & 3], on_answer, k) == -1)
		k->state = 0;		/* never in flight: no callback */
}

/* What a handler or a callback does next, as the input says. */
static void
act(struct fch *f, struct ipc_msg *m)
{
	uint8_t	a = next();

	switch (a & 7) {
	case 1:
		chan_close(&f->c, "fuzz: closed by its handler");
		break;
	case 2:
		chan_close(&ch[(a >> 3) % NCH].c, "fuzz: closed by another");
		break;
	case 3:
		if (m != NULL && m->fd != -1) {
			close(m->fd);
			m->fd = -1;
		}
		break;
	case 4:
		make_call(&ch[(a >> 3) % NCH], next(), next());
		break;
	case 5:
		if (m != NULL)
			(void)chan_reply_error(&f->c, m->hdr.id, IPC_ERR_STATE,
			    "fuzz");
		break;
	case 6:
		if (m != NULL)
			(void)chan_reply_ok(&f->c, m->hdr.id);
		break;
	case 7:
		/* as keyd does for a restarted peer: replace the channel
		 * (not from the callbacks of its own closing) */
		if ((a & 0x80) && f->c.open) {
			chan_close(&f->c, "fuzz: replaced");
			close(f->pfd);
			chan_up(f);
		}
		break;
	}
}

static int
handler(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct fch	*f = of(c);

	if (!c->open)
		abort();		/* a handler on a closed channel */
	if (++f->handled > BURST_MAX)
		abort();		/* the burst budget did not hold */
	if (next() & 0x40)
		return -1;		/* "malformed" */
	act(f, m);
	return 0;
}

static void
on_answer(void *arg, struct ipc_msg *m, struct rd *r)
{
	struct fcall		*k = arg;
	struct fch		*f = &ch[k->ch];
	struct ipc_error	 e;

	if (k->state != 1)
		abort();		/* twice, or for a call never made */
	k->state = 2;
	if (m->hdr.id == 0)
		abort();
	k->id = m->hdr.id;
	if (!__sanitizer_get_ownership(m)) {
		/* from the peer: the catalogue says it answers this call */
		if (++f->handled > BURST_MAX ||
		    !ipc_answers(k->type, m->hdr.type))
			abort();
	} else if (m->hdr.type != IPC_ERROR || ipc_unpack_error(r, &e) == -1 ||
	    e.code != IPC_ERR_GONE)
		abort();		/* a local failure is ERROR GONE */
	act(f, m);
}

/* Reads what the channel sent; remembers the requests to answer. */
static void
peer_read(struct fch *f)
{
	const struct ipc_spec	*s;

	while (ipc_recv(f->pfd, &pm) == 1) {
		if (pm.fd != -1)
			close(pm.fd);
		s = ipc_spec(pm.hdr.type);
		if (s != NULL && s->answers[0] != 0 && f->nseen < MAX_SEEN) {
			f->seen_id[f->nseen] = pm.hdr.id;
			f->seen_type[f->nseen++] = pm.hdr.type;
		}
	}
}

static void
round_(int timeout)
{
	int	i;

	for (i = 0; i < NCH; i++)
		ch[i].handled = 0;
	loop_once(timeout);
}

static void
raw(struct fch *f, const uint8_t *p, size_t len, int nfds)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(2 * sizeof(int))];
	} cm;
	struct msghdr	 msg;
	struct iovec	 iov;
	int		 fds[2] = { devnull, devnull };

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
		cm.hdr.cmsg_level = SOL_SOCKET;
		cm.hdr.cmsg_type = SCM_RIGHTS;
		cm.hdr.cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(&cm.hdr), fds, (size_t)nfds * sizeof(int));
	}
	(void)sendmsg(f->pfd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void
init(void)
{
	static const enum role	ends[NCH][2] = {
		{ ROLE_FRONTEND, ROLE_SUP },
		{ ROLE_FRONTEND, ROLE_KEYD },
		{ ROLE_KEYD, ROLE_FRONTEND },
	};
	const struct ipc_spec	*s;
	struct fch		*f;
	size_t			 t, n;
	int			 i;

	log_init("fuzz", LOG_LVL_ERROR);
	loop_init();
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		abort();
	for (i = 0; i < NCH; i++) {
		f = &ch[i];
		f->self = ends[i][0];
		f->peer = ends[i][1];
		for (t = 1, n = 0; t < IPC_TYPE_MAX; t++) {
			if ((s = ipc_spec((uint32_t)t)) == NULL)
				continue;
			if (s->edges & IPC_EDGE(f->peer, f->self)) {
				f->in[f->nin++] = (uint16_t)t;
				/* every third type has no handler here */
				if (t != IPC_HELLO && !(s->flags & IPC_S_ANSWER) &&
				    n++ % 3 != 2)
					f->rows[f->table.nrows++] =
					    (struct chan_handler){ (uint16_t)t,
					    (n % 2 ? CH_GATED : 0) |
					    (n % 4 == 0 ? CH_ONCE : 0),
					    handler };
			}
			if ((s->edges & IPC_EDGE(f->self, f->peer)) &&
			    s->answers[0] != 0)
				f->req[f->nreq++] = (uint16_t)t;
		}
		f->table.rows = f->rows;
		f->table.gate = gate;
		f->tables.t[0] = &f->table;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 inited;
	struct fch	*f;
	uint8_t		 op, a, b, len, buf[256];
	uint16_t	 type;
	uint32_t	 id;
	size_t		 i, n;
	int		 fds, steps, slept = 0;

	if (!inited) {
		init();
		inited = 1;
	}
	fds = fd_count();
	ncalls = 0;
	for (i = 0; i < NCH; i++) {
		ch[i].opens = ch[i].closes = 0;
		chan_up(&ch[i]);
	}
	rd_init(&prog, data, size);
	for (steps = 0; rd_left(&prog) > 0 && steps < 4096; steps++) {
		op = next();
		f = &ch[(op >> 4) % NCH];
		switch (op & 15) {
		case 0:		/* HELLO: good, wrong role, other build, short */
			peer_hello(f, (op >> 6) & 3);
			break;
		case 1:		/* a typed message of the edge */
		case 2:		/* ... with a descriptor */
		case 3:		/* ... of a raw type */
			a = next();
			b = next();
			len = next();
			type = (op & 15) == 3 ? a : f->in[a % f->nin];
			id = b & 0x80 ? 0 : b & 0x40 ? 0xffffffffu : b + 1u;
			if (f->nseen > 0 && (b & 0xc0) == 0xc0)
				id = f->seen_id[b % f->nseen];
			n = take(buf, len);
			(void)ipc_send(f->pfd, type, id, buf, n,
			    (op & 15) == 2 ? devnull : -1);
			break;
		case 4:		/* an answer to a request the peer saw */
			peer_read(f);
			a = next();
			b = next();
			len = next();
			if (f->nseen == 0)
				break;
			i = a % f->nseen;
			type = b & 0x80 ? b & 0x7f :
			    ipc_spec(f->seen_type[i])->answers[b %
			    (b & 1 ? 1 : 2)];
			if (type == 0)
				type = IPC_ERROR;
			n = take(buf, len);
			(void)ipc_send(f->pfd, type, f->seen_id[i], buf, n, -1);
			break;
		case 5:		/* a raw datagram with 0..2 descriptors */
			a = next();
			len = next();
			n = take(buf, len);
			raw(f, buf, n, a % 3);
			break;
		case 6:		/* the target calls */
			a = next();
			make_call(f, a, next());
			break;
		case 7:		/* the peer reads what was sent */
			peer_read(f);
			break;
		case 8:		/* the peer goes away */
			shutdown(f->pfd, SHUT_RDWR);
			break;
		case 9:		/* a new channel where one closed */
			if (!f->c.open) {
				close(f->pfd);
				chan_up(f);
			}
			break;
		case 10:	/* time passes: short deadlines fire (once per
				 * input: sleeping is what makes fuzzing slow) */
			round_(slept++ ? 0 : 3);
			break;
		default:
			round_(0);
			break;
		}
	}
	for (i = 0; i < 4; i++)
		round_(0);
	for (i = 0; i < NCH; i++) {
		chan_close(&ch[i].c, "fuzz: over");
		close(ch[i].pfd);
		if (ch[i].closes != ch[i].opens)
			abort();	/* on_close missed for an open */
	}
	for (i = 0; i < ncalls; i++)
		if (calls[i].state == 1)
			abort();	/* a request that never ended */
	if (fd_count() != fds)
		abort();
	return 0;
}
