/* Pack/unpack pairs of ipc/msg_history.h. */
#include <string.h>

#include "ipc/msg_history.h"

void
ipc_pack_history_on(struct wr *w, uint8_t on)
{
	if (on > 1) {
		wr_fail(w);
		return;
	}
	wr_u8(w, on);
}

int
ipc_unpack_history_on(struct rd *r, uint8_t *on)
{
	*on = 0;
	rd_u8(r, on);
	return rd_done(r) && *on <= 1 ? 0 : -1;
}

void
ipc_pack_history_put(struct wr *w, const struct ipc_history_put *m)
{
	if (m->dir > HISTORY_OUT || m->action > 1 || m->len < 1 ||
	    m->len > HISTORY_MSG_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u8(w, m->dir);
	wr_u8(w, m->action);
	wr_u64(w, m->message_id);
	wr_bytes(w, m->text, m->len);
}

int
ipc_unpack_history_put(struct rd *r, struct ipc_history_put *m)
{
	memset(m, 0, offsetof(struct ipc_history_put, text));
	m->len = 0;
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u8(r, &m->dir);
	rd_u8(r, &m->action);
	rd_u64(r, &m->message_id);
	if (!rd_ok(r) || m->dir > HISTORY_OUT || m->action > 1)
		return -1;
	return rd_tail(r, m->text, 1, HISTORY_MSG_MAX, &m->len);
}

void
ipc_pack_history_req(struct wr *w, const struct ipc_history_req *m)
{
	if (m->count < 1 || m->count > HISTORY_REQ_COUNT_MAX) {
		wr_fail(w);
		return;
	}
	ipc_pack_friend_remove(w, &m->ref);
	wr_u16(w, m->count);
	wr_u64(w, m->before);
}

int
ipc_unpack_history_req(struct rd *r, struct ipc_history_req *m)
{
	struct rd	ref;

	memset(m, 0, sizeof(*m));
	if (rd_sub(r, IPC_FRIEND_REMOVE_LEN, &ref) == -1 ||
	    ipc_unpack_friend_remove(&ref, &m->ref) == -1)
		return -1;
	rd_u16(r, &m->count);
	rd_u64(r, &m->before);
	if (!rd_done(r) || m->count < 1 || m->count > HISTORY_REQ_COUNT_MAX)
		return -1;
	return 0;
}

int
ipc_history_ans_add(struct ipc_history_ans *a,
    const struct ipc_history_item *it, const uint8_t *text)
{
	if (a->n >= HISTORY_PAGE || it->dir > HISTORY_OUT ||
	    it->action > 1 || it->len < 1 || it->len > HISTORY_MSG_MAX ||
	    it->len > HISTORY_PAGE_TEXT - a->text_len)
		return -1;
	a->e[a->n] = *it;
	a->e[a->n].off = a->text_len;
	memcpy(a->text + a->text_len, text, it->len);
	a->text_len += it->len;
	a->n++;
	return 0;
}

void
ipc_pack_history_ans(struct wr *w, const struct ipc_history_ans *a)
{
	const struct ipc_history_item	*it;
	uint8_t				 i;

	if (a->n > HISTORY_PAGE || a->text_len > HISTORY_PAGE_TEXT) {
		wr_fail(w);
		return;
	}
	wr_u64(w, a->next);
	wr_u8(w, a->n);
	for (i = 0; i < a->n; i++) {
		it = &a->e[i];
		if (it->dir > HISTORY_OUT || it->action > 1 || it->len < 1 ||
		    it->len > HISTORY_MSG_MAX || it->off > a->text_len ||
		    it->len > a->text_len - it->off) {
			wr_fail(w);
			return;
		}
		wr_u64(w, it->time);
		wr_u8(w, it->dir);
		wr_u8(w, it->action);
		wr_u64(w, it->message_id);
		wr_u16(w, it->len);
		wr_bytes(w, a->text + it->off, it->len);
	}
}

int
ipc_unpack_history_ans(struct rd *r, struct ipc_history_ans *a)
{
	struct ipc_history_item	 it;
	const uint8_t		*text;
	uint8_t			 i, n;

	a->next = 0;
	a->n = 0;
	a->text_len = 0;
	rd_u64(r, &a->next);
	if (rd_u8(r, &n) == -1 || n > HISTORY_PAGE)
		return -1;
	for (i = 0; i < n; i++) {
		memset(&it, 0, sizeof(it));
		rd_u64(r, &it.time);
		rd_u8(r, &it.dir);
		rd_u8(r, &it.action);
		rd_u64(r, &it.message_id);
		rd_u16(r, &it.len);
		if (!rd_ok(r) || (text = rd_take(r, it.len)) == NULL ||
		    ipc_history_ans_add(a, &it, text) == -1)
			return -1;
	}
	return rd_done(r) ? 0 : -1;
}
