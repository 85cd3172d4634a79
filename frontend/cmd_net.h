/* The DHT connection as netd reports it (through keyd): see cmd_net.c. */
#ifndef BULKHEAD_FRONTEND_CMD_NET_H
#define BULKHEAD_FRONTEND_CMD_NET_H

#include <jansson.h>

struct chan;
struct ipc_msg;
struct rd;

/* IPC_NET_STATUS from keyd: a "dht" event when the state changes. */
int	net_status_msg(struct chan *, struct ipc_msg *, struct rd *);
/* The last status, for `status`; null before the first. */
json_t	*net_status_json(void);
/* {"announced", "nodes"}: findable by friends on the onion, and on how
 * many live announce nodes (null until netd has reported). */
json_t	*net_onion_json(void);

#endif
