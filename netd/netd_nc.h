/*
 * net_crypto in netd (map §7): the connection table of netd/nc_conn.h on
 * the event loop and keyd's channel.
 *
 *  - UDP kinds 0x18-0x1b from the switch go to the engine; its calls out
 *    become NC_HS_MAKE, NC_HS_IN, NC_ABORT and NC_DATA_IN to keyd;
 *  - keyd's NC_HS_MADE (a handshake to send and resend as is), NC_STATE
 *    (keys set, established, gone) and NC_DATA_OUT (a sealed 0x1b for a
 *    friend's tied address) come back to it;
 *  - which friends to connect to: ONION_FRIEND (netd_dhtpk.c passes it
 *    on: gone or not), their DHT keys from ONION_FRIEND_DHT, and the
 *    address from the DHT's search list (dht_search_addr): c-toxcore's
 *    friend_connection finds a friend the same way;
 *  - the engine needs our real key for its cookie requests: ONION_SELF
 *    (netd_onion_client.c passes it on).
 * One timer, armed to the engine's next deadline.
 */
#ifndef BULKHEAD_NETD_NETD_NC_H
#define BULKHEAD_NETD_NETD_NC_H

#include <stdint.h>

#include "ipc/chan.h"
#include "netd/nc_conn.h"

void	netd_nc_serve(struct chan *keyd);
/* From the rows that read these messages first. */
void	netd_nc_self(const uint8_t pk[NC_PK_LEN]);
void	netd_nc_friend(const uint8_t pk[NC_PK_LEN], int gone);
void	netd_nc_friend_dht(const uint8_t pk[NC_PK_LEN],
	    const uint8_t dht_pk[NC_PK_LEN]);
/* The engine's counters, for status and tests; NULL before ONION_SELF. */
const struct ncc_stats *netd_nc_stats(void);
extern const struct chan_table	netd_nc_from_keyd;

#endif
