/*
 * The net_crypto data packet and request payload (common/nc_data.c): the
 * raw input as a 0x1b packet and as a request against a window; the input
 * as the plain text a fixed peer sealed (so the fuzzer gets behind the
 * MAC): it must open exactly when c-toxcore's bounds and the padding rule
 * allow, to the same header and bytes; what we seal of it must open back;
 * and a request built from input bits must parse back to those gaps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/nc_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t	key[NC_KEY_LEN];
static uint8_t	base[NC_NONCE_LEN];

static void
init(void)
{
	static int	done;

	if (done++)
		return;
	if (sodium_init() < 0)
		abort();
	memset(key, 0x5a, sizeof(key));
	memset(base, 0x11, sizeof(base));
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
check_open(const uint8_t *p, size_t n)
{
	static uint8_t		pkt[4096];
	static struct nc_data	d;
	uint8_t			nonce[NC_NONCE_LEN];
	size_t			skip;
	int			want, rv;

	if (n > sizeof(pkt) - NC_DATA_OVERHEAD)
		return;
	pkt[0] = NC_DATA_KIND;
	pkt[1] = base[22];
	pkt[2] = base[23];
	(void)crypto_box_easy_afternm(pkt + 3, p, n, base, key);
	for (skip = 8; skip < n && p[skip] == 0; skip++)
		;
	want = n > 8 && n + NC_DATA_OVERHEAD <= NC_PACKET_MAX && skip < n ?
	    0 : -1;
	memcpy(nonce, base, sizeof(nonce));
	rv = nc_data_open(key, nonce, pkt, n + NC_DATA_OVERHEAD, &d);
	if (rv != want || memcmp(nonce, base, sizeof(nonce)) != 0)
		abort();
	if (rv == 0 && (d.buffer_start != get32(p) || d.number !=
	    get32(p + 4) || d.len != n - skip ||
	    memcmp(d.data, p + skip, d.len) != 0 ||
	    d.cls != nc_data_id_class(p[skip])))
		abort();
}

static void
check_seal(const uint8_t *p, size_t n)
{
	static uint8_t		out[NC_PACKET_MAX];
	static struct nc_data	d;
	uint8_t			send[NC_NONCE_LEN], recv[NC_NONCE_LEN];
	int			len, ok;

	if (n < 9)
		return;
	memcpy(send, base, sizeof(send));
	memcpy(recv, base, sizeof(recv));
	ok = n - 8 <= NC_DATA_MAX &&
	    nc_data_id_class(p[8]) != NC_CLASS_INVALID;
	len = nc_data_seal(key, send, get32(p), get32(p + 4), p + 8, n - 8,
	    out, sizeof(out));
	if ((len > 0) != ok)
		abort();
	if (!ok)
		return;
	if (len > NC_PACKET_MAX || nc_data_open(key, recv, out, (size_t)len,
	    &d) != 0 || d.len != n - 8 || memcmp(d.data, p + 8, d.len) != 0 ||
	    d.buffer_start != get32(p) || d.number != get32(p + 4))
		abort();
}

struct bits {
	uint32_t	start;
	const uint8_t	*p;
	size_t		n;
};

static int
have(void *arg, uint32_t num)
{
	const struct bits	*b = arg;
	uint32_t		off = num - b->start;

	return (b->p[(off / 8) % b->n] >> (off % 8)) & 1;
}

static void
check_req(const uint8_t *p, size_t n)
{
	static struct nc_req	r;
	uint8_t			out[NC_DATA_MAX];
	struct bits		b;
	uint32_t		width, i;
	int			len, got, j;

	if (n < 7)
		return;
	b.start = get32(p);
	width = ((uint32_t)p[4] << 8 | p[5]) % (NC_BUFFER_SLOTS + 1);
	b.p = p + 6;
	b.n = n - 6;
	len = nc_req_build(b.start, b.start + width, have, &b, out,
	    sizeof(out));
	if (len < 1 || len > NC_DATA_MAX)
		abort();
	got = nc_req_parse(out, (size_t)len, b.start, b.start + width, &r);
	if (got < 0 || r.walk_end - b.start > width)
		abort();
	for (i = 0, j = 0; i < r.walk_end - b.start; i++) {
		if (have(&b, b.start + i))
			continue;
		if (j >= got || r.num[j] != b.start + i)
			abort();
		j++;
	}
	if (j != got)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nc_data	d;
	static struct nc_req	r;
	uint8_t			nonce[NC_NONCE_LEN];

	init();
	memcpy(nonce, base, sizeof(nonce));
	(void)nc_data_open(key, nonce, data, size, &d);
	if (size >= 4)
		(void)nc_req_parse(data + 4, size - 4, get32(data),
		    get32(data) + 2000, &r);
	check_open(data, size);
	check_seal(data, size);
	check_req(data, size);
	return 0;
}
