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
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	return rd_tail(r, m->msg, 1, FRIEND_REQ_MSG_MAX, &m->len) == 0 &&
	    rd_done(r) ? 0 : -1;
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
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_bytes(r, m->nospam, sizeof(m->nospam));
	return rd_tail(r, m->msg, 1, FRIEND_REQ_SEND_MAX, &m->len) == 0 &&
	    rd_done(r) ? 0 : -1;
}

/* u16 length || bytes, at most max. */
static void
pack_lv(struct wr *w, const uint8_t *p, uint16_t len, size_t max)
{
	if (len > max) {
		wr_fail(w);
		return;
	}
	wr_u16(w, len);
	wr_bytes(w, p, len);
}

static int
unpack_lv(struct rd *r, uint8_t *p, uint16_t *len, size_t max)
{
	if (rd_u16(r, len) == -1)
		return -1;
	if (*len > max) {
		rd_fail(r);
		return -1;
	}
	return rd_bytes(r, p, *len);
}

static void
pack_rec(struct wr *w, const struct ipc_friend_rec *f)
{
	wr_u16(w, f->number);
	wr_u8(w, f->status);
	wr_bytes(w, f->pk, sizeof(f->pk));
	wr_bytes(w, f->nospam, sizeof(f->nospam));
	wr_u8(w, f->userstatus);
	pack_lv(w, f->name, f->name_len, sizeof(f->name));
	pack_lv(w, f->status_msg, f->status_msg_len, sizeof(f->status_msg));
	pack_lv(w, f->request, f->request_len, sizeof(f->request));
}

static int
unpack_rec(struct rd *r, struct ipc_friend_rec *f)
{
	rd_u16(r, &f->number);
	rd_u8(r, &f->status);
	rd_bytes(r, f->pk, sizeof(f->pk));
	rd_bytes(r, f->nospam, sizeof(f->nospam));
	rd_u8(r, &f->userstatus);
	unpack_lv(r, f->name, &f->name_len, sizeof(f->name));
	unpack_lv(r, f->status_msg, &f->status_msg_len, sizeof(f->status_msg));
	unpack_lv(r, f->request, &f->request_len, sizeof(f->request));
	if (!rd_ok(r) || f->number >= FRIEND_NUM_MAX || f->status < 1 ||
	    f->status > 4)
		return -1;
	return 0;
}

void
ipc_pack_friends_load(struct wr *w, const struct ipc_friends_load *m)
{
	uint8_t	i;

	if (m->count > FRIENDS_LOAD_BATCH) {
		wr_fail(w);
		return;
	}
	wr_u8(w, m->flags);
	wr_bytes(w, m->self_pk, sizeof(m->self_pk));
	wr_u8(w, m->count);
	for (i = 0; i < m->count; i++)
		pack_rec(w, &m->recs[i]);
}

int
ipc_unpack_friends_load(struct rd *r, struct ipc_friends_load *m)
{
	uint8_t	i;

	rd_u8(r, &m->flags);
	rd_bytes(r, m->self_pk, sizeof(m->self_pk));
	if (rd_u8(r, &m->count) == -1 || m->count > FRIENDS_LOAD_BATCH ||
	    (m->flags & ~(FRIENDS_LOAD_FIRST | FRIENDS_LOAD_LAST)))
		return -1;
	for (i = 0; i < m->count; i++)
		if (unpack_rec(r, &m->recs[i]) == -1)
			return -1;
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_friend_add(struct wr *w, const struct ipc_friend_add *m)
{
	wr_u16(w, m->number);
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->nospam, sizeof(m->nospam));
	wr_u8(w, m->status);
	pack_lv(w, m->request, m->request_len, sizeof(m->request));
}

int
ipc_unpack_friend_add(struct rd *r, struct ipc_friend_add *m)
{
	memset(m, 0, sizeof(*m));
	rd_u16(r, &m->number);
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_bytes(r, m->nospam, sizeof(m->nospam));
	rd_u8(r, &m->status);
	unpack_lv(r, m->request, &m->request_len, sizeof(m->request));
	if (!rd_done(r) || m->number >= FRIEND_NUM_MAX || m->status < 1 ||
	    m->status > 3)
		return -1;
	return 0;
}

void
ipc_pack_friend_pk(struct wr *w, const uint8_t pk[TOX_PK_LEN])
{
	wr_bytes(w, pk, TOX_PK_LEN);
}

int
ipc_unpack_friend_pk(struct rd *r, uint8_t pk[TOX_PK_LEN])
{
	rd_bytes(r, pk, TOX_PK_LEN);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_friend_add_req(struct wr *w, const struct ipc_friend_add_req *m)
{
	if (m->len < 1 || m->len > FRIEND_REQ_SEND_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->address, sizeof(m->address));
	wr_bytes(w, m->msg, m->len);
}

int
ipc_unpack_friend_add_req(struct rd *r, struct ipc_friend_add_req *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->address, sizeof(m->address));
	return rd_tail(r, m->msg, 1, FRIEND_REQ_SEND_MAX, &m->len) == 0 &&
	    rd_done(r) ? 0 : -1;
}

void
ipc_pack_friend_ans(struct wr *w, const struct ipc_friend_ans *m)
{
	wr_u16(w, m->number);
	wr_bytes(w, m->pk, sizeof(m->pk));
}

int
ipc_unpack_friend_ans(struct rd *r, struct ipc_friend_ans *m)
{
	rd_u16(r, &m->number);
	rd_bytes(r, m->pk, sizeof(m->pk));
	return rd_done(r) && m->number < FRIEND_NUM_MAX ? 0 : -1;
}

void
ipc_pack_friend_page_req(struct wr *w, uint16_t start)
{
	wr_u16(w, start);
}

int
ipc_unpack_friend_page_req(struct rd *r, uint16_t *start)
{
	rd_u16(r, start);
	return rd_done(r) ? 0 : -1;
}

static void
pack_link(struct wr *w, const struct ipc_friend_link *l)
{
	wr_u8(w, l->up);
	wr_u32(w, l->rtt_ms);
	wr_u32(w, l->bulk_rate);
	wr_u64(w, l->sent);
	wr_u64(w, l->resent);
	wr_u64(w, l->received);
	wr_u32(w, l->congestion);
}

/* A link that is down says nothing else: one meaning per message. */
static int
unpack_link(struct rd *r, struct ipc_friend_link *l)
{
	rd_u8(r, &l->up);
	rd_u32(r, &l->rtt_ms);
	rd_u32(r, &l->bulk_rate);
	rd_u64(r, &l->sent);
	rd_u64(r, &l->resent);
	rd_u64(r, &l->received);
	rd_u32(r, &l->congestion);
	if (!rd_ok(r) || l->up > 1)
		return -1;
	if (!l->up && (l->rtt_ms | l->bulk_rate | l->sent | l->resent |
	    l->received | l->congestion) != 0)
		return -1;
	return 0;
}

void
ipc_pack_friend_list(struct wr *w, const struct ipc_friend_list *m)
{
	const struct ipc_friend_entry	*e;
	uint8_t				 i;

	if (m->count > FRIEND_LIST_PAGE) {
		wr_fail(w);
		return;
	}
	wr_u16(w, m->next);
	wr_u8(w, m->count);
	for (i = 0; i < m->count; i++) {
		e = &m->e[i];
		wr_u16(w, e->number);
		wr_bytes(w, e->pk, sizeof(e->pk));
		wr_u8(w, e->status);
		wr_u8(w, e->connection);
		wr_u8(w, e->userstatus);
		wr_u16(w, e->outbox);
		pack_lv(w, e->name, e->name_len, sizeof(e->name));
		pack_lv(w, e->status_msg, e->status_msg_len,
		    sizeof(e->status_msg));
		pack_link(w, &e->link);
	}
}

int
ipc_unpack_friend_list(struct rd *r, struct ipc_friend_list *m)
{
	struct ipc_friend_entry	*e;
	uint8_t			 i;

	rd_u16(r, &m->next);
	if (rd_u8(r, &m->count) == -1 || m->count > FRIEND_LIST_PAGE)
		return -1;
	for (i = 0; i < m->count; i++) {
		e = &m->e[i];
		rd_u16(r, &e->number);
		rd_bytes(r, e->pk, sizeof(e->pk));
		rd_u8(r, &e->status);
		rd_u8(r, &e->connection);
		rd_u8(r, &e->userstatus);
		rd_u16(r, &e->outbox);
		unpack_lv(r, e->name, &e->name_len, sizeof(e->name));
		unpack_lv(r, e->status_msg, &e->status_msg_len,
		    sizeof(e->status_msg));
		if (unpack_link(r, &e->link) == -1 || !rd_ok(r) ||
		    e->number >= FRIEND_NUM_MAX ||
		    e->connection >= FRIEND_CONN_MAX)
			return -1;
	}
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_friend_inbox(struct wr *w, const struct ipc_friend_inbox *m)
{
	uint8_t	i;

	if (m->count > FRIEND_INBOX_PAGE) {
		wr_fail(w);
		return;
	}
	wr_u16(w, m->next);
	wr_u8(w, m->count);
	for (i = 0; i < m->count; i++) {
		if (m->e[i].len < 1) {
			wr_fail(w);
			return;
		}
		wr_bytes(w, m->e[i].pk, sizeof(m->e[i].pk));
		pack_lv(w, m->e[i].msg, m->e[i].len, sizeof(m->e[i].msg));
	}
}

int
ipc_unpack_friend_inbox(struct rd *r, struct ipc_friend_inbox *m)
{
	uint8_t	i;

	rd_u16(r, &m->next);
	if (rd_u8(r, &m->count) == -1 || m->count > FRIEND_INBOX_PAGE)
		return -1;
	for (i = 0; i < m->count; i++) {
		rd_bytes(r, m->e[i].pk, sizeof(m->e[i].pk));
		if (unpack_lv(r, m->e[i].msg, &m->e[i].len,
		    sizeof(m->e[i].msg)) == -1 || m->e[i].len < 1)
			return -1;
	}
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_friend_remove(struct wr *w, const struct ipc_friend_remove *m)
{
	wr_u8(w, m->by_pk);
	wr_u16(w, m->number);
	wr_bytes(w, m->pk, sizeof(m->pk));
}

int
ipc_unpack_friend_remove(struct rd *r, struct ipc_friend_remove *m)
{
	rd_u8(r, &m->by_pk);
	rd_u16(r, &m->number);
	rd_bytes(r, m->pk, sizeof(m->pk));
	return rd_done(r) && m->by_pk <= 1 ? 0 : -1;
}
