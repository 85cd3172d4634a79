/*
 * One libtoxcore node for the bench, in its own process and its own
 * executable (linked with libtoxcore alone), so that its CPU time, memory
 * and wakeups are measured as bulkhead's processes are, and none of the
 * bench's own pages are counted to it or shared with it.
 *
 *	toxnode host port key fd [savefile]
 *
 * With savefile, starts from the identity and friends saved there (if
 * the file is there) and writes them there on "save".
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
 *	friend <n> <64 hex> <state> <time>  friend n's connection became
 *					none, tcp or udp
 *	accepted <n>			a friend made by "accept"
 *	saved				the save file is written
 *	rtt <ns>			one round trip of "ping": the send,
 *					then the friend's echo's callback
 *	burst <ns>			"burst": from the first send to the
 *					callback of the last read receipt
 *	error <what>			a command that failed
 *
 * Commands on stdin, a line each:
 *
 *	add <76 hex digits>		tox_friend_add() with a fixed message
 *	accept <64 hex digits>		tox_friend_add_norequest()
 *	autoaccept			accept every request from now on
 *	save				write the save file
 *	echo <0|1>			send every message back to its sender
 *					(but for the answer to a ping)
 *	ping <n> <count>		count messages to friend n, each sent
 *					when the last one's echo came
 *	burst <n> <count>		count messages to friend n back to back
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
#define SAVE_MAX	(1 << 20)

static int		 outfd;
static const char	*savefile;
static int		 autoaccept, echo;

/* A ping in flight: its text, sent at t0; left, the ones still to go. */
static struct {
	uint32_t	friend;
	int		left, seq;
	long long	t0;
	char		text[32];
} ping;

/* A burst: n messages sent to friend from t0, got receipts so far. */
static struct {
	uint32_t	friend;
	int		n, got;
	long long	t0;
} burst;

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
accept_key(Tox *t, const uint8_t *pk)
{
	char			out[48];
	TOX_ERR_FRIEND_ADD	e;
	uint32_t		n;

	if ((n = tox_friend_add_norequest(t, pk, &e)) == UINT32_MAX)
		snprintf(out, sizeof(out), "error accept %d\n", (int)e);
	else
		snprintf(out, sizeof(out), "accepted %u\n", n);
	say(out);
}

static void
on_request(Tox *t, const uint8_t *pk, const uint8_t *msg, size_t len,
    void *arg)
{
	char	line[2 * TOX_PUBLIC_KEY_SIZE + 48];
	long long now = now_ns();

	(void)msg;
	(void)len;
	(void)arg;
	memcpy(line, "request ", 8);
	tohex(pk, TOX_PUBLIC_KEY_SIZE, line + 8);
	snprintf(line + 8 + 2 * TOX_PUBLIC_KEY_SIZE, 40, " %lld\n", now);
	say(line);
	if (autoaccept)
		accept_key(t, pk);
}

static void
on_connection(Tox *t, uint32_t friend, TOX_CONNECTION c, void *arg)
{
	static const char *const state[] = { "none", "tcp", "udp" };
	uint8_t		pk[TOX_PUBLIC_KEY_SIZE];
	char		line[2 * TOX_PUBLIC_KEY_SIZE + 64], hex[65];
	long long	now = now_ns();

	(void)arg;
	if (!tox_friend_get_public_key(t, friend, pk, NULL))
		return;
	tohex(pk, sizeof(pk), hex);
	snprintf(line, sizeof(line), "friend %u %s %s %lld\n", friend, hex,
	    (unsigned)c < 3 ? state[c] : "?", now);
	say(line);
}

/* The next ping's text to its friend, timed from just before the send. */
static void
ping_send(Tox *t)
{
	TOX_ERR_FRIEND_SEND_MESSAGE	e;
	char				out[48];

	snprintf(ping.text, sizeof(ping.text), "ping %d", ping.seq++);
	ping.t0 = now_ns();
	if (tox_friend_send_message(t, ping.friend, TOX_MESSAGE_TYPE_NORMAL,
	    (const uint8_t *)ping.text, strlen(ping.text), &e) == 0 &&
	    e != TOX_ERR_FRIEND_SEND_MESSAGE_OK) {
		snprintf(out, sizeof(out), "error ping %d\n", (int)e);
		say(out);
		ping.left = 0;
	}
}

static void
on_message(Tox *t, uint32_t friend, TOX_MESSAGE_TYPE type,
    const uint8_t *msg, size_t len, void *arg)
{
	char		out[48];
	long long	now = now_ns();

	(void)arg;
	if (ping.left > 0 && friend == ping.friend &&
	    len == strlen(ping.text) && memcmp(msg, ping.text, len) == 0) {
		snprintf(out, sizeof(out), "rtt %lld\n", now - ping.t0);
		say(out);
		if (--ping.left > 0)
			ping_send(t);
	} else if (echo)
		(void)tox_friend_send_message(t, friend, type, msg, len, NULL);
}

static void
on_receipt(Tox *t, uint32_t friend, uint32_t id, void *arg)
{
	char		out[48];
	long long	now = now_ns();

	(void)t;
	(void)id;
	(void)arg;
	if (burst.n > 0 && friend == burst.friend &&
	    ++burst.got == burst.n) {
		snprintf(out, sizeof(out), "burst %lld\n", now - burst.t0);
		say(out);
		burst.n = 0;
	}
}

static void
burst_send(Tox *t, uint32_t friend, int n)
{
	TOX_ERR_FRIEND_SEND_MESSAGE	e;
	char				text[32], out[48];
	int				i;

	burst.friend = friend;
	burst.got = 0;
	burst.n = n;
	burst.t0 = now_ns();
	for (i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "burst %d of %d", i, n);
		if (tox_friend_send_message(t, friend,
		    TOX_MESSAGE_TYPE_NORMAL, (const uint8_t *)text,
		    strlen(text), &e) == 0 &&
		    e != TOX_ERR_FRIEND_SEND_MESSAGE_OK) {
			snprintf(out, sizeof(out), "error burst %d at %d\n",
			    (int)e, i);
			say(out);
			burst.n = 0;
			return;
		}
	}
}

static void
save(Tox *t)
{
	char	 tmp[512];
	size_t	 len = tox_get_savedata_size(t);
	uint8_t	*buf;
	FILE	*f;
	int	 ok;

	if (savefile == NULL || (buf = malloc(len)) == NULL) {
		say("error save\n");
		return;
	}
	tox_get_savedata(t, buf);
	snprintf(tmp, sizeof(tmp), "%s.new", savefile);
	ok = (f = fopen(tmp, "w")) != NULL;
	if (ok) {
		ok = fwrite(buf, 1, len, f) == len;
		ok = fclose(f) == 0 && ok && rename(tmp, savefile) == 0;
	}
	free(buf);
	say(ok ? "saved\n" : "error save\n");
}

/* The saved identity and friends into o, if there are some; buf stays
 * the caller's until tox_new. */
static uint8_t *
load(struct Tox_Options *o)
{
	uint8_t	*buf;
	FILE	*f;
	size_t	 len;

	if (savefile == NULL || (f = fopen(savefile, "r")) == NULL)
		return NULL;
	if ((buf = malloc(SAVE_MAX)) == NULL) {
		fclose(f);
		return NULL;
	}
	len = fread(buf, 1, SAVE_MAX, f);
	fclose(f);
	if (len == 0 || len == SAVE_MAX) {
		free(buf);
		return NULL;
	}
	tox_options_set_savedata_type(o, TOX_SAVEDATA_TYPE_TOX_SAVE);
	tox_options_set_savedata_data(o, buf, len);
	return buf;
}

/* One command line from the bench. */
static void
command(Tox *t, char *line)
{
	uint8_t			a[TOX_ADDRESS_SIZE];
	char			out[64];
	TOX_ERR_FRIEND_ADD	e;
	long long		when;
	unsigned int		friend;
	int			n;

	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "accept ", 7) == 0 && unhex(line + 7, a,
	    TOX_PUBLIC_KEY_SIZE) == 0) {
		accept_key(t, a);
		return;
	} else if (strcmp(line, "autoaccept") == 0) {
		autoaccept = 1;
		return;
	} else if (strcmp(line, "save") == 0) {
		save(t);
		return;
	} else if (sscanf(line, "echo %d", &n) == 1) {
		echo = n != 0;
		return;
	} else if (sscanf(line, "ping %u %d", &friend, &n) == 2 && n > 0) {
		ping.friend = friend;
		ping.left = n;
		ping_send(t);
		return;
	} else if (sscanf(line, "burst %u %d", &friend, &n) == 2 && n > 0) {
		burst_send(t, friend, n);
		return;
	}
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
	const char		*relay;
	Tox			*t;
	uint8_t			*saved;

	if (argc == 6)
		savefile = argv[5];
	if ((argc != 5 && argc != 6) || unhex(argv[3], key, sizeof(key)) == -1 ||
	    (port = strtol(argv[2], NULL, 10)) <= 0 || port > 65535 ||
	    (outfd = atoi(argv[4])) < 0) {
		fprintf(stderr, "usage: toxnode host port key fd "
		    "[savefile]\n");
		return 2;
	}
	if ((o = tox_options_new(NULL)) == NULL)
		return 1;
	/* as bulkhead is started: IPv4, no LAN discovery, no TCP relay;
	 * TOXNODE_TCP_RELAY=port: no UDP, the node's relay on that port */
	tox_options_set_ipv6_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	if ((relay = getenv("TOXNODE_TCP_RELAY")) != NULL)
		tox_options_set_udp_enabled(o, false);
	saved = load(o);
	if ((t = tox_new(o, &en)) == NULL) {
		fprintf(stderr, "toxnode: tox_new: error %d\n", (int)en);
		return 1;
	}
	tox_options_free(o);
	free(saved);
	tox_callback_friend_request(t, on_request);
	tox_callback_friend_connection_status(t, on_connection);
	tox_callback_friend_message(t, on_message);
	tox_callback_friend_read_receipt(t, on_receipt);
	tox_self_get_address(t, addr);
	memcpy(line, "address ", 8);
	tohex(addr, sizeof(addr), line + 8);
	memcpy(line + 8 + 2 * sizeof(addr), "\n", 2);
	say(line);
	if (!tox_bootstrap(t, argv[1], (uint16_t)port, key, &eb)) {
		fprintf(stderr, "toxnode: tox_bootstrap: error %d\n", (int)eb);
		return 1;
	}
	if (relay != NULL && !tox_add_tcp_relay(t, argv[1],
	    (uint16_t)atoi(relay), key, &eb)) {
		fprintf(stderr, "toxnode: tox_add_tcp_relay: error %d\n",
		    (int)eb);
		return 1;
	}
	for (;;) {
		tox_iterate(t, NULL);
		/* "ready udp": connected the way this run asks (UDP, or the
		 * relay when UDP is off) */
		if (udp != (tox_self_get_connection_status(t) == (relay !=
		    NULL ? TOX_CONNECTION_TCP : TOX_CONNECTION_UDP))) {
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
