/*
 * The CLI's friend references (frontend/friend_match.c): a number, a full
 * key, a name (exact, then ignoring case), a key prefix; ambiguous and
 * unknown words say which friends they could mean, and friends' names
 * with control characters reach no message as they are.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "frontend/friend_match.h"

static struct friend_cand	c[16];
static size_t			n;
static char			why[512];

/* A friend numbered num whose key is the hex digits given, repeated. */
static void
add(uint16_t num, const char *keyhex, const char *name)
{
	char	hex[TOX_PK_HEX_LEN + 1];
	uint8_t	pk[TOX_PK_LEN];
	size_t	i, kl = strlen(keyhex);

	for (i = 0; i < TOX_PK_HEX_LEN; i++)
		hex[i] = keyhex[i % kl];
	hex[TOX_PK_HEX_LEN] = '\0';
	assert_int_equal(hex_decode(hex, TOX_PK_HEX_LEN, pk, TOX_PK_LEN), 0);
	assert_true(n < sizeof(c) / sizeof(c[0]));
	friend_cand_set(&c[n++], num, pk, (const uint8_t *)name,
	    strlen(name));
}

static int
find(const char *w)
{
	why[0] = '\0';
	return friend_match(w, strlen(w), c, n, why, sizeof(why));
}

static int
setup(void **state)
{
	memset(c, 0, sizeof(c));
	n = 0;
	add(0, "AB12", "Alice");
	add(2, "AB34", "alice");
	add(5, "C0FFEE", "Bob");
	add(7, "5150", "");
	add(9, "BEEF", "dave");
	add(11, "D00D", "beef");
	return 0;
}

static void
numbers_and_keys_need_no_list(void **state)
{
	char		key[TOX_PK_HEX_LEN + 1];
	uint8_t		pk[TOX_PK_LEN];
	uint16_t	num = 999;

	assert_int_equal(friend_word("3", 1, &num, pk), FRIEND_WORD_NUMBER);
	assert_int_equal(num, 3);
	assert_int_equal(friend_word("255", 3, &num, pk), FRIEND_WORD_NUMBER);
	assert_int_equal(num, 255);
	assert_int_equal(friend_word("007", 3, &num, pk), FRIEND_WORD_NUMBER);
	assert_int_equal(num, 7);
	/* past the last number, or a prefix's length: looked up */
	assert_int_equal(friend_word("256", 3, &num, pk), FRIEND_WORD_LOOKUP);
	assert_int_equal(friend_word("5150", 4, &num, pk),
	    FRIEND_WORD_LOOKUP);
	assert_int_equal(friend_word("3a", 2, &num, pk), FRIEND_WORD_LOOKUP);
	assert_int_equal(friend_word("", 0, &num, pk), FRIEND_WORD_BAD);

	memset(key, 'a', TOX_PK_HEX_LEN);
	key[TOX_PK_HEX_LEN] = '\0';
	key[0] = '1';
	assert_int_equal(friend_word(key, TOX_PK_HEX_LEN, &num, pk),
	    FRIEND_WORD_KEY);
	assert_int_equal(pk[0], 0x1a);
	assert_int_equal(pk[TOX_PK_LEN - 1], 0xaa);
	/* one digit short, or a non-hex digit: a word to look up */
	assert_int_equal(friend_word(key, TOX_PK_HEX_LEN - 1, &num, pk),
	    FRIEND_WORD_LOOKUP);
	key[5] = 'g';
	assert_int_equal(friend_word(key, TOX_PK_HEX_LEN, &num, pk),
	    FRIEND_WORD_LOOKUP);
}

static void
names_exact_first_then_any_case(void **state)
{
	assert_int_equal(find("Alice"), 0);
	assert_int_equal(find("alice"), 1);	/* exact beats any case */
	assert_int_equal(find("bob"), 2);
	assert_int_equal(find("BOB"), 2);
	/* "ALICE" fits two friends ignoring case: named, not guessed */
	assert_int_equal(find("ALICE"), -1);
	assert_non_null(strstr(why, "\"ALICE\" names 2 friends"));
	assert_non_null(strstr(why, "0 \"Alice\" (AB12AB12)"));
	assert_non_null(strstr(why, "2 \"alice\" (AB34AB34)"));
	/* a part of a name is no name */
	assert_int_equal(find("Ali"), -1);
	assert_non_null(strstr(why, "no friend \"Ali\""));
}

static void
key_prefixes_of_four_digits_or_more(void **state)
{
	assert_int_equal(find("C0FF"), 2);
	assert_int_equal(find("c0ffeec0"), 2);		/* either case */
	assert_int_equal(find("5150"), 3);		/* digits only */
	assert_int_equal(find("AB1"), -1);		/* too short */
	assert_non_null(strstr(why, "no friend"));
	assert_int_equal(find("AB"), -1);
	assert_int_equal(find("ab12"), 0);
	/* the start of two keys */
	assert_int_equal(find("AB"), -1);
	assert_int_equal(find("ABAB"), -1);
	assert_non_null(strstr(why, "no friend"));
	setup(state);
	add(12, "AB12CD", "Carol");
	assert_int_equal(find("ab12"), -1);
	assert_non_null(strstr(why, "\"ab12\" names 2 friends"));
	assert_non_null(strstr(why, "0 \"Alice\""));
	assert_non_null(strstr(why, "12 \"Carol\" (AB12CDAB)"));
	assert_int_equal(find("ab12c"), 6);
	/* a friend without a name shows by number and key */
	assert_int_equal(find("51"), -1);
	setup(state);
	add(13, "5150FF", "");
	assert_int_equal(find("5150"), -1);
	assert_non_null(strstr(why, "7 (51505150)"));
	assert_non_null(strstr(why, "13 (5150FF51)"));
}

/* The rules go in order: a name wins over a key it also starts. */
static void
a_name_before_a_key_prefix(void **state)
{
	assert_int_equal(find("beef"), 5);	/* the name, not key BEEF... */
	assert_int_equal(find("BEEF"), 5);	/* any case: still the name */
	assert_int_equal(find("BEEFB"), 4);	/* no such name: the key */
}

static void
unknown_and_many(void **state)
{
	size_t	i;

	assert_int_equal(find("zed"), -1);
	assert_non_null(strstr(why, "no friend \"zed\""));
	assert_non_null(strstr(why, "\"friends\" lists them"));
	n = 0;
	for (i = 0; i < 6; i++)
		add((uint16_t)(20 + i), i % 2 ? "AA" : "BB", "Sam");
	assert_int_equal(find("Sam"), -1);
	assert_non_null(strstr(why, "\"Sam\" names 6 friends"));
	assert_non_null(strstr(why, "20 \"Sam\""));
	assert_non_null(strstr(why, "23 \"Sam\""));
	assert_null(strstr(why, "24 \"Sam\""));		/* four shown */
	assert_non_null(strstr(why, "and 2 more"));
	n = 0;
	assert_int_equal(find("Sam"), -1);		/* no friends */
	assert_non_null(strstr(why, "no friend"));
}

/*
 * A friend's name is matched as the terminal shows it (controls as '?'),
 * and neither it nor a typed word carries a control character into the
 * message.
 */
static void
names_with_control_characters(void **state)
{
	size_t	i;

	add(30, "E5E5", "Mal\x1b[2Jory");
	add(31, "E6E6", "Mal\x1b[2Jory\x07");
	assert_null(strchr(c[6].name, '\x1b'));
	assert_string_equal(c[6].name, "Mal?[2Jory");
	assert_int_equal(find("Mal?[2Jory"), 6);
	/* the raw bytes are no name the list shows */
	assert_int_equal(find("Mal\x1b[2Jory"), -1);
	for (i = 0; why[i] != '\0'; i++)
		assert_true((unsigned char)why[i] >= 0x20 && why[i] != 0x7f);
	assert_int_equal(find("mal?[2jory?"), 7);
	/* ambiguous ones come out neutralised too */
	add(32, "E7E7", "mal?[2jory\x07");
	assert_int_equal(find("MAL?[2JORY?"), -1);
	assert_non_null(strstr(why, "31 \"Mal?[2Jory?\""));
	for (i = 0; why[i] != '\0'; i++)
		assert_true((unsigned char)why[i] >= 0x20 && why[i] != 0x7f);
	/* a bidi override in a name is no disguise either */
	add(33, "E8E8", "\xe2\x80\xae" "evil");
	assert_int_equal(find("?evil"), 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_and_keys_need_no_list),
		cmocka_unit_test_setup(names_exact_first_then_any_case, setup),
		cmocka_unit_test_setup(key_prefixes_of_four_digits_or_more,
		    setup),
		cmocka_unit_test_setup(a_name_before_a_key_prefix, setup),
		cmocka_unit_test_setup(unknown_and_many, setup),
		cmocka_unit_test_setup(names_with_control_characters, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
