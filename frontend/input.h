/*
 * Commands from standard input, one line each.  The CLI runs a line once
 * the one before has its reply (and shows the prompt again); JSON requests
 * run as they arrive, each reply carrying its request's "id".  A terminal gets a line editor (libedit:
 * editing, history for the session only, completion of command names);
 * pipes and sockets are watched by the loop; a regular file or /dev/null,
 * which epoll refuses, is read between replies to its end.
 */
#ifndef BULKHEAD_FRONTEND_INPUT_H
#define BULKHEAD_FRONTEND_INPUT_H

#include <stddef.h>

/* Before lockdown: the line editor reads the terminal's description. */
void	input_init(void);
/* Starts reading; at_eof() is called once the input has ended and every
 * line of it has its reply. */
void	input_start(void (*at_eof)(void));
/* Nothing is in flight any more: read on (and show the prompt). */
void	input_idle(void);
/* Stops reading and gives the terminal back as it was. */
void	input_end(void);

/* The parsers of one line: JSON-lines mode (json_mode.c) and the
 * interactive CLI (cli.c). */
void	json_mode_line(const char *, size_t);
void	cli_line(const char *, size_t);

#endif
