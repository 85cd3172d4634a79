/*
 * The download directory: the user-dirs.dirs parser (supervisor/
 * user_dirs.c) on what xdg-user-dirs writes and on what it does not, the
 * default's order of precedence with a scratch HOME (download_dir.c), and
 * mkdir -p with mode 0700.
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

#include "supervisor/download_dir.h"
#include "supervisor/user_dirs.h"

static char	out[USER_DIRS_PATH_MAX];

static int
parse(const char *text, const char *home)
{
	memset(out, 'X', sizeof(out));
	return user_dirs_download((const uint8_t *)text, strlen(text), home,
	    out, sizeof(out));
}

static void
user_dirs_what_xdg_writes(void **state)
{
	static const char	file[] =
	    "# This file is written by xdg-user-dirs-update\n"
	    "# If you want to change or add directories, just edit the line\n"
	    "XDG_DESKTOP_DIR=\"$HOME/Desktop\"\n"
	    "XDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n"
	    "XDG_MUSIC_DIR=\"$HOME/Music\"\n";

	assert_int_equal(parse(file, "/home/u"), 0);
	assert_string_equal(out, "/home/u/Téléchargements");
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"/srv/dl\"", NULL), 0);
	assert_string_equal(out, "/srv/dl");
	assert_int_equal(parse("  XDG_DOWNLOAD_DIR = \"$HOME\"  # x\n",
	    "/h"), 0);
	assert_string_equal(out, "/h");
	/* escapes: \" \\ \$ */
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"$HOME/a\\\"b\\\\c\\$d\"",
	    "/h"), 0);
	assert_string_equal(out, "/h/a\"b\\c$d");
	/* the last usable line wins; an unusable one after it changes
	 * nothing */
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"/one\"\n"
	    "XDG_DOWNLOAD_DIR=\"/two\"\nXDG_DOWNLOAD_DIR=\"rel\"\n", "/h"), 0);
	assert_string_equal(out, "/two");
	/* CRLF: the '\r' is after the quotes, ignored */
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"/w\"\r\n", "/h"), 0);
	assert_string_equal(out, "/w");
}

static void
user_dirs_refusals(void **state)
{
	char	big[USER_DIRS_PATH_MAX + 64];

	assert_int_equal(parse("", "/h"), -1);
	assert_int_equal(parse("# XDG_DOWNLOAD_DIR=\"/x\"\n", "/h"), -1);
	assert_int_equal(parse("XDG_DOWNLOAD_DIRS=\"/x\"\n", "/h"), -1);
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=/x\n", "/h"), -1);
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"x/y\"\n", "/h"), -1);
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"$HOMEx\"\n", "/h"), -1);
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"$HOME/x\"\n", NULL), -1);
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"$HOME/x\"\n", "rel"), -1);
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"/unterminated\n", "/h"),
	    -1);
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"/x\\", "/h"), -1);
	assert_int_equal(parse("XDG_DOWNLOAD_DIR=\"", "/h"), -1);
	assert_int_equal(parse("XDG_DOWNLOAD_DIR", "/h"), -1);
	/* a NUL inside */
	assert_int_equal(user_dirs_download((const uint8_t *)
	    "XDG_DOWNLOAD_DIR=\"/a\0b\"", 23, "/h", out, sizeof(out)), -1);
	/* too long for out, and for a small out */
	snprintf(big, sizeof(big), "XDG_DOWNLOAD_DIR=\"/%0*d\"",
	    USER_DIRS_PATH_MAX, 0);
	assert_int_equal(parse(big, "/h"), -1);
	assert_int_equal(user_dirs_download((const uint8_t *)
	    "XDG_DOWNLOAD_DIR=\"/abcdef\"", 26, "/h", out, 4), -1);
}

/* A scratch HOME. */
static char	home[64];

static int
home_setup(void **state)
{
	snprintf(home, sizeof(home), "/tmp/test_user_dirs.XXXXXX");
	return mkdtemp(home) == NULL ? -1 : 0;
}

static int
home_teardown(void **state)
{
	char	cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *path, const char *text)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
download_dir_precedence(void **state)
{
	char	path[256], want[256], cfg[128];

	/* nothing configured: ~/Downloads/bulkhead */
	assert_int_equal(download_dir_default(path, sizeof(path), NULL, NULL,
	    home), 0);
	snprintf(want, sizeof(want), "%s/Downloads/bulkhead", home);
	assert_string_equal(path, want);
	/* ~/.config/user-dirs.dirs */
	snprintf(cfg, sizeof(cfg), "%s/.config", home);
	assert_int_equal(mkdir(cfg, 0700), 0);
	snprintf(cfg, sizeof(cfg), "%s/.config/user-dirs.dirs", home);
	write_file(cfg, "XDG_DOWNLOAD_DIR=\"$HOME/Dl/\"\n");
	assert_int_equal(download_dir_default(path, sizeof(path), NULL, NULL,
	    home), 0);
	snprintf(want, sizeof(want), "%s/Dl/bulkhead", home);
	assert_string_equal(path, want);
	/* $XDG_CONFIG_HOME/user-dirs.dirs instead */
	snprintf(cfg, sizeof(cfg), "%s/cfg", home);
	assert_int_equal(mkdir(cfg, 0700), 0);
	snprintf(cfg, sizeof(cfg), "%s/cfg/user-dirs.dirs", home);
	write_file(cfg, "XDG_DOWNLOAD_DIR=\"/srv/x\"\n");
	snprintf(cfg, sizeof(cfg), "%s/cfg", home);
	assert_int_equal(download_dir_default(path, sizeof(path), NULL, cfg,
	    home), 0);
	assert_string_equal(path, "/srv/x/bulkhead");
	/* $XDG_DOWNLOAD_DIR first, when absolute */
	assert_int_equal(download_dir_default(path, sizeof(path), "/dl", cfg,
	    home), 0);
	assert_string_equal(path, "/dl/bulkhead");
	assert_int_equal(download_dir_default(path, sizeof(path), "/", cfg,
	    home), 0);
	assert_string_equal(path, "/bulkhead");
	assert_int_equal(download_dir_default(path, sizeof(path), "rel", cfg,
	    home), 0);
	assert_string_equal(path, "/srv/x/bulkhead");
	/* a file without the line: on to HOME */
	snprintf(cfg, sizeof(cfg), "%s/cfg/user-dirs.dirs", home);
	write_file(cfg, "# none\n");
	snprintf(cfg, sizeof(cfg), "%s/cfg", home);
	snprintf(want, sizeof(want), "%s/Downloads/bulkhead", home);
	assert_int_equal(download_dir_default(path, sizeof(path), NULL, cfg,
	    home), 0);
	assert_string_equal(path, want);
	/* no HOME: none; and a result that does not fit */
	assert_int_equal(download_dir_default(path, sizeof(path), NULL, NULL,
	    NULL), -1);
	assert_int_equal(download_dir_default(path, sizeof(path), NULL, NULL,
	    "relative"), -1);
	assert_int_equal(download_dir_default(path, 8, NULL, NULL, home), -1);
}

static void
download_dir_make_is_mkdir_p(void **state)
{
	char		path[256], file[256];
	struct stat	st;

	snprintf(path, sizeof(path), "%s/a/b//c/", home);
	assert_int_equal(download_dir_make(path), 0);
	snprintf(path, sizeof(path), "%s/a/b/c", home);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/a", home);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* again: all there, fine; an existing dir keeps its mode */
	assert_int_equal(chmod(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/a/b/c", home);
	assert_int_equal(download_dir_make(path), 0);
	snprintf(path, sizeof(path), "%s/a", home);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	/* a file in the way */
	snprintf(file, sizeof(file), "%s/f", home);
	write_file(file, "x");
	snprintf(path, sizeof(path), "%s/f/sub", home);
	assert_int_equal(download_dir_make(path), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(download_dir_make(file), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(download_dir_make("relative/x"), -1);
	assert_int_equal(errno, EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(user_dirs_what_xdg_writes),
		cmocka_unit_test(user_dirs_refusals),
		cmocka_unit_test_setup_teardown(download_dir_precedence,
		    home_setup, home_teardown),
		cmocka_unit_test_setup_teardown(download_dir_make_is_mkdir_p,
		    home_setup, home_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
