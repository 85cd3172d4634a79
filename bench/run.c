/* One repeat of the bench: see run.h. */
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
#define TOXNODE		BUILD_DIR "/bench/toxnode"

const char *const run_ready_by[SIDES] = {
	[SIDE_BULKHEAD] = "its \"dht\" event with state \"udp\" (JSON mode)",
	[SIDE_LIBTOXCORE] = "tox_self_get_connection_status() == "
	    "TOX_CONNECTION_UDP",
};

struct nodes {
	struct bootstrapd	bsd;
	int			bsd_up;
	struct bh		bh;
	int			bh_up;
	long long		bh_t0;
	pid_t			tox;
	int			tox_fd;
	long long		tox_t0;
	char			tox_log[300];	/* its stdout and stderr */
};

static long long
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
sleep_until(long long t)
{
	struct timespec	ts;

	ts.tv_sec = t / 1000000000LL;
	ts.tv_nsec = t % 1000000000LL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

/* 0 once something in this namespace has UDP port bound (so that neither
 * side's first packets are lost to a daemon not yet listening). */
static int
wait_bound(int port, int timeout_ms)
{
	long long	 deadline = now_ns() + timeout_ms * 1000000LL;
	char		 line[256];
	unsigned int	 p;
	FILE		*f;
	int		 found = 0;

	while (!found && now_ns() < deadline) {
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
static void
dump_file(const char *path)
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

static int
make_profile(const char *dir)
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
start_bulkhead(struct nodes *n, const char *dir)
{
	char		 bs[160];
	/* IPv4 only, as the libtoxcore node (and --no-lan, --no-fetch) */
	const char	*args[] = { bs, "--no-ipv6", NULL };

	snprintf(bs, sizeof(bs), "--bootstrap=" BENCH_ADDR ":%d:%s",
	    BSD_PORT, n->bsd.key);
	n->bh_t0 = now_ns();
	if (bh_start_dir(&n->bh, dir, args) == -1) {
		warn("starting bulkhead");
		return -1;
	}
	n->bh_up = 1;
	return 0;
}

static int
start_toxnode(struct nodes *n, const char *dir)
{
	char	port[16];
	int	p[2], fd;

	snprintf(port, sizeof(port), "%d", BSD_PORT);
	snprintf(n->tox_log, sizeof(n->tox_log), "%s/toxnode.log", dir);
	if (pipe2(p, O_CLOEXEC) == -1) {
		warn("pipe");
		return -1;
	}
	n->tox_t0 = now_ns();
	if ((n->tox = fork()) == -1) {
		warn("fork");
		return -1;
	}
	if (n->tox == 0) {
		if ((fd = open(n->tox_log, O_WRONLY | O_CREAT | O_TRUNC,
		    0600)) == -1)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		dup2(p[1], 3);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, 0);
		execl(TOXNODE, "toxnode", BENCH_ADDR, port, n->bsd.key, "3",
		    (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	n->tox_fd = p[0];
	return 0;
}

static int
bulkhead_joined(struct nodes *n, struct obs *o)
{
	long long	 deadline = n->bh_t0 + JOIN_MS * 1000000LL, left;
	const char	*st;
	json_t		*ev;
	int		 udp = 0;

	while (!udp && (left = (deadline - now_ns()) / 1000000) > 0) {
		if ((ev = bh_event(&n->bh, "dht", (int)left)) == NULL)
			break;
		st = json_string_value(json_object_get(ev, "state"));
		udp = st != NULL && strcmp(st, "udp") == 0;
		json_decref(ev);
	}
	if (!udp) {
		warnx("bulkhead did not report the DHT in %d s",
		    JOIN_MS / 1000);
		return -1;
	}
	o->join_ms = (double)(now_ns() - n->bh_t0) / 1e6;
	return 0;
}

/* Reads one line from the toxnode within timeout_ms; 0, or -1. */
static int
toxnode_line(struct nodes *n, char *line, size_t sz, int timeout_ms)
{
	struct pollfd	pfd = { .fd = n->tox_fd, .events = POLLIN };
	size_t		len = 0;
	ssize_t		r;

	while (len + 1 < sz) {
		if (poll(&pfd, 1, timeout_ms) != 1)
			return -1;
		if ((r = read(n->tox_fd, line + len, 1)) != 1)
			return -1;
		if (line[len++] == '\n')
			break;
	}
	line[len] = '\0';
	return 0;
}

static int
libtoxcore_joined(struct nodes *n, struct obs *o)
{
	long long	left = n->tox_t0 + JOIN_MS * 1000000LL - now_ns(), t;
	char		line[64];

	if (left < 0)
		left = 0;
	if (toxnode_line(n, line, sizeof(line), (int)(left / 1000000)) == -1 ||
	    sscanf(line, "ready udp %lld", &t) != 1) {
		warnx("the libtoxcore node did not report UDP in %d s",
		    JOIN_MS / 1000);
		return -1;
	}
	o->join_ms = (double)(t - n->tox_t0) / 1e6;
	return 0;
}

/* bulkhead as libtoxcore: with the identity of an unlocked profile. */
static int
bulkhead_unlocked(struct nodes *n)
{
	json_t	*r = bh_cmd(&n->bh, "{\"cmd\":\"profile\"}", 15000);
	int	 ok = json_is_true(json_object_get(r, "unlocked"));

	json_decref(r);
	if (!ok)
		warnx("bulkhead's profile is not unlocked");
	return ok ? 0 : -1;
}

/* Every role the supervisor names in `status` is in the set we measure. */
static int
bulkhead_roles_in(struct nodes *n, const struct procset *s)
{
	json_t	*st, *roles, *e;
	size_t	 i;
	pid_t	 pid;
	int	 rc = 0;

	if ((st = bh_cmd(&n->bh, "{\"cmd\":\"status\"}", 15000)) == NULL) {
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
			    (int)pid, (int)n->bh.pid);
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
	char		 line[64];
	int		 rc = 0;

	while ((ev = bh_event(&n->bh, "dht", 200)) != NULL) {
		st = json_string_value(json_object_get(ev, "state"));
		if (st == NULL || strcmp(st, "udp") != 0) {
			warnx("bulkhead reported the DHT \"%s\" in the idle "
			    "window", st ? st : "?");
			rc = -1;
		}
		json_decref(ev);
	}
	if (toxnode_line(n, line, sizeof(line), 0) == 0) {
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

	root[SIDE_BULKHEAD] = n->bh.pid;
	root[SIDE_LIBTOXCORE] = n->tox;
	for (i = 0; i < SIDES; i++)
		if (procset_tree(root[i], &s0[i]) == -1)
			return -1;
	if (bulkhead_roles_in(n, &s0[SIDE_BULKHEAD]) == -1)
		return -1;
	t0 = now_ns();
	for (i = 0; i < SIDES; i++)
		if (proc_cost(&s0[i], &c0[i]) == -1)
			return -1;
	sleep_until(t0 + RUN_WINDOW_S * 1000000000LL);
	t1 = now_ns();
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

static void
stop_all(struct nodes *n)
{
	if (n->tox > 0) {
		kill(n->tox, SIGTERM);
		(void)waitpid(n->tox, NULL, 0);
		close(n->tox_fd);
	}
	if (n->bh_up)
		bh_stop(&n->bh);
	if (n->bsd_up)
		bootstrapd_stop(&n->bsd);
}

int
run_once(const char *dir, int libtoxcore_first, struct obs o[SIDES])
{
	struct nodes	n;
	int		rc = -1;

	memset(&n, 0, sizeof(n));
	memset(o, 0, sizeof(*o) * SIDES);
	if (make_profile(dir) == -1)
		return -1;
	if (bootstrapd_start(&n.bsd, BSD_PORT) == -1) {
		warnx("tox-bootstrapd did not start");
		goto out;
	}
	n.bsd_up = 1;
	if (wait_bound(BSD_PORT, 10000) == -1)
		goto out;
	if (libtoxcore_first ?
	    start_toxnode(&n, dir) == -1 || start_bulkhead(&n, dir) == -1 :
	    start_bulkhead(&n, dir) == -1 || start_toxnode(&n, dir) == -1)
		goto out;
	/* the pipe holds the libtoxcore node's own time: read it second */
	if (bulkhead_joined(&n, &o[SIDE_BULKHEAD]) == -1 ||
	    libtoxcore_joined(&n, &o[SIDE_LIBTOXCORE]) == -1 ||
	    bulkhead_unlocked(&n) == -1)
		goto out;
	sleep_until(now_ns() + RUN_WARMUP_S * 1000000000LL);
	rc = measure(&n, o);
out:
	stop_all(&n);
	if (rc == -1 && n.bh_up)
		bh_dump_log(&n.bh);
	if (rc == -1 && n.tox > 0)
		dump_file(n.tox_log);
	return rc;
}
