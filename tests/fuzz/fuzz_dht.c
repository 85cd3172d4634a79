/*
 * Feeds packets into the DHT engine: the input is a sequence of records
 * [len u8][flags u8][bytes], delivered from a few addresses at advancing
 * times, with timer runs in between.  With flag 0x80 the bytes are the
 * plain text of a DHT packet sealed by a fixed peer (kind from the low
 * bits), so handlers behind the MAC are reached.  Nothing may crash, and
 * the engine's bounded lists must stay within bounds.
 *
 * Speed: the keys (the engine's, its two random searches', the peer's) and
 * the shared key between engine and peer are made once, on the first
 * input, into a template engine; each input starts from a copy of it, so
 * every input sees a fresh engine with no list, no pending request and no
 * stats, without three keypairs and a scalar multiplication per input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/rd.h"
#include "netd/dht.h"
#include "netd/dht_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
nosend(void *arg, const struct ip_port *to, const uint8_t *p, size_t len)
{
	return (int)len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	kinds[] = { 0x00, 0x01, 0x02, 0x04, 0x20, 0x21 };
	static struct dht_keys	peer;
	static struct dht	*tmpl, *d;
	static uint8_t		 shared[crypto_box_BEFORENMBYTES];
	uint8_t			 eng[DHT_KEY_LEN];
	struct rd		 r;
	struct ip_port		 from;
	const uint8_t		*b;
	uint8_t			 len, flags, pkt[600], nonce[24] = { 0 };
	uint64_t		 now = 5000000;
	size_t			 n;

	if (tmpl == NULL) {
		if (sodium_init() < 0)
			abort();
		dht_keys_init(&peer);
		if ((tmpl = dht_new(nosend, NULL, now)) == NULL ||
		    (d = malloc(sizeof(*d))) == NULL)
			abort();
		(void)dht_search_add(tmpl, peer.pk);
		/* The engine's side cached too, as after a first packet. */
		if (crypto_box_beforenm(shared, dht_self_pk(tmpl),
		    peer.sk) != 0 ||
		    dht_keys_shared(&tmpl->keys, peer.pk, eng) != 0 ||
		    memcmp(eng, shared, sizeof(eng)) != 0)
			abort();
	}
	memcpy(d, tmpl, sizeof(*d));
	rd_init(&r, data, size);
	while (rd_u8(&r, &len) == 0 && rd_u8(&r, &flags) == 0 &&
	    (b = rd_take(&r, len)) != NULL) {
		memset(&from, 0, sizeof(from));
		from.family = IPP_V4;
		from.ip[0] = flags & 0x40 ? 192 : 8;
		from.ip[1] = flags & 0x40 ? 168 : 8;
		from.ip[3] = (uint8_t)(flags & 7);
		from.port = 33445;
		now += (uint64_t)(flags & 0x38) * 500;
		if (flags & 0x80) {
			pkt[0] = kinds[flags % sizeof(kinds)];
			if (pkt[0] == 0x20 || pkt[0] == 0x21)
				pkt[0] = 0x04;
			memcpy(pkt + 1, peer.pk, 32);
			memcpy(pkt + 33, nonce, 24);
			if (crypto_box_easy_afternm(pkt + 57, b, len, nonce,
			    shared) == 0)
				(void)dht_handle_packet(d, &from, pkt,
				    57 + 16 + (size_t)len, now);
		} else
			(void)dht_handle_packet(d, &from, b, len, now);
		(void)dht_tick(d, now);
		if (d->n_to_ping > DHT_TO_PING_MAX ||
		    d->n_close_to_bs > DHT_TO_BOOTSTRAP_CLOSE)
			abort();
	}
	n = dht_good_nodes(d);
	if (n > DHT_CLOSE_LEN)
		abort();
	return 0;
}
