/*
 * netd's nodes-list feed.  What it says when a list is empty: a fetch
 * that produced nothing adds no "invalid JSON" warning of its own, an
 * empty --nodes file is still a mistake worth a warning.  And its reading
 * from a descriptor: the bound is the parser's, NODES_JSON_MAX_BYTES; a
 * list of exactly that size is read and used, one byte more is refused
 * (found by tests/fuzz/fuzz_nodes_feed.c: the reader refused a list of
 * exactly the bound); the caller hears how many nodes were used.
 */
#include <sys/mman.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/log.h"
#include "common/loop.h"
#include "netd/nodes_feed.h"

#define LIST	"{\"nodes\": [{\"ipv4\": \"1.2.3.4\", \"port\": 33445, " \
	"\"public_key\": \"8E7D0B859922EF569298B4D261A8CCB5FEA14FB91ED412A7" \
	"603A585A25698832\"}]}"

static int	nboot, done_calls, done_used;

static void
on_bootstrap(const struct nodes_entry *e, void *arg)
{
	nboot++;
}

static void
on_done(int used, void *arg)
{
	done_calls++;
	done_used = used;
}

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

	log_setlevel(LOG_LVL_INFO);
	feed_capture("", 0, NODES_SRC_FETCH, out, sizeof(out));
	assert_null(strstr(out, "JSON"));
	assert_null(strstr(out, "warn"));
	/* a real file with nothing in it is worth a word */
	feed_capture("", 0, NODES_SRC_FILE, out, sizeof(out));
	assert_non_null(strstr(out, "invalid JSON"));
	/* and so is a fetched body that is not a list */
	feed_capture("<html>", 6, NODES_SRC_FETCH, out, sizeof(out));
	assert_non_null(strstr(out, "invalid JSON"));
	log_setlevel(LOG_LVL_ERROR);
}

/* The list padded with spaces (valid JSON) to len bytes, in a memfd. */
static int
padded_list(size_t len)
{
	char	*buf;
	int	 fd;

	assert_non_null(buf = malloc(len));
	memset(buf, ' ', len);
	memcpy(buf, LIST, strlen(LIST));
	assert_true((fd = memfd_create("nodes", MFD_CLOEXEC)) >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	free(buf);
	return fd;
}

static int
feed(size_t len)
{
	nboot = done_calls = 0;
	done_used = -1;
	/* a regular file: epoll refuses it, the reader reads it at once */
	nodes_feed_fd(padded_list(len), NODES_SRC_FETCH, on_done, NULL);
	assert_int_equal(done_calls, 1);
	assert_int_equal(done_used, nboot);
	return nboot;
}

static void
nodes_feed_reads_up_to_the_bound(void **state)
{
	assert_int_equal(feed(strlen(LIST)), 1);
	assert_int_equal(feed(NODES_JSON_MAX_BYTES - 1), 1);
	assert_int_equal(feed(NODES_JSON_MAX_BYTES), 1);
	assert_int_equal(feed(NODES_JSON_MAX_BYTES + 1), 0);
	assert_int_equal(feed(NODES_JSON_MAX_BYTES + 4096), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_fetch_is_not_invalid_json),
		cmocka_unit_test(nodes_feed_reads_up_to_the_bound),
	};

	log_init("netd", LOG_LVL_ERROR);
	loop_init();
	nodes_feed_init(&(struct nodes_feed_ops){ .bootstrap = on_bootstrap });
	return cmocka_run_group_tests(tests, NULL, NULL);
}
