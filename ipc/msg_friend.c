/* Pack/unpack pairs of ipc/msg_friend.h. */
#include <string.h>

#include "ipc/msg_friend.h"

void
ipc_pack_friend_request_in(struct wr *w, const struct ipc_friend_request_in *m)
{
	if (m->len < 1 || m->len > FRIEND_REQ_MSG_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->msg, m->len);
}

int
ipc_unpack_friend_request_in(struct rd *r, struct ipc_friend_request_in *m)
{
	size_t	left;

	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	left = rd_left(r);
	if (left < 1 || left > FRIEND_REQ_MSG_MAX)
		return -1;
	m->len = (uint16_t)left;
	rd_bytes(r, m->msg, left);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_friend_request_send(struct wr *w,
    const struct ipc_friend_request_send *m)
{
	if (m->len < 1 || m->len > FRIEND_REQ_SEND_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->nospam, sizeof(m->nospam));
	wr_bytes(w, m->msg, m->len);
}

int
ipc_unpack_friend_request_send(struct rd *r,
    struct ipc_friend_request_send *m)
{
	size_t	left;

	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_bytes(r, m->nospam, sizeof(m->nospam));
	left = rd_left(r);
	if (left < 1 || left > FRIEND_REQ_SEND_MAX)
		return -1;
	m->len = (uint16_t)left;
	rd_bytes(r, m->msg, left);
	return rd_done(r) ? 0 : -1;
}
