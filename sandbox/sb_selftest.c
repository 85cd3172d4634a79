/*
 * sandbox_selftest(): a role started with --selftest=WHAT attempts one
 * forbidden act right after lockdown, so the tests prove the confinement
 * of the real binaries, not of a test double.  Expected: death by SIGSYS
 * (seccomp) or, for path acts in keyd and fetchd, a refusal (Landlock),
 * exit SANDBOX_SELFTEST_REFUSED.  An act that works exits
 * SANDBOX_SELFTEST_NOT_BLOCKED, which the tests count as a failure.
 *
 * "trying" is logged first, so the test knows that the SIGSYS came from
 * the act itself and not from some earlier call.  Between that write and
 * the act there is no other syscall (getppid() was saved at lockdown).
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "sandbox/sb_int.h"

/* Each returns >= 0 when the act succeeded, else -1. */
typedef int	(*selftest_fn)(void);

/*
 * What a successful act made, removed only after the verdict is logged:
 * the removal itself may be a call the role lacks, and its SIGSYS must
 * not pass for the act's.
 */
static struct {
	char	path[600];
	int	flags;		/* for unlinkat() */
} left;

static void
left_behind(const char *path, int flags)
{
	(void)snprintf(left.path, sizeof(left.path), "%s", path);
	left.flags = flags;
}

static int
st_open(void)
{
	int	fd;

	if ((fd = openat(AT_FDCWD, "/etc/passwd", O_RDONLY | O_CLOEXEC)) != -1)
		close(fd);
	return fd;
}

static int
st_socket(void)
{
	int	fd;

	/* fetchd may have AF_INET: try what it must never have (its
	 * AF_UNIX fails softly for glibc's nscd probe).  netd has no
	 * socket() at all: its stream sockets come from the supervisor. */
	if (sb_saved.role == ROLE_FETCHD)
		fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	else
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd != -1)
		close(fd);
	return fd;
}

static int
st_socket_netlink(void)
{
	int	fd;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0)) != -1)
		close(fd);
	return fd;
}

static int
st_socket_raw(void)
{
	int	fd;

	if ((fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP)) != -1)
		close(fd);
	return fd;
}

static int
st_socket_ping(void)
{
	int	fd;

	/* SOCK_DGRAM but ICMP: the protocol filter must catch it. */
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
	    IPPROTO_ICMP)) != -1)
		close(fd);
	return fd;
}

/*
 * netd: TCP to a loopback service (audit M5).  Refused by the loopback
 * stack counts as reached: a listener there would have been connected.
 */
static int
st_tcp_loopback(void)
{
	struct sockaddr_in	sin;
	int			fd, rv, e;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9);		/* discard */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rv = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	e = errno;
	close(fd);
	if (rv == -1 && e != ECONNREFUSED) {
		errno = e;
		return -1;
	}
	return 0;
}

static int
st_exec(void)
{
	static char	*const argv[] = { "true", NULL };
	static char	*const envp[] = { NULL };

	/* On success the process becomes true(1) and exits 0: a failure
	 * for the test, which wants SIGSYS. */
	return execve("/bin/true", argv, envp);
}

static int
st_ptrace(void)
{
	if (ptrace(PTRACE_ATTACH, sb_saved.ppid, NULL, NULL) == -1)
		return -1;
	(void)ptrace(PTRACE_DETACH, sb_saved.ppid, NULL, NULL);
	return 0;
}

static int
st_fork(void)
{
	pid_t	pid;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0)
		_exit(0);
	(void)waitpid(pid, NULL, 0);
	return 0;
}

static int
st_write_file(void)
{
	char	path[64];
	int	fd;

	(void)snprintf(path, sizeof(path), "/tmp/bulkhead-selftest.%d",
	    (int)getpid());
	fd = openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd != -1) {
		close(fd);
		left_behind(path, 0);
	}
	return fd;
}

/*
 * The positive control: keyd must still save its profile the way
 * keyd/profile_store.c does: a new file, written, fsync'd, renamed over
 * the old one in the same dir, read back, and removed.
 */
static int
st_write_profile(void)
{
	char	tmp[608], path[600], c;
	int	fd, rv = -1;

	if (sb_saved.rw_path[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	(void)snprintf(path, sizeof(path), "%s/.bulkhead-selftest.%d",
	    sb_saved.rw_path, (int)getpid());
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = openat(AT_FDCWD, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	if (write(fd, "x", 1) != 1 || fsync(fd) == -1) {
		close(fd);
		(void)unlinkat(AT_FDCWD, tmp, 0);
		return -1;
	}
	close(fd);
	if (renameat(AT_FDCWD, tmp, AT_FDCWD, path) == -1) {
		(void)unlinkat(AT_FDCWD, tmp, 0);
		return -1;
	}
	if ((fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC)) != -1) {
		if (read(fd, &c, 1) == 1 && c == 'x')
			rv = 0;
		close(fd);
	}
	if (unlinkat(AT_FDCWD, path, 0) == -1)
		return -1;
	return rv;
}

/* keyd: a directory in its profile dir (neither seccomp nor Landlock). */
static int
st_mkdir_profile(void)
{
	char	path[600];

	if (sb_saved.rw_path[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	(void)snprintf(path, sizeof(path), "%s/.bulkhead-selftest.%d",
	    sb_saved.rw_path, (int)getpid());
	if (mkdir(path, 0700) == -1)
		return -1;
	left_behind(path, AT_REMOVEDIR);
	return 0;
}

/*
 * keyd: remove the directory SANDBOX_SELFTEST_SUBDIR, which the test made
 * in the profile dir: unlinkat() is allowed, so this is Landlock's no.
 */
static int
st_rmdir_profile(void)
{
	char	path[600];

	if (sb_saved.rw_path[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	(void)snprintf(path, sizeof(path), "%s/%s", sb_saved.rw_path,
	    SANDBOX_SELFTEST_SUBDIR);
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

static int
st_mmap_exec(void)
{
	void	*p;

	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return -1;
	(void)munmap(p, 4096);
	return 0;
}

static int
st_tiocsti(void)
{
	char	c = '\n';

	/* Pushing input into the terminal = typing into the user's shell. */
	return ioctl(0, TIOCSTI, &c);
}

static const struct {
	const char	*name;
	selftest_fn	 fn;
	int		 positive;	/* expected to work */
} selftests[] = {
	{ "open",		st_open,		0 },
	{ "socket",		st_socket,		0 },
	{ "socket-netlink",	st_socket_netlink,	0 },
	{ "socket-raw",		st_socket_raw,		0 },
	{ "socket-ping",	st_socket_ping,		0 },
	{ "tcp-loopback",	st_tcp_loopback,	0 },
	{ "exec",		st_exec,		0 },
	{ "ptrace",		st_ptrace,		0 },
	{ "fork",		st_fork,		0 },
	{ "write-file",		st_write_file,		0 },
	{ "write-profile",	st_write_profile,	1 },
	{ "mkdir-profile",	st_mkdir_profile,	0 },
	{ "rmdir-profile",	st_rmdir_profile,	0 },
	{ "mmap-exec",		st_mmap_exec,		0 },
	{ "tiocsti",		st_tiocsti,		0 },
};

void
sandbox_selftest(const char *what)
{
	size_t	i;
	int	e;

	if (what == NULL)
		return;
	for (i = 0; i < sizeof(selftests) / sizeof(selftests[0]); i++)
		if (strcmp(selftests[i].name, what) == 0)
			break;
	if (i == sizeof(selftests) / sizeof(selftests[0]))
		fatalx("selftest %s: unknown", what);
	log_warnx("selftest %s: trying", what);
	if (selftests[i].fn() >= 0) {
		if (selftests[i].positive) {
			log_warnx("selftest %s: allowed", what);
			_exit(SANDBOX_SELFTEST_ALLOWED);
		}
		log_warnx("selftest %s: NOT BLOCKED", what);
		if (left.path[0] != '\0')
			(void)unlinkat(AT_FDCWD, left.path, left.flags);
		_exit(SANDBOX_SELFTEST_NOT_BLOCKED);
	}
	e = errno;
	if (e == EACCES || e == EPERM) {
		log_warnx("selftest %s: refused: %s", what, strerror(e));
		_exit(SANDBOX_SELFTEST_REFUSED);
	}
	log_warnx("selftest %s: failed: %s", what, strerror(e));
	_exit(SANDBOX_SELFTEST_OTHER);
}
