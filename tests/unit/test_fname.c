/*
 * File names from friends (common/fname.c): the hostile names of issue 12
 * (a path, a hidden file, control characters, bidi and zero-width
 * characters, invalid UTF-8, more than 255 bytes of multi-byte UTF-8,
 * only dots, nothing), then the unique-name step in a scratch directory:
 * nothing existing is replaced, a symlink at the name is not followed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fname.h"

static char	out[FNAME_MAX + 1];

static const char *
clean(const char *s, size_t n)
{
	size_t	len = fname_sanitize(s, n, out);

	assert_int_equal(len, strlen(out));
	assert_true(fname_safe(out, len));
	return out;
}
#define CLEAN(lit)	clean(lit, sizeof(lit) - 1)

static void
fname_separators_and_dots(void **state)
{
	assert_string_equal(CLEAN("../x"), "_x");
	assert_string_equal(CLEAN("../../etc/passwd"), "_.._etc_passwd");
	assert_string_equal(CLEAN("..\\..\\boot.ini"), "_.._boot.ini");
	assert_string_equal(CLEAN("/abs"), "_abs");
	assert_string_equal(CLEAN(".bashrc"), "bashrc");
	assert_string_equal(CLEAN(" . .profile"), "profile");
	assert_string_equal(CLEAN("-rf"), "_rf");
	assert_string_equal(CLEAN("report.pdf. . "), "report.pdf");
	assert_string_equal(CLEAN("a b.txt"), "a b.txt");
	assert_string_equal(CLEAN("."), FNAME_EMPTY);
	assert_string_equal(CLEAN(".."), FNAME_EMPTY);
	assert_string_equal(CLEAN("......"), FNAME_EMPTY);
	assert_string_equal(CLEAN(" "), FNAME_EMPTY);
	assert_string_equal(clean("", 0), FNAME_EMPTY);
	assert_string_equal(clean(NULL, 0), FNAME_EMPTY);
}

static void
fname_controls_and_invisibles(void **state)
{
	assert_string_equal(CLEAN("a\x1b[2Jb"), "a_[2Jb");
	assert_string_equal(CLEAN("t\tn\nr\rd\x7f"), "t_n_r_d_");
	assert_string_equal(CLEAN("nul\0byte"), "nul_byte");
	/* C1 in UTF-8 (CSI U+009B) is one character: one '_' */
	assert_string_equal(CLEAN("c\xc2\x9b" "1m"), "c_1m");
	/* "innocent\u202Etxt.exe": an override turns what is shown round */
	assert_string_equal(CLEAN("x\xe2\x80\xaetxt.exe"), "x_txt.exe");
	assert_string_equal(CLEAN("a\xe2\x81\xa6" "b"), "a_b");	/* U+2066 */
	assert_string_equal(CLEAN("a\xe2\x80\x8b" "b"), "a_b");	/* U+200B */
	assert_string_equal(CLEAN("\xef\xbb\xbf" "bom"), "_bom");	/* U+FEFF */
	/* invalid UTF-8: each bad byte, an overlong '/' and a surrogate */
	assert_string_equal(CLEAN("a\xff\xfe" "b"), "a__b");
	assert_string_equal(CLEAN("\xc0\xaf" "x"), "__x");
	assert_string_equal(CLEAN("s\xed\xa0\x80"), "s___");
	assert_string_equal(CLEAN("cut\xe2\x82"), "cut__");
	/* what is fine stays */
	assert_string_equal(CLEAN("Привет мир.txt"), "Привет мир.txt");
	assert_string_equal(CLEAN("写真 (1).jpg"), "写真 (1).jpg");
	assert_string_equal(CLEAN("\xf0\x9f\x98\x80.png"), "\xf0\x9f\x98\x80.png");
}

static void
fname_long_names_cut_at_a_character(void **state)
{
	char	in[1200];
	size_t	i, len;

	/* 400 three-byte characters: 85 fit (255 bytes) */
	for (i = 0; i < 400; i++)
		memcpy(in + 3 * i, "\xe2\x82\xac", 3);	/* U+20AC */
	len = fname_sanitize(in, 1200, out);
	assert_int_equal(len, 255);
	assert_true(fname_safe(out, len));
	/* four-byte characters: 63 fit (252 bytes), the 64th would not */
	for (i = 0; i < 300; i++)
		memcpy(in + 4 * i, "\xf0\x9f\x98\x80", 4);
	len = fname_sanitize(in, 1200, out);
	assert_int_equal(len, 252);
	assert_true(fname_safe(out, len));
	/* one byte, then two-byte ones: 1 + 2 * 127 = 255 */
	in[0] = 'a';
	for (i = 0; i < 200; i++)
		memcpy(in + 1 + 2 * i, "\xc3\xa9", 2);
	len = fname_sanitize(in, 401, out);
	assert_int_equal(len, 255);
	assert_true(fname_safe(out, len));
	/* a cut that leaves trailing dots drops them too */
	memset(in, 'n', 250);
	memset(in + 250, '.', 20);
	len = fname_sanitize(in, 270, out);
	assert_int_equal(len, 250);
	/* a safe name comes back unchanged */
	memset(in, 'q', 255);
	len = fname_sanitize(in, 255, out);
	assert_int_equal(len, 255);
	assert_memory_equal(out, in, 255);
}

static void
fname_safe_refuses(void **state)
{
	assert_true(fname_safe("a", 1));
	assert_false(fname_safe("", 0));
	assert_false(fname_safe(".a", 2));
	assert_false(fname_safe("a.", 2));
	assert_false(fname_safe(" a", 2));
	assert_false(fname_safe("a ", 2));
	assert_false(fname_safe("-a", 2));
	assert_false(fname_safe("a/b", 3));
	assert_false(fname_safe("a\\b", 3));
	assert_false(fname_safe("a\0b", 3));
	assert_false(fname_safe("a\xff", 2));
	assert_false(fname_safe("a\xe2\x80\x8b" "b", 5));
}

/* A scratch directory, opened; removed with what is in it. */
struct scratch {
	char	path[64];
	int	fd;
};

static int
scratch_setup(void **state)
{
	static struct scratch	s;

	snprintf(s.path, sizeof(s.path), "/tmp/test_fname.XXXXXX");
	if (mkdtemp(s.path) == NULL)
		return -1;
	if ((s.fd = open(s.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	*state = &s;
	return 0;
}

static int
scratch_teardown(void **state)
{
	struct scratch	*s = *state;
	char		 cmd[96];

	close(s->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->path);
	return system(cmd) == 0 ? 0 : -1;
}

static void
fname_create_never_replaces(void **state)
{
	struct scratch	*s = *state;
	char		 used[FNAME_MAX + 1];
	struct stat	 st;
	int		 fd, i;

	/* an existing file keeps its bytes */
	fd = openat(s->fd, "a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old", 3), 3);
	close(fd);
	fd = fname_create(s->fd, "a.txt", used);
	assert_true(fd >= 0);
	assert_string_equal(used, "a (1).txt");
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(write(fd, "new", 3), 3);	/* O_RDWR */
	assert_int_equal(pread(fd, used + 200, 3, 0), 3);
	close(fd);
	assert_int_equal(fstatat(s->fd, "a.txt", &st, 0), 0);
	assert_int_equal(st.st_size, 3);
	for (i = 2; i <= 3; i++) {
		char	want[32];

		fd = fname_create(s->fd, "a.txt", used);
		assert_true(fd >= 0);
		close(fd);
		snprintf(want, sizeof(want), "a (%d).txt", i);
		assert_string_equal(used, want);
	}
	/* the last dot splits: no extension, a long one, a double one */
	fd = fname_create(s->fd, "noext", used);
	close(fd);
	fd = fname_create(s->fd, "noext", used);
	close(fd);
	assert_string_equal(used, "noext (1)");
	fd = fname_create(s->fd, "x.tar.gz", used);
	close(fd);
	fd = fname_create(s->fd, "x.tar.gz", used);
	close(fd);
	assert_string_equal(used, "x.tar (1).gz");
	/* a name that is not safe is refused, not created */
	assert_int_equal(fname_create(s->fd, "../x", used), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fname_create(s->fd, ".hidden", used), -1);
	assert_int_equal(errno, EINVAL);
}

static void
fname_create_does_not_follow_a_symlink(void **state)
{
	struct scratch	*s = *state;
	char		 used[FNAME_MAX + 1], target[96];
	struct stat	 st;
	int		 fd;

	/* a link to a file outside, and one that dangles */
	snprintf(target, sizeof(target), "%s.target", s->path);
	fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	assert_int_equal(symlinkat(target, s->fd, "victim"), 0);
	assert_int_equal(symlinkat("/nonexistent/bulkhead-dangling", s->fd,
	    "dangle.txt"), 0);
	fd = fname_create(s->fd, "victim", used);
	assert_true(fd >= 0);
	assert_string_equal(used, "victim (1)");
	assert_int_equal(write(fd, "xx", 2), 2);
	close(fd);
	fd = fname_create(s->fd, "dangle.txt", used);
	assert_true(fd >= 0);
	close(fd);
	assert_string_equal(used, "dangle (1).txt");
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 4);		/* untouched */
	assert_int_equal(lstat("/nonexistent/bulkhead-dangling", &st), -1);
	assert_int_equal(fstatat(s->fd, "victim", &st, AT_SYMLINK_NOFOLLOW),
	    0);
	assert_true(S_ISLNK(st.st_mode));
	unlink(target);
}

static void
fname_create_long_names_stay_in_bounds(void **state)
{
	struct scratch	*s = *state;
	char		 name[FNAME_MAX + 1], used[FNAME_MAX + 1];
	size_t		 i;
	int		 fd;

	/* 83 three-byte characters and ".txt": 253 bytes */
	for (i = 0; i < 83; i++)
		memcpy(name + 3 * i, "\xe2\x82\xac", 3);
	memcpy(name + 249, ".txt", 5);
	assert_true(fname_safe(name, strlen(name)));
	fd = fname_create(s->fd, name, used);
	assert_true(fd >= 0);
	close(fd);
	assert_string_equal(used, name);
	for (i = 1; i <= 12; i++) {
		fd = fname_create(s->fd, name, used);
		assert_true(fd >= 0);
		close(fd);
		assert_true(strlen(used) <= FNAME_MAX);
		assert_true(fname_safe(used, strlen(used)));
		assert_string_equal(used + strlen(used) - 4, ".txt");
	}
	/* " (12).txt" is 9 bytes: 246 for the stem, cut to 82 characters */
	assert_int_equal(strlen(used), 82 * 3 + 9);
}

static void
fname_create_gives_up(void **state)
{
	struct scratch	*s = *state;
	char		 used[FNAME_MAX + 1], name[32];
	int		 fd, k;

	for (k = 0; k <= FNAME_UNIQUE_MAX; k++) {
		if (k == 0)
			snprintf(name, sizeof(name), "full");
		else
			snprintf(name, sizeof(name), "full (%d)", k);
		fd = openat(s->fd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	assert_int_equal(fname_create(s->fd, "full", used), -1);
	assert_int_equal(errno, EEXIST);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fname_separators_and_dots),
		cmocka_unit_test(fname_controls_and_invisibles),
		cmocka_unit_test(fname_long_names_cut_at_a_character),
		cmocka_unit_test(fname_safe_refuses),
		cmocka_unit_test_setup_teardown(fname_create_never_replaces,
		    scratch_setup, scratch_teardown),
		cmocka_unit_test_setup_teardown(
		    fname_create_does_not_follow_a_symlink, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(
		    fname_create_long_names_stay_in_bounds, scratch_setup,
		    scratch_teardown),
		cmocka_unit_test_setup_teardown(fname_create_gives_up,
		    scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
