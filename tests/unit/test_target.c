/*
 * keyd's check of the import or export file the supervisor hands it
 * (keyd/target.c, audit M4): an export only into a regular, empty file
 * opened write-only; an import only from a regular file opened read-only.
 * Anything else (a pipe such as a terminal's or a log's, a file with
 * content, a directory, a read-write descriptor) is refused with a reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyd/target.h"

static char	dir[] = "/tmp/bh-target-XXXXXX";

static int
open_in(const char *name, int flags)
{
	char	p[64];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return open(p, flags | O_CLOEXEC, 0600);
}

static void
accepts_only_fit_files(void **state)
{
	char	why[128];
	int	fd, pp[2];

	assert_non_null(mkdtemp(dir));
	assert_int_equal(target_kind_parse("export"), TARGET_EXPORT);
	assert_int_equal(target_kind_parse("import"), TARGET_IMPORT);
	assert_int_equal(target_kind_parse("stdout"), -1);

	/* as the supervisor opens an export: created, empty, write-only */
	fd = open_in("new.tox", O_WRONLY | O_CREAT | O_EXCL);
	assert_int_equal(target_check(fd, TARGET_EXPORT, why, sizeof(why)), 0);
	/* not for reading it back as an import */
	assert_int_equal(target_check(fd, TARGET_IMPORT, why, sizeof(why)),
	    -1);
	assert_int_equal(write(fd, "x", 1), 1);
	/* no longer empty: an export would mix with what is there */
	assert_int_equal(target_check(fd, TARGET_EXPORT, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "not empty"));
	close(fd);

	fd = open_in("rw.tox", O_RDWR | O_CREAT | O_EXCL);
	assert_int_equal(target_check(fd, TARGET_EXPORT, why, sizeof(why)),
	    -1);
	close(fd);

	fd = open_in("new.tox", O_RDONLY);
	assert_int_equal(target_check(fd, TARGET_IMPORT, why, sizeof(why)), 0);
	assert_int_equal(target_check(fd, TARGET_EXPORT, why, sizeof(why)),
	    -1);
	close(fd);

	/* a pipe: someone's terminal, stdout or log */
	assert_int_equal(pipe(pp), 0);
	assert_int_equal(target_check(pp[1], TARGET_EXPORT, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "not a regular file"));
	assert_int_equal(target_check(pp[0], TARGET_IMPORT, why, sizeof(why)),
	    -1);
	close(pp[0]);
	close(pp[1]);

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(target_check(fd, TARGET_IMPORT, why, sizeof(why)),
	    -1);
	close(fd);
	/* nothing there at all */
	assert_int_equal(target_check(-1, TARGET_EXPORT, why, sizeof(why)),
	    -1);
	assert_int_equal(target_check(0, TARGET_NONE, why, sizeof(why)), -1);
	snprintf(why, sizeof(why), "rm -rf %s", dir);
	assert_int_equal(system(why), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_only_fit_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
