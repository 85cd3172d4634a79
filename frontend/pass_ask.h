/*
 * Where a passphrase comes from: line N of --passphrase-fd (or -file),
 * read once at start, else the terminal.  For the profile flow and the
 * commands that write the profile (init, import, passwd).
 */
#ifndef BULKHEAD_FRONTEND_PASS_ASK_H
#define BULKHEAD_FRONTEND_PASS_ASK_H

#include <stddef.h>

#include "frontend/passphrase.h"

/* Reads fd's lines (fd -1: none given); -1 if too long or unreadable. */
int	pass_ask_init(int fd);
/* 1 if the passphrases come from a descriptor. */
int	pass_ask_from_fd(void);
/*
 * Line `line` (0 or 1) of the descriptor, else asked at the terminal,
 * twice if confirm (three tries).  Returns 0, PASS_INTR (the caller ends
 * at once), or -1 with the reason in why.
 */
int	pass_ask(int line, const char *prompt, int confirm, struct pass *out,
	    char *why, size_t whysz);
/* A new passphrase (asked twice); never empty: that is --no-passphrase. */
int	pass_ask_new(int line, struct pass *out, char *why, size_t whysz);
/* Forgets the descriptor's lines. */
void	pass_ask_wipe(void);

#endif
