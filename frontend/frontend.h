/*
 * What the main loop (frontend.c) offers the commands: the channels to
 * the other processes, the descriptor of a one-shot command's file, and
 * the end of the process.
 */
#ifndef BULKHEAD_FRONTEND_FRONTEND_H
#define BULKHEAD_FRONTEND_FRONTEND_H

#include "common/role.h"

struct chan;

/* The channel to ROLE_SUP, ROLE_KEYD or ROLE_MEDIAD. */
struct chan	*frontend_chan(enum role);
/* import's source or export's target (bulkhead import|export FILE), or
 * -1 (a session has none). */
/* quit: exit with code once every command in flight has its reply. */
void		 frontend_quit(int code);
/* Restores the terminal, flushes and exits with code. */
__attribute__((noreturn))
void		 frontend_exit(int code);

#endif
