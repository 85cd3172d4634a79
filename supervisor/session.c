/* Spawning and supervising the roles of one session: see session.h. */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/mono.h"
#include "common/topology.h"
#include "ipc/chan.h"
#include "ipc/msg_core.h"
#include "ipc/msg_nodes.h"
#include "sandbox/spawn.h"
#include "common/relay_spec.h"
#include "supervisor/broker.h"
#include "supervisor/fetch_buf.h"
#include "supervisor/file_service.h"
#include "supervisor/logrelay.h"
#include "supervisor/session.h"

#define RESTART_BASE_MS		500
#define RESTART_MAX_SHIFT	6	/* 500 ms << 6 = 32 s at most */
#define RESTART_STABLE_MS	60000	/* alive this long: failures forgotten */
/* Only a death this soon after the start counts as a failure: a role
 * that ran a while and was killed (by the user, the OOM killer, a test)
 * comes back at once, a crash loop still backs off. */
#define RESTART_QUICK_MS	1500
#define GRACE_FRONTEND_MS	5000
#define GRACE_KEYD_MS		10000	/* keyd saves the profile */
#define GRACE_OTHERS_MS		3000
#define FETCH_RETRY_S		600	/* after a failed nodes-list fetch */
#define FETCH_PARSE_MS		30000	/* netd reads and feeds a list */
#define NODES_CACHE_NAME	"nodes.json"	/* in the profile dir, by keyd */

struct proc {
	enum role		 role;
	pid_t			 pid;
	enum ipc_role_state	 state;
	uint32_t		 restarts;
	unsigned		 fails;
	uint64_t		 started;
	struct chan		 chan;
	struct logrelay		 log;
	int			 reported;
	struct ipc_sandbox_report report;
	struct timer		 restart_timer;
	struct timer		 kill_timer;
};

/*
 * What each role's start and end mean to the session; with the topology
 * (common/topology.c), this is everything start-up, restarts and the
 * ordered shutdown are derived from.
 */
enum on_exit {
	EXIT_USER_LEFT = 1,	/* the frontend: the session ends, its code */
	EXIT_SESSION_LOST,	/* keyd: the session ends, the user is told */
	EXIT_RESTART,		/* restarted with backoff and fresh channels */
	EXIT_FETCH_DONE,	/* fetchd: schedule the next fetch */
};

static const struct role_policy {
	int		at_start;	/* fetchd starts when a fetch is due */
	enum on_exit	on_exit;
	int		stop_phase;	/* shutdown order: 0 first */
	uint64_t	grace_ms;	/* after SHUTDOWN, before SIGKILL */
} policies[ROLE_MAX] = {
	[ROLE_KEYD] = { 1, EXIT_SESSION_LOST, 1, GRACE_KEYD_MS },
	[ROLE_NETD] = { 1, EXIT_RESTART, 2, GRACE_OTHERS_MS },
	[ROLE_CHATD] = { 1, EXIT_RESTART, 2, GRACE_OTHERS_MS },
	[ROLE_MEDIAD] = { 1, EXIT_RESTART, 2, GRACE_OTHERS_MS },
	/* the frontend stops first: it holds the terminal; keyd next, which
	 * has saved every change as it was made */
	[ROLE_FRONTEND] = { 1, EXIT_USER_LEFT, 0, GRACE_FRONTEND_MS },
	[ROLE_FETCHD] = { 0, EXIT_FETCH_DONE, 2, GRACE_OTHERS_MS },
};
#define STOP_PHASES	3

static const struct options	*opts;
static const char		*libexec;
static struct proc		 procs[ROLE_MAX];
static const struct topology	*topo;
static int			 stopping;	/* shutdown began */
static int			 cur_phase;	/* whose turn it is */
static int			 exit_code;
static struct ev_src		 sig_src;
static struct timer		 fetch_timer;
static int			 devnull = -1;
/* The nodes-list fetch in progress (see fetch_start). */
static struct {
	int	running;	/* fetchd started, outcome not known yet */
	int	exited, exit_ok;
	int	read_done;
	long	len;		/* bytes read; -1: too large or unreadable */
	char	why[128];	/* fetchd's exit, for the log */
	char	reason[IPC_ERROR_TEXT_MAX + 1];	/* fetchd's own word */
} fetch;

static void	start_role(enum role, const struct spawn_fd *, int, int);
static void	nodes_file_to_netd(void);
static void	fetch_schedule(uint64_t delay_ms);
static void	fetch_exited(int status);
static void	advance_shutdown(void);

static void
make_pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("socketpair");
}

static const char *
describe_status(int status, char *buf, size_t sz)
{
	if (WIFEXITED(status))
		snprintf(buf, sz, "exit code %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sz, "killed by signal %d (%s)%s",
		    WTERMSIG(status), strsignal(WTERMSIG(status)),
		    WTERMSIG(status) == SIGSYS ?
		    ": it made a system call its sandbox forbids" : "");
	else
		snprintf(buf, sz, "status %#x", status);
	return buf;
}

static void
send_role_event(enum role role, enum ipc_role_event_kind kind, pid_t pid,
    int status)
{
	struct ipc_role_event	ev;
	uint8_t			buf[16];
	struct wr		w;

	if (!procs[ROLE_FRONTEND].chan.open)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.role = (uint8_t)role;
	ev.kind = (uint8_t)kind;
	ev.pid = (uint32_t)pid;
	ev.status = WIFEXITED(status) ? WEXITSTATUS(status) :
	    WIFSIGNALED(status) ? -WTERMSIG(status) : 0;
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_role_event(&w, &ev);
	chan_send_wr(&procs[ROLE_FRONTEND].chan, IPC_ROLE_EVENT, 0, &w);
}

static void
send_status(struct chan *c, uint32_t id)
{
	struct ipc_status	st;
	uint8_t			buf[256];
	struct wr		w;
	int			i;

	memset(&st, 0, sizeof(st));
	st.roles[0].role = ROLE_SUP;
	st.roles[0].state = ROLE_STATE_RUNNING;
	st.roles[0].pid = (uint32_t)getpid();
	for (i = 1; i < ROLE_MAX; i++) {
		st.roles[i].role = (uint8_t)i;
		st.roles[i].state = (uint8_t)procs[i].state;
		st.roles[i].pid = (uint32_t)procs[i].pid;
		st.roles[i].restarts = procs[i].restarts;
		st.roles[i].reported = (uint8_t)procs[i].reported;
		st.roles[i].sandbox = procs[i].report;
	}
	st.n = ROLE_MAX;
	st.proxy = broker_proxy_state();
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_status(&w, &st);
	chan_send_wr(c, IPC_STATUS_ANS, id, &w);
}

static int
on_sandbox_report(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct proc			*p = c->arg;
	struct ipc_sandbox_report	 rep;

	if (ipc_unpack_sandbox_report(r, &rep) == -1)
		return -1;
	p->report = rep;
	p->reported = 1;
	if (rep.permissive)
		log_warnx("%s runs with a WEAKENED sandbox "
		    "(--sandbox=permissive)", role_name(p->role));
	return 0;
}

static int
on_status_req(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	send_status(c, m->hdr.id);
	return 0;
}

/* fetchd says why it got no list (the catalogue lets only fetchd). */
static int
on_fetch_failed(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	return ipc_unpack_fetch_failed(r, fetch.reason, sizeof(fetch.reason));
}

/* netd asks for a TCP socket: the broker (broker.c) decides and makes
 * it (the catalogue lets only netd send SOCK_OPEN). */
static int
on_sock_open(struct chan *c, struct ipc_msg *m, struct rd *r)
{
	struct proc	*p = c->arg;

	return broker_on_open(c, m, r, p->pid);
}

/* What the supervisor takes from its roles; the catalogue says who may
 * send which (STATUS_REQ: the frontend only). */
static const struct chan_handler from_role_rows[] = {
	{ IPC_SANDBOX_REPORT,	CH_ONCE,	on_sandbox_report },
	{ IPC_STATUS_REQ,	0,		on_status_req },
	{ IPC_NODES_FETCH_FAILED, CH_ONCE,	on_fetch_failed },
	{ IPC_SOCK_OPEN,	0,		on_sock_open },
	/* the frontend's files (file_service.c; the catalogue lets only
	 * the frontend send it) */
	{ IPC_FILE_OPEN,	0,		file_service_on_open },
};
static const struct chan_table from_role_table = { CHAN_ROWS(from_role_rows), NULL };
static const struct chan_tables from_role = { { &from_role_table } };

static void
role_chan_closed(struct chan *c, const char *why)
{
	struct proc	*p = c->arg;

	/* The exit itself arrives by SIGCHLD; this is only for the log. */
	log_debug("%s channel closed: %s", role_name(p->role), why);
}

static void
kill_timer_cb(struct timer *t)
{
	struct proc	*p = t->arg;

	if (p->pid > 0) {
		log_warnx("%s did not exit in time: killing it",
		    role_name(p->role));
		kill(p->pid, SIGKILL);
	}
}

static void
stop_role(struct proc *p, uint64_t grace_ms)
{
	if (p->pid <= 0)
		return;
	timer_cancel(&p->restart_timer);
	if (p->chan.open) {
		chan_send(&p->chan, IPC_SHUTDOWN, 0, NULL, 0, -1);
	} else
		kill(p->pid, SIGTERM);
	timer_after(&p->kill_timer, grace_ms);
}

static int
in_topology(enum role r)
{
	return (topo->roles & ROLE_BIT(r)) != 0;
}

static void
cancel_pending_starts(void)
{
	int	i;

	timer_cancel(&fetch_timer);
	for (i = 1; i < ROLE_MAX; i++)
		timer_cancel(&procs[i].restart_timer);
}

static void
stop_phase_roles(int ph)
{
	int	i;

	for (i = 1; i < ROLE_MAX; i++)
		if (policies[i].stop_phase == ph)
			stop_role(&procs[i], policies[i].grace_ms);
}

/* Stops the roles phase by phase: the next once the last has exited. */
static void
advance_shutdown(void)
{
	int	i;

	while (stopping && cur_phase < STOP_PHASES) {
		for (i = 1; i < ROLE_MAX; i++)
			if (policies[i].stop_phase == cur_phase &&
			    procs[i].pid > 0)
				return;
		if (++cur_phase < STOP_PHASES)
			stop_phase_roles(cur_phase);
	}
	if (stopping)
		loop_stop();
}

static void
begin_shutdown(int code)
{
	if (stopping)
		return;
	stopping = 1;
	exit_code = code;
	cancel_pending_starts();
	cur_phase = 0;
	stop_phase_roles(0);
	advance_shutdown();
}

/*
 * Starts role r wired to every running peer the topology gives it: a
 * fresh socketpair per edge, r's end at its fixed number, the peer's end
 * handed over with NEW_CHANNEL (a restart) or kept in ends[] for the peer
 * still to be started (start-up).
 */
static void
start_wired(enum role r, int ends[][2])
{
	struct ipc_new_channel	 nc = { .role = (uint8_t)r };
	const struct topo_edge	*e;
	struct spawn_fd		 fds[ROLE_MAX];
	uint8_t			 buf[IPC_NEW_CHANNEL_LEN];
	struct wr		 w;
	enum role		 other;
	int			 n = 0, nclose = 0, mine, pair[2];
	int			 close_after[ROLE_MAX];
	size_t			 i;

	memset(fds, 0, sizeof(fds));
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_new_channel(&w, &nc);
	for (i = 0; i < topo->nedges; i++) {
		e = &topo->edges[i];
		if (e->a != r && e->b != r)
			continue;
		other = e->a == r ? e->b : e->a;
		mine = e->a == r ? e->fd_a : e->fd_b;
		if (ends != NULL) {	/* start-up: made for both ends */
			if (ends[i][0] != -1)
				fds[n++] = (struct spawn_fd){
				    ends[i][e->a == r ? 0 : 1], mine };
			continue;
		}
		if (procs[other].pid <= 0 || !procs[other].chan.open)
			continue;	/* it is wired when it starts */
		make_pair(pair);
		fds[n++] = (struct spawn_fd){ pair[1], mine };
		close_after[nclose++] = pair[1];
		chan_send(&procs[other].chan, IPC_NEW_CHANNEL, 0, w.p, w.len,
		    pair[0]);
		close(pair[0]);
	}
	start_role(r, fds, n, -1);
	while (nclose > 0)
		close(close_after[--nclose]);
}

static void
restart_timer_cb(struct timer *t)
{
	struct proc	*p = t->arg;

	if (stopping)
		return;
	p->restarts++;
	start_wired(p->role, NULL);
	if (p->role == ROLE_NETD)
		nodes_file_to_netd();
	log_warnx("%s restarted (pid %d, restart %u)", role_name(p->role),
	    (int)p->pid, p->restarts);
	send_role_event(p->role, ROLE_EV_RESTARTED, p->pid, 0);
}

static void
child_exited(struct proc *p, int status)
{
	struct ipc_session_end	 se;
	char			 desc[128];
	uint8_t			 buf[300];
	struct wr		 w;
	uint64_t		 delay, lived;
	pid_t			 pid = p->pid;

	/* fetchd's reason (FETCH_FAILED) may still be unread when its exit
	 * is: the event must tell that reason, not just the exit status */
	if (p->role == ROLE_FETCHD)
		chan_read_rest(&p->chan);
	p->pid = 0;
	p->state = ROLE_STATE_STOPPED;
	p->reported = 0;
	memset(&p->report, 0, sizeof(p->report));
	timer_cancel(&p->kill_timer);
	chan_close(&p->chan, "process exited");
	describe_status(status, desc, sizeof(desc));
	if (stopping) {
		log_debug("%s (pid %d) exited: %s", role_name(p->role),
		    (int)pid, desc);
		advance_shutdown();
		return;
	}
	switch (policies[p->role].on_exit) {
	case EXIT_USER_LEFT:
		log_debug("frontend exited: %s", desc);
		begin_shutdown(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
		return;
	case EXIT_SESSION_LOST:
		log_warnx("keyd (pid %d) %s: the session ends", (int)pid, desc);
		memset(&se, 0, sizeof(se));
		se.role = ROLE_KEYD;
		snprintf(se.text, sizeof(se.text), "keyd, which holds your "
		    "identity, exited unexpectedly (%s); the session ends. "
		    "The profile on disk is not half-written.", desc);
		wr_init(&w, buf, sizeof(buf));
		ipc_pack_session_end(&w, &se);
		if (procs[ROLE_FRONTEND].chan.open)
			chan_send_wr(&procs[ROLE_FRONTEND].chan,
			    IPC_SESSION_END, 0, &w);
		/* The frontend exits on SESSION_END; give it a moment. */
		stopping = 1;
		exit_code = 1;
		cur_phase = 0;
		cancel_pending_starts();
		timer_after(&procs[ROLE_FRONTEND].kill_timer,
		    GRACE_FRONTEND_MS);
		advance_shutdown();
		return;
	case EXIT_RESTART:
		lived = mono_ms() - p->started;
		if (lived >= RESTART_STABLE_MS)
			p->fails = 0;
		delay = (uint64_t)RESTART_BASE_MS <<
		    (p->fails < RESTART_MAX_SHIFT ? p->fails :
		    RESTART_MAX_SHIFT);
		if (lived < RESTART_QUICK_MS)
			p->fails++;
		p->state = ROLE_STATE_RESTARTING;
		log_warnx("%s (pid %d) %s; restarting in %llu ms",
		    role_name(p->role), (int)pid, desc,
		    (unsigned long long)delay);
		send_role_event(p->role, ROLE_EV_DIED, pid, status);
		timer_after(&p->restart_timer, delay);
		return;
	case EXIT_FETCH_DONE:
		fetch_exited(status);
		return;
	default:
		fatalx("%s: bad role", __func__);
	}
}

static void
reap(void)
{
	pid_t	pid;
	int	status, i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 1; i < ROLE_MAX; i++)
			if (procs[i].pid == pid)
				break;
		if (i < ROLE_MAX)
			child_exited(&procs[i], status);
	}
}

static void
signal_cb(struct ev_src *src, uint32_t events)
{
	struct signalfd_siginfo	si;

	while (read(src->fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap();
			break;
		case SIGINT:
			/* Ctrl-C: as a shell reports it, and as the frontend
			 * exits at a prompt, whichever the loop sees first */
			log_debug("interrupted: shutting down");
			begin_shutdown(128 + SIGINT);
			break;
		case SIGTERM:
		case SIGHUP:
			log_debug("signal %u: shutting down", si.ssi_signo);
			begin_shutdown(0);
			break;
		}
	}
}

/* out: the child's stdout, or -1 for /dev/null (the terminal for the
 * frontend). */
static void
start_role(enum role role, const struct spawn_fd *peers, int npeers, int out)
{
	struct proc	*p = &procs[role];
	struct spawn_fd	 fds[SPAWN_MAX_FDS];
	char		*argv[OPT_MAX_ROLE_ARGS + 16], path[OPT_MAX_PATH + 64];
	char		 lvl[32], sbx[32], st[64], prof[OPT_MAX_PATH + 16];
	char		 url[OPT_MAX_PATH + 16], purl[96];
	int		 sp[2], lp[2], n = 0, a = 0, i, proxy_fd = -1;

	make_pair(sp);
	if (pipe2(lp, O_CLOEXEC) == -1)
		fatal("pipe2");
	fds[n++] = (struct spawn_fd){ sp[1], FD_SUP };
	fds[n++] = (struct spawn_fd){ lp[1], STDERR_FILENO };
	if (role == ROLE_FRONTEND) {
		fds[n++] = (struct spawn_fd){ STDIN_FILENO, STDIN_FILENO };
		fds[n++] = (struct spawn_fd){ STDOUT_FILENO, STDOUT_FILENO };
	} else {
		fds[n++] = (struct spawn_fd){ devnull, STDIN_FILENO };
		fds[n++] = (struct spawn_fd){ out != -1 ? out : devnull,
		    STDOUT_FILENO };
	}
	for (i = 0; i < npeers; i++)
		fds[n++] = peers[i];
	if (role == ROLE_FRONTEND && opts->pass_fd_open != -1)
		fds[n++] = (struct spawn_fd){ opts->pass_fd_open, FD_PASS };
	/* the session's UDP socket: the same port for every netd */
	if (role == ROLE_NETD && opts->udp_fd != -1)
		fds[n++] = (struct spawn_fd){ opts->udp_fd, FD_NETD_UDP };
	/* the relay server's listening sockets, in --tcp-port order */
	for (i = 0; role == ROLE_NETD && i < opts->ntcp_ports; i++)
		if (opts->tcp_fds[i] > 0)
			fds[n++] = (struct spawn_fd){ opts->tcp_fds[i],
			    FD_NETD_TCP_FIRST + i };
	/* the user's import or export file: to keyd itself (audit M4) */
	if (role == ROLE_KEYD && opts->file_fd != -1)
		fds[n++] = (struct spawn_fd){ opts->file_fd, FD_FILE };

	snprintf(path, sizeof(path), "%s/%s", libexec, role_name(role));
	argv[a++] = path;
	snprintf(lvl, sizeof(lvl), "--log-level=%s", log_level_name(opts->level));
	argv[a++] = lvl;
	snprintf(sbx, sizeof(sbx), "--sandbox=%s", opts->permissive ?
	    "permissive" : "strict");
	argv[a++] = sbx;
	if (opts->selftest_role == (int)role) {
		snprintf(st, sizeof(st), "--selftest=%s", opts->selftest_what);
		argv[a++] = st;
	}
	if (role == ROLE_KEYD) {
		snprintf(prof, sizeof(prof), "--profile=%s", opts->profile);
		argv[a++] = prof;
	}
	if (role == ROLE_FRONTEND && opts->json)
		argv[a++] = "--json";
	if (role == ROLE_FETCHD) {
		snprintf(url, sizeof(url), "--url=%s", opts->nodes_url);
		argv[a++] = url;
		/* proxy mode: its one socket, to the proxy; nothing else */
		if (opts->proxy != PROXY_NONE) {
			if ((proxy_fd = broker_proxy_socket()) != -1)
				fds[n++] = (struct spawn_fd){ proxy_fd,
				    FD_FETCHD_PROXY };
			memcpy(purl, "--proxy=", 8);
			broker_proxy_url(opts->proxy == PROXY_HTTP, purl + 8,
			    sizeof(purl) - 8);
			argv[a++] = purl;
			argv[a++] = "--proxied";
		}
	}
	for (i = 0; i < opts->role[role].argc; i++)
		argv[a++] = opts->role[role].argv[i];
	argv[a] = NULL;

	if ((p->pid = spawn_role(path, argv, fds, n)) == -1)
		fatal("fork %s", role_name(role));
	if (proxy_fd != -1)
		close(proxy_fd);	/* fetchd's now */
	close(sp[1]);
	close(lp[1]);
	if (role == ROLE_NETD)
		broker_netd_started();
	p->role = role;
	p->state = ROLE_STATE_RUNNING;
	p->started = mono_ms();
	chan_open(&p->chan, sp[0], ROLE_SUP, role, &from_role,
	    role_chan_closed, p);
	p->chan.name = role_name(role);
	logrelay_open(&p->log, lp[0], role_name(role));
	log_debug("started %s, pid %d", role_name(role), (int)p->pid);
}

/* The user's --nodes FILE, opened here (netd opens no files) and handed
 * to netd at every start; netd reads and parses it. */
static void
nodes_file_to_netd(void)
{
	int	fd;

	if (opts->nodes_file[0] == '\0' || !procs[ROLE_NETD].chan.open)
		return;
	if ((fd = open(opts->nodes_file, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("--nodes %s", opts->nodes_file);
		return;
	}
	chan_send(&procs[ROLE_NETD].chan, IPC_NODES_FD, 0, NULL, 0, fd);
	close(fd);
}

/*
 * The nodes-list fetch: fetchd writes the list into a pipe the supervisor
 * reads (fetch_buf.c).  When fetchd has exited well and the pipe is at
 * EOF, netd gets the bytes to parse (NODES_FETCHED); if they gave usable
 * nodes, keyd gets the same bytes to keep (NODES_CACHE_STORE).  netd never
 * writes the cache, so a compromised netd cannot poison the next session
 * or make a stale list look fresh (audit M3).
 */

/*
 * How a fetch went, for the user: an event, not a log line, so that the
 * interactive client shows it after a prompt instead of across it.
 */
static void
fetch_tell(int ok, const char *why)
{
	struct ipc_fetch_result	r;
	uint8_t			buf[IPC_FETCH_EVENT_MAX_LEN];
	struct wr		w;

	memset(&r, 0, sizeof(r));
	r.ok = (uint8_t)ok;
	snprintf(r.text, sizeof(r.text), "%s", why);
	wr_init(&w, buf, sizeof(buf));
	ipc_pack_fetch_event(&w, &r);
	if (procs[ROLE_FRONTEND].chan.open)
		chan_send_wr(&procs[ROLE_FRONTEND].chan, IPC_NODES_FETCH_EVENT,
		    0, &w);
}

static void
fetch_failed(const char *why)
{
	char	text[2 * IPC_ERROR_TEXT_MAX];

	/* fetchd's own reason, when it gave one, says more than its exit
	 * (fetch_tell cuts it to one message's text) */
	snprintf(text, sizeof(text), "%s; trying again in %u s",
	    fetch.reason[0] != '\0' ? fetch.reason : why, FETCH_RETRY_S);
	log_info("fetching the nodes list failed: %s", text);
	fetch_tell(0, text);
	fetch_buf_clear();
	fetch_schedule((uint64_t)FETCH_RETRY_S * 1000);
}

/* netd's verdict on the fetched list. */
static void
fetched_parsed(void *arg, struct ipc_msg *m, struct rd *r)
{
	struct ipc_error	e;
	int			fd;

	if (m->hdr.type != IPC_OK) {
		if (ipc_unpack_error(r, &e) == -1)
			snprintf(e.text, sizeof(e.text), "netd said so");
		fetch_failed(e.text);
		return;
	}
	if (procs[ROLE_KEYD].chan.open && (fd = fetch_buf_memfd()) != -1) {
		chan_send(&procs[ROLE_KEYD].chan, IPC_NODES_CACHE_STORE, 0,
		    NULL, 0, fd);
		close(fd);
	}
	log_info("nodes list fetched");
	fetch_tell(1, "");
	fetch_buf_clear();
	fetch_schedule((uint64_t)opts->nodes_max_age * 1000);
}

/* Both fetchd's exit and the pipe's end are known: hand the list on. */
static void
fetch_complete(void)
{
	int	fd;

	if (!fetch.running || !fetch.exited || !fetch.read_done)
		return;
	fetch.running = 0;
	if (!fetch.exit_ok) {
		fetch_failed(fetch.why);
		return;
	}
	if (fetch.len <= 0) {
		fetch_failed(fetch.len == 0 ? "nothing was fetched" :
		    "the list is too large or unreadable");
		return;
	}
	if (!procs[ROLE_NETD].chan.open || (fd = fetch_buf_memfd()) == -1) {
		fetch_failed("netd is not there to read it");
		return;
	}
	if (chan_call(&procs[ROLE_NETD].chan, IPC_NODES_FETCHED, NULL, 0, fd,
	    FETCH_PARSE_MS, fetched_parsed, NULL) == -1)
		fetch_failed("netd is not there to read it");
	close(fd);
}

static void
fetch_read_done(long len)
{
	fetch.read_done = 1;
	fetch.len = len;
	fetch_complete();
}

static void
fetch_exited(int status)
{
	fetch.exited = 1;
	fetch.exit_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	describe_status(status, fetch.why, sizeof(fetch.why));
	fetch_complete();
}

static void
fetch_start(struct timer *t)
{
	int	out[2];

	if (stopping || procs[ROLE_FETCHD].pid > 0 || fetch.running)
		return;
	if (!procs[ROLE_NETD].chan.open) {
		fetch_schedule(10000);		/* netd is restarting */
		return;
	}
	if (pipe2(out, O_CLOEXEC) == -1)
		fatal("pipe2");
	memset(&fetch, 0, sizeof(fetch));
	fetch.running = 1;
	start_role(ROLE_FETCHD, NULL, 0, out[1]);
	close(out[1]);
	fetch_buf_start(out[0], fetch_read_done);
}

static void
fetch_schedule(uint64_t delay_ms)
{
	if (opts->nodes_url[0] != '\0' && !stopping &&
	    in_topology(ROLE_FETCHD) && in_topology(ROLE_NETD))
		timer_after(&fetch_timer, delay_ms);
}

/* Fetch now if keyd's cached list is missing or older than the max age;
 * the supervisor only looks at the file's time, never its contents. */
static void
fetch_first(void)
{
	char		 path[OPT_MAX_PATH + 32], *slash;
	struct stat	 st;
	time_t		 now = time(NULL), due;

	if (opts->nodes_url[0] == '\0')
		return;
	snprintf(path, sizeof(path), "%s", opts->profile);
	if ((slash = strrchr(path, '/')) != NULL)
		snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path),
		    "%s", NODES_CACHE_NAME);
	else
		snprintf(path, sizeof(path), "%s", NODES_CACHE_NAME);
	if (stat(path, &st) == -1 || st.st_mtime > now) {
		fetch_schedule(0);
		return;
	}
	due = st.st_mtime + (time_t)opts->nodes_max_age;
	fetch_schedule(due <= now ? 0 : (uint64_t)(due - now) * 1000);
}

int
session_run(const struct options *o, const char *libexec_dir)
{
	int		ends[ROLE_MAX * ROLE_MAX][2];
	sigset_t	mask;
	size_t		e;
	int		i;

	opts = o;
	/* A one-shot command needs the profile only: nothing on the
	 * network, no codecs, no messenger (rule 5). */
	topo = o->command != NULL ? &topo_oneshot : &topo_session;
	if (topo->nedges > ROLE_MAX * ROLE_MAX)
		fatalx("%s: topology too large", __func__);
	libexec = libexec_dir;
	loop_init();
	for (i = 0; i < ROLE_MAX; i++) {
		procs[i].role = (enum role)i;
		timer_init(&procs[i].restart_timer, restart_timer_cb, &procs[i]);
		timer_init(&procs[i].kill_timer, kill_timer_cb, &procs[i]);
	}
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fatal("/dev/null");
	timer_init(&fetch_timer, fetch_start, NULL);
	/* before any role starts: the proxy setting is in force at once */
	if (in_topology(ROLE_NETD))
		broker_init(&o->sock);
	file_service_init(o->download_dir, o->profile);
	/* From here on stderr never blocks the supervisor (M6). */
	logrelay_init(STDERR_FILENO);

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1)
		fatal("sigprocmask");
	if ((sig_src.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		fatal("signalfd");
	sig_src.cb = signal_cb;
	loop_add(&sig_src, EPOLLIN);
	signal(SIGPIPE, SIG_IGN);

	/* One pair per edge whose two roles this command starts; then each
	 * role in order (keyd first, the frontend last), with its ends. */
	for (e = 0; e < topo->nedges; e++) {
		ends[e][0] = ends[e][1] = -1;
		if (in_topology(topo->edges[e].a) &&
		    in_topology(topo->edges[e].b) &&
		    policies[topo->edges[e].a].at_start &&
		    policies[topo->edges[e].b].at_start)
			make_pair(ends[e]);
	}
	for (i = 1; i < ROLE_MAX; i++)
		if (in_topology((enum role)i) && policies[i].at_start)
			start_wired((enum role)i, ends);
	for (e = 0; e < topo->nedges; e++)
		if (ends[e][0] != -1) {
			close(ends[e][0]);
			close(ends[e][1]);
		}
	/* keyd and the frontend (never restarted) have their copies (L6). */
	if (o->pass_fd_open != -1)
		close(o->pass_fd_open);
	if (o->file_fd != -1)
		close(o->file_fd);
	/* The terminal belongs to the frontend now. */
	if (dup2(devnull, STDIN_FILENO) == -1)
		fatal("dup2");
	nodes_file_to_netd();
	fetch_first();

	loop_run();
	/* Drain the roles' last log lines; their pipes are at EOF. */
	for (i = 1; i < ROLE_MAX; i++) {
		int	tries;

		for (tries = 0; procs[i].log.open && tries < 20; tries++)
			loop_once(50);
	}
	logrelay_finish(1000);
	return exit_code;
}
