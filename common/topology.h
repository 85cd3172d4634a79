/*
 * The shape of a session as data: which roles run and which pairs of them
 * share a channel, on which fixed descriptor numbers.  The supervisor wires
 * every role it starts to itself (FD_SUP) and every edge listed here; a
 * restart of a role makes a fresh pair for each edge that touches it.  The
 * IPC catalogue's test checks every message edge against these tables.
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

/* 1 if a and b share a channel in t (the supervisor and any role it
 * starts always do). */
int	topo_wired(const struct topology *, enum role a, enum role b);

#endif
