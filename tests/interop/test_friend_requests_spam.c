/*
 * Issue 9: what bulkhead keeps out of the user's inbox, against real
 * c-toxcore 0.2.18 clients over the onion (private namespace, one
 * tox-bootstrapd, bulkhead in JSON-lines mode).
 *
 * 4. A request with the wrong nospam never becomes an event or an inbox
 *    entry, however long its sender resends, while a right one does; and
 *    the same sender's request with the right nospam then does.
 * 5. c-toxcore resends an unanswered request (5 s after the first send,
 *    then 10, 20, ... later: Messenger.c's check_friend_request_timed_out
 *    doubling FRIENDREQUEST_TIMEOUT); the user hears of it once.
 *
 * The windows below are long enough for several of c-toxcore's resends;
 * they are deadlines and windows, never assertions on how fast.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/mono.h"
#include "common/toxid.h"
#include "tests/lib/bh.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define PORT_BSD	33445
#define PORT_BH		33500
#define PORT_TOX	33600
#define T_REPLY		15000
#define T_ANNOUNCE	180000	/* deadlines, not benchmarks */
#define T_DELIVER	240000
/* c-toxcore's first send and its resends 5, 15 and 35 s after it */
#define W_RESENDS	45000

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

/* b announced, with the peers iterated meanwhile. */
static void
wait_announced(struct toxpeer *const *ts, size_t nt, struct bh *b)
{
	struct bh		*bs[1] = { b };
	struct all_announced	 a = { bs, 1 };

	if (!toxpeer_run(ts, nt, bs, 1, T_ANNOUNCE, announced, &a)) {
		bh_dump_log(b);
		fail_msg("bulkhead never said it was announced");
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

static void
wrong_nospam_is_dropped_right_one_kept(void **state)
{
	struct bh		 b, *bs[1] = { &b };
	struct toxpeer		 x, y, *ts[2] = { &x, &y };
	struct want_event	 we = { &b, y.pk_hex };
	char			 address[77];
	uint8_t			 good[TOX_ADDRESS_SIZE], bad[TOX_ADDRESS_SIZE];
	uint8_t			 ns[TOX_NOSPAM_LEN];
	uint64_t		 t0, took;
	json_t			*r, *l;
	size_t			 i;

	assert_int_equal(bh_start_joined(&b, NULL, PORT_BH, ADDR, PORT_BSD,
	    bsd.key), 0);
	assert_int_equal(toxpeer_start(&x, "X", PORT_TOX, ADDR, PORT_BSD,
	    bsd.key), 0);
	assert_int_equal(toxpeer_start(&y, "Y", PORT_TOX + 2, ADDR, PORT_BSD,
	    bsd.key), 0);
	we.pk = y.pk_hex;
	wait_announced(ts, 2, &b);
	assert_int_equal(bh_address(&b, address, T_REPLY), 0);
	assert_int_equal(hex_decode(address, 76, good, sizeof(good)), 0);

	/*
	 * The same key, every nospam byte changed, and a checksum that fits
	 * the changed bytes: c-toxcore checks it (tox_friend_add says
	 * BAD_CHECKSUM otherwise), so the request really goes out.
	 */
	for (i = 0; i < TOX_NOSPAM_LEN; i++)
		ns[i] = good[TOX_PK_LEN + i] ^ 0x5a;
	toxid_make(bad, good, ns);
	assert_memory_not_equal(bad, good, TOX_ADDRESS_SIZE);
	t0 = mono_ms();
	assert_int_equal(toxpeer_add(&x, bad, "wrong nospam"), 0);
	assert_int_equal(toxpeer_add(&y, good, "right nospam"), 0);

	if (!toxpeer_run(ts, 2, bs, 1, T_DELIVER, request_from, &we)) {
		bh_dump_log(&b);
		fail_msg("the request with the right nospam never came");
	}
	assert_null(bh_peek(&b, "friend_request", "public_key", x.pk_hex));
	/* X had a head start and keeps trying: as long again, and at least
	 * through several of its resends */
	took = mono_ms() - t0;
	toxpeer_run(ts, 2, bs, 1, (int)(took > W_RESENDS ? took : W_RESENDS),
	    NULL, NULL);
	assert_null(bh_peek(&b, "friend_request", "public_key", x.pk_hex));
	assert_int_equal(bh_count(&b, "friend_request", NULL, NULL), 1);

	r = cmd(&b, json_pack("{s:s}", "cmd", "requests"));
	l = json_object_get(r, "requests");
	assert_int_equal(json_array_size(l), 1);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(l, 0), "public_key")), y.pk_hex);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(l, 0), "message")), "right nospam");
	json_decref(r);

	/*
	 * The control: X itself could reach bulkhead all along.  With the
	 * right nospam its request arrives, so the silence above was the
	 * nospam's doing, not a path that never worked.
	 */
	assert_true(tox_friend_delete(x.tox, 0, NULL));
	assert_int_equal(toxpeer_add(&x, good, "right nospam at last"), 0);
	we.pk = x.pk_hex;
	if (!toxpeer_run(ts, 2, bs, 1, T_DELIVER, request_from, &we)) {
		bh_dump_log(&b);
		fail_msg("X's request with the right nospam never came");
	}
	assert_string_equal(json_string_value(json_object_get(bh_peek(&b,
	    "friend_request", "public_key", x.pk_hex), "message")),
	    "right nospam at last");
	toxpeer_stop(&x);
	toxpeer_stop(&y);
	bh_stop(&b);
}

static void
resent_request_is_one_event(void **state)
{
	struct bh		 b, *bs[1] = { &b };
	struct toxpeer		 t, *ts[1] = { &t };
	struct want_event	 we = { &b, NULL };
	char			 address[77];
	uint8_t			 addr[TOX_ADDRESS_SIZE];
	json_t			*r;

	assert_int_equal(bh_start_joined(&b, NULL, PORT_BH + 1, ADDR,
	    PORT_BSD, bsd.key), 0);
	assert_int_equal(toxpeer_start(&t, "c-toxcore", PORT_TOX + 4, ADDR,
	    PORT_BSD, bsd.key), 0);
	we.pk = t.pk_hex;
	wait_announced(ts, 1, &b);
	assert_int_equal(bh_address(&b, address, T_REPLY), 0);
	assert_int_equal(hex_decode(address, 76, addr, sizeof(addr)), 0);
	assert_int_equal(toxpeer_add(&t, addr, "once is enough"), 0);
	if (!toxpeer_run(ts, 1, bs, 1, T_DELIVER, request_from, &we)) {
		bh_dump_log(&b);
		fail_msg("no friend_request from c-toxcore's key");
	}
	/* unanswered, c-toxcore sends it again and again meanwhile */
	toxpeer_run(ts, 1, bs, 1, W_RESENDS, NULL, NULL);
	assert_int_equal(bh_count(&b, "friend_request", "public_key",
	    t.pk_hex), 1);
	assert_int_equal(bh_count(&b, "friend_request", NULL, NULL), 1);
	r = cmd(&b, json_pack("{s:s}", "cmd", "requests"));
	assert_int_equal(json_array_size(json_object_get(r, "requests")), 1);
	json_decref(r);
	toxpeer_stop(&t);
	bh_stop(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wrong_nospam_is_dropped_right_one_kept),
		cmocka_unit_test(resent_request_is_one_event),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
