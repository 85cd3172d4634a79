/*
 * The CLI's lines for file transfers (frontend/file_view.c): what an
 * offer, an end and a cancel print, a friend's file name neutralised,
 * sizes in words; without a terminal, no progress bar at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "frontend/file_view.h"
#include "frontend/frontend.h"
#include "frontend/ui.h"

/* What frontend.c, the role's main, provides; never called here. */
struct chan *
frontend_chan(enum role r)
{
	fail();
	return NULL;
}

void
frontend_quit(int code)
{
	fail();
}

void
frontend_exit(int code)
{
	fail_msg("frontend_exit(%d)", code);
	abort();
}

static const char	key[] =
    "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F809";

/* What rendering obj as event printed (stdout to a file; not a tty). */
static char *
printed(const char *event, json_t *obj, int *rv)
{
	static char	 out[4096];
	FILE		*f = tmpfile();
	int		 saved = dup(STDOUT_FILENO);
	size_t		 n;

	assert_non_null(f);
	fflush(stdout);
	assert_true(dup2(fileno(f), STDOUT_FILENO) >= 0);
	*rv = file_view_render(event, obj);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) >= 0);
	close(saved);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	json_decref(obj);
	return out;
}

static void
sizes_in_words(void **state)
{
	char	s[32];

	file_view_size(0, s, sizeof(s));
	assert_string_equal(s, "0 B");
	file_view_size(999, s, sizeof(s));
	assert_string_equal(s, "999 B");
	file_view_size(1500, s, sizeof(s));
	assert_string_equal(s, "1.5 kB");
	file_view_size(10485760, s, sizeof(s));
	assert_string_equal(s, "10.5 MB");
	file_view_size(3000000000ULL, s, sizeof(s));
	assert_string_equal(s, "3.0 GB");
}

static void
lines_for_events(void **state)
{
	const char	*o;
	int		 rv;

	o = printed("file_offer", json_pack("{s:i, s:s, s:i, s:s, s:i}",
	    "friend", 3, "public_key", key, "file", 65536, "name",
	    "evil\x1b[2Jname\xe2\x80\xae.txt", "size", 2100000), &rv);
	assert_int_equal(rv, 1);
	assert_non_null(strstr(o, "[3 1A2B3C4D] offers \""));
	assert_non_null(strstr(o, "(2.1 MB): file_accept 3 65536\n"));
	assert_null(strchr(o, '\x1b'));
	assert_null(strstr(o, "\xe2\x80\xae"));
	o = printed("file_offer", json_pack("{s:i, s:s, s:i, s:s, s:n}",
	    "friend", 3, "public_key", key, "file", 131072, "name", "s",
	    "size"), &rv);
	assert_non_null(strstr(o, "(size unknown)"));
	o = printed("file_done", json_pack("{s:i, s:s, s:i, s:s, s:i}",
	    "friend", 3, "public_key", key, "file", 65536, "path",
	    "/dl/a.bin", "size", 1500), &rv);
	assert_string_equal(o, "[3 1A2B3C4D] file 65536 received: /dl/a.bin "
	    "(1.5 kB)\n");
	o = printed("file_cancelled", json_pack("{s:i, s:s, s:i, s:s}",
	    "friend", 3, "public_key", key, "file", 0, "why", "friend"), &rv);
	assert_string_equal(o, "[3 1A2B3C4D] file 0 cancelled (friend)\n");
	/* not a terminal: the bar is not drawn, the event is taken */
	o = printed("file_progress", json_pack("{s:i, s:s, s:i, s:i, s:i, "
	    "s:i}", "friend", 3, "public_key", key, "file", 0, "bytes", 10,
	    "total", 100, "rate", 5), &rv);
	assert_int_equal(rv, 1);
	assert_string_equal(o, "");
	/* not ours, or not enough to say who: the generic way */
	o = printed("message", json_pack("{s:i, s:s}", "friend", 3,
	    "public_key", key), &rv);
	assert_int_equal(rv, 0);
	o = printed("file_offer", json_pack("{s:i}", "file", 1), &rv);
	assert_int_equal(rv, 0);
	assert_string_equal(o, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_in_words),
		cmocka_unit_test(lines_for_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
