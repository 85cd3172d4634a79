/*
 * A fake Tox friend for tests: one net_crypto connection to a real
 * bulkhead session over UDP on loopback, built from our own pure codecs
 * (cookie, handshake, data, messenger packets) and libsodium, never
 * libtoxcore.  It can do what a well-behaved friend does (cookie, both
 * handshakes, lossless packets numbered from 0 with acks, resends on
 * request, request packets of its own, ALIVE) and, for the hostile
 * tests, put anything at all on the wire under the session key.
 *
 * The fake is the one that connects: bulkhead only has to want it as a
 * friend (its `add`), so the fake needs bulkhead's real key (from its
 * Tox ID), its DHT key and its UDP port (from `status`).  No I/O but on
 * its own socket; time comes from the caller (nc_fake_tick).
 */
#ifndef BULKHEAD_TEST_NC_FAKE_H
#define BULKHEAD_TEST_NC_FAKE_H

#include <stddef.h>
#include <stdint.h>

#include "common/nc_data.h"
#include "common/nc_handshake.h"
#include "netd/dht_keys.h"

#define FAKE_KEEP	1024	/* our lossless packets kept for resends */
#define FAKE_WIN	1024	/* their lossless packets held out of order */
#define FAKE_LOG	4096	/* their packets as delivered, in order */
#define FAKE_LOG_TEXT	128	/* bytes kept of each */

enum fake_st {
	FAKE_COOKIE,		/* sending 0x18 */
	FAKE_HS,		/* sending our 0x1a */
	FAKE_UP,		/* their 0x1a opened: session keys known */
};

struct fake_out {
	uint32_t	num;
	uint16_t	len;
	uint8_t		used;
	uint8_t		data[NC_DATA_MAX];
};

struct fake_in {
	uint32_t	num;
	uint16_t	len;
	uint8_t		used;
	uint8_t		data[NC_DATA_MAX];
};

/* One delivered lossless packet of theirs (the id is data[0]). */
struct fake_got {
	uint32_t	num;
	uint16_t	len;		/* whole length, id included */
	uint8_t		data[FAKE_LOG_TEXT];
};

struct nc_fake {
	int		 s;
	uint16_t	 port;			/* bulkhead's UDP port */
	int		 st;			/* enum fake_st */
	uint8_t		 real_pk[32], real_sk[32];
	struct dht_keys	*dk;			/* our DHT key */
	uint8_t		 peer_real[32], peer_dht[32];
	uint8_t		 real_key[NC_HS_KEY_LEN];
	uint8_t		 sess_pk[32], sess_sk[32];
	uint8_t		 base_nonce[NC_NONCE_LEN];
	uint8_t		 echo[8];
	uint8_t		 my_cookie[NC_HS_COOKIE_LEN];	/* we issue it */
	uint8_t		 their_cookie[NC_HS_COOKIE_LEN];
	uint8_t		 hs[NC_HS_LEN];		/* ours, as sent */
	int		 have_hs, hs_tries;
	uint8_t		 key[NC_KEY_LEN];	/* the session key */
	uint8_t		 send_nonce[NC_NONCE_LEN];
	uint8_t		 recv_nonce[NC_NONCE_LEN];
	uint64_t	 next_temp, next_alive, next_req;

	/* our lossless stream */
	uint32_t	 send_next;
	uint32_t	 peer_ack;		/* their last buffer_start */
	struct fake_out	 out[FAKE_KEEP];

	/* theirs */
	uint32_t	 recv_start;		/* next in order: our ack */
	uint32_t	 recv_end;
	struct fake_in	 in[FAKE_WIN];
	int		 hold_ack;		/* send held_ack, not ours */
	uint32_t	 held_ack;

	size_t		 ngot;			/* delivered, all time */
	struct fake_got	 got[FAKE_LOG];		/* ring: ngot % FAKE_LOG */

	/* what a correct peer never makes us count */
	uint64_t	 bad_in;	/* 0x1b from them that did not open */
	uint64_t	 odd_in;	/* delivered, yet not a packet msgr takes */
	uint64_t	 kills;		/* their kill packets */
	uint64_t	 opened, resent;
};

/*
 * New keys, a socket on 127.0.0.1; the peer's real and DHT keys and UDP
 * port.  0, or -1.
 */
int	nc_fake_init(struct nc_fake *, const uint8_t peer_real[32],
	    const uint8_t peer_dht[32], uint16_t port);
void	nc_fake_free(struct nc_fake *);
/* A new session from scratch (new session key, nonces, streams, log),
 * as a friend that restarted: connects again by cookie. */
void	nc_fake_restart(struct nc_fake *);
/* Our Tox ID (76 hex digits, NUL) and real key in hex (64, NUL). */
void	nc_fake_address(const struct nc_fake *, char addr[77], char pk[65]);
/* Reads and handles every datagram queued on the socket. */
void	nc_fake_recv(struct nc_fake *, uint64_t now_ms);
/* Resends of the temp packet, ALIVE, request packets, when due. */
void	nc_fake_tick(struct nc_fake *, uint64_t now_ms);

/* Seals id || data as our next lossless packet and sends it; its
 * number, or -1. */
long	nc_fake_send(struct nc_fake *, const uint8_t *data, size_t len);
/* nc_fake_send, and the sealed packet (NC_PACKET_MAX bytes) into pkt. */
long	nc_fake_send_keep(struct nc_fake *, const uint8_t *data, size_t len,
	    uint8_t pkt[NC_PACKET_MAX], size_t *pkt_len);
/* Numbers and keeps id || data as our next lossless packet, unsent;
 * its number, or -1. */
long	nc_fake_put(struct nc_fake *, const uint8_t *data, size_t len);
/* Seals kept packet num again (a new nonce) and sends it; 0, or -1. */
int	nc_fake_resend(struct nc_fake *, uint32_t num);
/* nc_fake_seal under our send nonce, which then moves on by one. */
int	nc_fake_seal_next(struct nc_fake *, uint32_t buffer_start,
	    uint32_t number, size_t pad, const uint8_t *body, size_t blen,
	    uint8_t *out, size_t cap);
/* Sends bytes as they are. */
void	nc_fake_raw(struct nc_fake *, const uint8_t *pkt, size_t len);
/*
 * Seals anything: buffer_start, number, pad zero bytes then body[0..blen)
 * under the session key with nonce (not advanced here).  The packet
 * length, or -1 if cap is short.  No bound is checked: that is the point.
 */
int	nc_fake_seal(const struct nc_fake *, const uint8_t nonce[NC_NONCE_LEN],
	    uint32_t buffer_start, uint32_t number, size_t pad,
	    const uint8_t *body, size_t blen, uint8_t *out, size_t cap);
/* The buffer_start our packets carry now. */
uint32_t nc_fake_ack(const struct nc_fake *);
/* Delivered packets from the from'th on whose id is id and whose text
 * (data after the id) is text: how many. */
size_t	nc_fake_count(const struct nc_fake *, size_t from, uint8_t id,
	    const char *text);

#endif
