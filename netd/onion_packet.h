/*
 * The onion's relay layers, wire-compatible with c-toxcore 0.2.18
 * (toxcore/onion.c; map §5.1; layouts in common/onion_wire.h).  Pure: no
 * I/O, no clock.  Randomness (nonces, ephemeral keys) comes from
 * libsodium.
 *
 * A relay step takes one received packet and the address it came from and
 * gives the packet to send on and where to (struct onion_out), or -1: then
 * nothing is sent and nothing in *out is to be trusted.  Each step checks
 * the exact bounds c-toxcore checks, so a packet it would drop we drop
 * too, and one it would relay we relay:
 *
 *	0x80 (len > 226)  open layer A with our DHT key -> 0x81 to B
 *	0x81 (len > 218)  open layer B with our DHT key -> 0x82 to C
 *	0x82 (len > 210)  open layer C with our DHT key -> payload || R3 to D
 *			  (payload must start 0x83 or 0x85)
 *	0x8c (len > 178)  open R3 with our secret -> 0x8d || R2 || resp to B
 *	0x8d (len > 119)  open R2 -> 0x8e || R1 || resp to A
 *	0x8e (len > 60)   open R1 -> resp, raw, to the client
 *	(resp must start 0x84 or 0x86; every packet at most 1400 bytes)
 *
 * The return blocks R1..R3 are sealed with a secret only this relay holds
 * (crypto_secretbox, a fresh nonce each); a block is opened with the
 * current secret or, failing that, the previous one, so that answers in
 * flight when the secret rotates still find their way back.
 */
#ifndef BULKHEAD_NETD_ONION_PACKET_H
#define BULKHEAD_NETD_ONION_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "common/onion_wire.h"
#include "common/rd.h"
#include "netd/dht_keys.h"
#include "netd/ipp.h"

#define ONION_SECRET_LEN	32	/* crypto_secretbox_KEYBYTES */
/* What a layer adds: next hop's IPP, its sender pk, a MAC (67). */
#define ONION_SEND_BASE		(ONION_PK_LEN + ONION_IPP_LEN + ONION_MAC_LEN)
/* Minimum lengths: a packet must be longer than these (c-toxcore). */
#define ONION_REQ_0_MIN	(1 + ONION_NONCE_LEN + 3 * ONION_SEND_BASE)	/* 226 */
#define ONION_REQ_1_MIN	(1 + ONION_NONCE_LEN + 2 * ONION_SEND_BASE + \
			 ONION_RET_1_LEN)				/* 218 */
#define ONION_REQ_2_MIN	(1 + ONION_NONCE_LEN + ONION_SEND_BASE + \
			 ONION_RET_2_LEN)				/* 210 */
#define ONION_RESP_3_MIN	(1 + ONION_RET_3_LEN)			/* 178 */
#define ONION_RESP_2_MIN	(1 + ONION_RET_2_LEN)			/* 119 */
#define ONION_RESP_1_MIN	(1 + ONION_RET_1_LEN)			/* 60 */

/* The relay's sendback secrets: the current one and, once rotated, the
 * previous one (has_prev). */
struct onion_secrets {
	uint8_t		cur[ONION_SECRET_LEN];
	uint8_t		prev[ONION_SECRET_LEN];
	int		has_prev;
};

/* A relay step's result: the packet to send and where. */
struct onion_out {
	struct ip_port	to;
	size_t		len;
	uint8_t		pkt[ONION_MAX_PACKET];
};

/* One hop of a path as the client knows it. */
struct onion_node {
	struct ip_port	addr;
	uint8_t		pk[DHT_PK_LEN];		/* its DHT key */
};

/*
 * A path as the client keeps it: the three addresses, the sender keys
 * each layer names (A: our DHT pk; B, C: PK1, PK2, fresh per path) and
 * the shared keys that seal the layers.  Secret: wipe with
 * onionp_path_wipe.
 */
struct onion_path {
	struct ip_port	addr[3];
	uint8_t		node_pk[3][DHT_PK_LEN];
	uint8_t		sender_pk[3][DHT_PK_LEN];
	uint8_t		key[3][DHT_KEY_LEN];
};

/*
 * The 19-byte onion IP_Port.  Packing takes a v4 or v6 address (-1 and
 * the writer marked bad otherwise).  Unpacking accepts families 2 and 10
 * only, as c-toxcore does for a next hop (it ignores the padding after an
 * IPv4 address, and so do we); an IPv4-mapped IPv6 address comes out as
 * IPv4.  An address of zeros or port 0 is refused: nothing to send to.
 */
int	onionp_ipp_pack(struct wr *, const struct ip_port *);
int	onionp_ipp_unpack(struct rd *, struct ip_port *);

/* Relay steps, one per kind; from is the address pkt came from. */
int	onionp_req_0(struct dht_keys *, const struct onion_secrets *,
	    const struct ip_port *from, const uint8_t *pkt, size_t len,
	    struct onion_out *);
int	onionp_req_1(struct dht_keys *, const struct onion_secrets *,
	    const struct ip_port *from, const uint8_t *pkt, size_t len,
	    struct onion_out *);
int	onionp_req_2(struct dht_keys *, const struct onion_secrets *,
	    const struct ip_port *from, const uint8_t *pkt, size_t len,
	    struct onion_out *);
int	onionp_resp_3(const struct onion_secrets *, const uint8_t *pkt,
	    size_t len, struct onion_out *);
int	onionp_resp_2(const struct onion_secrets *, const uint8_t *pkt,
	    size_t len, struct onion_out *);
int	onionp_resp_1(const struct onion_secrets *, const uint8_t *pkt,
	    size_t len, struct onion_out *);
/*
 * Node A for a client of our TCP relay server (map §6 packet 8): data is
 * nonce || IPP(B) || PK1 || E_B, what layer A would have held; out is the
 * 0x81 to B, its return block naming from (an IPP_SRV address, which
 * only our own return blocks carry).
 */
int	onionp_req_tcp(const struct onion_secrets *, const struct ip_port *from,
	    const uint8_t *data, size_t len, struct onion_out *);
/* The step for pkt[0], or -1 for a kind that is not one of the six. */
int	onionp_relay(struct dht_keys *, const struct onion_secrets *,
	    const struct ip_port *from, const uint8_t *pkt, size_t len,
	    struct onion_out *);

/*
 * Client side.  onionp_path_make derives a path through nodes[0..2] (A,
 * B, C): layer A under our DHT keypair, B and C under fresh ephemeral
 * keypairs whose secret halves are wiped once the shared keys exist.
 * Returns 0, or -1 (an address that is not v4/v6, a low-order key).
 */
int	onionp_path_make(struct dht_keys *, const struct onion_node nodes[3],
	    struct onion_path *);
void	onionp_path_wipe(struct onion_path *);
/*
 * The 0x80 to send to path->addr[0], carrying payload (1..1174 bytes) to
 * dest; one random nonce for the three layers, as c-toxcore.  Returns the
 * length, ONION_REQ_0_MIN + plen (227..1400), or -1.  The payload's kind
 * is not checked: a C relay forwards only 0x83 and 0x85.
 */
int	onionp_client_pack(const struct onion_path *, const struct ip_port *dest,
	    const uint8_t *payload, size_t plen, uint8_t *out, size_t cap);
/*
 * The same through a TCP relay as node A (map §6 packet 8, gotcha 15):
 * nonce || IPP(B) || PK1 || E_B(...), layer A left out (the relay is A
 * and knows us by the link).  tcp_link_onion adds the 0x08.  Returns
 * the length or -1; path->key[0] and sender_pk[0] are not used.
 */
int	onionp_client_pack_tcp(const struct onion_path *,
	    const struct ip_port *dest, const uint8_t *payload, size_t plen,
	    uint8_t *out, size_t cap);

/*
 * Destination side (the announce store): splits what C sent, payload ||
 * R3, into the payload and R3 (the payload at least one byte); and packs
 * the answer 0x8c || R3 || resp (resp 1..1222 bytes) to send back to C.
 * Return 0 / the length, or -1.
 */
int	onionp_dest_split(const uint8_t *pkt, size_t len, const uint8_t **payload,
	    size_t *plen, const uint8_t **r3);
int	onionp_dest_answer(const uint8_t r3[ONION_RET_3_LEN], const uint8_t *resp,
	    size_t rlen, uint8_t *out, size_t cap);

#endif
