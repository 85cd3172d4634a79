/*
 * netd as an onion relay (c-toxcore's onion.c): the engine.  It holds the
 * sendback secret that seals the return blocks (random, rotated every two
 * hours as c-toxcore does, the previous one kept so answers in flight at
 * the rotation still go back), counts what it relays and drops, and sends
 * through a callback.  The DHT keypair is the DHT engine's (a relay is
 * addressed by its DHT key); the engine borrows it, never owns it.
 *
 * No I/O and no clock: packets come in through onion_relay_handle(), time
 * through now_ms, randomness from libsodium.  The caller arms one timer to
 * onion_relay_deadline() (the next rotation) and calls onion_relay_tick()
 * when it fires; a packet arriving late rotates too, so a missed timer
 * never stretches a secret's life.  Memory is fixed: the struct is all.
 */
#ifndef BULKHEAD_NETD_ONION_RELAY_H
#define BULKHEAD_NETD_ONION_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "netd/dht_keys.h"
#include "netd/ipp.h"
#include "netd/onion_packet.h"

#define ONION_SECRET_ROTATE_MS	(2ULL * 60 * 60 * 1000)

typedef int onion_send_fn(void *arg, const struct ip_port *, const uint8_t *,
    size_t);

/* Counter slots, one per kind the relay reads. */
enum onion_slot {
	ONION_SLOT_REQ_0,	/* 0x80 */
	ONION_SLOT_REQ_1,	/* 0x81 */
	ONION_SLOT_REQ_2,	/* 0x82 */
	ONION_SLOT_RESP_3,	/* 0x8c */
	ONION_SLOT_RESP_2,	/* 0x8d */
	ONION_SLOT_RESP_1,	/* 0x8e */
	ONION_SLOTS
};

struct onion_relay_stats {
	uint64_t	relayed[ONION_SLOTS];
	uint64_t	dropped[ONION_SLOTS];	/* malformed, forged, stale */
	uint64_t	send_failed;		/* the callback refused */
	uint64_t	rotations;
};

struct onion_relay {
	struct dht_keys			*keys;		/* borrowed */
	struct onion_secrets		 sec;
	uint64_t			 rotate_at;
	onion_send_fn			*send;
	void				*send_arg;
	struct onion_relay_stats	 st;
	struct onion_out		 out;		/* scratch */
};

/* A fresh secret; the first rotation is due ONION_SECRET_ROTATE_MS on. */
void	onion_relay_init(struct onion_relay *, struct dht_keys *,
	    onion_send_fn *, void *arg, uint64_t now_ms);
/* Wipes the secrets (the keys are the DHT's to wipe). */
void	onion_relay_wipe(struct onion_relay *);
/* The slot of kind, or -1 if the relay does not read it. */
int	onion_relay_slot(uint8_t kind);
/*
 * One received packet of a relay kind from from.  Relays it (0) or drops
 * it (-1); either way it is counted.
 */
int	onion_relay_handle(struct onion_relay *, const struct ip_port *from,
	    const uint8_t *pkt, size_t len, uint64_t now_ms);
/* An onion request from a client of our relay server (onionp_req_tcp). */
int	onion_relay_tcp(struct onion_relay *, const struct ip_port *from,
	    const uint8_t *data, size_t len, uint64_t now_ms);
/* When onion_relay_tick has work: the next rotation. */
uint64_t onion_relay_deadline(const struct onion_relay *);
/* Rotates the secret if due. */
void	onion_relay_tick(struct onion_relay *, uint64_t now_ms);
const struct onion_relay_stats *onion_relay_stats(const struct onion_relay *);

#endif
