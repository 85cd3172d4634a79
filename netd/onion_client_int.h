/*
 * Inside the onion client engine: what onion_client.c, onion_paths.c and
 * onion_lists.c share.  Not for other users; see onion_client.h.
 */
#ifndef BULKHEAD_NETD_ONION_CLIENT_INT_H
#define BULKHEAD_NETD_ONION_CLIENT_INT_H

#include "netd/onion_client.h"

#define OC_PATH_ANY	0	/* path numbers are never 0 */
#define OC_SELF		(-1)	/* pending entry for our own list */

/* onion_client.c: one announce request (0 sent or handed to keyd). */
int	oc_announce_self(struct onion_client *, const uint8_t pk[ONION_PK_LEN],
	    const struct ip_port *, const uint8_t *ping_id, uint32_t num,
	    uint64_t now);
int	oc_announce_friend(struct onion_client *, struct oc_friend *,
	    const uint8_t pk[ONION_PK_LEN], const struct ip_port *,
	    uint64_t now);
/* onion_client.c: c-toxcore's onion_isconnected. */
int	oc_connected(const struct onion_client *, uint64_t now);

/* onion_paths.c: the pool of path nodes and the path sets. */
int	oc_pool_add(struct oc_pool *, const uint8_t pk[ONION_PK_LEN],
	    const struct ip_port *, uint64_t now);
/* Pool nodes vouched for within OC_POOL_FRESH_MS of now. */
unsigned oc_pool_live(const struct oc_pool *, uint64_t now);
int	oc_pool_node_live(const struct oc_pool_node *, uint64_t now);
int	oc_path_timed_out(const struct oc_pathslot *, uint64_t now);
int	oc_path_exists(const struct oc_paths *, uint32_t num, uint64_t now);
/*
 * The path numbered num if still good, else a new one in its slot (num
 * OC_PATH_ANY: a random slot).  Counts a use.  Returns the path's number,
 * its copy in *out, or 0 if no path can be built (no nodes).
 */
uint32_t oc_path_get(struct onion_client *, struct oc_paths *, uint32_t num,
	    uint64_t now, struct oc_path *out);
/* An answer came over path num: it works.  Returns num, or 0 if the path
 * has been replaced since. */
uint32_t oc_path_success(struct oc_paths *, uint32_t num, uint64_t now);

/* onion_lists.c: the closest-nodes lists. */
int	oc_closer(const uint8_t *ref, const uint8_t *a, const uint8_t *b);
int	oc_node_timed_out(const struct oc_node *, uint64_t now);
unsigned oc_list_live(const struct oc_list *, uint64_t now);
/* Index of pk in the list, or -1. */
int	oc_list_find(const struct oc_list *, const uint8_t pk[ONION_PK_LEN]);
/* Slot a node with key pk may take (free, dead, or the farthest live one
 * if pk is closer to ref), or -1. */
int	oc_list_slot(const struct oc_list *, const uint8_t *ref,
	    const uint8_t pk[ONION_PK_LEN], uint64_t now);
/* 1 if pk was not asked within OC_MIN_NODE_PING_MS, and records it. */
int	oc_list_good_to_ping(struct oc_list *, const uint8_t pk[ONION_PK_LEN],
	    uint64_t now);

#endif
