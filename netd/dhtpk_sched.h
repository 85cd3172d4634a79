/*
 * When netd sends our DHT-PK to each friend (c-toxcore onion_client.c
 * do_friend): while a friend is not online, by onion data every 30 s
 * once its data key is known, and by the DHT route every 20 s once its
 * DHT key is known; a try that could not go (no data key yet, no route,
 * keyd refused) is tried again after a second, c-toxcore's run interval.
 * A new friend, one that goes offline, and a DHT key just learned are due
 * at once.
 *
 * A pure engine: fixed memory, time as now_ms (monotonic), no I/O.  The
 * glue (netd_dhtpk.c) arms one timer to dhtpk_sched_next().
 */
#ifndef BULKHEAD_NETD_DHTPK_SCHED_H
#define BULKHEAD_NETD_DHTPK_SCHED_H

#include <stdint.h>

#include "ipc/msg_dhtpk.h"
#include "netd/onion_client.h"

#define DHTPK_ONION_MS		30000	/* ONION_DHTPK_SEND_INTERVAL */
#define DHTPK_DHT_MS		20000	/* DHT_DHTPK_SEND_INTERVAL */
#define DHTPK_RETRY_MS		1000
#define DHTPK_SCHED_MAX		OC_FRIENDS_MAX
#define DHTPK_ROUTES		2	/* enum dhtpk_route */

struct dhtpk_friend {
	uint8_t		used, online, has_dht;
	uint8_t		pk[ONION_PK_LEN];
	uint8_t		dht_pk[ONION_PK_LEN];
	uint64_t	due[DHTPK_ROUTES];	/* 0: nothing to send */
};

struct dhtpk_sched {
	struct dhtpk_friend	f[DHTPK_SCHED_MAX];
};

void	dhtpk_sched_init(struct dhtpk_sched *);
struct dhtpk_friend *dhtpk_sched_find(struct dhtpk_sched *,
	    const uint8_t pk[ONION_PK_LEN]);
/*
 * A friend's state (enum friend_net_state).  Returns 0, or -1 when the
 * table is full (a new friend) or the friend is unknown (gone).  *gone,
 * for FRIEND_NET_GONE, is the entry as it was (its DHT key to forget).
 */
int	dhtpk_sched_set(struct dhtpk_sched *, const uint8_t pk[ONION_PK_LEN],
	    uint8_t state, uint64_t now_ms, struct dhtpk_friend *gone);
/*
 * The friend's DHT key, from its DHT-PK.  Returns -1 for a stranger, 0
 * if the key is the one already known, 1 if it is new (*old set to the
 * key it replaces when there was one, *had_old to 1).  A new key makes
 * the DHT route due at once.
 */
int	dhtpk_sched_set_dht(struct dhtpk_sched *,
	    const uint8_t pk[ONION_PK_LEN], const uint8_t dht_pk[ONION_PK_LEN],
	    uint64_t now_ms, uint8_t old[ONION_PK_LEN], int *had_old);
/* The earliest due time, UINT64_MAX if nothing is due ever. */
uint64_t dhtpk_sched_next(const struct dhtpk_sched *);
/*
 * A friend due at now_ms on some route: its entry and *route, with that
 * route put off by DHTPK_RETRY_MS (dhtpk_sched_sent() says it went);
 * NULL when none is due.
 */
struct dhtpk_friend *dhtpk_sched_take(struct dhtpk_sched *, uint64_t now_ms,
	    int *route);
/* The DHT-PK went by route: the next one after the full interval. */
void	dhtpk_sched_sent(struct dhtpk_friend *, int route, uint64_t now_ms);
/* It could not go after all: again after DHTPK_RETRY_MS. */
void	dhtpk_sched_retry(struct dhtpk_friend *, int route, uint64_t now_ms);

#endif
