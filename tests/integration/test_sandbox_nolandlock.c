/*
 * The real build on a kernel without Landlock (audit H1, F3).  main()
 * installs a seccomp filter of its own before any test runs: no_new_privs,
 * then ENOSYS for landlock_create_ruleset, landlock_add_rule and
 * landlock_restrict_self, everything else allowed.  Filters are inherited
 * across fork and exec, so bulkhead and every role it starts see what a
 * kernel built without CONFIG_SECURITY_LANDLOCK shows them.
 *  - strict (the default): keyd and fetchd, whose seccomp tables hold
 *    calls that take a path, refuse to start, naming Landlock; the
 *    session does not start;
 *  - permissive: the session starts, says loudly what is missing, and
 *    `status` shows keyd not confined while netd, mediad and frontend,
 *    which have no file syscall, are;
 *  - without Landlock, seccomp alone still kills frontend's open and
 *    fetchd's open for writing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "sandbox/sb_int.h"
#include "tests/lib/bh.h"

#define T_START		20000	/* ms: deadlines, not benchmarks */
#define T_REPLY		10000

static void
deny_landlock(void)
{
	static const char *const calls[] = {
		"landlock_create_ruleset", "landlock_add_rule",
		"landlock_restrict_self",
	};
	scmp_filter_ctx	ctx;
	size_t		i;
	int		nr;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    (ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		perror("no_new_privs / seccomp_init");
		exit(1);
	}
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		if ((nr = seccomp_syscall_resolve_name(calls[i])) < 0 ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0) < 0) {
			fprintf(stderr, "seccomp rule for %s\n", calls[i]);
			exit(1);
		}
	}
	if (seccomp_load(ctx) < 0) {
		perror("seccomp_load");
		exit(1);
	}
	seccomp_release(ctx);
}

/* The session's stderr so far, NUL-terminated. */
static const char *
errlog(struct bh *b)
{
	static char	buf[65536];
	long		n;

	n = bh_slurp(b->errlog, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Waits (bounded) until the session's stderr holds text. */
static int
errlog_has(struct bh *b, const char *text, int timeout_ms)
{
	int	waited;

	for (waited = 0; waited <= timeout_ms; waited += 100) {
		if (strstr(errlog(b), text) != NULL)
			return 1;
		usleep(100000);
	}
	return 0;
}

static json_t *
status_all_reported(struct bh *b)
{
	json_t	*st, *e;
	size_t	 i;
	int	 tries, missing;

	for (tries = 0; tries < 100; tries++) {
		if ((st = bh_cmd(b, "{\"cmd\":\"status\"}", T_REPLY)) == NULL)
			break;
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
	bh_dump_log(b);
	fail_msg("roles never reported their sandboxes");
	return NULL;
}

static json_t *
role_sandbox(json_t *st, const char *role)
{
	json_t	*e;
	size_t	 i;

	json_array_foreach(json_object_get(st, "roles"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "role")),
		    role) == 0)
			return json_object_get(e, "sandbox");
	fail_msg("no %s in status", role);
	return NULL;
}

static int
applied(json_t *sb, const char *what)
{
	json_t	*a = json_object_get(sb, "applied");
	size_t	 j;

	for (j = 0; j < json_array_size(a); j++)
		if (strcmp(json_string_value(json_array_get(a, j)), what) == 0)
			return 1;
	return 0;
}

static void
strict_refuses_to_start(void **state)
{
	struct bh	 b;
	const char	*log;
	int		 ws;

	(void)state;
	assert_int_equal(bh_start(&b, NULL), 0);
	ws = bh_wait(&b, T_START);
	log = errlog(&b);
	if (ws == -1 || !WIFEXITED(ws) || WEXITSTATUS(ws) == 0) {
		bh_dump_log(&b);
		fail_msg("strict mode without Landlock: wait status %#x, "
		    "want a nonzero exit", ws);
	}
	if (strstr(log, "keyd") == NULL ||
	    strstr(log, "Landlock unavailable") == NULL ||
	    strstr(log, "strict mode") == NULL) {
		bh_dump_log(&b);
		fail_msg("the refusal does not name keyd and Landlock");
	}
	bh_stop(&b);
}

static void
permissive_starts_and_says_what_is_missing(void **state)
{
	static const char *const args[] = { "--sandbox=permissive", NULL };
	static const char *const whole[] = { "netd", "chatd", "mediad",
	    "frontend" };
	struct bh	 b;
	json_t		*st, *sb;
	size_t		 i;

	(void)state;
	assert_int_equal(bh_start(&b, args), 0);
	st = status_all_reported(&b);
	assert_non_null(st);

	sb = role_sandbox(st, "keyd");
	assert_true(json_is_object(sb));
	assert_true(json_is_false(json_object_get(sb, "confined")));
	assert_true(json_is_true(json_object_get(sb, "permissive")));
	assert_int_equal(json_integer_value(json_object_get(sb,
	    "landlock_abi")), 0);
	assert_false(applied(sb, "landlock"));
	assert_true(applied(sb, "seccomp"));
	/* No file syscall in their tables: seccomp alone confines them. */
	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		sb = role_sandbox(st, whole[i]);
		if (!json_is_true(json_object_get(sb, "confined"))) {
			bh_dump_log(&b);
			fail_msg("%s not confined", whole[i]);
		}
		assert_false(applied(sb, "landlock"));
	}
	json_decref(st);

	/* Said loudly, and keyd named. */
	if (!errlog_has(&b, "SANDBOX WEAKENED: Landlock unavailable", 0) ||
	    !errlog_has(&b, "keyd is NOT confined", 0)) {
		bh_dump_log(&b);
		fail_msg("permissive mode did not say what is missing");
	}
	bh_stop(&b);
}

/*
 * One forbidden act in permissive mode, where Landlock would have been the
 * only guard: the role must die by SIGSYS (the supervisor says so), never
 * log "NOT BLOCKED".
 */
static void
act_killed_without_landlock(const char *role, const char *act)
{
	const char	*args[8];
	char		 st[64], trying[64];
	struct bh	 b;
	int		 a = 0;

	snprintf(st, sizeof(st), "--selftest=%s:%s", role, act);
	args[a++] = "--sandbox=permissive";
	args[a++] = "--log-level=debug";	/* frontend's death is debug */
	args[a++] = st;
	if (strcmp(role, "fetchd") == 0)	/* nothing listens there */
		args[a++] = "--nodes-url=http://127.0.0.1:9/nodes.json";
	args[a] = NULL;
	assert_int_equal(bh_start(&b, args), 0);
	snprintf(trying, sizeof(trying), "selftest %s: trying", act);
	if (!errlog_has(&b, trying, T_START) ||
	    !errlog_has(&b, "its sandbox forbids", T_START) ||
	    strstr(errlog(&b), "NOT BLOCKED") != NULL) {
		bh_dump_log(&b);
		fail_msg("%s %s without Landlock: not killed", role, act);
	}
	bh_stop(&b);
}

static void
frontend_open_killed(void **state)
{
	(void)state;
	act_killed_without_landlock("frontend", "open");
	act_killed_without_landlock("frontend", "write-file");
}

static void
fetchd_write_open_killed(void **state)
{
	(void)state;
	act_killed_without_landlock("fetchd", "write-file");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strict_refuses_to_start),
		cmocka_unit_test(permissive_starts_and_says_what_is_missing),
		cmocka_unit_test(frontend_open_killed),
		cmocka_unit_test(fetchd_write_open_killed),
	};

	signal(SIGPIPE, SIG_IGN);
	deny_landlock();
	if (sb_landlock_abi() != 0) {
		fprintf(stderr, "the filter did not hide Landlock\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
