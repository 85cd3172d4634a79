/*
 * Issue 9's first proof: a libtoxcore client that knows only a bulkhead
 * node, and no other node at all, becomes reachable on the onion.  There
 * is nobody else in the test's network namespace, so every onion layer
 * (A, B and C of each path) and the announce store D is bulkhead: c-toxcore
 * reports TOX_CONNECTION_UDP only once its announces are stored.  And the
 * other way: bulkhead's onion client announces itself through that one
 * libtoxcore node (its paths and its announce store are libtoxcore's), and
 * says so with the "onion" event.
 *
 * libtoxcore counts 127/8 as LAN and then never reports UDP, hence the
 * namespace's own 198.18.0.1 (RFC 2544 range) on its lo.  How fast this
 * is against a libtoxcore node is make bench's to measure, not this test's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tox/tox.h>
#include <unistd.h>

#include "common/mono.h"
#include "common/hex.h"
#include "tests/lib/bh.h"
#include "tests/lib/netns.h"

#define ADDR		"198.18.0.1"
#define T_STATUS_MS	10000
#define T_LIBTOX_MS	180000		/* a deadline, not a benchmark */

static int	port_base;

static int
setup(void **state)
{
	port_base = 42000 + (int)(getpid() % 500) * 4;
	return netns_private(ADDR);
}

/* bulkhead's DHT key, from `status` once netd has reported. */
static int
bulkhead_dht_key(struct bh *b, uint8_t key[32])
{
	uint64_t	 deadline = mono_ms() + T_STATUS_MS;
	json_t		*st, *dht;
	const char	*hex;
	int		 rc = -1;

	while (rc == -1 && mono_ms() < deadline) {
		if ((st = bh_cmd(b, "{\"cmd\":\"status\"}",
		    T_STATUS_MS)) == NULL)
			break;
		dht = json_object_get(st, "dht");
		hex = json_string_value(json_object_get(dht,
		    "dht_public_key"));
		if (hex != NULL && hex_decode(hex, 64, key, 32) == 0)
			rc = 0;
		json_decref(st);
		if (rc == -1)
			usleep(100 * 1000);
	}
	return rc;
}

static void
libtoxcore_reaches_the_onion_through_bulkhead_alone(void **state)
{
	char			 port[32];
	const char		*args[] = { port, NULL };
	struct Tox_Options	*o;
	struct bh		 b;
	char			 dir[64], rm[96];
	uint8_t			 key[32];
	uint64_t		 start, deadline;
	TOX_CONNECTION		 c = TOX_CONNECTION_NONE;
	Tox			*t;
	json_t			*ev;
	int			 announced = 0;

	snprintf(port, sizeof(port), "--port=%d", port_base);
	assert_int_equal(bh_make_profile("reach", dir, sizeof(dir)), 0);
	assert_int_equal(bh_start_dir(&b, dir, args), 0);
	if (bulkhead_dht_key(&b, key) == -1)
		bh_dump_log(&b);
	o = tox_options_new(NULL);
	tox_options_set_ipv6_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	tox_options_set_start_port(o, (uint16_t)(port_base + 1));
	tox_options_set_end_port(o, (uint16_t)(port_base + 2));
	t = tox_new(o, NULL);
	tox_options_free(o);
	assert_non_null(t);
	assert_true(tox_bootstrap(t, ADDR, (uint16_t)port_base, key, NULL));
	start = mono_ms();
	deadline = start + T_LIBTOX_MS;
	while (mono_ms() < deadline &&
	    (c = tox_self_get_connection_status(t)) != TOX_CONNECTION_UDP) {
		tox_iterate(t, NULL);
		usleep(tox_iteration_interval(t) * 1000);
	}
	fprintf(stderr, "libtoxcore connection status %d (2 = UDP) after "
	    "%llu ms\n", c, (unsigned long long)(mono_ms() - start));
	/* and bulkhead announces itself, through the libtoxcore node */
	deadline = mono_ms() + T_LIBTOX_MS;
	while (c == TOX_CONNECTION_UDP && !announced && mono_ms() < deadline) {
		tox_iterate(t, NULL);
		if ((ev = bh_event(&b, "onion",
		    (int)tox_iteration_interval(t))) != NULL) {
			announced = json_is_true(json_object_get(ev,
			    "announced"));
			json_decref(ev);
		}
	}
	fprintf(stderr, "bulkhead announced: %d after %llu ms\n", announced,
	    (unsigned long long)(mono_ms() - start));
	tox_kill(t);
	if (c != TOX_CONNECTION_UDP || !announced)
		bh_dump_log(&b);
	bh_stop(&b);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	assert_int_equal(c, TOX_CONNECTION_UDP);
	assert_true(announced);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    libtoxcore_reaches_the_onion_through_bulkhead_alone),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
