/* Passphrase sources: see pass_ask.h. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "frontend/pass_ask.h"
#include "frontend/ui.h"

#define MAX_TRIES	3

static struct pass	fd_line[2];
static int		fd_lines = -1;	/* -1: no descriptor given */

int
pass_ask_init(int fd)
{
	if (fd == -1)
		return 0;
	fd_lines = pass_read_fd(fd, &fd_line[0], &fd_line[1]);
	close(fd);
	return fd_lines == -1 ? -1 : 0;
}

int
pass_ask_from_fd(void)
{
	return fd_lines >= 0;
}

void
pass_ask_wipe(void)
{
	pass_wipe(&fd_line[0]);
	pass_wipe(&fd_line[1]);
	if (fd_lines > 0)
		fd_lines = 0;
}

/* Why the terminal gave no passphrase. */
static int
no_pass(int rv, char *why, size_t whysz)
{
	switch (rv) {
	case PASS_INTR:
		return PASS_INTR;
	case PASS_EOF:
		snprintf(why, whysz, "no passphrase given (the input ended)");
		break;
	case PASS_TOOLONG:
		snprintf(why, whysz, "the passphrase is longer than %d bytes",
		    PASS_MAX);
		break;
	default:
		snprintf(why, whysz, "standard input is not a terminal: give "
		    "the passphrase with --passphrase-fd or "
		    "--passphrase-file");
		break;
	}
	return -1;
}

int
pass_ask(int line, const char *prompt, int confirm, struct pass *out,
    char *why, size_t whysz)
{
	struct pass	again;
	int		i, rv;

	if (fd_lines >= 0) {
		if (line >= fd_lines) {
			snprintf(why, whysz, "the passphrase input has no "
			    "line %d", line + 1);
			return -1;
		}
		*out = fd_line[line];
		return 0;
	}
	if (ui_mode == UI_JSON) {
		snprintf(why, whysz, "a passphrase is needed: start with "
		    "--passphrase-fd N or --passphrase-file PATH");
		return -1;
	}
	for (i = 0; i < MAX_TRIES; i++) {
		if ((rv = pass_prompt(prompt, out)) != 0)
			return no_pass(rv, why, whysz);
		if (!confirm)
			return 0;
		if (out->len == 0) {
			ui_say("An empty passphrase protects nothing; to store "
			    "the profile unencrypted use --no-passphrase.");
			continue;
		}
		rv = pass_prompt("Repeat the passphrase: ", &again);
		if (rv != 0) {
			pass_wipe(out);
			return no_pass(rv, why, whysz);
		}
		if (again.len == out->len &&
		    memcmp(again.p, out->p, out->len) == 0) {
			pass_wipe(&again);
			return 0;
		}
		pass_wipe(&again);
		ui_say("The passphrases differ; try again.");
	}
	pass_wipe(out);
	snprintf(why, whysz, "no passphrase set");
	return -1;
}

int
pass_ask_new(int line, struct pass *out, char *why, size_t whysz)
{
	int	rv;

	if ((rv = pass_ask(line, "New passphrase: ", 1, out, why,
	    whysz)) != 0)
		return rv;
	if (out->len == 0) {
		snprintf(why, whysz, "an empty passphrase protects nothing: "
		    "use --no-passphrase to store the profile unencrypted");
		return -1;
	}
	return 0;
}
