/* chatd's file transfers seen from the user: see file_ops.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "chatd/avatar.h"
#include "chatd/file_ops.h"
#include "chatd/files.h"
#include "chatd/friend_ops.h"
#include "chatd/friends.h"
#include "chatd/messenger.h"
#include "chatd/page_drop.h"
#include "common/log.h"
#include "common/mono.h"
#include "common/sha256.h"
#include "ipc/msg_core.h"
#include "ipc/msg_xfer.h"

/*
 * A file moves through a buffer of XF_BUF bytes: read ahead when we send,
 * written behind when we receive.  A 1371-byte pread or pwrite per chunk
 * was a system call each, and a write into a fresh page made ext4 zero
 * the rest of it first (a tenth of chatd's time on a fast link).  Writes
 * are in order, so the file on disk is always a prefix of what came: a
 * resume after a crash starts from what is there.
 */
#define XF_BUF		(64 * 1024)

/* A transfer that has a descriptor: ours offered, or theirs accepted. */
struct xf {
	int				fd;
	uint64_t			hashed;	/* bytes hashed, from 0 */
	int				gap;	/* not hashed in order */
	struct sha256			sha;
	uint64_t			ev_ms, ev_pos;	/* last PROGRESS */
	uint8_t				*buf;	/* XF_BUF, at the first use */
	struct page_drop		pd;	/* received: the cache behind */
	uint64_t			buf_off; /* the file offset of buf[0] */
	size_t				buf_len;
};

/*
 * A friend's transfers, allocated with its first.  The key is the
 * friend's they were made for: the number may be freed (the friend
 * removed, the list loaded anew) or given to another friend before the
 * transfers end (file_ops_prune).
 */
struct xf_friend {
	struct xf	*t[2][FTX_SLOTS];	/* [out][slot] */
	unsigned	 n;
	uint8_t		 pk[TOX_PK_LEN];
};

static struct xf_friend	*xff[FRIEND_NUM_MAX];
static int		 xf_flush(struct xf *);
static struct chan	*to_frontend;

static struct xf *
xf_get(unsigned friend, int out, unsigned slot)
{
	if (friend >= FRIEND_NUM_MAX || xff[friend] == NULL ||
	    slot >= FTX_SLOTS)
		return NULL;
	return xff[friend]->t[out != 0][slot];
}

/* A transfer of friend (a friend now) on the descriptor fd. */
static struct xf *
xf_new(unsigned friend, int out, unsigned slot, int fd, uint64_t at)
{
	struct friend	*f = friends_get(friend_ops_friends(), friend);
	struct xf	*x;

	if (f == NULL)
		return NULL;
	if (xff[friend] == NULL) {
		if ((xff[friend] = calloc(1, sizeof(*xff[friend]))) == NULL)
			return NULL;
		memcpy(xff[friend]->pk, f->pk, TOX_PK_LEN);
	}
	if (xff[friend]->t[out != 0][slot] != NULL ||
	    (x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->fd = fd;
	x->gap = at != 0;
	sha256_init(&x->sha);
	x->ev_ms = mono_ms();
	x->ev_pos = at;
	page_drop_init(&x->pd, at);
	xff[friend]->t[out != 0][slot] = x;
	xff[friend]->n++;
	return x;
}

static void
xf_free(unsigned friend, int out, unsigned slot)
{
	struct xf	*x = xf_get(friend, out, slot);

	if (x == NULL)
		return;
	/* a cancelled file keeps what came: a resume starts there */
	if (!out && xf_flush(x) == -1)
		log_warnx("friend %u: file %u: cannot write its last bytes",
		    friend, XFER_NUM_IN(slot));
	close(x->fd);
	if (x->buf != NULL) {
		explicit_bzero(x->buf, XF_BUF);
		free(x->buf);
	}
	free(x);
	xff[friend]->t[out != 0][slot] = NULL;
	if (--xff[friend]->n == 0) {
		free(xff[friend]);
		xff[friend] = NULL;
	}
}

/* Bytes at off pass: hashed if they continue what was hashed. */
static void
xf_hash(struct xf *x, uint64_t off, const uint8_t *p, size_t n)
{
	if (off == x->hashed) {
		sha256_update(&x->sha, p, n);
		x->hashed += n;
	} else if (off > x->hashed)
		x->gap = 1;
	/* below: read again after a refused send, hashed already */
}

/* Reads up to len bytes at off, short only at the end: -1 on error. */
static ssize_t
read_full(int fd, uint8_t *p, size_t len, uint64_t off)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < len) {
		n = pread(fd, p + got, len - got, (off_t)(off + got));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;		/* the end (a stream's, or a lie) */
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int
write_now(struct xf *x, uint64_t off, const uint8_t *p, size_t len)
{
	size_t	put = 0;
	ssize_t	n;

	while (put < len) {
		n = pwrite(x->fd, p + put, len - put, (off_t)(off + put));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		put += (size_t)n;
	}
	return 0;
}

/* Writes what the buffer holds: 0, or -1 (the transfer fails: IO). */
static int
xf_flush(struct xf *x)
{
	if (x->buf_len > 0 && write_now(x, x->buf_off, x->buf,
	    x->buf_len) == -1)
		return -1;
	x->buf_off += x->buf_len;
	x->buf_len = 0;
	return page_drop_written(&x->pd, x->fd, x->buf_off);
}

static int
xf_buf(struct xf *x)
{
	if (x->buf == NULL && (x->buf = malloc(XF_BUF)) == NULL)
		return -1;
	return 0;
}

/* The digest of the whole file: read back if it was not seen in order. */
static int
xf_digest(struct xf *x, uint8_t out[XFER_SHA256_LEN])
{
	uint8_t		buf[65536];
	uint64_t	off = 0;
	ssize_t		n;

	if (x->gap) {
		sha256_init(&x->sha);
		while ((n = pread(x->fd, buf, sizeof(buf), (off_t)off)) != 0) {
			if (n == -1) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			sha256_update(&x->sha, buf, (size_t)n);
			off += (uint64_t)n;
		}
	}
	sha256_final(&x->sha, out);
	return 0;
}

/* The hooks of chatd/files.h. */

static ssize_t
io_read(unsigned friend, unsigned slot, uint64_t off, uint8_t *buf,
    size_t max)
{
	struct xf	*x = xf_get(friend, 1, slot);
	size_t		 got;
	ssize_t		 n;

	if (avatar_owns(friend, 1, slot))
		return avatar_read(friend, slot, off, buf, max);
	if (x == NULL)
		return -1;
	if (max > XF_BUF - 4096 || xf_buf(x) == -1) {
		if ((n = read_full(x->fd, buf, max, off)) >= 0)
			xf_hash(x, off, buf, (size_t)n);
		return n;
	}
	/* not all of it ahead already: read the next XF_BUF from the page
	 * off is in (reads of whole pages are the page cache's fast path) */
	if (off < x->buf_off || off + max > x->buf_off + x->buf_len) {
		x->buf_len = 0;
		x->buf_off = off - off % 4096;
		if ((n = read_full(x->fd, x->buf, XF_BUF, x->buf_off)) == -1)
			return -1;
		x->buf_len = (size_t)n;
	}
	if (off >= x->buf_off + x->buf_len)
		return 0;	/* the file ends before off (it shrank) */
	got = x->buf_off + x->buf_len - off;
	if (got > max)
		got = max;
	memcpy(buf, x->buf + (off - x->buf_off), got);
	xf_hash(x, off, buf, got);
	return (ssize_t)got;
}

/*
 * Holds len bytes at off, which follow what is held.  The buffer is
 * written when it reaches a multiple of XF_BUF in the file: whole pages,
 * which the page cache takes at twice the speed of writes that end in
 * the middle of one (and are then written into again).
 */
static int
hold(struct xf *x, uint64_t off, const uint8_t *p, size_t len)
{
	size_t	room, n;

	while (len > 0) {
		if (x->buf_len == 0)
			x->buf_off = off;
		/* the buffer never crosses a multiple of XF_BUF */
		room = XF_BUF - (size_t)((x->buf_off + x->buf_len) % XF_BUF);
		n = len < room ? len : room;
		memcpy(x->buf + x->buf_len, p, n);
		x->buf_len += n;
		p += n;
		off += n;
		len -= n;
		if (n == room && xf_flush(x) == -1)
			return -1;
	}
	return 0;
}

static int
io_write(unsigned friend, unsigned slot, uint64_t off, const uint8_t *p,
    size_t len)
{
	struct xf	*x = xf_get(friend, 0, slot);

	if (avatar_owns(friend, 0, slot))
		return avatar_write(friend, slot, off, p, len);
	if (x == NULL)
		return -1;
	/* not what follows what is held: what is held goes first */
	if (x->buf_len > 0 && off != x->buf_off + x->buf_len &&
	    xf_flush(x) == -1)
		return -1;
	if (len > XF_BUF || xf_buf(x) == -1) {
		if (write_now(x, off, p, len) == -1)
			return -1;
	} else if (hold(x, off, p, len) == -1)
		return -1;
	xf_hash(x, off, p, len);
	return 0;
}

static const uint8_t why_map[] = {
	[FTX_WHY_NONE] = XFER_WHY_NONE,
	[FTX_WHY_PEER] = XFER_WHY_FRIEND,
	[FTX_WHY_LIE] = XFER_WHY_TOO_LONG,
	[FTX_WHY_SHORT] = XFER_WHY_TRUNCATED,
	[FTX_WHY_IO] = XFER_WHY_IO,
	[FTX_WHY_OFFLINE] = XFER_WHY_OFFLINE,
};

static void
send_event(const struct ipc_file_event *e)
{
	static uint8_t	buf[IPC_FILE_EVENT_MAX];
	struct wr	w;

	if (to_frontend == NULL)
		return;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_event(&w, e);
	(void)chan_send_wr(to_frontend, IPC_FILE_EVENT, 0, &w);
	explicit_bzero(buf, w.len);
}

/* PROGRESS, unless one went less than FILE_PROGRESS_MS ago. */
static int
progress_due(struct xf *x, uint64_t pos, struct ipc_file_event *e)
{
	uint64_t	now = mono_ms(), dt;

	if (x == NULL || now < x->ev_ms + FILE_PROGRESS_MS)
		return 0;
	dt = now - x->ev_ms;
	e->rate = pos > x->ev_pos ? (pos - x->ev_pos) * 1000 / dt : 0;
	x->ev_ms = now;
	x->ev_pos = pos;
	return 1;
}

static void
io_event(unsigned friend, const struct ftx_event *ev)
{
	static struct ipc_file_event	 e;
	struct friend			*f;
	struct xf			*x;
	unsigned			 slot = ev->slot;

	f = friends_get(friend_ops_friends(), friend);
	x = xf_get(friend, ev->out, slot);
	/*
	 * A friend removed ends its session after it left the list: its
	 * transfers' ends still come here, and still close and free what
	 * they held (with the key they were made for).
	 */
	if (f == NULL && x == NULL)
		return;
	/* avatars are chatd's own: the user sees none of their events */
	if (f != NULL && ev->type == FTX_EV_OFFER &&
	    ev->req->kind == FILE_KIND_AVATAR) {
		avatar_offer(friend, slot, ev->req);
		return;
	}
	if (f != NULL && avatar_owns(friend, ev->out, slot)) {
		avatar_event(friend, ev);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.number = (uint16_t)friend;
	memcpy(e.pk, x != NULL ? xff[friend]->pk : f->pk, sizeof(e.pk));
	e.file = ev->out ? XFER_NUM_OUT(slot) : XFER_NUM_IN(slot);
	e.pos = ev->pos;
	e.size = ev->size;
	switch (ev->type) {
	case FTX_EV_OFFER:
		if (f == NULL || to_frontend == NULL || !to_frontend->open) {
			/* nobody to ask: declined, as c-toxcore's
			 * clients do without a handler */
			(void)ftx_kill(files_ftx(friend), 0, slot);
			return;
		}
		e.what = XFER_EV_OFFER;
		e.kind = ev->req->kind;
		e.size = ev->req->size;
		memcpy(e.id, ev->req->id, sizeof(e.id));
		e.name_len = ev->req->name_len;
		memcpy(e.name, ev->req->name, ev->req->name_len);
		break;
	case FTX_EV_ACCEPTED:
		e.what = XFER_EV_ACCEPTED;
		break;
	case FTX_EV_PAUSED:
		e.what = XFER_EV_PAUSED;
		break;
	case FTX_EV_RESUMED:
		e.what = XFER_EV_RESUMED;
		break;
	case FTX_EV_KILLED:
		e.what = XFER_EV_CANCELLED;
		e.why = ev->why < sizeof(why_map) ? why_map[ev->why] :
		    XFER_WHY_NONE;
		xf_free(friend, ev->out, slot);
		break;
	case FTX_EV_PROGRESS:
		if (!progress_due(x, ev->pos, &e))
			return;
		e.what = XFER_EV_PROGRESS;
		break;
	case FTX_EV_DONE:
		e.what = XFER_EV_DONE;
		e.size = ev->pos;
		if (x != NULL && !ev->out && xf_flush(x) == -1) {
			e.what = XFER_EV_CANCELLED;
			e.why = XFER_WHY_IO;
			xf_free(friend, ev->out, slot);
			break;
		}
		if (x != NULL && xf_digest(x, e.sha256) == -1)
			log_warnx("friend %u: file %u: cannot read it back to "
			    "hash it", friend, (unsigned)e.file);
		xf_free(friend, ev->out, slot);
		break;
	default:
		return;
	}
	send_event(&e);
	explicit_bzero(&e, sizeof(e));
}

static const struct files_io hooks = {
	io_read, io_write, io_event, avatar_up
};

/*
 * Ends every transfer of friend number n: the engine's slot is killed
 * (the friend hears it if its session is still up), the descriptor
 * closed, the buffer freed, and the frontend told (cancelled, offline:
 * the friend is gone for us).
 */
static void
forget(unsigned n)
{
	static struct ipc_file_event	 e;
	const struct ftx_slot		*st;
	struct ftx			*eng;
	unsigned			 slot;
	int				 out;

	for (out = 0; out <= 1; out++)
		for (slot = 0; slot < FTX_SLOTS && xff[n] != NULL; slot++) {
			if (xff[n]->t[out][slot] == NULL)
				continue;
			memset(&e, 0, sizeof(e));
			e.number = (uint16_t)n;
			memcpy(e.pk, xff[n]->pk, sizeof(e.pk));
			e.file = out ? XFER_NUM_OUT(slot) : XFER_NUM_IN(slot);
			e.what = XFER_EV_CANCELLED;
			e.why = XFER_WHY_OFFLINE;
			if ((eng = files_ftx(n)) != NULL &&
			    (st = ftx_slot(eng, out, slot))->state !=
			    FTX_FREE) {
				e.pos = st->pos;
				e.size = st->size;
				(void)ftx_kill(eng, out, slot);
			}
			xf_free(n, out, slot);
			send_event(&e);
			explicit_bzero(&e, sizeof(e));
		}
}

void
file_ops_prune(void)
{
	struct friend	*f;
	unsigned	 n;

	for (n = 0; n < FRIEND_NUM_MAX; n++) {
		if (xff[n] == NULL)
			continue;
		f = friends_get(friend_ops_friends(), n);
		if (f == NULL || memcmp(f->pk, xff[n]->pk, TOX_PK_LEN) != 0)
			forget(n);
	}
}

unsigned
file_ops_held(unsigned friend)
{
	return friend < FRIEND_NUM_MAX && xff[friend] != NULL ?
	    xff[friend]->n : 0;
}

/* The frontend's rows. */

static void
answer(struct chan *c, uint32_t id, unsigned friend, uint32_t file)
{
	struct ipc_file_ans	 a;
	struct friend		*f = friends_get(friend_ops_friends(), friend);
	uint8_t			 buf[IPC_FILE_ANS_LEN];
	struct wr		 w;

	memset(&a, 0, sizeof(a));
	a.number = (uint16_t)friend;
	if (f != NULL)
		memcpy(a.pk, f->pk, sizeof(a.pk));
	a.file = file;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_file_ans(&w, &a);
	(void)chan_send_wr(c, IPC_FILE_ANS, id, &w);
}

/* The friend's engine, or an answer saying why there is none. */
static struct ftx *
engine(struct chan *c, uint32_t id, const struct ipc_friend_remove *ref,
    int *friend)
{
	struct ftx	*e;

	if ((*friend = messenger_resolve(ref)) == -1) {
		(void)chan_reply_error(c, id, IPC_ERR_NOTFOUND,
		    "no such friend");
		return NULL;
	}
	if ((e = files_ftx((unsigned)*friend)) == NULL)
		(void)chan_reply_error(c, id, IPC_ERR_STATE,
		    "the friend is not online");
	return e;
}

static int
on_file_send(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_file_send	 s;
	uint8_t				 id[FILE_ID_LEN];
	struct ftx			*e;
	int				 n, slot;

	if (ipc_unpack_file_send(r, &s) == -1)
		return -1;
	if ((e = engine(c, m->hdr.id, &s.ref, &n)) == NULL)
		goto out;
	if (s.kind != FILE_KIND_DATA) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_INVALID,
		    "only data files are sent this way");
		goto out;
	}
	/* The frontend's id is that of an unfinished offer of this file to
	 * this friend (keyd remembers it), so the friend resumes; without
	 * one, a random id: nobody can link two offers of one file. */
	if (s.has_id)
		memcpy(id, s.id, sizeof(id));
	else
		randombytes_buf(id, sizeof(id));
	if ((slot = ftx_offer(e, s.kind, s.size, id, s.name,
	    s.name_len)) == -1) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_STATE,
		    "256 files are on their way to this friend already");
		goto out;
	}
	if (xf_new((unsigned)n, 1, (unsigned)slot, m->fd, 0) == NULL) {
		(void)ftx_kill(e, 1, (unsigned)slot);
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_INTERNAL,
		    "out of memory");
		goto out;
	}
	m->fd = -1;		/* the transfer has it */
	files_pump((unsigned)n);
	answer(c, m->hdr.id, (unsigned)n, XFER_NUM_OUT(slot));
 out:
	explicit_bzero(&s, sizeof(s));
	return 0;
}

static int
on_file_ctl(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_file_ctl	 q;
	const struct ftx_slot	*st;
	const char		*why = NULL;
	struct ftx		*e;
	unsigned		 slot;
	int			 n, out, rv = -1;

	if (ipc_unpack_file_ctl(r, &q) == -1)
		return -1;
	if ((e = engine(c, m->hdr.id, &q.ref, &n)) == NULL)
		return 0;
	if (xfer_num_parse(q.file, &slot, &out) == -1 ||
	    avatar_owns((unsigned)n, out, slot) ||
	    (st = ftx_slot(e, out, slot))->state == FTX_FREE)
		return chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND,
		    "no such file transfer"), 0;
	switch (q.op) {
	case XFER_ACCEPT:
		if (out || st->state != FTX_OFFERED)
			why = "only a friend's offer can be accepted";
		else if (m->fd == -1)
			why = "no file to write to";
		else if (st->size != FILE_SIZE_UNKNOWN && q.seek != 0 &&
		    q.seek >= st->size)
			why = "the file has all of it already";
		else if (xf_new((unsigned)n, 0, slot, m->fd, q.seek) == NULL)
			why = "out of memory";
		else {
			m->fd = -1;
			if ((rv = ftx_accept(e, slot, q.seek)) == -1)
				xf_free((unsigned)n, 0, slot);
		}
		break;
	case XFER_DECLINE:
		if (out || st->state != FTX_OFFERED)
			why = "only a friend's offer can be declined";
		else
			rv = ftx_kill(e, 0, slot);
		break;
	case XFER_PAUSE:
		rv = ftx_pause(e, out, slot);
		break;
	case XFER_RESUME:
		rv = ftx_resume(e, out, slot);
		break;
	case XFER_CANCEL:
		if ((rv = ftx_kill(e, out, slot)) == 0)
			xf_free((unsigned)n, out, slot);
		break;
	}
	if (why == NULL && rv == -1)
		why = q.op == XFER_PAUSE ? "not running, or paused already" :
		    q.op == XFER_RESUME ? "not paused by you" :
		    "not possible now";
	if (why != NULL)
		return chan_reply_error(c, m->hdr.id, IPC_ERR_STATE, why), 0;
	files_pump((unsigned)n);
	answer(c, m->hdr.id, (unsigned)n, q.file);
	return 0;
}

static const struct chan_handler from_frontend_rows[] = {
	{ IPC_FILE_SEND,	0,	on_file_send },
	{ IPC_FILE_CTL,		0,	on_file_ctl },
};
const struct chan_table file_ops_from_frontend = {
	CHAN_ROWS(from_frontend_rows), NULL
};

void
file_ops_init(struct chan *frontend)
{
	to_frontend = frontend;
	files_set_io(&hooks);
}
