/* The net_crypto data packet and request payload: see nc_data.h. */
#include <string.h>

#include <sodium.h>

#include "common/nc_data.h"
#include "common/rd.h"

int
nc_data_seal(const uint8_t key[NC_KEY_LEN],
    uint8_t send_nonce[NC_NONCE_LEN], uint32_t buffer_start,
    uint32_t number, const uint8_t *data, size_t len, uint8_t *out,
    size_t cap)
{
	uint8_t		 plain[NC_DATA_HDR_LEN + NC_PADDING_STEP + NC_DATA_MAX];
	uint8_t		*box;
	struct wr	 w, pw;
	size_t		 pad;

	if (len == 0 || len > NC_DATA_MAX ||
	    nc_data_id_class(data[0]) == NC_CLASS_INVALID)
		return -1;
	pad = (NC_DATA_MAX - len) % NC_PADDING_STEP;
	wr_init(&pw, plain, sizeof(plain));
	wr_u32(&pw, buffer_start);
	wr_u32(&pw, number);
	wr_zero(&pw, pad);
	wr_bytes(&pw, data, len);
	wr_init(&w, out, cap);
	wr_u8(&w, NC_DATA_KIND);
	wr_bytes(&w, send_nonce + NC_NONCE_LEN - 2, 2);
	box = wr_reserve(&w, NC_MAC_LEN + wr_len(&pw));
	if (box == NULL || !wr_ok(&pw)) {
		sodium_memzero(plain, sizeof(plain));
		return -1;
	}
	(void)crypto_box_easy_afternm(box, plain, wr_len(&pw), send_nonce,
	    key);
	sodium_memzero(plain, sizeof(plain));
	nc_nonce_increment(send_nonce);
	return (int)wr_len(&w);
}

int
nc_data_open_ref(const uint8_t key[NC_KEY_LEN],
    uint8_t recv_nonce[NC_NONCE_LEN], const uint8_t *pkt, size_t len,
    uint8_t plain[NC_PLAIN_BUF_LEN], struct nc_data_ref *out)
{
	uint8_t		 nonce[NC_NONCE_LEN];
	const uint8_t	*box, *rest;
	struct rd	 r;
	size_t		 boxlen, restlen;
	uint16_t	 wire, diff;
	uint8_t		 kind;

	memset(out, 0, sizeof(*out));
	/* handle_data_packet_core: longer than the bare header, <= 1400 */
	if (len <= NC_DATA_PACKET_MIN || len > NC_PACKET_MAX)
		return -1;
	rd_init(&r, pkt, len);
	rd_u8(&r, &kind);
	rd_u16(&r, &wire);
	box = rd_rest(&r, &boxlen);
	if (!rd_ok(&r) || kind != NC_DATA_KIND)
		return -1;
	diff = nc_nonce_recover(recv_nonce, wire, nonce);
	if (crypto_box_open_easy_afternm(plain, box, boxlen, nonce, key) != 0)
		return -1;
	nc_nonce_settle(recv_nonce, diff);

	rd_init(&r, plain, boxlen - NC_MAC_LEN);
	rd_u32(&r, &out->buffer_start);
	rd_u32(&r, &out->number);
	/* skip the padding; nothing but padding is refused */
	rest = rd_rest(&r, &restlen);
	while (rest != NULL && restlen > 0 && rest[0] == NC_ID_PADDING) {
		rest++;
		restlen--;
	}
	if (rest == NULL || restlen == 0 || restlen > NC_DATA_MAX) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->data = rest;
	out->len = (uint16_t)restlen;
	out->cls = nc_data_id_class(rest[0]);
	return 0;
}

int
nc_data_open(const uint8_t key[NC_KEY_LEN],
    uint8_t recv_nonce[NC_NONCE_LEN], const uint8_t *pkt, size_t len,
    struct nc_data *out)
{
	uint8_t			plain[NC_PLAIN_BUF_LEN];
	struct nc_data_ref	ref;
	int			rv;

	memset(out, 0, sizeof(*out));
	if ((rv = nc_data_open_ref(key, recv_nonce, pkt, len, plain,
	    &ref)) == 0) {
		out->buffer_start = ref.buffer_start;
		out->number = ref.number;
		out->cls = ref.cls;
		out->len = ref.len;
		memcpy(out->data, ref.data, ref.len);
	}
	sodium_memzero(plain, sizeof(plain));
	return rv;
}

