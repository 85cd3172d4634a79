/*
 * No role can freeze the supervisor through its log (audit M6, F14): the
 * session runs with stderr a pipe that nobody reads (a script's
 * stderr=PIPE), every role's fd 2 gets a megabyte of hostile log lines
 * (escape sequences, C1 controls, invalid UTF-8), and the supervisor must
 * still answer `status` and restart a SIGKILLed mediad.  Once stderr is
 * read again it says how many lines it dropped, and no control byte got
 * through.  The lines are written into the roles' own stderr pipes through
 * /proc/PID/fd/2, exactly what a compromised role would write; that needs
 * the right to look into the roles' descriptors (root, as in CI).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mono.h"
#include "tests/lib/bh.h"

#define T_REPLY		15000	/* deadlines, not benchmarks */
#define T_FLOOD		30000
#define FLOOD_BYTES	(1024 * 1024)
#define LINE_LEN	256

static const char *const roles[] = { "keyd", "netd", "mediad", "frontend" };

static json_t *
status(struct bh *b)
{
	json_t	*st = bh_cmd(b, "{\"cmd\":\"status\"}", T_REPLY);

	assert_non_null(st);
	assert_true(json_is_true(json_object_get(st, "ok")));
	return st;
}

/* A hostile line: an escape sequence, C1 CSI, invalid and overlong UTF-8. */
static void
hostile_line(char line[LINE_LEN], unsigned i)
{
	int	n;

	n = snprintf(line, LINE_LEN, "flood %u \x1b[2J\xc2\x9b" "31m"
	    "\xff\xc0\xaf\xed\xa0\x80 ", i);
	memset(line + n, 'x', LINE_LEN - 1 - (size_t)n);
	line[LINE_LEN - 1] = '\n';
}

/* Writes FLOOD_BYTES of lines into each role's stderr, without blocking:
 * a supervisor that stops reading them makes this fail at the deadline. */
static void
flood(json_t *st)
{
	char		 path[64], line[LINE_LEN];
	struct pollfd	 pfd[4];
	size_t		 done[4] = { 0 }, off[4] = { 0 };
	uint64_t	 deadline = mono_ms() + T_FLOOD;
	unsigned	 i, left, seq = 0;
	ssize_t		 n;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/proc/%d/fd/2",
		    (int)bh_role_pid(st, roles[i]));
		if ((pfd[i].fd = open(path, O_WRONLY | O_NONBLOCK |
		    O_CLOEXEC)) == -1) {
			if (errno == EACCES || errno == EPERM) {
				fprintf(stderr, "cannot open %s (not root?): "
				    "skipped\n", path);
				skip();
			}
			fail_msg("%s: %s", path, strerror(errno));
		}
		pfd[i].events = POLLOUT;
	}
	hostile_line(line, seq);
	for (;;) {
		for (left = 0, i = 0; i < 4; i++) {
			if (done[i] >= FLOOD_BYTES) {
				pfd[i].events = 0;
				continue;
			}
			left++;
			n = write(pfd[i].fd, line + off[i], LINE_LEN - off[i]);
			if (n == -1 && errno == EAGAIN)
				continue;
			assert_true(n > 0);
			off[i] = (off[i] + (size_t)n) % LINE_LEN;
			done[i] += (size_t)n;
			if (off[i] == 0)
				hostile_line(line, ++seq);
		}
		if (left == 0)
			break;
		if (mono_ms() >= deadline)
			fail_msg("the roles' log pipes stopped being read "
			    "(%zu %zu %zu %zu bytes written)", done[0],
			    done[1], done[2], done[3]);
		(void)poll(pfd, 4, 100);
	}
	for (i = 0; i < 4; i++)
		close(pfd[i].fd);
}

static void
stderr_unread_does_not_freeze(void **state)
{
	static const char *const args[] = { "--log-level=debug", NULL };
	struct bh	 b;
	json_t		*st, *ev;
	pid_t		 old, new;
	static char	 err[1 << 20];
	size_t		 len = 0;
	uint64_t	 deadline;
	struct pollfd	 pfd;
	ssize_t		 n;

	(void)state;
	assert_int_equal(bh_start_errpipe(&b, args), 0);
	/* The smallest pipe: it is full after a few lines. */
	assert_true(fcntl(b.errpipe, F_SETPIPE_SZ, 4096) >= 4096);
	st = status(&b);
	old = bh_role_pid(st, "mediad");
	flood(st);
	json_decref(st);

	/* Still supervising while nothing reads its stderr. */
	json_decref(status(&b));
	assert_int_equal(kill(old, SIGKILL), 0);
	ev = bh_event(&b, "role_restarted", T_REPLY);
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "role")),
	    "mediad");
	json_decref(ev);
	st = status(&b);
	new = bh_role_pid(st, "mediad");
	assert_true(new > 0 && new != old);
	json_decref(st);

	/* Read stderr again: it says what it dropped, and is clean. */
	deadline = mono_ms() + T_REPLY;
	pfd.fd = b.errpipe;
	pfd.events = POLLIN;
	while (len < sizeof(err) - 1 && mono_ms() < deadline) {
		err[len] = '\0';
		if (strstr(err, "log lines dropped") != NULL &&
		    strstr(err, "mediad restarted") != NULL)
			break;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((n = read(b.errpipe, err + len,
		    sizeof(err) - 1 - len)) <= 0)
			break;
		len += (size_t)n;
	}
	err[len] = '\0';
	assert_non_null(strstr(err, "log lines dropped"));
	assert_non_null(strstr(err, "flood "));
	assert_null(memchr(err, 0x1b, len));
	assert_null(memchr(err, 0x9b, len));
	assert_null(memchr(err, 0xff, len));
	bh_stop(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stderr_unread_does_not_freeze),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
