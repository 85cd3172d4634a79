/*
 * The sandbox of the real role binaries, as the kernel enforces it.  Each
 * role is started directly (not through the supervisor) with its channels
 * at their fixed descriptors, fd 2 a pipe we read:
 *  - with --selftest=ACT it attempts one forbidden act after lockdown and
 *    must die by SIGSYS (seccomp) or exit 3 (refused: Landlock); surviving
 *    or exiting 4 ("NOT BLOCKED") fails;
 *  - started normally it runs its loop confined: /proc/PID/status shows
 *    "Seccomp: 2" and "NoNewPrivs: 1", every role but fetchd sees no
 *    network interface but lo (netd too: its sockets are made outside); it exits cleanly when the
 *    supervisor channel closes, so its normal life fits its allowlist.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/mono.h"
#include "common/rd.h"
#include "ipc/ipc.h"
#include "ipc/msg_core.h"
#include "sandbox/sandbox.h"
#include "sandbox/sb_int.h"
#include "sandbox/spawn.h"

#define T_EXIT		10000	/* ms: deadline, not a benchmark */
#define MAX_CHANS	8

struct run {
	enum role	 role;
	pid_t		 pid;
	int		 chan[MAX_CHANS];	/* our ends, chan[i] <-> fds[i] */
	int		 nchan;
	int		 log;			/* read end of its fd 2 */
	int		 in;			/* write end of its fd 0 */
	int		 out;			/* read end of its fd 1 */
	char		 buf[32768];
	size_t		 len;
	char		 dir[64];		/* scratch: keyd's profile */
	int		 status;
	int		 reaped;
};

enum expect {
	SIGSYS_KILL,			/* seccomp */
	REFUSED,			/* Landlock: exit 3 */
	ALLOWED,			/* the positive control: exit 0 */
};

static int	landlock_abi;

static void
drain_log(struct run *r)
{
	ssize_t	n;

	while (r->len < sizeof(r->buf) - 1 &&
	    (n = read(r->log, r->buf + r->len, sizeof(r->buf) - 1 - r->len)) > 0)
		r->len += (size_t)n;
	r->buf[r->len] = '\0';
}

static void
run_start(struct run *r, enum role role, const char *selftest,
    const char *extra)
{
	struct spawn_fd	 fds[MAX_CHANS + 3];
	const int	*rfds;
	char		 path[PATH_MAX], st[64], prof[128];
	char		*argv[8];
	int		 sv[2], p[2], in[2], out[2], i, n = 0, argc = 0;
	size_t		 nr;

	memset(r, 0, sizeof(*r));
	r->role = role;
	r->log = r->in = r->out = -1;
	snprintf(path, sizeof(path), "%s/libexec/bulkhead/%s", BUILD_DIR,
	    role_name(role));
	assert_int_equal(access(path, X_OK), 0);
	nr = sandbox_role_fds(role, &rfds);
	assert_true(nr > 0 && nr <= MAX_CHANS);
	for (i = 0; i < (int)nr; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET |
		    SOCK_CLOEXEC, 0, sv), 0);
		r->chan[i] = sv[0];
		fds[n].src = sv[1];
		fds[n++].dst = rfds[i];
	}
	r->nchan = (int)nr;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	fds[n].src = in[0];
	fds[n++].dst = 0;
	fds[n].src = out[1];
	fds[n++].dst = 1;
	fds[n].src = p[1];
	fds[n++].dst = 2;

	argv[argc++] = (char *)(uintptr_t)role_name(role);
	argv[argc++] = "--log-level=info";
	if (role == ROLE_KEYD) {
		snprintf(r->dir, sizeof(r->dir), "/tmp/bh-sbx.XXXXXX");
		assert_non_null(mkdtemp(r->dir));
		/* for "rmdir-profile" */
		snprintf(prof, sizeof(prof), "%s/%s", r->dir,
		    SANDBOX_SELFTEST_SUBDIR);
		assert_int_equal(mkdir(prof, 0700), 0);
		snprintf(prof, sizeof(prof), "--profile=%s/profile.tox",
		    r->dir);
		argv[argc++] = prof;
	}
	if (role == ROLE_FETCHD)	/* nothing listens there */
		argv[argc++] = "--url=http://127.0.0.1:9/nodes.json";
	if (extra != NULL)
		argv[argc++] = (char *)(uintptr_t)extra;
	if (selftest != NULL) {
		snprintf(st, sizeof(st), "--selftest=%s", selftest);
		argv[argc++] = st;
	}
	argv[argc] = NULL;

	r->pid = spawn_role(path, argv, fds, n);
	assert_true(r->pid > 0);
	for (i = 0; i < n; i++)
		close(fds[i].src);
	r->log = p[0];
	r->in = in[1];
	r->out = out[0];
	assert_int_equal(fcntl(r->log, F_SETFL, O_NONBLOCK), 0);
}

/* Waits for the exit, reading the log; kills at the deadline (fails). */
static void
run_wait(struct run *r)
{
	uint64_t	deadline = mono_ms() + T_EXIT;
	struct pollfd	pfd;
	pid_t		w;

	while (!r->reaped) {
		pfd.fd = r->log;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, 50);
		drain_log(r);
		if ((w = waitpid(r->pid, &r->status, WNOHANG)) == r->pid)
			r->reaped = 1;
		else if (mono_ms() > deadline) {
			kill(r->pid, SIGKILL);
			(void)waitpid(r->pid, &r->status, 0);
			r->reaped = 1;
			fail_msg("%s did not exit; log:\n%s",
			    role_name(r->role), r->buf);
		}
	}
	drain_log(r);
}

static void
run_cleanup(struct run *r)
{
	char	cmd[128];
	int	i;

	if (!r->reaped && r->pid > 0) {
		kill(r->pid, SIGKILL);
		(void)waitpid(r->pid, NULL, 0);
	}
	for (i = 0; i < r->nchan; i++)
		close(r->chan[i]);
	if (r->log != -1)
		close(r->log);
	if (r->in != -1)
		close(r->in);
	if (r->out != -1)
		close(r->out);
	if (r->dir[0] != '\0') {
		/* a profile dir under /tmp made above; no user input */
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
		if (system(cmd) != 0)
			print_message("could not remove %s\n", r->dir);
	}
}

/* The SANDBOX_REPORT on the supervisor channel (after HELLO); 0 if any. */
static int
read_report(struct run *r, struct ipc_sandbox_report *rep, int timeout_ms)
{
	static struct ipc_msg	 m;
	uint64_t		 deadline = mono_ms() + (uint64_t)timeout_ms;
	struct pollfd		 pfd;
	struct rd		 rd;
	int			 rv;

	for (;;) {
		rv = ipc_recv(r->chan[0], &m);
		if (rv == 1) {
			if (m.fd != -1)
				close(m.fd);
			if (m.hdr.type != IPC_SANDBOX_REPORT)
				continue;
			rd_init(&rd, m.data, m.hdr.len);
			return ipc_unpack_sandbox_report(&rd, rep);
		}
		if (rv == 0 || errno != EAGAIN || mono_ms() > deadline)
			return -1;
		pfd.fd = r->chan[0];
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, 50);
	}
}

static void
expect_act(enum role role, const char *act, enum expect want)
{
	struct run	r;
	char		line[96];

	if (landlock_abi == 0 && (want != SIGSYS_KILL || sc_has_paths(role))) {
		/* keyd and fetchd do not start: test_sandbox_nolandlock */
		print_message("%s %s: skipped, kernel without Landlock\n",
		    role_name(role), act);
		return;
	}
	run_start(&r, role, act, NULL);
	run_wait(&r);
	snprintf(line, sizeof(line), "selftest %s: trying", act);
	if (strstr(r.buf, line) == NULL)
		fail_msg("%s %s: never reached the act; log:\n%s",
		    role_name(role), act, r.buf);
	switch (want) {
	case SIGSYS_KILL:
		if (!WIFSIGNALED(r.status) || WTERMSIG(r.status) != SIGSYS)
			fail_msg("%s %s: status %#x, want SIGSYS; log:\n%s",
			    role_name(role), act, r.status, r.buf);
		break;
	case REFUSED:
		if (!WIFEXITED(r.status) ||
		    WEXITSTATUS(r.status) != SANDBOX_SELFTEST_REFUSED)
			fail_msg("%s %s: status %#x, want exit 3; log:\n%s",
			    role_name(role), act, r.status, r.buf);
		assert_non_null(strstr(r.buf, "refused: Permission denied"));
		break;
	case ALLOWED:
		if (!WIFEXITED(r.status) ||
		    WEXITSTATUS(r.status) != SANDBOX_SELFTEST_ALLOWED)
			fail_msg("%s %s: status %#x, want exit 0; log:\n%s",
			    role_name(role), act, r.status, r.buf);
		break;
	}
	assert_null(strstr(r.buf, "NOT BLOCKED"));
	run_cleanup(&r);
}

/* What every role must never do. */
static void
expect_common(enum role role)
{
	expect_act(role, "exec", SIGSYS_KILL);
	expect_act(role, "ptrace", SIGSYS_KILL);
	expect_act(role, "fork", SIGSYS_KILL);
	expect_act(role, "mmap-exec", SIGSYS_KILL);
	expect_act(role, "socket-raw", SIGSYS_KILL);
	expect_act(role, "socket-netlink", role == ROLE_FETCHD ?
	    REFUSED : SIGSYS_KILL);	/* fetchd: EACCES for glibc */
	expect_act(role, "tiocsti", SIGSYS_KILL);
}

static void
keyd_forbidden_acts(void **state)
{
	(void)state;
	expect_common(ROLE_KEYD);
	expect_act(ROLE_KEYD, "socket", SIGSYS_KILL);
	expect_act(ROLE_KEYD, "open", REFUSED);
	expect_act(ROLE_KEYD, "write-file", REFUSED);
	expect_act(ROLE_KEYD, "write-profile", ALLOWED);
	/* Its profile dir: regular files only (audit L1, L2). */
	expect_act(ROLE_KEYD, "mkdir-profile", SIGSYS_KILL);
	expect_act(ROLE_KEYD, "rmdir-profile", REFUSED);
}

static void
netd_forbidden_acts(void **state)
{
	(void)state;
	expect_common(ROLE_NETD);
	expect_act(ROLE_NETD, "socket", SIGSYS_KILL);	/* AF_INET */
	expect_act(ROLE_NETD, "socket-ping", SIGSYS_KILL);
	expect_act(ROLE_NETD, "tcp-loopback", SIGSYS_KILL);	/* audit M5 */
	expect_act(ROLE_NETD, "open", SIGSYS_KILL);
	expect_act(ROLE_NETD, "write-file", SIGSYS_KILL);
}

/* chatd parses friends' data: no socket, no path, no file. */
static void
chatd_forbidden_acts(void **state)
{
	(void)state;
	expect_common(ROLE_CHATD);
	expect_act(ROLE_CHATD, "socket", SIGSYS_KILL);
	expect_act(ROLE_CHATD, "socket-ping", SIGSYS_KILL);
	expect_act(ROLE_CHATD, "tcp-loopback", SIGSYS_KILL);
	expect_act(ROLE_CHATD, "open", SIGSYS_KILL);
	expect_act(ROLE_CHATD, "write-file", SIGSYS_KILL);
}

static void
mediad_forbidden_acts(void **state)
{
	(void)state;
	expect_common(ROLE_MEDIAD);
	expect_act(ROLE_MEDIAD, "socket", SIGSYS_KILL);
	expect_act(ROLE_MEDIAD, "open", SIGSYS_KILL);
	expect_act(ROLE_MEDIAD, "write-file", SIGSYS_KILL);
}

static void
frontend_forbidden_acts(void **state)
{
	(void)state;
	expect_common(ROLE_FRONTEND);
	expect_act(ROLE_FRONTEND, "socket", SIGSYS_KILL);
	/* No file syscall at all, Landlock or not (audit H1). */
	expect_act(ROLE_FRONTEND, "open", SIGSYS_KILL);
	expect_act(ROLE_FRONTEND, "write-file", SIGSYS_KILL);
}

static void
fetchd_forbidden_acts(void **state)
{
	(void)state;
	expect_common(ROLE_FETCHD);
	expect_act(ROLE_FETCHD, "socket", SIGSYS_KILL);	/* AF_PACKET */
	expect_act(ROLE_FETCHD, "socket-ping", SIGSYS_KILL);
	expect_act(ROLE_FETCHD, "open", REFUSED);	/* Landlock */
	/* openat's flags: read-only, Landlock or not (audit H1). */
	expect_act(ROLE_FETCHD, "write-file", SIGSYS_KILL);
}

static long
proc_field(pid_t pid, const char *field)
{
	char	path[64], line[256];
	size_t	flen = strlen(field);
	FILE	*f;
	long	v = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
			v = strtol(line + flen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Interface names in /proc/PID/net/dev, as "lo,eth0,": the netns view. */
static void
net_ifaces(const char *pid, char *out, size_t outsz)
{
	char	path[64], line[256], *colon, *name;
	FILE	*f;
	int	lineno = 0;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%s/net/dev", pid);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (++lineno <= 2 || (colon = strchr(line, ':')) == NULL)
			continue;	/* two header lines */
		*colon = '\0';
		for (name = line; *name == ' '; name++)
			;
		strncat(out, name, outsz - strlen(out) - 1);
		strncat(out, ",", outsz - strlen(out) - 1);
	}
	fclose(f);
}

static void
expect_confined_alive(enum role role, const char *extra, int permissive)
{
	struct ipc_sandbox_report	rep;
	struct run			r;
	char				pid[16], mine[512], theirs[512];
	char				path[64], ns[64];
	char				flags[128];
	uint32_t			want;
	int				i;

	if (landlock_abi == 0 && sc_has_paths(role)) {
		print_message("%s: skipped, kernel without Landlock\n",
		    role_name(role));
		return;
	}
	run_start(&r, role, NULL, extra);
	if (read_report(&r, &rep, T_EXIT) != 0) {
		run_wait(&r);
		fail_msg("%s: no sandbox report; log:\n%s", role_name(role),
		    r.buf);
	}
	sandbox_flags_str(rep.flags, flags, sizeof(flags));
	print_message("%s: %s, landlock ABI %d\n", role_name(role), flags,
	    rep.landlock_abi);
	want = SB_FDS_CLOSED | SB_ENV_CLEARED | SB_NO_CORE |
	    SB_NOT_DUMPABLE | SB_RLIMITS | SB_NO_NEW_PRIVS | SB_SECCOMP;
	if (role != ROLE_FETCHD)
		want |= SB_NETNS;	/* netd too: its sockets come made */
	if (getuid() == 0)
		want |= SB_PRIVDROP;
	if (landlock_abi > 0)
		want |= SB_LANDLOCK;
	want |= SB_COMPLETE;	/* every step applied: `status` "confined" */
	if ((rep.flags & want) != want)
		fail_msg("%s: report %#x lacks %#x", role_name(role),
		    rep.flags, want & ~rep.flags);
	assert_int_equal(rep.permissive, permissive);
	assert_int_equal(rep.landlock_abi, landlock_abi);

	/* The kernel's word for it, while the role runs its loop. */
	assert_int_equal(proc_field(r.pid, "Seccomp"), 2);
	assert_int_equal(proc_field(r.pid, "NoNewPrivs"), 1);
	snprintf(pid, sizeof(pid), "%d", (int)r.pid);
	net_ifaces(pid, theirs, sizeof(theirs));
	/* netd too: its UDP socket was bound before it left our
	 * namespace, its stream sockets come from the supervisor */
	assert_string_equal(theirs, "lo,");
	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	memset(mine, 0, sizeof(mine));
	memset(ns, 0, sizeof(ns));
	assert_true(readlink("/proc/self/ns/net", mine, sizeof(mine) - 1) > 0);
	assert_true(readlink(path, ns, sizeof(ns) - 1) > 0);
	assert_string_not_equal(mine, ns);

	/* Supervisor gone: a clean exit, not a SIGSYS on the way out. */
	for (i = 0; i < r.nchan; i++) {
		close(r.chan[i]);
		r.chan[i] = -1;
	}
	r.nchan = 0;
	close(r.in);
	r.in = -1;
	run_wait(&r);
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
		fail_msg("%s: status %#x at shutdown; log:\n%s",
		    role_name(role), r.status, r.buf);
	run_cleanup(&r);
}

static void
keyd_runs_confined(void **state)
{
	(void)state;
	expect_confined_alive(ROLE_KEYD, NULL, 0);
}

static void
netd_runs_confined(void **state)
{
	(void)state;
	expect_confined_alive(ROLE_NETD, NULL, 0);
}

static void
chatd_runs_confined(void **state)
{
	(void)state;
	expect_confined_alive(ROLE_CHATD, NULL, 0);
}

static void
mediad_runs_confined(void **state)
{
	(void)state;
	expect_confined_alive(ROLE_MEDIAD, NULL, 0);
}

static void
frontend_runs_confined(void **state)
{
	(void)state;
	expect_confined_alive(ROLE_FRONTEND, "--json", 0);
}

/* Permissive mode reports itself and still applies what it can. */
static void
permissive_is_reported(void **state)
{
	(void)state;
	expect_confined_alive(ROLE_MEDIAD, "--sandbox=permissive", 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keyd_forbidden_acts),
		cmocka_unit_test(netd_forbidden_acts),
		cmocka_unit_test(chatd_forbidden_acts),
		cmocka_unit_test(mediad_forbidden_acts),
		cmocka_unit_test(frontend_forbidden_acts),
		cmocka_unit_test(fetchd_forbidden_acts),
		cmocka_unit_test(keyd_runs_confined),
		cmocka_unit_test(netd_runs_confined),
		cmocka_unit_test(chatd_runs_confined),
		cmocka_unit_test(mediad_runs_confined),
		cmocka_unit_test(frontend_runs_confined),
		cmocka_unit_test(permissive_is_reported),
	};

	signal(SIGPIPE, SIG_IGN);
	landlock_abi = sb_landlock_abi();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
