/* Splitting passphrase input into lines (the --passphrase-fd contents). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include "frontend/passphrase.h"

static struct pass	a, b;

static void
pass_split_lines(void **state)
{
	assert_int_equal(pass_split("", 0, &a, &b), 0);
	assert_int_equal(pass_split("pw", 2, &a, &b), 1);
	assert_int_equal(a.len, 2);
	assert_memory_equal(a.p, "pw", 2);
	assert_int_equal(pass_split("pw\n", 3, &a, &b), 1);
	assert_int_equal(a.len, 2);
	assert_int_equal(pass_split("\n", 1, &a, &b), 1);
	assert_int_equal(a.len, 0);		/* an empty passphrase line */
	assert_int_equal(pass_split("old\nnew\n", 8, &a, &b), 2);
	assert_memory_equal(a.p, "old", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.p, "new", 3);
	assert_int_equal(pass_split("old\nnew", 7, &a, &b), 2);
	/* spaces are part of a passphrase */
	assert_int_equal(pass_split(" a b \n", 6, &a, &b), 1);
	assert_int_equal(a.len, 5);
}

static void
pass_split_rejects_extra_and_long(void **state)
{
	static char	big[PASS_MAX + 2];

	assert_int_equal(pass_split("a\nb\nc\n", 6, &a, &b), -1);
	assert_int_equal(pass_split("a\nb\n\n", 5, &a, &b), -1);
	memset(big, 'x', sizeof(big));
	assert_int_equal(pass_split(big, PASS_MAX, &a, &b), 1);
	assert_int_equal(pass_split(big, PASS_MAX + 1, &a, &b), -1);
}

static void
pass_read_fd_reads_to_end(void **state)
{
	int	p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "one\ntwo\n", 8), 8);
	close(p[1]);
	assert_int_equal(pass_read_fd(p[0], &a, &b), 2);
	close(p[0]);
	assert_memory_equal(b.p, "two", 3);
	pass_wipe(&a);
	assert_int_equal(a.len, 0);
	assert_int_equal(a.p[0], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pass_split_lines),
		cmocka_unit_test(pass_split_rejects_extra_and_long),
		cmocka_unit_test(pass_read_fd_reads_to_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
