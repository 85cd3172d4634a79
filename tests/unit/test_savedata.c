/* c-toxcore savedata: round trips, kept sections, and refused inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/rd.h"
#include "keyd/savedata.h"

static void
set_node(struct packed_node *n, uint8_t family, uint8_t seed)
{
	size_t	i;

	memset(n, 0, sizeof(*n));
	n->family = family;
	for (i = 0; i < packed_node_ip_len(family); i++)
		n->ip[i] = (uint8_t)(seed + i);
	n->port = (uint16_t)(33445 + seed);
	memset(n->pk, seed, sizeof(n->pk));
}

static void
add_extra(struct profile *p, uint16_t type, const char *s)
{
	struct profile_section	*x;

	p->extra = reallocarray(p->extra, p->nextra + 1, sizeof(*p->extra));
	assert_non_null(p->extra);
	x = &p->extra[p->nextra++];
	x->type = type;
	x->len = (uint32_t)strlen(s);
	x->data = malloc(x->len);
	memcpy(x->data, s, x->len);
}

/* A profile with every section filled. */
static struct profile *
full_profile(void)
{
	struct profile		*p;
	struct profile_friend	*f;

	assert_non_null(p = profile_generate());
	memcpy(p->name, "alice", 5);
	p->name_len = 5;
	memcpy(p->status_msg, "testing savedata", 16);
	p->status_msg_len = 16;
	p->userstatus = USERSTATUS_BUSY;

	p->nfriends = 2;
	assert_non_null(p->friends = calloc(2, sizeof(*p->friends)));
	f = &p->friends[0];
	f->status = FRIEND_CONFIRMED;
	memset(f->pk, 0x11, sizeof(f->pk));
	memcpy(f->name, "bob", 3);
	f->name_len = 3;
	memcpy(f->status_msg, "away", 4);
	f->status_msg_len = 4;
	f->userstatus = 1;
	f->last_seen = 1700000000ULL;
	f = &p->friends[1];
	f->status = FRIEND_ADDED;
	memset(f->pk, 0x22, sizeof(f->pk));
	memcpy(f->request, "hi, add me", 10);
	f->request_len = 10;
	memcpy(f->nospam, "\x01\x02\x03\x04", 4);

	p->ndht_nodes = 2;
	p->dht_nodes = calloc(2, sizeof(*p->dht_nodes));
	set_node(&p->dht_nodes[0], PN_UDP4, 1);
	set_node(&p->dht_nodes[1], PN_UDP6, 2);
	p->ntcp_relays = 2;
	p->tcp_relays = calloc(2, sizeof(*p->tcp_relays));
	set_node(&p->tcp_relays[0], PN_TCP4, 3);
	set_node(&p->tcp_relays[1], PN_TCP6, 4);
	p->npath_nodes = 1;
	p->path_nodes = calloc(1, sizeof(*p->path_nodes));
	set_node(&p->path_nodes[0], PN_UDP4, 5);
	p->conferences_len = 7;
	p->conferences = malloc(7);
	memcpy(p->conferences, "\x01" "confer", 7);
	add_extra(p, 7, "ngc groups");
	add_extra(p, 0x99, "future");
	return p;
}

static uint8_t *
build(const struct profile *p, size_t *len)
{
	uint8_t	*buf;

	*len = savedata_size(p);
	assert_non_null(buf = malloc(*len));
	assert_int_equal(savedata_build(p, buf, *len), *len);
	return buf;
}

static void
assert_profiles_equal(const struct profile *a, const struct profile *b)
{
	size_t	i;

	assert_memory_equal(a->pk, b->pk, sizeof(a->pk));
	assert_memory_equal(a->nospam, b->nospam, sizeof(a->nospam));
	assert_memory_equal(a->vault->sk, b->vault->sk, sizeof(a->vault->sk));
	assert_int_equal(a->name_len, b->name_len);
	assert_memory_equal(a->name, b->name, a->name_len);
	assert_int_equal(a->status_msg_len, b->status_msg_len);
	assert_memory_equal(a->status_msg, b->status_msg, a->status_msg_len);
	assert_int_equal(a->userstatus, b->userstatus);
	assert_int_equal(a->nfriends, b->nfriends);
	if (a->nfriends > 0)
		assert_memory_equal(a->friends, b->friends,
		    a->nfriends * sizeof(*a->friends));
	assert_int_equal(a->ndht_nodes, b->ndht_nodes);
	if (a->ndht_nodes > 0)
		assert_memory_equal(a->dht_nodes, b->dht_nodes,
		    a->ndht_nodes * sizeof(*a->dht_nodes));
	assert_int_equal(a->ntcp_relays, b->ntcp_relays);
	if (a->ntcp_relays > 0)
		assert_memory_equal(a->tcp_relays, b->tcp_relays,
		    a->ntcp_relays * sizeof(*a->tcp_relays));
	assert_int_equal(a->npath_nodes, b->npath_nodes);
	if (a->npath_nodes > 0)
		assert_memory_equal(a->path_nodes, b->path_nodes,
		    a->npath_nodes * sizeof(*a->path_nodes));
	assert_int_equal(a->conferences_len, b->conferences_len);
	if (a->conferences_len > 0)
		assert_memory_equal(a->conferences, b->conferences,
		    a->conferences_len);
	assert_int_equal(a->nextra, b->nextra);
	for (i = 0; i < a->nextra; i++) {
		assert_int_equal(a->extra[i].type, b->extra[i].type);
		assert_int_equal(a->extra[i].len, b->extra[i].len);
		if (a->extra[i].len > 0)
			assert_memory_equal(a->extra[i].data, b->extra[i].data,
			    a->extra[i].len);
	}
}

/* Offset of the header of the first section of a type, or -1. */
static long
find_section(const uint8_t *buf, size_t len, uint16_t want)
{
	struct rd	r;
	uint32_t	slen;
	uint16_t	type, cookie;
	size_t		off;

	rd_init(&r, buf, len);
	rd_skip(&r, 8);
	while (rd_left(&r) >= 8) {
		off = len - rd_left(&r);
		rd_u32le(&r, &slen);
		rd_u16le(&r, &type);
		rd_u16le(&r, &cookie);
		if (type == want)
			return (long)off;
		if (rd_skip(&r, slen) == -1)
			break;
	}
	return -1;
}

static void
savedata_round_trip_every_section(void **state)
{
	struct profile	*p, *q, *r;
	uint8_t		*b1, *b2;
	size_t		 l1, l2;

	p = full_profile();
	b1 = build(p, &l1);
	assert_int_equal(savedata_parse(b1, l1, &q), SD_OK);
	assert_profiles_equal(p, q);
	b2 = build(q, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	assert_int_equal(savedata_parse(b2, l2, &r), SD_OK);
	assert_profiles_equal(q, r);
	profile_free(p);
	profile_free(q);
	profile_free(r);
	free(b1);
	free(b2);
}

static void
savedata_written_in_ctoxcore_order(void **state)
{
	static const uint16_t order[] = { 1, 2, 3, 4, 5, 6, 10, 11, 20, 7,
	    0x99, 255 };
	struct profile	*p = full_profile();
	uint8_t		*b;
	size_t		 l, i;
	long		 prev = 0, off;

	b = build(p, &l);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		off = find_section(b, l, order[i]);
		assert_true(off > prev);
		prev = off;
	}
	/* the end section is the last 8 bytes: length 0, type 0xFF */
	assert_memory_equal(b + l - 8, "\0\0\0\0\xff\0\xce\x01", 8);
	profile_free(p);
	free(b);
}

/* Raw savedata written by hand, as another client might order it. */
static void
put_section(struct wr *w, uint16_t type, const void *body, size_t len)
{
	wr_u32le(w, (uint32_t)len);
	wr_u16le(w, type);
	wr_u16le(w, SAVEDATA_COOKIE);
	wr_bytes(w, body, len);
}

static void
savedata_keeps_unknown_sections_verbatim(void **state)
{
	struct profile	*p, *q;
	uint8_t		 keys[68], raw[512], unk1[40], unk2[3] = { 0, 0xff, 0 };
	uint8_t		*out;
	struct wr	 w;
	size_t		 olen, i;
	long		 o1, o2;

	assert_non_null(p = profile_generate());
	memcpy(keys, p->nospam, 4);
	memcpy(keys + 4, p->pk, 32);
	memcpy(keys + 36, p->vault->sk, 32);
	for (i = 0; i < sizeof(unk1); i++)
		unk1[i] = (uint8_t)(i * 13);
	wr_init(&w, raw, sizeof(raw));
	wr_u32le(&w, 0);
	wr_u32le(&w, SAVEDATA_MAGIC);
	put_section(&w, 0x30, unk1, sizeof(unk1));	/* before the keys */
	put_section(&w, SD_NOSPAMKEYS, keys, sizeof(keys));
	put_section(&w, 7, unk2, sizeof(unk2));
	put_section(&w, SD_NAME, "zed", 3);
	put_section(&w, 0x1234, NULL, 0);		/* empty unknown */
	put_section(&w, SD_END, NULL, 0);
	assert_true(wr_ok(&w));

	assert_int_equal(savedata_parse(raw, wr_len(&w), &q), SD_OK);
	assert_int_equal(q->nextra, 3);
	assert_int_equal(q->extra[0].type, 0x30);
	assert_int_equal(q->extra[1].type, 7);
	assert_int_equal(q->extra[2].type, 0x1234);
	assert_int_equal(q->name_len, 3);
	out = build(q, &olen);
	/* each kept section is in the output byte for byte, in order */
	o1 = find_section(out, olen, 0x30);
	o2 = find_section(out, olen, 7);
	assert_true(o1 > 0 && o2 > o1);
	assert_true(find_section(out, olen, 0x1234) > o2);
	assert_memory_equal(out + o1, raw + 8, 8 + sizeof(unk1));
	assert_memory_equal(out + o2, raw + 8 + 48 + 76, 8 + sizeof(unk2));
	profile_free(p);
	profile_free(q);
	free(out);
}

static void
savedata_ignores_tail_after_end(void **state)
{
	struct profile	*p = full_profile(), *q;
	uint8_t		*b, *big;
	size_t		 l;

	b = build(p, &l);
	big = calloc(1, l + 4096);	/* c-toxcore's zero-filled tail */
	memcpy(big, b, l);
	assert_int_equal(savedata_parse(big, l + 4096, &q), SD_OK);
	assert_profiles_equal(p, q);
	profile_free(q);
	memset(big + l, 0xa5, 100);	/* whatever follows is not ours */
	assert_int_equal(savedata_parse(big, l + 100, &q), SD_OK);
	profile_free(q);
	profile_free(p);
	free(b);
	free(big);
}

static void
savedata_rejects_every_truncation(void **state)
{
	struct profile	*p = full_profile(), *q;
	uint8_t		*b;
	size_t		 l, cut;
	enum savedata_err e;

	b = build(p, &l);
	for (cut = 0; cut < l; cut++) {
		e = savedata_parse(b, cut, &q);
		if (e == SD_OK) {
			/* Only a cut on a section boundary after the keys can
			 * parse (c-toxcore accepts a missing end, too); then
			 * the profile is a prefix, never garbage. */
			assert_true(cut >= (size_t)find_section(b, l, SD_DHT));
			assert_memory_equal(q->pk, p->pk, 32);
			profile_free(q);
			continue;
		}
		assert_null(q);
		if (cut < 8)
			assert_int_equal(e, SD_ERR_NOT_PROFILE);
		else
			assert_true(e == SD_ERR_TRUNCATED ||
			    e == SD_ERR_NO_KEYS);
	}
	profile_free(p);
	free(b);
}

/* Builds, applies a mutation at a section's header offset + delta. */
static enum savedata_err
parse_mutated(uint16_t type, size_t delta, uint8_t value)
{
	struct profile	*p = full_profile(), *q;
	uint8_t		*b;
	size_t		 l;
	long		 off;
	enum savedata_err e;

	b = build(p, &l);
	off = find_section(b, l, type);
	assert_true(off >= 0 && (size_t)off + delta < l);
	b[off + delta] = value;
	e = savedata_parse(b, l, &q);
	if (e != SD_OK)
		assert_null(q);
	profile_free(q);
	profile_free(p);
	free(b);
	return e;
}

static void
savedata_rejects_corrupt(void **state)
{
	/* header */
	assert_int_equal(parse_mutated(SD_NOSPAMKEYS, 0 - 8 + 4, 0x1e),
	    SD_ERR_NOT_PROFILE);
	/* a section cookie */
	assert_int_equal(parse_mutated(SD_NAME, 6, 0xcf), SD_ERR_CORRUPT);
	/* a length past the end */
	assert_int_equal(parse_mutated(SD_NAME, 3, 0x7f), SD_ERR_TRUNCATED);
	/* DHT inner magic and inner cookie */
	assert_int_equal(parse_mutated(SD_DHT, 8, 0x0e), SD_ERR_CORRUPT);
	assert_int_equal(parse_mutated(SD_DHT, 8 + 4 + 6, 0), SD_ERR_CORRUPT);
	/* a TCP family among DHT nodes voids the list */
	assert_int_equal(parse_mutated(SD_DHT, 8 + 4 + 8, PN_TCP4),
	    SD_ERR_CORRUPT);
	/* an unknown family among TCP relays */
	assert_int_equal(parse_mutated(SD_TCP_RELAYS, 8, 3), SD_ERR_CORRUPT);
	/* own status out of range */
	assert_int_equal(parse_mutated(SD_STATUS, 8, 3), SD_ERR_CORRUPT);
	/* friend name length (BE u16 at 1+32+1024+1+2+128): 129, 0x8103 */
	assert_int_equal(parse_mutated(SD_FRIENDS, 8 + 1189, 129),
	    SD_ERR_CORRUPT);
	assert_int_equal(parse_mutated(SD_FRIENDS, 8 + 1188, 0x81),
	    SD_ERR_CORRUPT);
	/* junk past a length is not part of the value: accepted */
	assert_int_equal(parse_mutated(SD_FRIENDS, 8 + 1187, 1), SD_OK);
	/* friend status 5 */
	assert_int_equal(parse_mutated(SD_FRIENDS, 8, 5), SD_ERR_CORRUPT);
	/* end section with a length */
	assert_int_equal(parse_mutated(SD_END, 0, 1), SD_ERR_TRUNCATED);
	/* the secret key flipped: its public key no longer matches */
	assert_int_equal(parse_mutated(SD_NOSPAMKEYS, 8 + 4 + 32 + 5, 0x42),
	    SD_ERR_KEY_MISMATCH);
	/* the keys section changed to another known type: no keys, and the
	 * body (68 bytes) is a bad DHT section */
	assert_int_equal(parse_mutated(SD_NOSPAMKEYS, 4, SD_DHT),
	    SD_ERR_CORRUPT);
}

static void
savedata_refuses_pk_sk_mismatch(void **state)
{
	struct profile	*p = full_profile(), *q;
	uint8_t		*b;
	size_t		 l;
	long		 off;

	b = build(p, &l);
	off = find_section(b, l, SD_NOSPAMKEYS);
	b[off + 8 + 4] ^= 1;		/* first byte of the public key */
	assert_int_equal(savedata_parse(b, l, &q), SD_ERR_KEY_MISMATCH);
	assert_null(q);
	profile_free(p);
	free(b);
}

static void
savedata_rejects_odd_friend_length(void **state)
{
	struct profile	*p, *q;
	uint8_t		 raw[4096], keys[68];
	struct wr	 w;

	assert_non_null(p = profile_generate());
	memcpy(keys, p->nospam, 4);
	memcpy(keys + 4, p->pk, 32);
	memcpy(keys + 36, p->vault->sk, 32);
	wr_init(&w, raw, sizeof(raw));
	wr_u32le(&w, 0);
	wr_u32le(&w, SAVEDATA_MAGIC);
	put_section(&w, SD_NOSPAMKEYS, keys, sizeof(keys));
	wr_u32le(&w, SAVEDATA_FRIEND_SIZE - 1);
	wr_u16le(&w, SD_FRIENDS);
	wr_u16le(&w, SAVEDATA_COOKIE);
	wr_zero(&w, SAVEDATA_FRIEND_SIZE - 1);
	put_section(&w, SD_END, NULL, 0);
	assert_int_equal(savedata_parse(raw, wr_len(&w), &q), SD_ERR_CORRUPT);
	profile_free(p);
}

static void
savedata_rejects_duplicates_and_missing_keys(void **state)
{
	struct profile	*p, *q;
	uint8_t		 raw[512], keys[68];
	struct wr	 w;

	assert_non_null(p = profile_generate());
	memcpy(keys, p->nospam, 4);
	memcpy(keys + 4, p->pk, 32);
	memcpy(keys + 36, p->vault->sk, 32);
	wr_init(&w, raw, sizeof(raw));
	wr_u32le(&w, 0);
	wr_u32le(&w, SAVEDATA_MAGIC);
	put_section(&w, SD_NAME, "a", 1);
	put_section(&w, SD_END, NULL, 0);
	assert_int_equal(savedata_parse(raw, wr_len(&w), &q), SD_ERR_NO_KEYS);

	wr_init(&w, raw, sizeof(raw));
	wr_u32le(&w, 0);
	wr_u32le(&w, SAVEDATA_MAGIC);
	put_section(&w, SD_NOSPAMKEYS, keys, sizeof(keys));
	put_section(&w, SD_NAME, "a", 1);
	put_section(&w, SD_NAME, "b", 1);
	put_section(&w, SD_END, NULL, 0);
	assert_int_equal(savedata_parse(raw, wr_len(&w), &q), SD_ERR_CORRUPT);

	/* 1..7 stray bytes after the last section and no end */
	wr_init(&w, raw, sizeof(raw));
	wr_u32le(&w, 0);
	wr_u32le(&w, SAVEDATA_MAGIC);
	put_section(&w, SD_NOSPAMKEYS, keys, sizeof(keys));
	wr_zero(&w, 5);
	assert_int_equal(savedata_parse(raw, wr_len(&w), &q),
	    SD_ERR_TRUNCATED);
	/* a short keys section */
	wr_init(&w, raw, sizeof(raw));
	wr_u32le(&w, 0);
	wr_u32le(&w, SAVEDATA_MAGIC);
	put_section(&w, SD_NOSPAMKEYS, keys, sizeof(keys) - 1);
	put_section(&w, SD_END, NULL, 0);
	assert_int_equal(savedata_parse(raw, wr_len(&w), &q), SD_ERR_CORRUPT);
	profile_free(p);
}

static void
savedata_build_refuses_bad_profiles(void **state)
{
	struct profile	*p = full_profile();
	uint8_t		*b;
	size_t		 l = savedata_size(p);

	b = malloc(l);
	assert_int_equal(savedata_build(p, b, l - 1), 0);	/* short */
	p->extra[0].type = SD_NAME;	/* would read back as a name */
	assert_int_equal(savedata_build(p, b, l), 0);
	p->extra[0].type = 7;
	p->dht_nodes[0].family = PN_TCP4;	/* would not read back */
	assert_int_equal(savedata_build(p, b, l), 0);
	p->dht_nodes[0].family = PN_UDP4;
	p->friends[0].name_len = 200;
	assert_int_equal(savedata_build(p, b, savedata_size(p)), 0);
	profile_free(p);
	free(b);
}

static void
savedata_minimal_profile(void **state)
{
	struct profile	*p, *q;
	uint8_t		*b;
	size_t		 l;

	assert_non_null(p = profile_generate());
	b = build(p, &l);
	/* header 8, keys 76, DHT 8+12, friends 8, name 8, status msg 8,
	 * status 9, relays 8, path 8, conferences 8, end 8 */
	assert_int_equal(l, 8 + 76 + 20 + 8 + 8 + 8 + 9 + 8 + 8 + 8 + 8);
	assert_int_equal(savedata_parse(b, l, &q), SD_OK);
	assert_profiles_equal(p, q);
	profile_free(p);
	profile_free(q);
	free(b);
}

static int
init(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(savedata_round_trip_every_section),
		cmocka_unit_test(savedata_written_in_ctoxcore_order),
		cmocka_unit_test(savedata_keeps_unknown_sections_verbatim),
		cmocka_unit_test(savedata_ignores_tail_after_end),
		cmocka_unit_test(savedata_rejects_every_truncation),
		cmocka_unit_test(savedata_rejects_corrupt),
		cmocka_unit_test(savedata_refuses_pk_sk_mismatch),
		cmocka_unit_test(savedata_rejects_odd_friend_length),
		cmocka_unit_test(savedata_rejects_duplicates_and_missing_keys),
		cmocka_unit_test(savedata_build_refuses_bad_profiles),
		cmocka_unit_test(savedata_minimal_profile),
	};

	return cmocka_run_group_tests(tests, init, NULL);
}
