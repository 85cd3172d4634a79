/*
 * netd's temporary DHT keypair and a cache of the shared keys derived from
 * it.  crypto_box_beforenm is a scalar multiplication; a busy node meets
 * the same peers again and again, so the keys are kept (as c-toxcore does),
 * in a fixed table: a flood of new keys evicts old ones, it never grows.
 */
#ifndef BULKHEAD_NETD_DHT_KEYS_H
#define BULKHEAD_NETD_DHT_KEYS_H

#include <stdint.h>

#define DHT_PK_LEN		32
#define DHT_SK_LEN		32
#define DHT_KEY_LEN		32	/* crypto_box_BEFORENMBYTES */
#define DHT_KEYS_SLOTS		256
#define DHT_KEYS_WAYS		4

struct dht_key_entry {
	uint8_t		pk[DHT_PK_LEN];
	uint8_t		key[DHT_KEY_LEN];
	uint64_t	used;		/* 0: empty */
};

struct dht_keys {
	uint8_t			pk[DHT_PK_LEN];
	uint8_t			sk[DHT_SK_LEN];
	uint64_t		clock;
	uint64_t		computed;	/* beforenm calls, for tests */
	struct dht_key_entry	e[DHT_KEYS_SLOTS * DHT_KEYS_WAYS];
};

/* A fresh random keypair and an empty cache. */
void	dht_keys_init(struct dht_keys *);
/* The given keypair (tests, a bootstrap node's fixed key). */
void	dht_keys_init_with(struct dht_keys *, const uint8_t pk[DHT_PK_LEN],
	    const uint8_t sk[DHT_SK_LEN]);
/*
 * The shared key with peer pk, from the cache or computed.  Returns 0, or
 * -1 if libsodium refuses the key (a low-order point): drop the packet.
 */
int	dht_keys_shared(struct dht_keys *, const uint8_t pk[DHT_PK_LEN],
	    uint8_t key[DHT_KEY_LEN]);
/* Wipes the secret key and every cached shared key. */
void	dht_keys_wipe(struct dht_keys *);

#endif
