/*
 * The shape of a session as data: which roles a command starts and which
 * pairs of them share a channel, on which fixed descriptor numbers
 * (common/role.h).  The supervisor wires every role it starts to itself
 * (FD_SUP) and every edge listed here whose two roles it starts; a restart
 * of a role makes a fresh pair for each edge that touches it and hands the
 * survivor its end (NEW_CHANNEL).  The IPC catalogue's test checks every
 * message edge against topo_session; roles find their descriptors here.
 */
#ifndef BULKHEAD_TOPOLOGY_H
#define BULKHEAD_TOPOLOGY_H

#include <stddef.h>

#include "common/role.h"

struct topo_edge {
	enum role	a, b;
	int		fd_a;		/* where a finds the channel to b */
	int		fd_b;		/* where b finds the channel to a */
};

struct topology {
	const char		*name;
	unsigned		 roles;		/* ROLE_BIT()s it may start */
	const struct topo_edge	*edges;
	size_t			 nedges;
};

/* The messenger session: every role. */
extern const struct topology	topo_session;
/* One-shot profile commands (id, export, ...): keyd and the frontend,
 * nothing on the network. */
extern const struct topology	topo_oneshot;
/* A bootstrap node (a later issue's bulkhead-node): netd alone. */
extern const struct topology	topo_node;

/* 1 if a and b share a channel in t (the supervisor and any role it
 * starts always do). */
int	topo_wired(const struct topology *, enum role a, enum role b);
/*
 * The descriptor numbers at which a role finds its channels in the
 * widest topology (FD_SUP first), for the sandbox to keep open.  Returns
 * how many, at most max.
 */
size_t	topo_role_fds(enum role, int *fds, size_t max);

#endif
