/*
 * The TCP relay wire of c-toxcore 0.2.18 (map §6, gotchas 14-16): the
 * handshake, the encrypted frames and the relay packets, both halves, so
 * the client link and a relay server share one codec.  Pure: no I/O, no
 * clock, fixed memory.
 *
 * Handshake (raw, no length prefix):
 *   client -> relay, 128 B: client DHT pk || nonce ||
 *	box(client DHT sk, relay pk, nonce)(client temp pk || client base nonce)
 *   relay -> client, 96 B: nonce ||
 *	box(relay sk, client pk, nonce)(relay temp pk || relay base nonce)
 * Session key = beforenm(peer temp pk, own temp sk); each side seals with
 * the base nonce it announced itself and adds 1 per frame (the 24 bytes
 * read as one big-endian number, as c-toxcore's increment_nonce).
 *
 * Frame: u16 BE len || box(plain), len = plain + 16, 17..2048.
 *
 * Packets (first plain byte): 0..11 are control kinds, 12..15 are never
 * valid, 16..255 are data and the byte is the connection id.
 */
#ifndef BULKHEAD_NETD_TCP_WIRE_H
#define BULKHEAD_NETD_TCP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "netd/dht_keys.h"

#define TCPW_PK_LEN		32
#define TCPW_KEY_LEN		32
#define TCPW_NONCE_LEN		24
#define TCPW_MAC_LEN		16
#define TCPW_HS_PLAIN_LEN	(TCPW_PK_LEN + TCPW_NONCE_LEN)		/* 56 */
#define TCPW_HS_ANSWER_LEN	(TCPW_NONCE_LEN + TCPW_HS_PLAIN_LEN + \
				 TCPW_MAC_LEN)				/* 96 */
#define TCPW_HS_REQ_LEN		(TCPW_PK_LEN + TCPW_HS_ANSWER_LEN)	/* 128 */
#define TCPW_BOX_MIN		(TCPW_MAC_LEN + 1)			/* 17 */
#define TCPW_BOX_MAX		2048
#define TCPW_PLAIN_MAX		(TCPW_BOX_MAX - TCPW_MAC_LEN)		/* 2032 */
#define TCPW_FRAME_MAX		(2 + TCPW_BOX_MAX)			/* 2050 */
#define TCPW_PING_ID_LEN	8
#define TCPW_OOB_MAX		1024
#define TCPW_FIRST_CONN		16	/* ids below are packet kinds */
#define TCPW_DATA_MAX		(TCPW_PLAIN_MAX - 1)
/* c-toxcore's relay drops an onion request of 1 + 24 + 2 * 67 bytes or less. */
#define TCPW_ONION_REQ_MIN	(TCPW_NONCE_LEN + 2 * (TCPW_PK_LEN + 19 + \
				 TCPW_MAC_LEN) + 1)

enum tcpw_kind {
	TCPW_ROUTE_REQ		= 0,	/* C->S  0 || pk */
	TCPW_ROUTE_RESP		= 1,	/* S->C  1 || conn_id || pk; id < 16 refused */
	TCPW_CONNECTED		= 2,	/* S->C  2 || conn_id (C->S accepted, ignored) */
	TCPW_DISCONNECTED	= 3,	/* both  3 || conn_id */
	TCPW_PING		= 4,	/* both  4 || ping id (8 opaque bytes) */
	TCPW_PONG		= 5,	/* both  5 || ping id */
	TCPW_OOB_SEND		= 6,	/* C->S  6 || dest pk || data 1..1024 */
	TCPW_OOB_RECV		= 7,	/* S->C  7 || src pk || data 1..1024 */
	TCPW_ONION_REQ		= 8,	/* C->S  8 || nonce || IPP || pk || box */
	TCPW_ONION_RESP		= 9,	/* S->C  9 || a 0x84/0x86 packet */
	TCPW_FORWARD_REQ	= 10,	/* C->S 10 || NGC forward request */
	TCPW_FORWARDING		= 11,	/* S->C 11 || NGC forwarding */
	TCPW_DATA		= 16	/* both  conn_id (>= 16) || data */
};

/*
 * One relay packet, parsed or to pack.  kind is an enum tcpw_kind (any
 * data packet is TCPW_DATA, its id in conn_id).  data points into the
 * buffer that was parsed (or at the caller's bytes to pack): OOB data,
 * onion and forward bodies, data payloads.  Fields a kind does not use
 * are left alone.
 */
struct tcpw_pkt {
	uint8_t		 kind;
	uint8_t		 conn_id;
	uint8_t		 pk[TCPW_PK_LEN];
	uint8_t		 ping_id[TCPW_PING_ID_LEN];
	const uint8_t	*data;
	size_t		 len;
};

/* One side's keys for the frames of an established link. */
struct tcpw_session {
	uint8_t		key[TCPW_KEY_LEN];
	uint8_t		send_nonce[TCPW_NONCE_LEN];	/* our base, then +1 */
	uint8_t		recv_nonce[TCPW_NONCE_LEN];	/* the peer's */
};

/* What the client keeps between its request and the relay's answer. */
struct tcpw_client_hs {
	uint8_t		relay_pk[TCPW_PK_LEN];
	uint8_t		temp_sk[TCPW_KEY_LEN];
	uint8_t		base_nonce[TCPW_NONCE_LEN];
};

/* The stream reassembler: at most one frame buffered, never more. */
struct tcpw_rx {
	uint8_t		buf[TCPW_FRAME_MAX];
	size_t		have;
	size_t		need;		/* 2, then 2 + the frame's length */
	int		dead;		/* a bad frame was seen: sticky */
};

/* Adds 1 to a 24-byte nonce read as a big-endian number. */
void	tcpw_nonce_inc(uint8_t nonce[TCPW_NONCE_LEN]);

/*
 * Client half.  Builds the 128-byte request to the relay whose (DHT)
 * key is relay_pk, from our DHT keypair in keys; keeps a fresh temp
 * secret and base nonce in *hs.  Returns 0, or -1 if libsodium refuses
 * the relay's key (a low-order point).
 */
int	tcpw_client_hello(struct dht_keys *, const uint8_t relay_pk[TCPW_PK_LEN],
	    struct tcpw_client_hs *, uint8_t out[TCPW_HS_REQ_LEN]);
/*
 * Opens the relay's answer (exactly 96 bytes) into *s and wipes the temp
 * secret in *hs.  Returns 0, or -1 (wrong length, does not open, bad
 * temp key): the link is dead.
 */
int	tcpw_client_finish(struct dht_keys *, struct tcpw_client_hs *,
	    const uint8_t *ans, size_t len, struct tcpw_session *);

/*
 * Relay half.  Opens a client's 128-byte request with the relay's DHT
 * keypair, puts the client's DHT key in client_pk, builds the 96-byte
 * answer with a fresh temp keypair and base nonce, and sets up *s.
 * Returns 0, or -1: drop the connection.
 */
int	tcpw_server_accept(struct dht_keys *, const uint8_t *req, size_t len,
	    uint8_t client_pk[TCPW_PK_LEN], uint8_t out[TCPW_HS_ANSWER_LEN],
	    struct tcpw_session *);

/*
 * Seals plain (1..TCPW_PLAIN_MAX bytes) as one frame into out with the
 * session's send nonce, which then moves on by one.  Returns the frame's
 * length (plain + 18) or -1 (bad length, no room; the nonce is unused).
 */
int	tcpw_frame_seal(struct tcpw_session *, const uint8_t *plain, size_t len,
	    uint8_t *out, size_t cap);

void	tcpw_rx_init(struct tcpw_rx *);
/*
 * Takes bytes from *in / *n (advancing both) until one whole frame is
 * buffered, then opens it with the session's receive nonce (which moves
 * on by one) into plain, which holds TCPW_PLAIN_MAX.  Returns 1 with
 * *plen set (bytes may be left in *in: call again), 0 when every byte was
 * taken and no frame is whole yet, -1 on a length outside 17..2048 or a
 * frame that does not open.  After -1 the stream is dead: every later
 * call returns -1.
 */
int	tcpw_rx_next(struct tcpw_rx *, struct tcpw_session *,
	    const uint8_t **in, size_t *n, uint8_t *plain, size_t *plen);

/*
 * Packet codecs.  The parsers take one frame's plain text and accept
 * only the kinds that travel in their direction, with c-toxcore's exact
 * lengths: from_server for what a client reads, from_client for what a
 * relay reads.  Return 0, or -1 (the peer broke the protocol: c-toxcore
 * closes the link).  tcpw_pkt_pack packs any kind either way; -1 if a
 * field is out of range (a data payload, OOB or body that is empty or
 * too long, a connection id below 16 where one is needed) or out is short.
 */
int	tcpw_parse_from_server(const uint8_t *, size_t, struct tcpw_pkt *);
int	tcpw_parse_from_client(const uint8_t *, size_t, struct tcpw_pkt *);
int	tcpw_pkt_pack(const struct tcpw_pkt *, uint8_t *out, size_t cap);

#endif
