/* One repeat of the bench: see run.h. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/netns.h"
#include "bench/run.h"
#include "tests/lib/bh.h"
#include "tests/lib/bootstrapd.h"

#define BSD_PORT	33445		/* tox-bootstrapd's default */
#define JOIN_MS		120000		/* a deadline, not a figure */
#define DELIVER_MS	(RUN_DELIVER_S * 1000)
#define TOXNODE		BUILD_DIR "/bench/toxnode"
#define ADDR_HEX	76		/* a Tox ID in hex */
#define PK_HEX		64		/* its public key, the first 64 */
#define MESSAGE		"bulkhead bench"
#define LINE_MAX_TOX	160		/* the longest a toxnode writes, and more */

const char *const run_ready_by[SIDES] = {
	[SIDE_BULKHEAD] = "its \"dht\" event with state \"udp\" (JSON mode)",
	[SIDE_LIBTOXCORE] = "tox_self_get_connection_status() == "
	    "TOX_CONNECTION_UDP",
};
const char *const run_announced_by[SIDES] = {
	[SIDE_BULKHEAD] = "its \"onion\" event with \"announced\": true",
	[SIDE_LIBTOXCORE] = "TOX_CONNECTION_UDP again: c-toxcore reports "
	    "UDP only once its announces are stored",
};
const char *const run_request_by[SIDES] = {
	[SIDE_BULKHEAD] = "its \"friend_request\" event, as the bench reads "
	    "it",
	[SIDE_LIBTOXCORE] = "its friend-request callback, timed in the node",
};

/* A session of either kind, and what the bench has of it. */
struct bhnode {
	struct bh	bh;
	int		up;
	long long	t0;
	char		addr[ADDR_HEX + 1];
};

struct toxnode {
	pid_t		pid;
	int		out;		/* its lines (toxnode.c) */
	int		in;		/* its commands */
	long long	t0;
	int		lost;		/* it said "lost udp" */
	char		addr[ADDR_HEX + 1];
	char		log[300];	/* its stdout and stderr */
};

struct nodes {
	struct bootstrapd	bsd;
	int			bsd_up;
	struct bhnode		bh[2];	/* [1]: joins after the window */
	struct toxnode		tox[2];
};

long long
run_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void
run_sleep_until(long long t)
{
	struct timespec	ts;

	ts.tv_sec = t / 1000000000LL;
	ts.tv_nsec = t % 1000000000LL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

/* 0 once something in this namespace has UDP port bound (so that neither
 * side's first packets are lost to a daemon not yet listening). */
int
run_wait_bound(int port, int timeout_ms)
{
	long long	 deadline = run_now_ns() + timeout_ms * 1000000LL;
	char		 line[256];
	unsigned int	 p;
	FILE		*f;
	int		 found = 0;

	while (!found && run_now_ns() < deadline) {
		if ((f = fopen("/proc/self/net/udp", "r")) == NULL) {
			warn("/proc/self/net/udp");
			return -1;
		}
		while (!found && fgets(line, sizeof(line), f) != NULL)
			found = sscanf(line, " %*d: %*x:%x", &p) == 1 &&
			    (int)p == port;
		fclose(f);
		if (!found)
			usleep(20000);
	}
	if (!found)
		warnx("tox-bootstrapd never bound UDP port %d", port);
	return found ? 0 : -1;
}

/* A log to stderr: the bench's /tmp goes when it ends. */
void
run_dump_file(const char *path)
{
	char	 buf[4096];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return;
	fprintf(stderr, "---- %s ----\n", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(f);
}

/* A new identity in dir/profile.tox, without a passphrase. */
int
run_make_profile(const char *dir)
{
	char		 prof[300], out[512], err[512];
	const char	*args[] = { prof, "--no-passphrase", "init", NULL };

	snprintf(prof, sizeof(prof), "--profile=%s/profile.tox", dir);
	if (bh_run(args, NULL, out, sizeof(out), err, sizeof(err)) != 0) {
		warnx("bulkhead init: %s%s", out, err);
		return -1;
	}
	return 0;
}

static int
start_bulkhead(struct nodes *n, struct bhnode *b, const char *dir)
{
	char		 bs[160];
	/* IPv4 only, as the libtoxcore node (and --no-lan, --no-fetch) */
	const char	*args[] = { bs, "--no-ipv6", NULL };

	snprintf(bs, sizeof(bs), "--bootstrap=" BENCH_ADDR ":%d:%s",
	    BSD_PORT, n->bsd.key);
	b->t0 = run_now_ns();
	if (bh_start_dir(&b->bh, dir, args) == -1) {
		warn("starting bulkhead");
		return -1;
	}
	b->up = 1;
	return 0;
}

static int
start_toxnode(struct nodes *n, struct toxnode *t, const char *dir,
    const char *name)
{
	char	port[16];
	int	p[2], q[2], fd;

	snprintf(port, sizeof(port), "%d", BSD_PORT);
	snprintf(t->log, sizeof(t->log), "%s/%s.log", dir, name);
	if (pipe2(p, O_CLOEXEC) == -1) {
		warn("pipe");
		return -1;
	}
	if (pipe2(q, O_CLOEXEC) == -1) {
		warn("pipe");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	t->t0 = run_now_ns();
	if ((t->pid = fork()) == -1) {
		warn("fork");
		return -1;
	}
	if (t->pid == 0) {
		if ((fd = open(t->log, O_WRONLY | O_CREAT | O_TRUNC,
		    0600)) == -1)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		dup2(q[0], 0);
		dup2(p[1], 3);
		execl(TOXNODE, "toxnode", BENCH_ADDR, port, n->bsd.key, "3",
		    (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	close(q[0]);
	t->out = p[0];
	t->in = q[1];
	return 0;
}

/* Reads one line from a toxnode within timeout_ms; 0, or -1. */
static int
toxnode_line(struct toxnode *t, char *line, size_t sz, int timeout_ms)
{
	struct pollfd	pfd = { .fd = t->out, .events = POLLIN };
	size_t		len = 0;
	ssize_t		r;

	while (len + 1 < sz) {
		if (poll(&pfd, 1, timeout_ms) != 1)
			return -1;
		if ((r = read(t->out, line + len, 1)) != 1)
			return -1;
		if (line[len++] == '\n')
			break;
	}
	line[len] = '\0';
	return 0;
}

/*
 * Reads a toxnode's lines until one starting with want (into line), by
 * deadline (CLOCK_MONOTONIC ns); 0, or -1.  What it says on the way of
 * itself (its address, a loss of UDP) is kept; anything else is not what
 * this repeat waits for and goes.
 */
static int
toxnode_expect(struct toxnode *t, const char *want, char *line, size_t sz,
    long long deadline)
{
	long long	left;

	while ((left = (deadline - run_now_ns()) / 1000000) >= 0) {
		if (toxnode_line(t, line, sz, (int)left) == -1)
			return -1;
		if (strncmp(line, "address ", 8) == 0 &&
		    strlen(line) == 8 + ADDR_HEX + 1)
			memcpy(t->addr, line + 8, ADDR_HEX);
		else if (strncmp(line, "lost udp", 8) == 0)
			t->lost = 1;
		if (strncmp(line, want, strlen(want)) == 0)
			return 0;
	}
	return -1;
}

/*
 * Reads a session's lines until its "dht" event with state "udp" and its
 * "onion" event announced, each timed as it is read (nothing else is read
 * from it meanwhile, so the time is when it came).  0 when on the DHT by
 * the deadline (the announce may be missing: RUN_NOT_MEASURED), else -1.
 */
static int
bulkhead_ready(struct bhnode *b, double *join, double *ann)
{
	long long	 deadline = b->t0 + JOIN_MS * 1000000LL, left;
	const char	*name, *st;
	json_t		*ev;
	int		 udp = 0, announced = 0, keep;

	*ann = RUN_NOT_MEASURED;
	while ((!udp || !announced) &&
	    (left = (deadline - run_now_ns()) / 1000000) > 0) {
		if ((ev = bh_read(&b->bh, (int)left)) == NULL)
			break;
		name = json_string_value(json_object_get(ev, "event"));
		keep = 1;
		if (name != NULL && strcmp(name, "dht") == 0 && !udp) {
			/* the first says "none": not yet, not a loss */
			st = json_string_value(json_object_get(ev, "state"));
			if (st != NULL && strcmp(st, "udp") == 0) {
				udp = 1;
				*join = (double)(run_now_ns() - b->t0) / 1e6;
			}
			keep = 0;
		} else if (name != NULL && strcmp(name, "onion") == 0 &&
		    !announced && json_is_true(json_object_get(ev,
		    "announced"))) {
			announced = 1;
			*ann = (double)(run_now_ns() - b->t0) / 1e6;
			keep = 0;
		}
		if (keep)	/* a later "dht": for both_stayed() */
			json_array_append_new(b->bh.events, ev);
		else
			json_decref(ev);
	}
	if (!udp) {
		warnx("bulkhead did not report the DHT in %d s",
		    JOIN_MS / 1000);
		return -1;
	}
	if (!announced)
		warnx("bulkhead did not announce itself in %d s",
		    JOIN_MS / 1000);
	return 0;
}

static int
libtoxcore_ready(struct toxnode *t, double *ms)
{
	char		line[LINE_MAX_TOX];
	long long	when;

	if (toxnode_expect(t, "ready udp", line, sizeof(line),
	    t->t0 + JOIN_MS * 1000000LL) == -1 ||
	    sscanf(line, "ready udp %lld", &when) != 1) {
		warnx("the libtoxcore node did not report UDP in %d s",
		    JOIN_MS / 1000);
		return -1;
	}
	*ms = (double)(when - t->t0) / 1e6;
	if (t->addr[0] == '\0') {
		warnx("the libtoxcore node did not say its address");
		return -1;
	}
	return 0;
}

/* bulkhead as libtoxcore: with the identity of an unlocked profile, whose
 * Tox ID goes in b->addr. */
static int
bulkhead_unlocked(struct bhnode *b)
{
	json_t		*r = bh_cmd(&b->bh, "{\"cmd\":\"profile\"}", 15000);
	const char	*a;
	int		 ok = json_is_true(json_object_get(r, "unlocked"));

	json_decref(r);
	if (!ok) {
		warnx("bulkhead's profile is not unlocked");
		return -1;
	}
	r = bh_cmd(&b->bh, "{\"cmd\":\"id\"}", 15000);
	a = json_string_value(json_object_get(r, "address"));
	if (a == NULL || strlen(a) != ADDR_HEX) {
		warnx("bulkhead did not say its Tox ID");
		json_decref(r);
		return -1;
	}
	memcpy(b->addr, a, ADDR_HEX + 1);
	json_decref(r);
	return 0;
}

/* Every role the supervisor names in `status` is in the set we measure. */
static int
bulkhead_roles_in(struct bhnode *b, const struct procset *s)
{
	json_t	*st, *roles, *e;
	size_t	 i;
	pid_t	 pid;
	int	 rc = 0;

	if ((st = bh_cmd(&b->bh, "{\"cmd\":\"status\"}", 15000)) == NULL) {
		warnx("bulkhead: no reply to status");
		return -1;
	}
	roles = json_object_get(st, "roles");
	if (json_array_size(roles) == 0)
		rc = -1;
	json_array_foreach(roles, i, e) {
		pid = (pid_t)json_integer_value(json_object_get(e, "pid"));
		if (pid <= 0)	/* not running: fetchd, with --no-fetch */
			continue;
		if (!procset_has(s, pid)) {
			warnx("bulkhead's %s (pid %d) is not under pid %d",
			    json_string_value(json_object_get(e, "role")),
			    (int)pid, (int)b->bh.pid);
			rc = -1;
		}
	}
	json_decref(st);
	return rc;
}

/* Neither side may have left the DHT in the window: its figures would
 * not be those of a node on the DHT. */
static int
both_stayed(struct nodes *n)
{
	const char	*st;
	json_t		*ev;
	char		 line[LINE_MAX_TOX];
	int		 rc = 0;

	while ((ev = bh_event(&n->bh[0].bh, "dht", 200)) != NULL) {
		st = json_string_value(json_object_get(ev, "state"));
		if (st == NULL || strcmp(st, "udp") != 0) {
			warnx("bulkhead reported the DHT \"%s\" in the idle "
			    "window", st ? st : "?");
			rc = -1;
		}
		json_decref(ev);
	}
	while (toxnode_line(&n->tox[0], line, sizeof(line), 0) == 0) {
		warnx("the libtoxcore node in the idle window: %s", line);
		rc = -1;
	}
	return rc;
}

static int
measure(struct nodes *n, struct obs o[SIDES])
{
	struct procset	s0[SIDES], s1[SIDES];
	struct cost	c0[SIDES], c1[SIDES];
	long long	t0, t1;
	pid_t		root[SIDES];
	int		i;

	root[SIDE_BULKHEAD] = n->bh[0].bh.pid;
	root[SIDE_LIBTOXCORE] = n->tox[0].pid;
	for (i = 0; i < SIDES; i++)
		if (procset_tree(root[i], &s0[i]) == -1)
			return -1;
	if (bulkhead_roles_in(&n->bh[0], &s0[SIDE_BULKHEAD]) == -1)
		return -1;
	t0 = run_now_ns();
	for (i = 0; i < SIDES; i++)
		if (proc_cost(&s0[i], &c0[i]) == -1)
			return -1;
	run_sleep_until(t0 + RUN_WINDOW_S * 1000000000LL);
	t1 = run_now_ns();
	for (i = 0; i < SIDES; i++)
		if (proc_cost(&s0[i], &c1[i]) == -1)
			return -1;
	for (i = 0; i < SIDES; i++) {
		if (procset_tree(root[i], &s1[i]) == -1 ||
		    proc_pss_kb(&s1[i], &o[i].pss_kb) == -1)
			return -1;
		if (!procset_equal(&s0[i], &s1[i])) {
			warnx("the processes under pid %d changed in the "
			    "idle window (%d, then %d)", (int)root[i],
			    s0[i].n, s1[i].n);
			return -1;
		}
		o[i].window_s = (double)(t1 - t0) / 1e9;
		o[i].idle.cpu_ns = c1[i].cpu_ns - c0[i].cpu_ns;
		o[i].idle.switches = c1[i].switches - c0[i].switches;
		o[i].nproc = s1[i].n;
	}
	return both_stayed(n);
}

/* `add` in a session: the request's start is when the line is written
 * (again while chatd has not had the friend list from keyd yet). */
static int
bulkhead_add(struct bhnode *from, const char *to, long long *when)
{
	char		 line[256];
	const char	*e = NULL;
	json_t		*r;
	int		 ok = 0, tries;

	snprintf(line, sizeof(line), "{\"cmd\":\"add\",\"address\":\"%s\","
	    "\"message\":\"" MESSAGE "\"}", to);
	for (tries = 0; !ok && tries < 100; tries++) {
		if (tries > 0)
			usleep(100000);
		*when = run_now_ns();
		r = bh_cmd(&from->bh, line, 15000);
		ok = json_is_true(json_object_get(r, "ok"));
		e = json_string_value(json_object_get(r, "error"));
		if (!ok && (e == NULL || strstr(e, "not loaded") == NULL)) {
			warnx("bulkhead's add: %s", r == NULL ? "no reply" :
			    e != NULL ? e : "?");
			json_decref(r);
			return -1;
		}
		json_decref(r);
	}
	if (!ok)
		warnx("bulkhead's add: the friend list never loaded");
	return ok ? 0 : -1;
}

/* The node's own time of its tox_friend_add(). */
static int
libtoxcore_add(struct toxnode *from, const char *to)
{
	char	line[2 * ADDR_HEX];
	int	len;

	len = snprintf(line, sizeof(line), "add %s\n", to);
	if (write(from->in, line, (size_t)len) != len) {
		warn("a command to the libtoxcore node");
		return -1;
	}
	return 0;
}

static int
libtoxcore_added(struct toxnode *from, long long *when)
{
	char	line[LINE_MAX_TOX];

	if (toxnode_expect(from, "added ", line, sizeof(line), run_now_ns() +
	    15000 * 1000000LL) == -1 ||
	    sscanf(line, "added %lld", when) != 1) {
		warnx("the libtoxcore node's add: %s", line);
		return -1;
	}
	return 0;
}

/* A friend request from the key pk (hex) reaches a session: when the
 * bench reads its event, the bench waiting on nothing else. */
static int
bulkhead_got(struct bhnode *to, const char *pk, long long *when)
{
	long long	 deadline = run_now_ns() + DELIVER_MS * 1000000LL, left;
	const char	*name, *from;
	json_t		*ev;
	int		 got = 0;

	while (!got && (left = (deadline - run_now_ns()) / 1000000) > 0) {
		if ((ev = bh_read(&to->bh, (int)left)) == NULL)
			break;
		name = json_string_value(json_object_get(ev, "event"));
		from = json_string_value(json_object_get(ev, "public_key"));
		if (name != NULL && strcmp(name, "friend_request") == 0 &&
		    from != NULL && strncasecmp(from, pk, PK_HEX) == 0) {
			*when = run_now_ns();
			got = 1;
			json_decref(ev);
		} else
			json_array_append_new(to->bh.events, ev);
	}
	return got ? 0 : -1;
}

/* ... a libtoxcore node: its callback's own time. */
static int
libtoxcore_got(struct toxnode *to, const char *pk, long long *when)
{
	long long	deadline = run_now_ns() + DELIVER_MS * 1000000LL;
	char		line[LINE_MAX_TOX];

	while (toxnode_expect(to, "request ", line, sizeof(line),
	    deadline) == 0)
		if (strncasecmp(line + 8, pk, PK_HEX) == 0 &&
		    sscanf(line + 8 + PK_HEX, " %lld", when) == 1)
			return 0;
	return -1;
}

/* One request, one pair: into *ms, or a warning and RUN_NOT_MEASURED. */
static void
deliver(struct nodes *n, int from_bh, int from, int to_bh, int to,
    double *ms)
{
	const char	*addr = to_bh ? n->bh[to].addr : n->tox[to].addr;
	const char	*pk = from_bh ? n->bh[from].addr : n->tox[from].addr;
	long long	 t0, t1;
	int		 rc;

	*ms = RUN_NOT_MEASURED;
	if (from_bh)
		rc = bulkhead_add(&n->bh[from], addr, &t0);
	else
		rc = libtoxcore_add(&n->tox[from], addr);
	if (rc == 0)
		rc = to_bh ? bulkhead_got(&n->bh[to], pk, &t1) :
		    libtoxcore_got(&n->tox[to], pk, &t1);
	if (rc == -1)
		warnx("a friend request from %s %d to %s %d: not delivered "
		    "in %d s", from_bh ? "bulkhead" : "libtoxcore", from + 1,
		    to_bh ? "bulkhead" : "libtoxcore", to + 1,
		    DELIVER_MS / 1000);
	/* the node's line was written at its add, before what it sent */
	if (!from_bh && libtoxcore_added(&n->tox[from], &t0) == -1)
		rc = -1;
	if (rc == 0)
		*ms = (double)(t1 - t0) / 1e6;
}

/*
 * A second of each kind, then friend requests one at a time, between
 * keys that have never met (a request repeated between the same two keys
 * is dropped, by both): bulkhead 1 to libtoxcore 1 and libtoxcore 2 to
 * bulkhead 1 across; libtoxcore 1 to 2 and bulkhead 2 to 1 alike.  A
 * pair that cannot be measured is a warning and a gap in the table, not
 * the end of the repeat.
 */
static void
requests(struct nodes *n, const char *dir, struct obs o[SIDES])
{
	char	d2[300];
	double	join, ms;
	int	bh2 = 0, tox2 = 0;

	snprintf(d2, sizeof(d2), "%s/second", dir);
	if (mkdir(d2, 0700) == -1)
		warn("%s", d2);
	else if (run_make_profile(d2) == 0 &&
	    start_bulkhead(n, &n->bh[1], d2) == 0)
		bh2 = 1;
	tox2 = start_toxnode(n, &n->tox[1], dir, "toxnode2") == 0;
	if (bh2 && (bulkhead_ready(&n->bh[1], &join, &ms) == -1 ||
	    ms < 0 || bulkhead_unlocked(&n->bh[1]) == -1))
		bh2 = 0;
	if (tox2 && libtoxcore_ready(&n->tox[1], &ms) == -1)
		tox2 = 0;
	if (!bh2)
		warnx("the second bulkhead is not announced: no bulkhead "
		    "to bulkhead request");
	if (!tox2)
		warnx("the second libtoxcore node is not on the DHT: no "
		    "requests to or from it");
	deliver(n, 1, 0, 0, 0, &o[SIDE_LIBTOXCORE].fr_cross_ms);
	if (tox2) {
		deliver(n, 0, 1, 1, 0, &o[SIDE_BULKHEAD].fr_cross_ms);
		deliver(n, 0, 0, 0, 1, &o[SIDE_LIBTOXCORE].fr_same_ms);
	}
	if (bh2)
		deliver(n, 1, 1, 1, 0, &o[SIDE_BULKHEAD].fr_same_ms);
}

static void
stop_toxnode(struct toxnode *t)
{
	if (t->pid <= 0)
		return;
	kill(t->pid, SIGTERM);
	(void)waitpid(t->pid, NULL, 0);
	close(t->out);
	close(t->in);
}

static void
stop_all(struct nodes *n)
{
	int	i;

	for (i = 0; i < 2; i++) {
		stop_toxnode(&n->tox[i]);
		if (n->bh[i].up)
			bh_stop(&n->bh[i].bh);
	}
	if (n->bsd_up)
		bootstrapd_stop(&n->bsd);
}

int
run_once(const char *dir, int libtoxcore_first, struct obs o[SIDES])
{
	struct nodes	 n;
	struct obs	*b = &o[SIDE_BULKHEAD], *t = &o[SIDE_LIBTOXCORE];
	int		 rc = -1, i;

	memset(&n, 0, sizeof(n));
	memset(o, 0, sizeof(*o) * SIDES);
	for (i = 0; i < SIDES; i++)
		o[i].announce_ms = o[i].fr_cross_ms = o[i].fr_same_ms =
		    RUN_NOT_MEASURED;
	if (run_make_profile(dir) == -1)
		return -1;
	if (bootstrapd_start(&n.bsd, BSD_PORT) == -1) {
		warnx("tox-bootstrapd did not start");
		goto out;
	}
	n.bsd_up = 1;
	if (run_wait_bound(BSD_PORT, 10000) == -1)
		goto out;
	if (libtoxcore_first ? start_toxnode(&n, &n.tox[0], dir,
	    "toxnode") == -1 || start_bulkhead(&n, &n.bh[0], dir) == -1 :
	    start_bulkhead(&n, &n.bh[0], dir) == -1 ||
	    start_toxnode(&n, &n.tox[0], dir, "toxnode") == -1)
		goto out;
	/* the pipe holds the libtoxcore node's own time: read it second */
	if (bulkhead_ready(&n.bh[0], &b->join_ms, &b->announce_ms) == -1 ||
	    libtoxcore_ready(&n.tox[0], &t->join_ms) == -1 ||
	    bulkhead_unlocked(&n.bh[0]) == -1)
		goto out;
	t->announce_ms = t->join_ms;
	run_sleep_until(run_now_ns() + RUN_WARMUP_S * 1000000000LL);
	if ((rc = measure(&n, o)) == 0)
		requests(&n, dir, o);
out:
	stop_all(&n);
	if (rc == -1)
		for (i = 0; i < 2; i++)
			if (n.bh[i].up)
				bh_dump_log(&n.bh[i].bh);
	if (rc == -1)
		for (i = 0; i < 2; i++)
			if (n.tox[i].pid > 0)
				run_dump_file(n.tox[i].log);
	return rc;
}
