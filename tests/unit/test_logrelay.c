/*
 * The log relay's parts: the byte filter every relayed line goes through
 * (C0 and C1 controls, DEL, invalid, overlong and surrogate UTF-8 all
 * become '?', valid text stays), the bounded queue in front of a stderr
 * nobody reads (nothing blocks, the oldest whole lines go, the count is
 * reported), and the per-role line rate.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/loop.h"
#include "common/mono.h"
#include "common/textsafe.h"
#include "supervisor/logrelay.h"

static const char *
safe(const char *s, size_t n)
{
	static char	out[256];

	textsafe(s, n, out, sizeof(out));
	return out;
}
#define SAFE(lit)	safe(lit, sizeof(lit) - 1)

static void
filter_c0_c1_del(void **state)
{
	(void)state;
	assert_string_equal(SAFE("a\x1b[2Jb"), "a?[2Jb");
	assert_string_equal(SAFE("t\tn\nr\rd\x7f"), "t?n?r?d?");
	/* C1: CSI U+009B, U+0080, U+009F (one '?' each); U+00A0 is
	 * printable */
	assert_string_equal(SAFE("\xc2\x9b" "31m"), "?31m");
	assert_string_equal(SAFE("\xc2\x80\xc2\x9f\xc2\xa0"), "??\xc2\xa0");
	/* bidi overrides and zero-width characters, as in friends' text */
	assert_string_equal(SAFE("a\xe2\x80\xae" "b\xe2\x80\x8b" "c"), "a?b?c");
	/* the 8-bit CSI byte on its own */
	assert_string_equal(SAFE("\x9b" "1m"), "?1m");
}

static void
filter_invalid_utf8(void **state)
{
	(void)state;
	/* valid: 2, 3 and 4 bytes */
	assert_string_equal(SAFE("gr\xc3\xbc\xc3\x9f \xe2\x82\xac "
	    "\xf0\x9f\x98\x80"), "gr\xc3\xbc\xc3\x9f \xe2\x82\xac "
	    "\xf0\x9f\x98\x80");
	assert_string_equal(SAFE("\xff\xfe"), "??");
	assert_string_equal(SAFE("\x80x"), "?x");		/* lone tail */
	assert_string_equal(SAFE("\xe2\x82"), "??");	/* cut short */
	assert_string_equal(SAFE("\xe2\x82x"), "??x");
	/* overlong '/' in 2, 3 and 4 bytes; overlong NUL */
	assert_string_equal(SAFE("\xc0\xaf"), "??");
	assert_string_equal(SAFE("\xe0\x80\xaf"), "???");
	assert_string_equal(SAFE("\xf0\x80\x80\xaf"), "????");
	assert_string_equal(SAFE("\xc0\x80"), "??");
	/* surrogates U+D800, U+DFFF; beyond U+10FFFF */
	assert_string_equal(SAFE("\xed\xa0\x80"), "???");
	assert_string_equal(SAFE("\xed\xbf\xbf"), "???");
	assert_string_equal(SAFE("\xf4\x90\x80\x80"), "????");
	/* U+D7FF and U+E000 around the surrogates are fine */
	assert_string_equal(SAFE("\xed\x9f\xbf\xee\x80\x80"),
	    "\xed\x9f\xbf\xee\x80\x80");
}

static void
filter_truncates_on_boundary(void **state)
{
	char	out[4];

	(void)state;
	/* "a€" needs 4 bytes and a NUL: the euro sign is not cut */
	assert_int_equal(textsafe("a\xe2\x82\xac", 4, out, sizeof(out)), 1);
	assert_string_equal(out, "a");
}

/* Reads what is in the pipe now. */
static size_t
slurp(int fd, char *buf, size_t sz)
{
	size_t	len = 0;
	ssize_t	n;

	while (len < sz - 1 && (n = read(fd, buf + len, sz - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return len;
}

static void
queue_drops_oldest_never_blocks(void **state)
{
	static char	buf[1 << 20];
	char		line[1000];
	int		p[2], i;
	size_t		len;
	char		*s, *nl;

	(void)state;
	loop_init();
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	assert_true(fcntl(p[1], F_SETPIPE_SZ, 4096) >= 4096);
	/* the relay must not rely on the caller's flag */
	assert_int_equal(fcntl(p[1], F_SETFL, 0), 0);
	logrelay_init(p[1]);
	/* 300 kB into a 4 kB pipe nobody reads: returns, keeps the newest */
	for (i = 0; i < 300; i++) {
		memset(line, 'a' + i % 26, sizeof(line));
		snprintf(line, sizeof(line), "line %d ", i);
		line[strlen(line)] = 'x';
		logrelay_emit(line, sizeof(line));
	}
	assert_true(logrelay_dropped_total() > 200);
	/* now read: every line that arrives is whole, the last is there,
	 * and the drop is reported */
	len = 0;
	for (i = 0; i < 1000 && strstr(buf, "lines dropped") == NULL; i++) {
		len += slurp(p[0], buf + len, sizeof(buf) - len);
		loop_once(10);
	}
	len += slurp(p[0], buf + len, sizeof(buf) - len);
	assert_non_null(strstr(buf, "line 299 "));
	assert_null(strstr(buf, "line 100 "));
	assert_non_null(strstr(buf, "lines dropped: stderr was not being "
	    "read"));
	for (s = buf; (nl = strchr(s, '\n')) != NULL; s = nl + 1)
		assert_true(strncmp(s, "bulkhead: ", 10) == 0 ||
		    (strncmp(s, "line ", 5) == 0 && nl - s == 1000));
	assert_true(s == buf + len);
	logrelay_finish(0);
	close(p[0]);
	close(p[1]);
}

static void
rate_limit_per_role(void **state)
{
	static char	buf[1 << 20];
	struct logrelay	lr;
	char		line[64], *s;
	int		out[2], role[2], i, n;
	size_t		len = 0;
	uint64_t	deadline;

	(void)state;
	loop_init();
	assert_int_equal(pipe2(out, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(pipe2(role, O_CLOEXEC), 0);
	logrelay_init(out[1]);
	memset(&lr, 0, sizeof(lr));
	logrelay_open(&lr, role[0], "chatty");
	for (i = 0; i < 3 * LOGRELAY_RATE; i++) {
		n = snprintf(line, sizeof(line), "chatty %d\n", i);
		assert_int_equal(write(role[1], line, (size_t)n), n);
	}
	/* relayed until the pipe is empty, then the report comes */
	deadline = mono_ms() + 10000;
	while (strstr(buf, "not shown") == NULL && mono_ms() < deadline) {
		loop_once(50);
		len += slurp(out[0], buf + len, sizeof(buf) - len);
	}
	for (n = 0, s = buf; (s = strstr(s, "chatty ")) != NULL; s++)
		if (s == buf || s[-1] == '\n')
			n++;
	assert_int_equal(n, LOGRELAY_RATE);
	snprintf(line, sizeof(line), "chatty: %d log lines not shown",
	    2 * LOGRELAY_RATE);
	assert_non_null(strstr(buf, line));
	close(role[1]);
	logrelay_close(&lr);
	logrelay_finish(0);
	close(out[0]);
	close(out[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filter_c0_c1_del),
		cmocka_unit_test(filter_invalid_utf8),
		cmocka_unit_test(filter_truncates_on_boundary),
		cmocka_unit_test(queue_drops_oldest_never_blocks),
		cmocka_unit_test(rate_limit_per_role),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
