/* Pack/unpack pairs of ipc/msg_dhtpk.h. */
#include <string.h>

#include "ipc/msg_dhtpk.h"

void
ipc_pack_friend_net(struct wr *w, const struct ipc_friend_net *m)
{
	if (m->state > FRIEND_NET_ONLINE) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_u8(w, m->state);
}

int
ipc_unpack_friend_net(struct rd *r, struct ipc_friend_net *m)
{
	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_u8(r, &m->state);
	if (!rd_ok(r) || m->state > FRIEND_NET_ONLINE)
		return -1;
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_friend_dht(struct wr *w, const struct ipc_friend_dht *m)
{
	uint8_t	i;

	if (m->n > DHTPK_NODES_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->dht_pk, sizeof(m->dht_pk));
	wr_u8(w, m->n);
	for (i = 0; i < m->n; i++) {
		/* UDP DHT nodes and TCP relays, as in the DHT-PK itself */
		if (!packed_node_family_ok(m->nodes[i].family, 1)) {
			wr_fail(w);
			return;
		}
		packed_node_pack(w, &m->nodes[i]);
	}
}

int
ipc_unpack_friend_dht(struct rd *r, struct ipc_friend_dht *m)
{
	uint8_t	i;

	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_bytes(r, m->dht_pk, sizeof(m->dht_pk));
	rd_u8(r, &m->n);
	if (!rd_ok(r) || m->n > DHTPK_NODES_MAX)
		return -1;
	for (i = 0; i < m->n; i++)
		if (packed_node_unpack(r, &m->nodes[i], 1) == -1)
			return -1;
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_dhtpk_seal(struct wr *w, const struct ipc_dhtpk_seal *m)
{
	if (m->route > DHTPK_ROUTE_DHT) {
		wr_fail(w);
		return;
	}
	wr_u8(w, m->route);
	ipc_pack_friend_dht(w, &m->f);
}

int
ipc_unpack_dhtpk_seal(struct rd *r, struct ipc_dhtpk_seal *m)
{
	memset(m, 0, sizeof(*m));
	rd_u8(r, &m->route);
	if (!rd_ok(r) || m->route > DHTPK_ROUTE_DHT)
		return -1;
	return ipc_unpack_friend_dht(r, &m->f);
}

void
ipc_pack_dhtpk_sealed(struct wr *w, const struct ipc_dhtpk_sealed *m)
{
	if (m->route > DHTPK_ROUTE_DHT || m->len < DHTPK_SEALED_MIN ||
	    m->len > DHTPK_SEALED_MAX) {
		wr_fail(w);
		return;
	}
	wr_u8(w, m->route);
	wr_bytes(w, m->nonce, sizeof(m->nonce));
	wr_bytes(w, m->sealed, m->len);
}

int
ipc_unpack_dhtpk_sealed(struct rd *r, struct ipc_dhtpk_sealed *m)
{
	size_t	left;

	memset(m, 0, sizeof(*m));
	rd_u8(r, &m->route);
	rd_bytes(r, m->nonce, sizeof(m->nonce));
	left = rd_left(r);
	if (!rd_ok(r) || m->route > DHTPK_ROUTE_DHT ||
	    left < DHTPK_SEALED_MIN || left > DHTPK_SEALED_MAX)
		return -1;
	m->len = (uint16_t)left;
	rd_bytes(r, m->sealed, left);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_dhtpk_in(struct wr *w, const struct ipc_dhtpk_in *m)
{
	if (m->boxlen < DHTPK_BOX_MIN || m->boxlen > DHTPK_BOX_MAX) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, m->outer_pk, sizeof(m->outer_pk));
	wr_bytes(w, m->sender_pk, sizeof(m->sender_pk));
	wr_bytes(w, m->nonce, sizeof(m->nonce));
	wr_bytes(w, m->box, m->boxlen);
}

int
ipc_unpack_dhtpk_in(struct rd *r, struct ipc_dhtpk_in *m)
{
	size_t	left;

	memset(m, 0, sizeof(*m));
	rd_bytes(r, m->outer_pk, sizeof(m->outer_pk));
	rd_bytes(r, m->sender_pk, sizeof(m->sender_pk));
	rd_bytes(r, m->nonce, sizeof(m->nonce));
	left = rd_left(r);
	if (!rd_ok(r) || left < DHTPK_BOX_MIN || left > DHTPK_BOX_MAX)
		return -1;
	m->boxlen = (uint16_t)left;
	rd_bytes(r, m->box, left);
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_friend_dhtpk_in(struct wr *w, const struct ipc_friend_dhtpk_in *m)
{
	if (m->route > DHTPK_ROUTE_DHT || m->len < DHTPK_MIN_LEN ||
	    m->len > DHTPK_MAX_LEN) {
		wr_fail(w);
		return;
	}
	wr_u8(w, m->route);
	wr_bytes(w, m->pk, sizeof(m->pk));
	wr_bytes(w, m->outer_pk, sizeof(m->outer_pk));
	wr_bytes(w, m->data, m->len);
}

int
ipc_unpack_friend_dhtpk_in(struct rd *r, struct ipc_friend_dhtpk_in *m)
{
	size_t	left;

	memset(m, 0, sizeof(*m));
	rd_u8(r, &m->route);
	rd_bytes(r, m->pk, sizeof(m->pk));
	rd_bytes(r, m->outer_pk, sizeof(m->outer_pk));
	left = rd_left(r);
	if (!rd_ok(r) || m->route > DHTPK_ROUTE_DHT ||
	    left < DHTPK_MIN_LEN || left > DHTPK_MAX_LEN)
		return -1;
	m->len = (uint16_t)left;
	rd_bytes(r, m->data, left);
	return rd_done(r) ? 0 : -1;
}
