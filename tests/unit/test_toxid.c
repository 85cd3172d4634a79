/* Tox ID checksum, formatting and every parse error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/toxid.h"

/* A valid ID made by toxid_make from a fixed key and nospam. */
static char	good[TOX_ADDRESS_HEX_LEN + 1];
static uint8_t	good_bin[TOX_ADDRESS_LEN];

static int
setup(void **state)
{
	uint8_t	pk[TOX_PK_LEN], nospam[TOX_NOSPAM_LEN] = { 0xde, 0xad, 0xbe, 0xef };
	size_t	i;

	for (i = 0; i < sizeof(pk); i++)
		pk[i] = (uint8_t)(i * 7 + 1);
	toxid_make(good_bin, pk, nospam);
	toxid_format(good_bin, good);
	return 0;
}

static void
toxid_checksum_known_value(void **state)
{
	uint8_t	id[36], c[2];

	memset(id, 0, sizeof(id));
	id[0] = 0x12;
	id[1] = 0x34;
	id[2] = 0x01;
	id[35] = 0x80;
	toxid_checksum(id, c);
	assert_int_equal(c[0], 0x12 ^ 0x01);
	assert_int_equal(c[1], 0x34 ^ 0x80);
}

static void
toxid_format_is_upper_76(void **state)
{
	size_t	i;

	assert_int_equal(strlen(good), 76);
	for (i = 0; i < 76; i++)
		assert_true((good[i] >= '0' && good[i] <= '9') ||
		    (good[i] >= 'A' && good[i] <= 'F'));
	assert_true(toxid_check(good_bin));
}

static void
toxid_parse_accepts_good(void **state)
{
	uint8_t	addr[TOX_ADDRESS_LEN];
	struct toxid_perr e;

	assert_int_equal(toxid_parse(good, strlen(good), addr, &e), 0);
	assert_memory_equal(addr, good_bin, sizeof(addr));
	assert_int_equal(e.code, TOXID_OK);
}

static void
toxid_parse_accepts_lower_and_trims(void **state)
{
	char	buf[100];
	uint8_t	addr[TOX_ADDRESS_LEN];
	size_t	i;

	snprintf(buf, sizeof(buf), " \t%s\r\n", good);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] >= 'A' && buf[i] <= 'F')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	assert_int_equal(toxid_parse(buf, strlen(buf), addr, NULL), 0);
	assert_memory_equal(addr, good_bin, sizeof(addr));
}

static void
toxid_parse_rejects_empty(void **state)
{
	uint8_t	addr[TOX_ADDRESS_LEN];
	struct toxid_perr e;

	assert_int_equal(toxid_parse("  \n", 3, addr, &e), -1);
	assert_int_equal(e.code, TOXID_ERR_EMPTY);
	assert_int_equal(toxid_parse("", 0, addr, &e), -1);
	assert_int_equal(e.code, TOXID_ERR_EMPTY);
}

static void
toxid_parse_rejects_length(void **state)
{
	uint8_t	addr[TOX_ADDRESS_LEN];
	struct toxid_perr e;
	char	msg[200];

	assert_int_equal(toxid_parse(good, 75, addr, &e), -1);
	assert_int_equal(e.code, TOXID_ERR_LENGTH);
	assert_int_equal(e.len, 75);
	toxid_strerror(&e, msg, sizeof(msg));
	assert_non_null(strstr(msg, "75"));
	assert_non_null(strstr(msg, "76"));
	/* 64 characters that are not all hex: a length error, not a key */
	assert_int_equal(toxid_parse("zz", 2, addr, &e), -1);
	assert_int_equal(e.code, TOXID_ERR_LENGTH);
}

static void
toxid_parse_rejects_inner_space_as_not_hex(void **state)
{
	char	buf[80];
	uint8_t	addr[TOX_ADDRESS_LEN];
	struct toxid_perr e;

	memcpy(buf, good, 77);
	buf[30] = ' ';
	assert_int_equal(toxid_parse(buf, 76, addr, &e), -1);
	assert_int_equal(e.code, TOXID_ERR_NOT_HEX);
	assert_int_equal(e.pos, 30);
}

static void
toxid_parse_says_pubkey_only(void **state)
{
	uint8_t	addr[TOX_ADDRESS_LEN];
	struct toxid_perr e;
	char	msg[200];

	assert_int_equal(toxid_parse(good, 64, addr, &e), -1);
	assert_int_equal(e.code, TOXID_ERR_PUBKEY_ONLY);
	toxid_strerror(&e, msg, sizeof(msg));
	assert_non_null(strstr(msg, "public key"));
}

static void
toxid_parse_reports_not_hex_position(void **state)
{
	char	buf[80], msg[200];
	uint8_t	addr[TOX_ADDRESS_LEN];
	struct toxid_perr e;

	memcpy(buf, good, 77);
	buf[41] = 'g';
	assert_int_equal(toxid_parse(buf, 76, addr, &e), -1);
	assert_int_equal(e.code, TOXID_ERR_NOT_HEX);
	assert_int_equal(e.pos, 41);
	toxid_strerror(&e, msg, sizeof(msg));
	assert_non_null(strstr(msg, "character 42"));
	assert_non_null(strstr(msg, "'g'"));
	/* a control byte is described, never echoed */
	buf[41] = '\x1b';
	assert_int_equal(toxid_parse(buf, 76, addr, &e), -1);
	toxid_strerror(&e, msg, sizeof(msg));
	assert_null(strchr(msg, '\x1b'));
	assert_non_null(strstr(msg, "0x1b"));
}

static void
toxid_parse_rejects_bad_checksum(void **state)
{
	char	buf[80];
	uint8_t	addr[TOX_ADDRESS_LEN];
	struct toxid_perr e;

	memcpy(buf, good, 77);
	buf[10] = buf[10] == '0' ? '1' : '0';	/* one wrong digit */
	assert_int_equal(toxid_parse(buf, 76, addr, &e), -1);
	assert_int_equal(e.code, TOXID_ERR_CHECKSUM);
	memcpy(buf, good, 77);
	buf[75] = buf[75] == '0' ? '1' : '0';	/* wrong checksum digit */
	assert_int_equal(toxid_parse(buf, 76, addr, &e), -1);
	assert_int_equal(e.code, TOXID_ERR_CHECKSUM);
}

static void
toxid_parse_nul_inside_is_not_hex(void **state)
{
	char	buf[80];
	uint8_t	addr[TOX_ADDRESS_LEN];
	struct toxid_perr e;

	memcpy(buf, good, 77);
	buf[5] = '\0';
	assert_int_equal(toxid_parse(buf, 76, addr, &e), -1);
	assert_int_equal(e.code, TOXID_ERR_NOT_HEX);
	assert_int_equal(e.pos, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(toxid_checksum_known_value),
		cmocka_unit_test(toxid_format_is_upper_76),
		cmocka_unit_test(toxid_parse_accepts_good),
		cmocka_unit_test(toxid_parse_accepts_lower_and_trims),
		cmocka_unit_test(toxid_parse_rejects_empty),
		cmocka_unit_test(toxid_parse_rejects_length),
		cmocka_unit_test(toxid_parse_rejects_inner_space_as_not_hex),
		cmocka_unit_test(toxid_parse_says_pubkey_only),
		cmocka_unit_test(toxid_parse_reports_not_hex_position),
		cmocka_unit_test(toxid_parse_rejects_bad_checksum),
		cmocka_unit_test(toxid_parse_nul_inside_is_not_hex),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
