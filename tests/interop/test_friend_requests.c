/*
 * Issue 9 end to end: friend requests between bulkhead and c-toxcore
 * 0.2.18 over the onion, real processes on both sides, bulkhead driven in
 * JSON-lines mode as a script would.  Both join the network through one
 * tox-bootstrapd in the test's private namespace; nothing else is there.
 *
 * 1. c-toxcore -> bulkhead: the friend_request event carries c-toxcore's
 *    key and exactly its text; `requests` lists it; `accept` makes it a
 *    friend that `friends` lists.
 * 2. bulkhead -> c-toxcore: `add` reaches c-toxcore's request callback
 *    with bulkhead's key and the text.
 * 3. The longest text bulkhead sends (943 bytes) arrives whole.
 *
 * Every wait is a deadline for a broken build, not a measurement.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/hex.h"
#include "common/mono.h"
#include "tests/lib/bh.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define PORT_BSD	33445
#define PORT_BH		33500	/* the session of each test: + test */
#define PORT_TOX	33600	/* c-toxcore's: + 2 * test */
#define T_REPLY		15000
#define T_ANNOUNCE	180000	/* deadlines, not benchmarks */
#define T_DELIVER	240000

static struct bootstrapd	bsd;

static int
setup(void **state)
{
	if (netns_private(ADDR) == -1)
		return -1;
	return bootstrapd_start(&bsd, PORT_BSD);
}

static int
teardown(void **state)
{
	bootstrapd_stop(&bsd);
	return 0;
}

struct world {
	struct bh	 b;
	struct bh	*bs[1];
	struct toxpeer	 t;
	struct toxpeer	*ts[1];
	char		 address[77];	/* bulkhead's Tox ID */
	char		 pk[65];	/* bulkhead's key */
};

static json_t *
cmd(struct world *w, json_t *req)
{
	json_t	*r = bh_call(&w->b, req, T_REPLY);

	if (r == NULL)
		bh_dump_log(&w->b);
	assert_non_null(r);
	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("%s: %s", json_string_value(json_object_get(r,
		    "reply")), json_string_value(json_object_get(r,
		    "error")));
	return r;
}

static int
announced(void *arg)
{
	return bh_onion_announced(arg) == 1;
}

/* status's dht.onion says announced, on at least one node. */
static int
status_announced(struct world *w)
{
	json_t	*st, *on;
	int	 yes;

	st = cmd(w, json_pack("{s:s}", "cmd", "status"));
	on = json_object_get(st, "onion");
	yes = json_is_true(json_object_get(on, "announced")) &&
	    json_integer_value(json_object_get(on, "nodes")) >= 1;
	json_decref(st);
	return yes;
}

/*
 * A session and a c-toxcore client, both joined through tox-bootstrapd;
 * returns once bulkhead's onion event and its status both say announced
 * (it may lose it for a moment while it moves to closer nodes, so the two
 * are asked together until they agree).
 */
static void
world_start(struct world *w, int n)
{
	uint64_t	deadline, now;

	memset(w, 0, sizeof(*w));
	w->bs[0] = &w->b;
	w->ts[0] = &w->t;
	assert_int_equal(bh_start_joined(&w->b, NULL, PORT_BH + n, ADDR,
	    PORT_BSD, bsd.key), 0);
	assert_int_equal(toxpeer_start(&w->t, "c-toxcore", PORT_TOX + 2 * n,
	    ADDR, PORT_BSD, bsd.key), 0);
	deadline = mono_ms() + T_ANNOUNCE;
	for (;;) {
		if ((now = mono_ms()) >= deadline || !toxpeer_run(w->ts, 1,
		    w->bs, 1, (int)(deadline - now), announced, &w->b)) {
			bh_dump_log(&w->b);
			fail_msg("bulkhead never said it was announced");
		}
		if (status_announced(w))
			break;
		toxpeer_run(w->ts, 1, w->bs, 1, 200, NULL, NULL);
	}
	assert_int_equal(bh_address(&w->b, w->address, T_REPLY), 0);
	memcpy(w->pk, w->address, 64);
	w->pk[64] = '\0';
}

static void
world_stop(struct world *w)
{
	toxpeer_stop(&w->t);
	bh_stop(&w->b);
}

struct want_event {
	struct bh	*b;
	const char	*pk;
};

static int
request_from(void *arg)
{
	struct want_event	*we = arg;

	return bh_peek(we->b, "friend_request", "public_key", we->pk) !=
	    NULL;
}

static void
libtoxcore_request_reaches_bulkhead_and_is_accepted(void **state)
{
	static const char	 text[] = "hello from c-toxcore";
	struct world		 w;
	struct want_event	 we;
	uint8_t			 addr[TOX_ADDRESS_SIZE];
	json_t			*ev, *r, *l, *e;
	int			 number;

	world_start(&w, 1);
	assert_int_equal(hex_decode(w.address, 76, addr, sizeof(addr)), 0);
	assert_int_equal(toxpeer_add(&w.t, addr, text), 0);
	we.b = &w.b;
	we.pk = w.t.pk_hex;
	if (!toxpeer_run(w.ts, 1, w.bs, 1, T_DELIVER, request_from, &we)) {
		bh_dump_log(&w.b);
		fail_msg("no friend_request from c-toxcore's key");
	}
	ev = bh_peek(&w.b, "friend_request", "public_key", w.t.pk_hex);
	assert_string_equal(json_string_value(json_object_get(ev, "message")),
	    text);
	/* nothing from anyone else */
	assert_int_equal(bh_count(&w.b, "friend_request", NULL, NULL), 1);

	r = cmd(&w, json_pack("{s:s}", "cmd", "requests"));
	l = json_object_get(r, "requests");
	assert_int_equal(json_array_size(l), 1);
	e = json_array_get(l, 0);
	assert_string_equal(json_string_value(json_object_get(e,
	    "public_key")), w.t.pk_hex);
	assert_string_equal(json_string_value(json_object_get(e, "message")),
	    text);
	json_decref(r);

	r = cmd(&w, json_pack("{s:s, s:s}", "cmd", "accept", "public_key",
	    w.t.pk_hex));
	assert_true(json_is_integer(json_object_get(r, "friend")));
	number = (int)json_integer_value(json_object_get(r, "friend"));
	assert_true(number >= 0);
	assert_string_equal(json_string_value(json_object_get(r,
	    "public_key")), w.t.pk_hex);
	json_decref(r);

	r = cmd(&w, json_pack("{s:s}", "cmd", "friends"));
	l = json_object_get(r, "friends");
	assert_int_equal(json_array_size(l), 1);
	e = json_array_get(l, 0);
	assert_int_equal(json_integer_value(json_object_get(e, "friend")),
	    number);
	assert_string_equal(json_string_value(json_object_get(e,
	    "public_key")), w.t.pk_hex);
	json_decref(r);
	/* accepted: no longer waiting */
	r = cmd(&w, json_pack("{s:s}", "cmd", "requests"));
	assert_int_equal(json_array_size(json_object_get(r, "requests")), 0);
	json_decref(r);
	world_stop(&w);
}

/* bulkhead adds c-toxcore with text; c-toxcore's callback has both. */
static void
bulkhead_sends(const char *text, int n)
{
	struct world	 w;
	json_t		*r;
	char		 got[65];

	world_start(&w, n);
	r = cmd(&w, json_pack("{s:s, s:s, s:s}", "cmd", "add", "address",
	    w.t.address_hex, "message", text));
	assert_string_equal(json_string_value(json_object_get(r,
	    "public_key")), w.t.pk_hex);
	json_decref(r);
	if (!toxpeer_run(w.ts, 1, w.bs, 1, T_DELIVER, toxpeer_has_request,
	    &w.t)) {
		bh_dump_log(&w.b);
		fail_msg("c-toxcore never had bulkhead's request");
	}
	hex_encode(w.t.req[0].pk, TOX_PUBLIC_KEY_SIZE, got);
	assert_true(strcasecmp(got, w.pk) == 0);
	assert_int_equal(w.t.req[0].len, strlen(text));
	assert_memory_equal(w.t.req[0].msg, text, strlen(text));
	world_stop(&w);
}

static void
bulkhead_request_reaches_libtoxcore(void **state)
{
	bulkhead_sends("hello from bulkhead", 2);
}

/* The longest text add takes, every byte distinct from its neighbours
 * so a cut or a shifted copy cannot pass. */
static void
longest_request_arrives_whole(void **state)
{
	char	text[944];
	size_t	i;

	for (i = 0; i < 943; i++)
		text[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + i /
		    36) % 36];
	text[943] = '\0';
	bulkhead_sends(text, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    libtoxcore_request_reaches_bulkhead_and_is_accepted),
		cmocka_unit_test(bulkhead_request_reaches_libtoxcore),
		cmocka_unit_test(longest_request_arrives_whole),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
