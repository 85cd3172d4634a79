/*
 * The one-shot commands: bulkhead init | id [--qr] | import FILE [--replace]
 * | export FILE [--plain] | passwd | nospam [VALUE].  The supervisor checks
 * the words, opens the files (import: read; export: created new, 0600) and
 * the passphrase source, and hands the descriptors to the frontend: no
 * role opens a path the user typed.
 */
#ifndef BULKHEAD_SUP_COMMAND_H
#define BULKHEAD_SUP_COMMAND_H

#include "supervisor/options.h"

/* Checks the command and opens what it needs; exits 2 with a message. */
void	command_prepare(struct options *);
/* After the session: removes an export file that was not completed. */
void	command_finish(const struct options *, int exit_code);

#endif
