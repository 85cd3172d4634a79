/* See netd_proc.h. */
#include <sys/socket.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/mono.h"
#include "common/role.h"
#include "netd/dht_packet.h"
#include "sandbox/spawn.h"
#include "tests/lib/lo_udp.h"
#include "tests/lib/netd_proc.h"

#define ARGV_MAX	16

static void
close_if(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

int
netd_proc_start(struct netd_proc *n, int mode, const char *const tail[])
{
	struct spawn_fd	 fds[5];
	char		 path[PATH_MAX];
	char		*argv[ARGV_MAX];
	int		 null = -1, p[2] = { -1, -1 }, sv[2] = { -1, -1 };
	int		 kv[2] = { -1, -1 }, nf = 0, argc = 0, i;

	memset(n, 0, sizeof(*n));
	n->pid = -1;
	n->sup = n->keyd = n->log = -1;
	snprintf(path, sizeof(path), "%s/libexec/bulkhead/netd", BUILD_DIR);
	if (access(path, X_OK) == -1) {
		fprintf(stderr, "netd_proc: no %s\n", path);
		return -1;
	}
	/* execv does not write to argv: its type is older than const */
	argv[argc++] = "netd";
	for (i = 0; tail != NULL && tail[i] != NULL; i++) {
		if (argc >= ARGV_MAX - 2)
			return -1;
		argv[argc++] = (char *)(uintptr_t)tail[i];
	}
	if (mode == NETD_PROC_STANDALONE)
		argv[argc++] = "--standalone";
	argv[argc] = NULL;

	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    pipe2(p, O_CLOEXEC) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1 ||
	    (mode == NETD_PROC_KEYD && socketpair(AF_UNIX, SOCK_SEQPACKET |
	    SOCK_CLOEXEC, 0, kv) == -1))
		goto fail;
	fds[nf++] = (struct spawn_fd){ null, 0 };
	fds[nf++] = (struct spawn_fd){ null, 1 };
	fds[nf++] = (struct spawn_fd){ p[1], 2 };
	fds[nf++] = (struct spawn_fd){ sv[1], FD_SUP };
	if (mode == NETD_PROC_KEYD)
		fds[nf++] = (struct spawn_fd){ kv[1], FD_NETD_KEYD };
	if ((n->pid = spawn_role(path, argv, fds, nf)) <= 0) {
		n->pid = -1;
		goto fail;
	}
	/* the child's ends are the child's now */
	close_if(&null);
	close_if(&p[1]);
	close_if(&sv[1]);
	close_if(&kv[1]);
	n->sup = sv[0];
	n->keyd = kv[0];
	n->log = p[0];
	(void)fcntl(n->log, F_SETFL, O_NONBLOCK);
	return 0;

fail:
	close_if(&null);
	for (i = 0; i < 2; i++) {
		close_if(&p[i]);
		close_if(&sv[i]);
		close_if(&kv[i]);
	}
	return -1;
}

void
netd_proc_log(struct netd_proc *n)
{
	ssize_t	r;

	while (n->log != -1 && n->len < sizeof(n->buf) - 1 &&
	    (r = read(n->log, n->buf + n->len,
	    sizeof(n->buf) - 1 - n->len)) > 0)
		n->len += (size_t)r;
	n->buf[n->len] = '\0';
}

int
netd_proc_wait(struct netd_proc *n, int timeout_ms)
{
	uint64_t	deadline = mono_ms() + (uint64_t)timeout_ms;
	struct pollfd	pfd;
	int		rc = 0;

	while (!n->reaped) {
		pfd.fd = n->log;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, 50);
		netd_proc_log(n);
		if (waitpid(n->pid, &n->status, WNOHANG) == n->pid)
			n->reaped = 1;
		else if (mono_ms() > deadline) {
			kill(n->pid, SIGKILL);
			(void)waitpid(n->pid, &n->status, 0);
			n->reaped = 1;
			rc = -1;
		}
	}
	netd_proc_log(n);
	return rc;
}

void
netd_proc_stop(struct netd_proc *n)
{
	if (!n->reaped && n->pid > 0) {
		kill(n->pid, SIGKILL);
		(void)waitpid(n->pid, &n->status, 0);
		n->reaped = 1;
	}
	close_if(&n->sup);
	close_if(&n->keyd);
	close_if(&n->log);
}

size_t
netd_proc_dht_pk(int s, uint16_t port, const uint8_t pk[32],
    uint8_t netd_pk[32], int timeout_ms)
{
	uint8_t		ann[DHT_LAN_LEN], got[256];
	uint64_t	deadline = mono_ms() + (uint64_t)timeout_ms;
	ssize_t		len = 0;

	if (dhtp_lan_pack(pk, ann, sizeof(ann)) != DHT_LAN_LEN)
		return 0;
	while (len == 0 && mono_ms() < deadline) {
		(void)lo_udp_send(s, port, ann, sizeof(ann));
		len = lo_udp_recv_kind(s, DHT_NODES_REQ, got, sizeof(got),
		    300);
	}
	if (len < 1 + DHT_PK_LEN)
		return (size_t)len;
	memcpy(netd_pk, got + 1, DHT_PK_LEN);
	return (size_t)len;
}
