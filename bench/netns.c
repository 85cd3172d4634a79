/* The bench's network namespace: see netns.h. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/netns.h"

#define IP_MAX_ARGS	16

int
netns_ip(const char *first, ...)
{
	char		*argv[IP_MAX_ARGS + 2];
	const char	*arg;
	va_list		 ap;
	pid_t		 pid;
	int		 a = 0, status;

	argv[a++] = "ip";
	va_start(ap, first);
	for (arg = first; arg != NULL && a <= IP_MAX_ARGS;
	    arg = va_arg(ap, const char *))
		argv[a++] = (char *)(uintptr_t)arg;
	va_end(ap);
	argv[a] = NULL;
	if ((pid = fork()) == -1) {
		warn("fork");
		return -1;
	}
	if (pid == 0) {
		execvp("ip", argv);
		warn("exec ip");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		warnx("ip %s %s %s ... failed", argv[1], argv[2],
		    argv[3] ? argv[3] : "");
		return -1;
	}
	return 0;
}

int
netns_create(const char *name)
{
	if (netns_ip("netns", "add", name, NULL) == -1)
		return -1;
	/*
	 * The address sits on one end of a veth pair, an ordinary interface
	 * as on a host (the dummy driver is not built into every kernel);
	 * lo must be up for the host to reach its own addresses.  No IPv6
	 * link-local address is made for the pair: BENCH_ADDR is its only one.
	 */
	if (netns_ip("-n", name, "link", "set", "lo", "up", NULL) == -1 ||
	    netns_ip("-n", name, "link", "add", "bh0", "type", "veth", "peer",
	    "name", "bh1", NULL) == -1 ||
	    netns_ip("-n", name, "link", "set", "bh0", "addrgenmode", "none",
	    NULL) == -1 ||
	    netns_ip("-n", name, "link", "set", "bh1", "addrgenmode", "none",
	    NULL) == -1 ||
	    netns_ip("-n", name, "addr", "add", BENCH_ADDR "/24", "dev", "bh0",
	    NULL) == -1 ||
	    netns_ip("-n", name, "link", "set", "bh0", "up", NULL) == -1 ||
	    netns_ip("-n", name, "link", "set", "bh1", "up", NULL) == -1) {
		(void)netns_remove(name);
		return -1;
	}
	return 0;
}

int
netns_enter(const char *name)
{
	char	path[128];
	int	fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("%s", path);
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) == -1) {
		warn("setns %s", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Sends sig to every process whose network namespace is ns (an inode);
 * returns how many there were. */
static int
signal_members(ino_t ns, int sig)
{
	struct dirent	*de;
	struct stat	 st;
	char		 path[64];
	DIR		*d;
	pid_t		 pid;
	int		 n = 0;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		if (stat(path, &st) == -1 || st.st_ino != ns)
			continue;
		(void)kill(pid, sig);
		n++;
	}
	closedir(d);
	return n;
}

int
netns_remove(const char *name)
{
	struct stat	st;
	char		path[128];
	int		i;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if (stat(path, &st) == 0) {
		/* as ip netns pids does: by the namespace's inode */
		for (i = 0; i < 50 && signal_members(st.st_ino, SIGTERM) > 0;
		    i++)
			usleep(100000);
		while (signal_members(st.st_ino, SIGKILL) > 0)
			usleep(100000);
	}
	return netns_ip("netns", "del", name, NULL);
}
