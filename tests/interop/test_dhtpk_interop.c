/*
 * Issue 9, DHT-PK both ways between bulkhead and libtoxcore, in a private
 * network namespace (198.18.0.1: libtoxcore counts 127/8 as LAN) with one
 * tox-bootstrapd: a libtoxcore client and a bulkhead session are friends
 * (libtoxcore adds bulkhead's key without a request; bulkhead `add`s the
 * libtoxcore address), both bootstrap from the bootstrapd, and
 *
 *  - bulkhead learns libtoxcore's DHT key (tox_self_get_dht_id) from
 *    libtoxcore's DHT-PK: netd logs "DHT-PK: friend's DHT key learned:
 *    HEX" only after chatd accepted an announcement keyd opened.  Now
 *    that friends connect (issue 10), libtoxcore may reach bulkhead with
 *    a net_crypto handshake first (it learned our key from our DHT-PK),
 *    and stops sending its DHT-PK once connected: then netd logs
 *    "net_crypto: friend's DHT key from its handshake: HEX", which
 *    counts too (the key came from libtoxcore either way);
 *  - libtoxcore learns bulkhead's DHT key from bulkhead's DHT-PK.
 *    c-toxcore shows nothing directly, but with the key it starts a DHT
 *    search for it, and so asks bulkhead's node for the nodes closest to
 *    bulkhead's own DHT key: netd logs "DHT: HEX searches for our DHT
 *    key" with libtoxcore's DHT key.  Nothing else in this network
 *    searches for that key (tox-bootstrapd has no friends; c-toxcore's
 *    own searches are for itself, its friends and random keys).
 *
 * Which route carried each DHT-PK is not asserted: with three nodes, the
 * DHT route (a 0x20 relayed by two nodes that know the friend) has too
 * few nodes to run, so both go by onion data here.
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

#include "common/hex.h"
#include "common/mono.h"
#include "tests/lib/bh.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define T_REPLY		10000
#define T_DHTPK_MS	240000		/* a deadline, not a benchmark */

static struct bootstrapd	bsd;
static int			port_base;

static int
setup(void **state)
{
	port_base = 43000 + (int)(getpid() % 500) * 4;
	if (netns_private(ADDR) == -1)
		return -1;
	return bootstrapd_start(&bsd, port_base);
}

static int
teardown(void **state)
{
	bootstrapd_stop(&bsd);
	return 0;
}

static json_t *
cmd(struct bh *b, const char *line)
{
	json_t	*r = bh_cmd(b, line, T_REPLY);

	if (r == NULL)
		bh_dump_log(b);
	assert_non_null(r);
	return r;
}

/* 1 if the session's log holds the line. */
static int
logged(struct bh *b, const char *what)
{
	static char	buf[1 << 20];
	long		n;

	if ((n = bh_slurp(b->errlog, buf, sizeof(buf) - 1)) < 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, what) != NULL;
}

static void
dhtpk_both_ways(void **state)
{
	char			 port[32], bs[160], line[256], dir[64], rm[96];
	char			 hex[2 * TOX_PUBLIC_KEY_SIZE + 1];
	char			 learned[160], by_hs[160], searched[160];
	const char		*args[] = { port, bs, "--log-level=info", NULL };
	uint8_t			 pk[32], dht[32];
	struct toxpeer		 p;
	struct bh		 b;
	json_t			*r;
	uint64_t		 start, deadline;
	int			 got_learned = 0, got_searched = 0;

	/* libtoxcore first: bulkhead needs its address */
	assert_int_equal(toxpeer_start(&p, "c-toxcore", port_base + 2, ADDR,
	    port_base, bsd.key), 0);
	tox_self_get_dht_id(p.tox, dht);
	hex_encode(dht, sizeof(dht), hex);
	snprintf(learned, sizeof(learned),
	    "DHT-PK: friend's DHT key learned: %s", hex);
	snprintf(by_hs, sizeof(by_hs),
	    "net_crypto: friend's DHT key from its handshake: %s", hex);
	snprintf(searched, sizeof(searched), "DHT: %s searches for our DHT "
	    "key", hex);

	snprintf(port, sizeof(port), "--port=%d", port_base + 1);
	snprintf(bs, sizeof(bs), "--bootstrap=" ADDR ":%d:%s", port_base,
	    bsd.key);
	assert_int_equal(bh_make_profile("dhtpk", dir, sizeof(dir)), 0);
	assert_int_equal(bh_start_dir(&b, dir, args), 0);
	r = cmd(&b, "{\"cmd\":\"id\"}");
	assert_int_equal(hex_decode(json_string_value(json_object_get(r,
	    "public_key")), 64, pk, sizeof(pk)), 0);
	json_decref(r);
	snprintf(line, sizeof(line), "{\"cmd\":\"add\",\"address\":\"%s\","
	    "\"message\":\"dhtpk\"}", p.address_hex);
	r = cmd(&b, line);
	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("add: %s", json_string_value(json_object_get(r,
		    "error")));
	json_decref(r);

	assert_int_equal(tox_friend_add_norequest(p.tox, pk, NULL), 0);
	start = mono_ms();
	deadline = start + T_DHTPK_MS;
	while (mono_ms() < deadline && !(got_learned && got_searched)) {
		usleep((useconds_t)toxpeer_iterate(&p) * 1000);
		if (!got_learned && (got_learned = logged(&b, learned) ||
		    logged(&b, by_hs)))
			fprintf(stderr, "bulkhead learned libtoxcore's DHT "
			    "key after %llu ms\n",
			    (unsigned long long)(mono_ms() - start));
		if (!got_searched && (got_searched = logged(&b, searched)))
			fprintf(stderr, "libtoxcore searches for bulkhead's "
			    "DHT key after %llu ms\n",
			    (unsigned long long)(mono_ms() - start));
	}
	toxpeer_stop(&p);
	if (!got_learned || !got_searched)
		bh_dump_log(&b);
	bh_stop(&b);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	assert_true(got_learned);
	assert_true(got_searched);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dhtpk_both_ways),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
