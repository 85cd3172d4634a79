/*
 * The inner layer of onion data (map §5.3), c-toxcore 0.2.18:
 *
 *	sender real pk 32 || box(shared(sender real sk, dest real pk),
 *	    nonce)(id || data)
 *
 * The nonce is the one of the outer layer (the 0x85/0x86 packet), so it
 * travels outside this layer.  Pure: no I/O, no clock, no RNG.  Seal and
 * open take the key shared between the two real keys (crypto_box_beforenm
 * output): keyd derives it from the long-term key; nothing else may.
 */
#ifndef BULKHEAD_COMMON_ONION_DATA_H
#define BULKHEAD_COMMON_ONION_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "common/onion_wire.h"

#define ONION_DATA_KEY_LEN	32	/* crypto_box_BEFORENMBYTES */
/* The sealed inner layer: sender pk || MAC || 1..948 (we send) or
 * 1..1021 (we accept) bytes of id || data. */
#define ONION_DATA_SEALED_MIN	(ONION_PK_LEN + ONION_MAC_LEN + 1)
#define ONION_DATA_SEALED_SEND_MAX \
	(ONION_PK_LEN + ONION_MAC_LEN + ONION_DATA_INNER_SEND_MAX)
#define ONION_DATA_BOX_MIN	(ONION_MAC_LEN + 1)
#define ONION_DATA_BOX_MAX	(ONION_MAC_LEN + ONION_DATA_INNER_MAX)

/* What an opened inner layer holds. */
struct onion_data {
	uint8_t		id;		/* ONION_DATA_ID_* */
	uint16_t	len;		/* of data: 0..1020 */
	uint8_t		data[ONION_DATA_INNER_MAX - 1];
};

/*
 * Seals id || data (1..ONION_DATA_INNER_SEND_MAX bytes in all) for the
 * destination as sender_pk || box into out.  Returns the length written
 * (ONION_DATA_SEALED_MIN..ONION_DATA_SEALED_SEND_MAX), or -1 if the data
 * is too long or out too small.
 */
int	onion_data_seal(const uint8_t key[ONION_DATA_KEY_LEN],
	    const uint8_t sender_pk[ONION_PK_LEN],
	    const uint8_t nonce[ONION_NONCE_LEN], uint8_t id,
	    const uint8_t *data, size_t len, uint8_t *out, size_t cap);

/*
 * Splits a sealed inner layer into the sender's real pk and the box (a
 * pointer into in): what the receiver needs to pick the key.  0, or -1 if
 * the box cannot hold 1..ONION_DATA_INNER_MAX bytes.
 */
int	onion_data_split(const uint8_t *in, size_t len,
	    uint8_t sender_pk[ONION_PK_LEN], const uint8_t **box,
	    size_t *boxlen);

/*
 * Opens the box (MAC || ciphertext) with the key shared with the sender.
 * Refused (-1, *out zeroed): an empty or over-long plain text
 * (ONION_DATA_INNER_MAX), or a MAC that does not verify.
 */
int	onion_data_open(const uint8_t key[ONION_DATA_KEY_LEN],
	    const uint8_t nonce[ONION_NONCE_LEN], const uint8_t *box,
	    size_t boxlen, struct onion_data *out);

#endif
