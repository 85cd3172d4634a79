/*
 * Friends in the profile, both ways with libtoxcore (no network: the Tox
 * instances never start their UDP socket): a friend added in a bulkhead
 * session is in `bulkhead export`'s file as libtoxcore loads it; a
 * savedata libtoxcore wrote with one friend added without a request and
 * one with a request lists both in bulkhead, numbered as libtoxcore
 * numbers them, the second with its request pending.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <tox/tox.h>
#include <unistd.h>

#include "common/hex.h"
#include "common/toxid.h"
#include "tests/lib/bh.h"

#define T_REPLY		15000	/* deadline for a reply, not a benchmark */

static char	dir[64];

static Tox *
offline_tox(const uint8_t *save, size_t len)
{
	struct Tox_Options	*o = tox_options_new(NULL);
	Tox			*t;

	tox_options_set_udp_enabled(o, false);
	tox_options_set_local_discovery_enabled(o, false);
	tox_options_set_ipv6_enabled(o, false);
	if (save != NULL) {
		tox_options_set_savedata_type(o, TOX_SAVEDATA_TYPE_TOX_SAVE);
		tox_options_set_savedata_data(o, save, len);
	}
	t = tox_new(o, NULL);
	tox_options_free(o);
	return t;
}

static void
subdir(char *out, size_t outsz, const char *name)
{
	snprintf(out, outsz, "%s/%s", dir, name);
	assert_int_equal(mkdir(out, 0700), 0);
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

/* The friend list, asked again while chatd waits for keyd's. */
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

static void
quit(struct bh *b)
{
	json_t	*r = cmd(b, "{\"cmd\":\"quit\"}");
	int	 ws;

	json_decref(r);
	ws = bh_wait(b, T_REPLY);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
	bh_stop(b);
}

static void
bulkhead_friend_loads_in_libtoxcore(void **state)
{
	static uint8_t	 save[1 << 16];
	char		 d[128], prof[160], file[160], out[4096], err[4096];
	char		 addr[TOX_ADDRESS_HEX_LEN + 1], line[512];
	uint8_t		 a[TOX_ADDRESS_SIZE], pk[TOX_PUBLIC_KEY_SIZE];
	const char	*args[5];
	struct bh	 b;
	json_t		*r;
	Tox		*other, *t;
	long		 len;
	int		 st;

	/* the friend-to-be: a real libtoxcore identity */
	assert_non_null(other = offline_tox(NULL, 0));
	tox_self_get_address(other, a);
	hex_encode(a, sizeof(a), addr);
	/* its descriptors must not leak into the bulkhead we start */
	tox_kill(other);

	subdir(d, sizeof(d), "bh");
	snprintf(prof, sizeof(prof), "--profile=%s/profile.tox", d);
	args[0] = prof;
	args[1] = "--no-passphrase";
	args[2] = "init";
	args[3] = NULL;
	st = bh_run(args, NULL, out, sizeof(out), err, sizeof(err));
	assert_true(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(bh_start_dir(&b, d, NULL), 0);
	snprintf(line, sizeof(line), "{\"cmd\":\"add\",\"address\":\"%s\","
	    "\"message\":\"from bulkhead\"}", addr);
	r = cmd(&b, line);
	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("add: %s", json_string_value(json_object_get(r,
		    "error")));
	json_decref(r);
	quit(&b);

	snprintf(file, sizeof(file), "%s/export.tox", dir);
	args[0] = prof;
	args[1] = "export";
	args[2] = file;
	args[3] = NULL;
	st = bh_run(args, NULL, out, sizeof(out), err, sizeof(err));
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("export: %s\n%s", out, err);
	assert_true((len = bh_slurp(file, save, sizeof(save))) > 0);
	assert_non_null(t = offline_tox(save, (size_t)len));
	assert_int_equal(tox_self_get_friend_list_size(t), 1);
	assert_true(tox_friend_get_public_key(t, 0, pk, NULL));
	assert_memory_equal(pk, a, TOX_PUBLIC_KEY_SIZE);
	tox_kill(t);
}

static void
libtoxcore_friends_list_in_bulkhead(void **state)
{
	uint8_t		*save, pk1[TOX_PK_LEN], pk2[TOX_PK_LEN];
	uint8_t		 a2[TOX_ADDRESS_LEN];
	static const uint8_t ns[TOX_NOSPAM_LEN] = { 9, 8, 7, 6 };
	char		 d[128], path[160], hex[TOX_PK_HEX_LEN + 1];
	struct bh	 b;
	json_t		*l, *f;
	size_t		 len;
	FILE		*fp;
	Tox		*t;
	int		 i;

	for (i = 0; i < TOX_PK_LEN; i++) {
		pk1[i] = (uint8_t)(i + 1);
		pk2[i] = (uint8_t)(0xf0 - i);
	}
	pk2[31] &= 0x7f;	/* libtoxcore refuses a top bit there */
	toxid_make(a2, pk2, ns);
	assert_non_null(t = offline_tox(NULL, 0));
	assert_int_equal(tox_friend_add_norequest(t, pk1, NULL), 0);
	assert_int_equal(tox_friend_add(t, a2, (const uint8_t *)"hello", 5,
	    NULL), 1);
	len = tox_get_savedata_size(t);
	assert_non_null(save = malloc(len));
	tox_get_savedata(t, save);
	tox_kill(t);
	subdir(d, sizeof(d), "tox");
	snprintf(path, sizeof(path), "%s/profile.tox", d);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(save, 1, len, fp), len);
	fclose(fp);
	free(save);

	assert_int_equal(bh_start_dir(&b, d, NULL), 0);
	l = friends(&b);
	assert_int_equal(json_array_size(l), 2);
	f = json_array_get(l, 0);
	hex_encode(pk1, sizeof(pk1), hex);
	assert_int_equal(json_integer_value(json_object_get(f, "friend")), 0);
	assert_string_equal(json_string_value(json_object_get(f,
	    "public_key")), hex);
	assert_true(json_is_false(json_object_get(f, "request_pending")));
	f = json_array_get(l, 1);
	hex_encode(pk2, sizeof(pk2), hex);
	assert_int_equal(json_integer_value(json_object_get(f, "friend")), 1);
	assert_string_equal(json_string_value(json_object_get(f,
	    "public_key")), hex);
	assert_true(json_is_true(json_object_get(f, "request_pending")));
	json_decref(l);
	quit(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bulkhead_friend_loads_in_libtoxcore),
		cmocka_unit_test(libtoxcore_friends_list_in_bulkhead),
	};
	char	cmd[128];
	int	rv;

	snprintf(dir, sizeof(dir), "/tmp/bh-friends-interop-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	rv = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return rv;
}
