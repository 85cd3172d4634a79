/*
 * The seccomp allowlists: a base every role has, then one short table per
 * role.  Anything not listed kills the process.  Argument filters where
 * they are cheap: no mapping is ever executable, fetchd opens only IP
 * sockets and files only for reading, the terminal ioctls are named one
 * by one.
 * Listed only what the roles do AFTER lockdown (strace of the real
 * binaries); set-up that needs more (codecs, sodium_init, netd's UDP
 * socket) runs before.
 *
 * Never here: execve/execveat, ptrace, process_vm_*, fork/vfork/clone/
 * clone3, socket outside fetchd, a call taking a path outside keyd and
 * fetchd (sc_path_calls(): those two run only under Landlock), mount,
 * bpf, perf_event_open, keyctl, userfaultfd, io_uring_*.
 * tests/unit/test_sandbox.c holds these tables to that.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>

#include "sandbox/sb_int.h"

#define NITEMS(a)		(sizeof(a) / sizeof((a)[0]))
#define ALLOW(s)		{ SCMP_SYS(s), 0, 0, { { 0, 0, 0, 0 } } }
#define ALLOW_EQ(s, a, v)	{ SCMP_SYS(s), 0, 1, \
	{ { a, SCMP_CMP_EQ, (scmp_datum_t)(v), 0 } } }
/* Fails with errno e instead of killing: for library probes that cope. */
#define FAIL_EQ(s, a, v, e)	{ SCMP_SYS(s), (e), 1, \
	{ { a, SCMP_CMP_EQ, (scmp_datum_t)(v), 0 } } }
#define FAIL(s, e)		{ SCMP_SYS(s), (e), 0, { { 0, 0, 0, 0 } } }
#define ALLOW_EQ2(s, a, v, b, w) { SCMP_SYS(s), 0, 2, \
	{ { a, SCMP_CMP_EQ, (scmp_datum_t)(v), 0 }, \
	  { b, SCMP_CMP_EQ, (scmp_datum_t)(w), 0 } } }
/* No bit outside m may be set in argument a. */
#define ALLOW_MASK(s, a, m)	{ SCMP_SYS(s), 0, 1, \
	{ { a, SCMP_CMP_MASKED_EQ, ~(scmp_datum_t)(m), 0 } } }
/* None of the bits m may be set in argument a (O_RDONLY is 0). */
#define ALLOW_NONE(s, a, m)	{ SCMP_SYS(s), 0, 1, \
	{ { a, SCMP_CMP_MASKED_EQ, (scmp_datum_t)(m), 0 } } }
/* All of the bits m must be set in argument a. */
#define ALLOW_ALL(s, a, m)	{ SCMP_SYS(s), 0, 1, \
	{ { a, SCMP_CMP_MASKED_EQ, (scmp_datum_t)(m), (scmp_datum_t)(m) } } }
/* socket(af, type [| SOCK_NONBLOCK | SOCK_CLOEXEC], proto) */
#define SOCK(af, type, proto)	{ SCMP_SYS(socket), 0, 3, \
	{ { 0, SCMP_CMP_EQ, (af), 0 }, \
	  { 1, SCMP_CMP_MASKED_EQ, \
	    ~(scmp_datum_t)(SOCK_NONBLOCK | SOCK_CLOEXEC), (type) }, \
	  { 2, SCMP_CMP_EQ, (proto), 0 } } }

static const struct sc_rule sc_base[] = {
	ALLOW(read), ALLOW(write), ALLOW(close),
	ALLOW(exit_group), ALLOW(rt_sigreturn), ALLOW(restart_syscall),
	/* ipc/ipc.c, ipc/chan.c: SEQPACKET channels, fds by SCM_RIGHTS */
	ALLOW(recvmsg), ALLOW(sendmsg), ALLOW(poll), ALLOW(ppoll),
	ALLOW_EQ(fcntl, 1, F_GETFL), ALLOW_EQ(fcntl, 1, F_SETFL),
	ALLOW_EQ(fcntl, 1, F_GETFD), ALLOW_EQ(fcntl, 1, F_SETFD),
	ALLOW_EQ(fcntl, 1, F_DUPFD_CLOEXEC),
	/* common/loop.c: created after lockdown by role_rt.c */
	ALLOW(epoll_create1), ALLOW(epoll_ctl), ALLOW(epoll_wait),
	ALLOW(epoll_pwait), ALLOW(timerfd_create), ALLOW(timerfd_settime),
	ALLOW(clock_gettime),		/* vDSO, but it may fall back */
	ALLOW(getpid),			/* every log line */
	/* malloc; never an executable mapping */
	ALLOW(brk), ALLOW(munmap), ALLOW(mremap), ALLOW(madvise),
	ALLOW_MASK(mmap, 2, PROT_READ | PROT_WRITE),
	ALLOW_MASK(getrandom, 2, GRND_NONBLOCK),	/* libsodium */
};

#ifdef __SANITIZE_ADDRESS__
/* ASan+UBSan builds only (make SAN=1): what the runtime itself calls. */
static const struct sc_rule sc_san[] = {
	ALLOW(sigaltstack),
};
#endif

/*
 * keyd's profile store (keyd/profile_store.c), through the directory fd it
 * opened before lockdown: read the profile, write a temporary file with
 * O_EXCL, fsync it, rename it over the profile, fsync the directory.
 * fstat() is newfstatat(fd, "", AT_EMPTY_PATH) in glibc >= 2.33.
 */
static const struct sc_rule sc_keyd[] = {
	ALLOW(openat), ALLOW(fstat), ALLOW(newfstatat), ALLOW(fsync),
	ALLOW(renameat), ALLOW(unlinkat),
	/* sodium_malloc(): guard pages, mlock, MADV_DONTDUMP */
	ALLOW_MASK(mprotect, 2, PROT_READ | PROT_WRITE),
	ALLOW(mlock), ALLOW(munlock),
};

/*
 * netd: its UDP socket is made and bound before lockdown (netd/udp.c),
 * its TCP sockets by the supervisor, which has begun their connect
 * (netd/netd_sock.c); it runs in an empty network namespace.  After
 * lockdown: datagrams and stream bytes on those sockets, and the
 * connect's outcome (SO_ERROR, nothing else).  No socket() and no
 * connect(), so no TCP to loopback or LAN services (audit M5) but
 * through the supervisor's policy.  Datagrams move in batches
 * (recvmmsg, sendmmsg: netd/net.c); stream bytes by read and write, so
 * sendto and recvfrom are not needed.
 */
static const struct sc_rule sc_netd[] = {
	ALLOW(sendmmsg), ALLOW(recvmmsg),
	ALLOW_EQ2(getsockopt, 1, SOL_SOCKET, 2, SO_ERROR),
	/* the relay server: accept on the listening sockets the supervisor
	 * bound (--tcp-port); netd binds and listens on nothing itself */
	ALLOW(accept4),
};

/*
 * chatd: the files it sends and receives arrive as descriptors (the
 * supervisor opened them for the frontend); it reads and writes them at
 * offsets, and opens nothing.  A received file's pages are written out
 * and dropped behind the stream (chatd/page_drop.c): both calls take
 * only a descriptor it holds.
 */
static const struct sc_rule sc_chatd[] = {
	ALLOW(pread64), ALLOW(pwrite64),
	ALLOW(sync_file_range), ALLOW(fadvise64),
};

/*
 * frontend: no file at all.  The passphrase file and the export and
 * import targets arrive as descriptors; lseek() rewinds the import fd
 * (frontend/profile_flow.c) and takes no path.  stdio's stdout buffer is
 * set before lockdown (role_rt.c), so glibc does not fstat() it here.
 */
static const struct sc_rule sc_frontend[] = {
	ALLOW(lseek),
	/* termios for the no-echo passphrase prompt, on the terminal only;
	 * never TIOCSTI (typing into the user's shell) */
	ALLOW_EQ(ioctl, 1, TCGETS),
	ALLOW_EQ2(ioctl, 0, 0, 1, TCSETS), ALLOW_EQ2(ioctl, 0, 0, 1, TCSETSW),
	ALLOW_EQ2(ioctl, 0, 0, 1, TCSETSF),
	/* the line editor (libedit): before each line it asks the window
	 * size and blocks SIGWINCH while it does */
	ALLOW_EQ2(ioctl, 0, 0, 1, TIOCGWINSZ), ALLOW(rt_sigprocmask),
};

/*
 * fetchd: one HTTPS download per run.  Name resolution (glibc: files,
 * then UDP/TCP to the resolver) and libcurl's threaded resolver happen
 * after lockdown, so it has threads (clone with the thread flags only,
 * never a fork) and reads a few files, which Landlock names.  It opens
 * them read-only: no O_WRONLY/O_RDWR, O_CREAT or O_TRUNC reach the
 * kernel, with or without Landlock.
 */
static const struct sc_rule sc_fetchd[] = {
	SOCK(AF_INET, SOCK_DGRAM, 0), SOCK(AF_INET, SOCK_DGRAM, IPPROTO_UDP),
	SOCK(AF_INET, SOCK_STREAM, 0), SOCK(AF_INET, SOCK_STREAM, IPPROTO_TCP),
	SOCK(AF_INET6, SOCK_DGRAM, 0), SOCK(AF_INET6, SOCK_DGRAM, IPPROTO_UDP),
	SOCK(AF_INET6, SOCK_STREAM, 0),
	SOCK(AF_INET6, SOCK_STREAM, IPPROTO_TCP),
	FAIL_EQ(socket, 0, AF_UNIX, EACCES),	/* glibc asks nscd first */
	FAIL_EQ(socket, 0, AF_NETLINK, EACCES),	/* AI_ADDRCONFIG probe */
	ALLOW(connect), ALLOW(getsockname), ALLOW(getpeername),
	ALLOW(setsockopt), ALLOW(getsockopt), ALLOW(sendto),
	ALLOW(recvfrom), ALLOW(sendmmsg), ALLOW_EQ(ioctl, 1, FIONREAD),
	ALLOW_EQ(socketpair, 0, AF_UNIX),	/* curl's resolver wake-up */
	/* resolv.conf, hosts, CA certificates (Landlock: read only) */
	ALLOW_NONE(openat, 2, O_ACCMODE | O_CREAT | O_TRUNC),
	ALLOW(lseek), ALLOW(fstat), ALLOW(newfstatat), ALLOW(getdents64),
	/* pthread_create: glibc tries clone3 (flags out of the filter's
	 * reach) and falls back to clone, whose flags it can see */
	FAIL(clone3, ENOSYS),
	ALLOW_ALL(clone, 0, CLONE_VM | CLONE_FS | CLONE_FILES |
	    CLONE_SIGHAND | CLONE_THREAD),
	ALLOW(set_robust_list), ALLOW(rseq), ALLOW(futex), ALLOW(exit),
	ALLOW(rt_sigprocmask), ALLOW(rt_sigaction), ALLOW(gettid),
	ALLOW(uname),				/* the resolver */
	ALLOW_MASK(mprotect, 2, PROT_READ | PROT_WRITE),	/* stack guard */
};

static const struct sc_table sc_tables[ROLE_MAX] = {
	[ROLE_KEYD] = { "keyd", sc_keyd, NITEMS(sc_keyd) },
	[ROLE_NETD] = { "netd", sc_netd, NITEMS(sc_netd) },
	/* Codecs are set up before lockdown and run single-threaded (no
	 * clone); encoding and decoding need nothing beyond the base. */
	/* chatd parses friends' data: no path, no socket. */
	[ROLE_CHATD] = { "chatd", sc_chatd, NITEMS(sc_chatd) },
	[ROLE_MEDIAD] = { "mediad", NULL, 0 },
	[ROLE_FRONTEND] = { "frontend", sc_frontend, NITEMS(sc_frontend) },
	[ROLE_FETCHD] = { "fetchd", sc_fetchd, NITEMS(sc_fetchd) },
};

static const struct sc_table sc_table_common = {
	"base", sc_base, NITEMS(sc_base)
};

const struct sc_table *
sc_table_base(void)
{
	return &sc_table_common;
}

const struct sc_table *
sc_table_san(void)
{
#ifdef __SANITIZE_ADDRESS__
	static const struct sc_table	t = { "sanitizer", sc_san,
	    NITEMS(sc_san) };

	return &t;
#else
	return NULL;
#endif
}

const struct sc_table *
sc_table_role(enum role role)
{
	if ((unsigned)role >= ROLE_MAX || sc_tables[role].name == NULL)
		return NULL;
	return &sc_tables[role];
}
