/*
 * The command table, one for JSON mode, the interactive CLI and the
 * one-shot commands (bulkhead init | id | ...): each area of commands
 * keeps its own table (cmd_*.c), commands.c joins them.
 */
#ifndef BULKHEAD_FRONTEND_CMD_H
#define BULKHEAD_FRONTEND_CMD_H

#include <jansson.h>
#include <stddef.h>

#include "frontend/ui.h"

/* Where a command may run. */
#define CMD_SESSION	0x01	/* at the prompt and in JSON mode */
#define CMD_ONESHOT	0x02	/* as `bulkhead NAME` */
#define CMD_LOCKED	0x04	/* one-shot: runs before any unlock */

/* A command: args is the JSON object of the request (never NULL). */
struct cmd {
	const char	*name;
	void		(*run)(struct cmd_ctx *, json_t *args);
	/*
	 * Its arguments: names, space separated, in the order the CLI takes
	 * them as words; a trailing '*' takes the rest of the line
	 * ("name*").  JSON requests may have these members and no others.
	 * NULL: none.
	 */
	const char	*args;
	const char	*help;
	int		 flags;
};

/* Command tables, one per area, each ended by a NULL name. */
extern const struct cmd	cmds_core[];
extern const struct cmd	cmds_profile[];
extern const struct cmd	cmds_store[];
extern const struct cmd	cmds_net[];
extern const struct cmd	cmds_friends[];
extern const struct cmd	cmds_chat[];
extern const struct cmd	cmds_files[];
extern const struct cmd	cmds_history[];
extern const struct cmd	cmds_avatar[];

const struct cmd *cmd_find(const char *name);
/* Runs cmd with args (a request object: "cmd", "id", arguments). */
void	cmd_run(const struct cmd *, json_t *args);
/* A request that cannot run: one error reply (with its "id"). */
void	cmd_refuse(const char *name, json_t *args, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * 0 if every member of a JSON request is "cmd", "id" or an argument of
 * cmd; else -1 with the member named in err.
 */
int	cmd_check_members(const struct cmd *, json_t *args, char *err,
	    size_t errsz);
/* The session's commands: [{"name", "args", "help"}...]. */
json_t	*cmd_list(void);

#endif
