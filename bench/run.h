/*
 * One repeat of the bench: a tox-bootstrapd, then a real bulkhead session
 * (bin/bulkhead --json, all its processes) and a libtoxcore node (its own
 * process, bench/toxnode) started side by side, both told only of that
 * bootstrapd.  Each side's join is its own report; once both are on the
 * DHT and a warm-up has passed, both are left alone for an idle window
 * and measured from /proc.  Runs in the bench's network namespace.
 */
#ifndef BULKHEAD_BENCH_RUN_H
#define BULKHEAD_BENCH_RUN_H

#include <stdint.h>

#include "bench/proc.h"

#define RUN_WARMUP_S	10	/* after the later of the two joins */
#define RUN_WINDOW_S	30	/* the idle window */

enum side { SIDE_BULKHEAD, SIDE_LIBTOXCORE, SIDES };

/* What was observed of one side in one repeat. */
struct obs {
	double		join_ms;	/* start to its own "on the DHT" */
	double		window_s;	/* the idle window, as measured */
	struct cost	idle;		/* the window's cost, all processes */
	uint64_t	pss_kb;		/* all processes, at the window's end */
	int		nproc;
};

/* Each side's report of being on the DHT, for the table's notes. */
extern const char *const run_ready_by[SIDES];

/* dir: an empty scratch directory for this repeat.  libtoxcore_first
 * says which side is started first (alternated against order effects). */
int	run_once(const char *dir, int libtoxcore_first, struct obs[SIDES]);

#endif
