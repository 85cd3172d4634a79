/*
 * The pure half of common/nc_data.h: id classes, nonce arithmetic and
 * request packets.  No libsodium here, so chatd (which runs the
 * transport and holds no key) links without it.
 */
#include <string.h>

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
