/* Pack/unpack of the stream-socket broker's messages: see msg_sock.h. */
#include <string.h>

#include "ipc/msg_sock.h"

void
ipc_pack_sock_open(struct wr *w, const struct ipc_sock_open *m)
{
	wr_u32(w, m->tag);
	wr_u8(w, m->family);
	wr_bytes(w, m->addr, sizeof(m->addr));
	wr_u16(w, m->port);
}

int
ipc_unpack_sock_open(struct rd *r, struct ipc_sock_open *m)
{
	static const uint8_t	zero[12];

	rd_u32(r, &m->tag);
	rd_u8(r, &m->family);
	rd_bytes(r, m->addr, sizeof(m->addr));
	rd_u16(r, &m->port);
	if (!rd_done(r) || m->port == 0)
		return -1;
	if (m->family == IPC_SOCK_FAMILY_V4)
		/* one spelling per address: the policy compares bytes */
		return memcmp(m->addr + 4, zero, sizeof(zero)) == 0 ? 0 : -1;
	return m->family == IPC_SOCK_FAMILY_V6 ? 0 : -1;
}

void
ipc_pack_sock_opened(struct wr *w, const struct ipc_sock_opened *m)
{
	wr_u32(w, m->tag);
	wr_u32(w, (uint32_t)m->err);
}

int
ipc_unpack_sock_opened(struct rd *r, struct ipc_sock_opened *m)
{
	uint32_t	e;

	rd_u32(r, &m->tag);
	rd_u32(r, &e);
	if (!rd_done(r) || e > IPC_SOCK_ERRNO_MAX)
		return -1;
	m->err = (int32_t)e;
	return 0;
}
