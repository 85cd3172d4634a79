/*
 * Payloads of the bootstrap nodes list messages, in the style of
 * msg_core.h.  NODES_FD carries one byte, where the list comes from (the
 * descriptor rides along).  NODES_CACHE_SAVE and NODES_CACHE carry a list
 * as bytes: keyd keeps them and parses nothing, so the only rule here is
 * the size.
 */
#ifndef BULKHEAD_IPC_MSG_NODES_H
#define BULKHEAD_IPC_MSG_NODES_H

#include <stddef.h>
#include <stdint.h>

#include "common/rd.h"
#include "ipc/ipc.h"

#define IPC_NODES_FD_LEN	1
/* The smallest JSON text a list can be ("{}") up to one message. */
#define IPC_NODES_LIST_MIN_LEN	2
#define IPC_NODES_LIST_MAX_LEN	IPC_MAX_PAYLOAD

void	ipc_pack_nodes_fd(struct wr *, enum nodes_source);
int	ipc_unpack_nodes_fd(struct rd *, enum nodes_source *);
void	ipc_pack_nodes_list(struct wr *, const void *, size_t);
/* Points *p into the reader's buffer; does not copy. */
int	ipc_unpack_nodes_list(struct rd *, const uint8_t **p, size_t *len);

#endif
