/*
 * A compromised netd cannot drive keyd (issue 8, audit M1-M3).  A copy of
 * the supervisor runs a session whose netd is tests/integration/
 * tool_hostile_netd.c: the real IPC, flooding NET_STATUS and
 * NET_NODES_SAVE as fast as keyd reads.  Meanwhile keyd keeps answering
 * the frontend, writes the profile a bounded number of times, forwards a
 * bounded number of status events, and the hostile netd leaves nothing
 * for the next session's netd: it has no path to the nodes-list cache.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/mono.h"
#include "tests/lib/bh.h"

#define T_REPLY		15000	/* a deadline, not a benchmark */
#define FLOOD_MS	4000

static char	tree[64], dir[PATH_MAX], bin[PATH_MAX];

static void
sh(const char *fmt, ...)
{
	char	cmd[4 * PATH_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

/* bin/bulkhead copied (it finds its roles in ../libexec/bulkhead), the
 * real roles linked in, netd replaced by the hostile build. */
static int
setup(void **state)
{
	static const char *const roles[] = { "keyd", "chatd", "mediad",
	    "frontend", "fetchd" };
	const char	*init[] = { NULL, "--no-passphrase", "init", NULL };
	char		 out[4096], err[4096], prof[PATH_MAX + 32];
	size_t		 i;

	snprintf(tree, sizeof(tree), "/tmp/bh-hostile-XXXXXX");
	if (mkdtemp(tree) == NULL)
		return -1;
	sh("mkdir -p %s/bin %s/libexec/bulkhead %s/prof && chmod 700 %s/prof",
	    tree, tree, tree, tree);
	sh("cp %s/bin/bulkhead %s/bin/", BUILD_DIR, tree);
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		sh("ln -s %s/libexec/bulkhead/%s %s/libexec/bulkhead/",
		    BUILD_DIR, roles[i], tree);
	sh("ln -s %s/tests/tool_hostile_netd %s/libexec/bulkhead/netd",
	    BUILD_DIR, tree);
	snprintf(bin, sizeof(bin), "%s/bin/bulkhead", tree);
	snprintf(dir, sizeof(dir), "%s/prof", tree);
	/* a plain profile, made by the real tree */
	snprintf(prof, sizeof(prof), "--profile=%s/profile.tox", dir);
	init[0] = prof;
	if (bh_run(init, NULL, out, sizeof(out), err, sizeof(err)) != 0) {
		fprintf(stderr, "init: %s%s\n", out, err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	sh("rm -rf %s", tree);
	return 0;
}

/* Each save is a new file renamed over the profile: a new inode and a
 * new change time. */
static long long
profile_version(void)
{
	char		path[PATH_MAX + 16];
	struct stat	st;

	snprintf(path, sizeof(path), "%s/profile.tox", dir);
	assert_int_equal(stat(path, &st), 0);
	return (long long)st.st_ino * 1000000007LL +
	    (long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
}

static void
flooding_netd_cannot_drive_keyd(void **state)
{
	struct bh	 b;
	json_t		*r, *e;
	char		 cache[PATH_MAX + 16];
	uint64_t	 t0;
	long long	 elapsed;
	long long	 v, last;
	size_t		 i;
	int		 writes = 0, answered = 0, dht = 0;
	long long	 flooded;

	last = profile_version();
	assert_int_equal(bh_start_bin(&b, dir, bin, NULL), 0);
	t0 = mono_ms();
	while (mono_ms() - t0 < FLOOD_MS) {
		/* keyd answers the user all along */
		r = bh_cmd(&b, "{\"cmd\":\"id\"}", T_REPLY);
		if (r == NULL)
			bh_dump_log(&b);
		assert_non_null(r);
		assert_true(json_is_true(json_object_get(r, "ok")));
		json_decref(r);
		answered++;
		if ((v = profile_version()) != last) {
			writes++;
			last = v;
		}
		usleep(50000);
	}
	elapsed = (long long)(mono_ms() - t0);
	json_array_foreach(b.events, i, e)
		dht += strcmp(json_string_value(json_object_get(e, "event")) ?:
		    "", "dht") == 0;
	fprintf(stderr, "%d requests answered, %d profile writes, %d dht "
	    "events in %lld ms of flood\n", answered, writes, dht, elapsed);
	/* the first set of nodes is saved at once, later ones at most
	 * every five minutes: one write in a few seconds */
	assert_true(writes <= 1);
	/* status changes reach the frontend at most once a second */
	assert_true(dht <= elapsed / 1000 + 2);
	/* keyd never cut the frontend off; and the flood was real: the
	 * status keyd passed on carries the hostile netd's counter */
	r = bh_cmd(&b, "{\"cmd\":\"status\"}", T_REPLY);
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "ok")));
	flooded = json_integer_value(json_object_get(json_object_get(r,
	    "dht"), "good_nodes"));
	fprintf(stderr, "the hostile netd had sent %lld status messages\n",
	    flooded);
	assert_true(flooded > 1000);
	json_decref(r);
	bh_stop(&b);
	/* and nothing the hostile netd sent waits for the next netd */
	snprintf(cache, sizeof(cache), "%s/nodes.json", dir);
	assert_int_equal(access(cache, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(flooding_netd_cannot_drive_keyd,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
