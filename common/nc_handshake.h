/*
 * The net_crypto handshake 0x1a (map §7, c-toxcore 0.2.18), always 385
 * bytes:
 *
 *	0x1a || outer cookie 112 || nonce 24 ||
 *	    box(shared(sender real sk, receiver real pk), nonce)(
 *	    base nonce 24 || session pk 32 || SHA-512(outer cookie) 64 ||
 *	    other cookie 112)
 *
 * The outer cookie is the one the receiver issued to the sender (in a
 * cookie response, or as the "other cookie" of the receiver's own
 * handshake); the sender answers it and binds it to the box by its hash.
 * The other cookie is one the sender issues for the receiver (its real
 * and DHT keys, under the sender's cookie secret) so that the receiver can
 * answer with a handshake of its own without a cookie round trip.  Both
 * cookies are opaque here: making and opening them is the cookie codec's
 * job.
 *
 * The box is keyed with the key shared between the two REAL (long-term)
 * keys, a crypto_box_beforenm output: keyd computes it, nothing else may,
 * and it is an argument here.  Pure: no I/O, no clock, no RNG (the box
 * nonce is an argument too).  A handshake that is resent must be resent
 * byte for byte (gotcha 20): keep the built packet, do not build again.
 */
#ifndef BULKHEAD_COMMON_NC_HANDSHAKE_H
#define BULKHEAD_COMMON_NC_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#define NC_HS_KIND		0x1a	/* NET_PACKET_CRYPTO_HS */
#define NC_HS_KEY_LEN		32	/* crypto_box_BEFORENMBYTES */
#define NC_HS_PK_LEN		32
#define NC_HS_NONCE_LEN		24
#define NC_HS_MAC_LEN		16
#define NC_HS_HASH_LEN		64	/* SHA-512 */
/* A cookie: nonce 24 || secretbox(time u64 || real pk || DHT pk) */
#define NC_HS_COOKIE_LEN	(NC_HS_NONCE_LEN + 8 + 2 * NC_HS_PK_LEN + \
				    NC_HS_MAC_LEN)			/* 112 */
#define NC_HS_PLAIN_LEN		(NC_HS_NONCE_LEN + NC_HS_PK_LEN + \
				    NC_HS_HASH_LEN + NC_HS_COOKIE_LEN)	/* 232 */
#define NC_HS_BOX_LEN		(NC_HS_MAC_LEN + NC_HS_PLAIN_LEN)	/* 248 */
#define NC_HS_LEN		(1 + NC_HS_COOKIE_LEN + NC_HS_NONCE_LEN + \
				    NC_HS_BOX_LEN)			/* 385 */

/* What the box carries, besides the hash of the outer cookie. */
struct nc_hs {
	uint8_t	base_nonce[NC_HS_NONCE_LEN];	/* the sender's data nonce */
	uint8_t	session_pk[NC_HS_PK_LEN];	/* the sender's session key */
	uint8_t	other_cookie[NC_HS_COOKIE_LEN];	/* for the receiver to answer */
};

/*
 * Builds a handshake into out: answers peer_cookie (the cookie the peer
 * issued to us; it goes outside and its hash inside), sealing *hs under
 * key (shared with the peer's real pk) and nonce.  Returns NC_HS_LEN, or
 * -1 if cap is smaller.
 */
int	nc_hs_build(const uint8_t key[NC_HS_KEY_LEN],
	    const uint8_t peer_cookie[NC_HS_COOKIE_LEN],
	    const uint8_t nonce[NC_HS_NONCE_LEN], const struct nc_hs *hs,
	    uint8_t *out, size_t cap);

/*
 * Checks the kind byte and the exact length, and copies out the outer
 * cookie: the caller opens it (it names the sender's real pk, hence the
 * key) before it can call nc_hs_open.  0, or -1 (cookie zeroed).
 */
int	nc_hs_split(const uint8_t *pkt, size_t len,
	    uint8_t cookie[NC_HS_COOKIE_LEN]);

/*
 * Opens a whole handshake with key (shared with the real pk the outer
 * cookie names).  As c-toxcore does, the hash inside must be that of the
 * outer cookie of this very packet, the cookie we issued and the peer
 * answers: a box moved under another cookie is refused.  Refused (-1,
 * *out zeroed): wrong kind or length, a MAC that does not verify, a hash
 * that differs.  0 on success.
 */
int	nc_hs_open(const uint8_t key[NC_HS_KEY_LEN], const uint8_t *pkt,
	    size_t len, struct nc_hs *out);

#endif
