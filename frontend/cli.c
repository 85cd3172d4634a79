/*
 * The interactive client: "command arg..." per line.  A line becomes the
 * same JSON object JSON mode would receive, so both run one command table.
 * Words beyond a command's arguments are refused, not ignored.  A word
 * may be quoted ("Alice Red": a friend's name with a space); the rest of
 * a line ("text*") is taken as typed, quotes and all.
 */
#include <string.h>

#include "frontend/cmd.h"
#include "frontend/input.h"

/*
 * Splits off the next space-separated word, or the text between a pair of
 * double quotes (no escapes: a name holds no '"' worth typing; an open
 * quote runs to the end of the line); returns its length, *quoted set if
 * it was quoted (so "" is a word, if an empty one).
 */
static size_t
next_word(const char **p, const char *end, const char **word, int *quoted)
{
	const char	*s = *p, *q;

	*quoted = 0;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s < end && *s == '"') {
		*quoted = 1;
		*word = ++s;
		q = memchr(s, '"', (size_t)(end - s));
		*p = q != NULL ? q + 1 : end;
		return (size_t)((q != NULL ? q : end) - s);
	}
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
	int			 quoted;

	while (end > p && (end[-1] == '\r' || end[-1] == ' ' ||
	    end[-1] == '\t'))
		end--;
	if ((n = next_word(&p, end, &w, &quoted)) == 0)
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
		if ((n = next_word(&p, end, &w, &quoted)) > 0 || quoted)
			json_object_set_new(args, argname, json_stringn(w, n));
		spec = sp != NULL ? sp + 1 : spec + an;
	}
	if ((n = next_word(&p, end, &w, &quoted)) > 0 || quoted) {
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
