/*
 * Issue 12's figures for the bench: file transfer throughput and its CPU
 * cost.  Two bulkhead sessions (A, B) and two libtoxcore clients in the
 * bench's own process (tests/lib/toxpeer: X, Y), joined through one
 * tox-bootstrapd, friends A-B, X-Y and A-X.  Then, one at a time: X -> Y,
 * A -> X, X -> A (the libtoxcore size) and A -> B (the bulkhead size),
 * each from the offer's send until both ends report the transfer done,
 * each checked end to end by SHA-256.  A transfer still running at
 * FILES_CAP_S is cancelled and measured over what moved (the bytes that
 * arrived must then be the file's first bytes); a row with such a cell
 * says so.  All of it twice: on loopback (every node on the bench's one
 * address), then with every node on a host of its own across an impaired
 * link (bench/link.h: a one-way delay and a loss each way).  Repeated
 * on its own (FILES_REPEATS, BENCH_FILE_REPEATS=n), not with the first
 * table's repeats: a GiB each time is too long for five.  One run could
 * not tell a slow host from a slow transfer: the CPU time per GiB of one
 * build swung from 7.2 to 9.0 s between runs on one 2-CPU machine.
 */
#ifndef BULKHEAD_BENCH_FILES_H
#define BULKHEAD_BENCH_FILES_H

#include "bench/run.h"

#define FILES_MB	1024	/* bulkhead's size; BENCH_FILE_MB=n */
#define FILES_MB_MAX	16384
#define FILES_REPEATS	3	/* runs of the whole group */
#define FILES_CAP_S	60	/* a transfer's time cap: 8 of them */
#define FILES_LINK_DELAY_MS 20	/* the impaired link: one way */
#define FILES_LINK_LOSS_PPM 10000 /* 1 %, each packet, each way */
/*
 * Fairness: a bulkhead and a libtoxcore transfer through one bottleneck
 * (A and X on one side, B and Y on the other, FAIR_RATE bytes/s each way
 * between them, a queue of FAIR_QUEUE_MS, 20 ms each way, no random
 * loss): libtoxcore X -> Y alone, then with bulkhead A -> B, then
 * A -> B alone, FAIR_PHASE_S each.
 */
#define FAIR_RATE	4000000L
#define FAIR_QUEUE_MS	50
#define FAIR_PHASE_S	15
#define FAIR_MB		256	/* the source both send */

/* Fills the file_* members of o (RUN_NOT_MEASURED where it could not)
 * and the table's notes; mb: bulkhead's size in MiB (libtoxcore's is a
 * tenth, at least 1); only_fair: the bottleneck's figures alone.  -1
 * when nothing could be measured. */
int	files_once(int mb, int only_fair, struct obs o[SIDES]);

/*
 * BENCH_TRACE=dir: bulkhead A and B run at log level debug (chatd then
 * traces its rate controller, a line per 50 ms sample) and each
 * session's log is copied to dir as A-n.log, B-n.log (n: the world, one
 * per row group) when it stops.  NULL: neither.
 */
void	files_trace_to(const char *dir);

/* Prints the group's notes and its table over nrep runs' o. */
void	files_print(int mb, const struct obs (*o)[SIDES], int nrep);

#endif
