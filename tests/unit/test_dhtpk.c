/*
 * The DHT-PK announcement codec (common/dhtpk.c): both bounds, every
 * family, exact fill, and what c-toxcore would send byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "common/dhtpk.h"

static void
node(struct packed_node *n, uint8_t family, uint8_t fill)
{
	memset(n, 0, sizeof(*n));
	n->family = family;
	n->ip[0] = 198;
	n->ip[1] = 18;
	n->ip[3] = fill;
	n->port = 33445;
	memset(n->pk, fill, sizeof(n->pk));
}

static void
layout_is_c_toxcores(void **state)
{
	struct dhtpk	a, b;
	uint8_t		out[DHTPK_MAX_LEN];
	int		n;

	memset(&a, 0, sizeof(a));
	a.no_replay = 0x0102030405060708ULL;
	memset(a.dht_pk, 0xaa, sizeof(a.dht_pk));
	a.n = 2;
	node(&a.nodes[0], PN_TCP4, 1);
	node(&a.nodes[1], PN_UDP6, 2);
	n = dhtpk_pack(&a, out, sizeof(out));
	assert_int_equal(n, DHTPK_MIN_LEN + PN_SIZE_V4 + PN_SIZE_V6);
	assert_int_equal(out[0], 0x9c);
	assert_int_equal(out[1], 0x01);		/* no_replay big endian */
	assert_int_equal(out[8], 0x08);
	assert_int_equal(out[9], 0xaa);
	assert_int_equal(out[DHTPK_MIN_LEN], PN_TCP4);
	assert_int_equal(dhtpk_parse(out, (size_t)n, &b), 0);
	assert_true(b.no_replay == a.no_replay);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.nodes[0].family, PN_TCP4);
	assert_int_equal(b.nodes[1].family, PN_UDP6);
	assert_memory_equal(b.nodes[1].pk, a.nodes[1].pk, PN_PK_LEN);
}

static void
bounds(void **state)
{
	struct dhtpk	a, b;
	uint8_t		out[DHTPK_MAX_LEN + PN_SIZE_V6];
	int		n, i;

	memset(&a, 0, sizeof(a));
	n = dhtpk_pack(&a, out, sizeof(out));
	assert_int_equal(n, DHTPK_MIN_LEN);		/* no node: fine */
	assert_int_equal(dhtpk_parse(out, (size_t)n, &b), 0);
	assert_int_equal(b.n, 0);
	assert_int_equal(dhtpk_parse(out, (size_t)n - 1, &b), -1);

	a.n = DHTPK_NODES_MAX;
	for (i = 0; i < DHTPK_NODES_MAX; i++)
		node(&a.nodes[i], PN_UDP6, (uint8_t)i);
	n = dhtpk_pack(&a, out, sizeof(out));
	assert_int_equal(n, DHTPK_MAX_LEN);
	assert_int_equal(dhtpk_parse(out, (size_t)n, &b), 0);
	assert_int_equal(b.n, DHTPK_NODES_MAX);
	/* a fifth node, a partial one, a wrong id, a bad family */
	memcpy(out + n, out + DHTPK_MIN_LEN, PN_SIZE_V6);
	assert_int_equal(dhtpk_parse(out, (size_t)n + PN_SIZE_V6, &b), -1);
	assert_int_equal(dhtpk_parse(out, (size_t)n - 1, &b), -1);
	out[0] = 0x20;
	assert_int_equal(dhtpk_parse(out, (size_t)n, &b), -1);
	out[0] = 0x9c;
	out[DHTPK_MIN_LEN] = 3;
	assert_int_equal(dhtpk_parse(out, (size_t)n, &b), -1);
	a.n = DHTPK_NODES_MAX + 1;
	assert_int_equal(dhtpk_pack(&a, out, sizeof(out)), -1);
	a.n = 1;
	assert_int_equal(dhtpk_pack(&a, out, DHTPK_MIN_LEN), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_is_c_toxcores),
		cmocka_unit_test(bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
