/*
 * A real session: bulkhead --json started as a script would, its six
 * processes, their sandboxes as the kernel reports them, supervision
 * (netd, chatd and mediad restarted, keyd's loss ends the session) and
 * shutdown.
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

#include "tests/lib/bh.h"

#define T_REPLY		15000	/* deadline for a reply, not a benchmark */
#define T_RESTART	20000

static const char *const roles[] = { "keyd", "netd", "chatd", "mediad",
    "frontend" };
#define NROLES	(sizeof(roles) / sizeof(roles[0]))

static int
session_setup(void **state)
{
	static const char *const args[] = { "--log-level=info",
	    NULL };
	struct bh	*b = calloc(1, sizeof(*b));

	if (b == NULL || bh_start(b, args) == -1)
		return -1;
	*state = b;
	return 0;
}

static int
session_teardown(void **state)
{
	struct bh	*b = *state;

	bh_stop(b);
	free(b);
	return 0;
}

static json_t *
status(struct bh *b)
{
	json_t	*st = bh_cmd(b, "{\"cmd\":\"status\"}", T_REPLY);

	if (st == NULL || !json_is_true(json_object_get(st, "ok")))
		bh_dump_log(b);
	assert_non_null(st);
	assert_true(json_is_true(json_object_get(st, "ok")));
	return st;
}

static int
pid_alive(pid_t pid)
{
	return pid > 0 && kill(pid, 0) == 0;
}

static int
same_netns(pid_t pid)
{
	char	a[64], b[64], pa[64];
	ssize_t	n, m;

	snprintf(pa, sizeof(pa), "/proc/%d/ns/net", (int)pid);
	if ((n = readlink(pa, a, sizeof(a) - 1)) == -1 ||
	    (m = readlink("/proc/self/ns/net", b, sizeof(b) - 1)) == -1)
		return -1;
	a[n] = b[m] = '\0';
	return strcmp(a, b) == 0;
}

/* Interfaces a process sees, from /proc/PID/net/dev: only "lo" allowed. */
static int
only_loopback(pid_t pid)
{
	char	path[64], line[256], *colon, *name;
	FILE	*f;
	int	ok = 1, n = 0;

	snprintf(path, sizeof(path), "/proc/%d/net/dev", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (++n <= 2 || (colon = strchr(line, ':')) == NULL)
			continue;	/* two header lines */
		*colon = '\0';
		for (name = line; *name == ' '; name++)
			;
		if (strcmp(name, "lo") != 0)
			ok = 0;
	}
	fclose(f);
	return ok;
}

/* Whether a role's sandbox report lists a measure. */
static int
applied(json_t *st, const char *role, const char *what)
{
	json_t	*e, *a;
	size_t	 i, j;

	json_array_foreach(json_object_get(st, "roles"), i, e) {
		if (strcmp(json_string_value(json_object_get(e, "role")),
		    role) != 0)
			continue;
		a = json_object_get(json_object_get(e, "sandbox"), "applied");
		for (j = 0; j < json_array_size(a); j++)
			if (strcmp(json_string_value(json_array_get(a, j)),
			    what) == 0)
				return 1;
	}
	return 0;
}

/* Status once every role has reported its sandbox (bounded retries). */
static json_t *
status_all_reported(struct bh *b)
{
	json_t	*st, *e;
	size_t	 i;
	int	 tries, missing;

	for (tries = 0; tries < 100; tries++) {
		st = status(b);
		missing = 0;
		json_array_foreach(json_object_get(st, "roles"), i, e)
			if (json_is_null(json_object_get(e, "sandbox")) &&
			    strcmp(json_string_value(json_object_get(e,
			    "state")), "running") == 0)
				missing++;
		if (!missing)
			return st;
		json_decref(st);
		usleep(100000);
	}
	fail_msg("roles never reported their sandboxes");
	return NULL;
}

static void
session_has_six_sandboxed_processes(void **state)
{
	struct bh	*b = *state;
	json_t		*st = status_all_reported(b), *e, *sb;
	size_t		 i;
	pid_t		 pid;

	assert_int_equal(json_integer_value(json_object_get(st, "processes")),
	    6);
	assert_int_equal(bh_role_pid(st, "bulkhead"), b->pid);
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		pid = bh_role_pid(st, roles[i]);
		assert_true(pid_alive(pid));
		assert_int_equal(bh_proc_field(pid, "Seccomp"), 2);
		assert_int_equal(bh_proc_field(pid, "NoNewPrivs"), 1);
		if (same_netns(pid) == -1 && geteuid() != 0) {
			/* not dumpable: only root may look at its namespaces;
			 * as root (CI) the kernel's view is checked instead */
			assert_true(applied(st, roles[i], "netns"));
			fprintf(stderr, "(not root: %s's namespace taken from "
			    "its report)\n", roles[i]);
		} else {
			/* netd too: its sockets are made outside */
			assert_int_equal(same_netns(pid), 0);
			assert_true(only_loopback(pid));
		}
	}
	json_array_foreach(json_object_get(st, "roles"), i, e) {
		if (strcmp(json_string_value(json_object_get(e, "role")),
		    "bulkhead") == 0 || strcmp(json_string_value(
		    json_object_get(e, "state")), "running") != 0)
			continue;
		sb = json_object_get(e, "sandbox");
		assert_true(json_is_object(sb));
		assert_true(json_is_true(json_object_get(sb, "confined")));
		assert_true(json_is_false(json_object_get(sb, "permissive")));
	}
	json_decref(st);
}

static void
session_restarts_killed_netd(void **state)
{
	struct bh	*b = *state;
	json_t		*st = status(b), *ev, *e;
	pid_t		 old, new;
	size_t		 i;

	old = bh_role_pid(st, "netd");
	json_decref(st);
	assert_int_equal(kill(old, SIGKILL), 0);
	ev = bh_event(b, "role_died", T_RESTART);
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "role")),
	    "netd");
	assert_int_equal(json_integer_value(json_object_get(ev, "status")),
	    -SIGKILL);
	json_decref(ev);
	ev = bh_event(b, "role_restarted", T_RESTART);
	assert_non_null(ev);
	json_decref(ev);
	st = status(b);		/* the session goes on */
	new = bh_role_pid(st, "netd");
	assert_true(new != old && pid_alive(new));
	assert_int_equal(json_integer_value(json_object_get(st, "processes")),
	    6);
	json_array_foreach(json_object_get(st, "roles"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "role")),
		    "netd") == 0)
			assert_int_equal(json_integer_value(json_object_get(e,
			    "restarts")), 1);
	json_decref(st);
}

/* Kills role, waits for its restart; returns the new pid. */
static pid_t
restart(struct bh *b, const char *role)
{
	json_t		*st = status(b), *ev;
	pid_t		 old, new;

	old = bh_role_pid(st, role);
	json_decref(st);
	assert_int_equal(kill(old, SIGKILL), 0);
	ev = bh_event(b, "role_restarted", T_RESTART);
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "role")),
	    role);
	json_decref(ev);
	st = status_all_reported(b);	/* the new one has confined itself */
	new = bh_role_pid(st, role);
	assert_true(new != old && pid_alive(new));
	assert_int_equal(bh_proc_field(new, "Seccomp"), 2);
	assert_int_equal(json_integer_value(json_object_get(st, "processes")),
	    6);
	json_decref(st);
	return new;
}

static void
session_restarts_killed_mediad(void **state)
{
	(void)restart(*state, "mediad");
}

/*
 * chatd holds nothing durable: killed, it comes back with fresh channels
 * to keyd, the frontend and mediad; and when mediad is then restarted,
 * the new chatd is handed a fresh channel to it and lives on.
 */
static void
session_restarts_killed_chatd(void **state)
{
	struct bh	*b = *state;
	pid_t		 chatd;
	json_t		*st;

	chatd = restart(b, "chatd");
	(void)restart(b, "mediad");
	st = status(b);
	assert_int_equal(bh_role_pid(st, "chatd"), chatd);
	json_decref(st);
	assert_true(pid_alive(chatd));
}

static void
session_ends_when_keyd_dies(void **state)
{
	struct bh	*b = *state;
	json_t		*st = status(b), *ev;
	pid_t		 pids[NROLES];
	size_t		 i;
	int		 ws;

	for (i = 0; i < NROLES; i++)
		pids[i] = bh_role_pid(st, roles[i]);
	json_decref(st);
	assert_int_equal(kill(pids[0], SIGKILL), 0);
	ev = bh_event(b, "session_end", T_REPLY);
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "role")),
	    "keyd");
	assert_non_null(strstr(json_string_value(json_object_get(ev,
	    "reason")), "keyd"));
	json_decref(ev);
	ws = bh_wait(b, T_REPLY);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 1);
	for (i = 0; i < NROLES; i++)
		assert_false(pid_alive(pids[i]));
}

static void
session_quit_stops_everything(void **state)
{
	struct bh	*b = *state;
	json_t		*st = status(b), *r;
	pid_t		 pids[NROLES];
	size_t		 i;
	int		 ws;

	for (i = 0; i < NROLES; i++)
		pids[i] = bh_role_pid(st, roles[i]);
	json_decref(st);
	r = bh_cmd(b, "{\"cmd\":\"quit\",\"id\":\"q1\"}", T_REPLY);
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_string_equal(json_string_value(json_object_get(r, "id")), "q1");
	json_decref(r);
	ws = bh_wait(b, T_REPLY);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
	for (i = 0; i < NROLES; i++)
		assert_false(pid_alive(pids[i]));
}

static void
session_sigterm_stops_everything(void **state)
{
	struct bh	*b = *state;
	json_t		*st = status(b);
	pid_t		 pids[NROLES];
	size_t		 i;
	int		 ws;

	for (i = 0; i < NROLES; i++)
		pids[i] = bh_role_pid(st, roles[i]);
	json_decref(st);
	assert_int_equal(kill(b->pid, SIGTERM), 0);
	ws = bh_wait(b, T_REPLY);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
	for (i = 0; i < NROLES; i++)
		assert_false(pid_alive(pids[i]));
}

static void
json_mode_answers_every_line_once(void **state)
{
	struct bh	*b = *state;
	json_t		*r;

	r = bh_cmd(b, "{\"cmd\":\"no_such\",\"id\":42}", T_REPLY);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "reply")),
	    "no_such");
	assert_true(json_is_false(json_object_get(r, "ok")));
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 42);
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")),
	    "unknown command"));
	json_decref(r);
	r = bh_cmd(b, "{not json", T_REPLY);
	assert_non_null(r);
	assert_true(json_is_null(json_object_get(r, "reply")));
	assert_true(json_is_false(json_object_get(r, "ok")));
	json_decref(r);
	r = bh_cmd(b, "{\"cmd\":\"status\",\"cmd\":\"quit\"}", T_REPLY);
	assert_non_null(r);
	assert_true(json_is_false(json_object_get(r, "ok")));
	json_decref(r);
	/* still alive and answering */
	json_decref(status(b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, session_setup, session_teardown)
		T(session_has_six_sandboxed_processes),
		T(session_restarts_killed_netd),
		T(session_restarts_killed_mediad),
		T(session_restarts_killed_chatd),
		T(session_ends_when_keyd_dies),
		T(session_quit_stops_everything),
		T(session_sigterm_stops_everything),
		T(json_mode_answers_every_line_once),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
