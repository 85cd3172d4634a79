/*
 * chatd's check of a friend's DHT-PK (chatd/dhtpk_in.c): only from a
 * friend, no_replay strictly growing per friend (again from scratch once
 * the friend went offline), and by the DHT route the DHT key inside equal
 * to the outer sender's (gotcha 10).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chatd/dhtpk_in.h"

static struct friends	fs;
static uint8_t		fr[32] = { 1, 2, 3 };
static uint8_t		dht[32] = { 9, 9, 9 };

static void
announcement(struct ipc_friend_dhtpk_in *in, uint8_t route,
    uint64_t no_replay, const uint8_t *outer)
{
	struct dhtpk	a;
	int		n;

	memset(&a, 0, sizeof(a));
	a.no_replay = no_replay;
	memcpy(a.dht_pk, dht, 32);
	a.n = 1;
	a.nodes[0].family = PN_TCP4;	/* a relay: for netd's relay client */
	a.nodes[0].port = 443;
	memset(in, 0, sizeof(*in));
	in->route = route;
	memcpy(in->pk, fr, 32);
	if (outer != NULL)
		memcpy(in->outer_pk, outer, 32);
	n = dhtpk_pack(&a, in->data, sizeof(in->data));
	assert_true(n > 0);
	in->len = (uint16_t)n;
}

static void
replay_and_friend_checks(void **state)
{
	static struct ipc_friend_dhtpk_in	in;
	struct dhtpk				a;
	struct friend				*f;
	const char				*why;

	memset(&fs, 0, sizeof(fs));
	/* no such friend */
	announcement(&in, DHTPK_ROUTE_ONION, 100, NULL);
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), -1);
	assert_non_null(f = friends_take(&fs, 3, fr));
	/* still pending in keyd: not yet */
	f->pending = 1;
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), -1);
	f->pending = 0;
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), 3);
	assert_int_equal(a.no_replay, 100);
	assert_true(f->has_dht);
	assert_memory_equal(f->dht_pk, dht, 32);
	assert_int_equal(f->dhtpk_last, 100);
	/* the same again, and an older one: replays */
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), -1);
	assert_string_equal(why, "a replay");
	announcement(&in, DHTPK_ROUTE_ONION, 99, NULL);
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), -1);
	/* newer: taken */
	announcement(&in, DHTPK_ROUTE_ONION, 101, NULL);
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), 3);
	/* offline: the count starts again */
	dhtpk_in_offline(f);
	announcement(&in, DHTPK_ROUTE_ONION, 50, NULL);
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), 3);
	/* malformed: a bad id byte */
	announcement(&in, DHTPK_ROUTE_ONION, 60, NULL);
	in.data[0] = 0x20;
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), -1);
	assert_string_equal(why, "malformed");
	assert_int_equal(f->dhtpk_last, 50);
}

static void
dht_route_needs_the_outer_key(void **state)
{
	static struct ipc_friend_dhtpk_in	in;
	struct dhtpk				a;
	struct friend				*f;
	const char				*why;
	uint8_t					other[32];

	memset(&fs, 0, sizeof(fs));
	assert_non_null(f = friends_take(&fs, 0, fr));
	memcpy(other, dht, 32);
	other[31] ^= 1;
	/* someone else's DHT key sent it: refused, and no_replay kept */
	announcement(&in, DHTPK_ROUTE_DHT, 7, other);
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), -1);
	assert_int_equal(f->dhtpk_last, 0);
	assert_false(f->has_dht);
	/* the key it announces sent it: taken */
	announcement(&in, DHTPK_ROUTE_DHT, 7, dht);
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), 0);
	/* by the onion there is no outer key to match */
	announcement(&in, DHTPK_ROUTE_ONION, 8, other);
	assert_int_equal(dhtpk_in_accept(&fs, &in, &a, &why), 0);
	assert_int_equal(a.n, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replay_and_friend_checks),
		cmocka_unit_test(dht_route_needs_the_outer_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
