/*
 * netd's one status message to keyd (NET_STATUS): the DHT's part
 * (netd_dht.c) and the onion client's (netd_onion_client.c) in one
 * report.  A change of state goes at once; a change of counts only, at
 * most every NETD_STATUS_MIN_MS, so a busy network is not a stream of
 * messages.  Both modules call netd_status_report() after their work.
 */
#ifndef BULKHEAD_NETD_NETD_STATUS_H
#define BULKHEAD_NETD_NETD_STATUS_H

#include "ipc/chan.h"
#include "ipc/msg_net.h"

/* Status messages when only counts changed: at most this often. */
#define NETD_STATUS_MIN_MS	2000

/* Where reports go; NULL: nowhere (netd --standalone). */
void	netd_status_init(struct chan *keyd);
/* The status now. */
void	netd_status_get(struct ipc_net_status *);
/* Sends the status if it changed (see above). */
void	netd_status_report(void);
/*
 * The relays may have changed (netd_tcp.c): NET_RELAYS goes if they did,
 * at most every NETD_RELAYS_MIN_MS.
 */
#define NETD_RELAYS_MIN_MS	250
void	netd_status_relays(void);

#endif
