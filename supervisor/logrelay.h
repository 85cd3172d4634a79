/*
 * Relaying the roles' logs.  Each role's fd 2 is a pipe whose read end the
 * supervisor owns; complete lines are copied to the supervisor's stderr.
 * No role can use this to hurt the user or freeze the supervisor:
 *  - each line is neutralised (common/textsafe.h): no control character,
 *    C1 control or invalid UTF-8 reaches the user's terminal;
 *  - at most LOGRELAY_RATE lines a second per role are relayed; the excess
 *    is counted and reported, not written;
 *  - stderr is written without blocking, through a bounded queue: when
 *    nobody reads it (a script's stderr=PIPE, a terminal stopped with ^S),
 *    the oldest queued lines are dropped and counted, and how many were
 *    dropped is said once stderr takes lines again.
 * The supervisor's own log lines go through the same queue (log_set_sink).
 */
#ifndef BULKHEAD_SUP_LOGRELAY_H
#define BULKHEAD_SUP_LOGRELAY_H

#include <stdint.h>

#include "common/loop.h"

#define LOGRELAY_LINE	1024		/* longer lines are cut */
#define LOGRELAY_QUEUE	(64 * 1024)	/* kept while stderr is full */
#define LOGRELAY_RATE	100		/* lines per role per second */

struct logrelay {
	struct ev_src	 src;
	struct timer	 report;	/* says how many were suppressed */
	const char	*name;
	char		 buf[LOGRELAY_LINE];
	size_t		 len;
	uint64_t	 window;	/* start of this second, mono ms */
	unsigned	 lines;		/* relayed in this second */
	uint64_t	 suppressed;	/* over the rate, not reported */
	int		 open;
};

/* Starts writing to fd (normally 2) without blocking, through the queue;
 * the loop must be initialised.  Also routes the supervisor's own log. */
void	logrelay_init(int fd);
/* Writes what is queued, waiting at most timeout_ms; then fd blocks again. */
void	logrelay_finish(int timeout_ms);
/* Takes the read end of a pipe; name says whose lines they are. */
void	logrelay_open(struct logrelay *, int fd, const char *name);
void	logrelay_close(struct logrelay *);
/* Queues one line (without its newline), neutralised; for tests too. */
void	logrelay_emit(const char *, size_t);
/* Lines dropped because stderr was full, in all (for tests). */
uint64_t logrelay_dropped_total(void);

#endif
