/* The inner layer of onion data: see onion_data.h. */
#include <string.h>

#include <sodium.h>

#include "common/onion_data.h"
#include "common/rd.h"

int
onion_data_seal(const uint8_t key[ONION_DATA_KEY_LEN],
    const uint8_t sender_pk[ONION_PK_LEN],
    const uint8_t nonce[ONION_NONCE_LEN], uint8_t id, const uint8_t *data,
    size_t len, uint8_t *out, size_t cap)
{
	uint8_t		 plain[ONION_DATA_INNER_SEND_MAX];
	uint8_t		*box;
	struct wr	 w, pw;

	/* c-toxcore drops a 0x86 whose inner part is longer (map §5.3) */
	if (len > sizeof(plain) - 1)
		return -1;
	wr_init(&pw, plain, sizeof(plain));
	wr_u8(&pw, id);
	wr_bytes(&pw, data, len);

	wr_init(&w, out, cap);
	wr_bytes(&w, sender_pk, ONION_PK_LEN);
	box = wr_reserve(&w, ONION_MAC_LEN + wr_len(&pw));
	if (box == NULL || !wr_ok(&pw)) {
		sodium_memzero(plain, sizeof(plain));
		return -1;
	}
	(void)crypto_box_easy_afternm(box, plain, wr_len(&pw), nonce, key);
	sodium_memzero(plain, sizeof(plain));
	return (int)wr_len(&w);
}

int
onion_data_split(const uint8_t *in, size_t len,
    uint8_t sender_pk[ONION_PK_LEN], const uint8_t **box, size_t *boxlen)
{
	struct rd	r;

	rd_init(&r, in, len);
	rd_bytes(&r, sender_pk, ONION_PK_LEN);
	*box = rd_rest(&r, boxlen);
	if (!rd_ok(&r) || *boxlen < ONION_DATA_BOX_MIN ||
	    *boxlen > ONION_DATA_BOX_MAX) {
		*box = NULL;
		*boxlen = 0;
		return -1;
	}
	return 0;
}

int
onion_data_open(const uint8_t key[ONION_DATA_KEY_LEN],
    const uint8_t nonce[ONION_NONCE_LEN], const uint8_t *box,
    size_t boxlen, struct onion_data *out)
{
	uint8_t		plain[ONION_DATA_INNER_MAX];
	struct rd	r;
	size_t		plen;
	int		rv = -1;

	memset(out, 0, sizeof(*out));
	if (boxlen < ONION_DATA_BOX_MIN || boxlen > ONION_DATA_BOX_MAX)
		return -1;
	plen = boxlen - ONION_MAC_LEN;
	if (crypto_box_open_easy_afternm(plain, box, boxlen, nonce, key) != 0)
		return -1;
	rd_init(&r, plain, plen);
	rd_u8(&r, &out->id);
	out->len = (uint16_t)rd_left(&r);
	rd_bytes(&r, out->data, out->len);
	if (rd_done(&r))
		rv = 0;
	sodium_memzero(plain, sizeof(plain));
	if (rv == -1)
		memset(out, 0, sizeof(*out));
	return rv;
}
