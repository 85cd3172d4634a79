/* Topology tables: see topology.h. */
#include "common/topology.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static const struct topo_edge session_edges[] = {
	{ ROLE_KEYD,	 ROLE_FRONTEND,	FD_KEYD_FRONTEND,   FD_FRONTEND_KEYD },
	{ ROLE_KEYD,	 ROLE_NETD,	FD_KEYD_NETD,	    FD_NETD_KEYD },
	{ ROLE_KEYD,	 ROLE_CHATD,	FD_KEYD_CHATD,	    FD_CHATD_KEYD },
	{ ROLE_KEYD,	 ROLE_MEDIAD,	FD_KEYD_MEDIAD,	    FD_MEDIAD_KEYD },
	{ ROLE_CHATD,	 ROLE_FRONTEND,	FD_CHATD_FRONTEND,  FD_FRONTEND_CHATD },
	{ ROLE_CHATD,	 ROLE_MEDIAD,	FD_CHATD_MEDIAD,    FD_MEDIAD_CHATD },
	{ ROLE_FRONTEND, ROLE_MEDIAD,	FD_FRONTEND_MEDIAD, FD_MEDIAD_FRONTEND },
};

const struct topology topo_session = {
	.name = "session",
	.roles = ROLE_BIT(ROLE_KEYD) | ROLE_BIT(ROLE_NETD) |
	    ROLE_BIT(ROLE_CHATD) | ROLE_BIT(ROLE_MEDIAD) |
	    ROLE_BIT(ROLE_FRONTEND) | ROLE_BIT(ROLE_FETCHD),
	.edges = session_edges,
	.nedges = NITEMS(session_edges),
};

/* The same edges: the supervisor wires those whose roles it starts. */
const struct topology topo_oneshot = {
	.name = "one-shot",
	.roles = ROLE_BIT(ROLE_KEYD) | ROLE_BIT(ROLE_FRONTEND),
	.edges = session_edges,
	.nedges = NITEMS(session_edges),
};

const struct topology topo_node = {
	.name = "node",
	.roles = ROLE_BIT(ROLE_NETD),
	.edges = NULL,
	.nedges = 0,
};

int
topo_wired(const struct topology *t, enum role a, enum role b)
{
	size_t	i;

	if (a == b || (t->roles & ROLE_BIT(a == ROLE_SUP ? b : a)) == 0)
		return 0;
	if (a == ROLE_SUP || b == ROLE_SUP)
		return 1;
	if ((t->roles & ROLE_BIT(b)) == 0)
		return 0;
	for (i = 0; i < t->nedges; i++)
		if ((t->edges[i].a == a && t->edges[i].b == b) ||
		    (t->edges[i].a == b && t->edges[i].b == a))
			return 1;
	return 0;
}

size_t
topo_role_fds(enum role r, int *fds, size_t max)
{
	size_t	i, n = 0;

	if (max == 0)
		return 0;
	fds[n++] = FD_SUP;
	for (i = 0; i < topo_session.nedges && n < max; i++) {
		if (topo_session.edges[i].a == r)
			fds[n++] = topo_session.edges[i].fd_a;
		else if (topo_session.edges[i].b == r)
			fds[n++] = topo_session.edges[i].fd_b;
	}
	return n;
}
