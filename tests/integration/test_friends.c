/*
 * Friends at the user's level, in JSON-lines mode as a script drives it:
 * `add` refuses a bad checksum, a short ID, our own ID, an empty or a
 * 944-byte message with the precise reason and adds nothing; a good add
 * answers the friend's number and key; `friends` lists it with its
 * request pending, after a restart of the session and after chatd is
 * killed mid-session (keyd gives the restarted chatd the list again);
 * `remove` takes it away for good.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/hex.h"
#include "common/toxid.h"
#include "tests/lib/bh.h"

#define T_REPLY		15000	/* deadline for a reply, not a benchmark */
#define T_RESTART	20000

static char	dir[64];
static char	friend_id[TOX_ADDRESS_HEX_LEN + 1];
static char	friend_pk[TOX_PK_HEX_LEN + 1];

static int
setup(void **state)
{
	static const char *const init[] = { NULL, "--no-passphrase", "init",
	    NULL };
	char		prof[128], out[4096], err[4096];
	const char	*args[4];
	uint8_t		pk[TOX_PK_LEN], ns[TOX_NOSPAM_LEN] = { 0xde, 0xad,
			    0xbe, 0xef }, addr[TOX_ADDRESS_LEN];
	int		st, i;

	snprintf(dir, sizeof(dir), "/tmp/bh-friends-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(prof, sizeof(prof), "--profile=%s/profile.tox", dir);
	memcpy(args, init, sizeof(args));
	args[0] = prof;
	st = bh_run(args, NULL, out, sizeof(out), err, sizeof(err));
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "init: %s\n%s\n", out, err);
		return -1;
	}
	for (i = 0; i < TOX_PK_LEN; i++)
		pk[i] = (uint8_t)(0x11 * (i % 15) + 1);
	toxid_make(addr, pk, ns);
	toxid_format(addr, friend_id);
	hex_encode(pk, sizeof(pk), friend_pk);
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
start(struct bh *b)
{
	static const char *const args[] = { "--log-level=info", NULL };

	assert_int_equal(bh_start_dir(b, dir, args), 0);
}

static void
quit(struct bh *b)
{
	json_t	*r = bh_cmd(b, "{\"cmd\":\"quit\"}", T_REPLY);
	int	 ws;

	assert_non_null(r);
	json_decref(r);
	ws = bh_wait(b, T_REPLY);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
	bh_stop(b);
}

static json_t *
cmd(struct bh *b, const char *line)
{
	json_t	*r = bh_cmd(b, line, T_REPLY);

	if (r == NULL)
		bh_dump_log(b);
	assert_non_null(r);
	return r;
}

/* The friend list; asked again while chatd has not had it from keyd
 * (just started or restarted): a bounded number of times. */
static json_t *
friends(struct bh *b)
{
	json_t		*r, *l;
	const char	*e;
	int		 tries;

	for (tries = 0; tries < 200; tries++) {
		r = cmd(b, "{\"cmd\":\"friends\"}");
		if (json_is_true(json_object_get(r, "ok"))) {
			l = json_incref(json_object_get(r, "friends"));
			json_decref(r);
			assert_true(json_is_array(l));
			return l;
		}
		e = json_string_value(json_object_get(r, "error"));
		if (e == NULL || strstr(e, "not loaded yet") == NULL)
			fail_msg("friends: %s", e != NULL ? e : "?");
		json_decref(r);
		usleep(50000);
	}
	fail_msg("chatd never got the friend list");
	return NULL;
}

/* An add that must fail with an error containing want. */
static void
add_refused(struct bh *b, const char *address, const char *msg,
    const char *want)
{
	json_t		*r, *l;
	char		*line;
	const char	*e;
	size_t		 n = strlen(address) + strlen(msg) + 128;

	assert_non_null(line = malloc(n));
	snprintf(line, n, "{\"cmd\":\"add\",\"address\":\"%s\","
	    "\"message\":\"%s\"}", address, msg);
	r = cmd(b, line);
	free(line);
	assert_true(json_is_false(json_object_get(r, "ok")));
	e = json_string_value(json_object_get(r, "error"));
	assert_non_null(e);
	if (strstr(e, want) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", e, want);
	json_decref(r);
	l = friends(b);
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
}

static void
assert_listed(struct bh *b)
{
	json_t	*l = friends(b), *f;

	assert_int_equal(json_array_size(l), 1);
	f = json_array_get(l, 0);
	assert_int_equal(json_integer_value(json_object_get(f, "friend")), 0);
	assert_string_equal(json_string_value(json_object_get(f,
	    "public_key")), friend_pk);
	assert_true(json_is_true(json_object_get(f, "request_pending")));
	assert_string_equal(json_string_value(json_object_get(f,
	    "connection")), "none");
	assert_string_equal(json_string_value(json_object_get(f, "name")),
	    "");
	json_decref(l);
}

static void
add_refusals_then_add_survives_restarts_and_remove(void **state)
{
	struct bh	 b;
	json_t		*r, *l, *st, *ev;
	char		 bad[TOX_ADDRESS_HEX_LEN + 1], own[TOX_ADDRESS_HEX_LEN + 1];
	char		 big[1024], line[2048];
	pid_t		 chatd;

	start(&b);
	r = cmd(&b, "{\"cmd\":\"id\"}");
	assert_true(json_is_true(json_object_get(r, "ok")));
	snprintf(own, sizeof(own), "%s",
	    json_string_value(json_object_get(r, "address")));
	json_decref(r);

	/* a wrong digit, a short ID, ourselves, no text, too much text */
	snprintf(bad, sizeof(bad), "%s", friend_id);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	add_refused(&b, bad, "hi", "checksum");
	snprintf(bad, sizeof(bad), "%.70s", friend_id);
	add_refused(&b, bad, "hi", "76 hex digits");
	add_refused(&b, own, "hi", "your own Tox ID");
	add_refused(&b, friend_id, "", "\"message\" is required");
	memset(big, 'm', 944);
	big[944] = '\0';
	add_refused(&b, friend_id, big, "944 bytes; at most 943");

	/* a good one: its number and key */
	snprintf(line, sizeof(line), "{\"cmd\":\"add\",\"address\":\"%s\","
	    "\"message\":\"bulkhead test\"}", friend_id);
	r = cmd(&b, line);
	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("add: %s", json_string_value(json_object_get(r,
		    "error")));
	assert_int_equal(json_integer_value(json_object_get(r, "friend")), 0);
	assert_string_equal(json_string_value(json_object_get(r,
	    "public_key")), friend_pk);
	json_decref(r);
	assert_listed(&b);
	/* the same again: refused, still one */
	r = cmd(&b, line);
	assert_true(json_is_false(json_object_get(r, "ok")));
	assert_non_null(strstr(json_string_value(json_object_get(r,
	    "error")), "already a friend"));
	json_decref(r);
	quit(&b);

	/* a new session: still there */
	start(&b);
	assert_listed(&b);

	/* chatd killed mid-session: the restarted one has it from keyd */
	st = cmd(&b, "{\"cmd\":\"status\"}");
	chatd = bh_role_pid(st, "chatd");
	json_decref(st);
	assert_true(chatd > 0);
	assert_int_equal(kill(chatd, SIGKILL), 0);
	ev = bh_event(&b, "role_restarted", T_RESTART);
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "role")),
	    "chatd");
	json_decref(ev);
	assert_listed(&b);

	/* remove: gone now and after a restart */
	r = cmd(&b, "{\"cmd\":\"remove\",\"friend\":0}");
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	l = friends(&b);
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
	r = cmd(&b, "{\"cmd\":\"remove\",\"friend\":0}");
	assert_true(json_is_false(json_object_get(r, "ok")));
	json_decref(r);
	quit(&b);
	start(&b);
	l = friends(&b);
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
	/* nothing waits in the inbox; accept of a stranger is refused */
	r = cmd(&b, "{\"cmd\":\"requests\"}");
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(json_array_size(json_object_get(r, "requests")), 0);
	json_decref(r);
	snprintf(line, sizeof(line), "{\"cmd\":\"accept\",\"public_key\":"
	    "\"%s\"}", friend_pk);
	r = cmd(&b, line);
	assert_true(json_is_false(json_object_get(r, "ok")));
	json_decref(r);
	quit(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    add_refusals_then_add_survives_restarts_and_remove,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
