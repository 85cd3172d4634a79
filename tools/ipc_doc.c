/*
 * Prints docs/IPC.md from the catalogue (ipc/catalogue.c): for every
 * message type, who sends it to whom, its size limits, its descriptor
 * rule, its answers and whether it is secret.  `make ipc-doc` writes the
 * file; `make check` fails when the committed one is stale.
 */
#include <stdio.h>

#include "common/topology.h"
#include "ipc/ipc.h"

static const char *
area_of(unsigned t)
{
	if (t >= IPC_AREA_CORE_FIRST && t <= IPC_AREA_CORE_LAST)
		return "Foundation";
	if (t >= IPC_AREA_PROFILE_FIRST && t <= IPC_AREA_PROFILE_LAST)
		return "Identity and profile";
	if (t >= IPC_AREA_NET_FIRST && t <= IPC_AREA_NET_LAST)
		return "Network";
	if (t >= IPC_AREA_NODES_FIRST && t <= IPC_AREA_NODES_LAST)
		return "Bootstrap nodes list";
	return "?";
}

static void
print_edges(uint64_t edges)
{
	const char	*sep = "";
	int		 a, b;

	for (a = 0; a < ROLE_MAX; a++)
		for (b = 0; b < ROLE_MAX; b++)
			if (edges & IPC_EDGE(a, b)) {
				printf("%s%s→%s", sep, role_name(a),
				    role_name(b));
				sep = ", ";
			}
}

static void
print_answers(const struct ipc_spec *s)
{
	size_t	i;

	if (s->answers[0] == 0) {
		printf("%s", (s->flags & IPC_S_ANSWER) ? "(an answer)" :
		    "(a notice)");
		return;
	}
	for (i = 0; i < IPC_MAX_ANSWERS && s->answers[i] != 0; i++)
		printf("%s%s", i ? ", " : "", ipc_type_name(s->answers[i]));
}

int
main(void)
{
	static const char *fd_rule[] = { "-", "required", "optional" };
	const struct ipc_spec	*s;
	const char		*area = NULL;
	unsigned		 t;
	size_t			 i;

	printf("# IPC message types\n\n"
	    "Generated from `ipc/catalogue.c` by `make ipc-doc`; do not "
	    "edit.\n`make check` fails when this file is stale.\n\n"
	    "Every message is checked against its row before any handler "
	    "runs: the\nedge it travels (sender→receiver), its payload size "
	    "in bytes, whether\na descriptor rides along, and its id "
	    "(requests and answers carry one,\nnotices do not).  A request "
	    "gets exactly one of the answers listed, or\na local ERROR when "
	    "the channel closes or its deadline passes.  Secret\npayloads "
	    "are wiped after dispatch.  Batched types (the data path) wait "
	    "in a\ncork and leave as one frame of several messages before "
	    "the loop sleeps.\n\n"
	    "Channels of the session (`common/topology.c`): the supervisor "
	    "and each\nrole it starts, and ");
	for (i = 0; i < topo_session.nedges; i++)
		printf("%s%s↔%s", i == 0 ? "" : i + 1 == topo_session.nedges ?
		    " and " : ", ", role_name(topo_session.edges[i].a),
		    role_name(topo_session.edges[i].b));
	printf(".\n");
	for (t = 1; t < IPC_TYPE_MAX; t++) {
		if ((s = ipc_spec(t)) == NULL)
			continue;
		if (area == NULL || area != area_of(t)) {
			area = area_of(t);
			printf("\n## %s\n\n| # | type | what | edges | size "
			    "| fd | answers | flags |\n|---|---|---|---|---"
			    "|---|---|---|\n", area);
		}
		printf("| %u | %s | %s | ", t, s->name, s->what);
		print_edges(s->edges);
		if (s->min == s->max)
			printf(" | %u | ", s->min);
		else
			printf(" | %u..%u | ", s->min, s->max);
		printf("%s | ", fd_rule[s->fd]);
		print_answers(s);
		printf(" | %s%s%s |\n", (s->flags & IPC_S_SECRET) ? "yes" : "",
		    (s->flags & (IPC_S_SECRET | IPC_S_BATCH)) ==
		    (IPC_S_SECRET | IPC_S_BATCH) ? ", " : "",
		    (s->flags & IPC_S_BATCH) ? "batched" : "");
	}
	return 0;
}
