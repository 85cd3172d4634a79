/*
 * The net_crypto data packet and request payload (common/nc_data.c)
 * against the other side built by hand from libsodium and the layout in
 * map §7: what we seal opens by hand to buffer_start || number || padding
 * || data; what the peer seals by hand we open, at every size bound and
 * one past; tampered, wrong key, wrong nonce; the nonce rebuilt across the
 * 16-bit wrap and settled as c-toxcore does; request bytes by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/nc_data.h"

static uint8_t	key[NC_KEY_LEN], other_key[NC_KEY_LEN];
static uint8_t	base[NC_NONCE_LEN];

static int
setup(void **state)
{
	uint8_t	a_pk[32], a_sk[32], b_pk[32], b_sk[32];

	(void)state;
	if (sodium_init() < 0)
		return -1;
	crypto_box_keypair(a_pk, a_sk);
	crypto_box_keypair(b_pk, b_sk);
	randombytes_buf(base, sizeof(base));
	randombytes_buf(other_key, sizeof(other_key));
	return crypto_box_beforenm(key, b_pk, a_sk);
}

/* Reference: the nonce as a big integer, plus n, by schoolbook bytes. */
static void
ref_add(uint8_t *nonce, uint64_t n)
{
	int	i;

	for (i = NC_NONCE_LEN - 1; i >= 0 && n != 0; i--) {
		n += nonce[i];
		nonce[i] = (uint8_t)n;
		n >>= 8;
	}
}

/* The peer's side: a whole 0x1b packet around plain, by hand. */
static size_t
peer_packet(uint8_t *pkt, const uint8_t *k, const uint8_t *nonce,
    const uint8_t *plain, size_t plen)
{
	pkt[0] = NC_DATA_KIND;
	pkt[1] = nonce[NC_NONCE_LEN - 2];
	pkt[2] = nonce[NC_NONCE_LEN - 1];
	assert_int_equal(crypto_box_easy_afternm(pkt + 3, plain, plen, nonce,
	    k), 0);
	return plen + NC_DATA_OVERHEAD;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
id_classes(void **state)
{
	unsigned int	id;
	enum nc_id_class want;

	(void)state;
	for (id = 0; id < 256; id++) {
		if (id == 1)
			want = NC_CLASS_REQUEST;
		else if (id == 2)
			want = NC_CLASS_KILL;
		else if (id >= 16 && id <= 191)
			want = NC_CLASS_LOSSLESS;
		else if (id >= 192 && id <= 254)
			want = NC_CLASS_LOSSY;
		else
			want = NC_CLASS_INVALID;
		assert_int_equal(nc_data_id_class((uint8_t)id), want);
	}
}

static void
nonce_add_carries(void **state)
{
	static const uint32_t	adds[] = { 0, 1, 2, 255, 256, 65535, 65536,
				    21845, 0xffffffffu };
	uint8_t	a[NC_NONCE_LEN], b[NC_NONCE_LEN];
	size_t	i, k;

	(void)state;
	for (k = 0; k < 200; k++) {
		randombytes_buf(a, sizeof(a));
		if (k % 4 == 0)	/* long carry chains */
			memset(a + (k % 24), 0xff, NC_NONCE_LEN - (k % 24));
		for (i = 0; i < sizeof(adds) / sizeof(adds[0]); i++) {
			memcpy(b, a, sizeof(a));
			nc_nonce_add(a, adds[i]);
			ref_add(b, adds[i]);
			assert_memory_equal(a, b, sizeof(a));
		}
		memcpy(b, a, sizeof(a));
		nc_nonce_increment(a);
		ref_add(b, 1);
		assert_memory_equal(a, b, sizeof(a));
	}
	/* all ones wraps to zero */
	memset(a, 0xff, sizeof(a));
	nc_nonce_increment(a);
	memset(b, 0, sizeof(b));
	assert_memory_equal(a, b, sizeof(a));
}

static void
seal_opens_by_hand_at_bounds(void **state)
{
	static const size_t	lens[] = { 1, 2, 7, 8, 9, 100,
				    NC_DATA_MAX - 8, NC_DATA_MAX - 1,
				    NC_DATA_MAX };
	uint8_t	data[NC_DATA_MAX], out[NC_PACKET_MAX + 64];
	uint8_t	plain[NC_PACKET_MAX], nonce[NC_NONCE_LEN], want[NC_NONCE_LEN];
	size_t	i, pad, j;
	int	n;

	(void)state;
	randombytes_buf(data, sizeof(data));
	data[0] = 64;	/* a message */
	memcpy(nonce, base, sizeof(nonce));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memcpy(want, nonce, sizeof(want));
		n = nc_data_seal(key, nonce, 0x01020304u + i, 0xa0b0c0d0u,
		    data, lens[i], out, sizeof(out));
		pad = (NC_DATA_MAX - lens[i]) % 8;
		assert_int_equal(n, NC_DATA_PACKET_MIN + pad + lens[i]);
		assert_true(n <= NC_PACKET_MAX);
		assert_int_equal(out[0], 0x1b);
		assert_memory_equal(out + 1, want + 22, 2);
		assert_int_equal(crypto_box_open_easy_afternm(plain, out + 3,
		    (size_t)n - 3, want, key), 0);
		assert_int_equal(plain[0], 1);
		assert_int_equal(plain[3], 4 + i);
		assert_int_equal(plain[4], 0xa0);
		assert_int_equal(plain[7], 0xd0);
		for (j = 0; j < pad; j++)
			assert_int_equal(plain[8 + j], 0);
		assert_memory_equal(plain + 8 + pad, data, lens[i]);
		/* the send nonce moved on by exactly one */
		ref_add(want, 1);
		assert_memory_equal(nonce, want, sizeof(want));
	}
	/* the largest packet is exactly 1400 */
	assert_int_equal(NC_DATA_PACKET_MIN + NC_DATA_MAX, 1400);
}

static void
seal_refuses(void **state)
{
	static const uint8_t	bad_ids[] = { 0, 3, 15, 255 };
	uint8_t	data[NC_DATA_MAX + 1], out[NC_PACKET_MAX + 64];
	uint8_t	nonce[NC_NONCE_LEN];
	size_t	i;

	(void)state;
	memset(data, 0x42, sizeof(data));
	data[0] = 16;
	memcpy(nonce, base, sizeof(nonce));
	assert_int_equal(nc_data_seal(key, nonce, 0, 0, data, 0, out,
	    sizeof(out)), -1);
	assert_int_equal(nc_data_seal(key, nonce, 0, 0, data, NC_DATA_MAX + 1,
	    out, sizeof(out)), -1);
	for (i = 0; i < sizeof(bad_ids); i++) {
		data[0] = bad_ids[i];
		assert_int_equal(nc_data_seal(key, nonce, 0, 0, data, 10, out,
		    sizeof(out)), -1);
	}
	data[0] = 16;
	/* 10 bytes: pad (1373 - 10) % 8 = 3; packet 27 + 3 + 10 = 40 */
	assert_int_equal(nc_data_seal(key, nonce, 0, 0, data, 10, out, 39),
	    -1);
	assert_memory_equal(nonce, base, sizeof(nonce));
	assert_int_equal(nc_data_seal(key, nonce, 0, 0, data, 10, out, 40),
	    40);
	for (i = 1, data[0] = 1; i < 256; data[0] = (uint8_t)++i)
		if (nc_data_id_class(data[0]) != NC_CLASS_INVALID)
			assert_true(nc_data_seal(key, nonce, 0, 0, data, 10,
			    out, sizeof(out)) > 0);
}

static void
open_peers_packet_at_bounds(void **state)
{
	uint8_t		plain[NC_PACKET_MAX], pkt[NC_PACKET_MAX + 64];
	uint8_t		nonce[NC_NONCE_LEN];
	struct nc_data	d;
	size_t		plen, len;

	(void)state;
	/* plain text 9..1381 bytes: packet 28..1400 */
	for (plen = 8; plen <= NC_PACKET_MAX - NC_DATA_OVERHEAD + 1; plen++) {
		randombytes_buf(plain, plen);
		put32(plain, 77);
		put32(plain + 4, 1000 + (uint32_t)plen);
		if (plen > 8) {
			plain[8] = 0;		/* padding, then an id */
			plain[plen - 1] = 16;
			if (plen > 10)
				plain[9] = 0;
		}
		memcpy(nonce, base, sizeof(nonce));
		len = peer_packet(pkt, key, nonce, plain, plen);
		if (plen == 8 || len > NC_PACKET_MAX) {
			assert_int_equal(nc_data_open(key, nonce, pkt, len,
			    &d), -1);
			assert_int_equal(d.len, 0);
			continue;
		}
		assert_int_equal(nc_data_open(key, nonce, pkt, len, &d), 0);
		assert_int_equal(d.buffer_start, 77);
		assert_int_equal(d.number, 1000 + plen);
		if (plen == 9) {
			assert_int_equal(d.len, 1);
			assert_int_equal(d.data[0], 16);
		} else {
			size_t	skip = plen > 10 ? 10 : 9;

			while (plain[skip] == 0)
				skip++;
			assert_int_equal(d.len, plen - skip);
			assert_memory_equal(d.data, plain + skip, d.len);
		}
		/* the nonce was the saved one: diff 0, nothing settles */
		assert_memory_equal(nonce, base, sizeof(nonce));
	}
}

static void
open_refuses_tampering(void **state)
{
	uint8_t		plain[64], pkt[128], nonce[NC_NONCE_LEN];
	struct nc_data	d;
	size_t		len, i;

	(void)state;
	memset(plain, 0, sizeof(plain));
	plain[20] = 64;
	plain[21] = 'h';
	memcpy(nonce, base, sizeof(nonce));
	len = peer_packet(pkt, key, nonce, plain, 22);
	assert_int_equal(nc_data_open(key, nonce, pkt, len, &d), 0);
	assert_int_equal(d.len, 2);
	/* every single flipped byte after the kind is refused */
	for (i = 1; i < len; i++) {
		pkt[i] ^= 0x10;
		assert_int_equal(nc_data_open(key, nonce, pkt, len, &d), -1);
		pkt[i] ^= 0x10;
	}
	pkt[0] = 0x1a;
	assert_int_equal(nc_data_open(key, nonce, pkt, len, &d), -1);
	pkt[0] = NC_DATA_KIND;
	assert_int_equal(nc_data_open(other_key, nonce, pkt, len, &d), -1);
	assert_int_equal(nc_data_open(key, nonce, pkt, len - 1, &d), -1);
	/* the right low bytes but a nonce 65536 further on */
	ref_add(nonce, 65536);
	assert_int_equal(nc_data_open(key, nonce, pkt, len, &d), -1);
	assert_int_equal(d.len, 0);
	/* nothing but padding after the header */
	memcpy(nonce, base, sizeof(nonce));
	plain[20] = 0;
	plain[21] = 0;
	len = peer_packet(pkt, key, nonce, plain, 22);
	assert_int_equal(nc_data_open(key, nonce, pkt, len, &d), -1);
	assert_int_equal(nc_data_open(key, nonce, pkt, 0, &d), -1);
}

static void
open_gives_class_of_every_id(void **state)
{
	uint8_t		plain[16], pkt[64], nonce[NC_NONCE_LEN];
	struct nc_data	d;
	unsigned int	id;
	size_t		len;

	(void)state;
	memset(plain, 0, sizeof(plain));
	memcpy(nonce, base, sizeof(nonce));
	for (id = 1; id < 256; id++) {
		plain[12] = (uint8_t)id;
		len = peer_packet(pkt, key, nonce, plain, 13);
		assert_int_equal(nc_data_open(key, nonce, pkt, len, &d), 0);
		assert_int_equal(d.cls, nc_data_id_class((uint8_t)id));
		assert_int_equal(d.data[0], id);
	}
	/* the first packet seen from c-toxcore: 8 zeros, 4 zeros, 0x01 */
	plain[12] = 1;
	len = peer_packet(pkt, key, nonce, plain, 13);
	assert_int_equal(nc_data_open(key, nonce, pkt, len, &d), 0);
	assert_int_equal(d.cls, NC_CLASS_REQUEST);
	assert_int_equal(d.len, 1);
}

/* open_ref: the same packet as open, its data left in the caller's plain. */
static void
open_ref_leaves_data_in_plain(void **state)
{
	uint8_t			plain[16], pkt[64], n1[NC_NONCE_LEN];
	uint8_t			n2[NC_NONCE_LEN], buf[NC_PLAIN_BUF_LEN];
	struct nc_data		d;
	struct nc_data_ref	ref;
	size_t			len;

	(void)state;
	memset(plain, 0, sizeof(plain));
	plain[3] = 5;				/* buffer_start */
	plain[7] = 6;				/* number */
	plain[10] = NC_ID_LOSSLESS_MIN;		/* after 2 of padding */
	plain[11] = 'a';
	memcpy(n1, base, sizeof(n1));
	memcpy(n2, base, sizeof(n2));
	len = peer_packet(pkt, key, n1, plain, 12);
	assert_int_equal(nc_data_open(key, n1, pkt, len, &d), 0);
	assert_int_equal(nc_data_open_ref(key, n2, pkt, len, buf, &ref), 0);
	assert_memory_equal(n1, n2, sizeof(n1));
	assert_int_equal(ref.buffer_start, d.buffer_start);
	assert_int_equal(ref.number, d.number);
	assert_int_equal(ref.cls, d.cls);
	assert_int_equal(ref.len, 2);
	assert_ptr_equal(ref.data, buf + 10);
	assert_memory_equal(ref.data, d.data, d.len);
	/* a wrong key: refused, nothing to point at */
	assert_int_equal(nc_data_open_ref(other_key, n2, pkt, len, buf,
	    &ref), -1);
	assert_null(ref.data);
	assert_int_equal(ref.len, 0);
}

/* The peer seals at saved + k; we open with saved and watch it settle. */
static void
nonce_recovered_and_settled(void **state)
{
	static const uint32_t	ks[] = { 0, 1, 20, 43690, 43691, 65535 };
	uint8_t		saved[NC_NONCE_LEN], peer[NC_NONCE_LEN];
	uint8_t		want[NC_NONCE_LEN], full[NC_NONCE_LEN];
	uint8_t		plain[9], pkt[64];
	struct nc_data	d;
	size_t		i, len;

	(void)state;
	memset(plain, 0, sizeof(plain));
	plain[8] = 192;
	for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		/* low 16 bits 0xfff0 and a carry chain: k crosses the wrap */
		memcpy(saved, base, sizeof(saved));
		memset(saved + 18, 0xff, 4);
		saved[22] = 0xff;
		saved[23] = 0xf0;
		memcpy(peer, saved, sizeof(peer));
		ref_add(peer, ks[i]);
		assert_int_equal(nc_nonce_recover(saved, (uint16_t)(peer[22] <<
		    8 | peer[23]), full), ks[i]);
		assert_memory_equal(full, peer, sizeof(full));
		len = peer_packet(pkt, key, peer, plain, sizeof(plain));
		memcpy(want, saved, sizeof(want));
		if (ks[i] > 2 * 21845)
			ref_add(want, 21845);
		assert_int_equal(nc_data_open(key, saved, pkt, len, &d), 0);
		assert_int_equal(d.cls, NC_CLASS_LOSSY);
		assert_memory_equal(saved, want, sizeof(saved));
	}
	/* a packet from behind the saved nonce does not open, nor settles */
	memcpy(saved, base, sizeof(saved));
	memcpy(peer, base, sizeof(peer));
	ref_add(saved, 5);
	len = peer_packet(pkt, key, peer, plain, sizeof(plain));
	memcpy(want, saved, sizeof(want));
	assert_int_equal(nc_data_open(key, saved, pkt, len, &d), -1);
	assert_memory_equal(saved, want, sizeof(saved));
	/* a verified packet of nothing but padding still settles */
	memcpy(saved, base, sizeof(saved));
	memcpy(peer, base, sizeof(peer));
	ref_add(peer, 50000);
	plain[8] = 0;
	len = peer_packet(pkt, key, peer, plain, sizeof(plain));
	memcpy(want, saved, sizeof(want));
	ref_add(want, 21845);
	assert_int_equal(nc_data_open(key, saved, pkt, len, &d), -1);
	assert_memory_equal(saved, want, sizeof(saved));
}

/* Our seal and our open agree over a run of packets, lost ones too. */
static void
seal_open_stream(void **state)
{
	uint8_t		send[NC_NONCE_LEN], recv[NC_NONCE_LEN];
	uint8_t		data[40], pkt[128];
	struct nc_data	d;
	uint32_t	i;
	int		n;

	(void)state;
	memcpy(send, base, sizeof(send));
	memcpy(recv, base, sizeof(recv));
	memset(data, 0x33, sizeof(data));
	data[0] = 80;
	for (i = 0; i < 200000; i++) {
		n = nc_data_seal(key, send, i, i + 1, data, sizeof(data), pkt,
		    sizeof(pkt));
		assert_true(n > 0);
		if (i % 7 == 3)	/* lost on the way */
			continue;
		assert_int_equal(nc_data_open(key, recv, pkt, (size_t)n, &d),
		    0);
		assert_int_equal(d.buffer_start, i);
		assert_int_equal(d.number, i + 1);
		assert_int_equal(d.len, sizeof(data));
	}
}

struct have_set {
	uint32_t	start;
	const uint8_t	*bits;	/* by offset from start */
};

static int
have_bit(void *arg, uint32_t num)
{
	const struct have_set	*h = arg;

	return h->bits[num - h->start];
}

static void
req_bytes_by_hand(void **state)
{
	uint8_t		bits[600], out[NC_DATA_MAX];
	struct have_set	h = { 10, bits };
	struct nc_req	r;
	static const uint8_t	want1[] = { 1, 1, 3 };
	static const uint8_t	want2[] = { 1, 0, 46, 0 };

	(void)state;
	/* window [10, 20), 10 and 13 missing */
	memset(bits, 1, sizeof(bits));
	bits[0] = bits[3] = 0;
	assert_int_equal(nc_req_build(10, 20, have_bit, &h, out, sizeof(out)),
	    3);
	assert_memory_equal(out, want1, 3);
	assert_int_equal(nc_req_parse(out, 3, 10, 20, &r), 2);
	assert_int_equal(r.num[0], 10);
	assert_int_equal(r.num[1], 13);
	assert_int_equal(r.walk_end, 14);
	/* window [10, 610): a run of 255 present, then 300 (offset) missing */
	memset(bits, 1, sizeof(bits));
	bits[300] = 0;
	/* ... and 255 after that mark, a marker again */
	assert_int_equal(nc_req_build(10, 610, have_bit, &h, out,
	    sizeof(out)), 4);
	assert_memory_equal(out, want2, 4);
	assert_int_equal(nc_req_parse(out, 4, 10, 610, &r), 1);
	assert_int_equal(r.num[0], 310);
	assert_int_equal(r.walk_end, 10 + 300 + 255 + 1);
	assert_int_equal(nc_req_parse(out, 3, 10, 610, &r), 1);
	assert_int_equal(r.walk_end, 311);
	/* nothing missing: a marker every 255, nothing requested */
	memset(bits, 1, sizeof(bits));
	assert_int_equal(nc_req_build(10, 610, have_bit, &h, out,
	    sizeof(out)), 3);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 0);
	assert_int_equal(nc_req_parse(out, 3, 10, 610, &r), 0);
	assert_int_equal(r.walk_end, 10 + 2 * 255);
	/* an empty window is the bare id */
	assert_int_equal(nc_req_build(10, 10, have_bit, &h, out, sizeof(out)),
	    1);
	assert_int_equal(out[0], NC_ID_REQUEST);
	assert_int_equal(nc_req_parse(out, 1, 10, 20, &r), 0);
	assert_int_equal(r.walk_end, 10);
	/* bytes left past the window's end are ignored */
	out[1] = out[2] = out[3] = 5;
	assert_int_equal(nc_req_parse(out, 4, 0, 2, &r), 0);
	assert_int_equal(r.walk_end, 2);
}

static void
req_bounds(void **state)
{
	uint8_t		p[NC_DATA_MAX + 1], bits[NC_BUFFER_SLOTS + 1];
	uint8_t		out[NC_DATA_MAX];
	struct have_set	h = { 0, bits };
	struct nc_req	r;

	(void)state;
	memset(p, 0, sizeof(p));
	p[0] = NC_ID_REQUEST;
	assert_int_equal(nc_req_parse(p, NC_DATA_MAX, 0, NC_BUFFER_SLOTS, &r),
	    0);
	assert_int_equal(r.walk_end, NC_BUFFER_SLOTS);
	assert_int_equal(nc_req_parse(p, NC_DATA_MAX + 1, 0, NC_BUFFER_SLOTS,
	    &r), -1);
	assert_int_equal(nc_req_parse(p, 5, 0, NC_BUFFER_SLOTS + 1, &r), -1);
	assert_int_equal(nc_req_parse(p, 0, 0, 5, &r), -1);
	p[0] = 2;
	assert_int_equal(nc_req_parse(p, 5, 0, 5, &r), -1);
	/* every byte 1: all of a window asked for, at most 1372 */
	memset(p, 1, sizeof(p));
	assert_int_equal(nc_req_parse(p, NC_DATA_MAX, 0xffffff00u, 0x2000,
	    &r), NC_DATA_MAX - 1);
	assert_int_equal(r.num[0], 0xffffff00u);
	assert_int_equal(r.num[NC_DATA_MAX - 2], 0xffffff00u + NC_DATA_MAX - 2);
	/* build: the window bound and cap */
	memset(bits, 0, sizeof(bits));
	assert_int_equal(nc_req_build(0, NC_BUFFER_SLOTS + 1, have_bit, &h,
	    out, sizeof(out)), -1);
	assert_int_equal(nc_req_build(0, NC_BUFFER_SLOTS, have_bit, &h, out,
	    0), -1);
	assert_int_equal(nc_req_build(0, NC_BUFFER_SLOTS, have_bit, &h, out,
	    sizeof(out)), NC_DATA_MAX);
	assert_int_equal(nc_req_build(0, NC_BUFFER_SLOTS, have_bit, &h, out,
	    1), 1);
}

/* Random windows and gaps: what is built parses back to the gaps. */
static void
req_round_trip(void **state)
{
	static uint8_t	bits[NC_BUFFER_SLOTS];
	uint8_t		out[NC_DATA_MAX];
	struct have_set	h;
	struct nc_req	r;
	uint32_t	width, i, k, dens;
	int		len, n, j;

	(void)state;
	h.bits = bits;
	for (k = 0; k < 300; k++) {
		h.start = k % 3 == 0 ? 0xffffffffu - randombytes_uniform(5000) :
		    randombytes_random();
		width = randombytes_uniform(NC_BUFFER_SLOTS + 1);
		dens = 1 + randombytes_uniform(k % 2 ? 1000 : 20);
		for (i = 0; i < width; i++)
			bits[i] = randombytes_uniform(dens) != 0;
		len = nc_req_build(h.start, h.start + width, have_bit, &h, out,
		    sizeof(out));
		assert_true(len >= 1 && len <= NC_DATA_MAX);
		n = nc_req_parse(out, (size_t)len, h.start, h.start + width,
		    &r);
		assert_true(n >= 0);
		assert_true(r.walk_end - h.start <= width);
		/* num[] is exactly the missing ones before walk_end */
		for (i = 0, j = 0; i < r.walk_end - h.start; i++) {
			if (bits[i])
				continue;
			assert_true(j < n);
			assert_int_equal(r.num[j], h.start + i);
			j++;
		}
		assert_int_equal(j, n);
		/* untruncated, nothing missing lies past walk_end */
		if (len < NC_DATA_MAX)
			for (i = r.walk_end - h.start; i < width; i++)
				assert_true(bits[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(id_classes),
		cmocka_unit_test(open_ref_leaves_data_in_plain),
		cmocka_unit_test(nonce_add_carries),
		cmocka_unit_test(seal_opens_by_hand_at_bounds),
		cmocka_unit_test(seal_refuses),
		cmocka_unit_test(open_peers_packet_at_bounds),
		cmocka_unit_test(open_refuses_tampering),
		cmocka_unit_test(open_gives_class_of_every_id),
		cmocka_unit_test(nonce_recovered_and_settled),
		cmocka_unit_test(seal_open_stream),
		cmocka_unit_test(req_bytes_by_hand),
		cmocka_unit_test(req_bounds),
		cmocka_unit_test(req_round_trip),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
