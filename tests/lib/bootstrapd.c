/* tox-bootstrapd for tests: see bootstrapd.h. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/hex.h"
#include "tests/lib/bh.h"
#include "tests/lib/bootstrapd.h"

int
bootstrapd_start(struct bootstrapd *d, int port)
{
	return bootstrapd_start_tcp(d, port, 0);
}

int
bootstrapd_start_tcp(struct bootstrapd *d, int port, int tcp_port)
{
	char	 relay[64] = "enable_tcp_relay = false\n";
	char	 conf[128], keys[128], arg[160];
	uint8_t	 pk[32];
	FILE	*f;
	int	 i;

	memset(d, 0, sizeof(*d));
	d->port = port;
	snprintf(d->dir, sizeof(d->dir), "/tmp/bh-bsd-XXXXXX");
	if (mkdtemp(d->dir) == NULL)
		return -1;
	snprintf(conf, sizeof(conf), "%s/conf", d->dir);
	if (tcp_port > 0)
		snprintf(relay, sizeof(relay), "enable_tcp_relay = true\n"
		    "tcp_relay_ports = [%d]\n", tcp_port);
	snprintf(keys, sizeof(keys), "%s/keys", d->dir);
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(f, "port = %d\nkeys_file_path = \"%s\"\n"
	    "pid_file_path = \"%s/pid\"\nenable_ipv6 = false\n"
	    "enable_ipv4_fallback = true\nenable_lan_discovery = false\n"
	    "%senable_motd = false\n"
	    "bootstrap_nodes = ()\n", port, keys, d->dir, relay);
	fclose(f);
	snprintf(arg, sizeof(arg), "--config=%s", conf);
	if ((d->pid = fork()) == 0) {
		int	null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execlp("tox-bootstrapd", "tox-bootstrapd", arg, "--foreground",
		    "--log-backend=stdout", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200; i++) {	/* 10 s at most */
		if (bh_slurp(keys, pk, sizeof(pk)) == sizeof(pk)) {
			hex_encode(pk, sizeof(pk), d->key);
			return 0;
		}
		usleep(50000);
	}
	return -1;
}

void
bootstrapd_stop(struct bootstrapd *d)
{
	char	cmd[96];

	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		waitpid(d->pid, NULL, 0);
		d->pid = 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", d->dir);
}
