/*
 * keyd's partial-download records (keyd/partials.c, partials_store.c):
 * put, get and delete; a put for a present key replaces it; a full table
 * drops the oldest; the plaintext encoding round-trips byte for byte and
 * its every truncation, a duplicate key, a NUL or empty path and an
 * oversized count are refused; every truncation and every flipped byte
 * of a sealed file is refused with an empty table; and in a temporary
 * directory: reload from disk, no plaintext in the file, another key, a
 * damaged file left as it is until the next put, a failed write that
 * changes nothing.  Plaintexts for the refusals are built here byte by
 * byte, not with the codec.
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

static char		dir[64], path[96], ptpath[128];
static struct pstore	prof;
static uint8_t		key1[PARTIALS_KEY_LEN], key2[PARTIALS_KEY_LEN];
static uint8_t		pk_a[TOX_PK_LEN], pk_b[TOX_PK_LEN];
static uint8_t		fid_1[PARTIALS_FILE_ID_LEN], fid_2[PARTIALS_FILE_ID_LEN];

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/bh-partials-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	snprintf(ptpath, sizeof(ptpath), "%s/profile.tox.partials", dir);
	if (pstore_open(&prof, path) == -1)
		return -1;
	partials_key_derive(key1, (const uint8_t *)"profile key one", 15);
	partials_key_derive(key2, (const uint8_t *)"profile key two", 15);
	memset(pk_a, 0xa1, sizeof(pk_a));
	memset(pk_b, 0xb2, sizeof(pk_b));
	memset(fid_1, 0x01, sizeof(fid_1));
	memset(fid_2, 0x02, sizeof(fid_2));
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

static struct partials *
loaded(const uint8_t *key, enum partials_err want)
{
	struct partials	*pt;

	assert_non_null(pt = partials_new(key));
	assert_int_equal(partials_load(pt, &prof), want);
	return pt;
}

/* The i-th of many distinct keys. */
static void
nth_key(unsigned i, uint8_t pk[TOX_PK_LEN],
    uint8_t fid[PARTIALS_FILE_ID_LEN])
{
	memset(pk, 0x33, TOX_PK_LEN);
	memset(fid, 0x44, PARTIALS_FILE_ID_LEN);
	pk[0] = (uint8_t)(i >> 8);
	fid[31] = (uint8_t)i;
}

static void
assert_record(const struct partials *pt, const uint8_t *pk,
    const uint8_t *fid, uint64_t size, const char *p)
{
	struct partials_entry	e;

	assert_int_equal(partials_get(pt, pk, fid, &e), 0);
	assert_memory_equal(e.pk, pk, TOX_PK_LEN);
	assert_memory_equal(e.file_id, fid, PARTIALS_FILE_ID_LEN);
	assert_true(e.size == size);
	assert_int_equal(e.len, strlen(p));
	assert_string_equal(e.path, p);
}

static enum partials_err
put(struct partials *pt, const uint8_t *pk, const uint8_t *fid,
    uint64_t size, const char *p)
{
	return partials_put(pt, pk, fid, size, p, strlen(p));
}

static void
partials_put_get_del(void **state)
{
	struct partials		*pt;
	struct partials_entry	 e;

	unlink(ptpath);
	/* Nothing durable before the file is named. */
	assert_non_null(pt = partials_new(key1));
	assert_int_equal(put(pt, pk_a, fid_1, 1, "/x"), PARTIALS_ERR_NOFILE);
	assert_int_equal(partials_del(pt, pk_a, fid_1), PARTIALS_ERR_NOFILE);
	partials_free(pt);

	pt = loaded(key1, PARTIALS_OK);		/* no file: empty */
	assert_int_equal(partials_count(pt), 0);
	assert_int_equal(partials_get(pt, pk_a, fid_1, &e), -1);
	assert_int_equal(put(pt, pk_a, fid_1, 1000, "/dl/one.bin"),
	    PARTIALS_OK);
	assert_int_equal(put(pt, pk_a, fid_2, 2000, "/dl/two.bin"),
	    PARTIALS_OK);
	assert_int_equal(put(pt, pk_b, fid_1, 3000, "/dl/three"),
	    PARTIALS_OK);
	assert_int_equal(partials_count(pt), 3);
	assert_record(pt, pk_a, fid_1, 1000, "/dl/one.bin");
	assert_record(pt, pk_a, fid_2, 2000, "/dl/two.bin");
	assert_record(pt, pk_b, fid_1, 3000, "/dl/three");
	/* the same file id from another friend is another record */
	assert_int_equal(partials_get(pt, pk_b, fid_2, &e), -1);

	assert_int_equal(partials_del(pt, pk_a, fid_2), PARTIALS_OK);
	assert_int_equal(partials_count(pt), 2);
	assert_int_equal(partials_get(pt, pk_a, fid_2, &e), -1);
	/* none there: OK all the same, nothing changes */
	assert_int_equal(partials_del(pt, pk_a, fid_2), PARTIALS_OK);
	assert_int_equal(partials_count(pt), 2);
	assert_record(pt, pk_a, fid_1, 1000, "/dl/one.bin");

	/* bad paths are refused and change nothing */
	assert_int_equal(partials_put(pt, pk_a, fid_2, 1, "", 0),
	    PARTIALS_ERR_INVALID);
	assert_int_equal(partials_put(pt, pk_a, fid_2, 1, "a\0b", 3),
	    PARTIALS_ERR_INVALID);
	assert_int_equal(partials_put(pt, pk_a, fid_2, 1, "/x",
	    PARTIALS_PATH_MAX + 1), PARTIALS_ERR_INVALID);
	assert_int_equal(partials_count(pt), 2);
	partials_free(pt);
}

static void
partials_replace_moves_to_newest(void **state)
{
	struct partials		*pt;
	struct partials_entry	 e;

	unlink(ptpath);
	pt = loaded(key1, PARTIALS_OK);
	assert_int_equal(put(pt, pk_a, fid_1, 1, "/old"), PARTIALS_OK);
	assert_int_equal(put(pt, pk_b, fid_1, 2, "/b"), PARTIALS_OK);
	assert_int_equal(put(pt, pk_a, fid_1, 9, "/new/path"), PARTIALS_OK);
	assert_int_equal(partials_count(pt), 2);
	assert_record(pt, pk_a, fid_1, 9, "/new/path");
	assert_int_equal(partials_at(pt, 0, &e), 0);	/* oldest */
	assert_memory_equal(e.pk, pk_b, TOX_PK_LEN);
	assert_int_equal(partials_at(pt, 1, &e), 0);
	assert_memory_equal(e.pk, pk_a, TOX_PK_LEN);
	assert_int_equal(partials_at(pt, 2, &e), -1);
	partials_free(pt);
	/* and so on disk */
	pt = loaded(key1, PARTIALS_OK);
	assert_int_equal(partials_count(pt), 2);
	assert_record(pt, pk_a, fid_1, 9, "/new/path");
	assert_int_equal(partials_at(pt, 0, &e), 0);
	assert_memory_equal(e.pk, pk_b, TOX_PK_LEN);
	partials_free(pt);
}

static void
partials_full_table_evicts_oldest(void **state)
{
	struct partials		*pt;
	struct partials_entry	 e;
	uint8_t			 pk[TOX_PK_LEN], fid[PARTIALS_FILE_ID_LEN];
	char			 p[32];
	unsigned		 i;

	unlink(ptpath);
	pt = loaded(key1, PARTIALS_OK);
	for (i = 0; i < PARTIALS_MAX; i++) {
		nth_key(i, pk, fid);
		snprintf(p, sizeof(p), "/dl/%u", i);
		assert_int_equal(partials_set(pt, pk, fid, i, p, strlen(p)),
		    PARTIALS_OK);
	}
	assert_int_equal(partials_count(pt), PARTIALS_MAX);
	/* a replace in a full table drops nobody else: 1 becomes newest */
	nth_key(1, pk, fid);
	assert_int_equal(put(pt, pk, fid, 1, "/dl/1b"), PARTIALS_OK);
	assert_int_equal(partials_count(pt), PARTIALS_MAX);
	nth_key(0, pk, fid);
	assert_int_equal(partials_get(pt, pk, fid, &e), 0);
	/* a new key drops the oldest (0), durably */
	nth_key(PARTIALS_MAX, pk, fid);
	assert_int_equal(put(pt, pk, fid, 7, "/dl/new"), PARTIALS_OK);
	assert_int_equal(partials_count(pt), PARTIALS_MAX);
	nth_key(0, pk, fid);
	assert_int_equal(partials_get(pt, pk, fid, &e), -1);
	partials_free(pt);

	pt = loaded(key1, PARTIALS_OK);
	assert_int_equal(partials_count(pt), PARTIALS_MAX);
	nth_key(0, pk, fid);
	assert_int_equal(partials_get(pt, pk, fid, &e), -1);
	nth_key(1, pk, fid);
	assert_record(pt, pk, fid, 1, "/dl/1b");
	nth_key(PARTIALS_MAX, pk, fid);
	assert_record(pt, pk, fid, 7, "/dl/new");
	/* the oldest now is 2, then 3 .. 255, 1, the new one */
	assert_int_equal(partials_at(pt, 0, &e), 0);
	nth_key(2, pk, fid);
	assert_memory_equal(e.file_id, fid, PARTIALS_FILE_ID_LEN);
	assert_int_equal(partials_at(pt, PARTIALS_MAX - 2, &e), 0);
	assert_string_equal(e.path, "/dl/1b");
	/* and the next new key drops 2 */
	nth_key(PARTIALS_MAX + 1, pk, fid);
	assert_int_equal(partials_set(pt, pk, fid, 0, "/z", 2), PARTIALS_OK);
	nth_key(2, pk, fid);
	assert_int_equal(partials_get(pt, pk, fid, &e), -1);
	nth_key(3, pk, fid);
	assert_int_equal(partials_get(pt, pk, fid, &e), 0);
	partials_free(pt);
}

/* A plaintext with the longest path, a short one and binary bytes. */
static struct partials *
sample(void)
{
	static char	 longp[PARTIALS_PATH_MAX];
	struct partials	*pt;

	assert_non_null(pt = partials_new(key1));
	memset(longp, 'L', sizeof(longp));
	assert_int_equal(partials_set(pt, pk_a, fid_1, UINT64_MAX, longp,
	    sizeof(longp)), PARTIALS_OK);
	assert_int_equal(partials_set(pt, pk_b, fid_2, 0, "/\x01\xff", 3),
	    PARTIALS_OK);
	assert_int_equal(partials_set(pt, pk_a, fid_2, 12345, "/y", 2),
	    PARTIALS_OK);
	return pt;
}

static void
partials_encode_decode_roundtrip(void **state)
{
	static uint8_t		 enc[PARTIALS_PLAIN_MAX], enc2[PARTIALS_PLAIN_MAX];
	struct partials		*pt, *back;
	struct partials_entry	 a, b;
	size_t			 len, i;

	pt = sample();
	len = partials_encode(pt, enc, sizeof(enc));
	assert_int_equal(len, 2 + 3 * PARTIALS_ENTRY_HDR +
	    PARTIALS_PATH_MAX + 3 + 2);
	assert_int_equal(enc[0], 0);
	assert_int_equal(enc[1], 3);
	assert_memory_equal(enc + 2, pk_a, TOX_PK_LEN);
	/* too small a buffer says so */
	assert_int_equal(partials_encode(pt, enc2, len - 1), 0);

	assert_non_null(back = partials_new(key2));
	assert_int_equal(partials_decode(back, enc, len), PARTIALS_OK);
	assert_int_equal(partials_count(back), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(partials_at(pt, i, &a), 0);
		assert_int_equal(partials_at(back, i, &b), 0);
		assert_memory_equal(a.pk, b.pk, TOX_PK_LEN);
		assert_memory_equal(a.file_id, b.file_id,
		    PARTIALS_FILE_ID_LEN);
		assert_true(a.size == b.size);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.path, b.path, a.len);
		assert_int_equal(b.path[b.len], '\0');
	}
	assert_int_equal(partials_encode(back, enc2, sizeof(enc2)), len);
	assert_memory_equal(enc, enc2, len);
	/* the empty table is two zero bytes */
	assert_int_equal(partials_decode(back, enc, 2), PARTIALS_ERR_FORMAT);
	enc2[0] = enc2[1] = 0;
	assert_int_equal(partials_decode(back, enc2, 2), PARTIALS_OK);
	assert_int_equal(partials_count(back), 0);
	partials_free(pt);
	partials_free(back);
}

/* One record by hand: pk || fid || size || len || path. */
static size_t
rec(uint8_t *o, uint8_t pkb, uint8_t fidb, uint16_t len, const char *p)
{
	memset(o, pkb, TOX_PK_LEN);
	memset(o + TOX_PK_LEN, fidb, PARTIALS_FILE_ID_LEN);
	memset(o + 64, 0, 8);
	o[72] = (uint8_t)(len >> 8);
	o[73] = (uint8_t)len;
	memcpy(o + 74, p, len);
	return 74 + len;
}

static void
partials_decode_refuses(void **state)
{
	static uint8_t		 enc[PARTIALS_PLAIN_MAX];
	struct partials		*pt, *back;
	size_t			 len, n;

	pt = sample();
	assert_non_null(back = partials_new(key1));
	len = partials_encode(pt, enc, sizeof(enc));
	/* every truncation and one byte more */
	for (n = 0; n < len; n++) {
		assert_int_equal(partials_decode(back, enc, n),
		    PARTIALS_ERR_FORMAT);
		assert_int_equal(partials_count(back), 0);
	}
	enc[len] = 0;
	assert_int_equal(partials_decode(back, enc, len + 1),
	    PARTIALS_ERR_FORMAT);
	assert_int_equal(partials_count(back), 0);

	/* by hand: a good one, then each fault */
	enc[0] = 0;
	enc[1] = 2;
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	n += rec(enc + n, 1, 2, 2, "/b");
	assert_int_equal(partials_decode(back, enc, n), PARTIALS_OK);
	assert_int_equal(partials_count(back), 2);
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	n += rec(enc + n, 1, 1, 2, "/b");		/* same key twice */
	assert_int_equal(partials_decode(back, enc, n), PARTIALS_ERR_FORMAT);
	assert_int_equal(partials_count(back), 0);
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	n += rec(enc + n, 1, 2, 2, "/\0");		/* a NUL */
	assert_int_equal(partials_decode(back, enc, n), PARTIALS_ERR_FORMAT);
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	n += rec(enc + n, 1, 2, 0, "");			/* empty path */
	assert_int_equal(partials_decode(back, enc, n), PARTIALS_ERR_FORMAT);
	enc[1] = 1;
	n = 2 + rec(enc + 2, 1, 1, 2, "/a");
	enc[72] = 0x10;				/* len 4098: too long */
	enc[73] = 0x02;
	memset(enc + 74, 'p', 4098);
	assert_int_equal(partials_decode(back, enc, 2 + 74 + 4098),
	    PARTIALS_ERR_FORMAT);
	enc[0] = (PARTIALS_MAX + 1) >> 8;	/* count over the bound */
	enc[1] = (PARTIALS_MAX + 1) & 0xff;
	assert_int_equal(partials_decode(back, enc, 2), PARTIALS_ERR_FORMAT);
	assert_int_equal(partials_count(back), 0);
	partials_free(pt);
	partials_free(back);
}

static void
partials_sealed_truncations_and_flips_refused(void **state)
{
	static uint8_t		 file[PARTIALS_FILE_MAX], bad[PARTIALS_FILE_MAX];
	struct partials		*pt, *back;
	enum partials_err	 e;
	size_t			 len, n, bit;

	pt = sample();
	assert_int_equal(partials_pack(pt, file, sizeof(file), &len),
	    PARTIALS_OK);
	assert_non_null(back = partials_new(key1));
	assert_int_equal(partials_unpack(back, file, len), PARTIALS_OK);
	assert_int_equal(partials_count(back), 3);
	for (n = 0; n < len; n++) {
		/* a table there before must not survive a refusal */
		assert_int_equal(partials_set(back, pk_b, fid_1, 1, "/s", 2),
		    PARTIALS_OK);
		e = partials_unpack(back, file, n);
		assert_true(e == PARTIALS_ERR_TRUNCATED ||
		    e == PARTIALS_ERR_AUTH);
		assert_int_equal(partials_count(back), 0);
	}
	for (n = 0; n < len; n++) {
		bit = n % 8;
		memcpy(bad, file, len);
		bad[n] ^= (uint8_t)(1u << bit);
		assert_int_equal(partials_set(back, pk_b, fid_1, 1, "/s", 2),
		    PARTIALS_OK);
		e = partials_unpack(back, bad, len);
		assert_int_not_equal(e, PARTIALS_OK);
		if (n < PARTIALS_MAGIC_LEN)
			assert_int_equal(e, PARTIALS_ERR_MAGIC);
		else if (n < PARTIALS_MAGIC_LEN + 4)
			assert_int_equal(e, PARTIALS_ERR_VERSION);
		else if (n < PARTIALS_MAGIC_LEN + 4 + PARTIALS_CHECK_LEN)
			assert_int_equal(e, PARTIALS_ERR_KEY);
		else
			assert_int_equal(e, PARTIALS_ERR_AUTH);
		assert_int_equal(partials_count(back), 0);
	}
	/* too large, unread */
	assert_int_equal(partials_unpack(back, file, PARTIALS_FILE_MAX + 1),
	    PARTIALS_ERR_TOOBIG);
	partials_free(back);
	/* another key */
	assert_non_null(back = partials_new(key2));
	assert_int_equal(partials_unpack(back, file, len), PARTIALS_ERR_KEY);
	partials_free(back);
	partials_free(pt);
}

static void
partials_reload_from_disk(void **state)
{
	struct partials		*pt;
	uint8_t			*f;
	size_t			 flen;
	static const char	 secret_path[] = "/home/u/Downloads/secret-plan";

	unlink(ptpath);
	pt = loaded(key1, PARTIALS_OK);
	assert_int_equal(put(pt, pk_a, fid_1, 100, secret_path), PARTIALS_OK);
	assert_int_equal(put(pt, pk_b, fid_2, 200, "/dl/b"), PARTIALS_OK);
	assert_int_equal(put(pt, pk_b, fid_1, 300, "/dl/c"), PARTIALS_OK);
	assert_int_equal(partials_del(pt, pk_b, fid_2), PARTIALS_OK);
	partials_free(pt);

	pt = loaded(key1, PARTIALS_OK);
	assert_int_equal(partials_count(pt), 2);
	assert_record(pt, pk_a, fid_1, 100, secret_path);
	assert_record(pt, pk_b, fid_1, 300, "/dl/c");
	partials_free(pt);

	/* sealed: neither the path nor a key is in the file */
	assert_non_null(f = file_bytes(ptpath, &flen));
	assert_null(memmem(f, flen, "secret-plan", 11));
	assert_null(memmem(f, flen, pk_a, TOX_PK_LEN));
	assert_memory_equal(f, PARTIALS_MAGIC, PARTIALS_MAGIC_LEN);
	free(f);

	/* re-keyed: the old key no longer opens it, the new one does */
	pt = loaded(key1, PARTIALS_OK);
	assert_int_equal(partials_rekey(pt, key2), PARTIALS_OK);
	partials_free(pt);
	pt = loaded(key2, PARTIALS_OK);
	assert_int_equal(partials_count(pt), 2);
	assert_int_equal(partials_rekey(pt, key1), PARTIALS_OK);
	partials_free(pt);
}

/* A bad file: an empty table, the file byte for byte as it was through
 * loads and deletes, replaced by the next put. */
static void
partials_bad_file_kept_until_put(void **state)
{
	static const uint8_t	 junk[] = "BHpartls\0\0\0\1 not really";
	struct partials		*pt;
	uint8_t			*before, *after;
	size_t			 blen, alen, n;

	unlink(ptpath);
	pt = loaded(key1, PARTIALS_OK);
	assert_int_equal(put(pt, pk_a, fid_1, 1, "/dl/a"), PARTIALS_OK);
	partials_free(pt);
	assert_non_null(before = file_bytes(ptpath, &blen));

	/* another key */
	pt = loaded(key2, PARTIALS_ERR_KEY);
	assert_int_equal(partials_count(pt), 0);
	assert_int_equal(partials_damaged(pt), PARTIALS_ERR_KEY);
	assert_int_equal(partials_del(pt, pk_a, fid_1), PARTIALS_OK);
	assert_int_equal(partials_rekey(pt, key2), PARTIALS_OK);
	assert_non_null(after = file_bytes(ptpath, &alen));
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(after);
	partials_free(pt);

	/* every truncation of the real file, on disk */
	for (n = 0; n < blen; n++) {
		put_file(ptpath, before, n);
		pt = loaded(key1, n < PARTIALS_FILE_HDR + PARTIALS_MAC_LEN ?
		    PARTIALS_ERR_TRUNCATED : PARTIALS_ERR_AUTH);
		assert_int_equal(partials_count(pt), 0);
		partials_free(pt);
	}
	put_file(ptpath, junk, sizeof(junk));
	pt = loaded(key1, PARTIALS_ERR_TRUNCATED);
	partials_free(pt);
	put_file(ptpath, (const uint8_t *)"BHpartls\0\0\0\2", 12);
	pt = loaded(key1, PARTIALS_ERR_VERSION);
	partials_free(pt);

	/* the next put replaces it */
	put_file(ptpath, before, blen - 1);
	pt = loaded(key1, PARTIALS_ERR_AUTH);
	assert_int_equal(put(pt, pk_b, fid_2, 5, "/dl/fresh"), PARTIALS_OK);
	assert_int_equal(partials_damaged(pt), PARTIALS_OK);
	partials_free(pt);
	pt = loaded(key1, PARTIALS_OK);
	assert_int_equal(partials_count(pt), 1);
	assert_record(pt, pk_b, fid_2, 5, "/dl/fresh");
	partials_free(pt);
	free(before);
}

/* A child's check: exit code is the line that failed (0: all held). */
#define CHILD_CHECK(c)	do { if (!(c)) _exit(__LINE__ % 250 + 1); } while (0)

/*
 * A write that fails (RLIMIT_FSIZE: EFBIG, a full disk to the store):
 * put and delete are refused, and table and file are as before.
 */
static void
partials_failed_write_changes_nothing(void **state)
{
	static char		 longp[2000];
	struct partials		*pt;
	struct partials_entry	 e;
	struct rlimit		 rl;
	uint8_t			*before, *after;
	size_t			 blen, alen;
	pid_t			 pid;
	int			 status;

	unlink(ptpath);
	pt = loaded(key1, PARTIALS_OK);
	assert_int_equal(put(pt, pk_a, fid_1, 1, "/dl/a"), PARTIALS_OK);
	assert_int_equal(put(pt, pk_b, fid_1, 2, "/dl/b"), PARTIALS_OK);
	partials_free(pt);
	assert_non_null(before = file_bytes(ptpath, &blen));
	memset(longp, 'B', sizeof(longp));
	if ((pid = fork()) == 0) {
		signal(SIGXFSZ, SIG_IGN);
		pt = partials_new(key1);
		CHILD_CHECK(pt != NULL &&
		    partials_load(pt, &prof) == PARTIALS_OK);
		/* a delete shrinks the file: let nothing be written */
		rl.rlim_cur = rl.rlim_max = 0;
		CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
		/* a replace, with a longer path */
		CHILD_CHECK(partials_put(pt, pk_a, fid_1, 9, longp,
		    sizeof(longp)) == PARTIALS_ERR_STORE);
		CHILD_CHECK(partials_store_error(pt) == PSTORE_ERR_NOSPC);
		CHILD_CHECK(partials_del(pt, pk_b, fid_1) ==
		    PARTIALS_ERR_STORE);
		CHILD_CHECK(partials_count(pt) == 2);
		CHILD_CHECK(partials_get(pt, pk_a, fid_1, &e) == 0 &&
		    e.size == 1 && strcmp(e.path, "/dl/a") == 0);
		CHILD_CHECK(partials_at(pt, 0, &e) == 0 &&
		    memcmp(e.pk, pk_a, TOX_PK_LEN) == 0);
		CHILD_CHECK(partials_get(pt, pk_b, fid_1, &e) == 0);
		after = file_bytes(ptpath, &alen);
		CHILD_CHECK(after != NULL && alen == blen &&
		    memcmp(after, before, blen) == 0);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(after = file_bytes(ptpath, &alen));
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(before);
	free(after);
}

static void
partials_key_derive_is_its_own(void **state)
{
	uint8_t	k[PARTIALS_KEY_LEN], k2[PARTIALS_KEY_LEN], ikm[40];

	memset(ikm, 7, sizeof(ikm));
	partials_key_derive(k, ikm, 32);
	partials_key_derive(k2, ikm, 32);
	assert_memory_equal(k, k2, sizeof(k));
	assert_memory_not_equal(k, ikm, sizeof(k));
	partials_key_derive(k2, ikm, 31);
	assert_memory_not_equal(k, k2, sizeof(k));
	/* never the outbox's key from the same material */
	assert_int_equal(crypto_generichash(k2, sizeof(k2), ikm, 32,
	    (const uint8_t *)"bulkhead outbox key v1", 22), 0);
	assert_memory_not_equal(k, k2, sizeof(k));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(partials_put_get_del),
		cmocka_unit_test(partials_replace_moves_to_newest),
		cmocka_unit_test(partials_full_table_evicts_oldest),
		cmocka_unit_test(partials_encode_decode_roundtrip),
		cmocka_unit_test(partials_decode_refuses),
		cmocka_unit_test(partials_sealed_truncations_and_flips_refused),
		cmocka_unit_test(partials_reload_from_disk),
		cmocka_unit_test(partials_bad_file_kept_until_put),
		cmocka_unit_test(partials_failed_write_changes_nothing),
		cmocka_unit_test(partials_key_derive_is_its_own),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
