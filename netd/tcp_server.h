/*
 * A TCP relay server (c-toxcore 0.2.18 TCP_server.c, as tox-bootstrapd
 * runs it) as a pure engine: clients' bytes in, bytes for each client in
 * a bounded out-queue the glue drains, onion requests out to the glue.
 * No I/O, no clock (time is now_ms), memory fixed at tcps_init.
 *
 * Bounds, so no client can make it grow: at most `max` clients (a new one
 * evicts the oldest that has not finished its handshake, else is
 * refused); TCPS_SLOTS routings per client (c-toxcore's 240); each
 * client's out-queue TCPS_OUTQ bytes, the last TCPS_RESERVE kept for
 * pongs, pings and notifications.  Data or OOB for a client whose queue
 * is full is dropped (the transports above resend); a client that cannot
 * take even a notification is closed, as is one that does not finish its
 * handshake and first frame within 10 s, or leaves a ping unanswered 10 s.
 *
 * What the relay does, as c-toxcore's: a routing request for a key gets a
 * connection id (16..255, 0 when full); when both ends asked for each
 * other, both get a connect notification and data flows between the two
 * ids; a disconnect (or a client gone) tells the other end.  OOB goes to
 * the client with the destination key, tagged with the sender's.  A
 * client that confirms with a key already connected replaces the old one.
 */
#ifndef BULKHEAD_NETD_TCP_SERVER_H
#define BULKHEAD_NETD_TCP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "netd/dht_keys.h"
#include "netd/tcp_wire.h"

#define TCPS_SLOTS		(256 - TCPW_FIRST_CONN)
#define TCPS_OUTQ		16384
#define TCPS_RESERVE		512
#define TCPS_HS_TIMEOUT_MS	10000
#define TCPS_PING_MS		30000
#define TCPS_PONG_TIMEOUT_MS	10000
#define TCPS_NEVER		UINT64_MAX

enum tcps_st {
	TCPS_FREE = 0,
	TCPS_HANDSHAKE,		/* reading the 128-byte request */
	TCPS_UNCONFIRMED,	/* answered; no valid frame yet */
	TCPS_CONFIRMED
};

struct tcps_slot {
	uint8_t		st;		/* 0 free, 1 routed, 2 online */
	uint8_t		pk[TCPW_PK_LEN];
	uint16_t	other;		/* the other end's client, online */
	uint8_t		other_id;	/* its connection id for us */
};

struct tcps_client {
	uint8_t			st;		/* enum tcps_st */
	uint8_t			pk[TCPW_PK_LEN];
	uint32_t		gen;		/* for the glue's fd table */
	uint64_t		since;		/* accepted */
	uint64_t		ping_at, pong_due;
	uint8_t			ping_id[TCPW_PING_ID_LEN];
	uint8_t			req[TCPW_HS_REQ_LEN];
	size_t			req_have;
	struct tcpw_session	s;
	struct tcpw_rx		rx;
	uint8_t			out[TCPS_OUTQ];
	size_t			out_off, out_len;
	struct tcps_slot	slot[TCPS_SLOTS];
};

struct tcps_cb {
	/* A client's out-queue has new bytes: flush it. */
	void	(*out)(void *arg, unsigned client);
	/* The engine ended a client (timeout, protocol, eviction): close
	 * its socket.  Not called for tcps_close. */
	void	(*closed)(void *arg, unsigned client);
	/* An onion request (nonce || IPP || pk || box) from a client. */
	void	(*onion)(void *arg, unsigned client, const uint8_t *, size_t);
};

struct tcps_stats {
	uint64_t	accepted, refused, evicted, confirmed, replaced;
	uint64_t	bad_hs, bad_frame, bad_packet, timeouts, stalled;
	uint64_t	routed, linked, data, oob, onion, dropped;
};

struct tcp_server {
	struct dht_keys		*keys;		/* the relay's, borrowed */
	struct tcps_cb		 cb;
	void			*arg;
	unsigned		 max;
	struct tcps_client	*c;		/* max of them */
	uint8_t			 plain[TCPW_PLAIN_MAX];
	struct tcps_stats	 st;
};

/* Allocates room for max clients (the only allocation).  0 or -1. */
int	tcps_init(struct tcp_server *, struct dht_keys *, unsigned max,
	    const struct tcps_cb *, void *arg);
void	tcps_free(struct tcp_server *);

/* A new connection: its client index, or -1 (full: close it). */
int	tcps_accept(struct tcp_server *, uint64_t now_ms);
/* Bytes from client i.  0, or -1 if the engine ended it (closed ran). */
int	tcps_input(struct tcp_server *, unsigned i, const uint8_t *, size_t,
	    uint64_t now_ms);
/* The socket of client i closed or failed: the engine forgets it. */
void	tcps_close(struct tcp_server *, unsigned i);
/* Timeouts and pings; returns the next deadline (TCPS_NEVER: none). */
uint64_t tcps_tick(struct tcp_server *, uint64_t now_ms);

size_t	tcps_out(const struct tcp_server *, unsigned i, const uint8_t **);
void	tcps_out_done(struct tcp_server *, unsigned i, size_t n);

/* An onion answer (0x84/0x86 packet) for client i: 0, or -1 dropped. */
int	tcps_onion_resp(struct tcp_server *, unsigned i, const uint8_t *,
	    size_t);
/* Clients in each state, for status and tests. */
unsigned tcps_count(const struct tcp_server *, unsigned st);

#endif
