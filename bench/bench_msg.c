/* Issue 10's figures: see bench_msg.h. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench_msg.h"
#include "bench/netns.h"
#include "tests/lib/bh.h"
#include "tests/lib/bh_watch.h"
#include "tests/lib/bootstrapd.h"

#define BSD_PORT	33445
#define BSD_TCP		33446	/* its TCP relay, for msg_once_tcp */
#define TOXNODE		BUILD_DIR "/bench/toxnode"
#define TOXFARM		BUILD_DIR "/bench/toxfarm"
#define ADDR_HEX	76
#define PK_HEX		64
#define FR_MAX		(MSG_FRIENDS_MAX + 8)
#define NODES		4	/* bulkhead A, B; libtoxcore X, Y */
#define T_READY		120000	/* deadlines, never figures */
#define T_FRIENDS	180000
#define T_PINGS		120000
#define T_BURST		180000
#define T_FARM		300000
#define WARMUP_S	MSG_WARMUP_S
#define WINDOW_S	MSG_WINDOW_S
#define BURST_WINDOW	128	/* sends a session has unanswered */

const char *const msg_online_by[SIDES] = {
	[SIDE_BULKHEAD] = "its \"friend_connection\" event with \"udp\", as "
	    "the bench reads it",
	[SIDE_LIBTOXCORE] = "its friend connection callback with "
	    "TOX_CONNECTION_UDP, timed in the node",
};
const char *const msg_echo_by[SIDES] = {
	[SIDE_BULKHEAD] = "the bench, on reading the \"message\" event, "
	    "writes a `send` of its text (as a script would)",
	[SIDE_LIBTOXCORE] = "the node's message callback calls "
	    "tox_friend_send_message() with its text",
};

/* A friend as a node last reported it. */
struct fr {
	char		pk[PK_HEX + 1];
	long		num;		/* the node's number for it */
	int		online;		/* tcp or udp */
	int		udp;
	long long	udp_at;		/* when it last became udp */
};

/* A node of either kind and what its lines said. */
struct node {
	int		 kind;		/* SIDE_* */
	const char	*name;
	int		 up;
	long long	 t0;		/* its start */
	char		 addr[ADDR_HEX + 1];
	/* bulkhead */
	struct bh	 bh;
	char		 dir[300];
	int		 ready;		/* on the DHT (and announced) */
	/* libtoxcore */
	pid_t		 pid;
	int		 out, in;
	char		 buf[8192];
	size_t		 len;
	char		 log[300], save[300];
	int		 saved;
	/* both */
	struct fr	 fr[FR_MAX];
	int		 nfr;
	int		 echo;
	/* a bulkhead ping, timed by the bench */
	char		 ping_pk[PK_HEX + 1], ping_text[32];
	int		 ping_left, ping_seq;
	long long	 ping_t0;
	/* round trips (either kind), a burst's length */
	double		 rtt[MSG_PINGS];
	int		 nrtt;
	char		 burst_pk[PK_HEX + 1];
	int		 burst_n, burst_got, burst_sent, burst_replied;
	long long	 burst_t0, burst_ns;
	int		 errors;
};

struct net {
	struct bootstrapd	bsd;
	int			bsd_up;
	struct node		n[NODES];	/* A, B, X, Y */
	pid_t			farm_pid;
	int			farm_out;
	char			farm_buf[1024];
	size_t			farm_len;
	int			farm_online;
	char			farm_log[300];
};

enum { A, B, X, Y };

/* msg_once_tcp: no UDP anywhere; "online" is then "tcp". */
static int	tcp_mode;
#define CONN	(tcp_mode ? "tcp" : "udp")

static struct fr *
fr_get(struct node *nd, const char *pk)
{
	int	i;

	for (i = 0; i < nd->nfr; i++)
		if (strncasecmp(nd->fr[i].pk, pk, PK_HEX) == 0)
			return &nd->fr[i];
	if (nd->nfr == FR_MAX || strlen(pk) < PK_HEX)
		return NULL;
	memset(&nd->fr[nd->nfr], 0, sizeof(nd->fr[0]));
	memcpy(nd->fr[nd->nfr].pk, pk, PK_HEX);
	nd->fr[nd->nfr].num = -1;
	return &nd->fr[nd->nfr++];
}

static int
n_online(const struct node *nd)
{
	int	i, k = 0;

	for (i = 0; i < nd->nfr; i++)
		k += nd->fr[i].online;
	return k;
}

/* a has b online over UDP */
static int
has_udp(struct node *a, struct node *b)
{
	struct fr	*f = fr_get(a, b->addr);

	return f != NULL && f->udp;
}

/* One command line to a session, its reply read (and checked) later. */
static void
bh_put(struct node *nd, json_t *req)
{
	char	*s = json_dumps(req, JSON_COMPACT);
	size_t	 len;

	json_decref(req);
	if (s == NULL)
		return;
	len = strlen(s);
	s[len] = '\n';	/* json_dumps leaves room for its NUL only */
	if (write(nd->bh.in, s, len + 1) != (ssize_t)(len + 1))
		nd->errors++;
	free(s);
}

static void
tox_put(struct node *nd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tox_put(struct node *nd, const char *fmt, ...)
{
	char	line[256];
	va_list	ap;
	int	len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len <= 0 || len >= (int)sizeof(line) ||
	    write(nd->in, line, (size_t)len) != len)
		nd->errors++;
}

static void
ping_next(struct node *nd)
{
	snprintf(nd->ping_text, sizeof(nd->ping_text), "ping %d",
	    nd->ping_seq++);
	nd->ping_t0 = run_now_ns();
	bh_put(nd, json_pack("{s:s, s:s, s:s}", "cmd", "send", "friend",
	    nd->ping_pk, "text", nd->ping_text));
}

/*
 * A burst's next sends while fewer than BURST_WINDOW are unanswered: the
 * frontend refuses a request with more than CHAN_MAX_CALLS (256) of its
 * own to chatd in flight, as "chatd is not available".
 */
static void
burst_fill(struct node *nd)
{
	char	text[32];

	while (nd->burst_sent < MSG_BURST &&
	    nd->burst_sent - nd->burst_replied < BURST_WINDOW) {
		snprintf(text, sizeof(text), "burst %d of %d", nd->burst_sent,
		    MSG_BURST);
		bh_put(nd, json_pack("{s:s, s:s, s:s}", "cmd", "send",
		    "friend", nd->burst_pk, "text", text));
		nd->burst_sent++;
	}
}

/* One of a session's lines. */
static void
bh_line(struct node *nd, json_t *j)
{
	const char	*ev = json_string_value(json_object_get(j, "event"));
	const char	*pk = json_string_value(json_object_get(j,
			    "public_key"));
	const char	*s, *text;
	struct fr	*f;
	long long	 now = run_now_ns();

	if (ev == NULL) {	/* a reply */
		s = json_string_value(json_object_get(j, "reply"));
		if (s != NULL && strcmp(s, "send") == 0 &&
		    nd->burst_sent > nd->burst_replied) {
			nd->burst_replied++;
			burst_fill(nd);
		}
		if (json_object_get(j, "reply") != NULL &&
		    !json_is_true(json_object_get(j, "ok"))) {
			s = json_string_value(json_object_get(j, "error"));
			warnx("%s: %s refused: %s", nd->name,
			    json_string_value(json_object_get(j, "reply")),
			    s != NULL ? s : "?");
			nd->errors++;
		}
		return;
	}
	if (strcmp(ev, "dht") == 0 && !nd->ready) {
		/* "ready" waits for the onion below */
	} else if (strcmp(ev, "onion") == 0 &&
	    json_is_true(json_object_get(j, "announced")))
		nd->ready = 1;
	else if (strcmp(ev, "friend_request") == 0 && pk != NULL)
		bh_put(nd, json_pack("{s:s, s:s}", "cmd", "accept",
		    "public_key", pk));
	else if (strcmp(ev, "friend_connection") == 0 && pk != NULL &&
	    (f = fr_get(nd, pk)) != NULL) {
		s = json_string_value(json_object_get(j, "connection"));
		f->num = (long)json_integer_value(json_object_get(j,
		    "friend"));
		f->online = s != NULL && strcmp(s, "none") != 0;
		if (!f->udp && s != NULL && strcmp(s, CONN) == 0)
			f->udp_at = now;
		f->udp = s != NULL && strcmp(s, CONN) == 0;
	} else if (strcmp(ev, "message") == 0 && pk != NULL) {
		text = json_string_value(json_object_get(j, "text"));
		if (text == NULL)
			return;
		if (nd->ping_left > 0 &&
		    strncasecmp(pk, nd->ping_pk, PK_HEX) == 0 &&
		    strcmp(text, nd->ping_text) == 0) {
			nd->rtt[nd->nrtt++] = (double)(now - nd->ping_t0) /
			    1e6;
			if (--nd->ping_left > 0)
				ping_next(nd);
		} else if (nd->echo)
			bh_put(nd, json_pack("{s:s, s:s, s:s}", "cmd", "send",
			    "friend", pk, "text", text));
	} else if (strcmp(ev, "receipt") == 0 && pk != NULL &&
	    nd->burst_n > 0 && strncasecmp(pk, nd->burst_pk, PK_HEX) == 0 &&
	    ++nd->burst_got == nd->burst_n) {
		nd->burst_ns = now - nd->burst_t0;
		nd->burst_n = 0;
	}
}

/* One of a toxnode's lines (toxnode.c). */
static void
tox_line(struct node *nd, char *line)
{
	char		 pk[PK_HEX + 1], state[8];
	struct fr	*f;
	long long	 t;
	long		 num;

	if (strncmp(line, "address ", 8) == 0 &&
	    strlen(line) == 8 + ADDR_HEX)
		memcpy(nd->addr, line + 8, ADDR_HEX + 1);
	else if (strncmp(line, "ready udp", 9) == 0)
		nd->ready = 1;
	else if (strcmp(line, "saved") == 0)
		nd->saved = 1;
	else if (sscanf(line, "friend %ld %64s %7s %lld", &num, pk, state,
	    &t) == 4 && (f = fr_get(nd, pk)) != NULL) {
		f->num = num;
		f->online = strcmp(state, "none") != 0;
		if (!f->udp && strcmp(state, CONN) == 0)
			f->udp_at = t;
		f->udp = strcmp(state, CONN) == 0;
	} else if (sscanf(line, "rtt %lld", &t) == 1) {
		if (nd->nrtt < MSG_PINGS)
			nd->rtt[nd->nrtt++] = (double)t / 1e6;
	} else if (sscanf(line, "burst %lld", &t) == 1)
		nd->burst_ns = t;
	else if (strncmp(line, "error", 5) == 0) {
		warnx("%s: %s", nd->name, line);
		nd->errors++;
	}
}

/* Whole lines out of buf[0..*len), each to fn; the rest kept. */
static void
lines(char *buf, size_t *len, size_t size, void (*fn)(void *, char *),
    void *arg)
{
	char	*nl;
	size_t	 used;

	while ((nl = memchr(buf, '\n', *len)) != NULL) {
		*nl = '\0';
		fn(arg, buf);
		used = (size_t)(nl - buf) + 1;
		memmove(buf, buf + used, *len - used);
		*len -= used;
	}
	if (*len == size)	/* a line too long: not one of ours */
		*len = 0;
}

static void
tox_line_cb(void *arg, char *line)
{
	tox_line(arg, line);
}

static void
farm_line_cb(void *arg, char *line)
{
	struct net	*n = arg;
	int		 k;

	if (sscanf(line, "online %d", &k) == 1)
		n->farm_online = k;
}

/* What a session has printed and the bench has not handled yet. */
static void
bh_drain(struct node *nd)
{
	json_t	*j;

	while (json_array_size(nd->bh.events) > 0) {
		j = json_incref(json_array_get(nd->bh.events, 0));
		json_array_remove(nd->bh.events, 0);
		bh_line(nd, j);
		json_decref(j);
	}
	while ((j = bh_read(&nd->bh, 0)) != NULL) {
		bh_line(nd, j);
		json_decref(j);
	}
}

/* Waits up to timeout_ms for output from any node, then handles all. */
static void
pump(struct net *n, int timeout_ms)
{
	struct pollfd	 pfd[NODES + 1];
	struct node	*nd;
	ssize_t		 r;
	int		 i;

	for (i = 0; i < NODES; i++) {
		nd = &n->n[i];
		pfd[i].fd = !nd->up ? -1 : nd->kind == SIDE_BULKHEAD ?
		    nd->bh.out : nd->out;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
		if (nd->up && nd->kind == SIDE_BULKHEAD)
			bh_drain(nd);
	}
	pfd[NODES].fd = n->farm_pid > 0 ? n->farm_out : -1;
	pfd[NODES].events = POLLIN;
	pfd[NODES].revents = 0;
	if (poll(pfd, NODES + 1, timeout_ms) <= 0)
		return;
	for (i = 0; i < NODES; i++) {
		nd = &n->n[i];
		if (!(pfd[i].revents & (POLLIN | POLLHUP)))
			continue;
		if (nd->kind == SIDE_BULKHEAD) {
			r = read(nd->bh.out, nd->bh.buf + nd->bh.len,
			    sizeof(nd->bh.buf) - nd->bh.len);
			if (r > 0)
				nd->bh.len += (size_t)r;
			bh_drain(nd);
		} else {
			r = read(nd->out, nd->buf + nd->len,
			    sizeof(nd->buf) - nd->len);
			if (r > 0) {
				nd->len += (size_t)r;
				lines(nd->buf, &nd->len, sizeof(nd->buf),
				    tox_line_cb, nd);
			}
		}
		if (r <= 0 && (r == 0 || errno != EINTR)) {
			warnx("%s ended", nd->name);
			nd->up = 0;
		}
	}
	if (pfd[NODES].revents & (POLLIN | POLLHUP)) {
		r = read(n->farm_out, n->farm_buf + n->farm_len,
		    sizeof(n->farm_buf) - n->farm_len);
		if (r > 0) {
			n->farm_len += (size_t)r;
			lines(n->farm_buf, &n->farm_len, sizeof(n->farm_buf),
			    farm_line_cb, n);
		} else
			n->farm_pid = -n->farm_pid;	/* ended: still reap */
	}
}

/* Pumps until done(n) or timeout_ms: done's last answer. */
static int
run_until(struct net *n, int (*done)(struct net *), int timeout_ms)
{
	long long	deadline = run_now_ns() + timeout_ms * 1000000LL;
	long long	left;

	while (!done(n)) {
		if ((left = (deadline - run_now_ns()) / 1000000) <= 0)
			return 0;
		pump(n, (int)(left < 1000 ? left : 1000));
	}
	return 1;
}

static int
never(struct net *n)
{
	(void)n;
	return 0;
}

static int
start_bh(struct net *n, struct node *nd)
{
	char		 bs[160], relay[160];
	const char	*args[] = { bs, "--no-ipv6", NULL, NULL, NULL };

	snprintf(bs, sizeof(bs), "--bootstrap=" BENCH_ADDR ":%d:%s",
	    BSD_PORT, n->bsd.key);
	snprintf(relay, sizeof(relay), "--tcp-relay=" BENCH_ADDR ":%d:%s",
	    BSD_TCP, n->bsd.key);
	if (tcp_mode) {
		args[2] = "--no-udp";
		args[3] = relay;
	}
	nd->t0 = run_now_ns();
	if (bh_start_dir(&nd->bh, nd->dir, args) == -1) {
		warn("starting %s", nd->name);
		return -1;
	}
	nd->up = 1;
	return 0;
}

static int
start_tox(struct net *n, struct node *nd)
{
	char	port[16];
	int	p[2], q[2], fd;

	snprintf(port, sizeof(port), "%d", BSD_PORT);
	if (pipe2(p, O_CLOEXEC) == -1 || pipe2(q, O_CLOEXEC) == -1) {
		warn("pipe");
		return -1;
	}
	nd->t0 = run_now_ns();
	if ((nd->pid = fork()) == -1) {
		warn("fork");
		return -1;
	}
	if (nd->pid == 0) {
		if ((fd = open(nd->log, O_WRONLY | O_CREAT | O_APPEND,
		    0600)) == -1)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		dup2(q[0], 0);
		dup2(p[1], 3);
		if (tcp_mode) {
			char	tp[16];

			snprintf(tp, sizeof(tp), "%d", BSD_TCP);
			setenv("TOXNODE_TCP_RELAY", tp, 1);
		}
		execl(TOXNODE, "toxnode", BENCH_ADDR, port, n->bsd.key, "3",
		    nd->save, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	close(q[0]);
	nd->out = p[0];
	nd->in = q[1];
	nd->up = 1;
	return 0;
}

static int
start_node(struct net *n, struct node *nd)
{
	nd->ready = nd->saved = nd->nfr = nd->len = 0;
	return nd->kind == SIDE_BULKHEAD ? start_bh(n, nd) : start_tox(n, nd);
}

static void
stop_node(struct node *nd)
{
	if (nd->kind == SIDE_BULKHEAD) {
		if (nd->up || nd->bh.pid > 0)
			bh_stop(&nd->bh);
		memset(&nd->bh, 0, sizeof(nd->bh));
	} else if (nd->pid > 0) {
		kill(nd->pid, SIGTERM);
		(void)waitpid(nd->pid, NULL, 0);
		close(nd->out);
		close(nd->in);
		nd->pid = 0;
	}
	nd->up = 0;
}

/* Every node up and on the DHT (bulkhead: announced too). */
static int
all_ready(struct net *n)
{
	int	i;

	for (i = 0; i < NODES; i++)
		if (!n->n[i].up || !n->n[i].ready)
			return 0;
	return 1;
}

/* The pairs and the cross friendship A-X over UDP, both ways. */
static int
pairs_udp(struct net *n)
{
	struct node	*a = &n->n[A], *b = &n->n[B], *x = &n->n[X],
			*y = &n->n[Y];

	return has_udp(a, b) && has_udp(b, a) && has_udp(x, y) &&
	    has_udp(y, x);
}

static int
all_udp(struct net *n)
{
	return pairs_udp(n) && has_udp(&n->n[A], &n->n[X]) &&
	    has_udp(&n->n[X], &n->n[A]);
}

static int
saved(struct net *n)
{
	return n->n[X].saved && n->n[Y].saved;
}

static void
dump_all(struct net *n)
{
	int	i;

	for (i = 0; i < NODES; i++)
		if (n->n[i].kind == SIDE_BULKHEAD && n->n[i].bh.pid > 0)
			bh_dump_log(&n->n[i].bh);
		else if (n->n[i].kind == SIDE_LIBTOXCORE)
			run_dump_file(n->n[i].log);
}

/* Fresh identities, made friends (A-B, X-Y, A-X), saved and stopped. */
static int
befriend(struct net *n)
{
	struct node	*a = &n->n[A], *b = &n->n[B], *x = &n->n[X];
	int		 i;

	for (i = 0; i < NODES; i++)
		if (start_node(n, &n->n[i]) == -1)
			return -1;
	if (!run_until(n, all_ready, T_READY)) {
		warnx("not every node joined and announced in %d s",
		    T_READY / 1000);
		return -1;
	}
	for (i = A; i <= B; i++)
		if (bh_address(&n->n[i].bh, n->n[i].addr, 15000) == -1) {
			warnx("%s did not say its Tox ID", n->n[i].name);
			return -1;
		}
	tox_put(&n->n[X], "autoaccept\n");
	tox_put(&n->n[Y], "autoaccept\n");
	bh_put(a, json_pack("{s:s, s:s, s:s}", "cmd", "add", "address",
	    b->addr, "message", "bench"));
	bh_put(a, json_pack("{s:s, s:s, s:s}", "cmd", "add", "address",
	    x->addr, "message", "bench"));
	tox_put(x, "add %s\n", n->n[Y].addr);
	if (!run_until(n, all_udp, T_FRIENDS)) {
		warnx("the friends were not all online over UDP in %d s",
		    T_FRIENDS / 1000);
		return -1;
	}
	tox_put(x, "save\n");
	tox_put(&n->n[Y], "save\n");
	if (!run_until(n, saved, 15000)) {
		warnx("the libtoxcore nodes did not save");
		return -1;
	}
	for (i = 0; i < NODES; i++)
		stop_node(&n->n[i]);
	return 0;
}

/* All four again, from what they saved: when each pair had the other
 * online, from the earlier of the pair's two starts. */
static int
restart(struct net *n, int libtoxcore_first, struct obs o[SIDES])
{
	static const int	 order[2][NODES] = { { A, B, X, Y },
				    { X, Y, A, B } };
	struct node		*p, *q;
	long long		 t0, t1;
	int			 i, s;

	for (i = 0; i < NODES; i++)
		if (start_node(n, &n->n[order[libtoxcore_first][i]]) == -1)
			return -1;
	if (!run_until(n, pairs_udp, T_FRIENDS)) {
		warnx("after the restart, a pair was not online in %d s",
		    T_FRIENDS / 1000);
		return -1;
	}
	for (s = 0; s < SIDES; s++) {
		p = &n->n[s == SIDE_BULKHEAD ? A : X];
		q = &n->n[s == SIDE_BULKHEAD ? B : Y];
		t0 = p->t0 < q->t0 ? p->t0 : q->t0;
		t1 = fr_get(p, q->addr)->udp_at;
		if (fr_get(q, p->addr)->udp_at > t1)
			t1 = fr_get(q, p->addr)->udp_at;
		o[s].online_ms = (double)(t1 - t0) / 1e6;
	}
	/* the cross friendship too, for the mixed round trips */
	if (!run_until(n, all_udp, T_FRIENDS))
		warnx("after the restart, A and X were not online");
	return 0;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile (nearest rank) of v[0..n), sorted here. */
static double
percentile(double *v, int n, int p)
{
	int	k;

	qsort(v, (size_t)n, sizeof(*v), dbl_cmp);
	k = (p * n + 99) / 100;
	return v[k < 1 ? 0 : k - 1];
}

static struct node	*pinger;

static int
pings_done(struct net *n)
{
	(void)n;
	return pinger->nrtt >= MSG_PINGS || !pinger->up;
}

/* MSG_PINGS round trips from -> to (to echoes): p50 and p99 in ms. */
static void
pings(struct net *n, struct node *from, struct node *to, double *p50,
    double *p99)
{
	struct fr	*f;

	*p50 = *p99 = RUN_NOT_MEASURED;
	from->nrtt = 0;
	if (to->kind == SIDE_BULKHEAD)
		to->echo = 1;
	else
		tox_put(to, "echo 1\n");
	if (from->kind == SIDE_BULKHEAD) {
		memcpy(from->ping_pk, to->addr, PK_HEX);
		from->ping_pk[PK_HEX] = '\0';
		from->ping_left = MSG_PINGS;
		ping_next(from);
	} else if ((f = fr_get(from, to->addr)) != NULL && f->num >= 0)
		tox_put(from, "ping %ld %d\n", f->num, MSG_PINGS);
	pinger = from;
	if (!run_until(n, pings_done, T_PINGS) || from->nrtt < MSG_PINGS)
		warnx("%s -> %s: %d of %d round trips in %d s", from->name,
		    to->name, from->nrtt, MSG_PINGS, T_PINGS / 1000);
	else {
		*p50 = percentile(from->rtt, from->nrtt, 50);
		*p99 = percentile(from->rtt, from->nrtt, 99);
	}
	from->ping_left = 0;
	if (to->kind == SIDE_BULKHEAD)
		to->echo = 0;
	else
		tox_put(to, "echo 0\n");
	run_until(n, never, 500);	/* late echoes go by */
}

static struct node	*burster;

static int
burst_done(struct net *n)
{
	(void)n;
	return burster->burst_ns > 0 || !burster->up;
}

/* MSG_BURST messages from -> to back to back: messages/s until the last
 * receipt (the sender's report of it). */
static double
burst(struct net *n, struct node *from, struct node *to)
{
	struct fr	*f;

	from->burst_ns = 0;
	if (from->kind == SIDE_BULKHEAD) {
		memcpy(from->burst_pk, to->addr, PK_HEX);
		from->burst_pk[PK_HEX] = '\0';
		from->burst_got = from->burst_sent = from->burst_replied = 0;
		from->burst_n = MSG_BURST;
		from->burst_t0 = run_now_ns();
		burst_fill(from);
	} else if ((f = fr_get(from, to->addr)) != NULL && f->num >= 0)
		tox_put(from, "burst %ld %d\n", f->num, MSG_BURST);
	burster = from;
	if (!run_until(n, burst_done, T_BURST) || from->burst_ns <= 0) {
		warnx("%s -> %s: the burst's receipts did not all come in "
		    "%d s", from->name, to->name, T_BURST / 1000);
		from->burst_n = 0;
		return RUN_NOT_MEASURED;
	}
	return MSG_BURST / ((double)from->burst_ns / 1e9);
}

static int	farm_want;

static int
farm_online(struct net *n)
{
	return n_online(&n->n[A]) >= farm_want + 2 &&
	    n_online(&n->n[X]) >= farm_want + 2;
}

static int
start_farm(struct net *n, int count)
{
	char	port[16], cnt[16];
	int	p[2], fd;

	snprintf(port, sizeof(port), "%d", BSD_PORT);
	snprintf(cnt, sizeof(cnt), "%d", count);
	if (pipe2(p, O_CLOEXEC) == -1) {
		warn("pipe");
		return -1;
	}
	if ((n->farm_pid = fork()) == -1) {
		warn("fork");
		return -1;
	}
	if (n->farm_pid == 0) {
		if ((fd = open(n->farm_log, O_WRONLY | O_CREAT | O_TRUNC,
		    0600)) == -1)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		dup2(p[1], 3);
		execl(TOXFARM, "toxfarm", BENCH_ADDR, port, n->bsd.key, "3",
		    cnt, n->n[A].addr, n->n[X].addr, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	n->farm_out = p[0];
	return 0;
}

/*
 * count libtoxcore friends more for A and X; once they are online, a
 * warm-up, then a window in which A's processes and X's are measured.
 */
static void
busy(struct net *n, int count, struct obs o[SIDES])
{
	struct procset	s0[SIDES], s1[SIDES];
	struct cost	c0[SIDES], c1[SIDES];
	long long	t0, t1;
	pid_t		root[SIDES] = { n->n[A].bh.pid, n->n[X].pid };
	int		i;

	farm_want = count;
	tox_put(&n->n[X], "autoaccept\n");	/* a flag of the process */
	if (start_farm(n, count) == -1)
		return;
	if (!run_until(n, farm_online, T_FARM))
		warnx("of %d friends more, A had %d online and X %d in %d s: "
		    "measured so", count, n_online(&n->n[A]) - 2,
		    n_online(&n->n[X]) - 2, T_FARM / 1000);
	run_until(n, never, WARMUP_S * 1000);
	o[SIDE_BULKHEAD].busy_friends = n_online(&n->n[A]);
	o[SIDE_LIBTOXCORE].busy_friends = n_online(&n->n[X]);
	for (i = 0; i < SIDES; i++)
		if (procset_tree(root[i], &s0[i]) == -1 ||
		    proc_cost(&s0[i], &c0[i]) == -1)
			return;
	t0 = run_now_ns();
	/* reading their lines as they come (few): nothing else */
	run_until(n, never, WINDOW_S * 1000);
	t1 = run_now_ns();
	for (i = 0; i < SIDES; i++)
		if (proc_cost(&s0[i], &c1[i]) == -1 ||
		    procset_tree(root[i], &s1[i]) == -1 ||
		    proc_pss_kb(&s1[i], &o[i].busy_pss_kb) == -1)
			return;
	for (i = 0; i < SIDES; i++) {
		if (!procset_equal(&s0[i], &s1[i])) {
			warnx("the processes under pid %d changed in the "
			    "window", (int)root[i]);
			continue;
		}
		o[i].busy_window_s = (double)(t1 - t0) / 1e9;
		o[i].busy.cpu_ns = c1[i].cpu_ns - c0[i].cpu_ns;
		o[i].busy.switches = c1[i].switches - c0[i].switches;
	}
}

static void
stop_all(struct net *n)
{
	int	i;

	for (i = 0; i < NODES; i++)
		stop_node(&n->n[i]);
	if (n->farm_pid != 0) {
		if (n->farm_pid > 0)
			kill(n->farm_pid, SIGTERM);
		(void)waitpid(n->farm_pid > 0 ? n->farm_pid : -n->farm_pid,
		    NULL, 0);
		close(n->farm_out);
	}
	if (n->bsd_up)
		bootstrapd_stop(&n->bsd);
}

static int
node_init(struct node *nd, int kind, const char *name, const char *dir)
{
	nd->kind = kind;
	nd->name = name;
	if (kind == SIDE_LIBTOXCORE) {
		snprintf(nd->log, sizeof(nd->log), "%s/%s.log", dir, name);
		snprintf(nd->save, sizeof(nd->save), "%s/%s.tox", dir, name);
		return 0;
	}
	snprintf(nd->dir, sizeof(nd->dir), "%s/%s", dir, name);
	if (mkdir(nd->dir, 0700) == -1) {
		warn("%s", nd->dir);
		return -1;
	}
	return run_make_profile(nd->dir);
}

int
msg_once(const char *dir, int libtoxcore_first, int farm,
    struct obs o[SIDES])
{
	static struct net	 n;	/* large: not on the stack */
	static const char	*names[NODES] = { "bulkhead-A", "bulkhead-B",
				    "toxnode-X", "toxnode-Y" };
	int			 i, rc = -1;

	memset(&n, 0, sizeof(n));
	for (i = 0; i < SIDES; i++) {
		o[i].online_ms = o[i].rtt_p50_ms = o[i].rtt_p99_ms =
		    o[i].mixed_p50_ms = o[i].mixed_p99_ms =
		    o[i].msgs_per_s = RUN_NOT_MEASURED;
		o[i].busy_window_s = 0;
		o[i].busy_friends = -1;
	}
	snprintf(n.farm_log, sizeof(n.farm_log), "%s/toxfarm.log", dir);
	for (i = 0; i < NODES; i++)
		if (node_init(&n.n[i], i < X ? SIDE_BULKHEAD :
		    SIDE_LIBTOXCORE, names[i], dir) == -1)
			return -1;
	if (bootstrapd_start(&n.bsd, BSD_PORT) == -1) {
		warnx("tox-bootstrapd did not start");
		return -1;
	}
	n.bsd_up = 1;
	if (run_wait_bound(BSD_PORT, 10000) == -1 || befriend(&n) == -1 ||
	    restart(&n, libtoxcore_first, o) == -1)
		goto out;
	rc = 0;
	pings(&n, &n.n[A], &n.n[B], &o[SIDE_BULKHEAD].rtt_p50_ms,
	    &o[SIDE_BULKHEAD].rtt_p99_ms);
	pings(&n, &n.n[X], &n.n[Y], &o[SIDE_LIBTOXCORE].rtt_p50_ms,
	    &o[SIDE_LIBTOXCORE].rtt_p99_ms);
	if (all_udp(&n)) {
		pings(&n, &n.n[A], &n.n[X], &o[SIDE_BULKHEAD].mixed_p50_ms,
		    &o[SIDE_BULKHEAD].mixed_p99_ms);
		pings(&n, &n.n[X], &n.n[A], &o[SIDE_LIBTOXCORE].mixed_p50_ms,
		    &o[SIDE_LIBTOXCORE].mixed_p99_ms);
	}
	o[SIDE_BULKHEAD].msgs_per_s = burst(&n, &n.n[A], &n.n[B]);
	o[SIDE_LIBTOXCORE].msgs_per_s = burst(&n, &n.n[X], &n.n[Y]);
	busy(&n, farm, o);
out:
	if (rc == -1)
		dump_all(&n);
	stop_all(&n);
	return rc;
}

int
msg_once_tcp(const char *dir, int libtoxcore_first, struct obs o[SIDES])
{
	static struct net	 n;
	static const char	*names[NODES] = { "bulkhead-A", "bulkhead-B",
				    "toxnode-X", "toxnode-Y" };
	double			 udp_online[SIDES];
	int			 i, rc = -1;

	memset(&n, 0, sizeof(n));
	for (i = 0; i < SIDES; i++)
		udp_online[i] = o[i].online_ms;
	for (i = 0; i < SIDES; i++)
		o[i].tcp_online_ms = o[i].tcp_rtt_p50_ms =
		    o[i].tcp_rtt_p99_ms = RUN_NOT_MEASURED;
	for (i = 0; i < NODES; i++)
		if (node_init(&n.n[i], i < X ? SIDE_BULKHEAD :
		    SIDE_LIBTOXCORE, names[i], dir) == -1)
			return -1;
	if (bootstrapd_start_tcp(&n.bsd, BSD_PORT, BSD_TCP) == -1) {
		warnx("tox-bootstrapd did not start");
		return -1;
	}
	n.bsd_up = 1;
	tcp_mode = 1;
	if (run_wait_bound(BSD_PORT, 10000) == -1 || befriend(&n) == -1 ||
	    restart(&n, libtoxcore_first, o) == -1)
		goto out;
	rc = 0;
	/* restart() measured into online_ms: the UDP run's is kept */
	for (i = 0; i < SIDES; i++) {
		o[i].tcp_online_ms = o[i].online_ms;
		o[i].online_ms = udp_online[i];
	}
	pings(&n, &n.n[A], &n.n[B], &o[SIDE_BULKHEAD].tcp_rtt_p50_ms,
	    &o[SIDE_BULKHEAD].tcp_rtt_p99_ms);
	pings(&n, &n.n[X], &n.n[Y], &o[SIDE_LIBTOXCORE].tcp_rtt_p50_ms,
	    &o[SIDE_LIBTOXCORE].tcp_rtt_p99_ms);
out:
	if (rc == -1) {
		dump_all(&n);
		for (i = 0; i < SIDES; i++)
			o[i].online_ms = udp_online[i];
	}
	stop_all(&n);
	tcp_mode = 0;
	return rc;
}
