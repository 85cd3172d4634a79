/*
 * Starting a role: fork, place the role's descriptors at their fixed
 * numbers (common/role.h), close everything else, exec with an empty
 * environment.  Used by the supervisor only.
 */
#ifndef BULKHEAD_SPAWN_H
#define BULKHEAD_SPAWN_H

#include <sys/types.h>

#define SPAWN_MAX_FDS	16

struct spawn_fd {
	int	src;	/* descriptor in the parent */
	int	dst;	/* number it gets in the child */
};

/*
 * Returns the child's pid, or -1 with errno if fork failed.  If exec fails
 * the child logs it and exits 127.  SIGINT and SIGQUIT are ignored in the
 * child: the supervisor alone decides when the session ends.
 */
pid_t	spawn_role(const char *path, char *const argv[],
	    const struct spawn_fd *, int nfds);

#endif
