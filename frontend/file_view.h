/*
 * The interactive CLI's view of file transfers: a friend's offer as
 * "[3 Alice] offers "photo.jpg" (2.1 MB): file_accept 3 65536", the end
 * of a transfer as one line, and the progress of transfers as one bar,
 * redrawn in place while nothing else was printed after it:
 *
 *	[3 Alice] file 65536 [#########...........]  45%  12.3 MB/s  0:12 left
 *
 * Redrawn, it never breaks the line being typed: ui.c takes the prompt
 * off the screen before and puts it back after (ui_set_screen).  Without
 * a terminal there is no bar (lines twice a second would flood a log).
 * JSON mode never comes here.
 */
#ifndef BULKHEAD_FRONTEND_FILE_VIEW_H
#define BULKHEAD_FRONTEND_FILE_VIEW_H

#include <jansson.h>

/* Prints a file_* event and returns 1; 0 if it is not one of them or
 * lacks what the line needs (the caller prints it the generic way). */
int	file_view_render(const char *event, json_t *obj);

/* "12.3 MB" for n bytes (B, kB, MB, GB; powers of 1000). */
void	file_view_size(unsigned long long n, char *out, size_t outsz);

#endif
