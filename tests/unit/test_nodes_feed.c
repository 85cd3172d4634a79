/*
 * netd's nodes-list feed: what it says when a list is empty.  A fetch
 * that produced nothing (fetchd failed: the supervisor reports that) adds
 * no "invalid JSON" warning of its own; an empty --nodes file is still a
 * mistake worth a warning.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "netd/nodes_feed.h"

/* Runs nodes_feed_buf(p, n, src) with fd 2 captured into out. */
static void
feed_capture(const char *p, size_t n, enum nodes_source src, char *out,
    size_t outsz)
{
	int	pp[2], saved;
	ssize_t	got;

	assert_int_equal(pipe2(pp, O_CLOEXEC | O_NONBLOCK), 0);
	assert_true((saved = dup(STDERR_FILENO)) != -1);
	assert_int_equal(dup2(pp[1], STDERR_FILENO), STDERR_FILENO);
	assert_int_equal(nodes_feed_buf(p, n, src), 0);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	close(pp[1]);
	got = read(pp[0], out, outsz - 1);
	out[got > 0 ? got : 0] = '\0';
	close(pp[0]);
}

static void
empty_fetch_is_not_invalid_json(void **state)
{
	char	out[1024];

	(void)state;
	log_init("netd", LOG_LVL_INFO);
	nodes_feed_init(&(struct nodes_feed_ops){ NULL, NULL });
	feed_capture("", 0, NODES_SRC_FETCH, out, sizeof(out));
	assert_null(strstr(out, "JSON"));
	assert_null(strstr(out, "warn"));
	/* a real file with nothing in it is worth a word */
	feed_capture("", 0, NODES_SRC_FILE, out, sizeof(out));
	assert_non_null(strstr(out, "invalid JSON"));
	/* and so is a fetched body that is not a list */
	feed_capture("<html>", 6, NODES_SRC_FETCH, out, sizeof(out));
	assert_non_null(strstr(out, "invalid JSON"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_fetch_is_not_invalid_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
