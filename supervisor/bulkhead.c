/*
 * bulkhead: the supervisor.  It holds nothing secret and parses no network
 * or friend data: it reads its options, starts keyd, netd, mediad and
 * frontend (each its own executable, fork+exec), then only watches.
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "supervisor/command.h"
#include "supervisor/options.h"
#include "supervisor/session.h"

/* Roles live in ../libexec/bulkhead beside bin/, installed or in build/. */
static void
find_libexec(char *out, size_t sz)
{
	char	self[PATH_MAX], probe[PATH_MAX + 64];
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		fatal("readlink /proc/self/exe");
	self[n] = '\0';
	snprintf(out, sz, "%s/../libexec/bulkhead", dirname(self));
	snprintf(probe, sizeof(probe), "%s/keyd", out);
	if (access(probe, X_OK) == -1)
		fatal("role executables not found in %s", out);
}

/* Creates the profile's directory (0700) and its parents as needed. */
static void
make_profile_dir(const char *profile)
{
	char	dir[OPT_MAX_PATH], *p;

	snprintf(dir, sizeof(dir), "%s", profile);
	if ((p = strrchr(dir, '/')) == NULL)
		return;			/* relative, in the cwd */
	*p = '\0';
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			fatal("mkdir %s", dir);
		*p = '/';
	}
	if (dir[0] != '\0' && mkdir(dir, 0700) == -1 && errno != EEXIST)
		fatal("mkdir %s", dir);
}

int
main(int argc, char *argv[])
{
	struct options	opts;
	char		libexec[PATH_MAX + 32];
	int		rc;

	umask(077);
	options_parse(&opts, argc, argv);
	log_init("bulkhead", opts.level);
	/* Nothing we start can gain privileges through exec. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl(PR_SET_NO_NEW_PRIVS)");
	find_libexec(libexec, sizeof(libexec));
	make_profile_dir(opts.profile);
	command_prepare(&opts);
	rc = session_run(&opts, libexec);
	command_finish(&opts, rc);
	options_free(&opts);
	return rc;
}
