/*
 * The announce store of c-toxcore 0.2.18 (onion_announce.c; map §5.2,
 * §5.3) as a pure engine: node D's side of the onion.  Announcers leave
 * (their key, their onion data key, the return path R3 and the address
 * of relay C it came from); searchers learn a stored key's data key;
 * onion data (0x85) for a stored key goes down its stored path as 0x86.
 *
 * Ping ids prove a requester can receive at the path it asks from: one is
 * a MAC, under a secret drawn at start, of (300 s window, requester pk,
 * the source address D sees = relay C); it is good in its window and the
 * next, so a re-announce must come back over the same path.
 *
 * No I/O and no clock: packets come in through announce_handle_packet()
 * with now_ms (monotonic ms), answers leave through the send callback,
 * listed nodes come from the close callback (the DHT's dht_get_close).
 * Entries expire by time and are looked at lazily: nothing to tick.
 * Memory is fixed: ANNOUNCE_ENTRIES entries kept closest to our DHT key,
 * a flood evicts the farthest, never grows.
 */
#ifndef BULKHEAD_NETD_ANNOUNCE_STORE_H
#define BULKHEAD_NETD_ANNOUNCE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "common/onion_wire.h"
#include "netd/dht.h"
#include "netd/dht_keys.h"
#include "netd/ipp.h"

#define ANNOUNCE_ENTRIES	160		/* ONION_ANNOUNCE_MAX_ENTRIES */
#define ANNOUNCE_TIMEOUT_MS	(300 * 1000)	/* an entry's life */
#define ANNOUNCE_PING_WINDOW_MS	(300 * 1000)	/* a ping id's window */

typedef int announce_send_fn(void *arg, const struct ip_port *,
    const uint8_t *, size_t);
typedef unsigned announce_close_fn(void *arg, const uint8_t *target,
    int requester_lan, struct dht_node out[DHT_GET_CLOSE_MAX]);

struct announce_entry {
	uint8_t		pk[ONION_PK_LEN];
	uint8_t		data_pk[ONION_PK_LEN];
	uint8_t		ret[ONION_RET_3_LEN];
	struct ip_port	ret_ipp;	/* relay C, where the 0x8c goes */
	uint64_t	until;		/* mono ms it expires; 0 free */
};

struct announce_stats {
	uint64_t	answered;	/* 0x84 sent */
	uint64_t	stored;		/* entries stored or refreshed */
	uint64_t	routed;		/* 0x86 sent down a stored path */
	uint64_t	dropped;	/* malformed, unknown dest, send failed */
	uint64_t	refused;	/* valid ping id, but farther than all */
};

struct announce {
	struct dht_keys		*keys;		/* the DHT's; not ours */
	announce_send_fn	*send;
	void			*send_arg;
	announce_close_fn	*close;
	void			*close_arg;
	uint8_t			 secret[crypto_auth_KEYBYTES];
	struct announce_entry	 e[ANNOUNCE_ENTRIES];
	struct announce_stats	 stats;
};

/*
 * Sets up an empty store answering with keys (the DHT keypair and its
 * shared-key cache) and a fresh ping-id secret.  close may be NULL: no
 * nodes listed.
 */
void	announce_init(struct announce *, struct dht_keys *,
	    announce_send_fn *, void *send_arg, announce_close_fn *,
	    void *close_arg);
/* Wipes the secret and the entries. */
void	announce_wipe(struct announce *);

/*
 * One datagram from from (normalized).  Returns 0 if the store took it
 * (answered or routed), 1 if the kind is not 0x83 or 0x85, -1 if it was
 * dropped (counted).
 */
int	announce_handle_packet(struct announce *, const struct ip_port *from,
	    const uint8_t *pkt, size_t len, uint64_t now_ms);

/* The ping id requester_pk asking from src gets now (tests, the glue). */
void	announce_ping_id(const struct announce *, const uint8_t *requester_pk,
	    const struct ip_port *src, uint64_t now_ms,
	    uint8_t out[ONION_PING_ID_LEN]);
/* The live entry for pk, or NULL. */
const struct announce_entry *announce_find(const struct announce *,
	    const uint8_t *pk, uint64_t now_ms);
/* Live entries. */
unsigned announce_count(const struct announce *, uint64_t now_ms);

#endif
