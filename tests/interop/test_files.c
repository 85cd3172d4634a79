/*
 * Issue 12 end to end: files between bulkhead and c-toxcore 0.2.18, real
 * processes on both sides, bulkhead in JSON-lines mode as a script would
 * drive it (bulkhead(1): file_send, file_offer, file_accept, ...), both
 * joined through one tox-bootstrapd in the test's private namespace.
 * One friendship (c-toxcore adds bulkhead, bulkhead accepts) serves
 * every test; bulkhead runs with --download-dir, a fresh directory
 * inside the test's scratch directory, beside a sentinel file.
 *
 * a. The friendship, connected on both sides.
 * b. bulkhead -> c-toxcore: 10 MB and a 0-byte file, from paths.  The
 *    reply names the file (its slot, 0..255), c-toxcore's offer says the
 *    name, size and kind sent; bulkhead hears the accept, reports
 *    progress (bytes never past the total) and file_done out with the
 *    SHA-256 that c-toxcore computed over what it received.
 * c. c-toxcore -> bulkhead: 10 MB, a 0-byte file, a stream of unknown
 *    size, and one accepted to a path of the test's choosing.  The offer
 *    event names c-toxcore's key and number, a file number (slot + 1)
 *    << 16, name, size (null for the stream), kind; the accept reply
 *    gives the file's path in the download dir (or the one asked for);
 *    file_done in says that path, the size and the SHA-256 of the bytes
 *    sent, the file there holds them, and progress was reported.
 * d. Pause and resume, each side pausing, each direction: the other
 *    side hears it (c-toxcore's callback, bulkhead's file_paused and
 *    file_resumed), nothing moves while it stands, and after the resume
 *    the file arrives whole.
 * e. Cancel from each side in each direction during a transfer, and an
 *    offer declined by each side: the other side hears it (bulkhead's
 *    file_cancelled says why "friend"), and no file_done follows.
 * f. c-toxcore seeks before accepting: bulkhead sends from there on,
 *    and the bytes are the file's from there.
 * g. Hostile names from c-toxcore ("../x", ".bashrc", control
 *    characters, 255 bytes of UTF-8, path separators, a name twice, the
 *    name of a file already there): each lands directly inside the
 *    download dir under a name without separators, leading dot or
 *    control characters, no file is overwritten, the offer's name shows
 *    no control characters, and nothing changes outside the dir.
 * h. Resume after a restart: c-toxcore sends 10 MB under a file id of
 *    its own; bulkhead is killed (SIGKILL) a quarter of the way in and
 *    started again on the same profile; c-toxcore offers the same file
 *    id again (the offer shows it, "file_id"), and the accept goes on in
 *    the same file from where it stopped ("resumed_from": c-toxcore is
 *    told to seek), c-toxcore sends only the rest, and the file holds the
 *    whole 10 MB with the right SHA-256.
 *
 * Every wait is a deadline for a broken build, not a measurement; the
 * "nothing moves while paused" checks wait for the pause to be heard,
 * let what was in flight land, then compare counts over a while.
 */
#include <sys/stat.h>

#include <signal.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatd/file_ops.h"
#include "common/hex.h"
#include "common/mono.h"
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
#define T_DELIVER	240000	/* a friend request */
#define T_CONNECT	180000	/* friends connect once both are friends */
#define T_FILE		300000	/* 10 MB at c-toxcore's pace, with room */
#define T_CONTROL	60000	/* an offer, accept, pause, cancel */
#define T_SETTLE	2000	/* for what was in flight to land */
#define BIG		(10 * 1024 * 1024)
#define MID		(64 * 1024)	/* moved before a pause or cancel */
#define SEEK_AT		(3 * 1371 + 5)	/* not on a chunk's edge */

static struct bootstrapd	 bsd;
static struct bh		 b;
static struct bh		*bs[1] = { &b };
static struct toxpeer		 t;
static struct toxpeer		*ts[1] = { &t };
static int			 b_up, connected;
static char			 address[77];	/* bulkhead's Tox ID */
static char			 pk[65];	/* bulkhead's key, hex */
static uint8_t			 pk_bin[TOX_PUBLIC_KEY_SIZE];
static long			 number = -1;	/* c-toxcore on bulkhead's */
static uint32_t			 tnum;		/* bulkhead on c-toxcore's */

static char	 top[64];		/* the test's scratch dir */
static char	 dl[96];		/* bulkhead's download dir */
static char	 src[96];		/* files bulkhead sends */
static char	 sentinel[96];		/* beside dl: must stay as it is */
static char	 big_path[128], empty_path[128];
static uint8_t	*big;			/* BIG bytes, every chunk unlike */
static char	 big_hex[65], empty_hex[65];
static size_t	 offers_seen;		/* c-toxcore's offers taken */

static const char	 sentinel_text[] = "the download dir's neighbour\n";

static void
sha256_hex(const uint8_t *data, size_t len, char out[65])
{
	uint8_t	h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	hex_encode(h, sizeof(h), out);
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

/* The whole file at path, malloc'd, its length in *len; NULL if none. */
static uint8_t *
read_all(const char *path, size_t *len)
{
	struct stat	 st;
	uint8_t		*buf;
	ssize_t		 r;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		(void)close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size &&
	    (r = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	(void)close(fd);
	*len = got;
	return buf;
}

static int
cmp_str(const void *a, const void *b2)
{
	return strcmp(*(char *const *)a, *(char *const *)b2);
}

#define NAMES	512

/* Adds the names in dir (strdup'd) to names[*n..NAMES); -1 if unread. */
static int
names_in(const char *dir, char *names[NAMES], size_t *n)
{
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL && *n < NAMES)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			names[(*n)++] = strdup(e->d_name);
	(void)closedir(d);
	return 0;
}

/*
 * names[0..n) sorted, each followed by a newline (a name with a newline
 * in it shows as two), in one malloc'd string; the names are freed.
 */
static char *
join(char *names[NAMES], size_t n)
{
	char	*out;
	size_t	 i, len = 1;

	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++)
		len += strlen(names[i]) + 1;
	if ((out = malloc(len)) != NULL)
		out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (out != NULL) {
			strcat(out, names[i]);
			strcat(out, "\n");
		}
		free(names[i]);
	}
	return out;
}

/* The names in dir, as join gives them; NULL if dir cannot be read. */
static char *
listing(const char *dir)
{
	char	*names[NAMES];
	size_t	 n = 0;

	if (names_in(dir, names, &n) == -1)
		return NULL;
	return join(names, n);
}

static int
setup(void **state)
{
	uint32_t	x = 0x2545f491u;
	size_t		i;

	if ((big = malloc(BIG)) == NULL)
		return -1;
	for (i = 0; i < BIG; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		big[i] = (uint8_t)(x >> 3);
	}
	sha256_hex(big, BIG, big_hex);
	sha256_hex(NULL, 0, empty_hex);
	snprintf(top, sizeof(top), "/tmp/bh-files-XXXXXX");
	if (mkdtemp(top) == NULL)
		return -1;
	snprintf(dl, sizeof(dl), "%s/dl", top);
	snprintf(src, sizeof(src), "%s/src", top);
	snprintf(sentinel, sizeof(sentinel), "%s/sentinel", top);
	snprintf(big_path, sizeof(big_path), "%s/ten ✓.bin", src);
	snprintf(empty_path, sizeof(empty_path), "%s/empty.txt", src);
	if (mkdir(dl, 0700) == -1 || mkdir(src, 0700) == -1 ||
	    write_file(sentinel, sentinel_text, strlen(sentinel_text)) ==
	    -1 || write_file(big_path, big, BIG) == -1 ||
	    write_file(empty_path, "", 0) == -1)
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
	free(big);
	return 0;
}

static json_t *
cmd(json_t *req)
{
	json_t	*r = bh_call(&b, req, T_REPLY);
	char	*s;

	if (r == NULL)
		bh_dump_log(&b);
	assert_non_null(r);
	if (!json_is_true(json_object_get(r, "ok"))) {
		s = json_dumps(r, JSON_COMPACT);
		fprintf(stderr, "reply: %s\n", s);
		free(s);
		fail_msg("%s failed", json_string_value(json_object_get(r,
		    "reply")));
	}
	return r;
}

/* A file command {"cmd", "friend", "file"} that must answer ok. */
static void
file_cmd(const char *name, long long file)
{
	json_decref(cmd(json_pack("{s:s, s:I, s:I}", "cmd", name, "friend",
	    (json_int_t)number, "file", (json_int_t)file)));
}

static void
need_connected(void)
{
	if (!connected)
		fail_msg("no friendship: a_connect failed");
}

/* Runs both sides until cond(arg), or fails with why and the log. */
static void
run_until(int ms, int (*cond)(void *), void *arg, const char *why)
{
	if (!toxpeer_run(ts, 1, bs, 1, ms, cond, arg)) {
		bh_dump_log(&b);
		fail_msg("%s", why);
	}
}

/* Both sides a while, for what was in flight to land. */
static void
settle(void)
{
	toxpeer_run(ts, 1, bs, 1, T_SETTLE, NULL, NULL);
}

/*
 * A wait on both sides at once: c-toxcore's record f meets fcond (if
 * set) and bulkhead has an event like want (if set) from its from'th.
 */
struct both {
	struct toxpeer_file	*f;
	int			(*fcond)(void *);
	json_t			*want;
	size_t			 from;
};

static int
both_cond(void *arg)
{
	struct both	*w = arg;

	return (w->fcond == NULL || w->fcond(w->f)) &&
	    (w->want == NULL || bh_find(&b, w->from, w->want) != NULL);
}

/*
 * Waits as both says (want taken); fails with why, and the events of
 * want's name that did come.  Returns the event (borrowed) or NULL.
 */
static json_t *
await(struct toxpeer_file *f, int (*fcond)(void *), json_t *want,
    size_t from, int ms, const char *why)
{
	struct both	 w = { f, fcond, want, from };
	json_t		*e;
	char		*s;
	size_t		 i;

	if (!toxpeer_run(ts, 1, bs, 1, ms, both_cond, &w)) {
		bh_dump_log(&b);
		if (want != NULL)
			json_array_foreach(b.events, i, e) {
				if (i < from || !json_equal(json_object_get(e,
				    "event"), json_object_get(want, "event")))
					continue;
				s = json_dumps(e, JSON_COMPACT);
				fprintf(stderr, "had: %s\n", s);
				free(s);
			}
		if (f != NULL)
			fprintf(stderr, "c-toxcore's file %u: %llu bytes, "
			    "done %d, cancelled %d, accepted %d, paused by "
			    "friend %d\n", f->number,
			    (unsigned long long)f->bytes, f->done,
			    (int)f->cancelled, f->accepted, f->paused_friend);
		json_decref(want);
		fail_msg("%s", why);
	}
	e = want != NULL ? bh_find(&b, from, want) : NULL;
	json_decref(want);
	return e;
}

/* An event like {"event": name, "friend", "file"}, for await. */
static json_t *
file_event(const char *name, long long file)
{
	return json_pack("{s:s, s:I, s:I}", "event", name, "friend",
	    (json_int_t)number, "file", (json_int_t)file);
}

/* How many events like want (taken) came from the from'th on. */
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

static size_t
mark(void)
{
	return json_array_size(b.events);
}

/* a: the world and the friendship the other tests use. */

static int
announced(void *arg)
{
	return bh_onion_announced(arg) == 1;
}

static void
a_connect(void **state)
{
	char			 opt[128];
	const char		*extra[] = { opt, NULL };
	struct toxpeer_want	 tw;
	uint8_t			 addr[TOX_ADDRESS_SIZE];
	json_t			*r;

	snprintf(opt, sizeof(opt), "--download-dir=%s", dl);
	assert_int_equal(bh_start_joined_with(&b, NULL, PORT_BH, ADDR,
	    PORT_BSD, bsd.key, extra), 0);
	b_up = 1;
	assert_int_equal(toxpeer_start(&t, "c-toxcore", PORT_TOX, ADDR,
	    PORT_BSD, bsd.key), 0);
	run_until(T_ANNOUNCE, announced, &b,
	    "bulkhead never said it was announced");
	assert_int_equal(bh_address(&b, address, T_REPLY), 0);
	memcpy(pk, address, 64);
	pk[64] = '\0';
	assert_int_equal(hex_decode(pk, 64, pk_bin, sizeof(pk_bin)), 0);

	/* c-toxcore adds bulkhead, bulkhead accepts */
	assert_int_equal(hex_decode(address, 76, addr, sizeof(addr)), 0);
	assert_int_equal(toxpeer_add(&t, addr, "files, please"), 0);
	tnum = (uint32_t)toxpeer_friend(&t, pk_bin);
	assert_true(tnum < TOXPEER_FRIENDS);
	(void)await(NULL, NULL, json_pack("{s:s, s:s}", "event",
	    "friend_request", "public_key", t.pk_hex), 0, T_DELIVER,
	    "no friend_request from c-toxcore");
	r = cmd(json_pack("{s:s, s:s}", "cmd", "accept", "public_key",
	    t.pk_hex));
	assert_true(json_is_integer(json_object_get(r, "friend")));
	number = (long)json_integer_value(json_object_get(r, "friend"));
	json_decref(r);

	memset(&tw, 0, sizeof(tw));
	tw.p = &t;
	tw.friend = tnum;
	(void)await(NULL, NULL, json_pack("{s:s, s:s, s:s}", "event",
	    "friend_connection", "public_key", t.pk_hex, "connection",
	    "udp"), 0, T_CONNECT, "bulkhead never had c-toxcore connected");
	run_until(T_CONNECT, toxpeer_friend_connected, &tw,
	    "c-toxcore never had bulkhead connected");
	connected = 1;
}

/*
 * c-toxcore's next file offer (after offers_seen), once it came.  Avatar
 * offers are passed over: bulkhead offers one of size 0 when a friend
 * comes online, and it may land after the count was taken.
 */
static struct toxpeer_file *
t_offer(const char *why)
{
	struct toxpeer_fwant	 w = { &t, NULL, 0 };
	struct toxpeer_file	*f;

	do {
		w.n = ++offers_seen;
		run_until(T_CONTROL, toxpeer_file_has_offers, &w, why);
		assert_int_equal(t.nfile_lost, 0);
		f = toxpeer_file_offer(&t, w.n - 1);
		assert_non_null(f);
	} while (f->kind == TOX_FILE_KIND_AVATAR);
	assert_int_equal(f->friend, tnum);
	return f;
}

/*
 * bulkhead: file_send path, of size bytes.  Checks the reply and that
 * c-toxcore's offer says the same; the file number, and c-toxcore's
 * record in *in.
 */
static long long
b_send(const char *path, uint64_t size, struct toxpeer_file **in)
{
	const char	*name = strrchr(path, '/') + 1;
	json_t		*r;
	long long	 file;

	/* its offer is the first after those before (a failed test may
	 * have left one not taken) */
	offers_seen = toxpeer_file_offers(&t);
	r = cmd(json_pack("{s:s, s:I, s:s}", "cmd", "file_send", "friend",
	    (json_int_t)number, "path", path));
	assert_int_equal(json_integer_value(json_object_get(r, "friend")),
	    number);
	assert_string_equal(json_string_value(json_object_get(r,
	    "public_key")), t.pk_hex);
	assert_string_equal(json_string_value(json_object_get(r, "name")),
	    name);
	assert_true(json_is_integer(json_object_get(r, "size")));
	assert_int_equal(json_integer_value(json_object_get(r, "size")),
	    size);
	assert_true(json_is_integer(json_object_get(r, "file")));
	file = json_integer_value(json_object_get(r, "file"));
	json_decref(r);
	assert_true(file >= 0 && file <= 255);

	*in = t_offer("c-toxcore had no offer from bulkhead");
	/* c-toxcore numbers what it receives (slot + 1) << 16, the slot
	 * being ours on the wire */
	assert_int_equal((*in)->number, ((uint32_t)file + 1) << 16);
	assert_int_equal((*in)->kind, TOX_FILE_KIND_DATA);
	assert_int_equal((*in)->size, size);
	assert_int_equal((*in)->name_len, strlen(name));
	assert_memory_equal((*in)->name, name, strlen(name));
	return file;
}

/* bulkhead's file_done for file: direction, size, SHA-256 (and path). */
static void
check_done(json_t *e, const char *dir, uint64_t size, const char *hex,
    const char *path)
{
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e,
	    "direction")), dir);
	assert_true(json_is_integer(json_object_get(e, "size")));
	assert_int_equal(json_integer_value(json_object_get(e, "size")),
	    size);
	assert_non_null(json_string_value(json_object_get(e, "sha256")));
	if (hex != NULL)
		assert_string_equal(json_string_value(json_object_get(e,
		    "sha256")), hex);
	if (path != NULL)
		assert_string_equal(json_string_value(json_object_get(e,
		    "path")), path);
}

/*
 * bulkhead's file_progress events for file from from on: total as told,
 * bytes never past it nor going back.  How many there were.
 */
static size_t
check_progress(long long file, size_t from, uint64_t total)
{
	json_t		*e, *want;
	json_int_t	 last = 0, by;
	size_t		 i, n = 0;

	want = file_event("file_progress", file);
	for (i = from; i < json_array_size(b.events); i++) {
		e = json_array_get(b.events, i);
		if (bh_find(&b, i, want) != e)
			continue;
		n++;
		assert_true(json_is_integer(json_object_get(e, "bytes")));
		assert_true(json_is_number(json_object_get(e, "rate")));
		by = json_integer_value(json_object_get(e, "bytes"));
		if (total == UINT64_MAX)
			assert_true(json_is_null(json_object_get(e, "total")));
		else {
			assert_int_equal(json_integer_value(json_object_get(e,
			    "total")), total);
			assert_true((uint64_t)by <= total);
		}
		assert_true(by >= last);
		last = by;
	}
	json_decref(want);
	return n;
}

/* bulkhead sends path (size, SHA-256 hex) whole to c-toxcore. */
static void
b_sends_whole(const char *path, uint64_t size, const char *hex,
    int progress)
{
	struct toxpeer_file	*in;
	size_t			 from = mark();
	long long		 file;
	uint64_t		 t0;
	json_t			*e;

	t0 = mono_ms();
	file = b_send(path, size, &in);
	assert_int_equal(toxpeer_file_accept(&t, in), 0);
	(void)await(NULL, NULL, file_event("file_accepted", file), from,
	    T_CONTROL, "bulkhead never heard c-toxcore accept");
	e = await(in, toxpeer_file_is_over, json_pack("{s:s, s:I, s:I, s:s}",
	    "event", "file_done", "friend", (json_int_t)number, "file",
	    (json_int_t)file, "direction", "out"), from, T_FILE,
	    "the file did not arrive or bulkhead never said file_done");
	check_done(e, "out", size, hex, path);
	assert_true(in->done);
	assert_int_equal(in->bytes, size);
	assert_int_equal(in->ngap, 0);
	assert_string_equal(in->sha256_hex, hex);
	/* at most 2 a second: one is owed a transfer of a second or more */
	if (progress && check_progress(file, from, size) == 0 &&
	    mono_ms() - t0 >= 2 * FILE_PROGRESS_MS)
		fail_msg("no file_progress for %llu bytes in %llu ms",
		    (unsigned long long)size,
		    (unsigned long long)(mono_ms() - t0));
}

static void
b_bulkhead_to_libtoxcore(void **state)
{
	need_connected();
	b_sends_whole(big_path, BIG, big_hex, 1);
	b_sends_whole(empty_path, 0, empty_hex, 0);
}

/*
 * c-toxcore offers data[0..len) named name[0..name_len), a stream of
 * unknown size if stream; bulkhead's file_offer for it comes (the first
 * after the offer was made) and is checked.  The file number on
 * bulkhead's side; c-toxcore's record in *out, the event (borrowed) in
 * *offer.
 */
static long long
t_offers(const void *data, size_t len, int stream, const void *name,
    size_t name_len, struct toxpeer_file **out, json_t **offer)
{
	size_t		 from = mark();
	json_int_t	 file;

	*out = toxpeer_file_send(&t, tnum, TOX_FILE_KIND_DATA, data, len,
	    stream, NULL, name, name_len);
	assert_non_null(*out);
	*offer = await(NULL, NULL, json_pack("{s:s, s:s}", "event",
	    "file_offer", "public_key", t.pk_hex), from, T_CONTROL,
	    "bulkhead never said file_offer");
	assert_int_equal(json_integer_value(json_object_get(*offer,
	    "friend")), number);
	assert_true(json_is_integer(json_object_get(*offer, "file")));
	file = json_integer_value(json_object_get(*offer, "file"));
	/* as c-toxcore numbers incoming files: (slot + 1) << 16 */
	assert_int_equal(file & 0xffff, 0);
	assert_true(file >> 16 >= 1 && file >> 16 <= 256);
	assert_string_equal(json_string_value(json_object_get(*offer,
	    "kind")), "data");
	if (stream)
		assert_true(json_is_null(json_object_get(*offer, "size")));
	else
		assert_int_equal(json_integer_value(json_object_get(*offer,
		    "size")), len);
	assert_non_null(json_string_value(json_object_get(*offer, "name")));
	return file;
}

/*
 * bulkhead accepts file (to path if not NULL); the path the reply gives,
 * copied into got.
 */
static void
b_accept(long long file, const char *path, char got[PATH_MAX])
{
	json_t		*req, *r;
	const char	*s;

	req = json_pack("{s:s, s:I, s:I}", "cmd", "file_accept", "friend",
	    (json_int_t)number, "file", (json_int_t)file);
	if (path != NULL)
		json_object_set_new(req, "path", json_string(path));
	r = cmd(req);
	assert_int_equal(json_integer_value(json_object_get(r, "friend")),
	    number);
	assert_int_equal(json_integer_value(json_object_get(r, "file")),
	    file);
	assert_non_null(s = json_string_value(json_object_get(r, "path")));
	assert_true(strlen(s) < PATH_MAX);
	snprintf(got, PATH_MAX, "%s", s);
	json_decref(r);
	if (path != NULL)
		assert_string_equal(got, path);
}

/* The file at path holds exactly data[0..len). */
static void
holds(const char *path, const uint8_t *data, size_t len)
{
	uint8_t	*got;
	size_t	 n = 0;

	if ((got = read_all(path, &n)) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	if (n != len || (len > 0 && memcmp(got, data, len) != 0)) {
		free(got);
		fail_msg("%s holds %zu bytes, not the %zu sent", path, n, len);
	}
	free(got);
}

/*
 * c-toxcore sends data[0..len) named name (a stream if stream); bulkhead
 * accepts (to path if not NULL) and the file arrives whole, with
 * progress reports if it is large.  The path it went to in got.
 */
static void
t_sends_whole(const uint8_t *data, size_t len, int stream, const void *name,
    size_t name_len, const char *path, char got[PATH_MAX])
{
	struct toxpeer_file	*out;
	json_t			*offer, *e;
	size_t			 from;
	long long		 file;
	uint64_t		 t0;
	char			 hex[65];

	sha256_hex(data, len, hex);
	file = t_offers(data, len, stream, name, name_len, &out, &offer);
	from = mark();
	t0 = mono_ms();
	b_accept(file, path, got);
	run_until(T_CONTROL, toxpeer_file_is_accepted, out,
	    "c-toxcore never heard bulkhead accept");
	e = await(out, toxpeer_file_is_over, json_pack("{s:s, s:I, s:I, s:s}",
	    "event", "file_done", "friend", (json_int_t)number, "file",
	    (json_int_t)file, "direction", "in"), from, T_FILE,
	    "the file did not go or bulkhead never said file_done");
	check_done(e, "in", len, hex, got);
	assert_true(out->done);
	assert_int_equal(out->bytes, len);
	assert_int_equal(out->nerr, 0);
	assert_string_equal(out->sha256_hex, hex);
	holds(got, data, len);
	if (len >= BIG && check_progress(file, from, stream ? UINT64_MAX :
	    len) == 0 && mono_ms() - t0 >= 2 * FILE_PROGRESS_MS)
		fail_msg("no file_progress for %zu bytes in %llu ms", len,
		    (unsigned long long)(mono_ms() - t0));
}

/* dir/name for a name without a slash. */
static int
in_dir(const char *path, const char *dir)
{
	size_t	l = strlen(dir);

	return strncmp(path, dir, l) == 0 && path[l] == '/' &&
	    strchr(path + l + 1, '/') == NULL && path[l + 1] != '\0';
}

static void
c_libtoxcore_to_bulkhead(void **state)
{
	char	got[PATH_MAX], want[PATH_MAX];

	need_connected();
	t_sends_whole(big, BIG, 0, "ten.bin", 7, NULL, got);
	if (!in_dir(got, dl))
		fail_msg("accepted to %s, not into %s", got, dl);
	snprintf(want, sizeof(want), "%s/ten.bin", dl);
	assert_string_equal(got, want);
	t_sends_whole(big, 0, 0, "nothing.txt", 11, NULL, got);
	if (!in_dir(got, dl))
		fail_msg("accepted to %s, not into %s", got, dl);
	/* a stream of unknown size, ended by a short chunk */
	t_sends_whole(big + 7, 300017, 1, "stream.bin", 10, NULL, got);
	if (!in_dir(got, dl))
		fail_msg("accepted to %s, not into %s", got, dl);
	/* to a path of the test's choosing */
	snprintf(want, sizeof(want), "%s/chosen.bin", src);
	t_sends_whole(big + 1000, 100000, 0, "other name.bin", 14, want, got);
}

/*
 * One transfer paused and resumed.  b_sends: bulkhead sends its 10 MB
 * file, else c-toxcore sends the same bytes; b_pauses: bulkhead pauses
 * and resumes, else c-toxcore does.
 */
static void
pause_resume(int b_sends, int b_pauses)
{
	struct toxpeer_file	*f;
	struct toxpeer_fwant	 w = { &t, NULL, MID };
	json_t			*offer, *e;
	size_t			 from;
	long long		 file;
	uint64_t		 n;
	char			 got[PATH_MAX];

	if (b_sends) {
		file = b_send(big_path, BIG, &f);
		assert_int_equal(toxpeer_file_accept(&t, f), 0);
	} else {
		file = t_offers(big, BIG, 0, "paused.bin", 10, &f, &offer);
		b_accept(file, NULL, got);
	}
	w.f = f;
	run_until(T_FILE, toxpeer_file_has_bytes, &w,
	    "too few bytes moved before the pause");
	if (toxpeer_file_is_over(f))
		fail_msg("the file was over before it could be paused");

	from = mark();
	if (b_pauses) {
		file_cmd("file_pause", file);
		run_until(T_CONTROL, toxpeer_file_friend_paused, f,
		    "c-toxcore never heard bulkhead pause");
	} else {
		assert_int_equal(toxpeer_file_pause(&t, f), 0);
		(void)await(NULL, NULL, file_event("file_paused", file), from,
		    T_CONTROL, "bulkhead never said file_paused");
	}
	/* heard: once what was in flight landed, nothing moves */
	settle();
	n = f->bytes;
	settle();
	if (f->bytes != n)
		fail_msg("%llu bytes moved while paused",
		    (unsigned long long)(f->bytes - n));
	assert_false(toxpeer_file_is_over(f));
	assert_true(f->bytes < BIG);

	from = mark();
	if (b_pauses) {
		w.n = f->nresume + 1;
		file_cmd("file_resume", file);
		run_until(T_CONTROL, toxpeer_file_has_resumes, &w,
		    "c-toxcore never heard bulkhead resume");
		assert_false(f->paused_friend);
	} else {
		assert_int_equal(toxpeer_file_resume(&t, f), 0);
		(void)await(NULL, NULL, file_event("file_resumed", file), from,
		    T_CONTROL, "bulkhead never said file_resumed");
	}
	e = await(f, toxpeer_file_is_over, json_pack("{s:s, s:I, s:I, s:s}",
	    "event", "file_done", "friend", (json_int_t)number, "file",
	    (json_int_t)file, "direction", b_sends ? "out" : "in"), from,
	    T_FILE, "after the resume the file never ended on both sides");
	check_done(e, b_sends ? "out" : "in", BIG, big_hex, b_sends ?
	    big_path : got);
	assert_true(f->done);
	assert_int_equal(f->bytes, BIG);
	assert_string_equal(f->sha256_hex, big_hex);
	if (!b_sends)
		holds(got, big, BIG);
}

static void
d_pause_resume_bulkhead_sends(void **state)
{
	need_connected();
	pause_resume(1, 1);
	pause_resume(1, 0);
}

static void
d_pause_resume_libtoxcore_sends(void **state)
{
	need_connected();
	pause_resume(0, 1);
	pause_resume(0, 0);
}

/*
 * One transfer cancelled.  b_sends as above; b_cancels: bulkhead
 * cancels, else c-toxcore; early: before it was accepted (a decline).
 */
static void
cancel(int b_sends, int b_cancels, int early)
{
	struct toxpeer_file	*f;
	struct toxpeer_fwant	 w = { &t, NULL, MID };
	json_t			*offer;
	size_t			 from = mark();
	long long		 file;
	char			 got[PATH_MAX];

	if (b_sends)
		file = b_send(big_path, BIG, &f);
	else
		file = t_offers(big, BIG, 0, "cancelled.bin", 13, &f, &offer);
	if (!early) {
		if (b_sends)
			assert_int_equal(toxpeer_file_accept(&t, f), 0);
		else
			b_accept(file, NULL, got);
		w.f = f;
		run_until(T_FILE, toxpeer_file_has_bytes, &w,
		    "too few bytes moved before the cancel");
		if (toxpeer_file_is_over(f))
			fail_msg("the file was over before it could be "
			    "cancelled");
	}
	if (b_cancels) {
		/* an offer to bulkhead is declined; the rest cancelled */
		file_cmd(early && !b_sends ? "file_decline" : "file_cancel",
		    file);
		run_until(T_CONTROL, toxpeer_file_is_cancelled, f,
		    "c-toxcore never heard bulkhead cancel");
		if (f->cancelled != TOXPEER_BY_FRIEND)
			bh_dump_log(&b);	/* offline: the rate trace */
		assert_int_equal(f->cancelled, TOXPEER_BY_FRIEND);
	} else {
		assert_int_equal(toxpeer_file_cancel(&t, f), 0);
		(void)await(NULL, NULL, json_pack("{s:s, s:I, s:I, s:s}",
		    "event", "file_cancelled", "friend", (json_int_t)number,
		    "file", (json_int_t)file, "why", "friend"), from,
		    T_CONTROL, "bulkhead never said file_cancelled by the "
		    "friend");
	}
	if (early) {
		assert_false(f->accepted);
		assert_int_equal(f->bytes, 0);
	}
	/* and that was the end of it */
	settle();
	if (count_from(json_pack("{s:s, s:I, s:I}", "event", "file_done",
	    "friend", (json_int_t)number, "file", (json_int_t)file), from) != 0)
		fail_msg("file_done for a cancelled file");
	assert_false(f->done);
}

static void
e_cancel_bulkhead_sends(void **state)
{
	need_connected();
	cancel(1, 1, 0);
	cancel(1, 0, 0);
	cancel(1, 0, 1);	/* c-toxcore declines bulkhead's offer */
}

static void
e_cancel_libtoxcore_sends(void **state)
{
	need_connected();
	cancel(0, 1, 0);
	cancel(0, 0, 0);
	cancel(0, 1, 1);	/* bulkhead declines c-toxcore's offer */
}

static void
f_seek_before_accept(void **state)
{
	struct toxpeer_file	*in;
	size_t			 from = mark();
	long long		 file;
	char			 hex[65];

	need_connected();
	file = b_send(big_path, BIG, &in);
	assert_int_equal(toxpeer_file_seek(&t, in, SEEK_AT), 0);
	assert_int_equal(toxpeer_file_accept(&t, in), 0);
	(void)await(in, toxpeer_file_is_over, json_pack("{s:s, s:I, s:I, s:s}",
	    "event", "file_done", "friend", (json_int_t)number, "file",
	    (json_int_t)file, "direction", "out"), from, T_FILE,
	    "the file from the seek on did not arrive or bulkhead never said "
	    "file_done");
	assert_true(in->done);
	assert_int_equal(in->ngap, 0);
	assert_int_equal(in->start, SEEK_AT);
	assert_int_equal(in->bytes, BIG - SEEK_AT);
	assert_int_equal(in->end, BIG);
	sha256_hex(big + SEEK_AT, BIG - SEEK_AT, hex);
	assert_string_equal(in->sha256_hex, hex);
}

/* A name as a file or display name may not be: control characters. */
static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

#define HOSTILE	9

static void
g_hostile_names(void **state)
{
	static char	 utf8[256];	/* 85 three-byte characters */
	static char	 pre_text[] = "here before ✓\n";
	const char	*names[HOSTILE] = { "../x", ".bashrc",
			    "a\x01" "b\x1b[31mc\nd\x7f" "e\t.txt",
			    utf8, "sub/dir/../../y", "/abs", "same.txt",
			    "same.txt", "pre.txt" };
	static char	 paths[HOSTILE][PATH_MAX];
	char		 pre[PATH_MAX];
	char		*before[NAMES], *top_before, *src_before, *want, *s;
	const char	*name, *base;
	struct toxpeer_file *out;
	json_t		*offer, *e;
	size_t		 i, k, len, from, nbefore = 0;
	long long	 file;
	char		 hex[65];

	need_connected();
	for (i = 0; i < 85; i++)
		memcpy(utf8 + 3 * i, "日", 3);
	utf8[255] = '\0';
	snprintf(pre, sizeof(pre), "%s/pre.txt", dl);
	assert_int_equal(write_file(pre, pre_text, strlen(pre_text)), 0);
	assert_non_null(top_before = listing(top));
	assert_non_null(src_before = listing(src));
	assert_int_equal(names_in(dl, before, &nbefore), 0);

	for (i = 0; i < HOSTILE; i++) {
		len = 1000 + i;
		file = t_offers(big + 4096 * i, len, 0, names[i],
		    strlen(names[i]), &out, &offer);
		name = json_string_value(json_object_get(offer, "name"));
		if (has_control(name))
			fail_msg("offer %zu's name shows control characters",
			    i);
		/* accepted without a path: into the download dir */
		from = mark();
		b_accept(file, NULL, paths[i]);
		e = await(out, toxpeer_file_is_over,
		    json_pack("{s:s, s:I, s:I, s:s}", "event", "file_done",
		    "friend", (json_int_t)number, "file", (json_int_t)file,
		    "direction", "in"), from, T_FILE,
		    "a hostile name's file did not arrive");
		sha256_hex(big + 4096 * i, len, hex);
		check_done(e, "in", len, hex, paths[i]);
		assert_true(out->done);
		if (!in_dir(paths[i], dl))
			fail_msg("name %zu went to %s, not directly into %s",
			    i, paths[i], dl);
		base = paths[i] + strlen(dl) + 1;
		if (base[0] == '.' || has_control(base) ||
		    strlen(base) > NAME_MAX)
			fail_msg("name %zu became the unsafe name \"%s\"", i,
			    base);
		for (k = 0; k < i; k++)
			if (strcmp(paths[k], paths[i]) == 0)
				fail_msg("names %zu and %zu both went to %s",
				    k, i, paths[i]);
		if (strcmp(paths[i], pre) == 0)
			fail_msg("name %zu went over the file already there",
			    i);
		for (k = 0; k < nbefore; k++)
			if (strcmp(before[k], base) == 0)
				fail_msg("name %zu went over %s, there before",
				    i, base);
	}

	/* every file holds its own bytes: none overwrote another */
	for (i = 0; i < HOSTILE; i++)
		holds(paths[i], big + 4096 * i, 1000 + i);
	holds(pre, (const uint8_t *)pre_text, strlen(pre_text));
	/* the download dir gained those files and nothing else */
	for (i = 0; i < HOSTILE && nbefore < NAMES; i++)
		before[nbefore++] = strdup(paths[i] + strlen(dl) + 1);
	assert_non_null(want = join(before, nbefore));
	assert_non_null(s = listing(dl));
	assert_string_equal(s, want);
	free(s);
	free(want);
	/* and nothing beside it changed */
	assert_non_null(s = listing(top));
	assert_string_equal(s, top_before);
	free(s);
	assert_non_null(s = listing(src));
	assert_string_equal(s, src_before);
	free(s);
	holds(sentinel, (const uint8_t *)sentinel_text,
	    strlen(sentinel_text));
	free(top_before);
	free(src_before);
}

/* h: resume after bulkhead was killed half way. */

static int
offer_of(void *arg)
{
	json_t	*want = json_pack("{s:s, s:s}", "event", "file_offer",
		    "public_key", t.pk_hex);
	int	 yes = bh_find(&b, *(size_t *)arg, want) != NULL;

	json_decref(want);	/* bh_find borrows it */
	return yes;
}

/* The first file_offer from the from'th event on (borrowed). */
static json_t *
first_offer(size_t from)
{
	json_t	*want = json_pack("{s:s}", "event", "file_offer");
	json_t	*e = bh_find(&b, from, want);

	json_decref(want);
	return e;
}

static void
h_resume_after_restart(void **state)
{
	char			 opt[128], dir[256], got[PATH_MAX], again[PATH_MAX];
	char			 idhex[65];
	const char		*extra[] = { opt, NULL };
	struct toxpeer_fwant	 w = { &t, NULL, BIG / 4 };
	struct toxpeer_want	 tw;
	struct toxpeer_file	*out;
	struct stat		 st;
	uint8_t			 id[TOX_FILE_ID_LENGTH];
	json_t			*offer, *r, *e;
	json_int_t		 file, have;
	size_t			 from;

	need_connected();
	randombytes_buf(id, sizeof(id));
	hex_encode(id, sizeof(id), idhex);
	from = mark();
	out = toxpeer_file_send(&t, tnum, TOX_FILE_KIND_DATA, big, BIG, 0, id,
	    "resume.bin", 10);
	assert_non_null(out);
	run_until(T_CONTROL, offer_of, &from, "bulkhead never said file_offer");
	offer = first_offer(from);
	file = json_integer_value(json_object_get(offer, "file"));
	assert_string_equal(json_string_value(json_object_get(offer,
	    "file_id")), idhex);
	b_accept(file, NULL, got);
	w.f = out;
	run_until(T_FILE, toxpeer_file_has_bytes, &w,
	    "a quarter of the file never went");
	if (toxpeer_file_is_over(out))
		fail_msg("the file was over before bulkhead could be killed");

	/* bulkhead dies at once, its files as they are */
	snprintf(dir, sizeof(dir), "%s", b.dir);
	b.keep_dir = 1;
	kill(b.pid, SIGKILL);
	bh_stop(&b);
	b_up = 0;
	run_until(T_CONNECT, toxpeer_file_is_over, out,
	    "c-toxcore never saw the transfer end");
	assert_int_equal(stat(got, &st), 0);
	if (st.st_size <= 0 || st.st_size >= BIG)
		fail_msg("%s holds %lld bytes: not a file half way",
		    got, (long long)st.st_size);

	/* the same profile again; the friend comes back */
	snprintf(opt, sizeof(opt), "--download-dir=%s", dl);
	assert_int_equal(bh_start_joined_with(&b, dir, PORT_BH, ADDR,
	    PORT_BSD, bsd.key, extra), 0);
	b_up = 1;
	b.keep_dir = 0;		/* the scratch dir goes with the session */
	(void)await(NULL, NULL, json_pack("{s:s, s:s}", "event",
	    "friend_connection", "public_key", t.pk_hex), 0, T_CONNECT,
	    "bulkhead never had c-toxcore connected again");
	memset(&tw, 0, sizeof(tw));
	tw.p = &t;
	tw.friend = tnum;
	run_until(T_CONNECT, toxpeer_friend_connected, &tw,
	    "c-toxcore never had bulkhead connected again");

	/* the same file id offered again: bulkhead knows what it has */
	from = mark();
	offers_seen = toxpeer_file_offers(&t);
	out = toxpeer_file_send(&t, tnum, TOX_FILE_KIND_DATA, big, BIG, 0, id,
	    "resume.bin", 10);
	assert_non_null(out);
	run_until(T_CONTROL, offer_of, &from,
	    "bulkhead never said file_offer again");
	offer = first_offer(from);
	file = json_integer_value(json_object_get(offer, "file"));
	assert_string_equal(json_string_value(json_object_get(offer,
	    "file_id")), idhex);
	have = (json_int_t)st.st_size;
	from = mark();
	r = cmd(json_pack("{s:s, s:I, s:I}", "cmd", "file_accept", "friend",
	    (json_int_t)number, "file", file));
	snprintf(again, sizeof(again), "%s", json_string_value(
	    json_object_get(r, "path")));
	assert_string_equal(again, got);
	assert_int_equal(json_integer_value(json_object_get(r,
	    "resumed_from")), have);
	json_decref(r);
	e = await(out, toxpeer_file_is_over, json_pack("{s:s, s:I, s:I, s:s}",
	    "event", "file_done", "friend", (json_int_t)number, "file", file,
	    "direction", "in"), from, T_FILE,
	    "the rest did not come or bulkhead never said file_done");
	/* c-toxcore sent only the rest; the file is whole */
	assert_true(out->done);
	assert_true(out->start == (uint64_t)have);
	assert_true(out->bytes == (uint64_t)(BIG - have));
	check_done(e, "in", BIG, big_hex, got);
	holds(got, big, BIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_connect),
		cmocka_unit_test(b_bulkhead_to_libtoxcore),
		cmocka_unit_test(c_libtoxcore_to_bulkhead),
		cmocka_unit_test(d_pause_resume_bulkhead_sends),
		cmocka_unit_test(d_pause_resume_libtoxcore_sends),
		cmocka_unit_test(e_cancel_bulkhead_sends),
		cmocka_unit_test(e_cancel_libtoxcore_sends),
		cmocka_unit_test(f_seek_before_accept),
		cmocka_unit_test(g_hostile_names),
		cmocka_unit_test(h_resume_after_restart),
	};

	/* BH_TEST_ONLY=a_connect: that test alone */
	if (getenv("BH_TEST_ONLY") != NULL)
		cmocka_set_test_filter(getenv("BH_TEST_ONLY"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
