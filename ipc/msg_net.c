/* Pack/unpack of the network messages: see msg_net.h. */
#include <string.h>

#include "ipc/msg_net.h"

void
ipc_pack_net_status(struct wr *w, const struct ipc_net_status *m)
{
	wr_u8(w, m->state);
	wr_bytes(w, m->dht_pk, sizeof(m->dht_pk));
	wr_u16(w, m->udp_port);
	wr_u32(w, m->good_nodes);
	wr_u8(w, m->onion);
	wr_u16(w, m->onion_nodes);
}

int
ipc_unpack_net_status(struct rd *r, struct ipc_net_status *m)
{
	rd_u8(r, &m->state);
	rd_bytes(r, m->dht_pk, sizeof(m->dht_pk));
	rd_u16(r, &m->udp_port);
	rd_u32(r, &m->good_nodes);
	rd_u8(r, &m->onion);
	rd_u16(r, &m->onion_nodes);
	if (!rd_done(r) || m->state >= NET_DHT_STATE_MAX ||
	    m->onion >= NET_ONION_STATE_MAX)
		return -1;
	return 0;
}

void
ipc_pack_net_nodes(struct wr *w, const struct ipc_net_nodes *m)
{
	uint8_t	i;

	if (m->n == 0 || m->n > IPC_NET_NODES_MAX) {
		wr_fail(w);
		return;
	}
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
ipc_unpack_net_nodes(struct rd *r, struct ipc_net_nodes *m)
{
	uint8_t	i;

	memset(m, 0, sizeof(*m));
	if (rd_u8(r, &m->n) == -1 || m->n == 0 || m->n > IPC_NET_NODES_MAX)
		return -1;
	for (i = 0; i < m->n; i++)
		if (packed_node_unpack(r, &m->nodes[i], 0) == -1)
			return -1;
	return rd_done(r) ? 0 : -1;
}

void
ipc_pack_net_bootstrap(struct wr *w, const struct packed_node *n)
{
	if (!packed_node_family_ok(n->family, 0)) {
		wr_fail(w);
		return;
	}
	packed_node_pack(w, n);
}

int
ipc_unpack_net_bootstrap(struct rd *r, struct packed_node *n)
{
	if (packed_node_unpack(r, n, 0) == -1 || !rd_done(r))
		return -1;
	return 0;
}

void
ipc_pack_net_dht_key(struct wr *w, const uint8_t pk[PN_PK_LEN])
{
	wr_bytes(w, pk, PN_PK_LEN);
}

int
ipc_unpack_net_dht_key(struct rd *r, uint8_t pk[PN_PK_LEN])
{
	rd_bytes(r, pk, PN_PK_LEN);
	return rd_done(r) ? 0 : -1;
}
