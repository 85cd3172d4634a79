/* Pack/unpack pairs of ipc/msg_xfer.h. */
#include <string.h>

#include "ipc/msg_xfer.h"

int
xfer_num_parse(uint32_t num, unsigned *slot, int *out)
{
	if (num < XFER_SLOTS) {
		*slot = num;
		*out = 1;
		return 0;
	}
	if ((num & 0xffff) != 0 || (num >> 16) < 1 ||
	    (num >> 16) > XFER_SLOTS)
		return -1;
	*slot = (num >> 16) - 1;
	*out = 0;
	return 0;
}

static int
unpack_ref(struct rd *r, struct ipc_friend_remove *ref)
{
	struct rd	sub;

	return rd_sub(r, IPC_FRIEND_REMOVE_LEN, &sub) == -1 ||
	    ipc_unpack_friend_remove(&sub, ref) == -1 ? -1 : 0;
}

void
ipc_pack_file_send(struct wr *w, const struct ipc_file_send *m)
{
	static const uint8_t	zero[XFER_ID_LEN];

	if (m->name_len > XFER_NAME_MAX || m->has_id > 1 ||
	    (!m->has_id && memcmp(m->id, zero, XFER_ID_LEN) != 0)) {
		wr_fail(w);
		return;
	}
	ipc_pack_friend_remove(w, &m->ref);
	wr_u32(w, m->kind);
	wr_u64(w, m->size);
	wr_u8(w, m->has_id);
	wr_bytes(w, m->id, XFER_ID_LEN);
	wr_bytes(w, m->name, m->name_len);
}

int
ipc_unpack_file_send(struct rd *r, struct ipc_file_send *m)
{
	memset(m, 0, sizeof(*m));
	if (unpack_ref(r, &m->ref) == -1)
		return -1;
	static const uint8_t	zero[XFER_ID_LEN];

	rd_u32(r, &m->kind);
	rd_u64(r, &m->size);
	rd_u8(r, &m->has_id);
	rd_bytes(r, m->id, XFER_ID_LEN);
	/* canonical: no id is all zeros */
	if (!rd_ok(r) || m->has_id > 1 ||
	    (!m->has_id && memcmp(m->id, zero, XFER_ID_LEN) != 0)) {
		memset(m, 0, sizeof(*m));
		return -1;
	}
	return rd_tail(r, m->name, 0, XFER_NAME_MAX, &m->name_len);
}

void
ipc_pack_file_ctl(struct wr *w, const struct ipc_file_ctl *m)
{
	if (m->op < XFER_ACCEPT || m->op >= XFER_OP_MAX) {
		wr_fail(w);
		return;
	}
	ipc_pack_friend_remove(w, &m->ref);
	wr_u32(w, m->file);
	wr_u8(w, m->op);
	wr_u64(w, m->seek);
}

int
ipc_unpack_file_ctl(struct rd *r, struct ipc_file_ctl *m)
{
	memset(m, 0, sizeof(*m));
	if (unpack_ref(r, &m->ref) == -1)
		return -1;
	rd_u32(r, &m->file);
	rd_u8(r, &m->op);
	rd_u64(r, &m->seek);
	return rd_done(r) && m->op >= XFER_ACCEPT && m->op < XFER_OP_MAX ?
	    0 : -1;
}

void
ipc_pack_file_ans(struct wr *w, const struct ipc_file_ans *m)
{
	wr_u16(w, m->number);
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u32(w, m->file);
}

int
ipc_unpack_file_ans(struct rd *r, struct ipc_file_ans *m)
{
	memset(m, 0, sizeof(*m));
	rd_u16(r, &m->number);
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u32(r, &m->file);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_file_event(struct wr *w, const struct ipc_file_event *m)
{
	if (m->what < XFER_EV_OFFER || m->what >= XFER_EV_MAX ||
	    m->why >= XFER_WHY_MAX || m->name_len > XFER_NAME_MAX) {
		wr_fail(w);
		return;
	}
	wr_u16(w, m->number);
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u32(w, m->file);
	wr_u8(w, m->what);
	wr_u8(w, m->why);
	wr_u32(w, m->kind);
	wr_u64(w, m->pos);
	wr_u64(w, m->size);
	wr_u64(w, m->rate);
	wr_bytes(w, m->sha256, sizeof(m->sha256));
	wr_bytes(w, m->id, sizeof(m->id));
	wr_bytes(w, m->name, m->name_len);
}

int
ipc_unpack_file_event(struct rd *r, struct ipc_file_event *m)
{
	memset(m, 0, sizeof(*m));
	rd_u16(r, &m->number);
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u32(r, &m->file);
	rd_u8(r, &m->what);
	rd_u8(r, &m->why);
	rd_u32(r, &m->kind);
	rd_u64(r, &m->pos);
	rd_u64(r, &m->size);
	rd_u64(r, &m->rate);
	rd_bytes(r, m->sha256, sizeof(m->sha256));
	rd_bytes(r, m->id, sizeof(m->id));
	if (rd_tail(r, m->name, 0, XFER_NAME_MAX, &m->name_len) == -1)
		return -1;
	return m->what >= XFER_EV_OFFER && m->what < XFER_EV_MAX &&
	    m->why < XFER_WHY_MAX ? 0 : -1;
}
