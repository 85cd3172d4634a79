/*
 * The interactive client on a real terminal (a pty): with no profile it
 * offers to create one, asks the passphrase twice with echo off, and the
 * passphrase never appears on the screen; next time it unlocks, allowing
 * another try after a wrong passphrase; `id` and `quit` work at the prompt.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/mono.h"

#define SECRET	"tr0ub4dor&3"
#define T_WAIT	20000

struct term {
	pid_t	pid;
	int	fd;
	char	screen[65536];	/* everything shown so far */
	size_t	len;
	size_t	seen;		/* expect() consumed up to here */
	struct termios after;	/* the terminal once it exited */
};

/* bulkhead [command] on a new terminal. */
static void
term_run(struct term *t, const char *dir, const char *command)
{
	char	prof[128];

	memset(t, 0, sizeof(*t));
	snprintf(prof, sizeof(prof), "--profile=%s/profile.tox", dir);
	t->pid = forkpty(&t->fd, NULL, NULL, NULL);
	assert_true(t->pid != -1);
	if (t->pid == 0) {
		execl(BUILD_DIR "/bin/bulkhead", "bulkhead", "--no-fetch",
		    "--no-lan", prof, command, (char *)NULL);
		_exit(127);
	}
}

static void
term_start(struct term *t, const char *dir)
{
	term_run(t, dir, NULL);
}

/* Reads until text appears after what earlier calls consumed. */
static int
expect(struct term *t, const char *text)
{
	struct pollfd	 p = { t->fd, POLLIN, 0 };
	uint64_t	 end = mono_ms() + T_WAIT;
	char		*hit;
	ssize_t		 n;

	for (;;) {
		t->screen[t->len] = '\0';
		if ((hit = strstr(t->screen + t->seen, text)) != NULL) {
			t->seen = (size_t)(hit - t->screen) + strlen(text);
			return 1;
		}
		if (mono_ms() >= end ||
		    poll(&p, 1, 200) < 0)
			break;
		if (p.revents == 0)
			continue;
		n = read(t->fd, t->screen + t->len,
		    sizeof(t->screen) - 1 - t->len);
		if (n <= 0)
			break;
		t->len += (size_t)n;
	}
	if (text[0] != '\x01')	/* term_end's drain expects nothing */
		fprintf(stderr, "never saw \"%s\"; screen:\n%s\n", text,
		    t->screen);
	return 0;
}

static void
type(struct term *t, const char *s)
{
	assert_int_equal(write(t->fd, s, strlen(s)), (ssize_t)strlen(s));
}

static int
term_end(struct term *t)
{
	int	ws;

	/* drain until it exits, so it never blocks on a full pty */
	while (expect(t, "\x01never"))
		;
	assert_int_equal(waitpid(t->pid, &ws, 0), t->pid);
	/* the master reads the settings the program left on its side */
	assert_int_equal(tcgetattr(t->fd, &t->after), 0);
	close(t->fd);
	return ws;
}

static void
create_then_unlock_at_the_terminal(void **state)
{
	char		 dir[] = "/tmp/bh-pty-XXXXXX", cmd[64], addr[77];
	struct term	*t = calloc(1, sizeof(*t));
	const char	*p;
	int		 ws;

	assert_non_null(mkdtemp(dir));
	term_start(t, dir);
	assert_true(expect(t, "Create a new Tox identity? [y/N]"));
	type(t, "y\n");
	assert_true(expect(t, "New passphrase: "));
	type(t, SECRET "\n");
	assert_true(expect(t, "Repeat the passphrase: "));
	type(t, SECRET "\n");
	assert_true(expect(t, "address: "));
	memcpy(addr, t->screen + t->seen, 76);
	addr[76] = '\0';
	assert_true(expect(t, "bulkhead> "));
	type(t, "quit\n");
	ws = term_end(t);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	assert_null(strstr(t->screen, SECRET));		/* never echoed */

	term_start(t, dir);
	assert_true(expect(t, "Passphrase for "));
	type(t, "not it\n");
	assert_true(expect(t, "wrong passphrase"));
	assert_true(expect(t, "Passphrase for "));
	type(t, SECRET "\n");
	assert_true(expect(t, "bulkhead> "));
	type(t, "id\n");
	assert_true(expect(t, "address: "));
	p = t->screen + t->seen;
	assert_memory_equal(p, addr, 76);
	assert_true(expect(t, "bulkhead> "));	/* typed at the prompt */
	/* our own name never carries a control sequence to friends (^V:
	 * the next key literally, for the tty and for the line editor) */
	type(t, "set_name Alice \x16\x1b[31mRed\n");
	assert_true(expect(t, "error: name has a control character (U+001B)"));
	assert_true(expect(t, "bulkhead> "));
	type(t, "set_name Alice Red\n");
	assert_true(expect(t, "ok"));
	type(t, "self\n");
	assert_true(expect(t, "name: Alice Red"));
	type(t, "quit\n");
	ws = term_end(t);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	assert_null(strstr(t->screen, SECRET));
	assert_null(strstr(t->screen, "not it"));
	free(t);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
rm_dir(const char *dir)
{
	char	cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A profile with passphrase SECRET, made at the terminal. */
static void
make_profile(struct term *t, const char *dir)
{
	term_run(t, dir, "init");
	assert_true(expect(t, "New passphrase: "));
	type(t, SECRET "\n");
	assert_true(expect(t, "Repeat the passphrase: "));
	type(t, SECRET "\n");
	assert_true(WIFEXITED(term_end(t)));
}

/*
 * Ctrl-C at any start-up prompt ends at once, the terminal as it was
 * (before, the frontend sat in read() with echo off until the supervisor
 * killed it); Ctrl-D at the passphrase says what happened.
 */
static void
interrupt_and_end_at_start_up_prompts(void **state)
{
	char		 dir[] = "/tmp/bh-pty-XXXXXX";
	struct term	*t = calloc(1, sizeof(*t));
	int		 ws;

	assert_non_null(mkdtemp(dir));
	term_start(t, dir);
	assert_true(expect(t, "Create a new Tox identity? [y/N]"));
	type(t, "\x03");			/* VINTR: SIGINT to the group */
	ws = term_end(t);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 130);
	assert_null(strstr(t->screen, "killed by signal"));
	assert_true(t->after.c_lflag & ECHO);

	make_profile(t, dir);
	term_start(t, dir);
	assert_true(expect(t, "Passphrase for "));
	type(t, "\x03");
	ws = term_end(t);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 130);
	assert_null(strstr(t->screen, "killed by signal"));
	assert_true(t->after.c_lflag & ECHO);	/* echo back on */

	term_start(t, dir);
	assert_true(expect(t, "Passphrase for "));
	type(t, "\x04");			/* VEOF on an empty line */
	assert_true(expect(t, "no passphrase given"));
	ws = term_end(t);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) != 0);
	assert_null(strstr(t->screen, "not a terminal"));
	assert_true(t->after.c_lflag & ECHO);
	free(t);
	rm_dir(dir);
}

/* passwd asks the current passphrase once, and says at once that it was
 * wrong, before asking the new one twice. */
static void
passwd_checks_the_current_passphrase_first(void **state)
{
	char		 dir[] = "/tmp/bh-pty-XXXXXX";
	struct term	*t = calloc(1, sizeof(*t));
	const char	*p;
	int		 ws;

	assert_non_null(mkdtemp(dir));
	make_profile(t, dir);
	term_run(t, dir, "passwd");
	assert_true(expect(t, "Passphrase for "));
	type(t, "not it\n");
	assert_true(expect(t, "wrong passphrase"));
	assert_null(strstr(t->screen, "New passphrase"));
	assert_true(expect(t, "Passphrase for "));
	type(t, SECRET "\n");
	assert_true(expect(t, "New passphrase: "));
	type(t, "n3w\n");
	assert_true(expect(t, "Repeat the passphrase: "));
	type(t, "n3w\n");
	assert_true(expect(t, "encrypted: yes"));
	ws = term_end(t);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	/* the current passphrase was asked for once per try, no more */
	p = strstr(t->screen, "Passphrase for ");
	p = strstr(p + 1, "Passphrase for ");
	assert_null(strstr(p + 1, "Passphrase for "));
	assert_null(strstr(t->screen, "Current passphrase"));

	term_run(t, dir, "id");
	assert_true(expect(t, "Passphrase for "));
	type(t, "n3w\n");
	assert_true(expect(t, "address: "));
	ws = term_end(t);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	free(t);
	rm_dir(dir);
}

/*
 * The prompt's line editor: Tab completes a command name, the Up arrow
 * recalls the line before (before: unknown command "?[A"), under the
 * frontend's real seccomp table.
 */
static void
line_editing_and_history(void **state)
{
	char		 dir[] = "/tmp/bh-pty-XXXXXX";
	struct term	*t = calloc(1, sizeof(*t));
	int		 ws;

	assert_non_null(mkdtemp(dir));
	term_run(t, dir, "init");
	assert_true(expect(t, "New passphrase: "));
	type(t, SECRET "\n");
	assert_true(expect(t, "Repeat the passphrase: "));
	type(t, SECRET "\n");
	term_end(t);
	term_start(t, dir);
	assert_true(expect(t, "Passphrase for "));
	type(t, SECRET "\n");
	assert_true(expect(t, "bulkhead> "));
	type(t, "set_status aw\x7f\x7f" "busy\n");	/* two backspaces */
	assert_true(expect(t, "ok"));
	type(t, "sel\t\n");				/* completes "self" */
	assert_true(expect(t, "status: busy"));
	type(t, "\x1b[A\n");				/* self again */
	assert_true(expect(t, "status: busy"));
	assert_null(strstr(t->screen, "unknown command"));
	type(t, "quit\n");
	ws = term_end(t);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	assert_true(t->after.c_lflag & ECHO);
	free(t);
	rm_dir(dir);
}

/* The pid of the supervisor's child running role (its comm), or -1. */
static pid_t
role_child(pid_t sup, const char *role)
{
	char		 path[300], line[256], comm[32];
	struct dirent	*d;
	DIR		*dir;
	FILE		*f;
	pid_t		 found = -1;
	int		 ppid;

	assert_non_null(dir = opendir("/proc"));
	while (found == -1 && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		/* pid (comm) state ppid: role names hold no space or ')' */
		if (fgets(line, sizeof(line), f) != NULL &&
		    sscanf(line, "%*d (%31[^)]) %*c %d", comm, &ppid) == 2 &&
		    ppid == sup && strcmp(comm, role) == 0)
			found = atoi(d->d_name);
		fclose(f);
	}
	closedir(dir);
	return found;
}

/*
 * An event arriving while a line is half typed (issue 10): the partial
 * line is taken off, the event printed on lines of its own, the prompt
 * and the partial line drawn again; finishing the line runs all of it.
 * The event: mediad killed, so the supervisor reports it (role_died).
 */
static void
event_while_typing_keeps_the_line(void **state)
{
	char		 dir[] = "/tmp/bh-pty-XXXXXX";
	struct term	*t = calloc(1, sizeof(*t));
	const char	*ev;
	pid_t		 mediad;
	int		 ws;

	assert_non_null(mkdtemp(dir));
	make_profile(t, dir);
	term_start(t, dir);
	assert_true(expect(t, "Passphrase for "));
	type(t, SECRET "\n");
	assert_true(expect(t, "bulkhead> "));
	type(t, "set_status aw");
	assert_true(expect(t, "set_status aw"));	/* echoed: typed */
	mediad = role_child(t->pid, "mediad");
	assert_true(mediad > 0);
	assert_int_equal(kill(mediad, SIGKILL), 0);
	assert_true(expect(t, "* role_died: role mediad"));
	/* the event starts a line of its own: the partial line was erased
	 * first (back to column 0, clear to the end of the screen) */
	ev = strstr(t->screen, "* role_died");
	assert_non_null(ev);
	assert_true(ev - t->screen >= 4);
	assert_memory_equal(ev - 4, "\r\033[J", 4);
	assert_null(strstr(t->screen, "aw* role"));
	/* then the prompt and the partial line again, after the event */
	assert_true(expect(t, "\n"));
	assert_true(expect(t, "bulkhead> set_status aw"));
	type(t, "ay\n");
	assert_true(expect(t, "ok"));
	assert_true(expect(t, "bulkhead> "));
	type(t, "self\n");
	assert_true(expect(t, "status: away"));
	assert_null(strstr(t->screen, "unknown command"));
	assert_null(strstr(t->screen, "error:"));
	type(t, "quit\n");
	ws = term_end(t);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	free(t);
	rm_dir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_then_unlock_at_the_terminal),
		cmocka_unit_test(interrupt_and_end_at_start_up_prompts),
		cmocka_unit_test(passwd_checks_the_current_passphrase_first),
		cmocka_unit_test(line_editing_and_history),
		cmocka_unit_test(event_while_typing_keeps_the_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
