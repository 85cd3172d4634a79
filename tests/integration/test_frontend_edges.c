/*
 * The frontend's rough edges (issue 8), on the real binaries: requests
 * from a regular file or /dev/null, the JSON contract (profile event, ids
 * on every reply, help, unknown members), extra words and both forms of a
 * bootstrap node, and our own name refused with controls in it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/lib/bh.h"

#define T_REPLY	20000

static const char	node_key[] =
    "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";

struct env {
	char	dir[64];
	char	prof[128];
	char	in[128];
	char	out[65536];
	char	err[16384];
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	snprintf(e->dir, sizeof(e->dir), "/tmp/bh-edge-XXXXXX");
	if (e == NULL || mkdtemp(e->dir) == NULL)
		return -1;
	snprintf(e->prof, sizeof(e->prof), "--profile=%s/p.tox", e->dir);
	snprintf(e->in, sizeof(e->in), "%s/requests.jsonl", e->dir);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	char		 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		return -1;
	free(e);
	return 0;
}

/* A plain profile, so a session needs no passphrase. */
static void
make_plain_profile(struct env *e)
{
	const char	*args[] = { e->prof, "--no-passphrase", "init", NULL };
	int		 st;

	st = bh_run(args, NULL, e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* The JSON lines of e->out, in order. */
static json_t *
lines(struct env *e)
{
	json_t	*a = json_array(), *j;
	char	*s, *save = NULL;

	for (s = strtok_r(e->out, "\n", &save); s != NULL;
	    s = strtok_r(NULL, "\n", &save)) {
		j = json_loads(s, 0, NULL);
		if (j == NULL)
			fail_msg("not JSON: %s", s);
		json_array_append_new(a, j);
	}
	return a;
}

/* The reply whose id is the integer id, or NULL. */
static json_t *
reply_id(json_t *all, json_int_t id)
{
	json_t	*j, *v;
	size_t	 i;

	json_array_foreach(all, i, j) {
		v = json_object_get(j, "id");
		if (json_object_get(j, "reply") != NULL && json_is_integer(v) &&
		    json_integer_value(v) == id)
			return j;
	}
	return NULL;
}

static json_t *
event(json_t *all, const char *name)
{
	json_t	*j;
	size_t	 i;

	json_array_foreach(all, i, j)
		if (json_is_string(json_object_get(j, "event")) &&
		    strcmp(json_string_value(json_object_get(j, "event")),
		    name) == 0)
			return j;
	return NULL;
}

static json_t *
run_json_file(struct env *e, const char *requests)
{
	const char	*args[] = { "--json", e->prof, NULL };
	FILE		*f;
	int		 st;

	assert_non_null(f = fopen(e->in, "w"));
	fputs(requests, f);
	fclose(f);
	st = bh_run_in(args, e->in, NULL, e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("status %d; out:\n%s\nerr:\n%s", st, e->out, e->err);
	return lines(e);
}

static int
ok(json_t *r)
{
	return r != NULL && json_is_true(json_object_get(r, "ok"));
}

static const char *
error_of(json_t *r)
{
	assert_non_null(r);
	assert_true(json_is_false(json_object_get(r, "ok")));
	return json_string_value(json_object_get(r, "error"));
}

/* B1 and B4: a file of requests, each answered with its id, then exit;
 * the profile event although the profile is plain. */
static void
json_requests_from_a_regular_file(void **state)
{
	struct env	*e = *state;
	json_t		*all, *r, *ev;
	char		 req[4096];

	make_plain_profile(e);
	snprintf(req, sizeof(req),
	    "{\"cmd\":\"id\",\"id\":1}\n"
	    "{\"cmd\":\"help\",\"id\":2}\n"
	    "{\"cmd\":\"status\",\"id\":3,\"verbose\":true}\n"
	    "{\"cmd\":\"nope\",\"id\":4}\n"
	    "{\"id\":5,\"cmd\":7}\n"
	    "{\"id\":6,\"cmd\":\"id\",\n"
	    "{\"cmd\":\"set_name\",\"id\":7,\"name\":\"Al\\u202eice\"}\n"
	    "{\"cmd\":\"set_status_message\",\"id\":8,"
	    "\"status_message\":\"a\\u200bb\"}\n"
	    "{\"cmd\":\"set_name\",\"id\":9,\"name\":\"Alice\"}\n"
	    "{\"cmd\":\"bootstrap\",\"id\":10,\"host\":\"127.0.0.1:33445:%s\"}\n"
	    "{\"cmd\":\"bootstrap\",\"id\":11,\"host\":\"127.0.0.1\","
	    "\"port\":33445,\"key\":\"%s\"}\n"
	    "{\"cmd\":\"bootstrap\",\"id\":12,\"host\":\"[::1]:33445:%s\"}\n"
	    "{\"cmd\":\"init\",\"id\":13}\n"
	    "{\"cmd\":\"self\",\"id\":14}",		/* no final newline */
	    node_key, node_key, node_key);
	all = run_json_file(e, req);

	ev = event(all, "profile");
	assert_non_null(ev);
	assert_true(json_is_true(json_object_get(ev, "exists")));
	assert_true(json_is_false(json_object_get(ev, "encrypted")));
	assert_true(json_is_true(json_object_get(ev, "unlocked")));

	assert_true(ok(reply_id(all, 1)));
	r = reply_id(all, 2);
	assert_true(ok(r));
	assert_true(json_array_size(json_object_get(r, "commands")) >= 10);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(r, "commands"), 0), "name")), "status");
	assert_non_null(strstr(error_of(reply_id(all, 3)),
	    "unknown member \"verbose\""));
	assert_non_null(strstr(error_of(reply_id(all, 4)), "unknown command"));
	/* parse errors echo the id once it could be read */
	r = reply_id(all, 5);
	assert_true(json_is_null(json_object_get(r, "reply")));
	assert_non_null(strstr(error_of(r), "\"cmd\""));
	assert_null(reply_id(all, 6));		/* invalid JSON: no id read */
	assert_non_null(strstr(error_of(reply_id(all, 7)),
	    "bidirectional control (U+202E)"));
	assert_non_null(strstr(error_of(reply_id(all, 8)),
	    "zero-width character (U+200B)"));
	assert_true(ok(reply_id(all, 9)));
	assert_true(ok(reply_id(all, 10)));
	assert_true(ok(reply_id(all, 11)));
	assert_true(ok(reply_id(all, 12)));
	assert_non_null(strstr(error_of(reply_id(all, 13)),
	    "command of its own"));
	r = reply_id(all, 14);
	assert_true(ok(r));
	assert_string_equal(json_string_value(json_object_get(r, "name")),
	    "Alice");
	json_decref(all);
}

/* B1: /dev/null is no request at all: the session starts and ends. */
static void
json_and_cli_from_dev_null(void **state)
{
	struct env	*e = *state;
	const char	*json[] = { "--json", e->prof, NULL };
	const char	*cli[] = { e->prof, NULL };
	json_t		*all;
	int		 st;

	make_plain_profile(e);
	st = bh_run_in(json, "/dev/null", NULL, e->out, sizeof(e->out),
	    e->err, sizeof(e->err));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_null(strstr(e->err, "epoll_ctl"));
	all = lines(e);
	assert_non_null(event(all, "profile"));
	json_decref(all);
	st = bh_run_in(cli, "/dev/null", NULL, e->out, sizeof(e->out),
	    e->err, sizeof(e->err));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_null(strstr(e->err, "epoll_ctl"));
	assert_non_null(strstr(e->out, "bulkhead: type \"help\""));
}

/* B7: the CLI refuses words beyond a command's arguments. */
static void
cli_refuses_extra_words(void **state)
{
	struct env	*e = *state;
	const char	*cli[] = { e->prof, NULL };
	FILE		*f;
	int		 st;

	make_plain_profile(e);
	assert_non_null(f = fopen(e->in, "w"));
	fprintf(f, "id --qr\nset_status away now\nset_status busy\n"
	    "bootstrap 127.0.0.1:33445:%s\nself\n", node_key);
	fclose(f);
	st = bh_run_in(cli, e->in, NULL, e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_non_null(strstr(e->out, "error: id takes no arguments; "
	    "\"--qr\" is a word too many"));
	assert_non_null(strstr(e->out, "error: set_status takes only: "
	    "status; \"now\" is a word too many"));
	assert_non_null(strstr(e->out, "status: busy"));
	assert_null(strstr(e->out, "status: away"));
	assert_null(strstr(e->out, "error: give the node"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    json_requests_from_a_regular_file, setup, teardown),
		cmocka_unit_test_setup_teardown(json_and_cli_from_dev_null,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(cli_refuses_extra_words,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
