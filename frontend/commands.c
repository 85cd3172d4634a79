/* The command table, shared by JSON mode and the CLI: see ui.h. */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "frontend/profile_flow.h"
#include "frontend/ui.h"

/* Every area's table, each ended by a NULL name. */
static const struct cmd *const tables[] = {
	cmds_core,
	cmds_profile,
	cmds_net,
};

const struct cmd *
cmd_find(const char *name)
{
	const struct cmd	*c;
	size_t			 i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		for (c = tables[i]; c->name != NULL; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

void
cmd_run(const struct cmd *cmd, json_t *args)
{
	struct cmd_ctx	*ctx;
	json_t		*tag;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		fatal("%s: calloc", __func__);
	ctx->cmd = cmd;
	if ((tag = json_object_get(args, "id")) != NULL)
		ctx->tag = json_incref(tag);
	cmd->run(ctx, args);
}

void
cmd_help(void)
{
	const struct cmd	*c;
	size_t			 i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		for (c = tables[i]; c->name != NULL; c++)
			ui_say("  %-20s %s%s%s", c->name, c->help,
			    c->cli_args ? "  args: " : "",
			    c->cli_args ? c->cli_args : "");
}
