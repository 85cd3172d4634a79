/* DHT keypair and shared-key cache: see dht_keys.h. */
#include <string.h>

#include <sodium.h>

#include "netd/dht_keys.h"

void
dht_keys_init(struct dht_keys *k)
{
	memset(k, 0, sizeof(*k));
	crypto_box_keypair(k->pk, k->sk);
}

void
dht_keys_init_with(struct dht_keys *k, const uint8_t pk[DHT_PK_LEN],
    const uint8_t sk[DHT_SK_LEN])
{
	memset(k, 0, sizeof(*k));
	memcpy(k->pk, pk, DHT_PK_LEN);
	memcpy(k->sk, sk, DHT_SK_LEN);
}

int
dht_keys_shared(struct dht_keys *k, const uint8_t pk[DHT_PK_LEN],
    uint8_t key[DHT_KEY_LEN])
{
	struct dht_key_entry	*set, *victim;
	size_t			 i;

	/*
	 * Set-associative on a key byte: lookups stay O(ways) however many
	 * peers write to us.  Byte 30 is as good as any: keys are random.
	 */
	set = &k->e[(size_t)pk[30] * DHT_KEYS_WAYS];
	victim = &set[0];
	for (i = 0; i < DHT_KEYS_WAYS; i++) {
		if (set[i].used != 0 &&
		    sodium_memcmp(set[i].pk, pk, DHT_PK_LEN) == 0) {
			set[i].used = ++k->clock;
			memcpy(key, set[i].key, DHT_KEY_LEN);
			return 0;
		}
		if (set[i].used < victim->used)
			victim = &set[i];	/* empty (0) or least recent */
	}
	k->computed++;
	if (crypto_box_beforenm(key, pk, k->sk) != 0) {
		sodium_memzero(key, DHT_KEY_LEN);
		return -1;
	}
	memcpy(victim->pk, pk, DHT_PK_LEN);
	memcpy(victim->key, key, DHT_KEY_LEN);
	victim->used = ++k->clock;
	return 0;
}

void
dht_keys_wipe(struct dht_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}
