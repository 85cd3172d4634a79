/*
 * Issue 9 between two bulkhead sessions (separate profiles and ports),
 * joined through one tox-bootstrapd in the test's private namespace, in
 * JSON-lines mode as a script drives them.
 *
 * a. A adds B: B hears A's request with its text.  Then the other way:
 *    a request from someone on our own friend list is no request (chatd
 *    and keyd drop it, as c-toxcore's friend_already_added filter does),
 *    so A first removes B, then B adds A and A hears it.
 * b. Across a restart: B is stopped, A adds B, B starts again later and
 *    still gets the request: chatd asks again on its schedule (5 s, then
 *    doubling) and netd sends once its search finds B's new announce.
 *
 * Deadlines, never measurements.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/lib/bh.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define PORT_BSD	33445
#define PORT_BH		33500
#define T_REPLY		15000
#define T_ANNOUNCE	180000	/* deadlines, not benchmarks */
#define T_DELIVER	300000	/* chatd resends 5, 10, 20, 40, 80 s apart */
#define T_DOWN		15000	/* how long B is away: past chatd's first tries */

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

static json_t *
cmd(struct bh *b, json_t *req)
{
	json_t	*r = bh_call(b, req, T_REPLY);

	if (r == NULL)
		bh_dump_log(b);
	assert_non_null(r);
	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("%s: %s", json_string_value(json_object_get(r,
		    "reply")), json_string_value(json_object_get(r,
		    "error")));
	return r;
}

static void
remove_dir(const char *dir)
{
	char	c[128];

	snprintf(c, sizeof(c), "rm -rf '%s'", dir);
	if (system(c) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

struct all_announced {
	struct bh *const	*bs;
	size_t			 n;
};

static int
announced(void *arg)
{
	struct all_announced	*a = arg;

	return bh_all_announced(a->bs, a->n);
}

static void
wait_announced(struct bh *const *bs, size_t n)
{
	struct all_announced	a = { bs, n };
	size_t			i;

	if (!toxpeer_run(NULL, 0, bs, n, T_ANNOUNCE, announced, &a)) {
		for (i = 0; i < n; i++)
			bh_dump_log(bs[i]);
		fail_msg("a session never said it was announced");
	}
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

/* to adds from with text; waits, reading both, for to's event. */
static void
request_arrives(struct bh *from, const char *from_pk, struct bh *to,
    const char *to_address, const char *text)
{
	struct bh		*bs[2] = { from, to };
	struct want_event	 we = { to, from_pk };
	json_t			*r, *ev;

	r = cmd(from, json_pack("{s:s, s:s, s:s}", "cmd", "add", "address",
	    to_address, "message", text));
	json_decref(r);
	if (!toxpeer_run(NULL, 0, bs, 2, T_DELIVER, request_from, &we)) {
		bh_dump_log(from);
		bh_dump_log(to);
		fail_msg("the request never arrived");
	}
	ev = bh_peek(to, "friend_request", "public_key", from_pk);
	assert_string_equal(json_string_value(json_object_get(ev, "message")),
	    text);
	assert_int_equal(bh_count(to, "friend_request", NULL, NULL), 1);
}

static void
pk_of(const char *address, char pk[65])
{
	memcpy(pk, address, 64);
	pk[64] = '\0';
}

static void
each_hears_the_other(void **state)
{
	struct bh	 a, b, *bs[2] = { &a, &b };
	char		 a_addr[77], b_addr[77], a_pk[65], b_pk[65];
	json_t		*r;

	assert_int_equal(bh_start_joined(&a, NULL, PORT_BH, ADDR, PORT_BSD,
	    bsd.key), 0);
	assert_int_equal(bh_start_joined(&b, NULL, PORT_BH + 1, ADDR,
	    PORT_BSD, bsd.key), 0);
	wait_announced(bs, 2);
	assert_int_equal(bh_address(&a, a_addr, T_REPLY), 0);
	assert_int_equal(bh_address(&b, b_addr, T_REPLY), 0);
	pk_of(a_addr, a_pk);
	pk_of(b_addr, b_pk);

	request_arrives(&a, a_pk, &b, b_addr, "from A to B");
	r = cmd(&a, json_pack("{s:s, s:s}", "cmd", "remove", "friend",
	    b_pk));
	json_decref(r);
	r = cmd(&b, json_pack("{s:s, s:s}", "cmd", "decline", "public_key",
	    a_pk));
	json_decref(r);
	request_arrives(&b, b_pk, &a, a_addr, "from B to A");
	bh_stop(&a);
	bh_stop(&b);
}

static void
request_waits_for_a_restarted_peer(void **state)
{
	struct bh		 a, b, *bs[2] = { &a, &b };
	char			 dir[64], a_addr[77], b_addr[77], a_pk[65];
	struct want_event	 we = { &b, a_pk };
	json_t			*r, *ev;

	assert_int_equal(bh_make_profile("frbb", dir, sizeof(dir)), 0);
	assert_int_equal(bh_start_joined(&a, NULL, PORT_BH + 2, ADDR,
	    PORT_BSD, bsd.key), 0);
	assert_int_equal(bh_start_joined(&b, dir, PORT_BH + 3, ADDR,
	    PORT_BSD, bsd.key), 0);
	assert_int_equal(bh_address(&a, a_addr, T_REPLY), 0);
	assert_int_equal(bh_address(&b, b_addr, T_REPLY), 0);
	pk_of(a_addr, a_pk);
	r = cmd(&b, json_pack("{s:s}", "cmd", "quit"));
	json_decref(r);
	assert_true(WIFEXITED(bh_wait(&b, T_REPLY)));
	bh_stop(&b);

	wait_announced(bs, 1);		/* A alone */
	r = cmd(&a, json_pack("{s:s, s:s, s:s}", "cmd", "add", "address",
	    b_addr, "message", "while you were away"));
	json_decref(r);
	/* A tries while B is down */
	toxpeer_run(NULL, 0, bs, 1, T_DOWN, NULL, NULL);

	assert_int_equal(bh_start_joined(&b, dir, PORT_BH + 3, ADDR,
	    PORT_BSD, bsd.key), 0);
	if (!toxpeer_run(NULL, 0, bs, 2, T_DELIVER, request_from, &we)) {
		bh_dump_log(&a);
		bh_dump_log(&b);
		fail_msg("the restarted session never had the request");
	}
	ev = bh_peek(&b, "friend_request", "public_key", a_pk);
	assert_string_equal(json_string_value(json_object_get(ev, "message")),
	    "while you were away");
	bh_stop(&a);
	bh_stop(&b);
	remove_dir(dir);
}
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_hears_the_other),
		cmocka_unit_test(request_waits_for_a_restarted_peer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
