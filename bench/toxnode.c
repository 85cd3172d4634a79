/*
 * One libtoxcore node for the bench, in its own process and its own
 * executable (linked with libtoxcore alone), so that its CPU time, memory
 * and wakeups are measured as bulkhead's processes are, and none of the
 * bench's own pages are counted to it or shared with it.
 *
 *	toxnode host port key fd
 *
 * Bootstraps from host:port (key: 64 hex digits) and runs the loop tox.h
 * prescribes: tox_iterate(), then wait tox_iteration_interval() (for a
 * command on stdin too, which costs nothing while none comes).  It writes
 * lines to fd, each time CLOCK_MONOTONIC nanoseconds taken when the thing
 * happened in this process:
 *
 *	address <76 hex digits>		first, its Tox ID (fresh each start)
 *	ready udp <time>		self connection status first UDP
 *	lost udp <time>			fell from UDP (the bench discards
 *					the run)
 *	added <time>			tox_friend_add() was called
 *	added error <code>		... and refused
 *	request <64 hex digits> <time>	a friend request, from that key
 *
 * One command on stdin, a line:
 *
 *	add <76 hex digits>		tox_friend_add() with a fixed message
 *
 * It runs until killed (stdin at its end is only no more commands).
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tox/tox.h>

#define MESSAGE	"bulkhead bench"

static int	outfd;

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

static void
tohex(const uint8_t *in, size_t len, char *out)
{
	size_t	i;

	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02X", in[i]);
}

/* A whole line to the bench, or the end of this node. */
static void
say(const char *line)
{
	size_t	len = strlen(line);

	if (write(outfd, line, len) != (ssize_t)len)
		exit(1);
}

static void
on_request(Tox *t, const uint8_t *pk, const uint8_t *msg, size_t len,
    void *arg)
{
	char	line[2 * TOX_PUBLIC_KEY_SIZE + 48];
	long long now = now_ns();

	(void)t;
	(void)msg;
	(void)len;
	(void)arg;
	memcpy(line, "request ", 8);
	tohex(pk, TOX_PUBLIC_KEY_SIZE, line + 8);
	snprintf(line + 8 + 2 * TOX_PUBLIC_KEY_SIZE, 40, " %lld\n", now);
	say(line);
}

/* One command line from the bench. */
static void
command(Tox *t, char *line)
{
	uint8_t			a[TOX_ADDRESS_SIZE];
	char			out[64];
	TOX_ERR_FRIEND_ADD	e;
	long long		when;

	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "add ", 4) != 0 || unhex(line + 4, a,
	    sizeof(a)) == -1) {
		say("added error bad-command\n");
		return;
	}
	when = now_ns();
	if (tox_friend_add(t, a, (const uint8_t *)MESSAGE,
	    sizeof(MESSAGE) - 1, &e) == UINT32_MAX)
		snprintf(out, sizeof(out), "added error %d\n", (int)e);
	else
		snprintf(out, sizeof(out), "added %lld\n", when);
	say(out);
}

/* Reads what stdin holds; whole lines are commands.  -1 at its end. */
static int
commands(Tox *t, char *buf, size_t sz, size_t *len)
{
	char	*nl;
	ssize_t	 r;

	if ((r = read(0, buf + *len, sz - 1 - *len)) <= 0)
		return r == -1 && errno == EINTR ? 0 : -1;
	*len += (size_t)r;
	buf[*len] = '\0';
	while ((nl = strchr(buf, '\n')) != NULL) {
		*nl = '\0';
		command(t, buf);
		*len -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, *len + 1);
	}
	if (*len == sz - 1)	/* a line too long: not the bench's */
		*len = 0;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct Tox_Options	*o;
	struct pollfd		 pfd = { .fd = 0, .events = POLLIN };
	TOX_ERR_BOOTSTRAP	 eb;
	TOX_ERR_NEW		 en;
	uint8_t			 key[TOX_PUBLIC_KEY_SIZE];
	uint8_t			 addr[TOX_ADDRESS_SIZE];
	char			 line[2 * TOX_ADDRESS_SIZE + 16], in[256];
	size_t			 inlen = 0;
	long			 port;
	int			 udp = 0;
	Tox			*t;

	if (argc != 5 || unhex(argv[3], key, sizeof(key)) == -1 ||
	    (port = strtol(argv[2], NULL, 10)) <= 0 || port > 65535 ||
	    (outfd = atoi(argv[4])) < 0) {
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
	tox_callback_friend_request(t, on_request);
	tox_self_get_address(t, addr);
	memcpy(line, "address ", 8);
	tohex(addr, sizeof(addr), line + 8);
	memcpy(line + 8 + 2 * sizeof(addr), "\n", 2);
	say(line);
	if (!tox_bootstrap(t, argv[1], (uint16_t)port, key, &eb)) {
		fprintf(stderr, "toxnode: tox_bootstrap: error %d\n", (int)eb);
		return 1;
	}
	for (;;) {
		tox_iterate(t, NULL);
		if (udp != (tox_self_get_connection_status(t) ==
		    TOX_CONNECTION_UDP)) {
			udp = !udp;
			snprintf(line, sizeof(line), "%s udp %lld\n",
			    udp ? "ready" : "lost", now_ns());
			say(line);
		}
		/* the interval, or less when a command comes */
		if (poll(&pfd, 1, (int)tox_iteration_interval(t)) == 1 &&
		    commands(t, in, sizeof(in), &inlen) == -1)
			pfd.fd = -1;	/* no more commands */
	}
}
