/*
 * keyd's avatar store (keyd/avatars.c) in a scratch profile directory:
 * our avatar set from a descriptor (stored bytes, SHA-256, the name
 * beside the profile), refused when empty, over AVATAR_MAX or not a PNG
 * (and then nothing changes); removed; read back with a descriptor.  A
 * friend's: a part handed out empty (a stale one replaced), committed
 * only when size, PNG signature and SHA-256 agree, the part gone either
 * way; removal; no write after the commit through chatd's descriptor
 * reaches the stored copy; and a removed friend's avatar and part both
 * go, another friend's staying.  The directory's listing finds the key
 * of each friend's avatar or part of this profile, once, and nothing
 * else (another profile's, ours, near misses, a symlink, a directory).
 */
#include <sys/stat.h>

#include <fcntl.h>
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

#include "keyd/avatars.h"
#include "keyd/profile_store.h"

static char		dir[64], path[128];
static struct pstore	prof;
static uint8_t		png[5000], pk[TOX_PK_LEN];
static uint8_t		big[AVATAR_MAX + 1];

static int
setup(void **state)
{
	size_t	i;

	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/bh-avatars-unit-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/p.tox", dir);
	if (pstore_open(&prof, path) == -1)
		return -1;
	for (i = 0; i < sizeof(png); i++)
		png[i] = (uint8_t)(i * 7 + 3);
	memcpy(png, "\x89PNG\r\n\x1a\n", 8);
	memcpy(big, png, 8);
	for (i = 0; i < sizeof(pk); i++)
		pk[i] = (uint8_t)(0xa0 + i);
	return 0;
}

static int
teardown(void **state)
{
	char	c[128];

	pstore_close(&prof);
	snprintf(c, sizeof(c), "rm -rf '%s'", dir);
	return system(c) == 0 ? 0 : -1;
}

/* A descriptor holding p[0..len), read from its start. */
static int
mem_fd(const void *p, size_t len)
{
	char	tmp[128];
	int	fd;

	snprintf(tmp, sizeof(tmp), "%s/src-XXXXXX", dir);
	if ((fd = mkstemp(tmp)) == -1)
		return -1;
	(void)unlink(tmp);
	if (len > 0 && write(fd, p, len) != (ssize_t)len)
		return -1;
	(void)lseek(fd, 0, SEEK_SET);
	return fd;
}

/* The size of dir/name, -1 if none. */
static long
size_of(const char *name)
{
	char		p[512];
	struct stat	st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static void
checks(void **state)
{
	assert_int_equal(avatars_check(png, sizeof(png)), AVATARS_OK);
	assert_int_equal(avatars_check(png, 0), AVATARS_ERR_EMPTY);
	assert_int_equal(avatars_check(png, 7), AVATARS_ERR_NOTPNG);
	assert_int_equal(avatars_check(png + 1, 100), AVATARS_ERR_NOTPNG);
	assert_int_equal(avatars_check(big, AVATAR_MAX), AVATARS_OK);
	assert_int_equal(avatars_check(big, AVATAR_MAX + 1),
	    AVATARS_ERR_TOOBIG);
}

static void
self_set_get_del(void **state)
{
	uint8_t		sha[32], want[32], sha2[32];
	uint64_t	size = 0, size2 = 0;
	char		name[256], back[sizeof(png)];
	int		fd, rfd;

	assert_int_equal(avatars_self_name(&prof, name, sizeof(name)), 0);
	assert_string_equal(name, "p.tox.avatar.png");
	assert_int_equal(avatars_self_get(&prof, &size, sha, NULL),
	    AVATARS_ERR_NONE);

	fd = mem_fd(png, sizeof(png));
	assert_int_equal(avatars_self_set(&prof, fd, &size, sha), AVATARS_OK);
	close(fd);
	crypto_hash_sha256(want, png, sizeof(png));
	assert_int_equal(size, sizeof(png));
	assert_memory_equal(sha, want, 32);
	assert_int_equal(size_of(name), (long)sizeof(png));

	assert_int_equal(avatars_self_get(&prof, &size2, sha2, &rfd),
	    AVATARS_OK);
	assert_int_equal(size2, sizeof(png));
	assert_memory_equal(sha2, want, 32);
	assert_true(rfd >= 0);
	assert_int_equal(pread(rfd, back, sizeof(back), 0), sizeof(back));
	assert_memory_equal(back, png, sizeof(png));
	close(rfd);

	/* refused ones leave it as it was */
	fd = mem_fd(big, sizeof(big));
	assert_int_equal(avatars_self_set(&prof, fd, &size, sha),
	    AVATARS_ERR_TOOBIG);
	close(fd);
	fd = mem_fd("hello, not a picture", 20);
	assert_int_equal(avatars_self_set(&prof, fd, &size, sha),
	    AVATARS_ERR_NOTPNG);
	close(fd);
	fd = mem_fd("", 0);
	assert_int_equal(avatars_self_set(&prof, fd, &size, sha),
	    AVATARS_ERR_EMPTY);
	close(fd);
	assert_int_equal(size_of(name), (long)sizeof(png));

	assert_int_equal(avatars_self_del(&prof), AVATARS_OK);
	assert_int_equal(size_of(name), -1);
	assert_int_equal(avatars_self_del(&prof), AVATARS_OK);
	assert_int_equal(avatars_self_get(&prof, &size, sha, NULL),
	    AVATARS_ERR_NONE);
}

/* Friend who's avatar p[0..len) as keyd holds it, committed with size
 * and id. */
static enum avatars_err
receive_as(const uint8_t *who, const void *p, size_t len, uint64_t size,
    const uint8_t id[32], int *keep)
{
	(void)keep;
	return avatars_friend_commit(&prof, who, p, len, size, id);
}

static enum avatars_err
receive(const void *p, size_t len, uint64_t size, const uint8_t id[32],
    int *keep)
{
	return receive_as(pk, p, len, size, id, keep);
}

/*
 * The part file an older bulkhead kept beside profile s for friend k
 * while its avatar came, holding len bytes: keyd still removes those.
 */
static void
old_part(const struct pstore *s, const uint8_t *k, size_t len)
{
	char	name[256], p[600];
	int	fd;

	assert_int_equal(avatars_friend_name(s, k, name, sizeof(name)), 0);
	snprintf(p, sizeof(p), "%s/.%.*s.part", dir,
	    (int)(strlen(name) - 4), name);
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1);
	assert_int_equal(write(fd, png, len), (ssize_t)len);
	close(fd);
}

static void
friend_parts(void **state)
{
	uint8_t	sha[32], got[32], other[32];
	char	name[256], part[300];

	assert_int_equal(avatars_friend_name(&prof, pk, name, sizeof(name)),
	    0);
	assert_string_equal(name, "p.tox.avatar."
	    "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
	    ".png");
	snprintf(part, sizeof(part), ".%.*s.part", (int)(strlen(name) - 4),
	    name);
	crypto_hash_sha256(sha, png, sizeof(png));
	assert_int_equal(avatars_friend_get(&prof, pk, got),
	    AVATARS_ERR_NONE);

	/* an older bulkhead's part is removed by the next commit */
	old_part(&prof, pk, 5);
	assert_int_equal(size_of(part), 5);

	/* wrong id, wrong size, not a PNG: dropped, nothing stored */
	memset(other, 0x55, sizeof(other));
	assert_int_equal(receive(png, sizeof(png), sizeof(png), other, NULL),
	    AVATARS_ERR_HASH);
	assert_int_equal(receive(png, sizeof(png), sizeof(png) - 1, sha,
	    NULL), AVATARS_ERR_HASH);
	crypto_hash_sha256(other, png + 1, 100);
	assert_int_equal(receive(png + 1, 100, 100, other, NULL),
	    AVATARS_ERR_NOTPNG);
	assert_int_equal(size_of(name), -1);
	assert_int_equal(size_of(part), -1);

	/* more than an avatar: refused */
	assert_int_equal(avatars_friend_commit(&prof, pk, png, AVATAR_MAX + 1,
	    AVATAR_MAX + 1, sha), AVATARS_ERR_TOOBIG);
	assert_int_equal(size_of(name), -1);

	/* the right one */
	assert_int_equal(receive(png, sizeof(png), sizeof(png), sha, NULL),
	    AVATARS_OK);
	assert_int_equal(size_of(part), -1);
	assert_int_equal(size_of(name), (long)sizeof(png));
	assert_int_equal(avatars_friend_get(&prof, pk, got), AVATARS_OK);
	assert_memory_equal(got, sha, 32);

	assert_int_equal(avatars_friend_del(&prof, pk), AVATARS_OK);
	assert_int_equal(size_of(name), -1);
	assert_int_equal(avatars_friend_del(&prof, pk), AVATARS_OK);
}

/*
 * The friend removed: its avatar and a part under way both go; another
 * friend's stays, and forgetting one that has nothing is no error.
 */
static void
friend_forget(void **state)
{
	uint8_t	sha[32], got[32], pk2[TOX_PK_LEN];
	char	name[256], name2[256], part[300];

	memcpy(pk2, pk, sizeof(pk2));
	pk2[0] ^= 0xff;
	assert_int_equal(avatars_friend_name(&prof, pk, name, sizeof(name)),
	    0);
	assert_int_equal(avatars_friend_name(&prof, pk2, name2,
	    sizeof(name2)), 0);
	snprintf(part, sizeof(part), ".%.*s.part", (int)(strlen(name) - 4),
	    name);
	crypto_hash_sha256(sha, png, sizeof(png));
	assert_int_equal(receive_as(pk, png, sizeof(png), sizeof(png), sha,
	    NULL), AVATARS_OK);
	assert_int_equal(receive_as(pk2, png, sizeof(png), sizeof(png), sha,
	    NULL), AVATARS_OK);
	/* an older bulkhead's part left when the friend goes */
	old_part(&prof, pk, 100);
	assert_int_equal(size_of(name), (long)sizeof(png));
	assert_int_equal(size_of(part), 100);

	assert_int_equal(avatars_friend_forget(&prof, pk), AVATARS_OK);
	assert_int_equal(size_of(name), -1);
	assert_int_equal(size_of(part), -1);
	assert_int_equal(avatars_friend_get(&prof, pk, got),
	    AVATARS_ERR_NONE);
	assert_int_equal(size_of(name2), (long)sizeof(png));
	assert_int_equal(avatars_friend_get(&prof, pk2, got), AVATARS_OK);
	assert_memory_equal(got, sha, 32);
	assert_int_equal(avatars_friend_forget(&prof, pk), AVATARS_OK);

	/* a part alone (nothing stored yet) goes too */
	assert_int_equal(avatars_friend_forget(&prof, pk2), AVATARS_OK);
	old_part(&prof, pk2, 0);
	snprintf(part, sizeof(part), ".%.*s.part", (int)(strlen(name2) - 4),
	    name2);
	assert_int_equal(size_of(part), 0);
	assert_int_equal(avatars_friend_forget(&prof, pk2), AVATARS_OK);
	assert_int_equal(size_of(part), -1);
	assert_int_equal(size_of(name2), -1);
}

/* An empty file dir/name (or a symlink to "x" with link set). */
static void
plant(const char *name, int link)
{
	char	p[512];
	int	fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (link) {
		assert_int_equal(symlink("x", p), 0);
		return;
	}
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1);
	assert_int_equal(write(fd, png, 100), 100);
	close(fd);
}

/* 1 if keys[0..n) holds k. */
static int
listed(uint8_t (*keys)[TOX_PK_LEN], size_t n, const uint8_t *k)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (memcmp(keys[i], k, TOX_PK_LEN) == 0)
			return 1;
	return 0;
}

static void
friend_scan(void **state)
{
	uint8_t		(*keys)[TOX_PK_LEN], k[4][TOX_PK_LEN];
	char		name[256], p[512], hexk[2 * TOX_PK_LEN + 1];
	struct pstore	other;
	size_t		n, i;

	for (i = 0; i < 4; i++) {
		memcpy(k[i], pk, TOX_PK_LEN);
		k[i][31] = (uint8_t)(0x10 * i + 1);
	}
	/* nothing yet */
	assert_int_equal(avatars_scan(&prof, &keys, &n), 0);
	assert_int_equal(n, 0);
	free(keys);
	/* k0: an avatar and a part; k1: an avatar; k2: a part */
	assert_int_equal(avatars_friend_name(&prof, k[0], name,
	    sizeof(name)), 0);
	plant(name, 0);
	old_part(&prof, k[0], 0);
	assert_int_equal(avatars_friend_name(&prof, k[1], name,
	    sizeof(name)), 0);
	plant(name, 0);
	old_part(&prof, k[2], 0);
	/* not ours to list: another profile's in the same directory */
	snprintf(p, sizeof(p), "%s/other.tox", dir);
	assert_int_equal(pstore_open(&other, p), 0);
	assert_int_equal(avatars_friend_name(&other, k[3], name,
	    sizeof(name)), 0);
	plant(name, 0);
	old_part(&other, k[3], 0);
	pstore_close(&other);
	/* ... our own, and near misses of k3's name */
	plant("p.tox.avatar.png", 0);
	plant("p.tox", 0);
	for (i = 0; i < TOX_PK_LEN; i++)
		snprintf(hexk + 2 * i, 3, "%02X", k[3][i]);
	snprintf(name, sizeof(name), "p.tox.avatar.%s.png.tmp", hexk);
	plant(name, 0);
	snprintf(name, sizeof(name), "p.tox.avatar.%.63s.png", hexk);
	plant(name, 0);
	snprintf(name, sizeof(name), "p.tox.avatar.%s.part", hexk);
	plant(name, 0);
	snprintf(name, sizeof(name), ".p.tox.avatar.%s.png", hexk);
	plant(name, 0);
	snprintf(name, sizeof(name), "xp.tox.avatar.%s.png", hexk);
	plant(name, 0);
	for (i = 0; hexk[i] != '\0'; i++)
		if (hexk[i] >= 'A' && hexk[i] <= 'F')
			hexk[i] = (char)(hexk[i] - 'A' + 'a');
	snprintf(name, sizeof(name), "p.tox.avatar.%s.png", hexk);
	plant(name, 0);
	/* a symlink and a directory under a right name are not files */
	assert_int_equal(avatars_friend_name(&prof, k[3], name,
	    sizeof(name)), 0);
	plant(name, 1);
	for (i = 0; hexk[i] != '\0'; i++)
		if (hexk[i] >= 'a' && hexk[i] <= 'f')
			hexk[i] = (char)(hexk[i] - 'a' + 'A');
	snprintf(p, sizeof(p), "%s/.p.tox.avatar.%s.part", dir, hexk);
	assert_int_equal(mkdir(p, 0700), 0);

	assert_int_equal(avatars_scan(&prof, &keys, &n), 0);
	assert_int_equal(n, 3);
	assert_true(listed(keys, n, k[0]));
	assert_true(listed(keys, n, k[1]));
	assert_true(listed(keys, n, k[2]));
	assert_false(listed(keys, n, k[3]));
	free(keys);
	assert_int_equal(rmdir(p), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checks),
		cmocka_unit_test(self_set_get_del),
		cmocka_unit_test(friend_parts),
		cmocka_unit_test(friend_forget),
		cmocka_unit_test(friend_scan),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
