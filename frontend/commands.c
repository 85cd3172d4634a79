/* The command table, shared by JSON mode, the CLI and one-shot runs:
 * see cmd.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frontend/cmd.h"

/* Every area's table, each ended by a NULL name. */
static const struct cmd *const tables[] = {
	cmds_core,
	cmds_profile,
	cmds_store,
	cmds_net,
	cmds_friends,
	cmds_chat,
	cmds_files,
	cmds_history,
	cmds_avatar,
};

#define NTABLES	(sizeof(tables) / sizeof(tables[0]))

const struct cmd *
cmd_find(const char *name)
{
	const struct cmd	*c;
	size_t			 i;

	for (i = 0; i < NTABLES; i++)
		for (c = tables[i]; c->name != NULL; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

void
cmd_run(const struct cmd *cmd, json_t *args)
{
	cmd->run(ui_ctx(cmd->name, json_object_get(args, "id")), args);
}

void
cmd_refuse(const char *name, json_t *args, const char *fmt, ...)
{
	struct cmd_ctx	*ctx;
	char		 msg[512];
	va_list		 ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the reply is printed before this returns: name may be the caller's */
	ctx = ui_ctx(name, json_object_get(args, "id"));
	ui_reply_err(ctx, "%s", msg);
}

/*
 * 1 if key is one of the names in spec ("host port key", "name*",
 * "[name]": a member of JSON requests only, never a word of the CLI).
 */
static int
in_spec(const char *spec, const char *key)
{
	size_t	n, klen = strlen(key);

	while (spec != NULL && *spec != '\0') {
		n = strcspn(spec, " ");
		if ((n == klen || (n == klen + 1 && spec[klen] == '*')) &&
		    strncmp(spec, key, klen) == 0)
			return 1;
		if (n == klen + 2 && spec[0] == '[' && spec[n - 1] == ']' &&
		    strncmp(spec + 1, key, klen) == 0)
			return 1;
		spec += n;
		spec += strspn(spec, " ");
	}
	return 0;
}

int
cmd_check_members(const struct cmd *cmd, json_t *args, char *err,
    size_t errsz)
{
	const char	*k;
	json_t		*v;

	json_object_foreach(args, k, v) {
		if (strcmp(k, "cmd") == 0 || strcmp(k, "id") == 0 ||
		    in_spec(cmd->args, k))
			continue;
		/* the key is a valid string, but may hold anything */
		snprintf(err, errsz, "unknown member \"%.64s\" for %s%s%s",
		    k, cmd->name, cmd->args != NULL ? "; it takes: " : " (it "
		    "takes no arguments)", cmd->args != NULL ? cmd->args : "");
		return -1;
	}
	return 0;
}

json_t *
cmd_list(void)
{
	const struct cmd	*c;
	json_t			*l = json_array();
	size_t			 i;

	for (i = 0; i < NTABLES; i++)
		for (c = tables[i]; c->name != NULL; c++)
			if (c->flags & CMD_SESSION)
				json_array_append_new(l, json_pack(
				    "{s:s, s:s?, s:s}", "name", c->name,
				    "args", c->args, "help", c->help));
	return l;
}
