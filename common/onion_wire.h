/*
 * Sizes and kinds of the onion's wire formats (map §5), c-toxcore 0.2.18,
 * shared by the relay and announce store in netd and by the announce and
 * onion-data codecs keyd uses for what needs the long-term key.  Constants
 * only: each codec keeps its own checks.
 *
 *  0x80 (client -> A)  kind || nonce || sender pk || box_A(IPP(B) || PK1 ||
 *                      box_B(IPP(C) || PK2 || box_C(IPP(D) || payload)))
 *  0x81 (A -> B)       kind || nonce || PK1 || box_B(...) || R1
 *  0x82 (B -> C)       kind || nonce || PK2 || box_C(...) || R2
 *  C -> D              payload || R3 (payload starts 0x83 or 0x85)
 *  0x8c/0x8d/0x8e      kind || R3/R2/R1 || response, back towards A
 *  A -> client         response raw (starts 0x84 or 0x86)
 *
 * R1 = nonce || secretbox(IPP(client)); R2 = nonce || secretbox(IPP(A) ||
 * R1); R3 = nonce || secretbox(IPP(B) || R2): only their maker opens them.
 */
#ifndef BULKHEAD_COMMON_ONION_WIRE_H
#define BULKHEAD_COMMON_ONION_WIRE_H

enum onion_kind {
	ONION_REQ_0		= 0x80,
	ONION_REQ_1		= 0x81,
	ONION_REQ_2		= 0x82,
	ONION_ANNOUNCE_REQ	= 0x83,
	ONION_ANNOUNCE_RESP	= 0x84,
	ONION_DATA_REQ		= 0x85,
	ONION_DATA_RESP		= 0x86,
	ONION_RESP_3		= 0x8c,
	ONION_RESP_2		= 0x8d,
	ONION_RESP_1		= 0x8e,
};

#define ONION_PK_LEN		32
#define ONION_NONCE_LEN		24
#define ONION_MAC_LEN		16
#define ONION_SENDBACK_LEN	8	/* announce sendback: opaque, echoed */
#define ONION_PING_ID_LEN	32

/* The onion IP_Port: family (2 IPv4, 10 IPv6) || 16 address bytes (IPv4
 * first, then zeros) || port BE. */
#define ONION_IPP_LEN		19
#define ONION_IPP_V4		2
#define ONION_IPP_V6		10
/* Ours only, inside our own sealed return blocks: a client of our relay
 * server (c-toxcore puts a TCP family there for the same purpose). */
#define ONION_IPP_SRV		0xf1

/* Return paths: nonce || secretbox(IPP || the previous one). */
#define ONION_RET_1_LEN	(ONION_NONCE_LEN + ONION_IPP_LEN + ONION_MAC_LEN)
#define ONION_RET_2_LEN	(ONION_NONCE_LEN + ONION_IPP_LEN + ONION_RET_1_LEN + \
			 ONION_MAC_LEN)
#define ONION_RET_3_LEN	(ONION_NONCE_LEN + ONION_IPP_LEN + ONION_RET_2_LEN + \
			 ONION_MAC_LEN)			/* 59, 118, 177 */

#define ONION_MAX_PACKET	1400
#define ONION_MAX_PAYLOAD	1174	/* what reaches D, without R3 */
#define ONION_MAX_RESPONSE	1222	/* what D answers, without R3 */

/* Announce request 0x83 as built: kind || nonce || sender pk ||
 * box(ping_id || search pk || data pk || sendback). */
#define ANNOUNCE_PLAIN_LEN	(ONION_PING_ID_LEN + 2 * ONION_PK_LEN + \
				 ONION_SENDBACK_LEN)		/* 104 */
#define ANNOUNCE_REQ_LEN	(1 + ONION_NONCE_LEN + ONION_PK_LEN + \
				 ONION_MAC_LEN + ANNOUNCE_PLAIN_LEN) /* 177 */
/* Announce response 0x84: kind || sendback || nonce || box(is_stored 1 ||
 * ping id or data pk 32 || 0..4 packed UDP nodes, no count byte). */
#define ANNOUNCE_RESP_PLAIN_MIN	(1 + ONION_PING_ID_LEN)
#define ANNOUNCE_RESP_NODES_MAX	4
#define ANNOUNCE_RESP_HDR_LEN	(1 + ONION_SENDBACK_LEN + ONION_NONCE_LEN)
#define ANNOUNCE_RESP_MIN	(ANNOUNCE_RESP_HDR_LEN + ONION_MAC_LEN + \
				 ANNOUNCE_RESP_PLAIN_MIN)	/* 82 */
#define ANNOUNCE_RESP_MAX	(ANNOUNCE_RESP_MIN + \
				 ANNOUNCE_RESP_NODES_MAX * 51)	/* 286 */
enum announce_stored {
	ANNOUNCE_NOT_STORED	= 0,	/* field: a fresh ping id */
	ANNOUNCE_FOUND		= 1,	/* field: the searched key's data pk */
	ANNOUNCE_STORED		= 2,	/* you are stored; field: ping id */
};

/*
 * Onion data 0x85 (C -> D): kind || dest real pk || nonce || eph pk ||
 * box(eph sk, dest data pk)(sender real pk || box(sender real sk, dest
 * real pk, same nonce)(id || data)).  D sends on 0x86 || nonce || eph pk
 * || the outer box.  c-toxcore drops a 0x86 longer than 1069 bytes, so
 * id || data is at most 948 bytes when sent (a friend request's text
 * 943), and we accept what c-toxcore may send (1021).
 */
#define ONION_DATA_REQ_HDR_LEN	(1 + ONION_PK_LEN + ONION_NONCE_LEN + \
				 ONION_PK_LEN)			/* 89 */
#define ONION_DATA_RESP_HDR_LEN	(1 + ONION_NONCE_LEN + ONION_PK_LEN) /* 57 */
#define ONION_DATA_RESP_MAX	1069
#define ONION_DATA_INNER_SEND_MAX	948	/* id || data we send */
#define ONION_DATA_INNER_MAX	1021	/* id || data we accept */
#define ONION_DATA_ID_FRIEND_REQ	0x20
#define ONION_DATA_ID_DHTPK		0x9c

#endif
