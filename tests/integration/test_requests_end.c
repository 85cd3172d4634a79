/*
 * Requests always end (issue 7, item 3), on the real processes: bootstrap
 * requests wait in keyd for a netd that is stopped; netd is then killed.
 * Each request gets exactly one reply, an error, with its own id; more of
 * them than keyd's old table held do not disable the command; and the
 * first request after netd's restart gets its own answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/bh.h"

#define T_REPLY		20000
#define T_RESTART	20000
#define IN_FLIGHT	20	/* more than the 16 slots keyd once had */

static const char	node_key[] =
    "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";

static int
setup(void **state)
{
	static const char *const args[] = { "--no-lan", NULL };
	struct bh	*b = calloc(1, sizeof(*b));

	if (b == NULL || bh_start(b, args) == -1)
		return -1;
	*state = b;
	return 0;
}

static int
teardown(void **state)
{
	struct bh	*b = *state;

	bh_stop(b);
	free(b);
	return 0;
}

static void
send_bootstrap(struct bh *b, int id)
{
	char	line[256];
	int	n;

	n = snprintf(line, sizeof(line), "{\"cmd\":\"bootstrap\",\"id\":%d,"
	    "\"host\":\"127.0.0.1\",\"port\":33445,\"key\":\"%s\"}\n", id,
	    node_key);
	assert_int_equal(write(b->in, line, (size_t)n), n);
}

/* The next reply, keeping events aside. */
static json_t *
next_reply(struct bh *b)
{
	json_t	*j;

	while ((j = bh_read(b, T_REPLY)) != NULL) {
		if (json_object_get(j, "reply") != NULL)
			return j;
		json_array_append_new(b->events, j);
	}
	bh_dump_log(b);
	fail_msg("no reply");
	return NULL;
}

static void
bootstraps_in_flight_when_netd_dies_each_end(void **state)
{
	struct bh	*b = *state;
	json_t		*st, *r, *ev;
	pid_t		 netd;
	int		 seen[IN_FLIGHT], i, id;

	st = bh_cmd(b, "{\"cmd\":\"status\"}", T_REPLY);
	assert_non_null(st);
	netd = bh_role_pid(st, "netd");
	json_decref(st);
	assert_true(netd > 0);

	/* netd cannot answer: the requests wait in keyd */
	assert_int_equal(kill(netd, SIGSTOP), 0);
	for (i = 0; i < IN_FLIGHT; i++)
		send_bootstrap(b, 100 + i);
	/* the frontend still answers what needs no netd */
	r = bh_cmd(b, "{\"cmd\":\"id\",\"id\":7}", T_REPLY);
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 7);
	json_decref(r);
	assert_int_equal(kill(netd, SIGKILL), 0);

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < IN_FLIGHT; i++) {
		r = next_reply(b);
		assert_string_equal(json_string_value(json_object_get(r,
		    "reply")), "bootstrap");
		assert_true(json_is_false(json_object_get(r, "ok")));
		id = (int)json_integer_value(json_object_get(r, "id"));
		assert_true(id >= 100 && id < 100 + IN_FLIGHT);
		assert_int_equal(seen[id - 100], 0);	/* exactly once */
		seen[id - 100] = 1;
		assert_non_null(strstr(json_string_value(json_object_get(r,
		    "error")), "netd"));
		json_decref(r);
	}

	ev = bh_event(b, "role_restarted", T_RESTART);
	assert_non_null(ev);
	json_decref(ev);
	/* the restarted netd's answer goes to the request that asked */
	send_bootstrap(b, 500);
	r = next_reply(b);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 500);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	send_bootstrap(b, 501);
	r = next_reply(b);
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 501);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);

	/* and end of input ends the session: nothing waits forever */
	close(b->in);
	b->in = -1;
	assert_true(bh_wait(b, T_REPLY) != -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    bootstraps_in_flight_when_netd_dies_each_end, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
