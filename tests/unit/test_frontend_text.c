/* Frontend parsing of JSON requests and sanitizing of text for the terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "frontend/json_cmd.h"
#include "frontend/sanitize.h"

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
	    "x??y");
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
