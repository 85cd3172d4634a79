/*
 * One repeat of the bench: a tox-bootstrapd, then a real bulkhead session
 * (bin/bulkhead --json, all its processes) and a libtoxcore node (its own
 * process, bench/toxnode) started side by side, both told only of that
 * bootstrapd.  Each side's join and announce is its own report; once both
 * are on the DHT and announced and a warm-up has passed, both are left
 * alone for an idle window and measured from /proc.  Then a second of
 * each kind joins (after the window, so that the idle figures are those
 * of the same small network as ever) and friend requests go between
 * them, one pair at a time, every identity fresh in each repeat.
 */
#ifndef BULKHEAD_BENCH_RUN_H
#define BULKHEAD_BENCH_RUN_H

#include <stdint.h>

#include "bench/proc.h"

#define RUN_WARMUP_S	10	/* after the later of the two joins */
#define RUN_WINDOW_S	30	/* the idle window */
#define RUN_DELIVER_S	60	/* a friend request's deadline */
#define RUN_NOT_MEASURED (-1.0)	/* a figure this repeat could not give */
#define RUN_FILE_ROWS	6	/* bench_files.c: its kinds of transfer,
				   on loopback and across a link */

enum side { SIDE_BULKHEAD, SIDE_LIBTOXCORE, SIDES };

/* What was observed of one side in one repeat. */
struct obs {
	double		join_ms;	/* start to its own "on the DHT" */
	double		announce_ms;	/* start to its own "announced" */
	double		fr_cross_ms;	/* a friend request delivered to this
					   side, sent by the other kind */
	double		fr_same_ms;	/* ... sent by another of this kind */
	double		window_s;	/* the idle window, as measured */
	struct cost	idle;		/* the window's cost, all processes */
	uint64_t	pss_kb;		/* all processes, at the window's end */
	int		nproc;
	/* issue 10's figures, bench_msg.c; a pair is two of this side */
	double		online_ms;	/* a pair started: until both have
					   the other online */
	double		rtt_p50_ms;	/* a pair: message out, echo back */
	double		rtt_p99_ms;
	double		mixed_p50_ms;	/* this side sends, the other kind
					   echoes */
	double		mixed_p99_ms;
	double		msgs_per_s;	/* a pair: one way, until receipts */
	double		busy_window_s;	/* with friends online: */
	struct cost	busy;
	uint64_t	busy_pss_kb;
	int		busy_friends;	/* online at the window's start */
	/* issue 11's: the same pair with no UDP, through one TCP relay */
	double		tcp_online_ms;
	double		tcp_rtt_p50_ms;
	double		tcp_rtt_p99_ms;
	/* the relay server (bench_relay.c): bootstrapd's or bulkhead's */
	double		relay_mb_s;
	double		relay_kb_per_client;
	/* issue 12's (bench_files.c): file transfers, by row */
	double		file_mb_s[RUN_FILE_ROWS];
	double		file_cpu_s_gib[RUN_FILE_ROWS];
	/* ... and two flows on one bottleneck: this side's transfer alone,
	 * and while the other kind's runs too (MB/s on the link) */
	double		fair_alone_mb_s;
	double		fair_shared_mb_s;
};

/* Each side's report of being on the DHT, of being announced (findable
 * by friends) and of a friend request received, for the table's notes. */
extern const char *const run_ready_by[SIDES];
extern const char *const run_announced_by[SIDES];
extern const char *const run_request_by[SIDES];

/* Helpers the bench's other scenarios share: CLOCK_MONOTONIC in ns;
 * sleeping until such a time; waiting (up to timeout_ms) until something
 * in this namespace has UDP port bound; a log to stderr; a new identity
 * without a passphrase in dir/profile.tox. */
long long	run_now_ns(void);
void	run_sleep_until(long long);
int	run_wait_bound(int port, int timeout_ms);
void	run_dump_file(const char *path);
int	run_make_profile(const char *dir);

/* dir: an empty scratch directory for this repeat.  libtoxcore_first
 * says which side is started first (alternated against order effects). */
int	run_once(const char *dir, int libtoxcore_first, struct obs[SIDES]);

#endif
