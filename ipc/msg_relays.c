/* NET_RELAYS: see msg_relays.h. */
#include <string.h>

#include "ipc/msg_relays.h"

static int
where_ok(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > IPC_RELAY_WHERE_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return 1;
}

void
ipc_pack_net_relays(struct wr *w, const struct ipc_net_relays *m)
{
	const struct ipc_net_relay	*e;
	size_t				 len;
	uint8_t				 i;

	if (m->n > IPC_NET_RELAYS_MAX) {
		wr_fail(w);
		return;
	}
	wr_u16(w, m->server_clients);
	wr_u8(w, m->n);
	for (i = 0; i < m->n; i++) {
		e = &m->r[i];
		len = strnlen(e->where, sizeof(e->where));
		if (e->state >= IPC_RELAY_STATE_MAX ||
		    (e->src & ~IPC_RELAY_SRC_ALL) != 0 ||
		    (e->family != 0 && e->family != 4 && e->family != 6) ||
		    !where_ok(e->where, len)) {
			wr_fail(w);
			return;
		}
		wr_bytes(w, e->pk, sizeof(e->pk));
		wr_u8(w, e->state);
		wr_u8(w, e->src);
		wr_u8(w, e->friends);
		wr_u8(w, e->family);
		wr_bytes(w, e->ip, sizeof(e->ip));
		wr_u16(w, e->port);
		wr_u16(w, (uint16_t)len);
		wr_bytes(w, e->where, len);
	}
}

int
ipc_unpack_net_relays(struct rd *r, struct ipc_net_relays *m)
{
	struct ipc_net_relay	*e;
	uint8_t			 i;
	uint16_t		 len;

	memset(m, 0, sizeof(*m));
	rd_u16(r, &m->server_clients);
	rd_u8(r, &m->n);
	if (!rd_ok(r) || m->n > IPC_NET_RELAYS_MAX)
		return -1;
	for (i = 0; i < m->n; i++) {
		e = &m->r[i];
		rd_bytes(r, e->pk, sizeof(e->pk));
		rd_u8(r, &e->state);
		rd_u8(r, &e->src);
		rd_u8(r, &e->friends);
		rd_u8(r, &e->family);
		rd_bytes(r, e->ip, sizeof(e->ip));
		rd_u16(r, &e->port);
		rd_u16(r, &len);
		if (!rd_ok(r) || len > IPC_RELAY_WHERE_MAX)
			return -1;
		rd_bytes(r, e->where, len);
		if (!rd_ok(r) || e->state >= IPC_RELAY_STATE_MAX ||
		    (e->src & ~IPC_RELAY_SRC_ALL) != 0 ||
		    (e->family != 0 && e->family != 4 && e->family != 6) ||
		    !where_ok(e->where, len))
			return -1;
	}
	return rd_done(r) ? 0 : -1;
}
