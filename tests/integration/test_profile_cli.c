/*
 * Profile commands on real processes: bulkhead init | id | export | import
 * | passwd | nospam, the passphrase by descriptor, and bad input (wrong
 * passphrase, corrupt file, existing export target) that must fail clearly
 * and leave every file as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/lib/bh.h"

struct env {
	char	dir[64];
	char	prof[128];
	char	out[8192];
	char	err[8192];
};

static int
env_setup(void **state)
{
	struct env	*e = calloc(1, sizeof(*e));

	snprintf(e->dir, sizeof(e->dir), "/tmp/bh-prof-XXXXXX");
	if (mkdtemp(e->dir) == NULL)
		return -1;
	snprintf(e->prof, sizeof(e->prof), "--profile=%s/p.tox", e->dir);
	*state = e;
	return 0;
}

static int
env_teardown(void **state)
{
	struct env	*e = *state;
	char		 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	if (system(cmd) != 0)
		return -1;
	free(e);
	return 0;
}

/* Runs bulkhead with the profile option first; returns the exit code. */
static int
run(struct env *e, const char *pass, const char *a1, const char *a2,
    const char *a3)
{
	const char	*args[] = { e->prof, a1, a2, a3, NULL };
	int		 st;

	st = bh_run(args, pass, e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	assert_true(st != -1 && WIFEXITED(st));
	if (WEXITSTATUS(st) != 0)
		fprintf(stderr, "[exit %d] out: %s\nerr: %s\n",
		    WEXITSTATUS(st), e->out, e->err);
	return WEXITSTATUS(st);
}

/* The 76-hex address after "address: " in the output. */
static void
address_of(const char *out, char addr[77])
{
	const char	*p = strstr(out, "address: ");

	assert_non_null(p);
	memcpy(addr, p + 9, 76);
	addr[76] = '\0';
	assert_int_equal(strspn(addr, "0123456789ABCDEF"), 76);
}

static void
init_then_id_with_passphrase_fd(void **state)
{
	struct env	*e = *state;
	char		 a1[77], a2[77], path[160], magic[8];

	assert_int_equal(run(e, "correct horse\n", "init", NULL, NULL), 0);
	address_of(e->out, a1);
	snprintf(path, sizeof(path), "%s/p.tox", e->dir);
	assert_int_equal(bh_slurp(path, magic, 8), 8);
	assert_memory_equal(magic, "toxEsave", 8);	/* encrypted by default */
	assert_int_equal(run(e, "correct horse", "id", NULL, NULL), 0);
	address_of(e->out, a2);
	assert_string_equal(a1, a2);
	/* init again refuses and changes nothing */
	assert_int_equal(run(e, "other", "init", NULL, NULL), 1);
	assert_non_null(strstr(e->out, "already exists"));
	assert_int_equal(run(e, "correct horse", "id", NULL, NULL), 0);
	address_of(e->out, a2);
	assert_string_equal(a1, a2);
}

/*
 * A one-shot command starts only what it needs (rule 5): keyd and the
 * frontend; no netd (nothing on the network), no chatd, no mediad.  The
 * supervisor names every role it starts in its debug log.
 */
static void
oneshot_starts_keyd_and_frontend_only(void **state)
{
	struct env	*e = *state;

	assert_int_equal(run(e, "pw", "init", NULL, NULL), 0);
	assert_int_equal(run(e, "pw", "--log-level=debug", "id", NULL), 0);
	assert_non_null(strstr(e->err, "started keyd"));
	assert_non_null(strstr(e->err, "started frontend"));
	assert_null(strstr(e->err, "started netd"));
	assert_null(strstr(e->err, "started chatd"));
	assert_null(strstr(e->err, "started mediad"));
	assert_null(strstr(e->err, "started fetchd"));
	assert_int_equal(run(e, "pw", "--log-level=debug", "self", NULL), 0);
	assert_null(strstr(e->err, "started netd"));
}

static void
wrong_passphrase_fails_and_keeps_file(void **state)
{
	struct env	*e = *state;
	char		 before[4096], after[4096], path[160];
	long		 n1, n2;

	assert_int_equal(run(e, "right", "init", NULL, NULL), 0);
	snprintf(path, sizeof(path), "%s/p.tox", e->dir);
	n1 = bh_slurp(path, before, sizeof(before));
	assert_int_equal(run(e, "wrong", "id", NULL, NULL), 1);
	assert_non_null(strstr(e->out, "wrong passphrase"));
	n2 = bh_slurp(path, after, sizeof(after));
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, (size_t)n1);
}

static void
no_passphrase_is_explicit_and_said(void **state)
{
	struct env	*e = *state;
	char		 path[160], head[8];

	assert_int_equal(run(e, NULL, "--no-passphrase", "init", NULL), 0);
	assert_non_null(strstr(e->out, "UNENCRYPTED"));
	snprintf(path, sizeof(path), "%s/p.tox", e->dir);
	assert_int_equal(bh_slurp(path, head, 8), 8);
	assert_memory_equal(head, "\0\0\0\0\x1f\x1b\xed\x15", 8);
	/* without a passphrase source and without a terminal: a clear error */
	unlink(path);
	assert_int_equal(run(e, NULL, "init", NULL, NULL), 1);
	assert_non_null(strstr(e->out, "passphrase"));
	assert_int_equal(access(path, F_OK), -1);	/* nothing created */
}

static void
corrupt_profile_is_refused_untouched(void **state)
{
	struct env	*e = *state;
	char		 path[160], junk[300], back[300];
	FILE		*f;
	size_t		 i;

	snprintf(path, sizeof(path), "%s/p.tox", e->dir);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7 + 3);
	f = fopen(path, "wb");
	fwrite(junk, 1, sizeof(junk), f);
	fclose(f);
	assert_int_equal(run(e, NULL, "id", NULL, NULL), 1);
	assert_true(strlen(e->out) > 0);
	assert_int_equal(bh_slurp(path, back, sizeof(back)), sizeof(junk));
	assert_memory_equal(junk, back, sizeof(junk));
	/* a truncated encrypted profile too */
	f = fopen(path, "wb");
	fwrite("toxEsave", 1, 8, f);
	fclose(f);
	assert_int_equal(run(e, "x", "id", NULL, NULL), 1);
	assert_int_equal(bh_slurp(path, back, sizeof(back)), 8);
}

static void
export_import_round_trip(void **state)
{
	struct env	*e = *state;
	char		 a1[77], a2[77], file[160], prof2[160];
	const char	*args[5];
	int		 st;

	assert_int_equal(run(e, "pw1", "init", NULL, NULL), 0);
	address_of(e->out, a1);
	snprintf(file, sizeof(file), "%s/out.tox", e->dir);
	assert_int_equal(run(e, "pw1", "export", file, NULL), 0);
	/* an existing target is never overwritten */
	assert_int_equal(run(e, "pw1", "export", file, NULL), 2);
	assert_non_null(strstr(e->err, "File exists"));
	/* import into another profile: same identity */
	snprintf(prof2, sizeof(prof2), "--profile=%s/q.tox", e->dir);
	args[0] = prof2;
	args[1] = "import";
	args[2] = file;
	args[3] = NULL;
	st = bh_run(args, "pw1", e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	address_of(e->out, a2);
	assert_string_equal(a1, a2);
	/* importing over an existing profile needs --replace */
	st = bh_run(args, "pw1", e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	assert_int_equal(WEXITSTATUS(st), 1);
	assert_non_null(strstr(e->out, "already exists"));
}

/*
 * import --replace over an encrypted profile: keyd replaces only a profile
 * it could open, so the current passphrase comes first (line 1), then the
 * file's (line 2).
 */
static void
import_replace_asks_the_current_passphrase_first(void **state)
{
	struct env	*e = *state;
	char		 a1[77], a2[77], file[160], prof2[160];
	const char	*args[5];
	int		 st;

	/* the identity to import, exported with its own passphrase */
	snprintf(prof2, sizeof(prof2), "--profile=%s/q.tox", e->dir);
	args[0] = prof2;
	args[1] = "init";
	args[2] = NULL;
	st = bh_run(args, "filepw", e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	address_of(e->out, a1);
	snprintf(file, sizeof(file), "%s/other.tox", e->dir);
	args[1] = "export";
	args[2] = file;
	args[3] = NULL;
	st = bh_run(args, "filepw", e->out, sizeof(e->out), e->err,
	    sizeof(e->err));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	assert_int_equal(run(e, "curpw", "init", NULL, NULL), 0);
	/* the file's passphrase alone is taken as the current one: wrong */
	assert_int_equal(run(e, "filepw\n", "import", file, "--replace"), 1);
	assert_non_null(strstr(e->out, "wrong passphrase"));
	/* the current one, then nothing for the file */
	assert_int_equal(run(e, "curpw\n", "import", file, "--replace"), 1);
	assert_non_null(strstr(e->out, "no line 2"));
	assert_int_equal(run(e, "curpw\nfilepw\n", "import", file,
	    "--replace"), 0);
	address_of(e->out, a2);
	assert_string_equal(a1, a2);
	/* the imported profile keeps the file's passphrase */
	assert_int_equal(run(e, "filepw", "id", NULL, NULL), 0);
	address_of(e->out, a2);
	assert_string_equal(a1, a2);
}

/*
 * An export without encryption puts the secret key in the clear: it asks
 * for the passphrase again (the second line of --passphrase-fd), and a
 * wrong one writes nothing and leaves no file (audit M4).
 */
static void
plain_export_asks_the_passphrase_again(void **state)
{
	struct env	*e = *state;
	char		 file[160], magic[8];

	assert_int_equal(run(e, "pw1", "init", NULL, NULL), 0);
	snprintf(file, sizeof(file), "%s/plain.tox", e->dir);
	assert_int_equal(run(e, "pw1\nnot-it\n", "export", "--plain", file),
	    1);
	assert_non_null(strstr(e->out, "wrong passphrase"));
	assert_int_equal(access(file, F_OK), -1);	/* removed */
	assert_int_equal(run(e, "pw1\npw1\n", "export", "--plain", file), 0);
	assert_int_equal(bh_slurp(file, magic, 8), 8);
	assert_memory_not_equal(magic, "toxEsave", 8);
}

static void
passwd_and_nospam(void **state)
{
	struct env	*e = *state;
	char		 a1[77], a2[77];

	assert_int_equal(run(e, "old", "init", NULL, NULL), 0);
	address_of(e->out, a1);
	assert_int_equal(run(e, "old\nnew\n", "passwd", NULL, NULL), 0);
	assert_int_equal(run(e, "old", "id", NULL, NULL), 1);
	assert_int_equal(run(e, "new", "id", NULL, NULL), 0);
	address_of(e->out, a2);
	assert_string_equal(a1, a2);
	assert_int_equal(run(e, "new", "nospam", "0A0B0C0D", NULL), 0);
	address_of(e->out, a2);
	assert_memory_equal(a1, a2, 64);		/* same key */
	assert_memory_equal(a2 + 64, "0A0B0C0D", 8);	/* new nospam */
	/* a bad word: refused before anything starts */
	assert_int_equal(run(e, "new", "nospam", "xyz", NULL), 2);
}

static void
bad_command_words(void **state)
{
	struct env	*e = *state;

	assert_int_equal(run(e, NULL, "frobnicate", NULL, NULL), 2);
	assert_int_equal(run(e, NULL, "import", NULL, NULL), 2);
	assert_int_equal(run(e, NULL, "id", "--plain", NULL), 2);
}

static void
config_file_is_read_and_bad_lines_named(void **state)
{
	struct env	*e = *state;
	char		 conf[160], opt[192], path[160], head[8];
	FILE		*f;

	/* a good file: its switch applies to the command */
	snprintf(conf, sizeof(conf), "%s/bulkhead.conf", e->dir);
	f = fopen(conf, "w");
	fputs("# test\nno-passphrase\nlog-level = warn\n", f);
	fclose(f);
	snprintf(opt, sizeof(opt), "--config=%s", conf);
	assert_int_equal(run(e, NULL, opt, "init", NULL), 0);
	snprintf(path, sizeof(path), "%s/p.tox", e->dir);
	assert_int_equal(bh_slurp(path, head, 8), 8);
	assert_memory_equal(head, "\0\0\0\0\x1f\x1b\xed\x15", 8);
	/* a bad line stops start-up and is named */
	f = fopen(conf, "w");
	fputs("log-level = warn\nno-such-option\n", f);
	fclose(f);
	assert_int_equal(run(e, NULL, opt, "id", NULL), 2);
	assert_non_null(strstr(e->err, "line 2"));
	f = fopen(conf, "w");
	fputs("log-level = loud\n", f);
	fclose(f);
	assert_int_equal(run(e, NULL, opt, "id", NULL), 2);
	/* an explicit config that does not exist is an error */
	unlink(conf);
	assert_int_equal(run(e, NULL, opt, "id", NULL), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)
		T(init_then_id_with_passphrase_fd),
		T(oneshot_starts_keyd_and_frontend_only),
		T(wrong_passphrase_fails_and_keeps_file),
		T(no_passphrase_is_explicit_and_said),
		T(corrupt_profile_is_refused_untouched),
		T(export_import_round_trip),
		T(import_replace_asks_the_current_passphrase_first),
		T(plain_export_asks_the_passphrase_again),
		T(passwd_and_nospam),
		T(bad_command_words),
		T(config_file_is_read_and_bad_lines_named),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
