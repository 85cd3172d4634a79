/*
 * One client link to a TCP relay (c-toxcore 0.2.18 TCP_client.c) as a
 * pure engine: bytes from the socket go in through tcp_link_input(),
 * bytes for the socket wait in a bounded out-queue the glue drains, and
 * what the relay says comes out through callbacks.  No I/O, no clock
 * (time is now_ms, monotonic milliseconds), randomness from libsodium,
 * memory fixed in struct tcp_link.  The relay knows us by netd's DHT key
 * (keys, borrowed, never owned).
 *
 * Why an out-queue and not a send callback: the socket is a stream that
 * takes part of a write and says EAGAIN; every frame is sealed with the
 * next nonce the moment it is made, so a frame once made must go out
 * whole and in order.  The queue holds made frames; the glue writes what
 * the kernel takes (tcp_link_out, tcp_link_out_done) and asks for
 * EPOLLOUT while bytes remain.
 *
 * When the queue is full a send is refused (TCPL_FULL) and nothing is
 * sealed: the caller drops or retries later; the transports above
 * (net_crypto, the onion) resend anyway.  The last TCPL_RESERVE bytes are
 * kept for pings, pongs and disconnect notifications; if even those do
 * not fit, the relay has not read for a long time and the link goes
 * down (TCPL_DOWN_STALLED).
 *
 * Timing: the handshake must end within 10 s of tcp_link_start; then a
 * ping goes out at once (the relay confirms a link on its first valid
 * frame) and every 30 s, each with a random nonzero id, and its pong is
 * due within 10 s.  A pong with id 0, a pong that answers no ping of
 * ours, a frame that does not open, a packet c-toxcore would refuse, or a
 * deadline passed takes the link down; down is final (start a new link).
 * The glue arms one timer to tcp_link_next_ms() and calls tcp_link_tick.
 */
#ifndef BULKHEAD_NETD_TCP_LINK_H
#define BULKHEAD_NETD_TCP_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "netd/dht_keys.h"
#include "netd/tcp_wire.h"

#define TCPL_HS_TIMEOUT_MS	10000
#define TCPL_PING_INTERVAL_MS	30000
#define TCPL_PONG_TIMEOUT_MS	10000
#define TCPL_OUTQ		16384
#define TCPL_RESERVE		256
#define TCPL_CONNS		(256 - TCPW_FIRST_CONN)	/* ids 16..255 */
#define TCPL_FULL		(-2)	/* a send's answer: queue full */
#define TCPL_NEVER		UINT64_MAX

enum tcpl_state {
	TCPL_HANDSHAKE = 1,	/* request queued, waiting for the answer */
	TCPL_UP,
	TCPL_DOWN
};

enum tcpl_down {
	TCPL_DOWN_NONE,
	TCPL_DOWN_HS_TIMEOUT,	/* no answer within 10 s */
	TCPL_DOWN_HS_BAD,	/* the answer does not open */
	TCPL_DOWN_FRAME,	/* bad length or a frame that does not open */
	TCPL_DOWN_PACKET,	/* a packet c-toxcore would refuse */
	TCPL_DOWN_PONG,		/* pong id 0, or not the id we sent */
	TCPL_DOWN_PING_TIMEOUT,	/* no pong within 10 s */
	TCPL_DOWN_STALLED,	/* not even a pong fits in the queue */
	TCPL_DOWN_CLOSED	/* tcp_link_close: EOF, socket error, caller */
};

/*
 * Events, each optional (NULL).  They run inside tcp_link_input or
 * tcp_link_tick and may call any tcp_link function, tcp_link_close too.
 * Byte pointers are valid during the call only.
 */
struct tcpl_cbs {
	/* up = 1 once the handshake is done; up = 0 once, when it goes down. */
	void	(*state)(void *arg, int up, enum tcpl_down why);
	/* The relay's answer to tcp_link_route: conn_id 16..255, 0 refused. */
	void	(*routed)(void *arg, const uint8_t pk[TCPW_PK_LEN],
		    uint8_t conn_id);
	/* Connect (online 1) or disconnect (0) notification for conn_id. */
	void	(*conn)(void *arg, uint8_t conn_id,
		    const uint8_t pk[TCPW_PK_LEN], int online);
	/* Data from the peer on an online conn_id (1..2031 bytes). */
	void	(*data)(void *arg, uint8_t conn_id,
		    const uint8_t pk[TCPW_PK_LEN], const uint8_t *, size_t);
	/* An out-of-band packet from the holder of pk (1..1024 bytes). */
	void	(*oob)(void *arg, const uint8_t pk[TCPW_PK_LEN],
		    const uint8_t *, size_t);
	/* An onion response (a 0x84 or 0x86 packet, unchecked). */
	void	(*onion)(void *arg, const uint8_t *, size_t);
};

struct tcpl_conn {
	uint8_t		status;		/* 0 free, 1 routed, 2 online */
	uint8_t		pk[TCPW_PK_LEN];
};

struct tcpl_stats {
	uint64_t	frames_in, frames_out;
	uint64_t	pings_sent, pongs_ok, pings_answered;
	uint64_t	refused;	/* routing responses with id < 16 */
	uint64_t	dropped;	/* data on an id not online, forwardings */
	uint64_t	full;		/* sends refused with TCPL_FULL */
};

struct tcp_link {
	struct dht_keys		*keys;		/* borrowed */
	struct tcpl_cbs		 cb;
	void			*arg;
	uint8_t			 state;		/* enum tcpl_state */
	uint8_t			 why;		/* enum tcpl_down */
	uint8_t			 relay_pk[TCPW_PK_LEN];
	uint64_t		 hs_deadline;
	uint64_t		 ping_at;	/* next ping */
	uint64_t		 pong_due;	/* 0: no ping outstanding */
	uint8_t			 ping_id[TCPW_PING_ID_LEN];
	struct tcpw_client_hs	 hs;
	uint8_t			 ans[TCPW_HS_ANSWER_LEN];
	size_t			 ans_have;
	struct tcpw_session	 s;
	struct tcpw_rx		 rx;
	uint8_t			 plain[TCPW_PLAIN_MAX];
	uint8_t			 out[TCPL_OUTQ];
	size_t			 out_off, out_len;
	struct tcpl_conn	 conns[TCPL_CONNS];
	struct tcpl_stats	 st;
};

/*
 * A new link to the relay whose DHT key is relay_pk: queues the 128-byte
 * handshake request (the first bytes to write once connected) and starts
 * the 10 s handshake clock.  Returns 0, or -1 if the relay's key is
 * unusable (the link is then DOWN, no callback).
 */
int	tcp_link_start(struct tcp_link *, struct dht_keys *,
	    const uint8_t relay_pk[TCPW_PK_LEN], const struct tcpl_cbs *,
	    void *arg, uint64_t now_ms);
/*
 * Bytes read from the socket, any amount.  Returns 0, or -1 if the link
 * is down after them (it then was already, or went down now: the state
 * callback ran).  A passed deadline is checked first.
 */
int	tcp_link_input(struct tcp_link *, const uint8_t *, size_t,
	    uint64_t now_ms);
/* Runs what is due: handshake and pong timeouts, the next ping. */
void	tcp_link_tick(struct tcp_link *, uint64_t now_ms);
/* The next deadline for tcp_link_tick, TCPL_NEVER when down. */
uint64_t tcp_link_next_ms(const struct tcp_link *);
/* Takes the link down now (EOF, socket error, the caller's choice). */
void	tcp_link_close(struct tcp_link *, enum tcpl_down why);
enum tcpl_state tcp_link_state(const struct tcp_link *);
/* The reason it went down, TCPL_DOWN_NONE while it is not. */
enum tcpl_down tcp_link_why(const struct tcp_link *);

/* The queued bytes to write: *p and the length (0: nothing, or down). */
size_t	tcp_link_out(const struct tcp_link *, const uint8_t **p);
/* n of them were written. */
void	tcp_link_out_done(struct tcp_link *, size_t n);

/*
 * Requests; only while UP.  Each returns 0 (queued), TCPL_FULL (queue
 * full, nothing sent) or -1 (not up, or an argument out of range: a
 * conn_id that is not online, empty or oversized data).
 */
int	tcp_link_route(struct tcp_link *, const uint8_t pk[TCPW_PK_LEN]);
/* Frees conn_id here at once and tells the relay (reserve may be used). */
int	tcp_link_disconnect(struct tcp_link *, uint8_t conn_id);
int	tcp_link_send(struct tcp_link *, uint8_t conn_id, const uint8_t *,
	    size_t);
int	tcp_link_oob(struct tcp_link *, const uint8_t pk[TCPW_PK_LEN],
	    const uint8_t *, size_t);
/* An onion request: nonce || IPP(B) || pk || box, > 158 bytes. */
int	tcp_link_onion(struct tcp_link *, const uint8_t *, size_t);

/* The conn_id's peer key and status (0 free, 1 routed, 2 online). */
int	tcp_link_conn(const struct tcp_link *, uint8_t conn_id,
	    uint8_t pk[TCPW_PK_LEN]);
const struct tcpl_stats *tcp_link_stats(const struct tcp_link *);
/* Wipes the session and handshake secrets (the keys are netd's). */
void	tcp_link_wipe(struct tcp_link *);

#endif
