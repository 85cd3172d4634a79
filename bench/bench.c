/*
 * make bench: bulkhead against libtoxcore 0.2.18, as built and as run.
 *
 * Each repeat starts a real bulkhead session (bin/bulkhead --json and the
 * role processes it starts) and a libtoxcore node (bench/toxnode, its own
 * process) side by side, both told only of one local tox-bootstrapd, in a
 * network namespace made for the run whose one address is 198.18.0.1
 * (RFC 2544's benchmark range, which neither takes for a LAN: on 127/8
 * libtoxcore never reports UDP).  Figures come from /proc, summed over
 * every process of a side, and the table gives min/median/max over the
 * repeats.  A row is one function and one line in figures[] below.
 *
 * It runs as root: it makes the namespace, and bulkhead's roles are not
 * dumpable, so only root may read their /proc files.  The process that
 * made the namespace runs the bench in a child and removes the namespace,
 * with anything left in it, however the child ends.  The child and all it
 * starts see a /tmp of their own (profiles, tox-bootstrapd's files), which
 * goes with the last of them.
 */
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <glob.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tox/tox.h>

#include "bench/bench_files.h"
#include "bench/bench_msg.h"
#include "bench/bench_relay.h"
#include "bench/netns.h"
#include "bench/run.h"
#include "bench/table.h"

#define REPEATS		5	/* BENCH_REPEATS=n in the environment */
#define REPEATS_MAX	9

static double
join_ms(const struct obs *o)
{
	return o->join_ms;
}

static double
announce_ms(const struct obs *o)
{
	return o->announce_ms;
}

static double
fr_cross_ms(const struct obs *o)
{
	return o->fr_cross_ms;
}

static double
fr_same_ms(const struct obs *o)
{
	return o->fr_same_ms;
}

static double
idle_cpu_ms(const struct obs *o)
{
	return (double)o->idle.cpu_ns / 1e6 * RUN_WINDOW_S / o->window_s;
}

static double
idle_wakeups(const struct obs *o)
{
	return (double)o->idle.switches / o->window_s;
}

static double
pss_kb(const struct obs *o)
{
	return (double)o->pss_kb;
}

static double
processes(const struct obs *o)
{
	return o->nproc;
}

static double
online_ms(const struct obs *o)
{
	return o->online_ms;
}

static double
rtt_p50(const struct obs *o)
{
	return o->rtt_p50_ms;
}

static double
rtt_p99(const struct obs *o)
{
	return o->rtt_p99_ms;
}

static double
mixed_p50(const struct obs *o)
{
	return o->mixed_p50_ms;
}

static double
mixed_p99(const struct obs *o)
{
	return o->mixed_p99_ms;
}

static double
msgs_per_s(const struct obs *o)
{
	return o->msgs_per_s;
}

static double
tcp_online(const struct obs *o)
{
	return o->tcp_online_ms;
}

static double
tcp_rtt_p50(const struct obs *o)
{
	return o->tcp_rtt_p50_ms;
}

static double
tcp_rtt_p99(const struct obs *o)
{
	return o->tcp_rtt_p99_ms;
}

static double
relay_mb_s(const struct obs *o)
{
	return o->relay_mb_s;
}

static double
relay_kb_per_client(const struct obs *o)
{
	return o->relay_kb_per_client;
}

static double
busy_friends(const struct obs *o)
{
	return o->busy_friends;
}

static double
busy_cpu_ms(const struct obs *o)
{
	if (o->busy_window_s <= 0)
		return RUN_NOT_MEASURED;
	return (double)o->busy.cpu_ns / 1e6 * RUN_WINDOW_S / o->busy_window_s;
}

static double
busy_wakeups(const struct obs *o)
{
	if (o->busy_window_s <= 0)
		return RUN_NOT_MEASURED;
	return (double)o->busy.switches / o->busy_window_s;
}

static double
busy_pss_kb(const struct obs *o)
{
	return o->busy_window_s <= 0 ? RUN_NOT_MEASURED :
	    (double)o->busy_pss_kb;
}

static const struct figure figures[] = {
	{ "time to join the DHT (ms)",	0, join_ms },
	{ "time to announced: findable (ms)", 0, announce_ms },
	{ "friend request to this side, from the other (ms)", 0,
	    fr_cross_ms },
	{ "friend request to this side, from its kind (ms)", 0, fr_same_ms },
	{ "idle CPU on the DHT per 30 s (ms)", 1, idle_cpu_ms },
	{ "idle wakeups/s",		1, idle_wakeups },
	{ "PSS, all processes (kB)",	0, pss_kb },
	{ "processes",			0, processes },
};

/* Issue 10's rows; the last three are named for the friends at start. */
static char	busy_name[3][80];
static struct figure msg_figures[] = {
	{ "friend online after start, a pair (ms)", 0, online_ms },
	{ "message round trip p50, a pair (ms)", 2, rtt_p50 },
	{ "message round trip p99, a pair (ms)", 2, rtt_p99 },
	{ "round trip p50, to the other kind (ms)", 2, mixed_p50 },
	{ "round trip p99, to the other kind (ms)", 2, mixed_p99 },
	{ "messages/s one way, a pair", 0, msgs_per_s },
	{ "friends online in the window below", 0, busy_friends },
	{ busy_name[0], 1, busy_cpu_ms },
	{ busy_name[1], 1, busy_wakeups },
	{ busy_name[2], 0, busy_pss_kb },
	{ "no UDP, one TCP relay: friend online (ms)", 0, tcp_online },
	{ "no UDP, one TCP relay: round trip p50 (ms)", 2, tcp_rtt_p50 },
	{ "no UDP, one TCP relay: round trip p99 (ms)", 2, tcp_rtt_p99 },
	{ "relay server: one connection's throughput (MB/s)", 1,
	    relay_mb_s },
	{ "relay server: memory per client (kB)", 1, relay_kb_per_client },
};

#define NFIG	(sizeof(figures) / sizeof(figures[0]))
#define NMSGFIG	(sizeof(msg_figures) / sizeof(msg_figures[0]))

static void
msg_names(int farm)
{
	snprintf(busy_name[0], sizeof(busy_name[0]), "CPU per 30 s, %d "
	    "friends online (ms)", farm + 2);
	snprintf(busy_name[1], sizeof(busy_name[1]), "wakeups/s, %d "
	    "friends online", farm + 2);
	snprintf(busy_name[2], sizeof(busy_name[2]), "PSS, all processes, "
	    "%d friends online (kB)", farm + 2);
}

static void
msg_notes(int farm)
{
	int	i;

	printf("issue 10 (bench/bench_msg.c): in each repeat two sessions "
	    "of each kind, made friends (a pair) and the first of each "
	    "friends\n  with the first of the other kind, are stopped and "
	    "started again from their saved profiles, all four at once\n");
	printf("friend online: from the earlier start of a pair until both "
	    "have the other online over UDP\n");
	for (i = 0; i < SIDES; i++)
		printf("  %s: %s\n", i == SIDE_BULKHEAD ? "bulkhead" :
		    "libtoxcore", msg_online_by[i]);
	printf("round trips: %d a repeat, one at a time: a message out, "
	    "the receiver echoes it, until the sender has the echo\n",
	    MSG_PINGS);
	for (i = 0; i < SIDES; i++)
		printf("  echo, %s: %s\n", i == SIDE_BULKHEAD ? "bulkhead" :
		    "libtoxcore", msg_echo_by[i]);
	printf("  bulkhead's are timed by the bench from writing `send` to "
	    "reading the echo's \"message\" event: through every process\n"
	    "  of both sessions and the bench's own JSON; libtoxcore's "
	    "inside the node, from tox_friend_send_message() to the\n"
	    "  echo's callback, in the loop tox.h prescribes (it waits "
	    "tox_iteration_interval(), so its figure is mostly that)\n");
	printf("  \"to the other kind\": the column's side sends, the other "
	    "kind echoes (bulkhead -> libtoxcore under bulkhead)\n");
	printf("messages/s: %d messages sent back to back by one of a pair "
	    "(bulkhead: `send` lines, at most 128 unanswered,\n  as its "
	    "frontend takes 256 requests to chatd at a time), until the "
	    "sender reports the last receipt\n", MSG_BURST);
	printf("with friends online: %d libtoxcore friends more (one "
	    "process, bench/toxfarm, not measured) for the first of each\n"
	    "  kind, which has 2 already; the issue asks 100: BENCH_FRIENDS=n "
	    "(up to %d) if the machine holds it; after a %d s warm-up,\n"
	    "  a %d s window as the idle one above\n", farm,
	    MSG_FRIENDS_MAX, MSG_WARMUP_S, MSG_WINDOW_S);
	printf("no UDP, one TCP relay (issue 11): the same two pairs again "
	    "with UDP off on all four (bulkhead --no-udp --tcp-relay,\n"
	    "  libtoxcore udp_enabled false and the relay added), "
	    "tox-bootstrapd's relay their only way; online means \"tcp\" "
	    "here\n");
	printf("relay server: two clients of ours (netd/tcp_link over real "
	    "sockets) through the libtoxcore column's tox-bootstrapd relay\n"
	    "  and the bulkhead column's relay server (--tcp-port), one "
	    "routed connection, %d MiB one way; memory: the relay\n"
	    "  process's RSS growth for %d more clients that finish their "
	    "handshake, per client\n\n", RELAY_BYTES >> 20, RELAY_IDLE);
}

static void
notes(int nrep)
{
	struct utsname	u;
	int		i;

	uname(&u);
	printf("bulkhead (bin/bulkhead --json, all its processes) against "
	    "libtoxcore %u.%u.%u (one process, bench/toxnode)\n",
	    tox_version_major(), tox_version_minor(), tox_version_patch());
	printf("%d repeats on Linux %s; both sides bootstrap from one "
	    "tox-bootstrapd at %s in the bench's own network namespace\n",
	    nrep, u.release, BENCH_ADDR);
	for (i = 0; i < SIDES; i++)
		printf("on the DHT, %s: %s\n", i == SIDE_BULKHEAD ?
		    "bulkhead" : "libtoxcore", run_ready_by[i]);
	for (i = 0; i < SIDES; i++)
		printf("announced, %s: %s\n", i == SIDE_BULKHEAD ?
		    "bulkhead" : "libtoxcore", run_announced_by[i]);
	printf("  (so libtoxcore's two rows are one event: for it, joining "
	    "the DHT and being findable are one report)\n");
	printf("friend requests: from the sender's add (bulkhead: the "
	    "`add` line written; libtoxcore: tox_friend_add() called) to "
	    "the receiver's report\n");
	for (i = 0; i < SIDES; i++)
		printf("  received, %s: %s\n", i == SIDE_BULKHEAD ?
		    "bulkhead" : "libtoxcore", run_request_by[i]);
	printf("  a column is the receiver: \"from the other\" is "
	    "libtoxcore->bulkhead under bulkhead and bulkhead->libtoxcore "
	    "under libtoxcore;\n  \"from its kind\" is bulkhead->bulkhead "
	    "and libtoxcore->libtoxcore (the baseline: c-toxcore with "
	    "itself)\n");
	printf("  sent after the idle window, when a second session of each "
	    "kind has joined and announced; one at a time, fresh keys in "
	    "every repeat\n");
	printf("  (k of n): only k repeats delivered in %d s; \"-\": none\n",
	    RUN_DELIVER_S);
	printf("idle: %d s window, %d s after both joined and bulkhead "
	    "announced; CPU from schedstat, wakeups = context switches, PSS "
	    "from smaps_rollup\n", RUN_WINDOW_S, RUN_WARMUP_S);
	printf("both sides run their onion client in the window (announcing "
	    "themselves, answering as relays and announce stores)\n\n");
}

/* A /tmp of its own for this process and its children. */
static int
private_tmp(void)
{
	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
	    mount("bh-bench", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
	    "mode=1777,size=64m") == -1) {
		warn("a private /tmp");
		return -1;
	}
	return 0;
}

/* Issue 12's group, nrep times: its own notes and table. */
static int
bench_files(int file_mb, int only_fair, int nrep)
{
	static struct obs fobs[REPEATS_MAX][SIDES];
	int		r, n = 0;

	for (r = 0; r < nrep; r++) {
		fprintf(stderr, "bench: files: run %d of %d: %d MiB bulkhead -> "
		    "bulkhead, %d MiB with libtoxcore (at most %d s each)\n",
		    r + 1, nrep, file_mb, file_mb / 10 > 0 ? file_mb / 10 : 1,
		    FILES_CAP_S);
		memset(fobs[n], 0, sizeof(fobs[n]));
		/* a run that measured nothing is left out, not counted */
		if (files_once(file_mb, only_fair, fobs[n]) == 0)
			n++;
		else
			warnx("files: run %d measured nothing", r + 1);
	}
	if (n == 0) {
		warnx("no file transfer figures");
		return 1;
	}
	files_print(file_mb, (const struct obs (*)[SIDES])fobs, n);
	return 0;
}

static int
bench(int nrep, int only_msg, int farm, int file_mb, int nfrep)
{
	static struct figure	all[NFIG + NMSGFIG];
	struct obs		obs[REPEATS_MAX][SIDES];
	char			scratch[] = "/tmp/bh-bench-XXXXXX", dir[300];
	int			r, nfig = 0;

	signal(SIGPIPE, SIG_IGN);
	if (only_msg == 3 || only_msg == 4)
		return bench_files(file_mb, only_msg == 4, nfrep);
	if (mkdtemp(scratch) == NULL)
		err(1, "mkdtemp");
	for (r = 0; r < nrep; r++) {
		snprintf(dir, sizeof(dir), "%s/r%d", scratch, r + 1);
		if (mkdir(dir, 0700) == -1)
			err(1, "%s", dir);
		fprintf(stderr, "bench: repeat %d of %d (about %d s)\n", r + 1,
		    nrep, (only_msg ? 0 : RUN_WARMUP_S + RUN_WINDOW_S + 40) +
		    150);
		memset(obs[r], 0, sizeof(obs[r]));
		if (!only_msg && run_once(dir, r % 2, obs[r]) == -1) {
			warnx("repeat %d failed: no table", r + 1);
			return 1;
		}
		snprintf(dir, sizeof(dir), "%s/r%d/msg", scratch, r + 1);
		if (mkdir(dir, 0700) == -1)
			err(1, "%s", dir);
		if (only_msg == 2) {
			int	k;

			for (k = 0; k < SIDES; k++) {
				obs[r][k].online_ms = obs[r][k].rtt_p50_ms =
				    obs[r][k].rtt_p99_ms =
				    obs[r][k].mixed_p50_ms =
				    obs[r][k].mixed_p99_ms =
				    obs[r][k].msgs_per_s = RUN_NOT_MEASURED;
				obs[r][k].busy_friends = -1;
			}
		} else if (msg_once(dir, r % 2, farm, obs[r]) == -1)
			warnx("repeat %d: no issue 10 figures", r + 1);
		snprintf(dir, sizeof(dir), "%s/r%d/tcp", scratch, r + 1);
		if (mkdir(dir, 0700) == -1)
			err(1, "%s", dir);
		if (msg_once_tcp(dir, r % 2, obs[r]) == -1)
			warnx("repeat %d: no TCP relay figures", r + 1);
		if (relay_once(dir, obs[r]) == -1)
			warnx("repeat %d: no relay server figures", r + 1);
	}
	if (!only_msg) {
		notes(nrep);
		memcpy(all, figures, sizeof(figures));
		nfig = NFIG;
	}
	msg_notes(farm);
	memcpy(all + nfig, msg_figures, sizeof(msg_figures));
	nfig += NMSGFIG;
	table_print(stdout, all, nfig, (const struct obs (*)[SIDES])obs,
	    nrep);
	if (only_msg)
		return 0;
	printf("\n");
	return bench_files(file_mb, 0, nfrep);
}

static volatile sig_atomic_t	stop;

/*
 * The impaired link's namespaces of a bench child that was killed
 * (bench/link.c names them bhlink-<its pid>-<host>): a killed child
 * cannot remove them, and each run left a handful behind.
 */
static void
remove_link_ns(pid_t pid)
{
	glob_t	g;
	char	pat[64];
	size_t	i;

	snprintf(pat, sizeof(pat), "/run/netns/bhlink-%d-*", (int)pid);
	if (glob(pat, 0, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++)
		if (netns_remove(strrchr(g.gl_pathv[i], '/') + 1) == -1)
			warnx("could not remove the network namespace %s",
			    g.gl_pathv[i]);
	globfree(&g);
}

static void
on_signal(int sig)
{
	stop = sig;
}

int
main(void)
{
	struct sigaction	sa;
	char			name[32], rm[80];
	const char		*e = getenv("BENCH_REPEATS");
	const char		*f = getenv("BENCH_FRIENDS");
	const char		*only = getenv("BENCH_ONLY");
	const char		*fmb = getenv("BENCH_FILE_MB");
	const char		*frep = getenv("BENCH_FILE_REPEATS");
	const char		*trace = getenv("BENCH_TRACE");
	struct stat		 st;
	pid_t			pid;
	int			status = 0, rc, nrep = REPEATS;
	int			farm = MSG_FRIENDS, only_msg = 0;
	int			file_mb = FILES_MB, nfrep = FILES_REPEATS;

	if (geteuid() != 0) {
		fprintf(stderr, "bench: needs root: it makes a network "
		    "namespace, and bulkhead's roles are not dumpable, so "
		    "only root may read their /proc files\n");
		return 1;
	}
	if (e != NULL && ((nrep = atoi(e)) < 1 || nrep > REPEATS_MAX))
		errx(1, "BENCH_REPEATS: 1 to %d", REPEATS_MAX);
	if (f != NULL && ((farm = atoi(f)) < 1 || farm > MSG_FRIENDS_MAX))
		errx(1, "BENCH_FRIENDS: 1 to %d", MSG_FRIENDS_MAX);
	if (fmb != NULL && ((file_mb = atoi(fmb)) < 1 ||
	    file_mb > FILES_MB_MAX))
		errx(1, "BENCH_FILE_MB: 1 to %d", FILES_MB_MAX);
	if (frep != NULL && ((nfrep = atoi(frep)) < 1 ||
	    nfrep > REPEATS_MAX))
		errx(1, "BENCH_FILE_REPEATS: 1 to %d", REPEATS_MAX);
	/* the bench's /tmp is its own, and goes with it */
	if (trace != NULL && (trace[0] != '/' || strncmp(trace, "/tmp", 4) ==
	    0 || stat(trace, &st) == -1 || !S_ISDIR(st.st_mode)))
		errx(1, "BENCH_TRACE: a directory, by its absolute path, not "
		    "in /tmp");
	files_trace_to(trace);
	if (only != NULL && strcmp(only, "msg") == 0)
		only_msg = 1;
	else if (only != NULL && strcmp(only, "tcp") == 0)
		only_msg = 2;
	else if (only != NULL && strcmp(only, "files") == 0)
		only_msg = 3;
	else if (only != NULL && strcmp(only, "fair") == 0)
		only_msg = 4;
	else if (only != NULL)
		errx(1, "BENCH_ONLY: \"msg\" (issue 10's and 11's figures), "
		    "\"tcp\" (issue 11's alone), \"files\" (issue 12's), "
		    "\"fair\" (its bottleneck alone) or unset");
	msg_names(farm);
	snprintf(name, sizeof(name), "bhbench-%d", (int)getpid());
	if (netns_create(name) == -1)
		errx(1, "could not make the network namespace %s", name);
	/* orphans of the bench (a role whose supervisor died) come here */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: waitpid returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		if (netns_enter(name) == -1 || private_tmp() == -1)
			_exit(1);
		exit(bench(nrep, only_msg, farm, file_mb, nfrep));
	}
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			err(1, "waitpid");
		if (stop)
			kill(pid, SIGTERM);
	}
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	if (WIFSIGNALED(status)) {
		warnx("the bench was killed by signal %d", WTERMSIG(status));
		/* its files' sources and copies: a GiB and more each time */
		snprintf(rm, sizeof(rm), "rm -rf /var/tmp/bh-bench-files-%d-*",
		    (int)pid);
		if (system(rm) != 0)
			warnx("could not remove /var/tmp/bh-bench-files-%d-*",
			    (int)pid);
	}
	remove_link_ns(pid);
	if (netns_remove(name) == -1) {
		warnx("could not remove the network namespace %s", name);
		rc = 1;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return rc;
}
