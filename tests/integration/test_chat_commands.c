/*
 * send, me and typing on the real binaries (issue 10, the frontend's
 * part): the commands are listed with their arguments; what the user may
 * not send is refused by the frontend with the reason, in JSON mode and
 * at the CLI; and the largest message (16384 bytes) and a typing notice
 * cross the real frontend -> chatd channel within the catalogue's bounds:
 * each request ends with a reply, and chatd still answers `friends`
 * afterwards (a message out of bounds would have closed the channel, and
 * `friends` would fail with "chatd is not available").
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

#include "common/hex.h"
#include "common/toxid.h"
#include "tests/lib/bh.h"

#define TEXT_MAX	16384

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

	if (e == NULL)
		return -1;
	snprintf(e->dir, sizeof(e->dir), "/tmp/bh-chat-XXXXXX");
	if (mkdtemp(e->dir) == NULL)
		return -1;
	snprintf(e->prof, sizeof(e->prof), "--profile=%s/p.tox", e->dir);
	snprintf(e->in, sizeof(e->in), "%s/requests", e->dir);
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
make_plain_profile(struct env *e)
{
	const char	*args[] = { e->prof, "--no-passphrase", "init", NULL };
	int		 st;

	st = bh_run(args, NULL, e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Runs a session over the requests; its output is in e->out. */
static void
run_session(struct env *e, int json, const char *requests)
{
	const char	*jargs[] = { "--json", e->prof, NULL };
	const char	*cargs[] = { e->prof, NULL };
	FILE		*f;
	int		 st;

	assert_non_null(f = fopen(e->in, "w"));
	fputs(requests, f);
	fclose(f);
	st = bh_run_in(json ? jargs : cargs, e->in, NULL, e->out,
	    sizeof(e->out), e->err, sizeof(e->err));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("status %d; out:\n%s\nerr:\n%s", st, e->out, e->err);
}

/* The reply with this id among the JSON lines of e->out (a new ref). */
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

static const char *
args_of(json_t *cmds, const char *name)
{
	json_t	*c;
	size_t	 i;

	json_array_foreach(cmds, i, c)
		if (strcmp(json_string_value(json_object_get(c, "name")),
		    name) == 0)
			return json_string_value(json_object_get(c, "args"));
	fail_msg("no command %s", name);
	return NULL;
}

static void
json_session(void **state)
{
	struct env	*e = *state;
	static char	 req[2 * TEXT_MAX + 4096];
	char		*p;
	json_t		*r;

	make_plain_profile(e);
	p = req;
	p += sprintf(p,
	    "{\"cmd\":\"help\",\"id\":1}\n"
	    "{\"cmd\":\"send\",\"id\":2,\"friend\":0,"
	    "\"text\":\"a\\u001b[2J\"}\n"
	    "{\"cmd\":\"send\",\"id\":3,\"friend\":256,\"text\":\"hi\"}\n"
	    "{\"cmd\":\"me\",\"id\":4,\"friend\":0,\"text\":\"\"}\n"
	    "{\"cmd\":\"typing\",\"id\":5,\"friend\":0,\"typing\":\"maybe\"}\n"
	    "{\"cmd\":\"send\",\"id\":6,\"friend\":0,\"text\":\"hi\","
	    "\"to\":1}\n"
	    "{\"cmd\":\"send\",\"id\":7,\"friend\":0,\"text\":\"");
	memset(p, 'x', TEXT_MAX + 1);
	p += TEXT_MAX + 1;
	p += sprintf(p, "\"}\n{\"cmd\":\"send\",\"id\":8,\"friend\":0,"
	    "\"text\":\"");
	memset(p, 'x', TEXT_MAX);
	p += TEXT_MAX;
	sprintf(p, "\"}\n"
	    "{\"cmd\":\"typing\",\"id\":9,\"friend\":0,\"typing\":true}\n"
	    "{\"cmd\":\"friends\",\"id\":10}\n");
	run_session(e, 1, req);

	r = reply_id(e, 1);
	assert_string_equal(args_of(json_object_get(r, "commands"), "send"),
	    "friend [action] text*");
	assert_string_equal(args_of(json_object_get(r, "commands"), "me"),
	    "friend text*");
	assert_string_equal(args_of(json_object_get(r, "commands"),
	    "typing"), "friend typing");
	json_decref(r);
	assert_refused(e, 2, "control character (U+001B) at byte 1");
	assert_refused(e, 3, "\"friend\" is a friend's number");
	assert_refused(e, 4, "\"text\" is required");
	assert_refused(e, 5, "\"typing\" is on or off");
	assert_refused(e, 6, "unknown member \"to\"");
	assert_refused(e, 7, "text is 16385 bytes; at most 16384");
	/* these reach chatd: whatever it answers, each ends with a reply */
	json_decref(reply_id(e, 8));
	json_decref(reply_id(e, 9));
	/* and chatd is still there, on the same channel */
	r = reply_id(e, 10);
	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("friends: %s", json_string_value(json_object_get(r,
		    "error")));
	assert_int_equal(json_array_size(json_object_get(r, "friends")), 0);
	json_decref(r);
}

/* The CLI: the rest of the line is the text; refusals say why. */
static void
cli_session(void **state)
{
	struct env	*e = *state;

	make_plain_profile(e);
	run_session(e, 0, "send 0 a\tb\x1b[31m red\n"
	    "me 300 waves\n"
	    "typing 0 sideways\n"
	    "send 0\n");
	if (strstr(e->out, "error: text has a control character (U+001B) "
	    "at byte 3") == NULL ||
	    strstr(e->out, "error: no friend \"300\"") == NULL ||
	    strstr(e->out, "error: \"typing\" is on or off") == NULL ||
	    strstr(e->out, "error: \"text\" is required") == NULL)
		fail_msg("out:\n%s\nerr:\n%s", e->out, e->err);
	/* nothing of the escape reached the terminal */
	assert_null(strchr(e->out, '\x1b'));
}

/* A Tox ID (and its key in hex) whose key starts AB CD, then b. */
static void
make_id(uint8_t b, char id[TOX_ADDRESS_HEX_LEN + 1],
    char pkhex[TOX_PK_HEX_LEN + 1])
{
	uint8_t	pk[TOX_PK_LEN], addr[TOX_ADDRESS_LEN];
	uint8_t	ns[4] = { 1, 2, 3, 4 };
	size_t	i;

	for (i = 0; i < TOX_PK_LEN; i++)
		pk[i] = b;
	pk[0] = 0xab;
	pk[1] = 0xcd;
	toxid_make(addr, pk, ns);
	toxid_format(addr, id);
	hex_encode(pk, TOX_PK_LEN, pkhex);
}

/*
 * The CLI names a friend by the start of its key too (issue 10): unique
 * prefixes resolve (through chatd's list) in send, me, typing and remove;
 * a prefix two keys share, and a word no friend has, fail naming the
 * candidates; JSON mode keeps a number or the full key only.
 */
static void
cli_friend_by_key_prefix(void **state)
{
	struct env	*e = *state;
	char		 id1[TOX_ADDRESS_HEX_LEN + 1], id2[sizeof(id1)];
	char		 pk1[TOX_PK_HEX_LEN + 1], pk2[sizeof(pk1)];
	char		 req[2048], want[256];
	const char	*p;
	json_t		*r;

	make_id(0x11, id1, pk1);
	make_id(0x22, id2, pk2);
	make_plain_profile(e);
	snprintf(req, sizeof(req),
	    "add %s hello\n"
	    "add %s hello\n"
	    "send abcd11 first\n"
	    "send ABCD both\n"
	    "me nobody waves\n"
	    "send \"Alice Red\" hi\n"
	    "typing \"abcd22\" on\n"
	    "remove ABCD22\n"
	    "friends\n"
	    "send ABCD now one\n", id1, id2);
	run_session(e, 0, req);
	/* send abcd11: friend 0, by its key */
	snprintf(want, sizeof(want), "friend: 0\npublic_key: %s\n"
	    "message_id: ", pk1);
	if ((p = strstr(e->out, want)) == NULL)
		fail_msg("no \"%s\" in:\n%s\nerr:\n%s", want, e->out, e->err);
	if (strstr(e->out, "error: \"ABCD\" names 2 friends: "
	    "0 (ABCD1111), 1 (ABCD2222); give its number or more of its "
	    "key") == NULL ||
	    strstr(e->out, "error: no friend \"nobody\"") == NULL ||
	    strstr(e->out, "error: no friend \"Alice Red\"") == NULL)
		fail_msg("out:\n%s\nerr:\n%s", e->out, e->err);
	/* typing and remove went to friend 1 (two "ok"), which is gone:
	 * the list holds friend 0 only, and ABCD is now unique */
	p = strstr(e->out, "Alice Red");
	assert_non_null(p = strstr(p, "ok\n"));
	assert_non_null(p = strstr(p + 3, "ok\n"));
	assert_non_null(strstr(p, pk1));
	snprintf(want, sizeof(want), "friend: 0\npublic_key: %s\n"
	    "message_id: ", pk1);
	assert_non_null(p = strstr(p, want));
	assert_null(strstr(p, pk2));
	assert_null(strstr(e->out, "ABCD\" names 1"));

	/* JSON: a prefix is no reference */
	snprintf(req, sizeof(req), "{\"cmd\":\"send\",\"id\":1,"
	    "\"friend\":\"abcd11\",\"text\":\"x\"}\n"
	    "{\"cmd\":\"send\",\"id\":2,\"friend\":\"%s\","
	    "\"text\":\"x\"}\n", pk1);
	run_session(e, 1, req);
	r = reply_id(e, 1);
	assert_true(json_is_false(json_object_get(r, "ok")));
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")),
	    "is a friend's number (0 to 255) or 64-digit public key"));
	json_decref(r);
	r = reply_id(e, 2);
	/* once seen failing in CI, not again here: say what it said */
	if (!json_is_true(json_object_get(r, "ok")))
		fail_msg("send by key failed:\n%s\nerr:\n%s", e->out, e->err);
	json_decref(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(json_session, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(cli_session, setup, teardown),
		cmocka_unit_test_setup_teardown(cli_friend_by_key_prefix,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
