/*
 * The history command on the real binaries (issue 10): without
 * --history keyd answers with the error that says how to turn it on (and
 * writes no history file); with --history, or "history" in the config
 * file, a fresh profile answers an empty list, a friend number nobody
 * has is refused, and the CLI prints a count; "count" out of range is
 * refused by the frontend.  Messages themselves (in and out) need a
 * friendship between two sessions: the store is tested in
 * tests/unit/test_history.c.
 */
#include <sys/stat.h>

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

struct env {
	char	dir[64];
	char	prof[128];
	char	conf[128];
	char	confopt[160];
	char	in[128];
	char	out[65536];
	char	err[16384];
};

static int
setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));
	const char	*args[4];
	int		 st;

	if (e == NULL)
		return -1;
	snprintf(e->dir, sizeof(e->dir), "/tmp/bh-hist-XXXXXX");
	if (mkdtemp(e->dir) == NULL)
		return -1;
	snprintf(e->prof, sizeof(e->prof), "--profile=%s/p.tox", e->dir);
	snprintf(e->conf, sizeof(e->conf), "%s/bulkhead.conf", e->dir);
	snprintf(e->confopt, sizeof(e->confopt), "--config=%s", e->conf);
	snprintf(e->in, sizeof(e->in), "%s/requests", e->dir);
	args[0] = e->prof;
	args[1] = "--no-passphrase";
	args[2] = "init";
	args[3] = NULL;
	st = bh_run(args, NULL, e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
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

static void
run_session(struct env *e, const char **args, const char *requests)
{
	FILE	*f;
	int	 st;

	assert_non_null(f = fopen(e->in, "w"));
	fputs(requests, f);
	fclose(f);
	st = bh_run_in(args, e->in, NULL, e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("status %d; out:\n%s\nerr:\n%s", st, e->out, e->err);
}

static json_t *
reply_id(struct env *e, json_int_t id)
{
	char	*s, *end;
	json_t	*j, *v;

	for (s = e->out; *s != '\0'; s = *end == '\0' ? end : end + 1) {
		end = strchrnul(s, '\n');
		if ((j = json_loadb(s, (size_t)(end - s), 0, NULL)) == NULL)
			fail_msg("not JSON: %.*s", (int)(end - s), s);
		v = json_object_get(j, "id");
		if (json_object_get(j, "reply") != NULL &&
		    json_is_integer(v) && json_integer_value(v) == id)
			return j;
		json_decref(j);
	}
	fail_msg("no reply %lld in:\n%s\nerr:\n%s", (long long)id, e->out,
	    e->err);
	return NULL;
}

static void
assert_refused(struct env *e, json_int_t id, const char *why)
{
	json_t	*r = reply_id(e, id);

	assert_true(json_is_false(json_object_get(r, "ok")));
	if (strstr(json_string_value(json_object_get(r, "error")), why) ==
	    NULL)
		fail_msg("reply %lld: \"%s\", not \"%s\"", (long long)id,
		    json_string_value(json_object_get(r, "error")), why);
	json_decref(r);
}

static void
assert_empty_list(struct env *e, json_int_t id)
{
	json_t	*r = reply_id(e, id), *m;

	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("history: %s", json_string_value(json_object_get(r,
		    "error")));
	m = json_object_get(r, "messages");
	assert_true(json_is_array(m));
	assert_int_equal(json_array_size(m), 0);
	json_decref(r);
}

static int
history_file_exists(struct env *e)
{
	char		p[160];
	struct stat	st;

	snprintf(p, sizeof(p), "%s/p.tox.history", e->dir);
	return stat(p, &st) == 0;
}

static const char	requests[] =
    "{\"cmd\":\"history\",\"id\":1,\"friend\":0}\n"
    "{\"cmd\":\"history\",\"id\":2,\"friend\":"
    "\"0000000000000000000000000000000000000000000000000000000000000000\","
    "\"count\":5}\n"
    "{\"cmd\":\"history\",\"id\":3,\"friend\":0,\"count\":0}\n"
    "{\"cmd\":\"history\",\"id\":4,\"friend\":0,\"count\":\"many\"}\n";

static void
off_by_default(void **state)
{
	struct env	*e = *state;
	const char	*args[] = { "--json", "--no-fetch", e->prof, NULL };

	run_session(e, args, requests);
	assert_refused(e, 1, "history is off: start bulkhead with --history");
	assert_refused(e, 2, "history is off");
	assert_refused(e, 3, "\"count\" is how many messages");
	assert_refused(e, 4, "\"count\" is how many messages");
	assert_false(history_file_exists(e));
}

static void
on_with_option(void **state)
{
	struct env	*e = *state;
	const char	*args[] = { "--json", "--no-fetch", "--history",
	    e->prof, NULL };

	run_session(e, args, requests);
	/* friend 0 is nobody yet: refused by number, empty by key */
	assert_refused(e, 1, "no friend 0");
	assert_empty_list(e, 2);
	assert_refused(e, 3, "\"count\" is how many messages");
	/* nothing was said: nothing to write */
	assert_false(history_file_exists(e));
}

static void
on_with_config(void **state)
{
	struct env	*e = *state;
	const char	*args[] = { "--json", "--no-fetch", e->confopt,
	    e->prof, NULL };
	const char	*cli[] = { "--no-fetch", e->confopt, e->prof, NULL };
	FILE		*f;

	assert_non_null(f = fopen(e->conf, "w"));
	fputs("# keep what is said\nhistory\n", f);
	fclose(f);
	run_session(e, args, requests);
	assert_empty_list(e, 2);
	run_session(e, cli, "history "
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    " 3\nhistory 0\n");
	if (strstr(e->out, "messages: 0") == NULL ||
	    strstr(e->out, "error: no friend 0") == NULL)
		fail_msg("out:\n%s\nerr:\n%s", e->out, e->err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(off_by_default, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(on_with_option, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(on_with_config, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
