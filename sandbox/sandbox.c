/*
 * sandbox_apply(): the order of the steps (ARCHITECTURE.md, "Sandbox, per
 * process").  acquire (user to drop to, Landlock ruleset, while the paths
 * and our privileges are still there) -> shed (fds, environment, cwd,
 * limits, dumpable, namespaces, chroot, uid) -> lock (no_new_privs,
 * Landlock, seccomp).
 *
 * Choices, so that a reviewer need not rediscover them:
 *  - Strict mode (the default) dies on any step that fails, naming the
 *    kernel feature; permissive mode logs "SANDBOX WEAKENED" and goes on.
 *  - Landlock absent from the kernel (ENOSYS: not built; EOPNOTSUPP: not
 *    in lsm=, or a seccomp filter above us) is fatal in strict mode for
 *    a role whose seccomp table has any call that takes a path (keyd,
 *    fetchd: sc_has_paths()): Landlock is what keeps those calls on the
 *    role's own files, and without it keyd as root could rewrite
 *    root-owned files, fetchd read the user's.  netd, mediad and
 *    frontend have no such call: for them it is logged, and the report
 *    says landlock_abi 0.  Any other Landlock error (a path that does not
 *    exist) is a failed step like the rest.
 *  - The report carries SB_COMPLETE only when every step the role's
 *    policy requires is in its flags and no step failed: `status` says
 *    "confined" on that, not on seccomp alone.
 *  - no_new_privs is set just before landlock_restrict_self(), which
 *    the kernel refuses without it (or CAP_SYS_ADMIN, which a dropped
 *    root no longer has); nothing runs between them and seccomp.
 *  - fetchd (the nodes-list download) has network, threads (libcurl's
 *    resolver), and reads a built-in list of resolver and CA files.
 *  - Started as root: netd, mediad and frontend chroot into a directory
 *    that no longer exists (made, entered, removed: nothing can ever be
 *    created in it) and drop to conf->user ("nobody").  keyd needs its
 *    profile dir, so it does not chroot: Landlock confines it instead,
 *    and it drops to the owner of its first rw (else ro) path, so a
 *    root-owned profile stays readable.  If that owner is root, it keeps
 *    uid 0 but loses every capability (bounding set, permitted,
 *    effective, ambient): uid 0 without CAP_DAC_OVERRIDE reads only what
 *    root owns, Landlock narrows that to the profile, and seccomp has no
 *    setuid, mount or execve to use the uid with.
 *  - Not root: keyd, netd, chatd, mediad and frontend unshare(CLONE_NEWUSER |
 *    CLONE_NEWNET) and then drop the capabilities the new user namespace
 *    gave them.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "ipc/msg_core.h"
#include "sandbox/sb_int.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

struct sb_saved	sb_saved;

/* Files fetchd reads after lockdown: name resolution, CA certificates. */
static const char *const fetchd_ro[] = {
	"/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf",
	"/etc/host.conf", "/etc/gai.conf", "/etc/ssl", "/etc/pki",
	"/etc/ca-certificates", "/usr/share/ca-certificates",
	"/usr/local/share/ca-certificates", "/usr/lib/ssl", NULL
};

/* What differs between roles besides the seccomp table (sb_tables.c). */
static const struct sb_policy {
	int		  netns;	/* empty network namespace */
	int		  paths;	/* conf may give ro/rw paths */
	int		  chroot;	/* root: no path needed, chroot */
	int		  threads;	/* no RLIMIT_NPROC 0 (threads count) */
	int		  fsize0;	/* writes no file: RLIMIT_FSIZE 0 */
	const char *const *builtin_ro;
} sb_policies[ROLE_MAX] = {
	[ROLE_KEYD] = {
		.netns = 1,
		.paths = 1,
	},
	/* Its UDP socket and, later, its stream sockets are made outside
	 * (before lockdown, or by the supervisor) and keep the namespace
	 * they were made in; netd itself sees nothing but lo. */
	[ROLE_NETD] = {
		.netns = 1,
		.chroot = 1,
		.fsize0 = 1,
	},
	/* It writes friends' files to the descriptors it is handed (it
	 * can open none): no RLIMIT_FSIZE 0. */
	[ROLE_CHATD] = {
		.netns = 1,
		.chroot = 1,
	},
	[ROLE_MEDIAD] = {
		.netns = 1,
		.chroot = 1,
		.fsize0 = 1,
	},
	/* No path: its files arrive as descriptors.  It writes stdout,
	 * which may be a file the user redirected: no RLIMIT_FSIZE 0. */
	[ROLE_FRONTEND] = {
		.netns = 1,
		.chroot = 1,
	},
	[ROLE_FETCHD] = {
		.threads = 1,
		.fsize0 = 1,
		.builtin_ro = fetchd_ro,
	},
};

/* Steps that failed in permissive mode (strict mode dies on the first). */
static int	sb_failed;

struct sb_target {
	int	 set;
	uid_t	 uid;
	gid_t	 gid;
	char	 name[64];	/* for the log */
};

void
sb_weaken(const struct sandbox_conf *conf, int errnum, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_failed++;
	if (!conf->permissive)
		fatalx("sandbox: %s%s%s (strict mode; --sandbox=permissive "
		    "runs without it)", msg, errnum ? ": " : "",
		    errnum ? strerror(errnum) : "");
	log_warnx("SANDBOX WEAKENED: %s%s%s", msg, errnum ? ": " : "",
	    errnum ? strerror(errnum) : "");
}

static int
has_paths(const struct sandbox_conf *conf)
{
	int	i;

	for (i = 0; i < SANDBOX_MAX_PATHS; i++)
		if (conf->ro_paths[i] != NULL || conf->rw_paths[i] != NULL)
			return 1;
	return 0;
}

static void
check_conf(const struct sandbox_conf *conf)
{
	int	i;

	if (conf->role <= ROLE_SUP || conf->role >= ROLE_MAX ||
	    sc_table_role(conf->role) == NULL)
		fatalx("sandbox: no policy for role %d", (int)conf->role);
	/* These are the policy, not options: refuse a caller's mistake. */
	if (!sb_policies[conf->role].paths && has_paths(conf))
		fatalx("sandbox: %s may not be given paths",
		    role_name(conf->role));
	if (conf->nkeep < 0 || conf->nkeep > SANDBOX_MAX_KEEP)
		fatalx("sandbox: nkeep %d", conf->nkeep);
	for (i = 0; i < conf->nkeep; i++)
		if (conf->keep_fds[i] < 0)
			fatalx("sandbox: keep_fds[%d] = %d", i,
			    conf->keep_fds[i]);
}

/*
 * Whether uid exists in this user namespace.  Root in a user namespace
 * that maps only itself (a rootless container, a test) cannot become
 * anybody else: setresuid() to an unmapped uid fails.
 */
static int
uid_mapped(uid_t uid)
{
	unsigned long	 inner, outer, count;
	FILE		*f;
	int		 found = 0;

	if ((f = fopen("/proc/self/uid_map", "re")) == NULL)
		return 1;		/* no user namespaces: all exist */
	while (!found && fscanf(f, "%lu %lu %lu", &inner, &outer,
	    &count) == 3)
		found = uid >= inner && uid - inner < count;
	fclose(f);
	return found;
}

/* Whom a root-started role becomes; looked up while /etc is reachable. */
static void
resolve_target(const struct sandbox_conf *conf, struct sb_target *t)
{
	struct passwd	*pw;
	struct stat	 st;
	const char	*path, *user;

	memset(t, 0, sizeof(*t));
	path = conf->rw_paths[0] != NULL ? conf->rw_paths[0] :
	    conf->ro_paths[0];
	if (path != NULL) {
		if (stat(path, &st) == -1) {
			sb_weaken(conf, errno, "stat %s", path);
			return;
		}
		t->uid = st.st_uid;
		t->gid = st.st_gid;
		(void)snprintf(t->name, sizeof(t->name), "owner of %s", path);
		t->set = 1;
		return;
	}
	user = conf->user != NULL ? conf->user : "nobody";
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		sb_weaken(conf, errno, "no user \"%s\" to drop root to", user);
		return;
	}
	if (pw->pw_uid == 0)
		fatalx("sandbox: user \"%s\" is root", user);
	if (!uid_mapped(pw->pw_uid) || !uid_mapped(pw->pw_gid)) {
		/* uid 0 here is not root outside: it keeps uid 0 and loses
		 * every capability, as for a root-owned profile dir */
		log_info("sandbox: \"%s\" is not mapped in this user "
		    "namespace: keeping uid 0 without capabilities", user);
		(void)snprintf(t->name, sizeof(t->name), "uid 0 (no %s)",
		    user);
		t->set = 1;
		return;
	}
	t->uid = pw->pw_uid;
	t->gid = pw->pw_gid;
	(void)snprintf(t->name, sizeof(t->name), "%s", user);
	t->set = 1;
}

static int
cmp_int(const void *a, const void *b)
{
	int	x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* Closes every descriptor but 0-2, the role's channels, keep_fds, extra. */
static int
close_fds(const struct sandbox_conf *conf, int extra)
{
	const int	*rfds;
	int		 keep[3 + 8 + SANDBOX_MAX_KEEP + 1];
	size_t		 n = 0, nr, i;
	unsigned int	 lo;

	keep[n++] = 0;
	keep[n++] = 1;
	keep[n++] = 2;
	nr = sandbox_role_fds(conf->role, &rfds);
	for (i = 0; i < nr && i < 8; i++)
		keep[n++] = rfds[i];
	for (i = 0; i < (size_t)conf->nkeep; i++)
		keep[n++] = conf->keep_fds[i];
	if (extra >= 0)
		keep[n++] = extra;
	qsort(keep, n, sizeof(keep[0]), cmp_int);
	lo = 0;
	for (i = 0; i < n; i++) {
		if ((unsigned int)keep[i] > lo &&
		    close_range(lo, (unsigned int)keep[i] - 1, 0) == -1)
			return -1;
		lo = (unsigned int)keep[i] + 1;
	}
	return close_range(lo, ~0U, 0);
}

static void
set_rlimits(const struct sandbox_conf *conf,
    struct ipc_sandbox_report *rep)
{
	struct rlimit	zero = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &zero) == -1)
		sb_weaken(conf, errno, "setrlimit RLIMIT_CORE");
	else
		rep->flags |= SB_NO_CORE;
	/*
	 * No role forks (seccomp kills it anyway), and only fetchd has
	 * threads (they count).  NPROC binds only once the uid is not
	 * root.  keyd writes the profile, frontend's stdout may be a
	 * file: FSIZE 0 for the others, which own no file.
	 */
	if (!sb_policies[conf->role].threads &&
	    setrlimit(RLIMIT_NPROC, &zero) == -1) {
		sb_weaken(conf, errno, "setrlimit RLIMIT_NPROC");
		return;
	}
	if (sb_policies[conf->role].fsize0 &&
	    setrlimit(RLIMIT_FSIZE, &zero) == -1) {
		sb_weaken(conf, errno, "setrlimit RLIMIT_FSIZE");
		return;
	}
	rep->flags |= SB_RLIMITS;
}

/* No core, no ptrace by our own uid, /proc/PID owned by root. */
static void
set_nodump(const struct sandbox_conf *conf, struct ipc_sandbox_report *rep)
{
	rep->flags &= ~SB_NOT_DUMPABLE;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 ||
	    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		sb_weaken(conf, errno, "PR_SET_DUMPABLE 0");
	else
		rep->flags |= SB_NOT_DUMPABLE;
}

static const char *
unshare_why(int e, int userns)
{
	switch (e) {
	case EPERM:
		return userns ? "unprivileged user namespaces are disabled "
		    "(sysctl kernel.unprivileged_userns_clone=0, "
		    "kernel.apparmor_restrict_unprivileged_userns=1, or a "
		    "seccomp/container policy)" :
		    "CAP_SYS_ADMIN missing (container without it?)";
	case EINVAL:
		return "kernel without CONFIG_USER_NS/CONFIG_NET_NS, or the "
		    "process already has threads";
	case ENOSPC:
		return "namespace limit reached (sysctl "
		    "user.max_user_namespaces / user.max_net_namespaces)";
	case ENOSYS:
		return "kernel without unshare(2)";
	default:
		return "unshare failed";
	}
}

/* Empties every capability set; in a fresh user namespace or for a root
 * that keeps uid 0.  0, or -1 with errno. */
static int
drop_caps(void)
{
	struct __user_cap_header_struct	hdr;
	struct __user_cap_data_struct	data[_LINUX_CAPABILITY_U32S_3];
	int				cap;

	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1 &&
		    errno != EINVAL)
			return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		return -1;
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	return (int)syscall(SYS_capset, &hdr, data);
}

static void
enter_netns(const struct sandbox_conf *conf, int root,
    struct ipc_sandbox_report *rep)
{
	int	flags;

	/* Root may make a net namespace alone and must stay in the
	 * initial user namespace to chroot and change uid afterwards. */
	flags = root ? CLONE_NEWNET : CLONE_NEWUSER | CLONE_NEWNET;
	if (unshare(flags) == -1) {
		sb_weaken(conf, errno, "%s: no private network namespace: "
		    "unshare(%s): %s", role_name(conf->role),
		    root ? "CLONE_NEWNET" : "CLONE_NEWUSER|CLONE_NEWNET",
		    unshare_why(errno, !root));
		return;
	}
	rep->flags |= SB_NETNS;
	if (root)
		return;
	rep->flags |= SB_USERNS;
	if (drop_caps() == -1)
		sb_weaken(conf, errno, "dropping user namespace capabilities");
}

/* chroot into a directory that is removed right away: nothing can be made
 * in it, nothing is left behind, no path has to be configured. */
static int
chroot_empty(void)
{
	char	dir[] = "/tmp/bulkhead-empty.XXXXXX";
	int	saved;

	if (mkdtemp(dir) == NULL)
		return -1;
	if (chdir(dir) == -1 || rmdir(dir) == -1 || chroot(".") == -1 ||
	    chdir("/") == -1) {
		saved = errno;
		(void)rmdir(dir);
		errno = saved;
		return -1;
	}
	return 0;
}

static void
drop_root(const struct sandbox_conf *conf, const struct sb_target *t,
    struct ipc_sandbox_report *rep)
{
	uid_t	ru, eu, su;

	if (sb_policies[conf->role].chroot) {
		if (chroot_empty() == -1)
			sb_weaken(conf, errno, "chroot to an empty directory");
		else
			rep->flags |= SB_CHROOT;
	}
	if (!t->set)
		return;			/* resolve_target() said why */
	if (t->uid == 0) {
		if (drop_caps() == -1)
			sb_weaken(conf, errno, "dropping root's capabilities");
		else {
			rep->flags |= SB_PRIVDROP;
			log_info("sandbox: %s is root: kept uid 0 without "
			    "capabilities", t->name);
		}
		return;
	}
	if (setgroups(1, &t->gid) == -1 ||
	    setresgid(t->gid, t->gid, t->gid) == -1 ||
	    setresuid(t->uid, t->uid, t->uid) == -1) {
		sb_weaken(conf, errno, "dropping root to %s (uid %u)",
		    t->name, (unsigned)t->uid);
		return;
	}
	/* Paranoia that costs nothing: the way back must be closed. */
	if (setresuid(0, 0, 0) != -1 || getresuid(&ru, &eu, &su) == -1 ||
	    ru != t->uid || eu != t->uid || su != t->uid)
		fatalx("sandbox: root could be regained after dropping it");
	rep->flags |= SB_PRIVDROP;
}

static void
save_for_selftest(const struct sandbox_conf *conf)
{
	memset(&sb_saved, 0, sizeof(sb_saved));
	sb_saved.ppid = getppid();
	sb_saved.role = conf->role;
	if (conf->rw_paths[0] != NULL)
		(void)snprintf(sb_saved.rw_path, sizeof(sb_saved.rw_path),
		    "%s", conf->rw_paths[0]);
}

static const char *
seccomp_why(int e)
{
	switch (e) {
	case EINVAL:
		return "kernel without CONFIG_SECCOMP_FILTER";
	case EACCES:
		return "no_new_privs not set";
	case ENOMEM:
		return "out of memory building the filter";
	default:
		return "seccomp_load failed";
	}
}

static const char *
landlock_why(int e)
{
	switch (e) {
	case EOPNOTSUPP:
		return "disabled: not in the lsm= boot parameter";
	case ENOSYS:
		return "kernel built without CONFIG_SECURITY_LANDLOCK, "
		    "or a seccomp filter denies it";
	default:
		return strerror(e);
	}
}

/* The flags a role must report to be confined, from its policy. */
static uint32_t
required(const struct sandbox_conf *conf, int root)
{
	const struct sb_policy	*p = &sb_policies[conf->role];
	uint32_t		 need;

	need = SB_FDS_CLOSED | SB_ENV_CLEARED | SB_NO_CORE |
	    SB_NOT_DUMPABLE | SB_RLIMITS | SB_NO_NEW_PRIVS | SB_SECCOMP;
	if (sc_has_paths(conf->role))
		need |= SB_LANDLOCK;
	if (p->netns)
		need |= SB_NETNS | (root ? 0 : SB_USERNS);
	if (root)
		need |= SB_PRIVDROP | (p->chroot ? SB_CHROOT : 0);
	return need;
}

void
sandbox_apply(const struct sandbox_conf *conf, struct ipc_sandbox_report *rep)
{
	struct sb_target	 target;
	const char		*what, *why;
	char			 flags[128];
	uint32_t		 need;
	int			 root, abi, rsfd = -1, rv;

	memset(rep, 0, sizeof(*rep));
	sb_failed = 0;
	rep->permissive = conf->permissive ? 1 : 0;
	if (conf->permissive)
		log_warnx("SANDBOX WEAKENED: --sandbox=permissive: failed "
		    "steps are logged, not fatal");
	check_conf(conf);
	save_for_selftest(conf);
	root = getuid() == 0 || geteuid() == 0;

	/* Acquire. */
#ifdef __SANITIZE_ADDRESS__
	/*
	 * LeakSanitizer's exit-time check stops the world with clone and
	 * ptrace and reads /proc, all gone after lockdown: run it now, on
	 * what start-up leaked, which also cancels the one at exit.
	 */
	__lsan_do_leak_check();
#endif
	memset(&target, 0, sizeof(target));
	if (root)
		resolve_target(conf, &target);
	if ((abi = sb_landlock_abi()) == 0) {
		why = landlock_why(errno);
		if (sc_has_paths(conf->role))
			sb_weaken(conf, 0, "Landlock unavailable (%s): %s "
			    "may open and change files, and only Landlock "
			    "keeps it to its own", why, role_name(conf->role));
		else
			log_warnx("landlock unavailable (%s): %s has no file "
			    "system call, seccomp confines it alone", why,
			    role_name(conf->role));
	} else if ((rsfd = sb_landlock_prepare(conf, abi,
	    sb_policies[conf->role].builtin_ro, sb_policies[conf->role].netns,
	    &what)) == -1)
		sb_weaken(conf, errno, "landlock ruleset%s%s",
		    what != NULL ? ": " : "", what != NULL ? what : "");

	/* Shed. */
	if (close_fds(conf, rsfd) == -1)
		sb_weaken(conf, errno, "close_range");
	else
		rep->flags |= SB_FDS_CLOSED;
	if (clearenv() != 0)
		sb_weaken(conf, 0, "clearenv");
	else
		rep->flags |= SB_ENV_CLEARED;
	if (chdir("/") == -1)
		sb_weaken(conf, errno, "chdir /");
	set_rlimits(conf, rep);
	set_nodump(conf, rep);
	if (sb_policies[conf->role].netns || conf->netns)
		enter_netns(conf, root, rep);
	if (root)
		drop_root(conf, &target, rep);
	/* Again: the credential changes above reset it. */
	set_nodump(conf, rep);

	/* Lock. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		sb_weaken(conf, errno, "PR_SET_NO_NEW_PRIVS (kernel < 3.5?)");
	else
		rep->flags |= SB_NO_NEW_PRIVS;
	if (rsfd != -1) {
		if (sb_landlock_enforce(rsfd) == -1)
			sb_weaken(conf, errno, "landlock_restrict_self");
		else {
			rep->flags |= SB_LANDLOCK;
			rep->landlock_abi = (uint8_t)abi;
		}
	}
	if ((rv = sc_load(conf->role)) < 0)
		sb_weaken(conf, -rv, "seccomp filter for %s: %s",
		    role_name(conf->role), seccomp_why(-rv));
	else
		rep->flags |= SB_SECCOMP;

	need = required(conf, root);
	if (sb_failed == 0 && (rep->flags & need) == need)
		rep->flags |= SB_COMPLETE;
	else if (sb_failed == 0)	/* a step forgot to call sb_weaken() */
		sb_weaken(conf, 0, "%#x missing from the report",
		    need & ~rep->flags);
	sandbox_flags_str(rep->flags, flags, sizeof(flags));
	if (rep->flags & SB_COMPLETE)
		log_debug("sandbox: %s, landlock ABI %d%s", flags,
		    rep->landlock_abi, rep->permissive ? ", permissive" : "");
	else
		log_warnx("SANDBOX WEAKENED: %s is NOT confined: %d step%s "
		    "failed; applied: %s", role_name(conf->role), sb_failed,
		    sb_failed == 1 ? "" : "s", flags);
}
