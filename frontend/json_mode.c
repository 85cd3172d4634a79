/* JSON-lines automation mode: one request per line on stdin. */
#include <stdlib.h>
#include <string.h>

#include "frontend/json_cmd.h"
#include "frontend/ui.h"

static void
reply_unparsed(const char *msg)
{
	json_t	*out;
	char	*s;

	/* No command name could be read: the reply names none. */
	out = json_pack("{s:n, s:b, s:s}", "reply", "ok", 0, "error", msg);
	s = json_dumps(out, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s != NULL) {
		printf("%s\n", s);
		fflush(stdout);
		free(s);
	}
	json_decref(out);
}

static void
cmd_unknown(struct cmd_ctx *ctx, json_t *args)
{
	ui_reply_err(ctx, "unknown command \"%s\"; \"help\" lists them",
	    ctx->cmd->name);
}

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
		reply_unparsed(err);
		return;
	}
	if ((cmd = cmd_find(jc.name)) == NULL) {
		/* Answered at once, so the name may live on the stack. */
		struct cmd unknown = { jc.name, cmd_unknown, NULL, NULL };

		cmd_run(&unknown, jc.obj);
		json_decref(jc.obj);
		return;
	}
	cmd_run(cmd, jc.obj);
	json_decref(jc.obj);
}
