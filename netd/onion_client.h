/*
 * The onion client of c-toxcore 0.2.18 as a pure engine (map §5.4,
 * onion_client.c): the pool of path nodes, the onion paths (6 for
 * announcing ourselves, 6 shared by friend searches and data), the 12
 * announce nodes closest to our real key, the friend searches (8 nodes
 * closest to each friend's real key) and sending onion data to a friend
 * through the nodes that hold its announcement.
 *
 * No I/O and no clock: time comes in as now_ms (monotonic milliseconds),
 * packets leave through ops->send, answers come in through
 * onion_client_handle().  The caller arms one timer to the deadline
 * onion_client_tick() returns (and to onion_client_next_deadline() after
 * feeding it anything); nothing is polled.  Like c-toxcore, work runs at
 * most once a second.
 *
 * The codecs are not ours to hold: the relay's onion builder, the announce
 * codec for friend searches and keyd's seal and open of the
 * self-announce (which needs the long-term key, gotcha 6) come through
 * struct oc_ops.  The engine owns only keys netd may hold: the onion data
 * temp keypair (fresh per start), each friend's search keypair and the
 * paths' layer keys.
 *
 * Memory is fixed at onion_client_new(): hostile traffic evicts, never
 * grows.
 */
#ifndef BULKHEAD_NETD_ONION_CLIENT_H
#define BULKHEAD_NETD_ONION_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/onion_wire.h"
#include "common/packed_node.h"
#include "netd/ipp.h"

#define OC_POOL_MAX		32	/* path nodes, and as many bootstrap */
/*
 * A path node vouched for this recently is live: it counts towards how
 * many announce nodes we should have, and paths prefer it.  Longer than
 * the glue's slowest feed (a minute).
 */
#define OC_POOL_FRESH_MS	75000
#define OC_PATHS		6
#define OC_SELF_NODES		12
#define OC_FRIEND_NODES		8
#define OC_FRIENDS_MAX		256
#define OC_PENDING		64	/* announce requests awaiting answers */
#define OC_RECENT		9	/* recently asked nodes, per list */

/* c-toxcore's timing (onion_client.h/.c), in milliseconds. */
#define OC_RUN_MS		1000
#define OC_PATH_NEW_TIMEOUT_MS	4000
#define OC_PATH_TIMEOUT_MS	10000
#define OC_PATH_LIFE_MS		1200000
#define OC_PATH_MAX_USES	4
#define OC_NODE_TIMEOUT_MS	15000
#define OC_NODE_MAX_PINGS	3
#define OC_SENDBACK_LIFE_MS	10000
#define OC_MIN_NODE_PING_MS	10000
#define OC_ANNOUNCE_NEW_MS	3000
#define OC_ANNOUNCE_MS		15000
#define OC_ANNOUNCE_STABLE_MS	120000
#define OC_TIME_TO_STABLE_MS	90000
#define OC_POPULATE_MS		600000
/*
 * Ours: a list that is not full asks random path nodes at most every 3 s
 * (c-toxcore: every run, once a second, 6 requests for us and up to 8 per
 * friend, which floods a small network).
 */
#define OC_REPOPULATE_MS	3000
#define OC_OFFLINE_MS		75000
#define OC_FRIEND_NEW_S		3
#define OC_FRIEND_NEW_RUNS	5
#define OC_FRIEND_MAX_EXP	12
#define OC_FRIEND_MAX_S		3600

/* A path: A, B, C and our keys for layers B and C (A gets our DHT key). */
struct oc_path {
	struct ip_port	ipp[3];
	uint8_t		node_pk[3][ONION_PK_LEN];
	uint8_t		pk[2][ONION_PK_LEN];
	uint8_t		sk[2][ONION_PK_LEN];
};

/* An opened 0x84, from keyd (self) or the announce codec (friends). */
struct oc_announce_result {
	uint8_t			is_stored;	/* enum announce_stored */
	uint8_t			field[ONION_PK_LEN];	/* ping id or data pk */
	uint8_t			n_nodes;	/* 0..ANNOUNCE_RESP_NODES_MAX */
	struct packed_node	nodes[ANNOUNCE_RESP_NODES_MAX];
};

struct oc_ops {
	/* 0x80 over path to dest carrying payload; length or -1. */
	int	(*onion_pack)(void *arg, const struct oc_path *,
		    const struct ip_port *dest, const uint8_t *payload,
		    size_t len, uint8_t *out, size_t cap);
	/* Friend searches (netd's temporary keys): 0x83 built, 0x84 opened. */
	int	(*announce_pack)(void *arg, const uint8_t sender_pk[32],
		    const uint8_t sender_sk[32], const uint8_t node_pk[32],
		    const uint8_t ping_id[32], const uint8_t search_pk[32],
		    const uint8_t data_pk[32], const uint8_t sendback[8],
		    uint8_t out[ANNOUNCE_REQ_LEN]);
	int	(*announce_open)(void *arg, const uint8_t sk[32],
		    const uint8_t node_pk[32], const uint8_t *resp, size_t len,
		    struct oc_announce_result *);
	/*
	 * The self-announce, sealed and opened by keyd with the long-term
	 * key.  Asynchronous: the answers come back, with ctx, through
	 * onion_client_self_sealed() and onion_client_self_opened().
	 */
	void	(*self_seal)(void *arg, uint32_t ctx, const uint8_t node_pk[32],
		    const uint8_t ping_id[32], const uint8_t data_pk[32],
		    const uint8_t sendback[8]);
	void	(*self_open)(void *arg, uint32_t ctx, const uint8_t node_pk[32],
		    const uint8_t *resp, size_t len);
	/* An opened 0x86: the claimed sender, nonce and inner box, for keyd. */
	void	(*data_in)(void *arg, const uint8_t sender_pk[32],
		    const uint8_t nonce[24], const uint8_t *inner, size_t len);
	int	(*send)(void *arg, const struct ip_port *to, const uint8_t *pkt,
		    size_t len);
	/*
	 * Optional: 1 and a TCP relay (an IPP_RELAY address and its key)
	 * when a new path must start at a relay rather than a UDP node (no
	 * UDP), 0 otherwise.  onion_pack sees the relay as A and packs for
	 * it (c-toxcore's random_path with a TCP first node).
	 */
	int	(*tcp_entry)(void *arg, struct ip_port *a, uint8_t pk[32]);
};

struct oc_pool_node {
	uint8_t		pk[ONION_PK_LEN];
	struct ip_port	ipp;
	uint64_t	seen;	/* last vouched for: the DHT, or an answer */
};

struct oc_pool {
	struct oc_pool_node	n[OC_POOL_MAX];
	unsigned		count, next;	/* a ring: the oldest goes */
};

struct oc_pathslot {
	struct oc_path	p;
	uint32_t	num;		/* 0: none; num % OC_PATHS is the slot */
	uint64_t	created, last_success, last_used;
	uint32_t	used_times;	/* uses since the last answer */
};

struct oc_paths {
	struct oc_pathslot	s[OC_PATHS];
};

struct oc_node {
	uint8_t		used;
	uint8_t		stored;		/* self: announced; friend: holds it */
	uint8_t		skip;		/* new: not asked on the next run */
	uint8_t		pinged;		/* last_pinged is set */
	uint8_t		pk[ONION_PK_LEN];
	struct ip_port	ipp;
	uint8_t		ping_id[ONION_PING_ID_LEN];
	uint8_t		data_pk[ONION_PK_LEN];	/* friend lists */
	uint32_t	path_num;	/* path of the last answer, 0 any */
	uint32_t	unanswered;
	uint64_t	added, seen, last_pinged;
};

struct oc_recent {
	uint8_t		pk[ONION_PK_LEN];
	uint64_t	at;
	uint8_t		used;
};

struct oc_list {
	struct oc_node		n[OC_SELF_NODES];
	unsigned		cap;	/* OC_SELF_NODES or OC_FRIEND_NODES */
	struct oc_recent	recent[OC_RECENT];
	unsigned		recent_next;
	uint64_t		last_populated;	/* self: last full */
	uint64_t		last_asked;	/* random nodes asked */
	uint8_t			populated, asked;	/* the above are set */
};

struct oc_friend {
	uint8_t		used, online, pinged;
	uint32_t	gen;
	uint8_t		real_pk[ONION_PK_LEN];
	uint8_t		search_pk[ONION_PK_LEN];
	uint8_t		search_sk[ONION_PK_LEN];
	struct oc_list	list;
	uint64_t	time_last_pinged;
	uint32_t	pings, run_count;
};

enum oc_pend_state { OCP_FREE, OCP_SEALING, OCP_SENT, OCP_OPENING };

struct oc_pend {
	uint8_t		state;
	uint8_t		sendback[ONION_SENDBACK_LEN];
	uint32_t	serial;
	int		who;		/* -1 self, else a friend's index */
	uint32_t	fgen;
	uint8_t		node_pk[ONION_PK_LEN];
	struct ip_port	node_ipp;
	struct oc_path	path;
	uint32_t	path_num;
	uint64_t	at;
};

struct oc_stats {
	uint64_t	rx, handled, dropped, stale, tx, tx_fail;
};

struct onion_client {
	const struct oc_ops	*ops;
	void			*arg;
	uint8_t			 self_pk[ONION_PK_LEN];	/* long-term, public */
	uint8_t			 dht_pk[ONION_PK_LEN];
	uint8_t			 data_pk[ONION_PK_LEN];
	uint8_t			 data_sk[ONION_PK_LEN];
	uint64_t		 now, last_run;
	uint8_t			 ran;
	struct oc_pool		 pool, pool_bs;
	struct oc_paths		 self_paths, friend_paths;
	struct oc_list		 self;
	uint64_t		 last_announce, last_recv;
	uint8_t			 announced_once, recv_once;
	struct oc_pend		 pend[OC_PENDING];
	uint32_t		 serial;
	struct oc_friend	 friends[OC_FRIENDS_MAX];
	uint32_t		 fgen;
	struct oc_stats		 stats;
};

struct oc_status {
	int		announced;	/* c-toxcore's onion_isconnected */
	unsigned	nodes;		/* live announce nodes */
	unsigned	stored;		/* of which hold our announcement */
	unsigned	paths;		/* path nodes known, bootstrap apart */
	unsigned	paths_live;	/* of which vouched for lately */
};

/*
 * A new engine for our long-term public key and netd's DHT key, with a
 * fresh onion data temp keypair.  NULL if out of memory.
 */
struct onion_client *onion_client_new(const struct oc_ops *, void *arg,
		    const uint8_t self_pk[ONION_PK_LEN],
		    const uint8_t dht_pk[ONION_PK_LEN], uint64_t now_ms);
/* Wipes the keys and frees. */
void		 onion_client_free(struct onion_client *);
/* The data pk we announce; friends seal onion data to it. */
const uint8_t	*onion_client_data_pk(const struct onion_client *);

/*
 * A path node (a DHT node or, bootstrap set, a bootstrap node), vouched
 * for as alive at now.  When the pool is full the oldest goes.  0, or -1
 * for an unset address or our own key.
 */
int		 onion_client_add_node(struct onion_client *,
		    const uint8_t pk[ONION_PK_LEN], const struct ip_port *,
		    int bootstrap, uint64_t now_ms);
/*
 * Path node pk is alive at now (the DHT heard from it): it counts as
 * live again if it is in the pool; nothing is added.
 */
void		 onion_client_node_alive(struct onion_client *,
		    const uint8_t pk[ONION_PK_LEN], uint64_t now_ms);

/* Friends by real key.  add: 0, or -1 if the table is full. */
int		 onion_client_friend_add(struct onion_client *,
		    const uint8_t pk[ONION_PK_LEN]);
int		 onion_client_friend_del(struct onion_client *,
		    const uint8_t pk[ONION_PK_LEN]);
/* An online friend (net_crypto up) is not searched. */
int		 onion_client_friend_set_online(struct onion_client *,
		    const uint8_t pk[ONION_PK_LEN], int online);
/* 1 and the friend's data pk once a node said it holds it, else 0. */
int		 onion_client_friend_data_pk(const struct onion_client *,
		    const uint8_t pk[ONION_PK_LEN], uint8_t out[ONION_PK_LEN]);

/*
 * Sends inner (keyd's box for the friend: MAC || id || data, under nonce)
 * as onion data through every live node holding the friend's announcement,
 * each over a random friend path.  Returns how many were sent, or -1 when
 * too few holders are known yet (c-toxcore's rule): keep it and retry.
 */
int		 onion_client_send_data(struct onion_client *,
		    const uint8_t friend_pk[ONION_PK_LEN],
		    const uint8_t nonce[ONION_NONCE_LEN], const uint8_t *inner,
		    size_t len, uint64_t now_ms);

/*
 * A datagram whose first byte is 0x84 or 0x86.  Returns 0 if taken, 1 if
 * it is another kind, -1 if dropped (counted).
 */
int		 onion_client_handle(struct onion_client *,
		    const struct ip_port *from, const uint8_t *pkt, size_t len,
		    uint64_t now_ms);
/* keyd's answers: req is the 0x83 (NULL if keyd refused), res the opened
 * 0x84 (NULL if it did not open). */
void		 onion_client_self_sealed(struct onion_client *, uint32_t ctx,
		    const uint8_t *req, size_t len, uint64_t now_ms);
void		 onion_client_self_opened(struct onion_client *, uint32_t ctx,
		    const struct oc_announce_result *, uint64_t now_ms);

/* Runs what is due; returns the next deadline (UINT64_MAX: none). */
uint64_t	 onion_client_tick(struct onion_client *, uint64_t now_ms);
uint64_t	 onion_client_next_deadline(const struct onion_client *);
void		 onion_client_status(const struct onion_client *,
		    uint64_t now_ms, struct oc_status *);

#endif
