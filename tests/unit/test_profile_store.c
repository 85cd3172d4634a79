/*
 * Crash-safe profile store: save and read back, a read-only directory, a
 * full disk, a file size limit, and a writer SIGKILLed at random moments:
 * the previous profile must survive every failure whole.
 *
 * The read-only and full-disk cases use a real tmpfs (small, or remounted
 * read-only) in a private mount namespace of this test process, so the
 * kernel's own EROFS/ENOSPC are what the code meets; root ignores mode
 * bits, so chmod alone would prove nothing.  Without the privilege to
 * mount, those cases are skipped and the RLIMIT_FSIZE case (EFBIG, which
 * the store treats as a full disk) still runs.
 */
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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

#include "keyd/profile_store.h"
#include "keyd/savedata.h"

static char	tmpdir[64];
static int	can_mount;

/* Savedata of a profile named name with nfriends friends, and its size. */
static uint8_t *
make_savedata(const char *name, size_t nfriends, size_t *len)
{
	struct profile	*p;
	uint8_t		*buf;
	size_t		 i;

	assert_non_null(p = profile_generate());
	p->name_len = strlen(name);
	memcpy(p->name, name, p->name_len);
	if (nfriends > 0) {
		assert_non_null(p->friends = calloc(nfriends,
		    sizeof(*p->friends)));
		for (i = 0; i < nfriends; i++) {
			p->friends[i].status = FRIEND_CONFIRMED;
			memset(p->friends[i].pk, (int)i, TOX_PK_LEN);
		}
		p->nfriends = nfriends;
	}
	*len = savedata_size(p);
	assert_non_null(buf = malloc(*len));
	assert_int_equal(savedata_build(p, buf, *len), *len);
	profile_free(p);
	return buf;
}

/* The profile's name after a read and parse, into out. */
static void
read_name(struct pstore *s, char *out, size_t outsz)
{
	struct profile	*p;
	uint8_t		*buf;
	size_t		 len;

	assert_int_equal(pstore_read(s, &buf, &len), PSTORE_OK);
	assert_int_equal(savedata_parse(buf, len, &p), SD_OK);
	secbuf_free(buf);
	assert_true(p->name_len < outsz);
	memcpy(out, p->name, p->name_len);
	out[p->name_len] = '\0';
	profile_free(p);
}

static int
tmp_exists(const struct pstore *s)
{
	struct stat	st;

	return fstatat(s->dirfd, s->tmpname, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void
open_store(struct pstore *s, const char *dir)
{
	char	path[256];

	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	assert_int_equal(pstore_open(s, path), 0);
}

static void
pstore_save_and_read(void **state)
{
	struct pstore	 s;
	uint8_t		*a, *b, *got;
	size_t		 alen, blen, glen;
	char		 name[32];

	open_store(&s, tmpdir);
	assert_int_equal(pstore_read(&s, &got, &glen), PSTORE_ERR_NOENT);
	a = make_savedata("first", 0, &alen);
	b = make_savedata("second", 3, &blen);
	assert_int_equal(pstore_write(&s, a, alen), PSTORE_OK);
	read_name(&s, name, sizeof(name));
	assert_string_equal(name, "first");
	assert_int_equal(pstore_write(&s, b, blen), PSTORE_OK);
	assert_int_equal(pstore_read(&s, &got, &glen), PSTORE_OK);
	assert_int_equal(glen, blen);
	assert_memory_equal(got, b, blen);
	secbuf_free(got);
	assert_false(tmp_exists(&s));
	pstore_close(&s);
	free(a);
	free(b);
}

/*
 * The temporary file's name is not predictable (audit F24): a directory
 * or file someone put at ".NAME.tmp" (or anywhere) blocks no save and is
 * left alone, and each save gets a new random name.
 */
static void
pstore_temp_name_unpredictable(void **state)
{
	struct pstore	 s;
	uint8_t		*a;
	size_t		 alen, i;
	char		 name[32], first[NAME_MAX + 1], squat[300];
	struct stat	 st;

	open_store(&s, tmpdir);
	snprintf(squat, sizeof(squat), "%s/.profile.tox.tmp", tmpdir);
	assert_int_equal(mkdir(squat, 0700), 0);
	snprintf(squat, sizeof(squat), "%s/.profile.tox.tmp/x", tmpdir);
	assert_int_equal(mkdir(squat, 0700), 0);
	a = make_savedata("after-squat", 0, &alen);
	assert_int_equal(pstore_write(&s, a, alen), PSTORE_OK);
	read_name(&s, name, sizeof(name));
	assert_string_equal(name, "after-squat");
	assert_false(tmp_exists(&s));
	assert_int_equal(stat(squat, &st), 0);		/* untouched */
	/* ".profile.tox.tmp." and 12 hex digits */
	assert_int_equal(strncmp(s.tmpname, ".profile.tox.tmp.", 17), 0);
	assert_int_equal(strlen(s.tmpname), 17 + 12);
	for (i = 17; i < 29; i++)
		assert_non_null(strchr("0123456789abcdef", s.tmpname[i]));
	snprintf(first, sizeof(first), "%s", s.tmpname);
	assert_int_equal(pstore_write(&s, a, alen), PSTORE_OK);
	assert_string_not_equal(first, s.tmpname);
	rmdir(squat);
	snprintf(squat, sizeof(squat), "%s/.profile.tox.tmp", tmpdir);
	assert_int_equal(rmdir(squat), 0);
	pstore_close(&s);
	free(a);
}

static void
pstore_open_rejects_bad_paths(void **state)
{
	struct pstore	s;
	char		path[600];

	assert_int_equal(pstore_open(&s, "/tmp/"), -1);
	assert_int_equal(pstore_open(&s, "/nonexistent-dir-xyz/p.tox"), -1);
	assert_int_equal(errno, ENOENT);
	memset(path, 'a', sizeof(path));
	memcpy(path, "/tmp/", 5);
	path[5 + 252] = '\0';		/* room for the name, not ".name.tmp" */
	assert_int_equal(pstore_open(&s, path), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

/* A tmpfs of size bytes at a new directory under tmpdir; its path. */
static void
mount_tmpfs(const char *sub, size_t size, char *out, size_t outsz)
{
	char	opts[64];

	snprintf(out, outsz, "%s/%s", tmpdir, sub);
	assert_int_equal(mkdir(out, 0700), 0);
	snprintf(opts, sizeof(opts), "size=%zu,mode=0700", size);
	assert_int_equal(mount("tmpfs", out, "tmpfs", 0, opts), 0);
}

static void
pstore_readonly_dir_keeps_profile(void **state)
{
	struct pstore	 s;
	uint8_t		*a, *b;
	size_t		 alen, blen;
	char		 dir[128], name[32];

	if (!can_mount)
		skip();
	mount_tmpfs("ro", 1 << 20, dir, sizeof(dir));
	open_store(&s, dir);
	a = make_savedata("old", 2, &alen);
	b = make_savedata("new", 2, &blen);
	assert_int_equal(pstore_write(&s, a, alen), PSTORE_OK);
	assert_int_equal(mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL),
	    0);
	assert_int_equal(pstore_write(&s, b, blen), PSTORE_ERR_ROFS);
	assert_int_equal(s.last_errno, EROFS);
	read_name(&s, name, sizeof(name));
	assert_string_equal(name, "old");
	pstore_close(&s);
	assert_int_equal(umount(dir), 0);
	free(a);
	free(b);
}

/* Fills the file system of dirfd: a file that grows until ENOSPC. */
static void
fill_disk(int dirfd, size_t leave)
{
	static uint8_t	chunk[4096];
	int		fd;
	ssize_t		n;

	fd = openat(dirfd, "filler", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (;;) {
		n = write(fd, chunk, sizeof(chunk));
		if (n == -1) {
			assert_int_equal(errno, ENOSPC);
			break;
		}
	}
	/* Give back whole pages so that a write fails part way through. */
	if (leave > 0) {
		off_t	end = lseek(fd, 0, SEEK_END);

		assert_true(end > (off_t)leave);
		assert_int_equal(ftruncate(fd, end - (off_t)leave), 0);
	}
	close(fd);
}

static void
pstore_full_disk_keeps_profile(void **state)
{
	struct pstore	 s;
	uint8_t		*a, *b;
	size_t		 alen, blen;
	char		 dir[128], name[32];

	if (!can_mount)
		skip();
	mount_tmpfs("full", 256 * 1024, dir, sizeof(dir));
	open_store(&s, dir);
	a = make_savedata("old", 5, &alen);		/* ~11 KB */
	b = make_savedata("new", 40, &blen);		/* ~89 KB */
	assert_int_equal(pstore_write(&s, a, alen), PSTORE_OK);

	/* nothing left at all */
	fill_disk(s.dirfd, 0);
	assert_int_equal(pstore_write(&s, b, blen), PSTORE_ERR_NOSPC);
	assert_false(tmp_exists(&s));
	read_name(&s, name, sizeof(name));
	assert_string_equal(name, "old");

	/* room for part of the new file: the write fails half way */
	fill_disk(s.dirfd, 8 * 4096);
	assert_int_equal(pstore_write(&s, b, blen), PSTORE_ERR_NOSPC);
	assert_int_equal(s.last_errno, ENOSPC);
	assert_false(tmp_exists(&s));
	read_name(&s, name, sizeof(name));
	assert_string_equal(name, "old");

	/* space again: the save goes through */
	assert_int_equal(unlinkat(s.dirfd, "filler", 0), 0);
	assert_int_equal(pstore_write(&s, b, blen), PSTORE_OK);
	read_name(&s, name, sizeof(name));
	assert_string_equal(name, "new");
	pstore_close(&s);
	assert_int_equal(umount(dir), 0);
	free(a);
	free(b);
}

/* RLIMIT_FSIZE in a child: write() fails with EFBIG, like a full disk. */
static void
pstore_fsize_limit_keeps_profile(void **state)
{
	struct pstore	 s;
	struct rlimit	 rl;
	uint8_t		*a, *b;
	size_t		 alen, blen;
	char		 name[32];
	pid_t		 pid;
	int		 status;

	open_store(&s, tmpdir);
	a = make_savedata("small", 1, &alen);
	b = make_savedata("large", 20, &blen);
	assert_int_equal(pstore_write(&s, a, alen), PSTORE_OK);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);	/* as keyd must */
		rl.rlim_cur = rl.rlim_max = blen / 2;
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(2);
		if (pstore_write(&s, b, blen) != PSTORE_ERR_NOSPC)
			_exit(3);
		if (s.last_errno != EFBIG)
			_exit(4);
		_exit(tmp_exists(&s) ? 5 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	read_name(&s, name, sizeof(name));
	assert_string_equal(name, "small");
	pstore_close(&s);
	free(a);
	free(b);
}

/*
 * A child saves two profiles in turn, forever; the parent SIGKILLs it at
 * a random moment, then the file must load and be one of the two.
 */
static void
pstore_survives_sigkill_loop(void **state)
{
	struct pstore	 s;
	uint8_t		*a, *b;
	size_t		 alen, blen;
	char		 dir[128], name[32];
	pid_t		 pid;
	int		 i, status, seen_a = 0, seen_b = 0;

	snprintf(dir, sizeof(dir), "%s/kill", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	open_store(&s, dir);
	a = make_savedata("AAAA", 60, &alen);	/* ~130 KB each */
	b = make_savedata("BBBB", 61, &blen);
	assert_int_equal(pstore_write(&s, a, alen), PSTORE_OK);
	for (i = 0; i < 500; i++) {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			for (;;) {
				if (pstore_write(&s, b, blen) != PSTORE_OK ||
				    pstore_write(&s, a, alen) != PSTORE_OK)
					_exit(1);
			}
		}
		usleep((useconds_t)randombytes_uniform(4000));
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		/* killed, never exited on a failed save */
		assert_true(WIFSIGNALED(status));
		read_name(&s, name, sizeof(name));
		if (strcmp(name, "AAAA") == 0)
			seen_a++;
		else if (strcmp(name, "BBBB") == 0)
			seen_b++;
		else
			fail_msg("unexpected profile name %s", name);
	}
	/* both states were hit, so kills landed mid-cycle */
	print_message("kills: %d left A, %d left B\n", seen_a, seen_b);
	assert_true(seen_a > 0 && seen_b > 0);
	pstore_close(&s);
	free(a);
	free(b);
}

static void
pstore_read_fd_pipe_and_limits(void **state)
{
	uint8_t	*buf;
	size_t	 len, i;
	int	 p[2];
	uint8_t	 chunk[1000];

	/* a pipe has no size: the reader grows its buffer to EOF */
	assert_int_equal(pipe(p), 0);
	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (uint8_t)i;
	assert_int_equal(write(p[1], chunk, sizeof(chunk)), sizeof(chunk));
	close(p[1]);
	assert_int_equal(pstore_read_fd(p[0], &buf, &len), PSTORE_OK);
	assert_int_equal(len, sizeof(chunk));
	assert_memory_equal(buf, chunk, len);
	secbuf_free(buf);
	close(p[0]);
	/* a directory is not a profile */
	p[0] = open(tmpdir, O_RDONLY | O_DIRECTORY);
	assert_int_not_equal(pstore_read_fd(p[0], &buf, &len), PSTORE_OK);
	assert_null(buf);
	close(p[0]);
}

static int
init(void **state)
{
	if (sodium_init() < 0)
		return -1;
	/* A private mount namespace: our tmpfs mounts vanish with us. */
	if (unshare(CLONE_NEWNS) == 0 &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
		can_mount = 1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bh-pstore-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
fini(void **state)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pstore_save_and_read),
		cmocka_unit_test(pstore_temp_name_unpredictable),
		cmocka_unit_test(pstore_open_rejects_bad_paths),
		cmocka_unit_test(pstore_readonly_dir_keeps_profile),
		cmocka_unit_test(pstore_full_disk_keeps_profile),
		cmocka_unit_test(pstore_fsize_limit_keeps_profile),
		cmocka_unit_test(pstore_survives_sigkill_loop),
		cmocka_unit_test(pstore_read_fd_pipe_and_limits),
	};

	return cmocka_run_group_tests(tests, init, fini);
}
