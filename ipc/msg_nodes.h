/*
 * The nodes list messages carry no payload: the list rides as the
 * descriptor (the user's file, a sealed memfd of a fetch, keyd's cached
 * file opened read-only), so its size is not bounded by one message.  A
 * list is at most NODES_LIST_MAX bytes wherever it is read or kept.
 */
#ifndef BULKHEAD_IPC_MSG_NODES_H
#define BULKHEAD_IPC_MSG_NODES_H

#define NODES_LIST_MAX		(1024 * 1024)

#endif
