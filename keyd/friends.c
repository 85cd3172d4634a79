/* keyd's side of the friend list: see friends.h. */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/mono.h"
#include "ipc/msg_core.h"
#include "ipc/msg_friend.h"
#include "ipc/msg_chat.h"
#include "keyd/avatar_ops.h"
#include "keyd/friends.h"
#include "keyd/nc_session.h"
#include "keyd/outbox_ops.h"
#include "keyd/profile_dispatch.h"

static struct chan	*to_chatd;
/* Which key each of chatd's numbers is, for the life of keyd. */
static struct {
	int	used;
	uint8_t	pk[TOX_PK_LEN];
} nums[FRIEND_NUM_MAX];
static uint64_t		saved_at;	/* mono ms of the last write; 0 never */
static int		dirty;		/* a change waits for its write */
static struct timer	save_timer;
unsigned long		keyd_friends_saves;

int
keyd_friends_pk(unsigned number, uint8_t pk[TOX_PK_LEN])
{
	if (number >= FRIEND_NUM_MAX || !nums[number].used)
		return -1;
	memcpy(pk, nums[number].pk, TOX_PK_LEN);
	return 0;
}

static struct profile *
loaded(void)
{
	struct identity	*id = keyd_profile_identity();

	return id != NULL ? id->prof : NULL;
}

static int
save_now(struct id_err *e)
{
	saved_at = mono_ms();
	dirty = 0;
	keyd_friends_saves++;
	return identity_save(keyd_profile_identity(), e);
}

static void
save_timer_cb(struct timer *t)
{
	struct id_err	e;

	if (dirty && loaded() != NULL && save_now(&e) == -1)
		log_warnx("saving the friend list: %s", e.text);
}

/* 0: written, or scheduled; -1: the write failed now (e says why). */
static int
save_soon(struct id_err *e)
{
	uint64_t	due = saved_at + FRIENDS_SAVE_MIN_MS;

	if (saved_at == 0 || mono_ms() >= due)
		return save_now(e);
	dirty = 1;
	if (!timer_armed(&save_timer))
		timer_at(&save_timer, due);
	return 0;
}

void
keyd_friends_flush(void)
{
	save_timer_cb(&save_timer);
}

static ssize_t
find_pk(const struct profile *p, const uint8_t *pk)
{
	size_t	i;

	for (i = 0; i < p->nfriends; i++)
		if (p->friends[i].status != FRIEND_NONE &&
		    memcmp(p->friends[i].pk, pk, TOX_PK_LEN) == 0)
			return (ssize_t)i;
	return -1;
}

static int
num_of(const uint8_t *pk)
{
	int	n;

	for (n = 0; n < FRIEND_NUM_MAX; n++)
		if (nums[n].used && memcmp(nums[n].pk, pk, TOX_PK_LEN) == 0)
			return n;
	return -1;
}

static void
put_rec(struct ipc_friend_rec *r, unsigned n, const struct profile_friend *f)
{
	memset(r, 0, sizeof(*r));
	r->number = (uint16_t)n;
	r->status = f->status;
	memcpy(r->pk, f->pk, sizeof(r->pk));
	memcpy(r->nospam, f->nospam, sizeof(r->nospam));
	r->userstatus = f->userstatus;
	r->name_len = f->name_len;
	memcpy(r->name, f->name, f->name_len);
	r->status_msg_len = f->status_msg_len;
	memcpy(r->status_msg, f->status_msg, f->status_msg_len);
	r->request_len = f->request_len;
	memcpy(r->request, f->request, f->request_len);
}

static void
send_batch(struct ipc_friends_load *ld)
{
	static uint8_t	buf[IPC_FRIENDS_LOAD_MAX];
	struct wr	w;

	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friends_load(&w, ld);
	(void)chan_send_wr(to_chatd, IPC_FRIENDS_LOAD, 0, &w);
	ld->flags = 0;
	ld->count = 0;
}

void
keyd_friends_chatd_up(void)
{
	static struct ipc_friends_load	 ld;
	const struct profile		*p = loaded();
	ssize_t				 i;
	unsigned			 n;

	if (p == NULL || to_chatd == NULL || !to_chatd->open)
		return;		/* the list goes once the profile loads */
	memset(&ld, 0, sizeof(ld));
	ld.flags = FRIENDS_LOAD_FIRST;
	memcpy(ld.self_pk, p->pk, sizeof(ld.self_pk));
	for (n = 0; n < FRIEND_NUM_MAX; n++) {
		if (!nums[n].used || (i = find_pk(p, nums[n].pk)) == -1)
			continue;
		if (ld.count == FRIENDS_LOAD_BATCH)
			send_batch(&ld);
		put_rec(&ld.recs[ld.count++], n, &p->friends[i]);
	}
	ld.flags |= FRIENDS_LOAD_LAST;
	send_batch(&ld);
	keyd_self_info_tell();
}

void
keyd_self_info_tell(void)
{
	static struct ipc_self_info	 si;
	static uint8_t			 buf[IPC_SELF_INFO_MAX];
	const struct profile		*p = loaded();
	struct wr			 w;

	if (p == NULL || to_chatd == NULL || !to_chatd->open)
		return;
	memset(&si, 0, sizeof(si));
	si.userstatus = p->userstatus > 2 ? 0 : p->userstatus;
	si.name_len = (uint8_t)p->name_len;
	memcpy(si.name, p->name, p->name_len);
	si.status_msg_len = (uint16_t)p->status_msg_len;
	memcpy(si.status_msg, p->status_msg, p->status_msg_len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_self_info(&w, &si);
	(void)chan_send_wr(to_chatd, IPC_SELF_INFO, 0, &w);
}

void
keyd_friends_profile_loaded(void)
{
	const struct profile	*p = loaded();
	size_t			 i;
	unsigned		 n = 0;

	memset(nums, 0, sizeof(nums));
	if (p == NULL)
		return;
	for (i = 0; i < p->nfriends; i++) {
		if (p->friends[i].status == FRIEND_NONE ||
		    num_of(p->friends[i].pk) != -1)
			continue;
		if (n == FRIEND_NUM_MAX) {
			log_warnx("more than %d friends: the rest are kept "
			    "in the profile but not shown", FRIEND_NUM_MAX);
			break;
		}
		nums[n].used = 1;
		memcpy(nums[n].pk, p->friends[i].pk, TOX_PK_LEN);
		n++;
	}
	keyd_friends_chatd_up();
}

static int
refuse(struct chan *c, uint32_t id, uint16_t code, const char *text)
{
	(void)chan_reply_error(c, id, code, text);
	return 0;
}

static int
on_add(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_friend_add	 a;
	struct profile			*p = loaded();
	struct profile_friend		*nf, *f;
	struct id_err			 e;

	if (ipc_unpack_friend_add(r, &a) == -1)
		return -1;
	if (p == NULL)
		return refuse(c, m->hdr.id, IPC_ERR_STATE,
		    "the profile is locked");
	if (memcmp(a.pk, p->pk, TOX_PK_LEN) == 0)
		return refuse(c, m->hdr.id, IPC_ERR_INVALID,
		    "that is your own key");
	if (find_pk(p, a.pk) != -1)
		return refuse(c, m->hdr.id, IPC_ERR_INVALID,
		    "already a friend");
	if (nums[a.number].used)
		return refuse(c, m->hdr.id, IPC_ERR_STATE,
		    "that friend number is in use");
	if ((nf = reallocarray(p->friends, p->nfriends + 1,
	    sizeof(*nf))) == NULL)
		return refuse(c, m->hdr.id, IPC_ERR_INTERNAL, "out of memory");
	p->friends = nf;
	f = &p->friends[p->nfriends++];
	memset(f, 0, sizeof(*f));
	f->status = a.status;
	memcpy(f->pk, a.pk, sizeof(f->pk));
	memcpy(f->nospam, a.nospam, sizeof(f->nospam));
	f->request_len = a.request_len;
	memcpy(f->request, a.request, a.request_len);
	nums[a.number].used = 1;
	memcpy(nums[a.number].pk, a.pk, TOX_PK_LEN);
	if (save_soon(&e) == -1) {
		/* what keyd answers is what is on disk */
		p->nfriends--;
		memset(&nums[a.number], 0, sizeof(nums[a.number]));
		return refuse(c, m->hdr.id, e.code, e.text);
	}
	(void)chan_reply_ok(c, m->hdr.id);
	return 0;
}

static int
on_del(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct profile_friend	 gone;
	struct profile			*p = loaded();
	uint8_t				 pk[TOX_PK_LEN];
	struct id_err			 e;
	ssize_t				 i;
	int				 n;

	if (ipc_unpack_friend_pk(r, pk) == -1)
		return -1;
	if (p == NULL)
		return refuse(c, m->hdr.id, IPC_ERR_STATE,
		    "the profile is locked");
	if ((i = find_pk(p, pk)) == -1)
		return refuse(c, m->hdr.id, IPC_ERR_NOTFOUND, "no such friend");
	gone = p->friends[i];
	memmove(&p->friends[i], &p->friends[i + 1],
	    (p->nfriends - (size_t)i - 1) * sizeof(p->friends[0]));
	p->nfriends--;
	if (save_soon(&e) == -1) {
		memmove(&p->friends[i + 1], &p->friends[i],
		    (p->nfriends - (size_t)i) * sizeof(p->friends[0]));
		p->friends[i] = gone;
		p->nfriends++;
		return refuse(c, m->hdr.id, e.code, e.text);
	}
	if ((n = num_of(pk)) != -1)
		memset(&nums[n], 0, sizeof(nums[n]));
	/* no session outlives the friendship: a kill packet goes now */
	nc_session_forget(pk);
	outbox_ops_forget(pk);
	avatar_ops_friend_gone(pk);
	(void)chan_reply_ok(c, m->hdr.id);
	return 0;
}

static const struct chan_handler from_chatd_rows[] = {
	{ IPC_FRIEND_ADD,	0,	on_add },
	{ IPC_FRIEND_DEL,	0,	on_del },
};
const struct chan_table keyd_friends_from_chatd = {
	CHAN_ROWS(from_chatd_rows), NULL
};

void
keyd_friends_init(struct chan *chatd)
{
	to_chatd = chatd;
	timer_init(&save_timer, save_timer_cb, NULL);
}
