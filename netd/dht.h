/*
 * The DHT of c-toxcore 0.2.18 as a pure engine (map §4).  It owns netd's
 * temporary DHT keypair (fresh per start), the close list (128 buckets of
 * 8), the search lists (friends' DHT keys plus two random ones), the ping
 * bookkeeping, bootstrap retries and NAT punching.
 *
 * No I/O and no clock: packets come in through dht_handle_packet(), time
 * through the now_ms arguments (monotonic milliseconds), packets leave
 * through the send callback, randomness comes from libsodium.  The caller
 * arms one timer to the deadline dht_tick() returns (and to
 * dht_next_deadline() after feeding packets); nothing is polled.
 *
 * Memory is fixed at dht_new(): hostile traffic can evict, never grow.
 */
#ifndef BULKHEAD_NETD_DHT_H
#define BULKHEAD_NETD_DHT_H

#include <stddef.h>
#include <stdint.h>

#include "common/packed_node.h"
#include "netd/dht_keys.h"
#include "netd/ipp.h"

#define DHT_BUCKETS		128
#define DHT_BUCKET_NODES	8
#define DHT_CLOSE_LEN		(DHT_BUCKETS * DHT_BUCKET_NODES)
#define DHT_SEARCH_NODES	8
#define DHT_FAKE_SEARCHES	2
#define DHT_SEARCH_MAX		(DHT_FAKE_SEARCHES + 256)
#define DHT_TO_PING_MAX		32
#define DHT_PENDING_MAX		512
#define DHT_BOOTSTRAP_MAX	32
#define DHT_TO_BOOTSTRAP_CLOSE	8
#define DHT_TO_BOOTSTRAP_SEARCH	4

/* c-toxcore's timing (DHT.h, ping.c), in milliseconds. */
#define DHT_RUN_INTERVAL_MS	1000	/* do_dht at most once a second */
#define DHT_PING_INTERVAL_MS	60000
#define DHT_GET_NODE_INTERVAL_MS 20000
#define DHT_PING_TIMEOUT_MS	5000
#define DHT_BAD_NODE_MS		122000
#define DHT_KILL_NODE_MS	182000
#define DHT_TIME_TO_PING_MS	2000
#define DHT_BOOTSTRAP_ROUNDS	5
#define DHT_PUNCH_INTERVAL_MS	3000
#define DHT_PUNCH_RESET_MS	40000
#define DHT_PUNCH_PORTS		48
#define DHT_PUNCH_NORMAL_TRIES	5
/* Ours: how often bootstrap nodes are asked again while not connected. */
#define DHT_BOOTSTRAP_RETRY_MS	5000

typedef int dht_send_fn(void *arg, const struct ip_port *, const uint8_t *,
    size_t);
/* A DHT request with id 0x9c (DHT-PK) for us: the outer sender's DHT key
 * and the request's data (sender real pk || nonce || box), for keyd. */
typedef void dht_dhtpk_fn(void *arg, const uint8_t sender_pk[DHT_PK_LEN],
    const uint8_t *data, size_t len);
/* A nodes request for our own DHT key: its sender searches for us. */
typedef void dht_searched_fn(void *arg, const uint8_t sender_pk[DHT_PK_LEN]);

struct dht_node {
	uint8_t		pk[DHT_PK_LEN];
	struct ip_port	ipp;
};

/* One address of a listed node; a node has one per family. */
struct dht_assoc {
	struct ip_port	ipp;
	uint64_t	seen;		/* last proof of life; 0 never */
	uint64_t	last_check;	/* last nodes request as a ping; 0 never */
	struct ip_port	ret;		/* address it reported for the key */
	uint64_t	ret_seen;
	uint8_t		ret_self;	/* ret is our own address */
};

struct dht_client {
	uint8_t		pk[DHT_PK_LEN];
	struct dht_assoc a4, a6;
};

struct dht_nat {
	uint8_t		ping_id[8];
	uint64_t	ping_sent;
	uint64_t	recv_ping;	/* the friend's last NAT ping to us */
	uint64_t	punch_at;
	uint8_t		punching;	/* its NAT ping answered: punch */
	uint32_t	tries, idx, idx2;
};

struct dht_search {
	uint8_t			used, fake;
	uint8_t			pk[DHT_PK_LEN];
	struct dht_client	c[DHT_SEARCH_NODES];
	uint64_t		last_getnodes;
	uint32_t		rounds;
	struct dht_node		to_bs[DHT_TO_BOOTSTRAP_SEARCH];
	unsigned		n_to_bs;
	struct dht_nat		nat;
};

enum dht_pend_kind { DHT_PEND_PING = 1, DHT_PEND_NODES };

struct dht_pending {
	uint8_t		id[8];
	uint8_t		kind;
	uint8_t		pk[DHT_PK_LEN];
	struct ip_port	ipp;
	uint64_t	sent;		/* 0: free */
};

struct dht_stats {
	uint64_t	rx, handled, not_dht;
	uint64_t	malformed;	/* failed to parse or decrypt */
	uint64_t	unexpected;	/* well formed but not asked for */
	uint64_t	routed, tx, tx_fail;
	uint64_t	dhtpk_in;	/* 0x20 id 0x9c for us, passed on */
	uint64_t	self_searched;	/* nodes requests for our key */
};

struct dht {
	struct dht_keys		 keys;
	dht_send_fn		*send;
	void			*send_arg;
	uint64_t		 now, last_run;
	uint8_t			 punch_ok;

	struct dht_client	 close[DHT_CLOSE_LEN];
	uint64_t		 close_last_getnodes;
	uint32_t		 close_rounds;
	struct dht_node		 close_to_bs[DHT_TO_BOOTSTRAP_CLOSE];
	unsigned		 n_close_to_bs;

	struct dht_search	 search[DHT_SEARCH_MAX];

	struct dht_node		 to_ping[DHT_TO_PING_MAX];
	unsigned		 n_to_ping;
	uint64_t		 last_to_ping;

	struct dht_pending	 pend[DHT_PENDING_MAX];
	uint32_t		 pend_next;

	struct dht_node		 boot[DHT_BOOTSTRAP_MAX];
	unsigned		 n_boot;
	uint64_t		 boot_at;

	struct dht_stats	 stats;
	dht_dhtpk_fn		*dhtpk_fn;
	dht_searched_fn		*searched_fn;
	void			*hook_arg;
};

/* A new engine with a fresh DHT keypair; NULL if out of memory. */
struct dht	*dht_new(dht_send_fn *, void *arg, uint64_t now_ms);
/* Wipes the keys and frees. */
void		 dht_free(struct dht *);
/*
 * Takes the keypair keyd keeps for this session's netd (the same after a
 * netd restart, so friends' connections and searches for us survive it).
 * The close list is sorted by our old key: it is emptied, and each node
 * in it asked for nodes again under the new key.  0, or -1 if sk is not
 * pk's.
 */
int		 dht_set_keys(struct dht *, const uint8_t pk[DHT_PK_LEN],
		    const uint8_t sk[DHT_SK_LEN], uint64_t now_ms);
const uint8_t	*dht_self_pk(const struct dht *);
/* Hole punching on NAT ping answers: on by default. */
void		 dht_set_punching(struct dht *, int on);

/*
 * One received UDP datagram.  Returns 0 if the DHT took it, 1 if the kind
 * is not a DHT kind (LAN discovery's 0x21 included: netd_lan.c reads it
 * and calls dht_ask_nodes), -1 if it was a DHT kind and was dropped
 * (counted in stats).
 */
int		 dht_handle_packet(struct dht *, const struct ip_port *from,
		    const uint8_t *pkt, size_t len, uint64_t now_ms);
/* Runs what is due; returns the next deadline (monotonic ms). */
uint64_t	 dht_tick(struct dht *, uint64_t now_ms);
/* The next deadline without running anything. */
uint64_t	 dht_next_deadline(const struct dht *);

/*
 * Adds a bootstrap node (UDP family; its key is its DHT key) and asks it
 * for nodes at once; asked again every DHT_BOOTSTRAP_RETRY_MS while we are
 * not connected.  Returns 0, or -1 for a TCP family, our own key or a
 * full table.  The nodes list fetcher and saved nodes both come here.
 */
int		 dht_bootstrap_add(struct dht *, const struct packed_node *);

/*
 * Asks a node we were told of (a LAN discovery announcement) for the nodes
 * close to us.  It is not listed unless it answers.  Returns 0, or -1 for
 * our own key or an unset address.
 */
int		 dht_ask_nodes(struct dht *, const struct ip_port *,
		    const uint8_t pk[DHT_PK_LEN], uint64_t now_ms);

/*
 * Where DHT-PK requests for us go, and who is told of a peer searching
 * for our key (both optional; NULL drops and only counts).
 */
void		 dht_set_hooks(struct dht *, dht_dhtpk_fn *, dht_searched_fn *,
		    void *arg);

/*
 * Asks a node for the nodes closest to search_pk (a friend's DHT key,
 * from its DHT-PK: c-toxcore's dht_getnodes).  The node is listed only if
 * it answers.  0, or -1 for our own key or an unset address.
 */
int		 dht_ask_nodes_for(struct dht *, const struct ip_port *,
		    const uint8_t pk[DHT_PK_LEN],
		    const uint8_t search_pk[DHT_PK_LEN], uint64_t now_ms);

/*
 * c-toxcore's route_to_friend: sends pkt (a 0x20 for a searched key) to
 * each node of the key's search list that says where the key is, one
 * packet per node, when at least two say so (DHT_ROUTE_MIN) and the key's
 * own node is not in the list as good (then nothing is sent: c-toxcore
 * talks to a friend it sees directly some other way).  Returns how many
 * were sent.
 */
#define DHT_ROUTE_MIN	2
unsigned	 dht_route_to_friend(struct dht *, const uint8_t pk[DHT_PK_LEN],
		    const uint8_t *pkt, size_t len, uint64_t now_ms);

/* Starts looking for a DHT key (a friend's); 0 or -1 if the table is full. */
int		 dht_search_add(struct dht *, const uint8_t pk[DHT_PK_LEN]);
/* Stops looking; -1 if not searched (the two random keys cannot go). */
int		 dht_search_del(struct dht *, const uint8_t pk[DHT_PK_LEN]);
/* 1 and the address if the key's own node is known and good, else 0. */
int		 dht_search_addr(const struct dht *, const uint8_t pk[DHT_PK_LEN],
		    struct ip_port *);

/* 1 if any close-list node is good (c-toxcore's dht_isconnected). */
int		 dht_connected(const struct dht *);
/* Close-list nodes with a good address. */
unsigned	 dht_good_nodes(const struct dht *);
/*
 * The DHT_GET_CLOSE_MAX good nodes we know closest to target, as a nodes
 * response would list them (close and search lists; no LAN address unless
 * requester_lan).  The announce store lists them in its answers.  Returns
 * how many.
 */
#define DHT_GET_CLOSE_MAX	4
unsigned	 dht_get_close(const struct dht *, const uint8_t *target,
		    int requester_lan, struct dht_node out[DHT_GET_CLOSE_MAX]);
/* Up to max good close-list nodes, for saving; returns how many. */
size_t		 dht_export_nodes(const struct dht *, struct packed_node *,
		    size_t max);
/*
 * The same, only nodes heard from within age_ms: the onion client's path
 * pool wants nodes alive now, not the two minutes a silent node stays
 * good.
 */
size_t		 dht_export_recent(const struct dht *, struct packed_node *,
		    size_t max, uint64_t age_ms);

#endif
