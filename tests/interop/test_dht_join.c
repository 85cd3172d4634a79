/*
 * Issue 4's proof with real processes: a bulkhead session that knows only
 * tox-bootstrapd reports the DHT "udp"; a libtoxcore client that knows
 * only that bulkhead node becomes connected over UDP.
 *
 * libtoxcore reports UDP only with a DHT node outside the LAN ranges
 * (127/8 is LAN to it), so the test makes its own network namespace with a
 * dummy interface on 198.18.0.1/24 (RFC 2544 benchmark range, not LAN to
 * c-toxcore).  Every packet stays inside that namespace; it needs root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <tox/tox.h>
#include <unistd.h>

#include "common/mono.h"
#include "common/hex.h"
#include "tests/lib/bh.h"
#include "tests/lib/netns.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define T_DHT		60000		/* deadlines, not benchmarks */
#define T_LIBTOX_MS	180000

static struct bootstrapd	bsd;
static int			port_base;



static int
setup(void **state)
{
	port_base = 41000 + (int)(getpid() % 500) * 4;
	if (netns_private(ADDR) == -1)
		return -1;
	/* in the new namespace: it listens on 198.18.0.1 too */
	return bootstrapd_start(&bsd, port_base);
}

static int
teardown(void **state)
{
	bootstrapd_stop(&bsd);
	return 0;
}

/* Waits for the "dht" event with state udp; returns it or NULL. */
static json_t *
wait_udp(struct bh *b)
{
	uint64_t	 deadline = mono_ms() + T_DHT, now;
	json_t		*ev;

	while ((now = mono_ms()) < deadline) {
		ev = bh_event(b, "dht", (int)(deadline - now));
		if (ev == NULL)
			return NULL;
		if (strcmp(json_string_value(json_object_get(ev, "state")),
		    "udp") == 0)
			return ev;
		json_decref(ev);
	}
	return NULL;
}

static void
bulkhead_joins_via_bootstrapd_and_libtoxcore_via_bulkhead(void **state)
{
	char			 port[32], bs[160];
	const char		*args[] = { port, bs, NULL };
	struct toxpeer		 p, *ps[1] = { &p };
	struct bh		 b, *b1[1] = { &b };
	json_t			*ev;
	uint8_t			 key[32];
	char			 key_hex[65];
	TOX_CONNECTION		 c;
	int			 our_port;

	snprintf(port, sizeof(port), "--port=%d", port_base + 1);
	snprintf(bs, sizeof(bs), "--bootstrap=" ADDR ":%d:%s", port_base,
	    bsd.key);
	assert_int_equal(bh_start(&b, args), 0);
	/* 1: bulkhead knows only tox-bootstrapd and is connected */
	ev = wait_udp(&b);
	if (ev == NULL)
		bh_dump_log(&b);
	assert_non_null(ev);
	our_port = (int)json_integer_value(json_object_get(ev, "udp_port"));
	assert_int_equal(our_port, port_base + 1);
	assert_int_equal(hex_decode(json_string_value(json_object_get(ev,
	    "dht_public_key")), 64, key, sizeof(key)), 0);
	hex_encode(key, sizeof(key), key_hex);
	json_decref(ev);

	/* 2: libtoxcore knows only bulkhead's node */
	assert_int_equal(toxpeer_start(&p, "c-toxcore", port_base + 2, ADDR,
	    our_port, key_hex), 0);
	toxpeer_run(ps, 1, b1, 1, T_LIBTOX_MS, toxpeer_on_udp, &p);
	c = p.conn;
	fprintf(stderr, "libtoxcore connection status: %d (2 = UDP)\n", c);
	toxpeer_stop(&p);
	assert_int_equal(c, TOX_CONNECTION_UDP);
	bh_stop(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    bulkhead_joins_via_bootstrapd_and_libtoxcore_via_bulkhead),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
