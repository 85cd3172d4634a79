/*
 * DHT-PK in netd (map §5.3, §4; c-toxcore onion_client.c do_friend,
 * send_dhtpk_announce, send_dht_dhtpk, handle_dht_dhtpk):
 *
 *  - keyd's ONION_FRIEND says which friends exist and whether each is
 *    online: the onion client searches for them (netd_oc_friend()) and
 *    dhtpk_sched.h says when our DHT-PK is due for each;
 *  - a due DHT-PK is sealed by keyd (ONION_DHTPK_SEAL: the friend, our DHT
 *    key and our four closest good DHT nodes; keyd adds no_replay and the
 *    nonce) and sent by onion data to the nodes holding the friend's
 *    announcement, or as a 0x20 request (id 0x9c) to its DHT key, routed
 *    by the nodes of its search list that know where it is;
 *  - a 0x20 DHT-PK for us goes to keyd (ONION_DHTPK_IN) with its outer
 *    sender DHT key; a friend's DHT key that chatd accepted comes back as
 *    ONION_FRIEND_DHT: the DHT searches for it (replacing an older key)
 *    and asks the nodes the friend named for the nodes close to it.
 *
 * Logged at info level, for the user and the interop tests: "DHT-PK:
 * friend's DHT key learned: HEX", and a peer searching the DHT for our DHT key
 * (which only a peer that received our DHT-PK does).
 *
 * netd.c: after netd_oc_serve():	netd_dhtpk_serve(&ch_keyd or NULL);
 *	   keyd's tables include	netd_dhtpk_from_keyd.
 */
#ifndef BULKHEAD_NETD_NETD_DHTPK_H
#define BULKHEAD_NETD_NETD_DHTPK_H

#include "ipc/chan.h"
#include "netd/dhtpk_sched.h"

/* Peers searching for our DHT key, remembered so each is logged once. */
#define NETD_DHTPK_SEARCHERS	8

struct netd_dhtpk_stats {
	uint64_t	seals_asked;	/* ONION_DHTPK_SEAL to keyd */
	uint64_t	sent_onion;	/* handed to the onion client */
	uint64_t	sent_dht;	/* 0x20 requests routed */
	uint64_t	unsent;		/* sealed, but no way to send */
	uint64_t	in_dht;		/* 0x20 DHT-PK passed to keyd */
	uint64_t	keys_learned;	/* ONION_FRIEND_DHT with a new key */
};
extern struct netd_dhtpk_stats	netd_dhtpk_stats;

void	netd_dhtpk_serve(struct chan *keyd);
extern const struct chan_table	netd_dhtpk_from_keyd;
/* The schedule, for tests. */
struct dhtpk_sched *netd_dhtpk_sched(void);

#endif
