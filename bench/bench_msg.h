/*
 * Issue 10's figures for the bench: two bulkhead sessions and two
 * libtoxcore nodes (bench/toxnode), each pair made friends, and the
 * first of each friends with the first of the other kind.  All four are
 * stopped and started again from what they saved; then, one at a time,
 * round trips of a message and its echo (within each pair and across the
 * kinds), a burst of messages one way until the last receipt, and, with
 * many libtoxcore friends online (bench/toxfarm), a window of idle cost
 * for the first of each kind.  In its own tox-bootstrapd and the bench's
 * namespace; fresh identities in every repeat.
 */
#ifndef BULKHEAD_BENCH_MSG_H
#define BULKHEAD_BENCH_MSG_H

#include "bench/run.h"

#define MSG_PINGS	200	/* round trips per pair and repeat */
#define MSG_BURST	500	/* messages in a burst (keyd keeps 1024) */
#define MSG_FRIENDS	20	/* farm size; BENCH_FRIENDS=n overrides */
#define MSG_FRIENDS_MAX	200
#define MSG_WARMUP_S	10	/* friends online, then the window */
#define MSG_WINDOW_S	30

/* How each figure is taken, for the table's notes. */
extern const char *const msg_online_by[SIDES];
extern const char *const msg_echo_by[SIDES];

/* dir: an empty scratch directory; farm: how many libtoxcore friends
 * the window has (besides the two each node has already).  Fills the
 * issue 10 members of o (RUN_NOT_MEASURED where it could not); -1 only
 * when nothing could be measured. */
int	msg_once(const char *dir, int libtoxcore_first, int farm,
	    struct obs o[SIDES]);
/*
 * Issue 11's: the same two pairs with UDP off on all four, each reaching
 * the network through tox-bootstrapd's TCP relay alone (bulkhead
 * --no-udp --tcp-relay, libtoxcore udp_enabled false and the relay
 * added): friend online after start and round trips, into the tcp_*
 * members of o.
 */
int	msg_once_tcp(const char *dir, int libtoxcore_first,
	    struct obs o[SIDES]);

#endif
