/*
 * Message types of the network (keyd <-> netd, keyd -> frontend for
 * network status): 64..127.  Payloads and their pack/unpack pairs are in
 * ipc/msg_net.h; who may send what to whom in ipc/spec_net.c.
 *
 *   netd -> keyd -> frontend  NET_STATUS      DHT state, DHT pk, UDP port,
 *                                             good nodes (keyd forwards it)
 *   netd -> keyd              NET_NODES_SAVE  good DHT nodes, from time to
 *                                             time, for the profile
 *   keyd -> netd              NET_NODES_LOAD  saved nodes, at netd's start
 *   frontend -> keyd -> netd  NET_BOOTSTRAP   one node (IP literal, port,
 *                                             DHT key); reply OK or ERROR
 *   keyd -> netd              NET_DHT_SEARCH_ADD / _DEL  a friend's DHT key
 */
#ifndef BULKHEAD_IPC_TYPES_NET_H
#define BULKHEAD_IPC_TYPES_NET_H

enum ipc_type_net {
	IPC_NET_FIRST		= 64,
	IPC_NET_STATUS		= 64,
	IPC_NET_NODES_SAVE	= 65,
	IPC_NET_NODES_LOAD	= 66,
	IPC_NET_BOOTSTRAP	= 67,
	IPC_NET_DHT_SEARCH_ADD	= 68,
	IPC_NET_DHT_SEARCH_DEL	= 69,
	IPC_NET_LAST		= 127
};

#endif
