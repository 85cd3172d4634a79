/*
 * netd's half of net_crypto (map §7): one connection attempt per friend,
 * the cookies, the addresses tied to each connection, the resends of the
 * "temp packet" (our 0x18, then our 0x1a), and the routing of received
 * 0x19/0x1a/0x1b to the right friend.  keyd (which holds the long-term
 * key) builds and opens handshakes and holds the session keys; this
 * engine never sees a session key and never opens a handshake's box.
 *
 * A pure engine: no I/O, no clock (time comes in as now_ms, monotonic),
 * fixed memory (NCC_MAX friends, NCC_ADDRS addresses each); what it wants
 * done goes out by the callbacks in struct ncc_cb, one per IPC message
 * the glue sends (NC_HS_MAKE, NC_HS_IN, NC_DATA_IN, NC_ABORT) plus UDP
 * out, the address lookup and "search this DHT key".  The glue arms one
 * timer to what ncc_tick() returns.  Callbacks must not call back into
 * the engine (the glue posts IPC; answers come later).
 *
 * Where we differ from c-toxcore, and why: c-toxcore opens a handshake's
 * box before it acts on it.  Here the box is keyd's, so a handshake whose
 * cookie holds is only a candidate: it goes to keyd (hs_in) and changes
 * nothing here until keyd's answer shows the box opened (an NC_HS_MADE
 * that answers it, or NC_STATE NOT_CONFIRMED).  Only then is its source
 * address tied and a new DHT key taken (dht_changed).  Anyone can get a
 * cookie naming a friend's real key (a 0x18 just claims one), so acting
 * earlier would let a stranger reset a friend's connection or tie its own
 * address to it.  keyd's answer does not name the handshake it opened;
 * adopt() in nc_conn.c says how several out at once are told apart.
 *
 * Smaller points: a 0x19 is looked at only from an address tied to an
 * attempt still asking (c-toxcore routes it by address too), so a flood
 * of them costs no box opens; an attempt is killed at the resend time
 * after its NCC_TRIES-th send (c-toxcore, on its next loop), and the next
 * one waits NCC_BACKOFF_MIN_MS, doubling to NCC_BACKOFF_MAX_MS, where
 * c-toxcore starts again at once.
 */
#ifndef BULKHEAD_NETD_NC_CONN_H
#define BULKHEAD_NETD_NC_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "common/nc_data.h"
#include "common/nc_handshake.h"
#include "netd/dht_keys.h"
#include "netd/ipp.h"
#include "netd/nc_cookie.h"

#define NCC_MAX			256	/* friends */
#define NCC_ADDRS		4	/* addresses tied to one connection */
#define NCC_PEND		4	/* handshakes at keyd, per friend */
#define NCC_SEND_MS		1000	/* CRYPTO_SEND_PACKET_INTERVAL */
#define NCC_TRIES		8	/* MAX_NUM_SENDPACKET_TRIES */
#define NCC_ADDR_RETRY_MS	2000	/* no address for the DHT key yet */
#define NCC_BACKOFF_MIN_MS	1000	/* after an attempt that failed */
#define NCC_BACKOFF_MAX_MS	16000
/* 0x1b sizes c-toxcore's udp_handle_packet takes. */
#define NCC_DATA_MIN		(NC_DATA_OVERHEAD + 1)
#define NCC_DATA_MAX		NC_PACKET_MAX

/* Connection states; NOT_CONFIRMED and ESTABLISHED are keyd's word. */
enum ncc_st {
	NCC_NONE = 0,
	NCC_COOKIE_REQUESTING,
	NCC_HANDSHAKE_SENT,
	NCC_NOT_CONFIRMED,
	NCC_ESTABLISHED,
	NCC_ST_COUNT
};

struct ncc_cb {
	/* UDP out. */
	void	(*send)(void *arg, const struct ip_port *,
		    const uint8_t *pkt, size_t len);
	/* An address for dht_pk (dht_search_addr): 1 and *out, or 0. */
	int	(*addr)(void *arg, const uint8_t dht_pk[NC_PK_LEN],
		    struct ip_port *out);
	/* NC_HS_MAKE: keyd builds our handshake on peer_cookie. */
	void	(*hs_make)(void *arg, const uint8_t pk[NC_PK_LEN],
		    const uint8_t peer_cookie[NC_COOKIE_LEN],
		    const uint8_t other_cookie[NC_COOKIE_LEN]);
	/* NC_HS_IN: keyd opens the friend's handshake pkt (NC_HS_LEN). */
	void	(*hs_in)(void *arg, const uint8_t pk[NC_PK_LEN],
		    const uint8_t dht_pk[NC_PK_LEN], int want_reply,
		    const uint8_t other_cookie[NC_COOKIE_LEN],
		    const uint8_t *pkt);
	/* NC_DATA_IN: a 0x1b from an address tied to pk's connection. */
	void	(*data_in)(void *arg, const uint8_t pk[NC_PK_LEN],
		    const uint8_t *pkt, size_t len);
	/* NC_ABORT: the attempt keyd may hold half a session for is over. */
	void	(*abort)(void *arg, const uint8_t pk[NC_PK_LEN]);
	/* A handshake keyd opened names a new DHT key for pk: search it. */
	void	(*dht_changed)(void *arg, const uint8_t pk[NC_PK_LEN],
		    const uint8_t dht_pk[NC_PK_LEN]);
	/*
	 * NC_ADDR: an established connection's address, when it becomes
	 * established and when the friend speaks from another tied one;
	 * keyd keeps it for a netd restart (ncc_resume).  May be NULL.
	 */
	void	(*where)(void *arg, const uint8_t pk[NC_PK_LEN],
		    const uint8_t dht_pk[NC_PK_LEN], const struct ip_port *);
};

/* Why a packet or an answer from keyd was dropped. */
enum ncc_drop {
	NCC_DROP_SIZE = 0,	/* wrong length for its kind */
	NCC_DROP_KIND,		/* not 0x18..0x1b */
	NCC_DROP_REQ,		/* 0x18 that would not open */
	NCC_DROP_RESP,		/* 0x19 nobody asked for, or bad */
	NCC_DROP_COOKIE,	/* 0x1a whose cookie is not ours or too old */
	NCC_DROP_STRANGER,	/* 0x1a from someone not a wanted friend */
	NCC_DROP_HS_STATE,	/* 0x1a in a state that takes none */
	NCC_DROP_UNTIED,	/* 0x1b or 0x1a from an address not tied */
	NCC_DROP_DATA_STATE,	/* 0x1b before NOT_CONFIRMED */
	NCC_DROP_MADE,		/* NC_HS_MADE that answers nothing */
	NCC_DROP_COUNT
};

struct ncc_stats {
	uint64_t	drop[NCC_DROP_COUNT];
	uint64_t	cookie_answered;	/* 0x19 sent */
	uint64_t	cookie_req_sent;	/* 0x18 sent, resends too */
	uint64_t	hs_sent;		/* 0x1a sent, resends too */
	uint64_t	hs_in;			/* handshakes passed to keyd */
	uint64_t	hs_taken;		/* of those, keyd opened */
	uint64_t	hs_unsure;	/* opened one of several DHT keys */
	uint64_t	data_in, data_out;
	uint64_t	attempts;		/* 0x18 first sends */
	uint64_t	timeouts;		/* killed after NCC_TRIES sends */
	uint64_t	dht_changes;
	uint64_t	reached[NCC_ST_COUNT];	/* entries into each state */
};

/*
 * A handshake sent to keyd, not yet known to have opened.  Several may be
 * out at once (a stranger can send handshakes with a good cookie naming
 * a friend, on its own DHT key), and keyd's answer does not say which one
 * opened: see adopt() in nc_conn.c for how the answer is read.
 */
struct ncc_pend {
	uint8_t		used, want_reply;
	uint8_t		taken;		/* keyd opened one; a reply may follow */
	uint8_t		dht_pk[NC_PK_LEN];
	struct ip_port	from;
	uint64_t	at;
};

struct ncc_friend {
	uint8_t		used, want, has_dht;
	uint8_t		st;			/* enum ncc_st */
	uint8_t		keyd;		/* keyd may hold half a session */
	uint8_t		made_asked;	/* hs_make went, made_cookie valid */
	uint8_t		tries;		/* temp packet sends */
	uint8_t		backoff;	/* failed attempts in a row */
	uint8_t		naddr;		/* tied addresses, newest first */
	uint8_t		pk[NC_PK_LEN];
	uint8_t		dht_pk[NC_PK_LEN];
	uint8_t		echo[NC_ECHO_LEN];
	uint8_t		made_cookie[NC_COOKIE_LEN];
	struct ip_port	addr[NCC_ADDRS];
	struct ncc_pend	pend[NCC_PEND];
	uint64_t	due;		/* next send or next try; 0: none */
	size_t		temp_len;
	uint8_t		temp[NC_HS_LEN];	/* 0x18 or 0x1a, as sent */
};

struct ncc {
	struct dht_keys		*dk;
	uint8_t			 self_pk[NC_PK_LEN];	/* our real key */
	uint8_t			 secret[NC_SECRET_LEN];	/* cookie secret */
	struct ncc_cb		 cb;
	void			*arg;
	struct ncc_stats	 stats;
	struct ncc_friend	 f[NCC_MAX];
};

/*
 * dk is netd's DHT key cache (kept, not copied), self_pk our long-term
 * public key (it goes inside our 0x18).  A fresh random cookie secret.
 */
void	ncc_init(struct ncc *, struct dht_keys *dk,
	    const uint8_t self_pk[NC_PK_LEN], const struct ncc_cb *, void *arg);
/* Wipes the cookie secret. */
void	ncc_wipe(struct ncc *);
struct ncc_friend *ncc_find(struct ncc *, const uint8_t pk[NC_PK_LEN]);

/*
 * want 1: a friend not online that we should connect to (added if new);
 * 0: removed (its attempt aborted).  0, or -1 (table full, or unknown).
 */
int	ncc_friend_set(struct ncc *, const uint8_t pk[NC_PK_LEN], int want,
	    uint64_t now_ms);
/*
 * The friend's DHT key, from its DHT-PK.  A changed key resets an
 * attempt not yet ESTABLISHED (abort if keyd held half of it).  Returns
 * 1 if the key is new to us, 0 if known, -1 for a stranger.
 */
int	ncc_friend_dht(struct ncc *, const uint8_t pk[NC_PK_LEN],
	    const uint8_t dht_pk[NC_PK_LEN], uint64_t now_ms);

/* A UDP packet of kind 0x18..0x1b from src. */
void	ncc_udp_in(struct ncc *, const struct ip_port *src,
	    const uint8_t *pkt, size_t len, uint64_t now_ms);
/*
 * NC_HS_MADE: keyd's handshake for pk, kept byte for byte and sent now
 * and every NCC_SEND_MS until ESTABLISHED.  0, or -1 (dropped).
 */
int	ncc_hs_made(struct ncc *, const uint8_t pk[NC_PK_LEN],
	    const uint8_t *pkt, size_t len, uint64_t now_ms);
/* NC_STATE: keyd's word on pk's session (NONE, NOT_CONFIRMED, ESTABLISHED). */
int	ncc_state(struct ncc *, const uint8_t pk[NC_PK_LEN], int st,
	    uint64_t now_ms);
/*
 * NC_DATA_OUT: a 0x1b keyd sealed for pk, sent to the address pk last
 * spoke from.  0, or -1 (no connection, no address, bad size).
 */
/*
 * NC_RESUME: a session keyd kept across a netd restart, established at
 * addr with the friend at DHT key dht_pk (the friend must be wanted).
 * The connection is ESTABLISHED at once, tied to addr.  0, or -1.
 */
int	ncc_resume(struct ncc *, const uint8_t pk[NC_PK_LEN],
	    const uint8_t dht_pk[NC_PK_LEN], const struct ip_port *addr,
	    uint64_t now_ms);
int	ncc_data_out(struct ncc *, const uint8_t pk[NC_PK_LEN],
	    const uint8_t *pkt, size_t len);
/*
 * Runs what is due at now_ms: new attempts, temp packet resends, attempts
 * killed after NCC_TRIES sends.  Returns the next deadline, 0 if none.
 */
uint64_t ncc_tick(struct ncc *, uint64_t now_ms);
/* The next deadline without running anything (after ncc_udp_in etc.). */
uint64_t ncc_next(const struct ncc *);
/*
 * The DHT has just found an address for dht_pk: a friend with that key
 * and no connection, waiting NCC_ADDR_RETRY_MS for one, is due now.
 * Returns how many were.
 */
int	ncc_kick(struct ncc *, const uint8_t dht_pk[NC_PK_LEN], uint64_t now_ms);
/* How many friends are in each state, for status. */
void	ncc_count(const struct ncc *, unsigned int n[NCC_ST_COUNT]);

const char *ncc_st_name(int);

#endif
