/*
 * What the supervisor checks before any role starts, on real processes:
 * bad option values (command line and config file, named), --help, bad
 * command words, a UDP port in use, a directory given as --profile, the
 * profile directory's owner and mode (StrictModes) and its lock (one
 * session per profile, the holder's pid named), no directory left behind
 * when no profile is made, and the --passphrase-file descriptor closed
 * once the frontend has it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/bh.h"

#define KEY64	"F404ABAA1C99A9D37D61AB54898F5679" \
		"3E1DEF8BD46B1038B9D822E8460FAB67"

struct env {
	char	dir[64];
	char	prof[160];
	char	path[128];	/* the profile file */
	char	out[8192];
	char	err[8192];
};

static int
env_setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	snprintf(e->dir, sizeof(e->dir), "/tmp/bh-chk-XXXXXX");
	if (mkdtemp(e->dir) == NULL)
		return -1;
	snprintf(e->path, sizeof(e->path), "%s/p.tox", e->dir);
	snprintf(e->prof, sizeof(e->prof), "--profile=%s", e->path);
	*state = e;
	return 0;
}

static int
env_teardown(void **state)
{
	struct env	*e = *state;
	char		 cmd[192];

	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", e->dir,
	    e->dir);
	if (system(cmd) != 0)
		return -1;
	free(e);
	return 0;
}

/* Runs bulkhead ARGS (NULL-terminated); returns the exit code. */
static int
run(struct env *e, const char *pass, const char *const args[])
{
	int	st;

	st = bh_run(args, pass, e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	assert_true(st != -1 && WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int
exists(const char *path)
{
	struct stat	st;

	return lstat(path, &st) == 0;
}

/* Each bad value exits 2 naming the option and the value, and nothing
 * is created. */
static void
bad_option_values_exit_2(void **state)
{
	static const char *const bad[][2] = {
		{ "--port=0", "--port" },
		{ "--port=70000", "--port" },
		{ "--port=abc", "--port" },
		{ "--port=-1", "--port" },
		{ "--bootstrap=1.2.3.4:33445", "--bootstrap" },
		{ "--bootstrap=example.com:33445:" KEY64, "--bootstrap" },
		{ "--bootstrap=1.2.3.4:0:" KEY64, "--bootstrap" },
		{ "--bootstrap=1.2.3.4:33445:F404", "--bootstrap" },
		{ "--bootstrap=1.2.3.4:33445:" KEY64 "00", "--bootstrap" },
		{ "--log-level=loud", "--log-level" },
		{ "--sandbox=off", "--sandbox" },
	};
	struct env	*e = *state;
	char		 sub[160], prof[192];
	size_t		 i;

	snprintf(sub, sizeof(sub), "%s/new", e->dir);
	snprintf(prof, sizeof(prof), "--profile=%s/p.tox", sub);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *const args[] = { prof, bad[i][0], NULL };

		assert_int_equal(run(e, NULL, args), 2);
		assert_non_null(strstr(e->err, bad[i][1]));
		assert_non_null(strstr(e->err, strchr(bad[i][0], '=') + 1));
		assert_false(exists(sub));
	}
}

static void
good_bootstrap_values_accepted(void **state)
{
	static const char *const good[] = {
		"--bootstrap=127.0.0.1:33445:" KEY64,
		"--bootstrap=[::1]:33445:" KEY64,
		"--bootstrap=::1:33445:" KEY64,
	};
	struct env	*e = *state;
	size_t		 i;

	/* `id` on a new profile fails (no profile), but not on the option */
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *const args[] = { e->prof, good[i], "id", NULL };

		assert_int_equal(run(e, NULL, args), 1);
		assert_null(strstr(e->err, "--bootstrap"));
	}
}

/* The config file's bad values name the file and the line. */
static void
bad_config_values_named(void **state)
{
	static const char *const lines[] = {
		"port = abc", "log-level = loud", "bootstrap = 1.2.3.4:1:ab",
	};
	struct env	*e = *state;
	char		 conf[160], opt[192], want[200];
	const char *const args[] = { e->prof, opt, "id", NULL };
	FILE		*f;
	size_t		 i;

	snprintf(conf, sizeof(conf), "%s/bulkhead.conf", e->dir);
	snprintf(opt, sizeof(opt), "--config=%s", conf);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_non_null(f = fopen(conf, "w"));
		fprintf(f, "# a comment\nno-lan\n%s\n", lines[i]);
		fclose(f);
		assert_int_equal(run(e, NULL, args), 2);
		snprintf(want, sizeof(want), "%s: line 3: ", conf);
		assert_non_null(strstr(e->err, want));
		assert_false(exists(e->path));
	}
}

static void
help_lists_every_command(void **state)
{
	static const char *const cmds[] = { "init", "id [--qr]", "self",
	    "import FILE [--replace]", "export FILE [--plain]", "passwd",
	    "nospam [VALUE]" };
	static const char *const opts[] = { "--help", "-h" };
	struct env	*e = *state;
	size_t		 i, j;

	for (j = 0; j < 2; j++) {
		const char *const args[] = { opts[j], NULL };

		assert_int_equal(run(e, NULL, args), 0);
		assert_non_null(strstr(e->out, "usage: bulkhead"));
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			assert_non_null(strstr(e->out, cmds[i]));
	}
}

static void
bad_nospam_value_exits_2(void **state)
{
	struct env	*e = *state;
	const char *const args[] = { e->prof, "nospam", "12345", NULL };
	const char *const args2[] = { e->prof, "nospam", "1234567G", NULL };

	assert_int_equal(run(e, NULL, args), 2);
	assert_non_null(strstr(e->err, "12345"));
	assert_int_equal(run(e, NULL, args2), 2);
	assert_false(exists(e->path));
}

static void
port_in_use_is_one_clear_error(void **state)
{
	struct env		*e = *state;
	struct sockaddr_in	 sa;
	socklen_t		 sl = sizeof(sa);
	char			 port[32], want[64];
	const char *const	 args[] = { e->prof, port, "--no-ipv6", NULL };
	int			 fd;

	/* a port the kernel gives us, held for the whole run */
	assert_true((fd = socket(AF_INET, SOCK_DGRAM, 0)) != -1);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(port, sizeof(port), "--port=%u", ntohs(sa.sin_port));
	assert_int_equal(run(e, NULL, args), 1);
	snprintf(want, sizeof(want), "UDP port %u is in use",
	    ntohs(sa.sin_port));
	assert_non_null(strstr(e->err, want));
	close(fd);
}

static void
profile_directory_named(void **state)
{
	struct env	*e = *state;
	char		 prof[128];
	const char *const args[] = { prof, "id", NULL };

	snprintf(prof, sizeof(prof), "--profile=%s", e->dir);
	assert_int_equal(run(e, NULL, args), 2);
	assert_non_null(strstr(e->err, "is a directory"));
	assert_null(strstr(e->err, "I/O error"));
}

/* Answering no (here: end of input) to "Create a new Tox identity?"
 * leaves no directory behind. */
static void
no_identity_no_directory(void **state)
{
	struct env	*e = *state;
	char		 top[160], prof[200];
	const char *const args[] = { prof, NULL };

	snprintf(top, sizeof(top), "%s/a", e->dir);
	snprintf(prof, sizeof(prof), "--profile=%s/b/p.tox", top);
	assert_int_equal(run(e, NULL, args), 0);
	assert_non_null(strstr(e->out, "Nothing created"));
	assert_false(exists(top));
	assert_true(exists(e->dir));	/* not ours to remove */
}

static void
unsafe_directory_refused(void **state)
{
	struct env	*e = *state;
	char		 sub[160], prof[240], deep[200];
	const char *const args[] = { prof, "--no-passphrase", "init", NULL };

	snprintf(sub, sizeof(sub), "%s/shared", e->dir);
	snprintf(prof, sizeof(prof), "--profile=%s/p.tox", sub);
	assert_int_equal(mkdir(sub, 0700), 0);
	/* the directory itself, group- then world-writable */
	assert_int_equal(chmod(sub, 0770), 0);
	assert_int_equal(run(e, NULL, args), 1);
	assert_non_null(strstr(e->err, "writable by its group"));
	assert_int_equal(chmod(sub, 0707), 0);
	assert_int_equal(run(e, NULL, args), 1);
	assert_non_null(strstr(e->err, "writable by everyone"));
	assert_false(exists(prof + 10));
	/* a parent writable by others (not root's sticky /tmp) */
	assert_int_equal(chmod(sub, 0777), 0);
	snprintf(deep, sizeof(deep), "%s/mine", sub);
	assert_int_equal(mkdir(deep, 0700), 0);
	snprintf(prof, sizeof(prof), "--profile=%s/p.tox", deep);
	assert_int_equal(run(e, NULL, args), 1);
	assert_non_null(strstr(e->err, "above the profile"));
	assert_false(exists(prof + 10));
	/* fixed: it works */
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(run(e, NULL, args), 0);
	assert_true(exists(prof + 10));
}

/*
 * keyd's Landlock rule covers the profile directory's whole tree: a
 * profile right in the home directory would let keyd rewrite ~/.bashrc.
 * Refused, with where to put it instead (audit L2).
 */
static void
home_directory_refused(void **state)
{
	struct env	*e = *state;
	char		 home[160], prof[240], *saved;
	const char *const args[] = { prof, "--no-passphrase", "init", NULL };
	int		 rc1, rc2, said;

	snprintf(home, sizeof(home), "%s/home", e->dir);
	assert_int_equal(mkdir(home, 0700), 0);
	saved = getenv("HOME") != NULL ? strdup(getenv("HOME")) : NULL;
	assert_int_equal(setenv("HOME", home, 1), 0);
	snprintf(prof, sizeof(prof), "--profile=%s/p.tox", home);
	rc1 = run(e, NULL, args);
	said = strstr(e->err, "a directory of its own") != NULL;
	/* one level down is a directory of its own */
	snprintf(prof, sizeof(prof), "--profile=%s/tox/p.tox", home);
	rc2 = run(e, NULL, args);
	if (saved != NULL)
		assert_int_equal(setenv("HOME", saved, 1), 0);
	else
		unsetenv("HOME");
	free(saved);
	assert_int_equal(rc2, 0);
	snprintf(prof, sizeof(prof), "--profile=%s/p.tox", home);
	assert_int_equal(rc1, 1);
	assert_true(said);
	assert_false(exists(prof + 10));
}

static void
second_session_refused_with_pid(void **state)
{
	struct env	*e = *state;
	const char *const init[] = { e->prof, "--no-passphrase", "init",
	    NULL };
	const char *const id[] = { e->prof, "id", NULL };
	static const char *const none[] = { NULL };
	struct bh	 b;
	json_t		*st;
	char		 want[64], prof[300];
	const char *const id2[] = { prof, "id", NULL };

	assert_int_equal(run(e, NULL, init), 0);
	assert_int_equal(run(e, NULL, id), 0);
	/* a session on the same profile holds it */
	assert_int_equal(bh_start_dir(&b, e->dir, none), 0);
	snprintf(prof, sizeof(prof), "--profile=%s/profile.tox", e->dir);
	st = bh_cmd(&b, "{\"cmd\":\"status\"}", 15000);
	assert_non_null(st);
	json_decref(st);
	assert_int_equal(run(e, NULL, id2), 1);
	snprintf(want, sizeof(want), "in use by another bulkhead session "
	    "(pid %d)", (int)b.pid);
	assert_non_null(strstr(e->err, want));
	/* another profile in the same dir is not locked */
	assert_int_equal(run(e, NULL, id), 0);
	bh_stop(&b);
	/* once it is gone, the profile can be used again */
	assert_int_equal(run(e, NULL, id2), 1);
	assert_null(strstr(e->err, "in use"));
}

/* The supervisor keeps no descriptor of --passphrase-file (L6). */
static void
passphrase_file_closed(void **state)
{
	struct env	*e = *state;
	char		 pf[160], opt[192], fdpath[320], dpath[64];
	char		 link[PATH_MAX];
	const char *const args[] = { opt, NULL };
	struct bh	 b;
	struct dirent	*d;
	json_t		*st;
	DIR		*dir;
	ssize_t		 n;
	FILE		*f;
	int		 seen = 0;

	snprintf(pf, sizeof(pf), "%s/pass", e->dir);
	assert_non_null(f = fopen(pf, "w"));
	fputs("secret\n", f);
	fclose(f);
	snprintf(opt, sizeof(opt), "--passphrase-file=%s", pf);
	assert_int_equal(bh_start(&b, args), 0);
	st = bh_cmd(&b, "{\"cmd\":\"status\"}", 15000);
	assert_non_null(st);
	json_decref(st);
	snprintf(dpath, sizeof(dpath), "/proc/%d/fd", (int)b.pid);
	assert_non_null(dir = opendir(dpath));
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(fdpath, sizeof(fdpath), "%s/%s", dpath, d->d_name);
		if ((n = readlink(fdpath, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		seen++;
		assert_string_not_equal(link, pf);
	}
	closedir(dir);
	assert_true(seen > 3);
	bh_stop(&b);
}

/*
 * Descriptors the caller leaks onto a role's fixed channel numbers are
 * closed before the role starts: `export` runs keyd with its file at 8
 * and no netd, mediad or chatd, and a stray descriptor at 5, 6 or 7 must
 * not be taken for a channel (keyd died on it: epoll_ctl add fd 7).
 */
static void
leaked_descriptors_are_not_channels(void **state)
{
	struct env	*e = *state;
	const char *const init[] = { e->prof, "--no-passphrase", "init",
	    NULL };
	char		 out[160];
	const char *const exp[] = { e->prof, "export", out, NULL };
	int		 fd, n;

	snprintf(out, sizeof(out), "%s/exported.tox", e->dir);
	assert_int_equal(run(e, NULL, init), 0);
	for (fd = 5; fd <= 7; fd++) {
		assert_true((n = open("/dev/null", O_RDWR)) != -1);
		if (n != fd) {
			assert_int_equal(dup2(n, fd), fd);
			close(n);
		}
	}
	n = run(e, NULL, exp);
	for (fd = 5; fd <= 7; fd++)
		close(fd);
	assert_int_equal(n, 0);
	assert_true(exists(out));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bad_option_values_exit_2,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(good_bootstrap_values_accepted,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(bad_config_values_named,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(help_lists_every_command,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(bad_nospam_value_exits_2,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(port_in_use_is_one_clear_error,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(profile_directory_named,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(no_identity_no_directory,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(unsafe_directory_refused,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(home_directory_refused,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(second_session_refused_with_pid,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(
		    leaked_descriptors_are_not_channels, env_setup,
		    env_teardown),
		cmocka_unit_test_setup_teardown(passphrase_file_closed,
		    env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
