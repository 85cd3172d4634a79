/*
 * The test peer's file transfers (tests/lib/toxpeer_file), between two
 * libtoxcore clients and no bulkhead: what test_files expects of
 * c-toxcore's side must first work between two c-toxcores, or a failure
 * there would blame bulkhead for the harness.  Two friends, connected
 * once for all the tests:
 *
 * - 1 MB from memory and a 0-byte file from a path, both ways at once,
 *   accepted by hand and automatically: the offer says kind, size, name
 *   and file id as sent; each arrives whole with the SHA-256 of the
 *   source on both ends; a stream of unknown size from a file and an
 *   avatar likewise;
 * - cancel by the receiver during the transfer, by the sender during
 *   it, and of an offer never accepted: the other side's callback says
 *   so and nothing more moves;
 * - pause by the receiver, then by the sender: the other side hears it,
 *   the sender serves nothing more while it stands, only the pausing
 *   side may resume, and after resuming the file arrives whole;
 * - seek before accepting: the bytes from there on, and no others.
 *
 * In the test's own namespace with one tox-bootstrapd.  Deadlines, not
 * measurements.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hex.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define PORT_BSD	33445
#define PORT_TOX	33600
#define T_FRIEND	240000	/* deadlines, not benchmarks */
#define T_FILE		120000	/* a transfer, or a control, connected */
#define T_SETTLE	1500	/* time for a wrong chunk to show */
#define MB		(1024 * 1024)

static struct bootstrapd	bsd;
static struct toxpeer		p1, p2;
static struct toxpeer		*ps[2] = { &p1, &p2 };
static uint32_t			f12, f21;	/* p2 on p1's list; p1 on p2's */
static int			connected;
static uint8_t			*big;		/* MB bytes, no two chunks alike */

static int
setup(void **state)
{
	uint32_t	x = 0x9e3779b9u;
	size_t		i;

	if ((big = malloc(MB)) == NULL)
		return -1;
	for (i = 0; i < MB; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		big[i] = (uint8_t)x;
	}
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
	free(big);
	return 0;
}

static void
run_until(int (*cond)(void *), void *arg, int ms, const char *why)
{
	if (!toxpeer_run(ps, 2, NULL, 0, ms, cond, arg))
		fail_msg("%s", why);
}

static void
need_connected(void)
{
	if (!connected)
		fail_msg("the peers never connected");
}

static void
sha256_hex(const uint8_t *data, size_t len, char out[65])
{
	uint8_t	h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	hex_encode(h, sizeof(h), out);
}

/*
 * The offer to p after the last this returned (it may have come
 * already), after waiting for it.
 */
static struct toxpeer_file *
next_offer(struct toxpeer *p, const char *why)
{
	static size_t		seen1, seen2;
	size_t			*seen = p == &p1 ? &seen1 : &seen2;
	struct toxpeer_fwant	w = { p, NULL, 0 };

	w.n = ++*seen;
	run_until(toxpeer_file_has_offers, &w, T_FILE, why);
	assert_int_equal(p->nfile_lost, 0);
	return toxpeer_file_offer(p, w.n - 1);
}

static void
friends_connect(void **state)
{
	struct toxpeer_want	w1, w2;
	uint8_t			addr[TOX_ADDRESS_SIZE];
	long			f;

	assert_int_equal(toxpeer_start(&p1, "one", PORT_TOX, ADDR, PORT_BSD,
	    bsd.key), 0);
	assert_int_equal(toxpeer_start(&p2, "two", PORT_TOX + 2, ADDR,
	    PORT_BSD, bsd.key), 0);
	assert_int_equal(hex_decode(p2.address_hex, 2 * TOX_ADDRESS_SIZE,
	    addr, sizeof(addr)), 0);
	assert_int_equal(toxpeer_add(&p1, addr, "files"), 0);
	run_until(toxpeer_has_request, &p2, T_FRIEND, "no request");
	assert_true((f = toxpeer_accept(&p2, p1.pk)) >= 0);
	f21 = (uint32_t)f;
	f12 = (uint32_t)toxpeer_friend(&p1, p2.pk);
	memset(&w1, 0, sizeof(w1));
	memset(&w2, 0, sizeof(w2));
	w1.p = &p1;
	w1.friend = f12;
	w2.p = &p2;
	w2.friend = f21;
	run_until(toxpeer_friend_connected, &w1, T_FRIEND, "one: no friend");
	run_until(toxpeer_friend_connected, &w2, T_FRIEND, "two: no friend");
	connected = 1;
}

/* A record ended normally with all of want[0..len) from start. */
static void
whole(const struct toxpeer_file *f, const uint8_t *want, size_t len)
{
	char	hex[65];

	sha256_hex(want, len, hex);
	assert_true(f->done);
	assert_int_equal(f->cancelled, TOXPEER_LIVE);
	assert_int_equal(f->bytes, len);
	assert_int_equal(f->ngap, 0);
	assert_int_equal(f->nerr, 0);
	assert_string_equal(f->sha256_hex, hex);
	if (f->dir == TOXPEER_IN) {
		assert_false(f->keep_short);
		assert_int_equal(f->keep_len, len);
		if (len > 0)
			assert_memory_equal(f->keep, want, len);
	}
}

static void
big_and_empty_cross(void **state)
{
	static const char	 empty_name[] = "empty.txt";
	char			 path[] = "/tmp/toxpeer-empty-XXXXXX";
	uint8_t			 id[TOX_FILE_ID_LENGTH];
	struct toxpeer_file	*out1, *out2, *in1, *in2;
	int			 fd;

	need_connected();
	memset(id, 0xa5, sizeof(id));
	id[0] = 1;
	assert_true((fd = mkstemp(path)) != -1);
	(void)close(fd);

	/* 1 MB one to two, accepted by hand; the empty file two to one,
	 * accepted by one automatically: at the same time */
	p1.auto_accept = 1;
	out1 = toxpeer_file_send(&p1, f12, TOX_FILE_KIND_DATA, big, MB, 0,
	    id, "big ✓.bin", strlen("big ✓.bin"));
	assert_non_null(out1);
	assert_memory_equal(out1->id, id, sizeof(id));
	out2 = toxpeer_file_send_path(&p2, f21, TOX_FILE_KIND_DATA, path, 0,
	    NULL, empty_name, strlen(empty_name));
	assert_non_null(out2);
	assert_int_equal(out2->size, 0);

	in2 = next_offer(&p2, "two: no offer of the big file");
	assert_int_equal(in2->friend, f21);
	assert_int_equal(in2->kind, TOX_FILE_KIND_DATA);
	assert_int_equal(in2->size, MB);
	assert_int_equal(in2->name_len, strlen("big ✓.bin"));
	assert_memory_equal(in2->name, "big ✓.bin", in2->name_len);
	assert_memory_equal(in2->id, id, sizeof(id));
	/* incoming numbers are (slot + 1) << 16: never an outgoing one's */
	assert_true(in2->number >= 0x10000);
	assert_false(in2->accepted);
	assert_int_equal(toxpeer_file_accept(&p2, in2), 0);

	in1 = next_offer(&p1, "one: no offer of the empty file");
	assert_int_equal(in1->size, 0);
	assert_memory_equal(in1->id, out2->id, sizeof(in1->id));
	assert_memory_equal(in1->name, empty_name, strlen(empty_name));
	run_until(toxpeer_file_is_accepted, out1, T_FILE,
	    "one: two's accept never came");
	run_until(toxpeer_file_is_over, in1, T_FILE, "one: empty not over");
	run_until(toxpeer_file_is_over, out2, T_FILE, "two: empty not over");
	run_until(toxpeer_file_is_over, in2, T_FILE, "two: big not over");
	run_until(toxpeer_file_is_over, out1, T_FILE, "one: big not over");
	p1.auto_accept = 0;
	whole(in1, NULL, 0);
	whole(out2, NULL, 0);
	whole(in2, big, MB);
	whole(out1, big, MB);
	assert_int_equal(in2->end, MB);
	assert_int_equal(out1->npause, 0);
	(void)unlink(path);
}

/* A stream of unknown size from a file, and an avatar from memory. */
static void
stream_and_avatar_cross(void **state)
{
	char			 path[] = "/tmp/toxpeer-stream-XXXXXX";
	struct toxpeer_file	*out, *in, *aout, *ain;
	uint8_t			 hash[TOX_HASH_LENGTH];
	size_t			 len = 300000 + 17;	/* not a chunk's multiple */
	int			 fd;

	need_connected();
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, big, len), (ssize_t)len);
	(void)close(fd);
	out = toxpeer_file_send_path(&p1, f12, TOX_FILE_KIND_DATA, path, 1,
	    NULL, NULL, 0);
	assert_non_null(out);
	assert_int_equal(out->name_len, strlen(strrchr(path, '/') + 1));
	in = next_offer(&p2, "two: no stream offer");
	assert_true(in->size == UINT64_MAX);
	assert_int_equal(toxpeer_file_accept(&p2, in), 0);
	run_until(toxpeer_file_is_over, in, T_FILE, "two: stream not over");
	run_until(toxpeer_file_is_over, out, T_FILE, "one: stream not over");
	whole(in, big, len);
	whole(out, big, len);
	(void)unlink(path);

	/* an avatar: kind 1, its SHA-256 as the file id */
	crypto_hash_sha256(hash, big + 7, 5000);
	aout = toxpeer_file_send(&p2, f21, TOX_FILE_KIND_AVATAR, big + 7,
	    5000, 0, hash, "", 0);
	assert_non_null(aout);
	ain = next_offer(&p1, "one: no avatar offer");
	assert_int_equal(ain->kind, TOX_FILE_KIND_AVATAR);
	assert_int_equal(ain->name_len, 0);
	assert_memory_equal(ain->id, hash, sizeof(hash));
	assert_int_equal(toxpeer_file_accept(&p1, ain), 0);
	run_until(toxpeer_file_is_over, ain, T_FILE, "one: avatar not over");
	run_until(toxpeer_file_is_over, aout, T_FILE, "two: avatar not over");
	whole(ain, big + 7, 5000);
	whole(aout, big + 7, 5000);
}

/*
 * One MB from one to two, accepted, until at least at bytes have come;
 * the records in *out and *in.
 */
static void
start_big(struct toxpeer_file **out, struct toxpeer_file **in, uint64_t at)
{
	struct toxpeer_fwant	w = { &p2, NULL, at };

	*out = toxpeer_file_send(&p1, f12, TOX_FILE_KIND_DATA, big, MB, 0,
	    NULL, "big", 3);
	assert_non_null(*out);
	*in = next_offer(&p2, "two: no offer");
	assert_int_equal(toxpeer_file_accept(&p2, *in), 0);
	w.f = *in;
	run_until(toxpeer_file_has_bytes, &w, T_FILE, "two: too few bytes");
}

/* After both saw the end, nothing more moves on either side. */
static void
still(struct toxpeer_file *out, struct toxpeer_file *in)
{
	uint64_t	ob = out->bytes, ib = in->bytes;

	toxpeer_run(ps, 2, NULL, 0, T_SETTLE, NULL, NULL);
	assert_int_equal(out->bytes, ob);
	assert_int_equal(in->bytes, ib);
	assert_true(in->bytes < MB);
}

static void
cancels(void **state)
{
	struct toxpeer_file	*out, *in;
	uint8_t			 hash[TOX_HASH_LENGTH];

	need_connected();
	/* the receiver cancels */
	start_big(&out, &in, 64 * 1024);
	assert_int_equal(toxpeer_file_cancel(&p2, in), 0);
	assert_int_equal(in->cancelled, TOXPEER_BY_US);
	run_until(toxpeer_file_is_cancelled, out, T_FILE,
	    "one: two's cancel never came");
	assert_int_equal(out->cancelled, TOXPEER_BY_FRIEND);
	assert_false(out->done);
	still(out, in);
	/* its hash is of what came, not of the file */
	crypto_hash_sha256(hash, big, MB);
	assert_memory_not_equal(in->sha256, hash, sizeof(hash));

	/* the sender cancels */
	start_big(&out, &in, 64 * 1024);
	assert_int_equal(toxpeer_file_cancel(&p1, out), 0);
	run_until(toxpeer_file_is_cancelled, in, T_FILE,
	    "two: one's cancel never came");
	assert_int_equal(in->cancelled, TOXPEER_BY_FRIEND);
	still(out, in);

	/* an offer declined before accepting */
	out = toxpeer_file_send(&p1, f12, TOX_FILE_KIND_DATA, big, MB, 0,
	    NULL, "no", 2);
	assert_non_null(out);
	in = next_offer(&p2, "two: no offer to decline");
	assert_int_equal(toxpeer_file_cancel(&p2, in), 0);
	run_until(toxpeer_file_is_cancelled, out, T_FILE,
	    "one: the decline never came");
	assert_false(out->accepted);
	assert_int_equal(out->bytes, 0);
	assert_int_equal(in->bytes, 0);
}

/* by: who pauses (the receiver, p2, or the sender, p1). */
static void
pause_resume_by(struct toxpeer *by)
{
	struct toxpeer_file	*out, *in, *mine, *theirs;
	struct toxpeer		*other = by == &p1 ? &p2 : &p1;
	struct toxpeer_fwant	 w = { NULL, NULL, 0 };
	uint64_t		 ob;

	start_big(&out, &in, 128 * 1024);
	mine = by == &p1 ? out : in;
	theirs = by == &p1 ? in : out;
	assert_int_equal(toxpeer_file_pause(by, mine), 0);
	assert_true(mine->paused_us);
	run_until(toxpeer_file_friend_paused, theirs, T_FILE,
	    "the pause never reached the other side");
	assert_int_equal(theirs->npause, 1);
	/* paused: the sender serves nothing more, the file is not over */
	ob = out->bytes;
	toxpeer_run(ps, 2, NULL, 0, T_SETTLE, NULL, NULL);
	assert_int_equal(out->bytes, ob);
	assert_true(in->bytes < MB);
	assert_false(toxpeer_file_is_over(in));
	/* only who paused may resume */
	assert_int_equal(toxpeer_file_resume(other, theirs), -1);
	assert_int_equal(toxpeer_file_resume(by, mine), 0);
	w.f = theirs;
	/* an out's first RESUME was the accept */
	w.n = theirs->nresume + 1;
	run_until(toxpeer_file_has_resumes, &w, T_FILE,
	    "the resume never reached the other side");
	assert_false(theirs->paused_friend);
	run_until(toxpeer_file_is_over, in, T_FILE, "two: not over");
	run_until(toxpeer_file_is_over, out, T_FILE, "one: not over");
	whole(in, big, MB);
	whole(out, big, MB);
}

static void
pause_resume(void **state)
{
	need_connected();
	pause_resume_by(&p2);
	pause_resume_by(&p1);
}

static void
seek_before_accept(void **state)
{
	struct toxpeer_file	*out, *in;
	const uint64_t		 at = 5 * 1371 + 100;

	need_connected();
	out = toxpeer_file_send(&p1, f12, TOX_FILE_KIND_DATA, big, MB, 0,
	    NULL, "resumed", 7);
	assert_non_null(out);
	in = next_offer(&p2, "two: no offer to seek");
	assert_int_equal(toxpeer_file_seek(&p2, in, at), 0);
	assert_int_equal(toxpeer_file_accept(&p2, in), 0);
	run_until(toxpeer_file_is_over, in, T_FILE, "two: not over");
	run_until(toxpeer_file_is_over, out, T_FILE, "one: not over");
	assert_int_equal(in->start, at);
	assert_int_equal(out->start, at);
	whole(in, big + at, MB - at);
	whole(out, big + at, MB - at);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(friends_connect),
		cmocka_unit_test(big_and_empty_cross),
		cmocka_unit_test(stream_and_avatar_cross),
		cmocka_unit_test(cancels),
		cmocka_unit_test(pause_resume),
		cmocka_unit_test(seek_before_accept),
	};

	if (getenv("BH_TEST_ONLY") != NULL)
		cmocka_set_test_filter(getenv("BH_TEST_ONLY"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
