/*
 * The pure parts of sandbox/: flag names, the role descriptor lists, and
 * the seccomp tables held to their promises (no execve or ptrace anywhere,
 * no call taking a path outside keyd and fetchd, no socket outside fetchd,
 * never PROT_EXEC).
 * The real binaries are tested in tests/integration/test_sandbox_roles.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "sandbox/sb_int.h"

static const enum role roles[] = {
	ROLE_KEYD, ROLE_NETD, ROLE_MEDIAD, ROLE_FRONTEND, ROLE_FETCHD
};
#define NROLES	(sizeof(roles) / sizeof(roles[0]))

static void
flags_str_names_each_flag(void **state)
{
	char	buf[256];

	(void)state;
	sandbox_flags_str(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	sandbox_flags_str(SB_SECCOMP, buf, sizeof(buf));
	assert_string_equal(buf, "seccomp");
	sandbox_flags_str(SB_SECCOMP | SB_LANDLOCK | SB_NO_NEW_PRIVS, buf,
	    sizeof(buf));
	assert_string_equal(buf, "landlock,no_new_privs,seccomp");
	sandbox_flags_str(0xffff, buf, sizeof(buf));
	assert_string_equal(buf, "fds_closed,env_cleared,no_core,not_dumpable,"
	    "rlimits,userns,netns,chroot,privdrop,landlock,no_new_privs,"
	    "seccomp,0xe000");
	/* SB_COMPLETE is a verdict, shown as "confined", not a measure. */
	sandbox_flags_str(SB_COMPLETE, buf, sizeof(buf));
	assert_string_equal(buf, "none");
}

static void
flags_str_truncates_visibly(void **state)
{
	char	buf[26];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	sandbox_flags_str(SB_FDS_CLOSED | SB_ENV_CLEARED | SB_SECCOMP, buf,
	    sizeof(buf));
	assert_non_null(memchr(buf, '\0', sizeof(buf)));
	assert_string_equal(buf, "fds_closed,env_cleared...");
	sandbox_flags_str(SB_SECCOMP, buf, 4);
	assert_string_equal(buf, "...");
	buf[0] = 'x';
	sandbox_flags_str(SB_SECCOMP, buf, 0);	/* writes nothing */
	assert_int_equal(buf[0], 'x');
}

static void
role_fds_match_role_h(void **state)
{
	const int	*fds;

	(void)state;
	assert_int_equal(sandbox_role_fds(ROLE_KEYD, &fds), 5);
	assert_int_equal(fds[0], FD_SUP);
	assert_int_equal(fds[1], FD_KEYD_FRONTEND);
	assert_int_equal(fds[2], FD_KEYD_NETD);
	assert_int_equal(fds[3], FD_KEYD_CHATD);
	assert_int_equal(fds[4], FD_KEYD_MEDIAD);
	assert_int_equal(sandbox_role_fds(ROLE_NETD, &fds), 2);
	assert_int_equal(fds[1], FD_NETD_KEYD);
	assert_int_equal(sandbox_role_fds(ROLE_CHATD, &fds), 4);
	assert_int_equal(fds[1], FD_CHATD_KEYD);
	assert_int_equal(fds[2], FD_CHATD_FRONTEND);
	assert_int_equal(fds[3], FD_CHATD_MEDIAD);
	assert_int_equal(sandbox_role_fds(ROLE_MEDIAD, &fds), 4);
	assert_int_equal(sandbox_role_fds(ROLE_FRONTEND, &fds), 4);
	assert_int_equal(sandbox_role_fds(ROLE_FETCHD, &fds), 1);
	assert_int_equal(sandbox_role_fds(ROLE_SUP, &fds), 0);
	assert_null(fds);
}

static void
tables_never_allow_exec_ptrace_fork(void **state)
{
	static const int	never[] = {
		SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(ptrace),
		SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
		SCMP_SYS(fork), SCMP_SYS(vfork), SCMP_SYS(clone),
		SCMP_SYS(clone3), SCMP_SYS(mount), SCMP_SYS(bpf),
		SCMP_SYS(perf_event_open), SCMP_SYS(keyctl),
		SCMP_SYS(userfaultfd), SCMP_SYS(io_uring_setup),
		SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(chroot),
		SCMP_SYS(setuid), SCMP_SYS(setresuid), SCMP_SYS(kill),
		SCMP_SYS(tgkill), SCMP_SYS(prctl), SCMP_SYS(seccomp),
		SCMP_SYS(pidfd_open), SCMP_SYS(name_to_handle_at),
		SCMP_SYS(open_by_handle_at), SCMP_SYS(memfd_create),
		SCMP_SYS(ioperm), SCMP_SYS(iopl), SCMP_SYS(kexec_load),
	};
	size_t			i, j;

	(void)state;
	for (i = 0; i < NROLES; i++)
		for (j = 0; j < sizeof(never) / sizeof(never[0]); j++)
			if (sc_mentions(roles[i], never[j]) &&
			    !(roles[i] == ROLE_FETCHD &&
			    never[j] == SCMP_SYS(clone)))
				fail_msg("%s allows %s", role_name(roles[i]),
				    seccomp_syscall_resolve_num_arch(
				    SCMP_ARCH_NATIVE, never[j]));
}

/* fetchd's threads: clone only with every thread flag, never a fork. */
static void
tables_fetchd_clone_is_threads_only(void **state)
{
	const struct sc_table	*t = sc_table_role(ROLE_FETCHD);
	const uint64_t		 need = CLONE_VM | CLONE_THREAD |
				    CLONE_SIGHAND | CLONE_FILES | CLONE_FS;
	size_t			 i, n = 0;

	(void)state;
	for (i = 0; i < t->nrules; i++) {
		if (t->rules[i].nr != SCMP_SYS(clone))
			continue;
		n++;
		assert_int_equal(t->rules[i].nargs, 1);
		assert_int_equal(t->rules[i].args[0].arg, 0);
		assert_int_equal(t->rules[i].args[0].op, SCMP_CMP_MASKED_EQ);
		assert_true(t->rules[i].args[0].datum_a == need);
		assert_true(t->rules[i].args[0].datum_b == need);
	}
	assert_int_equal(n, 1);
	assert_false(sc_mentions(ROLE_FETCHD, SCMP_SYS(clone3)));
}

/*
 * Calls that take a path: only keyd (its profile dir) and fetchd (resolver
 * and CA files, read-only), which sandbox.c starts only under Landlock in
 * strict mode.  frontend's files arrive as descriptors.
 */
static void
tables_give_paths_only_to_keyd_and_fetchd(void **state)
{
	size_t	i;
	int	nr;

	(void)state;
	for (i = 0; (nr = sc_path_call(i)) != -1; i++) {
		if (sc_mentions(ROLE_NETD, nr) ||
		    sc_mentions(ROLE_MEDIAD, nr) ||
		    sc_mentions(ROLE_FRONTEND, nr))
			fail_msg("syscall %d (%s) outside keyd and fetchd", nr,
			    seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
			    nr));
	}
	assert_true(i > 40);
	assert_false(sc_has_paths(ROLE_NETD));
	assert_false(sc_has_paths(ROLE_MEDIAD));
	assert_false(sc_has_paths(ROLE_FRONTEND));
	assert_true(sc_has_paths(ROLE_KEYD));
	assert_true(sc_has_paths(ROLE_FETCHD));
	assert_false(sc_mentions(ROLE_KEYD, SCMP_SYS(ioctl)));
	assert_false(sc_mentions(ROLE_MEDIAD, SCMP_SYS(ioctl)));
	assert_false(sc_mentions(ROLE_NETD, SCMP_SYS(ioctl)));
}

/* keyd: what keyd/profile_store.c calls after lockdown, and no more. */
static void
tables_keyd_files_as_used(void **state)
{
	static const int	unused[] = {
		SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(rename),
		SCMP_SYS(renameat2), SCMP_SYS(unlink), SCMP_SYS(rmdir),
		SCMP_SYS(getdents64), SCMP_SYS(ftruncate), SCMP_SYS(truncate),
		SCMP_SYS(fdatasync), SCMP_SYS(lseek), SCMP_SYS(link),
		SCMP_SYS(linkat), SCMP_SYS(symlinkat), SCMP_SYS(mknodat),
		SCMP_SYS(fchmodat), SCMP_SYS(fchownat), SCMP_SYS(open),
		SCMP_SYS(creat), SCMP_SYS(openat2),
	};
	size_t			j;

	(void)state;
	for (j = 0; j < sizeof(unused) / sizeof(unused[0]); j++)
		if (sc_mentions(ROLE_KEYD, unused[j]))
			fail_msg("keyd allows %s", seccomp_syscall_resolve_num_arch(
			    SCMP_ARCH_NATIVE, unused[j]));
	assert_true(sc_mentions(ROLE_KEYD, SCMP_SYS(openat)));
	assert_true(sc_mentions(ROLE_KEYD, SCMP_SYS(renameat)));
	assert_true(sc_mentions(ROLE_KEYD, SCMP_SYS(unlinkat)));
	assert_true(sc_mentions(ROLE_KEYD, SCMP_SYS(fsync)));
}

/* fetchd opens files read-only: O_ACCMODE, O_CREAT and O_TRUNC masked. */
static void
tables_fetchd_opens_read_only(void **state)
{
	const struct sc_table	*t = sc_table_role(ROLE_FETCHD);
	const uint64_t		 deny = O_ACCMODE | O_CREAT | O_TRUNC;
	size_t			 i, n = 0;

	(void)state;
	for (i = 0; i < t->nrules; i++) {
		if (t->rules[i].nr != SCMP_SYS(openat))
			continue;
		n++;
		assert_int_equal(t->rules[i].nargs, 1);
		assert_int_equal(t->rules[i].args[0].arg, 2);
		assert_int_equal(t->rules[i].args[0].op, SCMP_CMP_MASKED_EQ);
		assert_true((t->rules[i].args[0].datum_a & deny) == deny);
		assert_true(t->rules[i].args[0].datum_b == 0);
	}
	assert_int_equal(n, 1);
	assert_false(sc_mentions(ROLE_FETCHD, SCMP_SYS(open)));
	assert_false(sc_mentions(ROLE_FETCHD, SCMP_SYS(openat2)));
	assert_false(sc_mentions(ROLE_FETCHD, SCMP_SYS(creat)));
}

/*
 * Sockets: fetchd alone, IPv4/IPv6 only.  netd's UDP socket is made before
 * lockdown: after it netd can neither make a socket (no TCP to loopback
 * or LAN services) nor connect one.  netd alone may accept4, on the relay
 * server's listening sockets the supervisor bound; nobody else accepts.
 * netd moves its datagrams in batches (sendmmsg, recvmmsg), nobody else
 * but fetchd's resolver sends them at all.
 */
static void
tables_give_sockets_only_to_fetchd(void **state)
{
	static const int	net[] = {
		SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect),
		SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept),
		SCMP_SYS(accept4), SCMP_SYS(shutdown), SCMP_SYS(getpeername),
		SCMP_SYS(setsockopt), SCMP_SYS(sendmmsg), SCMP_SYS(recvmmsg),
	};
	const struct sc_table	*t;
	size_t			 i, j, n = 0;

	(void)state;
	for (i = 0; i < NROLES; i++) {
		if (roles[i] == ROLE_FETCHD)
			continue;
		for (j = 0; j < sizeof(net) / sizeof(net[0]); j++)
			if (sc_mentions(roles[i], net[j]) &&
			    !(roles[i] == ROLE_NETD &&
			    (net[j] == SCMP_SYS(accept4) ||
			    net[j] == SCMP_SYS(sendmmsg) ||
			    net[j] == SCMP_SYS(recvmmsg))))
				fail_msg("%s allows %s", role_name(roles[i]),
				    seccomp_syscall_resolve_num_arch(
				    SCMP_ARCH_NATIVE, net[j]));
	}
	assert_true(sc_mentions(ROLE_NETD, SCMP_SYS(accept4)));
	assert_false(sc_mentions(ROLE_FETCHD, SCMP_SYS(accept4)));
	assert_false(sc_mentions(ROLE_KEYD, SCMP_SYS(sendto)));
	assert_false(sc_mentions(ROLE_FRONTEND, SCMP_SYS(sendto)));
	assert_false(sc_mentions(ROLE_MEDIAD, SCMP_SYS(recvfrom)));
	/* netd: datagrams on the socket it brought, in batches only. */
	assert_true(sc_mentions(ROLE_NETD, SCMP_SYS(sendmmsg)));
	assert_true(sc_mentions(ROLE_NETD, SCMP_SYS(recvmmsg)));
	assert_false(sc_mentions(ROLE_NETD, SCMP_SYS(sendto)));
	assert_false(sc_mentions(ROLE_NETD, SCMP_SYS(recvfrom)));
	/* Every socket rule in fetchd pins the family to IPv4 or IPv6. */
	t = sc_table_role(ROLE_FETCHD);
	for (i = 0; i < t->nrules; i++) {
		if (t->rules[i].nr != SCMP_SYS(socket) || t->rules[i].err != 0)
			continue;
		n++;
		assert_true(t->rules[i].nargs == 3);
		assert_int_equal(t->rules[i].args[0].arg, 0);
		assert_int_equal(t->rules[i].args[0].op, SCMP_CMP_EQ);
		assert_true(t->rules[i].args[0].datum_a == AF_INET ||
		    t->rules[i].args[0].datum_a == AF_INET6);
		assert_true(t->rules[i].args[1].datum_b == SOCK_DGRAM ||
		    t->rules[i].args[1].datum_b == SOCK_STREAM);
	}
	assert_int_equal(n, 8);
}

/* mmap and mprotect rules, wherever they are, never admit PROT_EXEC. */
static void
check_no_exec(const struct sc_table *t)
{
	size_t	i;

	for (i = 0; i < t->nrules; i++) {
		if (t->rules[i].nr != SCMP_SYS(mmap) &&
		    t->rules[i].nr != SCMP_SYS(mprotect) &&
		    t->rules[i].nr != SCMP_SYS(pkey_mprotect))
			continue;
		assert_int_equal(t->rules[i].nargs, 1);
		assert_int_equal(t->rules[i].args[0].arg, 2);
		assert_int_equal(t->rules[i].args[0].op, SCMP_CMP_MASKED_EQ);
		assert_true(t->rules[i].args[0].datum_a & PROT_EXEC);
		assert_true(t->rules[i].args[0].datum_b == 0);
	}
}

static void
tables_never_map_executable(void **state)
{
	size_t	i;

	(void)state;
	check_no_exec(sc_table_base());
	for (i = 0; i < NROLES; i++)
		check_no_exec(sc_table_role(roles[i]));
	assert_false(sc_mentions(ROLE_NETD, SCMP_SYS(mprotect)));
	assert_false(sc_mentions(ROLE_MEDIAD, SCMP_SYS(mprotect)));
	assert_false(sc_mentions(ROLE_KEYD, SCMP_SYS(pkey_mprotect)));
}

static void
tables_ioctl_only_termios(void **state)
{
	const struct sc_table	*t;
	size_t			 i;

	(void)state;
	t = sc_table_role(ROLE_FRONTEND);
	for (i = 0; i < t->nrules; i++) {
		if (t->rules[i].nr != SCMP_SYS(ioctl))
			continue;
		assert_int_equal(t->rules[i].err, 0);
		assert_true(t->rules[i].nargs >= 1);
		/* the request number is always pinned */
		assert_int_equal(t->rules[i].args[t->rules[i].nargs - 1].arg,
		    1);
		assert_int_equal(t->rules[i].args[t->rules[i].nargs - 1].op,
		    SCMP_CMP_EQ);
	}
}

/* Each table resolves on this arch and is short enough to review. */
static void
tables_resolve_and_stay_short(void **state)
{
	const struct sc_table	*t;
	size_t			 i, j;
	char			*name;

	(void)state;
	assert_null(sc_table_role(ROLE_SUP));
	for (i = 0; i <= NROLES; i++) {
		t = i == NROLES ? sc_table_base() : sc_table_role(roles[i]);
		assert_non_null(t);
		assert_true(t->nrules <= 40);
		for (j = 0; j < t->nrules; j++) {
			name = seccomp_syscall_resolve_num_arch(
			    SCMP_ARCH_NATIVE, t->rules[j].nr);
			if (name == NULL)
				fail_msg("%s rule %zu: syscall %d unknown",
				    t->name, j, t->rules[j].nr);
			free(name);
		}
	}
}

/*
 * Loads each role's filter in a child: it must load, and a forbidden call
 * must kill the child by SIGSYS while an allowed one works.
 */
static void
tables_load_and_kill(void **state)
{
	size_t	i;
	pid_t	pid;
	int	status;

	(void)state;
	for (i = 0; i < NROLES; i++) {
		if ((pid = fork()) == 0) {
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
			    sc_load(roles[i]) != 0)
				_exit(10);
			if (getpid() <= 0)	/* allowed */
				_exit(11);
			(void)syscall(SCMP_SYS(execve), "/bin/true", NULL,
			    NULL);
			_exit(12);
		}
		assert_true(pid > 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS)
			fail_msg("%s: child status %#x, want SIGSYS",
			    role_name(roles[i]), status);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flags_str_names_each_flag),
		cmocka_unit_test(flags_str_truncates_visibly),
		cmocka_unit_test(role_fds_match_role_h),
		cmocka_unit_test(tables_never_allow_exec_ptrace_fork),
		cmocka_unit_test(tables_fetchd_clone_is_threads_only),
		cmocka_unit_test(tables_give_paths_only_to_keyd_and_fetchd),
		cmocka_unit_test(tables_keyd_files_as_used),
		cmocka_unit_test(tables_fetchd_opens_read_only),
		cmocka_unit_test(tables_give_sockets_only_to_fetchd),
		cmocka_unit_test(tables_never_map_executable),
		cmocka_unit_test(tables_ioctl_only_termios),
		cmocka_unit_test(tables_resolve_and_stay_short),
		cmocka_unit_test(tables_load_and_kill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
