/*
 * Issue 12 item 3 end to end: avatars between bulkhead and c-toxcore
 * 0.2.18 (map §8: a file of kind 1 whose file id is the SHA-256 of the
 * image; size 0 means none), real processes on both sides, bulkhead in
 * JSON-lines mode, joined through one tox-bootstrapd in the test's
 * private namespace.  The world is test_files.c's.
 *
 * a. The friendship, connected on both sides; bulkhead has no avatar
 *    and offers c-toxcore one of kind 1 and size 0 as it connects (as
 *    qTox: "none", so a stale picture of ours is dropped).
 * b. bulkhead sets its avatar (`avatar PATH`): the reply gives the
 *    SHA-256 and the path beside the profile, which holds the bytes;
 *    c-toxcore is offered kind 1 with that SHA-256 as file id and
 *    receives the same bytes.
 * c. c-toxcore sends its avatar: bulkhead says friend_avatar (key,
 *    SHA-256, path), the file there has the bytes, `friends` shows it;
 *    no file_offer reaches the user for it.
 * d. c-toxcore sends the same avatar again: bulkhead declines it
 *    (c-toxcore sees the cancel) and says nothing.
 * e. Hostile: an avatar of 1 MB is declined at the offer; a non-PNG and
 *    a PNG whose file id is not its SHA-256 are received but refused by
 *    keyd: no event, the stored avatar unchanged.
 * f. c-toxcore sends size 0: bulkhead removes its copy, says
 *    friend_avatar with path null, `friends` shows null.
 * g. bulkhead removes its own (`avatar` alone): the file goes, c-toxcore
 *    is offered kind 1 of size 0; a text file as avatar is refused.
 * h. c-toxcore sends its avatar again, then bulkhead removes the friend
 *    (`remove`): the friend's avatar beside the profile is gone.
 *
 * Every wait is a deadline for a broken build, not a measurement.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hex.h"
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
#define T_CONNECT	180000
#define T_CONTROL	60000
#define T_SETTLE	3000	/* for what was in flight to land */
#define OURS_LEN	3000
#define THEIRS_LEN	20000
#define HUGE_LEN	(1024 * 1024)

static struct bootstrapd	 bsd;
static struct bh		 b;
static struct bh		*bs[1] = { &b };
static struct toxpeer		 t;
static struct toxpeer		*ts[1] = { &t };
static int			 b_up, connected;
static char			 address[77];
static char			 pk[65];
static uint8_t			 pk_bin[TOX_PUBLIC_KEY_SIZE];
static long			 number = -1;
static uint32_t			 tnum;

static char	 top[64];
static char	 ours_path[128], text_path[128];
static char	 self_stored[512], theirs_stored[512];
static uint8_t	 ours[OURS_LEN], theirs[THEIRS_LEN], other[THEIRS_LEN];
static uint8_t	*huge;
static uint8_t	 ours_sha[32], theirs_sha[32], other_sha[32];
static char	 ours_hex[65], theirs_hex[65];
static size_t	 offers_seen;

static const uint8_t	png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
	'\n' };

/* A "PNG": the signature, then bytes of a xorshift seeded with seed. */
static void
fake_png(uint8_t *p, size_t len, uint32_t seed, int sig)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		p[i] = (uint8_t)(seed >> 3);
	}
	if (sig)
		memcpy(p, png_sig, sizeof(png_sig));
}

static int
write_file(const char *path, const void *data, size_t len)
{
	int	fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	ok = len == 0 || write(fd, data, len) == (ssize_t)len;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* 1 if the file at path holds exactly p[0..len). */
static int
file_is(const char *path, const uint8_t *p, size_t len)
{
	static uint8_t	buf[HUGE_LEN + 1];
	ssize_t		r;
	size_t		got = 0;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	while (got < sizeof(buf) && (r = read(fd, buf + got,
	    sizeof(buf) - got)) > 0)
		got += (size_t)r;
	(void)close(fd);
	return got == len && memcmp(buf, p, len) == 0;
}

static int
exists(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0;
}

static int
setup(void **state)
{
	fake_png(ours, sizeof(ours), 0x1234567u, 1);
	fake_png(theirs, sizeof(theirs), 0x7654321u, 1);
	fake_png(other, sizeof(other), 0x2468aceu, 1);
	if ((huge = malloc(HUGE_LEN)) == NULL)
		return -1;
	fake_png(huge, HUGE_LEN, 0x13579bdu, 1);
	crypto_hash_sha256(ours_sha, ours, sizeof(ours));
	crypto_hash_sha256(theirs_sha, theirs, sizeof(theirs));
	crypto_hash_sha256(other_sha, other, sizeof(other));
	hex_encode(ours_sha, 32, ours_hex);
	hex_encode(theirs_sha, 32, theirs_hex);
	snprintf(top, sizeof(top), "/tmp/bh-avatars-XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	snprintf(ours_path, sizeof(ours_path), "%s/me.png", top);
	snprintf(text_path, sizeof(text_path), "%s/me.txt", top);
	if (write_file(ours_path, ours, sizeof(ours)) == -1 ||
	    write_file(text_path, "not a picture\n", 14) == -1)
		return -1;
	if (netns_private(ADDR) == -1)
		return -1;
	return bootstrapd_start(&bsd, PORT_BSD);
}

static int
teardown(void **state)
{
	char	c[128];

	toxpeer_stop(&t);
	if (b_up)
		bh_stop(&b);
	bootstrapd_stop(&bsd);
	if (top[0] != '\0') {
		snprintf(c, sizeof(c), "rm -rf '%s'", top);
		if (system(c) != 0)
			fprintf(stderr, "could not remove %s\n", top);
	}
	free(huge);
	return 0;
}

/* A request; its reply (caller decrefs); ok must be want_ok. */
static json_t *
call(json_t *req, int want_ok)
{
	json_t	*r = bh_call(&b, req, T_REPLY);
	char	*s;

	if (r == NULL)
		bh_dump_log(&b);
	assert_non_null(r);
	if (json_is_true(json_object_get(r, "ok")) != want_ok) {
		s = json_dumps(r, JSON_COMPACT);
		fprintf(stderr, "reply: %s\n", s);
		free(s);
		fail_msg("%s: not the outcome wanted",
		    json_string_value(json_object_get(r, "reply")));
	}
	return r;
}

static void
need_connected(void)
{
	if (!connected)
		fail_msg("no friendship: a_connect failed");
}

static void
run_until(int ms, int (*cond)(void *), void *arg, const char *why)
{
	if (!toxpeer_run(ts, 1, bs, 1, ms, cond, arg)) {
		bh_dump_log(&b);
		fail_msg("%s", why);
	}
}

static void
settle(void)
{
	toxpeer_run(ts, 1, bs, 1, T_SETTLE, NULL, NULL);
}

static size_t
mark(void)
{
	return json_array_size(b.events);
}

struct ev_want {
	json_t	*want;
	size_t	 from;
};

static int
has_event(void *arg)
{
	struct ev_want	*w = arg;

	return bh_find(&b, w->from, w->want) != NULL;
}

/* Waits for an event like want (taken) from the from'th on; borrowed. */
static json_t *
await_event(json_t *want, size_t from, const char *why)
{
	struct ev_want	 w = { want, from };
	json_t		*e;

	run_until(T_CONTROL, has_event, &w, why);
	e = bh_find(&b, from, want);
	json_decref(want);
	return e;
}

static size_t
count_from(json_t *want, size_t from)
{
	size_t	i, n = 0;

	for (i = from; i < json_array_size(b.events); i++)
		if (bh_find(&b, i, want) == json_array_get(b.events, i))
			n++;
	json_decref(want);
	return n;
}

/* c-toxcore's next offer, once it came. */
static struct toxpeer_file *
t_offer(const char *why)
{
	struct toxpeer_fwant	 w = { &t, NULL, 0 };
	struct toxpeer_file	*f;

	w.n = ++offers_seen;
	run_until(T_CONTROL, toxpeer_file_has_offers, &w, why);
	f = toxpeer_file_offer(&t, w.n - 1);
	assert_non_null(f);
	assert_int_equal(f->friend, tnum);
	return f;
}

/* The avatar member of bulkhead's friend c-toxcore in `friends`. */
static json_t *
friends_avatar(void)
{
	json_t	*r, *list, *e, *a = NULL;
	size_t	 i;

	r = call(json_pack("{s:s}", "cmd", "friends"), 1);
	list = json_object_get(r, "friends");
	assert_true(json_is_array(list));
	json_array_foreach(list, i, e)
		if (json_integer_value(json_object_get(e, "friend")) ==
		    number) {
			a = json_incref(json_object_get(e, "avatar"));
			break;
		}
	json_decref(r);
	assert_non_null(a);
	return a;
}

static int
announced(void *arg)
{
	return bh_onion_announced(arg) == 1;
}

/* a */
static void
a_connect(void **state)
{
	struct toxpeer_want	 tw;
	struct toxpeer_file	*f;
	uint8_t			 addr[TOX_ADDRESS_SIZE];
	json_t			*r;

	assert_int_equal(bh_start_joined(&b, NULL, PORT_BH, ADDR, PORT_BSD,
	    bsd.key), 0);
	b_up = 1;
	assert_int_equal(toxpeer_start(&t, "c-toxcore", PORT_TOX, ADDR,
	    PORT_BSD, bsd.key), 0);
	t.auto_accept = 1;
	t.keep_max = HUGE_LEN;
	snprintf(self_stored, sizeof(self_stored), "%s/profile.tox.avatar.png",
	    b.dir);
	run_until(T_ANNOUNCE, announced, &b,
	    "bulkhead never said it was announced");
	assert_int_equal(bh_address(&b, address, T_REPLY), 0);
	memcpy(pk, address, 64);
	pk[64] = '\0';
	assert_int_equal(hex_decode(pk, 64, pk_bin, sizeof(pk_bin)), 0);
	assert_int_equal(hex_decode(address, 76, addr, sizeof(addr)), 0);
	assert_int_equal(toxpeer_add(&t, addr, "avatars, please"), 0);
	tnum = (uint32_t)toxpeer_friend(&t, pk_bin);
	assert_true(tnum < TOXPEER_FRIENDS);
	(void)await_event(json_pack("{s:s, s:s}", "event", "friend_request",
	    "public_key", t.pk_hex), 0, "no friend_request from c-toxcore");
	r = call(json_pack("{s:s, s:s}", "cmd", "accept", "public_key",
	    t.pk_hex), 1);
	number = (long)json_integer_value(json_object_get(r, "friend"));
	json_decref(r);
	snprintf(theirs_stored, sizeof(theirs_stored),
	    "%s/profile.tox.avatar.%s.png", b.dir, t.pk_hex);
	memset(&tw, 0, sizeof(tw));
	tw.p = &t;
	tw.friend = tnum;
	(void)await_event(json_pack("{s:s, s:s, s:s}", "event",
	    "friend_connection", "public_key", t.pk_hex, "connection", "udp"),
	    0, "bulkhead never had c-toxcore connected");
	run_until(T_CONNECT, toxpeer_friend_connected, &tw,
	    "c-toxcore never had bulkhead connected");
	/* no avatar: "none" offered on connecting */
	f = t_offer("c-toxcore was never told bulkhead has no avatar");
	assert_int_equal(f->kind, TOX_FILE_KIND_AVATAR);
	assert_int_equal(f->size, 0);
	assert_true(json_is_null(friends_avatar()));
	connected = 1;
}

/* b */
static void
b_set_ours(void **state)
{
	struct toxpeer_file	*f;
	json_t			*r;

	need_connected();
	r = call(json_pack("{s:s, s:s}", "cmd", "avatar", "path", ours_path),
	    1);
	assert_string_equal(json_string_value(json_object_get(r, "sha256")),
	    ours_hex);
	assert_string_equal(json_string_value(json_object_get(r, "path")),
	    self_stored);
	assert_int_equal(json_integer_value(json_object_get(r, "size")),
	    OURS_LEN);
	json_decref(r);
	assert_true(file_is(self_stored, ours, sizeof(ours)));

	/* past a "none" of a reconnection, if the link flapped */
	do
		f = t_offer("c-toxcore was never offered bulkhead's avatar");
	while (f->size == 0);
	assert_int_equal(f->kind, TOX_FILE_KIND_AVATAR);
	assert_int_equal(f->size, OURS_LEN);
	assert_memory_equal(f->id, ours_sha, 32);
	run_until(T_CONTROL, toxpeer_file_is_over, f,
	    "bulkhead's avatar never ended at c-toxcore");
	assert_true(f->done);
	assert_int_equal(f->keep_len, OURS_LEN);
	assert_memory_equal(f->keep, ours, OURS_LEN);
}

/* c */
static void
c_receive_theirs(void **state)
{
	struct toxpeer_file	*f;
	json_t			*e, *a;
	size_t			 from = mark();

	need_connected();
	f = toxpeer_file_send(&t, tnum, TOX_FILE_KIND_AVATAR, theirs,
	    sizeof(theirs), 0, theirs_sha, "avatar.png", 10);
	assert_non_null(f);
	e = await_event(json_pack("{s:s, s:s}", "event", "friend_avatar",
	    "public_key", t.pk_hex), from, "no friend_avatar from bulkhead");
	assert_int_equal(json_integer_value(json_object_get(e, "friend")),
	    number);
	assert_string_equal(json_string_value(json_object_get(e, "sha256")),
	    theirs_hex);
	assert_string_equal(json_string_value(json_object_get(e, "path")),
	    theirs_stored);
	run_until(T_CONTROL, toxpeer_file_is_over, f,
	    "c-toxcore's avatar never ended");
	if (!f->done)
		fprintf(stderr, "c-toxcore's avatar: cancelled %d, bytes %llu, "
		    "accepted %d\n", (int)f->cancelled,
		    (unsigned long long)f->bytes, f->accepted);
	assert_true(f->done);
	assert_true(file_is(theirs_stored, theirs, sizeof(theirs)));
	assert_int_equal(count_from(json_pack("{s:s}", "event", "file_offer"),
	    from), 0);
	a = friends_avatar();
	assert_string_equal(json_string_value(json_object_get(a, "sha256")),
	    theirs_hex);
	assert_string_equal(json_string_value(json_object_get(a, "path")),
	    theirs_stored);
	json_decref(a);
}

/* d */
static void
d_same_again_declined(void **state)
{
	struct toxpeer_file	*f;
	size_t			 from = mark();

	need_connected();
	f = toxpeer_file_send(&t, tnum, TOX_FILE_KIND_AVATAR, theirs,
	    sizeof(theirs), 0, theirs_sha, "avatar.png", 10);
	assert_non_null(f);
	run_until(T_CONTROL, toxpeer_file_is_over, f,
	    "the same avatar again never ended");
	assert_int_equal(f->cancelled, TOXPEER_BY_FRIEND);
	assert_false(f->accepted);
	settle();
	assert_int_equal(count_from(json_pack("{s:s}", "event",
	    "friend_avatar"), from), 0);
	assert_true(file_is(theirs_stored, theirs, sizeof(theirs)));
}

/* e */
static void
e_hostile_refused(void **state)
{
	struct toxpeer_file	*f;
	uint8_t			 junk[THEIRS_LEN], junk_sha[32];
	size_t			 from = mark();

	need_connected();
	/* 1 MB: declined at the offer */
	f = toxpeer_file_send(&t, tnum, TOX_FILE_KIND_AVATAR, huge, HUGE_LEN,
	    0, NULL, "avatar.png", 10);
	assert_non_null(f);
	run_until(T_CONTROL, toxpeer_file_is_over, f,
	    "the 1 MB avatar never ended");
	assert_int_equal(f->cancelled, TOXPEER_BY_FRIEND);
	assert_false(f->accepted);

	/* not a PNG, with its true SHA-256: received, then refused */
	fake_png(junk, sizeof(junk), 0x5a5a5a5u, 0);
	crypto_hash_sha256(junk_sha, junk, sizeof(junk));
	f = toxpeer_file_send(&t, tnum, TOX_FILE_KIND_AVATAR, junk,
	    sizeof(junk), 0, junk_sha, "avatar.png", 10);
	assert_non_null(f);
	run_until(T_CONTROL, toxpeer_file_is_over, f,
	    "the non-PNG avatar never ended");

	/* a PNG whose file id is another's SHA-256 */
	f = toxpeer_file_send(&t, tnum, TOX_FILE_KIND_AVATAR, other,
	    sizeof(other), 0, junk_sha, "avatar.png", 10);
	assert_non_null(f);
	run_until(T_CONTROL, toxpeer_file_is_over, f,
	    "the lying avatar never ended");
	settle();
	assert_int_equal(count_from(json_pack("{s:s}", "event",
	    "friend_avatar"), from), 0);
	assert_int_equal(count_from(json_pack("{s:s}", "event", "file_offer"),
	    from), 0);
	assert_true(file_is(theirs_stored, theirs, sizeof(theirs)));
}

/* f */
static void
f_friend_removes(void **state)
{
	struct toxpeer_file	*f;
	json_t			*e, *a;
	size_t			 from = mark();

	need_connected();
	f = toxpeer_file_send(&t, tnum, TOX_FILE_KIND_AVATAR, "", 0, 0, NULL,
	    NULL, 0);
	assert_non_null(f);
	e = await_event(json_pack("{s:s, s:s}", "event", "friend_avatar",
	    "public_key", t.pk_hex), from,
	    "no friend_avatar for the removal");
	assert_true(json_is_null(json_object_get(e, "path")));
	assert_true(json_is_null(json_object_get(e, "sha256")));
	assert_false(exists(theirs_stored));
	a = friends_avatar();
	assert_true(json_is_null(a));
	json_decref(a);
}

/* g */
static void
g_remove_ours(void **state)
{
	struct toxpeer_file	*f;
	json_t			*r;

	need_connected();
	/* not a PNG: refused, ours unchanged */
	r = call(json_pack("{s:s, s:s}", "cmd", "avatar", "path", text_path),
	    0);
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")),
	    "PNG"));
	json_decref(r);
	assert_true(file_is(self_stored, ours, sizeof(ours)));

	offers_seen = toxpeer_file_offers(&t);
	r = call(json_pack("{s:s, s:n}", "cmd", "avatar", "path"), 1);
	assert_true(json_is_null(json_object_get(r, "sha256")));
	json_decref(r);
	assert_false(exists(self_stored));
	f = t_offer("c-toxcore was never told bulkhead has no avatar");
	assert_int_equal(f->kind, TOX_FILE_KIND_AVATAR);
	assert_int_equal(f->size, 0);
}

/* h */
static void
h_removed_friend_forgotten(void **state)
{
	struct toxpeer_file	*f;
	json_t			*r;
	size_t			 from = mark();

	need_connected();
	f = toxpeer_file_send(&t, tnum, TOX_FILE_KIND_AVATAR, theirs,
	    sizeof(theirs), 0, theirs_sha, "avatar.png", 10);
	assert_non_null(f);
	(void)await_event(json_pack("{s:s, s:s}", "event", "friend_avatar",
	    "public_key", t.pk_hex), from, "no friend_avatar from bulkhead");
	assert_true(file_is(theirs_stored, theirs, sizeof(theirs)));
	r = call(json_pack("{s:s, s:s}", "cmd", "remove", "friend", t.pk_hex),
	    1);
	json_decref(r);
	assert_false(exists(theirs_stored));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_connect),
		cmocka_unit_test(b_set_ours),
		cmocka_unit_test(c_receive_theirs),
		cmocka_unit_test(d_same_again_declined),
		cmocka_unit_test(e_hostile_refused),
		cmocka_unit_test(f_friend_removes),
		cmocka_unit_test(g_remove_ours),
		cmocka_unit_test(h_removed_friend_forgotten),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
