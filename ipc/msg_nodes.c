/* Pack/unpack of the nodes list messages: see msg_nodes.h. */
#include "ipc/msg_nodes.h"

void
ipc_pack_nodes_fd(struct wr *w, enum nodes_source src)
{
	if (src != NODES_SRC_FILE && src != NODES_SRC_FETCH) {
		wr_fail(w);
		return;
	}
	wr_u8(w, (uint8_t)src);
}

int
ipc_unpack_nodes_fd(struct rd *r, enum nodes_source *src)
{
	uint8_t	v = 0;

	rd_u8(r, &v);
	if (!rd_done(r) || (v != NODES_SRC_FILE && v != NODES_SRC_FETCH))
		return -1;
	*src = (enum nodes_source)v;
	return 0;
}

void
ipc_pack_nodes_list(struct wr *w, const void *p, size_t len)
{
	if (len < IPC_NODES_LIST_MIN_LEN || len > IPC_NODES_LIST_MAX_LEN) {
		wr_fail(w);
		return;
	}
	wr_bytes(w, p, len);
}

int
ipc_unpack_nodes_list(struct rd *r, const uint8_t **p, size_t *len)
{
	if (rd_left(r) < IPC_NODES_LIST_MIN_LEN ||
	    rd_left(r) > IPC_NODES_LIST_MAX_LEN)
		return -1;
	*p = rd_rest(r, len);
	return 0;
}
