/* netd's DHT glue: the --bootstrap HOST:PORT:KEY parser (IP literals only). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netd/netd_dht.h"

#define KEY "C49BD1C279339942208D227CD08AEFEBEA24DCBF5AE4CE62B4ED3F4C2F25346E"

static void
netd_dht_parse_node_forms(void **state)
{
	struct packed_node	n;

	assert_int_equal(netd_dht_parse_node("127.0.0.1:33445:" KEY, &n), 0);
	assert_int_equal(n.family, PN_UDP4);
	assert_int_equal(n.ip[0], 127);
	assert_int_equal(n.ip[3], 1);
	assert_int_equal(n.port, 33445);
	assert_int_equal(n.pk[0], 0xc4);
	assert_int_equal(n.pk[31], 0x6e);
	assert_int_equal(netd_dht_parse_node("[2001:db8::1]:443:" KEY, &n), 0);
	assert_int_equal(n.family, PN_UDP6);
	assert_int_equal(n.ip[0], 0x20);
	assert_int_equal(n.ip[15], 1);
	assert_int_equal(n.port, 443);
	assert_int_equal(netd_dht_parse_node("::1:33445:" KEY, &n), 0);
	assert_int_equal(n.family, PN_UDP6);
	/* IPv4-mapped becomes IPv4. */
	assert_int_equal(netd_dht_parse_node("::ffff:10.0.0.1:1:" KEY, &n), 0);
	assert_int_equal(n.family, PN_UDP4);
	assert_int_equal(n.ip[0], 10);
}

static void
netd_dht_parse_node_errors(void **state)
{
	struct packed_node	n;

	/* Names are refused: netd does no DNS. */
	assert_int_equal(netd_dht_parse_node("node.tox.chat:33445:" KEY, &n),
	    -1);
	assert_int_equal(netd_dht_parse_node("127.0.0.1:0:" KEY, &n), -1);
	assert_int_equal(netd_dht_parse_node("127.0.0.1:65536:" KEY, &n), -1);
	assert_int_equal(netd_dht_parse_node("127.0.0.1:33x:" KEY, &n), -1);
	assert_int_equal(netd_dht_parse_node("127.0.0.1::" KEY, &n), -1);
	assert_int_equal(netd_dht_parse_node("127.0.0.1:33445:" KEY "0", &n),
	    -1);
	assert_int_equal(netd_dht_parse_node("127.0.0.1:33445:XX" KEY + 2, &n),
	    -1);
	assert_int_equal(netd_dht_parse_node(":33445:" KEY, &n), -1);
	assert_int_equal(netd_dht_parse_node(KEY, &n), -1);
	assert_int_equal(netd_dht_parse_node("", &n), -1);
	assert_int_equal(netd_dht_parse_node("[::1:33445:" KEY, &n), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(netd_dht_parse_node_forms),
		cmocka_unit_test(netd_dht_parse_node_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
