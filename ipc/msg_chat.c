/* Pack/unpack pairs of ipc/msg_chat.h. */
#include <string.h>

#include "ipc/msg_chat.h"

void
ipc_pack_chat_send(struct wr *w, const struct ipc_chat_send *m)
{
	if (m->action > 1 || m->len < 1 || m->len > CHAT_TEXT_MAX) {
		wr_fail(w);
		return;
	}
	ipc_pack_friend_remove(w, &m->ref);
	wr_u8(w, m->action);
	wr_bytes(w, m->text, m->len);
}

int
ipc_unpack_chat_send(struct rd *r, struct ipc_chat_send *m)
{
	struct rd	ref;

	memset(m, 0, sizeof(*m));
	if (rd_sub(r, IPC_FRIEND_REMOVE_LEN, &ref) == -1 ||
	    ipc_unpack_friend_remove(&ref, &m->ref) == -1)
		return -1;
	rd_u8(r, &m->action);
	if (m->action > 1)
		return -1;
	return rd_tail(r, m->text, 1, CHAT_TEXT_MAX, &m->len);
}

void
ipc_pack_chat_id(struct wr *w, const struct ipc_chat_id *m)
{
	wr_u16(w, m->number);
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u64(w, m->message_id);
}

int
ipc_unpack_chat_id(struct rd *r, struct ipc_chat_id *m)
{
	memset(m, 0, sizeof(*m));
	rd_u16(r, &m->number);
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u64(r, &m->message_id);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_chat_typing(struct wr *w, const struct ipc_chat_typing *m)
{
	if (m->typing > 1) {
		wr_fail(w);
		return;
	}
	ipc_pack_friend_remove(w, &m->ref);
	wr_u8(w, m->typing);
}

int
ipc_unpack_chat_typing(struct rd *r, struct ipc_chat_typing *m)
{
	struct rd	ref;

	memset(m, 0, sizeof(*m));
	if (rd_sub(r, IPC_FRIEND_REMOVE_LEN, &ref) == -1 ||
	    ipc_unpack_friend_remove(&ref, &m->ref) == -1)
		return -1;
	rd_u8(r, &m->typing);
	if (!rd_done(r) || m->typing > 1)
		return -1;
	return 0;
}

void
ipc_pack_chat_message(struct wr *w, const struct ipc_chat_message *m)
{
	if (m->action > 1 || m->len < 1 || m->len > MSG_TEXT_MAX) {
		wr_fail(w);
		return;
	}
	wr_u16(w, m->number);
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u64(w, m->message_id);
	wr_u8(w, m->action);
	wr_bytes(w, m->text, m->len);
}

int
ipc_unpack_chat_message(struct rd *r, struct ipc_chat_message *m)
{
	memset(m, 0, sizeof(*m));
	rd_u16(r, &m->number);
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u64(r, &m->message_id);
	rd_u8(r, &m->action);
	if (m->action > 1)
		return -1;
	return rd_tail(r, m->text, 1, MSG_TEXT_MAX, &m->len);
}

/* The longest value a CHAT_FRIEND of this kind carries; 0 if no kind. */
static size_t
friend_value_max(uint8_t what)
{
	switch (what) {
	case CHAT_FRIEND_CONNECTION:
	case CHAT_FRIEND_STATUS:
	case CHAT_FRIEND_TYPING:
		return 1;
	case CHAT_FRIEND_NAME:
		return FRIEND_NAME_MAX;
	case CHAT_FRIEND_STATUS_MSG:
		return FRIEND_STATUSMSG_MAX;
	}
	return 0;
}

/* Single-byte kinds carry exactly one byte, within range. */
static int
friend_value_ok(uint8_t what, const uint8_t *v, size_t len)
{
	size_t	max = friend_value_max(what);

	if (max == 0 || len > max)
		return 0;
	switch (what) {
	case CHAT_FRIEND_CONNECTION:
		return len == 1 && v[0] < FRIEND_CONN_MAX;
	case CHAT_FRIEND_STATUS:
		return len == 1 && v[0] <= 2;
	case CHAT_FRIEND_TYPING:
		return len == 1 && v[0] <= 1;
	}
	return 1;
}

void
ipc_pack_chat_friend(struct wr *w, const struct ipc_chat_friend *m)
{
	if (!friend_value_ok(m->what, m->value, m->len)) {
		wr_fail(w);
		return;
	}
	wr_u16(w, m->number);
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u8(w, m->what);
	wr_bytes(w, m->value, m->len);
}

int
ipc_unpack_chat_friend(struct rd *r, struct ipc_chat_friend *m)
{
	size_t	left;

	memset(m, 0, sizeof(*m));
	rd_u16(r, &m->number);
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u8(r, &m->what);
	left = rd_left(r);
	if (!rd_ok(r) || left > friend_value_max(m->what))
		return -1;
	m->len = (uint16_t)left;
	rd_bytes(r, m->value, left);
	if (!rd_done(r) || !friend_value_ok(m->what, m->value, m->len))
		return -1;
	return 0;
}

void
ipc_pack_outbox_put(struct wr *w, const struct ipc_outbox_put *m)
{
	if (m->action > 1 || m->len < 1 || m->len > CHAT_TEXT_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u8(w, m->action);
	wr_bytes(w, m->text, m->len);
}

int
ipc_unpack_outbox_put(struct rd *r, struct ipc_outbox_put *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u8(r, &m->action);
	if (m->action > 1)
		return -1;
	return rd_tail(r, m->text, 1, CHAT_TEXT_MAX, &m->len);
}

void
ipc_pack_outbox_id(struct wr *w, uint64_t id)
{
	wr_u64(w, id);
}

int
ipc_unpack_outbox_id(struct rd *r, uint64_t *id)
{
	*id = 0;
	rd_u64(r, id);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_outbox_load(struct wr *w, const struct ipc_outbox_load *m)
{
	wr_u64(w, m->id);
	ipc_pack_outbox_put(w, &m->m);
}

int
ipc_unpack_outbox_load(struct rd *r, struct ipc_outbox_load *m)
{
	uint64_t	id = 0;

	rd_u64(r, &id);
	if (!rd_ok(r) || ipc_unpack_outbox_put(r, &m->m) == -1) {
		memset(m, 0, sizeof(*m));
		return -1;
	}
	m->id = id;
	return 0;
}

void
ipc_pack_self_info(struct wr *w, const struct ipc_self_info *m)
{
	if (m->userstatus > 2 || m->name_len > FRIEND_NAME_MAX ||
	    m->status_msg_len > FRIEND_STATUSMSG_MAX) {
		wr_fail(w);
		return;
	}
	wr_u8(w, m->userstatus);
	wr_u8(w, m->name_len);
	wr_bytes(w, m->name, m->name_len);
	wr_bytes(w, m->status_msg, m->status_msg_len);
}

int
ipc_unpack_self_info(struct rd *r, struct ipc_self_info *m)
{
	size_t	left;

	memset(m, 0, sizeof(*m));
	rd_u8(r, &m->userstatus);
	rd_u8(r, &m->name_len);
	if (!rd_ok(r) || m->userstatus > 2 || m->name_len > FRIEND_NAME_MAX)
		return -1;
	rd_bytes(r, m->name, m->name_len);
	left = rd_left(r);
	if (!rd_ok(r) || left > FRIEND_STATUSMSG_MAX)
		return -1;
	m->status_msg_len = (uint16_t)left;
	rd_bytes(r, m->status_msg, left);
	return rd_done(r) ? 0 : -1;
}
