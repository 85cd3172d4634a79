/*
 * Resume when the SENDER restarted, between two bulkhead sessions (A
 * sends, B receives into its --download-dir), joined through one
 * tox-bootstrapd in the test's private namespace, driven in JSON-lines
 * mode as a script drives them.
 *
 * a. A adds B, B accepts; both say friend_connection for the other.
 * b. The id of a file sent again: A offers a small file (by B's number),
 *    then the same file again (by B's key): both offers carry one
 *    file_id ("again" true the second time), B's offers show it; the
 *    file is changed (same size, new contents and mtime) and sent again:
 *    a new id.  A cancels them all.
 * c. A sends 32 MB; B accepts; once B's file holds a part of it, A's
 *    whole session (the supervisor, every role with it) is killed with
 *    SIGKILL.  B sees A go offline.  A starts again on the same profile;
 *    once they are connected again A sends the same path: the reply and
 *    B's offer carry the first offer's file_id, B's accept goes on in
 *    the same file from what it holds ("resumed_from" > 0: B asked A to
 *    seek), and both file_done events give the SHA-256 of the whole file,
 *    which B's file holds.  Sent whole, the record is gone: the same
 *    file sent once more goes under a new id.
 * d. One id, two transfers: A sends 32 MB, B accepts and pauses it
 *    once its file holds a part; A sends the same file again (the same
 *    id); B's accept of that one goes into a new file from the start,
 *    not on in the first one's (keyd's resume record names it); B
 *    resumes the first; both files end whole.  Each side's friends
 *    shows the link that carried them (packets sent and received).
 * e. One id, two sends: A offers a small file twice (one id); B takes
 *    the first whole; the second still waits, so A's keyd keeps the id:
 *    the file sent a third time goes under it again.
 *
 * Deadlines, never measurements.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "common/hex.h"
#include "ipc/msg_xfer.h"
#include "tests/lib/bh.h"
#include "tests/lib/bh_chat.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define PORT_BSD	33445
#define PORT_A		33500
#define PORT_B		33501
#define T_REPLY		15000
#define T_ANNOUNCE	180000	/* deadlines, not benchmarks */
#define T_DELIVER	240000
#define T_CONNECT	180000
#define T_CONTROL	60000
#define T_FILE		600000
#define BIG		(32 * 1024 * 1024)
#define SMALL		(100 * 1024)
#define HAVE_MIN	(1024 * 1024)	/* B holds this much when A dies */

struct side {
	struct bh	 b;
	char		 address[77];
	char		 pk[65];
	int		 number;	/* the other on this side's list */
	int		 up;
};

static struct bootstrapd	bsd;
static struct side		sa, sb;
static int			connected;
static char			top[64], adir[256], dl[128];
static char			big_path[160], small_path[160];
static uint8_t			*big;
static char			big_hex[65];

static void
sha256_hex(const uint8_t *data, size_t len, char out[65])
{
	uint8_t	h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	hex_encode(h, sizeof(h), out);
}

/* Writes len bytes of data over path (created if need be). */
static int
write_file(const char *path, const void *data, size_t len)
{
	int	fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	return close(fd) == 0 && ok ? 0 : -1;
}

static int
setup(void **state)
{
	uint32_t	x = 0x9e3779b9u;
	size_t		i;

	if (sodium_init() < 0 || (big = malloc(BIG)) == NULL)
		return -1;
	for (i = 0; i < BIG; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		big[i] = (uint8_t)(x >> 5);
	}
	sha256_hex(big, BIG, big_hex);
	snprintf(top, sizeof(top), "/tmp/bh-filesbb-XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	snprintf(dl, sizeof(dl), "%s/dl", top);
	snprintf(big_path, sizeof(big_path), "%s/thirty-two.bin", top);
	snprintf(small_path, sizeof(small_path), "%s/small.bin", top);
	if (mkdir(dl, 0700) == -1 || write_file(big_path, big, BIG) == -1 ||
	    write_file(small_path, big, SMALL) == -1)
		return -1;
	if (netns_private(ADDR) == -1)
		return -1;
	/* A's profile outlives its sessions: it is restarted on it */
	if (bh_make_profile("fa", adir, sizeof(adir)) == -1)
		return -1;
	return bootstrapd_start(&bsd, PORT_BSD);
}

static int
teardown(void **state)
{
	char	c[400];

	if (sa.up)
		bh_stop(&sa.b);
	if (sb.up)
		bh_stop(&sb.b);
	sa.up = sb.up = 0;
	bootstrapd_stop(&bsd);
	snprintf(c, sizeof(c), "rm -rf '%s' '%s'", top, adir);
	if (top[0] != '\0' && system(c) != 0)
		fprintf(stderr, "could not remove %s, %s\n", top, adir);
	free(big);
	return 0;
}

/* The sessions that run (A is down a while). */
static size_t
running(struct bh *out[2])
{
	size_t	n = 0;

	if (sa.up)
		out[n++] = &sa.b;
	if (sb.up)
		out[n++] = &sb.b;
	return n;
}

static void
dump_both(void)
{
	if (sa.up)
		bh_dump_log(&sa.b);
	if (sb.up)
		bh_dump_log(&sb.b);
}

/* Runs the sessions until cond(arg), or fails with why and the logs. */
static void
run_until(int ms, int (*cond)(void *), void *arg, const char *why)
{
	struct bh	*bs[2];
	size_t		 n = running(bs);

	if (!toxpeer_run(NULL, 0, bs, n, ms, cond, arg)) {
		dump_both();
		fail_msg("%s", why);
	}
}

static json_t *
cmd(struct side *s, json_t *req)
{
	json_t	*r = bh_call(&s->b, req, T_REPLY);
	char	*t;

	if (r == NULL)
		dump_both();
	assert_non_null(r);
	if (!json_is_true(json_object_get(r, "ok"))) {
		t = json_dumps(r, JSON_COMPACT);
		fprintf(stderr, "reply: %s\n", t);
		free(t);
		fail_msg("%s failed", json_string_value(json_object_get(r,
		    "reply")));
	}
	return r;
}

static size_t
mark(struct side *s)
{
	return json_array_size(s->b.events);
}

/* An event like want in s's from the from'th on. */
struct seen {
	struct side	*s;
	size_t		 from;
	json_t		*want;
};

static int
has_seen(void *arg)
{
	struct seen	*w = arg;

	return bh_find(&w->s->b, w->from, w->want) != NULL;
}

/* Waits for it (want is taken); the event, borrowed. */
static json_t *
await(struct side *s, size_t from, json_t *want, int ms, const char *why)
{
	struct seen	 w = { s, from, want };
	json_t		*e;

	run_until(ms, has_seen, &w, why);
	e = bh_find(&s->b, from, want);
	json_decref(want);
	return e;
}

static void
need_connected(void)
{
	if (!connected)
		fail_msg("no friendship: a_connect failed");
}

static int
announced(void *arg)
{
	struct bh	*bs[2];
	size_t		 n = running(bs);

	return bh_all_announced(bs, n);
}

static void
start_a(void)
{
	assert_int_equal(bh_start_joined(&sa.b, adir, PORT_A, ADDR, PORT_BSD,
	    bsd.key), 0);
	sa.up = 1;
}

static void
start_b(void)
{
	char		 opt[160];
	const char	*extra[] = { opt, NULL };

	snprintf(opt, sizeof(opt), "--download-dir=%s", dl);
	assert_int_equal(bh_start_joined_with(&sb.b, NULL, PORT_B, ADDR,
	    PORT_BSD, bsd.key, extra), 0);
	sb.up = 1;
}

/* Both sides' friend_connection for the other (not "none") from the
 * from'th events on. */
static void
both_connected(size_t from_a, size_t from_b)
{
	json_t	*e;

	e = await(&sa, from_a, json_pack("{s:s, s:s, s:s}", "event",
	    "friend_connection", "public_key", sb.pk, "connection", "udp"),
	    T_CONNECT, "A never had B connected");
	assert_non_null(e);
	e = await(&sb, from_b, json_pack("{s:s, s:s, s:s}", "event",
	    "friend_connection", "public_key", sa.pk, "connection", "udp"),
	    T_CONNECT, "B never had A connected");
	assert_non_null(e);
}

static void
a_connect(void **state)
{
	json_t	*r;

	start_a();
	start_b();
	run_until(T_ANNOUNCE, announced, NULL,
	    "a session never said it was announced");
	assert_int_equal(bh_address(&sa.b, sa.address, T_REPLY), 0);
	assert_int_equal(bh_address(&sb.b, sb.address, T_REPLY), 0);
	memcpy(sa.pk, sa.address, 64);
	memcpy(sb.pk, sb.address, 64);
	r = cmd(&sa, json_pack("{s:s, s:s, s:s}", "cmd", "add", "address",
	    sb.address, "message", "files"));
	sa.number = (int)json_integer_value(json_object_get(r, "friend"));
	json_decref(r);
	(void)await(&sb, 0, json_pack("{s:s, s:s}", "event",
	    "friend_request", "public_key", sa.pk), T_DELIVER,
	    "B never had A's request");
	r = cmd(&sb, json_pack("{s:s, s:s}", "cmd", "accept", "public_key",
	    sa.pk));
	sb.number = (int)json_integer_value(json_object_get(r, "friend"));
	json_decref(r);
	both_connected(0, 0);
	connected = 1;
}

/* A's file_send of path to B (by number, or by key): the reply. */
static json_t *
a_sends(const char *path, int by_key)
{
	json_t	*friend = by_key ? json_string(sb.pk) :
		    json_integer(sa.number);

	return cmd(&sa, json_pack("{s:s, s:o, s:s}", "cmd", "file_send",
	    "friend", friend, "path", path));
}

static const char *
str(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	if (s == NULL)
		fail_msg("no string \"%s\"", k);
	return s;
}

static json_int_t
num(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	if (!json_is_integer(v))
		fail_msg("no integer \"%s\"", k);
	return json_integer_value(v);
}

/* B's offer of A's file number file, with that id. */
static json_t *
b_offer(size_t from, json_int_t file, const char *idhex)
{
	return await(&sb, from, json_pack("{s:s, s:s, s:I, s:s}", "event",
	    "file_offer", "public_key", sa.pk, "file",
	    (json_int_t)XFER_NUM_IN(file), "file_id", idhex), T_CONTROL,
	    "B never had A's offer under that file id");
}

static void
a_cancels(json_int_t file)
{
	json_decref(cmd(&sa, json_pack("{s:s, s:i, s:I}", "cmd",
	    "file_cancel", "friend", sa.number, "file", file)));
}

static void
b_same_file_same_id(void **state)
{
	struct timespec	 ts[2];
	struct stat	 st;
	uint8_t		*other;
	json_t		*r;
	json_int_t	 f1, f2, f3;
	char		 id1[65], id3[65];
	size_t		 from;

	need_connected();
	from = mark(&sb);
	r = a_sends(small_path, 0);
	f1 = num(r, "file");
	snprintf(id1, sizeof(id1), "%s", str(r, "file_id"));
	assert_int_equal(strlen(id1), 64);
	assert_true(json_is_false(json_object_get(r, "again")));
	json_decref(r);
	(void)b_offer(from, f1, id1);

	/* the same file again, the friend named by its key this time */
	r = a_sends(small_path, 1);
	f2 = num(r, "file");
	assert_true(f2 != f1);
	assert_string_equal(str(r, "file_id"), id1);
	assert_true(json_is_true(json_object_get(r, "again")));
	json_decref(r);
	(void)b_offer(from, f2, id1);

	/* changed in place: the size as it was, other bytes, another mtime */
	assert_int_equal(stat(small_path, &st), 0);
	assert_non_null(other = malloc(SMALL));
	memcpy(other, big + SMALL, SMALL);
	assert_int_equal(write_file(small_path, other, SMALL), 0);
	free(other);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	ts[1].tv_sec += 7;
	assert_int_equal(utimensat(AT_FDCWD, small_path, ts, 0), 0);
	r = a_sends(small_path, 0);
	f3 = num(r, "file");
	snprintf(id3, sizeof(id3), "%s", str(r, "file_id"));
	assert_string_not_equal(id3, id1);
	assert_true(json_is_false(json_object_get(r, "again")));
	json_decref(r);
	(void)b_offer(from, f3, id3);

	a_cancels(f1);
	a_cancels(f2);
	a_cancels(f3);
	/* cancelled by the user: forgotten, the next send is new */
	r = a_sends(small_path, 0);
	assert_string_not_equal(str(r, "file_id"), id3);
	assert_true(json_is_false(json_object_get(r, "again")));
	a_cancels(num(r, "file"));
	json_decref(r);
}

/* B's file at path holds at least want->n bytes; fails early if B said
 * file_done for it (A cannot be killed half way then). */
struct part {
	const char	*path;
	off_t		 n;
	json_t		*done;
	size_t		 from;
};

static int
has_part(void *arg)
{
	struct part	*p = arg;
	struct stat	 st;

	if (bh_find(&sb.b, p->from, p->done) != NULL)
		return 1;
	return stat(p->path, &st) == 0 && st.st_size >= p->n;
}

/* The whole of path equals data. */
static void
holds(const char *path, const uint8_t *data, size_t len)
{
	uint8_t	*buf;
	ssize_t	 n;
	size_t	 got = 0;
	int	 fd;

	assert_true((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1);
	assert_non_null(buf = malloc(len + 1));
	while ((n = read(fd, buf + got, len + 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	assert_int_equal(got, len);
	if (memcmp(buf, data, len) != 0)
		fail_msg("%s does not hold the file's bytes", path);
	free(buf);
}

static void
c_resume_after_sender_restart(void **state)
{
	struct part	 p;
	struct stat	 st;
	json_t		*r, *e, *want;
	json_int_t	 fa, fb, have;
	char		 idx[65], got[512];
	size_t		 from_a, from_b;

	need_connected();
	from_b = mark(&sb);
	r = a_sends(big_path, 0);
	fa = num(r, "file");
	snprintf(idx, sizeof(idx), "%s", str(r, "file_id"));
	assert_true(json_is_false(json_object_get(r, "again")));
	json_decref(r);
	e = b_offer(from_b, fa, idx);
	fb = num(e, "file");
	assert_true(num(e, "size") == BIG);
	r = cmd(&sb, json_pack("{s:s, s:i, s:I}", "cmd", "file_accept",
	    "friend", sb.number, "file", fb));
	snprintf(got, sizeof(got), "%s", str(r, "path"));
	assert_true(num(r, "resumed_from") == 0);
	json_decref(r);

	/* B holds a part: A's whole session dies at once */
	p.path = got;
	p.n = HAVE_MIN;
	p.from = from_b;
	p.done = json_pack("{s:s, s:I}", "event", "file_done", "file", fb);
	run_until(T_FILE, has_part, &p, "B's file never grew");
	if (bh_find(&sb.b, from_b, p.done) != NULL)
		fail_msg("the file was whole before A could be killed");
	json_decref(p.done);
	from_b = mark(&sb);
	kill(sa.b.pid, SIGKILL);
	bh_stop(&sa.b);		/* adir is kept: it was given */
	sa.up = 0;
	(void)await(&sb, from_b, json_pack("{s:s, s:s, s:s}", "event",
	    "friend_connection", "public_key", sa.pk, "connection", "none"),
	    T_CONNECT, "B never saw A go offline");
	(void)await(&sb, from_b, json_pack("{s:s, s:I}", "event",
	    "file_cancelled", "file", fb), T_CONTROL,
	    "B's transfer never ended with A gone");
	assert_int_equal(stat(got, &st), 0);
	have = (json_int_t)st.st_size;
	if (have <= 0 || have >= BIG)
		fail_msg("%s holds %lld bytes: not a part", got,
		    (long long)have);

	/* A again, on the same profile; the friends meet again */
	from_b = mark(&sb);
	start_a();
	both_connected(0, from_b);

	/* the same path: the same id, and B goes on from what it has */
	from_b = mark(&sb);
	r = a_sends(big_path, 0);
	fa = num(r, "file");
	assert_string_equal(str(r, "file_id"), idx);
	assert_true(json_is_true(json_object_get(r, "again")));
	json_decref(r);
	e = b_offer(from_b, fa, idx);
	fb = num(e, "file");
	from_a = mark(&sa);
	r = cmd(&sb, json_pack("{s:s, s:i, s:I}", "cmd", "file_accept",
	    "friend", sb.number, "file", fb));
	assert_string_equal(str(r, "path"), got);
	assert_true(num(r, "resumed_from") == have);
	json_decref(r);
	e = await(&sb, from_b, json_pack("{s:s, s:I, s:s}", "event",
	    "file_done", "file", fb, "direction", "in"), T_FILE,
	    "B never said file_done for the rest");
	assert_true(num(e, "size") == BIG);
	assert_string_equal(str(e, "sha256"), big_hex);
	assert_string_equal(str(e, "path"), got);
	e = await(&sa, from_a, json_pack("{s:s, s:I, s:s}", "event",
	    "file_done", "file", fa, "direction", "out"), T_FILE,
	    "A never said file_done");
	assert_string_equal(str(e, "sha256"), big_hex);
	/* B's progress after the accept never started below what it had:
	 * only the rest moved */
	want = json_pack("{s:s, s:I}", "event", "file_progress", "file", fb);
	e = bh_find(&sb.b, from_b, want);
	json_decref(want);
	if (e != NULL && num(e, "bytes") < have)
		fail_msg("B's progress went from %lld, below the %lld it had",
		    (long long)num(e, "bytes"), (long long)have);
	holds(got, big, BIG);
	fprintf(stderr, "resumed at %lld of %d bytes\n", (long long)have,
	    BIG);

	/* sent whole: forgotten, the next send of it is new */
	r = a_sends(big_path, 0);
	assert_string_not_equal(str(r, "file_id"), idx);
	assert_true(json_is_false(json_object_get(r, "again")));
	a_cancels(num(r, "file"));
	json_decref(r);
}

/* B's file_accept of fb: the reply (its path, where it resumed from). */
static json_t *
b_accepts(json_int_t fb)
{
	return cmd(&sb, json_pack("{s:s, s:i, s:I}", "cmd", "file_accept",
	    "friend", sb.number, "file", fb));
}

static void
b_ctl(const char *what, json_int_t fb)
{
	json_decref(cmd(&sb, json_pack("{s:s, s:i, s:I}", "cmd", what,
	    "friend", sb.number, "file", fb)));
}

/* The "link" of the friend whose key is pk in s's friends (a new
 * reference), or fails. */
static json_t *
link_of(struct side *s, const char *pk)
{
	json_t	*r, *e, *l = NULL;
	size_t	 i;

	r = cmd(s, json_pack("{s:s}", "cmd", "friends"));
	json_array_foreach(json_object_get(r, "friends"), i, e)
		if (strcmp(str(e, "public_key"), pk) == 0)
			l = json_incref(json_object_get(e, "link"));
	json_decref(r);
	if (!json_is_object(l))
		fail_msg("no link to %s in friends", pk);
	return l;
}

/*
 * At log level debug (bh_start_joined's), chatd traces the rate
 * controller: a sender's log holds its samples for the friend.
 */
static void
rate_traced(struct side *s, int friend)
{
	const size_t	 max = 32u << 20;
	char		*log, want[64];
	long		 n;

	assert_non_null(log = malloc(max + 1));
	assert_true((n = bh_slurp(s->b.errlog, log, max)) > 0);
	log[n] = '\0';
	snprintf(want, sizeof(want), "friend %d: rate ", friend);
	if (strstr(log, want) == NULL || strstr(log, " acked ") == NULL)
		fail_msg("no rate trace for friend %d in %s", friend,
		    s->b.errlog);
	free(log);
}

static void
d_one_id_twice_accepted(void **state)
{
	struct part	 p;
	json_t		*r, *e;
	json_int_t	 f1, f2, fb1, fb2;
	char		 id1[65], got1[512], got2[512];
	size_t		 from_a, from_b;

	need_connected();
	from_a = mark(&sa);
	from_b = mark(&sb);
	r = a_sends(big_path, 0);
	f1 = num(r, "file");
	snprintf(id1, sizeof(id1), "%s", str(r, "file_id"));
	json_decref(r);
	fb1 = num(b_offer(from_b, f1, id1), "file");
	r = b_accepts(fb1);
	snprintf(got1, sizeof(got1), "%s", str(r, "path"));
	json_decref(r);

	/* B holds a part of it and pauses: keyd's record says got1 */
	p.path = got1;
	p.n = HAVE_MIN;
	p.from = from_b;
	p.done = json_pack("{s:s, s:I}", "event", "file_done", "file", fb1);
	run_until(T_FILE, has_part, &p, "B's file never grew");
	b_ctl("file_pause", fb1);
	if (bh_find(&sb.b, from_b, p.done) != NULL)
		fail_msg("the file was whole before B could pause it");
	json_decref(p.done);

	/* the same file again, so under the same id, accepted too: a file
	 * of its own, from the start, not the first one's resumed */
	r = a_sends(big_path, 1);
	f2 = num(r, "file");
	assert_string_equal(str(r, "file_id"), id1);
	json_decref(r);
	fb2 = num(b_offer(from_b, f2, id1), "file");
	r = b_accepts(fb2);
	snprintf(got2, sizeof(got2), "%s", str(r, "path"));
	assert_string_not_equal(got2, got1);
	assert_true(num(r, "resumed_from") == 0);
	json_decref(r);
	b_ctl("file_resume", fb1);

	e = await(&sb, from_b, json_pack("{s:s, s:I, s:s}", "event",
	    "file_done", "file", fb1, "direction", "in"), T_FILE,
	    "B never said file_done for the first");
	assert_string_equal(str(e, "sha256"), big_hex);
	assert_string_equal(str(e, "path"), got1);
	e = await(&sb, from_b, json_pack("{s:s, s:I, s:s}", "event",
	    "file_done", "file", fb2, "direction", "in"), T_FILE,
	    "B never said file_done for the second");
	assert_string_equal(str(e, "sha256"), big_hex);
	assert_string_equal(str(e, "path"), got2);
	(void)await(&sa, from_a, json_pack("{s:s, s:I}", "event",
	    "file_done", "file", f2), T_FILE, "A never said file_done");
	holds(got1, big, BIG);
	holds(got2, big, BIG);

	/* friends shows the transport that carried them */
	e = link_of(&sa, sb.pk);
	if (num(e, "sent") < 2 * (json_int_t)(BIG / 1371))
		fail_msg("A's link to B says %lld packets sent",
		    (long long)num(e, "sent"));
	assert_true(num(e, "rtt_ms") >= 0 && num(e, "bulk_rate") > 0 &&
	    num(e, "resent") >= 0 && num(e, "congestion") >= 0);
	json_decref(e);
	e = link_of(&sb, sa.pk);
	if (num(e, "received") < 2 * (json_int_t)(BIG / 1371))
		fail_msg("B's link to A says %lld packets received",
		    (long long)num(e, "received"));
	json_decref(e);
	rate_traced(&sa, sa.number);
}

static void
e_record_kept_while_one_goes_on(void **state)
{
	json_t		*r;
	json_int_t	 f1, f2, f3;
	char		 id1[65];
	size_t		 from_a, from_b;

	need_connected();
	from_a = mark(&sa);
	from_b = mark(&sb);
	r = a_sends(small_path, 0);
	f1 = num(r, "file");
	snprintf(id1, sizeof(id1), "%s", str(r, "file_id"));
	json_decref(r);
	r = a_sends(small_path, 0);
	f2 = num(r, "file");
	assert_string_equal(str(r, "file_id"), id1);
	json_decref(r);
	json_decref(b_accepts(num(b_offer(from_b, f1, id1), "file")));
	(void)await(&sa, from_a, json_pack("{s:s, s:I, s:s}", "event",
	    "file_done", "file", f1, "direction", "out"), T_FILE,
	    "A never said file_done for the first");

	/* the second is unfinished: keyd still has the id for the file */
	r = a_sends(small_path, 0);
	f3 = num(r, "file");
	assert_string_equal(str(r, "file_id"), id1);
	assert_true(json_is_true(json_object_get(r, "again")));
	json_decref(r);
	a_cancels(f2);
	a_cancels(f3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_connect),
		cmocka_unit_test(b_same_file_same_id),
		cmocka_unit_test(c_resume_after_sender_restart),
		cmocka_unit_test(d_one_id_twice_accepted),
		cmocka_unit_test(e_record_kept_while_one_goes_on),
	};

	/* BH_TEST_ONLY=name: a_connect, then that test alone */
	const char	*only = getenv("BH_TEST_ONLY");
	struct CMUnitTest pick[2];
	size_t		 i;

	if (only != NULL) {
		pick[0] = tests[0];
		pick[1] = tests[0];
		for (i = 1; i < sizeof(tests) / sizeof(tests[0]); i++)
			if (strcmp(tests[i].name, only) == 0)
				pick[1] = tests[i];
		return _cmocka_run_group_tests("test_files_bb", pick, 2,
		    setup, teardown);
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
