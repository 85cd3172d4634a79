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

#define ADDR		"198.18.0.1"
#define T_REPLY		15000
#define T_ONION		120000		/* deadlines, not benchmarks */
#define T_REQUEST	180000

static struct bootstrapd	bsd;
static int			port_base;

struct peer {
	Tox	*t;
	int	 got;
	uint8_t	 from[TOX_PUBLIC_KEY_SIZE];
	char	 msg[TOX_MAX_FRIEND_REQUEST_LENGTH + 1];
};

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

static void
on_request(Tox *t, const uint8_t *pk, const uint8_t *msg, size_t len,
    void *arg)
{
	struct peer	*p = arg;

	p->got++;
	memcpy(p->from, pk, sizeof(p->from));
	snprintf(p->msg, sizeof(p->msg), "%.*s", (int)len, (const char *)msg);
}

static void
peer_start(struct peer *p, int port)
{
	struct Tox_Options	*o = tox_options_new(NULL);
	uint8_t			 key[32];

	memset(p, 0, sizeof(*p));
	tox_options_set_ipv6_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	tox_options_set_start_port(o, (uint16_t)port);
	tox_options_set_end_port(o, (uint16_t)port);
	p->t = tox_new(o, NULL);
	tox_options_free(o);
	assert_non_null(p->t);
	assert_int_equal(hex_decode(bsd.key, 64, key, sizeof(key)), 0);
	assert_true(tox_bootstrap(p->t, ADDR, (uint16_t)port_base, key, NULL));
	tox_callback_friend_request(p->t, on_request);
}

/* Iterates the peer while waiting for a bulkhead event; NULL at the
 * deadline. */
static json_t *
event_while(struct bh *b, struct peer *p, const char *name, int ms)
{
	uint64_t	 deadline = mono_ms() + (uint64_t)ms;
	json_t		*ev = NULL;

	while (ev == NULL && mono_ms() < deadline) {
		tox_iterate(p->t, p);
		ev = bh_event(b, name, (int)tox_iteration_interval(p->t));
	}
	return ev;
}

static void
wait_announced(struct bh *b, struct peer *p)
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
	char		 dir[64], port[32], bs[160], line[400], tid[77];
	char		 rm[96], our_pk[65];
	const char	*args[] = { port, bs, NULL };
	uint8_t		 addr[TOX_ADDRESS_SIZE], pk[TOX_PUBLIC_KEY_SIZE];
	struct peer	 p;
	struct bh	 b;
	json_t		*r;
	uint64_t	 deadline;
	pid_t		 netd, chatd;
	const char	*what = kill_chatd ? "netd and chatd" : "netd";

	snprintf(port, sizeof(port), "--port=%d", port_base + port_off);
	snprintf(bs, sizeof(bs), "--bootstrap=" ADDR ":%d:%s", port_base,
	    bsd.key);
	assert_int_equal(bh_make_profile("survive", dir, sizeof(dir)), 0);
	assert_int_equal(bh_start_dir(&b, dir, args), 0);
	peer_start(&p, port_base + port_off + 1);
	wait_announced(&b, &p);

	tox_self_get_address(p.t, addr);
	hex_encode(addr, sizeof(addr), tid);
	snprintf(line, sizeof(line), "{\"cmd\":\"add\",\"address\":\"%s\","
	    "\"message\":\"still here after %s died\"}", tid, what);
	netd = role_pid(&b, "netd");
	chatd = role_pid(&b, "chatd");
	assert_int_equal(kill(netd, SIGSTOP), 0);
	assert_non_null(r = bh_cmd(&b, line, T_REPLY));
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	assert_non_null(r = bh_cmd(&b, "{\"cmd\":\"id\"}", T_REPLY));
	snprintf(our_pk, sizeof(our_pk), "%s", json_string_value(
	    json_object_get(r, "public_key")) ?: "");
	json_decref(r);
	assert_int_equal(kill(netd, SIGKILL), 0);
	if (kill_chatd)
		assert_int_equal(kill(chatd, SIGKILL), 0);

	deadline = mono_ms() + T_REQUEST;
	while (p.got == 0 && mono_ms() < deadline) {
		tox_iterate(p.t, &p);
		usleep(tox_iteration_interval(p.t) * 1000);
	}
	if (p.got == 0)
		bh_dump_log(&b);
	assert_true(p.got > 0);
	assert_true(role_pid(&b, "netd") != netd);	/* restarted */
	if (kill_chatd)
		assert_true(role_pid(&b, "chatd") != chatd);
	snprintf(line, sizeof(line), "still here after %s died", what);
	assert_string_equal(p.msg, line);
	assert_int_equal(hex_decode(our_pk, 64, pk, sizeof(pk)), 0);
	assert_memory_equal(p.from, pk, sizeof(pk));
	tox_kill(p.t);
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
