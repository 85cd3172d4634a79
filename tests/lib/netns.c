/* See netns.h. */
#include <sys/wait.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/lib/netns.h"

static int
write_file(const char *path, const char *s)
{
	FILE	*f = fopen(path, "w");
	int	 ok;

	if (f == NULL)
		return -1;
	ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

int
netns_private(const char *addr)
{
	char	map[64], cmd[128];
	uid_t	uid = getuid();
	gid_t	gid = getgid();

	if (unshare(CLONE_NEWNET) == -1) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == -1)
			goto fail;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (write_file("/proc/self/uid_map", map) == -1 ||
		    write_file("/proc/self/setgroups", "deny") == -1)
			goto fail;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (write_file("/proc/self/gid_map", map) == -1)
			goto fail;
	}
	/* on the namespace's own lo: no kernel module, nothing leaves */
	if (addr == NULL)
		snprintf(cmd, sizeof(cmd), "ip link set lo up");
	else
		snprintf(cmd, sizeof(cmd), "ip link set lo up && "
		    "ip addr add %s/32 dev lo", addr);
	if (system(cmd) == 0)
		return 0;
fail:
	fprintf(stderr, "cannot make a network namespace (root or user "
	    "namespaces, and iproute2, needed)\n");
	return -1;
}

int
netns_exec(pid_t holder, const char *cmd)
{
	char	c[1024];

	snprintf(c, sizeof(c), "nsenter -t %d -n sh -c '%s'", (int)holder,
	    cmd);
	return system(c);
}

int
netns_inner(const char *outer, const char *inner, pid_t *holder)
{
	char	cmd[512], path[64], b;
	int	p[2], fd;
	pid_t	pid;

	if (pipe(p) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNET) == -1)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &b, 1) != 1) {
		close(p[0]);
		goto fail;
	}
	close(p[0]);
	snprintf(cmd, sizeof(cmd), "ip link add bhv0 type veth peer name bhv1 "
	    "netns %d && sysctl -qw net.ipv6.conf.bhv0.disable_ipv6=1 && "
	    "ip addr add %s/24 dev bhv0 && ip link set bhv0 up", (int)pid,
	    outer);
	if (system(cmd) != 0)
		goto fail;
	snprintf(cmd, sizeof(cmd), "sysctl -qw net.ipv6.conf.all.disable_ipv6=1"
	    " && sysctl -qw net.ipv6.conf.bhv1.disable_ipv6=1 && "
	    "ip link set lo up && ip addr add %s/24 dev bhv1 && "
	    "ip link set bhv1 up", inner);
	if (netns_exec(pid, cmd) != 0)
		goto fail;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		goto fail;
	*holder = pid;
	return fd;
fail:
	fprintf(stderr, "cannot make the inner namespace (iproute2, nsenter)\n");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}
