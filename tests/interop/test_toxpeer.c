/*
 * The test peer itself (tests/lib/toxpeer), two libtoxcore clients and
 * no bulkhead: what test_messages expects of c-toxcore's side has to
 * work between two c-toxcores first, or a failure there would blame
 * bulkhead for the harness.  One adds the other, which accepts without
 * a request; they connect; messages, actions and read receipts, names,
 * status messages, status and typing reach the callbacks the peer
 * keeps; a client saved, stopped and started from its savedata keeps
 * its key and its friend.  In the test's own namespace, with one
 * tox-bootstrapd.  Deadlines, not measurements.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define PORT_BSD	33445
#define PORT_TOX	33600
#define T_FRIEND	240000	/* deadlines, not benchmarks */
#define T_MESSAGE	60000

static struct bootstrapd	bsd;
static struct toxpeer		p1, p2;
static struct toxpeer		*ps[2] = { &p1, &p2 };

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
	toxpeer_stop(&p1);
	toxpeer_stop(&p2);
	bootstrapd_stop(&bsd);
	return 0;
}

static void
run_until(int (*cond)(void *), void *arg, int ms, const char *why)
{
	if (!toxpeer_run(ps, 2, NULL, 0, ms, cond, arg))
		fail_msg("%s", why);
}

static void
peers_talk(void **state)
{
	static const char	 text[] = "héllo ✓ 日本語 🚀";
	static uint8_t		 save[65536];
	struct toxpeer_want	 w1, w2;
	const struct toxpeer_msg *m;
	uint8_t			 addr[TOX_ADDRESS_SIZE];
	size_t			 len;
	uint8_t			 pk1[TOX_PUBLIC_KEY_SIZE];
	long			 f, id;

	assert_int_equal(toxpeer_start(&p1, "one", PORT_TOX, ADDR, PORT_BSD,
	    bsd.key), 0);
	assert_int_equal(toxpeer_start(&p2, "two", PORT_TOX + 2, ADDR,
	    PORT_BSD, bsd.key), 0);
	assert_int_equal(toxpeer_set_name(&p1, "One ✓"), 0);
	assert_int_equal(hex_decode(p2.address_hex, 2 * TOX_ADDRESS_SIZE,
	    addr, sizeof(addr)), 0);
	assert_int_equal(toxpeer_add(&p1, addr, "hi"), 0);
	run_until(toxpeer_has_request, &p2, T_FRIEND, "no request");
	assert_memory_equal(p2.req[0].pk, p1.pk, TOX_PUBLIC_KEY_SIZE);
	assert_true((f = toxpeer_accept(&p2, p1.pk)) >= 0);
	assert_int_equal(toxpeer_friend(&p2, p1.pk), f);
	assert_int_equal(toxpeer_friend(&p1, p2.pk), 0);

	memset(&w1, 0, sizeof(w1));
	memset(&w2, 0, sizeof(w2));
	w1.p = &p1;
	w1.friend = 0;
	w2.p = &p2;
	w2.friend = (uint32_t)f;
	run_until(toxpeer_friend_connected, &w1, T_FRIEND, "one: no friend");
	run_until(toxpeer_friend_connected, &w2, T_FRIEND, "two: no friend");
	assert_int_equal(p1.fr[0].conn, TOX_CONNECTION_UDP);

	/* the name set before, sent on connecting */
	w2.text = "One ✓";
	run_until(toxpeer_friend_named, &w2, T_MESSAGE, "two: no name");

	/* a message and an action, each with its read receipt */
	assert_true((id = toxpeer_send(&p1, 0, 0, text)) >= 0);
	w2.n = 1;
	run_until(toxpeer_has_msgs, &w2, T_MESSAGE, "two: no message");
	m = toxpeer_msg(&p2, 0);
	assert_non_null(m);
	assert_int_equal(m->friend, (uint32_t)f);
	assert_int_equal(m->type, TOX_MESSAGE_TYPE_NORMAL);
	assert_int_equal(m->len, strlen(text));
	assert_memory_equal(m->text, text, m->len);
	w1.id = (uint32_t)id;
	run_until(toxpeer_has_receipt, &w1, T_MESSAGE, "one: no receipt");
	assert_int_equal(toxpeer_receipts(&p1, 0, (uint32_t)id), 1);
	assert_int_equal(toxpeer_receipts(&p1, 0, (uint32_t)id + 1), 0);
	assert_true((id = toxpeer_send(&p2, (uint32_t)f, 1, "waves")) >= 0);
	w1.n = 1;
	run_until(toxpeer_has_msgs, &w1, T_MESSAGE, "one: no action");
	assert_int_equal(toxpeer_msg(&p1, 0)->type, TOX_MESSAGE_TYPE_ACTION);
	assert_null(toxpeer_msg(&p1, 1));
	w2.id = (uint32_t)id;
	run_until(toxpeer_has_receipt, &w2, T_MESSAGE, "two: no receipt");

	/* status message, status, typing */
	assert_int_equal(toxpeer_set_status_message(&p2, "at sea ⚓"), 0);
	w1.text = "at sea ⚓";
	run_until(toxpeer_friend_says, &w1, T_MESSAGE, "one: no status msg");
	assert_int_equal(toxpeer_set_status(&p2, TOX_USER_STATUS_BUSY), 0);
	w1.value = TOX_USER_STATUS_BUSY;
	run_until(toxpeer_friend_status, &w1, T_MESSAGE, "one: not busy");
	assert_int_equal(toxpeer_set_typing(&p1, 0, 1), 0);
	w2.value = 1;
	run_until(toxpeer_friend_typing, &w2, T_MESSAGE, "two: no typing");
	assert_int_equal(toxpeer_set_typing(&p1, 0, 0), 0);
	w2.value = 0;
	run_until(toxpeer_friend_typing, &w2, T_MESSAGE, "two: typing on");

	/* saved and started again: the same key, the same friend */
	assert_true((len = toxpeer_save(&p1, save, sizeof(save))) > 0);
	assert_int_equal(toxpeer_save(&p1, save, 10), 0);
	memcpy(pk1, p1.pk, sizeof(pk1));
	toxpeer_stop(&p1);
	assert_int_equal(toxpeer_start_saved(&p1, "one again", PORT_TOX + 4,
	    ADDR, PORT_BSD, bsd.key, save, len), 0);
	assert_memory_equal(p1.pk, pk1, sizeof(pk1));
	assert_int_equal(toxpeer_friend(&p1, p2.pk), 0);
	assert_int_equal(p1.nmsg, 0);
	run_until(toxpeer_friend_connected, &w1, T_FRIEND,
	    "one, restarted: no friend");
	assert_true(toxpeer_send(&p1, 0, 0, "back") >= 0);
	w2.n = 2;
	run_until(toxpeer_has_msgs, &w2, T_MESSAGE, "two: nothing after");
	assert_int_equal(toxpeer_msg(&p2, 1)->len, 4);
	assert_memory_equal(toxpeer_msg(&p2, 1)->text, "back", 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(peers_talk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
