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
#include "tests/lib/toxpeer.h"

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

/* bulkhead's DHT key in hex, from `status` once netd has reported. */
static int
bulkhead_dht_key(struct bh *b, char key[65])
{
	uint8_t		 k[32];
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
		if (hex != NULL && strlen(hex) == 64 &&
		    hex_decode(hex, 64, k, sizeof(k)) == 0) {
			memcpy(key, hex, 65);
			rc = 0;
		}
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
	struct toxpeer		 p, *ps[1] = { &p };
	struct bh		 b, *b1[1] = { &b };
	char			 dir[64], rm[96], key[65] = "";
	uint64_t		 start, deadline;
	TOX_CONNECTION		 c;
	json_t			*ev;
	int			 announced = 0;

	snprintf(port, sizeof(port), "--port=%d", port_base);
	assert_int_equal(bh_make_profile("reach", dir, sizeof(dir)), 0);
	assert_int_equal(bh_start_dir(&b, dir, args), 0);
	if (bulkhead_dht_key(&b, key) == -1)
		bh_dump_log(&b);
	assert_int_equal(toxpeer_start(&p, "c-toxcore", port_base + 1, ADDR,
	    port_base, key), 0);
	start = mono_ms();
	toxpeer_run(ps, 1, b1, 1, T_LIBTOX_MS, toxpeer_on_udp, &p);
	c = p.conn;
	fprintf(stderr, "libtoxcore connection status %d (2 = UDP) after "
	    "%llu ms\n", c, (unsigned long long)(mono_ms() - start));
	/* and bulkhead announces itself, through the libtoxcore node */
	deadline = mono_ms() + T_LIBTOX_MS;
	while (c == TOX_CONNECTION_UDP && !announced && mono_ms() < deadline) {
		if ((ev = bh_event(&b, "onion", toxpeer_iterate(&p))) !=
		    NULL) {
			announced = json_is_true(json_object_get(ev,
			    "announced"));
			json_decref(ev);
		}
	}
	fprintf(stderr, "bulkhead announced: %d after %llu ms\n", announced,
	    (unsigned long long)(mono_ms() - start));
	toxpeer_stop(&p);
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
