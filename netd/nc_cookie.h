/*
 * net_crypto cookies (map §7), pure: no I/O, no clock (time comes in as
 * now_ms).  A peer must hold a cookie we made before we accept its
 * handshake, so a handshake flood from forged addresses costs us nothing
 * but a secretbox open, and we keep no state per request.
 *
 *  0x18 request  (145): kind || sender DHT pk 32 || nonce 24 ||
 *                       box(DHT shared)(sender real pk 32 || padding 32 ||
 *                       echo id 8)
 *  0x19 response (161): kind || nonce 24 ||
 *                       box(DHT shared)(cookie 112 || echo id 8)
 *  cookie        (112): nonce 24 ||
 *                       secretbox(cookie secret)(time u64 || real pk 32 ||
 *                       DHT pk 32)
 *
 * "DHT shared" is beforenm(peer DHT pk, our DHT sk), from netd's dht_keys
 * cache, both ways.  The echo id is 8 opaque bytes the responder copies
 * back (c-toxcore puts a host-order u64 there); whether a response answers
 * our request (right echo id, connection still asking) is the caller's
 * check.  The padding is not checked on receipt: c-toxcore ignores it too.
 *
 * Time in a cookie: c-toxcore stores its monotonic clock in whole seconds
 * and accepts a cookie while made + 15 >= now >= made, so one can live
 * almost 16 s.  Only the maker ever opens a cookie, so the encoding is
 * ours: netd's monotonic now_ms as a little-endian u64, accepted while
 * made <= now_ms <= made + NC_COOKIE_TIMEOUT_MS; never longer than 15 s,
 * and never from the future (a cookie from another clock).
 */
#ifndef BULKHEAD_NETD_NC_COOKIE_H
#define BULKHEAD_NETD_NC_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "netd/dht_keys.h"

#define NC_COOKIE_REQ_KIND	0x18	/* NET_PACKET_COOKIE_REQUEST */
#define NC_COOKIE_RESP_KIND	0x19	/* NET_PACKET_COOKIE_RESPONSE */

#define NC_PK_LEN		32
#define NC_NONCE_LEN		24	/* crypto_box_NONCEBYTES */
#define NC_MAC_LEN		16	/* crypto_box_MACBYTES */
#define NC_ECHO_LEN		8
#define NC_SECRET_LEN		32	/* crypto_secretbox_KEYBYTES */
#define NC_COOKIE_TIMEOUT_MS	15000	/* COOKIE_TIMEOUT, 15 s */

/* time || real pk || DHT pk */
#define NC_COOKIE_PLAIN_LEN	(8 + 2 * NC_PK_LEN)			/* 72 */
#define NC_COOKIE_LEN		(NC_NONCE_LEN + NC_COOKIE_PLAIN_LEN + \
				 NC_MAC_LEN)				/* 112 */
/* real pk || padding || echo id */
#define NC_REQ_PLAIN_LEN	(2 * NC_PK_LEN + NC_ECHO_LEN)		/* 72 */
#define NC_REQ_LEN		(1 + NC_PK_LEN + NC_NONCE_LEN + \
				 NC_REQ_PLAIN_LEN + NC_MAC_LEN)		/* 145 */
/* cookie || echo id */
#define NC_RESP_PLAIN_LEN	(NC_COOKIE_LEN + NC_ECHO_LEN)		/* 120 */
#define NC_RESP_LEN		(1 + NC_NONCE_LEN + NC_RESP_PLAIN_LEN + \
				 NC_MAC_LEN)				/* 161 */

/* What a cookie vouches for: the requester's two keys. */
struct nc_cookie_ids {
	uint8_t	real_pk[NC_PK_LEN];
	uint8_t	dht_pk[NC_PK_LEN];
};

/*
 * Makes a cookie for ids at now_ms under secret, with a fresh random
 * nonce.  Returns 0, or -1 (libsodium failed).
 */
int	nc_cookie_make(const uint8_t secret[NC_SECRET_LEN], uint64_t now_ms,
	    const struct nc_cookie_ids *, uint8_t cookie[NC_COOKIE_LEN]);
/*
 * Opens a cookie we made.  0 and ids set if the MAC holds under secret
 * and it was made at most NC_COOKIE_TIMEOUT_MS before now_ms (and not
 * after it); -1 otherwise, and then ids are not to be trusted.
 */
int	nc_cookie_open(const uint8_t secret[NC_SECRET_LEN], uint64_t now_ms,
	    const uint8_t cookie[NC_COOKIE_LEN], struct nc_cookie_ids *);

/*
 * Builds a 0x18 to the peer whose DHT key is peer_dht_pk, from our DHT
 * key in dk and our real key real_pk.  Returns NC_REQ_LEN, or -1 if cap
 * is short or the peer's key is refused.
 */
int	nc_cookie_req_pack(struct dht_keys *dk,
	    const uint8_t peer_dht_pk[NC_PK_LEN],
	    const uint8_t real_pk[NC_PK_LEN], const uint8_t echo[NC_ECHO_LEN],
	    uint8_t *out, size_t cap);
/*
 * Opens a received 0x18 with our DHT key.  0 and the sender's two keys
 * and echo id out, or -1 on a bad size, kind, key or MAC.  One that came
 * as a TCP relay's out-of-band packet counts only if ids->dht_pk is the
 * key the relay names as its sender (c-toxcore checks); that is the
 * caller's.
 */
int	nc_cookie_req_open(struct dht_keys *dk, const uint8_t *pkt, size_t len,
	    struct nc_cookie_ids *, uint8_t echo[NC_ECHO_LEN]);

/*
 * Builds a 0x19 to peer_dht_pk carrying cookie and the request's echo id.
 * Returns NC_RESP_LEN, or -1.
 */
int	nc_cookie_resp_pack(struct dht_keys *dk,
	    const uint8_t peer_dht_pk[NC_PK_LEN],
	    const uint8_t cookie[NC_COOKIE_LEN],
	    const uint8_t echo[NC_ECHO_LEN], uint8_t *out, size_t cap);
/*
 * Opens a 0x19 from the peer we asked (peer_dht_pk, the key we sent the
 * 0x18 to).  0 and the cookie and echo id out, or -1.  The cookie is
 * opaque to us: only its maker can read it.
 */
int	nc_cookie_resp_open(struct dht_keys *dk,
	    const uint8_t peer_dht_pk[NC_PK_LEN], const uint8_t *pkt,
	    size_t len, uint8_t cookie[NC_COOKIE_LEN],
	    uint8_t echo[NC_ECHO_LEN]);

/*
 * All a responder does with a 0x18: open it, make a cookie for the
 * sender's keys at now_ms, pack the 0x19 for the sender's DHT key.
 * Returns NC_RESP_LEN, or -1 (drop the request silently).
 */
int	nc_cookie_answer(struct dht_keys *dk,
	    const uint8_t secret[NC_SECRET_LEN], uint64_t now_ms,
	    const uint8_t *req, size_t len, uint8_t *out, size_t cap);

#endif
