/* Pack/unpack of the nodes list messages: see msg_nodes.h. */
#include "ipc/msg_nodes.h"

void
ipc_pack_fetch_failed(struct wr *w, const char *why)
{
	ipc_pack_text(w, why, IPC_ERROR_TEXT_MAX);
}

int
ipc_unpack_fetch_failed(struct rd *r, char *why, size_t whysz)
{
	if (ipc_unpack_text(r, why, whysz) == -1 || !rd_done(r))
		return -1;
	return 0;
}

void
ipc_pack_fetch_event(struct wr *w, const struct ipc_fetch_result *m)
{
	wr_u8(w, m->ok);
	ipc_pack_text(w, m->text, IPC_ERROR_TEXT_MAX);
}

int
ipc_unpack_fetch_event(struct rd *r, struct ipc_fetch_result *m)
{
	rd_u8(r, &m->ok);
	if (ipc_unpack_text(r, m->text, sizeof(m->text)) == -1 ||
	    !rd_done(r) || m->ok > 1)
		return -1;
	return 0;
}
