/*
 * Confinement a role applies to itself before it reads a byte of input.
 *
 * Order (ARCHITECTURE.md): close every fd but the kept ones, clear the
 * environment, chdir("/"), RLIMIT_CORE 0, PR_SET_DUMPABLE 0; roles without
 * network enter new user+network namespaces; started as root: chroot to an
 * empty dir and drop to an unprivileged user; Landlock path rules;
 * PR_SET_NO_NEW_PRIVS; the role's seccomp allowlist, default action kill.
 *
 * In strict mode (the default) a step that cannot be applied is fatal.  In
 * permissive mode (the explicit --sandbox=permissive switch) it is logged
 * loudly and the role goes on, without SB_COMPLETE in its report.  A
 * missing kernel feature is always named in the log.  Landlock counts as a
 * step only for the roles that may open or change files (keyd, fetchd).
 */
#ifndef BULKHEAD_SANDBOX_H
#define BULKHEAD_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include "common/role.h"

/* What was applied; reported to the supervisor and shown by `status`. */
#define SB_FDS_CLOSED		0x0001
#define SB_ENV_CLEARED		0x0002
#define SB_NO_CORE		0x0004
#define SB_NOT_DUMPABLE		0x0008
#define SB_NO_NEW_PRIVS		0x0010
#define SB_USERNS		0x0020
#define SB_NETNS		0x0040
#define SB_LANDLOCK		0x0080
#define SB_CHROOT		0x0100
#define SB_PRIVDROP		0x0200
#define SB_SECCOMP		0x0400
#define SB_RLIMITS		0x0800
/*
 * Not a measure but the role's verdict: every step its policy requires
 * was applied (Landlock where it may touch paths, its namespaces, the
 * root drop, ...) and none failed.  `status` says "confined" on it.
 */
#define SB_COMPLETE		0x1000

#define SANDBOX_MAX_PATHS	4
#define SANDBOX_MAX_KEEP	8

struct sandbox_conf {
	enum role	 role;
	int		 permissive;
	/* Landlock: paths this role may read, and read and write. */
	const char	*ro_paths[SANDBOX_MAX_PATHS];
	const char	*rw_paths[SANDBOX_MAX_PATHS];
	/* Descriptors to keep open besides 0, 1, 2 and the role's channels. */
	int		 keep_fds[SANDBOX_MAX_KEEP];
	int		 nkeep;
	/*
	 * Started as root: the user the role drops to (NULL: "nobody"),
	 * resolved before anything is closed.  keyd, which needs its
	 * profile dir, drops to the owner of its first rw (else ro) path
	 * instead, and stays out of the chroot: see sandbox.c.
	 */
	const char	*user;
	/*
	 * 1: an empty network namespace even for a role whose policy has
	 * none (fetchd in proxy mode, whose one socket arrives connected).
	 * Landlock's network rules stay as the policy has them: libcurl
	 * calls connect() on the handed socket (EISCONN or EALREADY, which
	 * it takes as connected), and the namespace already keeps every
	 * other socket from reaching anything.
	 */
	int		 netns;
	/*
	 * Test hook: after lockdown, attempt this forbidden act ("open",
	 * "socket", "exec", "ptrace", ...); the test expects the process to
	 * die by SIGSYS or the act to be refused.  NULL in normal runs.
	 */
	const char	*selftest;
};

struct ipc_sandbox_report;

/*
 * Applies the whole sandbox for conf->role and fills the report.  Returns
 * only on success (or, in permissive mode, with what could be applied).
 */
void		 sandbox_apply(const struct sandbox_conf *,
		    struct ipc_sandbox_report *);
/*
 * Test hook, right after sandbox_apply(): attempts one act and exits
 * (SANDBOX_SELFTEST_*) unless the act kills the process.  Acts: "open"
 * (/etc/passwd), "socket" (AF_INET; netd AF_UNIX, fetchd AF_PACKET),
 * "socket-netlink", "socket-raw", "socket-ping" (DGRAM ICMP),
 * "tcp-loopback" (connect to 127.0.0.1:9), "exec", "ptrace" (the
 * parent), "fork", "write-file" (outside any rw path), "mkdir-profile"
 * and "rmdir-profile" (a directory in the first rw path; the test makes
 * SANDBOX_SELFTEST_SUBDIR there for the latter), "mmap-exec", "tiocsti"
 * (fd 0), and the positive control "write-profile" (a file in the first
 * rw path: must work).  Unknown: fatalx.  NULL: returns.
 */
#define SANDBOX_SELFTEST_SUBDIR	"bulkhead-selftest.d"
void		 sandbox_selftest(const char *what);
/* Writes a comma-separated list of flag names ("seccomp,landlock,..."). */
void		 sandbox_flags_str(uint32_t flags, char *buf, size_t bufsz);
/* The i-th flag and its name, in report order; NULL past the last. */
const char	*sandbox_flag_name(size_t i, uint32_t *flag);
/* The role's fixed channel descriptors (common/role.h); their count. */
size_t		 sandbox_role_fds(enum role, const int **fds);

/*
 * Exit codes of sandbox_selftest() when the act did not kill the process
 * (killed by SIGSYS is the expected outcome of a seccomp-blocked act).
 */
#define SANDBOX_SELFTEST_ALLOWED	0	/* a permitted act worked */
#define SANDBOX_SELFTEST_REFUSED	3	/* EACCES/EPERM: Landlock, DAC */
#define SANDBOX_SELFTEST_NOT_BLOCKED	4	/* the act succeeded: failure */
#define SANDBOX_SELFTEST_OTHER		5	/* failed some other way */

#endif
