/*
 * The event matching the messaging interop tests decide by
 * (tests/lib/bh_watch.c bh_find, bh_count_like; tests/lib/bh_chat.c
 * bh_has, bh_messages_from), on events made here: a match needs every
 * member of the pattern equal, messages are joined in the order they
 * came, from one key only, after the ones skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tests/lib/bh_chat.h"
#include "tests/lib/bh_watch.h"

#define PK_A	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define PK_B	"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"

static void
events(struct bh *b)
{
	memset(b, 0, sizeof(*b));
	b->events = json_pack("[{s:s, s:s, s:s, s:b, s:i, s:i},"
	    " {s:s, s:s, s:s},"
	    " {s:s, s:s, s:s, s:b, s:i, s:i},"
	    " {s:s, s:s, s:s, s:b, s:i, s:i},"
	    " {s:s, s:s, s:I}]",
	    "event", "message", "public_key", PK_A, "text", "héllo ",
	    "action", 0, "friend", 0, "message_id", 1,
	    "event", "friend_connection", "public_key", PK_A, "connection",
	    "udp",
	    "event", "message", "public_key", PK_B, "text", "not A's",
	    "action", 0, "friend", 1, "message_id", 2,
	    "event", "message", "public_key", PK_A, "text", "wörld ✓",
	    "action", 1, "friend", 0, "message_id", 3,
	    "event", "receipt", "public_key", PK_A, "message_id",
	    (json_int_t)5000000000LL);
	assert_non_null(b->events);
}

static void
find_needs_every_member(void **state)
{
	struct bh	 b;
	json_t		*w, *e;

	events(&b);
	w = json_pack("{s:s, s:s}", "event", "message", "public_key", PK_A);
	e = bh_find(&b, 0, w);
	assert_ptr_equal(e, json_array_get(b.events, 0));
	assert_ptr_equal(bh_find(&b, 1, w), json_array_get(b.events, 3));
	assert_null(bh_find(&b, 4, w));
	assert_int_equal(bh_count_like(&b, w), 2);
	json_decref(w);
	/* one member different: no match */
	w = json_pack("{s:s, s:s, s:s}", "event", "friend_connection",
	    "public_key", PK_A, "connection", "tcp");
	assert_null(bh_find(&b, 0, w));
	assert_int_equal(bh_count_like(&b, w), 0);
	json_decref(w);
	/* a member the event lacks: no match */
	w = json_pack("{s:s, s:s}", "event", "receipt", "text", "x");
	assert_null(bh_find(&b, 0, w));
	json_decref(w);
	/* booleans and big integers compare by value */
	w = json_pack("{s:s, s:b}", "event", "message", "action", 1);
	assert_ptr_equal(bh_find(&b, 0, w), json_array_get(b.events, 3));
	json_decref(w);
	w = json_pack("{s:s, s:I}", "event", "receipt", "message_id",
	    (json_int_t)5000000000LL);
	assert_non_null(bh_find(&b, 0, w));
	json_decref(w);
	w = json_pack("{s:s, s:I}", "event", "receipt", "message_id",
	    (json_int_t)5000000001LL);
	assert_null(bh_find(&b, 0, w));
	json_decref(w);
	json_decref(b.events);
}

static void
has_counts(void **state)
{
	struct bh	b;
	struct bh_want	bw;

	events(&b);
	bw.b = &b;
	bw.want = json_pack("{s:s, s:s}", "event", "message", "public_key",
	    PK_A);
	bw.n = 0;
	assert_true(bh_has(&bw));
	bw.n = 2;
	assert_true(bh_has(&bw));
	bw.n = 3;
	assert_false(bh_has(&bw));
	json_decref(bw.want);
	json_decref(b.events);
}

static void
messages_join_in_order(void **state)
{
	struct bh	b;
	char		out[64];
	size_t		len;

	events(&b);
	assert_int_equal(bh_messages_from(&b, PK_A, 0, NULL, 0, NULL), 2);
	assert_int_equal(bh_messages_from(&b, PK_A, 0, out, sizeof(out),
	    &len), 2);
	assert_string_equal(out, "héllo wörld ✓");
	assert_int_equal(len, strlen("héllo wörld ✓"));
	assert_int_equal(bh_messages_from(&b, PK_A, 1, out, sizeof(out),
	    &len), 1);
	assert_string_equal(out, "wörld ✓");
	assert_int_equal(bh_messages_from(&b, PK_A, 2, out, sizeof(out),
	    &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(bh_messages_from(&b, PK_B, 0, out, sizeof(out),
	    &len), 1);
	assert_string_equal(out, "not A's");
	/* too small for both texts and the NUL */
	assert_int_equal(bh_messages_from(&b, PK_A, 0, out,
	    strlen("héllo wörld ✓"), &len), -1);
	json_decref(b.events);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find_needs_every_member),
		cmocka_unit_test(has_counts),
		cmocka_unit_test(messages_join_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
