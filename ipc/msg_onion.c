/* Pack/unpack pairs of ipc/msg_onion.h. */
#include <string.h>

#include "ipc/msg_onion.h"

void
ipc_pack_onion_announce_seal(struct wr *w,
    const struct ipc_onion_announce_seal *m)
{
	wr_bytes(w, m->node_pk, sizeof(m->node_pk));
	wr_bytes(w, m->ping_id, sizeof(m->ping_id));
	wr_bytes(w, m->data_pk, sizeof(m->data_pk));
	wr_bytes(w, m->sendback, sizeof(m->sendback));
}

int
ipc_unpack_onion_announce_seal(struct rd *r,
    struct ipc_onion_announce_seal *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->node_pk, sizeof(m->node_pk));
	rd_bytes(r, m->ping_id, sizeof(m->ping_id));
	rd_bytes(r, m->data_pk, sizeof(m->data_pk));
	rd_bytes(r, m->sendback, sizeof(m->sendback));
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_onion_announce_sealed(struct wr *w,
    const struct ipc_onion_announce_sealed *m)
{
	if (m->pkt[0] != ONION_ANNOUNCE_REQ) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pkt, sizeof(m->pkt));
}

int
ipc_unpack_onion_announce_sealed(struct rd *r,
    struct ipc_onion_announce_sealed *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pkt, sizeof(m->pkt));
	return rd_done(r) && m->pkt[0] == ONION_ANNOUNCE_REQ ? 0 : -1;
}

void
ipc_pack_onion_announce_open(struct wr *w,
    const struct ipc_onion_announce_open *m)
{
	if (m->len < ANNOUNCE_RESP_MIN || m->len > ANNOUNCE_RESP_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->node_pk, sizeof(m->node_pk));
	wr_bytes(w, m->pkt, m->len);
}

int
ipc_unpack_onion_announce_open(struct rd *r,
    struct ipc_onion_announce_open *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->node_pk, sizeof(m->node_pk));
	return rd_tail(r, m->pkt, ANNOUNCE_RESP_MIN, ANNOUNCE_RESP_MAX, &m->len) == 0 &&
	    rd_done(r) ? 0 : -1;
}

void
ipc_pack_onion_announce_opened(struct wr *w,
    const struct ipc_onion_announce_opened *m)
{
	uint8_t	i;

	if (m->is_stored > ANNOUNCE_STORED ||
	    m->n > ANNOUNCE_RESP_NODES_MAX) {
		wr_fail(w);
		return;
	}
	wr_u8(w, m->is_stored);
	wr_bytes(w, m->field, sizeof(m->field));
	wr_u8(w, m->n);
	for (i = 0; i < m->n; i++) {
		if (!packed_node_family_ok(m->nodes[i].family, 0)) {
			wr_fail(w);
			return;
		}
		packed_node_pack(w, &m->nodes[i]);
	}
}

int
ipc_unpack_onion_announce_opened(struct rd *r,
    struct ipc_onion_announce_opened *m)
{
	uint8_t	i;

	memset(m, 0, sizeof(*m));
	rd_u8(r, &m->is_stored);
	rd_bytes(r, m->field, sizeof(m->field));
	rd_u8(r, &m->n);
	if (!rd_ok(r) || m->is_stored > ANNOUNCE_STORED ||
	    m->n > ANNOUNCE_RESP_NODES_MAX)
		return -1;
	for (i = 0; i < m->n; i++)
		if (packed_node_unpack(r, &m->nodes[i], 0) == -1)
			return -1;
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_onion_data_in(struct wr *w, const struct ipc_onion_data_in *m)
{
	if (m->boxlen < ONION_DATA_BOX_MIN || m->boxlen > ONION_DATA_BOX_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->sender_pk, sizeof(m->sender_pk));
	wr_bytes(w, m->nonce, sizeof(m->nonce));
	wr_bytes(w, m->box, m->boxlen);
}

int
ipc_unpack_onion_data_in(struct rd *r, struct ipc_onion_data_in *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->sender_pk, sizeof(m->sender_pk));
	rd_bytes(r, m->nonce, sizeof(m->nonce));
	return rd_tail(r, m->box, ONION_DATA_BOX_MIN, ONION_DATA_BOX_MAX, &m->boxlen) == 0 &&
	    rd_done(r) ? 0 : -1;
}

void
ipc_pack_onion_data_out(struct wr *w, const struct ipc_onion_data_out *m)
{
	if (m->len < ONION_DATA_SEALED_MIN ||
	    m->len > ONION_DATA_SEALED_SEND_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->dest_pk, sizeof(m->dest_pk));
	wr_bytes(w, m->nonce, sizeof(m->nonce));
	wr_bytes(w, m->sealed, m->len);
}

int
ipc_unpack_onion_data_out(struct rd *r, struct ipc_onion_data_out *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->dest_pk, sizeof(m->dest_pk));
	rd_bytes(r, m->nonce, sizeof(m->nonce));
	return rd_tail(r, m->sealed, ONION_DATA_SEALED_MIN, ONION_DATA_SEALED_SEND_MAX, &m->len) == 0 &&
	    rd_done(r) ? 0 : -1;
}

void
ipc_pack_onion_self(struct wr *w, const uint8_t pk[ONION_PK_LEN])
{
	wr_bytes(w, pk, ONION_PK_LEN);
}

int
ipc_unpack_onion_self(struct rd *r, uint8_t pk[ONION_PK_LEN])
{
	rd_bytes(r, pk, ONION_PK_LEN);
	return rd_done(r) ? 0 : -1;
}
