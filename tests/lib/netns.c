/* See netns.h. */
#include <sched.h>
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
