/* Topology tables: see topology.h. */
#include "common/topology.h"

static const struct topo_edge session_edges[] = {
	{ ROLE_KEYD,	 ROLE_FRONTEND,	FD_KEYD_FRONTEND,   FD_FRONTEND_KEYD },
	{ ROLE_KEYD,	 ROLE_NETD,	FD_KEYD_NETD,	    FD_NETD_KEYD },
	{ ROLE_KEYD,	 ROLE_MEDIAD,	FD_KEYD_MEDIAD,	    FD_MEDIAD_KEYD },
	{ ROLE_FRONTEND, ROLE_MEDIAD,	FD_FRONTEND_MEDIAD, FD_MEDIAD_FRONTEND },
};

const struct topology topo_session = {
	.name = "session",
	.roles = ROLE_BIT(ROLE_KEYD) | ROLE_BIT(ROLE_NETD) |
	    ROLE_BIT(ROLE_MEDIAD) | ROLE_BIT(ROLE_FRONTEND) |
	    ROLE_BIT(ROLE_FETCHD),
	.edges = session_edges,
	.nedges = sizeof(session_edges) / sizeof(session_edges[0]),
};

int
topo_wired(const struct topology *t, enum role a, enum role b)
{
	size_t	i;

	if (a == b)
		return 0;
	if (a == ROLE_SUP || b == ROLE_SUP)
		return (t->roles & ROLE_BIT(a == ROLE_SUP ? b : a)) != 0;
	for (i = 0; i < t->nedges; i++)
		if ((t->edges[i].a == a && t->edges[i].b == b) ||
		    (t->edges[i].a == b && t->edges[i].b == a))
			return 1;
	return 0;
}
