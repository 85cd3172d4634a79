/* chatd's avatars: see avatar.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "chatd/avatar.h"
#include "chatd/files.h"
#include "chatd/friend_ops.h"
#include "chatd/friends.h"
#include "common/log.h"
#include "ipc/msg_avatar.h"
#include "ipc/msg_core.h"
#include "ipc/msg_friend.h"

#define AVATAR_NAME	"avatar.png"

struct av_friend {
	/* slots + 1, 0 for none: a table never initialised owns nothing */
	unsigned	out;		/* our offer's */
	unsigned	in;		/* theirs */
	uint8_t		in_open;	/* keyd has room for it */
	uint16_t	in_gen;		/* which AVATAR_FRIEND_OPEN is current */
	uint64_t	in_size;
	uint8_t		in_id[AVATAR_HASH_LEN];
	uint8_t		has;		/* keyd holds one: sha */
	uint8_t		sha[AVATAR_HASH_LEN];
	/* our offers all sent, waiting for the ack: still ours, not killed */
	uint8_t		ending[FTX_SLOTS / 8];
};

static struct av_friend	av[FRIEND_NUM_MAX];
static struct chan	*to_keyd;
static struct {
	int		known;		/* keyd's first AVATAR_SELF came */
	int		fd;		/* -1: none */
	uint64_t	size;
	uint8_t		sha[AVATAR_HASH_LEN];
} self = { 0, -1, 0, { 0 } };

void
avatar_init(struct chan *keyd)
{
	to_keyd = keyd;
}

static const uint8_t *
pk_of(unsigned n)
{
	struct friend	*f = friends_get(friend_ops_friends(), n);

	return f != NULL ? f->pk : NULL;
}

/* Forgets the friend's incoming avatar; kill: tell the friend too. */
static void
drop_in(unsigned n, int kill)
{
	struct av_friend	*a = &av[n];

	if (a->in == 0)
		return;
	if (kill && files_ftx(n) != NULL)
		(void)ftx_kill(files_ftx(n), 0, a->in - 1);
	a->in = 0;
	a->in_open = 0;
	a->in_gen++;
}

static int
is_ending(const struct av_friend *a, unsigned slot)
{
	return (a->ending[slot / 8] >> (slot % 8)) & 1;
}

/*
 * Our offer to friend n gives way to a newer one.  One still running is
 * killed; one all sent (FINISHED, waiting for its ack) is left to end:
 * the friend has ended it already, and c-toxcore answers a kill for a
 * transfer it does not know with a kill of its own, which would hit a
 * new offer that took the freed slot number.
 */
static void
retire_out(unsigned n)
{
	struct av_friend	*a = &av[n];
	struct ftx		*e = files_ftx(n);
	unsigned		 slot;

	if (a->out == 0)
		return;
	slot = a->out - 1;
	a->out = 0;
	if (e == NULL)
		return;
	if (ftx_slot(e, 1, slot)->state == FTX_FINISHED)
		a->ending[slot / 8] |= (uint8_t)(1u << (slot % 8));
	else
		(void)ftx_kill(e, 1, slot);
}

/* Offers ours to friend n (online), replacing an offer under way. */
static void
offer(unsigned n)
{
	struct av_friend	*a = &av[n];
	struct ftx		*e = files_ftx(n);
	int			 slot;

	if (e == NULL)
		return;
	retire_out(n);
	/* size 0 (and no name) says "none", as c-toxcore clients do */
	slot = ftx_offer(e, FILE_KIND_AVATAR, self.size, self.sha,
	    (const uint8_t *)AVATAR_NAME, self.size ? strlen(AVATAR_NAME) : 0);
	if (slot == -1) {
		log_debug("friend %u: no slot for our avatar", n);
		return;
	}
	a->out = (unsigned)slot + 1;
	files_pump(n);
}

void
avatar_up(unsigned n)
{
	/* ours, or size 0 when we have none (see avatar.h); before keyd
	 * said which, on_self offers it when it does */
	if (n < FRIEND_NUM_MAX && self.known)
		offer(n);
}

void
avatar_forget(unsigned n)
{
	struct av_friend	*a;
	uint16_t		 gen;

	if (n >= FRIEND_NUM_MAX)
		return;
	a = &av[n];
	drop_in(n, 1);
	retire_out(n);
	/* the generation moves on: an AVATAR_FRIEND_READY on its way
	 * must not match the next friend's first offer */
	gen = a->in_gen;
	memset(a, 0, sizeof(*a));
	a->in_gen = (uint16_t)(gen + 1);
}

int
avatar_owns(unsigned n, int out, unsigned slot)
{
	if (n >= FRIEND_NUM_MAX || slot >= FTX_SLOTS)
		return 0;
	if (out && is_ending(&av[n], slot))
		return 1;
	return (out ? av[n].out : av[n].in) == slot + 1;
}

int
avatar_friend_hash(unsigned n, uint8_t sha[AVATAR_HASH_LEN])
{
	if (n >= FRIEND_NUM_MAX || !av[n].has)
		return 0;
	memcpy(sha, av[n].sha, AVATAR_HASH_LEN);
	return 1;
}

/* keyd's AVATAR_FRIEND_READY, or why not: accept, its bytes to keyd. */
static void
on_part(void *arg, struct ipc_msg *m, struct rd *r)
{
	uintptr_t		 v = (uintptr_t)arg;
	unsigned		 n = (unsigned)(v & 0xffff);
	uint16_t		 gen = (uint16_t)(v >> 16);
	struct av_friend	*a = &av[n];
	const struct ftx_slot	*st;
	struct ftx		*e = files_ftx(n);

	if (a->in == 0 || a->in_gen != gen)
		return;		/* gone meanwhile */
	if (m->hdr.type != IPC_AVATAR_FRIEND_READY || e == NULL) {
		log_warnx("friend %u: keyd has no room for its avatar", n);
		drop_in(n, 1);
		files_pump(n);
		return;
	}
	st = ftx_slot(e, 0, a->in - 1);
	if (st->state != FTX_OFFERED || st->kind != FILE_KIND_AVATAR) {
		drop_in(n, 0);
		return;
	}
	a->in_open = 1;
	if (ftx_accept(e, a->in - 1, 0) == -1)
		drop_in(n, 1);
	files_pump(n);
}

void
avatar_offer(unsigned n, unsigned slot, const struct file_req *q)
{
	struct av_friend	*a = &av[n];
	struct ftx		*e = files_ftx(n);
	const uint8_t		*pk = pk_of(n);
	uintptr_t		 arg;

	if (n >= FRIEND_NUM_MAX || e == NULL)
		return;
	if (q->size == 0 || q->size > AVATAR_MAX || pk == NULL ||
	    (a->has && memcmp(q->id, a->sha, AVATAR_HASH_LEN) == 0)) {
		/* none, too large, or the one we hold: declined */
		(void)ftx_kill(e, 0, slot);
		if (q->size == 0 && a->has && pk != NULL)
			(void)chan_send(to_keyd, IPC_AVATAR_FRIEND_DEL, 0, pk,
			    TOX_PK_LEN, -1);
		return;
	}
	drop_in(n, 1);		/* a newer one replaces it */
	a->in = slot + 1;
	a->in_size = q->size;
	memcpy(a->in_id, q->id, sizeof(a->in_id));
	arg = (uintptr_t)n | (uintptr_t)a->in_gen << 16;
	if (chan_call(to_keyd, IPC_AVATAR_FRIEND_OPEN, pk, TOX_PK_LEN, -1, 0,
	    on_part, (void *)arg) == -1)
		drop_in(n, 1);
}

ssize_t
avatar_read(unsigned n, unsigned slot, uint64_t off, uint8_t *buf,
    size_t max)
{
	size_t	got = 0;
	ssize_t	r;

	if (self.fd == -1)
		return 0;
	while (got < max) {
		r = pread(self.fd, buf + got, max - got, (off_t)(off + got));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Bytes of the friend's avatar go to keyd, which holds them. */
int
avatar_write(unsigned n, unsigned slot, uint64_t off, const uint8_t *p,
    size_t len)
{
	static struct ipc_avatar_data	 d;
	static uint8_t			 buf[IPC_AVATAR_DATA_MAX];
	struct av_friend		*a = &av[n];
	const uint8_t			*pk = pk_of(n);
	struct wr			 w;
	size_t				 put = 0;

	if (!a->in_open || pk == NULL || off + len > AVATAR_MAX)
		return -1;
	memcpy(d.pk, pk, sizeof(d.pk));
	while (put < len) {
		d.off = (uint32_t)(off + put);
		d.len = (uint16_t)(len - put > AVATAR_DATA_MAX ?
		    AVATAR_DATA_MAX : len - put);
		memcpy(d.data, p + put, d.len);
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_avatar_data(&w, &d);
		if (chan_send_wr(to_keyd, IPC_AVATAR_FRIEND_DATA, 0, &w) == -1)
			return -1;
		put += d.len;
	}
	return 0;
}

void
avatar_event(unsigned n, const struct ftx_event *ev)
{
	struct av_friend	*a = &av[n];
	struct ipc_avatar_done	 d;
	const uint8_t		*pk = pk_of(n);
	uint8_t			 buf[IPC_AVATAR_DONE_LEN];
	struct wr		 w;

	if (ev->type != FTX_EV_DONE && ev->type != FTX_EV_KILLED)
		return;
	if (ev->out) {
		if (is_ending(a, ev->slot))	/* slot: a byte */
			a->ending[ev->slot / 8] &=
			    (uint8_t)~(1u << (ev->slot % 8));
		else
			a->out = 0;
		return;
	}
	if (ev->type == FTX_EV_DONE && pk != NULL && ev->pos == a->in_size) {
		memcpy(d.pk, pk, sizeof(d.pk));
		d.size = a->in_size;
		memcpy(d.sha256, a->in_id, sizeof(d.sha256));
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_avatar_done(&w, &d);
		(void)chan_send_wr(to_keyd, IPC_AVATAR_FRIEND_DONE, 0, &w);
	}
	drop_in(n, 0);
}

/* keyd's rows. */

static int
on_self(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_avatar_self	s;
	unsigned			n;

	if (ipc_unpack_avatar_self(r, &s) == -1 || s.len != 0)
		return -1;
	if (s.size != 0 && m->fd == -1)
		s.size = 0;	/* nothing to read it from: none */
	if (s.size == 0)
		memset(s.sha256, 0, sizeof(s.sha256));
	if (self.known && s.size == self.size && memcmp(s.sha256, self.sha,
	    sizeof(self.sha)) == 0 && (self.fd != -1) == (s.size != 0))
		return 0;	/* a recap of what we have */
	self.known = 1;
	/* every offer reading the old file ends before it is closed (one
	 * all sent reads no more) */
	for (n = 0; n < FRIEND_NUM_MAX; n++)
		retire_out(n);
	if (self.fd != -1)
		(void)close(self.fd);
	self.fd = -1;
	self.size = s.size;
	memcpy(self.sha, s.sha256, sizeof(self.sha));
	if (s.size != 0) {
		self.fd = m->fd;
		m->fd = -1;
	}
	for (n = 0; n < FRIEND_NUM_MAX; n++)
		if (files_ftx(n) != NULL)
			offer(n);
	return 0;
}

static int
on_friend(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_avatar_friend	f;
	int				n;

	if (ipc_unpack_avatar_friend(r, &f) == -1)
		return -1;
	if ((n = friends_find(friend_ops_friends(), f.pk)) < 0 ||
	    n >= FRIEND_NUM_MAX)
		return 0;
	av[n].has = (f.flags & AVATAR_F_HAS) != 0;
	memcpy(av[n].sha, f.sha256, sizeof(av[n].sha));
	return 0;
}

static const struct chan_handler from_keyd_rows[] = {
	{ IPC_AVATAR_SELF,	0,	on_self },
	{ IPC_AVATAR_FRIEND,	0,	on_friend },
};
const struct chan_table avatar_from_keyd = {
	CHAN_ROWS(from_keyd_rows), NULL
};
