/*
 * Avatars of ex-friends left beside the profile (keyd/avatar_ops.c):
 * the friend was removed while keyd was not running (another client
 * edited the profile, or keyd died between saving the list and deleting
 * the files).  A child does what keyd does: opens the profile, notes
 * the avatars beside it (avatar_ops_scan), enters keyd's real sandbox
 * (Landlock on the directory, the keyd seccomp table: no getdents64),
 * and loads the profile (an encrypted one with its passphrase, after
 * the sandbox; a plain one is loaded at the open, before it).  Then the
 * avatar and part of a key that is not a friend are gone; the friend's,
 * ours and another profile's in the same directory stay.
 */
#include <sys/stat.h>
#include <sys/wait.h>

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

#include "common/log.h"
#include "ipc/msg_core.h"
#include "keyd/avatar_ops.h"
#include "keyd/avatars.h"
#include "keyd/profile_dispatch.h"
#include "sandbox/sandbox.h"

static char		dir[64], path[128];
static uint8_t		fpk[TOX_PK_LEN], xpk[TOX_PK_LEN], ypk[TOX_PK_LEN];
static uint8_t		png[300];

static void
on_event(enum keyd_profile_event ev, void *arg)
{
	if (ev == KEYD_PROFILE_LOADED)
		avatar_ops_profile_loaded();
}

/* keyd's order: open, scan, sandbox, unlock; exits 0 if all went. */
static void
child(int encrypted)
{
	struct sandbox_conf		conf;
	struct ipc_sandbox_report	rep;
	struct id_err			e;
	int				fd, i;

	/* 3..6 are keyd's channels: the directory lands above them */
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		_exit(9);
	for (i = FD_SUP; i <= FD_KEYD_MEDIAD; i++)
		if (fd != i && dup2(fd, i) == -1)
			_exit(9);
	avatar_ops_init(NULL, NULL, path);
	if (keyd_profile_open(path, on_event, NULL) == -1)
		_exit(10);
	avatar_ops_scan();
	memset(&conf, 0, sizeof(conf));
	conf.role = ROLE_KEYD;
	conf.rw_paths[0] = dir;
	conf.keep_fds[0] = keyd_profile_dirfd();
	conf.nkeep = 1;
	sandbox_apply(&conf, &rep);
	if (!(rep.flags & SB_SECCOMP))
		_exit(11);
	if (encrypted) {
		if (identity_unlock(keyd_profile_identity(),
		    (const uint8_t *)"pw", 2, &e) == -1)
			_exit(12);
		/* what keyd's unlock handler says */
		on_event(KEYD_PROFILE_LOADED, NULL);
	}
	keyd_profile_close();
	_exit(0);
}

/* A profile with one friend, fpk. */
static void
make_profile(int encrypted)
{
	struct identity		 id;
	struct profile_friend	*f;
	struct id_err		 e;

	assert_int_equal(identity_open(&id, path, &e), 0);
	assert_int_equal(identity_create(&id, (const uint8_t *)"pw",
	    encrypted ? 2 : 0, !encrypted, &e), 0);
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->status = 3;
	memcpy(f->pk, fpk, TOX_PK_LEN);
	id.prof->friends = f;
	id.prof->nfriends = 1;
	assert_int_equal(identity_save(&id, &e), 0);
	identity_close(&id);
}

static void
put(const char *name)
{
	char	p[512];
	int	fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1);
	assert_int_equal(write(fd, png, sizeof(png)), (ssize_t)sizeof(png));
	close(fd);
}

static int
there(const char *name)
{
	char		p[512];
	struct stat	st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

/* The names of pk's avatar and part for profile file pname. */
static void
names(const char *pname, const uint8_t *pk, char av[256], char part[256])
{
	char	h[2 * TOX_PK_LEN + 1];
	size_t	i;

	for (i = 0; i < TOX_PK_LEN; i++)
		snprintf(h + 2 * i, 3, "%02X", pk[i]);
	snprintf(av, 256, "%s.avatar.%s.png", pname, h);
	snprintf(part, 256, ".%s.avatar.%s.part", pname, h);
}

static void
sweep(int encrypted)
{
	char	fa[256], fp[256], xa[256], xp[256], ya[256], yp[256];
	char	oa[256], op[256], cmd[128];
	pid_t	pid;
	int	status;

	snprintf(dir, sizeof(dir), "/tmp/bh-avsweep-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	make_profile(encrypted);
	names("profile.tox", fpk, fa, fp);
	names("profile.tox", xpk, xa, xp);
	names("profile.tox", ypk, ya, yp);
	names("other.tox", xpk, oa, op);
	put(fa);
	put(fp);
	put(xa);
	put(xp);
	put(yp);
	put(oa);
	put(op);
	put("profile.tox.avatar.png");

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child(encrypted);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("child killed by signal %d (SIGSYS = a syscall "
		    "missing from keyd's table)", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* the ex-friends' went; everything else stayed */
	assert_false(there(xa));
	assert_false(there(xp));
	assert_false(there(yp));
	assert_true(there(fa));
	assert_true(there(fp));
	assert_true(there(oa));
	assert_true(there(op));
	assert_true(there("profile.tox.avatar.png"));
	assert_true(there("profile.tox"));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
sweep_encrypted(void **state)
{
	sweep(1);
}

static void
sweep_plain(void **state)
{
	sweep(0);
}

static int
init(void **state)
{
	log_init("test", LOG_LVL_WARN);
	if (sodium_init() < 0)
		return -1;
	memset(fpk, 0x21, sizeof(fpk));
	memset(xpk, 0x9c, sizeof(xpk));
	memset(ypk, 0xe5, sizeof(ypk));
	memset(png, 0x5a, sizeof(png));
	memcpy(png, "\x89PNG\r\n\x1a\n", 8);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sweep_encrypted),
		cmocka_unit_test(sweep_plain),
	};

	return cmocka_run_group_tests(tests, init, NULL);
}
