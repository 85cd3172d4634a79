/* fork+exec of a role with its descriptors at fixed numbers: see spawn.h. */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "sandbox/spawn.h"

#define SPAWN_HIGH_FD	100	/* above every fixed role descriptor */

pid_t
spawn_role(const char *path, char *const argv[], const struct spawn_fd *fds,
    int nfds)
{
	static char	*const empty_env[] = { NULL };
	sigset_t	 none;
	pid_t		 pid;
	int		 i, d, tmp[SPAWN_MAX_FDS], maxdst = 2;

	if (nfds > SPAWN_MAX_FDS)
		fatalx("%s: too many descriptors", __func__);
	switch ((pid = fork())) {
	case -1:
		return -1;
	case 0:
		break;
	default:
		return pid;
	}
	/*
	 * Child.  First lift every source above the targets, so a source that
	 * happens to sit on another's target number is not clobbered.
	 */
	for (i = 0; i < nfds; i++)
		if ((tmp[i] = fcntl(fds[i].src, F_DUPFD, SPAWN_HIGH_FD)) == -1)
			fatal("spawn %s: dup fd %d", path, fds[i].src);
	for (i = 0; i < nfds; i++) {
		if (dup2(tmp[i], fds[i].dst) == -1)
			fatal("spawn %s: dup2", path);
		if (fds[i].dst > maxdst)
			maxdst = fds[i].dst;
	}
	/*
	 * dup2 clears close-on-exec on the targets; everything else goes,
	 * the gaps between them too: a role takes a fixed number that is
	 * open for its channel, so a descriptor the caller leaked onto one
	 * (keyd's 7, say, in a one-shot without chatd) must not look like a
	 * peer.
	 */
	for (d = 0; d <= maxdst; d++) {
		for (i = 0; i < nfds && fds[i].dst != d; i++)
			;
		if (i == nfds)
			(void)close(d);
	}
	if (close_range((unsigned)maxdst + 1, ~0U, 0) == -1)
		for (i = maxdst + 1; i < 65536; i++)
			(void)close(i);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, argv, empty_env);
	log_warn("exec %s", path);
	_exit(127);
}
