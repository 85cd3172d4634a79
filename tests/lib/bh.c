/* Test harness for real bulkhead sessions: see bh.h. */
#include <sched.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/lib/bh.h"

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
bh_start(struct bh *b, const char *const args[])
{
	return bh_start_dir(b, NULL, args);
}

static int	start(struct bh *, const char *, const char *const [], int,
		    const char *);

int
bh_start_dir(struct bh *b, const char *dir, const char *const args[])
{
	return start(b, dir, args, 0, NULL);
}

int
bh_start_bin(struct bh *b, const char *dir, const char *bin,
    const char *const args[])
{
	return start(b, dir, args, 0, bin);
}

int
bh_make_profile(const char *name, char *dir, size_t dirsz)
{
	char		 prof[300], out[4096], err[4096];
	const char	*args[] = { prof, "--no-passphrase", "init", NULL };
	int		 st;

	if ((size_t)snprintf(dir, dirsz, "/tmp/bh-%s-XXXXXX", name) >=
	    dirsz || mkdtemp(dir) == NULL)
		return -1;
	snprintf(prof, sizeof(prof), "--profile=%s/profile.tox", dir);
	st = bh_run(args, NULL, out, sizeof(out), err, sizeof(err));
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "init: %s\n%s\n", out, err);
		return -1;
	}
	return 0;
}

int
bh_start_errpipe(struct bh *b, const char *const args[])
{
	return start(b, NULL, args, 1, NULL);
}

static int	netns_fd = -1;

void
bh_set_netns(int fd)
{
	netns_fd = fd;
}

static int
start(struct bh *b, const char *dir, const char *const args[], int errpipe,
    const char *bin)
{
	char	*argv[BH_MAX_ARGS + 8], prof[300];
	int	 in[2], out[2], ep[2], errfd, a = 0, i;

	memset(b, 0, sizeof(*b));
	b->errpipe = -1;
	b->events = json_array();
	if (dir != NULL) {
		snprintf(b->dir, sizeof(b->dir), "%s", dir);
		b->keep_dir = 1;
	} else {
		snprintf(b->dir, sizeof(b->dir), "/tmp/bh-test-XXXXXX");
		if (mkdtemp(b->dir) == NULL)
			return -1;
	}
	snprintf(prof, sizeof(prof), "--profile=%s/profile.tox", b->dir);
	snprintf(b->errlog, sizeof(b->errlog), "%s/stderr.log", b->dir);
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1)
		return -1;
	if (errpipe) {
		if (pipe2(ep, O_CLOEXEC) == -1)
			return -1;
		b->errpipe = ep[0];
		errfd = ep[1];
	} else if ((errfd = open(b->errlog, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, 0600)) == -1)
		return -1;
	argv[a++] = bin != NULL ? (char *)(uintptr_t)bin :
	    BUILD_DIR "/bin/bulkhead";
	argv[a++] = "--json";
	argv[a++] = prof;
	/* Tests never reach the internet: no nodes-list fetch unless a test
	 * names a loopback URL itself (a later --nodes-url wins), and no
	 * LAN discovery broadcast. */
	argv[a++] = "--no-fetch";
	argv[a++] = "--no-lan";
	for (i = 0; args != NULL && args[i] != NULL && i < BH_MAX_ARGS; i++)
		argv[a++] = (char *)(uintptr_t)args[i];
	argv[a] = NULL;
	if ((b->pid = fork()) == -1)
		return -1;
	if (b->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(errfd, 2);
		if (netns_fd != -1 && setns(netns_fd, CLONE_NEWNET) == -1)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(errfd);
	b->in = in[1];
	b->out = out[0];
	return 0;
}

json_t *
bh_read(struct bh *b, int timeout_ms)
{
	long long	 deadline = now_ms() + timeout_ms, left;
	struct pollfd	 pfd;
	char		*nl;
	json_t		*j;
	ssize_t		 n;
	size_t		 used;

	for (;;) {
		if ((nl = memchr(b->buf, '\n', b->len)) != NULL) {
			used = (size_t)(nl - b->buf) + 1;
			j = json_loadb(b->buf, used - 1, 0, NULL);
			memmove(b->buf, b->buf + used, b->len - used);
			b->len -= used;
			if (j == NULL)
				fprintf(stderr, "bh: unparsable line\n");
			return j;
		}
		pfd.fd = b->out;
		pfd.events = POLLIN;
		/* one reading of the clock: with two, the deadline could
		 * pass between them, and a negative timeout waits forever */
		left = deadline - now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return NULL;
		n = read(b->out, b->buf + b->len, sizeof(b->buf) - b->len);
		if (n <= 0)
			return NULL;
		b->len += (size_t)n;
	}
}

json_t *
bh_cmd(struct bh *b, const char *line, int timeout_ms)
{
	long long	 deadline = now_ms() + timeout_ms;
	json_t		*j;
	long long	 left;

	if (write(b->in, line, strlen(line)) != (ssize_t)strlen(line) ||
	    write(b->in, "\n", 1) != 1)
		return NULL;
	while ((left = deadline - now_ms()) > 0) {
		if ((j = bh_read(b, (int)left)) == NULL)
			return NULL;
		if (json_object_get(j, "reply") != NULL)
			return j;
		json_array_append_new(b->events, j);
	}
	return NULL;
}

json_t *
bh_event(struct bh *b, const char *name, int timeout_ms)
{
	long long	 deadline = now_ms() + timeout_ms;
	json_t		*j, *e;
	size_t		 i;
	long long	 left;

	json_array_foreach(b->events, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "event")) ?: "",
		    name) == 0) {
			json_incref(e);
			json_array_remove(b->events, i);
			return e;
		}
	}
	while ((left = deadline - now_ms()) > 0) {
		if ((j = bh_read(b, (int)left)) == NULL)
			return NULL;
		e = json_object_get(j, "event");
		if (e != NULL && strcmp(json_string_value(e) ?: "", name) == 0)
			return j;
		json_array_append_new(b->events, j);
	}
	return NULL;
}

int
bh_wait(struct bh *b, int timeout_ms)
{
	long long	deadline = now_ms() + timeout_ms;
	int		status;
	pid_t		r;

	while (now_ms() < deadline) {
		if ((r = waitpid(b->pid, &status, WNOHANG)) == b->pid) {
			b->pid = 0;
			return status;
		}
		if (r == -1)
			return -1;
		usleep(20000);
	}
	return -1;
}

void
bh_dump_log(struct bh *b)
{
	char	buf[4096];
	FILE	*f;
	size_t	n;

	if ((f = fopen(b->errlog, "r")) == NULL)
		return;
	fprintf(stderr, "---- bulkhead stderr ----\n");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stderr);
	fprintf(stderr, "-------------------------\n");
	fclose(f);
}

void
bh_stop(struct bh *b)
{
	char	cmd[400];

	if (b->pid > 0) {
		kill(b->pid, SIGTERM);
		if (bh_wait(b, 15000) == -1) {
			kill(b->pid, SIGKILL);
			waitpid(b->pid, NULL, 0);
		}
	}
	close(b->in);
	close(b->out);
	if (b->errpipe > 0)
		close(b->errpipe);
	json_decref(b->events);
	if (b->keep_dir)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bh: could not remove %s\n", b->dir);
}

pid_t
bh_role_pid(json_t *status, const char *role)
{
	json_t	*roles = json_object_get(status, "roles"), *e;
	size_t	 i;

	json_array_foreach(roles, i, e)
		if (strcmp(json_string_value(json_object_get(e, "role")) ?: "",
		    role) == 0)
			return (pid_t)json_integer_value(json_object_get(e,
			    "pid"));
	return -1;
}

long
bh_proc_field(pid_t pid, const char *field)
{
	char	path[64], line[256];
	FILE	*f;
	size_t	fl = strlen(field);
	long	v = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static size_t
drain(int fd, char *buf, size_t sz)
{
	size_t	len = 0;
	ssize_t	n;
	char	sink[4096];

	while ((n = read(fd, len + 1 < sz ? buf + len : sink,
	    len + 1 < sz ? sz - 1 - len : sizeof(sink))) > 0)
		if (len + 1 < sz)
			len += (size_t)n;
	if (sz > 0)
		buf[len] = '\0';
	return len;
}

int
bh_run(const char *const args[], const char *pass, char *out, size_t outsz,
    char *err, size_t errsz)
{
	return bh_run_in(args, "/dev/null", pass, out, outsz, err, errsz);
}

int
bh_run_in(const char *const args[], const char *in, const char *pass,
    char *out, size_t outsz, char *err, size_t errsz)
{
	char	*argv[BH_MAX_ARGS + 8];
	int	 op[2], ep[2], pp[2] = { -1, -1 }, a = 0, i, status;
	pid_t	 pid;

	argv[a++] = BUILD_DIR "/bin/bulkhead";
	argv[a++] = "--no-fetch";
	argv[a++] = "--no-lan";		/* no broadcast off this machine */
	if (pass != NULL)
		argv[a++] = "--passphrase-fd=9";
	for (i = 0; args[i] != NULL && i < BH_MAX_ARGS; i++)
		argv[a++] = (char *)(uintptr_t)args[i];
	argv[a] = NULL;
	if (pipe2(op, O_CLOEXEC) == -1 || pipe2(ep, O_CLOEXEC) == -1)
		return -1;
	if (pass != NULL) {
		if (pipe2(pp, O_CLOEXEC) == -1 ||
		    write(pp[1], pass, strlen(pass)) != (ssize_t)strlen(pass))
			return -1;
		close(pp[1]);
	}
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		/* CLOEXEC: dup2 gives 0 its own; the original must not leak
		 * into bulkhead at a fixed channel number (7 is keyd's chatd) */
		int	null = open(in, O_RDONLY | O_CLOEXEC);

		dup2(null, 0);
		dup2(op[1], 1);
		dup2(ep[1], 2);
		if (pass != NULL)
			dup2(pp[0], 9);
		execv(argv[0], argv);
		_exit(127);
	}
	close(op[1]);
	close(ep[1]);
	if (pass != NULL)
		close(pp[0]);
	/* small outputs: stdout first, then stderr, cannot deadlock here */
	drain(op[0], out, outsz);
	drain(ep[0], err, errsz);
	close(op[0]);
	close(ep[0]);
	if (waitpid(pid, &status, 0) == -1)
		return -1;
	return status;
}

long
bh_slurp(const char *path, void *buf, size_t bufsz)
{
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	n = fread(buf, 1, bufsz, f);
	fclose(f);
	return (long)n;
}
