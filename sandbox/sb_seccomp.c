/*
 * Loads a role's seccomp allowlist (sb_tables.c) with libseccomp.  Default
 * action: kill the whole process (OpenSSH's choice: a confused role must
 * not limp on with an error it never expected).  -DSANDBOX_DEBUG traps
 * instead, and the SIGSYS handler logs the call and lets it fail, so one
 * run shows every missing entry.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "sandbox/sb_int.h"

#ifdef SANDBOX_DEBUG
static void
sc_trap(int sig, siginfo_t *si, void *uc)
{
	static const char	msg[] = "SANDBOX_DEBUG: seccomp trapped syscall ";
	char			num[12];
	unsigned int		nr = (unsigned int)si->si_syscall;
	size_t			i = sizeof(num);

	(void)sig;
	(void)uc;
	/* Signal context: no stdio, digits by hand, then write(2). */
	num[--i] = '\n';
	do {
		num[--i] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr != 0 && i > 0);
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)!write(STDERR_FILENO, num + i, sizeof(num) - i);
}
#endif

static int
sc_add(scmp_filter_ctx ctx, const struct sc_table *t)
{
	size_t	i;
	int	rv;

	for (i = 0; i < t->nrules; i++) {
		rv = seccomp_rule_add_array(ctx, t->rules[i].err == 0 ?
		    SCMP_ACT_ALLOW : SCMP_ACT_ERRNO((uint32_t)t->rules[i].err),
		    t->rules[i].nr, t->rules[i].nargs, t->rules[i].args);
		if (rv < 0) {
			log_warnx("seccomp: %s table, rule %zu (syscall %d): %s",
			    t->name, i, t->rules[i].nr, strerror(-rv));
			return rv;
		}
	}
	return 0;
}

int
sc_load(enum role role)
{
	const struct sc_table	*t;
	scmp_filter_ctx		 ctx;
	uint32_t		 deny;
	int			 rv;
#ifdef SANDBOX_DEBUG
	struct sigaction	 sa;
#endif

	if ((t = sc_table_role(role)) == NULL)
		return -EINVAL;
#ifdef SANDBOX_DEBUG
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sc_trap;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		return -errno;
	deny = SCMP_ACT_TRAP;
#else
	deny = SCMP_ACT_KILL_PROCESS;
#endif
	if ((ctx = seccomp_init(deny)) == NULL) {
		/* Kernels before 4.14 lack KILL_PROCESS; a role has one
		 * thread at lockdown, so killing it is the same. */
		if (deny != SCMP_ACT_KILL_PROCESS ||
		    (ctx = seccomp_init(deny = SCMP_ACT_KILL)) == NULL)
			return -ENOMEM;
	}
	/* A call through another ABI (x32, i386 int 0x80) is an attack. */
	if ((rv = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, deny)) < 0 ||
	    (rv = sc_add(ctx, sc_table_base())) < 0 ||
	    (rv = sc_add(ctx, t)) < 0 ||
	    (sc_table_san() != NULL && (rv = sc_add(ctx, sc_table_san())) < 0))
		goto out;
	rv = seccomp_load(ctx);
out:
	seccomp_release(ctx);
	return rv;
}

int
sc_mentions(enum role role, int nr)
{
	const struct sc_table	*t[2];
	size_t			 i, j;

	t[0] = sc_table_base();
	if ((t[1] = sc_table_role(role)) == NULL)
		return 0;
	for (i = 0; i < 2; i++)
		for (j = 0; j < t[i]->nrules; j++)
			if (t[i]->rules[j].nr == nr && t[i]->rules[j].err == 0)
				return 1;
	return 0;
}

/*
 * Every x86-64 call that names a file by path.  Landlock alone limits
 * which paths; a role allowed any of these is not confined without it
 * (sandbox.c refuses to start it in strict mode).
 */
static const int sc_paths[] = {
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(creat),
	SCMP_SYS(truncate), SCMP_SYS(mkdir), SCMP_SYS(mkdirat),
	SCMP_SYS(rmdir), SCMP_SYS(rename), SCMP_SYS(renameat),
	SCMP_SYS(renameat2), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	SCMP_SYS(link), SCMP_SYS(linkat), SCMP_SYS(symlink),
	SCMP_SYS(symlinkat), SCMP_SYS(mknod), SCMP_SYS(mknodat),
	SCMP_SYS(chmod), SCMP_SYS(fchmodat), SCMP_SYS(chown),
	SCMP_SYS(lchown), SCMP_SYS(fchownat), SCMP_SYS(utime),
	SCMP_SYS(utimes), SCMP_SYS(utimensat), SCMP_SYS(futimesat),
	SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(access), SCMP_SYS(faccessat),
	SCMP_SYS(faccessat2), SCMP_SYS(readlink), SCMP_SYS(readlinkat),
	SCMP_SYS(chdir), SCMP_SYS(chroot), SCMP_SYS(statfs),
	SCMP_SYS(getxattr), SCMP_SYS(lgetxattr), SCMP_SYS(setxattr),
	SCMP_SYS(lsetxattr), SCMP_SYS(removexattr), SCMP_SYS(lremovexattr),
	SCMP_SYS(listxattr), SCMP_SYS(llistxattr), SCMP_SYS(execve),
	SCMP_SYS(execveat), SCMP_SYS(name_to_handle_at), SCMP_SYS(mount),
	SCMP_SYS(umount2), SCMP_SYS(pivot_root), SCMP_SYS(swapon),
	SCMP_SYS(acct), SCMP_SYS(uselib), SCMP_SYS(inotify_add_watch),
	SCMP_SYS(fanotify_mark), SCMP_SYS(open_tree), SCMP_SYS(move_mount),
	SCMP_SYS(fsconfig), SCMP_SYS(mount_setattr), SCMP_SYS(quotactl),
};

int
sc_path_call(size_t i)
{
	return i < sizeof(sc_paths) / sizeof(sc_paths[0]) ? sc_paths[i] : -1;
}

int
sc_has_paths(enum role role)
{
	size_t	i;

	for (i = 0; i < sizeof(sc_paths) / sizeof(sc_paths[0]); i++)
		if (sc_mentions(role, sc_paths[i]))
			return 1;
	return 0;
}
