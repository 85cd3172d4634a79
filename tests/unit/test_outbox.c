/*
 * keyd's outbox store in a temporary directory: put, delete and reload
 * round trips; a put is in the file when it returns (read back by a
 * second outbox, and by a writer killed with SIGKILL at a random moment);
 * ids never come back, even after emptying and reloading; the bounds;
 * the file holds no plaintext; and a damaged file (every byte flipped,
 * every truncation), a wrong key, a wrong version or an oversized file is
 * refused, reported, and left byte for byte as it was until
 * outbox_reset() moves it aside.  Plaintexts for the bounds and the
 * inner parser are built here byte by byte, not with the codec.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "keyd/outbox.h"
#include "keyd/profile_store.h"

static char		dir[64], path[96], obpath[128];
static struct pstore	prof;
static uint8_t		key1[OUTBOX_KEY_LEN], key2[OUTBOX_KEY_LEN];
static uint8_t		pk_a[TOX_PK_LEN], pk_b[TOX_PK_LEN];

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/bh-outbox-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	snprintf(obpath, sizeof(obpath), "%s/profile.tox.outbox", dir);
	if (pstore_open(&prof, path) == -1)
		return -1;
	outbox_key_derive(key1, (const uint8_t *)"profile key one", 15);
	outbox_key_derive(key2, (const uint8_t *)"profile key two", 15);
	memset(pk_a, 0xa1, sizeof(pk_a));
	memset(pk_b, 0xb2, sizeof(pk_b));
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[96];

	pstore_close(&prof);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The outbox file's bytes (malloc), or NULL if there is none. */
static uint8_t *
file_bytes(const char *p, size_t *len)
{
	struct stat	 st;
	uint8_t		*buf;
	int		 fd;

	if ((fd = open(p, O_RDONLY)) == -1)
		return NULL;
	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	assert_non_null(buf = malloc(*len + 1));
	assert_int_equal(read(fd, buf, *len + 1), (ssize_t)*len);
	close(fd);
	return buf;
}

static void
put_file(const char *p, const uint8_t *buf, size_t len)
{
	int	fd;

	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static struct outbox *
loaded(const uint8_t *key, enum outbox_err want)
{
	struct outbox	*ob;

	assert_non_null(ob = outbox_new(key));
	assert_int_equal(outbox_load(ob, &prof), want);
	return ob;
}

static uint64_t
put(struct outbox *ob, const uint8_t *pk, uint8_t action, const char *text,
    uint64_t now)
{
	uint64_t	id;

	assert_int_equal(outbox_put(ob, pk, action, (const uint8_t *)text,
	    strlen(text), now, &id), OUTBOX_OK);
	return id;
}

static void
assert_entry(const struct outbox *ob, uint64_t id, const uint8_t *pk,
    uint8_t action, const char *text, uint64_t created)
{
	struct outbox_entry	e;

	assert_int_equal(outbox_find(ob, id, &e), 0);
	assert_int_equal(e.id, id);
	assert_memory_equal(e.pk, pk, TOX_PK_LEN);
	assert_int_equal(e.action, action);
	assert_int_equal(e.created, created);
	assert_int_equal(e.len, strlen(text));
	assert_memory_equal(e.text, text, e.len);
}

static void
outbox_round_trip(void **state)
{
	struct outbox		*ob, *re;
	struct outbox_entry	 e;
	uint64_t		 a1, b1, a2;
	struct stat		 st;

	ob = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_count(ob), 0);
	assert_int_equal(outbox_next_id(ob), 1);
	/* No file until something is put. */
	assert_int_equal(stat(obpath, &st), -1);
	a1 = put(ob, pk_a, 0, "hello a", 1000);
	b1 = put(ob, pk_b, 1, "waves at b", 1001);
	a2 = put(ob, pk_a, 0, "second to a", 1002);
	assert_true(a1 < b1 && b1 < a2);
	assert_int_equal(stat(obpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(outbox_count_friend(ob, pk_a), 2);
	assert_int_equal(outbox_count_friend(ob, pk_b), 1);
	assert_int_equal(outbox_text_bytes(ob), 7 + 10 + 11);

	re = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_count(re), 3);
	assert_entry(re, a1, pk_a, 0, "hello a", 1000);
	assert_entry(re, b1, pk_b, 1, "waves at b", 1001);
	assert_entry(re, a2, pk_a, 0, "second to a", 1002);
	/* In id order. */
	assert_int_equal(outbox_at(re, 0, &e), 0);
	assert_int_equal(e.id, a1);
	assert_int_equal(outbox_at(re, 2, &e), 0);
	assert_int_equal(e.id, a2);
	assert_int_equal(outbox_at(re, 3, &e), -1);
	assert_int_equal(outbox_next_id(re), a2 + 1);
	outbox_free(re);

	/* A deletion is lazy: the file keeps it until the flush. */
	assert_int_equal(outbox_del(ob, b1), OUTBOX_OK);
	assert_int_equal(outbox_del(ob, b1), OUTBOX_ERR_NOTFOUND);
	assert_int_equal(outbox_find(ob, b1, &e), -1);
	assert_true(outbox_dirty(ob));
	re = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_count(re), 3);
	outbox_free(re);
	assert_int_equal(outbox_flush(ob), OUTBOX_OK);
	assert_false(outbox_dirty(ob));
	re = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_count(re), 2);
	assert_int_equal(outbox_find(re, b1, &e), -1);
	/* Texts after a deleted one moved down intact. */
	assert_entry(re, a2, pk_a, 0, "second to a", 1002);
	outbox_free(re);

	/* A friend deleted: all of theirs go. */
	put(ob, pk_b, 0, "to b again", 1003);
	assert_int_equal(outbox_del_friend(ob, pk_a), 2);
	assert_int_equal(outbox_del_friend(ob, pk_a), 0);
	assert_int_equal(outbox_count(ob), 1);
	assert_int_equal(outbox_flush(ob), OUTBOX_OK);
	re = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_count(re), 1);
	assert_int_equal(outbox_count_friend(re, pk_a), 0);
	assert_int_equal(outbox_at(re, 0, &e), 0);
	assert_int_equal(e.len, 10);
	assert_memory_equal(e.text, "to b again", 10);
	outbox_free(re);
	outbox_free(ob);
}

/* Each put is in the file, readable by another outbox, when it returns. */
static void
outbox_put_is_durable(void **state)
{
	struct outbox	*ob, *re;
	char		 text[64];
	uint64_t	 id;
	int		 i;

	ob = loaded(key1, OUTBOX_OK);
	assert_non_null(re = outbox_new(key1));
	for (i = 0; i < 20; i++) {
		snprintf(text, sizeof(text), "message %d", i);
		id = put(ob, i & 1 ? pk_a : pk_b, 0, text, 5000 + i);
		assert_int_equal(outbox_load(re, &prof), OUTBOX_OK);
		assert_int_equal(outbox_count(re), i + 1);
		assert_entry(re, id, i & 1 ? pk_a : pk_b, 0, text, 5000 + i);
	}
	outbox_free(re);
	outbox_free(ob);
}

/*
 * A writer killed with SIGKILL at some moment: every id it was handed
 * (told to the parent right after the put returned) is in the file, and
 * the file loads.
 */
static void
outbox_survives_sigkill(void **state)
{
	struct outbox	*ob;
	uint64_t	 id, got[200];
	size_t		 n = 0, i, want;
	pid_t		 pid;
	int		 p[2], status;
	char		 text[32];

	want = 5 + randombytes_uniform(60);
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		ob = outbox_new(key1);
		if (ob == NULL || outbox_load(ob, &prof) != OUTBOX_OK)
			_exit(1);
		for (i = 0; i < 200; i++) {
			snprintf(text, sizeof(text), "kill test %zu", i);
			if (outbox_put(ob, pk_a, 0, (const uint8_t *)text,
			    strlen(text), i, &id) != OUTBOX_OK ||
			    write(p[1], &id, sizeof(id)) != sizeof(id))
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	while (n < want && read(p[0], &got[n], sizeof(got[n])) ==
	    sizeof(got[n]))
		n++;
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* Ids sent before the kill landed are accepted ones too. */
	while (n < 200 && read(p[0], &got[n], sizeof(got[n])) ==
	    sizeof(got[n]))
		n++;
	close(p[0]);
	assert_true(n >= want);
	ob = loaded(key1, OUTBOX_OK);
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "kill test %zu", i);
		assert_entry(ob, got[i], pk_a, 0, text, i);
	}
	/* At most the one put in flight is there beyond those. */
	assert_true(outbox_count(ob) == n || outbox_count(ob) == n + 1);
	outbox_free(ob);
}

static void
outbox_ids_never_reused(void **state)
{
	struct outbox	*ob;
	uint64_t	 id, last = 0;
	int		 i;

	ob = loaded(key1, OUTBOX_OK);
	for (i = 0; i < 5; i++) {
		id = put(ob, pk_a, 0, "x", 1);
		assert_true(id > last);
		last = id;
	}
	for (id = 1; id <= last; id++)
		assert_int_equal(outbox_del(ob, id), OUTBOX_OK);
	assert_int_equal(outbox_flush(ob), OUTBOX_OK);
	outbox_free(ob);

	/* Empty on disk, yet the next id is past the last one given. */
	ob = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_count(ob), 0);
	assert_int_equal(outbox_next_id(ob), last + 1);
	id = put(ob, pk_b, 0, "y", 2);
	assert_int_equal(id, last + 1);
	/* A deletion not flushed, then a put: it writes both. */
	assert_int_equal(outbox_del(ob, id), OUTBOX_OK);
	last = put(ob, pk_b, 0, "z", 3);
	assert_true(last > id);
	outbox_free(ob);
	ob = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_count(ob), 1);
	assert_int_equal(outbox_next_id(ob), last + 1);
	outbox_free(ob);
}

static void
outbox_bad_puts(void **state)
{
	struct outbox	*ob;
	uint8_t		*big;
	uint64_t	 id = 99;

	assert_non_null(ob = outbox_new(key1));
	/* Not loaded: no file to store in, so no id. */
	assert_int_equal(outbox_put(ob, pk_a, 0, (const uint8_t *)"a", 1, 0,
	    &id), OUTBOX_ERR_NOFILE);
	assert_int_equal(id, 0);
	assert_int_equal(outbox_flush(ob), OUTBOX_ERR_NOFILE);
	assert_int_equal(outbox_load(ob, &prof), OUTBOX_OK);
	assert_non_null(big = calloc(1, OUTBOX_TEXT_MAX + 1));
	memset(big, 'm', OUTBOX_TEXT_MAX + 1);
	assert_int_equal(outbox_put(ob, pk_a, 0, big, 0, 0, &id),
	    OUTBOX_ERR_INVALID);
	assert_int_equal(outbox_put(ob, pk_a, 0, big, OUTBOX_TEXT_MAX + 1, 0,
	    &id), OUTBOX_ERR_INVALID);
	assert_int_equal(outbox_put(ob, pk_a, OUTBOX_ACTION_MAX + 1, big, 1,
	    0, &id), OUTBOX_ERR_INVALID);
	assert_int_equal(outbox_count(ob), 0);
	assert_int_equal(outbox_put(ob, pk_a, 0, big, OUTBOX_TEXT_MAX, 0,
	    &id), OUTBOX_OK);
	free(big);
	outbox_free(ob);
	ob = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_count(ob), 1);
	assert_int_equal(outbox_text_bytes(ob), OUTBOX_TEXT_MAX);
	outbox_free(ob);
}

/*
 * Plaintext tables built byte by byte (the format of outbox.h), for the
 * bounds and the inner parser.
 */
struct pb {
	uint8_t	*p;
	size_t	 len;
};

static void
pb_u(struct pb *b, uint64_t v, int n)
{
	while (n-- > 0)
		b->p[b->len++] = (uint8_t)(v >> (8 * n));
}

static void
pb_entry(struct pb *b, uint64_t id, uint8_t pkbyte, uint8_t action,
    uint64_t created, size_t len, uint8_t fill)
{
	pb_u(b, id, 8);
	memset(b->p + b->len, pkbyte, TOX_PK_LEN);
	b->len += TOX_PK_LEN;
	pb_u(b, action, 1);
	pb_u(b, created, 8);
	pb_u(b, len, 2);
	memset(b->p + b->len, fill, len);
	b->len += len;
}

/* A table of n entries (ids 1..n) whose texts total total bytes. */
static struct pb
pb_table(size_t n, size_t total)
{
	struct pb	b;
	size_t		i, each, len;

	assert_non_null(b.p = malloc(OUTBOX_PLAIN_MAX + 64));
	b.len = 0;
	pb_u(&b, n + 1, 8);
	pb_u(&b, n, 4);
	each = n > 0 ? total / n : 0;
	for (i = 0; i < n; i++) {
		len = i + 1 < n ? each : total - each * (n - 1);
		pb_entry(&b, i + 1, (uint8_t)i, 0, i, len, 't');
	}
	return b;
}

static void
outbox_full(void **state)
{
	struct outbox	*ob;
	struct pb	 b;
	uint8_t		*enc;
	uint64_t	 id;

	ob = loaded(key1, OUTBOX_OK);
	/* One short of the entry bound. */
	b = pb_table(OUTBOX_MAX - 1, OUTBOX_MAX - 1);
	assert_int_equal(outbox_decode(ob, b.p, b.len), OUTBOX_OK);
	assert_int_equal(outbox_count(ob), OUTBOX_MAX - 1);
	/* The encoding is canonical: the same bytes come back. */
	assert_non_null(enc = malloc(OUTBOX_PLAIN_MAX));
	assert_int_equal(outbox_encode(ob, enc, OUTBOX_PLAIN_MAX), b.len);
	assert_memory_equal(enc, b.p, b.len);
	free(b.p);
	assert_int_equal(put(ob, pk_a, 0, "last one", 7), OUTBOX_MAX);
	assert_int_equal(outbox_put(ob, pk_a, 0, (const uint8_t *)"more", 4,
	    8, &id), OUTBOX_ERR_FULL);
	assert_int_equal(id, 0);
	assert_string_equal(outbox_strerror(OUTBOX_ERR_FULL), "outbox full");
	/* A receipt makes room again. */
	assert_int_equal(outbox_del(ob, 1), OUTBOX_OK);
	assert_int_equal(put(ob, pk_a, 0, "more", 8), OUTBOX_MAX + 1);
	outbox_free(ob);
	ob = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_count(ob), OUTBOX_MAX);
	outbox_free(ob);

	/* The text total: 10 bytes short of it. */
	ob = loaded(key1, OUTBOX_OK);
	b = pb_table(200, OUTBOX_TEXT_TOTAL - 10);
	assert_int_equal(outbox_decode(ob, b.p, b.len), OUTBOX_OK);
	free(b.p);
	assert_int_equal(outbox_put(ob, pk_a, 0, (const uint8_t *)
	    "eleven byte", 11, 9, &id), OUTBOX_ERR_FULL);
	assert_int_equal(outbox_count(ob), 200);
	assert_int_equal(put(ob, pk_a, 0, "ten bytes!", 9), 201);
	assert_int_equal(outbox_text_bytes(ob), OUTBOX_TEXT_TOTAL);
	outbox_free(ob);
	ob = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_text_bytes(ob), OUTBOX_TEXT_TOTAL);
	outbox_free(ob);
	free(enc);
}

/* Authentic (sealed with the right key) but invalid tables. */
static void
outbox_inner_parser(void **state)
{
	struct outbox	*ob;
	struct pb	 b;
	uint8_t		*sealed;
	size_t		 slen, cap = OUTBOX_FILE_MAX + 64;
	uint64_t	 id;
	int		 i;

	assert_non_null(ob = outbox_new(key1));
	assert_non_null(sealed = malloc(cap));
	assert_non_null(b.p = malloc(OUTBOX_PLAIN_MAX + 64));
	for (i = 0; i < 11; i++) {
		b.len = 0;
		switch (i) {
		case 0:		/* ids not increasing */
			pb_u(&b, 9, 8), pb_u(&b, 2, 4);
			pb_entry(&b, 3, 1, 0, 0, 1, 'a');
			pb_entry(&b, 3, 1, 0, 0, 1, 'a');
			break;
		case 1:		/* next id not past the last */
			pb_u(&b, 3, 8), pb_u(&b, 1, 4);
			pb_entry(&b, 3, 1, 0, 0, 1, 'a');
			break;
		case 2:		/* empty text */
			pb_u(&b, 9, 8), pb_u(&b, 1, 4);
			pb_entry(&b, 3, 1, 0, 0, 0, 'a');
			break;
		case 3:		/* bad action */
			pb_u(&b, 9, 8), pb_u(&b, 1, 4);
			pb_entry(&b, 3, 1, OUTBOX_ACTION_MAX + 1, 0, 1, 'a');
			break;
		case 4:		/* a trailing byte */
			pb_u(&b, 9, 8), pb_u(&b, 1, 4);
			pb_entry(&b, 3, 1, 0, 0, 1, 'a');
			pb_u(&b, 0, 1);
			break;
		case 5:		/* count past the bound */
			pb_u(&b, 9, 8), pb_u(&b, OUTBOX_MAX + 1, 4);
			break;
		case 6:		/* count past the entries */
			pb_u(&b, 9, 8), pb_u(&b, 2, 4);
			pb_entry(&b, 3, 1, 0, 0, 1, 'a');
			break;
		case 7:		/* next id 0 */
			pb_u(&b, 0, 8), pb_u(&b, 0, 4);
			break;
		case 8:		/* id 0 */
			pb_u(&b, 9, 8), pb_u(&b, 1, 4);
			pb_entry(&b, 0, 1, 0, 0, 1, 'a');
			break;
		case 9:		/* a text over OUTBOX_TEXT_MAX */
			pb_u(&b, 9, 8), pb_u(&b, 1, 4);
			pb_entry(&b, 3, 1, 0, 0, OUTBOX_TEXT_MAX + 1, 'a');
			break;
		case 10:	/* texts over OUTBOX_TEXT_TOTAL in all */
			pb_u(&b, 999, 8);
			pb_u(&b, OUTBOX_TEXT_TOTAL / OUTBOX_TEXT_MAX + 1, 4);
			for (id = 1; id <= OUTBOX_TEXT_TOTAL /
			    OUTBOX_TEXT_MAX + 1; id++)
				pb_entry(&b, id, 1, 0, 0, OUTBOX_TEXT_MAX,
				    'a');
			break;
		}
		assert_true((slen = outbox_seal(key1, b.p, b.len, sealed,
		    cap)) > 0);
		assert_int_equal(outbox_unpack(ob, sealed, slen),
		    OUTBOX_ERR_FORMAT);
		assert_int_equal(outbox_count(ob), 0);
		assert_int_equal(outbox_next_id(ob), 1);
	}
	/* And a valid one, for contrast. */
	b.len = 0;
	pb_u(&b, 9, 8), pb_u(&b, 2, 4);
	pb_entry(&b, 3, 1, 1, 77, 2, 'a');
	pb_entry(&b, 8, 2, 0, 78, OUTBOX_TEXT_MAX, 'b');
	slen = outbox_seal(key1, b.p, b.len, sealed, cap);
	assert_int_equal(outbox_unpack(ob, sealed, slen), OUTBOX_OK);
	assert_int_equal(outbox_count(ob), 2);
	assert_int_equal(outbox_next_id(ob), 9);
	/* Sealing into too small a buffer fails cleanly. */
	assert_int_equal(outbox_seal(key1, b.p, b.len, sealed, b.len), 0);
	free(b.p);
	free(sealed);
	outbox_free(ob);
}

/* A file of three entries under key1, its bytes in *len. */
static uint8_t *
good_file(size_t *len)
{
	struct outbox	*ob;
	uint8_t		*buf;

	unlink(obpath);
	ob = loaded(key1, OUTBOX_OK);
	put(ob, pk_a, 0, "one", 1);
	put(ob, pk_b, 1, "two", 2);
	put(ob, pk_a, 0, "three", 3);
	outbox_free(ob);
	assert_non_null(buf = file_bytes(obpath, len));
	return buf;
}

/* ob refused what is on disk (want) and keeps it byte for byte. */
static void
assert_refused(struct outbox *ob, enum outbox_err want, const uint8_t *disk,
    size_t dlen)
{
	uint8_t		*now;
	size_t		 nlen;
	uint64_t	 id;

	assert_int_equal(outbox_load(ob, &prof), want);
	assert_int_equal(outbox_locked(ob), want);
	assert_int_equal(outbox_count(ob), 0);
	assert_int_equal(outbox_put(ob, pk_a, 0, (const uint8_t *)"new", 3,
	    9, &id), OUTBOX_ERR_LOCKED);
	assert_int_equal(id, 0);
	assert_int_equal(outbox_del(ob, 1), OUTBOX_ERR_NOTFOUND);
	assert_int_equal(outbox_flush(ob), OUTBOX_ERR_LOCKED);
	assert_int_equal(outbox_rekey(ob, key2), OUTBOX_ERR_LOCKED);
	assert_non_null(now = file_bytes(obpath, &nlen));
	assert_int_equal(nlen, dlen);
	assert_memory_equal(now, disk, dlen);
	free(now);
}

static void
outbox_damaged_refused(void **state)
{
	struct outbox	*ob;
	uint8_t		*good, *bad;
	size_t		 len, i;
	enum outbox_err	 want;

	good = good_file(&len);
	assert_int_equal(len, OUTBOX_FILE_HDR + OUTBOX_MAC_LEN +
	    OUTBOX_PLAIN_HDR + 3 * OUTBOX_ENTRY_HDR + 3 + 3 + 5);
	assert_non_null(bad = malloc(len));
	assert_non_null(ob = outbox_new(key1));
	for (i = 0; i < len; i++) {
		memcpy(bad, good, len);
		bad[i] ^= 0xff;
		put_file(obpath, bad, len);
		if (i < OUTBOX_MAGIC_LEN)
			want = OUTBOX_ERR_MAGIC;
		else if (i < OUTBOX_MAGIC_LEN + 4)
			want = OUTBOX_ERR_VERSION;
		else if (i < OUTBOX_MAGIC_LEN + 4 + OUTBOX_CHECK_LEN)
			want = OUTBOX_ERR_KEY;
		else
			want = OUTBOX_ERR_AUTH;
		assert_refused(ob, want, bad, len);
	}
	for (i = 0; i < len; i++) {
		put_file(obpath, good, i);
		if (i >= OUTBOX_MAGIC_LEN && i < OUTBOX_MAGIC_LEN + 4)
			want = OUTBOX_ERR_TRUNCATED;
		else if (i < OUTBOX_FILE_HDR + OUTBOX_MAC_LEN)
			want = OUTBOX_ERR_TRUNCATED;
		else
			want = OUTBOX_ERR_AUTH;
		assert_refused(ob, want, good, i);
	}
	/* The good file still loads with the same ob. */
	put_file(obpath, good, len);
	assert_int_equal(outbox_load(ob, &prof), OUTBOX_OK);
	assert_int_equal(outbox_count(ob), 3);
	outbox_free(ob);
	free(bad);
	free(good);
}

static void
outbox_wrong_key_version_size(void **state)
{
	struct outbox	*ob;
	uint8_t		*good, *bad, *moved;
	size_t		 len, mlen;
	char		 damaged[160];
	uint64_t	 id;
	struct stat	 st;

	good = good_file(&len);
	assert_non_null(ob = outbox_new(key2));
	assert_refused(ob, OUTBOX_ERR_KEY, good, len);
	outbox_free(ob);

	/* A later version, whole and authentic otherwise. */
	assert_non_null(bad = malloc(OUTBOX_FILE_MAX + 1));
	memcpy(bad, good, len);
	bad[OUTBOX_MAGIC_LEN + 3] = OUTBOX_VERSION + 1;
	put_file(obpath, bad, len);
	assert_non_null(ob = outbox_new(key1));
	assert_refused(ob, OUTBOX_ERR_VERSION, bad, len);

	/* Too large to be an outbox. */
	memset(bad + len, 0, OUTBOX_FILE_MAX + 1 - len);
	put_file(obpath, bad, OUTBOX_FILE_MAX + 1);
	assert_refused(ob, OUTBOX_ERR_TOOBIG, bad, OUTBOX_FILE_MAX + 1);
	outbox_free(ob);

	/* The user's word: moved aside whole, then a fresh outbox. */
	put_file(obpath, good, len);
	assert_non_null(ob = outbox_new(key2));
	assert_int_equal(outbox_load(ob, &prof), OUTBOX_ERR_KEY);
	assert_int_equal(outbox_reset(ob, 1700000000), OUTBOX_OK);
	assert_int_equal(outbox_locked(ob), OUTBOX_OK);
	snprintf(damaged, sizeof(damaged), "%s/profile.tox.outbox.damaged",
	    dir);
	assert_non_null(moved = file_bytes(damaged, &mlen));
	assert_int_equal(mlen, len);
	assert_memory_equal(moved, good, len);
	free(moved);
	/* The old ids are unknown: the new ones start above any likely. */
	assert_int_equal(outbox_put(ob, pk_a, 0, (const uint8_t *)"after", 5,
	    10, &id), OUTBOX_OK);
	assert_true(id >= (uint64_t)1700000000 << 24);
	assert_int_equal(outbox_reset(ob, 1), OUTBOX_OK);	/* no-op */
	outbox_free(ob);
	ob = loaded(key2, OUTBOX_OK);
	assert_int_equal(outbox_count(ob), 1);
	assert_int_equal(outbox_next_id(ob), id + 1);
	outbox_free(ob);
	assert_int_equal(stat(damaged, &st), 0);
	free(bad);
	free(good);
}

static void
outbox_no_plaintext_on_disk(void **state)
{
	static const char	 marker[] = "PLAINTEXT-MARKER-do-not-store";
	struct outbox		*ob;
	uint8_t			*first, *second, pk[TOX_PK_LEN];
	size_t			 flen, slen;

	unlink(obpath);
	randombytes_buf(pk, sizeof(pk));
	ob = loaded(key1, OUTBOX_OK);
	put(ob, pk, 0, marker, 42);
	assert_non_null(first = file_bytes(obpath, &flen));
	assert_null(memmem(first, flen, marker, sizeof(marker) - 1));
	assert_null(memmem(first, flen, marker, 8));
	assert_null(memmem(first, flen, pk, 8));
	assert_null(memmem(first, flen, key1, 8));
	/* The same table written again: a new nonce, new bytes. */
	assert_int_equal(outbox_rekey(ob, key1), OUTBOX_OK);
	assert_non_null(second = file_bytes(obpath, &slen));
	assert_int_equal(slen, flen);
	assert_memory_not_equal(first + OUTBOX_FILE_HDR - OUTBOX_NONCE_LEN,
	    second + OUTBOX_FILE_HDR - OUTBOX_NONCE_LEN,
	    flen - (OUTBOX_FILE_HDR - OUTBOX_NONCE_LEN));
	outbox_free(ob);
	free(first);
	free(second);
}

/* A child's check: exit code is the line that failed (0: all held). */
#define CHILD_CHECK(c)	do { if (!(c)) _exit(__LINE__ % 250 + 1); } while (0)

/*
 * A write that fails (RLIMIT_FSIZE: EFBIG, a full disk to the store):
 * the put is refused with no id, the table and the file are as before,
 * and a smaller write (a flushed deletion) still goes through.
 */
static void
outbox_failed_write(void **state)
{
	struct outbox	*ob;
	struct rlimit	 rl;
	uint8_t		*before, *after, big[300];
	size_t		 blen, alen;
	uint64_t	 id, a, b;
	pid_t		 pid;
	int		 status;

	ob = loaded(key1, OUTBOX_OK);
	a = put(ob, pk_a, 0, "kept one", 1);
	b = put(ob, pk_b, 0, "kept two", 2);
	outbox_free(ob);
	assert_non_null(before = file_bytes(obpath, &blen));
	memset(big, 'B', sizeof(big));
	if ((pid = fork()) == 0) {
		signal(SIGXFSZ, SIG_IGN);
		ob = outbox_new(key1);
		CHILD_CHECK(ob != NULL && outbox_load(ob, &prof) == OUTBOX_OK);
		rl.rlim_cur = rl.rlim_max = blen + 50;
		CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
		CHILD_CHECK(outbox_put(ob, pk_a, 0, big, sizeof(big), 3,
		    &id) == OUTBOX_ERR_STORE && id == 0);
		CHILD_CHECK(outbox_store_error(ob) == PSTORE_ERR_NOSPC);
		after = file_bytes(obpath, &alen);
		CHILD_CHECK(after != NULL && alen == blen &&
		    memcmp(after, before, blen) == 0);
		CHILD_CHECK(outbox_count(ob) == 2 &&
		    outbox_text_bytes(ob) == 16);
		/* The spent id is not handed out again in this run. */
		CHILD_CHECK(outbox_next_id(ob) == b + 2);
		CHILD_CHECK(outbox_del(ob, a) == OUTBOX_OK);
		CHILD_CHECK(outbox_flush(ob) == OUTBOX_OK);
		CHILD_CHECK(!outbox_dirty(ob));
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	ob = loaded(key1, OUTBOX_OK);
	assert_int_equal(outbox_count(ob), 1);
	assert_entry(ob, b, pk_b, 0, "kept two", 2);
	outbox_free(ob);
	assert_non_null(after = file_bytes(obpath, &alen));
	assert_true(alen < blen);
	free(before);
	free(after);
}

static void
outbox_rekey_and_derive(void **state)
{
	struct outbox	*ob;
	uint8_t		 k[OUTBOX_KEY_LEN], k2[OUTBOX_KEY_LEN], ikm[100];

	/* Deterministic, never the ikm itself, any length. */
	memset(ikm, 7, sizeof(ikm));
	outbox_key_derive(k, ikm, 32);
	outbox_key_derive(k2, ikm, 32);
	assert_memory_equal(k, k2, sizeof(k));
	assert_memory_not_equal(k, ikm, sizeof(k));
	outbox_key_derive(k2, ikm, 31);
	assert_memory_not_equal(k, k2, sizeof(k));
	outbox_key_derive(k2, ikm, sizeof(ikm));
	assert_memory_not_equal(k, k2, sizeof(k));
	outbox_key_derive(k2, NULL, 0);
	assert_memory_not_equal(k, k2, sizeof(k));

	unlink(obpath);
	ob = loaded(key1, OUTBOX_OK);
	put(ob, pk_a, 0, "rekeyed", 5);
	assert_int_equal(outbox_rekey(ob, key2), OUTBOX_OK);
	outbox_free(ob);
	ob = loaded(key1, OUTBOX_ERR_KEY);
	outbox_free(ob);
	ob = loaded(key2, OUTBOX_OK);
	assert_int_equal(outbox_count(ob), 1);
	outbox_free(ob);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(outbox_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(outbox_put_is_durable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(outbox_survives_sigkill, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(outbox_ids_never_reused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(outbox_bad_puts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(outbox_full, setup, teardown),
		cmocka_unit_test_setup_teardown(outbox_inner_parser, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(outbox_damaged_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(outbox_wrong_key_version_size,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(outbox_no_plaintext_on_disk,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(outbox_failed_write, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(outbox_rekey_and_derive, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
