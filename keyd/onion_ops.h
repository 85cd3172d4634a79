/*
 * keyd's onion operations (map §1 key inventory, §5.2, §5.3): the three
 * places the onion needs the long-term key, as operations on typed fields
 * (rule 1), never as "encrypt this" or "give me a shared key":
 *
 *  - netd's ONION_ANNOUNCE_SEAL: a self-announce request to one node,
 *    whose search key keyd sets to its own public key and whose nonce it
 *    picks; ONION_ANNOUNCE_OPEN: that node's response, opened;
 *  - netd's ONION_DATA_IN: the inner layer of onion data, opened and
 *    routed by id: a friend request whose nospam is ours, from a stranger
 *    not asked about lately, goes to chatd as FRIEND_REQUEST_IN;
 *    DHT-PK (0x9c) is counted and dropped until the DHT-PK step;
 *  - chatd's FRIEND_REQUEST_SEND: 0x20 || nospam || text, sealed for the
 *    friend and handed to netd as ONION_DATA_OUT.
 *
 * netd picks the announce node, so keyd refuses an announce to or from
 * our own or a friend's key, and a ping id that would make the sealed
 * plain text read as onion data (onion_ops.c says why).
 *
 * Every row is refused while no profile is unlocked.  keyd/keyd.c adds
 * the tables to its netd and chatd channels and calls onion_ops_init().
 */
#ifndef BULKHEAD_KEYD_ONION_OPS_H
#define BULKHEAD_KEYD_ONION_OPS_H

#include <stdint.h>

#include "ipc/chan.h"

/* Friend requests remembered, to drop repeats before they reach chatd. */
#define ONION_OPS_RECENT_REQUESTERS	32

/* What the operations did, for tests and logs. */
struct onion_ops_stats {
	uint64_t	announces_sealed;
	uint64_t	announces_opened;
	uint64_t	announces_refused;	/* bad key, MAC, contents */
	uint64_t	data_unopened;		/* inner layer did not open */
	uint64_t	friend_requests;	/* passed on to chatd */
	uint64_t	fr_bad_nospam;
	uint64_t	fr_known;		/* already a friend, or us */
	uint64_t	fr_repeat;		/* among the recent requesters */
	uint64_t	fr_malformed;		/* no text, or too long */
	uint64_t	fr_undelivered;		/* chatd was not there */
	uint64_t	dhtpk_dropped;		/* 0x9c: a later step */
	uint64_t	other_dropped;		/* any other id */
	uint64_t	requests_sealed;	/* ONION_DATA_OUT to netd */
};
extern struct onion_ops_stats	onion_ops_stats;

/* The channels keyd answers on and forwards to; forgets the recent
 * requesters. */
void	onion_ops_init(struct chan *netd, struct chan *chatd);
/* Tells netd whose key to announce (ONION_SELF), if both are there:
 * at start, when a profile loads, when netd comes back. */
void	onion_ops_tell_netd(void);
extern const struct chan_table	onion_ops_from_netd;
extern const struct chan_table	onion_ops_from_chatd;

#endif
