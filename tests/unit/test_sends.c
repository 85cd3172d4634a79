/*
 * keyd's records of files being sent (keyd/sends.c, sends_store.c): the
 * id a file went under is found again for the same friend, path and
 * stamp, and not when any of size, mtime, device or inode changed, nor
 * for another friend or path; put, replace and delete; a full table
 * drops the oldest; the plaintext round-trips byte for byte and its
 * every truncation, a duplicate path or id, a NUL or empty path and an
 * oversized count are refused; every truncation and flipped byte of a
 * sealed file is refused with an empty table and a clear reason; and in
 * a temporary directory: reload, no plaintext in the file, re-key,
 * another key, a damaged file left byte for byte until the next put, a
 * failed write that changes nothing.
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

#include "keyd/partials.h"
#include "keyd/profile_store.h"
#include "keyd/sends.h"

static char		dir[64], path[96], sdpath[128];
static struct pstore	prof;
static uint8_t		key1[SENDS_KEY_LEN], key2[SENDS_KEY_LEN];
static uint8_t		pk_a[TOX_PK_LEN], pk_b[TOX_PK_LEN];
static uint8_t		fid_1[SENDS_FILE_ID_LEN], fid_2[SENDS_FILE_ID_LEN];
static uint8_t		fid_3[SENDS_FILE_ID_LEN];
static const struct sends_stamp	st_1 = { 50u << 20,
			    1700000000123456789ULL, 0x803, 4242 };

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/bh-sends-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	snprintf(sdpath, sizeof(sdpath), "%s/profile.tox.sends", dir);
	if (pstore_open(&prof, path) == -1)
		return -1;
	sends_key_derive(key1, (const uint8_t *)"profile key one", 15);
	sends_key_derive(key2, (const uint8_t *)"profile key two", 15);
	memset(pk_a, 0xa1, sizeof(pk_a));
	memset(pk_b, 0xb2, sizeof(pk_b));
	memset(fid_1, 0x01, sizeof(fid_1));
	memset(fid_2, 0x02, sizeof(fid_2));
	memset(fid_3, 0x03, sizeof(fid_3));
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

/* The file's bytes (malloc), or NULL if there is none. */
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

static struct sends *
loaded(const uint8_t *key, enum sends_err want)
{
	struct sends	*sd;

	assert_non_null(sd = sends_new(key));
	assert_int_equal(sends_load(sd, &prof), want);
	return sd;
}

static enum sends_err
put(struct sends *sd, const uint8_t *pk, const uint8_t *fid,
    const struct sends_stamp *st, const char *p)
{
	return sends_put(sd, pk, fid, st, p, strlen(p));
}

/* 1 and the id if (pk, p, st) has one. */
static int
match(const struct sends *sd, const uint8_t *pk,
    const struct sends_stamp *st, const char *p, uint8_t *id)
{
	return sends_match(sd, pk, st, p, strlen(p), id);
}

static void
assert_match(const struct sends *sd, const uint8_t *pk,
    const struct sends_stamp *st, const char *p, const uint8_t *fid)
{
	uint8_t	id[SENDS_FILE_ID_LEN];

	assert_int_equal(match(sd, pk, st, p, id), 1);
	assert_memory_equal(id, fid, SENDS_FILE_ID_LEN);
}

static void
sends_put_match_del(void **state)
{
	struct sends		*sd;
	struct sends_entry	 e;
	struct sends_stamp	 st;
	uint8_t			 id[SENDS_FILE_ID_LEN];

	unlink(sdpath);
	/* Nothing durable before the file is named. */
	assert_non_null(sd = sends_new(key1));
	assert_int_equal(put(sd, pk_a, fid_1, &st_1, "/x"),
	    SENDS_ERR_NOFILE);
	assert_int_equal(sends_del(sd, pk_a, fid_1), SENDS_ERR_NOFILE);
	sends_free(sd);

	sd = loaded(key1, SENDS_OK);		/* no file: empty */
	assert_int_equal(sends_count(sd), 0);
	assert_int_equal(match(sd, pk_a, &st_1, "big.bin", id), 0);
	assert_int_equal(put(sd, pk_a, fid_1, &st_1, "big.bin"), SENDS_OK);
	assert_int_equal(put(sd, pk_a, fid_2, &st_1, "/abs/other"),
	    SENDS_OK);
	/* the same file to another friend: its own id */
	assert_int_equal(put(sd, pk_b, fid_1, &st_1, "big.bin"), SENDS_OK);
	assert_int_equal(sends_count(sd), 3);
	assert_match(sd, pk_a, &st_1, "big.bin", fid_1);
	assert_match(sd, pk_a, &st_1, "/abs/other", fid_2);
	assert_match(sd, pk_b, &st_1, "big.bin", fid_1);
	assert_int_equal(sends_get(sd, pk_a, "big.bin", 7, &e), 0);
	assert_true(e.stamp.size == st_1.size && e.stamp.ino == st_1.ino);
	assert_string_equal(e.path, "big.bin");

	/* a changed file is another file: no id, whichever part changed */
	st = st_1;
	st.size++;
	assert_int_equal(match(sd, pk_a, &st, "big.bin", id), 0);
	st = st_1;
	st.mtime++;
	assert_int_equal(match(sd, pk_a, &st, "big.bin", id), 0);
	st = st_1;
	st.dev++;
	assert_int_equal(match(sd, pk_a, &st, "big.bin", id), 0);
	st = st_1;
	st.ino++;
	assert_int_equal(match(sd, pk_a, &st, "big.bin", id), 0);
	/* nor another name of it, nor a path no record has */
	assert_int_equal(match(sd, pk_a, &st_1, "./big.bin", id), 0);
	assert_int_equal(match(sd, pk_a, &st_1, "big.bi", id), 0);
	/* the changed file's new id replaces the record */
	st.ino = 1;
	assert_int_equal(put(sd, pk_a, fid_3, &st, "big.bin"), SENDS_OK);
	assert_int_equal(sends_count(sd), 3);
	assert_match(sd, pk_a, &st, "big.bin", fid_3);
	assert_int_equal(match(sd, pk_a, &st_1, "big.bin", id), 0);

	/* done or cancelled: gone by (friend, id); none: OK all the same */
	assert_int_equal(sends_del(sd, pk_a, fid_3), SENDS_OK);
	assert_int_equal(sends_count(sd), 2);
	assert_int_equal(match(sd, pk_a, &st, "big.bin", id), 0);
	assert_int_equal(sends_del(sd, pk_a, fid_3), SENDS_OK);
	assert_int_equal(sends_del(sd, pk_b, fid_2), SENDS_OK);
	assert_int_equal(sends_count(sd), 2);
	assert_match(sd, pk_b, &st_1, "big.bin", fid_1);

	/* refused, changing nothing: bad paths; an id another path of
	 * this friend's has */
	assert_int_equal(sends_put(sd, pk_a, fid_3, &st_1, "", 0),
	    SENDS_ERR_INVALID);
	assert_int_equal(sends_put(sd, pk_a, fid_3, &st_1, "a\0b", 3),
	    SENDS_ERR_INVALID);
	assert_int_equal(sends_put(sd, pk_a, fid_3, &st_1, "/x",
	    SENDS_PATH_MAX + 1), SENDS_ERR_INVALID);
	assert_int_equal(put(sd, pk_a, fid_2, &st_1, "/elsewhere"),
	    SENDS_ERR_INVALID);
	assert_int_equal(sends_set(sd, pk_a, fid_2, &st_1, "/elsewhere", 10),
	    SENDS_ERR_INVALID);
	assert_int_equal(sends_count(sd), 2);
	assert_match(sd, pk_a, &st_1, "/abs/other", fid_2);
	assert_int_equal(sends_unset(sd, pk_a, fid_3), SENDS_ERR_NOTFOUND);
	sends_free(sd);
}

static void
sends_replace_moves_to_newest(void **state)
{
	struct sends		*sd;
	struct sends_entry	 e;

	unlink(sdpath);
	sd = loaded(key1, SENDS_OK);
	assert_int_equal(put(sd, pk_a, fid_1, &st_1, "/f"), SENDS_OK);
	assert_int_equal(put(sd, pk_b, fid_1, &st_1, "/f"), SENDS_OK);
	/* the same file sent again under its own id: newest now */
	assert_int_equal(put(sd, pk_a, fid_1, &st_1, "/f"), SENDS_OK);
	assert_int_equal(sends_count(sd), 2);
	assert_int_equal(sends_at(sd, 0, &e), 0);	/* oldest */
	assert_memory_equal(e.pk, pk_b, TOX_PK_LEN);
	assert_int_equal(sends_at(sd, 1, &e), 0);
	assert_memory_equal(e.pk, pk_a, TOX_PK_LEN);
	assert_int_equal(sends_at(sd, 2, &e), -1);
	sends_free(sd);
	sd = loaded(key1, SENDS_OK);		/* and so on disk */
	assert_int_equal(sends_count(sd), 2);
	assert_int_equal(sends_at(sd, 0, &e), 0);
	assert_memory_equal(e.pk, pk_b, TOX_PK_LEN);
	assert_match(sd, pk_a, &st_1, "/f", fid_1);
	sends_free(sd);
}

/* The i-th of many distinct ids and paths. */
static void
nth(unsigned i, uint8_t fid[SENDS_FILE_ID_LEN], char *p, size_t psz)
{
	memset(fid, 0x44, SENDS_FILE_ID_LEN);
	fid[30] = (uint8_t)(i >> 8);
	fid[31] = (uint8_t)i;
	snprintf(p, psz, "/src/%u", i);
}

static void
sends_full_table_evicts_oldest(void **state)
{
	struct sends	*sd;
	uint8_t		 fid[SENDS_FILE_ID_LEN], id[SENDS_FILE_ID_LEN];
	char		 p[32];
	unsigned	 i;

	unlink(sdpath);
	sd = loaded(key1, SENDS_OK);
	for (i = 0; i < SENDS_MAX; i++) {
		nth(i, fid, p, sizeof(p));
		assert_int_equal(sends_set(sd, pk_a, fid, &st_1, p,
		    strlen(p)), SENDS_OK);
	}
	assert_int_equal(sends_count(sd), SENDS_MAX);
	/* a new file drops the oldest (0), durably */
	nth(SENDS_MAX, fid, p, sizeof(p));
	assert_int_equal(put(sd, pk_a, fid, &st_1, p), SENDS_OK);
	assert_int_equal(sends_count(sd), SENDS_MAX);
	sends_free(sd);
	sd = loaded(key1, SENDS_OK);
	assert_int_equal(sends_count(sd), SENDS_MAX);
	nth(0, fid, p, sizeof(p));
	assert_int_equal(match(sd, pk_a, &st_1, p, id), 0);
	nth(1, fid, p, sizeof(p));
	assert_match(sd, pk_a, &st_1, p, fid);
	nth(SENDS_MAX, fid, p, sizeof(p));
	assert_match(sd, pk_a, &st_1, p, fid);
	sends_free(sd);
}

/* A table with the longest path, a short one and binary bytes. */
static struct sends *
sample(void)
{
	static char		 longp[SENDS_PATH_MAX];
	struct sends_stamp	 big = { UINT64_MAX, UINT64_MAX, UINT64_MAX,
				    UINT64_MAX }, zero = { 0, 0, 0, 0 };
	struct sends		*sd;

	assert_non_null(sd = sends_new(key1));
	memset(longp, 'L', sizeof(longp));
	assert_int_equal(sends_set(sd, pk_a, fid_1, &big, longp,
	    sizeof(longp)), SENDS_OK);
	assert_int_equal(sends_set(sd, pk_b, fid_2, &zero, "/\x01\xff", 3),
	    SENDS_OK);
	assert_int_equal(sends_set(sd, pk_a, fid_2, &st_1, "/y", 2),
	    SENDS_OK);
	return sd;
}

static void
sends_encode_decode_roundtrip(void **state)
{
	static uint8_t		 enc[SENDS_PLAIN_MAX], enc2[SENDS_PLAIN_MAX];
	struct sends		*sd, *back;
	struct sends_entry	 a, b;
	size_t			 len, i;

	sd = sample();
	len = sends_encode(sd, enc, sizeof(enc));
	assert_int_equal(len, 2 + 3 * SENDS_ENTRY_HDR + SENDS_PATH_MAX +
	    3 + 2);
	assert_int_equal(enc[0], 0);
	assert_int_equal(enc[1], 3);
	assert_memory_equal(enc + 2, pk_a, TOX_PK_LEN);
	assert_int_equal(sends_encode(sd, enc2, len - 1), 0);

	assert_non_null(back = sends_new(key2));
	assert_int_equal(sends_decode(back, enc, len), SENDS_OK);
	assert_int_equal(sends_count(back), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(sends_at(sd, i, &a), 0);
		assert_int_equal(sends_at(back, i, &b), 0);
		assert_memory_equal(a.pk, b.pk, TOX_PK_LEN);
		assert_memory_equal(a.file_id, b.file_id, SENDS_FILE_ID_LEN);
		assert_memory_equal(&a.stamp, &b.stamp, sizeof(a.stamp));
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.path, b.path, a.len);
		assert_int_equal(b.path[b.len], '\0');
	}
	assert_int_equal(sends_encode(back, enc2, sizeof(enc2)), len);
	assert_memory_equal(enc, enc2, len);
	enc2[0] = enc2[1] = 0;			/* the empty table */
	assert_int_equal(sends_decode(back, enc2, 2), SENDS_OK);
	assert_int_equal(sends_count(back), 0);
	sends_free(sd);
	sends_free(back);
}

/* One record by hand: pk || fid || 4 x u64 (0) || len || path. */
static size_t
rec(uint8_t *o, uint8_t pkb, uint8_t fidb, uint16_t len, const char *p)
{
	memset(o, pkb, TOX_PK_LEN);
	memset(o + TOX_PK_LEN, fidb, SENDS_FILE_ID_LEN);
	memset(o + 64, 0, 32);
	o[96] = (uint8_t)(len >> 8);
	o[97] = (uint8_t)len;
	memcpy(o + 98, p, len);
	return 98 + len;
}

static void
sends_decode_refuses(void **state)
{
	static uint8_t	 enc[SENDS_PLAIN_MAX];
	struct sends	*sd, *back;
	size_t		 len, n;

	sd = sample();
	assert_non_null(back = sends_new(key1));
	len = sends_encode(sd, enc, sizeof(enc));
	for (n = 0; n < len; n++) {	/* every truncation */
		assert_int_equal(sends_decode(back, enc, n), SENDS_ERR_FORMAT);
		assert_int_equal(sends_count(back), 0);
	}
	enc[len] = 0;			/* one byte more */
	assert_int_equal(sends_decode(back, enc, len + 1), SENDS_ERR_FORMAT);

	enc[0] = 0;
	enc[1] = 2;
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	n += rec(enc + n, 1, 2, 2, "/b");
	assert_int_equal(sends_decode(back, enc, n), SENDS_OK);
	assert_int_equal(sends_count(back), 2);
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	n += rec(enc + n, 1, 2, 2, "/a");		/* a path twice */
	assert_int_equal(sends_decode(back, enc, n), SENDS_ERR_FORMAT);
	assert_int_equal(sends_count(back), 0);
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	n += rec(enc + n, 1, 1, 2, "/b");		/* an id twice */
	assert_int_equal(sends_decode(back, enc, n), SENDS_ERR_FORMAT);
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	n += rec(enc + n, 2, 1, 2, "/a");		/* another friend's */
	assert_int_equal(sends_decode(back, enc, n), SENDS_OK);
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	n += rec(enc + n, 1, 2, 2, "/\0");		/* a NUL */
	assert_int_equal(sends_decode(back, enc, n), SENDS_ERR_FORMAT);
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	n += rec(enc + n, 1, 2, 0, "");			/* empty path */
	assert_int_equal(sends_decode(back, enc, n), SENDS_ERR_FORMAT);
	enc[1] = 1;
	(void)rec(enc + 2, 1, 1, 2, "/a");
	enc[2 + 96] = 0x10;				/* 4098: too long */
	enc[2 + 97] = 0x02;
	memset(enc + 2 + 98, 'p', 4098);
	assert_int_equal(sends_decode(back, enc, 2 + 98 + 4098),
	    SENDS_ERR_FORMAT);
	enc[0] = (SENDS_MAX + 1) >> 8;			/* count too big */
	enc[1] = (SENDS_MAX + 1) & 0xff;
	assert_int_equal(sends_decode(back, enc, 2), SENDS_ERR_FORMAT);
	assert_int_equal(sends_count(back), 0);
	sends_free(sd);
	sends_free(back);
}

static void
sends_sealed_truncations_and_flips_refused(void **state)
{
	static uint8_t	 file[SENDS_FILE_MAX], bad[SENDS_FILE_MAX];
	struct sends	*sd, *back;
	enum sends_err	 e;
	size_t		 len, n;

	sd = sample();
	assert_int_equal(sends_pack(sd, file, sizeof(file), &len), SENDS_OK);
	assert_non_null(back = sends_new(key1));
	assert_int_equal(sends_unpack(back, file, len), SENDS_OK);
	assert_int_equal(sends_count(back), 3);
	for (n = 0; n < len; n++) {
		assert_int_equal(sends_set(back, pk_b, fid_3, &st_1, "/s", 2),
		    SENDS_OK);
		e = sends_unpack(back, file, n);
		assert_true(e == SENDS_ERR_TRUNCATED || e == SENDS_ERR_AUTH);
		assert_int_equal(sends_count(back), 0);
	}
	for (n = 0; n < len; n++) {
		memcpy(bad, file, len);
		bad[n] ^= (uint8_t)(1u << (n % 8));
		assert_int_equal(sends_set(back, pk_b, fid_3, &st_1, "/s", 2),
		    SENDS_OK);
		e = sends_unpack(back, bad, len);
		if (n < SENDS_MAGIC_LEN)
			assert_int_equal(e, SENDS_ERR_MAGIC);
		else if (n < SENDS_MAGIC_LEN + 4)
			assert_int_equal(e, SENDS_ERR_VERSION);
		else if (n < SENDS_MAGIC_LEN + 4 + SENDS_CHECK_LEN)
			assert_int_equal(e, SENDS_ERR_KEY);
		else
			assert_int_equal(e, SENDS_ERR_AUTH);
		assert_int_equal(sends_count(back), 0);
	}
	assert_int_equal(sends_unpack(back, file, SENDS_FILE_MAX + 1),
	    SENDS_ERR_TOOBIG);
	sends_free(back);
	assert_non_null(back = sends_new(key2));
	assert_int_equal(sends_unpack(back, file, len), SENDS_ERR_KEY);
	sends_free(back);
	sends_free(sd);
	/* each reason reads as one */
	assert_string_equal(sends_strerror(SENDS_ERR_AUTH),
	    "the sends file is damaged");
	assert_string_equal(sends_strerror(SENDS_ERR_KEY),
	    "the sends file is sealed under another key");
}

static void
sends_reload_from_disk(void **state)
{
	struct sends		*sd;
	uint8_t			*f;
	size_t			 flen;
	static const char	 secret[] = "/home/u/Documents/secret-plan.pdf";

	unlink(sdpath);
	sd = loaded(key1, SENDS_OK);
	assert_int_equal(put(sd, pk_a, fid_1, &st_1, secret), SENDS_OK);
	assert_int_equal(put(sd, pk_b, fid_2, &st_1, "/b"), SENDS_OK);
	assert_int_equal(put(sd, pk_b, fid_1, &st_1, "/c"), SENDS_OK);
	assert_int_equal(sends_del(sd, pk_b, fid_2), SENDS_OK);
	sends_free(sd);

	sd = loaded(key1, SENDS_OK);
	assert_int_equal(sends_count(sd), 2);
	assert_match(sd, pk_a, &st_1, secret, fid_1);
	assert_match(sd, pk_b, &st_1, "/c", fid_1);
	sends_free(sd);

	/* sealed: neither the path nor a key nor an id is in the file */
	assert_non_null(f = file_bytes(sdpath, &flen));
	assert_null(memmem(f, flen, "secret-plan", 11));
	assert_null(memmem(f, flen, pk_a, TOX_PK_LEN));
	assert_null(memmem(f, flen, fid_1, SENDS_FILE_ID_LEN));
	assert_memory_equal(f, SENDS_MAGIC, SENDS_MAGIC_LEN);
	free(f);

	/* re-keyed: the old key no longer opens it, the new one does */
	sd = loaded(key1, SENDS_OK);
	assert_int_equal(sends_rekey(sd, key2), SENDS_OK);
	sends_free(sd);
	sd = loaded(key1, SENDS_ERR_KEY);
	sends_free(sd);
	sd = loaded(key2, SENDS_OK);
	assert_int_equal(sends_count(sd), 2);
	assert_int_equal(sends_rekey(sd, key1), SENDS_OK);
	sends_free(sd);
}

/* A corrupt file: a clear reason, an empty table, and the file byte for
 * byte as it was through loads, deletes and re-keys (nothing lost that
 * a repair could bring back), until the next put replaces it. */
static void
sends_bad_file_kept_until_put(void **state)
{
	struct sends	*sd;
	uint8_t		*before, *after;
	size_t		 blen, alen, n;

	unlink(sdpath);
	sd = loaded(key1, SENDS_OK);
	assert_int_equal(put(sd, pk_a, fid_1, &st_1, "/a"), SENDS_OK);
	assert_int_equal(put(sd, pk_b, fid_2, &st_1, "/b"), SENDS_OK);
	sends_free(sd);
	assert_non_null(before = file_bytes(sdpath, &blen));

	/* one flipped bit inside the sealed records */
	before[blen - 3] ^= 0x10;
	put_file(sdpath, before, blen);
	sd = loaded(key1, SENDS_ERR_AUTH);
	assert_int_equal(sends_count(sd), 0);
	assert_int_equal(sends_damaged(sd), SENDS_ERR_AUTH);
	assert_string_equal(sends_strerror(sends_damaged(sd)),
	    "the sends file is damaged");
	assert_int_equal(sends_del(sd, pk_a, fid_1), SENDS_OK);
	assert_int_equal(sends_rekey(sd, key2), SENDS_OK);
	sends_free(sd);
	assert_non_null(after = file_bytes(sdpath, &alen));
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(after);
	/* the bit back: both records are there again */
	before[blen - 3] ^= 0x10;
	put_file(sdpath, before, blen);
	sd = loaded(key1, SENDS_OK);
	assert_int_equal(sends_count(sd), 2);
	sends_free(sd);

	/* every truncation, on disk */
	for (n = 0; n < blen; n++) {
		put_file(sdpath, before, n);
		sd = loaded(key1, n < SENDS_FILE_HDR + SENDS_MAC_LEN ?
		    SENDS_ERR_TRUNCATED : SENDS_ERR_AUTH);
		assert_int_equal(sends_count(sd), 0);
		sends_free(sd);
	}
	put_file(sdpath, (const uint8_t *)"BHsendid\0\0\0\2", 12);
	sd = loaded(key1, SENDS_ERR_VERSION);
	sends_free(sd);
	put_file(sdpath, (const uint8_t *)"BHpartls\0\0\0\1", 12);
	sd = loaded(key1, SENDS_ERR_MAGIC);
	sends_free(sd);

	/* the next put replaces it */
	put_file(sdpath, before, blen - 1);
	sd = loaded(key1, SENDS_ERR_AUTH);
	assert_int_equal(put(sd, pk_b, fid_3, &st_1, "/fresh"), SENDS_OK);
	assert_int_equal(sends_damaged(sd), SENDS_OK);
	sends_free(sd);
	sd = loaded(key1, SENDS_OK);
	assert_int_equal(sends_count(sd), 1);
	assert_match(sd, pk_b, &st_1, "/fresh", fid_3);
	sends_free(sd);
	free(before);
}

#define CHILD_CHECK(c)	do { if (!(c)) _exit(__LINE__ % 250 + 1); } while (0)

/* A write that fails (RLIMIT_FSIZE): put and delete are refused, and
 * table and file are as before. */
static void
sends_failed_write_changes_nothing(void **state)
{
	struct sends	*sd;
	struct rlimit	 rl;
	uint8_t		*before, *after, id[SENDS_FILE_ID_LEN];
	size_t		 blen, alen;
	pid_t		 pid;
	int		 status;

	unlink(sdpath);
	sd = loaded(key1, SENDS_OK);
	assert_int_equal(put(sd, pk_a, fid_1, &st_1, "/a"), SENDS_OK);
	assert_int_equal(put(sd, pk_b, fid_1, &st_1, "/b"), SENDS_OK);
	sends_free(sd);
	assert_non_null(before = file_bytes(sdpath, &blen));
	if ((pid = fork()) == 0) {
		signal(SIGXFSZ, SIG_IGN);
		sd = sends_new(key1);
		CHILD_CHECK(sd != NULL && sends_load(sd, &prof) == SENDS_OK);
		rl.rlim_cur = rl.rlim_max = 0;
		CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
		CHILD_CHECK(put(sd, pk_a, fid_2, &st_1, "/a") ==
		    SENDS_ERR_STORE);
		CHILD_CHECK(sends_store_error(sd) == PSTORE_ERR_NOSPC);
		CHILD_CHECK(sends_del(sd, pk_b, fid_1) == SENDS_ERR_STORE);
		CHILD_CHECK(sends_count(sd) == 2);
		CHILD_CHECK(match(sd, pk_a, &st_1, "/a", id) == 1 &&
		    memcmp(id, fid_1, sizeof(id)) == 0);
		CHILD_CHECK(match(sd, pk_b, &st_1, "/b", id) == 1);
		after = file_bytes(sdpath, &alen);
		CHILD_CHECK(after != NULL && alen == blen &&
		    memcmp(after, before, blen) == 0);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(after = file_bytes(sdpath, &alen));
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(before);
	free(after);
}

static void
sends_key_derive_is_its_own(void **state)
{
	uint8_t	k[SENDS_KEY_LEN], k2[PARTIALS_KEY_LEN], ikm[32];

	memset(ikm, 7, sizeof(ikm));
	sends_key_derive(k, ikm, sizeof(ikm));
	sends_key_derive(k2, ikm, sizeof(ikm));
	assert_memory_equal(k, k2, sizeof(k));
	partials_key_derive(k2, ikm, sizeof(ikm));
	assert_memory_not_equal(k, k2, sizeof(k));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sends_put_match_del),
		cmocka_unit_test(sends_replace_moves_to_newest),
		cmocka_unit_test(sends_full_table_evicts_oldest),
		cmocka_unit_test(sends_encode_decode_roundtrip),
		cmocka_unit_test(sends_decode_refuses),
		cmocka_unit_test(sends_sealed_truncations_and_flips_refused),
		cmocka_unit_test(sends_reload_from_disk),
		cmocka_unit_test(sends_bad_file_kept_until_put),
		cmocka_unit_test(sends_failed_write_changes_nothing),
		cmocka_unit_test(sends_key_derive_is_its_own),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
