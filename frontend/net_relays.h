/* The TCP relays as netd reports them (through keyd), for `status`. */
#ifndef BULKHEAD_FRONTEND_NET_RELAYS_H
#define BULKHEAD_FRONTEND_NET_RELAYS_H

#include <jansson.h>

struct chan;
struct ipc_msg;
struct rd;

/* IPC_NET_RELAYS from keyd: kept; no event (a relay's state flickers). */
int	net_relays_msg(struct chan *, struct ipc_msg *, struct rd *);
/*
 * [{"public_key", "address", "state": "idle" | "connecting" | "up" |
 * "waiting", "source": ["configured", "nodes", "friend"], "friends"}],
 * empty before netd has reported.
 */
json_t	*net_relays_json(void);
/* {"clients"}: our relay server's confirmed clients; null: none served. */
json_t	*net_relay_server_json(void);

#endif
