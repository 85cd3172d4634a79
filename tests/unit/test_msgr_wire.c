/*
 * The Messenger and friend_connection packet codecs (chatd/msgr_wire.c):
 * the bytes each builder writes, by hand; every bound of msgr_parse one
 * off on both sides, as c-toxcore 0.2.18 would take or drop it; ids that
 * are not ours; hostile bytes; and msgr_split on multibyte characters
 * straddling every cut, long runs without spaces and invalid UTF-8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chatd/msgr_wire.h"

static uint8_t	buf[NC_DATA_MAX + 64];
static uint8_t	out[NC_DATA_MAX];

/* id || n bytes of fill into buf; returns the length. */
static size_t
mk(uint8_t id, size_t n, uint8_t fill)
{
	buf[0] = id;
	memset(buf + 1, fill, n);
	return 1 + n;
}

static void
node(struct packed_node *n, uint8_t family, uint8_t fill)
{
	memset(n, 0, sizeof(*n));
	n->family = family;
	n->ip[0] = 192;
	n->ip[1] = 0;
	n->ip[2] = 2;
	n->ip[3] = fill;
	if (family == PN_UDP6 || family == PN_TCP6)
		n->ip[15] = fill;
	n->port = 0x1234;
	memset(n->pk, fill, sizeof(n->pk));
}

static void
msgr_builders_write_c_toxcores_bytes(void **state)
{
	uint8_t			ns[MSGR_NOSPAM_LEN] = { 1, 2, 3, 4 };
	struct packed_node	n[2];
	int			len;

	(void)state;
	assert_int_equal(msgr_build_alive(out, sizeof(out)), 1);
	assert_int_equal(out[0], 0x10);
	assert_int_equal(msgr_build_online(out, sizeof(out)), 1);
	assert_int_equal(out[0], 0x18);
	assert_int_equal(msgr_build_offline(out, sizeof(out)), 1);
	assert_int_equal(out[0], 0x19);
	assert_int_equal(msgr_build_nickname((const uint8_t *)"bob", 3, out,
	    sizeof(out)), 4);
	assert_memory_equal(out, "\x30" "bob", 4);
	assert_int_equal(msgr_build_statusmessage((const uint8_t *)"hi", 2,
	    out, sizeof(out)), 3);
	assert_memory_equal(out, "\x31hi", 3);
	assert_int_equal(msgr_build_userstatus(MSGR_USERSTATUS_BUSY, out,
	    sizeof(out)), 2);
	assert_memory_equal(out, "\x32\x02", 2);
	assert_int_equal(msgr_build_typing(1, out, sizeof(out)), 2);
	assert_memory_equal(out, "\x33\x01", 2);
	assert_int_equal(msgr_build_message((const uint8_t *)"yo", 2, out,
	    sizeof(out)), 3);
	assert_memory_equal(out, "\x40yo", 3);
	assert_int_equal(msgr_build_action((const uint8_t *)"waves", 5, out,
	    sizeof(out)), 6);
	assert_memory_equal(out, "\x41waves", 6);
	assert_int_equal(msgr_build_friend_request(ns, (const uint8_t *)"x",
	    1, out, sizeof(out)), 6);
	assert_memory_equal(out, "\x12\x01\x02\x03\x04x", 6);

	node(&n[0], PN_TCP4, 7);
	node(&n[1], PN_TCP6, 8);
	len = msgr_build_share_relays(n, 2, out, sizeof(out));
	assert_int_equal(len, 1 + PN_SIZE_V4 + PN_SIZE_V6);
	assert_int_equal(out[0], 0x11);
	assert_int_equal(out[1], 130);
	assert_memory_equal(out + 2, "\xc0\x00\x02\x07\x12\x34", 6);
	assert_int_equal(out[8], 7);			/* pk */
	assert_int_equal(out[1 + PN_SIZE_V4], 138);
	assert_int_equal(out[1 + PN_SIZE_V4 + 1 + 16], 0x12);	/* port */
}

/* Each builder and msgr_parse agree, and msgr_build rebuilds the bytes. */
static void
msgr_round_trips(void **state)
{
	uint8_t			ns[MSGR_NOSPAM_LEN] = { 0xde, 0xad, 0, 0xef };
	uint8_t			text[MSGR_TEXT_MAX], again[NC_DATA_MAX];
	struct packed_node	n[3];
	struct msgr_pkt		m;
	int			len, i;

	(void)state;
	for (i = 0; i < MSGR_TEXT_MAX; i++)
		text[i] = (uint8_t)(i * 7);	/* NULs and all */
	node(&n[0], PN_UDP4, 1);
	node(&n[1], PN_TCP6, 2);
	node(&n[2], PN_UDP6, 3);

#define RT(expr, want) do {						\
	len = (expr);							\
	assert_true(len > 0);						\
	assert_int_equal(msgr_parse(out, (size_t)len, &m), (want));	\
	assert_int_equal(m.kind, (want));				\
	assert_int_equal(m.id, out[0]);					\
	assert_int_equal(msgr_build(&m, again, sizeof(again)), len);	\
	assert_memory_equal(again, out, (size_t)len);			\
} while (0)

	RT(msgr_build_alive(out, sizeof(out)), MSGR_ALIVE);
	RT(msgr_build_online(out, sizeof(out)), MSGR_ONLINE);
	RT(msgr_build_offline(out, sizeof(out)), MSGR_OFFLINE);
	RT(msgr_build_share_relays(n, 3, out, sizeof(out)), MSGR_SHARE_RELAYS);
	assert_int_equal(m.nrelays, 3);
	assert_int_equal(m.relays[1].family, PN_TCP6);
	assert_int_equal(m.relays[2].port, 0x1234);
	assert_memory_equal(m.relays[2].ip, n[2].ip, 16);
	assert_memory_equal(m.relays[0].pk, n[0].pk, PN_PK_LEN);
	RT(msgr_build_friend_request(ns, text, MSGR_FRREQ_MAX, out,
	    sizeof(out)), MSGR_FRIEND_REQUEST);
	assert_memory_equal(m.nospam, ns, sizeof(ns));
	assert_int_equal(m.len, MSGR_FRREQ_MAX);
	assert_memory_equal(m.text, text, MSGR_FRREQ_MAX);
	RT(msgr_build_nickname(text, MSGR_NAME_MAX, out, sizeof(out)),
	    MSGR_NICKNAME);
	assert_int_equal(m.len, MSGR_NAME_MAX);
	assert_memory_equal(m.text, text, MSGR_NAME_MAX);
	RT(msgr_build_nickname(NULL, 0, out, sizeof(out)), MSGR_NICKNAME);
	assert_int_equal(m.len, 0);
	RT(msgr_build_statusmessage(text, MSGR_STATUSMSG_MAX, out,
	    sizeof(out)), MSGR_STATUSMESSAGE);
	assert_int_equal(m.len, MSGR_STATUSMSG_MAX);
	RT(msgr_build_statusmessage(text, 0, out, sizeof(out)),
	    MSGR_STATUSMESSAGE);
	for (i = 0; i <= MSGR_USERSTATUS_BUSY; i++) {
		RT(msgr_build_userstatus((uint8_t)i, out, sizeof(out)),
		    MSGR_USERSTATUS);
		assert_int_equal(m.value, i);
	}
	for (i = 0; i <= 1; i++) {
		RT(msgr_build_typing((uint8_t)i, out, sizeof(out)),
		    MSGR_TYPING);
		assert_int_equal(m.value, i);
	}
	RT(msgr_build_message(text, MSGR_TEXT_MAX, out, sizeof(out)),
	    MSGR_MESSAGE);
	assert_int_equal(len, NC_DATA_MAX);
	assert_int_equal(m.len, MSGR_TEXT_MAX);
	assert_memory_equal(m.text, text, MSGR_TEXT_MAX);
	RT(msgr_build_action(text + 5, 1, out, sizeof(out)), MSGR_ACTION);
	assert_int_equal(m.len, 1);
	assert_int_equal(m.text[0], text[5]);
#undef RT
}

/* Every length bound of the parser, one in and one out. */
static void
msgr_parse_bounds(void **state)
{
	struct msgr_pkt	m;

	(void)state;
	/* ONLINE and OFFLINE are one byte exactly */
	assert_int_equal(msgr_parse(buf, mk(0x18, 0, 0), &m), MSGR_ONLINE);
	assert_int_equal(msgr_parse(buf, mk(0x18, 1, 0), &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x19, 0, 0), &m), MSGR_OFFLINE);
	assert_int_equal(msgr_parse(buf, mk(0x19, 1, 0), &m), MSGR_DROP);
	/* ALIVE: handle_packet looks at the id alone */
	assert_int_equal(msgr_parse(buf, mk(0x10, 0, 0), &m), MSGR_ALIVE);
	assert_int_equal(msgr_parse(buf, mk(0x10, 40, 9), &m), MSGR_ALIVE);
	/* NICKNAME 0..128 */
	assert_int_equal(msgr_parse(buf, mk(0x30, 0, 'a'), &m), MSGR_NICKNAME);
	assert_int_equal(msgr_parse(buf, mk(0x30, 128, 'a'), &m),
	    MSGR_NICKNAME);
	assert_int_equal(m.len, 128);
	assert_int_equal(msgr_parse(buf, mk(0x30, 129, 'a'), &m), MSGR_DROP);
	assert_int_equal(m.len, 0);
	/* STATUSMESSAGE 0..1007 */
	assert_int_equal(msgr_parse(buf, mk(0x31, 0, 'a'), &m),
	    MSGR_STATUSMESSAGE);
	assert_int_equal(msgr_parse(buf, mk(0x31, 1007, 'a'), &m),
	    MSGR_STATUSMESSAGE);
	assert_int_equal(m.len, 1007);
	assert_int_equal(msgr_parse(buf, mk(0x31, 1008, 'a'), &m), MSGR_DROP);
	/* USERSTATUS: one byte, 0..2 */
	assert_int_equal(msgr_parse(buf, mk(0x32, 1, 2), &m), MSGR_USERSTATUS);
	assert_int_equal(m.value, 2);
	assert_int_equal(msgr_parse(buf, mk(0x32, 1, 3), &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x32, 1, 0xff), &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x32, 0, 0), &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x32, 2, 0), &m), MSGR_DROP);
	/* TYPING: one byte, any non-zero is typing */
	assert_int_equal(msgr_parse(buf, mk(0x33, 1, 0), &m), MSGR_TYPING);
	assert_int_equal(m.value, 0);
	assert_int_equal(msgr_parse(buf, mk(0x33, 1, 0x80), &m), MSGR_TYPING);
	assert_int_equal(m.value, 1);
	assert_int_equal(msgr_parse(buf, mk(0x33, 0, 0), &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x33, 2, 1), &m), MSGR_DROP);
	/* MESSAGE and ACTION 1..1372, i.e. the whole packet 2..NC_DATA_MAX */
	assert_int_equal(msgr_parse(buf, mk(0x40, 0, 'a'), &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x41, 0, 'a'), &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x40, 1, 0), &m), MSGR_MESSAGE);
	assert_int_equal(m.len, 1);
	assert_int_equal(m.text[0], 0);			/* a NUL is text */
	assert_int_equal(msgr_parse(buf, mk(0x41, 1372, 'a'), &m),
	    MSGR_ACTION);
	assert_int_equal(m.len, 1372);
	assert_int_equal(msgr_parse(buf, mk(0x40, 1373, 'a'), &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x41, 1373, 'a'), &m), MSGR_DROP);
	/* FRIEND_REQUESTS: whole packet 6..1021 */
	assert_int_equal(msgr_parse(buf, mk(0x12, 4, 1), &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x12, 3, 1), &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x12, 5, 1), &m),
	    MSGR_FRIEND_REQUEST);
	assert_int_equal(m.len, 1);
	assert_int_equal(msgr_parse(buf, mk(0x12, 1020, 1), &m),
	    MSGR_FRIEND_REQUEST);
	assert_int_equal(m.len, 1016);
	assert_int_equal(msgr_parse(buf, mk(0x12, 1021, 1), &m), MSGR_DROP);
	/* nothing, and more than net_crypto can carry */
	assert_int_equal(msgr_parse(buf, 0, &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x10, NC_DATA_MAX, 0), &m),
	    MSGR_DROP);
	assert_int_equal(msgr_parse(buf, mk(0x10, NC_DATA_MAX - 1, 0), &m),
	    MSGR_ALIVE);
}

static void
msgr_parse_share_relays(void **state)
{
	struct packed_node	n[4];
	struct msgr_pkt		m;
	size_t			len;
	int			w;

	(void)state;
	/* no node at all: unpack_nodes returns 0, which is fine */
	assert_int_equal(msgr_parse(buf, mk(0x11, 0, 0), &m),
	    MSGR_SHARE_RELAYS);
	assert_int_equal(m.nrelays, 0);

	node(&n[0], PN_UDP4, 1);
	node(&n[1], PN_UDP6, 2);
	node(&n[2], PN_TCP4, 3);
	w = msgr_build_share_relays(n, 3, buf, sizeof(buf));
	assert_true(w > 0);
	len = (size_t)w;
	assert_int_equal(msgr_parse(buf, len, &m), MSGR_SHARE_RELAYS);
	assert_int_equal(m.nrelays, 3);
	/* past the third node anything goes: c-toxcore stops reading */
	memset(buf + len, 0xee, 20);
	assert_int_equal(msgr_parse(buf, len + 1, &m), MSGR_SHARE_RELAYS);
	assert_int_equal(msgr_parse(buf, len + 20, &m), MSGR_SHARE_RELAYS);
	assert_int_equal(m.nrelays, 3);
	assert_int_equal(m.relays[2].family, PN_TCP4);
	/* a node cut short, before the third */
	w = msgr_build_share_relays(n, 2, buf, sizeof(buf));
	assert_true(w > 0);
	assert_int_equal(msgr_parse(buf, (size_t)w - 1, &m), MSGR_DROP);
	assert_int_equal(m.nrelays, 0);
	assert_int_equal(msgr_parse(buf, (size_t)w + 1, &m), MSGR_DROP);
	assert_int_equal(msgr_parse(buf, (size_t)w, &m), MSGR_SHARE_RELAYS);
	assert_int_equal(m.nrelays, 2);
	/* an unknown family */
	buf[1 + PN_SIZE_V4] = 3;
	assert_int_equal(msgr_parse(buf, (size_t)w, &m), MSGR_DROP);

	/* builder: 1..3 nodes of a known family */
	assert_int_equal(msgr_build_share_relays(n, 0, out, sizeof(out)), -1);
	node(&n[3], PN_TCP6, 4);
	assert_int_equal(msgr_build_share_relays(n, 4, out, sizeof(out)), -1);
	n[1].family = 3;
	assert_int_equal(msgr_build_share_relays(n, 2, out, sizeof(out)), -1);
	assert_int_equal(msgr_build_share_relays(n, 1, out, sizeof(out)),
	    1 + PN_SIZE_V4);
}

/* Ids that are not in the list above, and ids that are not lossless. */
static void
msgr_parse_other_ids(void **state)
{
	struct msgr_pkt	m;
	unsigned	id;
	int		k;

	(void)state;
	for (id = 0; id <= 255; id++) {
		k = msgr_parse(buf, mk((uint8_t)id, 3, 1), &m);
		if (id < 16 || id > 191) {
			assert_int_equal(k, MSGR_DROP);
			assert_int_equal(m.id, 0);
			/* not even bare */
			assert_int_equal(msgr_parse(buf, mk((uint8_t)id, 0, 0),
			    &m), MSGR_DROP);
			continue;
		}
		switch (id) {
		case 0x10: case 0x11: case 0x12: case 0x18: case 0x19:
		case 0x30: case 0x31: case 0x32: case 0x33: case 0x40:
		case 0x41:
			assert_int_not_equal(k, MSGR_UNKNOWN);
			break;
		default:
			assert_int_equal(k, MSGR_UNKNOWN);
			assert_int_equal(m.kind, MSGR_UNKNOWN);
			assert_int_equal(m.id, id);
			assert_int_equal(msgr_parse(buf, mk((uint8_t)id, 0, 0),
			    &m), MSGR_UNKNOWN);
			assert_int_equal(msgr_build(&m, out, sizeof(out)), -1);
		}
	}
	/* the ones the brief names: files, MSI, conferences, custom */
	assert_int_equal(msgr_parse(buf, mk(0x45, 10, 1), &m), MSGR_UNKNOWN);
	assert_int_equal(msgr_parse(buf, mk(0x50, 60, 1), &m), MSGR_UNKNOWN);
	assert_int_equal(msgr_parse(buf, mk(0x52, 1371, 1), &m), MSGR_UNKNOWN);
	assert_int_equal(msgr_parse(buf, mk(0x62, 10, 1), &m), MSGR_UNKNOWN);
	assert_int_equal(msgr_parse(buf, mk(160, 10, 1), &m), MSGR_UNKNOWN);
	assert_int_equal(msgr_parse(buf, mk(0x52, 1372, 1), &m), MSGR_UNKNOWN);
	assert_int_equal(msgr_parse(buf, mk(0x52, 1373, 1), &m), MSGR_DROP);
}

/* Builders refuse what the peer would drop, and a buffer one short. */
static void
msgr_builders_refuse(void **state)
{
	uint8_t			ns[MSGR_NOSPAM_LEN] = { 0 };
	uint8_t			text[MSGR_TEXT_MAX + 1];
	struct msgr_pkt		m;

	(void)state;
	memset(text, 'z', sizeof(text));
	assert_int_equal(msgr_build_nickname(text, 129, out, sizeof(out)), -1);
	assert_int_equal(msgr_build_nickname(text, 128, out, 129), 129);
	assert_int_equal(msgr_build_nickname(text, 128, out, 128), -1);
	assert_int_equal(msgr_build_statusmessage(text, 1008, out,
	    sizeof(out)), -1);
	assert_int_equal(msgr_build_statusmessage(text, 1007, out, 1008),
	    1008);
	assert_int_equal(msgr_build_statusmessage(text, 1007, out, 1007), -1);
	assert_int_equal(msgr_build_userstatus(3, out, sizeof(out)), -1);
	assert_int_equal(msgr_build_userstatus(0, out, 1), -1);
	assert_int_equal(msgr_build_typing(2, out, sizeof(out)), -1);
	assert_int_equal(msgr_build_typing(0, out, 2), 2);
	assert_int_equal(msgr_build_typing(0, out, 1), -1);
	assert_int_equal(msgr_build_message(text, 0, out, sizeof(out)), -1);
	assert_int_equal(msgr_build_action(text, 0, out, sizeof(out)), -1);
	/* refused for the bound, not for the room */
	assert_int_equal(msgr_build_message(text, MSGR_TEXT_MAX + 1, buf,
	    sizeof(buf)), -1);
	assert_int_equal(msgr_build_action(text, MSGR_TEXT_MAX + 1, buf,
	    sizeof(buf)), -1);
	assert_int_equal(msgr_build_message(text, MSGR_TEXT_MAX, out,
	    NC_DATA_MAX - 1), -1);
	assert_int_equal(msgr_build_friend_request(ns, text, 0, out,
	    sizeof(out)), -1);
	assert_int_equal(msgr_build_friend_request(ns, text, 1017, out,
	    sizeof(out)), -1);
	assert_int_equal(msgr_build_friend_request(ns, text, 1016, out,
	    1021), 1021);
	assert_int_equal(msgr_build_friend_request(ns, text, 1016, out,
	    1020), -1);
	assert_int_equal(msgr_build_alive(out, 0), -1);
	assert_int_equal(msgr_build_online(out, 0), -1);
	assert_int_equal(msgr_build_offline(out, 0), -1);
	memset(&m, 0, sizeof(m));
	m.kind = MSGR_DROP;
	assert_int_equal(msgr_build(&m, out, sizeof(out)), -1);
	m.kind = MSGR_USERSTATUS;
	m.value = 7;
	assert_int_equal(msgr_build(&m, out, sizeof(out)), -1);
	m.kind = MSGR_SHARE_RELAYS;
	m.nrelays = 4;
	assert_int_equal(msgr_build(&m, out, sizeof(out)), -1);
}

/*
 * Random bytes behind every id: the parser never reads out of bounds
 * (ASan in make check), refuses with *out zeroed, or accepts something
 * that rebuilds and parses to the same.
 */
static void
msgr_parse_hostile(void **state)
{
	struct msgr_pkt	*m, *m2;
	uint32_t	x = 0x12345678;
	size_t		len, i;
	int		k, w, round, accepted = 0, dropped = 0;

	(void)state;
	m = malloc(sizeof(*m));
	m2 = malloc(sizeof(*m2));
	assert_non_null(m);
	assert_non_null(m2);
	for (round = 0; round < 20000; round++) {
		x = x * 1103515245u + 12345u;
		len = (x >> 8) % 64;
		if (round % 50 == 0)
			len = (x >> 8) % (NC_DATA_MAX + 2);
		for (i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (uint8_t)(x >> 16);
		}
		if (len > 0 && round % 3 != 0)
			buf[0] = (uint8_t)(0x10 + (round % 0x32));
		k = msgr_parse(buf, len, m);
		assert_int_equal(k, m->kind);
		if (k == MSGR_DROP) {
			dropped++;
			assert_int_equal(m->id, 0);
			assert_int_equal(m->len, 0);
			assert_int_equal(m->nrelays, 0);
			continue;
		}
		assert_int_equal(m->id, buf[0]);
		assert_true(m->nrelays <= MSGR_RELAYS_MAX);
		assert_true(m->len <= MSGR_TEXT_MAX);
		if (k == MSGR_UNKNOWN)
			continue;
		accepted++;
		w = msgr_build(m, out, sizeof(out));
		if (k == MSGR_SHARE_RELAYS && m->nrelays == 0) {
			/* taken, but c-toxcore never sends an empty list */
			assert_int_equal(w, -1);
			continue;
		}
		assert_true(w > 0);
		assert_true((size_t)w <= len);
		if (k == MSGR_TYPING) {
			/* any non-zero byte is typing; we send 1 */
			assert_int_equal(out[1], buf[1] != 0);
			assert_int_equal(out[0], buf[0]);
		} else
			assert_memory_equal(out, buf, (size_t)w);
		assert_int_equal(msgr_parse(out, (size_t)w, m2), k);
		assert_memory_equal(m, m2, sizeof(*m));
	}
	assert_true(accepted > 100);
	assert_true(dropped > 100);
	free(m);
	free(m2);
}

/*
 * Splits text whole with msgr_split and checks: chunks of 1..max bytes
 * that put together are the text; for valid UTF-8 input, no chunk starts
 * with a continuation byte.  Returns the number of chunks; lens[] gets
 * the first ones.
 */
static size_t
split_all(const uint8_t *t, size_t len, size_t max, int valid,
    size_t *lens, size_t nlens)
{
	uint8_t	*again;
	size_t	at = 0, n = 0, c, eff;

	eff = (max == 0 || max > MSGR_TEXT_MAX) ? MSGR_TEXT_MAX : max;
	again = malloc(len + 1);
	assert_non_null(again);
	while (at < len) {
		c = msgr_split(t + at, len - at, max);
		assert_true(c >= 1);
		assert_true(c <= eff);
		assert_true(c <= len - at);
		if (valid)
			assert_true((t[at] & 0xc0) != 0x80);
		memcpy(again + at, t + at, c);
		if (n < nlens)
			lens[n] = c;
		n++;
		at += c;
	}
	assert_int_equal(msgr_split(t + at, 0, max), 0);
	assert_memory_equal(again, t, len);
	free(again);
	return n;
}

static void
msgr_split_short_and_ascii(void **state)
{
	static uint8_t	t[4000];
	size_t		lens[4];

	(void)state;
	memset(t, 'a', sizeof(t));
	assert_int_equal(msgr_split(t, 0, 0), 0);
	assert_int_equal(msgr_split(t, 5, 0), 5);
	assert_int_equal(msgr_split(t, MSGR_TEXT_MAX, 0), MSGR_TEXT_MAX);
	assert_int_equal(msgr_split(t, MSGR_TEXT_MAX + 1, 0), MSGR_TEXT_MAX);
	/* max above the wire limit is the wire limit */
	assert_int_equal(msgr_split(t, 4000, 100000), MSGR_TEXT_MAX);
	assert_int_equal(split_all(t, 3000, 0, 1, lens, 4), 3);
	assert_int_equal(lens[0], 1372);
	assert_int_equal(lens[1], 1372);
	assert_int_equal(lens[2], 256);
}

static void
msgr_split_prefers_space_in_last_quarter(void **state)
{
	uint8_t	t[64];
	size_t	lens[8];

	(void)state;
	/* max 16: a space at 12..15 (0-based) may end a chunk, not at 11 */
	memset(t, 'a', sizeof(t));
	t[12] = ' ';
	assert_int_equal(msgr_split(t, sizeof(t), 16), 13);
	memset(t, 'a', sizeof(t));
	t[11] = ' ';	/* the chunk would be 12 = exactly three quarters */
	assert_int_equal(msgr_split(t, sizeof(t), 16), 12);
	memset(t, 'a', sizeof(t));
	t[10] = ' ';	/* 11 < 12: too early, cut at max */
	assert_int_equal(msgr_split(t, sizeof(t), 16), 16);
	memset(t, 'a', sizeof(t));
	t[15] = '\n';	/* the last byte that fits */
	assert_int_equal(msgr_split(t, sizeof(t), 16), 16);
	memset(t, 'a', sizeof(t));
	t[16] = ' ';	/* one past: does not fit */
	t[13] = '\n';
	t[12] = ' ';
	assert_int_equal(msgr_split(t, sizeof(t), 16), 14);	/* the last */
	/* tabs and other bytes are no separators */
	memset(t, 'a', sizeof(t));
	t[13] = '\t';
	assert_int_equal(msgr_split(t, sizeof(t), 16), 16);
	/* words: every chunk ends at a space */
	memcpy(t, "the quick brown fox jumps over the lazy dog, twice ok",
	    53);
	assert_int_equal(split_all(t, 53, 16, 1, lens, 8), 4);
	assert_int_equal(lens[0], 16);	/* "the quick brown " */
	assert_int_equal(lens[1], 15);	/* "fox jumps over " */
	assert_int_equal(lens[2], 14);	/* "the lazy dog, " */
	assert_int_equal(lens[3], 8);	/* "twice ok" */
	/* at the wire size too */
	{
		static uint8_t	big[3000];

		memset(big, 'b', sizeof(big));
		big[1100] = ' ';	/* 1101 >= 1372 - 343 */
		big[1000] = ' ';	/* 1001 < 1029: too early */
		assert_int_equal(msgr_split(big, sizeof(big), 0), 1101);
		big[1100] = 'b';
		assert_int_equal(msgr_split(big, sizeof(big), 0), 1372);
		big[1028] = ' ';	/* 1029 = 1372 - 343 */
		assert_int_equal(msgr_split(big, sizeof(big), 0), 1029);
		big[1028] = 'b';
		big[1027] = ' ';
		assert_int_equal(msgr_split(big, sizeof(big), 0), 1372);
	}
}

/*
 * A 2-, 3- and 4-byte character put across the cut at every position,
 * at a small max and at the wire size.
 */
static void
msgr_split_multibyte_straddles(void **state)
{
	static const char *const	seq[] = {
		"\xc3\xa9",		/* U+00E9 */
		"\xe2\x82\xac",		/* U+20AC */
		"\xf0\x9f\x98\x80",	/* U+1F600 */
		"\xf4\x8f\xbf\xbf",	/* U+10FFFF */
		"\xed\x9f\xbf",		/* U+D7FF, before the surrogates */
	};
	static const size_t		maxes[] = { 4, 7, 16, MSGR_TEXT_MAX };
	static uint8_t			t[MSGR_TEXT_MAX * 2 + 16];
	size_t				s, mi, n, start, max, want, lens[2];

	(void)state;
	for (s = 0; s < sizeof(seq) / sizeof(seq[0]); s++) {
		n = strlen(seq[s]);
		for (mi = 0; mi < sizeof(maxes) / sizeof(maxes[0]); mi++) {
			max = maxes[mi];
			/* the character starts at max - n + 1 .. max */
			for (start = max - n; start <= max; start++) {
				memset(t, 'x', sizeof(t));
				memcpy(t + start, seq[s], n);
				/* fits when it ends by max, else cut before */
				want = start + n <= max ? max : start;
				assert_int_equal(msgr_split(t, max * 2 + 8, max),
				    want);
				split_all(t, max * 2 + 8, max, 1, lens, 2);
			}
		}
	}
}

/* Runs of one multibyte character, without a space, at the wire size. */
static void
msgr_split_long_runs(void **state)
{
	static uint8_t	t[4 * 2000];
	size_t		lens[4], i, n, k;

	(void)state;
	for (n = 2; n <= 4; n++) {
		for (i = 0; i + n <= sizeof(t); i += n)
			memcpy(t + i, n == 2 ? "\xd0\x96" : n == 3 ?
			    "\xe4\xb8\xad" : "\xf0\x90\x8d\x88", n);
		k = split_all(t, i, 0, 1, lens, 4);
		/* the largest multiple of n that fits in 1372 */
		assert_int_equal(lens[0], MSGR_TEXT_MAX / n * n);
		assert_int_equal(k, (i + lens[0] - 1) / lens[0]);
		/* shifted by one ASCII byte */
		memmove(t + 1, t, i - 1);
		t[0] = 'q';
		split_all(t, i - n + 1, 0, 1, lens, 4);
		assert_int_equal(lens[0], 1 + (MSGR_TEXT_MAX - 1) / n * n);
	}
}

/* Malformed UTF-8: split all the same, never empty, never stuck. */
static void
msgr_split_invalid_utf8(void **state)
{
	static uint8_t	t[3000];
	size_t		lens[4];
	size_t		i;

	(void)state;
	memset(t, 0xff, sizeof(t));
	assert_int_equal(split_all(t, sizeof(t), 0, 0, lens, 4), 3);
	assert_int_equal(lens[0], MSGR_TEXT_MAX);
	memset(t, 0x80, sizeof(t));		/* lone continuations */
	split_all(t, sizeof(t), 0, 0, lens, 4);
	assert_int_equal(lens[0], MSGR_TEXT_MAX);
	memset(t, 0xe2, sizeof(t));		/* leads never completed */
	split_all(t, sizeof(t), 0, 0, lens, 4);
	assert_int_equal(lens[0], MSGR_TEXT_MAX);
	/* a sequence cut short just before the cut: byte units, cut at max */
	memset(t, 'a', sizeof(t));
	memcpy(t + 14, "\xe2\x82", 2);
	assert_int_equal(msgr_split(t, 40, 16), 16);
	memcpy(t + 14, "\xf0\x9f\x98", 3);	/* 3 of 4, then 'a' */
	assert_int_equal(msgr_split(t, 40, 16), 16);
	/* overlong, surrogate, above U+10FFFF: one unit per byte */
	memset(t, 'a', sizeof(t));
	memcpy(t + 15, "\xc0\x80", 2);
	assert_int_equal(msgr_split(t, 40, 16), 16);
	memcpy(t + 14, "\xe0\x80\x80", 3);
	assert_int_equal(msgr_split(t, 40, 16), 16);
	memcpy(t + 14, "\xed\xa0\x80", 3);
	assert_int_equal(msgr_split(t, 40, 16), 16);
	memcpy(t + 13, "\xf4\x90\x80\x80", 4);
	assert_int_equal(msgr_split(t, 40, 16), 16);
	memcpy(t + 13, "\xf5\x80\x80\x80", 4);
	assert_int_equal(msgr_split(t, 40, 16), 16);
	/* and the valid twins of those are kept whole */
	memcpy(t + 14, "\xe0\xa0\x80", 3);
	assert_int_equal(msgr_split(t, 40, 16), 14);
	memcpy(t + 13, "\xf4\x8f\x80\x80", 4);
	assert_int_equal(msgr_split(t, 40, 16), 13);
	/* pseudo-random bytes at several maxes */
	for (i = 0; i < sizeof(t); i++)
		t[i] = (uint8_t)((i * 2654435761u) >> 13);
	for (i = 1; i <= 40; i++)
		split_all(t, sizeof(t), i, 0, lens, 1);
	split_all(t, sizeof(t), 0, 0, lens, 1);
}

/* A max too small for the character: cut at max, still progress. */
static void
msgr_split_tiny_max(void **state)
{
	const uint8_t	*t = (const uint8_t *)"\xf0\x9f\x98\x80\xe2\x82\xac";
	size_t		lens[8];

	(void)state;
	assert_int_equal(msgr_split(t, 7, 1), 1);
	assert_int_equal(msgr_split(t, 7, 3), 3);
	assert_int_equal(msgr_split(t, 7, 4), 4);
	assert_int_equal(msgr_split(t + 4, 3, 2), 2);
	assert_int_equal(split_all(t, 7, 1, 0, lens, 8), 7);
	assert_int_equal(split_all(t, 7, 4, 1, lens, 8), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msgr_builders_write_c_toxcores_bytes),
		cmocka_unit_test(msgr_round_trips),
		cmocka_unit_test(msgr_parse_bounds),
		cmocka_unit_test(msgr_parse_share_relays),
		cmocka_unit_test(msgr_parse_other_ids),
		cmocka_unit_test(msgr_builders_refuse),
		cmocka_unit_test(msgr_parse_hostile),
		cmocka_unit_test(msgr_split_short_and_ascii),
		cmocka_unit_test(msgr_split_prefers_space_in_last_quarter),
		cmocka_unit_test(msgr_split_multibyte_straddles),
		cmocka_unit_test(msgr_split_long_runs),
		cmocka_unit_test(msgr_split_invalid_utf8),
		cmocka_unit_test(msgr_split_tiny_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
