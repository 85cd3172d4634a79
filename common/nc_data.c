/* The net_crypto data packet and request payload: see nc_data.h. */
#include <string.h>

#include <sodium.h>

#include "common/nc_data.h"
#include "common/rd.h"

enum nc_id_class
nc_data_id_class(uint8_t id)
{
	if (id == NC_ID_REQUEST)
		return NC_CLASS_REQUEST;
	if (id == NC_ID_KILL)
		return NC_CLASS_KILL;
	if (id >= NC_ID_LOSSLESS_MIN && id <= NC_ID_LOSSLESS_MAX)
		return NC_CLASS_LOSSLESS;
	if (id >= NC_ID_LOSSY_MIN && id <= NC_ID_LOSSY_MAX)
		return NC_CLASS_LOSSY;
	return NC_CLASS_INVALID;
}

void
nc_nonce_increment(uint8_t nonce[NC_NONCE_LEN])
{
	nc_nonce_add(nonce, 1);
}

void
nc_nonce_add(uint8_t nonce[NC_NONCE_LEN], uint32_t n)
{
	unsigned int	carry = 0;
	int		i;

	/* a fixed walk over all 24 bytes: no early exit on input */
	for (i = NC_NONCE_LEN - 1; i >= 0; i--) {
		carry += nonce[i];
		if (i >= NC_NONCE_LEN - 4)
			carry += (n >> (8 * (NC_NONCE_LEN - 1 - i))) & 0xff;
		nonce[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

uint16_t
nc_nonce_recover(const uint8_t saved[NC_NONCE_LEN], uint16_t wire,
    uint8_t full[NC_NONCE_LEN])
{
	uint16_t	low, diff;

	low = (uint16_t)(saved[NC_NONCE_LEN - 2] << 8 | saved[NC_NONCE_LEN - 1]);
	diff = (uint16_t)(wire - low);
	memcpy(full, saved, NC_NONCE_LEN);
	nc_nonce_add(full, diff);
	return diff;
}

void
nc_nonce_settle(uint8_t saved[NC_NONCE_LEN], uint16_t diff)
{
	/*
	 * The saved nonce trails the peer by up to 2/3 of the 16-bit
	 * window, so late packets still open and the window keeps up.
	 */
	if (diff > 2 * NC_NONCE_THRESHOLD)
		nc_nonce_add(saved, NC_NONCE_THRESHOLD);
}

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
nc_data_open(const uint8_t key[NC_KEY_LEN],
    uint8_t recv_nonce[NC_NONCE_LEN], const uint8_t *pkt, size_t len,
    struct nc_data *out)
{
	uint8_t		 plain[NC_PACKET_MAX - NC_DATA_OVERHEAD];
	uint8_t		 nonce[NC_NONCE_LEN];
	const uint8_t	*box, *rest;
	struct rd	 r;
	size_t		 boxlen, restlen;
	uint16_t	 wire, diff;
	uint8_t		 kind;
	int		 rv = -1;

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
	if (rest != NULL && restlen > 0 && restlen <= sizeof(out->data)) {
		memcpy(out->data, rest, restlen);
		out->len = (uint16_t)restlen;
		out->cls = nc_data_id_class(out->data[0]);
		rv = 0;
	}
	sodium_memzero(plain, sizeof(plain));
	if (rv == -1)
		memset(out, 0, sizeof(*out));
	return rv;
}

int
nc_req_build(uint32_t buffer_start, uint32_t buffer_end,
    int (*have)(void *, uint32_t), void *arg, uint8_t *out, size_t cap)
{
	struct wr	w;
	uint32_t	i, n = 1;

	if (cap == 0 || buffer_end - buffer_start > NC_BUFFER_SLOTS)
		return -1;
	wr_init(&w, out, cap);
	wr_u8(&w, NC_ID_REQUEST);
	for (i = buffer_start; i != buffer_end && wr_len(&w) < cap; i++) {
		if (!have(arg, i)) {
			wr_u8(&w, (uint8_t)n);	/* n is 1..255 here */
			n = 0;
		} else if (n == 255) {
			wr_u8(&w, 0);
			n = 0;
		}
		n++;
	}
	return (int)wr_len(&w);
}

int
nc_req_parse(const uint8_t *p, size_t len, uint32_t buffer_start,
    uint32_t buffer_end, struct nc_req *out)
{
	struct rd	r, peek;
	uint32_t	i, n = 1;
	uint8_t		id, b;

	memset(out, 0, sizeof(*out));
	out->walk_end = buffer_start;
	/* a request rides in one data packet: at most NC_DATA_MAX bytes */
	if (len > NC_DATA_MAX || buffer_end - buffer_start > NC_BUFFER_SLOTS)
		return -1;
	rd_init(&r, p, len);
	if (rd_u8(&r, &id) == -1 || id != NC_ID_REQUEST)
		goto bad;
	/* walk the window while bytes are left, peeking at the next one */
	for (i = buffer_start; i != buffer_end && rd_left(&r) > 0; i++) {
		peek = r;
		(void)rd_u8(&peek, &b);
		if (n == b) {
			r = peek;
			if (out->n < sizeof(out->num) / sizeof(out->num[0]))
				out->num[out->n++] = i;
			n = 0;
		}
		if (n == 255) {
			if (rd_u8(&r, &b) == -1 || b != 0)
				goto bad;
			n = 1;
		} else
			n++;
	}
	out->walk_end = i;
	return out->n;
bad:
	memset(out, 0, sizeof(*out));
	return -1;
}
