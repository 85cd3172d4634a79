/* JSON-lines automation mode: one request per line on stdin. */
#include <string.h>

#include "frontend/cmd.h"
#include "frontend/input.h"
#include "frontend/json_cmd.h"

void
json_mode_line(const char *line, size_t len)
{
	struct json_cmd		 jc;
	const struct cmd	*cmd;
	char			 err[256];

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (len == 0)
		return;			/* blank lines are not requests */
	if (json_cmd_parse(line, len, &jc, err, sizeof(err)) == -1) {
		/* no command name could be read; the id, if it could */
		ui_reply_unparsed(jc.tag, err);
		json_decref(jc.obj);
		return;
	}
	if ((cmd = cmd_find(jc.name)) == NULL || !(cmd->flags & CMD_SESSION))
		cmd_refuse(jc.name, jc.obj, cmd == NULL ? "unknown command "
		    "\"%s\"; \"help\" lists them" : "%s is a command of its "
		    "own: bulkhead %s", jc.name, jc.name);
	else if (cmd_check_members(cmd, jc.obj, err, sizeof(err)) == -1)
		cmd_refuse(jc.name, jc.obj, "%s", err);
	else
		cmd_run(cmd, jc.obj);
	json_decref(jc.obj);
}
