/* Frontend parsing of JSON requests and sanitizing of text for the terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/node_spec.h"
#include "frontend/cmd.h"
#include "frontend/cmd_net.h"
#include "frontend/frontend.h"
#include "frontend/json_cmd.h"
#include "frontend/sanitize.h"

/* The command tables reach the main loop's channels; never called here. */
struct chan *
frontend_chan(enum role r)
{
	fail();
	return NULL;
}

void
frontend_quit(int code)
{
	fail();
}

void
frontend_exit(int code)
{
	abort();
}

static char	err[256];

static int
parse(const char *s, struct json_cmd *jc)
{
	int	rv = json_cmd_parse(s, strlen(s), jc, err, sizeof(err));

	return rv;
}

static void
json_cmd_accepts_requests(void **state)
{
	struct json_cmd	jc;

	assert_int_equal(parse("{\"cmd\": \"status\"}", &jc), 0);
	assert_string_equal(jc.name, "status");
	assert_null(jc.tag);
	json_decref(jc.obj);
	assert_int_equal(parse("{\"cmd\":\"set_name\",\"name\":\"x\","
	    "\"id\":7}", &jc), 0);
	assert_int_equal(json_integer_value(jc.tag), 7);
	json_decref(jc.obj);
}

static void
json_cmd_rejects_malformed(void **state)
{
	struct json_cmd	jc;

	assert_int_equal(parse("{\"cmd\": \"status\"", &jc), -1);
	assert_non_null(strstr(err, "invalid JSON"));
	assert_int_equal(parse("[\"status\"]", &jc), -1);
	assert_string_equal(err, "a request is a JSON object");
	assert_int_equal(parse("{\"cmd\": 5}", &jc), -1);
	assert_string_equal(err, "missing \"cmd\" string");
	assert_int_equal(parse("{\"cmd\": \"\"}", &jc), -1);
	assert_int_equal(parse("{\"cmd\": \"a\\u0000b\"}", &jc), -1);
	assert_int_equal(parse("{\"cmd\": \"a\", \"cmd\": \"b\"}", &jc), -1);
	assert_int_equal(parse("{\"cmd\": \"a\", \"id\": [1]}", &jc), -1);
	assert_int_equal(parse("{}", &jc), -1);
	assert_null(jc.obj);
}

static void
sanitize_neutralises_controls(void **state)
{
	char	out[64];

	assert_string_equal(sanitize_text("hi\x1b[2Jthere", 11, out,
	    sizeof(out)), "hi?[2Jthere");
	assert_string_equal(sanitize_text("a\nb\rc\x7f", 6, out, sizeof(out)),
	    "a?b?c?");
	/* C1 CSI (U+009B) is a control in UTF-8 form too */
	assert_string_equal(sanitize_text("x\xc2\x9by", 4, out, sizeof(out)),
	    "x?y");
	/* valid UTF-8 passes: "grüße" */
	assert_string_equal(sanitize_text("gr\xc3\xbc\xc3\x9f" "e", 7, out,
	    sizeof(out)), "gr\xc3\xbc\xc3\x9f" "e");
	/* overlong, surrogate, truncated sequences */
	assert_string_equal(sanitize_text("\xc0\xaf", 2, out, sizeof(out)),
	    "??");
	assert_string_equal(sanitize_text("\xed\xa0\x80", 3, out,
	    sizeof(out)), "???");
	assert_string_equal(sanitize_text("\xe2\x82", 2, out, sizeof(out)),
	    "??");
}

/* Audit L9: text that displays in another order, or not at all. */
static void
sanitize_neutralises_bidi_and_zero_width(void **state)
{
	static const char *const bad[] = {
		"\xe2\x80\xaa", "\xe2\x80\xae",	/* U+202A, U+202E */
		"\xe2\x81\xa6", "\xe2\x81\xa9",	/* U+2066, U+2069 */
		"\xe2\x80\x8e", "\xe2\x80\x8f",	/* U+200E, U+200F */
		"\xd8\x9c",				/* U+061C */
		"\xe2\x80\x8b", "\xe2\x80\x8d",	/* U+200B, U+200D */
		"\xe2\x81\xa0", "\xef\xbb\xbf",	/* U+2060, U+FEFF */
	};
	char	in[16], out[16], why[80];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(in, sizeof(in), "a%sb", bad[i]);
		assert_string_equal(sanitize_text(in, strlen(in), out,
		    sizeof(out)), "a?b");
		assert_non_null(sanitize_check(in, strlen(in), why,
		    sizeof(why)));
		assert_non_null(strstr(why, "at byte 1"));
	}
	/* their neighbours pass: U+2029 is not U+202A, U+2070 not U+2069 */
	assert_string_equal(sanitize_text("\xe2\x80\xa9\xe2\x81\xb0", 6,
	    out, sizeof(out)), "\xe2\x80\xa9\xe2\x81\xb0");
}

static void
sanitize_check_refuses_what_friends_should_not_get(void **state)
{
	char	why[80];

	assert_null(sanitize_check("Al\xc3\xaf" "ce", 6, why, sizeof(why)));
	assert_string_equal(sanitize_check("a\x1b[31m", 6, why, sizeof(why)),
	    "a control character (U+001B) at byte 1");
	assert_string_equal(sanitize_check("ab\x7f", 3, why, sizeof(why)),
	    "a control character (U+007F) at byte 2");
	assert_string_equal(sanitize_check("\xc2\x85", 2, why, sizeof(why)),
	    "a control character (U+0085) at byte 0");
	assert_string_equal(sanitize_check("x\xe2\x80\xae", 4, why,
	    sizeof(why)), "a bidirectional control (U+202E) at byte 1");
	assert_string_equal(sanitize_check("\xef\xbb\xbfx", 4, why,
	    sizeof(why)), "a zero-width character (U+FEFF) at byte 0");
	assert_string_equal(sanitize_check("a\xff", 2, why, sizeof(why)),
	    "invalid UTF-8 at byte 1");
}

/* An error reply echoes the id if it could be read. */
static void
json_cmd_keeps_the_id_of_a_bad_request(void **state)
{
	struct json_cmd	jc;

	assert_int_equal(parse("{\"id\": 9, \"cmd\": 5}", &jc), -1);
	assert_int_equal(json_integer_value(jc.tag), 9);
	json_decref(jc.obj);
	assert_int_equal(parse("{\"id\": [9], \"cmd\": \"a\"}", &jc), -1);
	assert_null(jc.tag);
	assert_null(jc.obj);
}

static void
members_are_the_commands_arguments(void **state)
{
	json_t	*req;

	req = json_pack("{s:s, s:i, s:s}", "cmd", "set_name", "id", 1, "name",
	    "x");
	assert_int_equal(cmd_check_members(cmd_find("set_name"), req, err,
	    sizeof(err)), 0);
	json_object_set_new(req, "nmae", json_string("y"));
	assert_int_equal(cmd_check_members(cmd_find("set_name"), req, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "unknown member \"nmae\" for set_name; it "
	    "takes: name*");
	json_decref(req);
	req = json_pack("{s:s, s:b}", "cmd", "status", "all", 1);
	assert_int_equal(cmd_check_members(cmd_find("status"), req, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "unknown member \"all\" for status (it takes "
	    "no arguments)");
	json_decref(req);
	/* the one-shot commands are in the table but not in the session's */
	assert_non_null(cmd_find("passwd"));
	assert_false(cmd_find("passwd")->flags & CMD_SESSION);
	req = cmd_list();
	assert_true(json_array_size(req) >= 10);
	json_decref(req);
}

static void
bootstrap_node_in_one_word(void **state)
{
	char	h[64], p[8], k[80];

	assert_int_equal(node_spec_split("1.2.3.4:33445:AB", h, sizeof(h), p,
	    sizeof(p), k, sizeof(k)), 0);
	assert_string_equal(h, "1.2.3.4");
	assert_string_equal(p, "33445");
	assert_string_equal(k, "AB");
	assert_int_equal(node_spec_split("[::1]:5:K", h, sizeof(h), p,
	    sizeof(p), k, sizeof(k)), 0);
	assert_string_equal(h, "::1");
	assert_string_equal(p, "5");
	assert_int_equal(node_spec_split("::1:5:K", h, sizeof(h), p,
	    sizeof(p), k, sizeof(k)), 0);
	assert_string_equal(h, "::1");
	assert_int_equal(node_spec_split("1.2.3.4", h, sizeof(h), p,
	    sizeof(p), k, sizeof(k)), -1);
	assert_int_equal(node_spec_split("1.2.3.4:5", h, sizeof(h), p,
	    sizeof(p), k, sizeof(k)), -1);
	assert_int_equal(node_spec_split(":5:K", h, sizeof(h), p,
	    sizeof(p), k, sizeof(k)), -1);
}

static void
sanitize_truncates_on_boundaries(void **state)
{
	char	out[4];

	/* "aü" + "ü" does not fit in 3 bytes + NUL: cut before it */
	assert_string_equal(sanitize_text("a\xc3\xbc\xc3\xbc", 5, out,
	    sizeof(out)), "a\xc3\xbc");
	assert_string_equal(sanitize_text("abcdef", 6, out, sizeof(out)),
	    "abc");
	assert_string_equal(sanitize_text("ab", 2, out, 1), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_cmd_accepts_requests),
		cmocka_unit_test(json_cmd_rejects_malformed),
		cmocka_unit_test(sanitize_neutralises_controls),
		cmocka_unit_test(sanitize_truncates_on_boundaries),
		cmocka_unit_test(sanitize_neutralises_bidi_and_zero_width),
		cmocka_unit_test(sanitize_check_refuses_what_friends_should_not_get),
		cmocka_unit_test(json_cmd_keeps_the_id_of_a_bad_request),
		cmocka_unit_test(members_are_the_commands_arguments),
		cmocka_unit_test(bootstrap_node_in_one_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
