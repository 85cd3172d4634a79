/*
 * keyd's DHT-PK operations (map §5.3, §4; c-toxcore onion_client.c
 * send_dhtpk_announce, handle_dhtpk_announce, handle_dht_dhtpk):
 *
 *  - chatd's FRIEND_NET (which friends netd searches for, and whether
 *    each is online) and FRIEND_DHT_LEARNED (a friend's DHT key that
 *    chatd checked) go on to netd as ONION_FRIEND and ONION_FRIEND_DHT:
 *    chatd has no channel to netd.  Only friends stored in the profile
 *    pass (a removal always does);
 *  - netd's ONION_DHTPK_SEAL: keyd builds our announcement itself from
 *    typed fields (rule 1): no_replay is the Unix time in seconds, set
 *    here (gotcha 9), the DHT key and nodes are netd's (public), and
 *    seals it for a friend in the profile, never anyone else: as the
 *    inner layer of onion data, or as the data of a 0x20 request;
 *  - DHT-PK in: by onion data (onion_ops.c hands id 0x9c here) or by a
 *    0x20 request (netd's ONION_DHTPK_IN, opened with the long-term
 *    key); from a friend only, passed unparsed to chatd (rule 4) as
 *    FRIEND_DHTPK_IN.
 *
 * Every row is refused while no profile is unlocked.
 */
#ifndef BULKHEAD_KEYD_DHTPK_OPS_H
#define BULKHEAD_KEYD_DHTPK_OPS_H

#include <stdint.h>

#include "common/onion_data.h"
#include "ipc/chan.h"

struct dhtpk_ops_stats {
	uint64_t	sealed;		/* ONION_DHTPK_SEALED sent */
	uint64_t	seal_refused;	/* not a friend, bad fields */
	uint64_t	in_passed;	/* FRIEND_DHTPK_IN to chatd */
	uint64_t	in_stranger;	/* not from a friend */
	uint64_t	in_unopened;	/* the box did not open */
	uint64_t	in_malformed;	/* a length c-toxcore refuses */
	uint64_t	in_undelivered;	/* chatd was not there */
	uint64_t	relayed;	/* ONION_FRIEND(_DHT) to netd */
	uint64_t	relay_refused;	/* chatd named a non-friend */
};
extern struct dhtpk_ops_stats	dhtpk_ops_stats;

void	dhtpk_ops_init(struct chan *netd, struct chan *chatd);
/* netd (re)started: every stored friend is searched for (offline). */
void	dhtpk_ops_netd_up(void);
/* An opened onion data packet with id 0x9c (onion_ops.c). */
void	dhtpk_ops_onion_in(const uint8_t sender_pk[ONION_PK_LEN],
	    const struct onion_data *);
extern const struct chan_table	dhtpk_ops_from_netd;
extern const struct chan_table	dhtpk_ops_from_chatd;

#endif
