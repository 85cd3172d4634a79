/*
 * netd's reading of a nodes list from a descriptor: the bound is the
 * parser's, NODES_JSON_MAX_BYTES; a list of exactly that size is read and
 * used, one byte more is refused.  (Found by tests/fuzz/fuzz_nodes_feed.c:
 * the reader refused a list of exactly the bound.)
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

static int	nboot;

static void
on_bootstrap(const struct nodes_entry *e, void *arg)
{
	nboot++;
}

/* The list padded with spaces (valid JSON) to len bytes, in a file. */
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
	nboot = 0;
	/* a regular file: epoll refuses it, the reader reads it at once */
	nodes_feed_fd(padded_list(len), NODES_SRC_FILE);
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
		cmocka_unit_test(nodes_feed_reads_up_to_the_bound),
	};
	struct nodes_feed_ops	ops = { on_bootstrap, NULL, NULL };

	log_init("test", LOG_LVL_ERROR);
	loop_init();
	nodes_feed_init(&ops);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
