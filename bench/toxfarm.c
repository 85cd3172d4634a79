/*
 * Friends for the bench's "friends online" figures: many libtoxcore
 * instances in one process (its own executable, linked with libtoxcore
 * alone), each a fresh identity that asks the given Tox IDs to be its
 * friends and then stays online with them.  The bench measures the nodes
 * they are friends with, never this process.
 *
 *	toxfarm host port key fd count address...
 *
 * Bootstraps every instance from host:port (key: 64 hex digits) and
 * iterates them all in one loop, waiting the shortest interval any asks
 * for.  It writes a line to fd each time the number of instances online
 * with every one of their friends changes:
 *
 *	online <k> <time>		k instances, CLOCK_MONOTONIC ns
 *
 * It runs until killed.
 */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tox/tox.h>

#define MESSAGE		"bulkhead bench friend"
#define FARM_MAX	200
#define PORT_FIRST	40000	/* clear of the nodes' default range */
#define PORT_LAST	60000

static long long
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

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

/* Every friend of t connected, by any way. */
static int
all_online(Tox *t)
{
	size_t		 n = tox_self_get_friend_list_size(t), i;
	uint32_t	 list[8];

	if (n == 0 || n > 8)
		return 0;
	tox_self_get_friend_list(t, list);
	for (i = 0; i < n; i++)
		if (tox_friend_get_connection_status(t, list[i], NULL) ==
		    TOX_CONNECTION_NONE)
			return 0;
	return 1;
}

int
main(int argc, char *argv[])
{
	static Tox		*farm[FARM_MAX];
	struct Tox_Options	*o;
	TOX_ERR_FRIEND_ADD	 ea;
	TOX_ERR_NEW		 en;
	uint8_t			 key[TOX_PUBLIC_KEY_SIZE];
	uint8_t			 addr[TOX_ADDRESS_SIZE];
	char			 line[64];
	long			 port;
	int			 fd, count, i, j, online = -1, k, wait;

	if (argc < 7 || unhex(argv[3], key, sizeof(key)) == -1 ||
	    (port = strtol(argv[2], NULL, 10)) <= 0 || port > 65535 ||
	    (fd = atoi(argv[4])) < 0 || (count = atoi(argv[5])) < 1 ||
	    count > FARM_MAX || argc - 6 > 8) {
		fprintf(stderr, "usage: toxfarm host port key fd count "
		    "address...\n");
		return 2;
	}
	if ((o = tox_options_new(NULL)) == NULL)
		return 1;
	/* as the nodes it befriends: IPv4, no LAN discovery */
	tox_options_set_ipv6_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	tox_options_set_start_port(o, PORT_FIRST);
	tox_options_set_end_port(o, PORT_LAST);
	for (i = 0; i < count; i++) {
		if ((farm[i] = tox_new(o, &en)) == NULL) {
			fprintf(stderr, "toxfarm: tox_new %d: error %d\n", i,
			    (int)en);
			return 1;
		}
		if (!tox_bootstrap(farm[i], argv[1], (uint16_t)port, key,
		    NULL)) {
			fprintf(stderr, "toxfarm: tox_bootstrap failed\n");
			return 1;
		}
		for (j = 6; j < argc; j++)
			if (unhex(argv[j], addr, sizeof(addr)) == -1 ||
			    tox_friend_add(farm[i], addr,
			    (const uint8_t *)MESSAGE, sizeof(MESSAGE) - 1,
			    &ea) == UINT32_MAX) {
				fprintf(stderr, "toxfarm: add %s failed\n",
				    argv[j]);
				return 1;
			}
	}
	tox_options_free(o);
	for (;;) {
		wait = 1000;
		k = 0;
		for (i = 0; i < count; i++) {
			tox_iterate(farm[i], NULL);
			if ((int)tox_iteration_interval(farm[i]) < wait)
				wait = (int)tox_iteration_interval(farm[i]);
			k += all_online(farm[i]);
		}
		if (k != online) {
			online = k;
			snprintf(line, sizeof(line), "online %d %lld\n", k,
			    now_ns());
			if (write(fd, line, strlen(line)) !=
			    (ssize_t)strlen(line))
				return 1;
		}
		(void)poll(NULL, 0, wait);
	}
}
