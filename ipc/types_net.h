/*
 * Message types of the network (keyd <-> netd, keyd -> frontend for
 * network status): 64..127.  Owned by the DHT work; see ipc/spec_net.c.
 */
#ifndef BULKHEAD_IPC_TYPES_NET_H
#define BULKHEAD_IPC_TYPES_NET_H

enum ipc_type_net {
	IPC_NET_FIRST		= 64,
	IPC_NET_LAST		= 127
};

#endif
