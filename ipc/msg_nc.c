/* Pack/unpack pairs of ipc/msg_nc.h. */
#include <string.h>

#include "ipc/msg_nc.h"

void
ipc_pack_nc_hs_make(struct wr *w, const struct ipc_nc_hs_make *m)
{
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->peer_cookie, sizeof(m->peer_cookie));
	wr_bytes(w, m->other_cookie, sizeof(m->other_cookie));
}

int
ipc_unpack_nc_hs_make(struct rd *r, struct ipc_nc_hs_make *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_bytes(r, m->peer_cookie, sizeof(m->peer_cookie));
	rd_bytes(r, m->other_cookie, sizeof(m->other_cookie));
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_nc_hs_made(struct wr *w, const struct ipc_nc_hs_made *m)
{
	if (m->hs[0] != NC_HS_KIND) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->hs, sizeof(m->hs));
}

int
ipc_unpack_nc_hs_made(struct rd *r, struct ipc_nc_hs_made *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_bytes(r, m->hs, sizeof(m->hs));
	if (!rd_done(r) || m->hs[0] != NC_HS_KIND)
		return -1;
	return 0;
}

void
ipc_pack_nc_hs_in(struct wr *w, const struct ipc_nc_hs_in *m)
{
	if (m->want_reply > 1 || m->hs[0] != NC_HS_KIND) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->dht_pk, sizeof(m->dht_pk));
	wr_u8(w, m->want_reply);
	wr_bytes(w, m->other_cookie, sizeof(m->other_cookie));
	wr_bytes(w, m->hs, sizeof(m->hs));
}

int
ipc_unpack_nc_hs_in(struct rd *r, struct ipc_nc_hs_in *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_bytes(r, m->dht_pk, sizeof(m->dht_pk));
	rd_u8(r, &m->want_reply);
	rd_bytes(r, m->other_cookie, sizeof(m->other_cookie));
	rd_bytes(r, m->hs, sizeof(m->hs));
	if (!rd_done(r) || m->want_reply > 1 || m->hs[0] != NC_HS_KIND)
		return -1;
	return 0;
}

void
ipc_pack_nc_state(struct wr *w, const struct ipc_nc_state *m)
{
	if (m->state > NC_STATE_ESTABLISHED) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u8(w, m->state);
}

int
ipc_unpack_nc_state(struct rd *r, struct ipc_nc_state *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u8(r, &m->state);
	if (!rd_done(r) || m->state > NC_STATE_ESTABLISHED)
		return -1;
	return 0;
}

void
ipc_pack_nc_pk(struct wr *w, const uint8_t pk[IPC_NC_PK_LEN])
{
	wr_bytes(w, pk, IPC_NC_PK_LEN);
}

int
ipc_unpack_nc_pk(struct rd *r, uint8_t pk[IPC_NC_PK_LEN])
{
	memset(pk, 0, IPC_NC_PK_LEN);
	rd_bytes(r, pk, IPC_NC_PK_LEN);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_nc_data(struct wr *w, const struct ipc_nc_data *m)
{
	if (m->len <= NC_DATA_PACKET_MIN || m->len > NC_PACKET_MAX ||
	    m->pkt[0] != NC_DATA_KIND) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->pkt, m->len);
}

int
ipc_view_nc_data(struct rd *r, struct ipc_nc_data_ref *m)
{
	size_t	left;

	memset(m, 0, sizeof(*m));
	m->pk = rd_take(r, IPC_NC_PK_LEN);
	left = rd_left(r);
	if (!rd_ok(r) || left <= NC_DATA_PACKET_MIN || left > NC_PACKET_MAX)
		return -1;
	m->pkt = rd_take(r, left);
	if (!rd_done(r) || m->pkt[0] != NC_DATA_KIND) {
		memset(m, 0, sizeof(*m));
		return -1;
	}
	m->len = (uint16_t)left;
	return 0;
}

int
ipc_unpack_nc_data(struct rd *r, struct ipc_nc_data *m)
{
	struct ipc_nc_data_ref	v;

	memset(m, 0, sizeof(*m));
	if (ipc_view_nc_data(r, &v) == -1)
		return -1;
	memcpy(m->pk, v.pk, sizeof(m->pk));
	memcpy(m->pkt, v.pkt, v.len);
	m->len = v.len;
	return 0;
}

void
ipc_pack_nc_plain_ref(struct wr *w, const struct ipc_nc_plain_ref *m)
{
	if (m->len < 1 || m->len > NC_DATA_MAX ||
	    nc_data_id_class(m->data[0]) == NC_CLASS_INVALID) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, IPC_NC_PK_LEN);
	wr_u32(w, m->buffer_start);
	wr_u32(w, m->number);
	wr_bytes(w, m->data, m->len);
}

void
ipc_pack_nc_plain(struct wr *w, const struct ipc_nc_plain *m)
{
	struct ipc_nc_plain_ref	v = { m->pk, m->buffer_start, m->number,
	    m->len, m->data };

	ipc_pack_nc_plain_ref(w, &v);
}

int
ipc_view_nc_plain(struct rd *r, struct ipc_nc_plain_ref *m)
{
	size_t	left;

	memset(m, 0, sizeof(*m));
	m->pk = rd_take(r, IPC_NC_PK_LEN);
	rd_u32(r, &m->buffer_start);
	rd_u32(r, &m->number);
	left = rd_left(r);
	if (!rd_ok(r) || left < 1 || left > NC_DATA_MAX)
		goto bad;
	m->data = rd_take(r, left);
	if (!rd_done(r) || nc_data_id_class(m->data[0]) == NC_CLASS_INVALID)
		goto bad;
	m->len = (uint16_t)left;
	return 0;
bad:
	memset(m, 0, sizeof(*m));
	return -1;
}

int
ipc_unpack_nc_plain(struct rd *r, struct ipc_nc_plain *m)
{
	struct ipc_nc_plain_ref	v;

	memset(m, 0, sizeof(*m));
	if (ipc_view_nc_plain(r, &v) == -1)
		return -1;
	memcpy(m->pk, v.pk, sizeof(m->pk));
	m->buffer_start = v.buffer_start;
	m->number = v.number;
	m->len = v.len;
	memcpy(m->data, v.data, v.len);
	return 0;
}

void
ipc_pack_nc_addr(struct wr *w, const struct ipc_nc_addr *m)
{
	if (!packed_node_family_ok(m->node.family, 0)) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	packed_node_pack(w, &m->node);
}

int
ipc_unpack_nc_addr(struct rd *r, struct ipc_nc_addr *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	if (!rd_ok(r) || packed_node_unpack(r, &m->node, 0) == -1)
		return -1;
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_nc_path(struct wr *w, const struct ipc_nc_path *m)
{
	if (m->path != NC_PATH_UDP && m->path != NC_PATH_TCP) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u8(w, m->path);
}

int
ipc_unpack_nc_path(struct rd *r, struct ipc_nc_path *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u8(r, &m->path);
	if (!rd_done(r) || (m->path != NC_PATH_UDP && m->path != NC_PATH_TCP))
		return -1;
	return 0;
}
