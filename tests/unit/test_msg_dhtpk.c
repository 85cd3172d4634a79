/*
 * The DHT-PK messages' pack/unpack pairs (ipc/msg_dhtpk.c): round trips,
 * and the values an unpacker must refuse although the size is right.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/msg_dhtpk.h"

static uint8_t	buf[4096];

static void
friend_net_round_trip(void **state)
{
	struct ipc_friend_net	f, g;
	struct wr		w;
	struct rd		r;

	memset(&f, 0x33, sizeof(f));
	f.state = FRIEND_NET_ONLINE;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_net(&w, &f);
	assert_int_equal(w.len, IPC_FRIEND_NET_LEN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_net(&r, &g), 0);
	assert_memory_equal(&f, &g, sizeof(f));
	buf[32] = 3;	/* no such state */
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_net(&r, &g), -1);
	f.state = 3;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_net(&w, &f);
	assert_false(wr_ok(&w));
}

static void
friend_dht_and_seal_round_trip(void **state)
{
	struct ipc_dhtpk_seal	s, t;
	struct wr		w;
	struct rd		r;

	memset(&s, 0, sizeof(s));
	s.route = DHTPK_ROUTE_DHT;
	memset(s.f.pk, 1, 32);
	memset(s.f.dht_pk, 2, 32);
	s.f.n = 2;
	s.f.nodes[0].family = PN_UDP4;
	s.f.nodes[0].port = 1;
	s.f.nodes[1].family = PN_UDP6;
	s.f.nodes[1].ip[15] = 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_seal(&w, &s);
	assert_int_equal(w.len, 1 + 65 + 39 + 51);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_dhtpk_seal(&r, &t), 0);
	assert_memory_equal(&s, &t, sizeof(s));
	/* a count that does not match, an unknown family, a bad route */
	buf[65] = 3;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_dhtpk_seal(&r, &t), -1);
	buf[65] = 2;
	buf[66] = 3;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_dhtpk_seal(&r, &t), -1);
	/* a TCP relay crosses, as in the DHT-PK (netd's relay client) */
	buf[66] = PN_TCP4;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_dhtpk_seal(&r, &t), 0);
	assert_int_equal(t.f.nodes[0].family, PN_TCP4);
	buf[66] = PN_UDP4;
	buf[0] = 2;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_dhtpk_seal(&r, &t), -1);
	s.f.n = 5;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_seal(&w, &s);
	assert_false(wr_ok(&w));
	s.f.n = 1;
	s.f.nodes[0].family = PN_TCP6;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dht(&w, &s.f);
	assert_true(wr_ok(&w));
	s.f.nodes[0].family = 7;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dht(&w, &s.f);
	assert_false(wr_ok(&w));
}

static void
sealed_and_in_bounds(void **state)
{
	static struct ipc_dhtpk_sealed		s, t;
	static struct ipc_dhtpk_in		i, j;
	static struct ipc_friend_dhtpk_in	f, g;
	struct wr				w;
	struct rd				r;

	s.route = DHTPK_ROUTE_ONION;
	memset(s.nonce, 4, sizeof(s.nonce));
	s.len = DHTPK_SEALED_MIN;
	memset(s.sealed, 5, s.len);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_sealed(&w, &s);
	assert_int_equal(w.len, IPC_DHTPK_SEALED_MIN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_dhtpk_sealed(&r, &t), 0);
	assert_memory_equal(&s, &t, sizeof(s));
	rd_init(&r, buf, w.len - 1);
	assert_int_equal(ipc_unpack_dhtpk_sealed(&r, &t), -1);
	s.len = DHTPK_SEALED_MAX + 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_sealed(&w, &s);
	assert_false(wr_ok(&w));

	i.boxlen = DHTPK_BOX_MAX;
	memset(i.box, 6, i.boxlen);
	memset(i.outer_pk, 7, 32);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_in(&w, &i);
	assert_int_equal(w.len, IPC_DHTPK_IN_MAX);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_dhtpk_in(&r, &j), 0);
	assert_memory_equal(&i, &j, sizeof(i));
	i.boxlen = DHTPK_BOX_MIN - 1;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_dhtpk_in(&w, &i);
	assert_false(wr_ok(&w));

	f.route = DHTPK_ROUTE_DHT;
	f.len = DHTPK_MIN_LEN;
	f.data[0] = DHTPK_ID;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_friend_dhtpk_in(&w, &f);
	assert_int_equal(w.len, IPC_FRIEND_DHTPK_IN_MIN);
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_dhtpk_in(&r, &g), 0);
	assert_memory_equal(&f, &g, sizeof(f));
	buf[0] = 9;
	rd_init(&r, buf, w.len);
	assert_int_equal(ipc_unpack_friend_dhtpk_in(&r, &g), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(friend_net_round_trip),
		cmocka_unit_test(friend_dht_and_seal_round_trip),
		cmocka_unit_test(sealed_and_in_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
