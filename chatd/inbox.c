/* Incoming friend requests: see inbox.h. */
#include <string.h>

#include "chatd/inbox.h"

void
inbox_init(struct inbox *ib)
{
	memset(ib, 0, sizeof(*ib));
}

int
inbox_find(const struct inbox *ib, const uint8_t *pk)
{
	size_t	i;

	for (i = 0; i < ib->n; i++)
		if (memcmp(ib->r[i].pk, pk, TOX_PK_LEN) == 0)
			return (int)i;
	return -1;
}

static void
remove_at(struct inbox *ib, size_t i)
{
	memmove(&ib->r[i], &ib->r[i + 1], (ib->n - i - 1) * sizeof(ib->r[0]));
	ib->n--;
	memset(&ib->r[ib->n], 0, sizeof(ib->r[0]));
}

int
inbox_del(struct inbox *ib, const uint8_t *pk)
{
	int	i;

	if ((i = inbox_find(ib, pk)) == -1)
		return -1;
	remove_at(ib, (size_t)i);
	return 0;
}

int
inbox_put(struct inbox *ib, const uint8_t *pk, const uint8_t *msg,
    size_t len)
{
	struct ipc_friend_request_in	*e;
	int				 i, rv = INBOX_NEW;

	if (len < 1 || len > FRIEND_REQ_MSG_MAX)
		return -1;
	if ((i = inbox_find(ib, pk)) != -1) {
		e = &ib->r[i];
		if (e->len == len && memcmp(e->msg, msg, len) == 0)
			return INBOX_SAME;
		remove_at(ib, (size_t)i);
		rv = INBOX_REPLACED;
	} else if (ib->n == INBOX_MAX) {
		remove_at(ib, 0);
		rv = INBOX_EVICTED;
	}
	e = &ib->r[ib->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->pk, pk, TOX_PK_LEN);
	memcpy(e->msg, msg, len);
	e->len = (uint16_t)len;
	return rv;
}
