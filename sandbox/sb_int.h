/*
 * Internals of sandbox/: the steps of sandbox_apply() live in one file
 * each (sandbox.c orders them, sb_landlock.c, sb_seccomp.c with its tables
 * in sb_tables.c, sb_selftest.c), and share these helpers.  Nothing here is
 * for the roles: they call sandbox.h only.
 */
#ifndef BULKHEAD_SB_INT_H
#define BULKHEAD_SB_INT_H

#include <sys/types.h>

#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "common/role.h"
#include "sandbox/sandbox.h"

/*
 * A step could not be applied.  Strict mode: fatal, naming it.  Permissive
 * mode: "SANDBOX WEAKENED: ..." at warn level, and the caller goes on.
 * errnum 0 means no errno applies.
 */
__attribute__((format(printf, 3, 4)))
void	sb_weaken(const struct sandbox_conf *, int errnum, const char *, ...);

/* Landlock (sb_landlock.c). */
/* Highest ABI the kernel offers, or 0 with errno (ENOSYS, EOPNOTSUPP). */
int	sb_landlock_abi(void);
/*
 * Builds the role's ruleset while the paths can still be opened with the
 * caller's privileges: conf's paths, plus the role's built-in read-only
 * ones (NULL-terminated; those that do not exist are skipped).
 * handle_net: forbid TCP bind/connect too (ABI >= 4).  Returns the
 * ruleset fd, or -1 with errno and the failing path (or NULL) in *what.
 */
int	sb_landlock_prepare(const struct sandbox_conf *, int abi,
	    const char *const *builtin_ro, int handle_net, const char **what);
/* Needs PR_SET_NO_NEW_PRIVS first.  Closes rsfd.  0, or -1 with errno. */
int	sb_landlock_enforce(int rsfd);

/* Seccomp (sb_seccomp.c, tables in sb_tables.c). */
#define SC_MAX_ARGS	3

struct sc_rule {
	int		nr;		/* SCMP_SYS(name) */
	int		err;		/* 0: allow; else fail with this errno */
	unsigned int	nargs;
	struct scmp_arg_cmp args[SC_MAX_ARGS];	/* all must hold */
};

struct sc_table {
	const char		*name;
	const struct sc_rule	*rules;
	size_t			 nrules;
};

/* The rules every role has, and the role's own (NULL for ROLE_SUP). */
const struct sc_table	*sc_table_base(void);
const struct sc_table	*sc_table_role(enum role);
/* The sanitizer runtime's needs in make SAN=1 builds, else NULL. */
const struct sc_table	*sc_table_san(void);
/* Loads base + role table with default action kill.  0, or -errno. */
int	sc_load(enum role);
/* Some rule of base or role table allows syscall nr (for tests). */
int	sc_mentions(enum role, int nr);
/* The role may call something that takes a path: Landlock is required. */
int	sc_has_paths(enum role);
/* The i-th syscall that takes a path, -1 past the last (for tests). */
int	sc_path_call(size_t i);

/* Remembered at lockdown for sandbox_selftest(), which runs after it. */
struct sb_saved {
	pid_t		 ppid;
	enum role	 role;
	char		 rw_path[512];	/* first rw path, "" if none */
};
extern struct sb_saved	sb_saved;

#endif
