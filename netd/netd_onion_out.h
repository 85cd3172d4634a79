/*
 * Onion data keyd sealed for a friend (ONION_DATA_OUT: today a friend
 * request), waiting for the onion client to find the friend's announce
 * nodes and deliver it.  Fixed memory: at most NETD_ONION_OUT_MAX
 * entries, at most NETD_ONION_OUT_PER_PK of them for one destination; the
 * newest for a destination replaces that destination's oldest, and when
 * the table is full the oldest of all makes room.  No clock: order is
 * arrival order.
 */
#ifndef BULKHEAD_NETD_NETD_ONION_OUT_H
#define BULKHEAD_NETD_NETD_ONION_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/chan.h"
#include "ipc/msg_onion.h"

#define NETD_ONION_OUT_MAX	64
#define NETD_ONION_OUT_PER_PK	2

struct netd_onion_out_stats {
	uint64_t	queued;
	uint64_t	replaced;	/* a destination's oldest, by its newest */
	uint64_t	evicted;	/* the oldest of all, for room */
	uint64_t	taken;		/* by the onion client */
};

/* The handler row for keyd's channel (ONION_DATA_OUT). */
extern const struct chan_table	netd_onion_out_from_keyd;

/*
 * For the onion client: the oldest entry for dest (its nonce and sealed
 * inner layer), moved into *out and forgotten.  1 if there was one, 0 if
 * not.
 */
int	netd_onion_out_take(const uint8_t dest[ONION_PK_LEN],
	    struct ipc_onion_data_out *out);
/* fn(dest) runs after each entry is queued: the onion client searches
 * for dest and delivers when it can (NULL: nobody is told). */
void	netd_onion_out_notify(void (*fn)(const uint8_t dest[ONION_PK_LEN]));
/* How many entries wait for dest (NULL: for everyone). */
size_t	netd_onion_out_pending(const uint8_t *dest);
/* Forgets everything (a new keyd, a test). */
void	netd_onion_out_clear(void);
const struct netd_onion_out_stats *netd_onion_out_stats(void);

#endif
