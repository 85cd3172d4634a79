/*
 * The TCP relays netd keeps links to, and the peers (DHT keys) reached
 * through them: c-toxcore's TCP_connection.c as a pure engine (map §6).
 *
 * A relay is known by its key and address; a link to it is opened when
 * we need it: RELAYS_OURS of them for ourselves (onion entry, and the
 * relays we tell friends about), and those a wanted peer names (its
 * DHT-PK nodes, its SHARE_RELAYS) up to RELAY_PEER_WANT per peer.  For
 * each peer tied to a relay whose link is up we ask the relay to route
 * the peer's DHT key; the relay answers with a connection id (the peer is
 * "registered" there: we may send it OOB packets) and says when the peer
 * asked for us too (the connection is "online": data goes on the id).
 *
 * A packet for a peer goes on the first online connection that takes it,
 * else as OOB on every relay where the peer is registered (c-toxcore's
 * send_packet_tcp_connection), else as OOB on the relay it last reached
 * us by (a cookie request from a peer we have not tied yet is answered
 * that way, as c-toxcore's tcp_oob_callback does).
 *
 * Peers are named to the rest of netd by a small index, which the glue
 * turns into a virtual address (IPP_TCP, netd/ipp.h): net_crypto ties
 * that address like a UDP one, and a packet from any relay of the peer
 * comes from it.  Strangers that reach us by OOB get an index too (for
 * the answer to their cookie request); they are evicted first.
 *
 * No I/O, no clock (time comes in as now_ms), fixed memory.  What it
 * wants done goes out through struct relays_ops; the ops must not call
 * back into the engine.
 */
#ifndef BULKHEAD_NETD_RELAYS_H
#define BULKHEAD_NETD_RELAYS_H

#include <stddef.h>
#include <stdint.h>

#include "common/packed_node.h"
#include "netd/ipp.h"

#define RELAYS_MAX		16	/* relays known */
#define RELAYS_OURS		3	/* links kept for ourselves */
#define RELAY_PEERS_MAX		256	/* DHT keys reached through relays */
#define RELAY_PEER_LINKS	6	/* MAX_FRIEND_TCP_CONNECTIONS */
#define RELAY_PEER_WANT		3	/* RECOMMENDED_FRIEND_TCP_CONNECTIONS */
#define RELAY_BACKOFF_MIN_MS	2000
#define RELAY_BACKOFF_MAX_MS	120000
#define RELAY_IDLE_MS		60000	/* a link nobody uses, closed */
#define RELAY_NONE		0xff

/* Where a relay came from; a configured one is never forgotten. */
#define RELAY_SRC_CONF		0x01	/* --tcp-relay */
#define RELAY_SRC_NODES		0x02	/* the nodes list */
#define RELAY_SRC_PEER		0x04	/* a friend's DHT-PK or SHARE_RELAYS */

enum relay_st {
	RELAY_IDLE = 0,		/* no link */
	RELAY_CONNECTING,	/* the glue is opening it */
	RELAY_UP,		/* handshake done */
	RELAY_WAIT,		/* it failed: not before due */
	RELAY_ST_COUNT
};

/* A peer's connection on one relay. */
enum relay_conn_st {
	RCONN_NONE = 0,		/* tied, routing not asked or not answered */
	RCONN_ASKED,		/* routing request sent */
	RCONN_REGISTERED,	/* the relay gave a connection id */
	RCONN_ONLINE		/* the peer asked for us too */
};

struct relay {
	uint8_t		used, st, src;
	uint8_t		pk[PN_PK_LEN];
	struct ip_port	ipp;
	uint8_t		fails;		/* in a row, for the backoff */
	uint64_t	due;		/* RELAY_WAIT: retry then */
	uint64_t	last_use;	/* a peer's packet, or a routing */
};

struct relay_conn {
	uint8_t		relay;		/* RELAY_NONE: free */
	uint8_t		st;		/* enum relay_conn_st */
	uint8_t		conn_id;	/* >= 16 once registered */
};

struct relay_peer {
	uint8_t			used, want;
	uint8_t			pk[PN_PK_LEN];
	uint8_t			oob_relay;	/* last reached us by OOB */
	uint64_t		last_seen;	/* for eviction of strangers */
	struct relay_conn	c[RELAY_PEER_LINKS];
};

struct relays_ops {
	/* Open a link to relay r (the glue answers relays_link_up/_down). */
	void	(*open)(void *arg, unsigned r);
	/* Close relay r's link (no relays_link_down follows). */
	void	(*close)(void *arg, unsigned r);
	/* Routing request for pk on relay r. */
	int	(*route)(void *arg, unsigned r, const uint8_t pk[PN_PK_LEN]);
	/* Data on a connection id; -1 if the link cannot take it now. */
	int	(*data)(void *arg, unsigned r, uint8_t conn_id,
		    const uint8_t *pkt, size_t len);
	/* OOB to pk through relay r; -1 if the link cannot take it now. */
	int	(*oob)(void *arg, unsigned r, const uint8_t pk[PN_PK_LEN],
		    const uint8_t *pkt, size_t len);
};

struct relays_stats {
	uint64_t	opens, ups, downs;
	uint64_t	data_out, oob_out, data_in, oob_in;
	uint64_t	unsent;		/* a packet no relay took */
	uint64_t	strangers;	/* OOB senders given an index */
	uint64_t	evicted;
};

struct relays {
	struct relays_ops	ops;
	void			*arg;
	struct relay		r[RELAYS_MAX];
	struct relay_peer	p[RELAY_PEERS_MAX];
	struct relays_stats	stats;
};

void	relays_init(struct relays *, const struct relays_ops *, void *arg);

/*
 * A relay learned from src (RELAY_SRC_*).  Known keys get the new address
 * and the source added.  Returns its index, or -1 (table full of relays
 * in use, or a bad address).
 */
int	relays_add(struct relays *, const uint8_t pk[PN_PK_LEN],
	    const struct ip_port *, unsigned src);
/*
 * A relay known by a host name only the proxy resolves (--tcp-relay
 * xyz.onion:443:KEY in proxy mode): the glue keeps the name by index;
 * its address stays IPP_NONE, so it is never named to friends.
 */
int	relays_add_named(struct relays *, const uint8_t pk[PN_PK_LEN],
	    uint16_t port, unsigned src);
int	relays_find(const struct relays *, const uint8_t pk[PN_PK_LEN]);

/* Every link is gone at once (new DHT keys): all idle, nothing routed. */
void	relays_links_reset(struct relays *);
/* The glue's word on relay r's link. */
void	relays_link_up(struct relays *, unsigned r, uint64_t now_ms);
void	relays_link_down(struct relays *, unsigned r, uint64_t now_ms);

/*
 * Peers.  want 1: a friend's DHT key we connect to (added if new); 0:
 * forgotten (its routings stay until the relay drops them).  Returns the
 * peer index or -1.
 */
int	relays_peer_want(struct relays *, const uint8_t pk[PN_PK_LEN],
	    int want, uint64_t now_ms);
int	relays_peer_find(const struct relays *, const uint8_t pk[PN_PK_LEN]);
/* A relay the peer named (DHT-PK, SHARE_RELAYS): tied if room. */
int	relays_peer_relay(struct relays *, const uint8_t pk[PN_PK_LEN],
	    const uint8_t relay_pk[PN_PK_LEN], const struct ip_port *,
	    uint64_t now_ms);

/* What relay r's link said. */
void	relays_routed(struct relays *, unsigned r,
	    const uint8_t pk[PN_PK_LEN], uint8_t conn_id);
void	relays_conn_status(struct relays *, unsigned r, uint8_t conn_id,
	    int online);
/* Data on a connection id: the peer's index, or -1 (not ours). */
int	relays_data_in(struct relays *, unsigned r, uint8_t conn_id,
	    uint64_t now_ms);
/*
 * An OOB packet from pk through relay r: the peer's index (a stranger
 * gets one, evicting the stalest stranger), or -1.  A wanted peer gets
 * relay r tied (c-toxcore: add_tcp_number_relay_connection).
 */
int	relays_oob_in(struct relays *, unsigned r, const uint8_t pk[PN_PK_LEN],
	    uint64_t now_ms);

/* A packet for peer index i: 0 if some relay took it, -1 if none. */
int	relays_send(struct relays *, unsigned i, const uint8_t *pkt,
	    size_t len, uint64_t now_ms);
/* 1 if peer i has an online connection on some relay. */
int	relays_peer_online(const struct relays *, unsigned i);
/* 1 if peer i can be sent anything (online, registered or OOB). */
int	relays_peer_reachable(const struct relays *, unsigned i);
const uint8_t *relays_peer_pk(const struct relays *, unsigned i);

/*
 * Opens and closes links as needed; returns the next deadline (0: none).
 */
uint64_t relays_tick(struct relays *, uint64_t now_ms);
/* Up to max relays whose link is up, as TCP packed nodes. */
size_t	relays_up_nodes(const struct relays *, struct packed_node *, size_t max);
/* A random up relay for an onion path's entry, or -1. */
int	relays_onion_entry(const struct relays *, uint32_t rnd);
unsigned relays_count(const struct relays *, unsigned st);
const char *relays_st_name(unsigned st);

#endif
