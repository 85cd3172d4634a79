/*
 * Message types of the bootstrap nodes list: 128..143.
 *
 *   sup -> netd   NODES_FD          a descriptor to read a nodes list from
 *                                   (a file the user named, or the pipe
 *                                   from a running fetchd)
 *   netd -> keyd  NODES_CACHE_SAVE  a list netd parsed, re-serialised by
 *                                   netd, for keyd to keep in the profile
 *                                   dir (keyd stores bytes, parses nothing)
 *   keyd -> netd  NODES_CACHE       the cached list, at start and after a
 *                                   netd restart
 */
#ifndef BULKHEAD_IPC_TYPES_NODES_H
#define BULKHEAD_IPC_TYPES_NODES_H

enum ipc_type_nodes {
	IPC_NODES_FIRST		= 128,
	IPC_NODES_FD		= 128,
	IPC_NODES_CACHE_SAVE	= 129,
	IPC_NODES_CACHE		= 130,
	IPC_NODES_LAST		= 143
};

/* NODES_FD payload: one byte, where the list comes from. */
enum nodes_source {
	NODES_SRC_FILE = 1,	/* --nodes FILE */
	NODES_SRC_FETCH = 2,	/* fetchd's output: cache it when good */
};

#endif
