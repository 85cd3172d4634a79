/*
 * DHT packet codecs, wire-compatible with c-toxcore 0.2.18 (map §3, §4).
 * Pure: no I/O, no clock.  Each packet kind has a pack function (encrypt
 * and frame into a caller buffer; returns the length or -1) and a parse
 * function (exact length checks, decrypt, unpack through struct rd;
 * returns 0 or -1, and on -1 nothing in *out is to be trusted).
 *
 * A DHT packet is  kind || sender DHT pk (32) || nonce (24) || box, where
 * box = crypto_box_easy_afternm(plain) under the DHT shared key.  Ping ids
 * are 8 opaque bytes echoed verbatim; we never read them as a number.
 */
#ifndef BULKHEAD_NETD_DHT_PACKET_H
#define BULKHEAD_NETD_DHT_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "common/packed_node.h"
#include "netd/dht_keys.h"

enum dht_kind {
	DHT_PING_REQ		= 0x00,
	DHT_PING_RESP		= 0x01,
	DHT_NODES_REQ		= 0x02,
	DHT_NODES_RESP		= 0x04,
	DHT_CRYPTO		= 0x20,	/* DHT request, routed by pk */
	DHT_LAN			= 0x21,
};

#define DHT_NONCE_LEN		24
#define DHT_MAC_LEN		16
#define DHT_PING_ID_LEN		8
#define DHT_HDR_LEN		(1 + DHT_PK_LEN + DHT_NONCE_LEN)	/* 57 */
#define DHT_PING_LEN		(DHT_HDR_LEN + DHT_MAC_LEN + 1 + DHT_PING_ID_LEN)
#define DHT_NODES_REQ_LEN	(DHT_HDR_LEN + DHT_MAC_LEN + DHT_PK_LEN + \
				 DHT_PING_ID_LEN)
#define DHT_MAX_SENT_NODES	4
/* A response carries 1..4 nodes of 39 or 51 bytes. */
#define DHT_NODES_RESP_MIN	(DHT_HDR_LEN + DHT_MAC_LEN + 1 + PN_SIZE_V4 + \
				 DHT_PING_ID_LEN)
#define DHT_NODES_RESP_MAX	(DHT_HDR_LEN + DHT_MAC_LEN + 1 + \
				 DHT_MAX_SENT_NODES * PN_SIZE_V6 + DHT_PING_ID_LEN)
#define DHT_LAN_LEN		(1 + DHT_PK_LEN)

/*
 * DHT request (0x20): 0x20 || receiver pk || sender pk || nonce ||
 * box(request id || data).  We create and accept for ourselves at most
 * 1024 bytes; c-toxcore routes up to 1040, so we route as much.
 */
#define DHT_REQ_HDR_LEN		(1 + 2 * DHT_PK_LEN + DHT_NONCE_LEN)	/* 89 */
#define DHT_REQ_MAX		1024
#define DHT_REQ_ROUTE_MAX	(DHT_REQ_MAX + DHT_MAC_LEN)
#define DHT_REQ_DATA_MAX	(DHT_REQ_MAX - DHT_REQ_HDR_LEN - DHT_MAC_LEN - 1)
#define DHT_REQ_NAT_PING	0xfe
#define DHT_REQ_DHTPK		0x9c
#define DHT_NAT_PING_LEN	(1 + DHT_PING_ID_LEN)
#define DHT_NAT_PING_REQ	0
#define DHT_NAT_PING_RESP	1

struct dht_ping {
	uint8_t		response;	/* 0 request (0x00), 1 response (0x01) */
	uint8_t		ping_id[DHT_PING_ID_LEN];
};

struct dht_nodes_req {
	uint8_t		search_pk[DHT_PK_LEN];
	uint8_t		ping_id[DHT_PING_ID_LEN];
};

struct dht_nodes_resp {
	uint8_t			n;	/* 1..4 */
	struct packed_node	nodes[DHT_MAX_SENT_NODES];
	uint8_t			ping_id[DHT_PING_ID_LEN];
};

struct dht_request {
	uint8_t		receiver_pk[DHT_PK_LEN];
	uint8_t		sender_pk[DHT_PK_LEN];
	uint8_t		id;
	size_t		len;
	uint8_t		data[DHT_REQ_DATA_MAX];
};

struct dht_nat_ping {
	uint8_t		type;		/* DHT_NAT_PING_REQ or _RESP */
	uint8_t		ping_id[DHT_PING_ID_LEN];
};

/*
 * Ping request or response to peer_pk.  out must hold DHT_PING_LEN.
 * Returns DHT_PING_LEN or -1.
 */
int	dhtp_ping_pack(struct dht_keys *, const uint8_t peer_pk[DHT_PK_LEN],
	    const struct dht_ping *, uint8_t *out, size_t cap);
/*
 * Parses a 0x00 or 0x01 packet (exactly 82 bytes; the inner kind byte must
 * repeat the outer one).  Sender pk to *peer_pk.  Packets that claim our
 * own key are refused.
 */
int	dhtp_ping_parse(struct dht_keys *, const uint8_t *pkt, size_t len,
	    uint8_t peer_pk[DHT_PK_LEN], struct dht_ping *);

/* Nodes request (0x02, 113 bytes). */
int	dhtp_nodes_req_pack(struct dht_keys *, const uint8_t peer_pk[DHT_PK_LEN],
	    const struct dht_nodes_req *, uint8_t *out, size_t cap);
int	dhtp_nodes_req_parse(struct dht_keys *, const uint8_t *pkt, size_t len,
	    uint8_t peer_pk[DHT_PK_LEN], struct dht_nodes_req *);

/*
 * Nodes response (0x04): 1..4 UDP nodes.  c-toxcore drops a response with
 * no node or with a TCP family, so we neither send nor accept one; the
 * count byte must equal the nodes packed, which must fill the plain text
 * exactly up to the ping id.
 */
int	dhtp_nodes_resp_pack(struct dht_keys *, const uint8_t peer_pk[DHT_PK_LEN],
	    const struct dht_nodes_resp *, uint8_t *out, size_t cap);
int	dhtp_nodes_resp_parse(struct dht_keys *, const uint8_t *pkt, size_t len,
	    uint8_t peer_pk[DHT_PK_LEN], struct dht_nodes_resp *);

/*
 * DHT request (0x20) from us to receiver_pk, encrypted under our DHT key
 * with receiver_pk: data may be empty; at most DHT_REQ_DATA_MAX bytes.
 */
int	dhtp_request_pack(struct dht_keys *, const uint8_t receiver_pk[DHT_PK_LEN],
	    uint8_t id, const uint8_t *data, size_t len, uint8_t *out, size_t cap);
/*
 * Reads the receiver of a 0x20 packet without decrypting, to decide
 * whether it is ours or to route (bounds: > 105 and <= 1040 bytes, as
 * c-toxcore).  Returns 0 or -1.
 */
int	dhtp_request_peek(const uint8_t *pkt, size_t len,
	    uint8_t receiver_pk[DHT_PK_LEN]);
/* Decrypts a 0x20 packet addressed to us (at most 1024 bytes). */
int	dhtp_request_parse(struct dht_keys *, const uint8_t *pkt, size_t len,
	    struct dht_request *);

/* NAT ping payload of request id 0xfe: type || ping id, exactly 9 bytes. */
int	dhtp_nat_ping_encode(const struct dht_nat_ping *, uint8_t *out, size_t cap);
int	dhtp_nat_ping_decode(const uint8_t *data, size_t len, struct dht_nat_ping *);

/* LAN discovery: 0x21 || our DHT pk, exactly 33 bytes, no crypto. */
int	dhtp_lan_pack(const uint8_t pk[DHT_PK_LEN], uint8_t *out, size_t cap);
int	dhtp_lan_parse(const uint8_t *pkt, size_t len, uint8_t pk[DHT_PK_LEN]);

#endif
