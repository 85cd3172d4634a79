/*
 * The interactive client: "command arg..." per line.  A line becomes the
 * same JSON object JSON mode would receive, so both run one command table.
 * Words beyond a command's arguments are refused, not ignored.
 */
#include <string.h>

#include "frontend/cmd.h"
#include "frontend/input.h"

/* Splits off the next space-separated word; returns its length. */
static size_t
next_word(const char **p, const char *end, const char **word)
{
	const char	*s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	*word = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*p = s;
	return (size_t)(s - *word);
}

void
cli_line(const char *line, size_t len)
{
	const struct cmd	*cmd;
	const char		*p = line, *end = line + len, *w, *spec, *sp;
	char			 name[65], argname[32];
	size_t			 n, an;
	json_t			*args;

	while (end > p && (end[-1] == '\r' || end[-1] == ' ' ||
	    end[-1] == '\t'))
		end--;
	if ((n = next_word(&p, end, &w)) == 0)
		return;
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, w, n);
	name[n] = '\0';
	args = json_pack("{s:s}", "cmd", name);
	if ((cmd = cmd_find(name)) == NULL || !(cmd->flags & CMD_SESSION)) {
		cmd_refuse(name, args, cmd == NULL ? "unknown command \"%s\"; "
		    "\"help\" lists them" : "%s is a command of its own: "
		    "bulkhead %s", name, name);
		json_decref(args);
		return;
	}
	for (spec = cmd->args; spec != NULL && *spec != '\0'; ) {
		sp = strchr(spec, ' ');
		an = sp != NULL ? (size_t)(sp - spec) : strlen(spec);
		if (an == 0 || an >= sizeof(argname))
			break;
		memcpy(argname, spec, an);
		argname[an] = '\0';
		if (argname[0] == '[') {	/* JSON only: not a word here */
			spec = sp != NULL ? sp + 1 : spec + an;
			continue;
		}
		if (argname[an - 1] == '*') {	/* the rest of the line */
			argname[an - 1] = '\0';
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < end)
				json_object_set_new(args, argname,
				    json_stringn(p, (size_t)(end - p)));
			p = end;
			break;
		}
		if ((n = next_word(&p, end, &w)) > 0)
			json_object_set_new(args, argname, json_stringn(w, n));
		spec = sp != NULL ? sp + 1 : spec + an;
	}
	if ((n = next_word(&p, end, &w)) > 0) {
		cmd_refuse(cmd->name, args, "%s takes %s%s; \"%.*s\" is a "
		    "word too many", cmd->name, cmd->args != NULL ? "only: " :
		    "no arguments", cmd->args != NULL ? cmd->args : "",
		    (int)(n > 64 ? 64 : n), w);
		json_decref(args);
		return;
	}
	cmd_run(cmd, args);
	json_decref(args);
}
