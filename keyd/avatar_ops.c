/* keyd's side of avatars: see avatar_ops.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/log.h"
#include "ipc/msg_avatar.h"
#include "ipc/msg_core.h"
#include "ipc/msg_friend.h"
#include "keyd/avatar_ops.h"
#include "keyd/avatars.h"
#include "keyd/friends.h"
#include "keyd/profile.h"
#include "keyd/profile_dispatch.h"

#define NO_PROFILE	"no profile loaded"

static struct chan	*to_chatd, *to_frontend;
static char		 dir[PATH_MAX];	/* the profile's, for paths shown */
/* Keys with an avatar or part beside the profile at keyd's start. */
static uint8_t		(*found)[TOX_PK_LEN];
static size_t		 nfound;
/*
 * A friend's avatar on its way: the bytes chatd handed, in memory, never
 * in a file chatd could grow.  One per friend key, each AVATAR_MAX at
 * most: 16 MiB if all 256 friends send theirs at once.
 */
struct part {
	uint8_t		 used;
	uint8_t		 pk[TOX_PK_LEN];
	uint32_t	 have;		/* the furthest byte written, + 1 */
	uint8_t		*buf;		/* AVATAR_MAX */
};
static struct part	 parts[FRIEND_NUM_MAX];

static struct part *
part_of(const uint8_t pk[TOX_PK_LEN], int make)
{
	struct part	*free_one = NULL;
	size_t		 i;

	for (i = 0; i < FRIEND_NUM_MAX; i++) {
		if (parts[i].used && memcmp(parts[i].pk, pk, TOX_PK_LEN) == 0)
			return &parts[i];
		if (!parts[i].used && free_one == NULL)
			free_one = &parts[i];
	}
	if (!make || free_one == NULL)
		return NULL;
	if (free_one->buf == NULL &&
	    (free_one->buf = malloc(AVATAR_MAX)) == NULL)
		return NULL;
	free_one->used = 1;
	memcpy(free_one->pk, pk, TOX_PK_LEN);
	free_one->have = 0;
	return free_one;
}

static void
part_drop(struct part *p)
{
	if (p == NULL)
		return;
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

/* dir/name into path; its length, 0 if it does not fit. */
static uint16_t
path_of(const char *name, char *path)
{
	int	n;

	n = snprintf(path, AVATAR_PATH_MAX + 1, "%s/%s", dir, name);
	if (n <= 0 || n > AVATAR_PATH_MAX) {
		path[0] = '\0';
		return 0;
	}
	return (uint16_t)n;
}

/* Our avatar to chatd, with the stored file; size 0 when none. */
static void
tell_self(void)
{
	static struct ipc_avatar_self	s;
	static uint8_t			buf[IPC_AVATAR_SELF_MAX];
	struct identity			*id = keyd_profile_loaded();
	struct wr			 w;
	int				 fd = -1;

	if (id == NULL || to_chatd == NULL || !to_chatd->open)
		return;
	memset(&s, 0, sizeof(s));
	if (avatars_self_get(&id->store, &s.size, s.sha256, &fd) !=
	    AVATARS_OK) {
		s.size = 0;
		memset(s.sha256, 0, sizeof(s.sha256));
	}
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_self(&w, &s);
	if (wr_ok(&w))
		(void)chan_send(to_chatd, IPC_AVATAR_SELF, 0, buf, w.len, fd);
	if (fd != -1)
		(void)close(fd);
}

/* chatd's number of a friend's key, FRIEND_NUM_NONE if none. */
static uint16_t
number_of(const uint8_t pk[TOX_PK_LEN])
{
	uint8_t		k[TOX_PK_LEN];
	unsigned	n;

	for (n = 0; n < FRIEND_NUM_MAX; n++)
		if (keyd_friends_pk(n, k) == 0 &&
		    memcmp(k, pk, TOX_PK_LEN) == 0)
			return (uint16_t)n;
	return FRIEND_NUM_NONE;
}

/*
 * A friend's avatar as stored, to chatd (no path) and the frontend
 * (with it); news: it changed just now.  to: 1 chatd, 2 frontend.
 */
static void
tell_friend(const uint8_t pk[TOX_PK_LEN], uint16_t number, int news, int to)
{
	static struct ipc_avatar_friend	f;
	static uint8_t			buf[IPC_AVATAR_FRIEND_MAX];
	struct identity			*id = keyd_profile_loaded();
	char				 name[NAME_MAX + 1];
	struct wr			 w;

	if (id == NULL)
		return;
	memset(&f, 0, sizeof(f));
	memcpy(f.pk, pk, sizeof(f.pk));
	f.number = number;
	if (news)
		f.flags |= AVATAR_F_NEWS;
	if (avatars_friend_get(&id->store, pk, f.sha256) == AVATARS_OK)
		f.flags |= AVATAR_F_HAS;
	else
		memset(f.sha256, 0, sizeof(f.sha256));
	if ((to & 1) && to_chatd != NULL && to_chatd->open) {
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_avatar_friend(&w, &f);
		(void)chan_send_wr(to_chatd, IPC_AVATAR_FRIEND, 0, &w);
	}
	if ((to & 2) && to_frontend != NULL && to_frontend->open) {
		if ((f.flags & AVATAR_F_HAS) &&
		    avatars_friend_name(&id->store, pk, name,
		    sizeof(name)) == 0)
			f.len = path_of(name, f.path);
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_avatar_friend(&w, &f);
		(void)chan_send_wr(to_frontend, IPC_AVATAR_FRIEND, 0, &w);
	}
}

/* Every friend that has an avatar, as a recap (to: as tell_friend). */
static void
recap(int to)
{
	struct identity	*id = keyd_profile_loaded();
	uint8_t		 pk[TOX_PK_LEN], sha[AVATAR_HASH_LEN];
	unsigned	 n;

	if (id == NULL)
		return;
	for (n = 0; n < FRIEND_NUM_MAX; n++)
		if (keyd_friends_pk(n, pk) == 0 &&
		    avatars_friend_get(&id->store, pk, sha) == AVATARS_OK)
			tell_friend(pk, (uint16_t)n, 0, to);
}

void
avatar_ops_init(struct chan *chatd, struct chan *frontend,
    const char *profile)
{
	const char	*slash = strrchr(profile, '/');

	to_chatd = chatd;
	to_frontend = frontend;
	if (slash == NULL)
		(void)snprintf(dir, sizeof(dir), ".");
	else if (slash == profile)
		(void)snprintf(dir, sizeof(dir), "/");
	else
		(void)snprintf(dir, sizeof(dir), "%.*s",
		    (int)(slash - profile), profile);
}

/*
 * Of the avatars and parts found at the start, those of a key that is no
 * friend go: the friend was removed while keyd was not running (by
 * another client, or keyd died between saving the list and deleting
 * them).  Friends' keys stay listed: a profile loaded again (an
 * import) may not have them.
 */
static void
sweep(void)
{
	struct identity		*id = keyd_profile_loaded();
	enum avatars_err	 e;
	size_t			 i;

	if (id == NULL)
		return;
	for (i = 0; i < nfound;) {
		if (profile_has_friend(id->prof, found[i])) {
			i++;
			continue;
		}
		if ((e = avatars_friend_forget(&id->store, found[i])) !=
		    AVATARS_OK) {
			log_warnx("an ex-friend's avatar: %s%s%s",
			    avatars_strerror(e),
			    e == AVATARS_ERR_STORE ? ": " : "",
			    e == AVATARS_ERR_STORE ?
			    strerror(avatars_errno()) : "");
			i++;
			continue;
		}
		log_info("an ex-friend's avatar was left beside the profile: "
		    "removed");
		memmove(found[i], found[--nfound], TOX_PK_LEN);
	}
}

void
avatar_ops_scan(void)
{
	struct identity	*id = keyd_profile_identity();

	if (id == NULL)
		return;
	free(found);
	if (avatars_scan(&id->store, &found, &nfound) == -1)
		log_warnx("cannot list the profile's directory for stale "
		    "avatars: %s", strerror(errno));
	/* a profile without a passphrase is loaded already */
	sweep();
}

void
avatar_ops_profile_loaded(void)
{
	sweep();
	recap(3);
	tell_self();
}

void
avatar_ops_chatd_up(void)
{
	recap(1);
	tell_self();
}

void
avatar_ops_friend_gone(const uint8_t pk[TOX_PK_LEN])
{
	struct identity		*id = keyd_profile_loaded();
	enum avatars_err	 e;

	part_drop(part_of(pk, 0));
	if (id == NULL)
		return;
	if ((e = avatars_friend_forget(&id->store, pk)) == AVATARS_ERR_STORE)
		log_warnx("a removed friend's avatar: %s: %s",
		    avatars_strerror(e), strerror(avatars_errno()));
	else if (e != AVATARS_OK)
		log_warnx("a removed friend's avatar: %s",
		    avatars_strerror(e));
}

static const char *
need_profile(struct chan *c, const struct ipc_msg *m)
{
	return keyd_profile_loaded() != NULL ? NULL : NO_PROFILE;
}

static void
refuse(struct chan *c, uint32_t id, enum avatars_err e)
{
	char	why[160];

	if (e == AVATARS_ERR_STORE)
		(void)snprintf(why, sizeof(why), "%s: %s",
		    avatars_strerror(e), strerror(avatars_errno()));
	else
		(void)snprintf(why, sizeof(why), "%s", avatars_strerror(e));
	(void)chan_reply_error(c, id, e == AVATARS_ERR_STORE ||
	    e == AVATARS_ERR_READ ? IPC_ERR_IO : IPC_ERR_INVALID, why);
}

static int
on_set(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_avatar_self	 s;
	static uint8_t			 buf[IPC_AVATAR_SELF_MAX];
	struct identity			*id = keyd_profile_loaded();
	char				 name[NAME_MAX + 1];
	enum avatars_err		 e;
	uint8_t				 remove;
	struct wr			 w;

	if (rd_u8(r, &remove) == -1 || !rd_done(r) || remove > 1)
		return -1;
	memset(&s, 0, sizeof(s));
	if (remove)
		e = avatars_self_del(&id->store);
	else if (m->fd == -1)
		return chan_reply_error(c, m->hdr.id, IPC_ERR_INVALID,
		    "no file came with the avatar"), 0;
	else
		e = avatars_self_set(&id->store, m->fd, &s.size, s.sha256);
	if (e != AVATARS_OK)
		return refuse(c, m->hdr.id, e), 0;
	if (!remove && avatars_self_name(&id->store, name, sizeof(name)) == 0)
		s.len = path_of(name, s.path);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_avatar_self(&w, &s);
	(void)chan_send_wr(c, IPC_AVATAR_SET_ANS, m->hdr.id, &w);
	log_info("avatar %s", remove ? "removed" : "set");
	tell_self();
	return 0;
}

/* The key chatd names, if it is a stored friend's; else refused. */
static int
friend_key(struct chan *c, struct ipc_msg *m, struct rd *r,
    uint8_t pk[TOX_PK_LEN])
{
	if (ipc_unpack_avatar_pk(r, pk) == -1)
		return -1;
	if (!profile_has_friend(keyd_profile_loaded()->prof, pk)) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_NOTFOUND,
		    "not a friend");
		return 0;
	}
	return 1;
}

static int
on_friend_del(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint8_t			pk[TOX_PK_LEN], sha[AVATAR_HASH_LEN];
	struct identity		*id = keyd_profile_loaded();
	enum avatars_err	e;
	int			rv;

	if ((rv = friend_key(c, m, r, pk)) <= 0)
		return rv;
	if (avatars_friend_get(&id->store, pk, sha) == AVATARS_ERR_NONE)
		return 0;	/* nothing to forget: no news */
	if ((e = avatars_friend_del(&id->store, pk)) != AVATARS_OK)
		log_warnx("a friend's avatar: %s", avatars_strerror(e));
	tell_friend(pk, number_of(pk), 1, 3);
	return 0;
}

/* A friend's avatar comes: room for it (what came before is dropped). */
static int
on_friend_open(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	uint8_t		 pk[TOX_PK_LEN];
	struct part	*p;
	int		 rv;

	if ((rv = friend_key(c, m, r, pk)) <= 0)
		return rv;
	part_drop(part_of(pk, 0));
	if ((p = part_of(pk, 1)) == NULL) {
		(void)chan_reply_error(c, m->hdr.id, IPC_ERR_IO,
		    "no memory for a friend's avatar");
		return 0;
	}
	(void)chan_send(c, IPC_AVATAR_FRIEND_READY, m->hdr.id, pk,
	    sizeof(pk), -1);
	return 0;
}

/*
 * Bytes of it at an offset, below AVATAR_MAX (the unpacker's bound).
 * For a key with no room open (dropped meanwhile, or never opened):
 * nothing, as a file closed would have taken nothing.
 */
static int
on_friend_data(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	static struct ipc_avatar_data	 d;
	struct part			*p;

	if (ipc_unpack_avatar_data(r, &d) == -1)
		return -1;
	if ((p = part_of(d.pk, 0)) == NULL)
		return 0;
	memcpy(p->buf + d.off, d.data, d.len);
	if (d.off + d.len > p->have)
		p->have = d.off + d.len;
	return 0;
}

static int
on_friend_done(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct ipc_avatar_done	 d;
	struct identity		*id = keyd_profile_loaded();
	enum avatars_err	 e;
	struct part		*p;

	if (ipc_unpack_avatar_done(r, &d) == -1)
		return -1;
	p = part_of(d.pk, 0);
	if (!profile_has_friend(id->prof, d.pk) || p == NULL) {
		part_drop(p);
		return 0;
	}
	e = avatars_friend_commit(&id->store, d.pk, p->buf, p->have, d.size,
	    d.sha256);
	part_drop(p);
	if (e != AVATARS_OK) {
		log_warnx("a friend's avatar refused: %s",
		    avatars_strerror(e));
		return 0;
	}
	tell_friend(d.pk, number_of(d.pk), 1, 3);
	return 0;
}

static const struct chan_handler from_frontend_rows[] = {
	{ IPC_AVATAR_SET,	CH_GATED,	on_set },
};
const struct chan_table avatar_ops_from_frontend = {
	CHAN_ROWS(from_frontend_rows), need_profile
};

static const struct chan_handler from_chatd_rows[] = {
	{ IPC_AVATAR_FRIEND_DEL,	CH_GATED,	on_friend_del },
	{ IPC_AVATAR_FRIEND_OPEN,	CH_GATED,	on_friend_open },
	{ IPC_AVATAR_FRIEND_DATA,	CH_GATED,	on_friend_data },
	{ IPC_AVATAR_FRIEND_DONE,	CH_GATED,	on_friend_done },
};
const struct chan_table avatar_ops_from_chatd = {
	CHAN_ROWS(from_chatd_rows), need_profile
};
