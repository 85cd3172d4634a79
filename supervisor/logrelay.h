/*
 * Relaying the roles' logs.  Each role's fd 2 is a pipe whose read end the
 * supervisor owns; complete lines are copied to the supervisor's stderr,
 * with control characters neutralised (a compromised role must not drive
 * the user's terminal).
 */
#ifndef BULKHEAD_SUP_LOGRELAY_H
#define BULKHEAD_SUP_LOGRELAY_H

#include "common/loop.h"

#define LOGRELAY_LINE	1024

struct logrelay {
	struct ev_src	src;
	char		buf[LOGRELAY_LINE];
	size_t		len;
	int		open;
};

/* Takes the read end of a pipe. */
void	logrelay_open(struct logrelay *, int fd);
void	logrelay_close(struct logrelay *);
/* Copies line-by-line from buf to fd 2; exported for tests. */
void	logrelay_emit(const char *, size_t);

#endif
