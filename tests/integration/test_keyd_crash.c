/*
 * The profile survives keyd being killed mid-save: a real session is
 * flooded with set_name requests (each one a crash-safe save) and keyd is
 * SIGKILLed at a random moment, many times; after every kill the profile
 * opens with the right passphrase and holds one of the names sent.
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

#define ROUNDS	25
#define BURST	40

static void
keyd_killed_during_saves_never_loses_the_profile(void **state)
{
	char		 dir[] = "/tmp/bh-crash-XXXXXX", prof[96], pf[96];
	char		 pfo[128], out[8192], err[8192], line[128], cmd[64];
	const char	*init[] = { prof, "init", NULL };
	const char	*self[] = { prof, "self", NULL };
	const char	*sess[] = { pfo, NULL };
	struct bh	 b;
	json_t		*st;
	FILE		*f;
	pid_t		 keyd;
	int		 round, i, ws, midway = 0;

	assert_non_null(mkdtemp(dir));
	snprintf(prof, sizeof(prof), "--profile=%s/profile.tox", dir);
	snprintf(pf, sizeof(pf), "%s/pass", dir);
	snprintf(pfo, sizeof(pfo), "--passphrase-file=%s", pf);
	f = fopen(pf, "w");
	fputs("crash test\n", f);
	fclose(f);
	ws = bh_run(init, "crash test\n", out, sizeof(out), err, sizeof(err));
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	srandom((unsigned)getpid());
	for (round = 0; round < ROUNDS; round++) {
		assert_int_equal(bh_start_dir(&b, dir, sess), 0);
		st = bh_cmd(&b, "{\"cmd\":\"status\"}", 15000);
		assert_non_null(st);
		keyd = bh_role_pid(st, "keyd");
		json_decref(st);
		/* fire the saves without waiting for their replies */
		for (i = 0; i < BURST; i++) {
			snprintf(line, sizeof(line), "{\"cmd\":\"set_name\","
			    "\"name\":\"name-%d-%d\"}\n", round, i);
			assert_int_equal(write(b.in, line, strlen(line)),
			    (ssize_t)strlen(line));
		}
		usleep((useconds_t)(random() % 150000));
		assert_int_equal(kill(keyd, SIGKILL), 0);
		ws = bh_wait(&b, 15000);
		assert_true(ws != -1 && WIFEXITED(ws));
		bh_stop(&b);
		/* it opens, and the name is whole: one of those sent */
		ws = bh_run(self, "crash test\n", out, sizeof(out), err,
		    sizeof(err));
		if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
			fprintf(stderr, "round %d: %s\n%s\n", round, out, err);
		assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
		assert_true(strstr(out, "name: name-") != NULL ||
		    strstr(out, "name: \n") != NULL);
		snprintf(line, sizeof(line), "name: name-%d-%d\n", round,
		    BURST - 1);
		if (strstr(out, line) == NULL)
			midway++;	/* killed before the last save */
	}
	fprintf(stderr, "%d of %d kills landed before the burst ended\n",
	    midway, ROUNDS);
	/* else the test proved nothing about saves cut short */
	assert_true(midway > 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keyd_killed_during_saves_never_loses_the_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
