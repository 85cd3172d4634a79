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
#include "common/tcp_listen.h"
#include "common/udp_bind.h"
#include "supervisor/command.h"
#include "supervisor/options.h"
#include "supervisor/profile_dir.h"
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

int
main(int argc, char *argv[])
{
	struct options		opts;
	struct profile_dir	pd;
	char			libexec[PATH_MAX + 32];
	uint16_t		port;
	int			rc, v6, i;

	umask(077);
	options_parse(&opts, argc, argv);
	log_init("bulkhead", opts.level);
	/* Nothing we start can gain privileges through exec. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl(PR_SET_NO_NEW_PRIVS)");
	find_libexec(libexec, sizeof(libexec));
	/* Every word is checked before anything is created or started. */
	command_prepare(&opts);
	if ((rc = profile_dir_prepare(&pd, opts.profile)) != 0) {
		command_finish(&opts, rc);
		options_free(&opts);
		return rc;
	}
	/*
	 * A session's UDP socket is bound here, once: a port in use is one
	 * clear error now, not a netd dying at every restart, and every netd
	 * of the session gets this same socket (common/udp_bind.h).
	 */
	opts.udp_fd = -1;
	if (opts.command == NULL && !opts.no_udp &&
	    (opts.udp_fd = udp_bind(!opts.no_ipv6,
	    opts.port != 0 ? opts.port : UDP_PORT_FIRST,
	    opts.port != 0 ? opts.port : UDP_PORT_LAST, &port, &v6)) == -1) {
		if (opts.port != 0)
			fprintf(stderr, "bulkhead: --port %u: UDP port %u is "
			    "in use (%s)\n", opts.port, opts.port,
			    strerror(errno));
		else
			fprintf(stderr, "bulkhead: no UDP port free in "
			    "%u..%u (%s)\n", UDP_PORT_FIRST, UDP_PORT_LAST,
			    strerror(errno));
		command_finish(&opts, 1);
		profile_dir_finish(&pd, opts.profile);
		options_free(&opts);
		return 1;
	}
	/* the relay server's ports: bound here too, one clear error now */
	for (i = 0; opts.command == NULL && i < opts.ntcp_ports; i++)
		if ((opts.tcp_fds[i] = tcp_listen_bind(!opts.no_ipv6,
		    opts.tcp_ports[i])) == -1) {
			fprintf(stderr, "bulkhead: --tcp-port %u: %s\n",
			    opts.tcp_ports[i], strerror(errno));
			command_finish(&opts, 1);
			profile_dir_finish(&pd, opts.profile);
			options_free(&opts);
			return 1;
		}
	rc = session_run(&opts, libexec);
	command_finish(&opts, rc);
	profile_dir_finish(&pd, opts.profile);
	options_free(&opts);
	return rc;
}
