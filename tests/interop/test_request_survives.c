/*
 * A friend request survives its sender's roles being killed (issue 9,
 * item 6).  netd is stopped before `add`, so the first copy keyd seals
 * waits unread in netd's channel, and killed after the reply: that copy
 * is gone.  Then either the old chatd resends on its schedule (netd
 * killed), or, with chatd killed as well, only what keyd stored is left:
 * the new chatd gets the friend with its request pending and sends again.
 * Either way a libtoxcore client gets the request with its text.  In the
 * test's own network namespace, with one tox-bootstrapd.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tox/tox.h>
#include <unistd.h>

#include "common/hex.h"
#include "common/mono.h"
#include "tests/lib/bh.h"
#include "tests/lib/bootstrapd.h"
#include "tests/lib/netns.h"
#include "tests/lib/toxpeer.h"

#define ADDR		"198.18.0.1"
#define T_REPLY		15000
#define T_ONION		120000		/* deadlines, not benchmarks */
#define T_REQUEST	180000

static struct bootstrapd	bsd;
static int			port_base;

static int
setup(void **state)
{
	port_base = 44000 + (int)(getpid() % 400) * 8;
	if (netns_private(ADDR) == -1)
		return -1;
	return bootstrapd_start(&bsd, port_base);
}

static int
teardown(void **state)
{
	bootstrapd_stop(&bsd);
	return 0;
}

/* Iterates the peer while waiting for a bulkhead event; NULL at the
 * deadline. */
static json_t *
event_while(struct bh *b, struct toxpeer *p, const char *name, int ms)
{
	uint64_t	 deadline = mono_ms() + (uint64_t)ms;
	json_t		*ev = NULL;

	while (ev == NULL && mono_ms() < deadline)
		ev = bh_event(b, name, toxpeer_iterate(p));
	return ev;
}

static void
wait_announced(struct bh *b, struct toxpeer *p)
{
	json_t	*ev;
	int	 ok = 0;

	while (!ok && (ev = event_while(b, p, "onion", T_ONION)) != NULL) {
		ok = json_is_true(json_object_get(ev, "announced"));
		json_decref(ev);
	}
	if (!ok)
		bh_dump_log(b);
	assert_true(ok);
}

static pid_t
role_pid(struct bh *b, const char *role)
{
	json_t	*st = bh_cmd(b, "{\"cmd\":\"status\"}", T_REPLY);
	pid_t	 pid;

	assert_non_null(st);
	pid = bh_role_pid(st, role);
	json_decref(st);
	assert_true(pid > 0);
	return pid;
}

/* bulkhead adds the peer with netd stopped, then netd (and chatd if
 * asked) is killed; the request arrives all the same. */
static void
request_survives(int kill_chatd, int port_off)
{
	char		 dir[64], port[32], bs[160], line[400];
	char		 rm[96], our_pk[65];
	const char	*args[] = { port, bs, NULL };
	uint8_t		 pk[TOX_PUBLIC_KEY_SIZE];
	struct toxpeer	 p, *ps[1] = { &p };
	struct bh	 b, *b1[1] = { &b };
	json_t		*r;
	size_t		 i;
	pid_t		 netd, chatd;
	const char	*what = kill_chatd ? "netd and chatd" : "netd";

	snprintf(port, sizeof(port), "--port=%d", port_base + port_off);
	snprintf(bs, sizeof(bs), "--bootstrap=" ADDR ":%d:%s", port_base,
	    bsd.key);
	assert_int_equal(bh_make_profile("survive", dir, sizeof(dir)), 0);
	assert_int_equal(bh_start_dir(&b, dir, args), 0);
	assert_int_equal(toxpeer_start(&p, "c-toxcore",
	    port_base + port_off + 1, ADDR, port_base, bsd.key), 0);
	wait_announced(&b, &p);

	snprintf(line, sizeof(line), "{\"cmd\":\"add\",\"address\":\"%s\","
	    "\"message\":\"still here after %s died\"}", p.address_hex, what);
	netd = role_pid(&b, "netd");
	chatd = role_pid(&b, "chatd");
	assert_int_equal(kill(netd, SIGSTOP), 0);
	assert_non_null(r = bh_cmd(&b, line, T_REPLY));
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	assert_non_null(r = bh_cmd(&b, "{\"cmd\":\"id\"}", T_REPLY));
	snprintf(our_pk, sizeof(our_pk), "%s", json_string_value(
	    json_object_get(r, "public_key")));
	json_decref(r);
	assert_int_equal(kill(netd, SIGKILL), 0);
	if (kill_chatd)
		assert_int_equal(kill(chatd, SIGKILL), 0);

	if (!toxpeer_run(ps, 1, b1, 1, T_REQUEST, toxpeer_has_request, &p))
		bh_dump_log(&b);
	assert_true(p.nreq > 0);
	assert_true(role_pid(&b, "netd") != netd);	/* restarted */
	if (kill_chatd)
		assert_true(role_pid(&b, "chatd") != chatd);
	snprintf(line, sizeof(line), "still here after %s died", what);
	assert_int_equal(hex_decode(our_pk, 64, pk, sizeof(pk)), 0);
	for (i = 0; i < p.nreq && i < TOXPEER_REQS; i++) {
		assert_int_equal(p.req[i].len, strlen(line));
		assert_memory_equal(p.req[i].msg, line, p.req[i].len);
		assert_memory_equal(p.req[i].pk, pk, sizeof(pk));
	}
	toxpeer_stop(&p);
	bh_stop(&b);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static void
request_survives_netd_killed(void **state)
{
	request_survives(0, 2);
}

static void
request_survives_netd_and_chatd_killed(void **state)
{
	request_survives(1, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_survives_netd_killed),
		cmocka_unit_test(request_survives_netd_and_chatd_killed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
