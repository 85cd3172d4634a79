/*
 * One libtoxcore node for the bench, in its own process and its own
 * executable (linked with libtoxcore alone), so that its CPU time, memory
 * and wakeups are measured as bulkhead's processes are, and none of the
 * bench's own pages are counted to it or shared with it.
 *
 *	toxnode host port key fd
 *
 * Bootstraps from host:port (key: 64 hex digits) and runs the loop tox.h
 * prescribes: tox_iterate(), then sleep tox_iteration_interval().  When its
 * self connection status first becomes UDP it writes one line to fd:
 *
 *	ready udp <CLOCK_MONOTONIC nanoseconds>
 *
 * and, should it fall from UDP later, "lost udp <nanoseconds>" (the bench
 * then discards the run); it runs until killed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tox/tox.h>

static int
unhex(const char *s, uint8_t *out, size_t len)
{
	unsigned int	v;
	size_t		i;

	if (strlen(s) != len * 2)
		return -1;
	for (i = 0; i < len; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct Tox_Options	*o;
	struct timespec		 ts, nap;
	TOX_ERR_BOOTSTRAP	 eb;
	TOX_ERR_NEW		 en;
	uint8_t			 key[TOX_PUBLIC_KEY_SIZE];
	uint32_t		 ms;
	char			 line[64];
	long			 port;
	int			 fd, udp = 0, n;
	Tox			*t;

	if (argc != 5 || unhex(argv[3], key, sizeof(key)) == -1 ||
	    (port = strtol(argv[2], NULL, 10)) <= 0 || port > 65535 ||
	    (fd = atoi(argv[4])) < 0) {
		fprintf(stderr, "usage: toxnode host port key fd\n");
		return 2;
	}
	if ((o = tox_options_new(NULL)) == NULL)
		return 1;
	/* as bulkhead is started: IPv4, no LAN discovery, no TCP relay */
	tox_options_set_ipv6_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	if ((t = tox_new(o, &en)) == NULL) {
		fprintf(stderr, "toxnode: tox_new: error %d\n", (int)en);
		return 1;
	}
	tox_options_free(o);
	if (!tox_bootstrap(t, argv[1], (uint16_t)port, key, &eb)) {
		fprintf(stderr, "toxnode: tox_bootstrap: error %d\n", (int)eb);
		return 1;
	}
	for (;;) {
		tox_iterate(t, NULL);
		if (udp != (tox_self_get_connection_status(t) ==
		    TOX_CONNECTION_UDP)) {
			udp = !udp;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			n = snprintf(line, sizeof(line), "%s udp %lld\n",
			    udp ? "ready" : "lost",
			    (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
			if (write(fd, line, (size_t)n) != n)
				return 1;
		}
		ms = tox_iteration_interval(t);
		nap.tv_sec = ms / 1000;
		nap.tv_nsec = (long)(ms % 1000) * 1000000L;
		while (nanosleep(&nap, &nap) == -1 && errno == EINTR)
			;
	}
}
