/* chatd's friend table and request schedule: see friends.h. */
#include <string.h>

#include "chatd/friends.h"

void
friends_reset(struct friends *fs)
{
	memset(fs->f, 0, sizeof(fs->f));
}

int
friends_find(const struct friends *fs, const uint8_t *pk)
{
	int	i;

	for (i = 0; i < FRIEND_NUM_MAX; i++)
		if (fs->f[i].used && memcmp(fs->f[i].pk, pk, TOX_PK_LEN) == 0)
			return i;
	return -1;
}

int
friends_free_slot(const struct friends *fs)
{
	int	i;

	for (i = 0; i < FRIEND_NUM_MAX; i++)
		if (!fs->f[i].used)
			return i;
	return -1;
}

struct friend *
friends_get(struct friends *fs, unsigned n)
{
	if (n >= FRIEND_NUM_MAX || !fs->f[n].used)
		return NULL;
	return &fs->f[n];
}

struct friend *
friends_take(struct friends *fs, unsigned n, const uint8_t *pk)
{
	struct friend	*f;

	if (n >= FRIEND_NUM_MAX || fs->f[n].used)
		return NULL;
	f = &fs->f[n];
	memset(f, 0, sizeof(*f));
	f->used = 1;
	memcpy(f->pk, pk, TOX_PK_LEN);
	return f;
}

void
friends_del(struct friends *fs, unsigned n)
{
	if (n < FRIEND_NUM_MAX)
		memset(&fs->f[n], 0, sizeof(fs->f[n]));
}

size_t
friends_count(const struct friends *fs)
{
	size_t	i, n = 0;

	for (i = 0; i < FRIEND_NUM_MAX; i++)
		n += fs->f[i].used != 0;
	return n;
}

int
friend_request_pending(const struct friend *f)
{
	return f->status == 1 || f->status == 2;
}

void
friends_resend_start(struct friend *f, uint64_t now_ms)
{
	/* 0 means "nothing due", so a clock at 0 sends at 1 */
	f->resend_due = now_ms != 0 ? now_ms : 1;
	f->resend_ivl = FRIEND_RESEND_FIRST_MS;
}

uint64_t
friends_next_due(const struct friends *fs)
{
	uint64_t	due = 0;
	int		i;

	for (i = 0; i < FRIEND_NUM_MAX; i++)
		if (fs->f[i].used && !fs->f[i].pending &&
		    fs->f[i].resend_due != 0 &&
		    (due == 0 || fs->f[i].resend_due < due))
			due = fs->f[i].resend_due;
	return due;
}

int
friends_take_due(struct friends *fs, uint64_t now_ms)
{
	struct friend	*f;
	int		 i;

	for (i = 0; i < FRIEND_NUM_MAX; i++) {
		f = &fs->f[i];
		if (!f->used || f->pending || f->resend_due == 0 ||
		    f->resend_due > now_ms)
			continue;
		f->resend_due = now_ms + f->resend_ivl;
		f->resend_ivl = f->resend_ivl >= FRIEND_RESEND_MAX_MS / 2 ?
		    FRIEND_RESEND_MAX_MS : f->resend_ivl * 2;
		return i;
	}
	return -1;
}
