/*
 * What fetchd wrote, collected by the supervisor: fetchd's stdout is a
 * pipe whose read end the supervisor watches; the bytes go into a bounded
 * buffer, never parsed here.  Once fetchd has exited well and the pipe is
 * at EOF, fetch_buf_memfd() hands out sealed memfds of the same bytes: one
 * for netd to parse, one for keyd to keep.  So what keyd keeps is byte for
 * byte what fetchd got from the server, and netd has no path to it.
 */
#ifndef BULKHEAD_SUP_FETCH_BUF_H
#define BULKHEAD_SUP_FETCH_BUF_H

#include <stddef.h>

/*
 * Starts collecting from fd (the pipe's read end, taken over); done is
 * called once, at EOF or at an error, with the number of bytes (0: none)
 * or -1 if the list was larger than NODES_LIST_MAX or unreadable.
 */
void	fetch_buf_start(int fd, void (*done)(long len));
/* A sealed, read-only-from-here memfd of the bytes, at offset 0; -1. */
int	fetch_buf_memfd(void);
/* Forgets the bytes (and stops reading, if it still is). */
void	fetch_buf_clear(void);

#endif
