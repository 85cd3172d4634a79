/*
 * keyd's profile I/O under keyd's real sandbox (sandbox_apply: Landlock on
 * the profile directory, the keyd seccomp table, fds closed): a child
 * opens the profile as keyd does before lockdown, locks down, then
 * creates an encrypted profile (scrypt, sodium_malloc) and changes it,
 * each change a temp-file write, fsync, renameat and directory fsync.
 * The parent then loads the result.  A syscall missing from the table
 * would kill the child with SIGSYS.
 */
#include <sys/wait.h>

#include <errno.h>
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

#include "common/log.h"
#include "ipc/msg_core.h"
#include "keyd/profile_dispatch.h"
#include "sandbox/sandbox.h"

static void
child(const char *dir, const char *path)
{
	struct sandbox_conf		conf;
	struct ipc_sandbox_report	rep;
	struct identity			*id;
	struct id_err			e;
	int				fd, i;

	/* As in keyd: 3..6 are the channels, so the directory lands above
	 * them and only keep_fds saves it from the sandbox's close. */
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		_exit(9);
	for (i = FD_SUP; i <= FD_KEYD_MEDIAD; i++)
		if (fd != i && dup2(fd, i) == -1)
			_exit(9);
	if (keyd_profile_open(path, NULL, NULL) == -1)
		_exit(10);
	memset(&conf, 0, sizeof(conf));
	conf.role = ROLE_KEYD;
	conf.rw_paths[0] = dir;
	conf.keep_fds[0] = keyd_profile_dirfd();
	conf.nkeep = 1;
	sandbox_apply(&conf, &rep);
	if (!(rep.flags & SB_SECCOMP))
		_exit(11);
	id = keyd_profile_identity();
	if (identity_create(id, (const uint8_t *)"pw", 2, 0, &e) == -1)
		_exit(12);
	if (identity_set_name(id, (const uint8_t *)"sandboxed", 9, &e) == -1)
		_exit(13);
	if (identity_set_nospam(id, NULL, &e) == -1)
		_exit(14);
	/* Landlock: nothing outside the profile directory */
	if ((rep.flags & SB_LANDLOCK) &&
	    ((fd = open("/etc/hostname", O_RDONLY)) != -1 || errno != EACCES))
		_exit(15);
	keyd_profile_close();
	_exit(0);
}

static void
profile_io_under_keyd_sandbox(void **state)
{
	char		 dir[] = "/tmp/bh-sbprof-XXXXXX", path[64], cmd[96];
	struct identity	 id;
	struct id_err	 e;
	pid_t		 pid;
	int		 status;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child(dir, path);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("child killed by signal %d (SIGSYS = a syscall "
		    "missing from keyd's table)", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(identity_open(&id, path, &e), 0);
	assert_true(id.exists && id.encrypted && id.prof == NULL);
	assert_int_equal(identity_unlock(&id, (const uint8_t *)"pw", 2, &e), 0);
	assert_int_equal(id.prof->name_len, 9);
	assert_memory_equal(id.prof->name, "sandboxed", 9);
	identity_close(&id);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int
init(void **state)
{
	log_init("test", LOG_LVL_WARN);
	return sodium_init() < 0 ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(profile_io_under_keyd_sandbox),
	};

	return cmocka_run_group_tests(tests, init, NULL);
}
