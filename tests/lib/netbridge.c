/* See netbridge.h. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/lib/netbridge.h"

#define BRIDGE	"bhmixbr"

static int
run(const char *cmd)
{
	if (system(cmd) == 0)
		return 0;
	fprintf(stderr, "netbridge: failed: %s\n", cmd);
	return -1;
}

int
netbridge_init(struct netbridge *nb)
{
	memset(nb, 0, sizeof(*nb));
	if ((nb->home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC))
	    == -1) {
		perror("netbridge: /proc/self/ns/net");
		return -1;
	}
	/* no spanning tree, no forward delay: ports forward at once */
	return run("ip link add " BRIDGE " type bridge forward_delay 0 "
	    "stp_state 0 && ip link set " BRIDGE " up");
}

/*
 * A process parked in a new namespace, so that iproute2 can name that
 * namespace by pid while the veth's far end is moved there; the namespace
 * itself is then held by a descriptor and the process goes.
 */
static pid_t
park(int *fd)
{
	char	path[64], c = 0;
	int	p[2];
	pid_t	pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNET) == -1)
			_exit(1);
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid == -1 || read(p[0], &c, 1) != 1) {
		close(p[0]);
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return -1;
	}
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	return pid;
}

int
netbridge_host(struct netbridge *nb, const char *addr)
{
	char	cmd[256];
	int	h = nb->n, fd = -1, rv = -1;
	pid_t	pid;

	if (h >= NETBRIDGE_HOSTS || strlen(addr) >= sizeof(nb->addr[h]))
		return -1;
	if ((pid = park(&fd)) == -1 || fd == -1) {
		perror("netbridge: a new namespace");
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "ip link add bhmix%d type veth peer name "
	    "eth0 netns %d && ip link set bhmix%d master " BRIDGE " up",
	    h, (int)pid, h);
	if (run(cmd) == -1)
		goto out;
	if (setns(fd, CLONE_NEWNET) == -1) {
		perror("netbridge: setns");
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "ip link set lo up && ip link set eth0 up "
	    "&& ip addr add %s/24 dev eth0", addr);
	rv = run(cmd);
	if (netbridge_leave(nb) == -1)
		rv = -1;
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (rv == -1) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	nb->host[h] = fd;
	snprintf(nb->addr[h], sizeof(nb->addr[h]), "%s", addr);
	return nb->n++;
}

int
netbridge_enter(struct netbridge *nb, int h)
{
	if (h < 0 || h >= nb->n || setns(nb->host[h], CLONE_NEWNET) == -1) {
		fprintf(stderr, "netbridge: cannot enter host %d: %s\n", h,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
netbridge_leave(struct netbridge *nb)
{
	if (setns(nb->home, CLONE_NEWNET) == -1) {
		perror("netbridge: setns home");
		return -1;
	}
	return 0;
}

int
netbridge_neighbour(struct netbridge *nb, int h, const char *addr)
{
	char	 line[256], ip[64];
	FILE	*f;
	int	 found = 0;

	if (netbridge_enter(nb, h) == -1)
		return -1;
	/* the shell popen forks is in h's namespace; we need not stay */
	f = popen("ip -4 neigh show dev eth0", "r");
	if (netbridge_leave(nb) == -1 || f == NULL) {
		if (f != NULL)
			pclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%63s", ip) == 1 && strcmp(ip, addr) == 0 &&
		    strstr(line, "FAILED") == NULL &&
		    strstr(line, "INCOMPLETE") == NULL)
			found = 1;
	if (pclose(f) != 0) {
		fprintf(stderr, "netbridge: ip neigh failed in host %d\n", h);
		return -1;
	}
	return found;
}

void
netbridge_free(struct netbridge *nb)
{
	int	h;

	for (h = 0; h < nb->n; h++)
		close(nb->host[h]);
	if (nb->home > 0)
		close(nb->home);
	nb->n = 0;
	nb->home = -1;
}
