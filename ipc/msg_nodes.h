/*
 * The nodes list messages.  The list itself never rides in a payload: it
 * is the descriptor (the user's file, a sealed memfd of a fetch, keyd's
 * cached file opened read-only), so its size is not bounded by one
 * message; a list is at most NODES_LIST_MAX bytes wherever it is read or
 * kept.  How a fetch went is a payload: fetchd tells the supervisor why it
 * failed, and the supervisor tells the frontend, which shows it as an
 * event (held while a prompt is up, unlike a log line).
 */
#ifndef BULKHEAD_IPC_MSG_NODES_H
#define BULKHEAD_IPC_MSG_NODES_H

#include <stdint.h>

#include "common/rd.h"
#include "ipc/msg_core.h"

#define NODES_LIST_MAX		(2 * 1024 * 1024)

/* NODES_FETCH_FAILED: text.  NODES_FETCH_EVENT: ok (0 or 1) || text. */
#define IPC_FETCH_FAILED_MIN_LEN	2
#define IPC_FETCH_FAILED_MAX_LEN	(2 + IPC_ERROR_TEXT_MAX)
#define IPC_FETCH_EVENT_MIN_LEN		(1 + 2)
#define IPC_FETCH_EVENT_MAX_LEN		(1 + 2 + IPC_ERROR_TEXT_MAX)

struct ipc_fetch_result {
	uint8_t	ok;
	char	text[IPC_ERROR_TEXT_MAX + 1];	/* why not; "" when ok */
};
void	ipc_pack_fetch_failed(struct wr *, const char *why);
int	ipc_unpack_fetch_failed(struct rd *, char *why, size_t whysz);
void	ipc_pack_fetch_event(struct wr *, const struct ipc_fetch_result *);
int	ipc_unpack_fetch_event(struct rd *, struct ipc_fetch_result *);

#endif
