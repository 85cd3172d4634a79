/* bulkhead.conf parsing: accepted forms and every rejection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "common/conf.h"

static struct conf_entry	e[CONF_MAX_ENTRIES];
static char			err[128];

static int
parse(const char *s)
{
	return conf_parse((const uint8_t *)s, strlen(s), e, CONF_MAX_ENTRIES,
	    err, sizeof(err));
}

static void
conf_accepts_options_switches_comments(void **state)
{
	assert_int_equal(parse("# comment\n\n  log-level = debug \n"
	    "no-ipv6\r\nbootstrap=\"127.0.0.1:33445:AB CD\"\n"
	    "port =33446"), 4);
	assert_string_equal(e[0].key, "log-level");
	assert_string_equal(e[0].value, "debug");
	assert_int_equal(e[0].line, 3);
	assert_int_equal(e[1].has_value, 0);
	assert_string_equal(e[1].key, "no-ipv6");
	assert_string_equal(e[2].value, "127.0.0.1:33445:AB CD");
	assert_string_equal(e[3].value, "33446");
	assert_int_equal(e[3].line, 6);
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse("a = "), 1);
	assert_int_equal(e[0].has_value, 1);
	assert_string_equal(e[0].value, "");
}

static void
conf_rejects_bad_lines(void **state)
{
	assert_int_equal(parse("Log-Level = x"), -1);
	assert_string_equal(err, "line 1: expected an option name (a-z, 0-9, -)");
	assert_int_equal(parse("a\nport 5"), -1);
	assert_string_equal(err, "line 2: expected '=' after the option name");
	assert_int_equal(parse("a = \"x"), -1);
	assert_string_equal(err, "line 1: unterminated quoted value");
	assert_int_equal(parse("a = \"x\"y\""), -1);
	assert_int_equal(parse("a = b\x1b[31m"), -1);
	assert_string_equal(err, "line 1: control character");
	assert_int_equal(conf_parse((const uint8_t *)"a\0b", 3, e, 8, err,
	    sizeof(err)), -1);
	assert_int_equal(parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa = 1"), -1);
}

static void
conf_rejects_too_long_value_and_too_many(void **state)
{
	static char	buf[CONF_MAX_FILE + 2];
	size_t		i;

	memset(buf, 0, sizeof(buf));
	strcpy(buf, "a = ");
	memset(buf + 4, 'x', CONF_MAX_VALUE + 1);
	assert_int_equal(parse(buf), -1);
	assert_string_equal(err, "line 1: value too long");
	buf[4 + CONF_MAX_VALUE] = '\0';
	assert_int_equal(parse(buf), 1);
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < CONF_MAX_ENTRIES + 1; i++)
		strcat(buf, "x\n");
	assert_int_equal(parse(buf), -1);
	assert_string_equal(err, "line 129: too many entries");
	memset(buf, '#', CONF_MAX_FILE + 1);
	assert_int_equal(conf_parse((const uint8_t *)buf, CONF_MAX_FILE + 1,
	    e, CONF_MAX_ENTRIES, err, sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conf_accepts_options_switches_comments),
		cmocka_unit_test(conf_rejects_bad_lines),
		cmocka_unit_test(conf_rejects_too_long_value_and_too_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
